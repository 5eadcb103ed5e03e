"""Rich renderables for the archive's views; this module never prints and never queries.

Article text is data. It enters rich only as `Text` objects (never in markup strings), and
control characters are made visible first, so a headline cannot restyle, link, retitle or
clear the reader's terminal, nor reorder a line with bidirectional overrides.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.constrain import Constrain
from rich.rule import Rule
from rich.style import Style
from rich.table import Table
from rich.text import Text

from newsarchive.model.records import (
    ArticleSummary,
    BlockKind,
    OtherVersion,
    SearchHit,
    StoredArticle,
    Surroundings,
    as_json,
    minutes_to_read,
)
from newsarchive.text import paths
from newsarchive.text.searchtext import is_cjk, markable, normalise

if TYPE_CHECKING:  # the word diff and the month chart import their modules when used
    from newsarchive.model.models import ArchiveStats, DatabaseInfo, MonthCount
    from newsarchive.text.compare import DiffRun, Fold

# What the terminal shows for an article without a headline (the data keeps it empty).
NO_HEADLINE = "(no headline)"
MATCH_STYLE = "bold black on yellow"
# Around a match where there is no colour (show --highlight in a pipe), as diff's [-...-].
BRACKETS = ("[[", "]]")

READING_WIDTH = 88
TABLE_ROWS = 50  # articles in each table of a streamed listing (see article_tables)
WORDS_WIDTH = 9  # "9,999,999": a streamed listing cannot measure its longest count first

# C0 controls but tab (newline too: every value shown is one line), DEL, C1 controls;
# bidi overrides, isolates and marks; line and paragraph separators. Each is shown as a
# visible stand-in instead.
_REORDERING = "\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f{_REORDERING}]")
# What JSON does not escape by itself (it escapes all of C0).
_UNSAFE_IN_JSON = re.compile(f"[\x7f-\x9f{_REORDERING}]")
_CONTROL_PICTURE_BASE = 0x2400


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(_CONTROL_PICTURE_BASE + code)  # ESC -> ␛, BEL -> ␇
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


# `show` lists this many source paths, then how many more (--json gives every one).
MAX_SOURCES_SHOWN = 10
# A source URL a terminal may be handed as a link: http(s), printable ASCII only, so that
# nothing in it can end the escape sequence that carries it.
_LINKABLE = re.compile(r"https?://[!-~]+", re.IGNORECASE)


def clean(value: str) -> str:
    """The text with every control or reordering character replaced by a visible stand-in."""
    return _UNSAFE.sub(_visible, value)


def safe_text(value: str, style: str = "") -> Text:
    """Article text as a rich Text: never parsed as markup, never a terminal escape."""
    return Text(clean(value), style=style)


def marked(value: str, terms: Sequence[str], style: str = "", *, brackets: bool = False) -> Text:
    """`safe_text`, with the words that match any of the search terms marked: styled, and
    with `brackets` (where there is no colour to show a style) also between [[ and ]]."""
    text = safe_text(value, style)
    found = _matches(text.plain, terms)
    for start, end in found:
        text.stylize(MATCH_STYLE, start, end)
    if not brackets or not found:
        return text
    out = Text(style=text.style, end=text.end)
    last = 0
    for start, end in found:
        out.append_text(text[last:start])
        out.append(BRACKETS[0])
        out.append_text(text[start:end])
        out.append(BRACKETS[1])
        last = end
    out.append_text(text[last:])
    return out


def _matches(plain: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Where the words that match any of the search terms are in `plain`."""
    if not terms:
        return []
    exact = {t for t in terms if not t.endswith("*")}
    prefixes = tuple(t[:-1] for t in terms if t.endswith("*"))
    found = []
    for match in markable().finditer(plain):
        if match.lastgroup == "cjk":  # CJK words are found below, as runs of characters
            continue
        word = normalise(match.group())
        if word in exact or (prefixes and word.startswith(prefixes)):
            found.append(match.span())
    # A word of Chinese, Japanese or Korean characters: wherever they stand in a row.
    for term in {t.rstrip("*") for t in terms if is_cjk(t)}:
        at = plain.find(term)
        while at >= 0:
            found.append((at, at + len(term)))
            at = plain.find(term, at + len(term))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):  # CJK words may overlap (中国 and 国人 in 中国人)
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def matches_in(article: StoredArticle, terms: Sequence[str]) -> bool:
    """Whether any word `show --highlight` would mark is in the article."""
    fields = [article.headline, article.dek, article.byline, article.source_url]
    fields += [block.text for block in article.blocks]
    return any(_matches(value, terms) for value in fields if value)


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
        headline = Text(NO_HEADLINE, style="dim italic")
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


