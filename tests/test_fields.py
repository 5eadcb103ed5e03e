"""An article's fields are declared once, as model.rows.ArticleValues; every other list of
them (the table alembic writes, the parsed Article, the StoredArticle a read gives, the
worker's row, export's columns) is held to that declaration here, so a field added in one
place and forgotten in another fails a test instead of an export."""

from __future__ import annotations

import dataclasses

from sqlalchemy import JSON

from newsarchive.model import rows
from newsarchive.model.models import Article
from newsarchive.model.records import StoredArticle
from newsarchive.model.rows import ArticleValues
from newsarchive.ops import exchange
from newsarchive.storage.schema import articles
from newsarchive.text.columns import article_values
from newsarchive.text.parser import parse_article
from tests.conftest import SEEDS

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
