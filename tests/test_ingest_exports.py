"""Ingesting news-database exports and files that are not articles, on both engines: each
article stored on its own with its place in the file, publication and date; the file
rebuilt from what is stored; JSON, images and the like skipped in folders."""

from __future__ import annotations

import codecs
import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsarchive.ops.ingest import Ingester
from newsarchive.ops.ingest_files import not_an_article
from newsarchive.storage import config
from newsarchive.storage.archive import Archive, open_archive
from newsarchive.text import exports

from .conftest import SEEDS, Run

EXPORTS = Path(__file__).parent / "export_fixtures"
COVER = EXPORTS / "lexisnexis_cover.txt"
SPLIT = {p: exports.split(p.read_bytes()) for p in sorted(EXPORTS.glob("*.txt"))}
PIECES = sum(1 for e in SPLIT.values() if e for p in e.pieces if p.kind != "front")


@pytest.fixture
def archive(archive_url: str, tmp_path: Path) -> Iterator[Archive]:
    archive = open_archive(config.resolve(archive_url, tmp_path), create=True)
    yield archive
    archive.close()


def _rebuilt(archive: Archive) -> dict[str, bytes]:
    """Every export kept, rebuilt from its layout and its articles' raw bytes."""
    out: dict[str, bytes] = {}
    with archive.reading() as store:
        for export in store.export_files.layouts():
            sha256, layout, filler = export.sha256, export.layout, export.filler
            raws = store.export_files.raw_by_hash({value for kind, value in layout if kind == "a"})
            data, at = b"", 0
            for kind, value in layout:
                if kind == "a":
                    data += raws[value]
                else:
                    data, at = data + filler[at : at + value], at + value
            out[sha256] = data
    return out


