"""Small roadmaps built straight from numbers (no workspace), and an independent brute force.

``toy`` assembles a ``RoadmapProblem`` from stages, per-year budgets and capacity, so published
capital-budgeting problems and random roadmaps can be posed exactly; ``brute_force`` enumerates
every schedule with its own code (starts, pilots, scale-ups, budgets, capacity, counts,
conflicts, discounted E[NPV]) and knows nothing of the MILP.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.portfolio.inputs import make_problem
from alliancekit.portfolio.options import PlanOptions
from alliancekit.portfolio.plan import Plan
from alliancekit.roadmap.problem import RoadmapInputs, RoadmapProblem, assemble
from alliancekit.roadmap.timing import Calendar, Stage, StageKind

BIG = 1e12


@dataclass
class ToySpec:
    """A toy roadmap: per partner a full stage, or a pilot and a scale-up (``pilot`` given)."""

    years: int
    one_off: dict[str, float]
    annual: dict[str, float]
    value: dict[str, float]
    windows: dict[str, tuple[int, int]]
    life: dict[str, int]
    fte: dict[str, float]
    p_fail: dict[str, float]
    budgets_one_off: list[float]
    budgets_annual: list[float]
    capacity: list[float] | None = None
    max_count: int | None = None
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    cost_ramp: dict[str, tuple[float, ...]] = field(default_factory=dict)
    value_ramp: dict[str, tuple[float, ...]] = field(default_factory=dict)
    pilot: dict[str, tuple[float, float, float, int]] = field(default_factory=dict)
    rate: float = 0.0

    @property
    def ids(self) -> list[str]:
        return list(self.one_off)


def stage_npv(
    one_off: float,
    annual: float,
    value: float,
    life: int,
    p: float,
    rate: float,
    cost_ramp: tuple[float, ...] = (),
    value_ramp: tuple[float, ...] = (),
) -> float:
    """E[NPV] at the stage's start, written out independently of ``Stage.expected_npv``."""
    total = 0.0
    for k in range(1, life + 1):
        rc = cost_ramp[min(k, len(cost_ramp)) - 1] if cost_ramp else 1.0
        rv = value_ramp[min(k, len(value_ramp)) - 1] if value_ramp else 1.0
        total += (rv * value - rc * annual) / (1.0 + rate) ** k
    return -one_off + (1.0 - p / 2.0) * total


def _stages(spec: ToySpec) -> list[Stage]:
    out: list[Stage] = []
    for i in spec.ids:
        first, last = spec.windows[i]
        full = Stage(
            partner=i,
            name=f"Partner {i}",
            kind=StageKind.FULL,
            first=first,
            last=last,
            life=spec.life[i],
            one_off=spec.one_off[i],
            annual=spec.annual[i],
            value=spec.value[i],
            exit_cost=0.0,
            p_fail=spec.p_fail[i],
            fte=spec.fte[i],
            coverage=True,
            score=50.0,
            cost_ramp=spec.cost_ramp.get(i, ()),
            value_ramp=spec.value_ramp.get(i, ()),
        )
        if i not in spec.pilot:
            out.append(full)
            continue
        c0, ca, v, lag = spec.pilot[i]
        pilot = replace(
            full, kind=StageKind.PILOT, life=lag, one_off=c0, annual=ca, value=v, coverage=False
        )
        pilot = replace(pilot, score=0.0, cost_ramp=(), value_ramp=())
        scale = Stage(
            **{
                **full.__dict__,
                "kind": StageKind.SCALE,
                "first": min(first + lag, spec.years),
                "last": spec.years - 1,
                "after": len(out),
                "lag": lag,
            }
        )
        out += [pilot, scale]
    return out


def toy(spec: ToySpec, **options: Any) -> RoadmapProblem:
    """The roadmap problem of ``spec`` (yearly steps; discount ``spec.rate``)."""
    ids = spec.ids
    values = {
        i: stage_npv(
            spec.one_off[i], spec.annual[i], spec.value[i], spec.life[i], spec.p_fail[i], spec.rate
        )
        for i in ids
    }
    table = pd.DataFrame(
        {
            "cost_one_off": [spec.one_off[i] for i in ids],
            "cost_annual": [spec.annual[i] for i in ids],
            "value_annual": [spec.value[i] for i in ids],
            "exit_cost": 0.0,
            "p_fail": [spec.p_fail[i] for i in ids],
            "score": 50.0,
            "e_npv": [values[i] for i in ids],
            "mgmt_load_fte": [spec.fte[i] for i in ids],
        },
        index=pd.Index(ids, name="partner_id"),
    )
    limits = {"cost_one_off": spec.budgets_one_off[0], "cost_annual": spec.budgets_annual[0]}
    if spec.capacity is not None:
        limits["mgmt_load_fte"] = spec.capacity[0]
    problem = make_problem(
        table,
        pd.Series(values, name="expected_npv"),
        limits=limits,
        min_count=None,
        max_count=spec.max_count,
        max_average=None,
        max_each=None,
        coverage=None,
        coverage_required=None,
        coverage_soft=None,
        coverage_reward=None,
        conflicts=spec.conflicts,
        requires=None,
        groups=(),
        must_include=(),
        must_exclude=(),
        screen=None,
        synergy=None,
        scenario_loss=None,
        cvar_beta=0.95,
        cvar_limit=None,
        cvar_lambda=0.0,
        limit_base=None,
        coverage_base=None,
        objective_constant=0.0,
        uncounted=(),
        solver=options.pop("solver", "highs"),
        time_limit=60.0,
        mip_gap=options.pop("mip_gap", 1e-9),
    )
    plan = Plan(
        problem=problem,
        kept=(),
        exited=(),
        details=table,
        notes=(),
        money_label="kEUR",
        reported=pd.Series(values),
        reported_name="expected_npv",
    )
    caps = {
        "cost_one_off": np.array(spec.budgets_one_off, dtype=float),
        "cost_annual": np.array(spec.budgets_annual, dtype=float),
    }
    if spec.capacity is not None:
        caps["mgmt_load_fte"] = np.array(spec.capacity, dtype=float)
    inputs = RoadmapInputs(
        plan=plan,
        options=PlanOptions(),
        calendar=Calendar(spec.years),
        stages=tuple(_stages(spec)),
        existing=(),
        screened={},
        caps=caps,
        capacity=None,
        rate=spec.rate,
        horizon=max(spec.life.values()),
        carry_over=options.pop("carry_over", 0.0),
        coverage_from=1,
        fixed=False,
        names={i: f"Partner {i}" for i in ids},
    )
    return assemble(inputs)


