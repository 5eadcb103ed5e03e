"""An article's fields are declared once, as model.rows.ArticleValues; every other list of
them (the table alembic writes, the parsed Article, the StoredArticle a read gives, the
worker's row, export's columns) is held to that declaration here, so a field added in one
place and forgotten in another fails a test instead of an export."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from sqlalchemy import JSON

from newsarchive.model import rows
from newsarchive.model.models import Article
from newsarchive.model.records import StoredArticle
from newsarchive.model.rows import ArticleValues
from newsarchive.ops import exchange, exchange_import
from newsarchive.storage import config
from newsarchive.storage.archive import open_archive
from newsarchive.storage.schema import articles
from newsarchive.text.columns import article_values
from newsarchive.text.parser import PARSER_VERSION, parse_article
from tests.conftest import SEEDS, Run

DECLARED = tuple(ArticleValues.__annotations__)
# The columns made from a parsed Article rather than read off it: the body is its story
# blocks' text, the fingerprint their band keys.
MADE_FROM_ARTICLE = ("body", "fingerprint")
SEED = SEEDS / "000_d4b32e967d5dce44.txt"


def test_the_table_holds_the_declared_columns_and_its_own_alone() -> None:
    assert set(articles.columns.keys()) == set(DECLARED) | set(rows.STORAGE_COLUMNS)
    json_typed = {c.name for c in articles.columns if isinstance(c.type, JSON)}
    assert json_typed == rows.JSON_COLUMNS


def test_a_parsed_article_has_the_declared_fields_the_text_gives() -> None:
    text_fields = set(DECLARED) - set(rows.READ_COLUMNS) - set(MADE_FROM_ARTICLE)
    assert set(Article.model_fields) | set(Article.model_computed_fields) == text_fields
    assert set(rows.PARSED_COLUMNS) | set(rows.DATE_COLUMNS) == (
        set(DECLARED) - set(rows.READ_COLUMNS)
    )


def test_a_stored_article_reads_as_the_parsed_one_then_what_storing_added() -> None:
    fields = [f.name for f in dataclasses.fields(StoredArticle)]
    parsed = list(Article.model_fields)
    assert fields[: len(parsed)] == parsed
    added = set(fields[len(parsed) :]) - {"sources", "places", "words"}
    assert added <= set(DECLARED) | set(rows.STORAGE_COLUMNS)


def test_the_row_a_worker_makes_has_every_declared_column_and_no_other() -> None:
    article = parse_article(SEED.read_text(encoding="utf-8"), source=str(SEED))
    values = article_values(article, encoding="utf-8", byte_size=SEED.stat().st_size)
    assert set(values) == set(DECLARED)
    assert rows.values_of(rows.stored_row(values)) == values


def test_export_writes_the_declared_columns_and_the_story_they_belong_to() -> None:
    assert set(exchange.COLUMNS) == set(DECLARED) - {"parser_version"} | {"cluster_id", "family_id"}
    csv_own = {"versions_of", "source", "sources"}
    known = set(DECLARED) | set(rows.STORAGE_COLUMNS) | csv_own
    assert set(exchange.CSV_FIELDS) <= known


def test_a_stored_article_reads_back_as_its_declared_columns_on_each_engine(
    archive_url: str, run: Run, tmp_path: Path
) -> None:
    """What verify, reparse, import and copy read (StoredRecord) holds StoredValues' columns,
    decoded; what export's JSON Lines reads (StoredText), the same names, JSON as text."""
    assert run("ingest", SEED).returncode == 0
    archive = open_archive(config.resolve(archive_url, tmp_path), create=False)
    try:
        with archive.reading() as store:
            (record,) = store.records.of([1])
            (text,) = store.records.as_text([1])
    finally:
        archive.close()
    declared = set(rows.StoredValues.__annotations__)
    assert set(record.columns) == declared == set(text.columns)
    assert set(declared) | set(rows.RECORD_COLUMNS) == set(articles.columns.keys())
    for column in rows.JSON_COLUMNS:
        assert isinstance(record.columns[column], list)  # type: ignore[literal-required]
        assert json.loads(text.columns[column]) == record.columns[column]  # type: ignore[literal-required]
    assert record.parser_version == text.parser_version == PARSER_VERSION
    assert record.columns["headline"] == text.columns["headline"]
    assert record.data == SEED.read_bytes()


def test_an_exported_line_is_read_back_as_the_declared_columns() -> None:
    line_fields = set(exchange_import._Line.model_fields)
    own = {"sources", "links", "raw"}  # where it was read from, its links, its bytes
    stored = set(rows.StoredValues.__annotations__) | set(rows.RECORD_COLUMNS)
    assert line_fields == stored | own
