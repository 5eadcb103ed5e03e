"""Archives in one SQLite file: the Backend, what it asks of SQLite directly (integrity and
damage checks, size, errors), and where the rest is: connections (sqlite_connect), bulk
writes (sqlite_writes, imported by a write: reads do without it), the FTS5 index
(sqlite_fts5) and what it is given (sqlite_searchtext).

Settings are chosen for one writer at a time and many readers (WAL, a busy timeout, writers
taking the lock up front). Bulk writes and search run on the driver with bound parameters:
SQLAlchemy's per-statement work costs more than a rare word's FTS5 query (about 0.2 ms).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table

from newsarchive.model.errors import Trouble
from newsarchive.model.records import EngineFacts
from newsarchive.storage.backends import NewArticle
from newsarchive.storage.backends.sqlite_connect import LEAN_CACHE_BYTES, engine_for
from newsarchive.storage.backends.sqlite_fts5 import FTS5Index
from newsarchive.storage.backends.sqlite_searchtext import made_for_index
from newsarchive.storage.schema import SOURCE_KEY, article_sources

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.engine import URL

    from newsarchive.model.rows import MakeIndexTexts
    from newsarchive.storage.backends.salvage import DamagedFile

# The most a write command spends on SQLite's quick_check before its first write (see
# SQLite.damage).
DAMAGE_CHECK_SECONDS = 1.0


class SQLite:
    name = "sqlite"

    def __init__(self) -> None:
        self.index = FTS5Index()
        self.read_only = False
        self.index_texts: MakeIndexTexts | None = made_for_index

    def connect(self, url: URL) -> Engine:
        return engine_for(url, self._read_only_path(url))

    def in_memory(self, url: URL) -> bool:
        return (url.database or "") in ("", ":memory:")

    def for_reading(self, engine: Engine, *, snapshot: bool = False, lean: bool = False) -> Engine:
        # A read's BEGIN DEFERRED costs nothing (see sqlite_connect), and in WAL mode the
        # transaction sees one snapshot from its first read: a snapshot either way. Lean:
        # a walk's pages are read once, and a huge article's filled the usual cache
        # (verify of a 50 MB article held 64 MB of them, more than its ingest).
        return engine.execution_options(cache_bytes=LEAN_CACHE_BYTES) if lean else engine

    def _read_only_path(self, url: URL) -> str | None:
        """The archive file's path when the user may not write it, or its folder (WAL
        needs its -shm file there): it is then opened read-only (sqlite_connect.open_read_only)."""
        name = url.database or ""
        if name in ("", ":memory:") or name.startswith("file:") or not os.path.isfile(name):
            return None
        folder = os.path.dirname(os.path.abspath(name))
        if os.access(name, os.W_OK) and os.access(folder, os.W_OK):
            return None
        self.read_only = self.index.read_only = True
        return os.path.abspath(name)

    def prepare_for_writing(self, engine: Engine) -> None:
        """Put the archive in WAL mode (it stays so): readers never block the writer.

        Done once the file is known to be ours, never on connect, so that opening somebody
        else's database to refuse it leaves it exactly as it was.
        """
        raw = engine.raw_connection()  # outside any transaction: the mode cannot change in one
        try:
            cursor = raw.cursor()
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()
        finally:
            raw.close()

    def insert_articles(
        self, connection: Connection, items: Sequence[NewArticle], now: dt.datetime
    ) -> dict[str, int]:
        from newsarchive.storage.backends.sqlite_writes import insert_articles

        return insert_articles(connection, self.index, items, now)

    def insert_sources(self, connection: Connection, rows: Sequence[dict[str, Any]]) -> int:
        from newsarchive.storage.backends.sqlite_writes import insert

        return insert(
            connection,
            article_sources,
            rows,
            unique=SOURCE_KEY,
        )

    def insert_rows(
        self, connection: Connection, table: Table, rows: Sequence[tuple[Any, ...]]
    ) -> None:
        from newsarchive.storage.backends.sqlite_writes import insert_tuples

        if rows:  # plain integers and strings, bound as they are
            insert_tuples(connection, table, [column.name for column in table.columns], rows)

    def band_holders(
        self, connection: Connection, keys: Sequence[int], head: int, excluding: Sequence[int]
    ) -> list[tuple[int, int]]:
        found: list[tuple[int, int]] = []
        skip = json.dumps(list(excluding))  # one parameter, however many
        for start in range(0, len(keys), _KEYS_PER_STATEMENT):
            chunk = keys[start : start + _KEYS_PER_STATEMENT]
            sql = (
                "SELECT band, article_id FROM (SELECT band, article_id, row_number() OVER "
                "(PARTITION BY band ORDER BY article_id) AS rank FROM article_bands "
                f"WHERE band IN ({', '.join('?' * len(chunk))}) "
                "AND article_id NOT IN (SELECT value FROM json_each(?))) WHERE rank <= ?"
            )
            found += connection.exec_driver_sql(sql, (*chunk, skip, head)).all()
        return found

    def ids_taken(self, connection: Connection) -> None:
        pass  # ids are given by insert_articles, and SQLite's rowids follow max(rowid)

    def interrupt(self, driver_connection: Any) -> None:
        driver_connection.interrupt()  # sqlite3: safe from any thread

    def checks_not_run(self) -> list[str]:
        if not self.read_only:
            return []
        return ["the search index's own consistency (FTS5's check writes to the archive)"]

    def integrity_problems(self, connection: Connection) -> list[str]:
        execute = connection.exec_driver_sql
        problems = [
            f"SQLite integrity check: {row[0]}"
            for row in execute("PRAGMA integrity_check")
            if row[0] != "ok"
        ]
        problems += [
            f"row {row[1]} of {row[0]} points at a missing {row[2]} row"
            for row in execute("PRAGMA foreign_key_check")
        ]
        return problems

    def size_on_disk(self, connection: Connection) -> int:
        # The main database's file and its write-ahead log: both take disk space. (An
        # in-memory database has no file: its pages are counted instead.)
        name = next(
            (
                row[2]
                for row in connection.exec_driver_sql("PRAGMA database_list")
                if row[1] == "main"
            ),
            "",
        )
        if not name:
            execute = connection.exec_driver_sql
            return int(execute("PRAGMA page_count").scalar() or 0) * int(
                execute("PRAGMA page_size").scalar() or 0
            )
        size = 0
        for part in (name, name + "-wal"):
            with suppress(FileNotFoundError):  # the last to close removes the log
                size += os.path.getsize(part)
        return size

    def facts(self, connection: Connection) -> EngineFacts:
        execute = connection.exec_driver_sql
        return EngineFacts(
            journal_mode=str(execute("PRAGMA journal_mode").scalar()),
            page_size=int(execute("PRAGMA page_size").scalar() or 0),
        )

    def damage(self, connection: Connection) -> str | None:
        # SQLite's quick_check reads every page of every table and index (not the indexes'
        # entries against their rows, as integrity_check does): 0.2 s for a 348 MB archive
        # of 30,000 articles in the page cache, so about 1 s for 1.7 GB. Past DAMAGE_CHECK
        # seconds it is stopped with no verdict, and the write relies on what SQLite checks
        # of each page it reads anyway (a damaged page on its way is an error, and the
        # write is rolled back).
        import sqlite3
        import threading

        driver = connection.connection.driver_connection
        assert driver is not None
        stop = threading.Timer(DAMAGE_CHECK_SECONDS, driver.interrupt)
        stop.start()
        try:
            found = [row[0] for row in driver.execute("PRAGMA quick_check(3)")]
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                return None
            raise
        except sqlite3.DatabaseError as exc:
            return " ".join(str(exc).split())
        finally:
            stop.cancel()
        if found == ["ok"]:
            return None
        said = (line.replace("*** in database main ***", "") for line in found)
        return "; ".join(" ".join(line.split()) for line in said)

    def looks_like_an_archive(self, url: URL) -> bool:
        from newsarchive.storage.backends.salvage import looks_like_an_archive

        name = url.database or ""
        return name not in ("", ":memory:") and looks_like_an_archive(name)

    def salvage(self, url: URL, folder: Path) -> DamagedFile:
        from newsarchive.storage.backends.salvage import DamagedFile

        return DamagedFile(Path(url.database or ""), folder)

    def trouble(self, error: BaseException) -> Trouble:
        import sqlite3

        orig = getattr(error, "orig", error)
        if not isinstance(orig, sqlite3.Error):  # only the driver's words are matched
            return Trouble.OTHER
        message = str(orig).lower()
        for words, trouble in _TROUBLES:
            if any(word in message for word in words):
                return trouble
        return Trouble.OTHER


# SQLite's messages (sqlite3 gives no error codes before Python 3.11's sqlite_errorcode,
# and not for every error), matched in this one place.
_TROUBLES = (
    (("readonly", "read-only"), Trouble.READ_ONLY),
    (("locked", "busy"), Trouble.LOCKED),
    (("full",), Trouble.FULL),
    (("i/o", "disk i/o"), Trouble.IO),
    (("malformed",), Trouble.DAMAGED),  # SQLITE_CORRUPT: "database disk image is malformed"
    (("not a database",), Trouble.NOT_A_DATABASE),
    (("unable to open",), Trouble.CANNOT_OPEN),
)
# Bound parameters per statement stay under SQLite's limit (32,766 since 3.32).
_KEYS_PER_STATEMENT = 10_000
