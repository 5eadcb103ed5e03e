#!/usr/bin/env python3
"""An SQLite archive's rows in a canonical order, keyed by article hash, to compare two
archives built from the same files by two versions of the code (a change that must not
change what is stored).

    python bench/archive_dump.py ARCHIVE.db OUT.txt      # then: cmp OLD.txt NEW.txt

Ids and times of ingest are left out (they differ run to run); clusters and families are
named by their article's hash; raw bytes by their SHA-256; band, name, link, source and
export rows as they are; the search index by its document count and a digest of its whole
vocabulary (FTS5's own, `fts5vocab`). Prints the line count and a digest of the dump. Not
a test.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys


def dump(path: str) -> list[str]:
    db = sqlite3.connect(path)
    sha = dict(db.execute("SELECT id, sha256 FROM articles"))
    columns = [row[1] for row in db.execute("PRAGMA table_info(articles)")]
    lines = []
    for row in db.execute("SELECT * FROM articles"):
        values = dict(zip(columns, row, strict=True))
        for group in ("cluster_id", "family_id"):
            values[group] = sha.get(values[group], values[group])
        kept = [(c, values[c]) for c in columns if c not in ("id", "ingested_at")]
        lines.append(f"A {kept!r}")
    for article, data in db.execute("SELECT article_id, data FROM article_raw"):
        lines.append(f"R {sha[article]} {hashlib.sha256(data).hexdigest()}")
    for band, article in db.execute("SELECT band, article_id FROM article_bands"):
        lines.append(f"B {sha[article]} {band}")
    for name, article in db.execute("SELECT name, article_id FROM article_names"):
        lines.append(f"N {sha[article]} {name}")
    for row in db.execute("SELECT article_id, position, tier, name FROM article_links"):
        lines.append(f"L {sha[row[0]]} {row[1:]}")
    query = "SELECT article_id, path, path_bytes, place, places FROM article_sources"
    for row in db.execute(query):
        lines.append(f"S {sha[row[0]]} {row[1:]}")
    for row in db.execute("SELECT sha256, format, layout, filler FROM export_files"):
        lines.append(f"E {row}")
    docs = db.execute("SELECT count(*) FROM article_search_docsize").fetchone()[0]
    lines.append(f"FTS documents {docs}")
    db.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, article_search, 'row')")
    vocabulary = db.execute("SELECT term, doc, cnt FROM temp.vocab ORDER BY term").fetchall()
    lines.append(f"FTS vocabulary {hashlib.sha256(repr(vocabulary).encode()).hexdigest()}")
    return sorted(lines)


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    text = "\n".join(dump(sys.argv[1])) + "\n"
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        out.write(text)
    print(f"{text.count(chr(10))} lines, digest {hashlib.sha256(text.encode()).hexdigest()[:16]}")


if __name__ == "__main__":
    main()
