"""Solving a ``RoadmapProblem`` through ``portfolio.milp`` (the only module that talks to the
solvers) and reading the result; infeasibility becomes a diagnosed error naming the period."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping

import numpy as np

from alliancekit.errors import InfeasiblePortfolioError
from alliancekit.model import SolveStatus
from alliancekit.portfolio.milp import Model, Outcome, build_matrix, solve
from alliancekit.roadmap.problem import RoadmapProblem
from alliancekit.roadmap.results import RoadmapResult, from_solution

__all__ = ["run", "solve_roadmap", "values_of"]

_SOLVED = (SolveStatus.OPTIMAL, SolveStatus.TIME_LIMIT)


def run(
    p: RoadmapProblem,
    model: Model | None = None,
    *,
    start: Iterable[int] | None = None,
    mip_gap: float | None = None,
) -> Outcome:
    """Solve ``model`` (default: the whole problem) with the problem's solver settings."""
    plan = p.inputs.plan.problem
    model = model if model is not None else build_matrix(p.matrix)
    gap = plan.mip_gap if mip_gap is None else mip_gap
    return solve(model, plan.solver, plan.time_limit, gap, start)


def values_of(p: RoadmapProblem, outcome: Outcome) -> np.ndarray:
    """The variable values of a solved outcome, binaries rounded to 0/1."""
    values = np.array([outcome.values.get(k, 0.0) for k in range(p.matrix.n)])
    binary = p.matrix.integer
    values[binary] = np.round(values[binary])
    return values


def solve_roadmap(
    p: RoadmapProblem,
    *,
    diagnose: bool = True,
    start: Iterable[int] | None = None,
) -> RoadmapResult:
    """Solve a roadmap problem and read its result.

    Raises
    ------
    InfeasiblePortfolioError
        No roadmap satisfies every constraint (diagnosed when ``diagnose``: the conflicting
        groups by name and period, and how far each must move), none was found within the
        time limit, or the solver failed.
    """
    t0 = time.perf_counter()
    res = run(p, start=start)
    if res.status is SolveStatus.INFEASIBLE:
        if diagnose:
            from alliancekit.roadmap.diagnose import diagnose_roadmap

            raise diagnose_roadmap(p)
        raise InfeasiblePortfolioError("no roadmap satisfies every constraint", (), ())
    if res.status is SolveStatus.NOT_SOLVED:
        plan = p.inputs.plan.problem
        raise InfeasiblePortfolioError(
            f"the {plan.solver} solver found no feasible roadmap within the time limit "
            f"({plan.time_limit:g} s); raise time_limit or relax constraints"
        )
    if res.status not in _SOLVED:
        raise InfeasiblePortfolioError(f"the solver ended with status {res.status.value}")
    return from_solution(
        p,
        values_of(p, res),
        status=res.status,
        gap=res.gap,
        seconds=time.perf_counter() - t0,
    )


def fixed_model(p: RoadmapProblem, fix: Mapping[str, int]) -> Model:
    """The whole model with some items fixed: 1 = started (exited), 0 = never."""
    from alliancekit.portfolio.constraints import Sense
    from alliancekit.portfolio.milp import add_terms_row

    model = build_matrix(p.matrix)
    for item, on in fix.items():
        terms = p.indicator(item)
        add_terms_row(model, terms, Sense.EQ if terms else Sense.LE, float(on))
    return model
