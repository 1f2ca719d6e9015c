"""Tests for alliancekit.portfolio: the generic MILP, its solvers, diagnosis and explanations.

The same suite runs against both solvers (HiGHS in-process and bundled CBC), in the spirit of
``coin-or/pulp:pulp/tests/solver_common.py``. Optima are cross-checked against brute-force
enumeration (n ≤ 14) and ``scipy.optimize.milp`` (larger n); property tests use hypothesis.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from alliancekit.errors import DataValidationError, InfeasiblePortfolioError
from alliancekit.model import SolveStatus
from alliancekit.portfolio import (
    GroupLimit,
    PortfolioResult,
    efficient_frontier,
    explain_selection,
    select_portfolio,
)

SOLVERS = ("highs", "cbc")


@pytest.fixture(params=SOLVERS)
def solver(request: pytest.FixtureRequest) -> str:
    """Each solver in turn."""
    return request.param


# -- instance factory ----------------------------------------------------------------------------
def random_instance(seed: int, n: int, *, rich: bool = True) -> tuple[pd.DataFrame, dict]:
    """A seeded random portfolio problem: the candidate table and select_portfolio kwargs."""
    rng = np.random.default_rng(seed)
    ids = [f"P{k:02d}" for k in range(n)]
    table = pd.DataFrame(
        {
            "value": rng.integers(-5, 60, n).astype(float),
            "cost_one_off": rng.integers(1, 30, n).astype(float),
            "cost_annual": rng.integers(1, 20, n).astype(float),
            "risk": rng.uniform(0.05, 0.7, n).round(3),
            "relation": rng.choice(["supplier", "customer", "competitor"], n),
        },
        index=pd.Index(ids, name="id"),
    )
    kwargs: dict = {
        "limits": {
            "cost_one_off": float(table["cost_one_off"].sum() * rng.uniform(0.25, 0.6)),
            "cost_annual": float(table["cost_annual"].sum() * rng.uniform(0.3, 0.7)),
        },
    }
    if rich:
        coverage = pd.DataFrame(
            rng.choice([0.0, 0.0, 0.3, 0.6, 1.0], size=(n, 3)),
            index=ids,
            columns=["G1", "G2", "G3"],
        )
        kwargs |= {
            "min_count": int(rng.integers(0, 3)),
            "max_count": int(rng.integers(3, n)),
            "max_average": {"risk": float(rng.uniform(0.35, 0.5))},
            "max_each": {"risk": float(rng.uniform(0.55, 0.7))},
            "coverage": coverage,
            "coverage_required": {"G1": 0.5, "G2": float(rng.choice([0.0, 0.5, 1.0]))},
            "conflicts": [tuple(rng.choice(ids, 2, replace=False)), tuple(ids[-3:])],
            "requires": {ids[0]: [ids[1], ids[2]]},
            "groups": [
                GroupLimit("relation", "competitor", max_count=1),
                GroupLimit("relation", "supplier", max_cost_share=0.7),
            ],
            "synergy": {(ids[3], ids[4]): 7.0, (ids[5], ids[6]): -9.0},
        }
    return table, kwargs


def brute_force(table: pd.DataFrame, kw: dict) -> tuple[float, set[str]] | None:
    """Best objective by enumerating all 2^n selections (independent of the MILP code)."""
    ids = list(table.index)
    n = len(ids)
    X = np.array(list(itertools.product([0, 1], repeat=n)), dtype=float)
    ok = np.ones(len(X), dtype=bool)
    pos = {i: k for k, i in enumerate(ids)}
    for col, cap in kw.get("limits", {}).items():
        ok &= X @ table[col].to_numpy(float) <= cap + 1e-9
    count = X.sum(1)
    if kw.get("min_count") is not None:
        ok &= count >= kw["min_count"]
    if kw.get("max_count") is not None:
        ok &= count <= kw["max_count"]
    for col, cap in kw.get("max_average", {}).items():
        ok &= X @ (table[col].to_numpy(float) - cap) <= 1e-9
    for col, cap in kw.get("max_each", {}).items():
        over = table[col].to_numpy(float) > cap
        ok &= X[:, over].sum(1) == 0
    cov = kw.get("coverage")
    for gap, level in (kw.get("coverage_required") or {}).items():
        ok &= X @ cov[gap].to_numpy(float) >= level - 1e-9
    for clique in kw.get("conflicts", ()):
        ok &= X[:, [pos[i] for i in clique]].sum(1) <= 1
    for a, needs in (kw.get("requires") or {}).items():
        ok &= X[:, pos[a]] <= X[:, [pos[b] for b in needs]].sum(1)
    for g in kw.get("groups", ()):
        mask = (table[g.column] == g.value).to_numpy(float)
        if g.max_count is not None:
            ok &= X @ mask <= g.max_count
        if g.min_count is not None:
            ok &= X @ mask >= g.min_count
        if g.max_cost_share is not None:
            c = table[g.cost_column].to_numpy(float)
            ok &= X @ ((mask - g.max_cost_share) * c) <= 1e-9
    for i in kw.get("must_include", ()):
        ok &= X[:, pos[i]] == 1
    for i in kw.get("must_exclude", ()):
        ok &= X[:, pos[i]] == 0
    obj = X @ table["value"].to_numpy(float)
    for (a, b), sigma in (kw.get("synergy") or {}).items():
        obj = obj + sigma * X[:, pos[a]] * X[:, pos[b]]
    if not ok.any():
        return None
    best = int(np.argmax(np.where(ok, obj, -np.inf)))
    return float(obj[best]), {ids[k] for k in np.flatnonzero(X[best])}


def check_feasible(table: pd.DataFrame, kw: dict, selected: list[str]) -> None:
    """Assert a selection satisfies every constraint (written independently of the module)."""
    x = pd.Series(0.0, index=table.index)
    x.loc[selected] = 1.0
    for col, cap in kw.get("limits", {}).items():
        assert (table[col] * x).sum() <= cap + 1e-7, col
    if kw.get("min_count") is not None:
        assert x.sum() >= kw["min_count"]
    if kw.get("max_count") is not None:
        assert x.sum() <= kw["max_count"]
    for col, cap in kw.get("max_average", {}).items():
        if x.sum():
            assert (table[col] * x).sum() / x.sum() <= cap + 1e-9
    for col, cap in kw.get("max_each", {}).items():
        assert (table.loc[selected, col] <= cap).all()
    for gap, level in (kw.get("coverage_required") or {}).items():
        assert (kw["coverage"][gap] * x).sum() >= level - 1e-9, gap
    for clique in kw.get("conflicts", ()):
        assert x[list(clique)].sum() <= 1
    for a, needs in (kw.get("requires") or {}).items():
        assert x[a] <= x[list(needs)].sum()
    for g in kw.get("groups", ()):
        mask = table[g.column] == g.value
        if g.max_count is not None:
            assert x[mask].sum() <= g.max_count
        if g.min_count is not None:
            assert x[mask].sum() >= g.min_count
        if g.max_cost_share is not None:
            cost = table[g.cost_column] * x
            assert cost[mask].sum() <= g.max_cost_share * cost.sum() + 1e-9
    for i in kw.get("must_include", ()):
        assert x[i] == 1
    for i in kw.get("must_exclude", ()):
        assert x[i] == 0


# -- known answers -------------------------------------------------------------------------------
TOY = pd.DataFrame(
    {
        "value": [10.0, 8.0, 6.0, 5.0, 4.0],
        "cost": [5.0, 4.0, 3.0, 3.0, 2.0],
        "risk": [0.5, 0.3, 0.2, 0.6, 0.1],
        "relation": ["a", "b", "a", "c", "c"],
    },
    index=pd.Index(list("ABCDE"), name="id"),
)
TOY_COVERAGE = pd.DataFrame({"G1": [1, 0, 0, 0.5, 0], "G2": [0, 1, 0, 0, 0.6]}, index=list("ABCDE"))


def test_toy_knapsack_known_answer(solver: str) -> None:
    """Hand-solved: with budget 8, {A, C} (value 16, cost 8) beats A+D, C+D+E (15) and the rest."""
    r = select_portfolio(TOY, "value", limits={"cost": 8}, solver=solver)
    assert isinstance(r, PortfolioResult)
    assert r.selected == ["A", "C"]
    assert r.objective_value == pytest.approx(16.0)
    assert r.status is SolveStatus.OPTIMAL
    assert r.solver == solver
    assert r.totals.loc["limit[cost]", "used"] == pytest.approx(8.0)
    assert r.totals.loc["limit[cost]", "slack"] == pytest.approx(0.0)
    assert "limit[cost]" in r.binding


def test_toy_all_constraint_kinds(solver: str) -> None:
    """Hand-solved toy: D screened (risk 0.6 > 0.55), A–B conflict, C needs B or E, at most one
    of relation c, A needed for G1 and E to pull the average risk of A under 0.4 → {A, E}."""
    r = select_portfolio(
        TOY,
        "value",
        limits={"cost": 9},
        max_average={"risk": 0.4},
        max_each={"risk": 0.55},
        coverage=TOY_COVERAGE,
        coverage_required={"G1": 0.5},
        conflicts=[("A", "B")],
        requires={"C": ["B", "E"]},
        groups=[GroupLimit("relation", "c", max_count=1)],
        solver=solver,
    )
    assert r.selected == ["A", "E"]
    assert r.objective_value == pytest.approx(14.0)
    assert set(r.screened) == {"D"}
    assert "risk" in r.screened["D"] and "0.55" in r.screened["D"]
    assert r.totals.loc["average[risk]", "used"] == pytest.approx(0.3)
    assert r.totals.loc["coverage[G1]", "used"] == pytest.approx(1.0)
    assert "group[relation=c].max_count" in r.binding


def test_clique_conflict_and_must_include(solver: str) -> None:
    """A clique {A, B, C} allows one member; must_include C forces that one to be C."""
    r = select_portfolio(
        TOY, "value", conflicts=[("A", "B", "C")], must_include=["C"], solver=solver
    )
    assert r.selected == ["C", "D", "E"]


def test_synergy_and_soft_coverage(solver: str) -> None:
    """Budget 6 (hand-enumerated): B+E = 12 is best; a C–E synergy of 5 makes C+E = 15 win;
    a soft G1 requirement of 1.0 costs B+E its 1.0 shortfall (11) unless the penalty is high
    enough (10 per unit) to make A, the full cover, better."""
    base = select_portfolio(TOY, "value", limits={"cost": 6}, solver=solver)
    assert base.selected == ["B", "E"]
    r = select_portfolio(TOY, "value", limits={"cost": 6}, synergy={("E", "C"): 5.0}, solver=solver)
    assert r.selected == ["C", "E"]
    assert r.objective_value == pytest.approx(15.0)
    soft = {"coverage": TOY_COVERAGE, "coverage_required": {"G1": 1.0}}
    low = select_portfolio(
        TOY, "value", limits={"cost": 6}, coverage_soft=1.0, solver=solver, **soft
    )
    assert low.selected == ["B", "E"]
    assert low.objective_value == pytest.approx(11.0)
    assert low.totals.loc["coverage[G1]", "slack"] == pytest.approx(-1.0)
    high = select_portfolio(
        TOY, "value", limits={"cost": 6}, coverage_soft=10.0, solver=solver, **soft
    )
    assert high.selected == ["A"]


def test_coverage_reward_no_credit_for_over_coverage(solver: str) -> None:
    """z_g ≤ min(1, coverage): with budget 9, A+B (G1 1, G2 1) = 11 wins; uncapped credit would
    prefer A+D (G1 1.5 → 15)."""
    r = select_portfolio(
        TOY[["value", "cost"]].assign(value=0.0),
        "value",
        limits={"cost": 9},
        coverage=TOY_COVERAGE,
        coverage_reward={"G1": 10.0, "G2": 1.0},
        solver=solver,
    )
    assert r.objective_value == pytest.approx(11.0)
    assert r.selected == ["A", "B"]


def test_objective_series_and_result_rendering(solver: str) -> None:
    """An objective Series works; to_dict is JSON-safe and HTML escapes ids."""
    table = TOY.rename(index={"A": "<A&>"})
    obj = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], index=table.index, name="utility")
    r = select_portfolio(table, obj, max_count=2, solver=solver)
    assert r.selected == ["D", "E"]
    assert r.objective_name == "utility"
    text = json.dumps(r.to_dict())
    assert "optimal" in text
    html_text = r._repr_html_()
    assert "&lt;A&amp;&gt;" in html_text and "<A&>" not in html_text
    assert "selected" in r.summary()
    frame = r.to_frame()
    assert bool(frame.loc["E", "selected"]) and not bool(frame.loc["<A&>", "selected"])


# -- cross-checks --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "seed,n", [(0, 8), (1, 9), (2, 10), (3, 11), (4, 12), (5, 13), (6, 14), (7, 16), (8, 18)]
)
def test_matches_brute_force(seed: int, n: int, solver: str) -> None:
    """Random rich instances with n ≤ 18 give the brute-force optimum (or both infeasible)."""
    table, kw = random_instance(seed, n)
    expected = brute_force(table, kw)
    if expected is None:
        with pytest.raises(InfeasiblePortfolioError):
            select_portfolio(table, "value", solver=solver, **kw)
        return
    r = select_portfolio(table, "value", solver=solver, **kw)
    assert r.objective_value == pytest.approx(expected[0], rel=1e-6, abs=1e-6)
    check_feasible(table, kw, r.selected)


def _scipy_optimum(table: pd.DataFrame, kw: dict) -> float:
    """The same problem as plain arrays for scipy.optimize.milp (HiGHS through scipy)."""
    n = len(table)
    rows, lo, hi = [], [], []
    for col, cap in kw["limits"].items():
        rows.append(table[col].to_numpy(float))
        lo.append(-np.inf)
        hi.append(cap)
    rows.append(np.ones(n))
    lo.append(kw.get("min_count", 0))
    hi.append(kw.get("max_count", n))
    for col, cap in kw.get("max_average", {}).items():
        rows.append(table[col].to_numpy(float) - cap)
        lo.append(-np.inf)
        hi.append(0.0)
    cov = kw.get("coverage")
    for gap, level in (kw.get("coverage_required") or {}).items():
        rows.append(cov[gap].to_numpy(float))
        lo.append(level)
        hi.append(np.inf)
    pos = {i: k for k, i in enumerate(table.index)}
    for clique in kw.get("conflicts", ()):
        row = np.zeros(n)
        row[[pos[i] for i in clique]] = 1.0
        rows.append(row)
        lo.append(-np.inf)
        hi.append(1.0)
    for a, needs in (kw.get("requires") or {}).items():
        row = np.zeros(n)
        row[[pos[b] for b in needs]] = -1.0
        row[pos[a]] = 1.0
        rows.append(row)
        lo.append(-np.inf)
        hi.append(0.0)
    for g in kw.get("groups", ()):
        mask = (table[g.column] == g.value).to_numpy(float)
        if g.min_count is not None or g.max_count is not None:
            rows.append(mask)
            lo.append(g.min_count if g.min_count is not None else -np.inf)
            hi.append(g.max_count if g.max_count is not None else np.inf)
        if g.max_cost_share is not None:
            rows.append((mask - g.max_cost_share) * table[g.cost_column].to_numpy(float))
            lo.append(-np.inf)
            hi.append(0.0)
    ub = np.ones(n)
    for col, cap in kw.get("max_each", {}).items():
        ub[table[col].to_numpy(float) > cap] = 0
    res = milp(
        -table["value"].to_numpy(float),
        constraints=LinearConstraint(np.array(rows), lo, hi),
        integrality=np.ones(n),
        bounds=Bounds(np.zeros(n), ub),
        options={"mip_rel_gap": 1e-9},
    )
    assert res.status == 0, res.message
    return -float(res.fun)


@pytest.mark.parametrize("seed,n", [(1, 60), (2, 120), (3, 250)])
def test_matches_scipy_milp(seed: int, n: int, solver: str) -> None:
    """Larger instances (limits, counts, average/each caps, coverage, conflict pairs and a
    clique, requires-any, group counts and cost share) equal scipy's optimum."""
    table, kw = random_instance(seed, n, rich=False)
    rng = np.random.default_rng(seed)
    coverage = pd.DataFrame(
        rng.choice([0.0, 0.0, 0.0, 0.5, 1.0], size=(n, 2)), index=table.index, columns=["G1", "G2"]
    )
    kw |= {
        "min_count": 2,
        "max_count": n // 4,
        "max_average": {"risk": 0.4},
        "max_each": {"risk": 0.65},
        "coverage": coverage,
        "coverage_required": {"G1": 1.5, "G2": 1.0},
        "conflicts": [tuple(table.index[k : k + 2]) for k in range(0, n // 3, 2)]
        + [tuple(table.index[-4:])],
        "requires": {table.index[k]: list(table.index[k + 5 : k + 8]) for k in range(0, 15, 3)},
        "groups": [
            GroupLimit("relation", "competitor", max_count=2),
            GroupLimit("relation", "customer", min_count=1),
            GroupLimit("relation", "supplier", max_cost_share=0.6),
        ],
    }
    expected = _scipy_optimum(table, kw)
    r = select_portfolio(table, "value", solver=solver, mip_gap=1e-9, **kw)
    assert r.objective_value == pytest.approx(expected, rel=1e-7)
    check_feasible(table, kw, r.selected)


def test_cvar_cap_matches_enumeration(solver: str) -> None:
    """CVaR cap (Rockafellar–Uryasev LP) equals enumeration with CVaR from its definition."""
    rng = np.random.default_rng(7)
    n, S, beta = 8, 60, 0.9
    table, kw = random_instance(7, n, rich=False)
    loss = rng.normal(0, 10, size=(S, n)) - table["value"].to_numpy() / 5
    cap = 25.0

    def cvar_def(losses: np.ndarray) -> float:
        # min over η of η + E[(ℓ − η)+]/(1 − β); the minimum sits at a scenario loss
        return min(eta + np.maximum(losses - eta, 0).mean() / (1 - beta) for eta in losses)

    best = -np.inf
    for bits in itertools.product([0, 1], repeat=n):
        x = np.array(bits, float)
        if any(x @ table[c].to_numpy() > v + 1e-9 for c, v in kw["limits"].items()):
            continue
        if cvar_def(loss @ x) <= cap + 1e-9:
            best = max(best, float(x @ table["value"].to_numpy()))
    r = select_portfolio(
        table, "value", solver=solver, scenario_loss=loss, cvar_beta=beta, cvar_limit=cap, **kw
    )
    assert r.objective_value == pytest.approx(best)
    x = table.index.isin(r.selected).astype(float)
    assert cvar_def(loss @ x) <= cap + 1e-6
    assert r.totals.loc["cvar", "used"] == pytest.approx(cvar_def(loss @ x))


def test_mean_cvar_objective_matches_enumeration(solver: str) -> None:
    """Objective (d), max Σ v·x − λ·CVaR_β(loss·x): the MILP optimum and its selection equal
    enumeration with CVaR from its definition; λ = 0 gives back the plain optimum."""
    rng = np.random.default_rng(11)
    n, S, beta, lam = 8, 50, 0.9, 0.8
    table, kw = random_instance(11, n, rich=False)
    loss = rng.normal(0, 40, size=(S, n)) - table["value"].to_numpy() / 4

    def cvar_def(losses: np.ndarray) -> float:
        return min(eta + np.maximum(losses - eta, 0).mean() / (1 - beta) for eta in losses)

    best, best_x = -np.inf, None
    for bits in itertools.product([0, 1], repeat=n):
        x = np.array(bits, float)
        if any(x @ table[c].to_numpy() > v + 1e-9 for c, v in kw["limits"].items()):
            continue
        value = float(x @ table["value"].to_numpy()) - lam * cvar_def(loss @ x)
        if value > best:
            best, best_x = value, x
    r = select_portfolio(
        table, "value", solver=solver, scenario_loss=loss, cvar_beta=beta, cvar_lambda=lam, **kw
    )
    assert r.objective_value == pytest.approx(best, abs=1e-6)
    assert set(r.selected) == set(table.index[best_x > 0])
    plain = select_portfolio(table, "value", solver=solver, **kw)
    zero = select_portfolio(
        table, "value", solver=solver, scenario_loss=loss, cvar_beta=beta, cvar_lambda=0.0, **kw
    )
    assert zero.objective_value == pytest.approx(plain.objective_value)
    assert set(plain.selected) != set(r.selected)  # the CVaR penalty changes this selection
    assert plain.objective_value >= float(best_x @ table["value"].to_numpy()) - 1e-9


# -- properties ----------------------------------------------------------------------------------
@pytest.mark.parametrize("solver_name", SOLVERS)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(7, 12))
def test_property_never_breaks_a_constraint(solver_name: str, seed: int, n: int) -> None:
    """A returned portfolio satisfies every constraint; otherwise the problem is infeasible."""
    table, kw = random_instance(seed, n)
    try:
        r = select_portfolio(table, "value", solver=solver_name, **kw)
    except InfeasiblePortfolioError as exc:
        assert exc.conflicting
        assert brute_force(table, kw) is None
        return
    check_feasible(table, kw, r.selected)
    assert set(r.selected).isdisjoint(r.screened)


@pytest.mark.slow
@pytest.mark.parametrize("solver_name", SOLVERS)
@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), extra=st.floats(0.0, 50.0))
def test_property_raising_budget_never_lowers_optimum(
    solver_name: str, seed: int, extra: float
) -> None:
    """Monotonicity: a larger budget keeps every old portfolio feasible."""
    table, kw = random_instance(seed, 10, rich=False)
    low = select_portfolio(table, "value", solver=solver_name, **kw)
    kw["limits"] = {**kw["limits"], "cost_annual": kw["limits"]["cost_annual"] + extra}
    high = select_portfolio(table, "value", solver=solver_name, **kw)
    assert high.objective_value >= low.objective_value - 1e-6


