"""Source paths kept exactly: the bytes of a name that is not UTF-8.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

`article_sources.path` held a name that is not UTF-8 with each such byte as `\\xNN`, the
same text as a file really named with a backslash, x and two hex digits: the two could not
be told apart, and identical files under both names were one path. `path_bytes` holds the
exact bytes when `path` is not the name, and is empty otherwise (paths.py); the unique
constraint takes it in. Every path stored before keeps its text and gets empty bytes: it
is what was recorded (a `\\xNN` in an older path may stand for either name; ingesting the
file again records its exact bytes beside it).

On SQLite, changing a table's unique constraint means copying the table (alembic's batch
mode). Nothing refers to article_sources, so dropping the old copy cascades nowhere.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("article_sources", sa.Column("path_bytes", sa.LargeBinary(), nullable=True))
    op.execute(
        sa.text("UPDATE article_sources SET path_bytes = :empty").bindparams(
            sa.bindparam("empty", b"", type_=sa.LargeBinary())
        )
    )
    with op.batch_alter_table("article_sources") as batch:
        batch.alter_column("path_bytes", existing_type=sa.LargeBinary(), nullable=False)
        batch.drop_constraint("uq_article_sources_article_id", type_="unique")
        batch.create_unique_constraint(
            "uq_article_sources_article_id", ["article_id", "path", "path_bytes"]
        )


def downgrade() -> None:
    # Two paths that only their bytes told apart become one (the first recorded stays);
    # a name that is not UTF-8 keeps its \xNN text, as before this revision.
    op.execute(
        "DELETE FROM article_sources WHERE id NOT IN "
        "(SELECT min(id) FROM article_sources GROUP BY article_id, path)"
    )
    with op.batch_alter_table("article_sources") as batch:
        batch.drop_constraint("uq_article_sources_article_id", type_="unique")
        batch.drop_column("path_bytes")
        batch.create_unique_constraint("uq_article_sources_article_id", ["article_id", "path"])
