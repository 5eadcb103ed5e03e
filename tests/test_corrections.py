"""Corrections by hand (`date`, `delete`, and what `ingest --published` says it did not do):
through the CLI, on real archives of both engines; `verify` is clean after each."""

from __future__ import annotations

import datetime as dt
import json
import os
import pty
import random
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from newsarchive.storage import config
from newsarchive.storage.archive import open_archive

from .conftest import FIXTURES, SEEDS, TEST_ENV, Run, newsarchive_executable
from .test_versions import _paragraph, _story, _text, _write

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


def _families(archive_url: str, tmp_path: Path) -> dict[int, int]:
    archive = open_archive(config.resolve(archive_url, tmp_path), create=False)
    try:
        with archive.engine.connect() as connection:
            rows = connection.execute(text("SELECT id, family_id FROM articles"))
            return {id_: family for id_, family in rows}
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


@pytest.mark.parametrize("span", ["30d", "2w", "6m", "1y"])
def test_date_and_ingest_published_refuse_a_span(run: Run, span: str) -> None:
    """A span names a day back from today for --since; a publication date given by hand
    is a day the user names (YYYY-MM-DD), not one that moves with the clock."""
    run("ingest", SEED)
    said = f"{span!r} is a span back from today, not a date; use YYYY-MM-DD."
    result = run("date", "1", span)
    assert result.returncode == 2
    assert result.stderr.decode().splitlines()[-1] == (f"Error: Invalid value for '[DATE]': {said}")
    result = run("ingest", URL_DATED, "--published", span)
    assert result.returncode == 2
    assert result.stderr.decode().splitlines()[-1] == (
        f"Error: Invalid value for '--published': {said}"
    )
    assert _json(run, "show", "1")["date_source"] == "inferred"  # untouched
    assert len(_json(run, "list")) == 1  # nothing ingested


def test_a_date_after_today_needs_future(run: Run) -> None:
    run("ingest", SEED)
    tomorrow = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=2)).isoformat()
    for args, where in (
        (("date", "1", "2099-01-01"), "'[DATE]'"),
        (("date", "1", tomorrow), "'[DATE]'"),
        (("ingest", URL_DATED, "--published", "2099-01-01"), "'--published'"),
    ):
        result = run(*args)
        assert result.returncode == 2, args
        assert result.stderr.decode().splitlines()[-1] == (
            f"Error: Invalid value for {where}: {args[-1]} is after today; "
            "add --future if it is meant."
        ), args
    assert _json(run, "show", "1")["date_source"] == "inferred"  # untouched
    assert len(_json(run, "list")) == 1
    assert run("date", "1", "2099-01-01", "--future").returncode == 0
    assert _json(run, "show", "1")["published"] == "2099-01-01"
    result = run("ingest", URL_DATED, "--published", "2099-01-02", "--future")
    assert result.returncode == 0, result.stderr
    assert _json(run, "show", "2")["published"] == "2099-01-02"
    assert run("date", "1", _today()).returncode == 0  # today is not after today


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
    from newsarchive.ops.ingest import Ingester

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


# -- delete -------------------------------------------------------------------------------


def _story_set(tmp_path: Path) -> dict[str, Path]:
    """A story in three versions, a story alone, and an article linking to each story."""
    headline, body = _story(11)
    alone_headline, alone_body = _story(12)
    return _write(
        tmp_path / "in",
        {
            "a-original.txt": _text(headline, body),
            "b-added.txt": _text(headline, body, _paragraph(random.Random(13))),
            "c-retitled.txt": _text("Quite another headline for it", body),
            "d-alone.txt": _text(alone_headline, alone_body),
            "e-linking.txt": _text(
                "Catching up on the week",
                [_paragraph(random.Random(14))],
                f"READ MORE: {headline}",
                f"READ MORE: {alone_headline}",
            ),
        },
    )


def _ids(run: Run) -> dict[str, int]:
    return {Path(r["source"]).name: r["id"] for r in _json(run, "list", "--all-versions")}


def _targets(run: Run, article_id: int) -> list[int | None]:
    shown = _json(run, "show", str(article_id))
    return [b["target"] for b in shown["blocks"] if b["kind"] == "read_more"]


def test_delete_one_version_of_three_and_an_article_others_link_to(
    run: Run, tmp_path: Path, archive_url: str
) -> None:
    files = _story_set(tmp_path)
    assert run("ingest", tmp_path / "in").returncode == 0
    ids = _ids(run)
    a, b, c = ids["a-original.txt"], ids["b-added.txt"], ids["c-retitled.txt"]
    alone, linking = ids["d-alone.txt"], ids["e-linking.txt"]
    assert {v["id"] for v in _json(run, "show", str(a))["versions"]} == {b, c}
    assert _targets(run, linking) == [c, alone]  # a story is reached at its newest
    _verify_clean(run)

    result = run("delete", str(c), str(alone), "--yes")
    assert result.returncode == 0, result.stderr
    assert result.stdout == b""
    assert result.stderr.decode() == (
        f"Deleted 2 articles (#{c}, #{alone}); their 2 other versions were grouped again.\n"
    )
    assert sorted(_listed(run)) == sorted([a, b, linking])
    for gone in (c, alone):
        shown = run("show", str(gone))
        assert shown.returncode == 1
        assert f"no article has id {gone}" in shown.stderr.decode()
        assert run("show", str(gone), "--raw").returncode == 1
        assert set(_rows_of(archive_url, tmp_path, gone).values()) == {0}
    assert [h["id"] for h in _json(run, "search", "Quite another headline")] == []
    alone_words = files["d-alone.txt"].read_text().split("\n")[0]
    # Only the article whose READ MORE line names it still has those words (migration 0011).
    found = _json(run, "search", f'"{alone_words}"', "--all-versions")
    assert [h["id"] for h in found] == [linking]
    # The story keeps its two other versions; links lead to what is left, or nowhere.
    assert {v["id"] for v in _json(run, "show", str(a))["versions"]} == {b}
    story = [row for row in _json(run, "list") if row["id"] in (a, b)]
    assert [row["versions"] for row in story] == [2]
    assert _targets(run, linking) == [b, None]
    assert _json(run, "show", str(b))["linked_from"] == [linking]
    _verify_clean(run)

    # Ingesting a deleted file again stores it again, and it is found again.
    again = run("ingest", files["c-retitled.txt"], files["d-alone.txt"])
    assert again.returncode == 0
    assert again.stderr.decode() == "Read 2 files: added 2, already present 0, refused 0.\n"
    ids = _ids(run)
    assert {v["id"] for v in _json(run, "show", str(a))["versions"]} == {
        b,
        ids["c-retitled.txt"],
    }
    assert _targets(run, linking)[1] == ids["d-alone.txt"]
    _verify_clean(run)


