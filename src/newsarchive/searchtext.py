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

import re
import unicodedata

# Han (unified ideographs and their extensions, compatibility ideographs, 々〆〇), Hiragana,
# Katakana (and its half-width forms), Bopomofo and Hangul (syllables and jamo).
CJK = (
    "\u1100-\u11ff\u3005-\u3007\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff"
    "\u3105-\u312f\u3131-\u318e\u31a0-\u31bf\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff\uf900-\ufaff\uff66-\uff9f\uffa0-\uffdc"
    "\U00020000-\U0003134f"
)
# Symbols: © ® ‼ ⁉ ™ ℹ, arrows, technical symbols, box drawing to dingbats, more arrows
# and symbols, 〰 〽 ㊗ ㊙, and the emoji and pictograph blocks of plane 1.
SYMBOLS = (
    "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2190-\u21ff\u2300-\u23ff\u2500-\u27bf"
    "\u2934\u2935\u2b00-\u2bff\u3030\u303d\u3297\u3299\U0001f000-\U0001faff"
)
# A variation selector after a symbol asks for its text or emoji look: not part of the word.
_SPECIAL = re.compile(f"([{CJK}]+)|([{SYMBOLS}])[\ufe0e\ufe0f]?")
_ANY_SPECIAL = re.compile(f"[{CJK}{SYMBOLS}]")
# What the indexes keep as (part of) a word: a letter or digit, or a symbol.
WORDY = re.compile(rf"[^\W_]|[{SYMBOLS}]")
# Words as snippets and highlights find them in the original text: each CJK character and
# each symbol alone, other letters and digits in runs.
MARKABLE = re.compile(f"[^\\W_{CJK}]+|(?P<cjk>[{CJK}])|[{SYMBOLS}]")
_IS_CJK = re.compile(f"[{CJK}]")


def indexed(text: str | None, *, fold: bool = True) -> str | None:
    """The text as the index is given it (see the module's docstring); `fold`: case-fold
    (SQLite; PostgreSQL's own configuration folds)."""
    if text is None or text.isascii():  # nearly every English article: nothing to do
        return text
    if fold:
        text = text.casefold()
    if _ANY_SPECIAL.search(text) is None:
        return text
    return _SPECIAL.sub(_spread, text)


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
    for match in _SPECIAL.finditer(text):
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


def has_cjk_or_symbols(text: str) -> bool:
    return _ANY_SPECIAL.search(text) is not None


def is_cjk(word: str) -> bool:
    return _IS_CJK.match(word) is not None


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
    for match in MARKABLE.finditer(text):
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
