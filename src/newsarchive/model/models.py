"""What is validated: a parsed article, decoded text, and the reports of `stats` and `db info`.

Immutable pydantic models, so a parsed article is checked once, can be compared and hashed,
and is serialised to the `--json` contract without further glue. What a read hands out
(records.py) is plain dataclasses of the same words: a read never imports pydantic.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from newsarchive.model.records import Block, DateSource, MetaLine, words_read


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


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
    # The outlet, where the file says it: "The Daily Telegraph (London)" (exports do).
    publication: str | None = None

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
        return words_read(self.headline, self.dek, self.blocks)


class Decoded(_Model):
    """Text decoded from a file's bytes, with the encoding that was detected."""

    text: str
    encoding: str
    newline: str  # "\n", "\r\n", "\r" or "mixed": what the file used before normalisation


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
    # The publications with most articles, most first (the ten first), and how many
    # articles name a publication at all.
    publications: dict[str, int] = Field(default_factory=dict)
    with_publication: int = 0
    top_folders: tuple[FolderCount, ...]  # the ten with most paths, most first
    size_bytes: int  # on disk: SQLite's file and its WAL; PostgreSQL's tables and indexes
    last_ingest: LastIngest | None


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
