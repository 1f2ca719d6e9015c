"""One solver test suite, run against every solver (the PuLP way: ``pulp/tests/test_pulp.py``
runs one set of small problems with known optima for each solver it finds).

Each case is a five-partner problem exercising one constraint kind, solved by hand in its
comment; every case runs with HiGHS and with the bundled CBC and must give the same selection,
objective and totals. Infeasible cases must name the same conflicting groups.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alliancekit.errors import InfeasiblePortfolioError
from alliancekit.model import SolveStatus
from alliancekit.portfolio import SOLVERS, GroupLimit, select_portfolio

#: value, cost, risk and relation of five partners (the same toy as tests/test_portfolio.py).
TOY = pd.DataFrame(
    {
        "value": [10.0, 8.0, 6.0, 5.0, 4.0],
        "cost": [5.0, 4.0, 3.0, 3.0, 2.0],
        "risk": [0.5, 0.3, 0.2, 0.6, 0.1],
        "relation": ["a", "b", "a", "c", "c"],
    },
    index=pd.Index(list("ABCDE"), name="partner_id"),
)
COVERAGE = pd.DataFrame({"G1": [1, 0, 0, 0.5, 0], "G2": [0, 1, 0, 0, 0.6]}, index=list("ABCDE"))
#: Two equally likely scenarios: A loses 10 in the first, B in the second; β = 0.5 makes
#: CVaR the worse scenario's loss.
LOSS = np.array([[10.0, 0, 0, 0, 0], [0, 10.0, 0, 0, 0]])

# name, select_portfolio kwargs, expected selection, expected objective
CASES = [
    ("unconstrained", {}, "ABCDE", 33.0),
    # budget 8: A + C = 16 beats A + D, C + D + E (15)
    ("limit", {"limits": {"cost": 8}}, "AC", 16.0),
    ("max count", {"max_count": 2}, "AB", 18.0),
    # losses only: the two least bad
    ("min count", {"objective": -TOY["value"].rename("loss"), "min_count": 2}, "DE", -9.0),
    # Σ (risk − 0.2)·x ≤ 0: only E (−0.1) offsets B (+0.1); C adds 0
    ("average", {"max_average": {"risk": 0.2}}, "BCE", 18.0),
    ("per-partner cap", {"max_each": {"risk": 0.4}}, "BCE", 18.0),
    # G1 ≥ 1 needs A (D gives 0.5); budget 6 leaves nothing else
    (
        "coverage",
        {"limits": {"cost": 6}, "coverage": COVERAGE, "coverage_required": {"G1": 1}},
        "A",
        10.0,
    ),
    # soft: B + E (12) pays 1 for its shortfall of 1 and still beats A (10)
    (
        "soft coverage",
        {
            "limits": {"cost": 6},
            "coverage": COVERAGE,
            "coverage_required": {"G1": 1},
            "coverage_soft": 1.0,
        },
        "BE",
        11.0,
    ),
    # reward min(1, coverage): A + B earns 10 + 1; A + D's 1.5 of G1 earns no more
    (
        "coverage reward",
        {
            "objective": pd.Series(0.0, index=TOY.index, name="zero"),
            "limits": {"cost": 9},
            "coverage": COVERAGE,
            "coverage_reward": {"G1": 10.0, "G2": 1.0},
        },
        "AB",
        11.0,
    ),
    ("conflict clique", {"conflicts": [("A", "B", "C")]}, "ADE", 19.0),
    # B needs E, but B + E costs 6 > 4: C is the best single partner left
    ("requires", {"limits": {"cost": 4}, "requires": {"B": ["E"]}}, "C", 6.0),
    ("group max", {"groups": [GroupLimit("relation", "a", max_count=1)]}, "ABDE", 27.0),
    (
        "group min",
        {"max_count": 2, "groups": [GroupLimit("relation", "c", min_count=1)]},
        "AD",
        15.0,
    ),
    # A's cost is more than half of any pair it is in; B + C: 3 of 7
    (
        "group cost share",
        {
            "max_count": 2,
            "groups": [GroupLimit("relation", "a", max_cost_share=0.5, cost_column="cost")],
        },
        "BC",
        14.0,
    ),
    (
        "must include and exclude",
        {"max_count": 2, "must_include": ["E"], "must_exclude": ["A"]},
        "BE",
        12.0,
    ),
    ("screen", {"max_count": 2, "screen": {"A": "knocked out"}}, "BC", 14.0),
    ("synergy", {"limits": {"cost": 6}, "synergy": {("E", "C"): 5.0}}, "CE", 15.0),
    # fixed use 2 leaves 8 of the budget; the constant is added to the objective
    (
        "fixed use and constant",
        {"limits": {"cost": 10}, "limit_base": {"cost": 2}, "objective_constant": 100.0},
        "AC",
        116.0,
    ),
    ("uncounted", {"max_count": 1, "uncounted": ["A"]}, "AB", 18.0),
    # CVaR ≤ 5 keeps A and B out
    (
        "cvar cap",
        {"scenario_loss": LOSS, "cvar_beta": 0.5, "cvar_limit": 5.0},
        "CDE",
        15.0,
    ),
    # λ = 2: all five 33 − 2·10 = 13 < C + D + E 15
    (
        "mean cvar",
        {"scenario_loss": LOSS, "cvar_beta": 0.5, "cvar_lambda": 2.0},
        "CDE",
        15.0,
    ),
]


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize(("name", "kwargs", "expected", "value"), CASES, ids=[c[0] for c in CASES])
def test_known_optimum(name: str, kwargs: dict, expected: str, value: float, solver: str) -> None:
    """Each solver finds the hand-solved optimum and reports totals that hold."""
    kwargs = {"objective": "value", **kwargs}
    r = select_portfolio(TOY, solver=solver, **kwargs)
    assert r.selected == list(expected)
    assert r.objective_value == pytest.approx(value)
    assert r.status is SolveStatus.OPTIMAL
    assert r.solver == solver
    hard = [c.key for c in r.constraints if not c.soft]
    assert set(r.totals.index) <= {c.key for c in r.constraints}
    assert (r.totals.loc[[k for k in r.totals.index if k in hard], "slack"] >= -1e-9).all()


INFEASIBLE = [
    # two partners within a budget of 4: the budget must reach 5 (C + E), or take one partner
    (
        "budget and count",
        {"limits": {"cost": 4}, "min_count": 2},
        {"limit[cost]": 5.0, "count.min": 1.0},
    ),
    (
        "must include a conflict",
        {"must_include": ["A", "B"], "conflicts": [("A", "B")]},
        {"must_include[A]": 0.0, "must_include[B]": 0.0, "conflict[A,B]": 0.0},
    ),
    (
        "group minimum and conflict",
        {"conflicts": [("A", "C")], "groups": [GroupLimit("relation", "a", min_count=2)]},
        {"group[relation=a].min_count": 1.0, "conflict[A,C]": 0.0},
    ),
]


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize(("name", "kwargs", "needed"), INFEASIBLE, ids=[c[0] for c in INFEASIBLE])
def test_known_conflict(name: str, kwargs: dict, needed: dict, solver: str) -> None:
    """Each solver names the same minimal conflicting groups and the bound each needs."""
    with pytest.raises(InfeasiblePortfolioError) as info:
        select_portfolio(TOY, "value", solver=solver, **kwargs)
    exc = info.value
    assert set(exc.conflicting) == set(needed)
    assert [c.key for c in exc.constraints] == list(exc.conflicting)
    relax = {r.constraint: r for r in exc.relaxations}
    for key, value in needed.items():
        assert relax[key].needed == pytest.approx(value)
        assert relax[key].label
