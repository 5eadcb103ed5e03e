"""News-database exports: one file, many articles. Bytes in, the file's pieces out.

LexisNexis, Nexis Uni, ProQuest, Factiva, Europresse and Mediargus deliver tens to hundreds
of articles per file. `split(data)` recognises such a file by content and cuts it into
pieces that cover it exactly, in order: the articles (each with its fields read), the
matter around them (cover pages, "N of M DOCUMENTS" lines, separators, blank lines between
articles, back matter) and, where the format breaks, the rest of the file kept whole.
Concatenating the pieces' bytes gives the file back, byte for byte. Exports delivered as
HTML (Europresse, Factiva) are read in exports_html.py, each article its element's bytes;
Mediargus (a list of titles, then the texts) in exports_mediargus.py, whose articles are
no runs of the file's bytes: the file is kept whole beside them (`Export.text`).

An article's piece is its own text only, from its first line to its last (no numbering, no
blank lines around it), so the same article found in two exports has the same bytes.

Pure functions, no I/O; `looks_like_export` is a cheap look at the file's first bytes, so
that single-article files pay next to nothing for the check.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from newsarchive.text import exports_html, exports_mediargus

FORMATS = ("lexisnexis", "nexis-uni", "proquest", "factiva", "europresse", "mediargus")
FORMAT_NAMES = {
    "lexisnexis": "LexisNexis",
    "nexis-uni": "Nexis Uni",
    "proquest": "ProQuest",
    "factiva": "Factiva",
    "europresse": "Europresse",
    "mediargus": "Mediargus",
}
# Formats delivered as HTML too: an article's piece is then its element's bytes.
HTML_FORMATS = ("europresse", "factiva")

# How far into a file detection looks. A cover page with a long table of contents can push
# the first article's marks past a few KB; substring checks over 64 KB cost microseconds.
HEAD_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Fields:
    """What an export says of one article, each value as written (stripped of padding)."""

    headline: str | None = None
    byline: str | None = None
    publication: str | None = None
    date_text: str | None = None
    published: dt.date | None = None
    section: str | None = None
    length: str | None = None
    language: str | None = None
    load_date: str | None = None
    document_id: str | None = None
    url: str | None = None
    copyright: str | None = None
    # Every other labelled line, (label, value) as written, in file order; unlabelled
    # header lines (a Factiva source code, an edition) have the label "".
    other: tuple[tuple[str, str], ...] = ()
    # The article's own text: paragraphs separated by a blank line.
    body: str = ""

    def lines(self) -> list[str]:
        """The fields as metadata lines, verbatim: "Section: NEWS; Pg. 5"."""
        named = (
            ("Publication", self.publication),
            ("Date", self.date_text),
            ("Byline", self.byline),
            ("Section", self.section),
            ("Length", self.length),
            ("Language", self.language),
            ("Load date", self.load_date),
            ("Document ID", self.document_id),
            ("URL", self.url),
            ("Copyright", self.copyright),
        )
        out = [f"{label}: {value}" for label, value in named if value]
        out += [f"{label}: {value}" if label else value for label, value in self.other]
        return [" ".join(line.split()) for line in out]


@dataclass(frozen=True, slots=True)
class Piece:
    """A byte range of the file: an article (with its fields and its number among the
    file's articles), the matter around articles ("front": covers, numbering, blank
    lines, back matter) or "remainder": the rest of a file whose format broke."""

    kind: str  # "article", "front" or "remainder"
    start: int
    end: int
    fields: Fields | None = None
    place: int = 0  # 1-based among the file's articles; 0 for other pieces


@dataclass(frozen=True, slots=True)
class Export:
    format: str
    size: int
    encoding: str
    pieces: tuple[Piece, ...] = field(default=())
    # The articles' text, when they are no runs of the file's bytes (a Mediargus list and
    # its texts apart): the pieces index this text, and the file is kept whole beside it.
    text: bytes | None = None

    @property
    def articles(self) -> list[Piece]:
        return [p for p in self.pieces if p.kind == "article"]

    @property
    def remainder(self) -> Piece | None:
        return next((p for p in self.pieces if p.kind == "remainder"), None)


# --- detection -------------------------------------------------------------------------

# LexisNexis classic numbers each document on a line of its own: "1 of 10 DOCUMENTS".
_LN_DOCS_LINE = re.compile(
    r"^[ \t]*(\d+) (?:of|von|sur|de|van|di|af|av) (\d+) "
    r"(?:DOCUMENTS?|DOKUMENTE?N?|DOCUMENTEN|DOCUMENTI|DOCUMENTOS)[ \t]*$"
)
_END_OF_DOC = re.compile(
    r"^[ \t]*(?:End of Document|Ende des Dokuments|Fin du document|Einde van document"
    r"|Fin del documento|Fine del documento)[ \t]*$",
    re.I,
)
_PQ_SEPARATOR = re.compile(r"^_{20,}[ \t]*$")
_FACTIVA_DOC = re.compile(
    r"^[ \t]*(?:AN[ \t]+)?(?:Document|Dokument|Documento|Documenti)[ \t]+([A-Za-z0-9]{16,})[ \t]*$"
)
_WORDS = r"(?:words|Wörter|W\xf6rter|mots|palabras|parole|woorden|ord|palavras|słów)"
_FACTIVA_WC = re.compile(rf"^[ \t]*\d[\d,.]*[ \t]+{_WORDS}[ \t]*$", re.I)

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
    opens with markup is looked at only as HTML exports are (exports_html)."""
    if exports_html.looks_like_html(data):
        return exports_html.html_format(data)  # never a text format: a page is no export
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
    if opening and opening in b"?0123456789" and exports_mediargus.looks_like(_text_of(head)):
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


