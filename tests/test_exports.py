"""News-database exports: golden files per export fixture, and pieces that always rebuild
the file they were cut from."""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.text import exports
from newsarchive.text.exports.detect import HEAD_BYTES, looks_like_export
from newsarchive.text.exports.fields import parse_date

from .conftest import FIXTURES

EXPORTS = Path(__file__).parent / "export_fixtures"
CASES = sorted([*EXPORTS.glob("*.txt"), *EXPORTS.glob("*.html")])
UPDATE = os.environ.get("NEWSARCHIVE_UPDATE_GOLDEN") == "1"


def _described(data: bytes) -> dict[str, Any] | None:
    export = exports.split(data)
    if export is None:
        return None
    pieces = []
    for piece in export.pieces:
        described: dict[str, Any] = {"kind": piece.kind, "start": piece.start, "end": piece.end}
        if piece.fields is not None:
            described["place"] = piece.place
            fields = dataclasses.asdict(piece.fields)
            described["fields"] = {
                k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in fields.items() if v
            }
        pieces.append(described)
    described = {"format": export.format, "encoding": export.encoding, "pieces": pieces}
    as_json: dict[str, Any] = json.loads(json.dumps(described))  # tuples as JSON lists
    return as_json


@pytest.mark.parametrize("case", CASES, ids=[p.stem for p in CASES])
def test_golden(case: Path) -> None:
    golden = case.with_suffix(".json")
    got = _described(case.read_bytes())
    if UPDATE:
        golden.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}; NEWSARCHIVE_UPDATE_GOLDEN=1 writes it"
    assert got == json.loads(golden.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[p.stem for p in CASES])
def test_format_named_in_the_file_name_is_found(case: Path) -> None:
    export = exports.split(case.read_bytes())
    assert export is not None
    assert case.stem.startswith(export.format.replace("-", "_"))
    assert export.articles, "every fixture holds articles"
    assert [a.place for a in export.articles] == list(range(1, len(export.articles) + 1))


SINGLE_ARTICLES = sorted(FIXTURES.glob("*.txt"))


@pytest.mark.parametrize("case", SINGLE_ARTICLES, ids=[p.stem for p in SINGLE_ARTICLES])
def test_single_articles_are_not_exports(case: Path) -> None:
    assert looks_like_export(case.read_bytes()) is None
    assert exports.split(case.read_bytes()) is None


def test_forced_format_that_does_not_fit_finds_nothing() -> None:
    data = (EXPORTS / "factiva_plain.txt").read_bytes()
    assert exports.split(data, "lexisnexis") is None
    assert exports.split(data, "factiva") is not None


def test_same_article_in_two_exports_has_the_same_bytes() -> None:
    """An article's piece is its own text: numbering and surroundings stay outside it."""
    data = (EXPORTS / "lexisnexis_concatenated.txt").read_bytes()
    export = exports.split(data)
    assert export is not None
    first, *_, last = export.articles
    assert data[first.start : first.end] == data[last.start : last.end]
    assert first.fields == last.fields


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("January 11, 2010 Monday", dt.date(2010, 1, 11)),
        ("11 January 2020", dt.date(2020, 1, 11)),
        ("11. Januar 2010 Montag", dt.date(2010, 1, 11)),
        ("12 de enero de 2020", dt.date(2020, 1, 12)),
        ("Feb 1, 2020", dt.date(2020, 2, 1)),
        ("2020-01-31", dt.date(2020, 1, 31)),
        ("30.01.2020", dt.date(2020, 1, 30)),
        ("February 30, 2020", None),
        ("The Guardian (London)", None),
    ],
)
def test_parse_date(text: str, day: dt.date | None) -> None:
    assert parse_date(text) == day


def _rebuilds(data: bytes) -> None:
    export = exports.split(data)
    if export is None:
        return
    assert export.size == len(data)
    if export.text is not None:  # articles apart from the file (Mediargus): the file kept whole
        data = export.text
    position = 0
    for piece in export.pieces:
        assert piece.start == position and piece.end > piece.start
        position = piece.end
    assert position == len(data)
    assert b"".join(data[p.start : p.end] for p in export.pieces) == data
    assert [a.place for a in export.articles] == list(range(1, len(export.articles) + 1))


