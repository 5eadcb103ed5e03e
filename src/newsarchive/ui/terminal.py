"""The terminal: rich consoles, printing through the pager, live counts on stderr, Ctrl-C.

Everything here imports rich (and subprocess, signal) only when it is used, so that a
command's start-up pays for what it prints, not for what it might.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from newsarchive.ops.ingest import IngestReport

PAGER_PROBE_BYTES = 1 << 20  # see page


def console(*, stderr: bool = False) -> Console:
    return _console_class()(stderr=stderr, highlight=False, emoji=False, markup=False)


@cache
def _console_class() -> type[Console]:
    """rich's Console, made once (rich is imported only when something is printed), but
    for a closed pipe: rich would exit 1; the CLI's error boundary ends quietly with 141,
    as for any output."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError

    return _Console


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def print_all(
    renderables: Iterable[RenderableType], *, page: str = "never", pager: bool = True
) -> bool:
    """Print to stdout renderables made as they are printed (a streamed listing's tables):
    each is out before the next is made. On a terminal, unless `pager` is False, through
    the pager as git does: `page` "always" (show: the reader starts at the top) or "tall"
    (held back only until they fill the screen; then the pager is started and the rest
    streamed into it). Returns whether all of it was shown (False: the reader quit the
    pager before the end)."""
    out = console()
    # A real terminal, not FORCE_COLOR's pretence: colour is wanted, a pager maybe not.
    paging = out.is_terminal and stdout_is_terminal()
    if page == "never" or not paging or not pager:
        for renderable in renderables:
            out.print(renderable, crop=False)  # see _rendered
        return True
    rendered = _rendered(out, renderables)
    held: list[str] = []
    lines = 0
    for text in rendered:
        held.append(text)
        lines += text.count("\n")
        if page == "always" or lines >= out.size.height - 1:
            return _page(itertools.chain(held, rendered))
    sys.stdout.write("".join(held))
    return True


def _rendered(console: Console, renderables: Iterable[RenderableType]) -> Iterator[str]:
    for renderable in renderables:
        with console.capture() as capture:
            # Not cropped at the width: everything is laid out to fit it but for what
            # must stay whole on its line to be copied (show's URL and paths).
            console.print(renderable, crop=False)
        yield capture.get()


def _page(chunks: Iterable[str]) -> bool:
    """Show text (with its colours) through the user's pager as it is made: $NEWSARCHIVE_PAGER,
    else $PAGER, else `less -FRX` (quit at once when it fits, keep colours, leave it on the
    screen); "" or "cat" means none. The shell runs it (`LESS=R less`, `~/bin/pager` work);
    if it finds no such command (exit 127), the text is printed instead. Ctrl-C belongs to
    the pager while it runs; quitting it stops the rest being made. Returns whether all
    of it was given to the pager (False: the reader quit before the end)."""
    import signal
    import subprocess

    command = os.environ.get("NEWSARCHIVE_PAGER", os.environ.get("PAGER", "less -FRX"))
    if command.strip() in ("", "cat"):
        for chunk in chunks:
            sys.stdout.write(chunk)
        return True
    env = {**os.environ}
    env.setdefault("LESS", "FRX")  # as git sets it, for a bare `less` in $PAGER
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    # What was given to the pager, kept while it is short: a shell that finds no pager
    # exits at once, and the next writes fail long before this much is written.
    sent: list[str] | None = []
    sent_size = 0
    complete = True
    chunks = iter(chunks)
    try:
        pager = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)
        assert pager.stdin is not None
        try:
            for chunk in chunks:
                if sent is not None:
                    sent.append(chunk)
                    sent_size += len(chunk)
                    sent = sent if sent_size < PAGER_PROBE_BYTES else None
                pager.stdin.write(chunk.encode("utf-8"))
        except BrokenPipeError:  # the reader quit before the end, or there is no pager
            complete = False
        finally:
            with contextlib.suppress(BrokenPipeError):
                pager.stdin.close()
            code = pager.wait()
    finally:
        signal.signal(signal.SIGINT, previous)
    if code == 127 and sent is not None:  # the shell found no such pager: print instead
        sys.stdout.write("".join(sent))
        for chunk in chunks:
            sys.stdout.write(chunk)
        return True
    return complete


def write(chunks: Iterable[str], *, closing: Callable[[int], str] | None = None) -> None:
    """Text to stdout as it is made, flushed every 64 chunks. Interrupted (Ctrl-C), what
    `closing` gives for the chunks written so far is written first (the end of a JSON
    array, so that what was written still parses)."""
    out = sys.stdout
    written = 0
    try:
        for chunk in chunks:
            out.write(chunk)
            written += 1
            if written % 64 == 0:
                out.flush()
    except KeyboardInterrupt:
        if closing:
            out.write(closing(written) + "\n")
            out.flush()
        raise


@contextmanager
def counting(
    console: Console, what: str, counts: Callable[[Any], tuple[int, int | None]]
) -> Iterator[Any]:
    """A live count of checked items (of how many, when known) on stderr when it is a
    terminal; nothing otherwise. Yields the function to give each report to (or None)."""
    if not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(what, total=None)

        def update(report: Any) -> None:
            done, total = counts(report)
            of = f" of {total:,}" if total is not None else ""
            progress.update(task, completed=done, total=total, description=f"{done:,}{of} {what}")

        yield update


@contextmanager
def ingest_progress(console: Console) -> Iterator[Any]:
    """A live count of the files an ingest read, added and refused, on stderr when it is
    a terminal; nothing otherwise."""
    if not console.is_terminal:
        yield None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.completed:,} files"),
        TextColumn("[dim]{task.fields[detail]}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("ingest", total=None, detail="")

        def update(report: IngestReport) -> None:
            detail = f"{report.added:,} added, {len(report.refused):,} refused"
            progress.update(task, completed=report.seen, detail=detail)

        yield update


@contextmanager
def first_ctrl_c_stops(stop: Callable[[], None], console: Console, said: str) -> Iterator[None]:
    """Inside, a first Ctrl-C calls `stop` (the work ends at its next safe point) and prints
    `said`; a second raises KeyboardInterrupt at once, as Ctrl-C does elsewhere."""
    import signal

    stopping = False

    def interrupt(_signum: int, _frame: Any) -> None:
        nonlocal stopping
        if stopping:
            raise KeyboardInterrupt
        stopping = True
        stop()
        console.print(said)

    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
