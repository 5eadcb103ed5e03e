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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from newsarchive.model.errors import Trouble
from newsarchive.model.records import DateSource, SearchHit
from newsarchive.text.paths import from_columns
from newsarchive.text.searchtext import is_cjk, markable, marking_words, normalise

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy import Connection, Engine, Table
    from sqlalchemy.engine import URL

    from newsarchive.model.records import EngineFacts
    from newsarchive.model.rows import IndexTexts, Lookups, MakeIndexTexts, StoredRow
    from newsarchive.storage.backends.salvage import DamagedFile
    from newsarchive.text.query import Node

# Which dates a listing keeps: all, only stated ones, or only inferred ones.
DatedBy = Literal["any", "explicit", "inferred"]
# Ranking every match of a word in 80% of a million articles would take seconds: past this
# many matches, only the most recently added ones are ranked.
RANK_WINDOW = 20_000
SNIPPET_WORDS = 16
# Characters of a body a snippet is looked for in, on either engine: bounded
# work whatever the article's size (a match further in shows the body's start instead).
SNIPPET_WINDOW = 20_000
# Unicode noncharacters around each match in a snippet: never markup, never in stored text.
MARK_START, MARK_END = "\ufdd0", "\ufdd1"


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

    def sql(self, alias: str) -> str:
        """The date filters as SQL conditions on table `alias` (" AND ..."; parameters
        :since and :until), for the engines' hand-written queries."""
        where = ""
        if self.since is not None:
            where += f" AND {alias}.published >= :since"
        if self.until is not None:
            where += f" AND {alias}.published <= :until"
        if self.dated != "any":
            # An article undated by hand has a source ("cli") but no date: it is neither.
            where += f" AND {alias}.published IS NOT NULL AND {alias}.date_source "
            where += f"{'!=' if self.dated == 'explicit' else '='} 'inferred'"
        if self.publication is not None:
            where += f" AND lower({alias}.publication) LIKE lower(:publication) ESCAPE '\\'"
        return where

    def text_params(self) -> dict[str, str]:
        """The bound values of the filters that are text (:publication)."""
        if self.publication is None:
            return {}
        escaped = re.sub(r"([\\%_])", r"\\\1", self.publication)
        return {"publication": f"%{escaped}%"}

    def newest_version(self, matches: str) -> str:
        """SQL (" AND ...", or "" for all versions) keeping article `a` only when no newer
        version of it (`b`, in the order `list` shows: newest published first, undated
        last, then the higher id) passes the filters and the condition `matches` on b."""
        if self.all_versions:
            return ""
        return (
            " AND NOT EXISTS (SELECT 1 FROM articles b WHERE b.cluster_id = a.cluster_id "
            f"AND b.id <> a.id{self.sql('b')} AND {matches} AND {NEWER})"
        )


# Version b is newer than version a: a later date, the same date and a higher id, or a is
# undated and b dated or higher (NULL comparisons are never true, so each case says so).
NEWER = (
    "(b.published > a.published OR (b.published = a.published AND b.id > a.id) "
    "OR (a.published IS NULL AND (b.published IS NOT NULL OR b.id > a.id)))"
)
# The number of versions of article `a`'s story, as a column.
VERSIONS = "(SELECT count(*) FROM articles v WHERE v.cluster_id = a.cluster_id)"


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


def scope_counts(filters: Filters) -> str:
    """SQL for what estimated_total needs: the articles the date filters keep, and how
    many of them have an id of at least :floor."""
    return (
        "SELECT count(*), coalesce(sum(CASE WHEN a.id >= :floor THEN 1 ELSE 0 END), 0) "
        f"FROM articles a WHERE 1 = 1{filters.sql('a')}"
    )


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
        """Insert (article_id, path, path_bytes, first_seen) rows not stored yet (the path as
        paths.columns makes it); return how many were."""

    def insert_rows(self, connection: Connection, table: Table, rows: Sequence[Any]) -> None:
        """Insert rows (dicts with the same keys) into `table`, in bulk: rows derived from
        articles just inserted, in the caller's write transaction."""

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


