"""What went in stays in: killed runs, two writers, Ctrl-C, a full disk, damaged archives.

Each test drives the real `newsarchive` in a subprocess against a real SQLite file, then
checks the archive the way `verify` does: SQLite integrity, one raw blob and at least one
path per article, a search entry per article, and exact counts after a re-run.
"""

from __future__ import annotations

import ast
import base64
import json
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newsarchive.storage.backends.sqlite_searchtext import register_functions

from .conftest import SEEDS, Run, newsarchive_executable

pytestmark = pytest.mark.slow


def _tree(folder: Path, count: int, start: int = 0) -> Path:
    words = [
        "council",
        "harbour",
        "minister",
        "storm",
        "market",
        "vote",
        "talks",
        "bridge",
        "court",
        "ferry",
    ]
    for i in range(start, start + count):
        rng = random.Random(i)  # article i has the same bytes in every tree
        body = "\n\n".join(
            " ".join(rng.choice(words) for _ in range(40)) + f" {i}." for _ in range(6)
        )
        path = folder / f"{i // 500:03}" / f"{i:05}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"Article number {i} about {rng.choice(words)}\n\n{body}\n")
    return folder


def _check(db: Path) -> int:
    """The archive's invariants; returns how many articles it holds."""
    con = sqlite3.connect(db)
    # The index's integrity check reads the text through its view, which calls these.
    register_functions(con)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert con.execute("SELECT count(*) FROM article_raw").fetchone()[0] == articles
        assert con.execute("SELECT count(*) FROM article_search_docsize").fetchone()[0] == articles
        orphans = con.execute(
            "SELECT count(*) FROM articles a WHERE NOT EXISTS "
            "(SELECT 1 FROM article_sources s WHERE s.article_id = a.id)"
        ).fetchone()[0]
        assert orphans == 0
        assert con.execute("SELECT count(*) FROM article_search_paused").fetchone() == (0,)
        con.execute(
            "INSERT INTO article_search(article_search, rank) VALUES ('integrity-check', 1)"
        )
        return int(articles)
    finally:
        con.close()


def _start(
    db: Path, *paths: Path, preexec_fn: Callable[[], object] | None = None
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [newsarchive_executable(), "--db", str(db), "ingest", *map(str, paths)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=preexec_fn,
    )


@pytest.fixture(scope="module")
def big_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _tree(tmp_path_factory.mktemp("tree"), 3000)


def _stored(db: Path) -> int | None:
    """Articles committed so far, read beside the writer; None before the schema exists."""
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1)
        try:
            return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return None


def _kill_when(process: subprocess.Popen[bytes], reached: Callable[[], bool]) -> None:
    """SIGKILL the moment `reached()` is first seen true (polled every 10 ms)."""
    deadline = time.monotonic() + 120
    while not reached():
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail("the ingest ended before the point where it was to be killed")
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()


# Where the kill lands, by what the test sees of the archive, not by a clock: while the
# file is being created and migrated, and just after the first and the second batch commit
# (so while the next batch is being parsed and written).
KILL_POINTS: dict[str, Callable[[Path], bool]] = {
    "creating the archive": lambda db: db.exists(),
    "after batch 1": lambda db: (_stored(db) or 0) >= 1000,
    "after batch 2": lambda db: (_stored(db) or 0) >= 2000,
}


@pytest.mark.parametrize("point", KILL_POINTS)
def test_killed_mid_ingest_keeps_whole_articles_and_a_rerun_completes(
    big_tree: Path, tmp_path: Path, run_process: Run, point: str
) -> None:
    db = tmp_path / "a.db"
    _kill_when(_start(db, big_tree), lambda: KILL_POINTS[point](db))
    stored = _stored(db)
    if stored is not None:
        assert _check(db) == stored
        assert stored % 1000 == 0 or stored == 3000  # whole batches only
    if point != "creating the archive":
        assert stored is not None and stored >= 1000
    stored = stored or 0
    rerun = run_process("--db", db, "ingest", big_tree)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stderr.decode().endswith(
        f"added {3000 - stored:,}, already present {stored:,}, refused 0.\n"
    )
    assert _check(db) == 3000


