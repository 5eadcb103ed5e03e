"""What differs between the database engines an archive can live on, behind one interface.

A `Backend` (one per database engine, chosen once from the archive's URL by `backend_for`)
knows how to connect, how to bulk-write a batch of articles, how to search (its
`SearchIndex` compiles the query tree from `query.py`), how to check its own integrity, and
what its errors mean (`Trouble`). Everything above this package is portable SQLAlchemy and
never asks which engine it is on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from sqlalchemy import (
    Date,
    Integer,
    String,
    and_,
    bindparam,
    case,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.types import NullType

from newsarchive.model.errors import Trouble
from newsarchive.model.records import SearchHit
from newsarchive.storage.backends.hits import hits_from_rows
from newsarchive.storage.schema import article_sources, articles

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy import (
        ColumnElement,
        Connection,
        Dialect,
        Engine,
        ScalarSelect,
        Select,
        Table,
    )
    from sqlalchemy.engine import URL

    from newsarchive.model.records import EngineFacts
    from newsarchive.model.rows import IndexTexts, Lookups, MakeIndexTexts, StoredRow
    from newsarchive.storage.backends.salvage import DamagedFile
    from newsarchive.text.query import Node

# The articles table as the queries built here name it: `a` the article asked about, `b`
# another version of it, `v` each version counted. Made once: an alias's columns cost
# more to make than the rest of a `list` page's statement.
ARTICLE, OTHER_VERSION, COUNTED = (articles.alias(name) for name in ("a", "b", "v"))
# Which dates a listing keeps: all, only stated ones, or only inferred ones.
DatedBy = Literal["any", "explicit", "inferred"]
# Ranking every match of a word in 80% of a million articles would take seconds: past this
# many matches, only the most recently added ones are ranked.
RANK_WINDOW = 20_000


@dataclass(frozen=True, slots=True)
class NewArticle:
    """A parsed article ready to store: its column values as stored (rows.stored_row), the
    bytes it was parsed from, and its Lookups if they were worked out already (else the
    store works them out).

    Storing it may let go of the row's body and blocks (emptied in place: the row is a list)
    once they are bound: a huge article's text, held as a str and as its UTF-8, is not kept
    twice while SQLite writes and indexes it (issue 22)."""

    sha256: str
    row: StoredRow
    raw: bytes
    lookups: Lookups | None = None
    # What the search index is to be given for it, made by Backend.index_texts in a parsing
    # worker; None: the engine makes it as it writes.
    search: IndexTexts | None = None


@dataclass(frozen=True, slots=True)
class Filters:
    """Date filters shared by `list` and `search`."""

    since: dt.date | None = None
    until: dt.date | None = None
    dated: DatedBy = "any"
    # Every version of a story, rather than the newest of those the filters keep.
    all_versions: bool = False
    # Only articles whose publication holds this text (any case).
    publication: str | None = None

    @property
    def by_date(self) -> bool:
        return self.since is not None or self.until is not None

    @property
    def shape(self) -> tuple[object, ...]:
        """What the filters' SQL depends on (their values are bound): the key of SQL that a
        backend running it on the driver compiles once."""
        given = (self.since, self.until, self.publication)
        return (*(value is None for value in given), self.dated, self.all_versions)

    def conditions(self, a: Any) -> list[ColumnElement[bool]]:
        """The filters as conditions on `a`, the articles table or an alias of it; values
        bound as :since, :until and :publication (see params)."""
        found: list[ColumnElement[bool]] = []
        if self.since is not None:
            found.append(a.c.published >= bindparam("since", self.since, type_=Date))
        if self.until is not None:
            found.append(a.c.published <= bindparam("until", self.until, type_=Date))
        if self.dated != "any":
            # An article undated by hand has a source ("cli") but no date: it is neither.
            inferred = literal_column("'inferred'", String)
            source = a.c.date_source
            found.append(a.c.published.is_not(None))
            found.append(source != inferred if self.dated == "explicit" else source == inferred)
        if self.publication is not None:
            # Untyped, as plain SQL binds text (PostgreSQL: not cast to varchar).
            pattern = bindparam("publication", self.params()["publication"], NullType())
            found.append(func.lower(a.c.publication).like(func.lower(pattern), escape="\\"))
        return found

    def params(self) -> dict[str, Any]:
        """The values bound in the conditions, by name."""
        found: dict[str, Any] = {}
        for name in ("since", "until"):
            if (day := getattr(self, name)) is not None:
                found[name] = day
        if self.publication is not None:
            escaped = re.sub(r"([\\%_])", r"\\\1", self.publication)
            found["publication"] = f"%{escaped}%"
        return found

    def newest_version(
        self, a: Any, matches: Callable[[Any], ColumnElement[bool]] | None = None
    ) -> list[ColumnElement[bool]]:
        """A condition keeping article `a` only when no newer version of it (b, in the
        order `list` shows: newest published first, undated last, then the higher id)
        passes the filters and `matches` (a condition on b); none for all versions."""
        if self.all_versions:
            return []
        b = OTHER_VERSION
        found = [b.c.cluster_id == a.c.cluster_id, b.c.id != a.c.id, *self.conditions(b)]
        if matches is not None:
            found.append(matches(b))
        return [~select(literal_column("1")).where(*found, newer(b, a)).exists()]


def newer(b: Any, a: Any) -> ColumnElement[bool]:
    """Version b is newer than version a: a later date, the same date and a higher id, or a
    is undated and b dated or higher (NULL comparisons are never true, so each case says
    so)."""
    return or_(
        b.c.published > a.c.published,
        and_(b.c.published == a.c.published, b.c.id > a.c.id),
        and_(a.c.published.is_(None), or_(b.c.published.is_not(None), b.c.id > a.c.id)),
    )


def version_count(a: Any) -> ScalarSelect[int]:
    """The number of versions of article `a`'s story, as a column."""
    v = COUNTED
    return select(func.count()).where(v.c.cluster_id == a.c.cluster_id).scalar_subquery()


