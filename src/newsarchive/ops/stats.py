"""What an archive holds, counted, and what state its database is in (`stats`, `db info`).

Every count is an aggregate the database works out (GROUP BY), so an archive of a million
articles costs a few queries, never a walk over its rows. What is worked out here from
those aggregates (the busiest and emptiest months) is pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

from newsarchive.model.models import (
    ArchiveStats,
    DatabaseInfo,
    Emptiest,
    FolderCount,
    LastIngest,
    MonthCount,
)
from newsarchive.storage.archive import Archive
from newsarchive.storage.migrate import HEAD_REVISION
from newsarchive.text.dates import month_span
from newsarchive.text.parser import PARSER_VERSION

TOP_FOLDERS = 10


def archive_stats(archive: Archive) -> ArchiveStats:
    """The archive's counts, all read in one transaction (so they agree with each other)."""
    with archive.reading() as store:
        articles = store.count()
        older = store.stats.older_versions()
        paths, with_paths = store.stats.source_counts()
        by_source = store.stats.by_date_source()
        first, last = store.stats.published_span()
        months = [
            MonthCount(month=f"{y:04d}-{m:02d}", articles=n) for y, m, n in store.stats.by_month()
        ]
        encodings = store.stats.by_encoding()
        publications = store.stats.by_publication(TOP_FOLDERS)
        with_publication = store.stats.with_publication()
        folders = store.stats.top_folders(TOP_FOLDERS)
        size = store.stats.size_on_disk()
        latest = store.stats.last_ingest()
    undated = sum(n for source, n in by_source if source is None)
    return ArchiveStats(
        articles=articles,
        older_versions=older,
        stories=articles - older,
        source_paths=paths,
        duplicate_paths=paths - with_paths,
        dated=articles - undated,
        undated=undated,
        dated_by={source: n for source, n in by_source if source is not None},
        first_published=first,
        last_published=last,
        months=tuple(months),
        busiest=busiest(months),
        emptiest=emptiest(months),
        encodings={encoding or "": n for encoding, n in encodings},
        publications=dict(publications),
        with_publication=with_publication,
        top_folders=tuple(FolderCount(folder=f, paths=n) for f, n in folders),
        size_bytes=size,
        last_ingest=LastIngest(at=latest[0], articles=latest[1]) if latest else None,
    )


def busiest(months: Sequence[MonthCount]) -> MonthCount | None:
    """The month with the most articles; of several, the most recent."""
    return max(reversed(months), key=lambda m: m.articles, default=None)


def emptiest(months: Sequence[MonthCount]) -> Emptiest | None:
    """The months from the first dated month to the last with the fewest articles: those
    with none when there are any, else those with the fewest."""
    if not months:
        return None
    every = month_span(months[0].month, months[-1].month)
    counts = {m.month: m.articles for m in months}
    fewest = min(counts.get(month, 0) for month in every)
    return Emptiest(articles=fewest, months=tuple(m for m in every if counts.get(m, 0) == fewest))


def database_info(archive: Archive) -> DatabaseInfo:
    """Where the archive is, its engine and schema, and whether reparse has work to do."""
    revision = archive.schema_revision()
    with archive.reading() as store:
        facts = store.stats.engine_facts()
        size = store.stats.size_on_disk()
        articles = store.count()
        ungrouped = store.stats.unfingerprinted()
        to_reparse = store.records.count_parsed_before(PARSER_VERSION)
    return DatabaseInfo(
        **asdict(facts),
        engine=archive.backend.name,
        location=archive.where,
        schema_revision=revision,
        schema_current=revision == HEAD_REVISION,
        size_bytes=size,
        articles=articles,
        ungrouped=ungrouped,
        to_reparse=to_reparse,
    )
