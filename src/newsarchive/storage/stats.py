"""The counts `stats` and `db info` show. Each a GROUP BY or an aggregate in the database: an
archive may hold millions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import extract, func, select

from newsarchive.model.records import EngineFacts
from newsarchive.storage.part import Part, as_utc
from newsarchive.storage.schema import article_sources, articles


class Stats(Part):
    """`store.stats`: what the archive holds, counted."""

    def older_versions(self) -> int:
        """Articles that are not the newest version of their story: each cluster's members
        but one (an article with no cluster yet is its own)."""
        query = select(
            func.count(articles.c.cluster_id) - func.count(articles.c.cluster_id.distinct())
        )
        return self._connection.scalar(query) or 0

    def source_counts(self) -> tuple[int, int]:
        """(source paths, articles with a source path)."""
        query = select(func.count(), func.count(article_sources.c.article_id.distinct()))
        paths, articles = self._connection.execute(query.select_from(article_sources)).one()
        return paths, articles

    def by_date_source(self) -> list[tuple[str | None, int]]:
        """Articles per date_source (None: undated), most first."""
        return self._tally(articles.c.date_source)

    def by_encoding(self) -> list[tuple[str | None, int]]:
        """Articles per detected encoding, most first."""
        return self._tally(articles.c.encoding)

    def with_publication(self) -> int:
        query = select(func.count()).where(articles.c.publication.is_not(None))
        return self._connection.scalar(query) or 0

    def by_publication(self, limit: int) -> list[tuple[str, int]]:
        """The publications with most articles (those that name one), most first."""
        n = func.count().label("n")
        column = articles.c.publication
        query = select(column, n).where(column.is_not(None)).group_by(column)
        rows = self._connection.execute(query.order_by(n.desc(), column).limit(limit))
        return [(value, count) for value, count in rows]

    def _tally(self, column: Any) -> list[tuple[str | None, int]]:
        n = func.count().label("n")
        query = select(column, n).group_by(column).order_by(n.desc(), column)
        return [(value, count) for value, count in self._connection.execute(query)]

    def by_month(self) -> list[tuple[int, int, int]]:
        """(year, month, articles) for every month with dated articles, oldest first."""
        year = extract("year", articles.c.published)
        month = extract("month", articles.c.published)
        query = (
            select(year, month, func.count())
            .where(articles.c.published.is_not(None))
            .group_by(year, month)
            .order_by(year, month)
        )
        return [(int(y), int(m), n) for y, m, n in self._connection.execute(query)]

    def published_span(self) -> tuple[dt.date | None, dt.date | None]:
        """The first and last publication dates (None, None when nothing is dated)."""
        first, last = self._connection.execute(
            select(func.min(articles.c.published), func.max(articles.c.published))
        ).one()
        return first, last

    def top_folders(self, limit: int) -> list[tuple[str, int]]:
        """The folders source paths are in (without a trailing slash) with the most paths,
        most first, at most `limit`."""
        path = article_sources.c.path
        # The path up to its last "/": rtrim strips every trailing character that is not a
        # slash (the same on SQLite and PostgreSQL).
        folder = func.rtrim(path, func.replace(path, "/", "")).label("folder")
        n = func.count().label("n")
        query = select(folder, n).group_by(folder).order_by(n.desc(), folder).limit(limit)
        return [
            (name[:-1] if len(name) > 1 else name, count)
            for name, count in self._connection.execute(query)
        ]

    def last_ingest(self) -> tuple[dt.datetime, int] | None:
        """When the newest ingest run started, and how many articles it added (ingest
        stamps every article of a run with the run's start)."""
        latest = select(func.max(articles.c.ingested_at)).scalar_subquery()
        row = self._connection.execute(
            select(articles.c.ingested_at, func.count())
            .where(articles.c.ingested_at == latest)
            .group_by(articles.c.ingested_at)
        ).first()
        return (as_utc(row[0]), row[1]) if row else None

    def unfingerprinted(self) -> int:
        """How many articles were stored before versions were grouped (reparse keys them)."""
        query = select(func.count()).where(articles.c.fingerprint.is_(None))
        return self._connection.scalar(query) or 0

    def size_on_disk(self) -> int:
        return self._backend.size_on_disk(self._connection)

    def engine_facts(self) -> EngineFacts:
        return self._backend.facts(self._connection)
