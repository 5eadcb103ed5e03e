"""The commands that put articles in or change them: ingest, reparse, redate, date and
delete. What they did is said on stderr (ui/summaries.py words it)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from newsarchive.cli.app import EXIT_REFUSED, INGEST_STOPPING, App, exit_interrupted, interrupted
from newsarchive.cli.params import ARTICLE_ID, DAY, FUTURE, check_not_future

if TYPE_CHECKING:
    from newsarchive.ops.ingest import Refusal


@click.command()
# readable=False: an unreadable file is refused at its turn, and the rest still land.
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, readable=False, path_type=Path)
)
@click.option(
    "--pattern",
    "patterns",
    multiple=True,
    metavar="GLOB",
    help="Inside folders, only files whose names match this; repeat it to take files that "
    "match any [default: every file]. Files named outright always go.",
)
@click.option(
    "--exclude",
    "excludes",
    multiple=True,
    metavar="GLOB",
    help="Inside folders, leave out files whose names match this; a GLOB with a '/' is "
    "matched against the path below the folder given instead, where * also matches '/' "
    "('drafts/' or 'drafts/*': everything under drafts/). Repeatable.",
)
@click.option(
    "--include-docs",
    is_flag=True,
    help="Also take files named like README, LICENSE, LICENCE, CHANGELOG or COPYING (any "
    "case and extension) found in folders; they are skipped by default, and counted.",
)
@click.option(
    "--max-size",
    type=click.IntRange(min=1),
    default=16 * 1024 * 1024,
    show_default=True,
    metavar="BYTES",
    help="Refuse files larger than this.",
)
@click.option(
    "--published",
    type=DAY,
    default=None,
    help="The publication date (YYYY-MM-DD) of every article this run adds; it overrides "
    "dates found in the text. A date after today needs --future.",
)
@FUTURE
@click.option(
    "--jobs",
    type=click.IntRange(min=0),
    default=None,
    help="Processes that parse in parallel [default: one per core; 0: parse inline].",
)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(
        [
            "auto",
            "single",
            "lexisnexis",
            "nexis-uni",
            "proquest",
            "factiva",
            "europresse",
            "mediargus",
        ]
    ),
    default="auto",
    show_default=True,
    help="How files are read: auto splits news-database exports (LexisNexis, Nexis Uni, "
    "ProQuest, Factiva, Europresse, Mediargus; text, and HTML as Factiva and Europresse "
    "deliver it) into their articles, found by content, and reads any other "
    "file as one article; single reads every file as one article; a format name reads "
    "files as that export only (others are refused).",
)
@click.pass_obj
def ingest(
    app: App,
    paths: tuple[Path, ...],
    patterns: tuple[str, ...],
    excludes: tuple[str, ...],
    include_docs: bool,
    max_size: int,
    published: dt.date | None,
    future: bool,
    jobs: int | None,
    file_format: str,
) -> None:
    """Parse article text files and store them; folders are read recursively.

    Each file is stored once, by the SHA-256 of its bytes: ingesting again adds nothing, and
    identical files under other names become one article with every path recorded. A file
    that is not an article (empty, binary, undecodable) is refused with its reason on
    stderr; every other file still lands. --published dates only the articles the run
    adds; `newsarchive date ID DATE` dates one already stored.

    In folders, hidden files are skipped, and so are a corpus's own documents, files named
    like README or LICENSE: they describe the articles and are not one (--include-docs
    takes them; the summary counts them). Files whose content is JSON, XML, CSV, PDF, an
    office document, an image or an archive are skipped and counted too; named outright,
    they are refused with the reason.

    A news-database export (LexisNexis, Nexis Uni, ProQuest, Factiva, Europresse or
    Mediargus; text, Word or HTML as the database delivers it) is split into
    its articles, each stored on its own by the SHA-256 of its own bytes, with its source
    shown as the file and its place ("article 3 of 10"), its date from its date field and
    its publication; the file's cover page is kept too, so `verify` can rebuild the file.

    \b
    Examples:
      newsarchive ingest seeds/
      newsarchive ingest ~/scrapes/2022 one-more-article.txt
      newsarchive ingest --pattern '*.txt' --pattern '*.md' ~/corpora/bbc
      newsarchive ingest --exclude '*.draft.txt' --exclude 'archive/*' ~/scrapes
      newsarchive ingest --format lexisnexis ~/downloads/Nexis_Export.TXT
    """
    from newsarchive.model.errors import NothingToIngestError
    from newsarchive.ops.ingest import Ingester
    from newsarchive.ui import summaries, terminal

    check_not_future(published, future, "'--published'")
    err = terminal.console(stderr=True)

    def refused(refusal: Refusal) -> None:
        err.print(
            summaries.refused_file(refusal),
            markup=False,
            highlight=False,
            style="yellow",
            soft_wrap=True,
        )

    with terminal.ingest_progress(err) as on_progress:
        ingester = Ingester(
            app.archive(create=True),
            pattern=patterns,
            exclude=excludes,
            include_docs=include_docs,
            max_bytes=max_size,
            jobs=jobs,
            published=published,
            format=file_format,
            on_progress=on_progress,
            on_refusal=refused,
        )

        def so_far() -> str:
            return summaries.ingest_summary(ingester.report, interrupted=True)

        # A first Ctrl-C stops after the batch being stored, a second at once (that batch
        # is then rolled back).
        with (
            interrupted(so_far, console=err),
            terminal.first_ctrl_c_stops(ingester.stop, err, INGEST_STOPPING),
        ):
            report = ingester.run(paths)
    if ingester.stopping:
        exit_interrupted(so_far(), console=err)
    err.print(summaries.ingest_summary(report), soft_wrap=True)
    if published is not None and report.stored_before:
        err.print(summaries.published_unchanged(report.stored_before), soft_wrap=True)
    if report.seen == 0:
        raise NothingToIngestError(
            summaries.nothing_found(paths, patterns, excludes, report.skipped_docs)
        )
    if report.refused:
        sys.exit(EXIT_REFUSED)


@click.command()
@click.option("--dry-run", is_flag=True, help="Count what would change, per field; write nothing.")
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    metavar="N",
    help="Articles stored per transaction (500 unless given): a kill loses one at most.",
)
@click.pass_obj
def reparse(app: App, dry_run: bool, batch_size: int | None) -> None:
    """Read stored articles again with this version's parser, from their original bytes.

    Only articles an older version read are read again, in batches (500 by default), each
    stored as it is done: stopped or killed, a second run carries on where it stopped. Dates
    given by hand (ingest --published, `newsarchive date`) are kept. The search index
    follows.

    \b
    Examples:
      newsarchive reparse --dry-run   # what would change, with examples
      newsarchive reparse
    """
    from newsarchive.ops.reparse import reparse as reparse_all
    from newsarchive.ui import summaries, terminal

    err = terminal.console(stderr=True)
    with terminal.counting(err, "articles", lambda r: (r.checked, r.stale)) as on_progress:
        sized = {"batch_size": batch_size} if batch_size else {}
        report = reparse_all(app.archive(), dry_run=dry_run, on_progress=on_progress, **sized)
    err.print(summaries.reparse_summary(report, dry_run=dry_run), soft_wrap=True, markup=False)


@click.command()
@click.pass_obj
def redate(app: App) -> None:
    """Find every stored article's publication date again, with this version's rules.

    Dates are read from each article's original bytes, as at ingest, and inference is
    bounded by the day it was ingested. Dates given by hand (ingest --published,
    `newsarchive date`) are kept.

    \b
    Example:
      newsarchive redate
    """
    from newsarchive.ops.reparse import redate as redate_all
    from newsarchive.ui import summaries, terminal

    archive = app.archive()
    with archive.reading() as store:
        total = store.count()
    err = terminal.console(stderr=True)
    with terminal.counting(err, "articles", lambda r: (r.checked, total)) as on_progress:
        report = redate_all(archive, on_progress=on_progress)
    err.print(summaries.redate_summary(report), soft_wrap=True)


@click.command(name="date")
@click.argument("article_id", metavar="ID", type=ARTICLE_ID)
@click.argument("published", metavar="[DATE]", required=False, type=DAY)
@click.option("--clear", is_flag=True, help="Remove the date: the article is undated from now on.")
@FUTURE
@click.pass_obj
def date_(app: App, article_id: int, published: dt.date | None, clear: bool, future: bool) -> None:
    """Set an article's publication date by hand (YYYY-MM-DD), or clear it.

    The date is the user's word (source "cli", 100% sure): redate and reparse keep it, as
    they keep dates given with ingest --published. The date it replaces and where that
    came from are kept in the evidence ('newsarchive show ID' prints it). With --clear the
    article is undated, and stays so: no rule dates it again until a date is set.

    \b
    Examples:
      newsarchive date 12 2021-03-04
      newsarchive date 12 --clear
    """
    from newsarchive.ops.corrections import set_date
    from newsarchive.ui import summaries

    if (published is None) == (not clear):
        raise click.UsageError("give a DATE or --clear (one of them).")
    check_not_future(published, future, "'[DATE]'")
    change = set_date(app.archive(), article_id, None if clear else published)
    click.echo(summaries.date_changed(change, published), err=True)


@click.command()
@click.argument("article_ids", metavar="ID...", nargs=-1, required=True, type=ARTICLE_ID)
@click.option("--yes", "-y", is_flag=True, help="Do not ask; needed when not on a terminal.")
@click.pass_obj
def delete(app: App, article_ids: tuple[int, ...], yes: bool) -> None:
    """Delete articles from the archive, with their original bytes and source paths.

    Everything kept of them goes, in one transaction: search entries, versions (the other
    versions of their stories are grouped again without them) and the names related links
    reach them by (a link that led to one leads to another version of its story, or
    nowhere). On a terminal it lists the headlines and asks first; elsewhere, as in a
    script, give --yes. Ingesting a deleted file again stores it again, under a new id
    (ids are never given out twice).

    \b
    Examples:
      newsarchive delete 12
      newsarchive delete 12 40 41 --yes
    """
    from newsarchive.ops.corrections import deletable
    from newsarchive.ops.corrections import delete as delete_articles
    from newsarchive.ui import summaries

    archive = app.archive()
    with archive.reading() as store:
        found = deletable(store, list(dict.fromkeys(article_ids)))
    if not yes:
        if not (sys.stdin and sys.stdin.isatty()):
            raise click.ClickException(
                "not on a terminal, so not asking: pass --yes to delete without asking"
            )
        for line in summaries.to_delete(found):
            click.echo(line, err=True)
        if not click.confirm(summaries.delete_question(len(found)), err=True):
            click.echo(summaries.NOTHING_DELETED, err=True)
            sys.exit(1)
    report = delete_articles(archive, found)
    click.echo(summaries.deleted(report), err=True)


COMMANDS = (ingest, reparse, redate, date_, delete)
