"""Ingest and store against a real SQLite archive: idempotency, duplicates, refusals, listing."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsarchive.storage.backends.sqlite_connect
from newsarchive.model.errors import ArchiveError
from newsarchive.ops.ingest import Ingester
from newsarchive.ops.workers import POOL_MIN_ARTICLES
from newsarchive.storage import config
from newsarchive.storage.archive import Archive, open_archive

from .conftest import FIXTURES, SEEDS, Run


@pytest.fixture
def archive(archive_url: str, tmp_path: Path) -> Iterator[Archive]:
    archive = open_archive(config.resolve(archive_url, tmp_path), create=True)
    yield archive
    archive.close()


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_ingesting_twice_stores_nothing_new(archive: Archive) -> None:
    first = Ingester(archive, pattern="*.txt").run([FIXTURES])
    assert first.refused == []
    assert first.added == len(list(FIXTURES.glob("*.txt")))
    second = Ingester(archive, pattern="*.txt").run([FIXTURES])
    assert (second.added, second.already_present, second.new_paths) == (0, first.added, 0)
    with archive.reading() as store:
        assert store.count() == first.added


def test_identical_files_are_one_article_with_every_path(archive: Archive, tmp_path: Path) -> None:
    data = (SEEDS / "000_d4b32e967d5dce44.txt").read_bytes()
    a = _write(tmp_path / "in", "a/one.txt", data)
    b = _write(tmp_path / "in", "b/two.txt", data)
    report = Ingester(archive, batch_size=1).run([tmp_path / "in"])
    assert (report.added, report.already_present, report.new_paths) == (1, 1, 1)
    with archive.reading() as store:
        (summary,) = store.list().articles
        article = store.get(summary.id)
    assert article.sources == (str(a), str(b))
    assert summary.source == str(a)


def test_duplicates_within_one_batch(archive: Archive, tmp_path: Path) -> None:
    for i in range(3):
        _write(tmp_path / "in", f"{i}.txt", b"Same headline\n\nSame body.\n")
    report = Ingester(archive).run([tmp_path / "in"])
    assert (report.added, report.already_present, report.new_paths) == (1, 2, 2)


@pytest.mark.parametrize("batch_size", [1, 3, 1000])
def test_one_run_gives_contiguous_ids_to_what_it_stores(
    archive: Archive, tmp_path: Path, batch_size: int
) -> None:
    """A copy found in a later batch than its first (batches are hashed ahead of the one
    being written) took an id it never used: the BBC corpus's 2,127 articles had ids up
    to 2,169."""
    folder = tmp_path / "in"
    for i in range(8):
        body = f"Story {i}\n\nBody of story {i}.\n".encode()
        _write(folder, f"{i}a.txt", body)
        if i % 2:
            _write(folder, f"{i}b-copy.txt", body)
            _write(folder, f"{(i + 3) % 8}c-copy.txt", body)
    report = Ingester(archive, batch_size=batch_size, jobs=0).run([folder])
    assert (report.added, report.already_present) == (8, 8)
    with archive.reading() as store:
        ids = sorted(a.id for a in store.list(all_versions=True).articles)
    assert ids == list(range(1, 9))
    _write(tmp_path / "more", "new.txt", b"Story new\n\nA new body.\n")
    _write(tmp_path / "more", "old.txt", b"Story 1\n\nBody of story 1.\n")
    Ingester(archive, batch_size=batch_size, jobs=0).run([tmp_path / "more"])
    with archive.reading() as store:
        ids = sorted(a.id for a in store.list(all_versions=True).articles)
    assert ids == list(range(1, 10))


def test_a_long_runs_batches_grow_and_its_last_files_go_in_batches_of_the_batch_size(
    archive: Archive, tmp_path: Path
) -> None:
    """Batches grow to GROWTH times the batch size from the fourth on (fewer, larger
    transactions), but the run's last read is written in batches of the batch size: the
    last batch is written with nothing left to parse beside it."""
    folder = tmp_path / "in"
    for i in range(100):
        _write(folder, f"{i:03}.txt", f"Story {i}\n\nBody of story {i}.\n".encode())
    written: list[int] = []
    report = Ingester(
        archive, batch_size=5, jobs=0, on_progress=lambda r: written.append(r.added)
    ).run([folder])
    sizes = [b - a for a, b in zip([0, *written], written, strict=False)]
    # Read in 5, 5, 5, 10, 15, 20, 20 and a last read of 20, split into fives.
    assert sizes == [5, 5, 5, 10, 15, 20, 20, 5, 5, 5, 5]
    assert report.added == 100


def test_bad_files_are_refused_and_good_files_beside_them_land(
    archive: Archive, tmp_path: Path
) -> None:
    folder = tmp_path / "mixed"
    _write(folder, "good1.txt", b"Good one\n\nBody one.\n")
    _write(folder, "empty.txt", b"")
    _write(folder, "blank.txt", b"  \n\n\t\n")
    _write(folder, "image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    _write(folder, "url-only.txt", b"https://example.com/story\n")
    _write(folder, "z/good2.txt", b"Good two\n\nBody two.\n")
    _write(folder, ".hidden.txt", b"Hidden\n\nNot read.\n")
    refused: list[str] = []
    report = Ingester(archive, on_refusal=lambda r: refused.append(Path(r.path).name)).run([folder])
    assert report.added == 2
    assert sorted(refused) == ["blank.txt", "empty.txt", "url-only.txt"]
    reasons = {Path(r.path).name: r.reason for r in report.refused}
    assert reasons["empty.txt"] == "empty file"
    # An image found in a folder is no article: skipped and counted, not refused.
    assert report.skipped_kinds == {"PNG image": 1}
    assert report.seen == 5


def test_pattern_filters_files_found_in_folders_only(archive: Archive, tmp_path: Path) -> None:
    _write(tmp_path / "in", "a.txt", b"A\n\nBody.\n")
    other = _write(tmp_path / "in", "b.md", b"B\n\nBody.\n")
    report = Ingester(archive, pattern="*.txt").run([tmp_path / "in", other])
    assert report.added == 2
    report = Ingester(archive, pattern="*.txt").run([tmp_path / "in"])
    assert report.seen == 1


def test_patterns_given_twice_take_files_matching_either(archive: Archive, tmp_path: Path) -> None:
    for name in ("a.txt", "b.md", "c.rst", "d/e.md"):
        _write(tmp_path / "in", name, f"{name}\n\nBody of {name}.\n".encode())
    report = Ingester(archive, pattern=["*.txt", "*.md"]).run([tmp_path / "in"])
    assert (report.added, report.seen) == (3, 3)
    with archive.reading() as store:
        names = sorted(Path(store.get(a.id).sources[0]).name for a in store.list().articles)
    assert names == ["a.txt", "b.md", "e.md"]


def test_excludes_match_names_or_paths_below_the_folder_given(
    archive: Archive, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    for name in ("keep.txt", "old.draft.txt", "drafts/x.txt", "news/drafts/y.txt", "news/z.txt"):
        _write(folder, name, f"{name}\n\nBody of {name}.\n".encode())
    ingester = Ingester(archive, exclude=["*.draft.txt", "drafts/*"])
    seen: list[str] = []
    report = ingester.run([folder])
    with archive.reading() as store:
        for summary in store.list().articles:
            seen.append(os.path.relpath(store.get(summary.id).sources[0], folder))
    assert sorted(seen) == ["keep.txt", "news/drafts/y.txt", "news/z.txt"]
    assert report.seen == 3
    # The folder's path above the one given is never matched: only what lies below it.
    report = Ingester(archive, exclude=["*/in/*"]).run([folder])
    assert report.seen == 5
    report = Ingester(archive, exclude=["*/drafts/*", "keep.*"]).run([folder])
    assert report.seen == 3  # drafts/x.txt has no folder above drafts/ below the root
    for spelling in ("drafts/", "/drafts/", "./drafts/*"):
        assert Ingester(archive, exclude=[spelling]).run([folder]).seen == 4


def test_readme_and_license_in_folders_are_skipped_unless_named_or_asked_for(
    archive: Archive, tmp_path: Path
) -> None:
    folder = tmp_path / "corpus"
    _write(folder, "001.txt", b"Story one\n\nBody one.\n")
    for name in ("README.txt", "readme.md", "LICENSE", "Licence.txt", "sub/CHANGELOG.rst"):
        _write(folder, name, f"About {name}\n\nThis corpus is free to use.\n".encode())
    _write(folder, "readme-notes.txt", b"Notes\n\nNot a README by name.\n")
    report = Ingester(archive).run([folder])
    assert (report.added, report.skipped_docs, len(report.refused)) == (2, 5, 0)
    named = Ingester(archive).run([folder / "README.txt"])
    assert (named.added, named.skipped_docs) == (1, 0)
    everything = Ingester(archive, include_docs=True).run([folder])
    assert (everything.added, everything.already_present, everything.skipped_docs) == (4, 3, 0)


def test_the_summary_line_says_what_was_skipped_and_how_to_take_it(
    run: Run, tmp_path: Path
) -> None:
    folder = tmp_path / "bbc"
    _write(folder, "001.txt", b"Story one\n\nBody one.\n")
    _write(folder, "README.TXT", b"About this corpus\n\nFree to use.\n")
    result = run("ingest", folder)
    assert (result.returncode, result.stdout) == (0, b"")
    assert result.stderr.decode() == (
        "Read 1 file: added 1, already present 0, refused 0; skipped 1 file named like "
        "README or LICENSE (--include-docs takes it).\n"
    )
    named = run("ingest", folder, folder / "README.TXT")
    assert named.stderr.decode() == (
        "Read 2 files: added 1, already present 1, refused 0; skipped 1 file named like "
        "README or LICENSE (--include-docs takes it).\n"
    )
    only_docs = tmp_path / "docs"
    _write(only_docs, "LICENSE", b"MIT\n\nPermission is granted.\n")
    _write(only_docs, "license.md", b"MIT\n\nPermission is granted, again.\n")
    result = run("ingest", only_docs)
    assert result.returncode == 1
    assert result.stderr.decode().splitlines()[-1] == (
        f"Error: no files found in {only_docs} but 2 named like README or LICENSE, which are "
        "skipped: --include-docs takes them"
    )
    taken = run("ingest", "--include-docs", only_docs)
    assert taken.stderr.decode() == "Read 2 files: added 2, already present 0, refused 0.\n"


def test_pattern_and_exclude_repeat_on_the_command_line(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    for name in ("a.txt", "b.md", "c.rst", "old/d.txt"):
        _write(folder, name, f"{name}\n\nBody of {name}.\n".encode())
    result = run("ingest", folder, "--pattern", "*.txt", "--pattern", "*.md", "--exclude", "old/*")
    assert result.stderr.decode() == "Read 2 files: added 2, already present 0, refused 0.\n"
    none = run("ingest", folder, "--pattern", "*.rst", "--exclude", "c.*", "--pattern", "*.x")
    assert none.stderr.decode().splitlines()[-1] == (
        f"Error: no files found in {folder} matching --pattern '*.rst' or '*.x' outside "
        "--exclude; check the paths and --pattern and --exclude"
    )


def test_size_limit_refuses_big_files(archive: Archive, tmp_path: Path) -> None:
    big = _write(tmp_path, "big.txt", b"Big\n\n" + b"word " * 1000)
    report = Ingester(archive, max_bytes=1000).run([big])
    assert report.added == 0
    assert "too large" in report.refused[0].reason


def test_raw_bytes_round_trip_exactly(archive: Archive) -> None:
    Ingester(archive, pattern="*.txt").run([FIXTURES])
    with archive.reading() as store:
        for summary in store.list().articles:
            article = store.get(summary.id)
            assert store.raw(summary.id) == Path(article.sources[0]).read_bytes()


def test_list_is_newest_first_with_undated_last_and_filters(
    archive: Archive, tmp_path: Path
) -> None:
    folder = tmp_path / "dated"
    _write(folder, "a.txt", b"Old\nDate: 2019-11-08\nBody.\n\nMore body.\n")
    _write(folder, "b.txt", b"New\nDate: 2022-01-21\nBody.\n\nMore body.\n")
    _write(folder, "c.txt", b"Undated\n\nBody.\n")
    _write(folder, "d.txt", b"Mid\nDate: 2021-06-30\nBody.\n\nMore body.\n")
    Ingester(archive).run([folder])
    with archive.reading() as store:
        assert [a.headline for a in store.list().articles] == ["New", "Mid", "Old", "Undated"]
        since = store.list(since=dt.date(2021, 6, 30))
        assert [a.headline for a in since.articles] == ["New", "Mid"]
        assert since.undated_left_out == 1
        until = store.list(until=dt.date(2021, 6, 29))
        assert [a.headline for a in until.articles] == ["Old"]
        assert [a.headline for a in store.list(limit=2).articles] == ["New", "Mid"]
        assert store.list().undated_left_out == 0


def test_special_files_are_refused_not_read(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    _write(folder, "good.txt", b"Good\n\nBody.\n")
    os.mkfifo(folder / "pipe.txt")  # reading it would block forever
    report = Ingester(archive).run([folder, folder / "pipe.txt"])
    assert report.added == 1
    assert [(Path(r.path).name, r.reason) for r in report.refused] == [
        ("pipe.txt", "not a regular file"),
        ("pipe.txt", "not a regular file"),
    ]


def test_links_that_loop_or_lead_nowhere_are_refused_and_the_rest_land(
    archive: Archive, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    _write(folder, "a.txt", b"Good\n\nBody.\n")
    _write(folder, "z.txt", b"Also good\n\nAnother body.\n")
    (folder / "loop.txt").symlink_to("loop.txt")  # resolving it fails with ELOOP
    (folder / "through.txt").symlink_to("a.txt/x")  # ENOTDIR: a.txt is no folder
    (folder / "gone.txt").symlink_to("nothing-here.txt")
    report = Ingester(archive).run([folder])
    assert report.added == 2
    assert sorted((Path(r.path).name, r.reason) for r in report.refused) == [
        ("gone.txt", "broken link"),
        ("loop.txt", "broken link"),
        ("through.txt", "broken link"),
    ]


def test_a_file_that_grows_past_the_limit_while_read_is_refused(
    archive: Archive, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    path = _write(folder, "growing.txt", b"Headline\n\nBody.\n")
    ingester = Ingester(archive, max_bytes=100)
    real_fstat = os.fstat

    def fstat_then_grow(fd: int) -> os.stat_result:
        info = real_fstat(fd)
        path.write_bytes(b"Headline\n\n" + b"word " * 100)  # after the size was checked
        return info

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "fstat", fstat_then_grow)
        report = ingester.run([folder])
    assert report.added == 0
    assert [r.reason for r in report.refused] == [
        "too large: 510 bytes, over the 100-byte limit (raise it with --max-size)"
    ]


def test_folder_copy_under_new_name_adds_paths_not_articles(
    archive: Archive, tmp_path: Path
) -> None:
    Ingester(archive, pattern="*.txt").run([FIXTURES])
    copy = tmp_path / "copy"
    shutil.copytree(FIXTURES, copy)
    report = Ingester(archive, pattern="*.txt").run([copy])
    assert report.added == 0
    assert report.new_paths == report.already_present == len(list(copy.glob("*.txt")))


def test_worker_processes_store_exactly_what_inline_parsing_stores(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    seed = (SEEDS / "000_d4b32e967d5dce44.txt").read_bytes()
    for i in range(POOL_MIN_ARTICLES + 50):
        _write(folder, f"{i:04}.txt", seed + f"\nREAD MORE: part {i}\n".encode())
    _write(folder, "dup.txt", seed + b"\nREAD MORE: part 7\n")
    _write(folder, "bad.txt", b"\x00\x01")
    _write(folder, "bad-twin.txt", b"\x00\x01")
    tables = {}
    SAME = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    for jobs in (0, 2):
        db = tmp_path / f"jobs{jobs}.db"
        archive = open_archive(config.resolve(str(db), tmp_path), create=True)
        ingester = Ingester(archive, jobs=jobs, batch_size=POOL_MIN_ARTICLES + 30)
        report = ingester.run([folder])
        assert (ingester._pool is not None) == (jobs > 0)  # the first batch went to workers
        assert (report.added, report.already_present, len(report.refused)) == (250, 1, 2)
        with archive.reading() as store:
            tables[jobs] = [
                replace(store.get(a.id), ingested_at=SAME) for a in store.list().articles
            ]
    assert tables[0] == tables[2]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(min_size=1, max_size=600))
def test_any_bytes_are_stored_exactly_or_refused(
    archive: Archive, tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "one.bin"
    path.write_bytes(data)
    report = Ingester(archive, jobs=0).run([path])
    assert report.seen == 1
    if report.refused:
        return
    with archive.reading() as store:
        ids = store.known_ids([hashlib.sha256(data).hexdigest()])
        assert store.raw(next(iter(ids.values()))) == data


@pytest.mark.sqlite_only
def test_an_archive_locked_too_long_stops_the_run_in_one_line(
    archive: Archive, tmp_path: Path, archive_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    _write(folder, "a.txt", b"Good\n\nBody.\n")
    monkeypatch.setattr(newsarchive.storage.backends.sqlite_connect, "BUSY_TIMEOUT_SECONDS", 1)
    locked = open_archive(config.resolve(str(archive_path), tmp_path), create=True)
    holder = sqlite3.connect(archive_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer, holding on
    try:
        with pytest.raises(ArchiveError, match=r"^the archive is busy: .*locked.* 0 articles"):
            Ingester(locked).run([folder])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert Ingester(locked).run([folder]).added == 1  # and a later run completes


def test_a_write_block_takes_the_write_lock_at_its_first_statement_not_before(
    tmp_path: Path, archive_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A batch with nothing to change (redate's, say) must not queue behind other writers.
    monkeypatch.setattr(newsarchive.storage.backends.sqlite_connect, "BUSY_TIMEOUT_SECONDS", 0.2)
    archive = open_archive(config.resolve(str(archive_path), tmp_path), create=True)
    other = sqlite3.connect(archive_path, isolation_level=None, timeout=0.2)
    try:
        with archive.writing() as store:
            other.execute("BEGIN IMMEDIATE")  # free: nothing was written yet
            other.execute("ROLLBACK")
            store.settings.set("versions.threshold", "0.9")
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")  # held now, to the block's end
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()
    with archive.reading() as store:
        assert store.settings.get("versions.threshold") == "0.9"  # committed


def test_a_run_stamps_everything_it_stores_with_one_time(archive: Archive, tmp_path: Path) -> None:
    for i in range(3):
        _write(tmp_path / "in", f"{i}.txt", f"Headline {i}\n\nBody number {i} here.\n".encode())
    Ingester(archive, batch_size=1).run([tmp_path / "in"])  # three batches, one run
    _write(tmp_path / "later", "3.txt", b"Another headline\n\nA later body.\n")
    Ingester(archive).run([tmp_path / "later"])
    with archive.reading() as store:
        stamps = [store.get(i).ingested_at for i in range(1, 5)]
    assert stamps[0] == stamps[1] == stamps[2] < stamps[3]


def test_a_gbk_file_is_stored_with_its_encoding_and_exact_bytes(
    archive: Archive, tmp_path: Path
) -> None:
    text = (
        "央行宣布下调存款准备金率\n\n"
        "中国人民银行周五宣布，将下调金融机构存款准备金率0.5个百分点，以支持实体经济发展。\n"
    )
    data = text.encode("gbk")
    _write(tmp_path / "in", "gbk.txt", data)
    report = Ingester(archive).run([tmp_path / "in"])
    assert (report.added, report.refused) == (1, [])
    with archive.reading() as store:
        (summary,) = store.list().articles
        article = store.get(summary.id)
        assert (article.encoding, article.headline) == ("gb18030", "央行宣布下调存款准备金率")
        assert store.raw(summary.id) == data


def _validated(data: bytes, source: str, today: dt.date) -> object:
    """What ingest stored before rows.prepare skipped the Article: decode, parse_article
    (validated), article_values; or the reason the file is refused."""
    from newsarchive.model.errors import NotAnArticleError
    from newsarchive.text import paths
    from newsarchive.text.columns import article_values
    from newsarchive.text.decode import decode
    from newsarchive.text.parser import parse_article, parse_fields

    try:
        decoded = decode(data)
        article = parse_article(decoded.text, source=source, not_after=today)
    except NotAnArticleError as exc:
        return exc.reason
    _fields, vote = parse_fields(decoded.text, source=source, not_after=today)
    return article_values(
        article,
        encoding=decoded.encoding,
        byte_size=len(data),
        folder=paths.folder_of(source),
        dek_vote=vote,
    )


@pytest.mark.parametrize(
    "path",
    sorted([*FIXTURES.glob("*.txt"), *SEEDS.glob("*.txt")]),
    ids=lambda path: path.name,
)
def test_a_row_is_what_the_validated_article_gives(path: Path) -> None:
    from newsarchive.ops.workers import prepare

    today = dt.date(2026, 12, 7)
    data = path.read_bytes()
    assert prepare([(data, str(path))], today) == [_validated(data, str(path), today)]


def test_a_parse_validation_would_doubt_takes_the_validated_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import newsarchive.ops.workers

    today = dt.date(2026, 12, 7)
    work = [(p.read_bytes(), str(p)) for p in sorted(FIXTURES.glob("*.txt"))]
    monkeypatch.setattr(newsarchive.ops.workers, "_valid", lambda _fields: False)
    assert newsarchive.ops.workers.prepare(work, today) == [
        _validated(d, s, today) for d, s in work
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8"), max_size=400))
def test_any_text_gives_the_row_or_refusal_the_validated_article_gives(text: str) -> None:
    from newsarchive.ops.workers import prepare

    today = dt.date(2026, 12, 7)
    data = text.encode()
    assert prepare([(data, "x/2020-01-02-a.txt")], today) == [
        _validated(data, "x/2020-01-02-a.txt", today)
    ]


_SPACES = "\t\n\x0b\x0c\r\x1c\x1f \x85\xa0\u2003\u2028\u3000"


@given(st.text() | st.text(alphabet=st.sampled_from([*_SPACES, "a", "é", "’", "中", "🙂"])))
def test_a_body_s_words_are_counted_as_split_counts_them(text: str) -> None:
    """workers._word_count, from the text's bytes, is len(text.split()), whitespace past
    ASCII or none."""
    from newsarchive.ops.workers import _word_count

    assert _word_count(text) == len(text.split())
