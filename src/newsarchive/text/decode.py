"""Bytes to text, in one place, recording what was detected.

Order of decisions, first match wins:

1. Empty, or only whitespace once decoded: not an article.
2. A byte-order mark names the encoding: UTF-8 (BOM dropped), UTF-16 or UTF-32, either endian.
3. NUL bytes without such a BOM: binary, not an article.
4. Valid UTF-8: UTF-8. This is nearly every file, so it is tried before any detector runs.
5. ASCII with the escape sequences of ISO-2022-JP or ISO-2022-KR (7-bit Japanese and Korean,
   as mail carries them): that encoding, when the bytes decode in it.
6. Otherwise a legacy file: charset-normalizer picks among single-byte encodings and the
   multi-byte ones of Chinese, Japanese and Korean (GB18030 and its subsets GBK and GB2312,
   Big5, Shift-JIS, EUC-JP, EUC-KR). Its verdict on near-ASCII text is weak (it reads a lone
   0xA3, the BBC's pound sign, as Polish cp1250), so when it considers cp1252 plausible at
   all, cp1252 wins, as browsers do for unlabelled Western text (pairs of accented letters
   are valid double-byte characters in GBK, Big5 and Shift-JIS, and a few Chinese
   characters in English text are too few for the detector to tell which encoding they
   are in: such a file is read as cp1252, as before). Otherwise its best match stands.
   No plausible match: undecodable.
7. Text whose share of control characters is high is binary whatever its encoding.

Line ends (CRLF, CR) are normalised to LF and the original style is recorded, so the parser
sees one shape while the stored raw bytes keep the original.
"""

from __future__ import annotations

import codecs
import re

from newsarchive.model.errors import NotAnArticleError
from newsarchive.model.models import Decoded

