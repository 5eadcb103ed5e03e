"""What every view shares: article text made safe for the terminal, counts in words, and
the `--json` forms (JSON text with nothing a terminal could act on). The views are listing
(list, search), reading (show, diff) and overview (stats, db info): each builds renderables
and returns them; none prints, none queries.

Article text is data. It enters rich only as `Text` objects (never in markup strings), and
control characters are made visible first (`clean`, `safe_text`, `marked`), so a headline
cannot restyle, link, retitle or clear the reader's terminal, nor reorder a line with
bidirectional overrides.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text

from newsarchive.model.records import (
    ArticleSummary,
    BlockKind,
    StoredArticle,
    Surroundings,
    as_json,
)
from newsarchive.text import paths
from newsarchive.text.searchtext import is_cjk, markable, normalise

if TYPE_CHECKING:  # the word diff imports its module when used
    from newsarchive.text.compare import DiffRun

# What the terminal shows for an article without a headline (the data keeps it empty).
NO_HEADLINE = "(no headline)"
MATCH_STYLE = "bold black on yellow"
# Around a match where there is no colour (show --highlight in a pipe), as diff's [-...-].
BRACKETS = ("[[", "]]")

# C0 controls but tab (newline too: every value shown is one line), DEL, C1 controls;
# bidi overrides, isolates and marks; line and paragraph separators. Each is shown as a
# visible stand-in instead.
_REORDERING = "\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f{_REORDERING}]")
# What JSON does not escape by itself (it escapes all of C0).
_UNSAFE_IN_JSON = re.compile(f"[\x7f-\x9f{_REORDERING}]")
_CONTROL_PICTURE_BASE = 0x2400


def no_headline() -> Text:
    """What stands for a missing headline: dimmed, so it is not taken for one."""
    return Text(NO_HEADLINE, style="dim italic")


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


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """ "1 article", "2,990 articles": a count with its noun agreeing."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


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
