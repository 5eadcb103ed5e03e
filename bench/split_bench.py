#!/usr/bin/env python3
"""What recognising news-database exports and non-article files costs ingest of
single-article files (issue 23: no more than 5 %), in CPU time, which a shared machine
disturbs far less than wall time.

    python bench/split_bench.py [--corpus /tmp/bench-corpus] [--count 4000] [--rounds 5]

1. Per file: `exports.split` (the export check) and `ingest.not_an_article` (JSON, PDF,
   images...) against the SHA-256 ingest computes anyway, best of 7 passes over the corpus.
2. Paired: `Ingester.run` in one process (jobs=0, so all work is in this process's CPU
   time) over the first COUNT files into a fresh archive, then again (a re-ingest), with
   the two checks and with them stubbed out (as before they existed), alternating; the
   minimum of each. Generates the corpus with bench/generate.py when missing. Not a test.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import ensure_corpus  # noqa: E402  (a sibling script)

from newsarchive.ops import ingest  # noqa: E402
from newsarchive.storage import config  # noqa: E402
from newsarchive.storage.archive import open_archive  # noqa: E402
from newsarchive.text import exports  # noqa: E402


def _per_file(datas: list[bytes], fn: Callable[[bytes], object]) -> float:
    best = float("inf")
    for _ in range(7):
        start = time.process_time()
        for data in datas:
            fn(data)
        best = min(best, time.process_time() - start)
    return best / len(datas) * 1e6


def _ingest(files: list[Path], stubbed: bool) -> tuple[float, float]:
    real_split, real_check = exports.split, ingest.not_an_article
    if stubbed:
        ingest.exports.split = lambda data, format="auto": None  # type: ignore[assignment]
        ingest.not_an_article = lambda data: None  # type: ignore[assignment]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            archive = open_archive(config.resolve(str(Path(tmp, "a.db")), Path(tmp)), create=True)
            start = time.process_time()
            ingest.Ingester(archive, jobs=0).run(files)
            first = time.process_time() - start
            start = time.process_time()
            ingest.Ingester(archive, jobs=0).run(files)
            again = time.process_time() - start
            archive.close()
    finally:
        ingest.exports.split, ingest.not_an_article = real_split, real_check
    return first, again


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/bench-corpus"))
    parser.add_argument("--count", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    ensure_corpus(args.corpus, args.count)
    files = sorted(p for p in args.corpus.rglob("*") if p.is_file())[: args.count]
    datas = [p.read_bytes() for p in files]
    print(f"{len(files):,} files, {statistics.mean(map(len, datas)):,.0f} bytes on average")
    sha = _per_file(datas, lambda d: hashlib.sha256(d).hexdigest())
    split = _per_file(datas, exports.split)
    check = _per_file(datas, ingest.not_an_article)
    print(f"per file, CPU: sha256 {sha:.1f} us, exports.split {split:.1f} us, ", end="")
    print(f"not_an_article {check:.1f} us")
    runs: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for _ in range(args.rounds):
        for stubbed in (False, True):
            runs[stubbed].append(_ingest(files, stubbed))
    for stubbed, name in ((False, "with the checks"), (True, "without them")):
        firsts = ", ".join(f"{a:.2f}" for a, _ in runs[stubbed])
        agains = ", ".join(f"{b:.2f}" for _, b in runs[stubbed])
        print(f"{name:16} ingest CPU s: {firsts}; re-ingest: {agains}")
    for i, what in ((0, "ingest"), (1, "re-ingest")):
        with_ = min(r[i] for r in runs[False])
        without = min(r[i] for r in runs[True])
        print(f"{what}: {with_:.2f} s / {without:.2f} s = {with_ / without:.3f} (minimums)")


if __name__ == "__main__":
    main()