def test_delete_the_article_that_bridged_a_family_splits_it(
    run: Run, tmp_path: Path, archive_url: str
) -> None:
    # x and z are each near y, not near each other: one family through y.
    rng = random.Random(21)
    body = [_paragraph(rng) for _ in range(8)]
    x_new, z_new = [_paragraph(rng) for _ in range(2)], [_paragraph(rng) for _ in range(2)]
    _write(
        tmp_path / "in",
        {
            "x.txt": _text("Harbour plan", body[:6] + x_new),
            "y.txt": _text("Harbour plan", body),
            "z.txt": _text("Harbour plan", body[2:] + z_new),
        },
    )
    assert run("ingest", tmp_path / "in").returncode == 0
    ids = _ids(run)
    x, y, z = ids["x.txt"], ids["y.txt"], ids["z.txt"]
    families = _families(archive_url, tmp_path)
    assert families[x] == families[y] == families[z]
    _verify_clean(run)
    assert run("delete", str(y), "--yes").returncode == 0
    families = _families(archive_url, tmp_path)
    assert (families[x], families[z]) == (x, z)
    assert _json(run, "show", str(x))["versions"] == []
    assert _json(run, "show", str(z))["versions"] == []
    _verify_clean(run)


def test_the_id_of_a_deleted_article_is_never_given_again(run: Run) -> None:
    run("ingest", SEED, URL_DATED, FIXTURES / "loose_no_dek.txt")
    assert run("delete", "3", "--yes").returncode == 0  # the newest
    run("ingest", FIXTURES / "loose_no_dek.txt")
    assert sorted(_listed(run)) == [1, 2, 4]
    assert run("delete", "2", "4", "--yes").returncode == 0
    run("ingest", URL_DATED)
    assert sorted(_listed(run)) == [1, 5]
    assert run("show", "4").returncode == 1
    _verify_clean(run)


def test_delete_refuses_unknown_ids_and_deletes_nothing(run: Run) -> None:
    run("ingest", SEED, URL_DATED)
    result = run("delete", "1", "98", "99", "--yes")
    assert result.returncode == 1
    assert result.stderr.decode() == (
        "Error: no article has ids 98, 99; nothing was deleted; 'newsarchive list' shows the ids\n"
    )
    assert _listed(run) == [2, 1]
    one = run("delete", "7", "--yes")
    assert one.stderr.decode() == (
        "Error: no article has id 7; nothing was deleted; 'newsarchive list' shows the ids\n"
    )


def test_delete_off_a_terminal_needs_yes(run: Run) -> None:
    run("ingest", SEED)
    result = run("delete", "1")
    assert result.returncode == 1
    assert result.stderr.decode() == (
        "Error: not on a terminal, so not asking: pass --yes to delete without asking\n"
    )
    assert _listed(run) == [1]
    usage = run("delete")
    assert usage.returncode == 2


def _on_a_terminal(*args: str, answer: str) -> subprocess.CompletedProcess[bytes]:
    """Run the installed command with a terminal as its stdin, answering its question."""
    leader, follower = pty.openpty()
    try:
        os.write(leader, answer.encode() + b"\n")
        return subprocess.run(
            [newsarchive_executable(), *args],
            stdin=follower,
            capture_output=True,
            env={**os.environ, **TEST_ENV},
            timeout=120,
            check=False,
        )
    finally:
        os.close(follower)
        os.close(leader)


def test_delete_on_a_terminal_lists_the_headlines_and_asks(run: Run) -> None:
    run("ingest", SEED, URL_DATED)
    headline = _json(run, "show", "1")["headline"]
    declined = _on_a_terminal("delete", "1", answer="n")
    assert declined.returncode == 1
    assert declined.stderr.decode().splitlines() == [
        f"  #1  {headline}",
        "Delete this article? [y/N]: Nothing was deleted.",  # the answer echoes on the tty
    ]
    assert sorted(_listed(run)) == [1, 2]
    accepted = _on_a_terminal("delete", "1", answer="y")
    assert accepted.returncode == 0, accepted.stderr
    assert accepted.stderr.decode().splitlines()[-1] == (
        "Delete this article? [y/N]: Deleted 1 article (#1)."
    )
    assert _listed(run) == [2]
    _verify_clean(run)


@pytest.mark.sqlite_only  # the command list is the same on every engine
def test_help_of_date_and_delete_has_examples(run: Run) -> None:
    for command in ("date", "delete"):
        result = run(command, "--help")
        assert result.returncode == 0
        assert "Example" in result.stdout.decode()