def test_each_article_of_an_export_is_stored_with_its_place_date_and_publication(
    archive_url: str, run: Run, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    export = shutil.copy(COVER, folder / "export.TXT")
    result = run("ingest", folder)
    assert result.returncode == 0, result.stderr
    assert result.stderr.decode() == (
        "Read 1 file (3 articles from 1 news-database export): added 3, already present 0, "
        "refused 0.\n"
    )
    listed = json.loads(run("list", "--json").stdout)
    assert [(a["headline"], a["published"], a["date_source"], a["place"]) for a in listed] == [
        (
            "Island votes to keep its ferry; Council rejects bridge plan",
            "2010-01-13",
            "export",
            [3, 3],
        ),
        ("", "2010-01-12", "export", [2, 3]),
        ("Harbour ferry fares to rise by a fifth", "2010-01-11", "export", [1, 3]),
    ]
    first = listed[-1]["id"]
    shown = json.loads(run("show", str(first), "--json").stdout)
    assert shown["publication"] == "The Daily Telegraph (London)"
    assert shown["byline"] == "Jane Marlow, Transport Correspondent"
    assert shown["places"] == [[1, 3]]
    assert {"kind": "field", "text": "Section: NEWS; Pg. 12"} in shown["meta"]
    assert [b["text"][:24] for b in shown["blocks"]] == [
        "Ferry fares across the h",
        "The increase, the second",
        '"We have no choice," a s',
    ]
    text = " ".join(run("show", str(first)).stdout.decode().split())  # unwrapped
    assert "The Daily Telegraph (London)" in text
    assert f"Source: {export} (article 1 of 3)" in text
    data = Path(export).read_bytes()
    piece = exports.split(data)
    assert piece is not None
    article = piece.articles[0]
    assert run("show", str(first), "--raw").stdout == data[article.start : article.end]
    again = run("ingest", folder)
    assert again.returncode == 0
    assert "added 0, already present 3" in again.stderr.decode()
    verified = run("verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_the_file_rebuilds_from_what_is_stored_and_verify_notices_when_not(
    archive: Archive, archive_url: str, run: Run
) -> None:
    report = Ingester(archive, jobs=0).run(sorted(EXPORTS.glob("*.txt")))
    assert report.refused == []
    assert (report.exports, report.export_pieces) == (len(SPLIT), PIECES)
    rebuilt = _rebuilt(archive)
    originals = {
        hashlib.sha256(p.read_bytes()).hexdigest(): p.read_bytes() for p in EXPORTS.glob("*.txt")
    }
    assert rebuilt == originals
    assert run("verify").returncode == 0
    with archive.writing() as store:  # an article's bytes lost (not deleted: deleting marks)
        (article_id,) = [a.id for a in store.list(limit=1).articles]
        sha = store.records.sha256_of(article_id)
        store.changes.update_articles([{"id": article_id, "sha256": "0" * 64}])
    result = run("verify")
    assert result.returncode != 0
    assert "1 of its articles are gone" in (result.stdout + result.stderr).decode()
    with archive.writing() as store:
        store.changes.update_articles([{"id": article_id, "sha256": sha}])
        store.changes.delete_articles([article_id])  # deleted by hand: said, not a problem
    result = run("verify")
    assert result.returncode == 0, result.stderr
    assert "1 of its articles were deleted." in result.stderr.decode()


def test_publication_filters_list_and_search(archive_url: str, run: Run) -> None:
    assert run("ingest", *sorted(EXPORTS.glob("*.txt"))).returncode == 0
    listed = json.loads(run("list", "--publication", "GUARDIAN", "--json").stdout)
    assert sorted(a["headline"] for a in listed) == ["", ""]
    found = json.loads(run("search", "harbour", "--publication", "telegraph", "--json").stdout)
    assert [a["headline"] for a in found] == ["Harbour ferry fares to rise by a fifth"]
    # LIKE's wildcards are the user's text, not patterns.
    assert json.loads(run("list", "--publication", "%", "--json").stdout) == []
    stats = json.loads(run("stats", "--json").stdout)
    assert stats["publications"]["The Guardian (London)"] == 2
    named = {
        hashlib.sha256(p.read_bytes()[a.start : a.end]).hexdigest()
        for p, e in SPLIT.items()
        if e
        for a in e.articles
        if a.fields and a.fields.publication
    }
    assert stats["with_publication"] == len(named)


def test_format_single_keeps_the_file_whole_and_a_named_format_refuses_others(
    archive_url: str, run: Run
) -> None:
    result = run("ingest", "--format", "single", COVER)
    assert result.returncode == 0
    assert result.stderr.decode().startswith("Read 1 file: added 1,")
    other = EXPORTS / "lexisnexis_broken.txt"
    result = run("ingest", "--format", "proquest", other, EXPORTS / "proquest_german.txt")
    assert result.returncode == 3, result.stderr
    assert "not a ProQuest export (--format auto reads any file)" in result.stderr.decode()
    assert "(2 articles from 1 news-database export): added 2" in result.stderr.decode()


def test_a_broken_tail_is_kept_whole_as_an_article(archive: Archive) -> None:
    report = Ingester(archive, jobs=0).run([EXPORTS / "lexisnexis_broken.txt"])
    assert (report.added, report.export_pieces) == (3, 3)
    with archive.reading() as store:
        rest = store.get(1 if store.get(1).headline.startswith("5 of 9") else 3)
    assert rest.headline == "5 of 9 DOCUMENTS"
    assert rest.places == ((3, 3),)


def test_reparse_reads_export_articles_as_exports(
    archive: Archive, archive_url: str, run: Run
) -> None:
    Ingester(archive, jobs=0).run(sorted(EXPORTS.glob("*.txt")))
    with archive.writing() as store:  # as if an older parser had read them all
        ids = [a.id for a in store.list(all_versions=True).articles]
        store.changes.update_articles([{"id": i, "parser_version": 0} for i in ids])
    result = run("reparse")
    assert result.returncode == 0, result.stderr
    assert f"0 changed, {len(ids)} unchanged" in result.stderr.decode()


NOT_ARTICLES = {
    "labels.json": (b'{\n  "headline": "A",\n  "date": "2020-01-01"\n}\n', "JSON"),
    "lines.jsonl": (b'{"a": 1}\n{"a": 2}\n', "JSON Lines"),
    "feed.xml": (b'<?xml version="1.0"?>\n<rss><channel/></rss>\n', "XML"),
    "table.csv": (b"id,headline,date\n1,A,2020\n2,B,2021\n3,C,2022\n", "CSV"),
    "paper.pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF document"),
    "story.docx": (b"PK\x03\x04\x14\x00\x06\x00", "ZIP archive or office document"),
    "photo.jpg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "JPEG image"),
    "corpus.tar.gz": (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip archive"),
}


@pytest.mark.parametrize("name", sorted(NOT_ARTICLES))
def test_what_is_not_an_article_is_told_by_content(name: str) -> None:
    data, kind = NOT_ARTICLES[name]
    assert not_an_article(data) == kind


@pytest.mark.parametrize(
    "text",
    [
        b"Headline, with a comma\n\nA paragraph, with commas, here.\n\nAnother.\n",
        b"[Update] Markets fall\n\nShares fell.\n",
        b"{Sic} braces in a headline\n\nBody.\n",
    ],
)
def test_articles_are_not_mistaken_for_data(text: bytes) -> None:
    assert not_an_article(text) is None


def test_files_that_are_not_articles_are_skipped_in_folders_and_refused_when_named(
    archive_url: str, run: Run, tmp_path: Path
) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"A headline\n\nA body.\n")
    for name, (data, _) in NOT_ARTICLES.items():
        (folder / name).write_bytes(data)
    result = run("ingest", folder)
    assert result.returncode == 0, result.stderr
    assert result.stderr.decode() == (
        "Read 1 file: added 1, already present 0, refused 0; skipped 8 files that are not "
        "articles (1 CSV, 1 JPEG image, 1 JSON, 1 JSON Lines, 1 PDF document, 1 XML, "
        "1 ZIP archive or office document, 1 gzip archive; name one outright to hear why).\n"
    )
    named = run("ingest", folder / "labels.json")
    assert named.returncode == 3
    assert "labels.json: JSON, not an article" in named.stderr.decode()


