"""Factiva exports as text: articles ending in a "Document <id>" line, plain (headline,
byline, word count, date, source...) or with field codes (HD, BY, WC, PD, SN, LP, TD, AN)."""

from __future__ import annotations

import re

import newsarchive.text.exports.fields as fields
from newsarchive.text.exports.fields import (
    Fields,
    build_fields,
    extend_field,
    parse_date,
    put_field,
)
from newsarchive.text.exports.lines import Cut, Lines, matching, trim

FACTIVA_DOC = re.compile(
    r"^[ \t]*(?:AN[ \t]+)?(?:Document|Dokument|Documento|Documenti)[ \t]+([A-Za-z0-9]{16,})[ \t]*$"
)
_WORDS = r"(?:words|Wörter|W\xf6rter|mots|palabras|parole|woorden|ord|palavras|słów)"
_FACTIVA_WC = re.compile(rf"^[ \t]*\d[\d,.]*[ \t]+{_WORDS}[ \t]*$", re.I)

FACTIVA_SUMMARY = re.compile(r"^(?:Search Summary|Suchzusammenfassung|Résumé de la recherche)")
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


def factiva_cuts(lines: Lines, read: bool = True) -> list[Cut]:
    """The export's documents; `read`: with their fields (else where they lie alone)."""
    ends = matching(FACTIVA_DOC, lines.text)
    cuts: list[Cut] = []
    start = 0
    for end in ends:
        first, _ = trim(lines, start, end)
        fields = factiva_fields(lines, first, end) if read else None
        if fields is None and (read or not factiva_holds(lines, first, end)):
            cuts.append(Cut("remainder", first, len(lines)))
            return cuts
        cuts.append(Cut("article", first, end + 1, fields))
        start = end + 1
    first, last = trim(lines, start, len(lines))
    if first < last and not FACTIVA_SUMMARY.match(lines.stripped[first]):
        cuts.append(Cut("remainder", first, len(lines)))
    return cuts


def factiva_fields(lines: Lines, first: int, end: int) -> Fields | None:
    document_id = FACTIVA_DOC.match(lines.text[end])
    assert document_id is not None
    if _FACTIVA_CODE.match(lines.stripped[first] if first < end else "") and lines.text[
        first
    ].startswith("HD"):
        return _factiva_coded(lines, first, end, document_id.group(1))
    return _factiva_plain(lines, first, end, document_id.group(1))


def factiva_holds(lines: Lines, first: int, end: int) -> bool:
    """Whether `factiva_fields(lines, first, end)` reads an article (is not None), without
    reading its fields: one with field codes always does; a plain one when a word count
    is among its first 12 lines of text."""
    if _FACTIVA_CODE.match(lines.stripped[first] if first < end else "") and lines.text[
        first
    ].startswith("HD"):
        return True
    seen = 0
    for i in range(first, end):
        if not lines.blank(i):
            if _FACTIVA_WC.match(lines.stripped[i]):
                return True
            seen += 1
            if seen == _HEADER_LINES:
                break
    return False


_HEADER_LINES = 12  # where a plain article's word count may be, in lines of text


def _factiva_coded(lines: Lines, first: int, end: int, document_id: str) -> Fields | None:
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
                put_field(values, other, _FACTIVA_FIELDS.get(code), code, value)
        elif not stripped:
            continue
        elif code in ("LP", "TD"):
            before = _FACTIVA_CODE.match(lines.text[i - 1])
            opened = before is None or bool(before.group(2))  # a code line with its text
            joined = body and not lines.blank(i - 1) and opened
            body.append("\n" + stripped if joined else stripped)
        elif code == "AN" or FACTIVA_DOC.match(line):
            values["document_id"] = document_id
        elif code is not None:
            extend_field(values, other, _FACTIVA_FIELDS.get(code), code, stripped)
    values["document_id"] = document_id
    return build_fields(values, other, None, body)


def _factiva_plain(lines: Lines, first: int, end: int, document_id: str) -> Fields | None:
    """Headline, byline, "532 words", date, [time], publication, source code, [edition,
    page], language, copyright; then the body up to the Document line."""
    values: dict[str, str] = {"document_id": document_id}
    other: list[tuple[str, str]] = []
    text = [(i, lines.stripped[i]) for i in range(first, end) if not lines.blank(i)]
    head = text[:_HEADER_LINES]
    words = next((n for n, (_, line) in enumerate(head) if _FACTIVA_WC.match(line)), None)
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
    stop = next((k for k in range(n, len(rest)) if fields.COPYRIGHT.match(rest[k][1])), None)
    if stop is None:
        stop = next((k for k in range(n, len(rest)) if rest[k][1].lower() in _LANGUAGE_NAMES), None)
    if stop is not None:
        for k in range(n, stop + 1):
            line = rest[k][1]
            if fields.COPYRIGHT.match(line):
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
    return build_fields(values, other, published, body)


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
