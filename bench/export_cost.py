#!/usr/bin/env python3
"""What an article costs ingest in an export against the same article as a file, counted in
instructions (valgrind's callgrind), which no load on the machine disturbs (issue 23).

    python bench/export_cost.py [--count 1000] [--base 50] [--format F ...] [--against SRC]
                                [--corpus DIR] [--parallel 2]

For each text format (`--format`, repeatable; default every one), a whole
`newsarchive --db X ingest --jobs 0 PATH` process (everything in one process: the cut,
the parsing, the writing) of one export of `--count` generated articles (as
export_rate_bench.py writes it) and of one of the first `--base` of them; the same for
the articles as files. An article's instructions: the difference of the two runs over
the difference of their articles (start-up, imports and the first article's lazy imports
left out). The archive is made once beforehand and copied for each run (its
migrations left out too). Prints thousands of instructions an article, files and export,
and their ratio files / export (1.00: an export's article costs what a file does). With
`--against SRC` (another checkout's `src/`), the same for that version, in the same table.
About a minute a run under callgrind (runs in parallel, `--parallel`); not a test.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from common import ensure_corpus  # noqa: E402  (a sibling script)
from export_rate_bench import FORMATS, write_export  # noqa: E402

TEXT_FORMATS = FORMATS  # every format export_rate_bench writes is a text one


def _inputs(corpus: Path, count: int, base: int, formats: list[str]) -> dict[str, list[Path]]:
    """Per format ("files" too): the input of `count` articles and that of `base`."""
    ensure_corpus(corpus / "files", count)
    files = sorted((corpus / "files").rglob("*.txt"))[:count]
    if len(files) < count:
        raise SystemExit(f"{corpus / 'files'} holds {len(files)} articles, not {count}")
    made: dict[str, list[Path]] = {"files": []}
    for n in (count, base):
        folder = corpus / f"files-{n}"
        if not folder.exists():
            partial = corpus / f"files-{n}.partial"
            shutil.rmtree(partial, ignore_errors=True)
            for path in files[:n]:  # hard links: the same bytes, paths of the same shape
                target = partial / path.relative_to(corpus / "files")
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(path, target)
            partial.replace(folder)
        made["files"].append(folder)
    for format in formats:
        made[format] = []
        for n in (count, base):
            export = corpus / f"export-{format}-{n}.TXT"
            if not export.exists():
                write_export(files[:n], export.with_suffix(".partial"), format)
                export.with_suffix(".partial").replace(export)
            made[format].append(export)
    return made


def _empty_archive(src: Path, work: Path) -> Path:
    """A new archive made by the version at `src` (an ingest of nothing makes it, and fails:
    no files), copied for each of its runs."""
    archive = Path(tempfile.mkdtemp(dir=work)) / "empty.db"
    (archive.parent / "nothing").mkdir()
    command = [sys.executable, "-m", "newsarchive", "--db", str(archive), "ingest"]
    env = {**os.environ, "PYTHONPATH": str(src)}
    subprocess.run([*command, str(archive.parent / "nothing")], env=env, capture_output=True)
    if not archive.exists():
        raise SystemExit(f"{src}: could not make an empty archive")
    return archive


def _instructions(src: Path, archive: Path, path: Path) -> int:
    """Instructions of one ingest of `path` into a copy of the empty `archive` (callgrind)."""
    db = Path(tempfile.mkdtemp(dir=archive.parent)) / "archive.db"
    shutil.copyfile(archive, db)
    env = {**os.environ, "PYTHONPATH": str(src), "PYTHONHASHSEED": "0"}
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    command += [sys.executable, "-m", "newsarchive", "--db", str(db)]
    command += ["ingest", "--jobs", "0", "--max-size", str(1 << 30), str(path)]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    shutil.rmtree(db.parent)
    collected = re.search(r"Collected : (\d+)", out.stderr)
    if out.returncode != 0 or collected is None:
        raise SystemExit(f"{' '.join(command)} failed: {out.stderr[-2000:]}")
    print(f"{src.parent.name}/{path.name}: {int(collected[1]):,}", file=sys.stderr)
    return int(collected[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--base", type=int, default=50, help="articles of the run subtracted")
    parser.add_argument("--format", action="append", choices=TEXT_FORMATS, dest="formats")
    parser.add_argument("--against", type=Path, help="another checkout's src/ folder")
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--parallel", type=int, default=2, help="runs at a time")
    args = parser.parse_args()
    if not 0 < args.base < args.count:
        parser.error("--base must be above 0 and below --count")
    formats = args.formats or list(TEXT_FORMATS)
    corpus = args.corpus or Path(f"/tmp/bench-export-cost-{args.count}")
    inputs = _inputs(corpus, args.count, args.base, formats)
    versions = {"this": ROOT / "src"}
    if args.against:
        versions["against"] = args.against.resolve()
    work = Path(tempfile.mkdtemp(prefix="export-cost-"))
    archives = {v: _empty_archive(src, work) for v, src in versions.items()}
    runs = [(v, k, p) for v in versions for k, paths in inputs.items() for p in paths]
    print(f"{len(runs)} runs under callgrind, {args.parallel} at a time", file=sys.stderr)
    with ThreadPoolExecutor(args.parallel) as pool:
        counts = pool.map(
            lambda run: _instructions(versions[run[0]], archives[run[0]], run[2]), runs
        )
        found = dict(zip(((v, p) for v, _, p in runs), counts, strict=True))
    shutil.rmtree(work, ignore_errors=True)
    articles = args.count - args.base
    print(f"{args.count:,} articles less {args.base}: thousands of instructions an article")
    print(f"{'version':8} {'format':11} {'files':>8} {'export':>8} {'files/export':>13}")
    for version in versions:
        full, small = inputs["files"]
        files = (found[version, full] - found[version, small]) / articles
        for format in formats:
            full, small = inputs[format]
            export = (found[version, full] - found[version, small]) / articles
            ratio = files / export
            print(f"{version:8} {format:11} {files / 1000:8.0f} {export / 1000:8.0f} {ratio:13.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
