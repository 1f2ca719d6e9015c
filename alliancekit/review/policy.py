"""The review policy: every threshold and weight of docs/method.md §5, and the health dimensions."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from alliancekit.errors import ArgumentTypeError, DataValidationError, Problem
from alliancekit.model.vocab import Vocabulary

__all__ = [
    "DIMENSIONS",
    "DIMENSION_NAMES",
    "SURVEY_ITEMS",
    "QuarterlyRate",
    "ReviewPolicy",
    "WindowWeighting",
    "as_policy",
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
SURVEY_ITEMS: Mapping[str, str] = MappingProxyType(
    {"D1": "strategic_fit", "D3": "trust", "D4": "governance", "D5": "commitment", "D6": "learning"}
)


class WindowWeighting(Vocabulary):
    """How the quarters of the review window are averaged into ``A_W``."""

    MEAN = "mean"  # plain mean (the default, docs/method.md §5.1)
    EWM = "ewm"  # exponentially weighted, weight λ(1−λ)^(T−t), renormalised


class QuarterlyRate(Vocabulary):
    """How the annual discount rate r becomes a quarterly one (docs/method.md §5.6)."""

    COMPOUND = "compound"  # r_q = (1 + r)^(1/4) − 1
    SIMPLE = "simple"  # r_q = r / 4

    def of(self, annual: float) -> float:
        """The quarterly rate for an annual rate ``annual`` [per year]."""
        return (1 + annual) ** 0.25 - 1 if self is QuarterlyRate.COMPOUND else annual / 4


_AT_LEAST_ONE = ("window", "trend_periods", "milestone_window", "survey_max_age")


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
    quarterly_rate : QuarterlyRate or str
        ``r_q = (1+r)^{1/4} − 1`` (``"compound"``, default) or ``r/4`` (``"simple"``).
    horizon_quarters : int or None
        Remaining quarters when an alliance has no ``end_period`` (None: the organization's
        planning horizon × 4).
    survey_max_age : int
        A survey older than this many quarters before T is flagged stale (4: Simoons' 6–12
        months).
    grow_min_quarters, grow_max_std : int, float
        §5.6: GROW is "uncertain" (flag only) with fewer quarters of data or a larger standard
        deviation of A_t over the window (4, 0.1).
    overdue_actions_signal : bool
        Count an alliance's overdue actions (the workspace's ``actions`` table) as a
        relationship signal: rule R5, restructure (False: they are reported, not counted, so
        the §11 results are unchanged).

    Raises
    ------
    DataValidationError
        For a non-finite or out-of-range value, naming each field at fault.
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
    quarterly_rate: QuarterlyRate = QuarterlyRate.COMPOUND
    horizon_quarters: int | None = None
    survey_max_age: int = 4
    grow_min_quarters: int = 4
    grow_max_std: float = 0.1
    overdue_actions_signal: bool = False

    def __post_init__(self) -> None:
        for name, enum in (
            ("window_weighting", WindowWeighting),
            ("quarterly_rate", QuarterlyRate),
        ):
            object.__setattr__(self, name, enum.parse(getattr(self, name), what=name))
        _raise_if_any(self._non_numbers())
        _raise_if_any(self._out_of_range())

    def _non_numbers(self) -> list[Problem]:
        """Numeric fields holding something other than a finite number."""
        problems = []
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            numeric = f.type in ("float", "int", "float | None", "int | None")
            if not numeric or value is None or isinstance(value, bool):
                continue
            finite = isinstance(value, (int, float, np.integer, np.floating)) and math.isfinite(
                value
            )
            if not finite:
                problems.append(_problem(f.name, f"must be a finite number, got {value!r}"))
        return problems

    def _out_of_range(self) -> list[Problem]:
        """Fields outside the range their rule needs."""
        problems = [
            _problem(name, "must be at least 1")
            for name in _AT_LEAST_ONE
            if int(getattr(self, name)) < 1
        ]
        event_window_ok = self.event_window is None or self.event_window >= 1
        two = "must be at least 2 (a slope needs two points)"
        checks = (
            ("trend_periods", self.trend_periods >= 2, two),
            ("attainment_cap", self.attainment_cap > 0, "must be positive"),
            ("ewm_lambda", 0 < self.ewm_lambda <= 1, "must lie in (0, 1]"),
            ("event_window", event_window_ok, "must be at least 1 (or None)"),
            ("d2_span", self.d2_span > 0, "must be positive"),
        )
        problems += [_problem(name, text) for name, holds, text in checks if not holds]
        w = self.weights
        if any(v < 0 or math.isnan(v) for v in w.values()) or sum(w.values()) <= 0:
            message = "dimension weights w_d1..w_d6 must be >= 0 with a positive sum"
            problems.append(Problem("", None, "w_d1", f"invalid ReviewPolicy: {message}"))
        return problems

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

    @property
    def trigger_window(self) -> int:
        """Quarters up to T in which an event is a hard trigger (``event_window`` or W)."""
        return self.event_window or self.window

    def replace(self, **changes: Any) -> ReviewPolicy:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)


def _problem(field_name: str, text: str) -> Problem:
    return Problem("", None, field_name, f"invalid ReviewPolicy: {field_name} {text}")


def _raise_if_any(problems: list[Problem]) -> None:
    if problems:
        raise DataValidationError(problems)


def as_policy(policy: ReviewPolicy | Mapping[str, Any] | None) -> ReviewPolicy:
    """``ReviewPolicy`` from None (defaults), a policy, or a Mapping of field overrides.

    Raises
    ------
    DataValidationError
        For a Mapping naming a field ReviewPolicy does not have.
    ArgumentTypeError
        For anything else than a policy, a Mapping or None (also a ``TypeError``).
    """
    if policy is None:
        return ReviewPolicy()
    if isinstance(policy, ReviewPolicy):
        return policy
    if isinstance(policy, Mapping):
        known = {f.name for f in dataclasses.fields(ReviewPolicy)}
        unknown = sorted(set(map(str, policy)) - known)
        if unknown:
            raise DataValidationError.single(
                f"unknown ReviewPolicy field(s): {', '.join(unknown)}", column="policy"
            )
        return ReviewPolicy(**policy)
    raise ArgumentTypeError.single(
        f"policy must be a ReviewPolicy or a Mapping, got {type(policy).__name__}",
        column="policy",
    )
