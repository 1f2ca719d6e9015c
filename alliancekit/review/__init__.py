"""Periodic alliance review: planned vs actual, health, and GROW / MAINTAIN / RESTRUCTURE / EXIT.

Implements docs/method.md §5 with the readings of §10 (readings 11–17):

- **KPI attainment** ``a_kt`` (§5.1): higher-is-better ``clip(actual/planned, 0, cap)``,
  lower-is-better ``clip(2 − actual/planned, 0, cap)``; ``planned = 0`` skips the KPI in that
  period unless ``actual = 0`` too (then ``a = 1``); a missing actual means "not reported" and
  the KPI is left out of that period (disclosed in ``notes``, never treated as zero).
- **Period attainment** ``A_t = Σ w·a / Σ w`` over the KPIs with data; **window attainment**
  ``A_W`` = mean of the *unrounded* ``A_t`` over the W calendar quarters ``T−W+1..T`` that have
  data (or exponentially weighted); **trend** ``b`` = OLS slope of the unrounded ``A_t`` on
  ``t = 0..N−1`` over the last N quarters [attainment points per quarter].
- **VRR** = Σ actual / Σ planned over the *money KPIs* of an alliance, cumulative over every
  period up to T. A money KPI is a higher-is-better KPI whose unit names money: the workspace
  money unit in any usual spelling (``PKR lakh``, ``lakh PKR``, ``kEUR``, ``EUR k``, ``EUR``…)
  or another currency code (EUR, PKR, INR, USD, GBP, CHF) alone or with a scale word
  (k, thousand, lakh, crore, m, million). Lower-is-better money KPIs (prices, unit costs) are
  costs, not benefits, and are left out.
- **Milestone score** ``M``: ``(Σ w·[met] + 0.5·Σ w·[late]) / Σ w`` over milestones due in the
  last 4 quarters up to T, ``w = 2`` for turning points; a milestone still ``pending`` (or
  ``missed``) counts as due and not met; ``M = 1`` if none is due. An alliance
  ``milestone_score`` input overrides (§10 reading 13).
- **Health** D1–D6 (§5.2) from the latest survey at or before T. Each item is the mean of the
  sides present; D3 = ``100·L(mean(own, partner)) − 10·|own − partner|`` floored at 0 (reading
  14). A missing side or item is disclosed in ``notes``; H renormalises the dimension weights
  over the dimensions available (never a silent zero). Without any survey H is not computed
  (NaN: a "health" of D2 alone would only repeat attainment), so E1/E3/R1/R4 cannot fire and
  GROW is impossible; KPI rules still apply. Partner-reported and low-confidence KPI rows in
  the window are disclosed too (§5.7 data-quality appendix).
- **Rules** (§5.4) are all evaluated and **every rule that fired is logged**, in the order
  E0–E4, R1–R4; the first block with a rule that fired decides (EXIT, then RESTRUCTURE), else
  GROW when all GROW conditions hold, else MAINTAIN. Comparisons with a missing value are false.
- **E0** (hard trigger): any row of ``ws.events`` for the alliance whose period lies in the
  review window ``T−E+1..T`` (``E = policy.event_window``, default W). Hard triggers override
  the scores and act at once even under the confirmation rule.
- **Economic check** (§5.6) is always computed when the alliance has money data (a positive
  ``value_plan_annual``): ``PV_continue = Σ_{k=1..n} (V̂ − C)/4 · (1+r_q)^−k`` with
  ``V̂ = value_plan_annual·A_W``, ``C = cost_annual``, ``r_q = (1+r)^{1/4} − 1`` (or ``r/4``),
  n = quarters until ``end_period`` or the planning horizon; ``exit_value = salvage −
  exit_cost``. Rule **E4** (``PV_continue < exit_value``) fires only when
  ``policy.economic_check`` is true. It is **off by default**: §5.6 calls the check optional and
  §10 reading 17 / §11 are computed without it (with the bundled samples' ``value_plan_annual``
  E4 would add itself to AL-A4's rules, which is EXIT anyway). With the check off, an alliance
  whose continuation is worth less than exiting carries the flag ``exit-value-exceeds-continue``.
- **GROW budget flag**: headroom = ``budget_annual − Σ cost_annual`` of the alliances kept
  (decision not EXIT); when headroom ≤ 0 every GROW alliance carries ``budget-constrained``.
- **Confirmation rule** (optional): a decision that rests only on E1/E2 or R-rules takes
  effect only as far as the previous review (``previous``, or a re-review of T−1) agrees: the
  decision is the better of the two raw decisions, flagged ``awaiting-confirmation`` when that
  holds it up. E0, E3 and E4 act at once; so do improvements.

Money is in the workspace ``currency``/``money_unit`` (``[money]``), per year unless noted.
"""

from __future__ import annotations

import dataclasses
import html
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError, Problem
from alliancekit.model import (
    Alliance,
    AllianceStatus,
    Decision,
    Workspace,
    period_from_index,
    period_index,
)
from alliancekit.results import Result

__all__ = [
    "DIMENSIONS",
    "DIMENSION_NAMES",
    "RULES",
    "ReviewPolicy",
    "ReviewResult",
    "WindowWeighting",
    "continuation_value",
    "decision_sensitivity",
    "health_index",
    "kpi_attainment",
    "milestone_score",
    "ols_trend",
    "review_alliances",
    "trust_dimension",
    "value_dimension",
    "window_attainment",
]

#: Health dimensions and their names (docs/method.md §5.2).
DIMENSIONS: tuple[str, ...] = ("D1", "D2", "D3", "D4", "D5", "D6")
DIMENSION_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "D1": "strategic fit",
        "D2": "value delivered vs plan",
        "D3": "relationship and trust",
        "D4": "governance",
        "D5": "commitment",
        "D6": "learning",
    }
)
#: Survey item behind each survey-based dimension.
_ITEMS: Mapping[str, str] = MappingProxyType(
    {"D1": "strategic_fit", "D3": "trust", "D4": "governance", "D5": "commitment", "D6": "learning"}
)
#: Decision rules in evaluation order (docs/method.md §5.4).
RULES: Mapping[str, str] = MappingProxyType(
    {
        "E0": "hard trigger (breach, insolvency, prohibition, change of control)",
        "E1": "health below H_exit",
        "E2": "window attainment below A_exit with a non-improving trend",
        "E3": "strategic fit at or below fit_exit",
        "E4": "continuing is worth less than exiting (economic check)",
        "R1": "health below H_restr",
        "R2": "window attainment below A_restr",
        "R3": "declining trend with attainment below plan",
        "R4": "relationship or governance below D_min",
    }
)
_EXIT_RULES = ("E0", "E1", "E2", "E3", "E4")
_RESTRUCTURE_RULES = ("R1", "R2", "R3", "R4")
#: Money units recognised for VRR besides the workspace's own (see module docstring).
_CURRENCIES = ("EUR", "PKR", "INR", "USD", "GBP", "CHF")
_SCALES = ("", "k", "thousand", "lakh", "lakhs", "crore", "m", "mn", "million")
_PERIOD_RE = r"^(\d{4})-Q([1-4])$"
#: What to renegotiate when a dimension is the weakest (§5.5 RESTRUCTURE template).
_RENEGOTIATE: Mapping[str, str] = MappingProxyType(
    {
        "D1": "scope",
        "D2": "KPIs/targets",
        "D3": "governance cadence",
        "D4": "governance cadence",
        "D5": "economics",
        "D6": "scope",
    }
)


class WindowWeighting(StrEnum):
    """How the quarters of the review window are averaged into ``A_W``."""

    MEAN = "mean"  # plain mean (the default, docs/method.md §5.1)
    EWM = "ewm"  # exponentially weighted, weight λ(1−λ)^(T−t), renormalised


