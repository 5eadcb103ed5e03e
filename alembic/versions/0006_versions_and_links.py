"""Versions of a story grouped; related links resolvable; an archive's own settings.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

`fingerprint` holds an article's LSH band keys, `article_bands` one row per key,
`cluster_id` the smallest id among its versions and `family_id` the smallest id among the
articles chained to it by near-duplicates (fingerprint.py, versions.py).
`article_names` and `article_links` are the names articles can be reached by and the names
each related link is looked up by (links.py). Articles stored before this revision have no
fingerprint, names or link rows and are each their own cluster: `newsarchive reparse` fills
them in, batch by batch, resumably (it is told so after the upgrade). Work that needs the
parser has no place in a migration, which runs in one transaction on open.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("fingerprint", sa.LargeBinary(), nullable=True))
    op.add_column("articles", sa.Column("cluster_id", sa.Integer(), nullable=True))
    op.add_column("articles", sa.Column("family_id", sa.Integer(), nullable=True))
    op.execute("UPDATE articles SET cluster_id = id, family_id = id")
    op.create_index("ix_articles_cluster_id", "articles", ["cluster_id"])
    op.create_index("ix_articles_family_id", "articles", ["family_id"])
    op.create_table(
        "article_bands",
        sa.Column("band", sa.BigInteger(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name="fk_article_bands_article_id_articles",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("band", "article_id", name="pk_article_bands"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "article_names",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name="fk_article_names_article_id_articles",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("name", "article_id", name="pk_article_names"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "article_links",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name="fk_article_links_article_id_articles",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "position", "tier", name="pk_article_links"),
    )
    op.create_index("ix_article_links_name", "article_links", ["name"])
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_settings"),
    )


def downgrade() -> None:
    op.drop_table("settings")
    op.drop_index("ix_article_links_name", table_name="article_links")
    op.drop_table("article_links")
    op.drop_table("article_names")
    op.drop_table("article_bands")
    op.drop_index("ix_articles_family_id", table_name="articles")
    op.drop_index("ix_articles_cluster_id", table_name="articles")
    _drop_columns("family_id", "cluster_id", "fingerprint")


def _drop_columns(*columns: str) -> None:
    """ALTER TABLE ... DROP COLUMN, which SQLite has had since 3.35: alembic's batch mode
    would copy the table and drop the old one, and with foreign keys on, that drop
    cascades to every article's raw bytes and source paths."""
    for column in columns:
        op.execute(f"ALTER TABLE articles DROP COLUMN {column}")
