"""What only a PostgreSQL archive has to prove: connecting, sharing, roles, losing the server.

The behaviour every engine shares (ingest, list, show, search, verify, ...) is tested once
per engine by the other modules (see `archive_url` in conftest); here are the failures and
guarantees of a server: a refused connection, several ingesters on one database, a backend
killed by the server's administrator, a client killed outright, a read-only role.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import cast

import pytest

from .conftest import REPO, SEEDS, Run, newsarchive_executable
from .test_reliability import _tree

pytestmark = pytest.mark.slow


@pytest.fixture
def pg_url(postgres_database: str) -> Iterator[str]:
    """This module's database, emptied (every table, the search configuration)."""
    _sql(postgres_database, "DROP SCHEMA public CASCADE", "CREATE SCHEMA public")
    yield postgres_database


def _sql(url: str, *statements: str) -> list[tuple[object, ...]]:
    import psycopg

    rows: list[tuple[object, ...]] = []
    with psycopg.connect(url, autocommit=True) as connection:
        for statement in statements:
            cursor = connection.execute(statement)
            rows = cursor.fetchall() if cursor.description else []
    return rows


def _count(url: str, table: str = "articles") -> int:
    try:
        return cast(int, _sql(url, f"SELECT count(*) FROM {table}")[0][0])
    except Exception:  # the schema is not there yet
        return -1


