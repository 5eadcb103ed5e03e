"""Full-text search on a real archive: ranking, highlighting, filters, hostile queries,
and an index that stays exact through re-ingest and schema upgrade."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from newsarchive.ops.ingest import Ingester
from newsarchive.storage import config
from newsarchive.storage.archive import Archive, open_archive
from newsarchive.text.query import parse_query

from .conftest import FIXTURES, REPO, SEEDS, Run

ARTICLES = {
    "body.txt": "Harbour works begin\n\nThe council said the ferry to Zürich would pause.\n\nNo.\n",
    "headline.txt": "Ferry service returns\n\nBoats are back on the lake this week.\n\nYes.\n",
    "dated.txt": "Old ferry story\nDate: 2019-11-08\nA ferry sank in a storm in 1912.\n\nNone.\n",
    "other.txt": "Minor incursion claims denied\n\nOfficials denied a minor incursion.\n\nEnd.\n",
}


@pytest.fixture(autouse=True)
def _on_each_engine(archive_url: str) -> str:
    return archive_url  # every test here, once per engine (see conftest)


@pytest.fixture
def archive(archive_url: str, tmp_path: Path) -> Archive:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, body in ARTICLES.items():
        (folder / name).write_text(body, encoding="utf-8")
    archive = open_archive(config.resolve(archive_url, tmp_path), create=True)
    Ingester(archive, jobs=0).run([folder])
    return archive


def _search(archive: Archive, query: str, **filters: object) -> list[str]:
    with archive.reading() as store:
        hits = store.search(parse_query(query), **filters).hits  # type: ignore[arg-type]
    return [h.headline for h in hits]


def test_a_headline_match_ranks_above_a_body_match(archive: Archive) -> None:
    *headline_hits, body_hit = _search(archive, "ferry")
    assert sorted(headline_hits) == ["Ferry service returns", "Old ferry story"]
    assert body_hit == "Harbour works begin"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zurich", ["Harbour works begin"]),
        ("ZÜRICH", ["Harbour works begin"]),
        ('"minor incursion"', ["Minor incursion claims denied"]),
        ('"incursion minor"', []),
        ("ferry council", ["Harbour works begin"]),
        ("ferry NOT council", ["Ferry service returns", "Old ferry story"]),
        ("lake OR storm", ["Ferry service returns", "Old ferry story"]),
        ("harb*", ["Harbour works begin"]),
        ("h*", ["Harbour works begin"]),
    ],
)
def test_query_forms(archive: Archive, query: str, expected: list[str]) -> None:
    assert sorted(_search(archive, query)) == sorted(expected)


def test_a_negated_word_filters_and_leaves_the_ranking_to_the_rest(
    archive: Archive, tmp_path: Path
) -> None:
    """`oil NOT gas` ranks what it keeps as `oil` does: on PostgreSQL, ts_rank of a query
    with a negation gave every hit the same near-zero rank, so the newest came first."""
    folder = tmp_path / "oil"
    folder.mkdir()
    stories = {
        "a.txt": "Oil prices fall back\n\nOil fell as oil stocks rose; oil traders sold.\n",
        "b.txt": "Gas and oil\n\nOil and gas rose together.\n",
        "c.txt": "Harvest festival opens\n\nStalls sold olive oil among other things.\n",
        "d.txt": "Council meets\n\nThe council spoke of roads, schools and oil.\n",
    }
    for name, body in stories.items():
        (folder / name).write_text(body, encoding="utf-8")
    Ingester(archive, jobs=0).run([folder])
    kept = [h for h in _search(archive, "oil") if h != "Gas and oil"]
    assert _search(archive, "oil NOT gas") == kept
    assert kept[0] == "Oil prices fall back"
    with archive.reading() as store:
        ranks = [h.rank for h in store.search(parse_query("oil NOT gas")).hits]
    assert len(set(ranks)) > 1 and max(ranks) < 0  # ranked, not flattened


def test_filters_and_undated_count(archive: Archive) -> None:
    with archive.reading() as store:
        results = store.search(parse_query("ferry"), since=dt.date(2019, 1, 1))
    assert [h.headline for h in results.hits] == ["Old ferry story"]
    assert results.undated_left_out == 2
    assert _search(archive, "ferry", until=dt.date(2018, 12, 31)) == []
    assert len(_search(archive, "ferry", limit=1)) == 1


def test_snippet_highlights_point_at_the_matches(archive: Archive) -> None:
    with archive.reading() as store:
        (hit,) = store.search(parse_query("zurich council")).hits
    marked = [hit.snippet[a:b] for a, b in hit.highlights]
    assert marked == ["council", "Zürich"]
    assert "\ufdd0" not in hit.snippet


def _index_is_exact(archive: Archive) -> None:
    with archive.reading() as store:
        assert store.count() > 0
        assert store.checks.integrity_problems() == []


def test_reingest_keeps_the_index_exact(archive: Archive, tmp_path: Path) -> None:
    Ingester(archive, jobs=0).run([tmp_path / "articles", SEEDS])
    Ingester(archive, jobs=0).run([tmp_path / "articles", SEEDS])
    _index_is_exact(archive)
    assert _search(archive, "Blinken") == [
        "Top US, Russia diplomats hold last-ditch talks amid Ukraine war fears"
    ]


def _old_archive(tmp_path: Path, revision: str, **columns: str) -> Path:
    """An archive at an older schema `revision`, holding one article with `columns`."""
    db = tmp_path / "old.db"
    alembic = [sys.executable, "-m", "alembic", "-x", f"db={db}"]
    done = subprocess.run([*alembic, "upgrade", revision], cwd=REPO, capture_output=True)
    assert done.returncode == 0, done.stderr
    row = {
        **{"id": "7", "sha256": "x", "headline": "Geneva talks", "body": "Blinken met Lavrov."},
        **{"blocks": '[{"kind": "paragraph"}]', "date_evidence": "[]", "word_count": "6"},
        **{"encoding": "utf-8", "byte_size": "30", "ingested_at": "2026-01-01 00:00:00"},
        **columns,
    }
    con = sqlite3.connect(db)
    marks = ", ".join("?" * len(row))
    con.execute(f"INSERT INTO articles ({', '.join(row)}) VALUES ({marks})", list(row.values()))
    con.commit()
    con.close()
    return db


@pytest.mark.sqlite_only
def test_an_archive_from_before_search_is_indexed_on_upgrade(tmp_path: Path) -> None:
    db = _old_archive(tmp_path, "0001")
    archive = open_archive(config.resolve(str(db), tmp_path), create=False)
    assert _search(archive, "lavrov") == ["Geneva talks"]
    _index_is_exact(archive)


@pytest.mark.sqlite_only
def test_an_archive_from_before_bylines_were_searched_is_indexed_on_upgrade(
    tmp_path: Path,
) -> None:
    db = _old_archive(
        tmp_path, "0002", byline="Jane Doe", source_url="https://example.com/geneva-talks"
    )
    archive = open_archive(config.resolve(str(db), tmp_path), create=False)
    assert _search(archive, "doe") == _search(archive, "geneva") == ["Geneva talks"]
    _index_is_exact(archive)
    con = sqlite3.connect(db)
    assert con.execute("SELECT parser_version, meta FROM articles").fetchall() == [(1, "[]")]
    con.close()


def test_a_byline_match_ranks_below_a_headline_match(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "by.txt").write_text(
        "Harbour reopens\nBy Mark Ferryman\nThe harbour reopened today after repairs.\n\nEnd.\n"
    )
    (folder / "head.txt").write_text("Ferryman retires\n\nHe ran the boats for 40 years.\n")
    Ingester(archive, jobs=0).run([folder])
    assert _search(archive, "ferryman") == ["Ferryman retires", "Harbour reopens"]


def test_show_highlight_marks_the_byline(run: Run) -> None:
    run("ingest", FIXTURES / "marker_header_lines.txt")
    result = run("show", "1", "--highlight", "doe", FORCE_COLOR="1", NO_COLOR="", TERM="xterm")
    assert result.returncode == 0
    assert "Doe\x1b[0m" in result.stdout.decode()


def test_cli_search_json_and_table(run: Run) -> None:
    run("ingest", SEEDS, FIXTURES, "--pattern", "*.txt")
    result = run("search", "Blinken Lavrov", "--json")
    assert result.returncode == 0
    (hit,) = json.loads(result.stdout)
    assert hit["id"] == 1 and hit["rank"] < 0
    assert {"id", "headline", "published", "snippet", "rank", "highlights"} <= set(hit)
    table = run("search", "caf*", "--format", "table")
    assert table.returncode == 0
    assert "Café owners welcome" in table.stdout.decode()
    err = table.stderr.decode()
    assert "newsarchive show ID --highlight 'caf*'" in err


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "'",
        "-",
        ":",
        "*",
        "NOT",
        "a NOT",
        "OR",
        "(",
        ")",
        "^x",
        "x:y",
        "a AND",
        "\\",
        "'; DROP",
    ],
)
def test_hostile_queries_never_leak_errors(run: Run, query: str) -> None:
    run("ingest", SEEDS)
    result = run("search", query)
    err = result.stderr.decode()
    assert result.returncode in (0, 2), err
    assert "Traceback" not in err and "sqlite" not in err.lower() and "fts5" not in err.lower()
    if result.returncode == 2:
        assert "Error: Invalid value for 'QUERY'" in err


def test_show_highlight_marks_words_on_a_terminal(run: Run) -> None:
    run("ingest", SEEDS)
    result = run("show", "1", "--highlight", "lavrov", FORCE_COLOR="1", NO_COLOR="", TERM="xterm")
    assert result.returncode == 0
    out = result.stdout.decode()
    assert out.count("Lavrov\x1b[0m") >= 3  # each mention styled, then reset


def test_show_highlight_marks_words_with_brackets_when_piped(run: Run) -> None:
    """Without colour (a pipe, NO_COLOR) the style marks nothing: [[...]] does, as diff's
    [-...-]{+...+} do; the URL is left as it is, to copy whole."""
    run("ingest", SEEDS)
    result = run("show", "1", "--highlight", "lavrov OR blink*")
    assert result.returncode == 0
    out = result.stdout.decode()
    assert out.count("[[Lavrov]]") >= 3 and "[[Blinken]]" in out
    assert "[[" not in out.replace("[[Lavrov]]", "").replace("[[Blinken]]", "")
    assert result.stderr == b""
    plain = run("show", "1").stdout.decode()
    assert out.replace("[[", "").replace("]]", "").split() == plain.split()  # nothing else


def test_show_highlight_says_when_the_query_matches_nothing_in_the_article(run: Run) -> None:
    run("ingest", SEEDS)
    result = run("show", "1", "--highlight", "zebra")
    assert result.returncode == 0
    assert "[[" not in result.stdout.decode()
    assert result.stderr.decode() == "Nothing in article 1 matches 'zebra'.\n"


# Chinese, Japanese and Korean stories as newswires write them, words not set apart by
# spaces (Korean's are, with particles attached: 서울시는, "Seoul City" + topic marker).
CJK_ARTICLES = {
    "zh.txt": (
        "央行宣布下调存款准备金率\n\n"
        "中国人民银行周五宣布，将于下月十五日下调金融机构存款准备金率0.5个百分点，以支持实体经济"
        "发展。这是今年以来的第二次降准，央行表示，此举将释放长期资金约一万亿元。\n\n"
        "分析人士认为，降准有助于降低银行的资金成本，进一步稳定市场预期。\n"
    ),
    "ja.txt": (
        "東京都、新規感染者が過去最多に\n\n"
        "東京都は二十日、新型ウイルスの感染者が新たに二千人以上確認され、一日あたりの人数として"
        "過去最多になったと発表した。都の担当者は、改めて感染対策の徹底を呼びかけている。\n\n"
        "専門家は、年末年始の人出が増える時期を前に、会食を控えるよう注意を促している。\n"
    ),
    "ko.txt": (
        "서울 대중교통 요금 인상\n\n"
        "서울시는 20일 지하철과 시내버스 등 대중교통 요금을 다음 달부터 150원 인상한다고 "
        "밝혔다.\n\n"
        "시민단체는 요금 인상에 반대하는 기자회견을 열었다.\n"
    ),
    "de.txt": (
        "Sperrung der Hauptstraße\n\n"
        "Die Hauptstraße in Köln bleibt wegen Bauarbeiten bis Freitag gesperrt, die Straße "
        "am Dom ab Montag.\n\n"
        "Die Fans feierten den Sieg 🔥🔥 bis spät in die Nacht.\n"
    ),
}
ZH, JA, KO, DE = (text.split("\n", 1)[0] for text in CJK_ARTICLES.values())


@pytest.fixture
def world(archive: Archive, tmp_path: Path) -> Archive:
    folder = tmp_path / "world"
    folder.mkdir()
    for name, text in CJK_ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    assert Ingester(archive, jobs=0).run([folder]).added == len(CJK_ARTICLES)
    return archive


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("中国", [ZH]),  # the start of a run of 24 characters
        ("人民银行", [ZH]),  # inside it
        ("准备金率", [ZH]),  # in the headline and the body
        ("银", [ZH]),  # one character: the start of a pair
        ("率", [ZH]),  # one character, the last of its run
        ("中美", []),  # both characters are in the text, never side by side
        ("银行 经济", [ZH]),
        ('"下月十五日下调"', [ZH]),
        ('"다음 달부터 150원 인상"', [KO]),  # across words, digits and a CJK run again
        ("東京", [JA]),
        ("感染者", [JA]),
        ("過去最多", [JA]),
        ("ウイルス", [JA]),
        ("呼びかけ", [JA]),  # kanji and kana in one word
        ("서울", [KO]),  # alone in the headline, 서울시는 (with a particle) in the body
        ("지하철과", [KO]),
        ("지하철", [KO]),  # 지하철과: the word, with "and" attached
        ("요금", [KO]),
        ("기자회견", [KO]),
        ("인상 반대", [KO]),
        ("东京", []),  # simplified 东 is not Japanese 東
    ],
)
def test_chinese_japanese_and_korean_words_are_found_inside_runs(
    world: Archive, query: str, expected: list[str]
) -> None:
    assert _search(world, query) == expected


@pytest.mark.parametrize(
    ("query", "marked"),
    [("中国", ["中国"]), ("感染者", ["感染者"]), ("서울", ["서울"]), ("长期资金", ["长期资金"])],
)
def test_cjk_snippets_show_the_match_in_the_original_text(
    world: Archive, query: str, marked: list[str]
) -> None:
    with world.reading() as store:
        (hit,) = store.search(parse_query(query)).hits
    assert [hit.snippet[a:b] for a, b in hit.highlights] == marked
    body = next(t for t in CJK_ARTICLES.values() if marked[0] in t)
    assert hit.snippet.strip("…") in body.replace("\n\n", "\n")  # the text, not the pairs


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("strasse", [DE]),
        ("Hauptstrasse", [DE]),
        ("HAUPTSTRASSE", [DE]),
        ("hauptstraße", [DE]),
        ("koln", [DE]),
        ("🔥", [DE]),
        ("Sieg 🔥", [DE]),
        ('"Sieg 🔥🔥"', [DE]),
        ("❤️", []),
    ],
)
def test_folded_letters_and_emoji_are_searchable(
    world: Archive, query: str, expected: list[str]
) -> None:
    assert _search(world, query) == expected


def test_an_emoji_is_marked_in_the_snippet(world: Archive) -> None:
    with world.reading() as store:
        (hit,) = store.search(parse_query("🔥")).hits
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["🔥🔥"]


def test_search_for_an_emoji_on_the_command_line(run: Run, tmp_path: Path) -> None:
    (tmp_path / "fire.txt").write_text("Crowds cheer\n\nThe fans were 🔥 all night.\n")
    run("ingest", tmp_path / "fire.txt")
    result = run("search", "🔥", "--json")
    assert result.returncode == 0, result.stderr.decode()
    assert [hit["headline"] for hit in json.loads(result.stdout)] == ["Crowds cheer"]


def test_the_index_stays_exact_as_cjk_articles_change_and_go(world: Archive) -> None:
    with world.writing() as store:
        (zh,) = store.search(parse_query("中国")).hits
        store.changes.update_articles(
            [{"id": zh.id, "headline": "中国央行降准", "body": "新华社北京电"}]
        )
        (ja,) = store.search(parse_query("東京")).hits
        store.changes.delete_articles([ja.id])
    _index_is_exact(world)
    assert _search(world, "降准") == ["中国央行降准"]
    assert _search(world, "人民银行") == _search(world, "東京") == []


def test_an_archive_indexed_before_cjk_search_is_reindexed_on_upgrade(
    world: Archive, archive_url: str
) -> None:
    world.close()
    alembic = [sys.executable, "-m", "alembic", "-x", f"db={archive_url}"]
    done = subprocess.run([*alembic, "downgrade", "0007"], cwd=REPO, capture_output=True)
    assert done.returncode == 0, done.stderr
    old = open_archive(config.resolve(archive_url, Path(".")), create=False)  # upgrades
    assert _search(old, "中国") == [ZH]
    assert _search(old, "strasse") == [DE]
    _index_is_exact(old)
    old.close()


def test_both_engines_give_the_index_the_same_text(world: Archive, archive_url: str) -> None:
    """PostgreSQL's newsarchive_search_text (migration 0008) against searchtext.indexed, at
    both sides of every edge of the CJK and symbol ranges (SQLite calls indexed itself)."""
    from sqlalchemy import text

    from newsarchive.text.searchtext import CJK, SYMBOLS, indexed

    inside = re.compile(f"[{CJK}]|[{SYMBOLS}]")
    edges = [
        c
        for c in range(1, 0x32000)
        if not 0xD7FF < c < 0xE000 and bool(inside.match(chr(c))) != bool(inside.match(chr(c - 1)))
    ]
    chars = [chr(c) for edge in edges for c in (edge - 1, edge) if not 0xD7FF < c < 0xE000]
    samples = [f"a{c}b {c}{c}{c} {c}\ufe0f, 中{c}" for c in chars] + [
        "".join(chars),
        CJK_ARTICLES["zh.txt"],
        "Die Straße 🔥🔥 ❤️ fire👍🏽 © 2024 ™ → ★",
    ]
    fold = not archive_url.startswith("postgresql")
    with world.engine.connect() as connection:
        made = [
            connection.execute(text("SELECT newsarchive_search_text(:t)"), {"t": t}).scalar()
            for t in samples
        ]
    assert made == [indexed(t, fold=fold) for t in samples]


def test_show_highlight_marks_a_cjk_word_inside_its_run(run: Run, tmp_path: Path) -> None:
    (tmp_path / "zh.txt").write_text(CJK_ARTICLES["zh.txt"], encoding="utf-8")
    run("ingest", tmp_path / "zh.txt")
    shown = run("show", "1", "--highlight", "人民银行", FORCE_COLOR="1", NO_COLOR="", TERM="xterm")
    assert shown.returncode == 0
    out = shown.stdout.decode()
    assert "中国\x1b[0m" not in out and "人民银行\x1b[0m" in out
    piped = run("show", "1", "--highlight", "人民银行").stdout.decode()
    assert "中国[[人民银行]]周五" in piped


def test_a_short_cjk_lead_is_a_paragraph_and_searched(archive: Archive) -> None:
    """A lead that ends in 。 is a sentence: it was taken for a scrap of page furniture
    under the headline (no sentence end, no spaces), which search leaves out."""
    Ingester(archive, jobs=0).run([FIXTURES / "cjk_short_lead.txt"])
    assert _search(archive, "气象台") == ["北京迎来今冬首场降雪"]


@pytest.mark.sqlite_only
def test_the_index_texts_workers_make_are_what_the_view_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ingest hands FTS5 what its parsing workers made (made_for_index); every other write
    goes through the view article_search_text. The same entries either way: FTS5's own
    check of the index against the view, and the index's pages byte for byte."""
    from newsarchive.storage.backends import sqlite_fts5, sqlite_searchtext

    folder = tmp_path / "mixed"
    folder.mkdir()
    texts = [
        "Plain ASCII headline\n\nAll of it plain words.\n",
        "Straße und Café\nBy Jürgen Groß\n\nÉCOLE naïve ﬁnal — “quoted” £5 €6.\n",
        "中国人民 the headline\n\n日本語 and 한국어 in the body, 🔥\ufe0f and © too.\n",
        "No dek here\n\nΣίσυφος ΟΔΟΣ İstanbul ı K.\n",
        "Source given\nhttps://example.com/Straße?q=ß\n\nThe body: ＡＢＣ ① ﬀ.\n",
        # The file's other words (migration 0011): a caption, a date line, a READ MORE line.
        "Harbour works\nUpdated: 2 März 2022\n\nThe harbour opens.\n\n"
        "Photo: Jürgen Groß / Getty Images\n\nMore words.\n\nREAD MORE: Straße 中国 plans\n",
    ]
    for n, text in enumerate(texts):
        (folder / f"{n}.txt").write_text(text, encoding="utf-8")
    given: list[int] = []
    original = sqlite_fts5.FTS5Index.index_given

    def spying(self: Any, connection: Any, rows: Any) -> None:
        given.append(len(rows))
        original(self, connection, rows)

    monkeypatch.setattr(sqlite_fts5.FTS5Index, "index_given", spying)
    pages = []
    for made in (sqlite_searchtext.made_for_index, None):
        location = config.resolve(str(tmp_path / f"{bool(made)}.db"), tmp_path)
        archive = open_archive(location, create=True)
        try:
            archive.backend.index_texts = made
            Ingester(archive, jobs=0).run([folder])
            _index_is_exact(archive)
            with archive.reading() as store:
                pages.append(
                    store._connection.exec_driver_sql(
                        "SELECT id, block FROM article_search_data ORDER BY id"
                    ).all()
                )
            assert _search(archive, "groß") == ["Straße und Café", "Harbour works"]
            assert _search(archive, "人民") == ["中国人民 the headline"]
        finally:
            archive.close()
    assert given == [len(texts)]  # the first archive's only
    assert pages[0] == pages[1]


