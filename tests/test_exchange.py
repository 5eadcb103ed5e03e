"""export and import: an archive out as JSON Lines, CSV or Markdown and back in, exactly,
through the CLI, on both engines."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import FIXTURES, REPO, Run, newsarchive_executable

# The parse fixtures: dated and undated, cp1252 bytes, subheadings and READ MORE lines.
FIXTURE_FILES = sorted(FIXTURES.glob("*.txt"))


def _sources(tmp_path: Path) -> Path:
    """The parse fixtures, one of them twice (a second path), and two versions of a story
    (the same text with a paragraph added), in a folder to ingest."""
    folder = tmp_path / "in"
    (folder / "again").mkdir(parents=True)
    for path in FIXTURE_FILES:
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "again" / FIXTURE_FILES[0].name).write_bytes(FIXTURE_FILES[0].read_bytes())
    body = [" ".join(f"w{n}x{i % 7}" for i in range(60)) for n in range(6)]
    story = "A story saved twice\n\n" + "\n\n".join(body) + "\n"
    (folder / "v1.txt").write_text(story, encoding="utf-8")
    (folder / "v2.txt").write_text(story + "\nA correction was added.\n", encoding="utf-8")
    linker = "A story that points at another\n\n" + body[0] + "\n\nREAD MORE: A story saved twice\n"
    (folder / "linker.txt").write_text(linker, encoding="utf-8")
    return folder


def _ok(result: subprocess.CompletedProcess[bytes]) -> bytes:
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


def _clean(verified: subprocess.CompletedProcess[bytes]) -> bool:
    return verified.returncode == 0 and b"all whole and exact" in verified.stderr


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_an_export_imported_into_an_empty_archive_exports_again_byte_for_byte(
    run: Run, archive_url: str, tmp_path: Path
) -> None:
    _ok(run("ingest", _sources(tmp_path)))
    first, second, copy = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "copy.db"
    _ok(run("export", "-o", first))
    lines = _lines(first)
    assert len(lines) == len(FIXTURE_FILES) + 3
    _ok(run("--db", copy, "import", first))
    _ok(run("--db", copy, "export", "-o", second))
    assert second.read_bytes() == first.read_bytes()
    # What the lines hold: raw bytes, both paths with their times, versions, dates.
    twice = next(line for line in lines if len(line["sources"]) == 2)
    raw = base64.b64decode(str(twice["raw"]))
    assert raw == FIXTURE_FILES[0].read_bytes()
    assert _ok(run("--db", copy, "show", str(twice["id"]), "--raw")) == raw
    by_name = {Path(str(line["sources"][0]["path"])).name: line for line in lines}
    assert by_name["v1.txt"]["cluster_id"] == by_name["v2.txt"]["cluster_id"]  # versions
    # The link leads to the story's newest version, in the export and where it lands.
    target = by_name["v2.txt"]["id"]
    assert [link["target"] for link in by_name["linker.txt"]["links"]] == [target]
    assert any(line["published"] for line in lines) and any(line["date_evidence"] for line in lines)
    assert _clean(run("--db", copy, "verify"))
    # Importing again stores nothing new.
    again = run("--db", copy, "import", first)
    assert b"added 0, already present %d" % len(lines) in _ok(again) + again.stderr


def test_an_export_of_a_sqlite_archive_lands_in_this_engine_and_merges(
    run: Run, archive_url: str, tmp_path: Path
) -> None:
    source = _sources(tmp_path)
    other = tmp_path / "other.db"
    _ok(run("--db", other, "ingest", source))
    exported = tmp_path / "all.jsonl"
    _ok(run("--db", other, "export", "-o", exported))
    # This archive holds a few already, under other paths and with other ids.
    some = tmp_path / "some"
    some.mkdir()
    for path in FIXTURE_FILES[3:6]:
        (some / path.name).write_bytes(path.read_bytes())
    _ok(run("ingest", some))
    result = run("import", exported)
    count = len(FIXTURE_FILES) + 3
    assert f"added {count - 3}, already present 3 (3 new paths)".encode() in result.stderr
    listed = json.loads(_ok(run("list", "--all-versions", "--json")))
    assert len(listed) == count
    shown = json.loads(_ok(run("show", str(listed[0]["id"]), "--json")))
    assert shown["headline"] == listed[0]["headline"]
    assert _clean(run("verify"))


def test_a_bad_line_is_refused_by_number_and_the_rest_land(
    run: Run, archive_url: str, tmp_path: Path
) -> None:
    _ok(run("ingest", _sources(tmp_path)))
    good = tmp_path / "good.jsonl"
    _ok(run("export", "-o", good))
    lines = good.read_text(encoding="utf-8").splitlines()
    changed = json.loads(lines[1])
    changed["headline"] = "Changed by hand"
    changed["raw"] = base64.b64encode(b"other bytes").decode()
    missing = json.loads(lines[2])
    del missing["body"]
    bad = [lines[0], json.dumps(changed), json.dumps(missing), "{not json", "", *lines[3:]]
    (mixed := tmp_path / "mixed.jsonl").write_text("\n".join(bad) + "\n", encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    result = run("--db", fresh, "import", mixed)
    assert result.returncode == 3
    err = result.stderr.decode()
    assert "line 2: its raw bytes do not match its sha256" in err
    assert "line 3: body: Field required" in err
    assert "line 4: not JSON" in err
    assert f"added {len(lines) - 2}, already present 0, refused 3" in err
    assert "Traceback" not in err
    stored = json.loads(_ok(run("--db", fresh, "list", "--all-versions", "--json")))
    assert len(stored) == len(lines) - 2


def test_a_line_whose_fields_are_not_what_its_raw_bytes_parse_to_is_refused(
    run: Run, archive_url: str, tmp_path: Path
) -> None:
    """The raw bytes are the article; a line whose fields say otherwise (a headline edited
    in the JSONL) was stored, and verify then called the article damaged."""
    _ok(run("ingest", _sources(tmp_path)))
    good = tmp_path / "good.jsonl"
    _ok(run("export", "-o", good))
    lines = good.read_text(encoding="utf-8").splitlines()
    edited = json.loads(lines[1])
    edited["headline"] = "Edited by hand"
    reworded = json.loads(lines[3])
    reworded["body"] = reworded["body"].replace(" ", "  ", 1)
    bad = [lines[0], json.dumps(edited), lines[2], json.dumps(reworded), *lines[4:]]
    (mixed := tmp_path / "mixed.jsonl").write_text("\n".join(bad) + "\n", encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    result = run("--db", fresh, "import", mixed)
    assert result.returncode == 3
    err = result.stderr.decode().splitlines()
    assert f"refused {mixed} line 2: its headline is not what its raw bytes parse to" in err[0]
    assert f"refused {mixed} line 4: its body is not what its raw bytes parse to" in err[1]
    assert err[-1].endswith(f"added {len(lines) - 2}, already present 0, refused 2.")
    assert _clean(run("--db", fresh, "verify"))
    stored = json.loads(_ok(run("--db", fresh, "list", "--all-versions", "--json")))
    assert "Edited by hand" not in {a["headline"] for a in stored}


def test_import_of_a_file_that_is_not_an_export_stops_at_its_first_line(
    run: Run, tmp_path: Path
) -> None:
    """A CSV given by mistake printed one refusal for every one of its 163,175 lines."""
    _ok(run("ingest", _sources(tmp_path)))
    exported = tmp_path / "all.csv"
    _ok(run("export", "--format", "csv", "-o", exported))
    fresh = tmp_path / "fresh.db"
    result = run("--db", fresh, "import", exported)
    assert result.returncode == 1
    assert result.stderr.decode() == (
        f"Error: {exported} line 1 is not JSON, so it is not a newsarchive export (JSON Lines, "
        "as 'newsarchive export' writes); nothing was imported\n"
    )
    assert not fresh.exists()


def test_import_shows_a_handful_of_refusals_then_counts_the_rest(run: Run, tmp_path: Path) -> None:
    _ok(run("ingest", _sources(tmp_path)))
    good = tmp_path / "good.jsonl"
    _ok(run("export", "-o", good))
    lines = good.read_text(encoding="utf-8").splitlines()
    (mixed := tmp_path / "mixed.jsonl").write_text(
        "\n".join([lines[0], *(["{not json"] * 500), *lines[1:]]) + "\n", encoding="utf-8"
    )
    result = run("--db", tmp_path / "fresh.db", "import", mixed)
    assert result.returncode == 3
    err = result.stderr.decode().splitlines()
    shown = [line for line in err if line.startswith("refused ")]
    assert [line.split(":")[0] for line in shown] == [
        f"refused {mixed} line {n}" for n in range(2, 12)
    ]
    assert err[len(shown)] == "(more refused lines are not shown; the summary counts them)"
    assert err[-1].endswith(f"added {len(lines)}, already present 0, refused 500.")
    assert len(err) == len(shown) + 2


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"date_confidence": 1.7}, "date_confidence: Input should be less than or equal to 1"),
        ({"date_source": "tea leaves"}, "date_source: Input should be 'cli', "),
        ({"blocks": [{"kind": "poem"}]}, "blocks.0.kind: Input should be 'paragraph', "),
        ({"blocks": [{"kind": "paragraph", "font": "serif"}]}, "blocks.0.font: Extra inputs"),
        ({"meta": [{"kind": "url", "text": "x", "at": 1}]}, "meta.0.at: Extra inputs"),
        ({"meta": [{"kind": "url"}]}, "meta.0.text: Field required"),
    ],
)
def test_a_line_whose_columns_the_archive_could_not_read_back_is_refused(
    run: Run, tmp_path: Path, change: dict[str, Any], said: str
) -> None:
    # Reads build their records without validating them again (records.py): what import
    # lets in must be what ingest would have stored.
    _ok(run("ingest", _sources(tmp_path)))
    good = tmp_path / "good.jsonl"
    _ok(run("export", "-o", good))
    line = {**json.loads(good.read_text(encoding="utf-8").splitlines()[0]), **change}
    (bad := tmp_path / "bad.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = run("--db", tmp_path / "fresh.db", "import", bad)
    assert result.returncode == 3
    assert f"line 1: {said}" in result.stderr.decode()


def test_csv_reads_back_with_pythons_csv_one_row_per_article(
    run: Run, archive_url: str, tmp_path: Path
) -> None:
    _ok(run("ingest", _sources(tmp_path)))
    out = _ok(run("export", "--format", "csv"))
    rows = list(csv.DictReader(io.StringIO(out.decode("utf-8"), newline="")))
    listed = json.loads(_ok(run("list", "--all-versions", "--json")))
    assert sorted(int(r["id"]) for r in rows) == sorted(a["id"] for a in listed)
    by_id = {int(r["id"]): r for r in rows}
    for article in listed:
        shown = json.loads(_ok(run("show", str(article["id"]), "--json")))
        row = by_id[article["id"]]
        assert row["headline"] == shown["headline"]
        assert row["published"] == (shown["published"] or "")
        paragraphs = [
            b["text"] for b in shown["blocks"] if b["kind"] in ("paragraph", "subheading")
        ]
        assert row["body"] == "\n".join(paragraphs)  # newlines inside a quoted field
    by_name = {Path(r["source"]).name: r for r in rows}
    assert by_name["v2.txt"]["versions_of"] == by_name["v1.txt"]["id"]
    assert by_name["v1.txt"]["versions_of"] == ""


def test_csv_reads_back_with_pandas_as_with_pythons_csv(
    run: Run, archive_url: str, tmp_path: Path
) -> None:
    import pandas

    source = _sources(tmp_path)
    awkward = 'Commas, "quotes" and ; semicolons\n\nA line, with "more".\n\nCafé — 北京 =1+1\n'
    (source / "awkward.txt").write_text(awkward, encoding="utf-8")
    _ok(run("ingest", source))
    out = _ok(run("export", "--format", "csv"))
    rows = list(csv.DictReader(io.StringIO(out.decode("utf-8"), newline="")))
    frame = pandas.read_csv(io.BytesIO(out), dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(rows[0])
    assert frame.to_dict("records") == rows
    assert 'Commas, "quotes" and ; semicolons' in set(frame["headline"])


@pytest.mark.sqlite_only  # the CSV is the same from either engine
def test_csv_with_a_body_over_128_kib_reads_back_with_the_readmes_one_line_fix(
    run: Run, tmp_path: Path
) -> None:
    """Python's csv module refuses a field over 131,072 characters by default (pandas does
    not); the README gives the one line that lifts the limit, and it works."""
    import sys

    body = " ".join(f"word{i}" for i in range(30_000))  # one paragraph of ~230 KiB
    assert len(body) > 128 * 1024
    (source := tmp_path / "long.txt").write_text(f"A very long story\n\n{body}\n")
    _ok(run("ingest", source))
    out = _ok(run("export", "--format", "csv")).decode("utf-8")
    fix = "csv.field_size_limit(sys.maxsize)"
    assert fix in (REPO / "README.md").read_text(encoding="utf-8")
    with pytest.raises(csv.Error, match="field larger than field limit"):
        list(csv.DictReader(io.StringIO(out, newline="")))
    before = csv.field_size_limit()
    try:
        csv.field_size_limit(sys.maxsize)  # the README's line
        (row,) = csv.DictReader(io.StringIO(out, newline=""))
    finally:
        csv.field_size_limit(before)
    assert row["body"] == body and row["headline"] == "A very long story"
    import pandas

    frame = pandas.read_csv(io.StringIO(out), dtype=str, keep_default_na=False)
    assert frame["body"][0] == body


def test_markdown_is_a_folder_of_files_with_yaml_front_matter(
    run: Run, archive_url: str, tmp_path: Path
) -> None:
    source = _sources(tmp_path)
    hostile = '---\nkey: "value" # [bold]x[/bold] \x1b[31m\n\n> not a quote\n\nA body line.\n'
    (source / "hostile.txt").write_text(hostile, encoding="utf-8")
    _ok(run("ingest", source))
    folder = tmp_path / "md"
    _ok(run("export", "--format", "markdown", "-o", folder))
    files = sorted(folder.rglob("*.md"))
    listed = json.loads(_ok(run("list", "--all-versions", "--json")))
    assert len(files) == len(listed)
    headlines = set()
    for path in files:
        text = path.read_text(encoding="utf-8")
        front_text, body = text.removeprefix("---\n").split("\n---\n", 1)
        front = yaml.safe_load(front_text)
        headlines.add(front["headline"])
        assert path.name.startswith(f"{front['id']}")
        if front["published"]:
            assert path.parent.relative_to(folder) == Path(*front["published"].split("-")[:2])
        else:
            assert path.parent == folder / "undated"
        assert f"# {front['headline']}" in body or front["headline"].startswith(("#", ">"))
        assert all(isinstance(s, str) for s in front["sources"])
    assert headlines == {a["headline"] for a in listed}
    assert not list(folder.rglob("*.partial"))


def test_export_picks_by_query_dates_and_ids(run: Run, archive_url: str, tmp_path: Path) -> None:
    _ok(run("ingest", _sources(tmp_path)))
    listed = json.loads(_ok(run("list", "--all-versions", "--json")))

    def exported(*args: str) -> set[int]:
        out = _ok(run("export", *args)).decode()
        return {json.loads(line)["id"] for line in out.splitlines()}

    assert exported() == {a["id"] for a in listed}
    dated = [a for a in listed if a["published"]]
    pivot = sorted(a["published"] for a in dated)[len(dated) // 2]
    assert exported("--since", pivot) == {a["id"] for a in dated if a["published"] >= pivot}
    two = {listed[0]["id"], listed[-1]["id"]}
    assert exported("--id", str(listed[0]["id"]), "--id", str(listed[-1]["id"])) == two
    hits = json.loads(_ok(run("search", "correction", "--all-versions", "--json")))
    assert exported("correction") == {h["id"] for h in hits} != set()


def test_export_piped_into_import_moves_an_archive(
    run: Run, archive_url: str, tmp_path: Path
) -> None:
    # From an SQLite file, through a pipe, into this engine's archive (PostgreSQL too).
    source = tmp_path / "source.db"
    _ok(run("--db", source, "ingest", _sources(tmp_path)))
    env = {**os.environ, "NO_COLOR": "1"}
    exporter = subprocess.Popen(
        [newsarchive_executable(), "--db", str(source), "export"], stdout=subprocess.PIPE, env=env
    )
    importer = subprocess.run(
        [newsarchive_executable(), "--db", archive_url, "import", "-"],
        stdin=exporter.stdout,
        capture_output=True,
        env=env,
        check=False,
    )
    assert exporter.wait(timeout=60) == 0
    assert importer.returncode == 0, importer.stderr
    assert b"of standard input: added" in importer.stderr
    assert _ok(run("export")) == _ok(run("--db", source, "export"))
    assert _clean(run("verify"))


@pytest.mark.sqlite_only
def test_unwritable_output_is_one_line_and_leaves_nothing(run: Run, tmp_path: Path) -> None:
    _ok(run("ingest", _sources(tmp_path)))
    result = run("export", "-o", tmp_path / "missing" / "out.jsonl")
    assert result.returncode == 1
    assert result.stderr.decode().count("\n") == 1
    assert "cannot write" in result.stderr.decode()
    assert not (tmp_path / "missing").exists()
    usage = run("export", "--format", "markdown")
    assert usage.returncode == 2 and b"-o DIR" in usage.stderr
    not_text = tmp_path / "bytes.jsonl"
    not_text.write_bytes(b"\xff\xfe\x00garbage")
    refused = run("import", not_text)
    assert refused.returncode == 1 and b"not UTF-8" in refused.stderr


def _articles(folder: Path, count: int) -> Path:
    folder.mkdir()
    for n in range(count):
        words = " ".join(f"t{n}w{i}" for i in range(80))
        (folder / f"{n:05}.txt").write_text(f"Story number {n}\n\n{words}\n", encoding="utf-8")
    return folder


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_an_import_killed_after_a_committed_batch_keeps_it_and_a_rerun_completes(
    run: Run, tmp_path: Path
) -> None:
    _ok(run("ingest", _articles(tmp_path / "many", 1600)))
    exported = tmp_path / "many.jsonl"
    _ok(run("export", "-o", exported))
    target = tmp_path / "target.db"
    env = {**os.environ, "NO_COLOR": "1"}
    process = subprocess.Popen(
        [newsarchive_executable(), "--db", str(target), "import", str(exported)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    stored = 0
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        try:  # the kill lands once a batch is committed, and before the last one is
            with sqlite3.connect(f"file:{target}?mode=ro", uri=True, timeout=0.1) as db:
                stored = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        except sqlite3.Error:
            stored = 0
        if stored:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.01)
    process.wait(timeout=30)
    assert 0 < stored < 1600, "the kill did not land between the first and the last batch"
    assert _clean(run("--db", target, "verify"))
    again = _ok(run("--db", target, "import", exported))
    assert again is not None
    assert _ok(run("--db", target, "export")) == exported.read_bytes()


@pytest.mark.sqlite_only
def test_an_import_never_gives_a_deleted_articles_id_to_another(run: Run, tmp_path: Path) -> None:
    _ok(run("ingest", _sources(tmp_path)))
    exported = tmp_path / "all.jsonl"
    _ok(run("export", "-o", exported))
    newest = max(line["id"] for line in _lines(exported))
    _ok(run("delete", "--yes", str(newest)))
    result = run("import", exported)
    assert b"added 1," in result.stderr
    ids = {a["id"] for a in json.loads(_ok(run("list", "--all-versions", "--json")))}
    assert newest not in ids and newest + 1 in ids
    assert _clean(run("verify"))


@pytest.mark.sqlite_only
def test_file_names_that_are_not_utf8_come_back_exactly(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "names"
    folder.mkdir()
    latin1 = os.path.join(os.fsencode(folder), b"caf\xe9.txt")
    with open(latin1, "wb") as handle:
        handle.write(b"Cafe owners welcome rates\n\nA body about cafes and rates.\n")
    (folder / "caf\\xe9.txt").write_text("Another story\n\nWith its own body.\n")
    _ok(run("ingest", folder))
    exported, again = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    _ok(run("export", "-o", exported))
    sources = [s for line in _lines(exported) for s in line["sources"]]
    assert {s["path_bytes"] is None for s in sources} == {True, False}
    other = tmp_path / "other.db"
    _ok(run("--db", other, "import", exported))
    _ok(run("--db", other, "export", "-o", again))
    assert again.read_bytes() == exported.read_bytes()
    exact = {
        base64.b64decode(s)
        for line in json.loads(_ok(run("--db", other, "list", "--json")))
        if (s := line["source_bytes"])
    }
    assert exact == {latin1}
