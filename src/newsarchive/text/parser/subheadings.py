"""Subheadings: a short line between blocks that heads a section, told from list items,
names, score rows, interview questions and broken paragraphs; and a last line as one."""

from __future__ import annotations

import re
from collections.abc import Sequence

import newsarchive.text.parser.metadata as metadata
import newsarchive.text.parser.related as related
import newsarchive.text.parser.shapes as shapes
from newsarchive.model.records import BlockKind
from newsarchive.text import dates
from newsarchive.text.parser.metadata import NAME, is_credit
from newsarchive.text.parser.shapes import QUOTE_OPEN, ended, ends_clause, ends_sentence

_LETTER = re.compile(r"[^\W\d_]")

MAX_SUBHEAD_WORDS = 12
MAX_COLON_SUBHEAD = 3
MAX_LAST_HEADING_WORDS = 8
MIN_RUN_ON_WORDS = 8
MAX_QUESTION_SUBHEAD = 8
MAX_SUBHEAD_CHARS = 80
MAX_LONG_SUBHEAD_WORDS = 25
MAX_LONG_SUBHEAD_CHARS = 160


def last_heading(
    blocks: list[dict[str, str | None]], texts: Sequence[str], *, has_headings: bool
) -> None:
    """A short title-like last line is a heading when the article uses headings elsewhere
    (a live blog's last entry, a cut-off section) and follows a finished paragraph."""
    if len(texts) < 3 or not blocks or blocks[-1]["kind"] is not BlockKind.PARAGRAPH:
        return
    if not has_headings or blocks[-1]["text"] != texts[-1]:
        return  # the last line is a metadata line (`Source: URL`), not the last block
    text, previous = texts[-1], texts[-2]
    words = text.split()
    if len(words) > MAX_LAST_HEADING_WORDS or ended(text) or ends_clause(text):
        return
    if not (text[0].isupper() or text[0].isdigit()) or is_credit(text):
        return
    if len(previous.split()) > MAX_SUBHEAD_WORDS and ended(previous):
        blocks[-1] = {**blocks[-1], "kind": BlockKind.SUBHEADING}


def is_subheading(
    texts: Sequence[str], i: int, blocks: Sequence[dict[str, str | None]] = ()
) -> bool:
    """See the parser's docstring. `blocks`: the body so far, whose last block may be a
    caption or credit, which no paragraph runs on from."""
    if i == 0 or i == len(texts) - 1 or len(texts[i]) > MAX_LONG_SUBHEAD_CHARS:
        return False
    text = texts[i]
    following = texts[i + 1]
    if following[:1].islower() or _goes_on_in(following, text):
        return False  # a sentence that goes on in the next line, or a photo's title over it
    words = text.split()
    long_paragraph_next = _is_long_paragraph(following)
    numbered = long_paragraph_next and bool(_NUMBERED.match(text))
    if text.endswith((" -", " –", " —")):
        return False  # "Officials unveiled the following plans -": it leads into what follows
    if ends_clause(text) and not (numbered and len(words) <= MAX_NUMBERED_ENDED_WORDS):
        return False  # a sentence's end ("1. Frame the problem." heads a listicle's part)
    if (len(words) > MAX_SUBHEAD_WORDS or len(text) > MAX_SUBHEAD_CHARS) and not (
        long_paragraph_next
        and len(words) <= MAX_LONG_SUBHEAD_WORDS
        and len(text) <= MAX_LONG_SUBHEAD_CHARS
        and not ends_sentence(text)
    ):
        return False
    if text.endswith(":") and not (long_paragraph_next and len(words) <= MAX_COLON_SUBHEAD):
        return False  # "In conclusion:" heads a section; "The agency reports:" does not
    if text.endswith(":") and words[0].lower() in ("from", "via"):
        return False
    if text.endswith("?") and len(words) > MAX_QUESTION_SUBHEAD:
        return False
    if _inner_break(text) or ("@" in text and _EMAIL.search(text)) or _QUOTE_SAID.search(text):
        return False  # two sentences, a contact line, a quote and who said it
    first = text[0]
    if first in QUOTE_OPEN:
        first = text[1:2] or "x"
    if not (first.isupper() or first.isdigit()):
        return False
    if _words_with_letters(words) < 2 and not (
        (len(words) == 1 and len(text) >= 3 and long_paragraph_next) or numbered
    ):
        return False  # "1. Garage" and "15) Mother!" head a listicle's parts
    if _short_line(texts[i - 1]) and (_short_line(following) or _short_line(texts[i - 2])):
        return False  # three short lines in a row: a list, not headings
    if _PANEL_NAME.match(text):
        return False  # "Jane Doe, professor of law at X": a panel's name line
    if _not_a_heading(text) or (
        words[-1].lower().strip("\"'”’") in _FUNCTION_WORDS and not numbered
    ):
        return False  # a list, a table row, a question put in an interview, a broken line
    previous = texts[i - 1]
    after_furniture = bool(blocks) and blocks[-1]["kind"] is BlockKind.BOILERPLATE
    if len(previous.split()) > MAX_SUBHEAD_WORDS and not ended(previous) and not after_furniture:
        return False  # the paragraph before runs on into this line (a caption does not)
    if len(words) >= MIN_RUN_ON_WORDS and not (long_paragraph_next or ended(following)):
        return False  # a long line and a short one that ends nowhere: a broken paragraph
    if dates.read_date_line(text) or (":" in text and _CLOCK_LINE.match(text)):
        return False  # a date, or a time of day: "Fri Dec 28, 7:05 AM ET", "10:00 am – 3:00 pm"
    if _SPEAKER.match(text) and (_SPEAKER.match(previous) or _SPEAKER.match(following)):
        return False  # a transcript's line among others: "Maulvi Sahib: How are you?"
    return not (
        shapes.URL.match(text)
        or related.RELATED_BARE.match(text)
        or metadata.BYLINE_PREFIX.match(text)
    )


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


