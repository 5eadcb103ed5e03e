"""Chinese, Japanese and Korean words, emoji and symbols, and case-folded letters searchable.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

Both indexes are given the articles' text as `searchtext.indexed` makes it (see that module):
a run of CJK characters as its overlapping pairs and its last character ("中国人民" ->
"中国 国人 人民 民"), each symbol as a word of its own ("🔥" -> "symbol1f525"), and, on
SQLite, letters case-folded ("Straße" -> "strasse"; PostgreSQL's unaccent folds them).

SQLite: the FTS5 index reads its text from the view `article_search_text`, the articles
through the SQL function `newsarchive_search_text` (Python's, which every connection the
archive opens registers: engines/sqlite.py). The index is made again over the view and
refilled ('rebuild'), as FTS5 cannot change a table's content; the triggers pass each row
through the function. A raw sqlite3 connection can still MATCH; reading the index's columns,
snippet() or the integrity check needs the function registered.

PostgreSQL: `newsarchive_search_text(text)`, the same steps in PL/pgSQL (it leaves case to
the text search configuration), and `search_document` made again with it (a generated
column's expression cannot change: dropped and added, which rewrites the table, and the GIN
index built again), all in the upgrade's transaction.

Either way an existing archive's articles become searchable by their CJK words and symbols
on upgrade, with no reparse.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = ("headline", "dek", "body", "byline", "source_url")
FUNCTION = "newsarchive_search_text"
VIEW = "article_search_text"
RANK = "bm25(10.0, 5.0, 1.0, 0.5, 0.5)"

# searchtext.CJK and searchtext.SYMBOLS as PostgreSQL's regular expressions write them
# (tests/test_search.py holds the two engines' text equal across every range).
_CJK = (
    (0x1100, 0x11FF), (0x3005, 0x3007), (0x3041, 0x3096), (0x309D, 0x309F), (0x30A1, 0x30FA),
    (0x30FC, 0x30FF), (0x3105, 0x312F), (0x3131, 0x318E), (0x31A0, 0x31BF), (0x31F0, 0x31FF),
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7AF), (0xD7B0, 0xD7FF),
    (0xF900, 0xFAFF), (0xFF66, 0xFF9F), (0xFFA0, 0xFFDC), (0x20000, 0x3134F),
)  # fmt: skip
_SYMBOLS = (
    (0xA9, 0xA9), (0xAE, 0xAE), (0x203C, 0x203C), (0x2049, 0x2049), (0x2122, 0x2122),
    (0x2139, 0x2139), (0x2190, 0x21FF), (0x2300, 0x23FF), (0x2500, 0x27BF), (0x2934, 0x2935),
    (0x2B00, 0x2BFF), (0x3030, 0x3030), (0x303D, 0x303D), (0x3297, 0x3297), (0x3299, 0x3299),
    (0x1F000, 0x1FAFF),
)  # fmt: skip


def _class(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(
        f"\\U{low:08X}" if low == high else f"\\U{low:08X}-\\U{high:08X}" for low, high in ranges
    )


CJK, SYMBOLS = _class(_CJK), _class(_SYMBOLS)
# Each piece of the text in order: a CJK run, a symbol (with its variation selector), the rest.
PIECES = f"([{CJK}]+)|([{SYMBOLS}])[\\uFE0E\\uFE0F]?|([^{CJK}{SYMBOLS}]+)"
PG_FUNCTION = f"""
CREATE FUNCTION {FUNCTION}(t text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
    IF t !~ '[{CJK}{SYMBOLS}]' THEN
        RETURN t;
    END IF;
    RETURN (
        SELECT string_agg(
            CASE
                WHEN m[1] IS NULL AND m[2] IS NULL THEN m[3]
                WHEN m[2] IS NOT NULL THEN ' symbol' || to_hex(ascii(m[2])) || ' '
                WHEN length(m[1]) = 1 THEN ' ' || m[1] || ' '
                ELSE ' ' || (
                    SELECT string_agg(substr(m[1], i, 2), ' ' ORDER BY i)
                    FROM generate_series(1, length(m[1]) - 1) AS i
                ) || ' ' || right(m[1], 1) || ' '
            END, '' ORDER BY n)
        FROM regexp_matches(t, '{PIECES}', 'g') WITH ORDINALITY AS r(m, n)
    );
END
$$
"""
CONFIG = "newsarchive"


def _document(through: str | None) -> str:
    def text(column: str) -> str:
        return f"{through}({column})" if through else column

    return (
        f"setweight(to_tsvector('{CONFIG}', coalesce({text('headline')}, '')), 'A') || "
        f"setweight(to_tsvector('{CONFIG}', coalesce({text('dek')}, '')), 'B') || "
        f"setweight(to_tsvector('{CONFIG}', {text('body')}), 'C') || "
        f"setweight(to_tsvector('{CONFIG}', coalesce({text('byline')}, '') || ' ' || "
        f"coalesce({text('source_url')}, '')), 'D')"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        columns = ", ".join(f"{FUNCTION}({c}) AS {c}" for c in COLUMNS)
        op.execute(f"CREATE VIEW {VIEW} AS SELECT id, {columns} FROM articles")
        _sqlite_index(VIEW, FUNCTION)
    elif op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        _pg_document(_document(FUNCTION))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_index("articles", None)
        op.execute(f"DROP VIEW {VIEW}")
    elif op.get_bind().dialect.name == "postgresql":
        _pg_document(_document(None))
        op.execute(f"DROP FUNCTION {FUNCTION}(text)")


def _sqlite_index(content: str, through: str | None) -> None:
    """The FTS5 index and its triggers again (as 0003 made them), over `content`, each
    row's text passed `through` that function."""
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS article_search_{trigger}")
    op.execute("DROP TABLE IF EXISTS article_search")
    columns = ", ".join(COLUMNS)
    op.execute(
        f"CREATE VIRTUAL TABLE article_search USING fts5({columns}, "
        f"content='{content}', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(f"INSERT INTO article_search(article_search, rank) VALUES ('rank', '{RANK}')")

    def values(row: str) -> str:
        return ", ".join(f"{through}({row}.{c})" if through else f"{row}.{c}" for c in COLUMNS)

    insert = f"INSERT INTO article_search(rowid, {columns}) VALUES (new.id, {values('new')});"
    delete = (
        f"INSERT INTO article_search(article_search, rowid, {columns}) "
        f"VALUES ('delete', old.id, {values('old')});"
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


def _pg_document(document: str) -> None:
    op.execute("DROP INDEX ix_articles_search_document")
    op.execute("ALTER TABLE articles DROP COLUMN search_document")
    op.execute(
        "ALTER TABLE articles ADD COLUMN search_document tsvector "
        f"GENERATED ALWAYS AS ({document}) STORED"
    )
    op.execute("CREATE INDEX ix_articles_search_document ON articles USING gin (search_document)")
