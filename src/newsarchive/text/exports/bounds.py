"""Where an export's pieces lie, without reading their fields: what ingest needs of a file,
whose workers read each article's fields once, as they parse it.

`bounds(data, format)` gives the pieces `split` gives (kind, bytes, place), without fields.
A LexisNexis classic, Nexis Uni, ProQuest or Factiva export in UTF-8 or cp1252 (the common
case, and tens of MB) is cut a document at a time: the lines that bound its documents ("N
of M DOCUMENTS", "End of Document", a line of underscores, "Document" and its number) are
found in the bytes, each document is decoded and read as lines on its own (the file is
never one list of lines), and whether it is an article or where the format broke is told
by the format's `*_holds`, the decision `split` takes by reading every field. A 38 MB
export of 10,000 articles: 0.8 s and a line list of the whole file in `split`; cut a
document at a time rather than as one list of lines, Nexis Uni 0.60 -> 0.55 s, ProQuest
0.43 -> 0.25 s and Factiva 0.37 -> 0.24 s (CPU, medians of 3 on a busy machine). Europresse's
text rendering is cut so too, from its document numbers (`_europresse`). Mediargus's text
is split without reading its articles' fields (`split(..., read=False)`), and an HTML
export's fields are dropped.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
from collections.abc import Callable

from newsarchive.text.exports import HTML_FORMATS, Export, Piece, html, merged, split
from newsarchive.text.exports.detect import HEAD_BYTES, looks_like_export
from newsarchive.text.exports.factiva import FACTIVA_DOC, FACTIVA_SUMMARY, factiva_holds
from newsarchive.text.exports.html import looks_like_html
from newsarchive.text.exports.lexisnexis import (
    END_OF_DOC,
    LN_COVER,
    LN_DOCS_LINE,
    cover_start,
    lexisnexis_holds,
    nexis_uni_first,
    nexis_uni_holds,
)
from newsarchive.text.exports.lines import Lines, trim
from newsarchive.text.exports.proquest import PQ_SEPARATOR, proquest_document, proquest_holds


def bounds(data: bytes, format: str = "auto") -> Export | None:
    """`split(data, format)`'s pieces without their fields, or None where it gives None."""
    if data[:1] not in (b"\xff", b"\xfe"):  # else maybe UTF-16 markup: split looks first
        guess = looks_like_export(data) if format == "auto" else format
        if guess is None:  # nearly every file ingest reads: looked at once, as split does
            return None
        # (A Factiva export delivered as HTML is split as such: split looks first.)
        if guess in _BY_DOCUMENT and not (guess in HTML_FORMATS and looks_like_html(data)):
            return _by_document(data, guess)
    export = split(data, format, read=False)
    if export is None or all(p.fields is None for p in export.pieces):
        return export  # a text export's pieces: cut without their fields already
    pieces = tuple(dataclasses.replace(p, fields=None) for p in export.pieces)  # HTML's
    return dataclasses.replace(export, pieces=pieces)


# What every line that bounds a document holds, found in the bytes: UMENT in every word a
# "N of M DOCUMENTS" line may end in; "ument" in a Factiva document's line, and in any case
# in an End of Document line, in any of its languages (no letter past ASCII is any of these
# five to a pattern ignoring case); twenty underscores in a ProQuest separator line.
_DOCUMENT = b"UMENT"
_UMENT = b"ument"
_UNDERSCORES = b"_" * 20
_LINE_END = re.compile(rb"[\r\n]")
_CHUNK = 1 << 20

_Span = tuple[str, int, int]  # kind, start and end in the file's bytes


def _by_document(data: bytes, format: str) -> Export | None:
    """A text export in UTF-8 or cp1252 cut a document at a time (see the module's
    docstring): the lines that bound its documents found in the bytes, and each document
    decoded and read as lines on its own."""
    found = _encoding(data)
    if found is None:
        return None
    encoding, prefix = found
    errors = "surrogateescape" if encoding == "cp1252" else "strict"
    spans = _BY_DOCUMENT[format](_ExportBytes(data, prefix, encoding, errors))
    pieces: list[Piece] = []
    position = place = 0
    for kind, start, end in spans:
        if start > position:
            pieces.append(Piece("front", position, start))
        place += kind == "article"
        pieces.append(Piece(kind, start, end, None, place if kind == "article" else 0))
        position = end
    if not place:
        return None
    if position < len(data):
        pieces.append(Piece("front", position, len(data)))
    return Export(format, len(data), encoding, tuple(merged(pieces)))


