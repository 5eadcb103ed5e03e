"""News-database exports: one file, many articles. Bytes in, the file's pieces out.

LexisNexis, Nexis Uni, ProQuest, Factiva, Europresse and Mediargus deliver tens to hundreds
of articles per file. `split(data)` recognises such a file by content and cuts it into
pieces that cover it exactly, in order: the articles (each with its fields read), the
matter around them (cover pages, "N of M DOCUMENTS" lines, separators, blank lines between
articles, back matter) and, where the format breaks, the rest of the file kept whole.
Concatenating the pieces' bytes gives the file back, byte for byte. Exports delivered as
HTML (Europresse, Factiva) are read in `html`, each article its element's bytes;
Mediargus (a list of titles, then the texts) in `mediargus`, whose articles are
no runs of the file's bytes: the file is kept whole beside them (`Export.text`).

An article's piece is its own text only, from its first line to its last (no numbering, no
blank lines around it), so the same article found in two exports has the same bytes.

Pure functions, no I/O; `detect.looks_like_export` is a cheap look at the file's first
bytes, so that single-article files pay next to nothing for the check. The text formats
are cut and read one family a module (`lexisnexis` with Nexis Uni, `proquest`, `factiva`),
on the lines of `lines`, into the `fields.Fields` of each article. A pattern of another
module is used through its module (`fields.COPYRIGHT.match`), as in the parser: an imported
name's `.match(...)` would make a bound method at every call.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from newsarchive.text.exports import factiva, html, lexisnexis, mediargus
from newsarchive.text.exports.detect import HEAD_BYTES, looks_like_export
from newsarchive.text.exports.factiva import factiva_cuts, factiva_fields
from newsarchive.text.exports.fields import Fields, build_fields
from newsarchive.text.exports.lexisnexis import (
    lexisnexis_cuts,
    lexisnexis_fields,
    nexis_uni_cuts,
    nexis_uni_fields,
)
from newsarchive.text.exports.lines import Cut, Lines, trim
from newsarchive.text.exports.proquest import proquest_cuts, proquest_fields

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

    def indexed(self, data: bytes) -> bytes:
        """The bytes the pieces index: the articles' own text when they have one, else
        `data`, the bytes this export was split from."""
        return data if self.text is None else self.text

    @property
    def remainder(self) -> Piece | None:
        return next((p for p in self.pieces if p.kind == "remainder"), None)


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


def split(data: bytes, format: str = "auto", read: bool = True) -> Export | None:
    """The file's pieces, when it is an export (in `format`, or any when "auto"); None
    when it is not one, or no article of it could be read. `read`: with each article's
    fields; without, a text export is cut where the same reading would cut it, and its
    fields are left for later (`article_fields`: what ingest's workers do)."""
    if data[:1] in (b"\xff", b"\xfe") and (markup := _utf16_markup(data)) is not None:
        named = html.html_format(markup) if format == "auto" else format
        if named in HTML_FORMATS:
            return _split_utf16_html(data, markup, named)
    if format == "auto":
        guess = looks_like_export(data)
        if guess is None:
            return None
        formats = [guess, *(f for f in FORMATS if f != guess)]
    else:
        formats = [format]
    if formats[0] in HTML_FORMATS and html.looks_like_html(data):
        return _split_html(data, formats[0])
    decoded = _decode(data)
    if decoded is None:
        return None
    text, encoding, prefix = decoded
    if formats[0] == "mediargus":
        return _split_mediargus(text, encoding, len(data), read)
    lines = Lines(text, encoding, prefix, data)
    del text, decoded  # the lines hold it
    for name in formats:
        pieces = _SPLITTERS[name](lines, read)
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


def article_fields(format: str, data: bytes, text: str | None = None) -> Fields | None:
    """The fields of one article's piece, cut from an export in `format` (as `split` read
    them), or None when the bytes are not such an article. `text`: the bytes as
    decode.decode_text read them in UTF-8 (encoding "utf-8" or "utf-8-sig"), not decoded
    again here. It is the text `_decode` gives (UTF-8, a byte-order mark dropped) but for
    its line ends, CRLF and CR made LF, which no reader of a text export sees: `Lines` and
    `str.splitlines` cut at each of them alike."""
    if format in HTML_FORMATS and html.looks_like_html(data):
        return _html_fields(format, data)
    if format in HTML_FORMATS and (markup := _utf16_markup(data)) is not None:
        return _html_fields(format, markup)
    if text is not None:
        decoded: tuple[str, str, int] | None = (text, "utf-8", _utf8_mark(data))
    else:
        decoded = _decode(data)
    if decoded is None or format not in FORMATS:
        return None
    if format == "mediargus":
        return _from_raw(mediargus.fields(decoded[0]))
    lines = Lines(*decoded, data)
    first, last = trim(lines, 0, len(lines))
    if first >= last:
        return None
    if format == "lexisnexis":
        return lexisnexis_fields(lines, first, last)
    if format == "proquest":
        return proquest_fields(lines, first, last)
    if format == "europresse":
        return _from_raw(html.europresse_text_fields(lines.stripped[first:last]))
    end = last - 1  # the "End of Document" or "Document ID" line that closes the article
    if format == "nexis-uni":
        return (
            nexis_uni_fields(lines, first, end)
            if lexisnexis.END_OF_DOC.match(lines.text[end])
            else None
        )
    return factiva_fields(lines, first, end) if factiva.FACTIVA_DOC.match(lines.text[end]) else None


def _utf8_mark(data: bytes) -> int:
    """The bytes of a UTF-8 byte-order mark `data` opens with."""
    return len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0


def _from_raw(raw: html.Raw | None) -> Fields | None:
    return None if raw is None else build_fields(*raw)


def _split_html(data: bytes, format: str) -> Export | None:
    """An HTML export's pieces: each article element's bytes, what lies between them
    front matter; from an element that cannot be read on, the rest kept whole."""
    decoded = _decode(data)
    if decoded is None:
        return None
    pieces: list[Piece] = []
    position = place = 0
    for start, end in html.spans(data, format):
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


# The UTF-16 byte-order marks, and the codec each one names.
_UTF16_MARKS = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def _utf16_codec(data: bytes) -> str | None:
    """The UTF-16 codec the file's byte-order mark names, if it opens with one."""
    return next((name for bom, name in _UTF16_MARKS if data.startswith(bom)), None)


def _utf16_markup(data: bytes) -> bytes | None:
    """A UTF-16 file's markup as UTF-8 (what the HTML readers read), when it opens with a
    byte-order mark and then markup; None otherwise (a text export in UTF-16 is decoded
    once, where it is split, not here as well)."""
    codec = _utf16_codec(data)
    if codec is None:
        return None
    if not data[2:130].decode(codec, errors="ignore").lstrip(" \t\r\n").startswith("<"):
        return None
    try:
        return data[2:].decode(codec).encode("utf-8")
    except UnicodeDecodeError:
        return None


def _split_utf16_html(data: bytes, markup: bytes, format: str) -> Export | None:
    """A UTF-16 HTML export (Windows' "Unicode"), split as its UTF-8 form is, each piece's
    bounds moved to the file's own bytes: an article's piece is its element's UTF-16 bytes
    and the byte-order mark is front matter, so that the pieces cover the file."""
    found = _split_html(markup, format)
    if found is None:
        return None
    codec = _utf16_codec(data) or "utf-16-le"  # split only calls this after a mark
    bom = len(codecs.BOM_UTF16_LE)
    # Every bound is before a tag's "<", after its ">" or at the end: between characters,
    # so that each stretch between two bounds decodes alone.
    bounds = sorted({b for p in found.pieces for b in (p.start, p.end)})
    moved: dict[int, int] = {}
    at, position = 0, bom
    for bound in bounds:
        position += len(markup[at:bound].decode("utf-8").encode(codec))
        moved[bound], at = position, bound
    pieces = [Piece(p.kind, moved[p.start], moved[p.end], p.fields, p.place) for p in found.pieces]
    if pieces[0].kind == "front":
        pieces[0] = Piece("front", 0, pieces[0].end)
    else:
        pieces.insert(0, Piece("front", 0, bom))
    return Export(format, len(data), codec, tuple(pieces))


def _html_fields(format: str, data: bytes) -> Fields | None:
    """An article element's fields, read by the roles its markup gives; Factiva's
    field-code table, which marks no roles, read from its text rendering."""
    decoded = _decode(data)
    if decoded is None:
        return None
    markup = decoded[0]
    if format == "europresse":
        return _from_raw(html.europresse_fields(markup))
    fields = _from_raw(html.factiva_fields(markup))
    if fields is not None:
        return fields
    lines = Lines(html.render(markup), "utf-8", 0)
    cuts = factiva_cuts(lines)
    articles = [cut for cut in cuts if cut.kind == "article"]
    return articles[0].fields if len(articles) == 1 and len(cuts) == 1 else None


def _split_mediargus(text: str, encoding: str, size: int, read: bool) -> Export | None:
    """A Mediargus export's articles, each its list entry and its text (as
    mediargus gives them), in a text of their own that the pieces index; `read`: with
    their fields."""
    out = bytearray()
    pieces: list[Piece] = []
    place = 0
    for article in mediargus.articles(text):
        if out:
            pieces.append(Piece("front", len(out), len(out) + 1))
            out += b"\n"
        # A byte the file's encoding does not define stands as "?" in the article's text
        # (the file itself is kept whole); its fields are read from that text, as ingest's
        # workers read them.
        encoded = article.encode("utf-8", errors="replace")
        readable = encoded.decode("utf-8")
        # Without `read`, whether it is an article, not its fields (mediargus.holds).
        raw = mediargus.fields(readable) if read else None
        holds = raw is not None if read else mediargus.holds(readable)
        start = len(out)
        out += encoded
        place += holds
        kind = "article" if holds else "remainder"
        pieces.append(Piece(kind, start, len(out), _from_raw(raw), place if holds else 0))
    if not place:
        return None
    return Export("mediargus", size, encoding, tuple(pieces), bytes(out))


def _europresse_text(lines: Lines, read: bool = True) -> list[Cut]:
    cuts: list[Cut] = []
    for kind, first, last in html.europresse_text_cuts(lines.stripped):
        if kind == "article":
            piece = lines.stripped[first:last]
            fields = _from_raw(html.europresse_text_fields(piece)) if read else None
            if fields is None and (read or not html.europresse_text_holds(piece)):
                cuts.append(Cut("remainder", first, len(lines)))
                return cuts
            cuts.append(Cut("article", first, last, fields))
        else:
            cuts.append(Cut(kind, first, last))
    return cuts


def _decode(data: bytes) -> tuple[str, str, int] | None:
    """(text, encoding, bytes of a byte-order mark before it), or None when not text."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), *_UTF16_MARKS):
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


def _bytes(cuts: list[Cut], lines: Lines, size: int) -> list[Piece]:
    """Line cuts as byte pieces; what no cut covers becomes front matter, so that the
    pieces always cover the file."""
    pieces: list[Piece] = []
    position = 0
    place = 0
    for cut in cuts:
        start, end = lines.start(cut.first), lines.start(cut.last)
        if start > position:
            pieces.append(Piece("front", position, start))
        if end <= start:
            continue
        numbered = cut.kind == "article"
        place += numbered
        pieces.append(Piece(cut.kind, start, end, cut.fields, place if numbered else 0))
        position = end
    if position == 0 and lines.start(0):  # a byte-order mark alone before nothing
        pieces.insert(0, Piece("front", 0, lines.start(0)))
        position = lines.start(0)
    if position < size:
        pieces.append(Piece("front", position, size))
    # A byte-order mark before the first cut is front matter (covered above).
    return merged(pieces)


def merged(pieces: list[Piece]) -> list[Piece]:
    """The pieces with front matter that follows front matter joined to it."""
    out: list[Piece] = []
    for piece in pieces:
        if out and piece.kind == "front" and out[-1].kind == "front":
            out[-1] = Piece("front", out[-1].start, piece.end)
        else:
            out.append(piece)
    return out


_SPLITTERS: dict[str, Callable[[Lines, bool], list[Cut]]] = {
    "lexisnexis": lexisnexis_cuts,
    "nexis-uni": nexis_uni_cuts,
    "proquest": proquest_cuts,
    "factiva": factiva_cuts,
    "europresse": _europresse_text,
}
