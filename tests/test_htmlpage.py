"""Saved web pages read into articles (htmlpage.py): a page written here, with its standfirst."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from newsarchive import htmlpage
from newsarchive.errors import ParseError
from newsarchive.records import BlockKind, DateSource

PAGES = Path(__file__).parent / "pages"
pytest.importorskip("trafilatura", reason="the html extra is not installed")


def test_a_page_gives_its_headline_standfirst_byline_date_url_and_story() -> None:
    article = htmlpage.read_page((PAGES / "standfirst_page.html").read_bytes())
    assert article.headline == "Council approves new cycle lanes for the city centre"
    assert article.dek == (
        "Four protected lanes will cross the centre by next spring, after a two-year "
        "campaign by residents."
    )
    assert article.byline == "Jane Doe"
    assert article.source_url == "https://gazette.example.com/2023/04/05/cycle-lanes"
    assert (article.published, article.date_source) == (dt.date(2023, 4, 5), DateSource.PAGE)
    texts = [b.text for b in article.blocks]
    assert texts[0].startswith("The city council voted")  # the standfirst is not body too
    headings = [b.text for b in article.blocks if b.kind is BlockKind.SUBHEADING]
    assert headings == ["Shopkeepers divided"]
    assert not any("Most read" in t or "All rights reserved" in t for t in texts)


def test_a_description_that_only_opens_the_first_paragraph_is_no_standfirst() -> None:
    page = (PAGES / "standfirst_page.html").read_text(encoding="utf-8")
    page = page.replace(
        '<p class="article-dek">Four protected lanes will cross the centre by next spring, '
        "after a two-year campaign by residents.</p>",
        "",
    ).replace(
        'content="Four protected lanes will cross the centre by next spring, after a two-year '
        'campaign by residents."',
        'content="The city council voted on Tuesday evening to build four protected cycle '
        'lanes through the centre of the city, ending..."',
    )
    assert htmlpage.read_page(page.encode()).dek is None


def test_html_is_recognised_by_its_first_bytes() -> None:
    assert htmlpage.looks_like_html((PAGES / "standfirst_page.html").read_bytes())
    assert htmlpage.looks_like_html(b"\xef\xbb\xbf  <html><head><title>x</title>")
    assert not htmlpage.looks_like_html(b"Headline\n\nA paragraph about <b>bold</b> claims.\n")


def test_a_page_with_no_story_is_refused() -> None:
    with pytest.raises(ParseError):
        htmlpage.read_page(b"<html><head><title>x</title></head><body></body></html>")
