"""An article as a row of the articles table, and back: plain data, no database.

Kept apart from storage so that ingest's worker processes, which make these rows from
parsed articles (text.columns), never import SQLAlchemy: they start faster and send back
plain lists. The body's text is stored once, as lines in `body`; `blocks` keeps its
structure.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii as _quoted
from typing import Any, TypedDict, cast

from newsarchive.model.records import STORY_KINDS, Block, BlockKind, DateSource, MetaKind, MetaLine


class DateValues(TypedDict):
    """The columns that say when an article was published, and how that is known."""

    published: dt.date | None
    date_source: str | None  # a DateSource value
    date_confidence: float | None
    date_evidence: list[str]


class ArticleValues(DateValues):
    """An article's columns in the articles table, but its id, hash and ingest time: what
    parsing its bytes gives. The one declaration of an article's fields: the table
    (storage/schema.py, alembic's to change), the parsed Article and the StoredArticle a
    read gives (model/), and export's columns follow it; tests/test_fields.py holds them
    to it."""

    headline: str
    dek: str | None
    byline: str | None
    source_url: str | None
    dateline: str | None
    publication: str | None
    origin: str | None  # the export format the bytes were cut from; None: an article file
    meta: list[dict[str, str]]
    body: str
    blocks: list[dict[str, str]]
    word_count: int
    encoding: str
    byte_size: int
    # The folder of the path the article was first read from (None: cut from an export,
    # whose articles are of many outlets); the dek model's vote on the first unit under
    # the headline (None: none was asked); and the verdict of its folder on a standfirst
    # it was read with (text/parser/dek.py, ops/folder_deks.py).
    folder: str | None
    dek_vote: float | None
    dek_folder: int
    parser_version: int
    # LSH band keys, packed (fingerprint.py); None only in an archive's articles stored
    # before versions were grouped (reparse reads them again).
    fingerprint: bytes | None


class StoredValues(ArticleValues):
    """An article's columns as the archive holds them, but its id, hash and ingest time:
    what parsing gave, and the story and family ops.versions grouped it into (None: not
    grouped yet). What verify, reparse, redate, import and copy read and write."""

    cluster_id: int | None
    family_id: int | None


DATE_COLUMNS = tuple(DateValues.__annotations__)
# How the bytes were read, not what they say (and the dek model's vote, which is of the
# reading): the rest are the text's (its dates are DATE_COLUMNS).
READ_COLUMNS = (
    *("origin", "encoding", "byte_size", "folder", "dek_vote", "dek_folder", "parser_version"),
)
# The columns a parse of an article's bytes decides, in ArticleValues' order.
PARSED_COLUMNS = tuple(
    c for c in ArticleValues.__annotations__ if c not in DATE_COLUMNS and c not in READ_COLUMNS
)
# The articles table's columns beyond StoredValues: its key, its hash and when it was stored.
RECORD_COLUMNS = ("id", "sha256", "ingested_at")
# The articles table's columns beyond ArticleValues: RECORD_COLUMNS, and the story and
# family it belongs to (versions.py sets them).
STORAGE_COLUMNS = (
    *RECORD_COLUMNS,
    *(c for c in StoredValues.__annotations__ if c not in ArticleValues.__annotations__),
)

# ArticleValues' columns in the order a StoredRow holds them.
ROW_COLUMNS = tuple(ArticleValues.__annotations__)
JSON_COLUMNS = frozenset({"meta", "date_evidence", "blocks"})
# An article's ArticleValues as the archive stores them, in ROW_COLUMNS' order: the JSON
# columns as their text (json.dumps, as SQLAlchemy's JSON type writes them), the date as
# ISO text, the rest as they are. What ingest's workers send the writer: a list of strings
# pickles at a fraction of the dicts' cost, and goes into the table as it is. A list, not a
# tuple: the writer empties a huge article's body in it once bound (see NewArticle).
StoredRow = list[Any]
# What an engine's index_texts (see storage.backends.Backend) makes of a parsed article's columns
# for its search index, each searched column's text or None (the column as it is).
IndexTexts = tuple[bytes | bytearray | None, ...]
MakeIndexTexts = Callable[[Mapping[str, Any]], IndexTexts | None]


def stored_row(values: ArticleValues) -> StoredRow:
    by_name = cast(Mapping[str, Any], values)
    row = [by_name[column] for column in ROW_COLUMNS]
    # The columns that are not stored as they are, by place: a call per column cost a
    # third of the row (_stored does the same for with_dates).
    for at in _JSON_PLACES:
        row[at] = _json_list(row[at]) if row[at] else "[]"
    row[_BLOCKS_PLACE] = _json_blocks(row[_BLOCKS_PLACE])
    if (published := row[_PUBLISHED_PLACE]) is not None:
        row[_PUBLISHED_PLACE] = cast(dt.date, published).isoformat()
    return row


_JSON_PLACES = tuple(i for i, c in enumerate(ROW_COLUMNS) if c in JSON_COLUMNS and c != "blocks")
_BLOCKS_PLACE = ROW_COLUMNS.index("blocks")
_PUBLISHED_PLACE = ROW_COLUMNS.index("published")

# json.dumps of a block that is its kind alone (a paragraph's: most of them), made once.
_KIND_ONLY = {kind.value: json.dumps({"kind": kind.value}) for kind in BlockKind}


def _json_blocks(blocks: list[dict[str, str]]) -> str:
    """json.dumps(blocks), exactly, at a third of its cost: a story block's text is its
    kind's, made once (json.dumps joins a list's items with ", ")."""
    try:
        return (
            "["
            + ", ".join([_KIND_ONLY[b["kind"]] if len(b) == 1 else _json_item(b) for b in blocks])
            + "]"
        )
    except TypeError:  # not all strings: json.dumps says what it makes of them
        return json.dumps(blocks)


def _json_list(items: list[Any]) -> str:
    """json.dumps(items) of a list of strings or of dicts of strings to strings (metadata
    lines, date evidence): the same text, made as json.dumps makes it (a list's items
    joined by ", ", a dict's "key: value" pairs by ", ", each string quoted by the
    function json.dumps quotes with) without its encoder's set-up per call. Anything
    else raises TypeError in _quoted, and json.dumps makes it."""
    try:
        return "[" + ", ".join([_json_item(item) for item in items]) + "]"
    except TypeError:
        return json.dumps(items)


def _json_item(item: Any) -> str:
    if type(item) is dict:
        return "{" + ", ".join([f"{_quoted(k)}: {_quoted(v)}" for k, v in item.items()]) + "}"
    return _quoted(item)


def _stored(column: str, value: Any) -> Any:
    if column in JSON_COLUMNS:
        return json.dumps(value) if value else "[]"  # (an empty list: one of three times)
    if column == "published" and value is not None:
        return cast(dt.date, value).isoformat()
    return value


def values_of(row: StoredRow) -> ArticleValues:
    """The ArticleValues a StoredRow holds (stored_row, undone)."""
    values = dict(zip(ROW_COLUMNS, row, strict=True))
    for column in JSON_COLUMNS:
        values[column] = json.loads(values[column])
    if values["published"] is not None:
        values["published"] = dt.date.fromisoformat(values["published"])
    return cast(ArticleValues, values)


def with_dates(row: StoredRow, dates: DateValues) -> StoredRow:
    """The row with these date columns instead of its own (ingest --published), changed in
    place: no second row holds a huge article's body."""
    by_name = cast(Mapping[str, Any], dates)
    for i, column in enumerate(ROW_COLUMNS):
        if column in by_name:
            row[i] = _stored(column, by_name[column])
    return row


