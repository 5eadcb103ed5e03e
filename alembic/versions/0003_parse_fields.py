"""Metadata lines, datelines and the parser's version; bylines and URLs searchable.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

`meta` keeps every metadata line of the file verbatim (bylines, date lines, URL lines, a
dateline on its own line), so no word of a file is lost when its parts become fields.
`dateline` is where the story was filed ("LONDON, Dec 5, 2018 (Reuters) -").
`parser_version` says which parser read the row: articles stored before this revision were
read by version 1, and `newsarchive reparse` re-reads every row older than the running
parser, batch by batch, so that a killed run resumes where it stopped.

The search index gains the byline and the source URL, with low weight: `search Doe` finds
Jane Doe's articles, below articles that say "Doe" in their headline or text. The index is
made again (FTS5 cannot add a column) and refilled from the articles ('rebuild').
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OLD_COLUMNS = "headline, dek, body"
COLUMNS = "headline, dek, body, byline, source_url"
# bm25 weights per column, in COLUMNS order: a headline match ranks highest, a byline or
# URL match lowest.
RANK = "bm25(10.0, 5.0, 1.0, 0.5, 0.5)"
OLD_RANK = "bm25(10.0, 5.0, 1.0)"


def upgrade() -> None:
    # Plain ADD COLUMN on every engine: no copy of the articles table.
    op.add_column("articles", sa.Column("dateline", sa.Text(), nullable=True))
    op.add_column("articles", sa.Column("meta", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column(
        "articles", sa.Column("parser_version", sa.Integer(), nullable=False, server_default="1")
    )
    if op.get_bind().dialect.name == "sqlite":
        _search_index(COLUMNS, RANK)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _search_index(OLD_COLUMNS, OLD_RANK)
    _drop_columns("parser_version", "meta", "dateline")


def _search_index(columns: str, rank: str) -> None:
    """Make the FTS5 index and its triggers again over `columns` (see 0002)."""
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS article_search_{trigger}")
    op.execute("DROP TABLE IF EXISTS article_search")
    op.execute(
        f"CREATE VIRTUAL TABLE article_search USING fts5({columns}, "
        "content='articles', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(f"INSERT INTO article_search(article_search, rank) VALUES ('rank', '{rank}')")
    new = ", ".join(f"new.{c.strip()}" for c in columns.split(","))
    old = ", ".join(f"old.{c.strip()}" for c in columns.split(","))
    insert = f"INSERT INTO article_search(rowid, {columns}) VALUES (new.id, {new});"
    delete = (
        f"INSERT INTO article_search(article_search, rowid, {columns}) "
        f"VALUES ('delete', old.id, {old});"
    )
    op.execute(
        "CREATE TRIGGER article_search_insert AFTER INSERT ON articles "
        f"WHEN NOT EXISTS (SELECT 1 FROM article_search_paused) BEGIN {insert} END"
    )
    op.execute(f"CREATE TRIGGER article_search_delete AFTER DELETE ON articles BEGIN {delete} END")
    op.execute(
        f"CREATE TRIGGER article_search_update AFTER UPDATE OF {columns} ON articles "
        f"BEGIN {delete} {insert} END"
    )
    op.execute("INSERT INTO article_search(article_search) VALUES ('rebuild')")


def _drop_columns(*columns: str) -> None:
    """ALTER TABLE ... DROP COLUMN, which SQLite has had since 3.35: alembic's batch mode
    would copy the table and drop the old one, and with foreign keys on, that drop
    cascades to every article's raw bytes and source paths."""
    for column in columns:
        op.execute(f"ALTER TABLE articles DROP COLUMN {column}")
