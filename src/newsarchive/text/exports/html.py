"""News-database exports delivered as HTML (Europresse, Factiva's "Article Format"), and
Europresse's text renderings: where each article's element lies in the file's bytes, and
what its parts say, read by the role its markup gives them (the headline's element, the
authors', the text's), not guessed from the order of lines.

Pure functions of bytes and text, standard library only (html.parser), and no import of
the package's other modules but alternatives.py (a pattern's writing): its __init__ cuts
the pieces and builds the fields from what is read here, as values, other labelled lines,
a date when one is read here, and body paragraphs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from html import unescape
from html.parser import HTMLParser

from newsarchive.text.exports.alternatives import one_of

# What a reader hands the package's __init__: (values by field name, other (label, value)
# lines in file order, the date when read here, body paragraphs).
Raw = tuple[dict[str, str], list[tuple[str, str]], dt.date | None, list[str]]

# --- finding the articles --------------------------------------------------------------

_EUROPRESSE_OPEN = re.compile(rb"<article\b", re.I)
_EUROPRESSE_CLOSE = re.compile(rb"</article\s*>", re.I)
# Europresse before <article> (tm.plugin.europresse's test file, about 2012): each article
# in a table of its own at the top of the page's body.
_TABLE_TAG = re.compile(rb"<(/?)table\b[^>]*>", re.I)
# Factiva: <div id="article-..." class="article"> around <div class="article enArticle">;
# tm.plugin.factiva reads the inner one ("article XXArticle") and its field-code table.
_FACTIVA_OPEN = re.compile(rb"""<div\b[^>]*\bclass\s*=\s*["']?article\b""", re.I)
_DIV_TAG = re.compile(rb"<(/?)div\b[^>]*>", re.I)


def looks_like_html(data: bytes) -> bool:
    """Whether the file opens with markup (after a byte-order mark and blank space)."""
    return data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"


def html_format(data: bytes) -> str | None:
    """The export an HTML file is, by the marks its articles carry, or None. Only files
    that open with markup are looked at; the marks are searched in the whole file, since a
    page's style sheet can push the first article past any head."""
    if not looks_like_html(data):
        return None
    if _EUROPRESSE_OPEN.search(data) and any(
        mark in data for mark in (b"DocPublicationName", b"titreArticle", b"publiC-lblNodoc")
    ):
        return "europresse"
    if b'class="DocPublicationName"' in data and b"TitreArticleVisu" in data:
        return "europresse"  # the table layout
    if b"articleParagraph" in data and _FACTIVA_OPEN.search(data):
        return "factiva"
    return None


def spans(data: bytes, format: str) -> list[tuple[int, int]]:
    """The byte ranges of the file's article elements, in order; one left open runs to the
    end of the file."""
    if format == "europresse" and not _EUROPRESSE_OPEN.search(data):
        return _tables(data)
    out: list[tuple[int, int]] = []
    at = 0
    while True:
        if format == "europresse":
            opened = _EUROPRESSE_OPEN.search(data, at)
            if opened is None:
                return out
            closed = _EUROPRESSE_CLOSE.search(data, opened.end())
            end = len(data) if closed is None else closed.end()
        else:
            opened = _FACTIVA_OPEN.search(data, at)
            if opened is None:
                return out
            end = _div_end(data, opened.start())
        out.append((opened.start(), end))
        at = end


def _tables(data: bytes) -> list[tuple[int, int]]:
    """The byte ranges of the tables not inside another table; one left open runs to the
    end of the file."""
    out: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for tag in _TABLE_TAG.finditer(data):
        if tag.group(1):
            if depth == 1:
                out.append((start, tag.end()))
            depth = max(depth - 1, 0)
        else:
            if depth == 0:
                start = tag.start()
            depth += 1
    if depth:
        out.append((start, len(data)))
    return out


