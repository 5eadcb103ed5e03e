#!/usr/bin/env python3
"""Search latency of newsarchive beside the same raw FTS5 query, on one archive, in one run.

    python bench/search_bench.py ARCHIVE.db [--runs 15]

ARCHIVE.db is an archive `newsarchive ingest` made (of bench/generate.py's corpus, say).
Picks a rare, a medium and a very common term from the index's own vocabulary (fts5vocab),
then times, for each, the top 20 with snippets:

- in process: `Store.search` in a session of its own ("ours": session, ranking window, joins,
  models) and in one open session ("in sess": what a command pays once the archive is open),
  against the raw `SELECT rowid, snippet, rank ... WHERE article_search MATCH ? ORDER BY rank
  LIMIT 20` through stdlib sqlite3 ("raw"), and against the raw query that returns what a hit
  shows ("raw+cols": headline, date, first path, the join newsarchive makes, no window);
- whole process: `newsarchive search TERM --json` against `python -c` running the raw query.

The calls alternate, round by round, so that a busy moment of the machine hits every side.
Prints medians and the ratios ours / raw and in-session / raw+cols. Not a test: numbers
depend on the machine.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import newsarchive_command, paired_medians_ms

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

    from newsarchive.storage import config
    from newsarchive.storage.archive import open_archive
    from newsarchive.storage.backends.sqlite_searchtext import register_functions
    from newsarchive.storage.store import Store
    from newsarchive.text.query import parse_query

    total, terms = pick_terms(args.archive)
    archive = open_archive(config.resolve(str(args.archive), Path(".")), create=False)
    raw = sqlite3.connect(args.archive)
    # snippet() reads the text through the index's view, which calls these (0008, 0011).
    register_functions(raw)
    tool = newsarchive_command()
    raw_script = (
        "import sqlite3, sys; "
        "from newsarchive.storage.backends.sqlite_searchtext import register_functions; "
        "c = sqlite3.connect(sys.argv[1]); register_functions(c); "
        f"print(c.execute({RAW!r}, (sys.argv[2],)).fetchall())"
    )

    print(f"archive: {args.archive} ({total:,} articles); runs: {args.runs}; medians in ms")
    print(
        f"{'term':22} {'matches':>8} {'ours':>7} {'in sess':>7} {'raw':>7} {'raw+cols':>8}"
        f" {'ours/raw':>8} {'sess/cols':>9}   process: ours / raw"
    )
    for label, term, docs in terms:
        query = parse_query(term)
        connection = archive.engine.connect()  # one open connection, as a command holds it
        held = Store(connection, archive.backend)  # the store's own cost, without the transaction

        def ours(query: object = query) -> object:
            with archive.reading() as store:
                return store.search(query, limit=20).hits  # type: ignore[arg-type]

        def in_session(query: object = query, store: Store = held) -> object:
            return store.search(query, limit=20).hits  # type: ignore[arg-type]

        def plain(term: str = term) -> object:
            return raw.execute(RAW, (term,)).fetchall()

        def same_columns(term: str = term) -> object:
            return raw.execute(RAW_SAME_COLUMNS, (term,)).fetchall()

        ours_ms, session_ms, raw_ms, cols_ms = paired_medians_ms(
            [ours, in_session, plain, same_columns], args.runs
        )
        connection.close()
        process_runs = max(3, args.runs // 3)
        ours_cmd = [*tool, "--db", str(args.archive), "search", term, "--json"]
        raw_cmd = [sys.executable, "-c", raw_script, str(args.archive), term]
        ours_proc, raw_proc = paired_medians_ms(
            [
                lambda c=ours_cmd: subprocess.run(c, capture_output=True),
                lambda c=raw_cmd: subprocess.run(c, capture_output=True),
            ],
            process_runs,
        )
        print(
            f"{label + ' ' + repr(term):22} {docs:8,} {ours_ms:7.2f} {session_ms:7.2f} "
            f"{raw_ms:7.2f} {cols_ms:8.2f} {ours_ms / raw_ms:8.2f} {session_ms / cols_ms:9.2f}"
            f"   {ours_proc:.0f} / {raw_proc:.0f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
