"""Related links as stored: each link's look-up rows (article_links) against the names articles
can be found by (article_names), read for `show`, browse and export; which story a link leads
to is decided by text.related."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from newsarchive.storage.backends import json_loads
from newsarchive.storage.part import Part, chunks
from newsarchive.storage.schema import LINK_COLUMNS, article_links, article_names, articles

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from newsarchive.storage.backends import Backend
    from newsarchive.storage.versions import Versions


class Links(Part):
    """`store.links`: where related links lead, and what leads to an article."""

    def __init__(self, connection: Connection, backend: Backend, versions: Versions) -> None:
        super().__init__(connection, backend)
        self._versions = versions

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
        for chunk in chunks(ids):
            for id_, position, tier, name in self._rows(
                select(*LINK_COLUMNS)
                .where(article_links.c.article_id.in_(chunk))
                .order_by(
                    article_links.c.article_id, article_links.c.position, article_links.c.tier
                )
            ):
                lookups.setdefault(id_, {}).setdefault(position, []).append((tier, name))
        if not lookups:
            return {}
        from newsarchive.text.related import link_stories

        wanted = {n for links in lookups.values() for f in links.values() for _, n in f}
        named: dict[str, list[int]] = {}
        for names in chunks(wanted):
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
            listed = blocks.get(id_) or []
            if isinstance(listed, str):
                listed = json_loads(listed)
            chosen[id_] = link_stories(id_, links, listed, named, facts)
        stories = {c for mine in chosen.values() for c in mine.values() if c is not None}
        newest = self._versions.newest_versions(stories)
        return {
            id_: {p: newest.get(c) if c is not None else None for p, c in mine.items()}
            for id_, mine in chosen.items()
        }

    def linked_from(self, article_id: int) -> list[int]:
        """The articles with a related link that leads to this article's story."""
        if article_id not in (found := self._versions.groups_of([article_id])):
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
        targets = self.link_targets_of(linking)  # in a few queries for all of them
        wanted = set(members)
        return [other for other in linking if set(targets.get(other, {}).values()) & wanted]
