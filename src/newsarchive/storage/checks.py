"""What verify asks of the archive as a whole: the engine's and the search index's own checks,
articles missing a part, and the largest article's size."""

from __future__ import annotations

from sqlalchemy import func, select

from newsarchive.storage.part import Part
from newsarchive.storage.schema import article_raw, article_sources, articles


class Checks(Part):
    """`store.checks`: the archive checked as a whole (verify)."""

    def integrity_problems(self) -> list[str]:
        """What the engine and the search index say is wrong with the archive as a whole."""
        connection = self._connection
        return self._backend.integrity_problems(connection) + self._backend.index.problems(
            connection, self._count()
        )

    def not_run(self) -> list[str]:
        """The checks integrity_problems could not run on the archive as opened."""
        return self._backend.checks_not_run()

    def largest_raw(self) -> int:
        """The size of the largest article's raw bytes (0: no article). Both engines read
        a value's length without reading the value."""
        found = self._connection.scalar(select(func.max(func.length(article_raw.c.data))))
        return int(found or 0)

    def missing_parts(self) -> list[tuple[int, str]]:
        """Articles without their raw bytes or without any source path."""
        no_raw = select(articles.c.id).where(
            ~select(article_raw.c.article_id)
            .where(article_raw.c.article_id == articles.c.id)
            .exists()
        )
        no_source = select(articles.c.id).where(
            ~select(article_sources.c.id)
            .where(article_sources.c.article_id == articles.c.id)
            .exists()
        )
        missing = [(id_, "its raw bytes are missing") for id_ in self._connection.scalars(no_raw)]
        missing += [(id_, "it has no source path") for id_ in self._connection.scalars(no_source)]
        return missing
