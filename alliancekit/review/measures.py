"""Pure kernels of the review (docs/method.md §5): arrays in, arrays out, no validation.

Each is one formula of the method, vectorised over alliances (rows) and quarters (columns);
``review_alliances`` validates its inputs once and then only calls these.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from alliancekit.model import likert
from alliancekit.review.policy import WindowWeighting

__all__ = [
    "continuation_value",
    "health_index",
    "kpi_attainment",
    "milestone_score",
    "ols_trend",
    "trust_dimension",
    "value_dimension",
    "window_attainment",
]


def kpi_attainment(
    planned: np.ndarray, actual: np.ndarray, higher: np.ndarray, cap: float = 1.5
) -> np.ndarray:
    """KPI attainment ``a_kt`` [share of plan, 0–cap] (docs/method.md §5.1).

    Parameters
    ----------
    planned, actual : array of float
        Plan and actual in the KPI's unit; NaN actual means "not reported" (result NaN).
    higher : array of bool
        True where higher is better.
    cap : float
        Upper clip.

    Returns
    -------
    ndarray
        ``clip(actual/planned, 0, cap)`` or ``clip(2 − actual/planned, 0, cap)``; where planned
        is 0 the result is 1 if actual is 0 too, else NaN (the KPI is skipped).
    """
    planned = np.asarray(planned, dtype=float)
    actual = np.asarray(actual, dtype=float)
    higher = np.asarray(higher, dtype=bool)
    zero = planned == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(zero, np.nan, actual / np.where(zero, 1.0, planned))
    a = np.clip(np.where(higher, ratio, 2.0 - ratio), 0.0, cap)
    return np.where(zero & (actual == 0), 1.0, a)


def window_attainment(
    matrix: np.ndarray, weighting: WindowWeighting | str = "mean", lam: float = 0.5
) -> np.ndarray:
    """Window attainment ``A_W`` per row of an (alliances × quarters) matrix, oldest first.

    NaN cells (quarters without data) are skipped; a row without data gives NaN. ``"ewm"``
    weighs the quarter ``k`` steps before the last by ``λ(1−λ)^k`` (renormalised).
    """
    m = np.asarray(matrix, dtype=float)
    n_cols = m.shape[1]
    if WindowWeighting.parse(weighting, what="weighting") is WindowWeighting.MEAN:
        w = np.ones(n_cols)
    else:
        w = lam * (1.0 - lam) ** np.arange(n_cols - 1, -1, -1, dtype=float)
    ok = ~np.isnan(m)
    den = (ok * w).sum(axis=1)
    num = (np.where(ok, m, 0.0) * w).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def ols_trend(matrix: np.ndarray) -> np.ndarray:
    """OLS slope of each row against ``t = 0..N−1`` [units per quarter], skipping NaN cells.

    Rows with fewer than two values give NaN. Equals ``Σ(t−t̄)(A_t−Ā)/Σ(t−t̄)²`` (§5.1).
    """
    m = np.asarray(matrix, dtype=float)
    t = np.arange(m.shape[1], dtype=float)
    ok = ~np.isnan(m)
    n = ok.sum(axis=1).astype(float)
    y = np.where(ok, m, 0.0)
    sx = (ok * t).sum(axis=1)
    sy = y.sum(axis=1)
    sxx = (ok * t * t).sum(axis=1)
    sxy = (y * t).sum(axis=1)
    den = n * sxx - sx * sx
    with np.errstate(invalid="ignore", divide="ignore"):
        b = (n * sxy - sx * sy) / np.where(den > 0, den, 1.0)
    return np.where((n >= 2) & (den > 0), b, np.nan)


def value_dimension(
    a_w: np.ndarray,
    m: np.ndarray,
    *,
    attainment_share: float = 0.8,
    milestone_share: float = 0.2,
    zero_at: float = 0.5,
    span: float = 0.6,
) -> np.ndarray:
    """D2 value delivered vs plan [0–100]: ``100·(0.8·clip((A_W − 0.5)/0.6, 0, 1) + 0.2·M)``."""
    a_w = np.asarray(a_w, dtype=float)
    m = np.asarray(m, dtype=float)
    return 100.0 * (
        attainment_share * np.clip((a_w - zero_at) / span, 0.0, 1.0) + milestone_share * m
    )


def trust_dimension(own: np.ndarray, partner: np.ndarray, penalty: float = 10.0) -> np.ndarray:
    """D3 relationship quality [0–100] from own and partner trust [1–5] (§5.2, reading 14).

    ``100·L(mean(own, partner)) − penalty·|own − partner|`` floored at 0; with one side
    missing, ``100·L(side present)`` without a gap penalty; with both missing, NaN.
    """
    own = np.asarray(own, dtype=float)
    partner = np.asarray(partner, dtype=float)
    both = ~np.isnan(own) & ~np.isnan(partner)
    mean = np.where(both, (own + partner) / 2.0, np.where(np.isnan(own), partner, own))
    gap = np.where(both, np.abs(own - partner), 0.0)
    d3 = np.maximum(100.0 * likert(mean) - penalty * gap, 0.0)
    return np.where(np.isnan(mean), np.nan, d3)


def health_index(dims: np.ndarray, weights: Sequence[float]) -> np.ndarray:
    """Health H [0–100] = ``Σ_d w_d·D_d / Σ_d w_d`` over the dimensions available per row.

    ``dims`` is (alliances × 6); NaN dimensions drop out and the weights are renormalised over
    the rest (disclosed by the caller). A row with no dimension gives NaN.
    """
    d = np.asarray(dims, dtype=float)
    w = np.asarray(weights, dtype=float)
    ok = ~np.isnan(d)
    den = (ok * w).sum(axis=1)
    num = (np.where(ok, d, 0.0) * w).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def milestone_score(
    weights: np.ndarray, credit: np.ndarray, groups: np.ndarray, n_groups: int
) -> np.ndarray:
    """Weighted milestone score per group: ``Σ w·credit / Σ w``, 1.0 where nothing is due.

    ``credit`` is 1 for met, ``late_credit`` for late, 0 for missed or still pending.
    """
    w = np.asarray(weights, dtype=float)
    num = np.bincount(groups, weights=w * np.asarray(credit, dtype=float), minlength=n_groups)
    den = np.bincount(groups, weights=w, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), 1.0)


def continuation_value(
    value_annual: np.ndarray, cost_annual: np.ndarray, rate_quarterly: float, quarters: np.ndarray
) -> np.ndarray:
    """PV of continuing [money]: ``Σ_{k=1..n} (V̂ − C)/4 · (1+r_q)^−k`` (§5.6).

    ``value_annual`` is the re-forecast ``V̂ = value_plan_annual·A_W`` [money/yr],
    ``cost_annual`` C [money/yr], ``quarters`` the remaining quarters n (≤ 0 gives 0).
    """
    net_q = (np.asarray(value_annual, dtype=float) - np.asarray(cost_annual, dtype=float)) / 4.0
    n = np.maximum(np.asarray(quarters, dtype=float), 0.0)
    factor = n if rate_quarterly == 0 else (1.0 - (1.0 + rate_quarterly) ** -n) / rate_quarterly
    return net_q * factor
