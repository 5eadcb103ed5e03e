"""Plain text to `Article`: pure and total.

`parse_article` returns an Article or raises ParseError naming the source and line; no other
exception escapes. It does no I/O: decoding bytes is `decode.py`'s job, done before.

Every non-blank line gets one role, decided from its content and its neighbours, and every
line's words end up in the article: in the headline, the dek, a metadata line (kept verbatim
in `meta`) or a body block. The grammar, as found in real scrapes and wire copy:

    document := (url-line | furniture)* headline header* body
    headline := the first other line (a leading marker such as `-- ` or `• ` dropped)
    header   := up to 8 units right under the headline, each a
                  url-line   `http://...`, `Source: http://...`, `URL: ...`, `Link: ...`
                  byline     `By Jane Doe`, `Posted by ...`, `Written by ...`, `Author: ...`,
                             `Jane Doe | Staff Writer | 25 November 2014`, `By X on March 3,
                             2021`, `By X January 18, 2008`; in the header only, a bare credit:
                             `Jane Doe`, `Jane Doe, The Province`, `A and B`, `REUTERS`
                  date-line  a date and nothing else but a label (`Published 10:03 AM EST Mar
                             3, 2021`, `Site (City) First published ...`; `Updated ...` is
                             kept but never the publication date)
                  dateline   on its own line: `WASHINGTON, April 2 -`
                  furniture  credits, titles and site lines (`Article from: AAP`, `Staff
                             Writer`, a repeated headline, up to 6 words that are no
                             sentence: `Summit Daily News`): boilerplate
                  dek        see below
    body     := unit*, each a related link, a metadata line (a URL anywhere, a date, a byline
                at the end), a boilerplate line, a subheading or a paragraph

Units are lines, except in hard-wrapped text (lines inside multi-line groups at most 100
characters, most of them at least 50; a few long lines of their own allowed), where a
blank-line-separated group is one unit; metadata lines inside a group still stand alone.

The dek (standfirst) is decided by content and place, in every layout:
  - a prose unit (6 words or more, no credit, no metadata) between the headline and the
    metadata lines (`headline, dek, byline, body`);
  - a headline-shaped line (6 to 20 words, no final punctuation, starting with a capital)
    over a finished paragraph: `Hasselbeck tackles guarantee question before it's even
    asked` (not after two lines of furniture, as on a fixture list);
  - a title-case line of 6 to 15 words: a second headline (`More Flights, Fewer Crashes`);
  - right under the headline, in a file whose body lines are not blank-separated (the
    seed's layout): a sentence of 8 to 45 words that reads as a summary, not a lede: none
    of a lede's marks (a wire dateline, an opening quote, a pronoun or conjunction, a day
    or "yesterday", attribution such as "said" or "according to", "I"/"we", a past or
    perfect verb early on, an exclamation).
  A wire dateline opening the first paragraph (`LONDON, Dec 5, 2018 (Reuters) -`) marks it
  as the lede; the article records it in `dateline`.

Body units, tried in this order:
  related     LABEL sep title-or-url: READ MORE, READ NEXT, SEE ALSO, ALSO READ, RELATED
              (STORIES|POSTS|ARTICLES|NEWS|LINKS|VIDEOS...), YOU MIGHT ALSO LIKE, MORE FROM X,
              LEARN MORE, LIRE AUSSI, with ":" or a spaced dash; MORE, WATCH, PHOTOS, VIDEO,
              GALLERY, LISTEN, READ with ":" only; `[Read: title]` and a bracketed title;
              `Read more at: URL`, `- See more at: URL`, `Read More @ Site`. Labels are
              capitalised (or `read more` in lower case). A label alone (`Related Posts:`,
              `Story Timeline`) takes the title-sized units after it, each one link, up to
              a sentence or the next link; a label with no title after it is boilerplate.
  meta        a URL line, `Source: URL`, `Originally published at URL`; a date line; a
              URL glued to the first paragraph (`https://site/2017/09/21/slug/If you ...`)
  boilerplate see `_BOILERPLATE`: prompts, captions, credits, sign-offs, separators,
              disclaimers, "The post ... appeared first on ..."
  subheading  a short line between blocks: at most 12 words and 80 characters (up to 25 words
              when a paragraph follows), starting with a capital, digit or quote mark, not
              ending in . , ; … or a function word; a ? only up to 8 words, a : only up to 3
              words before a paragraph. Not a list (three short lines in a row), a name with
              an affiliation, an enumeration or score row, an interview question ("AP: Why?"),
              a quoted question, a date, or a line that the paragraph before runs into. Never
              first; last only in an article that has other subheadings.
  paragraph   anything else.

A file that is one long line has no layout to read: its first sentence (up to 300
characters, "Mr." and "U.S." are not sentence ends) is the headline and the rest one
paragraph; see `_split_one_line` for lines with no sentence end that early.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any, NamedTuple

from pydantic import ValidationError

from newsarchive.model.errors import ParseError
from newsarchive.model.models import Article
from newsarchive.model.records import Block, BlockKind, DateSource, MetaKind, MetaLine
from newsarchive.text import dates

# The parser's version: an archive re-reads articles parsed by an older one (reparse).
PARSER_VERSION = 3

_URL = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_URL_PREFIX = re.compile(
    r"^(?:source|url|link|permalink|original(?:ly published)? (?:at|on)|originally published"
    r"(?: at| on)?|published at|article url|read (?:it )?(?:online )?at)\s*:?\s*"
    r"(?P<url>(?:https?://|www\.)\S+)$",
    re.IGNORECASE,
)
# A URL that lost the newline after it: `https://site/2017/09/21/slug/If you recall, ...`.
_GLUED_URL = re.compile(r"^(?P<url>https?://\S+?/)(?P<rest>[A-Z“\"‘'][^/\s]*\s+\S.*)$")
_MARKER = re.compile(r"^(?:-{1,3}|[–—•·*>|#]+)\s+")

_RELATED_LABEL = (
    r"read\s+more|read\s+next|read\s+also|also\s+read|see\s+also|also\s+see|learn\s+more"
    r"|related(?:\s+(?:video|videos|gallery|story|stories|article|articles|content|coverage"
    r"|posts?|news|links?|reading|topics|items))?"
    r"|you\s+(?:might|may)\s+also\s+(?:like|be\s+interested\s+in)|recommended(?:\s+for\s+you)?"
    r"|more\s+(?:from|on|about|in)\s+[\w’' .-]{1,40}?|more\s+[\w-]+\s+(?:news|stories|coverage)"
    r"|further\s+reading|lire\s+aussi|à\s+lire\s+aussi|lire|leer\s+más|lea\s+también"
    r"|story\s+timeline|top\s+stories|most\s+(?:read|popular)|trending(?:\s+now)?"
)
# Words that also open ordinary sentences ("More — much more — was needed"): links only
# with a colon.
_MEDIA_LABEL = r"more|watch|photos|videos?|gallery|listen|read"
_RELATED = re.compile(
    rf"^\[?(?:(?P<label>{_RELATED_LABEL})(?:\s*:|\s+[-–—]|\s+@)|(?P<media>{_MEDIA_LABEL})\s*:)"
    r"\s*(?P<rest>\S.*?)\]?$",
    re.IGNORECASE,
)
_RELATED_AT = re.compile(
    r"^(?P<label>(?:(?:read|see|find)\s+more|more)\s+(?:at|on))\s*:?\s*(?P<rest>\S.*)$",
    re.IGNORECASE,
)
# `Read more great articles here: URL`: a prompt of a few words, a colon, a URL.
_RELATED_PROMPT = re.compile(
    r"^(?P<label>(?:read|see|find|get)\s+more\s[^:]{1,40}?)\s*:\s*"
    r"(?P<rest>(?:https?://|www\.)\S+)$",
    re.IGNORECASE,
)
_RELATED_BARE = re.compile(rf"^(?P<label>{_RELATED_LABEL})\s*:?\s*(?:\.{{0,3}}|…)$", re.IGNORECASE)
_BRACKETED = re.compile(r"^\[(?P<rest>[^\[\]]{3,200})\]$")

# Bylines. A name word: capitalised, or a particle.
_NAME = r"[A-Z][\w.'’\-]*"
_NAME_WORD = rf"(?:{_NAME}|and|&|de|del|da|dos|van|von|der|den|la|le|al|bin|ibn|y)"
_BYLINE_PREFIX = re.compile(
    r"^(?:by|posted\s+by|written\s+by|words\s+by|story\s+by|reported\s+by|reporting\s+by"
    r"|text\s+by|authors?|par|por|von)\s*:?\s+",
    re.IGNORECASE,
)
_BYLINE_NAMES = re.compile(
    rf"^{_NAME}(?:\s+{_NAME_WORD}){{0,6}}"
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

# Lines of a web page or wire around the story: never story text, never headings.
_BOILERPLATE = re.compile(
    r"^(?:"
    r"story\s+continue[sd]\s+below|continue[sd]?\s+reading(?:\s+(?:the\s+)?(?:main\s+)?"
    r"(?:story|article|below))?|advertisement|advertising|sponsored(?:\s+content)?|ad"
    r"|reuters?|-+\s*reuters?|\(?reuters\)?|\(?ap\)?|___+|\*{3,}|-{3,}|={3,}|~{3,}|#{3,}"
    r"|(?:x\s*){3}|(?:\*\s*){3}|•{3,}|\.{3,}"
    r"|(?:subscribe|sign\s+up|follow\s+(?:us|@)|like\s+us|share\s+(?:this|on|via)|click\s+here"
    r"|tap\s+here|download\s+(?:the|our)|get\s+(?:the|our)\s+(?:latest|free)"
    r"|join\s+(?:the|our)\s+(?:conversation|newsletter|mailing)|delivered\s+by"
    r"|featured\s+image|image\s+via|photo\s+via|h/t\b|hat\s+tip|via\s*:)\b.*"
    r"|(?:photo|image|picture|graphic|illustration|caption|credit|photograph|pictured)"
    r"(?:\s+credit)?\s*[:|].*"
    r"|this\s+(?:article|story|post)\s+(?:was\s+)?(?:originally\s+)?(?:appeared|published"
    r"|first\s+appeared).*"
    r"|(?:©|\(c\)|copyright)\s.*"
    r"|(?:tags?|filed\s+under|categories|category|topics|keywords|article\s+from|posted\s+in"
    r"|section)\s*:.*"
    r"|\d+\s+(?:votes?|comments?|shares?|views?|responses?)"
    r"|(?:comments?|print|email|e-mail|tweet|share|reddit|facebook|twitter|linkedin|whatsapp"
    r"|pinterest|close|menu|search|skip\s+to\s+(?:main\s+)?content|back\s+to\s+top|top)"
    r"|the\s+(?:views|opinions)\s+expressed\s.*|(?:views|opinions)\s+expressed\s.*"
    r"|(?:related|more)\s+(?:coverage|stories)\s+below|article\s+continues(?:\s+below)?"
    r"|\[(?:via|h/t|source|image|photo)\b[^\[\]]*\]"
    r")$",
    re.IGNORECASE,
)
# A photo credit inside a short line: "(AP Photo/Jane Doe)", "Getty Images".
_CREDIT = re.compile(
    r"\((?:AP|AFP|Reuters|EPA|Getty|PA)(?:\s+Photo)?[^)]*\)\s*$|Getty\s+Images|AP\s+Photo"
    r"|AFP\s*/|Reuters\s*/|Shutterstock|/\s*(?:AFP|Reuters|EPA|AP)\b|Image\s+copyright"
    r"|Photo\s+by\s",
)
MAX_CREDIT_CHARS = 200
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
# A lede's marks (see _has_lede_marks): words of attribution and of time, the first and
# second person, a perfect verb.
_LEDE_WORDS = frozenset(
    (
        "said says told tells announced reported yesterday today tonight monday tuesday"
        " wednesday thursday friday saturday sunday"
    ).split()
)
_LEDE_PHRASES = (
    *("according to", "this morning", "this afternoon", "this evening", "this week"),
    *("last night", "last week"),
)
_PERSONS = frozenset(("I I'm I’m I've I’ve we We my My our Our you You").split())
_PERFECT = re.compile(r"\b(?:has|have|had)\s+(?:been\s+)?\w+(?:ed|en|wn|ld|ng)\b")
_NO_WORD_EDGES = str.maketrans(dict.fromkeys('"“”‘()[],.;:!?', " "))
_LEDE_OPENING = re.compile(
    r"^(?:[\"“‘'(\[]|(?:He|She|It|They|This|That|These|Those|But|And|Or|So|As|When|If"
    r"|After|While|Because|Although|Though|Yet|Then|Now|Here|There|Well|Yes|No|Oh|In\s+a"
    r"|In\s+an|On\s+a|At\s+a|Last|Earlier|Today|Yesterday|Tonight)\b)"
)

_LETTER = re.compile(r"[^\W\d_]")
_QUOTE_OPEN = "\"'“‘«„"
_SENTENCE_END = re.compile(r"[.!?][\"'”’]?(?=\s+[\"'“‘(]?[A-Z0-9])")
_CLAUSE_END = re.compile(r"[:;](?=\s)|\s[-–—](?=\s)")

MAX_HEADER_UNITS = 8
MAX_FURNITURE_CHARS = 400
MAX_SHORT_FURNITURE_CHARS = 120
MAX_SHORT_FURNITURE_WORDS = 10
MAX_LINK_PROMPT_CHARS = 90
MAX_SCRAP_WORDS = 6
MAX_SCRAP_CHARS = 80
MAX_DATE_CHARS = 80  # dates.MAX_DATE_LINE
MAX_META_LINE = 160
MAX_NAME_LINE = 40
MAX_AFFILIATION_WORDS = 5
MAX_CREDIT_LINE = 120  # a byline without "By": names, an affiliation, a date
MAX_CREDIT_WORDS = 14
MAX_LINK_TITLE_WORDS = 30
MAX_LINK_TITLE_CHARS = 200
MAX_LINK_LIST = 12
MAX_LABEL_LINE = 60
MAX_LINK_LINE = MAX_LINK_TITLE_CHARS + 60  # a label, a title, a URL's length
MAX_SUBHEAD_WORDS = 12
MAX_COLON_SUBHEAD = 3
MAX_LAST_HEADING_WORDS = 8
MIN_RUN_ON_WORDS = 8
MAX_QUESTION_SUBHEAD = 8
MAX_SUBHEAD_CHARS = 80
MAX_LONG_SUBHEAD_WORDS = 25
MAX_LONG_SUBHEAD_CHARS = 160
MIN_DEK_WORDS, MAX_DEK_WORDS = 8, 45
MIN_META_DEK_WORDS = 6
# What a standfirst never holds: a time of day, or an agency's name (a credit or source line).
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")
# Another story's headline, an advertisement or an embedded player's title under the
# headline (`Headline: Shares soar! Buy now`, `Now playing: ...`): never the standfirst.
_PROMO = re.compile(
    r"(?:headline|sponsored|promoted|advertisement|ad|partner|paid\s+post|offer|deal"
    r"|now\s+playing|up\s+next|playing\s+next|raw|live|video|watch)\s*:",
    re.IGNORECASE,
)
_PROMO_PHRASES = ("buy now", "shop now", "order now", "click here", "sign up now")
_AGENCY_NAMES = (
    *("Associated Press", "ASSOCIATED PRESS", "Reuters", "REUTERS", "AFP", "News Service"),
    *("Newswire", "Business Wire", "Sports Network", "Press Trust"),
)
MAX_HEADLINE_DEK_WORDS = 15
MAX_SUMMARY_WORDS = 20
MIN_PAST_WORD = 5
MAX_GIANT_HEADLINE = 300
MAX_FALLBACK_HEADLINE = 120
# Words that end in a full stop without ending the sentence ("Mr. Smith").
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "messrs", "dr", "prof", "st", "sen", "rep", "gov", "gen", "col", "lt"}
    | {"sgt", "capt", "jr", "sr", "no", "vs", "mt", "inc", "ltd", "co", "corp", "rev", "hon"}
)
WRAP_MAX_LINE = 100
WRAP_HEADER_GROUPS = 3
WRAP_MIN_LINE = 50


class _Line(NamedTuple):  # a NamedTuple: made for every line, and cheap to make
    number: int  # 1-based, in the decoded text
    text: str  # stripped
    gap_before: bool  # a blank line separates it from the previous non-blank line


# One line, or a paragraph of hard-wrapped lines joined with spaces (numbered by its first
# line): the same fields as a line, so that a line is its own unit without a copy.
_Unit = _Line


class _Meta(NamedTuple):
    """What a metadata line says; `text` is the line as written."""

    kind: MetaKind
    text: str
    byline: str | None = None
    url: str | None = None
    date: dates.FoundDate | None = None


def parse_article(
    text: str, *, source: str | None = None, not_after: dt.date | None = None
) -> Article:
    """Parse decoded article text (LF line ends) into an Article, or raise ParseError.

    `source` (a path) may carry a date in its name; `not_after` (the day of ingest) bounds
    date inference, which runs only when it is given: parsing stays a pure function.
    """
    try:
        return _parse(text, source, not_after)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "article"
        raise ParseError(f"not a valid article ({where}: {first['msg']})", source=source) from None


class _Fields:
    """The article being put together, in the order the parser meets its parts."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}
        self.meta: list[MetaLine] = []
        # Blocks as dicts, validated in one pass with the article (faster than one by one).
        self.blocks: list[dict[str, str | None]] = []
        self.updated = False

    def add_meta(self, meta: _Meta) -> None:
        self.meta.append(MetaLine(kind=meta.kind, text=meta.text))
        if meta.byline and "byline" not in self.values:
            self.values["byline"] = meta.byline
        if meta.url and "source_url" not in self.values:
            self.values["source_url"] = meta.url
        if meta.kind is MetaKind.DATELINE and "dateline" not in self.values:
            self.values["dateline"] = meta.text
        self.set_date(meta.date)

    def set_date(self, found: dates.FoundDate | None) -> None:
        if found and "published" not in self.values:
            self.values["published"], self.values["date_source"] = found.value, found.source
            self.values["date_confidence"] = found.confidence
            self.values["date_evidence"] = found.evidence

    def add(self, kind: BlockKind, text: str, label: str | None = None) -> None:
        if label is None:
            self.blocks.append({"kind": kind, "text": text})
        else:
            url = text if _URL.match(text) else None
            self.blocks.append({"kind": kind, "text": text, "label": label, "url": url})


