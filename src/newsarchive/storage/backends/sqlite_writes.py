"""Bulk writes to an SQLite archive: a batch of articles with ids given here, inserted by one
executemany on the driver (values as SQLAlchemy's column types bind them, without its
per-row work) and indexed in one statement; a huge article written through a small page
cache; derived rows and source paths the same way.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table

from newsarchive.model.rows import ROW_COLUMNS
from newsarchive.storage.backends.sqlite_connect import CACHE_BYTES
from newsarchive.storage.backends.sqlite_searchtext import STORED_SEARCHED
from newsarchive.storage.ids import last_given
from newsarchive.storage.schema import article_raw, articles

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from newsarchive.storage.backends import NewArticle
    from newsarchive.storage.backends.sqlite_fts5 import FTS5Index

# An article past this many bytes is written through a page cache of HUGE_WRITE_CACHE_BYTES
# (see _small_cache_for).
HUGE_ARTICLE_BYTES = 4 * 1024 * 1024
HUGE_WRITE_CACHE_BYTES = 8 * 1024 * 1024


def insert_articles(
    connection: Connection, index: FTS5Index, items: Sequence[NewArticle], now: dt.datetime
) -> dict[str, int]:
    """Backend.insert_articles on SQLite, its search index `index` written in bulk."""
    # Ids are given here (the caller holds the write lock), so the usual case needs no
    # look-up after the insert; only to hashes not stored yet, so that what one run
    # stores has contiguous ids (a file whose copy an earlier batch stored used to
    # take an id its skipped insert never used).
    stored = {
        sha
        for (sha,) in connection.exec_driver_sql(
            "SELECT sha256 FROM articles WHERE sha256 IN (SELECT value FROM json_each(?))",
            (json.dumps([item.sha256 for item in items]),),
        )
    }
    fresh = [item for item in items if item.sha256 not in stored]
    last = last_given(connection)
    # The rows as stored already (rows.StoredRow): only the time is converted, once,
    # as SQLAlchemy's type for the column does.
    stamp = _bind_processor(connection, articles.c.ingested_at)(now)
    rows = [
        # A new article is its own cluster until versions.py joins it to another. Its
        # body is bound as UTF-8 bytes and cast back to text by SQLite (the same stored
        # value): a str bound as itself keeps its UTF-8 form cached inside it as long as
        # it lives, for a huge article's body (issue 22) as much memory again as its text.
        (
            last + n,
            last + n,
            last + n,
            item.sha256,
            stamp,
            *item.row[:_BODY],
            item.row[_BODY].encode("utf-8"),
            *item.row[_BODY + 1 :],
        )
        for n, item in enumerate(fresh, 1)
    ]
    keys = {item.sha256: last + n for n, item in enumerate(fresh, 1)}
    huge = _holds_huge(items)
    if huge:  # the rows hold the body's UTF-8 now: its str goes (see NewArticle)
        for item in fresh:
            item.row[_BODY], item.row[_BLOCKS] = "", "[]"
    # What the index is given, when the workers made it all (made_for_index): each
    # column's made text, else the column as the row binds it.
    given = (
        None
        if huge or any(item.search is None for item in fresh)
        else [
            (
                row[0],
                *(
                    row[at] if made is None else made
                    for made, at in zip(item.search[:-1], _SEARCHED_AT, strict=True)
                ),
                item.search[-1],  # the file's other words (None: none)
            )
            for row, item in zip(rows, fresh, strict=True)
            if item.search is not None
        ]
    )
    with _search_index_paused(connection), _small_cache_for(connection, items):
        added = _insert_articles(connection, rows)
        del rows
        if given is not None and added == len(given):
            index.index_given(connection, given)
        else:  # through the view (and a huge body as it is, if it may be)
            del given
            huge_ids = [keys[i.sha256] for i in fresh if len(i.raw) > HUGE_ARTICLE_BYTES]
            as_they_are = index.index_as_they_are(connection, huge_ids)
            index.index_new(connection, after=last, skip=as_they_are)
    if added == len(keys):
        inserted = keys
    else:  # another writer stored some of them first
        found = connection.exec_driver_sql("SELECT sha256, id FROM articles WHERE id > ?", (last,))
        inserted = {sha: id_ for sha, id_ in found}
    raws = [
        {"article_id": inserted[item.sha256], "data": item.raw}
        for item in items
        if item.sha256 in inserted
    ]
    with _small_cache_for(connection, items):
        insert(connection, article_raw, raws)
    return inserted


def insert(
    connection: Connection,
    table: Any,
    rows: Sequence[dict[str, Any]],
    *,
    unique: tuple[str, ...] = (),
) -> int:
    """Insert `rows` in one executemany; rows clashing on `unique` are skipped. Returns
    how many were inserted.

    Values go through SQLAlchemy's own column types (their bind processors), so they read
    back exactly as rows inserted through SQLAlchemy do, without its per-row work.
    """
    assert isinstance(table, Table)
    if not rows:
        return 0
    dialect = connection.dialect
    names = list(rows[0])
    converters = [
        (i, convert)
        for i, name in enumerate(names)
        if (convert := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
    ]

    def values(row: dict[str, Any]) -> tuple[Any, ...]:
        out = [row[name] for name in names]
        for i, convert in converters:
            out[i] = convert(out[i])
        return tuple(out)

    if converters:
        tuples = [values(row) for row in rows]
    else:  # plain integers and strings (band keys, names): picked in C
        pick = operator.itemgetter(*names)
        tuples = [pick(row) for row in rows] if len(names) > 1 else [(pick(r),) for r in rows]

    return insert_tuples(connection, table, names, tuples, unique=unique)


def insert_tuples(
    connection: Connection,
    table: Table,
    names: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    unique: tuple[str, ...] = (),
) -> int:
    """Insert rows already bound as the driver takes them (values of the columns `names`,
    in that order) in one executemany; rows clashing on `unique` are skipped. Returns how
    many were inserted."""
    quote = connection.dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, names))}) "
        f"VALUES ({', '.join('?' * len(names))})"
    )
    if unique:
        sql += f" ON CONFLICT ({', '.join(map(quote, unique))}) DO NOTHING"
    return int(connection.exec_driver_sql(sql, rows).rowcount)


def _insert_articles(connection: Connection, rows: Sequence[tuple[Any, ...]]) -> int:
    """Insert articles rows made as stored (insert_articles); those whose hash is stored
    already are skipped. Returns how many were inserted."""
    if not rows:
        return 0
    return int(connection.exec_driver_sql(_INSERT_ARTICLES, rows).rowcount)


def _bind_processor(connection: Connection, column: Any) -> Any:
    """What SQLAlchemy does to a value of this column before the driver gets it."""
    dialect = connection.dialect
    convert = column.type.dialect_impl(dialect).bind_processor(dialect)
    return convert or (lambda value: value)


def _holds_huge(items: Sequence[NewArticle]) -> bool:
    return max((len(item.raw) for item in items), default=0) > HUGE_ARTICLE_BYTES


@contextmanager
def _small_cache_for(connection: Connection, items: Sequence[NewArticle]) -> Iterator[None]:
    """A batch holding a huge article is written through a small page cache: its pages are
    written once and not read again, and in the usual cache (CACHE_BYTES) they stayed as
    memory the run held, a 16 MB article's 32 MB of pages beside everything else
    (issue 22). Past the small cache, SQLite spills them to the write-ahead log."""
    if not _holds_huge(items):
        yield
        return
    execute = connection.exec_driver_sql
    execute(f"PRAGMA cache_size=-{HUGE_WRITE_CACHE_BYTES // 1024}")
    try:
        yield
    finally:
        execute(f"PRAGMA cache_size=-{CACHE_BYTES // 1024}")


@contextmanager
def _search_index_paused(connection: Connection) -> Iterator[None]:
    """The search index's insert trigger stands aside while article_search_paused has a row
    (see migration 0002), so a batch is indexed in one statement (FTS5Index.index_new);
    all in the caller's transaction, so the index and the articles never part."""
    connection.exec_driver_sql("INSERT INTO article_search_paused (paused) VALUES (1)")
    yield
    connection.exec_driver_sql("DELETE FROM article_search_paused")


_ARTICLE_COLUMNS = ("id", "cluster_id", "family_id", "sha256", "ingested_at", *ROW_COLUMNS)
# Where a StoredRow holds the body, which insert_articles binds as UTF-8 bytes.
_BODY = ROW_COLUMNS.index("body")
_BLOCKS = ROW_COLUMNS.index("blocks")
# Where an articles row (insert_articles) holds each of STORED_SEARCHED.
_SEARCHED_AT = tuple(_ARTICLE_COLUMNS.index(column) for column in STORED_SEARCHED)
_INSERT_ARTICLES = (
    f"INSERT INTO articles ({', '.join(_ARTICLE_COLUMNS)}) VALUES "
    f"({', '.join('CAST(? AS TEXT)' if c == 'body' else '?' for c in _ARTICLE_COLUMNS)}) "
    "ON CONFLICT (sha256) DO NOTHING"
)
