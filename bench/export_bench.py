#!/usr/bin/env python3
"""JSON Lines export speed of `newsarchive export` beside a floor, in one run.

    python bench/export_bench.py [--corpus /tmp/bench-30k] [--count 30000] [--runs 5]

Ingests the generated corpus into a fresh archive once (bench/generate.py makes it when
missing), then times, alternating: the floor, a bare sqlite3 loop that reads the same rows
(every column, the raw bytes, the source paths) and writes `json.dumps` of each, raw bytes
base64-encoded, one line each; and `newsarchive export -o FILE` as a whole process. Prints
medians, peak memory, and the ratio floor / newsarchive (the issue asks >= 0.7x). Not a
test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import ensure_corpus, newsarchive_command  # noqa: E402  (a sibling script)

FLOOR = textwrap.dedent(
    """
    import base64, json, sqlite3, sys
    db = sqlite3.connect(sys.argv[1])
    sources = {}
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        rows = db.execute(
            "SELECT a.*, r.data FROM articles a JOIN article_raw r ON r.article_id = a.id "
            "ORDER BY a.id"
        )
        names = [d[0] for d in rows.description]
        paths = db.execute(
            "SELECT article_id, path, first_seen FROM article_sources ORDER BY article_id, id"
        )
        pending = paths.fetchone()
        for row in rows:
            record = dict(zip(names, row))
            record["data"] = base64.b64encode(record["data"]).decode()
            fingerprint = record["fingerprint"]
            record["fingerprint"] = fingerprint and base64.b64encode(fingerprint).decode()
            found = []
            while pending is not None and pending[0] == record["id"]:
                found.append({"path": pending[1], "first_seen": pending[2]})
                pending = paths.fetchone()
            record["sources"] = found
            out.write(json.dumps(record, ensure_ascii=False) + "\\n")
    """
)


def _timed(command: list[str]) -> tuple[float, int | None]:
    time_tool = Path("/usr/bin/time")
    prefix = [str(time_tool), "-f", "maxrss=%M"] if time_tool.exists() else []
    start = time.perf_counter()
    done = subprocess.run(prefix + command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-2000:]}")
    rss = [int(x.removeprefix("maxrss=")) for x in done.stderr.split() if x.startswith("maxrss=")]
    return seconds, rss[0] if rss else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/bench-30k"))
    parser.add_argument("--count", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    ensure_corpus(args.corpus, args.count)
    tool = newsarchive_command()
    results: dict[str, list[tuple[float, int | None]]] = {"floor": [], "newsarchive": []}
    with tempfile.TemporaryDirectory(prefix="na-export-") as tmp:
        db, out = Path(tmp, "archive.db"), Path(tmp, "out.jsonl")
        subprocess.run([*tool, "--db", str(db), "ingest", str(args.corpus)], check=False)
        articles = subprocess.run(
            [*tool, "--db", str(db), "db", "path"], capture_output=True, check=True
        )
        assert articles.returncode == 0
        for _ in range(args.runs):
            floor = [sys.executable, "-c", FLOOR, str(db), str(out)]
            results["floor"].append(_timed(floor))
            floor_bytes = out.stat().st_size
            results["newsarchive"].append(
                _timed([*tool, "--db", str(db), "export", "-o", str(out)])
            )
            ours_bytes = out.stat().st_size
        lines = sum(1 for _ in out.open("rb"))
    print(f"archive: {lines:,} articles from {args.corpus}; runs: {args.runs}")
    print(f"{'':14} {'median s':>9} {'articles/s':>11} {'peak MiB':>9} {'MiB written':>12}   runs")
    for name, timings in results.items():
        seconds = [s for s, _ in timings]
        median = statistics.median(seconds)
        peak = max((r for _, r in timings if r is not None), default=None)
        written = (floor_bytes if name == "floor" else ours_bytes) / 2**20
        print(
            f"{name:14} {median:9.2f} {lines / median:11,.0f} "
            f"{peak / 1024 if peak else float('nan'):9.0f} {written:12,.0f}   "
            + ", ".join(f"{s:.2f}" for s in seconds)
        )
    ratio = statistics.median(s for s, _ in results["floor"]) / statistics.median(
        s for s, _ in results["newsarchive"]
    )
    print(f"throughput newsarchive / floor: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