def test_the_label_files_of_the_structured_corpus_are_skipped(corpora: Path) -> None:
    folder = corpora / "structured"
    labels = sorted(folder.rglob("*.json"))[:50]
    assert labels and all(not_an_article(p.read_bytes()) == "JSON" for p in labels)
    texts = sorted(folder.rglob("*.txt"))[:200]
    assert all(not_an_article(p.read_bytes()) is None for p in texts)


def test_copy_and_export_import_keep_places_and_copy_keeps_the_files(
    archive_url: str, run: Run, tmp_path: Path
) -> None:
    source = tmp_path / "source.db"
    assert run("--db", source, "ingest", COVER).returncode == 0
    copied = run("--db", source, "copy", archive_url)
    assert copied.returncode == 0, copied.stderr
    listed = json.loads(run("list", "--json").stdout)
    assert sorted(a["place"] for a in listed) == [[1, 3], [2, 3], [3, 3]]
    verified = run("verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    archive = open_archive(config.resolve(archive_url, tmp_path), create=False)
    try:
        assert list(_rebuilt(archive).values()) == [COVER.read_bytes()]
    finally:
        archive.close()
    exported = tmp_path / "a.jsonl"
    assert run("--db", source, "export", "-o", exported).returncode == 0
    other = tmp_path / "other.db"
    imported_run = run("--db", other, "import", exported)
    assert imported_run.returncode == 0
    assert "news-database exports kept 1" in imported_run.stderr.decode()
    imported = json.loads(run("--db", other, "list", "--json").stdout)
    assert sorted(a["place"] for a in imported) == [[1, 3], [2, 3], [3, 3]]
    # The file's layout came along: it rebuilds there, and verify says so.
    assert run("--db", other, "verify").returncode == 0
    moved = open_archive(config.resolve(str(other), tmp_path), create=False)
    try:
        assert list(_rebuilt(moved).values()) == [COVER.read_bytes()]
    finally:
        moved.close()
    again = tmp_path / "b.jsonl"
    assert run("--db", other, "export", "-o", again).returncode == 0
    assert again.read_bytes() == exported.read_bytes()
    again_import = run("--db", other, "import", exported)
    assert "news-database exports kept" not in again_import.stderr.decode()


def test_a_json_lines_export_carries_a_layout_only_when_all_its_articles_go(
    run: Run, tmp_path: Path
) -> None:
    source = tmp_path / "source.db"
    assert run("--db", source, "ingest", COVER, SEEDS).returncode == 0
    ids = {a["place"][0] if a["place"] else 0: str(a["id"]) for a in _listed(run, source)}
    every = run("--db", source, "export", "--id", ids[1], "--id", ids[2], "--id", ids[3])
    lines = every.stdout.decode().splitlines()
    assert len(lines) == 4 and json.loads(lines[-1])["export_file"] == _sha256(COVER)
    some = run("--db", source, "export", "--id", ids[1], "--id", ids[0]).stdout.decode()
    assert len(some.splitlines()) == 2 and "export_file" not in some
    other = tmp_path / "other.db"
    (tmp_path / "some.jsonl").write_text(some, encoding="utf-8")
    assert run("--db", other, "import", tmp_path / "some.jsonl").returncode == 0
    assert run("--db", other, "verify").returncode == 0


def test_an_export_file_line_that_does_not_add_up_is_refused_and_the_rest_land(
    run: Run, tmp_path: Path
) -> None:
    source = tmp_path / "source.db"
    assert run("--db", source, "ingest", COVER).returncode == 0
    lines = run("--db", source, "export").stdout.decode().splitlines()
    layout = json.loads(lines[-1])
    layout["layout"].append(["f", 5])
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join([*lines[:-1], json.dumps(layout)]) + "\n", encoding="utf-8")
    other = tmp_path / "other.db"
    result = run("--db", other, "import", broken)
    assert result.returncode == 3
    err = result.stderr.decode()
    assert "line 4: the layout's filler runs do not add up to its filler" in err
    assert "added 3" in err and "refused 1" in err


