"""browse: the full-screen reader, driven by Textual's headless pilot on real archives
(files in tmp_path, stored by the real ingest), with SVG snapshots of its main screens."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import random
import subprocess
import sys
import tempfile
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.pilot import Pilot

from newsarchive.model.records import ArticleSummary
from newsarchive.storage import config
from newsarchive.storage.archive import Archive, open_archive
from newsarchive.text.dates import parse_period
from newsarchive.ui import browse
from newsarchive.ui.browse import ArticleReader, Browser
from newsarchive.ui.widgets import ArticleList, ArticlePane, DateFilter, parse_dates

from .conftest import Run

WORDS = (
    "minister council budget river station harbour school market winter energy court "
    "report village hospital election railway farmer museum bridge factory teacher"
).split()
SIZE = (80, 24)
HOSTILE = "[bold red]x[/] \x1b[31mred\x1b]0;title\x07 [link=https://example.com]click[/link]"
SnapCompare = Callable[..., bool]


def _paragraphs(seed: int, n: int = 4) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(40)).capitalize() + "." for _ in range(n)]


def _ingest(run: Run, folder: Path, files: dict[str, str], published: str | None) -> None:
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    dated = ("--published", published) if published else ()
    result = run("ingest", *dated, folder)
    assert result.returncode == 0, result.stderr


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browse, "DEBOUNCE_SECONDS", 0.01)


@pytest.fixture
def archive(run: Run, tmp_path: Path, archive_path: Path) -> Iterator[Archive]:
    """A story in two versions, an article whose related link leads to it, a hostile
    article and a few others, on four days; the newest is the corrected story.

    The files lie in a folder whose path has one length wherever pytest puts `tmp_path`
    (`pytest-9/` or `pytest-10/popen-gw1/`): the reader shows the source path, and the
    snapshots must not change with it."""
    with tempfile.TemporaryDirectory(prefix="na-browse-", dir="/tmp") as folder:
        yield from _archive(run, Path(folder), archive_path)


def _archive(run: Run, tmp_path: Path, archive_path: Path) -> Iterator[Archive]:
    story = _paragraphs(1)
    headline = "Council approves the harbour budget"
    _ingest(
        run, tmp_path / "d1", {"story.txt": "\n\n".join([headline, *story]) + "\n"}, "2022-01-01"
    )
    _ingest(
        run,
        tmp_path / "d2",
        {
            "linking.txt": "\n\n".join(
                ["Rail strike called off", *_paragraphs(2, 2), f"READ MORE: {headline}"]
            )
            + "\n",
            "other.txt": "\n\n".join(["Museum opens a winter wing", *_paragraphs(3)]) + "\n",
        },
        "2022-01-02",
    )
    _ingest(
        run,
        tmp_path / "d3",
        {"hostile.txt": f"{HOSTILE}\n\nBody {HOSTILE} ends.\n\nMore words in a body.\n"},
        "2022-01-03",
    )
    corrected = [headline, *story, "Correction: an earlier version misnamed the mayor."]
    _ingest(run, tmp_path / "d4", {"story.txt": "\n\n".join(corrected) + "\n"}, "2022-01-04")
    opened = open_archive(config.resolve(str(archive_path), tmp_path), create=False)
    yield opened
    opened.close()


def synchronous(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async test (the pilot is async) in its own event loop."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


def _screen(app: Browser) -> str:
    """What the terminal shows, as text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def _settle(pilot: Pilot[None]) -> None:
    await pilot.pause(0.05)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _headlines(app: Browser) -> list[str]:
    return [row.headline for row in app.query_one(ArticleList).rows]


