"""The `newsarchive` command: the group, its one error boundary, and the entry point.

The commands live by family, a module each: reading (list, search, show, diff, browse),
writing (ingest, reparse, redate, date, delete), exchange (export, import, copy) and
archive (stats, verify, db). Heavy libraries (SQLAlchemy, pydantic, rich) are imported
inside commands, so `--help` and usage errors answer at once. Errors meant for people
become one `Error:` line here and nowhere else (ArchiveGroup.invoke).
"""

from __future__ import annotations

import gc
import os
import sys
from typing import Any

import click

from newsarchive.cli import archive, exchange, reading, writing
from newsarchive.cli.app import EXIT_BROKEN_PIPE, App, exit_interrupted, interrupted
from newsarchive.storage import config

DEBUG_ENV_VAR = "NEWSARCHIVE_DEBUG"
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class ArchiveGroup(click.Group):
    """The one error boundary: domain errors become `Error: ...`, exit 1; so does anything
    unexpected, as one line unless --traceback or NEWSARCHIVE_DEBUG=1 asks for the trace."""

    def invoke(self, ctx: click.Context) -> Any:
        from newsarchive.model.errors import NewsArchiveError

        with interrupted():
            try:
                return super().invoke(ctx)
            except NewsArchiveError as exc:
                raise click.ClickException(str(exc)) from exc
            except BrokenPipeError:  # `list | head`: the reader has what it wanted
                _silence_stdout()
                ctx.exit(EXIT_BROKEN_PIPE)
            except (click.exceptions.Exit, click.ClickException, click.Abort):
                raise
            except Exception as exc:
                if (damaged := _damaged(ctx, exc)) is not None:
                    raise click.ClickException(str(damaged)) from exc
                if _debug(ctx):
                    raise
                raise click.ClickException(
                    f"unexpected {type(exc).__name__}: {exc}; run again with --traceback "
                    "for details, and please report it"
                ) from exc


def _damaged(ctx: click.Context, error: Exception) -> Exception | None:
    """The database's own error met outside the archive's transactions (a listing's rows
    read as they are printed, say): when the engine of an archive the command opened calls
    it damage, the same DamagedArchiveError a transaction raises (with the way out)."""
    from newsarchive.model.errors import DamagedArchiveError, Trouble

    app = ctx.find_object(App)
    for opened in app.opened if app else ():
        if opened.backend.trouble(error) in (Trouble.DAMAGED, Trouble.NOT_A_DATABASE):
            said = " ".join(str(getattr(error, "orig", error)).split())
            return DamagedArchiveError(opened.where, said)
    return None


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the flush at exit does not fail on the closed
    pipe again (Python's documented way: docs.python.org, "Note on SIGPIPE")."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (a test's capture)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def _debug(ctx: click.Context) -> bool:
    app = ctx.find_object(App)
    return bool(app and app.traceback) or os.environ.get(DEBUG_ENV_VAR, "") not in ("", "0")


@click.group(cls=ArchiveGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="newsarchive")
@click.option(
    "--db",
    envvar=config.ENV_VAR,
    metavar="PATH|URL",
    help=f"The archive: an SQLite file or a SQLAlchemy URL; give it before the command "
    f"[env: {config.ENV_VAR}; default: archive.db in your user data folder].",
)
@click.option("--traceback", is_flag=True, help="On an unexpected error, show the Python trace.")
@click.option(
    "--no-pager",
    is_flag=True,
    help="Never page: show, and list or search output taller than the terminal, otherwise go "
    "through $NEWSARCHIVE_PAGER, $PAGER or 'less -FRX' (only on a terminal).",
)
@click.pass_context
def cli(ctx: click.Context, db: str | None, traceback: bool, no_pager: bool) -> None:
    """Keep news articles from plain-text files, exactly, and read them back.

    \b
    Examples:
      newsarchive ingest seeds/              # parse and store every file in a folder
      newsarchive list --since 2022-01       # what was published since January 2022
      newsarchive show 1                     # read one article
      newsarchive search 'ukrain* NOT nato'  # find articles by their words
      newsarchive browse                     # read full screen: list, article, search
      newsarchive stats                      # what the archive holds, month by month
      newsarchive verify                     # check the archive is whole and exact
      newsarchive export -o all.jsonl        # everything out, losslessly (import reads it)
      newsarchive reparse --dry-run          # what this version's parser would read better
      newsarchive --db team.db list --json   # another archive, as JSON

    \b
    Exit codes: 0 done; 1 error; 2 bad usage; 3 ingest refused some files
    (the rest were stored); 130 interrupted; 141 the reader of a pipe stopped early.
    """
    if db is None and os.environ.get(config.ENV_VAR) == "":
        db = ""  # set but empty is a mistake in a script, not a wish for the default archive
    ctx.obj = App(db, traceback, pager=not no_pager)


for _command in (*reading.COMMANDS, *writing.COMMANDS, *exchange.COMMANDS, *archive.COMMANDS):
    cli.add_command(_command)


def main() -> None:
    """The `newsarchive` command. Two things for start-up, which a read command mostly is:
    pydantic is told not to look for plugins (a scan of every installed package's entry
    points), and at exit the collector is not asked to walk every object made (gc.freeze:
    tens of milliseconds; the process is ending, so nothing it would free matters)."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        cli(prog_name="newsarchive")
    except KeyboardInterrupt:  # before or after a command's own handling
        exit_interrupted()
    finally:
        gc.freeze()
