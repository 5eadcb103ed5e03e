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
import fnmatch
import gc
import hashlib
import itertools
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from newsarchive.model.errors import ArchiveError, StorageError, Trouble
from newsarchive.model.records import DateSource
from newsarchive.model.rows import (
    DATE_COLUMNS,
    Lookups,
    MakeIndexTexts,
    StoredRow,
    dated_values,
    with_dates,
)
from newsarchive.ops import versions
from newsarchive.ops.workers import (
    HTML,
    POOL_MIN_ARTICLES,
    Compact,
    Work,
    default_jobs,
    prepare,
    prepare_new,
    worker_pool,
)
from newsarchive.storage.archive import Archive
from newsarchive.storage.backends import NewArticle
from newsarchive.storage.store import Store
from newsarchive.text import exports, htmlpage

# What parsing one new file gives: its row as stored and Lookups' fields, or why it is
# not an article.
_Parsed = Compact | str

BATCH_SIZE = 1000
# How many times BATCH_SIZE files a batch may grow to in a long run (see _batched), unless
# it would hold more than BATCH_BYTES of file data.
GROWTH = 4
BATCH_BYTES = 64 * 1024 * 1024
# Workers take a batch's new articles this many at a time; the main process parses the
# chunks they have not started when it has nothing else to do (see _Batch.outcomes).
CHUNK_ARTICLES = 50
DEFAULT_MAX_BYTES = 16 * 1024 * 1024


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
    # Files named like README or LICENSE found in folders, left out (Selection.include_docs).
    skipped_docs: int = 0
    # Files found in folders that are not articles by their content (JSON, PDF, images...):
    # what they are -> how many were left out.
    skipped_kinds: dict[str, int] = field(default_factory=dict)
    exports: int = 0  # news-database exports read
    export_pieces: int = 0  # the articles cut from them (and any rest kept whole)

    @property
    def seen(self) -> int:
        """Articles read: one per file, or one per article of an export."""
        return self.added + self.already_present + len(self.refused)

    @property
    def files(self) -> int:
        return self.seen - self.export_pieces + self.exports


@dataclass(slots=True)  # not frozen: one is made per file, and frozen costs at each
class _Read:
    path: str
    data: bytes
    sha256: str
    # For an article cut from a news-database export: its (number, of how many) in the
    # file, and the export's format (None for a rest of the file kept whole).
    place: tuple[int, int] | None = None
    origin: str | None = None
    # On an export's last piece: the export, to be stored with its layout once its
    # articles are.
    export: _Export | None = None
    named: bool = False  # named outright, not found in a folder

    @property
    def shown(self) -> str:
        """The path as the user would recognise it, with the article's place."""
        if self.place is None:
            return self.path
        return f"{self.path} (article {self.place[0]} of {self.place[1]})"


@dataclass(frozen=True, slots=True)
class _Export:
    data: bytes
    sha256: str
    split: exports.Export
    shas: tuple[str | None, ...]  # per piece: the hash of an article or rest stored, else None
    # A Word document: its articles were cut from its text, not its bytes, so the file is
    # kept whole (its layout one run of bytes).
    whole: bytes | None = None


@dataclass(slots=True)
class _Batch:
    """Files read and hashed, their new articles being parsed (in chunks, maybe in workers)."""

    files: tuple[_Read, ...]
    known: dict[str, int]  # hash -> id of articles already stored
    new: list[_Read]  # the first file of each hash not stored yet
    chunks: list[list[Work]]  # `new` to parse, in order
    parsing: list[Future[list[_Parsed]]]  # one per chunk
    today: dt.date
    index_texts: MakeIndexTexts | None  # the engine's (see Backend.index_texts)

    def outcomes(self) -> dict[str, _Parsed]:
        """Each new article's row or refusal. Chunks no worker has started yet are parsed
        here, from the last back, rather than waiting idle while the workers catch up."""
        for i in reversed(range(len(self.parsing))):
            if not self.parsing[i].cancel():  # started or done: so is every chunk before it
                break
            self.parsing[i] = _done(prepare_new(self.chunks[i], self.today, self.index_texts))
        done = [outcome for part in self.parsing for outcome in part.result()]
        return {item.sha256: outcome for item, outcome in zip(self.new, done, strict=True)}


