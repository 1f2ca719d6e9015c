"""Near-optimal alternatives and limit values against brute-force enumeration, on plans and on
the sample roadmaps."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

import alliancekit as ak
from alliancekit.errors import DataValidationError
from alliancekit.roadmap import plan_roadmap


def _problem(seed: int, n: int = 9) -> tuple[pd.DataFrame, dict]:
    rng = np.random.default_rng(seed)
    table = pd.DataFrame(
        {
            "value": rng.integers(5, 40, n).astype(float),
            "cost": rng.integers(2, 15, n).astype(float),
            "fte": rng.choice([0.5, 1.0, 1.5], n),
            "risk": rng.uniform(0.1, 0.6, n),
        },
        index=[f"P{k}" for k in range(n)],
    )
    limits = {"cost": float(rng.integers(20, 40)), "fte": 3.0}
    return table, limits


def _feasible(table: pd.DataFrame, limits: dict, subset: tuple[str, ...], avg: float) -> bool:
    rows = table.loc[list(subset)]
    if any(rows[c].sum() > cap + 1e-9 for c, cap in limits.items()):
        return False
    return not len(rows) or rows["risk"].mean() <= avg + 1e-9


def _all_plans(table: pd.DataFrame, limits: dict, avg: float) -> list[tuple[float, frozenset]]:
    out = []
    ids = list(table.index)
    for n in range(len(ids) + 1):
        for subset in itertools.combinations(ids, n):
            if _feasible(table, limits, subset, avg):
                out.append((float(table.loc[list(subset), "value"].sum()), frozenset(subset)))
    return sorted(out, key=lambda t: -t[0])


@pytest.mark.parametrize("seed", range(8))
def test_alternatives_are_the_best_distinct_plans(seed: int) -> None:
    table, limits = _problem(seed)
    r = ak.select_portfolio(table, "value", limits=limits, max_average={"risk": 0.4})
    plans = _all_plans(table, limits, 0.4)
    best = plans[0][0]
    assert r.objective_value == pytest.approx(best)
    alt = ak.alternative_portfolios(r, k=4, within=0.15, min_difference=1)
    # with a Hamming distance of 1 the alternatives are the best plans, in order
    qualifying = [v for v, _ in plans if v >= best - 0.15 * abs(best) - 1e-9]
    got = list(alt.plans["model_objective"])
    assert got == pytest.approx(qualifying[: len(got)])
    assert len(got) == min(4, len(qualifying))
    assert alt.exhausted == (len(qualifying) < 4)
    sets = [frozenset(x.selected) for x in alt.results]
    assert len(set(sets)) == len(sets)
    for s in sets:
        assert _feasible(table, limits, tuple(s), 0.4)


@pytest.mark.parametrize("seed", range(4))
def test_alternatives_with_a_larger_difference_keep_their_distance(seed: int) -> None:
    table, limits = _problem(seed)
    r = ak.select_portfolio(table, "value", limits=limits)
    alt = ak.alternative_portfolios(r, k=5, within=0.5, min_difference=3)
    sets = [frozenset(x.selected) for x in alt.results]
    for a, b in itertools.combinations(sets, 2):
        assert len(a ^ b) >= 3
    assert (alt.plans["differs_by"].iloc[1:] >= 3).all() if len(sets) > 1 else True
    # greedy in order: each plan is the best one at distance ≥ 3 from those before it
    plans = _all_plans(table, limits, math.inf)
    for n in range(1, len(sets)):
        far = [v for v, s in plans if all(len(s ^ t) >= 3 for t in sets[:n])]
        assert alt.results[n].objective_value == pytest.approx(far[0])


def test_alternatives_of_a_workspace_plan_speak_its_words() -> None:
    ws = ak.sample_workspace("sanchar-apps")
    r = ak.plan_portfolio(ws, review=ak.review_alliances(ws))
    alt = ak.alternative_portfolios(r, k=3, within=0.05)
    assert alt.results[0] is r
    assert alt.plans.loc[1, "adds"] == "A06" and alt.plans.loc[1, "drops"] == "A05, A12"
    assert "adds A06; drops A05, A12" in alt.plans.loc[1, "distinguished_by"]
    assert "PKR lakh" in alt.summary()
    second = alt.results[1]
    assert second.objective_value == pytest.approx(
        float(r.details.loc[second.selected, "e_npv"].sum())
    )
    assert "AL-A4" in second.exited
    html = alt._repr_html_()
    assert "Near-optimal alternatives" in html and "below best" in html


def test_alternatives_refuse_bad_arguments() -> None:
    ws = ak.sample_workspace("greenscape")
    r = ak.plan_portfolio(ws)
    for kwargs, text in (
        ({"k": 0}, "k must be a whole number of plans from 1 to 50"),
        ({"within": 1.5}, "within must be a share in [0, 1)"),
        ({"min_difference": 0}, "min_difference must be a whole number ≥ 1"),
    ):
        with pytest.raises(DataValidationError, match=text.replace("[", r"\[").replace(")", r"\)")):
            ak.alternative_portfolios(r, **kwargs)
    with pytest.raises(DataValidationError, match="expected a PortfolioResult or a RoadmapResult"):
        ak.alternative_portfolios(ws)


def test_roadmap_alternatives_differ_and_say_how() -> None:
    ws = ak.sample_workspace("norden-pumpen")
    r = plan_roadmap(ws, review=ak.review_alliances(ws))
    alt = ak.alternative_portfolios(r, k=3, within=0.05, min_difference=2)
    assert len(alt.results) == 3
    sets = [frozenset(x.selected) for x in alt.results]
    for a, b in itertools.combinations(sets, 2):
        assert len(a ^ b) >= 2
    words = alt.plans.loc[1, "distinguished_by"]
    assert words.startswith("adds ") and "2027–2030" in words


# -- limit values ---------------------------------------------------------------------------------
def _best(table: pd.DataFrame, limits: dict) -> float:
    return _all_plans(table, limits, math.inf)[0][0]


@pytest.mark.parametrize("seed", range(6))
def test_limit_values_match_brute_force(seed: int) -> None:
    table, limits = _problem(seed)
    r = ak.select_portfolio(table, "value", limits=limits)
    lv = ak.limit_values(r, step=0.1).table.set_index("key")
    opt = _best(table, limits)
    plans = _all_plans(table, {}, math.inf)
    for col in ("cost", "fte"):
        row = lv.loc[f"limit[{col}]"]
        cap, step = limits[col], row["step"]
        assert step == pytest.approx(0.1 * cap)
        up = _best(table, {**limits, col: cap + step})
        down = _best(table, {**limits, col: cap - step})
        assert row["loosen_per_unit"] == pytest.approx((up - opt) / step, abs=1e-6)
        assert row["tighten_per_unit"] == pytest.approx((opt - down) / step, abs=1e-6)
        # the next change: the least use of this limit among strictly better plans
        other = {c: v for c, v in limits.items() if c != col}
        better = [
            float(table.loc[list(s), col].sum())
            for v, s in plans
            if v > opt + 1e-6 and _feasible(table, other, tuple(s), math.inf)
        ]
        expected = min(better) if better else math.inf
        assert row["next_change_at"] == pytest.approx(expected)
        assert row["stays_from"] == pytest.approx(r.totals.loc[f"limit[{col}]", "used"])
        if better:
            assert row["gain_at_next_change"] == pytest.approx(
                _best(table, {**limits, col: expected}) - opt
            )


def test_limit_values_of_requirements_and_counts() -> None:
    ws = ak.sample_workspace("greenscape")
    r = ak.plan_portfolio(ws, review=ak.review_alliances(ws))
    lv = ak.limit_values(r).table.set_index("key")
    count = lv.loc["count.max"]
    assert count["step"] == 1 and count["loosen_per_unit"] > 0
    assert count["tighten_per_unit"] == math.inf or count["tighten_per_unit"] > 0
    g3 = lv.loc["coverage[G3]"]
    assert g3["sense"] == ">=" and g3["tighten_per_unit"] == math.inf  # more is impossible
    assert g3["stays_to"] == pytest.approx(g3["used"])
    # lowering the G3 requirement to where a better plan qualifies: that plan's gain
    assert g3["gain_at_next_change"] > 0
    relaxed = ak.plan_portfolio(ws, review=ak.review_alliances(ws))
    assert relaxed.objective_value == pytest.approx(r.objective_value)
    text = ak.limit_values(r, keys=["count.max"]).summary()
    assert "Number of new alliances (at most)" in text and "the plan changes at 6" in text
    with pytest.raises(DataValidationError, match="step must be a share"):
        ak.limit_values(r, step=0)
