"""`newsarchive browse`: a full-screen reader (Textual) over an open archive.

A list of articles on one side, newest first and read a page at a time as the reader
scrolls (Store.page, never the whole archive); the highlighted article on the other, as
`show` renders it (reading.article_view). `/` searches as you type, `f` filters by date,
related links and versions open in place with a history. Article text is data: it reaches
Textual only as rich `Text` built by render (clean, safe_text, marked), never as markup.

`Browser` is the app: the list side (pages, search, dates), the status line and the keys;
`ArticleReader` the article side (reading one article, drawing it, its links); `SearchBox`
waits for a pause in typing. The widgets they are made of are in widgets.py.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar, TypeVar

from rich.console import RenderableType
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList
from textual.worker import get_current_worker

from newsarchive.model.errors import NewsArchiveError
from newsarchive.model.records import ArticleSummary, SearchHit, StoredArticle, Surroundings
from newsarchive.text.query import Query, QueryError, parse_query
from newsarchive.ui import render
from newsarchive.ui.listing import search_footer
from newsarchive.ui.reading import article_view
from newsarchive.ui.widgets import (
    ArticleList,
    ArticlePane,
    DateFilter,
    DatePrompt,
    LinksList,
    StatusLine,
    raw_text,
    status_text,
)

if TYPE_CHECKING:
    from textual.widget import Widget

    from newsarchive.storage.archive import Archive
    from newsarchive.storage.store import Store

# Rows read at a time, and how close to the last loaded row the cursor (or the view) comes
# before the next page is read: a page is ~10 ms, far below a keypress.
PAGE = 200
LOOKAHEAD = 50
# Search results: the best this many, ranked as `search` ranks them.
SEARCH_LIMIT = 200
# Typing pauses this long before a search runs.
DEBOUNCE_SECONDS = 0.25
# Wider than this, the list and the article side by side; narrower, one above the other.
SIDE_BY_SIDE = 110
# Blocks of an article's body drawn at first (m doubles it): the pane renders what it shows
# all at once, in the interface's thread, and a 50 MB article's 100,000 paragraphs took
# 100 s, the screen blank and keys ignored (issue 22). 300 take about 0.1 s.
BLOCKS_SHOWN = 300
# Bytes of the raw file drawn (r), for the same reason; `show ID --raw` writes them all.
RAW_SHOWN = 1 << 20

_T = TypeVar("_T")


def theme_for(choice: str, colorfgbg: str | None = None) -> str:
    """The Textual theme for --theme: "terminal" keeps the terminal's own colours and
    background (light or dark as COLORFGBG says, when the terminal sets it), "dark" and
    "light" are Textual's."""
    if choice == "dark":
        return "textual-dark"
    if choice == "light":
        return "textual-light"
    background = (colorfgbg or "").rpartition(";")[2]
    light = background.isdigit() and int(background) in (7, 15)
    return "ansi-light" if light else "ansi-dark"


