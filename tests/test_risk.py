"""Tests for alliancekit.risk: risk indices, E[NPV], scenarios and CVaR (docs/method.md §3)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from factories import make_candidate, make_ws
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from alliancekit.errors import DataValidationError
from alliancekit.model import (
    AllianceForm,
    Relation,
    Workspace,
)
from alliancekit.risk import (
    RISK_COLUMNS,
    RiskPolicy,
    ScenarioSet,
    cvar,
    expected_npv,
    failure_probability,
    form_adjusted_risk,
    performance_risk,
    relational_risk,
    risk_table,
    scenario_npv,
    simulate_scenarios,
    total_risk,
)

#: docs/method.md §11 full-precision oracle values: id, R_rel, R_perf, R, p_fail, E[NPV].
ORACLE_TEXT = """
A02 0.3875 0.2500 0.31875 0.3550 448.9417
A01 0.4750 0.2125 0.34375 0.3750 521.0059
A05 0.2500 0.2000 0.22500 0.2800 178.7575
A09 0.2500 0.3500 0.30000 0.3400 132.8140
A03 0.3125 0.5250 0.41875 0.4350 179.0070
A10 0.2250 0.7000 0.46250 0.4700 16.1441
A11 0.2875 0.3625 0.32500 0.3600 163.5027
A07 0.2500 0.3500 0.30000 0.3400 144.3168
A06 0.3875 0.3500 0.36875 0.3950 238.5201
A12 0.2625 0.4750 0.36875 0.3950 95.9729
A13 0.2500 0.2625 0.25625 0.3050 101.3454
A14 0.3500 0.2500 0.30000 0.3400 23.1704
A08 0.5875 0.1875 0.38750 0.4100 142.7347
A04 0.7250 0.2750 0.50000 0.5000 65.0687
B01 0.2875 0.2875 0.28750 0.3300 64.8580
B05 0.0500 0.2625 0.15625 0.2250 11.7898
B04 0.2125 0.1000 0.15625 0.2250 15.0530
B13 0.0500 0.3375 0.19375 0.2550 11.5736
B12 0.1500 0.1750 0.16250 0.2300 38.3868
B02 0.2875 0.3250 0.30625 0.3450 80.4032
B10 0.2000 0.2125 0.20625 0.2650 12.5851
B06 0.3375 0.1125 0.22500 0.2800 28.5548
B09 0.6375 0.2375 0.43750 0.4500 57.3883
B11 0.5000 0.2750 0.38750 0.4100 79.1961
B07 0.2875 0.3250 0.30625 0.3450 32.4303
B14 0.2375 0.1375 0.18750 0.2500 23.2192
B08 0.5250 0.4000 0.46250 0.4700 55.6760
B03 0.4125 0.5000 0.45625 0.4650 77.0885
C07 0.2250 0.5375 0.38125 0.4050 1660.0975
C01 0.3750 0.1125 0.24375 0.2950 2135.7494
C09 0.2375 0.2625 0.25000 0.3000 555.2407
C05 0.6375 0.3000 0.46875 0.4750 2077.4450
C10 0.1875 0.0500 0.11875 0.1950 389.2992
C16 0.2875 0.4875 0.38750 0.4100 489.3318
C02 0.2875 0.2250 0.25625 0.3050 1325.2862
C15 0.1500 0.1875 0.16875 0.2350 254.6094
C13 0.2000 0.1875 0.19375 0.2550 660.1314
C03 0.2500 0.3250 0.28750 0.3300 936.9362
C12 0.3375 0.4250 0.38125 0.4050 2129.0576
C08 0.5375 0.1875 0.36250 0.3900 1539.6314
C06 0.5000 0.3625 0.43125 0.4450 1656.9029
C04 0.3000 0.3000 0.30000 0.3400 897.2073
C11 0.8375 0.4625 0.65000 0.6200 2391.7891
C14 0.5125 0.4875 0.50000 0.5000 934.3782
"""

ORACLE = pd.DataFrame(
    [line.split() for line in ORACLE_TEXT.strip().splitlines()],
    columns=["id", "R_rel", "R_perf", "R", "p_fail", "e_npv"],
).set_index("id")
ORACLE = ORACLE.astype(float)
PREFIX = {"sanchar-apps": "A", "greenscape": "B", "norden-pumpen": "C"}

likert = st.integers(min_value=2, max_value=10).map(lambda k: k / 2)  # 1, 1.5, …, 5


# -- helpers ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def samples() -> dict[str, Workspace]:
    from alliancekit.workspace import sample_workspace

    return {name: sample_workspace(name) for name in PREFIX}


# -- known answers -------------------------------------------------------------------------------
def test_risk_table_reproduces_domain_oracles(sample_name: str, samples) -> None:
    """Every candidate's R_rel, R_perf, R, p_fail, E[NPV] against docs/method.md §11 (and §6)."""
    table = risk_table(samples[sample_name])
    assert list(table.columns) == list(RISK_COLUMNS)
    expected = ORACLE[ORACLE.index.str.startswith(PREFIX[sample_name])]
    assert sorted(table.index) == sorted(expected.index)
    got = table.loc[expected.index]
    for col in ("R_rel", "R_perf", "R", "p_fail"):
        # §11 prints 4-5 decimals; the brief's bar is ±0.005
        np.testing.assert_allclose(got[col], expected[col], atol=1e-4, rtol=0, err_msg=col)
    np.testing.assert_allclose(got["e_npv"], expected["e_npv"], atol=1e-3, rtol=0)


