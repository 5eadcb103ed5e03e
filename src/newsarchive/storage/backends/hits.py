"""What a search hit shows, made alike on both backends: rows as SearchHit, and a snippet of
the body with the query's words marked (found here in bounded time, where the engines' own
snippet functions cost the square of the matches in one article)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from newsarchive.model.records import DateSource, SearchHit
from newsarchive.text.paths import from_columns
from newsarchive.text.searchtext import is_cjk, markable, marking_words, normalise

if TYPE_CHECKING:
    from newsarchive.text.query import Node

SNIPPET_WORDS = 16
# Characters of a body a snippet is looked for in, on either engine: bounded
# work whatever the article's size (a match further in shows the body's start instead).
SNIPPET_WINDOW = 20_000
# Unicode noncharacters around each match in a snippet: never markup, never in stored text.
MARK_START, MARK_END = "\ufdd0", "\ufdd1"


def hits_from_rows(rows: Sequence[Sequence[Any]]) -> list[SearchHit]:
    """Hits from rows of (id, headline, published (a date, or its ISO text from SQLite's
    driver), date_source, word_count, rank, marked snippet, source path, its exact bytes
    (paths.columns), versions)."""
    found = []
    for row in rows:
        id_, headline, published, date_source, word_count, rank, marked, path, exact, n = row
        snippet, highlights = unmark(marked or "")
        found.append(
            SearchHit(
                id=id_,
                headline=headline,
                published=dt.date.fromisoformat(published)
                if isinstance(published, str)
                else published,
                date_source=DateSource(date_source) if date_source else None,
                source=None if path is None else from_columns(path, exact),
                word_count=word_count,
                rank=float(rank),
                snippet=snippet,
                highlights=highlights,
                versions=n,
            )
        )
    return found


def snippet_terms(tree: Node) -> tuple[tuple[str, bool], ...]:
    """The words a snippet marks: each word of the query's terms (not those after NOT),
    normalised as the index sees them, with whether it is a prefix (a run of Chinese,
    Japanese or Korean characters is one word here, matched as a sequence of characters)."""
    from newsarchive.text.query import All, Any_, Term, Without

    found: list[tuple[str, bool]] = []
    pending: list[Node] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, Term):
            words = marking_words(node.text)
            found += [(w, node.prefix and i == len(words) - 1) for i, w in enumerate(words)]
        elif isinstance(node, Without):
            pending.append(node.keep)
        elif isinstance(node, All | Any_):
            pending.extend(node.parts)
    return tuple(dict.fromkeys(found))


def with_snippets(
    rows: Sequence[Sequence[Any]], terms: Sequence[tuple[str, bool]]
) -> list[tuple[Any, ...]]:
    """Hit rows (hits_from_rows' order) with the start of each body, their seventh column,
    turned into its marked snippet: where the index does not make snippets itself."""
    return [(*row[:6], marked_snippet(row[6] or "", terms), *row[7:]) for row in rows]


def marked_snippet(text: str, terms: Sequence[tuple[str, bool]]) -> str:
    """SNIPPET_WORDS words of `text` from a little before its first match of `terms`
    (its start when none), the matches between MARK_START and MARK_END, '…' where it was
    cut: what FTS5's snippet() gives, found in bounded time. A Chinese, Japanese or Korean
    character counts as a word, and a word of them is marked where its characters stand
    in a row."""
    exact = {w for w, prefix in terms if not prefix and not is_cjk(w)}
    prefixes = tuple(w for w, prefix in terms if prefix and not is_cjk(w))
    sequences = {w for w, _ in terms if is_cjk(w)}
    longest = max(map(len, sequences), default=0)

    def matches(word: str) -> bool:
        key = normalise(word)
        return key in exact or (bool(prefixes) and key.startswith(prefixes))

    tokens: list[re.Match[str]] = []
    weights: list[float] = []  # a CJK character is half a word: a snippet shows 32 of them
    marked: set[int] = set()
    first = None
    run = ""  # the CJK characters in a row that end at the last token
    for token in markable().finditer(text):
        tokens.append(token)
        last = len(tokens) - 1
        word = token[0]
        if token.lastgroup == "cjk":
            weights.append(0.5)
            run = run + word if run and tokens[last - 1].end() == token.start() else word
            run = run[-longest:] if longest else ""  # all a match can end with
            for sequence in sequences:
                if run.endswith(sequence):
                    marked.update(range(last - len(sequence) + 1, last + 1))
        else:
            weights.append(1.0)
            run = ""
            if matches(word):
                marked.add(last)
        if first is None and marked:
            first = min(marked)
        if first is not None and sum(weights[first:]) >= SNIPPET_WORDS:
            break
    if not tokens:
        return ""
    start = first or 0
    while start > 0 and sum(weights[start - 1 : first]) <= SNIPPET_WORDS // 4:
        start -= 1
    end = start
    while end < len(tokens) and sum(weights[start : end + 1]) <= SNIPPET_WORDS:
        end += 1
    while 0 < end < len(tokens) and {end - 1, end} <= marked:  # never cut a marked word
        end += 1
    shown = tokens[start:end]
    out = ["…" if start else ""]
    at = shown[0].start()
    for i, token in enumerate(shown, start):
        gap = text[at : token.start()]
        if i in marked:  # CJK characters of one word in a row: one mark around them all
            joined = i > start and not gap and i - 1 in marked
            out.append(gap if joined else gap + MARK_START)
            out.append(token[0])
            if not (i + 1 in marked and i + 1 < start + len(shown)) or (
                tokens[i + 1].start() != token.end()
            ):
                out.append(MARK_END)
        else:
            out.append(gap + token[0])
        at = token.end()
    more = markable().search(text, at) is not None
    return "".join(out) + ("…" if more else "")


def unmark(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Snippet text without the match marks, and where the marked spans were."""
    text_parts: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    for i, part in enumerate(marked.replace(MARK_END, MARK_START).split(MARK_START)):
        if i % 2 and part:
            spans.append((length, length + len(part)))
        text_parts.append(part)
        length += len(part)
    return "".join(text_parts), tuple(spans)
