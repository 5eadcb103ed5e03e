"""The `newsarchive` command: options in, one call down, a renderable or JSON out.

Heavy libraries (SQLAlchemy, pydantic, rich) are imported inside commands, so `--help` and
usage errors answer at once. Errors meant for people become one `Error:` line here and
nowhere else (ArchiveGroup.invoke).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import itertools
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import click

from newsarchive.storage import config

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from newsarchive.model.records import ArticleSummary
    from newsarchive.ops.exchange import Exported
    from newsarchive.ops.ingest import Ingester, IngestReport, Refusal
    from newsarchive.storage.archive import Archive
    from newsarchive.storage.backends import DatedBy
    from newsarchive.storage.store import Store
    from newsarchive.text.query import Query

EXIT_REFUSED = 3
SHOWN_REFUSALS = 10  # import: refused lines named one by one; past these, only counted
# --limit's ceiling: beyond what any archive holds, within what SQL's LIMIT takes.
MAX_LIMIT = 1_000_000_000
EXIT_INTERRUPTED = 130
WRITE_BUFFER = 1 << 20  # bytes: export's output buffer
PAGER_PROBE_BYTES = 1 << 20  # see _page
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a Unix tool killed by it
DEBUG_ENV_VAR = "NEWSARCHIVE_DEBUG"
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class ArchiveGroup(click.Group):
    """The one error boundary: domain errors become `Error: ...`, exit 1; so does anything
    unexpected, as one line unless --traceback or NEWSARCHIVE_DEBUG=1 asks for the trace."""

    def invoke(self, ctx: click.Context) -> Any:
        from newsarchive.model.errors import NewsArchiveError

        try:
            return super().invoke(ctx)
        except NewsArchiveError as exc:
            raise click.ClickException(str(exc)) from exc
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(EXIT_INTERRUPTED)
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
    for archive in app.opened if app else ():
        if archive.backend.trouble(error) in (Trouble.DAMAGED, Trouble.NOT_A_DATABASE):
            said = " ".join(str(getattr(error, "orig", error)).split())
            return DamagedArchiveError(archive.where, said)
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


class App:
    """What every command shares: where the archive is, opened at most once, on demand."""

    def __init__(self, db: str | None, traceback: bool, *, pager: bool = True) -> None:
        self.db = db
        self.traceback = traceback
        self.pager = pager
        self.opened: list[Archive] = []  # what the command opened (see _damaged)

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


class PeriodType(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.2
    """A calendar period for --since/--until: 2022, 2022-01, 2022-01-21, 30d, 2w, 6m, 1y."""

    name = "DATE"

    def __init__(self, *, end: bool, day_only: bool = False) -> None:
        self.end = end  # --until takes the period's last day, --since its first
        self.day_only = day_only  # a single day, as --published needs

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value
        from newsarchive.text.dates import PERIOD_FORMS, parse_day, parse_period

        try:
            if self.day_only:
                return parse_day(str(value))
            first, last = parse_period(str(value), today=dt.date.today())
        except ValueError as exc:
            self.fail(f"{exc}; use {'YYYY-MM-DD' if self.day_only else PERIOD_FORMS}.", param, ctx)
        return last if self.end else first


def _check_not_future(day: dt.date | None, future: bool, param: str) -> None:
    """A publication date given by hand after today is a typo unless --future says not.
    Today is the latest calendar day anywhere: local or UTC, whichever is later."""
    today = max(dt.date.today(), dt.datetime.now(dt.UTC).date())
    if day is not None and day > today and not future:
        raise click.BadParameter(
            f"{day} is after today; add --future if it is meant.", param_hint=param
        )


FUTURE = click.option(
    "--future", is_flag=True, help="Take a DATE after today (else refused, as a likely typo)."
)


class ArticleIdType(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.2
    """An article's id, wherever one is taken: a whole number from 1 that SQL's BIGINT
    holds. Anything else is said to be no article id, not an integer out of range."""

    name = "ID"
    LARGEST = 2**63 - 1

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, int):
            number = value
        else:
            text = str(value).strip()
            number = int(text) if text.isascii() and text.isdecimal() else 0
        if not 1 <= number <= self.LARGEST:
            self.fail(
                f"{value!r} is not an article id; ids are whole numbers from 1 "
                "('newsarchive list' shows them).",
                param,
                ctx,
            )
        return number


ARTICLE_ID = ArticleIdType()

SINCE = click.option(
    "--since", type=PeriodType(end=False), help="Only articles published on or after this."
)
UNTIL = click.option(
    "--until", type=PeriodType(end=True), help="Only articles published on or before this."
)
JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts instead.")
FORMAT = click.option(
    "--format",
    "form",
    type=click.Choice(["table", "tsv", "json"]),
    default=None,
    help="table (the default on a terminal), tsv (when piped: id, date, headline, source, "
    "tab-separated, one line each) or json (as --json).",
)


def _form(form: str | None, as_json: bool) -> str:
    """The output format asked for, else a table on a terminal and tab-separated lines in
    a pipe (grep, cut and awk see one article a line, with its id)."""
    if as_json:
        return "json"
    return form or ("table" if _stdout_is_terminal() else "tsv")


def _db_given(app: App) -> str:
    """`--db PATH ` when the user typed it (for a command line the user can copy), else ""."""
    import shlex

    root = click.get_current_context().find_root()
    typed = root.get_parameter_source("db") == click.core.ParameterSource.COMMANDLINE
    return f"--db {shlex.quote(app.db)} " if typed and app.db else ""


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


ALL_VERSIONS = click.option(
    "--all-versions",
    is_flag=True,
    help="A row for every version of a story, not only its newest.",
)
PUBLICATION = click.option(
    "--publication",
    metavar="TEXT",
    default=None,
    help="Only articles whose publication (the outlet a news-database export names) "
    "contains TEXT, in any case.",
)
DATED = click.option(
    "--date-source",
    "dated",
    type=click.Choice(["any", "explicit", "inferred"]),
    default="any",
    show_default=True,
    help="Only articles whose date the text states (explicit) or was inferred.",
)


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


@cli.command()
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
    type=PeriodType(end=False, day_only=True),
    default=None,
    help="The publication date (YYYY-MM-DD) of every article this run adds; it overrides "
    "dates found in the text. A date after today needs --future.",
)
@FUTURE
@click.option(
    "--jobs",
    type=click.IntRange(min=0),
    default=None,
    help="Processes that parse in parallel [default: one per core but one; 0: parse inline].",
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

    _check_not_future(published, future, "'--published'")
    err = _console(stderr=True)
    with _progress(err) as on_progress:
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
            on_refusal=lambda refusal: _print_refusal(err, refusal),
        )
        report = _run_stoppable(ingester, paths, err)
    if ingester.stopping:
        err.print(_summary(report, interrupted=True), soft_wrap=True)
        sys.exit(EXIT_INTERRUPTED)
    err.print(_summary(report), soft_wrap=True)
    if published is not None and report.stored_before:
        one = report.stored_before == 1
        err.print(
            f"{report.stored_before:,} file{' was' if one else 's were'} already stored: "
            f"--published changed nothing for {'it' if one else 'them'}; set a date with "
            "'newsarchive date ID DATE'.",
            soft_wrap=True,
        )
    if report.seen == 0:
        matching = " or ".join(repr(p) for p in patterns)
        from newsarchive.text.paths import shown

        found = (
            f"no files found in {', '.join(shown(os.fsdecode(p)) for p in paths)}"
            + (f" matching --pattern {matching}" if matching else "")
            + (" outside --exclude" if excludes else "")
        )
        if report.skipped_docs:
            n = report.skipped_docs
            raise NothingToIngestError(
                f"{found} but {n:,} named like README or LICENSE, which are skipped: "
                f"--include-docs takes {'it' if n == 1 else 'them'}"
            )
        raise NothingToIngestError(
            f"{found}; check the paths and --pattern" + (" and --exclude" if excludes else "")
        )
    if report.refused:
        sys.exit(EXIT_REFUSED)


def _run_stoppable(ingester: Ingester, paths: tuple[Path, ...], err: Console) -> IngestReport:
    """Run the ingest; a first Ctrl-C stops it after the batch being stored, a second at
    once (that batch is then rolled back)."""
    import signal

    def interrupt(_signum: int, _frame: Any) -> None:
        if ingester.stopping:
            raise KeyboardInterrupt
        ingester.stop()
        err.print("Stopping after the batch being stored; Ctrl-C again to stop at once.")

    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        return ingester.run(paths)
    except KeyboardInterrupt:
        err.print(_summary(ingester.report, interrupted=True), soft_wrap=True)
        sys.exit(EXIT_INTERRUPTED)
    finally:
        signal.signal(signal.SIGINT, previous)


def _print_refusal(console: Console, refusal: Refusal) -> None:
    from newsarchive.text.paths import shown
    from newsarchive.ui.render import clean

    console.print(
        f"refused {shown(refusal.path)}: {clean(refusal.reason)}",
        markup=False,
        highlight=False,
        style="yellow",
        soft_wrap=True,
    )


def _summary(report: IngestReport, *, interrupted: bool = False) -> str:
    parts = [f"added {report.added:,}", f"already present {report.already_present:,}"]
    if report.new_paths:
        parts[-1] += f" ({report.new_paths:,} under new paths)"
    parts.append(f"refused {len(report.refused):,}")
    from newsarchive.ui.render import counted

    files = counted(report.files, "file")
    if report.exports:
        exports = counted(report.exports, "news-database export")
        files += f" ({counted(report.export_pieces, 'article')} from {exports})"
    head = "Interrupted; stored so far" if interrupted else f"Read {files}"
    skipped = f"; {_skipped_docs(report)}" if report.skipped_docs else ""
    if report.skipped_kinds:
        kinds = ", ".join(f"{n:,} {kind}" for kind, n in sorted(report.skipped_kinds.items()))
        skipped += f"; skipped {counted(sum(report.skipped_kinds.values()), 'file')} that are "
        skipped += f"not articles ({kinds}; name one outright to hear why)"
    return f"{head}: {', '.join(parts)}{skipped}."


def _skipped_docs(report: IngestReport) -> str:
    one = report.skipped_docs == 1
    return (
        f"skipped {report.skipped_docs:,} file{'' if one else 's'} named like README or "
        f"LICENSE (--include-docs takes {'it' if one else 'them'})"
    )


@contextmanager
def _counting(
    console: Console, what: str, counts: Callable[[Any], tuple[int, int | None]]
) -> Iterator[Any]:
    """A live count of checked items (of how many, when known) on stderr when it is a
    terminal; nothing otherwise."""
    if not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(what, total=None)

        def update(report: Any) -> None:
            done, total = counts(report)
            of = f" of {total:,}" if total is not None else ""
            progress.update(task, completed=done, total=total, description=f"{done:,}{of} {what}")

        yield update


@contextmanager
def _progress(console: Console) -> Iterator[Any]:
    """A live count on stderr when it is a terminal; nothing otherwise."""
    if not console.is_terminal:
        yield None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.completed:,} files"),
        TextColumn("[dim]{task.fields[detail]}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("ingest", total=None, detail="")

        def update(report: IngestReport) -> None:
            detail = f"{report.added:,} added, {len(report.refused):,} refused"
            progress.update(task, completed=report.seen, detail=detail)

        yield update


def _check_span(since: dt.date | None, until: dt.date | None) -> None:
    if since and until and since > until:
        raise click.UsageError(f"--since {since} is after --until {until}; swap them.")


@cli.command(name="list")
@SINCE
@UNTIL
@DATED
@click.option(
    "--limit",
    type=click.IntRange(min=1, max=MAX_LIMIT),
    default=None,
    help="Show at most this many.",
)
@ALL_VERSIONS
@PUBLICATION
@FORMAT
@JSON
@click.pass_obj
def list_(
    app: App,
    since: dt.date | None,
    until: dt.date | None,
    dated: DatedBy,
    limit: int | None,
    all_versions: bool,
    publication: str | None,
    form: str | None,
    as_json: bool,
) -> None:
    """List stored articles, newest first (undated ones last).

    A story saved more than once (edited, re-encoded, corrected) is one row, its newest
    version, marked "3 versions"; --all-versions lists each. A date filter leaves undated
    articles out and says how many on stderr.

    \b
    Examples:
      newsarchive list
      newsarchive list --since 2022-01 --until 2022-03
      newsarchive list --limit 20 --json
      newsarchive list --all-versions
      newsarchive list --publication "Daily Telegraph"
    """
    from newsarchive.ui import render

    _check_span(since, until)
    form = _form(form, as_json)
    complete = True
    with app.reading(snapshot=True) as store:  # one snapshot for all its pages
        listing = store.list(
            since=since,
            until=until,
            dated=dated,
            limit=limit,
            all_versions=all_versions,
            publication=publication,
        )
        seen = _Seen(listing.articles)
        if form == "json":
            items = (render.summary_json(a) for a in seen)
            _write(render.json_array(items), closing=render.json_array_end)
            click.echo()
        elif form == "tsv":
            _write(render.tsv_lines(seen))
        else:
            last = store.records.last()
            tables = render.article_tables(seen, last_id=last[0] if last else 0)
            complete = _print_all(tables, page="tall")
    folded = seen.versioned and not all_versions
    footer = render.listing_footer(
        seen.count, listing.undated_left_out, folded, cut_short=not complete
    )
    _console(stderr=True).print(footer, soft_wrap=True)


class _Seen:
    """Articles passed on as they stream, counted, noting whether any has versions."""

    def __init__(self, articles: Iterator[ArticleSummary]) -> None:
        self._articles = articles
        self.count = 0
        self.versioned = False

    def __iter__(self) -> Iterator[ArticleSummary]:
        for article in self._articles:
            self.count += 1
            self.versioned = self.versioned or article.versions > 1
            yield article


def _write(chunks: Iterable[str], *, closing: Callable[[int], str] | None = None) -> None:
    """Text to stdout as it is made, flushed every 64 chunks. Interrupted (Ctrl-C), what
    `closing` gives for the chunks written so far is written first (the end of a JSON
    array, so that what was written still parses)."""
    out = sys.stdout
    written = 0
    try:
        for chunk in chunks:
            out.write(chunk)
            written += 1
            if written % 64 == 0:
                out.flush()
    except KeyboardInterrupt:
        if closing:
            out.write(closing(written) + "\n")
            out.flush()
        raise


class QueryType(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.2
    """A search query, parsed early so that a bad one is a usage error naming the option."""

    name = "QUERY"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from newsarchive.text.query import Query, QueryError, parse_query

        if isinstance(value, Query):
            return value
        try:
            return parse_query(str(value))
        except QueryError as exc:
            self.fail(str(exc), param, ctx)


# A word that starts with a dash (search -Greenspan) is a word of the query, not an option.
@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("query", type=QueryType())
@SINCE
@UNTIL
@DATED
@click.option(
    "--limit",
    type=click.IntRange(min=1, max=MAX_LIMIT),
    default=20,
    show_default=True,
    help="Best N matches.",
)
@ALL_VERSIONS
@PUBLICATION
@FORMAT
@JSON
@click.pass_obj
def search(
    app: App,
    query: Query,
    since: dt.date | None,
    until: dt.date | None,
    dated: DatedBy,
    limit: int,
    all_versions: bool,
    publication: str | None,
    form: str | None,
    as_json: bool,
) -> None:
    """Find articles by their words, best first: every word of the file is searched.

    All words must match; case and accents do not matter (Zurich finds Zürich). Also:
    "a phrase", either OR other, this NOT that, prefix*, and ( ) to group. Best first by
    bm25, a headline match weighing ten times a body match, a byline or URL match half, and
    one in a line that is not the story's (publication, date lines, captions, READ MORE)
    a quarter. A story
    with several versions is one row, the newest version that matches (--all-versions:
    each).

    \b
    Examples:
      newsarchive search "Blinken Lavrov"
      newsarchive search '"minor incursion"' --since 2022-01
      newsarchive search 'ukrain* NOT nato' --limit 5 --json
      newsarchive search ferry --publication guardian
    """
    from newsarchive.ui import render

    _check_span(since, until)
    with app.reading() as store:
        results = store.search(
            query,
            since=since,
            until=until,
            dated=dated,
            limit=limit,
            all_versions=all_versions,
            publication=publication,
        )
    form = _form(form, as_json)
    if form == "json":
        click.echo(render.to_json([render.summary_json(hit) for hit in results.hits]))
    elif form == "tsv":
        click.echo("".join(render.tsv_lines(results.hits)), nl=False)
    elif results.hits:
        _print(render.search_table(results.hits, query.terms), page="tall")
    err = _console(stderr=True)
    folded = any(hit.versions > 1 for hit in results.hits) and not all_versions
    footer = render.search_footer(
        len(results.hits), results.undated_left_out, results.ranked_window, folded, results.total
    )
    err.print(footer, soft_wrap=True)
    if results.hits and form == "table":
        import shlex

        hint = f"Read one with its matches marked: newsarchive {_db_given(app)}show ID --highlight "
        err.print(hint + shlex.quote(query.text), style="dim", soft_wrap=True, markup=False)


@cli.command()
@click.argument("article_id", metavar="ID", type=ARTICLE_ID)
@click.option("--raw", is_flag=True, help="Write the original file's bytes, exactly.")
@click.option(
    "--highlight",
    type=QueryType(),
    default=None,
    help="Mark the words this search matches (without colour, as in a pipe: [[word]]).",
)
@JSON
@click.pass_obj
def show(app: App, article_id: int, raw: bool, highlight: Query | None, as_json: bool) -> None:
    """Show one article for reading.

    A related link ("READ MORE: ...") that leads to an archived article ends with its id
    (→ #12); the articles that link here and the story's other versions (with what
    changed) follow the article. `newsarchive diff A B` compares two versions word by word.

    \b
    Examples:
      newsarchive show 1
      newsarchive show 1 --highlight 'Blinken Lavrov'
      newsarchive show 1 --json
      newsarchive show 1 --raw > original.txt   # the bytes as they were ingested
    """
    from newsarchive.ui import render

    if raw and as_json:
        raise click.UsageError("--raw and --json do not go together; choose one.")
    with app.reading() as store:
        if raw:
            data = store.raw(article_id)
        else:
            article = store.get(article_id)
            around = store.surroundings(article)
    if raw:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    elif as_json:
        click.echo(render.to_json(render.article_json(article, around)))
    else:
        terms = highlight.terms if highlight else ()
        console = _console()
        brackets = console.no_color or console.color_system is None  # as diff's marks
        # Piece by piece: the first screen is out before a huge article is all rendered.
        pieces = render.article_pieces(article, terms, around, brackets=brackets, whole_lines=True)
        _print_all(pieces, page="always")
        if highlight and not render.matches_in(article, terms):
            click.echo(f"Nothing in article {article.id} matches {highlight.text!r}.", err=True)


@cli.command()
@click.argument("old", metavar="A", type=ARTICLE_ID)
@click.argument("new", metavar="B", type=ARTICLE_ID)
@click.option(
    "--context",
    type=click.IntRange(min=0),
    default=8,
    show_default=True,
    help="Unchanged words shown around each change.",
)
@JSON
@click.pass_obj
def diff(app: App, old: int, new: int, context: int, as_json: bool) -> None:
    """Compare two articles word by word: what B deletes from A and inserts.

    Deletions are struck through in red, insertions underlined in green (without colour,
    as in a pipe: [-deleted-] and {+inserted+}); long unchanged stretches are folded.
    Meant for versions of one story (`show` lists them), but any two articles can be
    compared.

    \b
    Examples:
      newsarchive diff 12 40
      newsarchive diff 12 40 --context 20
      newsarchive diff 12 40 --json
    """
    from newsarchive.text.compare import diff_words, fold
    from newsarchive.ui import render

    with app.reading() as store:
        first, second = store.get(old), store.get(new)
    runs = diff_words(first, second)
    if as_json:
        click.echo(render.to_json(render.diff_json(runs, first, second)))
    else:
        console = _console()
        console.print(
            render.diff_renderable(
                fold(runs, context),
                old_label=f"#{first.id} {first.headline}",
                new_label=f"#{second.id} {second.headline}",
                marks=console.no_color or console.color_system is None,
            )
        )


@cli.command()
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
    from newsarchive.ops.ingest import redate as redate_all
    from newsarchive.ui.render import counted

    archive = app.archive()
    with archive.reading() as store:
        total = store.count()
    err = _console(stderr=True)
    with _counting(err, "articles", lambda r: (r.checked, total)) as on_progress:
        report = redate_all(archive, on_progress=on_progress)
    unchanged = report.checked - report.newly_dated - report.changed - report.no_longer_dated
    err.print(
        f"Checked {counted(report.checked, 'article')}: {report.newly_dated:,} newly dated, "
        f"{report.changed:,} changed, {report.no_longer_dated:,} no longer dated, "
        f"{unchanged:,} unchanged ({report.kept_given:,} dates given by hand kept).",
        soft_wrap=True,
    )


@cli.command(name="date")
@click.argument("article_id", metavar="ID", type=ARTICLE_ID)
@click.argument(
    "published", metavar="[DATE]", required=False, type=PeriodType(end=False, day_only=True)
)
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

    if (published is None) == (not clear):
        raise click.UsageError("give a DATE or --clear (one of them).")
    _check_not_future(published, future, "'[DATE]'")
    change = set_date(app.archive(), article_id, None if clear else published)
    before = change.before["published"]
    was = f"{before} ({change.before['date_source']})" if before else "undated"
    now = f"dated {published}" if published else "undated"
    click.echo(f"Article {article_id} is now {now}; it was {was}.", err=True)


@cli.command()
@click.argument(
    "article_ids",
    metavar="ID...",
    nargs=-1,
    required=True,
    type=ARTICLE_ID,
)
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
    from newsarchive.ui.render import clean

    archive = app.archive()
    with archive.reading() as store:
        found = deletable(store, list(dict.fromkeys(article_ids)))
    if not yes:
        if not (sys.stdin and sys.stdin.isatty()):
            raise click.ClickException(
                "not on a terminal, so not asking: pass --yes to delete without asking"
            )
        for id_, headline in found.items():
            click.echo(f"  #{id_}  {clean(headline)}", err=True)
        many = len(found) != 1
        if not click.confirm(
            f"Delete these {len(found):,} articles?" if many else "Delete this article?",
            err=True,
        ):
            click.echo("Nothing was deleted.", err=True)
            sys.exit(1)
    report = delete_articles(archive, found)
    many = len(report.deleted) != 1
    click.echo(
        f"Deleted {len(report.deleted):,} article{'s' if many else ''} "
        f"({', '.join(f'#{i}' for i in report.deleted)})"
        + (
            f"; their {report.regrouped:,} other versions were grouped again."
            if report.regrouped
            else "."
        ),
        err=True,
    )


@cli.command()
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

    err = _console(stderr=True)
    with _counting(err, "articles", lambda r: (r.checked, r.stale)) as on_progress:
        sized = {"batch_size": batch_size} if batch_size else {}
        report = reparse_all(app.archive(), dry_run=dry_run, on_progress=on_progress, **sized)
    err.print(render_reparse(report, dry_run=dry_run), soft_wrap=True, markup=False)


def render_reparse(report: Any, *, dry_run: bool) -> str:
    """The reparse summary: counts per field, and a few examples on a dry run."""
    from newsarchive.ui.render import clean

    if report.stale == 0:
        return "Every article was read by this version's parser; nothing to do."
    verb = "would change" if dry_run else "changed"
    lines = [
        f"Read {report.checked:,} of {report.stale:,} articles again: {report.changed:,} "
        f"{verb}, {report.checked - report.changed:,} unchanged."
    ]
    if report.by_column:
        counts = ", ".join(f"{c} {n:,}" for c, n in report.by_column.most_common())
        lines.append(f"Fields that {verb}: {counts}.")
    if report.kept_given:
        lines.append(f"Dates given by hand kept: {report.kept_given:,}.")
    if report.unparsable:
        lines.append(
            f"No longer parse, left as they were: {report.unparsable:,} "
            "('newsarchive verify' names them)."
        )
    if dry_run:
        for column, examples in report.examples.items():
            for change in examples:
                lines.append(
                    f"  #{change.article_id} {column}: {clean(change.old)!s} -> {clean(change.new)}"
                )
        lines.append("Nothing was written; run 'newsarchive reparse' to store the changes.")
    return "\n".join(lines)


@cli.command()
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
    from newsarchive.ops.exchange import ExportFiles, Selection, check_ids, count_selected, selected
    from newsarchive.storage.backends import Filters
    from newsarchive.ui import render

    _check_span(since, until)
    if form == "markdown" and output is None:
        raise click.UsageError("--format markdown writes a folder: name it with -o DIR.")
    selection = Selection(query, Filters(since, until, dated), frozenset(ids) if ids else None)
    archive = app.archive()
    if ids:
        check_ids(archive, ids)
    err = _console(stderr=True)
    total = count_selected(archive, selection)
    written = 0
    counts = _counting(err, "articles exported", lambda n: (n, total))
    try:
        with counts as on_progress:
            records = selected(archive, selection, json_text=form == "jsonl")
            if form == "markdown":
                assert output is not None
                written = _export_markdown(records, output, on_progress)
            elif form == "csv":
                written = _export_lines(records, form, output, on_progress)
            else:  # the layouts of news-database exports follow the articles
                files = ExportFiles(selection.everything)
                records = map(files.seen, records)
                tail = functools.partial(files.lines, archive)
                written = _export_lines(records, form, output, on_progress, tail)
    except KeyboardInterrupt:
        err.print("Interrupted" + ("; nothing was left half-written." if output else "."))
        sys.exit(EXIT_INTERRUPTED)
    where = f" to {output}" if output else ""
    err.print(f"Exported {render.counted(written, 'article')}{where}.", markup=False)


def _export_lines(
    records: Iterator[Exported],
    form: str,
    output: Path | None,
    on_progress: Any,
    tail: Callable[[], Iterable[bytes]] = tuple,
) -> int:
    """JSON Lines or CSV to a file (written beside it, then renamed) or standard output;
    `tail` gives lines written after the articles."""
    from newsarchive.ops.exchange import csv_header, csv_line, jsonl_line

    line = jsonl_line if form == "jsonl" else csv_line
    partial = output.with_name(output.name + ".partial") if output else None
    written = 0
    try:
        with _binary_out(partial) as out:
            if form == "csv":
                out.write(csv_header())
            for record in records:
                out.write(line(record))
                written += 1
                if on_progress and written % 100 == 0:
                    on_progress(written)
            for extra in tail():
                out.write(extra)
        if partial and output:
            partial.replace(output)
    except OSError as exc:
        if partial:
            partial.unlink(missing_ok=True)
        elif isinstance(exc, BrokenPipeError):  # `export | head`: see ArchiveGroup
            raise
        where = output or "standard output"
        raise click.ClickException(f"cannot write {where}: {exc.strerror}") from None
    except BaseException:
        if partial:
            partial.unlink(missing_ok=True)
        raise
    return written


def _binary_out(path: Path | None) -> contextlib.AbstractContextManager[BinaryIO]:
    """The file at `path`, else standard output, for bytes, with a 1 MiB buffer: most
    export lines are longer than Python's 8 KiB, and a write(2) each was a fifth of an
    export's time. Standard output is left open (and flushed) when done."""
    if path is not None:
        return open(path, "wb", buffering=WRITE_BUFFER)
    try:
        sys.stdout.flush()
        return open(sys.stdout.fileno(), "wb", buffering=WRITE_BUFFER, closefd=False)
    except (AttributeError, OSError, ValueError):  # not a real file (a test's capture)
        return contextlib.nullcontext(sys.stdout.buffer)


