"""What the archive holds, at a glance: `stats` (counts, articles per month as bars, the
busiest and emptiest months, the top folders) and `db info` (engine, schema, size)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from newsarchive.ui.render import safe_text

if TYPE_CHECKING:  # types only: the records come from ops.stats
    from newsarchive.model.models import ArchiveStats, DatabaseInfo, MonthCount

# Up to this many months, the chart has a row a month; past it, a row a year, and past
# CHART_YEARS years only the most recent ones (a note says what was left out).
CHART_MONTHS = 36
CHART_YEARS = 40
# Months named in the emptiest line before "and N more".
EMPTIEST_SHOWN = 4
_EIGHTHS = " ▏▎▍▌▋▊▉"


class Bars:
    """A horizontal bar chart, one row a (label, count), bars scaled to the width given."""

    def __init__(self, rows: Sequence[tuple[str, int]], style: str = "cyan") -> None:
        self.rows = rows
        self.style = style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        label_width = max((len(label) for label, _ in self.rows), default=0)
        count_width = max((len(f"{n:,}") for _, n in self.rows), default=1)
        room = max(1, options.max_width - label_width - count_width - 2)
        most = max((n for _, n in self.rows), default=0)
        for label, n in self.rows:
            line = Text(f"{label:<{label_width}} {n:>{count_width},} ")
            line.append(_bar(n / most * room if most else 0), style=self.style)
            yield line


def _bar(length: float) -> str:
    """A bar `length` cells long, to an eighth of a cell; a count above 0 shows at least
    a sliver."""
    eighths = max(1, round(length * 8)) if length > 0 else 0
    return "█" * (eighths // 8) + _EIGHTHS[eighths % 8].strip()


def human_bytes(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{size:,} bytes" if unit == "bytes" else f"{value:,.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def _tallies(counts: dict[str, int]) -> Text:
    """`header 6 · url 3`: values from the archive, safely."""
    text = Text()
    for k, (name, n) in enumerate(counts.items()):
        if k:
            text.append(" · ", style="dim")
        text.append_text(safe_text(name or "unknown"))
        text.append(f" {n:,}")
    return text


def stats_view(stats: ArchiveStats) -> RenderableType:
    """`stats`: counts, then articles per month as bars with the busiest and emptiest
    months, then the folders most files came from."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(ratio=1)
    stories = f"{stats.stories:,} stor{'y' if stats.stories == 1 else 'ies'}"
    older = f"{stats.older_versions:,} older version{'' if stats.older_versions == 1 else 's'}"
    grid.add_row("Articles", f"{stats.articles:,}", Text(f"{stories}, {older}", style="dim"))
    duplicates = f"{stats.duplicate_paths:,} of them byte-identical duplicates"
    grid.add_row("Source paths", f"{stats.source_paths:,}", Text(duplicates, style="dim"))
    grid.add_row("Dated", f"{stats.dated:,}", _tallies(stats.dated_by))
    grid.add_row("Undated", f"{stats.undated:,}", "")
    grid.add_row("Encodings", "", _tallies(stats.encodings))
    if stats.with_publication:
        grid.add_row("Publications", f"{stats.with_publication:,}", _tallies(stats.publications))
    grid.add_row("Size on disk", "", human_bytes(stats.size_bytes))
    if stats.last_ingest:
        last = stats.last_ingest
        added = f"{last.articles:,} article{'' if last.articles == 1 else 's'} added"
        grid.add_row("Last ingest", "", f"{last.at:%Y-%m-%d %H:%M:%S} UTC, {added}")
    parts: list[RenderableType] = [grid]
    if not stats.articles:
        parts += [Text(), Text("No articles yet; add some with 'newsarchive ingest PATH'.")]
        return Group(*parts)
    parts += [Text()]
    parts += _month_chart(stats)
    if stats.top_folders:
        parts += [Text(), Text("Top folders, by source paths", style="bold")]
        folders = Table.grid(padding=(0, 2))
        folders.add_column(justify="right", no_wrap=True)
        folders.add_column(overflow="fold")
        for folder in stats.top_folders:
            folders.add_row(f"{folder.paths:,}", safe_text(folder.folder or "."))
        parts.append(folders)
    return Group(*parts)


