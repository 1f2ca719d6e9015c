"""Attainment (docs/method.md §5.1): a_kt per KPI row, A_t per quarter, A_W and the trend over
the window, the data-quality notes on the KPI rows, and VRR over the money KPIs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alliancekit.model import (
    Alliance,
    KPIDirection,
    KPISource,
    Workspace,
    period_from_index,
    period_index,
)
from alliancekit.review import measures
from alliancekit.review.policy import ReviewPolicy
from alliancekit.review.quarters import Quarters, quarter_of, start_index

__all__ = [
    "Attainment",
    "Window",
    "attainment",
    "attainment_frame",
    "kpi_row_notes",
    "kpi_rows",
    "vrr",
    "window",
    "window_notes",
]

#: Money units recognised for VRR besides the workspace's own (see the review docstring).
_CURRENCIES = ("EUR", "PKR", "INR", "USD", "GBP", "CHF")
_SCALES = ("", "k", "thousand", "lakh", "lakhs", "crore", "m", "mn", "million")


def kpi_rows(kpis: pd.DataFrame) -> pd.DataFrame:
    """The checked KPI rows with their quarter ``t`` and a ``higher`` flag, in file order."""
    unit = kpis["unit"].astype(str)
    direction = kpis["direction"].astype(str)
    return pd.DataFrame(
        {
            "alliance_id": kpis["alliance_id"].astype(str),
            "kpi_id": kpis["kpi_id"].astype(str),
            "period": kpis["period"].astype(str),
            "t": quarter_of(kpis["period"]),
            "planned": kpis["planned"].astype(float),
            "actual": kpis["actual"].astype(float),
            "unit": unit.where(unit != "nan", ""),
            "direction": direction,
            "higher": (direction == KPIDirection.HIGHER.value).to_numpy(),
            "weight": kpis["weight"].astype(float),
            "source": kpis["source"].astype(str).to_numpy(),
            "confidence": kpis["confidence"].to_numpy(dtype=float),
        }
    )


@dataclass(frozen=True)
class Attainment:
    """KPI attainment: per KPI row (``detail``) and per alliance and quarter (``by_quarter``)."""

    detail: pd.DataFrame
    by_quarter: pd.DataFrame  # alliances × quarter indices, NaN where no data
    reported: np.ndarray
    status: np.ndarray


@dataclass(frozen=True)
class Window:
    """The window's A_t (alliances × W, oldest first) and what is computed from it."""

    values: np.ndarray
    a_w: np.ndarray
    trend: np.ndarray
    quarters_with_data: np.ndarray
    std: np.ndarray  # population std of the window's A_t over the quarters with data


def attainment(
    kpis: pd.DataFrame, ids: tuple[str, ...], q: Quarters, p: ReviewPolicy
) -> Attainment:
    """a_kt for every KPI row, and A_t = Σ w·a / Σ w per alliance and quarter (§5.1)."""
    a = measures.kpi_attainment(kpis["planned"], kpis["actual"], kpis["higher"], p.attainment_cap)
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
    return Attainment(detail, a_t, reported, status)


def attainment_frame(att: Attainment, kpis: pd.DataFrame, q: Quarters) -> pd.DataFrame:
    """A_t by period, from the first quarter with KPI data up to T (for reports and plots)."""
    first_data = int(kpis["t"].min()) if len(kpis) else q.review
    frame = att.by_quarter.loc[:, [c for c in att.by_quarter.columns if c >= first_data]].copy()
    frame.columns = [period_from_index(c) for c in frame.columns]
    frame.index.name = "alliance_id"
    frame.columns.name = "period"
    return frame


def window(att: Attainment, q: Quarters, p: ReviewPolicy) -> Window:
    """A_W (mean or EWM of the window), the OLS trend b, and the window's spread (§5.1, §5.6)."""
    by_quarter = att.by_quarter
    values = by_quarter.loc[:, list(q.window)].to_numpy(dtype=float)
    trend_values = by_quarter.loc[:, list(range(q.trend_from, q.review + 1))]
    a_w = measures.window_attainment(values, p.window_weighting, p.ewm_lambda)
    trend = measures.ols_trend(trend_values.to_numpy(dtype=float))
    ok = ~np.isnan(values)
    count = ok.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(ok, values, 0.0).sum(axis=1) / count
        std = np.sqrt(np.where(ok, (values - mean[:, None]) ** 2, 0.0).sum(axis=1) / count)
    return Window(values, a_w, trend, count, std)


# -- notes on the KPI data --------------------------------------------------------------------
def kpi_row_notes(att: Attainment, notes: dict[str, list[str]]) -> None:
    """Unreported, skipped, partner-only and low-confidence KPI rows in the window (§5.7)."""
    detail, status, reported = att.detail, att.status, att.reported
    in_window = detail["in_window"].to_numpy()
    source = detail["source"].to_numpy()
    low_confidence = detail["confidence"].to_numpy(dtype=float) < 1.0
    for label, mask in (
        ("not reported", (status == "not reported") & in_window),
        ("planned 0 with a non-zero actual, skipped", (status == "planned 0") & in_window),
        (
            "reported by the partner only (not verified jointly)",
            (source == KPISource.PARTNER.value) & in_window,
        ),
        ("reported with confidence below 1", low_confidence & reported & in_window),
    ):
        if mask.any():
            sub = detail.loc[mask, ["alliance_id", "kpi_id", "period"]]
            for (aid, kpi), g in sub.groupby(["alliance_id", "kpi_id"], sort=False):
                notes[aid].append(f"KPI {kpi} {label} in {', '.join(g['period'])}")


def window_notes(
    window: Window, alliances: list[Alliance], q: Quarters, notes: dict[str, list[str]]
) -> None:
    """Quarters of the window without data (before the start or missing), and no trend."""
    width = len(q.window)
    gaps = np.isnan(window.values)
    for i in np.flatnonzero(gaps.any(axis=1) | np.isnan(window.trend)):
        a = alliances[i]
        start = start_index(a)
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


def vrr(
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
