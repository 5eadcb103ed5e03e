"""The archive's queries inside one transaction: the Store that most commands use (get, list,
search, add articles) and, as its attributes, the parts that serve one job each on the same
connection (stats, versions, links, records, ...). Nothing here commits: archive.Archive
owns the transaction.

Rows stay in storage; callers get records (model/records.py). Portable SQLAlchemy Core
throughout; bulk writes, search and integrity checks are the backend's (backends/).
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    Date,
    Row,
    func,
    literal,
    select,
    tuple_,
)

from newsarchive.model.errors import ArticleNotFoundError
from newsarchive.model.records import (
    ArticleSummary,
    DateSource,
    StoredArticle,
    Surroundings,
)
from newsarchive.model.rows import blocks_from_row, meta_from_row, values_of
from newsarchive.storage.backends import (
    ARTICLE,
    DatedBy,
    Filters,
    NewArticle,
    SearchResults,
    first_source,
    version_count,
)
from newsarchive.storage.part import Part, as_utc, chunks, source_row
from newsarchive.storage.schema import article_raw, article_sources, articles
from newsarchive.text import columns, paths
from newsarchive.text.query import Query

if TYPE_CHECKING:
    from newsarchive.storage.changes import Changes
    from newsarchive.storage.checks import Checks
    from newsarchive.storage.export_files import ExportFiles
    from newsarchive.storage.links import Links
    from newsarchive.storage.lookups import StoredLookups
    from newsarchive.storage.records import Records
    from newsarchive.storage.settings import Settings
    from newsarchive.storage.stats import Stats
    from newsarchive.storage.versions import Versions

LIST_PAGE = 500  # rows `list` reads at a time
LIST_FIRST_PAGE = 50  # and first: a screenful, quickly


@dataclass(frozen=True, slots=True)
class Listing:
    """What `list` shows. `articles` streams from the archive (a page of rows at a time):
    read it inside the transaction that made it, once."""

    articles: Iterator[ArticleSummary]
    # Undated articles a date filter left out; 0 when no filter was given.
    undated_left_out: int


class Store(Part):
    """The archive's queries inside one transaction (see archive.Archive, which makes
    these); portable SQLAlchemy, with what differs per database asked of its `backend`.
    Each part is made (and its module imported) when first asked for: `list` needs none."""

    # -- the parts ----------------------------------------------------------------------

    @cached_property
    def settings(self) -> Settings:
        from newsarchive.storage.settings import Settings

        return Settings(self._connection, self._backend, writable=self._writable)

    @cached_property
    def stats(self) -> Stats:
        from newsarchive.storage.stats import Stats

        return Stats(self._connection, self._backend)

    @cached_property
    def checks(self) -> Checks:
        from newsarchive.storage.checks import Checks

        return Checks(self._connection, self._backend)

    @cached_property
    def versions(self) -> Versions:
        from newsarchive.storage.versions import Versions

        return Versions(self._connection, self._backend, writable=self._writable)

    @cached_property
    def links(self) -> Links:
        from newsarchive.storage.links import Links

        return Links(self._connection, self._backend, self.versions)

    @cached_property
    def lookups(self) -> StoredLookups:
        from newsarchive.storage.lookups import StoredLookups

        return StoredLookups(self._connection, self._backend, writable=self._writable)

    @cached_property
    def export_files(self) -> ExportFiles:
        from newsarchive.storage.export_files import ExportFiles

        return ExportFiles(self._connection, self._backend, writable=self._writable)

    @cached_property
    def records(self) -> Records:
        from newsarchive.storage.records import Records

        return Records(self._connection, self._backend, self.lookups, writable=self._writable)

    @cached_property
    def changes(self) -> Changes:
        from newsarchive.storage.changes import Changes

        return Changes(
            self._connection,
            self._backend,
            writable=self._writable,
            settings=self.settings,
            export_files=self.export_files,
            lookups=self.lookups,
        )

    # -- adding articles ----------------------------------------------------------------

    def known_ids(self, hashes: Collection[str]) -> dict[str, int]:
        """Map each stored hash among `hashes` to its article id."""
        found: dict[str, int] = {}
        for chunk in chunks(hashes):
            rows = self._connection.execute(
                select(articles.c.sha256, articles.c.id).where(articles.c.sha256.in_(chunk))
            )
            found.update((sha, id_) for sha, id_ in rows)
        return found

    def add_articles(self, items: Sequence[NewArticle], now: dt.datetime) -> dict[str, int]:
        """Insert articles whose hash is not stored yet, searchable at once, with their band
        keys, names and link look-ups; return hash -> id of those inserted. One another
        writer stored meanwhile is skipped, not an error. Each is its own cluster:
        versions.group joins it to its versions."""
        items = list({item.sha256: item for item in items}.values())  # same hash, same bytes
        if not items:
            return {}
        # Worked out first: the engine may let go of a huge article's text once it is
        # stored (see NewArticle).
        found = [i.lookups or columns.lookups(values_of(i.row)) for i in items]
        inserted = self._backend.insert_articles(self._writing(), items, now)
        self.lookups.add(
            [
                f.rows(inserted[i.sha256])
                for i, f in zip(items, found, strict=True)
                if i.sha256 in inserted
            ]
        )
        return inserted

    def add_sources(
        self,
        sources: Iterable[tuple[int, str] | tuple[int, str, tuple[int, int] | None]],
        now: dt.datetime,
    ) -> int:
        """Record (article id, path, place) not yet recorded; return how many were new. A
        path is as os functions give it, its bytes kept exactly (paths.columns); the place
        is (number, of how many) for an article of an export, else None. An article found
        twice in one file keeps both places."""
        seen: dict[tuple[int, str, int], tuple[int, int] | None] = {}
        for source in sources:
            place = source[2] if len(source) > 2 else None
            seen.setdefault((source[0], source[1], place[0] if place else 0), place)
        rows = [source_row(a, p, now, place) for (a, p, _), place in seen.items()]
        if not rows:
            return 0
        return self._backend.insert_sources(self._writing(), rows)

    # -- reading ------------------------------------------------------------------------

    def count(self) -> int:
        return self._count()

    def get(self, article_id: int) -> StoredArticle:
        row = self._connection.execute(select(articles).where(articles.c.id == article_id)).first()
        if row is None:
            raise ArticleNotFoundError(
                f"no article has id {article_id}; 'newsarchive list' shows the ids"
            )
        found = self._connection.execute(
            select(
                article_sources.c.path,
                article_sources.c.path_bytes,
                article_sources.c.place,
                article_sources.c.places,
            )
            .where(article_sources.c.article_id == article_id)
            .order_by(article_sources.c.id)
        ).all()
        return _stored_article(row, found)

    def raw(self, article_id: int) -> bytes:
        data = self._connection.scalar(
            select(article_raw.c.data).where(article_raw.c.article_id == article_id)
        )
        if data is None:
            raise ArticleNotFoundError(
                f"no article has id {article_id}; 'newsarchive list' shows the ids"
            )
        return cast(bytes, data)

    def headlines_of(self, ids: Collection[int]) -> dict[int, str]:
        """The headline of each of these ids that is an article (absent ids are left out)."""
        return self._by_id(ids, articles.c.headline)

    def surroundings(self, article: StoredArticle, *, linked_from: bool = True) -> Surroundings:
        """The article's link targets, what links to it, and its other versions with what
        changed, for `show`. Without `linked_from`, what links to it is left out (browse
        looks that slower part up after showing the article)."""
        from newsarchive.text.related import other_versions

        others = self.versions_of(article.id)
        return Surroundings(
            link_targets=self.links.link_targets(article.id),
            linked_from=tuple(self.links.linked_from(article.id)) if linked_from else (),
            versions=other_versions(article, others),
        )

    def versions_of(self, article_id: int) -> builtins.list[StoredArticle]:
        """The other versions of an article's story, newest first."""
        if article_id not in (found := self.versions.groups_of([article_id])):
            return []
        _, cluster = found[article_id]
        ids = self._connection.scalars(
            select(articles.c.id)
            .where(articles.c.cluster_id == cluster, articles.c.id != article_id)
            .order_by(articles.c.published.desc().nulls_last(), articles.c.id.desc())
        ).all()
        return [self.get(id_) for id_ in ids]

    # -- listing and searching ----------------------------------------------------------

    def search(
        self,
        query: Query,
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        dated: DatedBy = "any",
        limit: int = 20,
        all_versions: bool = False,
        publication: str | None = None,
    ) -> SearchResults:
        """Best matches first (a headline match above a dek match above a body match above
        a byline or URL match), with a snippet of the body each; one row per story (the
        newest version that matches) unless `all_versions`."""
        filters = Filters(since, until, dated, all_versions, publication)
        return self._backend.index.search(self._connection, query.tree, filters, limit)

    def list(
        self,
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        dated: DatedBy = "any",
        limit: int | None = None,
        all_versions: bool = False,
        publication: str | None = None,
    ) -> Listing:
        """Articles newest first (undated last, newest ingested first), with date filters;
        one row per story (the newest version the filters keep) unless `all_versions`.

        `dated` keeps only articles whose date was stated ("explicit") or inferred. The
        rows stream a page at a time (see page): the first come at once and memory stays
        flat at any size, on either engine (a server-side cursor would need a transaction
        that PostgreSQL reads do not hold).
        """
        filters = Filters(since, until, dated, all_versions, publication)
        undated_left_out = 0
        if filters.by_date:
            undated_left_out = (
                self._connection.scalar(
                    select(func.count()).select_from(articles).where(articles.c.published.is_(None))
                )
                or 0
            )
        return Listing(self._pages(filters, limit), undated_left_out)

    def _pages(self, filters: Filters, limit: int | None) -> Iterator[ArticleSummary]:
        after: tuple[dt.date | None, int] | None = None
        left, size = limit, LIST_FIRST_PAGE
        while left is None or left > 0:
            wanted = size if left is None else min(size, left)
            rows = self._page(filters, after, wanted)
            yield from rows
            if left is not None:
                left -= len(rows)
            if len(rows) < wanted:
                return
            after, size = (rows[-1].published, rows[-1].id), LIST_PAGE

    def page(
        self,
        *,
        after: tuple[dt.date | None, int] | None = None,
        limit: int,
        since: dt.date | None = None,
        until: dt.date | None = None,
        dated: DatedBy = "any",
        all_versions: bool = False,
    ) -> builtins.list[ArticleSummary]:  # `list` in here is Store.list
        """The next `limit` rows of `list` after the row whose (published, id) is `after`,
        or the first `limit`: a page for a reader scrolling through the archive (browse),
        and what `list` streams. Keyset paging, so the thousandth page costs what the
        first does."""
        return self._page(Filters(since, until, dated, all_versions), after, limit)

    def _page(
        self, filters: Filters, after: tuple[dt.date | None, int] | None, limit: int
    ) -> builtins.list[ArticleSummary]:
        """Two index walks: the dated rows through (published, id) compared as a row
        value, then, when those run out, the undated ones by id (a comparison with a NULL
        is never true, so one condition cannot cover both)."""
        a = ARTICLE
        conditions = [*filters.conditions(a), *filters.newest_version(a)]
        rows: builtins.list[ArticleSummary] = []
        if after is None or after[0] is not None:
            dated = _listed(a).where(*conditions, a.c.published.is_not(None))
            if after is not None:
                key = tuple_(literal(after[0], Date), literal(after[1]))
                dated = dated.where(tuple_(a.c.published, a.c.id) < key)
            rows += self._summaries(dated, a, limit)
        if len(rows) < limit and not filters.by_date:
            undated = _listed(a).where(*conditions, a.c.published.is_(None))
            if after is not None and after[0] is None:
                undated = undated.where(a.c.id < after[1])
            rows += self._summaries(undated, a, limit - len(rows))
        return rows

    def _summaries(self, query: Any, a: Any, limit: int) -> builtins.list[ArticleSummary]:
        ordered = query.order_by(a.c.published.desc(), a.c.id.desc()).limit(limit)
        return [_summary(row) for row in self._rows(ordered)]


