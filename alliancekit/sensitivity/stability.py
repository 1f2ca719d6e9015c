"""Weight stability: how far each weight can move before the top-k set of a ranking changes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError
from alliancekit.scoring import (
    Method,
    Normalization,
    OnConstant,
    check_count,
    check_weights,
    prepare,
)
from alliancekit.sensitivity.scorer import BatchScorer

__all__ = ["weight_stability"]

#: a score function: weights (n,) -> scores (m,)
ScoreAt = Callable[[np.ndarray], np.ndarray]


def weight_stability(
    matrix: pd.DataFrame,
    weights: Mapping[Any, float] | pd.Series,
    directions: Mapping[Any, Any] | str,
    method: str | Method = "weighted_sum",
    top_k: int = 1,
    normalization: str | Normalization | None = None,
    preferences: Mapping[Any, Any] | None = None,
    scales: Mapping[Any, tuple[float, float]] | None = None,
    *,
    on_constant: str | OnConstant = "raise",
    grid: int = 200,
    tol: float = 1e-9,
) -> pd.DataFrame:
    """Weight stability intervals: how far each weight can move before the top-k set changes.

    Criterion j's weight moves to t ∈ [0, 1] while the other weights are rescaled proportionally
    (w_k·(1 − t)/(1 − w_j)), so they keep their ratios and sum to 1 − t. Weighted sum and
    PROMETHEE II scores are affine in t, so the breakpoints are exact (the first crossing of a
    top-k member and a non-member on each side). TOPSIS is scanned on ``grid`` points per side
    and the first change is refined by bisection to ``tol``; a change that reverses between two
    grid points can be missed.

    Parameters
    ----------
    matrix : DataFrame
        Alternatives × criteria, finite numbers (as for :func:`alliancekit.scoring.score`).
    weights : Mapping or Series
        The chosen weights by criterion (>= 0, normalised to sum 1) [0–1].
    directions : Mapping or str
        Criterion -> ``"benefit"``/``"cost"``, or one value for all.
    method : {"weighted_sum", "topsis", "promethee_ii"}
        Aggregation whose top-k set is tracked.
    top_k : int
        Size of the top set watched (1 = the winner), 1 <= top_k < alternatives.
    normalization, preferences, scales, on_constant
        As for :func:`alliancekit.scoring.score`.
    grid : int
        TOPSIS only: scan points per side before bisection.
    tol : float
        TOPSIS only: bisection tolerance on the weight [0–1].

    Returns
    -------
    DataFrame
        Indexed by criterion: ``weight`` (current), ``lower``/``upper`` (weights at which the
        top-k set changes; 0/1 when it never does), ``lower_pct``/``upper_pct`` (the same as %
        change of the current weight), ``change_below``/``change_above`` (which alternative
        enters and which leaves). ``attrs`` holds ``top_k``, ``top_set``, ``method`` and
        ``notes``.
    """
    prob = prepare(matrix, directions, method, normalization, preferences, scales, on_constant)
    w0 = check_weights(weights, prob.criteria)
    m = prob.x.shape[0]
    k = check_count(top_k, "top_k")
    if not k < m:
        raise DataValidationError(
            f"top_k must be between 1 and {m - 1} (alternatives − 1), got {top_k!r}"
        )
    watch = _Watch(BatchScorer(prob, None), w0, k, check_count(grid, "grid"), tol)
    rows = [watch.interval(j) for j in range(len(w0))]
    out = pd.DataFrame(rows, index=pd.Index(prob.criteria, name="criterion"))
    s0, order = watch.s0, np.argsort(-watch.s0, kind="stable")
    notes = []
    if s0[order[k - 1]] - s0[order[k]] <= tol:
        notes.append("the current top-k boundary is a tie; intervals are degenerate")
    out.attrs.update(
        {
            "top_k": k,
            "top_set": [prob.ids[i] for i in order[:k]],
            "method": prob.method,
            "notes": notes,
        }
    )
    return out


class _Watch:
    """The top-k set at the current weights, and where moving one weight changes it."""

    def __init__(self, scorer: BatchScorer, w0: np.ndarray, k: int, grid: int, tol: float) -> None:
        self.scorer, self.linear, self.ids = scorer, scorer.linear, scorer.prob.ids
        self.w0, self.k, self.grid, self.tol = w0, k, grid, tol
        self.s0 = self.score_at(w0)
        self.top = _top_set(self.s0, k)

    def score_at(self, w: np.ndarray) -> np.ndarray:
        """Scores (m,) for one weight vector (n,)."""
        if self.linear is not None:
            return self.linear @ w
        return self.scorer.scores(w[None, :])[0]

    def interval(self, j: int) -> dict[str, Any]:
        """Criterion j's row: weight, lower/upper bounds, as % change, and what changes there."""
        w0, top = self.w0, self.top
        if self.linear is not None:
            lower, upper = _linear_bounds(self.linear, w0, j, top)
        else:
            lower, upper = _bisect_bounds(self.score_at, w0, j, top, self.k, self.grid, self.tol)
        return {
            "weight": w0[j],
            "lower": lower,
            "upper": upper,
            "lower_pct": 100 * (lower - w0[j]) / w0[j] if w0[j] > 0 else np.nan,
            "upper_pct": 100 * (upper - w0[j]) / w0[j] if w0[j] > 0 else np.nan,
            "change_below": self.change(j, lower - 1e-7) if lower > 0 else "",
            "change_above": self.change(j, upper + 1e-7) if upper < 1 else "",
        }

    def change(self, j: int, t: float) -> str:
        """``"X enters, Y leaves"`` when w_j = t (clipped to [0, 1]) changes the top set."""
        new = _top_set(self.score_at(_moved(self.w0, j, min(1.0, max(0.0, t)))), self.k)
        if new == self.top:
            return ""
        enters = ", ".join(sorted(str(self.ids[i]) for i in new - self.top))
        leaves = ", ".join(sorted(str(self.ids[i]) for i in self.top - new))
        return f"{enters} enters, {leaves} leaves"