def _export_markdown(records: Iterator[Exported], folder: Path, on_progress: Any) -> int:
    """One .md per article under `folder`, each written beside itself then renamed."""
    from newsarchive.ops.exchange import markdown_path, markdown_text

    written = 0
    try:
        for record in records:
            path = folder / markdown_path(record)
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(path.name + ".partial")
            partial.write_text(markdown_text(record), encoding="utf-8")
            partial.replace(path)
            written += 1
            if on_progress and written % 100 == 0:
                on_progress(written)
    except OSError as exc:
        raise click.ClickException(f"cannot write in {folder}: {exc.strerror}") from None
    return written


@cli.command(name="import")
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
    from newsarchive.ops.exchange import as_export, import_lines
    from newsarchive.ui import render

    name = "standard input" if source.name == "<stdin>" else source.name
    err = _console(stderr=True)
    shown = 0

    def refused(refusal: Any) -> None:
        nonlocal shown
        shown += 1
        if shown > SHOWN_REFUSALS:  # a file that is mostly not an export: the count says it
            if shown == SHOWN_REFUSALS + 1:
                err.print(
                    "(more refused lines are not shown; the summary counts them)",
                    markup=False,
                    highlight=False,
                    style="yellow",
                )
            return
        err.print(
            f"refused {name} line {refusal.line:,}: {refusal.reason}",
            markup=False,
            highlight=False,
            style="yellow",
            soft_wrap=True,
        )

    try:
        export = as_export(source)
        archive = app.archive(create=True)
        counts = _counting(err, "lines read", lambda r: (r.lines, None))
        with counts as on_progress:
            report = import_lines(archive, export, on_refusal=refused, on_progress=on_progress)
    except NotAnExportError as exc:
        raise click.ClickException(
            f"{name} line {exc.line:,} {exc.reason}, so it is not a newsarchive export (JSON "
            "Lines, as 'newsarchive export' writes); nothing was imported"
        ) from None
    except UnicodeDecodeError as exc:
        raise click.ClickException(
            f"{name} is not UTF-8 text (byte {exc.start:,}): is it a newsarchive export?"
        ) from None
    except KeyboardInterrupt:
        err.print("Interrupted; what was stored stays: run the same import again.")
        sys.exit(EXIT_INTERRUPTED)
    parts = [f"added {report.added:,}", f"already present {report.already_present:,}"]
    if report.new_paths:
        parts[-1] += f" ({report.new_paths:,} new paths)"
    if report.exports:
        parts.append(f"news-database exports kept {report.exports:,}")
    parts.append(f"refused {len(report.refused):,}")
    lines = render.counted(report.lines, "line")
    err.print(f"Read {lines} of {name}: {', '.join(parts)}.", markup=False, soft_wrap=True)
    if report.refused:
        sys.exit(EXIT_REFUSED)


