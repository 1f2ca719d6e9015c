"""Review inputs: a checked workspace → the per-alliance measurements the rules read (§5.1–§5.6).

``measure`` runs named stages over the typed tables that ``workspace.checks.check_review_inputs``
returns (so the review trusts what it reads, and refuses exactly what ``alliancekit validate``
refuses): the review quarter T and the alliances reviewed (``quarters``); attainment per KPI
row, per quarter, over the window and its trend, the notes on the KPI data and VRR
(``attainment``); the milestone score, the latest survey and the dimensions D1–D6 (``health``);
then, here, the hard triggers and the economic check.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError
from alliancekit.model import Alliance, Workspace, period_from_index, period_index
from alliancekit.review import attainment, health, measures
from alliancekit.review.actions import overdue_counts
from alliancekit.review.policy import DIMENSIONS, ReviewPolicy
from alliancekit.review.quarters import Quarters, quarter_of, resolve_period, reviewed
from alliancekit.workspace.checks import ReviewTables, check_review_inputs

__all__ = ["ReviewInputs", "measure"]


@dataclass(frozen=True)
class ReviewInputs:
    """Everything measured before the decision rules (shared by review and sensitivity).

    Attributes
    ----------
    ids : tuple of str
        Alliances reviewed at T, in workspace order.
    quarter : int
        Period index of the review quarter T.
    alliances : Mapping
        alliance_id -> Alliance (every alliance of the workspace).
    metrics : DataFrame
        Per reviewed alliance: A_W, trend, VRR, M, D1..D6, quarters_with_data, A_std,
        survey_period, trust_own, trust_partner, E0, V_hat, PV_continue, exit_value, exit_cost,
        remaining_quarters, economic_data.
    detail : DataFrame
        KPI rows up to T indexed by (alliance_id, kpi_id, period) with attainment and status.
    attainment : DataFrame
        A_t per alliance and period (from the first quarter with data up to T).
    notes : Mapping
        alliance_id -> data-quality notes.
    triggers : Mapping
        alliance_id -> hard-trigger text, for alliances with an event in the trigger window.
    """

    ids: tuple[str, ...]
    quarter: int
    alliances: Mapping[str, Alliance]
    metrics: pd.DataFrame
    detail: pd.DataFrame
    attainment: pd.DataFrame
    notes: Mapping[str, list[str]]
    triggers: Mapping[str, str]


# -- triggers and economics -------------------------------------------------------------------
def _triggers(
    events: pd.DataFrame, ids: tuple[str, ...], review: int, p: ReviewPolicy
) -> dict[str, str]:
    """alliance_id -> trigger text for events in the window ``T−E+1..T``."""
    ev = events[events["alliance_id"].astype(str).isin(ids)].reset_index(drop=True)
    t = quarter_of(ev["period"])
    ev = ev[(t <= review) & (t > review - p.trigger_window)]
    out: dict[str, str] = {}
    for aid, g in ev.groupby(ev["alliance_id"].astype(str), sort=False):
        texts = []
        for _, row in g.iterrows():
            trigger = str(row.get("trigger", "") or "hard trigger").replace("_", " ")
            desc = row.get("description", "")
            desc = "" if desc is None or (isinstance(desc, float) and math.isnan(desc)) else desc
            texts.append(f"{trigger} in {row['period']}" + (f": {desc}" if desc else ""))
        out[str(aid)] = "; ".join(texts)
    return out


def _remaining(a: Alliance, review: int, default: int) -> int:
    """Quarters left after T: to ``end_period`` or, without one, ``default``."""
    return period_index(a.end_period) - review if a.end_period else default


def _economics(
    ws: Workspace,
    alliances: list[Alliance],
    review: int,
    p: ReviewPolicy,
    metrics: pd.DataFrame,
    notes: dict[str, list[str]],
) -> None:
    """PV_continue, exit_value and the E4 availability flag (money data exist) into ``metrics``
    (§5.6): ``PV = Σ_{k=1..n} (V̂ − C)/4 · (1+r_q)^−k`` with ``V̂ = value_plan_annual·A_W``."""
    org = ws.organization
    rate = org.discount_rate if p.discount_rate is None else p.discount_rate
    default_n = p.horizon_quarters
    if default_n is None:
        default_n = 4 * org.planning_horizon_years
    plan = np.asarray(
        [np.nan if a.value_plan_annual is None else a.value_plan_annual for a in alliances],
        dtype=float,
    )
    cost = np.asarray([float(a.cost_annual) for a in alliances], dtype=float)
    quarters = [_remaining(a, review, default_n) for a in alliances]
    salvage = np.asarray([float(a.salvage_value or 0.0) for a in alliances], dtype=float)
    exit_cost = [float(a.exit_cost or 0.0) for a in alliances]
    a_w = metrics["A_W"].to_numpy()
    has_money = np.isfinite(plan) & (plan > 0) & np.isfinite(a_w)
    v_hat = plan * a_w
    pv = measures.continuation_value(v_hat, cost, p.quarterly_rate.of(rate), np.asarray(quarters))
    metrics["V_hat"] = np.where(has_money, v_hat, np.nan)
    metrics["PV_continue"] = np.where(has_money, pv, np.nan)
    metrics["exit_value"] = salvage - np.asarray(exit_cost)
    metrics["exit_cost"] = exit_cost
    metrics["remaining_quarters"] = quarters
    metrics["economic_data"] = has_money
    if p.economic_check:
        for i in np.flatnonzero(~has_money):
            message = "no value plan (value_plan_annual) or A_W: E4 not evaluated"
            notes[alliances[i].alliance_id].append(message)


# -- the whole measurement --------------------------------------------------------------------
def _checked_tables(ws: Workspace) -> ReviewTables:
    """The workspace's tables, checked; a review needs alliances and KPI observations."""
    if not ws.alliances:
        raise DataValidationError.single(
            "the workspace has no existing alliances to review", file="alliances.csv"
        )
    tables = check_review_inputs(ws)
    if not len(tables.kpis):
        raise DataValidationError.single(
            "the workspace has no KPI observations; a review needs planned and actual values",
            file="kpis.csv",
        )
    return tables


