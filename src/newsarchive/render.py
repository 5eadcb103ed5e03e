"""Rich renderables for the archive's views; this module never prints and never queries.

Article text is data. It enters rich only as `Text` objects (never in markup strings), and
control characters are made visible first, so a headline cannot restyle, link, retitle or
clear the reader's terminal, nor reorder a line with bidirectional overrides.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.constrain import Constrain
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from newsarchive.models import ArticleSummary, BlockKind, StoredArticle

READING_WIDTH = 88

# C0 controls but tab and newline, DEL, C1 controls; bidi overrides, isolates and marks;
# line and paragraph separators. Each is shown as a visible escape instead.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_CONTROL_PICTURE_BASE = 0x2400


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(_CONTROL_PICTURE_BASE + code)  # ESC -> ␛, BEL -> ␇
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def clean(value: str) -> str:
    """The text with every control or reordering character replaced by a visible stand-in."""
    return _UNSAFE.sub(_visible, value)


def safe_text(value: str, style: str = "") -> Text:
    """Article text as a rich Text: never parsed as markup, never a terminal escape."""
    return Text(clean(value), style=style)


def short_source(path: str | None) -> str:
    """The last folder and file name: enough to tell business/001.txt from sport/001.txt."""
    if not path:
        return ""
    parts = PurePath(path).parts
    return "/".join(parts[-2:])


def article_table(articles: Sequence[ArticleSummary]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("ID", justify="right", style="cyan", no_wrap=True)
    table.add_column("Date", no_wrap=True)
    table.add_column("Headline", ratio=1, min_width=20)
    table.add_column("Source", style="dim", overflow="fold", max_width=24)
    table.add_column("Words", justify="right", no_wrap=True)
    for article in articles:
        date = (
            Text(article.published.isoformat())
            if article.published
            else Text("undated", style="dim")
        )
        table.add_row(
            Text(str(article.id)),
            date,
            safe_text(article.headline, "bold"),
            safe_text(short_source(article.source)),
            Text(f"{article.word_count:,}"),
        )
    return table


def listing_footer(shown: int, undated_left_out: int) -> Text:
    """The line under a listing: how many were shown, and what a date filter left out."""
    text = Text(f"{shown:,} article{'s' if shown != 1 else ''}", style="dim")
    if undated_left_out:
        text.append(
            f"; {undated_left_out:,} undated article"
            f"{'s' if undated_left_out != 1 else ''} left out by the date filter",
            style="dim",
        )
    return text


def article_view(article: StoredArticle) -> RenderableType:
    """The reading view: headline, dek, one metadata line, the body, then where it came from."""
    parts: list[RenderableType] = [safe_text(article.headline, "bold")]
    if article.dek:
        parts.append(safe_text(article.dek, "italic"))
    parts.append(_metadata_line(article))
    parts.append(Rule(style="dim"))
    for block in article.blocks:
        if block.kind is BlockKind.SUBHEADING:
            parts.append(_spaced(safe_text(block.text, "bold underline")))
        elif block.kind is BlockKind.READ_MORE:
            link = Text("▸ ", style="cyan")
            link.append(clean(block.label or "Read more").upper(), style="cyan bold")
            link.append("  ")
            link.append(clean(block.text), style="cyan")
            parts.append(_spaced(link, indent=2))
        else:
            parts.append(_spaced(safe_text(block.text)))
    parts.append(Rule(style="dim"))
    parts.append(_provenance(article))
    return Constrain(Group(*parts), width=READING_WIDTH)


def _spaced(text: Text, indent: int = 0) -> Group:
    """A block with a blank line above it. (Not rich's Padding: it pads every line with
    trailing spaces to the full width, which litters copied and redirected text.)"""
    return Group(Text(), Text(" " * indent) + text if indent else text)


def _metadata_line(article: StoredArticle) -> Text:
    line = Text(style="dim")
    if article.published:
        line.append(f"{article.published.day} {article.published:%B %Y}", style="green")
        line.append(f" ({article.date_source.value if article.date_source else '?'})")
    else:
        line.append("undated")
    if article.byline:
        line.append(" · by ")
        line.append(clean(article.byline))
    line.append(f" · {article.word_count:,} words · {article.reading_minutes} min read")
    line.append(f" · #{article.id}")
    return line


def _provenance(article: StoredArticle) -> Text:
    text = Text(style="dim")
    label = "Source" if len(article.sources) == 1 else "Sources"
    text.append(f"{label}: ")
    text.append(", ".join(clean(s) for s in article.sources) or "unknown")
    text.append(f"\n{article.encoding}, {article.byte_size:,} bytes, sha256 {article.sha256[:16]}")
    if article.source_url:
        text.append("\nURL: ")
        text.append(clean(article.source_url))
    if article.date_evidence:
        text.append("\nDate from: ")
        text.append(clean(article.date_evidence))
    return text


def to_json(data: Any) -> str:
    """JSON for scripts: UTF-8 text kept readable, but nothing a terminal could act on."""
    encoded = json.dumps(data, ensure_ascii=False, indent=2)
    # json escapes C0 itself; C1 and reordering characters can only occur inside strings.
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)
