"""An ingest batch's way from bytes to rows: the files read (`FileRead`, an export's
articles each one), their new articles parsed in chunks (in worker processes, or here),
then stored with every path in one short transaction (`store_batch`), an export's layout
with its last article; and what the user hears when the archive refuses a batch.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass

from newsarchive.model.errors import ArchiveError, StorageError, Trouble
from newsarchive.model.rows import MakeIndexTexts
from newsarchive.ops import versions
from newsarchive.ops.ingest_files import stored_path
from newsarchive.ops.workers import Compact, Work, prepare_new
from newsarchive.storage.backends import NewArticle
from newsarchive.storage.store import Store
from newsarchive.text import exports
from newsarchive.text.exports.bounds import bounds

# What parsing one new file gives: its row as stored and Lookups' fields, or why it is
# not an article.
Parsed = Compact | str
# Workers take a batch's new articles this many at a time; the main process parses the
# chunks they have not started when it has nothing else to do (see Batch.outcomes).
CHUNK_ARTICLES = 50


@dataclass(slots=True)  # not frozen: one is made per file, and frozen costs at each
class FileRead:
    path: str
    data: bytes
    sha256: str
    # For an article cut from a news-database export: its (number, of how many) in the
    # file, and the export's format (None for a rest of the file kept whole).
    place: tuple[int, int] | None = None
    origin: str | None = None
    # For an article cut from an export: the export, stored with its layout once its
    # last article is (`completes`).
    export: KeptExport | None = None
    named: bool = False  # named outright, not found in a folder

    @property
    def completes(self) -> bool:
        """Whether this is the last article of an export: the export is stored with it."""
        return self.export is not None and self.place is not None and self.place[0] == self.place[1]

    @property
    def shown(self) -> str:
        """The path as the user would recognise it, with the article's place."""
        if self.place is None:
            return self.path
        return f"{self.path} (article {self.place[0]} of {self.place[1]})"


@dataclass(slots=True)
class KeptExport:
    """An export whose articles are being stored, and what its layout needs besides them.
    Not the file's bytes: each article holds its own, let go once its batch is written
    (one export of 10,000 articles kept its 38 MB to the end: peak 300 -> 264 MiB)."""

    sha256: str
    split: exports.Export
    shas: tuple[str | None, ...]  # per piece: the hash of an article or rest stored, else None
    # Per piece (index in split.pieces): its bytes, where the layout holds them: the matter
    # around articles, and an article refused (`keep`, as its batch is written).
    kept: dict[int, bytes]
    # A Word document: its articles were cut from its text, not its bytes, so the file is
    # kept whole (its layout one run of bytes).
    whole: bytes | None = None

    def keep(self, place: int, data: bytes) -> None:
        """Keep the bytes of the article at `place` (1-based, as FileRead.place): it was
        refused, so they are the layout's, not an article's."""
        cut = [i for i, p in enumerate(self.split.pieces) if p.kind != "front"]
        self.kept[cut[place - 1]] = data


@dataclass(slots=True)
class Batch:
    """Files read and hashed, their new articles being parsed (in chunks, maybe in workers)."""

    files: tuple[FileRead, ...]
    known: dict[str, int]  # hash -> id of articles already stored
    new: list[FileRead]  # the first file of each hash not stored yet
    chunks: list[list[Work]]  # `new` to parse, in order
    parsing: list[Future[list[Parsed]]]  # one per chunk
    today: dt.date
    index_texts: MakeIndexTexts | None  # the engine's (see Backend.index_texts)

    def outcomes(self) -> dict[str, Parsed]:
        """Each new article's row or refusal. Chunks no worker has started yet are parsed
        here, from the last back, rather than waiting idle while the workers catch up."""
        for i in reversed(range(len(self.parsing))):
            if not self.parsing[i].cancel():  # started or done: so is every chunk before it
                break
            self.parsing[i] = parse_here(self.chunks[i], self.today, self.index_texts)
        done = [outcome for part in self.parsing for outcome in part.result()]
        return {item.sha256: outcome for item, outcome in zip(self.new, done, strict=True)}


def parse_here(
    work: list[Work], today: dt.date, index_texts: MakeIndexTexts | None
) -> Future[list[Parsed]]:
    """A chunk parsed in this process, as a future already done (as a worker's will be)."""
    future: Future[list[Parsed]] = Future()
    future.set_result(prepare_new(work, today, index_texts))
    return future


def store_batch(
    store: Store, batch: Batch, fresh: list[NewArticle], now: dt.datetime
) -> tuple[dict[str, int], dict[str, int], list[FileRead], int]:
    """Store a batch's new articles (`fresh`, parsed from it), group them into versions,
    and record every path of its files and the layout of any export they complete: the
    ids the new got, every file's article id, the files stored, how many paths were new."""
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
        if f.export is not None and f.completes:
            store_export(store, f.export, now)
    return inserted, ids, accepted, new_sources