@synchronous
async def test_opens_newest_first_with_the_newest_article_shown(archive: Archive) -> None:
    app = Browser(archive, theme="dark")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        assert _headlines(app) == [
            "Council approves the harbour budget",
            HOSTILE,
            "Rail strike called off"
            if _headlines(app)[2].startswith("Rail")
            else "Museum opens a winter wing",
            _headlines(app)[3],
        ]
        rows = app.query_one(ArticleList).rows
        days = [r.published for r in rows if r.published]
        assert len(days) == len(rows) and days == sorted(days, reverse=True)
        assert len(rows) == 4 and rows[0].versions == 2  # the story's two versions: one row
        assert app.article is not None and app.article.id == rows[0].id
        screen = _screen(app)
        assert "2022-01-04" in screen and "×2" in screen
        assert "4 articles, newest first" in screen


@synchronous
async def test_keys_move_read_raw_copy_and_quit(archive: Archive) -> None:
    app = Browser(archive, theme="dark")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("down")
        await _settle(pilot)
        rows = app.query_one(ArticleList).rows
        assert app.article is not None and app.article.id == rows[1].id
        await pilot.press("end")
        await _settle(pilot)
        assert app.article.id == rows[-1].id
        await pilot.press("home", "r")
        shown = app.query_one(ArticlePane).renderable
        assert app.query_one(ArticleReader).raw and isinstance(shown, Text)
        assert shown.plain.endswith("Correction: an earlier version misnamed the mayor.\n")
        await pilot.press("r")
        assert not app.query_one(ArticleReader).raw
        await pilot.press("c")
        assert app.clipboard == str(rows[0].id)
        await pilot.press("C")
        assert app.clipboard.endswith("d4/story.txt")
        await pilot.press("q")
    assert app.return_code == 0


@synchronous
async def test_the_mouse_chooses_a_row(archive: Archive) -> None:
    app = Browser(archive, theme="dark")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.click(ArticleList, offset=(5, 2))
        await _settle(pilot)
        rows = app.query_one(ArticleList).rows
        assert app.article is not None and app.article.id == rows[2].id


@synchronous
async def test_search_as_you_type_marks_and_escape_goes_back(archive: Archive) -> None:
    app = Browser(archive, theme="dark")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("slash", *"strike")
        await _settle(pilot)
        assert _headlines(app) == ["Rail strike called off"]
        assert app.article is not None and app.article.headline == "Rail strike called off"
        assert app.query_ is not None and app.query_.terms == ("strike",)
        assert "search strike: 1 match" in _screen(app)
        await pilot.press("escape")
        await _settle(pilot)
        assert len(_headlines(app)) == 4 and app.query_ is None