@dataclasses.dataclass(frozen=True, slots=True)
class _ExportBytes:
    """A text export's bytes, decoded a stretch at a time."""

    data: bytes
    prefix: int  # the bytes of a byte-order mark
    encoding: str
    errors: str

    def lines(self, start: int, end: int) -> Lines:
        chunk = self.data[start:end]
        return Lines(chunk.decode(self.encoding, self.errors), self.encoding, 0, chunk)

    def marked(
        self, word: bytes, line: re.Pattern[str], fold: bool = False, strip: bool = False
    ) -> list[_Marked]:
        """Each line `line` matches as decoded (as split matches every line; `strip`: its
        padding stripped first), looked for where `word` is (in ASCII lower case, `fold`),
        which every such line holds: (its start, the next line's start, the match). Found
        by bytes.find, not an expression: one for DO[CK]UMENT took 0.3 s of a 38 MB
        export's 0.6."""
        data, out = self.data, []
        find = _finder(data, word, fold)
        at = find(self.prefix)
        while at >= 0:
            start = _line_start(data, at, self.prefix)
            ending = _LINE_END.search(data, at + len(word))
            end = ending.start() if ending else len(data)
            after = end + (2 if data[end : end + 2] == b"\r\n" else 1) if ending else end
            decoded = data[start:end].decode(self.encoding, self.errors)
            match = line.match(decoded.strip() if strip else decoded)
            if match is not None:
                out.append((start, after, match))
            at = find(after) if after < len(data) else -1
        return out


def _finder(data: bytes, word: bytes, fold: bool) -> Callable[[int], int]:
    """Where `word` is next in `data` from a place on; `fold`: in the bytes lowered (ASCII
    letters alone: the places are the same), a window of _CHUNK at a time."""
    if not fold:
        return lambda at: data.find(word, at)
    start, window = -1, b""  # where the lowered window starts, and its bytes

    def find(at: int) -> int:
        nonlocal start, window
        while at < len(data):
            low = at - at % _CHUNK
            if start != low:  # past its end, a word's length less a byte more
                start, window = low, data[low : low + _CHUNK + len(word) - 1].lower()
            found = window.find(word, at - low)
            if found >= 0:
                return low + found
            at = low + _CHUNK
        return -1

    return find


_Marked = tuple[int, int, re.Match[str]]


def _lexisnexis(document: _ExportBytes) -> list[_Span]:
    numbered = document.marked(_DOCUMENT, LN_DOCS_LINE)
    spans: list[_Span] = []
    for k, (line, start, _match) in enumerate(numbered):
        following = numbered[k + 1] if k + 1 < len(numbered) else None
        lines = document.lines(start, following[0] if following else len(document.data))
        end = len(lines)
        if following is not None and int(following[2].group(1)) == 1:
            end = cover_start(lines, 0, end, LN_COVER)  # another export's cover
        first, last = trim(lines, 0, end)
        if not lexisnexis_holds(lines, first, last):
            spans.append(("remainder", line, len(document.data)))
            break
        spans.append(("article", start + lines.start(first), start + lines.start(last)))
    return spans


def _nexis_uni(document: _ExportBytes) -> list[_Span]:
    """Each document ends at its End of Document line, after any cover (nexis_uni_cuts)."""
    ends = document.marked(_UMENT, END_OF_DOC, fold=True)
    return _ended(document, ends, nexis_uni_first, nexis_uni_holds)


def _factiva(document: _ExportBytes) -> list[_Span]:
    """Each document ends at its "Document ..." line; a search summary may follow the last
    (factiva_cuts)."""
    ends = document.marked(_UMENT, FACTIVA_DOC)
    return _ended(
        document,
        ends,
        lambda lines, start, end: trim(lines, start, end)[0],
        factiva_holds,
        FACTIVA_SUMMARY,
    )