@pytest.mark.parametrize("solver_name", SOLVERS)
@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), picks=st.lists(st.integers(0, 9), max_size=3, unique=True))
def test_property_must_include_selected_or_infeasible(
    solver_name: str, seed: int, picks: list[int]
) -> None:
    """Must-include partners are always selected, or the problem is reported infeasible."""
    table, kw = random_instance(seed, 10)
    must = [table.index[k] for k in picks]
    try:
        r = select_portfolio(table, "value", solver=solver_name, must_include=must, **kw)
    except InfeasiblePortfolioError as exc:
        assert exc.conflicting and str(exc)
        assert brute_force(table, {**kw, "must_include": must}) is None
        return
    assert set(must) <= set(r.selected)


def only_groups(kw: dict, names: set[str]) -> dict:
    """The select_portfolio kwargs restricted to the named constraint groups (module naming:
    limit[c], count.min/max, average[c], each[c], coverage[g], conflict[a,b], requires[a],
    group[label].min_count/max_count/max_cost_share, must_include[i], must_exclude)."""
    out: dict = {
        "limits": {c: v for c, v in kw.get("limits", {}).items() if f"limit[{c}]" in names}
    }
    if "count.min" in names:
        out["min_count"] = kw["min_count"]
    if "count.max" in names:
        out["max_count"] = kw["max_count"]
    for key, tag in (("max_average", "average"), ("max_each", "each")):
        out[key] = {c: v for c, v in kw.get(key, {}).items() if f"{tag}[{c}]" in names}
    out["coverage"] = kw.get("coverage")
    out["coverage_required"] = {
        g: v for g, v in (kw.get("coverage_required") or {}).items() if f"coverage[{g}]" in names
    }
    out["conflicts"] = [
        c for c in kw.get("conflicts", ()) if "conflict[" + ",".join(sorted(set(c))) + "]" in names
    ]
    out["requires"] = {
        a: b for a, b in (kw.get("requires") or {}).items() if f"requires[{a}]" in names
    }
    groups = []
    for g in kw.get("groups", ()):
        keep = {
            f: getattr(g, f)
            for f in ("min_count", "max_count", "max_cost_share")
            if f"group[{g.label}].{f}" in names
        }
        groups.append(GroupLimit(g.column, g.value, cost_column=g.cost_column, **keep))
    out["groups"] = groups
    out["must_include"] = [i for i in kw.get("must_include", ()) if f"must_include[{i}]" in names]
    out["must_exclude"] = list(kw.get("must_exclude", ())) if "must_exclude" in names else []
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    picks=st.lists(st.integers(0, 9), min_size=1, max_size=4, unique=True),
    level=st.sampled_from([1.0, 1.5, 2.0]),
)
def test_property_conflicting_set_is_irreducible(seed: int, picks: list[int], level: float) -> None:
    """The reported conflicting groups are an IIS at group level, checked by enumeration: on
    their own they admit no portfolio, and dropping any one of them restores feasibility."""
    table, kw = random_instance(seed, 10)
    kw["must_include"] = [table.index[k] for k in picks]
    kw["must_exclude"] = [table.index[9]] if 9 not in picks else []
    kw["coverage_required"] = {**kw["coverage_required"], "G3": level}
    try:
        select_portfolio(table, "value", **kw)
    except InfeasiblePortfolioError as exc:
        names = set(exc.conflicting)
        assert names and brute_force(table, only_groups(kw, names)) is None
        for name in names:
            assert brute_force(table, only_groups(kw, names - {name})) is not None, name
        assert {r.constraint for r in exc.relaxations} == names
        for relax in exc.relaxations:
            check_relaxation(table, kw, relax.constraint, relax.needed)
        return
    assert brute_force(table, kw) is not None