@synchronous
async def test_typing_is_debounced_and_a_bad_query_says_so(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(browse, "DEBOUNCE_SECONDS", 60)
    app = Browser(archive, theme="dark")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("slash", *"strike OR")
        await _settle(pilot)
        assert len(_headlines(app)) == 4 and app.query_ is None  # typing: no search yet
        await pilot.press("enter")  # at once
        await _settle(pilot)
        assert len(_headlines(app)) == 4  # the list as it was
        assert "search: OR needs words on both sides" in _screen(app)


@synchronous
async def test_a_query_given_at_start_searches_and_nothing_found_says_so(
    archive: Archive,
) -> None:
    from newsarchive.text.query import parse_query

    app = Browser(archive, query=parse_query("zzzzqx"), theme="dark")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        assert _headlines(app) == []
        assert "Nothing matches" in _screen(app)


def _rows_and(app: Browser, headline: str) -> tuple[list[ArticleSummary], ArticleSummary]:
    """The rows the list holds, and the one with this headline."""
    rows = app.query_one(ArticleList).rows
    return rows, next(r for r in rows if r.headline == headline)


@synchronous
async def test_following_a_link_and_back(archive: Archive) -> None:
    app = Browser(archive, theme="dark")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        rows, linking = _rows_and(app, "Rail strike called off")
        app.query_one(ArticleList).cursor = rows.index(linking)
        await _settle(pilot)
        await pilot.press("enter")  # from the list to the links under the article
        assert app.focused is not None and app.focused.id == "links"
        await pilot.press("enter")
        await _settle(pilot)
        assert app.article is not None and app.article.headline.startswith("Council")
        assert app.article.id == rows[0].id  # the link leads to the story's newest version
        assert app.history == [linking.id]
        await pilot.press("backspace")
        await _settle(pilot)
        assert app.article.id == linking.id and app.history == []


@synchronous
async def test_a_click_on_a_link_opens_it_and_escape_comes_back(archive: Archive) -> None:
    app = Browser(archive, theme="dark")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        rows, linking = _rows_and(app, "Rail strike called off")
        await pilot.click(ArticleList, offset=(5, rows.index(linking)))
        await _settle(pilot)
        assert app.article is not None and app.article.id == linking.id
        assert "→ #5  Council approves the harbour budget" in _screen(app)
        await pilot.click("#links", offset=(4, 1))  # the first line under its top border
        await _settle(pilot)
        assert app.article.id == rows[0].id and app.history == [linking.id]
        await pilot.press("escape")
        await _settle(pilot)
        assert app.article.id == linking.id


@synchronous
async def test_versions_are_listed_and_open(archive: Archive) -> None:
    app = Browser(archive, theme="dark")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        newest = app.article
        assert newest is not None and len(app.query_one(ArticleReader).around.versions) == 1
        older = app.query_one(ArticleReader).around.versions[0].id
        app.query_one("#links").focus()
        await pilot.press("enter")
        await _settle(pilot)
        assert app.article is not None and app.article.id == older
        assert "version" in _screen(app) or app.query_one(ArticleReader).around.versions


@synchronous
async def test_date_prompt_filters_and_refuses_a_bad_date(archive: Archive) -> None:
    app = Browser(archive, theme="dark")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("f", *"2022-01-02", "tab", *"2022-01-03", "enter")
        await _settle(pilot)
        assert sorted(r.published.day for r in app.query_one(ArticleList).rows if r.published) == [
            2,
            2,
            3,
        ]
        assert "since 2022-01-02, until 2022-01-03" in _screen(app)
        await pilot.press("f", "ctrl+u", *"soon", "enter")
        assert "since:" in _screen(app)  # the prompt stays, saying what is wrong
        await pilot.press("escape")
        await _settle(pilot)
        assert app.dates == DateFilter(dt.date(2022, 1, 2), dt.date(2022, 1, 3))
        await pilot.press("f", "ctrl+u", *"2030", "tab", "ctrl+u", "enter")
        await _settle(pilot)
        assert _headlines(app) == [] and "No article in these dates" in _screen(app)


def test_dates_are_read_as_list_reads_them() -> None:
    today = dt.date(2024, 3, 15)
    assert parse_dates("2022-01", "2022-02", today) == DateFilter(
        dt.date(2022, 1, 1), dt.date(2022, 2, 28)
    )
    assert parse_dates("", "", today) == DateFilter()
    assert parse_dates("30d", "", today).since == parse_period("30d", today=today)[0]
    with pytest.raises(ValueError, match="swap"):
        parse_dates("2023", "2022", today)


@synchronous
async def test_pages_load_as_the_cursor_nears_the_end(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(browse, "PAGE", 2)
    monkeypatch.setattr(browse, "LOOKAHEAD", 1)
    app = Browser(archive, theme="dark")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        articles = app.query_one(ArticleList)
        assert len(articles.rows) == 2 and not articles.complete
        await pilot.press("down")
        await _settle(pilot)
        await pilot.press("down", "down")
        await _settle(pilot)
        assert len(articles.rows) == 4 and len({r.id for r in articles.rows}) == 4


@synchronous
async def test_an_empty_archive(tmp_path: Path) -> None:
    empty = open_archive(config.resolve(str(tmp_path / "empty.db"), tmp_path), create=True)
    app = Browser(empty, theme="dark")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("down", "r", "c", "enter", "backspace")
        assert "No articles yet; add some with 'newsarchive ingest PATH'." in _screen(app)
        assert "0 articles" in _screen(app)
    empty.close()


@synchronous
async def test_hostile_text_is_shown_literally_never_obeyed(archive: Archive) -> None:
    app = Browser(archive, theme="dark")
    async with app.run_test(size=(120, 30)) as pilot:
        await _settle(pilot)
        rows = app.query_one(ArticleList).rows
        app.query_one(ArticleList).cursor = next(
            n for n, r in enumerate(rows) if r.headline.startswith("[bold")
        )
        await _settle(pilot)
        strips = app.screen._compositor.render_strips()
        screen = "\n".join(strip.text for strip in strips)
        assert screen.count("[bold red]x[/] ␛[31mred␛]0;tit") == 3  # list, headline, body
        assert screen.count("[link=https://example.com]click[/link]") == 2
        assert "\x1b" not in screen and "\x07" not in screen
        for strip in strips:
            for segment in strip:
                style = segment.style
                if style is not None and "red" in segment.text:
                    assert not style.link and not (style.color and style.color.name == "red")
        await pilot.press("r")
        assert "␛[31mred" in _screen(app)


def _snap_app(archive: Archive, theme: str = "dark") -> Browser:
    return Browser(archive, theme=theme)


async def _ready(pilot: Pilot[None]) -> None:
    await _settle(pilot)


def test_snapshot_main_screen_dark(archive: Archive, snap_compare: SnapCompare) -> None:
    assert snap_compare(_snap_app(archive), terminal_size=SIZE, run_before=_ready)


def test_snapshot_main_screen_light(archive: Archive, snap_compare: SnapCompare) -> None:
    assert snap_compare(_snap_app(archive, "light"), terminal_size=SIZE, run_before=_ready)


def test_snapshot_search(archive: Archive, snap_compare: SnapCompare) -> None:
    async def searched(pilot: Pilot[None]) -> None:
        await _settle(pilot)
        await pilot.press("slash", *"harbour", "enter")
        await _settle(pilot)

    assert snap_compare(_snap_app(archive), terminal_size=SIZE, run_before=searched)


def test_snapshot_date_prompt(archive: Archive, snap_compare: SnapCompare) -> None:
    async def prompted(pilot: Pilot[None]) -> None:
        await _settle(pilot)
        await pilot.press("f", *"2022-01")
        await _settle(pilot)

    assert snap_compare(_snap_app(archive), terminal_size=SIZE, run_before=prompted)


def test_snapshot_side_by_side(archive: Archive, snap_compare: SnapCompare) -> None:
    assert snap_compare(_snap_app(archive), terminal_size=(120, 30), run_before=_ready)


# -- the command ---------------------------------------------------------------------------


def test_an_archive_that_cannot_be_opened_is_one_clear_line(run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "not-a-db.db"
    bad.write_bytes(b"this is not a database at all" * 100)
    result = run("--db", bad, "browse")
    assert result.returncode == 1
    assert result.stderr.decode() == (
        f"Error: cannot open the archive at {bad}: it is not an SQLite database; "
        "choose another file with --db\n"
    )
    missing = run("--db", tmp_path / "none.db", "browse")
    assert missing.returncode == 1 and b"Traceback" not in missing.stderr
    assert missing.stderr.startswith(b"Error: no archive at ")


def test_browse_needs_a_terminal(run: Run, archive: Archive) -> None:
    result = run("browse")
    assert result.returncode == 2
    assert b"browse needs a terminal" in result.stderr


def test_bad_usage_is_refused_before_anything_opens(run: Run) -> None:
    assert run("browse", "--since", "2023", "--until", "2022").returncode == 2
    assert run("browse", "a OR").returncode == 2


def test_other_commands_never_import_textual() -> None:
    code = "import sys; from newsarchive import cli; print('textual' in sys.modules)"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert found.stdout.strip() == "False"


def test_theme_follows_the_terminal() -> None:
    assert browse.theme_for("terminal", None) == "ansi-dark"
    assert browse.theme_for("terminal", "0;15") == "ansi-light"
    assert browse.theme_for("terminal", "15;0") == "ansi-dark"
    assert browse.theme_for("light") == "textual-light"
