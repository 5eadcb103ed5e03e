"""What can still be read of a damaged SQLite archive: each article's raw bytes, id,
headline, source paths and export format, and the layouts of news-database exports, row by
row, skipping what SQLite cannot read.

The damaged file is never written: a copy of it (and of its write-ahead log) is read. When
the copy's first 100 bytes are not an SQLite header (SQLite then calls the whole file "not
a database") a header is written for it, and a file cut short is made whole pages again.
Rows are then read by rowid ranges, the portable part of what SQLite's own `.recover` does
(which the stdlib module does not offer): a range SQLite refuses is halved until the rows
it cannot read are alone, and every other row of the range is kept. Raw bytes are trusted
only when they still hash to the SHA-256 their article row recorded (when that row is
readable).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsarchive.model.errors import ArchiveError

MAGIC = b"SQLite format 3\x00"
HEADER_BYTES = 100
# Page sizes tried, most likely first (newsarchive makes 16 KiB pages; SQLite's default is 4).
PAGE_SIZES = (16384, 4096, 1024, 2048, 8192, 32768, 65536)
# B-tree page kinds: the first byte of every page of a table or an index.
BTREE_PAGE_KINDS = frozenset({2, 5, 10, 13})
# Ids read per statement: a range is halved after an error, down to one id.
IDS_PER_READ = 256
RAW_IDS_PER_READ = 32  # raw bytes may be megabytes each
# Keys are read on past the highest a table tells (or the last row found) while a row was
# found within this many: ids are given in order, with gaps only where articles were
# deleted or duplicates met.
KEYS_PAST_THE_LAST = 4096


@dataclass(frozen=True, slots=True)
class Salvaged:
    """One article id found in any table of the damaged archive."""

    id: int
    raw: bytes | None  # None: its bytes are lost (unreadable, or not what its row recorded)
    headline: str | None  # None: its article row is unreadable
    paths: tuple[str, ...]  # its source paths that could be read (as `ingest` stored them)
    why_lost: str = ""
    # The format of the news-database export it was cut from (articles.origin), else None.
    origin: str | None = None


@dataclass(frozen=True, slots=True)
class SalvagedExport:
    """A news-database export's layout, as `export_files` kept it (see ExportFiles.add)."""

    sha256: str
    layout: list[list[Any]]
    filler: bytes


@dataclass
class Damage:
    """What reading the copy met: a header rebuilt, zeros added, keys that errored."""

    header_rebuilt: bool = False
    padded_bytes: int = 0  # zeros added to make the cut-short file whole pages
    cut_short: bool = False  # not whole pages, or fewer than its header counted
    unreadable: dict[str, list[int]] = field(default_factory=dict)  # table -> ids

    def note(self, table: str, id_: int) -> None:
        self.unreadable.setdefault(table, []).append(id_)


