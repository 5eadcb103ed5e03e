"""The linters, run by the same command as every other test. The type checker (mypy, a
slow whole-program check) is a step of its own in `.ci/run`, before the tests."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "src", "tests", "alembic", "bench"],
        ["ruff", "format", "--check", "src", "tests", "alembic", "bench"],
    ],
    ids=["ruff-check", "ruff-format"],
)
def test_tool_is_clean(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *command], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
