"""Decoding: every encoding and line-end style the issue names, and every kind of refusal."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.model.errors import NotAnArticleError
from newsarchive.text.decode import decode

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


def test_a_binary_with_nuls_everywhere_gets_no_utf16_hint() -> None:
    # An executable's header: NULs in odd and even places alike, as UTF-16 never has them.
    data = b"\x7fELF\x02\x01\x01" + bytes(9) + b"\x03\x00>\x00\x01" + bytes(800)
    data += b"GCC: (Debian) 12.2.0" * 10
    with pytest.raises(NotAnArticleError) as refused:
        decode(data)
    assert "contains NUL bytes" in str(refused.value)
    assert "UTF-16" not in str(refused.value)


# News sentences in the scripts whose legacy multi-byte encodings are still met in archives.
CHINESE = (
    "国务院总理在北京举行的记者会上表示，中国经济今年将保持稳定增长。\n\n"
    "据新华社报道，会议还讨论了就业和住房问题。\n"
)
TAIWANESE = (
    "台灣中央氣象署表示，颱風預計明天清晨在花蓮附近登陸，民眾應做好防颱準備。\n\n"
    "交通部宣布，部分航班將取消。\n"
)
JAPANESE = (
    "東京都は二十日、新型ウイルスの感染者が過去最多になったと発表した。\n\n"
    "専門家は、年末年始の人出に注意するよう呼びかけている。\n"
)
KOREAN = (
    "서울시는 20일 대중교통 요금을 다음 달부터 인상한다고 밝혔다.\n\n"
    "시민단체는 요금 인상에 반대하는 기자회견을 열었다.\n"
)
# Each encoding with the names that decode its bytes to the same text (a superset or the
# vendor's variant may be named instead of the standard's).
MULTI_BYTE = [
    (CHINESE, "gb2312", {"gb2312", "gbk", "gb18030"}),
    (CHINESE, "gbk", {"gbk", "gb18030"}),
    (CHINESE, "gb18030", {"gb18030"}),
    (TAIWANESE, "big5", {"big5", "cp950", "big5hkscs"}),
    (JAPANESE, "shift_jis", {"shift_jis", "cp932", "shift_jis_2004"}),
    (JAPANESE, "euc_jp", {"euc_jp", "euc_jis_2004"}),
    (JAPANESE, "iso2022_jp", {"iso2022_jp"}),
    (KOREAN, "euc_kr", {"euc_kr", "cp949"}),
]


@pytest.mark.parametrize(
    ("text", "encoded_as", "names"), MULTI_BYTE, ids=[case[1] for case in MULTI_BYTE]
)
def test_chinese_japanese_and_korean_legacy_encodings_are_detected(
    text: str, encoded_as: str, names: set[str]
) -> None:
    data = text.encode(encoded_as)
    decoded = decode(data)
    assert decoded.text == text
    assert decoded.encoding in names
    assert data.decode(decoded.encoding) == text  # what is recorded decodes the raw bytes


@pytest.mark.parametrize(
    ("text", "encoded_as", "names"), MULTI_BYTE, ids=[case[1] for case in MULTI_BYTE]
)
def test_the_multi_byte_verdict_is_charset_normalizers_own(
    text: str, encoded_as: str, names: set[str]
) -> None:
    import charset_normalizer

    data = text.encode(encoded_as)
    theirs = charset_normalizer.from_bytes(data).best()
    assert theirs is not None
    assert (decode(data).encoding, decode(data).text) == (theirs.encoding, str(theirs))


# Western text in cp1252 and latin-1 must not be taken for Chinese, Japanese or Korean:
# pairs of accented letters are valid double-byte characters in several of those encodings.
WESTERN = [
    "Größere Straßen in München, sagte er.\n",
    "Le président a déclaré que l'économie française était « très fragile » cette année.\n",
    "El niño comió piñas y la señora García está aquí. ¿Qué pasó? ¡Olé!\n",
    "A população não está satisfeita com a decisão do governo, disse João.\n",
    "\u201cIt helps,\u201d they said \u2014 and the caf\u00e9 agreed to pay \u00a315.8m.\n",
    "Bjørn Dæhlie vant gull i Lillehammer, og søstrene Åsa og Øyvind jublet.\n",
    "Ärger über höhere Gebühren: Bürger in Köln und Düsseldorf protestieren.\n",
]


@pytest.mark.parametrize("text", WESTERN, ids=["de", "fr", "es", "pt", "quotes", "no", "de2"])
@pytest.mark.parametrize("encoded_as", ["cp1252", "latin-1"])
def test_western_legacy_text_is_never_taken_for_a_multi_byte_encoding(
    text: str, encoded_as: str
) -> None:
    try:
        data = text.encode(encoded_as)
    except UnicodeEncodeError:  # curly quotes are not in latin-1
        pytest.skip("not in latin-1")
    decoded = decode(data)
    assert (decoded.encoding, decoded.text) == ("cp1252", text)


@given(
    st.text() | st.text(alphabet=st.sampled_from(list("a\t\n\r\x00\x1b\x7f\x80\x85\x9f\xa0£©Ā€")))
)
def test_controls_are_counted_in_utf8_as_in_the_text(text: str) -> None:
    """_decode's "utf-8" text has its control characters counted in its bytes."""
    from newsarchive.text.decode import _controls, _utf8_controls

    assert _utf8_controls(text.encode()) == _controls(text)
