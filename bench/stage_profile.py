#!/usr/bin/env python3
"""CPU per article of each stage of newsarchive's ingest pipeline, in one process.

    python bench/stage_profile.py CORPUS [--json OUT]

Runs the real `Ingester` with `jobs=0` (everything in this process) over CORPUS into a new
archive, with the pipeline's own functions wrapped so that each adds its CPU time
(`time.process_time`, exclusive of the stages it calls) to its stage. What crosses the pipe
between parsing workers and the writer is pickled and unpickled here too (the `pickling`
stage), so the table holds what a default run pays in all its processes. Whatever newsarchive
is first on the path is profiled (floor_bench.py runs it for an older commit through
PYTHONPATH); a stage whose function a version lacks shows 0. Not a test.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# (stage, module, attribute): the functions timed, in the table's order. A function is
# replaced wherever a newsarchive module holds it (a `from x import f` copy too).
STAGES: list[tuple[str, str, str]] = [
    ("read and hash", "newsarchive.ops.ingest", "Ingester._read_all"),
    ("decode", "newsarchive.text.decode", "decode"),
    ("decode", "newsarchive.text.decode", "decode_text"),
    ("parse", "newsarchive.text.parser", "parse_article"),
    ("parse", "newsarchive.text.parser", "parse_fields"),
    ("dates", "newsarchive.text.parser", "_find_date"),
    ("validation (pydantic)", "pydantic", "BaseModel.model_validate"),
    ("validation (pydantic)", "pydantic", "BaseModel.__init__"),
    ("fingerprint", "newsarchive.text.fingerprint", "fingerprints"),
    ("links (names, look-ups)", "newsarchive.ops.workers", "lookups"),
    ("row building", "newsarchive.ops.workers", "article_values"),
    ("row building", "newsarchive.ops.workers", "_fields_values"),
    ("row building", "newsarchive.ops.workers", "stored_row"),
    (
        "search text (made in workers)",
        "newsarchive.storage.backends.sqlite_searchtext",
        "made_for_index",
    ),
    ("pickling", "", ""),  # measured by the wrapper of the workers' function
    ("known-hash look-ups", "newsarchive.storage.store", "Store.known_ids"),
    ("SQLite insert", "newsarchive.storage.backends.sqlite", "SQLite.insert_articles"),
    ("FTS5", "newsarchive.storage.backends.sqlite_fts5", "FTS5Index.index_new"),
    ("FTS5", "newsarchive.storage.backends.sqlite_fts5", "FTS5Index.index_given"),
    ("FTS5", "newsarchive.storage.backends.sqlite_fts5", "FTS5Index.rebuild"),
    ("FTS5", "newsarchive.storage.backends.sqlite_fts5", "FTS5Index.index_all"),
    ("band, name, link rows", "newsarchive.storage.lookups", "StoredLookups.add"),
    ("band, name, link rows", "newsarchive.storage.backends.sqlite", "SQLite.add_derived_bulk"),
    ("versions grouping", "newsarchive.ops.versions", "group"),
    ("source paths", "newsarchive.storage.store", "Store.add_sources"),
    ("commit", "newsarchive.storage.archive", "Archive.writing"),
    # After the batches: each folder's verdict on a standfirst (its rereads count as parse).
    ("folders' verdicts", "newsarchive.ops.folder_deks", "settle"),
]
# Functions workers are handed by name (Backend.index_texts).
IN_WORKERS = {("newsarchive.storage.backends.sqlite_searchtext", "made_for_index")}
# The function a worker runs on a chunk of (bytes, path) pairs: its arguments and result
# are what is pickled.
WORKER = ("newsarchive.ops.workers", "prepare_new")

totals: dict[str, float] = {}
_children = [0.0]


def _timed(function: Callable[..., Any], stage: str) -> Callable[..., Any]:
    clock = time.process_time

    def timed(*args: Any, **kwargs: Any) -> Any:
        _children.append(0.0)
        start = clock()
        try:
            return function(*args, **kwargs)
        finally:
            spent = clock() - start
            totals[stage] = totals.get(stage, 0.0) + spent - _children.pop()
            _children[-1] += spent

    return timed


def _timed_generator(function: Callable[..., Any], stage: str) -> Callable[..., Any]:
    """A generator's own time, step by step (what it does between its items)."""

    def timed(*args: Any, **kwargs: Any) -> Any:
        iterator = function(*args, **kwargs)
        step = _timed(lambda: next(iterator, _END), stage)
        while (item := step()) is not _END:
            yield item

    return timed


