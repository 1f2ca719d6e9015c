"""Why a partner is in or out of a roadmap, by re-solving with it forced in.

A partner left out is forced to start (in any period of its window): if no roadmap then exists,
the deletion filter of ``diagnose`` names the constraints and periods that keep it out; if one
exists, the difference in value is how much its value would have to rise to enter, and the best
roadmap that includes it says when it would start and whom it would replace.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError
from alliancekit.model import SolveStatus
from alliancekit.portfolio.diagnose import deletion_filter
from alliancekit.roadmap.diagnose import _describe, feasible_with
from alliancekit.roadmap.problem import RoadmapProblem
from alliancekit.roadmap.results import RoadmapResult, binding_words, from_solution
from alliancekit.roadmap.solve import fixed_model, run, values_of

__all__ = ["explain_roadmap", "why_not"]

_SOLVED = (SolveStatus.OPTIMAL, SolveStatus.TIME_LIMIT)
_SHOWN = 5  # constraints named in a why-not; the rest are counted


def _forced(p: RoadmapProblem, partner: str) -> RoadmapResult | None:
    """The best roadmap that starts ``partner`` (None when there is none)."""
    res = run(p, fixed_model(p, {partner: 1}))
    if res.status not in _SOLVED:
        return None
    return from_solution(p, values_of(p, res), status=res.status, gap=res.gap, seconds=res.seconds)


def _blocking(p: RoadmapProblem, partner: str) -> list[int]:
    """A minimal set of groups that, with ``partner`` started, cannot all hold."""
    from alliancekit.portfolio.constraints import Sense
    from alliancekit.portfolio.milp import add_terms_row, build_matrix

    def feasible(active: set[int]) -> bool:
        rows = [
            r
            for r in range(p.matrix.A.shape[0])
            if r not in set(p.group_row.tolist()) or r in {int(p.group_row[g]) for g in active}
        ]
        model = build_matrix(p.matrix, rows, objective=np.zeros(p.matrix.n))
        add_terms_row(model, p.indicator(partner), Sense.EQ, 1.0)
        return run(p, model, mip_gap=0.0).status in _SOLVED

    return sorted(deletion_filter(range(len(p.groups)), feasible))


def _name(result: RoadmapResult, partner: str) -> str:
    name = str(result.starts.loc[partner, "name"])
    return f"{name} ({partner})" if name != partner else partner


def why_not(result: RoadmapResult, partner: str) -> str:
    """Why ``partner`` is (not) in the roadmap, in words.

    Raises
    ------
    DataValidationError
        ``partner`` is not a candidate of the roadmap.
    """
    if partner not in result.starts.index:
        known = ", ".join(result.starts.index)
        raise DataValidationError.single(f"unknown partner {partner!r}; candidates: {known}")
    p, row = result.problem, result.starts.loc[partner]
    who = _name(result, partner)
    if row["selected"]:
        return f"{who} is in the roadmap: {row['plan']}."
    if row["screened"]:
        return f"{who} is screened out before the roadmap: {row['screened']}."
    if not p.indicator(partner):
        return f"{who} cannot start within the roadmap: its start window lies after its last year."
    forced = _forced(p, partner)
    if forced is None:
        blocking = _blocking(p, partner)
        if not blocking:
            return f"{who} cannot start in any year of its window together with its stages' rules."
        shown = [_describe(p.groups[g]) for g in blocking[:_SHOWN]]
        more = len(blocking) - len(shown)
        words = "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
        return f"{who} is not in the roadmap: starting it in any year breaks: {words}."
    return _costlier(result, forced, partner, who)


def _costlier(result: RoadmapResult, forced: RoadmapResult, partner: str, who: str) -> str:
    """The best roadmap with the partner: when it starts, whom it replaces, what it costs."""
    loss = result.model_objective - forced.model_objective
    unit = f" {result.money_label}" if result.money_label else ""
    plan = forced.starts.loc[partner, "plan"]
    out = sorted(set(result.selected) - set(forced.selected))
    text = (
        f"{who} is not in the roadmap. The best roadmap that includes it ({plan}) is worth "
        f"{max(loss, 0.0):,.2f}{unit} less"
    )
    if out:
        names = ", ".join(_name(result, i) for i in out)
        text += f" and leaves out {names}"
    text += f"; its value would have to rise by at least {max(loss, 0.0):,.2f}{unit} to enter"
    if result.binding:
        text += f" (binding: {binding_words(result.binding_constraints, result.periods)})"
    return text + "."


def explain_roadmap(result: RoadmapResult, *, thresholds: bool = True) -> pd.DataFrame:
    """Why each candidate is in or out of the roadmap.

    Parameters
    ----------
    result : RoadmapResult
    thresholds : bool
        Re-solve with each left-out partner forced in (one MILP each) for its value rise to
        enter [money, discounted] and the start it would get; ``False`` gives reasons only.

    Returns
    -------
    DataFrame
        Indexed by ``partner_id``: ``name``, ``status`` (started / not started / screened),
        ``plan``, ``reason``, ``value_rise_to_enter`` (NaN when started, screened or when no
        roadmap can include it), ``start_if_forced``.
    """
    rows: list[dict[str, Any]] = []
    p = result.problem
    feasible_with(p, range(len(p.groups)))  # a cheap first solve; raises if undecidable
    for pid, row in result.starts.iterrows():
        out: dict[str, Any] = {
            "partner_id": pid,
            "name": row["name"],
            "plan": row["plan"],
            "value_rise_to_enter": math.nan,
            "start_if_forced": "",
        }
        if row["selected"]:
            out |= {"status": "started", "reason": row["plan"]}
        elif row["screened"]:
            out |= {"status": "screened", "reason": "screened out: " + row["screened"]}
        else:
            out["status"] = "not started"
            forced = _forced(p, pid) if thresholds and p.indicator(pid) else None
            if forced is not None:
                loss = result.model_objective - forced.model_objective
                out["value_rise_to_enter"] = max(loss, 0.0)
                out["start_if_forced"] = forced.starts.loc[pid, "plan"]
                out["reason"] = "crowded out by a better use of the binding limits"
            elif thresholds:
                out["reason"] = why_not(result, pid)
            else:
                out["reason"] = "not started"
        rows.append(out)
    columns = [
        "partner_id", "name", "status", "plan", "reason", "value_rise_to_enter", "start_if_forced",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns).set_index("partner_id")
