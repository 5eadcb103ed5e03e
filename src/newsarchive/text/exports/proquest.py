"""ProQuest exports: articles between lines of underscores, their fields labelled ("Full
text:", "ProQuest document ID:") in English, German, French or Spanish."""

from __future__ import annotations

import re

from newsarchive.text.exports.fields import Fields, build_fields, extend_field, put_field
from newsarchive.text.exports.lines import Cut, Lines, matching, trim

PQ_SEPARATOR = re.compile(r"^_{20,}[ \t]*$")

_PQ_DOC_NUMBER = re.compile(r"^(?:Document|Dokument|Documento) \d+ (?:of|von|sur|de|di) \d+$")
_PQ_COVER = re.compile(
    r"^(?:Report Information from ProQuest|Table of contents|Inhaltsverzeichnis|"
    r"Table des matières|Tabla de contenido|Bibliography|Bibliografie|Bibliographie|"
    r"Bibliografía|Contact ProQuest|Kontakt zu ProQuest)\b",
    re.I,
)
# The body's label, and the labels that end it (everything after the body is labelled).
_PQ_BODY_WORDS = ("Full text", "Volltext", "Texte intégral", "Texto completo", "Abstract")
_PQ_FULL_TEXT = re.compile(rf"^(?:{'|'.join(_PQ_BODY_WORDS)}):\s*")
_PQ_BODY_LABELS = frozenset(_PQ_BODY_WORDS)
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
# Both patterns read what lies before a line's first ':' (no character of a label is one),
# which is there before this: a line without one there matches neither, one matches
# _PQ_FULL_TEXT only where that is one of _PQ_BODY_LABELS, and _PQ_LABEL's label is that
# (tests/test_export_shortcuts.py holds them to it). The lines of an article are told so
# without asking the patterns, where they need not be.
_PQ_COLON_BEFORE = 42


def proquest_cuts(lines: Lines, read: bool = True) -> list[Cut]:
    """The export's documents; `read`: with their fields (else where they lie alone)."""
    separators = matching(PQ_SEPARATOR, lines.text)
    bounds = [*separators, len(lines)]
    cuts: list[Cut] = []
    start = 0
    for stop in bounds:
        found = proquest_document(lines, start, stop)
        start = stop + 1
        if found is None:
            continue
        first, last = found
        fields = proquest_fields(lines, first, last) if read else None
        if fields is None and (read or not proquest_holds(lines, first, last)):
            cuts.append(Cut("remainder", first, len(lines)))
            return cuts
        cuts.append(Cut("article", first, last, fields))
    return cuts


def proquest_document(lines: Lines, start: int, stop: int) -> tuple[int, int] | None:
    """The document among lines [start, stop), between separators, as [first, last) lines:
    past its "Document N of M" line; None where there is none (blank lines), or it is the
    cover or back matter (front)."""
    first, last = trim(lines, start, stop)
    if first >= last or (
        _may_be_cover(lines.stripped[first]) and _PQ_COVER.match(lines.stripped[first])
    ):
        return None
    if _PQ_DOC_NUMBER.match(lines.stripped[first]):
        first, last = trim(lines, first + 1, last)
    return first, last


# The letters _PQ_COVER's words open with, in either case (tests/test_export_shortcuts.py
# reads them off the pattern).
_PQ_COVER_FIRSTS = frozenset("RTIBCKrtibck")


def _may_be_cover(line: str) -> bool:
    """Whether `_PQ_COVER` may match the (stripped, not blank) line, told by its first
    character: one that is ASCII, and none of the letters its words open with, never does
    (an ASCII character matches a letter ignoring case only as that letter in one of its
    two cases; the others that do, the Kelvin sign's K, the dotted and dotless i, are no
    ASCII and pass). A document's first line is most often its number's."""
    return line[0] in _PQ_COVER_FIRSTS or not line[0].isascii()


def _title_end(lines: Lines, first: int, last: int) -> int:
    """Where the title above the labels ends: at a blank line or the first label."""
    i = first
    while i < last and not lines.blank(i) and not _pq_label(lines.stripped[i]):
        i += 1
    return i


