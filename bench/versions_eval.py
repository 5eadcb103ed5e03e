#!/usr/bin/env python3
"""Near-duplicate clusters against an exact truth: edited versions of real articles, and the
pair precision and recall of an archive's `articles.cluster_id`.

    python bench/versions_eval.py --generate OUT_DIR [--seed 1] [--count 1000]
                                  [--max-versions 4] [--decoys N] [--corpus DIR]
    python bench/versions_eval.py --archive ARCHIVE.db [--threshold 0.5]
                                  [--manifest OUT_DIR/manifest.json]
    python bench/versions_eval.py --archive ARCHIVE.db --sweep

Truth, fixed and independent of the clustering under test: an article's text is its
headline, dek (if any) and body (story lines) joined by newlines; its words are
`re.findall(r"\\w+", NFKC(text).casefold())`; its shingles the set of 5-word tuples (fewer
than 5 words: one tuple of all of them). Two articles are near-duplicates when the Jaccard
index J of their shingle sets is at least the threshold. Every pair is counted exactly: an
inverted index from shingle to articles, intersections counted only for articles that share
one (standard library only, no sampling, no hashing of shingles).

`--generate` writes, from real BBC articles (`../shared/corpora/bbc/bbc`), each base article
as it is plus 1-4 edited versions (sentence edits, an added, removed or rewritten paragraph,
a new headline, byte-level changes that keep the text, truncation, combinations), and decoy
pairs: distinct articles of one category with the most content words in common. Files get
random names under OUT_DIR/articles/ (ingest that folder); OUT_DIR/manifest.json says which
base and which edits each file is, for the per-kind table of `--archive ... --manifest`.

`--archive` reads the archive read-only and compares same-cluster pairs with the truth;
`--sweep` shows how J is spread over all pairs, to choose the threshold.
"""

from __future__ import annotations

import argparse
import bisect
import collections
import heapq
import itertools
import json
import random
import re
import sqlite3
import statistics
import sys
import time
import unicodedata
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "bbc" / "bbc"
WORD = re.compile(r"\w+")
SHINGLE = 5
SWEEP_FLOOR = 0.05  # pairs below this J are not kept (the sweep starts there)
BUCKET = 0.05
SWEEP_THRESHOLDS = [round(0.30 + 0.05 * k, 2) for k in range(13)]  # 0.30 .. 0.90
LIST_LENGTH = 20
# Same-cluster pairs whose J is below SWEEP_FLOOR are not in the pair table; at most this
# many are computed one by one for the list of lowest-J pairs (a runaway cluster of
# thousands would otherwise take minutes, and is visible in the counts anyway).
EXACT_CAP = 2_000_000


# --------------------------------------------------------------------------------------
# The truth
# --------------------------------------------------------------------------------------


def article_text(headline: str, dek: str | None, body: str) -> str:
    return "\n".join([headline, dek, body] if dek else [headline, body])


def shingles(text: str) -> set[str]:
    """The article's 5-word shingles. Words hold no spaces, so joining them with one is an
    exact stand-in for the tuple (and a short article's tuple has fewer spaces, so it
    cannot equal a 5-word one)."""
    words = WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    if len(words) < SHINGLE:
        return {" ".join(words)}
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


@dataclass
class Truth:
    """Shingle sets as integer ids, and J for every pair (i < j, list indices) above a floor."""

    docs: list[list[int]]
    pairs: dict[tuple[int, int], float]
    floor: float
    shingle_seconds: float
    pair_seconds: float

    def jaccard(self, i: int, j: int, cache: dict[int, frozenset[int]] | None = None) -> float:
        key = (i, j) if i < j else (j, i)
        if key in self.pairs:
            return self.pairs[key]
        cache = {} if cache is None else cache
        a = cache.setdefault(i, frozenset(self.docs[i]))
        b = cache.setdefault(j, frozenset(self.docs[j]))
        common = len(a & b)
        return common / (len(a) + len(b) - common)


def compute_truth(texts: Sequence[str], floor: float) -> Truth:
    """Exact J for every pair with J >= floor."""
    start = time.perf_counter()
    ids: dict[str, int] = {}
    docs = [[ids.setdefault(s, len(ids)) for s in shingles(text)] for text in texts]
    del ids
    shingled = time.perf_counter()
    frequency = collections.Counter(itertools.chain.from_iterable(docs))
    postings: dict[int, list[int]] = {}
    for index, doc in enumerate(docs):
        for s in doc:
            if frequency[s] > 1:
                postings.setdefault(s, []).append(index)
    del frequency
    pairs: dict[tuple[int, int], float] = {}
    sizes = [len(doc) for doc in docs]
    for i, doc in enumerate(docs):
        # Postings are in ascending order: only the part after i is counted, each pair once.
        later = []
        for s in doc:
            posting = postings.get(s)
            if posting is not None and posting[-1] > i:
                later.append(posting[bisect.bisect_right(posting, i) :])
        if not later:
            continue
        size = sizes[i]
        for j, common in collections.Counter(itertools.chain.from_iterable(later)).items():
            jac = common / (size + sizes[j] - common)
            if jac >= floor:
                pairs[(i, j)] = jac
    return Truth(docs, pairs, floor, shingled - start, time.perf_counter() - shingled)


