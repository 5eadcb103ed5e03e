"""Mediargus exports (the Belgian press database): a numbered list of the articles first
(title; "De Morgen, woensdag 30 november 2011, p. 23, 853w."; the first lines), then their
texts in the same order, each opening with "30-11-2011, p.23". AmCAT's upload parser reads
them the same way: the list and the texts split by runs of blank lines, paired in order.

An article's title, outlet and date are in the list, its text far below, so no single run
of the file's bytes holds an article: each is given as the text of its list entry (its
number dropped) followed by its text, and the file itself is kept whole beside them.

Pure functions of text, no import of the package's other modules (its __init__ builds the
pieces and fields).
"""

from __future__ import annotations

import datetime as dt
import re

Raw = tuple[dict[str, str], list[tuple[str, str]], dt.date | None, list[str]]

_ENTRY = re.compile(r"^\??(\d{1,5})\.\s+(\S.*)$")
# "De Morgen, woensdag 30 november 2011, p. 23, 853w." (page and length may be missing).
_META = re.compile(
    r"^(?P<publication>\S.*?),\s+(?P<date>(?:[^\W\d_]+\s+)?\d{1,2}(?:er)?\.?\s+[^\W\d_]+\.?\s+\d{4})"
    r"(?:,\s*(?P<page>p\.\s*\S+?))?(?:,\s*(?P<length>\d[\d.]*\s*w\.?))?\s*$"
)
_BODY_START = re.compile(r"^(\d{2})-(\d{2})-(\d{4})(?:,\s*p\.\s*\S+)?$")
_UNTITLED = {"artikel zonder titel", "article sans titre", "sans titre", "zonder titel"}


def looks_like(head: str) -> bool:
    """Whether the text opens as a Mediargus list does: "1. Title", then its outlet line."""
    lines = [line.strip() for line in head.splitlines()[:12]]
    lines = [line for line in lines if line]
    return (
        len(lines) >= 2
        and (entry := _ENTRY.match(lines[0])) is not None
        and entry.group(1) == "1"
        and _META.match(lines[1]) is not None
    )


def articles(text: str) -> list[str]:
    """The file's articles as texts of their own, in order: each list entry followed by its
    text; an entry without a text, or a text without an entry, alone. Empty when the file
    is no Mediargus export."""
    stripped = [line.strip() for line in text.splitlines()]
    entries: list[tuple[int, int]] = []  # (first line, last line) of each list entry
    expected = 1
    i = 0
    while i < len(stripped):
        entry = _ENTRY.match(stripped[i])
        meta = _next_line(stripped, i + 1) if entry and int(entry.group(1)) == expected else None
        if meta is not None and _META.match(stripped[meta]):
            if entries:
                entries[-1] = (entries[-1][0], i)
            entries.append((i, len(stripped)))
            expected += 1
            i = meta + 1
            continue
        if entries and _BODY_START.match(stripped[i]):
            break
        i += 1
    if not entries:
        return []
    starts = [j for j in range(i, len(stripped)) if _BODY_START.match(stripped[j])]
    if starts:
        entries[-1] = (entries[-1][0], starts[0])
    bodies = [
        _block(stripped, start, starts[k + 1] if k + 1 < len(starts) else len(stripped))
        for k, start in enumerate(starts)
    ]
    out: list[str] = []
    for k in range(max(len(entries), len(bodies))):
        parts = []
        if k < len(entries):
            first, last = entries[k]
            entry_lines = _block(stripped, first, last)
            match = _ENTRY.match(entry_lines[0])
            assert match is not None
            parts.append("\n".join([match.group(2), *entry_lines[1:]]))
        if k < len(bodies):
            parts.append("\n".join(bodies[k]))
        out.append("\n\n\n".join(parts) + "\n")
    return out


def _next_line(stripped: list[str], i: int) -> int | None:
    while i < len(stripped) and not stripped[i]:
        i += 1
    return i if i < len(stripped) else None


def _block(stripped: list[str], first: int, last: int) -> list[str]:
    """Lines [first, last) without blank lines at either end, runs of blank lines as one."""
    out: list[str] = []
    for line in stripped[first:last]:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


def holds(text: str) -> bool:
    """Whether `fields(text)` reads an article (is not None), without reading it: what the
    cut ingest makes needs. `fields` gives None only when the text has no line of text, or
    its first one neither opens the article's text ("30-11-2011, p.23") nor has an outlet
    line ("De Morgen, woensdag 30 november 2011, ...") as the next line of text."""
    seen = (line for line in map(str.strip, text.splitlines()) if line)
    first = next(seen, None)
    if first is None:
        return False
    if _BODY_START.match(first):
        return True
    meta = next(seen, None)
    return meta is not None and _META.match(meta) is not None


def fields(text: str) -> Raw | None:
    """One article as `articles` gives it: title, outlet line and first lines from the
    list; then its text: "30-11-2011, p.23", [author and title again,] [editions,] the
    text, the copyright."""
    stripped = [line.strip() for line in text.splitlines()]
    values: dict[str, str] = {}
    other: list[tuple[str, str]] = []
    published: dt.date | None = None
    i = _next_line(stripped, 0)
    if i is None:
        return None
    headline = ""
    start = next((j for j in range(i, len(stripped)) if _BODY_START.match(stripped[j])), None)
    if not _BODY_START.match(stripped[i]):
        meta_at = _next_line(stripped, i + 1)
        meta = _META.match(stripped[meta_at]) if meta_at is not None else None
        if meta is None or meta_at is None:
            return None
        headline = stripped[i]
        if headline.lower() in _UNTITLED:
            other.append(("Title", headline))
        else:
            values["headline"] = headline
        values["publication"] = meta.group("publication")
        values["date_text"] = meta.group("date")
        if meta.group("page"):
            other.append(("Page", meta.group("page")))
        if meta.group("length"):
            values["length"] = meta.group("length")
        snippet = _paragraphs(stripped[meta_at + 1 : start])
        if start is None:
            return values, other, None, snippet
    assert start is not None
    day = _BODY_START.match(stripped[start])
    assert day is not None
    other.append(("", stripped[start]))
    if "date_text" not in values:
        try:
            published = dt.date(int(day.group(3)), int(day.group(2)), int(day.group(1)))
        except ValueError:
            published = None
    # The lines right under the date (no blank line between): [author,] [title again].
    j = start + 1
    under: list[str] = []
    while j < len(stripped) and stripped[j]:
        under.append(stripped[j])
        j += 1
    titled = bool(under) and bool(headline) and under[-1] == headline
    if titled:
        under.pop()
    if under:
        values["byline"] = " ".join(under)
    paragraphs = _paragraphs(stripped[j:])
    # Above the text: the title again, after a kicker (under an author and the title) or
    # after the editions the article ran in (under the date alone).
    if len(paragraphs) >= 2 and headline and paragraphs[1] == headline != paragraphs[0]:
        other.append(("Kicker" if titled else "Edition", paragraphs.pop(0)))
    if paragraphs and headline and paragraphs[0] == headline:
        paragraphs.pop(0)
    if paragraphs and paragraphs[-1].startswith(("©", "(c)", "Copyright")):
        values["copyright"] = paragraphs.pop()
    return values, other, published, paragraphs


def _paragraphs(lines: list[str]) -> list[str]:
    out: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line:
            current.append(line)
        elif current:
            out.append(" ".join(current))
            current = []
    return out
