"""Archives on a PostgreSQL server, through psycopg 3: bulk writes, the tsvector index, errors.

Search (migrations 0004, 0008, 0011): `articles.search_document`, a generated tsvector column
with a GIN index, weighted A headline, B dek, C body, D byline, source URL and the file's
other words (publication, metadata lines, furniture, READ MORE lines), made with the text search
configuration `newsarchive` (PostgreSQL's `simple`, words run through `unaccent` first):
case and accents do not matter, and no word is stemmed or dropped as a stop word, as in the
SQLite index. Being a generated column, it cannot fall out of step with the article.

Errors are told apart by their SQLSTATE, never by their wording.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    bindparam,
    cast,
    create_engine,
    event,
    func,
    literal_column,
    select,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import REGCONFIG, TSVECTOR

from newsarchive.model.errors import ArchiveError, Trouble
from newsarchive.model.records import EngineFacts
from newsarchive.model.rows import ROW_COLUMNS
from newsarchive.storage.backends import (
    ARTICLE,
    RANK_WINDOW,
    Filters,
    NewArticle,
    SearchResults,
    estimated_total,
    first_source,
    json_loads,
    scope_counts,
    version_count,
)
from newsarchive.storage.backends.hits import (
    MARK_END,
    MARK_START,
    SNIPPET_WINDOW,
    SNIPPET_WORDS,
    hits_from_rows,
    marked_snippet,
    snippet_terms,
)
from newsarchive.storage.ids import last_given
from newsarchive.storage.schema import article_sources
from newsarchive.text.query import All, Any_, Node, Term, Without
from newsarchive.text.searchtext import has_cjk_or_symbols, query_text

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy import ColumnElement, Connection, Engine, Select, Subquery, Table
    from sqlalchemy.engine import URL

    from newsarchive.model.rows import MakeIndexTexts
    from newsarchive.storage.backends.salvage import DamagedFile

# The text search configuration migration 0004 makes.
TS_CONFIG = "newsarchive"
# ts_rank's weights for D (byline, URL, the file's other words), C (body), B (dek), A
# (headline): the ratios of the SQLite index's bm25 weights (0.5, 1, 5, 10).
RANK_WEIGHTS = "{0.05, 0.1, 0.5, 1.0}"
# A query's words as the index's parser sees them: letters and digits (as query.py keeps).
_WORD = re.compile(r"[^\W_]+")
# Rows per INSERT statement in bulk writes (psycopg's limit is 65,535 parameters).
_ROWS_PER_STATEMENT = 500


class PostgreSQL:
    name = "postgresql"
    read_only = False  # a user without write grants hears the server's refusal

    def __init__(self) -> None:
        self.index = TsvectorIndex()
        self.index_texts: MakeIndexTexts | None = None  # the server makes them

    def connect(self, url: URL) -> Engine:
        if url.drivername == "postgresql":  # SQLAlchemy's default driver is psycopg2
            url = url.set(drivername="postgresql+psycopg")
        # A server that does not answer is an error within seconds, not minutes.
        engine = create_engine(
            url,
            connect_args={"connect_timeout": 10, "application_name": "newsarchive"},
            insertmanyvalues_page_size=_ROWS_PER_STATEMENT,
            json_deserializer=json_loads,
        )
        event.listen(engine, "begin", _on_begin)
        return engine

    def in_memory(self, url: URL) -> bool:
        return False  # a server keeps what it is given

    def for_reading(self, engine: Engine, *, snapshot: bool = False, lean: bool = False) -> Engine:
        # Reads without BEGIN and COMMIT: two round trips saved on every command (0.3 ms
        # and more on a busy server, a third of a rare word's search). Each statement sees
        # the archive as committed when it starts; a reading command's few statements may
        # thus see a batch committed between them, never half of one. A snapshot is one
        # read-only REPEATABLE READ transaction instead.
        if snapshot:
            return engine.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        return engine.execution_options(isolation_level="AUTOCOMMIT")

    def prepare_for_writing(self, engine: Engine) -> None:
        pass  # nothing to set once: the server owns its journal

    def insert_articles(
        self, connection: Connection, items: Sequence[NewArticle], now: dt.datetime
    ) -> dict[str, int]:
        # Straight into the table by COPY, with ids given here in file order: the write
        # lock (_on_begin) is held, so no other writer can add a hash or an id meanwhile,
        # and the hashes already stored are known for sure. The server builds each row's
        # search document as it arrives. (A scratch table and INSERT ... SELECT ON CONFLICT
        # cost the server a second pass over every row: 0.79x the bare COPY floor.)
        driver = _driver(connection)
        with _wrapped("COPY articles"), driver.cursor() as cursor:
            cursor.execute(
                "SELECT sha256 FROM articles WHERE sha256 = ANY(%s)",
                ([item.sha256 for item in items],),
            )
            stored = {sha for (sha,) in cursor.fetchall()}
            last = last_given(connection)
            fresh = [item for item in items if item.sha256 not in stored]
            inserted = {item.sha256: last + n for n, item in enumerate(fresh, 1)}
            # A new article is its own cluster until versions.py joins it to another.
            with cursor.copy(
                f"COPY articles (id, cluster_id, family_id, {_COPIED}) FROM STDIN"
            ) as copy:
                for item in fresh:
                    id_ = inserted[item.sha256]
                    copy.write_row((id_, id_, id_, item.sha256, now, *item.row))
            with cursor.copy("COPY article_raw (article_id, data) FROM STDIN") as copy:
                for item in fresh:
                    copy.write_row((inserted[item.sha256], item.raw))
            if fresh:  # the id sequence, for whoever inserts without an id
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('articles', 'id'), %s)",
                    (last + len(fresh),),
                )
        return inserted

    def insert_rows(self, connection: Connection, table: Table, rows: Sequence[Any]) -> None:
        if not rows:
            return
        columns = list(rows[0])
        with (
            _wrapped(f"COPY {table.name}"),
            _driver(connection).cursor() as cursor,
            cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(tuple(row[c] for c in columns))

    def band_holders(
        self, connection: Connection, keys: Sequence[int], head: int, excluding: Sequence[int]
    ) -> list[tuple[int, int]]:
        if not keys:
            return []
        with _driver(connection).cursor() as cursor:  # one statement: arrays of keys and ids
            # The ids left out as a hashed anti-join: `NOT article_id = ANY(ids)` compared
            # each row with every id (a batch of 4,000: 0.95 s of the server's CPU, 0.22 s).
            cursor.execute(
                "SELECT band, article_id FROM (SELECT band, article_id, row_number() OVER "
                "(PARTITION BY band ORDER BY article_id) AS rank FROM article_bands b "
                "WHERE band = ANY(%s) AND NOT EXISTS (SELECT 1 FROM unnest(%s::bigint[]) "
                "AS x(id) WHERE x.id = b.article_id)) AS ranked WHERE rank <= %s",
                (list(keys), list(excluding), head),
            )
            return [(band, article_id) for band, article_id in cursor.fetchall()]

    def insert_sources(self, connection: Connection, rows: Sequence[dict[str, Any]]) -> int:
        # As insert_articles: the paths already recorded are looked up under the write lock,
        # the rest COPYd straight in.
        driver = _driver(connection)
        with _wrapped("COPY article_sources"), driver.cursor() as cursor:
            cursor.execute(
                "SELECT article_id, path, path_bytes FROM article_sources "
                "WHERE article_id = ANY(%s)",
                (list({row["article_id"] for row in rows}),),
            )
            recorded = {(a, path, bytes(exact)) for a, path, exact in cursor.fetchall()}
            fresh = [
                row
                for row in rows
                if (row["article_id"], row["path"], row["path_bytes"]) not in recorded
            ]
            columns = ("article_id", "path", "path_bytes", "first_seen", "place", "places")
            with cursor.copy(f"COPY article_sources ({', '.join(columns)}) FROM STDIN") as copy:
                for row in fresh:
                    copy.write_row(tuple(row.get(c) for c in columns))
        return len(fresh)

    def ids_taken(self, connection: Connection) -> None:
        for table in ("articles", "article_sources"):
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )
            )

    def interrupt(self, driver_connection: Any) -> None:
        driver_connection.cancel()  # psycopg: asks the server to cancel the statement

    def integrity_problems(self, connection: Connection) -> list[str]:
        return []  # the server keeps its own pages whole; verify checks the rows

    def checks_not_run(self) -> list[str]:
        return []

    def size_on_disk(self, connection: Connection) -> int:
        # The archive's tables in its schema, each with its indexes and TOAST: not
        # pg_database_size, whose system catalogs (some 7 MiB) would swamp a small archive.
        size = connection.execute(
            text(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
            )
        ).scalar()
        return int(size or 0)

    def facts(self, connection: Connection) -> EngineFacts:
        version = connection.execute(text("SELECT current_setting('server_version')")).scalar()
        return EngineFacts(server_version=str(version))

    def damage(self, connection: Connection) -> str | None:
        return None  # the server checks its own pages as it reads them

    def looks_like_an_archive(self, url: URL) -> bool:
        return False  # a server that answers opens any database; it is never cut short

    def salvage(self, url: URL, folder: Path) -> DamagedFile:
        raise ArchiveError(
            "db recover reads damaged SQLite files; a PostgreSQL database is restored from "
            "its server's backups (pg_dump, pg_basebackup)"
        )

    def trouble(self, error: BaseException) -> Trouble:
        orig = getattr(error, "orig", error)
        state = getattr(orig, "sqlstate", None) or ""
        if state in _TROUBLES:
            return _TROUBLES[state]
        for prefix, trouble in _TROUBLE_CLASSES.items():
            if state.startswith(prefix):
                return trouble
        if not state:  # refused while connecting: psycopg gives the server's words only
            message = str(orig)
            for words, trouble in _CONNECT_TROUBLES:
                if words in message:
                    return trouble
        return Trouble.OTHER


_TROUBLES = {
    "25006": Trouble.READ_ONLY,  # read_only_sql_transaction
    "42501": Trouble.NO_PRIVILEGE,  # insufficient_privilege
    "53100": Trouble.FULL,  # disk_full
    "58030": Trouble.IO,  # io_error
    "55P03": Trouble.LOCKED,  # lock_not_available
    "40P01": Trouble.LOCKED,  # deadlock_detected
    "57P01": Trouble.CONNECTION_LOST,  # admin_shutdown (pg_terminate_backend)
    "57P02": Trouble.CONNECTION_LOST,  # crash_shutdown
    "57P03": Trouble.UNREACHABLE,  # cannot_connect_now
    "3D000": Trouble.NO_DATABASE,  # invalid_catalog_name
    "28P01": Trouble.AUTH,  # invalid_password
    "28000": Trouble.AUTH,  # invalid_authorization_specification
}
# A refused connection has no SQLSTATE in psycopg; the server's FATAL message tells.
_CONNECT_TROUBLES = (
    ("password authentication failed", Trouble.AUTH),
    ("no password supplied", Trouble.AUTH),
    ('role "', Trouble.AUTH),  # role "x" does not exist
    ('database "', Trouble.NO_DATABASE),  # database "x" does not exist
    ("connection", Trouble.UNREACHABLE),
)
_TROUBLE_CLASSES = {"08": Trouble.CONNECTION_LOST, "53": Trouble.FULL, "58": Trouble.IO}


class TsvectorIndex:
    """`articles.search_document` and its GIN index (see the module's docstring)."""

    def index_new(self, connection: Connection, *, after: int) -> None:
        pass  # a generated column: each row is indexed as it is written

    def search(
        self, connection: Connection, tree: Node, filters: Filters, limit: int
    ) -> SearchResults:
        # q filters; rq (the query without its negated parts) ranks and marks snippets:
        # ts_rank scores `oil & !gas` near zero for every match (it looks for `gas`).
        a, q = ARTICLE, _queries(tree, ranked=True)
        where = [_matches(a, q), *filters.conditions(a)]
        # Ranking reads every match's document: past RANK_WINDOW matches, only the newest
        # RANK_WINDOW are ranked, as on SQLite.
        floor = connection.scalar(
            select(a.c.id)
            .select_from(a.join(q, true()))
            .where(*where)
            .order_by(a.c.id.desc())
            .offset(RANK_WINDOW - 1)
            .limit(1)
        )
        if floor is not None:
            in_scope, from_floor = connection.execute(scope_counts(filters), {"floor": floor}).one()
            total = estimated_total(in_scope, from_floor)
            where.append(a.c.id >= floor)
        else:
            counted = select(func.count()).select_from(a.join(q, true())).where(*where)
            total = connection.execute(counted).scalar_one()
        # ts_headline parses the body as it is, where a CJK word is not a word of its own
        # and a symbol no word at all: such a query's snippets are made here, as on SQLite.
        terms = snippet_terms(tree)
        own_snippets = any(has_cjk_or_symbols(word) for word, _ in terms)
        page = _page(a, q, where, filters, limit)
        rows: Sequence[Sequence[Any]] = connection.execute(_hits(page, own_snippets)).all()
        undated = 0
        if filters.by_date:
            undated = connection.execute(
                select(func.count())
                .select_from(a.join(q, true()))
                .where(_matches(a, q), a.c.published.is_(None))
            ).scalar_one()
        if own_snippets:
            rows = [(*row[:6], marked_snippet(row[6] or "", terms), *row[7:]) for row in rows]
        hits = hits_from_rows(rows)
        return SearchResults(hits, undated, RANK_WINDOW if floor is not None else None, total)

    def matching(
        self, connection: Connection, tree: Node, filters: Filters, after: int, limit: int
    ) -> list[int]:
        a, q = ARTICLE, _queries(tree)
        query = (
            select(a.c.id)
            .select_from(a.join(q, true()))
            .where(_matches(a, q), a.c.id > after, *filters.conditions(a))
            .order_by(a.c.id)
            .limit(limit)
        )
        return list(connection.scalars(query))

    def problems(self, connection: Connection, articles: int) -> list[str]:
        # Each stored document against the server's own generation expression for it.
        expression = connection.execute(
            text(
                "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d "
                "JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
                "WHERE d.adrelid = CAST('articles' AS regclass) AND a.attname = 'search_document'"
            )
        ).scalar()
        if expression is None:
            return ["the search index is missing (articles.search_document)"]
        stale = connection.execute(
            text(
                "SELECT count(*) FROM articles "
                f"WHERE search_document IS DISTINCT FROM ({expression})"
            )
        ).scalar_one()
        if stale:
            return [f"the search index is out of step for {stale:,} articles"]
        return []


def tsquery(node: Node) -> str:
    """The query tree as to_tsquery's text: each word a quoted lexeme (only letters and
    digits, so nothing in it is syntax), a phrase's words joined by <->, a prefix marked :*,
    and the operators &, |, & ! with brackets around every group."""
    if isinstance(node, Term):
        made, prefix = query_text(node.text, fold=False)  # the configuration folds case
        words = [f"'{word}'" for word in _WORD.findall(made)]
        if node.prefix or prefix:
            words[-1] += ":*"
        return " <-> ".join(words) if len(words) > 1 else words[0]
    if isinstance(node, All):
        return " & ".join(f"({tsquery(part)})" for part in node.parts)
    if isinstance(node, Any_):
        return " | ".join(f"({tsquery(part)})" for part in node.parts)
    assert isinstance(node, Without)
    return f"({tsquery(node.keep)}) & !({tsquery(node.drop)})"


def kept(node: Node) -> Node:
    """The query without what it negates (`a NOT b` is `a`): what a match is ranked by.
    Every negation keeps something, so something is always left."""
    if isinstance(node, Without):
        return kept(node.keep)
    if isinstance(node, All):
        return All(tuple(kept(part) for part in node.parts))
    if isinstance(node, Any_):
        return Any_(tuple(kept(part) for part in node.parts))
    return node


def _queries(tree: Node, *, ranked: bool = False) -> Subquery:
    """The query as `q.q` (and, `ranked`, without what it negates as `q.rq`), parsed once
    by the server with the archive's text search configuration."""
    config = cast(bindparam("cfg", TS_CONFIG), REGCONFIG)
    parsed = [func.to_tsquery(config, bindparam("q", tsquery(tree))).label("q")]
    if ranked:
        parsed.append(func.to_tsquery(config, bindparam("rq", tsquery(kept(tree)))).label("rq"))
    return select(*parsed).subquery("q")


def _document(a: Any) -> ColumnElement[Any]:
    """The search document of articles alias `a` (migration 0004): a column of PostgreSQL
    archives alone, so not in schema.py."""
    return literal_column(f"{a.name}.search_document", TSVECTOR)


def _matches(a: Any, q: Subquery) -> ColumnElement[bool]:
    return _document(a).bool_op("@@")(q.c.q)


def _page(a: Any, q: Subquery, where: list[Any], filters: Filters, limit: int) -> Subquery:
    """The best `limit` matches, one row per story (the newest version that matches), with
    the start of each body: snippets are made for the page shown only, from the start of
    the body (as on SQLite), since ts_headline re-parses all it is given (2.7 s for a 15 MB
    article)."""
    rank = (-func.ts_rank(literal_column(f"'{RANK_WEIGHTS}'"), _document(a), q.c.rq)).label("rank")
    return (
        select(
            a.c.id,
            a.c.headline,
            a.c.published,
            a.c.date_source,
            a.c.word_count,
            func.left(a.c.body, SNIPPET_WINDOW).label("body"),
            q.c.rq,
            version_count(a).label("versions"),
            rank,
        )
        .select_from(a.join(q, true()))
        .where(*where, *filters.newest_version(a, lambda b: _matches(b, q)))
        .order_by(rank, a.c.id.desc())
        .limit(limit)
        .subquery("p")
    )


def _hits(page: Subquery, own_snippets: bool) -> Select[Any]:
    """A page's rows as hits_from_rows reads them, each body's start marked around the
    query's words by ts_headline (or left whole, for `own_snippets`)."""
    options = (
        f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, "
        f"MinWords={SNIPPET_WORDS // 2}, ShortWord=0, MaxFragments=1, FragmentDelimiter=…"
    )
    config = cast(bindparam("cfg", TS_CONFIG), REGCONFIG)
    p = page.c
    snippet = p.body if own_snippets else func.ts_headline(config, p.body, p.rq, options)
    return select(
        p.id,
        p.headline,
        p.published,
        p.date_source,
        p.word_count,
        p.rank,
        snippet,
        first_source(page, article_sources.c.path),
        first_source(page, article_sources.c.path_bytes),
        p.versions,
    ).order_by(p.rank, p.id.desc())


# The columns bulk ingest COPYs, in this order: the hash, the ingest time, then every
# column parsing gives, as stored (rows.StoredRow): the JSON columns are their text, which
# COPY hands the server as it is, and the date ISO text.
_COPIED = ", ".join(("sha256", "ingested_at", *ROW_COLUMNS))


def _driver(connection: Connection) -> Any:
    """The psycopg connection under SQLAlchemy's, in the same transaction."""
    return connection.connection.driver_connection


@contextmanager
def _wrapped(statement: str) -> Iterator[None]:
    """psycopg's errors from COPY and friends as SQLAlchemy's, as every other statement's
    are, so the archive tells them apart in one place (Archive._classified)."""
    import psycopg
    from sqlalchemy.exc import DBAPIError

    try:
        yield
    except psycopg.Error as exc:
        raise DBAPIError.instance(statement, None, exc, psycopg.Error) from exc


# The key of the advisory lock every write transaction takes (any constant: "newsarchive").
WRITE_LOCK_KEY = 0x6E657773


def _on_begin(connection: Any) -> None:
    # One writer at a time, as on SQLite: write transactions are short (parsing happens
    # outside them), and taking turns means two ingesters never wait on each other's
    # uncommitted rows (which could deadlock), and ids follow each batch's file order.
    if connection.get_execution_options().get("writes"):
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
