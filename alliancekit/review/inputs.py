"""Review inputs: a checked workspace → the per-alliance measurements the rules read (§5.1–§5.6).

``measure`` runs named stages over the typed tables that ``workspace.checks.check_review_inputs``
returns (so the review trusts what it reads, and refuses exactly what ``alliancekit validate``
refuses): the KPI rows with their quarter; the review quarter T and the alliances reviewed;
attainment per KPI row, per quarter, over the window and its trend; the data-quality notes;
VRR; the milestone score; the latest health survey; the dimensions D1–D6; hard triggers; and
the economic check. Quarters are period indices (``model.periods``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError
from alliancekit.model import (
    Alliance,
    AllianceStatus,
    Workspace,
    is_period,
    likert,
    period_from_index,
    period_index,
    period_indices,
)
from alliancekit.review.measures import (
    continuation_value,
    kpi_attainment,
    milestone_score,
    ols_trend,
    trust_dimension,
    value_dimension,
    window_attainment,
)
from alliancekit.review.policy import DIMENSIONS, SURVEY_ITEMS, ReviewPolicy
from alliancekit.workspace.checks import ReviewTables, check_review_inputs

__all__ = ["ReviewInputs", "measure", "resolve_period"]

#: Money units recognised for VRR besides the workspace's own (see the review docstring).
_CURRENCIES = ("EUR", "PKR", "INR", "USD", "GBP", "CHF")
_SCALES = ("", "k", "thousand", "lakh", "lakhs", "crore", "m", "mn", "million")
_NO_SURVEY = (
    "D1, D3–D6 and H not available; rules E1, E3, R1, R4 not evaluated and GROW cannot fire"
)


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


@dataclass(frozen=True)
class _Quarters:
    """The review quarter T and the quarters its window and trend span (period indices)."""

    review: int
    window_from: int
    trend_from: int

    @classmethod
    def of(cls, review: int, policy: ReviewPolicy) -> _Quarters:
        return cls(review, review - policy.window + 1, review - policy.trend_periods + 1)

    @property
    def window(self) -> range:
        return range(self.window_from, self.review + 1)


# -- KPI rows and the review quarter ----------------------------------------------------------
def _quarter_of(periods: pd.Series) -> np.ndarray:
    """Period index of each ``YYYY-Qn`` value (each distinct value parsed once)."""
    codes, uniques = pd.factorize(periods, use_na_sentinel=False)
    return period_indices(uniques)[codes] if len(periods) else np.array([], dtype=np.int64)


def _kpi_rows(kpis: pd.DataFrame) -> pd.DataFrame:
    """The checked KPI rows with their quarter ``t`` and a ``higher`` flag, in file order."""
    unit = kpis["unit"].astype(str)
    direction = kpis["direction"].astype(str)
    return pd.DataFrame(
        {
            "alliance_id": kpis["alliance_id"].astype(str),
            "kpi_id": kpis["kpi_id"].astype(str),
            "period": kpis["period"].astype(str),
            "t": _quarter_of(kpis["period"]),
            "planned": kpis["planned"].astype(float),
            "actual": kpis["actual"].astype(float),
            "unit": unit.where(unit != "nan", ""),
            "direction": direction,
            "higher": (direction == "higher").to_numpy(),
            "weight": kpis["weight"].astype(float),
            "source": kpis["source"].astype(str).to_numpy(),
            "confidence": kpis["confidence"].to_numpy(dtype=float),
        }
    )


def resolve_period(period: str | None, t_all: np.ndarray) -> int:
    """Quarter index of the review period T; errors name the period and the data range.

    Raises
    ------
    DataValidationError
        When ``period`` is neither ``YYYY-Qn`` nor ``"latest"``, or has no KPI data.
    """
    if period is None or str(period).strip().lower() == "latest":
        return int(t_all.max())
    text = str(period).strip()
    if not is_period(text):
        raise DataValidationError.single(
            f"review period {text!r} is not YYYY-Qn (e.g. 2025-Q2) or 'latest'", column="period"
        )
    t = period_index(text)
    if not (t_all == t).any():
        first, last = period_from_index(int(t_all.min())), period_from_index(int(t_all.max()))
        raise DataValidationError.single(
            f"review period {text} has no KPI data; the KPI data cover {first} … {last}",
            file="kpis.csv",
            column="period",
        )
    return t


def _start_index(a: Alliance) -> int:
    """Quarter index of an alliance's start_period (very early if missing or malformed)."""
    try:
        return period_index(a.start_period)
    except (ValueError, AttributeError):
        return -(10**9)


