#!/usr/bin/env python3
"""Ingest throughput and read latency of newsarchive on PostgreSQL, beside floors, in one run.

    python bench/pg_bench.py [--corpus /tmp/bench-corpus] [--count 100000] [--runs 3]
        [--search-runs 31] [--server postgresql://postgres@127.0.0.1] [--reuse] [--drop]

Needs a PostgreSQL server where the user may create databases (and the `unaccent` extension,
from contrib); every database it makes is named `na_bench_*`.

Ingest: generates the corpus with bench/generate.py when the folder is missing or empty,
warms the page cache by reading every file once, then times whole processes into a fresh
database each (created before the clock starts), alternating the order run by run:

- the floor: this script's own loader (`--load-floor`, psycopg only): walk, read, SHA-256,
  decode UTF-8 (errors replaced), first line as headline and the rest as body, duplicates
  dropped by hash, and COPY into tables of the archive's own shape (the same columns,
  constraints and indexes, and the same generated tsvector column, text search configuration
  and GIN index as migration 0004, so it pays for the same search index), one transaction
  per 1,000 files as newsarchive commits;
- `newsarchive --db postgresql://.../na_bench_... ingest CORPUS` (parsing, dates, schema).

Each is timed by wall clock, with peak memory (largest client process) and client CPU from
/usr/bin/time where it exists, and the server's CPU (every `postgres` process, read from
/proc, so other work on the same server counts too). Prints medians, files/s and the ratio
newsarchive / floor throughput, and each database's size (pg_database_size).

Read latency: the last newsarchive database stays as `na_bench_keep` (`--reuse` measures it
again without ingesting; `--drop` drops it at the end); it is VACUUM ANALYZEd first, as
autovacuum would soon do. Picks a rare, a medium and a very common term from the index's own
vocabulary (ts_stat), then times, in rounds that alternate the calls, the top 20 with
snippets through `open_archive(...).reading()` and `Store.search` ("ours"), the same call in
one held session ("in sess": no BEGIN and ROLLBACK per call), and the two statements
TsvectorIndex issues, sent as they are through a bare psycopg connection in autocommit
("raw"; its hit ids are checked against ours). The same for `Store.list(limit=20)` and
`Store.get(id)` against their SQL, and as whole processes: `newsarchive --db URL search TERM`,
`list --limit 20` and `show ID` against `python -c` running the raw SQL with psycopg.
To time a fixed copy of the code while the checkout changes (the venv's install is editable),
put its `src` first: `git archive COMMIT | tar -x -C DIR`, then `PYTHONPATH=DIR/src python
bench/pg_bench.py ...` (the ingest processes inherit it); the first line says which was used.
Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import ensure_corpus, newsarchive_command, paired_medians_ms  # noqa: E402

TIME = Path("/usr/bin/time") if shutil.which("time") and Path("/usr/bin/time").exists() else None
KEEP = "na_bench_keep"
FLOOR_BATCH = 1000  # files per transaction, as newsarchive's ingest.BATCH_SIZE
RETRIES = 2  # a whole process that fails is run again this many times at most

# -- the floor's schema: the archive's tables (alembic 0001-0004) without alembic's own --------

# The generated column and text search configuration, as migration 0004 makes them.
CONFIG = "newsarchive"
DOCUMENT = (
    f"setweight(to_tsvector('{CONFIG}', coalesce(headline, '')), 'A') || "
    f"setweight(to_tsvector('{CONFIG}', coalesce(dek, '')), 'B') || "
    f"setweight(to_tsvector('{CONFIG}', body), 'C') || "
    f"setweight(to_tsvector('{CONFIG}', coalesce(byline, '') || ' ' || "
    "coalesce(source_url, '')), 'D')"
)
FLOOR_SCHEMA = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = simple)",
    f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple",
    "CREATE TABLE articles ("
    " id serial CONSTRAINT pk_articles PRIMARY KEY,"
    " sha256 varchar(64) NOT NULL CONSTRAINT uq_articles_sha256 UNIQUE,"
    " headline text NOT NULL, dek text, byline text, source_url text, published date,"
    " date_source varchar(16), date_confidence double precision, date_evidence json NOT NULL,"
    " body text NOT NULL, blocks json NOT NULL, word_count integer NOT NULL,"
    " encoding varchar(32) NOT NULL, byte_size integer NOT NULL,"
    " ingested_at timestamptz NOT NULL, dateline text, meta json NOT NULL DEFAULT '[]',"
    " parser_version integer NOT NULL DEFAULT 1,"
    f" search_document tsvector GENERATED ALWAYS AS ({DOCUMENT}) STORED)",
    "CREATE INDEX ix_articles_published_id ON articles (published, id)",
    "CREATE INDEX ix_articles_search_document ON articles USING gin (search_document)",
    "CREATE TABLE article_raw ("
    " article_id integer CONSTRAINT pk_article_raw PRIMARY KEY"
    " REFERENCES articles (id) ON DELETE CASCADE,"
    " data bytea NOT NULL)",
    "CREATE TABLE article_sources ("
    " id serial CONSTRAINT pk_article_sources PRIMARY KEY,"
    " article_id integer NOT NULL REFERENCES articles (id) ON DELETE CASCADE,"
    " path text NOT NULL, first_seen timestamptz NOT NULL,"
    " CONSTRAINT uq_article_sources_article_id UNIQUE (article_id, path))",
]
COPY_ARTICLES = (
    "COPY articles (id, sha256, headline, body, date_evidence, blocks, word_count, encoding,"
    " byte_size, ingested_at) FROM STDIN (FORMAT BINARY)"
)
ARTICLE_TYPES = [
    "int4", "varchar", "text", "text", "json", "json", "int4", "varchar", "int4", "timestamptz",
]  # fmt: skip
COPY_RAW = "COPY article_raw (article_id, data) FROM STDIN (FORMAT BINARY)"
COPY_SOURCES = "COPY article_sources (article_id, path, first_seen) FROM STDIN (FORMAT BINARY)"

# -- the statements newsarchive sends (storage/backends/postgres*.py, storage/), written out --

TSQUERY = "(SELECT to_tsquery(CAST(%(cfg)s AS regconfig), %(q)s) AS q) q"
# TsvectorIndex.search, no date filter: where the ranking window starts, then the page.
RAW_WINDOW = (
    f"SELECT a.id FROM articles a, {TSQUERY} WHERE a.search_document @@ q.q "
    "ORDER BY a.id DESC OFFSET %(window)s LIMIT 1"
)
RAW_PAGE = (
    "SELECT p.id, p.headline, p.published, p.date_source, p.word_count, p.rank, "
    "ts_headline(CAST(%(cfg)s AS regconfig), p.body, p.q, %(options)s), "
    "(SELECT path FROM article_sources s WHERE s.article_id = p.id "
    "ORDER BY s.id LIMIT 1) "
    "FROM (SELECT a.id, a.headline, a.published, a.date_source, a.word_count, "
    "a.body, q.q, "
    "-ts_rank('{0.05, 0.1, 0.5, 1.0}', a.search_document, q.q) AS rank "
    f"FROM articles a, {TSQUERY} WHERE a.search_document @@ q.q<floor> "
    "ORDER BY rank, a.id DESC "
    "LIMIT %(limit)s) p ORDER BY p.rank, p.id DESC"
)
SEARCH_PARAMS = {
    "cfg": CONFIG,
    "limit": 20,
    "window": 20_000 - 1,  # storage.backends.RANK_WINDOW - 1
    "options": "StartSel=\ufdd0, StopSel=\ufdd1, MaxWords=16, MinWords=8, ShortWord=0, "
    "MaxFragments=1, FragmentDelimiter=…",
}
# Store.list(limit=20): newest first, undated last, with the first source path.
RAW_LIST = (
    "SELECT a.id, a.headline, a.published, a.date_source, "
    "(SELECT s.path FROM article_sources s WHERE s.article_id = a.id ORDER BY s.id LIMIT 1), "
    "a.word_count FROM articles a ORDER BY a.published DESC NULLS LAST, a.id DESC LIMIT 20"
)
# Store.get(id): the mapped columns (not search_document), then the source paths.
RAW_GET = (
    "SELECT id, sha256, headline, dek, byline, source_url, dateline, meta, parser_version, "
    "published, date_source, date_confidence, date_evidence, body, blocks, word_count, "
    "encoding, byte_size, ingested_at FROM articles WHERE id = %(id)s"
)
RAW_GET_SOURCES = "SELECT path FROM article_sources WHERE article_id = %(id)s ORDER BY id"


def raw_search(conn: psycopg.Connection, term: str) -> list[tuple]:
    """TsvectorIndex.search's statements for one word, through bare psycopg."""
    params = {**SEARCH_PARAMS, "q": f"'{term}'"}
    floor = conn.execute(RAW_WINDOW, params).fetchone()
    if floor is None:
        return conn.execute(RAW_PAGE.replace("<floor>", ""), params).fetchall()
    params["floor"] = floor[0]
    return conn.execute(RAW_PAGE.replace("<floor>", " AND a.id >= %(floor)s"), params).fetchall()


