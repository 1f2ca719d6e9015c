"""Pure numpy kernels of scoring: no labels, no validation; arrays shaped (..., m, n).

``m`` alternatives (rows), ``n`` criteria (columns); a leading batch axis is allowed. The
validating wrappers (:func:`alliancekit.scoring.score`, the weight functions, SMAA) check their
input once and then call these on plain arrays. Every normalisation returns *benefit-oriented*
values (higher is better), so the aggregation kernels never look at criterion directions again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from alliancekit.scoring.vocab import Normalization, PreferenceKind

if TYPE_CHECKING:
    from alliancekit.scoring.preferences import Preference

__all__ = [
    "TIE_TOLERANCE",
    "ahp_eigen_kernel",
    "closeness",
    "flows_by_criterion",
    "normalize_kernel",
    "preference_kernel",
    "promethee_reference_kernel",
    "rank_kernel",
    "topsis_kernel",
    "weighted_sum_kernel",
]

#: absolute tolerance under which two scores count as tied (scores are on 0–1 / −1..1 scales
#: inside the kernels; the WSM 0–100 scale is applied after ranking)
TIE_TOLERANCE = 1e-9


def normalize_kernel(
    x: np.ndarray,
    benefit: np.ndarray,
    kind: Normalization | str,
    lo: np.ndarray | None = None,
    hi: np.ndarray | None = None,
    constant_fill: float = 0.5,
    span_tol: float = 0.0,
) -> np.ndarray:
    """Benefit-oriented normalisation of ``x`` along the alternatives axis (axis −2).

    Parameters
    ----------
    x : ndarray, shape (..., m, n)
        Raw values; a leading batch axis is allowed (one matrix per draw in SMAA).
    benefit : ndarray of bool, shape (n,)
        True where more is better.
    kind : Normalization
        See :class:`~alliancekit.scoring.Normalization`.
    lo, hi : ndarray, shape (n,), optional
        Fixed min–max scale per criterion; NaN entries fall back to the observed min/max.
    constant_fill : float
        Value given under min–max to a criterion whose range is zero [0–1].
    span_tol : float
        Min–max: a range ``hi − lo <= span_tol·max(1, |hi|, |lo|)`` counts as zero (0: only an
        exactly constant criterion; the alliance criteria use 1e-12, docs/method.md §10.1).
    """
    kind = Normalization(kind)
    x = np.asarray(x, dtype=float)
    benefit = np.asarray(benefit, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind is Normalization.MINMAX:
            return _minmax(x, benefit, lo, hi, constant_fill, span_tol)
        if kind is Normalization.VECTOR:
            r = x / np.sqrt((x * x).sum(axis=-2, keepdims=True))
            return np.where(benefit, r, 1.0 - r)
        if kind is Normalization.SUM:
            b = x / x.sum(axis=-2, keepdims=True)
            inv = 1.0 / x
            c = inv / inv.sum(axis=-2, keepdims=True)
            return np.where(benefit, b, c)
        if kind is Normalization.MAX:
            r = x / x.max(axis=-2, keepdims=True)
            return np.where(benefit, r, 1.0 - r)
    if kind is Normalization.RAW:
        return np.where(benefit, x, -x)
    return x.copy()


def _minmax(
    x: np.ndarray,
    benefit: np.ndarray,
    lo: np.ndarray | None,
    hi: np.ndarray | None,
    constant_fill: float,
    span_tol: float,
) -> np.ndarray:
    """Benefit (x − lo)/(hi − lo), cost (hi − x)/(hi − lo); ``constant_fill`` where hi ≈ lo."""
    low = x.min(axis=-2, keepdims=True)
    high = x.max(axis=-2, keepdims=True)
    if lo is not None:
        low = np.where(np.isnan(lo), low, lo)
    if hi is not None:
        high = np.where(np.isnan(hi), high, hi)
    span = high - low
    n = np.subtract(x, low)  # one (..., m, n) array, filled in place (SMAA draws are large)
    np.subtract(high, x, out=n, where=~benefit)
    n /= span
    limit = span_tol * np.maximum(1.0, np.maximum(np.abs(high), np.abs(low))) if span_tol else 0.0
    np.copyto(n, constant_fill, where=~(span > limit))
    return n


def weighted_sum_kernel(n: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted sum Σ_c w_c·n_ic [0–1] of a normalised (m, n) matrix for weights (n,) or (d, n)."""
    return n @ np.asarray(w, dtype=float).T


def topsis_kernel(n: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """TOPSIS relative closeness (Hwang & Yoon 1981) of benefit-oriented values.

    Parameters
    ----------
    n : ndarray, shape (..., m, n)
        Benefit-oriented normalised values.
    w : ndarray, shape (..., n)
        Weights (a batch of weight vectors pairs with a batch of matrices or broadcasts).

    Returns
    -------
    closeness, d_plus, d_minus : ndarray, shape (..., m)
        C = D⁻/(D⁺ + D⁻) [0–1]; distances to the ideal and anti-ideal points. When every
        alternative sits on the same point C is 0.5.
    """
    v = n * np.asarray(w, dtype=float)[..., None, :]
    ideal = v.max(axis=-2, keepdims=True)
    anti = v.min(axis=-2, keepdims=True)
    d_plus = np.sqrt(((v - ideal) ** 2).sum(axis=-1))
    d_minus = np.sqrt(((v - anti) ** 2).sum(axis=-1))
    return closeness(d_plus, d_minus), d_plus, d_minus


def closeness(d_plus: np.ndarray, d_minus: np.ndarray) -> np.ndarray:
    """TOPSIS closeness D⁻/(D⁺ + D⁻) [0–1]; 0.5 where both distances are 0."""
    total = d_plus + d_minus
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, d_minus / total, 0.5)


