"""Relational and performance risk, failure probability, E[NPV] and loss scenarios.

The model is described in docs/method.md §3.

Pure numpy kernels (``relational_risk``, ``performance_risk``, ``total_risk``,
``failure_probability``, ``npv``, ``expected_npv``, ``expected_loss``, ``scenario_npv``,
``cvar``) sit behind two validating wrappers that read a :class:`~alliancekit.model.Workspace`:

- :func:`risk_table`: one row per candidate with ``R_rel, R_perf, R, p_fail, pv_benefit,
  pv_cost, npv, e_npv, expected_loss, sigma`` (all unrounded, docs/method.md §10.3);
- :func:`simulate_scenarios`: seeded, vectorised NPV scenarios for CVaR (§3.4).

Every coefficient is a named field of the frozen :class:`RiskPolicy`, defaulted from
docs/method.md §3.
The §3.2 form/governance adjustment is **off by default** (§10 reading 2): all §6 oracle values
use the unadjusted indices.

Money is in the organization's ``currency``/``money_unit`` (``[money]``, e.g. PKR lakh or kEUR);
``cost_annual`` and ``value_annual`` are per year, discounted with the organization's annuity
factor ``AF = (1 − (1+r)^−H)/r`` over the planning horizon ``H`` (candidates' ``duration_years``
is not used in the valuation: §3.3 values every candidate over the same horizon).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError, Problem
from alliancekit.model import AllianceForm, Workspace, annuity_factor
from alliancekit.results import Result

__all__ = [
    "RISK_COLUMNS",
    "RiskPolicy",
    "ScenarioSet",
    "annuity_factor",
    "cvar",
    "expected_loss",
    "expected_npv",
    "failure_probability",
    "form_adjusted_risk",
    "npv",
    "performance_risk",
    "relational_risk",
    "risk_table",
    "scenario_npv",
    "simulate_scenarios",
    "total_risk",
    "value_sigma",
]

#: Columns of :func:`risk_table`, in order.
RISK_COLUMNS: tuple[str, ...] = (
    "R_rel",
    "R_perf",
    "R",
    "p_fail",
    "pv_benefit",
    "pv_cost",
    "npv",
    "e_npv",
    "expected_loss",
    "sigma",
)

#: Likert items read by the risk model (relational, then performance, then C3/C4 inputs).
_RELATIONAL_ITEMS = ("goal_compat", "opportunism", "leakage", "dependence", "culture_compat")
_PERFORMANCE_ITEMS = ("competence_unc", "market_unc", "complexity", "fin_fragility", "regulatory")
_MONEY_ITEMS = ("cost_one_off", "cost_annual", "value_annual", "exit_cost")


# -- policy ----------------------------------------------------------------------------------
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
        problems: list[str] = []
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if isinstance(v, float | int) and not isinstance(v, bool) and not math.isfinite(v):
                problems.append(f"{f.name} must be finite (got {v!r})")
        if problems:
            raise ValueError("RiskPolicy: " + "; ".join(problems))
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
        for name in (
            "equity_rel_multiplier",
            "equity_perf_multiplier",
            "contractual_perf_multiplier",
            "safeguard_reduction",
            "sigma_base",
            "sigma_slope",
        ):
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
        if int(self.n_scenarios) != self.n_scenarios or self.n_scenarios < 1:
            problems.append(f"n_scenarios must be a positive integer (got {self.n_scenarios})")
        for key, count in self.safeguards.items():
            if int(count) != count or count < 0:
                problems.append(f"safeguards[{key!r}] must be a non-negative integer ({count})")
        if problems:
            raise ValueError("RiskPolicy: " + "; ".join(problems))

    @property
    def rel_weights(self) -> np.ndarray:
        """Relational item weights in ``_RELATIONAL_ITEMS`` order (goal, opportunism, …)."""
        return np.array(
            [
                self.rel_goal,
                self.rel_opportunism,
                self.rel_leakage,
                self.rel_dependence,
                self.rel_culture,
            ],
            dtype=float,
        )

    @property
    def perf_weights(self) -> np.ndarray:
        """Performance item weights (competence, market, complexity, finance, regulatory)."""
        return np.array(
            [
                self.perf_competence,
                self.perf_market,
                self.perf_complexity,
                self.perf_fin_fragility,
                self.perf_regulatory,
            ],
            dtype=float,
        )

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


# -- kernels (pure numpy) ----------------------------------------------------------------------
def _likert(x: np.ndarray) -> np.ndarray:
    """``L(x) = (x − 1)/4`` elementwise [1–5] → [0–1]."""
    return (np.asarray(x, dtype=float) - 1.0) / 4.0


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
        w[0] * (1.0 - _likert(goal_compat))
        + w[1] * _likert(opportunism)
        + w[2] * _likert(leakage)
        + w[3] * _likert(dependence)
        + w[4] * (1.0 - _likert(culture_compat))
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
    return sum(wk * _likert(x) for wk, x in zip(w, items, strict=True))


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
    return base + slope * _likert(market_unc)


def scenario_npv(
    c0: np.ndarray,
    ca: np.ndarray,
    v: np.ndarray,
    x: np.ndarray,
    p: np.ndarray,
    sigma: np.ndarray,
    sector_codes: np.ndarray,
    af: float,
    n_scenarios: int,
    rng: np.random.Generator,
    rho_market: float = 0.1,
    rho_sector: float = 0.3,
) -> tuple[np.ndarray, np.ndarray]:
    """Seeded NPV scenarios (docs/method.md §3.4): returns ``(npv, failed)``, each ``S × n``.

    Construction (Gaussian copula, one-factor-per-sector):

    - latent ``Y_is = √ρm·z_s + √(ρs − ρm)·z_{k(i),s} + √(1 − ρs)·ε_is`` with the market factor
      ``z_s``, one factor ``z_{k,s}`` per sector ``k`` and idiosyncratic ``ε_is``, all i.i.d.
      N(0, 1). ``Y`` is standard normal, with ``corr(Y_i, Y_j) = ρs`` (0.3) for two candidates
      in the same sector and ``ρm`` (0.1) across sectors;
    - ``F_is = 1[Φ(Y_is) < p_i] = 1[Y_is < Φ⁻¹(p_i)]``, so ``P(F_is = 1) = p_i`` exactly;
    - value multiplier ``m_is = exp(σ_i·η_is − σ_i²/2)`` with an independent ``η_is ~ N(0, 1)``
      (so ``E[m] = 1`` and value shocks are independent of failures);
    - failure time fraction ``u_is ~ U(0, 1)``;
    - ``NPV_is = −C0_i + (1 − F_is·u_is)·(m_is·V_i − Ca_i)·AF − F_is·X_i``.

    With these independences ``E[NPV_i] = −C0 + (1 − p/2)(V − Ca)·AF − p·X``, the analytic §3.3
    value. ``sector_codes`` are integer sector labels ``0..K−1``.
    """
    c0, ca, v, x, p, sigma = (np.asarray(a, dtype=float) for a in (c0, ca, v, x, p, sigma))
    codes = np.asarray(sector_codes, dtype=np.intp)
    n = c0.shape[0]
    k = int(codes.max()) + 1 if n else 0
    s = int(n_scenarios)
    z_market = rng.standard_normal((s, 1))
    z_sector = rng.standard_normal((s, k))
    # in-place arithmetic keeps the peak near three S × n arrays
    latent = rng.standard_normal((s, n))
    latent *= math.sqrt(1.0 - rho_sector)
    latent += math.sqrt(rho_sector - rho_market) * z_sector[:, codes]
    latent += math.sqrt(rho_market) * z_market
    from scipy.special import ndtri  # lazily: keeps report kernels' start-up light

    failed = latent < ndtri(np.clip(p, 0.0, 1.0))
    del latent
    values = rng.standard_normal((s, n))  # η, then m = exp(σ·η − σ²/2), then (m·V − Ca)·AF
    values *= sigma
    values -= 0.5 * sigma**2
    np.exp(values, out=values)
    values *= v
    values -= ca
    values *= af
    u = rng.random((s, n))
    u *= failed  # F·u
    np.subtract(1.0, u, out=u)
    values *= u
    del u
    values -= c0
    values -= failed * x
    return values, failed


def cvar(losses: Any, beta: float = 0.95) -> Any:
    """Conditional value-at-risk of equally likely loss scenarios (Rockafellar & Uryasev 2000).

    ``CVaR_β = min_η  η + Σ_s (ℓ_s − η)⁺ / ((1 − β)·S)``. The minimum is attained at
    ``η = VaR_β``, the ``⌈β·S⌉``-th smallest loss, which is what this computes exactly (no LP).

    Parameters
    ----------
    losses : array-like, Series or DataFrame
        1-D losses [money] (one portfolio), or 2-D scenarios × columns (one CVaR per column).
    beta : float
        Confidence level in (0, 1), 0.95 by default.

    Returns
    -------
    float, ndarray or Series
        One value per column for 2-D input (a Series for a DataFrame).
    """
    if not 0.0 < beta < 1.0:
        raise ValueError(f"beta must lie in (0, 1) (got {beta})")
    arr = np.asarray(losses, dtype=float)
    if arr.ndim not in (1, 2) or arr.shape[0] == 0:
        raise ValueError(f"losses must be a non-empty 1-D or 2-D array (got shape {arr.shape})")
    if np.isnan(arr).any():
        raise ValueError("losses contain NaN")
    s = arr.shape[0]
    k = min(max(math.ceil(beta * s - 1e-12), 1), s)
    eta = np.partition(arr, k - 1, axis=0)[k - 1]  # VaR_β, the k-th smallest loss
    excess = arr - eta
    np.maximum(excess, 0.0, out=excess)
    out = eta + excess.sum(axis=0) / ((1.0 - beta) * s)
    if isinstance(losses, pd.DataFrame):
        return pd.Series(out, index=losses.columns, name=f"cvar_{beta:g}")
    return float(out) if arr.ndim == 1 else out


# -- validating wrappers -----------------------------------------------------------------------
def _validated_frame(ws: Workspace) -> pd.DataFrame:
    """``ws.candidates_frame()`` with the risk inputs checked (Likert in [1, 5], money ≥ 0)."""
    if not ws.candidates:
        raise DataValidationError.single("the workspace has no candidates", file="candidates.csv")
    frame = ws.candidates_frame()
    problems: list[Problem] = []
    for pos, (cid, row) in enumerate(frame.iterrows()):
        for item in (*_RELATIONAL_ITEMS, *_PERFORMANCE_ITEMS):
            val = row[item]
            if val is None or not np.isfinite(float(val)) or not 1.0 <= float(val) <= 5.0:
                problems.append(
                    Problem(
                        "candidates.csv",
                        pos + 2,
                        item,
                        f"candidate {cid}: {item} must be a Likert value in [1, 5] (got {val!r})",
                    )
                )
        for item in _MONEY_ITEMS:
            val = row[item]
            if val is None or not np.isfinite(float(val)) or float(val) < 0:
                problems.append(
                    Problem(
                        "candidates.csv",
                        pos + 2,
                        item,
                        f"candidate {cid}: {item} must be a money amount >= 0 (got {val!r})",
                    )
                )
    if problems:
        raise DataValidationError(problems)
    return frame


def _indices(frame: pd.DataFrame, policy: RiskPolicy) -> tuple[np.ndarray, np.ndarray]:
    """(R_rel, R_perf) for a validated candidates frame, with the optional §3.2 adjustment."""
    col = {c: frame[c].to_numpy(dtype=float) for c in (*_RELATIONAL_ITEMS, *_PERFORMANCE_ITEMS)}
    r_rel = relational_risk(*(col[c] for c in _RELATIONAL_ITEMS), weights=policy.rel_weights)
    r_perf = performance_risk(*(col[c] for c in _PERFORMANCE_ITEMS), weights=policy.perf_weights)
    if policy.form_adjustment:
        forms = [AllianceForm.parse(f) for f in frame["form"]]
        r_rel, r_perf = form_adjusted_risk(
            r_rel,
            r_perf,
            is_equity=np.array([f.is_equity for f in forms]),
            is_contractual=np.array([f is AllianceForm.ALLIANCE_AGREEMENT for f in forms]),
            n_safeguards=np.array([policy.safeguards.get(i, 0) for i in frame.index], dtype=float),
            policy=policy,
        )
    return r_rel, r_perf


def risk_table(ws: Workspace, policy: RiskPolicy | None = None) -> pd.DataFrame:
    """Risk and money per candidate (docs/method.md §3.1–§3.3), unrounded.

    Parameters
    ----------
    ws : Workspace
        Candidates (missing relational items take their relation's defaults, §3.1) and the
        organization's horizon and discount rate.
    policy : RiskPolicy, optional
        Coefficients; ``RiskPolicy()`` by default.

    Returns
    -------
    DataFrame
        Indexed by candidate id (file order), columns ``R_rel, R_perf, R`` [0–1], ``p_fail``
        [0–1], ``pv_benefit, pv_cost, npv, e_npv, expected_loss`` [money], ``sigma`` [–].

    Raises
    ------
    DataValidationError
        A Likert item outside [1, 5] or a negative/NaN money amount (row and column named).
    """
    policy = policy or RiskPolicy()
    frame = _validated_frame(ws)
    af = ws.organization.annuity_factor
    r_rel, r_perf = _indices(frame, policy)
    r = total_risk(r_rel, r_perf, policy.alpha)
    p = failure_probability(r, policy.p_base, policy.p_slope)
    c0, ca, v, x = (frame[c].to_numpy(dtype=float) for c in _MONEY_ITEMS)
    out = pd.DataFrame(
        {
            "R_rel": r_rel,
            "R_perf": r_perf,
            "R": r,
            "p_fail": p,
            "pv_benefit": v * af,
            "pv_cost": c0 + ca * af,
            "npv": npv(c0, ca, v, af),
            "e_npv": expected_npv(c0, ca, v, x, p, af),
            "expected_loss": expected_loss(c0, x, p),
            "sigma": value_sigma(
                frame["market_unc"].to_numpy(dtype=float), policy.sigma_base, policy.sigma_slope
            ),
        },
        index=pd.Index(frame.index, name="id"),
    )
    return out


# -- scenarios -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScenarioSet(Result):
    """Seeded NPV scenarios for every candidate (docs/method.md §3.4).

    Attributes
    ----------
    npv : DataFrame
        Scenarios (rows ``0..S−1``) × candidate ids: ``NPV_is`` [money].
    failures : DataFrame
        Same shape, bool: ``F_is`` (the alliance failed in scenario s).
    p_fail : Series
        Failure probability per candidate [0–1] used to draw the failures.
    e_npv : Series
        Analytic E[NPV] per candidate [money], for comparison with the scenario mean.
    sectors : Series
        Sector label per candidate (the copula's sector factor).
    seed : int
        Seed of ``numpy.random.default_rng``.
    n : int
        Number of scenarios ``S``.
    policy : RiskPolicy
        Coefficients used.
    money_label : str
        Money unit, e.g. ``PKR lakh``.
    """

    npv: pd.DataFrame
    failures: pd.DataFrame
    p_fail: pd.Series
    e_npv: pd.Series
    sectors: pd.Series
    seed: int
    n: int
    policy: RiskPolicy
    money_label: str = ""
    title = "Loss scenarios"

    @property
    def loss(self) -> pd.DataFrame:
        """Loss ``ℓ_is = −NPV_is`` [money] (scenarios × candidate ids)."""
        return -self.npv

    @property
    def n_scenarios(self) -> int:
        """Alias of ``n``."""
        return self.n

    def portfolio_loss(self, ids: Any) -> pd.Series:
        """Loss of a portfolio (sum over the given candidate ids) per scenario [money]."""
        return self.loss.loc[:, list(ids)].sum(axis=1)

    def to_frame(self) -> pd.DataFrame:
        """Per candidate: p_fail, failure rate, analytic and simulated mean NPV, sd, CVaR95."""
        return pd.DataFrame(
            {
                "p_fail": self.p_fail,
                "failure_rate": self.failures.mean(axis=0),
                "e_npv": self.e_npv,
                "mean_npv": self.npv.mean(axis=0),
                "sd_npv": self.npv.std(axis=0, ddof=1),
                "cvar95_loss": cvar(self.loss, 0.95),
            }
        )

    def summary(self) -> str:
        """A few lines: size, seed, correlation settings."""
        p = self.policy
        unit = f" [{self.money_label}]" if self.money_label else ""
        return (
            f"{self.n} scenarios × {self.npv.shape[1]} candidates (seed {self.seed}); "
            f"failure correlation {p.rho_sector:g} within a sector, {p.rho_market:g} across; "
            f"NPV{unit}"
        )


def simulate_scenarios(
    ws: Workspace,
    n_scenarios: int | None = None,
    seed: int | None = None,
    policy: RiskPolicy | None = None,
) -> ScenarioSet:
    """Draw correlated failure/value scenarios and the NPV of every candidate (docs/method.md §3.4).

    Parameters
    ----------
    ws : Workspace
        Candidates; their ``sector`` strings define the sector factors (a blank sector is a
        sector of its own).
    n_scenarios : int, optional
        Number of scenarios ``S``; default ``policy.n_scenarios`` (1000).
    seed : int, optional
        Seed of ``numpy.random.default_rng``; default ``policy.seed`` (0). Same seed, same
        scenarios.
    policy : RiskPolicy, optional
        Coefficients (p_fail, σ, ρ); ``RiskPolicy()`` by default.

    Returns
    -------
    ScenarioSet
        ``.npv`` (S × candidates), ``.loss`` = −npv, ``.failures``; see :func:`scenario_npv` for
        the copula construction.
    """
    policy = policy or RiskPolicy()
    n = policy.n_scenarios if n_scenarios is None else n_scenarios
    sd = policy.seed if seed is None else seed
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ValueError(f"n_scenarios must be a positive integer (got {n!r})")
    table = risk_table(ws, policy)
    frame = ws.candidates_frame()
    sectors = [
        s if isinstance(s, str) and s.strip() else f"<{cid}>"
        for cid, s in zip(frame.index, frame["sector"], strict=True)
    ]
    codes, _ = pd.factorize(pd.Series(sectors))
    values, failed = scenario_npv(
        frame["cost_one_off"].to_numpy(dtype=float),
        frame["cost_annual"].to_numpy(dtype=float),
        frame["value_annual"].to_numpy(dtype=float),
        frame["exit_cost"].to_numpy(dtype=float),
        table["p_fail"].to_numpy(),
        table["sigma"].to_numpy(),
        codes,
        ws.organization.annuity_factor,
        int(n),
        np.random.default_rng(sd),
        policy.rho_market,
        policy.rho_sector,
    )
    cols = pd.Index(table.index, name="id")
    rows = pd.RangeIndex(int(n), name="scenario")
    return ScenarioSet(
        npv=pd.DataFrame(values, index=rows, columns=cols, copy=False),
        failures=pd.DataFrame(failed, index=rows, columns=cols, copy=False),
        p_fail=table["p_fail"],
        e_npv=table["e_npv"],
        sectors=pd.Series(sectors, index=cols, name="sector"),
        seed=int(sd) if sd is not None else None,
        n=int(n),
        policy=policy,
        money_label=ws.organization.money_label,
    )
