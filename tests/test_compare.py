"""Comparing two versions: the phrase a versions list shows, and a word diff that keeps the
paragraphs' shape and stays fast on long articles."""

from __future__ import annotations

import datetime as dt
import random
from itertools import pairwise
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.model.models import Article
from newsarchive.model.records import Block, BlockKind, StoredArticle
from newsarchive.text import compare
from newsarchive.text.compare import (
    BREAK,
    DiffRun,
    DiffStats,
    Fold,
    change_summary,
    diff_stats,
    diff_words,
    fold,
    run_tokens,
    tokens,
)

HEADLINE = "Storm hits the coast"
STORY = (
    "Winds of 90 mph struck the coast on Monday night.",
    "Thousands of homes lost power, the utility said.",
    "Schools will stay closed on Tuesday.",
    "The storm is expected to weaken as it moves inland.",
)
CORRECTION = "Correction: An earlier version of this story misstated the wind speed."


def _article(*paragraphs: str, headline: str = HEADLINE, dek: str | None = None) -> Article:
    blocks = tuple(Block(kind=BlockKind.PARAGRAPH, text=p) for p in paragraphs)
    return Article(headline=headline, dek=dek, blocks=blocks)


def _edited(*paragraphs: str) -> tuple[str, ...]:
    return tuple(p.replace(".", ", officials said.") for p in paragraphs)


A, B, C, D = STORY


@pytest.mark.parametrize(
    ("new", "summary"),
    [
        (_article(*STORY), "same text"),
        (
            _article(*(f" {p.replace(' ', '  ')}\t" for p in STORY), headline=f"{HEADLINE}  "),
            "same text",
        ),
        (_article(*STORY, headline="Storm batters the coast"), "headline changed"),
        (_article(*STORY, CORRECTION), "+1 paragraph"),
        (_article(A, B), "−2 paragraphs"),
        (_article(A, B, "Schools will stay closed until Wednesday.", D), "1 paragraph changed"),
        (_article(*_edited(A, B, C), D, CORRECTION), "3 paragraphs changed, +1 paragraph"),
        (_article(C, D, CORRECTION), "+1 paragraph, −2 paragraphs"),
        (
            _article(*STORY, headline="Storm batters coast", dek="Power is out"),
            "headline changed, dek added",
        ),
        (
            _article(
                *_edited(A), C, D, "More soon.", CORRECTION, headline="Storm batters coast", dek="x"
            ),
            "headline changed, dek added, 1 paragraph changed (+2 −1)",
        ),
        (
            _article(C, D, CORRECTION, headline="Storm batters coast", dek="x"),
            "headline changed, dek added, +1 −2 paragraphs",
        ),
    ],
    ids=[
        "identical",
        "whitespace only",
        "headline",
        "correction added",
        "two removed",
        "one sentence",
        "three changed and one added",
        "added and removed",
        "headline and dek",
        "at most three parts",
        "at most three parts, none changed",
    ],
)
def test_change_summary(new: Article, summary: str) -> None:
    assert change_summary(_article(*STORY), new) == summary


@pytest.mark.parametrize(
    ("old", "new", "summary"),
    [("Power is out", "Power is back", "dek changed"), ("Power is out", None, "dek removed")],
)
def test_a_changed_or_removed_dek_is_named(old: str, new: str | None, summary: str) -> None:
    assert change_summary(_article(*STORY, dek=old), _article(*STORY, dek=new)) == summary


def _stored(encoding: str, *extra: Block, byline: str | None = None) -> StoredArticle:
    return StoredArticle(
        headline=HEADLINE,
        byline=byline,
        blocks=tuple(Block(kind=BlockKind.PARAGRAPH, text=p) for p in STORY) + extra,
        id=1,
        sha256="0" * 64,
        encoding=encoding,
        byte_size=1000,
        ingested_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        sources=(f"{encoding}.txt",),
    )


