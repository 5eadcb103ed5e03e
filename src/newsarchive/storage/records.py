"""Whole stored articles (StoredRecord: every column, the raw bytes, every source path): read
out a batch at a time for verify, reparse and export, and copied in as another archive holds
them for copy and import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, case, func, insert, or_, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.types import Text

from newsarchive.model.rows import StoredValues
from newsarchive.storage import ids
from newsarchive.storage.backends import ARTICLE, Filters
from newsarchive.storage.part import Part, as_utc, chunks, source_row
from newsarchive.storage.schema import article_raw, article_sources, articles
from newsarchive.text import paths
from newsarchive.text.columns import derived

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from newsarchive.storage.backends import Backend
    from newsarchive.storage.lookups import StoredLookups
    from newsarchive.text.query import Query

# The articles columns stored as bytes, as dates (those stored as JSON: model.rows).
BINARY_COLUMNS = frozenset(c.name for c in articles.columns if c.type.python_type is bytes)
DATE_TYPED = frozenset(
    c.name for c in articles.columns if c.type.python_type in (dt.date, dt.datetime)
)


@dataclass(frozen=True, slots=True)
class SourcePath:
    path: str  # exactly, as os functions take it (see paths.py)
    first_seen: dt.datetime
    # (number, of how many) when the path is a news-database export holding the article.
    place: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class _Whole:
    id: int
    sha256: str
    ingested_at: dt.datetime
    data: bytes
    sources: tuple[SourcePath, ...]

    @property
    def source(self) -> str:
        return self.sources[0].path if self.sources else ""


@dataclass(frozen=True, slots=True)
class StoredRecord(_Whole):
    """A stored article as its columns, with its raw bytes and every path it was read from
    (first seen first): what verify, redate and reparse read again, import and copy write."""

    columns: StoredValues

    @property
    def parser_version(self) -> int:
        return self.columns["parser_version"]

    @property
    def date_source(self) -> str | None:
        return self.columns["date_source"]


@dataclass(frozen=True, slots=True)
class StoredText(_Whole):
    """A stored article as export's JSON Lines writes it: its columns (StoredValues' names)
    with the JSON ones as the text stored, undecoded, written as they are."""

    columns: dict[str, Any]

    @property
    def parser_version(self) -> int:
        return int(self.columns["parser_version"])


@dataclass(frozen=True, slots=True)
class DekVote:
    """An article's vote on a standfirst under its headline, the folder it was first read
    in, and that folder's verdict it was read with (see ops/folder_deks.py)."""

    id: int
    folder: str
    vote: float | None
    verdict: int


