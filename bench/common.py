"""What the benchmark scripts share: finding the tool, making the corpus, timing calls."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
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
