#!/usr/bin/env python3
"""An export of N articles against the same N articles as files (issue 23: one export of
10,000 articles ingests at the rate of 10,000 files): whole `newsarchive ingest`
processes into new archives, alternating, wall time, CPU time of every process of the run
(the parsing workers too: common.run_tree) and peak memory (the largest resident set of
the process itself), medians. On two shared cores a wall-time ratio moves by 10 % from one
set of 3 runs to the next; the CPU ratio far less.

    python bench/export_rate_bench.py [--count 10000] [--runs 3] [--corpus DIR] [--exports K]
                                      [--before GIT_REV] [--format FORMAT]

The articles are bench/generate.py's (made when DIR is empty); the export is those
articles in the LexisNexis layout (`N of M DOCUMENTS`, publication, date line, headline,
LENGTH, body, LOAD-DATE, LANGUAGE) or, with `--format`, Nexis Uni's, ProQuest's,
Factiva's, Europresse's or Mediargus's text (as tests/export_fixtures/ have them), written
beside them; with `--exports K`,
a folder of K exports sharing the articles (as a researcher's downloads of 500 at a time).
`--before REV` also times both ways with an older commit's source (PYTHONPATH), in the
same rounds. Not a test.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import (  # noqa: E402  (a sibling script)
    become_subreaper,
    ensure_corpus,
    newsarchive_command,
    run_tree,
    source_of,
)

from newsarchive.text.decode import decode  # noqa: E402


def write_export(files: list[Path], export: Path, format: str = "lexisnexis") -> None:
    """The files' articles as one export in `format` (the headline is a file's first line),
    each format's layout as its fixtures in tests/export_fixtures/ have it."""
    total = len(files)
    with open(export, "w", encoding="utf-8") as out:
        out.write(_COVERS[format].format(total=total))
        if format == "mediargus":  # a list of the titles first, then the texts
            for number, path in enumerate(files, 1):
                headline, _ = _article(path)
                out.write(f"{number}. {headline}\n\nDe Havenbode, woensdag 30 november 2011")
                out.write(f", p. 23, 412w.\n\n{headline} ...\n\n\n")
            out.write("\n\n\n")
        for number, path in enumerate(files, 1):
            headline, body = _article(path)
            if format in _LINE_A_PARAGRAPH:
                body = _unwrapped(body)
            fields = {"number": number, "total": total, "headline": headline, "body": body}
            out.write(_ARTICLES[format].format(**fields, words=len(body.split())))


# Formats whose text renders each paragraph on one line (Europresse's, from its pages'
# paragraphs: its reader takes each line of the text for one). The generated files wrap
# half their paragraphs over several lines; written so, those articles had twice their
# paragraphs in the export (13,761 paragraphs in 1,000 articles against the files' 8,527),
# and were not the same articles.
_LINE_A_PARAGRAPH = ("europresse",)


def _unwrapped(body: str) -> str:
    """Each paragraph (lines between blank lines) on one line, its lines joined by a space,
    as the other formats' readers join a paragraph's lines."""
    paragraphs = re.split(r"\n[ \t]*\n\s*", body)
    return "\n\n".join(" ".join(p.split("\n")) for p in paragraphs if p.strip())


def _article(path: Path) -> tuple[str, str]:
    text = decode(path.read_bytes()).text  # the generated files are in many encodings
    headline, _, body = text.partition("\n")
    return headline, body.strip("\n")


FORMATS = ("lexisnexis", "nexis-uni", "proquest", "factiva", "europresse", "mediargus")
_EUROPRESSE_USE = (
    "Ce document est réservé à l'usage exclusif de l'utilisateur désigné par "
    "UNIVERSITE-EXEMPLE et ne peut faire l'objet d'aucune autre utilisation ou diffusion "
    "auprès de tiers. • Tous droits réservés • Service fourni par CEDROM-SNi Inc.\n\n"
)
_COVERS = {
    "lexisnexis": "Download Request: Selected Items: 1-{total}\n\n\n",
    "nexis-uni": "User Name: =\nDate and Time: Jan 14, 2021 10:02 AM EST\nJob Number: 1\n"
    "Documents ({total})\n\n",
    "proquest": "_" * 60
    + "\n\nReport Information from ProQuest\nFebruary 02 2020 14:31\n"
    + "_" * 60
    + "\n\n",
    "factiva": "",
    "europresse": "",
    "mediargus": "",
}
_ARTICLES = {
    "lexisnexis": "\n\n                    {number} of {total} DOCUMENTS\n\n\n"
    "                     The Daily Telegraph (London)\n\n"
    "                      January 11, 2010 Monday\n\n"
    "{headline}\n\nLENGTH: {words} words\n\n\n{body}\n\n\n"
    "LOAD-DATE: January 11, 2010\n\nLANGUAGE: ENGLISH\n\nPUBLICATION-TYPE: Newspaper\n",
    "nexis-uni": "{headline}\nThe Bristol Post\nJanuary 12, 2021 Tuesday\n\n"
    "Copyright 2021 Local World Ltd All Rights Reserved\n\nSection: NEWS; Pg. 3\n"
    "Length: {words} words\nByline: Priya Nair\nBody\n\n\n{body}\n\n\n"
    "Load-Date: January 12, 2021\n\n\nEnd of Document\n\n",
    "proquest": "Document {number} of {total}\n\n{headline}\n\nAuthor: Hughes, Martin\n\n"
    "Publication info: The Liverpool Echo ; Liverpool (UK). 30 Jan 2020: 4.\n\n"
    "Full text: {body}\n\nTitle: {headline}\n\n"
    "Publication title: The Liverpool Echo; Liverpool (UK)\n\nPublication date: Jan 30, 2020\n\n"
    "ProQuest document ID: {number}\n\n"
    "Document URL: http://search.proquest.com/docview/{number}\n\n"
    "Copyright: Copyright Trinity Mirror Merseyside Jan 30, 2020\n\n"
    "Database: ProQuest Newsstand\n\n" + "_" * 60 + "\n\n",
    "factiva": "{headline}\nBy Rachel Stone\n{words} words\n11 January 2020\n"
    "The Financial Chronicle\nFINCHR\nEnglish\n"
    "© 2020 Chronicle Media Ltd. All rights reserved.\n\n{body}\n\n"
    "Document FINCHR00202001{number:010d}\n\n\n",
}
_ARTICLES["europresse"] = (
    _EUROPRESSE_USE + "La Gazette du Val, no. 21874\nÉconomie, mardi 14 janvier 2020 "
    "{words} mots, p. 14\n\n{headline}\n\nJeanne Martin\n\n{body}\n\n"
    "© 2020 La Gazette du Val. Tous droits réservés.\n\n"
    "Le présent document est protégé par les lois et conventions internationales sur le "
    "droit d'auteur et son utilisation est régie par ces lois et conventions.\n\n"
    "Certificat émis le 7 décembre 2026 à UNIVERSITE-EXEMPLE à des fins de visualisation "
    "personnelle et temporaire.\n\nnews·20200114·GV·{number:010d}\n\n"
)
_ARTICLES["mediargus"] = (
    "30-11-2011, p.23\nLies Vermeulen\n{headline}\n\n{body}\n\n © De Havenbode\n\n\n\n\n"
)