def _div_end(data: bytes, start: int) -> int:
    """Where the div opened at `start` closes (after its end tag), or the file's end."""
    depth = 0
    for tag in _DIV_TAG.finditer(data, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.end()
    return len(data)


# --- reading an element's parts by role ------------------------------------------------

_BLOCK = {
    "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "article", "header",
    "section", "footer", "aside", "table", "ul", "ol", "blockquote", "figure", "figcaption",
    "dt", "dd", "pre", "address", "main", "nav", "hr",
}  # fmt: skip
_VOID = {"br", "img", "hr", "meta", "link", "input", "wbr", "col", "area", "base", "source"}
_SKIP = {"script", "style", "head", "title", "noscript", "template", "svg"}


class _Reader(HTMLParser):
    """Text blocks (a paragraph, a div, a table row) with the role of the innermost
    element that has one; a change of role starts a new block too. Each open element
    carries the role in force inside it, and the open elements are counted by tag, so
    that deep or unclosed markup costs no more per tag than shallow markup."""

    def __init__(self, role_of: Callable[[str, dict[str, str]], str | None]) -> None:
        super().__init__(convert_charrefs=True)
        self.role_of = role_of
        self.stack: list[tuple[str, str | None]] = []  # (tag, role in force inside it)
        self.open: dict[str, int] = {}
        self.blocks: list[tuple[str | None, str]] = []
        self.parts: list[str] = []
        self.part_role: str | None = None
        self.skipping = 0

    def flush(self) -> None:
        text = " ".join("".join(self.parts).split())
        if text:
            self.blocks.append((self.part_role, text))
        self.parts = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if tag in ("br", "hr"):
                self.flush()
            return
        if tag == "p" and self.stack and self.stack[-1][0] == "p":
            self.handle_endtag("p")  # a paragraph left open ends where the next begins
        role = self.role_of(tag, {k: v or "" for k, v in attrs})
        if tag in _BLOCK:
            self.flush()
        self.stack.append((tag, role or (self.stack[-1][1] if self.stack else None)))
        self.open[tag] = self.open.get(tag, 0) + 1
        self.skipping += tag in _SKIP

    def handle_endtag(self, tag: str) -> None:
        if not self.open.get(tag):
            return
        while self.stack:
            open_tag, _ = self.stack.pop()
            self.open[open_tag] -= 1
            self.skipping -= open_tag in _SKIP
            if open_tag in _BLOCK:
                self.flush()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        role = self.stack[-1][1] if self.stack else None
        if role != self.part_role:
            self.flush()
            self.part_role = role
        self.parts.append(data)

    def read(self, html: str) -> list[tuple[str | None, str]]:
        self.feed(html)
        self.close()
        self.flush()
        return self.blocks


def blocks(
    html: str, role_of: Callable[[str, dict[str, str]], str | None]
) -> list[tuple[str | None, str]]:
    """The element's text blocks in order, each with its role (None: no role)."""
    return _Reader(role_of).read(html)


def render(html: str) -> str:
    """The element as text: a block a paragraph, blank lines between (table cells of a row
    on one line, as Factiva's field-code table reads: "HD  The headline")."""
    return "".join(text + "\n\n" for _, text in blocks(html, lambda tag, attrs: None))


def _classes(attrs: dict[str, str]) -> set[str]:
    return set(attrs.get("class", "").split())


# --- Europresse ------------------------------------------------------------------------

# Roles by class, the first that an element's classes hold (an inner element's role wins
# over its parent's: a subtitle inside the title block).
_EUROPRESSE_ROLES = (
    ("rdp__subtitle", "subtitle"),
    ("DocPublicationName", "publication"),
    ("rdp__DocPublicationName", "publication"),
    ("DocHeader", "header"),
    ("rdp__DocHeader", "header"),
    ("titreArticleVisu", "headline"),
    ("TitreArticleVisu", "headline"),
    ("grandTitre", "headline"),
    ("rdp__articletitle", "headline"),
    ("titreArticle", "title"),
    ("docAuthors", "byline"),
    ("DocText", "body"),
    ("docOcurrContainer", "body"),
    ("publiC-lblNodoc", "document_id"),
    ("Doc-LegalInfo", "copyright"),
)


def _europresse_role(tag: str, attrs: dict[str, str]) -> str | None:
    classes = _classes(attrs)
    return next((role for name, role in _EUROPRESSE_ROLES if name in classes), None)


# "news·20200114·LM·5678901" (the middle dot, U+00B7): the document's number, its date
# inside; the last line of each article.
_EP_DOC_ID = re.compile(r"^([a-z]{2,12})·(\d{4})(\d{2})(\d{2})·\S+$")
_EP_NUMBERED = re.compile(r"^(?:Numéro de document|Document number|Dokumentnummer)\s*:\s*(\S+)$")
# A line that closes an article of the text rendering: its number, bare or labelled.
EP_ID_LINE = re.compile(
    r"^(?:(?:Numéro de document|Document number|Dokumentnummer)\s*:\s*)?([a-z]{2,12}·\d{8}·\S+)$"
)
_EP_WORDS = re.compile(r"\b\d[\d.,]*\s+(?:mots|words|Wörter|palabras|parole|woorden)\b")
_EP_NUMBER = re.compile(r",\s*(?:no|n°|nº|No|N°|Nr|num[ée]ro)\.?\s*\S+.*$")
# The names as a tree of their letters (alternatives.py; followed by a space, a name matches
# alone, so the patterns match as before). With the header's date looked for once, not
# twice (europresse_text_fields), a header read in 100 -> 33k instructions an article.
_MONTHS = one_of(
    "janvier février fevrier mars avril mai juin juillet août aout septembre octobre "
    "novembre décembre decembre january february march april may june july august "
    "september october november december januar februar märz juni juli oktober dezember "
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre januari februari maart mei augustus gennaio febbraio aprile maggio giugno "
    "luglio settembre ottobre dicembre".split()
)
_EP_DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:er)?\.? (?:{_MONTHS}) \d{{4}}|(?:{_MONTHS}) \d{{1,2}}, \d{{4}})\b", re.I
)
# Lines of Europresse's own, not the article's: its notices and links.
EP_NOTICE = re.compile(
    r"^(?:Ce document est réservé à l'usage exclusif|Le présent document est protégé|"
    r"Certificat émis le|Cet article est paru dans|This article (?:was published|appeared) in|"
    r"Retour au début|Back to top|This document is reserved for the exclusive use|"
    r"Ce certificat est émis|Date d'émission|"
    r"The present document is protected|Certificate issued)",
    re.I,
)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|Copyright\b)", re.I)
# Every character either expression above can match first: their alternatives' first
# characters, in either case (none of these letters has another form that re.I matches).
TRAILER_FIRSTS = frozenset("©(cClLtTrRbBdD")
# Either of them: one call where two were made (the same lines match).
_TRAILER = re.compile(f"{_COPYRIGHT.pattern}|{EP_NOTICE.pattern}", re.I)
# The article's address online, as the link under its text gives it (minet reads it so).
_EP_LINK = re.compile(
    r"""<a\b[^>]*?\bhref\s*=\s*["']?(https?://[^"'\s>]+)[^>]*>\s*"""
    r"(?:Cet article est paru dans|This article (?:was published|appeared) in)",
    re.I,
)


