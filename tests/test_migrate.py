"""Alembic owns the schema: empty archive to head, model in step, newer archives refused."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy
from alembic.script import ScriptDirectory

import newsarchive.storage.backends.sqlite_connect
from newsarchive.model.errors import ArchiveError, ArchiveNotFoundError
from newsarchive.ops.ingest import Ingester
from newsarchive.storage import config, migrate
from newsarchive.storage.archive import open_archive
from newsarchive.storage.backends.sqlite_fts5 import SEARCH_AUTOMERGE

from .conftest import REPO, SEEDS


def _alembic(*args: str, db: Path | str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "alembic", "-x", f"db={db}", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ},
    )


def test_empty_database_upgrades_to_head_and_alembic_check_is_clean(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    upgraded = _alembic("upgrade", "head", db=db)
    assert upgraded.returncode == 0, upgraded.stderr
    checked = _alembic("check", db=db)
    assert checked.returncode == 0, checked.stderr
    assert "No new upgrade operations detected" in checked.stdout + checked.stderr
    tables = {r[0] for r in sqlite3.connect(db).execute("SELECT name FROM sqlite_master")}
    assert {"articles", "article_raw", "article_sources", "alembic_version"} <= tables


def test_head_constant_matches_the_migration_scripts() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert script.get_current_head() == migrate.HEAD_REVISION


def test_open_creates_upgrades_and_is_idempotent(tmp_path: Path) -> None:
    location = config.resolve(str(tmp_path / "new" / "deeper" / "a.db"), tmp_path)
    open_archive(location, create=True).close()
    open_archive(location, create=True).close()
    con = sqlite3.connect(location.path)  # type: ignore[arg-type]
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [
        (migrate.HEAD_REVISION,)
    ]
    assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert con.execute("PRAGMA page_size").fetchone() == (16384,)


def test_an_archive_with_small_pages_keeps_them_and_its_first_ingest_tunes_the_index(
    tmp_path: Path,
) -> None:
    db = tmp_path / "old.db"
    con = sqlite3.connect(db)
    con.execute("PRAGMA page_size=4096")
    con.execute("VACUUM")  # the file now exists, with 4 KiB pages, as older archives have
    con.close()
    assert _alembic("upgrade", "head", db=db).returncode == 0
    automerge = "SELECT v FROM article_search_config WHERE k = 'automerge'"
    location = config.resolve(str(db), tmp_path)
    before = db.read_bytes()
    open_archive(location, create=False).close()  # as every reading command does
    assert db.read_bytes() == before  # reading writes nothing, not even an index setting

    report = Ingester(open_archive(location, create=True)).run([SEEDS])
    assert report.added == 1
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA page_size").fetchone() == (4096,)
    assert con.execute(automerge).fetchone() == (SEARCH_AUTOMERGE,)
    found = "SELECT rowid FROM article_search WHERE article_search MATCH 'lavrov'"
    assert con.execute(found).fetchall() == [(1,)]


def test_a_locked_archive_that_needs_an_upgrade_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "old.db"
    assert _alembic("upgrade", "0001", db=db).returncode == 0
    monkeypatch.setattr(newsarchive.storage.backends.sqlite_connect, "BUSY_TIMEOUT_SECONDS", 1)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock throughout
    try:
        with pytest.raises(ArchiveError, match=r"cannot open the archive .*database is locked"):
            open_archive(config.resolve(str(db), tmp_path), create=False)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_reading_a_missing_archive_creates_nothing(tmp_path: Path) -> None:
    location = config.resolve(str(tmp_path / "none.db"), tmp_path)
    with pytest.raises(ArchiveNotFoundError, match="newsarchive ingest"):
        open_archive(location, create=False)
    assert not (tmp_path / "none.db").exists()


def test_an_archive_from_a_newer_version_is_refused_and_untouched(tmp_path: Path) -> None:
    location = config.resolve(str(tmp_path / "a.db"), tmp_path)
    open_archive(location, create=True).close()
    con = sqlite3.connect(tmp_path / "a.db")
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    before = (tmp_path / "a.db").read_bytes()
    with pytest.raises(ArchiveError, match="newer newsarchive"):
        open_archive(location, create=True)
    assert (tmp_path / "a.db").read_bytes() == before


def test_a_file_that_is_not_sqlite_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("these are my notes, not a database\n" * 50)
    before = path.read_bytes()
    with pytest.raises(ArchiveError, match="cannot open the archive"):
        open_archive(config.resolve(str(path), tmp_path), create=True)
    assert path.read_bytes() == before


def test_script_location_prefers_the_packaged_copy_then_the_checkout() -> None:
    location = migrate.script_location()
    assert (location / "env.py").is_file()
    assert (location / "versions").is_dir()


@pytest.mark.parametrize("create", [False, True])
def test_somebody_elses_database_is_refused_and_left_exactly_as_it_was(
    tmp_path: Path, create: bool
) -> None:
    path = tmp_path / "bookmarks.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE bookmarks (url TEXT)")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(ArchiveError, match="not a newsarchive archive"):
        open_archive(config.resolve(str(path), tmp_path), create=create)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bookmarks.db"]


def test_an_empty_file_is_no_archive_for_reading_and_stays_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    with pytest.raises(ArchiveNotFoundError, match="the database is empty"):
        open_archive(config.resolve(str(path), tmp_path), create=False)
    assert path.stat().st_size == 0


def test_an_in_memory_archive_is_refused_for_ingest(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="in-memory archive keeps nothing"):
        open_archive(config.resolve("sqlite://", tmp_path), create=True)


@pytest.mark.parametrize("revision", ["0005", "0002"])
def test_a_downgrade_keeps_every_article_its_bytes_and_its_paths(
    tmp_path: Path, revision: str
) -> None:
    """Dropping a column must not rebuild the articles table: with foreign keys on, dropping
    the old copy would cascade to the raw bytes and source paths."""
    db = tmp_path / "a.db"
    Ingester(open_archive(config.resolve(str(db), tmp_path), create=True), jobs=0).run([SEEDS])

    def counts() -> tuple[int, ...]:
        con = sqlite3.connect(db)
        try:
            tables = ("articles", "article_raw", "article_sources")
            return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables)
        finally:
            con.close()

    before = counts()
    assert before[0] > 0
    done = _alembic("downgrade", revision, db=db)
    assert done.returncode == 0, done.stderr
    assert counts() == before
    open_archive(config.resolve(str(db), tmp_path), create=False).close()  # up again
    assert counts() == before


def test_exact_paths_upgrade_keeps_every_recorded_path_and_downgrade_merges_lookalikes(
    archive_url: str, tmp_path: Path
) -> None:
    """0007 adds path_bytes: paths recorded before keep their text (and empty bytes); a
    downgrade keeps the first of two paths that only their bytes told apart."""
    folder = tmp_path / "in"
    folder.mkdir()
    story = b"Cafe opens\n\nA cafe opened on the square.\n"
    (folder / "plain.txt").write_bytes(b"Plain\n\nA plain story.\n")
    (folder / "caf\\xe9.txt").write_bytes(story)  # a backslash, x, e, 9: its text is its name
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "wb") as handle:
        handle.write(story)  # the same story under a Latin-1 name
    location = config.resolve(archive_url, tmp_path)
    Ingester(open_archive(location, create=True), jobs=0).run([folder])

    def sources(*, exact: bool = True) -> list[tuple[object, ...]]:
        engine = sqlalchemy.create_engine(location.url)
        try:
            with engine.connect() as con:
                columns = "article_id, path" + (", path_bytes" if exact else "")
                query = f"SELECT {columns} FROM article_sources ORDER BY id"
                return [tuple(row) for row in con.execute(sqlalchemy.text(query))]
        finally:
            engine.dispose()

    lookalike, plain = f"{folder}/caf\\xe9.txt", f"{folder}/plain.txt"
    assert sources() == [
        (1, lookalike, b""),
        (1, lookalike, os.fsencode(folder) + b"/caf\xe9.txt"),
        (2, plain, b""),
    ]
    done = _alembic("downgrade", "0006", db=archive_url)
    assert done.returncode == 0, done.stderr
    assert sources(exact=False) == [(1, lookalike), (2, plain)]
    open_archive(location, create=False).close()  # up again, on open
    assert sources() == [(1, lookalike, b""), (2, plain, b"")]
    report = Ingester(open_archive(location, create=True), jobs=0).run([folder])
    # The two paths kept are the same names again; the Latin-1 name gets its bytes back.
    assert (report.added, report.already_present, report.new_paths) == (0, 3, 1)


def test_search_text_as_utf8_upgrade_and_downgrade_keep_the_index_whole(tmp_path: Path) -> None:
    """0010 hands the index's function each column's UTF-8 bytes (NULL: the column as it
    is): the index is given the same words as under 0008's view (which 0009 keeps), so an
    article indexed under one is removed under the other, and FTS5's integrity check stays
    clean either way."""
    from newsarchive.storage.backends.sqlite_searchtext import register_functions

    folder = tmp_path / "in"
    folder.mkdir()
    texts = [
        "Chinese news\n\n中国人民 visited the STRASSE; Straße café.\n",
        "Prices Rose\n\nPrices in £ rose again, said the Minister.\n",
        "Fire Story\n\nA fire 🔥 near the © museum, ÉCOLE closed.\n",
        "Plain One\n\nOnly ASCII words in This one.\n",
    ]
    for i, text in enumerate(texts):
        (folder / f"{i}.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "a.db"
    archive = open_archive(config.resolve(str(db), tmp_path), create=True)
    Ingester(archive, jobs=0).run([folder])
    archive.close()

    def check(delete: int | None = None) -> None:
        con = sqlite3.connect(db)
        register_functions(con)
        try:
            if delete is not None:
                con.execute("DELETE FROM article_raw WHERE article_id = ?", (delete,))
                con.execute("DELETE FROM article_sources WHERE article_id = ?", (delete,))
                con.execute("DELETE FROM articles WHERE id = ?", (delete,))
            con.execute("UPDATE articles SET body = body || ' Zyx' WHERE id = 1")
            con.execute(
                "INSERT INTO article_search(article_search, rank) VALUES ('integrity-check', 1)"
            )
            con.commit()
            found = con.execute(
                "SELECT rowid FROM article_search WHERE article_search MATCH '\"人民\" AND zyx'"
            ).fetchall()
            assert found == [(1,)]
        finally:
            con.close()

    check()
    done = _alembic("downgrade", "0009", db=db)
    assert done.returncode == 0, done.stderr
    check(delete=2)  # indexed under 0010, removed under 0008's view
    open_archive(config.resolve(str(db), tmp_path), create=False).close()  # up again
    check(delete=3)  # indexed under 0008's view, removed under 0010's
    con = sqlite3.connect(db)
    view = con.execute("SELECT sql FROM sqlite_master WHERE name = 'article_search_text'")
    assert "CAST(body AS BLOB)" in view.fetchone()[0]
    con.close()


def test_every_place_upgrade_makes_no_place_0_and_downgrade_keeps_the_first_place(
    archive_url: str, tmp_path: Path
) -> None:
    """0012 takes the place into the unique constraint: an archive made at 0011 (sources
    of an article file with a NULL place, an export's article at its first place only)
    upgrades to place 0 and gets its article's second place on the next ingest; a
    downgrade keeps the first place of each and gives the article file NULL again."""
    folder = tmp_path / "in"
    folder.mkdir()
    twice = folder / "twice.txt"
    twice.write_bytes(
        (REPO / "tests" / "export_fixtures" / "lexisnexis_cover.txt").read_bytes() * 2
    )
    (folder / "plain.txt").write_bytes(b"Plain\n\nA plain story.\n")
    location = config.resolve(archive_url, tmp_path)

    def ingest() -> tuple[int, int, int]:
        report = Ingester(open_archive(location, create=True), jobs=0).run([folder])
        return report.added, report.already_present, report.new_paths

    Source = tuple[int, str, int | None, int | None]

    def sources() -> list[Source]:
        engine = sqlalchemy.create_engine(location.url)
        try:
            with engine.connect() as con:
                query = "SELECT article_id, path, place, places FROM article_sources"
                return sorted((a, p, n, of) for a, p, n, of in con.execute(sqlalchemy.text(query)))
        finally:
            engine.dispose()

    assert ingest() == (4, 3, 3)
    every = sources()
    [plain] = [s for s in every if s[1].endswith("plain.txt")]
    assert plain[2:] == (0, 0)
    placed = [s for s in every if s != plain]
    # Each of the export's three articles at its place in both copies.
    assert sorted((n, of) for _, _, n, of in placed) == [(n, 6) for n in range(1, 7)]
    pairs = [(n, m) for a, _, n, _ in placed for b, _, m, _ in placed if a == b and n != m]
    assert sorted(pairs)[:3] == [(1, 4), (2, 5), (3, 6)]
    firsts = [s for s in placed if (s[2] or 0) <= 3]

    done = _alembic("downgrade", "0011", db=archive_url)
    assert done.returncode == 0, done.stderr
    assert sources() == sorted([*firsts, (plain[0], plain[1], None, None)])

    open_archive(location, create=False).close()  # up again, on open
    assert sources() == sorted([*firsts, plain])
    assert ingest() == (0, 7, 3)  # each article's second place found again
    assert sources() == every
    assert ingest() == (0, 7, 0)
