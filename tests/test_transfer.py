"""`newsarchive copy`: an archive moved to another file or engine is the same archive."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from newsarchive.storage import config
from newsarchive.storage.archive import open_archive
from newsarchive.storage.records import StoredRecord

from .conftest import FIXTURES, SEEDS, Run, newsarchive_executable
from .test_reliability import _tree


def _everything(url: str, tmp_path: Path) -> list[StoredRecord]:
    archive = open_archive(config.resolve(url, tmp_path), create=False)
    try:
        return [record for batch in archive.batches(size=100) for record in batch]
    finally:
        archive.close()


@pytest.fixture
def source(run: Run, tmp_path: Path) -> str:
    db = str(tmp_path / "source.db")
    result = run("--db", db, "ingest", SEEDS, FIXTURES, "--pattern", "*.txt")
    assert result.returncode == 0, result.stderr
    run("--db", db, "ingest", SEEDS / ".." / "seeds")  # one article under a second path
    return db


def test_a_copy_is_the_same_archive_on_either_engine(
    run: Run, source: str, archive_url: str, tmp_path: Path
) -> None:
    assert run("--db", source, "db", "threshold", "0.7").returncode == 0
    copied = run("--db", source, "copy", archive_url)
    assert copied.returncode == 0, copied.stderr
    records = _everything(source, tmp_path)
    paths = sum(len(record.sources) for record in records)
    assert len(records) > 30  # the seed and every distinct fixture
    assert copied.stderr.decode().startswith(
        f"Copied {len(records)} articles with {paths} source paths to "
    )
    assert _everything(archive_url, tmp_path) == records
    for db in (source, archive_url):
        verified = run("--db", db, "verify")
        assert verified.returncode == 0, verified.stderr
    shown = [
        json.loads(run("--db", db, "show", "1", "--json").stdout) for db in (source, archive_url)
    ]
    assert shown[0] == shown[1]
    assert run("--db", archive_url, "db", "threshold").stdout == b"0.7\n"  # settings come too
    hits = [run("--db", db, "search", "lavrov", "--json").stdout for db in (source, archive_url)]
    assert [h["id"] for h in json.loads(hits[0])] == [h["id"] for h in json.loads(hits[1])]
    # The copy goes on as an archive of its own: a new article takes the next id.
    (tmp_path / "new.txt").write_text("A new headline\n\nA new body.\n")
    assert run("--db", archive_url, "ingest", tmp_path / "new.txt").returncode == 0
    newest = max(a["id"] for a in json.loads(run("--db", archive_url, "list", "--json").stdout))
    assert newest == max(record.id for record in records) + 1


def test_a_destination_holding_other_articles_is_refused_untouched(
    run: Run, source: str, archive_url: str, tmp_path: Path
) -> None:
    (tmp_path / "own.txt").write_text("Its own headline\n\nIts own body.\n")
    assert run("--db", archive_url, "ingest", tmp_path / "own.txt").returncode == 0
    before = _everything(archive_url, tmp_path)
    refused = run("--db", source, "copy", archive_url)
    assert refused.returncode == 1
    assert "already holds other articles" in refused.stderr.decode()
    assert _everything(archive_url, tmp_path) == before


@pytest.mark.sqlite_only
def test_copying_an_archive_onto_itself_is_a_usage_error(run: Run, source: str) -> None:
    result = run("--db", source, "copy", source)
    assert result.returncode == 2
    assert "DEST is the archive being copied" in result.stderr.decode()


@pytest.mark.slow
def test_a_killed_copy_keeps_its_batches_and_a_rerun_finishes(
    run: Run, archive_url: str, tmp_path: Path
) -> None:
    db = str(tmp_path / "big.db")
    assert run("--db", db, "ingest", _tree(tmp_path / "tree", 3000)).returncode == 0
    process = subprocess.Popen(
        [newsarchive_executable(), "--db", db, "copy", archive_url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    copied = 0
    while process.poll() is None and time.monotonic() < deadline:  # a batch in, not all
        listed = run("--db", archive_url, "list", "--json")
        copied = len(json.loads(listed.stdout)) if listed.returncode == 0 else 0
        if copied:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.02)
    process.wait()
    assert 0 < copied < 3000, "the kill did not land inside the copy"
    kept = len(json.loads(run("--db", archive_url, "list", "--json").stdout))
    assert kept % 500 == 0  # whole batches only
    again = run("--db", db, "copy", archive_url)
    assert again.returncode == 0, again.stderr
    assert f"({kept:,} were there from an earlier run)" in again.stderr.decode()
    assert _everything(archive_url, tmp_path) == _everything(db, tmp_path)
    assert run("--db", archive_url, "verify").returncode == 0
