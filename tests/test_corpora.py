"""The real corpora in ../shared/corpora: every article file lands, once, byte-exact.

Skipped where ../shared is absent (a user's fresh clone). The READMEs are not articles;
`--pattern '*.txt'` leaves them out, as a user would.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from newsarchive.model.records import BlockKind
from newsarchive.ops.ingest import Ingester
from newsarchive.ops.ingest_files import stored_path
from newsarchive.storage import config
from newsarchive.storage.archive import Archive, open_archive
from newsarchive.storage.schema import article_sources

from .conftest import Run

pytestmark = pytest.mark.slow

PARTS = ["bbc/bbc", "perez-rosas/celebrityDataset", "perez-rosas/fakeNewsDataset"]


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Archive, dict[Path, str]]:
    corpora = Path(__file__).resolve().parents[2] / "shared" / "corpora"
    if not corpora.is_dir():
        pytest.skip("../shared/corpora is absent")
    db = tmp_path_factory.mktemp("corpora") / "archive.db"
    archive = open_archive(config.resolve(str(db), db.parent), create=True)
    report = Ingester(archive, pattern="*.txt").run([corpora / part for part in PARTS])
    assert report.refused == []
    files = {
        p: hashlib.sha256(p.read_bytes()).hexdigest()
        for part in PARTS
        for p in (corpora / part).rglob("*.txt")
    }
    assert report.seen == len(files) == 2225 + 500 + 480
    assert report.added == len(set(files.values()))
    assert report.already_present == len(files) - len(set(files.values()))
    return archive, files


def test_duplicates_are_stored_once_with_every_path(
    ingested: tuple[Archive, dict[Path, str]],
) -> None:
    archive, files = ingested
    with archive.reading() as store:
        count = store.count()
    with archive.engine.connect() as connection:
        paths = set(connection.scalars(select(article_sources.c.path)))
    assert count == len(set(files.values()))
    assert len(files) - count >= 98  # the BBC set alone has 98 byte-identical pairs
    assert paths == {stored_path(p) for p in files}


def test_every_file_round_trips_byte_for_byte(ingested: tuple[Archive, dict[Path, str]]) -> None:
    archive, files = ingested
    with archive.reading() as store:
        ids = store.known_ids(set(files.values()))
        for path, sha in files.items():
            assert store.raw(ids[sha]) == path.read_bytes(), path


def test_parsed_shapes_match_the_corpus_readmes(ingested: tuple[Archive, dict[Path, str]]) -> None:
    archive, files = ingested
    with archive.reading() as store:
        ids = store.known_ids(set(files.values()))
        bbc = [store.get(ids[sha]) for p, sha in files.items() if "/bbc/" in str(p)]
        links = [
            store.get(ids[sha])
            for p, sha in files.items()
            if p.name in {"215fake.txt", "163fake.txt", "111legit.txt"}
        ]
        sport199 = next(
            store.get(ids[s]) for p, s in files.items() if p.parts[-2:] == ("sport", "199.txt")
        )
    # BBC: headline on line 1 and a body in every file. Its opening paragraph is body text,
    # not a dek; the few deks are summary lines without a full stop under the headline
    # ("Japanese brewers are increasingly making money from ... rather than beer itself").
    assert all(a.blocks and a.headline for a in bbc)
    with_dek = [a for a in bbc if a.dek]
    assert len(with_dek) <= len(bbc) // 100
    assert all(a.dek and not a.dek.endswith(".") for a in with_dek)
    assert not [a for a in bbc if a.byline]  # no venue or section line taken for a name
    assert sport199.encoding == "cp1252" and "£" in " ".join(b.text for b in sport199.blocks)
    for article in links:
        assert any(b.kind is BlockKind.READ_MORE for b in article.blocks), article.sources


def test_cli_raw_round_trip_on_awkward_files(run: Run, corpora: Path) -> None:
    awkward = [
        corpora / "bbc/bbc/sport/199.txt",  # cp1252
        corpora / "perez-rosas/celebrityDataset/fake/117fake.txt",  # URL line first
        corpora / "perez-rosas/fakeNewsDataset/legit/tech024.legit.txt",  # line 1 blank
        corpora / "perez-rosas/fakeNewsDataset/fake/biz09.fake.txt",  # one line, no final newline
    ]
    assert run("ingest", *awkward).returncode == 0
    rows = json.loads(run("list", "--json").stdout)
    by_source = {}
    for row in rows:
        shown = json.loads(run("show", str(row["id"]), "--json").stdout)
        by_source[Path(shown["sources"][0])] = row["id"]
    for path in awkward:
        assert run("show", str(by_source[path]), "--raw").stdout == path.read_bytes()


def test_every_word_grep_finds_in_a_file_is_in_its_articles_index_entry(
    ingested: tuple[Archive, dict[Path, str]],
) -> None:
    """Issue 21 item 3: a line the parser classes as furniture (a kicker, a caption, a
    credit) keeps its words searchable, so no word of a file is hidden from `search`.
    Before migration 0011, 77 of the 3,107 articles here had such words (622 in all)."""
    import re
    import sqlite3

    from newsarchive.storage.backends.sqlite_searchtext import register_functions

    archive, _ = ingested
    db = sqlite3.connect(str(archive.engine.url.database))
    register_functions(db)
    db.execute("CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, article_search, instance)")
    indexed: dict[int, set[str]] = {}
    for term, doc in db.execute("SELECT term, doc FROM temp.terms"):
        indexed.setdefault(doc, set()).add(term)
    word = re.compile(r"[^\W_]+")
    hidden = {}
    for id_, data in db.execute("SELECT article_id, data FROM article_raw"):
        text = bytes(data).decode("utf-8", "replace").casefold()
        words = {w for w in word.findall(text) if w.isascii()}  # as unicode61 splits them
        if gone := words - indexed.get(id_, set()):
            hidden[id_] = sorted(gone)[:5]
    db.close()
    assert hidden == {}
