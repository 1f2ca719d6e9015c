"""Properties of roadmaps and their alternatives on random small roadmaps (hypothesis).

Spend never exceeds a year's budget; a scale-up never precedes the end of its pilot; more
capacity never lowers the optimum; every near-optimal alternative is feasible (checked by the
independent rules of ``roadmap_toy.evaluate``), within the tolerance and distinct.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from roadmap_toy import ToySpec, evaluate, random_spec, toy

import alliancekit as ak
from alliancekit.roadmap.solve import solve_roadmap

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _spec(seed: int, n: int = 4) -> ToySpec:
    return random_spec(np.random.default_rng(seed), n=n)


def _schedule(r: ak.RoadmapResult) -> dict[str, list[tuple[str, int]]]:
    """Each partner's stages and start periods, read from the result's schedule."""
    plan: dict[str, list[tuple[str, int]]] = {i: [] for i in r.starts.index}
    first = r.schedule.groupby(["partner_id", "stage"], sort=False)["period_index"].min()
    for (pid, stage), t in first.items():
        plan[pid].append((stage, int(t)))
    return plan


@SETTINGS
@given(seed=st.integers(0, 10_000))
def test_spend_never_exceeds_a_years_budget(seed: int) -> None:
    spec = _spec(seed)
    r = solve_roadmap(toy(spec))
    u = r.usage
    limits = u[u["kind"] == "limit"]
    assert (limits["used"] <= limits["cap"] + 1e-9).all()
    # and recomputed from the schedule, independently of the usage rows
    sched = r.schedule
    for t in range(spec.years):
        now = sched[sched["period_index"] == t]
        assert now["one_off"].sum() <= spec.budgets_one_off[t] + 1e-9
        assert now["annual"].sum() <= spec.budgets_annual[t] + 1e-9
        assert now["fte"].sum() <= spec.capacity[t] + 1e-9


@SETTINGS
@given(seed=st.integers(0, 10_000))
def test_a_scale_up_never_precedes_its_pilot(seed: int) -> None:
    spec = _spec(seed, n=5)
    spec = replace(spec, pilot={i: (1.0, 1.0, 4.0, 1) for i in spec.ids[:3]})
    r = solve_roadmap(toy(spec))
    for pid, stages in _schedule(r).items():
        kinds = dict(stages)
        if "scale" in kinds:
            assert "pilot" in kinds
            assert kinds["scale"] >= kinds["pilot"] + spec.pilot[pid][3]
        assert not ("full" in kinds and "pilot" in kinds)
    starts = r.starts
    scaled = starts[starts["scale_index"] >= 0]
    assert (scaled["scale_index"] > scaled["start_index"]).all()


@SETTINGS
@given(seed=st.integers(0, 10_000), extra=st.floats(0.25, 2.0))
def test_more_capacity_never_lowers_the_optimum(seed: int, extra: float) -> None:
    spec = _spec(seed)
    low = solve_roadmap(toy(spec)).model_objective
    more = replace(spec, capacity=[c + extra for c in spec.capacity])
    high = solve_roadmap(toy(more)).model_objective
    assert high >= low - 1e-7 * max(1.0, abs(low))


@SETTINGS
@given(seed=st.integers(0, 10_000), k=st.integers(2, 5), d=st.integers(1, 2))
def test_every_alternative_is_feasible_within_the_tolerance_and_distinct(
    seed: int, k: int, d: int
) -> None:
    spec = _spec(seed, n=5)
    best = solve_roadmap(toy(spec))
    within = 0.1
    alt = ak.alternative_portfolios(best, k=k, within=within, min_difference=d)
    assert 1 <= len(alt.results) <= k
    assert alt.results[0] is best
    chosen = []
    for r in alt.results:
        value = evaluate(spec, _schedule(r))
        assert value is not None  # feasible by the independent rules
        assert value == pytest.approx(r.model_objective, rel=1e-7, abs=1e-7)
        assert r.model_objective >= best.model_objective - within * abs(best.model_objective) - 1e-7
        chosen.append(set(r.selected))
    for a in range(len(chosen)):
        for b in range(a + 1, len(chosen)):
            assert len(chosen[a] ^ chosen[b]) >= d
    values = alt.plans["model_objective"].to_numpy()
    assert (np.diff(values) <= 1e-7).all()  # best first
