"""Saved web pages read into articles (htmlpage.py): a page written here, with its standfirst."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from newsarchive.model.errors import ParseError
from newsarchive.model.records import BlockKind, DateSource
from newsarchive.text import htmlpage

from .conftest import Run

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


def test_a_saved_page_is_ingested_as_its_article_on_either_engine(
    archive_url: str, run: Run, tmp_path: Path
) -> None:
    """In a folder beside a text article: stored as its article (origin html), its raw
    bytes the page's own, verify and reparse content, a second ingest storing nothing."""
    folder = tmp_path / "in"
    folder.mkdir()
    page = folder / "lanes.html"
    page.write_bytes((PAGES / "standfirst_page.html").read_bytes())
    (folder / "other.txt").write_text("Another headline\n\nAnother story, told in full.\n")
    result = run("ingest", folder)
    assert result.returncode == 0, result.stderr
    assert result.stderr.decode().startswith("Read 2 files: added 2,")
    listed = {a["headline"]: a for a in json.loads(run("list", "--json").stdout)}
    shown = json.loads(run("show", str(listed[HEADLINE]["id"]), "--json").stdout)
    assert shown["dek"].startswith("Four protected lanes")
    assert (shown["publication"], shown["date_source"]) == ("The Example Gazette", "page")
    raw = run("show", str(listed[HEADLINE]["id"]), "--raw")
    assert raw.stdout == page.read_bytes()
    assert run("verify").returncode == 0
    again = run("ingest", folder)
    assert again.stderr.decode().startswith("Read 2 files: added 0, already present 2")
    found = json.loads(run("search", "protected lanes", "--json").stdout)
    assert [hit["id"] for hit in found] == [listed[HEADLINE]["id"]]


HEADLINE = "Council approves new cycle lanes for the city centre"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_page_saved_in_utf16_is_read_as_a_page_not_as_text(
    encoding: str, run: Run, tmp_path: Path
) -> None:
    """As some browsers save pages: UTF-16 with its byte-order mark. It was stored as a
    text article whose headline was its markup."""
    text = (PAGES / "standfirst_page.html").read_bytes().decode("utf-8")
    data = (b"\xff\xfe" if encoding.endswith("le") else b"\xfe\xff") + text.encode(encoding)
    assert htmlpage.looks_like_html(data)
    page = tmp_path / "lanes.htm"
    page.write_bytes(data)
    result = run("ingest", page)
    assert result.returncode == 0, result.stderr
    [listed] = json.loads(run("list", "--json").stdout)
    assert listed["headline"] == HEADLINE
    assert run("show", str(listed["id"]), "--raw").stdout == data
    assert run("verify").returncode == 0


def test_without_the_html_extra_a_page_is_skipped_with_the_way_to_read_it(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never stored as text (its headline would be `<!DOCTYPE html>`); named outright, it is
    refused with the same hint. (The extra's absence stood in for: it is a dev dependency.)"""
    monkeypatch.setattr(htmlpage, "available", lambda: False)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "page.html").write_bytes((PAGES / "standfirst_page.html").read_bytes())
    (folder / "story.txt").write_text("A headline\n\nA story.\n")
    result = run("ingest", folder)
    assert result.returncode == 0, result.stderr
    assert "added 1," in result.stderr.decode()
    assert "1 saved web page (pip install 'newsarchive[html]' reads them)" in (
        result.stderr.decode()
    )
    named = run("ingest", folder / "page.html")
    assert named.returncode == 3
    assert "pip install 'newsarchive[html]'" in named.stderr.decode()
    assert [a["headline"] for a in json.loads(run("list", "--json").stdout)] == ["A headline"]


def test_a_table_laid_page_broken_into_lines_gives_a_paragraph_a_line() -> None:
    """No <title>, the story in a table cell with <br> between paragraphs (2008's pages):
    the first line is the headline, each line after it a paragraph."""
    article = htmlpage.read_page((PAGES / "table_layout_page.html").read_bytes())
    assert article.headline == "Rupee ends firmer against the dollar on inflow hopes"
    texts = [b.text for b in article.blocks]
    assert texts[0] == "Press Trust of India"
    assert texts[-1].startswith("Dealers expect the currency")
    assert len(texts) == 5
