"""Files to stored articles: walk, read, hash, dedupe, decode, parse, store, in batches.

A stream, never a list of every file: memory stays flat however large the tree. Each batch
is read and parsed outside any transaction, then written in one short transaction, so a
second writer waits milliseconds, not seconds, and an interrupted run keeps every batch it
finished. Files already stored (same SHA-256) are not parsed again, only their path noted.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from newsarchive.decode import decode
from newsarchive.errors import NotAnArticleError
from newsarchive.parser import parse_article
from newsarchive.store import NewArticle, Store

BATCH_SIZE = 1000
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
    refused: list[Refusal] = field(default_factory=list)

    @property
    def seen(self) -> int:
        return self.added + self.already_present + len(self.refused)


@dataclass(frozen=True, slots=True)
class _Read:
    path: Path
    data: bytes
    sha256: str


class Ingester:
    """One ingest run into one archive; `report` holds the counts, also after an interrupt."""

    def __init__(
        self,
        engine: Engine,
        *,
        pattern: str = "*",
        max_bytes: int = DEFAULT_MAX_BYTES,
        batch_size: int = BATCH_SIZE,
        on_progress: Callable[[IngestReport], None] | None = None,
        on_refusal: Callable[[Refusal], None] | None = None,
    ) -> None:
        self._engine = engine
        self._pattern = pattern
        self._max_bytes = max_bytes
        self._batch_size = batch_size
        self._on_progress = on_progress or (lambda _report: None)
        self._on_refusal = on_refusal or (lambda _refusal: None)
        self.report = IngestReport()

    def run(self, paths: Iterable[Path]) -> IngestReport:
        for batch in _batched(self._read_all(paths), self._batch_size):
            self._store_batch(batch)
            self._on_progress(self.report)
        return self.report

    def _refuse(self, path: Path | str, reason: str) -> None:
        refusal = Refusal(os.fsdecode(path), reason)
        self.report.refused.append(refusal)
        self._on_refusal(refusal)

    def _read_all(self, paths: Iterable[Path]) -> Iterator[_Read]:
        for path in iter_files(paths, self._pattern, self._refuse):
            try:
                size = path.stat().st_size
                if size > self._max_bytes:
                    self._refuse(
                        path,
                        f"too large: {size:,} bytes, over the {self._max_bytes:,}-byte limit "
                        "(raise it with --max-size)",
                    )
                    continue
                data = path.read_bytes()
            except OSError as exc:
                self._refuse(path, f"cannot read: {exc.strerror or exc}")
                continue
            yield _Read(path, data, hashlib.sha256(data).hexdigest())

    def _store_batch(self, batch: tuple[_Read, ...]) -> None:
        report = self.report
        with Session(self._engine) as session, session.begin():
            known = Store(session).known_ids({r.sha256 for r in batch})
        new: dict[str, NewArticle] = {}
        accepted: list[_Read] = []
        for item in batch:
            if item.sha256 in known or item.sha256 in new:
                report.already_present += 1
                accepted.append(item)
                continue
            try:
                decoded = decode(item.data)
                article = parse_article(decoded.text, source=str(item.path))
            except NotAnArticleError as exc:
                self._refuse(item.path, exc.reason)
                continue
            new[item.sha256] = NewArticle(item.sha256, article, item.data, decoded.encoding)
            accepted.append(item)

        now = dt.datetime.now(dt.UTC)
        with Session(self._engine.execution_options(writes=True)) as session, session.begin():
            store = Store(session)
            ids = store.add_articles(list(new.values()), now)
            raced = [sha for sha in new if sha not in ids]
            if raced:  # stored by another writer between our look-up and our insert
                ids.update(store.known_ids(raced))
                report.already_present += len(raced)
            ids.update(known)
            new_sources = store.add_sources(
                ((ids[item.sha256], stored_path(item.path)) for item in accepted), now
            )
        added = len(new) - len(raced)
        report.added += added
        report.new_paths += max(0, new_sources - added)


def iter_files(
    paths: Iterable[Path], pattern: str, refuse: Callable[[Path | str, str], None]
) -> Iterator[Path]:
    """Every file named, and every non-hidden file under every folder named, in sorted order.

    Folders are walked without following links to folders (no loops); `pattern` filters
    file names found in folders, never files named outright.
    """
    for path in paths:
        if path.is_dir():
            yield from _walk(path, pattern, refuse)
        elif path.is_file():
            yield path
        elif path.exists():
            refuse(path, "not a regular file")
        else:
            refuse(path, "no such file or folder")


def _walk(root: Path, pattern: str, refuse: Callable[[Path | str, str], None]) -> Iterator[Path]:
    def on_error(exc: OSError) -> None:
        refuse(exc.filename or root, f"cannot read folder: {exc.strerror or exc}")

    for folder, dirs, files in os.walk(root, onerror=on_error):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or not fnmatch.fnmatch(name, pattern):
                continue
            path = Path(folder, name)
            if path.is_file():
                yield path
            elif path.exists():
                refuse(path, "not a regular file")
            else:
                refuse(path, "broken link")


def _batched(items: Iterable[_Read], size: int) -> Iterator[tuple[_Read, ...]]:
    iterator = iter(items)
    while batch := tuple(islice(iterator, size)):
        yield batch


def stored_path(path: Path) -> str:
    """The absolute path as text; bytes that are not UTF-8 in a name are kept as \\x escapes."""
    text = os.fsdecode(path.absolute())
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