def _ended(
    document: _ExportBytes,
    ends: list[_Marked],
    first_of: Callable[[Lines, int, int], int],
    holds: Callable[[Lines, int, int], bool],
    summary: re.Pattern[str] | None = None,
) -> list[_Span]:
    """The documents of an export whose each document ends at a line of its own (`ends`):
    where one starts (`first_of` lines, 0, its end line) and whether it is an article
    (`holds`), as the format's cuts decide; what follows the last is kept whole when not
    blank, unless a `summary` line opens it (it is then front matter)."""
    size = len(document.data)
    spans: list[_Span] = []
    start = document.prefix
    for _line, after, _match in ends:
        lines = document.lines(start, after)
        end = len(lines) - 1  # the document's last line
        first = first_of(lines, 0, end)
        if not holds(lines, first, end):
            return [*spans, ("remainder", start + lines.start(first), size)]
        spans.append(("article", start + lines.start(first), after))
        start = after
    lines = document.lines(start, size)
    first, last = trim(lines, 0, len(lines))
    if first < last and (summary is None or not summary.match(lines.stripped[first])):
        spans.append(("remainder", start + lines.start(first), size))
    return spans


def _proquest(document: _ExportBytes, head_bytes: int = 1024, tail_bytes: int = 256) -> list[_Span]:
    """Documents lie between separator lines, some of them covers (proquest_cuts).

    A document is read as lines on its own, but for its first lines and its last where
    they tell (its body's label under its title, a generated article's 340 bytes in at
    the median, 840 at most): its first line, whether it is a cover, where it begins,
    that it holds an article (what proquest_holds finds in the first lines it finds in
    all: the title ends there, and the first label it looks for is there), and where its
    last line of text ends. Each is a run of whole lines (cut after a LF, the lines the
    same as the document's first and last), and where either tells nothing (blank, or no
    label found) the document is read whole. (`head_bytes` and `tail_bytes`: about how
    many bytes of each are read.)"""
    size, data = len(document.data), document.data
    spans: list[_Span] = []
    start = document.prefix
    separators = document.marked(_UNDERSCORES, PQ_SEPARATOR)
    for stop, after in [*((line, after) for line, after, _ in separators), (size, size)]:
        if stop - start > head_bytes + tail_bytes:
            cut = data.rfind(b"\n", start, start + head_bytes) + 1
            tail = data.rfind(b"\n", start, stop - tail_bytes) + 1
            head = document.lines(start, cut) if cut > start and tail > start else None
            if head is not None and trim(head, 0, len(head))[0] < len(head):
                found = proquest_document(head, 0, len(head))
                if found is None:  # its first line, in the head: a cover
                    start = after
                    continue
                if proquest_holds(head, *found):
                    end = document.lines(tail, stop)
                    last_first, last = trim(end, 0, len(end))
                    if last_first < last:
                        first_at, last_at = start + head.start(found[0]), tail + end.start(last)
                        spans.append(("article", first_at, last_at))
                        start = after
                        continue
        lines = document.lines(start, stop)
        found = proquest_document(lines, 0, len(lines))
        if found is not None:
            first, last = found
            if not proquest_holds(lines, first, last):
                return [*spans, ("remainder", start + lines.start(first), size)]
            spans.append(("article", start + lines.start(first), start + lines.start(last)))
        start = after
    return spans


# The middle dot every Europresse document number holds ("news·20200114·GV·..."), in the
# bytes of each encoding a text export is cut in (in UTF-8 no other character's bytes
# hold these two; in cp1252 the byte is that character alone).
_MIDDLE_DOT = {"utf-8": "·".encode(), "cp1252": "·".encode("cp1252")}


