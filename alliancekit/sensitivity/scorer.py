"""Scoring many weight vectors (and perturbed value matrices) at once, for SMAA and stability."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError
from alliancekit.scoring import (
    Method,
    Normalization,
    ScoringProblem,
    check_names,
    closeness,
    promethee_kernel,
    topsis_kernel,
)

__all__ = ["CHUNK_FLOATS", "BatchScorer", "noise_sd"]

#: floats per chunk of the largest temporary (draws × alternatives × criteria); ~32 MB
CHUNK_FLOATS = 4_000_000


def noise_sd(prob: ScoringProblem, value_noise: Any) -> np.ndarray:
    """Standard deviations (m, n) of Gaussian value noise [criterion units].

    ``value_noise``: a float is a share of each criterion's range (fixed scale, else observed);
    a Mapping gives criterion → standard deviation; a DataFrame one per alternative and criterion.
    """
    m, n = prob.x.shape
    if isinstance(value_noise, pd.DataFrame):
        frame = value_noise.reindex(index=prob.ids, columns=prob.criteria)
        if frame.isna().to_numpy().any():
            raise DataValidationError(
                "value_noise DataFrame must give a standard deviation for every alternative and "
                "criterion of the matrix"
            )
        sd = frame.to_numpy(dtype=float)
    elif isinstance(value_noise, Mapping):
        check_names(value_noise, prob.criteria, "value_noise")
        sd = np.zeros((m, n))
        for c, v in value_noise.items():
            sd[:, prob.criteria.get_loc(c)] = _number(v)
    else:
        span = np.where(np.isnan(prob.lo), prob.x.max(axis=0) - prob.x.min(axis=0),
                        prob.hi - prob.lo)  # fmt: skip
        sd = np.tile(_number(value_noise) * span, (m, 1))
    if not np.all(np.isfinite(sd)) or (sd < 0).any():
        raise DataValidationError("value_noise standard deviations must be finite and >= 0")
    return sd


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise DataValidationError(
            f"value_noise must be a number, a Mapping criterion -> number or a DataFrame, got "
            f"{value!r}"
        ) from None


class BatchScorer:
    """Scores (draws × m) of a checked problem for a batch of weight vectors.

    Without value noise (``sd`` None) the weighted sum and PROMETHEE II are linear in the
    weights (``linear`` (m, n): score = linear @ w) and TOPSIS needs two matrix products; with
    noise every draw has its own perturbed value matrix.
    """

    def __init__(self, prob: ScoringProblem, sd: np.ndarray | None) -> None:
        self.prob = prob
        self.sd = sd
        n = prob.x.shape[1]
        self.linear: np.ndarray | None = None  # (m, n): score = linear @ w
        if sd is None:
            if prob.method is Method.WEIGHTED_SUM:
                self.linear = prob.normalized()
            elif prob.method is Method.PROMETHEE_II:
                plus, minus = promethee_kernel(prob.normalized(), prob.preferences)
                self.linear = plus - minus
            if self.linear is not None:
                self.linear_t = np.ascontiguousarray(self.linear.T)
            else:
                # w >= 0, so the weighted ideal is w·max(n) and D⁺² = (n − max n)² @ w²: two
                # matrix products per batch instead of a (draws, m, n) temporary
                base = prob.normalized()
                self.d_plus_sq = (base - base.max(axis=0)) ** 2
                self.d_minus_sq = (base - base.min(axis=0)) ** 2
        else:
            clip_lo = np.where(np.isnan(prob.lo), -np.inf, prob.lo)
            clip_hi = np.where(np.isnan(prob.hi), np.inf, prob.hi)
            if prob.normalization is Normalization.NONE:
                clip_lo, clip_hi = np.zeros(n), np.ones(n)
            elif prob.normalization in (Normalization.VECTOR, Normalization.SUM, Normalization.MAX):
                clip_lo = np.full(n, 1e-12)  # these normalisations need positive values
            self.clip = (clip_lo, clip_hi)

    def perturbed(self, rng: np.random.Generator, k: int) -> np.ndarray:
        """k perturbed value matrices (k, m, n), clipped to each criterion's admissible range."""
        x = self.prob.x + rng.standard_normal((k, *self.prob.x.shape)) * self.sd
        return np.clip(x, *self.clip)

    def scores(self, w: np.ndarray, x: np.ndarray | None = None) -> np.ndarray:
        """Scores (k, m) for weights (k, n) and, with noise, matrices x (k, m, n)."""
        prob = self.prob
        if x is None:
            if self.linear is not None:
                return np.dot(w, self.linear_t)
            w2 = w * w
            return closeness(np.sqrt(w2 @ self.d_plus_sq.T), np.sqrt(w2 @ self.d_minus_sq.T))
        nx = prob.normalized(x)
        if prob.method is Method.WEIGHTED_SUM:
            return np.einsum("kmn,kn->km", nx, w)
        if prob.method is Method.TOPSIS:
            return topsis_kernel(nx, w)[0]
        out = np.empty(x.shape[:2])
        for d in range(x.shape[0]):
            plus, minus = promethee_kernel(nx[d], prob.preferences)
            out[d] = (plus - minus) @ w[d]
        return out

    def scores_many(self, w: np.ndarray, x: np.ndarray) -> np.ndarray:
        """Scores (k, m, c) of c weight vectors w (c, n) on each of k matrices x (k, m, n)."""
        prob = self.prob
        nx = prob.normalized(x)
        k, m, n = nx.shape

        def product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            # one BLAS call: (k·m, n) @ (n, c) -> (k, m, c)
            return np.dot(a.reshape(k * m, n), b).reshape(k, m, -1)

        if prob.method is Method.WEIGHTED_SUM:
            return product(nx, np.ascontiguousarray(w.T))
        if prob.method is Method.TOPSIS:
            w2 = np.ascontiguousarray((w * w).T)  # (n, c)
            d_plus = np.sqrt(product((nx - nx.max(axis=1, keepdims=True)) ** 2, w2))
            d_minus = np.sqrt(product((nx - nx.min(axis=1, keepdims=True)) ** 2, w2))
            return closeness(d_plus, d_minus)
        out = np.empty((k, m, len(w)))
        for d in range(k):
            plus, minus = promethee_kernel(nx[d], prob.preferences)
            out[d] = (plus - minus) @ w.T
        return out

    def chunk(self, n_samples: int) -> int:
        """Draws per batch, so the largest temporary stays near ``CHUNK_FLOATS`` floats."""
        m, n = self.prob.x.shape
        per_draw = m * max(n, 8) if self.sd is not None else m * 8
        return max(1, min(n_samples, CHUNK_FLOATS // per_draw))
