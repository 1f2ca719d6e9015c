"""The efficient frontier: the optimum as one limit moves (docs/method.md §4 "what if").

The varied limit is a ``Constraint`` (a budget, an average-risk cap or the CVaR cap); each point
re-solves the problem with that bound. Two exact shortcuts keep it cheap: an optimum found at a
value v that uses u ≤ v is optimal on all of [u, v], and below a proven-infeasible value nothing
is feasible.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import InfeasiblePortfolioError
from alliancekit.model import SolveStatus, Workspace
from alliancekit.parallel import Executor, get_executor, progress_bar
from alliancekit.portfolio.constraints import Constraint, ConstraintKind
from alliancekit.portfolio.evaluate import column, measure, offset, screened
from alliancekit.portfolio.inputs import bad
from alliancekit.portfolio.milp import optimise
from alliancekit.portfolio.options import PlanOptions
from alliancekit.portfolio.plan import Plan, plan_problem
from alliancekit.portfolio.problem import PortfolioProblem
from alliancekit.portfolio.results import FrontierResult, PortfolioResult
from alliancekit.portfolio.solve import solve_problem
from alliancekit.risk import cvar

__all__ = ["efficient_frontier"]

K = ConstraintKind
#: Frontier dimensions of a workspace plan: the budget columns they vary.
_BUDGETS = {"budget_annual": "cost_annual", "budget_one_off": "cost_one_off"}


def _source(source: Any, plan_kwargs: dict[str, Any]) -> tuple[PortfolioProblem, Plan | None]:
    if isinstance(source, PortfolioResult):
        return source.problem, None
    if isinstance(source, PortfolioProblem):
        return source, None
    plan = plan_problem(source, PlanOptions.from_kwargs(plan_kwargs))
    return plan.problem, plan


def _dimension(p: PortfolioProblem, vary: str) -> tuple[PortfolioProblem, Constraint]:
    """The problem (an average cap of 1 added when there is none) and the varied group."""
    if vary in _BUDGETS or vary in p.limits:
        col = vary if vary in p.limits else _BUDGETS[vary]
        if col not in p.limits:
            raise bad(f"cannot vary {vary!r}: the problem has no limit on {col!r}")
        return p, p.find(K.LIMIT, col)
    if vary == "avg_risk":
        col = next(iter(p.max_average), "R")
        p = p if col in p.max_average else p.with_cap(K.AVERAGE, col, 1.0)
        return p, p.find(K.AVERAGE, col)
    if vary == "cvar":
        if p.scenario_loss is None:
            raise bad("vary='cvar' needs scenario losses (plan from a workspace)")
        probe = p if p.cvar_limit is not None else p.with_cap(K.CVAR, None, 0.0)
        return replace(p, cvar_lambda=0.0), probe.find(K.CVAR)
    known = {c.key: c for c in p.of_kind(K.LIMIT, K.AVERAGE, K.CVAR)}
    if vary in known:  # a constraint key, e.g. "limit[cost]"
        return p, known[vary]
    raise bad(f"unknown frontier dimension {vary!r}")


def _value_range(
    p: PortfolioProblem,
    c: Constraint,
    free: PortfolioResult | None,
    current: float | None,
    points: int,
) -> np.ndarray:
    """Evenly spaced values from just below the smallest feasible one to the loosest needed."""
    x_free = None if free is None else np.array([i in set(free.selected) for i in p.ids], float)
    top = measure(p, c, x_free) if free is not None else math.nan
    removed = screened(p)
    ok = np.array([i not in removed for i in p.ids])
    groups = {g for g in p.constraints if not g.soft} - {c}
    if c.kind is K.LIMIT:
        base = offset(p, c)
        costs = np.clip(column(p, c.target)[ok], 0, None)
        hi = top if free is not None else base + float(costs.sum())
        lo = base
        need = optimise(p, groups, "min", c) if free is not None else None
        if need is not None and points > 1:
            # Start one step below the smallest feasible value, so the first point marks
            # where the plan stops being feasible and the rest span the feasible range.
            need += base
            top_value = max(hi, current) if current is not None else hi
            step = (top_value - need) / (int(points) - 2) if points > 2 else 0.0
            lo = max(base, need - step) if step > 0 else base
    elif c.kind is K.AVERAGE:
        values = column(p, c.target)[ok]
        lo = float(values.min()) if len(values) else 0.0
        hi = top if free is not None else (float(values.max()) if len(values) else 1.0)
    else:
        least = optimise(p, groups, "min", c)
        hi = top if free is not None else 0.0
        lo = hi if least is None else least
    if current is not None:
        hi = max(hi, current)
    return np.linspace(lo, hi, int(points))


def _solve_at(v: float, p: PortfolioProblem, c: Constraint) -> PortfolioResult | None:
    """Task: the optimum with the varied limit at ``v``, or None when that is infeasible."""
    try:
        return solve_problem(p.with_cap(c.kind, c.target, v), diagnose=False)
    except InfeasiblePortfolioError:
        return None


def _walk(
    p: PortfolioProblem,
    c: Constraint,
    values: list[float],
    free: PortfolioResult | None,
    progress: bool,
    vary: str,
    executor: Executor,
) -> dict[int, PortfolioResult | None]:
    """Solve each value from the loosest down, reusing optima and infeasible tails (exact).

    An optimum found at value v that uses u ≤ v is optimal for every value in [u, v] (it stays
    feasible and the optimum can only fall as the limit tightens); below a proven-infeasible
    value nothing is feasible. Only proven-optimal solutions are reused. With several workers
    the next values still unsettled are solved ahead, in parallel; the walk then replays the
    serial decisions over those results (a solve is deterministic), so every executor returns
    exactly what the serial walk returns, at the price of some solves the walk did not need.
    """

    def usage(r: PortfolioResult) -> float:
        return measure(p, c, np.array([i in set(r.selected) for i in p.ids], dtype=float))

    def settled(k: int) -> bool:
        v = values[k]
        return free is None or v <= infeasible_at or (last is not None and last_use <= v + 1e-12)

    order = sorted(range(len(values)), key=lambda k: -values[k])
    found: dict[int, PortfolioResult | None] = {}
    ahead: dict[int, PortfolioResult | None] = {}  # solved values, by position
    infeasible_at = -math.inf
    last = free if free is not None and free.status is SolveStatus.OPTIMAL else None
    last_use = usage(free) if free is not None else math.nan
    width = executor.parallelism()
    with progress_bar(len(order), f"frontier over {vary}", show=progress) as bar:
        for at, k in enumerate(order):
            if settled(k):
                found[k] = None if free is None or values[k] <= infeasible_at else last
            else:
                if k not in ahead:
                    batch = [j for j in order[at:] if not settled(j) and j not in ahead][:width]
                    got = executor.map(_solve_at, [values[j] for j in batch], common=(p, c))
                    ahead.update(zip(batch, got, strict=True))
                r = found[k] = ahead[k]
                if r is None:
                    infeasible_at = max(infeasible_at, values[k])
                elif r.status is SolveStatus.OPTIMAL:
                    last, last_use = r, usage(r)
                else:
                    last = None
            bar.update()
    return found


def _point(p: PortfolioProblem, v: float, r: PortfolioResult | None, plan: Plan | None) -> dict:
    row: dict[str, Any] = {"value": v}
    if r is None:
        row |= {"objective": math.nan, "feasible": False, "n_selected": 0, "selected": ""}
        row["status"] = SolveStatus.INFEASIBLE.value
        return row
    obj = r.objective_value
    chosen = list(r.selected)
    if plan is not None:
        # re-optimised existing alliances (keep/exit rows) are not new partners: the
        # reported objective and the selection cover new candidates only (§10 reading 8)
        chosen = [i for i in chosen if i not in set(plan.free)]
        obj = float(sum(plan.reported[i] for i in chosen))
    row |= {
        "objective": obj,
        "feasible": True,
        "n_selected": len(chosen),
        "selected": ";".join(chosen),
        "status": r.status.value,
    }
    if p.scenario_loss is not None:
        x = np.array([i in set(r.selected) for i in p.ids], dtype=float)
        row["cvar"] = cvar(p.scenario_loss @ x, p.cvar_beta)
    return row


def efficient_frontier(
    ws: Workspace | PortfolioResult | PortfolioProblem,
    vary: str = "budget_annual",
    points: int = 20,
    values: Sequence[float] | None = None,
    *,
    progress: bool = True,
    jobs: int = 1,
    scheduler: str | None = None,
    **plan_kwargs: Any,
) -> FrontierResult:
    """Trade-off curve: the optimum as one limit moves (docs/method.md §4 "what if").

    Parameters
    ----------
    ws : Workspace, PortfolioResult or PortfolioProblem
        A workspace is planned with ``plan_kwargs`` (see ``plan_portfolio``).
    vary : str
        ``"budget_annual"`` / ``"budget_one_off"`` (objective vs budget [money]),
        ``"avg_risk"`` (vs the average-R cap [0–1]), ``"cvar"`` (E[NPV] vs the CVaR cap Γ
        [money]; scenarios are drawn), any limit column of a generic problem, or the key of a
        limit, average or CVaR constraint group (``"limit[cost]"``).
    points : int
        Number of evenly spaced values (ignored when ``values`` is given).
    values : sequence of float, optional
        The exact values of the varied limit to solve at.
    progress : bool
        Show a tqdm progress bar.
    jobs : int
        Local worker processes solving points ahead (1: this process; -1: every core).
    scheduler : str, optional
        A Dask scheduler address (default: ``ALLIANCEKIT_SCHEDULER``, else local). The points
        are the same wherever they are solved.
    **plan_kwargs
        Passed to ``plan_portfolio`` when ``ws`` is a workspace.

    Returns
    -------
    FrontierResult
        Infeasible points have ``feasible=False`` and NaN objective; nothing raises.
    """
    if vary == "cvar" and not isinstance(ws, (PortfolioResult, PortfolioProblem)):
        plan_kwargs.setdefault("cvar_limit", 1e18)
    p, plan = _source(ws, plan_kwargs)
    p, c = _dimension(p, vary)
    current = c.bound if c.kind is not K.CVAR else p.cvar_limit
    if c.kind is K.CVAR and current is not None and current > 1e17:
        current = None
    # The optimum without the varied limit is optimal for every value at or above its usage,
    # so the flat end of the frontier needs no solve (exact, since relaxing only adds options).
    try:
        free = solve_problem(p.with_cap(c.kind, c.target, None), diagnose=False)
    except InfeasiblePortfolioError:
        free = None
    if values is None:
        values = _value_range(p, c, free, current, points)
    values = [float(v) for v in values]
    found = _walk(p, c, values, free, progress, vary, get_executor(jobs, scheduler))
    rows = [_point(p, v, found[k], plan) for k, v in enumerate(values)]
    return FrontierResult(
        vary=vary,
        objective=plan.reported_name if plan is not None else p.objective_name,
        points=pd.DataFrame(rows),
        current=current,
        money_label=plan.money_label if plan is not None else "",
    )
