"""`export` and `import`: articles out of an archive as JSON Lines, CSV or Markdown, and
JSON Lines back in.

JSON Lines is the lossless form: one article a line, every stored column, the raw bytes
(base64), every source path with the time it was first seen; after the articles, a line for
each news-database export they were cut from (its layout: which articles, in which order,
and the bytes between them), so that the file rebuilds in the archive it goes to, as
`verify` checks. Importing it stores the same
article (`show --raw` byte-exact, dates with their provenance, sources with their times)
and works out again what is derived from the columns (band keys, link look-ups, versions),
so an export imported into an empty archive exports again byte for byte. CSV is flat, one
row per article, for spreadsheets and pandas; Markdown is a folder of files with YAML
front matter that a person can browse. All stream: a batch of articles at a time.
"""

from __future__ import annotations

import base64
import binascii
import csv
import datetime as dt
import hashlib
import io
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NotRequired

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from typing_extensions import TypedDict

from newsarchive.model.errors import ArticleNotFoundError, NotAnExportError
from newsarchive.model.records import BlockKind, DateSource, MetaKind
from newsarchive.model.rows import ArticleValues, blocks_from_row
from newsarchive.storage.archive import Archive
from newsarchive.storage.backends import Filters
from newsarchive.storage.export_files import ExportLayout
from newsarchive.storage.records import (
    BINARY_COLUMNS,
    DATE_TYPED,
    JSON_COLUMNS,
    SourcePath,
    StoredRecord,
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
class Selection:
    """Which articles an export writes: those matching `query` and `filters`, among
    `ids` when given; every version of each story."""

    query: Query | None = None
    filters: Filters = field(default_factory=Filters)
    ids: frozenset[int] | None = None

    @property
    def everything(self) -> bool:
        return self.query is None and not self.filters.by_date and self.ids is None


@dataclass(frozen=True, slots=True)
class Exported:
    """An article as export reads it: whole, with where its related links lead (block
    position -> target id, or None; see Links.link_targets)."""

    record: StoredRecord
    links: dict[int, int | None]


def selected(
    archive: Archive, selection: Selection, *, json_text: bool = False
) -> Iterator[Exported]:
    """The selected articles in id order, whole, read a batch at a time (each batch in its
    own short transaction, so memory stays flat and writers never wait long); `json_text`
    leaves the JSON columns as their stored text (see Records.of)."""
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
            records = store.records.of(ids, json_text=json_text)
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


def count_selected(archive: Archive, selection: Selection) -> int | None:
    """How many articles the selection holds, when that is cheap to know (no query)."""
    if not selection.everything:
        return None
    with archive.reading() as store:
        return store.count()


# -- JSON Lines ---------------------------------------------------------------------------


def jsonl_line(article: Exported) -> bytes:
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
class ExportFiles:
    """The news-database exports whose layouts follow the articles in JSON Lines: every
    one kept when the whole archive is written, else those whose every article was written
    (a file with one article left out cannot be rebuilt). Articles pass through `seen`."""

    everything: bool
    written: set[str] = field(default_factory=set)  # hashes of export articles written

    def seen(self, article: Exported) -> Exported:
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


class _ExportFile(BaseModel):
    """An export_file line, read back strictly: a layout of articles ("a", their SHA-256),
    articles deleted before the export ("d", the same) and filler runs ("f", a length)."""

    model_config = ConfigDict(extra="forbid")

    export_file: str = Field(pattern="^[0-9a-f]{64}$")
    format: str
    layout: list[tuple[Literal["a", "d"], str] | tuple[Literal["f"], int]]
    filler: str
    first_seen: dt.datetime


def parse_export_file(line: str) -> ExportLayout:
    """An export_file line as the layout it was made from; LineError saying what is wrong."""
    try:
        parsed = _ExportFile.model_validate_json(line)
        filler = base64.b64decode(parsed.filler, validate=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the line"
        raise LineError(f"{where}: {first['msg']}") from None
    except binascii.Error as exc:
        raise LineError(f"filler is not base64 ({exc})") from None
    if sum(int(v) for k, v in parsed.layout if k == "f") != len(filler):
        raise LineError("the layout's filler runs do not add up to its filler")
    layout = [list(entry) for entry in parsed.layout]
    return ExportLayout(parsed.export_file, parsed.format, layout, filler, _utc(parsed.first_seen))


class _Source(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str
    path_bytes: str | None = None  # base64, when the name is not UTF-8 (paths.py)
    first_seen: dt.datetime
    place: tuple[int, int] | None = None  # (number, of how many) in an export


class _Link(BaseModel):
    model_config = ConfigDict(extra="forbid")

    position: int
    target: int | None


class _Meta(TypedDict):
    """A stored metadata line (columns.article_values), as exported."""

    __pydantic_config__ = ConfigDict(extra="forbid", use_enum_values=True)  # type: ignore[misc]

    kind: MetaKind
    text: str


class _Block(TypedDict):
    """A stored block (columns.article_values): a paragraph or subheading takes its text from
    the body's next line; the others carry theirs."""

    __pydantic_config__ = ConfigDict(extra="forbid", use_enum_values=True)  # type: ignore[misc]

    kind: BlockKind
    text: NotRequired[str]
    label: NotRequired[str]
    url: NotRequired[str]


class _Line(BaseModel):
    """What a line of an export holds; read back strictly (extra keys refused, columns as
    the archive would have stored them), so that what is imported can be read."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    id: int
    sha256: str
    ingested_at: dt.datetime
    parser_version: int
    headline: str
    dek: str | None
    byline: str | None
    source_url: str | None
    dateline: str | None
    # Since news-database exports (0009): absent from older exports, hence the defaults.
    publication: str | None = None
    origin: (
        Literal["lexisnexis", "nexis-uni", "proquest", "factiva", "europresse", "mediargus", "html"]
        | None
    ) = None
    meta: list[_Meta]
    published: dt.date | None
    date_source: DateSource | None
    date_confidence: float | None = Field(ge=0, le=1)
    date_evidence: list[str]
    body: str
    blocks: list[_Block]
    word_count: int
    encoding: str
    byte_size: int
    fingerprint: str | None
    cluster_id: int | None
    family_id: int | None
    sources: list[_Source]
    links: list[_Link] = []  # worked out again where the article lands
    raw: str


class LineError(ValueError):
    """Why a line of an export cannot be imported."""


def parse_line(line: str) -> StoredRecord:
    """An exported line as the record it was made from; LineError saying what is wrong."""
    try:
        parsed = _Line.model_validate_json(line)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the line"
        if first["type"] == "json_invalid":
            raise LineError(f"not JSON ({first['msg']})") from None
        raise LineError(f"{where}: {first['msg']}") from None
    try:
        data = base64.b64decode(parsed.raw, validate=True)
        sources = tuple(
            SourcePath(
                paths.from_columns(
                    s.path, base64.b64decode(s.path_bytes, validate=True) if s.path_bytes else None
                ),
                _utc(s.first_seen),
                s.place,
            )
            for s in parsed.sources
        )
        fingerprint = (
            None
            if parsed.fingerprint is None
            else base64.b64decode(parsed.fingerprint, validate=True)
        )
    except binascii.Error as exc:
        raise LineError(f"raw, fingerprint or path_bytes is not base64 ({exc})") from None
    if hashlib.sha256(data).hexdigest() != parsed.sha256:
        raise LineError("its raw bytes do not match its sha256 (the line was changed)")
    if fingerprint is not None and len(fingerprint) % 8:
        raise LineError("fingerprint: not a whole number of band keys")
    columns = parsed.model_dump(include=set(COLUMNS))
    columns["fingerprint"] = fingerprint
    return StoredRecord(
        id=parsed.id,
        sha256=parsed.sha256,
        ingested_at=_utc(parsed.ingested_at),
        parser_version=parsed.parser_version,
        columns={name: columns[name] for name in COLUMNS},
        data=data,
        sources=sources,
    )


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class LineRefusal:
    line: int
    reason: str


@dataclass
class ImportReport:
    lines: int = 0
    added: int = 0
    already_present: int = 0
    new_paths: int = 0  # paths newly recorded for articles that were already stored
    exports: int = 0  # news-database export layouts newly kept
    refused: list[LineRefusal] = field(default_factory=list)


def import_lines(
    archive: Archive,
    lines: Iterable[str],
    *,
    batch_size: int = BATCH_SIZE,
    on_refusal: Callable[[LineRefusal], None] | None = None,
    on_progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Store the articles of an export that the archive lacks, a batch per transaction.

    An article already stored (same SHA-256) gains the source paths it lacks, with their
    times. A new one keeps its id when that is free, else takes the next; its versions and
    links are worked out again in this archive, as at ingest. A bad line is refused (its
    number and why) and the rest land; blank lines are skipped. An export's layout is kept
    with the batch it comes in (after its articles: `verify` rebuilds the file). Killed,
    the batches committed stay and a re-run stores the rest.
    """
    report = ImportReport()
    batch: dict[int, StoredRecord] = {}  # line number -> its record
    layouts: list[ExportLayout] = []

    def refuse(number: int, reason: str) -> None:
        refusal = LineRefusal(number, reason)
        report.refused.append(refusal)
        if on_refusal:
            on_refusal(refusal)

    def store() -> None:
        for number, reason in disagreeing(batch).items():
            del batch[number]
            refuse(number, reason)
        if batch or layouts:
            _store(archive, list(batch.values()), layouts, report)
        batch.clear()
        layouts.clear()
        if on_progress:
            on_progress(report)

    for number, line in enumerate(lines, 1):
        report.lines = number
        if not line.strip():
            continue
        try:
            if '"export_file"' in line[:64]:  # an article's line starts {"id":
                layouts.append(parse_export_file(line))
            else:
                batch[number] = parse_line(line)
        except LineError as exc:
            refuse(number, str(exc))
            continue
        if len(batch) >= batch_size:
            store()
    if batch or layouts:
        store()
    return report


def as_export(lines: Iterable[str]) -> Iterator[str]:
    """The lines, once the first that is not blank is seen to be a JSON object as every
    export line is; else NotAnExportError at once (a CSV given by mistake was refused
    line by line, one message for each of its 163,175 lines)."""
    lines = iter(lines)
    seen: list[str] = []
    for line in lines:
        seen.append(line)
        if not line.strip():
            continue
        try:
            first = orjson.loads(line)
        except orjson.JSONDecodeError:
            raise NotAnExportError(len(seen), "is not JSON") from None
        if not isinstance(first, dict):
            raise NotAnExportError(len(seen), "is not a JSON object") from None
        break
    return itertools.chain(seen, lines)


def disagreeing(records: Mapping[int, StoredRecord]) -> dict[int, str]:
    """Why each record whose parsed fields are not what its raw bytes parse to (as verify
    checks a stored article) is no export: key -> reason. The raw bytes are the article;
    a line edited by hand would be stored as verify calls damaged. Records an older
    parser read are not compared: their fields differ by design until `reparse`."""
    from newsarchive.model.rows import changed_columns
    from newsarchive.ops.workers import prepare
    from newsarchive.text.parser import PARSER_VERSION  # the parser: only what import needs

    by_day: dict[dt.date, list[int]] = {}  # dates are inferred as on the day of ingest
    for key, record in records.items():
        if record.parser_version == PARSER_VERSION:
            by_day.setdefault(record.ingested_at.date(), []).append(key)
    parsed = {
        key: values
        for day, keys in by_day.items()
        for key, values in zip(
            keys,
            prepare(
                [(records[k].data, records[k].source, records[k].columns["origin"]) for k in keys],
                day,
            ),
            strict=True,
        )
    }
    reasons: dict[int, str] = {}
    for key, values in sorted(parsed.items()):
        record = records[key]
        if isinstance(values, str):
            reasons[key] = f"its raw bytes do not parse ({values})"
            continue
        differ = changed_columns(values, record.columns, record.date_source)
        if record.columns["fingerprint"] is None and "fingerprint" in differ:
            differ.remove("fingerprint")  # stored before versions were kept, as verify allows
        if differ:
            one = len(differ) == 1
            reasons[key] = (
                f"its {', '.join(differ)} {'is' if one else 'are'} not what its raw bytes "
                "parse to (the line was changed; an export carries them as parsed)"
            )
    return reasons


def _store(
    archive: Archive,
    batch: list[StoredRecord],
    layouts: list[ExportLayout],
    report: ImportReport,
) -> None:
    from newsarchive.ops import versions  # NumPy, which export does without
    from newsarchive.text.fingerprint import unpack

    unique = list({r.sha256: r for r in reversed(batch)}.values())[::-1]  # first of each
    with archive.writing() as store:
        known = store.known_ids({r.sha256 for r in unique})
        fresh = [r for r in unique if r.sha256 not in known]
        placed: list[StoredRecord] = []
        for record, id_ in zip(fresh, store.records.place([r.id for r in fresh]), strict=True):
            columns = {**record.columns, "cluster_id": id_, "family_id": id_}
            placed.append(
                StoredRecord(
                    id=id_,
                    sha256=record.sha256,
                    ingested_at=record.ingested_at,
                    parser_version=record.parser_version,
                    columns=columns,
                    data=record.data,
                    sources=record.sources,
                )
            )
        if placed:
            store.records.copy_in(placed)
            versions.group(
                store,
                {r.id: unpack(r.columns["fingerprint"] or b"") for r in placed},
                versions.threshold(store),
            )
        new_paths = store.records.add_sources_seen(
            [(known[r.sha256], s) for r in batch if r.sha256 in known for s in r.sources]
        )
        for e in layouts:
            layout = [(str(kind), value) for kind, value in e.layout]
            report.exports += store.export_files.add(
                e.sha256, e.format, layout, e.filler, e.first_seen
            )
    report.added += len(placed)
    report.already_present += len(batch) - len(placed)
    report.new_paths += new_paths


# -- CSV ----------------------------------------------------------------------------------


def csv_header() -> bytes:
    return _csv_row(CSV_FIELDS)


def csv_line(article: Exported) -> bytes:
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


def markdown_path(article: Exported) -> Path:
    """Where an article's file goes in the export folder: by year and month published
    (`undated/` else), named by id and the headline's first words."""
    record = article.record
    published = record.columns["published"]
    folder = Path(f"{published:%Y}", f"{published:%m}") if published else Path("undated")
    slug = "-".join(re.findall(r"\w+", record.columns["headline"].lower())[:8])[:60]
    return folder / f"{record.id}{'-' + slug if slug else ''}.md"


def markdown_text(article: Exported) -> str:
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
