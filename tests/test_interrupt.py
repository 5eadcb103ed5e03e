"""Ctrl-C stops a read even inside one long statement (archive._interruptible): the signal
wakes a thread that asks the database to stop it, on either engine."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from newsarchive.storage import config
from newsarchive.storage.archive import open_archive

from .conftest import SEEDS, Run

# A statement that runs for many seconds unless stopped: counting to a hundred million.
LONG = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) "
    "SELECT count(*) FROM n"
)


def test_ctrl_c_stops_a_long_statement_within_half_a_second(
    run: Run, archive_url: str, tmp_path: Path
) -> None:
    assert run("ingest", SEEDS).returncode == 0
    archive = open_archive(config.resolve(archive_url, tmp_path), create=False)
    sent: list[float] = []

    def press_ctrl_c() -> None:
        time.sleep(0.5)  # well inside the statement
        sent.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGINT)

    # Ctrl-C as a terminal delivers it: a shell that starts a job in the background (as CI
    # may) leaves SIGINT ignored in it, and then no command could be interrupted at all.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt), archive.reading() as store:
            threading.Thread(target=press_ctrl_c, daemon=True).start()
            store._connection.execute(text(LONG)).scalar()
        stopped = time.monotonic() - sent[0]
        assert stopped < 0.5, f"stopped {stopped:.2f} s after Ctrl-C"
        with archive.reading() as store:  # the archive reads on as before
            assert store.count() == 1
    finally:
        signal.signal(signal.SIGINT, previous)
        archive.close()