def test_hand_computed_a01() -> None:
    """A01 Airwave Mobile (docs/method.md §6.1), by hand.

    R_rel = 0.25·(1 − L(4)) + 0.25·L(3) + 0.15·L(3) + 0.15·L(4) + 0.20·(1 − L(3))
          = 0.0625 + 0.125 + 0.075 + 0.1125 + 0.10 = 0.475;
    R_perf = 0.30·L(1) + 0.25·L(2) + 0.20·L(3) + 0.15·L(1) + 0.10·L(3)
           = 0 + 0.0625 + 0.10 + 0 + 0.05 = 0.2125;
    R = 0.34375, p = 0.10 + 0.80·0.34375 = 0.375;
    AF(12 %, 3) = 2.4018313; E[NPV] = −120 + (1 − 0.1875)·(520 − 180)·AF − 0.375·60
    = −120 + 663.5059 − 22.5 = 521.0059.
    """
    r_rel = relational_risk(4, 3, 3, 4, 3)
    r_perf = performance_risk(1, 2, 3, 1, 3)
    assert r_rel == pytest.approx(0.475)
    assert r_perf == pytest.approx(0.2125)
    r = total_risk(r_rel, r_perf)
    p = failure_probability(r)
    assert p == pytest.approx(0.375)
    af = (1 - 1.12**-3) / 0.12
    assert expected_npv(120, 180, 520, 60, p, af) == pytest.approx(521.0059, abs=1e-4)


def test_expected_loss_and_npv_columns() -> None:
    """EL = p·(C0 + X), NPV = −C0 + (V − Ca)·AF, PV columns as docs/method.md §2/§3.3."""
    ws = make_ws(make_candidate("X1", exit_cost=5.0))
    row = risk_table(ws).loc["X1"]
    af = ws.organization.annuity_factor
    assert row["pv_benefit"] == pytest.approx(50 * af)
    assert row["pv_cost"] == pytest.approx(10 + 20 * af)
    assert row["npv"] == pytest.approx(-10 + 30 * af)
    assert row["expected_loss"] == pytest.approx(row["p_fail"] * 15)
    assert row["sigma"] == pytest.approx(0.1 + 0.4 * 0.5)  # market_unc defaults to 3


# -- defaults for missing items (docs/method.md §3.1, §10.5) -----------------------------------
@pytest.mark.parametrize(
    ("relation", "items"),
    [
        (Relation.COMPETITOR, (4, 4, 3)),
        (Relation.SUPPLIER, (2, 2, 3)),
        (Relation.CUSTOMER, (2, 2, 3)),
        (Relation.COMPLEMENTOR, (2, 3, 3)),
        (Relation.PUBLIC_BODY, (1, 1, 3)),
        (Relation.INTERNAL, (1, 1, 2)),
    ],
)
def test_relational_defaults_by_relation(relation: Relation, items: tuple[int, int, int]) -> None:
    """Missing opportunism/leakage/dependence take the §3.1 defaults of the relation."""
    ws = make_ws(make_candidate("D1", relation))
    opp, leak, dep = items
    got = risk_table(ws).loc["D1"]
    assert got["R_rel"] == pytest.approx(relational_risk(4, opp, leak, dep, 4))
    # performance items default to 3: R_perf = L(3) = 0.5
    assert got["R_perf"] == pytest.approx(0.5)
    # an explicit value overrides the default
    ws2 = make_ws(make_candidate("D1", relation, opportunism=5, leakage=5, dependence=5))
    assert risk_table(ws2).loc["D1", "R_rel"] == pytest.approx(relational_risk(4, 5, 5, 5, 4))