def with_cap(kw: dict, name: str, value: float) -> dict | None:
    """kwargs with the cap of constraint group ``name`` set to ``value`` (None: not numeric)."""
    kw = dict(kw)
    inner = name[name.index("[") + 1 : name.index("]")] if "[" in name else ""
    if name.startswith("limit["):
        kw["limits"] = {**kw["limits"], inner: value}
    elif name.startswith("average["):
        kw["max_average"] = {**kw["max_average"], inner: value}
    elif name.startswith("each["):
        kw["max_each"] = {**kw["max_each"], inner: value}
    elif name.startswith("coverage["):
        kw["coverage_required"] = {**kw["coverage_required"], inner: value}
    elif name in ("count.min", "count.max"):
        kw["min_count" if name == "count.min" else "max_count"] = round(value)
    elif name.startswith("group["):
        attr = name.rsplit(".", 1)[1]
        kw["groups"] = [
            replace(g, **{attr: round(value) if attr.endswith("count") else value})
            if g.label == inner
            else g
            for g in kw["groups"]
        ]
    else:
        return None
    return kw


def check_relaxation(table: pd.DataFrame, kw: dict, name: str, needed: float) -> None:
    """Moving one group to ``needed`` (all else held) restores feasibility, and it is the least
    move: a value just short of it (beyond the bisection tolerance) is still infeasible."""
    if not math.isfinite(needed) or with_cap(kw, name, needed) is None:
        return
    assert brute_force(table, with_cap(kw, name, needed)) is not None, (name, needed)
    loosen_up = not (
        name.startswith("coverage[") or name.endswith("min_count") or name == "count.min"
    )
    step = {"average": 3e-4, "group": 3e-4, "each": 1e-9, "count": 1.0, "coverage": 1e-5}
    key = next((k for k in step if name.startswith(k)), "limit")
    if key == "group" and name.endswith("_count"):
        key = "count"
    delta = step.get(key, 1e-6 * max(1.0, abs(needed)))
    short = needed - delta if loosen_up else needed + delta
    assert brute_force(table, with_cap(kw, name, short)) is None, (name, needed, short)


