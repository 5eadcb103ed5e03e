"""A saved web page to `Article`: trafilatura finds the story, this module the rest.

trafilatura (the optional extra `newsarchive[html]`, imported only here and only when a page
is read) separates the article from the page's furniture and reads its metadata; what it
leaves to us is the standfirst, which it does not look for, and a byline it often takes from
a "See full bio" link. The dek is the page's description where the page prints it as a
standfirst (in its visible text, not as the opening of the first paragraph); an element
marked as one (`class="dek"`, `standfirst`, `subtitle`...) above the story counts too.

Like the parser, `read_page` is pure: bytes in, an Article out, or ParseError.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

from newsarchive.model.errors import NewsArchiveError, ParseError
from newsarchive.model.models import Article
from newsarchive.model.records import Block, BlockKind, DateSource

SNIFF_BYTES = 1024
_TAGS = (b"<!doctype html", b"<html", b"<head", b"<meta", b"<body")
_DEK_CLASS = re.compile(
    r"(?:^|[\s_-])(?:dek|standfirst|stand-first|subhed|subheadline|sub-headline|deck|strapline"
    r"|article-subtitle|article__subtitle|c-entry-summary|entry-summary)(?:$|[\s_-])",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(r"\b(?:bio|see|more|view|profile|posts|staff|follow)\b", re.IGNORECASE)
MIN_DEK_WORDS, MAX_DEK_WORDS = 5, 70
MIN_STORY_WORDS = 12
MAX_NAME_CHARS = 120
PAGE_DATE_CONFIDENCE = 0.9  # htmldate reads the page's own metadata, sometimes a wrong one


class HtmlReaderMissingError(NewsArchiveError):
    """A page to read, and trafilatura is not installed."""

    def __init__(self) -> None:
        super().__init__(
            "reading saved web pages needs the html extra; install it with "
            "pip install 'newsarchive[html]'"
        )


def looks_like_html(data: bytes) -> bool:
    """Whether the file opens as an HTML page does (a cheap look at its first kilobyte),
    in UTF-8 or a single-byte encoding, or in UTF-16 as some browsers save pages."""
    head = _utf16_head(data) or data[:SNIFF_BYTES]
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return True
    return head.startswith(b"<") and sum(tag in head for tag in _TAGS) >= 2


def _utf16_head(data: bytes) -> bytes | None:
    """The first kilobyte's characters as UTF-8, for a file in UTF-16 with its byte-order
    mark (without one, ingest refuses a file of NUL bytes and says how to save it); None
    for any other file."""
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    encoding = "utf-16-le" if data[:1] == b"\xff" else "utf-16-be"
    return data[2 : 2 + 2 * SNIFF_BYTES].decode(encoding, errors="ignore").encode("utf-8")


def available() -> bool:
    try:
        import trafilatura  # noqa: F401
    except ImportError:
        return False
    return True


def read_page(data: bytes, *, source: str | None = None) -> Article:
    """The article of a saved page, or ParseError when the page holds none."""
    try:
        import trafilatura
        from lxml import etree  # type: ignore[import-untyped]
        from trafilatura.utils import load_html
    except ImportError:
        raise HtmlReaderMissingError() from None
    page = load_html(data)  # decoded as the page declares or as detected, parsed once
    if page is None:
        raise ParseError("not a web page that can be read", source=source)
    extracted = trafilatura.extract(
        copy.deepcopy(page),  # trafilatura prunes the tree it reads; the dek is looked for after
        output_format="xml",
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        deduplicate=False,
    )
    if not extracted:
        raise ParseError("no article found in this web page", source=source)
    doc = etree.fromstring(extracted.encode("utf-8"))
    blocks = list(_blocks(doc)) or list(_lines(doc))
    headline = _headline(doc, page)
    dek = _dek(page, headline, blocks)
    # The headline and the standfirst, printed above the story, taken into it again.
    above = {_fold(headline), _fold(dek)}
    while blocks and _fold(blocks[0].text) in above:
        blocks.pop(0)
    if not headline and blocks:
        headline = blocks.pop(0).text
    if not headline:
        raise ParseError("no headline found in this web page", source=source)
    values: dict[str, Any] = {
        "publication": _meta(page, "og:site_name") or doc.get("sitename") or None,
        "headline": headline,
        "dek": dek,
        "byline": _byline(doc, page),
        "source_url": doc.get("url") or None,
        "blocks": tuple(blocks),
    }
    if (day := _date(doc.get("date"))) is not None:
        values |= {
            "published": day,
            "date_source": DateSource.PAGE,
            "date_confidence": PAGE_DATE_CONFIDENCE,
            "date_evidence": (str(doc.get("date")),),
        }
    return Article.model_validate(values)


# -- the parts ---------------------------------------------------------------------------


def _fold(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def _blocks(doc: Any) -> Any:
    """Paragraphs (`<p>`, list items, quotes, table cells' paragraphs) and subheadings
    (`<head>`) in document order; an element inside another that is read is not read twice."""
    main = doc.find("main")
    if main is None:
        return
    taken: set[Any] = set()
    for element in main.iter("p", "head", "item", "quote"):
        if any(parent in taken for parent in element.iterancestors("p", "head", "item", "quote")):
            continue
        if element.tag in ("item", "quote") and element.find(".//p") is not None:
            continue  # its paragraphs are read one by one
        taken.add(element)
        kind = BlockKind.SUBHEADING if element.tag == "head" else BlockKind.PARAGRAPH
        for text in _broken(element):  # a page that broke paragraphs with <br> only
            yield Block(kind=kind, text=text)


def _broken(element: Any) -> list[str]:
    """An element's text, one piece a line where it has line breaks (`<lb/>`)."""
    if element.find(".//lb") is None:
        text = _text(element)
        return [text] if text else []
    for brk in element.iter("lb"):
        brk.tail = "\n" + (brk.tail or "")
    lines = "".join(element.itertext()).split("\n")
    return [text for line in lines if (text := " ".join(line.split()))]


def _lines(doc: Any) -> Any:
    """A story kept as bare text in table cells or divs (no paragraphs marked): a paragraph
    a line, at its line breaks."""
    main = doc.find("main")
    if main is None:
        return
    for brk in main.iter("lb"):
        brk.tail = "\n" + (brk.tail or "")
    for line in "".join(main.itertext()).split("\n"):
        if text := " ".join(line.split()):
            yield Block(kind=BlockKind.PARAGRAPH, text=text)


def _meta(page: Any, *names: str) -> str:
    """The first of the named meta tags' values (`content`, or `value` as some pages have)."""
    for name in names:
        for element in page.iterfind(".//meta"):
            if name in (element.get("name"), element.get("property")):
                value = element.get("content") or element.get("value") or ""
                if value.strip():
                    return " ".join(value.split())
    return ""


def _headline(doc: Any, page: Any) -> str:
    """The page's one <h1> where the title says the same with a site name around it."""
    title = " ".join((doc.get("title") or "").split())
    titles = [_fold(t) for t in (title, _meta(page, "og:title", "twitter:title")) if t]
    h1s = [" ".join(h.text_content().split()) for h in page.iterfind(".//h1")]
    for h1 in h1s:
        if h1 and any(_fold(h1) in t for t in titles):
            return h1
    return title


def _visible(page: Any) -> str:
    """The page's text as a reader sees it (no scripts, styles or head)."""
    body = page.find(".//body")
    root = body if body is not None else page
    parts = [
        text
        for element in root.iter()
        if element.tag not in ("script", "style", "noscript", "template")
        for text in (element.text, element.tail)
        if text
    ]
    return _fold(" ".join(parts))


def _dek(page: Any, headline: str, blocks: list[Block]) -> str | None:
    """The standfirst: printed between the headline and the story's first paragraph, in an
    element marked as one (`class="dek"`, `standfirst`...) or as the page's description;
    never the first paragraph's opening cut short (an automatic excerpt)."""
    visible = _visible(page)
    start = visible.find(_fold(headline)) if headline else -1
    # Where the story starts: its first paragraph of some length (a date, a tag or the
    # headline again may come first in what trafilatura kept, and the standfirst itself).
    story = [_fold(b.text) for b in blocks if b.kind is BlockKind.PARAGRAPH]

    def between(text: str) -> bool:
        folded = _fold(text)
        first = next((t for t in story if t != folded and len(t.split()) >= MIN_STORY_WORDS), "")
        end = visible.find(first[:80]) if first else -1
        at = visible.find(folded, max(0, start))
        return at >= 0 and (end < 0 or at < end) and not _opens(first, text)

    for element in page.iter():
        if not isinstance(element.tag, str) or element.tag in _NO_DEK_TAGS:
            continue
        if not _DEK_CLASS.search(f"{element.get('class') or ''} {element.get('itemprop') or ''}"):
            continue
        text = " ".join(element.text_content().split())
        if _dek_sized(text) and _fold(text) != _fold(headline) and between(text):
            return text
    description = _meta(page, "og:description", "description", "twitter:description")
    if _fold(description) in story[:1]:
        return None  # the story's first paragraph, used as the description: its lede
    if _dek_sized(description) and _fold(description) != _fold(headline) and between(description):
        return description
    return None


_NO_DEK_TAGS = frozenset(("meta", "script", "style", "body", "html", "main", "article", "head"))


def _dek_sized(text: str) -> bool:
    return MIN_DEK_WORDS <= len(text.split()) <= MAX_DEK_WORDS


def _opens(paragraph: str, text: str) -> bool:
    """Whether `text` is the paragraph's opening cut short (an automatic excerpt)."""
    folded = _fold(text).rstrip(".… ")
    return bool(paragraph) and paragraph != _fold(text) and paragraph.startswith(folded)


def _byline(doc: Any, page: Any) -> str | None:
    for name in (doc.get("author") or "", _meta(page, "author")):
        name = " ".join(name.split())
        if name and len(name) <= MAX_NAME_CHARS and not _NOT_A_NAME.search(name):
            return name
    return None


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None
