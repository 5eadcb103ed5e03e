"""The pager, as git has it: on a terminal `show` (and `list` or `search` output taller
than the screen) goes through $NEWSARCHIVE_PAGER, $PAGER or `less -FRX` with its colours;
never with --no-pager, never into a pipe. Run under a real pseudo-terminal."""

from __future__ import annotations

import os
import pty
import subprocess
import threading
from pathlib import Path

import pytest

from .conftest import SEEDS, Run, newsarchive_executable

pytestmark = pytest.mark.sqlite_only  # what a terminal sees is the same on every engine


def _on_a_terminal(
    args: list[str], tmp_path: Path, archive: Path, lines: int = 24, **env: str
) -> tuple[int, bytes, Path, bytes]:
    """Run the installed command with a pseudo-terminal as stdout; returns its exit status,
    what reached the terminal, the file the test pager writes what it was given to, and
    what the command wrote to stderr."""
    paged = tmp_path / "paged.txt"
    paged.unlink(missing_ok=True)
    leader, follower = pty.openpty()
    seen = bytearray()

    def drain() -> None:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                return
            if not chunk:
                return
            seen.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "PAGER")}
    environment.update(
        NEWSARCHIVE_DB=str(archive),
        NEWSARCHIVE_PAGER=f"cat > {paged}",
        TERM="xterm-256color",
        COLUMNS="100",
        LINES=str(lines),
    )
    environment.update(env)
    try:
        done = subprocess.run(
            [newsarchive_executable(), *args],
            stdout=follower,
            stderr=subprocess.PIPE,
            env=environment,
            timeout=120,
            check=False,
        )
    finally:
        os.close(follower)
    reader.join(timeout=10)
    os.close(leader)
    return done.returncode, bytes(seen), paged, done.stderr


def _stories(run: Run, tmp_path: Path, count: int) -> Path:
    """An archive of the seed article and `count` short stories."""
    db = tmp_path / f"archive-{count}.db"
    folder = tmp_path / f"in-{count}"
    folder.mkdir()
    for n in range(count):
        (folder / f"{n:03}.txt").write_text(f"Story {n} about harbours\n\nHarbour text {n}.\n")
    assert run("--db", db, "ingest", SEEDS, folder).returncode == 0
    return db


@pytest.fixture
def archive(run: Run, tmp_path: Path) -> Path:
    return _stories(run, tmp_path, 40)


def test_show_on_a_terminal_goes_through_the_pager_with_its_colours(
    archive: Path, tmp_path: Path
) -> None:
    code, terminal, paged, _err = _on_a_terminal(["show", "1"], tmp_path, archive)
    assert code == 0
    text = paged.read_bytes()
    assert b"Top US, Russia diplomats" in text
    assert b"\x1b[" in text  # styling kept
    assert b"Top US, Russia diplomats" not in terminal  # all of it went to the pager


def test_no_pager_and_a_pipe_print_directly(archive: Path, tmp_path: Path, run: Run) -> None:
    code, terminal, paged, _err = _on_a_terminal(["--no-pager", "show", "1"], tmp_path, archive)
    assert code == 0 and not paged.exists()
    assert b"Top US, Russia diplomats" in terminal
    piped = run("--db", archive, "show", "1", NEWSARCHIVE_PAGER=f"cat > {tmp_path / 'x'}")
    assert b"Top US, Russia diplomats" in piped.stdout and not (tmp_path / "x").exists()


def test_list_is_paged_only_when_taller_than_the_screen(archive: Path, tmp_path: Path) -> None:
    code, terminal, paged, _err = _on_a_terminal(["list", "--limit", "3"], tmp_path, archive)
    assert code == 0 and not paged.exists() and b"Story 39" in terminal
    code, terminal, paged, _err = _on_a_terminal(["list"], tmp_path, archive, lines=20)
    assert code == 0 and paged.exists()
    assert b"Story 0 about" in paged.read_bytes() and b"Story 0 about" not in terminal


def test_an_empty_pager_setting_means_none(archive: Path, tmp_path: Path) -> None:
    code, terminal, paged, _err = _on_a_terminal(
        ["show", "1"], tmp_path, archive, NEWSARCHIVE_PAGER=""
    )
    assert code == 0 and not paged.exists() and b"Top US, Russia diplomats" in terminal


def test_a_listing_stops_when_the_pager_is_quit_and_says_so(tmp_path: Path, run: Run) -> None:
    db = _stories(run, tmp_path, 400)
    # A pager that quits at once, as a reader pressing q on the first screen.
    code, _terminal, _paged, err = _on_a_terminal(["list"], tmp_path, db, NEWSARCHIVE_PAGER="true")
    assert code == 0
    footer = err.decode().strip()
    assert footer.endswith("articles listed before the pager was closed"), footer
    assert int(footer.split()[0].replace(",", "")) < 401


def test_the_shell_runs_the_pager_and_a_missing_one_prints_instead(
    archive: Path, tmp_path: Path
) -> None:
    paged = tmp_path / "paged.txt"
    code, terminal, _, _err = _on_a_terminal(
        ["show", "1"], tmp_path, archive, NEWSARCHIVE_PAGER=f"SEEN=1 cat > {paged}"
    )
    assert code == 0 and paged.exists() and b"Top US, Russia" not in terminal
    code, terminal, _, _err = _on_a_terminal(
        ["show", "1"], tmp_path, archive, NEWSARCHIVE_PAGER="no-such-pager-here -R"
    )
    assert code == 0 and b"Top US, Russia diplomats" in terminal
