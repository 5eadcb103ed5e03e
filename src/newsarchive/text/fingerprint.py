"""Fingerprints that find versions of one story: word 5-shingles, MinHash, LSH bands.

Two articles are versions of each other when the Jaccard similarity of their sets of word
5-shingles (headline, dek and story text; case, accents' forms and punctuation ignored) is
at least the threshold (`versions.threshold` in the archive, default DEFAULT_THRESHOLD).
Comparing every pair costs a scan of the archive per article; instead each article gets
BANDS band keys, each the hash of ROWS MinHash values, and only articles sharing a band key
are compared, exactly, by their shingles. Two articles of Jaccard similarity J share a key
with probability 1 - (1 - J**ROWS)**BANDS: 0.99 at J = 0.5, 0.9998 at J = 0.7, 0.0016 at
J = 0.01 (unrelated stories sharing a phrase or two). The threshold and these numbers come
from bench/versions_eval.py (bench/README.md).

Written here in a few dozen lines over NumPy rather than taken from datasketch: its MinHash
hashes shingles one Python call at a time (about 5 ms an article, more than parsing it),
its LSH index lives in memory or Redis, not in the archive's database, and it brings SciPy.
Here a word's hash is a polynomial hash of its code points computed for all words at once
from prefix sums (arithmetic modulo 2**64, which NumPy's uint64 wraps to), a shingle's
combines its words', and one-permutation MinHash (band_keys) needs a single sort: about
0.1 ms an article, most of it NumPy's per-call cost, so ingest's workers fingerprint the
articles of a chunk together (`fingerprints`, about 0.05 ms an article, a fifth of parsing
it). The hashes are stable across
processes, machines and runs (no Python `hash`) because band keys are stored: a change
that alters them must raise parser.PARSER_VERSION, so that `reparse` keys every article
again.
"""

from __future__ import annotations

import functools
import re
import struct
import unicodedata
from collections.abc import Iterator, Sequence
from typing import cast

import numpy as np
import numpy.typing as npt

SHINGLE_WORDS = 5
BANDS = 16
ROWS = 2
# Jaccard similarity of word 5-shingles at or above which two articles are versions.
DEFAULT_THRESHOLD = 0.5

Hashes = npt.NDArray[np.uint64]

_WORD = re.compile(r"\w+")
_U64 = np.uint64
_BASE = _U64(0x100000001B3)  # odd, so invertible modulo 2**64
_BASE_INVERSE = _U64(pow(int(_BASE), -1, 2**64))


def _constants(count: int, seed: int) -> Hashes:
    generator = np.random.Generator(np.random.PCG64(seed))
    return generator.integers(0, 2**64, size=count, dtype=np.uint64, endpoint=False)