FIXTURE_BYTES = [case.read_bytes() for case in CASES]


@st.composite
def _mangled_exports(draw: st.DrawFn) -> bytes:
    """Fixtures cut, spliced, concatenated, with line ends changed and junk inserted."""
    data = draw(st.sampled_from(FIXTURE_BYTES))
    for _ in range(draw(st.integers(0, 3))):
        action = draw(st.sampled_from(["cut", "insert", "join", "crlf", "drop"]))
        at = draw(st.integers(0, len(data)))
        if action == "cut":
            data = data[:at]
        elif action == "insert":
            data = data[:at] + draw(st.binary(max_size=40)) + data[at:]
        elif action == "join":
            data += draw(st.sampled_from(FIXTURE_BYTES))
        elif action == "crlf":
            data = data.replace(b"\n", b"\r\n")
        else:
            data = data[:at] + data[at + draw(st.integers(0, 200)) :]
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mangled_exports())
def test_pieces_always_rebuild_the_file(data: bytes) -> None:
    _rebuilds(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=400).map(lambda t: t.encode("utf-8")))
def test_any_bytes_split_or_not(data: bytes) -> None:
    _rebuilds(data)
    for name in exports.FORMATS:
        export = exports.split(data, name)
        if export is not None:
            source = data if export.text is None else export.text
            assert b"".join(source[p.start : p.end] for p in export.pieces) == source


@pytest.mark.parametrize("case", CASES, ids=[p.stem for p in CASES])
def test_an_articles_own_bytes_give_its_fields(case: Path) -> None:
    """What ingest's workers read from an article's piece alone is what split read."""
    data = case.read_bytes()
    export = exports.split(data)
    assert export is not None
    source = data if export.text is None else export.text
    for article in export.articles:
        piece = source[article.start : article.end]
        assert exports.article_fields(export.format, piece) == article.fields


def _docx(lines: list[str]) -> bytes:
    """A minimal Word document, a paragraph per line, as Word writes its XML."""
    import io
    import zipfile
    from xml.sax.saxutils import escape

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>' for line in lines
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{w}">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


DOCX_OF = _docx  # for the ingest tests


def test_docx_text_is_a_paragraph_a_line() -> None:
    lines = (EXPORTS / "nexis_uni_cover.txt").read_text(encoding="utf-8").split("\n")[:-1]
    text = exports.docx_text(_docx(lines))
    assert text == "\n".join(lines) + "\n"
    assert exports.docx_text(b"PK\x03\x04 not really a zip") is None
    assert exports.docx_text(b"plain text") is None


@pytest.mark.parametrize(
    ("case", "after"),
    [
        ("nexis_uni_cover.txt", "Body\n"),
        ("factiva_plain.txt", "reserved.\n"),
        ("factiva_codes.txt", "TD  "),
        ("lexisnexis_cover.txt", "LENGTH: 86 words\n"),
        ("proquest_cover.txt", "Full text: "),
    ],
)
def test_an_export_whose_first_article_runs_past_the_head_is_found(case: str, after: str) -> None:
    text = (EXPORTS / case).read_text(encoding="utf-8")
    long = "A long paragraph of the first article. " * 2000  # 78 KB: past HEAD_BYTES
    at = text.index(after) + len(after)
    data = (text[:at] + long + "\n\n" + text[at:]).encode("utf-8")
    assert len(data) > HEAD_BYTES
    export = exports.split(data)
    assert export is not None
    assert len(export.articles) == len(exports.split((EXPORTS / case).read_bytes()).articles)  # type: ignore[union-attr]


