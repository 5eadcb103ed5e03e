"""What click checks before a command runs: the parameter types (dates and periods, article
ids, search queries, the versions threshold) and the options several commands share, so a
bad value is a usage error (exit 2) naming the option, worded the same everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import click

# --limit's ceiling: beyond what any archive holds, within what SQL's LIMIT takes.
MAX_LIMIT = 1_000_000_000

F = TypeVar("F", bound=Callable[..., Any])
Decorator = Callable[[F], F]


class PeriodType(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.2
    """A calendar period for --since/--until: 2022, 2022-01, 2022-01-21, 30d, 2w, 6m, 1y."""

    name = "DATE"

    def __init__(self, *, end: bool, day_only: bool = False) -> None:
        self.end = end  # --until takes the period's last day, --since its first
        self.day_only = day_only  # a single day, as --published needs

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value
        from newsarchive.text.dates import PERIOD_FORMS, parse_day, parse_period

        try:
            if self.day_only:
                return parse_day(str(value))
            first, last = parse_period(str(value), today=dt.date.today())
        except ValueError as exc:
            self.fail(f"{exc}; use {'YYYY-MM-DD' if self.day_only else PERIOD_FORMS}.", param, ctx)
        return last if self.end else first


DAY = PeriodType(end=False, day_only=True)


class ArticleIdType(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.2
    """An article's id, wherever one is taken: a whole number from 1 that SQL's BIGINT
    holds. Anything else is said to be no article id, not an integer out of range."""

    name = "ID"
    LARGEST = 2**63 - 1

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, int):
            number = value
        else:
            text = str(value).strip()
            number = int(text) if text.isascii() and text.isdecimal() else 0
        if not 1 <= number <= self.LARGEST:
            self.fail(
                f"{value!r} is not an article id; ids are whole numbers from 1 "
                "('newsarchive list' shows them).",
                param,
                ctx,
            )
        return number


ARTICLE_ID = ArticleIdType()


class QueryType(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.2
    """A search query, parsed early so that a bad one is a usage error naming the option."""

    name = "QUERY"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from newsarchive.text.query import Query, QueryError, parse_query

        if isinstance(value, Query):
            return value
        try:
            return parse_query(str(value))
        except QueryError as exc:
            self.fail(str(exc), param, ctx)


class ThresholdType(click.FloatRange):
    """A float in a range, and a number: nan compares false with both bounds, so
    FloatRange alone takes it (and grouping by it dissolved every story's versions)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        import math

        number = super().convert(value, param, ctx)
        if math.isnan(number):
            self.fail(
                f"{value!r} is not a number; give one in the range {self._describe_range()}.",
                param,
                ctx,
            )
        return number


def check_not_future(day: dt.date | None, future: bool, param: str) -> None:
    """A publication date given by hand after today is a typo unless --future says not.
    Today is the latest calendar day anywhere: local or UTC, whichever is later."""
    today = max(dt.date.today(), dt.datetime.now(dt.UTC).date())
    if day is not None and day > today and not future:
        raise click.BadParameter(
            f"{day} is after today; add --future if it is meant.", param_hint=param
        )


def check_span(since: dt.date | None, until: dt.date | None) -> None:
    if since and until and since > until:
        raise click.UsageError(f"--since {since} is after --until {until}; swap them.")


def output_form(form: str | None, as_json: bool) -> str:
    """The output format asked for, else a table on a terminal and tab-separated lines in
    a pipe (grep, cut and awk see one article a line, with its id)."""
    from newsarchive.ui import terminal

    if as_json:
        return "json"
    return form or ("table" if terminal.stdout_is_terminal() else "tsv")


FUTURE = click.option(
    "--future", is_flag=True, help="Take a DATE after today (else refused, as a likely typo)."
)
SINCE = click.option(
    "--since", type=PeriodType(end=False), help="Only articles published on or after this."
)
UNTIL = click.option(
    "--until", type=PeriodType(end=True), help="Only articles published on or before this."
)
JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts instead.")
FORMAT = click.option(
    "--format",
    "form",
    type=click.Choice(["table", "tsv", "json"]),
    default=None,
    help="table (the default on a terminal), tsv (when piped: id, date, headline, source, "
    "tab-separated, one line each) or json (as --json).",
)
ALL_VERSIONS = click.option(
    "--all-versions",
    is_flag=True,
    help="A row for every version of a story, not only its newest.",
)
PUBLICATION = click.option(
    "--publication",
    metavar="TEXT",
    default=None,
    help="Only articles whose publication (the outlet a news-database export names) "
    "contains TEXT, in any case.",
)
DATED = click.option(
    "--date-source",
    "dated",
    type=click.Choice(["any", "explicit", "inferred"]),
    default="any",
    show_default=True,
    help="Only articles whose date the text states (explicit) or was inferred.",
)


def limit_option(default: int | None, help: str) -> Decorator[Any]:
    """--limit: how many rows at most (`default`, shown in --help when there is one)."""
    return click.option(
        "--limit",
        type=click.IntRange(min=1, max=MAX_LIMIT),
        default=default,
        show_default=default is not None,
        help=help,
    )


def listing_options(limit: Decorator[Any]) -> Decorator[Any]:
    """The options list and search share, in the order their --help shows them, with
    their own --limit among them."""
    options = (SINCE, UNTIL, DATED, limit, ALL_VERSIONS, PUBLICATION, FORMAT, JSON)

    def decorate(command: F) -> F:
        for option in reversed(options):  # the last decorator is the first applied
            command = option(command)
        return command

    return decorate
