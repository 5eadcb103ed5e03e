#!/usr/bin/env python3
"""browse on a big archive: time to the first screen, and for a selection move to redraw.

    python bench/browse_bench.py ARCHIVE [--runs 7] [--moves 40] [--size 80x24]

Driven by Textual's test pilot (headless: a real terminal minus the terminal's own
drawing). "first screen": from creating the app to its list holding rows, the first article
read and the screen rendered with it (the archive opened before, as the CLI does), in a
process that has run it before; "a new process": the same from a fresh interpreter's start
(imports and opening the archive included), as `newsarchive browse` is. "move": from a Down
key sent as the terminal driver sends it to the screen rendered with the next article,
including the wait for the screen's refresh timer (up to 1/60 s), as a user sees it.
Medians.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from pathlib import Path

from textual import events
from textual.pilot import Pilot
from textual.screen import Screen

from newsarchive.storage import config
from newsarchive.storage.archive import Archive, open_archive
from newsarchive.ui.browse import Browser
from newsarchive.ui.widgets import ArticleList


class _Renders:
    """When the screen last rendered its changes (after laying itself out, if it had to)
    and handed them to the driver."""

    def __init__(self) -> None:
        self.done = 0.0
        original = Screen._compositor_refresh

        def timed(screen: Screen[object]) -> None:
            original(screen)
            self.done = time.perf_counter()

        Screen._compositor_refresh = timed  # type: ignore[method-assign,assignment]


RENDERS = _Renders()


async def _laid_out_since(pilot: Pilot[None], since: float) -> None:
    """Wait for the screen's refresh timer to render what changed after `since`."""
    while RENDERS.done <= since:
        await asyncio.sleep(0.0005)
    await pilot._wait_for_screen()


def _caught_up(app: Browser) -> bool:
    shown = app.query_one(ArticleList).current
    return app.article is not None and shown is not None and app.article.id == shown.id


async def _first_screen(
    archive: Archive, size: tuple[int, int], since: float | None = None
) -> float:
    """Seconds to the first screen, from now or from `since` (a time.time())."""
    start = time.perf_counter() - (time.time() - since if since is not None else 0.0)
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
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)  # the parent's clock
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    if args.child is not None:  # one process: imports, opening the archive, first screen
        location = config.resolve(args.archive, Path.cwd())
        opened = open_archive(location, create=False)
        print(asyncio.run(_first_screen(opened, (width, height), since=args.child)))
        return 0

    location = config.resolve(args.archive, Path.cwd())
    archive = open_archive(location, create=False)
    with archive.reading() as store:
        articles = store.count()
    first = [asyncio.run(_first_screen(archive, (width, height))) for _ in range(args.runs)]
    moves = asyncio.run(_moves(archive, (width, height), args.moves))
    processes = []
    for _ in range(args.runs):
        child = [sys.executable, __file__, args.archive, "--size", args.size, "--child"]
        done = subprocess.run([*child, repr(time.time())], check=True, capture_output=True)
        processes.append(float(done.stdout))
    print(f"archive: {location.describe()} ({articles:,} articles), terminal {args.size}")
    print(
        f"first screen: median {statistics.median(first) * 1000:.0f} ms "
        f"(min {min(first) * 1000:.0f}, max {max(first) * 1000:.0f}; {args.runs} runs)"
    )
    print(
        f"a new process to its first screen: median "
        f"{statistics.median(processes) * 1000:.0f} ms (min {min(processes) * 1000:.0f}; "
        f"python's start, imports, opening the archive; {args.runs} runs)"
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
