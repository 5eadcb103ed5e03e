"""The shortcuts ingest takes with an export's articles give what the long way gives: the
fields read from the text the worker decoded already (`article_fields(..., text)`),
whether a Mediargus article reads without reading it (`mediargus.holds`), and Europresse's
text cut a document at a time (`bounds`) as `split` cuts it."""

from __future__ import annotations

import codecs
import contextlib
import re
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.model.errors import NotAnArticleError
from newsarchive.text import exports
from newsarchive.text.decode import decode_text
from newsarchive.text.exports import bounds, fields, html, lexisnexis, mediargus, proquest

from .test_export_bounds import _same
from .test_exports import CASES, FIXTURE_BYTES, _mangled_exports


@st.composite
def _articles(draw: st.DrawFn) -> tuple[str, bytes]:
    """An article's piece of a mangled export (and its format), maybe with its line ends
    made CR or CRLF, a UTF-8 byte-order mark or a cp1252 byte."""
    export = None
    while export is None:
        data = draw(_mangled_exports())
        export = exports.split(data)
    articles = export.articles
    if not articles:
        return export.format, draw(st.binary(max_size=40))
    article = draw(st.sampled_from(articles))
    piece = export.indexed(data)[article.start : article.end]
    change = draw(st.sampled_from(["none", "cr", "crlf", "bom", "latin"]))
    piece = _line_ends(piece, change)
    if change == "bom":
        piece = codecs.BOM_UTF8 + piece
    elif change == "latin":
        at = draw(st.integers(0, len(piece)))
        piece = piece[:at] + b"\xe9" + piece[at:]
    return export.format, piece


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_articles())
def test_fields_from_the_decoded_text_are_the_fields_from_the_bytes(
    article: tuple[str, bytes],
) -> None:
    format, piece = article
    try:
        text, encoding, _newline = decode_text(piece)
    except NotAnArticleError:
        return
    if encoding in ("utf-8", "utf-8-sig"):
        assert exports.article_fields(format, piece, text) == exports.article_fields(format, piece)


_MEDIARGUS_LINES = [
    "",
    "   ",
    "\t",
    "1. Een titel",
    "2. Nog een titel",
    "Een titel",
    "De Morgen, woensdag 30 november 2011, p. 23, 853w.",
    "Le Soir, 1er décembre 2011",
    " De Standaard, 30 november 2011, p. 4",
    "30-11-2011, p.23",
    "30-11-2011",
    " 01-12-2011, p. 4 ",
    "Lies Vermeulen",
    "Een zin van de tekst, langer dan de titel.",
    " © De Havenbode",
    "\x0c",
    "\x85",
]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(_MEDIARGUS_LINES) | st.text(max_size=12), max_size=8),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_mediargus_holds_when_its_fields_read(lines: list[str], end: str) -> None:
    text = end.join(lines)
    assert mediargus.holds(text) == (mediargus.fields(text) is not None)


_EUROPRESSE = [
    data
    for case, data in zip(CASES, FIXTURE_BYTES, strict=True)
    if case.name.startswith("europresse_text")
]
_EUROPRESSE_LINES = [
    "news·20200301·GV·0000000099",
    "  news·20200301·GV·0000000099 \t",
    "Numéro de document : news·20200114·GV·0000000001",
    "Certificat émis le 7 décembre 2026 à UNIVERSITE-EXEMPLE.",
    "Le présent document est protégé par les lois",
    "Ce document est réservé à l'usage exclusif de l'utilisateur",
    "La Gazette du Val",
    "Un paragraphe · avec un point médian.",
    "news·2020·GV",
    "·",
    "\xa0",
    "",
]


@st.composite
def _with_lines(draw: st.DrawFn, fixtures: list[bytes], lines: list[str], most: int) -> bytes:
    """A format's exports (its fixtures, cut, joined, mangled) with up to `most` of its
    `lines` put anywhere; maybe in cp1252, with CR or CRLF line ends or a byte-order mark."""
    data = draw(st.sampled_from(fixtures) | _mangled_exports())
    for _ in range(draw(st.integers(0, most))):
        at = draw(st.integers(0, len(data)))
        line = draw(st.sampled_from(lines)).encode()
        data = data[:at] + b"\n" + line + b"\n" + data[at:]
    change = draw(st.sampled_from(["none", "cr", "crlf", "cp1252", "bom"]))
    data = _line_ends(data, change)
    if change == "cp1252":
        with contextlib.suppress(UnicodeError):
            data = data.decode("utf-8").encode("cp1252")
    elif change == "bom":
        data = codecs.BOM_UTF8 + data
    return data


