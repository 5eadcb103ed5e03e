"""storage.ids.placed without a database: an import's articles keep their own ids where no
article has or had them, and the others go past every id given."""

from __future__ import annotations

from newsarchive.storage.ids import placed


def test_free_ids_are_kept() -> None:
    assert placed([3, 5, 9], taken=set(), stored=2, deleted=0) == [3, 5, 9]


def test_taken_ids_go_past_every_id_stored_and_wanted() -> None:
    assert placed([2, 7, 4], taken={2, 4}, stored=5, deleted=0) == [2 + 6, 7, 9]


def test_an_id_a_deleted_article_had_is_never_given_again() -> None:
    assert placed([3, 12], taken=set(), stored=2, deleted=10) == [13, 12]
    assert placed([1], taken=set(), stored=0, deleted=4) == [5]


def test_an_id_wanted_twice_is_kept_once() -> None:
    assert placed([6, 6], taken=set(), stored=3, deleted=0) == [6, 7]


def test_nothing_wanted_places_nothing() -> None:
    assert placed([], taken=set(), stored=3, deleted=8) == []
