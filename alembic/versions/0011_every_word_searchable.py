"""Every word of an article's file searchable: the outlet, metadata lines, page furniture
and related-article lines, at the lowest weight.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

Until now the index held the headline, dek, body, byline and URL: a word only in a line the
parser classed as boilerplate (a kicker such as "Test series, day 4", a caption), in a
READ MORE line, a metadata line (a date line, an export's "SECTION: Business") or the
publication ("The Daily Telegraph (London)") was found by grep and not by `search`. A
misread line must never hide a word. The index gains a sixth column, `other`: those lines'
words, made by SQL from the stored columns (publication, the `text` of every `meta` entry,
the label and text of every boilerplate and READ MORE block), so nothing is re-parsed and
nothing new is stored. On SQLite the SQL function `newsarchive_other_words` makes it (a raw
sqlite3 connection registers it as it does `newsarchive_search_text`; see README). It weighs least: bm25 0.25 on SQLite (a body word 1, a byline or URL
word 0.5); weight D with the byline and URL on PostgreSQL.

SQLite: the view `article_search_text` gains the column, and the FTS5 table is made again
with six columns and refilled ('rebuild'), as FTS5 cannot add a column; the triggers follow
(an update of publication, meta or blocks re-indexes the row). PostgreSQL: `search_document`
is made again with the column (dropped and added, which rewrites the table; the GIN index
built again), in the upgrade's transaction.
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

FUNCTION = "newsarchive_search_text"
OTHER_FUNCTION = "newsarchive_other_words"
VIEW = "article_search_text"
OLD_COLUMNS = ("headline", "dek", "body", "byline", "source_url")
COLUMNS = (*OLD_COLUMNS, "other")
OLD_RANK = "bm25(10.0, 5.0, 1.0, 0.5, 0.5)"
RANK = "bm25(10.0, 5.0, 1.0, 0.5, 0.5, 0.25)"
# Each column's text for the index (as 0010 made it): handed to the function as UTF-8 bytes,
# the column itself where the function says the index takes it as it is (NULL).
THROUGH = "coalesce({function}(CAST({value} AS BLOB)), {value})"


def _other(row: str) -> str:
    """The `other` column of `row` (a prefix: "", "new.", "old.") in SQLite: the SQL function (searchtext.other_words, which
    every connection the archive opens registers) reads the JSON columns. Not SQL's own
    json_each: FTS5 cannot read an external-content view that calls a table-valued function
    ('rebuild' fails with "SQL logic error")."""
    return f"{OTHER_FUNCTION}({row}publication, {row}meta, {row}blocks)"


# The same on PostgreSQL, for the generated column (no subqueries there: JSON path queries,
# whose arrays' text the parser reads as words).
_PG_BLOCKS = '$[*] ? (@.kind == "boilerplate" || @.kind == "read_more")'
PG_OTHER = (
    "coalesce(publication, '') || ' ' || "
    "jsonb_path_query_array(meta::jsonb, '$[*].text')::text || ' ' || "
    f"jsonb_path_query_array(blocks::jsonb, '{_PG_BLOCKS}.label')::text || ' ' || "
    f"jsonb_path_query_array(blocks::jsonb, '{_PG_BLOCKS}.text')::text"
)
CONFIG = "newsarchive"


def _pg_document(other: bool) -> str:
    def text(column: str) -> str:
        return f"{FUNCTION}({column})"

    document = (
        f"setweight(to_tsvector('{CONFIG}', coalesce({text('headline')}, '')), 'A') || "
        f"setweight(to_tsvector('{CONFIG}', coalesce({text('dek')}, '')), 'B') || "
        f"setweight(to_tsvector('{CONFIG}', {text('body')}), 'C') || "
        f"setweight(to_tsvector('{CONFIG}', coalesce({text('byline')}, '') || ' ' || "
        f"coalesce({text('source_url')}, '')), 'D')"
    )
    if other:
        document += f" || setweight(to_tsvector('{CONFIG}', coalesce({text(PG_OTHER)}, '')), 'D')"
    return document


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_index(COLUMNS, RANK)
    elif op.get_bind().dialect.name == "postgresql":
        _pg_search_document(_pg_document(other=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_index(OLD_COLUMNS, OLD_RANK)
    elif op.get_bind().dialect.name == "postgresql":
        _pg_search_document(_pg_document(other=False))


def _sqlite_index(columns: tuple[str, ...], rank: str) -> None:
    """The view, the FTS5 index over it and its triggers with these columns; refilled."""

    def through(row: str, column: str) -> str:
        if column == "other":  # the function makes the text as the index is given it
            return _other(row)
        return THROUGH.format(function=FUNCTION, value=f"{row}{column}")

    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS article_search_{trigger}")
    op.execute("DROP TABLE IF EXISTS article_search")
    op.execute(f"DROP VIEW {VIEW}")
    view_columns = ", ".join(f"{through('', c)} AS {c}" for c in columns)
    op.execute(f"CREATE VIEW {VIEW} AS SELECT id, {view_columns} FROM articles")
    names = ", ".join(columns)
    op.execute(
        f"CREATE VIRTUAL TABLE article_search USING fts5({names}, "
        f"content='{VIEW}', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(f"INSERT INTO article_search(article_search, rank) VALUES ('rank', '{rank}')")

    def values(row: str) -> str:
        return ", ".join(through(row, c) for c in columns)

    insert = f"INSERT INTO article_search(rowid, {names}) VALUES (new.id, {values('new.')});"
    delete = (
        f"INSERT INTO article_search(article_search, rowid, {names}) "
        f"VALUES ('delete', old.id, {values('old.')});"
    )
    watched = ", ".join(
        (*OLD_COLUMNS, "publication", "meta", "blocks") if "other" in columns else OLD_COLUMNS
    )
    op.execute(
        "CREATE TRIGGER article_search_insert AFTER INSERT ON articles "
        f"WHEN NOT EXISTS (SELECT 1 FROM article_search_paused) BEGIN {insert} END"
    )
    op.execute(f"CREATE TRIGGER article_search_delete AFTER DELETE ON articles BEGIN {delete} END")
    op.execute(
        f"CREATE TRIGGER article_search_update AFTER UPDATE OF {watched} ON articles "
        f"BEGIN {delete} {insert} END"
    )
    op.execute("INSERT INTO article_search(article_search) VALUES ('rebuild')")


def _pg_search_document(document: str) -> None:
    op.execute("DROP INDEX ix_articles_search_document")
    op.execute("ALTER TABLE articles DROP COLUMN search_document")
    op.execute(
        "ALTER TABLE articles ADD COLUMN search_document tsvector "
        f"GENERATED ALWAYS AS ({document}) STORED"
    )
    op.execute("CREATE INDEX ix_articles_search_document ON articles USING gin (search_document)")
