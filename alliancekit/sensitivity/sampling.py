"""The weight space of SMAA: which weight vectors may be drawn, and drawing them uniformly."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError
from alliancekit.scoring import check_bounds, check_names, check_weights

__all__ = ["sample_weights", "weight_space"]


def _dirichlet(rng: np.random.Generator, k: int, n: int) -> np.ndarray:
    """k weight vectors uniform on the (n−1)-simplex (Dirichlet(1, …, 1))."""
    e = rng.standard_exponential((k, n))
    return e / e.sum(axis=1, keepdims=True)


def sample_weights(
    rng: np.random.Generator,
    n_samples: int,
    lo: np.ndarray,
    hi: np.ndarray,
    *,
    max_candidates: int | None = None,
) -> tuple[np.ndarray, float]:
    """Weight vectors uniform on {w : Σw = 1, lo <= w <= hi} by rejection.

    Two proposals are tried and the one accepting more draws is used: (a) Dirichlet(1), uniform
    on the whole simplex, kept when inside the box; (b) uniform in the box for all free criteria
    but one ("pivot", the widest interval), the pivot set to 1 − Σ others and kept when inside
    its interval. Both are uniform on the feasible polytope: (a) restricts a uniform density,
    (b) is a uniform density on the polytope's projection, mapped back by a volume-preserving
    affine map.

    Returns
    -------
    weights : ndarray, shape (n_samples, n)
    acceptance : float
        Share of proposals accepted by the chosen proposal [0–1].
    """
    n = len(lo)
    if np.all(lo <= 0) and np.all(hi >= 1):
        return _dirichlet(rng, n_samples, n), 1.0
    free = np.nonzero(hi > lo)[0]
    if len(free) == 0:
        return np.tile(lo, (n_samples, 1)), 1.0
    pivot = free[np.argmax((hi - lo)[free])]
    others = free[free != pivot]
    fixed_sum = lo[hi <= lo].sum()

    def propose_simplex(k: int) -> np.ndarray:
        w = _dirichlet(rng, k, n)
        return w[np.all((w >= lo) & (w <= hi), axis=1)]

    def propose_box(k: int) -> np.ndarray:
        w = np.tile(np.where(hi <= lo, lo, 0.0), (k, 1))
        w[:, others] = rng.uniform(lo[others], hi[others], (k, len(others)))
        w[:, pivot] = 1.0 - fixed_sum - w[:, others].sum(axis=1)
        return w[(w[:, pivot] >= lo[pivot]) & (w[:, pivot] <= hi[pivot])]

    pilot = 2000
    rates = {f: len(f(pilot)) / pilot for f in (propose_box, propose_simplex)}
    propose, rate = max(rates.items(), key=lambda kv: kv[1])
    if rate == 0:
        raise DataValidationError(
            "weight bounds leave (almost) no feasible weight vectors: none of 4000 uniform "
            "proposals fell inside them; widen the bounds"
        )
    max_candidates = max_candidates or int(200 * n_samples / rate) + 10_000
    parts: list[np.ndarray] = []
    got = tried = 0
    while got < n_samples:
        k = int(min(max((n_samples - got) / rate * 1.2, 1000), 2_000_000))
        w = propose(k)
        tried += k
        parts.append(w)
        got += len(w)
        if tried > max_candidates:  # pragma: no cover - guarded by the pilot
            raise DataValidationError("weight bounds accept too few draws; widen the bounds")
    return np.concatenate(parts)[:n_samples], got / tried


def weight_space(
    criteria: pd.Index,
    weights: Any,
    weight_bounds: Any,
    bounds_pct: float | None,
) -> tuple[np.ndarray, np.ndarray, str]:
    """Checked weight bounds (lo, hi) per criterion [0–1] and a description of the weight space.

    Explicit ``weight_bounds`` (criterion → (lo, hi); others (0, 1)), or ±``bounds_pct`` % around
    ``weights``, or the whole simplex when neither is given.
    """
    if weight_bounds is not None and bounds_pct is not None:
        raise DataValidationError("give either weight_bounds or bounds_pct, not both")
    if weight_bounds is not None:
        lo, hi = _explicit_bounds(criteria, weight_bounds)
        desc = "uniform within explicit weight bounds"
    elif bounds_pct is not None:
        lo, hi, desc = _percent_bounds(criteria, weights, bounds_pct)
    elif weights is not None:
        raise DataValidationError(
            "weights given without bounds: pass bounds_pct (e.g. 20 for ±20 %) or weight_bounds, "
            "or leave weights=None to sample the whole weight simplex"
        )
    else:
        n = len(criteria)
        return np.zeros(n), np.ones(n), "uniform on the weight simplex (Dirichlet(1))"
    if lo.sum() > 1 + 1e-12 or hi.sum() < 1 - 1e-12:
        raise DataValidationError(
            f"weight bounds are infeasible: lower bounds sum to {lo.sum():.4g} and upper bounds "
            f"to {hi.sum():.4g}, but weights must sum to 1"
        )
    return lo, hi, desc


def _explicit_bounds(criteria: pd.Index, weight_bounds: Any) -> tuple[np.ndarray, np.ndarray]:
    """(lo, hi) from criterion → (lo, hi) pairs inside [0, 1]; unlisted criteria get (0, 1)."""
    if not isinstance(weight_bounds, Mapping):
        raise DataValidationError("weight_bounds must map criterion -> (lo, hi)")
    check_names(weight_bounds, criteria, "weight_bounds")
    lo, hi = np.zeros(len(criteria)), np.ones(len(criteria))
    for c, pair in weight_bounds.items():
        j = criteria.get_loc(c)
        a, b = check_bounds(pair, f"weight_bounds: {c!r}", strictly_increasing=False)
        if not (0 <= a <= b <= 1):
            raise DataValidationError(
                f"weight_bounds: {c!r} needs 0 <= lo <= hi <= 1, got ({a}, {b})"
            )
        lo[j], hi[j] = a, b
    return lo, hi


def _percent_bounds(
    criteria: pd.Index, weights: Any, bounds_pct: Any
) -> tuple[np.ndarray, np.ndarray, str]:
    """(lo, hi, description) ±``bounds_pct`` % around the (normalised) central weights."""
    if weights is None:
        raise DataValidationError("bounds_pct needs the central weights (weights=...)")
    try:
        pct = float(bounds_pct)
    except (TypeError, ValueError):
        pct = math.nan
    if not (math.isfinite(pct) and 0 < pct <= 100):
        raise DataValidationError(
            f"bounds_pct is a percentage in (0, 100], e.g. 20 for ±20 %; got {bounds_pct!r}"
        )
    w0 = check_weights(weights, criteria)
    lo = w0 * (1 - pct / 100)
    hi = np.minimum(1.0, w0 * (1 + pct / 100))
    return lo, hi, f"uniform within ±{pct:g} % of the given weights (weights sum to 1)"
