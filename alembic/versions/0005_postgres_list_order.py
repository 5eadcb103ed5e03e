"""PostgreSQL: an index in the order `list` shows articles, newest first, undated last.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

`list` orders by published DESC NULLS LAST, id DESC. SQLite walks the (published, id) index
backwards for that; PostgreSQL cannot (walked backwards, that index puts NULLs first), so
without this index every `list --limit 20` sorted the whole table: 66 ms at 100,000
articles (bench/pg_bench.py). PostgreSQL only.
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE INDEX ix_articles_newest_first ON articles (published DESC NULLS LAST, id DESC)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_articles_newest_first")
