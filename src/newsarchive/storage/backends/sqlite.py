"""Archives in one SQLite file: connection settings, bulk writes, the FTS5 index, errors.

Settings are chosen for one writer at a time and many readers (WAL, a busy timeout, writers
taking the lock up front). Bulk writes and search run on the driver with bound parameters:
SQLAlchemy's per-statement work costs more than a rare word's FTS5 query (about 0.2 ms).
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import operator
import os
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, create_engine, event, text
from sqlalchemy.exc import DatabaseError

from newsarchive.model.errors import Trouble
from newsarchive.model.records import EngineFacts
from newsarchive.model.rows import ROW_COLUMNS
from newsarchive.storage.backends import (
    RANK_WINDOW,
    SNIPPET_WINDOW,
    VERSIONS,
    Filters,
    NewArticle,
    SearchResults,
    estimated_total,
    hits_from_rows,
    json_loads,
    marked_snippet,
    scope_counts,
    snippet_terms,
)
from newsarchive.storage.ids import last_given
from newsarchive.storage.schema import article_raw, article_sources, articles
from newsarchive.text.query import All, Any_, Node, Term, Without
from newsarchive.text.searchtext import (
    holds_cjk_or_symbols,
    indexed,
    other_lines,
    other_words,
    query_text,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.engine import URL

    from newsarchive.model.rows import IndexTexts, MakeIndexTexts
    from newsarchive.storage.backends.salvage import DamagedFile

# Bytes per database page of a new archive (SQLite's default is 4096).
PAGE_SIZE = 16384
# Page cache per connection, and how much WAL gathers before it is copied into the archive.
CACHE_BYTES = WAL_CHECKPOINT_BYTES = 64 * 1024 * 1024
# An article past this many bytes is written through a page cache of HUGE_WRITE_CACHE_BYTES
# (see _small_cache_for).
HUGE_ARTICLE_BYTES = 4 * 1024 * 1024
HUGE_WRITE_CACHE_BYTES = 8 * 1024 * 1024
# The page cache of a lean read (see SQLite.for_reading).
LEAN_CACHE_BYTES = 8 * 1024 * 1024
# The most a write command spends on SQLite's quick_check before its first write (see
# SQLite.damage).
DAMAGE_CHECK_SECONDS = 1.0
# A writer waits this long for another writer before giving up.
BUSY_TIMEOUT_SECONDS = 60
# FTS5 writes each batch's entries as a new segment and merges segments of one level once
# `automerge` of them have gathered, rewriting all their entries. Merging 8 at a time, not
# FTS5's default 4, rewrites each entry fewer times on its way up (100,000 articles, paired
# runs, main-process CPU: 27.7 s -> 22.8 s). A query then reads at most 7 segments a level,
# not 3 (23 segments in all at 100,000 articles, not 14: a rare word's bare FTS5 query takes
# 0.21 ms, not 0.17). A setting of the index, not of the schema: the first bulk write sets
# it, so that reading an archive never writes to it.
SEARCH_AUTOMERGE = 8
# FTS5 keeps a transaction's new entries in memory up to `hashsize` bytes (1 MiB by default),
# writing a segment each time it fills: a batch of 1,000 generated articles made four
# segments, each merged again later. With 32 MiB a batch is one segment (20,000 articles
# indexed in batches of 1,000, CPU: 2.25/2.36 s -> 1.81/1.97 s; batches of 4,000: 1.37/1.64
# s). Memory the writer uses only as a batch needs it.
SEARCH_HASHSIZE = 32 * 1024 * 1024
# The index's settings the first bulk write makes (see SEARCH_AUTOMERGE).
SEARCH_SETTINGS = {"automerge": SEARCH_AUTOMERGE, "hashsize": SEARCH_HASHSIZE}
# The columns the search index holds, in its order (migrations 0003 and 0011 set their
# weights); `other` is every other word of the file (0011: publication, metadata lines,
# furniture, READ MORE lines).
SEARCHED = "headline, dek, body, byline, source_url, other"
# The SQL function every connection has (searchtext.indexed) and the view of the articles
# through it that the index reads (migrations 0008, 0010): CJK runs in pairs, symbols as
# words, each column handed to the function as its UTF-8 bytes.
SEARCH_TEXT_FUNCTION = "newsarchive_search_text"
OTHER_WORDS_FUNCTION = "newsarchive_other_words"
SEARCH_TEXT_VIEW = "article_search_text"


class SQLite:
    name = "sqlite"

    def __init__(self) -> None:
        self.index = FTS5Index()
        self.read_only = False
        self.index_texts: MakeIndexTexts | None = made_for_index

    def connect(self, url: URL) -> Engine:
        path = self._read_only_path(url)
        if path is None:
            engine = create_engine(
                url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS}, json_deserializer=json_loads
            )
        else:
            engine = create_engine(
                url, creator=lambda: _open_read_only(path), json_deserializer=json_loads
            )
            event.listen(engine, "connect", _remember_the_file(path))
            event.listen(engine, "checkout", _reopen_when_changed(path))
        event.listen(engine, "connect", _on_connect)
        event.listen(engine, "begin", _on_begin)
        return engine

    def for_reading(self, engine: Engine, *, snapshot: bool = False, lean: bool = False) -> Engine:
        # A read's BEGIN DEFERRED costs nothing (see _on_begin), and in WAL mode the
        # transaction sees one snapshot from its first read: a snapshot either way. Lean:
        # a walk's pages are read once, and a huge article's filled the usual cache
        # (verify of a 50 MB article held 64 MB of them, more than its ingest).
        return engine.execution_options(cache_bytes=LEAN_CACHE_BYTES) if lean else engine

    def _read_only_path(self, url: URL) -> str | None:
        """The archive file's path when the user may not write it, or its folder (WAL
        needs its -shm file there): it is then opened read-only (see _open_read_only)."""
        name = url.database or ""
        if name in ("", ":memory:") or name.startswith("file:") or not os.path.isfile(name):
            return None
        folder = os.path.dirname(os.path.abspath(name))
        if os.access(name, os.W_OK) and os.access(folder, os.W_OK):
            return None
        self.read_only = self.index.read_only = True
        return os.path.abspath(name)

    def prepare_for_writing(self, engine: Engine) -> None:
        """Put the archive in WAL mode (it stays so): readers never block the writer.

        Done once the file is known to be ours, never on connect, so that opening somebody
        else's database to refuse it leaves it exactly as it was.
        """
        raw = engine.raw_connection()  # outside any transaction: the mode cannot change in one
        try:
            cursor = raw.cursor()
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()
        finally:
            raw.close()

    def insert_articles(
        self, connection: Connection, items: Sequence[NewArticle], now: dt.datetime
    ) -> dict[str, int]:
        # Ids are given here (the caller holds the write lock), so the usual case needs no
        # look-up after the insert; only to hashes not stored yet, so that what one run
        # stores has contiguous ids (a file whose copy an earlier batch stored used to
        # take an id its skipped insert never used).
        stored = {
            sha
            for (sha,) in connection.exec_driver_sql(
                "SELECT sha256 FROM articles WHERE sha256 IN (SELECT value FROM json_each(?))",
                (json.dumps([item.sha256 for item in items]),),
            )
        }
        fresh = [item for item in items if item.sha256 not in stored]
        last = last_given(connection)
        # The rows as stored already (rows.StoredRow): only the time is converted, once,
        # as SQLAlchemy's type for the column does.
        stamp = _bind_processor(connection, articles.c.ingested_at)(now)
        rows = [
            # A new article is its own cluster until versions.py joins it to another. Its
            # body is bound as UTF-8 bytes and cast back to text by SQLite (the same stored
            # value): a str bound as itself keeps its UTF-8 form cached inside it as long as
            # it lives, for a huge article's body (issue 22) as much memory again as its text.
            (
                last + n,
                last + n,
                last + n,
                item.sha256,
                stamp,
                *item.row[:_BODY],
                item.row[_BODY].encode("utf-8"),
                *item.row[_BODY + 1 :],
            )
            for n, item in enumerate(fresh, 1)
        ]
        keys = {item.sha256: last + n for n, item in enumerate(fresh, 1)}
        huge = _holds_huge(items)
        if huge:  # the rows hold the body's UTF-8 now: its str goes (see NewArticle)
            for item in fresh:
                item.row[_BODY], item.row[_BLOCKS] = "", "[]"
        # What the index is given, when the workers made it all (made_for_index): each
        # column's made text, else the column as the row binds it.
        given = (
            None
            if huge or any(item.search is None for item in fresh)
            else [
                (
                    row[0],
                    *(
                        row[at] if made is None else made
                        for made, at in zip(item.search[:-1], _SEARCHED_AT, strict=True)
                    ),
                    item.search[-1],  # the file's other words (None: none)
                )
                for row, item in zip(rows, fresh, strict=True)
                if item.search is not None
            ]
        )
        with _search_index_paused(connection), _small_cache_for(connection, items):
            added = _insert_articles(connection, rows)
            del rows
            if given is not None and added == len(given):
                self.index.index_given(connection, given)
            else:  # through the view (and a huge body as it is, if it may be)
                del given
                huge_ids = [keys[i.sha256] for i in fresh if len(i.raw) > HUGE_ARTICLE_BYTES]
                as_they_are = self.index.index_as_they_are(connection, huge_ids)
                self.index.index_new(connection, after=last, skip=as_they_are)
        if added == len(keys):
            inserted = keys
        else:  # another writer stored some of them first
            found = connection.exec_driver_sql(
                "SELECT sha256, id FROM articles WHERE id > ?", (last,)
            )
            inserted = {sha: id_ for sha, id_ in found}
        raws = [
            {"article_id": inserted[item.sha256], "data": item.raw}
            for item in items
            if item.sha256 in inserted
        ]
        with _small_cache_for(connection, items):
            _insert(connection, article_raw, raws)
        return inserted

    def insert_sources(self, connection: Connection, rows: Sequence[dict[str, Any]]) -> int:
        return _insert(
            connection,
            article_sources,
            rows,
            unique=("article_id", "path", "path_bytes"),
        )

    def insert_rows(self, connection: Connection, table: Table, rows: Sequence[Any]) -> None:
        _insert(connection, table, rows)

    def band_holders(
        self, connection: Connection, keys: Sequence[int], head: int, excluding: Sequence[int]
    ) -> list[tuple[int, int]]:
        found: list[tuple[int, int]] = []
        skip = json.dumps(list(excluding))  # one parameter, however many
        for start in range(0, len(keys), _KEYS_PER_STATEMENT):
            chunk = keys[start : start + _KEYS_PER_STATEMENT]
            sql = (
                "SELECT band, article_id FROM (SELECT band, article_id, row_number() OVER "
                "(PARTITION BY band ORDER BY article_id) AS rank FROM article_bands "
                f"WHERE band IN ({', '.join('?' * len(chunk))}) "
                "AND article_id NOT IN (SELECT value FROM json_each(?))) WHERE rank <= ?"
            )
            found += connection.exec_driver_sql(sql, (*chunk, skip, head)).all()
        return found

    def ids_taken(self, connection: Connection) -> None:
        pass  # ids are given by insert_articles, and SQLite's rowids follow max(rowid)

    def interrupt(self, driver_connection: Any) -> None:
        driver_connection.interrupt()  # sqlite3: safe from any thread

    def checks_not_run(self) -> list[str]:
        if not self.read_only:
            return []
        return ["the search index's own consistency (FTS5's check writes to the archive)"]

    def integrity_problems(self, connection: Connection) -> list[str]:
        execute = connection.exec_driver_sql
        problems = [
            f"SQLite integrity check: {row[0]}"
            for row in execute("PRAGMA integrity_check")
            if row[0] != "ok"
        ]
        problems += [
            f"row {row[1]} of {row[0]} points at a missing {row[2]} row"
            for row in execute("PRAGMA foreign_key_check")
        ]
        return problems

    def size_on_disk(self, connection: Connection) -> int:
        # The main database's file and its write-ahead log: both take disk space. (An
        # in-memory database has no file: its pages are counted instead.)
        name = next(
            (
                row[2]
                for row in connection.exec_driver_sql("PRAGMA database_list")
                if row[1] == "main"
            ),
            "",
        )
        if not name:
            execute = connection.exec_driver_sql
            return int(execute("PRAGMA page_count").scalar() or 0) * int(
                execute("PRAGMA page_size").scalar() or 0
            )
        size = 0
        for part in (name, name + "-wal"):
            with suppress(FileNotFoundError):  # the last to close removes the log
                size += os.path.getsize(part)
        return size

    def facts(self, connection: Connection) -> EngineFacts:
        execute = connection.exec_driver_sql
        return EngineFacts(
            journal_mode=str(execute("PRAGMA journal_mode").scalar()),
            page_size=int(execute("PRAGMA page_size").scalar() or 0),
        )

    def damage(self, connection: Connection) -> str | None:
        # SQLite's quick_check reads every page of every table and index (not the indexes'
        # entries against their rows, as integrity_check does): 0.2 s for a 348 MB archive
        # of 30,000 articles in the page cache, so about 1 s for 1.7 GB. Past DAMAGE_CHECK
        # seconds it is stopped with no verdict, and the write relies on what SQLite checks
        # of each page it reads anyway (a damaged page on its way is an error, and the
        # write is rolled back).
        import sqlite3
        import threading

        driver = connection.connection.driver_connection
        assert driver is not None
        stop = threading.Timer(DAMAGE_CHECK_SECONDS, driver.interrupt)
        stop.start()
        try:
            found = [row[0] for row in driver.execute("PRAGMA quick_check(3)")]
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                return None
            raise
        except sqlite3.DatabaseError as exc:
            return " ".join(str(exc).split())
        finally:
            stop.cancel()
        if found == ["ok"]:
            return None
        said = (line.replace("*** in database main ***", "") for line in found)
        return "; ".join(" ".join(line.split()) for line in said)

    def looks_like_an_archive(self, url: URL) -> bool:
        from newsarchive.storage.backends.salvage import looks_like_an_archive

        name = url.database or ""
        return name not in ("", ":memory:") and looks_like_an_archive(name)

    def salvage(self, url: URL, folder: Path) -> DamagedFile:
        from newsarchive.storage.backends.salvage import DamagedFile

        return DamagedFile(Path(url.database or ""), folder)

    def trouble(self, error: BaseException) -> Trouble:
        import sqlite3

        orig = getattr(error, "orig", error)
        if not isinstance(orig, sqlite3.Error):  # only the driver's words are matched
            return Trouble.OTHER
        message = str(orig).lower()
        for words, trouble in _TROUBLES:
            if any(word in message for word in words):
                return trouble
        return Trouble.OTHER


# SQLite's messages (sqlite3 gives no error codes before Python 3.11's sqlite_errorcode,
# and not for every error), matched in this one place.
_TROUBLES = (
    (("readonly", "read-only"), Trouble.READ_ONLY),
    (("locked", "busy"), Trouble.LOCKED),
    (("full",), Trouble.FULL),
    (("i/o", "disk i/o"), Trouble.IO),
    (("malformed",), Trouble.DAMAGED),  # SQLITE_CORRUPT: "database disk image is malformed"
    (("not a database",), Trouble.NOT_A_DATABASE),
    (("unable to open",), Trouble.CANNOT_OPEN),
)


class FTS5Index:
    """The FTS5 table `article_search` (migrations 0002, 0003 and 0008): an external-content
    index over the articles as searchtext.indexed makes their text (the view
    article_search_text), kept in step by triggers, ranked by bm25 with weights headline
    10, dek 5, body 1, byline and URL 0.5, every other word of the file 0.25."""

    read_only = False  # set by SQLite.connect for an archive opened read-only

    def index_as_they_are(self, connection: Connection, ids: Sequence[int]) -> list[int]:
        """Index those of these (huge) articles whose body gives the index the same words as
        it is (see _search_bytes), reading the body itself, not through the view; return
        their ids, for index_new to skip. Through the view, a huge body was read twice (the
        function's argument, then the column again for coalesce), both held while FTS5
        tokenized it: 48 MiB more at 50 MB. Whether it is as it is, is read from the row a
        slice at a time (incremental blob I/O), never whole."""
        driver = connection.connection.driver_connection
        assert driver is not None
        found = [id_ for id_ in ids if _body_as_it_is(driver, id_)]
        if found:
            others = ", ".join(f"v.{c}" for c in SEARCHED.split(", ") if c != "body")
            connection.exec_driver_sql(
                f"INSERT INTO article_search(rowid, {SEARCHED.replace('body, ', '')}, body) "
                f"SELECT v.id, {others}, a.body FROM {SEARCH_TEXT_VIEW} v "
                "JOIN articles a ON a.id = v.id WHERE v.id IN (SELECT value FROM json_each(?))",
                (json.dumps(found),),
            )
        return found

    def index_new(self, connection: Connection, *, after: int, skip: Sequence[int] = ()) -> None:
        _settings(connection)
        sql = f"INSERT INTO article_search(rowid, {SEARCHED}) SELECT id, {SEARCHED} "
        sql += f"FROM {SEARCH_TEXT_VIEW} WHERE id > ?"
        if not skip:
            connection.exec_driver_sql(sql, (after,))
            return
        sql += " AND id NOT IN (SELECT value FROM json_each(?))"
        connection.exec_driver_sql(sql, (after, json.dumps(list(skip))))

    def index_given(self, connection: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
        """Index articles just inserted as given: (id, then each SEARCHED column's text, as
        the view would give it: text or UTF-8). The same entries as index_new's, without
        the view's five calls into Python an article on the writer's one core (20,000
        generated articles, the writer's FTS5 stage: 120 -> 64 µs an article)."""
        if rows:
            _settings(connection)
            connection.exec_driver_sql(_INDEX_GIVEN, rows)

    def search(
        self, connection: Connection, tree: Node, filters: Filters, limit: int
    ) -> SearchResults:
        driver = connection.connection.driver_connection
        assert driver is not None
        expression = fts5_expression(tree)
        params: dict[str, Any] = {"q": expression, "limit": limit, "window": RANK_WINDOW - 1}
        where = "article_search MATCH :q" + filters.sql("a")
        for name in ("since", "until"):
            if (day := getattr(filters, name)) is not None:
                params[name] = day.isoformat()
        params.update(filters.text_params())
        matches = f"FROM article_search s JOIN articles a ON a.id = s.rowid WHERE {where}"
        # Where the window starts: without filters the index alone can tell, and walking
        # its row ids is 20x cheaper than joining every match to its article.
        scan = matches if "a." in where else "FROM article_search s WHERE article_search MATCH :q"
        floor = driver.execute(
            f"SELECT s.rowid {scan} ORDER BY s.rowid DESC LIMIT 1 OFFSET :window", params
        ).fetchone()
        if floor is not None:
            params["floor"] = floor[0]
            total = estimated_total(*driver.execute(scope_counts(filters), params).fetchone())
            matches += " AND s.rowid >= :floor"
        else:
            total = driver.execute(f"SELECT count(*) {matches}", params).fetchone()[0]
        # One row per story: the newest version the query and filters keep. Whether a newer
        # version matches is asked of the index for that one row id (a seek in each
        # segment), only for articles that have versions: an IN list of every match cost
        # 4x the whole ranking for a common word (24 -> 106 ms at 30,000 articles).
        newest = filters.newest_version(
            "EXISTS (SELECT 1 FROM article_search m WHERE m.article_search MATCH :q "
            "AND m.rowid = b.id)"
        )
        rows = driver.execute(
            f"SELECT {_HIT_COLUMNS} {matches}{newest} ORDER BY s.rank LIMIT :limit", params
        ).fetchall()
        undated = 0
        if filters.by_date:
            undated = driver.execute(
                "SELECT count(*) FROM article_search s JOIN articles a ON a.id = s.rowid "
                "WHERE article_search MATCH :q AND a.published IS NULL",
                {"q": expression},
            ).fetchone()[0]
        return SearchResults(
            hits_from_rows(_with_snippets(rows, tree)),
            undated,
            RANK_WINDOW if floor is not None else None,
            total,
        )

    def matching(
        self, connection: Connection, tree: Node, filters: Filters, after: int, limit: int
    ) -> list[int]:
        params: dict[str, Any] = {"q": fts5_expression(tree), "after": after, "limit": limit}
        for name in ("since", "until"):
            if (day := getattr(filters, name)) is not None:
                params[name] = day.isoformat()
        params.update(filters.text_params())
        rows = connection.execute(
            text(
                "SELECT s.rowid FROM article_search s JOIN articles a ON a.id = s.rowid "
                f"WHERE article_search MATCH :q AND s.rowid > :after{filters.sql('a')} "
                "ORDER BY s.rowid LIMIT :limit"
            ),
            params,
        )
        return [id_ for (id_,) in rows]

    def problems(self, connection: Connection, articles: int) -> list[str]:
        execute = connection.exec_driver_sql
        problems = []
        try:
            if not self.read_only:  # FTS5's check is a command written into the table
                execute(
                    "INSERT INTO article_search(article_search, rank) VALUES ('integrity-check', 1)"
                )
        except DatabaseError as exc:
            problems.append(f"the search index does not match the articles: {exc.orig}")
        indexed = execute("SELECT count(*) FROM article_search_docsize").scalar_one()
        if indexed != articles:
            problems.append(f"the search index has {indexed} articles, the archive {articles}")
        _give_back_freed_memory()
        return problems


def _give_back_freed_memory() -> None:
    """Hand the C library's freed memory back to the system. The integrity checks read every
    page and every indexed text once; what SQLite freed after them stayed in glibc's heap
    as memory the rest of verify held (a 50 MB article: 28 MiB, and verify's peak reading
    that article 344 -> 317 MiB). glibc only (malloc_trim); elsewhere nothing is done."""
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


def _with_snippets(rows: Sequence[Any], tree: Node) -> list[tuple[Any, ...]]:
    """The rows with the start of each body turned into its marked snippet."""
    terms = snippet_terms(tree)
    return [(*row[:6], marked_snippet(row[6] or "", terms), *row[7:]) for row in rows]


# What a hit shows, in the order hits_from_rows reads it.
_HIT_COLUMNS = (
    "a.id, a.headline, a.published, a.date_source, a.word_count, s.rank, "
    # The start of the body, for a snippet made here (marked_snippet): FTS5's snippet()
    # costs the square of the matches in one article (minutes for megabytes of a common
    # word), in one call SQLite cannot interrupt.
    f"substr(a.body, 1, {SNIPPET_WINDOW}), "
    "(SELECT path FROM article_sources p WHERE p.article_id = a.id ORDER BY p.id LIMIT 1), "
    "(SELECT path_bytes FROM article_sources p WHERE p.article_id = a.id ORDER BY p.id "
    "LIMIT 1), "
    f"{VERSIONS}"
)


def fts5_expression(node: Node) -> str:
    """The query tree as an FTS5 expression: every term a quoted string (punctuation in it
    is text), operators in FTS5's precedence (NOT, then AND, then OR), brackets where the
    tree needs them."""
    if isinstance(node, Term):
        words, prefix = query_text(node.text)
        quoted = '"' + words.replace('"', '""') + '"'
        return f"{quoted}*" if node.prefix or prefix else quoted
    if isinstance(node, Any_):
        return " OR ".join(fts5_expression(part) for part in node.parts)
    if isinstance(node, All):
        return " AND ".join(_bracketed(part, Any_) for part in node.parts)
    assert isinstance(node, Without)
    return f"{_bracketed(node.keep, All | Any_)} NOT {_bracketed(node.drop, All | Any_ | Without)}"


def _bracketed(node: Node, looser: Any) -> str:
    expression = fts5_expression(node)
    return f"({expression})" if isinstance(node, looser) else expression


def _settings(connection: Connection) -> None:
    """The index's settings (SEARCH_SETTINGS), made by the first bulk write."""
    execute = connection.exec_driver_sql
    found: dict[str, Any] = dict(execute("SELECT k, v FROM article_search_config").all())
    for name, value in SEARCH_SETTINGS.items():
        if found.get(name) != value:
            execute("INSERT INTO article_search(article_search, rank) VALUES (?, ?)", (name, value))


_INDEX_GIVEN = (
    f"INSERT INTO article_search(rowid, {SEARCHED}) VALUES "
    f"(?, {', '.join('CAST(? AS TEXT)' for _ in SEARCHED.split(', '))})"
)


def made_for_index(values: Mapping[str, Any]) -> IndexTexts | None:
    """What the search index is to be given for a parsed article's columns (ArticleValues),
    in SEARCHED's order, each as the view gives it (_search_text of the column's UTF-8:
    None, the column as it is, else the made text's UTF-8; `other`, the file's other words,
    as searchtext.other_words makes them from the stored columns); None for a body past
    SEARCH_TEXT_SLICE, whose text is made by the view, a slice at a time, as it is written
    (issue 22). Backend.index_texts: ingest's parsing workers run it."""
    if len(values["body"]) > SEARCH_TEXT_SLICE:
        return None
    other = other_lines(values["publication"], values["meta"], values["blocks"])
    return (
        *(
            None if text is None or text.isascii() else _search_bytes(text.encode())
            for text in (values[column] for column in _STORED_SEARCHED)
        ),
        None if other is None else other.encode("utf-8", "surrogateescape"),
    )


def _holds_huge(items: Sequence[NewArticle]) -> bool:
    return max((len(item.raw) for item in items), default=0) > HUGE_ARTICLE_BYTES


@contextmanager
def _small_cache_for(connection: Connection, items: Sequence[NewArticle]) -> Iterator[None]:
    """A batch holding a huge article is written through a small page cache: its pages are
    written once and not read again, and in the usual cache (CACHE_BYTES) they stayed as
    memory the run held, a 16 MB article's 32 MB of pages beside everything else
    (issue 22). Past the small cache, SQLite spills them to the write-ahead log."""
    if not _holds_huge(items):
        yield
        return
    execute = connection.exec_driver_sql
    execute(f"PRAGMA cache_size=-{HUGE_WRITE_CACHE_BYTES // 1024}")
    try:
        yield
    finally:
        execute(f"PRAGMA cache_size=-{CACHE_BYTES // 1024}")


@contextmanager
def _search_index_paused(connection: Connection) -> Iterator[None]:
    """The search index's insert trigger stands aside while article_search_paused has a row
    (see migration 0002), so a batch is indexed in one statement (FTS5Index.index_new);
    all in the caller's transaction, so the index and the articles never part."""
    connection.exec_driver_sql("INSERT INTO article_search_paused (paused) VALUES (1)")
    yield
    connection.exec_driver_sql("DELETE FROM article_search_paused")


_ARTICLE_COLUMNS = ("id", "cluster_id", "family_id", "sha256", "ingested_at", *ROW_COLUMNS)
# Where a StoredRow holds the body, which insert_articles binds as UTF-8 bytes.
_BODY = ROW_COLUMNS.index("body")
_BLOCKS = ROW_COLUMNS.index("blocks")
# The SEARCHED columns that are columns of the table (`other` is made from several).
_STORED_SEARCHED = tuple(c for c in SEARCHED.split(", ") if c != "other")
# Where an articles row (insert_articles) holds each of them.
_SEARCHED_AT = tuple(_ARTICLE_COLUMNS.index(column) for column in _STORED_SEARCHED)
_INSERT_ARTICLES = (
    f"INSERT INTO articles ({', '.join(_ARTICLE_COLUMNS)}) VALUES "
    f"({', '.join('CAST(? AS TEXT)' if c == 'body' else '?' for c in _ARTICLE_COLUMNS)}) "
    "ON CONFLICT (sha256) DO NOTHING"
)


def _insert_articles(connection: Connection, rows: Sequence[tuple[Any, ...]]) -> int:
    """Insert articles rows made as stored (insert_articles); those whose hash is stored
    already are skipped. Returns how many were inserted."""
    if not rows:
        return 0
    return int(connection.exec_driver_sql(_INSERT_ARTICLES, rows).rowcount)


def _bind_processor(connection: Connection, column: Any) -> Any:
    """What SQLAlchemy does to a value of this column before the driver gets it."""
    dialect = connection.dialect
    convert = column.type.dialect_impl(dialect).bind_processor(dialect)
    return convert or (lambda value: value)


# Bound parameters per statement stay under SQLite's limit (32,766 since 3.32).
_KEYS_PER_STATEMENT = 10_000


def _insert(
    connection: Connection,
    table: Any,
    rows: Sequence[dict[str, Any]],
    *,
    unique: tuple[str, ...] = (),
) -> int:
    """Insert `rows` in one executemany; rows clashing on `unique` are skipped. Returns
    how many were inserted.

    Values go through SQLAlchemy's own column types (their bind processors), so they read
    back exactly as rows inserted through SQLAlchemy do, without its per-row work.
    """
    assert isinstance(table, Table)
    if not rows:
        return 0
    dialect = connection.dialect
    names = list(rows[0])
    converters = [
        (i, convert)
        for i, name in enumerate(names)
        if (convert := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
    ]

    def values(row: dict[str, Any]) -> tuple[Any, ...]:
        out = [row[name] for name in names]
        for i, convert in converters:
            out[i] = convert(out[i])
        return tuple(out)

    if converters:
        tuples = [values(row) for row in rows]
    else:  # plain integers and strings (band keys, names): picked in C
        pick = operator.itemgetter(*names)
        tuples = [pick(row) for row in rows] if len(names) > 1 else [(pick(r),) for r in rows]

    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, names))}) "
        f"VALUES ({', '.join('?' * len(names))})"
    )
    if unique:
        sql += f" ON CONFLICT ({', '.join(map(quote, unique))}) DO NOTHING"
    return connection.exec_driver_sql(sql, tuples).rowcount


