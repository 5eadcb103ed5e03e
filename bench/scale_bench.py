#!/usr/bin/env python3
"""newsarchive at scale: generate N articles (a million by default), ingest them, time reads.

    python bench/scale_bench.py [--count 1000000] [--corpus /tmp/corpus-1m] [--db /tmp/scale.db]

Not a test and not run in CI (a million files take minutes to write and to ingest). Prints:
ingest wall time, articles/s and peak memory (of the main process, from /usr/bin/time; the
worker processes hold one batch each), the archive's size, and medians of `list`,
`list --since`, `show`, `search` (rare and very common term) as whole processes and as
in-process calls, so start-up cost and query cost can be told apart.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import ensure_corpus, median_ms, newsarchive_command  # noqa: E402  (siblings)
from search_bench import pick_terms  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/corpus-1m"))
    parser.add_argument("--db", type=Path, default=Path("/tmp/scale.db"))
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    tool = newsarchive_command()
    if (seconds := ensure_corpus(args.corpus, args.count)) is not None:
        print(f"generated {args.count:,} files in {seconds:.0f} s")
    if not args.db.exists():
        start = time.perf_counter()
        done = subprocess.run(
            [
                "/usr/bin/time",
                "-f",
                "maxrss=%M",
                *tool,
                "--db",
                str(args.db),
                "ingest",
                str(args.corpus),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - start
        rss = next(
            (int(line[7:]) for line in done.stderr.splitlines() if line.startswith("maxrss=")), 0
        )
        summary = [line for line in done.stderr.splitlines() if line.startswith("Read ")]
        print(
            f"ingest: exit {done.returncode}, {seconds:.0f} s, {args.count / seconds:,.0f} files/s"
        )
        print(f"  {summary[0] if summary else done.stderr[-500:]}")
        print(f"  peak memory of the main process: {rss / 1024:.0f} MiB")
    size = sum(p.stat().st_size for p in args.db.parent.glob(args.db.name + "*"))
    print(f"archive: {size / 2**30:.2f} GiB")

    from newsarchive.storage import config
    from newsarchive.storage.archive import open_archive
    from newsarchive.storage.store import Store
    from newsarchive.text.query import parse_query

    total, terms = pick_terms(args.db)
    rare, common = terms[0][1], terms[2][1]
    archive = open_archive(config.resolve(str(args.db), Path(".")), create=False)
    middle = total // 2
    since = "2021-01"

    def in_process(call: Callable[[Store], object]) -> Callable[[], object]:
        def action() -> object:
            with archive.reading() as store:
                return call(store)

        return action

    import datetime as dt

    checks: list[tuple[str, list[str], Callable[[], object]]] = [
        (
            "list --limit 20",
            ["list", "--limit", "20"],
            in_process(lambda s: list(s.list(limit=20).articles)),
        ),
        (
            f"list --since {since} --limit 20",
            ["list", "--since", since, "--limit", "20"],
            in_process(lambda s: list(s.list(since=dt.date(2021, 1, 1), limit=20).articles)),
        ),
        (f"show {middle}", ["show", str(middle)], in_process(lambda s: s.get(middle))),
        (
            f"search {rare!r} (rare)",
            ["search", rare],
            in_process(lambda s: s.search(parse_query(rare))),
        ),
        (
            f"search {common!r} (very common)",
            ["search", common],
            in_process(lambda s: s.search(parse_query(common))),
        ),
    ]
    print(f"reads on {total:,} articles, medians of {args.runs} runs:")
    print(f"  {'':36} {'process ms':>11} {'in-process ms':>14}")
    for label, argv, call in checks:
        command = [*tool, "--db", str(args.db), *argv]
        process_ms = median_ms(lambda c=command: subprocess.run(c, capture_output=True), args.runs)
        print(f"  {label:36} {process_ms:11.0f} {median_ms(call, args.runs):14.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