def parse_fields(
    text: str, *, source: str | None = None, not_after: dt.date | None = None
) -> dict[str, Any]:
    """What `parse_article` validates into an Article, unvalidated: the Article's fields,
    blocks as dicts (kind, text, and a READ MORE line's label and url). For ingest's
    workers, which turn it into a row at once (ops/workers.py checks what validation would)."""
    return _fields(text, source, not_after)


def _parse(text: str, source: str | None, not_after: dt.date | None) -> Article:
    return Article.model_validate(_fields(text, source, not_after))


def _fields(text: str, source: str | None, not_after: dt.date | None) -> dict[str, Any]:
    lines = _non_blank_lines(text)
    if not lines:
        raise ParseError("no text: the file holds only whitespace", source=source)
    out = _Fields()
    pos = 0
    if len(lines) == 1 and _url_line(lines[0].text):
        raise ParseError("no headline: the file holds only a URL", source=source, line=1)
    while pos < len(lines) - 1:  # URL lines and page furniture above the headline
        if meta := _url_line(lines[pos].text):
            out.add_meta(meta)
        elif _is_boilerplate(lines[pos].text):
            out.add(BlockKind.BOILERPLATE, lines[pos].text)
        else:
            break
        pos += 1
    if pos == len(lines) - 1:
        headline, blocks = _split_one_line(lines[pos].text)
        out.values["headline"] = headline
        out.blocks.extend(asdict(b) for b in blocks)
    else:
        headline = _MARKER.sub("", lines[pos].text, count=1) or lines[pos].text
        out.values["headline"] = headline
        units = _units(lines[pos + 1 :])
        start = _read_header(units, headline, out)
        _read_body(units[start:], headline, out)
    out.values["blocks"] = tuple(out.blocks)
    out.values["meta"] = tuple(out.meta)
    paragraphs = [str(b["text"]) for b in out.blocks if b["kind"] is BlockKind.PARAGRAPH]
    _find_date(out, paragraphs, source, not_after)
    return out.values