_END = object()


def _pickled(function: Callable[..., Any]) -> Callable[..., Any]:
    """The workers' function, with its arguments and result pickled and unpickled (what a
    process pool does, at its protocol) and that time counted as `pickling`."""
    inner = _timed(function, "(worker function)")
    carry = _timed(lambda value: pickle.loads(pickle.dumps(value, 4)), "pickling")

    def worker(work: Any, *args: Any, **kwargs: Any) -> Any:
        # The chunk and the result; the rest (the day, a function by name) costs nothing.
        return carry(inner(carry(work), *args, **kwargs))

    return worker


def _replace(module_name: str, attribute: str, make: Callable[[Any], Any]) -> bool:
    """Replace module.attribute (or module.Class.attribute) everywhere newsarchive holds it."""
    import contextlib
    import importlib

    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return False
    owner: Any = module
    *path, name = attribute.split(".")
    for part in path:
        owner = getattr(owner, part, None)
    if owner is None or (name not in vars(owner) and not hasattr(owner, name)):
        return False
    original = vars(owner).get(name, getattr(owner, name))
    if isinstance(original, classmethod):
        replaced: Any = classmethod(make(original.__func__))
    elif isinstance(original, staticmethod):
        replaced = staticmethod(make(original.__func__))
    else:
        replaced = make(original)
    setattr(owner, name, replaced)
    if not path:  # a function: also its copies in other modules
        for other in list(sys.modules.values()):
            if getattr(other, "__name__", "").startswith("newsarchive"):
                with contextlib.suppress(AttributeError):
                    if vars(other).get(name) is original:
                        setattr(other, name, replaced)
    return True


def profile(corpus: Path, jobs: int = 0) -> dict[str, Any]:
    import importlib

    for name in (
        "newsarchive.ops.ingest",
        "newsarchive.storage.store",
        "newsarchive.storage.lookups",
        "newsarchive.storage.backends.sqlite",
    ):
        importlib.import_module(name)  # load everything before wrapping
    from newsarchive.ops.ingest import Ingester
    from newsarchive.storage.archive import open_archive
    from newsarchive.storage.config import resolve

    if jobs == 0:  # else the workers run it, and it must stay picklable
        _replace(*WORKER, _pickled)
    for stage, module, attribute in STAGES:
        if not module or (jobs and (module, attribute) in IN_WORKERS):
            continue  # (what workers are handed must stay picklable)
        if attribute == "Ingester._read_all":
            _replace(module, attribute, lambda f, s=stage: _timed_generator(f, s))
        elif attribute == "Archive.writing":
            _replace(module, attribute, lambda f: _timed_exit(f))
        else:
            _replace(module, attribute, lambda f, s=stage: _timed(f, s))
    with tempfile.TemporaryDirectory(prefix="na-stages-") as tmp:
        location = resolve(str(Path(tmp, "stages.db")), Path(tmp))
        archive = open_archive(location, create=True)
        start, wall = time.process_time(), time.perf_counter()
        report = Ingester(archive, jobs=jobs).run([corpus])
        archive.close()
        total, elapsed = time.process_time() - start, time.perf_counter() - wall
    totals.pop("(worker function)", None)
    return {"articles": report.added, "files": report.seen, "total": total, "wall": elapsed}


def _timed_exit(writing: Callable[..., Any]) -> Callable[..., Any]:
    """Archive.writing: the time its block takes to end (the commit), not the block."""
    from contextlib import contextmanager

    @contextmanager
    def timed(self: Any) -> Any:
        manager = writing(self)
        store = manager.__enter__()
        try:
            yield store
        except BaseException:
            if not manager.__exit__(*sys.exc_info()):
                raise
        else:
            _timed(lambda: manager.__exit__(None, None, None), "commit")()

    return timed


def main() -> int:  # run as a script only: workers import this module (forkserver)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--jobs",
        type=int,
        default=0,
        help="parse in this many workers: the table is then the writer's alone [default: 0]",
    )
    args = parser.parse_args()
    run = profile(args.corpus, args.jobs)
    stages = {s: totals.get(s, 0.0) for s, _, _ in STAGES}
    stages["other (walk, batching, CLI-free glue)"] = run["total"] - sum(stages.values())
    result = {**run, "stages": stages}
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    per = 1e6 / max(run["articles"], 1)
    print(f"{run['articles']:,} articles, CPU {run['total']:.2f} s, wall {run['wall']:.2f} s")
    for stage, seconds in stages.items():
        print(f"{stage:40} {seconds * per:8.1f} µs/article")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
