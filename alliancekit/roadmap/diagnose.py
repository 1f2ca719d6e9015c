"""Infeasibility of a roadmap as a finding: which constraints conflict, in which period.

The deletion filter of ``portfolio.diagnose`` (Chinneck & Dravnieks 1991) over the roadmap's
groups (one per constraint and period): each group is dropped in turn and left out for good when
the rest stays infeasible. For each group of the minimal set, the bound it would need (every
other group held) comes from re-optimising its usage, or from bisection for averages and cost
shares; the message speaks the groups' labels and periods ("raise the annual budget in 2027 from
55 to at least 61").
"""

from __future__ import annotations

import math
from collections.abc import Collection

import numpy as np

from alliancekit.errors import InfeasiblePortfolioError, Relaxation
from alliancekit.model import SolveStatus
from alliancekit.portfolio.constraints import ConstraintKind, Sense, join_ids
from alliancekit.portfolio.diagnose import deletion_filter, describe, remedies
from alliancekit.portfolio.milp import build_matrix, set_objective_terms
from alliancekit.roadmap.problem import RoadmapProblem, YearConstraint, assemble
from alliancekit.roadmap.solve import run

__all__ = ["diagnose_roadmap", "feasible_with", "least_use"]

K = ConstraintKind
_SOLVED = (SolveStatus.OPTIMAL, SolveStatus.TIME_LIMIT)


def _rows(p: RoadmapProblem, active: Collection[int]) -> list[int]:
    """Structural rows and the rows of the ``active`` groups."""
    grouped = set(int(r) for r in p.group_row)
    keep = {int(p.group_row[g]) for g in active}
    return [r for r in range(p.matrix.A.shape[0]) if r not in grouped or r in keep]


def feasible_with(p: RoadmapProblem, active: Collection[int]) -> bool:
    """Whether some roadmap satisfies the ``active`` groups (positions in ``p.groups``)."""
    model = build_matrix(p.matrix, _rows(p, active), objective=np.zeros(p.matrix.n))
    res = run(p, model, mip_gap=0.0)
    if res.status is SolveStatus.NOT_SOLVED:
        raise InfeasiblePortfolioError(
            "the solver could not decide whether a roadmap exists within the time limit"
        )
    return res.status in _SOLVED


def least_use(p: RoadmapProblem, g: int, others: Collection[int], direction: str) -> float | None:
    """The least ("min") or largest ("max") use of group ``g`` under the ``others``."""
    model = build_matrix(p.matrix, _rows(p, others))
    row = p.usage.getrow(g)
    set_objective_terms(
        model, dict(zip(row.indices.tolist(), row.data.tolist(), strict=True)), direction
    )
    res = run(p, model, mip_gap=1e-9)
    if res.status not in _SOLVED or res.objective is None:
        return None
    found = res.objective if direction == "max" else -res.objective
    return float(found) + float(p.offset[g])


def diagnose_roadmap(p: RoadmapProblem) -> InfeasiblePortfolioError:
    """A minimal set of conflicting groups (by name and period) and how far each must move."""
    groups = list(range(len(p.groups)))
    if feasible_with(p, groups):
        return InfeasiblePortfolioError(
            "the solver reported no roadmap, but a re-check found one; retry with solver='cbc'"
        )
    active = deletion_filter(groups, lambda subset: feasible_with(p, subset))
    if not active:
        return InfeasiblePortfolioError(
            "no roadmap satisfies the rules that tie stages together (a start window that is "
            "empty, or a pilot that cannot finish in time)"
        )
    relaxations = [_relaxation(p, g, set(groups) - {g}) for g in active]
    typed = [p.groups[g].typed() for g in active]
    return InfeasiblePortfolioError(
        _message(p, active, relaxations),
        tuple(c.key for c in typed),
        tuple(relaxations),
        tuple(typed),
    )


