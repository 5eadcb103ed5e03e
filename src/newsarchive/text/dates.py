"""Publication dates: stated ones where news text states them, inferred ones with evidence.

Explicit (high confidence), in the order the parser prefers them: a metadata line near the
top (`Published On 21 Jan 2022`, `Date: 2019-11-08`, a bare ISO timestamp; published, never
updated), a byline's date (`By Jane Doe | March 3, 2021`), a wire dateline opening the first
paragraph (`LONDON, Dec 5, 2018 (Reuters) -`), the source URL's path (`/2022/1/21/slug`),
the file's path or name (`2019/07/04/`, `2019-07-04-slug.txt`). Dates in the headline or in
running prose are never taken as stated: a story about 9 November 1989 was not published then.

Inferred (`infer_date`), when nothing is stated: reasoning from the lede as a careful reader
does. See its docstring for the rules; it returns a date only when exactly one day fits every
constraint, and nothing rather than a guess.

Everything is pure: strings in, `FoundDate` or None out.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from newsarchive.model.records import DateSource

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
BYLINE_DATE = re.compile(rf"(?:\||·|•|—|–|-|,)\s*{_DATE}\s*$", re.IGNORECASE)
_YMD = r"(?P<y>(?:19|20)\d\d)[/-](?P<m>0?[1-9]|1[0-2])[/-](?P<d>0?[1-9]|[12]\d|3[01])"
_URL_DATE = re.compile(rf"/{_YMD}(?:/|$|-|\.)")
_PATH_DATE = re.compile(rf"(?:^|/){_YMD}(?:/|$|-|_|\.)")
# "LONDON, Dec 5, 2018 (Reuters) -", "WASHINGTON (AP) — Jan. 3, 2020 —" is rarer; the first.
_DATELINE = re.compile(
    rf"^[A-Z][A-Z .'’-]{{1,40}}(?:,\s*[A-Z][A-Za-z .]{{1,30}})?,\s*{_DATE}\s*"
    r"(?:\([A-Za-z .]{1,20}\)\s*)?[-–—]"
)


class FoundDate(NamedTuple):
    value: dt.date
    source: DateSource
    confidence: float  # 0..1: how sure the source makes us
    evidence: tuple[str, ...]  # the text span(s) the date was read or reasoned from


CONFIDENCE = {
    DateSource.CLI: 1.0,
    DateSource.HEADER: 0.95,
    DateSource.BYLINE: 0.9,
    DateSource.DATELINE: 0.9,
    DateSource.URL: 0.85,
    DateSource.PATH: 0.8,
}


def date_from_header_line(line: str) -> FoundDate | None:
    """The date of a metadata line that is a date and nothing else (bar its label)."""
    found = read_date_line(line)
    return found_in_line(found, DateSource.HEADER, line) if found else None


def date_from_byline(line: str) -> FoundDate | None:
    """The date at the end of a byline such as `By Jane Doe | March 3, 2021`."""
    return _explicit(BYLINE_DATE.search(line), DateSource.BYLINE, line.strip())


def date_from_dateline(paragraph: str) -> FoundDate | None:
    """The date of a dateline opening the first paragraph: `LONDON, Dec 5, 2018 (Reuters) -`."""
    match = _DATELINE.match(paragraph)
    return _explicit(match, DateSource.DATELINE, match.group(0).strip() if match else "")


def date_from_url(url: str) -> FoundDate | None:
    """The date in a URL path such as `/2022/1/21/slug` or `/2019-07-04-slug`."""
    return _path_date(_URL_DATE.search(url), DateSource.URL)


def date_from_path(path: str) -> FoundDate | None:
    """The date in a file's path or name: `news/2019/07/04/a.txt`, `2019-07-04-slug.txt`."""
    return _path_date(_PATH_DATE.search(path.replace("\\", "/")), DateSource.PATH)


def _path_date(match: re.Match[str] | None, source: DateSource) -> FoundDate | None:
    if match is None:
        return None
    value = _checked(int(match["y"]), int(match["m"]), int(match["d"]))
    evidence = (match.group(0).strip("/-._"),)
    return FoundDate(value, source, CONFIDENCE[source], evidence) if value else None


def _explicit(match: re.Match[str] | None, source: DateSource, evidence: str) -> FoundDate | None:
    value = _to_date(match) if match else None
    return FoundDate(value, source, CONFIDENCE[source], (evidence,)) if value else None


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