def _run(args: list[str], db: Path, source: str | None = None) -> tuple[float, int, float]:
    """Seconds, peak resident MiB (of the process itself) and CPU seconds (of every process
    of the run: common.run_tree) of one whole process into a new archive at `db` (with
    `source`, another newsarchive's src/, first on PYTHONPATH)."""
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    env = {**os.environ, "NEWSARCHIVE_DB": str(db)}
    if source is not None:
        env["PYTHONPATH"] = source
    command = [sys.executable, "-m", "newsarchive"] if source else newsarchive_command()
    run = run_tree([*command, *args], env)
    return run.seconds, run.peak_mib, run.cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--exports", type=int, default=1, help="that many export files")
    parser.add_argument("--before", metavar="GIT_REV", help="also time this older commit")
    parser.add_argument("--format", choices=FORMATS, default="lexisnexis")
    args = parser.parse_args()
    if not become_subreaper():
        print("(not a subreaper: CPU leaves out the parsing workers)", file=sys.stderr)
    corpus = args.corpus or Path(f"/tmp/bench-export-rate-{args.count}")
    ensure_corpus(corpus / "files", args.count)
    files = sorted((corpus / "files").rglob("*.txt"))[: args.count]
    name = "" if args.format == "lexisnexis" else f"-{args.format}"
    export = corpus / (f"exports-{args.exports}{name}" if args.exports > 1 else f"export{name}.TXT")
    if not export.exists():
        partial = export.with_name(export.name + ".partial")
        if args.exports > 1:
            partial.mkdir()
            each = -(-len(files) // args.exports)
            for k in range(args.exports):
                chunk = files[k * each : (k + 1) * each]
                write_export(chunk, partial / f"export-{k:04}.TXT", args.format)
        else:
            write_export(files, partial, args.format)
        partial.replace(export)
    exported = [export] if export.is_file() else sorted(export.iterdir())
    size = sum(p.stat().st_size for p in exported)
    largest = max(p.stat().st_size for p in exported)
    label = "one export" if len(exported) == 1 else f"{len(exported)} exports"
    print(f"{len(files):,} articles: {size / 1e6:.1f} MB as {label}; runs: {args.runs}")
    work = Path(tempfile.mkdtemp(prefix="export-rate-"))
    commands = {
        label: ["ingest", "--max-size", str(largest + 1), str(export)],
        "files": ["ingest", str(corpus / "files")],
    }
    ways: dict[str, tuple[list[str], str | None]] = {k: (v, None) for k, v in commands.items()}
    if args.before:
        source = source_of(args.before, work / "before")
        ways |= {f"{k} ({args.before})": (v, source) for k, v in commands.items()}
    results: dict[str, list[tuple[float, int, float]]] = {name: [] for name in ways}
    for _ in range(args.runs):
        for name, (command, source_dir) in ways.items():
            results[name].append(_run(command, work / "archive.db", source_dir))
    medians = {
        name: tuple(statistics.median(run[k] for run in runs) for k in range(3))
        for name, runs in results.items()
    }
    for name, (seconds, mib, cpu) in medians.items():
        runs = " / ".join(f"{run[0]:.2f}" for run in results[name])
        print(f"{name:24} {seconds:6.2f} s ({runs})  peak {mib:,.0f} MiB  CPU {cpu:.2f} s")
    ratio = medians["files"][0] / medians[label][0]
    print(f"rate of the export against the files: {ratio:.2f}x (1.00x: the same)")
    cpu = medians["files"][2] / medians[label][2]
    print(f"CPU of the files against the export's: {cpu:.2f}x (steadier on a shared machine)")
    if args.before:
        before = medians[f"files ({args.before})"][0] / medians[f"{label} ({args.before})"][0]
        print(f"{args.before}: {before:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
