"""`list` streams: the store reads a page at a time along the listing's own order, and the
CLI writes each row (table, tab-separated or JSON) as it comes, so the first row is out at
once and memory stays flat at any size. Pages are made tiny here so that a few articles
cross many page boundaries."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import event

from newsarchive.storage import config, store
from newsarchive.storage.archive import open_archive
from newsarchive.ui import render

from .conftest import Run, newsarchive_executable

# (file, date line or None): ties on one date, and several undated, to cross pages with.
DATED = [
    ("a", "2019-11-08"),
    ("b", "2022-01-21"),
    ("c", None),
    ("d", "2021-06-30"),
    ("e", "2022-01-21"),
    ("f", None),
    ("g", "2021-06-30"),
    ("h", "2022-01-21"),
    ("i", None),
    ("j", "2020-02-02"),
]


@pytest.fixture
def listed(tmp_path: Path, run: Run, archive_url: str) -> str:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, date in DATED:
        dateline = f"Date: {date}\n" if date else "\n"
        text = f"Story {name}\n{dateline}Body of {name}, a line.\n\nAnd {name} goes on.\n"
        (folder / f"{name}.txt").write_text(text)
    assert run("--db", archive_url, "ingest", folder).returncode == 0
    return archive_url


def _expected(archive_url: str, tmp_path: Path) -> list[tuple[str | None, int]]:
    """The listing's order worked out here: dated newest first, ties by id, newest first;
    then undated, newest id first."""
    archive = open_archive(config.resolve(archive_url, tmp_path), create=False)
    try:
        with archive.reading() as s:
            found = [(s.get(i).published, i) for i in range(1, s.count() + 1)]
    finally:
        archive.close()
    dated = sorted(((d.isoformat(), i) for d, i in found if d), reverse=True)
    undated = sorted(((None, i) for d, i in found if d is None), key=lambda x: -x[1])
    return [*dated, *undated]


@pytest.mark.parametrize(("first", "page"), [(1, 1), (1, 2), (2, 3), (50, 500)])
def test_pages_follow_the_listing_order_across_ties_and_undated(
    listed: str, tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch, first: int, page: int
) -> None:
    monkeypatch.setattr(store, "LIST_FIRST_PAGE", first)
    monkeypatch.setattr(store, "LIST_PAGE", page)
    expected = _expected(listed, tmp_path)
    rows = json.loads(run("--db", listed, "list", "--json").stdout)
    assert [(r["published"], r["id"]) for r in rows] == expected
    limited = json.loads(run("--db", listed, "list", "--json", "--limit", "4").stdout)
    assert [r["id"] for r in limited] == [i for _, i in expected[:4]]
    since = json.loads(run("--db", listed, "list", "--json", "--since", "2021").stdout)
    assert [r["id"] for r in since] == [i for d, i in expected if d and d >= "2021"]


def test_the_first_row_comes_after_one_small_read(
    listed: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "LIST_FIRST_PAGE", 2)
    monkeypatch.setattr(store, "LIST_PAGE", 3)
    archive = open_archive(config.resolve(listed, tmp_path), create=False)
    fetched: list[int] = []
    event.listen(archive.engine, "after_cursor_execute", lambda *a: fetched.append(1))
    try:
        with archive.reading() as s:
            articles = s.list().articles
            before = len(fetched)
            next(articles)
            assert len(fetched) == before + 1  # one page read for the first row
            assert len(list(articles)) == len(DATED) - 1
            # 2 + 3 + 3 dated rows... every page but the last is full: 10 rows, 6 reads
            assert len(fetched) - before >= 4
    finally:
        archive.close()


@pytest.mark.parametrize("count", [0, 1, 3])
def test_a_json_array_made_an_item_at_a_time_is_the_same_text(count: int) -> None:
    items = [{"id": i, "headline": f"Story {i}", "tags": ["a", "b"]} for i in range(count)]
    chunks = list(render.json_array(iter(items)))
    assert "".join(chunks) == render.to_json(items)
    for cut in range(len(chunks)):  # cut short anywhere, closed, it still parses
        written = "".join(chunks[:cut]) + render.json_array_end(cut)
        assert json.loads(written) == items[: max(cut - 1, 0)]


@pytest.mark.parametrize("form", ["json", "tsv", "table"])
def test_a_reader_that_stops_early_ends_it_quietly(listed: str, form: str) -> None:
    process = subprocess.Popen(
        [newsarchive_executable(), "--db", listed, "list", "--format", form],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.close()  # as `| head` does, at once
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 141
    assert err == b""


def test_a_listing_reads_one_snapshot_across_its_pages(
    listed: str, tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An article stored while the listing is under way, dated to come later in it, is not
    # listed: every page sees the archive as the first did (on PostgreSQL too, where a
    # read is otherwise a statement at a time).
    monkeypatch.setattr(store, "LIST_FIRST_PAGE", 1)
    monkeypatch.setattr(store, "LIST_PAGE", 2)
    late = tmp_path / "late"
    late.mkdir()
    (late / "k.txt").write_text("Story k\nDate: 2020-06-01\nBody of k, a line.\n\nAnd more.\n")
    archive = open_archive(config.resolve(listed, tmp_path), create=False)
    try:
        with archive.reading(snapshot=True) as s:
            articles = s.list().articles
            first = next(articles)
            assert run("--db", listed, "ingest", late).returncode == 0
            rest = [a.headline for a in articles]
    finally:
        archive.close()
    assert first.headline.startswith("Story ")
    assert len(rest) == len(DATED) - 1 and "Story k" not in rest
    after = json.loads(run("--db", listed, "list", "--json").stdout)
    assert "Story k" in [a["headline"] for a in after]