# -- inference ---------------------------------------------------------------------------

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_WORD = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_MONTH_NAME = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
# A month and day with no year after it: "the January 10 session", "on 10 January".
_MONTH_DAY = re.compile(
    rf"\b(?:(?P<m1>{_MONTH_NAME})\s+(?P<d1>[12]?\d|3[01])(?:st|nd|rd|th)?"
    rf"|(?P<d2>[12]?\d|3[01])(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MONTH_NAME}))"
    r"(?![\w-]|,?\s+\d)"
)
_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
    " fifteen sixteen seventeen eighteen nineteen twenty"
)
_NUMBERS = {word: n for n, word in enumerate(_NUMBER_WORDS.split())}
_SPAN = re.compile(
    r"\b(?P<n>\d{1,3}|" + "|".join(_NUMBERS) + r")\s+(?P<unit>days?|weeks?)\s+"
    r"(?P<way>after|later|before|earlier)\b",
    re.IGNORECASE,
)
# A year as a year: not part of a number, a version, a range or an identifier ("Covid-19").
# (What may stand before it is checked in Python: a lookbehind tried at every position of
# every article is the slowest part of inference.)
_YEAR_WORD = re.compile(r"(?P<year>(?:19|20)\d\d)(?![\w%/-]|[.,]\d)")
_NOT_BEFORE_YEAR = frozenset(".,$£€/-_") | frozenset("0123456789")
# Words that put the date right after them in the future.
_FUTURE = re.compile(
    r"\b(?:will|would|shall|plans?|planned|scheduled|expected|upcoming|next|due to"
    r"|ships|begins|starts|opens|launches|returns|goes on sale)\b",
    re.I,
)
# Numbers that name things, not years: "Flight 2023", "Route 1966", "Phone 2020".
_NOT_A_YEAR = re.compile(
    r"\b(?:flight|route|highway|section|article|room|no\.?|number|bus|train|model|version"
    r"|phone|edition|case|item|unit|gate|platform|track|episode|chapter|page)\s*$",
    re.I,
)
_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)]))\s+(?=[\"'“‘(]?[A-Z0-9])")
LEDE_PARAGRAPHS = 3
FUTURE_WINDOW = 40  # characters before a date that may mark it as still to come
INFERRED_CONFIDENCE = 0.7


def infer_date(paragraphs: list[str], *, not_after: dt.date) -> FoundDate | None:
    """The publication date a careful reader would reason out of the lede, or None.

    Constraints, all of which must hold:

    1. Not after `not_after` (the day the article was ingested), and not before 1 January
       of the latest year the text names as a year ("since 2014": written 2014 or later).
       A text that names no year gives no lower bound, so nothing is inferred from it.
    2. An event the lede dates: in one of its first three paragraphs, a sentence not about
       the future names a weekday, and either
       a. a span from another event, "Friday's talks come 11 days after ...", with a month
          and day (no year) in that sentence or the two around it, "the January 10
          session": the event is that day plus (or minus) the span; or
       b. a month and day itself, "on Friday, January 21": the event is that day;
       and the event falls on the weekday named. News reports its lede's event on the day
       it happens, so the publication date is the event's.
    3. Exactly one day in the bounds of (1) satisfies (2); several is ambiguity, and
       ambiguity yields no date.
    """
    lede = paragraphs[:LEDE_PARAGRAPHS]
    if not any("day" in p and _WEEKDAY_WORD.search(p) for p in lede):
        # The cheap test first (most articles name no weekday in their lede), and a
        # substring before the pattern: a fifth of its cost where no "day" is written.
        return None
    latest_year = _latest_year(paragraphs, not_after.year)
    if latest_year is None:
        return None
    latest, at, start, end = latest_year
    sentences = [s for p in paragraphs[: LEDE_PARAGRAPHS + 2] for s in _SENTENCE.split(p)]
    lede_count = sum(len(_SENTENCE.split(p)) for p in lede)
    for index, sentence in enumerate(sentences[:lede_count]):
        weekday = _WEEKDAY_WORD.search(sentence)
        if weekday is None or _about_future(weekday):
            continue
        found = _event(sentences, index, weekday, latest, not_after)
        if found is not None:
            value, evidence = found
            evidence += (_year_context(paragraphs, at, start, end),)
            return FoundDate(value, DateSource.INFERRED, INFERRED_CONFIDENCE, evidence)
    return None


def _latest_year(paragraphs: list[str], most: int) -> tuple[int, int, int, int] | None:
    """The latest year up to `most` that the paragraphs, joined by spaces, name as a year (the
    first such mention): (year, paragraph, start, end in it). Read paragraph by paragraph, as
    in the joined text (a year never spans the space between two), without joining them: a
    huge article's joined paragraphs were one more copy of its text (issue 22)."""
    best: tuple[int, int, int, int] | None = None
    tail = ""  # the joined text's last characters before this paragraph (up to 24)
    for i, paragraph in enumerate(paragraphs):
        for m in _YEAR_WORD.finditer(paragraph):
            year, start = int(m["year"]), m.start()
            if year > most or (best is not None and year <= best[0]):
                continue
            before = paragraph[start - 1] if start else (" " if i else "")
            if before and (before in _NOT_BEFORE_YEAR or before.isalpha()):
                continue
            if _NOT_A_YEAR.search((tail + paragraph[max(0, start - 24) : start])[-24:]):
                continue
            best = (year, i, start, m.end())
        tail = (tail + paragraph[-24:] + " ")[-24:]
    return best


def _year_context(paragraphs: list[str], at: int, start: int, end: int) -> str:
    """_context of a year in the paragraphs joined by spaces, from as much of the joined
    text around it as _context reads (80 characters before, up to two words after)."""
    left = paragraphs[at][max(0, start - 80) : start]
    i = at
    while len(left) < 80 and i > 0:
        i -= 1
        left = (paragraphs[i][-80:] + " " + left)[-80:]
    right = paragraphs[at][end : end + 256]
    taken, i = end + 256, at
    while True:
        words = _AFTER_WORDS.match(right)
        assert words is not None  # it matches the empty string
        if words.end() < len(right) and _NOT_ONLY_SPACE.match(right, words.end()):
            break  # more text after cannot change what the words are
        if taken < len(paragraphs[i]):
            right += paragraphs[i][taken : taken + 256]
            taken += 256
        elif i + 1 < len(paragraphs):
            i, taken = i + 1, 0
            right += " "
        else:
            break  # the end of the text
    year = paragraphs[at][start:end]
    return _context(left + year + right, len(left), len(left) + len(year))


# What _context takes after a span (two words), and a test that text goes on past spaces.
_AFTER_WORDS = re.compile(r"(?:\s*[^\s,;]+){0,2}")
_NOT_ONLY_SPACE = re.compile(r"\s*\S")


def _event(
    sentences: list[str], index: int, weekday: re.Match[str], first_year: int, last: dt.date
) -> tuple[dt.date, tuple[str, ...]] | None:
    sentence = sentences[index]
    span = _SPAN.search(sentence)
    if span:
        nearby = sentences[max(0, index - 2) : index + 3]
        mention = next(
            (m for s in nearby for m in _MONTH_DAY.finditer(s) if not _about_future(m)), None
        )
        shift = _span_days(span)
    else:
        mention, shift = _MONTH_DAY.search(sentence), 0
    if mention is None or _about_future(mention):
        return None
    month = _month_number(mention["m1"] or mention["m2"])
    day = int(mention["d1"] or mention["d2"])
    wanted = _WEEKDAYS.index(weekday.group(1).lower())
    fits = []
    for year in range(first_year, last.year + 1):
        base = _checked(year, month, day)
        if base is None:
            continue
        event = base + dt.timedelta(days=shift)
        if event.weekday() == wanted and dt.date(first_year, 1, 1) <= event <= last:
            fits.append(event)
    if len(fits) != 1:
        return None
    evidence = [
        _phrase(sentence, weekday, span)
        if span
        else _context(sentence, weekday.start(), weekday.end())
    ]
    evidence.append(_context(mention.string, mention.start(), mention.end()))
    return fits[0], tuple(dict.fromkeys(evidence))


def _about_future(mention: re.Match[str]) -> bool:
    """Whether the words just before a date say it is yet to come: "will meet on Friday",
    "scheduled for January 10", "next Tuesday"."""
    return bool(
        _FUTURE.search(mention.string[max(0, mention.start() - FUTURE_WINDOW) : mention.start()])
    )


def _span_days(span: re.Match[str]) -> int:
    count = span["n"].lower()
    n = int(count) if count.isdigit() else _NUMBERS[count]
    days = n * (7 if span["unit"].lower().startswith("week") else 1)
    return days if span["way"].lower() in ("after", "later") else -days


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _month_number(name: str) -> int:
    return _MONTHS.index(name[:3].lower()) + 1


def _context(text: str, start: int, end: int, words: int = 2) -> str:
    """The span with up to `words` words either side, as written: evidence a reader finds."""
    left = re.search(rf"(?:\S+\s+){{0,{words}}}$", text[max(0, start - 80) : start])
    right = re.match(rf"(?:\s*[^\s,;]+){{0,{words}}}", text[end:])
    return (left.group(0) if left else "") + text[start:end] + (right.group(0) if right else "")


def _phrase(text: str, first: re.Match[str], last: re.Match[str]) -> str:
    """From one match to another in a sentence, the middle elided when it is long."""
    if last.end() - first.start() <= 60:
        return _context(text, first.start(), last.end(), words=0)
    tail = re.match(r"(?:'s|’s)?\s+\S+", text[first.end() :])
    head = first.group(0) + (tail.group(0) if tail else "")
    return f"{head} … {_context(text, last.start(), last.end(), words=1)}"


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


def parse_day(value: str) -> dt.date:
    """The one day a YYYY-MM-DD value names (a publication date given by hand); ValueError
    for a span (30d names a day that moves with the clock) or a longer period."""
    stripped = value.strip()
    if _RELATIVE.match(stripped):
        raise ValueError(f"{value!r} is a span back from today, not a date")
    first, last = parse_period(stripped, today=dt.date.today())
    if first != last:
        raise ValueError(f"{value!r} is not one day")
    return first


def month_span(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` ("YYYY-MM"), both included."""
    year, month = map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    found = []
    while (year, month) <= end:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def _clamped(year: int, month: int, day: int) -> dt.date:
    """The day, or the month's last day where the month is shorter."""
    if year < 1:
        raise ValueError("that is before the year 1")
    for candidate in range(day, 27, -1):
        if found := _checked(year, month, candidate):
            return found
    return dt.date(year, month, min(day, 28))


# -- metadata lines ----------------------------------------------------------------------

_LINE_LABEL = re.compile(
    r"^(?P<label>(?:(?:article|story|page)\s+)?(?:(?:first|last|originally)\s+)?(?:published"
    r"|posted|updated?|modified|date|dated|released|filed|created|edited|launched)"
    r"(?:\s+(?:on|at))?)\s*(?:[:\-–—|]\s*|\s+|$)",
    re.IGNORECASE,
)
_UPDATED_LABEL = re.compile(r"update|modified|edited", re.IGNORECASE)
# One token of a date line, tried at each position (after white space) in this order.
_DATE_TOKEN = re.compile(
    r"(?P<iso>(?:19|20)\d\d-[01]?\d-[0-3]?\d)(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)?(?![\w-])"
    r"|(?P<n1>\d{1,2})(?P<sep>[/.-])(?P<n2>\d{1,2})(?P=sep)(?P<n3>(?:19|20)\d\d|\d\d)(?![\w/.-])"
    r"|\d{1,2}[:.]\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[ap]\.?\s?m\b\.?)?"
    r"|\d{1,2}\s*[ap]\.?m\b\.?"
    r"|(?P<year>(?:19|20)\d\d)\b"
    r"|(?P<day>\d{1,2})(?:st|nd|rd|th)?\b"
    r"|\d{3,4}\s*hrs\b|\d{1,2}h\d{2}\b|[A-Z][a-z]+\s+Time\b"
    r"|(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
    r"|(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|rsday|urday|sday)?\b\.?"
    r"|(?:at|on|of|the|hrs|[ap]\.?m\.?)\b"
    r"|(?P<zone>[A-Z]{1,5})\b"
    r"|[+-]\d{2}:?\d{2}\b"
    r"|[,|/()\-–—:•·.]+",
    re.IGNORECASE,
)
_RELATIVE_DATE = re.compile(
    r"^(?:(?:an?|\d{1,3})\s+(?:second|minute|min|hour|hr|day|week|month)s?,?\s*)+ago$"
    r"|^(?:today|yesterday)(?:\s+at\s+.*)?$",
    re.IGNORECASE,
)
MAX_DATE_LINE = 80


# How a date line opens (beside a digit): a month or weekday (by its first three letters), a
# label, a relative word.
_DATE_OPENINGS = frozenset(
    (
        "jan feb mar apr may jun jul aug sep oct nov dec mon tue wed thu fri sat sun"
        " published posted updated update modified date dated released filed created edited"
        " launched first last originally article story page today yesterday an a"
    ).split()
)


def has_digit(text: str) -> bool:
    """Substring tests: a pattern searched for over a line costs a hundred times more.
    Written out, not any(...) over the digits: the generator cost as much as the tests."""
    return (
        "0" in text
        or "1" in text
        or "2" in text
        or "3" in text
        or "4" in text
        or "5" in text
        or "6" in text
        or "7" in text
        or "8" in text
        or "9" in text
    )


# A label after a few words of page furniture: "CNNMoney (New York) First published ...".
_LABEL_INSIDE = re.compile(
    r"^.{1,40}?\s(?P<label>(?:first\s+)?(?:published|posted|updated))(?:\s+on)?\s*:?\s+",
    re.IGNORECASE,
)
_UPDATED_TAIL = re.compile(r"\s*[,;|(]\s*(?:last\s+)?(?:updated|modified)\b.*$", re.IGNORECASE)


class DateLine(NamedTuple):
    """A line that is a date and nothing else (bar a label): its day, when it names one
    without ambiguity, and whether it says when the article was updated, not published."""

    value: dt.date | None
    updated: bool


def read_date_line(line: str) -> DateLine | None:
    """`Published: Thursday, January 17, 2008`, `Updated 22.16 Sat Jan 05 2008`, `24 March
    1987`, `2/26/2015 7:11 AM PST`, `5 days ago`; None for a line with other words in it.

    Day-month order is decided only when it can be: `17/01/2008` is 17 January, while
    `1/10/2008` names no day (value None), as does a year of two digits or a relative date.
    """
    text = line.strip()
    if len(text) > MAX_DATE_LINE or not text:
        return None
    lower = text.lower()
    if not has_digit(text) and "today" not in lower and "yesterday" not in lower:
        return None  # every date line has a number in it, or says "today" or "yesterday"
    first = lower.split(maxsplit=1)[0].strip(".,:|-")
    opens_as_date = first[:1].isdigit() or first[:3] in _DATE_OPENINGS or first in _DATE_OPENINGS
    labelled = "published" in lower or "posted" in lower or "updated" in lower
    if not (opens_as_date or labelled):
        return None  # it opens with no date, no label and no relative word
    label = _LINE_LABEL.match(text)
    if label is None and ("published" in lower or "posted" in lower or "updated" in lower):
        label = _LABEL_INSIDE.match(text)
    updated = bool(label and _UPDATED_LABEL.search(label["label"]))
    rest = text[label.end() :] if label else text
    tail = None
    if not updated and ("updated" in lower or "modified" in lower):
        tail = _UPDATED_TAIL.search(rest)
    if tail:
        rest = rest[: tail.start()]  # "Published 4 November 2020, updated 6 November 2020"
    if _RELATIVE_DATE.match(rest):
        return DateLine(None, updated)
    year = month = None
    days: list[tuple[int, int]] = []  # (token index, day)
    month_at = -1
    numeric: re.Match[str] | None = None
    iso: dt.date | None = None
    pos, index = 0, 0
    while pos < len(rest):
        if rest[pos].isspace():
            pos += 1
            continue
        token = _DATE_TOKEN.match(rest, pos)
        if token is None:
            return None
        if token["zone"] and not token["zone"].isupper():
            return None  # a word, not a time zone
        if token["iso"]:
            y, m, d = (int(p) for p in token["iso"].split("-"))
            iso = _checked(y, m, d)
        elif token["n1"]:
            numeric = token
        elif token["year"]:
            year = int(token["year"])
        elif token["day"]:
            days.append((index, int(token["day"])))
        elif token["month"]:
            month, month_at = _month_number(token["month"]), index
        pos, index = token.end(), index + 1
    if iso is not None:
        return DateLine(iso, updated)
    if numeric is not None:
        return DateLine(_numeric_date(numeric), updated)
    if year is None or month is None:
        return None
    near = [d for i, d in days if abs(i - month_at) <= 2]
    return DateLine(_checked(year, month, near[0]) if near else None, updated)


def _numeric_date(match: re.Match[str]) -> dt.date | None:
    """`17/01/2008` or `01/17/2008`; None when both orders are days of a month."""
    a, b, year_text = int(match["n1"]), int(match["n2"]), match["n3"]
    if len(year_text) != 4:
        return None
    year = int(year_text)
    if a > 12 >= b:
        return _checked(year, b, a)
    if b > 12 >= a or a == b:
        return _checked(year, a, b)
    return None


def found_in_line(line: DateLine, source: DateSource, evidence: str) -> FoundDate | None:
    """A stated publication date from a date line: never from an 'updated' one."""
    if line.value is None or line.updated:
        return None
    return FoundDate(line.value, source, CONFIDENCE[source], (evidence.strip(),))