def _find_date(
    out: _Fields, paragraphs: list[str], source: str | None, not_after: dt.date | None
) -> None:
    """Stated dates in the parser's order of trust, then inference (given a bound only)."""
    if paragraphs:
        out.set_date(dates.date_from_dateline(paragraphs[0]))
        if "dateline" not in out.values and (dateline := _dateline(paragraphs[0])):
            out.values["dateline"] = dateline["dateline"].strip()
    if isinstance(url := out.values.get("source_url"), str):
        out.set_date(dates.date_from_url(url))
    if source:
        out.set_date(dates.date_from_path(source))
    if not_after is not None and "published" not in out.values and not out.updated:
        dek = out.values.get("dek")
        lede = ([dek] if isinstance(dek, str) else []) + paragraphs
        out.set_date(dates.infer_date(lede, not_after=not_after))


def _non_blank_lines(text: str) -> list[_Line]:
    text = text.removeprefix("\ufeff")
    out: list[_Line] = []
    gap = False
    for number, raw in enumerate(text.split("\n"), 1):
        stripped = raw.strip()
        if not stripped:
            gap = True
            continue
        out.append(_Line(number, stripped, gap and bool(out)))
        gap = False
    return out


# -- units ------------------------------------------------------------------------------


def _units(lines: Sequence[_Line]) -> list[_Unit]:
    """Lines as units: in hard-wrapped text a blank-separated group is one unit, but for
    metadata and link lines, which are never wrapped."""
    groups: list[list[_Line]] = []
    for line in lines:
        if line.gap_before or not groups:
            groups.append([])
        groups[-1].append(line)
    if not _is_hard_wrapped([[line.text for line in g] for g in groups]):
        return list(lines)
    units: list[_Unit] = []
    for group in groups:
        joined: list[_Line] = []
        for line in group:
            if _standalone(line.text):
                if joined:
                    units.append(_joined(joined))
                    joined = []
                units.append(line)
            else:
                joined.append(line)
        if joined:
            units.append(_joined(joined))
    return units