def article_view(
    article: StoredArticle,
    highlight: Sequence[str] = (),
    around: Surroundings | None = None,
    *,
    brackets: bool = False,
    whole_lines: bool = False,
    blocks_shown: int | None = None,
    more: str = "",
) -> RenderableType:
    """The reading view: headline, dek, one metadata line, the body, then where it came
    from, what links to it and its other versions.

    `highlight` holds normalised search terms (a trailing * for a prefix); words that match
    are marked wherever they stand (with `brackets`, also as [[word]], but in the URL, which
    must copy whole). A related link that leads to an archived article ends with its id
    (`→ #12`). Source paths and the URL are folded at the width, or with `whole_lines`
    each left whole on its line (for output printed uncropped, to copy them from). With
    `blocks_shown`, only the body's first blocks are made, then a line counting the rest,
    and `more` (how to see them).
    """
    parts = _view_parts(
        article,
        highlight,
        around,
        brackets=brackets,
        whole_lines=whole_lines,
        blocks_shown=blocks_shown,
        more=more,
    )
    return Constrain(Group(*parts), width=READING_WIDTH)


# Parts of the reading view (a paragraph is one) in the first piece of article_pieces;
# the pieces after it double, up to 32 times that.
PARTS_PER_PIECE = 64


def article_pieces(
    article: StoredArticle,
    highlight: Sequence[str] = (),
    around: Surroundings | None = None,
    *,
    brackets: bool = False,
    whole_lines: bool = False,
) -> Iterator[RenderableType]:
    """`article_view` a piece at a time, each made only when asked for, which print as
    the whole view does: the first screen of a huge article is out before the rest of it
    is made (a 50 MB article took 32 s to show, issue 22)."""
    parts = _view_parts(article, highlight, around, brackets=brackets, whole_lines=whole_lines)
    size = PARTS_PER_PIECE
    while piece := list(islice(parts, size)):
        yield Constrain(Group(*piece), width=READING_WIDTH)
        # Larger pieces after the first screen: fewer calls into rich for the rest.
        size = min(size * 2, PARTS_PER_PIECE * 32)


def _view_parts(
    article: StoredArticle,
    highlight: Sequence[str],
    around: Surroundings | None,
    *,
    brackets: bool = False,
    whole_lines: bool = False,
    blocks_shown: int | None = None,
    more: str = "",
) -> Iterator[RenderableType]:
    around = around or Surroundings()

    def mark(value: str, style: str = "") -> Text:
        return marked(value, highlight, style, brackets=brackets)

    yield mark(article.headline, "bold") if article.headline else Text(NO_HEADLINE, "dim italic")
    if article.dek:
        yield mark(article.dek, "italic")
    yield _metadata_line(article, highlight, brackets=brackets)
    yield Rule(style="dim")
    blocks = article.blocks
    if blocks_shown is not None and blocks_shown < len(blocks):
        blocks = blocks[:blocks_shown]
    for position, block in enumerate(blocks):
        if block.kind is BlockKind.SUBHEADING:
            yield _spaced(mark(block.text, "bold underline"))
        elif block.kind is BlockKind.READ_MORE:
            link = Text("▸ ", style="cyan")
            if block.label:  # the line's own words: a bracketed title has none to show
                link.append(clean(block.label).upper(), style="cyan bold")
                link.append("  ")
            link.append_text(mark(block.text, "cyan"))
            if (target := around.link_targets.get(position)) is not None:
                link.append(f" → #{target}", style="bold")
            yield _spaced(link, indent=2)
        elif block.kind is BlockKind.BOILERPLATE:
            yield _spaced(safe_text(block.text, "dim"))
        else:
            yield _spaced(mark(block.text))
    if len(blocks) < len(article.blocks):
        rest = len(article.blocks) - len(blocks)
        yield _spaced(Text(f"… {counted(rest, 'more paragraph')}{more}", style="dim italic"))
    yield Rule(style="dim")
    yield _provenance(article, highlight, whole_lines=whole_lines)
    if around.linked_from:
        yield Text("Linked from: " + ", ".join(f"#{i}" for i in around.linked_from))
    if around.versions:
        yield _versions(around.versions)