# --- splitting -------------------------------------------------------------------------


# A .docx whose text runs past this is not read (a zip bomb cannot fill memory).
MAX_DOCX_TEXT = 64 * 1024 * 1024
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(data: bytes) -> str | None:
    """The text of a Word document (.docx, as Nexis Uni delivers exports), a paragraph a
    line, or None when the bytes are not one. The standard library reads it (a .docx is
    a ZIP of XML): no extra to install."""
    import io
    import zipfile
    from xml.etree import ElementTree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("word/document.xml")
            if info.file_size > MAX_DOCX_TEXT:
                return None
            xml = archive.read(info)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        return None
    lines = []
    for paragraph in root.iter(f"{_W}p"):
        parts = []
        for node in paragraph.iter():
            if node.tag == f"{_W}t":
                parts.append(node.text or "")
            elif node.tag == f"{_W}tab":
                parts.append("\t")
            elif node.tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
        lines.append("".join(parts))
    return "\n".join(lines) + "\n"


def split(data: bytes, format: str = "auto") -> Export | None:
    """The file's pieces, when it is an export (in `format`, or any when "auto"); None
    when it is not one, or no article of it could be read."""
    if format == "auto":
        guess = looks_like_export(data)
        if guess is None:
            return None
        formats = [guess, *(f for f in FORMATS if f != guess)]
    else:
        formats = [format]
    if formats[0] in HTML_FORMATS and exports_html.looks_like_html(data):
        return _split_html(data, formats[0])
    decoded = _decode(data)
    if decoded is None:
        return None
    text, encoding, prefix = decoded
    if formats[0] == "mediargus":
        return _split_mediargus(text, encoding, len(data))
    lines = _Lines(text, encoding, prefix, data)
    del text, decoded  # the lines hold it
    for name in formats:
        pieces = _SPLITTERS[name](lines)
        if pieces and any(p.kind == "article" for p in pieces):
            return Export(name, len(data), encoding, tuple(_bytes(pieces, lines, len(data))))
        if format == "auto":
            break  # only the format the head suggested is tried: a stray mark is not a file
    return None


def layout_articles(layout: Sequence[Sequence[Any]]) -> list[str]:
    """The hashes of the articles a kept layout (ExportFiles.add) places, in file order."""
    return [str(value) for kind, value in layout if kind == "a"]


def rebuilt(layout: Sequence[Sequence[Any]], filler: bytes, raws: Mapping[str, bytes]) -> bytes:
    """A kept export's bytes from its layout: each article's raw bytes (by hash, from
    `raws`; one missing gives nothing) between the runs of `filler`, in file order. What
    `verify` checks and `db recover` rebuilds; a caller compares it with the file's hash."""
    out = bytearray()
    at = 0
    for kind, value in layout:
        if kind == "a":
            out += raws.get(str(value), b"")
        else:
            out += filler[at : at + int(value)]
            at += int(value)
    return bytes(out)


def article_fields(format: str, data: bytes) -> Fields | None:
    """The fields of one article's piece, cut from an export in `format` (as `split` read
    them), or None when the bytes are not such an article."""
    if format in HTML_FORMATS and exports_html.looks_like_html(data):
        return _html_fields(format, data)
    decoded = _decode(data)
    if decoded is None or format not in FORMATS:
        return None
    if format == "mediargus":
        return _from_raw(exports_mediargus.fields(decoded[0]))
    lines = _Lines(*decoded, data)
    first, last = _trim(lines, 0, len(lines))
    if first >= last:
        return None
    if format == "lexisnexis":
        return _ln_fields(lines, first, last)
    if format == "proquest":
        return _pq_fields(lines, first, last)
    if format == "europresse":
        return _from_raw(exports_html.europresse_text_fields(lines.stripped[first:last]))
    end = last - 1  # the "End of Document" or "Document ID" line that closes the article
    if format == "nexis-uni":
        return _nu_fields(lines, first, end) if _END_OF_DOC.match(lines.text[end]) else None
    return _factiva_fields(lines, first, end) if _FACTIVA_DOC.match(lines.text[end]) else None


def _from_raw(raw: exports_html.Raw | None) -> Fields | None:
    return None if raw is None else _fields(*raw)


def _split_html(data: bytes, format: str) -> Export | None:
    """An HTML export's pieces: each article element's bytes, what lies between them
    front matter; from an element that cannot be read on, the rest kept whole."""
    decoded = _decode(data)
    if decoded is None:
        return None
    pieces: list[Piece] = []
    position = place = 0
    for start, end in exports_html.spans(data, format):
        if start > position:
            pieces.append(Piece("front", position, start))
        fields = _html_fields(format, data[start:end])
        if fields is None:
            pieces.append(Piece("remainder", start, len(data)))
            position = len(data)
            break
        place += 1
        pieces.append(Piece("article", start, end, fields, place))
        position = end
    if not place:
        return None
    if position < len(data):
        pieces.append(Piece("front", position, len(data)))
    return Export(format, len(data), decoded[1], tuple(pieces))


def _html_fields(format: str, data: bytes) -> Fields | None:
    """An article element's fields, read by the roles its markup gives; Factiva's
    field-code table, which marks no roles, read from its text rendering."""
    decoded = _decode(data)
    if decoded is None:
        return None
    html = decoded[0]
    if format == "europresse":
        return _from_raw(exports_html.europresse_fields(html))
    fields = _from_raw(exports_html.factiva_fields(html))
    if fields is not None:
        return fields
    lines = _Lines(exports_html.render(html), "utf-8", 0)
    cuts = _factiva(lines)
    articles = [cut for cut in cuts if cut.kind == "article"]
    return articles[0].fields if len(articles) == 1 and len(cuts) == 1 else None


