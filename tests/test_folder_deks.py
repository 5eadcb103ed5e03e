"""A folder's files are evidence for each other's standfirst (ops/folder_deks.py,
text/parser/dek.py): the verdict of a folder decides the votes near the threshold, never
the others; what an article ends with depends on its folder's votes alone, not on the
order files came in, and reparse does not flip it back.

The folders are made up from the seed's layout (headline, standfirst, body, no blank
lines): its standfirst gets a vote just above the threshold, a variant of it that says
"yesterday" one just below, and a wire lede (`TOKYO, March 3 - ...`) one far below. The
tests check those votes first, so that a retrained model that moves them fails here, by
name, rather than making the folder tests pass for nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from newsarchive.ops import folder_deks
from newsarchive.storage import config
from newsarchive.storage.archive import open_archive
from newsarchive.text.parser import parse_fields
from newsarchive.text.parser.dek import FOLDER_SHIFT, MIN_FOLDER_VOTES, folder_verdict, says

from .conftest import FIXTURES, SEEDS, Run

SEED = (SEEDS / "000_d4b32e967d5dce44.txt").read_text(encoding="utf-8")
SEED_LINES = SEED.split("\n")
YESTERDAY = (
    "Blinken and Lavrov met in Geneva yesterday in a high-stakes bid to defuse tensions over "
    "Ukraine."
)
# Issue 21's compact class: line 2 sums up what line 3 begins to tell, with a lede's marks
# of its own ("have been destroyed").
FLOODS_DEK = "Hundreds of homes have been destroyed and roads washed away after days of rain."
FLOODS = (
    f"Floods cut off coastal towns\n{FLOODS_DEK}\nRescue teams reached the town of Karsby on "
    "Friday as water levels continued to rise across the region, officials said.\nMore than "
    "2,000 people have been moved to shelters in schools and sports halls, according to the "
    "regional council.\nThe weather service expects more rain over the weekend.\n"
)


# And its kicker class: a kicker under the headline, then the standfirst.
KICKER_DEK = "A batting collapse after lunch left the visitors facing defeat with a day to play."
KICKER = (
    f"England collapse as India close in on victory\nTest series, day 4\n{KICKER_DEK}\n"
    "England lost seven wickets for 41 runs in the afternoon session at Chennai on Sunday, "
    "handing India control of the second Test.\nThe hosts need 120 runs on the final day "
    "with eight wickets in hand.\n"
)


def _seed_like(n: int, standfirst: str = SEED_LINES[1]) -> str:
    """The seed with this standfirst, and a last paragraph of its own (its own bytes)."""
    return "\n".join([SEED_LINES[0], standfirst, *SEED_LINES[2:-1], f"Story {n} ends here."])


def _wire(n: int) -> str:
    return (
        f"Shares rise in market number {n}\n"
        f"TOKYO, March {n % 28 + 1} - Japanese shares rose {n} points on Tuesday as exporters "
        "gained on a weaker yen, dealers said.\n"
        f"The Nikkei average ended up {n % 9}.{n % 7} percent.\nVolume was light.\n"
    )


def _vote(article: str) -> float:
    vote = parse_fields(article)[1]
    assert vote is not None
    return vote


def test_the_made_up_files_vote_as_the_tests_need() -> None:
    assert 0 < _vote(_seed_like(1)) < -FOLDER_SHIFT[-1]  # a standfirst, by a little
    assert -FOLDER_SHIFT[1] < _vote(_seed_like(1, YESTERDAY)) < 0  # a lede, by a little
    assert -FOLDER_SHIFT[1] < _vote(FLOODS) < 0
    assert -FOLDER_SHIFT[1] < _vote(KICKER) < 0  # the standfirst's vote, not the kicker's
    assert _vote(_wire(1)) <= -FOLDER_SHIFT[1]  # a lede, whatever its folder says


def test_a_folder_says_yes_with_most_votes_no_with_hardly_any() -> None:
    assert folder_verdict(MIN_FOLDER_VOTES - 1, MIN_FOLDER_VOTES - 1) == 0  # too few
    assert folder_verdict(10, 5) == 1
    assert folder_verdict(10, 4) == 0
    assert folder_verdict(100, 2) == -1
    assert folder_verdict(100, 3) == 0
    assert folder_verdict(MIN_FOLDER_VOTES, 0) == -1


@pytest.mark.parametrize(
    "path", sorted([*FIXTURES.glob("*.txt"), *SEEDS.glob("*.txt")]), ids=lambda p: p.name
)
def test_a_verdict_moves_only_the_votes_near_the_threshold(path: Path) -> None:
    article = path.read_bytes().decode("utf-8", errors="replace").replace("\r\n", "\n")
    alone, vote = parse_fields(article)
    for verdict in (-1, 0, 1):
        fields, again = parse_fields(article, dek_folder=verdict)
        assert again == vote  # the vote is the text's, whatever the folder says
        if vote is None or says(vote, verdict) == says(vote, 0):
            assert fields == alone  # a clear vote: the same answer alone and in a folder
        else:
            assert fields != alone
            assert (fields.get("dek") is not None) == says(vote, verdict) or verdict < 0


def _folder(root: Path, name: str, articles: dict[str, str]) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    for file_name, body in articles.items():
        (folder / file_name).write_text(body, encoding="utf-8")
    return folder


def _deks(url: str, tmp_path: Path) -> dict[str, tuple[str | None, int]]:
    """File name -> (dek, folder verdict it was read with), as stored."""
    archive = open_archive(config.resolve(url, tmp_path), create=False)
    try:
        with archive.engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT s.path, a.dek, a.dek_folder FROM articles a "
                    "JOIN article_sources s ON s.article_id = a.id"
                )
            ).all()
    finally:
        archive.close()
    return {Path(path).name: (dek, verdict) for path, dek, verdict in rows}


def _id_of(url: str, tmp_path: Path, name: str) -> int:
    archive = open_archive(config.resolve(url, tmp_path), create=False)
    try:
        with archive.engine.connect() as connection:
            ids = connection.execute(text("SELECT article_id, path FROM article_sources")).all()
    finally:
        archive.close()
    return int(next(id_ for id_, path in ids if Path(path).name == name))


def _hardly_any(root: Path) -> Path:
    """The seed among 60 wire stories: 1 vote in 61 for a standfirst."""
    articles = {f"wire{n:02}.txt": _wire(n) for n in range(60)}
    return _folder(root, "wires", {**articles, "seed.txt": SEED})


def _first_five(run: Run, folder: Path, url: str, tmp_path: Path) -> None:
    """Ingest five of the folder's wire stories alone: too few votes for a verdict, so
    they are stored without one, and the folder's whole ingest relabels them."""
    first = sorted(folder.glob("wire*.txt"))[:5]
    assert run("ingest", *first).returncode == 0
    assert {verdict for _, verdict in _deks(url, tmp_path).values()} == {0}