def _listed(run: Run, db: Path) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = json.loads(run("--db", db, "list", "--json").stdout)
    return listed


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_utf16_export_is_split_and_its_articles_read(
    archive: Archive, archive_url: str, tmp_path: Path
) -> None:
    """Windows' "Unicode": UTF-16 with a byte-order mark before the first article only."""
    text = COVER.read_bytes().decode("utf-8").replace("\n", "\r\n")
    path = tmp_path / "unicode.txt"
    path.write_bytes(text.encode("utf-16"))
    report = Ingester(archive, jobs=0).run([path])
    assert (report.refused, report.added, report.exports) == ([], 3, 1)
    with archive.reading() as store:
        headlines = sorted(store.get(i).headline for i in (1, 2, 3))
        assert store.get(1).encoding == "utf-16"
    assert headlines[-1] == "Island votes to keep its ferry; Council rejects bridge plan"
    assert list(_rebuilt(archive).values()) == [path.read_bytes()]


def test_a_nexis_uni_word_document_is_split_and_kept_whole(
    archive: Archive, archive_url: str, run: Run, tmp_path: Path
) -> None:
    from .test_exports import DOCX_OF

    lines = (EXPORTS / "nexis_uni_cover.txt").read_text(encoding="utf-8").split("\n")[:-1]
    folder = tmp_path / "downloads"
    folder.mkdir()
    document = folder / "Files (3).DOCX"
    document.write_bytes(DOCX_OF(lines))
    (folder / "other.docx").write_bytes(DOCX_OF(["A letter", "", "Dear reader"]))
    report = Ingester(archive, jobs=0).run([folder])
    assert (report.refused, report.added, report.exports) == ([], 3, 1)
    assert report.skipped_kinds == {"ZIP archive or office document": 1}
    with archive.reading() as store:
        assert sorted(store.get(i).headline for i in (1, 2, 3)) == [
            "",
            "Council approves new cycle lanes",
            "Cyclists divided over plan",
        ]
    assert list(_rebuilt(archive).values()) == [document.read_bytes()]
    assert run("verify").returncode == 0


