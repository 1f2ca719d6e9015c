"""Seeded loss scenarios and their tail: ``simulate_scenarios`` and the one ``cvar``.

:func:`scenario_npv` is the vectorised Gaussian-copula kernel (docs/method.md §3.4);
:func:`simulate_scenarios` its validating wrapper over a workspace, returning a
:class:`ScenarioSet`. :func:`cvar` is the package's one conditional value-at-risk: the portfolio
MILP's CVaR limit is checked against it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError
from alliancekit.model import Workspace
from alliancekit.results import Result
from alliancekit.risk.policy import RiskPolicy
from alliancekit.risk.table import risk_table
from alliancekit.scoring.checks import is_count

__all__ = ["ScenarioSet", "cvar", "scenario_npv", "simulate_scenarios"]


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

    Raises
    ------
    DataValidationError
        ``beta`` outside (0, 1), empty or NaN losses.
    """
    if not 0.0 < beta < 1.0:
        raise DataValidationError(f"beta must lie in (0, 1) (got {beta})")
    arr = np.asarray(losses, dtype=float)
    if arr.ndim not in (1, 2) or arr.shape[0] == 0:
        raise DataValidationError(
            f"losses must be a non-empty 1-D or 2-D array (got shape {arr.shape})"
        )
    if np.isnan(arr).any():
        raise DataValidationError("losses contain NaN")
    s = arr.shape[0]
    k = min(max(math.ceil(beta * s - 1e-12), 1), s)
    eta = np.partition(arr, k - 1, axis=0)[k - 1]  # VaR_β, the k-th smallest loss
    excess = arr - eta
    np.maximum(excess, 0.0, out=excess)
    out = eta + excess.sum(axis=0) / ((1.0 - beta) * s)
    if isinstance(losses, pd.DataFrame):
        return pd.Series(out, index=losses.columns, name=f"cvar_{beta:g}")
    return float(out) if arr.ndim == 1 else out


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
    if not is_count(n):
        raise DataValidationError(f"n_scenarios must be a positive integer (got {n!r})")
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
    cols = pd.Index(table.index, name="partner_id")
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
