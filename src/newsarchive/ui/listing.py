"""Articles as rows: the tables of `list` and `search` (streamed a table at a time), their
lines for pipes, and the footers under them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import PurePath

from rich import box
from rich.table import Table
from rich.text import Text

from newsarchive.model.records import ArticleSummary, SearchHit
from newsarchive.text import paths
from newsarchive.ui.render import MATCH_STYLE, clean, counted, marked, no_headline, safe_text

TABLE_ROWS = 50  # articles in each table of a streamed listing (see article_tables)
WORDS_WIDTH = 9  # "9,999,999": a streamed listing cannot measure its longest count first


def short_source(path: str | None) -> str:
    """The last folder and file name: enough to tell business/001.txt from sport/001.txt;
    shown as paths.shown shows paths, so two different names never look alike."""
    if not path:
        return ""
    parts = PurePath(path).parts
    return paths.shown("/".join(parts[-2:]))


def _place(article: ArticleSummary) -> str:
    """ " #3/10" after the source of an article cut from an export."""
    return f" #{article.place[0]}/{article.place[1]}" if article.place else ""


def article_table(
    articles: Iterable[ArticleSummary], *, id_width: int | None = None, header: bool = True
) -> Table:
    """Articles as a table. `id_width` fixes every column's width but the headline's (which
    takes the rest), so that tables printed one after another line up as one: `list`
    streams a long listing so, a page of rows at a time, with the header on the first."""
    fixed = id_width is not None
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, show_header=header)
    table.add_column("ID", justify="right", style="cyan", no_wrap=True, width=id_width)
    table.add_column("Date", no_wrap=True, width=10 if fixed else None)
    table.add_column("Headline", ratio=1, min_width=20)
    table.add_column(
        "Source", style="dim", overflow="fold", max_width=24, width=24 if fixed else None
    )
    table.add_column("Words", justify="right", no_wrap=True, width=WORDS_WIDTH if fixed else None)
    for article in articles:
        table.add_row(
            Text(str(article.id)),
            _date(article),
            _headline(article, safe_text(article.headline, "bold")),
            safe_text(short_source(article.source) + _place(article)),
            Text(f"{article.word_count:,}"),
        )
    return table


def article_tables(
    articles: Iterable[ArticleSummary], *, last_id: int, rows: int = TABLE_ROWS
) -> Iterator[Table]:
    """A listing as tables of `rows` articles each that line up as one (see
    article_table), made as the articles come: the first shows before the last is read.
    A listing that fits in one is one table with its columns fitted to what they hold."""
    id_width = max(2, len(str(last_id)))
    batch: list[ArticleSummary] = []
    first = True
    for article in articles:
        batch.append(article)
        if len(batch) == rows:
            yield article_table(batch, id_width=id_width, header=first)
            batch, first = [], False
    if batch:
        yield article_table(batch, id_width=id_width if not first else None, header=first)


def _headline(article: ArticleSummary, headline: Text) -> Text:
    """The headline, and how many versions the story has when it has more than one. An
    article whose file gives none (an export's "untitled" article) says so, dimmed: an
    empty cell reads as a fault."""
    if not article.headline:
        headline = no_headline()
    if article.versions > 1:
        headline.append(f"  {article.versions} versions", style="not bold magenta")
    return headline


def _date(article: ArticleSummary) -> Text:
    if article.published:
        return Text(article.published.isoformat())
    return Text("undated", style="dim")


def tsv_lines(articles: Iterable[ArticleSummary]) -> Iterator[str]:
    """One line per article for pipes: id, date, headline and first source path,
    tab-separated, no padding or wrapping; tabs and control characters inside a field are
    shown as visible stand-ins (as everywhere), so each line is one article."""
    for a in articles:
        published = a.published.isoformat() if a.published else ""
        source = paths.shown(a.source or "")
        yield f"{a.id}\t{published}\t{_field(a.headline)}\t{source}\n"


def _field(value: str) -> str:
    return clean(value).replace("\t", "\u2409")  # ␉: a tab would split the field


def listing_footer(
    shown: int, undated_left_out: int, folded: bool = False, *, cut_short: bool = False
) -> Text:
    """The line under a listing: how many were shown, what a date filter left out, and
    whether older versions were folded into their newest. `cut_short`: the reader closed
    the pager before the end, so `shown` is how many were listed until then."""
    text = Text(f"{shown:,} article{'s' if shown != 1 else ''}", style="dim")
    if cut_short:
        text.append(" listed before the pager was closed", style="dim")
    if undated_left_out:
        text.append(
            f"; {undated_left_out:,} undated article"
            f"{'s' if undated_left_out != 1 else ''} left out by the date filter",
            style="dim",
        )
    if folded:
        text.append("; older versions folded into the newest (--all-versions shows each)")
    return text


def search_table(hits: Sequence[SearchHit], terms: Sequence[str] = ()) -> Table:
    """Hits best first: id, date, then the headline over a snippet with its matches marked."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("ID", justify="right", style="cyan", no_wrap=True)
    table.add_column("Date", no_wrap=True)
    table.add_column("Article", ratio=1, min_width=20)
    for hit in hits:
        article = _headline(hit, marked(hit.headline, terms, "bold"))
        article.append("\n")
        article.append_text(_snippet(hit))
        table.add_row(Text(str(hit.id)), _date(hit), article)
    return table


def _snippet(hit: SearchHit) -> Text:
    # Cleaning keeps offsets when every unsafe character becomes one visible one; where it
    # grows the text (<U+...>), marks are placed on the cleaned pieces one by one.
    text = Text(style="dim")
    last = 0
    snippet = hit.snippet.replace("\n", " ")  # the body's lines run together in a snippet
    for start, end in hit.highlights:
        text.append(clean(snippet[last:start]))
        text.append(clean(snippet[start:end]), style=MATCH_STYLE)
        last = end
    text.append(clean(snippet[last:]))
    return text


def search_footer(
    shown: int,
    undated_left_out: int,
    ranked_window: int | None,
    folded: bool = False,
    total: int | None = None,
) -> Text:
    """ "20 of 2,857 matches": rows shown, of the articles that match (every version;
    "about" past the ranking window, where it is an estimate)."""
    if total is None or total <= shown:
        text = Text(counted(shown, "match", "matches"), style="dim")
    else:
        about = "about " if ranked_window else ""
        text = Text(f"{shown:,} of {about}{counted(total, 'match', 'matches')}", style="dim")
    if ranked_window:
        text.append(f" (ranked among the {ranked_window:,} most recently added matches)")
    if undated_left_out:
        text.append(f"; {undated_left_out:,} undated left out by the date filter")
    if folded:
        text.append("; older versions folded into the newest (--all-versions shows each)")
    return text
