"""Corrections by hand: setting or clearing an article's date, and deleting articles.

Each is one write transaction: all of it or nothing. A date set by hand is the user's word
(date_source `cli`, as `ingest --published` gives): `redate` and `reparse` keep it, and
`verify` does not hold it against the text. Clearing a date is a date set by hand too, to
none, so that no rule dates the article again. The date replaced, and where it came from,
stay in the evidence.

A deleted article takes everything kept of it along (raw bytes, source paths, band keys,
names, link look-ups, search-index entries); the other members of its family are grouped
again without it, as if it had never been stored, so `verify` stays clean. Related links
resolve when read, through the names of the articles stored now: a link that led to a
deleted article leads to another version of its story, or nowhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from newsarchive.model.errors import ArticleNotFoundError
from newsarchive.model.rows import DateValues, hand_dated_values
from newsarchive.ops.versions import lost_keys, regroup, threshold
from newsarchive.storage.archive import Archive
from newsarchive.storage.store import Store


@dataclass(frozen=True, slots=True)
class DateChange:
    article_id: int
    before: DateValues
    after: DateValues


def set_date(
    archive: Archive, article_id: int, published: dt.date | None, *, today: dt.date | None = None
) -> DateChange:
    """Set an article's publication date by hand; None clears it. `today` is the day the
    evidence records (the UTC day, by default)."""
    today = today or dt.datetime.now(dt.UTC).date()
    with archive.writing() as store:
        found = store.changes.dates_of([article_id])
        if article_id not in found:
            raise _not_found([article_id])
        before = found[article_id]
        after = hand_dated_values(published, before, today)
        store.changes.set_dates([{"id": article_id, **after}])
    return DateChange(article_id, before, after)


def deletable(store: Store, ids: Collection[int]) -> dict[int, str]:
    """The headline of each article to delete, in the order given; ArticleNotFoundError
    naming every id that is no article (and then nothing is deleted)."""
    found = store.headlines_of(ids)
    if missing := [i for i in ids if i not in found]:
        raise _not_found(missing, "nothing was deleted")
    return {i: found[i] for i in ids}


@dataclass(frozen=True, slots=True)
class DeleteReport:
    deleted: dict[int, str]  # id -> headline
    regrouped: int  # articles of the deleted ones' families grouped again


def delete(archive: Archive, ids: Collection[int]) -> DeleteReport:
    """Delete these articles (every id must be one: else nothing is deleted) and group the
    rest of their families again, in one transaction."""
    ids = list(dict.fromkeys(ids))
    with archive.writing() as store:
        deleted = deletable(store, ids)
        families = {family for family, _ in store.versions.groups_of(ids).values()}
        remaining = sorted(set(store.versions.family_members(families)) - set(ids))
        lost = lost_keys(store.versions.band_keys(ids), {})
        store.changes.delete_articles(ids)
        if remaining or lost:
            regroup(store, remaining, threshold(store), lost)
    return DeleteReport(deleted, len(remaining))


def _not_found(ids: Collection[int], also: str = "") -> ArticleNotFoundError:
    named = f"id {next(iter(ids))}" if len(ids) == 1 else f"ids {', '.join(map(str, ids))}"
    return ArticleNotFoundError(
        f"no article has {named}{'; ' + also if also else ''}; 'newsarchive list' shows the ids"
    )