# A corpus's own documents: a folder of articles often holds a README, a LICENSE and the like,
# which describe the articles and are not one. Matched on the name before its first dot,
# in any case: README, readme.txt, License.md, CHANGELOG.rst.
DOC_NAMES = frozenset({"readme", "license", "licence", "changelog", "copying"})


@dataclass(frozen=True, slots=True)
class Selection:
    """Which files found by walking a folder are ingested; a file named outright always is.

    A file is taken when its name matches any of `patterns` (none: every name), matches no
    pattern of `excludes`, and is not named like a README or LICENSE (DOC_NAMES) unless
    `include_docs`. An exclude without a '/' is matched against the file's name; with one,
    against its path relative to the folder given (where '*' also matches '/', so
    'drafts/*' leaves out everything under drafts/).
    """

    patterns: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    include_docs: bool = False

    def wanted(self, name: str, relative: str) -> bool:
        """Whether a file called `name`, at `relative` under the folder given, is taken by
        the patterns and excludes (documents are decided by `is_doc`)."""
        if self.patterns and not any(fnmatch.fnmatch(name, p) for p in self.patterns):
            return False
        return not any(fnmatch.fnmatch(relative if "/" in p else name, p) for p in self.excludes)

    def is_doc(self, name: str) -> bool:
        return not self.include_docs and name.split(".", 1)[0].lower() in DOC_NAMES


def _relative_glob(pattern: str) -> str:
    """An exclude as Selection matches it: 'drafts/' is every file under drafts/, and a
    leading '/' or './' anchors at the folder given, as every GLOB with a '/' is anyway."""
    if "/" not in pattern:
        return pattern
    pattern = pattern.removeprefix("./").lstrip("/")
    return pattern + "*" if pattern.endswith("/") or not pattern else pattern


def _done(result: list[_Parsed]) -> Future[list[_Parsed]]:
    future: Future[list[_Parsed]] = Future()
    future.set_result(result)
    return future