def _open_read_only(path: str) -> Any:
    """A connection to an archive the user may not write. With no -wal file beside it (no
    writer at work, the last one having folded its log back in) it is opened immutable:
    SQLite takes no locks and makes no files, so a reader leaves nothing behind, even on
    read-only media. With a -wal file, it is read through the writer's log and shared
    memory (mode=ro), as any reader would."""
    import sqlite3
    from urllib.parse import quote

    immutable = "" if os.path.exists(path + "-wal") else "&immutable=1"
    uri = f"file:{quote(path)}?mode=ro{immutable}"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)


def _file_state(path: str) -> tuple[int, int, int, bool]:
    found = os.stat(path)
    return (found.st_ino, found.st_size, found.st_mtime_ns, os.path.exists(path + "-wal"))


def _remember_the_file(path: str) -> Any:
    def remember(_dbapi_connection: Any, record: Any) -> None:
        record.info["file"] = _file_state(path)

    return remember


def _reopen_when_changed(path: str) -> Any:
    """An immutable connection must not outlive a change to the file (an owner who may
    write it, writing): a connection taken from the pool after one is replaced by a new
    one, opened as the file now is (see _open_read_only)."""
    from sqlalchemy.exc import DisconnectionError

    def check(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if record.info.get("file") != _file_state(path):
            raise DisconnectionError("the archive changed since this connection opened it")

    return check


def _search_text(value: str | bytes | None) -> str | bytes | bytearray | None:
    """searchtext.indexed as the index's SQL function. The view and triggers hand it each
    column's UTF-8 bytes (migration 0010; before it, the text, which Python's sqlite3 makes a
    str: a 50 MB body with one character past Latin-1 was a 95 MiB str while indexed), and
    it answers NULL when the column itself gives the index the same words (the view reads
    `coalesce(function(CAST(column AS BLOB)), column)`), else the text made, as UTF-8 bytes,
    which SQLite reads as that text. See _search_bytes and _search_str for how a long value
    is made without holding it several times over."""
    if isinstance(value, bytes):
        return _search_bytes(value)
    return _search_str(value)


def _search_bytes(data: bytes) -> bytearray | None:
    """A column's UTF-8 bytes as the index is to be given them, made a slice at a time, each
    ending before ASCII whitespace (no CJK run or symbol holds it, and a cut there never
    splits a character, so the pieces make the same text).

    None (no copy: SQLite gives the index the column as it is) when the bytes give the index
    the same words as the made text: ASCII, and text past it whose making changes nothing but the
    case of ASCII letters (most news text: "£", "é" and "’" fold to themselves), which the
    tokenizer folds the same way (unicode61 lowers A-Z before anything else). An article is
    then indexed, and removed from the index, by the same words either way."""
    if data.isascii():
        return None
    made: bytearray | None = None
    start = 0
    view = memoryview(data)
    while start < len(data):
        cut = _ASCII_SPACE.search(data, start + SEARCH_TEXT_SLICE)
        end = cut.start() if cut else len(data)
        piece = data[start:end]
        encoded = _made(piece)
        if encoded is not None and made is None:
            made = bytearray(view[:start])
        if made is not None:
            made += piece if encoded is None else encoded
        start = end
    view.release()
    return made


def _made(piece: bytes) -> bytes | None:
    """A slice of UTF-8 (ending before whitespace) as the index is to be given it, or None
    when it gives the index the same words as it is (see _search_bytes)."""
    if piece.isascii():
        return None
    # Only characters past ASCII can be CJK or symbols, or fold past A-Z's case: they are
    # looked at first, without the ASCII bytes between them (a few dozen characters, not
    # the piece). Those bytes joined decode to every character the piece holds past ASCII
    # (a valid sequence starts a new character whatever came before it) and perhaps to
    # more (bytes that are not UTF-8, joined), never fewer: what they pass, the piece
    # passes. (20,000 generated articles, made_for_index: 43 -> 21 µs an article.)
    past, _ = codecs.utf_8_decode(piece.translate(None, _ASCII_BYTES), "surrogateescape", True)
    folded = past.casefold()
    if folded == past and not holds_cjk_or_symbols(folded):
        return None  # the made text is the piece with A-Z lowered: the same words
    # surrogateescape: bytes that are not UTF-8 (written by another tool) go through as
    # they are, where a strict decode would refuse the row.
    text, _ = codecs.utf_8_decode(piece, "surrogateescape", True)
    # No CJK or symbol: the made text is the piece case-folded (searchtext.indexed
    # without its search of the whole text for them).
    out = text.casefold() if not holds_cjk_or_symbols(folded) else (indexed(text) or "")
    if out == text:
        return None
    encoded = out.encode("utf-8", "surrogateescape")
    return None if encoded == piece.lower() else encoded  # bytes.lower: A-Z only


def _body_as_it_is(driver: Any, article_id: int) -> bool:
    """Whether the article's body gives the index the same words as it is (_made of every
    slice is None), read a slice at a time through incremental blob I/O."""
    carry = b""
    with driver.blobopen("articles", "body", article_id, readonly=True) as blob:
        while chunk := blob.read(SEARCH_TEXT_SLICE):
            data = carry + chunk
            cut = max(data.rfind(space) for space in _ASCII_SPACES)
            if cut < 0:
                carry = data
                continue
            if _made(data[:cut]) is not None:
                return False
            carry = data[cut:]
    return _made(carry) is None


def _search_str(text: str | None) -> str | bytearray | None:
    """The same for a column given as text (an archive not yet at migration 0010: 0008's
    rebuild, a downgrade). A long text that is not ASCII is made a slice at a time, each
    ending before whitespace, and handed back as UTF-8 bytes: made whole, a 50 MB body was
    held four times over while indexed (the str SQLite gave, its case-folded copy, the
    rewritten one, SQLite's UTF-8 of it). A bytearray, grown in place: bytes joined at the
    end would be one more copy."""
    if text is None or len(text) <= SEARCH_TEXT_SLICE or text.isascii():
        return indexed(text)
    made = bytearray()
    start = 0
    while start < len(text):
        cut = _WHITESPACE.search(text, start + SEARCH_TEXT_SLICE)
        end = cut.start() if cut else len(text)
        made += (indexed(text[start:end]) or "").encode("utf-8")
        start = end
    return made


# Characters (bytes, of UTF-8) of a long value made at a time for the search index (see
# _search_bytes, _search_str).
SEARCH_TEXT_SLICE = 1 << 20
_WHITESPACE = re.compile(r"\s")
_ASCII_SPACE = re.compile(rb"[ \t\n\r\f\v]")
_ASCII_BYTES = bytes(range(128))
_ASCII_SPACES = (b" ", b"\t", b"\n", b"\r", b"\f", b"\v")


def register_functions(connection: sqlite3.Connection) -> None:
    """The SQL functions the search index's view and triggers call, on a sqlite3 connection
    (every one the archive opens; a raw one must call this to write articles or read the
    index's columns): each column's text as the index is given it (migrations 0008, 0010)
    and the file's words that are not the story's (0011, the `other` column)."""
    connection.create_function(SEARCH_TEXT_FUNCTION, 1, _search_text, deterministic=True)
    connection.create_function(OTHER_WORDS_FUNCTION, 3, other_words, deterministic=True)


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _on_begin).
    dbapi_connection.isolation_level = None
    register_functions(dbapi_connection)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        # With WAL (see prepare_for_writing), NORMAL is durable against crashes of the
        # process; a power cut may lose the last commit, never corrupt the file.
        cursor.execute("PRAGMA synchronous=NORMAL")
        # For a new archive only (an existing file keeps its page size; nothing is written):
        # an article's row fits one 16 KiB page where 4 KiB pages chain overflow pages, and
        # bulk ingest writes a quarter as many pages (100,000 articles, main process CPU,
        # medians of 3: 30.8 s -> 27.7 s).
        cursor.execute(f"PRAGMA page_size={PAGE_SIZE}")
        page_size = cursor.execute("PRAGMA page_size").fetchone()[0]
        # Bulk ingest rewrites the same index pages (FTS5 segments, B-tree leaves) batch after
        # batch: a 64 MiB page cache and checkpoints every 64 MiB of WAL, not every 4 MiB,
        # let those rewrites happen in memory (100,000 articles: 36 s -> 28 s).
        cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_BYTES // page_size}")
        cursor.execute(f"PRAGMA cache_size=-{CACHE_BYTES // 1024}")
    finally:
        cursor.close()


def _on_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front, so two writers queue on the busy timeout
    # instead of one failing with "database is locked" when it upgrades a read lock.
    if connection.get_execution_options().get("writes"):
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # may time out: SQLAlchemy wraps that
    else:
        # Takes no lock, so it cannot fail; on the driver, as SQLAlchemy's statement path
        # would double the cost of a short read.
        connection.connection.driver_connection.execute("BEGIN DEFERRED")
    _cache_as_asked(connection)


def _cache_as_asked(connection: Any) -> None:
    """The connection's page cache as its transaction asks (a lean read's is small), set
    only when it changes: a connection serves reads and writes in turn."""
    want = connection.get_execution_options().get("cache_bytes", CACHE_BYTES)
    info = connection.connection.info
    if info.get("cache_bytes", CACHE_BYTES) != want:
        driver = connection.connection.driver_connection
        driver.execute(f"PRAGMA cache_size=-{want // 1024}")
        info["cache_bytes"] = want
