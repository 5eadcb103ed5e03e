"""Metadata lines: a URL line, a byline (with or without "By", maybe with a date), a date
line, a dateline on its own line, a staff title; each read into a `Meta`, kept verbatim."""

from __future__ import annotations

import re
from typing import NamedTuple

import newsarchive.text.parser.shapes as shapes
from newsarchive.model.records import DateSource, MetaKind
from newsarchive.text import dates
from newsarchive.text.parser.shapes import ends_sentence, unmarked

URL_PREFIX = re.compile(
    r"^(?:source|url|link|permalink|original(?:ly published)? (?:at|on)|originally published"
    r"(?: at| on)?|published at|article url|read (?:it )?(?:online )?at)\s*:?\s*"
    r"(?P<url>(?:https?://|www\.)\S+)$",
    re.IGNORECASE,
)
# A URL that lost the newline after it: `https://site/2017/09/21/slug/If you recall, ...`.
GLUED_URL = re.compile(r"^(?P<url>https?://\S+?/)(?P<rest>[A-Z“\"‘'][^/\s]*\s+\S.*)$")

# Bylines. A name word: capitalised, or a particle.
NAME = r"[A-Z][\w.'’\-]*"
_NAME_WORD = rf"(?:{NAME}|and|&|de|del|da|dos|van|von|der|den|la|le|al|bin|ibn|y)"
BYLINE_PREFIX = re.compile(
    r"^(?:by|posted\s+by|written\s+by|words\s+by|story\s+by|reported\s+by|reporting\s+by"
    r"|text\s+by|authors?|par|por|von)\s*:?\s+",
    re.IGNORECASE,
)
_BYLINE_NAMES = re.compile(
    rf"^{NAME}(?:\s+{_NAME_WORD}){{0,6}}"
    r"(?P<tail>(?:\s*(?:,|\||·|•|—|–|\s-|\s+on\s|\s*\()\s*.*)?)$"
)
_AUTHOR_LABEL = re.compile(r"^authors?\s*:\s*", re.IGNORECASE)
_AGENCY = re.compile(
    r"^(?:the\s+)?(?:associated\s+press|reuters|afp|agence\s+france[- ]presse|ap|upi"
    r"|united\s+press\s+international|press\s+association|pa|pti|press\s+trust\s+of\s+india"
    r"|ians|xinhua|bloomberg|dpa|efe|ansa|kyodo|bbc\s+news|cnn(?:\s+wire)?|aap"
    r"|staff\s+and\s+agencies|agencies|staff\s+reporter|special\s+correspondent"
    r"|(?:\w+\s+)?staff|wire\s+reports|news\s+services)(?:\s+(?:staff|reports?|writer))?\.?$",
    re.IGNORECASE,
)
# Words that make a capitalised line a section name or a kicker, not a person.
_NOT_A_NAME_WORDS = (
    "news world politics sport sports business opinion home top stories technology tech"
    " entertainment health science video videos live breaking update analysis comment features"
    " feature editorial staff writer reporter correspondent editor the a an of in on for to"
    " and with latest more share print email comments photos photo gallery watch local"
    " national international us uk review reviews culture life style travel money markets"
    " economy weather blog blogs column columns letters today week report new story city state"
    " world's exclusive sponsored advertisement daily star times post herald journal tribune"
    " gazette press guardian telegraph mail chronicle examiner observer independent sun mirror"
    " express globe courier record weekly online magazine network radio tv unlimited"
    " newspapers newspaper media group agency department service park road street stadium"
    " arena field ground hall square house centre center court bridge lane avenue club stade"
    " stadio estadio stadion"
)
_NOT_A_NAME = frozenset(_NOT_A_NAME_WORDS.split())
_STAFF_LINE = re.compile(
    r"^(?:[\w.'’-]+\s+){0,5}(?:staff|senior|chief|political|sports?|news|business|foreign"
    r"|national|investigative|contributing|special|wire|managing)?\s*(?:writer|reporter"
    r"|correspondent|editor|producer|columnist|contributor)s?$",
    re.IGNORECASE,
)