class Ingester:
    """One ingest run into one archive; `report` holds the counts, also after an interrupt.

    Reading, hashing and writing happen here; decoding and parsing a batch happen in worker
    processes (when the machine has a core to spare and the batch is big enough) while the
    previous batch is written, so both cores work.
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
        patterns = (pattern,) if isinstance(pattern, str) else tuple(pattern)
        self._selection = Selection(
            tuple(p for p in patterns if p != "*") if "*" not in patterns else (),
            tuple(_relative_glob(p) for p in exclude),
            include_docs,
        )
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

    def stop(self) -> None:
        """Stop cleanly: the batch under way is stored, nothing after it is read."""
        self.stopping = True

    def run(self, paths: Iterable[Path]) -> IngestReport:
        return self._run(self._read_all(paths))

    def run_bytes(self, items: Iterable[tuple[str, bytes]]) -> IngestReport:
        """Articles given as (path, bytes) instead of read from files (`db recover`'s, read
        from a damaged archive), stored as files read from those paths would be."""
        return self._run(
            _Read(path, data, hashlib.sha256(data).hexdigest()) for path, data in items
        )

    def _run(self, files_read: Iterable[_Read]) -> IngestReport:
        pending: _Batch | None = None
        # Every batch makes hundreds of thousands of objects that live until it is
        # written: the collector's full passes over them, and over everything imported,
        # were most of what making the band rows cost. Objects from before the run are
        # left out of its passes, and it runs a tenth as often.
        gc.freeze()
        thresholds = gc.get_threshold()
        gc.set_threshold(thresholds[0] * 10, *thresholds[1:])
        try:
            for reads in _batched(files_read, self._batch_size):
                for batch in self._batches(reads):
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
        return self.report

    def _refuse(self, path: Path | str, reason: str) -> None:
        refusal = Refusal(os.fsdecode(path), reason)
        self.report.refused.append(refusal)
        self._on_refusal(refusal)

    def _skip_doc(self, _path: str) -> None:
        self.report.skipped_docs += 1

    def _read_all(self, paths: Iterable[Path]) -> Iterator[_Read]:
        for path, named in iter_files(paths, self._selection, self._refuse, self._skip_doc):
            data = self._read(path)
            if data is not None:
                yield _Read(path, data, hashlib.sha256(data).hexdigest(), named=named)

    def _taken(self, read: _Read) -> list[_Read]:
        """What a file not stored yet gives: nothing (it is not an article: skipped, or
        refused when named), its articles (an export), or itself."""
        kind = not_an_article(read.data)
        if kind == ZIP_OR_OFFICE and self._format != "single":
            docx = self._docx_export(read)
            if docx is not None:
                return docx
        if kind is not None:
            if read.named:
                self._refuse(read.path, f"{kind}, not an article")
            else:
                self.report.skipped_kinds[kind] = self.report.skipped_kinds.get(kind, 0) + 1
            return []
        # Before the saved-page route: Europresse and Factiva deliver exports as HTML.
        export = None if self._format == "single" else exports.split(read.data, self._format)
        if export is not None and export.text is not None:  # articles apart from the file
            return list(self._pieces(read.path, export.text, read.sha256, export, whole=read.data))
        if export is not None:
            return list(self._pieces(read.path, read.data, read.sha256, export))
        if self._format in ("auto", "single") and htmlpage.looks_like_html(read.data):
            return self._page(read)
        if self._format in ("auto", "single"):
            return [read]
        name = exports.FORMAT_NAMES[self._format]
        self._refuse(read.path, f"not a {name} export (--format auto reads any file)")
        return []

    def _page(self, read: _Read) -> list[_Read]:
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

    def _docx_export(self, read: _Read) -> list[_Read] | None:
        """The articles of a Word document that is an export (Nexis Uni delivers .docx),
        cut from its text; None when it is not one."""
        text = exports.docx_text(read.data)
        if text is None:
            return None
        rendered = text.encode("utf-8")
        export = exports.split(rendered, self._format)
        if export is None:
            return None
        return list(self._pieces(read.path, rendered, read.sha256, export, whole=read.data))

    def _pieces(
        self,
        path: str,
        data: bytes,
        sha256: str,
        export: exports.Export,
        *,
        whole: bytes | None = None,
    ) -> Iterator[_Read]:
        """An export's articles, and any rest of it kept whole, each an article to store;
        the last carries the export, stored with its layout once they are. `whole`: the
        file's bytes when `data` is its text (a Word document)."""
        cut = [p for p in export.pieces if p.kind != "front"]
        self.report.exports += 1
        self.report.export_pieces += len(cut)
        shas = tuple(
            None if p.kind == "front" else hashlib.sha256(data[p.start : p.end]).hexdigest()
            for p in export.pieces
        )
        kept = _Export(data, sha256, export, shas, whole)
        hashes = [sha for sha in shas if sha is not None]
        for n, (piece, sha) in enumerate(zip(cut, hashes, strict=True), 1):
            yield _Read(
                path,
                data[piece.start : piece.end],
                sha,
                (n, len(cut)),
                export.format if piece.kind == "article" else None,
                kept if n == len(cut) else None,
            )

    def _read(self, path: str) -> bytes | None:
        """The file's bytes, or None once refused. Checked on the open file, so a file
        swapped for a FIFO after the walk saw it is still caught, and opened without
        blocking, so such a FIFO cannot stall the run."""
        data = b""
        try:
            with open(path, "rb", buffering=0, opener=_open_nonblocking) as handle:
                info = os.fstat(handle.fileno())
                if not stat.S_ISREG(info.st_mode):
                    self._refuse(path, "not a regular file")
                    return None
                size = info.st_size
                if size <= self._max_bytes:
                    os.set_blocking(handle.fileno(), True)  # a network file system may wait
                    data = handle.readall()
                    size = len(data)  # it may have grown since fstat
        except OSError as exc:
            self._refuse(path, f"cannot read: {exc.strerror or exc}")
            return None
        if size > self._max_bytes:
            self._refuse(
                path,
                f"too large: {size:,} bytes, over the {self._max_bytes:,}-byte limit "
                "(raise it with --max-size)",
            )
            return None
        return data

    def _batches(self, reads: tuple[_Read, ...]) -> Iterator[_Batch]:
        """The files read, as batches being parsed. A file stored already is not looked at
        again (nor split: a re-ingest pays nothing for exports); the others are split when
        they are exports, and an export's articles go in batches of their own size, so that
        parsing one batch overlaps writing the one before, as for files. A batch holds as
        many files as `_batched` read together (more than the batch size once a long run's
        batches grow), or the batch size, whichever is more. Batches are made as the files
        are split, not after all of them: the files of one read (up to a thousand exports)
        are never held whole as articles (20 exports of 500 articles: peak 340 -> 261 MiB,
        as for the same articles in 10,000 files), and parsing starts with the first batch
        while the rest are split."""
        size = max(self._batch_size, len(reads))
        with _storage_trouble(self.report), self._archive.reading() as store:
            known = store.known_ids({f.sha256 for f in reads})
        if all(read.sha256 in known for read in reads):  # a re-ingest: nothing to look at
            for start in range(0, len(reads), size):
                yield self._start(reads[start : start + size], known)
            return
        files: list[_Read] = []
        for read in reads:
            files += [read] if read.sha256 in known else self._taken(read)
            while len(files) >= size:
                yield self._start(tuple(files[:size]), known)
                del files[:size]
        if files:
            yield self._start(tuple(files), known)

    def _start(self, files: tuple[_Read, ...], known: dict[str, int]) -> _Batch:
        """Look up which articles cut from exports are stored, and start parsing the new."""
        pieces = {f.sha256 for f in files if f.place is not None} - known.keys()
        if pieces:
            with _storage_trouble(self.report), self._archive.reading() as store:
                known.update(store.known_ids(pieces))
        new = list({f.sha256: f for f in reversed(files) if f.sha256 not in known}.values())
        new.reverse()
        work: list[Work] = [(f.data, f.path, f.origin) for f in new]
        made = self._archive.backend.index_texts
        if self._jobs < 1 or len(work) < POOL_MIN_ARTICLES:
            parsed = [_done(prepare_new(work, self._today, made))]
            return _Batch(files, known, new, [work], parsed, self._today, made)
        pool = self._worker_pool()
        chunks = [work[i : i + CHUNK_ARTICLES] for i in range(0, len(work), CHUNK_ARTICLES)]
        parsing = [pool.submit(prepare_new, chunk, self._today, made) for chunk in chunks]
        return _Batch(files, known, new, chunks, parsing, self._today, made)

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

    def _write(self, batch: _Batch) -> None:
        """Store the batch's new articles and every path, in one short transaction."""
        outcomes = batch.outcomes()
        fresh = [
            NewArticle(
                f.sha256, self._dated(outcome[0]), f.data, Lookups(*outcome[1:4]), outcome[4]
            )
            for f in batch.new
            if not isinstance(outcome := outcomes[f.sha256], str)
        ]
        now = self._started
        with _storage_trouble(self.report), self._archive.writing() as store:
            inserted = store.add_articles(fresh, now)
            versions.group(
                store,
                {
                    inserted[a.sha256]: a.lookups.bands if a.lookups else []
                    for a in fresh
                    if a.sha256 in inserted
                },
                versions.threshold(store),
            )
            ids = {**batch.known, **inserted}
            raced = [a.sha256 for a in fresh if a.sha256 not in inserted]
            ids.update(store.known_ids(raced))  # stored meanwhile by another writer
            accepted = [f for f in batch.files if f.sha256 in ids]
            new_sources = store.add_sources(
                ((ids[f.sha256], stored_path(f.path), f.place) for f in accepted), now
            )
            for f in batch.files:
                if f.export is not None:
                    _store_export(store, f.export, now)
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
        self.report.already_present += len(accepted) - len(inserted)
        self.report.new_paths += new_sources - len(inserted)
        self._on_progress(self.report)


