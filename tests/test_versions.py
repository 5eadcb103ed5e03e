"""Versions of a story folded together, related links resolved, `diff`: through the CLI, on
real archives of both engines, whatever order the files arrive in."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import REPO, Run, newsarchive_executable

WORDS = (
    "minister council budget river station harbour school market winter energy court "
    "report village hospital election railway farmer museum bridge factory teacher "
    "police garden festival island airport weather league doctor village trade union "
    "price housing water tunnel library concert coast forest mayor bank storm road"
).split()


def _paragraph(rng: random.Random, words: int = 40) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _story(seed: int, paragraphs: int = 6) -> tuple[str, list[str]]:
    rng = random.Random(seed)
    headline = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize()
    return headline, [_paragraph(rng) for _ in range(paragraphs)]


def _text(headline: str, body: list[str], *extra: str) -> str:
    return "\n\n".join([headline, *body, *extra]) + "\n"


def _write(folder: Path, files: dict[str, str]) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, text in files.items():
        (path := folder / name).write_text(text, encoding="utf-8")
        written[name] = path
    return written


def _json(run: Run, *args: str) -> object:
    result = run(*args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _ids_by_name(run: Run) -> dict[str, int]:
    rows = _json(run, "list", "--all-versions")
    assert isinstance(rows, list)
    return {Path(r["source"]).name: r["id"] for r in rows}


def _versions_set(tmp_path: Path) -> dict[str, Path]:
    """One story in three versions (an added paragraph, a new headline) and another story."""
    headline, body = _story(1)
    extra = _paragraph(random.Random(99))
    other_headline, other_body = _story(2)
    return _write(
        tmp_path / "in",
        {
            "a-original.txt": _text(headline, body),
            "b-added.txt": _text(headline, body, extra),
            "c-retitled.txt": _text("Quite another headline for it", body),
            "d-other.txt": _text(other_headline, other_body),
        },
    )


def test_list_and_search_fold_versions_into_the_newest(
    run: Run, tmp_path: Path, archive_url: str
) -> None:
    folder = _versions_set(tmp_path)["a-original.txt"].parent
    assert run("ingest", folder).returncode == 0
    ids = _ids_by_name(run)
    rows = _json(run, "list")
    assert isinstance(rows, list)
    story = [r for r in rows if r["id"] != ids["d-other.txt"]]
    assert len(rows) == 2 and len(story) == 1
    # Undated: the newest is the one stored last.
    assert story[0]["id"] == max(
        ids[n] for n in ("a-original.txt", "b-added.txt", "c-retitled.txt")
    )
    assert story[0]["versions"] == 3
    assert len(_json(run, "list", "--all-versions")) == 4  # type: ignore[arg-type]
    word = WORDS[0]
    hits = _json(run, "search", word)
    every = _json(run, "search", word, "--all-versions")
    assert isinstance(hits, list) and isinstance(every, list)
    assert len(hits) < len(every)
    shown = run("list", "--format", "table")
    assert "3 versions" in shown.stdout.decode()
    assert "--all-versions" in shown.stderr.decode()


def test_show_lists_the_other_versions_and_what_changed(
    run: Run, tmp_path: Path, archive_url: str
) -> None:
    _versions_set(tmp_path)
    assert run("ingest", tmp_path / "in").returncode == 0
    ids = _ids_by_name(run)
    shown = _json(run, "show", str(ids["a-original.txt"]))
    assert isinstance(shown, dict)
    changes = {v["id"]: v["change"] for v in shown["versions"]}
    assert changes == {
        ids["b-added.txt"]: "+1 paragraph",
        ids["c-retitled.txt"]: "headline changed",
    }
    text = run("show", str(ids["a-original.txt"])).stdout.decode()
    assert "Other versions (2):" in text and "+1 paragraph" in text
    alone = _json(run, "show", str(ids["d-other.txt"]))
    assert isinstance(alone, dict) and alone["versions"] == []


def test_diff_marks_what_was_added_and_json_gives_every_word(
    run: Run, tmp_path: Path, archive_url: str
) -> None:
    files = _versions_set(tmp_path)
    assert run("ingest", tmp_path / "in").returncode == 0
    ids = _ids_by_name(run)
    old, new = str(ids["a-original.txt"]), str(ids["b-added.txt"])
    added = files["b-added.txt"].read_text().split("\n\n")[-1].strip()
    text = run("diff", old, new).stdout.decode()
    assert "{+" + added.split()[0] in " ".join(text.split())
    assert "unchanged words" in text  # the long shared stretch folded
    data = _json(run, "diff", old, new)
    assert isinstance(data, dict)
    assert data["inserted"] == len(added.split()) and data["deleted"] == 0
    assert data["change"] == "+1 paragraph"
    inserted = [r["text"] for r in data["runs"] if r["op"] == "insert"]
    assert " ".join(" ".join(inserted).split()) == added
    missing = run("diff", old, "999")
    assert missing.returncode == 1 and b"999" in missing.stderr


def _linking_set(tmp_path: Path) -> tuple[dict[str, str], str]:
    headline, body = _story(3)
    twin_headline = "Council budget vote delayed"
    texts = {
        "target.txt": _text(headline, body),
        "twin-1.txt": _text(twin_headline, _story(4)[1]),
        "twin-2.txt": _text(twin_headline, _story(5)[1]),
        "linking.txt": _text(
            "Catching up on the week",
            [_paragraph(random.Random(7))],
            f"READ MORE: {headline.upper()}",
            f"READ MORE: {headline} 2",  # a near miss: must stay unlinked
            f"READ MORE: {twin_headline}",  # two different stories: ambiguous
        ),
    }
    return texts, headline


@pytest.mark.parametrize("target_first", [True, False], ids=["target-first", "target-later"])
def test_related_links_lead_to_their_article_whatever_the_order(
    run: Run, tmp_path: Path, archive_url: str, target_first: bool
) -> None:
    texts, _ = _linking_set(tmp_path)
    order = ["target.txt", "twin-1.txt", "twin-2.txt", "linking.txt"]
    for name in order if target_first else reversed(order):
        _write(tmp_path / name.split(".")[0], {name: texts[name]})
        assert run("ingest", tmp_path / name.split(".")[0]).returncode == 0
    ids = _ids_by_name(run)
    shown = _json(run, "show", str(ids["linking.txt"]))
    assert isinstance(shown, dict)
    targets = [b["target"] for b in shown["blocks"] if b["kind"] == "read_more"]
    assert targets == [ids["target.txt"], None, None]
    text = run("show", str(ids["linking.txt"])).stdout.decode()
    assert f"→ #{ids['target.txt']}" in text
    target = _json(run, "show", str(ids["target.txt"]))
    assert isinstance(target, dict) and target["linked_from"] == [ids["linking.txt"]]
    assert (
        f"Linked from: #{ids['linking.txt']}" in run("show", str(ids["target.txt"])).stdout.decode()
    )
    check = run("verify")
    assert check.returncode == 0, check.stderr


def test_a_link_to_a_story_with_versions_leads_to_its_newest(
    run: Run, tmp_path: Path, archive_url: str
) -> None:
    headline, body = _story(6)
    _write(
        tmp_path / "in",
        {
            "1-first.txt": _text(headline, body),
            "2-corrected.txt": _text(
                headline, body, "Correction: an earlier version misnamed the mayor."
            ),
            "3-linking.txt": _text(
                "Elsewhere", [_paragraph(random.Random(8))], f"READ MORE: {headline}"
            ),
        },
    )
    assert run("ingest", tmp_path / "in").returncode == 0
    ids = _ids_by_name(run)
    shown = _json(run, "show", str(ids["3-linking.txt"]))
    assert isinstance(shown, dict)
    assert [b["target"] for b in shown["blocks"] if b["kind"] == "read_more"] == [
        ids["2-corrected.txt"]
    ]


def _scalar(archive_url: str, query: str) -> object:
    from sqlalchemy import text

    from newsarchive.storage import config
    from newsarchive.storage.archive import open_archive

    archive = open_archive(config.resolve(archive_url, Path.cwd()), create=False)
    try:
        with archive.engine.connect() as connection:
            return connection.execute(text(query)).scalar_one()
    finally:
        archive.close()


def _partition(db: Path) -> set[frozenset[str]]:
    """The archive's clusters and families, as sets of SHA-256s: what must not depend on
    the order the files came in."""
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT sha256, cluster_id, family_id FROM articles").fetchall()
    finally:
        con.close()
    found: dict[tuple[str, int], set[str]] = {}
    for sha, cluster, family in rows:
        found.setdefault(("c", cluster), set()).add(sha)
        found.setdefault(("f", family), set()).add(sha)
    return {frozenset(v) for v in found.values()}


def _edited_stories(count: int, seed: int) -> dict[str, str]:
    """Stories each saved several times with edits: a paragraph added, one replaced, the
    headline changed, a truncation, and edits of edits (chains that are not transitive)."""
    rng = random.Random(seed)
    files = {}
    for n in range(count):
        headline, body = _story(1000 * seed + n, paragraphs=rng.randint(3, 8))
        variants = [body, [*body, _paragraph(rng)], body[: max(2, len(body) - 2)]]
        changed = list(body)
        changed[rng.randrange(len(changed))] = _paragraph(rng)
        variants.append(changed)
        further = list(changed)
        further[rng.randrange(len(further))] = _paragraph(rng)
        variants.append(further)
        for k, variant in enumerate(variants):
            title = headline if rng.random() < 0.8 else f"{headline} updated"
            files[f"s{n:03}-v{k}.txt"] = _text(title, variant)
    return files


@pytest.mark.sqlite_only
def test_grouping_does_not_depend_on_the_order_of_arrival(
    run: Run, tmp_path: Path, archive_url: str
) -> None:
    files = _edited_stories(12, seed=11)
    names = sorted(files)
    partitions = []
    for label, order in (("forward", names), ("backward", names[::-1]), ("shuffled", None)):
        if order is None:
            order = list(names)
            random.Random(5).shuffle(order)
        db = tmp_path / f"{label}.db"
        for start in range(0, len(order), 7):  # several ingests, a few files each
            folder = tmp_path / label / str(start)
            _write(folder, {n: files[n] for n in order[start : start + 7]})
            assert run("--db", db, "ingest", folder).returncode == 0
        assert run("--db", db, "verify").returncode == 0
        partitions.append(_partition(db))
    assert partitions[0] == partitions[1] == partitions[2]
    assert any(len(group) > 1 for group in partitions[0])


def test_an_archive_from_before_versions_is_grouped_by_reparse(
    run: Run, tmp_path: Path, archive_url: str
) -> None:
    _versions_set(tmp_path)
    texts, _ = _linking_set(tmp_path)
    _write(tmp_path / "in", texts)
    assert run("ingest", tmp_path / "in").returncode == 0
    before = _json(run, "list")
    from sqlalchemy import text

    from newsarchive.storage import config
    from newsarchive.storage.archive import open_archive

    archive = open_archive(config.resolve(archive_url, Path.cwd()), create=False)
    try:
        with archive.engine.begin() as connection:  # as migration 0006 leaves an archive
            connection.execute(
                text("UPDATE articles SET fingerprint = NULL, family_id = id, cluster_id = id")
            )
            for table in ("article_bands", "article_names", "article_links"):
                connection.execute(text(f"DELETE FROM {table}"))
    finally:
        archive.close()
    assert len(_json(run, "list")) == 8  # type: ignore[arg-type]  # nothing folded
    check = run("verify")
    assert check.returncode == 0, check.stderr
    assert "8 articles were stored before versions" in check.stderr.decode()
    assert run("reparse").returncode == 0
    assert _json(run, "list") == before
    check = run("verify")
    assert check.returncode == 0 and b"before versions" not in check.stderr


def test_the_threshold_is_a_setting_of_the_archive(
    run: Run, tmp_path: Path, archive_url: str
) -> None:
    _versions_set(tmp_path)
    assert run("ingest", tmp_path / "in").returncode == 0
    assert run("db", "threshold").stdout == b"0.5 (the default)\n"
    stricter = run("db", "threshold", "0.99")
    assert stricter.returncode == 0, stricter.stderr
    assert b"0 articles have other versions" in stricter.stderr
    assert run("db", "threshold").stdout == b"0.99\n"
    assert len(_json(run, "list")) == 4  # type: ignore[arg-type]
    assert run("verify").returncode == 0
    assert b"3 articles have other versions" in run("db", "threshold", "--default").stderr
    assert len(_json(run, "list")) == 2  # type: ignore[arg-type]
    bad = run("db", "threshold", "2")
    assert bad.returncode == 2 and b"Traceback" not in bad.stderr


def test_a_story_saved_a_hundred_times_is_one_family_read_without_all_pairs(
    run: Run, tmp_path: Path, archive_url: str
) -> None:
    """More than MAX_FAMILY near-duplicates (each copy with a paragraph of its own added):
    one family, grouped without comparing all pairs; only copies with identical
    fingerprints (the same text re-spaced) fold together."""
    headline, body = _story(9)
    rng = random.Random(10)
    files = {}
    for n in range(100):
        files[f"t{n:03}.txt"] = _text(headline, body, _paragraph(rng))
    for n in range(1, 4):
        files[f"copy{n}.txt"] = files["t007.txt"].replace("\n\n", "\n" + " " * n + "\n")
    _write(tmp_path / "in", files)
    assert run("ingest", tmp_path / "in").returncode == 0
    ids = _ids_by_name(run)
    shown = _json(run, "show", str(ids["t007.txt"]))
    assert isinstance(shown, dict)
    assert {v["id"] for v in shown["versions"]} >= {ids[f"copy{n}" + ".txt"] for n in range(1, 4)}
    rows = _json(run, "list")
    assert isinstance(rows, list) and 95 <= len(rows) <= 100
    assert _scalar(archive_url, "SELECT count(DISTINCT family_id) FROM articles") == 1
    check = run("verify")
    assert check.returncode == 0, check.stderr


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_verify_is_clean_after_a_kill_mid_ingest_and_the_rerun_groups_as_one_run(
    run: Run, tmp_path: Path, archive_url: str
) -> None:
    files = _edited_stories(500, seed=21)  # 2,500 files: three batches of 1,000
    folder = tmp_path / "tree"
    _write(folder, files)
    whole = tmp_path / "whole.db"
    assert run("--db", whole, "ingest", folder).returncode == 0
    db = tmp_path / "killed.db"
    process = subprocess.Popen(
        [newsarchive_executable(), "--db", str(db), "ingest", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    stored = 0
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        try:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1)
            try:
                stored = con.execute("SELECT count(*) FROM articles").fetchone()[0]
            finally:
                con.close()
        except sqlite3.Error:
            stored = 0
        if stored:  # the first batch and its grouping committed; the next one under way
            process.kill()
            break
        time.sleep(0.01)
    process.wait()
    assert 0 < stored < len(files), "the kill did not land inside the run"
    check = run("--db", db, "verify")
    assert check.returncode == 0, check.stderr
    assert run("--db", db, "ingest", folder).returncode == 0
    check = run("--db", db, "verify")
    assert check.returncode == 0, check.stderr
    assert _partition(db) == _partition(whole)


@pytest.mark.sqlite_only
def test_an_archive_upgraded_from_before_versions_is_told_to_reparse(
    run: Run, tmp_path: Path, archive_path: Path, archive_url: str
) -> None:
    _versions_set(tmp_path)
    assert run("ingest", tmp_path / "in").returncode == 0
    folded = _json(run, "list")
    done = subprocess.run(
        [sys.executable, "-m", "alembic", "-x", f"db={archive_path}", "downgrade", "0005"],
        cwd=REPO,
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr
    upgraded = run("list")
    assert upgraded.returncode == 0
    assert b"'newsarchive reparse' finds the versions" in upgraded.stderr
    assert b"reparse" not in run("list").stderr  # told once, on the upgrade
    assert len(_json(run, "list")) == 4  # type: ignore[arg-type]
    assert run("reparse").returncode == 0
    assert _json(run, "list") == folded
    check = run("verify")
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize("value", ["nan", "NaN", "-nan", "inf", "0", "1.5"])
def test_a_threshold_that_is_not_a_number_in_range_is_refused(run: Run, value: str) -> None:
    """nan compares false with every bound, so a range check alone lets it through, and
    grouping with it dissolved every story's versions."""
    assert run("ingest", REPO / "seeds").returncode == 0
    bad = run("db", "threshold", "--", value)
    assert bad.returncode == 2, bad.stderr
    assert b"Traceback" not in bad.stderr
    assert b"VALUE" in bad.stderr and b"0.05" in bad.stderr
    assert run("db", "threshold").stdout == b"0.5 (the default)\n"