def _europresse_mangled() -> st.SearchStrategy[bytes]:
    """Europresse text exports with lines of theirs put anywhere: a document number bare,
    padded or labelled (a certificate's number under the article's), notices, blank lines,
    other middle dots."""
    return _with_lines(_EUROPRESSE, _EUROPRESSE_LINES, 4)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_europresse_mangled(), st.sampled_from(["auto", "europresse"]))
def test_europresse_cut_a_document_at_a_time_is_cut_as_split_cuts_it(
    data: bytes, format: str
) -> None:
    _same(data, format)


def test_the_letters_a_nexis_uni_cover_line_opens_with_are_its_words_first() -> None:
    words = re.findall(r"(?:\^\(\?:|\|)([A-Za-z])", lexisnexis._NU_COVER.pattern)
    assert len(words) >= 16
    assert {w.upper() for w in words} | {w.lower() for w in words} == lexisnexis._NU_COVER_FIRSTS
    # The ASCII characters that match one of them ignoring case are those letters.
    opening = re.compile(f"[{''.join(words)}]", re.I)
    ascii_matching = {chr(c) for c in range(128) if opening.fullmatch(chr(c))}
    assert ascii_matching == lexisnexis._NU_COVER_FIRSTS


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["User Name: x", "uSER nAME", "\u212aob", "Job Number: 1", "Documents (3)"])
        | st.sampled_from(["ſearch Terms", "Datum und Uhrzeit", "Body", "", "  ", "x"])
        | st.text(max_size=14),
        max_size=8,
    )
)
def test_a_nexis_uni_cover_is_found_past_the_lines_that_cannot_open_one(lines: list[str]) -> None:
    """_NU_COVER_LINE's lookahead on a line's first character changes no search."""
    joined = "\n".join(["", *(line.strip() for line in lines)])
    plain = re.compile("\n" + lexisnexis._NU_COVER.pattern.removeprefix("^"), re.I)
    assert (lexisnexis._NU_COVER_LINE.search(joined) is None) == (plain.search(joined) is None)


def _line_ends(data: bytes, change: str) -> bytes:
    """The bytes with CR or CRLF line ends where `change` asks for them, else as they are."""
    if change == "cr":
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    if change == "crlf":
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return data


@given(st.from_regex(html.EP_ID_LINE, fullmatch=True))
def test_every_europresse_number_line_holds_a_middle_dot(line: str) -> None:
    """europresse_text_fields looks for "·" in a line before trying EP_ID_LINE on it."""
    assert "·" in line


# Lines as ProQuest and Nexis Uni articles have them: labels of theirs, labels near the
# length ProQuest allows one (40 and 41 characters after the first), prose with a ':' early
# or late, and the characters that match a letter ignoring case without being one.
_LABEL_WORDS = st.sampled_from(
    [
        *sorted(proquest._PQ_LABELS),
        *sorted(proquest._PQ_OTHER_LABELS),
        *proquest._PQ_BODY_WORDS,
        *sorted(lexisnexis._NU_HEADER_LABELS),
        *sorted(lexisnexis._NU_TRAILER_LABELS),
        "Full text",
        "Abstract",
        "Section",
        "LOAD-DATE",
        "Load-Date",
        "Publication info",
        "Abdullah said",
        "A" + "b" * 40,
        "A" + "b" * 41,
        "Ab" + " c" * 20,
        "Éclat",
        "Þorn",
        "ıtem",
        "\u212aey",
        "ſection",
        "x",
        "",
    ]
)
_AFTER_COLON = st.sampled_from(["", " ", "\t", "  x", " x: y", "x", "\u00a0x", " “quoted”"])


@st.composite
def _label_lines(draw: st.DrawFn) -> str:
    """A line as an export's reader sees it (stripped): a label maybe, then ':' maybe."""
    word = draw(_LABEL_WORDS | st.text(max_size=44))
    case = draw(st.sampled_from(["as", "title", "upper", "lower"]))
    word = {"as": word, "title": word.title(), "upper": word.upper(), "lower": word.lower()}[case]
    colon = draw(st.sampled_from([":", "", " :", "::"]))
    return (word + colon + draw(_AFTER_COLON | st.text(max_size=10))).strip()


