"""The archive's queries: add, get, list. Nothing here commits: the caller owns the transaction.

ORM rows stay in this module; callers get pydantic models. Writes are batched Core inserts
(one statement for many rows), because per-object ORM adds are several times slower.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import TypeAdapter
from sqlalchemy import Connection, Row, Table, func, select, text, update
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from newsarchive.db import ArticleRawRow, ArticleRow, ArticleSourceRow
from newsarchive.errors import ArchiveError, ArticleNotFoundError
from newsarchive.models import (
    ArticleSummary,
    DateSource,
    SearchHit,
    StoredArticle,
)
from newsarchive.query import Query
from newsarchive.rows import DATE_COLUMNS, ArticleValues, blocks_from_row, meta_from_row

# SQLite allows 32766 bound parameters per statement; stay well below for IN (...) lists.
_IN_CHUNK = 900


@dataclass(frozen=True, slots=True)
class NewArticle:
    """A parsed article ready to store, with the bytes it was parsed from."""

    sha256: str
    values: ArticleValues
    raw: bytes


@dataclass(frozen=True, slots=True)
class Listing:
    articles: list[ArticleSummary]
    # Undated articles a date filter left out; 0 when no filter was given.
    undated_left_out: int


@dataclass(frozen=True, slots=True)
class SearchResults:
    hits: list[SearchHit]
    undated_left_out: int  # undated matches a date filter left out
    # Set when the query matched more than RANK_WINDOW articles: only the newest
    # RANK_WINDOW of them were ranked, so that a very common word stays fast.
    ranked_window: int | None


# Which dates a listing keeps: all, only stated ones, or only inferred ones.
DatedBy = Literal["any", "explicit", "inferred"]

# Ranking every match of a word in 80% of a million articles would take seconds: past this
# many matches, only the most recently added ones are ranked.
RANK_WINDOW = 20_000
_MARK_START, _MARK_END = "\ufdd0", "\ufdd1"  # Unicode noncharacters: never markup
_MARKS = re.compile(f"[{_MARK_START}{_MARK_END}]")
SNIPPET_WORDS = 16
# FTS5 writes each batch's entries as a new segment and merges segments of one level once
# `automerge` of them have gathered, rewriting all their entries. Merging 8 at a time, not
# FTS5's default 4, rewrites each entry fewer times on its way up (100,000 articles, paired
# runs, main-process CPU: 27.7 s -> 22.8 s). A query then reads at most 7 segments a level,
# not 3 (23 segments in all at 100,000 articles, not 14: a rare word's bare FTS5 query takes
# 0.21 ms, not 0.17). A setting of the index, not of the schema: the first bulk write sets
# it, so that reading an archive never writes to it.
SEARCH_AUTOMERGE = 8
# The columns the search index holds, in its order (migration 0003 sets their weights).
SEARCHED = "headline, dek, body, byline, source_url"
_HITS = TypeAdapter(list[SearchHit])


class Store:
    def __init__(self, session: Session) -> None:
        self._session = session

    # -- writing ------------------------------------------------------------------------

    def known_ids(self, hashes: Collection[str]) -> dict[str, int]:
        """Map each stored hash among `hashes` to its article id."""
        found: dict[str, int] = {}
        ordered = list(hashes)
        for start in range(0, len(ordered), _IN_CHUNK):
            chunk = ordered[start : start + _IN_CHUNK]
            rows = self._session.execute(
                select(ArticleRow.sha256, ArticleRow.id).where(ArticleRow.sha256.in_(chunk))
            )
            found.update((sha, id_) for sha, id_ in rows)
        return found

    def add_articles(self, items: Sequence[NewArticle], now: dt.datetime) -> dict[str, int]:
        """Insert articles whose hash is not stored yet; return hash -> id of those inserted.

        An article another writer stored meanwhile is skipped, not an error. Ids are given
        here (the caller holds the write lock), so the usual case needs no look-up after.
        """
        items = list({item.sha256: item for item in items}.values())  # same hash, same bytes
        if not items:
            return {}
        connection = self._writing()
        last = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM articles").scalar()
        assert isinstance(last, int)
        rows = [
            {**item.values, "id": last + n, "sha256": item.sha256, "ingested_at": now}
            for n, item in enumerate(items, 1)
        ]
        with self._search_index_in_bulk(after=last):
            added = self._insert(ArticleRow.__table__, rows, unique=("sha256",))
        if added == len(rows):
            inserted = {row["sha256"]: row["id"] for row in rows}
        else:  # another writer stored some of them first
            found = connection.exec_driver_sql(
                "SELECT sha256, id FROM articles WHERE id > ?", (last,)
            )
            inserted = {sha: id_ for sha, id_ in found}
        self._insert(
            ArticleRawRow.__table__,
            [
                {"article_id": inserted[item.sha256], "data": item.raw}
                for item in items
                if item.sha256 in inserted
            ],
        )
        return inserted

    @contextmanager
    def _search_index_in_bulk(self, *, after: int) -> Iterator[None]:
        """Index the articles inserted inside this block, all with ids past `after`, in one
        statement at its end.

        The search index's insert trigger stands aside while article_search_paused has a
        row (see migration 0002); everything happens in the caller's transaction, so the
        index and the articles are never committed out of step.
        """
        execute = self._session.connection().exec_driver_sql
        execute("INSERT INTO article_search_paused (paused) VALUES (1)")
        yield
        merging = "SELECT v FROM article_search_config WHERE k = 'automerge'"
        if execute(merging).scalar() != SEARCH_AUTOMERGE:
            execute(
                "INSERT INTO article_search(article_search, rank) VALUES ('automerge', ?)",
                (SEARCH_AUTOMERGE,),
            )
        execute(
            f"INSERT INTO article_search(rowid, {SEARCHED}) "
            f"SELECT id, {SEARCHED} FROM articles WHERE id > ?",
            (after,),
        )
        execute("DELETE FROM article_search_paused")

    def add_sources(self, sources: Iterable[tuple[int, str]], now: dt.datetime) -> int:
        """Record (article id, path) pairs not yet recorded; return how many were new."""
        rows = [{"article_id": a, "path": p, "first_seen": now} for a, p in dict.fromkeys(sources)]
        self._writing()
        return self._insert(ArticleSourceRow.__table__, rows, unique=("article_id", "path"))

    def _writing(self) -> Connection:
        """The session's connection, for the bulk writes that only SQLite archives take yet."""
        connection = self._session.connection()
        if connection.dialect.name != "sqlite":
            raise ArchiveError(
                f"archives on {connection.dialect.name} are not supported yet; use SQLite"
            )
        return connection

    def _insert(
        self, table: Any, rows: Sequence[dict[str, Any]], *, unique: tuple[str, ...] = ()
    ) -> int:
        """Insert `rows` in one executemany; rows clashing on `unique` are skipped. Returns
        how many were inserted.

        Values go through SQLAlchemy's own column types, so they read back exactly as if the
        ORM wrote them, without its per-row work (a third of an ingest's main process).
        """
        assert isinstance(table, Table)
        if not rows:
            return 0
        connection = self._session.connection()
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

        quote = dialect.identifier_preparer.quote
        sql = (
            f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, names))}) "
            f"VALUES ({', '.join('?' * len(names))})"
        )
        if unique:
            sql += f" ON CONFLICT ({', '.join(map(quote, unique))}) DO NOTHING"
        return connection.exec_driver_sql(sql, [values(row) for row in rows]).rowcount

    def set_dates(self, updates: Sequence[dict[str, Any]]) -> None:
        """Replace the date columns of articles: each update has `id` and DATE_COLUMNS."""
        self.update_articles([{"id": u["id"], **{c: u[c] for c in DATE_COLUMNS}} for u in updates])

    def update_articles(self, updates: Sequence[dict[str, Any]]) -> None:
        """Set columns of articles: each update has `id` and the columns to set. The search
        index follows through its update trigger (only when searched columns are set)."""
        if updates:  # ORM bulk UPDATE by primary key: one executemany per set of columns
            self._session.execute(update(ArticleRow), list(updates))

    # -- checking -----------------------------------------------------------------------

    def integrity_problems(self) -> list[str]:
        """What SQLite and the search index say is wrong with the archive as a whole."""
        if self._session.get_bind().dialect.name != "sqlite":
            return []
        execute = self._session.execute
        problems = [
            f"SQLite integrity check: {row[0]}"
            for row in execute(text("PRAGMA integrity_check"))
            if row[0] != "ok"
        ]
        problems += [
            f"row {row[1]} of {row[0]} points at a missing {row[2]} row"
            for row in execute(text("PRAGMA foreign_key_check"))
        ]
        try:
            execute(
                text(
                    "INSERT INTO article_search(article_search, rank) VALUES ('integrity-check', 1)"
                )
            )
        except DatabaseError as exc:
            problems.append(f"the search index does not match the articles: {exc.orig}")
        indexed = execute(text("SELECT count(*) FROM article_search_docsize")).scalar_one()
        if indexed != self.count():
            problems.append(f"the search index has {indexed} articles, the archive {self.count()}")
        return problems

    def missing_parts(self) -> list[tuple[int, str]]:
        """Articles without their raw bytes or without any source path."""
        no_raw = select(ArticleRow.id).where(
            ~select(ArticleRawRow.article_id)
            .where(ArticleRawRow.article_id == ArticleRow.id)
            .exists()
        )
        no_source = select(ArticleRow.id).where(
            ~select(ArticleSourceRow.id)
            .where(ArticleSourceRow.article_id == ArticleRow.id)
            .exists()
        )
        missing = [(id_, "its raw bytes are missing") for id_ in self._session.scalars(no_raw)]
        missing += [(id_, "it has no source path") for id_ in self._session.scalars(no_source)]
        return missing

    def batch_with_raw(
        self, *, after: int, limit: int, parsed_before: int | None = None
    ) -> list[Row[Any]]:
        """Articles past id `after`, in id order, with every column, their raw bytes (`data`)
        and first path (`source`): what re-dating, re-parsing and verifying re-read.
        `parsed_before` keeps only articles read by an older parser than that version."""
        query = (
            select(*ArticleRow.__table__.columns, ArticleRawRow.data, _first_source())
            .join(ArticleRawRow, ArticleRawRow.article_id == ArticleRow.id)
            .where(ArticleRow.id > after)
            .order_by(ArticleRow.id)
            .limit(limit)
        )
        if parsed_before is not None:
            query = query.where(ArticleRow.parser_version < parsed_before)
        return list(self._session.execute(query))

    def count_parsed_before(self, version: int) -> int:
        """How many articles an older parser than `version` read."""
        query = select(func.count()).where(ArticleRow.parser_version < version)
        return self._session.scalar(query) or 0

    # -- reading ------------------------------------------------------------------------

    def count(self) -> int:
        return self._session.scalar(select(func.count()).select_from(ArticleRow)) or 0

    def get(self, article_id: int) -> StoredArticle:
        row = self._session.get(ArticleRow, article_id)
        if row is None:
            raise ArticleNotFoundError(
                f"no article has id {article_id}; 'newsarchive list' shows the ids"
            )
        sources = self._session.scalars(
            select(ArticleSourceRow.path)
            .where(ArticleSourceRow.article_id == article_id)
            .order_by(ArticleSourceRow.id)
        ).all()
        return StoredArticle(
            id=row.id,
            sha256=row.sha256,
            headline=row.headline,
            dek=row.dek,
            byline=row.byline,
            source_url=row.source_url,
            dateline=row.dateline,
            meta=meta_from_row(row.meta),
            published=row.published,
            date_source=DateSource(row.date_source) if row.date_source else None,
            date_confidence=row.date_confidence,
            date_evidence=tuple(row.date_evidence),
            blocks=blocks_from_row(row.body, row.blocks),
            encoding=row.encoding,
            byte_size=row.byte_size,
            ingested_at=_as_utc(row.ingested_at),
            sources=tuple(sources),
        )

    def raw(self, article_id: int) -> bytes:
        data = self._session.scalar(
            select(ArticleRawRow.data).where(ArticleRawRow.article_id == article_id)
        )
        if data is None:
            raise ArticleNotFoundError(
                f"no article has id {article_id}; 'newsarchive list' shows the ids"
            )
        return data

    def search(
        self,
        query: Query,
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        dated: DatedBy = "any",
        limit: int = 20,
    ) -> SearchResults:
        """Best matches first (bm25: headline 10, dek 5, body 1, byline and URL 0.5), with a
        snippet each.

        Runs straight on the SQLite driver: for a rare word the FTS5 query itself takes about
        0.2 ms, less than SQLAlchemy's own work per statement, and search is the command
        people run again and again. The statements are fixed text with bound parameters.
        """
        connection = self._session.connection()
        if connection.dialect.name != "sqlite":
            raise ArchiveError(
                f"search on {connection.dialect.name} archives is not supported yet; use SQLite"
            )
        driver = connection.connection.driver_connection
        assert driver is not None
        params: dict[str, Any] = {"q": query.fts5, "limit": limit, "window": RANK_WINDOW - 1}
        where = "article_search MATCH :q"
        if since is not None:
            where += " AND a.published >= :since"
            params["since"] = since.isoformat()
        if until is not None:
            where += " AND a.published <= :until"
            params["until"] = until.isoformat()
        if dated != "any":
            where += f" AND a.date_source {'!=' if dated == 'explicit' else '='} 'inferred'"
        matches = f"FROM article_search s JOIN articles a ON a.id = s.rowid WHERE {where}"
        # Where the window starts: without filters the index alone can tell, and walking
        # its row ids is 20x cheaper than joining every match to its article.
        scan = matches if "a." in where else "FROM article_search s WHERE article_search MATCH :q"
        floor = driver.execute(
            f"SELECT s.rowid {scan} ORDER BY s.rowid DESC LIMIT 1 OFFSET :window", params
        ).fetchone()
        if floor is not None:
            matches += " AND s.rowid >= :floor"
            params["floor"] = floor[0]
        rows = driver.execute(
            f"SELECT {_HIT_COLUMNS} {matches} ORDER BY s.rank LIMIT :limit", params
        ).fetchall()
        hits = _hits(rows)
        undated = 0
        if since is not None or until is not None:
            undated = driver.execute(
                "SELECT count(*) FROM article_search s JOIN articles a ON a.id = s.rowid "
                "WHERE article_search MATCH :q AND a.published IS NULL",
                {"q": query.fts5},
            ).fetchone()[0]
        return SearchResults(hits, undated, RANK_WINDOW if floor is not None else None)

    def list(
        self,
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        dated: DatedBy = "any",
        limit: int | None = None,
    ) -> Listing:
        """Articles newest first (undated last, newest ingested first), with date filters.

        `dated` keeps only articles whose date was stated ("explicit") or inferred.
        """
        query = select(
            ArticleRow.id,
            ArticleRow.headline,
            ArticleRow.published,
            ArticleRow.date_source,
            _first_source(),
            ArticleRow.word_count,
        ).order_by(ArticleRow.published.desc().nulls_last(), ArticleRow.id.desc())
        undated_left_out = 0
        if since is not None or until is not None:
            if since is not None:
                query = query.where(ArticleRow.published >= since)
            if until is not None:
                query = query.where(ArticleRow.published <= until)
            undated_left_out = (
                self._session.scalar(
                    select(func.count())
                    .select_from(ArticleRow)
                    .where(ArticleRow.published.is_(None))
                )
                or 0
            )
        if dated == "explicit":
            query = query.where(ArticleRow.date_source != DateSource.INFERRED.value)
        elif dated == "inferred":
            query = query.where(ArticleRow.date_source == DateSource.INFERRED.value)
        if limit is not None:
            query = query.limit(limit)
        articles = [_summary(row) for row in self._session.execute(query)]
        return Listing(articles, undated_left_out)