def _store_export(store: Store, export: _Export, now: dt.datetime) -> None:
    """Keep an export's layout: its articles by hash (those stored; one refused is kept
    as bytes), the bytes around them, so that the file can be rebuilt."""
    if export.whole is not None:  # a Word document: kept whole, beside its articles' text
        layout_whole: list[tuple[str, str | int]] = [("f", len(export.whole))]
        store.export_files.add(export.sha256, export.split.format, layout_whole, export.whole, now)
        return
    stored = store.known_ids({sha for sha in export.shas if sha is not None})
    layout: list[tuple[str, str | int]] = []
    filler = bytearray()
    for piece, sha in zip(export.split.pieces, export.shas, strict=True):
        if sha is not None and sha in stored:
            layout.append(("a", sha))
            continue
        filler += export.data[piece.start : piece.end]
        if layout and layout[-1][0] == "f":
            layout[-1] = ("f", int(layout[-1][1]) + piece.end - piece.start)
        else:
            layout.append(("f", piece.end - piece.start))
    store.export_files.add(export.sha256, export.split.format, layout, bytes(filler), now)


ZIP_OR_OFFICE = "ZIP archive or office document"
# A saved web page where the html extra is not installed: skipped, with the way to read it.
PAGE_WITHOUT_READER = "saved web page (pip install 'newsarchive[html]' reads them)"
# What a file is, by its first bytes, when it is no article: (magic, offset, kind).
_MAGIC = (
    (b"%PDF-", 0, "PDF document"),
    (b"PK\x03\x04", 0, "ZIP archive or office document"),  # ZIP_OR_OFFICE
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "office document (OLE)"),
    (b"{\\rtf", 0, "RTF document"),
    (b"\x89PNG\r\n\x1a\n", 0, "PNG image"),
    (b"\xff\xd8\xff", 0, "JPEG image"),
    (b"GIF87a", 0, "GIF image"),
    (b"GIF89a", 0, "GIF image"),
    (b"II*\x00", 0, "TIFF image"),
    (b"MM\x00*", 0, "TIFF image"),
    (b"\x1f\x8b", 0, "gzip archive"),
    (b"1AY&SY", 4, "bzip2 archive"),
    (b"\xfd7zXZ\x00", 0, "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "7-Zip archive"),
    (b"Rar!\x1a\x07", 0, "RAR archive"),
    (b"\x28\xb5\x2f\xfd", 0, "zstd archive"),
    (b"ustar", 257, "tar archive"),
)


