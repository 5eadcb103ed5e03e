"""Patterns the export readers rewrote for speed match what the plain ones did: the month
names as a tree of their letters (alternatives.one_of), and the first characters a line
needs before Europresse's trailer patterns are tried on it."""

from __future__ import annotations

import datetime as dt
import re
import sys
from re import _parser  # type: ignore[attr-defined]  # a pattern parsed: its first characters

from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.text.exports import fields, html
from newsarchive.text.exports.alternatives import one_of

_WORDS = st.lists(st.text(alphabet="abcé", min_size=0, max_size=5), min_size=1, max_size=8)


@given(_WORDS, st.text(alphabet="abcé", max_size=6))
def test_one_of_matches_the_words_and_nothing_else(words: list[str], text: str) -> None:
    pattern = re.compile(one_of(words))
    for candidate in [*words, text, *(w + text for w in words), *(w[:-1] for w in words)]:
        assert bool(pattern.fullmatch(candidate)) == (candidate in words)


def test_one_of_tries_the_longer_word_first() -> None:
    assert re.match(one_of(["mar", "march", "ma"]), "marching")[0] == "march"  # type: ignore[index]
    assert re.match(one_of(["mar", "march"]), "marx")[0] == "mar"  # type: ignore[index]


# The patterns as they were, each name an alternative (parse_date's longest first).
_NAMES = sorted(fields._MONTH_NAMES, key=len, reverse=True)
_PLAIN = "|".join(_NAMES)
_OLD_DATES = (
    re.compile(rf"\b({_PLAIN})\.? (\d{{1,2}}),? (\d{{4}})\b", re.I),
    re.compile(rf"\b(\d{{1,2}})\.? (?:de )?({_PLAIN})\.?,? (?:de )?(\d{{4}})\b", re.I),
)
_EP_PLAIN = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|"
    "novembre|décembre|decembre|january|february|march|april|may|june|july|august|"
    "september|october|november|december|januar|februar|märz|juni|juli|oktober|dezember|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|"
    "diciembre|januari|februari|maart|mei|augustus|gennaio|febbraio|aprile|maggio|giugno|"
    "luglio|settembre|ottobre|dicembre"
)
_OLD_EP_DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:er)?\.? (?:{_EP_PLAIN}) \d{{4}}|(?:{_EP_PLAIN}) \d{{1,2}}, \d{{4}})\b", re.I
)
_OLD_FV_DATE = re.compile(rf"{_OLD_EP_DATE.pattern}|\b\d{{4}}-\d{{2}}-\d{{2}}\b", re.I)

# Text made of what dates are made of: names in any case (and cut short or run on), the
# letters case-insensitive matching treats alike (ſ, ı, the Kelvin sign), digits, stops.
_NAME_PIECES = st.sampled_from(_NAMES + _EP_PLAIN.split("|")).flatmap(
    lambda name: st.sampled_from(
        [name, name.upper(), name.title(), name[:-1], name + "s", name[:3], name.replace("s", "ſ")]
    )
)
_PIECES = st.one_of(
    _NAME_PIECES,
    st.sampled_from([" ", ".", ",", ", ", "de ", "er", "-", "\u212a", "ı", "İ", "mardi"]),
    st.integers(0, 99999).map(str),
)
_DATE_TEXT = st.lists(_PIECES, max_size=12).map("".join)


def _same(old: re.Pattern[str], new: re.Pattern[str], text: str) -> None:
    was, now = old.search(text), new.search(text)
    assert (was is None) == (now is None), text
    if was is not None and now is not None:
        assert (was.span(), was.groups()) == (now.span(), now.groups()), text


@settings(max_examples=500)
@given(_DATE_TEXT)
def test_month_patterns_find_what_the_plain_ones_did(text: str) -> None:
    for old, (new, _) in zip(_OLD_DATES, fields._DATE_PATTERNS[:2], strict=True):
        _same(old, new, text)
    _same(_OLD_EP_DATE, html._EP_DATE, text)
    _same(_OLD_FV_DATE, html._FV_DATE, text)


def test_every_month_name_in_every_case_is_read() -> None:
    for name in _NAMES:
        for written in (name, name.upper(), name.title()):
            month = fields._MONTH_NAMES[name]
            assert fields.parse_date(f"{written} 11, 2010") == dt.date(2010, month, 11)
            assert fields.parse_date(f"11 {written} 2010") == dt.date(2010, month, 11)


def _first_literals(pattern: re.Pattern[str]) -> set[str]:
    """The first character of each alternative of a pattern `^(?:a|b|...)`."""
    at, (branch, (_, alternatives)) = list(_parser.parse(pattern.pattern, pattern.flags))[:2]
    assert at[0] == _parser.AT and branch == _parser.BRANCH
    firsts = set()
    for alternative in alternatives:
        op, value = alternative[0]
        assert op == _parser.LITERAL, (pattern.pattern, alternative[0])
        firsts.add(chr(value))
    return firsts


def test_trailer_firsts_are_every_character_the_trailer_patterns_can_start_with() -> None:
    literals = _first_literals(html._COPYRIGHT) | _first_literals(html.EP_NOTICE)
    one = re.compile("[" + "".join(re.escape(c) for c in sorted(literals)) + "]", re.I)
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert set(one.findall(every)) == html.TRAILER_FIRSTS


_TRAILER_LINES = st.lists(
    st.one_of(
        st.sampled_from(["©", "(c)", "(C)", "Copyright", "COPYRIGHTS", "Le présent document est "]),
        st.sampled_from(["Certificat émis le", "THIS ARTICLE APPEARED IN", "Back to top", "The "]),
        st.text(max_size=3),
    ),
    max_size=4,
).map("".join)


@given(_TRAILER_LINES)
def test_the_trailer_pattern_matches_where_either_of_its_two_did(line: str) -> None:
    either = html._COPYRIGHT.match(line) or html.EP_NOTICE.match(line)
    assert bool(html._TRAILER.match(line)) == bool(either)


def test_every_whitespace_character_but_the_space_is_unprintable() -> None:
    """What fields._single_spaced rests on."""
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert [c for c in spaces if c.isprintable()] == [" "]


@given(st.text() | st.text(alphabet=[" ", "a", "\t", "\xa0", "\u2028", "\x1c", "é"]))
def test_a_single_spaced_line_is_what_joining_its_words_makes(line: str) -> None:
    if fields._single_spaced(line):
        assert " ".join(line.split()) == line
