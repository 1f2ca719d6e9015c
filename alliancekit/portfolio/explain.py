"""Why each partner is in or out of a portfolio, and how far it is from changing side.

Thresholds are exact re-solves: the best portfolio with partner i fixed in or out differs from
the optimum by exactly the amount its coefficient must move (the objective is linear in x_i),
so only the cost cut needs bisection.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.parallel import get_executor
from alliancekit.portfolio.constraints import ConstraintKind
from alliancekit.portfolio.evaluate import measure, measured, objective_at
from alliancekit.portfolio.milp import build, solve
from alliancekit.portfolio.problem import PortfolioProblem
from alliancekit.portfolio.results import PortfolioResult

__all__ = ["explain_selection"]

K = ConstraintKind
COLUMNS = [
    "partner_id",
    "selected",
    "status",
    "reason",
    "objective_coef",
    "exit_threshold",
    "value_rise_to_enter",
    "cost_cut_to_enter",
]


def _with_fix(p: PortfolioProblem, fix: Mapping[str, int]) -> float | None:
    """Optimal objective with some partners fixed in/out, or None when that is infeasible."""
    res = solve(build(p, fix=fix), p.solver, p.time_limit, p.mip_gap)
    if res.objective is None:
        return None
    chosen = np.zeros(p.n, dtype=bool)
    for k, v in res.values.items():
        chosen[k] = v > 0.5
    return objective_at(p, chosen)


def _scaled(p: PortfolioProblem, i: str, factor: float) -> PortfolioProblem:
    """The problem with partner i's costs in every limit column multiplied by ``factor``."""
    table = p.table.copy()
    for c in p.of_kind(K.LIMIT):
        table[c.target] = pd.to_numeric(table[c.target]).astype(float)
        table.loc[i, c.target] = float(table.loc[i, c.target]) * factor
    return replace(p, table=table)


def _dominator(p: PortfolioProblem, i: str, selected: set[str], screened: Mapping) -> str | None:
    """A selected partner at least as good as i on the objective, every limit and coverage."""
    obj = p.objective
    costs = [c.target for c in p.of_kind(K.LIMIT, K.AVERAGE)]
    gaps = [c.target for c in p.of_kind(K.COVERAGE)]
    for k in selected:
        if k == i or k in screened or obj[k] < obj[i] - 1e-12:
            continue
        if any(float(p.table.loc[k, c]) > float(p.table.loc[i, c]) + 1e-12 for c in costs):
            continue
        if p.coverage is not None and any(
            p.coverage.loc[k, g] < p.coverage.loc[i, g] - 1e-12 for g in gaps
        ):
            continue
        return k
    return None


def _why_out(
    p: PortfolioProblem, i: str, selected: set[str], screened: Mapping, binding: str
) -> list[str]:
    """The reasons an unscreened partner is not selected, in the user's words."""
    reasons = ["existing alliance exited by the plan"] if i in p.uncounted else []
    for clique in p.conflicts:
        hit = [k for k in clique if k != i and k in selected] if i in clique else []
        if hit:
            reasons.append(f"conflicts with selected {', '.join(hit)}")
    if i in p.requires:
        needs = p.requires[i]
        if not [k for k in needs if k not in screened]:
            reasons.append(
                "dependency unmet: needs one of " + ", ".join(needs) + ", all screened out"
            )
        elif not any(k in selected for k in needs):
            reasons.append("dependency unmet: needs one of " + ", ".join(needs))
    dom = _dominator(p, i, selected, screened)
    if dom is not None:
        reasons.append(f"dominated by {dom} (better value, no higher cost or risk)")
    x = np.array([k in selected or k == i for k in p.ids], dtype=float)
    broken = []
    for c in measured(p):
        if c.sense.slack(measure(p, c, x), c.bound) < -1e-9 * max(1.0, abs(c.bound)):
            broken.append(c.phrase)
    if broken:
        reasons.append("adding it breaks " + ", ".join(broken))
    if not reasons:
        reasons.append(f"crowded out: a better use of the binding limits ({binding})")
    return reasons


def _cost_cut(p: PortfolioProblem, i: str, best: float, tol: float) -> float:
    """Share [0–1] by which i's costs must fall for it to enter (bisection; NaN if never)."""
    free = _with_fix(_scaled(p, i, 0.0), {i: 1})
    if free is None or free < best - 1e-9:
        return math.nan
    lo, hi = 0.0, 1.0  # cut share: lo fails, hi enters
    while hi - lo > tol:
        mid = (lo + hi) / 2
        got = _with_fix(_scaled(p, i, 1 - mid), {i: 1})
        if got is not None and got >= best - 1e-9:
            hi = mid
        else:
            lo = mid
    return hi