class Browser(App[None]):
    """The reader. `archive` is open; the CLI opened it (and said so if it could not)."""

    TITLE = "newsarchive"
    # Narrower than SIDE_BY_SIDE, the list goes above the article (class -narrow). Not a
    # ClassVar: App declares it as an instance variable.
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012
        (0, "-narrow"),
        (SIDE_BY_SIDE, "-wide"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("slash", "search", "Search"),
        Binding("f", "dates", "Dates"),
        Binding("escape", "escape", "Back", show=False),
        Binding("backspace", "history_back", "Back"),
        Binding("r", "raw", "Raw"),
        Binding("m", "more", "More", show=False),
        Binding("c", "copy_id", "Copy id"),
        Binding("C", "copy_path", "Copy path", show=False),
        Binding("tab", "focus_next", "Next pane", show=False),
    ]
    CSS = """
    #main { layout: horizontal; height: 1fr; }
    #side { width: 45%; min-width: 30; border-right: vkey $foreground 30%; }
    .-narrow #main { layout: vertical; }
    .-narrow #side { width: 1fr; height: 40%; border-right: none;
                    border-bottom: hkey $foreground 30%; }
    #search { display: none; border: none; height: 1; padding: 0 1; }
    #search.open { display: block; }
    ArticleList { height: 1fr; }
    #reader { height: 1fr; padding: 0 1; }
    #links { height: auto; max-height: 8; border: none; border-top: hkey $foreground 30%;
             display: none; }
    #links.some { display: block; }
    #status { height: 1; padding: 0 1; color: $text-muted; }
    """

    def __init__(
        self,
        archive: Archive,
        *,
        query: Query | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        theme: str = "terminal",
    ) -> None:
        super().__init__()
        self.archive = archive
        self.query_: Query | None = query
        self.dates = DateFilter(since, until)
        self.history: list[int] = []  # the articles a followed link left, last last
        self._listing = 0  # which list is shown: a page read for an older one is dropped
        self._paging = False  # a page is being read
        self._listed = ""  # what the status line says of the list
        # Before the app starts, so that its styles are computed once, in this theme.
        self.theme = theme_for(theme, os.environ.get("COLORFGBG"))

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            with Vertical(id="side"):
                yield SearchBox(self._search_now, id="search")
                yield ArticleList(lookahead=LOOKAHEAD, id="articles")
            yield ArticleReader(self.archive, self._terms, id="pane")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        if self.query_ is not None:
            search = self.query_one(SearchBox)
            search.value = self.query_.text
            search.add_class("open")
            self._search_now()
        else:
            self._list_first()
        self.query_one(ArticleList).focus()

    # -- reading the archive ----------------------------------------------------------

    def _list_first(self) -> None:
        rows = _read(
            self,
            self.archive,
            lambda s: s.page(limit=PAGE, since=self.dates.since, until=self.dates.until),
        )
        rows = rows or []
        self._listing += 1
        self._paging = False
        self._listed = "newest first"
        self.query_one(ArticleList).show(rows, complete=len(rows) < PAGE, terms=())
        if not rows:
            self._show_nothing()
        self._status()

    @on(ArticleList.NearEnd)
    def _list_more(self) -> None:
        articles = self.query_one(ArticleList)
        if articles.complete or self.query_ is not None or not articles.rows or self._paging:
            return
        self._paging = True
        last = articles.rows[-1]
        self._next_page(self._listing, (last.published, last.id), self.dates)

    @work(thread=True, group="paging")
    def _next_page(
        self, listing: int, after: tuple[dt.date | None, int], dates: DateFilter
    ) -> None:
        """The next page, read while the reader goes on reading (LOOKAHEAD rows early)."""
        rows: list[ArticleSummary] | None = None
        try:
            with self.archive.reading() as store:
                rows = store.page(after=after, limit=PAGE, since=dates.since, until=dates.until)
        except NewsArchiveError as exc:
            self.call_from_thread(self.notify, str(exc), severity="error", markup=False)
        self.call_from_thread(self._paged, listing, rows)

    def _paged(self, listing: int, rows: list[ArticleSummary] | None) -> None:
        self._paging = False
        if listing != self._listing:
            return  # a search or new dates replaced the list meanwhile
        self.query_one(ArticleList).extend(rows or [], complete=rows is None or len(rows) < PAGE)
        self._status()

    @on(ArticleList.Highlighted)
    def _highlighted(self, message: ArticleList.Highlighted) -> None:
        self.history.clear()
        self._open(message.article.id)

    @on(ArticleList.Chosen)
    def _chosen(self) -> None:
        links = self.query_one("#links", OptionList)
        if links.has_class("some"):
            links.focus()
        else:
            self.query_one("#reader").focus()

    @property
    def article(self) -> StoredArticle | None:
        """The article shown (None: nothing is)."""
        return self.query_one(ArticleReader).article

    def _terms(self) -> Sequence[str]:
        """What the article view marks: the search's terms."""
        return self.query_.terms if self.query_ else ()

    def _open(self, article_id: int) -> None:
        if self.query_one(ArticleReader).open(article_id):
            self._status()

    def _show_nothing(self) -> None:
        if self.query_ is not None:
            message = "Nothing matches; Esc goes back to every article."
        elif self.dates.since or self.dates.until:
            message = "No article in these dates; f changes them."
        else:
            message = "No articles yet; add some with 'newsarchive ingest PATH'."
        self.query_one(ArticleReader).show_nothing(message)

    def _status(self) -> None:
        articles = self.query_one(ArticleList)
        text = status_text(self.query_, self._listed, articles, self.dates, len(self.history))
        self.query_one(StatusLine).update(text)

    # -- search -------------------------------------------------------------------------

    @on(Input.Submitted, "#search")
    def _submitted(self) -> None:
        self.query_one(SearchBox).hold()
        self._search_now()
        self.query_one(ArticleList).focus()

    def _search_now(self) -> None:
        typed = self.query_one(SearchBox).value
        if not typed.strip():
            self.query_ = None
            self._list_first()
            return
        try:
            query = parse_query(typed)
        except QueryError as exc:
            self.query_one(StatusLine).update(Text(f"search: {exc}", style="yellow"))
            return
        self._search(query, self.dates)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, query: Query, dates: DateFilter) -> None:
        def run(store: Store) -> tuple[list[SearchHit], str]:
            found = store.search(query, since=dates.since, until=dates.until, limit=SEARCH_LIMIT)
            return found.hits, search_footer(
                len(found.hits), found.undated_left_out, found.ranked_window, False, found.total
            ).plain

        try:
            with self.archive.reading() as store:
                hits, said = run(store)
        except NewsArchiveError as exc:
            self.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._searched, query, hits, said)

    def _searched(self, query: Query, hits: list[SearchHit], said: str) -> None:
        self._listing += 1
        self.query_ = query
        self._listed = said
        self.query_one(ArticleList).show(list(hits), complete=True, terms=query.terms)
        if not hits:
            self._show_nothing()
        self._status()

    def action_search(self) -> None:
        search = self.query_one(SearchBox)
        search.add_class("open")
        search.focus()

    # -- keys ---------------------------------------------------------------------------

    def action_escape(self) -> None:
        """Back out of one thing: the search box, then the search, then a followed link."""
        search = self.query_one(SearchBox)
        if search.has_focus or self.query_ is not None:
            search.hold()
            self.workers.cancel_group(self, "search")
            search.value = ""
            search.remove_class("open")
            if self.query_ is not None:
                self.query_ = None
                self._list_first()
            self.query_one(ArticleList).focus()
        elif self.history:
            self.action_history_back()

    def action_history_back(self) -> None:
        if self.history:
            self._open(self.history.pop())
            self._status()

    @on(OptionList.OptionSelected, "#links")
    def _follow(self, message: OptionList.OptionSelected) -> None:
        target = int((message.option.id or "0").rpartition("-")[2])
        if self.article is not None and target != self.article.id:
            previous = self.article.id
            self._open(target)
            if self.article is not None and self.article.id == target:
                self.history.append(previous)
                self._status()

    def action_dates(self) -> None:
        def chosen(dates: DateFilter | None) -> None:
            if dates is None or dates == self.dates:
                return
            self.dates = dates
            if self.query_ is not None:
                self._search(self.query_, dates)
            else:
                self._list_first()

        self.push_screen(DatePrompt(self.dates), chosen)

    def action_raw(self) -> None:
        self.query_one(ArticleReader).toggle_raw()

    def action_more(self) -> None:
        self.query_one(ArticleReader).more()

    def action_copy_id(self) -> None:
        if self.article is not None:
            self.copy_to_clipboard(str(self.article.id))
            self.notify(f"Copied the id, {self.article.id}.", markup=False)

    def action_copy_path(self) -> None:
        if self.article is not None and self.article.sources:
            from newsarchive.text.paths import as_text

            path = as_text(self.article.sources[0])
            self.copy_to_clipboard(path)
            self.notify(f"Copied the source path: {render.clean(path)}", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Letters typed into the search box are the query's, not commands.
        if action in _LETTER_COMMANDS:
            return not isinstance(self.focused, Input)
        return True


# The actions bound to letters (and Backspace): not taken while the search box has the keys.
_LETTER_COMMANDS = frozenset(
    {"quit", "search", "dates", "raw", "more", "copy_id", "copy_path", "history_back"}
)


class SearchBox(Input):
    """The search box (shown once opened): what is typed is searched for (`search`) once
    typing pauses for DEBOUNCE_SECONDS."""

    def __init__(self, search: Callable[[], None], *, id: str | None = None) -> None:
        super().__init__(placeholder='search: words, "a phrase", OR, NOT, prefix*', id=id)
        self._search = search
        self._debounce: Timer | None = None

    @on(Input.Changed)
    def _typed(self) -> None:
        self.hold()
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, self._search)

    def hold(self) -> None:
        """Search for nothing typed so far (it is searched for now, or given up)."""
        if self._debounce is not None:
            self._debounce.stop()


