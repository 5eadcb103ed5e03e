"""`newsarchive reparse`: an archive read by an older parser catches up, exactly and resumably.

"Older parser" is made the way an upgrade leaves it: rows whose columns hold what a previous
version stored, marked `parser_version = 1` (what migration 0003 gives existing rows).
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import Engine, text

from newsarchive.cli import cli
from newsarchive.storage import config
from newsarchive.storage.archive import open_archive
from newsarchive.text.parser import PARSER_VERSION

from .conftest import FIXTURES, SEEDS, Run, newsarchive_executable

BYLINED = FIXTURES / "marker_header_lines.txt"


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@contextmanager
def _engine(url: str) -> Iterator[Engine]:
    archive = open_archive(config.resolve(url, Path.cwd()), create=False)
    try:
        yield archive.engine
    finally:
        archive.close()


def _age(url: str, where: str = "1 = 1") -> None:
    """Make rows look as a previous parser stored them: no metadata lines, no byline, the
    URL line's text gone from the index."""
    with _engine(url) as engine, engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE articles SET parser_version = 1, meta = '[]', byline = NULL, "
                f"dateline = NULL WHERE {where}"
            )
        )


def _rows(url: str) -> list[tuple[object, ...]]:
    with _engine(url) as engine, engine.connect() as connection:
        query = "SELECT id, byline, meta, dateline, parser_version FROM articles ORDER BY id"
        return [tuple(row) for row in connection.execute(text(query))]


def test_dry_run_counts_and_shows_changes_and_writes_nothing(archive_url: str) -> None:
    assert _invoke("ingest", str(SEEDS), str(BYLINED))[0] == 0
    fresh = _rows(archive_url)
    _age(archive_url)
    aged = _rows(archive_url)
    code, out, err = _invoke("reparse", "--dry-run")
    assert (code, out) == (0, "")
    assert "Read 2 of 2 articles again: 1 would change, 1 unchanged." in err
    assert "Fields that would change: byline 1, dateline 1, meta 1." in err
    assert "  #2 byline: null -> Jane Doe" in err
    assert "  #2 meta: none -> 1 byline, 1 date, 1 url" in err
    assert "Nothing was written" in err
    assert _rows(archive_url) == aged != fresh


def test_reparse_brings_rows_up_to_date_and_verify_passes(archive_url: str) -> None:
    assert _invoke("ingest", str(SEEDS), str(BYLINED))[0] == 0
    fresh = _rows(archive_url)
    _age(archive_url)
    code, _, err = _invoke("search", "Doe")
    assert code == 0 and "0 matches" in err  # the aged byline is not in the index
    code, _, err = _invoke("reparse")
    assert code == 0
    assert "Read 2 of 2 articles again: 1 changed, 1 unchanged." in err
    assert _rows(archive_url) == fresh
    assert all(row[-1] == PARSER_VERSION for row in _rows(archive_url))
    code, _, err = _invoke("verify")
    assert (code, err) == (0, "Checked 2 articles: all whole and exact.\n")
    code, out, _ = _invoke("search", "Doe", "--json")
    assert [hit["id"] for hit in json.loads(out)] == [2]
    code, _, err = _invoke("reparse")
    assert err == "Every article was read by this version's parser; nothing to do.\n"


def test_verify_leaves_rows_of_an_older_parser_to_reparse(archive_url: str) -> None:
    assert _invoke("ingest", str(BYLINED))[0] == 0
    _age(archive_url)
    code, _, err = _invoke("verify")
    assert code == 0
    assert err == (
        "1 article was read by an older parser: its bytes were checked, its fields "
        "not; 'newsarchive reparse' reads it again.\n"
        "Checked 1 article: all whole and exact.\n"
    )


def test_dates_given_with_published_are_kept(archive_url: str) -> None:
    assert _invoke("ingest", str(BYLINED), "--published", "2001-02-03")[0] == 0
    _age(archive_url)
    code, _, err = _invoke("reparse")
    assert code == 0
    assert "Dates given by hand kept: 1." in err
    code, out, _ = _invoke("show", "1", "--json")
    shown = json.loads(out)
    assert (shown["published"], shown["date_source"], shown["byline"]) == (
        "2001-02-03",
        "cli",
        "Jane Doe",
    )


def test_a_killed_reparse_keeps_its_batches_and_a_rerun_finishes(
    run: Run, tmp_path: Path, archive_url: str
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    template = BYLINED.read_text(encoding="utf-8")
    count, batch = 600, 20  # a kill lands between batches with room to spare on each side
    for n in range(count):
        (folder / f"{n:05}.txt").write_text(template + f"\nStory number {n}.\n", encoding="utf-8")
    assert run("ingest", folder).returncode == 0
    _age(archive_url)
    process = subprocess.Popen(
        [newsarchive_executable(), "reparse", "--batch-size", str(batch)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Kill it only once a batch has committed, and before the last one: the fault lands
    # inside the run, where it claims to.
    done = 0
    deadline = time.monotonic() + 120
    counted = text("SELECT count(*) FROM articles WHERE parser_version = :v")
    with _engine(archive_url) as engine:
        while time.monotonic() < deadline and process.poll() is None:
            with engine.connect() as connection:
                done = connection.execute(counted, {"v": PARSER_VERSION}).scalar_one()
            if done:
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.01)
    process.wait()
    assert 0 < done < count, "the kill did not land inside the run"
    left = count - len([r for r in _rows(archive_url) if r[-1] == PARSER_VERSION])
    assert 0 < left < count and left % batch == 0  # whole batches only
    again = run("reparse")
    assert again.returncode == 0
    assert f"Read {left:,} of {left:,} articles again: {left:,} changed" in again.stderr.decode()
    assert all(r[-1] == PARSER_VERSION and r[1] == "Jane Doe" for r in _rows(archive_url))
    check = run("verify")
    assert check.returncode == 0, check.stderr
    assert check.stderr.decode().endswith("all whole and exact.\n")


def test_a_batch_size_below_one_is_refused_in_one_line() -> None:
    code, _, err = _invoke("reparse", "--batch-size", "0")
    assert code == 2
    assert "--batch-size" in err and "0 is not in the range x>=1" in err