FURNISHED = (
    "Harbour works begin\n\nThe council said the harbour would open in spring.\n\n"
    "Photo: Quillfeather / Getty Images\n\nThe works cost more than planned.\n\n"
    "READ MORE: Zanzibarine ferry plans shelved\n"
)


def test_words_outside_the_story_are_found_and_rank_below_the_story(
    archive: Archive, tmp_path: Path
) -> None:
    """A caption's and a READ MORE line's words are not the story's (not in the body), but
    grep finds them, so search does too (migration 0011), below a match in a body."""
    from newsarchive.model.records import BlockKind
    from newsarchive.text.parser import parse_article

    parsed = parse_article(FURNISHED)
    kinds = {b.kind for b in parsed.blocks if "Quillfeather" in b.text or "Zanzibarine" in b.text}
    assert kinds == {BlockKind.BOILERPLATE, BlockKind.READ_MORE}
    story = [b.text for b in parsed.blocks if b.kind in (BlockKind.PARAGRAPH, BlockKind.SUBHEADING)]
    assert not any("Quillfeather" in t or "Zanzibarine" in t for t in story)
    folder = tmp_path / "furnished"
    folder.mkdir()
    (folder / "caption.txt").write_text(FURNISHED, encoding="utf-8")
    (folder / "story.txt").write_text(
        "Ferry news\n\nZanzibarine boats and Quillfeather nets were sold.\n", encoding="utf-8"
    )
    Ingester(archive, jobs=0).run([folder])
    assert _search(archive, "quillfeather") == ["Ferry news", "Harbour works begin"]
    assert _search(archive, "zanzibarine") == ["Ferry news", "Harbour works begin"]
    assert _search(archive, "quillfeather getty") == ["Harbour works begin"]
    _index_is_exact(archive)


