"""Related links: READ MORE lines (a label and a title or URL), a bracketed title, and the
titles a bare label (`Related Posts:`) announces."""

from __future__ import annotations

import re
from collections.abc import Sequence

import newsarchive.text.parser.furniture as furniture
import newsarchive.text.parser.metadata as metadata
from newsarchive.text.parser.furniture import (
    MAX_CREDIT_CHARS,
    MAX_SCRAP_WORDS,
    is_boilerplate,
    may_credit,
)
from newsarchive.text.parser.metadata import MAX_CREDIT_WORDS
from newsarchive.text.parser.shapes import QUOTE_OPEN, unmarked

_RELATED_LABEL = (
    r"read\s+more|read\s+next|read\s+also|also\s+read|see\s+also|also\s+see|learn\s+more"
    r"|related(?:\s+(?:video|videos|gallery|photos?|pictures|images|story|stories|article|articles|content|coverage"
    r"|posts?|news|links?|reading|topics|items))?"
    r"|you\s+(?:might|may)\s+also\s+(?:like|be\s+interested\s+in)|recommended(?:\s+for\s+you)?"
    r"|more\s+(?:from|on|about|in)\s+[\w’' .-]{1,40}?|more\s+[\w-]+\s+(?:news|stories|coverage)"
    r"|further\s+reading|lire\s+aussi|à\s+lire\s+aussi|lire|leer\s+más|lea\s+también"
    r"|story\s+timeline|top\s+stories|most\s+(?:read|popular)|trending(?:\s+now)?"
)
# Words that also open ordinary sentences ("More — much more — was needed"): links only
# with a colon.
_MEDIA_LABEL = r"more|watch|photos|videos?|gallery|listen|read"
RELATED = re.compile(
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
RELATED_BARE = re.compile(rf"^(?P<label>{_RELATED_LABEL})\s*:?\s*(?:\.{{0,3}}|…)$", re.IGNORECASE)
_BRACKETED = re.compile(r"^\[(?P<rest>[^\[\]]{3,200})\]$")

MAX_LINK_TITLE_WORDS = 30
MAX_LINK_TITLE_CHARS = 200
MAX_LINK_LIST = 12
MAX_LABEL_LINE = 60
MAX_LINK_LINE = MAX_LINK_TITLE_CHARS + 60  # a label, a title, a URL's length


def related_link(text: str) -> tuple[str, str] | None:
    """(label, title or URL) of a related-link line."""
    if len(text) > MAX_LINK_LINE:
        return None
    if match := RELATED.match(text):
        label = match["label"] or match["media"]
        if is_label_cased(label) and (match["label"] or _is_title(match["rest"])):
            return " ".join(label.split()), match["rest"].strip()
    if (match := _RELATED_AT.match(text) or _RELATED_PROMPT.match(text)) and is_label_cased(
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


def link_titles(texts: Sequence[str], start: int) -> list[str]:
    """The titles a bare label announces: title-sized units, up to a paragraph."""
    titles: list[str] = []
    for text in texts[start : start + MAX_LINK_LIST]:
        bare = unmarked(text)
        if not _is_title(text) or is_boilerplate(bare) or metadata.URL_PREFIX.match(bare):
            break
        if related_link(bare) or RELATED_BARE.match(bare):
            break  # the next link of its own
        if bare[:1] in "[(" or not _opens_title(bare):
            break  # a credit or a note (`[via Site]`), not a title
        if text.endswith(".") and len(text.split()) > MAX_SCRAP_WORDS:
            break  # a sentence: the story goes on
        titles.append(text)
    return titles


def is_card_credit(text: str) -> bool:
    """What a related-story card prints under its title: `By Jane Doe`, `Rex/Getty`,
    `SOURCE: US WEEKLY`."""
    if metadata.BYLINE_PREFIX.match(text) and len(text.split()) <= MAX_CREDIT_WORDS // 2:
        return True
    if text[:7].lower() == "source:":
        return True
    return (
        len(text) <= MAX_CREDIT_CHARS and may_credit(text) and bool(furniture.CREDIT.search(text))
    )


def _opens_title(text: str) -> bool:
    """A bracketed title opens with a capital, a digit or a quote; `[via Site]` and
    `[your name here, reader]` are a credit and a signature."""
    first = text.lstrip()[:1]
    return first.isupper() or first.isdigit() or first in QUOTE_OPEN


def _is_title(text: str) -> bool:
    """Short enough to be the title a link announces, not a paragraph."""
    return len(text) <= MAX_LINK_TITLE_CHARS and len(text.split()) <= MAX_LINK_TITLE_WORDS


def is_label_cased(label: str) -> bool:
    """`MORE:` and `More:` introduce links; `more:` inside a sentence does not, but
    `read more` does, whatever its case."""
    return label.isupper() or label[0].isupper() or label.lower().startswith("read more")