def _europresse(document: _ExportBytes) -> list[_Span]:
    """Europresse's text rendering (html.europresse_text_cuts, then the article-or-break
    decision of exports._europresse_text), a document at a time, never one line list of
    the file. Each article ends at its number's line; a number under nothing but blank
    lines and Europresse's notices (the certificate's, the number again) ends the article
    before it, so an article's end, and whether it is one (europresse_text_holds: three
    lines of text or more, the last its number, which it always is here), are known once
    the next number is found: the articles are gathered first, as [start, end, lines of
    text], and decided after. Only whether an article has three lines of text is asked, so
    they are counted to three at most."""
    size = len(document.data)
    numbers = document.marked(_MIDDLE_DOT[document.encoding], html.EP_ID_LINE, strip=True)
    found: list[list[int]] = []
    start = document.prefix
    for line, after, _match in numbers:
        begin, texts = _opening(document, start, line)  # the lines above the number
        if begin is not None:
            found.append([begin, after, texts + 1])  # the number's line is one of them
        elif found:  # a number again, under the article's: its too
            found[-1][1] = after
            found[-1][2] += texts + 1
        start = after
    spans: list[_Span] = []
    for begin, end, texts in found:
        if texts < 3:
            return [*spans, ("remainder", begin, size)]
        spans.append(("article", begin, end))
    if found:
        lines = document.lines(start, size)
        stripped = lines.stripped
        if any(line and not html.EP_NOTICE.match(line) for line in stripped):
            first = next(i for i, line in enumerate(stripped) if line)
            spans.append(("remainder", start + lines.start(first), size))
    return spans


def _opening(document: _ExportBytes, start: int, end: int) -> tuple[int | None, int]:
    """Of the lines [start, end) of an Europresse document above its number's line: where
    the first line of text that is not one of Europresse's notices starts (None: there is
    none), and the lines of text from it on (else all of them), counted to 2 at most.

    Read a line at a time from the top, each decoded alone: the text starts a line or two
    below the notice that opens the document, and decoding the whole document and making
    its lines took half the cut's time (1,000 generated articles: 201k instructions an
    article). A line's bytes decode alone to what the document's decoded lines hold: the
    file decodes whole (bounds checks it first) and LF ends its lines. With a CR in them,
    as `Lines` reads them."""
    data = document.data
    if data.find(b"\r", start, end) >= 0:
        lines = document.lines(start, end)
        stripped = lines.stripped
        first = 0
        while first < len(stripped) and (
            not stripped[first] or html.EP_NOTICE.match(stripped[first])
        ):
            first += 1
        if first == len(stripped):
            return None, len(stripped) - stripped.count("")
        return start + lines.start(first), min(
            2, len(stripped) - first - stripped[first:].count("")
        )
    begin, texts, at = None, 0, start
    while at < end:
        stop = data.find(b"\n", at, end)
        stop = end if stop < 0 else stop
        text = data[at:stop].decode(document.encoding, document.errors).strip()
        if text:
            if begin is None and not html.EP_NOTICE.match(text):
                begin, texts = at, 0
            texts += 1
            if begin is not None and texts == 2:
                break
        at = stop + 1
    return begin, texts


_BY_DOCUMENT = {
    "lexisnexis": _lexisnexis,
    "nexis-uni": _nexis_uni,
    "proquest": _proquest,
    "factiva": _factiva,
    "europresse": _europresse,
}


def _encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding `split` decodes the file in, and the bytes of a byte-order mark before
    its text; None when it does not decode it (as exports._decode, for a file that opens
    with no UTF-16 mark), checked without decoding the whole file at once."""
    if data.startswith(codecs.BOM_UTF8):
        return ("utf-8", len(codecs.BOM_UTF8)) if _utf8(data, len(codecs.BOM_UTF8)) else None
    if b"\x00" in data[:HEAD_BYTES]:
        return None
    return ("utf-8", 0) if _utf8(data, 0) else ("cp1252", 0)


def _utf8(data: bytes, start: int) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for at in range(start, len(data), _CHUNK):
            decoder.decode(view[at : at + _CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _line_start(data: bytes, at: int, floor: int) -> int:
    """Where the line holding byte `at` starts (after a CR or LF, never before `floor`):
    looked for backwards in growing windows, not to the file's start."""
    low, window = at, 256
    while True:
        low = max(floor, low - window)
        end = max(data.rfind(b"\n", low, at), data.rfind(b"\r", low, at))
        if end >= 0:
            return end + 1
        if low == floor:
            return floor
        window *= 2
