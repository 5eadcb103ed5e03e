"""An article an export holds more than once, on both engines: stored once, found at every
place; shown, exported and imported with each place; ingesting the file again adds nothing."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from newsarchive.text import exports

from .conftest import Run

COVER = Path(__file__).parent / "export_fixtures" / "lexisnexis_cover.txt"
HEADLINES = [
    "Harbour ferry fares to rise by a fifth",
    "",
    "Island votes to keep its ferry; Council rejects bridge plan",
]


def _twice(tmp_path: Path) -> Path:
    """An export concatenated with itself: six articles, each of three at two places."""
    path = tmp_path / "twice.txt"
    path.write_bytes(COVER.read_bytes() * 2)
    return path


def _shown(run: Run, article_id: int) -> dict[str, Any]:
    shown = run("show", str(article_id), "--json")
    assert shown.returncode == 0, shown.stderr
    found: dict[str, Any] = json.loads(shown.stdout)
    return found


def _source_line(run: Run, article_id: int) -> str:
    """The Sources line of `show`, unwrapped (as tests/test_paths.py reads it)."""
    out = run("show", str(article_id)).stdout.decode()
    found = re.search(r"^(Sources?: .*?)\n(?:utf-8|ascii)", out, re.DOTALL | re.MULTILINE)
    assert found, out
    return found[1].replace(",\n", ", ").replace("\n", "")


def test_the_last_article_of_an_export_joined_to_another_keeps_its_copyright() -> None:
    """A file joined to an export without a blank line between: its cover begins at its
    first cover line, not at the copyright lines that end the article before."""
    data = COVER.read_bytes()
    split = exports.split(data * 2)
    assert split is not None
    pieces = [(data * 2)[p.start : p.end] for p in split.articles]
    alone = exports.split(data)
    assert alone is not None
    assert pieces == [data[p.start : p.end] for p in alone.articles] * 2
    assert pieces[2].endswith(b"All Rights Reserved\n")


def test_an_article_an_export_holds_twice_is_stored_once_at_both_places(
    archive_url: str, run: Run, tmp_path: Path
) -> None:
    twice = _twice(tmp_path)
    first = run("ingest", twice)
    assert first.returncode == 0, first.stderr
    assert first.stderr.decode() == (
        "Read 1 file (6 articles from 1 news-database export): added 3, already present 3 "
        "(3 under new paths), refused 0.\n"
    )
    listed = json.loads(run("list", "--json").stdout)
    assert [(a["headline"], a["place"]) for a in listed] == [
        (HEADLINES[2], [3, 6]),
        (HEADLINES[1], [2, 6]),
        (HEADLINES[0], [1, 6]),
    ]
    by_place = {a["place"][0]: a["id"] for a in listed}
    for n in (1, 2, 3):
        shown = _shown(run, by_place[n])
        assert shown["headline"] == HEADLINES[n - 1]
        assert shown["sources"] == [str(twice), str(twice)]
        assert shown["places"] == [[n, 6], [n + 3, 6]]
        assert _source_line(run, by_place[n]) == (
            f"Sources: {twice} (article {n} of 6), {twice} (article {n + 3} of 6)"
        )

    again = run("ingest", twice)
    assert again.stderr.decode() == (
        "Read 1 file (6 articles from 1 news-database export): added 0, already present 6, "
        "refused 0.\n"
    )
    stats = json.loads(run("stats", "--json").stdout)
    assert (stats["articles"], stats["source_paths"], stats["duplicate_paths"]) == (3, 6, 3)
    assert [_shown(run, by_place[n])["places"] for n in (1, 2, 3)] == [
        [[n, 6], [n + 3, 6]] for n in (1, 2, 3)
    ]
    verified = run("verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_an_archive_holding_such_an_article_exports_and_imports_back_identically(
    archive_url: str, run: Run, tmp_path: Path
) -> None:
    twice = _twice(tmp_path)
    assert run("ingest", twice).returncode == 0
    exported = tmp_path / "a.jsonl"
    assert run("export", "-o", exported).returncode == 0
    lines = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    assert [[s["place"] for s in line["sources"]] for line in lines[:3]] == [
        [[n, 6], [n + 3, 6]] for n in (1, 2, 3)
    ]
    assert lines[3]["export_file"] == hashlib.sha256(twice.read_bytes()).hexdigest()

    other = tmp_path / "other.db"
    imported = run("--db", other, "import", exported)
    assert imported.returncode == 0, imported.stderr
    assert imported.stderr.decode() == (
        f"Read 4 lines of {exported}: added 3, already present 0, "
        "news-database exports kept 1, refused 0.\n"
    )
    again = tmp_path / "b.jsonl"
    assert run("--db", other, "export", "-o", again).returncode == 0
    assert again.read_bytes() == exported.read_bytes()
    assert run("--db", other, "verify").returncode == 0
    # Into the archive it came from: every article and place is there already.
    back = run("import", exported)
    assert back.returncode == 0, back.stderr
    assert back.stderr.decode() == (
        f"Read 4 lines of {exported}: added 0, already present 3, refused 0.\n"
    )
    third = tmp_path / "c.jsonl"
    assert run("export", "-o", third).returncode == 0
    assert third.read_bytes() == exported.read_bytes()
