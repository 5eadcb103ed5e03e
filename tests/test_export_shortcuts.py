"""The shortcuts ingest takes with an export's articles give what the long way gives: the
fields read from the text the worker decoded already (`article_fields(..., text)`), and
whether a Mediargus article reads without reading it (`mediargus.holds`)."""

from __future__ import annotations

import codecs

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.model.errors import NotAnArticleError
from newsarchive.text import exports
from newsarchive.text.decode import decode_text
from newsarchive.text.exports import mediargus

from .test_exports import _mangled_exports


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
    if change == "cr":
        piece = piece.replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    elif change == "crlf":
        piece = piece.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    elif change == "bom":
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