def _reviewed(ws: Workspace, review: int) -> tuple[str, ...]:
    """Alliances reviewed at T: started at or before T and not closed."""
    return tuple(
        a.alliance_id
        for a in ws.alliances
        if a.status != AllianceStatus.CLOSED and _start_index(a) <= review
    )


# -- attainment -------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Attainment:
    """KPI attainment: per KPI row (``detail``) and per alliance and quarter (``by_quarter``)."""

    detail: pd.DataFrame
    by_quarter: pd.DataFrame  # alliances × quarter indices, NaN where no data
    reported: np.ndarray
    status: np.ndarray


def _attainment(
    kpis: pd.DataFrame, ids: tuple[str, ...], q: _Quarters, p: ReviewPolicy
) -> _Attainment:
    """a_kt for every KPI row, and A_t = Σ w·a / Σ w per alliance and quarter (§5.1)."""
    a = kpi_attainment(kpis["planned"], kpis["actual"], kpis["higher"], p.attainment_cap)
    reported = kpis["actual"].notna().to_numpy()
    planned_zero = kpis["planned"].to_numpy() == 0
    status = np.where(~reported, "not reported", np.where(planned_zero, "planned 0", "ok"))
    status = np.where((status == "planned 0") & ~np.isnan(a), "planned 0, actual 0", status)
    in_window = (kpis["t"] >= q.window_from).to_numpy()
    detail = kpis.assign(attainment=a, status=status, in_window=in_window)
    use = ~np.isnan(a) & (kpis["weight"].to_numpy() > 0)
    w_eff = np.where(use, kpis["weight"].to_numpy(), 0.0)
    groups = pd.MultiIndex.from_arrays([kpis["alliance_id"].to_numpy(), kpis["t"].to_numpy()])
    sums = pd.DataFrame({"num": w_eff * np.where(use, a, 0.0), "den": w_eff}, index=groups)
    sums = sums.groupby(level=[0, 1]).sum()
    first = min(q.window_from, q.trend_from)
    if len(kpis):
        first = int(min(kpis["t"].min(), first))
    quarters = list(range(first, q.review + 1))
    if len(sums):
        a_t = (sums["num"] / sums["den"].where(sums["den"] > 0)).unstack()
        a_t = a_t.reindex(index=list(ids), columns=quarters)
    else:  # none of the reviewed alliances has KPI rows up to T
        a_t = pd.DataFrame(np.nan, index=list(ids), columns=quarters)
    return _Attainment(detail, a_t, reported, status)


def _attainment_frame(att: _Attainment, kpis: pd.DataFrame, q: _Quarters) -> pd.DataFrame:
    """A_t by period, from the first quarter with KPI data up to T (for reports and plots)."""
    first_data = int(kpis["t"].min()) if len(kpis) else q.review
    frame = att.by_quarter.loc[:, [c for c in att.by_quarter.columns if c >= first_data]].copy()
    frame.columns = [period_from_index(c) for c in frame.columns]
    frame.index.name = "alliance_id"
    frame.columns.name = "period"
    return frame


@dataclass(frozen=True)
class _Window:
    """The window's A_t (alliances × W, oldest first) and what is computed from it."""

    values: np.ndarray
    a_w: np.ndarray
    trend: np.ndarray
    quarters_with_data: np.ndarray
    std: np.ndarray  # population std of the window's A_t over the quarters with data


