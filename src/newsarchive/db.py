"""The archive's tables as ORM row classes: the model alembic compares the schema against.

Alembic alone creates and changes the schema. How each engine connects and what it adds
(SQLite's FTS5 tables, say) lives in `engines/`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints, so that alembic's batch mode can alter SQLite tables later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ArticleRow(Base):
    """One distinct article: identified by the SHA-256 of its original bytes."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    headline: Mapped[str] = mapped_column(Text)
    dek: Mapped[str | None] = mapped_column(Text)
    byline: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    dateline: Mapped[str | None] = mapped_column(Text)
    # Every metadata line verbatim, a JSON list of {"kind": ..., "text": ...} in file order.
    meta: Mapped[list[dict[str, str]]] = mapped_column(JSON, server_default="[]")
    # Which parser read the row (parser.PARSER_VERSION); `reparse` updates older rows.
    parser_version: Mapped[int] = mapped_column(Integer, server_default="1")
    published: Mapped[dt.date | None] = mapped_column(Date)
    date_source: Mapped[str | None] = mapped_column(String(16))
    date_confidence: Mapped[float | None] = mapped_column(Float)
    # The text span(s) the date was read or reasoned from, a JSON list; [] when undated.
    date_evidence: Mapped[list[str]] = mapped_column(JSON)
    # The body's text: one line per paragraph or subheading, in order (what search indexes).
    body: Mapped[str] = mapped_column(Text)
    # The body's structure, a JSON list in reading order: {"kind": "paragraph"} and
    # {"kind": "subheading"} take the next line of `body`; READ MORE entries carry their own
    # text, label and url (another article's title is not this article's text), and
    # boilerplate entries their own text (page furniture is not searched).
    blocks: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    word_count: Mapped[int] = mapped_column(Integer)
    encoding: Mapped[str] = mapped_column(String(32))
    byte_size: Mapped[int] = mapped_column(Integer)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # The article's LSH band keys (fingerprint.band_keys, packed): how its article_bands rows
    # are found again. NULL for an article stored before versions were grouped, until
    # `reparse` fingerprints it.
    fingerprint: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The smallest id among the article's versions (itself when it has none): the versions
    # of a story are the articles sharing this (see versions.py).
    cluster_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # The smallest id of the articles connected to it by chains of near-duplicates: the
    # set its versions cluster was chosen from, and is chosen again from when one joins.
    family_id: Mapped[int | None] = mapped_column(Integer, index=True)

    __table_args__ = (
        # `list` pages newest first; undated articles sort last by id.
        Index("ix_articles_published_id", "published", "id"),
    )


class ArticleRawRow(Base):
    """The file's original bytes, kept apart so that listing never drags them through memory."""

    __tablename__ = "article_raw"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ArticleSourceRow(Base):
    """A path an article was read from; byte-identical files share one article."""

    __tablename__ = "article_sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    # The path as text: the name itself when it is UTF-8, else with each byte that is not
    # as \xNN (paths.columns).
    path: Mapped[str] = mapped_column(Text)
    # The path's exact bytes when `path` is not the name (it was not UTF-8), else empty.
    # Empty rather than NULL: a unique constraint counts NULLs as all different, on SQLite
    # and PostgreSQL alike, and would let the same path in twice.
    path_bytes: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    # One row per path: the bytes tell b'caf\xe9' from a name really spelt 'caf\xe9'.
    __table_args__ = (UniqueConstraint("article_id", "path", "path_bytes"),)


class ArticleBandRow(Base):
    """One LSH band key of an article: articles sharing a key are compared for versions."""

    __tablename__ = "article_bands"

    band: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )

    __table_args__ = ({"sqlite_with_rowid": False},)


class ArticleNameRow(Base):
    """A name a related link can reach the article by (links.article_names): its headline
    normalised, without a site name, its first words, its URL."""

    __tablename__ = "article_names"

    name: Mapped[str] = mapped_column(Text, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )

    __table_args__ = ({"sqlite_with_rowid": False},)


class ArticleLinkRow(Base):
    """A name a related link of the article is looked up by (links.link_lookups): block
    `position` of the article, tried in `tier` order. Resolved when read, so that a target
    stored later, or a version added, is found without touching this row."""

    __tablename__ = "article_links"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    tier: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, index=True)


class SettingRow(Base):
    """An archive's own settings (versions.threshold): they travel with the archive."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