def _relaxation(p: RoadmapProblem, g: int, others: set[int]) -> Relaxation:
    yc = p.groups[g]
    c = yc.typed()
    found = _move(p, g, others)
    if found is None:
        text = (
            f'Relaxing "{yc.label}" alone does not restore feasibility; it must move with '
            "another constraint."
        )
        return Relaxation(c.key, c.bound if c.numeric else math.nan, math.nan, text, c.label)
    needed, text = found
    return Relaxation(c.key, c.bound if c.numeric else 1.0, needed, text, c.label)


def _move(p: RoadmapProblem, g: int, others: set[int]) -> tuple[float, str] | None:
    """The bound group ``g`` needs, the others held, and what to do, in words."""
    yc = p.groups[g]
    c = yc.typed()
    when = f" in {yc.period_label}" if yc.period_label else ""
    if yc.kind in (K.LIMIT, K.CVAR):
        need = least_use(p, g, others, "min")
        if need is None:
            return None
        return need, f"raise the {c.phrase} from {c.amount(c.bound)} to at least {c.amount(need)}"
    if yc.kind is K.COVERAGE:
        got = least_use(p, g, others, "max")
        if got is None:
            return None
        got = max(0.0, math.floor(got * 1e6 + 1e-3) / 1e6)
        later = " (or require the gap closed from a later year: coverage_by_year)" if when else ""
        return got, f"lower the required {c.phrase} from {c.bound:g} to {got:g}{later}"
    if yc.kind in (K.COUNT, K.GROUP_COUNT):
        at_least = yc.sense is Sense.GE
        got = least_use(p, g, others, "max" if at_least else "min")
        if got is None:
            return None
        verb = "lower the minimum" if at_least else "raise the maximum"
        what = "new alliances" if yc.kind is K.COUNT else yc.constraint.target.nouns()[1]
        return float(round(got)), f"{verb} number of {what}{when} from {c.bound:g} to {round(got)}"
    if yc.kind in (K.AVERAGE, K.GROUP_COST_SHARE):
        need = _bisect(p, g, others)
        if need is None:
            return None
        shown = f"{need:.1%}" if yc.kind is K.GROUP_COST_SHARE else f"{need:.4g}"
        return need, f"raise the {c.phrase} cap from {c.bound:.4g} to {shown}"
    drops = {
        K.MUST_INCLUDE: f"drop the must-include requirement on {yc.constraint.target}",
        K.CONFLICT: "drop the exclusivity rule between "
        + f"{join_ids(list(yc.constraint.target))}{when}",
        K.REQUIRES: f"drop the dependency{when}: {yc.constraint.label}",
    }
    return (0.0, drops[yc.kind]) if yc.kind in drops else None


def _bisect(p: RoadmapProblem, g: int, others: set[int], tol: float = 1e-4) -> float | None:
    """Smallest cap of a ratio group (average, cost share) that restores feasibility."""
    yc = p.groups[g]
    lo, hi = yc.bound, 1.0 if yc.kind is K.GROUP_COST_SHARE else max(1.0, yc.bound)

    def ok(bound: float) -> bool:
        q = assemble(p.inputs, {**p.bounds, yc.key: bound})
        return feasible_with(q, set(others) | {g})

    if not ok(hi):
        return None
    for _ in range(40):
        if hi - lo <= tol:
            break
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if ok(mid) else (mid, hi)
    return hi


def _describe(yc: YearConstraint) -> str:
    """The group and its bound in words, with its period."""
    if yc.kind is K.COUNT:
        words = "at least" if yc.sense is Sense.GE else "at most"
        text = f"{words} {yc.bound:g} new alliances may run"
        return text + (f" in {yc.period_label}" if yc.period_label else "")
    text = describe(yc.typed())
    if yc.period_label and yc.period_label not in text:
        text += f" in {yc.period_label}"
    return text


def _message(p: RoadmapProblem, active: list[int], relaxations: list[Relaxation]) -> str:
    first = min(
        (p.groups[g].period for g in active if p.groups[g].period is not None), default=None
    )
    text = "No roadmap satisfies every constraint"
    if first is not None:
        text += f" (the first conflict is in {p.calendar.label(first)})"
    text += ". Conflicting constraints: " + "; ".join(_describe(p.groups[g]) for g in active) + "."
    return text + remedies(relaxations)
