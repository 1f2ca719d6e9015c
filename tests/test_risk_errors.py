"""Tests for the risk package after issue 12: typed errors, the one cvar, partner_id frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from factories import make_candidate, make_ws

import alliancekit as ak
from alliancekit.errors import DataValidationError
from alliancekit.model import likert
from alliancekit.risk import (
    RiskPolicy,
    check_candidate_inputs,
    cvar,
    performance_risk,
    relational_risk,
    simulate_scenarios,
    value_sigma,
)


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (lambda: RiskPolicy(alpha=2.0), "alpha"),
        (lambda: RiskPolicy(n_scenarios=2.5), "n_scenarios"),
        (lambda: RiskPolicy(n_scenarios="many"), "n_scenarios"),
        (lambda: RiskPolicy(safeguards={"A": 1.5}), "safeguards"),
        (lambda: cvar([1.0, 2.0], beta=1.0), "beta"),
        (lambda: cvar([], beta=0.9), "non-empty"),
        (lambda: cvar([1.0, np.nan]), "NaN"),
        (lambda: simulate_scenarios(make_ws(make_candidate("S")), n_scenarios=0), "n_scenarios"),
        (lambda: simulate_scenarios(make_ws(make_candidate("S")), n_scenarios=1.5), "n_scenarios"),
    ],
)
def test_deliberate_errors_are_data_validation_errors(call, pattern):
    with pytest.raises(DataValidationError, match=pattern):
        call()


def test_cvar_is_the_public_home_and_keeps_its_signature():
    losses = np.arange(1.0, 101.0)
    assert cvar(losses) == pytest.approx(98.0)  # mean of the 5 worst of 100
    frame = pd.DataFrame({"a": losses, "b": -losses})
    out = cvar(frame, beta=0.9)
    assert list(out.index) == ["a", "b"] and out.name == "cvar_0.9"
    assert ak.cvar is cvar


def test_kernels_read_likert_from_the_model():
    items = np.array([1.0, 2.0, 3.5, 5.0])
    assert np.array_equal(value_sigma(items), 0.1 + 0.4 * likert(items))
    assert relational_risk(1, 5, 5, 5, 1) == pytest.approx(1.0)
    assert performance_risk(1, 1, 1, 1, 1) == pytest.approx(0.0)


def test_scenarios_and_risk_table_use_partner_id():
    ws = make_ws(make_candidate("S"), make_candidate("T"))
    assert ak.risk_table(ws).index.name == "partner_id"
    sc = simulate_scenarios(ws, n_scenarios=20, seed=1)
    assert sc.npv.columns.name == "partner_id" and list(sc.npv.columns) == ["S", "T"]


def test_check_candidate_inputs_lists_every_bad_cell_in_row_order():
    frame = make_ws(
        make_candidate("S", market_unc=6, cost_annual=-1.0), make_candidate("T", regulatory=0)
    ).candidates_frame()
    with pytest.raises(DataValidationError) as info:
        check_candidate_inputs(
            frame, likert=("market_unc", "regulatory"), money=("cost_annual",), counts=()
        )
    got = [(p.row, p.column) for p in info.value.problems]
    assert got == [(2, "market_unc"), (2, "cost_annual"), (3, "regulatory")]
    assert "must be a money amount >= 0" in str(info.value)
