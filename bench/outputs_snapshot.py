"""What the reading commands print, captured to files, so two versions of newsarchive can
be compared byte for byte (a refactor must change none of it).

    python bench/outputs_snapshot.py OUT [--db URL] [--newsarchive PATH]
    python bench/outputs_snapshot.py --compare OLD NEW

The first form ingests the BBC corpus (`../shared/corpora/bbc`) and the seed into a new
archive (an SQLite file in OUT, or `--db`, a PostgreSQL database emptied first), then runs
`list`, `search`, `show` (plain, `--json`, `--raw`, with versions and links), `diff`,
`stats`, `db info` and `export` (every format), with and without `--json`, each to a file
of OUT. The inputs are copied first to one fixed folder, so that the paths the outputs
show are the same for every version compared; times of day (ingest times) and the
archive's own location are masked, since they differ between any two runs. Run it with
each version's command (`--newsarchive .venv/bin/newsarchive`, or PYTHONPATH), the same
day, then `--compare`: it names each file that differs and exits 1 if any does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BBC = REPO.parent / "shared" / "corpora" / "bbc" / "bbc"
INPUT = Path("/tmp/newsarchive-outputs-snapshot-input")
# The SQLite archive, in one place for every run (`db info` pads its table to the path).
SQLITE = Path("/tmp/newsarchive-outputs-snapshot.db")
MARKDOWN = Path("/tmp/newsarchive-outputs-snapshot-markdown")
ENV = {"COLUMNS": "100", "NO_COLOR": "1", "LC_ALL": "C.UTF-8"}
_TIME = re.compile(rb"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:?\d{2}|Z)?")
QUERIES = (
    ("music",),
    ("music", "--json"),
    ('"prime minister"', "--limit", "30"),
    ("oil NOT gas", "--json"),
    ("econom*", "--since", "2004-06", "--all-versions"),
    ("blinken",),
)


def _inputs() -> Path:
    """The BBC corpus and the seed, copied once to a fixed folder."""
    if not (INPUT / "done").exists():
        shutil.rmtree(INPUT, ignore_errors=True)
        shutil.copytree(BBC, INPUT / "bbc")
        shutil.copytree(REPO / "seeds", INPUT / "seeds")
        (INPUT / "done").write_text("")
    return INPUT


def _empty_postgres(url: str) -> None:
    """The database at `url`, made if missing, emptied."""
    import psycopg
    from sqlalchemy.engine import make_url

    target = make_url(url).set(drivername="postgresql")
    admin = target.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as c:
        if not c.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (target.database,)
        ).fetchone():
            c.execute(f'CREATE DATABASE "{target.database}"')
    with psycopg.connect(target.render_as_string(hide_password=False), autocommit=True) as c:
        c.execute("DROP SCHEMA public CASCADE")
        c.execute("CREATE SCHEMA public")


def snapshot(out: Path, db: str | None, command: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    if db is None:
        db = str(SQLITE)
        for stale in SQLITE.parent.glob(SQLITE.name + "*"):
            stale.unlink()
    else:
        _empty_postgres(db)
    env = {**os.environ, **ENV, "NEWSARCHIVE_DB": db}
    masks = [db.encode()]

    def run(name: str, *args: str) -> bytes:
        done = subprocess.run([command, *args], env=env, capture_output=True, check=False)
        data = b"exit %d\n--- stdout\n%s--- stderr\n%s" % (
            done.returncode,
            done.stdout,
            done.stderr,
        )
        for mask in masks:
            data = data.replace(mask, b"<archive>")
        (out / name).write_bytes(_TIME.sub(b"<time>", data))
        return done.stdout

    inputs = _inputs()
    run("ingest", "ingest", "--jobs", "0", str(inputs / "bbc"), str(inputs / "seeds"))
    listed = json.loads(run("list.json", "list", "--json", "--all-versions"))
    run("list", "list")
    run("list-since", "list", "--since", "2004-11", "--limit", "40")
    run("list-versions", "list", "--all-versions", "--limit", "100")
    for n, query in enumerate(QUERIES):
        run(f"search-{n}", "search", *query)
    versioned = [a for a in listed if a.get("versions", 1) > 1][:5]
    ids = [a["id"] for a in listed[:10]] + [a["id"] for a in versioned]
    for id_ in dict.fromkeys(ids):
        run(f"show-{id_}", "show", str(id_))
        run(f"show-{id_}.json", "show", str(id_), "--json")
        run(f"show-{id_}.raw", "show", str(id_), "--raw")
    for a in versioned:
        shown = json.loads(run(f"versions-{a['id']}.json", "show", str(a["id"]), "--json"))
        for other in shown.get("versions", [])[:2]:
            pair = (str(a["id"]), str(other["id"]))
            run(f"diff-{pair[0]}-{pair[1]}", "diff", *pair)
            run(f"diff-{pair[0]}-{pair[1]}.json", "diff", *pair, "--json")
    run("stats", "stats")
    run("stats.json", "stats", "--json")
    run("db-info", "db", "info")
    run("db-info.json", "db", "info", "--json")
    run("export.jsonl", "export")
    run("export.csv", "export", "--format", "csv")
    folder = MARKDOWN
    shutil.rmtree(folder, ignore_errors=True)
    run("export-markdown", "export", "--format", "markdown", "-o", str(folder))
    digests = sorted(
        f"{hashlib.sha256(_TIME.sub(b'<time>', p.read_bytes())).hexdigest()}  "
        f"{p.relative_to(folder)}"
        for p in folder.rglob("*.md")
    )
    (out / "export-markdown.sha256").write_text("\n".join(digests) + "\n")
    shutil.rmtree(folder)
    print(f"{len(list(out.iterdir()))} outputs in {out}")


def compare(old: Path, new: Path) -> int:
    names = sorted({p.name for p in old.iterdir()} | {p.name for p in new.iterdir()})
    differ = [
        n
        for n in names
        if not (old / n).exists()
        or not (new / n).exists()
        or (old / n).read_bytes() != (new / n).read_bytes()
    ]
    for name in differ:
        print(f"differs: {name}")
    print(f"{len(names) - len(differ)} of {len(names)} outputs byte-identical")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, nargs="?")
    parser.add_argument("--db", help="a PostgreSQL URL (emptied first); default: SQLite in OUT")
    parser.add_argument("--newsarchive", default=shutil.which("newsarchive") or "newsarchive")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("OLD", "NEW"))
    args = parser.parse_args()
    if args.compare:
        return compare(*args.compare)
    if args.out is None:
        parser.error("name an output folder, or --compare OLD NEW")
    if not BBC.is_dir():
        parser.error(f"{BBC} is absent: the snapshot reads the shared BBC corpus")
    snapshot(args.out, args.db, args.newsarchive)
    return 0


if __name__ == "__main__":
    sys.exit(main())
