"""News-database exports: publication, how an article's bytes are read, its place in a file.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

`articles.publication` holds the outlet where a file says it; `articles.origin` the export
format an article was cut from (NULL: the file is the article), so that reparse reads its
bytes the same way. `article_sources.place`/`places`: the article's number in an export and
how many it holds. `export_files` keeps each export's layout and the bytes around its
articles, so that the file can be rebuilt. Every existing row is an article file: NULLs.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("publication", sa.Text(), nullable=True))
    op.add_column("articles", sa.Column("origin", sa.String(length=16), nullable=True))
    op.add_column("article_sources", sa.Column("place", sa.Integer(), nullable=True))
    op.add_column("article_sources", sa.Column("places", sa.Integer(), nullable=True))
    op.create_table(
        "export_files",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("layout", sa.JSON(), nullable=False),
        sa.Column("filler", sa.LargeBinary(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_export_files")),
    )


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN (SQLite has it since 3.35), never batch mode: copying a
    # table and dropping the old one would cascade to the raw bytes and source paths.
    # Articles cut from exports stay, as articles of their own.
    op.drop_table("export_files")
    for table, column in (
        ("article_sources", "places"),
        ("article_sources", "place"),
        ("articles", "origin"),
        ("articles", "publication"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
