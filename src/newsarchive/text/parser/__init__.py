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

The dek (standfirst) is the first header unit a learned model takes for one (`dek.py`:
a logistic regression trained on labelled corpora by bench/train_dek.py), never a promotion,
a related link or fewer than 6 words. Among what it reads are these rules, which it weighs
with the unit's shape and place and the shape of what follows:
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
  The model's vote on the first unit it is asked about is the article's `dek_vote`; the
  files of its folder vote too, and their verdict (`dek_folder`, given by the caller:
  ops/folder_deks.py) decides the votes near the threshold. A wire dateline opening the
  first paragraph (`LONDON, Dec 5, 2018 (Reuters) -`) marks it as the lede; the article
  records it in `dateline`.

Body units, tried in this order:
  related     LABEL sep title-or-url: READ MORE, READ NEXT, SEE ALSO, ALSO READ, RELATED
              (STORIES|PHOTOS|NEWS|LINKS|VIDEOS...), YOU MIGHT ALSO LIKE, MORE FROM X,
              LEARN MORE, LIRE AUSSI, with ":" or a spaced dash; MORE, WATCH, PHOTOS, VIDEO,
              GALLERY, LISTEN, READ with ":" only; `[Read: title]` and a bracketed title;
              `Read more at: URL`, `- See more at: URL`, `Read More @ Site`. Labels are
              capitalised (or `read more` in lower case). A label alone (`Related Posts:`,
              `Story Timeline`) takes the title-sized units after it, each one link, up to
              a sentence or the next link; a label with no title after it is boilerplate.
  meta        a URL line, `Source: URL`, `Originally published at URL`; a date line; a
              URL glued to the first paragraph (`https://site/2017/09/21/slug/If you ...`)
  boilerplate see `furniture.py`: prompts, captions, credits, sign-offs, separators,
              disclaimers, "The post ... appeared first on ..."
  subheading  a short line between blocks: at most 12 words and 80 characters (up to 25 words
              of one phrase, no sentence or quote inside, when a paragraph follows), starting
              with a capital, digit or quote mark, not ending in . , ; … or a function word; a
              ? only up to 8 words, a : only up to 3 words before a paragraph. A listicle's
              numbered part (`1. Garage`, `3. Look in old coats.`, `15) Mother!`) before a
              paragraph. Not a list (three short lines in a row), a name with an affiliation,
              an enumeration or score row, an interview question ("AP: Why?") or a
              transcript's turn, a quoted question or a quotation, two sentences, a date or a
              time of day, a contact line, a photo's title over its caption, a line that the
              paragraph before runs into, or hard-wrapped lines (headings are never wrapped).
              Never first; last only in an article that has other subheadings, and only
              when it is the file's last line.
  paragraph   anything else.

A file that is one long line has no layout to read: its first sentence (up to 300
characters, "Mr." and "U.S." are not sentence ends) is the headline and the rest one
paragraph; see `_split_one_line` for lines with no sentence end that early.

This module reads a file top to bottom; the roles are decided in the modules beside it:
`units` (lines, and hard-wrapped paragraphs as one unit), `metadata` (URL, byline, date and
dateline lines), `furniture` (boilerplate and credits), `related` (READ MORE links), `dek`,
`subheadings`, and `header` and `body`, which read the units under the headline into a
`draft.Draft`; `shapes` holds how a line looks (its marker, how it ends). A pattern of
another module is used through its module (`metadata.BYLINE_PREFIX.match`): CPython
compiles `NAME.match(...)` of an imported NAME as an attribute load that makes a bound
method at every call, which cost parsing 0.5 %.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict
from typing import Any

from pydantic import ValidationError

import newsarchive.text.parser.shapes as shapes
from newsarchive.model.errors import ParseError
from newsarchive.model.models import Article
from newsarchive.model.records import Block, BlockKind
from newsarchive.text import dates
from newsarchive.text.parser.body import read_body
from newsarchive.text.parser.draft import Draft
from newsarchive.text.parser.furniture import is_boilerplate
from newsarchive.text.parser.header import read_header
from newsarchive.text.parser.metadata import find_dateline, url_line
from newsarchive.text.parser.units import non_blank_lines, units_of

# The parser's version: an archive re-reads articles parsed by an older one (reparse).
PARSER_VERSION = 5


