"""The search language: what users type becomes a query tree, compiled into a safe FTS5
expression (the SQLite index's), or one clear error."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.storage.backends.postgres_search import tsquery
from newsarchive.storage.backends.sqlite_fts5 import fts5_expression
from newsarchive.text.query import All, Any_, QueryError, Term, Without, normalise, parse_query


@pytest.mark.parametrize(
    ("text", "fts5", "terms"),
    [
        ("Blinken Lavrov", '"Blinken" AND "Lavrov"', ("blinken", "lavrov")),
        ('"minor incursion"', '"minor incursion"', ("minor", "incursion")),
        ("ukrain* NOT nato", '"ukrain"* NOT "nato"', ("ukrain*",)),
        ("a OR b c", '"a" OR "b" AND "c"', ("a", "b", "c")),
        ("(a OR b) c", '("a" OR "b") AND "c"', ("a", "b", "c")),
        ("x AND y", '"x" AND "y"', ("x", "y")),
        ('"unclosed phrase', '"unclosed phrase"', ("unclosed", "phrase")),
        ("((a", '"a"', ("a",)),
        ("a)", '"a"', ("a",)),
        ("- a : *", '"a"', ("a",)),
        ('say "hi"there', '"say" AND "hi" AND "there"', ("say", "hi", "there")),
        ("headline:foo", '"headline:foo"', ("headline", "foo")),
        ('quote"in', '"quote" AND "in"', ("quote", "in")),
        ("Zürich", '"zürich"', ("zurich",)),  # case-folded as the index's text is
        ("x OR y NOT z", '"x" OR "y" NOT "z"', ("x", "y")),
        ("a NOT (b c)", '"a" NOT ("b" AND "c")', ("a",)),
        ("a NOT (b NOT c)", '"a" NOT ("b" NOT "c")', ("a",)),
        ("(a OR b) NOT c", '("a" OR "b") NOT "c"', ("a", "b")),
        ("(a b) (c OR d)", '"a" AND "b" AND ("c" OR "d")', ("a", "b", "c", "d")),
        ("(()) a", '"a"', ("a",)),
        ("a NOT (())", '"a"', ("a",)),
    ],
)
def test_queries_become_quoted_fts5(text: str, fts5: str, terms: tuple[str, ...]) -> None:
    query = parse_query(text)
    assert (fts5_expression(query.tree), query.terms) == (fts5, terms)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "nothing to search for"),
        ("-", "nothing to search for"),
        ('""', "nothing to search for"),
        ("AND", "nothing to search for"),
        ("NOT nato", "NOT needs words on both sides"),
        ("ukraine NOT", "NOT needs words on both sides"),
        ("OR", "OR needs words on both sides"),
        ("a OR", "OR needs words on both sides"),
        ("OR b", "OR needs words on both sides"),
    ],
)
def test_queries_that_mean_nothing_are_refused_with_an_example(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message) as info:
        parse_query(text)
    assert "\n" not in str(info.value)
    assert "as in:" in str(info.value)


def test_normalise_folds_case_and_accents() -> None:
    assert normalise("ZÜRICH") == normalise("zurich") == "zurich"
    assert normalise("Ærøskøbing") == "ærøskøbing"  # not decomposable: kept, as unicode61 does


@pytest.fixture(scope="module")
def fts() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(a, tokenize='unicode61 remove_diacritics 2')")
    db.executemany("INSERT INTO t(a) VALUES (?)", [("zürich news",), ("the minor incursion",)])
    return db


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from('ab Zü"()*-:^+.NOTRAD_\t'), max_size=30) | st.text())
def test_any_text_is_a_valid_fts5_query_or_a_query_error(
    fts: sqlite3.Connection, text: str
) -> None:
    try:
        query = parse_query(text)
    except QueryError:
        return
    fts.execute("SELECT count(*) FROM t WHERE t MATCH ?", (fts5_expression(query.tree),)).fetchone()


def test_the_tree_keeps_the_grammar() -> None:
    assert parse_query("a OR b c").tree == Any_((Term("a"), All((Term("b"), Term("c")))))
    assert parse_query("x NOT y*").tree == Without(Term("x"), Term("y", prefix=True))
    assert parse_query('"two words"').tree == Term("two words")


@pytest.fixture(scope="module")
def tsquery_check(postgres_database: str) -> Iterator[Callable[[str], object]]:
    """Runs a compiled query on a PostgreSQL archive's search configuration."""
    import psycopg

    from newsarchive.storage import config
    from newsarchive.storage.archive import open_archive

    open_archive(config.resolve(postgres_database, Path.cwd()), create=True).close()
    with psycopg.connect(postgres_database, autocommit=True) as connection:
        yield lambda q: connection.execute(
            "SELECT to_tsquery('newsarchive', %s) @@ to_tsvector('newsarchive', 'zürich news')",
            (q,),
        ).fetchone()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab Zü\"()*-:^+.NOTRAD_\t&|!<>'"), max_size=30) | st.text())
def test_any_text_is_a_valid_tsquery_or_a_query_error(
    tsquery_check: Callable[[str], object], text: str
) -> None:
    try:
        query = parse_query(text)
    except QueryError:
        return
    tsquery_check(tsquery(query.tree))


def test_tsquery_quotes_every_word_and_keeps_the_grammar() -> None:
    assert tsquery(parse_query("a OR b c").tree) == "('a') | (('b') & ('c'))"
    assert tsquery(parse_query('"minor incursion" NOT ukrain*').tree) == (
        "('minor' <-> 'incursion') & !('ukrain':*)"
    )
    assert tsquery(parse_query("x'y & z|!").tree) == "('x' <-> 'y') & ('z')"