def changed_columns(
    values: ArticleValues, stored: Mapping[str, Any], date_source: str | None
) -> list[str]:
    """The columns where a new parse (`values`) differs from what is stored: the parsed
    ones, and the dates too unless the user gave them (ingest --published)."""
    columns: tuple[str, ...] = PARSED_COLUMNS
    if date_source != DateSource.CLI.value:
        columns += DATE_COLUMNS
    by_name = cast(Mapping[str, Any], values)  # a TypedDict, read here by column name
    return [c for c in columns if by_name[c] != stored[c]]


# The columns `derived` reads: when one changes, what it derived must be derived again.
DERIVED_FROM = frozenset({"fingerprint", "headline", "source_url", "blocks"})


@dataclass(frozen=True, slots=True)
class Derived:
    """The rows other tables hold for one article, all derived from its columns: its LSH
    band keys, the names links can reach it by, and the names its own links look up. Each
    row a tuple in its table's column order (schema.py), as the engine binds it: dicts cost
    the writer a third of its band-row stage (16 rows an article)."""

    bands: list[tuple[int, int]]  # (band, article_id)
    names: list[tuple[str, int]]  # (name, article_id)
    links: list[tuple[int, int, int, str]]  # (article_id, position, tier, name)


@dataclass(frozen=True, slots=True)
class Lookups:
    """What Derived holds for an article before it has an id: worked out in ingest's
    workers (names and link look-ups cost as much as the inserts), numbered in the writer."""

    bands: list[int]
    names: list[str]
    links: list[tuple[int, int, str]]  # (block position, tier, name)

    def rows(self, article_id: int) -> Derived:
        return Derived(
            [(key, article_id) for key in self.bands],
            [(name, article_id) for name in self.names],
            [(article_id, position, tier, name) for position, tier, name in self.links],
        )