def _split_mediargus(text: str, encoding: str, size: int) -> Export | None:
    """A Mediargus export's articles, each its list entry and its text (as
    exports_mediargus gives them), in a text of their own that the pieces index."""
    out = bytearray()
    pieces: list[Piece] = []
    place = 0
    for article in exports_mediargus.articles(text):
        if out:
            pieces.append(Piece("front", len(out), len(out) + 1))
            out += b"\n"
        # A byte the file's encoding does not define stands as "?" in the article's text
        # (the file itself is kept whole); its fields are read from that text, as ingest's
        # workers read them.
        encoded = article.encode("utf-8", errors="replace")
        fields = _from_raw(exports_mediargus.fields(encoded.decode("utf-8")))
        start = len(out)
        out += encoded
        place += fields is not None
        kind = "article" if fields is not None else "remainder"
        pieces.append(Piece(kind, start, len(out), fields, place if fields else 0))
    if not place:
        return None
    return Export("mediargus", size, encoding, tuple(pieces), bytes(out))


def _europresse_text(lines: _Lines) -> list[_Cut]:
    cuts: list[_Cut] = []
    for kind, first, last in exports_html.europresse_text_cuts(lines.stripped):
        if kind == "article":
            fields = _from_raw(exports_html.europresse_text_fields(lines.stripped[first:last]))
            if fields is None:
                cuts.append(_Cut("remainder", first, len(lines)))
                return cuts
            cuts.append(_Cut("article", first, last, fields))
        else:
            cuts.append(_Cut(kind, first, last))
    return cuts


def _decode(data: bytes) -> tuple[str, str, int] | None:
    """(text, encoding, bytes of a byte-order mark before it), or None when not text."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(name), name, len(bom)
            except UnicodeDecodeError:
                return None
    if b"\x00" in data[:HEAD_BYTES]:
        return None
    try:
        return data.decode("utf-8"), "utf-8", 0
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="surrogateescape"), "cp1252", 0


class _Lines:
    """The text's lines without their line ends, with each line's start in bytes.

    Given the file's bytes (`data`) in an encoding whose line ends are the same single
    bytes as in the text (UTF-8, cp1252), the starts are found in the bytes, not by
    encoding every line again: a 38 MB export of 10,000 articles was split in 0.78 s at a
    216 MiB peak, with a list of every line ending kept beside the lines."""

    def __init__(self, text: str, encoding: str, prefix: int, data: bytes | None = None) -> None:
        self.text = _LINE_END.split(text)
        if self.text[-1] == "":  # the text ends with a line end (or is empty)
            self.text.pop()
        self.stripped = [line.strip() for line in self.text]  # most are the same objects
        if data is not None and encoding in ("utf-8", "cp1252"):
            self.starts = [prefix, *(m.end() for m in _LINE_END_BYTES.finditer(data, prefix))]
            if len(self.starts) == len(self.text):  # the last line has no line end
                self.starts.append(len(data))
            return
        self.starts = [prefix]
        position = prefix
        for line in _LINE.findall(text):
            position += len(line.encode(encoding, "surrogatepass"))
            self.starts.append(position)

    def __len__(self) -> int:
        return len(self.text)

    def blank(self, i: int) -> bool:
        return not self.stripped[i]


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_LINE_END = re.compile(r"\r\n|\r|\n")
_LINE_END_BYTES = re.compile(rb"\r\n|\r|\n")


@dataclass(slots=True)
class _Cut:
    """A piece in lines, [first, last) line indices."""

    kind: str
    first: int
    last: int
    fields: Fields | None = None


def _bytes(cuts: list[_Cut], lines: _Lines, size: int) -> list[Piece]:
    """Line cuts as byte pieces; what no cut covers becomes front matter, so that the
    pieces always cover the file."""
    pieces: list[Piece] = []
    position = 0
    place = 0
    for cut in cuts:
        start, end = lines.starts[cut.first], lines.starts[cut.last]
        if start > position:
            pieces.append(Piece("front", position, start))
        if end <= start:
            continue
        numbered = cut.kind == "article"
        place += numbered
        pieces.append(Piece(cut.kind, start, end, cut.fields, place if numbered else 0))
        position = end
    if position == 0 and lines.starts[0]:  # a byte-order mark alone before nothing
        pieces.insert(0, Piece("front", 0, lines.starts[0]))
        position = lines.starts[0]
    if position < size:
        pieces.append(Piece("front", position, size))
    # A byte-order mark before the first cut is front matter (covered above).
    return _merged(pieces)


def _merged(pieces: list[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for piece in pieces:
        if out and piece.kind == "front" and out[-1].kind == "front":
            out[-1] = Piece("front", out[-1].start, piece.end)
        else:
            out.append(piece)
    return out


def _trim(lines: _Lines, first: int, last: int) -> tuple[int, int]:
    """[first, last) without blank lines at either end."""
    while first < last and lines.blank(first):
        first += 1
    while last > first and lines.blank(last - 1):
        last -= 1
    return first, last


# --- LexisNexis classic ----------------------------------------------------------------

_LN_COVER = re.compile(
    r"^(?:Download Request|Time of Request|User ID|Send To|Terms|Search Terms|Source|"
    r"Print|Number of documents|Sort|Focus|Date/Time|Job Number)\s*:",
    re.I,
)
_UPPER_LABEL = re.compile(r"^([A-ZÀ-ÞŒ][A-ZÀ-ÞŒ\-/]*(?: [A-ZÀ-ÞŒ\-/]+){0,2}):(?:[ \t]+(.*))?$")

_LABELS: dict[str, str] = {}
for _name, _labels in {
    "headline": "headline|titel|titre|titolo|título|title|kop",
    "byline": "byline|autor|auteur|autore|author|by|door|von",
    "section": "section|rubrik|rubrique|rubriek|sezione|sección|seccion",
    "length": "length|länge|longueur|lengte|lunghezza|longitud|word count",
    "language": "language|sprache|langue|taal|lingua|idioma|language of publication",
    "load_date": "load-date|load date|update|ladedatum|date de chargement|laaddatum",
    "url": "url|document url",
    "document_id": "proquest document id",
    "copyright": "copyright",
    "publication": "publication title",
    "date_text": "publication date",
}.items():
    for _label in _labels.split("|"):
        _LABELS[_label] = _name


def _ln_classic(lines: _Lines) -> list[_Cut]:
    numbered = [
        (i, int(m.group(1)), int(m.group(2)))
        for i, line in enumerate(lines.text)
        if (m := _LN_DOCS_LINE.match(line))
    ]
    # Numbering that jumps ("7 of 10", then "8 of 383": documents pasted in from another
    # export) is no break: each numbered line opens a document; one without the
    # format's labels is where the format broke.
    cuts: list[_Cut] = []
    for k, (i, _number, _total) in enumerate(numbered):
        end = numbered[k + 1][0] if k + 1 < len(numbered) else len(lines)
        if k + 1 < len(numbered) and numbered[k + 1][1] == 1:
            end = _cover_start(lines, i + 1, end, _LN_COVER)  # another export's cover
        first, last = _trim(lines, i + 1, end)
        fields = _ln_fields(lines, first, last)
        if fields is None:
            cuts.append(_Cut("remainder", i, len(lines)))
            return cuts
        cuts.append(_Cut("article", first, last, fields))
    return cuts


def _cover_start(lines: _Lines, first: int, last: int, cover: re.Pattern[str]) -> int:
    """Where a cover page begins among lines [first, last): the start of the block of the
    first cover line found after the last line that is no cover's, else `last`."""
    for i in range(first, last):
        if cover.match(lines.stripped[i]):
            j = i
            while j > first and not lines.blank(j - 1):
                j -= 1
            return j
    return last


