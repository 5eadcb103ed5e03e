#!/usr/bin/env python3
"""`newsarchive ingest` beside the shared ingest floor, whole processes, and where its CPU goes.

    python bench/floor_bench.py [--count 20000 --count 100000] [--runs 3] [--before GIT_REV]
                                [--root /tmp/floor-bench] [--shared DIR] [--no-stages]
                                [--no-whole] [--no-inline]

For each count: generates the judged corpus with the shared `gen_corpus.py` (`--seed 42`)
unless ROOT holds it already, warms the page cache, then times, alternating (the order
turns each round, so neither side always gets the quieter moment): the shared floor
(`bench_pipeline.py CORPUS --reps 1 --only "single process +FTS rebuild"`), `newsarchive
ingest CORPUS` into a new archive, the same with `--jobs 0`, and with `--before`, the same
two for an older commit's `src/` (exported with `git archive`, on this interpreter). Whole
processes by wall clock, CPU (user + sys) of every process of a run, the parsing workers
too (the bench is their subreaper: common.run_tree; before, a default run's CPU left them
out). Prints medians, the ratio floor / newsarchive (the judged figure: higher is better;
by the floor's whole process and by the time the floor reports for itself, which leaves out
its start and its warming read), and `--jobs 0` CPU per article. Then, unless
--no-stages, the per-stage CPU table of the first corpus (stage_profile.py, in one
process), for this code and the `--before` commit. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import (  # noqa: E402  (a sibling script)
    become_subreaper,
    newsarchive_command,
    run_tree,
    source_of,
)

FLOOR_VARIANT = "single process +FTS rebuild"


def _shared_bench(given: Path | None) -> Path:
    """The shared bench folder: given, or `shared/bench` beside a folder above this one."""
    if given is not None:
        return given
    for folder in HERE.parents:
        if (folder / "shared" / "bench" / "bench_pipeline.py").exists():
            return folder / "shared" / "bench"
    sys.exit("no shared/bench/ above this checkout: give --shared DIR")


def _corpus(root: Path, shared: Path, count: int) -> Path:
    corpus = root / f"gen-{count}-seed42"
    if not (corpus.is_dir() and any(corpus.iterdir())):
        root.mkdir(parents=True, exist_ok=True)
        generate = [sys.executable, str(shared / "gen_corpus.py"), str(corpus), str(count)]
        subprocess.run([*generate, "--seed", "42"], check=True)
    return corpus


def _warm(corpus: Path) -> int:
    files = 0
    for folder, _dirs, names in os.walk(corpus):
        for name in names:
            with open(os.path.join(folder, name), "rb") as handle:
                handle.read()
            files += 1
    return files


def _run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + sys of every process of the run, the parsing
    workers too: common.run_tree; exit status 3, some files refused, is a run)."""
    run = run_tree(command, env, ok=(0, 3))
    return run.seconds, run.cpu


