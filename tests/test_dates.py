"""Explicit dates: only where the text states them, and --since/--until periods."""

from __future__ import annotations

import datetime as dt

import pytest

from newsarchive.model.records import DateSource
from newsarchive.text import dates
from newsarchive.text.dates import (
    date_from_byline,
    date_from_header_line,
    date_from_url,
    parse_period,
)

D = dt.date


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Published On 21 Jan 2022", D(2022, 1, 21)),
        ("Published 4 November 2020, updated 6 November 2020", D(2020, 11, 4)),
        ("Date: 2019-11-08", D(2019, 11, 8)),
        ("2017-11-07T01:52:40+0000", D(2017, 11, 7)),
        ("2017-11-16 08:52:00", D(2017, 11, 16)),
        ("January 5, 2017", D(2017, 1, 5)),
        ("Friday, 21 January 2022 14:05 GMT", D(2022, 1, 21)),
        ("Posted on Sept. 3rd, 2019 at 9:15 am", D(2019, 9, 3)),
        ("First published: Mon 3 Feb 2020 07.00 GMT", D(2020, 2, 3)),
    ],
)
def test_header_lines_give_their_date(line: str, expected: dt.date) -> None:
    found = date_from_header_line(line)
    assert found is not None
    assert (found.value, found.source, found.evidence) == (expected, DateSource.HEADER, (line,))


@pytest.mark.parametrize(
    "line",
    [
        "Covid-19, part 1",
        "The January 10 session lasted eight hours",
        "On 9 November 1989 the wall fell",
        "Version 2.1.3",
        "100M viewers",
        "2022-02-30",
        "Updated 6 November 2020",
        "Published on 31 June 2021",
        "1989",
    ],
)
def test_lines_that_are_not_a_stated_publication_date(line: str) -> None:
    assert date_from_header_line(line) is None


def test_byline_date() -> None:
    found = date_from_byline("By Jane Doe | March 3, 2021")
    assert found is not None and found.value == D(2021, 3, 3)
    assert date_from_byline("By Jane Doe") is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.aljazeera.com/news/2022/1/21/talks", D(2022, 1, 21)),
        ("http://edition.cnn.com/2017/03/28/football/x/index.html", D(2017, 3, 28)),
        ("https://example.com/blog/2019-07-04-independence", D(2019, 7, 4)),
        ("https://example.com/2017/09/jim-carrey", None),
        ("https://example.com/2017/13/40/no", None),
        ("https://example.com/article-5056567/story.html", None),
    ],
)
def test_url_path_dates(url: str, expected: dt.date | None) -> None:
    found = date_from_url(url)
    assert (found.value if found else None) == expected


TODAY = D(2026, 3, 31)


@pytest.mark.parametrize(
    ("value", "first", "last"),
    [
        ("2022", D(2022, 1, 1), D(2022, 12, 31)),
        ("2022-01", D(2022, 1, 1), D(2022, 1, 31)),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),
        ("2022-1-21", D(2022, 1, 21), D(2022, 1, 21)),
        ("30d", D(2026, 3, 1), D(2026, 3, 1)),
        ("2w", D(2026, 3, 17), D(2026, 3, 17)),
        ("1m", D(2026, 2, 28), D(2026, 2, 28)),
        ("1y", D(2025, 3, 31), D(2025, 3, 31)),
    ],
)
def test_periods(value: str, first: dt.date, last: dt.date) -> None:
    assert parse_period(value, today=TODAY) == (first, last)


@pytest.mark.parametrize("value", ["", "yesterday", "2022-13", "2022-02-30", "22-01", "3x", "0000"])
def test_bad_periods(value: str) -> None:
    with pytest.raises(ValueError):
        parse_period(value, today=TODAY)


@pytest.mark.parametrize("seed", range(40))
def test_the_latest_year_is_found_paragraph_by_paragraph_as_in_the_joined_text(seed: int) -> None:
    """infer_date reads years paragraph by paragraph (a huge article's paragraphs joined
    were one more copy of its text): the same year, at the same place, with the same
    evidence as in the paragraphs joined by spaces."""
    import random

    rng = random.Random(seed)
    words = ["2019", "1999", "2031", "x2015", "£2018", "flight", "route", "2017,",
             "2016.5", "said", ",", ";", "in", "May", "2020-21", "room 2014", "a" * 90,
             "2012%", " "]  # fmt: skip
    paragraphs = [
        " ".join(rng.choice(words) for _ in range(rng.randint(1, 12)))
        for _ in range(rng.randint(1, 8))
    ]
    text = " ".join(paragraphs)
    matches = [
        m
        for m in dates._YEAR_WORD.finditer(text)
        if int(m["year"]) <= 2026
        and not (
            m.start()
            and (text[m.start() - 1] in dates._NOT_BEFORE_YEAR or text[m.start() - 1].isalpha())
        )
        and not dates._NOT_A_YEAR.search(text[max(0, m.start() - 24) : m.start()])
    ]
    found = dates._latest_year(paragraphs, 2026)
    if not matches:
        assert found is None
        return
    best = max(matches, key=lambda m: int(m["year"]))
    assert found is not None
    year, at, start, end = found
    assert year == int(best["year"])
    offset = sum(len(p) + 1 for p in paragraphs[:at])
    assert (offset + start, offset + end) == best.span()
    assert dates._year_context(paragraphs, at, start, end) == dates._context(
        text, best.start(), best.end()
    )