def hits_from_rows(rows: Sequence[Sequence[Any]]) -> list[SearchHit]:
    """Hits from rows of (id, headline, published (a date, or its ISO text from SQLite's
    driver), date_source, word_count, rank, marked snippet, source path, its exact bytes
    (paths.columns), versions)."""
    found = []
    for row in rows:
        id_, headline, published, date_source, word_count, rank, marked, path, exact, n = row
        snippet, highlights = unmark(marked or "")
        found.append(
            SearchHit(
                id=id_,
                headline=headline,
                published=dt.date.fromisoformat(published)
                if isinstance(published, str)
                else published,
                date_source=DateSource(date_source) if date_source else None,
                source=None if path is None else from_columns(path, exact),
                word_count=word_count,
                rank=float(rank),
                snippet=snippet,
                highlights=highlights,
                versions=n,
            )
        )
    return found


def snippet_terms(tree: Node) -> tuple[tuple[str, bool], ...]:
    """The words a snippet marks: each word of the query's terms (not those after NOT),
    normalised as the index sees them, with whether it is a prefix (a run of Chinese,
    Japanese or Korean characters is one word here, matched as a sequence of characters)."""
    from newsarchive.text.query import All, Any_, Term, Without

    found: list[tuple[str, bool]] = []
    pending: list[Node] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, Term):
            words = marking_words(node.text)
            found += [(w, node.prefix and i == len(words) - 1) for i, w in enumerate(words)]
        elif isinstance(node, Without):
            pending.append(node.keep)
        elif isinstance(node, All | Any_):
            pending.extend(node.parts)
    return tuple(dict.fromkeys(found))


def marked_snippet(text: str, terms: Sequence[tuple[str, bool]]) -> str:
    """SNIPPET_WORDS words of `text` from a little before its first match of `terms`
    (its start when none), the matches between MARK_START and MARK_END, '…' where it was
    cut: what FTS5's snippet() gives, found in bounded time. A Chinese, Japanese or Korean
    character counts as a word, and a word of them is marked where its characters stand
    in a row."""
    exact = {w for w, prefix in terms if not prefix and not is_cjk(w)}
    prefixes = tuple(w for w, prefix in terms if prefix and not is_cjk(w))
    sequences = {w for w, _ in terms if is_cjk(w)}
    longest = max(map(len, sequences), default=0)

    def matches(word: str) -> bool:
        key = normalise(word)
        return key in exact or (bool(prefixes) and key.startswith(prefixes))

    tokens: list[re.Match[str]] = []
    weights: list[float] = []  # a CJK character is half a word: a snippet shows 32 of them
    marked: set[int] = set()
    first = None
    run = ""  # the CJK characters in a row that end at the last token
    for token in markable().finditer(text):
        tokens.append(token)
        last = len(tokens) - 1
        word = token[0]
        if token.lastgroup == "cjk":
            weights.append(0.5)
            run = run + word if run and tokens[last - 1].end() == token.start() else word
            run = run[-longest:] if longest else ""  # all a match can end with
            for sequence in sequences:
                if run.endswith(sequence):
                    marked.update(range(last - len(sequence) + 1, last + 1))
        else:
            weights.append(1.0)
            run = ""
            if matches(word):
                marked.add(last)
        if first is None and marked:
            first = min(marked)
        if first is not None and sum(weights[first:]) >= SNIPPET_WORDS:
            break
    if not tokens:
        return ""
    start = first or 0
    while start > 0 and sum(weights[start - 1 : first]) <= SNIPPET_WORDS // 4:
        start -= 1
    end = start
    while end < len(tokens) and sum(weights[start : end + 1]) <= SNIPPET_WORDS:
        end += 1
    while 0 < end < len(tokens) and {end - 1, end} <= marked:  # never cut a marked word
        end += 1
    shown = tokens[start:end]
    out = ["…" if start else ""]
    at = shown[0].start()
    for i, token in enumerate(shown, start):
        gap = text[at : token.start()]
        if i in marked:  # CJK characters of one word in a row: one mark around them all
            joined = i > start and not gap and i - 1 in marked
            out.append(gap if joined else gap + MARK_START)
            out.append(token[0])
            if not (i + 1 in marked and i + 1 < start + len(shown)) or (
                tokens[i + 1].start() != token.end()
            ):
                out.append(MARK_END)
        else:
            out.append(gap + token[0])
        at = token.end()
    more = markable().search(text, at) is not None
    return "".join(out) + ("…" if more else "")


def unmark(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Snippet text without the match marks, and where the marked spans were."""
    text_parts: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    for i, part in enumerate(marked.replace(MARK_END, MARK_START).split(MARK_START)):
        if i % 2 and part:
            spans.append((length, length + len(part)))
        text_parts.append(part)
        length += len(part)
    return "".join(text_parts), tuple(spans)