_LN_TRAILER = {"load_date", "language"}
_LN_TRAILER_LABELS = {"PUBLICATION-TYPE", "JOURNAL-CODE", "CORRECTION-DATE", "GRAPHIC", "NOTES"}


def _ln_fields(lines: _Lines, first: int, last: int) -> Fields | None:
    """The fields of a LexisNexis classic document: centred publication and date lines,
    the headline, upper-case LABEL: lines, the body after LENGTH, trailing labels."""
    values: dict[str, str] = {}
    other: list[tuple[str, str]] = []
    i = first
    # The header: centred lines (publication, date, edition, copyright) before the
    # first flush-left line or label.
    header: list[str] = []
    while i < last and (lines.blank(i) or lines.text[i][:1] in (" ", "\t")):
        if not lines.blank(i) and _UPPER_LABEL.match(lines.stripped[i]) is None:
            header.append(lines.stripped[i])
        elif not lines.blank(i):
            break
        i += 1
    if not header:  # not centred (a copy whose leading spaces were lost): publication,
        # then its date within the next lines, before the headline
        seen = [j for j in range(i, min(last, i + 12)) if not lines.blank(j)][:4]
        dated = next((n for n, j in enumerate(seen) if parse_date(lines.stripped[j])), None)
        if dated is not None and dated >= 1:
            header = [lines.stripped[j] for j in seen[: dated + 1]]
            i = seen[dated] + 1
    published = None
    for n, line in enumerate(header):
        if n == 0:
            values["publication"] = line
        elif "date_text" not in values and (day := parse_date(line)) is not None:
            values["date_text"], published = line, day
        elif _COPYRIGHT.match(line):
            values.setdefault("copyright", line)
        else:
            other.append(("", line))
    body: list[str] = []
    headline: list[str] = []
    in_body = False
    trailer = False
    label = None
    while i < last:
        line, stripped = lines.text[i], lines.stripped[i]
        match = _UPPER_LABEL.match(stripped) if line[:1] not in (" ", "\t") else None
        if match and (not in_body or not body or _is_ln_trailer(match.group(1))):
            label = match.group(1)
            value = (match.group(2) or "").strip()
            name = _LABELS.get(label.lower())
            if name in _LN_TRAILER or label in _LN_TRAILER_LABELS:
                trailer = True
                in_body = False
            if name == "length" and not trailer:
                in_body = True
            _put(values, other, name, label, value)
        elif not stripped:
            label = None
        elif in_body:
            body.append(stripped if not body or lines.blank(i - 1) else "\n" + stripped)
        elif label is not None:  # a label's value goes on over the next lines
            name = _LABELS.get(label.lower())
            _extend(values, other, name, label, stripped)
        elif trailer:  # the copyright block and what follows it
            if _COPYRIGHT.match(stripped) or "copyright" in values:
                values["copyright"] = " ".join(filter(None, [values.get("copyright"), stripped]))
            else:
                other.append(("", stripped))
        elif not values.get("length") and not any(k in values for k in ("byline", "section")):
            headline.append(stripped)
        else:  # text between labels before LENGTH: a body without a LENGTH line
            body.append(stripped if not body or lines.blank(i - 1) else "\n" + stripped)
        i += 1
    if "length" not in values and "load_date" not in values and "language" not in values:
        return None  # no LexisNexis labels at all: the format broke here
    if headline and "headline" not in values:
        values["headline"] = " ".join(headline)
    return _fields(values, other, published, body)


def _is_ln_trailer(label: str) -> bool:
    return _LABELS.get(label.lower()) in _LN_TRAILER or label in _LN_TRAILER_LABELS