def store_export(store: Store, export: KeptExport, now: dt.datetime) -> None:
    """Keep an export's layout: its articles by hash (those stored; one refused is kept
    as bytes), the bytes around them, so that the file can be rebuilt. An article neither
    stored nor kept (deleted meanwhile by another writer) leaves the layout unstored: the
    file is split again by the next ingest of it."""
    if export.whole is not None:  # a Word document: kept whole, beside its articles' text
        layout_whole: list[tuple[str, str | int]] = [("f", len(export.whole))]
        store.export_files.add(export.sha256, export.split.format, layout_whole, export.whole, now)
        return
    stored = store.known_ids({sha for sha in export.shas if sha is not None})
    layout: list[tuple[str, str | int]] = []
    filler = bytearray()
    for i, (piece, sha) in enumerate(zip(export.split.pieces, export.shas, strict=True)):
        if sha is not None and sha in stored:
            layout.append(("a", sha))
            continue
        if (part := export.kept.get(i)) is None:
            return
        filler += part
        if layout and layout[-1][0] == "f":
            layout[-1] = ("f", int(layout[-1][1]) + piece.end - piece.start)
        else:
            layout.append(("f", piece.end - piece.start))
    store.export_files.add(export.sha256, export.split.format, layout, bytes(filler), now)


@contextmanager
def storage_trouble(added: int) -> Iterator[None]:
    """The archive refused a batch (read-only, locked, a full disk, an I/O error, a lost
    connection): its transaction is rolled back (nothing of it is stored), and the user
    hears what is safe (the `added` articles stored before it) and what to do."""
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
                f"the batch being stored was not, the {added:,} articles added before "
                "it are kept: run the same ingest again once the other program is done"
            ) from None
        if exc.trouble in (Trouble.CONNECTION_LOST, Trouble.UNREACHABLE):
            raise ArchiveError(
                f"lost the connection to the archive ({exc.detail}); the batch being stored "
                f"was rolled back, the {added:,} articles added before it are kept: "
                "run the same ingest again once the server is back"
            ) from None
        if exc.trouble not in (Trouble.FULL, Trouble.IO):
            raise
        raise ArchiveError(
            f"could not write to the archive ({exc.detail}); the batch being stored was rolled "
            f"back, the {added:,} articles added before it are kept: free disk space "
            "and run the same ingest again"
        ) from None


def docx_export(read: FileRead, format: str) -> tuple[int, Iterator[FileRead]] | None:
    """The articles of a Word document that is an export (Nexis Uni, Mediargus deliver
    .docx), cut from its text (a Mediargus list and its texts: from the articles' own
    text, as for its text files), as `export_pieces` gives them; None when it is not one."""
    text = exports.docx_text(read.data)
    if text is None:
        return None
    rendered = text.encode("utf-8")
    export = bounds(rendered, format)
    if export is None:
        return None
    return export_pieces(read, export.indexed(rendered), export, read.data)


def export_pieces(
    read: FileRead, data: bytes, export: exports.Export, whole: bytes | None = None
) -> tuple[int, Iterator[FileRead]]:
    """How many articles an export holds (and any rest of it kept whole), and each as an
    article to store, handed out as they are taken; the last stores the export with its
    layout once they are. `whole`: the file's bytes when `data` is its text (a Word
    document); else the file's bytes are let go once cut, each article holding its own
    until its batch is written."""
    cut = [p for p in export.pieces if p.kind != "front"]
    articles = deque(data[p.start : p.end] for p in cut)
    # The articles' own text (Mediargus) is let go with `data`: the layout needs the pieces
    # alone (a Mediargus export of 10,000 generated articles: peak 408 -> 372 MiB).
    export = dataclasses.replace(export, text=None)
    hashes = iter([hashlib.sha256(article).hexdigest() for article in articles])
    shas = tuple(None if p.kind == "front" else next(hashes) for p in export.pieces)
    fronts = {i: data[p.start : p.end] for i, p in enumerate(export.pieces) if p.kind == "front"}
    kept = KeptExport(read.sha256, export, shas, fronts, whole)
    if whole is None:
        read.data = b""
    del data

    def pieces() -> Iterator[FileRead]:
        places = (sha for sha in shas if sha is not None)
        for n, (piece, sha) in enumerate(zip(cut, places, strict=True), 1):
            origin = export.format if piece.kind == "article" else None
            yield FileRead(read.path, articles.popleft(), sha, (n, len(cut)), origin, kept)

    return len(cut), pieces()
