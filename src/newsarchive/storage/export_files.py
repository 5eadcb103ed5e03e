"""News-database exports as kept (export_files): each file's layout, its articles by hash and
the bytes around them, so that the file can be rebuilt from the archive (verify, db recover)
and carried by export and copy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update

from newsarchive.storage.part import Part, as_utc, chunks
from newsarchive.storage.schema import article_raw, articles, export_files


@dataclass(frozen=True, slots=True)
class ExportLayout:
    """A news-database export as kept: its articles by hash (["a", sha256]) and the bytes
    around them (["f", length], the next `length` bytes of `filler`), in file order."""

    sha256: str
    format: str
    layout: list[list[Any]]
    filler: bytes
    first_seen: dt.datetime


class ExportFiles(Part):
    """`store.export_files`: the layouts of news-database exports."""

    def add(
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

    def layouts(self) -> Iterator[ExportLayout]:
        """Every news-database export kept, one at a time."""
        query = select(export_files.c.sha256).order_by(export_files.c.sha256)
        for sha256 in list(self._connection.scalars(query)):
            row = self._connection.execute(
                select(export_files).where(export_files.c.sha256 == sha256)
            ).one()
            yield ExportLayout(
                sha256, row.format, row.layout, bytes(row.filler), as_utc(row.first_seen)
            )

    def raw_by_hash(self, hashes: Collection[str]) -> dict[str, bytes]:
        """The original bytes of the articles with these hashes (those stored)."""
        found: dict[str, bytes] = {}
        for chunk in chunks(hashes):
            rows = self._connection.execute(
                select(articles.c.sha256, article_raw.c.data)
                .join(article_raw, article_raw.c.article_id == articles.c.id)
                .where(articles.c.sha256.in_(chunk))
            )
            found.update((sha, bytes(data)) for sha, data in rows)
        return found

    def mark_deleted(self, hashes: set[str]) -> None:
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