def _first_source() -> Any:
    """The path an article was first read from, as a column of a query over articles."""
    return (
        select(ArticleSourceRow.path)
        .where(ArticleSourceRow.article_id == ArticleRow.id)
        .order_by(ArticleSourceRow.id)
        .limit(1)
        .scalar_subquery()
        .label("source")
    )


# What a hit shows, in the order _hits reads it.
_HIT_COLUMNS = (
    "a.id, a.headline, a.published, a.date_source, a.word_count, s.rank, "
    # The body's best passage: the headline is shown anyway, and marked.
    f"snippet(article_search, 2, '{_MARK_START}', '{_MARK_END}', '…', {SNIPPET_WORDS}), "
    "(SELECT path FROM article_sources p WHERE p.article_id = a.id ORDER BY p.id LIMIT 1)"
)


def _hits(rows: list[tuple[Any, ...]]) -> list[SearchHit]:
    """Hits from driver rows of _HIT_COLUMNS, validated in one call (a third of the time of
    one call per hit); pydantic turns the ISO date and the source's name."""
    found = []
    for id_, headline, published, date_source, word_count, rank, marked, source in rows:
        snippet, highlights = _unmark(marked or "")
        found.append(
            {
                "id": id_,
                "headline": headline,
                "published": published,
                "date_source": date_source,
                "source": source,
                "word_count": word_count,
                "rank": rank,
                "snippet": snippet,
                "highlights": highlights,
            }
        )
    return _HITS.validate_python(found)


def _unmark(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Snippet text without FTS5's match markers, and where the markers were."""
    text_parts: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    for i, part in enumerate(_MARKS.split(marked)):
        if i % 2 and part:
            spans.append((length, length + len(part)))
        text_parts.append(part)
        length += len(part)
    return "".join(text_parts), tuple(spans)


def _summary(row: Row[Any]) -> ArticleSummary:
    return ArticleSummary(**_summary_fields(row))


def _summary_fields(row: Row[Any]) -> dict[str, Any]:
    return {
        "id": row.id,
        "headline": row.headline,
        "published": row.published,
        "date_source": DateSource(row.date_source) if row.date_source else None,
        "source": row.source,
        "word_count": row.word_count,
    }


def _as_utc(value: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes; the archive writes only UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
