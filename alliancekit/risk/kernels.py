"""Pure numpy kernels of the risk model (docs/method.md §3.1–§3.4): arrays in, arrays out.

Likert items [1–5] enter through ``L(x) = (x − 1)/4`` (:func:`alliancekit.model.likert`); money is
in the organization's unit ``[money]``, discounted with the annuity factor ``AF``.
"""

from __future__ import annotations

import numpy as np

from alliancekit.model import likert
from alliancekit.risk.policy import RiskPolicy

__all__ = [
    "MONEY_ITEMS",
    "PERFORMANCE_ITEMS",
    "RELATIONAL_ITEMS",
    "expected_loss",
    "expected_npv",
    "failure_probability",
    "form_adjusted_risk",
    "npv",
    "performance_risk",
    "relational_risk",
    "total_risk",
    "value_sigma",
]

#: Likert items of ``R_rel``, in the order of :func:`relational_risk` and ``rel_weights``
RELATIONAL_ITEMS = ("goal_compat", "opportunism", "leakage", "dependence", "culture_compat")
#: Likert items of ``R_perf``, in the order of :func:`performance_risk` and ``perf_weights``
PERFORMANCE_ITEMS = ("competence_unc", "market_unc", "complexity", "fin_fragility", "regulatory")
#: money inputs [money]: ``C0``, ``Ca`` per year, ``V`` per year, exit cost ``X``
MONEY_ITEMS = ("cost_one_off", "cost_annual", "value_annual", "exit_cost")


def relational_risk(
    goal_compat: np.ndarray,
    opportunism: np.ndarray,
    leakage: np.ndarray,
    dependence: np.ndarray,
    culture_compat: np.ndarray,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Relational risk ``R_rel`` [0–1] from Likert items [1–5] (docs/method.md §3.1).

    ``R_rel = w1·(1−L(goal)) + w2·L(opportunism) + w3·L(leakage) + w4·L(dependence)
    + w5·(1−L(culture))``, default weights (0.25, 0.25, 0.15, 0.15, 0.20).
    """
    w = RiskPolicy().rel_weights if weights is None else np.asarray(weights, dtype=float)
    return (
        w[0] * (1.0 - likert(goal_compat))
        + w[1] * likert(opportunism)
        + w[2] * likert(leakage)
        + w[3] * likert(dependence)
        + w[4] * (1.0 - likert(culture_compat))
    )


def performance_risk(
    competence_unc: np.ndarray,
    market_unc: np.ndarray,
    complexity: np.ndarray,
    fin_fragility: np.ndarray,
    regulatory: np.ndarray,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Performance risk ``R_perf`` [0–1] from Likert items [1–5] (docs/method.md §3.1).

    ``R_perf = 0.30·L(competence_unc) + 0.25·L(market_unc) + 0.20·L(complexity)
    + 0.15·L(fin_fragility) + 0.10·L(regulatory)`` with the default weights.
    """
    w = RiskPolicy().perf_weights if weights is None else np.asarray(weights, dtype=float)
    items = (competence_unc, market_unc, complexity, fin_fragility, regulatory)
    return sum(wk * likert(x) for wk, x in zip(w, items, strict=True))


def form_adjusted_risk(
    r_rel: np.ndarray,
    r_perf: np.ndarray,
    is_equity: np.ndarray,
    is_contractual: np.ndarray,
    n_safeguards: np.ndarray,
    policy: RiskPolicy | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Apply the §3.2 form/governance multipliers; results clipped to [0, 1].

    Equity forms: ``R_rel ×= 0.85``, ``R_perf ×= 1.10``; ``alliance_agreement``:
    ``R_perf ×= 0.90``; each strong safeguard lowers ``R_rel`` by 0.03 (floor 0).
    """
    p = policy or RiskPolicy()
    eq = np.asarray(is_equity, dtype=bool)
    ct = np.asarray(is_contractual, dtype=bool)
    rel = np.where(eq, r_rel * p.equity_rel_multiplier, r_rel)
    perf = np.where(eq, r_perf * p.equity_perf_multiplier, r_perf)
    perf = np.where(ct, perf * p.contractual_perf_multiplier, perf)
    rel = rel - p.safeguard_reduction * np.asarray(n_safeguards, dtype=float)
    return np.clip(rel, 0.0, 1.0), np.clip(perf, 0.0, 1.0)


def total_risk(r_rel: np.ndarray, r_perf: np.ndarray, alpha: float = 0.5) -> np.ndarray:
    """Total risk ``R = α·R_rel + (1−α)·R_perf`` [0–1]."""
    return alpha * np.asarray(r_rel, dtype=float) + (1.0 - alpha) * np.asarray(r_perf, dtype=float)


def failure_probability(r: np.ndarray, base: float = 0.10, slope: float = 0.80) -> np.ndarray:
    """Failure probability over the horizon ``p = 0.10 + 0.80·R`` [0–1] (docs/method.md §3.3)."""
    return base + slope * np.asarray(r, dtype=float)


def npv(c0: np.ndarray, ca: np.ndarray, v: np.ndarray, af: float) -> np.ndarray:
    """Risk-neutral ``NPV = −C0 + (V − Ca)·AF`` [money]."""
    return -np.asarray(c0, dtype=float) + (np.asarray(v, dtype=float) - ca) * af


def expected_npv(
    c0: np.ndarray, ca: np.ndarray, v: np.ndarray, x: np.ndarray, p: np.ndarray, af: float
) -> np.ndarray:
    """Risk-adjusted ``E[NPV] = −C0 + (1 − p/2)·(V − Ca)·AF − p·X`` [money] (docs/method.md §3.3).

    Failure (probability ``p``) happens on average halfway through the horizon and triggers the
    exit cost ``X``. ``∂E/∂p = −(V − Ca)·AF/2 − X``, so E[NPV] falls with ``p`` whenever
    ``V ≥ Ca`` (for a loss-making alliance an early failure stops the losses).
    """
    p = np.asarray(p, dtype=float)
    return -np.asarray(c0, dtype=float) + (1.0 - p / 2.0) * (np.asarray(v) - ca) * af - p * x


def expected_loss(c0: np.ndarray, x: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Expected loss ``EL = p·(C0 + X)`` [money] (docs/method.md §3.3)."""
    return np.asarray(p, dtype=float) * (np.asarray(c0, dtype=float) + x)


def value_sigma(market_unc: np.ndarray, base: float = 0.1, slope: float = 0.4) -> np.ndarray:
    """Log-normal value volatility ``σ = 0.1 + 0.4·L(market_unc)`` (docs/method.md §3.4)."""
    return base + slope * likert(market_unc)
