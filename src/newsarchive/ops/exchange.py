"""`export`: articles out of an archive as JSON Lines, CSV or Markdown.

JSON Lines is the lossless form: one article a line, every stored column, the raw bytes
(base64), every source path with the time it was first seen; after the articles, a line for
each news-database export they were cut from (its layout: which articles, in which order,
and the bytes between them), so that the file rebuilds in the archive it goes to, as
`verify` checks (exchange_import reads it back). CSV is flat, one row per article, for
spreadsheets and pandas; Markdown is a folder of files with YAML front matter that a person
can browse. All stream: a batch of articles at a time.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import orjson

from newsarchive.model.errors import ArticleNotFoundError
from newsarchive.model.records import BlockKind
from newsarchive.model.rows import JSON_COLUMNS, ArticleValues, blocks_from_row
from newsarchive.storage.archive import Archive
from newsarchive.storage.backends import Filters
from newsarchive.storage.export_files import ExportLayout
from newsarchive.storage.records import (
    BINARY_COLUMNS,
    DATE_TYPED,
    Records,
    StoredRecord,
    StoredText,
)
from newsarchive.text import paths
from newsarchive.text.query import Query

BATCH_SIZE = 500
# The articles-table columns an export carries, in the order it writes them: what parsing
# gives (parser_version goes first, with the id), then the article's versions.
COLUMNS = (
    *(c for c in ArticleValues.__annotations__ if c != "parser_version"),
    "cluster_id",
    "family_id",
)
# The exported columns jsonl_line converts: JSON text, bytes and dates (looked at per
# column, not per value: that was a tenth of an export's time).
_CONVERTED = tuple(name for name in COLUMNS if name in JSON_COLUMNS | BINARY_COLUMNS | DATE_TYPED)
# CSV: Python's "excel" dialect (comma, double quotes, CRLF), UTF-8 without a BOM.
CSV_FIELDS = (
    "id",
    "published",
    "date_source",
    "headline",
    "dek",
    "byline",
    "dateline",
    "source_url",
    "word_count",
    "encoding",
    "byte_size",
    "versions_of",
    "source",
    "sources",
    "ingested_at",
    "sha256",
    "body",
)


@dataclass(frozen=True, slots=True)
class ExportSelection:
    """Which articles an export writes: those matching `query` and `filters`, among
    `ids` when given; every version of each story."""

    query: Query | None = None
    filters: Filters = field(default_factory=Filters)
    ids: frozenset[int] | None = None

    @property
    def everything(self) -> bool:
        return self.query is None and not self.filters.by_date and self.ids is None


# What export reads an article as: whole, its JSON columns decoded or (JSON Lines) as stored.
R = TypeVar("R", StoredRecord, StoredText)


@dataclass(frozen=True, slots=True)
class Exported(Generic[R]):
    """An article as export reads it: whole, with where its related links lead (block
    position -> target id, or None; see Store.link_targets)."""

    record: R
    links: dict[int, int | None]


def selected(archive: Archive, selection: ExportSelection) -> Iterator[Exported[StoredRecord]]:
    """The selected articles in id order, whole, read a batch at a time (each batch in its
    own short transaction, so memory stays flat and writers never wait long)."""
    return _selected(archive, selection, Records.of)


def selected_text(archive: Archive, selection: ExportSelection) -> Iterator[Exported[StoredText]]:
    """As `selected`, the JSON columns as their stored text (Records.as_text)."""
    return _selected(archive, selection, Records.as_text)


def _selected(
    archive: Archive, selection: ExportSelection, read: Callable[[Records, list[int]], list[R]]
) -> Iterator[Exported[R]]:
    after = 0
    while True:
        with archive.reading() as store:
            ids = store.records.selected_ids(
                after=after,
                limit=BATCH_SIZE,
                query=selection.query,
                filters=selection.filters,
                ids=selection.ids,
            )
            records = read(store.records, ids)
            links = store.links.link_targets_of(ids, {r.id: r.columns["blocks"] for r in records})
        if not ids:
            return
        yield from (Exported(r, links.get(r.id, {})) for r in records)
        after = ids[-1]


def check_ids(archive: Archive, ids: Iterable[int]) -> None:
    """ArticleNotFoundError naming every id given that is no article: an export asked for
    one by id and writing nothing for it would look like success."""
    wanted = list(dict.fromkeys(ids))
    with archive.reading() as store:
        found = store.headlines_of(wanted)
    if missing := [i for i in wanted if i not in found]:
        named = f"id {missing[0]}" if len(missing) == 1 else f"ids {', '.join(map(str, missing))}"
        raise ArticleNotFoundError(
            f"no article has {named}; nothing was exported; 'newsarchive list' shows the ids"
        )


def count_selected(archive: Archive, selection: ExportSelection) -> int | None:
    """How many articles the selection holds, when that is cheap to know (no query)."""
    if not selection.everything:
        return None
    with archive.reading() as store:
        return store.count()


# -- JSON Lines ---------------------------------------------------------------------------


def jsonl_line(article: Exported[StoredText]) -> bytes:
    """One article as one line of JSON, UTF-8 with its newline, every field (see the
    README). orjson, not the json module: encoding was a third of an export's time."""
    record = article.record
    columns = record.columns
    out: dict[str, Any] = {
        "id": record.id,
        "sha256": record.sha256,
        "ingested_at": record.ingested_at.isoformat(),
        "parser_version": record.parser_version,
    }
    for name in COLUMNS:
        out[name] = columns[name]
    for name in _CONVERTED:  # the few columns JSON has no type for, by their stored type
        value = out[name]
        if isinstance(value, str):
            out[name] = orjson.Fragment(value)  # stored JSON text, written as it is
        elif isinstance(value, bytes):
            out[name] = base64.b64encode(value).decode("ascii")
        elif isinstance(value, dt.date):
            out[name] = value.isoformat()
    out["sources"] = [
        {
            "path": paths.as_text(s.path),
            "path_bytes": paths.exact_base64(s.path),
            "first_seen": s.first_seen.isoformat(),
            # Only for an article of a news-database export, so other lines stay as they were.
            **({"place": list(s.place)} if s.place else {}),
        }
        for s in record.sources
    ]
    out["links"] = [{"position": p, "target": t} for p, t in sorted(article.links.items())]
    out["raw"] = base64.b64encode(record.data).decode("ascii")
    return orjson.dumps(out, option=orjson.OPT_APPEND_NEWLINE)