def _window(att: _Attainment, q: _Quarters, p: ReviewPolicy) -> _Window:
    """A_W (mean or EWM of the window), the OLS trend b, and the window's spread (§5.1, §5.6)."""
    by_quarter = att.by_quarter
    values = by_quarter.loc[:, list(q.window)].to_numpy(dtype=float)
    trend_values = by_quarter.loc[:, list(range(q.trend_from, q.review + 1))]
    a_w = window_attainment(values, p.window_weighting, p.ewm_lambda)
    trend = ols_trend(trend_values.to_numpy(dtype=float))
    ok = ~np.isnan(values)
    count = ok.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(ok, values, 0.0).sum(axis=1) / count
        std = np.sqrt(np.where(ok, (values - mean[:, None]) ** 2, 0.0).sum(axis=1) / count)
    return _Window(values, a_w, trend, count, std)


# -- notes on the KPI data --------------------------------------------------------------------
def _kpi_row_notes(att: _Attainment, notes: dict[str, list[str]]) -> None:
    """Unreported, skipped, partner-only and low-confidence KPI rows in the window (§5.7)."""
    detail, status, reported = att.detail, att.status, att.reported
    in_window = detail["in_window"].to_numpy()
    source = detail["source"].to_numpy()
    low_confidence = detail["confidence"].to_numpy(dtype=float) < 1.0
    for label, mask in (
        ("not reported", (status == "not reported") & in_window),
        ("planned 0 with a non-zero actual, skipped", (status == "planned 0") & in_window),
        ("reported by the partner only (not verified jointly)", (source == "partner") & in_window),
        ("reported with confidence below 1", low_confidence & reported & in_window),
    ):
        if mask.any():
            sub = detail.loc[mask, ["alliance_id", "kpi_id", "period"]]
            for (aid, kpi), g in sub.groupby(["alliance_id", "kpi_id"], sort=False):
                notes[aid].append(f"KPI {kpi} {label} in {', '.join(g['period'])}")


def _window_notes(
    window: _Window, alliances: list[Alliance], q: _Quarters, notes: dict[str, list[str]]
) -> None:
    """Quarters of the window without data (before the start or missing), and no trend."""
    width = len(q.window)
    gaps = np.isnan(window.values)
    for i in np.flatnonzero(gaps.any(axis=1) | np.isnan(window.trend)):
        a = alliances[i]
        start = _start_index(a)
        missing = [period_from_index(t) for t, g in zip(q.window, gaps[i], strict=True) if g]
        before = [p for p in missing if period_index(p) < start]
        missing = [p for p in missing if p not in before]
        if len(missing) + len(before) == width:
            notes[a.alliance_id].append(
                f"no KPI data in the review window {period_from_index(q.window_from)}…"
                f"{period_from_index(q.review)}: attainment rules not evaluated"
            )
            continue
        averaged = width - len(before) - len(missing)
        if before:
            notes[a.alliance_id].append(
                f"alliance started in {period_from_index(start)}: A_W averages "
                f"{averaged} of {width} quarters"
            )
        if missing:
            notes[a.alliance_id].append(
                f"no KPI data for {', '.join(missing)}: A_W averages {averaged} of {width} quarters"
            )
        if np.isnan(window.trend[i]):
            notes[a.alliance_id].append("trend not computed: fewer than 2 quarters of data")


# -- value realisation ------------------------------------------------------------------------
def _money_units(ws: Workspace) -> set[str]:
    """Normalised unit spellings treated as money (see the review docstring)."""
    org = ws.organization
    cur = org.currency.strip().upper()
    unit = org.money_unit.strip().lower()
    spellings = {org.money_label, f"{cur} {unit}", f"{unit} {cur}", f"{unit}{cur}", f"{cur}{unit}"}
    for c in {*_CURRENCIES, cur}:
        for s in _SCALES:
            spellings |= {f"{c} {s}", f"{s} {c}", f"{s}{c}", f"{c}{s}"}
    return {re.sub(r"\s+", "", s).lower() for s in spellings if s.strip()}