def _moved(w0: np.ndarray, j: int, t: float | np.ndarray) -> np.ndarray:
    """Weights with w_j = t and the others rescaled proportionally to sum 1 − t."""
    t = np.asarray(t, dtype=float)
    rest = np.delete(np.arange(len(w0)), j)
    # with w_j = 1 there is nothing to rescale: the others then share 1 − t equally
    even = np.full(len(w0), 1.0 / max(1, len(w0) - 1))
    share = w0 / (1.0 - w0[j]) if w0[j] < 1 else even
    out = np.multiply.outer(1.0 - t, share)
    out[..., j] = t
    if len(rest) == 0:
        out[..., j] = 1.0
    return out


def _top_set(s: np.ndarray, k: int) -> frozenset[int]:
    """Positions of the k best scores (stable order among equal scores)."""
    return frozenset(np.argsort(-s, kind="stable")[:k].tolist())


def _linear_bounds(
    linear: np.ndarray, w0: np.ndarray, j: int, top: frozenset[int]
) -> tuple[float, float]:
    """Exact (lower, upper) of w_j for scores ``linear @ w``: affine in t = w_j.

    g(t) = s_a(t) − s_b(t) >= 0 for member a and non-member b; the nearest root on each side of
    the current weight is where the top set changes.
    """
    members = np.array(sorted(top))
    others = np.array([i for i in range(linear.shape[0]) if i not in top])
    intercept = linear @ _moved(w0, j, 0.0)  # t = 0 gives the intercepts
    slope = linear[:, j] - intercept
    da = intercept[members][:, None] - intercept[others][None, :]
    sa = slope[members][:, None] - slope[others][None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        cross = -da / sa
    upper_c = np.where(sa < 0, cross, np.inf)
    lower_c = np.where(sa > 0, cross, -np.inf)
    # at t = w_j every g >= 0, so crossings lie on the far side (clip float noise)
    return float(np.clip(lower_c.max(), 0.0, w0[j])), float(np.clip(upper_c.min(), w0[j], 1.0))


def _bisect_bounds(
    score_at: ScoreAt,
    w0: np.ndarray,
    j: int,
    top: frozenset[int],
    k: int,
    grid: int,
    tol: float,
) -> tuple[float, float]:
    """Nearest t below/above w0[j] where the top-k set changes (grid scan, then bisection)."""

    def same(t: float) -> bool:
        return _top_set(score_at(_moved(w0, j, t)), k) == top

    bounds = []
    for end in (0.0, 1.0):
        start = float(w0[j])
        found = end
        prev = start
        for t in np.linspace(start, end, grid + 1)[1:]:
            if not same(float(t)):
                a, b = prev, float(t)  # same at a, changed at b
                while abs(b - a) > tol:
                    mid = 0.5 * (a + b)
                    if same(mid):
                        a = mid
                    else:
                        b = mid
                found = a
                break
            prev = float(t)
        bounds.append(found)
    return bounds[0], bounds[1]