# The first bytes of the magic numbers at offset 0: any other first byte skips the loop.
_MAGIC_FIRST = frozenset(magic[:1] for magic, offset, _ in _MAGIC if offset == 0)


def not_an_article(data: bytes) -> str | None:
    """What the file is when its content says it is no article (JSON, XML, CSV, PDF, an
    office document, an image, an archive), else None. A look at its first bytes; JSON
    alone is parsed to be sure."""
    if data[:1] in _MAGIC_FIRST or data[4:10] == b"1AY&SY" or data[257:262] == b"ustar":
        for magic, offset, kind in _MAGIC:
            if data.startswith(magic, offset):
                return kind
    if data[8:12] == b"WEBP" and data.startswith(b"RIFF"):
        return "WebP image"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        return _json_kind(data)
    if head.startswith((b"<?xml", b"<rss", b"<feed")):
        # An XHTML page is a web page, not data: left to whatever reads pages.
        page = data[:65536].lower()
        return None if any(tag in page for tag in (b"<html", b"<head", b"<body")) else "XML"
    return None if head.startswith(b"<") else _csv_kind(head)


def _json_kind(data: bytes) -> str | None:
    import json

    try:
        json.loads(data)
        return "JSON"
    except ValueError:
        pass
    first = data.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
    try:
        json.loads(first)
    except ValueError:
        return None
    return "JSON Lines" if first.strip()[:1] == b"{" else None


