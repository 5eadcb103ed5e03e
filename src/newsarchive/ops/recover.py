"""`newsarchive db recover`: every article that can still be read from a damaged archive,
saved into a new one, and an account of what could not be.

The archive keeps each article's original bytes, so nothing parsed is copied over: each
article's bytes go through ingest again (decode, parse, dates, versions, links, the search
index), under the source paths that could be read, and the new archive passes `verify`.
A news-database export's articles are put back together into the file they were cut from
(its layout is kept too), so ingest splits it again as it first did.
What the engine reads of the damaged file (storage/backends/salvage.py) never writes to it.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from newsarchive.ops.ingest import Ingester, IngestReport
from newsarchive.storage.archive import Archive
from newsarchive.storage.backends import backend_for
from newsarchive.storage.config import ArchiveLocation
from newsarchive.text import exports


class ExportLayout(Protocol):
    """A news-database export's layout as salvage reads it (storage/backends/salvage.py)."""

    @property
    def sha256(self) -> str: ...
    @property
    def layout(self) -> list[list[Any]]: ...
    @property
    def filler(self) -> bytes: ...


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
    # Articles of news-database exports that could not be rebuilt whole (an article of the
    # file lost), each saved as a file of its own.
    read_alone: int = 0
    header_rebuilt: bool = False
    cut_short: bool = False  # the file ends before its last page
    highest_seen: int = 0  # the highest article id any table showed

    @property
    def lost_count(self) -> int:
        """Articles not saved: those lost, and those saved but refused as they were read."""
        return len(self.lost) + len(self.saved.refused)


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
    backend = backend_for(source.url)
    with tempfile.TemporaryDirectory(prefix=".newsarchive-recover-", dir=work_folder) as work:
        damaged = backend.salvage(source.url, Path(work))
        try:
            files = _Exports(damaged.exports(), Path(work))

            def salvaged() -> Iterator[tuple[str, bytes]]:
                for article in damaged.articles():
                    report.found += 1
                    if article.raw is None:
                        report.lost.append(
                            Lost(article.id, article.headline, article.paths, article.why_lost)
                        )
                        continue
                    # An article whose paths could not be read is named by where it came from.
                    paths = article.paths or (f"{where}#{article.id}",)
                    if article.origin in exports.FORMATS and files.kept(article.raw, paths):
                        yield from files.whole()  # its export, once all of it is read
                        continue
                    for path in paths:
                        yield path, article.raw
                # Articles of exports that cannot be rebuilt (one of their articles lost):
                # each read alone, as a file of its own, rather than lost.
                for paths, raw in files.left_over():
                    report.read_alone += 1
                    for path in paths:
                        yield path, raw

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


class _Exports:
    """The news-database exports of a damaged archive, rebuilt from their layouts once all
    their articles are read, so that `ingest` splits each file again (origin, place,
    publication, layout: as the file gave them). Articles wait on disk in `folder`, as
    files named by their hash, not in memory: an archive may hold a million of them."""

    def __init__(self, layouts: Iterable[ExportLayout], folder: Path) -> None:
        self._folder = folder / "exports"
        self._folder.mkdir()
        self._waiting: dict[str, list[ExportLayout]] = {}  # article sha256 -> its files
        self._missing: dict[str, int] = {}  # export sha256 -> articles not yet read
        # Export sha256 -> the hashes of its articles (of a file kept whole: those its
        # split gives, worked out once).
        self._articles: dict[str, list[str]] = {}
        for export in layouts:
            articles = exports.layout_articles(export.layout)
            if not articles and _kept_whole(export):  # a Word document, a Mediargus file
                articles = sorted(_articles_of(export.filler))
            if any(kind == "d" for kind, _ in export.layout) or not articles:
                continue  # articles deleted by hand: the file cannot be rebuilt
            self._articles[export.sha256] = articles
            self._missing[export.sha256] = len(set(articles))
            for sha256 in set(articles):
                self._waiting.setdefault(sha256, []).append(export)
        self._paths: dict[str, tuple[str, ...]] = {}  # article sha256 -> its source paths
        # Article sha256 -> how many of its exports are still to be rebuilt: an article in
        # two exports stays on disk until both are.
        self._uses = {sha256: len(files) for sha256, files in self._waiting.items()}
        self._ready: list[ExportLayout] = []

    def kept(self, raw: bytes, paths: tuple[str, ...]) -> bool:
        """Keep an export's article until its file is whole; False if no file can take it."""
        sha256 = hashlib.sha256(raw).hexdigest()
        files = self._waiting.get(sha256)
        if not files:
            return False
        if sha256 not in self._paths:
            (self._folder / sha256).write_bytes(raw)
            self._paths[sha256] = paths
            for export in files:
                self._missing[export.sha256] -= 1
                if self._missing[export.sha256] == 0:
                    self._ready.append(export)
        return True

    def whole(self) -> Iterator[tuple[str, bytes]]:
        """Each export whose articles are all read, rebuilt (as verify rebuilds it), under
        every path its articles were read from; its articles are then done with."""
        ready, self._ready = self._ready, []
        for export in ready:
            articles = self._articles[export.sha256]
            raws = {a: (self._folder / a).read_bytes() for a in set(articles)}
            data = exports.rebuilt(export.layout, export.filler, raws)
            del raws
            if hashlib.sha256(data).hexdigest() != export.sha256:
                continue  # its layout was damaged: its articles are read alone
            paths = dict.fromkeys(p for a in articles for p in self._paths[a])
            for path in paths:
                yield path, data
            for sha256 in dict.fromkeys(articles):
                self._uses[sha256] -= 1
                if self._uses[sha256] == 0:
                    self._paths.pop(sha256, None)
                    (self._folder / sha256).unlink(missing_ok=True)

    def left_over(self) -> Iterator[tuple[tuple[str, ...], bytes]]:
        """The articles kept whose file was never made whole (one also in an export that
        was is stored already: ingest then only records its paths)."""
        for sha256, paths in sorted(self._paths.items()):
            yield paths, (self._folder / sha256).read_bytes()


def _kept_whole(export: ExportLayout) -> bool:
    """An export kept as its whole file beside its articles' text (ingest keeps a Word
    document or a Mediargus file so: no run of its bytes is an article)."""
    return len(export.layout) == 1 and hashlib.sha256(export.filler).hexdigest() == export.sha256


def _articles_of(data: bytes) -> set[str]:
    """The hashes of the articles ingest cuts from an export kept whole, as it cuts them."""
    text = exports.docx_text(data)
    rendered = data if text is None else text.encode("utf-8")
    split = exports.split(rendered)
    if split is None:
        return set()
    cut_from = split.indexed(rendered)
    return {hashlib.sha256(cut_from[p.start : p.end]).hexdigest() for p in split.articles}


def _runs(ids: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for id_ in ids:
        if runs and runs[-1][1] == id_ - 1:
            runs[-1] = (runs[-1][0], id_)
        else:
            runs.append((id_, id_))
    return runs
