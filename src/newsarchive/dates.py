"""Publication dates the text states outright, with the words they were read from.

Only explicit statements count here: a metadata line near the top (`Published On 21 Jan 2022`,
`Date: 2019-11-08`, a bare ISO timestamp, a byline's `| March 3, 2021`) or a date in the
source URL's path (`/2022/1/21/slug`). Dates in the headline or the running prose are never
taken: a story about 9 November 1989 was not published that day. Where nothing is stated the
article stays undated; inference with evidence is a separate, later step.

Everything is pure: strings in, `ExplicitDate` or None out.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from newsarchive.models import DateSource

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+)?"
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|2\d\d\d)"
_TIME = (
    r"(?:(?:,?\s+|T|\s+at\s+)\d{1,2}[:.]\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?"
    r"\s*(?:Z|UTC|GMT|[A-Z]{2,4}T|[+-]\d{2}:?\d{2})?)?"
)
# One date, as scrapes write them: ISO, "21 Jan 2022", "January 21, 2022", each with a time.
_DATE = (
    rf"(?P<date>{_WEEKDAY}(?:"
    rf"(?P<iso>{_YEAR}-[01]\d-[0-3]\d)"
    rf"|(?P<dmy>{_DAY}\s+{_MONTH},?\s+{_YEAR})"
    rf"|(?P<mdy>{_MONTH}\s+{_DAY},?\s+{_YEAR})"
    rf"){_TIME})"
)
_LABEL = (
    r"(?:(?:first\s+)?published|posted|date|dated|released|filed)"
    r"(?:\s+on)?\s*(?::|-|–|—)?\s*"
)
# A header line: a label then a date, or a date alone; an "updated ..." tail may follow.
_HEADER_LINE = re.compile(
    rf"^(?:{_LABEL})?{_DATE}\s*(?:[,;|(]\s*(?:last\s+)?(?:updated|modified)\b.*)?\)?$",
    re.IGNORECASE,
)
BYLINE_DATE = re.compile(rf"(?:\||·|•|—|–|-|,)\s*{_DATE}\s*$", re.IGNORECASE)
_URL_DATE = re.compile(
    r"/(?P<y>(?:19|20)\d\d)[/-](?P<m>0?[1-9]|1[0-2])[/-](?P<d>0?[1-9]|[12]\d|3[01])(?:/|$|-|\.)"
)


class ExplicitDate(NamedTuple):
    value: dt.date
    source: DateSource
    evidence: str


def date_from_header_line(line: str) -> ExplicitDate | None:
    """The date of a metadata line that is a date and nothing else (bar its label)."""
    return _explicit(_HEADER_LINE.match(line.strip()), DateSource.HEADER, line.strip())


def date_from_byline(line: str) -> ExplicitDate | None:
    """The date at the end of a byline such as `By Jane Doe | March 3, 2021`."""
    return _explicit(BYLINE_DATE.search(line), DateSource.BYLINE, line.strip())


def date_from_url(url: str) -> ExplicitDate | None:
    """The date in a URL path such as `/2022/1/21/slug` or `/2019-07-04-slug`."""
    match = _URL_DATE.search(url)
    if match is None:
        return None
    value = _checked(int(match["y"]), int(match["m"]), int(match["d"]))
    return ExplicitDate(value, DateSource.URL, match.group(0).strip("/-.")) if value else None


def _explicit(
    match: re.Match[str] | None, source: DateSource, evidence: str
) -> ExplicitDate | None:
    value = _to_date(match) if match else None
    return ExplicitDate(value, source, evidence) if value else None


def _to_date(match: re.Match[str]) -> dt.date | None:
    if match["iso"]:
        year, month, day = (int(p) for p in match["iso"].split("-"))
        return _checked(year, month, day)
    # dateutil knows every month spelling; it gets only the span the pattern vetted.
    from dateutil import parser as dateutil_parser

    span = match["dmy"] or match["mdy"]
    try:
        parsed = dateutil_parser.parse(span, default=dt.datetime(1, 1, 1))
    except (ValueError, OverflowError):
        return None
    return _checked(parsed.year, parsed.month, parsed.day)


def _checked(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:  # 31 February and friends: not a date, so no date.
        return None


PERIOD_FORMS = "YYYY, YYYY-MM, YYYY-MM-DD, or a span back from today such as 30d, 2w, 6m, 1y"
_PERIOD = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?$")
_RELATIVE = re.compile(r"^(?P<n>\d{1,5})\s*(?P<unit>[dwmy])$", re.IGNORECASE)


def parse_period(value: str, *, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day a `--since`/`--until` value names; ValueError if none.

    `2022` is the whole year, `2022-01` the month, `2022-01-21` the day; `30d`, `2w`, `6m`,
    `1y` name the single day that long before `today`.
    """
    value = value.strip()
    if match := _RELATIVE.match(value):
        n, unit = int(match["n"]), match["unit"].lower()
        if unit in "dw":
            day = today - dt.timedelta(days=n * (7 if unit == "w" else 1))
        else:
            months = n * (12 if unit == "y" else 1)
            year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
            day = _clamped(year, month + 1, today.day)
        return day, day
    match = _PERIOD.match(value)
    if match is None:
        raise ValueError(f"{value!r} is not a date")
    year = int(match["y"])
    if match["m"] is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    month = int(match["m"])
    if not 1 <= month <= 12:
        raise ValueError(f"{value!r} has no month {month}")
    if match["d"] is None:
        return dt.date(year, month, 1), _clamped(year, month, 31)
    exact = _checked(year, month, int(match["d"]))
    if exact is None:
        raise ValueError(f"{value!r} is not a day of the calendar")
    return exact, exact


def _clamped(year: int, month: int, day: int) -> dt.date:
    """The day, or the month's last day where the month is shorter."""
    if year < 1:
        raise ValueError("that is before the year 1")
    for candidate in range(day, 27, -1):
        if found := _checked(year, month, candidate):
            return found
    return dt.date(year, month, min(day, 28))
