"""The archive's tables, in SQLAlchemy Core: the model alembic compares the schema against.

Core, not ORM row classes: every query here is over plain columns, and a read command that
never imports `sqlalchemy.orm` starts a third faster (issue 13). Alembic alone creates and
changes the schema. How each engine connects and what it adds (SQLite's FTS5 tables, say)
lives in `backends/`.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

# Named constraints, so that alembic's batch mode can alter SQLite tables later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _article_id(*, primary_key: bool = False) -> Column[int]:
    """A row's article, deleted with it."""
    return Column(
        "article_id",
        ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=primary_key,
        nullable=False,
    )


# One distinct article: identified by the SHA-256 of its original bytes.
articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), unique=True, nullable=False),
    Column("headline", Text, nullable=False),
    Column("dek", Text),
    Column("byline", Text),
    Column("source_url", Text),
    Column("dateline", Text),
    # The outlet, where the file says it (news-database exports do).
    Column("publication", Text),
    # How the article's bytes are read: None for an article file, else the export format
    # (exports.FORMATS) of the file it was cut from.
    Column("origin", String(16)),
    # Every metadata line verbatim, a JSON list of {"kind": ..., "text": ...} in file order.
    Column("meta", JSON, server_default="[]", nullable=False),
    # Which parser read the row (parser.PARSER_VERSION); `reparse` updates older rows.
    Column("parser_version", Integer, server_default="1", nullable=False),
    Column("published", Date),
    Column("date_source", String(16)),
    Column("date_confidence", Float),
    # The text span(s) the date was read or reasoned from, a JSON list; [] when undated.
    Column("date_evidence", JSON, nullable=False),
    # The body's text: one line per paragraph or subheading, in order (what search indexes).
    Column("body", Text, nullable=False),
    # The body's structure, a JSON list in reading order: {"kind": "paragraph"} and
    # {"kind": "subheading"} take the next line of `body`; READ MORE entries carry their own
    # text, label and url (another article's title is not this article's text), and
    # boilerplate entries their own text (page furniture is not searched).
    Column("blocks", JSON, nullable=False),
    Column("word_count", Integer, nullable=False),
    Column("encoding", String(32), nullable=False),
    Column("byte_size", Integer, nullable=False),
    # The folder of the path the article was first read from (NULL: cut from an export),
    # the dek model's vote on the first unit under the headline (text/parser/dek.py; NULL:
    # none was asked about), and the verdict of that folder it was read with (1, 0 or -1:
    # see dek.folder_verdict), which reparse and verify read it with again.
    Column("folder", Text),
    Column("dek_vote", Float),
    Column("dek_folder", SmallInteger, server_default="0", nullable=False),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    # The article's LSH band keys (fingerprint.band_keys, packed): how its article_bands rows
    # are found again. NULL for an article stored before versions were grouped, until
    # `reparse` fingerprints it.
    Column("fingerprint", LargeBinary),
    # The smallest id among the article's versions (itself when it has none): the versions
    # of a story are the articles sharing this (see versions.py).
    Column("cluster_id", Integer, index=True),
    # The smallest id of the articles connected to it by chains of near-duplicates: the
    # set its versions cluster was chosen from, and is chosen again from when one joins.
    Column("family_id", Integer, index=True),
    # `list` pages newest first; undated articles sort last by id.
    Index("ix_articles_published_id", "published", "id"),
    # A folder's articles, tallied and settled after an ingest (ops/folder_deks.py).
    Index("ix_articles_folder", "folder"),
)

# The file's original bytes, kept apart so that listing never drags them through memory.
article_raw = Table(
    "article_raw",
    metadata,
    _article_id(primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

# What tells two source rows apart: an article, a path (as text and exact bytes) and the
# place in it (0: the file is the article).
SOURCE_KEY = ("article_id", "path", "path_bytes", "place")
# A path an article was read from; byte-identical files share one article.
article_sources = Table(
    "article_sources",
    metadata,
    Column("id", Integer, primary_key=True),
    _article_id(),
    # The path as text: the name itself when it is UTF-8, else with each byte that is not
    # as \xNN (paths.columns).
    Column("path", Text, nullable=False),
    # The path's exact bytes when `path` is not the name (it was not UTF-8), else empty.
    # Empty rather than NULL: a unique constraint counts NULLs as all different, on SQLite
    # and PostgreSQL alike, and would let the same path in twice.
    Column("path_bytes", LargeBinary, default=b"", nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    # The article's number in the file and how many the file holds, when the file is an
    # export of many articles; 0 when the file is the article (not NULL: see path_bytes).
    Column("place", Integer, nullable=False, server_default="0"),
    Column("places", Integer, nullable=False, server_default="0"),
    # One row per path and place: the bytes tell b'caf\xe9' from a name really spelt
    # 'caf\xe9'; an article an export holds twice is found at both places.
    UniqueConstraint(*SOURCE_KEY),
)

# One LSH band key of an article: articles sharing a key are compared for versions.
article_bands = Table(
    "article_bands",
    metadata,
    Column("band", BigInteger, primary_key=True),
    _article_id(primary_key=True),
    sqlite_with_rowid=False,
)

# A name a related link can reach the article by (links.article_names): its headline
# normalised, without a site name, its first words, its URL.
article_names = Table(
    "article_names",
    metadata,
    Column("name", Text, primary_key=True),
    _article_id(primary_key=True),
    sqlite_with_rowid=False,
)

# A name a related link of the article is looked up by (links.link_lookups): block
# `position` of the article, tried in `tier` order. Resolved when read, so that a target
# stored later, or a version added, is found without touching this row.
article_links = Table(
    "article_links",
    metadata,
    _article_id(primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("tier", Integer, primary_key=True),
    Column("name", Text, index=True, nullable=False),
)

# A related link's look-up rows, as the link walks read them: (article, position, tier, name).
LINK_COLUMNS = (
    article_links.c.article_id,
    article_links.c.position,
    article_links.c.tier,
    article_links.c.name,
)

# A news-database export as read: its pieces in order (articles by hash, the rest kept
# here), so that the file's bytes can be rebuilt from the archive (verify does).
export_files = Table(
    "export_files",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("format", String(16), nullable=False),
    # JSON list, in file order: ["a", article sha256] or ["f", length] (the next `length`
    # bytes of `filler`: cover pages, numbering, separators, back matter).
    Column("layout", JSON, nullable=False),
    Column("filler", LargeBinary, nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
)

# An archive's own settings (versions.threshold): they travel with the archive.
archive_settings = Table(
    "settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