_BINS = BANDS * ROWS
_BIN_STARTS = np.arange(_BINS, dtype=np.uint64) * _U64(2**64 // _BINS)
_BAND_SALT = _constants(BANDS, 3)
_ROW_WEIGHTS = _constants(ROWS, 4) | _U64(1)
_POSITION_WEIGHTS = _constants(SHINGLE_WORDS, 5) | _U64(1)


def story_text(headline: str, dek: str | None, body: str) -> str:
    """The text an article is compared by: what a reader reads (not links or furniture)."""
    return f"{headline}\n{dek or ''}\n{body}"


def words(text: str) -> list[str]:
    """The words shingles are made of (what `\\w+` finds), for readers of this module's rule."""
    return _WORD.findall(_normalised(text))


def shingles(text: str) -> Hashes:
    """The sorted, distinct 64-bit hashes of the text's word 5-shingles (one shingle of all
    its words when it has fewer than five): the words `words` gives, found and hashed as
    arrays of code points (a regular expression's word list costs three times as much)."""
    parts = list(_shingle_stream([text]))
    hashed = np.sort(np.concatenate(parts)) if parts else np.empty(0, dtype=np.uint64)
    del parts
    if not len(hashed):
        return hashed
    distinct = np.empty(len(hashed), dtype=np.bool_)
    distinct[0] = True
    np.not_equal(hashed[1:], hashed[:-1], out=distinct[1:])
    return hashed[distinct]  # np.unique does the same at several times the cost


def _shingle_stream(parts: Sequence[str]) -> Iterator[Hashes]:
    """The (unsorted) shingle hashes of the text `parts` make joined by newlines (never
    joined here: a huge article's story is not copied), normalised and hashed a window at
    a time:
    the arrays of a window's code points take about 40 bytes a character, and NFKC of a
    whole article 15 (a 50 MB article took 2 GB, issue 22). Each window ends before a
    whitespace character, which normalisation leaves apart from its neighbours and no word
    holds; a word's hash does not depend on where it stands, so the shingles that span two
    windows are made from the last words of one and the first of the next."""
    carried = np.empty(0, dtype=np.uint64)  # the last words of the windows so far
    shingled = False
    for window in (window for part in parts for window in _windows(part)):
        _, word_hashes = _word_hashes(_nfkc(window))
        joined = np.concatenate((carried, word_hashes)) if len(carried) else word_hashes
        if len(joined) >= SHINGLE_WORDS:
            shingled = True
            yield _mix(_combined(joined, SHINGLE_WORDS))
        carried = joined[-(SHINGLE_WORDS - 1) :].copy()  # not a view of the whole window
    if not shingled and len(carried):  # fewer words than a shingle: one of all of them
        yield _mix(_combined(carried, len(carried)))


def _windows(text: str) -> Iterator[str]:
    """The text in pieces of about _WINDOW_CHARACTERS, each ending before a whitespace
    character (a text without one is one piece)."""
    begin = 0
    while begin < len(text):
        boundary = _SPACE.search(text, begin + _WINDOW_CHARACTERS)
        end = boundary.start() if boundary else len(text)
        yield text[begin:end] if begin or end < len(text) else text
        begin = end


# Characters of a text hashed in one set of arrays (see _shingle_stream).
_WINDOW_CHARACTERS = 1 << 18
_SPACE = re.compile(r"\s")


def _word_hashes(text: str) -> tuple[npt.NDArray[np.intp], Hashes]:
    """Where each word of an NFKC text starts (in code points of its case-folded form), and
    its hash. A word's hash does not depend on where it stands, so texts can be hashed
    joined."""
    values = _word_values(text)
    if values is None:
        values = _folded_word_values(text.casefold())
    return _hashed_words(values)


def _word_values(text: str) -> npt.NDArray[np.uint32] | None:
    """Each code point of an NFKC text's case-folded form, plus one, where it is a word
    character (what `\\w` matches), else 0: `_folded_word_values(text.casefold())`,
    but by one look-up in a table per code point (_fold_table) instead of str.casefold
    (which cost more than the hashing: 20 µs of a generated article's 75) and the test
    of each folded character. The same values because casefold maps each character on its
    own, without context: where every character folds to one, the folded text is the table's
    folds in place, and the table holds what the word test makes of each. None when the
    table cannot say (a character past the BMP, or one that folds to several, "ß" ->
    "ss", which moves every position after it): the caller folds the text itself."""
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    if not len(points):
        return points
    if points.max() > 0xFFFF:
        return None
    # np.take, not indexing: a third of its cost here (the indices made intp first, half).
    values = np.take(_fold_table(), points.astype(np.intp))
    return None if values.max() == _SEVERAL else values


def _folded_word_values(folded: str) -> npt.NDArray[np.uint32]:
    """`_word_values` of a text already case-folded, character by character (the way for
    any text: astral characters, folds to several characters)."""
    points = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32)
    return np.where(_is_word(points), points + np.uint32(1), np.uint32(0))