def _versions(versions: Sequence[OtherVersion]) -> RenderableType:
    """The story's other versions: id, date, words, and what differs from this one."""
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style="cyan", justify="right", no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(ratio=1)
    for version in versions:
        day = version.published.isoformat() if version.published else "undated"
        table.add_row(
            f"#{version.id}",
            Text(day, style="" if version.published else "dim"),
            f"{version.word_count:,} words",
            Text(clean(version.change), style="magenta"),
        )
    title = Text(f"Other versions ({len(versions)}):", style="bold")
    return Group(Text(), title, table)


def _spaced(text: Text, indent: int = 0) -> Group:
    """A block with a blank line above it. (Not rich's Padding: it pads every line with
    trailing spaces to the full width, which litters copied and redirected text.)"""
    return Group(Text(), Text(" " * indent) + text if indent else text)


def _metadata_line(
    article: StoredArticle, highlight: Sequence[str] = (), *, brackets: bool = False
) -> Text:
    line = Text(style="dim")
    if article.published and article.date_source:
        explicit = article.date_source.explicit
        line.append(f"{article.published.day} {article.published:%B %Y}", style="green")
        line.append(" ")
        badge = f" {article.date_source.value} " if explicit else " inferred "
        line.append(badge, style="black on green" if explicit else "black on yellow")
        if not explicit and article.date_confidence is not None:
            line.append(f" {article.date_confidence:.0%} sure")
    else:
        line.append("undated")
    if article.publication:
        line.append(" · ")
        line.append_text(marked(article.publication, highlight))
    if article.byline:
        line.append(" · by ")
        line.append_text(marked(article.byline, highlight, brackets=brackets))
    words = article.word_count  # counted once (see StoredArticle.words)
    line.append(f" · {words:,} words · {minutes_to_read(words)} min read")
    line.append(f" · #{article.id}")
    return line


