"""The archive's queries: add, get, list, search. Nothing here commits: archive.Archive owns
the transaction.

ORM rows stay in this module; callers get pydantic models and records. Portable SQLAlchemy
throughout; bulk writes, search and integrity checks are the engine's (engines/).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select, update
from sqlalchemy.orm import Session

from newsarchive.db import ArticleRawRow, ArticleRow, ArticleSourceRow
from newsarchive.engines import DatedBy, Engine, Filters, NewArticle, SearchResults
from newsarchive.errors import ArticleNotFoundError
from newsarchive.models import ArticleSummary, DateSource, StoredArticle
from newsarchive.query import Query
from newsarchive.rows import DATE_COLUMNS, blocks_from_row, meta_from_row

__all__ = ["DatedBy", "Listing", "NewArticle", "SearchResults", "Store", "StoredRecord"]

# SQLite allows 32766 bound parameters per statement; stay well below for IN (...) lists.
_IN_CHUNK = 900


@dataclass(frozen=True, slots=True)
class Listing:
    articles: list[ArticleSummary]
    # Undated articles a date filter left out; 0 when no filter was given.
    undated_left_out: int


@dataclass(frozen=True, slots=True)
class SourcePath:
    path: str
    first_seen: dt.datetime


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """A stored article as its columns, with its raw bytes and every path it was read from
    (first seen first): what verify, redate and reparse read again."""

    id: int
    sha256: str
    ingested_at: dt.datetime
    parser_version: int
    columns: dict[str, Any]  # every other column of the articles table, by name
    data: bytes
    sources: tuple[SourcePath, ...]

    @property
    def date_source(self) -> str | None:
        value = self.columns["date_source"]
        return value if isinstance(value, str) else None

    @property
    def source(self) -> str:
        return self.sources[0].path if self.sources else ""


class Store:
    """The archive's queries inside one transaction (see archive.Archive, which makes
    these); portable SQLAlchemy, with what differs per engine asked of `engine`."""

    def __init__(self, session: Session, engine: Engine, *, writable: bool = False) -> None:
        self._session = session
        self._engine = engine
        self._writable = writable

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
        """Insert articles whose hash is not stored yet, searchable at once; return hash ->
        id of those inserted. One another writer stored meanwhile is skipped, not an error."""
        items = list({item.sha256: item for item in items}.values())  # same hash, same bytes
        if not items:
            return {}
        return self._engine.insert_articles(self._writing(), items, now)

    def add_sources(self, sources: Iterable[tuple[int, str]], now: dt.datetime) -> int:
        """Record (article id, path) pairs not yet recorded; return how many were new."""
        rows = [{"article_id": a, "path": p, "first_seen": now} for a, p in dict.fromkeys(sources)]
        if not rows:
            return 0
        return self._engine.insert_sources(self._writing(), rows)

    def _writing(self) -> Connection:
        if not self._writable:
            raise AssertionError("a write through a Store from Archive.reading()")
        return self._session.connection()

    def copy_in(self, records: Sequence[StoredRecord]) -> None:
        """Store articles exactly as another archive holds them: the same ids, columns, raw
        bytes and source paths with their times (for `copy`; the ids must be free)."""
        if not records:
            return
        connection = self._writing()
        connection.execute(
            insert(ArticleRow),
            [
                {
                    **r.columns,
                    "id": r.id,
                    "sha256": r.sha256,
                    "ingested_at": r.ingested_at,
                    "parser_version": r.parser_version,
                }
                for r in records
            ],
        )
        connection.execute(
            insert(ArticleRawRow), [{"article_id": r.id, "data": r.data} for r in records]
        )
        sources = [
            {"article_id": r.id, "path": s.path, "first_seen": s.first_seen}
            for r in records
            for s in r.sources
        ]
        if sources:
            connection.execute(insert(ArticleSourceRow), sources)
        self._engine.ids_taken(connection)

    def last(self) -> tuple[int, str] | None:
        """The id and hash of the article with the highest id, if any."""
        row = self._session.execute(
            select(ArticleRow.id, ArticleRow.sha256).order_by(ArticleRow.id.desc()).limit(1)
        ).first()
        return (row[0], row[1]) if row else None

    def sha256_of(self, article_id: int) -> str | None:
        return self._session.scalar(select(ArticleRow.sha256).where(ArticleRow.id == article_id))

    def set_dates(self, updates: Sequence[dict[str, Any]]) -> None:
        """Replace the date columns of articles: each update has `id` and DATE_COLUMNS."""
        self.update_articles([{"id": u["id"], **{c: u[c] for c in DATE_COLUMNS}} for u in updates])

    def update_articles(self, updates: Sequence[dict[str, Any]]) -> None:
        """Set columns of articles: each update has `id` and the columns to set. The search
        index follows through its update trigger (only when searched columns are set)."""
        if updates:  # ORM bulk UPDATE by primary key: one executemany per set of columns
            self._writing()
            self._session.execute(update(ArticleRow), list(updates))

    # -- checking -----------------------------------------------------------------------

    def integrity_problems(self) -> list[str]:
        """What the engine and the search index say is wrong with the archive as a whole."""
        connection = self._session.connection()
        return self._engine.integrity_problems(connection) + self._engine.index.problems(
            connection, self.count()
        )

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

    def records(
        self, *, after: int, limit: int, parsed_before: int | None = None
    ) -> list[StoredRecord]:
        """Up to `limit` articles past id `after`, in id order, whole (see StoredRecord).
        `parsed_before` keeps only articles read by an older parser than that version."""
        query = (
            select(*ArticleRow.__table__.columns, ArticleRawRow.data)
            .join(ArticleRawRow, ArticleRawRow.article_id == ArticleRow.id)
            .where(ArticleRow.id > after)
            .order_by(ArticleRow.id)
            .limit(limit)
        )
        if parsed_before is not None:
            query = query.where(ArticleRow.parser_version < parsed_before)
        rows = self._session.execute(query).mappings().all()
        sources: dict[int, list[SourcePath]] = {}
        ids = [row["id"] for row in rows]
        for start in range(0, len(ids), _IN_CHUNK):
            found = self._session.execute(
                select(
                    ArticleSourceRow.article_id, ArticleSourceRow.path, ArticleSourceRow.first_seen
                )
                .where(ArticleSourceRow.article_id.in_(ids[start : start + _IN_CHUNK]))
                .order_by(ArticleSourceRow.id)
            )
            for article_id, path, first_seen in found:
                sources.setdefault(article_id, []).append(SourcePath(path, _as_utc(first_seen)))
        return [_record(row, tuple(sources.get(row["id"], ()))) for row in rows]

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
        """Best matches first (a headline match above a dek match above a body match above
        a byline or URL match), with a snippet of the body each."""
        filters = Filters(since, until, dated)
        return self._engine.index.search(self._session.connection(), query.tree, filters, limit)

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


def _record(row: Any, sources: tuple[SourcePath, ...]) -> StoredRecord:
    columns = dict(row)
    return StoredRecord(
        id=columns.pop("id"),
        sha256=columns.pop("sha256"),
        ingested_at=_as_utc(columns.pop("ingested_at")),
        parser_version=columns.pop("parser_version"),
        data=columns.pop("data"),
        columns=columns,
        sources=sources,
    )


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
