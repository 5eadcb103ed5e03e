"""`newsarchive reparse` and `redate`: read stored articles again, from their raw bytes.

Reparse re-reads them with this parser; redate finds only their dates again, with today's
date rules (the rest of each row stays as it is).

An archive improves with the tool: each article records the parser version that read it
(`articles.parser_version`), and reparse re-reads every article an older parser read, batch by
batch, each batch in its own transaction. A run that is killed keeps the batches it
committed, and the next run starts with the first article still old: it resumes. Articles
stored before versions were grouped are fingerprinted, named and grouped the same way, so
an archive made by an older newsarchive gains versions and links by one run. Dates given
with `ingest --published` are the user's and are kept. The search index follows the changed
columns through its update trigger, so `verify` passes afterwards.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from newsarchive.model.records import DateSource
from newsarchive.model.rows import DATE_COLUMNS
from newsarchive.ops.folder_deks import settle
from newsarchive.ops.reread import reparsed_update, store_reparsed
from newsarchive.ops.workers import Prepared, parse_again_together
from newsarchive.storage.archive import Archive
from newsarchive.storage.records import StoredRecord
from newsarchive.text.parser import PARSER_VERSION

BATCH_SIZE = 500
# Redate's batches: each its own transaction, as ingest's (only dates are written).
REDATE_BATCH_SIZE = 1000
EXAMPLES_PER_FIELD = 3
EXAMPLE_CHARS = 70
# What reparse may set that is not the text's: not counted as a change of the article.
_NOT_TEXT = frozenset({"id", "parser_version", "folder", "dek_vote", "dek_folder"})


@dataclass(frozen=True, slots=True)
class Change:
    article_id: int
    column: str
    old: str
    new: str


@dataclass
class ReparseReport:
    stale: int = 0  # articles an older parser read, when the run started
    checked: int = 0
    changed: int = 0  # articles with at least one column changed
    by_column: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[Change]] = field(default_factory=dict)
    kept_given: int = 0  # dates given by hand (ingest --published, newsarchive date), kept
    unparsable: int = 0  # bytes that no longer parse: left as they were (verify reports them)


def reparse(
    archive: Archive,
    *,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[ReparseReport], None] | None = None,
) -> ReparseReport:
    """Re-read every article an older parser read; with `dry_run`, only count the changes."""
    report = ReparseReport()
    with archive.reading() as store:
        report.stale = store.records.count_parsed_before(PARSER_VERSION)
    for batch in archive.batches(size=batch_size, parsed_before=PARSER_VERSION):
        parsed = zip(batch, parse_again_together(batch), strict=True)
        updates = [_update(record, values, report) for record, values in parsed]
        if not dry_run:
            store_reparsed(archive, batch, updates)
        if on_progress:
            on_progress(report)
    if not dry_run and report.checked:
        settle(archive)  # the votes changed: each folder's verdict may have
    return report


def _update(record: StoredRecord, values: Prepared, report: ReparseReport) -> dict[str, Any]:
    """The columns to set for one stored row, read again as `values`, counting what changes."""
    report.checked += 1
    if isinstance(values, str):
        report.unparsable += 1
        return {"id": record.id, "parser_version": PARSER_VERSION}
    if record.date_source == DateSource.CLI.value:
        report.kept_given += 1
    update = reparsed_update(record, values)
    changed = [c for c in update if c not in _NOT_TEXT]
    if changed:
        report.changed += 1
    old: Mapping[str, Any] = record.columns
    for column in changed:
        report.by_column[column] += 1
        examples = report.examples.setdefault(column, [])
        if len(examples) < EXAMPLES_PER_FIELD:
            examples.append(Change(record.id, column, _shown(old[column]), _shown(update[column])))
    return update


def _shown(value: Any) -> str:
    """A value as one short line, for the dry run's examples: a list of blocks or metadata
    lines as its kinds counted ("12 paragraph, 1 subheading"), anything else as text."""
    if isinstance(value, list) and all(isinstance(v, dict) and "kind" in v for v in value):
        kinds = Counter(str(v["kind"]) for v in value)
        return ", ".join(f"{n} {kind}" for kind, n in kinds.items()) or "none"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(text.split())
    return text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1] + "…"


@dataclass
class RedateReport:
    checked: int = 0
    newly_dated: int = 0
    changed: int = 0
    no_longer_dated: int = 0
    kept_given: int = 0  # dates given by hand (--published, `date`): the user's word stands


def redate(
    archive: Archive,
    *,
    batch_size: int = REDATE_BATCH_SIZE,
    on_progress: Callable[[RedateReport], None] | None = None,
) -> RedateReport:
    """Find every stored article's date again, from its original bytes, with today's rules.

    Inference is bounded by the day each article was ingested, as it was at ingest.
    """
    report = RedateReport()
    for batch in archive.batches(size=batch_size):
        updates = []
        read = [r for r in batch if r.date_source != DateSource.CLI.value]
        report.checked += len(batch)
        report.kept_given += len(batch) - len(read)
        for record, values in zip(read, parse_again_together(read), strict=True):
            if isinstance(values, str):  # it parsed once; a rule change cannot unparse it
                continue
            new = {c: cast(Mapping[str, Any], values)[c] for c in DATE_COLUMNS}
            old = {c: cast(Mapping[str, Any], record.columns)[c] for c in DATE_COLUMNS}
            if new == old:
                continue
            if old["published"] is None:
                report.newly_dated += 1
            elif new["published"] is None:
                report.no_longer_dated += 1
            else:
                report.changed += 1
            updates.append({"id": record.id, **new})
        with archive.writing() as store:
            store.changes.set_dates(updates)
        if on_progress:
            on_progress(report)
    return report
