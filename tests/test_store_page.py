"""Store.page: `list`'s rows a page at a time (browse scrolls through them), on both
engines: walking every page gives exactly what `list` gives, in its order."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from newsarchive.model.records import ArticleSummary
from newsarchive.storage import config
from newsarchive.storage.archive import open_archive

from .conftest import Run

WORDS = (
    "minister council budget river station harbour school market winter energy court "
    "report village hospital election railway farmer museum bridge factory teacher"
).split()


def _story(rng: random.Random, paragraphs: int = 4) -> list[str]:
    headline = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize()
    body = [" ".join(rng.choice(WORDS) for _ in range(40)).capitalize() + "." for _ in range(4)]
    return [headline, *body[:paragraphs]]


def _ingest(run: Run, folder: Path, texts: list[list[str]], published: str | None) -> None:
    folder.mkdir(parents=True)
    for n, parts in enumerate(texts):
        (folder / f"{n:02}.txt").write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    dated = ("--published", published) if published else ()
    assert run("ingest", *dated, folder).returncode == 0


@pytest.fixture
def filled(run: Run, tmp_path: Path, archive_url: str) -> str:
    """Three days with several articles each (ties on the date), undated articles, and a
    story in two versions on different days (one row, the newest)."""
    rng = random.Random(5)
    story = _story(rng)
    for day in ("2022-01-03", "2022-01-01", "2022-01-02"):
        _ingest(run, tmp_path / day, [_story(rng) for _ in range(4)], day)
    _ingest(run, tmp_path / "undated", [_story(rng) for _ in range(5)], None)
    _ingest(run, tmp_path / "v1", [story], "2022-01-01")
    _ingest(run, tmp_path / "v2", [[*story, "Correction: the mayor was misnamed."]], "2022-01-02")
    return archive_url


def _walk(
    url: str, size: int, since: dt.date | None = None, until: dt.date | None = None
) -> list[int]:
    archive = open_archive(config.resolve(url, Path.cwd()), create=False)
    ids: list[int] = []
    after = None
    try:
        while True:
            with archive.reading() as store:
                rows = store.page(after=after, limit=size, since=since, until=until)
            assert len(rows) <= size
            if not rows:
                return ids
            ids += [row.id for row in rows]
            after = (rows[-1].published, rows[-1].id)
    finally:
        archive.close()


def _listed(
    url: str, since: dt.date | None = None, until: dt.date | None = None
) -> list[ArticleSummary]:
    archive = open_archive(config.resolve(url, Path.cwd()), create=False)
    try:
        with archive.reading() as store:
            return list(store.list(since=since, until=until).articles)
    finally:
        archive.close()


@pytest.mark.parametrize("size", [1, 3, 4, 100])
def test_pages_walk_the_list_in_its_order(filled: str, size: int) -> None:
    listed = _listed(filled)
    assert len(listed) == 18  # 12 dated, 5 undated, the story in two versions once
    assert [a.published for a in listed][-5:] == [None] * 5
    assert _walk(filled, size) == [a.id for a in listed]


def test_a_page_has_the_rows_list_shows(filled: str) -> None:
    archive = open_archive(config.resolve(filled, Path.cwd()), create=False)
    try:
        with archive.reading() as store:
            assert store.page(limit=100) == list(store.list().articles)
            story = [row for row in store.page(limit=100) if row.versions == 2]
    finally:
        archive.close()
    assert len(story) == 1 and story[0].published == dt.date(2022, 1, 2)


@pytest.mark.parametrize(
    "dates",
    [
        {"since": dt.date(2022, 1, 2)},
        {"until": dt.date(2022, 1, 1)},
        {"since": dt.date(2022, 1, 2), "until": dt.date(2022, 1, 2)},
    ],
)
def test_date_filters_keep_what_list_keeps(filled: str, dates: dict[str, dt.date]) -> None:
    listed = [a.id for a in _listed(filled, dates.get("since"), dates.get("until"))]
    assert listed and _walk(filled, 2, dates.get("since"), dates.get("until")) == listed


def test_an_empty_archive_has_no_page(run: Run, tmp_path: Path, archive_url: str) -> None:
    (tmp_path / "one.txt").write_text("Headline\n\nBody text here.\n", encoding="utf-8")
    assert run("ingest", tmp_path / "one.txt").returncode == 0
    assert _walk(archive_url, 5, since=dt.date(2030, 1, 1)) == []
