"""`import`: the JSON Lines of an export (exchange.py) back into an archive.

Each line is read back strictly (extra keys refused, columns as the archive would have
stored them) and its raw bytes must parse to its columns, as `verify` checks. Importing
stores the same article (`show --raw` byte-exact, dates with their provenance, sources with
their times) and works out again what is derived from the columns (band keys, link
look-ups, versions), so an export imported into an empty archive exports again byte for
byte. It streams: a batch of lines at a time, each batch in its own transaction.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import hashlib
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal, NotRequired, cast

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from typing_extensions import TypedDict

from newsarchive.model.errors import NotAnExportError
from newsarchive.model.records import BlockKind, DateSource, MetaKind
from newsarchive.model.rows import StoredValues
from newsarchive.ops.exchange import BATCH_SIZE, COLUMNS
from newsarchive.storage.archive import Archive
from newsarchive.storage.export_files import ExportLayout
from newsarchive.storage.records import SourcePath, StoredRecord
from newsarchive.text import paths


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
        raise _line_error(exc) from None
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
    # Since the dek's model (0013): absent from older exports, hence the defaults.
    folder: str | None = None
    dek_vote: float | None = None
    dek_folder: Literal[-1, 0, 1] = 0
    fingerprint: str | None
    cluster_id: int | None
    family_id: int | None
    sources: list[_Source]
    links: list[_Link] = []  # worked out again where the article lands
    raw: str


class LineError(ValueError):
    """Why a line of an export cannot be imported."""


def _line_error(exc: ValidationError) -> LineError:
    """The first thing validation found wrong with a line, where it is."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "the line"
    return LineError(f"{where}: {first['msg']}")


def parse_line(line: str) -> StoredRecord:
    """An exported line as the record it was made from; LineError saying what is wrong."""
    try:
        parsed = _Line.model_validate_json(line)
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["type"] == "json_invalid":
            raise LineError(f"not JSON ({first['msg']})") from None
        raise _line_error(exc) from None
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
    columns = parsed.model_dump(include={*COLUMNS, "parser_version"})
    columns["fingerprint"] = fingerprint
    return StoredRecord(
        id=parsed.id,
        sha256=parsed.sha256,
        ingested_at=_utc(parsed.ingested_at),
        # _Line holds StoredValues' columns as the archive stores them (test_fields.py).
        columns=cast(StoredValues, columns),
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
    from newsarchive.ops.workers import parse_again
    from newsarchive.text.parser import PARSER_VERSION  # the parser: only what import needs

    current = {key: r for key, r in records.items() if r.parser_version == PARSER_VERSION}
    parsed = dict(zip(current, parse_again(list(current.values())), strict=True))
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
            columns: StoredValues = {**record.columns, "cluster_id": id_, "family_id": id_}
            placed.append(dataclasses.replace(record, id=id_, columns=columns))
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
