"""Which export a file is, from a cheap look at its first bytes: rare words are found
first, and only the lines holding them are checked, so that a single-article file pays next
to nothing for the look."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from newsarchive.text.exports.html import html_format, looks_like_html
from newsarchive.text.exports.mediargus import looks_like as looks_like_mediargus

# How far into a file detection looks. A cover page with a long table of contents can push
# the first article's marks past a few KB; substring checks over 64 KB cost microseconds.
HEAD_BYTES = 64 * 1024

# Detection looks for rare words in the file's first bytes and checks only the lines that
# hold them: a search of every line start with a regular expression cost 100 us a file,
# this costs a few (issue 23: splitting may add no more than 5 % to ingest).
_SIGNS: tuple[tuple[str, tuple[bytes, ...], re.Pattern[bytes]], ...] = (
    (
        "lexisnexis",
        (b" DOCUMENT", b" DOKUMENT"),
        re.compile(
            rb"\d+ (?:of|von|sur|de|van|di|af|av) \d+ "
            rb"(?:DOCUMENTS?|DOKUMENTE?N?|DOCUMENTEN|DOCUMENTI|DOCUMENTOS)"
        ),
    ),
    (
        "factiva",
        (b"Document ", b"Dokument ", b"Documento ", b"Documenti ", b"Document\t"),
        re.compile(
            rb"(?:AN[ \t]+)?(?:Document|Dokument|Documento|Documenti)[ \t]+[A-Za-z0-9]{16,}"
        ),
    ),
    ("proquest", (b"____________________",), re.compile(rb"_{20,}")),
    (
        "nexis-uni",
        (
            b"End of Document",
            b"Ende des Dokuments",
            b"Fin du document",
            b"Einde van document",
            b"Fin del documento",
            b"Fine del documento",
        ),
        re.compile(
            rb"(?:End of Document|Ende des Dokuments|Fin du document|Einde van document"
            rb"|Fin del documento|Fine del documento)"
        ),
    ),
)
_SIGN = {name: pattern for name, _, pattern in _SIGNS}
_PQ_MARKS = (
    b"ProQuest",
    b"Full text:",
    b"Publication title:",
    b"Volltext:",
    b"Texte int",
    b"Texto completo:",
)
_NU_LENGTH_SIGN = (
    (b"Length:", b"L\xc3\xa4nge:", b"Longueur:", b"Lengte:", b"Longitud:", b"Lunghezza:"),
    re.compile(rb"(?:Length|L\xc3\xa4nge|Longueur|Lengte|Longitud|Lunghezza): *\d.*"),
)
_NU_BODY_SIGN = (
    (b"Body", b"Corps", b"Tekst", b"Cuerpo", b"Testo", b"Text"),
    re.compile(rb"(?:Body|Text|Corps|Tekst|Cuerpo|Testo)"),
)
_FACTIVA_WORD_COUNT = (
    (b" words", b" Words", b" W\xc3\xb6rter", b" mots", b" palabras", b" parole", b" woorden"),
    re.compile(
        rb"(?:WC[ \t]+)?\d[\d,.]*[ \t]+(?:words|W\xc3\xb6rter|mots|palabras|parole|woorden)",
        re.I,
    ),
)


def _has_line(head: bytes, tokens: tuple[bytes, ...], pattern: re.Pattern[bytes]) -> bool:
    """Whether a line holding one of `tokens` is, stripped, all `pattern`."""
    return any(pattern.fullmatch(line) for token in tokens for line in _lines_with(head, token))


def looks_like_export(data: bytes) -> str | None:
    """The export format the file's first bytes suggest, or None: cheap, and wrong only
    towards a second look (split confirms or rejects). A file without the few substrings
    every sign holds (nearly every single article) costs four scans of its head; one that
    opens with markup is looked at only as HTML exports are (html.py)."""
    if looks_like_html(data):
        return html_format(data)  # never a text format: a page is no export
    head = data[:HEAD_BYTES]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = _decoded_head(head)
    if b"UMENT" in head and _has_line(head, (b"UMENT",), _SIGN["lexisnexis"]):
        return "lexisnexis"
    # Document ..., End of Document, Ende des Dokuments...
    for line in _lines_with(head, b"ument"):
        if _SIGN["factiva"].fullmatch(line):
            return "factiva"
        if _SIGN["nexis-uni"].fullmatch(line):
            return "nexis-uni"
    if (
        b"____________________" in head
        and any(mark in head for mark in _PQ_MARKS)
        and _has_line(head, (b"____________________",), _SIGN["proquest"])
    ):
        return "proquest"
    if b"\xb7" in head and _has_line(head, (b"\xb7",), _EUROPRESSE_ID):
        return "europresse"
    opening = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if opening and opening in b"?0123456789" and looks_like_mediargus(_text_of(head)):
        return "mediargus"
    if len(data) <= HEAD_BYTES:
        return None  # a whole export in the head shows one of the marks above
    # An export whose first article runs past the head: Nexis Uni's Length and Body lines,
    # Factiva's word count (a line of its own after the headline) or field codes.
    if _has_line(head, *_NU_LENGTH_SIGN) and _has_line(head, *_NU_BODY_SIGN):
        return "nexis-uni"
    first = [line.strip() for line in head[:1024].split(b"\n", 6)[:6]]
    if any(_FACTIVA_WORD_COUNT[1].fullmatch(line) for line in first if line[:1].isdigit()):
        return "factiva"
    if head.startswith(b"HD") and any(line.startswith((b"PD", b"WC")) for line in first):
        return "factiva"
    return None


# Europresse's document number, the last line of each article: "news·20200114·LM·5678901".
_EUROPRESSE_ID = re.compile(rb"[a-z]{2,12}(?:\xc2\xb7|\xb7)\d{8}(?:\xc2\xb7|\xb7)\S+")


def _text_of(head: bytes) -> str:
    try:
        return head[:4096].decode("utf-8-sig", errors="ignore")
    except UnicodeError:
        return ""


def _lines_with(head: bytes, token: bytes) -> Iterator[bytes]:
    """Each line holding `token`, stripped."""
    at = head.find(token)
    while at != -1:
        start = head.rfind(b"\n", 0, at) + 1
        end = head.find(b"\n", at)
        end = len(head) if end == -1 else end
        yield head[start:end].strip()
        at = head.find(token, end)


def _decoded_head(head: bytes) -> bytes:
    try:
        return head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    except UnicodeError:
        return b""
