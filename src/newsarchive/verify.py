"""`newsarchive verify`: a `git fsck` for the archive.

Checks, cheapest first: SQLite's own integrity and foreign keys; that every article has its
raw bytes and at least one source path; that the raw bytes still hash to the article's
SHA-256 and, decoded and parsed again, give exactly the stored row (its fingerprint too);
that the search index agrees with the articles (FTS5's own integrity check, and one entry
per article); that the band keys, names and link look-ups stored beside each article are
what its columns give; and that the versions clusters are exactly what comparing the texts
of the candidate pairs sharing a band key gives.
Nothing is written: it only reports.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from newsarchive.archive import Archive
from newsarchive.fingerprint import jaccard
from newsarchive.parser import PARSER_VERSION
from newsarchive.rows import DATE_COLUMNS, Derived, changed_columns, derived, prepare
from newsarchive.versions import (
    HEAD,
    MAX_FAMILY,
    Forest,
    Texts,
    large_family,
    partition,
    threshold,
)

BATCH_SIZE = 500


@dataclass(frozen=True, slots=True)
class Problem:
    article_id: int | None  # None: the archive as a whole
    what: str


@dataclass
class VerifyReport:
    articles: int = 0
    # Articles an older parser read: their bytes are checked, their columns are not (they
    # differ by design until 'newsarchive reparse' re-reads them).
    parsed_before: int = 0
    # Articles stored before versions were grouped ('newsarchive reparse' fingerprints them).
    unfingerprinted: int = 0
    problems: list[Problem] = field(default_factory=list)
    # Checks that could not run on the archive as opened (read-only to the user).
    not_run: list[str] = field(default_factory=list)
    # Checks left out by the user's own doing (an export whose article was deleted).
    skipped: list[str] = field(default_factory=list)


def verify(
    archive: Archive,
    *,
    on_problem: Callable[[Problem], None] | None = None,
    on_progress: Callable[[VerifyReport], None] | None = None,
) -> VerifyReport:
    report = VerifyReport()

    def found(problem: Problem) -> None:
        report.problems.append(problem)
        if on_problem:
            on_problem(problem)

    # Through the small page cache of a walk, as the articles are read below: SQLite's
    # integrity checks read every page once, and in the usual cache a huge article's pages
    # stayed as memory the rest of the run held (50 MB article: 88 MiB more held).
    with archive.reading(lean=True) as store:
        for what in store.integrity_problems():
            found(Problem(None, what))
        report.not_run = store.checks_not_run()
        for article_id, what in store.missing_parts():
            found(Problem(article_id, what))
    for problem in _check_articles(archive, report, on_progress):
        found(problem)
    for problem in _check_exports(archive, report):
        found(problem)
    for problem in _check_versions(archive):
        found(problem)
    return report


def _check_articles(
    archive: Archive, report: VerifyReport, on_progress: Callable[[VerifyReport], None] | None
) -> Iterator[Problem]:
    for batch in archive.batches(size=BATCH_SIZE, lean=True):
        if on_progress:
            on_progress(report)
        with archive.reading() as store:
            stored = store.derived_of([record.id for record in batch])
        for record in batch:
            # Stored before versions were kept (no fingerprint): nothing derived yet.
            if record.columns["fingerprint"] is None:
                want = Derived(bands=[], names=[], links=[])
            else:
                want = derived(record.id, record.columns)
            if _rows(stored[record.id]) != _rows(want):
                yield Problem(
                    record.id,
                    "its band keys, names or link look-ups differ from what its columns give",
                )
            report.articles += 1
            if hashlib.sha256(record.data).hexdigest() != record.sha256:
                yield Problem(record.id, "its raw bytes no longer match its SHA-256")
                continue
            # The stored body and blocks as digests while the bytes are parsed again: a
            # huge article's body (as large as its text, twice that past Latin-1) and its
            # 100,000 blocks are not held twice over (verify took more than ingest, issue 22).
            record.columns["body"] = _digest(record.columns["body"])
            record.columns["blocks"] = _digest(_canonical(record.columns["blocks"]))
            (values,) = prepare(
                [(record.data, record.source, record.columns["origin"])], record.ingested_at.date()
            )
            if not isinstance(values, str):
                values["body"] = _digest(values["body"])
                values["blocks"] = _digest(_canonical(values["blocks"]))  # type: ignore[typeddict-item]
            if isinstance(values, str):
                yield Problem(record.id, f"its raw bytes no longer parse: {values}")
                continue
            if record.parser_version != PARSER_VERSION:
                report.parsed_before += 1
                continue
            differ = changed_columns(values, record.columns, record.date_source)
            if record.columns["fingerprint"] is None:
                report.unfingerprinted += 1
                differ.remove("fingerprint")
            if differ:
                hint = ""
                if set(differ) <= set(DATE_COLUMNS):
                    hint = " (after a change of the date rules, 'newsarchive redate' updates them)"
                yield Problem(
                    record.id, f"re-parsing gives other {', '.join(differ)} than stored{hint}"
                )


def _digest(text: str) -> str:
    """A text's SHA-256, encoded a slice at a time (never a whole copy of a huge body)."""
    digest = hashlib.sha256()
    for start in range(0, len(text), _DIGEST_SLICE):
        digest.update(text[start : start + _DIGEST_SLICE].encode("utf-8", "surrogatepass"))
    return f"sha256:{digest.hexdigest()}"