def _csv_kind(head: bytes) -> str | None:
    """CSV or TSV: its first lines (three at least, five when there are) follow each other
    without a blank line between (an article's paragraphs have them), each under 2,000
    bytes and with the same number, two or more, of the same delimiter."""
    first = head[: head.find(b"\n", 0, 2001)]
    if first.count(b",") < 2 and first.count(b"\t") < 2 and first.count(b";") < 2:
        return None  # a headline, nearly always: no data header
    parts = head.split(b"\n", 6)[:6]
    if len(parts) < 6 or not parts[-1]:
        parts = parts[:-1]  # the last line may be cut short, or empty after the last LF
    lines = parts[:5]
    if len(lines) < 3 or any(not line.strip() or len(line) > 2000 for line in lines):
        return None
    for delimiter, kind in ((b",", "CSV"), (b"\t", "TSV"), (b";", "CSV")):
        counts = {line.count(delimiter) for line in lines}
        if len(counts) == 1 and counts.pop() >= 2:
            return kind
    return None


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
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[RedateReport], None] | None = None,
) -> RedateReport:
    """Find every stored article's date again, from its original bytes, with today's rules.

    Inference is bounded by the day each article was ingested, as it was at ingest.
    """
    report = RedateReport()
    for batch in archive.batches(size=batch_size):
        updates = []
        for record in batch:
            report.checked += 1
            if record.date_source == DateSource.CLI.value:
                report.kept_given += 1
                continue
            (values,) = prepare(
                [(record.data, record.source, record.columns["origin"])], record.ingested_at.date()
            )
            if isinstance(values, str):  # it parsed once; a rule change cannot unparse it
                continue
            new = {c: cast(Mapping[str, Any], values)[c] for c in DATE_COLUMNS}
            old = {c: record.columns[c] for c in DATE_COLUMNS}
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


@contextmanager
def _storage_trouble(report: IngestReport) -> Iterator[None]:
    """The archive refused a batch (read-only, locked, a full disk, an I/O error, a lost
    connection): its transaction is rolled back (nothing of it is stored), and the user
    hears what is safe and what to do."""
    try:
        yield
    except StorageError as exc:
        if exc.trouble is Trouble.READ_ONLY:
            raise ArchiveError(
                f"the archive is read-only ({exc.detail}); nothing was added: make the file and "
                "its folder writable, or ingest into another archive with --db"
            ) from None
        if exc.trouble is Trouble.NO_PRIVILEGE:  # the detail names the grants to ask for
            raise ArchiveError(exc.detail) from None
        if exc.trouble is Trouble.LOCKED:
            raise ArchiveError(
                f"the archive is busy: another program kept it locked too long ({exc.detail}); "
                f"the batch being stored was not, the {report.added:,} articles added before "
                "it are kept: run the same ingest again once the other program is done"
            ) from None
        if exc.trouble in (Trouble.CONNECTION_LOST, Trouble.UNREACHABLE):
            raise ArchiveError(
                f"lost the connection to the archive ({exc.detail}); the batch being stored "
                f"was rolled back, the {report.added:,} articles added before it are kept: "
                "run the same ingest again once the server is back"
            ) from None
        if exc.trouble not in (Trouble.FULL, Trouble.IO):
            raise
        raise ArchiveError(
            f"could not write to the archive ({exc.detail}); the batch being stored was rolled "
            f"back, the {report.added:,} articles added before it are kept: free disk space "
            "and run the same ingest again"
        ) from None