_MARKUP = [
    "<article>", "</article>", "<header>", "</header>", '<span class="DocPublicationName">',
    '<span class="DocHeader">', "</span>", '<div class="titreArticle">',
    '<p class="titreArticleVisu">', '<div class="DocText">', '<div class="docAuthors">',
    '<div class="publiC-lblNodoc">', "</div>", "<p>", "</p>", "<br>",
    '<div class="article enArticle">', '<div id="hd">', '<p class="articleParagraph">',
    '<div class="author">', "<table>", "</table>", "<tr><td>", "</td></tr>", "<script>",
    "</script>", "news·20200114·GV·1", "Document ABCDEFGH12345678X", "312 mots",
    "14 janvier 2020", "2 April 2017", "532 words", "&amp;", "&nbsp;", "Text.",
]  # fmt: skip
HTML_FIXTURES = [case.read_bytes() for case in CASES if case.suffix == ".html"]


@st.composite
def _markup(draw: st.DrawFn) -> bytes:
    """An HTML export fixture, or a bare page, with markup and text put in anywhere."""
    data = draw(st.sampled_from([b"<html><body>", *HTML_FIXTURES]))
    for part in draw(st.lists(st.sampled_from(_MARKUP) | st.text(max_size=8), max_size=30)):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + part.encode("utf-8", errors="replace") + data[at:]
    return data


@settings(max_examples=300, deadline=None)
@given(_markup())
def test_any_markup_splits_or_not_and_rebuilds(data: bytes) -> None:
    """HTML exports: whatever the markup (unclosed, misnested, empty), split returns pieces
    that rebuild the file, or None; each article's own bytes give its fields."""
    _rebuilds(data)
    for name in exports.HTML_FORMATS:
        export = exports.split(data, name)
        if export is not None:
            assert b"".join(data[p.start : p.end] for p in export.pieces) == data
            for article in export.articles:
                piece = data[article.start : article.end]
                assert exports.article_fields(name, piece) == article.fields


@pytest.mark.parametrize("case", sorted(p.name for p in EXPORTS.glob("*.html")))
@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
    ids=["le", "be"],
)
def test_a_utf16_html_export_splits_as_its_utf8_form(case: str, bom: bytes, codec: str) -> None:
    """The same pieces, in the file's own bytes: each article its element's UTF-16 bytes
    (read alone, given the byte-order mark back as ingest's workers do, to the same
    fields), the byte-order mark front matter, the pieces covering the file."""
    original = (EXPORTS / case).read_bytes()
    form = exports.split(original)
    assert form is not None
    text = original.decode("cp1252" if form.encoding == "cp1252" else "utf-8")
    data = bom + text.encode(codec)
    split = exports.split(data)
    assert split is not None
    assert (split.format, split.encoding, split.size) == (form.format, codec, len(data))
    assert [(p.kind, p.place, p.fields) for p in split.pieces] == [
        (p.kind, p.place, p.fields) for p in form.pieces
    ]
    assert split.pieces[0] == exports.Piece("front", 0, split.pieces[1].start)
    assert b"".join(data[p.start : p.end] for p in split.pieces) == data
    assert [p.start for p in split.pieces[1:]] == [p.end for p in split.pieces[:-1]]
    for piece in split.articles:
        element = data[piece.start : piece.end]
        assert element.decode(codec).startswith("<")
        assert exports.article_fields(split.format, bom + element) == piece.fields


@pytest.mark.parametrize("case", ["mediargus_dutch.txt", "mediargus_french_cp1252_crlf.txt"])
def test_a_mediargus_word_document_splits_as_its_text_file(case: str) -> None:
    """The same list and texts delivered as .docx (a paragraph a line): recognised by
    their text, the same articles' text, pieces and fields as the text file's."""
    data = (EXPORTS / case).read_bytes()
    text_form = exports.split(data)
    assert text_form is not None and text_form.text is not None
    lines = data.decode(text_form.encoding).splitlines()
    rendered = exports.docx_text(_docx(lines))
    assert rendered is not None
    split = exports.split(rendered.encode("utf-8"))
    assert split is not None
    assert (split.format, split.text) == ("mediargus", text_form.text)
    assert [(p.kind, p.start, p.end, p.place, p.fields) for p in split.pieces] == [
        (p.kind, p.start, p.end, p.place, p.fields) for p in text_form.pieces
    ]
    assert len(split.articles) == len(text_form.articles) >= 2
