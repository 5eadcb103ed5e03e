"""The domain: what an article is, independent of how it was read or where it is kept.

Everything here is an immutable pydantic model, so a parsed article can be compared,
hashed and serialised to the `--json` contract without further glue.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

WORDS_PER_MINUTE = 230


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class BlockKind(StrEnum):
    PARAGRAPH = "paragraph"
    SUBHEADING = "subheading"
    READ_MORE = "read_more"
    # Page text that is neither story nor heading: captions and credits, share and subscribe
    # prompts, a repeated headline, "Story continued below", a wire's "Reuter" sign-off.
    # Kept in place, as written, but not searched and not counted as words read.
    BOILERPLATE = "boilerplate"


# Blocks whose text is this article's own: searched and counted as words read. (A set, not a
# property of the kind: it is asked for every block of every article ingested.)
STORY_KINDS = frozenset({BlockKind.PARAGRAPH, BlockKind.SUBHEADING})


class Block(_Model):
    """One piece of the body, in reading order."""

    kind: BlockKind
    text: str = Field(pattern=r"^[^\n]*$")  # one line: the archive stores bodies as lines
    # For READ MORE lines: the label as written ("READ MORE", "RELATED VIDEO", ...).
    label: str | None = None
    # For READ MORE lines whose target is a link rather than a title.
    url: str | None = None


class MetaKind(StrEnum):
    BYLINE = "byline"
    DATE = "date"
    URL = "url"
    DATELINE = "dateline"


class MetaLine(_Model):
    """A metadata line exactly as the file has it (`-- By Jane Doe | Nov 9, 2016`): the
    fields read from it (byline, published, source_url) are its meaning, this its words."""

    kind: MetaKind
    text: str = Field(pattern=r"^[^\n]*$")


class DateSource(StrEnum):
    """Where a publication date came from. All but `inferred` are stated outright."""

    CLI = "cli"  # given by the user: ingest --published, or `newsarchive date`
    HEADER = "header"  # a metadata line near the top: "Published On 21 Jan 2022", an ISO stamp
    BYLINE = "byline"  # a byline's date: "By Jane Doe | March 3, 2021"
    DATELINE = "dateline"  # a dateline: "LONDON, Dec 5, 2018 (Reuters) -"
    URL = "url"  # the article's source URL path: /2022/1/21/slug
    PATH = "path"  # the file's path or name: 2019/07/04/, 2019-07-04-slug.txt
    INFERRED = "inferred"  # reasoned from the text, with the evidence kept

    @property
    def explicit(self) -> bool:
        return self is not DateSource.INFERRED


class Article(_Model):
    """A parsed article: what the text says, nothing about storage."""

    headline: str
    dek: str | None = None
    byline: str | None = None
    source_url: str | None = None
    # Where and by whom the story was filed, as its first paragraph or a line of its own
    # opens it: "LONDON, Dec 5, 2018 (Reuters) -", "Washington (CNN)".
    dateline: str | None = None
    # The publication date, with where it came from, how sure that is (0..1) and the text
    # it was read or reasoned from; all None (and no evidence) when undated. An article the
    # user undated by hand (`newsarchive date ID --clear`) has only its source, CLI, and
    # the evidence of what was cleared, so that no later rule dates it again.
    published: dt.date | None = None
    date_source: DateSource | None = None
    date_confidence: float | None = Field(default=None, ge=0, le=1)
    date_evidence: tuple[str, ...] = ()
    blocks: tuple[Block, ...] = ()
    # Every metadata line (byline, date, URL, a dateline on its own line), in file order.
    meta: tuple[MetaLine, ...] = ()

    @model_validator(mode="after")
    def _date_has_provenance(self) -> Article:
        dated = (self.published, self.date_source, self.date_confidence)
        cleared = (None, DateSource.CLI, None)
        if dated != cleared and any(v is None for v in dated) and any(v is not None for v in dated):
            raise ValueError("a published date needs its source and confidence, and only a date")
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def word_count(self) -> int:
        """Words a reader reads: headline, dek and story text (not links or boilerplate)."""
        words = len(self.headline.split()) + len((self.dek or "").split())
        return words + sum(len(b.text.split()) for b in self.blocks if b.kind in STORY_KINDS)


class Decoded(_Model):
    """Text decoded from a file's bytes, with the encoding that was detected."""

    text: str
    encoding: str
    newline: str  # "\n", "\r\n", "\r" or "mixed": what the file used before normalisation


