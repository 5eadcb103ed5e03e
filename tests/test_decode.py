"""Decoding: every encoding and line-end style the issue names, and every kind of refusal."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.decode import decode
from newsarchive.errors import NotAnArticleError

TEXT = "Caf\u00e9 owners welcome \u00a32m fund\n\n\u201cIt helps,\u201d they said.\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-be").join([b"\xfe\xff", b""]), "utf-16"),
        (TEXT.encode("utf-32"), "utf-32"),
        (TEXT.encode("cp1252"), "cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-32", "cp1252"],
)
def test_each_encoding_gives_the_same_text(data: bytes, encoding: str) -> None:
    decoded = decode(data)
    assert (decoded.text, decoded.encoding) == (TEXT, encoding)


def test_a_lone_latin1_pound_sign_is_cp1252_not_a_polish_letter() -> None:
    # The BBC's sport/199.txt shape: ASCII text with one 0xA3 byte.
    data = b"Chelsea sign striker\n\nThe fee for the striker is \xa315.8m, the club said.\n"
    decoded = decode(data)
    assert decoded.encoding == "cp1252"
    assert "\u00a315.8m" in decoded.text


def test_cyrillic_legacy_text_is_not_forced_into_cp1252() -> None:
    text = "Москва — столица России, крупнейший город страны.\n\nВторой абзац текста.\n"
    decoded = decode(text.encode("cp1251"))
    assert decoded.text == text


@pytest.mark.parametrize(
    ("data", "newline"),
    [(b"a\r\nb\r\n", "\r\n"), (b"a\rb\r", "\r"), (b"a\nb\n", "\n"), (b"a\r\nb\nc\r", "mixed")],
)
def test_line_ends_are_normalised_and_recorded(data: bytes, newline: str) -> None:
    decoded = decode(data)
    assert "\r" not in decoded.text
    assert decoded.newline == newline


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\t\r\n  ", "only whitespace"),
        ("\u00a0\u2003\n".encode(), "only whitespace"),
        (b"text\x00with a NUL", "NUL bytes"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NUL bytes"),
        (bytes(range(1, 32)) * 20, "binary"),
        (b"\xff\xfe\x00", "not valid utf-16"),
    ],
    ids=["empty", "whitespace", "unicode-whitespace", "nul", "png", "controls", "bad-utf16"],
)
def test_not_an_article_is_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(NotAnArticleError, match=reason):
        decode(data)


def test_random_bytes_are_refused() -> None:
    refused = 0
    for seed in range(20):
        data = os.urandom(4096) if seed else bytes(range(256)) * 16
        try:
            decode(data)
        except NotAnArticleError:
            refused += 1
    assert refused == 20


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048))
def test_any_bytes_decode_or_are_refused(data: bytes) -> None:
    try:
        decoded = decode(data)
    except NotAnArticleError:
        return
    assert "\r" not in decoded.text
    assert decoded.text.strip()


def test_western_legacy_text_is_recorded_as_cp1252() -> None:
    decoded = decode("Größere Straßen in München, sagte er.\n".encode("cp1252"))
    assert (decoded.encoding, decoded.text) == ("cp1252", "Größere Straßen in München, sagte er.\n")


def test_utf16_without_a_bom_gets_a_hint() -> None:
    with pytest.raises(NotAnArticleError, match="looks like UTF-16 without a byte-order mark"):
        decode("Headline\n\nBody text here.\n".encode("utf-16-le"))