def dated_values(published: dt.date) -> DateValues:
    """The date columns for a date the user gave (ingest --published)."""
    return {
        "published": published,
        "date_source": DateSource.CLI.value,
        "date_confidence": 1.0,
        "date_evidence": [f"ingest --published {published.isoformat()}"],
    }


def hand_dated_values(published: dt.date | None, before: DateValues, today: dt.date) -> DateValues:
    """The date columns for a date the user set on a stored article (`newsarchive date`),
    or cleared (None). The date it replaces and where that came from are kept in the
    evidence, and so is the evidence of dates given by hand before (their history);
    evidence read from the text is not, since the text still holds it."""
    was = before["published"]
    replaced = f"{was.isoformat()} ({before['date_source']})" if was is not None else "undated"
    done = "set by hand" if published is not None else "cleared by hand"
    evidence = [f"{done} on {today.isoformat()}; was {replaced}"]
    if before["date_source"] == DateSource.CLI.value:
        evidence += before["date_evidence"]
    return {
        "published": published,
        "date_source": DateSource.CLI.value,
        "date_confidence": 1.0 if published is not None else None,
        "date_evidence": evidence,
    }


STORY_BLOCK_VALUES = {kind: {"kind": kind.value} for kind in STORY_KINDS}


def block_values(block: Block) -> dict[str, str]:
    # By hand, not model_dump: this runs for every block of every article ingested.
    if block.kind in STORY_KINDS:
        # Its text is the next line of `body`. One dict for every paragraph, never changed
        # (nothing writes into a row's blocks): a huge article has 100,000 (19 MB of them).
        return STORY_BLOCK_VALUES[block.kind]
    values = {"kind": block.kind.value, "text": block.text}
    if block.label is not None:
        values["label"] = block.label
    if block.url is not None:
        values["url"] = block.url
    return values


def meta_from_row(meta: list[dict[str, str]]) -> tuple[MetaLine, ...]:
    return tuple(MetaLine(kind=MetaKind(entry["kind"]), text=entry["text"]) for entry in meta)


def blocks_from_row(body: str, structure: list[dict[str, Any]]) -> tuple[Block, ...]:
    """The blocks `article_values` stored: structure in order, texts from the body's lines."""
    lines = iter(body.split("\n"))
    kinds = _BLOCK_KINDS  # a dict look-up, not the enum's call: 100,000 blocks of a huge one
    stored = Block.stored
    return tuple(
        stored(
            kinds[entry["kind"]],
            entry["text"] if "text" in entry else next(lines),
            entry.get("label"),
            entry.get("url"),
        )
        for entry in structure
    )


_BLOCK_KINDS = {kind.value: kind for kind in BlockKind}
