"""text.related without a database: which story a related link leads to, decided from the
look-ups and candidates the store read, and the other versions as `show` lists them."""

from __future__ import annotations

import datetime as dt

from newsarchive.model.records import Block, BlockKind, StoredArticle
from newsarchive.text.compare import change_summary
from newsarchive.text.related import link_stories, other_versions

TRUNCATED = "Storm hits the northern coast of Devon ..."
BLOCKS = [{"kind": "read_more", "text": TRUNCATED}, {"kind": "paragraph"}]


def test_the_first_tier_with_a_match_decides() -> None:
    lookups = {0: [(1, "t:a"), (3, "p:storm hits the northern coast")]}
    named = {"t:a": [7], "p:storm hits the northern coast": [8]}
    candidates = {7: ("Anything", 70), 8: ("Storm hits the northern coast of Devon", 80)}
    assert link_stories(1, lookups, BLOCKS, named, candidates) == {0: 70}


def test_a_tier_whose_finds_are_not_confirmed_gives_way_to_the_next() -> None:
    # Tier 3 (a truncated title) must be the start of the candidate's headline.
    lookups = {0: [(3, "p:storm"), (3, "p:other")]}
    named = {"p:storm": [7], "p:other": [8]}
    candidates = {
        7: ("Calm day on the coast", 70),
        8: ("Storm hits the northern coast of Devon", 80),
    }
    assert link_stories(1, lookups, BLOCKS, named, candidates) == {0: 80}


def test_finds_in_two_stories_are_ambiguous_and_never_guessed() -> None:
    lookups = {0: [(1, "t:a"), (2, "t:b")]}
    named = {"t:a": [7, 8], "t:b": [9]}
    candidates = {7: ("A", 70), 8: ("A", 80), 9: ("B", 90)}
    assert link_stories(1, lookups, BLOCKS, named, candidates) == {0: None}


def test_versions_of_one_story_are_that_story() -> None:
    lookups = {0: [(1, "t:a")]}
    named = {"t:a": [7, 8]}
    candidates = {7: ("A", 70), 8: ("A", 70)}
    assert link_stories(1, lookups, BLOCKS, named, candidates) == {0: 70}


def test_an_article_never_links_to_itself() -> None:
    lookups = {0: [(1, "t:a")], 1: [(0, "u:x")]}
    named = {"t:a": [1], "u:x": [1, 5]}
    candidates = {1: ("A", 1), 5: ("X", 50)}
    assert link_stories(1, lookups, BLOCKS, named, candidates) == {0: None, 1: 50}


def test_without_blocks_a_truncated_link_has_no_text_to_confirm() -> None:
    lookups = {0: [(3, "p:storm")], 1: [(1, "t:a")]}
    named = {"p:storm": [7], "t:a": [8]}
    candidates = {7: ("Storm hits the northern coast of Devon", 70), 8: ("A", 80)}
    assert link_stories(1, lookups, BLOCKS, named, candidates) == {0: 70, 1: 80}
    assert link_stories(1, lookups, [], named, candidates) == {0: None, 1: 80}


def _article(id_: int, *paragraphs: str, headline: str = "Storm hits the coast") -> StoredArticle:
    return StoredArticle(
        headline=headline,
        published=dt.date(2024, 1, id_),
        blocks=tuple(Block(kind=BlockKind.PARAGRAPH, text=p) for p in paragraphs),
        id=id_,
        sha256=f"{id_:064d}",
        encoding="utf-8",
        byte_size=100,
        ingested_at=dt.datetime(2024, 2, id_, tzinfo=dt.UTC),
        sources=(f"{id_}.txt",),
    )


def test_other_versions_say_what_changed_from_the_one_read() -> None:
    read = _article(1, "Winds struck.", "Homes lost power.")
    newer = _article(2, "Winds struck.", "Homes lost power.", "Schools closed.")
    retitled = _article(3, "Winds struck.", headline="Storm hits the north coast")
    found = other_versions(read, [newer, retitled])
    assert [(v.id, v.headline, v.published, v.ingested_at) for v in found] == [
        (2, newer.headline, newer.published, newer.ingested_at),
        (3, retitled.headline, retitled.published, retitled.ingested_at),
    ]
    assert [v.change for v in found] == [
        change_summary(read, newer),
        change_summary(read, retitled),
    ]
    assert found[0].change == "+1 paragraph"
    assert found[1].word_count == retitled.word_count


def test_no_other_versions_need_no_comparing() -> None:
    assert other_versions(_article(1, "Winds struck."), []) == ()
