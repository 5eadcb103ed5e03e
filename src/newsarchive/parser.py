"""Plain text to `Article`: pure and total.

`parse_article` returns an Article or raises ParseError naming the source and line; no other
exception escapes. It does no I/O: decoding bytes is `decode.py`'s job, done before.

The grammar, as found in real scrapes (the seed, the BBC and Pérez-Rosas corpora):

    document  := blank* [url] headline head-meta* body
    blank     := a line that is empty or only whitespace (NBSP included)
    url       := a line that is one http(s):// or www. address: the article's source URL
    headline  := the first other non-blank line
    head-meta := up to three lines right after the headline, each one of
                   url (if none came before), byline ("By Jane Doe", maybe "| March 3, 2021"),
                   date line ("Published On 21 Jan 2022", "2017-11-07T01:52:40+0000")
    body      := [dek] block*

Layout decides the dek. Body lines are *compact* when (almost) no blank lines separate them:
one paragraph per line, as in the seed. There the line right under the headline, with no
blank line between, is the dek (standfirst). Body lines are *loose* when blank lines separate
them, as in the BBC and most web scrapes: there the first paragraph is body text and there
is no dek, even when it directly follows the headline. Loose means at least a third of the
gaps between body lines are blank; with three or fewer body lines, any blank gap.

Each non-blank body line is one block. Lines are joined only in hard-wrapped text (loose,
every line at most 100 characters, and most lines inside multi-line groups at least 50),
where a blank-line-separated group is one paragraph. Each block is:

    read_more  := LABEL sep title-or-url, where LABEL is READ MORE, READ NEXT, READ ALSO,
                  ALSO READ, SEE ALSO or RELATED (VIDEO|GALLERY|STORY|ARTICLE...)?, and sep
                  is ":" or a spaced dash; or MORE, WATCH, PHOTOS, VIDEO, GALLERY or LISTEN
                  with ":" only (those words open ordinary sentences too). Labels are in
                  capitals or sentence/title case. A label alone on its line takes the next
                  line as its title, if that is title-sized (30 words, 200 characters); a
                  line that repeats the title right after it (a link card) belongs to it.
    subheading := a short line between blocks (at most 12 words and 80 characters, two of
                  them with letters) that starts with a capital or digit and does not end
                  in . , ; : (a ? is fine: "Unity in tatters?"); never first or last.
    paragraph  := anything else.

A file that is one long line has no layout to read: its first sentence (up to 300
characters, "Mr." and "U.S." are not sentence ends) is the headline and the rest one
paragraph; see `_split_one_line` for lines with no sentence end that early.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import NamedTuple

from pydantic import ValidationError

from newsarchive import dates
from newsarchive.errors import ParseError
from newsarchive.models import Article, Block, BlockKind

_URL = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_RELATED_LABEL = (
    r"read\s+more|read\s+next|read\s+also|also\s+read|see\s+also"
    r"|related(?:\s+(?:video|gallery|story|stories|article|articles|content|coverage))?"
)
# Words that also open ordinary sentences ("More — much more — was needed"): links only
# with a colon.
_MEDIA_LABEL = r"more|watch|photos?|videos?|gallery|listen"
_RELATED = re.compile(
    rf"^(?:(?P<label>{_RELATED_LABEL})(?:\s*:|\s+[-–—])|(?P<media>{_MEDIA_LABEL})\s*:)"
    r"\s*(?P<rest>\S.*)$",
    re.IGNORECASE,
)
_RELATED_BARE = re.compile(rf"^(?P<label>{_RELATED_LABEL})\s*:?$", re.IGNORECASE)
# "By Jane Doe", "BY JANE DOE", "By Jane Doe and John Smith, Reuters | March 3, 2021".
_NAME_WORD = r"(?:[A-Z][\w.'’\-]*|and|&|de|del|da|van|von|der|la|le|al|bin)"
_BYLINE = re.compile(
    rf"^(?:By|BY)\s+[A-Z][\w.'’\-]*(?:\s+{_NAME_WORD}){{0,5}}(?:\s*(?:,|\||·|•|—|–|\s-)\s*.*)?$"
)
_SUBHEAD_END = re.compile(r"[.,;:](?:[\"'”’)\]]*)$")
_LETTER = re.compile(r"[^\W\d_]")
_SENTENCE_END = re.compile(r"[.!?][\"'”’]?(?=\s+[\"'“‘(]?[A-Z0-9])")
_CLAUSE_END = re.compile(r"[:;](?=\s)|\s[-–—](?=\s)")

MAX_HEAD_META = 3
MAX_LINK_TITLE_WORDS = 30
MAX_LINK_TITLE_CHARS = 200
MAX_SUBHEAD_WORDS = 12
MAX_SUBHEAD_CHARS = 80
MAX_GIANT_HEADLINE = 300
MAX_FALLBACK_HEADLINE = 120
# Words that end in a full stop without ending the sentence ("Mr. Smith").
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "messrs", "dr", "prof", "st", "sen", "rep", "gov", "gen", "col", "lt"}
    | {"sgt", "capt", "jr", "sr", "no", "vs", "mt", "inc", "ltd", "co", "corp", "rev", "hon"}
)
WRAP_MAX_LINE = 100
WRAP_MIN_LINE = 50


class _Line(NamedTuple):  # a NamedTuple: made for every line, and cheap to make
    number: int  # 1-based, in the decoded text
    text: str  # stripped
    gap_before: bool  # a blank line separates it from the previous non-blank line


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


def _parse(text: str, source: str | None, not_after: dt.date | None) -> Article:
    lines = _non_blank_lines(text)
    if not lines:
        raise ParseError("no text: the file holds only whitespace", source=source)
    fields: dict[str, object] = {}
    pos = 0
    if _URL.match(lines[0].text):
        fields["source_url"] = lines[0].text
        pos = 1
    if pos == len(lines):
        raise ParseError("no headline: the file holds only a URL", source=source, line=1)
    if pos == len(lines) - 1:
        fields["headline"], blocks = _split_one_line(lines[pos].text)
    else:
        fields["headline"] = lines[pos].text
        body = lines[_read_head_meta(lines, pos + 1, fields) :]
        if _has_dek(body):
            fields["dek"] = body[0].text
            body = body[1:]
        blocks = tuple(_blocks(_paragraph_texts(body)))

    fields["blocks"] = blocks
    _find_date(fields, [b.text for b in blocks if b.kind is BlockKind.PARAGRAPH], source, not_after)
    return Article.model_validate(fields)


def _find_date(
    fields: dict[str, object], paragraphs: list[str], source: str | None, not_after: dt.date | None
) -> None:
    """Stated dates in the parser's order of trust, then inference (given a bound only)."""
    if paragraphs:
        _set_date(fields, dates.date_from_dateline(paragraphs[0]))
    if isinstance(url := fields.get("source_url"), str):
        _set_date(fields, dates.date_from_url(url))
    if source:
        _set_date(fields, dates.date_from_path(source))
    if not_after is not None and "published" not in fields:
        dek = fields.get("dek")
        lede = ([dek] if isinstance(dek, str) else []) + paragraphs
        _set_date(fields, dates.infer_date(lede, not_after=not_after))


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