def _is_money(units: pd.Series, money: set[str]) -> np.ndarray:
    codes, uniques = pd.factorize(units, use_na_sentinel=False)
    hit = np.asarray([re.sub(r"\s+", "", str(u)).lower() in money for u in uniques], dtype=bool)
    return hit[codes] if len(units) else np.array([], dtype=bool)


def _vrr(
    ws: Workspace, kpis: pd.DataFrame, reported: np.ndarray, ids: tuple[str, ...]
) -> np.ndarray:
    """VRR = Σ actual / Σ planned over the money KPIs, cumulative up to T (NaN without any)."""
    money = _is_money(kpis["unit"], _money_units(ws)) & kpis["higher"].to_numpy()
    both = money & reported & kpis["planned"].notna().to_numpy()
    sums = pd.DataFrame(
        {
            "act": np.where(both, kpis["actual"].to_numpy(), 0.0),
            "plan": np.where(both, kpis["planned"].to_numpy(), 0.0),
            "n": both.astype(int),
        },
        index=kpis["alliance_id"].to_numpy(),
    )
    sums = sums.groupby(level=0).sum().reindex(list(ids))
    vrr = (sums["act"] / sums["plan"].where(sums["plan"] > 0)).where(sums["n"] > 0)
    return vrr.to_numpy(dtype=float)


# -- milestones, survey, dimensions -----------------------------------------------------------
def _milestone_scores(
    milestones: pd.DataFrame, alliances: list[Alliance], q: _Quarters, p: ReviewPolicy
) -> np.ndarray:
    """M per alliance from the milestones due in the last quarters up to T, 1 if none is due;
    an alliance's ``milestone_score`` input overrides (§5.1, §10 reading 13)."""
    ids = [a.alliance_id for a in alliances]
    ms = milestones[milestones["alliance_id"].astype(str).isin(ids)]
    due = _quarter_of(ms["due_period"])
    ms = ms[(due <= q.review) & (due > q.review - p.milestone_window)]
    status = ms["status"].astype(str)
    credit = np.where(status == "met", 1.0, np.where(status == "late", p.late_credit, 0.0))
    weights = np.where(ms["turning_point"].to_numpy(dtype=bool), p.turning_point_weight, 1.0)
    position = {a: i for i, a in enumerate(ids)}
    groups = ms["alliance_id"].astype(str).map(position).to_numpy(dtype=int)
    scores = milestone_score(weights, credit, groups, len(ids))
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
    h = h.assign(t=_quarter_of(h["period"]), alliance_id=h["alliance_id"].astype(str))
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
    for side in ("own", "partner"):
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
        for side in ("own", "partner"):
            if (aid, side) not in sides:
                notes[aid].append(f"survey {period}: {side} side missing")
        if np.isnan(own[i]) != np.isnan(partner[i]):
            gone = "own" if np.isnan(own[i]) else "partner"
            notes[aid].append(
                f"survey {period}: trust of the {gone} side missing; D3 has no "
                "perception-gap penalty"
            )
        for d, item in SURVEY_ITEMS.items():
            if np.isnan(items[item][i]):
                notes[aid].append(f"survey {period}: {item} not answered by either side ({d})")


