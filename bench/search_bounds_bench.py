#!/usr/bin/env python3
"""Search stays bounded whatever the query: the first page of every query, on an archive of
the generated corpus plus one 15 MB article of real text, in process and as a process.

    python bench/search_bounds_bench.py [--corpus /tmp/bench-100k] [--count 100000]
                                        [--db ARCHIVE] [--runs 5]

Ingests the corpus into a fresh archive (or uses --db, an archive of it already made, to
which the big article is added once), then adds one article of 15 MB: the BBC corpus's
texts (../shared/corpora/bbc) one after another until 15 MB, else the generated corpus's.
Then times, for each query below, `Store.search(limit=20)` in process (median of --runs)
and `newsarchive search QUERY --json` as a whole process (median of 3), and says how each
ended (hits, or the usage error a query past the limits gets). Issue 13 asks for every
first page under 1 s. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import ensure_corpus, newsarchive_command  # noqa: E402  (a sibling script)

BIG_BYTES = 15 * 2**20
BBC = HERE.parent.parent / "shared" / "corpora" / "bbc"
WORDS64 = " OR ".join(f"w{n}x" for n in range(63)) + " OR said"
QUERIES = {
    "the (in nearly every article, 100,000s of times in the big one)": "the",
    "said": "said",
    "a rare word": "zebra3",
    "a phrase of common words": '"of the"',
    "two common words": "the and",
    "NOT a common word": "minister NOT the",
    "64 terms OR'ed": WORDS64,
    "16 nested brackets": "(" * 15 + "the" + ")" * 15,
    "5,000 words (past the limit)": " ".join(["said"] * 5000),
    "300 nested brackets (past the limit)": "(" * 300 + "the" + ")" * 300,
}


def _big_article(folder: Path, corpus: Path) -> Path:
    texts = sorted(BBC.rglob("*.txt")) if BBC.is_dir() else sorted(corpus.rglob("*.txt"))
    parts: list[str] = ["A very long article of many stories", ""]
    size = 0
    while size < BIG_BYTES:
        for path in texts:
            text = path.read_text(encoding="utf-8", errors="replace")
            parts.append(text)
            size += len(text.encode())
            if size >= BIG_BYTES:
                break
    big = folder / "big" / "big.txt"
    big.parent.mkdir(parents=True, exist_ok=True)
    big.write_text("\n\n".join(parts), encoding="utf-8")
    return big


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/bench-100k"))
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    tool = newsarchive_command()
    with tempfile.TemporaryDirectory(prefix="na-bounds-") as tmp:
        db = args.db or Path(tmp, "archive.db")
        if args.db is None:
            ensure_corpus(args.corpus, args.count)
            subprocess.run([*tool, "--db", str(db), "ingest", str(args.corpus)], check=True)
        big = _big_article(Path(tmp), args.corpus)
        subprocess.run(
            [*tool, "--db", str(db), "ingest", "--max-size", str(2 * BIG_BYTES), str(big)],
            check=True,
        )
        print(f"archive: {db}; big article: {big.stat().st_size:,} bytes; runs: {args.runs}")
        print(f"{'query':62} {'in-process ms':>14} {'process ms':>11}  result")
        worst = 0.0
        for label, query in QUERIES.items():
            inside, outcome = _in_process(db, query, args.runs)
            whole = statistics.median(_process(tool, db, query) for _ in range(3))
            worst = max(worst, inside or 0.0, whole)
            shown = f"{inside:14.1f}" if inside is not None else f"{'-':>14}"
            print(f"{label:62} {shown} {whole:11.0f}  {outcome}")
        print(f"slowest first page: {worst:.0f} ms (aim: under 1,000)")
    return 0


def _in_process(db: Path, query: str, runs: int) -> tuple[float | None, str]:
    from newsarchive.storage import config
    from newsarchive.storage.archive import open_archive
    from newsarchive.text.query import QueryError, parse_query

    try:
        parsed = parse_query(query)
    except QueryError as exc:
        return None, f"usage error: {exc}"[:60]
    archive = open_archive(config.resolve(str(db), db.parent), create=False)
    timings = []
    try:
        for _ in range(runs):
            start = time.perf_counter()
            with archive.reading() as store:
                results = store.search(parsed, limit=20)
            timings.append((time.perf_counter() - start) * 1000)
    finally:
        archive.close()
    return statistics.median(timings), f"{len(results.hits)} hits of {results.total:,}"


def _process(tool: list[str], db: Path, query: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [*tool, "--db", str(db), "search", "--json", query],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return (time.perf_counter() - start) * 1000


if __name__ == "__main__":
    raise SystemExit(main())
