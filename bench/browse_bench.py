#!/usr/bin/env python3
"""browse on a big archive: time to the first screen, and for a selection move to redraw.

    python bench/browse_bench.py ARCHIVE [--runs 7] [--moves 40] [--size 80x24]

Driven by Textual's test pilot (headless, as a real terminal minus the terminal's own
drawing). "first screen": from creating the app to its list holding rows, the first article read and
the screen laid out and rendered with it (the archive opened before, as the CLI does).
"move": from a Down key sent as the terminal driver sends it to the screen laid out and
rendered with the next article, which includes the wait for the screen's refresh timer
(up to 1/60 s), as a user sees it. Medians.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

from textual import events
from textual.pilot import Pilot
from textual.screen import Screen

from newsarchive import config
from newsarchive.archive import Archive, open_archive
from newsarchive.browse import ArticleList, Browser


class _Renders:
    """When the screen last rendered its changes (after laying itself out, if it had to)
    and handed them to the driver."""

    def __init__(self) -> None:
        self.done = 0.0
        original = Screen._compositor_refresh

        def timed(screen: Screen[object]) -> None:
            original(screen)
            self.done = time.perf_counter()

        Screen._compositor_refresh = timed  # type: ignore[method-assign]


RENDERS = _Renders()


async def _laid_out_since(pilot: Pilot[None], since: float) -> None:
    """Wait for the screen's refresh timer to render what changed after `since`."""
    while RENDERS.done <= since:
        await asyncio.sleep(0.0005)
    await pilot._wait_for_screen()


def _caught_up(app: Browser) -> bool:
    shown = app.query_one(ArticleList).current
    return app.article is not None and shown is not None and app.article.id == shown.id


async def _first_screen(archive: Archive, size: tuple[int, int]) -> float:
    start = time.perf_counter()
    app = Browser(archive, theme="dark")
    async with app.run_test(size=size) as pilot:
        await pilot._wait_for_screen()  # the mount's messages handled
        assert app.query_one(ArticleList).rows, "the archive is empty"
        assert app.article is not None
        await _laid_out_since(pilot, time.perf_counter())
        seconds = time.perf_counter() - start
        await pilot.press("q")
    return seconds


async def _moves(archive: Archive, size: tuple[int, int], moves: int) -> list[float]:
    app = Browser(archive, theme="dark")
    timings = []
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for _ in range(moves):
            # pilot.press sleeps until the process looks idle (tens of ms, whatever the
            # work): send the key as the driver does and wait for its handling alone.
            start = time.perf_counter()
            key = events.Key("down", None)
            key.set_sender(app)
            assert app._driver is not None
            app._driver.send_message(key)
            await pilot._wait_for_screen()
            while not _caught_up(app):  # the article is read on a message the move posts
                await pilot._wait_for_screen()
            await _laid_out_since(pilot, time.perf_counter())
            timings.append(time.perf_counter() - start)
            await pilot.pause()  # let the worker looking up links to it finish, unmeasured
        await pilot.press("q")
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("archive", help="an archive path or URL, as --db takes")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--moves", type=int, default=40)
    parser.add_argument("--size", default="80x24")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))

    location = config.resolve(args.archive, Path.cwd())
    archive = open_archive(location, create=False)
    with archive.reading() as store:
        articles = store.count()
    first = [asyncio.run(_first_screen(archive, (width, height))) for _ in range(args.runs)]
    moves = asyncio.run(_moves(archive, (width, height), args.moves))
    print(f"archive: {location.describe()} ({articles:,} articles), terminal {args.size}")
    print(
        f"first screen: median {statistics.median(first) * 1000:.0f} ms "
        f"(min {min(first) * 1000:.0f}, max {max(first) * 1000:.0f}; {args.runs} runs)"
    )
    print(
        f"move + redraw: median {statistics.median(moves) * 1000:.1f} ms "
        f"(p90 {sorted(moves)[int(len(moves) * 0.9)] * 1000:.1f}, "
        f"max {max(moves) * 1000:.1f}; {len(moves)} moves)"
    )
    archive.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