def _provenance(
    article: StoredArticle, highlight: Sequence[str] = (), *, whole_lines: bool = False
) -> Group:
    # Paths and the URL, never cut: folded at the width, or each on one line however long
    # (the CLI prints without cropping), so that it copies whole; the terminal wraps it.
    lines: dict[str, Any] = (
        {"no_wrap": True, "overflow": "ignore"} if whole_lines else {"overflow": "fold"}
    )
    text = Text(style="dim", **lines)
    label = "Source" if len(article.sources) == 1 else "Sources"
    text.append(f"{label}: ")
    shown = article.sources[:MAX_SOURCES_SHOWN]
    places = article.places or ((0, 0),) * len(article.sources)
    text.append(
        ", ".join(
            paths.shown(s) + (f" (article {n} of {of})" if n else "")
            for s, (n, of) in zip(shown, places, strict=False)
        )
        or "unknown"
    )
    if len(article.sources) > len(shown):
        text.append(f" and {len(article.sources) - len(shown):,} more (show --json lists all)")
    facts = Text(
        f"{article.encoding}, {article.byte_size:,} bytes, sha256 {article.sha256[:16]}",
        style="dim",
    )
    parts: list[RenderableType] = [text, facts]
    if article.source_url:
        url = Text("URL: ", style="dim", **lines)
        address = marked(article.source_url, highlight)
        if _LINKABLE.fullmatch(article.source_url):  # a terminal makes it a link (OSC 8)
            address.stylize(Style(link=article.source_url))
        url.append_text(address)
        parts.append(url)
    if article.date_evidence:
        evidence = Text(style="dim")
        inferred = article.date_source is not None and not article.date_source.explicit
        evidence.append("Date reasoned from: " if inferred else "Date from: ")
        evidence.append(" · ".join(f"“{clean(e)}”" for e in article.date_evidence))
        parts.append(evidence)
    return Group(*parts)


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """ "1 article", "2,990 articles": a count with its noun agreeing."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


# Up to this many months, the chart has a row a month; past it, a row a year, and past
# CHART_YEARS years only the most recent ones (a note says what was left out).
CHART_MONTHS = 36
CHART_YEARS = 40
# Months named in the emptiest line before "and N more".
EMPTIEST_SHOWN = 4
_EIGHTHS = " ▏▎▍▌▋▊▉"


class Bars:
    """A horizontal bar chart, one row a (label, count), bars scaled to the width given."""

    def __init__(self, rows: Sequence[tuple[str, int]], style: str = "cyan") -> None:
        self.rows = rows
        self.style = style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        label_width = max((len(label) for label, _ in self.rows), default=0)
        count_width = max((len(f"{n:,}") for _, n in self.rows), default=1)
        room = max(1, options.max_width - label_width - count_width - 2)
        most = max((n for _, n in self.rows), default=0)
        for label, n in self.rows:
            line = Text(f"{label:<{label_width}} {n:>{count_width},} ")
            line.append(_bar(n / most * room if most else 0), style=self.style)
            yield line


def _bar(length: float) -> str:
    """A bar `length` cells long, to an eighth of a cell; a count above 0 shows at least
    a sliver."""
    eighths = max(1, round(length * 8)) if length > 0 else 0
    return "█" * (eighths // 8) + _EIGHTHS[eighths % 8].strip()


def human_bytes(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{size:,} bytes" if unit == "bytes" else f"{value:,.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def _tallies(counts: dict[str, int]) -> Text:
    """`header 6 · url 3`: values from the archive, safely."""
    text = Text()
    for k, (name, n) in enumerate(counts.items()):
        if k:
            text.append(" · ", style="dim")
        text.append_text(safe_text(name or "unknown"))
        text.append(f" {n:,}")
    return text


def stats_view(stats: ArchiveStats) -> RenderableType:
    """`stats`: counts, then articles per month as bars with the busiest and emptiest
    months, then the folders most files came from."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(ratio=1)
    stories = f"{stats.stories:,} stor{'y' if stats.stories == 1 else 'ies'}"
    older = f"{stats.older_versions:,} older version{'' if stats.older_versions == 1 else 's'}"
    grid.add_row("Articles", f"{stats.articles:,}", Text(f"{stories}, {older}", style="dim"))
    duplicates = f"{stats.duplicate_paths:,} of them byte-identical duplicates"
    grid.add_row("Source paths", f"{stats.source_paths:,}", Text(duplicates, style="dim"))
    grid.add_row("Dated", f"{stats.dated:,}", _tallies(stats.dated_by))
    grid.add_row("Undated", f"{stats.undated:,}", "")
    grid.add_row("Encodings", "", _tallies(stats.encodings))
    if stats.with_publication:
        grid.add_row("Publications", f"{stats.with_publication:,}", _tallies(stats.publications))
    grid.add_row("Size on disk", "", human_bytes(stats.size_bytes))
    if stats.last_ingest:
        last = stats.last_ingest
        added = f"{last.articles:,} article{'' if last.articles == 1 else 's'} added"
        grid.add_row("Last ingest", "", f"{last.at:%Y-%m-%d %H:%M:%S} UTC, {added}")
    parts: list[RenderableType] = [grid]
    if not stats.articles:
        parts += [Text(), Text("No articles yet; add some with 'newsarchive ingest PATH'.")]
        return Group(*parts)
    parts += [Text()]
    parts += _month_chart(stats)
    if stats.top_folders:
        parts += [Text(), Text("Top folders, by source paths", style="bold")]
        folders = Table.grid(padding=(0, 2))
        folders.add_column(justify="right", no_wrap=True)
        folders.add_column(overflow="fold")
        for folder in stats.top_folders:
            folders.add_row(f"{folder.paths:,}", safe_text(folder.folder or "."))
        parts.append(folders)
    return Group(*parts)


def _month_chart(stats: ArchiveStats) -> list[RenderableType]:
    if not stats.months:
        return [Text("No dated articles: no chart of articles per month.", style="dim")]
    from newsarchive.text.dates import month_span

    every = month_span(stats.months[0].month, stats.months[-1].month)
    counts = {m.month: m.articles for m in stats.months}
    span = f"{every[0]} to {every[-1]}" if len(every) > 1 else every[0]
    if len(every) <= CHART_MONTHS:
        title = Text(f"Articles per month, {span}", style="bold")
        rows = [(month, counts.get(month, 0)) for month in every]
        note = None
    else:
        years: dict[str, int] = {}
        for month in every:
            years[month[:4]] = years.get(month[:4], 0) + counts.get(month, 0)
        rows = list(years.items())
        title = Text(f"Articles per year, {span}", style="bold")
        title.append(f" ({len(every):,} months; --json has each)", style="not bold dim")
        note = None
        if len(rows) > CHART_YEARS:
            left_out = rows[:-CHART_YEARS]
            rows = rows[-CHART_YEARS:]
            earlier = sum(n for _, n in left_out)
            note = Text(
                f"Not shown: {earlier:,} article{'' if earlier == 1 else 's'} in the "
                f"{len(left_out):,} years before {rows[0][0]}.",
                style="dim",
            )
    parts: list[RenderableType] = [title, Bars(rows)]
    if note:
        parts.append(note)
    parts.append(_busiest_and_emptiest(stats))
    return parts


