"""What the benchmark scripts share: finding the tool, making the corpus, timing calls."""

from __future__ import annotations

import ctypes
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


def newsarchive_command() -> list[str]:
    """The newsarchive installed beside this interpreter (so a wheel's venv times itself)."""
    beside = Path(sys.executable).parent / "newsarchive"
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "newsarchive"]


def ensure_corpus(corpus: Path, count: int) -> float | None:
    """Generate `count` articles into `corpus` unless it holds files; seconds it took."""
    if corpus.is_dir() and any(corpus.iterdir()):
        return None
    start = time.perf_counter()
    command = [sys.executable, str(HERE / "generate.py"), str(corpus), "--count", str(count)]
    subprocess.run(command, check=True)
    return time.perf_counter() - start


def median_ms(action: Callable[[], object], runs: int) -> float:
    """Median wall time of `runs` calls, after one call to warm caches."""
    action()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def paired_medians_ms(actions: list[Callable[[], object]], runs: int) -> list[float]:
    """Median wall time of each action, the actions called in turn `runs` times over (after
    one warming round), so that noise from the rest of the machine falls on all of them."""
    for action in actions:
        action()
    timings: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for action, times in zip(actions, timings, strict=True):
            start = time.perf_counter()
            action()
            times.append((time.perf_counter() - start) * 1000)
    return [statistics.median(times) for times in timings]


def source_of(revision: str, where: Path) -> str:
    """The `src/` of an older commit, for PYTHONPATH (its alembic/ comes with it)."""
    where.mkdir()
    tree = subprocess.run(
        ["git", "-C", str(HERE.parent), "archive", revision], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(where)], input=tree.stdout, check=True)
    return str(where / "src")


_PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    """Make this process the subreaper of what it starts (Linux): ingest's and verify's
    parsing workers come from a fork server that the command never waits for, so its own
    resource usage (and /usr/bin/time's) leaves them out; orphaned, they come to this
    process, which waits for them (run_tree), and RUSAGE_CHILDREN counts them."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):  # not on Linux
        return False


@dataclass(frozen=True)
class Run:
    seconds: float  # wall, until the command's own process ends
    cpu: float  # user + sys of every process of the run (with become_subreaper)
    peak_mib: int  # the largest resident set of the command's own process


def run_tree(command: list[str], env: dict[str, str] | None, ok: tuple[int, ...] = (0,)) -> Run:
    """Run `command` to its end, and every process it left (the fork server, its workers);
    an exit status not in `ok` ends the bench with its error."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    assert process.stderr is not None
    err = process.stderr.read().decode()
    process.stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)  # (Popen's own wait: done)
    while True:  # the orphans: the fork server and anything it left
        try:
            os.wait()
        except ChildProcessError:
            break
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode not in ok:
        raise SystemExit(f"{' '.join(command)} failed: {err[-2000:]}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return Run(seconds, cpu, usage.ru_maxrss // 1024)  # KiB on Linux
