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

from newsarchive import paths
from newsarchive.compare import BREAK, DiffRun, Fold, diff_stats
from newsarchive.models import (
    ArticleSummary,
    BlockKind,
    OtherVersion,
    SearchHit,
    StoredArticle,
    Surroundings,
)
from newsarchive.query import normalise

MATCH_STYLE = "bold black on yellow"
_WORD = re.compile(r"[^\W_]+")

READING_WIDTH = 88

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


def clean(value: str) -> str:
    """The text with every control or reordering character replaced by a visible stand-in."""
    return _UNSAFE.sub(_visible, value)


def safe_text(value: str, style: str = "") -> Text:
    """Article text as a rich Text: never parsed as markup, never a terminal escape."""
    return Text(clean(value), style=style)


def marked(value: str, terms: Sequence[str], style: str = "") -> Text:
    """`safe_text`, with the words that match any of the search terms marked."""
    text = safe_text(value, style)
    if not terms:
        return text
    exact = {t for t in terms if not t.endswith("*")}
    prefixes = tuple(t[:-1] for t in terms if t.endswith("*"))
    for match in _WORD.finditer(text.plain):
        word = normalise(match.group())
        if word in exact or (prefixes and word.startswith(prefixes)):
            text.stylize(MATCH_STYLE, match.start(), match.end())
    return text


def short_source(path: str | None) -> str:
    """The last folder and file name: enough to tell business/001.txt from sport/001.txt;
    shown as paths.shown shows paths, so two different names never look alike."""
    if not path:
        return ""
    parts = PurePath(path).parts
    return paths.shown("/".join(parts[-2:]))


def article_table(articles: Sequence[ArticleSummary]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("ID", justify="right", style="cyan", no_wrap=True)
    table.add_column("Date", no_wrap=True)
    table.add_column("Headline", ratio=1, min_width=20)
    table.add_column("Source", style="dim", overflow="fold", max_width=24)
    table.add_column("Words", justify="right", no_wrap=True)
    for article in articles:
        table.add_row(
            Text(str(article.id)),
            _date(article),
            _headline(article, safe_text(article.headline, "bold")),
            safe_text(short_source(article.source)),
            Text(f"{article.word_count:,}"),
        )
    return table


def _headline(article: ArticleSummary, headline: Text) -> Text:
    """The headline, and how many versions the story has when it has more than one."""
    if article.versions > 1:
        headline.append(f"  {article.versions} versions", style="not bold magenta")
    return headline


def _date(article: ArticleSummary) -> Text:
    if article.published:
        return Text(article.published.isoformat())
    return Text("undated", style="dim")


def listing_footer(shown: int, undated_left_out: int, folded: bool = False) -> Text:
    """The line under a listing: how many were shown, what a date filter left out, and
    whether older versions were folded into their newest."""
    text = Text(f"{shown:,} article{'s' if shown != 1 else ''}", style="dim")
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
    shown: int, undated_left_out: int, ranked_window: int | None, folded: bool = False
) -> Text:
    text = Text(f"{shown:,} match{'es' if shown != 1 else ''}", style="dim")
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
) -> RenderableType:
    """The reading view: headline, dek, one metadata line, the body, then where it came
    from, what links to it and its other versions.

    `highlight` holds normalised search terms (a trailing * for a prefix); words that match
    are marked wherever they stand. A related link that leads to an archived article ends
    with its id (`→ #12`).
    """
    around = around or Surroundings()

    parts: list[RenderableType] = [marked(article.headline, highlight, "bold")]
    if article.dek:
        parts.append(marked(article.dek, highlight, "italic"))
    parts.append(_metadata_line(article, highlight))
    parts.append(Rule(style="dim"))
    for position, block in enumerate(article.blocks):
        if block.kind is BlockKind.SUBHEADING:
            parts.append(_spaced(marked(block.text, highlight, "bold underline")))
        elif block.kind is BlockKind.READ_MORE:
            link = Text("▸ ", style="cyan")
            link.append(clean(block.label or "Read more").upper(), style="cyan bold")
            link.append("  ")
            link.append_text(marked(block.text, highlight, "cyan"))
            if (target := around.link_targets.get(position)) is not None:
                link.append(f" → #{target}", style="bold")
            parts.append(_spaced(link, indent=2))
        elif block.kind is BlockKind.BOILERPLATE:
            parts.append(_spaced(safe_text(block.text, "dim")))
        else:
            parts.append(_spaced(marked(block.text, highlight)))
    parts.append(Rule(style="dim"))
    parts.append(_provenance(article, highlight))
    if around.linked_from:
        parts.append(Text("Linked from: " + ", ".join(f"#{i}" for i in around.linked_from)))
    if around.versions:
        parts.append(_versions(around.versions))
    return Constrain(Group(*parts), width=READING_WIDTH)


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


def _metadata_line(article: StoredArticle, highlight: Sequence[str] = ()) -> Text:
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
    if article.byline:
        line.append(" · by ")
        line.append_text(marked(article.byline, highlight))
    line.append(f" · {article.word_count:,} words · {article.reading_minutes} min read")
    line.append(f" · #{article.id}")
    return line


def _provenance(article: StoredArticle, highlight: Sequence[str] = ()) -> Text:
    text = Text(style="dim")
    label = "Source" if len(article.sources) == 1 else "Sources"
    text.append(f"{label}: ")
    text.append(", ".join(paths.shown(s) for s in article.sources) or "unknown")
    text.append(f"\n{article.encoding}, {article.byte_size:,} bytes, sha256 {article.sha256[:16]}")
    if article.source_url:
        text.append("\nURL: ")
        text.append_text(marked(article.source_url, highlight))
    if article.date_evidence:
        inferred = article.date_source is not None and not article.date_source.explicit
        text.append("\nDate reasoned from: " if inferred else "\nDate from: ")
        text.append(" · ".join(f"“{clean(e)}”" for e in article.date_evidence))
    return text


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
    from newsarchive.compare import change_summary

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
        {"id": article.id, **article.model_dump(mode="json")},
        "sources",
        [paths.as_text(s) for s in article.sources],
        [paths.exact_base64(s) for s in article.sources],
    )
    for position, block in enumerate(data["blocks"]):
        if block["kind"] == BlockKind.READ_MORE.value:
            block["target"] = around.link_targets.get(position)
    data["linked_from"] = list(around.linked_from)
    data["versions"] = [v.model_dump(mode="json") for v in around.versions]
    return data


def summary_json(article: ArticleSummary) -> dict[str, Any]:
    """A row of `list --json` or `search --json`. Its path is `source`, the path as text
    (the name itself when it is UTF-8), and `source_bytes`: null, or, for a name that is not
    UTF-8 (whose text shows each such byte as \\xNN), its exact bytes in base64."""
    source = article.source
    return _beside(
        article.model_dump(mode="json"),
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


def to_json(data: Any) -> str:
    """JSON for scripts: UTF-8 text kept readable, but nothing a terminal could act on."""
    encoded = json.dumps(data, ensure_ascii=False, indent=2)
    # C1 and reordering characters can only occur inside strings, so escaping them is safe.
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)
