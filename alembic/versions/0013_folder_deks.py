"""Where each article was first read, what the dek's model said of it, and its folder's
verdict it was read with.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

The dek is decided by a learned model (text/parser/dek.py), and the files of one folder,
one outlet's pages usually, are evidence for each other: `folder` keeps the folder of the path
an article was first read from (indexed: a folder's articles are tallied after each
ingest), `dek_vote` the model's vote on the first unit under the headline (NULL: no unit
was asked about), `dek_folder` the verdict of its folder the article was parsed with (1, 0
or -1). Articles stored before have no folder and no vote, and 0, until `reparse` reads
them again (the parser's version rose with the model). Adding columns copies nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("folder", sa.Text(), nullable=True))
    op.create_index("ix_articles_folder", "articles", ["folder"])
    op.add_column("articles", sa.Column("dek_vote", sa.Float(), nullable=True))
    op.add_column(
        "articles",
        sa.Column("dek_folder", sa.SmallInteger(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN, which SQLite has had since 3.35: alembic's batch mode
    # would copy the table, which the search index's view refers to (as in 0003, 0006).
    op.drop_index("ix_articles_folder", table_name="articles")
    for column in ("dek_folder", "dek_vote", "folder"):
        op.execute(f"ALTER TABLE articles DROP COLUMN {column}")
