"""Source paths kept exactly: a name that is not UTF-8 keeps its bytes, is shown so that it
never looks like another name, and is stored once however often it is ingested."""

from __future__ import annotations

import base64
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsarchive.ops.ingest import Ingester
from newsarchive.storage import config
from newsarchive.storage.archive import open_archive
from newsarchive.text import paths

from .conftest import Run

LATIN1 = b"caf\xe9.txt"  # 'café.txt' written by a Latin-1 system: not UTF-8
LOOKALIKE = "caf\\xe9.txt"  # a name really spelt with a backslash, x, e, 9


@pytest.fixture(autouse=True)
def _on_each_engine(archive_url: str) -> str:
    return archive_url  # every test here, once per engine, but those marked sqlite_only


def _files(folder: Path, latin1: bytes, lookalike: bytes) -> tuple[str, str]:
    """The two files, as os functions name them (the Latin-1 byte as U+DCE9)."""
    folder.mkdir(parents=True, exist_ok=True)
    byte_name = os.path.join(os.fsencode(folder), LATIN1)
    with open(byte_name, "wb") as handle:
        handle.write(latin1)
    (folder / LOOKALIKE).write_bytes(lookalike)
    return os.fsdecode(byte_name), str(folder / LOOKALIKE)


def _show_json(run: Run, article_id: int) -> dict[str, object]:
    result = run("show", str(article_id), "--json")
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def _source_lines(run: Run, article_id: int) -> list[str]:
    """The Source(s) line of `show`, unwrapped."""
    out = run("show", str(article_id)).stdout.decode()
    found = re.search(r"^(Sources?: .*?)\n(?:utf-8|ascii)", out, re.DOTALL | re.MULTILINE)
    assert found, out
    # Wrapped at the space after a comma (the space goes), or folded within a long path.
    return [found[1].replace(",\n", ", ").replace("\n", "")]