def europresse_fields(html: str) -> Raw | None:
    """An Europresse article element's parts: publication (without its issue number), the
    header's section, date, length and page, headline, subtitle, authors, text, legal
    notice and document number; None when it holds neither a headline nor a text. Where
    no element marks the text (the table layout), the lines after the headline are the
    text, the first the author's when it reads as names, up to the copyright line."""
    values: dict[str, str] = {}
    other: list[tuple[str, str]] = []
    body: list[str] = []
    header: list[str] = []
    titles: list[tuple[str, str]] = []
    read = blocks(html, _europresse_role)
    marked = any(role == "body" for role, _ in read)
    ended = False  # past the text: the copyright, the document's number
    for role, text in read:
        number = _EP_NUMBERED.match(text)
        if role == "body" and not EP_NOTICE.match(text):
            body.append(text)
        elif role == "body":
            other.append(("", text))  # Europresse's own line under the text
        elif role == "header":
            header.append(text)
        elif role == "publication" and "publication" not in values:
            _publication(values, other, text)
        elif role in ("headline", "title"):
            titles.append((role, text))
        elif role == "byline" and "byline" not in values:
            values["byline"] = text
        elif role == "subtitle":
            other.append(("Subtitle", text))
        elif (role == "document_id" or number or _EP_DOC_ID.match(text)) and (
            "document_id" not in values
        ):
            values["document_id"] = number.group(1) if number else text
            ended = True
        elif (role == "copyright" or _COPYRIGHT.match(text)) and "copyright" not in values:
            values["copyright"] = text
            ended = True
        elif role is None and not marked and titles and not ended:
            if not body and "byline" not in values and _looks_like_names(text):
                values["byline"] = text
            else:
                body.append(text)
        else:
            other.append((role.replace("_", " ").capitalize() if role else "", text))
    # The headline: the title element's own (titreArticleVisu), else the title block's
    # first line; its other lines are subtitles.
    at = next((n for n, (role, _) in enumerate(titles) if role == "headline"), 0)
    if titles:
        values["headline"] = titles[at][1]
        other += [("Subtitle", text) for n, (_, text) in enumerate(titles) if n != at]
    if "headline" not in values and not body:
        return None
    _header(values, other, " ".join(header))
    if link := _EP_LINK.search(html):
        values["url"] = unescape(link.group(1))
    published = None if "date_text" in values else _id_date(values.get("document_id", ""))
    return values, other, published, body


