"""The commands that read the archive and change nothing: list, search, show, diff and
browse. Output goes to stdout (through the pager on a terminal), counts to stderr."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import click

from newsarchive.cli.app import App
from newsarchive.cli.params import (
    ARTICLE_ID,
    JSON,
    SINCE,
    UNTIL,
    QueryType,
    check_span,
    limit_option,
    listing_options,
    output_form,
)

if TYPE_CHECKING:
    from newsarchive.model.records import ArticleSummary
    from newsarchive.storage.backends import DatedBy
    from newsarchive.text.query import Query


@click.command(name="list")
@listing_options(limit_option(None, "Show at most this many."))
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
    from newsarchive.ui import render, terminal
    from newsarchive.ui.listing import article_tables, listing_footer, tsv_lines

    check_span(since, until)
    form = output_form(form, as_json)
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
            terminal.write(render.json_array(items), closing=render.json_array_end)
            click.echo()
        elif form == "tsv":
            terminal.write(tsv_lines(seen))
        else:
            last = store.records.last()
            tables = article_tables(seen, last_id=last[0] if last else 0)
            complete = terminal.print_all(tables, page="tall", pager=app.pager)
    folded = seen.versioned and not all_versions
    footer = listing_footer(seen.count, listing.undated_left_out, folded, cut_short=not complete)
    terminal.console(stderr=True).print(footer, soft_wrap=True)


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


# A word that starts with a dash (search -Greenspan) is a word of the query, not an option.
@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("query", type=QueryType())
@listing_options(limit_option(20, "Best N matches."))
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
    from newsarchive.ui import render, terminal
    from newsarchive.ui.listing import search_footer, search_table, tsv_lines

    check_span(since, until)
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
    form = output_form(form, as_json)
    if form == "json":
        click.echo(render.to_json([render.summary_json(hit) for hit in results.hits]))
    elif form == "tsv":
        click.echo("".join(tsv_lines(results.hits)), nl=False)
    elif results.hits:
        terminal.print_all([search_table(results.hits, query.terms)], page="tall", pager=app.pager)
    err = terminal.console(stderr=True)
    folded = any(hit.versions > 1 for hit in results.hits) and not all_versions
    footer = search_footer(
        len(results.hits), results.undated_left_out, results.ranked_window, folded, results.total
    )
    err.print(footer, soft_wrap=True)
    if results.hits and form == "table":
        import shlex

        hint = f"Read one with its matches marked: newsarchive {app.db_given()}show ID --highlight "
        err.print(hint + shlex.quote(query.text), style="dim", soft_wrap=True, markup=False)


@click.command()
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
    if raw and as_json:
        raise click.UsageError("--raw and --json do not go together; choose one.")
    if raw:
        with app.reading() as store:
            data = store.raw(article_id)
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from newsarchive.ops.reading import article_around
    from newsarchive.ui import render, terminal
    from newsarchive.ui.reading import article_pieces

    article, around = article_around(app.archive(), article_id)
    if as_json:
        click.echo(render.to_json(render.article_json(article, around)))
        return
    terms = highlight.terms if highlight else ()
    console = terminal.console()
    brackets = console.no_color or console.color_system is None  # as diff's marks
    # Piece by piece: the first screen is out before a huge article is all rendered.
    pieces = article_pieces(article, terms, around, brackets=brackets, whole_lines=True)
    terminal.print_all(pieces, page="always", pager=app.pager)
    if highlight and not render.matches_in(article, terms):
        click.echo(f"Nothing in article {article.id} matches {highlight.text!r}.", err=True)


@click.command()
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
    from newsarchive.ui import render, terminal
    from newsarchive.ui.reading import diff_renderable

    with app.reading() as store:
        first, second = store.get(old), store.get(new)
    runs = diff_words(first, second)
    if as_json:
        click.echo(render.to_json(render.diff_json(runs, first, second)))
    else:
        console = terminal.console()
        console.print(
            diff_renderable(
                fold(runs, context),
                old_label=f"#{first.id} {first.headline}",
                new_label=f"#{second.id} {second.headline}",
                marks=console.no_color or console.color_system is None,
            )
        )


@click.command(context_settings={"ignore_unknown_options": True})
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
    check_span(since, until)
    archive = app.archive()
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise click.UsageError("browse needs a terminal; 'newsarchive list' prints for pipes.")
    from newsarchive.ui.browse import Browser

    Browser(archive, query=query, since=since, until=until, theme=theme).run()


COMMANDS = (list_, search, show, diff, browse)