class ArticleReader(Vertical):
    """The article pane (one article as `show` renders it, or its raw bytes) over where
    the article leads (LinksList). `terms`: what the view marks (the search's words)."""

    def __init__(
        self, archive: Archive, terms: Callable[[], Sequence[str]], *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._archive = archive
        self._terms = terms
        self.article: StoredArticle | None = None
        self.around = Surroundings()
        self.raw = False  # the raw bytes shown, not the article
        self.blocks_shown = BLOCKS_SHOWN

    def compose(self) -> ComposeResult:
        yield ArticlePane(id="reader")
        yield LinksList(id="links")

    def open(self, article_id: int) -> bool:
        """Show an article: at once with its links and versions; what links to it (a
        slower look-up) follows from a worker, and redraws only when there is some. False
        when it could not be read (and the reader was told why)."""

        def load(store: Store) -> tuple[StoredArticle, Surroundings]:
            article = store.get(article_id)
            return article, store.surroundings(article, linked_from=False)

        found = _read(self, self._archive, load)
        if found is None:
            return False
        self.article, self.around = found
        self.raw = False
        self.blocks_shown = BLOCKS_SHOWN
        self._draw()
        self.query_one(LinksList).show(self.article, self.around, {})
        self._linking(article_id)
        return True

    @work(thread=True, exclusive=True, group="linking")
    def _linking(self, article_id: int) -> None:
        try:
            with self._archive.reading() as store:
                sources = tuple(store.links.linked_from(article_id))
                headlines = store.headlines_of(sources) if sources else {}
        except NewsArchiveError:
            return  # the article is shown; what links to it is a nicety
        if sources and not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._linked, article_id, sources, headlines)

    def _linked(self, article_id: int, sources: tuple[int, ...], headlines: dict[int, str]) -> None:
        if self.article is None or self.article.id != article_id:
            return
        self.around = replace(self.around, linked_from=sources)
        if not self.raw:
            self._draw(keep_place=True)
        self.query_one(LinksList).show(self.article, self.around, headlines)

    def _draw(self, *, keep_place: bool = False) -> None:
        assert self.article is not None
        view: RenderableType
        if self.raw:
            data = _read(
                self, self._archive, lambda s: s.raw(self.article.id if self.article else 0)
            )
            view = raw_text(data or b"", self.article.encoding, shown=RAW_SHOWN)
        else:
            view = article_view(
                self.article,
                self._terms(),
                self.around,
                blocks_shown=self.blocks_shown,
                more=" (m shows more)",
            )
        self.query_one(ArticlePane).show(view, keep_place=keep_place)

    def toggle_raw(self) -> None:
        """The raw bytes of the article (the first RAW_SHOWN), or the article again."""
        if self.article is not None:
            self.raw = not self.raw
            self._draw()

    def more(self) -> None:
        """Twice as much of a long article's body as is shown (see BLOCKS_SHOWN)."""
        article = self.article
        if article is not None and not self.raw and self.blocks_shown < len(article.blocks):
            self.blocks_shown *= 2
            self._draw(keep_place=True)

    def show_nothing(self, message: str) -> None:
        self.article = None
        self.query_one(ArticlePane).show(Text(message, style="dim"))
        self.query_one(LinksList).remove_class("some")


def _read(node: App[None] | Widget, archive: Archive, action: Callable[[Store], _T]) -> _T | None:
    """One short read transaction; an archive error is shown, not raised."""
    try:
        with archive.reading() as store:
            return action(store)
    except NewsArchiveError as exc:
        node.notify(str(exc), severity="error", markup=False)
        return None