@cli.command(name="copy")
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
    from newsarchive.storage.archive import open_archive

    target = config.resolve(destination, config.default_data_dir())
    where = target.describe()
    if where == app.location.describe():
        raise click.UsageError("DEST is the archive being copied; name another archive.")
    source = app.archive()
    destination_archive = open_archive(target, create=True)
    click.get_current_context().call_on_close(destination_archive.close)
    err = _console(stderr=True)
    counts = _counting(err, "articles copied", lambda r: (r.already_there + r.copied, r.total))
    try:
        with counts as on_progress:
            report = copy_archive(source, destination_archive, on_progress=on_progress)
    except KeyboardInterrupt:
        err.print("Interrupted; run the same copy again to carry on.", soft_wrap=True)
        sys.exit(EXIT_INTERRUPTED)
    earlier = report.already_there
    resumed = f" ({earlier:,} were there from an earlier run)" if earlier else ""
    err.print(
        f"Copied {report.copied:,} articles with {report.paths:,} source paths to {where}"
        f"{resumed}. Check it with: newsarchive --db {where} verify",
        soft_wrap=True,
        markup=False,
    )


@cli.command()
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
    from newsarchive.ui.render import clean

    err = _console(stderr=True)

    def show(problem: Any) -> None:
        where = f"article {problem.article_id}" if problem.article_id else "archive"
        err.print(f"problem: {where}: {clean(problem.what)}", style="red", soft_wrap=True)

    archive = app.archive()
    with archive.reading() as store:
        total = store.count()
    with _counting(err, "articles checked", lambda r: (r.articles, total)) as on_progress:
        report = verify_archive(archive, on_problem=show, on_progress=on_progress)
    if report.parsed_before:
        many = report.parsed_before != 1
        err.print(
            f"{report.parsed_before:,} article{'s were' if many else ' was'} read by an older "
            f"parser: {'their' if many else 'its'} bytes were checked, {'their' if many else 'its'}"
            f" fields not; 'newsarchive reparse' reads {'them' if many else 'it'} again.",
            soft_wrap=True,
        )
    if report.unfingerprinted:
        many = report.unfingerprinted != 1
        err.print(
            f"{report.unfingerprinted:,} article{'s were' if many else ' was'} stored before "
            "versions and links were kept: 'newsarchive reparse' groups "
            f"{'them' if many else 'it'}.",
            soft_wrap=True,
        )
    for what in report.not_run:
        err.print(f"not checked: {what}; you may not write the archive.", soft_wrap=True)
    for what in report.skipped:
        err.print(f"not checked: {what}.", soft_wrap=True)
    from newsarchive.ui.render import counted

    summary = f"Checked {counted(report.articles, 'article')}: "
    if report.problems:
        err.print(summary + f"{counted(len(report.problems), 'problem')}.", soft_wrap=True)
        sys.exit(1)
    err.print(summary + "all whole and exact.", soft_wrap=True)


