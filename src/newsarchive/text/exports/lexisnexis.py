"""LexisNexis exports as text: the classic format ("1 of 10 DOCUMENTS", upper-case `LABEL:`
lines) and Nexis Uni / Lexis+ (a cover page, `Body`, "End of Document"): where each article
lies, and its fields."""

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

# --- LexisNexis classic ----------------------------------------------------------------

# LexisNexis classic numbers each document on a line of its own: "1 of 10 DOCUMENTS".
LN_DOCS_LINE = re.compile(
    r"^[ \t]*(\d+) (?:of|von|sur|de|van|di|af|av) (\d+) "
    r"(?:DOCUMENTS?|DOKUMENTE?N?|DOCUMENTEN|DOCUMENTI|DOCUMENTOS)[ \t]*$"
)
LN_COVER = re.compile(
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


def lexisnexis_cuts(lines: Lines, read: bool = True) -> list[Cut]:
    """The export's documents; `read`: with their fields (else where they lie alone)."""
    numbered = [
        (i, int(m.group(1)), int(m.group(2)))
        for i, line in enumerate(lines.text)
        if (m := LN_DOCS_LINE.match(line))
    ]
    # Numbering that jumps ("7 of 10", then "8 of 383": documents pasted in from another
    # export) is no break: each numbered line opens a document; one without the
    # format's labels is where the format broke.
    cuts: list[Cut] = []
    for k, (i, _number, _total) in enumerate(numbered):
        end = numbered[k + 1][0] if k + 1 < len(numbered) else len(lines)
        if k + 1 < len(numbered) and numbered[k + 1][1] == 1:
            end = cover_start(lines, i + 1, end, LN_COVER)  # another export's cover
        first, last = trim(lines, i + 1, end)
        fields = lexisnexis_fields(lines, first, last) if read else None
        if fields is None and (read or not lexisnexis_holds(lines, first, last)):
            cuts.append(Cut("remainder", i, len(lines)))
            return cuts
        cuts.append(Cut("article", first, last, fields))
    return cuts


def cover_start(lines: Lines, first: int, last: int, cover: re.Pattern[str]) -> int:
    """Where a cover page begins among lines [first, last): the start of the block of the
    first cover line found, else `last`. Not over centred lines: they end the document
    before (its copyright), when a file was joined to it without a blank line between."""
    for i in range(first, last):
        if cover.match(lines.stripped[i]):
            j = i
            while j > first and not lines.blank(j - 1) and lines.text[j - 1][:1] not in " \t":
                j -= 1
            return j
    return last


_LN_TRAILER = {"load_date", "language"}
_LN_TRAILER_LABELS = {"PUBLICATION-TYPE", "JOURNAL-CODE", "CORRECTION-DATE", "GRAPHIC", "NOTES"}


def lexisnexis_fields(lines: Lines, first: int, last: int) -> Fields | None:
    """The fields of a LexisNexis classic document: centred publication and date lines,
    the headline, upper-case LABEL: lines, the body after LENGTH, trailing labels."""
    values: dict[str, str] = {}
    other: list[tuple[str, str]] = []
    header, i = _ln_header(lines, first, last)
    published = None
    for n, line in enumerate(header):
        if n == 0:
            values["publication"] = line
        elif "date_text" not in values and (day := parse_date(line)) is not None:
            values["date_text"], published = line, day
        elif fields.COPYRIGHT.match(line):
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
            put_field(values, other, name, label, value)
        elif not stripped:
            label = None
        elif in_body:
            body.append(stripped if not body or lines.blank(i - 1) else "\n" + stripped)
        elif label is not None:  # a label's value goes on over the next lines
            name = _LABELS.get(label.lower())
            extend_field(values, other, name, label, stripped)
        elif trailer:  # the copyright block and what follows it
            if fields.COPYRIGHT.match(stripped) or "copyright" in values:
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
    return build_fields(values, other, published, body)


def _ln_header(lines: Lines, first: int, last: int) -> tuple[list[str], int]:
    """A LexisNexis classic document's header lines (publication, date, edition,
    copyright), and the line after them."""
    i = first
    # Centred lines before the first flush-left line or label.
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
    return header, i


# The labels without which a document is no LexisNexis article (lexisnexis_fields: None).
_LN_NEEDED = frozenset({"length", "load_date", "language"})


def lexisnexis_holds(lines: Lines, first: int, last: int) -> bool:
    """Whether `lexisnexis_fields(lines, first, last)` reads an article (is not None),
    without reading its fields: where the split of an export that ingest makes decides.
    It is one when a flush-left LENGTH, LOAD-DATE or LANGUAGE label follows the header:
    lexisnexis_fields takes the first of each wherever it comes (in_body is set by a
    LENGTH alone, and trailer labels are taken in the body too). Looked for from the end,
    where LOAD-DATE and LANGUAGE are."""
    _, start = _ln_header(lines, first, last)
    text, stripped = lines.text, lines.stripped
    for i in range(last - 1, start - 1, -1):
        match = _UPPER_LABEL.match(stripped[i]) if text[i][:1] not in (" ", "\t") else None
        if match and _LABELS.get(match.group(1).lower()) in _LN_NEEDED:
            return True
    return False


def _is_ln_trailer(label: str) -> bool:
    return _LABELS.get(label.lower()) in _LN_TRAILER or label in _LN_TRAILER_LABELS


# --- Nexis Uni / Lexis+ ----------------------------------------------------------------

END_OF_DOC = re.compile(
    r"^[ \t]*(?:End of Document|Ende des Dokuments|Fin du document|Einde van document"
    r"|Fin del documento|Fine del documento)[ \t]*$",
    re.I,
)
_NU_COVER = re.compile(
    r"^(?:User Name|Date and Time|Job Number|Documents \(\d+\)|Client/Matter|Search Terms|"
    r"Search Type|Narrowed by|Content Type|Benutzername|Datum und Uhrzeit|Auftragsnummer|"
    r"Dokumente \(\d+\)|Suchbegriffe|Nom d'utilisateur|Date et heure)\b",
    re.I,
)
_TITLE_LABEL = re.compile(r"^([A-ZÀ-Þ][\w\-/]*(?: [\w\-/]+){0,3}):(?:[ \t]+(.*))?$")
_NU_BODY = re.compile(r"^(?:Body|Text|Corps|Tekst|Cuerpo|Testo)$")
# The lines _NU_BODY matches, a stripped line (no line end: `$` is its end) being one of them.
_NU_BODY_LINES = frozenset({"Body", "Text", "Corps", "Tekst", "Cuerpo", "Testo"})
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


def nexis_uni_cuts(lines: Lines, read: bool = True) -> list[Cut]:
    """The export's documents; `read`: with their fields (else where they lie alone)."""
    ends = matching(END_OF_DOC, lines.text)
    cuts: list[Cut] = []
    start = 0
    for end in ends:
        first = nexis_uni_first(lines, start, end)
        fields = nexis_uni_fields(lines, first, end) if read else None
        if fields is None and (read or not nexis_uni_holds(lines, first, end)):
            cuts.append(Cut("remainder", first, len(lines)))
            return cuts
        cuts.append(Cut("article", first, end + 1, fields))
        start = end + 1
    first, last = trim(lines, start, len(lines))
    if first < last:
        cuts.append(Cut("remainder", first, len(lines)))
    return cuts


def nexis_uni_first(lines: Lines, start: int, end: int) -> int:
    """The first line of the article among lines [start, end), `end` its End of Document."""
    return trim(lines, _nu_start(lines, start, end), end)[0]


def _nu_start(lines: Lines, first: int, end: int) -> int:
    """Where the article begins among lines [first, end): after any cover page, at the
    block (lines without a blank between) holding its headline, publication and date."""
    # One search of the lines joined, each after a line end (a match a line cost more, and
    # a search for `^` tries every character: 31 -> 7 µs a document), that passes over a
    # line whose first character no cover's line opens with at once (_NU_COVER_LINE).
    head = lines.stripped[first : min(end, first + 400)]
    if not _NU_COVER_LINE.search("\n".join(["", *head])):
        return first
    for i in range(first, end):
        stripped = lines.stripped[i]
        match = _TITLE_LABEL.match(stripped)
        if (match and match.group(1).lower() in _NU_HEADER_LABELS) or _NU_BODY.match(stripped):
            j = i  # back over the copyright block and blank lines, to the header block
            while j > first and (
                lines.blank(j - 1) or fields.COPYRIGHT.match(lines.stripped[j - 1])
            ):
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
# The letters _NU_COVER's words open with, in either case (tests/test_export_shortcuts.py
# reads them off the pattern).
_NU_COVER_FIRSTS = frozenset("UDJCSNBAudjcsnba")
# _NU_COVER after a line end (the search skips from one to the next), at a line whose
# first character is one of _NU_COVER_FIRSTS or no ASCII: the lookahead, which keeps
# case, passes over the other lines at once, where the words were tried one by one
# ignoring case. It changes no search: an ASCII character matches a letter ignoring case
# only as that letter in one of its two cases (the other characters that do, the Kelvin
# sign's K, the long s, the dotless i, are no ASCII, and pass).
_NU_COVER_LINE = re.compile(
    f"\n(?=(?-i:[{''.join(sorted(_NU_COVER_FIRSTS))}\x80-\U0010ffff]))"
    + _NU_COVER.pattern.removeprefix("^"),
    re.I,
)


def _nu_label(line: str) -> str:
    """The label `_TITLE_LABEL` reads from the (stripped) line, lower-cased, where it
    matches: what lies before the line's first ':' (its label holds none, and opens the
    line). Where the label it would be is none looked for, the pattern need not be asked
    (tests/test_export_shortcuts.py holds it to that)."""
    colon = line.find(":")
    return line[:colon].lower() if colon > 0 else ""


# What fields.COPYRIGHT's match opens with: a C in either case (no other character matches
# one ignoring case), "©" or "(" (tests/test_export_shortcuts.py reads them off every
# character).
_COPYRIGHT_FIRSTS = frozenset("Cc©(")


def _nexis_uni_header_end(lines: Lines, first: int, end: int) -> int:
    """Where the header (headline, publication, date, edition) ends: at the copyright, the
    first label or Body, or after its tenth line; blank lines between its lines are
    allowed."""
    i, count = first, 0
    while i < end and count < 10:
        stripped = lines.stripped[i]
        if (
            (_nu_label(stripped) in _NU_HEADER_LABELS and _TITLE_LABEL.match(stripped))
            or stripped in _NU_BODY_LINES
            or (stripped[:1] in _COPYRIGHT_FIRSTS and fields.COPYRIGHT.match(stripped))
        ):
            break
        count += bool(stripped)
        i += 1
    return i


def nexis_uni_holds(lines: Lines, first: int, end: int) -> bool:
    """Whether `nexis_uni_fields(lines, first, end)` reads an article (is not None),
    without reading its fields (what ingest's cut of an export needs): a date in the
    header, then a label or a line of the body, found as that function finds them."""
    i = _nexis_uni_header_end(lines, first, end)
    # From the last line up: the date is the header's last line or near it.
    if not any(parse_date(line) is not None for line in reversed(lines.stripped[first:i]) if line):
        return False
    in_body = False
    for stripped in lines.stripped[i:end]:
        lower = _nu_label(stripped)
        if not in_body and stripped in _NU_BODY_LINES:
            in_body = True
        elif (
            (not in_body and (lower in _NU_HEADER_LABELS or lower in _NU_TRAILER_LABELS))
            or lower in _NU_TRAILER_LABELS
        ) and _TITLE_LABEL.match(stripped):
            return True  # a label of the format
        elif stripped and in_body:
            return True  # a line of the body
    return False


def nexis_uni_fields(lines: Lines, first: int, end: int) -> Fields | None:
    values: dict[str, str] = {}
    other: list[tuple[str, str]] = []
    i = _nexis_uni_header_end(lines, first, end)
    header = [line for line in lines.stripped[first:i] if line]
    dated = ((n, day) for n, line in enumerate(header) if (day := parse_date(line)) is not None)
    at, published = next(dated, (None, None))
    if at is None:
        return None
    values["date_text"] = header[at]
    if at >= 1:
        values["publication"] = header[at - 1]
    if at >= 2:
        values["headline"] = " ".join(header[: at - 1])
    other += [("", line) for line in header[at + 1 :]]
    body: list[str] = []
    label = None
    seen_label = False
    # Out of the body here: its lines are read by _nu_body, to the label that ends it (its
    # match carried to this line).
    ending: re.Match[str] | None = None
    while i < end:
        stripped = lines.stripped[i]
        lower = _nu_label(stripped)
        match: re.Match[str] | None
        if ending is not None:
            match, ending = ending, None
        elif stripped in _NU_BODY_LINES:
            label = None
            i, ending = _nu_body(lines.stripped, i + 1, end, body)
            continue  # at the label that ends the body, or the end
        elif lower in _NU_HEADER_LABELS or lower in _NU_TRAILER_LABELS:
            match = _TITLE_LABEL.match(stripped)
        else:
            match = None
        if match:
            label, seen_label = match.group(1), True
            put_field(values, other, _LABELS.get(lower), label, (match.group(2) or "").strip())
        elif not stripped:
            label = None
        elif label is not None:
            extend_field(values, other, _LABELS.get(label.lower()), label, stripped)
        elif "copyright" not in values and fields.COPYRIGHT.match(stripped):
            values["copyright"] = stripped
        else:
            other.append(("", stripped))
        i += 1
    if not seen_label and not body:
        return None
    return build_fields(values, other, published, body)


def _nu_body(
    stripped: list[str], i: int, end: int, body: list[str]
) -> tuple[int, re.Match[str] | None]:
    """The body's lines from line `i` on put in `body`, as nexis_uni_fields puts them while
    in its body, to the first line that ends it there (a trailer's label): it and the
    label's match (else `end` and None). A body's lines, nearly all of an article, are read
    with nothing else to ask of them."""
    while i < end:
        line = stripped[i]
        colon = line.find(":")
        if (
            colon > 0
            and line[:colon].lower() in _NU_TRAILER_LABELS
            and (match := _TITLE_LABEL.match(line))
        ):
            return i, match
        if line:
            body.append(line if not body or not stripped[i - 1] else "\n" + line)
        i += 1
    return end, None