def explain_selection(
    result: PortfolioResult,
    *,
    thresholds: bool = True,
    tol: float = 1e-3,
    jobs: int = 1,
    scheduler: str | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Why each partner is in or out, and how far it is from changing side.

    Parameters
    ----------
    result : PortfolioResult
    thresholds : bool
        Re-solve to find entry/exit thresholds (one or two MILPs per partner plus a bisection
        per excluded partner); ``False`` gives reasons only.
    tol : float
        Bisection tolerance on the cost-cut share [0–1].
    jobs : int
        Local worker processes for the thresholds' re-solves (1: this process; -1: every core).
    scheduler : str, optional
        A Dask scheduler address (default: ``ALLIANCEKIT_SCHEDULER``, else local); the table is
        the same wherever the re-solves run.
    progress : bool
        A tqdm progress bar over the partners whose thresholds are re-solved.

    Returns
    -------
    DataFrame
        Indexed by ``partner_id``: ``selected``, ``status`` (selected / excluded / screened),
        ``reason``, ``objective_coef``, ``exit_threshold`` (coefficient below which a selected
        partner leaves: coef − (OPT − OPT without it); −inf if no feasible portfolio lacks it),
        ``value_rise_to_enter`` (OPT − OPT with it forced in; NaN if no feasible portfolio
        holds it), ``cost_cut_to_enter`` (share [0–1] by which its costs in every limit column
        must fall to enter; bisection; NaN if even a free partner stays out).
    """
    p = result.problem
    # Existing alliances re-optimised as keep/exit rows (plan_portfolio(reoptimise_existing=
    # True)) are part of the solution when kept, though ``result.selected`` lists new partners.
    selected = set(result.selected) | (set(result.kept) & set(p.uncounted))
    screened = dict(result.screened)
    best = objective_at(p, np.array([i in selected for i in p.ids]))
    binding = ", ".join(c.label for c in result.binding_constraints) or "none"
    rows = []
    for i in p.ids:
        coef = float(p.objective[i])
        row: dict[str, Any] = {"partner_id": i, "selected": i in selected, "objective_coef": coef}
        row |= dict.fromkeys(COLUMNS[-3:], math.nan)
        if i in selected:
            row |= {"status": "selected", "reason": _selected_reason(p, i, binding)}
        elif i in screened:
            row |= {"status": "screened", "reason": "screened out: " + screened[i]}
        else:
            reasons = "; ".join(_why_out(p, i, selected, screened, binding))
            row |= {"status": "excluded", "reason": reasons}
        rows.append(row)
    if thresholds:
        todo = [r for r in rows if r["status"] != "screened"]
        items = [(r["partner_id"], r["selected"], r["objective_coef"], r["reason"]) for r in todo]
        found = get_executor(jobs, scheduler).map(
            _thresholds, items, common=(p, best, tol), desc="thresholds", progress=progress
        )
        for r, extra in zip(todo, found, strict=True):
            r |= extra
    return pd.DataFrame(rows, columns=COLUMNS).set_index("partner_id")


def _selected_reason(p: PortfolioProblem, i: str, binding: str) -> str:
    if i in p.must_include:
        return "must include"
    if i in p.uncounted:
        return f"existing alliance kept (binding: {binding})"
    return f"in the optimal set (binding: {binding})"


def _thresholds(
    item: tuple[str, bool, float, str], p: PortfolioProblem, best: float, tol: float
) -> dict[str, Any]:
    """Task: the threshold columns (and any reason they add) of one unscreened partner."""
    i, selected, coef, reason = item
    if not selected:
        return _entry_thresholds(p, i, best, tol, reason)
    without = _with_fix(p, {i: 0})
    if without is None:
        return {
            "exit_threshold": -math.inf,
            "reason": reason + "; no feasible portfolio without it",
        }
    return {"exit_threshold": coef - (best - without)}


def _entry_thresholds(
    p: PortfolioProblem, i: str, best: float, tol: float, reason: str
) -> dict[str, Any]:
    forced = _with_fix(p, {i: 1})
    out: dict[str, Any] = {}
    if forced is not None:
        out["value_rise_to_enter"] = max(0.0, best - forced)
    else:
        out["reason"] = reason + "; no feasible portfolio includes it at its current cost"
    if p.limits:
        out["cost_cut_to_enter"] = _cost_cut(p, i, best, tol)
    return out
