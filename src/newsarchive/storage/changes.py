"""Changing stored articles: their columns (reparse), their dates (redate, corrections), and
deleting them with everything kept of them (corrections)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import delete, update

from newsarchive.model.rows import DATE_COLUMNS, DateValues
from newsarchive.storage.ids import DELETED_UP_TO
from newsarchive.storage.part import Part, chunks
from newsarchive.storage.schema import article_raw, article_sources, articles

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from newsarchive.storage.backends import Backend
    from newsarchive.storage.export_files import ExportFiles
    from newsarchive.storage.lookups import StoredLookups
    from newsarchive.storage.settings import Settings


class Changes(Part):
    """`store.changes`: articles' columns set, articles deleted."""

    def __init__(
        self,
        connection: Connection,
        backend: Backend,
        *,
        writable: bool,
        settings: Settings,
        export_files: ExportFiles,
        lookups: StoredLookups,
    ) -> None:
        super().__init__(connection, backend, writable=writable)
        self._settings = settings
        self._export_files = export_files
        self._lookups = lookups

    def update_articles(self, updates: Sequence[dict[str, Any]]) -> None:
        """Set columns of articles: each update has `id` and the columns to set (the
        search index follows)."""
        self._update(updates)

    def set_dek_folder(self, ids: Collection[int], verdict: int) -> None:
        """Set the folder verdict these articles were read with (folder_deks.py), a chunk of
        ids a statement."""
        self._writing()
        for chunk in chunks(ids):
            self._connection.execute(
                update(articles).where(articles.c.id.in_(chunk)).values(dek_folder=verdict)
            )

    def dates_of(self, ids: Collection[int]) -> dict[int, DateValues]:
        """The date columns of each of these ids that is an article."""
        columns = [articles.c[c] for c in DATE_COLUMNS]
        return {
            id_: cast(DateValues, dict(zip(DATE_COLUMNS, values, strict=True)))
            for id_, values in self._columns_of(ids, *columns).items()
        }

    def set_dates(self, updates: Sequence[dict[str, Any]]) -> None:
        """Replace the date columns of articles: each update has `id` and DATE_COLUMNS."""
        self._update([{"id": u["id"], **{c: u[c] for c in DATE_COLUMNS}} for u in updates])

    def delete_articles(self, ids: Collection[int]) -> None:
        """Delete articles with everything kept of them: raw bytes, source paths, band
        keys, names and link look-ups (and, through the engine's own triggers or generated
        columns, their search-index entries). Their versions are the caller's to group
        again (versions.regroup). Their ids are never given out again (ids.py)."""
        self._writing()
        if not ids:
            return
        deleted_up_to = max(int(self._settings.get(DELETED_UP_TO) or 0), *ids)
        self._settings.set(DELETED_UP_TO, str(deleted_up_to))
        self._export_files.mark_deleted(set(self._by_id(ids, articles.c.sha256).values()))
        for chunk in chunks(ids):
            # The foreign keys cascade too; deleting here says so, whatever the engine does.
            for table in (article_raw, article_sources):
                self._connection.execute(delete(table).where(table.c.article_id.in_(chunk)))
        self._lookups.remove(ids)
        for chunk in chunks(ids):
            self._connection.execute(delete(articles).where(articles.c.id.in_(chunk)))