# -- policy ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReviewPolicy:
    """Every threshold and weight of the periodic review, with the docs/method.md §5 defaults.

    Attributes
    ----------
    window : int
        Review window W [quarters] for ``A_W`` (4).
    trend_periods : int
        N quarters for the OLS trend ``b`` (4).
    attainment_cap : float
        Cap on each KPI attainment ``a_kt`` [share of plan] (1.5).
    window_weighting : WindowWeighting or str
        ``"mean"`` (default) or ``"ewm"`` with ``ewm_lambda`` (0.5).
    h_exit, h_restr, h_grow : float
        Health thresholds [0–100]: E1 ``H < h_exit`` (40), R1 ``H < h_restr`` (60), GROW
        ``H ≥ h_grow`` (75).
    a_exit, a_restr, a_grow : float
        Attainment thresholds [share of plan]: E2 (0.60), R2 (0.85), GROW (1.05).
    e2_trend_max : float
        E2 needs ``b ≤ e2_trend_max`` [per quarter] (0: a non-improving trend).
    b_decl : float
        R3 ``b ≤ b_decl`` (−0.05) together with ``A_W < r3_attainment_below`` (1.0).
    b_grow : float
        GROW trend floor ``b ≥ b_grow`` (−0.01).
    d1_grow, d5_grow : float
        GROW needs ``D1 ≥ d1_grow`` (70) and ``D5 ≥ d5_grow`` (60).
    d_min : float
        R4 ``min(D3, D4) < d_min`` (40).
    fit_exit : float
        E3 ``D1 ≤ fit_exit`` (25).
    w_d1 … w_d6 : float
        Dimension weights (0.15, 0.30, 0.15, 0.15, 0.15, 0.10), normalised to sum 1.
    d2_attainment_share, d2_milestone_share, d2_zero_at, d2_span : float
        D2 = ``100·(0.8·clip((A_W − 0.5)/0.6, 0, 1) + 0.2·M)``.
    d3_gap_penalty : float
        D3 penalty [points per Likert point of |own − partner|] (10).
    trend_label_band : float
        ``b ≥ +band`` is "improving", ``b ≤ −band`` "declining" (0.03; display only).
    milestone_window : int
        Quarters up to T whose due milestones count in M (4).
    turning_point_weight, late_credit : float
        Turning-point milestones count ``turning_point_weight`` (2); late ones earn
        ``late_credit`` (0.5).
    event_window : int or None
        Quarters up to T in which an event is a hard trigger (None: ``window``).
    require_confirmation : bool
        Two-review confirmation rule for E1/E2/R-rule decisions (False).
    economic_check : bool
        Let rule E4 fire when money data exist (False: §5.6 is optional and the §11 oracle
        values are computed without it; PV_continue is reported either way).
    discount_rate : float or None
        Annual rate r (None: the organization's ``discount_rate``).
    quarterly_rate : {"compound", "simple"}
        ``r_q = (1+r)^{1/4} − 1`` (compound, default) or ``r/4``.
    horizon_quarters : int or None
        Remaining quarters when an alliance has no ``end_period`` (None: the organization's
        planning horizon × 4).
    survey_max_age : int
        A survey older than this many quarters before T is flagged stale (4: Simoons' 6–12
        months).
    grow_min_quarters, grow_max_std : int, float
        §5.6: GROW is "uncertain" (flag only) with fewer quarters of data or a larger standard
        deviation of A_t over the window (4, 0.1).
    """

    window: int = 4
    trend_periods: int = 4
    attainment_cap: float = 1.5
    window_weighting: WindowWeighting = WindowWeighting.MEAN
    ewm_lambda: float = 0.5
    h_exit: float = 40.0
    h_restr: float = 60.0
    h_grow: float = 75.0
    a_exit: float = 0.60
    a_restr: float = 0.85
    a_grow: float = 1.05
    e2_trend_max: float = 0.0
    b_decl: float = -0.05
    r3_attainment_below: float = 1.0
    b_grow: float = -0.01
    d1_grow: float = 70.0
    d5_grow: float = 60.0
    d_min: float = 40.0
    fit_exit: float = 25.0
    w_d1: float = 0.15
    w_d2: float = 0.30
    w_d3: float = 0.15
    w_d4: float = 0.15
    w_d5: float = 0.15
    w_d6: float = 0.10
    d2_attainment_share: float = 0.8
    d2_milestone_share: float = 0.2
    d2_zero_at: float = 0.5
    d2_span: float = 0.6
    d3_gap_penalty: float = 10.0
    trend_label_band: float = 0.03
    milestone_window: int = 4
    turning_point_weight: float = 2.0
    late_credit: float = 0.5
    event_window: int | None = None
    require_confirmation: bool = False
    economic_check: bool = False
    discount_rate: float | None = None
    quarterly_rate: str = "compound"
    horizon_quarters: int | None = None
    survey_max_age: int = 4
    grow_min_quarters: int = 4
    grow_max_std: float = 0.1

    def __post_init__(self) -> None:
        object.__setattr__(self, "window_weighting", WindowWeighting(self.window_weighting))
        problems = []
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            numeric = f.type in ("float", "int", "float | None", "int | None")
            if not numeric or value is None or isinstance(value, bool):
                continue
            if not isinstance(value, (int, float, np.integer, np.floating)) or not math.isfinite(
                value
            ):
                problems.append(f"{f.name} must be a finite number, got {value!r}")
        if problems:
            raise ValueError("invalid ReviewPolicy: " + "; ".join(problems))
        for name in ("window", "trend_periods", "milestone_window", "survey_max_age"):
            if int(getattr(self, name)) < 1:
                problems.append(f"{name} must be at least 1")
        if self.trend_periods < 2:
            problems.append("trend_periods must be at least 2 (a slope needs two points)")
        if not self.attainment_cap > 0:
            problems.append("attainment_cap must be positive")
        if not 0 < self.ewm_lambda <= 1:
            problems.append("ewm_lambda must lie in (0, 1]")
        w = self.weights
        if any(v < 0 or math.isnan(v) for v in w.values()) or sum(w.values()) <= 0:
            problems.append("dimension weights w_d1..w_d6 must be >= 0 with a positive sum")
        if self.quarterly_rate not in ("compound", "simple"):
            problems.append("quarterly_rate must be 'compound' or 'simple'")
        if self.event_window is not None and self.event_window < 1:
            problems.append("event_window must be at least 1 (or None)")
        if self.d2_span <= 0:
            problems.append("d2_span must be positive")
        if problems:
            raise ValueError("invalid ReviewPolicy: " + "; ".join(problems))

    @property
    def weights(self) -> dict[str, float]:
        """Dimension weights as given (``D1``…``D6``)."""
        return {d: float(getattr(self, f"w_{d.lower()}")) for d in DIMENSIONS}

    @property
    def normalized_weights(self) -> dict[str, float]:
        """Dimension weights normalised to sum 1."""
        w = self.weights
        total = sum(w.values())
        return {d: v / total for d, v in w.items()}

    def replace(self, **changes: Any) -> ReviewPolicy:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)


def _as_policy(policy: ReviewPolicy | Mapping[str, Any] | None) -> ReviewPolicy:
    """``ReviewPolicy`` from None (defaults), a policy, or a Mapping of field overrides."""
    if policy is None:
        return ReviewPolicy()
    if isinstance(policy, ReviewPolicy):
        return policy
    if isinstance(policy, Mapping):
        known = {f.name for f in dataclasses.fields(ReviewPolicy)}
        unknown = sorted(set(map(str, policy)) - known)
        if unknown:
            raise ValueError(f"unknown ReviewPolicy field(s): {', '.join(unknown)}")
        return ReviewPolicy(**policy)
    raise TypeError(f"policy must be a ReviewPolicy or a Mapping, got {type(policy).__name__}")


# -- pure kernels ----------------------------------------------------------------------------
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
    if WindowWeighting(weighting) is WindowWeighting.MEAN:
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
    d3 = np.maximum(100.0 * (mean - 1.0) / 4.0 - penalty * gap, 0.0)
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


# -- result ----------------------------------------------------------------------------------
def _fmt(x: Any, spec: str, missing: str = "n/a") -> str:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return missing
    return missing if math.isnan(f) else format(f, spec)


