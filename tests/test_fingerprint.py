"""Fingerprints: the keys stored with every article, worked out one by one or many at once."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.ops.workers import prepare
from newsarchive.text import fingerprint
from tests.conftest import SEEDS

# Words, punctuation, accents, ligatures, full-width and astral letters, NUL and blanks:
# what changes where words start and end, and how they are normalised.
_WORDS = ["word", "Other", "ﬁne", "ＡＢＣ", "Straße", "ΣΊΣΥΦΟΣ", "İstanbul", "𝔘𝔫𝔦", "🙂", "42", "_"]
_BETWEEN = [" ", "  ", "\n", ",", "—", "\u00ad", "\0", "’s", "é", "e\u0301"]
_PIECES = st.sampled_from([*_WORDS, *_BETWEEN])
_TEXTS = st.lists(_PIECES, max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXTS, max_size=8))
def test_many_at_once_give_what_each_alone_gives(texts: list[str]) -> None:
    alone = [fingerprint.band_keys(fingerprint.shingles(t)) for t in texts]
    assert fingerprint.fingerprints(texts) == alone


def test_texts_too_long_to_join_are_taken_in_turns(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [f"story {n} " + " ".join(f"w{n}x{i}" for i in range(60)) for n in range(12)]
    texts[5] = ""
    whole = fingerprint.fingerprints(texts)
    monkeypatch.setattr(fingerprint, "_JOINED_CHARACTERS", 900)  # a few texts a turn
    assert fingerprint.fingerprints(texts) == whole
    assert whole == [fingerprint.band_keys(fingerprint.shingles(t)) for t in texts]
    assert whole[5] == [] and all(len(k) == fingerprint.BANDS for k in whole if k)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_is_normalised_as_any_text_is(text: str) -> None:
    assert fingerprint._normalised(text) == unicodedata.normalize("NFKC", text).casefold()


def test_the_seed_article_keeps_the_keys_it_was_stored_with() -> None:
    """Band keys are stored: a change to them must raise PARSER_VERSION (fingerprint.py)."""
    (seed,) = sorted(SEEDS.glob("*.txt"))
    (values,) = prepare([(seed.read_bytes(), seed.name)])
    assert not isinstance(values, str) and values["fingerprint"] is not None
    assert fingerprint.unpack(values["fingerprint"]) == [
        -2600961294886841659, 8598963715961384776, 8047048259357104453,
        3997112810649580328, 7040956135314701917, 7493345413896504153,
        6006940998280596108, -583704319986241614, 119548295093916036,
        -6068128218280911432, 5899051840068098813, -8405823840221933665,
        -2957167021395257005, 3505211527941891014, -6094590252829729029,
        -4437070622815359911,
    ]  # fmt: skip


def test_an_edited_copy_shares_keys_and_an_unrelated_story_does_not() -> None:
    words = [f"w{i % 97}v{i % 13}" for i in range(400)]
    other = [f"u{i % 89}z{i % 11}" for i in range(400)]
    edited = [*words[:200], "inserted", "sentence", "here", *words[200:]]
    keys = fingerprint.fingerprints([" ".join(words), " ".join(edited), " ".join(other)])
    original, copy, unrelated = (set(k) for k in keys)
    assert len(original & copy) >= fingerprint.BANDS // 2
    assert not original & unrelated
    a, b = (fingerprint.shingles(" ".join(w)) for w in (words, edited))
    assert 0.9 < fingerprint.jaccard(a, b) < 1.0


_NORMALISING = st.sampled_from(
    [*_WORDS, *_BETWEEN, "…", "\u0301", "\u0323", "\u1100", "\u1161", "\u11a8", "\uac00", "Å"]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_NORMALISING, max_size=40).map("".join))
def test_normalising_line_by_line_is_normalising_the_whole_text(text: str) -> None:
    assert fingerprint._normalised(text) == unicodedata.normalize("NFKC", text).casefold()


def _word_hash(word: str) -> int:
    """A word's hash by its definition: the polynomial hash of its code points plus one,
    mixed (what _word_hashes works out for every word at once)."""
    total = sum((ord(c) + 1) * pow(int(fingerprint._BASE), i, 2**64) for i, c in enumerate(word))
    return int(fingerprint._mix(np.array([total % 2**64], dtype=np.uint64))[0])


@settings(max_examples=500, deadline=None)
@given(st.lists(_NORMALISING, max_size=40).map("".join))
def test_words_are_hashed_as_their_definition_says(text: str) -> None:
    """Case folding by a table of code points (or, for "ß" or an astral letter, by
    str.casefold) finds and hashes the words `words` gives."""
    _, hashes = fingerprint._word_hashes(fingerprint._nfkc(text))
    assert hashes.tolist() == [_word_hash(w) for w in fingerprint.words(text)]


def test_the_fold_table_is_casefold_character_by_character() -> None:
    """Every code point of the BMP that folds to one character (surrogates aside): the
    table's values are what str.casefold and the word test make of the text."""
    text = "".join(
        c
        for c in map(chr, range(0x10000))
        if not 0xD800 <= ord(c) <= 0xDFFF and len(c.casefold()) == 1
    )
    values = fingerprint._word_values(text)
    assert values is not None
    assert np.array_equal(values, fingerprint._folded_word_values(text.casefold()))
    assert fingerprint._word_values("Straße") is None
    assert fingerprint._word_values("𝔘𝔫𝔦") is None
