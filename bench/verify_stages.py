#!/usr/bin/env python3
"""CPU of each stage of `newsarchive verify`, an article at a time: the real functions of
ops/verify.py (and what they call) timed in one thread, in the order verify runs them, on
an archive that exists (NEWSARCHIVE_DB, or --db).

    NEWSARCHIVE_DB=ARCHIVE python bench/verify_stages.py [--db ARCHIVE]

Stages: the archive's own checks (SQLite's integrity_check and foreign_key_check, FTS5's
integrity-check), reading the articles and their stored look-ups, pickling a chunk for a
worker and unpickling it there, checking the chunk (_check_all: with, below it, the
re-parse's decode and parse, the fingerprints, the look-ups made from the stored columns,
the digests and the columns' comparison), then the exports, versions and folders' checks.
Run with another checkout's src/ on PYTHONPATH to time that one (an older verify that sends
records and Lookups is timed as it was). Thread time, so other work on the machine weighs
less than on the wall clock, though it still does (caches). Not a test.
"""

from __future__ import annotations

import argparse
import collections
import gc
import os
import pickle
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newsarchive.ops import verify, workers
from newsarchive.ops.folder_deks import unsettled
from newsarchive.storage.archive import open_archive
from newsarchive.storage.config import resolve
from newsarchive.text import fingerprint

STAGES: collections.Counter[str] = collections.Counter()
WITHIN: collections.Counter[str] = collections.Counter()


class _Clock:
    def __init__(self) -> None:
        self.last = time.thread_time()

    def tick(self, stage: str) -> None:
        now = time.thread_time()
        STAGES[stage] += now - self.last
        self.last = now


def _timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            WITHIN[name] += time.thread_time() - start

    return timed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=os.environ.get("NEWSARCHIVE_DB"))
    args = parser.parse_args()
    if not args.db:
        raise SystemExit("give --db ARCHIVE or set NEWSARCHIVE_DB")
    archive = open_archive(resolve(args.db, Path.cwd()), create=False)
    fingerprint.story_fingerprints = _timed("fingerprints", fingerprint.story_fingerprints)
    workers._file_values = _timed("decode, parse, row", workers._file_values)
    verify.lookups = _timed("look-ups from the stored columns", verify.lookups)
    verify._digest = _timed("digests", verify._digest)
    verify.changed_columns = _timed("columns compared", verify.changed_columns)
    if "gc.freeze()" in Path(verify.__file__).read_text():  # as the walk itself does
        gc.freeze()
        gc.set_threshold(gc.get_threshold()[0] * 10, *gc.get_threshold()[1:])
    clock = _Clock()
    with archive.reading(lean=True) as store:
        store.checks.missing_parts()
        store.checks.largest_raw()
        clock.tick("articles missing a part, the largest article")
    with archive.reading(lean=True) as store:
        connection = store.checks._connection
        connection.exec_driver_sql("PRAGMA integrity_check").fetchall()
        clock.tick("SQLite integrity_check")
        connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        clock.tick("SQLite foreign_key_check")
        store.checks._backend.index.problems(connection, store.checks._count())
        clock.tick("FTS5 integrity-check and count")
    articles = 0
    with archive.reading(snapshot=True, lean=True) as store:
        walk = verify._LookupsWalk(store.lookups.in_order())
        clock.tick("reading: stored look-ups walked")
        after = 0
        while batch := store.records.batch(after=after, limit=verify.BATCH_SIZE):
            clock.tick("reading: records a batch at a time")
            after = batch[-1].id
            stored = walk.up_to([record.id for record in batch])
            clock.tick("reading: stored look-ups walked")
            if hasattr(verify, "_sent"):
                work: list[Any] = [verify._sent(r, stored[r.id]) for r in batch]
            else:
                work = [(r, stored[r.id]) for r in batch]
            size = verify._CHUNK
            sent = [pickle.dumps(work[i : i + size], -1) for i in range(0, len(work), size)]
            clock.tick("sending to the workers: pickle (main)")
            chunks = [pickle.loads(chunk) for chunk in sent]
            clock.tick("receiving: unpickle (worker)")
            for chunk in chunks:
                verify._check_all(chunk)
                articles += len(chunk)
            clock.tick("checking (_check_all)")
    del walk
    clock = _Clock()
    list(verify._check_exports(archive, verify.VerifyReport()))
    list(verify._check_versions(archive))
    unsettled(archive)
    clock.tick("exports, versions, folders' verdicts")
    archive.close()
    total = sum(STAGES.values())
    print(f"{articles:,} articles: CPU by stage (thread time, one process)")
    print(f"{'stage':46} {'µs an article':>14} {'s':>7}")
    for stage, seconds in STAGES.items():
        print(f"{stage:46} {seconds / articles * 1e6:14.0f} {seconds:7.2f}")
        if stage == "checking (_check_all)":
            for name, within in WITHIN.items():
                print(f"{'  of which ' + name:46} {within / articles * 1e6:14.0f} {within:7.2f}")
    print(f"{'total':46} {total / articles * 1e6:14.0f} {total:7.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
