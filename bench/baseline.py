#!/usr/bin/env python3
"""Baseline ("floor") importer: load a corpus with nothing but stdlib sqlite3.

Purpose: give `newsarchive import` a reference number.  This does the minimum
an archive must do per file - read bytes, sha256, decode, split off a
headline, store article + raw bytes + source path with de-duplication - with
no parsing, validation or ORM, so our tool should not be expected to beat it,
and anything far slower than it deserves a look.

    python bench/baseline.py CORPUS_DIR DB_PATH [--batch 1000] [--fts]

Prints one JSON line: {"files", "added", "seconds", "articles_per_s"} where
articles_per_s is files processed (including duplicates) per second of wall
time, covering the directory walk, reads, hashing and inserts.  An existing
DB_PATH is reused, so a second run measures a pure re-import (added == 0).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import sys
import time
from collections.abc import Iterator

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles(
    id INTEGER PRIMARY KEY,
    sha256 TEXT UNIQUE,
    headline TEXT,
    body TEXT
);
CREATE TABLE IF NOT EXISTS raw(
    article_id INTEGER PRIMARY KEY,
    data BLOB
);
CREATE TABLE IF NOT EXISTS sources(
    article_id INTEGER,
    path TEXT,
    UNIQUE(article_id, path)
);
"""

FTS_SCHEMA = """
CREATE VIRTUAL TABLE fts USING fts5(
    headline, body, content='articles', content_rowid='id'
);
"""

# raw and sources need the article id, which executemany cannot return.  Look
# it up by sha256 (UNIQUE, so indexed) in the same statement instead of a
# Python round trip per file; this also makes duplicates resolve to the id of
# the already-stored article.
INSERT_ARTICLE = "INSERT OR IGNORE INTO articles(sha256, headline, body) VALUES (?, ?, ?)"
INSERT_RAW = (
    "INSERT OR IGNORE INTO raw(article_id, data) SELECT id, ? FROM articles WHERE sha256 = ?"
)
INSERT_SOURCE = (
    "INSERT OR IGNORE INTO sources(article_id, path) SELECT id, ? FROM articles WHERE sha256 = ?"
)
# External-content FTS5 is not updated automatically; index the rows this
# batch added (ids are assigned increasing, so "id > previous max" is exact).
INSERT_FTS = (
    "INSERT INTO fts(rowid, headline, body) SELECT id, headline, body FROM articles WHERE id > ?"
)


def walk_files(root: str) -> Iterator[str]:
    """Yield every file under root in a stable, sorted order."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()  # os.walk recurses in list order, so sort in place
        for name in sorted(filenames):
            yield os.path.join(dirpath, name)


def decode(data: bytes) -> str:
    """UTF-8, then cp1252 (legacy Windows files), then latin-1 (never fails)."""
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1")


def split_article(text: str) -> tuple[str, str]:
    """First non-blank line is the headline; everything after it is the body."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip():
            return line.strip(), "\n".join(lines[i + 1 :]).strip()
    return "", ""


def connect(db_path: str, fts: bool) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, one per batch.
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(SCHEMA)
    if fts:
        exists = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'fts'").fetchone()
        if not exists:
            conn.executescript(FTS_SCHEMA)
            # Reusing a DB created without --fts: index what is already there.
            conn.execute("INSERT INTO fts(fts) VALUES('rebuild')")
    return conn


# (sha256 hex, headline, body, raw bytes, path)
Row = tuple[str, str, str, bytes, str]


def flush(conn: sqlite3.Connection, batch: list[Row], fts: bool) -> int:
    """Insert one batch in one transaction; return how many articles were new."""
    conn.execute("BEGIN")
    try:
        prev_max = conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]
        cur = conn.executemany(INSERT_ARTICLE, ((s, h, b) for s, h, b, _, _ in batch))
        added = cur.rowcount  # executemany sums rows changed; ignored rows don't count
        conn.executemany(INSERT_RAW, ((d, s) for s, _, _, d, _ in batch))
        conn.executemany(INSERT_SOURCE, ((p, s) for s, _, _, _, p in batch))
        if fts and added:
            conn.execute(INSERT_FTS, (prev_max,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return added


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus_dir")
    ap.add_argument("db_path")
    ap.add_argument("--batch", type=int, default=1000, help="files per transaction")
    ap.add_argument(
        "--fts", action="store_true", help="also maintain an FTS5 index over headline+body"
    )
    args = ap.parse_args(argv)
    if args.batch < 1:
        ap.error("--batch must be >= 1")
    if not os.path.isdir(args.corpus_dir):
        ap.error(f"not a directory: {args.corpus_dir}")

    t0 = time.perf_counter()
    conn = connect(args.db_path, args.fts)
    root = os.path.abspath(args.corpus_dir)
    files = added = 0
    batch: list[Row] = []
    for path in walk_files(root):
        with open(path, "rb") as f:
            data = f.read()
        headline, body = split_article(decode(data))
        batch.append((hashlib.sha256(data).hexdigest(), headline, body, data, path))
        files += 1
        if len(batch) >= args.batch:
            added += flush(conn, batch, args.fts)
            batch.clear()
    if batch:
        added += flush(conn, batch, args.fts)
    conn.close()  # includes the final WAL checkpoint, so it is timed too
    seconds = time.perf_counter() - t0

    print(
        json.dumps(
            {
                "files": files,
                "added": added,
                "seconds": round(seconds, 3),
                "articles_per_s": round(files / seconds, 1) if seconds else None,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
