"""Ctrl-C as a user presses it, on the real command: SIGINT to the command's process group
once the command is seen to be under way, then the command must end within half a second
with exit 130 and nothing half-written. (A long statement inside a read is stopped by
archive._interruptible: tests/test_interrupt.py; here a search is stopped while its
statement waits in PostgreSQL.)"""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .conftest import SEEDS, newsarchive_executable

if TYPE_CHECKING:
    import psycopg
from .test_reliability import _check, _stored, _tree

pytestmark = [pytest.mark.sqlite_only, pytest.mark.slow]

PROMPTLY = 0.5  # seconds from Ctrl-C to the command's end


@pytest.fixture(scope="module")
def big_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ctrl-c")
    db = folder / "archive.db"
    done = subprocess.run(
        [newsarchive_executable(), "--db", db, "ingest", _tree(folder / "tree", 3000)],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return db


def _start(args: list[str | Path], **kwargs: object) -> subprocess.Popen[bytes]:
    """The command in its own process group, with Ctrl-C's default action restored (a
    shell that runs the tests in the background leaves SIGINT ignored in its children)."""
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [newsarchive_executable(), *map(str, args)],
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        **kwargs,
    )


def _ctrl_c(process: subprocess.Popen[bytes]) -> float:
    os.killpg(process.pid, signal.SIGINT)
    return time.monotonic()


def _ended_within(process: subprocess.Popen[bytes], sent: float) -> float:
    process.wait(timeout=60)
    return time.monotonic() - sent


def test_a_listing_stops_at_once_and_its_json_still_parses(big_archive: Path) -> None:
    process = _start(
        ["--db", big_archive, "list", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.read(8192)  # the listing is under way
    time.sleep(0.3)  # and now waits, the pipe full, for its reader
    sent = _ctrl_c(process)
    rest = process.stdout.read()
    took = _ended_within(process, sent)
    assert process.returncode == 130
    assert process.stderr.read() == b"Interrupted.\n"
    listed = json.loads(first + rest)  # the array was closed
    assert 0 < len(listed) < 3000
    assert took < PROMPTLY, f"ended {took:.2f} s after Ctrl-C"


def _on_a_terminal(args: list[str | Path], seen: Callable[[bytes], bool]) -> tuple[int, float]:
    """Run with stderr on a pseudo-terminal (where progress is shown); press Ctrl-C once
    `seen` is true of what it printed. Returns the exit status and seconds to the end."""
    leader, follower = pty.openpty()
    process = _start(args, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    printed = bytearray()
    try:
        while not seen(bytes(printed)):
            if process.poll() is not None:
                pytest.fail(f"ended before Ctrl-C was due: {bytes(printed[-300:])!r}")
            printed += os.read(leader, 4096)
        sent = _ctrl_c(process)
        threading.Thread(target=_drain, args=(leader,), daemon=True).start()
        took = _ended_within(process, sent)
    finally:
        process.kill()
        process.wait()
    os.close(leader)
    return process.returncode, took


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 4096):
            pass
    except OSError:
        return


def test_verify_stops_at_once(big_archive: Path) -> None:
    code, took = _on_a_terminal(
        ["--db", big_archive, "verify"], lambda out: b"articles checked" in out
    )
    assert code == 130
    assert took < PROMPTLY, f"ended {took:.2f} s after Ctrl-C"


def test_ingest_stops_at_once_at_a_second_ctrl_c_keeping_whole_batches(tmp_path: Path) -> None:
    # The first Ctrl-C lets the batch under way be stored (it says so); the second, pressed
    # as soon as that is said, stops at once, rolling that batch back.
    db = tmp_path / "a.db"
    tree = _tree(tmp_path / "tree", 3000)
    process = _start(["--db", db, "ingest", tree], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stderr is not None
    deadline = time.monotonic() + 120
    while not _stored(db):  # a batch is committed: the ingest is well under way
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail("the ingest ended before Ctrl-C was due")
        time.sleep(0.01)
    _ctrl_c(process)
    notice = process.stderr.readline()
    assert notice.startswith(b"Stopping after the batch being stored"), notice
    sent = _ctrl_c(process)
    took = _ended_within(process, sent)
    if process.returncode == 0:
        pytest.skip("the ingest finished before the second Ctrl-C arrived")
    assert process.returncode == 130
    assert b"Traceback" not in process.stderr.read()
    stored = _check(db)  # whole, consistent, search index included
    assert stored % 1000 == 0
    assert took < PROMPTLY, f"ended {took:.2f} s after the second Ctrl-C"


def test_a_search_waiting_in_the_database_stops_at_once(postgres_database: str) -> None:
    # A search's first page is bounded well under half a second, so none lasts long
    # enough on its own to be interrupted: another session holds the articles table
    # locked, and the search's statement waits inside PostgreSQL (seen there) when Ctrl-C
    # comes. The statement must be cancelled, not left to wait for the lock (psycopg
    # cancels it when Ctrl-C breaks its wait; archive._interruptible asks too). SQLite's
    # C call, which Python's handler cannot break, is tests/test_interrupt.py's.
    import psycopg

    tool = newsarchive_executable()
    subprocess.run([tool, "--db", postgres_database, "ingest", SEEDS], check=True)
    with (
        psycopg.connect(postgres_database) as holder,
        psycopg.connect(postgres_database, autocommit=True) as watcher,
    ):
        holder.execute("LOCK TABLE articles IN ACCESS EXCLUSIVE MODE")
        process = _start(
            ["--db", postgres_database, "search", "ukraine"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while not _waiting_search(watcher):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the search did not reach the database before Ctrl-C was due")
            time.sleep(0.01)
        sent = _ctrl_c(process)
        took = _ended_within(process, sent)
        assert process.stdout is not None and process.stderr is not None
        assert process.returncode == 130
        assert process.stderr.read() == b"Interrupted.\n"
        assert process.stdout.read() == b""
        assert not _waiting_search(watcher)  # cancelled, not left waiting for the lock
        holder.rollback()
    assert took < PROMPTLY, f"ended {took:.2f} s after Ctrl-C"


def _waiting_search(watcher: psycopg.Connection[Any]) -> bool:
    """Whether a search statement waits for a lock in the database."""
    row = watcher.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND query LIKE '%search_document @@%'"
    ).fetchone()
    return bool(row and row[0])