class Records(Part):
    """`store.records`: whole stored articles, out and in."""

    def __init__(
        self, connection: Connection, backend: Backend, lookups: StoredLookups, *, writable: bool
    ) -> None:
        super().__init__(connection, backend, writable=writable)
        self._lookups = lookups

    def batch(
        self, *, after: int, limit: int, parsed_before: int | None = None
    ) -> list[StoredRecord]:
        """Up to `limit` articles past id `after`, in id order, whole (see StoredRecord).
        `parsed_before` keeps only articles read by an older parser than that version, or
        stored before versions were grouped (no fingerprint): what reparse reads again."""
        query = _whole().where(articles.c.id > after).order_by(articles.c.id).limit(limit)
        if parsed_before is not None:
            query = query.where(_stale(parsed_before))
        return self._records(query)

    def of(self, ids: Collection[int]) -> list[StoredRecord]:
        """These articles, whole, in id order (ids not stored are left out)."""
        return [_record(row, sources) for row, sources in self._whole_of(ids, json_text=False)]

    def as_text(self, ids: Collection[int]) -> list[StoredText]:
        """These articles as `of` gives them, but the JSON columns as the text stored:
        export writes them as they are."""
        return [
            StoredText(**_split(row), sources=sources)
            for row, sources in self._whole_of(ids, json_text=True)
        ]

    def _whole_of(
        self, ids: Collection[int], *, json_text: bool
    ) -> list[tuple[dict[str, Any], tuple[SourcePath, ...]]]:
        found: list[tuple[dict[str, Any], tuple[SourcePath, ...]]] = []
        for chunk in chunks(ids):
            query = _whole(json_text).where(articles.c.id.in_(chunk)).order_by(articles.c.id)
            found += self._with_sources(query)
        return found

    def _records(self, query: Any) -> list[StoredRecord]:
        return [_record(row, sources) for row, sources in self._with_sources(query)]

    def _with_sources(self, query: Any) -> list[tuple[dict[str, Any], tuple[SourcePath, ...]]]:
        """The rows `query` gives, each with every path it was read from, first seen first."""
        rows = self._rows(query)
        sources: dict[int, list[SourcePath]] = {}
        for chunk in chunks([row.id for row in rows]):
            found = self._rows(
                select(
                    article_sources.c.article_id,
                    article_sources.c.path,
                    article_sources.c.path_bytes,
                    article_sources.c.first_seen,
                    article_sources.c.place,
                    article_sources.c.places,
                )
                .where(article_sources.c.article_id.in_(chunk))
                .order_by(article_sources.c.id)
            )
            for article_id, path, exact, first_seen, place, places in found:
                source = SourcePath(
                    paths.from_columns(path, exact),
                    as_utc(first_seen),
                    (place, places) if place else None,
                )
                sources.setdefault(article_id, []).append(source)
        return [(row._asdict(), tuple(sources.get(row.id, ()))) for row in rows]

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
        a = ARTICLE
        chosen = select(a.c.id).where(a.c.id > after, *filters.conditions(a))
        if ids is not None:
            chosen = chosen.where(a.c.id.in_(sorted(ids) or [0]))
        return list(self._connection.scalars(chosen.order_by(a.c.id).limit(limit)))

    def count_parsed_before(self, version: int) -> int:
        """How many articles an older parser than `version` read, or stored before versions
        were grouped."""
        query = select(func.count()).where(_stale(version))
        return self._connection.scalar(query) or 0

    def copy_in(self, records: Sequence[StoredRecord]) -> None:
        """Store articles exactly as another archive holds them: the same ids, columns, raw
        bytes and source paths with their times (for `copy`; the ids must be free)."""
        if not records:
            return
        connection = self._writing()
        connection.execute(
            insert(articles),
            [
                {**r.columns, "id": r.id, "sha256": r.sha256, "ingested_at": r.ingested_at}
                for r in records
            ],
        )
        connection.execute(
            insert(article_raw), [{"article_id": r.id, "data": r.data} for r in records]
        )
        sources = [
            source_row(r.id, s.path, s.first_seen, s.place) for r in records for s in r.sources
        ]
        if sources:
            connection.execute(insert(article_sources), sources)
        self._lookups.add([derived(r.id, r.columns) for r in records])
        self._backend.ids_taken(connection)

    def place(self, wanted: Sequence[int]) -> list[int]:
        """Ids for articles an import brings with ids of their own, in order: each its own
        where free, else one past every id given (ids.placed)."""
        taken = set(self._by_id(wanted, articles.c.id))
        return ids.placed(wanted, taken, *ids.stored_and_deleted(self._connection))

    def add_sources_seen(self, sources: Sequence[tuple[int, SourcePath]]) -> int:
        """Record paths with the time each was first seen elsewhere (an import), but those
        already recorded; returns how many were new."""
        rows = [source_row(i, s.path, s.first_seen, s.place) for i, s in sources]
        return self._backend.insert_sources(self._writing(), rows) if rows else 0

    def folder_tallies(self, folders: Collection[str] | None = None) -> dict[str, tuple[int, int]]:
        """For each folder articles were first read in (these, or every one): how many of
        its articles have a dek vote, and how many of those votes say "a standfirst"."""
        a = articles
        says = func.sum(case((a.c.dek_vote > 0, 1), else_=0))
        query = select(a.c.folder, func.count(a.c.dek_vote), says).group_by(a.c.folder)
        tallies: dict[str, tuple[int, int]] = {}
        for where in _in_folders(folders):
            for folder, votes, deks in self._rows(query.where(where)):
                tallies[folder] = (votes, int(deks or 0))
        return tallies

    def read_otherwise(self, folders: Collection[str] | None, verdict: int) -> list[DekVote]:
        """The articles first read in these folders (or in any) that were read with
        another folder verdict than `verdict`, in id order."""
        a = articles
        query = select(a.c.id, a.c.folder, a.c.dek_vote, a.c.dek_folder).order_by(a.c.id)
        query = query.where(a.c.dek_folder != verdict)
        found: list[DekVote] = []
        for where in _in_folders(folders):
            found += [DekVote(*row) for row in self._rows(query.where(where))]
        return found

    def last(self) -> tuple[int, str] | None:
        """The id and hash of the article with the highest id, if any."""
        row = self._connection.execute(
            select(articles.c.id, articles.c.sha256).order_by(articles.c.id.desc()).limit(1)
        ).first()
        return (row[0], row[1]) if row else None

    def sha256_of(self, article_id: int) -> str | None:
        return self._connection.scalar(select(articles.c.sha256).where(articles.c.id == article_id))


def _in_folders(folders: Collection[str] | None) -> Iterator[Any]:
    """Where clauses for the articles first read in these folders, a chunk of them a
    clause; for every article read from a folder when `folders` is None."""
    if folders is None:
        yield articles.c.folder.is_not(None)
        return
    for chunk in chunks(folders):
        yield articles.c.folder.in_(chunk)


def _whole(json_text: bool = False) -> Any:
    """Articles with their raw bytes, as StoredRecord reads them (see Records.of)."""
    columns = [
        sql_cast(c, Text).label(c.name) if json_text and isinstance(c.type, JSON) else c
        for c in articles.columns
    ]
    return select(*columns, article_raw.c.data).join(
        article_raw, article_raw.c.article_id == articles.c.id
    )


def _stale(version: int) -> Any:
    return or_(articles.c.parser_version < version, articles.c.fingerprint.is_(None))


def _split(row: dict[str, Any]) -> dict[str, Any]:
    """A row of _whole as _Whole's fields, the rest its columns (the row is emptied)."""
    return {
        "id": row.pop("id"),
        "sha256": row.pop("sha256"),
        "ingested_at": as_utc(row.pop("ingested_at")),
        "data": row.pop("data"),
        "columns": row,
    }


def _record(row: dict[str, Any], sources: tuple[SourcePath, ...]) -> StoredRecord:
    # A row of the articles table has StoredValues' columns (tests/test_fields.py).
    return StoredRecord(**_split(row), sources=sources)
