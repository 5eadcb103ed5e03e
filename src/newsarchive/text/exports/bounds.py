"""Where an export's pieces lie, without reading their fields: what ingest needs of a file,
whose workers read each article's fields once, as they parse it.

`bounds(data, format)` gives the pieces `split` gives (kind, bytes, place), without fields.
A LexisNexis classic export in UTF-8 or cp1252 (the common case, and tens of MB) is cut a
document at a time: its "N of M DOCUMENTS" lines are found in the bytes, each document is
decoded and read as lines on its own (the file is never one list of lines), and whether it
is an article or where the format broke is told by `lexisnexis_holds`, the decision `split`
takes by reading every field. A 38 MB export of 10,000 articles: 0.8 s and a line list of
the whole file in `split`. Any other text export is split without reading its articles'
fields (`split(..., read=False)`), and an HTML one's fields are dropped.
"""

from __future__ import annotations

import codecs
import dataclasses
import re

from newsarchive.text.exports import Export, Piece, merged, split
from newsarchive.text.exports.detect import HEAD_BYTES, looks_like_export
from newsarchive.text.exports.lexisnexis import (
    LN_COVER,
    LN_DOCS_LINE,
    cover_start,
    lexisnexis_holds,
)
from newsarchive.text.exports.lines import Lines, trim


def bounds(data: bytes, format: str = "auto") -> Export | None:
    """`split(data, format)`'s pieces without their fields, or None where it gives None."""
    if data[:1] not in (b"\xff", b"\xfe"):  # else maybe UTF-16 markup: split looks first
        guess = looks_like_export(data) if format == "auto" else format
        if guess is None:  # nearly every file ingest reads: looked at once, as split does
            return None
        if guess == "lexisnexis":
            return _lexisnexis(data)
    export = split(data, format, read=False)
    if export is None or all(p.fields is None for p in export.pieces):
        return export  # a text export's pieces: cut without their fields already
    pieces = tuple(dataclasses.replace(p, fields=None) for p in export.pieces)  # HTML's
    return dataclasses.replace(export, pieces=pieces)


# Every word a "N of M DOCUMENTS" line may end in holds one of these.
_DOCUMENT = re.compile(rb"DO[CK]UMENT")
_LINE_END = re.compile(rb"[\r\n]")
_CHUNK = 1 << 20


def _lexisnexis(data: bytes) -> Export | None:
    found = _encoding(data)
    if found is None:
        return None
    encoding, prefix = found
    errors = "surrogateescape" if encoding == "cp1252" else "strict"
    numbered = _numbered(data, prefix, encoding, errors)
    spans: list[tuple[str, int, int]] = []
    for k, (line, after, _number) in enumerate(numbered):
        following = numbered[k + 1] if k + 1 < len(numbered) else None
        start = after
        chunk = data[start : following[0] if following else len(data)]
        lines = Lines(chunk.decode(encoding, errors), encoding, 0, chunk)
        end = len(lines)
        if following is not None and following[2] == 1:
            end = cover_start(lines, 0, end, LN_COVER)  # another export's cover
        first, last = trim(lines, 0, end)
        if not lexisnexis_holds(lines, first, last):
            spans.append(("remainder", line, len(data)))
            break
        spans.append(("article", start + lines.start(first), start + lines.start(last)))
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
    return Export("lexisnexis", len(data), encoding, tuple(merged(pieces)))


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


def _numbered(data: bytes, prefix: int, encoding: str, errors: str) -> list[tuple[int, int, int]]:
    """Each "N of M DOCUMENTS" line: (its start, the next line's start, N). The lines
    holding DOCUMENT or DOKUMENT are matched as decoded, as split matches every line."""
    out: list[tuple[int, int, int]] = []
    seen = -1
    for found in _DOCUMENT.finditer(data, prefix):
        start = _line_start(data, found.start(), prefix)
        if start == seen:
            continue
        seen = start
        ending = _LINE_END.search(data, found.end())
        end = ending.start() if ending else len(data)
        match = LN_DOCS_LINE.match(data[start:end].decode(encoding, errors))
        if match is None:
            continue
        after = end + (2 if data[end : end + 2] == b"\r\n" else 1) if ending else end
        out.append((start, after, int(match.group(1))))
    return out


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