def iter_files(
    paths: Iterable[Path],
    selection: Selection,
    refuse: Callable[[Path | str, str], None],
    skip_doc: Callable[[str], None] = lambda _path: None,
) -> Iterator[tuple[str, bool]]:
    """Every file named, and every non-hidden file under every folder named that
    `selection` takes, in sorted order, each with whether it was named outright; `skip_doc`
    hears of each document left out.

    Folders are walked without following links to folders (no loops); `selection` filters
    files found in folders, never files named outright.
    """
    for path in paths:
        if path.is_dir():
            yield from _walk(os.fspath(path), selection, refuse, skip_doc)
        elif path.is_file():
            yield os.fspath(path), True
        else:
            refuse(path, "not a regular file" if path.exists() else "no such file or folder")


def _walk(
    root: str,
    selection: Selection,
    refuse: Callable[[Path | str, str], None],
    skip_doc: Callable[[str], None],
) -> Iterator[tuple[str, bool]]:
    """Files in sorted order, each folder's files before its subfolders. The directory
    entries tell a regular file from a folder or a FIFO without a stat call per file, and a
    FIFO or device is refused, never opened (a FIFO would block the run forever)."""
    folders = [(root, "")]  # (folder, its path relative to the root, ending in "/")
    while folders:
        folder, prefix = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            refuse(folder, f"cannot read folder: {exc.strerror or exc}")
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                kind = _kind(entry)
            except OSError as exc:  # a link that loops or runs through a file, say
                kind = "broken link" if entry.is_symlink() else f"cannot read: {exc.strerror}"
            if kind == "folder":
                subfolders.append((entry.path, f"{prefix}{entry.name}/"))
            elif kind != _LINK_TO_FOLDER and not selection.wanted(entry.name, prefix + entry.name):
                continue  # the selection filters files; links to folders are still reported
            elif kind == "file" and selection.is_doc(entry.name):
                skip_doc(entry.path)
            elif kind == "file":
                yield entry.path, False  # found in a folder, not named
            else:
                refuse(entry.path, kind)
        folders.extend(reversed(subfolders))


_LINK_TO_FOLDER = "a link to a folder: not followed (links can loop); name it to ingest it"


def _kind(entry: os.DirEntry[str]) -> str:
    """What the entry is: "folder", "file", or why it is refused."""
    if entry.is_dir(follow_symlinks=False):
        return "folder"
    if entry.is_dir():
        return _LINK_TO_FOLDER
    if entry.is_file():
        return "file"
    if entry.is_symlink() and not os.path.exists(entry.path):
        return "broken link"
    return "not a regular file"


def _open_nonblocking(path: str, flags: int) -> int:
    # Without blocking: a file swapped for a FIFO after the walk must not stall the run.
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def _batched(items: Iterable[_Read], size: int) -> Iterator[tuple[_Read, ...]]:
    """The files in batches: `size` files each at first, then, from the fourth batch on,
    up to GROWTH times as many (a long run writes fewer, larger transactions: each costs
    its search-index segment and merges, its band-key look-ups and its commit; 20,000
    articles indexed in batches of 4,000 cost FTS5 a quarter less CPU than in batches of
    1,000); a batch ends early once it holds BATCH_BYTES of file data (so at most one
    file's --max-size past that)."""
    iterator = iter(items)
    for number in itertools.count():
        wanted = size * min(GROWTH, max(1, number - 1))
        batch: list[_Read] = []
        held = 0
        for item in iterator:
            batch.append(item)
            held += len(item.data)
            if len(batch) >= wanted or held >= BATCH_BYTES:
                break
        if not batch:
            return
        yield tuple(batch)


def stored_path(path: str | Path) -> str:
    """The absolute path, `..` folded but links kept (the name the user knows); a byte of
    the name that is not UTF-8 stays that byte (as os functions keep it: see paths.py)."""
    return os.path.abspath(os.fsdecode(path))
