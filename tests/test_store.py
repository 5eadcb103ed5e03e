"""The store's bulk writes against SQLAlchemy's own: the same bytes on disk, the same rows back."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import insert

from newsarchive.model.records import DateSource
from newsarchive.model.rows import stored_row, values_of
from newsarchive.storage import config
from newsarchive.storage.archive import Archive, open_archive
from newsarchive.storage.backends import NewArticle
from newsarchive.storage.schema import article_raw, article_sources, articles
from newsarchive.text.columns import article_values
from newsarchive.text.parser import parse_article

from .conftest import SEEDS

NOW = dt.datetime(2026, 11, 28, 4, 5, 6, 789012, tzinfo=dt.UTC)


def _archive(path: Path) -> Archive:
    return open_archive(config.resolve(str(path), path.parent), create=True)


def _items() -> list[NewArticle]:
    seed = next(SEEDS.iterdir()).read_bytes()
    dated = parse_article(seed.decode("utf-8"), not_after=dt.date(2026, 1, 1))
    undated = parse_article("Plain headline\n\nA body with no date at all.\n")
    assert dated.published is not None and dated.date_source is DateSource.INFERRED
    return [
        NewArticle(
            "a" * 64,
            stored_row(article_values(dated, encoding="utf-8", byte_size=len(seed))),
            seed,
        ),
        NewArticle(
            "b" * 64,
            stored_row(article_values(undated, encoding="cp1252", byte_size=3)),
            b"\x93x\x94",
        ),
    ]


def _dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every stored value as SQLite holds it (text, not what SQLAlchemy parses it into)."""
    con = sqlite3.connect(path)
    try:
        return {
            table: con.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("articles", "article_raw", "article_sources")
        }
    finally:
        con.close()


@pytest.mark.sqlite_only  # compares the SQLite files byte for byte
def test_bulk_writes_store_exactly_what_sqlalchemy_would(tmp_path: Path) -> None:
    items = _items()
    ours, theirs = tmp_path / "ours.db", tmp_path / "theirs.db"
    with _archive(ours).writing() as store:
        ids = store.add_articles(items, NOW)
        assert (
            store.add_sources([(ids["a" * 64], "/x/a.txt"), (ids["b" * 64], "/x/b.txt")], NOW) == 2
        )
    with _archive(theirs).engine.begin() as connection:
        connection.execute(
            insert(articles),
            [
                {
                    **values_of(item.row),
                    "id": n,
                    "cluster_id": n,
                    "family_id": n,
                    "sha256": item.sha256,
                    "ingested_at": NOW,
                }
                for n, item in enumerate(items, 1)
            ],
        )
        connection.execute(
            insert(article_raw),
            [{"article_id": n, "data": i.raw} for n, i in enumerate(items, 1)],
        )
        connection.execute(
            insert(article_sources),
            [
                {"article_id": 1, "path": "/x/a.txt", "first_seen": NOW},
                {"article_id": 2, "path": "/x/b.txt", "first_seen": NOW},
            ],
        )
    assert ids == {"a" * 64: 1, "b" * 64: 2}
    assert _dump(ours) == _dump(theirs)


def test_bulk_writes_read_back_as_the_articles_given(archive_url: str, tmp_path: Path) -> None:
    items = _items()
    archive = open_archive(config.resolve(archive_url, tmp_path), create=True)
    with archive.writing() as store:
        ids = store.add_articles(items, NOW)
        store.add_sources([(ids[items[0].sha256], "/x/a.txt")], NOW)
    with archive.reading() as store:
        stored = store.get(ids[items[0].sha256])
        assert store.raw(ids[items[1].sha256]) == b"\x93x\x94"
    expected = parse_article(items[0].raw.decode("utf-8"), not_after=dt.date(2026, 1, 1))
    assert stored.ingested_at == NOW
    assert stored.sources == ("/x/a.txt",)
    fields = type(expected).model_fields
    assert {f: getattr(stored, f) for f in fields} == {f: getattr(expected, f) for f in fields}


def test_an_article_stored_meanwhile_is_skipped_and_the_rest_get_ids(
    archive_url: str, tmp_path: Path
) -> None:
    first, second = _items()
    archive = open_archive(config.resolve(archive_url, tmp_path), create=True)
    with archive.writing() as store:
        assert store.add_articles([second], NOW) == {second.sha256: 1}
    with archive.writing() as store:
        # As if another writer stored `second` between our look-up and our insert.
        added = store.add_articles([second, first], NOW)
    assert list(added) == [first.sha256] and added[first.sha256] > 1  # a fresh id
    with archive.reading() as store:
        assert store.count() == 2
        assert store.raw(added[first.sha256]) == first.raw
        assert store.raw(1) == second.raw


def test_the_same_article_twice_in_one_call_is_stored_once(
    archive_url: str, tmp_path: Path
) -> None:
    first, _ = _items()
    archive = open_archive(config.resolve(archive_url, tmp_path), create=True)
    with archive.writing() as store:
        assert store.add_articles([first, first], NOW) == {first.sha256: 1}
    with archive.reading() as store:
        assert store.count() == 1


_JSONABLE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
_STRINGS = st.text() | st.sampled_from(["", 'é\u2028\U0001f525"\\\x00', "paragraph"])


@given(
    st.lists(
        _STRINGS | st.dictionaries(_STRINGS, _STRINGS, max_size=4) | _JSONABLE,
        max_size=5,
    )
)
def test_a_row_s_json_is_what_json_dumps_makes(items: list[object]) -> None:
    """rows._json_list and _json_blocks make lists of strings, and of dicts of strings, as
    json.dumps does, and hand anything else to it."""
    import json

    from newsarchive.model.rows import _json_blocks, _json_list

    assert _json_list(items) == json.dumps(items)
    blocks = [{**item, "kind": "boilerplate"} for item in items if isinstance(item, dict)]
    blocks += [{"kind": "paragraph"}, {"kind": "read_more", "text": "A\u00e9"}]
    assert _json_blocks(blocks) == json.dumps(blocks)
