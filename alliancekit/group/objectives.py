"""Joint objectives with a partner, prioritised by both sides, turned into review benchmarks.

The source texts ask both partners to "review the mission statements of the two organizations
and create common objectives appropriate for both organizations; after creating the objectives,
evaluate them and prioritize those most important for the partnership", and for "a formal
mechanism for both the partners to identify goals, milestones and turning points" that serve as
the benchmarks of the periodic review (docs/group.md §5). :func:`joint_objectives` checks that
each agreed objective serves a goal of each side and prioritises the objectives by group AHP
across both sides; :func:`objective_benchmarks` turns them into the alliance's ``kpis.csv``
rows (weight = priority) and ``milestones.csv`` rows, which the quarterly review measures
against.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError, Problem
from alliancekit.group.ahp import GroupAHPResult, aggregate_weights, group_ahp
from alliancekit.group.participants import Participant
from alliancekit.group.vocab import AggregationMethod
from alliancekit.model import Goal, KPIDirection, Perspective, is_period, period_key
from alliancekit.results import Result, html_table
from alliancekit.workspace import TABLE_COLUMNS

__all__ = [
    "JointMilestone",
    "JointObjective",
    "JointObjectivesResult",
    "joint_objectives",
    "objective_benchmarks",
]


@dataclass(frozen=True)
class JointMilestone:
    """A milestone of a joint objective; a turning point counts double in the review."""

    milestone_id: str
    text: str
    due_period: str
    turning_point: bool = False


@dataclass(frozen=True)
class JointObjective:
    """An objective both partners agreed on.

    Attributes
    ----------
    objective_id : str
        Becomes the KPI id.
    text : str
    serves_own, serves_partner : tuple of str
        Ids of the own organization's and the partner's goals it serves (one of each at least).
    unit : str
        Unit of the KPI (``%``, ``ha``, ``PKR lakh`` …).
    direction : KPIDirection
        Whether a higher actual is better.
    perspective : Perspective or None
        Balanced-scorecard perspective.
    targets : Mapping
        Period ``YYYY-Qn`` -> planned value [unit].
    milestones : tuple of JointMilestone
    """

    objective_id: str
    text: str
    serves_own: tuple[str, ...] = ()
    serves_partner: tuple[str, ...] = ()
    unit: str = ""
    direction: KPIDirection = KPIDirection.HIGHER
    perspective: Perspective | None = None
    targets: Mapping[str, float] = field(default_factory=dict)
    milestones: tuple[JointMilestone, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "direction", KPIDirection.parse(self.direction, what="direction"))
        object.__setattr__(
            self, "perspective", Perspective.parse_optional(self.perspective, what="perspective")
        )
        object.__setattr__(self, "serves_own", tuple(self.serves_own))
        object.__setattr__(self, "serves_partner", tuple(self.serves_partner))
        object.__setattr__(
            self,
            "milestones",
            tuple(
                m if isinstance(m, JointMilestone) else JointMilestone(**m) for m in self.milestones
            ),
        )
        object.__setattr__(self, "targets", dict(self.targets))


@dataclass(frozen=True)
class JointObjectivesResult(Result):
    """Agreed objectives with their priorities for the partnership.

    Attributes
    ----------
    objectives : tuple of JointObjective
    table : DataFrame
        By objective: ``text``, ``serves_own``, ``serves_partner``, ``priority`` [0–1],
        ``priority_own`` and ``priority_partner`` (each side's own aggregation, NaN without
        that side), ``rank``.
    group : GroupAHPResult
        The group AHP across both sides.
    notes : tuple of str
        Goals of either side that no agreed objective serves.
    """

    objectives: tuple[JointObjective, ...]
    table: pd.DataFrame
    group: GroupAHPResult
    notes: tuple[str, ...] = ()

    title = "Joint objectives"

    def to_frame(self) -> pd.DataFrame:
        """The objectives table, highest priority first."""
        return self.table.sort_values("rank", kind="stable")

    def summary(self) -> str:
        """Priorities in order, consensus across both sides, unserved goals."""
        lines = [f"{i}: {rec.priority:.0%}  {rec.text}" for i, rec in self.to_frame().iterrows()]
        level = self.group.consensus_level
        if level is not None:
            lines.append(f"consensus S* = {self.group.consensus:.1%} ({level.label})")
        return "\n".join(lines + [f"note: {n}" for n in self.notes])

    def html_tables(self) -> list[tuple[str, str]]:
        """The objectives with their priorities."""
        pct = dict.fromkeys(("priority", "priority_own", "priority_partner"), ".0%")
        return [("", html_table(self.to_frame(), formats=pct))]


def _goal_ids(goals: Any, side: str) -> dict[str, str]:
    """Goal id -> text from Goals, a Mapping id -> text, or texts (ids O1, O2 … / P1 …)."""
    if isinstance(goals, Mapping):
        return {str(k): str(v) for k, v in goals.items()}
    out = {}
    for k, g in enumerate(goals, start=1):
        if isinstance(g, Goal):
            out[g.goal_id] = g.text
        else:
            out[f"{'O' if side == 'own' else 'P'}{k}"] = str(g)
    return out


def _check(agreed: Sequence[JointObjective], own: dict, partner: dict) -> list[str]:
    """Problems that make the agreed list unusable (raised) and unserved goals (returned)."""
    problems, ids = [], [o.objective_id for o in agreed]
    if len(agreed) < 2 or len(set(ids)) != len(ids):
        problems.append(
            Problem("agreed", None, "objective_id", "needs 2 or more objectives with distinct ids")
        )
    for o in agreed:
        for side, goals, served in (
            ("own", own, o.serves_own),
            ("partner", partner, o.serves_partner),
        ):
            unknown = [g for g in served if g not in goals]
            if unknown:
                problems.append(
                    Problem(
                        "agreed",
                        None,
                        o.objective_id,
                        f"serves unknown {side} goal(s) {', '.join(unknown)}",
                    )
                )
            elif not served:
                problems.append(
                    Problem(
                        "agreed",
                        None,
                        o.objective_id,
                        f"serves no {side} goal; a joint objective must be "
                        "appropriate for both organizations",
                    )
                )
    if problems:
        raise DataValidationError(problems)
    notes = []
    for side, goals, attr in (("own", own, "serves_own"), ("partner", partner, "serves_partner")):
        served = {g for o in agreed for g in getattr(o, attr)}
        notes += [
            f"{side} goal {g} ({t}) is served by no joint objective"
            for g, t in goals.items()
            if g not in served
        ]
    return notes


def joint_objectives(
    own: Sequence[Goal | str] | Mapping[str, str],
    partner: Sequence[Goal | str] | Mapping[str, str],
    agreed: Sequence[JointObjective | Mapping[str, Any]],
    judgements: Mapping[Any, pd.DataFrame | np.ndarray] | pd.DataFrame,
    *,
    participants: Sequence[Participant] = (),
    method: str | AggregationMethod = "aij",
) -> JointObjectivesResult:
    """Prioritise the objectives both partners agreed on, by group AHP across both sides.

    Parameters
    ----------
    own, partner : sequence of Goal or str, or Mapping id -> text
        Each organization's goals (e.g. ``ws.organization.goals``, and the partner's from its
        mission statement); texts get ids O1, O2 … and P1, P2 ….
    agreed : sequence of JointObjective (or Mappings of its fields)
        The common objectives; each must serve at least one goal of each side.
    judgements : Mapping or DataFrame
        Participant -> pairwise matrix over the objective ids (1–9 scale), or a DataFrame of
        direct points (participants × objective ids).
    participants : sequence of Participant, optional
        Gives each participant's side, for the per-side priorities and weights.
    method : {"aij", "aip", "aip_arithmetic"}

    Returns
    -------
    JointObjectivesResult
    """
    objectives = tuple(o if isinstance(o, JointObjective) else JointObjective(**o) for o in agreed)
    own_goals, partner_goals = _goal_ids(own, "own"), _goal_ids(partner, "partner")
    notes = _check(objectives, own_goals, partner_goals)
    ids = [o.objective_id for o in objectives]
    people = {p.participant_id: p for p in participants}
    weights = {p: people[p].weight for p in people} if people else None

    def prioritise(only: list | None) -> GroupAHPResult:
        if isinstance(judgements, pd.DataFrame):
            table = judgements.reindex(columns=ids)
            table = table if only is None else table.loc[only]
            pw = None if weights is None else {p: weights.get(p, 1.0) for p in table.index}
            return aggregate_weights(table, pw)
        chosen = {p: m for p, m in judgements.items() if only is None or p in only}
        pw = None if weights is None else {p: weights.get(p, 1.0) for p in chosen}
        return group_ahp(chosen, method, pw)

    group = prioritise(None)
    if sorted(map(str, group.weights.index)) != sorted(ids):
        raise DataValidationError.single(
            f"judgements compare {list(group.weights.index)}, not the agreed objectives {ids}",
            column="judgements",
        )
    table = pd.DataFrame(
        {
            "text": [o.text for o in objectives],
            "serves_own": [", ".join(o.serves_own) for o in objectives],
            "serves_partner": [", ".join(o.serves_partner) for o in objectives],
        },
        index=pd.Index(ids, name="objective_id"),
    )
    table["priority"] = group.weights.reindex(ids).to_numpy()
    for side in ("own", "partner"):
        members = [
            p
            for p, q in people.items()
            if q.organisation.value == side and p in group.individual.index
        ]
        table[f"priority_{side}"] = (
            prioritise(members).weights.reindex(ids).to_numpy() if members else np.nan
        )
    table["rank"] = table["priority"].rank(ascending=False, method="min").astype(int)
    return JointObjectivesResult(objectives, table, group, tuple(notes))


def objective_benchmarks(
    result: JointObjectivesResult, alliance_id: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The alliance's KPI and milestone rows from prioritised joint objectives.

    Parameters
    ----------
    result : JointObjectivesResult
    alliance_id : str
        The alliance (in ``alliances.csv``) whose review measures against these benchmarks.

    Returns
    -------
    kpis, milestones : DataFrame
        ``kpis.csv`` rows (alliance_id, kpi_id, name, perspective, period, planned, actual
        (empty: not yet reported), unit, direction, weight = priority [0–1], source = joint,
        confidence 1, comment "")
        and ``milestones.csv`` rows (alliance_id, milestone_id, text, due_period,
        status = pending, turning_point), as data/README.md describes them.

    Raises
    ------
    DataValidationError
        An objective without targets, or a period that is not ``YYYY-Qn``.
    """
    problems, kpis, milestones = [], [], []
    priority = result.table["priority"]
    for o in result.objectives:
        if not o.targets:
            problems.append(
                Problem(
                    "agreed",
                    None,
                    o.objective_id,
                    "has no targets (period -> planned value) to review",
                )
            )
        periods = [*o.targets, *(m.due_period for m in o.milestones)]
        problems += [
            Problem("agreed", None, o.objective_id, f"{p!r} is not a YYYY-Qn period")
            for p in periods
            if not is_period(str(p))
        ]
        for period in sorted(o.targets, key=lambda p: period_key(p) if is_period(p) else p):
            kpis.append(
                {
                    "alliance_id": alliance_id,
                    "kpi_id": o.objective_id,
                    "name": o.text,
                    "perspective": o.perspective.value if o.perspective else "",
                    "period": period,
                    "planned": float(o.targets[period]),
                    "actual": np.nan,
                    "unit": o.unit,
                    "direction": o.direction.value,
                    "weight": float(priority[o.objective_id]),
                    "source": "joint",
                    "confidence": 1.0,
                    "comment": "",
                }
            )
        milestones += [
            {
                "alliance_id": alliance_id,
                "milestone_id": f"{o.objective_id}-{m.milestone_id}",
                "text": m.text,
                "due_period": m.due_period,
                "status": "pending",
                "turning_point": bool(m.turning_point),
            }
            for m in o.milestones
        ]
    if problems:
        raise DataValidationError(problems)
    kpi_cols = [c.name for c in TABLE_COLUMNS["kpis"]]
    ms_cols = [c.name for c in TABLE_COLUMNS["milestones"]]
    return pd.DataFrame(kpis, columns=kpi_cols), pd.DataFrame(milestones, columns=ms_cols)