_BOMS = (
    # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Single-byte encodings news text is found in; the detector chooses only among these.
LEGACY_ENCODINGS = (
    "cp1252",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1257",
    "iso8859_15",
    "koi8_r",
    "mac_roman",
)
# Multi-byte encodings of Chinese, Japanese and Korean, each with the superset or vendor
# variant charset-normalizer may name instead (the same text either way).
MULTI_BYTE_ENCODINGS = (
    "gb18030",
    "big5",
    "cp950",
    "big5hkscs",
    "cp932",
    "shift_jis",
    "euc_jp",
    "euc_jis_2004",
    "cp949",
    "euc_kr",
)
PREFERRED_LEGACY = "cp1252"
# The escape sequences that switch ISO-2022-JP and ISO-2022-KR into their character sets.
_ISO_2022 = ((b"\x1b$B", "iso2022_jp"), (b"\x1b$@", "iso2022_jp"), (b"\x1b$)C", "iso2022_kr"))

# C0 controls other than tab, LF, FF and CR; DEL; the C1 range.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# Real text carries the odd stray escape or bell (kept, and shown harmlessly); binary is
# full of them: about a quarter of random bytes are controls.
MAX_CONTROL_SHARE = 0.10


def decode(data: bytes) -> Decoded:
    """Decode a file's bytes; raise NotAnArticleError with the reason when they are not text."""
    text, encoding, newline = decode_text(data)
    return Decoded(text=text, encoding=encoding, newline=newline)


def decode_text(data: bytes) -> tuple[str, str, str]:
    """`decode`'s text, encoding and newline style, without the model (ingest's hot path)."""
    if not data:
        raise NotAnArticleError("empty file")
    text, encoding = _decode(data)
    if not text or text.isspace():  # not strip(): a copy of a huge text
        raise NotAnArticleError("no text: the file holds only whitespace")
    controls = _utf8_controls(data) if encoding == "utf-8" else _controls(text)
    if controls > MAX_CONTROL_SHARE * len(text):
        raise NotAnArticleError(f"binary: {controls} control characters in {len(text)}")
    newline = _newline_style(text)
    if newline != "\n":
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, encoding, newline


def _controls(text: str) -> int:
    """How many control characters (_CONTROL) the text holds."""
    return len(_CONTROL.findall(text)) if _CONTROL.search(text) else 0


def _utf8_controls(data: bytes) -> int:
    """`_controls` of the text `data` decodes to as UTF-8 (valid, no byte-order mark: what
    _decode calls "utf-8"; a legacy encoding it detects is never UTF-8), counted in the
    bytes: a C0 control or DEL is its own byte, and a C1 control (U+0080 to U+009F) is
    0xC2 then 0x80 to 0x9F, a lead byte that is never inside another character. A pass of
    bytes.translate, not the expression's look at every character: 20,000 generated
    articles, 200k -> 79k instructions an article to decode."""
    count = len(data.translate(None, _NOT_C0_BYTES))
    if b"\xc2" in data:  # "£", "©", "°", a no-break space: look for C1 after each
        count += len(_C1_UTF8.findall(data))
    return count


# Every byte but those of a C0 control (but tab, LF, FF and CR) or DEL: _CONTROL's
# characters below 0x80.
_NOT_C0_BYTES = bytes(b for b in range(256) if not _CONTROL.match(chr(b)) or b >= 0x80)
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")


def _decode(data: bytes) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise NotAnArticleError(
                    f"undecodable: starts with a {encoding} byte-order mark but is not "
                    f"valid {encoding} (byte {exc.start})"
                ) from None
    if b"\x00" in data:
        raise NotAnArticleError(f"binary: contains NUL bytes{_utf16_hint(data)}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode_legacy(data)
    if "\x1b" in text:
        for escape, encoding in _ISO_2022:
            if escape in data:
                try:
                    return data.decode(encoding), encoding
                except UnicodeDecodeError:
                    break
    return text, "utf-8"


def _decode_legacy(data: bytes) -> tuple[str, str]:
    # Imported here: it costs start-up time and only legacy files need it.
    import charset_normalizer

    matches = charset_normalizer.from_bytes(
        data, cp_isolation=[*LEGACY_ENCODINGS, *MULTI_BYTE_ENCODINGS]
    )
    if not matches:
        raise NotAnArticleError(
            "undecodable: not UTF-8, and no legacy encoding fits (single-byte, or Chinese, "
            "Japanese or Korean multi-byte)"
        )
    # A match lists every encoding that decodes the bytes to the same text.
    plausible = {name for m in matches for name in (m.encoding, *m.could_be_from_charset)}
    encoding = PREFERRED_LEGACY if PREFERRED_LEGACY in plausible else matches[0].encoding
    return data.decode(encoding), encoding


def _utf16_hint(data: bytes) -> str:
    """A hint when the NULs sit where UTF-16 text without a byte-order mark has them: in
    one of every two bytes, and hardly ever in the others (a program or image has them in
    both)."""
    sample = data[:4096]
    few, many = sorted((sample[0::2].count(0), sample[1::2].count(0)))
    if many * 4 >= len(sample) and few * 10 <= many:
        return " (it looks like UTF-16 without a byte-order mark: save it with one, or as UTF-8)"
    return ""


def _newline_style(text: str) -> str:
    if "\r" not in text:  # nearly every file: one search, not three counts
        return "\n"
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    styles = [s for s, n in (("\r\n", crlf), ("\r", cr), ("\n", lf)) if n]
    if len(styles) > 1:
        return "mixed"
    return styles[0] if styles else "\n"


# A page's own word on its encoding: <meta charset="..."> or http-equiv's content type.
_PAGE_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


def page_encoding(data: bytes) -> str:
    """The encoding a saved web page's text is in: its byte-order mark, else what it
    declares (a name Python knows), else as any file's (UTF-8, or a legacy encoding)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    if declared := _PAGE_CHARSET.search(data[:4096]):
        name = declared[1].decode("ascii").lower()
        try:
            return codecs.lookup(name).name
        except LookupError:
            pass
    return _decode(data)[1]