def _read_head_meta(lines: Sequence[_Line], pos: int, fields: dict[str, object]) -> int:
    """Consume the URL, byline and date lines right under the headline; return where the
    body starts."""
    for _ in range(MAX_HEAD_META):
        if pos >= len(lines) - 1:  # the last line is body, whatever it looks like
            break
        text = lines[pos].text
        if "source_url" not in fields and _URL.match(text):
            fields["source_url"] = text
        elif "byline" not in fields and (byline := _byline(text)):
            fields["byline"] = byline
            _set_date(fields, dates.date_from_byline(text))
        elif "published" not in fields and (found := dates.date_from_header_line(text)):
            _set_date(fields, found)
        else:
            break
        pos += 1
    return pos


def _byline(text: str) -> str | None:
    """The byline's names and affiliation, without "By" and without a trailing date."""
    if len(text) > 120 or not _BYLINE.match(text):
        return None
    names = text[2:]
    if dated := dates.BYLINE_DATE.search(names):
        names = names[: dated.start()]
    return names.strip(" \t,|·•—–-") or None


def _set_date(fields: dict[str, object], found: dates.FoundDate | None) -> None:
    if found and "published" not in fields:
        fields["published"], fields["date_source"] = found.value, found.source
        fields["date_confidence"], fields["date_evidence"] = found.confidence, found.evidence