@settings(max_examples=1000, deadline=None)
@given(_label_lines())
def test_the_proquest_patterns_read_what_lies_before_a_line_s_first_colon(line: str) -> None:
    """proquest_fields and proquest_holds ask the patterns only of lines with a ':' before
    _PQ_COLON_BEFORE, _PQ_FULL_TEXT only where a body's label lies before it, and tell a
    line of a body from the label that ends it by the text before it."""
    colon = line.find(":", 0, proquest._PQ_COLON_BEFORE)
    full = proquest._PQ_FULL_TEXT.match(line)
    label = proquest._PQ_LABEL.match(line)
    if colon < 0:
        assert full is None and label is None
    else:
        assert (full is not None) <= (line[:colon] in proquest._PQ_BODY_LABELS)
    if label is not None:
        assert label.group(1) == line[:colon]


@settings(max_examples=1000, deadline=None)
@given(_label_lines())
def test_the_nexis_uni_label_is_what_lies_before_a_line_s_first_colon(line: str) -> None:
    """nexis_uni_fields (and _nexis_uni_header_end, nexis_uni_holds) ask _TITLE_LABEL only of
    a line whose text before its first ':' is a label of the format."""
    match = lexisnexis._TITLE_LABEL.match(line)
    if match is not None:
        assert match.group(1).lower() == lexisnexis._nu_label(line)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["Body", "Text", "Corps", "Tekst", "Cuerpo", "Testo", "body", "BODY"])
    | st.text(max_size=8),
    st.sampled_from(["", "\n", " ", "\r\n", "\u2028", "x"]),
)
def test_a_nexis_uni_body_line_is_one_of_its_words(word: str, end: str) -> None:
    line = (word + end).strip()  # as Lines.stripped holds it
    assert (lexisnexis._NU_BODY.match(line) is not None) == (line in lexisnexis._NU_BODY_LINES)


def test_a_copyright_line_opens_with_a_c_a_sign_or_a_bracket() -> None:
    """Every character fields.COPYRIGHT's match may open with, the pattern ignoring case (the
    three words' first characters: C, ©, "("), is one of _COPYRIGHT_FIRSTS."""
    firsts = {
        chr(point)
        for point in range(sys.maxunicode + 1)
        if any(fields.COPYRIGHT.match(chr(point) + rest) for rest in ("opyright", "", "c)"))
    }
    assert firsts == lexisnexis._COPYRIGHT_FIRSTS


_PROQUEST = [
    data
    for case, data in zip(CASES, FIXTURE_BYTES, strict=True)
    if case.name.startswith("proquest")
]
_PROQUEST_LINES = [
    "Full text: Der Text.",
    "Abstract: Kurz.",
    "ProQuest document ID: 12",
    "Publication title: Die Zeitung",
    "Title: Ein Titel",
    "Author: Someone",
    "Database: ProQuest Central",
    "Document 3 of 9",
    "Table of contents",
    "Report Information from ProQuest",
    "_" * 30,
    "A line of text: with a colon in it",
    "A line of text without one",
    "\u00a0",
    "  ",
    "",
]


def _proquest_mangled() -> st.SearchStrategy[bytes]:
    """ProQuest exports with lines of theirs put anywhere."""
    return _with_lines(_PROQUEST, _PROQUEST_LINES, 6)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_proquest_mangled(), st.integers(0, 300), st.integers(0, 120))
def test_a_proquest_document_cut_from_its_first_and_last_lines_is_cut_as_from_all(
    data: bytes, head: int, tail: int
) -> None:
    """bounds._proquest reads a document's first and last lines where they tell, else the
    whole document: with any sizes of either, the spans of reading it whole."""
    found = bounds._encoding(data)
    if found is None:
        return
    encoding, prefix = found
    errors = "surrogateescape" if encoding == "cp1252" else "strict"
    document = bounds._ExportBytes(data, prefix, encoding, errors)
    whole = bounds._proquest(document, len(data), 0)
    assert bounds._proquest(document, head, tail) == whole
    assert bounds._proquest(document) == whole


def test_the_letters_a_proquest_cover_line_opens_with_are_its_words_first() -> None:
    """proquest_document asks _PQ_COVER only of a first line that opens with one of them or
    with a character past ASCII: the ASCII characters that match one ignoring case."""
    words = re.findall(r"(?:\^\(\?:|\|)([A-Za-z])", proquest._PQ_COVER.pattern)
    assert len(words) >= 11
    assert {w.upper() for w in words} | {w.lower() for w in words} == proquest._PQ_COVER_FIRSTS
    opening = re.compile(f"[{''.join(words)}]", re.I)
    assert {chr(c) for c in range(128) if opening.fullmatch(chr(c))} == proquest._PQ_COVER_FIRSTS