_COPYRIGHT = re.compile(r"^(?:Copyright|©|\(c\)|Copyright ©)", re.I)


def _put(
    values: dict[str, str], other: list[tuple[str, str]], name: str | None, label: str, value: str
) -> None:
    if name is not None and name not in values:
        values[name] = value
    else:
        other.append((label, value))


def _extend(
    values: dict[str, str], other: list[tuple[str, str]], name: str | None, label: str, more: str
) -> None:
    if name is not None and values.get(name) is not None and (not other or other[-1][0] != label):
        values[name] = f"{values[name]} {more}".strip()
    elif other and other[-1][0] == label:
        other[-1] = (label, f"{other[-1][1]} {more}".strip())


def _fields(
    values: dict[str, str],
    other: list[tuple[str, str]],
    published: dt.date | None,
    body: list[str],
) -> Fields:
    if published is None and values.get("date_text"):
        published = parse_date(values["date_text"])
    text = "\n\n".join(" ".join(p.split("\n")).replace("  ", " ") for p in _paragraphs(body))
    return Fields(
        headline=values.get("headline") or None,
        byline=values.get("byline") or None,
        publication=values.get("publication") or None,
        date_text=values.get("date_text") or None,
        published=published,
        section=values.get("section") or None,
        length=values.get("length") or None,
        language=values.get("language") or None,
        load_date=values.get("load_date") or None,
        document_id=values.get("document_id") or None,
        url=values.get("url") or None,
        copyright=values.get("copyright") or None,
        other=tuple(other),
        body=text,
    )


def _paragraphs(body: list[str]) -> list[str]:
    """Body lines as paragraphs: a line starting with "\\n" continues the one before."""
    out: list[str] = []
    for line in body:
        if line.startswith("\n") and out:
            out[-1] += "\n" + line[1:]
        else:
            out.append(line.lstrip("\n"))
    return out


# --- Nexis Uni / Lexis+ ----------------------------------------------------------------

_NU_COVER = re.compile(
    r"^(?:User Name|Date and Time|Job Number|Documents \(\d+\)|Client/Matter|Search Terms|"
    r"Search Type|Narrowed by|Content Type|Benutzername|Datum und Uhrzeit|Auftragsnummer|"
    r"Dokumente \(\d+\)|Suchbegriffe|Nom d'utilisateur|Date et heure)\b",
    re.I,
)
_TITLE_LABEL = re.compile(r"^([A-ZÀ-Þ][\w\-/]*(?: [\w\-/]+){0,3}):(?:[ \t]+(.*))?$")
_NU_BODY = re.compile(r"^(?:Body|Text|Corps|Tekst|Cuerpo|Testo)$")
_NU_HEADER_LABELS = {
    "section", "length", "byline", "dateline", "highlight", "rubrik", "länge", "autor",
    "rubrique", "longueur", "auteur", "lengte", "rubriek",
}  # fmt: skip
_NU_TRAILER_LABELS = {
    "load-date", "classification", "language", "publication-type", "subject", "industry",
    "geographic", "person", "organization", "company", "ticker", "journal code", "graphic",
    "notes", "correction-date", "document-type", "url", "ladedatum", "sprache", "langue",
    "date de chargement", "taal",
}  # fmt: skip


def _nexis_uni(lines: _Lines) -> list[_Cut]:
    ends = [i for i, line in enumerate(lines.text) if _END_OF_DOC.match(line)]
    cuts: list[_Cut] = []
    start = 0
    for end in ends:
        first = _nu_start(lines, start, end)
        first, _ = _trim(lines, first, end)
        fields = _nu_fields(lines, first, end)
        if fields is None:
            cuts.append(_Cut("remainder", first, len(lines)))
            return cuts
        cuts.append(_Cut("article", first, end + 1, fields))
        start = end + 1
    first, last = _trim(lines, start, len(lines))
    if first < last:
        cuts.append(_Cut("remainder", first, len(lines)))
    return cuts


def _nu_start(lines: _Lines, first: int, end: int) -> int:
    """Where the article begins among lines [first, end): after any cover page, at the
    block (lines without a blank between) holding its headline, publication and date."""
    if not any(_NU_COVER.match(lines.stripped[i]) for i in range(first, min(end, first + 400))):
        return first
    for i in range(first, end):
        stripped = lines.stripped[i]
        match = _TITLE_LABEL.match(stripped)
        if (match and match.group(1).lower() in _NU_HEADER_LABELS) or _NU_BODY.match(stripped):
            j = i  # back over the copyright block and blank lines, to the header block
            while j > first and (lines.blank(j - 1) or _COPYRIGHT.match(lines.stripped[j - 1])):
                j -= 1
            while j > first and not lines.blank(j - 1):
                j -= 1
            # A headline set apart from its publication and date by a blank line: the
            # block above, unless it is the cover's (its labels, its list of titles).
            for _ in range(2):
                k = j
                while k > first and lines.blank(k - 1):
                    k -= 1
                top = k
                while top > first and not lines.blank(top - 1):
                    top -= 1
                block = lines.stripped[top:k]
                if not block or any(_NU_COVER.match(x) or _TOC_LINE.match(x) for x in block):
                    break
                if parse_date(" ".join(block)) is not None or len(block) > 3:
                    break
                j = top
            return j
    return first


_TOC_LINE = re.compile(r"^\d+\.\s")


