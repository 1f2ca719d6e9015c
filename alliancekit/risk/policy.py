"""Every coefficient of the risk model in one frozen value: :class:`RiskPolicy` (§3)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError
from alliancekit.scoring.checks import is_count

__all__ = ["RiskPolicy"]


#: fields weighting the relational items, in ``RELATIONAL_ITEMS`` order
_REL_WEIGHTS = ("rel_goal", "rel_opportunism", "rel_leakage", "rel_dependence", "rel_culture")
#: fields weighting the performance items, in ``PERFORMANCE_ITEMS`` order
_PERF_WEIGHTS = ("perf_competence", "perf_market", "perf_complexity", "perf_fin_fragility",
                 "perf_regulatory")  # fmt: skip


@dataclass(frozen=True)
class RiskPolicy:
    """Every coefficient of the risk model (docs/method.md §3), with the published defaults.

    Attributes
    ----------
    alpha : float
        Weight of relational risk in ``R = α·R_rel + (1−α)·R_perf`` [0–1].
    rel_goal, rel_opportunism, rel_leakage, rel_dependence, rel_culture : float
        Item weights of ``R_rel`` on ``1−L(goal_compat)``, ``L(opportunism)``, ``L(leakage)``,
        ``L(dependence)``, ``1−L(culture_compat)`` (0.25, 0.25, 0.15, 0.15, 0.20; sum 1).
    perf_competence, perf_market, perf_complexity, perf_fin_fragility, perf_regulatory : float
        Item weights of ``R_perf`` on ``L(competence_unc)``, ``L(market_unc)``,
        ``L(complexity)``, ``L(fin_fragility)``, ``L(regulatory)`` (0.30, 0.25, 0.20, 0.15,
        0.10; sum 1).
    form_adjustment : bool
        Apply the §3.2 form/governance multipliers (off by default, §10 reading 2).
    equity_rel_multiplier, equity_perf_multiplier : float
        ``R_rel`` and ``R_perf`` multipliers for joint ventures and equity alliances (0.85, 1.10).
    contractual_perf_multiplier : float
        ``R_perf`` multiplier for a pure ``alliance_agreement`` (0.90).
    safeguard_reduction : float
        ``R_rel`` reduction per strong safeguard (call option, IP reversion, non-solicit), 0.03,
        floored at 0.
    safeguards : Mapping[str, int]
        Number of strong safeguards per candidate id (candidates carry no exit/IP terms, so they
        are entered here); used only when ``form_adjustment`` is on.
    p_base, p_slope : float
        Failure probability over the horizon ``p = p_base + p_slope·R`` (0.10, 0.80).
    n_scenarios, seed : int
        Default scenario count and seed for :func:`simulate_scenarios` (1000, 0).
    rho_sector, rho_market : float
        Latent (Gaussian-copula) failure correlation within a sector (0.3) and across sectors
        (0.1).
    sigma_base, sigma_slope : float
        Value volatility ``σ = sigma_base + sigma_slope·L(market_unc)`` (0.1, 0.4).

    Raises
    ------
    DataValidationError
        (a ``ValueError``) listing every coefficient out of its range.
    """

    alpha: float = 0.5
    rel_goal: float = 0.25
    rel_opportunism: float = 0.25
    rel_leakage: float = 0.15
    rel_dependence: float = 0.15
    rel_culture: float = 0.20
    perf_competence: float = 0.30
    perf_market: float = 0.25
    perf_complexity: float = 0.20
    perf_fin_fragility: float = 0.15
    perf_regulatory: float = 0.10
    form_adjustment: bool = False
    equity_rel_multiplier: float = 0.85
    equity_perf_multiplier: float = 1.10
    contractual_perf_multiplier: float = 0.90
    safeguard_reduction: float = 0.03
    safeguards: Mapping[str, int] = field(default_factory=dict)
    p_base: float = 0.10
    p_slope: float = 0.80
    n_scenarios: int = 1000
    seed: int = 0
    rho_sector: float = 0.3
    rho_market: float = 0.1
    sigma_base: float = 0.1
    sigma_slope: float = 0.4

    def __post_init__(self) -> None:
        object.__setattr__(self, "safeguards", MappingProxyType(dict(self.safeguards)))
        problems = [
            f"{f.name} must be finite (got {v!r})"
            for f in dataclasses.fields(self)
            if isinstance(v := getattr(self, f.name), float | int)
            and not isinstance(v, bool)
            and not math.isfinite(v)
        ]
        if not problems:
            problems = self._range_problems()
        if problems:
            raise DataValidationError("RiskPolicy: " + "; ".join(problems))

    def _range_problems(self) -> list[str]:
        """Every finite coefficient outside its range, as text."""
        problems: list[str] = []
        if not 0.0 <= self.alpha <= 1.0:
            problems.append(f"alpha must lie in [0, 1] (got {self.alpha})")
        for label, weights in (
            ("relational", self.rel_weights),
            ("performance", self.perf_weights),
        ):
            if np.any(weights < 0):
                problems.append(f"{label} item weights must be >= 0 (got {weights.tolist()})")
            elif abs(weights.sum() - 1.0) > 1e-6:
                problems.append(
                    f"{label} item weights must sum to 1 (got {weights.sum():.6g}); "
                    "that keeps the risk index in [0, 1]"
                )
        for name in ("equity_rel_multiplier", "equity_perf_multiplier",
                     "contractual_perf_multiplier", "safeguard_reduction", "sigma_base",
                     "sigma_slope"):  # fmt: skip
            if getattr(self, name) < 0:
                problems.append(f"{name} must be >= 0 (got {getattr(self, name)})")
        if self.p_base < 0 or self.p_slope < 0 or self.p_base + self.p_slope > 1:
            problems.append(
                f"p_base and p_slope must be >= 0 with p_base + p_slope <= 1 so p_fail stays "
                f"in [0, 1] (got {self.p_base} + {self.p_slope})"
            )
        if not 0.0 <= self.rho_market <= self.rho_sector < 1.0:
            problems.append(
                "need 0 <= rho_market <= rho_sector < 1 "
                f"(got rho_market={self.rho_market}, rho_sector={self.rho_sector})"
            )
        if not is_count(self.n_scenarios):
            problems.append(f"n_scenarios must be a positive integer (got {self.n_scenarios})")
        for key, count in self.safeguards.items():
            if not is_count(count, minimum=0):
                problems.append(f"safeguards[{key!r}] must be a non-negative integer ({count})")
        return problems

    @property
    def rel_weights(self) -> np.ndarray:
        """Relational item weights in ``RELATIONAL_ITEMS`` order (goal, opportunism, …)."""
        return np.array([getattr(self, name) for name in _REL_WEIGHTS], dtype=float)

    @property
    def perf_weights(self) -> np.ndarray:
        """Performance item weights (competence, market, complexity, finance, regulatory)."""
        return np.array([getattr(self, name) for name in _PERF_WEIGHTS], dtype=float)

    def to_frame(self) -> pd.DataFrame:
        """Every coefficient as a ``parameter → value`` table (for report appendices)."""
        rows = [
            (
                f.name,
                dict(getattr(self, f.name)) if f.name == "safeguards" else getattr(self, f.name),
            )
            for f in dataclasses.fields(self)
        ]
        return pd.DataFrame(rows, columns=["parameter", "value"]).set_index("parameter")