class Components:
    """Union-find over list indices."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while x != root:
            parent[x], x = root, parent.get(x, x)
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def sizes(self, members: Iterable[int]) -> collections.Counter[int]:
        return collections.Counter(self.find(m) for m in members)


def pairs_of(n: int) -> int:
    return n * (n - 1) // 2


# --------------------------------------------------------------------------------------
# Reading the archive
# --------------------------------------------------------------------------------------


@dataclass
class Archive:
    ids: list[int]
    headlines: list[str]
    texts: list[str]
    clusters: list[object] | None  # None where the article has no cluster_id
    paths: dict[int, list[str]]


def read_archive(path: Path, need_clusters: bool) -> Archive:
    if not path.is_file():
        raise SystemExit(f"no archive at {path}")
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"
    with sqlite3.connect(uri, uri=True) as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(articles)")}
        if not {"id", "headline", "body"} <= columns:
            raise SystemExit(f"{path}: no articles table with id, headline and body")
        if need_clusters and "cluster_id" not in columns:
            raise SystemExit(f"{path}: articles has no cluster_id column (try --sweep)")
        dek = "dek" if "dek" in columns else "NULL"
        cluster = "cluster_id" if "cluster_id" in columns else "NULL"
        rows = db.execute(
            f"SELECT id, headline, {dek}, body, {cluster} FROM articles ORDER BY id"
        ).fetchall()
        paths: dict[int, list[str]] = collections.defaultdict(list)
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        if "article_sources" in tables:
            for article_id, source in db.execute("SELECT article_id, path FROM article_sources"):
                paths[article_id].append(source)
    db.close()
    return Archive(
        ids=[row[0] for row in rows],
        headlines=[row[1] or "" for row in rows],
        texts=[article_text(row[1] or "", row[2], row[3] or "") for row in rows],
        clusters=[row[4] for row in rows] if need_clusters else None,
        paths=paths,
    )


# --------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------


def _n(value: int) -> str:
    return f"{value:,}"


def _ratio(num: int, den: int) -> str:
    return "–" if den == 0 else f"{num / den:.4f}"


def _cell(text: str, width: int = 60) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= width else text[: width - 1] + "…"


def _edges(low: float) -> list[float]:
    """Bucket edges from `low` up to 1.0 on the 0.05 grid (1.0 itself is a bucket)."""
    grid = [round(k * BUCKET, 2) for k in range(round(1 / BUCKET) + 1)]
    return [low, *(e for e in grid if e > low + 1e-9)]


def _bucket_label(edges: list[float], index: int) -> str:
    if index == len(edges) - 1:
        return "1.00 (same shingles)"
    return f"{edges[index]:.2f}–{edges[index + 1]:.2f}"


def _bucket(edges: list[float], value: float) -> int:
    return bisect.bisect_right(edges, value) - 1


def _quantile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Evaluation:
    true: int = 0
    predicted: int = 0
    both: int = 0
    justified: int = 0
    components_pairs: int = 0
    multi_clusters: int = 0
    largest: int = 0
    histogram: collections.Counter[int] = field(default_factory=collections.Counter)
    histogram_hit: collections.Counter[int] = field(default_factory=collections.Counter)
    missed: list[tuple[float, int, int]] = field(default_factory=list)
    lowest: list[tuple[float, int, int, str]] = field(default_factory=list)
    unevaluated: int = 0


def evaluate(archive: Archive, truth: Truth, threshold: float) -> Evaluation:
    assert archive.clusters is not None
    result = Evaluation()
    label: list[object] = [
        ("singleton", i) if c is None else ("cluster", c) for i, c in enumerate(archive.clusters)
    ]
    members: dict[object, list[int]] = collections.defaultdict(list)
    for index, key in enumerate(label):
        members[key].append(index)
    groups = [m for m in members.values() if len(m) > 1]
    result.multi_clusters = len(groups)
    result.largest = max((len(m) for m in groups), default=1)
    result.predicted = sum(pairs_of(len(m)) for m in groups)

    edges = _edges(threshold)
    inside = Components()  # J >= t edges within a cluster
    everywhere = Components()  # all J >= t edges: what a perfect components clustering joins
    missed: list[tuple[float, int, int]] = []
    for (i, j), jac in truth.pairs.items():
        if jac < threshold:
            continue
        result.true += 1
        bucket = _bucket(edges, jac)
        result.histogram[bucket] += 1
        everywhere.union(i, j)
        if label[i] == label[j]:
            result.both += 1
            result.histogram_hit[bucket] += 1
            inside.union(i, j)
        else:
            missed.append((jac, i, j))
    result.missed = heapq.nsmallest(LIST_LENGTH, missed, key=lambda m: (-m[0], m[1], m[2]))
    result.justified = sum(
        pairs_of(size) for m in groups for size in inside.sizes(m).values() if size > 1
    )
    result.components_pairs = sum(
        pairs_of(size) for size in everywhere.sizes(range(len(label))).values() if size > 1
    )

    def same_cluster_pairs() -> Iterator[tuple[float, int, int, str]]:
        budget = EXACT_CAP
        for m in groups:
            cache: dict[int, frozenset[int]] = {}
            for i, j in itertools.combinations(m, 2):
                if (i, j) not in truth.pairs:
                    if budget == 0:
                        result.unevaluated += 1
                        continue
                    budget -= 1
                jac = truth.jaccard(i, j, cache)
                if jac >= threshold:
                    how = "direct"
                elif inside.find(i) == inside.find(j):
                    how = "chain"
                else:
                    how = "none"
                yield jac, i, j, how

    result.lowest = heapq.nsmallest(LIST_LENGTH, same_cluster_pairs())
    return result


def print_evaluation(
    name: str, archive: Archive, truth: Truth, threshold: float, result: Evaluation
) -> None:
    r = result
    direct = r.both
    chained = r.justified - r.both
    unjoined = r.predicted - r.justified
    print(f"## Clusters against the exact truth: `{name}` (near-duplicate: J >= {threshold:.2f})\n")
    print("| | pairs | share |")
    print("| --- | ---: | ---: |")
    print(f"| articles | {_n(len(archive.ids))} | |")
    print(
        f"| clusters of more than one article (largest) | {_n(r.multi_clusters)} "
        f"({_n(r.largest)}) | |"
    )
    print(f"| true pairs (J >= {threshold:.2f}) | {_n(r.true)} | |")
    print(f"| predicted pairs (same cluster) | {_n(r.predicted)} | |")
    print(f"| true and predicted | {_n(r.both)} | |")
    print(
        f"| **pair precision** (true and predicted / predicted) | | {_ratio(r.both, r.predicted)} |"
    )
    print(f"| **pair recall** (true and predicted / true) | | {_ratio(r.both, r.true)} |")
    print(f"| same-cluster pairs with J >= {threshold:.2f} | {_n(direct)} | ", end="")
    print(f"{_ratio(direct, r.predicted)} |")
    print(
        f"| same-cluster pairs below it, joined by a chain of J >= {threshold:.2f} pairs "
        f"inside the cluster | {_n(chained)} | {_ratio(chained, r.predicted)} |"
    )
    print(
        f"| same-cluster pairs below it with no such chain | {_n(unjoined)} | "
        f"{_ratio(unjoined, r.predicted)} |"
    )
    print(
        "| **edge precision** ((direct + chained) / predicted) | | "
        f"{_ratio(r.justified, r.predicted)} |"
    )
    print(
        f"| pairs inside the connected components of all J >= {threshold:.2f} pairs "
        f"(precision of a perfect components clustering) | {_n(r.components_pairs)} | "
        f"{_ratio(r.true, r.components_pairs)} |"
    )
    print(
        f"\nTruth: {truth.shingle_seconds + truth.pair_seconds:.2f} s "
        f"(shingling {truth.shingle_seconds:.2f} s, pairs {truth.pair_seconds:.2f} s).\n"
    )

    edges = _edges(threshold)
    print("### J of the true pairs\n")
    print("| J | true pairs | in one cluster | recall |")
    print("| --- | ---: | ---: | ---: |")
    for index in range(len(edges)):
        count = r.histogram[index]
        hit = r.histogram_hit[index]
        print(f"| {_bucket_label(edges, index)} | {_n(count)} | {_n(hit)} | {_ratio(hit, count)} |")

    head = archive.headlines
    ids = archive.ids
    print(f"\n### The {LIST_LENGTH} highest-J true pairs the clustering split\n")
    if r.missed:
        print("| id | id | J | headline | headline |")
        print("| ---: | ---: | ---: | --- | --- |")
        for jac, i, j in r.missed:
            print(f"| {ids[i]} | {ids[j]} | {jac:.3f} | {_cell(head[i])} | {_cell(head[j])} |")
    else:
        print("None.")
    print(f"\n### The {LIST_LENGTH} lowest-J same-cluster pairs\n")
    if r.lowest:
        print("| id | id | J | joined | headline | headline |")
        print("| ---: | ---: | ---: | --- | --- | --- |")
        for jac, i, j, how in r.lowest:
            print(
                f"| {ids[i]} | {ids[j]} | {jac:.3f} | {how} | {_cell(head[i])} | {_cell(head[j])} |"
            )
    else:
        print("None.")
    if r.unevaluated:
        print(f"\n({_n(r.unevaluated)} same-cluster pairs past the first {_n(EXACT_CAP)} below")
        print(f"J {truth.floor:.2f} were not computed one by one and are not in this list.)")


def print_kinds(archive: Archive, truth: Truth, threshold: float, manifest_path: Path) -> None:
    """Recall per edit kind: each version against its original, and the decoy pairs."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    by_name: dict[str, set[int]] = collections.defaultdict(set)
    position = {article_id: index for index, article_id in enumerate(archive.ids)}
    for article_id, sources in archive.paths.items():
        for source in sources:
            if article_id in position:
                by_name[Path(source.replace("\\", "/")).name].add(position[article_id])

    def locate(name: str) -> int | None:
        found = by_name.get(Path(name).name)
        return min(found) if found else None

    clusters = archive.clusters
    rows: dict[str, list[tuple[float, bool]]] = collections.defaultdict(list)
    missing: collections.Counter[str] = collections.Counter()
    same_article: collections.Counter[str] = collections.Counter()
    cases: list[tuple[str, str, str]] = []
    for name, entry in manifest["files"].items():
        if entry["role"] == "version":
            cases.append((entry["kind"], name, entry["original"]))
    cases += [("decoy pair", d["a"], d["b"]) for d in manifest["decoys"]]
    for kind, a_name, b_name in cases:
        a, b = locate(a_name), locate(b_name)
        if a is None or b is None:
            missing[kind] += 1
            continue
        if a == b:
            same_article[kind] += 1
            continue
        jac = truth.jaccard(a, b)
        together = clusters is not None and clusters[a] is not None and clusters[a] == clusters[b]
        rows[kind].append((jac, together))
        if kind != "decoy pair":
            rows["all versions"].append((jac, together))
    print(f"\n### Per edit kind: each version against its original (`{manifest_path.name}`)\n")
    print(
        f"| kind | pairs | J median | J p10 | J min | J max | true (J >= {threshold:.2f}) | "
        "true in one cluster | recall | false in one cluster | not in archive | one article |"
    )
    print("| --- | " + " | ".join("---:" for _ in range(11)) + " |")
    order = sorted(k for k in rows if k not in ("all versions", "decoy pair"))
    for kind in [*order, "all versions", "decoy pair"]:
        values = rows.get(kind, [])
        js = [v[0] for v in values]
        true = [v for v in values if v[0] >= threshold]
        hit = sum(1 for v in true if v[1])
        false_together = sum(1 for v in values if v[0] < threshold and v[1])
        summary = (statistics.median(js), _quantile(js, 0.1), min(js), max(js)) if js else ()
        stats = [f"{v:.3f}" for v in summary] or ["–"] * 4
        extra = [
            _n(missing[kind]) if kind in missing else "0",
            _n(same_article[kind]) if kind in same_article else "0",
        ]
        if kind == "all versions":
            extra = [_n(sum(v for k, v in missing.items() if k != "decoy pair"))]
            extra.append(_n(sum(v for k, v in same_article.items() if k != "decoy pair")))
        cells = [_n(len(values)), *stats, _n(len(true)), _n(hit), _ratio(hit, len(true))]
        cells += [_n(false_together), *extra]
        print(f"| {kind} | " + " | ".join(cells) + " |")


