"""Criterion weights from a ranking or from the data.

:func:`rank_order_weights` (rank-order centroid, Barron & Barrett 1996), :func:`entropy_weights`
(Shannon entropy) and :func:`critic_weights` (Diakoulaki et al. 1995). AHP lives in
:mod:`alliancekit.scoring.ahp`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError, Problem
from alliancekit.model import Direction
from alliancekit.scoring.checks import check_directions, check_matrix, raise_problems
from alliancekit.scoring.kernels import normalize_kernel
from alliancekit.scoring.vocab import Normalization

__all__ = ["critic_weights", "entropy_weights", "rank_order_weights"]


def rank_order_weights(ranking: Sequence[Any] | Mapping[Any, float]) -> pd.Series:
    """Rank-order centroid weights w_k = (1/n)·Σ_{j=k..n} 1/j (Barron & Barrett 1996).

    Parameters
    ----------
    ranking : sequence or Mapping
        Criteria ordered most important first (an inner list/tuple/set holds tied criteria), or
        a Mapping criterion -> rank (1 = most important; equal ranks are ties). Tied criteria
        share the mean of the centroid weights of the positions they occupy.

    Returns
    -------
    Series
        Weights by criterion, summing to 1, in the order given.
    """
    if isinstance(ranking, (str, bytes)):
        raise DataValidationError(
            f"ranking must be a sequence of criteria or a Mapping criterion -> rank, got the "
            f"text {ranking!r}"
        )
    if isinstance(ranking, (Mapping, pd.Series)):
        groups, order = _groups_from_ranks(ranking)
    else:
        groups = [list(e) if isinstance(e, (list, tuple, set, frozenset)) else [e] for e in ranking]
        order = [c for g in groups for c in g]
    if not order:
        raise DataValidationError("ranking is empty")
    if len(set(order)) != len(order):
        raise DataValidationError("ranking names a criterion twice")
    n = len(order)
    centroid = np.array([sum(1.0 / j for j in range(k, n + 1)) / n for k in range(1, n + 1)])
    weights: dict[Any, float] = {}
    pos = 0
    for g in groups:
        share = centroid[pos : pos + len(g)].mean()
        weights.update(dict.fromkeys(g, share))
        pos += len(g)
    return pd.Series([weights[c] for c in order], index=pd.Index(order), name="weight")


def _groups_from_ranks(ranking: Mapping[Any, Any] | pd.Series) -> tuple[list[list[Any]], list]:
    """Tie groups (best rank first) and the criteria in the order given, from criterion → rank."""
    items = [(c, _rank(c, r)) for c, r in ranking.items()]
    groups = [[c for c, rr in items if rr == r] for r in sorted({r for _, r in items})]
    return groups, [c for c, _ in items]


def _rank(criterion: Any, value: Any) -> float:
    """One rank: a finite number >= 1."""
    try:
        rank = float(value)
    except (TypeError, ValueError):
        rank = math.nan
    if not math.isfinite(rank):
        raise DataValidationError(f"rank of {criterion!r} must be a finite number, got {value!r}")
    if rank < 1:
        raise DataValidationError(f"rank of {criterion!r} must be >= 1 (1 = most important)")
    return rank


def _frame_values(matrix: Any, what: str) -> tuple[np.ndarray, pd.Index]:
    """Checked values (at least 2 alternatives) and criteria of a DataFrame or array."""
    if isinstance(matrix, np.ndarray):
        matrix = pd.DataFrame(matrix)
    x, _, criteria = check_matrix(matrix)
    if x.shape[0] < 2:
        raise DataValidationError(f"{what} needs at least 2 alternatives, got {x.shape[0]}")
    return x, criteria


def entropy_weights(matrix: pd.DataFrame | np.ndarray) -> pd.Series:
    """Objective weights from Shannon entropy of column-sum proportions (Shannon 1948; Zeleny 1982).

    p_ij = x_ij/Σ_i x_ij, E_j = −Σ_i p_ij·ln p_ij / ln m (0·ln 0 = 0), w_j ∝ 1 − E_j: criteria
    whose values differ more across alternatives weigh more. Values must be >= 0 with a positive
    column sum; direction does not matter.

    Parameters
    ----------
    matrix : DataFrame or ndarray
        Alternatives × criteria (at least 2 alternatives), values >= 0.

    Returns
    -------
    Series
        Weight by criterion [0–1], summing to 1.
    """
    x, criteria = _frame_values(matrix, "entropy_weights")
    for j, c in enumerate(criteria):
        if (x[:, j] < 0).any():
            raise_problems([Problem("matrix", None, str(c), "entropy weights need values >= 0")])
        if not x[:, j].sum() > 0:
            raise_problems(
                [Problem("matrix", None, str(c), "entropy weights need a positive column sum")]
            )
    p = x / x.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    entropy = -plogp.sum(axis=0) / math.log(x.shape[0])
    d = np.clip(1.0 - entropy, 0.0, None)
    if not d.sum() > 1e-15:
        raise DataValidationError(
            "entropy weights are undefined: every criterion has the same value proportion for "
            "every alternative (maximal entropy)"
        )
    return pd.Series(d / d.sum(), index=criteria, name="weight")


def critic_weights(
    matrix: pd.DataFrame | np.ndarray, directions: Mapping[Any, str | Direction] | None = None
) -> pd.Series:
    """CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995).

    Min–max normalise (benefit-oriented by ``directions``; all benefit when None), then
    C_j = σ_j·Σ_k (1 − r_jk) with σ the standard deviation and r the Pearson correlation of the
    normalised columns; w_j ∝ C_j. Constant criteria are rejected (σ = 0, r undefined).

    Parameters
    ----------
    matrix : DataFrame or ndarray
        Alternatives × criteria (at least 2 alternatives), finite numbers.
    directions : Mapping, optional
        Criterion -> ``"benefit"``/``"cost"``; all benefit when None.

    Returns
    -------
    Series
        Weight by criterion [0–1], summing to 1.
    """
    x, criteria = _frame_values(matrix, "critic_weights")
    benefit = (
        np.ones(len(criteria), dtype=bool)
        if directions is None
        else check_directions(directions, criteria)[0]
    )
    constant = x.max(axis=0) == x.min(axis=0)
    raise_problems(
        [
            Problem(
                "matrix",
                None,
                str(criteria[j]),
                "CRITIC weights need a non-constant criterion (standard deviation is 0)",
            )
            for j in np.nonzero(constant)[0]
        ]
    )
    n = normalize_kernel(x, benefit, Normalization.MINMAX)
    sigma = n.std(axis=0, ddof=1)
    r = np.corrcoef(n, rowvar=False) if n.shape[1] > 1 else np.ones((1, 1))
    c = sigma * (1.0 - r).sum(axis=0)
    if not c.sum() > 0:
        raise DataValidationError("CRITIC weights are undefined: all criteria perfectly correlated")
    return pd.Series(c / c.sum(), index=criteria, name="weight")