def parse_article(
    text: str,
    *,
    source: str | None = None,
    not_after: dt.date | None = None,
    dek_folder: int = 0,
) -> Article:
    """Parse decoded article text (LF line ends) into an Article, or raise ParseError.

    `source` (a path) may carry a date in its name; `not_after` (the day of ingest) bounds
    date inference, which runs only when it is given; `dek_folder` is what the files of
    its folder say of a standfirst under the headline (dek.folder_verdict): parsing stays
    a pure function.
    """
    try:
        return _parse(text, source, not_after, dek_folder)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "article"
        raise ParseError(f"not a valid article ({where}: {first['msg']})", source=source) from None


def parse_fields(
    text: str,
    *,
    source: str | None = None,
    not_after: dt.date | None = None,
    dek_folder: int = 0,
) -> tuple[dict[str, Any], float | None]:
    """What `parse_article` validates into an Article, unvalidated: the Article's fields,
    blocks as dicts (kind, text, and a READ MORE line's label and url); and the dek
    model's vote on the first unit under the headline (dek.dek_vote; None if there was
    none to ask about), which the folder's verdict is made of. For ingest's workers, which
    turn them into a row at once (ops/workers.py checks what validation would)."""
    out = _fields(text, source, not_after, dek_folder)
    return out.values, out.dek_vote


def _parse(text: str, source: str | None, not_after: dt.date | None, dek_folder: int) -> Article:
    return Article.model_validate(_fields(text, source, not_after, dek_folder).values)


def _fields(text: str, source: str | None, not_after: dt.date | None, dek_folder: int) -> Draft:
    lines = non_blank_lines(text)
    if not lines:
        raise ParseError("no text: the file holds only whitespace", source=source)
    out = Draft()
    pos = 0
    if len(lines) == 1 and url_line(lines[0].text):
        raise ParseError("no headline: the file holds only a URL", source=source, line=1)
    while pos < len(lines) - 1:  # URL lines and page furniture above the headline
        if meta := url_line(lines[pos].text):
            out.add_meta(meta)
        elif is_boilerplate(lines[pos].text):
            out.add(BlockKind.BOILERPLATE, lines[pos].text)
        else:
            break
        pos += 1
    if pos == len(lines) - 1:
        headline, blocks = _split_one_line(lines[pos].text)
        out.values["headline"] = headline
        out.blocks.extend(asdict(b) for b in blocks)
    else:
        headline = shapes.MARKER.sub("", lines[pos].text, count=1) or lines[pos].text
        out.values["headline"] = headline
        units = units_of(lines[pos + 1 :])
        start = read_header(units, headline, out, dek_folder)
        read_body(units[start:], headline, out)
    out.values["blocks"] = tuple(out.blocks)
    out.values["meta"] = tuple(out.meta)
    paragraphs = [str(b["text"]) for b in out.blocks if b["kind"] is BlockKind.PARAGRAPH]
    _find_date(out, paragraphs, source, not_after)
    return out


def _find_date(
    out: Draft, paragraphs: list[str], source: str | None, not_after: dt.date | None
) -> None:
    """Stated dates in the parser's order of trust, then inference (given a bound only)."""
    if paragraphs:
        out.set_date(dates.date_from_dateline(paragraphs[0]))
        if "dateline" not in out.values and (dateline := find_dateline(paragraphs[0])):
            out.values["dateline"] = dateline["dateline"].strip()
    if isinstance(url := out.values.get("source_url"), str):
        out.set_date(dates.date_from_url(url))
    if source:
        out.set_date(dates.date_from_path(source))
    if not_after is not None and "published" not in out.values and not out.updated:
        dek = out.values.get("dek")
        lede = ([dek] if isinstance(dek, str) else []) + paragraphs
        out.set_date(dates.infer_date(lede, not_after=not_after))


# -- one-line files ---------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?][\"'”’]?(?=\s+[\"'“‘(]?[A-Z0-9])")
_CLAUSE_END = re.compile(r"[:;](?=\s)|\s[-–—](?=\s)")

MAX_GIANT_HEADLINE = 300
MAX_FALLBACK_HEADLINE = 120
# Words that end in a full stop without ending the sentence ("Mr. Smith").
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "messrs", "dr", "prof", "st", "sen", "rep", "gov", "gen", "col", "lt"}
    | {"sgt", "capt", "jr", "sr", "no", "vs", "mt", "inc", "ltd", "co", "corp", "rev", "hon"}
)


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
