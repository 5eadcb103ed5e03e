"""Rendering: golden text at a fixed width, and hostile text kept harmless on a real terminal."""

from __future__ import annotations

import datetime as dt
import io

from rich.console import Console

from newsarchive.model.records import ArticleSummary, Block, BlockKind, DateSource, StoredArticle
from newsarchive.ui.listing import article_table, listing_footer
from newsarchive.ui.reading import article_view
from newsarchive.ui.render import clean, to_json

HOSTILE = (
    "[bold red]x[/] \x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x07link\x1b]8;;\x07"
    " \x9b2J \u202eevil"
)


def _article(**changes: object) -> StoredArticle:
    fields: dict[str, object] = {
        "id": 7,
        "sha256": "ab" * 32,
        "headline": "Council approves cycle lanes",
        "dek": "Eight kilometres of protected lanes.",
        "byline": "Jane Doe",
        "source_url": "https://example.com/2022/1/21/lanes",
        "published": dt.date(2022, 1, 21),
        "date_source": DateSource.URL,
        "date_confidence": 0.85,
        "date_evidence": ("2022/1/21",),
        "blocks": (
            Block(kind=BlockKind.PARAGRAPH, text="The council voted on Tuesday."),
            Block(kind=BlockKind.SUBHEADING, text="What next?"),
            Block(kind=BlockKind.PARAGRAPH, text="Work starts in spring."),
            Block(kind=BlockKind.READ_MORE, text="Cycling in the city", label="READ MORE"),
        ),
        "encoding": "utf-8",
        "byte_size": 321,
        "ingested_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        "sources": ("/data/news/lanes.txt",),
    }
    fields.update(changes)
    return StoredArticle(**fields)  # type: ignore[arg-type]


def _plain(renderable: object, width: int = 80) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None, legacy_windows=False)
    console.print(renderable)
    return out.getvalue()


def _terminal(renderable: object) -> str:
    out = io.StringIO()
    console = Console(file=out, width=80, force_terminal=True, color_system="truecolor")
    console.print(renderable)
    return out.getvalue()


def test_article_view_text() -> None:
    expected = (
        "Council approves cycle lanes\n"
        "Eight kilometres of protected lanes.\n"
        "21 January 2022  url  · by Jane Doe · 20 words · 1 min read · #7\n" + "─" * 80 + "\n"
        "\n"
        "The council voted on Tuesday.\n"
        "\n"
        "What next?\n"
        "\n"
        "Work starts in spring.\n"
        "\n"
        "  ▸ READ MORE  Cycling in the city\n" + "─" * 80 + "\n"
        "Source: /data/news/lanes.txt\n"
        "utf-8, 321 bytes, sha256 abababababababab\n"
        "URL: https://example.com/2022/1/21/lanes\n"
        "Date from: “2022/1/21”\n"
    )
    got = "\n".join(line.rstrip() for line in _plain(article_view(_article())).split("\n"))
    assert got == expected


def test_table_text() -> None:
    rows = [
        ArticleSummary(
            id=2,
            headline="Dated",
            published=dt.date(2022, 1, 21),
            date_source=DateSource.URL,
            source="/a/b/c.txt",
            word_count=1200,
        ),
        ArticleSummary(
            id=1, headline="Undated", published=None, date_source=None, source=None, word_count=3
        ),
    ]
    got = [line.rstrip() for line in _plain(article_table(rows), width=60).splitlines()]
    assert got[0].split() == ["ID", "Date", "Headline", "Source", "Words"]
    assert got[2].split() == ["2", "2022-01-21", "Dated", "b/c.txt", "1,200"]
    assert got[3].split() == ["1", "undated", "Undated", "3"]


def test_footer() -> None:
    assert str(listing_footer(1, 0)) == "1 article"
    assert str(listing_footer(3, 2)) == "3 articles; 2 undated articles left out by the date filter"


def test_hostile_text_in_every_field_is_inert_on_a_real_terminal() -> None:
    article = _article(
        headline=HOSTILE,
        dek=HOSTILE,
        byline=HOSTILE,
        source_url=HOSTILE,
        date_evidence=(HOSTILE,),
        blocks=tuple(Block(kind=k, text=HOSTILE, label=HOSTILE) for k in BlockKind),
        sources=(HOSTILE,),
    )
    summary = ArticleSummary(
        id=1, headline=HOSTILE, published=None, date_source=None, source=HOSTILE, word_count=1
    )
    for renderable in (article_view(article), article_table([summary])):
        out = _terminal(renderable)
        # The only escapes are rich's own SGR styling: no OSC, no bell, no C1, no bidi override.
        assert (
            "\x07" not in out and "\x1b]" not in out and "\x9b" not in out and "\u202e" not in out
        )
        assert "\x1b[31m" not in out  # the article's colour code never reaches the terminal
        assert "[bold red]x[/]" in out  # markup shown literally
        assert "␛[31mred" in out
        assert "<U+202E>evil" in out


def test_clean_and_json_escape_controls() -> None:
    assert clean("a\x1b[1mb\x07\x9bc\u2066") == "a␛[1mb␇<U+009B>c<U+2066>"
    encoded = to_json({"t": "x\x1b\x9b\u202ey"})
    assert encoded == '{\n  "t": "x\\u001b\\u009b\\u202ey"\n}'


def test_a_link_without_a_label_shows_no_words_the_file_does_not_have() -> None:
    """`[City buses to run all night]` has no label: the view adds none ("READ MORE" was
    shown, a word the file does not have); a labelled link keeps its own words."""
    blocks = (
        Block(kind=BlockKind.READ_MORE, text="City buses to run all night", label=""),
        Block(kind=BlockKind.READ_MORE, text="http://example.com/x", label="See more at"),
    )
    console = Console(file=io.StringIO(), width=80, color_system=None)
    console.print(article_view(_article(blocks=blocks)))
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert "  ▸ City buses to run all night\n" in out
    assert "▸ SEE MORE AT  http://example.com/x" in out
    assert "READ MORE" not in out