@dataclass(frozen=True, eq=False)
class ReviewResult(Result):
    """Outcome of one periodic review (docs/method.md §1.5, §5).

    Attributes
    ----------
    table : DataFrame
        One row per reviewed alliance (index ``alliance_id``): partner_name, A_window (tuple of
        the window's A_t, oldest first, NaN where not reported), A_W, trend (b [per quarter]),
        trend_label, VRR, M, D1..D6 [0–100], H [0–100], decision (str), raw_decision (before the
        confirmation rule), rules_fired (tuple of rule ids), rationale, flags (tuple), notes
        (tuple of data-quality notes), PV_continue and exit_value [money], survey_period,
        trust_own, trust_partner [1–5], quarters_with_data, next_review.
    kpi_detail : DataFrame
        One row per (alliance_id, kpi_id, period) up to T: planned, actual, unit, direction,
        weight, attainment, status (``ok``/``not reported``/``planned 0``), in_window.
    attainment : DataFrame
        A_t per alliance (rows) and period (columns, up to T).
    period : str
        Review period T (``YYYY-Qn``).
    policy : ReviewPolicy
        The thresholds and weights used.
    decisions : Mapping
        alliance_id -> :class:`~alliancekit.model.Decision` (for ``plan_portfolio``).
    grow_flags : Mapping
        alliance_id -> tuple of flags for every GROW alliance (``budget-constrained``,
        ``grow-uncertain``); empty tuple when growth is unconstrained.
    headroom : float
        Annual budget headroom [money/yr] = budget_annual − Σ cost_annual of kept alliances.
    money_label : str
        Money unit of the workspace, e.g. ``PKR lakh``.
    workspace : str
        Workspace name.
    """

    table: pd.DataFrame
    kpi_detail: pd.DataFrame
    attainment: pd.DataFrame
    period: str
    policy: ReviewPolicy
    decisions: Mapping[str, Decision] = field(default_factory=dict)
    grow_flags: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    headroom: float = float("nan")
    money_label: str = ""
    workspace: str = ""

    title = "Alliance review"

    def __post_init__(self) -> None:
        object.__setattr__(self, "decisions", MappingProxyType(dict(self.decisions)))
        object.__setattr__(self, "grow_flags", MappingProxyType(dict(self.grow_flags)))

    def to_frame(self) -> pd.DataFrame:
        """The per-alliance table (a copy)."""
        return self.table.copy()

    @property
    def next_review(self) -> str:
        """The quarter after the review period (when to review again)."""
        return period_from_index(period_index(self.period) + 1)

    def counts(self) -> dict[str, int]:
        """Number of alliances per decision, GROW first."""
        values = list(self.table["decision"]) if len(self.table) else []
        return {d.value: values.count(d.value) for d in reversed(Decision)}

    def summary(self) -> str:
        """Headline and one line per alliance."""
        counts = ", ".join(f"{k} {v}" for k, v in self.counts().items() if v)
        name = f" of {self.workspace}" if self.workspace else ""
        lines = [f"Review {self.period}{name}: {len(self.table)} alliance(s); {counts or 'none'}"]
        for aid, row in self.table.iterrows():
            rules = ",".join(row["rules_fired"]) or "-"
            flags = f" [{', '.join(row['flags'])}]" if row["flags"] else ""
            lines.append(
                f"  {aid}: {row['decision']} (A_W {_fmt(row['A_W'], '.0%')}, "
                f"b {_fmt(row['trend'], '+.3f')}, H {_fmt(row['H'], '.1f')}; rules {rules})"
                f"{flags}"
            )
        return "\n".join(lines)

    def perception_gap(self) -> pd.DataFrame:
        """Own vs partner trust [1–5] per alliance (columns own, partner, gap = |own − partner|).

        The input of ``plots.perception_gap`` (docs/method.md §5.2 D3, §5.7 item 4).
        """
        own = self.table["trust_own"].astype(float)
        partner = self.table["trust_partner"].astype(float)
        return pd.DataFrame({"own": own, "partner": partner, "gap": (own - partner).abs()})

    def display_table(self) -> pd.DataFrame:
        """Compact, rounded table for people (what the CLI and reports print)."""
        t = self.table
        out = pd.DataFrame(index=t.index)
        out["partner"] = t["partner_name"]
        out["A_W %"] = (t["A_W"] * 100).round(1)
        out["trend /qtr"] = t["trend"].round(3)
        out["H /100"] = t["H"].round(1)
        out["decision"] = t["decision"]
        out["rules"] = [",".join(r) or "-" for r in t["rules_fired"]]
        out["flags"] = [",".join(f) for f in t["flags"]]
        return out

    def _repr_html_(self) -> str:
        colours = {"GROW": "#009E73", "MAINTAIN": "#0072B2", "RESTRUCTURE": "#E69F00"}
        colours["EXIT"] = "#D55E00"
        rows = []
        for aid, row in self.table.iterrows():
            colour = colours.get(str(row["decision"]), "#000")
            notes = "; ".join(row["notes"])
            rows.append(
                "<tr>"
                f"<td>{html.escape(str(aid))}</td><td>{html.escape(str(row['partner_name']))}</td>"
                f"<td>{_fmt(row['A_W'], '.0%', '–')}</td><td>{_fmt(row['trend'], '+.3f', '–')}</td>"
                f"<td>{_fmt(row['H'], '.1f', '–')}</td>"
                f'<td style="color:{colour};font-weight:bold">{html.escape(str(row["decision"]))}'
                f"</td><td>{html.escape(','.join(row['rules_fired']) or '-')}</td>"
                f'<td style="font-size:85%">{html.escape(str(row["rationale"]))}'
                + (f"<br><i>Data: {html.escape(notes)}</i>" if notes else "")
                + "</td></tr>"
            )
        head = "".join(
            f"<th>{h}</th>"
            for h in ("alliance", "partner", "A_W", "trend", "H", "decision", "rules", "rationale")
        )
        summary = "<br>".join(html.escape(line) for line in self.summary().splitlines()[:1])
        return (
            f'<div class="alliancekit-result"><h4>{html.escape(self.title)} '
            f"{html.escape(self.period)}</h4><p>{summary}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        )

    def compare(self, previous: ReviewResult) -> pd.DataFrame:
        """Compare with an earlier review, one row per alliance in either review.

        Columns: decision_previous, decision, changed (bool), direction (``better``/``worse``/
        ``same``/``new``/``dropped``), H_previous, H, H_delta, A_W_previous, A_W, A_W_delta.
        """
        cur = self.table
        prev = previous.table
        ids = list(cur.index) + [i for i in prev.index if i not in cur.index]
        out = pd.DataFrame(index=pd.Index(ids, name="alliance_id"))
        out["period_previous"] = previous.period
        out["period"] = self.period
        out["decision_previous"] = prev["decision"].reindex(ids)
        out["decision"] = cur["decision"].reindex(ids)
        directions = []
        for aid in ids:
            a, b = out.loc[aid, "decision_previous"], out.loc[aid, "decision"]
            if not isinstance(a, str):
                directions.append("new")
            elif not isinstance(b, str):
                directions.append("dropped")
            else:
                ra, rb = Decision(a).rank, Decision(b).rank
                directions.append("same" if ra == rb else ("better" if rb > ra else "worse"))
        out["changed"] = [d != "same" for d in directions]
        out["direction"] = directions
        for col in ("H", "A_W", "trend"):
            p = prev[col].reindex(ids).astype(float)
            c = cur[col].reindex(ids).astype(float)
            out[f"{col}_previous"] = p
            out[col] = c
            out[f"{col}_delta"] = c - p
        return out


# -- input checks ----------------------------------------------------------------------------
_KPI_COLUMNS = ("alliance_id", "kpi_id", "period", "planned", "actual", "direction", "weight")
_MAX_PROBLEMS = 20


def _rows(mask: np.ndarray) -> list[int]:
    """Spreadsheet rows (header = 1) of the True positions, assuming file order."""
    return [int(i) + 2 for i in np.flatnonzero(mask)]


def _row_text(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:8])
    return shown + (f" … ({len(rows)} rows)" if len(rows) > 8 else "")


def _flag(
    problems: list[Problem], mask: np.ndarray, column: str, message: str, file: str = "kpis.csv"
) -> None:
    """Append one ``file`` problem at the first True row of ``mask``, listing all its rows."""
    if mask.any():
        rows = _rows(mask)
        text = f"{message} (rows {_row_text(rows)})"
        problems.append(Problem(file, rows[0], column, text))


def _check_known_alliances(
    frame: pd.DataFrame | None, file: str, what: str, known: set[str]
) -> None:
    """Rows of ``file`` naming an alliance that does not exist are errors, never skipped
    silently (a hard trigger filed under a mistyped id would otherwise be lost)."""
    if frame is None or len(frame) == 0 or "alliance_id" not in frame.columns:
        return
    aid = frame["alliance_id"].astype(str).reset_index(drop=True)
    unknown = ~aid.isin(known).to_numpy()
    problems = []
    for bad_id in pd.unique(aid[unknown]):
        rows = _rows((aid == bad_id).to_numpy())
        problems.append(
            Problem(
                file,
                rows[0],
                "alliance_id",
                f"{what} for alliance {bad_id!r}, which does not exist in alliances "
                f"(rows {_row_text(rows)}); known alliances: {', '.join(sorted(known)) or '-'}",
            )
        )
    if problems:
        raise DataValidationError(problems)


def _check_health(h: pd.DataFrame) -> None:
    """Survey rows: side own|partner, items numeric on the 1–5 scale (blank = not answered).

    The workspace loader checks files; this also guards surveys built in memory, where an
    out-of-scale item would silently push a dimension past 100 (or below 0).
    """
    h = h.reset_index(drop=True)
    problems: list[Problem] = []
    if "side" in h.columns:
        bad_side = ~np.isin(_normalised(h["side"]), ["own", "partner"])
        _flag(problems, bad_side, "side", "side must be 'own' or 'partner'", "health.csv")
    for col in _ITEMS.values():
        if col not in h.columns:
            continue
        values = pd.to_numeric(h[col], errors="coerce")
        bad = (values.isna() & h[col].notna()).to_numpy()
        _flag(problems, bad, col, f"{col} must be a number on the 1–5 scale", "health.csv")
        out = ((values < 1) | (values > 5)).to_numpy()
        _flag(problems, out, col, f"{col} must lie on the 1–5 scale", "health.csv")
    if problems:
        raise DataValidationError(problems)


