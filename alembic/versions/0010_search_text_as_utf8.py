"""The search index's SQL function is handed each column's UTF-8 bytes, not its text.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

SQLite only. Migration 0008's view and triggers passed each column to
`newsarchive_search_text` as text, which Python's sqlite3 module makes a str: for a huge body
with one character past Latin-1, two bytes a character (a 50 MB article: a 95 MiB str while
it was indexed, beside SQLite's own copy). Cast to a BLOB, the same value reaches the
function as its UTF-8 bytes (48 MiB), which it decodes a slice at a time (engines/sqlite.py,
_search_text), and it answers NULL when the column as it is gives the index the same
words (ASCII, and most text past it, where folding changes only the case of A-Z): SQLite
then hands the index the column itself, and no second copy of a huge body is made. The
index is given the same words as before, so nothing is re-indexed: only the view and the
triggers are made again. PostgreSQL: nothing changes.
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

COLUMNS = ("headline", "dek", "body", "byline", "source_url")
FUNCTION = "newsarchive_search_text"
VIEW = "article_search_text"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _view_and_triggers("coalesce({function}(CAST({column} AS BLOB)), {column})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _view_and_triggers("{function}({column})")


def _view_and_triggers(argument: str) -> None:
    """The view the index reads and its triggers (as 0008 made them), each column's text
    for the index as `argument` says (a format of `function` and `column`)."""

    def through(column: str) -> str:
        return argument.format(function=FUNCTION, column=column)

    op.execute(f"DROP VIEW {VIEW}")
    columns = ", ".join(f"{through(c)} AS {c}" for c in COLUMNS)
    op.execute(f"CREATE VIEW {VIEW} AS SELECT id, {columns} FROM articles")
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS article_search_{trigger}")

    def values(row: str) -> str:
        return ", ".join(through(f"{row}.{c}") for c in COLUMNS)

    names = ", ".join(COLUMNS)
    insert = f"INSERT INTO article_search(rowid, {names}) VALUES (new.id, {values('new')});"
    delete = (
        f"INSERT INTO article_search(article_search, rowid, {names}) "
        f"VALUES ('delete', old.id, {values('old')});"
    )
    op.execute(
        "CREATE TRIGGER article_search_insert AFTER INSERT ON articles "
        f"WHEN NOT EXISTS (SELECT 1 FROM article_search_paused) BEGIN {insert} END"
    )
    op.execute(f"CREATE TRIGGER article_search_delete AFTER DELETE ON articles BEGIN {delete} END")
    op.execute(
        f"CREATE TRIGGER article_search_update AFTER UPDATE OF {names} ON articles "
        f"BEGIN {delete} {insert} END"
    )
