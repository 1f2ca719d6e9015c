"""Health (docs/method.md §5.1–§5.2): the milestone score M, the latest survey at or before T,
and the dimensions D1–D6, with a note for everything missing (never a silent zero).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from alliancekit.model import (
    Alliance,
    MilestoneStatus,
    Side,
    likert,
    period_from_index,
    period_index,
)
from alliancekit.review import measures
from alliancekit.review.policy import DIMENSIONS, SURVEY_ITEMS, ReviewPolicy
from alliancekit.review.quarters import Quarters, quarter_of

__all__ = ["dimension_notes", "dimensions", "milestone_scores", "survey"]

_NO_SURVEY = (
    "D1, D3–D6 and H not available; rules E1, E3, R1, R4 not evaluated and GROW cannot fire"
)


def milestone_scores(
    milestones: pd.DataFrame, alliances: list[Alliance], q: Quarters, p: ReviewPolicy
) -> np.ndarray:
    """M per alliance from the milestones due in the last quarters up to T, 1 if none is due;
    an alliance's ``milestone_score`` input overrides (§5.1, §10 reading 13)."""
    ids = [a.alliance_id for a in alliances]
    ms = milestones[milestones["alliance_id"].astype(str).isin(ids)]
    due = quarter_of(ms["due_period"])
    ms = ms[(due <= q.review) & (due > q.review - p.milestone_window)]
    status = ms["status"].astype(str)
    met, late = status == MilestoneStatus.MET.value, status == MilestoneStatus.LATE.value
    credit = np.where(met, 1.0, np.where(late, p.late_credit, 0.0))
    weights = np.where(ms["turning_point"].to_numpy(dtype=bool), p.turning_point_weight, 1.0)
    position = {a: i for i, a in enumerate(ids)}
    groups = ms["alliance_id"].astype(str).map(position).to_numpy(dtype=int)
    scores = measures.milestone_score(weights, credit, groups, len(ids))
    for i, a in enumerate(alliances):
        given = a.milestone_score
        if given is not None and not (isinstance(given, float) and math.isnan(given)):
            scores[i] = float(given)
    return scores


def _survey_frame(ids: tuple[str, ...]) -> pd.DataFrame:
    out = pd.DataFrame(index=pd.Index(ids, name="alliance_id"))
    out["survey_period"] = None
    for col in [*SURVEY_ITEMS.values(), "trust_own", "trust_partner"]:
        out[col] = np.nan
    return out


def _latest_survey(
    health: pd.DataFrame, ids: tuple[str, ...], review: int
) -> tuple[pd.DataFrame, set[tuple[str, str]]]:
    """Per alliance the latest survey at or before T: items (mean of the sides present),
    own and partner trust, its period; and the (alliance, side) pairs present."""
    items = list(SURVEY_ITEMS.values())
    out = _survey_frame(ids)
    h = health[health["alliance_id"].astype(str).isin(ids)].reset_index(drop=True)
    h = h.assign(t=quarter_of(h["period"]), alliance_id=h["alliance_id"].astype(str))
    h = h[h["t"] <= review]
    if not len(h):
        return out, set()
    h = h[h["t"] == h.groupby("alliance_id")["t"].transform("max")]
    values = h[items].astype(float)
    values = values.assign(alliance_id=h["alliance_id"].to_numpy(), side=h["side"].to_numpy())
    by_side = values.groupby(["alliance_id", "side"]).mean()
    merged = by_side.groupby(level=0).mean()  # mean of the sides present, per item
    for col in items:
        out.loc[merged.index, col] = merged[col].to_numpy(dtype=float)
    trust = by_side["trust"].unstack()
    for side in Side.values():
        if side in trust.columns:
            out.loc[trust.index, f"trust_{side}"] = trust[side].to_numpy(dtype=float)
    latest = h.groupby("alliance_id")["t"].max()
    out.loc[latest.index, "survey_period"] = [period_from_index(int(x)) for x in latest]
    return out, set(by_side.index)


def _survey_notes(
    survey: pd.DataFrame, sides: set, review: int, p: ReviewPolicy, notes: dict[str, list[str]]
) -> None:
    """No survey, a stale one, a missing side, trust or item (each disclosed, never zero)."""
    own, partner = survey["trust_own"].to_numpy(float), survey["trust_partner"].to_numpy(float)
    items = {item: survey[item].to_numpy(dtype=float) for item in SURVEY_ITEMS.values()}
    for i, (aid, period) in enumerate(survey["survey_period"].items()):
        if not isinstance(period, str):
            at = period_from_index(review)
            notes[aid].append(f"no health survey at or before {at}: {_NO_SURVEY}")
            continue
        age = review - period_index(period)
        if age > p.survey_max_age:
            notes[aid].append(f"health survey from {period} is {age} quarters old (stale)")
        for side in Side.values():
            if (aid, side) not in sides:
                notes[aid].append(f"survey {period}: {side} side missing")
        if np.isnan(own[i]) != np.isnan(partner[i]):
            gone = Side.OWN if np.isnan(own[i]) else Side.PARTNER
            notes[aid].append(
                f"survey {period}: trust of the {gone} side missing; D3 has no "
                "perception-gap penalty"
            )
        for d, item in SURVEY_ITEMS.items():
            if np.isnan(items[item][i]):
                notes[aid].append(f"survey {period}: {item} not answered by either side ({d})")


def survey(
    health: pd.DataFrame,
    ids: tuple[str, ...],
    review: int,
    p: ReviewPolicy,
    notes: dict[str, list[str]],
) -> pd.DataFrame:
    """Per alliance: survey_period, the five items (mean of sides present), trust_own/partner."""
    if not len(health):
        for aid in ids:
            notes[aid].append(f"no health survey: {_NO_SURVEY}")
        return _survey_frame(ids)
    latest, sides = _latest_survey(health, ids, review)
    _survey_notes(latest, sides, review, p, notes)
    return latest


def dimensions(a_w: np.ndarray, m: np.ndarray, survey: pd.DataFrame, p: ReviewPolicy) -> np.ndarray:
    """D1..D6 [0–100] per alliance (alliances × 6): survey items by 100·L(x), D2 from A_W and
    M, D3 from own and partner trust (§5.2)."""
    d2 = measures.value_dimension(
        a_w,
        m,
        attainment_share=p.d2_attainment_share,
        milestone_share=p.d2_milestone_share,
        zero_at=p.d2_zero_at,
        span=p.d2_span,
    )
    d3 = measures.trust_dimension(survey["trust_own"], survey["trust_partner"], p.d3_gap_penalty)
    scaled = {
        d: 100.0 * likert(survey[item].to_numpy(dtype=float)) for d, item in SURVEY_ITEMS.items()
    }
    columns = [scaled["D1"], d2, d3, scaled["D4"], scaled["D5"], scaled["D6"]]
    return np.column_stack(columns) if len(a_w) else np.zeros((0, len(DIMENSIONS)))


def dimension_notes(dims: np.ndarray, ids: tuple[str, ...], notes: dict[str, list[str]]) -> None:
    """Some (not all) dimensions missing with a survey: H renormalises over the rest."""
    missing = np.isnan(dims)
    no_survey = missing[:, [0, 2, 3, 4, 5]].all(axis=1)
    for i in np.flatnonzero(missing.any(axis=1) & ~missing.all(axis=1) & ~no_survey):
        absent = [d for d, gone in zip(DIMENSIONS, missing[i], strict=True) if gone]
        kept = ", ".join(d for d in DIMENSIONS if d not in absent)
        notes[ids[i]].append(
            f"{', '.join(absent)} not available: H renormalises the weights over {kept}"
        )
