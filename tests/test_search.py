"""Full-text search on a real archive: ranking, highlighting, filters, hostile queries,
and an index that stays exact through re-ingest and schema upgrade."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from newsarchive import config
from newsarchive.archive import Archive, open_archive
from newsarchive.ingest import Ingester
from newsarchive.query import parse_query

from .conftest import FIXTURES, REPO, SEEDS, Run

ARTICLES = {
    "body.txt": "Harbour works begin\n\nThe council said the ferry to Zürich would pause.\n\nNo.\n",
    "headline.txt": "Ferry service returns\n\nBoats are back on the lake this week.\n\nYes.\n",
    "dated.txt": "Old ferry story\nDate: 2019-11-08\nA ferry sank in a storm in 1912.\n\nNone.\n",
    "other.txt": "Minor incursion claims denied\n\nOfficials denied a minor incursion.\n\nEnd.\n",
}


@pytest.fixture(autouse=True)
def _on_each_engine(archive_url: str) -> str:
    return archive_url  # every test here, once per engine (see conftest)


@pytest.fixture
def archive(archive_url: str, tmp_path: Path) -> Archive:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, body in ARTICLES.items():
        (folder / name).write_text(body, encoding="utf-8")
    archive = open_archive(config.resolve(archive_url, tmp_path), create=True)
    Ingester(archive, jobs=0).run([folder])
    return archive


def _search(archive: Archive, query: str, **filters: object) -> list[str]:
    with archive.reading() as store:
        hits = store.search(parse_query(query), **filters).hits  # type: ignore[arg-type]
    return [h.headline for h in hits]


def test_a_headline_match_ranks_above_a_body_match(archive: Archive) -> None:
    *headline_hits, body_hit = _search(archive, "ferry")
    assert sorted(headline_hits) == ["Ferry service returns", "Old ferry story"]
    assert body_hit == "Harbour works begin"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zurich", ["Harbour works begin"]),
        ("ZÜRICH", ["Harbour works begin"]),
        ('"minor incursion"', ["Minor incursion claims denied"]),
        ('"incursion minor"', []),
        ("ferry council", ["Harbour works begin"]),
        ("ferry NOT council", ["Ferry service returns", "Old ferry story"]),
        ("lake OR storm", ["Ferry service returns", "Old ferry story"]),
        ("harb*", ["Harbour works begin"]),
        ("h*", ["Harbour works begin"]),
    ],
)
def test_query_forms(archive: Archive, query: str, expected: list[str]) -> None:
    assert sorted(_search(archive, query)) == sorted(expected)


def test_a_negated_word_filters_and_leaves_the_ranking_to_the_rest(
    archive: Archive, tmp_path: Path
) -> None:
    """`oil NOT gas` ranks what it keeps as `oil` does: on PostgreSQL, ts_rank of a query
    with a negation gave every hit the same near-zero rank, so the newest came first."""
    folder = tmp_path / "oil"
    folder.mkdir()
    stories = {
        "a.txt": "Oil prices fall back\n\nOil fell as oil stocks rose; oil traders sold.\n",
        "b.txt": "Gas and oil\n\nOil and gas rose together.\n",
        "c.txt": "Harvest festival opens\n\nStalls sold olive oil among other things.\n",
        "d.txt": "Council meets\n\nThe council spoke of roads, schools and oil.\n",
    }
    for name, body in stories.items():
        (folder / name).write_text(body, encoding="utf-8")
    Ingester(archive, jobs=0).run([folder])
    kept = [h for h in _search(archive, "oil") if h != "Gas and oil"]
    assert _search(archive, "oil NOT gas") == kept
    assert kept[0] == "Oil prices fall back"
    with archive.reading() as store:
        ranks = [h.rank for h in store.search(parse_query("oil NOT gas")).hits]
    assert len(set(ranks)) > 1 and max(ranks) < 0  # ranked, not flattened


def test_filters_and_undated_count(archive: Archive) -> None:
    with archive.reading() as store:
        results = store.search(parse_query("ferry"), since=dt.date(2019, 1, 1))
    assert [h.headline for h in results.hits] == ["Old ferry story"]
    assert results.undated_left_out == 2
    assert _search(archive, "ferry", until=dt.date(2018, 12, 31)) == []
    assert len(_search(archive, "ferry", limit=1)) == 1


def test_snippet_highlights_point_at_the_matches(archive: Archive) -> None:
    with archive.reading() as store:
        (hit,) = store.search(parse_query("zurich council")).hits
    marked = [hit.snippet[a:b] for a, b in hit.highlights]
    assert marked == ["council", "Zürich"]
    assert "\ufdd0" not in hit.snippet


def _index_is_exact(archive: Archive) -> None:
    with archive.reading() as store:
        assert store.count() > 0
        assert store.integrity_problems() == []


def test_reingest_keeps_the_index_exact(archive: Archive, tmp_path: Path) -> None:
    Ingester(archive, jobs=0).run([tmp_path / "articles", SEEDS])
    Ingester(archive, jobs=0).run([tmp_path / "articles", SEEDS])
    _index_is_exact(archive)
    assert _search(archive, "Blinken") == [
        "Top US, Russia diplomats hold last-ditch talks amid Ukraine war fears"
    ]


def _old_archive(tmp_path: Path, revision: str, **columns: str) -> Path:
    """An archive at an older schema `revision`, holding one article with `columns`."""
    db = tmp_path / "old.db"
    alembic = [sys.executable, "-m", "alembic", "-x", f"db={db}"]
    done = subprocess.run([*alembic, "upgrade", revision], cwd=REPO, capture_output=True)
    assert done.returncode == 0, done.stderr
    row = {
        **{"id": "7", "sha256": "x", "headline": "Geneva talks", "body": "Blinken met Lavrov."},
        **{"blocks": '[{"kind": "paragraph"}]', "date_evidence": "[]", "word_count": "6"},
        **{"encoding": "utf-8", "byte_size": "30", "ingested_at": "2026-01-01 00:00:00"},
        **columns,
    }
    con = sqlite3.connect(db)
    marks = ", ".join("?" * len(row))
    con.execute(f"INSERT INTO articles ({', '.join(row)}) VALUES ({marks})", list(row.values()))
    con.commit()
    con.close()
    return db


@pytest.mark.sqlite_only
def test_an_archive_from_before_search_is_indexed_on_upgrade(tmp_path: Path) -> None:
    db = _old_archive(tmp_path, "0001")
    archive = open_archive(config.resolve(str(db), tmp_path), create=False)
    assert _search(archive, "lavrov") == ["Geneva talks"]
    _index_is_exact(archive)


@pytest.mark.sqlite_only
def test_an_archive_from_before_bylines_were_searched_is_indexed_on_upgrade(
    tmp_path: Path,
) -> None:
    db = _old_archive(
        tmp_path, "0002", byline="Jane Doe", source_url="https://example.com/geneva-talks"
    )
    archive = open_archive(config.resolve(str(db), tmp_path), create=False)
    assert _search(archive, "doe") == _search(archive, "geneva") == ["Geneva talks"]
    _index_is_exact(archive)
    con = sqlite3.connect(db)
    assert con.execute("SELECT parser_version, meta FROM articles").fetchall() == [(1, "[]")]
    con.close()


def test_a_byline_match_ranks_below_a_headline_match(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "by.txt").write_text(
        "Harbour reopens\nBy Mark Ferryman\nThe harbour reopened today after repairs.\n\nEnd.\n"
    )
    (folder / "head.txt").write_text("Ferryman retires\n\nHe ran the boats for 40 years.\n")
    Ingester(archive, jobs=0).run([folder])
    assert _search(archive, "ferryman") == ["Ferryman retires", "Harbour reopens"]


def test_show_highlight_marks_the_byline(run: Run) -> None:
    run("ingest", FIXTURES / "marker_header_lines.txt")
    result = run("show", "1", "--highlight", "doe", FORCE_COLOR="1", NO_COLOR="", TERM="xterm")
    assert result.returncode == 0
    assert "Doe\x1b[0m" in result.stdout.decode()


def test_cli_search_json_and_table(run: Run) -> None:
    run("ingest", SEEDS, FIXTURES, "--pattern", "*.txt")
    result = run("search", "Blinken Lavrov", "--json")
    assert result.returncode == 0
    (hit,) = json.loads(result.stdout)
    assert hit["id"] == 1 and hit["rank"] < 0
    assert {"id", "headline", "published", "snippet", "rank", "highlights"} <= set(hit)
    table = run("search", "caf*", "--format", "table")
    assert table.returncode == 0
    assert "Café owners welcome" in table.stdout.decode()
    err = table.stderr.decode()
    assert "newsarchive show ID --highlight 'caf*'" in err


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "'",
        "-",
        ":",
        "*",
        "NOT",
        "a NOT",
        "OR",
        "(",
        ")",
        "^x",
        "x:y",
        "a AND",
        "\\",
        "'; DROP",
    ],
)
def test_hostile_queries_never_leak_errors(run: Run, query: str) -> None:
    run("ingest", SEEDS)
    result = run("search", query)
    err = result.stderr.decode()
    assert result.returncode in (0, 2), err
    assert "Traceback" not in err and "sqlite" not in err.lower() and "fts5" not in err.lower()
    if result.returncode == 2:
        assert "Error: Invalid value for 'QUERY'" in err


def test_show_highlight_marks_words_on_a_terminal(run: Run) -> None:
    run("ingest", SEEDS)
    result = run("show", "1", "--highlight", "lavrov", FORCE_COLOR="1", NO_COLOR="", TERM="xterm")
    assert result.returncode == 0
    out = result.stdout.decode()
    assert out.count("Lavrov\x1b[0m") >= 3  # each mention styled, then reset


def test_show_highlight_marks_words_with_brackets_when_piped(run: Run) -> None:
    """Without colour (a pipe, NO_COLOR) the style marks nothing: [[...]] does, as diff's
    [-...-]{+...+} do; the URL is left as it is, to copy whole."""
    run("ingest", SEEDS)
    result = run("show", "1", "--highlight", "lavrov OR blink*")
    assert result.returncode == 0
    out = result.stdout.decode()
    assert out.count("[[Lavrov]]") >= 3 and "[[Blinken]]" in out
    assert "[[" not in out.replace("[[Lavrov]]", "").replace("[[Blinken]]", "")
    assert result.stderr == b""
    plain = run("show", "1").stdout.decode()
    assert out.replace("[[", "").replace("]]", "").split() == plain.split()  # nothing else


def test_show_highlight_says_when_the_query_matches_nothing_in_the_article(run: Run) -> None:
    run("ingest", SEEDS)
    result = run("show", "1", "--highlight", "zebra")
    assert result.returncode == 0
    assert "[[" not in result.stdout.decode()
    assert result.stderr.decode() == "Nothing in article 1 matches 'zebra'.\n"