def print_sweep(name: str, archive: Archive, truth: Truth) -> None:
    edges = _edges(SWEEP_FLOOR)
    counts: collections.Counter[int] = collections.Counter(
        _bucket(edges, jac) for jac in truth.pairs.values() if jac > SWEEP_FLOOR
    )
    total = sum(counts.values())
    print(f"## J over all pairs with J > {SWEEP_FLOOR:.2f}: `{name}`\n")
    print(
        f"{_n(len(archive.ids))} articles, {_n(pairs_of(len(archive.ids)))} pairs; truth "
        f"{truth.shingle_seconds + truth.pair_seconds:.2f} s.\n"
    )
    print("| J | pairs | pairs at or above the bucket's lower edge |")
    print("| --- | ---: | ---: |")
    above = total
    for index in range(len(edges)):
        print(f"| {_bucket_label(edges, index)} | {_n(counts[index])} | {_n(above)} |")
        above -= counts[index]
    print("\n## Candidate thresholds\n")
    print(
        "| threshold | true pairs | articles in a true pair | groups (connected components "
        "of true pairs) | largest | pairs inside the groups | true / inside |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for threshold in SWEEP_THRESHOLDS:
        components = Components()
        joined: set[int] = set()
        true = 0
        for (i, j), jac in truth.pairs.items():
            if jac >= threshold:
                true += 1
                components.union(i, j)
                joined.update((i, j))
        sizes = list(components.sizes(joined).values())
        inside = sum(pairs_of(s) for s in sizes)
        print(
            f"| {threshold:.2f} | {_n(true)} | {_n(sum(sizes))} | {_n(len(sizes))} | "
            f"{_n(max(sizes, default=0))} | {_n(inside)} | {_ratio(true, inside)} |"
        )


# --------------------------------------------------------------------------------------
# Generating edited versions
# --------------------------------------------------------------------------------------

SENTENCE_END = re.compile(r"(?<=[.!?\"'])\s+(?=[\"'A-Z0-9£$])")
TOKEN = re.compile(r"^(\W*)(.*?)(\W*)$", re.DOTALL)
CAPITALISED = re.compile(r"(?<=[a-z,] )[A-Z][a-z]{2,}(?: [A-Z][a-z]{2,})?")
FILLERS = "also now still reportedly however recently already further only just even".split()
HEADLINE_PREFIXES = ["Update: ", "UPDATED: ", "Live: ", "Latest: ", "Analysis: "]
CONTENT_KINDS = [
    "sentence edits",
    "added paragraph",
    "removed paragraph",
    "changed paragraph",
    "new headline",
    "truncated",
]
KINDS = [*CONTENT_KINDS, "bytes only", "combination"]
CORRECTIONS = [
    "Correction: An earlier version of this article gave the wrong figure for {frag}. "
    "It has been amended.",
    "Correction: This story originally misspelled the name of {name}.",
    "Correction: An earlier version of this article said {frag}. That was wrong, and we "
    "apologise for the error.",
    "Correction: {name} was wrongly described in an earlier version of this report.",
    "This article was amended on {day} to correct a reference to {name}.",
]
DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()


@dataclass(frozen=True)
class Doc:
    headline: str
    paragraphs: tuple[str, ...]


@dataclass
class Source:
    name: str  # category/NNN.txt
    category: str
    data: bytes
    doc: Doc


@dataclass
class Context:
    rng: random.Random
    vocabulary: dict[str, list[str]]  # category -> words seen in it
    paragraphs: dict[str, list[str]]  # category -> paragraphs of its articles
    source: Source


def parse_source(text: str) -> Doc:
    lines = text.replace("\r\n", "\n").split("\n")
    rest = "\n".join(lines[1:])
    paragraphs = tuple(p.strip() for p in re.split(r"\n[ \t]*\n", rest) if p.strip())
    return Doc(lines[0].strip(), paragraphs)


def load_corpus(root: Path) -> list[Source]:
    sources = []
    for path in sorted(root.glob("*/*.txt")):
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
        category = path.parent.name
        sources.append(Source(f"{category}/{path.name}", category, data, parse_source(text)))
    if not sources:
        raise SystemExit(f"no articles under {root} (expected <category>/NNN.txt)")
    return sources


def split_sentences(paragraph: str) -> list[str]:
    return SENTENCE_END.split(paragraph)


def _retoken(old: str, core: str) -> str:
    match = TOKEN.match(old)
    assert match is not None
    if match.group(2)[:1].isupper():
        core = core[:1].upper() + core[1:]
    return match.group(1) + core + match.group(3)


def edit_words(sentence: str, operations: int, ctx: Context) -> str:
    """Change, insert or delete `operations` words; numbers change digit by digit."""
    rng = ctx.rng
    words = sentence.split()
    vocabulary = ctx.vocabulary[ctx.source.category]
    for _ in range(operations):
        op = rng.choice(("change", "change", "insert", "delete"))
        if len(words) < 5 and op == "delete":
            op = "insert"
        if op == "insert":
            new = rng.choice(FILLERS) if rng.random() < 0.5 else rng.choice(vocabulary)
            words.insert(rng.randrange(1, len(words) + 1), new)
        elif op == "delete":
            del words[rng.randrange(len(words))]
        else:
            at = rng.randrange(len(words))
            old = words[at]
            core = TOKEN.match(old).group(2)  # type: ignore[union-attr]
            digits = [k for k, ch in enumerate(core) if ch.isdigit()]
            if digits:
                k = rng.choice(digits)
                new_digit = rng.choice([d for d in "0123456789" if d != core[k]])
                words[at] = _retoken(old, core[:k] + new_digit + core[k + 1 :])
            else:
                new_core = rng.choice(
                    [w for w in rng.sample(vocabulary, 3) if w != core] or ["new"]
                )
                words[at] = _retoken(old, new_core)
    return " ".join(words)


def _sentence_slots(doc: Doc) -> list[tuple[int, int]]:
    return [
        (p, s) for p, para in enumerate(doc.paragraphs) for s in range(len(split_sentences(para)))
    ]


def _with_sentences(doc: Doc, edits: dict[tuple[int, int], str]) -> Doc:
    paragraphs = list(doc.paragraphs)
    for p in sorted({p for p, _ in edits}):
        sentences = split_sentences(paragraphs[p])
        for (q, s), text in edits.items():
            if q == p:
                sentences[s] = text
        paragraphs[p] = " ".join(sentences)
    return replace(doc, paragraphs=tuple(paragraphs))


def sentence_edits(doc: Doc, ctx: Context) -> tuple[Doc, str] | None:
    slots = _sentence_slots(doc)
    if not slots:
        return None
    chosen = ctx.rng.sample(slots, min(len(slots), ctx.rng.randint(1, 4)))
    edits = {}
    for p, s in chosen:
        sentence = split_sentences(doc.paragraphs[p])[s]
        edits[(p, s)] = edit_words(sentence, ctx.rng.randint(1, 3), ctx)
    return _with_sentences(doc, edits), f"{len(chosen)} sentence" + "s" * (len(chosen) > 1)


def added_paragraph(doc: Doc, ctx: Context) -> tuple[Doc, str] | None:
    rng = ctx.rng
    paragraphs = list(doc.paragraphs)
    if rng.random() < 0.5:
        body = " ".join(paragraphs)
        sentences = split_sentences(body)
        words = rng.choice(sentences).split()
        start = rng.randrange(max(1, len(words) - 6))
        frag = " ".join(words[start : start + rng.randint(4, 8)]).strip(".,;:\"'")
        names = CAPITALISED.findall(body)
        name = rng.choice(names) if names else "the company's spokesman"
        text = rng.choice(CORRECTIONS).format(frag=frag, name=name, day=rng.choice(DAYS))
        at = len(paragraphs) if rng.random() < 0.7 else 0
        paragraphs.insert(at, text)
        return replace(doc, paragraphs=tuple(paragraphs)), "correction " + (
            "at the end" if at else "at the top"
        )
    own = set(doc.paragraphs)
    pool = [p for p in ctx.paragraphs[ctx.source.category] if p not in own]
    text = rng.choice(pool)
    paragraphs.insert(rng.randint(1, len(paragraphs)), text)
    return replace(doc, paragraphs=tuple(paragraphs)), "paragraph from another article"


def removed_paragraph(doc: Doc, ctx: Context) -> tuple[Doc, str] | None:
    if len(doc.paragraphs) < 2:
        return None
    at = ctx.rng.randrange(len(doc.paragraphs))
    paragraphs = doc.paragraphs[:at] + doc.paragraphs[at + 1 :]
    return replace(doc, paragraphs=paragraphs), f"paragraph {at + 1} of {len(doc.paragraphs)}"


def changed_paragraph(doc: Doc, ctx: Context) -> tuple[Doc, str] | None:
    """One paragraph rewritten: about one word in four changed, sentences maybe reordered."""
    rng = ctx.rng
    at = rng.randrange(len(doc.paragraphs))
    sentences = [
        edit_words(s, max(1, len(s.split()) // 4), ctx) for s in split_sentences(doc.paragraphs[at])
    ]
    if len(sentences) > 1 and rng.random() < 0.5:
        rng.shuffle(sentences)
    paragraphs = list(doc.paragraphs)
    paragraphs[at] = " ".join(sentences)
    share = len(doc.paragraphs[at]) / max(1, sum(len(p) for p in doc.paragraphs))
    return replace(doc, paragraphs=tuple(paragraphs)), f"{share:.0%} of the body"


def new_headline(doc: Doc, ctx: Context) -> tuple[Doc, str] | None:
    rng = ctx.rng
    how = rng.choice(("prefix", "reworded", "from the lede"))
    if how == "prefix":
        headline = rng.choice(HEADLINE_PREFIXES) + doc.headline
    elif how == "reworded":
        headline = edit_words(doc.headline, rng.randint(1, 2), ctx)
    else:
        words = split_sentences(doc.paragraphs[0])[0].split()[: rng.randint(5, 9)]
        headline = " ".join(words).rstrip(".,;:")
    if headline == doc.headline:
        return None
    return replace(doc, headline=headline), how


def truncated(doc: Doc, ctx: Context) -> tuple[Doc, str] | None:
    share = ctx.rng.uniform(0.3, 0.9)
    if len(doc.paragraphs) >= 2:
        keep = min(len(doc.paragraphs) - 1, max(1, round(share * len(doc.paragraphs))))
        kept = doc.paragraphs[:keep]
        return replace(doc, paragraphs=kept), f"{keep} of {len(doc.paragraphs)} paragraphs"
    sentences = split_sentences(doc.paragraphs[0]) if doc.paragraphs else []
    if len(sentences) < 2:
        return None
    keep = min(len(sentences) - 1, max(1, round(share * len(sentences))))
    text = " ".join(sentences[:keep])
    return replace(doc, paragraphs=(text,)), f"{keep} of {len(sentences)} sentences"


EDITS: dict[str, Callable[[Doc, Context], tuple[Doc, str] | None]] = {
    "sentence edits": sentence_edits,
    "added paragraph": added_paragraph,
    "removed paragraph": removed_paragraph,
    "changed paragraph": changed_paragraph,
    "new headline": new_headline,
    "truncated": truncated,
}
BYTE_CHANGES = ["cp1252", "crlf", "trailing spaces", "blank lines", "utf-8 bom", "no final newline"]


def render(doc: Doc, changes: Sequence[str], rng: random.Random) -> tuple[bytes, list[str]]:
    """The file's bytes, with byte-level changes that keep the text; the changes applied."""
    applied = []
    separators = ["\n\n"] * len(doc.paragraphs)
    if "blank lines" in changes and separators:
        for k in rng.sample(range(len(separators)), max(1, len(separators) // 2)):
            separators[k] = "\n" * rng.randint(3, 5)
        applied.append("blank lines")
    text = doc.headline
    for separator, paragraph in zip(separators, doc.paragraphs, strict=True):
        text += separator + paragraph
    text += "\n" if "no final newline" not in changes else ""
    if "no final newline" in changes:
        applied.append("no final newline")
    if "trailing spaces" in changes:
        lines = text.split("\n")
        for k in rng.sample(range(len(lines)), max(1, len(lines) // 3)):
            lines[k] += rng.choice([" ", "  ", "\t", " \t "])
        text = "\n".join(lines)
        applied.append("trailing spaces")
    if "crlf" in changes:
        text = text.replace("\n", "\r\n")
        applied.append("crlf")
    if "cp1252" in changes and not text.isascii():
        try:
            data = text.encode("cp1252")
            applied.append("cp1252")
            return data, applied
        except UnicodeEncodeError:
            pass
    if "utf-8 bom" in changes:
        applied.append("utf-8 bom")
        return b"\xef\xbb\xbf" + text.encode("utf-8"), applied
    return text.encode("utf-8"), applied


def bytes_only(source: Source, rng: random.Random) -> tuple[bytes, list[str]]:
    """The original's text in different bytes (a change that does not show is redrawn)."""
    while True:
        changes = rng.sample(BYTE_CHANGES, rng.randint(1, 3))
        data, applied = render(source.doc, changes, rng)
        if applied and data != source.data:
            return data, applied


def make_version(kind: str, ctx: Context) -> tuple[bytes, list[str], list[str]] | None:
    """(bytes, edit kinds applied, details) for one version of kind `kind`, or None."""
    rng, doc = ctx.rng, ctx.source.doc
    if kind == "bytes only":
        data, applied = bytes_only(ctx.source, rng)
        return data, ["bytes only"], applied
    if kind in EDITS:
        edited = EDITS[kind](doc, ctx)
        if edited is None:
            return None
        return render(edited[0], (), rng)[0], [kind], [edited[1]]
    parts, details = [], []
    for part in rng.sample(CONTENT_KINDS, rng.randint(2, 3)):
        edited = EDITS[part](doc, ctx)
        if edited is not None:
            doc = edited[0]
            parts.append(part)
            details.append(edited[1])
    if len(parts) < 2:
        return None
    changes = rng.sample(BYTE_CHANGES, rng.randint(1, 2)) if rng.random() < 0.5 else []
    data, applied = render(doc, changes, rng)
    if applied:
        parts.append("bytes only")
        details.append(", ".join(applied))
    return data, parts, details


def content_words(sources: Sequence[Source]) -> list[set[str]]:
    """Each article's words of 4+ letters that occur in at most 5 % of articles: what a
    topic is made of (function words would make every long article look alike)."""
    words = [
        {
            w
            for w in WORD.findall(
                article_text(s.doc.headline, None, "\n".join(s.doc.paragraphs)).casefold()
            )
            if len(w) >= 4 and w.isalpha()
        }
        for s in sources
    ]
    frequency = collections.Counter(itertools.chain.from_iterable(words))
    limit = 0.05 * len(sources)
    return [{w for w in ws if frequency[w] <= limit} for ws in words]


def pick_decoys(sources: Sequence[Source], count: int) -> list[tuple[int, int, float, float]]:
    """The `count` most alike disjoint pairs of distinct articles of one category, by content
    words in common, skipping corpus near-duplicates (5-word shingle J >= 0.5: the same
    story filed twice is not a decoy). Follow-ups of one story are what tests precision."""
    words = content_words(sources)
    postings: dict[tuple[str, str], list[int]] = collections.defaultdict(list)
    for index, (source, ws) in enumerate(zip(sources, words, strict=True)):
        for word in sorted(ws):
            postings[(source.category, word)].append(index)
    alike: list[tuple[float, int, int]] = []
    for i, (source, ws) in enumerate(zip(sources, words, strict=True)):
        later = itertools.chain.from_iterable(
            p[bisect.bisect_right(p, i) :] for p in (postings[(source.category, w)] for w in ws)
        )
        for j, common in collections.Counter(later).items():
            alike.append((-common / (len(ws) + len(words[j]) - common), i, j))
    alike.sort()
    texts = [article_text(s.doc.headline, None, "\n".join(s.doc.paragraphs)) for s in sources]
    used: set[int] = set()
    decoys: list[tuple[int, int, float, float]] = []
    for negative, i, j in alike:
        if len(decoys) >= count:
            break
        if i in used or j in used or sources[i].data == sources[j].data:
            continue
        a, b = shingles(texts[i]), shingles(texts[j])
        shingle_j = len(a & b) / len(a | b)
        if shingle_j < 0.5:
            decoys.append((i, j, -negative, shingle_j))
            used.update((i, j))
    return decoys


def generate(
    out: Path, corpus: Path, seed: int, count: int, max_versions: int, decoy_count: int
) -> dict[str, object]:
    rng = random.Random(seed)
    sources = load_corpus(corpus)
    vocabulary: dict[str, list[str]] = collections.defaultdict(list)
    paragraphs: dict[str, list[str]] = collections.defaultdict(list)
    for source in sources:
        seen = set(vocabulary[source.category])
        for word in WORD.findall(" ".join(source.doc.paragraphs).lower()):
            if len(word) >= 3 and word.isalpha() and word not in seen:
                seen.add(word)
                vocabulary[source.category].append(word)
        paragraphs[source.category].extend(p for p in source.doc.paragraphs if len(p) > 80)

    articles = out / "articles"
    if articles.exists() and any(articles.iterdir()):
        raise SystemExit(f"{articles} is not empty; choose a new OUT_DIR")
    folders = [f"{rng.getrandbits(24):06x}" for _ in range(4)]
    names: set[str] = set()
    files: dict[str, dict[str, object]] = {}
    written: set[bytes] = set()

    def write(data: bytes, entry: dict[str, object]) -> str:
        while True:
            name = f"{rng.choice(folders)}/{rng.getrandbits(48):012x}.txt"
            if name not in names:
                break
        names.add(name)
        path = articles / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.add(data)
        files[name] = entry
        return name

    original_file: dict[int, str] = {}

    def original(index: int) -> str:
        if index not in original_file:
            entry: dict[str, object] = {"base": sources[index].name, "role": "original"}
            original_file[index] = write(sources[index].data, entry)
        return original_file[index]

    bases = rng.sample(range(len(sources)), min(count, len(sources)))
    kinds_made: collections.Counter[str] = collections.Counter()
    for index in bases:
        source = sources[index]
        of = original(index)
        ctx = Context(rng, vocabulary, paragraphs, source)
        for _ in range(rng.randint(1, max_versions)):
            for _attempt in range(20):
                kind = rng.choice(KINDS)
                made = make_version(kind, ctx)
                if made is not None and made[0] not in written:
                    break
            else:
                continue
            data, parts, details = made
            entry: dict[str, object] = {
                "base": source.name,
                "role": "version",
                "kind": kind,
                "edits": parts,
                "details": details,
                "original": of,
            }
            write(data, entry)
            kinds_made[kind] += 1
    decoys: list[dict[str, object]] = []
    for a, b, word_j, shingle_j in pick_decoys(sources, decoy_count):
        decoys.append(
            {
                "a": original(a),
                "b": original(b),
                "a_base": sources[a].name,
                "b_base": sources[b].name,
                "content_word_jaccard": round(word_j, 4),
                "shingle_jaccard": round(shingle_j, 4),
            }
        )
    manifest: dict[str, object] = {
        "corpus": str(corpus),
        "seed": seed,
        "count": count,
        "max_versions": max_versions,
        "files": dict(sorted(files.items())),
        "decoys": decoys,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    print(
        f"wrote {len(files):,} files into {articles} ({len(original_file):,} originals, "
        f"{sum(kinds_made.values()):,} versions; {len(decoys)} decoy pairs) and "
        f"{out / 'manifest.json'}",
        file=sys.stderr,
    )
    print("\n| kind | versions |\n| --- | ---: |")
    for kind in KINDS:
        print(f"| {kind} | {kinds_made[kind]:,} |")
    return manifest


# --------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--generate", type=Path, metavar="OUT_DIR", help="write a version set")
    mode.add_argument("--archive", type=Path, metavar="ARCHIVE", help="score an archive")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=1000, help="base articles")
    parser.add_argument("--max-versions", type=int, default=4, help="versions per base: 1..N")
    parser.add_argument("--decoys", type=int, help="decoy pairs (default: count / 5)")
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--manifest", type=Path, help="the generated set's manifest.json")
    parser.add_argument("--sweep", action="store_true", help="J distribution and thresholds")
    args = parser.parse_args()

    if args.generate is not None:
        if args.count < 1 or args.max_versions < 1:
            parser.error("--count and --max-versions must be at least 1")
        decoys = args.count // 5 if args.decoys is None else args.decoys
        generate(args.generate, args.corpus, args.seed, args.count, args.max_versions, decoys)
        return 0
    if not 0 < args.threshold <= 1:
        parser.error("--threshold must be in (0, 1]")
    archive = read_archive(args.archive, need_clusters=not args.sweep)
    floor = min(SWEEP_FLOOR, args.threshold)
    truth = compute_truth(archive.texts, floor)
    name = args.archive.name
    if args.sweep:
        print_sweep(name, archive, truth)
        return 0
    result = evaluate(archive, truth, args.threshold)
    print_evaluation(name, archive, truth, args.threshold, result)
    if args.manifest is not None:
        print_kinds(archive, truth, args.threshold, args.manifest)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