def _period_indices(values: pd.Series, file: str, column: str) -> np.ndarray:
    """Quarter indices of ``YYYY-Qn`` strings; DataValidationError naming bad rows."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    parsed = []
    for u in uniques:
        match = re.match(_PERIOD_RE, str(u).strip())
        parsed.append(int(match[1]) * 4 + int(match[2]) - 1 if match else -1)
    t = np.asarray(parsed, dtype=np.int64)[codes] if len(values) else np.array([], np.int64)
    bad = t < 0
    if bad.any():
        rows = _rows(bad)
        examples = ", ".join(repr(str(v)) for v in pd.unique(values[bad])[:3])
        raise DataValidationError(
            [
                Problem(
                    file,
                    rows[0],
                    column,
                    f"period must look like YYYY-Qn (e.g. 2025-Q2); got {examples} "
                    f"in row(s) {_row_text(rows)}",
                )
            ]
        )
    return t


def _normalised(values: pd.Series) -> np.ndarray:
    """Stripped, lower-case text of each cell (computed once per distinct value)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    norm = np.asarray([str(u).strip().lower() for u in uniques], dtype=object)
    return norm[codes] if len(values) else np.array([], dtype=object)


def _check_kpis(ws: Workspace) -> pd.DataFrame:
    """Validated copy of ``ws.kpis`` with a quarter index ``t`` and a ``higher`` flag."""
    k = ws.kpis
    if k is None or len(k) == 0:
        raise DataValidationError.single(
            "the workspace has no KPI observations; a review needs planned and actual values",
            file="kpis.csv",
        )
    missing = [c for c in _KPI_COLUMNS if c not in k.columns]
    if missing:
        raise DataValidationError.single(
            f"missing column(s) {', '.join(missing)}; expected {', '.join(_KPI_COLUMNS)}",
            file="kpis.csv",
            row=1,
        )
    k = k.reset_index(drop=True)
    problems: list[Problem] = []
    aid = k["alliance_id"].astype(str)
    known = set(ws.alliance_ids)
    unknown = ~aid.isin(known).to_numpy()
    if unknown.any():
        for bad_id in pd.unique(aid[unknown]):
            rows = _rows((aid == bad_id).to_numpy())
            problems.append(
                Problem(
                    "kpis.csv",
                    rows[0],
                    "alliance_id",
                    f"actuals for alliance {bad_id!r}, which does not exist in alliances "
                    f"(rows {_row_text(rows)}); known alliances: {', '.join(sorted(known)) or '-'}",
                )
            )
    t = None
    try:
        t = _period_indices(k["period"], "kpis.csv", "period")
    except DataValidationError as exc:
        problems.extend(exc.problems)
    direction = pd.Series(_normalised(k["direction"]), index=k.index)
    bad_dir = ~direction.isin(["higher", "lower"]).to_numpy()
    _flag(problems, bad_dir, "direction", "direction must be 'higher' or 'lower'")
    numeric = {}
    for col in ("planned", "actual", "weight"):
        values = pd.to_numeric(k[col], errors="coerce")
        bad = (values.isna() & k[col].notna()).to_numpy()
        if col != "actual":
            bad = bad | values.isna().to_numpy()
        _flag(problems, bad, col, f"{col} must be a number")
        numeric[col] = values.astype(float)
    _flag(problems, (numeric["weight"] < 0).to_numpy(), "weight", "weight must be >= 0")
    neg_p = (numeric["planned"] < 0).to_numpy()
    _flag(problems, neg_p, "planned", "planned must be >= 0 for a ratio to plan")
    kid = k["kpi_id"].astype(str)
    if not problems:
        zero = (numeric["weight"] == 0).groupby([aid, kid]).all()
        for (a, kpi), all_zero in zero.items():
            if all_zero:
                rows = _rows(((aid == a) & (kid == kpi)).to_numpy())
                problems.append(
                    Problem(
                        "kpis.csv",
                        rows[0],
                        "weight",
                        f"KPI {kpi!r} of alliance {a!r} has weight 0 in every period, so it can "
                        "never count; give it a positive weight or remove its rows",
                    )
                )
        dup = pd.DataFrame({"a": aid, "k": kid, "t": t}).duplicated(keep="first").to_numpy()
        if dup.any():
            rows = _rows(dup)
            problems.append(
                Problem(
                    "kpis.csv",
                    rows[0],
                    "period",
                    f"duplicate (alliance_id, kpi_id, period) rows {_row_text(rows)}",
                )
            )
    if problems:
        raise DataValidationError(
            problems[:_MAX_PROBLEMS], truncated=max(0, len(problems) - _MAX_PROBLEMS)
        )
    unit = k["unit"].astype(str) if "unit" in k.columns else pd.Series("", index=k.index)
    return pd.DataFrame(
        {
            "alliance_id": aid,
            "kpi_id": kid,
            "period": k["period"].astype(str).str.strip(),
            "t": t,
            "planned": numeric["planned"],
            "actual": numeric["actual"],
            "unit": unit.where(unit != "nan", ""),
            "direction": direction,
            "higher": (direction == "higher").to_numpy(),
            "weight": numeric["weight"],
            "source": _normalised(k["source"]) if "source" in k.columns else "joint",
            "confidence": (
                pd.to_numeric(k["confidence"], errors="coerce").fillna(1.0).to_numpy(dtype=float)
                if "confidence" in k.columns
                else 1.0
            ),
        }
    )


def _resolve_period(period: str, t_all: np.ndarray) -> int:
    """Quarter index of the review period T; errors name the period and the data range."""
    first, last = period_from_index(int(t_all.min())), period_from_index(int(t_all.max()))
    if period is None or str(period).strip().lower() == "latest":
        return int(t_all.max())
    text = str(period).strip()
    if not re.match(_PERIOD_RE, text):
        raise DataValidationError.single(
            f"review period {text!r} is not YYYY-Qn (e.g. 2025-Q2) or 'latest'", column="period"
        )
    t = period_index(text)
    if not (t_all == t).any():
        raise DataValidationError.single(
            f"review period {text} has no KPI data; the KPI data cover {first} … {last}",
            file="kpis.csv",
            column="period",
        )
    return t


# -- money KPIs ------------------------------------------------------------------------------
def _money_units(ws: Workspace) -> set[str]:
    """Normalised unit spellings treated as money (see module docstring)."""
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


# -- the computation -------------------------------------------------------------------------
@dataclass(frozen=True)
class _Computed:
    """Everything measured before the decision rules (shared by review and sensitivity)."""

    ids: list[str]
    T: int
    alliances: dict[str, Alliance]
    m: pd.DataFrame  # per alliance metrics
    detail: pd.DataFrame
    attainment: pd.DataFrame
    notes: dict[str, list[str]]
    triggers: dict[str, str]


def _start_index(a: Alliance) -> int:
    """Quarter index of an alliance's start_period (very early if missing or malformed)."""
    try:
        return period_index(a.start_period)
    except (ValueError, AttributeError):
        return -(10**9)


def _reviewed_alliances(ws: Workspace, T: int) -> list[str]:
    """Alliances reviewed at T: started at or before T and not closed."""
    out = []
    for a in ws.alliances:
        if a.status == AllianceStatus.CLOSED or _start_index(a) > T:
            continue
        out.append(a.alliance_id)
    return out


