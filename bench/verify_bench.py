#!/usr/bin/env python3
"""`newsarchive verify` against `newsarchive ingest` of the same N articles (issue 25: a
verify of N articles takes no longer than an ingest of them): whole processes,
alternating, wall time and CPU time, medians, and the ratio verify / ingest.

    python bench/verify_bench.py [--count 20000] [--runs 3] [--corpus DIR] [--before GIT_REV]

The articles are bench/generate.py's (made when DIR, by default /tmp/bench-verify-N, is
empty). Each round times an ingest of them into a new archive, then a verify of an
archive that ingest made once before the rounds (the order turns each round, so neither
side always gets the quieter moment). `--before REV` also times both with an older
commit's source (PYTHONPATH; its verify checks an archive its own ingest made), in the
same rounds.

CPU is user + sys of the whole process tree: ingest's and verify's parsing workers are
forked from a fork server, and neither they nor the server are waited for by the process
itself, so its own resource usage leaves them out (a third of the work). This script makes
itself their subreaper (prctl PR_SET_CHILD_SUBREAPER): what is orphaned comes to it, it
waits for all of it, and RUSAGE_CHILDREN counts every process of the run.
Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import (  # noqa: E402  (a sibling script)
    become_subreaper,
    ensure_corpus,
    newsarchive_command,
    run_tree,
    source_of,
)


def _run(args: list[str], db: Path, source: str | None) -> tuple[float, float]:
    """Wall seconds (until the command's process ends) and CPU seconds of every process it
    started (waited for here, see the module's docstring)."""
    env = {**os.environ, "NEWSARCHIVE_DB": str(db)}
    if source is not None:
        env["PYTHONPATH"] = source
    run = run_tree([*_command(source), *args], env)
    return run.seconds, run.cpu


def _command(source: str | None) -> list[str]:
    # With another source on PYTHONPATH, `-m` (an installed script may import its own).
    return [sys.executable, "-m", "newsarchive"] if source else newsarchive_command()


def _fresh(db: Path) -> None:
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--before", metavar="GIT_REV", help="also time this older commit")
    args = parser.parse_args()
    corpus = args.corpus or Path(f"/tmp/bench-verify-{args.count}")
    ensure_corpus(corpus, args.count)
    files = sum(len(names) for _, _, names in os.walk(corpus))
    if not become_subreaper():
        print("(not a subreaper: CPU leaves out the workers)", file=sys.stderr)
    work = Path(tempfile.mkdtemp(prefix="verify-bench-"))
    sources: dict[str, str | None] = {"": None}
    if args.before:
        sources[f" @{args.before}"] = source_of(args.before, work / "before")
    kept: dict[str, Path] = {}
    for label, source in sources.items():  # the archives verified, made once
        kept[label] = work / f"kept{len(kept)}.db"
        _run(["ingest", str(corpus)], kept[label], source)
    names = [f"{way}{label}" for label in sources for way in ("ingest", "verify")]
    walls: dict[str, list[float]] = {name: [] for name in names}
    cpus: dict[str, list[float]] = {name: [] for name in names}
    print(f"{corpus} ({files:,} files), {args.runs} alternating rounds", flush=True)
    for run in range(args.runs):
        for name in names if run % 2 == 0 else names[::-1]:
            way, label = name[:6], name[6:]
            if way == "ingest":
                db = work / "fresh.db"
                _fresh(db)
                wall, cpu = _run(["ingest", str(corpus)], db, sources[label])
                _fresh(db)
            else:
                wall, cpu = _run(["verify"], kept[label], sources[label])
            walls[name].append(wall)
            cpus[name].append(cpu)
    print(f"{'':24} {'wall s':>8} {'CPU s':>8}   runs (wall s / CPU s)")
    for name in names:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        each = ", ".join(f"{w:.1f}/{c:.1f}" for w, c in zip(walls[name], cpus[name], strict=True))
        print(f"{name:24} {wall:8.2f} {cpu:8.2f}   {each}")
    median = statistics.median
    for label in sources:
        wall = median(walls[f"verify{label}"]) / median(walls[f"ingest{label}"])
        cpu = median(cpus[f"verify{label}"]) / median(cpus[f"ingest{label}"])
        print(f"verify / ingest{label}: wall {wall:.2f}x, CPU {cpu:.2f}x (at most 1.00x: the aim)")
    shutil.rmtree(work)  # the archives and an older commit's source
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
