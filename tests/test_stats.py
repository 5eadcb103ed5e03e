"""`newsarchive stats` and `db info` on real archives (both engines): exact counts in JSON,
the month chart, the busiest and emptiest months, duplicates, an empty archive, and archive
text shown literally."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import text

from newsarchive.model.models import (
    ArchiveStats,
    Emptiest,
    FolderCount,
    LastIngest,
    MonthCount,
)
from newsarchive.ops.stats import busiest, emptiest
from newsarchive.storage import config
from newsarchive.storage.archive import open_archive
from newsarchive.storage.migrate import HEAD_REVISION
from newsarchive.ui.overview import stats_view

from .conftest import Run


@pytest.fixture(autouse=True)
def _on_each_engine(archive_url: str) -> str:
    return archive_url  # every test here, once per engine, but those marked sqlite_only


WORDS = "harbour council storm road library market bridge school river vote".split()


def _body(seed: int) -> str:
    """Sixty words no other seed repeats in the same order: articles not versions of
    each other (their 5-shingles barely overlap)."""
    rng = random.Random(seed)
    return " ".join(f"{rng.choice(WORDS)}{rng.randint(0, 999)}" for _ in range(60)) + "."


def _article(headline: str, published: str | None, seed: int, extra: str = "") -> str:
    date = f"Published On {published}\n\n" if published else ""
    return f"{headline}\n\n{date}{_body(seed)}\n\n{extra}\n"


def _write(path: Path, content: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode(encoding))
    return path


def _corpus(root: Path) -> tuple[Path, Path]:
    """Two folders to ingest in two runs: `in` (six articles, one of them an older version
    of another, one undated, one cp1252, plus a byte-identical copy) and `later` (two)."""
    first = root / "in"
    _write(first / "a" / "one.txt", _article("Council votes on the harbour", "10 Jan 2022", 1))
    _write(first / "a" / "two.txt", _article("Storm closes the coast road", "20 Jan 2022", 2))
    _write(
        first / "a" / "three.txt",
        _article("Café owners welcome new rules", "25 Jan 2022", 3),
        encoding="cp1252",
    )
    _write(first / "b" / "four.txt", _article("School opens a library", "5 Mar 2022", 4))
    correction = "Correction: the library opens on Monday, not Sunday as first reported."
    _write(
        first / "b" / "four-updated.txt",
        _article("School opens a library", "6 Mar 2022", 4, correction),
    )
    _write(first / "b" / "undated.txt", _article("Notes from the market", None, 5))
    (first / "copy.txt").write_bytes((first / "a" / "one.txt").read_bytes())
    later = root / "later"
    _write(later / "bridge.txt", _article("Bridge repairs start", None, 6))
    _write(later / "river.txt", _article("River levels fall", None, 7))
    return first, later


def _ingest_corpus(run: Run, root: Path) -> tuple[Path, Path]:
    first, later = _corpus(root)
    assert run("ingest", first).returncode == 0
    assert run("ingest", later, "--published", "2022-04-15").returncode == 0
    return first, later


def _stats(run: Run) -> dict[str, object]:
    result = run("stats", "--json")
    assert result.returncode == 0
    assert result.stderr == b""
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


def test_stats_json_counts_exactly(run: Run, archive_url: str, tmp_path: Path) -> None:
    first, later = _ingest_corpus(run, tmp_path)
    data = _stats(run)
    size = data.pop("size_bytes")
    last = data.pop("last_ingest")
    assert data == {
        "articles": 8,
        "older_versions": 1,  # four.txt: four-updated.txt is its story's newest
        "stories": 7,
        "source_paths": 9,
        "duplicate_paths": 1,  # copy.txt, byte for byte one.txt
        "dated": 7,
        "undated": 1,
        "dated_by": {"header": 5, "cli": 2},
        "first_published": "2022-01-10",
        "last_published": "2022-04-15",
        "months": [
            {"month": "2022-01", "articles": 3},
            {"month": "2022-03", "articles": 2},
            {"month": "2022-04", "articles": 2},
        ],
        "busiest": {"month": "2022-01", "articles": 3},
        "emptiest": {"articles": 0, "months": ["2022-02"]},
        "encodings": {"utf-8": 7, "cp1252": 1},
        "publications": {},  # articles files name no publication; exports do
        "with_publication": 0,
        "top_folders": [  # a tie goes by name
            {"folder": str(first / "a"), "paths": 3},
            {"folder": str(first / "b"), "paths": 3},
            {"folder": str(later), "paths": 2},
            {"folder": str(first), "paths": 1},
        ],
    }
    # The last ingest is the second run, with the time every article it added carries.
    assert isinstance(last, dict)
    added = {json.loads(run("show", str(i), "--json").stdout)["ingested_at"] for i in (7, 8)}
    first_run = json.loads(run("show", "1", "--json").stdout)["ingested_at"]
    assert last["articles"] == 2
    assert added == {last["at"]} != {first_run}
    assert dt.datetime.fromisoformat(last["at"]).utcoffset() == dt.timedelta(0)
    # In UTC whatever the time zone of the database session (PostgreSQL's follows PGTZ).
    elsewhere = json.loads(run("stats", "--json", PGTZ="America/New_York").stdout)
    assert elsewhere["last_ingest"] == last
    shown = json.loads(run("show", "7", "--json", PGTZ="America/New_York").stdout)
    assert shown["ingested_at"] == last["at"]
    assert isinstance(size, int)
    if archive_url.startswith("postgresql"):
        assert size > 100_000  # eight tables and their indexes, at least a page each
    else:
        wal = Path(f"{archive_url}-wal")
        assert size == os.path.getsize(archive_url) + (wal.stat().st_size if wal.exists() else 0)


def test_stats_shows_counts_and_a_bar_a_month(run: Run, tmp_path: Path) -> None:
    _ingest_corpus(run, tmp_path)
    result = run("stats", COLUMNS="80")
    assert result.returncode == 0
    assert result.stderr == b""
    lines = [line.rstrip() for line in result.stdout.decode().splitlines()]
    assert lines[:5] == [
        "Articles      8  7 stories, 1 older version",
        "Source paths  9  1 of them byte-identical duplicates",
        "Dated         7  header 5 · cli 2",
        "Undated       1",
        "Encodings        utf-8 7 · cp1252 1",
    ]
    assert lines[5].startswith("Size on disk     ") and lines[5].endswith(" KiB")
    assert lines[6].startswith("Last ingest      20") and lines[6].endswith(
        " UTC, 2 articles added"
    )
    chart = lines.index("Articles per month, 2022-01 to 2022-04")
    rows = lines[chart + 1 : chart + 5]
    assert [row[:10] for row in rows] == ["2022-01 3 ", "2022-02 0", "2022-03 2 ", "2022-04 2 "]
    bars = [row[10:] for row in rows]
    # Scaled to the width: the busiest month's bar ends at the last column.
    assert bars[0] == "█" * 70 and len(rows[0]) == 80
    assert bars[1] == ""
    assert bars[2] == bars[3] == "█" * 46 + "▋"  # 2/3 of 70 cells, to an eighth
    assert lines[chart + 5 : chart + 7] == [
        "Busiest month: 2022-01 (3 articles)",
        "Emptiest: 1 month with none: 2022-02",
    ]
    # Paths as long as pytest's (xdist adds popen-gwN/) fit on a line of 300 columns.
    wide = [line.rstrip() for line in run("stats", COLUMNS="300").stdout.decode().splitlines()]
    folders = wide.index("Top folders, by source paths")
    assert wide[folders + 1 : folders + 5] == [
        f"3  {tmp_path / 'in' / 'a'}",
        f"3  {tmp_path / 'in' / 'b'}",
        f"2  {tmp_path / 'later'}",
        f"1  {tmp_path / 'in'}",
    ]
    narrow = run("stats", COLUMNS="50").stdout.decode().splitlines()
    assert narrow[narrow.index("Articles per month, 2022-01 to 2022-04") + 1] == "2022-01 3 " + (
        "█" * 40
    )


def test_an_empty_archive_has_stats_not_an_error(run: Run, tmp_path: Path) -> None:
    _write(tmp_path / "empty.txt", "")
    assert run("ingest", tmp_path / "empty.txt").returncode == 3  # refused; archive made
    data = _stats(run)
    assert data["articles"] == data["source_paths"] == data["duplicate_paths"] == 0
    assert (data["months"], data["busiest"], data["emptiest"]) == ([], None, None)
    assert (data["dated_by"], data["encodings"], data["top_folders"]) == ({}, {}, [])
    assert data["last_ingest"] is None and data["first_published"] is None
    result = run("stats")
    assert result.returncode == 0
    out = result.stdout.decode()
    assert out.splitlines()[0].rstrip() == "Articles      0  0 stories, 0 older versions"
    assert out.rstrip().endswith("No articles yet; add some with 'newsarchive ingest PATH'.")
    assert "Busiest" not in out and "Last ingest" not in out


def test_no_archive_at_all_is_the_usual_error(run: Run) -> None:
    result = run("stats")
    assert result.returncode == 1
    assert result.stderr.decode().startswith("Error: no archive at ")


def test_one_month_is_the_busiest_and_not_also_the_emptiest(run: Run, tmp_path: Path) -> None:
    _write(tmp_path / "in" / "a.txt", _article("Council votes on the harbour", "10 Jan 2022", 1))
    run("ingest", tmp_path / "in")
    lines = [line.rstrip() for line in run("stats", COLUMNS="40").stdout.decode().splitlines()]
    chart = lines.index("Articles per month, 2022-01")
    assert lines[chart + 1 : chart + 4] == [
        "2022-01 1 " + "█" * 30,
        "Busiest month: 2022-01 (1 article)",
        "",
    ]
    assert _stats(run)["emptiest"] == {"articles": 1, "months": ["2022-01"]}


def test_an_undated_archive_says_there_is_no_chart(run: Run, tmp_path: Path) -> None:
    _write(tmp_path / "in" / "x.txt", _article("Notes from the market", None, 5))
    run("ingest", tmp_path / "in")
    out = run("stats").stdout.decode()
    assert "No dated articles: no chart of articles per month." in out
    assert "Busiest" not in out and "█" not in out


def test_markup_in_a_folder_name_is_shown_literally(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "[bold red]loud[/bold red]" / "[link=http://x.example]here"
    _write(folder / "a.txt", _article("Council votes on the harbour", "10 Jan 2022", 1))
    run("ingest", tmp_path / "[bold red]loud[/bold red]")
    for env in ({}, {"FORCE_COLOR": "1", "TERM": "xterm-256color", "NO_COLOR": ""}):
        result = run("stats", COLUMNS="200", **env)
        assert result.returncode == 0
        out = result.stdout.decode()
        assert f"{folder}" in out
        assert "\x1b]8;" not in out  # no hyperlink made of it
    assert _stats(run)["top_folders"] == [{"folder": str(folder), "paths": 1}]


def test_a_long_span_is_charted_by_year_the_most_recent_forty(run: Run, tmp_path: Path) -> None:
    _write(tmp_path / "in" / "old.txt", _article("A very old report", "3 Feb 1901", 1))
    _write(tmp_path / "in" / "new.txt", _article("A new report", "10 Jan 2022", 2))
    _write(tmp_path / "in" / "new2.txt", _article("Another new report", "11 Jan 2022", 3))
    run("ingest", tmp_path / "in")
    lines = [line.rstrip() for line in run("stats", COLUMNS="80").stdout.decode().splitlines()]
    chart = lines.index("Articles per year, 1901-02 to 2022-01 (1,452 months; --json has each)")
    rows = lines[chart + 1 : chart + 41]
    assert [row[:4] for row in rows] == [str(year) for year in range(1983, 2023)]
    assert rows[-1] == "2022 2 " + "█" * 73
    assert all(row == f"{row[:4]} 0" for row in rows[:-1])
    assert lines[chart + 41 : chart + 44] == [
        "Not shown: 1 article in the 82 years before 1983.",
        "Busiest month: 2022-01 (2 articles)",
        "Emptiest: 1,450 months with none: 1901-03 to 2021-12",
    ]
    data = _stats(run)
    emptiest = data["emptiest"]
    assert isinstance(emptiest, dict) and len(emptiest["months"]) == 1450


def test_db_info_says_where_and_what_state(run: Run, archive_url: str, tmp_path: Path) -> None:
    _write(tmp_path / "in" / "a.txt", _article("Council votes on the harbour", "10 Jan 2022", 1))
    _write(tmp_path / "in" / "b.txt", _article("Storm closes the coast road", "20 Jan 2022", 2))
    run("ingest", tmp_path / "in")
    result = run("db", "info", "--json")
    assert result.returncode == 0
    info = json.loads(result.stdout)
    postgres = archive_url.startswith("postgresql")
    assert info.pop("size_bytes") > 0
    server = info.pop("server_version")
    assert info == {
        "engine": "postgresql" if postgres else "sqlite",
        "location": config.resolve(archive_url, tmp_path).describe(),
        "schema_revision": HEAD_REVISION,
        "schema_current": True,
        "articles": 2,
        "ungrouped": 0,
        "to_reparse": 0,
        "journal_mode": None if postgres else "wal",
        "page_size": None if postgres else 16384,
    }
    assert (server is not None and server[:2].isdigit()) if postgres else server is None
    shown = run("db", "info").stdout.decode()
    assert "not needed: every article was read by this version" in shown
    assert ("Server version" in shown) == postgres and ("Journal mode  wal" in shown) != postgres

    archive = open_archive(config.resolve(archive_url, tmp_path), create=False)
    with archive.engine.begin() as connection:  # as an archive from before versions
        connection.execute(text("UPDATE articles SET fingerprint = NULL WHERE id = 1"))
    archive.close()
    info = json.loads(run("db", "info", "--json").stdout)
    assert (info["ungrouped"], info["to_reparse"]) == (1, 1)
    shown = " ".join(run("db", "info", COLUMNS="200").stdout.decode().split())
    assert (
        "Reparse 1 article to read again (1 not yet grouped into versions): run "
        "'newsarchive reparse'" in shown
    )


@pytest.mark.sqlite_only  # nothing here depends on the engine
@pytest.mark.parametrize("command", ["stats", "db info", "db"])
def test_help_has_examples(run: Run, command: str) -> None:
    result = run(*command.split(), "--help")
    assert result.returncode == 0
    assert "Examples:" in result.stdout.decode()


@pytest.mark.sqlite_only  # pure
def test_busiest_and_emptiest_of_ties() -> None:
    months = [MonthCount(month=m, articles=n) for m, n in [("2021-11", 2), ("2022-02", 2)]]
    assert busiest(months) == months[1]  # the most recent of a tie
    assert emptiest(months) == Emptiest(articles=0, months=("2021-12", "2022-01"))
    full = [MonthCount(month=m, articles=n) for m, n in [("2021-12", 4), ("2022-01", 1)]]
    assert emptiest(full) == Emptiest(articles=1, months=("2022-01",))
    assert busiest([]) is None and emptiest([]) is None


@pytest.mark.sqlite_only  # pure
def test_stats_view_golden() -> None:
    stats = ArchiveStats(
        articles=5,
        older_versions=1,
        stories=4,
        source_paths=6,
        duplicate_paths=1,
        dated=4,
        undated=1,
        dated_by={"header": 3, "[b]x[/b]": 1},
        first_published=dt.date(2022, 1, 3),
        last_published=dt.date(2022, 3, 9),
        months=(
            MonthCount(month="2022-01", articles=3),
            MonthCount(month="2022-03", articles=1),
        ),
        busiest=MonthCount(month="2022-01", articles=3),
        emptiest=Emptiest(articles=0, months=("2022-02",)),
        encodings={"utf-8": 5},
        top_folders=(FolderCount(folder="/news/[red]2022[/red]", paths=6),),
        size_bytes=1536,
        last_ingest=LastIngest(at=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC), articles=5),
    )
    console = Console(file=io.StringIO(), width=40, color_system=None)
    console.print(stats_view(stats))
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert [line.rstrip() for line in output.splitlines()] == [
        "Articles      5  4 stories, 1 older",
        "                 version",
        "Source paths  6  1 of them",
        "                 byte-identical",
        "                 duplicates",
        "Dated         4  header 3 · [b]x[/b] 1",
        "Undated       1",
        "Encodings        utf-8 5",
        "Size on disk     1.5 KiB",
        "Last ingest      2026-01-02 03:04:05",
        "                 UTC, 5 articles added",
        "",
        "Articles per month, 2022-01 to 2022-03",
        "2022-01 3 ██████████████████████████████",
        "2022-02 0",
        "2022-03 1 ██████████",
        "Busiest month: 2022-01 (3 articles)",
        "Emptiest: 1 month with none: 2022-02",
        "",
        "Top folders, by source paths",
        "6  /news/[red]2022[/red]",
    ]