def raw_get(conn: psycopg.Connection, article_id: int) -> tuple:
    row = conn.execute(RAW_GET, {"id": article_id}).fetchone()
    return row, conn.execute(RAW_GET_SOURCES, {"id": article_id}).fetchall()


# -- the floor loader (runs as its own process) ------------------------------------------------


def walk_files(root: str) -> Iterator[str]:
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            yield os.path.join(folder, name)


def load_floor(corpus: Path, url: str, batch: int) -> dict[str, object]:
    """Load the corpus the minimal way into a fresh database; counts and seconds."""
    start = time.perf_counter()
    seen: dict[str, int] = {}  # hash -> id: the database is fresh, so ids are ours to give
    files = 0
    paths = walk_files(os.path.abspath(corpus))
    with psycopg.connect(url) as conn:
        with conn.transaction():
            for statement in FLOOR_SCHEMA:
                conn.execute(statement)
        cur = conn.cursor()
        done = False
        while not done:
            now = dt.datetime.now(dt.UTC)
            raws: list[tuple[int, bytes]] = []
            sources: list[tuple[int, str, dt.datetime]] = []
            with conn.transaction():
                # Rows go to the server as the files are read, so it indexes while we read.
                with cur.copy(COPY_ARTICLES) as copy:
                    copy.set_types(ARTICLE_TYPES)
                    for _ in range(batch):
                        path = next(paths, None)
                        if path is None:
                            done = True
                            break
                        with open(path, "rb") as handle:
                            data = handle.read()
                        files += 1
                        sha = hashlib.sha256(data).hexdigest()
                        known = seen.get(sha)
                        if known is not None:
                            sources.append((known, path, now))
                            continue
                        article_id = seen[sha] = len(seen) + 1
                        text = data.decode("utf-8", errors="replace")
                        if "\x00" in text:
                            text = text.replace("\x00", "")  # text columns cannot hold NUL
                        headline, _, body = text.partition("\n")
                        row = (article_id, sha, headline.strip(), body, [], [], 0, "utf-8")
                        copy.write_row((*row, len(data), now))
                        raws.append((article_id, data))
                        sources.append((article_id, path, now))
                if raws:
                    with cur.copy(COPY_RAW) as copy:
                        copy.set_types(["int4", "bytea"])
                        for row in raws:
                            copy.write_row(row)
                if sources:
                    with cur.copy(COPY_SOURCES) as copy:
                        copy.set_types(["int4", "text", "timestamptz"])
                        for row in sources:
                            copy.write_row(row)
        with conn.transaction():
            conn.execute("SELECT setval('articles_id_seq', greatest(%s, 1))", (len(seen),))
    seconds = time.perf_counter() - start
    return {"files": files, "added": len(seen), "seconds": round(seconds, 3)}


