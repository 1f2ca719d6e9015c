"""Tests for the criteria package after issue 12: shared kernels, partner_id, typed errors."""

from __future__ import annotations

import numpy as np
import pytest
from factories import make_candidate, make_ws

import alliancekit as ak
from alliancekit.criteria import (
    CRITERIA,
    CriterionScale,
    ScreeningPolicy,
    criteria_table,
    knockouts,
    min_max,
    preset_weights,
    resolve_weights,
    weighted_sum_score,
)
from alliancekit.errors import DataValidationError
from alliancekit.scoring import normalize_kernel, weighted_sum_kernel


def test_min_max_is_scorings_kernel():
    x = np.array([3.0, 7.5, 1.25, 7.5])
    for direction, benefit in (("benefit", True), ("cost", False)):
        kernel = normalize_kernel(x[:, None], np.array([benefit]), "minmax", span_tol=1e-12)
        assert np.array_equal(min_max(x, direction), kernel[:, 0])
    assert min_max(np.array([2.0, 2.0 + 1e-14])).tolist() == [0.5, 0.5]


def test_weighted_sum_score_is_scorings_kernel_on_a_0_100_scale():
    rng = np.random.default_rng(1)
    n, w = rng.random((6, 11)), rng.dirichlet(np.ones(11))
    assert np.array_equal(weighted_sum_score(n, w), weighted_sum_kernel(100.0 * n, w))


def test_criteria_and_risk_frames_are_indexed_by_partner_id():
    ws = ak.sample_workspace("sanchar-apps")
    assert ak.criteria_matrix(ws).index.name == "partner_id"
    assert ak.criteria_values(ws).index.name == "partner_id"
    assert ak.risk_table(ws).index.name == "partner_id"
    res = ak.score_partners(ws)
    assert res.details.index.name == "partner_id"
    assert res.to_frame().index.name == "partner_id"
    record = res.to_dict()["details"][0]
    assert record["partner_id"] == "A01" and "id" not in record


def test_criterion_scale_is_an_enum_and_the_table_keeps_its_text():
    assert CRITERIA["C3"].scale is CriterionScale.LIKERT
    assert criteria_table().loc["C3", "scale"] == "1-5"
    assert criteria_table().loc["C7", "direction"] == "cost"


@pytest.mark.parametrize(
    ("weights", "pattern"),
    [
        ({"C1": -1.0, "C2": 1.0}, "negative"),
        ({"C1": "heavy"}, "not a number"),
        ({"C1": 0.0}, "at least one must be positive"),
        ({"C12": 1.0}, "unknown criterion code"),
    ],
)
def test_criteria_weights_use_the_one_weights_check(weights, pattern):
    with pytest.raises(DataValidationError, match=pattern):
        resolve_weights(make_ws(make_candidate("X")), weights)


def test_deliberate_errors_are_data_validation_errors():
    ws = make_ws(make_candidate("S"), make_candidate("T"))
    with pytest.raises(DataValidationError, match="unknown weight preset"):
        preset_weights("greedy")
    with pytest.raises(DataValidationError, match="either weights or preset"):
        resolve_weights(ws, {"C1": 1.0}, "default")
    with pytest.raises(DataValidationError, match="lack candidate"):
        knockouts(ws, {"S": 50.0})
    with pytest.raises(DataValidationError, match="finite"):
        ScreeningPolicy(min_score=float("nan"))
    with pytest.raises(DataValidationError, match="unknown method"):
        ak.score_partners(ws, method="electre")


def test_method_is_parsed_once_for_the_k4_note():
    ws = ak.sample_workspace("sanchar-apps")
    upper = ak.score_partners(ws, method="WEIGHTED_SUM")
    assert upper.method == "weighted_sum"
    assert not any(n.startswith("K4 uses") for n in upper.notes)
    assert any(n.startswith("K4 uses") for n in ak.score_partners(ws, method="topsis").notes)


def test_bad_candidate_ratings_are_named_once_by_the_shared_check():
    ws = make_ws(make_candidate("S", flexibility=7, prior_ties=-1))
    with pytest.raises(DataValidationError) as info:
        ak.criteria_values(ws)
    columns = [p.column for p in info.value.problems]
    assert columns == ["flexibility", "prior_ties"]
    assert all(p.file == "candidates.csv" and p.row == 2 for p in info.value.problems)