@pytest.mark.parametrize("batch", [2, 500])
def test_verify_finds_look_ups_that_differ_from_what_the_columns_give(
    run: Run, tmp_path: Path, archive_url: str, batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Verify reads the stored look-ups in one walk beside the articles
    (StoredLookups.in_order), a batch of articles at a time (here 2, and all at once)."""
    from sqlalchemy import text

    from newsarchive.ops import verify
    from newsarchive.storage import config
    from newsarchive.storage.archive import open_archive

    monkeypatch.setattr(verify, "BATCH_SIZE", batch)
    texts, _ = _linking_set(tmp_path)
    _write(tmp_path / "in", texts)
    assert run("ingest", tmp_path / "in").returncode == 0
    clean = run("verify")
    assert clean.returncode == 0, clean.stderr
    archive = open_archive(config.resolve(archive_url, Path.cwd()), create=False)
    try:
        with archive.engine.begin() as connection:
            count = connection.execute(text("SELECT max(id) FROM articles")).scalar_one()
            linked = connection.execute(text("SELECT min(article_id) FROM article_links"))
            changed = {2, count, linked.scalar_one()}
            connection.execute(
                text(
                    "DELETE FROM article_bands WHERE article_id = 2 AND band = "
                    "(SELECT min(band) FROM article_bands WHERE article_id = 2)"
                )
            )
            connection.execute(
                text("INSERT INTO article_names (name, article_id) VALUES ('t:not its name', :i)"),
                {"i": count},
            )
            connection.execute(
                text("UPDATE article_links SET name = 't:elsewhere' WHERE article_id = :i"),
                {"i": min(changed - {2, count}, default=2)},
            )
    finally:
        archive.close()
    check = run("verify")
    assert check.returncode == 1
    said = check.stderr.decode()
    found = {
        int(line.split("article ")[1].split(":")[0])
        for line in said.splitlines()
        if "band keys, names or link look-ups differ" in line
    }
    assert found == changed, said
