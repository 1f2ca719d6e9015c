"""Planning over time: a multi-year alliance roadmap (docs/method.md §12).

``plan_roadmap`` spreads the one-round plan of ``plan_portfolio`` over a roadmap of years (or
quarters): which alliances start when, pilot first and scale later, which existing alliances
exit when (after their notice), within per-year budgets and alliance-manager capacity.

Layers, lowest first: ``timing`` (calendar, stages, existing alliances), ``problem`` (the MILP
in matrix form, one typed group per constraint and period), ``results`` (``RoadmapResult``),
``solve``, ``diagnose`` (infeasibility naming the period), ``explain`` (why not a partner),
``plan`` (``plan_roadmap``), ``years`` (the roadmap year by year, in words), ``source`` (the
roadmap as a source of near-optimal alternatives and limit values,
``alliancekit.portfolio.alternatives``).
"""

from __future__ import annotations

from alliancekit.roadmap.explain import explain_roadmap, why_not
from alliancekit.roadmap.plan import plan_roadmap, roadmap_problem
from alliancekit.roadmap.problem import RoadmapProblem, YearConstraint
from alliancekit.roadmap.results import RoadmapResult
from alliancekit.roadmap.solve import solve_roadmap
from alliancekit.roadmap.timing import Calendar, Stage, StageKind
from alliancekit.roadmap.years import has_roadmap_data, year_table

__all__ = [
    "Calendar",
    "RoadmapProblem",
    "RoadmapResult",
    "Stage",
    "StageKind",
    "YearConstraint",
    "explain_roadmap",
    "has_roadmap_data",
    "plan_roadmap",
    "roadmap_problem",
    "solve_roadmap",
    "why_not",
    "year_table",
]