def preference_kernel(
    d: np.ndarray, kind: PreferenceKind, q: float | None, p: float | None, s: float | None
) -> np.ndarray:
    """Preference degree P(d) ∈ [0, 1] for differences ``d`` (Brans & Vincke 1985, types I–VI)."""
    positive = d > 0
    if kind is PreferenceKind.USUAL:
        return positive.astype(float)
    if kind is PreferenceKind.U_SHAPE:
        return (d > q).astype(float)
    if kind is PreferenceKind.V_SHAPE:
        return np.clip(np.where(positive, d / p, 0.0), 0.0, 1.0)
    if kind is PreferenceKind.LEVEL:
        return np.where(d > p, 1.0, np.where(d > q, 0.5, 0.0))
    if kind is PreferenceKind.LINEAR:
        return np.clip(np.where(d > q, (d - q) / (p - q), 0.0), 0.0, 1.0)
    return np.where(positive, 1.0 - np.exp(-(d * d) / (2.0 * s * s)), 0.0)  # gaussian


def promethee_reference_kernel(
    x: np.ndarray, preferences: Sequence[Preference]
) -> tuple[np.ndarray, np.ndarray]:
    """Unicriterion flows by the definition: one m × m matrix per criterion, O(m²·n).

    The test oracle of the fast kernel :func:`alliancekit.scoring.promethee.promethee_kernel`
    (O(m·n·log m), same flows), which every caller uses. Needs 8·m² bytes at a time (800 MB at
    m = 10,000). Parameters and returns as for the fast kernel.
    """
    return flows_by_criterion(x, preferences, _pairwise_sums)


def _pairwise_sums(
    col: np.ndarray, kind: PreferenceKind, q: float | None, p: float | None, s: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """Row and column sums of the m × m preference matrix P(x_i − x_k) of one criterion."""
    pc = preference_kernel(col[:, None] - col[None, :], kind, q, p, s)
    return pc.sum(axis=1), pc.sum(axis=0)


def flows_by_criterion(
    x: np.ndarray, preferences: Sequence[Preference], sums: Callable[..., tuple]
) -> tuple[np.ndarray, np.ndarray]:
    """PROMETHEE flows (m, n) from ``sums(col, kind, q, p, s)`` -> (Σ_k P(i, k), Σ_k P(k, i)).

    Parameters
    ----------
    x : ndarray, shape (m, n)
        Values where more is better (cost criteria already negated or normalised).
    preferences : sequence of Preference, length n
    sums : callable
        One criterion's unnormalised positive and negative sums.

    Returns
    -------
    phi_plus, phi_minus : ndarray, shape (m, n)
        Per criterion, Σ_k P_c(i, k)/(m − 1) and Σ_k P_c(k, i)/(m − 1) [0–1]. The PROMETHEE II
        net flow for weights w is ``(phi_plus - phi_minus) @ w``: linear in the weights.
    """
    x = np.asarray(x, dtype=float)
    m, n = x.shape
    plus = np.zeros((m, n))
    minus = np.zeros((m, n))
    if m < 2:
        return plus, minus
    for c, pref in enumerate(preferences):
        plus[:, c], minus[:, c] = sums(x[:, c], pref.kind, pref.q, pref.p, pref.s)
    plus /= m - 1
    minus /= m - 1
    return plus, minus


def rank_kernel(
    scores: np.ndarray, tol: float = TIE_TOLERANCE
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Competition ranks (1 = highest score; tied scores share the best rank) and tie groups.

    Sorted in descending order, neighbours closer than ``tol`` are tied (the same rule SMAA
    uses). Returns ``(ranks, groups)`` where ``groups`` lists the positions of each tied set
    (size > 1), best group first.
    """
    scores = np.asarray(scores, dtype=float)
    m = len(scores)
    order = np.argsort(-scores, kind="stable")
    ordered = scores[order]
    first = np.ones(m, dtype=bool)
    first[1:] = (ordered[:-1] - ordered[1:]) > tol
    starts = np.nonzero(first)[0]
    group = np.cumsum(first) - 1
    ranks = np.empty(m, dtype=int)
    ranks[order] = starts[group] + 1
    sizes = np.diff(np.append(starts, m))
    groups = [order[starts[g] : starts[g] + sizes[g]] for g in np.nonzero(sizes > 1)[0]]
    return ranks, groups


def ahp_eigen_kernel(a: np.ndarray) -> tuple[np.ndarray, float]:
    """Principal eigenvector (normalised to sum 1) and eigenvalue of a positive matrix."""
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    v = np.abs(vectors[:, k].real)
    return v / v.sum(), float(values[k].real)