def test_a_mediargus_word_document_is_split_and_kept_whole(
    archive: Archive, archive_url: str, run: Run, tmp_path: Path
) -> None:
    """A Mediargus list and its texts delivered as .docx: each article stored with its
    place, its raw bytes its text as cut (the list entry and its text), the document kept
    whole; the same export as a text file then adds no article, only places."""
    from .test_exports import DOCX_OF

    text_file = EXPORTS / "mediargus_dutch.txt"
    folder = tmp_path / "downloads"
    folder.mkdir()
    document = folder / "Mediargus 30-11-2011.docx"
    document.write_bytes(DOCX_OF(text_file.read_text(encoding="utf-8").splitlines()))
    result = run("ingest", folder)
    assert result.returncode == 0, result.stderr
    assert result.stderr.decode() == (
        "Read 1 file (3 articles from 1 news-database export): added 3, already present 0, "
        "refused 0.\n"
    )
    listed = sorted(json.loads(run("list", "--json").stdout), key=_place)
    assert [(a["headline"], a["published"], a["date_source"], a["place"]) for a in listed] == [
        ("Het veer blijft varen", "2011-11-30", "export", [1, 3]),
        ("Nieuwe dienstregeling voor de veerboot", "2011-11-29", "export", [2, 3]),
        ("", "2011-11-28", "export", [3, 3]),
    ]
    rendered = exports.docx_text(document.read_bytes())
    assert rendered is not None
    split = exports.split(rendered.encode("utf-8"))
    assert split is not None and split.text is not None
    for article, piece in zip(listed, split.articles, strict=True):
        shown = json.loads(run("show", str(article["id"]), "--json").stdout)
        assert shown["publication"] in ("De Havenbode", "Het Stadsblad")
        assert shown["blocks"], "the article's text is read"
        raw = run("show", str(article["id"]), "--raw").stdout
        assert raw == split.text[piece.start : piece.end]
    verified = run("verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert list(_rebuilt(archive).values()) == [document.read_bytes()]
    again = run("ingest", text_file)
    assert again.returncode == 0
    assert "added 0, already present 3" in again.stderr.decode()
    shown = json.loads(run("show", str(listed[1]["id"]), "--json").stdout)
    assert shown["places"] == [[2, 3], [2, 3]]
    assert sorted(Path(s).name for s in shown["sources"]) == [document.name, text_file.name]


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        (
            "europresse_rdp.html",
            [
                (
                    "Les coopératives laitières du Val misent sur le bio",
                    "La Gazette du Val",
                    "2020-01-14",
                ),
                ("Le marché couvert rouvre ses portes", "Le Courrier des Plaines", "2020-02-01"),
                ("", "Radio Vallée (site web)", "2020-02-06"),
            ],
        ),
        (
            "europresse_text_2012.txt",
            [
                ("Le conseil municipal adopte le budget", "La Gazette du Val", "2012-10-04"),
                ("Des ponts et des bacs", "Le Courrier des Plaines", "2012-10-03"),
            ],
        ),
        (
            "factiva_html.html",
            [
                ("Harbour ferry fares to rise by a fifth", "The Daily Example", "2010-01-11"),
                ("Island council rejects bridge plan", "Example Wire Service", "2010-01-12"),
            ],
        ),
        (
            "mediargus_dutch.txt",
            [
                ("Het veer blijft varen", "De Havenbode", "2011-11-30"),
                ("Nieuwe dienstregeling voor de veerboot", "Het Stadsblad", "2011-11-29"),
                ("", "De Havenbode", "2011-11-28"),
            ],
        ),
    ],
)
def test_html_and_mediargus_exports_are_stored_article_by_article(
    archive: Archive,
    archive_url: str,
    run: Run,
    tmp_path: Path,
    fixture: str,
    expected: list[tuple[str, str, str]],
) -> None:
    """An export delivered as HTML is split, not taken for a saved web page; a Mediargus
    list and its texts are paired; a second ingest stores nothing new; verify is clean."""
    folder = tmp_path / "in"
    folder.mkdir()
    export = Path(shutil.copy(EXPORTS / fixture, folder / f"export{Path(fixture).suffix}"))
    result = run("ingest", folder)
    assert result.returncode == 0, result.stderr
    n = len(expected)
    assert result.stderr.decode() == (
        f"Read 1 file ({n} articles from 1 news-database export): added {n}, "
        "already present 0, refused 0.\n"
    )
    listed = sorted(json.loads(run("list", "--json").stdout), key=lambda a: a["place"])
    got = [(a["headline"], a["published"], a["date_source"], a["place"]) for a in listed]
    assert got == [
        (headline, day, "export", [k, n]) for k, (headline, _, day) in enumerate(expected, 1)
    ]
    for article, (_, publication, _) in zip(listed, expected, strict=True):
        shown = json.loads(run("show", str(article["id"]), "--json").stdout)
        assert shown["publication"] == publication
        assert shown["blocks"], "the article's text is read"
    again = run("ingest", folder)
    assert again.returncode == 0
    assert f"added 0, already present {n}" in again.stderr.decode()
    verified = run("verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert list(_rebuilt(archive).values()) == [export.read_bytes()]


def test_an_html_export_named_with_its_format_and_a_page_that_is_none(
    archive: Archive, tmp_path: Path
) -> None:
    page = tmp_path / "page.html"
    page.write_text("<!DOCTYPE html><html><body><article><h1>Hi</h1><p>Text.</p></article>")
    export = tmp_path / "export.html"
    shutil.copy(EXPORTS / "europresse_2015_english.html", export)
    report = Ingester(archive, jobs=0, format="europresse").run([export, page])
    assert report.added == 2 and report.exports == 1
    assert [r.path for r in report.refused] == [str(page)]


def test_an_export_articles_row_is_what_the_validated_article_gives() -> None:
    """The workers make an export article's row from the parser's fields without the
    validated Article (workers._export_values); for every article of every fixture it is
    the row the validated way gives."""
    from newsarchive.ops import workers
    from newsarchive.text.decode import decode

    compared = 0
    for path in sorted(EXPORTS.iterdir()):
        if path.suffix == ".json" or (export := exports.split(path.read_bytes())) is None:
            continue
        cut_from = export.text if export.text is not None else path.read_bytes()
        for piece in export.articles:
            data = cut_from[piece.start : piece.end]
            readable = workers._with_utf16_bom(data)
            encoding = decode(readable).encoding
            validated = workers._validated_export_values(
                readable, encoding, len(data), export.format, "x", None
            )
            assert workers._export_values(data, "x", export.format, None) == validated
            compared += 1
    assert compared >= 60


def test_an_article_without_a_headline_says_so_on_screen_and_keeps_it_empty_in_json(
    run: Run, archive_path: Path
) -> None:
    from rich.console import Console

    from newsarchive.ui import listing, render

    assert run("ingest", EXPORTS / "mediargus_dutch.txt").returncode == 0
    listed = json.loads(run("list", "--json").stdout)
    untitled = [a for a in listed if a["headline"] == ""]
    assert len(untitled) == 1  # "Artikel zonder titel": the export gives none
    shown = run("show", str(untitled[0]["id"])).stdout.decode()
    assert shown.splitlines()[0] == render.NO_HEADLINE
    archive = open_archive(config.resolve(str(archive_path), archive_path.parent), create=False)
    try:
        with archive.reading() as store:
            rows = list(store.list().articles)
    finally:
        archive.close()
    console = Console(record=True, width=100)
    console.print(listing.article_table(rows))
    assert render.NO_HEADLINE in console.export_text()


@pytest.mark.parametrize("fixture", ["factiva_html.html", "europresse_rdp.html"])
@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
    ids=["le", "be"],
)
def test_a_utf16_html_export_is_split_as_its_utf8_form(
    archive: Archive,
    archive_url: str,
    run: Run,
    tmp_path: Path,
    fixture: str,
    bom: bytes,
    codec: str,
) -> None:
    """An HTML export saved as "Unicode" (UTF-16, either byte order): the same articles,
    fields and text as its UTF-8 form; each article's raw bytes its element's own bytes
    in the file; the file rebuilt byte for byte; verify clean."""
    utf8 = (EXPORTS / fixture).read_bytes()
    data = bom + utf8.decode("utf-8").encode(codec)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "export.html").write_bytes(data)
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "export.html").write_bytes(utf8)
    other_db = tmp_path / "utf8.db"
    assert run("--db", other_db, "ingest", plain).returncode == 0
    result = run("ingest", folder)
    assert result.returncode == 0, result.stderr
    n = len(_listed(run, other_db))
    assert result.stderr.decode() == (
        f"Read 1 file ({n} articles from 1 news-database export): added {n}, "
        "already present 0, refused 0.\n"
    )

    def shown(db: Path | None) -> list[dict[str, Any]]:
        where = ["--db", db] if db else []
        out = []
        for article in sorted(json.loads(run(*where, "list", "--json").stdout), key=_place):
            got = json.loads(run(*where, "show", str(article["id"]), "--json").stdout)
            out.append({k: got[k] for k in SAME_IN_ANY_ENCODING})
        return out

    assert shown(None) == shown(other_db)
    split = exports.split(data)
    assert split is not None and split.encoding == codec
    raws = []
    for article in sorted(json.loads(run("list", "--json").stdout), key=_place):
        raw = run("show", str(article["id"]), "--raw").stdout
        piece = split.articles[article["place"][0] - 1]
        assert raw == data[piece.start : piece.end]
        assert raw.decode(codec).startswith("<")  # the element, not the byte-order mark
        raws.append(raw)
    assert len(raws) == n
    verified = run("verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert list(_rebuilt(archive).values()) == [data]


SAME_IN_ANY_ENCODING = (
    "headline",
    "byline",
    "published",
    "date_source",
    "publication",
    "places",
    "blocks",
    "meta",
)


def _place(article: dict[str, Any]) -> int:
    place: list[int] = article["place"]
    return place[0]


@pytest.mark.parametrize("batch_size", [1, 1000])
def test_an_article_of_an_export_refused_is_kept_in_its_layout(
    archive: Archive, archive_url: str, tmp_path: Path, batch_size: int
) -> None:
    """An export's bytes are let go once cut: the bytes of an article its batch refused
    (binary here) are kept for the layout as that batch is written, whichever batch ends
    the export."""
    data = COVER.read_bytes()
    said = b"said yesterday, blaming the cost of fuel."
    assert data.count(said) == 1
    path = tmp_path / "export.TXT"
    path.write_bytes(data.replace(said, b"\x01\x02\x03\x04" * 200 + said))
    report = Ingester(archive, jobs=0, batch_size=batch_size).run([path])
    assert (report.added, report.exports, report.export_pieces) == (2, 1, 3)
    assert [r.reason.split(":")[0] for r in report.refused] == ["binary"]
    assert "(article 1 of 3)" in report.refused[0].path
    assert list(_rebuilt(archive).values()) == [path.read_bytes()]
    again = Ingester(archive, jobs=0, batch_size=batch_size).run([path])  # nothing new
    assert (again.added, again.already_present, len(again.refused)) == (0, 2, 1)
    assert list(_rebuilt(archive).values()) == [path.read_bytes()]


def test_a_large_export_starts_the_workers_while_it_is_cut(
    archive: Archive, archive_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ingester._warm_pool: the workers are started in a thread before the export is cut
    (here for any export: WARM_BYTES lowered); the run stores what it stores without."""
    from newsarchive.ops import ingest

    monkeypatch.setattr(ingest, "WARM_BYTES", 1)
    path = tmp_path / "export.TXT"
    path.write_bytes(COVER.read_bytes())
    ingester = Ingester(archive, jobs=1)
    report = ingester.run([path, SEEDS])
    assert ingester._pool is not None
    assert (report.refused, report.added, report.exports, report.export_pieces) == ([], 4, 1, 3)
    assert list(_rebuilt(archive).values()) == [path.read_bytes()]