_DIGEST_SLICE = 1 << 20


def _canonical(value: Any) -> str:
    """JSON values as one text that is equal exactly when they are (keys sorted)."""
    import json

    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _check_exports(archive: Archive, report: VerifyReport) -> Iterator[Problem]:
    """Every news-database export kept rebuilds byte for byte from its layout: its
    articles' raw bytes, by hash, between the bytes kept around them. One with articles
    deleted by hand cannot, and is said so, not counted a problem."""
    with archive.reading() as store:
        for export in store.export_layouts():
            sha256, layout, filler = export.sha256, export.layout, export.filler
            deleted = sum(1 for kind, _ in layout if kind == "d")
            if deleted:
                report.skipped.append(
                    f"rebuilding export {sha256[:16]}: {deleted} of its articles were deleted"
                )
                continue
            raws = store.raw_by_hash({str(value) for kind, value in layout if kind == "a"})
            rebuilt = bytearray()
            at = 0
            missing = 0
            for kind, value in layout:
                if kind == "a":
                    if str(value) not in raws:
                        missing += 1
                    rebuilt += raws.get(str(value), b"")
                else:
                    rebuilt += filler[at : at + int(value)]
                    at += int(value)
            if missing:
                yield Problem(None, f"export {sha256[:16]}: {missing} of its articles are gone")
            elif hashlib.sha256(rebuilt).hexdigest() != sha256 or at != len(filler):
                yield Problem(None, f"export {sha256[:16]}: its bytes no longer rebuild")


def _rows(found: Derived) -> tuple[set[tuple[Any, ...]], ...]:
    return tuple(
        {tuple(sorted(row.items())) for row in rows}
        for rows in (found.bands, found.names, found.links)
    )


def _check_versions(archive: Archive) -> Iterator[Problem]:
    """Families and clusters are what grouping the whole archive afresh gives: families
    from the candidate pairs of every shared band key (versions.py: one side among its
    first HEAD holders), compared by their texts, and each family split into clusters as
    versions.partition does. A pair already joined through others is not compared again,
    so a story saved thousands of times costs about one comparison per copy."""
    with archive.reading() as store:
        limit = threshold(store)
        shared = store.shared_bands()
        stored = store.grouped()
        texts = Texts(store)
        forest = Forest()
        for _, holders in shared:
            for head in holders[:HEAD]:
                if len({forest.root(o) for o in holders}) == 1:
                    break  # all joined already: nothing left to compare
                texts.need(holders)
                for other in holders:
                    joined = forest.root(other) == forest.root(head)
                    if not joined and jaccard(texts[head], texts[other]) >= limit:
                        forest.join(head, other)
        del shared
        expected: dict[int, tuple[int, int]] = {}
        for family, members in forest.trees().items():
            if len(members) > MAX_FAMILY:
                expected.update(large_family(store.fingerprints_of(members)))
                continue
            hashes = store.hashes_of(members)
            clusters = partition(members, hashes, texts, limit)
            expected.update((m, (family, clusters[m])) for m in members)
    for id_ in sorted(set(expected) | set(stored)):
        want = expected.get(id_, (id_, id_))
        have = stored.get(id_, (id_, id_))
        if have != want:
            yield Problem(
                id_,
                f"its versions are grouped as family #{have[0]}, cluster #{have[1]}, but "
                f"comparing texts gives family #{want[0]}, cluster #{want[1]}",
            )