def _compute(ws: Workspace, period: str, policy: ReviewPolicy) -> _Computed:
    if not ws.alliances:
        raise DataValidationError.single(
            "the workspace has no existing alliances to review", file="alliances.csv"
        )
    k = _check_kpis(ws)
    known = set(ws.alliance_ids)
    for frame, file, what in (
        (ws.events, "events.csv", "a hard-trigger event"),
        (ws.health, "health.csv", "a health survey"),
        (ws.milestones, "milestones.csv", "a milestone"),
    ):
        _check_known_alliances(frame, file, what, known)
    T = _resolve_period(period, k["t"].to_numpy())
    ids = _reviewed_alliances(ws, T)
    amap = {a.alliance_id: a for a in ws.alliances}
    k = k[k["alliance_id"].isin(ids) & (k["t"] <= T)]
    pos = {a: i for i, a in enumerate(ids)}
    n = len(ids)
    notes: dict[str, list[str]] = {a: [] for a in ids}
    W, N = policy.window, policy.trend_periods
    win_lo, trend_lo = T - W + 1, T - N + 1

    # KPI attainment (vectorised over all rows)
    a = kpi_attainment(k["planned"], k["actual"], k["higher"], policy.attainment_cap)
    reported = k["actual"].notna().to_numpy()
    status = np.where(
        ~reported, "not reported", np.where(k["planned"].to_numpy() == 0, "planned 0", "ok")
    )
    status = np.where((status == "planned 0") & ~np.isnan(a), "planned 0, actual 0", status)
    detail = k.assign(attainment=a, status=status, in_window=(k["t"] >= win_lo).to_numpy())
    use = ~np.isnan(a) & (k["weight"].to_numpy() > 0)
    w_eff = np.where(use, k["weight"].to_numpy(), 0.0)
    grp = pd.MultiIndex.from_arrays([k["alliance_id"].to_numpy(), k["t"].to_numpy()])
    sums = pd.DataFrame({"num": w_eff * np.where(use, a, 0.0), "den": w_eff}, index=grp)
    sums = sums.groupby(level=[0, 1]).sum()
    t_lo = int(min(k["t"].min(), win_lo, trend_lo)) if len(k) else min(win_lo, trend_lo)
    cols = list(range(t_lo, T + 1))
    if len(sums):
        a_t = (sums["num"] / sums["den"].where(sums["den"] > 0)).unstack()
        a_t = a_t.reindex(index=ids, columns=cols)
    else:  # none of the reviewed alliances has KPI rows up to T
        a_t = pd.DataFrame(np.nan, index=ids, columns=cols)
    mat = a_t.to_numpy(dtype=float)
    first_data = int(k["t"].min()) if len(k) else T
    attainment = a_t.loc[:, [c for c in cols if c >= first_data]].copy()
    attainment.columns = [period_from_index(c) for c in attainment.columns]
    attainment.index.name = "alliance_id"
    attainment.columns.name = "period"

    win = mat[:, [cols.index(c) for c in range(win_lo, T + 1)]]
    a_w = window_attainment(win, policy.window_weighting, policy.ewm_lambda)
    trend = ols_trend(mat[:, [cols.index(c) for c in range(trend_lo, T + 1)]])
    quarters_with_data = (~np.isnan(win)).sum(axis=1)
    # population std of the window's A_t over the quarters with data (NaN without data)
    ok = ~np.isnan(win)
    cnt = ok.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_w = np.where(ok, win, 0.0).sum(axis=1) / cnt
        win_std = np.sqrt(np.where(ok, (win - mean_w[:, None]) ** 2, 0.0).sum(axis=1) / cnt)

    # disclosures: unreported / skipped KPI rows in the window, quarters without data
    in_win = detail["in_window"].to_numpy()
    source = detail["source"].to_numpy()
    low_conf = detail["confidence"].to_numpy(dtype=float) < 1.0
    for label, mask in (
        ("not reported", (status == "not reported") & in_win),
        ("planned 0 with a non-zero actual, skipped", (status == "planned 0") & in_win),
        ("reported by the partner only (not verified jointly)", (source == "partner") & in_win),
        ("reported with confidence below 1", low_conf & reported & in_win),
    ):
        if mask.any():
            sub = detail.loc[mask, ["alliance_id", "kpi_id", "period"]]
            for (aid, kpi), g in sub.groupby(["alliance_id", "kpi_id"], sort=False):
                notes[aid].append(f"KPI {kpi} {label} in {', '.join(g['period'])}")
    starts = np.array([_start_index(amap[aid]) for aid in ids], dtype=np.int64)
    gaps = np.isnan(win)
    for i in np.flatnonzero(gaps.any(axis=1) | np.isnan(trend)):
        aid = ids[i]
        quarters = range(win_lo, T + 1)
        missing_q = [period_from_index(q) for q, g in zip(quarters, gaps[i], strict=True) if g]
        before = [q for q in missing_q if period_index(q) < starts[i]]
        missing_q = [q for q in missing_q if q not in before]
        if len(missing_q) + len(before) == W:
            notes[aid].append(
                f"no KPI data in the review window {period_from_index(win_lo)}…"
                f"{period_from_index(T)}: attainment rules not evaluated"
            )
            continue
        if before:
            notes[aid].append(
                f"alliance started in {period_from_index(int(starts[i]))}: A_W averages "
                f"{W - len(before) - len(missing_q)} of {W} quarters"
            )
        if missing_q:
            notes[aid].append(
                f"no KPI data for {', '.join(missing_q)}: A_W averages "
                f"{W - len(missing_q) - len(before)} of {W} quarters"
            )
        if np.isnan(trend[i]):
            notes[aid].append("trend not computed: fewer than 2 quarters of data")

    # VRR over money KPIs, cumulative up to T
    money = _is_money(k["unit"], _money_units(ws)) & k["higher"].to_numpy()
    both = money & reported & k["planned"].notna().to_numpy()
    vrr_frame = pd.DataFrame(
        {
            "act": np.where(both, k["actual"].to_numpy(), 0.0),
            "plan": np.where(both, k["planned"].to_numpy(), 0.0),
            "n": both.astype(int),
        },
        index=k["alliance_id"].to_numpy(),
    )
    vrr_sums = vrr_frame.groupby(level=0).sum().reindex(ids)
    vrr = (vrr_sums["act"] / vrr_sums["plan"].where(vrr_sums["plan"] > 0)).where(vrr_sums["n"] > 0)

    # milestones
    m_score = _milestones(ws, ids, pos, T, policy)
    for i, a_obj in enumerate(amap[aid] for aid in ids):
        ms = a_obj.milestone_score
        if ms is not None and not (isinstance(ms, float) and math.isnan(ms)):
            m_score[i] = float(ms)

    # health survey
    survey = _survey(ws, ids, T, policy, notes)

    # dimensions and health
    d2 = value_dimension(
        a_w,
        m_score,
        attainment_share=policy.d2_attainment_share,
        milestone_share=policy.d2_milestone_share,
        zero_at=policy.d2_zero_at,
        span=policy.d2_span,
    )
    d3 = trust_dimension(survey["trust_own"], survey["trust_partner"], policy.d3_gap_penalty)
    lik = {
        d: 100.0 * (survey[item].to_numpy(dtype=float) - 1.0) / 4.0 for d, item in _ITEMS.items()
    }
    dims = np.column_stack([lik["D1"], d2, d3, lik["D4"], lik["D5"], lik["D6"]]) if n else None
    m = pd.DataFrame(index=pd.Index(ids, name="alliance_id"))
    m["A_W"] = a_w
    m["trend"] = trend
    m["VRR"] = vrr.to_numpy(dtype=float)
    m["M"] = m_score
    for j, d in enumerate(DIMENSIONS):
        m[d] = dims[:, j] if n else []
    missing_dims = np.isnan(m[list(DIMENSIONS)].to_numpy(dtype=float)) if n else np.zeros((0, 6))
    no_survey = missing_dims[:, [0, 2, 3, 4, 5]].all(axis=1) if n else np.zeros(0, bool)
    for i in np.flatnonzero(missing_dims.any(axis=1) & ~missing_dims.all(axis=1) & ~no_survey):
        aid = ids[i]
        absent = [d for d, gone in zip(DIMENSIONS, missing_dims[i], strict=True) if gone]
        if absent:
            notes[aid].append(
                f"{', '.join(absent)} not available: H renormalises the weights over "
                f"{', '.join(d for d in DIMENSIONS if d not in absent)}"
            )
    m["quarters_with_data"] = quarters_with_data
    m["A_std"] = win_std
    m["survey_period"] = survey["survey_period"].to_numpy()
    m["trust_own"] = survey["trust_own"].to_numpy(dtype=float)
    m["trust_partner"] = survey["trust_partner"].to_numpy(dtype=float)

    # hard triggers
    triggers = _triggers(ws, ids, T, policy)
    m["E0"] = [aid in triggers for aid in ids]

    # economic check
    _economics(ws, [amap[a] for a in ids], T, policy, m, notes)
    detail = detail.drop(columns=["t", "higher"]).set_index(["alliance_id", "kpi_id", "period"])
    return _Computed(ids, T, amap, m, detail, attainment, notes, triggers)


