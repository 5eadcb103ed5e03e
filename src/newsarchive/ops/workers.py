"""Ingest's and verify's parsing workers: bytes (a file, or an article cut from an
export, or a saved page) to the row the writer stores, in worker processes that never
import SQLAlchemy (a quick start; they send back plain lists)."""

from __future__ import annotations

import datetime as dt
import gc
import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from newsarchive.model.errors import NotAnArticleError
from newsarchive.model.records import STORY_KINDS, BlockKind, DateSource, MetaKind, MetaLine
from newsarchive.model.rows import (
    STORY_BLOCK_VALUES,
    ArticleValues,
    IndexTexts,
    MakeIndexTexts,
    StoredRow,
    StoredValues,
    stored_row,
)
from newsarchive.text import paths
from newsarchive.text.columns import article_values, lookups

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from newsarchive.model.models import Article

# What parsing one file gives: its row, or why it is not an article.
Prepared = ArticleValues | str
# What is parsed: the bytes, their source path and, for an article cut from a news-database
# export, the export's format (exports.FORMATS); and the verdict of the file's folder on a
# standfirst under the headline (text/parser/dek.py: 1, 0 or -1) when there is one.
Work = tuple[bytes, str] | tuple[bytes, str, str | None] | tuple[bytes, str, str | None, int]
# What a worker sends for a new article: its row, band keys, names and link look-ups (the
# fields of Lookups) and what the search index is to be given (NewArticle.search), or why
# it is not an article.
Compact = tuple[StoredRow, list[int], list[str], list[tuple[int, int, str]], "IndexTexts | None"]


def start_worker(parent_pid: int) -> None:
    """Set up a parsing worker: Ctrl-C is the main process's to handle (it stops after its
    batch), and a worker whose main process was killed outright exits instead of waiting
    forever on a queue nobody will write to again."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # What the worker imported lives as long as it does: left out of the collector's passes.
    gc.freeze()

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


# Below this many articles to parse in a batch, starting worker processes costs more than
# it saves.
POOL_MIN_ARTICLES = 200
# The modules ingest's parsing workers use (prepare imports them when first called).
WORKER_MODULES = (
    "newsarchive.ops.workers",
    "newsarchive.model.rows",
    "newsarchive.text.columns",
    "newsarchive.text.decode",
    "newsarchive.text.parser",
    "newsarchive.text.fingerprint",
    "newsarchive.text.links",
)


def worker_pool(jobs: int, modules: Sequence[str] = ()) -> ProcessPoolExecutor:
    """`jobs` worker processes that parse (ingest's, verify's): started from a fork server
    that imported what parsing needs (and `modules`) once, before any worker is forked from
    it (each had imported NumPy, pydantic and the parser itself). No SQLAlchemy unless
    `modules` asks: a quick start."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([*WORKER_MODULES, *modules])
    return ProcessPoolExecutor(
        jobs, mp_context=context, initializer=start_worker, initargs=(os.getpid(),)
    )


