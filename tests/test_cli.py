"""The real `newsarchive` command in a subprocess: exit code, then stdout, then stderr."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from newsarchive.storage import config
from newsarchive.storage.archive import open_archive

from .conftest import FIXTURES, SEEDS, Run

SEED = SEEDS / "000_d4b32e967d5dce44.txt"


@pytest.fixture(autouse=True)
def _on_each_engine(archive_url: str) -> str:
    return archive_url  # every test here, once per engine, but those marked sqlite_only


def _text(data: bytes) -> str:
    return data.decode("utf-8")


@pytest.mark.sqlite_only  # nothing here depends on the engine
def test_help_lists_commands_with_examples(run_process: Run) -> None:
    run = run_process  # the installed entry point, as a user runs it
    result = run("--help")
    assert result.returncode == 0
    out = _text(result.stdout)
    for word in ("ingest", "list", "show", "db", "Examples:", "Exit codes"):
        assert word in out
    for command in ("ingest", "list", "show", "db path"):
        sub = run(*command.split(), "--help")
        assert sub.returncode == 0, command
        assert "Example" in _text(sub.stdout), command


def test_ingest_list_show_on_the_seed(run_process: Run) -> None:
    run = run_process  # the installed entry point, as a user runs it
    first = run("ingest", SEEDS)
    assert first.returncode == 0
    assert first.stdout == b""
    assert _text(first.stderr) == "Read 1 file: added 1, already present 0, refused 0.\n"
    again = run("ingest", SEEDS)
    assert again.returncode == 0
    assert _text(again.stderr) == "Read 1 file: added 0, already present 1, refused 0.\n"

    listed = run("list")
    assert listed.returncode == 0
    assert "Top US, Russia diplomats" in _text(listed.stdout)
    assert _text(listed.stderr) == "1 article\n"

    shown = run("show", "1")
    assert shown.returncode == 0
    out = _text(shown.stdout)
    assert out.index("Top US, Russia") < out.index("US Secretary of State") < out.index("Unity in")
    assert "READ MORE" in out and "485 words" in out and "utf-8" in out


def test_list_json_contract(run: Run) -> None:
    run("ingest", SEEDS, FIXTURES / "url_date_path.txt", FIXTURES / "loose_no_dek.txt")
    result = run("list", "--json")
    assert result.returncode == 0
    rows = json.loads(result.stdout)
    assert [(r["id"], r["published"], r["date_source"]) for r in rows] == [
        (2, "2022-01-21", "url"),
        (1, "2022-01-21", "inferred"),
        (3, None, None),
    ]
    assert (
        rows[1]["headline"]
        == "Top US, Russia diplomats hold last-ditch talks amid Ukraine war fears"
    )
    assert all(isinstance(r["id"], int) for r in rows)


def test_show_json_contract(run: Run) -> None:
    run("ingest", SEED)
    result = run("show", "1", "--json")
    assert result.returncode == 0
    article = json.loads(result.stdout)
    assert article["id"] == 1
    assert article["dek"].startswith("US Secretary of State Blinken")
    assert article["source_url"] is None
    assert (article["published"], article["date_source"]) == ("2022-01-21", "inferred")
    assert article["date_confidence"] == 0.7
    assert article["date_evidence"] == [
        "Friday's talks … just 11 days after their",
        "Unlike the January 10 session",
        "people since 2014",
    ]
    kinds = [b["kind"] for b in article["blocks"]]
    assert (kinds.count("paragraph"), kinds.count("subheading"), kinds.count("read_more")) == (
        14,
        1,
        2,
    )
    assert all(set(b) >= {"kind", "text"} for b in article["blocks"])


def test_show_raw_writes_the_original_bytes(run: Run) -> None:
    run("ingest", FIXTURES, "--pattern", "*.txt")
    listed = json.loads(run("list", "--json").stdout)
    for row in listed:
        shown = json.loads(run("show", str(row["id"]), "--json").stdout)
        raw = run("show", str(row["id"]), "--raw")
        assert raw.returncode == 0
        assert raw.stdout == Path(shown["sources"][0]).read_bytes()


def test_since_and_until_filter_and_count_undated(run: Run) -> None:
    dated = [FIXTURES / "url_date_path.txt", FIXTURES / "url_then_headline_with_timestamp.txt"]
    run("ingest", SEED, *dated, FIXTURES / "loose_no_dek.txt")
    result = run("list", "--since", "2022-01", "--json")
    assert result.returncode == 0
    assert [r["id"] for r in json.loads(result.stdout)] == [2, 1]  # url, then inferred
    assert _text(result.stderr) == "2 articles; 1 undated article left out by the date filter\n"
    result = run("list", "--until", "2017", "--json")
    assert [r["published"] for r in json.loads(result.stdout)] == ["2017-11-07"]
    explicit = json.loads(run("list", "--date-source", "explicit", "--json").stdout)
    assert [r["date_source"] for r in explicit] == ["url", "header"]
    inferred = json.loads(run("list", "--date-source", "inferred", "--json").stdout)
    assert [r["id"] for r in inferred] == [1]


@pytest.mark.sqlite_only  # nothing here depends on the engine
@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("yesterday", "'yesterday' is not a date"),
        ("2022-13", "'2022-13' has no month 13"),
        ("2022/01", "'2022/01' is not a date"),
        ("2023-02-29", "'2023-02-29' is not a day of the calendar"),
    ],
)
def test_bad_date_is_a_usage_error(run: Run, value: str, reason: str) -> None:
    result = run("list", "--since", value)
    assert result.returncode == 2
    err = _text(result.stderr)
    assert f"Invalid value for '--since': {reason}; use YYYY, YYYY-MM, YYYY-MM-DD" in err
    assert "Traceback" not in err


@pytest.mark.sqlite_only  # nothing here depends on the engine
def test_since_after_until_is_a_usage_error(run: Run) -> None:
    result = run("list", "--since", "2023", "--until", "2022")
    assert result.returncode == 2
    assert "--since 2023-01-01 is after --until 2022-12-31; swap them." in _text(result.stderr)


def test_unknown_id_is_one_line_exit_1(run: Run) -> None:
    run("ingest", SEED)
    result = run("show", "99")
    assert result.returncode == 1
    assert result.stdout == b""
    assert _text(result.stderr) == "Error: no article has id 99; 'newsarchive list' shows the ids\n"


def test_reading_before_any_ingest_says_what_to_do(
    run: Run, archive_path: Path, archive_url: str
) -> None:
    result = run("list")
    assert result.returncode == 1
    where = archive_path if archive_url == str(archive_path) else "postgresql://postgres@"
    assert _text(result.stderr).startswith(f"Error: no archive at {where}")
    assert _text(result.stderr).endswith(" yet; add articles with 'newsarchive ingest PATH'\n") or (
        "(the database is empty)" in _text(result.stderr)
    )
    assert not archive_path.exists()
    assert run("list").stderr == result.stderr  # and reading created nothing there either


@pytest.mark.sqlite_only  # nothing here depends on the engine
def test_missing_path_is_a_usage_error(run: Run, tmp_path: Path) -> None:
    result = run("ingest", tmp_path / "nope")
    assert result.returncode == 2
    assert "does not exist" in _text(result.stderr)
    assert "Traceback" not in _text(result.stderr)


def test_refused_files_are_named_and_the_rest_land(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(SEED.read_bytes())
    (folder / "b.bin").write_bytes(b"\x00\x01\x02binary")
    (folder / "c.txt").write_bytes(b"")
    result = run("ingest", folder)
    assert result.returncode == 3
    assert _text(result.stderr).splitlines() == [
        f"refused {folder / 'b.bin'}: binary: contains NUL bytes",
        f"refused {folder / 'c.txt'}: empty file",
        "Read 3 files: added 1, already present 0, refused 2.",
    ]
    assert json.loads(run("list", "--json").stdout)[0]["headline"].startswith("Top US")


@pytest.mark.sqlite_only  # archive files
def test_db_option_env_and_url(run: Run, tmp_path: Path, archive_path: Path) -> None:
    assert _text(run("db", "path").stdout) == f"{archive_path}\n"
    other = tmp_path / "other.db"
    assert _text(run("--db", other, "db", "path").stdout) == f"{other}\n"
    assert _text(run("--db", f"sqlite:///{other}", "db", "path").stdout) == f"{other}\n"
    url = "postgresql://me:secret@localhost/news"
    assert _text(run("--db", url, "db", "path").stdout) == "postgresql://me:***@localhost/news\n"
    assert run("--db", f"sqlite:///{other}", "ingest", SEED).returncode == 0
    assert sqlite3.connect(other).execute("SELECT count(*) FROM articles").fetchone() == (1,)
    assert not archive_path.exists()


@pytest.mark.sqlite_only  # archive files
def test_default_archive_is_in_the_user_data_folder(run: Run, tmp_path: Path) -> None:
    result = run("db", "path", NEWSARCHIVE_DB=None)
    assert result.returncode == 0
    expected = tmp_path / "home" / ".local" / "share" / "newsarchive" / "archive.db"
    assert _text(result.stdout) == f"{expected}\n"


@pytest.mark.sqlite_only  # archive files
def test_an_empty_db_setting_is_an_error_not_the_default(run: Run) -> None:
    for result in (run("db", "path", NEWSARCHIVE_DB=""), run("--db", "", "list")):
        assert result.returncode == 1
        assert _text(result.stderr).startswith("Error: --db (or NEWSARCHIVE_DB) is empty")


@pytest.mark.sqlite_only  # archive files
def test_db_that_is_not_an_archive_is_one_line(run: Run, tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("not a database\n" * 100)
    result = run("--db", notes, "list")
    assert result.returncode == 1
    err = _text(result.stderr)
    assert err == (
        f"Error: cannot open the archive at {notes}: it is not an SQLite database; "
        "choose another file with --db\n"
    )
    assert err.count("\n") == 1


def test_raw_and_json_together_is_a_usage_error(run: Run) -> None:
    run("ingest", SEED)
    result = run("show", "1", "--raw", "--json")
    assert result.returncode == 2
    assert "--raw and --json do not go together" in _text(result.stderr)


def test_hostile_text_reaches_the_terminal_harmlessly(run: Run) -> None:
    run("ingest", FIXTURES / "hostile_markup_and_escapes.txt")
    for args in (("list",), ("show", "1")):
        result = run(*args, FORCE_COLOR="1", TERM="xterm-256color", NO_COLOR="")
        assert result.returncode == 0
        out = _text(result.stdout)
        assert "\x07" not in out and "\x1b]" not in out and "\x1b[2J" not in out
        assert "[bold red]Breaking[/bold red]" in out
        assert "\x1b[31mred" not in out
        assert "␛[31mred" in out
    shown = json.loads(run("show", "1", "--json").stdout)
    assert shown["headline"].startswith("[bold red]Breaking[/bold red] \x1b[31mred")


@pytest.mark.sqlite_only  # nothing here depends on the engine
def test_an_engine_newsarchive_cannot_use_is_one_line(run: Run) -> None:
    result = run("--db", "mysql://u:secret@localhost/x", "list")
    assert result.returncode == 1
    err = _text(result.stderr)
    assert err.startswith("Error: archives on mysql are not supported")
    assert err.count("\n") == 1 and "report" not in err and "secret" not in err


def test_nothing_to_ingest_is_an_error(run: Run, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.md").write_text("A\n\nB.\n")
    result = run("ingest", tmp_path / "in", "--pattern", "*.txt")
    assert result.returncode == 1
    assert _text(result.stderr).splitlines()[-1] == (
        f"Error: no files found in {tmp_path / 'in'} matching --pattern '*.txt'; "
        "check the paths and --pattern"
    )


def test_links_to_folders_are_refused_by_name(run: Run, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "seeds").symlink_to(SEEDS, target_is_directory=True)
    (tmp_path / "in" / "a.txt").write_bytes(SEED.read_bytes())
    result = run("ingest", tmp_path / "in")
    assert result.returncode == 3
    assert _text(result.stderr).splitlines()[0] == (
        f"refused {tmp_path / 'in' / 'seeds'}: a link to a folder: not followed "
        "(links can loop); name it to ingest it"
    )


def test_paths_are_folded_and_newlines_in_names_shown_escaped(run: Run, tmp_path: Path) -> None:
    run("ingest", SEEDS)
    again = run("ingest", f"{SEEDS}/../seeds/")
    assert _text(again.stderr) == "Read 1 file: added 0, already present 1, refused 0.\n"
    odd = tmp_path / "two\nlines.txt"
    odd.write_bytes(b"")
    result = run("ingest", odd)
    assert _text(result.stderr).splitlines()[0] == (
        f"refused {tmp_path}/two\\x0alines.txt: empty file"
    )


@pytest.mark.sqlite_only  # nothing here depends on the engine
def test_an_id_too_large_for_the_archive_is_a_usage_error(run: Run) -> None:
    result = run("show", "99999999999999999999999")
    assert result.returncode == 2
    assert "Traceback" not in _text(result.stderr)


def test_ingest_published_sets_the_date_of_what_it_adds(run: Run) -> None:
    result = run("ingest", SEED, "--published", "2022-01-20")
    assert result.returncode == 0
    article = json.loads(run("show", "1", "--json").stdout)
    assert (article["published"], article["date_source"]) == ("2022-01-20", "cli")
    assert article["date_evidence"] == ["ingest --published 2022-01-20"]
    bad = run("ingest", SEED, "--published", "2022-01")
    assert bad.returncode == 2
    assert "'2022-01' is not one day; use YYYY-MM-DD." in _text(bad.stderr)


def test_redate_finds_dates_again_and_keeps_given_ones(
    run: Run, archive_url: str, tmp_path: Path
) -> None:
    run("ingest", SEED, FIXTURES / "url_date_path.txt")
    run("ingest", FIXTURES / "loose_no_dek.txt", "--published", "2004-12-01")
    archive = open_archive(config.resolve(archive_url, tmp_path), create=False)
    with archive.engine.begin() as connection:  # as an older version's rules left them
        connection.execute(
            text(
                "UPDATE articles SET published = NULL, date_source = NULL, "
                "date_confidence = NULL, date_evidence = '[]' WHERE id = 1"
            )
        )
        connection.execute(text("UPDATE articles SET published = '1999-01-01' WHERE id = 2"))
    archive.close()
    result = run("redate")
    assert result.returncode == 0
    assert _text(result.stderr) == (
        "Checked 3 articles: 1 newly dated, 1 changed, 0 no longer dated, 1 unchanged "
        "(1 dates given by hand kept).\n"
    )
    rows = json.loads(run("list", "--json").stdout)
    assert sorted((r["id"], r["published"]) for r in rows) == [
        (1, "2022-01-21"),
        (2, "2022-01-21"),
        (3, "2004-12-01"),
    ]
    again = run("redate")
    assert "0 newly dated, 0 changed" in _text(again.stderr)


def test_show_gives_the_date_its_badge_and_evidence(run: Run) -> None:
    run("ingest", SEED)
    out = _text(run("show", "1").stdout)
    assert "21 January 2022  inferred  70% sure" in out
    assert "Date reasoned from: “Friday's talks … just 11 days after their”" in out


@pytest.mark.sqlite_only  # nothing here depends on the engine
@pytest.mark.parametrize(
    ("args", "where", "value"),
    [
        (("show", "abc"), "'ID'", "abc"),
        (("diff", "1", "abc"), "'B'", "abc"),
        (("date", "abc", "2022-01-20"), "'ID'", "abc"),
        (("delete", "1", "abc", "--yes"), "'ID...'", "abc"),
        (("export", "--id", "abc"), "'--id'", "abc"),
        (("show", "0"), "'ID'", "0"),
        (("show", "--", "-3"), "'ID'", "-3"),
        (("show", "1.5"), "'ID'", "1.5"),
    ],
)
def test_a_word_given_for_an_article_id_is_named_as_not_one(
    run: Run, args: tuple[str, ...], where: str, value: str
) -> None:
    """Every command that takes an id says the same thing, in the words of an id, not of
    click's integer ranges."""
    run("ingest", SEED)
    result = run(*args)
    assert result.returncode == 2
    last = _text(result.stderr).splitlines()[-1]
    assert last == (
        f"Error: Invalid value for {where}: {value!r} is not an article id; ids are whole "
        "numbers from 1 ('newsarchive list' shows them)."
    )


def test_export_of_an_id_that_does_not_exist_says_so(run: Run, tmp_path: Path) -> None:
    run("ingest", SEED)
    out = tmp_path / "out.jsonl"
    result = run("export", "--id", "1", "--id", "99999", "-o", out)
    assert result.returncode == 1
    assert result.stdout == b""
    assert _text(result.stderr) == (
        "Error: no article has id 99999; nothing was exported; 'newsarchive list' shows the ids\n"
    )
    assert not out.exists()
