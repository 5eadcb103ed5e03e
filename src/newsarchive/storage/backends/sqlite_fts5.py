"""The SQLite archive's search index: the FTS5 table `article_search` (migrations 0002, 0003,
0008, 0011), written in bulk by ingest, searched with the query tree compiled to an FTS5
expression, checked by verify.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, column, func, literal_column, select, table
from sqlalchemy.exc import DatabaseError

from newsarchive.storage.backends import (
    ARTICLE,
    Ranking,
    first_source,
    hit_columns,
    version_count,
)
from newsarchive.storage.backends.hits import SNIPPET_WINDOW, snippet_terms, with_snippets
from newsarchive.storage.backends.sqlite_searchtext import (
    SEARCH_TEXT_VIEW,
    SEARCHED,
    body_as_it_is,
)
from newsarchive.storage.schema import article_sources
from newsarchive.text.query import All, Any_, Node, Term, Without
from newsarchive.text.searchtext import query_text

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Connection, Dialect, Select

    from newsarchive.storage.backends import Filters, SearchResults

# FTS5 writes each batch's entries as a new segment and merges segments of one level once
# `automerge` of them have gathered, rewriting all their entries. Merging 8 at a time, not
# FTS5's default 4, rewrites each entry fewer times on its way up (100,000 articles, paired
# runs, main-process CPU: 27.7 s -> 22.8 s). A query then reads at most 7 segments a level,
# not 3 (23 segments in all at 100,000 articles, not 14: a rare word's bare FTS5 query takes
# 0.21 ms, not 0.17). A setting of the index, not of the schema: the first bulk write sets
# it, so that reading an archive never writes to it.
SEARCH_AUTOMERGE = 8
# FTS5 keeps a transaction's new entries in memory up to `hashsize` bytes (1 MiB by default),
# writing a segment each time it fills: a batch of 1,000 generated articles made four
# segments, each merged again later. With 32 MiB a batch is one segment (20,000 articles
# indexed in batches of 1,000, CPU: 2.25/2.36 s -> 1.81/1.97 s; batches of 4,000: 1.37/1.64
# s). Memory the writer uses only as a batch needs it.
SEARCH_HASHSIZE = 32 * 1024 * 1024
# The index's settings the first bulk write makes (see SEARCH_AUTOMERGE).
SEARCH_SETTINGS = {"automerge": SEARCH_AUTOMERGE, "hashsize": SEARCH_HASHSIZE}


class FTS5Index:
    """The FTS5 table `article_search` (migrations 0002, 0003 and 0008): an external-content
    index over the articles as searchtext.indexed makes their text (the view
    article_search_text), kept in step by triggers, ranked by bm25 with weights headline
    10, dek 5, body 1, byline and URL 0.5, every other word of the file 0.25."""

    read_only = False  # set by SQLite.connect for an archive opened read-only

    def index_as_they_are(self, connection: Connection, ids: Sequence[int]) -> list[int]:
        """Index those of these (huge) articles whose body gives the index the same words as
        it is (see sqlite_searchtext), reading the body itself, not through the view; return
        their ids, for index_new to skip. Through the view, a huge body was read twice (the
        function's argument, then the column again for coalesce), both held while FTS5
        tokenized it: 48 MiB more at 50 MB. Whether it is as it is, is read from the row a
        slice at a time (incremental blob I/O), never whole."""
        driver = connection.connection.driver_connection
        assert driver is not None
        found = [id_ for id_ in ids if body_as_it_is(driver, id_)]
        if found:
            others = ", ".join(f"v.{c}" for c in SEARCHED.split(", ") if c != "body")
            connection.exec_driver_sql(
                f"INSERT INTO article_search(rowid, {SEARCHED.replace('body, ', '')}, body) "
                f"SELECT v.id, {others}, a.body FROM {SEARCH_TEXT_VIEW} v "
                "JOIN articles a ON a.id = v.id WHERE v.id IN (SELECT value FROM json_each(?))",
                (json.dumps(found),),
            )
        return found

    def index_new(self, connection: Connection, *, after: int, skip: Sequence[int] = ()) -> None:
        _settings(connection)
        sql = f"INSERT INTO article_search(rowid, {SEARCHED}) SELECT id, {SEARCHED} "
        sql += f"FROM {SEARCH_TEXT_VIEW} WHERE id > ?"
        if not skip:
            connection.exec_driver_sql(sql, (after,))
            return
        sql += " AND id NOT IN (SELECT value FROM json_each(?))"
        connection.exec_driver_sql(sql, (after, json.dumps(list(skip))))

    def index_given(self, connection: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
        """Index articles just inserted as given: (id, then each SEARCHED column's text, as
        the view would give it: text or UTF-8). The same entries as index_new's, without
        the view's five calls into Python an article on the writer's one core (20,000
        generated articles, the writer's FTS5 stage: 120 -> 64 µs an article)."""
        if rows:
            _settings(connection)
            connection.exec_driver_sql(_INDEX_GIVEN, rows)

    def search(
        self, connection: Connection, tree: Node, filters: Filters, limit: int
    ) -> SearchResults:
        driver = connection.connection.driver_connection
        assert driver is not None
        params = {"q": fts5_expression(tree), "limit": limit, **_driver_values(filters)}
        return _RANKING.search(
            _dialect(),
            lambda sql, values: driver.execute(sql, values).fetchall(),
            filters,
            params,
            snippets=lambda rows: with_snippets(rows, snippet_terms(tree)),
        )

    def matching(
        self, connection: Connection, tree: Node, filters: Filters, after: int, limit: int
    ) -> list[int]:
        a, s = ARTICLE, _S
        query = (
            select(s.c.rowid)
            .select_from(s.join(a, a.c.id == s.c.rowid))
            .where(_match(s, fts5_expression(tree)), s.c.rowid > after, *filters.conditions(a))
            .order_by(s.c.rowid)
            .limit(limit)
        )
        return list(connection.scalars(query))

    def problems(self, connection: Connection, articles: int) -> list[str]:
        execute = connection.exec_driver_sql
        problems = []
        try:
            if not self.read_only:  # FTS5's check is a command written into the table
                execute(
                    "INSERT INTO article_search(article_search, rank) VALUES ('integrity-check', 1)"
                )
        except DatabaseError as exc:
            problems.append(f"the search index does not match the articles: {exc.orig}")
        indexed = execute("SELECT count(*) FROM article_search_docsize").scalar_one()
        if indexed != articles:
            problems.append(f"the search index has {indexed} articles, the archive {articles}")
        _give_back_freed_memory()
        return problems


# The FTS5 table as queries name it: MATCH takes its hidden column of the table's name, and
# `rank` is bm25 with the weights of migration 0003.
_SEARCH = table("article_search", column("rowid"), column("rank"), column("article_search"))
# `s` what a query ranks, `m` a look-up of whether one article matches.
_S, _M = _SEARCH.alias("s"), _SEARCH.alias("m")


def _match(s: Any, q: str | None = None) -> ColumnElement[bool]:
    """The FTS5 table `s` matching the expression bound as :q."""
    matched: ColumnElement[bool] = s.c.article_search.bool_op("MATCH")(bindparam("q", q))
    return matched


def _matched(b: Any) -> ColumnElement[bool]:
    """Article `b` matches :q, asked of the index for that one row id (a seek in each
    segment): an IN list of every match cost 4x the whole ranking for a common word (24 ->
    106 ms at 30,000 articles)."""
    m = _M
    return select(literal_column("1")).where(_match(m), m.c.rowid == b.c.id).exists()


def _floor(filters: Filters) -> Select[Any]:
    """The row id where the ranking window (the newest RANK_WINDOW matches) starts, if
    more match: without filters the index alone can tell, and walking its row ids is 20x
    cheaper than joining every match to its article."""
    a, s = ARTICLE, _S
    kept = filters.conditions(a)
    scanned = s.join(a, a.c.id == s.c.rowid) if kept else s
    query = select(s.c.rowid).select_from(scanned).where(_match(s), *kept)
    return query.order_by(s.c.rowid.desc()).limit(1).offset(bindparam("window"))


def _count(filters: Filters) -> Select[Any]:
    a, s = ARTICLE, _S
    query = select(func.count()).select_from(s.join(a, a.c.id == s.c.rowid))
    return query.where(_match(s), *filters.conditions(a))


def _hits(filters: Filters, windowed: bool) -> Select[Any]:
    """The best :limit matches, one row per story (the newest version the query and
    filters keep), as hits_from_rows reads them; `windowed`, only those from :floor on."""
    a, s = ARTICLE, _S
    query = select(
        *hit_columns(a),
        s.c.rank,
        # The start of the body, for a snippet made here (marked_snippet): FTS5's snippet()
        # costs the square of the matches in one article (minutes for megabytes of a common
        # word), in one call SQLite cannot interrupt.
        func.substr(a.c.body, 1, SNIPPET_WINDOW),
        first_source(a, article_sources.c.path),
        first_source(a, article_sources.c.path_bytes),
        version_count(a),
    ).select_from(s.join(a, a.c.id == s.c.rowid))
    query = query.where(_match(s), *filters.conditions(a))
    if windowed:
        query = query.where(s.c.rowid >= bindparam("floor"))
    query = query.where(*filters.newest_version(a, _matched))
    return query.order_by(s.c.rank).limit(bindparam("limit"))


def _undated(filters: Filters) -> Select[Any]:
    """The undated matches a date filter left out, counted."""
    a, s = ARTICLE, _S
    query = select(func.count()).select_from(s.join(a, a.c.id == s.c.rowid))
    return query.where(_match(s), a.c.published.is_(None))


_RANKING = Ranking(_floor, _count, _hits, _undated)


@functools.cache
def _dialect() -> Dialect:
    """SQLite's, with parameters by name (the driver is handed a dict)."""
    from sqlalchemy.dialects import sqlite

    return sqlite.dialect(paramstyle="named")


def _driver_values(filters: Filters) -> dict[str, Any]:
    """The filters' bound values as the driver takes them: dates as their ISO text, as
    SQLAlchemy's Date type binds them on SQLite."""
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in filters.params().items()}


def _give_back_freed_memory() -> None:
    """Hand the C library's freed memory back to the system. The integrity checks read every
    page and every indexed text once; what SQLite freed after them stayed in glibc's heap
    as memory the rest of verify held (a 50 MB article: 28 MiB, and verify's peak reading
    that article 344 -> 317 MiB). glibc only (malloc_trim); elsewhere nothing is done."""
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


def fts5_expression(node: Node) -> str:
    """The query tree as an FTS5 expression: every term a quoted string (punctuation in it
    is text), operators in FTS5's precedence (NOT, then AND, then OR), brackets where the
    tree needs them."""
    if isinstance(node, Term):
        words, prefix = query_text(node.text)
        quoted = '"' + words.replace('"', '""') + '"'
        return f"{quoted}*" if node.prefix or prefix else quoted
    if isinstance(node, Any_):
        return " OR ".join(fts5_expression(part) for part in node.parts)
    if isinstance(node, All):
        return " AND ".join(_bracketed(part, Any_) for part in node.parts)
    assert isinstance(node, Without)
    return f"{_bracketed(node.keep, All | Any_)} NOT {_bracketed(node.drop, All | Any_ | Without)}"


def _bracketed(node: Node, looser: Any) -> str:
    expression = fts5_expression(node)
    return f"({expression})" if isinstance(node, looser) else expression


def _settings(connection: Connection) -> None:
    """The index's settings (SEARCH_SETTINGS), made by the first bulk write."""
    execute = connection.exec_driver_sql
    found: dict[str, Any] = dict(execute("SELECT k, v FROM article_search_config").all())
    for name, value in SEARCH_SETTINGS.items():
        if found.get(name) != value:
            execute("INSERT INTO article_search(article_search, rank) VALUES (?, ?)", (name, value))


_INDEX_GIVEN = (
    f"INSERT INTO article_search(rowid, {SEARCHED}) VALUES "
    f"(?, {', '.join('CAST(? AS TEXT)' for _ in SEARCHED.split(', '))})"
)