def _whole(
    corpus: Path, shared: Path, runs: int, before: str | None, tmp: Path, skip_inline: bool
) -> None:
    tmp.mkdir(parents=True)
    files = _warm(corpus)
    envs: dict[str, dict[str, str] | None] = {"": None}
    if before:
        envs[f" @{before}"] = {**os.environ, "PYTHONPATH": source_of(before, tmp / "before")}
    inline = ("",) if skip_inline else ("", " --jobs 0")
    names = ["floor"] + [f"newsarchive{j}{v}" for v in envs for j in inline]
    walls: dict[str, list[float]] = {n: [] for n in names}
    cpus: dict[str, list[float]] = {n: [] for n in names}
    own: list[float] = []  # the time the floor reports for itself
    for run in range(runs):
        order = names if run % 2 == 0 else names[::-1]
        for name in order:
            work = tmp / f"run-{run}"
            work.mkdir(exist_ok=True)
            env = None
            if name == "floor":
                report = work / "floor.json"
                command = [sys.executable, str(shared / "bench_pipeline.py"), str(corpus)]
                command += ["--reps", "1", "--workdir", str(work), "--only", FLOOR_VARIANT]
                command += ["--json", str(report)]
            else:
                jobs = ["--jobs", "0"] if "--jobs 0" in name else []
                variant = name.removeprefix("newsarchive").replace(" --jobs 0", "")
                env = envs[variant]
                python = [sys.executable, "-m", "newsarchive"] if env else newsarchive_command()
                command = [*python, "--db", str(work / "na.db"), "ingest", *jobs, str(corpus)]
            wall, cpu = _run(command, env)
            walls[name].append(wall)
            cpus[name].append(cpu)
            if name == "floor":
                own.append(json.loads(report.read_text())["raw"][FLOOR_VARIANT][0])
            for leftover in work.iterdir():
                leftover.unlink()
    print(f"\n{corpus} ({files:,} files), {runs} alternating runs, medians")
    print(f"{'':32} {'wall s':>8} {'CPU s':>8} {'CPU ms/file':>12}   runs (wall s)")
    print(f"{'floor, as it reports itself':32} {statistics.median(own):8.2f}")
    for name in names:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        runs_text = ", ".join(f"{w:.1f}" for w in walls[name])
        print(f"{name:32} {wall:8.2f} {cpu:8.2f} {cpu / files * 1000:12.3f}   {runs_text}")
    floor_whole, floor_own = statistics.median(walls["floor"]), statistics.median(own)
    for name in names[1:]:
        ours = statistics.median(walls[name])
        print(
            f"ratio floor / {name}: {floor_whole / ours:.2f}x (whole processes), "
            f"{floor_own / ours:.2f}x (the floor's own timing)"
        )


def _stages(corpus: Path, before: str | None, tmp: Path) -> None:
    tables: dict[str, dict[str, float]] = {}
    articles: dict[str, int] = {}
    versions = {"this code": None} | ({f"@{before}": before} if before else {})
    for label, revision in versions.items():
        env = None
        if revision:
            where = tmp / "before"
            source = str(where / "src") if where.exists() else source_of(revision, where)
            env = {**os.environ, "PYTHONPATH": source}
        out = tmp / "stages.json"
        command = [sys.executable, str(HERE / "stage_profile.py"), str(corpus), "--json", str(out)]
        subprocess.run(command, check=True, env=env, capture_output=True)
        found = json.loads(out.read_text())
        tables[label] = {**found["stages"], "total": found["total"]}
        articles[label] = found["articles"]
    labels = list(tables)
    print(f"\nCPU per article by stage, µs ({corpus.name}, one process, jobs=0, stage_profile.py)")
    print(f"{'stage':40}" + "".join(f"{label:>14}" for label in labels))
    for stage in tables[labels[0]]:
        cells = "".join(f"{tables[lb].get(stage, 0.0) / articles[lb] * 1e6:14.1f}" for lb in labels)
        print(f"{stage:40}{cells}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, action="append", help="[default: 20000]")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", metavar="GIT_REV", help="also time this older commit")
    parser.add_argument("--root", type=Path, default=Path(tempfile.gettempdir(), "floor-bench"))
    parser.add_argument("--shared", type=Path, help="the shared bench folder")
    parser.add_argument("--no-stages", action="store_true", help="leave out the stage table")
    parser.add_argument("--no-whole", action="store_true", help="only the stage table")
    parser.add_argument(
        "--no-inline", action="store_true", help="leave out the --jobs 0 runs (a quicker round)"
    )
    args = parser.parse_args()
    if not become_subreaper():
        print("(not a subreaper: CPU leaves out the parsing workers)", file=sys.stderr)
    shared = _shared_bench(args.shared)
    corpora = [_corpus(args.root, shared, n) for n in args.count or [20_000]]
    with tempfile.TemporaryDirectory(prefix="floor-bench-") as tmp:
        if not args.no_whole:
            for i, corpus in enumerate(corpora):
                where = Path(tmp, f"whole-{i}")
                _whole(corpus, shared, args.runs, args.before, where, args.no_inline)
        if not args.no_stages:
            _stages(corpora[0], args.before, Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
