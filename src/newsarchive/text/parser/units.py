"""The file's non-blank lines, and the units the parser reads: lines, or in hard-wrapped
text a blank-line-separated paragraph joined into one."""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter
from typing import NamedTuple

import newsarchive.text.parser.metadata as metadata
import newsarchive.text.parser.related as related
import newsarchive.text.parser.shapes as shapes
from newsarchive.text import dates
from newsarchive.text.parser.shapes import MARKER_CHARS, is_marker_only, unmarked

WRAP_MAX_LINE = 100
WRAP_HEADER_GROUPS = 3
WRAP_MIN_LINE = 50


class _Line(NamedTuple):  # a NamedTuple: made for every line, and cheap to make
    number: int  # 1-based, in the decoded text
    text: str  # stripped
    gap_before: bool  # a blank line separates it from the previous non-blank line
    joined: bool = False  # hard-wrapped lines joined: a paragraph's, never a heading's


# One line, or a paragraph of hard-wrapped lines joined with spaces (numbered by its first
# line): the same fields as a line, so that a line is its own unit without a copy.
Unit = _Line


def non_blank_lines(text: str) -> list[_Line]:
    text = text.removeprefix("\ufeff")
    out: list[_Line] = []
    gap = False  # a blank line since the last non-blank one (none before the first)
    for number, stripped in enumerate(map(str.strip, text.split("\n")), 1):
        if stripped:
            out.append(_new_line(_Line, (number, stripped, gap, False)))
            gap = False
        elif out:
            gap = True
    return out


# What `_Line(...)` does, without the Python-level `__new__` a NamedTuple calls: a third
# of what reading a file's lines cost.
_new_line = tuple.__new__


def units_of(lines: Sequence[_Line]) -> list[Unit]:
    """Lines as units: in hard-wrapped text a blank-separated group is one unit, but for
    metadata and link lines, which are never wrapped."""
    if not _may_be_wrapped(lines):
        return list(lines)
    groups: list[list[_Line]] = []
    for line in lines:
        if line.gap_before or not groups:
            groups.append([])
        groups[-1].append(line)
    if not _is_hard_wrapped([[line.text for line in g] for g in groups]):
        return list(lines)
    units: list[Unit] = []
    for group in groups:
        joined: list[_Line] = []
        for line in group:
            if _standalone(line.text):
                if joined:
                    units.append(_joined(joined))
                    joined = []
                units.append(line)
            else:
                joined.append(line)
        if joined:
            units.append(_joined(joined))
    return units


def _joined(lines: Sequence[_Line]) -> Unit:
    if len(lines) == 1:
        return lines[0]
    return Unit(lines[0].number, " ".join(line.text for line in lines), lines[0].gap_before, True)


def _standalone(text: str) -> bool:
    """Lines a wrapped paragraph never contains: URLs, bylines, dates, link labels, an
    empty header field (`--`), with or without a leading marker."""
    if text[:1] in MARKER_CHARS:
        if is_marker_only(text):
            return True
        text = unmarked(text)
    return bool(
        shapes.URL.match(text)
        or metadata.URL_PREFIX.match(text)
        or metadata.BYLINE_PREFIX.match(text)
        or dates.read_date_line(text)
        or related.RELATED_BARE.match(text)
    )


def _may_be_wrapped(lines: Sequence[_Line]) -> bool:
    """False where _is_hard_wrapped is sure to be, told from the number of lines and of
    blank-separated groups alone, without making the groups: text with a blank line
    between most lines (a web page's paragraphs) is not wrapped.

    With G groups of L lines, at most L - G groups have more than one line. Dropping the
    marked header lines takes away at most WRAP_HEADER_GROUPS groups and adds no line, so
    _is_hard_wrapped sees G' >= G - 3 groups, at most L - G of them multi-line; it says
    "not wrapped" when twice the multi-line groups are fewer than the groups (or there
    are fewer than 2 groups), which 2 * (L - G) < G - 3 makes sure of."""
    size = len(lines)
    if size < 2:
        return False  # one group at most: never wrapped
    groups: int = 1 + sum(map(_GAP_BEFORE, lines[1:]))  # the first line opens a group
    return 2 * (size - groups) >= groups - WRAP_HEADER_GROUPS


_GAP_BEFORE = attrgetter("gap_before")


def _is_hard_wrapped(groups: Sequence[Sequence[str]]) -> bool:
    # Marked header lines at the top (`-- Fri Mar 2, 2007`, `-- http://...`, an empty `--`)
    # stand together unwrapped: not evidence. Only the first groups are looked at: cheap.
    head = groups[:WRAP_HEADER_GROUPS]
    if any(t[:1] in MARKER_CHARS for g in head for t in g):
        kept = [[t for t in g if not (t[:1] in MARKER_CHARS and _standalone(t))] for g in head]
        groups = [g for g in kept if g] + list(groups[WRAP_HEADER_GROUPS:])
    multi = [g for g in groups if len(g) > 1]
    if len(multi) * 2 < len(groups) or len(groups) < 2:
        return False
    # A long line inside a wrapped paragraph means it is not wrapped; a few long lines of
    # their own (a print credit, a URL) do not.
    if any(
        len(t) > WRAP_MAX_LINE and not shapes.URL.search(t.split()[-1]) for g in multi for t in g
    ):
        return False
    long_alone = sum(1 for g in groups if len(g) == 1 and len(g[0]) > WRAP_MAX_LINE)
    if long_alone * 10 > len(groups):
        return False
    inner = [t for g in multi for t in g[:-1]]
    return sum(len(t) >= WRAP_MIN_LINE for t in inner) * 4 >= len(inner) * 3
