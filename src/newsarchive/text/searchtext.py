"""The text a search index is given, and a query's words made the same way.

Both indexes split text into words at spaces and punctuation (SQLite's unicode61 tokenizer,
PostgreSQL's parser). Chinese and Japanese put no spaces between words, and Korean attaches
particles to them, so a run of their characters was one "word" that only the whole run
matched; symbols (emoji among them) were no word at all. So before either index sees text:

- a run of Chinese, Japanese or Korean characters becomes its overlapping pairs, then its last
  character alone ("中国人民" -> "中国 国人 人民 民"): a word of two characters or more is
  found as the phrase of its pairs, wherever it stands in a run, and a single character as the
  start of one of those (a prefix);
- each symbol character (emoji, ©, ™, arrows, dingbats) becomes a word of its own
  ("🔥" -> "symbol1f525"), ASCII so that both engines keep it whatever their Unicode tables;
- on SQLite, text is case-folded as `str.casefold` does ("Straße" -> "strasse"), before
  unicode61 lowers case and drops accents; PostgreSQL's `unaccent` folds the same letters.

A query's term goes through the same steps (`query_text`), so it becomes the phrase the index
holds. Which characters count is fixed by code point ranges here, not by the running Python's
Unicode tables: FTS5 must be given the same text when an article is updated or deleted as
when it was indexed (it removes what it is told was there). Changing this module means a
migration that rebuilds the index (as 0008 does on SQLite) and remakes PostgreSQL's function.
"""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from functools import cache

from newsarchive.model.records import BlockKind

# Han (unified ideographs and their extensions, compatibility ideographs, 々〆〇), Hiragana,
# Katakana (and its half-width forms), Bopomofo and Hangul (syllables and jamo).
CJK_RANGES = (
    (0x1100, 0x11FF), (0x3005, 0x3007), (0x3041, 0x3096), (0x309D, 0x309F), (0x30A1, 0x30FA),
    (0x30FC, 0x30FF), (0x3105, 0x312F), (0x3131, 0x318E), (0x31A0, 0x31BF), (0x31F0, 0x31FF),
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7AF), (0xD7B0, 0xD7FF),
    (0xF900, 0xFAFF), (0xFF66, 0xFF9F), (0xFFA0, 0xFFDC), (0x20000, 0x3134F),
)  # fmt: skip
# Symbols: © ® ‼ ⁉ ™ ℹ, arrows, technical symbols, box drawing to dingbats, more arrows
# and symbols, 〰 〽 ㊗ ㊙, and the emoji and pictograph blocks of plane 1.
SYMBOL_RANGES = (
    (0xA9, 0xA9), (0xAE, 0xAE), (0x203C, 0x203C), (0x2049, 0x2049), (0x2122, 0x2122),
    (0x2139, 0x2139), (0x2190, 0x21FF), (0x2300, 0x23FF), (0x2500, 0x27BF), (0x2934, 0x2935),
    (0x2B00, 0x2BFF), (0x3030, 0x3030), (0x303D, 0x303D), (0x3297, 0x3297), (0x3299, 0x3299),
    (0x1F000, 0x1FAFF),
)  # fmt: skip


