"""The text the indexes are given: CJK runs in pairs, symbols as words, letters folded; and a
query's words made so that every word of a text finds it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsarchive.text.searchtext import _special, _spread, indexed, marking_words, query_text


@pytest.mark.parametrize(
    ("text", "made"),
    [
        ("Plain English text stays as it is.", "Plain English text stays as it is."),
        ("中国人民", " 中国 国人 人民 民 "),
        ("中", " 中 "),
        ("G20峰会", "g20 峰会 会 "),
        ("서울시는 20일", " 서울 울시 시는 는  20 일 "),
        ("Die Straße", "die strasse"),
        ("fans 🔥🔥", "fans  symbol1f525  symbol1f525 "),
        ("❤️ok", " symbol2764 ok"),  # the emoji variation selector goes with its symbol
        (None, None),
    ],
)
def test_what_the_index_is_given(text: str | None, made: str | None) -> None:
    assert indexed(text) == made


_MIXED = st.text(
    alphabet=st.sampled_from(list("ab É©®™中国人民日本語한국어🔥\ufe0f\ufe0e←⌘─☃㊗〰🀄.\n"))
)


@given(_MIXED)
def test_the_text_is_made_as_the_expression_makes_it(text: str) -> None:
    """`indexed` looks for special characters with one class and makes each run or symbol
    from there: the same text as the expression's substitution over the whole text, which
    the index was built with (FTS5 must be given the same text to remove an article)."""
    folded = text.casefold()
    assert indexed(text) == (folded if text.isascii() else _special().sub(_spread, folded))


def test_postgresql_leaves_case_to_its_configuration() -> None:
    assert indexed("Die Straße 中国", fold=False) == "Die Straße  中国 国 "


@pytest.mark.parametrize(
    ("term", "made", "prefix"),
    [
        ("ukraine", "ukraine", False),
        ("中国", " 中国 ", False),  # found wherever the run goes on
        ("中", " 中 ", True),  # the start of a pair
        ("中国G20", " 中国 国 g20", False),  # the run ends where the text's does
        ("🔥", " symbol1f525 ", False),
        ("STRASSE", "STRASSE", False),
        ("Straße", "strasse", False),
    ],
)
def test_what_a_query_term_becomes(term: str, made: str, prefix: bool) -> None:
    assert query_text(term) == (made, prefix)


def test_marking_words_keep_a_cjk_run_whole() -> None:
    assert marking_words("G20峰会 in Zürich 🔥") == ["g20", "峰会", "in", "zurich", "🔥"]


CJK_TEXT = st.text(alphabet="中国人民银行东京都서울시는感染者の", min_size=1, max_size=30)


@given(CJK_TEXT, st.data())
def test_every_part_of_a_run_finds_it(text: str, data: st.DataObject) -> None:
    """Any characters of a run, taken in a row, are found in it as the index holds it: a
    phrase of pairs in a row, or one character as the start of a word."""
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    words = (indexed(text) or "").split()
    made, prefix = query_text(text[start:end])
    wanted = made.split()
    if prefix:
        assert any(word.startswith(wanted[0]) for word in words)
    else:
        assert any(words[i : i + len(wanted)] == wanted for i in range(len(words)))


def test_other_words_are_the_lines_that_are_not_the_story() -> None:
    from newsarchive.text.searchtext import other_words

    meta = '[{"kind": "date", "text": "Fri Mar 2, 2007 9:16am EST"}]'
    blocks = (
        '[{"kind": "paragraph"}, {"kind": "boilerplate", "text": "Test series, day 4"}, '
        '{"kind": "read_more", "label": "READ MORE", "text": "Other story"}, '
        '{"kind": "read_more", "url": "https://example.com/x"}]'
    )
    assert other_words("The Daily Telegraph (London)", meta, blocks) == (
        "The Daily Telegraph (London)\nFri Mar 2, 2007 9:16am EST\nTest series, day 4\n"
        "READ MORE Other story"
    )
    assert other_words(None, "[]", '[{"kind": "paragraph"}]') is None
    assert other_words("Le Monde", "[]", "[]") == "Le Monde"
    assert other_words("Straße 中国人", "[]", "[]") == "strasse  中国 国人 人 "


_FOLDING = st.text(alphabet=st.sampled_from([*"aZ .ÉéŁłßẞİıﬁΣς\u212aǅᏸ中©\u0345", "𐐀", "\udc80"]))


@given(_FOLDING)
def test_a_piece_is_case_folded_from_its_bytes_as_str_casefold_does(text: str) -> None:
    """What sqlite_searchtext._casefolded makes of a piece's bytes is its text case-folded,
    or nothing (bytes that are not UTF-8: here a lone surrogate, escaped)."""
    import codecs

    from newsarchive.storage.backends.sqlite_searchtext import _ASCII_BYTES, _casefolded

    piece = text.encode("utf-8", "surrogateescape")
    past, _ = codecs.utf_8_decode(piece.translate(None, _ASCII_BYTES), "surrogateescape", True)
    made = _casefolded(piece, past)
    if "\udc80" in text:
        assert made is None
    else:
        assert made == text.casefold().encode()
