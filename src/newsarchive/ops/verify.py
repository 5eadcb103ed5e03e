"""`newsarchive verify`: a `git fsck` for the archive.

Checks, cheapest first: SQLite's own integrity and foreign keys; that every article has its
raw bytes and at least one source path; that the raw bytes still hash to the article's
SHA-256 and, decoded and parsed again, give exactly the stored row (its fingerprint too);
that the search index agrees with the articles (FTS5's own integrity check, and one entry
per article); that the band keys, names and link look-ups stored beside each article are
what its columns give; and that the versions clusters are exactly what comparing the texts
of the candidate pairs sharing a band key gives. It says, too, how many articles wait for
their folder's verdict on standfirsts (ops/folder_deks.py).
Nothing is written: it only reports.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

from newsarchive.model.rows import DATE_COLUMNS, Lookups, StoredValues, changed_columns
from newsarchive.ops.folder_deks import unsettled
from newsarchive.ops.versions import (
    HEAD,
    MAX_FAMILY,
    Forest,
    Texts,
    large_family,
    partition,
    threshold,
)
from newsarchive.ops.workers import (
    POOL_MIN_ARTICLES,
    TOGETHER_BYTES,
    Prepared,
    default_jobs,
    parse_again,
    worker_pool,
)
from newsarchive.storage.archive import Archive
from newsarchive.storage.records import StoredRecord
from newsarchive.text import exports
from newsarchive.text.columns import lookups
from newsarchive.text.fingerprint import jaccard
from newsarchive.text.parser import PARSER_VERSION

BATCH_SIZE = 500
# The archive's own checks run beside the article checks unless an article is larger.
ALONGSIDE_MAX_BYTES = 1024 * 1024


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
    # Articles read with a verdict on standfirsts their folder no longer gives (a run
    # stopped before settling them: the next ingest or reparse does).
    unsettled: int = 0
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
    jobs: int | None = None,
) -> VerifyReport:
    """Check the archive; `jobs`: worker processes re-reading articles (None: as ingest's
    default, 0: none)."""
    jobs = default_jobs() if jobs is None else jobs
    report = VerifyReport()

    def found(problem: Problem) -> None:
        report.problems.append(problem)
        if on_problem:
            on_problem(problem)

    waiting: list[Problem] = []
    # Through the small page cache of a walk, as the articles are read below (and SQLite's
    # integrity checks): they read every page once, and in the usual cache a huge article's
    # pages stayed as memory the rest of the run held (50 MB article: 88 MiB more held).
    with archive.reading(lean=True) as store:
        report.not_run = store.checks.not_run()
        waiting += [Problem(article_id, what) for article_id, what in store.checks.missing_parts()]
        alongside = store.checks.largest_raw() <= ALONGSIDE_MAX_BYTES
    # SQLite's own check reads every page of the archive, as long as a third of what
    # re-reading the articles takes: it runs in a thread (SQLite lets go of Python's lock
    # while it works) beside the article checks, which mostly wait on their workers. What
    # it finds is still reported first: later problems wait for it.
    # (A daemon thread, never waited for on the way out of an error or Ctrl-C.)
    # Not beside them when the archive holds a huge article: the search index's check
    # makes that article's search text (6x its size) while its checks hold it (4x), and
    # verify would take more memory than ingest did (issue 22).
    checking: Future[list[str]] = Future()
    if alongside:
        threading.Thread(
            target=_integrity_problems,
            args=(archive, checking),
            name="verify-integrity",
            daemon=True,
        ).start()
    else:
        with archive.reading(lean=True) as store:
            checking.set_result(store.checks.integrity_problems())
    whole: Future[list[str]] | None = checking
    for problem in _check_articles(archive, report, on_progress, jobs):
        if whole is not None and whole.done():
            _report_first(whole, waiting, found)
            whole = None
        if whole is None:
            found(problem)
        else:
            waiting.append(problem)
    if whole is not None:
        _report_first(whole, waiting, found)
    for problem in _check_exports(archive, report):
        found(problem)
    for problem in _check_versions(archive):
        found(problem)
    report.unsettled = unsettled(archive)
    return report


def _integrity_problems(archive: Archive, found: Future[list[str]]) -> None:
    try:
        with archive.reading(lean=True) as store:
            problems = store.checks.integrity_problems()
    except BaseException as exc:  # raised where the result is asked for
        found.set_exception(exc)
        return
    found.set_result(problems)  # once its connection is back in the pool


def _report_first(
    whole: Future[list[str]], waiting: list[Problem], found: Callable[[Problem], None]
) -> None:
    """The archive's integrity problems (once found), then those that waited for them."""
    for what in whole.result():
        found(Problem(None, what))
    for problem in waiting:
        found(problem)
    waiting.clear()


