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

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from newsarchive.models import DateSource
from newsarchive.parser import PARSER_VERSION
from newsarchive.rows import DATE_COLUMNS, PARSED_COLUMNS, prepare
from newsarchive.store import Store

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


def verify(engine: Engine, *, on_problem: Callable[[Problem], None] | None = None) -> VerifyReport:
    report = VerifyReport()

    def found(problem: Problem) -> None:
        report.problems.append(problem)
        if on_problem:
            on_problem(problem)

    with Session(engine) as session, session.begin():
        store = Store(session)
        for what in store.integrity_problems():
            found(Problem(None, what))
        for article_id, what in store.missing_parts():
            found(Problem(article_id, what))
    for problem in _check_articles(engine, report):
        found(problem)
    return report


def _check_articles(engine: Engine, report: VerifyReport) -> Iterator[Problem]:
    after = 0
    while True:
        with Session(engine) as session, session.begin():
            rows = Store(session).batch_with_raw(after=after, limit=BATCH_SIZE)
        if not rows:
            return
        after = rows[-1].id
        for row in rows:
            report.articles += 1
            if hashlib.sha256(row.data).hexdigest() != row.sha256:
                yield Problem(row.id, "its raw bytes no longer match its SHA-256")
                continue
            (values,) = prepare([(row.data, row.source or "")], row.ingested_at.date())
            if isinstance(values, str):
                yield Problem(row.id, f"its raw bytes no longer parse: {values}")
                continue
            if row.parser_version != PARSER_VERSION:
                report.parsed_before += 1
                continue
            columns = list(PARSED_COLUMNS)
            if row.date_source != DateSource.CLI.value:
                columns += DATE_COLUMNS
            differ = [c for c in columns if values[c] != getattr(row, c)]
            if differ:
                hint = ""
                if set(differ) <= set(DATE_COLUMNS):
                    hint = " (after a change of the date rules, 'newsarchive redate' updates them)"
                yield Problem(
                    row.id, f"re-parsing gives other {', '.join(differ)} than stored{hint}"
                )
