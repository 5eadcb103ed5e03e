"""The archive's queries: add, get, list, search. Nothing here commits: archive.Archive owns
the transaction.

Rows stay in this module; callers get records (records.py). Portable SQLAlchemy Core
throughout, on one Connection; bulk writes, search and integrity checks are the engine's
(backends/).
"""

from __future__ import annotations

import builtins
import datetime as dt
import heapq
import itertools
import operator
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import (
    JSON,
    Connection,
    Date,
    Row,
    bindparam,
    delete,
    extract,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.types import Text

from newsarchive.model.errors import ArticleNotFoundError
from newsarchive.model.records import (
    ArticleSummary,
    DateSource,
    EngineFacts,
    OtherVersion,
    StoredArticle,
    Surroundings,
)
from newsarchive.model.rows import (
    DATE_COLUMNS,
    DateValues,
    Derived,
    Lookups,
    blocks_from_row,
    meta_from_row,
    values_of,
)
from newsarchive.storage.backends import (
    DELETED_UP_TO,
    VERSIONS,
    Backend,
    DatedBy,
    Filters,
    NewArticle,
    SearchResults,
    json_loads,
)
from newsarchive.storage.schema import (
    archive_settings,
    article_bands,
    article_links,
    article_names,
    article_raw,
    article_sources,
    articles,
    export_files,
)
from newsarchive.text import paths
from newsarchive.text.columns import derived, lookups
from newsarchive.text.query import Query

__all__ = ["DatedBy", "Listing", "NewArticle", "SearchResults", "Store", "StoredRecord"]

# SQLite allows 32766 bound parameters per statement; stay well below for IN (...) lists.
_IN_CHUNK = 900
LIST_PAGE = 500  # rows `list` reads at a time
LIST_FIRST_PAGE = 50  # and first: a screenful, quickly
_Key = TypeVar("_Key", int, str)


# A related link's look-up rows, as the link walks read them: (article, position, tier, name).
_LINK_COLUMNS = (
    article_links.c.article_id,
    article_links.c.position,
    article_links.c.tier,
    article_links.c.name,
)


@dataclass(frozen=True, slots=True)
class Listing:
    """What `list` shows. `articles` streams from the archive (a page of rows at a time):
    read it inside the transaction that made it, once."""

    articles: Iterator[ArticleSummary]
    # Undated articles a date filter left out; 0 when no filter was given.
    undated_left_out: int


@dataclass(frozen=True, slots=True)
class SourcePath:
    path: str  # exactly, as os functions take it (see paths.py)
    first_seen: dt.datetime
    # (number, of how many) when the path is a news-database export holding the article.
    place: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class ExportLayout:
    """A news-database export as kept: its articles by hash (["a", sha256]) and the bytes
    around them (["f", length], the next `length` bytes of `filler`), in file order."""

    sha256: str
    format: str
    layout: list[list[Any]]
    filler: bytes
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
    these); portable SQLAlchemy, with what differs per database asked of its `backend`."""

    def __init__(self, connection: Connection, backend: Backend, *, writable: bool = False) -> None:
        self._connection = connection
        self._backend = backend
        self._writable = writable

    # -- writing ------------------------------------------------------------------------

    def known_ids(self, hashes: Collection[str]) -> dict[str, int]:
        """Map each stored hash among `hashes` to its article id."""
        found: dict[str, int] = {}
        ordered = list(hashes)
        for start in range(0, len(ordered), _IN_CHUNK):
            chunk = ordered[start : start + _IN_CHUNK]
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
        found = [i.lookups or lookups(values_of(i.row)) for i in items]
        inserted = self._backend.insert_articles(self._writing(), items, now)
        self.add_derived(
            [
                f.rows(inserted[i.sha256])
                for i, f in zip(items, found, strict=True)
                if i.sha256 in inserted
            ]
        )
        return inserted

    def add_derived(self, rows: Sequence[Derived]) -> None:
        """Store the band keys, names and link look-ups derived from articles' columns."""
        connection = self._writing()
        for table, found in (
            (article_bands, [r for d in rows for r in d.bands]),
            (article_names, [r for d in rows for r in d.names]),
            (article_links, [r for d in rows for r in d.links]),
        ):
            if found:
                self._backend.insert_rows(connection, table, found)

    def remove_derived(self, ids: Collection[int]) -> None:
        """Delete what add_derived stored for these articles (before storing it anew)."""
        self._writing()
        for chunk in _chunks(ids):
            for table in (article_bands, article_names, article_links):
                self._connection.execute(delete(table).where(table.c.article_id.in_(chunk)))

    def delete_articles(self, ids: Collection[int]) -> None:
        """Delete articles with everything kept of them: raw bytes, source paths, band
        keys, names and link look-ups (and, through the engine's own triggers or generated
        columns, their search-index entries). Their versions are the caller's to group
        again (versions.regroup). Their ids are never given out again (DELETED_UP_TO)."""
        self._writing()
        if not ids:
            return
        deleted_up_to = max(int(self.setting(DELETED_UP_TO) or 0), *ids)
        self.set_setting(DELETED_UP_TO, str(deleted_up_to))
        self._mark_deleted_in_exports(set(self.hashes_of(ids).values()))
        for chunk in _chunks(ids):
            # The foreign keys cascade too; deleting here says so, whatever the engine does.
            for table in (article_raw, article_sources):
                self._connection.execute(delete(table).where(table.c.article_id.in_(chunk)))
        self.remove_derived(ids)
        for chunk in _chunks(ids):
            self._connection.execute(delete(articles).where(articles.c.id.in_(chunk)))

    def _mark_deleted_in_exports(self, hashes: set[str]) -> None:
        """An export whose article is deleted can no longer be rebuilt: its layout says
        so (["d", sha256]), so that verify tells a deletion from a loss."""
        rows = self._connection.execute(select(export_files.c.sha256, export_files.c.layout))
        for sha256, layout in list(rows):
            if not any(kind == "a" and value in hashes for kind, value in layout):
                continue
            marked = [["d", v] if k == "a" and v in hashes else [k, v] for k, v in layout]
            self._connection.execute(
                update(export_files).where(export_files.c.sha256 == sha256).values(layout=marked)
            )

    def lookups_of(self, ids: Collection[int]) -> dict[int, Lookups]:
        """What article_bands, article_names and article_links hold for these articles,
        as Lookups (each list in no particular order)."""
        found = {i: Lookups([], [], []) for i in ids}
        for chunk in _chunks(ids):
            for band, id_ in self._rows(
                select(article_bands.c.band, article_bands.c.article_id).where(
                    article_bands.c.article_id.in_(chunk)
                )
            ):
                found[id_].bands.append(band)
            for name, id_ in self._rows(
                select(article_names.c.name, article_names.c.article_id).where(
                    article_names.c.article_id.in_(chunk)
                )
            ):
                found[id_].names.append(name)
            for id_, position, tier, name in self._rows(
                select(*_LINK_COLUMNS).where(article_links.c.article_id.in_(chunk))
            ):
                found[id_].links.append((position, tier, name))
        return found

    def lookups_in_order(self) -> Iterator[tuple[int, Lookups]]:
        """Every article's Lookups (as lookups_of), in id order, articles with none left out:
        each table read once, sorted by article id, the three merged as they stream. For a
        walk over every article (verify): looking up a batch's ids read the whole of
        article_bands and article_names each time (neither is keyed by article id), so a
        walk cost the square of the archive's size (20,000 articles: a quarter of verify)."""
        bands, names, links = article_bands.c, article_names.c, article_links.c

        def streamed(*columns: Any) -> Iterator[Any]:
            query = select(*columns).order_by(columns[0])
            yield from self._connection.execute(
                query.execution_options(stream_results=True, yield_per=10_000)
            )

        streams = [
            ((row[0], 0, row[1]) for row in streamed(bands.article_id, bands.band)),
            ((row[0], 1, row[1]) for row in streamed(names.article_id, names.name)),
            (
                (row[0], 2, (row[1], row[2], row[3]))
                for row in streamed(links.article_id, links.position, links.tier, links.name)
            ),
        ]
        merged = heapq.merge(*streams, key=operator.itemgetter(0))
        for article_id, entries in itertools.groupby(merged, key=operator.itemgetter(0)):
            found = Lookups([], [], [])
            parts: tuple[list[Any], ...] = (found.bands, found.names, found.links)
            for _, kind, value in entries:
                parts[kind].append(value)
            yield article_id, found

    # -- versions -----------------------------------------------------------------------

    def shared_bands(self) -> list[tuple[int, list[int]]]:
        """Every band key more than one article holds, with its holders in id order: the
        candidate versions of the whole archive, for verify."""
        shared = (
            select(article_bands.c.band)
            .group_by(article_bands.c.band)
            .having(func.count() > 1)
            .scalar_subquery()
        )
        query = (
            select(article_bands.c.band, article_bands.c.article_id)
            .where(article_bands.c.band.in_(shared))
            .order_by(article_bands.c.band, article_bands.c.article_id)
        )
        found: list[tuple[int, list[int]]] = []
        for band, article_id in self._connection.execute(query):
            if not found or found[-1][0] != band:
                found.append((band, []))
            found[-1][1].append(article_id)
        return found

    def grouped(self) -> dict[int, tuple[int | None, int | None]]:
        """(family, cluster) of every article that is not alone: in a family or cluster
        named after another article, or named after it with other members."""
        other = articles.alias()
        shared = select(other.c.id).where(
            (other.c.family_id == articles.c.id) & (other.c.id != articles.c.id)
        )
        query = select(articles.c.id, articles.c.family_id, articles.c.cluster_id).where(
            or_(
                articles.c.cluster_id.is_(None),
                articles.c.family_id.is_(None),
                articles.c.cluster_id != articles.c.id,
                articles.c.family_id != articles.c.id,
                shared.exists(),
            )
        )
        return {id_: (family, cluster) for id_, family, cluster in self._connection.execute(query)}

    def sharing_bands(
        self, keys: Collection[int], head: int, excluding: Collection[int] = ()
    ) -> dict[int, list[int]]:
        """For each of these band keys that articles other than `excluding` hold, the first
        `head` of them by id (versions.py compares an article with those alone)."""
        found: dict[int, list[int]] = {}
        for band, article_id in self._backend.band_holders(
            self._connection, sorted(keys), head, sorted(excluding)
        ):
            found.setdefault(band, []).append(article_id)
        return found

    def story_texts(self, ids: Collection[int]) -> dict[int, str]:
        """The text articles are compared by for versions (fingerprint.story_text)."""
        from newsarchive.text.fingerprint import story_text

        found: dict[int, str] = {}
        for chunk in _chunks(ids):
            rows = self._connection.execute(
                select(articles.c.id, articles.c.headline, articles.c.dek, articles.c.body).where(
                    articles.c.id.in_(chunk)
                )
            )
            found.update((id_, story_text(h, d, b)) for id_, h, d, b in rows)
        return found

    def band_keys(self, ids: Collection[int]) -> dict[int, list[int]]:
        """Each article's band keys, as stored with it ([] when it has no fingerprint)."""
        from newsarchive.text.fingerprint import unpack

        return {id_: unpack(packed) for id_, packed in self.fingerprints_of(ids).items()}

    def groups_of(self, ids: Collection[int]) -> dict[int, tuple[int, int]]:
        """Each article's family and cluster (versions.py): (family_id, cluster_id)."""
        found: dict[int, tuple[int, int]] = {}
        for chunk in _chunks(ids):
            rows = self._connection.execute(
                select(articles.c.id, articles.c.family_id, articles.c.cluster_id).where(
                    articles.c.id.in_(chunk)
                )
            )
            found.update(
                (
                    id_,
                    (
                        family if family is not None else id_,
                        cluster if cluster is not None else id_,
                    ),
                )
                for id_, family, cluster in rows
            )
        return found

    def family_members(self, families: Collection[int]) -> list[int]:
        """The ids in these families, in id order."""
        found: list[int] = []
        for chunk in _chunks(families):
            found += self._connection.scalars(
                select(articles.c.id).where(articles.c.family_id.in_(chunk))
            ).all()
        return sorted(found)

    def fingerprints_of(self, ids: Collection[int]) -> dict[int, bytes]:
        """Each article's packed band keys (b"" when it has none)."""
        return {i: bytes(p or b"") for i, p in self._by_id(ids, articles.c.fingerprint).items()}

    def hashes_of(self, ids: Collection[int]) -> dict[int, str]:
        return self._by_id(ids, articles.c.sha256)

    def headlines_of(self, ids: Collection[int]) -> dict[int, str]:
        """The headline of each of these ids that is an article (absent ids are left out)."""
        return self._by_id(ids, articles.c.headline)

    def dates_of(self, ids: Collection[int]) -> dict[int, DateValues]:
        """The date columns of each of these ids that is an article."""
        columns = [articles.c[c] for c in DATE_COLUMNS]
        return {
            id_: cast(DateValues, dict(zip(DATE_COLUMNS, values, strict=True)))
            for id_, values in self._columns_of(ids, *columns).items()
        }

    def set_groups(self, groups: Mapping[int, tuple[int, int]]) -> None:
        """Put articles (id -> (family, cluster)) into families and clusters."""
        self.update_articles(
            [{"id": i, "family_id": f, "cluster_id": c} for i, (f, c) in groups.items()]
        )

    def newest_versions(self, clusters: Collection[int]) -> dict[int, int]:
        """The newest version (as `list` orders them) of each of these clusters."""
        found: dict[int, int] = {}
        for chunk in _chunks(clusters):
            rows = self._connection.execute(
                select(articles.c.cluster_id, articles.c.id)
                .where(articles.c.cluster_id.in_(chunk))
                .order_by(articles.c.published.desc().nulls_last(), articles.c.id.desc())
            )
            for cluster, id_ in rows:
                found.setdefault(cast(int, cluster), id_)
        return found

    def versions_of(self, article_id: int) -> list[StoredArticle]:
        """The other versions of an article's story, newest first."""
        if article_id not in (found := self.groups_of([article_id])):
            return []
        _, cluster = found[article_id]
        ids = self._connection.scalars(
            select(articles.c.id)
            .where(articles.c.cluster_id == cluster, articles.c.id != article_id)
            .order_by(articles.c.published.desc().nulls_last(), articles.c.id.desc())
        ).all()
        return [self.get(id_) for id_ in ids]

    # -- related links ------------------------------------------------------------------

    def link_targets(self, article_id: int) -> dict[int, int | None]:
        """Each related link of the article (by its position among the blocks) and the
        article it leads to, or None: no match, or matches that are not versions of one
        story (ambiguous: never guessed). The first tier of look-ups with a match decides
        (links.link_lookups); a story's newest version is the target."""
        return self.link_targets_of([article_id]).get(article_id, {})

    def link_targets_of(
        self, ids: Collection[int], blocks: Mapping[int, Any] | None = None
    ) -> dict[int, dict[int, int | None]]:
        """`link_targets` of each of these articles that has related links, in a few
        queries for all of them (export reads a batch at a time). `blocks`: the articles'
        blocks column (decoded, or its JSON text) when the caller has read it already."""
        lookups: dict[int, dict[int, list[tuple[int, str]]]] = {}
        for chunk in _chunks(ids):
            for id_, position, tier, name in self._rows(
                select(*_LINK_COLUMNS)
                .where(article_links.c.article_id.in_(chunk))
                .order_by(
                    article_links.c.article_id, article_links.c.position, article_links.c.tier
                )
            ):
                lookups.setdefault(id_, {}).setdefault(position, []).append((tier, name))
        if not lookups:
            return {}
        from newsarchive.text.links import confirms

        wanted = {n for links in lookups.values() for f in links.values() for _, n in f}
        named: dict[str, list[int]] = {}
        for names in _chunks(wanted):
            for name, id_ in self._rows(
                select(article_names.c.name, article_names.c.article_id).where(
                    article_names.c.name.in_(names)
                )
            ):
                named.setdefault(name, []).append(id_)
        candidates = {i for found in named.values() for i in found}
        facts = {
            id_: (headline, cluster if cluster is not None else id_)
            for id_, (headline, cluster) in self._columns_of(
                candidates, articles.c.headline, articles.c.cluster_id
            ).items()
        }
        if blocks is None:
            blocks = self._by_id(lookups, articles.c.blocks)
        chosen: dict[int, dict[int, int | None]] = {}
        for id_, links in lookups.items():
            mine = chosen[id_] = {}
            listed = blocks.get(id_) or []
            if isinstance(listed, str):
                listed = json_loads(listed)
            for position, found in links.items():
                mine[position] = None
                text = str(listed[position].get("text", "")) if listed else ""
                for tier, name in found:
                    matches = [
                        i
                        for i in named.get(name, ())
                        if i != id_ and confirms(tier, text, facts[i][0])
                    ]
                    if matches:
                        clusters = {facts[i][1] for i in matches}
                        mine[position] = clusters.pop() if len(clusters) == 1 else -1
                        break
        clusters = {c for mine in chosen.values() for c in mine.values() if c not in (None, -1)}
        newest = self.newest_versions(clusters)
        return {
            id_: {p: newest.get(c) if c is not None and c != -1 else None for p, c in mine.items()}
            for id_, mine in chosen.items()
        }

    def surroundings(self, article: StoredArticle, *, linked_from: bool = True) -> Surroundings:
        """The article's link targets, what links to it, and its other versions with what
        changed, for `show`. Without `linked_from`, what links to it is left out (browse
        looks that slower part up after showing the article)."""
        others = self.versions_of(article.id)
        if others:  # the word diff's modules only for an article with versions
            from newsarchive.text.compare import change_summary
        return Surroundings(
            link_targets=self.link_targets(article.id),
            linked_from=tuple(self.linked_from(article.id)) if linked_from else (),
            versions=tuple(
                OtherVersion(
                    id=other.id,
                    headline=other.headline,
                    published=other.published,
                    word_count=other.word_count,
                    ingested_at=other.ingested_at,
                    change=change_summary(article, other),
                )
                for other in others
            ),
        )

    def linked_from(self, article_id: int) -> list[int]:
        """The articles with a related link that leads to this article's story."""
        if article_id not in (found := self.groups_of([article_id])):
            return []
        _, cluster = found[article_id]
        members = self._connection.scalars(
            select(articles.c.id).where(articles.c.cluster_id == cluster)
        ).all()
        names = select(article_names.c.name).where(article_names.c.article_id.in_(members))
        linking = self._connection.scalars(
            select(article_links.c.article_id)
            .where(article_links.c.name.in_(names), article_links.c.article_id.not_in(members))
            .distinct()
            .order_by(article_links.c.article_id)
        ).all()
        return [other for other in linking if set(self.link_targets(other).values()) & set(members)]

    def with_versions(self) -> int:
        """How many articles share their cluster with another."""
        other = articles.alias()
        shared = select(other.c.id).where(
            (other.c.cluster_id == articles.c.cluster_id) & (other.c.id != articles.c.id)
        )
        query = select(func.count()).select_from(articles).where(shared.exists())
        return self._connection.scalar(query) or 0

    def unfingerprinted(self) -> int:
        """How many articles were stored before versions were grouped (reparse keys them)."""
        query = select(func.count()).where(articles.c.fingerprint.is_(None))
        return self._connection.scalar(query) or 0

    def setting(self, key: str) -> str | None:
        return self._connection.scalar(
            select(archive_settings.c.value).where(archive_settings.c.key == key)
        )

    def settings(self) -> dict[str, str]:
        """Every setting the archive holds (those at their default are absent)."""
        rows = self._connection.execute(select(archive_settings.c.key, archive_settings.c.value))
        return {key: value for key, value in rows}

    def set_setting(self, key: str, value: str | None) -> None:
        """Set an archive setting; None removes it (its default applies again)."""
        self._writing()
        self._connection.execute(delete(archive_settings).where(archive_settings.c.key == key))
        if value is not None:
            self._connection.execute(insert(archive_settings).values(key=key, value=value))

    def ungroup(self) -> list[int]:
        """Make every article a family and cluster of its own; return the ids that have a
        fingerprint, in id order (versions.regroup_all groups them again)."""
        self._writing()
        self._connection.execute(
            update(articles)
            .where(
                or_(articles.c.family_id != articles.c.id, articles.c.cluster_id != articles.c.id)
            )
            .values(family_id=articles.c.id, cluster_id=articles.c.id)
        )
        query = select(articles.c.id).where(articles.c.fingerprint.is_not(None))
        return list(self._connection.scalars(query.order_by(articles.c.id)))

    def add_sources(
        self,
        sources: Iterable[tuple[int, str] | tuple[int, str, tuple[int, int] | None]],
        now: dt.datetime,
    ) -> int:
        """Record (article id, path, place) not yet recorded; return how many were new. A
        path is as os functions give it, its bytes kept exactly (paths.columns); the place
        is (number, of how many) for an article of an export, else None. An article found
        twice in one file keeps its first place."""
        first: dict[tuple[int, str], tuple[int, int] | None] = {}
        for source in sources:
            key = (source[0], source[1])
            if key not in first:
                first[key] = source[2] if len(source) > 2 else None
        rows = [_source_row(a, p, now, place) for (a, p), place in first.items()]
        if not rows:
            return 0
        return self._backend.insert_sources(self._writing(), rows)

    def add_sources_seen(self, sources: Sequence[tuple[int, SourcePath]]) -> int:
        """Record paths with the time each was first seen elsewhere (an import), but those
        already recorded; returns how many were new."""
        rows = [_source_row(i, s.path, s.first_seen, s.place) for i, s in sources]
        return self._backend.insert_sources(self._writing(), rows) if rows else 0

    def add_export(
        self,
        sha256: str,
        format: str,
        layout: Sequence[tuple[str, str | int]],
        filler: bytes,
        now: dt.datetime,
    ) -> bool:
        """Keep a news-database export's layout, unless kept already; whether it was new."""
        connection = self._writing()
        if connection.scalar(select(export_files.c.sha256).where(export_files.c.sha256 == sha256)):
            return False
        connection.execute(
            insert(export_files).values(
                sha256=sha256,
                format=format,
                layout=[list(entry) for entry in layout],
                filler=filler,
                first_seen=now,
            )
        )
        return True

    def export_layouts(self) -> Iterator[ExportLayout]:
        """Every news-database export kept, one at a time."""
        query = select(export_files.c.sha256).order_by(export_files.c.sha256)
        for sha256 in list(self._connection.scalars(query)):
            row = self._connection.execute(
                select(export_files).where(export_files.c.sha256 == sha256)
            ).one()
            yield ExportLayout(
                sha256, row.format, row.layout, bytes(row.filler), _as_utc(row.first_seen)
            )

    def raw_by_hash(self, hashes: Collection[str]) -> dict[str, bytes]:
        """The original bytes of the articles with these hashes (those stored)."""
        found: dict[str, bytes] = {}
        for chunk in _chunks(hashes):
            rows = self._connection.execute(
                select(articles.c.sha256, article_raw.c.data)
                .join(article_raw, article_raw.c.article_id == articles.c.id)
                .where(articles.c.sha256.in_(chunk))
            )
            found.update((sha, bytes(data)) for sha, data in rows)
        return found

    def taken_ids(self, ids: Collection[int]) -> set[int]:
        """Which of these ids articles have."""
        return set(self._by_id(ids, articles.c.id))

    def _columns_of(self, ids: Collection[int], *columns: Any) -> dict[int, tuple[Any, ...]]:
        """Some columns of these articles, by id."""
        found: dict[int, tuple[Any, ...]] = {}
        for chunk in _chunks(ids):
            rows = self._rows(select(articles.c.id, *columns).where(articles.c.id.in_(chunk)))
            found.update((row[0], tuple(row[1:])) for row in rows)
        return found

    def _by_id(self, ids: Collection[int], column: Any) -> dict[int, Any]:
        """One column of these articles, by id."""
        return {id_: values[0] for id_, values in self._columns_of(ids, column).items()}

    def _rows(self, query: Any) -> Sequence[Any]:
        """The rows of a query, fetched at once."""
        return self._connection.execute(query).all()

    def _writing(self) -> Connection:
        """The connection, in its transaction: an engine may write through the driver's
        own connection, which would not begin it (and take the write lock) by itself."""
        if not self._writable:
            raise AssertionError("a write through a Store from Archive.reading()")
        if not self._connection.in_transaction():
            self._connection.begin()
        return self._connection

    def copy_in(self, records: Sequence[StoredRecord]) -> None:
        """Store articles exactly as another archive holds them: the same ids, columns, raw
        bytes and source paths with their times (for `copy`; the ids must be free)."""
        if not records:
            return
        connection = self._writing()
        connection.execute(
            insert(articles),
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
            insert(article_raw), [{"article_id": r.id, "data": r.data} for r in records]
        )
        sources = [
            _source_row(r.id, s.path, s.first_seen, s.place) for r in records for s in r.sources
        ]
        if sources:
            connection.execute(insert(article_sources), sources)
        self.add_derived([derived(r.id, r.columns) for r in records])
        self._backend.ids_taken(connection)

    def last(self) -> tuple[int, str] | None:
        """The id and hash of the article with the highest id, if any."""
        row = self._connection.execute(
            select(articles.c.id, articles.c.sha256).order_by(articles.c.id.desc()).limit(1)
        ).first()
        return (row[0], row[1]) if row else None

    def sha256_of(self, article_id: int) -> str | None:
        return self._connection.scalar(select(articles.c.sha256).where(articles.c.id == article_id))

    def set_dates(self, updates: Sequence[dict[str, Any]]) -> None:
        """Replace the date columns of articles: each update has `id` and DATE_COLUMNS."""
        self.update_articles([{"id": u["id"], **{c: u[c] for c in DATE_COLUMNS}} for u in updates])

    def update_articles(self, updates: Sequence[dict[str, Any]]) -> None:
        """Set columns of articles: each update has `id` and the columns to set. The search
        index follows through its update trigger (only when searched columns are set).
        One executemany per set of columns set."""
        if not updates:
            return
        self._writing()
        by_columns: dict[tuple[str, ...], builtins.list[dict[str, Any]]] = {}
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

    # -- checking -----------------------------------------------------------------------

    def integrity_problems(self) -> list[str]:
        """What the engine and the search index say is wrong with the archive as a whole."""
        connection = self._connection
        return self._backend.integrity_problems(connection) + self._backend.index.problems(
            connection, self.count()
        )

    def checks_not_run(self) -> list[str]:
        """The checks integrity_problems could not run on the archive as opened."""
        return self._backend.checks_not_run()

    def largest_raw(self) -> int:
        """The size of the largest article's raw bytes (0: no article). Both engines read
        a value's length without reading the value."""
        found = self._connection.scalar(select(func.max(func.length(article_raw.c.data))))
        return int(found or 0)

    def missing_parts(self) -> list[tuple[int, str]]:
        """Articles without their raw bytes or without any source path."""
        no_raw = select(articles.c.id).where(
            ~select(article_raw.c.article_id)
            .where(article_raw.c.article_id == articles.c.id)
            .exists()
        )
        no_source = select(articles.c.id).where(
            ~select(article_sources.c.id)
            .where(article_sources.c.article_id == articles.c.id)
            .exists()
        )
        missing = [(id_, "its raw bytes are missing") for id_ in self._connection.scalars(no_raw)]
        missing += [(id_, "it has no source path") for id_ in self._connection.scalars(no_source)]
        return missing

    def records(
        self, *, after: int, limit: int, parsed_before: int | None = None
    ) -> list[StoredRecord]:
        """Up to `limit` articles past id `after`, in id order, whole (see StoredRecord).
        `parsed_before` keeps only articles read by an older parser than that version, or
        stored before versions were grouped (no fingerprint): what reparse reads again."""
        query = _whole().where(articles.c.id > after).order_by(articles.c.id).limit(limit)
        if parsed_before is not None:
            query = query.where(_stale(parsed_before))
        return self._records(query)

    def records_of(self, ids: Collection[int], *, json_text: bool = False) -> list[StoredRecord]:
        """These articles, whole, in id order (ids not stored are left out). `json_text`
        gives the JSON columns as the text stored, undecoded: export writes them as they are.
        """
        found: list[StoredRecord] = []
        for chunk in _chunks(ids):
            query = _whole(json_text).where(articles.c.id.in_(chunk)).order_by(articles.c.id)
            found += self._records(query)
        return found

    def _records(self, query: Any) -> list[StoredRecord]:
        rows = self._rows(query)
        sources: dict[int, list[SourcePath]] = {}
        ids = [row.id for row in rows]
        for start in range(0, len(ids), _IN_CHUNK):
            found = self._rows(
                select(
                    article_sources.c.article_id,
                    article_sources.c.path,
                    article_sources.c.path_bytes,
                    article_sources.c.first_seen,
                    article_sources.c.place,
                    article_sources.c.places,
                )
                .where(article_sources.c.article_id.in_(ids[start : start + _IN_CHUNK]))
                .order_by(article_sources.c.id)
            )
            for article_id, path, exact, first_seen, place, places in found:
                source = SourcePath(
                    paths.from_columns(path, exact),
                    _as_utc(first_seen),
                    (place, places) if place else None,
                )
                sources.setdefault(article_id, []).append(source)
        return [_record(row._asdict(), tuple(sources.get(row.id, ()))) for row in rows]

    def selected_ids(
        self,
        *,
        after: int,
        limit: int,
        query: Query | None = None,
        filters: Filters | None = None,
        ids: Collection[int] | None = None,
    ) -> list[int]:
        """The next `limit` ids past `after`, in id order, of the articles that match
        `query` and pass `filters` (every version: filters.all_versions is not asked),
        among `ids` if given: a page of what `export` writes."""
        filters = filters or Filters()
        if query is not None:
            connection = self._connection
            found = self._backend.index.matching(connection, query.tree, filters, after, limit)
            if ids is not None:  # a few the user named: filtered here, page by page
                wanted = set(ids)
                found = [i for i in found if i in wanted]
            return found
        sql = "SELECT a.id FROM articles a WHERE a.id > :after" + filters.sql("a")
        params: dict[str, Any] = {"after": after, "limit": limit}
        params.update({k: v for k, v in (("since", filters.since), ("until", filters.until)) if v})
        params.update(filters.text_params())
        statement = text(sql + (" AND a.id IN :ids" if ids is not None else "") + _PAGE)
        if ids is not None:
            statement = statement.bindparams(bindparam("ids", expanding=True))
            params["ids"] = sorted(ids) or [0]
        statement = statement.bindparams(
            *(bindparam(k, v, type_=Date) for k, v in params.items() if k in ("since", "until"))
        )
        return list(self._connection.execute(statement, params).scalars())

    def count_parsed_before(self, version: int) -> int:
        """How many articles an older parser than `version` read, or stored before versions
        were grouped."""
        query = select(func.count()).where(_stale(version))
        return self._connection.scalar(query) or 0

    # -- counting -----------------------------------------------------------------------
    # Each a GROUP BY or an aggregate in the database: an archive may hold millions.

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
        return (_as_utc(row[0]), row[1]) if row else None

    def size_on_disk(self) -> int:
        return self._backend.size_on_disk(self._connection)

    def engine_facts(self) -> EngineFacts:
        return self._backend.facts(self._connection)

    # -- reading ------------------------------------------------------------------------

    def count(self) -> int:
        return self._connection.scalar(select(func.count()).select_from(articles)) or 0

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
        sources = [paths.from_columns(path, exact) for path, exact, _, _ in found]
        places = tuple((place or 0, places or 0) for _, _, place, places in found)
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
            ingested_at=_as_utc(row.ingested_at),
            sources=tuple(sources),
            words=row.word_count,
            places=places if any(p != (0, 0) for p in places) else (),
        )

    def raw(self, article_id: int) -> bytes:
        data = self._connection.scalar(
            select(article_raw.c.data).where(article_raw.c.article_id == article_id)
        )
        if data is None:
            raise ArticleNotFoundError(
                f"no article has id {article_id}; 'newsarchive list' shows the ids"
            )
        return cast(bytes, data)

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
        a = articles.alias("a")  # the engines' SQL (Filters) names it `a`
        bound = {"since": filters.since, "until": filters.until}
        conditions = text("1 = 1" + filters.sql("a") + filters.newest_version("1 = 1"))
        conditions = conditions.bindparams(
            *(bindparam(k, v, type_=Date) for k, v in bound.items() if v),
            **filters.text_params(),
        )
        rows: builtins.list[ArticleSummary] = []
        if after is None or after[0] is not None:
            dated = _listed(a).where(conditions, a.c.published.is_not(None))
            if after is not None:
                key = tuple_(literal(after[0], Date), literal(after[1]))
                dated = dated.where(tuple_(a.c.published, a.c.id) < key)
            rows += self._summaries(dated, a, limit)
        if len(rows) < limit and not filters.by_date:
            undated = _listed(a).where(conditions, a.c.published.is_(None))
            if after is not None and after[0] is None:
                undated = undated.where(a.c.id < after[1])
            rows += self._summaries(undated, a, limit - len(rows))
        return rows

    def _summaries(self, query: Any, a: Any, limit: int) -> builtins.list[ArticleSummary]:
        ordered = query.order_by(a.c.published.desc(), a.c.id.desc()).limit(limit)
        return [_summary(row) for row in self._rows(ordered)]


