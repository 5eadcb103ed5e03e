"""The dek's learned model (text/parser/dek.py, dek_model.json): the weights shipped are the
ones training gives, they weigh exactly the features the parser computes, and what is
never a dek stays so whatever the weights say."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsarchive.text.parser import dek, parse_article

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"


def test_the_model_weighs_the_features_the_parser_computes() -> None:
    model = json.loads(dek.MODEL_PATH.read_text(encoding="utf-8"))
    assert list(model["weights"]) == list(dek.FEATURES)
    assert 0 < model["threshold"] < 1
    place = dek.Place(
        "Headline", ("The story starts here, and goes on.",), 0, False, True, False, False
    )
    assert len(dek.features("A line under the headline that sums it up.", place)) == len(
        dek.FEATURES
    )


def test_retraining_gives_the_model_shipped() -> None:
    if not (CORPORA / "structured").is_dir():
        pytest.skip("../shared/corpora is absent (only developers' machines and CI have it)")
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "train_dek.py"), "--check", "--corpora", CORPORA],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "line",
    [
        "Headline: Shares soar! Buy now while stocks last at the best price",  # a promotion
        "Now playing: Drone footage shows the flooded streets of the town",  # a player
        "READ MORE: Floods cut off coastal towns across the region",  # a related link
        "Five words and no more",  # too short to sum anything up
    ],
)
def test_what_is_never_a_dek_stays_so_whatever_the_weights(
    line: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    always = dek._Model(bias=50.0, weights=(0.0,) * len(dek.FEATURES), logit_threshold=0.0)
    monkeypatch.setattr(dek, "_MODEL", always)
    article = parse_article(
        f"Storm hits the coast\n{line}\nThe storm made landfall early on Monday, bringing "
        "winds of up to 120km/h to the towns along the coast.\nThousands of homes lost power.\n"
    )
    assert article.dek != line  # (a yes-model then takes the next line, if any)
    whole = parse_article(
        "Storm hits the coast\nThe storm, the worst in a decade, cut power to thousands of "
        "homes along the coast.\nIt made landfall early on Monday.\nMore rain is due.\n"
    )
    assert whole.dek is not None  # the same model takes any other line: the veto did it