class ArticleSummary(_Model):
    """A row of `list`: enough to choose an article, without its body."""

    id: int
    headline: str
    published: dt.date | None
    date_source: DateSource | None
    # The path first read from, exactly, as os functions take it: a byte of the name that
    # is not UTF-8 is a lone surrogate (PEP 383). Shown and serialised by render, never raw.
    source: str | None
    word_count: int
    # How many versions of this story the archive holds (list and search show the newest).
    versions: int = 1


class SearchHit(ArticleSummary):
    """A row of `search`: the article, its bm25 rank (lower is better) and a snippet.

    `highlights` are [start, end) character offsets of the matched terms in `snippet`.
    """

    rank: float
    snippet: str
    highlights: tuple[tuple[int, int], ...]


class StoredArticle(Article):
    """An article as the archive holds it."""

    id: int
    sha256: str
    encoding: str
    byte_size: int
    ingested_at: dt.datetime
    sources: tuple[str, ...]  # every path read from, first seen first (as `source` above)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.word_count / WORDS_PER_MINUTE))


class OtherVersion(_Model):
    """Another version of an article's story, and what differs from the one being read."""

    id: int
    headline: str
    published: dt.date | None
    word_count: int
    ingested_at: dt.datetime
    change: str  # in a phrase, from the one being read to this one: "+1 paragraph"


class Surroundings(_Model):
    """Where a stored article stands among the others: the articles its related links lead
    to (by block position; None when no article, or no single story, matches), the articles
    whose links lead to it, and the other versions of its story."""

    link_targets: dict[int, int | None] = Field(default_factory=dict)
    linked_from: tuple[int, ...] = ()
    versions: tuple[OtherVersion, ...] = ()


class MonthCount(_Model):
    """How many articles were published in a calendar month ("2022-01")."""

    month: str = Field(pattern=r"^\d{4}-\d{2}$")
    articles: int


class Emptiest(_Model):
    """The months of the dated span with the fewest articles: `articles` is that fewest
    (0 when some months have none) and `months` every month with it, oldest first."""

    articles: int
    months: tuple[str, ...]


class FolderCount(_Model):
    """A folder that source files were read from, and how many source paths are in it."""

    folder: str
    paths: int


class LastIngest(_Model):
    """The newest ingest run: when it started, and how many articles it added."""

    at: dt.datetime
    articles: int


class ArchiveStats(_Model):
    """What an archive holds, counted (`stats`, and `stats --json` as it is)."""

    articles: int
    # Articles that are not the newest version of their story (list folds them into it).
    older_versions: int
    stories: int  # articles minus older versions: the rows `list` shows
    source_paths: int
    # Paths beyond the first of each article: byte-identical files stored once.
    duplicate_paths: int
    dated: int
    undated: int
    dated_by: dict[str, int]  # date_source -> articles, most first
    first_published: dt.date | None
    last_published: dt.date | None
    months: tuple[MonthCount, ...]  # the months with articles, oldest first
    busiest: MonthCount | None
    emptiest: Emptiest | None
    encodings: dict[str, int]  # most first
    top_folders: tuple[FolderCount, ...]  # the ten with most paths, most first
    size_bytes: int  # on disk: SQLite's file and its WAL; PostgreSQL's tables and indexes
    last_ingest: LastIngest | None


class EngineFacts(_Model):
    """What the database engine says of itself: SQLite's journal mode and page size, or
    the PostgreSQL server's version (None where it does not apply)."""

    journal_mode: str | None = None
    page_size: int | None = None
    server_version: str | None = None


class DatabaseInfo(_Model):
    """Where an archive is and what state it is in (`db info`)."""

    engine: str
    location: str
    schema_revision: str | None
    schema_current: bool
    size_bytes: int
    articles: int
    # Articles stored before versions were grouped (no fingerprint): reparse groups them.
    ungrouped: int
    # Articles an older parser read, or ungrouped: what `reparse` would read again.
    to_reparse: int
    # EngineFacts: None where they do not apply to the engine.
    journal_mode: str | None = None
    page_size: int | None = None
    server_version: str | None = None