def _joined(lines: Sequence[_Line]) -> _Unit:
    return _Unit(lines[0].number, " ".join(line.text for line in lines), lines[0].gap_before)


def _standalone(text: str) -> bool:
    """Lines a wrapped paragraph never contains: URLs, bylines, dates, link labels, an
    empty header field (`--`), with or without a leading marker."""
    if text[:1] in _MARKER_CHARS:
        if _is_marker_only(text):
            return True
        text = _unmarked(text)
    return bool(
        _URL.match(text)
        or _URL_PREFIX.match(text)
        or _BYLINE_PREFIX.match(text)
        or dates.read_date_line(text)
        or _RELATED_BARE.match(text)
    )


def _is_hard_wrapped(groups: Sequence[Sequence[str]]) -> bool:
    # Marked header lines at the top (`-- Fri Mar 2, 2007`, `-- http://...`, an empty `--`)
    # stand together unwrapped: not evidence. Only the first groups are looked at: cheap.
    head = groups[:WRAP_HEADER_GROUPS]
    if any(t[:1] in _MARKER_CHARS for g in head for t in g):
        kept = [[t for t in g if not (t[:1] in _MARKER_CHARS and _standalone(t))] for g in head]
        groups = [g for g in kept if g] + list(groups[WRAP_HEADER_GROUPS:])
    multi = [g for g in groups if len(g) > 1]
    if len(multi) * 2 < len(groups) or len(groups) < 2:
        return False
    # A long line inside a wrapped paragraph means it is not wrapped; a few long lines of
    # their own (a print credit, a URL) do not.
    if any(len(t) > WRAP_MAX_LINE and not _URL.search(t.split()[-1]) for g in multi for t in g):
        return False
    long_alone = sum(1 for g in groups if len(g) == 1 and len(g[0]) > WRAP_MAX_LINE)
    if long_alone * 10 > len(groups):
        return False
    inner = [t for g in multi for t in g[:-1]]
    return sum(len(t) >= WRAP_MIN_LINE for t in inner) * 4 >= len(inner) * 3


# -- the header -------------------------------------------------------------------------


def _read_header(units: Sequence[_Unit], headline: str, out: _Fields) -> int:
    """Consume the metadata, furniture and dek under the headline; return where the body
    starts. The last unit is always body."""
    pos = 0
    dek_done = False
    compact = _is_compact(units)
    limit = min(len(units) - 1, MAX_HEADER_UNITS)
    metas: dict[int, _Meta | None] = {}  # a unit's metadata, read once (the dek asks too)

    def meta_at(index: int) -> _Meta | None:
        if index not in metas:
            unit = units[index].text
            metas[index] = _meta_line(_unmarked(unit), unit, header=True)
        return metas[index]

    while pos < limit:
        text = _unmarked(units[pos].text)
        if _GLUED_URL.match(units[pos].text):
            break  # a URL that lost its newline: the story starts after it
        if _is_marker_only(units[pos].text):
            pos += 1  # an empty field (`-- ` where a byline would be): no words, no block
            continue
        if _is_staff_line(text):  # "Staff Writer": a title, not a name
            out.add(BlockKind.BOILERPLATE, units[pos].text)
        elif meta := meta_at(pos):
            out.add_meta(meta)
            out.updated |= meta.kind is MetaKind.DATE and meta.date is None
        elif _is_furniture(text, headline):
            out.add(BlockKind.BOILERPLATE, units[pos].text)
        elif not dek_done and _is_dek(
            units[pos].text,
            units[pos + 1].text,
            text.count(" ") + 1 >= MIN_META_DEK_WORDS and meta_at(pos + 1) is not None,
            compact=compact,
            after_meta=bool(out.meta),
            after_scrap=bool(out.blocks),
        ):
            out.values["dek"] = units[pos].text
            dek_done = True
        elif _is_header_scrap(text):
            out.add(BlockKind.BOILERPLATE, units[pos].text)
        else:
            break
        pos += 1
    return pos


def _is_promo(text: str) -> bool:
    """A promotion or a player's caption (_PROMO), tested cheaply: an anchored label, then
    plain substrings."""
    if ":" in text[:20] and _PROMO.match(text):
        return True
    lower = text.lower()
    return ("now" in lower or "click" in lower) and any(p in lower for p in _PROMO_PHRASES)


