"""Shared test set-up: every test gets its own archive, and nothing touches a real home."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
FIXTURES = Path(__file__).parent / "fixtures"
CORPORA = REPO.parent / "shared" / "corpora"
# The PostgreSQL server tests use, as a URL to a database the tests may create others from.
POSTGRES_ENV = "NEWSARCHIVE_TEST_POSTGRES"
POSTGRES_DEFAULT = "postgresql://postgres@127.0.0.1:5432/postgres"
ENGINES = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests that take `archive_url` run once per engine, but those marked sqlite_only."""
    if "archive_url" in metafunc.fixturenames:
        only = metafunc.definition.get_closest_marker("sqlite_only")
        metafunc.parametrize("archive_url", ["sqlite"] if only else ENGINES, indirect=True)


@pytest.fixture(autouse=True)
def archive_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """NEWSARCHIVE_DB points into this test's tmp_path; HOME too, so no default leaks out."""
    path = tmp_path / "archive.db"
    monkeypatch.setenv("NEWSARCHIVE_DB", str(path))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / ".local" / "share"))
    monkeypatch.delenv("NEWSARCHIVE_DEBUG", raising=False)
    return path


def newsarchive_executable() -> str:
    """The installed console script beside this interpreter, as a user would run it."""
    beside = Path(sys.executable).parent / "newsarchive"
    found = str(beside) if beside.exists() else shutil.which("newsarchive")
    if found is None:
        pytest.fail("the newsarchive command is not installed; run pip install -e '.[dev]'")
    return found


Run = Callable[..., subprocess.CompletedProcess[bytes]]
# What every command sees of its terminal in tests: 100 columns, no colour.
TEST_ENV = {"COLUMNS": "100", "NO_COLOR": "1"}


@pytest.fixture
def run() -> Run:
    """Run `newsarchive` in this process with click's CliRunner, as a user would type it;
    returns what a subprocess would (exit status, stdout and stderr as bytes). Env values
    given as None are unset."""
    from click.testing import CliRunner

    from newsarchive.cli import cli

    def _run(
        *args: str | os.PathLike[str], cwd: Path | None = None, **env: str | None
    ) -> subprocess.CompletedProcess[bytes]:
        runner = CliRunner()
        with contextlib.chdir(cwd) if cwd else contextlib.nullcontext():
            result = runner.invoke(
                cli,
                [os.fspath(a) for a in args],
                env={**TEST_ENV, **env},
                prog_name="newsarchive",
                catch_exceptions=False,
            )
        return subprocess.CompletedProcess(
            args, result.exit_code, result.stdout_bytes, result.stderr_bytes
        )

    return _run


@pytest.fixture
def run_process() -> Run:
    """Run the real `newsarchive` in a subprocess, for the few tests of the entry point
    itself (signals, exit codes at the process level, the installed script)."""

    def _run(
        *args: str | os.PathLike[str], cwd: Path | None = None, **env: str | None
    ) -> subprocess.CompletedProcess[bytes]:
        merged = {**os.environ, **TEST_ENV, **env}
        return subprocess.run(
            [newsarchive_executable(), *map(str, args)],
            capture_output=True,
            cwd=cwd,
            env={k: v for k, v in merged.items() if v is not None},  # None: unset it
            timeout=600,
            check=False,
        )

    return _run


@pytest.fixture
def corpora() -> Path:
    if not CORPORA.is_dir():
        pytest.skip("../shared/corpora is absent (only developers' machines and CI have it)")
    return CORPORA


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The server's admin URL. Without a server the test skips, saying why; in CI
    (CI=true) it fails instead, so PostgreSQL tests can never pass by not running."""
    url = os.environ.get(POSTGRES_ENV, POSTGRES_DEFAULT)
    try:
        import psycopg
    except ImportError:
        reason = "psycopg is not installed (pip install -e '.[dev]' installs it)"
    else:
        try:
            psycopg.connect(url, connect_timeout=3).close()
            return url
        except psycopg.Error as exc:
            reason = f"no PostgreSQL server at {url} ({str(exc).strip().splitlines()[0]})"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI runs the PostgreSQL tests and cannot: {reason}")
    pytest.skip(f"{reason}; set {POSTGRES_ENV} to a server's URL to run these tests")


@pytest.fixture(scope="module")
def postgres_database(postgres_server: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A database of its own for this test module, dropped after it."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"na_test_{request.module.__name__.rsplit('.', 1)[-1]}_{os.getpid()}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(postgres_server).set(database=name)
    yield url.render_as_string(hide_password=False)
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def archive_url(
    request: pytest.FixtureRequest, archive_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """Where this test's empty archive is, on the engine of this run of the test (see
    pytest_generate_tests); NEWSARCHIVE_DB points there, so the CLI uses it too."""
    if request.param == "sqlite":
        return str(archive_path)
    url: str = request.getfixturevalue("postgres_database")
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:  # as new, between tests
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")
    monkeypatch.setenv("NEWSARCHIVE_DB", url)
    return url
