#!/usr/bin/env python3
"""Publication-date quality on the gold set (tests/gold/dates.json) and on the real corpora.

    python bench/date_eval.py [--corpora ../shared/corpora]

Gold set: explicit precision (stated dates found that are right) and recall (stated dates
found at all); inference accuracy (inferable cases dated right) and the false-date rate
(cases with no publication date, traps included, that got one anyway, plus wrong dates).
Corpora: how many files get a date of each source; for the BBC set, whose articles are
from 2004 and 2005, any date outside those years is counted as false.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
from pathlib import Path

from newsarchive.text.decode import decode
from newsarchive.text.parser import parse_article

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    args = parser.parse_args()

    cases = json.loads((ROOT / "tests" / "gold" / "dates.json").read_text(encoding="utf-8"))
    tally: collections.Counter[str] = collections.Counter()
    for case in cases:
        not_after = dt.date.fromisoformat(case["not_after"])
        article = parse_article(case["text"], source=case["source"], not_after=not_after)
        got = article.published.isoformat() if article.published else None
        kind, expect = case["kind"], case["expect"]
        tally[f"{kind} cases"] += 1
        if got is not None:
            tally[f"{kind} dated"] += 1
            tally[f"{kind} right" if got == expect else f"{kind} wrong"] += 1
    explicit_found = tally["explicit dated"]
    kinds = ", ".join(f"{tally[k]} {k.split()[0]}" for k in sorted(tally) if k.endswith("cases"))
    print(f"gold set: {len(cases)} cases ({kinds})")
    print(
        f"  explicit precision {tally['explicit right'] / max(1, explicit_found):.0%} "
        f"({tally['explicit right']}/{explicit_found}), "
        f"recall {tally['explicit right'] / tally['explicit cases']:.0%} "
        f"({tally['explicit right']}/{tally['explicit cases']})"
    )
    print(
        f"  inference accuracy {tally['inferred right'] / tally['inferred cases']:.0%} "
        f"({tally['inferred right']}/{tally['inferred cases']}), "
        f"wrong {tally['inferred wrong']}"
    )
    undatable = tally["trap cases"] + tally["undated cases"]
    false = tally["trap dated"] + tally["undated dated"] + tally["explicit wrong"]
    false += tally["inferred wrong"]
    print(
        f"  false dates {false} of {len(cases)} cases "
        f"(traps dated: {tally['trap dated']}/{tally['trap cases']}, "
        f"undated dated: {tally['undated dated']}/{tally['undated cases']}; "
        f"{undatable} cases have no publication date)"
    )

    if not args.corpora.is_dir():
        print(f"corpora: {args.corpora} absent, skipped")
        return 0
    sources: collections.Counter[str] = collections.Counter()
    files = bbc_false = 0
    for folder, _dirs, names in os.walk(args.corpora):
        for name in names:
            if "README" in name:
                continue
            path = os.path.join(folder, name)
            files += 1
            text = decode(Path(path).read_bytes()).text
            article = parse_article(text, source=path, not_after=dt.date(2026, 11, 28))
            sources[article.date_source.value if article.date_source else "undated"] += 1
            if "/bbc/" in path and article.published and article.published.year not in (2004, 2005):
                bbc_false += 1
    print(
        f"corpora: {files} files; dates by source: {dict(sources)}; "
        f"BBC dates outside 2004-2005: {bbc_false}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
