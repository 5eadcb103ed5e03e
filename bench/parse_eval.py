#!/usr/bin/env python3
"""Parser quality: per-field precision and recall against labelled real articles.

    python bench/parse_eval.py [--corpora ../shared/corpora] [--split score|tune|all]
                               [--by dataset|layout|both|none] [--json] [--misses ROLE]
                               [--no-folders]

Labels: `structured/` (1,231 articles from four sources, a silver role for every line; its
README says how they were made and where they are noisy). The corpus is split by a hash of
each file's name: about 30 % (`score`) is only ever scored, the rest (`tune`) is what rules
were tuned on. The BBC and Pérez-Rosas corpora have no labels: for them it counts what the
parser found (and, for the BBC set, dates outside 2004-2005, which are false).

Each file is read with its folder's verdict on a standfirst (ops/folder_deks.py), as
ingest would read the folder; `--no-folders` reads each alone. What is measured is the
parsed `Article`, not the parser's insides: every non-blank line of
the file is given the role of the part of the article that holds it (headline, dek, a
metadata line, a body block), and compared with its label. Fields:

- headline: the article's headline equals the labelled one (per article).
- dek: the article's dek equals the labelled one (per article; both whitespace-folded).
- byline, date, url, dateline, subheading, related, boilerplate (labelled `other`),
  paragraph: per line.
- stated date: the article's stated (not inferred) date against `published`. A date from
  the URL or file path where the label has none is not counted either way (the labels do
  not set dates from URLs); any other stated date where the label has none is a false one.
- source url: the article's source URL equals the labelled one (per article).
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newsarchive.model.errors import NewsArchiveError
from newsarchive.model.models import Article
from newsarchive.text.decode import decode
from newsarchive.text.parser import parse_article, parse_fields
from newsarchive.text.parser.dek import folder_verdict

ROOT = Path(__file__).resolve().parents[1]
SCORE_SHARE = 77  # of 256: names whose SHA-256 starts below this byte are scored only
LINE_ROLES = (
    "byline",
    "date",
    "url",
    "dateline",
    "subheading",
    "related",
    "boilerplate",
    "paragraph",
    "dek",
)
# Block kinds and metadata kinds of the Article, as label roles.
BLOCK_ROLE = {"paragraph": "paragraph", "subheading": "subheading", "read_more": "related"}
BLOCK_ROLE["boilerplate"] = "boilerplate"
LABEL_ROLE = {"other": "boilerplate"}
# Sources whose labels cannot say "subheading" (structured/README.md: BuzzFeed-Webis keeps
# headings as paragraphs, and CNN's were cut out): their lines are also scored apart, in
# "subheading, sources that label them".
NO_SUBHEADING_LABELS = frozenset({"BuzzFeed-Webis Fake News Corpus 2016"})
LABELLED_SUBHEADINGS = "subheading, sources that label them"
EXACT_LIST_ROLES = ("subheading", "related")


def in_score_split(name: str) -> bool:
    return hashlib.sha256(name.encode()).digest()[0] < SCORE_SHARE


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, got: bool, want: bool, right: bool = True) -> None:
        if got and want and right:
            self.tp += 1
        else:
            self.fp += got
            self.fn += want

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass
class Score:
    articles: int = 0
    headline_right: int = 0
    # Files whose labels have any line of the role, and of those, files where the parser
    # gives exactly those lines that role (the held-out set's "lists exact"): role -> [n, exact]
    exact_lists: dict[str, list[int]] = field(
        default_factory=lambda: collections.defaultdict(lambda: [0, 0])
    )
    fields: dict[str, Counts] = field(default_factory=lambda: collections.defaultdict(Counts))
    misses: list[str] = field(default_factory=list)


def _fold(text: str | None) -> str:
    return " ".join((text or "").split())


def line_roles(article: Article, lines: list[str]) -> dict[int, str]:
    """The role of each non-blank line (1-based), read off the parts of the article."""
    roles: dict[int, str] = {}
    headline_left = True
    dek = _fold(article.dek)
    meta = [(m.kind.value, m.text) for m in getattr(article, "meta", ())]
    blocks = [
        (BLOCK_ROLE.get(b.kind.value, "paragraph"), b.text, b.label or "") for b in article.blocks
    ]
    cursor, offset = 0, 0
    for number, raw in enumerate(lines, 1):
        text = raw.strip()
        if not text:
            continue
        if headline_left and article.headline and article.headline in text:
            roles[number], headline_left = "headline", False
            continue
        if dek and _fold(text) in dek and len(text) > 3:
            roles[number] = "dek"
            continue
        found_meta = next((i for i, (_, t) in enumerate(meta) if t == text), None)
        if found_meta is not None:
            roles[number] = meta.pop(found_meta)[0]
            continue
        role = _old_meta_role(article, text) if not hasattr(article, "meta") else None
        if role:
            roles[number] = role
            continue
        for index in range(cursor, min(cursor + 4, len(blocks))):
            kind, block_text, _label = blocks[index]
            start = offset if index == cursor else 0
            at = block_text.find(text, start)
            if at < 0 and kind == "related":
                at = 0 if block_text and block_text in text else -1
                end = len(block_text)
            else:
                end = at + len(text)
            if at >= 0:
                roles[number] = kind
                cursor, offset = index, end
                if not block_text[end:].strip():
                    cursor, offset = index + 1, 0
                break
        else:
            roles[number] = "unmatched"
    return roles


def _old_meta_role(article: Article, text: str) -> str | None:
    """For a parser without metadata lines: which header field a line went into."""
    if article.source_url and text.endswith(article.source_url):
        return "url"
    if article.byline and article.byline in text:
        return "byline"
    if text in article.date_evidence and article.date_source in ("header", "byline"):
        return "date"
    return None


def labelled_files(corpus: Path) -> list[Path]:
    """The label files of a corpus root: `structured/` (its four sources), or the corpora
    root, which adds `standfirsts/` (mercury/, kept apart so structured/'s figures stay
    comparable with earlier ones)."""
    if (corpus / "structured").is_dir():
        roots = [corpus / "structured", corpus / "standfirsts"]
    else:
        roots = [corpus]
    return sorted(p for root in roots for p in root.glob("*/*.json"))


def folder_verdicts(paths: Iterable[Path]) -> dict[Path, int]:
    """Each folder's verdict on a standfirst under the headline, from its files' dek votes,
    as ingest settles it (ops/folder_deks.py): what the parser reads each file with."""
    tallies: dict[Path, list[int]] = collections.defaultdict(lambda: [0, 0])
    for path in paths:
        try:
            _fields, vote = parse_fields(decode(path.read_bytes()).text, source=path.name)
        except NewsArchiveError:
            continue
        if vote is not None:
            tallies[path.parent][0] += 1
            tallies[path.parent][1] += vote > 0
    return {folder: folder_verdict(n, deks) for folder, (n, deks) in tallies.items()}


def score_structured(
    corpus: Path, split: str, group_by: str, miss_role: str | None, folders: bool = True
) -> dict[str, Score]:
    scores: dict[str, Score] = collections.defaultdict(Score)
    texts = [p.with_suffix(".txt") for p in labelled_files(corpus)]
    verdicts = folder_verdicts(texts) if folders else {}
    for label_path in labelled_files(corpus):
        name = label_path.stem
        if split != "all" and in_score_split(name) != (split == "score"):
            continue
        label = json.loads(label_path.read_text(encoding="utf-8"))
        data = label_path.with_suffix(".txt").read_bytes()
        text = decode(data).text
        try:
            article = parse_article(
                text,
                source=label_path.with_suffix(".txt").name,
                dek_folder=verdicts.get(label_path.parent, 0),
            )
        except NewsArchiveError:
            article = None
        groups = ["all"]
        if group_by == "dataset":
            groups.append(label["dataset"])
        elif group_by == "layout":
            groups.append(label["layout"])
        elif group_by == "both":
            groups += [label["dataset"], label["layout"]]
        for group in groups:
            _score_one(scores[group], label, article, text, name, miss_role)
    return scores


def _score_one(
    score: Score,
    label: dict[str, object],
    article: Article | None,
    text: str,
    name: str,
    miss_role: str | None,
) -> None:
    score.articles += 1
    f = score.fields
    if article is None:
        f["refused"].add(True, False)
        return
    score.headline_right += article.headline == label["headline"]
    want_dek, got_dek = _fold(label["dek"]), _fold(article.dek)  # type: ignore[arg-type]
    f["dek (article)"].add(bool(got_dek), bool(want_dek), got_dek == want_dek)
    want_url = label["source_url"]
    f["source url"].add(bool(article.source_url), bool(want_url), article.source_url == want_url)
    stated = article.date_source is not None and article.date_source.explicit
    want_date = label["published"]
    got_date = article.published.isoformat() if stated and article.published else None
    if not (got_date and not want_date and article.date_source in ("url", "path")):
        f["stated date"].add(bool(got_date), bool(want_date), got_date == want_date)
    roles = line_roles(article, text.split("\n"))
    wanted: dict[str, set[int]] = {role: set() for role in EXACT_LIST_ROLES}
    given: dict[str, set[int]] = {role: set() for role in EXACT_LIST_ROLES}
    for entry in label["lines"]:  # type: ignore[attr-defined]
        want = LABEL_ROLE.get(entry["role"], entry["role"])
        got = roles.get(entry["line"], "unmatched")
        if want == "headline":
            continue
        for role in LINE_ROLES:
            if role in (want, got):
                f[role].add(got == role, want == role)
        for role in EXACT_LIST_ROLES:
            if want == role:
                wanted[role].add(entry["line"])
            if got == role:
                given[role].add(entry["line"])
        if "subheading" in (want, got) and label["dataset"] not in NO_SUBHEADING_LABELS:
            f[LABELLED_SUBHEADINGS].add(got == "subheading", want == "subheading")
        if miss_role and miss_role in (want, got) and want != got:
            line = text.split("\n")[entry["line"] - 1].strip()
            score.misses.append(f"{name}:{entry['line']}: want {want}, got {got}: {line[:100]}")
    for role in EXACT_LIST_ROLES:
        if wanted[role]:
            score.exact_lists[role][0] += 1
            score.exact_lists[role][1] += wanted[role] == given[role]


def count_unlabelled(
    corpus: Path, parts: Iterable[str], folders: bool = True
) -> dict[str, collections.Counter[str]]:
    """What the parser finds in corpora without labels."""
    out: dict[str, collections.Counter[str]] = {}
    for part in parts:
        counts: collections.Counter[str] = collections.Counter()
        paths = sorted((corpus / part).rglob("*.txt"))
        verdicts = folder_verdicts(paths) if folders else {}
        for path in paths:
            counts["files"] += 1
            text = decode(path.read_bytes()).text
            try:
                article = parse_article(
                    text,
                    source=str(path.relative_to(corpus)),
                    dek_folder=verdicts.get(path.parent, 0),
                )
            except NewsArchiveError:
                counts["refused"] += 1
                continue
            first = next(line.strip() for line in text.split("\n") if line.strip())
            counts["headline is line 1"] += article.headline == first
            counts["dek"] += article.dek is not None
            counts["byline"] += article.byline is not None
            counts["source url"] += article.source_url is not None
            if article.date_source is not None and article.date_source.explicit:
                counts["stated date"] += 1
                if part.startswith("bbc") and article.published.year not in (2004, 2005):  # type: ignore[union-attr]
                    counts["false date"] += 1
            for block in article.blocks:
                counts[BLOCK_ROLE.get(block.kind.value, block.kind.value) + " blocks"] += 1
        out[part] = counts
    return out


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def print_table(scores: dict[str, Score]) -> None:
    names = list(scores)
    fields = ["dek (article)", *LINE_ROLES[:-1], LABELLED_SUBHEADINGS, "stated date", "source url"]
    print("| field | " + " | ".join(names) + " |")
    print("| --- | " + " | ".join("---:" for _ in names) + " |")
    print("| articles | " + " | ".join(str(scores[n].articles) for n in names) + " |")
    heads = [f"{scores[n].headline_right / max(1, scores[n].articles):.1%}" for n in names]
    print("| headline exact | " + " | ".join(heads) + " |")
    for role in EXACT_LIST_ROLES:
        lists = [scores[n].exact_lists.get(role, [0, 0]) for n in names]
        cells = [f"{exact}/{n}" if n else "–" for n, exact in lists]
        print(f"| {role} lines exact, files that have any | " + " | ".join(cells) + " |")
    for name in fields:
        cells = []
        for n in names:
            c = scores[n].fields.get(name)
            if c is None or c.tp + c.fp + c.fn == 0:
                cells.append("–")
            else:
                cells.append(f"{_pct(c.precision)} / {_pct(c.recall)} ({c.tp + c.fn})")
        print(f"| {name} P / R (n) | " + " | ".join(cells) + " |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--split", choices=["score", "tune", "all"], default="score")
    parser.add_argument("--by", choices=["dataset", "layout", "both", "none"], default="dataset")
    parser.add_argument("--json", action="store_true", help="machine-readable figures")
    parser.add_argument("--misses", metavar="ROLE", help="list lines where ROLE was missed")
    parser.add_argument(
        "--no-folders",
        action="store_true",
        help="each file alone: no folder's verdict on a standfirst (as in a folder of one)",
    )
    args = parser.parse_args()
    if not (args.corpora / "structured").is_dir():
        print(f"no labelled corpus at {args.corpora / 'structured'}", file=sys.stderr)
        return 1
    folders = not args.no_folders
    scores = score_structured(args.corpora, args.split, args.by, args.misses, folders)
    if args.json:
        print(json.dumps(summary(scores["all"]), indent=2))
        return 0
    print(f"## structured/ and standfirsts/, split {args.split}\n")
    print_table(scores)
    if args.misses:
        print()
        print("\n".join(scores["all"].misses[:200]))
        return 0
    unlabelled = count_unlabelled(
        args.corpora,
        ["bbc/bbc", "perez-rosas/celebrityDataset", "perez-rosas/fakeNewsDataset"],
        folders,
    )
    print("\n## unlabelled corpora (counts)\n")
    keys = sorted({k for c in unlabelled.values() for k in c})
    print("| | " + " | ".join(unlabelled) + " |")
    print("| --- | " + " | ".join("---:" for _ in unlabelled) + " |")
    for key in keys:
        print(f"| {key} | " + " | ".join(str(c[key]) for c in unlabelled.values()) + " |")
    return 0


def summary(score: Score) -> dict[str, float | None]:
    """The figures the quality floor in tests/ holds."""
    out: dict[str, float | None] = {"headline": score.headline_right / max(1, score.articles)}
    for name, counts in score.fields.items():
        out[f"{name} precision"] = counts.precision
        out[f"{name} recall"] = counts.recall
    return out


if __name__ == "__main__":
    raise SystemExit(main())
