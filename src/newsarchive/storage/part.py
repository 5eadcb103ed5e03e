"""What the store's parts share: one connection, the backend, and the few helpers every part
reads with (articles' columns by id, in chunks short enough for an IN list of parameters).

A Store (store.py) and each of its parts (stats.py, versions.py, ...) is a Part on the same
connection, inside the transaction archive.Archive opened; none of them commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import bindparam, func, select, update

from newsarchive.storage.schema import articles
from newsarchive.text import paths

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from newsarchive.storage.backends import Backend

# SQLite allows 32766 bound parameters per statement; stay well below for IN (...) lists.
IN_CHUNK = 900
_Key = TypeVar("_Key", int, str)


class Part:
    """Queries of one job, on the connection of the transaction they run in."""

    def __init__(self, connection: Connection, backend: Backend, *, writable: bool = False) -> None:
        self._connection = connection
        self._backend = backend
        self._writable = writable

    def _columns_of(self, ids: Collection[int], *columns: Any) -> dict[int, tuple[Any, ...]]:
        """Some columns of these articles, by id."""
        found: dict[int, tuple[Any, ...]] = {}
        for chunk in chunks(ids):
            rows = self._rows(select(articles.c.id, *columns).where(articles.c.id.in_(chunk)))
            found.update((row[0], tuple(row[1:])) for row in rows)
        return found

    def _by_id(self, ids: Collection[int], column: Any) -> dict[int, Any]:
        """One column of these articles, by id."""
        return {id_: values[0] for id_, values in self._columns_of(ids, column).items()}

    def _rows(self, query: Any) -> Sequence[Any]:
        """The rows of a query, fetched at once."""
        return self._connection.execute(query).all()

    def _count(self) -> int:
        """How many articles the archive holds."""
        return self._connection.scalar(select(func.count()).select_from(articles)) or 0

    def _update(self, updates: Sequence[dict[str, Any]]) -> None:
        """Set columns of articles: each update has `id` and the columns to set. The search
        index follows through its update trigger (only when searched columns are set).
        One executemany per set of columns set."""
        if not updates:
            return
        self._writing()
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for values in updates:
            by_columns.setdefault(tuple(sorted(values)), []).append(values)
        for names, rows in by_columns.items():
            # Bound under other names: a bound parameter may not be named as a column set.
            statement = (
                update(articles)
                .where(articles.c.id == bindparam("_id"))
                .values({n: bindparam(f"_{n}") for n in names if n != "id"})
            )
            self._connection.execute(
                statement, [{f"_{n}": value for n, value in row.items()} for row in rows]
            )

    def _writing(self) -> Connection:
        """The connection, in its transaction: an engine may write through the driver's
        own connection, which would not begin it (and take the write lock) by itself."""
        if not self._writable:
            raise AssertionError("a write through a Store from Archive.reading()")
        if not self._connection.in_transaction():
            self._connection.begin()
        return self._connection


def chunks(values: Collection[_Key]) -> Iterator[list[_Key]]:
    """`values` in lists short enough for an IN (...) of bound parameters."""
    ordered = sorted(values)
    for start in range(0, len(ordered), IN_CHUNK):
        yield ordered[start : start + IN_CHUNK]


def as_utc(value: dt.datetime) -> dt.datetime:
    """In UTC: SQLite returns naive datetimes (the archive writes only UTC), PostgreSQL
    aware ones in the session's time zone (the server's, or PGTZ's)."""
    return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)


def source_row(
    article_id: int, path: str, first_seen: dt.datetime, place: tuple[int, int] | None = None
) -> dict[str, Any]:
    """An article_sources row: the path as paths.columns keeps it, and its place in an export
    (0, 0 when the file is the article)."""
    written, exact = paths.columns(path)
    return {
        "article_id": article_id,
        "path": written,
        "path_bytes": exact,
        "first_seen": first_seen,
        "place": place[0] if place else 0,
        "places": place[1] if place else 0,
    }