def hit_columns(a: Any) -> tuple[Any, ...]:
    """The columns of article `a` a search hit starts with, in hits_from_rows' order."""
    return (a.c.id, a.c.headline, a.c.published, a.c.date_source, a.c.word_count)


def first_source(a: Any, column: Any) -> ScalarSelect[Any]:
    """A column of the path article `a` was first read from, as a column."""
    return (
        select(column)
        .where(article_sources.c.article_id == a.c.id)
        .order_by(article_sources.c.id)
        .limit(1)
        .scalar_subquery()
    )


@dataclass(frozen=True, slots=True)
class Compiled:
    """A statement compiled once, run as its SQL on the driver: its text, and the values
    SQLAlchemy bound in it, which a run's own values complete."""

    sql: str
    bound: dict[str, Any]

    def values(self, given: Mapping[str, Any]) -> dict[str, Any]:
        return {**self.bound, **given}


_COMPILED: dict[tuple[Any, ...], Compiled] = {}


def compiled(
    dialect: Dialect, make: Callable[..., Select[Any]], filters: Filters, *flags: bool
) -> Compiled:
    """`make(filters, *flags)`, a search's statement made with SQLAlchemy Core, compiled
    for `dialect` once per process for filters of this shape (their values are bound):
    a search runs it on the driver, where SQLAlchemy's per-statement work (building,
    caching, compiling) would cost more than a rare word's query."""
    key = (dialect.name, make, filters.shape, flags)
    if (found := _COMPILED.get(key)) is None:
        statement = make(filters, *flags).compile(dialect=dialect)
        found = _COMPILED[key] = Compiled(statement.string, dict(statement.params))
    return found