# -- time limit ----------------------------------------------------------------------------------
def hard_instance(n: int = 300, m: int = 8, seed: int = 1) -> tuple[pd.DataFrame, dict]:
    """Strongly correlated multi-dimensional knapsack: hard for branch and bound."""
    rng = np.random.default_rng(seed)
    A = rng.integers(20, 100, size=(m, n)).astype(float)
    cols = {f"w{j}": A[j] for j in range(m)}
    value = A.sum(0) + rng.integers(0, 30, n)
    table = pd.DataFrame({"value": value, **cols}, index=[f"H{k:03d}" for k in range(n)])
    return table, {"limits": {f"w{j}": float(A[j].sum() / 2) for j in range(m)}}


def test_time_limit_is_reported_never_optimal(solver: str) -> None:
    """A hard instance stopped by a tiny time limit reports TIME_LIMIT with its gap."""
    table, kw = hard_instance()
    r = select_portfolio(table, "value", solver=solver, time_limit=0.3, mip_gap=0.0, **kw)
    assert r.status is SolveStatus.TIME_LIMIT
    assert r.mip_gap > 0 and math.isfinite(r.mip_gap)
    assert r.selected  # an incumbent, not garbage
    check_feasible(table, kw, r.selected)
    assert "time_limit" in r.summary() and "gap" in r.summary()
    assert json.loads(json.dumps(r.to_dict()))["status"] == "time_limit"
    # mip_gap is honoured: a 1 % gap stops as optimal within 1 %; the stopped run's gap is a
    # true bound, so no feasible portfolio beats objective / (1 − gap)
    loose = select_portfolio(table, "value", solver=solver, time_limit=60, mip_gap=0.01, **kw)
    assert loose.status is SolveStatus.OPTIMAL and 0 <= loose.mip_gap <= 0.01
    check_feasible(table, kw, loose.selected)
    for a, b in ((r, loose), (loose, r)):
        assert b.objective_value <= a.objective_value / (1 - a.mip_gap) + 1e-6