def _hashed_words(values: npt.NDArray[np.uint32]) -> tuple[npt.NDArray[np.intp], Hashes]:
    """Where each word starts, and its hash, from `_word_values`: the polynomial hash of
    its code points plus one, from prefix sums over the whole text."""
    count = len(values)
    in_word = np.zeros(count + 2, dtype=np.bool_)
    np.not_equal(values, 0, out=in_word[1:-1])
    edges = np.flatnonzero(in_word[1:] != in_word[:-1])
    starts, ends = edges[0::2], edges[1::2]
    if not len(starts):
        return starts, np.empty(0, dtype=np.uint64)
    powers, inverse = _powers(count + 1)
    with np.errstate(over="ignore"):
        prefix = np.empty(count + 1, dtype=np.uint64)
        prefix[0] = 0
        # A character outside words adds 0 here, and is never inside a word's span below.
        np.multiply(values, powers[:count], out=prefix[1:])
        np.cumsum(prefix[1:], out=prefix[1:])
        # A word's hash is (prefix[end] - prefix[start]) / BASE**start, mixed.
        hashed = np.take(prefix, ends)
        hashed -= np.take(prefix, starts)
        hashed *= np.take(inverse, starts)
        return starts, _mix(hashed)


def _combined(word_hashes: Hashes, span: int) -> Hashes:
    """Each run of `span` words' hashes, combined with a weight per position."""
    count = len(word_hashes) - span + 1
    combined = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for position in range(span):
            combined += word_hashes[position : position + count] * _POSITION_WEIGHTS[position]
    return combined


def _shingle_hashes(word_hashes: Hashes) -> Hashes:
    """The (unsorted) hashes of a text's shingles, from its words' hashes."""
    if not len(word_hashes):
        return np.empty(0, dtype=np.uint64)
    return _mix(_combined(word_hashes, min(SHINGLE_WORDS, len(word_hashes))))


def band_keys(hashes: Hashes) -> list[int]:
    """The article's BANDS LSH keys, as signed 64-bit integers (what SQL stores); [] for
    a text without words.

    One-permutation MinHash: the hashes (already mixed, so a random permutation) fall into
    BANDS * ROWS bins by their top bits, and a bin's value is its smallest hash, which two
    texts share with probability their Jaccard similarity. The hashes come sorted, so each
    bin's smallest is found by binary search. An empty bin (a short text) borrows the value
    of the next full one, shifted by the distance ("rotation" densification), so two texts
    still agree on it exactly when they agree on that bin.
    """
    if not len(hashes):
        return []
    first = np.searchsorted(hashes, _BIN_STARTS)
    last = np.append(first[1:], len(hashes))
    values = hashes[np.minimum(first, len(hashes) - 1)]
    _densify(values, first != last)
    return _keys(values[None, :])[0]


def fingerprints(texts: Sequence[str]) -> list[list[int]]:
    """`band_keys(shingles(text))` of each text, worked out for many at once: NumPy's cost
    per call, not the arithmetic, is most of one article's fingerprint (it nearly doubled
    what parsing costs), so texts are joined and hashed as one array, then each bin's
    smallest hash is found for every text in one pass. Texts are taken about
    _JOINED_CHARACTERS at a time, so memory stays bounded with long ones."""
    found: list[list[int]] = []
    start = 0
    while start < len(texts):
        end, size = start, 0
        while end < len(texts) and (end == start or size + len(texts[end]) <= _JOINED_CHARACTERS):
            size += len(texts[end]) + 1
            end += 1
        if end == start + 1 and len(texts[start]) > _WINDOW_CHARACTERS:
            found.append(_long_fingerprint([texts[start]]))
        else:
            found += _fingerprints([_nfkc(t) for t in texts[start:end]])
        start = end
    return found


# About 40 articles: arrays that stay in the CPU's caches (1,000 generated articles
# fingerprinted together, 2**20 characters at a time: 76-79 µs an article; 2**17: 58-65).
_JOINED_CHARACTERS = 1 << 17


def story_fingerprints(stories: Sequence[tuple[str, str | None, str]]) -> list[list[int]]:
    """`fingerprints` of the story texts of (headline, dek, body) triples: a long one's
    (a body past _WINDOW_CHARACTERS) from its parts, never joined into one more copy."""
    found: list[list[int] | None] = [None] * len(stories)
    short = [i for i, (_, _, body) in enumerate(stories) if len(body) <= _WINDOW_CHARACTERS]
    for i, keys in zip(short, fingerprints([story_text(*stories[i]) for i in short]), strict=True):
        found[i] = keys
    for i, (headline, dek, body) in enumerate(stories):
        if found[i] is None:
            found[i] = _long_fingerprint([headline, dek or "", body])
    return [keys or [] for keys in found]