def _month_chart(stats: ArchiveStats) -> list[RenderableType]:
    if not stats.months:
        return [Text("No dated articles: no chart of articles per month.", style="dim")]
    from newsarchive.text.dates import month_span

    every = month_span(stats.months[0].month, stats.months[-1].month)
    counts = {m.month: m.articles for m in stats.months}
    span = f"{every[0]} to {every[-1]}" if len(every) > 1 else every[0]
    if len(every) <= CHART_MONTHS:
        title = Text(f"Articles per month, {span}", style="bold")
        rows = [(month, counts.get(month, 0)) for month in every]
        note = None
    else:
        years: dict[str, int] = {}
        for month in every:
            years[month[:4]] = years.get(month[:4], 0) + counts.get(month, 0)
        rows = list(years.items())
        title = Text(f"Articles per year, {span}", style="bold")
        title.append(f" ({len(every):,} months; --json has each)", style="not bold dim")
        note = None
        if len(rows) > CHART_YEARS:
            left_out = rows[:-CHART_YEARS]
            rows = rows[-CHART_YEARS:]
            earlier = sum(n for _, n in left_out)
            note = Text(
                f"Not shown: {earlier:,} article{'' if earlier == 1 else 's'} in the "
                f"{len(left_out):,} years before {rows[0][0]}.",
                style="dim",
            )
    parts: list[RenderableType] = [title, Bars(rows)]
    if note:
        parts.append(note)
    parts.append(_busiest_and_emptiest(stats))
    return parts


def _busiest_and_emptiest(stats: ArchiveStats) -> Text:
    text = Text()
    if stats.busiest:
        text.append("Busiest month: ", style="bold")
        text.append(f"{stats.busiest.month} ({_articles(stats.busiest)})")
    # Over a single month, the emptiest is the busiest: said once.
    single = len(stats.months) == 1 and stats.emptiest and stats.emptiest.articles
    if stats.emptiest and not single:
        months = stats.emptiest.months
        text.append("\nEmptiest: ", style="bold")
        if stats.emptiest.articles == 0:
            text.append(f"{len(months):,} month{'' if len(months) == 1 else 's'} with none: ")
        else:
            n = stats.emptiest.articles
            text.append(f"{n:,} article{'' if n == 1 else 's'} in ")
        runs = _runs(months)
        text.append(", ".join(runs[:EMPTIEST_SHOWN]))
        if len(runs) > EMPTIEST_SHOWN:
            text.append(f" and {len(runs) - EMPTIEST_SHOWN:,} more stretches")
    return text


def _articles(month: MonthCount) -> str:
    return f"{month.articles:,} article{'' if month.articles == 1 else 's'}"


def _runs(months: Sequence[str]) -> list[str]:
    """Consecutive months as "2021-02 to 2021-05", a lone month as itself."""
    from newsarchive.text.dates import month_span

    runs: list[list[str]] = []
    for month in months:
        if runs and month_span(runs[-1][-1], month)[1:] == [month]:
            runs[-1].append(month)
        else:
            runs.append([month])
    return [run[0] if len(run) == 1 else f"{run[0]} to {run[-1]}" for run in runs]


def database_view(info: DatabaseInfo) -> RenderableType:
    """`db info`: the engine, where the archive is, its schema and what reparse would do."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row("Engine", info.engine)
    grid.add_row("Location", safe_text(info.location))
    if info.server_version is not None:
        grid.add_row("Server version", safe_text(info.server_version))
    if info.journal_mode is not None:
        grid.add_row("Journal mode", safe_text(info.journal_mode))
    if info.page_size is not None:
        grid.add_row("Page size", f"{info.page_size:,} bytes")
    revision = safe_text(info.schema_revision or "none")
    revision.append(" (current)" if info.schema_current else " (not current)", style="dim")
    grid.add_row("Schema", revision)
    grid.add_row("Size on disk", human_bytes(info.size_bytes))
    grid.add_row("Articles", f"{info.articles:,}")
    if info.to_reparse:
        what = f"{info.to_reparse:,} article{'s' if info.to_reparse != 1 else ''} to read again"
        if info.ungrouped:
            what += f" ({info.ungrouped:,} not yet grouped into versions)"
        grid.add_row("Reparse", Text(what + ": run 'newsarchive reparse'", style="yellow"))
    else:
        grid.add_row("Reparse", "not needed: every article was read by this version")
    return grid
