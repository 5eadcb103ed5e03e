"""The dek (standfirst): whether a unit under the headline sums the story up, told from a
lede, a credit, a promotion or a second headline.

A few things are never a dek (a related link, a promotion, under 6 words). Whether any
other unit is one, a learned model decides (`dek_vote`): a logistic regression over
`features` of the unit, where it stands (`Place`) and the units after it, the hand-written
rules of the parser's docstring (`_rules`) among them. Its weights are `dek_model.json`,
made by `bench/train_dek.py` from the tune part of the labelled corpora (`structured/` and
`standfirsts/`, which it names with its scores); retraining gives the same file.

One outlet's pages share a template, and the files of one folder usually come from one
outlet: the vote on the first unit under each headline, taken over a folder, is evidence
for each of its files (`folder_verdict`). The parser is given that verdict (it reads no
other file) and lets it decide the votes near the threshold (`says`).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

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
# Marks that end or wrap a word, replaced by spaces before the words are split out.
WORD_EDGES = '"“”‘()[],.;:!?'

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


@dataclass(frozen=True, slots=True)
class Place:
    """Where a unit under the headline stands: what the dek's model reads besides the unit."""

    headline: str
    after: tuple[str, ...]  # the next units' texts (up to 3; the first always there)
    position: int  # among the units under the headline
    meta_follows: bool  # the next unit is a metadata line
    compact: bool  # body lines are not blank-separated (the seed's layout)
    after_meta: bool  # metadata lines (a byline, a date) stand between it and the headline
    after_scrap: bool  # boilerplate (a kicker, a credit) does


def dek_vote(text: str, place: Place) -> float | None:
    """How sure the model is that `text`, under the headline at `place`, is its standfirst:
    its log-odds past the threshold (above 0: a dek), in [-MAX_VOTE, MAX_VOTE]; None for
    what is never a dek (a kicker, a promotion, a related link: too short, or not prose),
    which has no say either in what the files of its folder share."""
    if never(text):
        return None
    weights = _MODEL.weights
    total = _MODEL.bias + sum(w * x for w, x in zip(weights, features(text, place), strict=True))
    return max(-MAX_VOTE, min(MAX_VOTE, round(total - _MODEL.logit_threshold, 6)))


def never(text: str) -> bool:
    """What is never a dek, whatever the model: a line too short or too long to sum a story
    up, a promotion or a player's caption, a related link."""
    words = text.count(" ") + 1
    if not MIN_META_DEK_WORDS <= words <= MAX_DEK_WORDS * 2 or _is_promo(text):
        return True
    return len(text) <= MAX_LINK_LINE and bool(
        related.RELATED.match(text) or related.RELATED_BARE.match(text)
    )


# Votes are kept within this, and rounded, so that they store and export as they are on
# every platform.
MAX_VOTE = 20.0
# How far the verdict of an article's folder (`folder_verdict`) moves the vote on its first
# unit under the headline: a vote nearer the threshold than that follows the folder, one
# farther from it stands on its own. The standfirsts of the labelled corpora the model
# misses have votes from -4.3 to -0.3, 22 of the 29 above -3; the units it takes for one
# wrongly, from 0.2 to 1.7, all but one below 0.3 (bench/train_dek.py's data, both parts).
FOLDER_SHIFT = {1: 3.0, 0: 0.0, -1: -2.0}
# A folder of at least this many articles with a vote has a verdict: a standfirst under
# the headline when at least STANDFIRST_SHARE of their own votes say so, none when at most
# NO_STANDFIRST_SHARE do (an outlet's template: most or hardly any of its pages).
MIN_FOLDER_VOTES = 6
STANDFIRST_SHARE = 0.5
NO_STANDFIRST_SHARE = 0.02


def says(vote: float, verdict: int) -> bool:
    """Whether a vote makes its unit the dek, in a folder with this verdict."""
    return vote + FOLDER_SHIFT[verdict] > 0


def folder_verdict(votes: int, deks: int) -> int:
    """What the files of one folder (one outlet, one template, usually) say of the first
    unit under their headlines, from how many voted (`votes`) and how many of those votes
    said "a standfirst" (`deks`): 1 yes, -1 no, 0 no say."""
    if votes < MIN_FOLDER_VOTES:
        return 0
    if deks >= votes * STANDFIRST_SHARE:
        return 1
    return -1 if deks <= votes * NO_STANDFIRST_SHARE else 0


# What `features` gives, in order: the model's weights are by these names. Cheap ones only:
# the words a unit shares with the headline or with what follows, the lede's marks in
# either, tense, and capitals were measured too, and added nothing to what these tell
# (bench/train_dek.py's cross-validation) while tripling what parsing an article costs.
FEATURES = (
    "rules say dek",
    "metadata follows",
    "compact layout",
    "after metadata",
    "after scrap",
    "not first",
    "log words",
    "at most 12 words",
    "ends a sentence",
    "lede opening",
    "could be a dek",
    "summary line",
    "second headline",
    "wire dateline",
    "next: log words",
    "next: ends a sentence",
    "next: wire dateline",
    "next: lede opening",
    "opens with a quote",
    "digit early",
    "next much longer",
)
# How much of the next unit the tests of its opening read (a wrapped paragraph's unit can
# be thousands of characters long).
LOOK_AHEAD_CHARS = 300


