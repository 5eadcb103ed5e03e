"""The dek (standfirst): whether a unit under the headline sums the story up, told from a
lede, a credit, a promotion or a second headline (the rules are in the parser's docstring)."""

from __future__ import annotations

import re

import newsarchive.text.parser.furniture as furniture
import newsarchive.text.parser.related as related
from newsarchive.text.parser.furniture import MAX_CREDIT_CHARS, may_credit
from newsarchive.text.parser.metadata import find_dateline, looks_like_name
from newsarchive.text.parser.related import MAX_LINK_LINE
from newsarchive.text.parser.shapes import ended, ends_sentence
from newsarchive.text.parser.subheadings import MAX_SUBHEAD_WORDS

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


def _is_promo(text: str) -> bool:
    """A promotion or a player's caption (_PROMO), tested cheaply: an anchored label, then
    plain substrings."""
    if ":" in text[:20] and _PROMO.match(text):
        return True
    lower = text.lower()
    return ("now" in lower or "click" in lower) and any(p in lower for p in _PROMO_PHRASES)


def is_dek(
    text: str,
    following: str,
    meta_follows: bool,
    *,
    compact: bool,
    after_meta: bool,
    after_scrap: bool,
) -> bool:
    """Whether `text`, under the headline, is its standfirst (see the parser's docstring);
    `following` is the next unit, and `meta_follows` whether that is a metadata line."""
    words = text.count(" ") + 1
    if not 2 <= words <= MAX_DEK_WORDS * 2:
        return False
    if len(text) <= MAX_LINK_LINE and (
        related.RELATED.match(text) or related.RELATED_BARE.match(text)
    ):
        return False
    if words < MIN_META_DEK_WORDS:
        return False
    if meta_follows:
        # Between the headline and its metadata: the page's standfirst, if it is prose.
        return (
            not find_dateline(text)
            and not looks_like_name(text)
            and not any(c.isdigit() for c in text[:12])
            and _could_be_dek(text)
        )
    if words <= MAX_SUMMARY_WORDS and (
        _is_second_headline(text) or (not after_scrap and _is_summary_line(text, following))
    ):
        return _could_be_dek(text)
    if not compact or after_meta or not MIN_DEK_WORDS <= words <= MAX_DEK_WORDS:
        return False
    if not ends_sentence(text) or find_dateline(text) or _LEDE_OPENING.match(text):
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
    return not (
        len(text) <= MAX_CREDIT_CHARS and may_credit(text) and furniture.CREDIT.search(text)
    )


def _is_summary_line(text: str, following: str) -> bool:
    """`Hasselbeck tackles guarantee question before it's even asked` over a paragraph: a
    headline-shaped sentence (no full stop) standing on its own above the story."""
    words = text.split()
    if not MIN_META_DEK_WORDS <= len(words) <= MAX_SUMMARY_WORDS or ended(text):
        return False
    if not (text[0].isupper() or text[0].isdigit()) or _LEDE_OPENING.match(text):
        return False
    return len(following.split()) > MAX_SUBHEAD_WORDS and ends_sentence(following)


def _is_second_headline(text: str) -> bool:
    """`More Flights, Fewer Crashes In 2007`: a title under the title."""
    words = text.split()
    if not MIN_META_DEK_WORDS <= len(words) <= MAX_HEADLINE_DEK_WORDS:
        return False
    if ends_sentence(text) or text.endswith(":") or re.search(r"\d\s+\w+\s+\w+\s+\d", text):
        return False
    capitals = sum(1 for w in words if w[0].isupper() or w[0].isdigit())
    return capitals >= len(words) - 1 and not looks_like_name(text)
