"""The commands that move articles between an archive and elsewhere: export (JSON Lines,
CSV, Markdown), import (JSON Lines back) and copy (into another archive)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from newsarchive.cli.app import (
    COPY_INTERRUPTED,
    EXIT_REFUSED,
    EXPORT_INTERRUPTED,
    IMPORT_INTERRUPTED,
    INTERRUPTED,
    App,
    interrupted,
)
from newsarchive.cli.params import ARTICLE_ID, DATED, SINCE, UNTIL, QueryType, check_span

if TYPE_CHECKING:
    from newsarchive.ops.exchange_import import LineRefusal
    from newsarchive.storage.backends import DatedBy
    from newsarchive.text.query import Query

SHOWN_REFUSALS = 10  # import: refused lines named one by one; past these, only counted


@click.command()
@click.argument("query", type=QueryType(), required=False)
@SINCE
@UNTIL
@DATED
@click.option("--id", "ids", type=ARTICLE_ID, multiple=True, help="Only this article (repeatable).")
@click.option(
    "--format",
    "form",
    type=click.Choice(["jsonl", "csv", "markdown"]),
    default="jsonl",
    show_default=True,
    help="jsonl: lossless, for import; csv: one row per article; markdown: a folder of files.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="A file (jsonl, csv) or folder (markdown); standard output when left out.",
)
@click.pass_obj
def export(
    app: App,
    query: Query | None,
    since: dt.date | None,
    until: dt.date | None,
    dated: DatedBy,
    ids: tuple[int, ...],
    form: str,
    output: Path | None,
) -> None:
    """Write articles out: every one, or those a search QUERY, dates or ids pick.

    JSON Lines (the default) holds everything stored, the raw bytes too, and the layouts
    of the news-database exports its articles were cut from: 'newsarchive import'
    restores it exactly. CSV (Python's "excel" dialect: commas, double quotes,
    CRLF; UTF-8) is one row per article for spreadsheets, pandas and R. Markdown writes
    one file per article, by year and month, with YAML front matter. Every version of a
    story is written. A file is written whole or not at all (stopped, nothing is left).

    \b
    Examples:
      newsarchive export -o archive.jsonl
      newsarchive export ukraine --since 2022-02 --format csv -o ukraine.csv
      newsarchive export --format markdown -o notes/
      newsarchive export | newsarchive --db other.db import -
    """
    from newsarchive.ops.exchange import ExportSelection, check_ids, count_selected
    from newsarchive.ops.export_files import write_export
    from newsarchive.storage.backends import Filters
    from newsarchive.ui import summaries, terminal

    check_span(since, until)
    if form == "markdown" and output is None:
        raise click.UsageError("--format markdown writes a folder: name it with -o DIR.")
    selection = ExportSelection(
        query, Filters(since, until, dated), frozenset(ids) if ids else None
    )
    archive = app.archive()
    if ids:
        check_ids(archive, ids)
    err = terminal.console(stderr=True)
    total = count_selected(archive, selection)
    counts = terminal.counting(err, "articles exported", lambda n: (n, total))
    with interrupted(EXPORT_INTERRUPTED if output else INTERRUPTED), counts as on_progress:
        written = write_export(archive, selection, form, output, on_progress)
    err.print(summaries.exported(written, output), markup=False)


@click.command(name="import")
@click.argument("source", type=click.File("r", encoding="utf-8", errors="strict", lazy=False))
@click.pass_obj
def import_(app: App, source: Any) -> None:
    """Store the articles of a JSON Lines export ('-' reads standard input).

    Articles come back exactly as exported: raw bytes, parsed fields, dates with their
    provenance, source paths with their times. Those already stored (the same SHA-256)
    are not stored twice but gain paths they lack, so importing into an archive that
    holds some of them merges the two. A bad line is refused with its number (the first
    ten are named, the rest counted) and the rest land (exit 3); a file whose first line is
    not a JSON object is no export, and nothing is imported. Stopped or killed, a re-run
    stores the rest.

    \b
    Examples:
      newsarchive import archive.jsonl
      newsarchive export | newsarchive --db other.db import -
      newsarchive --db postgresql://me@dbhost/news import archive.jsonl
    """
    from newsarchive.model.errors import NotAnExportError
    from newsarchive.ops.exchange_import import as_export, import_lines
    from newsarchive.ui import summaries, terminal

    name = "standard input" if source.name == "<stdin>" else source.name
    err = terminal.console(stderr=True)
    shown = 0

    def refused(refusal: LineRefusal) -> None:
        nonlocal shown
        shown += 1
        if shown > SHOWN_REFUSALS:  # a file that is mostly not an export: the count says it
            if shown == SHOWN_REFUSALS + 1:
                err.print(summaries.MORE_REFUSED, markup=False, highlight=False, style="yellow")
            return
        err.print(
            summaries.refused_line(name, refusal),
            markup=False,
            highlight=False,
            style="yellow",
            soft_wrap=True,
        )

    try:
        with interrupted(IMPORT_INTERRUPTED):
            export = as_export(source)
            archive = app.archive(create=True)
            counts = terminal.counting(err, "lines read", lambda r: (r.lines, None))
            with counts as on_progress:
                report = import_lines(archive, export, on_refusal=refused, on_progress=on_progress)
    except NotAnExportError as exc:
        raise click.ClickException(summaries.not_an_export(name, exc.line, exc.reason)) from None
    except UnicodeDecodeError as exc:
        raise click.ClickException(summaries.not_utf8(name, exc.start)) from None
    err.print(summaries.import_summary(report, name), markup=False, soft_wrap=True)
    if report.refused:
        sys.exit(EXIT_REFUSED)


@click.command(name="copy")
@click.argument("destination", metavar="DEST")
@click.pass_obj
def copy_(app: App, destination: str) -> None:
    """Copy every article into another archive: a new SQLite file or a PostgreSQL database.

    Ids, parsed fields, dates with their evidence, raw bytes, and every source path with
    the time it was first seen are kept: the copy is exact ('newsarchive --db DEST verify'
    checks it). DEST must be empty; a copy that was stopped or killed carries on where it
    stopped when run again.

    \b
    Examples:
      newsarchive copy postgresql://me@dbhost/news          # to a shared server
      newsarchive --db postgresql://me@dbhost/news copy news-backup.db
    """
    from newsarchive.ops.transfer import copy_archive
    from newsarchive.ui import summaries, terminal

    target = app.destination(
        destination, same="DEST is the archive being copied; name another archive."
    )
    source = app.archive()
    destination_archive = app.open_destination(target)
    err = terminal.console(stderr=True)
    counts = terminal.counting(
        err, "articles copied", lambda r: (r.already_there + r.copied, r.total)
    )
    with interrupted(COPY_INTERRUPTED), counts as on_progress:
        report = copy_archive(source, destination_archive, on_progress=on_progress)
    err.print(summaries.copied(report, target.describe()), soft_wrap=True, markup=False)


COMMANDS = (export, import_, copy_)