def _check_articles(
    archive: Archive,
    report: VerifyReport,
    on_progress: Callable[[VerifyReport], None] | None,
    jobs: int,
) -> Iterator[Problem]:
    """Each article against its raw bytes, in worker processes (`jobs`; 0: here) while
    this one reads the next batch: re-reading every article is most of verify's work, as
    parsing is ingest's."""
    pool = None
    pending: list[Future[list[_Checked]]] = []
    # As ingest's writer (ingest.py): each batch's records, rows and look-ups are
    # hundreds of thousands of objects; the collector leaves out what was made before the
    # walk and runs a tenth as often.
    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0] * 10, *thresholds[1:])
    try:
        # The articles and their stored look-ups (StoredLookups.in_order) walked side by
        # side in one snapshot, on one connection: verify writes nothing, and a second
        # connection's page cache would hold a huge article's pages once more (8 MiB).
        with archive.reading(snapshot=True, lean=True) as store:
            walk = _LookupsWalk(store.lookups.in_order())
            after = 0
            while batch := store.records.batch(after=after, limit=BATCH_SIZE):
                after = batch[-1].id
                stored = walk.up_to([record.id for record in batch])
                work = [_sent(record, stored[record.id]) for record in batch]
                if pool is None and jobs > 0 and len(work) >= POOL_MIN_ARTICLES:
                    pool = worker_pool(jobs, ["newsarchive.ops.verify"])
                if pool is None:
                    checking = [_done(_check_all(work))]
                else:
                    chunks = [work[i : i + _CHUNK] for i in range(0, len(work), _CHUNK)]
                    checking = [pool.submit(_check_all, chunk) for chunk in chunks]
                yield from _outcomes(pending, report, on_progress)
                pending = checking
        yield from _outcomes(pending, report, on_progress)
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
        if pool is not None:
            pool.shutdown(cancel_futures=True)


class _LookupsWalk:
    """StoredLookups.in_order taken a batch at a time, as the articles are walked in id
    order (in the same snapshot)."""

    def __init__(self, found: Iterator[tuple[int, Lookups]]) -> None:
        self._found = found
        self._next: tuple[int, Lookups] | None = next(found, None)

    def up_to(self, ids: list[int]) -> dict[int, Lookups]:
        """The look-ups of these articles (ascending, past those asked before); an article
        with none stored has empty ones."""
        out = {id_: Lookups([], [], []) for id_ in ids}
        while self._next is not None and self._next[0] <= ids[-1]:
            if self._next[0] in out:  # (else the rows of an article that is not stored)
                out[self._next[0]] = self._next[1]
            self._next = next(self._found, None)
        return out


# Articles a worker checks at a time.
_CHUNK = 50
# What checking one article found: its problems, whether an older parser read it, and
# whether it was stored before versions were grouped.
_Checked = tuple[list[Problem], bool, bool]


def _outcomes(
    checking: list[Future[list[_Checked]]],
    report: VerifyReport,
    on_progress: Callable[[VerifyReport], None] | None,
) -> Iterator[Problem]:
    for part in checking:
        for problems, parsed_before, unfingerprinted in part.result():
            report.articles += 1
            report.parsed_before += parsed_before
            report.unfingerprinted += unfingerprinted
            yield from problems
    if checking and on_progress:
        on_progress(report)


def _done(result: list[_Checked]) -> Future[list[_Checked]]:
    future: Future[list[_Checked]] = Future()
    future.set_result(result)
    return future


class _Sent(NamedTuple):
    """An article as verify's workers are sent it: the fields of its StoredRecord that
    checking it reads (its first path alone) and its stored look-ups, one tuple (sent as
    the record and a Lookups, pickling and unpickling cost 52 µs an article, most of it
    the dataclasses' own: as a tuple, 24)."""

    id: int
    sha256: str
    ingested_at: dt.datetime
    data: bytes
    source: str
    columns: StoredValues
    bands: list[int]
    names: list[str]
    links: list[tuple[int, int, str]]


def _sent(record: StoredRecord, stored: Lookups) -> _Sent:
    return _Sent(
        record.id,
        record.sha256,
        record.ingested_at,
        record.data,
        record.source,
        record.columns,
        stored.bands,
        stored.names,
        stored.links,
    )


def _check_all(work: list[_Sent]) -> list[_Checked]:
    """Each article against its raw bytes and the rows derived from it: the articles whose
    bytes still hash right parsed again together (parse_again), a run of them up to
    TOGETHER_BYTES at a time, so that their fingerprints are worked out in one pass as
    ingest's are (one at a time, NumPy's cost per call made fingerprinting cost 220 µs an
    article rather than ~50: 20,000 generated articles)."""
    done: list[_Checked | None] = []
    waiting: list[tuple[int, _Sent, list[Problem]]] = []  # (place in done, ...)
    size = 0
    for record in work:
        problems, whole = _check_bytes(record)
        if not whole:
            done.append((problems, False, False))
            continue
        if waiting and size + len(record.data) > TOGETHER_BYTES:
            _check_parsed(waiting, done)
            size = 0
        waiting.append((len(done), record, problems))
        done.append(None)  # below
        size += len(record.data)
    _check_parsed(waiting, done)
    return [checked for checked in done if checked is not None]


