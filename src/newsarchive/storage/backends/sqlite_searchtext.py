"""What the SQLite archive's FTS5 index is given for each article (migrations 0008, 0010,
0011): each column's text as searchtext.indexed makes it (CJK runs in pairs, symbols as
words), through SQL functions every connection has, or made beforehand by ingest's parsing
workers (made_for_index). A long value is made a slice at a time, never held whole twice.
"""

from __future__ import annotations

import codecs
import re
import sqlite3
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from newsarchive.text.searchtext import (
    holds_cjk_or_symbols,
    indexed,
    other_text,
    other_words,
    spread_symbols,
)

if TYPE_CHECKING:
    from newsarchive.model.rows import IndexTexts

# The columns the search index holds, in its order (migrations 0003 and 0011 set their
# weights); `other` is every other word of the file (0011: publication, metadata lines,
# furniture, READ MORE lines).
SEARCHED = "headline, dek, body, byline, source_url, other"

# The SQL function every connection has (searchtext.indexed) and the view of the articles
# through it that the index reads (migrations 0008, 0010): CJK runs in pairs, symbols as
# words, each column handed to the function as its UTF-8 bytes.
SEARCH_TEXT_FUNCTION = "newsarchive_search_text"
OTHER_WORDS_FUNCTION = "newsarchive_other_words"
SEARCH_TEXT_VIEW = "article_search_text"
# The SEARCHED columns that are columns of the table (`other` is made from several).
STORED_SEARCHED = tuple(c for c in SEARCHED.split(", ") if c != "other")


def register_functions(connection: sqlite3.Connection) -> None:
    """The SQL functions the search index's view and triggers call, on a sqlite3 connection
    (every one the archive opens; a raw one must call this to write articles or read the
    index's columns): each column's text as the index is given it (migrations 0008, 0010)
    and the file's words that are not the story's (0011, the `other` column)."""
    connection.create_function(SEARCH_TEXT_FUNCTION, 1, _search_text, deterministic=True)
    connection.create_function(OTHER_WORDS_FUNCTION, 3, other_words, deterministic=True)


def made_for_index(values: Mapping[str, Any]) -> IndexTexts | None:
    """What the search index is to be given for a parsed article's columns (ArticleValues),
    in SEARCHED's order, each as the view gives it (_search_text of the column's UTF-8:
    None, the column as it is, else the made text's UTF-8; `other`, the file's other words,
    as searchtext.other_words makes them from the stored columns); None for a body past
    SEARCH_TEXT_SLICE, whose text is made by the view, a slice at a time, as it is written
    (issue 22). Backend.index_texts: ingest's parsing workers run it."""
    if len(values["body"]) > SEARCH_TEXT_SLICE:
        return None
    other = other_text(values["publication"], values["meta"], values["blocks"])
    return (
        *(
            None if text is None or text.isascii() else _search_bytes(text.encode())
            for text in (values[column] for column in STORED_SEARCHED)
        ),
        None if other is None else _as_index_gets(other.encode("utf-8", "surrogateescape")),
    )


def _as_index_gets(data: bytes) -> bytes | bytearray:
    """A text's UTF-8 as the index is to be given it: _search_bytes's making, or the text as
    it is where that gives the same words. The `other` column's words so are those
    other_words gives (what the triggers hand FTS5 when the article is updated or deleted),
    made as a column's are, from the characters past ASCII (made_for_index of the generated
    Europresse export: 215k -> 188-200k instructions an article)."""
    made = _search_bytes(data)
    return data if made is None else made


def _search_text(value: str | bytes | None) -> str | bytes | bytearray | None:
    """searchtext.indexed as the index's SQL function. The view and triggers hand it each
    column's UTF-8 bytes (migration 0010; before it, the text, which Python's sqlite3 makes a
    str: a 50 MB body with one character past Latin-1 was a 95 MiB str while indexed), and
    it answers NULL when the column itself gives the index the same words (the view reads
    `coalesce(function(CAST(column AS BLOB)), column)`), else the text made, as UTF-8 bytes,
    which SQLite reads as that text. See _search_bytes and _search_str for how a long value
    is made without holding it several times over."""
    if isinstance(value, bytes):
        return _search_bytes(value)
    return _search_str(value)


def _search_bytes(data: bytes) -> bytearray | None:
    """A column's UTF-8 bytes as the index is to be given them, made a slice at a time, each
    ending before ASCII whitespace (no CJK run or symbol holds it, and a cut there never
    splits a character, so the pieces make the same text).

    None (no copy: SQLite gives the index the column as it is) when the bytes give the index
    the same words as the made text: ASCII, and text past it whose making changes nothing but the
    case of ASCII letters (most news text: "£", "é" and "’" fold to themselves), which the
    tokenizer folds the same way (unicode61 lowers A-Z before anything else). An article is
    then indexed, and removed from the index, by the same words either way."""
    if data.isascii():
        return None
    made: bytearray | None = None
    start = 0
    view = memoryview(data)
    while start < len(data):
        cut = _ASCII_SPACE.search(data, start + SEARCH_TEXT_SLICE)
        end = cut.start() if cut else len(data)
        piece = data[start:end]
        encoded = _made(piece)
        if encoded is not None and made is None:
            made = bytearray(view[:start])
        if made is not None:
            made += piece if encoded is None else encoded
        start = end
    view.release()
    return made


