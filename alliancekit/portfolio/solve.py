"""Selecting a portfolio: validate the inputs, solve the MILP, report the result.

``select_portfolio`` is the generic MILP on a candidate table (docs/method.md §3.5, §4);
``solve_problem`` solves an already validated ``PortfolioProblem`` (every re-solve of the
package goes through it) and turns infeasibility into a diagnosed ``InfeasiblePortfolioError``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType

import numpy as np
import pandas as pd

from alliancekit.errors import InfeasiblePortfolioError
from alliancekit.model import SolveStatus
from alliancekit.portfolio.constraints import GroupLimit, Wording
from alliancekit.portfolio.diagnose import diagnose_infeasibility
from alliancekit.portfolio.evaluate import binding, objective_at, screened, totals
from alliancekit.portfolio.inputs import make_problem
from alliancekit.portfolio.milp import Outcome, build, solve
from alliancekit.portfolio.problem import PortfolioProblem, Solver
from alliancekit.portfolio.results import PortfolioResult

__all__ = ["select_portfolio", "solve_problem", "solve_selection"]


def select_portfolio(
    candidates: pd.DataFrame,
    objective: str | pd.Series = "value",
    limits: Mapping[str, float] | None = None,
    min_count: int | None = None,
    max_count: int | None = None,
    max_average: Mapping[str, float] | None = None,
    max_each: Mapping[str, float] | None = None,
    coverage: pd.DataFrame | None = None,
    coverage_required: Mapping[str, float] | None = None,
    conflicts: Iterable[Sequence[str]] = (),
    requires: Mapping[str, Sequence[str]] | None = None,
    groups: Iterable[GroupLimit] = (),
    must_include: Iterable[str] = (),
    must_exclude: Iterable[str] = (),
    solver: str = "highs",
    time_limit: float = 30.0,
    mip_gap: float = 1e-6,
    *,
    coverage_soft: float | None = None,
    coverage_reward: Mapping[str, float] | None = None,
    synergy: Mapping[tuple[str, str], float] | None = None,
    screen: Mapping[str, str] | None = None,
    scenario_loss: pd.DataFrame | np.ndarray | None = None,
    cvar_beta: float = 0.95,
    cvar_limit: float | None = None,
    cvar_lambda: float = 0.0,
    limit_base: Mapping[str, float] | None = None,
    coverage_base: Mapping[str, float] | None = None,
    objective_constant: float = 0.0,
    uncounted: Iterable[str] = (),
    gap_names: Mapping[str, str] | None = None,
    limit_labels: Mapping[str, str] | None = None,
    diagnose: bool = True,
) -> PortfolioResult:
    # > 80 lines only by its documented public signature, each input passed on by name.
    """Choose the partner set maximising ``objective`` under every limit (docs/method.md §3.5, §4).

    Parameters
    ----------
    candidates : DataFrame
        One row per partner, indexed by partner id; columns referenced below.
    objective : str or Series
        Column (or Series by id) to maximise, e.g. E[NPV] [money] or score [0–100].
    limits : Mapping column -> cap
        ``Σ column_i·x_i (+ limit_base) ≤ cap`` for each entry (budgets, FTE, expected loss).
    min_count, max_count : int, optional
        Bounds on the number of selected partners.
    max_average : Mapping column -> cap
        Average of the column over the selection ≤ cap, as ``Σ (c_i − cap)·x_i ≤ 0``.
    max_each : Mapping column -> cap
        Per-partner cap, applied as a preprocessing bound ``x_i = 0`` (reported in ``screened``).
    coverage, coverage_required : DataFrame (partner × gap), Mapping gap -> level
        ``Σ a_ig·x_i (+ coverage_base) ≥ level``; hard unless ``coverage_soft`` is a penalty
        [objective units per unit of shortfall].
    conflicts : iterable of tuples
        Pairs or cliques of partners of which at most one may be chosen.
    requires : Mapping id -> ids
        A partner needs at least one of the listed partners (``x_a ≤ Σ x_b``).
    groups : iterable of GroupLimit
        Diversification: count bounds and cost-share caps per group.
    must_include, must_exclude : iterable of ids
        Partners fixed in or out.
    solver : {"highs", "cbc"}
    time_limit : float
        Solver time limit [s]; a stopped solve is reported as ``TIME_LIMIT`` with its gap.
    mip_gap : float
        Relative optimality gap at which the solver stops [0–1).
    coverage_soft : float, optional
        Penalty per unit of coverage shortfall [objective units]; None keeps coverage hard.
    coverage_reward : Mapping gap -> weight
        Adds ``Σ weight_g·z_g`` with ``z_g ≤ min(1, coverage_g)`` (no credit for over-coverage).
    synergy : Mapping (a, b) -> σ
        Pair bonus (σ > 0) or redundancy (σ < 0) added when both are chosen (``w_ab``
        linearisation of §4).
    screen : Mapping id -> reason
        Partners removed before the MILP (e.g. knockouts), reported in ``screened``.
    scenario_loss, cvar_beta, cvar_limit, cvar_lambda
        Scenario × partner losses [money]; CVaR_β cap Γ and/or penalty λ·CVaR in the objective
        (Rockafellar & Uryasev 2000).
    limit_base, coverage_base, objective_constant
        Fixed use of limits, fixed coverage and a constant from items outside the selection.
    uncounted : iterable of ids
        Rows (e.g. existing alliances re-optimised as keep/exit variables) that use limits and
        give coverage but are left out of count, group, average and per-partner rules.
    gap_names : Mapping gap -> name, optional
        Names of the coverage gaps, used in constraint labels ("Coverage of G3 — Mobile
        payments") and messages.
    limit_labels : Mapping column -> label, optional
        Labels of the limits ("Annual budget"); default "Total <column in words>".
    diagnose : bool
        On infeasibility, search for the conflicting constraint groups (else raise at once).

    Returns
    -------
    PortfolioResult

    Raises
    ------
    DataValidationError
        Unknown columns or ids, negative caps, NaN inputs, an empty table, overlapping
        must-include and must-exclude sets.
    InfeasiblePortfolioError
        No selection satisfies every constraint; ``conflicting`` and ``relaxations`` say why.
    """
    problem = make_problem(
        candidates,
        objective,
        limits=limits,
        min_count=min_count,
        max_count=max_count,
        max_average=max_average,
        max_each=max_each,
        coverage=coverage,
        coverage_required=coverage_required,
        coverage_soft=coverage_soft,
        coverage_reward=coverage_reward,
        conflicts=conflicts,
        requires=requires,
        groups=groups,
        must_include=must_include,
        must_exclude=must_exclude,
        screen=screen,
        synergy=synergy,
        scenario_loss=scenario_loss,
        cvar_beta=cvar_beta,
        cvar_limit=cvar_limit,
        cvar_lambda=cvar_lambda,
        limit_base=limit_base,
        coverage_base=coverage_base,
        objective_constant=objective_constant,
        uncounted=uncounted,
        solver=solver,
        time_limit=time_limit,
        mip_gap=mip_gap,
        wording=Wording(limits=limit_labels or {}, gaps=gap_names or {}),
    )
    return solve_problem(problem, diagnose=diagnose)


def solve_problem(
    problem: PortfolioProblem,
    *,
    diagnose: bool = True,
    fix: Mapping[str, int] | None = None,
    start: Iterable[str] | None = None,
) -> PortfolioResult:
    """Solve a validated ``PortfolioProblem`` (used by every re-solve in this package).

    Parameters
    ----------
    problem : PortfolioProblem
    diagnose : bool
        On infeasibility, search for the conflicting constraint groups (else raise at once).
    fix : Mapping id -> 0/1, optional
        Partners fixed out (0) or in (1).
    start : iterable of ids, optional
        A selection to offer the solver as a first incumbent (warm start).

    Raises
    ------
    InfeasiblePortfolioError
        No feasible selection (diagnosed when ``diagnose``), none found within the time limit,
        or the solver failed.
    """
    t0 = time.perf_counter()
    chosen, res = solve_selection(problem, diagnose=diagnose, fix=fix, start=start)
    table = totals(problem, chosen)
    return PortfolioResult(
        selected=[problem.ids[k] for k in np.flatnonzero(chosen)],
        objective_value=objective_at(problem, chosen),
        status=res.status,
        totals=table,
        binding=tuple(c.key for c in binding(problem, table)),
        mip_gap=float(res.gap) if math.isfinite(res.gap) else math.nan,
        solver=Solver.parse(res.solver) if res.solver else problem.solver,  # a race's winner
        solve_time=time.perf_counter() - t0,
        screened=MappingProxyType({i: "; ".join(r) for i, r in screened(problem).items()}),
        problem=problem,
        objective_name=problem.objective_name,
    )


def solve_selection(
    problem: PortfolioProblem,
    *,
    diagnose: bool = True,
    fix: Mapping[str, int] | None = None,
    start: Iterable[str] | None = None,
) -> tuple[np.ndarray, Outcome]:
    """Which partners the solver selects, without the totals and wording of a result.

    The solving part of :func:`solve_problem`, for callers that need only the selection of
    many problems (a group's views).

    Parameters
    ----------
    problem, diagnose, fix, start
        As for :func:`solve_problem`.

    Raises
    ------
    InfeasiblePortfolioError
        As :func:`solve_problem`.

    Returns
    -------
    chosen : ndarray of bool
        One flag per ``problem.ids``.
    outcome : Outcome
        The solver's answer (``status``, ``gap``, ``solver``).
    """
    model = build(problem, fix=fix)
    pos = problem.position
    warm = None if start is None else [pos[i] for i in start if i in pos]
    res = solve(model, problem.solver, problem.time_limit, problem.mip_gap, warm)
    if res.status == SolveStatus.INFEASIBLE:
        if diagnose:
            raise diagnose_infeasibility(problem)
        raise InfeasiblePortfolioError("no portfolio satisfies every constraint", (), ())
    if res.status == SolveStatus.NOT_SOLVED:
        raise InfeasiblePortfolioError(
            f"the {problem.solver} solver found no feasible portfolio within the time limit "
            f"({problem.time_limit:g} s); raise time_limit or relax constraints",
            (),
            (),
        )
    if res.status not in (SolveStatus.OPTIMAL, SolveStatus.TIME_LIMIT):
        raise InfeasiblePortfolioError(f"the solver ended with status {res.status.value}", (), ())
    chosen = np.zeros(problem.n, dtype=bool)
    for k, v in res.values.items():
        chosen[k] = v > 0.5
    return chosen, res
