#!/usr/bin/env python3
"""What parsing costs an article, in CPU time, against another version of the parser.

    python bench/parse_cost.py [--corpora ../shared/corpora] [--rounds 7]
                               [--against SRC] [--pairs 5] [--instructions N]

Parses every article of the BBC corpus and of `structured/` (decoded once, beforehand) as
ingest's workers do (`parse_fields`, with a day to infer dates by), `--rounds` times, and
prints the best round's CPU microseconds an article. With `--against SRC` (a `src/` folder
of another checkout: `git worktree add --detach /tmp/base REV`), it runs itself and the
other version in turn in fresh processes, `--pairs` times, alternating, and prints both
medians and their ratio: CPU time, which a shared machine disturbs far less than wall time.
`--instructions N` counts instead the instructions parsing N articles takes (spread over
the corpora)
(valgrind's callgrind, a run of N less a run of none: imports and reading left out), which
no load disturbs at all.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def texts(corpora: Path) -> list[tuple[str, str]]:
    from newsarchive.text.decode import decode

    paths = sorted((corpora / "bbc").rglob("*.txt")) + sorted(
        (corpora / "structured").glob("*/*.txt")
    )
    return [(decode(p.read_bytes()).text, p.name) for p in paths]


def measure(corpora: Path, rounds: int, count: int | None = None) -> dict[str, float]:
    from newsarchive.model.errors import NewsArchiveError
    from newsarchive.text.parser import parse_fields

    articles = texts(corpora)
    if count is not None:  # spread over the corpora, not the first folder's
        articles = articles[:: max(1, len(articles) // max(count, 1))][:count]
    if not articles:
        return {"articles": 0, "us_per_article": 0.0}
    today = dt.date(2026, 1, 1)
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for text, name in articles:
            with contextlib.suppress(NewsArchiveError):  # a refusal costs what it costs
                parse_fields(text, source=name, not_after=today)
        best = min(best, time.process_time() - start)
    return {"articles": len(articles), "us_per_article": best / len(articles) * 1e6}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--against", type=Path, help="another checkout's src/ folder")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--instructions", type=int, metavar="N")
    parser.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.instructions is not None:
        versions = {"this": ROOT / "src"}
        if args.against:
            versions["against"] = args.against
        per = {}
        for which, src in versions.items():
            full, none = (_instructions(src, args.corpora, n) for n in (args.instructions, 0))
            per[which] = (full - none) / args.instructions
            print(f"{which:8s} {per[which] / 1000:8.1f}k instructions an article")
        if args.against:
            print(f"ratio {per['this'] / per['against']:.3f} (this / against)")
        return 0
    if args.once or args.against is None:
        figures = measure(args.corpora, args.rounds, args.count)
        print(json.dumps(figures) if args.once else f"{figures['us_per_article']:.1f} us")
        return 0
    runs: dict[str, list[float]] = {"this": [], "against": []}
    for _ in range(args.pairs):
        for which, src in (("this", ROOT / "src"), ("against", args.against)):
            env = {**os.environ, "PYTHONPATH": str(src.resolve()), "PYTHONHASHSEED": "0"}
            command = [sys.executable, __file__, "--once", "--corpora", str(args.corpora)]
            command += ["--rounds", str(args.rounds)]
            out = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
            runs[which].append(json.loads(out.stdout)["us_per_article"])
    this, other = statistics.median(runs["this"]), statistics.median(runs["against"])
    print(f"this    {this:7.1f} us an article  runs {[round(r) for r in runs['this']]}")
    print(f"against {other:7.1f} us an article  runs {[round(r) for r in runs['against']]}")
    print(f"ratio {this / other:.3f} (this / against)")
    return 0


def _instructions(src: Path, corpora: Path, count: int) -> int:
    """Instructions a process parsing the first `count` articles once takes (callgrind)."""
    env = {**os.environ, "PYTHONPATH": str(src.resolve()), "PYTHONHASHSEED": "0"}
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    command += [sys.executable, __file__, "--once", "--rounds", "1", "--count", str(count)]
    command += ["--corpora", str(corpora)]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    collected = re.search(r"Collected : (\d+)", out.stderr)
    if collected is None:
        raise SystemExit(f"no instruction count from valgrind: {out.stderr[-500:]}")
    return int(collected[1])


if __name__ == "__main__":
    raise SystemExit(main())
