"""list and search in a pipe, and query input that must give results or a usage error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import Run

HOSTILE = "Tabs\there and \x1b[31mred\x1b[0m [bold]markup[/bold]"


def _archive(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Greenspan speaks on rates\n\nPublished: 2021-03-02\n\nThe chairman said rates "
        "would stay where they are for now, and markets rose.\n",
        encoding="utf-8",
    )
    (folder / "b.txt").write_text(
        f"{HOSTILE}\n\nA body about Greenspan and other bankers in a long sentence here.\n",
        encoding="utf-8",
    )
    assert run("ingest", folder).returncode == 0


def test_piped_list_and_search_print_one_tab_separated_line_per_article(
    run: Run, archive_url: str, tmp_path: Path
) -> None:
    _archive(run, tmp_path)
    listed = json.loads(run("list", "--json").stdout)
    for args in (("list",), ("search", "greenspan")):
        out = run(*args).stdout.decode()  # CliRunner's stdout is no terminal: a pipe
        lines = out.splitlines()
        assert len(lines) == 2
        rows = [line.split("\t") for line in lines]
        assert all(len(row) == 4 for row in rows)
        assert {int(row[0]) for row in rows} == {a["id"] for a in listed}
        assert "2021-03-02" in {row[1] for row in rows}
        assert not any(line != line.strip() for line in lines)  # no padding
        assert "\x1b" not in out and "Tabs\u2409here" in out  # escapes and tabs made visible
        table = run(*args, "--format", "table").stdout.decode()
        assert "\t" not in table and "ID" in table
        as_json = json.loads(run(*args, "--format", "json").stdout)
        assert [a["id"] for a in as_json] == [int(row[0]) for row in rows]


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "query",
    [
        "(" * 100 + "x" + ")" * 100,
        "(" * 300 + "x" + ")" * 300,
        " ".join(f"w{i}" for i in range(5000)),
    ],
)
def test_a_query_too_deep_or_too_long_is_a_usage_error(
    run: Run, tmp_path: Path, query: str
) -> None:
    _archive(run, tmp_path)
    result = run("search", query)
    assert result.returncode == 2
    err = result.stderr.decode()
    assert "more than the" in err and "unexpected" not in err and "Traceback" not in err


@pytest.mark.sqlite_only
def test_search_takes_a_leading_dash_as_a_word_and_refuses_an_absurd_limit(
    run: Run, tmp_path: Path
) -> None:
    _archive(run, tmp_path)
    dashed = run("search", "-Greenspan", "--format", "json")
    assert dashed.returncode == 0, dashed.stderr
    assert len(json.loads(dashed.stdout)) == 2
    huge = run("search", "x", "--limit", "99999999999999999999")
    assert huge.returncode == 2 and b"--limit" in huge.stderr
    assert b"unexpected" not in huge.stderr
    listed = run("list", "--limit", "99999999999999999999")
    assert listed.returncode == 2


@pytest.mark.sqlite_only
def test_the_hint_after_a_search_keeps_the_db_typed(run: Run, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Greenspan speaks\n\nOn rates today.\n", encoding="utf-8")
    assert run("--db", other, "ingest", folder).returncode == 0
    typed = run("--db", other, "search", "greenspan", "--format", "table")
    assert f"newsarchive --db {other} show ID".encode() in typed.stderr
    from_env = run("search", "greenspan", "--format", "table", NEWSARCHIVE_DB=str(other))
    assert b"newsarchive show ID --highlight greenspan" in from_env.stderr


def test_the_footer_says_how_many_of_how_many_matches(
    run: Run, archive_url: str, tmp_path: Path
) -> None:
    _archive(run, tmp_path)
    one = run("search", "greenspan", "--limit", "1")
    assert one.stderr.decode().startswith("1 of 2 matches")
    both = run("search", "greenspan")
    assert both.stderr.decode().startswith("2 matches")


@pytest.mark.sqlite_only
def test_past_the_ranking_window_the_count_is_an_estimate(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(30):
        (folder / f"{n:02}.txt").write_text(f"Zebra story {n}\n\nA zebra, number {n}.\n")
    assert run("ingest", folder).returncode == 0
    monkeypatch.setattr("newsarchive.storage.backends.RANK_WINDOW", 10)
    result = run("search", "zebra", "--limit", "3")
    assert result.stderr.decode().startswith(
        "3 of about 30 matches (ranked among the 10 most recently added matches)"
    )


def test_an_estimated_count_never_exceeds_the_articles_in_scope(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, archive_url: str
) -> None:
    """The estimate read the newest id as the number of articles: ids left by deleted
    articles (or, with a date filter, articles out of its scope) made it larger than
    the archive."""
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(20):
        (folder / f"a{n:02}.txt").write_text(f"Zebra note {n}\n\nA zebra, undated, {n}.\n")
    for n in range(20):
        (folder / f"b{n:02}.txt").write_text(
            f"Zebra story {n}\nDate: 2020-01-{n + 1:02}\nA zebra, number {n}.\n\nEnd.\n"
        )
    assert run("ingest", folder, "--jobs", "0").returncode == 0
    listed = json.loads(run("list", "--json", "--all-versions").stdout)
    undated = sorted(a["id"] for a in listed if a["published"] is None)
    assert len(undated) == 20 and max(undated) < min(a["id"] for a in listed if a["published"])
    monkeypatch.setattr("newsarchive.storage.backends.RANK_WINDOW", 10)
    dated = run("search", "zebra", "--since", "2020", "--limit", "3").stderr.decode()
    assert dated.startswith("3 of about 20 matches (ranked among the 10"), dated
    assert run("delete", *map(str, undated[:15]), "--yes").returncode == 0
    every = run("search", "zebra", "--limit", "3").stderr.decode()
    assert every.startswith("3 of about 25 matches (ranked among the 10"), every


def test_a_snippet_marks_the_matches_near_the_first_and_says_where_it_was_cut() -> None:
    from newsarchive.storage.backends.hits import (
        MARK_END,
        MARK_START,
        marked_snippet,
        snippet_terms,
    )
    from newsarchive.text.query import parse_query

    terms = snippet_terms(parse_query("zürich counc* NOT ferry").tree)
    assert set(terms) == {("zurich", False), ("counc", True)}
    words = [f"w{i}" for i in range(40)]
    words[20] = "Zürich"
    words[22] = "councillors"
    marked = marked_snippet(" ".join(words), terms)
    assert marked.startswith("…w16 ") and marked.endswith("w31…")
    assert f"{MARK_START}Zürich{MARK_END}" in marked
    assert f"{MARK_START}councillors{MARK_END}" in marked
    assert marked_snippet("no match here at all", terms) == "no match here at all"


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_search_in_an_article_of_megabytes_full_of_the_word_is_quick(
    run_process: Run, tmp_path: Path
) -> None:
    """FTS5's snippet() took minutes here (the square of the matches); the snippet is now
    made from the body's start, so the search is bounded (bench/README has the figures)."""
    big = tmp_path / "big.txt"
    body = " ".join("zebra" if i % 5 == 0 else f"w{i % 4}" for i in range(1_200_000))
    big.write_text(f"A very long article\n\n{body}\n", encoding="utf-8")
    assert run_process("ingest", big, "--max-size", "100000000").returncode == 0
    found = run_process("search", "zebra", "--format", "json")  # the fixture's 600 s cap
    assert found.returncode == 0
    (hit,) = json.loads(found.stdout)
    assert "zebra" in hit["snippet"] and hit["highlights"]


def test_show_prints_a_long_url_and_path_whole_at_80_columns(run: Run, tmp_path: Path) -> None:
    """They were cut at the terminal's width (the URL) or folded across lines (the path),
    piped too: the reader must be able to copy each whole."""
    url = (
        "http://site.com/2017/08/22/president-fires-all-14-federal-prosecutors-"
        "in-one-afternoon-sources-say.html?utm_source=feed&utm_medium=rss"
    )
    folder = tmp_path / "a-folder-with-a-rather-long-name" / "and-another-one-below-it-too"
    folder.mkdir(parents=True)
    path = folder / "president-fires-all-federal-prosecutors-story.txt"
    path.write_text(f"President fires all\nURL: {url}\n\nThe body text is here.\n")
    assert len(str(path)) > 80 and len(url) > 80
    assert run("ingest", path).returncode == 0
    result = run("show", "1", COLUMNS="80")
    assert result.returncode == 0
    lines = result.stdout.decode().splitlines()
    assert f"URL: {url}" in lines
    assert f"Source: {path}" in lines
    assert max(len(line) for line in lines if url not in line and str(path) not in line) <= 80
