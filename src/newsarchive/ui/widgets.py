"""The widgets of `newsarchive browse`: the list of articles, the article pane, the list of
where an article leads, the status line and the date prompt. They show what they are given
and never read the archive.

Article text reaches them only as rich `Text` made by render (clean, safe_text, marked) or
render's renderables, never as markup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from newsarchive.model.records import ArticleSummary, StoredArticle, Surroundings
from newsarchive.text.dates import PERIOD_FORMS, parse_period
from newsarchive.text.query import Query
from newsarchive.ui import render

DATE_WIDTH = 10
WORDS_WIDTH = 7
VERSIONS_WIDTH = 4


def row_text(article: ArticleSummary, width: int, terms: Sequence[str] = ()) -> Text:
    """One line of the list: date, words, versions, headline (cut to fit)."""
    line = Text(no_wrap=True, overflow="ellipsis", end="")
    if article.published:
        line.append(article.published.isoformat())
    else:
        line.append(f"{'undated':<{DATE_WIDTH}}", style="dim")
    line.append(f"{article.word_count:>{WORDS_WIDTH},} ", style="dim")
    versions = f"×{article.versions}" if article.versions > 1 else ""
    line.append(f"{versions:<{VERSIONS_WIDTH}}", style="magenta")
    line.append_text(render.marked(article.headline, terms))
    line.truncate(width, overflow="ellipsis", pad=True)
    return line


class ArticleList(ScrollView, can_focus=True):
    """The articles, one line each, a cursor on one; drawn line by line (Textual's line
    API), so a long list costs only what is on the screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last loaded", show=False),
        Binding("enter", "choose", "Read", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"article-list--cursor"}
    DEFAULT_CSS = """
    ArticleList { overflow-x: hidden; }
    ArticleList > .article-list--cursor {
        color: $block-cursor-blurred-foreground;
        background: $block-cursor-blurred-background;
        text-style: $block-cursor-blurred-text-style;
    }
    ArticleList:focus > .article-list--cursor {
        color: $block-cursor-foreground;
        background: $block-cursor-background;
        text-style: $block-cursor-text-style;
    }
    """

    cursor: reactive[int] = reactive(0, init=False)

    class Highlighted(Message):
        def __init__(self, article: ArticleSummary) -> None:
            super().__init__()
            self.article = article

    class Chosen(Message):
        """Enter, or a click on the row under the cursor."""

    class NearEnd(Message):
        """The cursor or the view came near the last loaded row."""

    def __init__(self, *, lookahead: int, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lookahead = lookahead
        self.rows: list[ArticleSummary] = []
        self.terms: Sequence[str] = ()
        self.complete = True  # every row there is has been loaded
        self._lines: dict[tuple[int, int, bool], Strip] = {}

    def show(self, rows: list[ArticleSummary], *, complete: bool, terms: Sequence[str]) -> None:
        self.rows = list(rows)
        self.terms = terms
        self.complete = complete
        self._lines.clear()
        self.virtual_size = Size(0, len(self.rows))
        self.scroll_to(y=0, animate=False, immediate=True)
        self.set_reactive(ArticleList.cursor, 0)
        self.refresh()
        self._moved()

    def extend(self, rows: list[ArticleSummary], *, complete: bool) -> None:
        self.rows += rows
        self.complete = complete
        self.virtual_size = Size(0, len(self.rows))
        # Still near the end (the page was short of the view, or the reader raced it)?
        self._check_end(max(self.cursor, int(self.scroll_y) + self.size.height))

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old - self.scroll_offset.y)
        self._moved()

    def _moved(self) -> None:
        if not self.rows:
            return
        self.refresh_line(self.cursor - self.scroll_offset.y)
        # Keep the cursor's row in view.
        self.scroll_to_region(Region(0, self.cursor, 1, 1), animate=False, immediate=True)
        self.post_message(self.Highlighted(self.rows[self.cursor]))
        self._check_end(self.cursor)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._check_end(int(new) + self.size.height)

    def _check_end(self, row: int) -> None:
        if not self.complete and row >= len(self.rows) - self.lookahead:
            self.post_message(self.NearEnd())

    def on_resize(self, event: events.Resize) -> None:
        self._lines.clear()
        self.virtual_size = Size(0, len(self.rows))

    def render_line(self, y: int) -> Strip:
        index = y + self.scroll_offset.y
        width = self.scrollable_content_region.width
        if index >= len(self.rows) or width <= 0:
            return Strip.blank(width, self.rich_style)
        selected = index == self.cursor
        key = (index, width, selected)
        if (strip := self._lines.get(key)) is None:
            text = row_text(self.rows[index], width, self.terms)
            style = self.rich_style
            if selected:
                style += self.get_component_rich_style("article-list--cursor")
            segments = list(text.render(self.app.console))
            strip = Strip(segments).apply_style(style).adjust_cell_length(width, style)
            if len(self._lines) > 4 * max(1, self.size.height):
                self._lines.clear()
            self._lines[key] = strip
        return strip

    def action_move(self, step: int) -> None:
        self.cursor += step

    def action_page(self, step: int) -> None:
        self.cursor += step * max(1, self.size.height - 1)

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.rows) - 1

    def action_choose(self) -> None:
        if self.rows:
            self.post_message(self.Chosen())

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + self.scroll_offset.y
        if index < len(self.rows):
            if index == self.cursor:
                self.post_message(self.Chosen())
            self.cursor = index

    @property
    def current(self) -> ArticleSummary | None:
        return self.rows[self.cursor] if self.rows else None


