"""SMAA at scale (issue 20): the buffered, blocked rank tally equals a draw-by-draw count."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

import alliancekit as ak
import alliancekit.sensitivity.smaa
from alliancekit.sensitivity.sampling import sample_weights

smaa_module = sys.modules["alliancekit.sensitivity.smaa"]


def _by_hand(scores: np.ndarray, tol: float) -> np.ndarray:
    """Rank acceptability counted draw by draw: tied alternatives share their ranks evenly."""
    k, m = scores.shape
    table = np.zeros((m, m))
    for row in scores:
        for i in range(m):
            above = int(np.sum(row > row[i] + tol))
            tied = int(np.sum(np.abs(row - row[i]) <= tol))
            table[i, above : above + tied] += 1.0 / tied
    return table / k


@pytest.fixture
def tied_problem() -> tuple[pd.DataFrame, dict[str, str]]:
    """Coarse 1–3 values: many draws with ties (exact duplicates rank together)."""
    rng = np.random.default_rng(11)
    x = rng.integers(1, 4, (9, 3)).astype(float)
    x[4] = x[2]  # two identical alternatives: tied in every draw
    frame = pd.DataFrame(x, index=[f"P{i}" for i in range(9)], columns=["a", "b", "c"])
    return frame, {"a": "benefit", "b": "benefit", "c": "cost"}


def test_acceptability_equals_a_draw_by_draw_count(tied_problem, monkeypatch) -> None:
    frame, dirs = tied_problem
    # tiny buffers and blocks: many flushes, several blocks of alternatives
    monkeypatch.setattr(smaa_module, "_FLUSH_MIN", 7)
    monkeypatch.setattr(smaa_module, "_FLUSH_MAX", 20)
    monkeypatch.setattr(smaa_module, "_BLOCK_COUNTS", 20)
    res = ak.smaa(frame, dirs, n_samples=400, seed=5, pairwise=True)
    prob = ak.scoring.prepare(frame, dirs, "weighted_sum", None, None, None, "raise")
    w, _ = sample_weights(np.random.default_rng(5), 400, np.zeros(3), np.ones(3))
    scores = w @ prob.normalized().T
    expected = _by_hand(scores, ak.scoring.TIE_TOLERANCE)
    np.testing.assert_allclose(res.acceptability.to_numpy(), expected, atol=1e-12)
    assert res.acceptability.loc["P2"].equals(res.acceptability.loc["P4"])


def test_small_buffers_change_nothing(tied_problem, monkeypatch) -> None:
    frame, dirs = tied_problem
    default = ak.smaa(frame, dirs, n_samples=300, seed=2, value_noise=0.1)
    monkeypatch.setattr(smaa_module, "_FLUSH_MIN", 5)
    monkeypatch.setattr(smaa_module, "_FLUSH_MAX", 5)
    monkeypatch.setattr(smaa_module, "_BLOCK_COUNTS", 9)
    small = ak.smaa(frame, dirs, n_samples=300, seed=2, value_noise=0.1)
    pd.testing.assert_frame_equal(default.acceptability, small.acceptability)
    pd.testing.assert_frame_equal(default.central_weights, small.central_weights)


def test_promethee_smaa_equals_scoring_each_draw() -> None:
    """PROMETHEE-SMAA scores each draw by the per-criterion flows computed once (linear)."""
    rng = np.random.default_rng(4)
    frame = pd.DataFrame(rng.normal(size=(30, 4)), columns=list("abcd"))
    prefs = {"a": ak.Preference("linear", q=0.1, p=1.0), "b": ak.Preference("level", q=0.2, p=0.9)}
    res = ak.smaa(frame, "benefit", method="promethee_ii", n_samples=50, seed=1, preferences=prefs)
    w, _ = sample_weights(np.random.default_rng(1), 50, np.zeros(4), np.ones(4))
    ranks = np.zeros((30, 30))
    for draw in w:
        r = ak.score(frame, dict(zip("abcd", draw, strict=True)), "benefit", "promethee_ii",
                     preferences=prefs)  # fmt: skip
        ranks[np.arange(30), r.ranks.to_numpy() - 1] += 1
    np.testing.assert_allclose(res.acceptability.to_numpy(), ranks / 50, atol=1e-12)
