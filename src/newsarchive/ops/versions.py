"""Versions of a story: articles whose texts are near-identical, grouped into clusters.

Two articles are near-duplicates when their word 5-shingles have a Jaccard similarity at or
above the archive's threshold (fingerprint.py); the pairs are found through shared LSH band
keys and each is checked exactly, on the texts, so no hash collision ever joins two
articles. A *family* is a connected component of that graph. Near-duplication is not
transitive (two edits of one original can each be close to it and not to each other), so a
family is split into *clusters*, the versions `list` folds into one row: clusters are merged
while at least MERGE_SHARE of the pairs between two of them are near-duplicates, most alike
first (average-linkage agglomeration). Plain connected components put pairs of similarity
0.01 in one cluster through chains; this keeps a cluster's pairs near-duplicates
(bench/versions_eval.py measures both).

Both are named by their smallest id (articles.family_id, cluster_id). Ties are broken by
the articles' SHA-256, not their ids, so the clusters depend on the texts alone, not on the
order they arrived in. A family of more than MAX_FAMILY articles (one story saved hundreds
of times, or a chain of articles sharing boilerplate) is too large to compare all its pairs:
its clusters are the members with identical fingerprints (large_family), read without their
texts. That folds fewer versions than the comparison would, never articles that differ much.

A band key held by more than HEAD articles (boilerplate, a template filled in thousands of
times) would make every newcomer a comparison with all of them: an article is compared with
the first HEAD holders of each of its keys (by id), and those are compared with everyone
holding the key. So the candidate pairs are those with one side among the first HEAD
holders of a key they share; below HEAD holders, that is every pair sharing it. Only there
does the order of arrival matter: which HEAD articles came first.

Adding an article costs a look-up of its band keys and a regrouping of the families it
touches, never a scan of the archive. Runs inside the caller's write transaction, so a
batch and its grouping commit together.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping

from newsarchive.storage.store import Store
from newsarchive.text.fingerprint import DEFAULT_THRESHOLD, Hashes, jaccard, shingles

THRESHOLD_SETTING = "versions.threshold"
MERGE_SHARE = 0.75
MAX_FAMILY = 64
HEAD = 64
# Candidates in one family are compared in rounds of this many, most band keys shared
# first: one near-duplicate joins the families, so a story saved a thousand times is not
# compared a thousand times over.
_ROUND = 16
_REGROUP_BATCH = 1000


def threshold(store: Store) -> float:
    value = store.settings.get(THRESHOLD_SETTING)
    return DEFAULT_THRESHOLD if value is None else float(value)


def set_threshold(store: Store, value: float | None) -> int:
    """Store the archive's threshold (None: the default) and group every article afresh
    by it, in the caller's transaction; returns how many articles have other versions."""
    store.settings.set(THRESHOLD_SETTING, None if value is None else repr(value))
    limit = threshold(store)
    ids = store.versions.ungroup()
    for start in range(0, len(ids), _REGROUP_BATCH):
        group(store, store.versions.band_keys(ids[start : start + _REGROUP_BATCH]), limit)
    return store.versions.with_versions()