def test_two_writers_at_once_both_finish_with_exact_counts(tmp_path: Path) -> None:
    first = _tree(tmp_path / "first", 1500)
    second = _tree(tmp_path / "second", 1500, start=1000)  # 500 overlap by content
    db = tmp_path / "shared.db"
    writers = [_start(db, first), _start(db, second), _start(db, first)]
    outputs = [w.communicate(timeout=300) for w in writers]
    for writer, (_out, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err
        assert b"locked" not in err
    assert _check(db) == 2500


def test_ctrl_c_stops_after_the_batch_and_says_what_was_stored(
    big_tree: Path, tmp_path: Path
) -> None:
    db = tmp_path / "a.db"
    process = _start(db, big_tree)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _stored_some(db):  # mid-ingest, for sure
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=60)
    if process.returncode == 0:
        pytest.skip("the ingest finished before the interrupt arrived")
    assert process.returncode == 130, err
    lines = err.decode().splitlines()
    assert lines[0] == "Stopping after the batch being stored; Ctrl-C again to stop at once."
    assert lines[-1].startswith("Interrupted; stored so far: added ")
    assert b"Traceback" not in err
    stored = _check(db)
    assert f"added {stored:,}," in lines[-1]
    assert stored % 1000 == 0  # the batch under way was finished, nothing after it begun


def _stored_some(db: Path) -> bool:
    return bool(_stored(db))


