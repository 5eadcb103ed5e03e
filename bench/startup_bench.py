#!/usr/bin/env python3
"""Whole-process time of the read commands beside the libraries' own import time, paired.

    python bench/startup_bench.py [--db ARCHIVE] [--runs 21] [--word ukraine]

Each round runs, one after the other: the baseline `python -c "import click, sqlalchemy,
rich.console"`, the same ending with `gc.freeze()` as newsarchive ends (the stricter
baseline), then `newsarchive --help`, `list --limit 20`, `show ID` (the newest article) and
`search WORD`, each as its own process, output to /dev/null. Rounds alternate the order so
that noise from the rest of the machine falls on all of them. Prints medians and each
command's ratio to each baseline's median (issue 13 asks <= 1.3x, and --help under 0.1 s).
Without --db, an archive of the bundled seeds/ is made in a temporary folder.
Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import newsarchive_command  # noqa: E402  (a sibling script)

# Compiled modules are kept as an installed package keeps them (pip compiles a wheel's
# modules; an editable install's are compiled on first use): unless they may be written,
# every run would compile newsarchive from source again.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _seconds(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr.decode()}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--word", default="ukraine")
    args = parser.parse_args()
    tool = newsarchive_command()
    with tempfile.TemporaryDirectory(prefix="na-startup-") as tmp:
        db = args.db or Path(tmp, "seeds.db")
        if args.db is None:
            seeds = HERE.parent / "seeds"
            subprocess.run([*tool, "--db", str(db), "ingest", str(seeds)], check=True)
        newest = subprocess.run(
            [*tool, "--db", str(db), "list", "--limit", "1", "--format", "tsv"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\t")[0]
        commands = {
            "baseline imports": [sys.executable, "-c", "import click, sqlalchemy, rich.console"],
            # The same, ending as newsarchive ends (gc.freeze at exit, see cli.main): the
            # stricter comparison, without the collector's walk at exit that it skips.
            "baseline, frozen": [
                sys.executable,
                "-c",
                "import gc, click, sqlalchemy, rich.console; gc.freeze()",
            ],
            "--help": [*tool, "--help"],
            "list --limit 20": [*tool, "--db", str(db), "list", "--limit", "20"],
            f"show {newest}": [*tool, "--db", str(db), "show", newest],
            f"search {args.word}": [*tool, "--db", str(db), "search", args.word],
        }
        for command in commands.values():  # warm the file cache and .pyc files
            _seconds(command)
        timings: dict[str, list[float]] = {name: [] for name in commands}
        for round_ in range(args.runs):
            names = list(commands)
            for name in names if round_ % 2 == 0 else reversed(names):
                timings[name].append(_seconds(commands[name]))
    baseline = statistics.median(timings["baseline imports"])
    print(f"{args.runs} paired rounds; archive: {args.db or 'seeds/'}")
    frozen = statistics.median(timings["baseline, frozen"])
    print(f"{'':20} {'median ms':>10} {'x baseline':>11} {'x frozen':>9}")
    for name, seconds in timings.items():
        median = statistics.median(seconds)
        print(f"{name:20} {median * 1000:10.0f} {median / baseline:11.2f} {median / frozen:9.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
