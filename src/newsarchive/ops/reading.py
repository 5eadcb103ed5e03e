"""What a read command takes from the archive in more than one step, in one transaction:
an article with what surrounds it (show)."""

from __future__ import annotations

from newsarchive.model.records import StoredArticle, Surroundings
from newsarchive.storage.archive import Archive


def article_around(archive: Archive, article_id: int) -> tuple[StoredArticle, Surroundings]:
    """The article, its link targets, what links to it and its other versions, as of one
    moment."""
    with archive.reading() as store:
        article = store.get(article_id)
        return article, store.surroundings(article)