@dataclass(frozen=True, slots=True)
class Ranking:
    """A backend's statements for a search, each made with Core from the filters (see
    compiled): where the ranking window starts (`floor`), how many match (`count`), the
    best page (`hits`, of the filters, whether it starts at :floor, and the backend's own
    flags), and the undated matches a date filter left out (`undated`)."""

    floor: Callable[[Filters], Select[Any]]
    count: Callable[[Filters], Select[Any]]
    hits: Callable[..., Select[Any]]
    undated: Callable[[Filters], Select[Any]]

    def search(
        self,
        dialect: Dialect,
        execute: Callable[[str, dict[str, Any]], Sequence[Sequence[Any]]],
        filters: Filters,
        params: dict[str, Any],
        *flags: bool,
        snippets: Callable[[Sequence[Sequence[Any]]], Sequence[Sequence[Any]]],
    ) -> SearchResults:
        """A search as every backend makes it, its statements run by `execute` (SQL and
        values, on the driver) with `params` (:q, :limit, the filters' values), each hit's
        snippet made by `snippets` from its row. Past RANK_WINDOW matches, only the newest
        RANK_WINDOW are ranked, so that a very common word stays fast."""

        def run(make: Callable[..., Select[Any]], *flags: bool) -> Sequence[Sequence[Any]]:
            statement = compiled(dialect, make, filters, *flags)
            return execute(statement.sql, statement.values(params))

        params["window"] = RANK_WINDOW - 1
        found = run(self.floor)
        floor = found[0][0] if found else None
        if floor is not None:
            params["floor"] = floor
            in_scope, from_floor = run(scope_counts)[0]
            total = estimated_total(in_scope, from_floor)
        else:
            total = run(self.count)[0][0]
        rows = run(self.hits, floor is not None, *flags)
        undated = run(self.undated)[0][0] if filters.by_date else 0
        window = RANK_WINDOW if floor is not None else None
        return SearchResults(hits_from_rows(snippets(rows)), undated, window, total)


@dataclass(frozen=True, slots=True)
class SearchResults:
    hits: list[SearchHit]
    undated_left_out: int  # undated matches a date filter left out
    # Set when the query matched more than RANK_WINDOW articles: only the newest
    # RANK_WINDOW of them were ranked, so that a very common word stays fast.
    ranked_window: int | None
    # How many articles match (every version, with the filters): counted within the
    # window, estimated past it (see estimated_total).
    total: int = 0


def estimated_total(in_scope: int, from_floor: int) -> int:
    """How many articles match, from how many articles the filters keep (`in_scope`) and
    how many of those are at or past where the newest RANK_WINDOW matches begin
    (`from_floor`): as if matches were as dense below the window as in it. Never more
    than the articles in scope (the newest id was read as their number, and deleted
    articles' ids made "about 39,614" of 39,593). Counting the matches themselves would
    cost what the window saves."""
    return min(in_scope, round(RANK_WINDOW * in_scope / max(1, from_floor)))


def scope_counts(filters: Filters) -> Select[Any]:
    """What estimated_total needs: the articles the date filters keep, and how many of them
    have an id of at least :floor."""
    a = ARTICLE
    one, none = literal_column("1", Integer), literal_column("0", Integer)
    from_floor = func.sum(case((a.c.id >= bindparam("floor"), one), else_=none))
    query = select(func.count(), func.coalesce(from_floor, none)).select_from(a)
    return query.where(*filters.conditions(a))


class SearchIndex(Protocol):
    """The full-text index over headline, dek, body, byline and source URL."""

    def index_new(self, connection: Connection, *, after: int) -> None:
        """Index every article with an id past `after` (just bulk-inserted, not yet indexed)."""

    def search(
        self, connection: Connection, tree: Node, filters: Filters, limit: int
    ) -> SearchResults:
        """The best `limit` matches, best first, each with a marked snippet of its body."""

    def matching(
        self, connection: Connection, tree: Node, filters: Filters, after: int, limit: int
    ) -> list[int]:
        """The ids past `after` of every article matching the query and the date filters
        (every version), in id order, `limit` at a time: what `export QUERY` writes."""

    def problems(self, connection: Connection, articles: int) -> list[str]:
        """Where the index disagrees with the `articles` stored; [] when it agrees."""


