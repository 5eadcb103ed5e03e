"""`newsarchive copy`: every article of one archive into another, exactly, on any engine.

This is how an SQLite archive moves to PostgreSQL (or back, or to a new file): the same ids,
parsed columns, dates with their provenance, raw bytes, and source paths with the time each
was first seen, and the archive's settings, so `show --raw` is byte-exact and `verify`
passes on both. Batch by batch, each in its own transaction in the destination: a copy
that is stopped or killed keeps the batches it wrote, and running it again carries on after
the last article it finds there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from newsarchive.model.errors import ArchiveError
from newsarchive.storage.archive import Archive

BATCH_SIZE = 500


@dataclass
class CopyReport:
    total: int = 0  # articles in the source when the copy started
    already_there: int = 0  # copied by an earlier, interrupted run
    copied: int = 0
    paths: int = 0


def copy_archive(
    source: Archive,
    destination: Archive,
    *,
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[CopyReport], None] | None = None,
) -> CopyReport:
    """Copy every article of `source` that `destination` lacks; see the module docstring.

    The destination must be empty, or hold exactly the first articles of the source (what an
    interrupted copy left): anything else is refused untouched, since ids would clash.
    """
    report = CopyReport()
    with source.reading() as store:
        report.total = store.count()
    after = _resume_point(source, destination)
    if after:
        with destination.reading() as store:
            report.already_there = store.count()
    with source.reading() as store:
        settings = store.settings.all()  # the versions threshold, the ids deleted articles had
    for batch in source.batches(size=batch_size, after=after):
        with destination.writing() as store:
            store.records.copy_in(batch)
            for key, value in settings.items():
                store.settings.set(key, value)
        report.copied += len(batch)
        report.paths += sum(len(record.sources) for record in batch)
        if on_progress:
            on_progress(report)
    # News-database exports' layouts, so that their files rebuild in the copy too.
    with source.reading() as store, destination.writing() as copy:
        for export in store.export_files.layouts():
            layout = [(str(kind), value) for kind, value in export.layout]
            copy.export_files.add(
                export.sha256, export.format, layout, export.filler, export.first_seen
            )
    return report


def _resume_point(source: Archive, destination: Archive) -> int:
    """The id after which to copy: 0 for an empty destination, else its last article's id
    when that article is the source's article of the same id."""
    with destination.reading() as store:
        last = store.records.last()
    if last is None:
        return 0
    last_id, sha256 = last
    with source.reading() as store:
        theirs = store.records.sha256_of(last_id)
    if theirs != sha256:
        raise ArchiveError(
            f"{destination.where} already holds other articles; copy into an empty archive "
            "(a new file, or a new PostgreSQL database), or add files to it with ingest"
        )
    return last_id
