"""Known answers for the roadmap MILP: published multi-period capital budgeting, brute force.

- WEING1 (Weingartner & Ness 1967, "Methods for the solution of the multidimensional 0/1
  knapsack problem", Operations Research 15(1):83–103; OR-Library file mknap2.txt, Beasley
  1990): 28 projects, two budget periods of 600 each, published optimum 141 278. Posed as a
  two-year roadmap (outlay of year 1 on the one-off budget of year 1, of year 2 on the annual
  budget of year 2), solved by HiGHS and CBC, and cross-checked by an independent dynamic
  programme over both budgets.
- Taha, *Operations Research: An Introduction* (8th ed., Pearson 2007), §9.1.1 capital
  budgeting: five projects over three years, funds of 25 each year, optimum 95 (projects 1–4).
  Posed with cost and value ramps (outlays that differ by year) and checked by enumeration.
- Random small roadmaps (windows, lives, ramps, pilots and scale-ups, per-year budgets,
  capacity, counts, conflicts, discounting) against an independent brute force
  (``roadmap_toy.brute_force``).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from roadmap_toy import BIG, ToySpec, brute_force, random_spec, toy

from alliancekit.roadmap.solve import solve_roadmap

# WEING1 (OR-Library mknap2.txt): values, the outlays of period 1 and of period 2, capacities.
WEING1_VALUE = [
    1898,
    440,
    22507,
    270,
    14148,
    3100,
    4650,
    30800,
    615,
    4975,
    1160,
    4225,
    510,
    11880,
    479,
    440,
    490,
    330,
    110,
    560,
    24355,
    2885,
    11748,
    4550,
    750,
    3720,
    1950,
    10500,
]
WEING1_A1 = [
    45,
    0,
    85,
    150,
    65,
    95,
    30,
    0,
    170,
    0,
    40,
    25,
    20,
    0,
    0,
    25,
    0,
    0,
    25,
    0,
    165,
    0,
    85,
    0,
    0,
    0,
    0,
    100,
]
WEING1_A2 = [
    30,
    20,
    125,
    5,
    80,
    25,
    35,
    73,
    12,
    15,
    15,
    40,
    5,
    10,
    10,
    12,
    10,
    9,
    0,
    20,
    60,
    40,
    50,
    36,
    49,
    40,
    19,
    150,
]
WEING1_OPTIMUM = 141278


def _knapsack_2d(values: list[int], a1: list[int], a2: list[int], b1: int, b2: int) -> int:
    """The best total value within two budgets: a dynamic programme over (used 1, used 2)."""
    dp = np.zeros((b1 + 1, b2 + 1))
    for v, w1, w2 in zip(values, a1, a2, strict=True):
        new = dp.copy()
        new[w1:, w2:] = np.maximum(dp[w1:, w2:], dp[: b1 + 1 - w1, : b2 + 1 - w2] + v)
        dp = new
    return int(dp[b1, b2])


def _weing1() -> ToySpec:
    ids = [f"W{k + 1:02d}" for k in range(28)]
    return ToySpec(
        years=2,
        one_off=dict(zip(ids, map(float, WEING1_A1), strict=True)),
        annual=dict(zip(ids, map(float, WEING1_A2), strict=True)),
        value=dict.fromkeys(ids, 0.0),
        windows=dict.fromkeys(ids, (0, 0)),
        life=dict.fromkeys(ids, 2),
        fte=dict.fromkeys(ids, 0.0),
        p_fail=dict.fromkeys(ids, 0.0),
        budgets_one_off=[600.0, BIG],
        budgets_annual=[BIG, 600.0],
    )


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_weing1_two_budget_problem_reaches_its_published_optimum(solver: str) -> None:
    spec = _weing1()
    p = toy(spec, solver=solver)
    # the project's value is its objective coefficient (a plain two-year stage)
    values = dict(zip(spec.ids, map(float, WEING1_VALUE), strict=True))
    plan = p.inputs.plan
    coef = plan.problem.objective.copy()
    coef[:] = [values[i] for i in coef.index]
    from dataclasses import replace

    from alliancekit.roadmap.problem import assemble

    inputs = replace(p.inputs, plan=replace(plan, problem=replace(plan.problem, objective=coef)))
    r = solve_roadmap(assemble(inputs))
    assert r.model_objective == pytest.approx(WEING1_OPTIMUM, abs=1e-6)
    assert _knapsack_2d(WEING1_VALUE, WEING1_A1, WEING1_A2, 600, 600) == WEING1_OPTIMUM
    chosen = [int(i[1:]) - 1 for i in r.selected]
    assert sum(WEING1_A1[k] for k in chosen) <= 600
    assert sum(WEING1_A2[k] for k in chosen) <= 600
    assert sum(WEING1_VALUE[k] for k in chosen) == WEING1_OPTIMUM
    usage = r.spend_frame().set_index("key")
    assert usage.loc["limit[cost_one_off]@Year 1", "used"] <= 600 + 1e-9
    assert usage.loc["limit[cost_annual]@Year 2", "used"] <= 600 + 1e-9


# Taha §9.1.1: outlays by year 1, 2, 3 and the return of each project; funds 25 a year.
TAHA = {
    "1": (5, 1, 8, 20),
    "2": (4, 7, 10, 40),
    "3": (3, 9, 2, 20),
    "4": (7, 4, 1, 15),
    "5": (8, 6, 10, 30),
}


def test_taha_three_year_capital_budgeting_example() -> None:
    """Outlays that differ by year as a one-off (year 1) and a cost ramp (years 2, 3); the
    return as a value earned in year 3 (with rate 0 and no failure E[NPV] = the return)."""
    ids = list(TAHA)
    spec = ToySpec(
        years=3,
        one_off={i: float(TAHA[i][0]) for i in ids},
        annual=dict.fromkeys(ids, 1.0),
        value={i: float(sum(TAHA[i])) for i in ids},
        windows=dict.fromkeys(ids, (0, 0)),
        life=dict.fromkeys(ids, 3),
        fte=dict.fromkeys(ids, 0.0),
        p_fail=dict.fromkeys(ids, 0.0),
        budgets_one_off=[25.0, BIG, BIG],
        budgets_annual=[BIG, 25.0, 25.0],
        cost_ramp={i: (0.0, float(TAHA[i][1]), float(TAHA[i][2])) for i in ids},
        value_ramp=dict.fromkeys(ids, (0.0, 0.0, 1.0)),
    )
    r = solve_roadmap(toy(spec))
    assert r.model_objective == pytest.approx(95.0, abs=1e-6)
    assert sorted(r.selected) == ["1", "2", "3", "4"]
    best = max(
        sum(TAHA[i][3] for i in combo)
        for n in range(6)
        for combo in itertools.combinations(ids, n)
        if all(sum(TAHA[i][y] for i in combo) <= 25 for y in range(3))
    )
    assert best == 95
    spend = r.spend_frame().set_index("key")["used"]
    assert spend["limit[cost_one_off]@Year 1"] == pytest.approx(19.0)
    assert spend["limit[cost_annual]@Year 2"] == pytest.approx(21.0)
    assert spend["limit[cost_annual]@Year 3"] == pytest.approx(21.0)


@pytest.mark.parametrize("seed", range(24))
def test_random_roadmaps_match_brute_force(seed: int) -> None:
    spec = random_spec(np.random.default_rng(seed))
    best, _ = brute_force(spec)
    r = solve_roadmap(toy(spec))
    assert r.model_objective == pytest.approx(best, rel=1e-7, abs=1e-7)
    # the roadmap found is itself feasible and worth what it says, by the brute force's rules
    from roadmap_toy import evaluate

    plan: dict[str, list[tuple[str, int]]] = {i: [] for i in spec.ids}
    first = r.schedule.groupby(["partner_id", "stage"], sort=False)["period_index"].min()
    for (pid, stage), t in first.items():
        plan[pid].append((stage, int(t)))
    assert evaluate(spec, plan) == pytest.approx(best, rel=1e-7, abs=1e-7)


@pytest.mark.parametrize("seed", range(6))
def test_random_roadmaps_cbc_agrees_with_highs(seed: int) -> None:
    spec = random_spec(np.random.default_rng(100 + seed), n=5)
    a = solve_roadmap(toy(spec, solver="highs"))
    b = solve_roadmap(toy(spec, solver="cbc"))
    assert a.model_objective == pytest.approx(b.model_objective, rel=1e-7, abs=1e-7)