# A dateline that opens a story: `LONDON, Dec 5, 2018 (Reuters) - `, `WASHINGTON (AP) — `,
# `Washington (CNN)`, `CAIRO — `, `NEW YORK, March 4 - `.
_DATELINE = re.compile(
    r"^(?P<dateline>(?:[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){0,3}"
    r"|[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}(?=\s*(?:,\s*[A-Z]|\()))"
    r"(?:,\s*[A-Z][A-Za-z.]+(?:\s+[A-Z][A-Za-z.]+){0,2})?"
    r"(?:,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?|\d{1,2}\s+[A-Z][a-z]{2,8}\.?"
    r"(?:\s+\d{4})?))?"
    r"\s*(?:\((?:[A-Za-z][A-Za-z .&]{0,30})\))?\s*(?:--?|–|—)(?=\s|$)\s*"
    r"|[A-Z][A-Za-z.]+(?:\s+[A-Z][A-Za-z.]+){0,2}\s*\((?:CNN|AP|AFP|Reuters|CNN Money)\)"
    r"|\((?:[A-Z][A-Za-z ]{1,30})\)\s*(?:--?|–|—)\s)"
)

MAX_META_LINE = 160
MAX_NAME_LINE = 40
MAX_AFFILIATION_WORDS = 5
MAX_CREDIT_LINE = 120  # a byline without "By": names, an affiliation, a date
MAX_CREDIT_WORDS = 14


class Meta(NamedTuple):
    """What a metadata line says; `text` is the line as written."""

    kind: MetaKind
    text: str
    byline: str | None = None
    url: str | None = None
    date: dates.FoundDate | None = None


def is_staff_line(text: str) -> bool:
    """`Staff Writer`, `AP Sports Writer`, `national security reporter`: a title alone."""
    if len(text) > MAX_NAME_LINE * 2:
        return False
    return text.lower().rstrip("s").endswith(_TITLES) and bool(_STAFF_LINE.match(text))


_TITLES = ("writer", "reporter", "correspondent", "editor", "producer", "columnist", "contributor")


def url_line(text: str) -> Meta | None:
    if "http" not in text and "www." not in text and "HTTP" not in text and "WWW." not in text:
        return None
    bare = unmarked(text)
    if shapes.URL.match(bare):
        return Meta(MetaKind.URL, text, url=bare)
    if match := URL_PREFIX.match(bare):
        return Meta(MetaKind.URL, text, url=match["url"])
    return None


def meta_line(text: str, verbatim: str, *, header: bool) -> Meta | None:
    """The metadata a line is, if it is one: URL, byline (maybe with a date), date, or a
    dateline on its own line. Bare names count as bylines only in the header."""
    if meta := url_line(text):
        return meta._replace(text=verbatim)
    if len(text) > MAX_META_LINE:
        return None
    if found := dates.read_date_line(text):
        return Meta(MetaKind.DATE, verbatim, date=dates.found_in_line(found, _HEADER, verbatim))
    if header and find_dateline(text + (" " if text[-1] in "-–—" else ""), whole=True):
        return Meta(MetaKind.DATELINE, verbatim)
    if byline := _byline(text, header=header):
        names, date = byline
        return Meta(MetaKind.BYLINE, verbatim, byline=names, date=date)
    if "|" in text or " by " in text.lower():
        return _date_then_byline(text, verbatim, header=header)
    return None


_HEADER = DateSource.HEADER


def _date_then_byline(text: str, verbatim: str, *, header: bool) -> Meta | None:
    """`2/26/2015 7:11 AM PST BY TMZ STAFF`, `Nov 9, 2016 | Politics`."""
    parts = re.split(r"\s+(?:\||by|BY|By)\s+", text, maxsplit=1)
    if len(parts) != 2:
        return None
    found = dates.read_date_line(parts[0])
    if found is None:
        return None
    byline = _byline("By " + parts[1], header=header)
    date = dates.found_in_line(found, _HEADER, verbatim)
    names = byline[0] if byline else None
    return Meta(MetaKind.BYLINE if names else MetaKind.DATE, verbatim, byline=names, date=date)


