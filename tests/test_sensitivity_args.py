"""Tests for the sensitivity package after issue 12: argument checks, staged SMAA, one renderer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import alliancekit as ak
from alliancekit.errors import DataValidationError
from alliancekit.scoring import Method


def problem(seed: int = 0, m: int = 6, n: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        rng.uniform(1.0, 10.0, (m, n)),
        index=pd.Index([f"P{i}" for i in range(m)], name="partner_id"),
        columns=[f"C{j}" for j in range(n)],
    )


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"n_samples": 1.5}, "n_samples must be a whole number"),
        ({"n_samples": True}, "n_samples must be a whole number"),
        ({"n_samples": "100"}, "n_samples must be a whole number"),
        ({"seed": -1}, "seed must be a whole number >= 0"),
        ({"seed": 0.5}, "seed"),
        ({"value_noise": "lots"}, "value_noise must be a number"),
        ({"weights": {"C0": 1, "C1": 1, "C2": 1}, "bounds_pct": "wide"}, "percentage"),
    ],
)
def test_smaa_refuses_arguments_instead_of_truncating_them(kwargs, pattern):
    with pytest.raises(DataValidationError, match=pattern):
        ak.smaa(problem(), "benefit", **kwargs)


def test_smaa_accepts_integral_floats_and_numpy_integers():
    a = ak.smaa(problem(), "benefit", n_samples=500.0, seed=np.int64(3))
    b = ak.smaa(problem(), "benefit", n_samples=500, seed=3)
    pd.testing.assert_frame_equal(a.acceptability, b.acceptability)
    assert a.n_samples == 500 and a.seed == 3


@pytest.mark.parametrize(("kwargs", "pattern"), [({"top_k": 1.5}, "top_k"), ({"grid": 0}, "grid")])
def test_weight_stability_refuses_non_counts(kwargs, pattern):
    weights = {"C0": 0.4, "C1": 0.3, "C2": 0.3}
    with pytest.raises(DataValidationError, match=pattern):
        ak.weight_stability(problem(), weights, "benefit", **kwargs)


def test_results_hold_the_method_enum():
    res = ak.smaa(problem(), "benefit", method="topsis", n_samples=300)
    assert res.method is Method.TOPSIS and res.to_dict()["method"] == "topsis"
    table = ak.weight_stability(problem(), {"C0": 1, "C1": 1, "C2": 1}, "benefit")
    assert table.attrs["method"] == "weighted_sum"


def test_smaa_html_is_the_shared_table_with_shaded_rank_shares():
    frame = problem(m=40)
    res = ak.smaa(frame, "benefit", n_samples=400, seed=1)
    page = res._repr_html_()
    assert page.count('class="dataframe ak-table"') == 1
    assert "background: rgba(31, 119, 180," in page
    assert "… 10 more rows" in page  # 30 of the 40 alternatives are shown
    assert "<th>rank_10</th>" in page and "<th>rank_11</th>" not in page
