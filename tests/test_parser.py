"""Parser: golden files, the seed's exact shape, and properties that hold for any text."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.model.errors import ParseError
from newsarchive.model.records import BlockKind
from newsarchive.text.decode import decode
from newsarchive.text.parser import dek, parse_article, units

from .conftest import FIXTURES, SEEDS

CASES = sorted(FIXTURES.glob("*.txt")) + sorted(SEEDS.glob("*.txt"))
UPDATE = os.environ.get("NEWSARCHIVE_UPDATE_GOLDEN") == "1"


def _parsed(path: Path) -> dict[str, object]:
    decoded = decode(path.read_bytes())
    article = parse_article(decoded.text, source=path.name)
    return {
        "encoding": decoded.encoding,
        "newline": decoded.newline,
        "article": article.model_dump(mode="json"),
    }


@pytest.mark.parametrize("case", CASES, ids=[p.stem for p in CASES])
def test_golden(case: Path) -> None:
    golden = FIXTURES / f"{case.stem}.json"
    got = _parsed(case)
    if UPDATE:
        golden.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}; NEWSARCHIVE_UPDATE_GOLDEN=1 writes it"
    assert got == json.loads(golden.read_text(encoding="utf-8"))


def test_seed_is_headline_dek_14_paragraphs_1_subheading_2_links_in_order() -> None:
    (seed,) = SEEDS.glob("*.txt")
    article = parse_article(decode(seed.read_bytes()).text)
    lines = seed.read_text(encoding="utf-8").split("\n")
    assert article.headline == lines[0]
    assert article.dek == lines[1]
    kinds = [b.kind for b in article.blocks]
    assert kinds.count(BlockKind.PARAGRAPH) == 14
    assert kinds.count(BlockKind.SUBHEADING) == 1
    assert kinds.count(BlockKind.READ_MORE) == 2
    # Order as in the file: every body line, READ MORE labels stripped.
    texts = [b.text for b in article.blocks]
    assert texts == [line.removeprefix("READ MORE: ") for line in lines[2:]]
    P, S, R = BlockKind.PARAGRAPH, BlockKind.SUBHEADING, BlockKind.READ_MORE
    assert kinds == [P] * 6 + [R, S] + [P] * 8 + [R]
    assert article.blocks[7].text == "Unity in tatters?"
    assert article.published is None


def test_first_paragraph_is_no_dek_when_blank_lines_separate_the_body() -> None:
    article = parse_article(
        "Headline here\nFirst paragraph right under it.\n\nSecond one.\n\nThird."
    )
    assert article.dek is None
    assert article.blocks[0].text == "First paragraph right under it."


def test_read_more_inside_prose_is_a_paragraph() -> None:
    text = (
        "Headline\n\nThe minister said more: much more must be done.\n\n"
        "More than 100 people came.\n"
    )
    kinds = {b.kind for b in parse_article(text).blocks}
    assert kinds == {BlockKind.PARAGRAPH}


def test_related_with_url_keeps_the_url() -> None:
    article = parse_article(
        "Headline\n\nBody text here.\n\nRELATED: https://example.com/a/b\n\nEnd.\n"
    )
    link = article.blocks[1]
    assert (link.kind, link.url, link.label) == (
        BlockKind.READ_MORE,
        "https://example.com/a/b",
        "RELATED",
    )


def test_a_date_in_the_headline_or_prose_is_not_a_publication_date() -> None:
    text = (
        "9 November 1989: the night the Wall fell\n\n"
        "On 9 November 1989 crowds gathered.\n\nPublished 2019-11-08 in print.\n"
    )
    assert parse_article(text).published is None


@pytest.mark.parametrize("text", ["", "   \n\t\n", "\ufeff"])
def test_text_without_words_is_refused(text: str) -> None:
    with pytest.raises(ParseError, match="only whitespace"):
        parse_article(text, source="x.txt")


def test_only_a_url_is_refused_naming_source_and_line() -> None:
    with pytest.raises(ParseError) as info:
        parse_article("https://example.com/story\n", source="a/b.txt")
    assert str(info.value) == "a/b.txt:1: no headline: the file holds only a URL"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_parses_or_raises_parse_error_deterministically(text: str) -> None:
    try:
        first = parse_article(text)
    except ParseError as exc:
        with pytest.raises(ParseError) as again:
            parse_article(text)
        assert str(again.value) == str(exc)
        return
    assert parse_article(text) == first
    assert first.headline.strip() == first.headline != ""


LINE = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\n\r"), max_size=120),
    st.sampled_from(
        [
            *("", " ", "READ MORE: x", "SEE ALSO", "By Jane Doe", "https://a.example/2020/1/2/x"),
            *("Unity in tatters?", "2021-03-04", "Published On 21 Jan 2022"),
            'He said "no." Then left.',
        ]
    ),
)
# Words the parser may consume: READ MORE-style labels, the "By" of a byline, separators,
# bullet marks before a headline.
CONSUMED = {"read", "more", "next", "also", "see", "related", "by", "-", "–", "—", ":", "*", "•"}
CONSUMED |= {"video", "gallery", "story", "stories", "article", "articles", "content", "coverage"}
# A header line of marks alone (`--`, `|`) is an empty field: no words, not kept.
MARKS = set("-–—•·*>|#")


@settings(max_examples=400, deadline=None)
@given(st.lists(LINE, max_size=30))
def test_article_shaped_text_never_loses_a_word(lines: list[str]) -> None:
    text = "\n".join(lines)
    try:
        article = parse_article(text)
    except ParseError:
        non_blank = [x.strip() for x in lines if x.strip()]
        assert len(non_blank) <= 1
        return
    kept = [article.headline, article.dek] + [m.text for m in article.meta]
    kept += [b.text for b in article.blocks] + [b.label for b in article.blocks]
    words_out = set(" ".join(k for k in kept if k).split())
    words_out |= {w.strip("[]") for w in words_out}
    missing = [w for line in lines for w in line.split() if w.strip("[]") not in words_out]
    assert all(w.rstrip(":").lower() in CONSUMED or set(w) <= MARKS for w in missing), missing


# -- shortcuts: each gives what the slower way it replaced gives -------------------------

# Text built from what the parser's tests turn on (marks, brackets, quotes, labels, digits,
# spaces and blank lines), so that the rare cases come up, not only random letters.
PIECES = st.sampled_from(
    [
        *(" ", "  ", "\t", "\n", "\n\n", "\n \n", "-- ", "• ", "#", "|", "[", "]", "(", ")"),
        *('"', "“", "”", "‘", "’", ",", ".", ":", ";", "!", "?", "…", "—", "–", "-", "/"),
        *("READ MORE", "Related", "By ", "http://a.example/x", "www.", "2019", "Jan 5"),
        *("I", "I’m", "we", "said", "Said", "SAYS", "Today", "ſ", "İ", "K", "Σ", "é", "\ufeff"),
    ]
)
MIXED = st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=40).map("".join)


def _lines_as_they_were(text: str) -> list[tuple[int, str, bool, bool]]:
    """units.non_blank_lines before it made its tuples directly."""
    text = text.removeprefix("\ufeff")
    out: list[tuple[int, str, bool, bool]] = []
    gap = False
    for number, raw in enumerate(text.split("\n"), 1):
        stripped = raw.strip()
        if not stripped:
            gap = True
            continue
        out.append((number, stripped, gap and bool(out), False))
        gap = False
    return out


@settings(max_examples=300, deadline=None)
@given(MIXED)
def test_non_blank_lines_are_the_lines_they_were(text: str) -> None:
    lines = units.non_blank_lines(text)
    assert [tuple(line) for line in lines] == _lines_as_they_were(text)
    assert all(type(line) is units.Unit for line in lines)


# Lines of a hard-wrapped paragraph, short ones, marked header lines, a long one, a URL.
WRAP_LINE = st.sampled_from(
    [
        *("w" * 60, "a wrapped line " * 4, "short", "-- Fri Mar 2, 2007", "--", "• http://a.b/c"),
        *("x" * 120, "By Jane Doe", "READ MORE: x"),
    ]
)
# A blank line before each line, or not.
WRAPPED_TEXT = st.lists(st.tuples(st.booleans(), WRAP_LINE), min_size=1, max_size=24).map(
    lambda pairs: "".join(("\n\n" if gap else "\n") + line for gap, line in pairs)
)


@settings(max_examples=1000, deadline=None)
@given(st.one_of(MIXED, WRAPPED_TEXT))
def test_text_the_wrap_shortcut_passes_by_is_not_wrapped(text: str) -> None:
    lines = units.non_blank_lines(text)
    if units._may_be_wrapped(lines):
        return
    groups: list[list[str]] = []
    for line in lines:
        if line.gap_before or not groups:
            groups.append([])
        groups[-1].append(line.text)
    assert not units._is_hard_wrapped(groups)


@settings(max_examples=500, deadline=None)
@given(MIXED)
def test_bare_words_are_the_words_translate_gave(text: str) -> None:
    table = {ord(mark): " " for mark in '"“”‘()[],.;:!?'}  # what dek.py had
    old = set(text.translate(table).split())
    assert dek.bare_words(text) == old