def _most(root: Path) -> Path:
    """Six of the seed's layout, three more just short of a standfirst, a wire story."""
    articles = {f"seed{n}.txt": _seed_like(n) for n in range(6)}
    articles["yesterday.txt"] = _seed_like(6, YESTERDAY)
    articles["floods.txt"] = FLOODS
    articles["kicker.txt"] = KICKER
    articles["wire.txt"] = _wire(99)
    return _folder(root, "outlet", articles)


def test_a_folder_of_ledes_reads_the_doubtful_standfirst_as_a_lede_alone_it_stays(
    run: Run, archive_url: str, tmp_path: Path
) -> None:
    folder = _hardly_any(tmp_path / "in")
    result = run("ingest", folder)
    assert result.returncode == 0
    assert result.stderr.decode().endswith(
        "; 1 article read with or without a standfirst as most files of its folder are.\n"
    )
    deks = _deks(archive_url, tmp_path)
    assert deks["seed.txt"] == (None, -1)
    assert all(dek is None for dek, _ in deks.values())
    shown = json.loads(run("show", "--json", str(_id_of(archive_url, tmp_path, "seed.txt"))).stdout)
    assert shown["dek"] is None
    assert SEED_LINES[1] == shown["blocks"][0]["text"]  # its words kept, as the lede

    alone = tmp_path / "alone.db"
    assert run("--db", alone, "ingest", folder / "seed.txt").returncode == 0
    assert _deks(str(alone), tmp_path)["seed.txt"] == (SEED_LINES[1], 0)


def test_a_folder_of_standfirsts_reads_the_doubtful_lede_as_a_standfirst(
    run: Run, archive_url: str, tmp_path: Path
) -> None:
    folder = _most(tmp_path / "in")
    assert run("ingest", folder).returncode == 0
    deks = _deks(archive_url, tmp_path)
    assert deks["yesterday.txt"] == (YESTERDAY, 1)
    assert deks["floods.txt"] == (FLOODS_DEK, 1)
    assert deks["kicker.txt"] == (KICKER_DEK, 1)
    assert all(deks[f"seed{n}.txt"][0] == SEED_LINES[1] for n in range(6))
    assert deks["wire.txt"][0] is None  # far from the threshold: its own answer stands
    assert run("verify").returncode == 0  # read again with the verdict it was read with


def test_file_by_file_ends_as_the_folder_at_once_and_reparse_keeps_it(
    run: Run, tmp_path: Path
) -> None:
    folder = _most(tmp_path / "in")
    whole, one_by_one = tmp_path / "whole.db", tmp_path / "one.db"
    assert run("--db", whole, "ingest", folder).returncode == 0
    for path in sorted(folder.iterdir(), reverse=True):  # the doubtful one first, alone
        assert run("--db", one_by_one, "ingest", path).returncode == 0
    expected = _deks(str(whole), tmp_path)
    assert _deks(str(one_by_one), tmp_path) == expected

    archive = open_archive(config.resolve(str(whole), tmp_path), create=False)
    with archive.engine.begin() as connection:  # as an older parser left them
        connection.execute(text("UPDATE articles SET parser_version = 1"))
    archive.close()
    for _ in range(2):
        result = run("--db", whole, "reparse")
        assert result.returncode == 0, result.stderr
        assert _deks(str(whole), tmp_path) == expected