def _made(piece: bytes) -> bytes | None:
    """A slice of UTF-8 (ending before whitespace) as the index is to be given it, or None
    when it gives the index the same words as it is (see _search_bytes)."""
    if piece.isascii():
        return None
    # Only characters past ASCII can be CJK or symbols, or fold past A-Z's case: they are
    # looked at first, without the ASCII bytes between them (a few dozen characters, not
    # the piece). Those bytes joined decode to every character the piece holds past ASCII
    # (a valid sequence starts a new character whatever came before it) and perhaps to
    # more (bytes that are not UTF-8, joined), never fewer: what they pass, the piece
    # passes. (20,000 generated articles, made_for_index: 43 -> 21 µs an article.)
    past, _ = codecs.utf_8_decode(piece.translate(None, _ASCII_BYTES), "surrogateescape", True)
    folded = past.casefold()
    special = holds_cjk_or_symbols(folded)
    if folded == past and not special:
        return None  # the made text is the piece with A-Z lowered: the same words
    encoded = _casefolded(piece, past)
    if encoded is not None and special:  # symbols made words in the bytes too; CJK below
        encoded = spread_symbols(encoded, folded)
    if encoded is not None:
        return None if encoded == piece or encoded == piece.lower() else encoded
    # surrogateescape: bytes that are not UTF-8 (written by another tool) go through as
    # they are, where a strict decode would refuse the row.
    text, _ = codecs.utf_8_decode(piece, "surrogateescape", True)
    # Here for CJK, or bytes that are not UTF-8: without a CJK character or symbol the made
    # text is the piece case-folded (searchtext.indexed without its search for them).
    out = text.casefold() if not special else (indexed(text) or "")
    if out == text:
        return None
    encoded = out.encode("utf-8", "surrogateescape")
    return None if encoded == piece.lower() else encoded  # bytes.lower: A-Z only


def _casefolded(piece: bytes, past: str) -> bytes | None:
    """The UTF-8 of the piece's text case-folded (what _made makes of a piece without CJK or
    symbols), made from the bytes: A-Z lowered by bytes.lower, then each distinct character
    past ASCII that folds to something else replaced by its fold; None when that cannot be
    vouched for (bytes that are not UTF-8; a fold holding another replaced character).

    The same bytes as `piece.decode().casefold().encode()`: casefold maps each character on
    its own, and in UTF-8 a character's bytes are found only where that character stands
    (a lead byte is never a continuation byte), so each replace changes exactly that
    character's places; no fold put in holds a character replaced after it. Most articles
    past ASCII hold a capital or two ("É", "Ł"): str.casefold of a whole generated body cost
    20 µs, a few replaces cost 2.
    """
    try:
        piece.decode("utf-8")
    except UnicodeDecodeError:
        return None
    folds = {char: fold for char in set(past) if (fold := char.casefold()) != char}
    if any(char in fold for fold in folds.values() for char in folds):
        return None
    made = piece.lower()
    for char, fold in folds.items():
        made = made.replace(char.encode("utf-8"), fold.encode("utf-8"))
    return made


def body_as_it_is(driver: Any, article_id: int) -> bool:
    """Whether the article's body gives the index the same words as it is (_made of every
    slice is None), read a slice at a time through incremental blob I/O."""
    carry = b""
    with driver.blobopen("articles", "body", article_id, readonly=True) as blob:
        while chunk := blob.read(SEARCH_TEXT_SLICE):
            data = carry + chunk
            cut = max(data.rfind(space) for space in _ASCII_SPACES)
            if cut < 0:
                carry = data
                continue
            if _made(data[:cut]) is not None:
                return False
            carry = data[cut:]
    return _made(carry) is None


def _search_str(text: str | None) -> str | bytearray | None:
    """The same for a column given as text (an archive not yet at migration 0010: 0008's
    rebuild, a downgrade). A long text that is not ASCII is made a slice at a time, each
    ending before whitespace, and handed back as UTF-8 bytes: made whole, a 50 MB body was
    held four times over while indexed (the str SQLite gave, its case-folded copy, the
    rewritten one, SQLite's UTF-8 of it). A bytearray, grown in place: bytes joined at the
    end would be one more copy."""
    if text is None or len(text) <= SEARCH_TEXT_SLICE or text.isascii():
        return indexed(text)
    made = bytearray()
    start = 0
    while start < len(text):
        cut = _WHITESPACE.search(text, start + SEARCH_TEXT_SLICE)
        end = cut.start() if cut else len(text)
        made += (indexed(text[start:end]) or "").encode("utf-8")
        start = end
    return made


# Characters (bytes, of UTF-8) of a long value made at a time for the search index (see
# _search_bytes, _search_str).
SEARCH_TEXT_SLICE = 1 << 20
_WHITESPACE = re.compile(r"\s")
_ASCII_SPACE = re.compile(rb"[ \t\n\r\f\v]")
_ASCII_BYTES = bytes(range(128))
_ASCII_SPACES = (b" ", b"\t", b"\n", b"\r", b"\f", b"\v")