# -- an independent brute force ------------------------------------------------------------------
def _options(spec: ToySpec, i: str) -> list[list[tuple[str, int]]]:
    """Every schedule of one partner: [] or [(stage, start), …]."""
    T = spec.years
    first, last = spec.windows[i]
    starts = range(first, min(last, T - 1) + 1)
    if i not in spec.pilot:
        return [[]] + [[("full", t)] for t in starts]
    lag = spec.pilot[i][3]
    out: list[list[tuple[str, int]]] = [[]]
    for t in starts:
        out.append([("pilot", t)])
        out += [[("pilot", t), ("scale", s)] for s in range(t + lag, T)]
    return out


def _terms(spec: ToySpec, i: str, kind: str) -> tuple[float, float, float, int, tuple, tuple]:
    if kind == "pilot":
        c0, ca, v, lag = spec.pilot[i]
        return c0, ca, v, lag, (), ()
    return (
        spec.one_off[i],
        spec.annual[i],
        spec.value[i],
        spec.life[i],
        spec.cost_ramp.get(i, ()),
        spec.value_ramp.get(i, ()),
    )


def evaluate(spec: ToySpec, plan: dict[str, list[tuple[str, int]]]) -> float | None:
    """The discounted value of a schedule, or None when it breaks a limit."""
    T = spec.years
    one_off, annual, fte, count = (np.zeros(T) for _ in range(4))
    running: list[set[str]] = [set() for _ in range(T)]
    value = 0.0
    for i, stages in plan.items():
        for kind, t0 in stages:
            c0, ca, v, life, rc, rv = _terms(spec, i, kind)
            one_off[t0] += c0
            for k in range(life):
                if t0 + k < T:
                    share = rc[min(k + 1, len(rc)) - 1] if rc else 1.0
                    annual[t0 + k] += share * ca
                    fte[t0 + k] += spec.fte[i]
                    running[t0 + k].add(i)
            npv = stage_npv(c0, ca, v, life, spec.p_fail[i], spec.rate, rc, rv)
            value += npv / (1.0 + spec.rate) ** t0
    for t in range(T):
        count[t] = len(running[t])
        if one_off[t] > spec.budgets_one_off[t] + 1e-9:
            return None
        if annual[t] > spec.budgets_annual[t] + 1e-9:
            return None
        if spec.capacity is not None and fte[t] > spec.capacity[t] + 1e-9:
            return None
        if spec.max_count is not None and count[t] > spec.max_count:
            return None
        if any({a, b} <= running[t] for a, b in spec.conflicts):
            return None
    return value


def brute_force(spec: ToySpec) -> tuple[float, dict[str, list[tuple[str, int]]]]:
    """The best schedule by enumeration (every partner's every option)."""
    best, where = -np.inf, {}
    ids = spec.ids
    for combo in itertools.product(*(_options(spec, i) for i in ids)):
        plan = dict(zip(ids, combo, strict=True))
        got = evaluate(spec, plan)
        if got is not None and got > best:
            best, where = got, plan
    return best, where


def random_spec(rng: np.random.Generator, n: int = 4, years: int = 3) -> ToySpec:
    """A random small roadmap: windows, lives, ramps, pilots, budgets, capacity, a conflict."""
    ids = [f"P{k}" for k in range(n)]
    windows = {}
    for i in ids:
        a = int(rng.integers(0, years))
        windows[i] = (a, int(rng.integers(a, years)))
    pilots = {
        i: (float(rng.integers(0, 4)), float(rng.integers(0, 3)), float(rng.integers(0, 6)), 1)
        for i in ids
        if rng.random() < 0.4
    }
    return ToySpec(
        years=years,
        one_off={i: float(rng.integers(1, 12)) for i in ids},
        annual={i: float(rng.integers(1, 8)) for i in ids},
        value={i: float(rng.integers(3, 16)) for i in ids},
        windows=windows,
        life={i: int(rng.integers(1, years + 2)) for i in ids},
        fte={i: float(rng.choice([0.25, 0.5, 1.0])) for i in ids},
        p_fail={i: float(rng.uniform(0.0, 0.5)) for i in ids},
        budgets_one_off=[float(rng.integers(5, 20)) for _ in range(years)],
        budgets_annual=[float(rng.integers(5, 20)) for _ in range(years)],
        capacity=[float(rng.choice([1.0, 1.5, 2.0])) for _ in range(years)],
        max_count=int(rng.integers(2, n + 1)),
        conflicts=[(ids[0], ids[1])] if rng.random() < 0.5 else [],
        cost_ramp={i: (0.5, 1.0) for i in ids if rng.random() < 0.3},
        value_ramp={i: (0.3, 0.7, 1.0) for i in ids if rng.random() < 0.4},
        pilot=pilots,
        rate=float(rng.choice([0.0, 0.08])),
    )