def _is_staff_line(text: str) -> bool:
    """`Staff Writer`, `AP Sports Writer`, `national security reporter`: a title alone."""
    if len(text) > MAX_NAME_LINE * 2:
        return False
    return text.lower().rstrip("s").endswith(_TITLES) and bool(_STAFF_LINE.match(text))


_TITLES = ("writer", "reporter", "correspondent", "editor", "producer", "columnist", "contributor")


def _is_boilerplate(text: str) -> bool:
    """Page furniture (see _BOILERPLATE). Long lines are furniture only when they open as
    furniture does; testing every paragraph against every pattern is parsing's main cost."""
    opening = text[:24].lower()
    if opening.startswith("the post ") and " appeared first on " in text:
        return True
    long = len(text) > MAX_SHORT_FURNITURE_CHARS or text.count(" ") >= MAX_SHORT_FURNITURE_WORDS
    if long and not opening.startswith(_LONG_FURNITURE_OPENINGS):
        return False
    if _BOILERPLATE.match(text):
        return True
    if text.endswith(("»", "›")) and "«" not in text and len(text) <= MAX_LINK_PROMPT_CHARS:
        return True  # "Watch what experts make of the new message »"
    return "rights reserved" in text.lower()


# How furniture longer than a line or two opens: footers, disclaimers, credits, prompts.
# Every pattern of _BOILERPLATE that can run past a line of ten words opens as one of these.
_LONG_FURNITURE_OPENINGS = (
    *("like us", "share", "delivered by", "get the", "get our", "tap here", "h/t", "hat tip"),
    *("via", "category", "article from", "posted in", "section", "featured"),
    *("the post ", "this article", "this story", "this post", "©", "(c) ", "copyright"),
    *("the views expressed", "views expressed", "the opinions expressed", "photo", "image"),
    *("caption", "credit", "featured image", "tags", "filed under", "categories", "topics"),
    *("keywords", "subscribe", "sign up", "follow us", "click here", "download", "join "),
    "all rights reserved",
)


def _is_header_scrap(text: str) -> bool:
    """A few words under the headline that are no sentence: a site or section name, a
    caption, a credit (`Summit Daily News`, `PA Sport/Sportal`)."""
    if len(text) > MAX_SCRAP_CHARS:
        return False
    return len(text.split()) <= MAX_SCRAP_WORDS and not _ends_sentence(text)


def _is_compact(units: Sequence[_Unit]) -> bool:
    """Body lines not separated by blank lines (the seed's layout)."""
    gaps = sum(unit.gap_before for unit in units[1:])
    return gaps * 3 < max(1, len(units) - 1)


def _is_dek(
    text: str,
    following: str,
    meta_follows: bool,
    *,
    compact: bool,
    after_meta: bool,
    after_scrap: bool,
) -> bool:
    """Whether `text`, under the headline, is its standfirst (see the module docstring);
    `following` is the next unit, and `meta_follows` whether that is a metadata line."""
    words = text.count(" ") + 1
    if not 2 <= words <= MAX_DEK_WORDS * 2:
        return False
    if len(text) <= MAX_LINK_LINE and (_RELATED.match(text) or _RELATED_BARE.match(text)):
        return False
    if words < MIN_META_DEK_WORDS:
        return False
    if meta_follows:
        # Between the headline and its metadata: the page's standfirst, if it is prose.
        return (
            not _dateline(text)
            and not _looks_like_name(text)
            and not any(c.isdigit() for c in text[:12])
            and _could_be_dek(text)
        )
    if words <= MAX_SUMMARY_WORDS and (
        _is_second_headline(text) or (not after_scrap and _is_summary_line(text, following))
    ):
        return _could_be_dek(text)
    if not compact or after_meta or not MIN_DEK_WORDS <= words <= MAX_DEK_WORDS:
        return False
    if not _ends_sentence(text) or _dateline(text) or _LEDE_OPENING.match(text):
        return False
    return not _has_lede_marks(text) and _could_be_dek(text)


def _has_lede_marks(text: str) -> bool:
    """What starts a story rather than sums it up: attribution ("said", "according to"), a
    day or "yesterday", "I" or "we", a perfect or past verb early on, a contraction, "!"."""
    lower = text.lower()
    if "n't" in text or "n’t" in text or text.endswith("!"):
        return True
    if any(phrase in lower for phrase in _LEDE_PHRASES):
        return True
    bare = set(text.translate(_NO_WORD_EDGES).split())  # set operations: no loop per word
    if not bare.isdisjoint(_PERSONS) or not _LEDE_WORDS.isdisjoint(w.lower() for w in bare):
        return True
    words = text.split(maxsplit=6)[:6]
    if any(len(w) >= MIN_PAST_WORD and w.endswith("ed") and w.isalnum() for w in words):
        return True  # "Peaceful protesters crowded ...": a past-tense report
    return ("has " in lower or "have " in lower or "had " in lower) and bool(_PERFECT.search(text))


def _could_be_dek(text: str) -> bool:
    """Not a credit, a source line, a score line, a promotion or a player's caption, which
    stand where deks stand."""
    if any(c in text for c in "|©®/") or text.startswith("(") or text.endswith((" -", " --")):
        return False
    if _is_promo(text):
        return False
    if ":" in text and _CLOCK.search(text):
        return False
    if any(agency in text for agency in _AGENCY_NAMES):
        return False
    return not (len(text) <= MAX_CREDIT_CHARS and _may_credit(text) and _CREDIT.search(text))


def _is_summary_line(text: str, following: str) -> bool:
    """`Hasselbeck tackles guarantee question before it's even asked` over a paragraph: a
    headline-shaped sentence (no full stop) standing on its own above the story."""
    words = text.split()
    if not MIN_META_DEK_WORDS <= len(words) <= MAX_SUMMARY_WORDS or _ended(text):
        return False
    if not (text[0].isupper() or text[0].isdigit()) or _LEDE_OPENING.match(text):
        return False
    return len(following.split()) > MAX_SUBHEAD_WORDS and _ends_sentence(following)


def _is_second_headline(text: str) -> bool:
    """`More Flights, Fewer Crashes In 2007`: a title under the title."""
    words = text.split()
    if not MIN_META_DEK_WORDS <= len(words) <= MAX_HEADLINE_DEK_WORDS:
        return False
    if _ends_sentence(text) or text.endswith(":") or re.search(r"\d\s+\w+\s+\w+\s+\d", text):
        return False
    capitals = sum(1 for w in words if w[0].isupper() or w[0].isdigit())
    return capitals >= len(words) - 1 and not _looks_like_name(text)


def _is_furniture(text: str, headline: str) -> bool:
    if text == headline:
        return True
    if len(text) > MAX_FURNITURE_CHARS:  # furniture is short; most story lines are not
        return False
    return bool(
        _is_boilerplate(text)
        or _is_staff_line(text)
        or (len(text) <= MAX_CREDIT_CHARS and _may_credit(text) and _CREDIT.search(text))
    )