def _publication(values: dict[str, str], other: list[tuple[str, str]], text: str) -> None:
    """ "Le Monde, no. 23345" -> publication "Le Monde", the number kept as a line."""
    number = _EP_NUMBER.search(text)
    values["publication"] = text[: number.start()].strip() if number else text
    if number:
        other.append(("Issue", number.group(0).lstrip(", ")))


def _header(
    values: dict[str, str],
    other: list[tuple[str, str]],
    header: str,
    date: re.Match[str] | None = None,
) -> None:
    """ "Économie, mardi 14 janvier 2020 812 mots, p. 14": section, date, length, page.
    `date`: `_EP_DATE.search(header)`, when the caller has it."""
    if not header:
        return
    other.append(("Header", header))
    words = _EP_WORDS.search(header)
    if words:
        values["length"] = words.group(0)
    if date is None:
        date = _EP_DATE.search(header)
    if date:
        values["date_text"] = date.group(0)
        first = header.split(",")[0].strip()
        if first and not _EP_DATE.search(first) and not first.lower().startswith(_WEEKDAYS):
            values["section"] = first


_WEEKDAYS = (
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
)  # fmt: skip


def _id_date(document_id: str) -> dt.date | None:
    """The date inside a document number ("news·20200114·..."), when the header has none."""
    match = _EP_DOC_ID.match(document_id)
    if match is None:
        return None
    try:
        return dt.date(int(match.group(2)), int(match.group(3)), int(match.group(4)))
    except ValueError:
        return None


def europresse_text_cuts(stripped: list[str]) -> list[tuple[str, int, int]]:
    """Europresse's text rendering, lines stripped: (kind, first, last) line ranges, kind
    "article" (each ending at its "news·..." line) or "remainder" (what follows the last
    one, when it is more than notices)."""
    cuts: list[tuple[str, int, int]] = []
    start = 0
    for i, line in enumerate(stripped):
        if "·" not in line or not EP_ID_LINE.match(line):  # (a substring first: cheaper)
            continue
        first = start
        while first < i and (not stripped[first] or EP_NOTICE.match(stripped[first])):
            first += 1
        if first < i:
            cuts.append(("article", first, i + 1))
        elif cuts:  # a number again, under the first (the certificate): the article's too
            cuts[-1] = ("article", cuts[-1][1], i + 1)
        start = i + 1
    rest = [line for line in stripped[start:] if line and not EP_NOTICE.match(line)]
    if cuts and rest:
        first = next(i for i in range(start, len(stripped)) if stripped[i])
        cuts.append(("remainder", first, len(stripped)))
    return cuts


def europresse_text_holds(stripped: list[str]) -> bool:
    """Whether `europresse_text_fields(stripped)` reads an article (is not None), without
    reading it: three lines of text or more, the last its number."""
    lines = [line for line in stripped if line]
    return len(lines) >= 3 and bool(EP_ID_LINE.match(lines[-1]))


def europresse_text_fields(stripped: list[str]) -> Raw | None:
    """One article of the text rendering, lines stripped, its "news·..." line last:
    publication, header (section, date, length, page), headline, [authors], text, then
    the copyright, Europresse's notices and the document's number (maybe "Numéro de
    document : news·...", then the certificate's lines)."""
    lines = [line for line in stripped if line]
    if len(lines) < 3 or not EP_ID_LINE.match(lines[-1]):
        return None
    # The number's middle dot looked for first, in C: no line without one matches, and a
    # call of the expression on every line of the text cost more than the rest of reading.
    at = next(n for n, line in enumerate(lines) if n and "·" in line and EP_ID_LINE.match(line))
    number = EP_ID_LINE.match(lines[at])
    assert number is not None
    values: dict[str, str] = {"document_id": number.group(1)}
    other: list[tuple[str, str]] = []
    _publication(values, other, lines[0])
    rest = lines[1:at]
    if rest and len(rest[0]) < 160 and (date := _EP_DATE.search(rest[0])):
        _header(values, other, rest[0], date)
        rest = rest[1:]
    # The trailer: from the first copyright or notice line on. No line matches either whose
    # first character is not one of their first (a test holds it): the expressions run on
    # those alone, not on every line of the text (63 -> 36k instructions an article).
    end = next(
        (n for n, line in enumerate(rest) if line[0] in TRAILER_FIRSTS and _TRAILER.match(line)),
        len(rest),
    )
    for line in [*rest[end:], *lines[at + 1 :]]:
        if _COPYRIGHT.match(line) and "copyright" not in values:
            values["copyright"] = line
        else:
            other.append(("", line))
    text = rest[:end]
    if text:
        values["headline"] = text[0]
        text = text[1:]
    if text and len(text) > 1 and _looks_like_names(text[0]):
        values["byline"] = text[0]
        text = text[1:]
    published = _id_date(values["document_id"]) if "date_text" not in values else None
    return values, other, published, text


