"""A quality floor for the parser on real text nobody here wrote (../shared/corpora/structured).

Runs bench/parse_eval.py's scoring on the whole labelled corpus and fails when a field falls
below what this version reaches (minus a small margin), so that a later change cannot quietly
undo it. The floors are figures measured on this corpus, not goals: the goals and the
held-out figures are in bench/README.md. Skipped where ../shared is absent.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest

from .conftest import REPO

CORPUS = REPO.parent / "shared" / "corpora" / "structured"
# Measured with PARSER_VERSION 2 (bench/parse_eval.py --split all), less 0.02; subheadings
# with version 5 (.72 / .86).
FLOORS = {
    "headline": 0.98,
    "byline precision": 0.91,
    "byline recall": 0.9,
    "date precision": 0.95,
    "date recall": 0.95,
    "url precision": 0.96,
    "url recall": 0.98,
    "dateline precision": 0.95,
    "dateline recall": 0.94,
    "dek (article) precision": 0.62,
    "dek (article) recall": 0.67,
    "subheading precision": 0.70,
    "subheading recall": 0.84,
    "related precision": 0.96,
    "related recall": 0.96,
    "boilerplate precision": 0.73,
    "boilerplate recall": 0.84,
    "paragraph precision": 0.97,
    "paragraph recall": 0.97,
    "stated date precision": 0.95,
    "stated date recall": 0.96,
    "source url precision": 0.97,
    "source url recall": 0.97,
}


def _parse_eval() -> ModuleType:
    spec = importlib.util.spec_from_file_location("parse_eval", REPO / "bench" / "parse_eval.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def figures() -> dict[str, float | None]:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpora/structured is absent")
    evaluation = _parse_eval()
    scores = evaluation.score_structured(CORPUS, "all", "none", None)
    summary: dict[str, float | None] = evaluation.summary(scores["all"])
    return summary


@pytest.mark.parametrize("field", sorted(FLOORS))
def test_field_stays_above_its_floor(figures: dict[str, float | None], field: str) -> None:
    value = figures.get(field)
    assert value is not None, f"{field} was not measured"
    assert value >= FLOORS[field], f"{field}: {value:.3f} < floor {FLOORS[field]}"


def test_no_labelled_article_is_refused(figures: dict[str, float | None]) -> None:
    assert figures.get("refused precision") is None  # no article counted as refused
