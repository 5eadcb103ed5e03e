"""Two versions of one article, compared: a short phrase for a list of versions, and a word diff.

Only the story text counts (headline, dek, paragraphs, subheadings), compared word by word, so
a new encoding or re-wrapped whitespace is "same text". The diff works down from paragraphs to
sentences to words: difflib's matcher is quadratic on long token lists, and matching whole
paragraphs first is also what keeps an edit inside its paragraph instead of scattered over
every "the" in the article.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Literal, NamedTuple, TypeVar

from newsarchive.model.records import STORY_KINDS, StoredArticle

if TYPE_CHECKING:
    from typing import TypeAlias

    from newsarchive.model.models import Article

    Story: TypeAlias = Article | StoredArticle  # parsed or stored, compared alike

# A paragraph break: a token of its own, so that a diff keeps the paragraphs' shape.
BREAK = "\n"

# Below this many pairs (len(a) * len(b)) difflib's exact matcher is quick enough (a few
# milliseconds); above it a span of words is first cut into paragraphs, then into sentences.
_PAIRS = 250_000
# A word that ends a sentence, closing quotes and brackets allowed: "said.", "it?”".
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")

Op = Literal["equal", "insert", "delete"]
_Tokens = Sequence[str]
_Split = Callable[[_Tokens], list[tuple[str, ...]]]
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class DiffRun:
    """Consecutive tokens with one fate: words joined by single spaces, breaks as newlines.

    Runs do not carry the space between them: a renderer puts one between two runs unless
    either side of the meeting point is a newline.
    """

    op: Op
    text: str


@dataclass(frozen=True, slots=True)
class Fold:
    """Unchanged words left out of a folded diff."""

    words: int


class DiffStats(NamedTuple):
    """Words inserted and deleted; paragraph breaks are not words."""

    inserted: int
    deleted: int


def change_summary(old: Story, new: Story) -> str:
    """What changed from `old` to `new`, in a few words: "headline changed, +1 paragraph"."""
    parts: list[str] = []
    if _normal(old.headline) != _normal(new.headline):
        parts.append("headline changed")
    old_dek, new_dek = _normal(old.dek or ""), _normal(new.dek or "")
    if old_dek != new_dek:
        change = "changed" if old_dek and new_dek else "added" if new_dek else "removed"
        parts.append(f"dek {change}")

    a = [" ".join(words) for words in _story(old)]
    b = [" ".join(words) for words in _story(new)]
    changed = added = removed = 0
    for tag, i1, i2, j1, j2 in _matcher(a, b).get_opcodes():
        if tag != "equal":  # a replace of n by m: min(n, m) changed, the surplus added or removed
            n, m = i2 - i1, j2 - j1
            changed += min(n, m)
            added += max(m - n, 0)
            removed += max(n - m, 0)

    counts = [f"+{added}"] * bool(added) + [f"−{removed}"] * bool(removed)
    if len(parts) + bool(changed) + len(counts) > 3:
        # A versions list has room for three parts, not five: "3 paragraphs changed (+1 −2)".
        if changed:
            parts.append(f"{changed} {_paragraphs(changed)} changed ({' '.join(counts)})")
        else:
            parts.append(f"{' '.join(counts)} paragraphs")
    else:
        if changed:
            parts.append(f"{changed} {_paragraphs(changed)} changed")
        parts += [f"{count} {_paragraphs(int(count[1:]))}" for count in counts]
    return ", ".join(parts) or "same text"


def diff_words(old: Story, new: Story) -> list[DiffRun]:
    """The story text of `old` turned into that of `new`, as runs of equal, deleted and
    inserted words; a replacement is a delete run followed by an insert run."""
    runs = _Runs()
    _diff(tokens(old), tokens(new), (_split_paragraphs, _split_sentences), runs)
    return runs.result()


def tokens(article: Story) -> list[str]:
    """The story text as the diff sees it: the words of the headline, the dek and each story
    block, with a `BREAK` between two of them. A dek or block without words is left out:
    whitespace is not text."""
    out: list[str] = []
    for k, words in enumerate([article.headline.split(), *_story(article, with_dek=True)]):
        if k:
            out.append(BREAK)
        out.extend(words)
    return out


def run_tokens(run: DiffRun) -> list[str]:
    """A run's tokens again, breaks included: the inverse of how its text was joined."""
    out: list[str] = []
    for k, line in enumerate(run.text.split(BREAK)):
        if k:
            out.append(BREAK)
        out.extend(line.split())
    return out


