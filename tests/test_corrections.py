"""Corrections by hand (`date`, `delete`, and what `ingest --published` says it did not do):
through the CLI, on real archives of both engines; `verify` is clean after each."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from newsarchive import config
from newsarchive.archive import open_archive

from .conftest import FIXTURES, SEEDS, Run

SEED = SEEDS / "000_d4b32e967d5dce44.txt"
URL_DATED = FIXTURES / "url_date_path.txt"  # 2022-01-21, from its URL


@pytest.fixture(autouse=True)
def _on_each_engine(archive_url: str) -> str:
    return archive_url  # every test here, once per engine, but those marked sqlite_only


def _today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


def _json(run: Run, *args: str) -> Any:
    result = run(*args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _listed(run: Run, *args: str) -> list[int]:
    return [row["id"] for row in _json(run, "list", "--all-versions", *args)]


def _verify_clean(run: Run) -> None:
    result = run("verify")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr.decode().endswith("all whole and exact.\n")


def _rows_of(archive_url: str, tmp_path: Path, article_id: int) -> dict[str, int]:
    """How many rows each table holds for an article."""
    archive = open_archive(config.resolve(archive_url, tmp_path), create=False)
    tables = ("article_raw", "article_sources", "article_bands", "article_names", "article_links")
    try:
        with archive.engine.connect() as connection:
            found = {
                table: connection.execute(
                    text(f"SELECT count(*) FROM {table} WHERE article_id = :id"), {"id": article_id}
                ).scalar_one()
                for table in tables
            }
            found["articles"] = connection.execute(
                text("SELECT count(*) FROM articles WHERE id = :id"), {"id": article_id}
            ).scalar_one()
            return found
    finally:
        archive.close()


# -- date ---------------------------------------------------------------------------------


def test_date_sets_the_date_by_hand_and_keeps_the_one_it_replaced(run: Run) -> None:
    assert run("ingest", URL_DATED, SEED).returncode == 0
    result = run("date", "1", "2021-03-04")
    assert result.returncode == 0
    assert result.stdout == b""
    assert result.stderr.decode() == "Article 1 is now dated 2021-03-04; it was 2022-01-21 (url).\n"
    shown = _json(run, "show", "1")
    assert (shown["published"], shown["date_source"], shown["date_confidence"]) == (
        "2021-03-04",
        "cli",
        1.0,
    )
    assert shown["date_evidence"] == [f"set by hand on {_today()}; was 2022-01-21 (url)"]
    # Everything keyed by the date follows: list and search filters, and the order.
    assert _listed(run, "--since", "2021-03", "--until", "2021-03") == [1]
    assert _listed(run, "--since", "2022-01") == [2]
    hits = _json(run, "search", "Blinken OR Geneva", "--since", "2021-03", "--until", "2021-03")
    assert [hit["id"] for hit in hits] == [1]
    assert _listed(run) == [2, 1]
    assert _listed(run, "--date-source", "explicit") == [1]
    _verify_clean(run)
    redate = run("redate")
    assert "(1 dates given by hand kept)" in redate.stderr.decode()
    assert _json(run, "show", "1")["published"] == "2021-03-04"

    # Set again: the history of dates given by hand is kept, newest first.
    assert run("date", "1", "2020-02-29").returncode == 0
    assert _json(run, "show", "1")["date_evidence"] == [
        f"set by hand on {_today()}; was 2021-03-04 (cli)",
        f"set by hand on {_today()}; was 2022-01-21 (url)",
    ]
    shown_text = run("show", "1").stdout.decode()
    assert "29 February 2020  cli" in shown_text
    assert f"Date from: “set by hand on {_today()}; was 2021-03-04 (cli)”" in shown_text


def test_date_of_an_undated_article_and_of_one_given_at_ingest(run: Run) -> None:
    run("ingest", FIXTURES / "loose_no_dek.txt")
    run("ingest", SEED, "--published", "2022-01-20")
    assert run("date", "1", "2004-12-01").returncode == 0
    assert _json(run, "show", "1")["date_evidence"] == [f"set by hand on {_today()}; was undated"]
    assert run("date", "2", "2022-01-21").returncode == 0
    assert _json(run, "show", "2")["date_evidence"] == [
        f"set by hand on {_today()}; was 2022-01-20 (cli)",
        "ingest --published 2022-01-20",
    ]
    _verify_clean(run)


def test_date_clear_leaves_the_article_undated_for_good(run: Run) -> None:
    run("ingest", URL_DATED, SEED)
    result = run("date", "1", "--clear")
    assert result.returncode == 0
    assert result.stderr.decode() == "Article 1 is now undated; it was 2022-01-21 (url).\n"
    shown = _json(run, "show", "1")
    assert (shown["published"], shown["date_source"], shown["date_confidence"]) == (
        None,
        "cli",
        None,
    )
    assert shown["date_evidence"] == [f"cleared by hand on {_today()}; was 2022-01-21 (url)"]
    assert "undated" in run("show", "1").stdout.decode()
    since = run("list", "--since", "2022", "--json")
    assert [row["id"] for row in json.loads(since.stdout)] == [2]
    assert "1 undated article left out" in since.stderr.decode()
    assert _listed(run) == [2, 1]  # undated last
    assert _listed(run, "--date-source", "explicit") == []  # no date: not a stated one
    # The text still says 2022-01-21; the user's word stands against every rule.
    assert "(1 dates given by hand kept)" in run("redate").stderr.decode()
    assert _json(run, "show", "1")["published"] is None
    _verify_clean(run)
    assert run("date", "1", "2022-01-22").returncode == 0
    assert _json(run, "show", "1")["date_evidence"][0] == (
        f"set by hand on {_today()}; was undated"
    )


def test_date_refuses_what_is_not_one_article_and_one_day(run: Run) -> None:
    run("ingest", SEED)
    missing = run("date", "99", "2021-01-01")
    assert missing.returncode == 1
    assert missing.stderr.decode() == (
        "Error: no article has id 99; 'newsarchive list' shows the ids\n"
    )
    assert missing.stderr == run("show", "99").stderr  # as every command says it
    for args, said in (
        (("1",), "give a DATE or --clear"),
        (("1", "2021-01-01", "--clear"), "give a DATE or --clear"),
        (("1", "2021-01"), "'2021-01' is not one day; use YYYY-MM-DD."),
        (("1", "yesterday"), "'yesterday' is not a date"),
    ):
        result = run("date", *args)
        assert result.returncode == 2, args
        assert said in result.stderr.decode(), args
    assert _json(run, "show", "1")["date_source"] == "inferred"  # untouched


# -- ingest --published on files already stored --------------------------------------------


def test_ingest_published_says_what_it_did_not_date(run: Run, tmp_path: Path) -> None:
    run("ingest", SEED)
    copy = tmp_path / "copy" / "same-as-seed.txt"
    copy.parent.mkdir()
    copy.write_bytes(SEED.read_bytes())
    result = run("ingest", SEED, copy, URL_DATED, "--published", "2020-05-05")
    assert result.returncode == 0
    assert result.stderr.decode().splitlines() == [
        "Read 3 files: added 1, already present 2 (1 under new paths), refused 0.",
        "2 files were already stored: --published changed nothing for them; set a date "
        "with 'newsarchive date ID DATE'.",
    ]
    assert _json(run, "show", "1")["date_source"] == "inferred"
    assert _json(run, "show", "2")["published"] == "2020-05-05"
    # Two copies of one new file: both are this run's, dated by it; nothing to say.
    twin = tmp_path / "copy" / "twin.txt"
    twin.write_bytes((FIXTURES / "loose_no_dek.txt").read_bytes())
    again = run("ingest", FIXTURES / "loose_no_dek.txt", twin, "--published", "2020-05-06")
    assert again.stderr.decode().splitlines() == [
        "Read 2 files: added 1, already present 1 (1 under new paths), refused 0."
    ]
    one = run("ingest", URL_DATED, "--published", "2020-05-07")
    assert one.stderr.decode().splitlines()[-1] == (
        "1 file was already stored: --published changed nothing for it; set a date with "
        "'newsarchive date ID DATE'."
    )
    assert "already stored" not in run("ingest", URL_DATED).stderr.decode()  # no --published


def test_a_file_seen_twice_in_one_run_across_batches_is_this_runs(
    archive_url: str, tmp_path: Path
) -> None:
    from newsarchive.ingest import Ingester

    copy = tmp_path / "z-copy.txt"
    copy.write_bytes(SEED.read_bytes())
    archive = open_archive(config.resolve(archive_url, tmp_path), create=True)
    try:
        report = Ingester(archive, batch_size=1, jobs=0, published=dt.date(2020, 1, 1)).run(
            [SEED, copy]
        )
    finally:
        archive.close()
    assert (report.added, report.already_present, report.stored_before) == (1, 1, 0)


@pytest.mark.sqlite_only  # the command list is the same on every engine
def test_help_of_date_and_delete_has_examples(run: Run) -> None:
    for command in ("date",):
        result = run(command, "--help")
        assert result.returncode == 0
        assert "Example" in result.stdout.decode()
