"""A regular expression for a choice of words, written as the tree of their letters.

Python's `re` tries an alternation's branches one after another at every place a search
looks, so a pattern holding the hundred month names of the exports' languages tried a
hundred words at the start of every word of a line it did not match ("Économie, mardi 14
janvier 2020 ..." took 16 µs where a date was looked for). Grouped by their letters
("a(?:bril|gosto|...)|d(?:e(?:c(?:emb(?:er|re))?|...)"), a place whose letter starts no
word is left after one test a branch.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_Tree = dict[str, "_Tree"]  # a letter -> the tree of what follows it; "" -> a word ends


def one_of(words: Iterable[str]) -> str:
    """A pattern (without a group of its own: wrap it as needed) matching exactly the
    strings `words` are. Where one word starts another ("mar", "march"), the longer is
    tried first, as the words sorted longest first would be; at a fork the branches are
    tried in the order of their letters, which decides nothing when what follows the
    pattern allows one word alone at a place (a month's name before a space or a stop)."""
    tree: _Tree = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here
    return _pattern(tree)


def _pattern(node: _Tree) -> str:
    branches = [re.escape(char) + _pattern(below) for char, below in sorted(node.items()) if char]
    if not branches:
        return ""
    choice = branches[0] if len(branches) == 1 and "" not in node else f"(?:{'|'.join(branches)})"
    return f"{choice}?" if "" in node else choice
