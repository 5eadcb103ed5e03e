"""One huge article (issue 22, item 13): memory that stays a small multiple of its size
where Python's own allocations can be counted (tracemalloc: deterministic, unlike timings;
whole-process figures are bench/huge_file_bench.py's), `show` made piece by piece, and
`browse` drawing the first part of a long body until asked for more."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from newsarchive.ops.workers import prepare
from newsarchive.storage import config
from newsarchive.storage.archive import Archive, open_archive
from newsarchive.text import fingerprint
from newsarchive.ui import browse, reading, render
from newsarchive.ui.widgets import ArticlePane

from .conftest import Run

WORDS = (
    "minister council budget river station harbour school market winter energy court "
    "report village hospital election railway farmer museum bridge factory teacher "
    "Straße naïve café ﬁnal €uro"
).split()


def _paragraphs(count: int, *, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    return [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60))).capitalize() + "."
        for _ in range(count)
    ]


def _article(paragraphs: int) -> str:
    return "A very long article\n\n" + "\n\n".join(_paragraphs(paragraphs)) + "\n"


def _as_newsarchive_connects(db: Any) -> None:
    """The SQL functions the search index's triggers call (newsarchive adds them on connect)."""
    from newsarchive.storage.backends.sqlite_searchtext import register_functions

    register_functions(db)


