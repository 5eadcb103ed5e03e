#!/usr/bin/env python3
"""One huge article: peak memory of `ingest` and `verify`, and how soon `show` answers.

    python bench/huge_file_bench.py [--sizes 16,50] [--before GIT_REV [--before-only]]
                                    [--corpus DIR]

For each size (MB) writes one article of real text (the BBC corpus's paragraphs, in turn,
under one headline) and, in a fresh archive, runs whole processes: `ingest FILE`, `verify`,
`show 1` with stdout a pipe (the time to its first bytes, and to the end), and `browse`
driven by Textual's headless pilot (from starting the app to its first screen with the
article drawn, then how long a key, Tab, takes to be handled). Peak resident memory is the
child's own (os.wait4's rusage of the waited process, as /usr/bin/time -v's "Maximum
resident set size"). `--before REV` runs the same on an older commit's `src/`
(exported with `git archive`, on this interpreter) first, so both columns come from one
machine at one moment. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT.parent.parent / "shared" / "corpora" / "bbc" / "bbc"


def article(size: int, corpus: Path) -> bytes:
    """A headline, then the corpus's paragraphs in turn until `size` bytes."""
    paragraphs: list[bytes] = []
    for path in sorted(corpus.rglob("*.txt")):
        lines = path.read_bytes().decode("utf-8", "replace").split("\n")
        paragraphs += [line.strip().encode() for line in lines[1:] if line.strip()]
    out = bytearray(b"A very long article made of many BBC stories\n\n")
    i = 0
    while len(out) < size:
        out += paragraphs[i % len(paragraphs)] + b"\n\n"
        i += 1
    return bytes(out[:size].rsplit(b"\n\n", 1)[0] + b"\n")


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, int, bytes]:
    """Seconds to the first byte on stdout, seconds to the end, peak RSS (KiB) of the child,
    and its stderr."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert child.stdout is not None and child.stderr is not None
    first = child.stdout.read(1)
    first_at = time.perf_counter() - start
    while child.stdout.read(1 << 20):
        pass
    err = child.stderr.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    end = time.perf_counter() - start
    if child.returncode not in (0, 3):
        sys.exit(f"failed ({child.returncode}): {' '.join(command)}\n{err[-2000:].decode()}")
    return (first_at if first else end), end, usage.ru_maxrss, err


def _export(rev: str, into: Path) -> str:
    """The `src/` of an older commit, for PYTHONPATH (its alembic/ comes with it)."""
    into.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return str(into / "src")


def measure(label: str, src: str, file: Path, tmp: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": src, "NEWSARCHIVE_PAGER": "cat"}
    db = tmp / f"{label}-{file.stem}.db"
    base = [sys.executable, "-m", "newsarchive", "--db", str(db)]
    limit = str(2 * file.stat().st_size)  # a 50 MB file is past the default --max-size
    _f, ingest_s, ingest_kib, _e = run([*base, "ingest", "--max-size", limit, str(file)], env)
    _f, verify_s, verify_kib, _e = run([*base, "verify"], env)
    first_s, show_s, show_kib, _e = run([*base, "show", "1"], env)
    probe = [sys.executable, str(Path(__file__).resolve()), "--browse-probe", str(db)]
    browsed = subprocess.run(probe, env=env, capture_output=True, text=True, check=True)
    browse_s, key_s = (float(x) for x in browsed.stdout.split())
    db.unlink()
    return {
        "ingest s": ingest_s,
        "ingest MiB": ingest_kib / 1024,
        "verify s": verify_s,
        "verify MiB": verify_kib / 1024,
        "show first byte s": first_s,
        "show all s": show_s,
        "show MiB": show_kib / 1024,
        "browse first screen s": browse_s,
        "browse key s": key_s,
    }


def browse_probe(db: str) -> None:
    """Print seconds to browse's first screen (the newest article drawn), then for a key."""
    import asyncio

    from newsarchive.storage import config
    from newsarchive.storage.archive import open_archive
    from newsarchive.ui.browse import Browser

    archive = open_archive(config.resolve(db, Path.cwd()), create=False)

    async def drive() -> None:
        start = time.perf_counter()
        app = Browser(archive, theme="dark")
        async with app.run_test(size=(100, 30)) as pilot:
            while app.article is None:
                await asyncio.sleep(0.005)
            await pilot._wait_for_screen()
            first = time.perf_counter() - start
            start = time.perf_counter()
            await pilot.press("tab")
            await pilot._wait_for_screen()
            key = time.perf_counter() - start
            await pilot.press("q")
        print(first, key)

    asyncio.run(drive())


def main() -> None:
    if sys.argv[1:2] == ["--browse-probe"]:
        browse_probe(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="16,50", help="sizes in MB, comma-separated")
    parser.add_argument("--before", metavar="GIT_REV", help="also measure this older commit")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--before-only", action="store_true", help="measure only --before")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"no corpus at {args.corpus}; give --corpus a folder of .txt articles")
    assert resource  # ru_maxrss comes from os.wait4's rusage
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        builds = [] if args.before_only else [("after", str(ROOT / "src"))]
        if args.before:
            builds.insert(0, ("before", _export(args.before, tmp / "before")))
        for mb in (int(s) for s in args.sizes.split(",")):
            file = tmp / f"huge-{mb}mb.txt"
            file.write_bytes(article(mb * 1_000_000, args.corpus))
            size_mib = file.stat().st_size / 1024 / 1024
            print(
                f"\n{mb} MB file ({size_mib:.1f} MiB); limit 4x + 150 MiB = "
                f"{4 * size_mib + 150:.0f} MiB",
                flush=True,
            )
            for label, src in builds:
                figures = measure(label, src, file, tmp)
                shown = ", ".join(
                    f"{k} {v:.2f}" if k.endswith(" s") else f"{k} {v:.0f}"
                    for k, v in figures.items()
                )
                print(f"  {label}: {shown}", flush=True)
            file.unlink()


if __name__ == "__main__":
    main()
