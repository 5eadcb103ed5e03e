"""Shell completion (click's), as the README tells bash and zsh users to set it up, run in
the real shells against the installed `newsarchive`."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import newsarchive_executable


def _shell(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is missing; .ci/run installs it for the completion tests")
        pytest.skip(f"{name} is not installed here (CI installs it)")
    return found


def _run(shell: str, script: str, tmp_path: Path) -> str:
    bin_dir = str(Path(newsarchive_executable()).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    done = subprocess.run(
        [shell, *(["-f"] if shell.endswith("zsh") else []), "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_bash_completes_commands_and_choices(tmp_path: Path) -> None:
    bash = _shell("bash")
    setup = 'eval "$(_NEWSARCHIVE_COMPLETE=bash_source newsarchive)"; '
    complete = '_newsarchive_completion newsarchive; echo "${COMPREPLY[@]}"'
    commands = _run(
        bash, setup + "COMP_WORDS=(newsarchive li); COMP_CWORD=1; " + complete, tmp_path
    )
    assert commands.split() == ["list"]
    formats = _run(
        bash,
        setup + "COMP_WORDS=(newsarchive export --format ''); COMP_CWORD=3; " + complete,
        tmp_path,
    )
    assert formats.split() == ["jsonl", "csv", "markdown"]


def test_zsh_completes_commands_and_choices(tmp_path: Path) -> None:
    zsh = _shell("zsh")
    # zsh's completion system is interactive: its builtins that the script calls print
    # what they were given instead.
    setup = (
        "compdef() { : }\n"
        '_describe() { print -rl -- "${(@P)${@[3]}}" }\n'
        'compadd() { print -rl -- "${(@P)${@[-1]}}" }\n'
        'eval "$(_NEWSARCHIVE_COMPLETE=zsh_source newsarchive)"\n'
    )
    commands = _run(
        zsh, setup + "words=(newsarchive sh); CURRENT=2; _newsarchive_completion", tmp_path
    )
    assert [c.split(":")[0] for c in commands.splitlines()] == ["show"]
    formats = _run(
        zsh,
        setup + 'words=(newsarchive list --format ""); CURRENT=4; _newsarchive_completion',
        tmp_path,
    )
    assert formats.splitlines() == ["table", "tsv", "json"]