def _peak(action: object) -> int:
    """Bytes Python allocated at most while `action()` ran, over what it held before."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        action()  # type: ignore[operator]
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def test_fingerprinting_a_long_text_takes_a_window_of_memory_not_the_text_many_times() -> None:
    text = _article(16_000)  # about 5 MB, with characters past Latin-1
    fingerprint.fingerprints(["warm up the caches with a few words here"])
    peak = _peak(lambda: fingerprint.fingerprints([text]))
    # Hashed whole, the arrays took about 45 bytes a character (a 16 MB article: 718 MB).
    assert peak < len(text) // 2 + 24 * 2**20, peak


def test_prepare_of_a_long_article_peaks_at_a_few_times_its_size() -> None:
    data = _article(16_000).encode()
    prepare([(b"Warm up\n\nA short article to warm the caches.\n", "w.txt")], dt.date(2024, 1, 1))
    peak = _peak(lambda: prepare([(data, "huge.txt")], dt.date(2024, 1, 1)))
    assert peak < 8 * len(data), f"{peak / len(data):.1f}x"


@pytest.mark.parametrize("window", [1, 7, 64, 4096])
def test_a_long_text_fingerprints_as_when_hashed_whole(
    window: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "\n".join(_paragraphs(40)) + "\u2003tail words ① ﬁne e\u0301t\u00e9"
    stories = [("Headline here", None, body), ("Short one", "a dek", "few words")]
    whole = [fingerprint.fingerprints([fingerprint.story_text(*s)])[0] for s in stories]
    shingled = fingerprint.shingles(fingerprint.story_text(*stories[0]))
    monkeypatch.setattr(fingerprint, "_WINDOW_CHARACTERS", window)
    assert fingerprint.story_fingerprints(stories) == whole
    assert fingerprint.fingerprints([fingerprint.story_text(*stories[0])]) == whole[:1]
    assert np.array_equal(fingerprint.shingles(fingerprint.story_text(*stories[0])), shingled)


@pytest.fixture
def huge(run: Run, tmp_path: Path, archive_path: Path) -> Iterator[Archive]:
    """An archive whose one article has 2,000 paragraphs."""
    (tmp_path / "huge.txt").write_text(_article(2_000), encoding="utf-8")
    assert run("ingest", tmp_path / "huge.txt").returncode == 0
    opened = open_archive(config.resolve(str(archive_path), tmp_path), create=False)
    yield opened
    opened.close()


def test_show_makes_the_article_piece_by_piece(
    huge: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    with huge.reading() as store:
        article = store.get(1)
    made: list[str] = []
    original = render.marked

    def marked(text: str, *args: Any, **kwargs: Any) -> Any:
        made.append(text)
        return original(text, *args, **kwargs)

    monkeypatch.setattr(reading, "marked", marked)
    pieces = reading.article_pieces(article)
    next(pieces)
    assert 0 < len(made) <= reading.PARTS_PER_PIECE  # not the 2,000 paragraphs
    assert sum(1 for _ in pieces) > 2
    assert len(made) > 2000  # every paragraph, in the end


def test_show_prints_what_the_whole_view_prints(run: Run, huge: Archive) -> None:
    import io

    from rich.console import Console

    with huge.reading() as store:
        article = store.get(1)
    whole = Console(file=io.StringIO(), width=80, color_system=None)
    whole.print(reading.article_view(article, ("harbour",)))
    pieces = Console(file=io.StringIO(), width=80, color_system=None)
    for piece in reading.article_pieces(article, ("harbour",)):
        pieces.print(piece)
    assert pieces.file.getvalue() == whole.file.getvalue()  # type: ignore[attr-defined]
    shown = run("show", "1")
    assert shown.returncode == 0
    assert shown.stdout.decode().count("\n") > 4000


def test_browse_draws_the_first_part_of_a_long_body_and_m_shows_more(huge: Archive) -> None:
    async def drive() -> None:
        app = browse.Browser(huge, theme="dark")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause(0.05)
            await app.workers.wait_for_complete()
            pane = app.query_one(ArticlePane)
            lines = len(pane._strips)
            text = "\n".join(strip.text for strip in pane._strips)
            assert f"… {2000 - browse.BLOCKS_SHOWN:,} more paragraphs (m shows more)" in text
            app.query_one("#reader").focus()
            await pilot.press("m")
            await pilot.pause()
            assert app.query_one(browse.ArticleReader).blocks_shown == 2 * browse.BLOCKS_SHOWN
            assert len(pane._strips) > lines
            await pilot.press("q")

    asyncio.run(drive())


def test_verify_of_a_long_article_holds_its_body_once(
    run: Run, tmp_path: Path, archive_path: Path
) -> None:
    from newsarchive.ops.verify import verify

    text = _article(16_000)
    (tmp_path / "huge.txt").write_text(text, encoding="utf-8")
    assert run("ingest", tmp_path / "huge.txt").returncode == 0
    archive = open_archive(config.resolve(str(archive_path), tmp_path), create=False)
    try:
        verify(archive)  # warm: imports, caches
        size = len(text.encode())
        peak = _peak(lambda: verify(archive))
    finally:
        archive.close()
    assert peak < 8 * size, f"{peak / size:.1f}x"


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ("body = replace(body, 'harbour', 'harbor')", "body"),
        ("blocks = replace(blocks, 'paragraph', 'subheading')", "blocks"),
    ],
)
# Compared as they are, and (past a MiB: verify._TOGETHER_BYTES) as digests.
@pytest.mark.parametrize("paragraphs", [200, 4000])
def test_verify_still_finds_a_column_that_is_not_what_its_bytes_give(
    run: Run, tmp_path: Path, archive_path: Path, change: str, column: str, paragraphs: int
) -> None:
    import sqlite3

    text = _article(paragraphs)
    assert (len(text.encode()) > 1 << 20) == (paragraphs == 4000)
    (tmp_path / "huge.txt").write_text(text, encoding="utf-8")
    assert run("ingest", tmp_path / "huge.txt").returncode == 0
    with sqlite3.connect(archive_path) as db:
        _as_newsarchive_connects(db)
        db.execute(f"UPDATE articles SET {change}")
    db.close()
    result = run("verify")
    assert result.returncode == 1
    assert f"article 1: re-parsing gives other {column} than stored" in result.stderr.decode()


@pytest.mark.sqlite_only  # what SQLite's driver keeps of a bound text
def test_storing_a_long_body_keeps_no_second_copy_of_it(tmp_path: Path, archive_path: Path) -> None:
    import hashlib

    from newsarchive.model.rows import Lookups
    from newsarchive.ops.workers import prepare_new
    from newsarchive.storage.backends import NewArticle

    data = _article(16_000).encode()
    (prepared,) = prepare_new([(data, "huge.txt")], dt.date(2024, 1, 1))
    assert not isinstance(prepared, str), prepared
    row, bands, names, links, _search = prepared
    archive = open_archive(config.resolve(str(archive_path), tmp_path), create=True)
    fresh = [NewArticle(hashlib.sha256(data).hexdigest(), row, data, Lookups(bands, names, links))]
    try:
        tracemalloc.start()
        with archive.writing() as store:
            before = tracemalloc.get_traced_memory()[0]
            store.add_articles(fresh, dt.datetime.now(dt.UTC))
            # What the batch's rows still hold once stored: not the body's UTF-8 form too.
            held = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
    finally:
        archive.close()
    assert held < len(data) // 4, f"{held / len(data):.2f}x"


@pytest.mark.sqlite_only  # SQLite's page cache
def test_a_huge_article_is_written_through_a_small_page_cache(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsarchive.storage.backends import sqlite_connect, sqlite_writes

    seen: list[tuple[str, int]] = []
    original = sqlite_writes.insert

    def spying(connection: Any, table: Any, rows: Any, **kwargs: Any) -> int:
        seen.append((table.name, connection.exec_driver_sql("PRAGMA cache_size").scalar()))
        return original(connection, table, rows, **kwargs)

    original_articles = sqlite_writes._insert_articles

    def spying_articles(connection: Any, rows: Any) -> int:  # articles: rows made as stored
        seen.append(("articles", connection.exec_driver_sql("PRAGMA cache_size").scalar()))
        return original_articles(connection, rows)

    monkeypatch.setattr(sqlite_writes, "insert", spying)
    monkeypatch.setattr(sqlite_writes, "_insert_articles", spying_articles)
    monkeypatch.setattr(sqlite_writes, "HUGE_ARTICLE_BYTES", 100_000)
    (tmp_path / "huge.txt").write_text(_article(600), encoding="utf-8")  # about 180 KB
    (tmp_path / "small").mkdir()
    (tmp_path / "small" / "a.txt").write_text(_article(3), encoding="utf-8")
    assert run("ingest", tmp_path / "huge.txt").returncode == 0
    assert run("ingest", tmp_path / "small").returncode == 0
    small = -(sqlite_writes.HUGE_WRITE_CACHE_BYTES // 1024)
    usual = -(sqlite_connect.CACHE_BYTES // 1024)
    assert [size for table, size in seen if table in ("articles", "article_raw")] == [
        small,
        small,
        usual,
        usual,
    ]


@pytest.mark.sqlite_only  # SQLite's page cache
def test_verify_walks_the_archive_through_a_small_page_cache(
    run: Run, tmp_path: Path, archive_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsarchive.storage.backends import sqlite_connect
    from newsarchive.storage.records import Records

    seen: list[Any] = []
    original = Records.batch

    def spying(self: Records, **kwargs: Any) -> Any:
        seen.append(self._connection.exec_driver_sql("PRAGMA cache_size").scalar())
        return original(self, **kwargs)

    monkeypatch.setattr(Records, "batch", spying)
    (tmp_path / "a.txt").write_text(_article(20), encoding="utf-8")
    assert run("ingest", tmp_path / "a.txt").returncode == 0
    assert run("verify").returncode == 0
    assert seen and set(seen) == {-(sqlite_connect.LEAN_CACHE_BYTES // 1024)}
    seen.clear()
    assert run("search", "harbour").returncode == 0  # other reads keep the usual cache
    archive = open_archive(config.resolve(str(archive_path), tmp_path), create=False)
    try:
        with archive.reading() as store:
            usual = store._connection.exec_driver_sql("PRAGMA cache_size").scalar()
    finally:
        archive.close()
    assert usual == -(sqlite_connect.CACHE_BYTES // 1024)


@pytest.mark.parametrize("size", [1, 3, 50])
def test_a_long_text_goes_to_the_search_index_as_when_made_whole(
    size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsarchive.storage.backends import sqlite_searchtext
    from newsarchive.text.searchtext import indexed

    words = ["中国人民", "Straße", "🔥\ufe0f", "©", "日本語", "한국어", "plain", "naïve", "\u2003"]
    rng = random.Random(3)
    text = " ".join(rng.choice(words) for _ in range(300)) + " ünï"
    monkeypatch.setattr(sqlite_searchtext, "SEARCH_TEXT_SLICE", size)
    made = sqlite_searchtext._search_text(text)
    assert isinstance(made, bytearray)
    assert made.decode("utf-8") == indexed(text)
    # As migration 0010's view hands it: the column's UTF-8 bytes.
    made = sqlite_searchtext._search_text(text.encode())
    assert isinstance(made, bytearray)
    assert made.decode("utf-8") == indexed(text)


@pytest.mark.parametrize("size", [1, 5, 1 << 20])
def test_bytes_that_give_the_index_the_same_words_are_not_copied(
    size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NULL (the view then hands the index the column itself) when the made text differs
    only in the case of A-Z: unicode61 folds those as casefold does."""
    from newsarchive.storage.backends import sqlite_searchtext
    from newsarchive.text.searchtext import indexed

    monkeypatch.setattr(sqlite_searchtext, "SEARCH_TEXT_SLICE", size)
    for same in ("Plain ASCII Words", "Prices in £ and € rose; naïve Café ’quoted’"):
        assert sqlite_searchtext._search_text(same.encode()) is None
        assert (indexed(same) or "").encode().lower() == same.encode().lower()
    for other in ("Straße", "ÉCOLE", "a 中国人民 b", "fire 🔥 here", "Prices in £ " * 9 + "Straße"):
        made = sqlite_searchtext._search_text(other.encode())
        assert made is not None, other
        # Words alike: the made text, but where a slice needed nothing past A-Z's case.
        assert made.lower() == (indexed(other) or "").encode().lower(), other
    # Bytes that are not UTF-8 (another tool's) go through as they are.
    assert sqlite_searchtext._search_text(b"caf\xe9 STRASSE \xff") is None
    assert sqlite_searchtext._search_text(b"\xff Stra\xc3\x9fe") == bytearray(b"\xff strasse")


