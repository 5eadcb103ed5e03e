#!/usr/bin/env python3
"""Search latency of newsarchive beside the same raw FTS5 query, on one archive, in one run.

    python bench/search_bench.py ARCHIVE.db [--runs 15]

ARCHIVE.db is an archive `newsarchive ingest` made (of bench/generate.py's corpus, say).
Picks a rare, a medium and a very common term from the index's own vocabulary (fts5vocab),
then times, for each, the top 20 with snippets:

- in process: `Store.search` in a session of its own (ranking window, joins, models) against
  the raw `SELECT rowid, snippet, rank ... WHERE article_search MATCH ? ORDER BY rank LIMIT 20`
  through stdlib sqlite3, and against the raw query that returns what a hit shows (headline,
  date, first path: the same join newsarchive makes, but no ranking window);
- whole process: `newsarchive search TERM --json` against `python -c` running the raw query.

Prints medians and the ratio newsarchive / raw. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median_ms, newsarchive_command

RAW = (
    "SELECT rowid, snippet(article_search, 2, '[', ']', '…', 16), rank FROM article_search "
    "WHERE article_search MATCH ? ORDER BY rank LIMIT 20"
)
RAW_SAME_COLUMNS = (
    "SELECT a.id, a.headline, a.published, a.date_source, a.word_count, s.rank, "
    "snippet(article_search, 2, '[', ']', '…', 16), "
    "(SELECT path FROM article_sources p WHERE p.article_id = a.id ORDER BY p.id LIMIT 1) "
    "FROM article_search s JOIN articles a ON a.id = s.rowid "
    "WHERE article_search MATCH ? ORDER BY s.rank LIMIT 20"
)


def pick_terms(db: Path) -> tuple[int, list[tuple[str, str, int]]]:
    con = sqlite3.connect(db)
    total = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    con.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, article_search, 'row')")
    pick = "SELECT term, doc FROM temp.vocab WHERE length(term) > 3 AND term GLOB '[a-z]*' "
    rare = con.execute(pick + "AND doc BETWEEN 5 AND 20 ORDER BY doc DESC LIMIT 1").fetchone()
    medium = con.execute(pick + "ORDER BY abs(doc - ?) LIMIT 1", (max(1, total // 100),)).fetchone()
    common = con.execute(pick + "ORDER BY doc DESC LIMIT 1").fetchone()
    con.close()
    return total, [("rare", *rare), ("medium", *medium), ("common", *common)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("archive", type=Path)
    parser.add_argument("--runs", type=int, default=31)
    args = parser.parse_args()

    from sqlalchemy.orm import Session

    from newsarchive import config, migrate
    from newsarchive.query import parse_query
    from newsarchive.store import Store

    total, terms = pick_terms(args.archive)
    engine = migrate.open_archive(config.resolve(str(args.archive), Path(".")), create=False)
    raw = sqlite3.connect(args.archive)
    tool = newsarchive_command()
    raw_script = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        f"print(c.execute({RAW!r}, (sys.argv[2],)).fetchall())"
    )

    print(f"archive: {args.archive} ({total:,} articles); runs: {args.runs}; medians in ms")
    print(
        f"{'term':24} {'matches':>8} {'ours':>8} {'raw':>8} {'ratio':>6} {'raw+cols':>9} "
        f"{'ratio':>6}   process: ours / raw"
    )
    for label, term, docs in terms:
        query = parse_query(term)

        def ours(query: object = query) -> object:
            with Session(engine) as session:
                return Store(session).search(query, limit=20).hits  # type: ignore[arg-type]

        def plain(term: str = term, sql: str = RAW) -> object:
            return raw.execute(sql, (term,)).fetchall()

        ours_ms, raw_ms = median_ms(ours, args.runs), median_ms(plain, args.runs)
        cols_ms = median_ms(lambda: plain(sql=RAW_SAME_COLUMNS), args.runs)
        process_runs = max(3, args.runs // 3)
        ours_cmd = [*tool, "--db", str(args.archive), "search", term, "--json"]
        raw_cmd = [sys.executable, "-c", raw_script, str(args.archive), term]
        ours_proc = median_ms(
            lambda c=ours_cmd: subprocess.run(c, capture_output=True), process_runs
        )
        raw_proc = median_ms(lambda c=raw_cmd: subprocess.run(c, capture_output=True), process_runs)
        print(
            f"{label + ' ' + repr(term):24} {docs:8,} {ours_ms:8.2f} {raw_ms:8.2f} "
            f"{ours_ms / raw_ms:6.2f} {cols_ms:9.2f} {ours_ms / cols_ms:6.2f}   "
            f"{ours_proc:.0f} / {raw_proc:.0f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
