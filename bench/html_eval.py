#!/usr/bin/env python3
"""Saved web pages: newsarchive's reading against the labels, beside trafilatura alone.

    python bench/html_eval.py [--corpora ../shared/corpora] [--split score|tune|all]
                               [--misses dek]

Pages: `html/` (the original pages of 707 labelled articles: l3s-gn1, mercury,
readability); labels: the same names in `structured/` and `standfirsts/` (silver; their
README says where they are noisy). Fields, per source:

- headline: equal to the labelled one (whitespace folded);
- dek: P / R of an exact dek (an article with a dek where the label has none is a false one);
- date: the extracted date equals the labelled `published` (articles with one);
- paragraphs: P / R of body paragraph texts (folded), as a multiset per article.

"trafilatura alone" is trafilatura.extract's XML with metadata, read naively: its title,
its description as the dek, its date, its `<p>`, `<item>` and `<quote>` texts. Needs the
html extra (pip install -e '.[dev,html]').
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import parse_eval

from newsarchive.model.errors import NewsArchiveError
from newsarchive.model.records import BlockKind
from newsarchive.text import htmlpage

ROOT = Path(__file__).resolve().parents[1]
LABEL_ROOTS = {"mercury": "standfirsts/mercury", "l3s-gn1": "structured/l3s-gn1"}
LABEL_ROOTS["readability"] = "structured/readability"


@dataclass
class Reading:
    headline: str | None
    dek: str | None
    published: str | None
    paragraphs: list[str]


@dataclass
class Tally:
    pages: int = 0
    failed: int = 0
    headline: int = 0
    dek: parse_eval.Counts = field(default_factory=parse_eval.Counts)
    dated: int = 0
    date_right: int = 0
    paragraphs: parse_eval.Counts = field(default_factory=parse_eval.Counts)


def ours(data: bytes) -> Reading:
    article = htmlpage.read_page(data)
    paragraphs = [b.text for b in article.blocks if b.kind is BlockKind.PARAGRAPH]
    day = article.published.isoformat() if article.published else None
    return Reading(article.headline, article.dek, day, paragraphs)


def trafilatura_alone(data: bytes) -> Reading:
    import trafilatura
    from lxml import etree

    xml = trafilatura.extract(data, output_format="xml", with_metadata=True)
    if not xml:
        raise ValueError("nothing extracted")
    doc = etree.fromstring(xml.encode("utf-8"))
    main = doc.find("main")
    paragraphs = [
        " ".join("".join(e.itertext()).split())
        for e in (main.iter("p", "item", "quote") if main is not None else ())
    ]
    return Reading(doc.get("title"), doc.get("description"), doc.get("date"), paragraphs)


def score(
    corpora: Path, split: str, reader: Callable[[bytes], Reading], misses: str | None
) -> dict[str, Tally]:
    tallies: dict[str, Tally] = collections.defaultdict(Tally)
    for folder, labels in LABEL_ROOTS.items():
        for page in sorted((corpora / "html" / folder).glob("*.html")):
            if split != "all" and parse_eval.in_score_split(page.stem) != (split == "score"):
                continue
            label = json.loads((corpora / labels / f"{page.stem}.json").read_text("utf-8"))
            for group in ("all", folder):
                _tally(tallies[group], label, page, reader, misses if group == "all" else None)
    return tallies


def _tally(
    t: Tally,
    label: dict[str, object],
    page: Path,
    reader: Callable[[bytes], Reading],
    misses: str | None,
) -> None:
    t.pages += 1
    try:
        got = reader(page.read_bytes())
    except (NewsArchiveError, ValueError):
        t.failed += 1
        got = Reading(None, None, None, [])
    fold = parse_eval._fold
    t.headline += fold(got.headline) == fold(label["headline"])  # type: ignore[arg-type]
    want_dek, got_dek = fold(label["dek"]), fold(got.dek)  # type: ignore[arg-type]
    t.dek.add(bool(got_dek), bool(want_dek), want_dek == got_dek)
    if misses == "dek" and want_dek != got_dek:
        print(f"{page.stem}: want {want_dek[:90]!r}\n{' ' * len(page.stem)}  got  {got_dek[:90]!r}")
    if label["published"]:
        t.dated += 1
        t.date_right += (got.published or "")[:10] == label["published"]
    want = collections.Counter(
        fold(b["text"])
        for b in label["blocks"]  # type: ignore[attr-defined]
        if b["kind"] == "paragraph"
    )
    have = collections.Counter(fold(p) for p in got.paragraphs)
    right = sum((want & have).values())
    t.paragraphs.tp += right
    t.paragraphs.fp += sum(have.values()) - right
    t.paragraphs.fn += sum(want.values()) - right


def table(results: dict[str, dict[str, Tally]]) -> None:
    groups = list(next(iter(results.values())))
    print("| source | reader | pages | failed | headline | dek P / R | date | paragraphs P / R |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for group in groups:
        for reader, tallies in results.items():
            t = tallies[group]
            dek = f"{parse_eval._pct(t.dek.precision)} / {parse_eval._pct(t.dek.recall)}"
            par = f"{parse_eval._pct(t.paragraphs.precision)} / "
            par += parse_eval._pct(t.paragraphs.recall)
            print(
                f"| {group} | {reader} | {t.pages} | {t.failed} | {t.headline / t.pages:.2f} | "
                f"{dek} ({t.dek.tp + t.dek.fn}) | {t.date_right}/{t.dated} | {par} |"
            )


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    args.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    args.add_argument("--split", choices=["score", "tune", "all"], default="score")
    args.add_argument("--misses", choices=["dek"], help="print the articles FIELD was wrong in")
    options = args.parse_args()
    if not htmlpage.available():
        print("needs the html extra: pip install -e '.[dev,html]'", file=sys.stderr)
        return 1
    results = {
        "newsarchive": score(options.corpora, options.split, ours, options.misses),
        "trafilatura alone": score(options.corpora, options.split, trafilatura_alone, None),
    }
    print(f"## saved pages (html/), split {options.split}\n")
    table(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
