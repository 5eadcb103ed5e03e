"""The commands about the archive as a whole: stats and verify, and the `db` group (info,
path, threshold, recover): what it holds, whether it is whole, where it is, its settings,
and saving what a damaged one still holds."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from newsarchive.cli.app import EXIT_REFUSED, App
from newsarchive.cli.params import JSON, ThresholdType

if TYPE_CHECKING:
    from newsarchive.ops.verify import Problem


@click.command()
@click.pass_obj
def verify(app: App) -> None:
    """Check that the archive is whole and exact; change nothing.

    SQLite's integrity, every article's raw bytes against its SHA-256, a re-parse of
    every article against what is stored, and the search index against the articles.
    Prints one line a problem; exit status 1 if there is any.

    \b
    Example:
      newsarchive verify
    """
    from newsarchive.ops.verify import verify as verify_archive
    from newsarchive.ui import summaries, terminal

    err = terminal.console(stderr=True)

    def show(problem: Problem) -> None:
        err.print(summaries.problem(problem), style="red", soft_wrap=True)

    archive = app.archive()
    with archive.reading() as store:
        total = store.count()
    with terminal.counting(err, "articles checked", lambda r: (r.articles, total)) as on_progress:
        report = verify_archive(archive, on_problem=show, on_progress=on_progress)
    for line in summaries.verify_notes(report):
        err.print(line, soft_wrap=True)
    err.print(summaries.verify_summary(report), soft_wrap=True)
    if report.problems:
        sys.exit(1)


@click.command()
@JSON
@click.pass_obj
def stats(app: App, as_json: bool) -> None:
    """Count what the archive holds: articles, versions, duplicates, dates, folders.

    Articles and the older versions folded into their story's newest; source paths and
    the byte-identical duplicates among them; articles by where their date came from, and
    undated; articles per month as bars (a row a year when the span is long), with the
    busiest month and the emptiest (months with none, when there are any); encodings; the
    ten folders most files came from; the size on disk; and the last ingest run. Where the
    archive is, its schema and engine: 'newsarchive db info'.

    \b
    Examples:
      newsarchive stats
      newsarchive stats --json | jq .dated_by
      newsarchive --db postgresql://me@dbhost/news stats
    """
    from newsarchive.ops.stats import archive_stats
    from newsarchive.ui import render, terminal
    from newsarchive.ui.overview import stats_view

    counted = archive_stats(app.archive())
    if as_json:
        click.echo(render.to_json(counted.model_dump(mode="json")))
    else:
        terminal.print_all([stats_view(counted)])


@click.group()
def db() -> None:
    """Where the archive is and what state it is in.

    \b
    Examples:
      newsarchive db info
      newsarchive db path
      newsarchive db threshold
    """


@db.command(name="info")
@JSON
@click.pass_obj
def db_info(app: App, as_json: bool) -> None:
    """Show the archive's engine, location and schema, and whether reparse has work.

    Also its size on disk and the engine's settings: SQLite's journal mode and page size,
    or the PostgreSQL server's version. What the archive holds: 'newsarchive stats'.

    \b
    Examples:
      newsarchive db info
      newsarchive db info --json
    """
    from newsarchive.ops.stats import database_info
    from newsarchive.ui import render, terminal
    from newsarchive.ui.overview import database_view

    info = database_info(app.archive())
    if as_json:
        click.echo(render.to_json(info.model_dump(mode="json")))
    else:
        terminal.print_all([database_view(info)])


@db.command(name="path")
@click.pass_obj
def db_path(app: App) -> None:
    """Print where the archive lives (a file path, or a URL without its password).

    \b
    Example:
      newsarchive db path
      NEWSARCHIVE_DB=/tmp/test.db newsarchive db path
    """
    click.echo(app.location.describe())


@db.command(name="threshold")
@click.argument("value", required=False, type=ThresholdType(0.05, 1.0))
@click.option("--default", "to_default", is_flag=True, help="Go back to the default.")
@click.pass_obj
def db_threshold(app: App, value: float | None, to_default: bool) -> None:
    """Show or set how alike two texts must be to count as versions of one story.

    The measure is the Jaccard similarity of the texts' word 5-shingles (headline, dek and
    body): 1.0 only for the same words in the same order. The default, 0.5, was chosen by
    measurement (bench/README.md): every re-save, re-encoding, added correction or
    paragraph and changed headline it was tested on, and no two different stories. The
    setting is kept in the archive; changing it groups every article again.

    \b
    Examples:
      newsarchive db threshold           # the archive's threshold
      newsarchive db threshold 0.7       # stricter: fewer articles folded together
      newsarchive db threshold --default
    """
    from newsarchive.ops.threshold import change_threshold, current_threshold
    from newsarchive.ui import summaries

    if value is not None and to_default:
        raise click.UsageError("give a VALUE or --default, not both")
    if value is None and not to_default:
        click.echo(summaries.threshold_shown(*current_threshold(app.archive())))
        return
    click.echo(summaries.threshold_set(*change_threshold(app.archive(), value)), err=True)


@db.command(name="recover")
@click.argument("destination", metavar="DEST")
@click.pass_obj
def db_recover(app: App, destination: str) -> None:
    """Save every article that can still be read from a damaged archive into a new one.

    For an SQLite archive SQLite calls damaged ("database disk image is malformed"), cut
    short, or with its first bytes overwritten. The damaged file is only read (a copy of
    it, made beside DEST). Each article that can be read is parsed again from its own
    raw bytes, as ingest does, under its source paths (ids are given anew, in the old
    order); what could not be saved is listed with its old id, headline and paths.
    Exit status 3 when anything was lost. DEST must be a new archive.

    \b
    Example:
      newsarchive --db news.db db recover saved.db
      newsarchive --db saved.db verify
    """
    from newsarchive.ops.recover import recover
    from newsarchive.ui import summaries, terminal

    target = app.destination(destination, same="DEST is the damaged archive; name a new archive.")
    where = target.describe()
    if app.location.path is not None and not app.location.path.is_file():
        raise click.UsageError(
            f"no archive at {app.location.describe()}; give --db the damaged one."
        )
    destination_archive = app.open_destination(target)
    with destination_archive.reading() as store:
        if (held := store.count()) > 0:
            raise click.UsageError(summaries.holds_articles(where, held))
    err = terminal.console(stderr=True)
    folder = target.path.parent if target.path is not None else None
    counts = terminal.counting(err, "articles saved", lambda r: (r.saved.added, None))
    with counts as on_progress:
        report = recover(
            app.location, destination_archive, work_folder=folder, on_progress=on_progress
        )
    for line in summaries.recover_losses(report):
        err.print(line, soft_wrap=True)
    err.print(summaries.recover_summary(report, where), soft_wrap=True, markup=False)
    if report.lost_count or report.unreadable:
        sys.exit(EXIT_REFUSED)


COMMANDS = (verify, stats, db)
