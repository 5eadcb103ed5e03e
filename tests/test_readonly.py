"""An archive the user may not write (file or folder, or read-only media) is read all the
same: list, show, search, stats and verify work and leave no file behind; verify says
which check it could not run instead of reporting damage; writes are refused in one line.

Root may write whatever the permissions say, so as root the archive's folder is made a
read-only bind mount (what read-only media look like); as anyone else, chmod does."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsarchive.storage import config
from newsarchive.storage.archive import open_archive

from .conftest import SEEDS, Run

pytestmark = pytest.mark.sqlite_only  # SQLite's read-only and immutable opening


@pytest.fixture
def read_only(tmp_path: Path, run: Run) -> Iterator[Path]:
    folder = tmp_path / "shelf"
    folder.mkdir()
    db = folder / "archive.db"
    assert run("--db", db, "ingest", SEEDS).returncode == 0
    assert sorted(p.name for p in folder.iterdir()) == ["archive.db"]
    if os.geteuid() != 0:
        db.chmod(0o444)
        folder.chmod(0o555)
        yield db
        folder.chmod(0o755)
        return
    mounted = tmp_path / "media"
    mounted.mkdir()
    steps = (
        ["mount", "--bind", str(folder), str(mounted)],
        ["mount", "-o", "remount,ro,bind", str(mounted)],
    )
    for step in steps:
        done = subprocess.run(step, capture_output=True, check=False)
        if done.returncode != 0:
            subprocess.run(["umount", mounted], capture_output=True, check=False)
            pytest.skip(f"running as root, and a read-only bind mount failed: {done.stderr!r}")
    try:
        yield mounted / "archive.db"
    finally:
        subprocess.run(["umount", mounted], check=True)


def test_a_read_only_archive_is_read_and_left_as_it_was(read_only: Path, run: Run) -> None:
    before = read_only.read_bytes()
    listed = run("--db", read_only, "list", "--format", "tsv")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith(b"1\t2022-01-21\tTop US, Russia diplomats")
    shown = run("--db", read_only, "show", "1")
    assert shown.returncode == 0 and b"Blinken" in shown.stdout
    found = run("--db", read_only, "search", "Lavrov", "--format", "tsv")
    assert found.returncode == 0 and found.stdout.startswith(b"1\t")
    assert run("--db", read_only, "stats").returncode == 0
    assert sorted(p.name for p in read_only.parent.iterdir()) == ["archive.db"]
    assert read_only.read_bytes() == before


def test_verify_says_what_it_could_not_check(read_only: Path, run: Run) -> None:
    checked = run("--db", read_only, "verify")
    assert checked.returncode == 0
    assert checked.stderr.decode().splitlines() == [
        "not checked: the search index's own consistency (FTS5's check writes to the "
        "archive); you may not write the archive.",
        "Checked 1 article: all whole and exact.",
    ]


@pytest.mark.parametrize(
    "args", [["ingest", str(SEEDS)], ["delete", "1", "--yes"], ["date", "1", "2020-01-01"]]
)
def test_a_change_is_refused_in_one_line(read_only: Path, run: Run, args: list[str]) -> None:
    refused = run("--db", read_only, *args)
    assert refused.returncode == 1
    err = refused.stderr.decode()
    assert err.count("\n") == 1 and "opened read-only" in err, err
    assert sorted(p.name for p in read_only.parent.iterdir()) == ["archive.db"]


def test_a_reader_sees_what_the_owner_writes_meanwhile(
    read_only: Path, run: Run, tmp_path: Path
) -> None:
    # The owner (who may write the folder read_only shows) ingests while a reader holds
    # the archive open: the reader's next read sees it, never a stale or torn file.
    if os.geteuid() != 0:
        pytest.skip("needs the owner's writable view beside the reader's read-only one")
    owners = tmp_path / "shelf" / "archive.db"
    more = tmp_path / "more"
    more.mkdir()
    (more / "x.txt").write_text("Harbour reopens\n\nThe harbour reopened today.\n")
    archive = open_archive(config.resolve(str(read_only), tmp_path), create=False)
    try:
        with archive.reading() as store:
            assert store.count() == 1
        assert run("--db", owners, "ingest", more).returncode == 0
        with archive.reading() as store:
            assert store.count() == 2
            assert [a.headline for a in store.list().articles][-1] == "Harbour reopens"
    finally:
        archive.close()