def test_exit_cost_defaults_to_zero() -> None:
    """Without exit_cost, E[NPV] = −C0 + (1 − p/2)(V − Ca)·AF and EL = p·C0."""
    ws = make_ws(make_candidate("D2"))
    row = risk_table(ws).loc["D2"]
    af = ws.organization.annuity_factor
    assert row["e_npv"] == pytest.approx(-10 + (1 - row["p_fail"] / 2) * 30 * af)
    assert row["expected_loss"] == pytest.approx(row["p_fail"] * 10)


# -- form adjustment (§3.2), off by default ------------------------------------------------------
def test_form_adjustment_off_by_default_and_switchable() -> None:
    """§10 reading 2: unadjusted by default; the switch applies the §3.2 multipliers."""
    jv = make_candidate("J", form=AllianceForm.JOINT_VENTURE)
    ag = make_candidate("G", form=AllianceForm.ALLIANCE_AGREEMENT)
    sp = make_candidate("S", form=AllianceForm.STRATEGIC_PARTNERSHIP)
    ws = make_ws(jv, ag, sp)
    base = risk_table(ws)
    assert base.loc["J", "R_rel"] == base.loc["S", "R_rel"] == base.loc["G", "R_rel"]
    adj = risk_table(ws, RiskPolicy(form_adjustment=True, safeguards={"S": 2}))
    assert adj.loc["J", "R_rel"] == pytest.approx(base.loc["J", "R_rel"] * 0.85)
    assert adj.loc["J", "R_perf"] == pytest.approx(base.loc["J", "R_perf"] * 1.10)
    assert adj.loc["G", "R_perf"] == pytest.approx(base.loc["G", "R_perf"] * 0.90)
    assert adj.loc["G", "R_rel"] == pytest.approx(base.loc["G", "R_rel"])
    assert adj.loc["S", "R_rel"] == pytest.approx(base.loc["S", "R_rel"] - 0.06)
    assert adj.loc["S", "R_perf"] == pytest.approx(base.loc["S", "R_perf"])


def test_safeguards_floor_at_zero() -> None:
    rel, perf = form_adjusted_risk(
        np.array([0.05]), np.array([0.9]), [True], [False], [5], RiskPolicy()
    )
    assert rel[0] == 0.0
    assert perf[0] == pytest.approx(0.99)