def _may_credit(text: str) -> bool:
    """What every credit _CREDIT finds has in it: a cheap test before it."""
    # Substring tests, not one pattern: a search for any of four words costs ten times more.
    return (
        "/" in text
        or "(" in text
        or "Getty" in text
        or "Photo" in text
        or "Image" in text
        or "Shutterstock" in text
    )


# -- metadata lines ---------------------------------------------------------------------


def _is_marker_only(text: str) -> bool:
    """`--`, `•`, `|`: a marker with nothing after it, a field left empty."""
    return not text.strip(_MARKER_CHARS + " ")


def _unmarked(text: str) -> str:
    """The line without a leading marker such as `-- ` or `• `."""
    return _MARKER.sub("", text, count=1) if text[:1] in _MARKER_CHARS else text


_MARKER_CHARS = "-–—•·*>|#"


def _url_line(text: str) -> _Meta | None:
    if "http" not in text and "www." not in text and "HTTP" not in text and "WWW." not in text:
        return None
    bare = _unmarked(text)
    if _URL.match(bare):
        return _Meta(MetaKind.URL, text, url=bare)
    if match := _URL_PREFIX.match(bare):
        return _Meta(MetaKind.URL, text, url=match["url"])
    return None


def _meta_line(text: str, verbatim: str, *, header: bool) -> _Meta | None:
    """The metadata a line is, if it is one: URL, byline (maybe with a date), date, or a
    dateline on its own line. Bare names count as bylines only in the header."""
    if meta := _url_line(text):
        return meta._replace(text=verbatim)
    if len(text) > MAX_META_LINE:
        return None
    if found := dates.read_date_line(text):
        return _Meta(MetaKind.DATE, verbatim, date=dates.found_in_line(found, _HEADER, verbatim))
    if header and _dateline(text + (" " if text[-1] in "-–—" else ""), whole=True):
        return _Meta(MetaKind.DATELINE, verbatim)
    if byline := _byline(text, header=header):
        names, date = byline
        return _Meta(MetaKind.BYLINE, verbatim, byline=names, date=date)
    if "|" in text or " by " in text.lower():
        return _date_then_byline(text, verbatim, header=header)
    return None


_HEADER = DateSource.HEADER


def _date_then_byline(text: str, verbatim: str, *, header: bool) -> _Meta | None:
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
    return _Meta(MetaKind.BYLINE if names else MetaKind.DATE, verbatim, byline=names, date=date)


