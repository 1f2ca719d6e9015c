"""``plan_roadmap``: a multi-year alliance roadmap from a ``Workspace`` (docs/method.md §12).

The roadmap starts from the one-round plan of ``plan_portfolio`` (the same scores, risks,
knockouts, caps, links, existing alliances and typed constraints, built by
``portfolio.plan.plan_problem``) and spreads it over the roadmap's periods: start windows,
durations, ramps, pilots and scale-ups, per-year budgets and alliance-manager capacity, exits
after their notice. With one year and fixed starts it is ``plan_portfolio``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from alliancekit.model import Workspace
from alliancekit.portfolio.constraints import Constraint, ConstraintKind, Sense
from alliancekit.portfolio.inputs import bad, number
from alliancekit.portfolio.options import PlanOptions
from alliancekit.portfolio.plan import Plan, plan_problem
from alliancekit.roadmap import timing
from alliancekit.roadmap.problem import RoadmapInputs, RoadmapProblem, assemble
from alliancekit.roadmap.results import RoadmapResult
from alliancekit.roadmap.solve import solve_roadmap
from alliancekit.roadmap.timing import Calendar

__all__ = ["plan_roadmap", "roadmap_problem"]


def _per_year(values: Sequence[float], default: float, years: int, what: str) -> np.ndarray:
    """One value per roadmap year: the list's (its last repeating), else ``default``."""
    given = [number(v, what) for v in values]
    if any(v < 0 or not np.isfinite(v) for v in given):
        raise bad(f"{what} must be finite and ≥ 0, got {list(values)!r}")
    if not given:
        return np.full(years, float(default))
    return np.array([given[min(y, len(given) - 1)] for y in range(years)], dtype=float)


def _caps(
    ws: Workspace, plan: Plan, o: PlanOptions, cal: Calendar, lists: dict[str, Any]
) -> tuple[dict[str, np.ndarray], Constraint | None]:
    """Per-year one-off budgets, per-period annual budgets and capacity, other limits as set.

    An explicit list wins; a ``budget_one_off``/``budget_annual`` override applies to every year;
    then the workspace's ``roadmap`` lists; then its single budgets and capacity.
    """
    p = plan.problem
    settings = ws.organization.roadmap
    out: dict[str, np.ndarray] = {}
    capacity = None

    def chosen(name: str, override: Any) -> Sequence[float]:
        if lists.get(name) is not None:
            return list(lists[name])
        return () if override is not None else getattr(settings, name)

    one_off = chosen("budgets_one_off", o.budget_one_off)
    out["cost_one_off"] = _per_year(one_off, p.limits["cost_one_off"], cal.years, "budgets_one_off")
    annual = chosen("budgets_annual", o.budget_annual)
    yearly = _per_year(annual, p.limits["cost_annual"], cal.years, "budgets_annual")
    out["cost_annual"] = np.repeat(yearly * cal.fraction, cal.per_year)
    fte = chosen("capacity_fte", None)
    if fte or "mgmt_load_fte" in p.limits:
        default = p.limits.get("mgmt_load_fte", 0.0)
        out["mgmt_load_fte"] = np.repeat(
            _per_year(fte, default, cal.years, "capacity_fte"), cal.per_year
        )
        if "mgmt_load_fte" not in p.limits:
            w = p.wording
            capacity = Constraint(
                ConstraintKind.LIMIT,
                "mgmt_load_fte",
                Sense.LE,
                float(out["mgmt_load_fte"][0]),
                w.limit("mgmt_load_fte"),
                w.units.get("mgmt_load_fte", "FTE"),
                "limit[mgmt_load_fte]",
            )
    for col, cap in p.limits.items():
        out.setdefault(col, np.full(cal.periods, float(cap)))
    return out, capacity


