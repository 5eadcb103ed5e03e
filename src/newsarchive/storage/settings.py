"""The archive's own settings (the versions threshold, the highest id a deleted article had):
key and text value, travelling with the archive."""

from __future__ import annotations

from sqlalchemy import delete, insert, select

from newsarchive.storage.part import Part
from newsarchive.storage.schema import archive_settings


class Settings(Part):
    """`store.settings`: read and set the archive's settings."""

    def get(self, key: str) -> str | None:
        return self._connection.scalar(
            select(archive_settings.c.value).where(archive_settings.c.key == key)
        )

    def all(self) -> dict[str, str]:
        """Every setting the archive holds (those at their default are absent)."""
        rows = self._connection.execute(select(archive_settings.c.key, archive_settings.c.value))
        return {key: value for key, value in rows}

    def set(self, key: str, value: str | None) -> None:
        """Set an archive setting; None removes it (its default applies again)."""
        self._writing()
        self._connection.execute(delete(archive_settings).where(archive_settings.c.key == key))
        if value is not None:
            self._connection.execute(insert(archive_settings).values(key=key, value=value))