def default_jobs() -> int:
    """Worker processes for parsing: one per core. The writer needs less than a core (it
    reads, hashes and writes; parsing takes most of the CPU), and parses the chunks no
    worker has started when it would otherwise wait (ingest_batch.Batch.outcomes), so on
    two cores two parsers and the writer keep both busy (20,000 generated files on 2 busy
    cores: 38.1 s against 46.1 s with one worker and 51.6 s with none)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores)


def prepare(work: Sequence[Work], not_after: dt.date | None = None) -> list[Prepared]:
    """Decode and parse each (bytes, source[, origin]) into a row; runs in worker processes.

    `not_after`, the day of ingest, bounds date inference (see dates.infer_date). The
    articles' fingerprints are worked out together (fingerprint.fingerprints).

    A file's parser fields become the row directly (parse_fields), not through a validated
    Article and back: the checks validation makes are made here (`_valid`), and a parse
    that fails one takes the validated way (parse_article), so refusals and rows are
    exactly what it gives (20,000 generated articles: 110 µs an article less). An article
    cut from an export takes the validated way (its fields are the export's).
    """
    # For writers only, not every read command: NumPy, the parser's patterns, pydantic.
    from newsarchive.text import fingerprint

    done: list[Prepared] = []
    # Each article's row is made as soon as it is parsed, and what it was parsed from let
    # go (a huge article's text, and its blocks, are as large as the file, and so is the
    # row's body); the fingerprints come from the rows after.
    made: list[tuple[int, ArticleValues]] = []  # (place in done, row but its fingerprint)
    for item in work:
        data, source, origin, dek_folder = _parts(item)
        try:
            if origin is None:
                values = _file_values(data, source, not_after, dek_folder)
            elif origin == HTML:
                values = _page_values(data, source)
            else:
                values = _export_values(data, source, origin, not_after)
        except NotAnArticleError as exc:
            done.append(exc.reason)
            continue
        except Exception as exc:  # a parser bug must cost one file, never the run
            done.append(_internal_error(exc))
            continue
        made.append((len(done), values))
        done.append("")  # its row, below
        del values
    try:
        keys: list[list[int] | None] = list(
            fingerprint.story_fingerprints([(v["headline"], v["dek"], v["body"]) for _, v in made])
        )
    except Exception:  # a bug: each on its own below, so that it costs one file at most
        keys = [None] * len(made)
    for (place, values), found in zip(made, keys, strict=True):
        try:
            if found is None:
                found = fingerprint.story_fingerprints(
                    [(values["headline"], values["dek"], values["body"])]
                )[0]
            values["fingerprint"] = fingerprint.pack(found)
            done[place] = values
        except Exception as exc:
            done[place] = _internal_error(exc)
    return done


def _parts(work: Work) -> tuple[bytes, str, str | None, int]:
    if len(work) == 4:
        return work
    if len(work) == 3:
        return (*work, 0)
    return (*work, None, 0)


class Reread(Protocol):
    """What parse_again reads of a stored article: a StoredRecord's fields (or those of
    what verify sends its workers)."""

    @property
    def data(self) -> bytes: ...
    @property
    def source(self) -> str: ...
    @property
    def ingested_at(self) -> dt.datetime: ...
    @property
    def columns(self) -> StoredValues: ...


def parse_again(records: Sequence[Reread]) -> list[Prepared]:
    """Each stored article's raw bytes read again (`prepare`), in order, with dates inferred
    as on the day it was ingested and its folder's verdict on a standfirst as it was read
    with: what verify, reparse, redate and import compare with its stored columns.
    Articles ingested on one day are parsed together."""
    by_day: dict[dt.date, list[int]] = {}
    for place, record in enumerate(records):
        by_day.setdefault(record.ingested_at.date(), []).append(place)
    done: list[Prepared] = [""] * len(records)
    for day, places in by_day.items():
        work: list[Work] = [
            (r.data, r.source, r.columns["origin"], r.columns["dek_folder"])
            for r in (records[p] for p in places)
        ]
        for place, values in zip(places, prepare(work, day), strict=True):
            done[place] = values
    return done


# Bytes of stored articles parsed again together (parse_again_together): their fingerprints
# come from one pass (one at a time, three times the cost); a huge article alone.
TOGETHER_BYTES = 1 << 20


def parse_again_together(records: Sequence[Reread]) -> Iterator[Prepared]:
    """`parse_again`'s outcomes, in order, the records parsed a run of up to TOGETHER_BYTES
    at a time, not one by one (reparse --dry-run of 9,912 generated articles: 7.1-8.8 ->
    5.1-5.5 s of CPU)."""
    group: list[Reread] = []
    size = 0
    for record in records:
        if group and size + len(record.data) > TOGETHER_BYTES:
            yield from parse_again(group)
            group, size = [], 0
        group.append(record)
        size += len(record.data)
    if group:
        yield from parse_again(group)


def _file_values(
    data: bytes, source: str, not_after: dt.date | None, dek_folder: int
) -> ArticleValues:
    """The row of a file holding one article (its fingerprint is left to `prepare`)."""
    from newsarchive.text.decode import decode_text
    from newsarchive.text.parser import parse_fields

    text, encoding, _newline = decode_text(data)
    fields, vote = parse_fields(text, source=source, not_after=not_after, dek_folder=dek_folder)
    if not _valid(fields):
        fields = _validated_fields(text, source, not_after, dek_folder)
    del text  # as large as the file: not kept while the row is made
    body = "\n".join([b["text"] for b in fields["blocks"] if b["kind"] in STORY_KINDS])
    values = _fields_values(fields, body, encoding, len(data), [])
    values["folder"] = paths.folder_of(source)
    values["dek_vote"], values["dek_folder"] = vote, dek_folder
    return values


def _export_values(
    data: bytes, source: str, origin: str, not_after: dt.date | None
) -> ArticleValues:
    """The row of an article cut from a news-database export (its fingerprint is left to
    `prepare`): as for a file, the parser's fields become the row directly, the export's
    fields over them, where `_valid` vouches for them (else the validated way): 10,000
    generated LexisNexis articles, 300 -> 277 µs an article in the workers (plain files: 208).
    Its fields are read here, once: ingest's main process only finds where articles lie
    (exports.bounds)."""
    from newsarchive.text import exports
    from newsarchive.text.decode import decode_text
    from newsarchive.text.parser import parse_fields

    readable = _with_utf16_bom(data)
    # Decoded once: the fields are read from this text when it is UTF-8's (the export's own
    # reading of the bytes, exports.article_fields says why), and it refuses what decode does.
    decoded, encoding, _newline = decode_text(readable)
    utf8 = decoded if encoding in ("utf-8", "utf-8-sig") else None
    found = exports.article_fields(origin, readable, utf8)
    del decoded, utf8
    if found is None:
        raise NotAnArticleError(f"not a {exports.FORMAT_NAMES.get(origin, origin)} article")
    text = f"{found.headline or 'Untitled'}\n\n{found.body}\n"  # see _export_article
    # An export's articles are of many outlets: no vote, no folder's verdict (folder_deks.py).
    # A date the export gives replaces every date field the parser sets (_export_update),
    # so the parser's inference, a fifth of its time here, is not run for it (set_date
    # sets those four fields alone; the dateline is found either way).
    bound = not_after if found.published is None else None
    fields, _vote = parse_fields(text, source=source, not_after=bound)
    update = _export_update(found, meta=False)
    del update["publication"]  # a column of the row, not a field the parser gives
    fields.update(update)
    if not _valid(fields):
        return _validated_export_values(readable, encoding, len(data), origin, source, not_after)
    body = "\n".join([b["text"] for b in fields["blocks"] if b["kind"] in STORY_KINDS])
    values = _fields_values(fields, body, encoding, len(data), [])
    # The row's meta as _fields_values makes it of the MetaLines _export_update makes: no
    # line of Fields.lines() holds a line end (its words joined by spaces), the one thing
    # a MetaLine refuses.
    values["meta"] = [{"kind": _FIELD, "text": line} for line in found.lines()]
    values["publication"] = found.publication
    values["origin"] = origin
    return values


def _validated_export_values(
    readable: bytes,
    encoding: str,
    byte_size: int,
    origin: str,
    source: str,
    not_after: dt.date | None,
) -> ArticleValues:
    """_export_values through the validated Article (and a test's measure of it)."""
    article = _export_article(readable, "", origin, source, not_after)
    return article_values(article, encoding=encoding, byte_size=byte_size, keys=[], origin=origin)


def _words(fields: dict[str, Any], body: str) -> int:
    """The words of the body: split whole when short (one call), else block by block, as
    records.words_read does (a huge body split whole made a list of every word: 400,000
    strings, three times the file, issue 22). The same count: no block's text holds a
    line end, so the body's words are its blocks' words."""
    if len(body) <= _SPLIT_WHOLE:
        return _word_count(body)
    return sum(len(b["text"].split()) for b in fields["blocks"] if b["kind"] in STORY_KINDS)


_SPLIT_WHOLE = 1 << 16


def _word_count(text: str) -> int:
    """len(text.split()), without making its words (500 strings for a generated body, most
    of the instructions its row took), from the text's UTF-8: each byte made a space or
    not (bytes.translate), and a word begins at each non-space after a space, or at the
    start. The same count when no whitespace past ASCII is in the text (else split is
    asked): an ASCII character is its one byte, any other is bytes that stay in its word.
    _fields_values of 1,000 generated articles, callgrind: 249k -> 207k instructions."""
    data = text.encode("utf-8", "surrogatepass")
    if not text.isascii():
        past = data.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")
        if any(map(str.isspace, past)):  # a no-break space, an em space: they split too
            return len(text.split())
    marked = data.translate(_SPACE_OR_NOT)
    return marked.count(b" x") + marked.startswith(b"x")


_ASCII_BYTES = bytes(range(128))
# Each byte as a space (what str.split splits at below 0x80) or an "x".
_SPACE_OR_NOT = bytes(ord(" ") if chr(b).isspace() and b < 0x80 else ord("x") for b in range(256))


def _page_values(data: bytes, source: str) -> ArticleValues:
    """The row of a saved web page's article (its fingerprint is left to `prepare`)."""
    article, encoding = _page_article(data, source)
    return article_values(article, encoding=encoding, byte_size=len(data), keys=[], origin=HTML)


# What an Article holds but the parser may leave out (the parser never sets `publication`:
# an export's fields do, and those take the validated way).
_FIELDS = frozenset(
    {"headline", "dek", "byline", "source_url", "dateline", "published", "date_source"}
    | {"date_confidence", "date_evidence", "blocks", "meta"}
)


def _valid(fields: dict[str, Any]) -> bool:
    """Whether models.Article would take these fields as they are: what its validation
    checks that the parser's own types do not already guarantee."""
    if not fields.keys() <= _FIELDS or type(fields.get("headline")) is not str:
        return False
    for block in fields["blocks"]:
        if "\n" in block["text"] or not isinstance(block["kind"], BlockKind):
            return False
    published = fields.get("published")
    source = fields.get("date_source")
    confidence = fields.get("date_confidence")
    if published is None and source is None and confidence is None:
        return True
    return (
        type(published) is dt.date
        and isinstance(source, DateSource)
        and type(confidence) is float
        and 0 <= confidence <= 1
    )


def _validated_fields(
    text: str, source: str, not_after: dt.date | None, dek_folder: int
) -> dict[str, Any]:
    """The fields of the validated Article (parse_article), for the rare parse `_valid`
    cannot vouch for: it raises what parse_article raises."""
    from newsarchive.text.parser import parse_article

    article = parse_article(text, source=source, not_after=not_after, dek_folder=dek_folder)
    fields: dict[str, Any] = {
        name: getattr(article, name) for name in _FIELDS if name not in ("blocks",)
    }
    fields["blocks"] = [
        {"kind": b.kind, "text": b.text, "label": b.label, "url": b.url} for b in article.blocks
    ]
    return fields


def _fields_values(
    fields: dict[str, Any], body: str, encoding: str, byte_size: int, keys: list[int] | None
) -> ArticleValues:
    """`article_values` of the Article these fields validate into, without making it (a
    file's article: no publication, no export origin)."""
    from newsarchive.text import fingerprint
    from newsarchive.text.parser import PARSER_VERSION

    headline: str = fields["headline"]
    dek: str | None = fields.get("dek")
    if keys is None:
        story = fingerprint.story_text(headline, dek, body)
        keys = fingerprint.band_keys(fingerprint.shingles(story))
    blocks = []
    for block in fields["blocks"]:
        kind = block["kind"]
        if kind in STORY_KINDS:
            blocks.append(STORY_BLOCK_VALUES[kind])
            continue
        values = {"kind": kind.value, "text": block["text"]}
        if (label := block.get("label")) is not None:
            values["label"] = label
        if (url := block.get("url")) is not None:
            values["url"] = url
        blocks.append(values)
    source = fields.get("date_source")
    return {
        "headline": headline,
        "dek": dek,
        "byline": fields.get("byline"),
        "source_url": fields.get("source_url"),
        "dateline": fields.get("dateline"),
        "publication": None,
        "origin": None,
        "meta": [{"kind": m.kind.value, "text": m.text} for m in fields.get("meta", ())],
        "published": fields.get("published"),
        "date_source": source.value if source is not None else None,
        "date_confidence": fields.get("date_confidence"),
        "date_evidence": list(fields.get("date_evidence", ())),
        "body": body,
        "blocks": blocks,
        # As records.words_read: the body is the story blocks' texts, one per line.
        "word_count": len(headline.split()) + len((dek or "").split()) + _words(fields, body),
        "encoding": encoding,
        "byte_size": byte_size,
        "folder": None,  # the caller's, from where it was read
        "dek_vote": None,  # the caller's, from the parse
        "dek_folder": 0,
        "parser_version": PARSER_VERSION,
        "fingerprint": fingerprint.pack(keys),
    }


def _internal_error(exc: Exception) -> str:
    return f"internal error ({type(exc).__name__}: {exc}); please report this file"


# The origin of a saved web page's article (articles.origin): read by htmlpage, not parsed.
HTML = "html"


def _page_article(data: bytes, source: str) -> tuple[Article, str]:
    """A saved web page's article (htmlpage.py), and the encoding its text is in."""
    from newsarchive.text import htmlpage
    from newsarchive.text.decode import page_encoding

    return htmlpage.read_page(data, source=source), page_encoding(data)


def _with_utf16_bom(data: bytes) -> bytes:
    """An article cut from a UTF-16 export has no byte-order mark of its own (the file's is
    before the first article): given back, by where the NULs of its ASCII sit."""
    import codecs

    if b"\x00" not in data[:4096]:
        return data
    sample = data[:4096]
    little = sample[1::2].count(0) > sample[0::2].count(0)
    return (codecs.BOM_UTF16_LE if little else codecs.BOM_UTF16_BE) + data


def _export_article(
    data: bytes, text: str, origin: str, source: str, not_after: dt.date | None
) -> Article:
    """An article cut from a news-database export: its body read by the parser, its
    headline, byline, date, URL and publication from the export's fields, every field kept
    as a metadata line."""
    from newsarchive.text import exports
    from newsarchive.text.parser import parse_article

    fields = exports.article_fields(origin, data)
    if fields is None:
        raise NotAnArticleError(f"not a {exports.FORMAT_NAMES.get(origin, origin)} article")
    # The parser reads the body as it reads any article's, under the export's headline
    # (a stand-in when the export gives none, so that the body's first line stays body).
    headline = fields.headline or "Untitled"
    parsed = parse_article(f"{headline}\n\n{fields.body}\n", source=source, not_after=not_after)
    return parsed.model_copy(update=_export_update(fields))


_FIELD = MetaKind.FIELD.value


def _export_update(fields: Any, meta: bool = True) -> dict[str, Any]:
    """What an export's fields (exports.fields.Fields) put over the parser's reading of the body:
    headline, publication, every field as a metadata line, byline, URL, date. `meta`: with
    the metadata lines as MetaLines (else none, for a caller that makes the row's own)."""
    update: dict[str, Any] = {
        "headline": fields.headline or "",
        "publication": fields.publication,
        "meta": tuple(MetaLine(kind=MetaKind.FIELD, text=line) for line in fields.lines())
        if meta
        else (),
    }
    if fields.byline:
        update["byline"] = fields.byline
    if fields.url:
        update["source_url"] = fields.url
    if fields.published is not None:
        update |= {
            "published": fields.published,
            "date_source": DateSource.EXPORT,
            "date_confidence": 1.0,
            "date_evidence": (fields.date_text or fields.published.isoformat(),),
        }
    return update


def prepare_new(
    work: Sequence[Work],
    not_after: dt.date | None = None,
    index_texts: MakeIndexTexts | None = None,
) -> list[Compact | str]:
    """`prepare`, each row as stored with its Lookups' fields and, given the engine's
    `index_texts`, what its search index is to be given: what ingest's workers send the
    writer."""
    done: list[Compact | str] = []
    for values in prepare(work, not_after):
        if isinstance(values, str):
            done.append(values)
            continue
        found = lookups(values)
        try:
            search = None if index_texts is None else index_texts(values)
        except Exception:  # a bug costs nothing: the engine makes the texts as it writes
            search = None
        done.append((stored_row(values), found.bands, found.names, found.links, search))
    return done