def _limit_file_size(limit: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_a_full_disk_rolls_back_the_batch_and_says_so(
    big_tree: Path, tmp_path: Path, run_process: Run
) -> None:
    db = tmp_path / "a.db"
    process = _start(db, big_tree, preexec_fn=lambda: _limit_file_size(6 * 2**20))
    _out, err = process.communicate(timeout=300)
    assert process.returncode == 1
    message = err.decode().strip().splitlines()[-1]
    assert message.startswith("Error: could not write to the archive")
    assert "the batch being stored was rolled back" in message
    assert "free disk space and run the same ingest again" in message
    stored = _check(db)
    assert f"the {stored:,} articles added before it are kept" in message
    assert run_process("--db", db, "ingest", big_tree).returncode == 0
    assert _check(db) == 3000


def test_a_truncated_archive_is_one_line_and_left_untouched(
    tmp_path: Path, run_process: Run
) -> None:
    db = tmp_path / "a.db"
    _tree(tmp_path / "few", 50)
    assert run_process("--db", db, "ingest", tmp_path / "few").returncode == 0
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])
    before = db.read_bytes()
    result = run_process("--db", db, "list")
    err = result.stderr.decode()
    assert result.returncode == 1
    assert err.startswith("Error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert db.read_bytes() == before


def test_commands_leave_no_wal_files_behind(tmp_path: Path, run_process: Run) -> None:
    # The process skips the collector's walk at exit (gc.freeze): the archive must still be
    # closed, its WAL folded back in, whatever the command.
    db = tmp_path / "a.db"
    _tree(tmp_path / "few", 5)
    for args in (("ingest", tmp_path / "few"), ("list",), ("show", "1"), ("search", "the")):
        assert run_process("--db", db, *args).returncode == 0
        assert sorted(p.name for p in tmp_path.iterdir()) == ["a.db", "few"], args


def test_verify_finds_what_was_damaged(tmp_path: Path, run_process: Run) -> None:
    db = tmp_path / "a.db"
    _tree(tmp_path / "few", 30)
    run_process("--db", db, "ingest", tmp_path / "few")
    clean = run_process("--db", db, "verify")
    assert clean.returncode == 0
    assert clean.stderr.decode() == "Checked 30 articles: all whole and exact.\n"
    _damage(
        db,
        "UPDATE article_raw SET data = x'00' WHERE article_id = 3",
        "DELETE FROM article_sources WHERE article_id = 7",
        "DELETE FROM article_search_docsize WHERE id = 9",
    )
    damaged = run_process("--db", db, "verify")
    assert damaged.returncode == 1
    lines = damaged.stderr.decode().splitlines()
    assert "problem: article 3: its raw bytes no longer match its SHA-256" in lines
    assert "problem: article 7: it has no source path" in lines
    assert any(line.startswith("problem: archive: the search index") for line in lines)
    assert lines[-1] == f"Checked 30 articles: {len(lines) - 1} problems."


def test_verify_names_each_damaged_article_of_those_parsed_together(
    tmp_path: Path, run_process: Run
) -> None:
    # Articles are parsed again many at a time (verify._check_all): each problem is still
    # its own article's, in id order, and the articles around them are found whole.
    db = tmp_path / "a.db"
    _tree(tmp_path / "few", 30)
    run_process("--db", db, "ingest", tmp_path / "few")
    _damage(
        db,
        "UPDATE article_raw SET data = x'00' WHERE article_id = 3",
        "UPDATE articles SET dateline = 'ELSEWHERE' WHERE id = 4",
        "UPDATE articles SET word_count = word_count + 1 WHERE id IN (5, 29)",
    )
    damaged = run_process("--db", db, "verify")
    assert damaged.returncode == 1
    assert damaged.stderr.decode().splitlines() == [
        "problem: article 3: its raw bytes no longer match its SHA-256",
        "problem: article 4: re-parsing gives other dateline than stored",
        "problem: article 5: re-parsing gives other word_count than stored",
        "problem: article 29: re-parsing gives other word_count than stored",
        "Checked 30 articles: 4 problems.",
    ]


def _damage(db: Path, *statements: str) -> None:
    """Change a stored archive behind the tool's back, as a fault or another program would."""
    con = sqlite3.connect(db)
    for statement in statements:
        con.execute(statement)
    con.commit()
    con.close()


def _loaded(runs: list[list[str]], watched: tuple[str, ...]) -> tuple[str, list[str]]:
    """Run the CLI in one fresh interpreter with each of `runs` for arguments (each must
    succeed); what it printed, and which of the `watched` modules were then loaded."""
    code = (
        "import sys; from newsarchive.cli import cli\n"
        f"for args in {runs!r}:\n"
        "    try:\n"
        "        cli(args)\n"
        "    except SystemExit as exit:\n"
        "        assert not exit.code, (args, exit.code)\n"
        f"print(sorted(m for m in {watched!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [str(Path(newsarchive_executable()).parent / "python"), "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    printed = done.stdout.strip().splitlines()
    return "\n".join(printed[:-1]), ast.literal_eval(printed[-1])


def test_help_does_not_import_the_heavy_libraries() -> None:
    _, loaded = _loaded([["--help"]], ("sqlalchemy", "pydantic", "rich", "alembic"))
    assert loaded == []


def test_reading_commands_import_neither_pydantic_nor_the_orm(tmp_path: Path) -> None:
    """list, show and search (each with --json too) build plain records over Core: what
    keeps their start-up near the bare libraries' (issue 13). Ingest may import them."""
    db = tmp_path / "a.db"
    subprocess.run([newsarchive_executable(), "--db", db, "ingest", SEEDS], check=True)
    reads = [["list"], ["show", "1"], ["search", "the"]]
    runs = [["--db", str(db), "--no-pager", *r, *j] for r in reads for j in ([], ["--json"])]
    watched = ("pydantic", "sqlalchemy.orm", "newsarchive.text.parser", "newsarchive.model.models")
    printed, loaded = _loaded(runs, watched)
    assert '"headline"' in printed  # the commands ran and printed their articles
    assert loaded == []


SETPRIV = shutil.which("setpriv")


def _as_nobody(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    """Run newsarchive without root's power to ignore permissions."""
    assert SETPRIV is not None
    command = [SETPRIV, "--reuid=65534", "--regid=65534", "--clear-groups"]
    return subprocess.run(
        [*command, newsarchive_executable(), *map(str, args)], capture_output=True, check=False
    )


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder any user can enter (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="na-perm-"))
    folder.chmod(0o755)
    yield folder
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(folder)


@pytest.mark.skipif(SETPRIV is None, reason="needs setpriv to drop root")
@pytest.mark.parametrize("readonly", ["file", "folder"])
def test_a_read_only_archive_is_refused_for_writing_and_untouched(
    shared_tmp: Path, run_process: Run, readonly: str
) -> None:
    db = shared_tmp / "archive" / "a.db"
    db.parent.mkdir()
    db.parent.chmod(0o777)
    _tree(shared_tmp / "few", 20)
    for path in (shared_tmp / "few").rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    assert run_process("--db", db, "ingest", shared_tmp / "few").returncode == 0
    db.chmod(0o444)
    if readonly == "folder":
        db.parent.chmod(0o555)
    if _as_nobody("--version").returncode != 0:
        pytest.skip("the unprivileged user cannot run this checkout's newsarchive")
    before = db.read_bytes()
    for args in (("list",), ("ingest", SEEDS)):
        result = _as_nobody("--db", db, *args)
        err = result.stderr.decode()
        assert result.returncode in (0, 1), err
        assert "Traceback" not in err and "report" not in err
        if result.returncode == 1:
            assert err.startswith("Error: ") and err.count("\n") == 1, err
    assert result.returncode == 1  # ingest cannot write
    assert db.read_bytes() == before


def test_files_vanishing_mid_run_are_refused_and_the_rest_land(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "tree", 3000)
    db = tmp_path / "a.db"
    process = _start(db, tree)
    deadline = time.monotonic() + 120
    while not _stored_some(db) and time.monotonic() < deadline:  # the run is under way
        time.sleep(0.01)
    for path in sorted(tree.rglob("*.txt"))[1500:]:
        path.unlink()
    _out, err = process.communicate(timeout=300)
    assert process.returncode in (0, 3), err
    text = err.decode()
    assert "Traceback" not in text
    refused = [line for line in text.splitlines() if line.startswith("refused ")]
    assert all("cannot read" in line or "no such file" in line for line in refused)
    stored = _check(db)
    assert 1500 <= stored <= 3000
    assert text.strip().splitlines()[-1].endswith(f"refused {len(refused):,}.")


def test_a_file_name_that_is_not_utf8_is_stored_and_shown_escaped(
    tmp_path: Path, run_process: Run
) -> None:
    folder = tmp_path / "names"
    folder.mkdir()
    name = os.path.join(os.fsencode(folder), b"caf\xe9 news.txt")
    with open(name, "wb") as handle:
        handle.write(b"Cafe opens\n\nA new cafe opened on the square.\n")
    db = tmp_path / "a.db"
    result = run_process("--db", db, "ingest", folder)
    assert result.returncode == 0, result.stderr
    shown = run_process("--db", db, "show", "1", "--json")
    article = json.loads(shown.stdout)
    assert article["sources"] == [f"{folder}/caf\\xe9 news.txt"]
    assert [base64.b64decode(b) for b in article["sources_bytes"]] == [name]
    with open(name, "rb") as handle:
        assert run_process("--db", db, "show", "1", "--raw").stdout == handle.read()


@pytest.mark.skipif(SETPRIV is None, reason="needs setpriv to drop root")
def test_unreadable_files_are_refused_and_the_rest_land(shared_tmp: Path) -> None:
    tree = _tree(shared_tmp / "tree", 5)
    locked = sorted(tree.rglob("*.txt"))[2]
    for path in [shared_tmp, *tree.rglob("*")]:
        path.chmod(0o777 if path.is_dir() else 0o644)
    locked.chmod(0o000)
    if _as_nobody("--version").returncode != 0:
        pytest.skip("the unprivileged user cannot run this checkout's newsarchive")
    result = _as_nobody("--db", shared_tmp / "a.db", "ingest", tree, locked)
    assert result.returncode == 3, result.stderr
    lines = result.stderr.decode().splitlines()
    assert lines[:2] == [f"refused {locked}: cannot read: Permission denied"] * 2
    assert lines[-1] == "Read 6 files: added 4, already present 0, refused 2."
