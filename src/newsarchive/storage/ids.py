"""How article ids are given: past every id an article has or had, so that an id never names
two articles (a note saying "#12" must not come to mean another article once #12, the newest,
was deleted). Both backends' bulk writes and an import's placing of ids ask here."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from newsarchive.storage.schema import archive_settings, articles

if TYPE_CHECKING:
    from sqlalchemy import Connection

# The settings key of the highest id a deleted article had (see delete_articles).
DELETED_UP_TO = "articles.deleted_up_to"


def stored_and_deleted(connection: Connection) -> tuple[int, int]:
    """The highest id an article has, and the highest a deleted article had (0: none)."""
    stored = select(func.max(articles.c.id)).scalar_subquery()
    deleted = (
        select(archive_settings.c.value)
        .where(archive_settings.c.key == DELETED_UP_TO)
        .scalar_subquery()
    )
    last, gone = connection.execute(select(stored, deleted)).one()
    return last or 0, int(gone or 0)


def last_given(connection: Connection) -> int:
    """The highest id an article has or had (0: none ever): a new article's goes past it."""
    return max(stored_and_deleted(connection))


def placed(wanted: Sequence[int], taken: Collection[int], stored: int, deleted: int) -> list[int]:
    """Ids for articles that come with ids of their own (an import), in order: each keeps its
    own unless an article has it (`taken`), had it (up to `deleted`) or an earlier one of
    them took it; the others get the next ids past every id stored, deleted and wanted."""
    given = set(taken) | {id_ for id_ in wanted if id_ <= deleted}
    next_id = max([stored, deleted, *wanted]) + 1
    found: list[int] = []
    for id_ in wanted:
        if id_ in given:
            id_, next_id = next_id, next_id + 1
        given.add(id_)
        found.append(id_)
    return found