# -- helpers -------------------------------------------------------------------------------------


def server_cpu() -> float | None:
    """CPU seconds of every postgres process so far, ended backends included (the postmaster
    reaps them, so theirs is in its children's times); None where /proc does not tell."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    try:
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return None
    found = False
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        if name != "postgres":
            continue
        found = True
        fields = stat[stat.rindex(")") + 2 :].split()
        # utime, stime, cutime, cstime are fields 14-17 of /proc/PID/stat (11-14 here).
        total += sum(int(f) for f in fields[11:15])
    return total / ticks if found else None


def timed(command: list[str]) -> dict[str, float | None] | None:
    """Wall seconds, peak RSS (KiB) and client CPU seconds of a command, and server CPU;
    None when it failed (said on stderr)."""
    prefix = [str(TIME), "-f", "na-bench %M %U %S"] if TIME else []
    cpu_before = server_cpu()
    start = time.perf_counter()
    done = subprocess.run(prefix + command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    cpu_after = server_cpu()
    if done.returncode not in (0, 3):
        print(f"failed ({done.returncode}): {' '.join(command)}", file=sys.stderr)
        print(done.stderr[-1000:], file=sys.stderr)
        return None
    result: dict[str, float | None] = {"seconds": seconds, "rss": None, "cpu": None}
    for line in done.stderr.splitlines():
        if line.startswith("na-bench "):
            rss, user, system = line.split()[1:]
            result["rss"], result["cpu"] = int(rss), float(user) + float(system)
    if cpu_before is not None and cpu_after is not None:
        result["server"] = cpu_after - cpu_before
    return result


def admin(server: str) -> psycopg.Connection:
    return psycopg.connect(f"{server}/postgres", autocommit=True)


def recreate(server: str, name: str) -> None:
    assert name.startswith("na_bench_")
    with admin(server) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def drop(server: str, name: str) -> None:
    assert name.startswith("na_bench_")
    with admin(server) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def count_files(corpus: Path) -> int:
    return sum(len(files) for _folder, _dirs, files in os.walk(corpus))


def warm(corpus: Path) -> None:
    for path in walk_files(str(corpus)):
        with open(path, "rb") as handle:
            handle.read()


def mib(size: float) -> str:
    return f"{size / 2**20:,.0f}"


# -- ingest ----------------------------------------------------------------------------------


def bench_ingest(args: argparse.Namespace) -> None:
    ensure_corpus(args.corpus, args.count)
    files = count_files(args.corpus)
    warm(args.corpus)
    tool = newsarchive_command()
    results: dict[str, list[dict[str, float | None]]] = {"floor": [], "newsarchive": []}
    facts: dict[str, dict[str, int]] = {}
    retried = {"floor": 0, "newsarchive": 0}
    for run in range(args.runs):
        order = ["floor", "newsarchive"] if run % 2 == 0 else ["newsarchive", "floor"]
        for name in order:
            database = f"na_bench_{'floor' if name == 'floor' else 'ours'}"
            url = f"{args.server}/{database}"
            if name == "floor":
                command = [sys.executable, __file__, "--load-floor", url, "--corpus"]
                command += [str(args.corpus), "--batch", str(args.batch)]
            else:
                command = [*tool, "--db", url, "ingest", str(args.corpus)]
            # A run that fails (on a shared server, the project's own tests end every
            # backend named 'newsarchive') is run again, into a fresh database.
            for _attempt in range(RETRIES + 1):
                recreate(args.server, database)
                result = timed(command)
                if result is not None:
                    break
                retried[name] += 1
            else:
                sys.exit(f"{name} failed {RETRIES + 1} times")
            results[name].append(result)
            with psycopg.connect(url) as conn:
                size = conn.execute("SELECT pg_database_size(current_database())").fetchone()
                articles = conn.execute("SELECT count(*) FROM articles").fetchone()
                sources = conn.execute("SELECT count(*) FROM article_sources").fetchone()
            facts[name] = {"size": size[0], "articles": articles[0], "sources": sources[0]}
            print(
                f"  run {run + 1} {name:12} {result['seconds']:7.2f} s "
                f"({articles[0]:,} articles, {mib(size[0])} MiB)",
                file=sys.stderr,
            )
            if name == "newsarchive" and run == args.runs - 1:
                drop(args.server, KEEP)
                with admin(args.server) as conn:
                    conn.execute(f"ALTER DATABASE {database} RENAME TO {KEEP}")
            else:
                drop(args.server, database)

    print(f"ingest: {args.corpus} ({files:,} files); runs: {args.runs}, alternating order")
    print(
        f"{'':26} {'median s':>9} {'files/s':>8} {'peak MiB':>9} {'client CPU':>10} "
        f"{'server CPU':>10}   runs (s)"
    )
    labels = {"floor": "floor (psycopg COPY)", "newsarchive": "newsarchive ingest"}
    for name, runs in results.items():
        median = statistics.median(r["seconds"] for r in runs)
        peaks = [r["rss"] for r in runs if r["rss"] is not None]
        cpus = [r["cpu"] for r in runs if r["cpu"] is not None]
        servers = [r["server"] for r in runs if r.get("server") is not None]
        peak = f"{max(peaks) / 1024:.0f}" if peaks else "-"
        cpu = f"{statistics.median(cpus):.1f}" if cpus else "-"
        server = f"{statistics.median(servers):.1f}" if servers else "-"
        times = ", ".join(f"{r['seconds']:.1f}" for r in runs)
        print(
            f"{labels[name]:26} {median:9.2f} {files / median:8,.0f} {peak:>9} {cpu:>10} "
            f"{server:>10}   {times}"
        )
    ours = statistics.median(r["seconds"] for r in results["newsarchive"])
    floor = statistics.median(r["seconds"] for r in results["floor"])
    print(f"throughput newsarchive / floor: {floor / ours:.2f}x (aim: >= 0.8x)")
    if any(retried.values()):
        print(f"failed runs done again: {retried}")
    for name, fact in facts.items():
        print(
            f"database size, {labels[name]}: {mib(fact['size'])} MiB "
            f"({fact['articles']:,} articles, {fact['sources']:,} source paths)"
        )


# -- reading ---------------------------------------------------------------------------------


def pick_terms(conn: psycopg.Connection) -> tuple[int, list[tuple[str, str, int]]]:
    total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    conn.execute(
        "CREATE TEMP TABLE vocab AS SELECT word, ndoc FROM "
        "ts_stat('SELECT search_document FROM articles') "
        "WHERE length(word) > 3 AND word ~ '^[a-z]+$'"
    )
    pick = "SELECT word, ndoc FROM vocab "
    rare = conn.execute(pick + "WHERE ndoc BETWEEN 5 AND 20 ORDER BY ndoc DESC, word LIMIT 1")
    medium = conn.execute(pick + "ORDER BY abs(ndoc - %s), word LIMIT 1", (max(1, total // 100),))
    common = conn.execute(pick + "ORDER BY ndoc DESC, word LIMIT 1")
    picked = [("rare", *rare.fetchone()), ("medium", *medium.fetchone())]
    picked.append(("common", *common.fetchone()))
    conn.execute("DROP TABLE vocab")
    return total, picked


def process_pair(ours: list[str], raw_code: str, args: list[str], runs: int) -> list[float]:
    raw = [sys.executable, "-c", raw_code, *args]

    def run(command: list[str]) -> None:
        for _attempt in range(RETRIES + 1):
            done = subprocess.run(command, capture_output=True, check=False)
            if done.returncode == 0:
                return
            print(f"failed ({done.returncode}): {' '.join(command)}", file=sys.stderr)
            print(done.stderr[-1000:].decode(errors="replace"), file=sys.stderr)
        sys.exit(f"failed {RETRIES + 1} times: {' '.join(command)}")

    return paired_medians_ms([lambda: run(ours), lambda: run(raw)], runs)


def rename_connections(engine: Any) -> None:
    """Give the in-process archive's connections a name of their own: the project's tests
    end every backend named 'newsarchive' on the server (pg_terminate_backend). Costs one
    statement per new connection, none per call."""
    from sqlalchemy import event

    def rename(dbapi_connection: psycopg.Connection, _record: object) -> None:
        dbapi_connection.execute("SET application_name = 'na_bench'")
        dbapi_connection.commit()

    event.listen(engine, "connect", rename)
    engine.dispose()  # the connection open_archive made has the old name


def bench_reading(args: argparse.Namespace) -> None:

    from newsarchive.storage import config
    from newsarchive.storage.archive import open_archive
    from newsarchive.storage.store import Store
    from newsarchive.text.query import parse_query

    url = f"{args.server}/{KEEP}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        start = time.perf_counter()
        total, terms = pick_terms(conn)
        picking = time.perf_counter() - start
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        middle = conn.execute(
            "SELECT id FROM articles ORDER BY id OFFSET %s LIMIT 1", (total // 2,)
        ).fetchone()[0]
    version = psycopg.connect(url).info.server_version
    archive = open_archive(config.resolve(url, Path(".")), create=False)
    rename_connections(archive.engine)
    raw = psycopg.connect(url, autocommit=True)
    tool = newsarchive_command()
    process_runs = max(3, args.search_runs // 3)
    head = "import psycopg, sys; c = psycopg.connect(sys.argv[1], autocommit=True); "

    print(
        f"\nreading: {KEEP} ({total:,} articles, {mib(size)} MiB after VACUUM ANALYZE; "
        f"PostgreSQL {version // 10000}.{version % 10000}); terms picked by ts_stat in "
        f"{picking:.1f} s"
    )
    print(
        f"in process: medians of {args.search_runs} alternating rounds, ms; "
        f"whole processes: medians of {process_runs}, ms"
    )
    print(
        f"{'':30} {'matches':>8} {'ours':>8} {'in sess':>8} {'raw':>8} {'ours/raw':>8} "
        f"{'sess/raw':>8}   process: ours / raw"
    )
    connection = archive.engine.connect()  # held open, as a command holds it
    held = Store(connection, archive.backend)

    def line(label: str, matches: str, timings: list[float], process: list[float]) -> None:
        ours_ms, session_ms, raw_ms = timings
        print(
            f"{label:30} {matches:>8} {ours_ms:8.2f} {session_ms:8.2f} {raw_ms:8.2f} "
            f"{ours_ms / raw_ms:8.2f} {session_ms / raw_ms:8.2f}   "
            f"{process[0]:.0f} / {process[1]:.0f}"
        )

    for label, term, docs in terms:
        query = parse_query(term)

        def ours(query: object = query) -> object:
            with archive.reading() as store:
                return store.search(query, limit=20).hits  # type: ignore[arg-type]

        def in_session(query: object = query) -> object:
            return held.search(query, limit=20).hits  # type: ignore[arg-type]

        def plain(term: str = term) -> object:
            return raw_search(raw, term)

        got, want = [h.id for h in ours()], [r[0] for r in plain()]
        if got != want:
            sys.exit(f"raw SQL for {term!r} disagrees with Store.search: {want} != {got}")
        timings = paired_medians_ms([ours, in_session, plain], args.search_runs)
        code = (
            head
            + f"p = {{**{SEARCH_PARAMS!r}, 'q': chr(39) + sys.argv[2] + chr(39)}}; "
            + f"f = c.execute({RAW_WINDOW!r}, p).fetchone(); "
            + "w = '' if f is None else ' AND a.id >= %(floor)s'; "
            + "p['floor'] = f and f[0]; "
            + f"print(c.execute({RAW_PAGE!r}.replace('<floor>', w), p).fetchall())"
        )
        process = process_pair(
            [*tool, "--db", url, "search", term], code, [url, term], process_runs
        )
        line(f"search {label} {term!r}", f"{docs:,}", timings, process)

    def list_ours() -> object:
        with archive.reading() as store:
            return list(store.list(limit=20).articles)

    def list_raw() -> object:
        return raw.execute(RAW_LIST).fetchall()

    if [a.id for a in list_ours()] != [r[0] for r in list_raw()]:
        sys.exit("raw SQL for list disagrees with Store.list")
    timings = paired_medians_ms(
        [list_ours, lambda: list(held.list(limit=20).articles), list_raw], args.search_runs
    )
    code = head + f"print(c.execute({RAW_LIST!r}).fetchall())"
    process = process_pair([*tool, "--db", url, "list", "--limit", "20"], code, [url], process_runs)
    line("list --limit 20", "", timings, process)

    def show_ours() -> object:
        with archive.reading() as store:
            return store.get(middle)

    timings = paired_medians_ms(
        [show_ours, lambda: held.get(middle), lambda: raw_get(raw, middle)], args.search_runs
    )
    code = (
        head
        + f"print(c.execute({RAW_GET!r}, {{'id': int(sys.argv[2])}}).fetchone(), "
        + f"c.execute({RAW_GET_SOURCES!r}, {{'id': int(sys.argv[2])}}).fetchall())"
    )
    command = [*tool, "--db", url, "show", str(middle)]
    process = process_pair(command, code, [url, str(middle)], process_runs)
    line(f"show {middle}", "", timings, process)
    print("aim: search ours / raw <= 1.2x")
    connection.close()
    raw.close()
    archive.engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/bench-corpus"))
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="ingest runs of each side")
    parser.add_argument("--search-runs", type=int, default=31, help="rounds of read calls")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1")
    parser.add_argument(
        "--reuse", action="store_true", help=f"no ingest: measure reading on {KEEP} again"
    )
    parser.add_argument("--drop", action="store_true", help=f"drop {KEEP} at the end")
    parser.add_argument("--batch", type=int, default=FLOOR_BATCH, help=argparse.SUPPRESS)
    parser.add_argument("--load-floor", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.server = args.server.rstrip("/")

    if args.load_floor:  # the floor's own process
        print(json.dumps(load_floor(args.corpus, args.load_floor, args.batch)))
        return 0
    import newsarchive

    print(f"newsarchive from {Path(newsarchive.__file__).parent}; server {args.server}")
    if not args.reuse:
        bench_ingest(args)
    if args.search_runs > 0:
        bench_reading(args)
    if args.drop:
        drop(args.server, KEEP)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
