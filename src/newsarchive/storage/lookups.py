"""What is derived from each article's columns and kept to find it by (model.rows.Lookups): its
band keys (article_bands), the names it is found by (article_names) and its related links'
look-ups (article_links), stored with the article and rebuilt by reparse."""

from __future__ import annotations

import heapq
import itertools
import operator
from collections.abc import Collection, Iterator, Sequence
from typing import Any

from sqlalchemy import delete, select

from newsarchive.model.rows import Derived, Lookups
from newsarchive.storage.part import Part, chunks
from newsarchive.storage.schema import LINK_COLUMNS, article_bands, article_links, article_names


class StoredLookups(Part):
    """`store.lookups`: band keys, names and link look-ups, written and walked."""

    def add(self, rows: Sequence[Derived]) -> None:
        """Store the band keys, names and link look-ups derived from articles' columns."""
        connection = self._writing()
        for table, found in (
            (article_bands, [r for d in rows for r in d.bands]),
            (article_names, [r for d in rows for r in d.names]),
            (article_links, [r for d in rows for r in d.links]),
        ):
            if found:
                self._backend.insert_rows(connection, table, found)

    def remove(self, ids: Collection[int]) -> None:
        """Delete what `add` stored for these articles (before storing it anew)."""
        self._writing()
        for chunk in chunks(ids):
            for table in (article_bands, article_names, article_links):
                self._connection.execute(delete(table).where(table.c.article_id.in_(chunk)))

    def in_order(self) -> Iterator[tuple[int, Lookups]]:
        """Every article's Lookups, in id order, articles with none left out (each list in
        no particular order): each table read once, sorted by article id, the three merged
        as they stream. For a walk over every article (verify): looking up a batch's ids
        read the whole of article_bands and article_names each time (neither is keyed by
        article id), so a walk cost the square of the archive's size (20,000 articles: a
        quarter of verify)."""
        bands, names = article_bands.c, article_names.c

        def streamed(*columns: Any) -> Iterator[Any]:
            query = select(*columns).order_by(columns[0])
            yield from self._connection.execute(
                query.execution_options(stream_results=True, yield_per=10_000)
            )

        streams = [
            ((row[0], 0, row[1]) for row in streamed(bands.article_id, bands.band)),
            ((row[0], 1, row[1]) for row in streamed(names.article_id, names.name)),
            ((row[0], 2, (row[1], row[2], row[3])) for row in streamed(*LINK_COLUMNS)),
        ]
        merged = heapq.merge(*streams, key=operator.itemgetter(0))
        for article_id, entries in itertools.groupby(merged, key=operator.itemgetter(0)):
            found = Lookups([], [], [])
            parts: tuple[list[Any], ...] = (found.bands, found.names, found.links)
            for _, kind, value in entries:
                parts[kind].append(value)
            yield article_id, found