def _class(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(chr(low) if low == high else f"{chr(low)}-{chr(high)}" for low, high in ranges)


def _bounds(ranges: tuple[tuple[int, int], ...]) -> tuple[int, ...]:
    """Where membership changes, in order: a code point is in when bisect_right is odd."""
    return tuple(b for low, high in sorted(ranges) for b in (low, high + 1))


# The ranges as regular-expression classes. A pattern holding the CJK class takes some 3 ms
# to compile (sre maps every character of its BMP ranges): the patterns are compiled when
# first used, so that commands that never meet CJK text or symbols do not pay at start-up.
CJK = _class(CJK_RANGES)
SYMBOLS = _class(SYMBOL_RANGES)
_CJK_BOUNDS = _bounds(CJK_RANGES)
_SPECIAL_BOUNDS = _bounds(CJK_RANGES + SYMBOL_RANGES)
# What the indexes keep as (part of) a word: a letter or digit, or a symbol (cheap to compile).
WORDY = re.compile(rf"[^\W_]|[{SYMBOLS}]")


@cache
def _special() -> re.Pattern[str]:
    # A variation selector after a symbol asks for its text or emoji look: not part of it.
    return re.compile(f"([{CJK}]+)|([{SYMBOLS}])[\ufe0e\ufe0f]?")


@cache
def _any_special() -> re.Pattern[str]:
    return re.compile(f"[{CJK}{SYMBOLS}]")


@cache
def markable() -> re.Pattern[str]:
    """Words as snippets and highlights find them in the original text: each CJK character
    alone (the group `cjk`) and each symbol alone, other letters and digits in runs."""
    return re.compile(f"[^\\W_{CJK}]+|(?P<cjk>[{CJK}])|[{SYMBOLS}]")


def indexed(text: str | None, *, fold: bool = True) -> str | None:
    """The text as the index is given it (see the module's docstring); `fold`: case-fold
    (SQLite; PostgreSQL's own configuration folds)."""
    if text is None or text.isascii():  # nearly every English article: nothing to do
        return text
    if fold:
        text = text.casefold()
    find, made = _any_special().search, _special().match
    found = find(text)
    if found is None:
        return text
    # As _special().sub(_spread, text), but the special characters looked for with one
    # class, not the two branches at every character (a Europresse article's other words,
    # 567 characters and a ©: 17 -> 8 µs): a run or symbol starts at one of them alone.
    parts: list[str] = []
    at = 0
    while found is not None:
        match = made(text, found.start())
        assert match is not None  # a special character starts a run or is a symbol
        parts += (text[at : match.start()], _spread(match))
        at = match.end()
        found = find(text, at)
    parts.append(text[at:])
    return "".join(parts)


# The stored block kinds (records.BlockKind) whose text is not the story's but is searched.
_OTHER_KINDS = (BlockKind.BOILERPLATE.value, BlockKind.READ_MORE.value)
# How each appears in the blocks' JSON text: a cheap test before decoding it.
_OTHER_MARKS = tuple(f'"{kind}"' for kind in _OTHER_KINDS)


def other_words(publication: str | None, meta: str | None, blocks: str | None) -> str | None:
    """The words of an article's file that are not its story's, as the index is given them
    (migration 0011's `other` column), from the stored columns (meta and blocks as their
    JSON text): see other_lines. None when there are none."""
    entries = json.loads(meta) if meta and meta != "[]" else []
    kept = json.loads(blocks) if blocks and any(mark in blocks for mark in _OTHER_MARKS) else []
    return other_lines(publication, entries, kept)


def other_lines(
    publication: str | None, meta: Sequence[Mapping[str, str]], blocks: Sequence[Mapping[str, str]]
) -> str | None:
    """The publication, every metadata line, and the label and text of every furniture and
    READ MORE block, a line each, as the index is given them; None when there are none."""
    return indexed(other_text(publication, meta, blocks))


def other_text(
    publication: str | None, meta: Sequence[Mapping[str, str]], blocks: Sequence[Mapping[str, str]]
) -> str | None:
    """other_lines's lines as they are written, before `indexed` makes them."""
    lines = [publication] if publication else []
    lines.extend(entry["text"] for entry in meta)
    for block in blocks:
        if block["kind"] in _OTHER_KINDS and (block.get("label") or block.get("text")):
            lines.append(" ".join(filter(None, (block.get("label"), block.get("text")))))
    return "\n".join(lines) if lines else None


def spread_symbols(data: bytes, chars: str) -> bytes | None:
    """What `indexed` makes of the symbols of a case-folded text, made in its UTF-8 (`data`)
    given every character past ASCII it holds (`chars`, more do no harm): each symbol, with
    a variation selector right after it, made its word; None when `chars` holds a CJK
    character (its runs need `indexed`). In UTF-8 a character's bytes are found only where
    it stands, and a symbol's word is ASCII, so a replace a symbol makes what indexed's one
    pass does (an export's other words, a copyright's © among them, no longer sent to
    indexed whole for it)."""
    symbols = []
    for char in set(chars):
        if char > "\xa8" and bisect_right(_SPECIAL_BOUNDS, ord(char)) % 2:
            if bisect_right(_CJK_BOUNDS, ord(char)) % 2:
                return None
            symbols.append(char)
    for char in symbols:
        raw, word = char.encode(), _symbol(char).encode()
        data = data.replace(raw + _VS16, word).replace(raw + _VS15, word).replace(raw, word)
    return data


# The variation selectors `_special` takes with the symbol before them, in UTF-8.
_VS15, _VS16 = "\ufe0e".encode(), "\ufe0f".encode()


def query_text(text: str, *, fold: bool = True) -> tuple[str, bool]:
    """A query term's text made as the index's is, and whether its last word is to be
    matched as a prefix (a single CJK character ending the term: "中" finds "中国").

    A run that ends the term is made without its trailing single character (the text may
    go on: "中国" is found in "中国人民"); a run that something else follows is made as the
    index makes it, so that what follows stays next to it in the phrase."""
    if text.isascii():
        return text, False
    if fold:
        text = text.casefold()
    out: list[str] = []
    at = 0
    prefix = False
    for match in _special().finditer(text):
        out.append(text[at : match.start()])
        at = match.end()
        run = match[1]
        if run is None:
            out.append(_symbol(match[2]))
        elif WORDY.search(text, at) is not None:
            out.append(_spread(match))
        elif len(run) == 1:
            out.append(f" {run} ")
            prefix = True
        else:
            out.append(f" {_pairs(run)} ")
    out.append(text[at:])
    return "".join(out), prefix


def holds_cjk_or_symbols(text: str) -> bool:
    """Whether a text holds a CJK character or a symbol, by the pattern `indexed` uses
    (compiled when first asked; has_cjk_or_symbols, for a few characters, compiles nothing)."""
    return _any_special().search(text) is not None


def has_cjk_or_symbols(text: str) -> bool:
    """Whether a (short) text holds a CJK character or a symbol."""
    return any(bisect_right(_SPECIAL_BOUNDS, ord(c)) % 2 for c in text if c > "\xa8")


def is_cjk(word: str) -> bool:
    """Whether the word starts with a CJK character (a CJK run: see marking_words)."""
    return bool(word) and bisect_right(_CJK_BOUNDS, ord(word[0])) % 2 == 1


def normalise(word: str) -> str:
    """Case-folded and without diacritics, as the index sees a word; a Chinese, Japanese or
    Korean word as it is (decomposing Hangul or kana would change the word)."""
    if word.isascii():  # most words: as the steps below would make them, sooner
        return word.lower()
    if is_cjk(word):
        return word
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def marking_words(text: str) -> list[str]:
    """A query term's words as snippets and highlights compare them with the text's: other
    words normalised, a run of CJK characters whole (matched as a sequence), a symbol alone."""
    words: list[str] = []
    run = ""
    end = -1
    for match in markable().finditer(text):
        token = match[0]
        cjk = match.lastgroup == "cjk"
        if cjk and run and match.start() == end:
            run += token
        else:
            if run:
                words.append(run)
                run = ""
            if cjk:
                run = token
            else:
                words.append(normalise(token))
        end = match.end()
    if run:
        words.append(run)
    return words


def _spread(match: re.Match[str]) -> str:
    run = match[1]
    if run is None:
        return _symbol(match[2])
    if len(run) == 1:
        return f" {run} "
    return f" {_pairs(run)} {run[-1]} "


def _pairs(run: str) -> str:
    return " ".join(run[i : i + 2] for i in range(len(run) - 1))


def _symbol(char: str) -> str:
    return f" symbol{ord(char):x} "