# -- infeasibility -------------------------------------------------------------------------------
def test_infeasible_names_conflict_and_relaxations(solver: str) -> None:
    """G1 can be covered only by A (must exclude) or D (risk 0.6 > 0.55): all three groups
    are named, with the cap D needs and the coverage that remains reachable."""
    with pytest.raises(InfeasiblePortfolioError) as info:
        select_portfolio(
            TOY,
            "value",
            limits={"cost": 9},
            max_each={"risk": 0.55},
            coverage=TOY_COVERAGE,
            coverage_required={"G1": 0.5},
            must_exclude=["A"],
            solver=solver,
        )
    exc = info.value
    assert set(exc.conflicting) == {"coverage[G1]", "each[risk]", "must_exclude"}
    relax = {r.constraint: r for r in exc.relaxations}
    assert relax["each[risk]"].needed == pytest.approx(0.6)
    assert relax["coverage[G1]"].needed == pytest.approx(0.0)
    text = str(exc)
    assert "G1" in text and "0.55" in text and "D" in text and "add a partner" in text


def test_infeasible_budget_and_count(solver: str) -> None:
    """min 2 partners within a budget of 4: the cost limit must reach 5 (E + C)."""
    with pytest.raises(InfeasiblePortfolioError) as info:
        select_portfolio(TOY, "value", limits={"cost": 4}, min_count=2, solver=solver)
    relax = {r.constraint: r for r in info.value.relaxations}
    assert set(relax) == {"limit[cost]", "count.min"}
    assert relax["limit[cost]"].needed == pytest.approx(5.0)
    assert relax["count.min"].needed == pytest.approx(1.0)