def _milestones(
    ws: Workspace, ids: list[str], pos: dict[str, int], T: int, policy: ReviewPolicy
) -> np.ndarray:
    ms = ws.milestones
    n = len(ids)
    if ms is None or len(ms) == 0 or "due_period" not in ms.columns:
        return np.ones(n)
    ms = ms[ms["alliance_id"].astype(str).isin(ids)].reset_index(drop=True)
    if len(ms) == 0:
        return np.ones(n)
    due = _period_indices(ms["due_period"], "milestones.csv", "due_period")
    keep = (due <= T) & (due > T - policy.milestone_window)
    ms = ms[keep]
    st = ms["status"].astype(str).str.strip().str.lower()
    credit = np.where(st == "met", 1.0, np.where(st == "late", policy.late_credit, 0.0))
    tp = ms.get("turning_point", pd.Series(False, index=ms.index))
    tp = tp.map(lambda v: str(v).strip().lower() in ("true", "1", "yes", "y")).to_numpy(dtype=bool)
    weights = np.where(tp, policy.turning_point_weight, 1.0)
    groups = ms["alliance_id"].astype(str).map(pos).to_numpy(dtype=int)
    return milestone_score(weights, credit, groups, n)


def _survey(
    ws: Workspace, ids: list[str], T: int, policy: ReviewPolicy, notes: dict[str, list[str]]
) -> pd.DataFrame:
    """Per alliance: survey_period, the five items (mean of sides present), trust_own/partner."""
    items = list(_ITEMS.values())
    out = pd.DataFrame(index=pd.Index(ids, name="alliance_id"))
    out["survey_period"] = None
    for col in [*items, "trust_own", "trust_partner"]:
        out[col] = np.nan
    h = ws.health
    if h is None or len(h) == 0:
        for aid in ids:
            notes[aid].append(
                "no health survey: D1, D3–D6 and H not available; rules E1, E3, R1, R4 not "
                "evaluated and GROW cannot fire"
            )
        return out
    _check_health(h)
    h = h[h["alliance_id"].astype(str).isin(ids)].reset_index(drop=True)
    t = _period_indices(h["period"], "health.csv", "period") if len(h) else np.array([], int)
    h = h.assign(t=t, alliance_id=h["alliance_id"].astype(str))
    h = h[h["t"] <= T]
    if len(h):
        latest = h.groupby("alliance_id")["t"].transform("max")
        h = h[h["t"] == latest]
        side = pd.Series(_normalised(h["side"]), index=h.index)
        vals = h[items].apply(pd.to_numeric, errors="coerce")
        vals = vals.assign(alliance_id=h["alliance_id"].to_numpy(), side=side.to_numpy())
        by_side = vals.groupby(["alliance_id", "side"]).mean()
        merged = by_side.groupby(level=0).mean()  # mean of the sides present, per item
        for col in items:
            out.loc[merged.index, col] = merged[col].to_numpy(dtype=float)
        trust = by_side["trust"].unstack()
        for s in ("own", "partner"):
            if s in trust.columns:
                out.loc[trust.index, f"trust_{s}"] = trust[s].to_numpy(dtype=float)
        sp = h.groupby("alliance_id")["t"].max()
        out.loc[sp.index, "survey_period"] = [period_from_index(int(x)) for x in sp.to_numpy()]
        sides_index = list(by_side.index)
    else:
        sides_index = []
    sp_arr = out["survey_period"].to_numpy()
    own_arr = out["trust_own"].to_numpy(dtype=float)
    partner_arr = out["trust_partner"].to_numpy(dtype=float)
    item_arr = {item: out[item].to_numpy(dtype=float) for item in items}
    present_pairs = set(sides_index)
    for i, aid in enumerate(ids):
        sp_label = sp_arr[i]
        if not isinstance(sp_label, str):
            notes[aid].append(
                f"no health survey at or before {period_from_index(T)}: D1, D3–D6 and H not "
                "available; rules E1, E3, R1, R4 not evaluated and GROW cannot fire"
            )
            continue
        age = T - period_index(sp_label)
        if age > policy.survey_max_age:
            notes[aid].append(f"health survey from {sp_label} is {age} quarters old (stale)")
        for s in ("own", "partner"):
            if (aid, s) not in present_pairs:
                notes[aid].append(f"survey {sp_label}: {s} side missing")
        own, partner = own_arr[i], partner_arr[i]
        if np.isnan(own) != np.isnan(partner):
            gone = "own" if np.isnan(own) else "partner"
            notes[aid].append(
                f"survey {sp_label}: trust of the {gone} side missing; D3 has no "
                "perception-gap penalty"
            )
        for d, item in _ITEMS.items():
            if np.isnan(item_arr[item][i]):
                notes[aid].append(f"survey {sp_label}: {item} not answered by either side ({d})")
    return out


def _triggers(ws: Workspace, ids: list[str], T: int, policy: ReviewPolicy) -> dict[str, str]:
    """alliance_id -> trigger text for events in the window ``T−E+1..T``."""
    ev = ws.events
    if ev is None or len(ev) == 0 or "alliance_id" not in ev.columns:
        return {}
    ev = ev[ev["alliance_id"].astype(str).isin(ids)].reset_index(drop=True)
    if len(ev) == 0:
        return {}
    t = _period_indices(ev["period"], "events.csv", "period")
    span = policy.event_window or policy.window
    ev = ev[(t <= T) & (t > T - span)]
    out: dict[str, str] = {}
    for aid, g in ev.groupby(ev["alliance_id"].astype(str), sort=False):
        texts = []
        for _, row in g.iterrows():
            trig = str(row.get("trigger", "") or "hard trigger").replace("_", " ")
            desc = row.get("description", "")
            desc = "" if desc is None or (isinstance(desc, float) and math.isnan(desc)) else desc
            texts.append(f"{trig} in {row['period']}" + (f": {desc}" if desc else ""))
        out[str(aid)] = "; ".join(texts)
    return out


def _economics(
    ws: Workspace,
    alliances: list[Alliance],
    T: int,
    policy: ReviewPolicy,
    m: pd.DataFrame,
    notes: dict[str, list[str]],
) -> None:
    """PV_continue, exit_value and the E4 availability flag (money data exist) into ``m``."""
    org = ws.organization
    r = org.discount_rate if policy.discount_rate is None else policy.discount_rate
    r_q = (1 + r) ** 0.25 - 1 if policy.quarterly_rate == "compound" else r / 4
    default_n = (
        policy.horizon_quarters
        if policy.horizon_quarters is not None
        else 4 * org.planning_horizon_years
    )
    plan, cost, quarters, salvage, exit_cost = [], [], [], [], []
    for a in alliances:
        plan.append(float(a.value_plan_annual) if a.value_plan_annual is not None else np.nan)
        cost.append(float(a.cost_annual))
        quarters.append(period_index(a.end_period) - T if a.end_period else default_n)
        salvage.append(float(a.salvage_value or 0.0))
        exit_cost.append(float(a.exit_cost or 0.0))
    plan_a = np.asarray(plan, dtype=float)
    has_money = np.isfinite(plan_a) & (plan_a > 0) & np.isfinite(m["A_W"].to_numpy())
    v_hat = plan_a * m["A_W"].to_numpy()
    pv = continuation_value(v_hat, np.asarray(cost), r_q, np.asarray(quarters))
    m["V_hat"] = np.where(has_money, v_hat, np.nan)
    m["PV_continue"] = np.where(has_money, pv, np.nan)
    m["exit_value"] = np.asarray(salvage) - np.asarray(exit_cost)
    m["exit_cost"] = exit_cost
    m["remaining_quarters"] = quarters
    m["economic_data"] = has_money
    for i, a in enumerate(alliances):
        if policy.economic_check and not has_money[i]:
            notes[a.alliance_id].append(
                "no value plan (value_plan_annual) or A_W: E4 not evaluated"
            )


# -- decision rules --------------------------------------------------------------------------
def _columns(m: pd.DataFrame) -> dict[str, np.ndarray]:
    """The per-alliance inputs of the decision rules as arrays (extracted once per review)."""
    cols = {
        k: m[k].to_numpy(dtype=float)
        for k in (*DIMENSIONS, "A_W", "trend", "PV_continue", "exit_value")
    }
    cols["E0"] = m["E0"].to_numpy(dtype=bool)
    cols["economic_data"] = m["economic_data"].to_numpy(dtype=bool)
    return cols


def _health(cols: Mapping[str, np.ndarray], policy: ReviewPolicy) -> np.ndarray:
    """H with renormalised weights; NaN when no survey dimension exists (H is not D2 alone)."""
    w = policy.normalized_weights
    dims = np.column_stack([cols[d] for d in DIMENSIONS])
    h = health_index(dims, [w[d] for d in DIMENSIONS])
    survey_dims = dims[:, [0, 2, 3, 4, 5]]
    return np.where(np.isnan(survey_dims).all(axis=1), np.nan, h)


