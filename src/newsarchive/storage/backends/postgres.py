"""Archives on a PostgreSQL server, through psycopg 3: connections, bulk writes (COPY), errors;
the tsvector search index is postgres_search's.

Errors are told apart by their SQLSTATE, never by their wording.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, text

from newsarchive.model.errors import ArchiveError, Trouble
from newsarchive.model.records import EngineFacts
from newsarchive.model.rows import ROW_COLUMNS
from newsarchive.storage.backends import NewArticle, json_loads
from newsarchive.storage.backends.postgres_search import TsvectorIndex
from newsarchive.storage.ids import last_given
from newsarchive.storage.schema import SOURCE_KEY

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy import Connection, Engine, Table
    from sqlalchemy.engine import URL

    from newsarchive.model.rows import MakeIndexTexts
    from newsarchive.storage.backends.salvage import DamagedFile

# Rows per INSERT statement in bulk writes (psycopg's limit is 65,535 parameters).
_ROWS_PER_STATEMENT = 500


class PostgreSQL:
    name = "postgresql"
    read_only = False  # a user without write grants hears the server's refusal

    def __init__(self) -> None:
        self.index = TsvectorIndex()
        self.index_texts: MakeIndexTexts | None = None  # the server makes them

    def connect(self, url: URL) -> Engine:
        if url.drivername == "postgresql":  # SQLAlchemy's default driver is psycopg2
            url = url.set(drivername="postgresql+psycopg")
        # A server that does not answer is an error within seconds, not minutes.
        engine = create_engine(
            url,
            connect_args={"connect_timeout": 10, "application_name": "newsarchive"},
            insertmanyvalues_page_size=_ROWS_PER_STATEMENT,
            json_deserializer=json_loads,
        )
        event.listen(engine, "begin", _on_begin)
        return engine

    def in_memory(self, url: URL) -> bool:
        return False  # a server keeps what it is given

    def for_reading(self, engine: Engine, *, snapshot: bool = False, lean: bool = False) -> Engine:
        # Reads without BEGIN and COMMIT: two round trips saved on every command (0.3 ms
        # and more on a busy server, a third of a rare word's search). Each statement sees
        # the archive as committed when it starts; a reading command's few statements may
        # thus see a batch committed between them, never half of one. A snapshot is one
        # read-only REPEATABLE READ transaction instead.
        if snapshot:
            return engine.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        return engine.execution_options(isolation_level="AUTOCOMMIT")

    def prepare_for_writing(self, engine: Engine) -> None:
        pass  # nothing to set once: the server owns its journal

    def insert_articles(
        self, connection: Connection, items: Sequence[NewArticle], now: dt.datetime
    ) -> dict[str, int]:
        # Straight into the table by COPY, with ids given here in file order: the write
        # lock (_on_begin) is held, so no other writer can add a hash or an id meanwhile,
        # and the hashes already stored are known for sure. The server builds each row's
        # search document as it arrives. (A scratch table and INSERT ... SELECT ON CONFLICT
        # cost the server a second pass over every row: 0.79x the bare COPY floor.)
        driver = _driver(connection)
        with _wrapped("COPY articles"), driver.cursor() as cursor:
            cursor.execute(
                "SELECT sha256 FROM articles WHERE sha256 = ANY(%s)",
                ([item.sha256 for item in items],),
            )
            stored = {sha for (sha,) in cursor.fetchall()}
            last = last_given(connection)
            fresh = [item for item in items if item.sha256 not in stored]
            inserted = {item.sha256: last + n for n, item in enumerate(fresh, 1)}
            # A new article is its own cluster until versions.py joins it to another.
            with cursor.copy(
                f"COPY articles (id, cluster_id, family_id, {_COPIED}) FROM STDIN"
            ) as copy:
                for item in fresh:
                    id_ = inserted[item.sha256]
                    copy.write_row((id_, id_, id_, item.sha256, now, *item.row))
            with cursor.copy("COPY article_raw (article_id, data) FROM STDIN") as copy:
                for item in fresh:
                    copy.write_row((inserted[item.sha256], item.raw))
            if fresh:  # the id sequence, for whoever inserts without an id
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('articles', 'id'), %s)",
                    (last + len(fresh),),
                )
        return inserted

    def insert_rows(
        self, connection: Connection, table: Table, rows: Sequence[tuple[Any, ...]]
    ) -> None:
        if not rows:
            return
        columns = [column.name for column in table.columns]
        with (
            _wrapped(f"COPY {table.name}"),
            _driver(connection).cursor() as cursor,
            cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def band_holders(
        self, connection: Connection, keys: Sequence[int], head: int, excluding: Sequence[int]
    ) -> list[tuple[int, int]]:
        if not keys:
            return []
        with _driver(connection).cursor() as cursor:  # one statement: arrays of keys and ids
            # The ids left out as a hashed anti-join: `NOT article_id = ANY(ids)` compared
            # each row with every id (a batch of 4,000: 0.95 s of the server's CPU, 0.22 s).
            cursor.execute(
                "SELECT band, article_id FROM (SELECT band, article_id, row_number() OVER "
                "(PARTITION BY band ORDER BY article_id) AS rank FROM article_bands b "
                "WHERE band = ANY(%s) AND NOT EXISTS (SELECT 1 FROM unnest(%s::bigint[]) "
                "AS x(id) WHERE x.id = b.article_id)) AS ranked WHERE rank <= %s",
                (list(keys), list(excluding), head),
            )
            return [(band, article_id) for band, article_id in cursor.fetchall()]

    def insert_sources(self, connection: Connection, rows: Sequence[dict[str, Any]]) -> int:
        # As insert_articles: the paths and places already recorded are looked up under the
        # write lock, the rest COPYd straight in.
        driver = _driver(connection)
        with _wrapped("COPY article_sources"), driver.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(SOURCE_KEY)} FROM article_sources WHERE article_id = ANY(%s)",
                (list({row["article_id"] for row in rows}),),
            )
            recorded = {(a, path, bytes(exact), at) for a, path, exact, at in cursor.fetchall()}
            fresh = [row for row in rows if tuple(row[c] for c in SOURCE_KEY) not in recorded]
            columns = ("article_id", "path", "path_bytes", "first_seen", "place", "places")
            with cursor.copy(f"COPY article_sources ({', '.join(columns)}) FROM STDIN") as copy:
                for row in fresh:
                    copy.write_row(tuple(row.get(c) for c in columns))
        return len(fresh)

    def ids_taken(self, connection: Connection) -> None:
        for table in ("articles", "article_sources"):
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )
            )

    def interrupt(self, driver_connection: Any) -> None:
        driver_connection.cancel()  # psycopg: asks the server to cancel the statement

    def integrity_problems(self, connection: Connection) -> list[str]:
        return []  # the server keeps its own pages whole; verify checks the rows

    def checks_not_run(self) -> list[str]:
        return []

    def size_on_disk(self, connection: Connection) -> int:
        # The archive's tables in its schema, each with its indexes and TOAST: not
        # pg_database_size, whose system catalogs (some 7 MiB) would swamp a small archive.
        size = connection.execute(
            text(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
            )
        ).scalar()
        return int(size or 0)

    def facts(self, connection: Connection) -> EngineFacts:
        version = connection.execute(text("SELECT current_setting('server_version')")).scalar()
        return EngineFacts(server_version=str(version))

    def damage(self, connection: Connection) -> str | None:
        return None  # the server checks its own pages as it reads them

    def looks_like_an_archive(self, url: URL) -> bool:
        return False  # a server that answers opens any database; it is never cut short

    def salvage(self, url: URL, folder: Path) -> DamagedFile:
        raise ArchiveError(
            "db recover reads damaged SQLite files; a PostgreSQL database is restored from "
            "its server's backups (pg_dump, pg_basebackup)"
        )

    def trouble(self, error: BaseException) -> Trouble:
        orig = getattr(error, "orig", error)
        state = getattr(orig, "sqlstate", None) or ""
        if state in _TROUBLES:
            return _TROUBLES[state]
        for prefix, trouble in _TROUBLE_CLASSES.items():
            if state.startswith(prefix):
                return trouble
        if not state:  # refused while connecting: psycopg gives the server's words only
            message = str(orig)
            for words, trouble in _CONNECT_TROUBLES:
                if words in message:
                    return trouble
        return Trouble.OTHER


_TROUBLES = {
    "25006": Trouble.READ_ONLY,  # read_only_sql_transaction
    "42501": Trouble.NO_PRIVILEGE,  # insufficient_privilege
    "53100": Trouble.FULL,  # disk_full
    "58030": Trouble.IO,  # io_error
    "55P03": Trouble.LOCKED,  # lock_not_available
    "40P01": Trouble.LOCKED,  # deadlock_detected
    "57P01": Trouble.CONNECTION_LOST,  # admin_shutdown (pg_terminate_backend)
    "57P02": Trouble.CONNECTION_LOST,  # crash_shutdown
    "57P03": Trouble.UNREACHABLE,  # cannot_connect_now
    "3D000": Trouble.NO_DATABASE,  # invalid_catalog_name
    "28P01": Trouble.AUTH,  # invalid_password
    "28000": Trouble.AUTH,  # invalid_authorization_specification
}
# A refused connection has no SQLSTATE in psycopg; the server's FATAL message tells.
_CONNECT_TROUBLES = (
    ("password authentication failed", Trouble.AUTH),
    ("no password supplied", Trouble.AUTH),
    ('role "', Trouble.AUTH),  # role "x" does not exist
    ('database "', Trouble.NO_DATABASE),  # database "x" does not exist
    ("connection", Trouble.UNREACHABLE),
)
_TROUBLE_CLASSES = {"08": Trouble.CONNECTION_LOST, "53": Trouble.FULL, "58": Trouble.IO}


# The columns bulk ingest COPYs, in this order: the hash, the ingest time, then every
# column parsing gives, as stored (rows.StoredRow): the JSON columns are their text, which
# COPY hands the server as it is, and the date ISO text.
_COPIED = ", ".join(("sha256", "ingested_at", *ROW_COLUMNS))


def _driver(connection: Connection) -> Any:
    """The psycopg connection under SQLAlchemy's, in the same transaction."""
    return connection.connection.driver_connection


@contextmanager
def _wrapped(statement: str) -> Iterator[None]:
    """psycopg's errors from COPY and friends as SQLAlchemy's, as every other statement's
    are, so the archive tells them apart in one place (Archive._classified)."""
    import psycopg
    from sqlalchemy.exc import DBAPIError

    try:
        yield
    except psycopg.Error as exc:
        raise DBAPIError.instance(statement, None, exc, psycopg.Error) from exc


# The key of the advisory lock every write transaction takes (any constant: "newsarchive").
WRITE_LOCK_KEY = 0x6E657773


def _on_begin(connection: Any) -> None:
    # One writer at a time, as on SQLite: write transactions are short (parsing happens
    # outside them), and taking turns means two ingesters never wait on each other's
    # uncommitted rows (which could deadlock), and ids follow each batch's file order.
    if connection.get_execution_options().get("writes"):
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