def test_bytes_encoding_boilerplate_and_byline_are_not_the_story_text() -> None:
    old = _stored("utf-8")
    new = _stored(
        "cp1252",
        Block(kind=BlockKind.BOILERPLATE, text="Advertisement"),
        Block(kind=BlockKind.PARAGRAPH, text="   "),  # a block without words is no paragraph
        byline="Jane Doe",
    )
    assert change_summary(old, new) == "same text"
    assert diff_words(old, new) == [DiffRun("equal", "\n".join([HEADLINE, *STORY]))]


def test_a_changed_sentence_is_exactly_its_changed_words() -> None:
    old = _article(*STORY)
    new = _article(A, B, "Schools will stay closed until Wednesday.", D)
    runs = diff_words(old, new)
    assert runs == [
        DiffRun("equal", f"{HEADLINE}\n{A}\n{B}\nSchools will stay closed"),
        DiffRun("delete", "on Tuesday."),
        DiffRun("insert", "until Wednesday."),
        DiffRun("equal", f"\n{D}"),
    ]
    assert change_summary(old, new) == "1 paragraph changed"
    assert diff_stats(runs) == DiffStats(inserted=2, deleted=2)


def test_added_and_removed_paragraphs_carry_their_break() -> None:
    runs = diff_words(_article(*STORY), _article(A, C, D, CORRECTION))
    assert [r for r in runs if r.op != "equal"] == [
        DiffRun("delete", f"\n{B}"),
        DiffRun("insert", f"\n{CORRECTION}"),
    ]
    assert diff_stats(runs) == DiffStats(inserted=len(CORRECTION.split()), deleted=len(B.split()))


def _words(n: int) -> str:
    return " ".join(f"w{i}" for i in range(1, n + 1))


def test_fold_keeps_context_around_changes_only() -> None:
    runs = [
        DiffRun("equal", _words(30)),
        DiffRun("delete", "old"),
        DiffRun("insert", _words(40)),  # inserted text is never folded
        DiffRun("equal", _words(40)),
        DiffRun("insert", "new"),
        DiffRun("equal", _words(5)),  # hiding 2 words is not worth a fold line
    ]
    assert fold(runs, context=3) == [
        Fold(27),
        DiffRun("equal", "w28 w29 w30"),
        DiffRun("delete", "old"),
        DiffRun("insert", _words(40)),
        DiffRun("equal", "w1 w2 w3"),
        Fold(34),
        DiffRun("equal", "w38 w39 w40"),
        DiffRun("insert", "new"),
        DiffRun("equal", _words(5)),
    ]
    assert diff_stats(fold(runs, context=3)) == diff_stats(runs) == DiffStats(41, 1)


def test_fold_keeps_breaks_next_to_a_change_and_drops_those_next_to_the_fold() -> None:
    middle = DiffRun("equal", "\na b c\nd e f g h i\nj k\n")
    runs = [DiffRun("insert", "x"), middle, DiffRun("delete", "y")]
    assert fold(runs, context=2) == [
        runs[0],
        DiffRun("equal", "\na b"),
        Fold(7),
        DiffRun("equal", "j k\n"),
        runs[2],
    ]


@pytest.mark.parametrize(
    ("runs", "folded"),
    [
        ([DiffRun("equal", _words(20))], [Fold(20)]),
        ([DiffRun("equal", _words(2))], [DiffRun("equal", _words(2))]),
        ([], []),
    ],
    ids=["unchanged", "too short to fold", "empty"],
)
def test_fold_without_changes(runs: list[DiffRun], folded: list[DiffRun | Fold]) -> None:
    assert fold(runs, context=3) == folded


def test_fold_refuses_a_negative_context() -> None:
    with pytest.raises(ValueError, match="context"):
        fold([], context=-1)


# Common words recur hundreds of times in 20,000 words: what makes a plain word-level
# difflib match take seconds.
VOCABULARY = (
    "the of and to a in that is was he for it with as his on be at by I this had not are but "
    "from or have an they which one you were her all she there would their we him been has "
    "when who will more no if out so said what up its about into than them can only other new "
    "some could time these two may then do first any my now such like our over man me even"
).split()


def _long_text(rng: random.Random, words: int) -> list[str]:
    weights = [1 / rank for rank in range(1, len(VOCABULARY) + 1)]
    text = rng.choices(VOCABULARY, weights, k=words)
    return [f"{w}." if k % 17 == 16 else w for k, w in enumerate(text)]


