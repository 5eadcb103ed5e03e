"""What a read of the archive hands out, and the words it shares with the parser: enums and
frozen dataclasses, without pydantic.

`list`, `show` and `search` build only these, so a read starts without importing pydantic
(a third of what a read command imported beyond click, SQLAlchemy and rich; issue 13).
What comes from outside and must be checked, parsed text and imported lines, is validated
by the pydantic models in models.py, which are made of these (an Article's blocks are
Blocks). `as_json` gives what pydantic's `model_dump(mode="json")` gave, key for key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from types import MappingProxyType
from typing import Any, ClassVar

WORDS_PER_MINUTE = 230
# A field's metadata that keeps it out of as_json.
NOT_JSON: Mapping[str, bool] = MappingProxyType({"json": False})


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


@dataclass(frozen=True, slots=True, kw_only=True)
class Block:
    """One piece of the body, in reading order."""

    kind: BlockKind
    text: str  # one line: the archive stores bodies as lines
    # For READ MORE lines: the label as written ("READ MORE", "RELATED VIDEO", ...).
    label: str | None = None
    # For READ MORE lines whose target is a link rather than a title.
    url: str | None = None

    def __post_init__(self) -> None:
        _one_line(self.text)
        if not isinstance(self.kind, BlockKind):  # "paragraph" is taken for its kind
            object.__setattr__(self, "kind", BlockKind(self.kind))

    @classmethod
    def stored(cls, kind: BlockKind, text: str, label: str | None, url: str | None) -> Block:
        """A block read back from the archive: its text is one of the stored body's lines
        and its kind a BlockKind already, so the checks are not made again (a huge
        article's 100,000 blocks are built before `show` prints its first screen)."""
        block = object.__new__(cls)
        _set(block, "kind", kind)
        _set(block, "text", text)
        _set(block, "label", label)
        _set(block, "url", url)
        return block


_set = object.__setattr__


class MetaKind(StrEnum):
    BYLINE = "byline"
    DATE = "date"
    URL = "url"
    DATELINE = "dateline"
    # A field of a news-database export, as written: "Section: NEWS; Pg. 5".
    FIELD = "field"


@dataclass(frozen=True, slots=True, kw_only=True)
class MetaLine:
    """A metadata line exactly as the file has it (`-- By Jane Doe | Nov 9, 2016`): the
    fields read from it (byline, published, source_url) are its meaning, this its words."""

    kind: MetaKind
    text: str

    def __post_init__(self) -> None:
        _one_line(self.text)
        if not isinstance(self.kind, MetaKind):
            object.__setattr__(self, "kind", MetaKind(self.kind))


def _one_line(text: str) -> None:
    if "\n" in text:
        raise ValueError("the text must be one line")


class DateSource(StrEnum):
    """Where a publication date came from. All but `inferred` are stated outright."""

    CLI = "cli"  # given by the user: ingest --published, or `newsarchive date`
    HEADER = "header"  # a metadata line near the top: "Published On 21 Jan 2022", an ISO stamp
    BYLINE = "byline"  # a byline's date: "By Jane Doe | March 3, 2021"
    DATELINE = "dateline"  # a dateline: "LONDON, Dec 5, 2018 (Reuters) -"
    URL = "url"  # the article's source URL path: /2022/1/21/slug
    PATH = "path"  # the file's path or name: 2019/07/04/, 2019-07-04-slug.txt
    PAGE = "page"  # a saved web page's own metadata (its published-time tags, by htmldate)
    EXPORT = "export"  # the date field of a news-database export (LexisNexis, Factiva, ...)
    INFERRED = "inferred"  # reasoned from the text, with the evidence kept

    @property
    def explicit(self) -> bool:
        return self is not DateSource.INFERRED


def words_read(headline: str, dek: str | None, blocks: Iterable[Block]) -> int:
    """Words a reader reads: headline, dek and story text (not links or boilerplate)."""
    words = len(headline.split()) + len((dek or "").split())
    return words + sum(len(b.text.split()) for b in blocks if b.kind in STORY_KINDS)


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleSummary:
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
    # Where in `source` the article is when that is an export of many: (number, of how many).
    place: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchHit(ArticleSummary):
    """A row of `search`: the article, its bm25 rank (lower is better) and a snippet.

    `highlights` are [start, end) character offsets of the matched terms in `snippet`.
    """

    rank: float
    snippet: str
    highlights: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredArticle:
    """An article as the archive holds it: a parsed Article's fields (models.py), then
    what storing it added."""

    headline: str
    dek: str | None = None
    byline: str | None = None
    source_url: str | None = None
    dateline: str | None = None
    published: dt.date | None = None
    date_source: DateSource | None = None
    date_confidence: float | None = None
    date_evidence: tuple[str, ...] = ()
    blocks: tuple[Block, ...] = ()
    meta: tuple[MetaLine, ...] = ()
    publication: str | None = None
    id: int
    sha256: str
    encoding: str
    byte_size: int
    ingested_at: dt.datetime
    sources: tuple[str, ...]  # every path read from, first seen first (as `source` above)
    # The words counted when it was stored (its word_count column), if read with it: a
    # huge article's blocks take half a second to count again (issue 22). Not in JSON:
    # word_count is.
    words: int | None = field(default=None, compare=False, repr=False, metadata=NOT_JSON)
    # Where in each of `sources` the article is, when that is an export of many articles:
    # (its number, of how many); (0, 0) for a file that is the article.
    places: tuple[tuple[int, int], ...] = ()

    # Properties that as_json writes after the fields, as the --json contract has them.
    JSON_PROPERTIES: ClassVar[tuple[str, ...]] = ("word_count", "reading_minutes")

    @property
    def word_count(self) -> int:
        if self.words is not None:
            return self.words
        return words_read(self.headline, self.dek, self.blocks)

    @property
    def reading_minutes(self) -> int:
        return minutes_to_read(self.word_count)


def minutes_to_read(words: int) -> int:
    return max(1, round(words / WORDS_PER_MINUTE))


@dataclass(frozen=True, slots=True, kw_only=True)
class OtherVersion:
    """Another version of an article's story, and what differs from the one being read."""

    id: int
    headline: str
    published: dt.date | None
    word_count: int
    ingested_at: dt.datetime
    change: str  # in a phrase, from the one being read to this one: "+1 paragraph"


@dataclass(frozen=True, slots=True, kw_only=True)
class Surroundings:
    """Where a stored article stands among the others: the articles its related links lead
    to (by block position; None when no article, or no single story, matches), the articles
    whose links lead to it, and the other versions of its story."""

    link_targets: dict[int, int | None] = field(default_factory=dict)
    linked_from: tuple[int, ...] = ()
    versions: tuple[OtherVersion, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class EngineFacts:
    """What the database engine says of itself: SQLite's journal mode and page size, or
    the PostgreSQL server's version (None where it does not apply)."""

    journal_mode: str | None = None
    page_size: int | None = None
    server_version: str | None = None


def as_json(record: Any) -> dict[str, Any]:
    """A record as JSON values, fields in order then its JSON_PROPERTIES: dates in ISO
    8601 (a UTC time ends in Z), enums as their values, tuples as lists."""
    data = {
        f.name: _json_value(getattr(record, f.name))
        for f in dataclasses.fields(record)
        if f.metadata.get("json", True)
    }
    for name in getattr(record, "JSON_PROPERTIES", ()):
        data[name] = getattr(record, name)
    return data


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, dt.datetime):
        written = value.isoformat()
        return written[:-6] + "Z" if written.endswith("+00:00") else written
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return as_json(value)