def _nu_fields(lines: _Lines, first: int, end: int) -> Fields | None:
    values: dict[str, str] = {}
    other: list[tuple[str, str]] = []
    header: list[str] = []
    i = first
    # The header: headline, publication, date, edition, up to the copyright, the first
    # label or Body; blank lines between its lines are allowed.
    while i < end and len(header) < 10:
        stripped = lines.stripped[i]
        match = _TITLE_LABEL.match(stripped)
        label = match.group(1).lower() if match else ""
        if label in _NU_HEADER_LABELS or _NU_BODY.match(stripped) or _COPYRIGHT.match(stripped):
            break
        if stripped:
            header.append(stripped)
        i += 1
    published = None
    at = next((n for n, line in enumerate(header) if parse_date(line) is not None), None)
    if at is None:
        return None
    values["date_text"] = header[at]
    published = parse_date(header[at])
    if at >= 1:
        values["publication"] = header[at - 1]
    if at >= 2:
        values["headline"] = " ".join(header[: at - 1])
    other += [("", line) for line in header[at + 1 :]]
    body: list[str] = []
    in_body = False
    label = None
    seen_label = False
    while i < end:
        stripped = lines.stripped[i]
        match = _TITLE_LABEL.match(stripped)
        lower = match.group(1).lower() if match else ""
        if not in_body and _NU_BODY.match(stripped):
            in_body, label = True, None
        elif match and (
            (not in_body and (lower in _NU_HEADER_LABELS or lower in _NU_TRAILER_LABELS))
            or lower in _NU_TRAILER_LABELS
        ):
            in_body = False
            label, seen_label = match.group(1), True
            _put(values, other, _LABELS.get(lower), label, (match.group(2) or "").strip())
        elif not stripped:
            label = None
        elif in_body:
            body.append(stripped if not body or lines.blank(i - 1) else "\n" + stripped)
        elif label is not None:
            _extend(values, other, _LABELS.get(label.lower()), label, stripped)
        elif _COPYRIGHT.match(stripped) and "copyright" not in values:
            values["copyright"] = stripped
        else:
            other.append(("", stripped))
        i += 1
    if not seen_label and not body:
        return None
    return _fields(values, other, published, body)


# --- ProQuest --------------------------------------------------------------------------

_PQ_DOC_NUMBER = re.compile(r"^(?:Document|Dokument|Documento) \d+ (?:of|von|sur|de|di) \d+$")
_PQ_COVER = re.compile(
    r"^(?:Report Information from ProQuest|Table of contents|Inhaltsverzeichnis|"
    r"Table des matières|Tabla de contenido|Bibliography|Bibliografie|Bibliographie|"
    r"Bibliografía|Contact ProQuest|Kontakt zu ProQuest)\b",
    re.I,
)
# The body's label, and the labels that end it (everything after the body is labelled).
_PQ_FULL_TEXT = re.compile(r"^(?:Full text|Volltext|Texte intégral|Texto completo|Abstract):\s*")
_PQ_LABELS = {
    # label (lower case) -> field
    "title": "headline", "titel": "headline", "titre": "headline", "título": "headline",
    "author": "byline", "autor": "byline", "auteur": "byline",
    "publication title": "publication", "publikationstitel": "publication",
    "titre de la publication": "publication", "título de publicación": "publication",
    "publication date": "date_text", "erscheinungsdatum": "date_text",
    "date de publication": "date_text", "fecha de publicación": "date_text",
    "section": "section", "abschnitt": "section", "sección": "section",
    "language of publication": "language", "sprache der publikation": "language",
    "langue de publication": "language", "idioma de la publicación": "language",
    "proquest document id": "document_id", "proquest-dokument-id": "document_id",
    "id du document proquest": "document_id", "id del documento de proquest": "document_id",
    "document url": "url", "dokument-url": "url", "url du document": "url",
    "url del documento": "url",
    "copyright": "copyright", "word count": "length", "wortanzahl": "length",
}  # fmt: skip
_PQ_LABEL = re.compile(r"^([A-ZÀ-Þ][\w\-/ ]{0,40}?):(?:[ \t]+(.*))?$")


def _proquest(lines: _Lines) -> list[_Cut]:
    separators = [i for i, line in enumerate(lines.text) if _PQ_SEPARATOR.match(line)]
    bounds = [*separators, len(lines)]
    cuts: list[_Cut] = []
    start = 0
    for stop in bounds:
        first, last = _trim(lines, start, stop)
        start = stop + 1
        if first >= last:
            continue
        if _PQ_COVER.match(lines.stripped[first]):
            continue  # cover or back matter: front
        if _PQ_DOC_NUMBER.match(lines.stripped[first]):
            first, last = _trim(lines, first + 1, last)
        fields = _pq_fields(lines, first, last)
        if fields is None:
            cuts.append(_Cut("remainder", first, len(lines)))
            return cuts
        cuts.append(_Cut("article", first, last, fields))
    return cuts


def _pq_fields(lines: _Lines, first: int, last: int) -> Fields | None:
    values: dict[str, str] = {}
    other: list[tuple[str, str]] = []
    title: list[str] = []
    i = first
    while i < last and not lines.blank(i) and not _PQ_LABEL.match(lines.stripped[i]):
        title.append(lines.stripped[i])
        i += 1
    body: list[str] = []
    in_body = False
    label: str | None = None
    known = False
    while i < last:
        stripped = lines.stripped[i]
        full = _PQ_FULL_TEXT.match(stripped)
        match = _PQ_LABEL.match(stripped)
        lower = match.group(1).lower() if match else ""
        if full and not in_body:
            in_body, label, known = True, None, True
            name = "body" if not full.group(0).lower().startswith("abstract") else None
            if name is None:
                other.append(("Abstract", stripped[full.end() :]))
                in_body, label = False, "Abstract"
            elif rest := stripped[full.end() :]:
                body.append(rest)
        elif match and _pq_ends(lower) and (not in_body or _pq_ends(lower)):
            in_body = False
            label = match.group(1)
            known = known or _PQ_LABELS.get(lower) in ("document_id", "publication")
            _put(values, other, _PQ_LABELS.get(lower), label, (match.group(2) or "").strip())
        elif match and not in_body:
            label = match.group(1)
            other.append((label, (match.group(2) or "").strip()))
        elif not stripped:
            if not in_body:
                label = None
        elif in_body:
            body.append(stripped if not body or lines.blank(i - 1) else "\n" + stripped)
        elif label is not None:
            if label == "Abstract":
                other[-1] = ("Abstract", f"{other[-1][1]} {stripped}".strip())
            else:
                _extend(values, other, _PQ_LABELS.get(label.lower()), label, stripped)
        elif stripped.startswith(("http://", "https://")):
            other.append(("", stripped))
        else:
            other.append(("", stripped))
        i += 1
    if not known:
        return None
    if title and not values.get("headline"):
        values["headline"] = " ".join(title)
    elif not values.get("headline"):
        values.pop("headline", None)
    return _fields(values, other, None, body)