def _colon(line: str) -> int:
    """Where the line's first ':' before _PQ_COLON_BEFORE is, else -1. The `in` first: a
    line without one (most) is told so without str.find's parsing of its bounds (a body's
    lines: 30k instructions an article)."""
    return line.find(":", 0, _PQ_COLON_BEFORE) if ":" in line else -1


def _pq_label(line: str) -> re.Match[str] | None:
    """_PQ_LABEL's match of the line, asked for only where it has a ':' before
    _PQ_COLON_BEFORE (a title's line seldom has)."""
    return _PQ_LABEL.match(line) if _colon(line) >= 0 else None


def proquest_holds(lines: Lines, first: int, last: int) -> bool:
    """Whether `proquest_fields(lines, first, last)` reads an article (is not None),
    without reading its fields: a body's label ("Full text:"), or the label of its
    document ID or its publication, under the title."""
    for stripped in lines.stripped[_title_end(lines, first, last) : last]:
        colon = _colon(stripped)
        if colon < 0:
            continue  # neither pattern matches
        if stripped[:colon] in _PQ_BODY_LABELS and _PQ_FULL_TEXT.match(stripped):
            return True
        name = _PQ_LABELS.get(stripped[:colon].lower())  # the label's, where it matches
        if name in ("document_id", "publication") and _PQ_LABEL.match(stripped):
            return True
    return False


def proquest_fields(lines: Lines, first: int, last: int) -> Fields | None:
    values: dict[str, str] = {}
    other: list[tuple[str, str]] = []
    i = _title_end(lines, first, last)
    title = lines.stripped[first:i]
    body: list[str] = []
    in_body = False
    label: str | None = None
    known = False
    ending = None  # the match of the label that ended the body, the line's it is at
    while i < last:
        stripped = lines.stripped[i]
        if ending is not None:  # in the body: only a label that ends it counts
            full, match, ending = None, ending, None
        elif (colon := _colon(stripped)) < 0:
            full = match = None
        else:
            full = _PQ_FULL_TEXT.match(stripped) if stripped[:colon] in _PQ_BODY_LABELS else None
            match = _PQ_LABEL.match(stripped)
        lower = match.group(1).lower() if match else ""
        if full and not in_body:
            in_body, label, known = True, None, True
            name = "body" if not full.group(0).lower().startswith("abstract") else None
            if name is None:
                other.append(("Abstract", stripped[full.end() :]))
                in_body, label = False, "Abstract"
            else:
                if rest := stripped[full.end() :]:
                    body.append(rest)
                i, ending = _pq_body(lines.stripped, i + 1, last, body)
                continue  # at the label that ends the body (in_body), or the last line
        elif match and lower in _PQ_ENDS:
            in_body = False
            label = match.group(1)
            name = _PQ_LABELS.get(lower)
            known = known or name in ("document_id", "publication")
            put_field(values, other, name, label, (match.group(2) or "").strip())
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
                extend_field(values, other, _PQ_LABELS.get(label.lower()), label, stripped)
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
    return build_fields(values, other, None, body)


def _pq_body(
    stripped: list[str], i: int, last: int, body: list[str]
) -> tuple[int, re.Match[str] | None]:
    """The body's lines from line `i` on put in `body`, as proquest_fields puts them while
    in its body, to the first line that ends it there (a label of _PQ_ENDS): it and the
    label's match (else `last` and None). A body's lines, nearly all of an article, are
    told apart by their first ':' (see _PQ_COLON_BEFORE), with nothing else to read."""
    while i < last:
        line = stripped[i]
        colon = line.find(":", 0, _PQ_COLON_BEFORE) if ":" in line else -1
        if colon >= 0 and line[:colon].lower() in _PQ_ENDS and (match := _PQ_LABEL.match(line)):
            return i, match
        if line:
            body.append(line if not body or not stripped[i - 1] else "\n" + line)
        i += 1
    return last, None


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

_PQ_ENDS = frozenset(_PQ_OTHER_LABELS | _PQ_LABELS.keys())
