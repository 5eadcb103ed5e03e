"""Connections to an SQLite archive: the settings each gets as it opens (foreign keys, busy
timeout, page size and cache, the search index's functions), transactions begun as they
need (a writer takes the lock up front), and an archive the user may not write opened
read-only, leaving nothing behind.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event

from newsarchive.storage.backends import json_loads
from newsarchive.storage.backends.sqlite_searchtext import register_functions

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.engine import URL

# Bytes per database page of a new archive (SQLite's default is 4096).
PAGE_SIZE = 16384
# Page cache per connection, and how much WAL gathers before it is copied into the archive.
CACHE_BYTES = WAL_CHECKPOINT_BYTES = 64 * 1024 * 1024
# The page cache of a lean read (see SQLite.for_reading).
LEAN_CACHE_BYTES = 8 * 1024 * 1024
# A writer waits this long for another writer before giving up.
BUSY_TIMEOUT_SECONDS = 60


def engine_for(url: URL, read_only_path: str | None) -> Engine:
    """A SQLAlchemy engine on the archive at `url`, opened read-only at `read_only_path`
    when the user may not write it (see open_read_only)."""
    if read_only_path is None:
        engine = create_engine(
            url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS}, json_deserializer=json_loads
        )
    else:
        path = read_only_path
        engine = create_engine(
            url, creator=lambda: open_read_only(path), json_deserializer=json_loads
        )
        event.listen(engine, "connect", _remember_the_file(path))
        event.listen(engine, "checkout", _reopen_when_changed(path))
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _on_begin).
    dbapi_connection.isolation_level = None
    register_functions(dbapi_connection)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        # With WAL (see SQLite.prepare_for_writing), NORMAL is durable against crashes of the
        # process; a power cut may lose the last commit, never corrupt the file.
        cursor.execute("PRAGMA synchronous=NORMAL")
        # For a new archive only (an existing file keeps its page size; nothing is written):
        # an article's row fits one 16 KiB page where 4 KiB pages chain overflow pages, and
        # bulk ingest writes a quarter as many pages (100,000 articles, main process CPU,
        # medians of 3: 30.8 s -> 27.7 s).
        cursor.execute(f"PRAGMA page_size={PAGE_SIZE}")
        page_size = cursor.execute("PRAGMA page_size").fetchone()[0]
        # Bulk ingest rewrites the same index pages (FTS5 segments, B-tree leaves) batch after
        # batch: a 64 MiB page cache and checkpoints every 64 MiB of WAL, not every 4 MiB,
        # let those rewrites happen in memory (100,000 articles: 36 s -> 28 s).
        cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_BYTES // page_size}")
        cursor.execute(f"PRAGMA cache_size=-{CACHE_BYTES // 1024}")
    finally:
        cursor.close()


def _on_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front, so two writers queue on the busy timeout
    # instead of one failing with "database is locked" when it upgrades a read lock.
    if connection.get_execution_options().get("writes"):
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # may time out: SQLAlchemy wraps that
    else:
        # Takes no lock, so it cannot fail; on the driver, as SQLAlchemy's statement path
        # would double the cost of a short read.
        connection.connection.driver_connection.execute("BEGIN DEFERRED")
    _cache_as_asked(connection)


def _cache_as_asked(connection: Any) -> None:
    """The connection's page cache as its transaction asks (a lean read's is small), set
    only when it changes: a connection serves reads and writes in turn."""
    want = connection.get_execution_options().get("cache_bytes", CACHE_BYTES)
    info = connection.connection.info
    if info.get("cache_bytes", CACHE_BYTES) != want:
        driver = connection.connection.driver_connection
        driver.execute(f"PRAGMA cache_size=-{want // 1024}")
        info["cache_bytes"] = want


def open_read_only(path: str) -> Any:
    """A connection to an archive the user may not write. With no -wal file beside it (no
    writer at work, the last one having folded its log back in) it is opened immutable:
    SQLite takes no locks and makes no files, so a reader leaves nothing behind, even on
    read-only media. With a -wal file, it is read through the writer's log and shared
    memory (mode=ro), as any reader would."""
    import sqlite3
    from urllib.parse import quote

    immutable = "" if os.path.exists(path + "-wal") else "&immutable=1"
    uri = f"file:{quote(path)}?mode=ro{immutable}"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)


def _file_state(path: str) -> tuple[int, int, int, bool]:
    found = os.stat(path)
    return (found.st_ino, found.st_size, found.st_mtime_ns, os.path.exists(path + "-wal"))


def _remember_the_file(path: str) -> Any:
    def remember(_dbapi_connection: Any, record: Any) -> None:
        record.info["file"] = _file_state(path)

    return remember


def _reopen_when_changed(path: str) -> Any:
    """An immutable connection must not outlive a change to the file (an owner who may
    write it, writing): a connection taken from the pool after one is replaced by a new
    one, opened as the file now is (see open_read_only)."""
    from sqlalchemy.exc import DisconnectionError

    def check(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if record.info.get("file") != _file_state(path):
            raise DisconnectionError("the archive changed since this connection opened it")

    return check