# Labels found after a ProQuest body; one of them at a line's start ends the body.
_PQ_OTHER_LABELS = {
    "subject", "location", "people", "company / organization", "identifier / keyword",
    "credit", "illustration", "caption", "pages", "publication year", "publisher",
    "place of publication", "country of publication", "publication subject", "issn",
    "e-issn", "source type", "document type", "last updated", "database", "dateline",
    "edition", "column", "volume", "issue", "publication info", "document feature",
    "accession number", "schlagwörter", "seiten", "datenbank", "dokumenttyp",
    "quellentyp", "base de données", "base de datos", "sujet", "materia", "links",
}  # fmt: skip


def _pq_ends(lower: str) -> bool:
    return lower in _PQ_OTHER_LABELS or lower in _PQ_LABELS


# --- Factiva ---------------------------------------------------------------------------

_FACTIVA_SUMMARY = re.compile(r"^(?:Search Summary|Suchzusammenfassung|Résumé de la recherche)")
_FACTIVA_CODE = re.compile(
    r"^(HD|BY|CR|WC|PD|ET|SN|SC|ED|PG|LA|CY|LP|TD|CT|RF|CO|IN|NS|RE|IPC|IPD|PUB|AN|SE|CLM|ART|"
    r"VOL|NGC|NGO)(?:[ \t]+(.*))?$"
)
_FACTIVA_FIELDS = {
    "HD": "headline",
    "BY": "byline",
    "WC": "length",
    "PD": "date_text",
    "SN": "publication",
    "LA": "language",
    "CY": "copyright",
    "SE": "section",
    "AN": "document_id",
}
_LANGUAGE_NAMES = {
    "english", "german", "deutsch", "french", "français", "spanish", "español", "dutch",
    "nederlands", "italian", "italiano", "portuguese", "português", "danish", "dansk",
    "swedish", "svenska", "norwegian", "norsk", "finnish", "suomi", "polish", "polski",
    "russian", "chinese", "japanese", "englisch", "französisch", "anglais", "allemand",
}  # fmt: skip


def _factiva(lines: _Lines) -> list[_Cut]:
    ends = [i for i, line in enumerate(lines.text) if _FACTIVA_DOC.match(line)]
    cuts: list[_Cut] = []
    start = 0
    for end in ends:
        first, _ = _trim(lines, start, end)
        fields = _factiva_fields(lines, first, end)
        if fields is None:
            cuts.append(_Cut("remainder", first, len(lines)))
            return cuts
        cuts.append(_Cut("article", first, end + 1, fields))
        start = end + 1
    first, last = _trim(lines, start, len(lines))
    if first < last and not _FACTIVA_SUMMARY.match(lines.stripped[first]):
        cuts.append(_Cut("remainder", first, len(lines)))
    return cuts


def _factiva_fields(lines: _Lines, first: int, end: int) -> Fields | None:
    document_id = _FACTIVA_DOC.match(lines.text[end])
    assert document_id is not None
    if _FACTIVA_CODE.match(lines.stripped[first] if first < end else "") and lines.text[
        first
    ].startswith("HD"):
        return _factiva_coded(lines, first, end, document_id.group(1))
    return _factiva_plain(lines, first, end, document_id.group(1))


def _factiva_coded(lines: _Lines, first: int, end: int, document_id: str) -> Fields | None:
    values: dict[str, str] = {}
    other: list[tuple[str, str]] = []
    body: list[str] = []
    code = None
    for i in range(first, end + 1):
        line, stripped = lines.text[i], lines.stripped[i]
        match = _FACTIVA_CODE.match(line)
        if match:
            code = match.group(1)
            value = (match.group(2) or "").strip()
            if code in ("LP", "TD"):
                if value:
                    body.append(value)
            elif code == "AN":
                values["document_id"] = document_id
            else:
                _put(values, other, _FACTIVA_FIELDS.get(code), code, value)
        elif not stripped:
            continue
        elif code in ("LP", "TD"):
            before = _FACTIVA_CODE.match(lines.text[i - 1])
            opened = before is None or bool(before.group(2))  # a code line with its text
            joined = body and not lines.blank(i - 1) and opened
            body.append("\n" + stripped if joined else stripped)
        elif code == "AN" or _FACTIVA_DOC.match(line):
            values["document_id"] = document_id
        elif code is not None:
            _extend(values, other, _FACTIVA_FIELDS.get(code), code, stripped)
    values["document_id"] = document_id
    return _fields(values, other, None, body)


