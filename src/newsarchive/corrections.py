"""Corrections by hand: setting or clearing an article's date.

Each is one write transaction: all of it or nothing. A date set by hand is the user's word
(date_source `cli`, as `ingest --published` gives): `redate` and `reparse` keep it, and
`verify` does not hold it against the text. Clearing a date is a date set by hand too, to
none, so that no rule dates the article again. The date replaced, and where it came from,
stay in the evidence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from newsarchive.archive import Archive
from newsarchive.errors import ArticleNotFoundError
from newsarchive.rows import DateValues, hand_dated_values


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
        found = store.dates_of([article_id])
        if article_id not in found:
            raise _not_found([article_id])
        before = found[article_id]
        after = hand_dated_values(published, before, today)
        store.set_dates([{"id": article_id, **after}])
    return DateChange(article_id, before, after)


def _not_found(ids: Collection[int], also: str = "") -> ArticleNotFoundError:
    named = f"id {next(iter(ids))}" if len(ids) == 1 else f"ids {', '.join(map(str, ids))}"
    return ArticleNotFoundError(
        f"no article has {named}{'; ' + also if also else ''}; 'newsarchive list' shows the ids"
    )