def test_infeasible_average_cap_bisection(solver: str) -> None:
    """Must include A (risk 0.5) under an average cap of 0.2: E dilutes to 0.3 at best."""
    with pytest.raises(InfeasiblePortfolioError) as info:
        select_portfolio(
            TOY, "value", max_average={"risk": 0.2}, must_include=["A"], max_count=2, solver=solver
        )
    relax = {r.constraint: r for r in info.value.relaxations}
    assert relax["average[risk]"].needed == pytest.approx(0.3, abs=2e-4)


# -- bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"limits": {"budget": 5}}, "unknown column 'budget'"),
        ({"objective": "nope"}, "unknown column 'nope'"),
        ({"limits": {"cost": -1}}, "must not be negative"),
        ({"max_average": {"risk": -0.1}}, "must not be negative"),
        ({"must_include": ["A"], "must_exclude": ["A"]}, "both must-include and must-exclude"),
        ({"conflicts": [("A", "Z")]}, "unknown partner id"),
        ({"requires": {"A": ["Q"]}}, "unknown partner id"),
        ({"requires": {"Q": ["A"]}}, "unknown partner id"),
        ({"must_include": ["Z"]}, "unknown partner id"),
        ({"solver": "gurobi"}, "unknown solver"),
        ({"groups": [GroupLimit("sector", "x", max_count=1)]}, "unknown column 'sector'"),
        ({"coverage_required": {"G1": 1}}, "without a coverage table"),
        ({"min_count": 4, "max_count": 2}, "exceeds max_count"),
        ({"time_limit": 0}, "time_limit"),
        ({"limits": {"cost": "abc"}}, "limits for 'cost' must be a number, got 'abc'"),
        ({"limits": {"cost": None}}, "limits for 'cost' must be a number"),
        ({"min_count": float("nan")}, "min_count must be a non-negative integer"),
        ({"max_count": 2.5}, "max_count must be a non-negative integer"),
        ({"max_count": "x"}, "max_count must be a number"),
        ({"groups": [GroupLimit("relation", "a", max_count=1.5)]}, r"relation=a: max_count"),
        ({"groups": [GroupLimit("relation", "a", min_count=-1)]}, r"relation=a: min_count"),
        ({"mip_gap": "tight"}, "mip_gap must be a number"),
        ({"synergy": {("A", "B"): float("nan")}}, r"synergy of \(A, B\) must be finite"),
    ],
)
def test_bad_input_is_a_clear_error(kwargs: dict, match: str) -> None:
    """Each invalid input raises DataValidationError naming the problem."""
    kwargs = {"objective": "value", **kwargs}
    with pytest.raises(DataValidationError, match=match):
        select_portfolio(TOY, **kwargs)