_PARTICLES = {"de", "du", "des", "la", "le", "van", "von", "der", "den", "di", "da", "et", "and"}


def _looks_like_names(line: str) -> bool:
    """ "Jeanne Martin", "Jean de la Fontaine et Paul Durand": a short line of capitalised
    words and particles, without a sentence's final stop."""
    words = line.replace(",", " ").split()
    if not 2 <= len(words) <= 12 or line.endswith((".", "!", "?", ":", "»")):
        return False
    return all(w[:1].isupper() or w.lower() in _PARTICLES for w in words)


# --- Factiva ---------------------------------------------------------------------------


def _factiva_role(tag: str, attrs: dict[str, str]) -> str | None:
    classes = attrs.get("class", "")
    if "counted" in _classes(attrs) and "Headline" in classes:
        return "counted"  # "35) The headline": Factiva numbered it in the list it showed
    if attrs.get("id") == "hd":
        return "headline"
    if "articleParagraph" in classes:
        return "body"
    if "author" in _classes(attrs):
        return "byline"
    return None


_FV_WORDS = re.compile(
    r"^\d[\d,.\s]*\s(?:words|Wörter|mots|palabras|parole|woorden|ord|palavras|słów|слов)$", re.I
)
_FV_DATE = re.compile(rf"{_EP_DATE.pattern}|\b\d{{4}}-\d{{2}}-\d{{2}}\b", re.I)
_FV_COUNT = re.compile(r"^\d{1,5}\)\s+")
_FV_TIME = re.compile(r"^\d{1,2}[:.]\d{2}(?:\s*(?:GMT|[AP]M))?$")
_FV_DOCUMENT = re.compile(r"^(?:Document|Dokument|Documento|Documenti)\s+([A-Za-z0-9]{16,})$")


def factiva_fields(html: str) -> Raw | None:
    """A Factiva "Article Format" element's parts: [section,] headline (id="hd"),
    [author,] word count, date, [time,] source, source code, [edition, page,] language,
    copyright, the articleParagraph paragraphs, then captions and the Document line. None
    when it has no id="hd" headline (the field-code table layout: read as text instead)."""
    read = blocks(html, _factiva_role)
    if not any(role in ("headline", "counted") for role, _ in read):
        return None
    values: dict[str, str] = {}
    other: list[tuple[str, str]] = []
    below: list[tuple[str, str]] = []
    body: list[str] = []
    header: list[str] = []
    for role, text in read:
        document = _FV_DOCUMENT.match(text)
        if role == "body":
            body.append(text)
        elif role == "counted" and (number := _FV_COUNT.match(text)):
            other.append(("", number.group(0).strip()))
            values["headline"] = text[number.end() :]
        elif role in ("headline", "byline", "counted"):
            key = "byline" if role == "byline" else "headline"
            values[key] = f"{values[key]} {text}" if key in values else text
        elif document:
            values["document_id"] = document.group(1)
        elif "headline" not in values:
            other.append(("", text))  # a section above the headline
        elif body:
            below.append(("", text))  # captions, the publisher, below the text
        else:
            header.append(text)
    _factiva_header(values, other, header)
    return values, other + below, None, body


def _factiva_header(
    values: dict[str, str], other: list[tuple[str, str]], header: list[str]
) -> None:
    """Word count, date, [time,] source, then source code, edition, page, language and
    copyright, as lines of their own."""
    n = next((k for k, line in enumerate(header) if _FV_WORDS.match(line)), None)
    if n is None:
        other += [("", line) for line in header]
        return
    other += [("", line) for line in header[:n]]
    values["length"] = header[n]
    rest = header[n + 1 :]
    if rest and _FV_DATE.search(rest[0]):
        values["date_text"] = rest.pop(0)
    if rest and _FV_TIME.match(rest[0]):
        other.append(("", rest.pop(0)))
    if rest:
        values["publication"] = rest.pop(0)
    for line in rest:
        if _COPYRIGHT.match(line) and "copyright" not in values:
            values["copyright"] = line
        elif line.isalpha() and not line.isupper() and "language" not in values:
            values["language"] = line
        else:
            other.append(("", line))