class DamagedFile:
    """A readable copy of a damaged archive file, in `folder`; read it with `articles()`."""

    def __init__(self, path: Path, folder: Path) -> None:
        self.damage = Damage()
        self.highest_seen = 0
        self.copy = folder / "damaged.db"
        shutil.copyfile(path, self.copy)
        wal = Path(f"{path}-wal")
        if wal.is_file() and wal.stat().st_size:
            shutil.copyfile(wal, f"{self.copy}-wal")
        self._repair()
        self._db = sqlite3.connect(self.copy, isolation_level=None)
        self._db.text_factory = lambda data: data.decode("utf-8", "replace")
        self._db.execute("PRAGMA cell_size_check=ON")  # a damaged cell is an error, not data
        try:
            names = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError as exc:
            self.close()
            raise ArchiveError(
                f"the archive's list of tables cannot be read ({exc}): nothing can be saved "
                "from it by newsarchive; sqlite3's '.recover' command may save more"
            ) from None
        if not {"articles", "article_raw"} <= names:
            self.close()
            raise ArchiveError(
                f"{path} holds no newsarchive tables that can be read: nothing to save "
                "from it; check that --db names the damaged archive"
            )

    def close(self) -> None:
        if hasattr(self, "_db"):
            self._db.close()

    def _repair(self) -> None:
        """A header where SQLite looks for one, and whole pages."""
        size = self.copy.stat().st_size
        with open(self.copy, "r+b") as handle:
            header = handle.read(HEADER_BYTES)
            page_size = _page_size(header) if header.startswith(MAGIC) else None
            if page_size is None:
                page_size = _guess_page_size(handle, size)
                handle.seek(0)
                handle.write(_header(page_size, pages=-(-size // page_size)))
                self.damage.header_rebuilt = True
            pages = -(-size // page_size)
            told = struct.unpack(">I", header[28:32])[0] if len(header) >= 32 else 0
            trusted = len(header) >= 96 and header[24:28] == header[92:96]
            # Cut short: not whole pages, or fewer pages than its header counted.
            self.damage.cut_short = bool(size % page_size) or (trusted and told > pages)
            if size % page_size:
                self.damage.padded_bytes = page_size - size % page_size
                handle.seek(size)
                handle.write(b"\0" * self.damage.padded_bytes)
            handle.seek(28)  # the header's page count, else SQLite reads past the end
            handle.write(struct.pack(">I", pages))
            handle.seek(24)  # ... which it trusts when the change counter matches offset 92
            counter = handle.read(4)
            handle.seek(92)
            handle.write(counter)

    def articles(self) -> Iterator[Salvaged]:
        """Every article id any table knows, in id order, with what could be read of it."""
        rows: dict[int, tuple[str, str, str | None]] = {}
        # An archive from before exports (migration 0009) has no origin column.
        origin = "origin" if self._has_column("articles", "origin") else "NULL"
        for id_, sha256, headline, cut_from in self._rows(
            f"SELECT id, sha256, headline, {origin} FROM articles WHERE id BETWEEN ? AND ?",
            self._highest("articles", "id"),
            "articles",
        ):
            rows[id_] = (sha256, headline, cut_from)
        paths: dict[int, list[str]] = {}
        for _id, article_id, path, path_bytes in self._rows(
            "SELECT id, article_id, path, path_bytes FROM article_sources NOT INDEXED "
            "WHERE id BETWEEN ? AND ?",
            self._highest("article_sources", "id"),
            "article_sources",
        ):
            name = os.fsdecode(bytes(path_bytes)) if path_bytes else str(path)
            paths.setdefault(int(article_id), []).append(name)
        self.highest_seen = max([*rows, *paths, 0])
        raw_ids: set[int] = set()
        for id_, data in self._rows(
            "SELECT article_id, data FROM article_raw WHERE article_id BETWEEN ? AND ?",
            max(self._highest("article_raw", "article_id"), self.highest_seen),
            "article_raw",
            per_read=RAW_IDS_PER_READ,
        ):
            raw_ids.add(id_)
            self.highest_seen = max(self.highest_seen, id_)
            yield self._salvaged(id_, bytes(data), rows.pop(id_, None), paths.pop(id_, []))
        for id_ in sorted(set(rows) | (set(paths) - raw_ids)):
            row = rows.get(id_)
            yield Salvaged(
                id_,
                None,
                row[1] if row else None,
                tuple(paths.get(id_, ())),
                "its raw bytes cannot be read" if row else "only a source path of it was read",
            )

    def unreadable_ids(self) -> list[int]:
        """Article ids up to the highest seen that neither the articles nor the raw bytes
        table could answer for (whether an article had them is unknown)."""
        unreadable = self.damage.unreadable
        both = set(unreadable.get("articles", ())) & set(unreadable.get("article_raw", ()))
        return sorted(i for i in both if i <= self.highest_seen)

    def exports(self) -> Iterator[SalvagedExport]:
        """The layouts of the news-database exports that can be read (none in an archive
        from before them); one that cannot is left out, its articles then read alone."""
        if not self._has_column("export_files", "layout"):
            return
        for _rowid, sha256, layout, filler in self._rows(
            "SELECT rowid, sha256, layout, filler FROM export_files WHERE rowid BETWEEN ? AND ?",
            self._highest("export_files", "rowid"),
            "export_files",
        ):
            try:
                entries = json.loads(layout)
            except ValueError:
                continue
            yield SalvagedExport(str(sha256), entries, bytes(filler))

    def _has_column(self, table: str, column: str) -> bool:
        try:
            found = self._db.execute(f"SELECT name FROM pragma_table_info('{table}')").fetchall()
        except sqlite3.DatabaseError:
            return False
        return (column,) in found

    def _salvaged(
        self, id_: int, data: bytes, row: tuple[str, str, str | None] | None, paths: list[str]
    ) -> Salvaged:
        if row is not None and hashlib.sha256(data).hexdigest() != row[0]:
            return Salvaged(id_, None, row[1], tuple(paths), "its raw bytes are damaged")
        if row is None:
            return Salvaged(id_, data, None, tuple(paths))
        return Salvaged(id_, data, row[1], tuple(paths), origin=row[2])

    def _highest(self, table: str, column: str) -> int:
        """The table's highest key, 0 when it cannot be read (a seek down the rightmost
        pages, which a file cut short has lost)."""
        try:
            row = self._db.execute(f"SELECT max({column}) FROM {table}").fetchone()
        except sqlite3.DatabaseError:
            return 0
        return int(row[0]) if row and row[0] is not None else 0

    def _rows(
        self, sql: str, last: int, table: str, *, per_read: int = IDS_PER_READ
    ) -> Iterator[tuple[Any, ...]]:
        """Every readable row with a key from 1 to `last`, `per_read` keys a statement,
        halved on error; and on past `last` while rows are still found within
        KEYS_PAST_THE_LAST (when the highest key could not be read, `last` is too low)."""
        start, seen = 1, 0
        while start <= max(last, seen + KEYS_PAST_THE_LAST):
            for row in self._readable(sql, start, start + per_read - 1, table):
                seen = max(seen, row[0])
                yield row
            start += per_read
        # Keys past the last row found and the highest key told were only probed.
        keys = self.damage.unreadable.get(table, [])
        keys[:] = [key for key in keys if key <= max(last, seen)]

    def _readable(self, sql: str, lo: int, hi: int, table: str) -> Iterator[tuple[Any, ...]]:
        """The rows with keys lo..hi SQLite can read. The rows before an error are kept;
        the rest of the range is halved until the keys that fail are alone, and one key
        is sought alone (a range would step on to the next row, which may be the
        damaged one)."""
        got: list[tuple[Any, ...]] = []
        try:
            if lo == hi:
                got += self._db.execute(sql.replace("BETWEEN ? AND ?", "= ?"), (lo,))
            else:
                for row in self._db.execute(sql, (lo, hi)):
                    got.append(row)
        except sqlite3.DatabaseError:
            # A damaged page may give a row whose key is out of place: those in range only.
            if lo == hi:
                self.damage.note(table, lo)
                return
            got = [row for row in got if isinstance(row[0], int) and lo <= row[0] <= hi]
            yield from got
            rest = got[-1][0] + 1 if got else lo
            if rest >= hi:
                yield from self._readable(sql, hi, hi, table) if rest == hi else ()
                return
            middle = (rest + hi) // 2
            yield from self._readable(sql, rest, middle, table)
            yield from self._readable(sql, middle + 1, hi, table)
            return
        yield from (row for row in got if isinstance(row[0], int) and lo <= row[0] <= hi)


def _page_size(header: bytes) -> int | None:
    if len(header) < HEADER_BYTES:
        return None
    (value,) = struct.unpack(">H", header[16:18])
    size = 65536 if value == 1 else value
    return size if size in PAGE_SIZES else None


def _guess_page_size(handle: Any, size: int) -> int:
    """The page size at which page 1 holds the table list and page 2 starts a B-tree."""
    for candidate in PAGE_SIZES:
        if size < 2 * candidate:
            continue
        handle.seek(HEADER_BYTES)
        first = handle.read(1)
        handle.seek(candidate)
        second = handle.read(1)
        if first and second and first[0] in BTREE_PAGE_KINDS and second[0] in BTREE_PAGE_KINDS:
            return candidate
    return PAGE_SIZES[0]


def _header(page_size: int, *, pages: int) -> bytes:
    """An SQLite file header for a database of `pages` pages (rollback journal, UTF-8): see
    https://www.sqlite.org/fileformat.html, "The Database Header"."""
    return (
        MAGIC
        + struct.pack(">H", 1 if page_size == 65536 else page_size)
        + bytes([1, 1, 0, 64, 32, 32])  # versions (no WAL), reserved, payload fractions
        + struct.pack(">IIIIIIIIIIII", 1, pages, 0, 0, 1, 4, 0, 0, 1, 0, 0, 0)
        + bytes(20)
        + struct.pack(">II", 1, 3040001)
    )


def looks_like_an_archive(path: str) -> bool:
    """Whether the file's first pages hold newsarchive's tables: a file SQLite calls "not
    a database" is a damaged archive of ours when they do (its header cut short or
    overwritten leaves the table list on page 1 as it was)."""
    try:
        with open(path, "rb") as handle:
            start = handle.read(4 * max(PAGE_SIZES))
    except OSError:
        return False
    return b"CREATE TABLE articles" in start and b"article_raw" in start
