"""The versions of stories as stored: band keys and who holds them, families and clusters
(ops/versions.py decides; this reads and writes what it decided), for grouping, verify and
corrections."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import cast

from sqlalchemy import func, or_, select, update

from newsarchive.storage.part import Part, chunks
from newsarchive.storage.schema import article_bands, articles


class Versions(Part):
    """`store.versions`: band keys, families and clusters."""

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
        for chunk in chunks(ids):
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
        found = self._columns_of(ids, articles.c.family_id, articles.c.cluster_id)
        return {
            id_: (family if family is not None else id_, cluster if cluster is not None else id_)
            for id_, (family, cluster) in found.items()
        }

    def family_members(self, families: Collection[int]) -> list[int]:
        """The ids in these families, in id order."""
        found: list[int] = []
        for chunk in chunks(families):
            found += self._connection.scalars(
                select(articles.c.id).where(articles.c.family_id.in_(chunk))
            ).all()
        return sorted(found)

    def members_by_family(self, families: Collection[int]) -> dict[int, list[int]]:
        """The ids in each of these families (those with members), in id order."""
        found: dict[int, list[int]] = {}
        for chunk in chunks(families):
            rows = self._connection.execute(
                select(articles.c.family_id, articles.c.id)
                .where(articles.c.family_id.in_(chunk))
                .order_by(articles.c.id)
            )
            for family, id_ in rows:
                found.setdefault(family, []).append(id_)
        return found

    def fingerprints_of(self, ids: Collection[int]) -> dict[int, bytes]:
        """Each article's packed band keys (b"" when it has none)."""
        return {i: bytes(p or b"") for i, p in self._by_id(ids, articles.c.fingerprint).items()}

    def hashes_of(self, ids: Collection[int]) -> dict[int, str]:
        return self._by_id(ids, articles.c.sha256)

    def set_groups(self, groups: Mapping[int, tuple[int, int]]) -> None:
        """Put articles (id -> (family, cluster)) into families and clusters."""
        self._update([{"id": i, "family_id": f, "cluster_id": c} for i, (f, c) in groups.items()])

    def newest_versions(self, clusters: Collection[int]) -> dict[int, int]:
        """The newest version (as `list` orders them) of each of these clusters."""
        found: dict[int, int] = {}
        for chunk in chunks(clusters):
            rows = self._connection.execute(
                select(articles.c.cluster_id, articles.c.id)
                .where(articles.c.cluster_id.in_(chunk))
                .order_by(articles.c.published.desc().nulls_last(), articles.c.id.desc())
            )
            for cluster, id_ in rows:
                found.setdefault(cast(int, cluster), id_)
        return found

    def with_versions(self) -> int:
        """How many articles share their cluster with another."""
        other = articles.alias()
        shared = select(other.c.id).where(
            (other.c.cluster_id == articles.c.cluster_id) & (other.c.id != articles.c.id)
        )
        query = select(func.count()).select_from(articles).where(shared.exists())
        return self._connection.scalar(query) or 0

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
