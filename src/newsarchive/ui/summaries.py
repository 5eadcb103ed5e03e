"""What the commands that change or check the archive tell the user on stderr, in words:
each report's summary, the lines printed on the way (refusals, problems, losses), and the
messages more than one command says (check the copy with verify, counts of what was
stored). What Ctrl-C makes a command say is beside `interrupted`, in cli/app.py.

Plain strings, made from the reports of ops/; the CLI prints them. Article text in them
passes through `clean` first, as everywhere it reaches the terminal.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from newsarchive.text.paths import shown
from newsarchive.ui.render import clean, counted

if TYPE_CHECKING:
    import datetime as dt

    from newsarchive.ops.corrections import DateChange, DeleteReport
    from newsarchive.ops.exchange_import import ImportReport, LineRefusal
    from newsarchive.ops.ingest import IngestReport, Refusal
    from newsarchive.ops.recover import RecoverReport
    from newsarchive.ops.reparse import RedateReport, ReparseReport
    from newsarchive.ops.transfer import CopyReport
    from newsarchive.ops.verify import Problem, VerifyReport

MORE_REFUSED = "(more refused lines are not shown; the summary counts them)"
NOTHING_DELETED = "Nothing was deleted."


def _were(count: int, noun: str) -> str:
    """ "1 article was", "2 articles were"."""
    return f"{count:,} {noun}{' was' if count == 1 else 's were'}"


def _them(count: int) -> str:
    return "it" if count == 1 else "them"


def _check_with_verify(where: str) -> str:
    return f"Check it with: newsarchive --db {where} verify"


def _stored(added: int, already_present: int, new_paths: str) -> list[str]:
    """The counts ingest and import both begin with; `new_paths` follows "already present"
    in brackets when there are any."""
    return [f"added {added:,}", f"already present {already_present:,}{new_paths}"]


# -- ingest ------------------------------------------------------------------------------


def ingest_summary(report: IngestReport, *, interrupted: bool = False) -> str:
    new = f" ({report.new_paths:,} under new paths)" if report.new_paths else ""
    parts = _stored(report.added, report.already_present, new)
    parts.append(f"refused {len(report.refused):,}")
    files = counted(report.files, "file")
    if report.exports:
        exports = counted(report.exports, "news-database export")
        files += f" ({counted(report.export_pieces, 'article')} from {exports})"
    head = "Interrupted; stored so far" if interrupted else f"Read {files}"
    skipped = f"; {_skipped_docs(report.skipped_docs)}" if report.skipped_docs else ""
    if report.skipped_kinds:
        kinds = ", ".join(f"{n:,} {kind}" for kind, n in sorted(report.skipped_kinds.items()))
        skipped += f"; skipped {counted(sum(report.skipped_kinds.values()), 'file')} that are "
        skipped += f"not articles ({kinds}; name one outright to hear why)"
    if changed := report.settled.changed:  # (ops/folder_deks.py)
        skipped += (
            f"; {counted(changed, 'article')} read with or without a standfirst as most "
            "files of {their} folder are".format(their="its" if changed == 1 else "their")
        )
    return f"{head}: {', '.join(parts)}{skipped}."


def _skipped_docs(count: int) -> str:
    return (
        f"skipped {counted(count, 'file')} named like README or "
        f"LICENSE (--include-docs takes {_them(count)})"
    )


def refused_file(refusal: Refusal) -> str:
    return f"refused {shown(refusal.path)}: {clean(refusal.reason)}"


def published_unchanged(stored_before: int) -> str:
    """Ingest --published dates only what the run adds: said of the files it found stored."""
    return (
        f"{_were(stored_before, 'file')} already stored: --published changed nothing for "
        f"{_them(stored_before)}; set a date with 'newsarchive date ID DATE'."
    )


def nothing_found(
    paths: Iterable[Path], patterns: tuple[str, ...], excludes: tuple[str, ...], skipped_docs: int
) -> str:
    """Why an ingest found no file to read, and what to check."""
    matching = " or ".join(repr(p) for p in patterns)
    found = (
        f"no files found in {', '.join(shown(os.fsdecode(p)) for p in paths)}"
        + (f" matching --pattern {matching}" if matching else "")
        + (" outside --exclude" if excludes else "")
    )
    if skipped_docs:
        return (
            f"{found} but {skipped_docs:,} named like README or LICENSE, which are skipped: "
            f"--include-docs takes {_them(skipped_docs)}"
        )
    return f"{found}; check the paths and --pattern" + (" and --exclude" if excludes else "")


# -- reparse, redate, date, delete ----------------------------------------------------------


def reparse_summary(report: ReparseReport, *, dry_run: bool) -> str:
    """The reparse summary: counts per field, and a few examples on a dry run."""
    if report.stale == 0:
        return "Every article was read by this version's parser; nothing to do."
    verb = "would change" if dry_run else "changed"
    lines = [
        f"Read {report.checked:,} of {report.stale:,} articles again: {report.changed:,} "
        f"{verb}, {report.checked - report.changed:,} unchanged."
    ]
    if report.by_column:
        counts = ", ".join(f"{c} {n:,}" for c, n in report.by_column.most_common())
        lines.append(f"Fields that {verb}: {counts}.")
    if report.kept_given:
        lines.append(f"Dates given by hand kept: {report.kept_given:,}.")
    if report.unparsable:
        lines.append(
            f"No longer parse, left as they were: {report.unparsable:,} "
            "('newsarchive verify' names them)."
        )
    if dry_run:
        for column, examples in report.examples.items():
            for change in examples:
                lines.append(
                    f"  #{change.article_id} {column}: {clean(change.old)!s} -> {clean(change.new)}"
                )
        lines.append("Nothing was written; run 'newsarchive reparse' to store the changes.")
    return "\n".join(lines)


def redate_summary(report: RedateReport) -> str:
    unchanged = report.checked - report.newly_dated - report.changed - report.no_longer_dated
    return (
        f"Checked {counted(report.checked, 'article')}: {report.newly_dated:,} newly dated, "
        f"{report.changed:,} changed, {report.no_longer_dated:,} no longer dated, "
        f"{unchanged:,} unchanged ({report.kept_given:,} dates given by hand kept)."
    )


def date_changed(change: DateChange, published: dt.date | None) -> str:
    before = change.before["published"]
    was = f"{before} ({change.before['date_source']})" if before else "undated"
    now = f"dated {published}" if published else "undated"
    return f"Article {change.article_id} is now {now}; it was {was}."


def to_delete(found: dict[int, str]) -> Iterator[str]:
    """The articles delete asks about, a line each."""
    for id_, headline in found.items():
        yield f"  #{id_}  {clean(headline)}"


def delete_question(count: int) -> str:
    return f"Delete these {count:,} articles?" if count != 1 else "Delete this article?"


def deleted(report: DeleteReport) -> str:
    many = len(report.deleted) != 1
    return (
        f"Deleted {len(report.deleted):,} article{'s' if many else ''} "
        f"({', '.join(f'#{i}' for i in report.deleted)})"
        + (
            f"; their {report.regrouped:,} other versions were grouped again."
            if report.regrouped
            else "."
        )
    )


def threshold_shown(current: float, given: bool) -> str:
    return f"{current:g}" + ("" if given else " (the default)")


def threshold_set(current: float, grouped: int) -> str:
    return (
        f"Threshold {current:g}; grouped again: {grouped:,} "
        f"article{' has' if grouped == 1 else 's have'} other versions."
    )


# -- export, import, copy --------------------------------------------------------------------


def exported(written: int, output: Path | None) -> str:
    where = f" to {output}" if output else ""
    return f"Exported {counted(written, 'article')}{where}."


def refused_line(name: str, refusal: LineRefusal) -> str:
    return f"refused {name} line {refusal.line:,}: {refusal.reason}"


def import_summary(report: ImportReport, name: str) -> str:
    parts = _stored(
        report.added,
        report.already_present,
        f" ({report.new_paths:,} new paths)" if report.new_paths else "",
    )
    if report.exports:
        parts.append(f"news-database exports kept {report.exports:,}")
    parts.append(f"refused {len(report.refused):,}")
    return f"Read {counted(report.lines, 'line')} of {name}: {', '.join(parts)}."


def not_an_export(name: str, line: int, reason: str) -> str:
    return (
        f"{name} line {line:,} {reason}, so it is not a newsarchive export (JSON "
        "Lines, as 'newsarchive export' writes); nothing was imported"
    )


def not_utf8(name: str, start: int) -> str:
    return f"{name} is not UTF-8 text (byte {start:,}): is it a newsarchive export?"


def copied(report: CopyReport, where: str) -> str:
    earlier = report.already_there
    resumed = f" ({earlier:,} were there from an earlier run)" if earlier else ""
    return (
        f"Copied {report.copied:,} articles with {report.paths:,} source paths to {where}"
        f"{resumed}. {_check_with_verify(where)}"
    )


# -- verify, recover -----------------------------------------------------------------------


def problem(found: Problem) -> str:
    where = f"article {found.article_id}" if found.article_id else "archive"
    return f"problem: {where}: {clean(found.what)}"


def verify_notes(report: VerifyReport) -> Iterator[str]:
    """What verify did not check, and why, before its summary."""
    if report.parsed_before:
        n = report.parsed_before
        their = "their" if n != 1 else "its"
        yield (
            f"{_were(n, 'article')} read by an older parser: {their} bytes were checked, "
            f"{their} fields not; 'newsarchive reparse' reads {_them(n)} again."
        )
    if report.unfingerprinted:
        n = report.unfingerprinted
        yield (
            f"{_were(n, 'article')} stored before versions and links were kept: "
            f"'newsarchive reparse' groups {_them(n)}."
        )
    if report.unsettled:
        n = report.unsettled
        yield (
            f"{_were(n, 'article')} read before {'their' if n != 1 else 'its'} folder's "
            f"verdict on standfirsts changed: the next 'newsarchive ingest' or "
            f"'newsarchive reparse' reads {_them(n)} again with it."
        )
    for what in report.not_run:
        yield f"not checked: {what}; you may not write the archive."
    for what in report.skipped:
        yield f"not checked: {what}."


def verify_summary(report: VerifyReport) -> str:
    summary = f"Checked {counted(report.articles, 'article')}: "
    if report.problems:
        return summary + f"{counted(len(report.problems), 'problem')}."
    return summary + "all whole and exact."


def recover_losses(report: RecoverReport) -> Iterator[str]:
    """A line for each article or range of ids db recover could not save."""
    for lost in report.lost:
        paths = f" ({', '.join(lost.paths)})" if lost.paths else ""
        headline = f' "{lost.headline}"' if lost.headline else ""
        yield clean(f"lost: #{lost.id}{headline}{paths}: {lost.why}")
    for refusal in report.saved.refused:
        yield clean(f"lost: {refusal.path}: {refusal.reason}")
    for first, last in report.unreadable:
        ids = f"#{first}" if first == last else f"#{first} to #{last}"
        yield f"unreadable: {ids} (whether articles had these ids is unknown)"
    if report.paths_unreadable:
        yield f"unreadable: {counted(report.paths_unreadable, 'source path row')}"
    if report.cut_short:
        yield (
            f"unreadable: any article after #{report.highest_seen:,}, lost with the end of the file"
        )
    if report.read_alone:
        yield (
            f"saved alone: {counted(report.read_alone, 'article')} of news-database exports "
            "whose files could not be rebuilt whole (an article of the file was lost)"
        )


def recover_summary(report: RecoverReport, where: str) -> str:
    repaired = []
    if report.header_rebuilt:
        repaired.append("its header was rebuilt")
    if report.cut_short:
        repaired.append("it was cut short")
    return (
        f"Saved {counted(report.saved.added, 'article')} to {where}; "
        f"lost {report.lost_count:,}"
        + (f" ({', '.join(repaired)})" if repaired else "")
        + f". {_check_with_verify(where)}"
    )


def holds_articles(where: str, held: int) -> str:
    return f"{where} already holds {counted(held, 'article')}; name a new archive."