def test_a_publication_and_an_exports_field_lines_are_found(
    archive: Archive, tmp_path: Path
) -> None:
    export = FIXTURES.parent / "export_fixtures" / "lexisnexis_cover.txt"
    Ingester(archive, jobs=0).run([export])
    with archive.reading() as store:
        publications = {p for p, _ in store.stats.by_publication(10)}
    assert publications
    for publication in publications:
        word = max(re.findall(r"\w+", publication), key=len)
        hits = _search(archive, word)
        assert hits, f"{word!r} (of {publication!r}) is not found"
    _index_is_exact(archive)


def test_an_archive_indexed_before_other_words_were_searched_is_reindexed_on_upgrade(
    archive: Archive, archive_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "furnished"
    folder.mkdir()
    (folder / "caption.txt").write_text(FURNISHED, encoding="utf-8")
    Ingester(archive, jobs=0).run([folder])
    archive.close()
    alembic = [sys.executable, "-m", "alembic", "-x", f"db={archive_url}"]
    done = subprocess.run([*alembic, "downgrade", "0010"], cwd=REPO, capture_output=True)
    assert done.returncode == 0, done.stderr
    old = open_archive(config.resolve(archive_url, Path(".")), create=False)
    try:
        assert _search(old, "quillfeather") == ["Harbour works begin"]  # upgraded on open
        _index_is_exact(old)
    finally:
        old.close()


def test_index_texts_that_fail_leave_them_to_the_engine() -> None:
    """A bug in an engine's index_texts costs nothing: the article is parsed, its texts
    left to the engine (the view, as it writes)."""
    from newsarchive.model.rows import values_of
    from newsarchive.ops.workers import prepare_new

    def failing(values: Any) -> Any:
        raise ValueError("a bug")

    (parsed,) = prepare_new([(b"A headline\n\nA body.\n", "a.txt")], None, failing)
    assert not isinstance(parsed, str)
    assert values_of(parsed[0])["headline"] == "A headline" and parsed[4] is None
