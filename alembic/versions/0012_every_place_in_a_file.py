"""Every place an article is found in one file: an export holding an article twice.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

An export may hold the same article twice (two searches' results saved into one file, a
file concatenated with itself); its source is then the file at each of those places. The
unique constraint on (article_id, path, path_bytes) kept the first place only. It now
takes `place` in; `place` and `places` become 0 rather than NULL when the file is the
article (a unique constraint counts NULLs as all different: the same file could be
recorded twice), NOT NULL with that default. Every row stored before keeps its place.

On SQLite, changing a table's unique constraint means copying the table (alembic's batch
mode, as in 0007). Nothing refers to article_sources, so dropping the old copy cascades
nowhere.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE article_sources SET place = 0 WHERE place IS NULL")
    op.execute("UPDATE article_sources SET places = 0 WHERE places IS NULL")
    with op.batch_alter_table("article_sources") as batch:
        for column in ("place", "places"):
            batch.alter_column(
                column, existing_type=sa.Integer(), nullable=False, server_default="0"
            )
        batch.drop_constraint("uq_article_sources_article_id", type_="unique")
        batch.create_unique_constraint(
            "uq_article_sources_article_id", ["article_id", "path", "path_bytes", "place"]
        )


def downgrade() -> None:
    # An article found at several places in one file keeps its first recorded place.
    op.execute(
        "DELETE FROM article_sources WHERE id NOT IN "
        "(SELECT min(id) FROM article_sources GROUP BY article_id, path, path_bytes)"
    )
    with op.batch_alter_table("article_sources") as batch:
        batch.drop_constraint("uq_article_sources_article_id", type_="unique")
        batch.create_unique_constraint(
            "uq_article_sources_article_id", ["article_id", "path", "path_bytes"]
        )
        for column in ("place", "places"):
            batch.alter_column(
                column, existing_type=sa.Integer(), nullable=True, server_default=None
            )
    op.execute("UPDATE article_sources SET place = NULL, places = NULL WHERE place = 0")
