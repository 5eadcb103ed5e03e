"""Full-text search on PostgreSQL: a weighted tsvector column with a GIN index.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

PostgreSQL only (SQLite's index is FTS5, migrations 0002 and 0003). `search_document` is a
generated column, so the server computes it with every insert and update of the article and
it can never fall out of step; ingest needs no second statement to index a batch.

Weights: A headline, B dek, C body, D byline and source URL (searched with ts_rank weights
in the ratios of the SQLite index's bm25 weights).

The text search configuration `newsarchive` is PostgreSQL's `simple` (every word kept, none
stemmed, no stop words, as unicode61 in the SQLite index) with `unaccent` before it, so case
and accents do not matter: "Zurich" finds "Zürich". `unaccent` is an extension shipped with
PostgreSQL (contrib) and trusted since PostgreSQL 13: a database owner may create it without
being a superuser. The server must have the contrib package installed.

The index over a ready archive is built by ALTER TABLE ... ADD COLUMN (a rewrite of the
table) and CREATE INDEX, in the upgrade's transaction.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

CONFIG = "newsarchive"
DOCUMENT = (
    f"setweight(to_tsvector('{CONFIG}', coalesce(headline, '')), 'A') || "
    f"setweight(to_tsvector('{CONFIG}', coalesce(dek, '')), 'B') || "
    f"setweight(to_tsvector('{CONFIG}', body), 'C') || "
    f"setweight(to_tsvector('{CONFIG}', coalesce(byline, '') || ' ' || "
    "coalesce(source_url, '')), 'D')"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = simple)")
    op.execute(
        f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} "
        "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple"
    )
    op.execute(
        "ALTER TABLE articles ADD COLUMN search_document tsvector "
        f"GENERATED ALWAYS AS ({DOCUMENT}) STORED"
    )
    op.execute("CREATE INDEX ix_articles_search_document ON articles USING gin (search_document)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_articles_search_document")
    op.execute("ALTER TABLE articles DROP COLUMN search_document")
    op.execute(f"DROP TEXT SEARCH CONFIGURATION {CONFIG}")
