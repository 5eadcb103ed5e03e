"""An article as a row of the articles table, and back: plain data, no database.

Kept apart from store.py so that ingest's worker processes, which make these rows from
parsed articles, never import SQLAlchemy: they start faster and send back plain dicts.
The body's text is stored once, as lines in `body`; `blocks` keeps its structure.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict, cast

from newsarchive.decode import decode
from newsarchive.errors import NotAnArticleError
from newsarchive.models import STORY_KINDS, Article, Block, BlockKind, DateSource, MetaLine
from newsarchive.parser import PARSER_VERSION, parse_article


class DateValues(TypedDict):
    """The columns that say when an article was published, and how that is known."""

    published: dt.date | None
    date_source: str | None  # a DateSource value
    date_confidence: float | None
    date_evidence: list[str]


class ArticleValues(DateValues):
    """An article's columns in the articles table, but its id, hash and ingest time: what
    parsing its bytes gives. The one list of them outside db.py's ORM class."""

    headline: str
    dek: str | None
    byline: str | None
    source_url: str | None
    dateline: str | None
    meta: list[dict[str, str]]
    body: str
    blocks: list[dict[str, str]]
    word_count: int
    encoding: str
    byte_size: int
    parser_version: int
    fingerprint: bytes  # LSH band keys, packed (fingerprint.py)


# The columns a parse of an article's bytes decides (its dates are DATE_COLUMNS).
PARSED_COLUMNS = (
    "headline",
    "dek",
    "byline",
    "source_url",
    "dateline",
    "meta",
    "body",
    "blocks",
    "word_count",
    "fingerprint",
)
DATE_COLUMNS = tuple(DateValues.__annotations__)

# What parsing one file gives: its row, or why it is not an article.
Prepared = ArticleValues | str


def start_worker(parent_pid: int) -> None:
    """Set up a parsing worker: Ctrl-C is the main process's to handle (it stops after its
    batch), and a worker whose main process was killed outright exits instead of waiting
    forever on a queue nobody will write to again."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while True:
            time.sleep(1)
            try:
                os.kill(parent_pid, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:  # the pid was reused by another user's process
                os._exit(0)

    threading.Thread(target=watch, name="watch-main-process", daemon=True).start()


def prepare(work: list[tuple[bytes, str]], not_after: dt.date | None = None) -> list[Prepared]:
    """Decode and parse each (bytes, source) pair into a row; runs in worker processes.

    `not_after`, the day of ingest, bounds date inference (see dates.infer_date).
    """
    done: list[Prepared] = []
    for data, source in work:
        try:
            decoded = decode(data)
            article = parse_article(decoded.text, source=source, not_after=not_after)
            done.append(article_values(article, encoding=decoded.encoding, byte_size=len(data)))
        except NotAnArticleError as exc:
            done.append(exc.reason)
        except Exception as exc:  # a parser bug must cost one file, never the run
            done.append(f"internal error ({type(exc).__name__}: {exc}); please report this file")
    return done


def article_values(article: Article, *, encoding: str, byte_size: int) -> ArticleValues:
    """The articles-table columns for a parsed article, but its hash and ingest time."""
    from newsarchive import fingerprint  # NumPy: for writers only, not every read command

    body = "\n".join(b.text for b in article.blocks if b.kind in STORY_KINDS)
    text = fingerprint.story_text(article.headline, article.dek, body)
    return {
        "headline": article.headline,
        "dek": article.dek,
        "byline": article.byline,
        "source_url": article.source_url,
        "dateline": article.dateline,
        "meta": [{"kind": m.kind.value, "text": m.text} for m in article.meta],
        "published": article.published,
        "date_source": article.date_source.value if article.date_source else None,
        "date_confidence": article.date_confidence,
        "date_evidence": list(article.date_evidence),
        "body": body,
        "blocks": [_block_values(b) for b in article.blocks],
        "word_count": article.word_count,
        "encoding": encoding,
        "byte_size": byte_size,
        "parser_version": PARSER_VERSION,
        "fingerprint": fingerprint.pack(fingerprint.band_keys(fingerprint.shingles(text))),
    }


def changed_columns(
    values: ArticleValues, stored: Mapping[str, Any], date_source: str | None
) -> list[str]:
    """The columns where a new parse (`values`) differs from what is stored: the parsed
    ones, and the dates too unless the user gave them (ingest --published)."""
    columns: tuple[str, ...] = PARSED_COLUMNS
    if date_source != DateSource.CLI.value:
        columns += DATE_COLUMNS
    by_name = cast(Mapping[str, Any], values)  # a TypedDict, read here by column name
    return [c for c in columns if by_name[c] != stored[c]]


# The columns `derived` reads: when one changes, what it derived must be derived again.
DERIVED_FROM = frozenset({"fingerprint", "headline", "source_url", "blocks"})


@dataclass(frozen=True, slots=True)
class Derived:
    """The rows other tables hold for one article, all derived from its columns: its LSH
    band keys, the names links can reach it by, and the names its own links look up."""

    bands: list[dict[str, int]]
    names: list[dict[str, Any]]
    links: list[dict[str, Any]]


def derived(article_id: int, columns: Mapping[str, Any]) -> Derived:
    """What article_bands, article_names and article_links hold for the article whose
    articles-table `columns` are given (a stored row's or ArticleValues)."""
    from newsarchive import fingerprint, links

    packed = columns["fingerprint"]
    keys = [] if packed is None else fingerprint.unpack(packed)
    bands = [{"band": key, "article_id": article_id} for key in keys]
    names = [
        {"name": name, "article_id": article_id}
        for name in links.article_names(columns["headline"], columns["source_url"])
    ]
    found = [
        {"article_id": article_id, "position": position, "tier": tier, "name": name}
        for position, block in enumerate(columns["blocks"])
        if block["kind"] == BlockKind.READ_MORE.value
        for tier, name in links.link_lookups(block["text"], block.get("url"))
    ]
    return Derived(bands, names, found)


def dated_values(published: dt.date) -> DateValues:
    """The date columns for a date the user gave (ingest --published)."""
    return {
        "published": published,
        "date_source": DateSource.CLI.value,
        "date_confidence": 1.0,
        "date_evidence": [f"ingest --published {published.isoformat()}"],
    }


def _block_values(block: Block) -> dict[str, str]:
    # By hand, not model_dump: this runs for every block of every article ingested.
    if block.kind in STORY_KINDS:
        return {"kind": block.kind.value}  # its text is the next line of `body`
    values = {"kind": block.kind.value, "text": block.text}
    if block.label is not None:
        values["label"] = block.label
    if block.url is not None:
        values["url"] = block.url
    return values


def meta_from_row(meta: list[dict[str, str]]) -> tuple[MetaLine, ...]:
    return tuple(MetaLine.model_validate(entry) for entry in meta)


def blocks_from_row(body: str, structure: list[dict[str, Any]]) -> tuple[Block, ...]:
    """The blocks `article_values` stored: structure in order, texts from the body's lines."""
    lines = iter(body.split("\n"))
    return tuple(
        Block.model_validate(entry if "text" in entry else {**entry, "text": next(lines)})
        for entry in structure
    )