def _long_fingerprint(parts: Sequence[str]) -> list[int]:
    """`band_keys(shingles(text))` of one long text (given as `parts` joined by newlines),
    a window at a time: each bin's smallest hash is all MinHash keeps, so the shingles are
    never all held."""
    smallest = np.full(_BINS, np.iinfo(np.uint64).max, dtype=np.uint64)
    full = np.zeros(_BINS, dtype=np.bool_)
    for hashed in _shingle_stream(parts):
        bins = (hashed >> _U64(64 - 5)).astype(np.intp)
        np.minimum.at(smallest, bins, hashed)
        full[bins] = True
    if not full.any():
        return []
    _densify(smallest, full)
    return _keys(smallest[None, :])[0]


def _fingerprints(texts: list[str]) -> list[list[int]]:
    """`fingerprints` of NFKC texts (not yet case-folded), in one pass."""
    count = len(texts)
    coded = _word_values("\0".join(texts))
    if coded is None:  # folded by str.casefold: positions move
        texts = [t.casefold() for t in texts]
        coded = _folded_word_values("\0".join(texts))
    offsets = np.zeros(count + 1, dtype=np.int64)
    np.cumsum([len(t) + 1 for t in texts], out=offsets[1:])  # each text and a separator
    starts, word_hashes = _hashed_words(coded)
    text_of = np.searchsorted(offsets, starts, side="right") - 1  # each word's text
    words_in = np.bincount(text_of, minlength=count)
    found: list[list[int] | None] = [None] * count
    for i in np.flatnonzero(words_in < SHINGLE_WORDS):  # a single shingle, or none
        found[i] = band_keys(_shingle_hashes(word_hashes[text_of == i]))
    if len(word_hashes) >= SHINGLE_WORDS:
        combined = _combined(word_hashes, SHINGLE_WORDS)
        whole = text_of[: len(combined)] == text_of[SHINGLE_WORDS - 1 :]  # not across texts
        hashed = _mix(combined[whole])
        bins = text_of[: len(combined)][whole] * _BINS + (hashed >> _U64(64 - 5)).astype(np.intp)
        smallest = np.full(count * _BINS, np.iinfo(np.uint64).max, dtype=np.uint64)
        np.minimum.at(smallest, bins, hashed)
        full = np.bincount(bins, minlength=count * _BINS).reshape(count, _BINS) > 0
        values = smallest.reshape(count, _BINS)
        for i in np.flatnonzero(~full.all(axis=1)):
            if found[i] is None:
                _densify(values[i], full[i])
        keys = _keys(values)
        for text, text_keys in enumerate(keys):
            if found[text] is None:
                found[text] = text_keys
    return [k if k is not None else [] for k in found]


def _densify(values: Hashes, full: npt.NDArray[np.bool_]) -> None:
    """Fill each empty bin (see band_keys) from the next full one, in place."""
    empty = np.flatnonzero(~full)
    if len(empty):
        filled = np.flatnonzero(full)
        for bin_ in empty:  # the next full bin, going round
            donor = filled[np.searchsorted(filled, bin_) % len(filled)]
            distance = (int(donor) - int(bin_)) % _BINS
            values[bin_] = _mix(values[donor : donor + 1] + _U64(distance))[0]


def _keys(values: Hashes) -> list[list[int]]:
    """Band keys from each row of bin values (texts x BINS)."""
    with np.errstate(over="ignore"):
        rows = values.reshape(-1, BANDS, ROWS) * _ROW_WEIGHTS[None, None, :]
        keys = _mix(rows.sum(axis=2, dtype=np.uint64) ^ _BAND_SALT[None, :])
    return cast(list[list[int]], keys.view(np.int64).tolist())