def _start(url: str, *paths: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [newsarchive_executable(), "--db", url, "ingest", *map(str, paths)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait_for(reached: Callable[[], bool], process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while not reached():
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail("the ingest ended before the point where the fault was to land")
        time.sleep(0.02)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _tree(tmp_path_factory.mktemp("tree"), 3000)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://postgres:hunter2@127.0.0.1:1/x", "check the host and port"),
        ("postgresql://nobody:hunter2@127.0.0.1:5432/postgres", "check the user name"),
        ("postgresql://postgres:hunter2@127.0.0.1:5432/na_no_such_db", "create it first"),
    ],
)
def test_a_refused_connection_is_one_line_without_the_password(
    run: Run, postgres_server: str, url: str, expected: str
) -> None:
    result = run("--db", url, "list")
    err = result.stderr.decode()
    assert result.returncode == 1
    assert err.startswith("Error: cannot open the archive at postgresql://")
    assert expected in err and err.count("\n") == 1
    assert "hunter2" not in err and "Traceback" not in err
    assert "hunter2" not in run("--db", url, "db", "path").stdout.decode()


def test_a_database_holding_other_tables_is_refused_untouched(run: Run, pg_url: str) -> None:
    _sql(pg_url, "CREATE TABLE invoices (id integer)", "INSERT INTO invoices VALUES (7)")
    result = run("--db", pg_url, "ingest", SEEDS)
    assert result.returncode == 1
    assert "is a database but not a newsarchive archive" in result.stderr.decode()
    tables = _sql(pg_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    assert tables == [("invoices",)]


def test_alembic_check_is_clean_on_postgresql(pg_url: str) -> None:
    alembic = [sys.executable, "-m", "alembic", "-x", f"db={pg_url}"]
    upgraded = subprocess.run([*alembic, "upgrade", "head"], cwd=REPO, capture_output=True)
    assert upgraded.returncode == 0, upgraded.stderr
    checked = subprocess.run([*alembic, "check"], cwd=REPO, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "No new upgrade operations detected" in checked.stdout + checked.stderr


def test_several_ingesters_at_once_end_with_exact_counts(pg_url: str, tmp_path: Path) -> None:
    first = _tree(tmp_path / "first", 1500)
    second = _tree(tmp_path / "second", 1500, start=1000)  # 500 shared by content
    writers = [_start(pg_url, first), _start(pg_url, second), _start(pg_url, first)]
    for writer in writers:
        _out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
    assert _count(pg_url) == 2500
    assert _count(pg_url, "article_raw") == 2500
    assert _count(pg_url, "article_sources") == 3000  # every path once


def test_a_connection_killed_by_the_server_keeps_every_batch_and_a_rerun_completes(
    run: Run, pg_url: str, tree: Path
) -> None:
    process = _start(pg_url, tree)
    _wait_for(lambda: _count(pg_url) >= 1000, process)  # a batch committed, more under way
    _sql(
        pg_url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "  # this test's ingest only
        "WHERE application_name = 'newsarchive' AND datname = current_database() "
        "AND pid <> pg_backend_pid()",
    )
    _out, err = process.communicate(timeout=120)
    if process.returncode == 0:
        pytest.skip("the ingest finished before its connection was killed")
    message = err.decode()
    assert process.returncode == 1, message
    assert message.startswith("Error: lost the connection to the archive"), message
    assert message.count("\n") == 1 and "Traceback" not in message
    kept = _count(pg_url)
    assert kept >= 1000 and kept % 1000 == 0
    _rerun_completes(run, pg_url, tree, kept)


def test_a_client_killed_outright_keeps_every_batch_and_a_rerun_completes(
    run: Run, pg_url: str, tree: Path
) -> None:
    process = _start(pg_url, tree)
    _wait_for(lambda: _count(pg_url) >= 1000, process)
    process.send_signal(signal.SIGKILL)
    process.wait()
    kept = _count(pg_url)
    assert kept >= 1000 and kept % 1000 == 0
    _rerun_completes(run, pg_url, tree, kept)


def _rerun_completes(run: Run, url: str, tree: Path, kept: int) -> None:
    rerun = run("--db", url, "ingest", tree)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stderr.decode().endswith(
        f"added {3000 - kept:,}, already present {kept:,}, refused 0.\n"
    )
    assert _count(url) == _count(url, "article_raw") == 3000
    verify = run("--db", url, "verify")
    assert verify.returncode == 0, verify.stderr
    assert verify.stderr.decode().endswith("all whole and exact.\n")


def test_a_read_only_role_reads_and_is_refused_ingest_in_one_line(
    run: Run, pg_url: str, tmp_path: Path
) -> None:
    assert run("--db", pg_url, "ingest", SEEDS).returncode == 0
    database = pg_url.rsplit("/", 1)[1]
    _sql(
        pg_url,
        "DROP ROLE IF EXISTS na_reader",
        "CREATE ROLE na_reader LOGIN",
        f'GRANT CONNECT ON DATABASE "{database}" TO na_reader',
        "GRANT USAGE ON SCHEMA public TO na_reader",
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO na_reader",
    )
    try:
        reader = pg_url.replace("postgresql://postgres@", "postgresql://na_reader@")
        assert run("--db", reader, "list").returncode == 0
        assert b"Lavrov" in run("--db", reader, "show", "1").stdout
        assert run("--db", reader, "search", "lavrov", "--json").stdout.count(b'"id"') == 1
        (tmp_path / "new.txt").write_text("A new headline\n\nA new body.\n")
        refused = run("--db", reader, "ingest", tmp_path / "new.txt")
        err = refused.stderr.decode()
        assert refused.returncode == 1
        assert err.startswith("Error: role na_reader may not write the archive")
        assert err.count("\n") == 1
        assert _count(pg_url) == 1
    finally:
        _sql(
            pg_url,
            "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM na_reader",
            "REVOKE ALL ON SCHEMA public FROM na_reader",
            f'REVOKE ALL ON DATABASE "{database}" FROM na_reader',
            "DROP ROLE na_reader",
        )


def test_a_select_only_role_is_told_which_grants_ingest_needs(
    run: Run, pg_url: str, tmp_path: Path
) -> None:
    """Ingest as a role that may only SELECT said "make the file and its folder writable",
    words for an SQLite file. It names the privileges missing, and they are enough."""
    assert run("--db", pg_url, "ingest", SEEDS).returncode == 0
    database = pg_url.rsplit("/", 1)[1]
    role = f"na_select_{os.getpid()}"  # roles are the server's: one of this run's own
    grants = (
        f"GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}",
    )
    _sql(
        pg_url,
        f"DROP ROLE IF EXISTS {role}",
        f"CREATE ROLE {role} LOGIN",
        f'GRANT CONNECT ON DATABASE "{database}" TO {role}',
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}",
    )
    try:
        url = pg_url.replace("postgresql://postgres@", f"postgresql://{role}@")
        (tmp_path / "new.txt").write_text("A new headline\n\nA new body.\n")
        refused = run("--db", url, "ingest", tmp_path / "new.txt")
        err = refused.stderr.decode()
        assert refused.returncode == 1
        assert err.count("\n") == 1 and "writable" not in err
        assert err.startswith(
            f"Error: role {role} may not write the archive (permission denied for table "
        )
        assert f"'{grants[0]}' and '{grants[1]}'" in err
        assert err.endswith("or connect as the role that owns the tables\n")
        assert _count(pg_url) == 1
        deleted = run("--db", url, "delete", "1", "--yes")  # any write command says the same
        assert deleted.returncode == 1 and grants[0] in deleted.stderr.decode()
        _sql(pg_url, *grants)
        added = run("--db", url, "ingest", tmp_path / "new.txt")
        assert added.returncode == 0, added.stderr
        assert _count(pg_url) == 2
    finally:
        _sql(
            pg_url,
            f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role}",
            f"REVOKE ALL ON SCHEMA public FROM {role}",
            f'REVOKE ALL ON DATABASE "{database}" FROM {role}',
            f"DROP ROLE {role}",
        )


def test_verify_finds_raw_bytes_changed_behind_its_back(run: Run, pg_url: str) -> None:
    assert run("--db", pg_url, "ingest", SEEDS).returncode == 0
    _sql(pg_url, "UPDATE article_raw SET data = data || '\\x20'::bytea")
    result = run("--db", pg_url, "verify")
    assert result.returncode == 1
    assert "article 1: its raw bytes no longer match its SHA-256" in result.stderr.decode()