def measure(ws: Workspace, period: str | None, policy: ReviewPolicy) -> ReviewInputs:
    """Every measurement of the review at ``period`` (docs/method.md §5.1–§5.6).

    Raises
    ------
    DataValidationError
        Invalid tables (``check_review_inputs``), no alliances or KPI rows, or a review period
        that is malformed or has no KPI data.
    """
    tables = _checked_tables(ws)
    kpis = attainment.kpi_rows(tables.kpis)
    q = Quarters.of(resolve_period(period, kpis["t"].to_numpy()), policy)
    ids = reviewed(ws, q.review)
    by_id = {a.alliance_id: a for a in ws.alliances}
    alliances = [by_id[aid] for aid in ids]
    kpis = kpis[kpis["alliance_id"].isin(ids) & (kpis["t"] <= q.review)]
    notes: dict[str, list[str]] = {aid: [] for aid in ids}
    att = attainment.attainment(kpis, ids, q, policy)
    window = attainment.window(att, q, policy)
    attainment.kpi_row_notes(att, notes)
    attainment.window_notes(window, alliances, q, notes)
    metrics = pd.DataFrame(index=pd.Index(ids, name="alliance_id"))
    metrics["A_W"] = window.a_w
    metrics["trend"] = window.trend
    metrics["VRR"] = attainment.vrr(ws, kpis, att.reported, ids)
    metrics["M"] = health.milestone_scores(tables.milestones, alliances, q, policy)
    survey = health.survey(tables.health, ids, q.review, policy, notes)
    dims = health.dimensions(window.a_w, metrics["M"].to_numpy(), survey, policy)
    for j, d in enumerate(DIMENSIONS):
        metrics[d] = dims[:, j]
    health.dimension_notes(dims, ids, notes)
    metrics["quarters_with_data"] = window.quarters_with_data
    metrics["A_std"] = window.std
    metrics["survey_period"] = survey["survey_period"].to_numpy()
    metrics["trust_own"] = survey["trust_own"].to_numpy(dtype=float)
    metrics["trust_partner"] = survey["trust_partner"].to_numpy(dtype=float)
    triggers = _triggers(tables.events, ids, q.review, policy)
    metrics["E0"] = [aid in triggers for aid in ids]
    metrics["actions_overdue"] = overdue_counts(tables.actions, period_from_index(q.review), ids)
    _economics(ws, alliances, q.review, policy, metrics, notes)
    detail = att.detail.drop(columns=["t", "higher"])
    detail = detail.set_index(["alliance_id", "kpi_id", "period"])
    by_period = attainment.attainment_frame(att, kpis, q)
    return ReviewInputs(ids, q.review, by_id, metrics, detail, by_period, notes, triggers)
