"""Files to stored articles: walk, read, hash, dedupe, decode, parse, store, in batches.

A stream, never a list of every file: memory stays flat however large the tree. Each batch
is read and parsed outside any transaction, then written in one short transaction, so a
second writer waits a second at most (a long run's batches grow to 4,000 files), never the
whole run, and an interrupted run keeps every batch it finished. Files already stored
(same SHA-256) are not parsed again, only their path noted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import hashlib
import itertools
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from newsarchive.model.rows import ROW_COLUMNS, Lookups, StoredRow, dated_values, with_dates
from newsarchive.ops import folder_deks
from newsarchive.ops.ingest_batch import (
    CHUNK_ARTICLES,
    Batch,
    FileRead,
    docx_export,
    export_pieces,
    parse_here,
    storage_trouble,
    store_batch,
)
from newsarchive.ops.ingest_files import (
    PAGE_WITHOUT_READER,
    ZIP_OR_OFFICE,
    FileSelection,
    iter_files,
    not_an_article,
    read_file,
)
from newsarchive.ops.workers import (
    HTML,
    POOL_MIN_ARTICLES,
    Work,
    default_jobs,
    prepare_new,
    worker_pool,
)
from newsarchive.storage.archive import Archive
from newsarchive.storage.backends import NewArticle
from newsarchive.text import exports, htmlpage
from newsarchive.text.exports.bounds import bounds
from newsarchive.text.exports.detect import looks_like_export

BATCH_SIZE = 1000
_FOLDER = ROW_COLUMNS.index("folder")  # where a StoredRow holds articles.folder
# How many times BATCH_SIZE files a batch may grow to in a long run (see _batched), unless
# it would hold more than BATCH_BYTES of file data.
GROWTH = 4
BATCH_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_BYTES = 16 * 1024 * 1024
# A file this large that looks like an export starts the parsing workers before it is cut
# (Ingester._warm_pool): about 250 articles, past POOL_MIN_ARTICLES.
WARM_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Refusal:
    path: str  # as the user would recognise it
    reason: str


@dataclass
class IngestReport:
    """What a run did so far; updated as it goes, so an interrupted run still reports."""

    added: int = 0
    already_present: int = 0
    new_paths: int = 0  # paths newly recorded for articles that were already stored
    # Files whose article was stored before this run (not by an earlier batch of it): an
    # ingest --published date did not reach them.
    stored_before: int = 0
    refused: list[Refusal] = field(default_factory=list)
    # Files named like README or LICENSE found in folders, left out (see FileSelection).
    skipped_docs: int = 0
    # Files found in folders that are not articles by their content (JSON, PDF, images...):
    # what they are -> how many were left out.
    skipped_kinds: dict[str, int] = field(default_factory=dict)
    exports: int = 0  # news-database exports read
    export_pieces: int = 0  # the articles cut from them (and any rest kept whole)
    # What settling the folders' verdicts on a standfirst did (folder_deks.py).
    settled: folder_deks.SettleReport = field(default_factory=folder_deks.SettleReport)

    @property
    def seen(self) -> int:
        """Articles read: one per file, or one per article of an export."""
        return self.added + self.already_present + len(self.refused)

    @property
    def files(self) -> int:
        return self.seen - self.export_pieces + self.exports


class Ingester:
    """One ingest run into one archive; `report` holds the counts, also after an interrupt.

    Reading, hashing and writing happen here; decoding and parsing a batch happen in worker
    processes (when the batch is big enough) while the previous batch is written, so both
    cores work.
    """

    def __init__(
        self,
        archive: Archive,
        *,
        pattern: str | Sequence[str] = (),
        exclude: Sequence[str] = (),
        include_docs: bool = False,
        max_bytes: int = DEFAULT_MAX_BYTES,
        batch_size: int = BATCH_SIZE,
        jobs: int | None = None,
        published: dt.date | None = None,
        format: str = "auto",
        today: dt.date | None = None,
        on_progress: Callable[[IngestReport], None] | None = None,
        on_refusal: Callable[[Refusal], None] | None = None,
    ) -> None:
        self._archive = archive
        self._selection = FileSelection.given(pattern, exclude, include_docs)
        self._max_bytes = max_bytes
        self._batch_size = batch_size
        self._jobs = default_jobs() if jobs is None else jobs
        self._published = published  # the user's date for every article this run adds
        # How files are read: "auto" (exports by their content, else one article a file),
        # "single" (always one article a file) or an export format (exports.FORMATS).
        self._format = format
        self._today = today or dt.date.today()  # no article was published after its ingest
        # Every article and path a run stores carries the run's start, not its batch's, so
        # that what one run added can be told apart (stats: the last ingest).
        self._started = dt.datetime.now(dt.UTC)
        self._pool: ProcessPoolExecutor | None = None
        self._on_progress = on_progress or (lambda _report: None)
        self._on_refusal = on_refusal or (lambda _refusal: None)
        self.report = IngestReport()
        # The first id this run stored: articles from it on are this run's own, as new ids
        # are past every stored one (another writer's, stored meanwhile, count as ours: the
        # --published notice may count too few files, never too many).
        self._first_added: int | None = None
        self.stopping = False  # set by stop(): finish the batch under way, read no more
        # The folders this run added articles read from files to (folder_deks.py).
        self._added_to: set[str] = set()
        self._tallies = folder_deks.Tallies()
        self._made = 0  # batches started

    def stop(self) -> None:
        """Stop cleanly: the batch under way is stored, nothing after it is read."""
        self.stopping = True

    def run(self, paths: Iterable[Path]) -> IngestReport:
        return self._run(self._read_all(paths))

    def run_bytes(self, items: Iterable[tuple[str, bytes]]) -> IngestReport:
        """Articles given as (path, bytes) instead of read from files (`db recover`'s, read
        from a damaged archive), stored as files read from those paths would be."""
        return self._run(
            FileRead(path, data, hashlib.sha256(data).hexdigest()) for path, data in items
        )

    def _run(self, files_read: Iterable[FileRead]) -> IngestReport:
        with storage_trouble(self.report.added):
            unsettled = folder_deks.mark_unsettled(self._archive)
        self._run_batches(files_read)
        if not self.stopping:  # a stopped run leaves the folders to the next one
            with storage_trouble(self.report.added):
                # An earlier run stopped before settling: every folder, as it cannot tell
                # which it added to.
                folders = None if unsettled else self._added_to
                self.report.settled = folder_deks.settle(self._archive, folders)
        return self.report

    def _run_batches(self, files_read: Iterable[FileRead]) -> None:
        pending: Batch | None = None
        # Every batch makes hundreds of thousands of objects that live until it is
        # written: the collector's full passes over them, and over everything imported,
        # were most of what making the band rows cost. Objects from before the run are
        # left out of its passes, and it runs a tenth as often.
        gc.freeze()
        thresholds = gc.get_threshold()
        gc.set_threshold(thresholds[0] * 10, *thresholds[1:])
        try:
            for reads, last in _batched(files_read, self._batch_size):
                for batch in self._batches(reads, last):
                    if self.stopping:
                        break
                    if pending is not None:
                        self._write(pending)
                    pending = batch
                if self.stopping:
                    break
            if pending is not None:
                self._write(pending)
        finally:
            gc.set_threshold(*thresholds)
            gc.unfreeze()
            if self._pool is not None:
                self._pool.shutdown(cancel_futures=True)

    def _refuse(self, path: Path | str, reason: str) -> None:
        refusal = Refusal(os.fsdecode(path), reason)
        self.report.refused.append(refusal)
        self._on_refusal(refusal)

    def _skip_doc(self, _path: str) -> None:
        self.report.skipped_docs += 1

    def _read_all(self, paths: Iterable[Path]) -> Iterator[FileRead]:
        for path, named in iter_files(paths, self._selection, self._refuse, self._skip_doc):
            data = read_file(path, self._max_bytes)
            if isinstance(data, str):
                self._refuse(path, data)
            else:
                yield FileRead(path, data, hashlib.sha256(data).hexdigest(), named=named)

    def _taken(self, read: FileRead) -> Iterable[FileRead]:
        """What a file not stored yet gives: nothing (it is not an article: skipped, or
        refused when named), its articles (an export's, handed out as they are taken), or
        itself."""
        kind = not_an_article(read.data)
        if kind == ZIP_OR_OFFICE and self._format != "single":
            docx = docx_export(read, self._format)
            if docx is not None:
                return self._counted(docx)
        if kind is not None:
            if read.named:
                self._refuse(read.path, f"{kind}, not an article")
            else:
                self.report.skipped_kinds[kind] = self.report.skipped_kinds.get(kind, 0) + 1
            return []
        # Before the saved-page route: Europresse and Factiva deliver exports as HTML.
        if self._format != "single" and len(read.data) >= WARM_BYTES:
            self._warm_pool(read.data)
        export = None if self._format == "single" else bounds(read.data, self._format)
        if export is not None:  # kept whole when the articles' text is apart from the file
            whole = read.data if export.text is not None else None
            return self._counted(export_pieces(read, export.indexed(read.data), export, whole))
        if self._format in ("auto", "single") and htmlpage.looks_like_html(read.data):
            return self._page(read)
        if self._format in ("auto", "single"):
            return [read]
        name = exports.FORMAT_NAMES[self._format]
        self._refuse(read.path, f"not a {name} export (--format auto reads any file)")
        return []

    def _counted(self, pieces: tuple[int, Iterator[FileRead]]) -> Iterator[FileRead]:
        self.report.exports += 1
        self.report.export_pieces += pieces[0]
        return pieces[1]

    def _page(self, read: FileRead) -> list[FileRead]:
        """A saved web page: read by htmlpage (the html extra); without it, skipped with a
        hint in the summary (refused, named outright), never stored as text."""
        if htmlpage.available():
            return [dataclasses.replace(read, origin=HTML)]
        if read.named:
            self._refuse(read.path, str(htmlpage.HtmlReaderMissingError()))
        else:
            skipped = self.report.skipped_kinds
            skipped[PAGE_WITHOUT_READER] = skipped.get(PAGE_WITHOUT_READER, 0) + 1
        return []

    def _batches(self, reads: tuple[FileRead, ...], last: bool = False) -> Iterator[Batch]:
        """The files read, as batches being parsed. A file stored already is not looked at
        again (nor split: a re-ingest pays nothing for exports); the others are split when
        they are exports, and an export's articles go in batches of their own size, so that
        parsing one batch overlaps writing the one before, as for files. A batch holds as
        many files as `_batched` read together (more than the batch size once a long run's
        batches grow), or the batch size, whichever is more. Batches are made as the files
        are split, not after all of them: the files of one read (up to a thousand exports)
        are never held whole as articles (20 exports of 500 articles: peak 340 -> 261 MiB,
        as for the same articles in 10,000 files), and parsing starts with the first batch
        while the rest are cut. An export's batches grow as `_batched`'s do, batch by batch
        (up to BATCH_BYTES): one export of 10,000 articles was 10 batches of 1,000, where
        the same articles as files are 6, and each batch costs its FTS5 segment and merges.

        The `last` read's batches end in batches of the batch size: the run's last batch is
        written with nothing left to parse beside it, one core idle, and at 4,000 files
        that was a tenth of a 20,000-file run; in batches of 1,000, each is written while
        the workers parse the next."""
        size = max(self._batch_size, len(reads))
        with storage_trouble(self.report.added), self._archive.reading() as store:
            known = store.known_ids({f.sha256 for f in reads})
        if all(read.sha256 in known for read in reads):  # a re-ingest: nothing to look at
            for start in range(0, len(reads), size):
                yield self._start(reads[start : start + size], known)
            return
        files: list[FileRead] = []
        held = 0
        taken = (
            t for read in reads for t in ([read] if read.sha256 in known else self._taken(read))
        )
        for item, final in _with_last(taken):
            files.append(item)
            held += len(item.data)
            if final and last:  # the run's tail: below
                break
            if held >= BATCH_BYTES or len(files) >= max(size, _grown(self._batch_size, self._made)):
                yield self._start(tuple(files), known)
                files, held = [], 0
        step = self._batch_size if last else max(len(files), 1)
        for start in range(0, len(files), step):
            yield self._start(tuple(files[start : start + step]), known)

    def _start(self, files: tuple[FileRead, ...], known: dict[str, int]) -> Batch:
        """Look up which articles cut from exports are stored, and start parsing the new."""
        self._made += 1
        pieces = {f.sha256 for f in files if f.place is not None} - known.keys()
        if pieces:
            with storage_trouble(self.report.added), self._archive.reading() as store:
                known.update(store.known_ids(pieces))
        new = list({f.sha256: f for f in reversed(files) if f.sha256 not in known}.values())
        new.reverse()
        work: list[Work] = [(f.data, f.path, f.origin) for f in new]
        made = self._archive.backend.index_texts
        if self._jobs < 1 or len(work) < POOL_MIN_ARTICLES:
            parsed = [parse_here(work, self._today, made)]
            return Batch(files, known, new, [work], parsed, self._today, made)
        pool = self._worker_pool()
        chunks = [work[i : i + CHUNK_ARTICLES] for i in range(0, len(work), CHUNK_ARTICLES)]
        parsing = [pool.submit(prepare_new, chunk, self._today, made) for chunk in chunks]
        return Batch(files, known, new, chunks, parsing, self._today, made)

    def _warm_pool(self, data: bytes) -> None:
        """Start the parsing workers in a thread while a large export is cut, which its
        batches will need: the first submit waits for the fork server to import what
        parsing needs (0.6-0.75 s here), and that wait, spent after the cut, was about a
        tenth of the export bench's whole run."""
        if self._jobs < 1 or self._pool is not None or looks_like_export(data) is None:
            return
        pool, jobs = self._worker_pool(), self._jobs

        def start() -> None:
            try:
                for _ in range(jobs):
                    pool.submit(int)
            except RuntimeError:  # the pool was shut down first: the run stopped
                pass

        threading.Thread(target=start, name="start-workers", daemon=True).start()

    def _worker_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            made = self._archive.backend.index_texts
            # The module of the engine's index_texts imported by the fork server too.
            self._pool = worker_pool(self._jobs, [made.__module__] if made else [])
        return self._pool

    def _dated(self, row: StoredRow) -> StoredRow:
        if self._published is None:
            return row
        return with_dates(row, dated_values(self._published))

    def _write(self, batch: Batch) -> None:
        """Store the batch's new articles and every path, in one short transaction."""
        outcomes = batch.outcomes()
        fresh = [
            NewArticle(
                f.sha256, self._dated(outcome[0]), f.data, Lookups(*outcome[1:4]), outcome[4]
            )
            for f in batch.new
            if not isinstance(outcome := outcomes[f.sha256], str)
        ]
        for f in batch.files:  # an export's layout keeps the bytes of its articles refused
            if (
                f.export is not None
                and f.place is not None
                and isinstance(outcomes.get(f.sha256), str)
            ):
                f.export.keep(f.place[0], f.data)
        now = self._started
        with storage_trouble(self.report.added), self._archive.writing() as store:
            self._tallies.label(store, [a.row for a in fresh])
            inserted, ids, accepted, new_sources = store_batch(store, batch, fresh, now)
        for f in batch.files:
            if isinstance(reason := outcomes.get(f.sha256), str):
                self._refuse(f.shown, reason)
        if inserted and self._first_added is None:
            self._first_added = min(inserted.values())
        first = self._first_added
        self.report.stored_before += sum(
            1
            for f in accepted
            if f.sha256 not in inserted and (first is None or ids[f.sha256] < first)
        )
        self.report.added += len(inserted)
        # The folder as its worker stored it in the row (paths.folder_of, made again here for
        # every file: the writer's glue 77 -> 72 µs an article, 20,000 generated files).
        self._added_to.update(
            a.row[_FOLDER] for a in fresh if a.sha256 in inserted and a.row[_FOLDER] is not None
        )
        self.report.already_present += len(accepted) - len(inserted)
        self.report.new_paths += new_sources - len(inserted)
        self._on_progress(self.report)


def _batched(items: Iterable[FileRead], size: int) -> Iterator[tuple[tuple[FileRead, ...], bool]]:
    """The files in batches, each with whether it is the last: `size` files each at first,
    then, from the fourth batch on, up to GROWTH times as many (a long run writes fewer,
    larger transactions: each costs its search-index segment and merges, its band-key
    look-ups and its commit; 20,000 articles indexed in batches of 4,000 cost FTS5 a
    quarter less CPU than in batches of 1,000); a batch ends early once it holds
    BATCH_BYTES of file data (so at most one file's --max-size past that). One file is
    read past a batch, to tell whether another follows."""
    iterator = iter(items)
    ahead: list[FileRead] = []
    for number in itertools.count():
        wanted = _grown(size, number)
        batch, ahead = ahead, []
        held = sum(len(item.data) for item in batch)
        while len(batch) < wanted and held < BATCH_BYTES:
            item = next(iterator, None)
            if item is None:
                break
            batch.append(item)
            held += len(item.data)
        if not batch:
            return
        ahead = list(itertools.islice(iterator, 1))
        yield tuple(batch), not ahead
        if not ahead:
            return


def _with_last(items: Iterable[FileRead]) -> Iterator[tuple[FileRead, bool]]:
    """Each item, with whether it is the last (one item read ahead)."""
    iterator = iter(items)
    for item in iterator:
        for after in iterator:
            yield item, False
            item = after
        yield item, True


def _grown(size: int, number: int) -> int:
    """How many files the batch `number` (from 0) of a run may hold: `size` for the first
    three, then up to GROWTH times it (see `_batched`)."""
    return size * min(GROWTH, max(1, number - 1))
