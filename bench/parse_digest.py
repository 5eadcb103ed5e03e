#!/usr/bin/env python3
"""A digest of what the parser gives for every text file under some folders, to show a
parser change leaves its output unchanged.

    python bench/parse_digest.py OUT.json DIR...          # once with each version's src/
    python bench/parse_digest.py --compare OLD.json NEW.json

Each file is decoded as ingest decodes it and parsed by `parse_fields` with a day to infer
dates by and each folder verdict (0, 1, -1); the digest is the SHA-256 of those three
results' repr (or of the refusal). JSON, HTML, Markdown and CSV files are left out.
`--compare` lists the files whose digests differ, and exits 1 if any do. Run another
version through PYTHONPATH (its `src/`). Not a test.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

LEFT_OUT = {".json", ".html", ".htm", ".md", ".csv"}
NOT_AFTER = dt.date(2026, 12, 1)


def digests(folders: list[str]) -> dict[str, str]:
    from newsarchive.model.errors import NotAnArticleError, ParseError
    from newsarchive.text.decode import decode
    from newsarchive.text.parser import parse_fields

    out = {}
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if not path.is_file() or path.suffix.lower() in LEFT_OUT:
                continue
            try:
                text = decode(path.read_bytes()).text
            except NotAnArticleError as exc:
                out[str(path)] = f"not an article: {exc}"
                continue
            results = []
            for verdict in (0, 1, -1):
                try:
                    parsed = parse_fields(
                        text, source=str(path), not_after=NOT_AFTER, dek_folder=verdict
                    )
                    results.append(repr(parsed))
                except ParseError as exc:
                    results.append(f"ParseError: {exc}")
            out[str(path)] = hashlib.sha256("\n".join(results).encode()).hexdigest()
    return out


def main() -> None:
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    if sys.argv[1] == "--compare":
        old, new = (json.loads(Path(p).read_text()) for p in sys.argv[2:4])
        differ = sorted({p for p in old.keys() | new.keys() if old.get(p) != new.get(p)})
        print(f"{len(old)} and {len(new)} files, {len(differ)} differ")
        for path in differ[:30]:
            print("  ", path)
        raise SystemExit(1 if differ else 0)
    found = digests(sys.argv[2:])
    Path(sys.argv[1]).write_text(json.dumps(found))
    print(f"{len(found)} files")


if __name__ == "__main__":
    main()