def _fired(cols: Mapping[str, np.ndarray], health: np.ndarray, p: ReviewPolicy) -> dict[str, Any]:
    """Which rules fire (rule id, plus GROW -> boolean array over alliances); NaN compares False."""
    with np.errstate(invalid="ignore"):
        a_w, b = cols["A_W"], cols["trend"]
        d34 = np.fmin(cols["D3"], cols["D4"])
        return {
            "E0": cols["E0"],
            "E1": health < p.h_exit,
            "E2": (a_w < p.a_exit) & (b <= p.e2_trend_max),
            "E3": cols["D1"] <= p.fit_exit,
            "E4": (
                p.economic_check
                & cols["economic_data"]
                & (cols["PV_continue"] < cols["exit_value"])
            ),
            "R1": health < p.h_restr,
            "R2": a_w < p.a_restr,
            "R3": (b <= p.b_decl) & (a_w < p.r3_attainment_below),
            "R4": d34 < p.d_min,
            "GROW": (health >= p.h_grow)
            & (a_w >= p.a_grow)
            & (b >= p.b_grow)
            & (cols["D1"] >= p.d1_grow)
            & (cols["D5"] >= p.d5_grow),
        }


def _decide(fired: Mapping[str, Any] | pd.DataFrame) -> np.ndarray:
    """Decision per alliance: EXIT if an E-rule fired, else RESTRUCTURE, GROW or MAINTAIN."""
    exit_ = np.column_stack([np.asarray(fired[r], dtype=bool) for r in _EXIT_RULES]).any(axis=1)
    restr = np.column_stack([np.asarray(fired[r], dtype=bool) for r in _RESTRUCTURE_RULES])
    grow = np.asarray(fired["GROW"], dtype=bool)
    return np.select(
        [exit_, restr.any(axis=1), grow],
        [Decision.EXIT.value, Decision.RESTRUCTURE.value, Decision.GROW.value],
        default=Decision.MAINTAIN.value,
    ).astype(object)


def _fired_lists(fired: pd.DataFrame) -> list[tuple[str, ...]]:
    names = [*_EXIT_RULES, *_RESTRUCTURE_RULES]
    arr = fired[names].to_numpy()
    return [tuple(n for n, f in zip(names, row, strict=True) if f) for row in arr]


def _trend_label(b: float, band: float) -> str:
    if math.isnan(b):
        return "n/a"
    return "improving" if b >= band else ("declining" if b <= -band else "stable")


# -- rationale -------------------------------------------------------------------------------
def _money(x: float, label: str) -> str:
    return "n/a" if x is None or math.isnan(x) else f"{x:,.1f} {label}"


def _weakest(row: Mapping[str, Any]) -> tuple[str, float]:
    vals = {d: float(row[d]) for d in DIMENSIONS if not math.isnan(float(row[d]))}
    if not vals:
        return "D2", float("nan")
    d = min(vals, key=lambda k: (vals[k], k))
    return d, vals[d]


def _exit_reasons(
    row: Mapping[str, Any], rules: tuple[str, ...], p: ReviewPolicy, trig: str
) -> str:
    parts = []
    if "E0" in rules:
        parts.append(trig or "hard trigger")
    if "E1" in rules:
        parts.append(f"health {row['H']:.0f}/100 below {p.h_exit:.0f}")
    if "E2" in rules:
        parts.append(
            f"attainment {row['A_W']:.0%} below {p.a_exit:.0%} with trend {row['trend']:+.1%}/qtr"
        )
    if "E3" in rules:
        parts.append(f"strategic fit {row['D1']:.0f} at or below {p.fit_exit:.0f}")
    if "E4" in rules:
        parts.append("continuing is worth less than exiting")
    return "; ".join(parts)


def _rationale(
    a: Alliance,
    row: Mapping[str, Any],
    decision: str,
    rules: tuple[str, ...],
    p: ReviewPolicy,
    trig: str,
    headroom: float,
    money: str,
    next_review: str,
    flags: tuple[str, ...],
) -> str:
    a_w, b, H = row["A_W"], row["trend"], row["H"]
    a_txt, b_txt, h_txt = _fmt(a_w, ".0%"), _fmt(b, "+.1%"), _fmt(H, ".0f")
    rule_txt = ", ".join(rules)
    if decision == Decision.GROW.value:
        text = (
            f"Delivered {a_txt} of plan over the last {p.window} quarters, trend {b_txt}/qtr; "
            f"health {h_txt}/100; strategic fit {_fmt(row['D1'], '.0f')}. The partnership is "
            "outperforming its business case; consider expanding scope or investment (exercise "
            f"the expansion option) within budget headroom of {_money(headroom, money)}/yr."
        )
        if "budget-constrained" in flags:
            text += " No annual budget headroom is left: growth needs budget reallocated first."
        return text
    if decision == Decision.MAINTAIN.value:
        d, v = _weakest(row)
        return (
            f"Performance on plan ({a_txt}); health {h_txt}. No rule fired; keep the current "
            f"terms and review again on {next_review}. Watch: {d} {DIMENSION_NAMES[d]} = "
            f"{_fmt(v, '.0f')}."
        )
    if decision == Decision.RESTRUCTURE.value:
        d, v = _weakest(row)
        what: list[str] = []
        if "R2" in rules or "R3" in rules:
            what.append("KPIs/targets")
        if "R4" in rules:
            what.append("governance cadence")
        what.append(_RENEGOTIATE[d])
        what = list(dict.fromkeys(what))
        text = (
            f"Rules {rule_txt} fired: {a_txt} of plan, trend {b_txt}/qtr, weakest dimension "
            f"{d} {DIMENSION_NAMES[d]} = {_fmt(v, '.0f')}. Renegotiate {' and '.join(what)}; "
            f"escalate to executive sponsors; re-review in 1 quarter ({next_review})."
        )
        if "awaiting-confirmation" in flags:
            text += " (Held: the rules need confirming in the next review.)"
        return text
    notice = f"{a.notice_months}-month notice" if a.notice_months else "notice per contract"
    buyout = {"": "no buyout option", "none": "no buyout option", "shotgun": "shotgun clause"}.get(
        str(a.buyout or ""), f"{a.buyout} option"
    )
    ip = a.ip_terms if a.ip_terms and a.ip_terms != "none" else "the contract"
    pv = row["PV_continue"]
    worth = (
        f"Continuing is worth {_money(pv, money)} against an exit cost of "
        f"{_money(row['exit_cost'], money)}"
        if not math.isnan(pv)
        else f"Continuing was not valued (no value plan); the exit cost is "
        f"{_money(row['exit_cost'], money)}"
    )
    return (
        f"Rules {rule_txt} fired ({_exit_reasons(row, rules, p, trig)}). {worth}. Invoke exit "
        f"terms: {notice}, {buyout}, IP reversion per {ip}. Plan the transition for customers "
        "and staff."
    )


