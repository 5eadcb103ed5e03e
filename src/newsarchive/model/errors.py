"""The errors newsarchive reports to people: each says what went wrong and what to do next.

The CLI turns any of these into one `Error: ...` line and exit status 1; anything else that
escapes is a bug, reported as one line too (with the trace behind `--traceback`).
"""

from __future__ import annotations

import enum


class Trouble(enum.Enum):
    """What a database error means for the person running the command (each engine decides
    which of these its errors are: storage/backends/)."""

    LOCKED = "another program kept the archive locked too long"
    READ_ONLY = "the archive cannot be written"
    NO_PRIVILEGE = "the database role may not do this"  # a server's grants, not a file's mode
    FULL = "the disk or the database is full"
    IO = "an I/O error"
    NOT_A_DATABASE = "it is not a database"
    DAMAGED = "the archive's file is damaged"
    CANNOT_OPEN = "it cannot be opened"
    UNREACHABLE = "the database server cannot be reached"
    CONNECTION_LOST = "the connection to the database server was lost"
    AUTH = "the database server refused the user name or password"
    NO_DATABASE = "the database does not exist"
    OTHER = "a database error"


class NewsArchiveError(Exception):
    """Base of every error meant for the user. The message is one line, ending in the next step."""


class NotAnArticleError(NewsArchiveError):
    """A file's bytes are not an article (empty, binary, undecodable). The message is the
    reason only: the caller knows the file."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class ParseError(NotAnArticleError):
    """Decoded text has no article shape. Carries the source and the 1-based line, if known."""

    def __init__(self, reason: str, *, source: str | None = None, line: int | None = None):
        super().__init__(reason)
        self.source = source
        self.line = line
        where = source or "<text>"
        if line is not None:
            where = f"{where}:{line}"
        self.args = (f"{where}: {reason}",)


class ArchiveError(NewsArchiveError):
    """The archive cannot be opened or used as asked."""


class ArchiveNotFoundError(ArchiveError):
    """A read command was pointed at an archive that does not exist yet."""


class ArticleNotFoundError(NewsArchiveError):
    """No article has the requested id."""


class NotAnExportError(NewsArchiveError):
    """What import was given does not begin as an export does: nothing is imported. The
    caller names the file; `line` is the 1-based line that gave it away."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


class NothingToIngestError(NewsArchiveError):
    """An ingest found no files at all: a wrong path or pattern, not an empty success."""


class CannotWriteError(NewsArchiveError):
    """An export's file or folder cannot be written (no room, no permission); the message
    names it and the system's reason."""


class StorageError(ArchiveError):
    """The database refused a write or a read. `trouble` says what kind of refusal; the
    message is the engine's own words, for the caller to put in context."""

    def __init__(self, trouble: Trouble, detail: str) -> None:
        super().__init__(detail)
        self.trouble = trouble
        self.detail = detail


class DamagedArchiveError(StorageError):
    """The database reports the archive's own storage damaged (SQLite's "database disk
    image is malformed", a file cut short). Nothing more is written to it; the message
    names `db recover`, which saves what can still be read into a new archive."""

    def __init__(self, where: str, detail: str) -> None:
        super().__init__(Trouble.DAMAGED, detail)
        self.where = where
        self.args = (
            f"the archive {where} is damaged ({detail}), so nothing is written to it; save "
            "what can still be read into a new archive with: "
            f"newsarchive --db {_quoted(where)} db recover NEW.db",
        )


def _quoted(where: str) -> str:
    import shlex

    return shlex.quote(where)
