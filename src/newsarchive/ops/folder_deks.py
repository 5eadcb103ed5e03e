"""Each folder's verdict on a standfirst under the headline, settled over the archive.

The files of one folder usually come from one outlet and share its template: when most of
their first units under the headline read as standfirsts, that is evidence for each of
them; when hardly any do, a unit that reads a little like one is the lede
(text/parser/dek.py: `folder_verdict`, `FOLDER_SHIFT`). Each article keeps the folder it was first
read in, the model's vote on that unit and the verdict it was read with (articles.folder,
dek_vote, dek_folder; an export's articles are of many outlets and have no folder). After
an ingest, `settle` tallies the votes of the folders it added articles to (after a reparse,
of every folder) and reads again, with its folder's verdict, every article whose dek that
verdict changes; for the rest only the verdict stored changes.

What an article ends up with depends on the votes of its folder's articles alone, never on
the order files came in: a folder ingested whole or file by file, or reparsed twice, ends
the same (tests/test_folder_deks.py). A run killed while settling leaves the archive's
setting UNSETTLED, and the next ingest settles first.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsarchive.model.rows import ROW_COLUMNS, StoredRow
from newsarchive.ops.reread import reparsed_update, store_reparsed
from newsarchive.ops.workers import parse_again
from newsarchive.storage.archive import Archive
from newsarchive.storage.records import DekVote
from newsarchive.text.parser.dek import folder_verdict, says

if TYPE_CHECKING:
    from newsarchive.storage.store import Store

# The archive setting that says articles were stored whose folders are not settled yet.
UNSETTLED = "deks_unsettled"
BATCH = 500  # articles read again at a time, each batch its own transaction
# Articles relabelled at a time (only their verdict changes), each batch its own transaction:
# an update of one column by id, not a row's update each (a folder ingested whole is
# relabelled whole: 20,000 generated articles, the writer's CPU settling them 41 -> 30 µs
# an article).
RELABEL_BATCH = 5000
# Where a StoredRow holds the folder, the vote and the verdict it was read with.
_FOLDER, _VOTE, _VERDICT = (ROW_COLUMNS.index(c) for c in ("folder", "dek_vote", "dek_folder"))


@dataclass
class SettleReport:
    folders: int = 0  # folders with a verdict (1 or -1)
    reread: int = 0  # articles read again with their folder's verdict
    changed: int = 0  # of those, articles whose dek changed


def mark_unsettled(archive: Archive) -> bool:
    """Say, before an ingest stores anything, that folders will need settling; whether an
    earlier run left them unsettled."""
    with archive.writing() as store:
        before = store.settings.get(UNSETTLED) is not None
        store.settings.set(UNSETTLED, "1")
    return before


def settled(archive: Archive) -> None:
    """Say that nothing is left to settle (an ingest that stored nothing new)."""
    with archive.writing() as store:
        store.settings.set(UNSETTLED, None)


@dataclass
class Tallies:
    """The votes of the folders a run writes to, as it writes (folder -> [votes, deks], as
    Records.folder_tallies counts them), so that a new article is stored with the verdict
    its folder gives so far wherever that verdict reads it as it was read (with none):
    settle then finds it read with its folder's verdict and has nothing to relabel, where
    it relabelled every article of a folder ingested whole, after the last batch, on one
    core while the workers had nothing to do (20,000 generated files: 14 µs an article).
    A guess that the folder's later files overturn is settled as any stored verdict is:
    the article reads the same with either (`says`), which is what relabelling relies on."""

    votes: dict[str, list[int]] = field(default_factory=dict)

    def label(self, store: Store, rows: list[StoredRow]) -> None:
        """Count these new articles' votes, then set the verdict of those it reads the same."""
        rows = [r for r in rows if r[_FOLDER] is not None and r[_VERDICT] == 0]
        folders = {r[_FOLDER] for r in rows}
        unseen = folders - self.votes.keys()
        if unseen:
            stored = store.records.folder_tallies(unseen)
            self.votes.update({f: list(stored.get(f, (0, 0))) for f in unseen})
        for row in rows:
            if (vote := row[_VOTE]) is not None:
                tally = self.votes[row[_FOLDER]]
                tally[0] += 1
                tally[1] += vote > 0
        verdicts = {f: folder_verdict(*self.votes[f]) for f in folders}
        for row in rows:
            verdict, vote = verdicts[row[_FOLDER]], row[_VOTE]
            if verdict and (vote is None or says(vote, verdict) == says(vote, 0)):
                row[_VERDICT] = verdict


def settle(archive: Archive, folders: Collection[str] | None = None) -> SettleReport:
    """Bring the dek of every article first read in `folders` (or in any folder) to its
    folder's verdict (see the module's docstring)."""
    report = SettleReport()
    verdicts, stale = _stale(archive, folders)
    report.folders = sum(1 for v in verdicts.values() if v)
    relabel: dict[int, list[int]] = {}  # verdict -> the articles only relabelled with it
    reread: dict[int, int] = {}
    for vote in stale:
        now = verdicts.get(vote.folder, 0)
        if vote.vote is not None and says(vote.vote, vote.verdict) != says(vote.vote, now):
            reread[vote.id] = now
        else:
            relabel.setdefault(now, []).append(vote.id)
    for verdict, ids in relabel.items():
        for start in range(0, len(ids), RELABEL_BATCH):
            with archive.writing() as store:
                store.changes.set_dek_folder(ids[start : start + RELABEL_BATCH], verdict)
    ids = sorted(reread)
    for start in range(0, len(ids), BATCH):
        with archive.reading() as store:
            records = store.records.of(ids[start : start + BATCH])
        records = [
            dataclasses.replace(r, columns={**r.columns, "dek_folder": reread[r.id]})
            for r in records
        ]
        updates = []
        for record, values in zip(records, parse_again(records), strict=True):
            if isinstance(values, str):  # it parsed before: verify reports it
                continue
            update = reparsed_update(record, values)
            update["dek_folder"] = reread[record.id]  # (the record holds it already)
            report.changed += "dek" in update
            updates.append(update)
        store_reparsed(archive, records, updates)
        report.reread += len(records)
    settled(archive)
    return report


def unsettled(archive: Archive) -> int:
    """How many articles were read with a verdict their folder no longer gives (a run
    stopped before it settled them): verify says so."""
    return len(_stale(archive, None)[1])


def _stale(
    archive: Archive, folders: Collection[str] | None
) -> tuple[dict[str, int], list[DekVote]]:
    """Each folder's verdict now, and the votes of the articles read with another: with
    one, where the folder now says nothing; with another, where it says yes or no."""
    with archive.reading() as store:
        tallies = store.records.folder_tallies(folders)
        verdicts = {folder: folder_verdict(n, deks) for folder, (n, deks) in tallies.items()}
        # Read with a verdict, in a folder that now has none: only such folders are looked
        # in (the articles of a folder with a verdict are mostly read with it: Tallies).
        silent = None if folders is None else [f for f in folders if not verdicts.get(f)]
        stale = [v for v in store.records.read_otherwise(silent, 0) if not verdicts.get(v.folder)]
        for verdict in (1, -1):
            said = [folder for folder, v in verdicts.items() if v == verdict]
            if said:
                stale += store.records.read_otherwise(said, verdict)
    return verdicts, stale
