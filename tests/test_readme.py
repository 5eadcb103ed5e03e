"""The README's promises: its two set-up commands are what CI runs, and its session is real."""

from __future__ import annotations

import re
import shlex
import shutil
import tempfile
from pathlib import Path

import pytest

from .conftest import REPO, SEEDS, Run

README = (REPO / "README.md").read_text(encoding="utf-8")
DEMO_DIR = "/tmp/readme-demo"  # where the README's session was recorded
ELLIPSIS = re.compile(r"^\[… .* …\]$")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def test_first_screen_gives_two_setup_commands_that_ci_runs() -> None:
    commands = _blocks("sh")[0].strip().splitlines()
    assert len(commands) == 2
    install, tests = commands
    assert "pip install" in install and install.endswith("newsarchive ingest seeds/")
    assert tests == ".venv/bin/python -m pytest"
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert install in ci
    assert ci.rstrip().endswith(tests)
    assert README.index(install) < 1200  # on the first screen


def _session() -> list[tuple[list[str], list[str]]]:
    steps: list[tuple[list[str], list[str]]] = []
    for line in _blocks("console")[0].splitlines():
        if line.startswith("$ newsarchive "):
            steps.append((shlex.split(line)[2:], []))
        else:
            steps[-1][1].append(line)
    return steps


def test_the_session_shown_is_what_the_tool_prints(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As typed at a terminal (list and search print tab-separated lines into a pipe).
    monkeypatch.setattr("newsarchive.ui.terminal.stdout_is_terminal", lambda: True)
    # A short folder, as in the README, so that paths wrap the same way.
    tmp_path = Path(tempfile.mkdtemp(prefix="readme", dir="/tmp"))
    shutil.copytree(SEEDS, tmp_path / "seeds")
    steps = _session()
    assert [args[0] for args, _ in steps] == ["ingest", "list", "show", "list", "search"]
    for args, expected in steps:
        result = run(*args, cwd=tmp_path, COLUMNS="88")
        assert result.returncode == 0, args
        printed = (result.stdout + result.stderr).decode("utf-8").replace(str(tmp_path), DEMO_DIR)
        got = [line.rstrip() for line in printed.rstrip("\n").split("\n")]
        cut = next((i for i, line in enumerate(expected) if ELLIPSIS.match(line)), None)
        if cut is None:
            assert got == expected, args
        else:
            after = expected[cut + 1 :]
            assert got[:cut] == expected[:cut], args
            assert got[-len(after) :] == after, args
    shutil.rmtree(tmp_path)
