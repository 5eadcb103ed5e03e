"""What a person types into `search`, parsed once into a tree that each search index compiles.

The language is FTS5's, forgiving where FTS5 is strict:

    query   := or ( "OR" or )*
    or      := and+                       words side by side must all match
    and     := unit ( "NOT" unit )*
    unit    := WORD | WORD* | "a phrase" | ( query )

The tree's leaves are `Term`s: a word or phrase kept as typed, which each index hands to its
engine only as quoted text or bound values, so punctuation (`-`, `:`, `^`, `+`) is text,
never syntax. What an engine would reject is mended or refused here: an unclosed quote runs
to the end, an unbalanced parenthesis is dropped, words with no letter, digit or symbol (an
emoji is a word: searchtext.py) are dropped, AND is implied, and an operator with nothing on
one side is a QueryError with the way to write it. The tree is never empty; an index may
rely on that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NoReturn

from newsarchive.model.errors import NewsArchiveError
from newsarchive.text.searchtext import WORDY, marking_words
from newsarchive.text.searchtext import normalise as normalise  # where callers have found it

OPERATORS = ("OR", "NOT", "AND")
# Bounds on what one query may ask, so that any input is answered quickly or refused: a
# query of thousands of words took FTS5 38 s, and a hundred nested parentheses overflow
# its parser (the README says so too).
MAX_TERMS = 64
MAX_DEPTH = 16
_TOKEN = re.compile(r'"(?P<phrase>[^"]*)"?|(?P<paren>[()])|(?P<word>[^\s"()]+)')
_HAS_TEXT = WORDY  # a letter, digit or symbol: what the indexes keep


class QueryError(NewsArchiveError):
    """A search query that cannot mean anything; the message shows how to write it."""


@dataclass(frozen=True, slots=True)
class Term:
    """A word or a phrase as typed (matched as the words it holds, in order); `prefix`:
    its last word may be the start of a longer one."""

    text: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class All:
    """Every part matches."""

    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Any_:
    """At least one part matches."""

    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Without:
    """`keep` matches and `drop` does not."""

    keep: Node
    drop: Node


Node = Term | All | Any_ | Without


@dataclass(frozen=True)
class Query:
    """A parsed query: its tree, and the terms to mark in matching text."""

    text: str
    tree: Node
    terms: tuple[str, ...]  # normalised words (prefixes end in "*") that a match contains


def parse_query(text: str) -> Query:
    tokens = _tokens(text.replace("\x00", " "))  # engines read C strings: NUL would end one
    parser = _Parser(tokens, text)
    terms = sum(kind in ("word", "phrase") for kind, _ in parser.tokens)
    if terms > MAX_TERMS:
        raise QueryError(
            f"the query has {terms:,} words and phrases, more than the {MAX_TERMS} a search "
            "takes; keep the words that matter most"
        )
    depth = deepest = 0
    for token in parser.tokens:
        depth += {("paren", "("): 1, ("paren", ")"): -1}.get(token, 0)
        deepest = max(deepest, depth)
    if deepest > MAX_DEPTH:
        raise QueryError(
            f"the query nests parentheses {deepest} deep, more than the {MAX_DEPTH} a search "
            "takes; write it flatter"
        )
    tree = parser.query()
    if tree is None:
        raise QueryError(
            f"nothing to search for in {text!r}; give words, as in: newsarchive search ukraine"
        )
    return Query(text, tree, tuple(dict.fromkeys(parser.terms)))


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(text):
        if match["phrase"] is not None:
            if _HAS_TEXT.search(match["phrase"]):
                out.append(("phrase", match["phrase"]))
        elif match["paren"]:
            out.append(("paren", match["paren"]))
        else:
            word = match["word"]
            if word in OPERATORS:
                out.append(("op", word))
            elif _HAS_TEXT.search(word):
                out.append(("word", word))
    return out


class _Parser:
    """Recursive descent over the tokens, building the tree; None stands for "nothing"."""

    def __init__(self, tokens: list[tuple[str, str]], text: str) -> None:
        self.tokens = _balanced(tokens)
        self.pos = 0
        self.text = text
        self.terms: list[str] = []
        self.negated = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def query(self) -> Node | None:
        parts = [self.conjunction()]
        while self.peek() == ("op", "OR"):
            self.pos += 1
            parts.append(self.conjunction())
        if len(parts) == 1:
            return parts[0]
        present = [part for part in parts if part is not None]
        if len(present) < len(parts):
            self.fail("OR needs words on both sides", "ukraine OR russia")
        return Any_(tuple(present))

    def conjunction(self) -> Node | None:
        parts: list[Node] = []
        while (token := self.peek()) is not None and token not in (("op", "OR"), ("paren", ")")):
            if token == ("op", "AND"):
                self.pos += 1
                continue
            if token == ("op", "NOT"):
                self.fail("NOT needs words on both sides", "ukraine NOT nato")
            if (part := self.negation()) is not None:
                parts.append(part)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else All(tuple(parts))

    def negation(self) -> Node | None:
        left = self.unit()
        while self.peek() == ("op", "NOT"):
            self.pos += 1
            if self.peek() is None or self.peek() in (("op", "OR"), ("paren", ")")):
                self.fail("NOT needs words on both sides", "ukraine NOT nato")
            self.negated += 1
            right = self.unit()
            self.negated -= 1
            if left is None or right is None:  # "() NOT x", "x NOT ()": as if not there
                left = left if right is None else None
                continue
            left = Without(left, right)
        return left

    def unit(self) -> Node | None:
        kind, value = self.tokens[self.pos]
        self.pos += 1
        if kind == "paren":  # "(": a sub-query up to its ")"
            inner = self.query()
            self.pos += 1
            return inner
        if kind == "op":  # AND where a word should be: read it as the word "and"
            value = value.lower()
        prefix = bool(
            kind == "word" and value.endswith("*") and _HAS_TEXT.search(value.rstrip("*"))
        )
        if prefix:
            value = value.rstrip("*")
        if not self.negated:
            words = marking_words(value)
            if prefix and words:
                words[-1] += "*"
            self.terms.extend(words)
        return Term(value, prefix)

    def fail(self, what: str, example: str) -> NoReturn:
        raise QueryError(f"{what} in {self.text!r}; write it as in: {example}")


def _balanced(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Drop parentheses that have no partner, and empty pairs."""
    keep = [True] * len(tokens)
    stack: list[int] = []
    for i, token in enumerate(tokens):
        if token == ("paren", "("):
            stack.append(i)
        elif token == ("paren", ")"):
            if stack:
                opened = stack.pop()
                if opened == i - 1:
                    keep[opened] = keep[i] = False
            else:
                keep[i] = False
    for i in stack:
        keep[i] = False
    return [t for t, k in zip(tokens, keep, strict=True) if k]