def test_nan_cost_and_empty_table() -> None:
    """NaN costs name the column and partner; an empty table is refused."""
    bad = TOY.copy()
    bad.loc["C", "cost"] = np.nan
    with pytest.raises(DataValidationError, match=r"'cost'.*C"):
        select_portfolio(bad, "value", limits={"cost": 9})
    with pytest.raises(DataValidationError, match="empty"):
        select_portfolio(TOY.iloc[0:0], "value")
    with pytest.raises(DataValidationError, match="duplicate"):
        select_portfolio(pd.concat([TOY, TOY.iloc[:1]]), "value")


# -- explanations and frontier -------------------------------------------------------------------
def test_explain_selection_thresholds_are_exact(solver: str) -> None:
    """Moving a coefficient just past its reported threshold flips the partner's side."""
    r = select_portfolio(TOY, "value", limits={"cost": 8}, solver=solver)
    ex = explain_selection(r)
    assert list(ex.index) == list(TOY.index)
    assert set(ex.loc[ex["selected"]].index) == {"A", "C"}
    # C leaves when its value drops below the exit threshold (16 − 15 = 1 below 6)
    t = ex.loc["C", "exit_threshold"]
    assert t == pytest.approx(5.0)
    for delta, stays in ((-1e-3, False), (1e-3, True)):
        value = TOY["value"].copy()
        value["C"] = t + delta
        again = select_portfolio(TOY.assign(value=value), "value", limits={"cost": 8})
        assert ("C" in again.selected) is stays
    # B enters when its value rises by the reported amount (best with B is B + C = 14)
    rise = ex.loc["B", "value_rise_to_enter"]
    assert rise == pytest.approx(2.0)
    value = TOY["value"].copy()
    value["B"] += rise + 1e-3
    again = select_portfolio(TOY.assign(value=value), "value", limits={"cost": 8})
    assert "B" in again.selected
    # B's cost must fall by 25 % (4 -> 3) for A + B = 18 to fit the budget of 8 (hand-solved;
    # every set with B costing more than 3 is worth at most 14 < 16); bisection tolerance 1e-3
    cut = ex.loc["B", "cost_cut_to_enter"]
    assert cut == pytest.approx(0.25, abs=1.1e-3)
    for share, enters in ((cut + 1e-3, True), (cut - 2.2e-3, False)):
        cost = TOY["cost"].copy()
        cost["B"] *= 1 - share
        again = select_portfolio(TOY.assign(cost=cost), "value", limits={"cost": 8})
        assert ("B" in again.selected) is enters
    # the reason names the limit in words, never its internal key (limit[cost])
    assert ex.loc["B", "reason"] == "adding it breaks total cost"


def test_explain_reasons_for_screened_conflict_dependency(solver: str) -> None:
    """Screened, conflicting and dependency-blocked partners each get their reason."""
    r = select_portfolio(
        TOY,
        "value",
        max_each={"risk": 0.55},
        conflicts=[("A", "B")],
        requires={"C": ["D"]},
        solver=solver,
    )
    ex = explain_selection(r, thresholds=False)
    assert ex.loc["D", "status"] == "screened"
    assert "conflicts with selected A" in ex.loc["B", "reason"]
    assert "dependency unmet" in ex.loc["C", "reason"]


