"""`newsarchive verify`: a `git fsck` for the archive.

Checks, cheapest first: SQLite's own integrity and foreign keys; that every article has its
raw bytes and at least one source path; that the raw bytes still hash to the article's
SHA-256 and, decoded and parsed again, give exactly the stored row; and that the search
index agrees with the articles (FTS5's own integrity check, and one entry per article).
Nothing is written: it only reports.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from newsarchive.archive import Archive
from newsarchive.parser import PARSER_VERSION
from newsarchive.rows import DATE_COLUMNS, changed_columns, prepare

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
    problems: list[Problem] = field(default_factory=list)


def verify(
    archive: Archive, *, on_problem: Callable[[Problem], None] | None = None
) -> VerifyReport:
    report = VerifyReport()

    def found(problem: Problem) -> None:
        report.problems.append(problem)
        if on_problem:
            on_problem(problem)

    with archive.reading() as store:
        for what in store.integrity_problems():
            found(Problem(None, what))
        for article_id, what in store.missing_parts():
            found(Problem(article_id, what))
    for problem in _check_articles(archive, report):
        found(problem)
    return report


def _check_articles(archive: Archive, report: VerifyReport) -> Iterator[Problem]:
    for batch in archive.batches(size=BATCH_SIZE):
        for record in batch:
            report.articles += 1
            if hashlib.sha256(record.data).hexdigest() != record.sha256:
                yield Problem(record.id, "its raw bytes no longer match its SHA-256")
                continue
            (values,) = prepare([(record.data, record.source)], record.ingested_at.date())
            if isinstance(values, str):
                yield Problem(record.id, f"its raw bytes no longer parse: {values}")
                continue
            if record.parser_version != PARSER_VERSION:
                report.parsed_before += 1
                continue
            differ = changed_columns(values, record.columns, record.date_source)
            if differ:
                hint = ""
                if set(differ) <= set(DATE_COLUMNS):
                    hint = " (after a change of the date rules, 'newsarchive redate' updates them)"
                yield Problem(
                    record.id, f"re-parsing gives other {', '.join(differ)} than stored{hint}"
                )