def _factiva_plain(lines: _Lines, first: int, end: int, document_id: str) -> Fields | None:
    """Headline, byline, "532 words", date, [time], publication, source code, [edition,
    page], language, copyright; then the body up to the Document line."""
    values: dict[str, str] = {"document_id": document_id}
    other: list[tuple[str, str]] = []
    text = [(i, lines.stripped[i]) for i in range(first, end) if not lines.blank(i)]
    words = next((n for n, (_, line) in enumerate(text[:12]) if _FACTIVA_WC.match(line)), None)
    if words is None:
        return None
    before = [line for _, line in text[:words]]
    # Above the word count: [section,] headline [, byline]. A section ("Business") sits
    # above the headline in some exports; a second line is the byline when it reads
    # like one, else the headline under a section.
    if len(before) >= 3 or (len(before) == 2 and not _looks_like_byline(before[1])):
        other.append(("", before[0]))
        before = before[1:]
    if before:
        values["headline"] = before[0]
    if len(before) > 1:
        values["byline"] = " ".join(before[1:])
    values["length"] = text[words][1]
    header_end = words
    rest = text[words + 1 : words + 12]
    published = None
    n = 0
    if rest and (published := parse_date(rest[0][1])) is not None:
        values["date_text"] = rest[0][1]
        n = 1
    if n < len(rest) and re.match(r"^\d{1,2}[:.]\d{2}(?:\s*(?:GMT|[AP]M))?$", rest[n][1]):
        other.append(("", rest[n][1]))
        n += 1
    if n < len(rest):
        values["publication"] = rest[n][1]
        n += 1
    header_end = words + n
    # Source code, edition, page, language, copyright: up to the copyright line, or the
    # language line when there is none.
    stop = next((k for k in range(n, len(rest)) if _COPYRIGHT.match(rest[k][1])), None)
    if stop is None:
        stop = next((k for k in range(n, len(rest)) if rest[k][1].lower() in _LANGUAGE_NAMES), None)
    if stop is not None:
        for k in range(n, stop + 1):
            line = rest[k][1]
            if _COPYRIGHT.match(line):
                values["copyright"] = line
            elif line.lower() in _LANGUAGE_NAMES and "language" not in values:
                values["language"] = line
            else:
                other.append(("", line))
        header_end = words + stop + 1
    body_from = text[header_end][0] + 1 if header_end < len(text) else end
    body: list[str] = []
    for i in range(body_from, end):
        if not lines.blank(i):
            line = lines.stripped[i]
            body.append(line if not body or lines.blank(i - 1) else "\n" + line)
    return _fields(values, other, published, body)


_BYLINE_START = re.compile(r"^(?:By|BY|by|Von|VON|Par|PAR|Por|POR|Door|Di|Af|Av)\s")
_NAME = re.compile(
    r"^[A-ZÀ-Þ][\w'’.-]*(?:\s+(?:[A-ZÀ-Þ][\w'’.-]*|van|von|de|der|da|di|du|la|le))+$"
)


def _looks_like_byline(line: str) -> bool:
    """ "By Jane Doe", "Von Jonas Berg", or a name of two to five words ("Jane Doe",
    "Jean de la Fontaine"), maybe several joined by "and" or commas."""
    if _BYLINE_START.match(line):
        return True
    names = re.split(r",\s*|\s+(?:and|und|et|y|en)\s+", line)
    return all(2 <= len(n.split()) <= 5 and _NAME.match(n) for n in names if n)


_SPLITTERS: dict[str, Callable[[_Lines], list[_Cut]]] = {
    "lexisnexis": _ln_classic,
    "nexis-uni": _nexis_uni,
    "proquest": _proquest,
    "factiva": _factiva,
    "europresse": _europresse_text,
}


# --- dates -----------------------------------------------------------------------------

_MONTH_NAMES: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan januar janvier januari enero gennaio janeiro jänner",
        "february feb februar février fevrier februari febrero febbraio fevereiro",
        "march mar märz maerz mars maart marzo março",
        "april apr avril abril aprile",
        "may mai mei mayo maggio maio",
        "june jun juni juin junio giugno junho",
        "july jul juli juillet julio luglio julho",
        "august aug août aout augustus agosto",
        "september sep sept septembre septiembre settembre setembro",
        "october oct oktober octobre octubre ottobre outubro okt",
        "november nov novembre noviembre novembro",
        "december dec dezember décembre decembre diciembre dicembre dezembro dez",
    ),
    start=1,
):
    for _month in _names.split():
        _MONTH_NAMES[_month] = _number

_MONTH_RE = "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))
_DATE_PATTERNS: Sequence[tuple[re.Pattern[str], tuple[str, str, str]]] = (
    # January 11, 2010 Monday; Jan 11, 2020
    (re.compile(rf"\b({_MONTH_RE})\.? (\d{{1,2}}),? (\d{{4}})\b", re.I), ("m", "d", "y")),
    # 11 January 2020; 11. Januar 2020; 11 de enero de 2020
    (
        re.compile(rf"\b(\d{{1,2}})\.? (?:de )?({_MONTH_RE})\.?,? (?:de )?(\d{{4}})\b", re.I),
        ("d", "m", "y"),
    ),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), ("y", "m", "d")),
    (re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b"), ("d", "m", "y")),  # 30.01.2020
)


def parse_date(text: str) -> dt.date | None:
    """The date an export's date field states ("January 11, 2010 Monday", "11 January
    2020", "11. Januar 2020", "2020-01-11"), or None."""
    if len(text) > 120 or not any(c.isdigit() for c in text):
        return None
    text = text.replace("1er ", "1 ")  # French: "1er janvier 2020"
    for pattern, order in _DATE_PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        parts = dict(zip(order, match.groups(), strict=True))
        month = parts["m"]
        number = int(month) if month.isdigit() else _MONTH_NAMES.get(month.lower())
        if number is None:
            continue
        try:
            return dt.date(int(parts["y"]), number, int(parts["d"]))
        except ValueError:
            continue
    return None