class ArticlePane(ScrollView, can_focus=True):
    """One renderable (the article, as `show` renders it), rendered once at the pane's
    width into lines and drawn line by line: showing the next article redraws this pane
    alone, and the layout of the screen does not change."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "scroll_up", "Scroll up", show=False),
        Binding("down,j", "scroll_down", "Scroll down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown,space", "page_down", "Page down", show=False),
        Binding("home", "scroll_home", "Top", show=False),
        Binding("end", "scroll_end", "Bottom", show=False),
    ]
    DEFAULT_CSS = """
    ArticlePane { overflow-x: hidden; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.renderable: RenderableType = Text()
        self._strips: list[Strip] = []
        self._width = 0

    def show(self, renderable: RenderableType, *, keep_place: bool = False) -> None:
        self.renderable = renderable
        self._width = 0  # render again at the next line asked for
        self._layout_lines()
        if not keep_place:
            self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    def _layout_lines(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0 or width == self._width:
            return
        console = self.app.console
        options = console.options.update(width=width, highlight=False)
        self._strips = [
            Strip(line) for line in console.render_lines(self.renderable, options, pad=False)
        ]
        self._width = width
        self.virtual_size = Size(0, len(self._strips))

    def on_resize(self) -> None:
        self._layout_lines()

    def render_line(self, y: int) -> Strip:
        self._layout_lines()
        index = y + self.scroll_offset.y
        width = self.scrollable_content_region.width
        style = self.rich_style
        if index >= len(self._strips):
            return Strip.blank(width, style)
        return self._strips[index].apply_style(style).adjust_cell_length(width, style)


class LinksList(OptionList):
    """Where the article leads: its related links that lead to an archived article, its
    other versions, and the articles that link to it (`linking`: their headlines by id).
    Each option's id ends in the id of the article it opens."""

    def show(self, article: StoredArticle, around: Surroundings, linking: dict[int, str]) -> None:
        self.clear_options()
        options = []
        for position, block in enumerate(article.blocks):
            target = around.link_targets.get(position)
            if target is not None:
                prompt = Text(f"→ #{target}  ", style="bold")
                prompt.append_text(render.safe_text(block.text, "cyan"))
                options.append(Option(prompt, id=f"link-{position}-{target}"))
        for version in around.versions:
            day = version.published.isoformat() if version.published else "undated"
            prompt = Text(f"version #{version.id}  {day}  {version.word_count:,} words  ")
            prompt.append(render.clean(version.change), style="magenta")
            options.append(Option(prompt, id=f"version-{version.id}"))
        for source in around.linked_from:
            prompt = Text(f"← #{source}  ", style="bold")
            prompt.append_text(render.safe_text(linking.get(source, ""), "dim"))
            options.append(Option(prompt, id=f"from-{source}"))
        self.add_options(options)
        self.set_class(bool(options), "some")
        if options:
            self.highlighted = 0


class StatusLine(Widget):
    """One line of text under the panes; changing it redraws only itself."""

    DEFAULT_CSS = """
    StatusLine { height: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = Text()

    def update(self, text: Text) -> None:
        self.text = text
        self.refresh()

    def render(self) -> Text:
        return self.text


def status_text(
    query: Query | None, listed: str, articles: ArticleList, dates: DateFilter, back: int
) -> Text:
    """The status line: the search or how many articles are listed (`listed`: in what
    order, or how many matched), the dates, and how many articles Backspace goes `back`."""
    text = Text()
    if query is not None:
        text.append("search ")
        text.append(render.clean(query.text), style="bold")
        text.append(f": {listed}")
    else:
        more = ", more below" if not articles.complete else ""
        text.append(f"{render.counted(len(articles.rows), 'article')}{more}, {listed}")
    if dates.since or dates.until:
        text.append(f" · {dates.describe()}")
    if back:
        text.append(f" · {back} back (Backspace)")
    return text


@dataclass(frozen=True)
class DateFilter:
    since: dt.date | None = None
    until: dt.date | None = None

    def describe(self) -> str:
        parts = []
        if self.since:
            parts.append(f"since {self.since}")
        if self.until:
            parts.append(f"until {self.until}")
        return ", ".join(parts)


def parse_dates(since: str, until: str, today: dt.date) -> DateFilter:
    """The prompt's two fields as `list --since/--until` reads them (a period's first day
    for since, its last for until); ValueError says what is wrong."""
    first = last = None
    if since.strip():
        try:
            first = parse_period(since.strip(), today=today)[0]
        except ValueError as exc:
            raise ValueError(f"since: {exc}; use {PERIOD_FORMS}") from None
    if until.strip():
        try:
            last = parse_period(until.strip(), today=today)[1]
        except ValueError as exc:
            raise ValueError(f"until: {exc}; use {PERIOD_FORMS}") from None
    if first and last and first > last:
        raise ValueError(f"since {first} is after until {last}; swap them")
    return DateFilter(first, last)


class DatePrompt(ModalScreen[DateFilter | None]):
    """A small prompt for the date filters; Enter applies, Esc leaves them as they were."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    DatePrompt { align: center middle; }
    DatePrompt > Vertical {
        width: 60; max-width: 100%; height: auto; padding: 0 1;
        border: round $primary; background: $surface;
    }
    DatePrompt Input { width: 1fr; }
    DatePrompt #date-error { color: $error; height: auto; }
    """

    def __init__(self, current: DateFilter) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Dates"
            yield Static(Text(f"{PERIOD_FORMS}; empty: no limit", style="dim"))
            yield Input(
                str(self.current.since or ""), placeholder="since (e.g. 2022-01)", id="since"
            )
            yield Input(
                str(self.current.until or ""), placeholder="until (e.g. 2022-03)", id="until"
            )
            yield Static(id="date-error")

    @on(Input.Submitted)
    def apply(self) -> None:
        since = self.query_one("#since", Input).value
        until = self.query_one("#until", Input).value
        try:
            chosen = parse_dates(since, until, dt.date.today())
        except ValueError as exc:
            self.query_one("#date-error", Static).update(Text(str(exc)))
            return
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)


def raw_text(data: bytes, encoding: str, *, shown: int | None = None) -> Text:
    """The original file as text, lines kept, every other control character visible;
    with `shown`, its first `shown` bytes only, and a line counting the rest."""
    rest = len(data) - shown if shown is not None and len(data) > shown else 0
    if rest:
        data = data[:shown]
    try:
        decoded = data.decode(encoding, errors="replace")
    except LookupError:
        decoded = data.decode("utf-8", errors="replace")
    lines = decoded.replace("\r\n", "\n").split("\n")
    text = Text("\n".join(render.clean(line) for line in lines))
    if rest:
        text.append(f"\n… {rest:,} more bytes: newsarchive show ID --raw", style="dim italic")
    return text