# A listicle's numbered part: "1. Garage", "15) Mother!", "#3 The budget".
_NUMBERED = re.compile(r"(?:#\d{1,2}|\d{1,2}[.)])\s+\S")
# Inside a line: a sentence ends and another begins (not after an initial: "U.S. troops";
# a mark inside quotes is a title's: `"Should I Buy This?" Test`), a colon opens a quote
# (`She wrote: "Is that ...`), or a comma inside quotes ends one (`"It's over," a source`).
_INNER_BREAK = re.compile(r"(?<![A-Z])[.!?…]\s+\S|:\s+[\"'“‘]|,[\"”’]\s")
MAX_NUMBERED_ENDED_WORDS = 8
_EMAIL = re.compile(r"\w@\w+\.\w")
_QUOTE_SAID = re.compile(r"[,”\"'’]\s+(?:he|she|they|it|we|[A-Z]\w+)\s+(?:said|says|added|adds)$")


def _inner_break(text: str) -> bool:
    """A heading is one phrase: no sentence ends inside it and no quotation (a listicle's
    number aside)."""
    start = _NUMBERED.match(text)
    return bool(_INNER_BREAK.search(text, start.end() - 1 if start else 0))


_CLOCK = r"\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?"
_CLOCK_LINE = re.compile(
    rf"(?:[a-z]{{3,9}}\.?,?\s+)?(?:[a-z]{{3,9}}\.?\s+\d{{1,2}},?\s+)?{_CLOCK}"
    rf"(?:\s*[–—-]\s*{_CLOCK})?(?:\s+[a-z]{{2,4}})?$",
    re.IGNORECASE,
)
# A speaker's turn: one or two capitalised words and a colon ("Mehsud: Fine.").
_SPEAKER = re.compile(r"[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*)?: \S")
_PANEL_NAME = re.compile(rf"^{NAME}(?:\s+{NAME}){{1,3}},\s")
_CLAUSE_WORDS = frozenset("which who whose where while because although though including".split())
_ENUMERATION = re.compile(r",\s*\d+[.)]\s")
_SCORE = re.compile(r"\d+\s*-\s*\d+\s*\)")
_INTERVIEW = re.compile(r"[\w.]+:\s")

_FUNCTION_WORDS_TEXT = (
    "a an the and or but of to in on at by for from with as that which who whose his her"
    " its their our was were is are be been has have had since than into onto"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())


def _goes_on_in(following: str, text: str) -> bool:
    """The next unit opens with this line and goes on as a sentence: "Soldiers stand guard" over
    "Soldiers stand guard at a school in Yala. ..." is a photo's title over its caption."""
    size = len(text)
    on = following[size : size + 2]
    return (on == ", " or (on[:1] == " " and on[1:].islower())) and following.startswith(text)


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
    return text.count(" ") >= MAX_SUBHEAD_WORDS and ends_sentence(text)


def _short_line(text: str) -> bool:
    """Short, and not a sentence ending in a full stop: a heading, a list item, a question."""
    return len(text.split()) <= MAX_SUBHEAD_WORDS and not text.rstrip("\"'”’)").endswith(".")
