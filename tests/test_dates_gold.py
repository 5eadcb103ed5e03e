"""The publication-date gold set (tests/gold/dates.json): stated dates are found, inferable
ones reasoned out, and no trap, future plan or historical date ever becomes a date.

Cases were written for this project; `bench/date_eval.py` prints the same set's precision,
recall and false-date rate.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from newsarchive.text.parser import parse_article

CASES = json.loads((Path(__file__).parent / "gold" / "dates.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_gold_case(case: dict[str, str | None]) -> None:
    assert isinstance(case["not_after"], str) and isinstance(case["text"], str)
    article = parse_article(
        case["text"], source=case["source"], not_after=dt.date.fromisoformat(case["not_after"])
    )
    got = article.published.isoformat() if article.published else None
    assert got == case["expect"], (case["note"], article.date_source, article.date_evidence)
    if case["kind"] == "inferred":
        assert article.date_source is not None and not article.date_source.explicit
        assert len(article.date_evidence) >= 2  # the spans it reasoned from, shown to the user
    elif case["kind"] == "explicit":
        assert article.date_source is not None and article.date_source.explicit


def test_the_gold_set_is_big_and_mixed() -> None:
    kinds = [c["kind"] for c in CASES]
    assert len(CASES) >= 40
    assert min(kinds.count(k) for k in ("explicit", "inferred", "trap", "undated")) >= 5


def test_without_a_bound_nothing_is_inferred() -> None:
    seed = (Path(__file__).parents[1] / "seeds" / "000_d4b32e967d5dce44.txt").read_text()
    assert parse_article(seed).published is None
    dated = parse_article(seed, not_after=dt.date(2026, 11, 28))
    assert dated.published == dt.date(2022, 1, 21)
    # Ingested before 2028, the only later Friday 21 January, it can only be 2022; after,
    # 2022 and 2028 both fit and nothing is inferred.
    assert parse_article(seed, not_after=dt.date(2028, 12, 31)).published is None
