"""One article as a reader sees it (`show`, and browse's article pane): headline, dek,
metadata, body, provenance, links and versions, made whole or a piece at a time; and the
word diff of two articles (`diff`)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.constrain import Constrain
from rich.rule import Rule
from rich.style import Style
from rich.table import Table
from rich.text import Text

from newsarchive.model.records import (
    BlockKind,
    OtherVersion,
    StoredArticle,
    Surroundings,
    minutes_to_read,
)
from newsarchive.text import paths
from newsarchive.ui.render import clean, counted, marked, no_headline, safe_text

if TYPE_CHECKING:  # the word diff imports its module when used
    from newsarchive.text.compare import DiffRun, Fold

READING_WIDTH = 88
# `show` lists this many source paths, then how many more (--json gives every one).
MAX_SOURCES_SHOWN = 10
# A source URL a terminal may be handed as a link: http(s), printable ASCII only, so that
# nothing in it can end the escape sequence that carries it.
_LINKABLE = re.compile(r"https?://[!-~]+", re.IGNORECASE)


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

    yield mark(article.headline, "bold") if article.headline else no_headline()
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