def _has_dek(body: Sequence[_Line]) -> bool:
    """The seed's layout: compact body, first line flush under the headline, prose."""
    if len(body) < 2 or body[0].gap_before or _is_loose(body):
        return False
    first = body[0].text
    return len(first.split()) >= 3 and not (_RELATED.match(first) or _RELATED_BARE.match(first))


def _is_loose(body: Sequence[_Line]) -> bool:
    gaps = sum(line.gap_before for line in body[1:])
    if len(body) <= 3:
        return gaps > 0
    return gaps * 3 >= len(body) - 1


def _paragraph_texts(body: Sequence[_Line]) -> list[str]:
    """One text per block: a line each, or a blank-separated group each in wrapped text."""
    if not body:
        return []
    groups: list[list[str]] = []
    for line in body:
        if line.gap_before or not groups:
            groups.append([])
        groups[-1].append(line.text)
    if _is_hard_wrapped(groups):
        return [" ".join(group) for group in groups]
    return [line.text for line in body]


def _is_hard_wrapped(groups: Sequence[Sequence[str]]) -> bool:
    multi = [g for g in groups if len(g) > 1]
    if len(multi) * 2 < len(groups) or len(groups) < 2:
        return False
    if any(len(t) > WRAP_MAX_LINE for g in groups for t in g):
        return False
    inner = [t for g in multi for t in g[:-1]]
    return sum(len(t) >= WRAP_MIN_LINE for t in inner) * 4 >= len(inner) * 3


def _blocks(texts: Sequence[str]) -> list[Block]:
    blocks: list[Block] = []
    i = 0
    while i < len(texts):
        text = texts[i]
        i += 1
        if (match := _RELATED.match(text)) and _is_label_cased(label := _label(match)):
            blocks.append(_read_more(label, match["rest"]))
        elif (
            (bare := _RELATED_BARE.match(text))
            and _is_label_cased(bare["label"])
            and i < len(texts)
            and _is_title(texts[i])
        ):
            blocks.append(_read_more(bare["label"], texts[i]))
            i += 1
        elif _is_subheading(text, first=not blocks, last=i == len(texts)):
            blocks.append(Block(kind=BlockKind.SUBHEADING, text=text))
            continue
        else:
            blocks.append(Block(kind=BlockKind.PARAGRAPH, text=text))
            continue
        # A link card often repeats its title on the next line: it is part of the link.
        if i < len(texts) and texts[i] == blocks[-1].text:
            i += 1
    return blocks


def _label(match: re.Match[str]) -> str:
    return match["label"] or match["media"]


def _is_title(text: str) -> bool:
    """Short enough to be the title a bare `SEE ALSO` line announces, not a paragraph."""
    return len(text) <= MAX_LINK_TITLE_CHARS and len(text.split()) <= MAX_LINK_TITLE_WORDS


def _is_label_cased(label: str) -> bool:
    """`MORE:` and `More:` introduce links; `more:` inside a sentence does not."""
    return label.isupper() or label[0].isupper()


def _read_more(label: str, rest: str) -> Block:
    label = " ".join(label.split())
    url = rest if _URL.match(rest) else None
    return Block(kind=BlockKind.READ_MORE, text=rest, label=label, url=url)


def _is_subheading(text: str, *, first: bool, last: bool) -> bool:
    if first or last or len(text) > MAX_SUBHEAD_CHARS:
        return False
    words = text.split()
    if len(words) > MAX_SUBHEAD_WORDS or _SUBHEAD_END.search(text):
        return False
    if sum(1 for w in words if _LETTER.search(w)) < 2:  # "1,375", "2000 GMT", "Analysis"
        return False
    if not (text[0].isupper() or text[0].isdigit()):
        return False
    return not (_BYLINE.match(text) or _URL.match(text) or _RELATED_BARE.match(text))


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