class Texts:
    """Shingles of stored articles, read once each: in batches by `need`, or one by one."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._found: dict[int, Hashes] = {}

    def __getitem__(self, article_id: int) -> Hashes:
        if article_id not in self._found:
            self.need([article_id])
        return self._found[article_id]

    def need(self, ids: Iterable[int]) -> None:
        missing = {i for i in ids if i not in self._found}
        if missing:
            texts = self._store.versions.story_texts(missing)
            self._found.update((i, shingles(t)) for i, t in texts.items())


def group(store: Store, keys: Mapping[int, Collection[int]], limit: float) -> int:
    """Group the articles `keys` names (id -> band keys; each now alone in its own family
    and cluster) with their near-duplicates: families they bridge become one, and each
    family touched is split into clusters again. Returns how many had near-duplicates."""
    if not keys:
        return 0
    sharing = _holders(store, keys)
    candidates: dict[int, dict[int, int]] = {}  # id -> candidate -> band keys shared
    for id_, found in keys.items():
        for key in found:
            for other in sharing.get(key, ()):
                if other != id_:
                    shared = candidates.setdefault(id_, {})
                    shared[other] = shared.get(other, 0) + 1
    if not candidates:
        return 0
    involved = set(candidates) | {c for found in candidates.values() for c in found}
    family = {i: f for i, (f, _) in store.versions.groups_of(involved).items()}
    plans: dict[int, dict[int, list[int]]] = {}  # id -> its candidates by family, best first
    for id_ in sorted(candidates):
        by_family = plans[id_] = {}
        for other, _ in sorted(candidates[id_].items(), key=lambda kv: (-kv[1], kv[0])):
            by_family.setdefault(family[other], []).append(other)
    texts = Texts(store)
    # What every first round compares, read in one go: read round by round, it was a query
    # a round (20,000 generated articles: 717 queries; with the families' reads below, the
    # writer's versions stage 111 -> 75 µs an article).
    texts.need(
        {*plans}
        | {o for by_family in plans.values() for m in by_family.values() for o in m[:_ROUND]}
    )
    forest = Forest()
    joined = 0
    for id_, by_family in plans.items():
        matched = False
        for members in by_family.values():
            if forest.root(family[members[0]]) == forest.root(family[id_]):
                matched = True  # already one family, through another article
                continue
            for start in range(0, len(members), _ROUND):
                tried = members[start : start + _ROUND]
                texts.need([id_, *tried])
                if any(jaccard(texts[id_], texts[o]) >= limit for o in tried):
                    forest.join(family[id_], family[members[0]])
                    matched = True
                    break
        joined += matched
    # Each family joined, its members read for all of them at once (a few queries, not a
    # few for each family), then split into clusters.
    trees = list(forest.trees().values())
    members_of = store.versions.members_by_family([f for families in trees for f in families])
    joined_families = [
        sorted(m for f in families for m in members_of.get(f, ())) for families in trees
    ]
    small = [members for members in joined_families if len(members) <= MAX_FAMILY]
    texts.need({m for members in small for m in members})
    hashes = store.versions.hashes_of({m for members in small for m in members})
    groups: dict[int, tuple[int, int]] = {}
    for members in joined_families:
        if len(members) > MAX_FAMILY:
            wanted = large_family(store.versions.fingerprints_of(members))
            have = store.versions.groups_of(members)
            groups.update((i, g) for i, g in wanted.items() if g != have[i])
            continue
        clusters = partition(members, hashes, texts, limit)
        groups.update((m, (members[0], clusters[m])) for m in members)
    store.versions.set_groups(groups)
    return joined


def _holders(store: Store, keys: Mapping[int, Collection[int]]) -> dict[int, list[int]]:
    """Each band key some article being grouped shares with another: its first HEAD
    holders by id. The stored holders are looked up, those among `keys` are known here."""
    every = [key for found in keys.values() for key in found]
    found = store.versions.sharing_bands(set(every), HEAD, excluding=keys.keys())
    wanted = found.keys() | {key for key, n in Counter(every).items() if n > 1}
    if not wanted:
        return found
    own: dict[int, list[int]] = {}
    for id_ in sorted(keys):
        for key in wanted.intersection(keys[id_]):
            own.setdefault(key, []).append(id_)
    for key, holders in own.items():
        found[key] = sorted(found.get(key, []) + holders)[:HEAD]
    return found


class Forest:
    """Union-find over article ids, each tree named by its smallest id: families as pairs of
    near-duplicates join them."""

    def __init__(self) -> None:
        self._parent: dict[int, int] = {}

    def root(self, node: int) -> int:
        parent = self._parent
        while parent.get(node, node) != node:
            parent[node] = node = parent.get(parent[node], parent[node])  # path halving
        return node

    def join(self, a: int, b: int) -> None:
        a, b = self.root(a), self.root(b)
        if a != b:
            self._parent[max(a, b)] = min(a, b)

    def trees(self) -> dict[int, list[int]]:
        """Every tree of more than one node: its root -> its nodes in id order."""
        found: dict[int, list[int]] = {}
        for node in sorted(set(self._parent) | set(self._parent.values())):
            found.setdefault(self.root(node), []).append(node)
        return found


def partition(
    members: list[int],
    hashes: Mapping[int, str],
    texts: Texts | Mapping[int, Hashes],
    limit: float,
) -> dict[int, int]:
    """A family's clusters: each member -> the smallest id of its cluster (see the module's
    docstring). `members` in id order, at most MAX_FAMILY of them (the work grows with the
    cube); the result depends on hashes and texts, not ids."""
    order = sorted(members, key=lambda m: hashes[m])
    size = len(order)
    near = [[0.0] * size for _ in range(size)]
    alike = [[0.0] * size for _ in range(size)]
    for i in range(size):
        for j in range(i + 1, size):
            similarity = jaccard(texts[order[i]], texts[order[j]])
            near[i][j] = near[j][i] = float(similarity >= limit)
            alike[i][j] = alike[j][i] = similarity
    clusters: list[list[int]] = [[i] for i in range(size)]
    while True:
        best: tuple[float, float, int, int] | None = None
        for x in range(len(clusters)):
            for y in range(x + 1, len(clusters)):
                pairs = len(clusters[x]) * len(clusters[y])
                share = near[x][y] / pairs
                if share >= MERGE_SHARE and (
                    best is None or (share, alike[x][y] / pairs) > best[:2]
                ):
                    best = (share, alike[x][y] / pairs, x, y)
        if best is None:
            break
        _, _, x, y = best
        clusters[x] += clusters.pop(y)
        for matrix in (near, alike):
            for row in matrix:  # cluster y's sums join cluster x's, then y goes
                row[x] += row[y]
                del row[y]
            matrix[x] = [a + b for a, b in zip(matrix[x], matrix[y], strict=True)]
            matrix[x][x] = 0
            del matrix[y]
    named: dict[int, int] = {}
    for cluster in clusters:
        ids = [order[i] for i in cluster]
        named.update((i, min(ids)) for i in ids)
    return named


def large_family(prints: Mapping[int, bytes]) -> dict[int, tuple[int, int]]:
    """The family and clusters of a family too large to compare all pairs of: its members
    (id -> fingerprint) are versions only of those with the same fingerprint, that is
    the same band keys (the same text re-saved, re-encoded or re-spaced, or nearly)."""
    family = min(prints)
    first: dict[bytes, int] = {}
    for id_ in sorted(prints):
        first.setdefault(prints[id_], id_)
    return {i: (family, first[p]) for i, p in prints.items()}


def regroup(
    store: Store, ids: Collection[int], limit: float, lost: Mapping[int, int] | None = None
) -> None:
    """Group again the families of articles whose text changed (or that were removed: pass
    the ids that remain): they may split as well as merge.

    `lost`: band keys that changed or removed articles no longer hold -> how many of them
    let go of it. When they were among a key's first HEAD holders, the holders after
    them move up into that head: those were never compared with the holders that came
    after them, so every holder from the first one that moved up is grouped again.
    """
    families = {f for f, _ in store.versions.groups_of(ids).values()}
    members = store.versions.family_members(families)
    store.versions.set_groups({i: (i, i) for i in members})
    keys = store.versions.band_keys(members)
    if lost:
        moved: set[int] = set()
        for key, holders in store.versions.sharing_bands(lost, _EVERY).items():
            if len(holders) > HEAD - lost[key]:  # someone moved up into the head
                moved.update(holders[max(0, HEAD - lost[key]) :])
        keys.update(store.versions.band_keys(moved - set(keys)))
    group(store, keys, limit)


# sharing_bands' `head` for every holder of a key.
_EVERY = 2**62


def lost_keys(
    before: Mapping[int, Collection[int]], after: Mapping[int, Collection[int]]
) -> dict[int, int]:
    """Band keys articles held `before` and not `after` (a removed article holds none
    after) -> how many of them let go of each: what regroup's `lost` takes."""
    found: dict[int, int] = {}
    for id_, keys in before.items():
        for key in set(keys) - set(after.get(id_, ())):
            found[key] = found.get(key, 0) + 1
    return found
