#!/usr/bin/env python3
"""Ingest throughput of `newsarchive ingest` beside the stdlib-sqlite3 floor, in one run.

    python bench/ingest_bench.py [--corpus /tmp/bench-corpus] [--count 100000] [--runs 3]
                                 [--before GIT_REV] [--without-versions]

Generates the corpus with bench/generate.py when the folder is missing or empty, warms the
page cache by reading every file once, then times, alternating so that neither side gets a
quieter machine: a fresh `bench/baseline.py` load without and with an FTS5 index (newsarchive
always keeps one), a fresh `newsarchive ingest`, and a re-ingest of the same tree into each
(nothing new to store). Each run is a whole process,
timed by wall clock, with peak memory from /usr/bin/time where it exists. Prints medians
and the ratio newsarchive / baseline. `--before REV` also times the newsarchive of an older
commit (its `src/`, exported with `git archive`, on this interpreter) in the same rounds: the
cost of a change measured against the code without it. `--without-versions` times this
code with no fingerprints, band rows or grouping (bench/no_versions/sitecustomize.py): the
cost of grouping versions alone. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import ensure_corpus, newsarchive_command, source_of  # noqa: E402  (a sibling script)

TIME = shutil.which("time") and Path("/usr/bin/time")


def _timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int | None]:
    """Wall seconds and peak resident memory (KiB, if /usr/bin/time is there) of a command."""
    prefix = [str(TIME), "-f", "maxrss=%M"] if TIME and TIME.exists() else []
    start = time.perf_counter()
    done = subprocess.run(prefix + command, capture_output=True, text=True, check=False, env=env)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 3):
        sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-2000:]}")
    rss = None
    for line in done.stderr.splitlines():
        if line.startswith("maxrss="):
            rss = int(line.removeprefix("maxrss="))
    return seconds, rss


def _files(corpus: Path) -> int:
    count = 0
    for _folder, _dirs, files in os.walk(corpus):
        count += len(files)
    return count


def _warm(corpus: Path) -> None:
    for folder, _dirs, files in os.walk(corpus):
        for name in files:
            with open(os.path.join(folder, name), "rb") as handle:
                handle.read()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/bench-corpus"))
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", metavar="GIT_REV", help="also time this older commit")
    parser.add_argument(
        "--without-versions",
        action="store_true",
        help="also time this code with no fingerprints and no grouping (bench/no_versions)",
    )
    args = parser.parse_args()

    ensure_corpus(args.corpus, args.count)
    files = _files(args.corpus)
    _warm(args.corpus)

    results: dict[str, list[tuple[float, int | None]]] = {}
    sizes: dict[str, int] = {}
    names = ["baseline", "baseline+fts", "newsarchive"]
    with tempfile.TemporaryDirectory(prefix="na-bench-") as tmp:
        before_env = no_versions_env = None
        if args.before:
            before_env = {**os.environ, "PYTHONPATH": source_of(args.before, Path(tmp, "before"))}
            names.append("before")
        if args.without_versions:
            shim = str(HERE / "no_versions")
            path = os.pathsep.join(filter(None, [shim, os.environ.get("PYTHONPATH")]))
            no_versions_env = {**os.environ, "PYTHONPATH": path}
            names.append("no versions")
        for run in range(args.runs):
            for name in names:
                db = Path(tmp, f"{name}-{run}.db")
                env = {"before": before_env, "no versions": no_versions_env}.get(name)
                if name == "before":
                    command = [sys.executable, "-m", "newsarchive", "--db", str(db), "ingest"]
                    command.append(str(args.corpus))
                elif name.startswith("baseline"):
                    command = [sys.executable, str(HERE / "baseline.py"), str(args.corpus), str(db)]
                    command += ["--fts"] if name.endswith("fts") else []
                else:
                    command = [*newsarchive_command(), "--db", str(db), "ingest", str(args.corpus)]
                results.setdefault(name, []).append(_timed(command, env))
                results.setdefault(f"{name} re-ingest", []).append(_timed(command, env))
                sizes[name] = sum(p.stat().st_size for p in Path(tmp).glob(f"{name}-{run}.db*"))
                for leftover in Path(tmp).glob(f"{name}-{run}.db*"):
                    leftover.unlink()

    python = sys.version.split()[0]
    print(f"corpus: {args.corpus} ({files:,} files); runs: {args.runs}; python {python}")
    print(f"{'':24} {'median s':>9} {'files/s':>9} {'peak MiB':>9}   runs (s)")
    for name, timings in results.items():
        seconds = [s for s, _ in timings]
        peaks = [r for _, r in timings if r is not None]
        median = statistics.median(seconds)
        peak = f"{max(peaks) / 1024:.0f}" if peaks else "-"
        runs = ", ".join(f"{s:.1f}" for s in seconds)
        print(f"{name:24} {median:9.2f} {files / median:9,.0f} {peak:>9}   {runs}")
    floors = ["baseline", "baseline+fts"] + [n for n in ("before", "no versions") if n in names]
    for floor_name in floors:
        for kind in ("", " re-ingest"):
            ours = statistics.median(s for s, _ in results[f"newsarchive{kind}"])
            floor = statistics.median(s for s, _ in results[f"{floor_name}{kind}"])
            print(f"throughput newsarchive{kind} / {floor_name}{kind}: {floor / ours:.2f}x")
    for name, size in sizes.items():
        print(f"archive size, {name}: {size / 2**20:,.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
