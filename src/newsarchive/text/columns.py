"""A parsed article as the archive's columns (model.rows), and the rows other tables
derive from them (band keys, names, link look-ups): pure, so ingest's workers make them
and the writer only inserts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from newsarchive.model.records import STORY_KINDS, BlockKind
from newsarchive.model.rows import ArticleValues, Derived, Lookups, block_values

if TYPE_CHECKING:
    from newsarchive.model.models import Article


def article_values(
    article: Article,
    *,
    encoding: str,
    byte_size: int,
    keys: list[int] | None = None,
    origin: str | None = None,
    folder: str | None = None,
    dek_vote: float | None = None,
    dek_folder: int = 0,
) -> ArticleValues:
    """The articles-table columns for a parsed article, but its hash and ingest time.
    `keys`: its band keys, if worked out already (else they are, here); `folder`,
    `dek_vote` and `dek_folder`: where it was read, and what its parse judged of a
    standfirst (see model.rows)."""
    from newsarchive.text import fingerprint  # NumPy: for writers only, not every read command
    from newsarchive.text.parser import PARSER_VERSION

    if keys is None:
        keys = fingerprint.band_keys(fingerprint.shingles(_story_text(article)))
    body = _body(article)
    return {
        "headline": article.headline,
        "dek": article.dek,
        "byline": article.byline,
        "source_url": article.source_url,
        "dateline": article.dateline,
        "publication": article.publication,
        "origin": origin,
        "meta": [{"kind": m.kind.value, "text": m.text} for m in article.meta],
        "published": article.published,
        "date_source": article.date_source.value if article.date_source else None,
        "date_confidence": article.date_confidence,
        "date_evidence": list(article.date_evidence),
        "body": body,
        "blocks": [block_values(b) for b in article.blocks],
        "word_count": article.word_count,
        "encoding": encoding,
        "byte_size": byte_size,
        "folder": folder,
        "dek_vote": dek_vote,
        "dek_folder": dek_folder,
        "parser_version": PARSER_VERSION,
        "fingerprint": fingerprint.pack(keys),
    }


def _body(article: Article) -> str:
    return "\n".join(b.text for b in article.blocks if b.kind in STORY_KINDS)


def _story_text(article: Article) -> str:
    from newsarchive.text.fingerprint import story_text

    return story_text(article.headline, article.dek, _body(article))


_READ_MORE = BlockKind.READ_MORE.value  # an enum's value is a property: asked per block


def lookups(columns: Mapping[str, Any]) -> Lookups:
    """Band keys, names and link look-ups of the article whose articles-table `columns` are
    given (a stored row's or ArticleValues)."""
    from newsarchive.text import fingerprint, links

    packed = columns["fingerprint"]
    return Lookups(
        [] if packed is None else fingerprint.unpack(packed),
        links.article_names(columns["headline"], columns["source_url"]),
        [
            (position, tier, name)
            for position, block in enumerate(columns["blocks"])
            if block["kind"] == _READ_MORE
            for tier, name in links.link_lookups(block["text"], block.get("url"))
        ],
    )


def derived(article_id: int, columns: Mapping[str, Any]) -> Derived:
    """What article_bands, article_names and article_links hold for the article whose
    articles-table `columns` are given."""
    return lookups(columns).rows(article_id)