def _busiest_and_emptiest(stats: ArchiveStats) -> Text:
    text = Text()
    if stats.busiest:
        text.append("Busiest month: ", style="bold")
        text.append(f"{stats.busiest.month} ({_articles(stats.busiest)})")
    # Over a single month, the emptiest is the busiest: said once.
    single = len(stats.months) == 1 and stats.emptiest and stats.emptiest.articles
    if stats.emptiest and not single:
        months = stats.emptiest.months
        text.append("\nEmptiest: ", style="bold")
        if stats.emptiest.articles == 0:
            text.append(f"{len(months):,} month{'' if len(months) == 1 else 's'} with none: ")
        else:
            n = stats.emptiest.articles
            text.append(f"{n:,} article{'' if n == 1 else 's'} in ")
        runs = _runs(months)
        text.append(", ".join(runs[:EMPTIEST_SHOWN]))
        if len(runs) > EMPTIEST_SHOWN:
            text.append(f" and {len(runs) - EMPTIEST_SHOWN:,} more stretches")
    return text


def _articles(month: MonthCount) -> str:
    return f"{month.articles:,} article{'' if month.articles == 1 else 's'}"


def _runs(months: Sequence[str]) -> list[str]:
    """Consecutive months as "2021-02 to 2021-05", a lone month as itself."""
    from newsarchive.text.dates import month_span

    runs: list[list[str]] = []
    for month in months:
        if runs and month_span(runs[-1][-1], month)[1:] == [month]:
            runs[-1].append(month)
        else:
            runs.append([month])
    return [run[0] if len(run) == 1 else f"{run[0]} to {run[-1]}" for run in runs]