_PAGE = " ORDER BY a.id LIMIT :limit"


# The articles columns stored as JSON (see records_of's json_text), as bytes, as dates.
JSON_COLUMNS = frozenset(c.name for c in articles.columns if isinstance(c.type, JSON))
BINARY_COLUMNS = frozenset(c.name for c in articles.columns if c.type.python_type is bytes)
DATE_TYPED = frozenset(
    c.name for c in articles.columns if c.type.python_type in (dt.date, dt.datetime)
)


def _whole(json_text: bool = False) -> Any:
    """Articles with their raw bytes, as StoredRecord reads them (see records_of)."""
    columns = [
        sql_cast(c, Text).label(c.name) if json_text and isinstance(c.type, JSON) else c
        for c in articles.columns
    ]
    return select(*columns, article_raw.c.data).join(
        article_raw, article_raw.c.article_id == articles.c.id
    )


def _stale(version: int) -> Any:
    return or_(articles.c.parser_version < version, articles.c.fingerprint.is_(None))


def _chunks(values: Collection[_Key]) -> Iterator[list[_Key]]:
    """`values` in lists short enough for an IN (...) of bound parameters."""
    ordered = sorted(values)
    for start in range(0, len(ordered), _IN_CHUNK):
        yield ordered[start : start + _IN_CHUNK]