def test_every_word_of_a_long_body_is_found_the_last_too(
    archive_url: str, run: Run, tmp_path: Path
) -> None:
    """On both engines (archive_url)."""
    body = "\n\n".join(_paragraphs(8_000))  # about 2.5 MB, with characters past Latin-1
    assert len(body.encode()) > 2_000_000
    end = "Zyxlast ends it, Straße 中国人民."
    text = f"A very long article\n\nQuellwort opens it.\n\n{body}\n\n{end}\n"
    (tmp_path / "huge.txt").write_text(text, encoding="utf-8")
    assert run("ingest", tmp_path / "huge.txt").returncode == 0
    for word in ("quellwort", "zyxlast", "ZYXLAST", "strasse", "人民", "minister"):
        found = run("search", word, "--json")
        assert found.returncode == 0, (word, found.stderr)
        assert [hit["id"] for hit in json.loads(found.stdout)] == [1], word
    assert run("show", "1", "--raw").stdout == text.encode()
    assert run("verify").returncode == 0


@pytest.mark.sqlite_only  # FTS5's index
def test_huge_bodies_that_need_nothing_made_are_indexed_as_they_are(
    run: Run, tmp_path: Path, archive_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read once, not through the view (which reads a body twice); one that needs its text
    made (CJK, ß) goes through the view: both found, the index whole, and each removed
    again by the same words when deleted."""
    import sqlite3

    from newsarchive.storage.backends import sqlite_fts5, sqlite_searchtext, sqlite_writes

    monkeypatch.setattr(sqlite_writes, "HUGE_ARTICLE_BYTES", 100_000)
    monkeypatch.setattr(sqlite_searchtext, "SEARCH_TEXT_SLICE", 1000)
    seen: list[list[int]] = []
    original = sqlite_fts5.FTS5Index.index_as_they_are

    def spying(self: Any, connection: Any, ids: Any) -> list[int]:
        found = original(self, connection, ids)
        seen.append(found)
        return found

    monkeypatch.setattr(sqlite_fts5.FTS5Index, "index_as_they_are", spying)
    folder = tmp_path / "in"
    folder.mkdir()

    def body(seed: int) -> str:  # without ß and ﬁ, which case-folding changes
        paragraphs = _paragraphs(600, seed=seed)
        return "\n\n".join(p.replace("ß", "ss").replace("ﬁ", "fi") for p in paragraphs)

    # Other texts: versions of one story would be one hit.
    (folder / "a.txt").write_text(f"Plain Huge\n\n{body(1)}\n\nQuellend £ café.\n", "utf-8")
    (folder / "b.txt").write_text(f"Made Huge\n\n{body(2)}\n\nQuellend 中国人民.\n", "utf-8")
    (folder / "c.txt").write_text("Small One\n\nQuellend in a small one.\n", encoding="utf-8")
    assert run("ingest", folder).returncode == 0
    assert sorted(id_ for found in seen for id_ in found) == [1]
    found = run("search", "quellend", "--json")
    assert sorted(hit["id"] for hit in json.loads(found.stdout)) == [1, 2, 3]
    assert [hit["id"] for hit in json.loads(run("search", "人民", "--json").stdout)] == [2]
    assert run("verify").returncode == 0
    with sqlite3.connect(archive_path) as db:
        _as_newsarchive_connects(db)
        for id_ in (1, 2):
            db.execute("DELETE FROM article_raw WHERE article_id = ?", (id_,))
            db.execute("DELETE FROM article_sources WHERE article_id = ?", (id_,))
            db.execute("DELETE FROM articles WHERE id = ?", (id_,))
        db.execute("INSERT INTO article_search(article_search, rank) VALUES ('integrity-check', 1)")
        assert db.execute("SELECT count(*) FROM article_search_docsize").fetchone() == (1,)
        hits = db.execute("SELECT rowid FROM article_search WHERE article_search MATCH 'quellend'")
        assert hits.fetchall() == [(3,)]
    db.close()


_PIECES = [
    "a",
    "Z",
    " ",
    "é",
    "É",
    "’",
    "£",
    "ß",
    "中国",
    "🔥\ufe0f",
    "©",
    "Ａ",
    "\u212a",
    "Σ",
    "ς",
]
_PIECES += ["İ", "ı", "ﬁ", "Ⓐ", "ŉ", "\u1e9e", "\u0345"]


@pytest.mark.parametrize("seed", range(4))
def test_a_piece_is_made_as_searchtext_makes_it_whole(seed: int) -> None:
    """_made's look at the characters past ASCII first gives what making the whole piece
    (searchtext.indexed) gives, bytes that are not UTF-8 among them."""
    import codecs

    from newsarchive.storage.backends import sqlite_searchtext
    from newsarchive.text.searchtext import indexed

    def whole(piece: bytes) -> bytes | None:
        if piece.isascii():
            return None
        text, _ = codecs.utf_8_decode(piece, "surrogateescape", True)
        out = indexed(text) or ""
        encoded = out.encode("utf-8", "surrogateescape")
        return None if out == text or encoded == piece.lower() else encoded

    rng = random.Random(seed)
    for _ in range(20_000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 10)))
        piece = text.encode()
        if rng.random() < 0.3:  # another tool's bytes: cut sequences, stray bytes
            at = rng.randrange(len(piece))
            piece = piece[:at] + bytes([rng.choice([0x80, 0xA9, 0xC3, 0xE4, 0xFF])]) + piece[at:]
        assert sqlite_searchtext._made(piece) == whole(piece), piece