@cli.command()
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
    from newsarchive.ui import render

    counted = archive_stats(app.archive())
    if as_json:
        click.echo(render.to_json(counted.model_dump(mode="json")))
    else:
        _print(render.stats_view(counted))


@cli.group()
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
    from newsarchive.ui import render

    info = database_info(app.archive())
    if as_json:
        click.echo(render.to_json(info.model_dump(mode="json")))
    else:
        _print(render.database_view(info))


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


class ThresholdType(click.FloatRange):
    """A float in a range, and a number: nan compares false with both bounds, so
    FloatRange alone takes it (and grouping by it dissolved every story's versions)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        import math

        number = super().convert(value, param, ctx)
        if math.isnan(number):
            self.fail(
                f"{value!r} is not a number; give one in the range {self._describe_range()}.",
                param,
                ctx,
            )
        return number


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
    from newsarchive.ops import versions

    if value is not None and to_default:
        raise click.UsageError("give a VALUE or --default, not both")
    if value is None and not to_default:
        with app.reading() as store:
            current = versions.threshold(store)
            given = store.settings.get(versions.THRESHOLD_SETTING) is not None
        click.echo(f"{current:g}" + ("" if given else " (the default)"))
        return
    with app.archive().writing() as store:
        grouped = versions.set_threshold(store, value)
        current = versions.threshold(store)
    click.echo(
        f"Threshold {current:g}; grouped again: {grouped:,} "
        f"article{' has' if grouped == 1 else 's have'} other versions.",
        err=True,
    )


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
    from newsarchive.storage.archive import open_archive

    target = config.resolve(destination, config.default_data_dir())
    where = target.describe()
    if where == app.location.describe():
        raise click.UsageError("DEST is the damaged archive; name a new archive.")
    if app.location.path is not None and not app.location.path.is_file():
        raise click.UsageError(
            f"no archive at {app.location.describe()}; give --db the damaged one."
        )
    destination_archive = open_archive(target, create=True)
    click.get_current_context().call_on_close(destination_archive.close)
    with destination_archive.reading() as store:
        if (held := store.count()) > 0:
            from newsarchive.ui.render import counted

            raise click.UsageError(
                f"{where} already holds {counted(held, 'article')}; name a new archive."
            )
    err = _console(stderr=True)
    folder = target.path.parent if target.path is not None else None
    counts = _counting(err, "articles saved", lambda r: (r.saved.added, None))
    with counts as on_progress:
        report = recover(
            app.location, destination_archive, work_folder=folder, on_progress=on_progress
        )
    from newsarchive.ui.render import clean, counted

    for lost in report.lost:
        paths = f" ({', '.join(lost.paths)})" if lost.paths else ""
        headline = f' "{lost.headline}"' if lost.headline else ""
        err.print(clean(f"lost: #{lost.id}{headline}{paths}: {lost.why}"), soft_wrap=True)
    for refusal in report.saved.refused:
        err.print(clean(f"lost: {refusal.path}: {refusal.reason}"), soft_wrap=True)
    for first, last in report.unreadable:
        ids = f"#{first}" if first == last else f"#{first} to #{last}"
        err.print(f"unreadable: {ids} (whether articles had these ids is unknown)", soft_wrap=True)
    if report.paths_unreadable:
        err.print(
            f"unreadable: {counted(report.paths_unreadable, 'source path row')}", soft_wrap=True
        )
    if report.cut_short:
        err.print(
            f"unreadable: any article after #{report.highest_seen:,}, lost with the end of the "
            "file",
            soft_wrap=True,
        )
    if report.read_alone:
        err.print(
            f"saved alone: {counted(report.read_alone, 'article')} of news-database exports "
            "whose files could not be rebuilt whole (an article of the file was lost)",
            soft_wrap=True,
        )
    repaired = []
    if report.header_rebuilt:
        repaired.append("its header was rebuilt")
    if report.cut_short:
        repaired.append("it was cut short")
    lost_count = len(report.lost) + len(report.saved.refused)
    err.print(
        f"Saved {counted(report.saved.added, 'article')} to {where}; lost {lost_count:,}"
        + (f" ({', '.join(repaired)})" if repaired else "")
        + f". Check it with: newsarchive --db {where} verify",
        soft_wrap=True,
        markup=False,
    )
    if lost_count or report.unreadable:
        sys.exit(EXIT_REFUSED)


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("query", type=QueryType(), required=False)
@SINCE
@UNTIL
@click.option(
    "--theme",
    type=click.Choice(["terminal", "dark", "light"]),
    default="terminal",
    show_default=True,
    help="terminal: the terminal's own colours and background; dark or light: Textual's.",
)
@click.pass_obj
def browse(
    app: App, query: Query | None, since: dt.date | None, until: dt.date | None, theme: str
) -> None:
    """Read the archive full screen: the articles on one side, the one chosen on the other.

    The list is newest first, as `list` shows it; the article as `show` shows it, the
    words searched for marked. Keys: arrows, PgUp/PgDn and the mouse move; / searches
    as you type (the `search` language, ranked as `search` ranks); f sets the dates;
    Enter on a related link or version opens it, Backspace goes back; r the raw text;
    m more of a long article (the first 300 paragraphs are drawn; m doubles them);
    c copies the id (C the source path); Esc backs out; q quits.

    \b
    Examples:
      newsarchive browse
      newsarchive browse --since 2022-01 'ukrain*'
      newsarchive browse --theme light
    """
    _check_span(since, until)
    archive = app.archive()
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise click.UsageError("browse needs a terminal; 'newsarchive list' prints for pipes.")
    from newsarchive.ui.browse import Browser

    Browser(archive, query=query, since=since, until=until, theme=theme).run()


def _console(*, stderr: bool = False) -> Console:
    return _console_class()(stderr=stderr, highlight=False, emoji=False, markup=False)


@cache
def _console_class() -> type[Console]:
    """rich's Console, made once (rich is imported only when something is printed), but
    for a closed pipe: rich would exit 1; ArchiveGroup ends quietly with 141, as for any
    output."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError

    return _Console