@pytest.mark.parametrize("make", [_most, _hardly_any])
def test_a_run_in_batches_of_one_file_ends_as_the_folder_at_once(
    run: Run, tmp_path: Path, make: Callable[[Path], Path]
) -> None:
    """Each batch stores its articles with the verdict their folder's votes give so far
    (folder_deks.Tallies): a guess the later files overturn is settled at the end."""
    from newsarchive.ops.ingest import Ingester

    folder = make(tmp_path / "in")
    whole, batched = tmp_path / "whole.db", tmp_path / "batched.db"
    assert run("--db", whole, "ingest", folder).returncode == 0
    archive = open_archive(config.resolve(str(batched), tmp_path), create=True)
    try:
        files = sorted(folder.iterdir(), reverse=True)  # the doubtful ones first
        report = Ingester(archive, batch_size=1, jobs=0).run(files)
    finally:
        archive.close()
    assert report.added == len(files)
    assert _deks(str(batched), tmp_path) == _deks(str(whole), tmp_path)


def test_a_run_stopped_before_its_folders_settled_is_settled_by_the_next(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _hardly_any(tmp_path / "in")
    settle = folder_deks.settle

    def killed(*_args: object) -> None:
        raise KeyboardInterrupt  # after every batch was stored, before the folders

    monkeypatch.setattr(folder_deks, "settle", killed)
    result = run("ingest", folder)
    assert result.returncode == 130
    assert _deks(str(tmp_path / "archive.db"), tmp_path)["seed.txt"] == (SEED_LINES[1], 0)
    checked = run("verify")
    assert checked.returncode == 0  # nothing is wrong, something is waiting: verify says so
    # The wire stories were stored with the verdict their folder gave as they were written
    # (it reads them the same); the seed, whose standfirst it overturns, waits.
    waiting = b"1 article was read before its folder's verdict on standfirsts changed"
    assert waiting in checked.stderr
    monkeypatch.setattr(folder_deks, "settle", settle)
    result = run("ingest", folder)
    assert result.returncode == 0
    assert b"added 0," in result.stderr  # nothing new: the folders settled anyway
    assert _deks(str(tmp_path / "archive.db"), tmp_path)["seed.txt"] == (None, -1)
    checked = run("verify")
    assert checked.returncode == 0 and b"verdict" not in checked.stderr


def test_a_folder_relabelled_over_several_transactions_ends_as_in_one(
    run: Run, archive_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _hardly_any(tmp_path / "in")
    assert run("--db", tmp_path / "one.db", "ingest", folder).returncode == 0
    _first_five(run, folder, archive_url, tmp_path)
    monkeypatch.setattr(folder_deks, "RELABEL_BATCH", 2)  # a few articles a transaction
    result = run("ingest", folder)
    assert result.returncode == 0, result.stderr
    deks = _deks(archive_url, tmp_path)
    assert len(deks) > 2 * folder_deks.RELABEL_BATCH
    assert all(verdict == -1 for _, verdict in deks.values())
    assert deks == _deks(str(tmp_path / "one.db"), tmp_path)
    assert run("verify").returncode == 0


def test_a_relabel_stopped_after_some_transactions_is_finished_by_the_next_run(
    run: Run, archive_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsarchive.storage.changes import Changes

    folder = _hardly_any(tmp_path / "in")
    assert run("--db", tmp_path / "whole.db", "ingest", folder).returncode == 0
    _first_five(run, folder, archive_url, tmp_path)
    monkeypatch.setattr(folder_deks, "RELABEL_BATCH", 2)
    relabel = Changes.set_dek_folder
    done: list[int] = []

    def stopped_on_the_third(self: Changes, ids: list[int], verdict: int) -> None:
        if len(done) == 2:  # two relabel transactions committed: the third is cut off
            raise KeyboardInterrupt
        relabel(self, ids, verdict)
        done.append(len(ids))

    monkeypatch.setattr(Changes, "set_dek_folder", stopped_on_the_third)
    assert run("ingest", folder).returncode == 130
    partly = [verdict for _, verdict in _deks(archive_url, tmp_path).values()]
    # 55 wire stories labelled as written, 4 of the first five in two whole transactions;
    # the fifth and the seed (read again, after the relabelling) wait.
    assert partly.count(-1) == 59 and partly.count(0) == 2
    monkeypatch.setattr(Changes, "set_dek_folder", relabel)
    result = run("ingest", folder)
    assert result.returncode == 0, result.stderr
    assert b"added 0, already present 61," in result.stderr
    assert _deks(archive_url, tmp_path) == _deks(str(tmp_path / "whole.db"), tmp_path)
    assert run("verify").returncode == 0
