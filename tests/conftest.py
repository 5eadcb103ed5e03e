"""Shared test set-up: every test gets its own archive, and nothing touches a real home."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
FIXTURES = Path(__file__).parent / "fixtures"
CORPORA = REPO.parent / "shared" / "corpora"


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


@pytest.fixture
def run() -> Run:
    """Run the real `newsarchive` in a subprocess; returns the completed process (bytes)."""

    def _run(
        *args: str | os.PathLike[str], cwd: Path | None = None, **env: str | None
    ) -> subprocess.CompletedProcess[bytes]:
        merged = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1", **env}
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