def fold(runs: Sequence[DiffRun], context: int = 8) -> list[DiffRun | Fold]:
    """The diff with long unchanged stretches cut down to `context` words either side of a
    change. The first run keeps only its end and the last only its start; inserted and
    deleted text is never folded. A fold hides at least `context` words (and at least one):
    fewer are cheaper to show than the line saying they were left out."""
    if context < 0:
        raise ValueError(f"context must be 0 or more, not {context}")
    out: list[DiffRun | Fold] = []
    for k, run in enumerate(runs):
        if run.op != "equal":
            out.append(run)
            continue
        toks = run_tokens(run)
        head = 0 if k == 0 else context
        tail = 0 if k == len(runs) - 1 else context
        hidden = sum(t != BREAK for t in toks) - head - tail
        if hidden < max(context, 1):
            out.append(run)
            continue
        # Breaks next to a change stay (they are the paragraphs' shape); those next to the
        # fold go, as the fold is a line of its own.
        start = _after_words(toks, head)
        end = len(toks) - _after_words(toks[::-1], tail)
        if start:
            out.append(DiffRun("equal", _join(toks[:start])))
        out.append(Fold(hidden))
        if end < len(toks):
            out.append(DiffRun("equal", _join(toks[end:])))
    return out


def diff_stats(runs: Iterable[DiffRun | Fold]) -> DiffStats:
    """How many words were inserted and deleted, folded or not."""
    inserted = deleted = 0
    for run in runs:
        if isinstance(run, DiffRun):
            if run.op == "insert":
                inserted += len(run.text.split())
            elif run.op == "delete":
                deleted += len(run.text.split())
    return DiffStats(inserted, deleted)


def _normal(text: str) -> str:
    return " ".join(text.split())


def _story(article: Story, *, with_dek: bool = False) -> list[list[str]]:
    """The words of each story block that has any (and of the dek first, when asked)."""
    texts = [article.dek or ""] if with_dek else []
    texts += [b.text for b in article.blocks if b.kind in STORY_KINDS]
    return [words for text in texts if (words := text.split())]


def _paragraphs(n: int) -> str:
    return "paragraph" if n == 1 else "paragraphs"


def _diff(a: _Tokens, b: _Tokens, splits: Sequence[_Split], out: _Runs) -> None:
    """Diff `a` against `b` into `out`: by whole units of the first split when the span is too
    long to match word by word, then each unmatched stretch with the splits that remain."""
    if not a or not b or len(a) * len(b) <= _PAIRS or not splits:
        for tag, i1, i2, j1, j2 in _matcher(a, b).get_opcodes():
            if tag == "equal":
                out.add("equal", a[i1:i2])
            else:
                out.add("delete", a[i1:i2])
                out.add("insert", b[j1:j2])
        return
    units_a, units_b = splits[0](a), splits[0](b)
    i = j = 0
    for i2, j2, n in _matcher(units_a, units_b).get_matching_blocks():
        _diff(_flat(units_a[i:i2]), _flat(units_b[j:j2]), splits[1:], out)
        out.add("equal", _flat(units_a[i2 : i2 + n]))
        i, j = i2 + n, j2 + n


def _matcher(a: Sequence[_T], b: Sequence[_T]) -> SequenceMatcher[_T]:
    """difflib's matcher, exact on short sequences. On long ones (a paragraph of thousands of
    words with no full stop, thousands of one-line paragraphs) its popular-element heuristic
    keeps it fast, at the cost of a less minimal diff."""
    return SequenceMatcher(None, a, b, autojunk=len(a) * len(b) > _PAIRS)


def _split_paragraphs(toks: _Tokens) -> list[tuple[str, ...]]:
    """Each paragraph with the break before it: a paragraph added at the end is then a unit
    of its own, and the old last paragraph still matches."""
    return _split(toks, sentences=False)


def _split_sentences(toks: _Tokens) -> list[tuple[str, ...]]:
    return _split(toks, sentences=True)


def _split(toks: _Tokens, *, sentences: bool) -> list[tuple[str, ...]]:
    units: list[tuple[str, ...]] = []
    unit: list[str] = []
    for token in toks:
        if token == BREAK and unit:
            units.append(tuple(unit))
            unit = []
        unit.append(token)
        if sentences and _SENTENCE_END.search(token):
            units.append(tuple(unit))
            unit = []
    if unit:
        units.append(tuple(unit))
    return units


def _flat(units: Sequence[tuple[str, ...]]) -> list[str]:
    return [token for unit in units for token in unit]


def _after_words(toks: _Tokens, words: int) -> int:
    """How many tokens from the start hold the first `words` words (0 for none)."""
    if words <= 0:
        return 0
    seen = 0
    for k, token in enumerate(toks):
        seen += token != BREAK
        if seen == words:
            return k + 1
    return len(toks)


def _join(toks: _Tokens) -> str:
    """Words with single spaces between them, breaks as newlines with no space around."""
    return BREAK.join(" ".join(line) for line in _lines(toks))


def _lines(toks: _Tokens) -> list[list[str]]:
    lines: list[list[str]] = [[]]
    for token in toks:
        if token == BREAK:
            lines.append([])
        else:
            lines[-1].append(token)
    return lines


class _Runs:
    """Runs being built: adjacent tokens of one op go into one run."""

    def __init__(self) -> None:
        self._runs: list[tuple[Op, list[str]]] = []

    def add(self, op: Op, toks: _Tokens) -> None:
        if not toks:
            return
        if self._runs and self._runs[-1][0] == op:
            self._runs[-1][1].extend(toks)
        else:
            self._runs.append((op, list(toks)))

    def result(self) -> list[DiffRun]:
        return [DiffRun(op, _join(toks)) for op, toks in self._runs]