def _check_bytes(record: _Sent) -> tuple[list[Problem], bool]:
    """An article's stored look-ups against its columns, and its raw bytes against its
    hash: the problems found, and whether the bytes are whole (to be parsed again)."""
    problems = []
    # Stored before versions were kept (no fingerprint): nothing derived yet.
    unkeyed = record.columns["fingerprint"] is None
    want = Lookups([], [], []) if unkeyed else lookups(record.columns)
    if _rows(Lookups(record.bands, record.names, record.links)) != _rows(want):
        what = "its band keys, names or link look-ups differ from what its columns give"
        problems.append(Problem(record.id, what))
    if hashlib.sha256(record.data).hexdigest() != record.sha256:
        problems.append(Problem(record.id, "its raw bytes no longer match its SHA-256"))
        return problems, False
    return problems, True


def _check_parsed(
    waiting: list[tuple[int, _Sent, list[Problem]]], done: list[_Checked | None]
) -> None:
    """Parse these articles again, together, and put each one's outcome in its place."""
    if not waiting:
        return
    records = [record for _, record, _ in waiting]
    huge = len(records) == 1 and len(records[0].data) > TOGETHER_BYTES
    if huge:
        # The stored body and blocks as digests while the bytes are parsed again: a huge
        # article's body (as large as its text, twice that past Latin-1) and its 100,000
        # blocks are not held twice over (verify took more than ingest, issue 22). (A
        # digest where blocks is a list: the record is read by name from here on.)
        stored_columns = cast(dict[str, Any], records[0].columns)
        stored_columns["body"] = _digest(records[0].columns["body"])
        stored_columns["blocks"] = _digest(_canonical(records[0].columns["blocks"]))
    for (place, record, problems), values in zip(waiting, parse_again(records), strict=True):
        if huge and not isinstance(values, str):
            values["body"] = _digest(values["body"])
            values["blocks"] = _digest(_canonical(values["blocks"]))  # type: ignore[typeddict-item]
        done[place] = _compared(record, values, problems)
    waiting.clear()


def _compared(record: _Sent, values: Prepared, problems: list[Problem]) -> _Checked:
    """An article's columns against what parsing its bytes again gave (`values`). Bodies
    and blocks are compared as they are: equal exactly when their digests are (a parse's
    blocks are dicts of strings, the stored ones JSON's)."""
    if isinstance(values, str):
        problems.append(Problem(record.id, f"its raw bytes no longer parse: {values}"))
        return problems, False, False
    if record.columns["parser_version"] != PARSER_VERSION:
        return problems, True, False
    differ = changed_columns(values, record.columns, record.columns["date_source"])
    unfingerprinted = record.columns["fingerprint"] is None
    if unfingerprinted:
        differ.remove("fingerprint")
    if differ:
        hint = ""
        if set(differ) <= set(DATE_COLUMNS):
            hint = " (after a change of the date rules, 'newsarchive redate' updates them)"
        problems.append(
            Problem(record.id, f"re-parsing gives other {', '.join(differ)} than stored{hint}")
        )
    return problems, False, unfingerprinted


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
        for export in store.export_files.layouts():
            sha256, layout, filler = export.sha256, export.layout, export.filler
            deleted = sum(1 for kind, _ in layout if kind == "d")
            if deleted:
                report.skipped.append(
                    f"rebuilding export {sha256[:16]}: {deleted} of its articles were deleted"
                )
                continue
            articles = exports.layout_articles(layout)
            raws = store.export_files.raw_by_hash(set(articles))
            missing = sum(1 for article in articles if article not in raws)
            covered = sum(int(value) for kind, value in layout if kind == "f")
            if missing:
                yield Problem(None, f"export {sha256[:16]}: {missing} of its articles are gone")
            elif hashlib.sha256(
                exports.rebuilt(layout, filler, raws)
            ).hexdigest() != sha256 or covered != len(filler):
                yield Problem(None, f"export {sha256[:16]}: its bytes no longer rebuild")


def _rows(found: Lookups) -> tuple[set[Any], ...]:
    """The rows as sets (each table's rows are distinct by its key)."""
    return set(found.bands), set(found.names), set(found.links)


def _check_versions(archive: Archive) -> Iterator[Problem]:
    """Families and clusters are what grouping the whole archive afresh gives: families
    from the candidate pairs of every shared band key (versions.py: one side among its
    first HEAD holders), compared by their texts, and each family split into clusters as
    versions.partition does. A pair already joined through others is not compared again,
    so a story saved thousands of times costs about one comparison per copy."""
    with archive.reading() as store:
        limit = threshold(store)
        shared = store.versions.shared_bands()
        stored = store.versions.grouped()
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
                expected.update(large_family(store.versions.fingerprints_of(members)))
                continue
            hashes = store.versions.hashes_of(members)
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