def test_a_latin1_name_and_its_lookalike_are_two_articles_shown_apart(
    run: Run, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    by_bytes, _lookalike = _files(
        folder, b"Cafe opens\n\nA cafe opened.\n", b"Cafe closes\n\nThe cafe closed.\n"
    )
    result = run("ingest", folder)
    assert result.stderr.decode() == "Read 2 files: added 2, already present 0, refused 0.\n"

    listing = json.loads(run("list", "--json").stdout)
    by_headline = {row["headline"]: row for row in listing}
    opens, closes = by_headline["Cafe opens"], by_headline["Cafe closes"]
    # The text is the same: what tells them apart is source_bytes.
    assert opens["source"] == closes["source"] == f"{folder}/{LOOKALIKE}"
    assert base64.b64decode(opens["source_bytes"]) == os.fsencode(by_bytes)
    assert closes["source_bytes"] is None  # its text is its name

    assert _source_lines(run, opens["id"]) == [f"Source: {folder}/caf\\xe9.txt"]
    assert _source_lines(run, closes["id"]) == [f"Source: {folder}/caf\\\\xe9.txt"]
    shown = json.loads(run("show", str(opens["id"]), "--json").stdout)
    assert shown["sources"] == [f"{folder}/{LOOKALIKE}"]
    assert [base64.b64decode(b) for b in shown["sources_bytes"]] == [os.fsencode(by_bytes)]
    assert _show_json(run, closes["id"])["sources_bytes"] == [None]

    table = run("list").stdout.decode()
    assert "in/caf\\xe9.txt" in table and "in/caf\\\\xe9.txt" in table


def test_identical_files_under_both_names_are_one_article_with_two_paths(
    run: Run, archive_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    same = b"Cafe opens\n\nA cafe opened.\n"
    by_bytes, lookalike = _files(folder, same, same)
    first = run("ingest", folder)
    assert first.stderr.decode() == (
        "Read 2 files: added 1, already present 1 (1 under new paths), refused 0.\n"
    )
    # Sorted by name as found: a backslash (0x5c) before the byte 0xe9.
    assert _source_lines(run, 1) == [f"Sources: {folder}/caf\\\\xe9.txt, {folder}/caf\\xe9.txt"]
    data = _show_json(run, 1)
    assert data["sources"] == [f"{folder}/{LOOKALIKE}"] * 2
    exact = [
        base64.b64decode(b) if b is not None else text.encode()
        for text, b in zip(data["sources"], data["sources_bytes"], strict=True)  # type: ignore[call-overload]
    ]
    assert exact == [os.fsencode(lookalike), os.fsencode(by_bytes)]

    archive = open_archive(config.resolve(archive_url, tmp_path), create=False)
    with archive.reading() as store:
        assert store.get(1).sources == (lookalike, by_bytes)  # exactly, as os functions take them
        (record,) = store.records.batch(after=0, limit=10)
    assert [Path(s.path).read_bytes() for s in record.sources] == [same, same]
    archive.close()


def test_ingesting_the_same_tree_again_records_no_path_twice(
    run: Run, archive_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    _files(folder, b"Cafe opens\n\nA cafe opened.\n", b"Cafe opens\n\nA cafe opened.\n")
    (folder / "b").mkdir()
    with open(os.path.join(os.fsencode(folder / "b"), b"na\xefve.txt"), "wb") as handle:
        handle.write(b"Naive\n\nA naive story.\n")
    run("ingest", folder)
    again = run("ingest", folder)
    assert again.stderr.decode() == "Read 3 files: added 0, already present 3, refused 0.\n"
    archive = open_archive(config.resolve(archive_url, tmp_path), create=False)
    with archive.reading() as store:
        assert [len(r.sources) for r in store.records.batch(after=0, limit=10)] == [2, 1]
    archive.close()
    report = Ingester(open_archive(config.resolve(archive_url, tmp_path), create=True)).run(
        [folder / LOOKALIKE, Path(os.fsdecode(os.path.join(os.fsencode(folder), LATIN1)))]
    )
    assert (report.added, report.already_present, report.new_paths) == (0, 2, 0)


def test_a_refused_file_is_named_as_show_would_name_it(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"\xe9mpty\n.txt"), "wb"):
        pass
    result = run("ingest", folder)
    assert result.returncode == 3
    assert result.stderr.decode().splitlines()[0] == (
        f"refused {folder}/\\xe9mpty\\x0a.txt: empty file"
    )


@pytest.mark.sqlite_only  # pure functions
def test_shown_escapes_backslashes_bytes_and_controls_and_nothing_else() -> None:
    assert paths.shown(os.fsdecode(b"/n/caf\xe9.txt")) == "/n/caf\\xe9.txt"
    assert paths.shown("/n/caf\\xe9.txt") == "/n/caf\\\\xe9.txt"
    assert paths.shown("/n/café\tnews\x1b[31m\u202e.txt") == "/n/café\\x09news\\x1b[31m\\u202e.txt"
    assert paths.shown("/n/2022/Zürich – 1.txt") == "/n/2022/Zürich – 1.txt"
    assert paths.shown("/n/a\u00a0b\u200b\U000e0001") == "/n/a\\u00a0b\\u200b\\U000e0001"
    assert paths.columns("/n/café.txt") == ("/n/café.txt", b"")
    assert paths.columns(os.fsdecode(b"/n/caf\xe9.txt")) == ("/n/caf\\xe9.txt", b"/n/caf\xe9.txt")


def _unshown(text: str) -> bytes:
    """What a script reading `shown` output does to get the name's bytes back."""

    def one(match: re.Match[str]) -> bytes:
        if match[1] == "\\":
            return b"\\"
        if match[1][0] == "x":
            return bytes([int(match[1][1:], 16)])
        return chr(int(match[1][1:], 16)).encode()

    parts = re.split(r"(\\(?:\\|x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8}))", text)
    return b"".join(
        one(re.fullmatch(r"\\(.*)", part)) if i % 2 else part.encode()  # type: ignore[arg-type]
        for i, part in enumerate(parts)
    )


@pytest.mark.sqlite_only  # pure functions
@given(st.binary(min_size=1, max_size=40).filter(lambda b: b"\0" not in b))
def test_any_name_is_stored_exactly_and_shown_reversibly(name: bytes) -> None:
    path = os.fsdecode(name)
    assert paths.to_bytes(paths.from_columns(*paths.columns(path))) == name
    assert _unshown(paths.shown(path)) == name
    assert paths.shown(path).isprintable()


def test_copy_keeps_the_exact_bytes_of_every_path(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    same = b"Cafe opens\n\nA cafe opened.\n"
    by_bytes, lookalike = _files(folder, same, same)
    run("ingest", folder)
    copy = tmp_path / "copy.db"
    assert run("copy", str(copy)).returncode == 0
    archive = open_archive(config.resolve(str(copy), tmp_path), create=False)
    with archive.reading() as store:
        assert store.get(1).sources == (lookalike, by_bytes)
    archive.close()
    assert run("--db", str(copy), "verify").returncode == 0
