"""Tests for scoring's shared checks and vocabularies (issue 12: one place per concept)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import alliancekit as ak
from alliancekit.errors import DataValidationError
from alliancekit.scoring import (
    Method,
    Normalization,
    OnConstant,
    check_bounds,
    check_count,
    check_weights,
    is_count,
    normalize_kernel,
)


@pytest.fixture
def small():
    frame = pd.DataFrame(
        {"quality": [4, 3, 5, 2], "price": [200.0, 150.0, 300.0, 100.0], "fit": [3, 5, 4, 1]},
        index=pd.Index(["P1", "P2", "P3", "P4"], name="partner_id"),
    )
    dirs = {"quality": "benefit", "price": "cost", "fit": "benefit"}
    return frame, {"quality": 0.5, "price": 0.3, "fit": 0.2}, dirs


def test_check_weights_normalises_in_criterion_order():
    w = check_weights({"b": 1, "a": 3}, ["a", "b"])
    assert w.tolist() == [0.75, 0.25]


def test_check_weights_missing_criteria_weigh_zero_when_allowed():
    w = check_weights({"b": 2}, ["a", "b"], require_all=False)
    assert w.tolist() == [0.0, 1.0]
    with pytest.raises(DataValidationError, match="no weight for criterion/criteria a"):
        check_weights({"b": 2}, ["a", "b"])


@pytest.mark.parametrize(
    ("weights", "pattern"),
    [
        ({"a": -1, "b": 1}, "negative"),
        ({"a": math.inf, "b": 1}, "finite"),
        ({"a": "x", "b": 1}, "not a number"),
        ({"a": 0, "b": 0}, "at least one must be positive"),
        ({"z": 1}, "unknown criterion code"),
        ([1, 2], "Mapping or Series"),
    ],
)
def test_check_weights_names_what_is_wrong(weights, pattern):
    with pytest.raises(DataValidationError, match=pattern):
        check_weights(weights, ["a", "b"], "w", noun="code")


@pytest.mark.parametrize("value", [0, 1.5, True, "3", None, math.nan, -2])
def test_check_count_refuses_what_is_not_a_whole_number(value):
    assert not is_count(value)
    with pytest.raises(DataValidationError, match="n_draws must be a whole number >= 1"):
        check_count(value, "n_draws")


def test_check_count_accepts_integral_numbers():
    assert check_count(3, "n") == 3
    assert check_count(np.int64(4), "n") == 4
    assert check_count(5.0, "n") == 5
    assert check_count(0, "seed", minimum=0) == 0


def test_check_bounds():
    assert check_bounds((1, 5), "scales: 'x'") == (1.0, 5.0)
    assert check_bounds((0.5, 0.5), "b", strictly_increasing=False) == (0.5, 0.5)
    with pytest.raises(DataValidationError, match="scales: 'x' needs finite lo < hi"):
        check_bounds((5, 5), "scales: 'x'")
    with pytest.raises(DataValidationError, match="needs a pair"):
        check_bounds(3, "b")


def test_vocabularies_parse_through_the_model_enum_parse():
    assert Method.parse("TOPSIS", what="method") is Method.TOPSIS
    assert Method.TOPSIS == "topsis" and f"{Method.PROMETHEE_II}" == "promethee_ii"
    assert OnConstant.parse("Half") is OnConstant.HALF
    with pytest.raises(DataValidationError, match="unknown method 'electre'; expected one of"):
        Method.parse("electre", what="method")


def test_score_result_holds_enums(small):
    frame, weights, dirs = small
    res = ak.score(frame, weights, dirs, method="TOPSIS")
    assert res.method is Method.TOPSIS and res.normalization is Normalization.VECTOR
    assert res.to_dict()["method"] == "topsis" and res.to_dict()["normalization"] == "vector"


def test_raw_normalization_is_promethees_default_and_only_promethees(small):
    frame, weights, dirs = small
    default = ak.score(frame, weights, dirs, method="promethee_ii")
    raw = ak.score(frame, weights, dirs, method="promethee_ii", normalization="raw")
    assert default.normalization is Normalization.RAW
    pd.testing.assert_series_equal(default.scores, raw.scores)
    assert "raw values" in default.summary()
    with pytest.raises(DataValidationError, match=r"'raw'.*promethee_ii"):
        ak.score(frame, weights, dirs, normalization="raw")


def test_minmax_kernel_constant_tolerance():
    x = np.array([[1.0], [1.0 + 1e-15], [1.0]])
    exact = normalize_kernel(x, np.array([True]), "minmax")
    tolerant = normalize_kernel(x, np.array([True]), "minmax", span_tol=1e-12)
    assert exact[:, 0].tolist() == [0.0, 1.0, 0.0]
    assert tolerant[:, 0].tolist() == [0.5, 0.5, 0.5]


def test_minmax_kernel_cost_is_exact_at_the_ends():
    x = np.array([[0.1], [0.7], [0.3]])
    n = normalize_kernel(x, np.array([False]), "minmax")[:, 0]
    assert n[0] == 1.0 and n[1] == 0.0
    assert n[2] == (0.7 - 0.3) / (0.7 - 0.1)
