"""`exports.bounds.bounds`: the pieces `split` finds, without their fields, exactly, for
every fixture and any mangling of them (line ends, encodings, byte-order marks, breaks)."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.text import exports
from newsarchive.text.exports.bounds import bounds

from .test_exports import CASES, FIXTURE_BYTES, _mangled_exports

LEXISNEXIS = [data for case, data in zip(CASES, FIXTURE_BYTES, strict=True) if "lexis" in case.name]


def _same(data: bytes, format: str = "auto") -> None:
    split = exports.split(data, format)
    found = bounds(data, format)
    if split is None:
        assert found is None
        return
    assert found is not None
    assert (found.format, found.size, found.encoding, found.text) == (
        split.format,
        split.size,
        split.encoding,
        split.text,
    )
    assert [(p.kind, p.start, p.end, p.place) for p in found.pieces] == [
        (p.kind, p.start, p.end, p.place) for p in split.pieces
    ]
    assert all(p.fields is None for p in found.pieces)


@pytest.mark.parametrize("case", CASES, ids=[p.stem for p in CASES])
@pytest.mark.parametrize("format", ["auto", *exports.FORMATS])
def test_fixtures_have_the_pieces_split_finds(case: Path, format: str) -> None:
    _same(case.read_bytes(), format)


@st.composite
def _lexisnexis_mangled(draw: st.DrawFn) -> bytes:
    """LexisNexis fixtures as `_mangled_exports` mangles them, then maybe with CR line ends,
    a cp1252 or non-breaking-space byte, a UTF-8 byte-order mark, a document word in a
    body line, lines made blank or flush left, or a label line."""
    data = draw(st.sampled_from(LEXISNEXIS) | _mangled_exports())
    for _ in range(draw(st.integers(0, 3))):
        action = draw(
            st.sampled_from(["cr", "latin", "nbsp", "bom", "word", "blank", "left", "label"])
        )
        at = draw(st.integers(0, len(data)))
        if action == "cr":
            data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")
        elif action == "latin":
            data = data[:at] + b"\xe9" + data[at:]
        elif action == "nbsp":
            data = data[:at] + draw(st.sampled_from([b"\xc2\xa0", b"\xa0", b"\x0c"])) + data[at:]
        elif action == "bom":
            data = codecs.BOM_UTF8 + data
        elif action == "word":
            data = data[:at] + b"\n1 of 3 DOCUMENTS\nDOCUMENTS\n" + data[at:]
        elif action == "blank":
            data = data[:at] + b"\n   \n" + data[at:]
        elif action == "left":
            data = data.replace(b"\n  ", b"\n", draw(st.integers(1, 40)))
        else:
            label = draw(st.sampled_from([b"LENGTH: 9 words", b"LANGUAGE: GERMAN", b"BYLINE: X"]))
            data = data[:at] + b"\n" + label + b"\n" + data[at:]
    return data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_lexisnexis_mangled(), st.sampled_from(["auto", "lexisnexis"]))
def test_any_mangled_export_has_the_pieces_split_finds(data: bytes, format: str) -> None:
    _same(data, format)


@st.composite
def _any_format_mangled(draw: st.DrawFn) -> bytes:
    """Any fixture as `_mangled_exports` mangles it, then maybe with a line of another
    format's own (a Nexis Uni "Body" or "End of Document" in any case or language, a
    ProQuest label or separator, a Factiva word count or document line) or a blank line put
    somewhere, its lines' starts unindented, CR line ends, a cp1252 byte or a byte-order
    mark: where cutting without reading the fields (a document at a time, for some formats)
    must still cut as reading them does."""
    data = draw(_mangled_exports())
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(data)))
        bytewise = draw(st.sampled_from(["line", "line", "line", "cr", "latin", "bom"]))
        if bytewise == "cr":
            data = data.replace(b"\r\n", b"\n").replace(
                b"\n", draw(st.sampled_from([b"\r", b"\r\n"]))
            )
            continue
        if bytewise == "latin":
            data = data[:at] + b"\xe9" + data[at:]
            continue
        if bytewise == "bom":
            data = codecs.BOM_UTF8 + data
            continue
        line = draw(
            st.sampled_from(
                [
                    b"Body",
                    b"End of Document",
                    b"  END OF DOCUMENT \t",
                    b"Ende des Dokuments",
                    "Ende des Do\u212auments".encode(),  # a Kelvin sign: K to re.I
                    b"Fin du document and more",
                    b"_" * 25 + b" \t",
                    b"x" + b"_" * 30,
                    b"Document 2 of 3",
                    b"Report Information from ProQuest",
                    b"Load-Date: January 12, 2021",
                    b"Section: NEWS; Pg. 3",
                    b"Full text: a line",
                    b"ProQuest document ID: 12345",
                    b"Publication title: The Echo",
                    b"_" * 60,
                    b"412 words",
                    b"Document FINCHR0020200111eg1b0000a",
                    b"HD Headline",
                    b"January 12, 2021 Tuesday",
                    b"",
                ]
            )
        )
        data = data[:at] + b"\n" + line + b"\n" + data[at:]
    return data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_any_format_mangled(), st.sampled_from(["auto", *exports.FORMATS]))
def test_any_format_cut_without_its_fields_is_cut_as_with_them(data: bytes, format: str) -> None:
    _same(data, format)


def test_a_europresse_article_too_short_to_read_is_cut_where_reading_breaks() -> None:
    """Two lines, the second a document number: not an article, so the format breaks
    there, read or not."""
    fixture = next(
        data
        for case, data in zip(CASES, FIXTURE_BYTES, strict=True)
        if case.name == "europresse_text.txt"
    )
    short = "\n\nLa Gazette du Val\n\nnews·20200301·GV·0000000099\n\n".encode()
    data = fixture + short + fixture
    export = exports.split(data)
    assert export is not None and export.pieces[-1].kind == "remainder"
    _same(data)


_END_LINES = [  # for the fixtures' "End of Document"
    b"  END OF DOCUMENT \t",
    b"Ende des Dokuments",
    "Ende des Do\u212auments".encode(),  # a Kelvin sign, a K to an expression ignoring case
    b"Fin du document",
    b"Einde van document",
]
_SEPARATORS = [b"_" * 20, b"_" * 25 + b" \t", b"_" * 80]


@pytest.mark.parametrize("line", _END_LINES)
@pytest.mark.parametrize("name", ["nexis_uni_cover", "nexis_uni_crlf_truncated"])
def test_a_document_ends_at_any_end_of_document_line_as_split_reads_it(
    name: str, line: bytes
) -> None:
    """Nexis Uni documents are cut a document at a time, their last lines found in the
    bytes: every spelling `split` reads as one is found."""
    data = next(d for c, d in zip(CASES, FIXTURE_BYTES, strict=True) if c.stem == name)
    changed = data.replace(b"End of Document", line)
    assert changed != data
    _same(changed, "auto")
    _same(changed, "nexis-uni")


@pytest.mark.parametrize(
    "line", [b"Document FINCHR0020200111eg1b0000a", b"  AN Dokument FINCHR0020200111eg1b0000a \t"]
)
def test_a_factiva_document_ends_at_any_document_line_as_split_reads_it(line: bytes) -> None:
    """Factiva documents are cut a document at a time, their last lines found in the bytes."""
    data = next(d for c, d in zip(CASES, FIXTURE_BYTES, strict=True) if c.stem == "factiva_plain")
    changed = re.sub(rb"(?m)^Document [A-Za-z0-9]{16,}(?=\r?$)", line, data)
    assert changed != data
    _same(changed, "auto")
    _same(changed, "factiva")


@pytest.mark.parametrize("line", _SEPARATORS)
@pytest.mark.parametrize("name", ["proquest_cover", "proquest_german"])
def test_documents_lie_between_any_separator_line_as_split_reads_it(name: str, line: bytes) -> None:
    """ProQuest documents are cut a document at a time, their separators found in the bytes:
    every separator `split` reads as one is found."""
    data = next(d for c, d in zip(CASES, FIXTURE_BYTES, strict=True) if c.stem == name)
    changed = re.sub(rb"(?m)^_{20,}[ \t]*(?=\r?$)", line, data)
    assert changed != data
    _same(changed, "auto")
    _same(changed, "proquest")


_EUROPRESSE_LINES = [
    "",
    " \t",
    "\xa0",  # a no-break space: blank to str.strip, not to bytes.strip
    "\x1c",  # a separator that str.strip takes for whitespace
    "Ce document est réservé à l'usage exclusif de l'utilisateur • Tous droits réservés",
    "Le présent document est protégé par les lois et conventions internationales.",
    "Certificat émis le 7 décembre 2026 à UNIVERSITE-EXEMPLE.",
    "  CERTIFICATE ISSUED to someone",
    "La Gazette du Val, no. 21874",
    "Économie, mardi 14 janvier 2020 312 mots, p. 14",
    "Les coopératives laitières du Val misent sur le bio",
    "Jeanne Martin",
    "Dans la vallée, les cuves ne se remplissent plus comme avant.",
    "© 2020 La Gazette du Val. Tous droits réservés.",
    "news·20200114·GV·0000000001",
    "Numéro de document : news·20200114·GV·0000000002",
    "  news·20200115·GV·0000000003  ",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_EUROPRESSE_LINES), max_size=40),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.sampled_from(["utf-8", "cp1252"]),
    st.booleans(),
)
def test_a_europresse_text_of_any_lines_is_cut_as_reading_it_cuts(
    lines: list[str], newline: str, encoding: str, ended: bool
) -> None:
    """bounds reads each document's opening a line at a time (bounds._opening): the lines
    of Europresse's own around its numbers, blank lines of every kind, any line ends and
    either encoding, cut as split cuts them."""
    text = newline.join(lines) + (newline if ended else "")
    _same(text.encode(encoding), "europresse")
    _same(text.encode(encoding), "auto")