def _survey(
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
    survey, sides = _latest_survey(health, ids, review)
    _survey_notes(survey, sides, review, p, notes)
    return survey


def _dimensions(
    a_w: np.ndarray, m: np.ndarray, survey: pd.DataFrame, p: ReviewPolicy
) -> np.ndarray:
    """D1..D6 [0–100] per alliance (alliances × 6): survey items by 100·L(x), D2 from A_W and
    M, D3 from own and partner trust (§5.2)."""
    d2 = value_dimension(
        a_w,
        m,
        attainment_share=p.d2_attainment_share,
        milestone_share=p.d2_milestone_share,
        zero_at=p.d2_zero_at,
        span=p.d2_span,
    )
    d3 = trust_dimension(survey["trust_own"], survey["trust_partner"], p.d3_gap_penalty)
    scaled = {
        d: 100.0 * likert(survey[item].to_numpy(dtype=float)) for d, item in SURVEY_ITEMS.items()
    }
    columns = [scaled["D1"], d2, d3, scaled["D4"], scaled["D5"], scaled["D6"]]
    return np.column_stack(columns) if len(a_w) else np.zeros((0, len(DIMENSIONS)))


def _dimension_notes(dims: np.ndarray, ids: tuple[str, ...], notes: dict[str, list[str]]) -> None:
    """Some (not all) dimensions missing with a survey: H renormalises over the rest."""
    missing = np.isnan(dims)
    no_survey = missing[:, [0, 2, 3, 4, 5]].all(axis=1)
    for i in np.flatnonzero(missing.any(axis=1) & ~missing.all(axis=1) & ~no_survey):
        absent = [d for d, gone in zip(DIMENSIONS, missing[i], strict=True) if gone]
        kept = ", ".join(d for d in DIMENSIONS if d not in absent)
        notes[ids[i]].append(
            f"{', '.join(absent)} not available: H renormalises the weights over {kept}"
        )


# -- triggers and economics -------------------------------------------------------------------
def _triggers(
    events: pd.DataFrame, ids: tuple[str, ...], review: int, p: ReviewPolicy
) -> dict[str, str]:
    """alliance_id -> trigger text for events in the window ``T−E+1..T``."""
    ev = events[events["alliance_id"].astype(str).isin(ids)].reset_index(drop=True)
    t = _quarter_of(ev["period"])
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
    pv = continuation_value(v_hat, cost, p.quarterly_rate.of(rate), np.asarray(quarters))
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
    kpis = _kpi_rows(tables.kpis)
    q = _Quarters.of(resolve_period(period, kpis["t"].to_numpy()), policy)
    ids = _reviewed(ws, q.review)
    by_id = {a.alliance_id: a for a in ws.alliances}
    alliances = [by_id[aid] for aid in ids]
    kpis = kpis[kpis["alliance_id"].isin(ids) & (kpis["t"] <= q.review)]
    notes: dict[str, list[str]] = {aid: [] for aid in ids}
    att = _attainment(kpis, ids, q, policy)
    window = _window(att, q, policy)
    _kpi_row_notes(att, notes)
    _window_notes(window, alliances, q, notes)
    metrics = pd.DataFrame(index=pd.Index(ids, name="alliance_id"))
    metrics["A_W"] = window.a_w
    metrics["trend"] = window.trend
    metrics["VRR"] = _vrr(ws, kpis, att.reported, ids)
    metrics["M"] = _milestone_scores(tables.milestones, alliances, q, policy)
    survey = _survey(tables.health, ids, q.review, policy, notes)
    dims = _dimensions(window.a_w, metrics["M"].to_numpy(), survey, policy)
    for j, d in enumerate(DIMENSIONS):
        metrics[d] = dims[:, j]
    _dimension_notes(dims, ids, notes)
    metrics["quarters_with_data"] = window.quarters_with_data
    metrics["A_std"] = window.std
    metrics["survey_period"] = survey["survey_period"].to_numpy()
    metrics["trust_own"] = survey["trust_own"].to_numpy(dtype=float)
    metrics["trust_partner"] = survey["trust_partner"].to_numpy(dtype=float)
    triggers = _triggers(tables.events, ids, q.review, policy)
    metrics["E0"] = [aid in triggers for aid in ids]
    _economics(ws, alliances, q.review, policy, metrics, notes)
    detail = att.detail.drop(columns=["t", "higher"])
    detail = detail.set_index(["alliance_id", "kpi_id", "period"])
    attainment = _attainment_frame(att, kpis, q)
    return ReviewInputs(ids, q.review, by_id, metrics, detail, attainment, notes, triggers)
