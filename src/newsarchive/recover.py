"""`newsarchive db recover`: every article that can still be read from a damaged archive,
saved into a new one, and an account of what could not be.

The archive keeps each article's original bytes, so nothing parsed is copied over: each
article's bytes go through ingest again (decode, parse, dates, versions, links, the search
index), under the source paths that could be read, and the new archive passes `verify`.
What the engine reads of the damaged file (engines/salvage.py) never writes to it.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from newsarchive.archive import Archive
from newsarchive.config import ArchiveLocation
from newsarchive.engines import engine_for
from newsarchive.ingest import Ingester, IngestReport


@dataclass(frozen=True, slots=True)
class Lost:
    """An article of the damaged archive that could not be saved."""

    id: int
    headline: str | None  # None: its row could not be read either
    paths: tuple[str, ...]
    why: str


@dataclass
class RecoverReport:
    found: int = 0  # article ids the damaged archive still showed, in any table
    saved: IngestReport = field(default_factory=IngestReport)
    lost: list[Lost] = field(default_factory=list)
    # Ids where even whether an article had them could not be read, as (first, last) runs.
    unreadable: list[tuple[int, int]] = field(default_factory=list)
    paths_unreadable: int = 0  # source path rows that could not be read
    header_rebuilt: bool = False
    cut_short: bool = False  # the file ends before its last page
    highest_seen: int = 0  # the highest article id any table showed


def recover(
    source: ArchiveLocation,
    destination: Archive,
    *,
    work_folder: Path | None = None,
    jobs: int | None = None,
    on_progress: Callable[[RecoverReport], None] | None = None,
) -> RecoverReport:
    """Read what can be read of the archive at `source` (damaged: it need not open) and
    ingest it into `destination`. A copy of the damaged file is read, made in
    `work_folder` (as large as the damaged file: beside the new archive's, say; else the
    temporary folder) and removed after."""
    report = RecoverReport()
    progress = on_progress or (lambda _report: None)
    where = source.describe()
    backend = engine_for(source.url)
    with tempfile.TemporaryDirectory(prefix=".newsarchive-recover-", dir=work_folder) as work:
        damaged = backend.salvage(source.url, Path(work))
        try:

            def salvaged() -> Iterator[tuple[str, bytes]]:
                for article in damaged.articles():
                    report.found += 1
                    if article.raw is None:
                        report.lost.append(
                            Lost(article.id, article.headline, article.paths, article.why_lost)
                        )
                        continue
                    # An article whose paths could not be read is named by where it came from.
                    for path in article.paths or (f"{where}#{article.id}",):
                        yield path, article.raw

            def saved(ingested: IngestReport) -> None:
                report.saved = ingested
                progress(report)

            ingester = Ingester(destination, max_bytes=sys.maxsize, jobs=jobs, on_progress=saved)
            report.saved = ingester.run_bytes(salvaged())
        finally:
            damaged.close()
        report.header_rebuilt = damaged.damage.header_rebuilt
        report.cut_short = damaged.damage.cut_short
        report.highest_seen = damaged.highest_seen
        report.unreadable = _runs(damaged.unreadable_ids())
        report.paths_unreadable = len(damaged.damage.unreadable.get("article_sources", ()))
    return report


def _runs(ids: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for id_ in ids:
        if runs and runs[-1][1] == id_ - 1:
            runs[-1] = (runs[-1][0], id_)
        else:
            runs.append((id_, id_))
    return runs