def test_explain_dominated_indispensable_and_impossible(solver: str) -> None:
    """Hand-solved: G2 ≥ 1 needs B (the only full cover), so B is indispensable (exit threshold
    −inf) and A (conflicts with B) can never enter; budget 8 leaves {B, C} = 14. D is dominated
    by C (value 5 < 6, same cost); C leaves below 5 (B + D = 13); E enters with +2 (B + E = 12)
    or a 50 % cost cut (B + C + E = 18 at cost 8); D with a 1/3 cut (B + D + E = 17)."""
    r = select_portfolio(
        TOY,
        "value",
        limits={"cost": 8},
        coverage=TOY_COVERAGE,
        coverage_required={"G2": 1.0},
        conflicts=[("A", "B")],
        solver=solver,
    )
    assert r.selected == ["B", "C"]
    ex = explain_selection(r)
    assert ex.loc["B", "exit_threshold"] == -math.inf
    assert "no feasible portfolio without it" in ex.loc["B", "reason"]
    assert ex.loc["C", "exit_threshold"] == pytest.approx(5.0)
    assert "conflicts with selected B" in ex.loc["A", "reason"]
    assert "no feasible portfolio includes it" in ex.loc["A", "reason"]
    assert math.isnan(ex.loc["A", "value_rise_to_enter"])
    assert ex.loc["D", "reason"].startswith("dominated by C")
    assert ex.loc["D", "value_rise_to_enter"] == pytest.approx(1.0)
    assert ex.loc["D", "cost_cut_to_enter"] == pytest.approx(1 / 3, abs=1.1e-3)
    assert ex.loc["E", "value_rise_to_enter"] == pytest.approx(2.0)
    assert ex.loc["E", "cost_cut_to_enter"] == pytest.approx(0.5, abs=1.1e-3)
    assert "dominated" not in ex.loc["E", "reason"]


def test_frontier_generic_is_monotone_and_marks_infeasible(solver: str) -> None:
    """Objective never falls as the budget rises; points below the cheapest cover are marked."""
    r = select_portfolio(
        TOY,
        "value",
        limits={"cost": 9},
        coverage=TOY_COVERAGE,
        coverage_required={"G1": 1.0},
        solver=solver,
    )
    fr = efficient_frontier(r, vary="cost", points=8, progress=False)
    pts = fr.to_frame()
    assert len(pts) == 8 and {"value", "objective", "feasible", "selected"} <= set(pts.columns)
    assert not pts["feasible"].iloc[0]  # budget 0 cannot pay for A
    ok = pts[pts["feasible"]]["objective"].to_numpy()
    assert (np.diff(ok) >= -1e-9).all()
    assert "feasible points" in fr.summary()


@pytest.mark.parametrize("vary", ["cost_annual", "avg_risk"])
def test_frontier_points_equal_independent_solves(vary: str) -> None:
    """The frontier's shortcuts (reused optima, infeasible tails) are exact: every point equals
    a fresh solve at that value."""
    table, kw = random_instance(11, 30, rich=False)
    kw["max_average"] = {"risk": 0.4}
    base = select_portfolio(table, "value", **kw)
    pts = efficient_frontier(base, vary=vary, points=9, progress=False).to_frame()
    for _, row in pts.iterrows():
        if vary == "cost_annual":
            again = {**kw, "limits": {**kw["limits"], "cost_annual": row["value"]}}
        else:
            again = {**kw, "max_average": {"risk": row["value"]}}
        try:
            fresh = select_portfolio(table, "value", diagnose=False, **again).objective_value
        except InfeasiblePortfolioError:
            assert not row["feasible"]
            continue
        assert row["feasible"] and row["objective"] == pytest.approx(fresh, rel=1e-6)


def test_infeasible_group_rules_and_cvar(solver: str) -> None:
    """Group count, cost-share and CVaR conflicts are diagnosed with the value each needs."""
    # relation a = {A, C}; at least 2 of a, but A and C conflict
    with pytest.raises(InfeasiblePortfolioError) as info:
        select_portfolio(
            TOY,
            "value",
            conflicts=[("A", "C")],
            groups=[GroupLimit("relation", "a", min_count=2)],
            solver=solver,
        )
    relax = {r.constraint: r for r in info.value.relaxations}
    assert relax["group[relation=a].min_count"].needed == pytest.approx(1.0)
    # must include A (cost 5) with at most 2 partners: B (cost 4) dilutes a best, 5/9
    with pytest.raises(InfeasiblePortfolioError) as info:
        select_portfolio(
            TOY,
            "value",
            must_include=["A"],
            max_count=2,
            groups=[GroupLimit("relation", "a", max_cost_share=0.5, cost_column="cost")],
            solver=solver,
        )
    relax = {r.constraint: r for r in info.value.relaxations}
    assert relax["group[relation=a].max_cost_share"].needed == pytest.approx(5 / 9, abs=2e-4)
    # CVaR: must include A whose loss is 10 in every scenario; cap 5 → needs 10
    loss = np.zeros((20, 5))
    loss[:, 0] = 10.0
    with pytest.raises(InfeasiblePortfolioError) as info:
        select_portfolio(
            TOY, "value", must_include=["A"], scenario_loss=loss, cvar_limit=5.0, solver=solver
        )
    relax = {r.constraint: r for r in info.value.relaxations}
    assert relax["cvar"].needed == pytest.approx(10.0)
    assert "CVaR" in str(info.value)
