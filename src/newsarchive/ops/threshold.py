"""The versions threshold as `db threshold` shows and sets it: the archive's own or the
default; setting it groups every article again (ops.versions does the grouping)."""

from __future__ import annotations

from newsarchive.ops import versions
from newsarchive.storage.archive import Archive


def current_threshold(archive: Archive) -> tuple[float, bool]:
    """The threshold in force, and whether the archive sets it (else it is the default)."""
    with archive.reading() as store:
        return versions.threshold(store), store.settings.get(versions.THRESHOLD_SETTING) is not None


def change_threshold(archive: Archive, value: float | None) -> tuple[float, int]:
    """Set the threshold (None: back to the default) and group every article by it, in one
    transaction; returns the threshold now in force and how many articles have other
    versions."""
    with archive.writing() as store:
        grouped = versions.set_threshold(store, value)
        return versions.threshold(store), grouped
