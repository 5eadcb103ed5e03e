"""The body: each unit a related link, a metadata line, boilerplate, a subheading or a
paragraph, with a cheap look first that settles most paragraphs."""

from __future__ import annotations

from collections.abc import Sequence

import newsarchive.text.parser.metadata as metadata
import newsarchive.text.parser.related as related
from newsarchive.model.records import BlockKind, MetaKind
from newsarchive.text.parser.draft import Draft
from newsarchive.text.parser.furniture import MAX_CREDIT_CHARS, is_furniture, may_credit
from newsarchive.text.parser.metadata import Meta, body_meta
from newsarchive.text.parser.related import (
    MAX_LABEL_LINE,
    is_card_credit,
    is_label_cased,
    link_titles,
    related_link,
)
from newsarchive.text.parser.shapes import ends_sentence, unmarked
from newsarchive.text.parser.subheadings import MAX_LONG_SUBHEAD_CHARS, is_subheading, last_heading
from newsarchive.text.parser.units import Unit

MAX_DATE_CHARS = 80  # dates.MAX_DATE_LINE


def read_body(units: Sequence[Unit], headline: str, out: Draft) -> None:
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
        bare = unmarked(text)
        if link := related_link(bare):
            label, rest = link
            out.add(BlockKind.READ_MORE, rest, label)
            i += 1
            if i < n and texts[i] == rest:  # a link card repeats its title
                out.add(BlockKind.BOILERPLATE, texts[i])
                i += 1
            continue
        if (
            len(bare) <= MAX_LABEL_LINE
            and (bare_label := related.RELATED_BARE.match(bare))
            and is_label_cased(bare_label["label"])
        ):
            titles = link_titles(texts, i + 1)
            if titles:
                label = " ".join(bare_label["label"].split())
                out.add(BlockKind.BOILERPLATE, text)
                for k, title in enumerate(titles):
                    # A link card repeats its title, or prints a byline or credit under it.
                    if (k and title == titles[k - 1]) or is_card_credit(unmarked(title)):
                        out.add(BlockKind.BOILERPLATE, title)
                    else:
                        out.add(BlockKind.READ_MORE, title, label)
                i += 1 + len(titles)
                continue
            out.add(BlockKind.BOILERPLATE, text)
            i += 1
            continue
        if glued := metadata.GLUED_URL.match(text) if i == 0 else None:
            url = glued["url"]
            out.add_meta(Meta(MetaKind.URL, url, url=url))
            out.add(BlockKind.PARAGRAPH, glued["rest"])
            i += 1
            continue
        if meta := body_meta(bare, text, at_end=i >= n - 3, first=i == 0):
            out.add_meta(meta)
            out.updated |= meta.kind is MetaKind.DATE and meta.date is None
        elif is_furniture(bare, headline):
            out.add(BlockKind.BOILERPLATE, text)
        elif not units[i].joined and is_subheading(texts, i, blocks):
            out.add(BlockKind.SUBHEADING, text)
            headings += 1
        else:
            out.add(BlockKind.PARAGRAPH, text)
        i += 1
    last_heading(out.blocks, texts, has_headings=headings > 0)


def _plain_paragraph(text: str) -> bool:
    """Too long for a heading or a metadata line, with no URL, and opening as no link and
    no long furniture line does: a paragraph, without trying every other role in turn.

    It runs on every line, so it uses string tests only, cheapest first: a pattern of many
    openings tried on every line cost more than all the rest of the parser."""
    size = len(text)
    if size <= MAX_LONG_SUBHEAD_CHARS and not (size > MAX_DATE_CHARS and ends_sentence(text)):
        return False  # may be a heading, or a metadata line
    if text[:3].lower() in _SPECIAL_PREFIXES and _special_opening(text):
        return False
    if text[0] in _OPENING_MARKS or "http" in text or "www." in text:
        return False
    if size <= MAX_CREDIT_CHARS and may_credit(text[:CREDIT_EDGE] + text[-CREDIT_EDGE:]):
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
# link label (see related.py: _RELATED_LABEL, _MEDIA_LABEL, _RELATED_AT), of long furniture
# (see furniture.py: _LONG_FURNITURE_OPENINGS) or of a byline; "the" only before "post",
# "views", "opinions".
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