def _print(renderable: RenderableType, *, page: str = "never") -> None:
    """Print to stdout; on a terminal, through the pager as git does: `page` "always"
    (show: the reader starts at the top) or "tall" (only when taller than the screen)."""
    _print_all([renderable], page=page)


def _print_all(renderables: Iterable[RenderableType], *, page: str = "never") -> bool:
    """`_print` of renderables made as they are printed (a streamed listing's tables):
    each is out before the next is made. With "tall", they are held back only until they
    fill the screen; then the pager is started and the rest streamed into it."""
    console = _console()
    app = click.get_current_context().find_object(App)
    # A real terminal, not FORCE_COLOR's pretence: colour is wanted, a pager maybe not.
    paging = console.is_terminal and _stdout_is_terminal()
    if page == "never" or not paging or (app is not None and not app.pager):
        for renderable in renderables:
            console.print(renderable, crop=False)  # see _rendered
        return True
    rendered = _rendered(console, renderables)
    held: list[str] = []
    lines = 0
    for text in rendered:
        held.append(text)
        lines += text.count("\n")
        if page == "always" or lines >= console.size.height - 1:
            return _page(itertools.chain(held, rendered))
    sys.stdout.write("".join(held))
    return True


def _rendered(console: Console, renderables: Iterable[RenderableType]) -> Iterator[str]:
    for renderable in renderables:
        with console.capture() as capture:
            # Not cropped at the width: everything is laid out to fit it but for what
            # must stay whole on its line to be copied (show's URL and paths).
            console.print(renderable, crop=False)
        yield capture.get()


