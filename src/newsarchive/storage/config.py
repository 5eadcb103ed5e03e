"""Where the archive lives: `--db`, else `NEWSARCHIVE_DB`, else the user's data directory.

The value is a path to an SQLite file or a SQLAlchemy URL (`sqlite:///...`, later
`postgresql://...`), so the rest of the code only ever sees a URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from newsarchive.model.errors import ArchiveError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

APP_NAME = "newsarchive"
ENV_VAR = "NEWSARCHIVE_DB"
DEFAULT_FILENAME = "archive.db"


@dataclass(frozen=True)
class ArchiveLocation:
    url: URL
    # The SQLite file, when the archive is one; None for other engines and in-memory SQLite.
    path: Path | None

    def describe(self) -> str:
        """What to show a person: the file path, or the URL without its password."""
        if self.path is not None:
            return str(self.path)
        return self.url.render_as_string(hide_password=True)


def default_data_dir() -> Path:
    """The user's data folder for newsarchive: ~/.local/share/newsarchive on Linux (or
    $XDG_DATA_HOME), ~/Library/Application Support/newsarchive on macOS, and
    %LOCALAPPDATA%\\newsarchive on Windows."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resolve(value: str | None, data_dir: Path) -> ArchiveLocation:
    """Turn the `--db` value (None: the default file in `data_dir`) into a location."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if value is None:
        return _sqlite_file(data_dir / DEFAULT_FILENAME)
    if not value.strip():
        raise ArchiveError(
            f"--db (or {ENV_VAR}) is empty; give a file path or URL, or leave it unset "
            "for the default archive"
        )
    if "://" not in value:
        return _sqlite_file(Path(value))
    try:
        url = make_url(value)
    except ArgumentError:
        raise ArchiveError(
            f"--db {value!r} is not a database URL; give a file path or a URL such as "
            "sqlite:///archive.db"
        ) from None
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return _sqlite_file(Path(url.database))
    return ArchiveLocation(url, None)


def _sqlite_file(path: Path) -> ArchiveLocation:
    from sqlalchemy.engine import URL

    path = path.expanduser().absolute()
    return ArchiveLocation(URL.create("sqlite", database=str(path)), path)