def jaccard(a: Hashes, b: Hashes) -> float:
    """Jaccard similarity of two shingle sets (as `shingles` gives them)."""
    if not len(a) or not len(b):
        return 0.0
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / (len(a) + len(b) - shared)


def pack(keys: Sequence[int]) -> bytes:
    """Band keys as the bytes stored with the article (to find its band rows again)."""
    return struct.pack(f"<{len(keys)}q", *keys)


def unpack(data: bytes) -> list[int]:
    return [key for (key,) in struct.iter_unpack("<q", data)]


def _normalised(text: str) -> str:
    """The text words are found in: NFKC, case-folded."""
    if text.isascii():  # NFKC leaves ASCII be, and casefold is lower there: 10x quicker
        return text.lower()
    return _nfkc(text).casefold()


def _nfkc(text: str) -> str:
    """The text in NFKC (what `_normalised` case-folds)."""
    if text.isascii():
        return text
    # Most text is in NFKC already, and asking costs a tenth of normalising it. Else only
    # the lines that are not are normalised (an ellipsis or a ligature in one paragraph
    # made a third of generated articles pay ~140 µs for the whole text): a line end is a
    # normalisation boundary (a starter that composes with nothing, either side), so
    # normalising line by line gives exactly what normalising the whole text does.
    if not unicodedata.is_normalized("NFKC", text):
        text = "\n".join(
            line if unicodedata.is_normalized("NFKC", line) else unicodedata.normalize("NFKC", line)
            for line in text.split("\n")
        )
    return text


# In _fold_table: a character that case-folds to several.
_SEVERAL = 0xFFFFFFFF


@functools.cache
def _fold_table() -> npt.NDArray[np.uint32]:
    """For each code point of the Basic Multilingual Plane, what `_word_values` makes of
    it: its case-folded code point plus one when that is a word character, 0 when it is
    not, _SEVERAL when it folds to more than one character (about 10 ms, once a process)."""
    values: list[int] = []
    for point in range(0x10000):
        folded = chr(point).casefold()
        if len(folded) != 1:
            values.append(_SEVERAL)
        else:  # the word test of _word_table and _is_word (a BMP character may fold past it)
            values.append(ord(folded) + 1 if folded.isalnum() or folded == "_" else 0)
    return np.array(values, dtype=np.uint32)


@functools.cache
def _word_table() -> npt.NDArray[np.bool_]:
    """Which code points of the Basic Multilingual Plane `\\w` matches: letters and digits of
    every script (str.isalnum, as the re module decides) and the underscore."""
    table = np.fromiter((chr(c).isalnum() for c in range(0x10000)), dtype=np.bool_)
    table[ord("_")] = True
    return table


_powers_cache: list[tuple[Hashes, Hashes]] = []


def _powers(count: int) -> tuple[Hashes, Hashes]:
    """BASE**i and BASE**-i for i < count (at least), computed once and grown by doubling."""
    if not _powers_cache or len(_powers_cache[0][0]) < count:
        size = max(count, 2 * len(_powers_cache[0][0]) if _powers_cache else 4096)
        with np.errstate(over="ignore"):
            powers = np.concatenate(([_U64(1)], np.cumprod(np.full(size - 1, _BASE))))
            inverse = np.concatenate(([_U64(1)], np.cumprod(np.full(size - 1, _BASE_INVERSE))))
        _powers_cache[:] = [(powers, inverse)]
    return _powers_cache[0]


def _is_word(points: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    table = _word_table()
    if not len(points) or points.max() < 0x10000:
        return table[points]
    inside = points < 0x10000
    found = np.zeros(len(points), dtype=np.bool_)
    found[inside] = table[points[inside]]
    for i in np.flatnonzero(~inside):  # beyond the BMP (emoji, rare scripts): asked one by one
        found[i] = chr(int(points[i])).isalnum()
    return found


def _mix(values: Hashes) -> Hashes:
    """SplitMix64's finaliser: every input bit flips each output bit with odds near 1/2."""
    values = values ^ (values >> _U64(30))
    values = values * _U64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> _U64(27))
    values = values * _U64(0x94D049BB133111EB)
    return values ^ (values >> _U64(31))
