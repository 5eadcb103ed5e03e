"""Damaged SQLite archives (issue 22, items 9 to 11): real archive files, damaged for real
(pages overwritten, the header overwritten, the file cut short); every command that meets
the damage says so with the way out, nothing is written into a damaged archive, and
`db recover` saves what can still be read into a new archive that `verify` passes."""

from __future__ import annotations

import hashlib
import random
import re
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import Run

pytestmark = pytest.mark.sqlite_only  # archive files

ARTICLES = 120
WORDS = (
    "minister council river harbour budget strike election court museum festival railway "
    "weather farmers school hospital police bridge market energy water union league"
).split()


def _write_articles(folder: Path, count: int = ARTICLES, *, seed: int = 7) -> list[Path]:
    """`count` distinct articles of a few kilobytes each, in their own files."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(1, count + 1):
        paragraphs = [
            " ".join(rng.choice(WORDS) for _ in range(60)).capitalize() + "." for _ in range(8)
        ]
        path = folder / f"story-{i:03}.txt"
        path.write_text(f"Story {i} about the {rng.choice(WORDS)}\n\n" + "\n\n".join(paragraphs))
        paths.append(path)
    return paths


@pytest.fixture
def archive(run: Run, archive_path: Path, tmp_path: Path) -> Path:
    """A whole archive of ARTICLES articles, closed (its WAL folded back in)."""
    result = run("ingest", "--jobs", "0", _write_articles(tmp_path / "news")[0].parent)
    assert result.returncode == 0, result.stderr
    assert not Path(f"{archive_path}-wal").exists()
    return archive_path


def _pages(path: Path, table: str, kind: str = "leaf") -> list[int]:
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = ? ORDER BY pageno",
            (table, kind),
        ).fetchall()
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    assert rows, f"{table} has no {kind} pages"
    return [row[0] * page_size - page_size for row in rows]


def _overwrite(path: Path, offset: int, size: int = 16384) -> None:
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(random.Random(1).randbytes(size))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _error(text: bytes) -> str:
    return text.decode()


def _the_way_out(archive: Path) -> str:
    return (
        "save what can still be read into a new archive with: "
        f"newsarchive --db {archive} db recover NEW.db"
    )


# --- item 9: damage in the middle ------------------------------------------------------


def test_ingest_refuses_to_write_into_an_archive_damaged_in_the_middle(
    run: Run, archive: Path, tmp_path: Path
) -> None:
    raw_pages = _pages(archive, "article_raw")
    _overwrite(archive, raw_pages[len(raw_pages) // 2])
    before = _digest(archive)
    extra = tmp_path / "extra" / "new.txt"
    extra.parent.mkdir()
    extra.write_text("A new story about the harbour\n\nThe harbour opened on Monday.\n")

    result = run("ingest", "--jobs", "0", extra.parent)

    assert result.returncode == 1
    err = _error(result.stderr)
    assert err.startswith(f"Error: the archive {archive} is damaged (")
    assert err.rstrip("\n").endswith(_the_way_out(archive))
    assert err.count("\n") == 1
    assert _digest(archive) == before  # not one byte written


@pytest.mark.parametrize(
    "command",
    [
        ("list",),
        ("search", "harbour"),
        ("show", "60"),
        ("stats",),
        ("db", "info"),
        ("verify",),
        ("export",),
        ("date", "60", "2020-01-02"),
        ("delete", "--yes", "60"),
        ("reparse",),
    ],
)
def test_every_command_that_meets_the_damage_says_so_with_the_way_out(
    run: Run, archive: Path, command: tuple[str, ...]
) -> None:
    # The articles table's root page: every read of an article goes through it.
    (root,) = _pages(archive, "articles", "internal")
    _overwrite(archive, root)

    result = run(*command)

    assert result.returncode == 1, result.stderr
    err = _error(result.stderr)
    assert re.fullmatch(
        rf"Error: the archive {re.escape(str(archive))} is damaged \([^\n]*\), so nothing is "
        rf"written to it; {re.escape(_the_way_out(archive))}\n",
        err.splitlines(keepends=True)[-1],
    ), err
    assert "Traceback" not in err


# --- item 10: cut short, or the header overwritten ----------------------------------


@pytest.mark.parametrize("damage", ["truncated", "header"])
def test_an_archive_cut_short_or_without_its_header_is_called_damaged(
    run: Run, archive: Path, damage: str
) -> None:
    if damage == "truncated":
        with open(archive, "r+b") as handle:
            handle.truncate(archive.stat().st_size // 2 + 1000)  # not whole pages
    else:
        _overwrite(archive, 0, 100)

    result = run("list")

    assert result.returncode == 1
    err = _error(result.stderr)
    assert err.startswith(f"Error: the archive {archive} is damaged (")
    assert err.rstrip("\n").endswith(_the_way_out(archive))
    assert "not an SQLite database" not in err


def test_somebody_elses_file_is_still_not_an_archive(run: Run, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    db.close()
    with open(other, "r+b") as handle:
        handle.truncate(other.stat().st_size - 10)
    result = run("--db", other, "list")
    assert result.returncode == 1
    assert "damaged" not in _error(result.stderr)


# --- item 11: db recover ------------------------------------------------------------


def _recover(run: Run, archive: Path, tmp_path: Path) -> tuple[int, str, Path]:
    saved = tmp_path / "saved.db"
    result = run("--db", archive, "db", "recover", saved)
    return result.returncode, _error(result.stderr), saved


def _verified(run: Run, saved: Path) -> str:
    result = run("--db", saved, "verify")
    assert result.returncode == 0, result.stderr
    return _error(result.stderr)


def test_recover_an_archive_whose_header_was_overwritten_saves_everything(
    run: Run, archive: Path, tmp_path: Path
) -> None:
    _overwrite(archive, 0, 100)
    before = _digest(archive)

    code, err, saved = _recover(run, archive, tmp_path)

    assert code == 0, err
    assert err == (
        f"Saved {ARTICLES} articles to {saved}; lost 0 (its header was rebuilt). "
        f"Check it with: newsarchive --db {saved} verify\n"
    )
    assert _digest(archive) == before  # the damaged file is only read
    assert _verified(run, saved).endswith(f"Checked {ARTICLES} articles: all whole and exact.\n")
    shown = run("--db", saved, "show", "7", "--raw")
    assert shown.stdout == (tmp_path / "news" / "story-007.txt").read_bytes()
    listed = run("--db", saved, "export", "--format", "jsonl")
    assert str(tmp_path / "news" / "story-007.txt") in listed.stdout.decode()


def test_recover_an_archive_damaged_in_the_middle_lists_what_was_lost(
    run: Run, archive: Path, tmp_path: Path
) -> None:
    with sqlite3.connect(archive) as db:
        hashes = dict(db.execute("SELECT id, sha256 FROM articles"))
    db.close()
    raw_pages = _pages(archive, "article_raw")
    _overwrite(archive, raw_pages[len(raw_pages) // 2])
    readable = sqlite3.connect(archive)
    gone = []
    readable.execute("PRAGMA cell_size_check=ON")
    for id_, sha256 in hashes.items():  # bytes SQLite cannot read, or not the stored ones
        try:
            data = readable.execute(
                "SELECT data FROM article_raw WHERE article_id = ?", (id_,)
            ).fetchone()[0]
        except sqlite3.DatabaseError:
            gone.append(id_)
            continue
        if hashlib.sha256(data).hexdigest() != sha256:
            gone.append(id_)
    readable.close()
    assert gone

    code, err, saved = _recover(run, archive, tmp_path)

    assert code == 3, err
    lines = err.splitlines()
    for id_ in gone:
        path = tmp_path / "news" / f"story-{id_:03}.txt"
        headline = path.read_text().splitlines()[0]
        lost = f'lost: #{id_} "{headline}" ({path}): its raw bytes '
        assert any(line.startswith(lost) for line in lines), err
    assert lines[-1] == (
        f"Saved {ARTICLES - len(gone)} articles to {saved}; lost {len(gone)}. "
        f"Check it with: newsarchive --db {saved} verify"
    )
    _verified(run, saved)


@pytest.mark.parametrize("whole_pages", [False, True])
def test_recover_an_archive_cut_short_saves_what_comes_before_the_cut(
    run: Run, archive: Path, tmp_path: Path, whole_pages: bool
) -> None:
    cut = archive.stat().st_size * 2 // 3
    with open(archive, "r+b") as handle:
        handle.truncate(cut - cut % 16384 if whole_pages else cut + 1000)

    code, err, saved = _recover(run, archive, tmp_path)

    assert code == 3, err
    last = err.splitlines()[-1]
    found = re.fullmatch(
        rf"Saved (\d+) articles to {re.escape(str(saved))}; lost (\d+) \(it was cut short\)\. "
        rf"Check it with: newsarchive --db {re.escape(str(saved))} verify",
        last,
    )
    assert found, err
    assert 0 < int(found[1]) < ARTICLES
    assert "lost with the end of the file" in err
    _verified(run, saved)


def test_recover_refuses_a_destination_that_holds_articles(
    run: Run, archive: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.db"
    assert (
        run("--db", other, "ingest", _write_articles(tmp_path / "more", 2, seed=3)[0]).returncode
        == 0
    )
    result = run("--db", archive, "db", "recover", other)
    assert result.returncode == 2
    assert f"{other} already holds 1 article; name a new archive." in _error(result.stderr)


def test_the_installed_command_says_so_in_one_line_and_recovers(
    run_process: Run, archive: Path, tmp_path: Path
) -> None:
    with open(archive, "r+b") as handle:
        handle.truncate(archive.stat().st_size // 2 + 1000)
    listed = run_process("--db", archive, "list")
    assert listed.returncode == 1
    assert listed.stderr.decode().count("\n") == 1
    assert listed.stderr.decode().rstrip("\n").endswith(_the_way_out(archive))
    saved = tmp_path / "saved.db"
    recovered = run_process("--db", archive, "db", "recover", saved)
    assert recovered.returncode == 3, recovered.stderr
    assert run_process("--db", saved, "verify").returncode == 0


# --- news-database exports: put back together, split again --------------------------------

EXPORT = Path(__file__).parent / "export_fixtures" / "lexisnexis_cover.txt"


def _with_an_export(run: Run, archive: Path, tmp_path: Path, fixture: str = EXPORT.name) -> Path:
    """The archive with a news-database export besides its stories, closed."""
    export = tmp_path / "exports" / f"search{Path(fixture).suffix}"
    export.parent.mkdir()
    export.write_bytes((EXPORT.parent / fixture).read_bytes())
    result = run("ingest", "--jobs", "0", export)
    assert result.returncode == 0, result.stderr
    return export


@pytest.mark.parametrize(
    "fixture",
    # Its articles runs of the file's bytes; and a file kept whole beside its articles' text.
    ["lexisnexis_cover.txt", "mediargus_dutch.txt"],
)
def test_recover_puts_an_export_back_together_and_splits_it_again(
    run: Run, archive: Path, tmp_path: Path, fixture: str
) -> None:
    import json

    export = _with_an_export(run, archive, tmp_path, fixture)
    before = json.loads(run("list", "--json").stdout)
    places = sorted(a["place"] for a in before if a["place"])
    assert len(places) >= 2
    _overwrite(archive, 0, 100)

    code, err, saved = _recover(run, archive, tmp_path)

    assert code == 0, err
    total = ARTICLES + len(places)
    assert err.startswith(f"Saved {total} articles to {saved}; lost 0")
    after = json.loads(run("--db", saved, "list", "--json").stdout)
    assert after == before  # ids, places, publications, dates: as the file first gave them
    assert _verified(run, saved).endswith(f"Checked {total} articles: all whole and exact.\n")
    rebuilt = run("--db", saved, "export")
    assert json.loads(rebuilt.stdout.splitlines()[-1])["export_file"] == _digest(export)


def test_recover_saves_an_exports_articles_alone_when_one_of_them_is_lost(
    run: Run, archive: Path, tmp_path: Path
) -> None:
    _with_an_export(run, archive, tmp_path)
    with sqlite3.connect(archive) as db:
        (gone,) = db.execute(
            "SELECT id FROM articles WHERE origin IS NOT NULL ORDER BY id LIMIT 1 OFFSET 1"
        ).fetchone()
        db.execute("PRAGMA foreign_keys=OFF")
        db.execute("DELETE FROM article_raw WHERE article_id = ?", (gone,))
    db.close()
    _overwrite(archive, 0, 100)

    code, err, saved = _recover(run, archive, tmp_path)

    assert code == 3
    assert f"lost: #{gone} " in err and "its raw bytes cannot be read" in err
    assert "saved alone: 2 articles of news-database exports" in err
    assert f"Saved {ARTICLES + 2} articles to {saved}; lost 1" in err
    assert _verified(run, saved).endswith(
        f"Checked {ARTICLES + 2} articles: all whole and exact.\n"
    )


def test_recover_rebuilds_two_exports_that_share_their_articles(
    run: Run, archive: Path, tmp_path: Path
) -> None:
    import json

    first = _with_an_export(run, archive, tmp_path)
    second = first.with_name("again.TXT")  # the same search downloaded again, another cover
    second.write_bytes(first.read_bytes().replace(b"Time of Request:", b"Time of request:", 1))
    assert run("ingest", "--jobs", "0", second).returncode == 0
    before = json.loads(run("list", "--json").stdout)
    _overwrite(archive, 0, 100)

    code, err, saved = _recover(run, archive, tmp_path)

    assert code == 0, err
    assert json.loads(run("--db", saved, "list", "--json").stdout) == before
    assert _verified(run, saved).endswith(
        f"Checked {ARTICLES + 3} articles: all whole and exact.\n"
    )
    lines = run("--db", saved, "export").stdout.splitlines()
    kept = {json.loads(line)["export_file"] for line in lines if b'"export_file"' in line}
    assert kept == {_digest(first), _digest(second)}