class Backend(Protocol):
    """One database engine's side of the archive."""

    name: str
    # Opened read-only: the user may not write the archive (SQLite: its file or folder).
    read_only: bool
    # What ingest's parsing workers run on each article's columns (a module-level function:
    # it is pickled by name) to make what the engine's index is given (NewArticle.search),
    # so that the writer, on one core, does not; None: the index needs nothing made.
    index_texts: MakeIndexTexts | None

    @property
    def index(self) -> SearchIndex:
        """The engine's full-text index."""

    def connect(self, url: URL) -> Engine:
        """A SQLAlchemy engine on the archive, set up as this engine needs."""

    def in_memory(self, url: URL) -> bool:
        """Whether the archive at `url` lives in memory only, gone when the process ends."""

    def for_reading(self, engine: Engine, *, snapshot: bool = False, lean: bool = False) -> Engine:
        """The engine that read transactions use (it may skip what reads do not need).
        `snapshot`: every statement of a transaction sees the archive as of its first
        (a listing read a page at a time must not see a story move between pages).
        `lean`: for a walk that reads each article once (verify), with what the engine
        keeps in memory of the pages read kept small."""

    def prepare_for_writing(self, engine: Engine) -> None:
        """Once the archive is known to be ours and current: settings that persist (WAL)."""

    def insert_articles(
        self, connection: Connection, items: Sequence[NewArticle], now: dt.datetime
    ) -> dict[str, int]:
        """Insert the articles (distinct hashes) not stored yet, with their raw bytes, and
        index them; return hash -> id of those added, past every id given (ids.last_given).
        A hash another writer stored meanwhile is skipped, not an error. Runs in the
        caller's write transaction."""

    def insert_sources(self, connection: Connection, rows: Sequence[dict[str, Any]]) -> int:
        """Insert article_sources rows (article_id, path, path_bytes, first_seen, place,
        places; the path as paths.columns makes it) whose SOURCE_KEY is not stored yet;
        return how many were."""

    def insert_rows(
        self, connection: Connection, table: Table, rows: Sequence[tuple[Any, ...]]
    ) -> None:
        """Insert rows (tuples of every column of `table`, in its order) in bulk: rows
        derived from articles just inserted, in the caller's write transaction."""

    def band_holders(
        self, connection: Connection, keys: Sequence[int], head: int, excluding: Sequence[int]
    ) -> list[tuple[int, int]]:
        """(band, article_id) for the first `head` holders (by id) of each of these LSH band
        keys, among articles other than `excluding` (those being grouped, whose keys the
        caller has: most keys are held by them alone, and fetching a row per key cost more
        than the rest of the grouping). The look-up every article stored makes
        (versions.py), so it is the engine's, in as few statements as the engine allows."""

    def ids_taken(self, connection: Connection) -> None:
        """Rows were inserted with ids of their own (a copy): let ids the engine hands out
        from now on continue past them."""

    def interrupt(self, driver_connection: Any) -> None:
        """Stop the statement running on this driver connection, from another thread
        (Ctrl-C during a long read): it fails, and the read with it."""

    def integrity_problems(self, connection: Connection) -> list[str]:
        """What the engine's own checks say is wrong with the database."""

    def checks_not_run(self) -> list[str]:
        """The checks of integrity_problems and index.problems that could not run on the
        archive as it was opened (read-only: a check that writes), each as a phrase."""

    def size_on_disk(self, connection: Connection) -> int:
        """Bytes the archive takes on disk (SQLite: its file and write-ahead log;
        PostgreSQL: its tables with their indexes and TOAST)."""

    def facts(self, connection: Connection) -> EngineFacts:
        """What the engine says of itself: settings and version worth showing a person."""

    def damage(self, connection: Connection) -> str | None:
        """What the engine finds damaged in the archive's storage, checked before a first
        write at a bounded cost; None when it finds nothing."""

    def looks_like_an_archive(self, url: URL) -> bool:
        """Whether a database the engine cannot open is, by what is left of it, an archive
        of ours (a damaged one, then), rather than somebody else's file."""

    def salvage(self, url: URL, folder: Path) -> DamagedFile:
        """What can still be read of a damaged archive, from a copy made in `folder`
        (ArchiveError where the engine cannot do that)."""

    def trouble(self, error: BaseException) -> Trouble:
        """What a driver error (SQLAlchemy's `DBAPIError.orig`, or its wrapper) means."""


def json_loads(text: str | bytes) -> Any:
    """How JSON columns (blocks, meta, evidence) are read: with orjson, as export writes
    them (decoding them with the json module was a fifth of an export's time)."""
    import orjson

    return orjson.loads(text)


def backend_for(url: URL) -> Backend:
    """The engine an archive URL names; ArchiveError for one newsarchive cannot use."""
    from newsarchive.model.errors import ArchiveError

    backend = url.get_backend_name()
    if backend == "sqlite":
        from newsarchive.storage.backends.sqlite import SQLite

        return SQLite()
    if backend == "postgresql":
        from newsarchive.storage.backends.postgres import PostgreSQL

        return PostgreSQL()
    raise ArchiveError(
        f"archives on {backend} are not supported; give --db an SQLite file path or a "
        "postgresql:// URL"
    )
