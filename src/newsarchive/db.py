"""Where the archive's rows live: the engine, its SQLite settings, and the ORM row classes.

The schema here is the model alembic compares against; alembic alone creates and changes it.
Everything dialect-specific about connecting (pragmas, transaction start) stays in this file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import URL
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints, so that alembic's batch mode can alter SQLite tables later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# Bytes per database page of a new archive (SQLite's default is 4096).
PAGE_SIZE = 16384
# Page cache per connection, and how much WAL gathers before it is copied into the archive.
CACHE_BYTES = WAL_CHECKPOINT_BYTES = 64 * 1024 * 1024
# A writer waits this long for another writer before giving up.
BUSY_TIMEOUT_SECONDS = 60


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ArticleRow(Base):
    """One distinct article: identified by the SHA-256 of its original bytes."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    headline: Mapped[str] = mapped_column(Text)
    dek: Mapped[str | None] = mapped_column(Text)
    byline: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    dateline: Mapped[str | None] = mapped_column(Text)
    # Every metadata line verbatim, a JSON list of {"kind": ..., "text": ...} in file order.
    meta: Mapped[list[dict[str, str]]] = mapped_column(JSON, server_default="[]")
    # Which parser read the row (parser.PARSER_VERSION); `reparse` updates older rows.
    parser_version: Mapped[int] = mapped_column(Integer, server_default="1")
    published: Mapped[dt.date | None] = mapped_column(Date)
    date_source: Mapped[str | None] = mapped_column(String(16))
    date_confidence: Mapped[float | None] = mapped_column(Float)
    # The text span(s) the date was read or reasoned from, a JSON list; [] when undated.
    date_evidence: Mapped[list[str]] = mapped_column(JSON)
    # The body's text: one line per paragraph or subheading, in order (what search indexes).
    body: Mapped[str] = mapped_column(Text)
    # The body's structure, a JSON list in reading order: {"kind": "paragraph"} and
    # {"kind": "subheading"} take the next line of `body`; READ MORE entries carry their own
    # text, label and url (another article's title is not this article's text), and
    # boilerplate entries their own text (page furniture is not searched).
    blocks: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    word_count: Mapped[int] = mapped_column(Integer)
    encoding: Mapped[str] = mapped_column(String(32))
    byte_size: Mapped[int] = mapped_column(Integer)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        # `list` pages newest first; undated articles sort last by id.
        Index("ix_articles_published_id", "published", "id"),
    )


class ArticleRawRow(Base):
    """The file's original bytes, kept apart so that listing never drags them through memory."""

    __tablename__ = "article_raw"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ArticleSourceRow(Base):
    """A path an article was read from; byte-identical files share one article."""

    __tablename__ = "article_sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("article_id", "path"),)


def make_engine(url: URL) -> Engine:
    """An engine for the archive at `url`, with SQLite set up for safe concurrent use."""
    if url.get_backend_name() != "sqlite":
        return create_engine(url)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _on_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        # With WAL (see use_wal), NORMAL is durable against crashes of the process; a power
        # cut may lose the last commit, never corrupt the file.
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


def use_wal(engine: Engine) -> None:
    """Put an SQLite archive in WAL mode (it stays so): readers never block the writer.

    Done once the file is known to be ours, never on connect, so that opening somebody
    else's database to refuse it leaves it exactly as it was.
    """
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()  # outside any transaction: the mode cannot change inside one
    try:
        cursor = raw.cursor()
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
    finally:
        raw.close()


def _sqlite_on_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front, so two writers queue on the busy timeout
    # instead of one failing with "database is locked" when it upgrades a read lock.
    if connection.get_execution_options().get("writes"):
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # may time out: SQLAlchemy wraps that
    else:
        # Takes no lock, so it cannot fail; on the driver, as SQLAlchemy's statement path
        # would double the cost of a short read.
        connection.connection.driver_connection.execute("BEGIN DEFERRED")