def database_view(info: DatabaseInfo) -> RenderableType:
    """`db info`: the engine, where the archive is, its schema and what reparse would do."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row("Engine", info.engine)
    grid.add_row("Location", safe_text(info.location))
    if info.server_version is not None:
        grid.add_row("Server version", safe_text(info.server_version))
    if info.journal_mode is not None:
        grid.add_row("Journal mode", safe_text(info.journal_mode))
    if info.page_size is not None:
        grid.add_row("Page size", f"{info.page_size:,} bytes")
    revision = safe_text(info.schema_revision or "none")
    revision.append(" (current)" if info.schema_current else " (not current)", style="dim")
    grid.add_row("Schema", revision)
    grid.add_row("Size on disk", human_bytes(info.size_bytes))
    grid.add_row("Articles", f"{info.articles:,}")
    if info.to_reparse:
        what = f"{info.to_reparse:,} article{'s' if info.to_reparse != 1 else ''} to read again"
        if info.ungrouped:
            what += f" ({info.ungrouped:,} not yet grouped into versions)"
        grid.add_row("Reparse", Text(what + ": run 'newsarchive reparse'", style="yellow"))
    else:
        grid.add_row("Reparse", "not needed: every article was read by this version")
    return grid


DIFF_STYLES = {"equal": "", "delete": "red strike", "insert": "green underline"}
# Without colour (piped, NO_COLOR), changes are bracketed as `git diff --word-diff` does.
DIFF_MARKS = {"equal": ("", ""), "delete": ("[-", "-]"), "insert": ("{+", "+}")}


def diff_renderable(
    runs: Sequence[DiffRun | Fold], *, old_label: str, new_label: str, marks: bool = False
) -> RenderableType:
    """A word diff as running text: deletions struck through in red, insertions underlined in
    green, long unchanged stretches folded into one dim line.

    A break that is all a run holds split or joined two paragraphs: it is shown as a ¶, since
    a bare line break in colour would not be seen. With `marks` (no colour to show them),
    changes are also bracketed: [-deleted-] {+inserted+}. Labels are article text too.
    """
    from newsarchive.text.compare import BREAK, Fold, diff_stats

    inserted, deleted = diff_stats(runs)
    header = Text()
    header.append(f"− {clean(old_label)}", style="red")
    header.append("  →  ", style="dim")
    header.append(f"+ {clean(new_label)}", style="green")
    header.append(f"   +{inserted:,} −{deleted:,} words", style="dim")

    body = Text()
    line_start = True  # not body.plain[-1:]: that joins the whole text on every run
    for run in runs:
        if isinstance(run, Fold):
            if not line_start:
                body.append("\n")
            s = "" if run.words == 1 else "s"
            body.append(f"… {run.words:,} unchanged word{s} …\n", style="dim")
            line_start = True
            continue
        style = DIFF_STYLES[run.op]
        opening, closing = DIFF_MARKS[run.op] if marks else ("", "")
        if run.op != "equal" and not run.text.strip():  # only breaks: paragraphs split or joined
            body.append("" if line_start else " ")
            body.append(f"{opening}¶{closing}", style=style)
            if run.op == "insert":
                body.append("\n")
            line_start = run.op == "insert"
            continue
        for k, line in enumerate(run.text.split(BREAK)):
            if k:
                body.append("\n")
                line_start = True
            if line:
                if not line_start:
                    body.append(" ")  # the space between two runs belongs to neither
                body.append(f"{opening}{clean(line)}{closing}", style=style)
                line_start = False
    return Constrain(Group(header, Text(), body), width=READING_WIDTH)


def diff_json(runs: Sequence[DiffRun], old: StoredArticle, new: StoredArticle) -> dict[str, Any]:
    """The diff for `--json`, whole (never folded): {"old": 12, "new": 40, "change": "+1
    paragraph", "inserted": 31, "deleted": 0, "runs": [{"op": "equal", "text": ...}, ...]}.
    Text stays raw, paragraph breaks as "\\n"; `to_json` escapes what a terminal could act
    on, as for every other command."""
    from newsarchive.text.compare import change_summary, diff_stats

    inserted, deleted = diff_stats(runs)
    return {
        "old": old.id,
        "new": new.id,
        "change": change_summary(old, new),
        "inserted": inserted,
        "deleted": deleted,
        "runs": [{"op": run.op, "text": run.text} for run in runs],
    }


def article_json(article: StoredArticle, around: Surroundings) -> dict[str, Any]:
    """`show --json`: the article, each related link with the id it leads to ("target",
    null when none), the ids of the articles linking here, and the other versions. Its
    paths as `sources` and `sources_bytes` (see summary_json)."""
    data = _beside(
        {"id": article.id, **as_json(article)},
        "sources",
        [paths.as_text(s) for s in article.sources],
        [paths.exact_base64(s) for s in article.sources],
    )
    for position, block in enumerate(data["blocks"]):
        if block["kind"] == BlockKind.READ_MORE.value:
            block["target"] = around.link_targets.get(position)
    data["linked_from"] = list(around.linked_from)
    data["versions"] = [as_json(v) for v in around.versions]
    return data


def summary_json(article: ArticleSummary) -> dict[str, Any]:
    """A row of `list --json` or `search --json`. Its path is `source`, the path as text
    (the name itself when it is UTF-8), and `source_bytes`: null, or, for a name that is not
    UTF-8 (whose text shows each such byte as \\xNN), its exact bytes in base64."""
    source = article.source
    return _beside(
        as_json(article),
        "source",
        None if source is None else paths.as_text(source),
        None if source is None else paths.exact_base64(source),
    )


def _beside(data: dict[str, Any], key: str, value: Any, exact: Any) -> dict[str, Any]:
    """`data` with `key` set to `value` and `key`_bytes, right after it, to `exact`."""
    out: dict[str, Any] = {}
    for name, old in data.items():
        out[name] = value if name == key else old
        if name == key:
            out[f"{key}_bytes"] = exact
    return out


def json_array(items: Iterable[Any]) -> Iterator[str]:
    """`to_json` of a list, made an item at a time (the same text, joined): a long
    listing's first items are out before the rest are read, and memory stays flat. The
    opening bracket comes first, then an item a chunk, then the closing bracket; a reader
    cut short closes what it wrote with json_array_end."""
    yield "["
    written = 0
    for item in items:
        yield ("\n" if not written else ",\n") + textwrap.indent(to_json(item), "  ")
        written += 1
    yield json_array_end(written + 1)


def json_array_end(chunks: int) -> str:
    """What closes the first `chunks` chunks of a json_array as valid JSON."""
    return "[]" if chunks == 0 else "]" if chunks == 1 else "\n]"


def to_json(data: Any) -> str:
    """JSON for scripts: UTF-8 text kept readable, but nothing a terminal could act on."""
    encoded = json.dumps(data, ensure_ascii=False, indent=2)
    # C1 and reordering characters can only occur inside strings, so escaping them is safe.
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)
