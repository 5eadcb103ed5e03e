"""The search index of an archive on PostgreSQL (migrations 0004, 0008, 0011):
`articles.search_document`, a generated tsvector column with a GIN index, weighted A
headline, B dek, C body, D byline, source URL and the file's other words (publication,
metadata lines, furniture, READ MORE lines), made with the text search configuration
`newsarchive` (PostgreSQL's `simple`, words run through `unaccent` first): case and accents
do not matter, and no word is stemmed or dropped as a stop word, as in the SQLite index.
Being a generated column, it cannot fall out of step with the article.

Searched with the query tree compiled to a tsquery, ranked by ts_rank, snippets marked by
ts_headline; the statements made with SQLAlchemy Core, compiled once per filter shape.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, cast, func, literal_column, select, text, true
from sqlalchemy.dialects.postgresql import REGCONFIG, TSVECTOR
from sqlalchemy.types import NullType

from newsarchive.storage.backends import (
    ARTICLE,
    Filters,
    Ranking,
    first_source,
    hit_columns,
    version_count,
)
from newsarchive.storage.backends.hits import (
    MARK_END,
    MARK_START,
    SNIPPET_WINDOW,
    SNIPPET_WORDS,
    snippet_terms,
    with_snippets,
)
from newsarchive.storage.schema import article_sources
from newsarchive.text.query import All, Any_, Node, Term, Without
from newsarchive.text.searchtext import has_cjk_or_symbols, query_text

if TYPE_CHECKING:
    from sqlalchemy import BindParameter, ColumnElement, Connection, Select, Subquery

    from newsarchive.storage.backends import SearchResults

# The text search configuration migration 0004 makes.
TS_CONFIG = "newsarchive"
# ts_rank's weights for D (byline, URL, the file's other words), C (body), B (dek), A
# (headline): the ratios of the SQLite index's bm25 weights (0.5, 1, 5, 10).
RANK_WEIGHTS = "{0.05, 0.1, 0.5, 1.0}"
# A query's words as the index's parser sees them: letters and digits (as query.py keeps).
_WORD = re.compile(r"[^\W_]+")


class TsvectorIndex:
    """`articles.search_document` and its GIN index (see the module's docstring)."""

    def index_new(self, connection: Connection, *, after: int) -> None:
        pass  # a generated column: each row is indexed as it is written

    def search(
        self, connection: Connection, tree: Node, filters: Filters, limit: int
    ) -> SearchResults:
        # q filters; rq (the query without its negated parts) ranks and marks snippets:
        # ts_rank scores `oil & !gas` near zero for every match (it looks for `gas`).
        params = {"q": tsquery(tree), "rq": tsquery(kept(tree)), "limit": limit}
        params.update(filters.params())
        # ts_headline parses the body as it is, where a CJK word is not a word of its own
        # and a symbol no word at all: such a query's snippets are made here, as on SQLite.
        terms = snippet_terms(tree)
        own_snippets = any(has_cjk_or_symbols(word) for word, _ in terms)

        def snippets(rows: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
            return with_snippets(rows, terms) if own_snippets else rows

        return _RANKING.search(
            connection.dialect,
            lambda sql, values: connection.exec_driver_sql(sql, values).all(),
            filters,
            params,
            own_snippets,
            snippets=snippets,
        )

    def matching(
        self, connection: Connection, tree: Node, filters: Filters, after: int, limit: int
    ) -> list[int]:
        a, q = ARTICLE, _queries(_text("q", tsquery(tree)))
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


def _queries(q: BindParameter[Any], rq: BindParameter[Any] | None = None) -> Subquery:
    """The query as `q.q` (and what ranks, `q.rq`), parsed once by the server with the
    archive's text search configuration."""
    parsed = [func.to_tsquery(_CONFIG, q).label("q")]
    if rq is not None:
        parsed.append(func.to_tsquery(_CONFIG, rq).label("rq"))
    return select(*parsed).subquery("q")


def _text(name: str, value: str | None = None) -> BindParameter[Any]:
    """A text value bound as the server is to read it (not cast to varchar): the planner
    then folds to_tsquery of constants into the query it plans for, as with plain SQL."""
    return bindparam(name, value, NullType())


_CONFIG = cast(_text("cfg", TS_CONFIG), REGCONFIG)


def _document(a: Any) -> ColumnElement[Any]:
    """The search document of articles alias `a` (migration 0004): a column of PostgreSQL
    archives alone, so not in schema.py."""
    return literal_column(f"{a.name}.search_document", TSVECTOR)


def _matches(a: Any, q: Subquery) -> ColumnElement[bool]:
    return _document(a).bool_op("@@")(q.c.q)


# What a search's statements read: the articles, the query (:q, :rq) as the server parses it.
_Q = _queries(_text("q"), _text("rq"))
_SEARCHED = ARTICLE.join(_Q, true())


def _floor(filters: Filters) -> Select[Any]:
    """The id where the ranking window (the newest RANK_WINDOW matches) starts, if more
    match."""
    a = ARTICLE
    query = select(a.c.id).select_from(_SEARCHED).where(_matches(a, _Q), *filters.conditions(a))
    return query.order_by(a.c.id.desc()).offset(bindparam("window")).limit(1)


def _count(filters: Filters) -> Select[Any]:
    a = ARTICLE
    query = select(func.count()).select_from(_SEARCHED)
    return query.where(_matches(a, _Q), *filters.conditions(a))


def _undated(filters: Filters) -> Select[Any]:
    """The undated matches a date filter left out, counted."""
    a = ARTICLE
    query = select(func.count()).select_from(_SEARCHED)
    return query.where(_matches(a, _Q), a.c.published.is_(None))


def _hits(filters: Filters, windowed: bool, own_snippets: bool) -> Select[Any]:
    """The best :limit matches (`windowed`: from :floor on) as hits_from_rows reads them,
    each body's start marked around the query's words by ts_headline (or left whole, for
    `own_snippets`)."""
    options = (
        f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, "
        f"MinWords={SNIPPET_WORDS // 2}, ShortWord=0, MaxFragments=1, FragmentDelimiter=…"
    )
    page = _page(filters, windowed)
    p = page.c
    snippet = (
        p.body
        if own_snippets
        else func.ts_headline(_CONFIG, p.body, p.rq, _text("options", options))
    )
    return select(
        *hit_columns(page),
        p.rank,
        snippet,
        first_source(page, article_sources.c.path),
        first_source(page, article_sources.c.path_bytes),
        p.versions,
    ).order_by(p.rank, p.id.desc())


def _page(filters: Filters, windowed: bool) -> Subquery:
    """The best :limit matches, one row per story (the newest version that matches), with
    the start of each body: snippets are made for the page shown only, from the start of
    the body (as on SQLite), since ts_headline re-parses all it is given (2.7 s for a 15 MB
    article)."""
    a, q = ARTICLE, _Q
    rank = (-func.ts_rank(literal_column(f"'{RANK_WEIGHTS}'"), _document(a), q.c.rq)).label("rank")
    query = select(
        *hit_columns(a),
        func.left(a.c.body, SNIPPET_WINDOW).label("body"),
        q.c.rq,
        version_count(a).label("versions"),
        rank,
    ).select_from(_SEARCHED)
    query = query.where(_matches(a, q), *filters.conditions(a))
    if windowed:
        query = query.where(a.c.id >= bindparam("floor"))
    query = query.where(*filters.newest_version(a, lambda b: _matches(b, q)))
    return query.order_by(rank, a.c.id.desc()).limit(bindparam("limit")).subquery("p")


_RANKING = Ranking(_floor, _count, _hits, _undated)