def _stored_article(row: Row[Any], sources: Sequence[Any]) -> StoredArticle:
    """An articles row and its source paths' (path, path_bytes, place, places), first first."""
    places = tuple((place, places) for _, _, place, places in sources)
    return StoredArticle(
        id=row.id,
        sha256=row.sha256,
        headline=row.headline,
        dek=row.dek,
        byline=row.byline,
        source_url=row.source_url,
        dateline=row.dateline,
        publication=row.publication,
        meta=meta_from_row(row.meta),
        published=row.published,
        date_source=DateSource(row.date_source) if row.date_source else None,
        date_confidence=row.date_confidence,
        date_evidence=tuple(row.date_evidence),
        blocks=blocks_from_row(row.body, row.blocks),
        encoding=row.encoding,
        byte_size=row.byte_size,
        ingested_at=as_utc(row.ingested_at),
        sources=tuple(paths.from_columns(path, exact) for path, exact, _, _ in sources),
        words=row.word_count,
        places=places if any(p != (0, 0) for p in places) else (),
    )


def _listed(a: Any) -> Any:
    """The columns of a `list` row, over the articles table aliased as `a`."""
    return select(
        a.c.id,
        a.c.headline,
        a.c.published,
        a.c.date_source,
        first_source(a, article_sources.c.path).label("source"),
        first_source(a, article_sources.c.path_bytes).label("source_bytes"),
        first_source(a, article_sources.c.place).label("source_place"),
        first_source(a, article_sources.c.places).label("source_places"),
        a.c.word_count,
        version_count(a).label("versions"),
    )


def _summary(row: Row[Any]) -> ArticleSummary:
    return ArticleSummary(**_summary_fields(row))


def _summary_fields(row: Row[Any]) -> dict[str, Any]:
    return {
        "id": row.id,
        "headline": row.headline,
        "published": row.published,
        "date_source": DateSource(row.date_source) if row.date_source else None,
        "source": None if row.source is None else paths.from_columns(row.source, row.source_bytes),
        "word_count": row.word_count,
        "versions": row.versions,
        "place": (row.source_place, row.source_places) if row.source_place else None,
    }