def features(text: str, place: Place) -> list[float]:
    """What the dek's model reads of a unit under the headline (FEATURES, in order)."""
    following = place.after[0]
    opening = following[:LOOK_AHEAD_CHARS]
    count, next_count = text.count(" ") + 1, following.count(" ") + 1
    unit = _Unit(
        words=count,
        ends=ends_sentence(text),
        dateline=bool(find_dateline(text)),
        digit_early=any(map(str.isdigit, text[:12])),  # map: no generator frame
        lede_opening=bool(_LEDE_OPENING.match(text)),
        could=_could_be_dek(text),
        summary=_is_summary_line(text, following),
        second=_is_second_headline(text),
    )
    return [
        float(_rules(text, place, unit)),
        float(place.meta_follows),
        float(place.compact),
        float(place.after_meta),
        float(place.after_scrap),
        float(place.position > 0),
        math.log(count),
        float(count <= 12),
        float(unit.ends),
        float(unit.lede_opening),
        float(unit.could),
        float(unit.summary),
        float(unit.second),
        float(unit.dateline),
        math.log(next_count),
        float(ends_sentence(following)),
        float(bool(find_dateline(opening))),
        float(bool(_LEDE_OPENING.match(opening))),
        float(text[:1] in "\"“‘'"),
        float(unit.digit_early),
        float(next_count > count * 1.5),
    ]


class _Unit(NamedTuple):
    """What `features` reads of the unit itself, each once: the rules read it too. A
    NamedTuple: a frozen dataclass sets each field through object.__setattr__, which
    cost a tenth of what the dek's model asks of a unit."""

    words: int
    ends: bool  # in a sentence's end
    dateline: bool  # opens with a wire dateline
    digit_early: bool  # a digit in its first 12 characters
    lede_opening: bool
    could: bool  # _could_be_dek
    summary: bool  # _is_summary_line
    second: bool  # _is_second_headline


def _rules(text: str, place: Place, unit: _Unit) -> bool:
    """The hand-written rules (the parser's docstring), before the model: a feature now."""
    if place.meta_follows:
        # Between the headline and its metadata: the page's standfirst, if it is prose.
        return (
            not unit.dateline and not looks_like_name(text) and not unit.digit_early and unit.could
        )
    words = unit.words
    if words <= MAX_SUMMARY_WORDS and (unit.second or (not place.after_scrap and unit.summary)):
        return unit.could
    if not place.compact or place.after_meta or not MIN_DEK_WORDS <= words <= MAX_DEK_WORDS:
        return False
    if not unit.ends or unit.dateline or unit.lede_opening:
        return False
    return unit.could and not _has_lede_marks(text)


MODEL_PATH = Path(__file__).with_name("dek_model.json")


@dataclass(frozen=True, slots=True)
class _Model:
    bias: float
    weights: tuple[float, ...]  # by FEATURES
    logit_threshold: float


def _load_model() -> _Model:
    """dek_model.json, its weights put in FEATURES' order (a feature it lacks weighs 0)."""
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    by_name = data["weights"]
    threshold = data["threshold"]
    return _Model(
        data["bias"],
        tuple(float(by_name.get(name, 0.0)) for name in FEATURES),
        math.log(threshold / (1 - threshold)),
    )


_MODEL = _load_model()


def _has_lede_marks(text: str) -> bool:
    """What starts a story rather than sums it up: attribution ("said", "according to"), a
    day or "yesterday", "I" or "we", a perfect or past verb early on, a contraction, "!"."""
    lower = text.lower()
    if "n't" in text or "n’t" in text or text.endswith("!"):
        return True
    for phrase in _LEDE_PHRASES:
        if phrase in lower:
            return True
    bare = bare_words(text)  # set operations: no loop per word
    if not bare.isdisjoint(_PERSONS) or not _LEDE_WORDS.isdisjoint(w.lower() for w in bare):
        return True
    words = text.split(maxsplit=6)[:6]
    if any(len(w) >= MIN_PAST_WORD and w.endswith("ed") and w.isalnum() for w in words):
        return True  # "Peaceful protesters crowded ...": a past-tense report
    return ("has " in lower or "have " in lower or "had " in lower) and bool(_PERFECT.search(text))


def bare_words(text: str) -> set[str]:
    """The words of `text` with WORD_EDGES taken for spaces. One `replace` a mark: a
    `str.translate` table is read character by character, ten times slower on text that
    is not ASCII (most news text has a dash or a curly quote)."""
    for mark in WORD_EDGES:
        text = text.replace(mark, " ")
    return set(text.split())


def _could_be_dek(text: str) -> bool:
    """Not a credit, a source line, a score line, a promotion or a player's caption, which
    stand where deks stand."""
    if "|" in text or "©" in text or "®" in text or "/" in text:
        return False
    if text.startswith("(") or text.endswith((" -", " --")):
        return False
    if _is_promo(text):
        return False
    if ":" in text and _CLOCK.search(text):
        return False
    for agency in _AGENCY_NAMES:  # a loop, not any(...): no generator made every unit
        if agency in text:
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