def roadmap_problem(
    ws: Workspace,
    years: int | None = None,
    *,
    fixed_starts: bool = False,
    step: str | None = None,
    budgets_one_off: Sequence[float] | None = None,
    budgets_annual: Sequence[float] | None = None,
    capacity_fte: Sequence[float] | None = None,
    carry_over: float | None = None,
    coverage_by_year: int | None = None,
    **plan_kwargs: Any,
) -> RoadmapProblem:
    """The roadmap MILP of a workspace, not solved (``plan_roadmap`` documents the arguments:
    the roadmap's own settings here, and every setting of ``plan_portfolio`` by keyword)."""
    options = PlanOptions.from_kwargs(plan_kwargs)
    plan = plan_problem(ws, options)
    cal = timing.calendar_of(ws, years, step)
    settings = ws.organization.roadmap
    lists = {
        "budgets_one_off": budgets_one_off,
        "budgets_annual": budgets_annual,
        "capacity_fte": capacity_fte,
    }
    caps, capacity = _caps(ws, plan, options, cal, lists)
    phi = settings.carry_over if carry_over is None else number(carry_over, "carry_over")
    if not 0 <= phi <= 1:
        raise bad(f"carry_over must lie in [0, 1], got {carry_over!r}")
    by_year = settings.coverage_by_year if coverage_by_year is None else coverage_by_year
    if isinstance(by_year, bool) or not isinstance(by_year, (int, np.integer)) or by_year < 1:
        raise bad(f"coverage_by_year must be a roadmap year ≥ 1, got {by_year!r}")
    stages, screened = timing.stages(plan, ws, cal, fixed=fixed_starts)
    inputs = RoadmapInputs(
        plan=plan,
        options=options,
        calendar=cal,
        stages=stages,
        existing=timing.existing(plan, ws, cal, fixed=fixed_starts),
        screened=screened,
        caps=caps,
        capacity=capacity,
        rate=ws.organization.discount_rate,
        horizon=ws.organization.planning_horizon_years,
        carry_over=float(phi),
        coverage_from=int(by_year),
        fixed=bool(fixed_starts),
        names={c.id: c.name for c in ws.candidates},
    )
    return assemble(inputs)


def plan_roadmap(
    ws: Workspace, years: int | None = None, *, diagnose: bool = True, **settings: Any
) -> RoadmapResult:
    """Plan which alliances to start when, pilot and scale, and exit (docs/method.md §12).

    Parameters
    ----------
    ws : Workspace
        Roadmap columns and ``organization.yaml`` ``roadmap`` settings are optional
        (data/README.md); without them every year has this round's budgets and capacity.
    years : int, optional
        Length of the roadmap [years], 1–10 (default: ``roadmap.years``, else
        ``planning_horizon_years``).
    diagnose : bool
        On infeasibility, find the conflicting constraints by name and period.
    **settings
        The roadmap's own settings (as ``roadmap_problem``):

        - ``fixed_starts`` (bool): every candidate starts in the first period or never, in one
          stage at its full terms, with no ramps; review exits take effect at once. With
          ``years=1`` this is exactly ``plan_portfolio`` (same limits in year 1).
        - ``step`` ("year" or "quarter"): plan by year or by quarter (default: the
          workspace's ``roadmap.step``).
        - ``budgets_one_off``, ``budgets_annual``, ``capacity_fte`` (sequences): per-year
          one-off budgets [money], annual budgets [money/yr] and alliance-manager capacity
          [FTE] (the last value repeats), overriding the workspace's.
        - ``carry_over`` (float): share [0–1] of a year's unspent one-off budget carried into
          the next year.
        - ``coverage_by_year`` (int): roadmap year from which mandatory gaps must be covered.

        and every setting of ``plan_portfolio`` (objective, review, reoptimise_existing,
        solver, time_limit, mip_gap, budgets, caps, must_include …), meaning the same here.

    Returns
    -------
    RoadmapResult
        Start period and stage per partner, exit period per existing alliance, spend and
        capacity per period against limits, the discounted objective [money], status and gap.

    Raises
    ------
    InfeasiblePortfolioError
        No roadmap satisfies every constraint; the message names the groups and periods.
    DataValidationError
        Bad arguments (naming the argument).
    """
    return solve_roadmap(roadmap_problem(ws, years, **settings), diagnose=diagnose)
