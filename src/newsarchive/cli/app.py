"""What every command shares: the App in click's context (where the archive is, opened at
most once), the exit codes, and `interrupted`, the one way a command ends on Ctrl-C.

Imported at start-up by every command: nothing heavy at module level.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, NoReturn

import click

from newsarchive.storage import config

if TYPE_CHECKING:
    from rich.console import Console

    from newsarchive.storage.archive import Archive
    from newsarchive.storage.store import Store

EXIT_REFUSED = 3  # some of what was asked was refused or lost; the rest was done
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a command Ctrl-C stopped
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a Unix tool killed by it

# What Ctrl-C makes a command say: what was kept, and how to carry on.
INTERRUPTED = "Interrupted."
INGEST_STOPPING = "Stopping after the batch being stored; Ctrl-C again to stop at once."
EXPORT_INTERRUPTED = "Interrupted; nothing was left half-written."
IMPORT_INTERRUPTED = "Interrupted; what was stored stays: run the same import again."
COPY_INTERRUPTED = "Interrupted; run the same copy again to carry on."


class App:
    """What every command shares: where the archive is, opened at most once, on demand."""

    def __init__(self, db: str | None, traceback: bool, *, pager: bool = True) -> None:
        self.db = db
        self.traceback = traceback
        self.pager = pager
        self.opened: list[Archive] = []  # what the command opened (see ArchiveGroup)

    @cached_property
    def location(self) -> config.ArchiveLocation:
        return config.resolve(self.db, config.default_data_dir())

    def archive(self, *, create: bool = False) -> Archive:
        from newsarchive.storage.archive import open_archive
        from newsarchive.storage.migrate import reparse_advised

        archive = open_archive(self.location, create=create)
        # Closed when the command ends, not left to the collector (which main() skips at
        # exit): SQLite's last connection folds the WAL back into the archive as it closes.
        click.get_current_context().call_on_close(archive.close)
        self.opened.append(archive)
        if reparse_advised(archive.upgraded_from):
            click.echo(
                "Upgraded the archive: 'newsarchive reparse' finds the versions and related "
                "links of the articles stored before.",
                err=True,
            )
        return archive

    @contextmanager
    def reading(self, *, snapshot: bool = False) -> Iterator[Store]:
        with self.archive().reading(snapshot=snapshot) as store:
            yield store

    def destination(self, given: str, *, same: str) -> config.ArchiveLocation:
        """Where DEST (of copy, db recover) is; a usage error (`same` says what to name
        instead) when it is the archive the command reads."""
        target = config.resolve(given, config.default_data_dir())
        if target.describe() == self.location.describe():
            raise click.UsageError(same)
        return target

    def open_destination(self, target: config.ArchiveLocation) -> Archive:
        """A command's second archive (DEST), created when new, closed when the command
        ends; unlike `archive`, not one whose errors the boundary reads as damage."""
        from newsarchive.storage.archive import open_archive

        archive = open_archive(target, create=True)
        click.get_current_context().call_on_close(archive.close)
        return archive

    def db_given(self) -> str:
        """`--db PATH ` when the user typed it (for a command line the user can copy),
        else ""."""
        import shlex

        root = click.get_current_context().find_root()
        typed = root.get_parameter_source("db") == click.core.ParameterSource.COMMANDLINE
        return f"--db {shlex.quote(self.db)} " if typed and self.db else ""


@contextmanager
def interrupted(
    said: str | Callable[[], str] = INTERRUPTED, *, console: Console | None = None
) -> Iterator[None]:
    """Ctrl-C inside ends the command: see `exit_interrupted`. `said` may be a function,
    asked when Ctrl-C comes (a summary of what was done by then)."""
    try:
        yield
    except KeyboardInterrupt:
        exit_interrupted(said if isinstance(said, str) else said(), console=console)


def exit_interrupted(said: str = INTERRUPTED, *, console: Console | None = None) -> NoReturn:
    """Say `said` on stderr and exit 130. Through `console` when a live display of its own
    may be on screen (rich keeps the two apart), else plainly: rich is not imported for it."""
    if console is None:
        click.echo(said, err=True)
    else:
        console.print(said, soft_wrap=True)
    sys.exit(EXIT_INTERRUPTED)