def _byline(text: str, *, header: bool) -> tuple[str, dates.FoundDate | None] | None:
    """The names (with any affiliation) of a byline line, and a date it carries."""
    prefix = BYLINE_PREFIX.match(text)
    if prefix is None and (
        not header
        or len(text) > MAX_CREDIT_LINE
        or text.count(" ") > MAX_CREDIT_WORDS
        or ends_sentence(text)
    ):
        return None  # a bare credit is short, and no sentence
    rest = text[prefix.end() :] if prefix else text
    parts = [p.strip() for p in re.split(r"\s+[|·•]\s+|\s+[|·•]|[|·•]\s+", rest) if p.strip()]
    if not parts:
        return None
    first, others = parts[0], parts[1:]
    date: dates.FoundDate | None = None
    on = re.match(r"^(?P<names>.+?)\s+on\s+(?P<date>.+)$", first)
    if on and (found := dates.read_date_line(on["date"])):
        first = on["names"]
        date = dates.found_in_line(found, DateSource.BYLINE, text)
    for part in others:
        if date is None and (found := dates.read_date_line(part)):
            date = dates.found_in_line(found, DateSource.BYLINE, text)
    if prefix:
        match = _BYLINE_NAMES.match(first)
        if match is None and date is None and (dated_names := _names_then_date(first)):
            first, found_date = dated_names
            date = dates.found_in_line(found_date, DateSource.BYLINE, text)
            match = _BYLINE_NAMES.match(first)
        if match is None and not (_AUTHOR_LABEL.match(text) and first[:1].isalpha()):
            return None  # "By the end of the day, ..." is a sentence
        if match is not None and date is None and match["tail"]:
            tail = match["tail"].strip(" ,|·•—–-")
            if found := dates.read_date_line(tail):
                date = dates.found_in_line(found, DateSource.BYLINE, text)
                first = first[: len(first) - len(match["tail"])]
        elif match is not None and date is None and (dated := dates.BYLINE_DATE.search(first)):
            date = dates.date_from_byline(text)
            first = first[: dated.start()]
    elif not header or not is_credit(first):
        return None
    names = first.strip(" \t,|·•—–-")
    if len(names) > 120 or not names:
        return None
    return names, date


def _names_then_date(text: str) -> tuple[str, dates.DateLine] | None:
    """`Ray Chesterton January 18, 2008 12:00am`: names, then a date with no separator."""
    words = text.split()
    for cut in range(1, min(len(words), 8)):
        found = dates.read_date_line(" ".join(words[cut:]))
        if found is not None and found.value is not None:
            return " ".join(words[:cut]), found
    return None


def is_credit(text: str) -> bool:
    """A byline without "By", as a header line: `Jane Doe`, `Jane Doe, The Province`, `Scott
    Roxborough and Gregg Goldstein`, `REUTERS`."""
    if _AGENCY.match(text):
        return True
    name, _, affiliation = text.partition(", ")
    if affiliation and (
        len(affiliation.split()) > MAX_AFFILIATION_WORDS or any(c.isdigit() for c in affiliation)
    ):
        return False
    people = re.split(r"\s+(?:and|&)\s+", name)
    return len(people) <= 3 and all(looks_like_name(person) for person in people)


def looks_like_name(text: str) -> bool:
    """`Jane Doe`, `J.J. GALLAGHER`, `Marcos Da Silva`: two to four name words."""
    if len(text) > MAX_NAME_LINE or any(c.isdigit() or c == "," for c in text):
        return False
    words = text.split()
    if not 2 <= len(words) <= 4:
        return False
    for word in words:
        bare = word.strip(".,")
        if bare.lower() in _NOT_A_NAME:
            return False
        if not (bare[:1].isupper() or bare.lower() in ("de", "da", "van", "von", "del", "al")):
            return False
        if not re.fullmatch(r"[\w.'’\-]+", bare):
            return False
    return True


def body_meta(bare: str, text: str, *, at_end: bool, first: bool) -> Meta | None:
    """URL and date lines in the body; a byline or dateline only as its first unit."""
    if meta := url_line(text):
        return meta
    if len(bare) <= dates.MAX_DATE_LINE and (found := dates.read_date_line(bare)):
        if found.value is None and not (at_end or first or found.updated):
            return None
        return Meta(MetaKind.DATE, text, date=dates.found_in_line(found, _HEADER, text))
    if first or (at_end and BYLINE_PREFIX.match(bare)):
        return meta_line(bare, text, header=False)
    return None


def find_dateline(text: str, *, whole: bool = False) -> re.Match[str] | None:
    """A wire dateline opening `text` (see _DATELINE), or the whole of it with `whole`.
    Every dateline has a dash or a bracket early on: without one, the pattern is not tried."""
    opening = text[:MAX_DATELINE_CHARS]
    if not text[:1].isupper() and text[:1] != "(":
        return None
    if not ("-" in opening or "–" in opening or "—" in opening or "(" in opening):
        return None
    return _DATELINE.fullmatch(text) if whole else _DATELINE.match(text)


MAX_DATELINE_CHARS = 90