@pytest.mark.parametrize("per_paragraph", [50, 20_000], ids=["400 paragraphs", "one paragraph"])
def test_twenty_thousand_words_differing_in_a_few_places(per_paragraph: int) -> None:
    text = _long_text(random.Random(2016), 20_000)
    old_paragraphs = [text[k : k + per_paragraph] for k in range(0, len(text), per_paragraph)]
    new_paragraphs = [list(p) for p in old_paragraphs]
    expected: list[DiffRun] = []
    for position, replacement in [(100, "ZEBRA"), (9_000, "QUAGGA"), (19_990, "OKAPI")]:
        paragraph, word = divmod(position, per_paragraph)
        new_paragraphs[paragraph][word] = replacement
        expected += [DiffRun("delete", text[position]), DiffRun("insert", replacement)]
    if per_paragraph == 50:  # also a paragraph taken out, and a correction at the end
        del new_paragraphs[250]
        expected[4:4] = [DiffRun("delete", "\n" + " ".join(old_paragraphs[250]))]
        new_paragraphs.append(CORRECTION.split())
        expected.append(DiffRun("insert", f"\n{CORRECTION}"))

    old = _article(*(" ".join(p) for p in old_paragraphs))
    new = _article(*(" ".join(p) for p in new_paragraphs))
    runs = diff_words(old, new)

    assert [r for r in runs if r.op != "equal"] == expected
    assert _stream(runs, "insert") == tokens(old)
    assert _stream(runs, "delete") == tokens(new)


def _stream(runs: list[DiffRun], without: str) -> list[str]:
    return [token for run in runs if run.op != without for token in run_tokens(run)]


WORD = st.sampled_from(["storm", "coast", "power", "said.", "Monday", "the", "“quote”"])
SPACE = st.sampled_from([" ", "  ", "\t", "\u00a0"])
PARAGRAPH = st.lists(st.tuples(WORD, SPACE), min_size=1, max_size=8).map(
    lambda pairs: "".join(word + space for word, space in pairs)
)


@settings(max_examples=400, deadline=None)
@given(
    headlines=st.tuples(PARAGRAPH, PARAGRAPH),
    old=st.lists(PARAGRAPH, max_size=8),
    new=st.lists(PARAGRAPH, max_size=8),
    pairs=st.sampled_from([0, compare._PAIRS]),
    context=st.integers(0, 3),
)
def test_the_runs_give_back_both_texts(
    headlines: tuple[str, str], old: list[str], new: list[str], pairs: int, context: int
) -> None:
    # With no pairs to spare every diff goes down through paragraphs and sentences first.
    with patch.object(compare, "_PAIRS", pairs):
        runs = diff_words(
            _article(*old, headline=headlines[0]), _article(*new, headline=headlines[1])
        )

    def stream(paragraphs: list[str]) -> list[str]:
        return [t for p in paragraphs for t in [BREAK, *p.split()]][1:]

    assert _stream(runs, "insert") == stream([headlines[0], *old])
    assert _stream(runs, "delete") == stream([headlines[1], *new])
    assert all(run_tokens(run) for run in runs)
    pairs_of_runs = list(pairwise(runs))
    assert all(a.op != b.op for a, b in pairs_of_runs)
    assert not any(a.op == "insert" and b.op == "delete" for a, b in pairs_of_runs)
    inserted = len(" ".join([headlines[1], *new]).split()) - len(
        " ".join([headlines[0], *old]).split()
    )
    stats = diff_stats(runs)
    assert stats.inserted - stats.deleted == inserted

    # Folding hides unchanged words only, and says how many.
    folded = fold(runs, context)
    assert [r for r in folded if isinstance(r, DiffRun) and r.op != "equal"] == [
        r for r in runs if r.op != "equal"
    ]
    shown = sum(len(r.text.split()) for r in folded if isinstance(r, DiffRun) and r.op == "equal")
    hidden = sum(r.words for r in folded if isinstance(r, Fold))
    assert shown + hidden == sum(len(r.text.split()) for r in runs if r.op == "equal")