def _listed(a: Any) -> Any:
    """The columns of a `list` row, over the articles table aliased as `a`."""
    return select(
        a.c.id,
        a.c.headline,
        a.c.published,
        a.c.date_source,
        _first_source(a, article_sources.c.path, "source"),
        _first_source(a, article_sources.c.path_bytes, "source_bytes"),
        _first_source(a, article_sources.c.place, "source_place"),
        _first_source(a, article_sources.c.places, "source_places"),
        a.c.word_count,
        literal_column(VERSIONS).label("versions"),
    )


def _first_source(article: Any, column: Any, label: str) -> Any:
    """A column of the path an article was first read from, as a column of a query over
    articles."""
    return (
        select(column)
        .where(article_sources.c.article_id == article.c.id)
        .order_by(article_sources.c.id)
        .limit(1)
        .scalar_subquery()
        .label(label)
    )


def _source_row(
    article_id: int, path: str, first_seen: dt.datetime, place: tuple[int, int] | None = None
) -> dict[str, Any]:
    written, exact = paths.columns(path)
    return {
        "article_id": article_id,
        "path": written,
        "path_bytes": exact,
        "first_seen": first_seen,
        "place": place[0] if place else None,
        "places": place[1] if place else None,
    }


def _record(columns: dict[str, Any], sources: tuple[SourcePath, ...]) -> StoredRecord:
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
        "source": None if row.source is None else paths.from_columns(row.source, row.source_bytes),
        "word_count": row.word_count,
        "versions": row.versions,
        "place": (row.source_place, row.source_places) if row.source_place else None,
    }


def _as_utc(value: dt.datetime) -> dt.datetime:
    """In UTC: SQLite returns naive datetimes (the archive writes only UTC), PostgreSQL
    aware ones in the session's time zone (the server's, or PGTZ's)."""
    return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