# -- public API ------------------------------------------------------------------------------
def review_alliances(
    ws: Workspace,
    period: str = "latest",
    policy: ReviewPolicy | None = None,
    previous: ReviewResult | None = None,
) -> ReviewResult:
    """Review every existing alliance at ``period`` (docs/method.md §5).

    Parameters
    ----------
    ws : Workspace
        Alliances with their KPI observations, health surveys, events and milestones.
    period : str
        Review quarter ``YYYY-Qn`` or ``"latest"`` (the latest quarter with KPI data).
    policy : ReviewPolicy, optional
        Thresholds and weights (defaults of docs/method.md §5.3).
    previous : ReviewResult, optional
        The previous review, used by the confirmation rule when
        ``policy.require_confirmation`` is set (otherwise T−1 is re-reviewed).

    Returns
    -------
    ReviewResult

    Raises
    ------
    DataValidationError
        A period without KPI data or not ``YYYY-Qn``; KPI rows for an alliance that does not
        exist; a KPI whose weight is 0 in every period; malformed KPI values.
    """
    policy = _as_policy(policy)
    c = _compute(ws, period, policy)
    m = c.m
    cols = _columns(m)
    H = _health(cols, policy)
    m = m.assign(H=H)
    fired = pd.DataFrame(_fired(cols, H, policy), index=m.index)
    raw = _decide(fired)
    decision = raw.copy()
    flags: dict[str, list[str]] = {aid: [] for aid in c.ids}
    notes = {aid: list(v) for aid, v in c.notes.items()}

    if policy.require_confirmation:
        _confirm(ws, c, policy, previous, fired, raw, decision, flags, notes)

    # budget headroom over the alliances kept (decision not EXIT)
    kept = [aid for aid, d in zip(c.ids, decision, strict=True) if d != Decision.EXIT.value]
    headroom = float(ws.organization.budget_annual) - sum(
        float(c.alliances[aid].cost_annual) for aid in kept
    )
    grow_flags: dict[str, tuple[str, ...]] = {}
    uncertain = (m["quarters_with_data"].to_numpy() < policy.grow_min_quarters) | (
        m["A_std"].to_numpy(dtype=float) >= policy.grow_max_std
    )
    with np.errstate(invalid="ignore"):
        econ_exit = m["economic_data"].to_numpy(dtype=bool) & (
            m["PV_continue"].to_numpy(dtype=float) < m["exit_value"].to_numpy(dtype=float)
        )
    for i in np.flatnonzero(decision == Decision.GROW.value):
        aid = c.ids[i]
        if headroom <= 0:
            flags[aid].append("budget-constrained")
        if uncertain[i]:
            flags[aid].append("grow-uncertain")
        grow_flags[aid] = tuple(flags[aid])
    if not policy.economic_check:
        for i in np.flatnonzero(econ_exit):
            flags[c.ids[i]].append("exit-value-exceeds-continue")
    only_trigger = fired["E0"].to_numpy() & ~fired[["E1", "E2", "E3", "E4"]].to_numpy().any(axis=1)
    for i in np.flatnonzero(only_trigger):
        without = _decide(fired.iloc[[i]].assign(E0=False))[0]
        notes[c.ids[i]].append(f"without the hard trigger the rules give {without}")

    money = ws.organization.money_label
    next_review = period_from_index(c.T + 1)
    rules_lists = _fired_lists(fired)
    table = pd.DataFrame(index=pd.Index(c.ids, name="alliance_id"))
    table["partner_name"] = [c.alliances[a].partner_name for a in c.ids]
    win_cols = [period_from_index(t) for t in range(c.T - policy.window + 1, c.T + 1)]
    win_mat = c.attainment.reindex(index=c.ids, columns=win_cols).to_numpy(dtype=float)
    table["A_window"] = [tuple(float(x) for x in row) for row in win_mat]
    for col in ("A_W", "trend"):
        table[col] = m[col].to_numpy(dtype=float)
    table["trend_label"] = [_trend_label(b, policy.trend_label_band) for b in m["trend"]]
    for col in ("VRR", "M", *DIMENSIONS, "H"):
        table[col] = m[col].to_numpy(dtype=float)
    table["decision"] = list(decision)
    table["raw_decision"] = list(raw)
    table["rules_fired"] = rules_lists
    table["flags"] = [tuple(flags[a]) for a in c.ids]
    records = m.to_dict(orient="records")
    table["rationale"] = [
        _rationale(
            c.alliances[aid],
            records[i],
            decision[i],
            rules_lists[i],
            policy,
            c.triggers.get(aid, ""),
            headroom,
            money,
            next_review,
            tuple(flags[aid]),
        )
        for i, aid in enumerate(c.ids)
    ]
    table["notes"] = [tuple(notes[a]) for a in c.ids]
    for col in ("V_hat", "PV_continue", "exit_value", "exit_cost"):
        table[col] = m[col].to_numpy(dtype=float)
    table["survey_period"] = m["survey_period"].to_numpy()
    table["trust_own"] = m["trust_own"].to_numpy(dtype=float)
    table["trust_partner"] = m["trust_partner"].to_numpy(dtype=float)
    table["quarters_with_data"] = m["quarters_with_data"].to_numpy(dtype=int)
    table["hard_trigger"] = [c.triggers.get(a, "") for a in c.ids]
    table["next_review"] = next_review
    return ReviewResult(
        table=table,
        kpi_detail=c.detail,
        attainment=c.attainment,
        period=period_from_index(c.T),
        policy=policy,
        decisions={aid: Decision(d) for aid, d in zip(c.ids, decision, strict=True)},
        grow_flags=grow_flags,
        headroom=headroom,
        money_label=money,
        workspace=ws.name,
    )


def _confirm(
    ws: Workspace,
    c: _Computed,
    policy: ReviewPolicy,
    previous: ReviewResult | None,
    fired: pd.DataFrame,
    raw: np.ndarray,
    decision: np.ndarray,
    flags: dict[str, list[str]],
    notes: dict[str, list[str]],
) -> None:
    """Two-review confirmation (§5.4): E1/E2/R-only decisions need two reviews in a row.

    Such a decision takes effect only as far as the previous review's raw decision agrees: the
    decision is the better of the two raw decisions (so RESTRUCTURE then EXIT gives RESTRUCTURE,
    and EXIT follows if the next review says EXIT again). Improvements act at once.
    """
    immediate = fired[["E0", "E3", "E4"]].to_numpy().any(axis=1)
    needs = (raw == Decision.RESTRUCTURE.value) | ((raw == Decision.EXIT.value) & ~immediate)
    if not needs.any():
        return
    prev_raw: Mapping[str, str] = {}
    if previous is not None:
        col = "raw_decision" if "raw_decision" in previous.table.columns else "decision"
        prev_raw = dict(previous.table[col])
    else:
        try:
            prev = review_alliances(
                ws, period_from_index(c.T - 1), policy.replace(require_confirmation=False)
            )
            prev_raw = dict(prev.table["raw_decision"])
        except DataValidationError:
            prev_raw = {}
    for i, aid in enumerate(c.ids):
        if not needs[i]:
            continue
        before = prev_raw.get(aid)
        if before is None:
            notes[aid].append("confirmation rule: no previous review, decision stands unconfirmed")
            continue
        if Decision(before) > Decision(raw[i]):
            decision[i] = before
            flags[aid].append("awaiting-confirmation")
            notes[aid].append(
                f"confirmation rule: {raw[i]} not yet confirmed (previous review: {before}); "
                f"holding {before}"
            )


# -- sensitivity -----------------------------------------------------------------------------
_HEALTH_THRESHOLDS = ("h_exit", "h_restr", "h_grow", "fit_exit", "d_min", "d1_grow", "d5_grow")
_ATTAINMENT_THRESHOLDS = ("a_exit", "a_restr", "a_grow")


def decision_sensitivity(
    ws: Workspace,
    period: str = "latest",
    policy: ReviewPolicy | None = None,
    threshold_shift: float = 5.0,
    weight_shift: float = 0.20,
) -> pd.DataFrame:
    """Does each decision change when a threshold or a dimension weight moves? (§5.7 item 8).

    One at a time, each health-scale threshold (h_exit, h_restr, h_grow, fit_exit, d_min,
    d1_grow, d5_grow) moves ±``threshold_shift`` points [0–100]; each attainment threshold
    (a_exit, a_restr, a_grow) moves ±``threshold_shift``/100 (5 points of attainment = 0.05);
    each dimension weight is multiplied by ``1 ± weight_shift`` and the weights renormalised.
    Trend thresholds are not moved (a ±0.05/qtr shift would zero or double b_decl). The
    confirmation rule is not applied (the comparison is between raw decisions).

    Returns
    -------
    DataFrame
        Indexed by alliance_id: decision (base), decisions_seen (tuple, worst first),
        n_variants, n_changed, fragile (bool: some variant changes the decision),
        changes (tuple of ``"h_restr+5 -> MAINTAIN"`` strings).
    """
    policy = _as_policy(policy)
    c = _compute(ws, period, policy)
    cols = _columns(c.m)
    base = _decide(_fired(cols, _health(cols, policy), policy))
    variants: list[tuple[str, ReviewPolicy]] = []
    for name in (*_HEALTH_THRESHOLDS, *_ATTAINMENT_THRESHOLDS):
        step = threshold_shift if name in _HEALTH_THRESHOLDS else threshold_shift / 100.0
        for sign in (+1, -1):
            value = getattr(policy, name) + sign * step
            label = f"{name}{'+' if sign > 0 else '-'}{_fmt(step, 'g')}"
            variants.append((label, policy.replace(**{name: value})))
    for d in DIMENSIONS:
        for sign in (+1, -1):
            field_name = f"w_{d.lower()}"
            value = getattr(policy, field_name) * (1 + sign * weight_shift)
            label = f"w_{d}{'+' if sign > 0 else '-'}{weight_shift:.0%}"
            variants.append((label, policy.replace(**{field_name: value})))
    seen: dict[str, set[str]] = {aid: {d} for aid, d in zip(c.ids, base, strict=True)}
    changes: dict[str, list[str]] = {aid: [] for aid in c.ids}
    for label, pol in variants:
        dec = _decide(_fired(cols, _health(cols, pol), pol))
        for i, aid in enumerate(c.ids):
            seen[aid].add(dec[i])
            if dec[i] != base[i]:
                changes[aid].append(f"{label} -> {dec[i]}")
    out = pd.DataFrame(index=pd.Index(c.ids, name="alliance_id"))
    out["decision"] = list(base)
    out["decisions_seen"] = [tuple(sorted(seen[a], key=lambda x: Decision(x).rank)) for a in c.ids]
    out["n_variants"] = len(variants)
    out["n_changed"] = [len(changes[a]) for a in c.ids]
    out["fragile"] = out["n_changed"] > 0
    out["changes"] = [tuple(changes[a]) for a in c.ids]
    return out
