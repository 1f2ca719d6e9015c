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

from typing import TYPE_CHECKING

from alliancekit.lazy import lazy_exports

if TYPE_CHECKING:  # what the names below are, for type checkers and editors
    from alliancekit.roadmap.explain import explain_roadmap, why_not
    from alliancekit.roadmap.plan import plan_roadmap, roadmap_problem
    from alliancekit.roadmap.problem import RoadmapProblem, YearConstraint
    from alliancekit.roadmap.results import RoadmapResult
    from alliancekit.roadmap.solve import solve_roadmap
    from alliancekit.roadmap.timing import Calendar, Stage, StageKind
    from alliancekit.roadmap.years import has_roadmap_data, year_table

#: Public name -> the module of this package that defines it. The modules are imported when a
#: name is first used: a review report asks whether a workspace has roadmap data
#: (``has_roadmap_data``) without loading the roadmap's MILP, explanations and diagnosis.
_HOMES = {
    "Calendar": "timing",
    "RoadmapProblem": "problem",
    "RoadmapResult": "results",
    "Stage": "timing",
    "StageKind": "timing",
    "YearConstraint": "problem",
    "explain_roadmap": "explain",
    "has_roadmap_data": "years",
    "plan_roadmap": "plan",
    "roadmap_problem": "plan",
    "solve_roadmap": "solve",
    "why_not": "explain",
    "year_table": "years",
}

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
]  # the keys of _HOMES


__getattr__, __dir__ = lazy_exports(__name__, _HOMES)