def _byline(text: str, *, header: bool) -> tuple[str, dates.FoundDate | None] | None:
    """The names (with any affiliation) of a byline line, and a date it carries."""
    prefix = _BYLINE_PREFIX.match(text)
    if prefix is None and (
        not header
        or len(text) > MAX_CREDIT_LINE
        or text.count(" ") > MAX_CREDIT_WORDS
        or _ends_sentence(text)
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
    elif not header or not _is_credit(first):
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


def _is_credit(text: str) -> bool:
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
    return len(people) <= 3 and all(_looks_like_name(person) for person in people)


def _looks_like_name(text: str) -> bool:
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


# -- the body ---------------------------------------------------------------------------


def _read_body(units: Sequence[_Unit], headline: str, out: _Fields) -> None:
    texts = [unit.text for unit in units]
    blocks = out.blocks
    headings = 0
    i = 0
    n = len(texts)
    while i < n:
        text = texts[i]
        if i and _plain_paragraph(text):
            blocks.append({"kind": BlockKind.PARAGRAPH, "text": text})
            i += 1
            continue
        bare = _unmarked(text)
        if link := _related(bare):
            label, rest = link
            out.add(BlockKind.READ_MORE, rest, label)
            i += 1
            if i < n and texts[i] == rest:  # a link card repeats its title
                out.add(BlockKind.BOILERPLATE, texts[i])
                i += 1
            continue
        if (
            len(bare) <= MAX_LABEL_LINE
            and (bare_label := _RELATED_BARE.match(bare))
            and _is_label_cased(bare_label["label"])
        ):
            titles = _link_titles(texts, i + 1)
            if titles:
                label = " ".join(bare_label["label"].split())
                out.add(BlockKind.BOILERPLATE, text)
                for k, title in enumerate(titles):
                    # A link card repeats its title, or prints a byline or credit under it.
                    if (k and title == titles[k - 1]) or _is_card_credit(_unmarked(title)):
                        out.add(BlockKind.BOILERPLATE, title)
                    else:
                        out.add(BlockKind.READ_MORE, title, label)
                i += 1 + len(titles)
                continue
            out.add(BlockKind.BOILERPLATE, text)
            i += 1
            continue
        if glued := _GLUED_URL.match(text) if i == 0 else None:
            url = glued["url"]
            out.add_meta(_Meta(MetaKind.URL, url, url=url))
            out.add(BlockKind.PARAGRAPH, glued["rest"])
            i += 1
            continue
        if meta := _body_meta(bare, text, at_end=i >= n - 3, first=i == 0):
            out.add_meta(meta)
            out.updated |= meta.kind is MetaKind.DATE and meta.date is None
        elif _is_furniture(bare, headline):
            out.add(BlockKind.BOILERPLATE, text)
        elif _is_subheading(texts, i, blocks):
            out.add(BlockKind.SUBHEADING, text)
            headings += 1
        else:
            out.add(BlockKind.PARAGRAPH, text)
        i += 1
    _last_heading(out.blocks, texts, has_headings=headings > 0)


def _last_heading(
    blocks: list[dict[str, str | None]], texts: Sequence[str], *, has_headings: bool
) -> None:
    """A short title-like last line is a heading when the article uses headings elsewhere
    (a live blog's last entry, a cut-off section) and follows a finished paragraph."""
    if len(texts) < 3 or not blocks or blocks[-1]["kind"] is not BlockKind.PARAGRAPH:
        return
    if not has_headings:
        return
    text, previous = texts[-1], texts[-2]
    words = text.split()
    if len(words) > MAX_LAST_HEADING_WORDS or _ended(text) or _ends_clause(text):
        return
    if not (text[0].isupper() or text[0].isdigit()) or _is_credit(text):
        return
    if len(previous.split()) > MAX_SUBHEAD_WORDS and _ended(previous):
        blocks[-1] = {**blocks[-1], "kind": BlockKind.SUBHEADING}


def _plain_paragraph(text: str) -> bool:
    """Too long for a heading or a metadata line, with no URL, and opening as no link and
    no long furniture line does: a paragraph, without trying every other role in turn.

    It runs on every line, so it uses string tests only, cheapest first: a pattern of many
    openings tried on every line cost more than all the rest of the parser."""
    size = len(text)
    if size <= MAX_LONG_SUBHEAD_CHARS and not (size > MAX_DATE_CHARS and _ends_sentence(text)):
        return False  # may be a heading, or a metadata line
    if text[:3].lower() in _SPECIAL_PREFIXES and _special_opening(text):
        return False
    if text[0] in _OPENING_MARKS or "http" in text or "www." in text:
        return False
    if size <= MAX_CREDIT_CHARS and _may_credit(text[:CREDIT_EDGE] + text[-CREDIT_EDGE:]):
        return False  # captions carry their credit at one end
    return not (text[-1] in "»›" or "appeared first on" in text)


def _special_opening(text: str) -> bool:
    """Whether the first word opens a link, furniture or a byline (_SPECIAL_FIRST_WORDS)."""
    space = text.find(" ", 0, MAX_OPENING_WORD)
    first = text[:space].rstrip(":").lower() if space > 0 else ""
    if first not in _SPECIAL_FIRST_WORDS:
        return False
    return first != "the" or text[4:24].lower().startswith(("post ", "views ", "opinions "))


MAX_OPENING_WORD = 16
CREDIT_EDGE = 50
# What a line may open with that is no paragraph: a marker or bracket, or the first word of a
# link label (see _RELATED_LABEL, _MEDIA_LABEL, _RELATED_AT), of long furniture (see
# _LONG_FURNITURE_OPENINGS) or of a byline; "the" only before "post", "views", "opinions".
_OPENING_MARKS = frozenset("-–—•·*>|#[©(")
_SPECIAL_FIRST_WORDS_TEXT = (
    "read see also learn related you recommended more further lire à leer lea story top"
    " most trending watch photos video videos gallery listen find this copyright views"
    " opinions photo image caption credit featured tags filed categories topics keywords"
    " subscribe sign follow click download join all by posted written the"
)
_SPECIAL_FIRST_WORDS = frozenset(_SPECIAL_FIRST_WORDS_TEXT.split())
# How a line opens with one of them, in three characters ("by " for "by", "à l" for "à
# lire"): a cheap look before the word is cut out.
_SPECIAL_PREFIXES = frozenset((word + " ")[:3] for word in _SPECIAL_FIRST_WORDS) | {"à l"}


def _body_meta(bare: str, text: str, *, at_end: bool, first: bool) -> _Meta | None:
    """URL and date lines in the body; a byline or dateline only as its first unit."""
    if meta := _url_line(text):
        return meta
    if len(bare) <= dates.MAX_DATE_LINE and (found := dates.read_date_line(bare)):
        if found.value is None and not (at_end or first or found.updated):
            return None
        return _Meta(MetaKind.DATE, text, date=dates.found_in_line(found, _HEADER, text))
    if first or (at_end and _BYLINE_PREFIX.match(bare)):
        return _meta_line(bare, text, header=False)
    return None


def _related(text: str) -> tuple[str, str] | None:
    """(label, title or URL) of a related-link line."""
    if len(text) > MAX_LINK_LINE:
        return None
    if match := _RELATED.match(text):
        label = match["label"] or match["media"]
        if _is_label_cased(label) and (match["label"] or _is_title(match["rest"])):
            return " ".join(label.split()), match["rest"].strip()
    if (match := _RELATED_AT.match(text) or _RELATED_PROMPT.match(text)) and _is_label_cased(
        match["label"]
    ):
        return " ".join(match["label"].split()), match["rest"].strip()
    if (
        (match := _BRACKETED.match(text))
        and _is_title(match["rest"])
        and _opens_title(match["rest"])
    ):
        return "", match["rest"].strip()  # no label: the line has none to show
    return None


def _link_titles(texts: Sequence[str], start: int) -> list[str]:
    """The titles a bare label announces: title-sized units, up to a paragraph."""
    titles: list[str] = []
    for text in texts[start : start + MAX_LINK_LIST]:
        bare = _unmarked(text)
        if not _is_title(text) or _is_boilerplate(bare) or _URL_PREFIX.match(bare):
            break
        if _related(bare) or _RELATED_BARE.match(bare):
            break  # the next link of its own
        if bare[:1] in "[(" or not _opens_title(bare):
            break  # a credit or a note (`[via Site]`), not a title
        if text.endswith(".") and len(text.split()) > MAX_SCRAP_WORDS:
            break  # a sentence: the story goes on
        titles.append(text)
    return titles


def _is_card_credit(text: str) -> bool:
    """What a related-story card prints under its title: `By Jane Doe`, `Rex/Getty`,
    `SOURCE: US WEEKLY`."""
    if _BYLINE_PREFIX.match(text) and len(text.split()) <= MAX_CREDIT_WORDS // 2:
        return True
    if text[:7].lower() == "source:":
        return True
    return len(text) <= MAX_CREDIT_CHARS and _may_credit(text) and bool(_CREDIT.search(text))


def _opens_title(text: str) -> bool:
    """A bracketed title opens with a capital, a digit or a quote; `[via Site]` and
    `[your name here, reader]` are a credit and a signature."""
    first = text.lstrip()[:1]
    return first.isupper() or first.isdigit() or first in _QUOTE_OPEN


def _is_title(text: str) -> bool:
    """Short enough to be the title a link announces, not a paragraph."""
    return len(text) <= MAX_LINK_TITLE_CHARS and len(text.split()) <= MAX_LINK_TITLE_WORDS


def _is_label_cased(label: str) -> bool:
    """`MORE:` and `More:` introduce links; `more:` inside a sentence does not, but
    `read more` does, whatever its case."""
    return label.isupper() or label[0].isupper() or label.lower().startswith("read more")


def _is_subheading(
    texts: Sequence[str], i: int, blocks: Sequence[dict[str, str | None]] = ()
) -> bool:
    """See the module docstring. `blocks`: the body so far, whose last block may be a
    caption or credit, which no paragraph runs on from."""
    if i == 0 or i == len(texts) - 1 or len(texts[i]) > MAX_LONG_SUBHEAD_CHARS:
        return False
    text = texts[i]
    following = texts[i + 1]
    if _ends_clause(text) or following[:1].islower():
        return False  # a sentence's end, or a sentence that goes on in the next line
    words = text.split()
    long_paragraph_next = _is_long_paragraph(following)
    if (len(words) > MAX_SUBHEAD_WORDS or len(text) > MAX_SUBHEAD_CHARS) and not (
        long_paragraph_next
        and len(words) <= MAX_LONG_SUBHEAD_WORDS
        and len(text) <= MAX_LONG_SUBHEAD_CHARS
        and not _ends_sentence(text)
    ):
        return False
    if text.endswith(":") and not (long_paragraph_next and len(words) <= MAX_COLON_SUBHEAD):
        return False  # "In conclusion:" heads a section; "The agency reports:" does not
    if text.endswith(":") and words[0].lower() in ("from", "via"):
        return False
    if text.endswith("?") and len(words) > MAX_QUESTION_SUBHEAD:
        return False
    first = text[0]
    if first in _QUOTE_OPEN:
        first = text[1:2] or "x"
    if not (first.isupper() or first.isdigit()):
        return False
    if _words_with_letters(words) < 2 and not (
        len(words) == 1 and len(text) >= 3 and long_paragraph_next
    ):
        return False
    if _short_line(texts[i - 1]) and (_short_line(following) or _short_line(texts[i - 2])):
        return False  # three short lines in a row: a list, not headings
    if _PANEL_NAME.match(text):
        return False  # "Jane Doe, professor of law at X": a panel's name line
    if _not_a_heading(text) or words[-1].lower().strip("\"'”’") in _FUNCTION_WORDS:
        return False  # a list, a table row, a question put in an interview, a broken line
    previous = texts[i - 1]
    after_furniture = bool(blocks) and blocks[-1]["kind"] is BlockKind.BOILERPLATE
    if len(previous.split()) > MAX_SUBHEAD_WORDS and not _ended(previous) and not after_furniture:
        return False  # the paragraph before runs on into this line (a caption does not)
    if len(words) >= MIN_RUN_ON_WORDS and not (long_paragraph_next or _ended(following)):
        return False  # a long line and a short one that ends nowhere: a broken paragraph
    if dates.read_date_line(text):
        return False
    return not (_URL.match(text) or _RELATED_BARE.match(text) or _BYLINE_PREFIX.match(text))


def _not_a_heading(text: str) -> bool:
    """Lines shaped like headings that are not: enumerations ("1. Nitrous, 2. Gaea"), dot
    leaders and score rows, interview questions ("AP: Why Cruise?"), a quoted question or
    exclamation, a clause ("..., which left Josh"). Substring tests decide which of the
    patterns to try: searched for over every line, they cost more than all the rest."""
    if "...." in text or (text[-1:] in "\"”’'" and text[-2:-1] in "?!"):
        return True
    if ", " in text:
        parts = text.split(", ")
        if any(p.split(" ", 1)[0].lower() in _CLAUSE_WORDS for p in parts[1:]):
            return True
        if dates.has_digit(text) and _ENUMERATION.search(text):
            return True
    if ")" in text and _SCORE.search(text):
        return True
    return text.endswith("?") and bool(_INTERVIEW.match(text))


_PANEL_NAME = re.compile(rf"^{_NAME}(?:\s+{_NAME}){{1,3}},\s")
_CLAUSE_WORDS = frozenset("which who whose where while because although though including".split())
_ENUMERATION = re.compile(r",\s*\d+[.)]\s")
_SCORE = re.compile(r"\d+\s*-\s*\d+\s*\)")
_INTERVIEW = re.compile(r"[\w.]+:\s")


def _dateline(text: str, *, whole: bool = False) -> re.Match[str] | None:
    """A wire dateline opening `text` (see _DATELINE), or the whole of it with `whole`.
    Every dateline has a dash or a bracket early on: without one, the pattern is not tried."""
    opening = text[:MAX_DATELINE_CHARS]
    if not text[:1].isupper() and text[:1] != "(":
        return None
    if not ("-" in opening or "–" in opening or "—" in opening or "(" in opening):
        return None
    return _DATELINE.fullmatch(text) if whole else _DATELINE.match(text)


MAX_DATELINE_CHARS = 90
_FUNCTION_WORDS_TEXT = (
    "a an the and or but of to in on at by for from with as that which who whose his her"
    " its their our was were is are be been has have had since than into onto"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())


def _words_with_letters(words: Sequence[str]) -> int:
    """How many words have a letter in them, counting to two."""
    found = 0
    for word in words:
        if _LETTER.search(word):
            found += 1
            if found == 2:
                break
    return found


def _is_long_paragraph(text: str) -> bool:
    """More words than a heading has, ending like a sentence."""
    return text.count(" ") >= MAX_SUBHEAD_WORDS and _ends_sentence(text)


_CLOSERS = "\"'”’)]」』）"


def _end_char(text: str) -> str:
    """The last character before any closing quotes and brackets."""
    return text.rstrip(_CLOSERS)[-1:]


def _ends_sentence(text: str) -> bool:
    """Ends in . ! ? or …, perhaps inside quotes or brackets."""
    return _end_char(text) in _SENTENCE_ENDS


def _ends_clause(text: str) -> bool:
    """Ends as a heading never does: . , ; or an ellipsis."""
    return _end_char(text) in _CLAUSE_ENDS


def _ended(text: str) -> bool:
    """How a finished paragraph ends: a sentence's end, a colon or semicolon, a quote."""
    return _end_char(text) in _PARAGRAPH_ENDS or text[-1:] in '"”’'


# With the full stops, marks and commas of Chinese and Japanese (。！？ and the full-width
# forms): a CJK lead that ends in 。 is a sentence, not a scrap of page under the headline.
_SENTENCE_ENDS = frozenset(".!?…。！？．")
_CLAUSE_ENDS = frozenset(".,;…。，；、．")
_PARAGRAPH_ENDS = frozenset(".!?:…;。！？：；．")


def _short_line(text: str) -> bool:
    """Short, and not a sentence ending in a full stop: a heading, a list item, a question."""
    return len(text.split()) <= MAX_SUBHEAD_WORDS and not text.rstrip("\"'”’)").endswith(".")


# -- one-line files ---------------------------------------------------------------------


def _split_one_line(text: str) -> tuple[str, tuple[Block, ...]]:
    """Headline and body of a file that is one long line.

    The headline ends at the first sentence end within 300 characters that is not an
    abbreviation ("Mr.", "U.S.", an initial); failing that, at the first colon, semicolon
    or spaced dash; failing that, at the last space within 120 characters. Nothing is lost:
    the rest is the body's one paragraph.
    """
    cut = _headline_end(text)
    if cut is None:
        return text, ()
    rest = text[cut:].strip()
    blocks = (Block(kind=BlockKind.PARAGRAPH, text=rest),) if rest else ()
    return text[:cut].strip(), blocks


def _headline_end(text: str) -> int | None:
    if len(text) <= MAX_FALLBACK_HEADLINE:
        return None
    for match in _SENTENCE_END.finditer(text, 0, MAX_GIANT_HEADLINE + 1):
        before = text[: match.start()].split()
        word = before[-1] if before else ""
        if not (len(word) == 1 or "." in word or word.lower() in _ABBREVIATIONS):
            return match.end()
    if clause := _CLAUSE_END.search(text, 0, MAX_GIANT_HEADLINE + 1):
        return clause.start() + 1 if text[clause.start()] in ":;" else clause.start()
    space = text.rfind(" ", 0, MAX_FALLBACK_HEADLINE + 1)
    return space if space > 0 else None