def _page(chunks: Iterable[str]) -> bool:
    """Show text (with its colours) through the user's pager as it is made: $NEWSARCHIVE_PAGER,
    else $PAGER, else `less -FRX` (quit at once when it fits, keep colours, leave it on the
    screen); "" or "cat" means none. The shell runs it (`LESS=R less`, `~/bin/pager` work);
    if it finds no such command (exit 127), the text is printed instead. Ctrl-C belongs to
    the pager while it runs; quitting it stops the rest being made. Returns whether all
    of it was given to the pager (False: the reader quit before the end)."""
    import signal
    import subprocess

    command = os.environ.get("NEWSARCHIVE_PAGER", os.environ.get("PAGER", "less -FRX"))
    if command.strip() in ("", "cat"):
        for chunk in chunks:
            sys.stdout.write(chunk)
        return True
    env = {**os.environ}
    env.setdefault("LESS", "FRX")  # as git sets it, for a bare `less` in $PAGER
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    # What was given to the pager, kept while it is short: a shell that finds no pager
    # exits at once, and the next writes fail long before this much is written.
    sent: list[str] | None = []
    sent_size = 0
    complete = True
    chunks = iter(chunks)
    try:
        pager = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)
        assert pager.stdin is not None
        try:
            for chunk in chunks:
                if sent is not None:
                    sent.append(chunk)
                    sent_size += len(chunk)
                    sent = sent if sent_size < PAGER_PROBE_BYTES else None
                pager.stdin.write(chunk.encode("utf-8"))
        except BrokenPipeError:  # the reader quit before the end, or there is no pager
            complete = False
        finally:
            with contextlib.suppress(BrokenPipeError):
                pager.stdin.close()
            code = pager.wait()
    finally:
        signal.signal(signal.SIGINT, previous)
    if code == 127 and sent is not None:  # the shell found no such pager: print instead
        sys.stdout.write("".join(sent))
        for chunk in chunks:
            sys.stdout.write(chunk)
        return True
    return complete


def main() -> None:
    """The `newsarchive` command. Two things for start-up, which a read command mostly is:
    pydantic is told not to look for plugins (a scan of every installed package's entry
    points), and at exit the collector is not asked to walk every object made (gc.freeze:
    tens of milliseconds; the process is ending, so nothing it would free matters)."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        cli(prog_name="newsarchive")
    except KeyboardInterrupt:  # before or after a command's own handling
        click.echo("Interrupted.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    finally:
        gc.freeze()