# -- validation ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"alpha": 1.5}, "alpha"),
        ({"rel_goal": 0.5}, "relational item weights must sum to 1"),
        ({"perf_market": -0.25, "perf_competence": 0.8}, "performance item weights must be >= 0"),
        ({"p_base": 0.3}, "p_base"),
        ({"rho_market": 0.4}, "rho_market"),
        ({"rho_sector": 1.0}, "rho_sector"),
        ({"n_scenarios": 0}, "n_scenarios"),
        ({"alpha": float("nan")}, "finite"),
        ({"safeguards": {"A01": -1}}, "safeguards"),
        ({"sigma_slope": -0.1}, "sigma_slope"),
    ],
)
def test_risk_policy_rejects_bad_coefficients(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        RiskPolicy(**kwargs)


def test_risk_policy_table_lists_every_coefficient() -> None:
    table = RiskPolicy().to_frame()
    assert table.loc["alpha", "value"] == 0.5
    assert table.loc["form_adjustment", "value"] is False
    assert table.loc["p_slope", "value"] == 0.8
    assert len(table) == 25


def test_risk_table_names_bad_likert_cell() -> None:
    ws = make_ws(make_candidate("OK"), make_candidate("BAD", market_unc=7))
    with pytest.raises(DataValidationError) as info:
        risk_table(ws)
    problem = info.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("candidates.csv", 3, "market_unc")
    assert "BAD" in problem.message


def test_risk_table_rejects_negative_money_and_empty_workspace() -> None:
    with pytest.raises(DataValidationError, match="cost_annual"):
        risk_table(make_ws(make_candidate("N", cost_annual=-1.0)))
    with pytest.raises(DataValidationError, match="no candidates"):
        risk_table(make_ws())


# -- properties (hypothesis) -----------------------------------------------------------------------
@settings(max_examples=80, deadline=None)
@given(st.lists(likert, min_size=10, max_size=10), st.floats(0, 1))
def test_total_risk_in_unit_interval(items: list[float], alpha: float) -> None:
    """R, R_rel, R_perf ∈ [0, 1] and p ∈ [0.1, 0.9] for any valid Likert inputs."""
    r_rel = relational_risk(*items[:5])
    r_perf = performance_risk(*items[5:])
    r = total_risk(r_rel, r_perf, alpha)
    for v in (r_rel, r_perf, r):
        assert -1e-12 <= v <= 1 + 1e-12
    assert 0.1 - 1e-12 <= failure_probability(r) <= 0.9 + 1e-12


@settings(max_examples=80, deadline=None)
@given(st.lists(likert, min_size=5, max_size=5), likert)
def test_more_opportunism_never_lowers_relational_risk(items: list[float], other: float) -> None:
    goal, opp, leak, dep, cult = items
    lo, hi = sorted((opp, other))
    assert relational_risk(goal, hi, leak, dep, cult) >= relational_risk(goal, lo, leak, dep, cult)


@settings(max_examples=80, deadline=None)
@given(
    st.floats(0, 1000),
    st.floats(0, 500),
    st.floats(0, 2000),
    st.floats(0, 500),
    st.floats(0.1, 0.9),
    st.floats(0.1, 0.9),
    st.floats(0.5, 8),
)
def test_expected_npv_decreasing_in_p(c0, ca, extra, x, p1, p2, af) -> None:
    """E[NPV] never rises with p when the alliance earns its annual cost (V ≥ Ca, X ≥ 0)."""
    v = ca + extra
    lo, hi = sorted((p1, p2))
    assert expected_npv(c0, ca, v, x, hi, af) <= expected_npv(c0, ca, v, x, lo, af) + 1e-9


# -- scenarios -----------------------------------------------------------------------------------
def test_scenarios_are_seeded(samples) -> None:
    ws = samples["sanchar-apps"]
    a = simulate_scenarios(ws, n_scenarios=200, seed=7)
    b = simulate_scenarios(ws, n_scenarios=200, seed=7)
    c = simulate_scenarios(ws, n_scenarios=200, seed=8)
    pd.testing.assert_frame_equal(a.npv, b.npv)
    pd.testing.assert_frame_equal(a.failures, b.failures)
    assert not a.npv.equals(c.npv)
    assert isinstance(a, ScenarioSet)
    assert a.npv.shape == (200, len(ws.candidates))
    assert list(a.npv.columns) == list(ws.candidate_ids)
    pd.testing.assert_frame_equal(a.loss, -a.npv)
    d = simulate_scenarios(ws)  # policy defaults: 1000 scenarios, seed 0
    assert (d.n, d.seed) == (1000, 0)
    pd.testing.assert_frame_equal(d.npv, simulate_scenarios(ws, policy=RiskPolicy(seed=0)).npv)


@pytest.fixture(scope="module")
def big_scenarios(samples) -> ScenarioSet:
    return simulate_scenarios(samples["sanchar-apps"], n_scenarios=40_000, seed=1)


def test_failure_rate_matches_p(big_scenarios: ScenarioSet) -> None:
    """Empirical failure rate within 4 binomial standard errors of p_i for every candidate."""
    n = big_scenarios.n
    rate = big_scenarios.failures.mean(axis=0)
    p = big_scenarios.p_fail
    se = np.sqrt(p * (1 - p) / n)
    assert (np.abs(rate - p) <= 4 * se).all(), (rate - p) / se


def test_failure_correlation_higher_within_sector(big_scenarios: ScenarioSet) -> None:
    """Latent ρ = 0.3 within a sector vs 0.1 across: indicator correlations follow.

    A01, A02, A03 are all 'telecom MNO'; A07 and A08 are 'device OEM'. The exact indicator
    correlation for the bivariate normal is computed with scipy and compared too.
    """
    from scipy.stats import multivariate_normal, norm

    f = big_scenarios.failures.astype(float)
    p = big_scenarios.p_fail
    corr = f.corr()
    within = [corr.loc["A01", "A02"], corr.loc["A01", "A03"], corr.loc["A07", "A08"]]
    across = [corr.loc["A01", "A07"], corr.loc["A02", "A08"], corr.loc["A03", "A05"]]
    assert min(within) > max(across)

    def phi(a: str, b: str, rho: float) -> float:
        qa, qb = norm.ppf(p[a]), norm.ppf(p[b])
        joint = multivariate_normal(mean=[0, 0], cov=[[1, rho], [rho, 1]]).cdf([qa, qb])
        return (joint - p[a] * p[b]) / math.sqrt(p[a] * (1 - p[a]) * p[b] * (1 - p[b]))

    # s.e. of a correlation estimate ≈ 1/√n = 0.005; allow 5 s.e.
    assert corr.loc["A01", "A02"] == pytest.approx(phi("A01", "A02", 0.3), abs=0.025)
    assert corr.loc["A01", "A07"] == pytest.approx(phi("A01", "A07", 0.1), abs=0.025)


def test_mean_npv_matches_analytic_expectation(big_scenarios: ScenarioSet) -> None:
    """Scenario mean of NPV within 4 standard errors of E[NPV] (docs/method.md §3.3 vs §3.4)."""
    mean = big_scenarios.npv.mean(axis=0)
    se = big_scenarios.npv.std(axis=0, ddof=1) / math.sqrt(big_scenarios.n)
    z = (mean - big_scenarios.e_npv) / se
    assert (z.abs() <= 4).all(), z


def test_scenario_kernel_without_failures_or_volatility() -> None:
    """p = 0 and σ = 0 give the risk-neutral NPV in every scenario; p = 1 always fails."""
    rng = np.random.default_rng(0)
    values, failed = scenario_npv(
        [10, 10], [5, 5], [20, 20], [3, 3], [0.0, 1.0], [0.0, 0.0], [0, 1], 2.0, 50, rng
    )
    assert not failed[:, 0].any() and failed[:, 1].all()
    np.testing.assert_allclose(values[:, 0], -10 + 15 * 2.0)
    assert (values[:, 1] <= -10 + 15 * 2.0 - 3 + 1e-9).all()
    assert (values[:, 1] >= -10 - 3 - 1e-9).all()


def test_scenario_set_displays_and_serialises(samples) -> None:
    sc = simulate_scenarios(samples["greenscape"], n_scenarios=100, seed=3)
    frame = sc.to_frame()
    assert list(frame.columns) == [
        "p_fail",
        "failure_rate",
        "e_npv",
        "mean_npv",
        "sd_npv",
        "cvar95_loss",
    ]
    assert "100 scenarios" in sc.summary()
    assert "<table" in sc._repr_html_()
    d = sc.to_dict()
    assert d["seed"] == 3 and d["n"] == 100
    assert len(d["npv"]) == 100
    loss = sc.portfolio_loss(["B01", "B02"])
    pd.testing.assert_series_equal(loss, sc.loss["B01"] + sc.loss["B02"], check_names=False)


def test_simulate_rejects_bad_count(samples) -> None:
    with pytest.raises(ValueError, match="n_scenarios"):
        simulate_scenarios(samples["greenscape"], n_scenarios=0)


# -- CVaR ------------------------------------------------------------------------------------------
def test_cvar_known_answer() -> None:
    """Losses 1..100, β = 0.95: VaR = 95, CVaR = mean of the worst 5 = 98."""
    losses = np.arange(1, 101, dtype=float)
    assert cvar(losses, 0.95) == pytest.approx(98.0)
    assert cvar(np.full(10, 4.0), 0.9) == pytest.approx(4.0)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.floats(-100, 100), min_size=1, max_size=40),
    st.sampled_from([0.5, 0.8, 0.9, 0.95, 0.99]),
)
def test_cvar_equals_rockafellar_uryasev_lp(losses: list[float], beta: float) -> None:
    """Cross-check with the R–U linear programme solved by scipy's HiGHS.

    min η + 1/((1−β)S)·Σ u_s  s.t.  u_s ≥ ℓ_s − η, u_s ≥ 0.
    """
    s = len(losses)
    c = np.r_[1.0, np.full(s, 1.0 / ((1 - beta) * s))]
    a_ub = np.hstack([-np.ones((s, 1)), -np.eye(s)])
    b_ub = -np.asarray(losses)
    bounds = [(None, None)] + [(0, None)] * s
    lp = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    assert lp.status == 0
    assert cvar(losses, beta) == pytest.approx(lp.fun, abs=1e-7)


def test_cvar_columns_and_errors() -> None:
    frame = pd.DataFrame({"a": np.arange(100.0), "b": np.zeros(100)})
    out = cvar(frame, 0.9)
    assert isinstance(out, pd.Series)
    assert out["a"] == pytest.approx(np.arange(90, 100).mean())
    assert out["b"] == 0.0
    with pytest.raises(ValueError, match="beta"):
        cvar([1.0, 2.0], beta=1.0)
    with pytest.raises(ValueError, match="NaN"):
        cvar([1.0, float("nan")])
    with pytest.raises(ValueError, match="non-empty"):
        cvar([])
