"""Writing what reading stored articles again changed: shared by `reparse` and by the
folders' dek verdicts (folder_deks.py), which read some articles again with a verdict."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from newsarchive.model.rows import DERIVED_FROM, ArticleValues, changed_columns
from newsarchive.ops.versions import lost_keys, regroup, threshold
from newsarchive.storage.archive import Archive
from newsarchive.storage.records import StoredRecord
from newsarchive.text.columns import derived
from newsarchive.text.parser import PARSER_VERSION


def store_reparsed(
    archive: Archive, records: Sequence[StoredRecord], updates: Sequence[dict[str, Any]]
) -> None:
    """Write what reading these stored articles again changed (`updates`, one per record,
    each its id and the columns to set), in one transaction: rows whose band keys,
    headline, URL or links changed have what other tables hold of them derived again, and
    those whose band keys changed are grouped again."""
    rekeyed = {
        u["id"]: derived(u["id"], {**record.columns, **u})
        for record, u in zip(records, updates, strict=True)
        if DERIVED_FROM & set(u)
    }
    with archive.writing() as store:
        changed = [u["id"] for u in updates if "fingerprint" in u]
        before = store.versions.band_keys(changed)  # from the column, so before it changes
        # Columns set together (one executemany per set of them): the search index's trigger
        # sees one update of an article, and none where no searched column is set.
        store.changes.update_articles(updates)
        store.lookups.remove(rekeyed)
        store.lookups.add(list(rekeyed.values()))
        lost = lost_keys(before, store.versions.band_keys(changed))
        regroup(store, changed, threshold(store), lost)


def reparsed_update(record: StoredRecord, values: ArticleValues) -> dict[str, Any]:
    """The columns to set on a stored article read again as `values` (its id, the parser's
    version, and the columns that differ: those parsing decides, the dates unless the user
    gave them, where it was first read, and the dek's vote and folder verdict)."""
    update: dict[str, Any] = {"id": record.id, "parser_version": PARSER_VERSION}
    new = cast(Mapping[str, Any], values)
    old: Mapping[str, Any] = record.columns
    for column in changed_columns(values, record.columns, record.date_source):
        update[column] = new[column]
    for column in ("folder", "dek_vote", "dek_folder"):
        if new[column] != old[column]:
            update[column] = new[column]
    return update