@dataclass
class LayoutsToWrite:
    """The news-database exports whose layouts follow the articles in JSON Lines: every
    one kept when the whole archive is written, else those whose every article was written
    (a file with one article left out cannot be rebuilt). Articles pass through `seen`."""

    everything: bool
    written: set[str] = field(default_factory=set)  # hashes of export articles written

    def seen(self, article: Exported[StoredText]) -> Exported[StoredText]:
        if not self.everything and any(s.place for s in article.record.sources):
            self.written.add(article.record.sha256)
        return article

    def lines(self, archive: Archive) -> Iterator[bytes]:
        """A line per export, in hash order (an export of an import is byte-identical)."""
        with archive.reading() as store:
            for export in store.export_files.layouts():
                articles = [str(value) for kind, value in export.layout if kind == "a"]
                if self.everything or all(a in self.written for a in articles):
                    yield export_file_line(export)


def export_file_line(export: ExportLayout) -> bytes:
    """A news-database export's layout as a line of JSON (`export_file` is its SHA-256)."""
    out = {
        "export_file": export.sha256,
        "format": export.format,
        "layout": export.layout,
        "filler": base64.b64encode(export.filler).decode("ascii"),
        "first_seen": export.first_seen.isoformat(),
    }
    return orjson.dumps(out, option=orjson.OPT_APPEND_NEWLINE)


# -- CSV ----------------------------------------------------------------------------------


def csv_header() -> bytes:
    return _csv_row(CSV_FIELDS)


def csv_line(article: Exported[StoredRecord]) -> bytes:
    """One article as one CSV record (CRLF-terminated; newlines in the body are quoted)."""
    record = article.record
    c = record.columns
    published = c["published"]
    return _csv_row(
        (
            record.id,
            published.isoformat() if published else "",
            c["date_source"] or "",
            c["headline"],
            c["dek"] or "",
            c["byline"] or "",
            c["dateline"] or "",
            c["source_url"] or "",
            c["word_count"],
            c["encoding"],
            c["byte_size"],
            c["cluster_id"] if c["cluster_id"] not in (None, record.id) else "",
            paths.as_text(record.source),
            len(record.sources),
            record.ingested_at.isoformat(),
            record.sha256,
            c["body"],
        )
    )


def _csv_row(values: Iterable[Any]) -> bytes:
    out = io.StringIO()
    csv.writer(out, dialect="excel").writerow(values)
    return out.getvalue().encode("utf-8")


# -- Markdown -----------------------------------------------------------------------------


def markdown_path(article: Exported[StoredRecord]) -> Path:
    """Where an article's file goes in the export folder: by year and month published
    (`undated/` else), named by id and the headline's first words."""
    record = article.record
    published = record.columns["published"]
    folder = Path(f"{published:%Y}", f"{published:%m}") if published else Path("undated")
    slug = "-".join(re.findall(r"\w+", record.columns["headline"].lower())[:8])[:60]
    return folder / f"{record.id}{'-' + slug if slug else ''}.md"


def markdown_text(article: Exported[StoredRecord]) -> str:
    """An article as Markdown with YAML front matter (strings written as JSON strings,
    which YAML reads as double-quoted scalars, so no text can break out of them); a
    related link that leads to an archived article says which (→ #12)."""
    record = article.record
    c = record.columns
    published = c["published"]
    front = {
        "id": record.id,
        "headline": c["headline"],
        "dek": c["dek"],
        "byline": c["byline"],
        "dateline": c["dateline"],
        "published": published.isoformat() if published else None,
        "date_source": c["date_source"],
        "source_url": c["source_url"],
        "word_count": c["word_count"],
        "versions_of": c["cluster_id"] if c["cluster_id"] not in (None, record.id) else None,
        "sha256": record.sha256,
        "ingested_at": record.ingested_at.isoformat(),
    }
    lines = ["---"]
    lines += [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in front.items()]
    lines.append("sources:")
    lines += [
        f"  - {json.dumps(paths.as_text(s.path), ensure_ascii=False)}" for s in record.sources
    ]
    lines += ["---", "", f"# {_md_line(c['headline'])}", ""]
    if c["dek"]:
        lines += [f"*{_md_line(c['dek'])}*", ""]
    for position, block in enumerate(blocks_from_row(c["body"], c["blocks"])):
        if block.kind is BlockKind.SUBHEADING:
            lines += [f"## {_md_line(block.text)}", ""]
        elif block.kind is BlockKind.READ_MORE:
            target = article.links.get(position)
            to = f" → #{target}" if target is not None else ""
            label = f"{_md_line(block.label)}: " if block.label else ""  # the line's own words
            lines += [f"> {label}{_md_line(block.text)}{to}", ""]
        else:
            lines += [_md_line(block.text), ""]
    return "\n".join(lines)


def _md_line(text: str) -> str:
    # A line starting with a Markdown marker would change the structure it stands in.
    return re.sub(r"^([#>*+\-=|`]|\d+[.)])", r"\\\1", text.replace("\n", " "))
