"""Removing an article that was among the first HEAD holders of a band key moves the next
holder up into that head: it was never compared with the holders after it, so they are
grouped again (versions.regroup's `lost`). Band keys are chosen by the test (a word `kkN`
in the text is key N) and HEAD is 1, so that three articles make the case."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from newsarchive.ops import verify, versions
from newsarchive.text import fingerprint

from .conftest import Run

WORDS = "harbour council ferry winter museum bridge market school river station".split()


@pytest.fixture
def chosen_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    def keys_in(text: str) -> list[int]:
        return [int(k) for k in re.findall(r"\bkk(\d+)\b", text)]

    monkeypatch.setattr(fingerprint, "fingerprints", lambda texts: [keys_in(t) for t in texts])
    monkeypatch.setattr(versions, "HEAD", 1)
    monkeypatch.setattr(verify, "HEAD", 1)


def _body(seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(120))


def _ingest(run: Run, folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")
    result = run("ingest", "--jobs", "0", folder / name)  # parsed here, with the chosen keys
    assert result.returncode == 0, result.stderr


def _family(run: Run, article_id: int) -> set[int]:
    shown = json.loads(run("show", str(article_id), "--json").stdout)
    return {article_id, *(v["id"] for v in shown["versions"])}


def _clean(run: Run) -> bool:
    done = run("verify")
    return done.returncode == 0 and b"all whole and exact" in done.stderr


@pytest.mark.usefixtures("chosen_keys")
def test_deleting_the_head_holder_of_a_key_compares_the_holders_after_it(
    run: Run, archive_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    story = _body(1)
    _ingest(run, folder, "x.txt", f"Another story\n\n{_body(2)} kk7\n")  # the key's head
    _ingest(run, folder, "p.txt", f"A story\n\n{story} kk7\n")
    _ingest(run, folder, "y.txt", f"A story\n\n{story} And a correction. kk7\n")
    # Each came after the head and was compared with it alone: 2 and 3 were never compared.
    assert _family(run, 2) == {2} and _family(run, 3) == {3}
    assert _clean(run)
    assert run("delete", "--yes", "1").returncode == 0
    # Now 2 heads the key: compared with 3, they are versions of one story.
    assert _family(run, 2) == {2, 3}
    assert _clean(run)


@pytest.mark.usefixtures("chosen_keys")
def test_a_reparse_that_takes_a_key_from_its_head_holder_compares_the_ones_after_it(
    run: Run, archive_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsarchive.ops import reparse
    from newsarchive.text import parser

    folder = tmp_path / "in"
    folder.mkdir()
    story = _body(1)
    _ingest(run, folder, "x.txt", f"Another story\n\n{_body(2)} kk7 kk9\n")
    _ingest(run, folder, "p.txt", f"A story\n\n{story} kk7\n")
    _ingest(run, folder, "y.txt", f"A story\n\n{story} And a correction. kk7\n")
    assert _family(run, 2) == {2} and _family(run, 3) == {3}
    # A new parser version whose keys for the first article lack 7: reparse re-keys it.
    newer = parser.PARSER_VERSION + 1
    for module in (reparse, parser, verify):  # rows reads it from parser
        monkeypatch.setattr(module, "PARSER_VERSION", newer)
    monkeypatch.setattr(
        fingerprint,
        "fingerprints",
        lambda texts: [
            [int(k) for k in re.findall(r"\bkk(\d+)\b", t) if not (k == "7" and "Another" in t)]
            for t in texts
        ],
    )
    done = run("reparse")
    assert done.returncode == 0, done.stderr
    assert _family(run, 2) == {2, 3}
    assert _clean(run)
