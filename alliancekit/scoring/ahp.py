"""AHP weights: Saaty's (1980) principal eigenvector of a pairwise comparison matrix, CI and CR."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError, Problem
from alliancekit.results import Result
from alliancekit.scoring.kernels import ahp_eigen_kernel

__all__ = ["RANDOM_INDEX", "AHPResult", "ahp_weights"]

#: Saaty's random consistency index RI by matrix order n: n <= 10 as in Saaty (1980); n = 11–15
#: from Saaty's extended table as commonly reproduced (e.g. Saaty & Vargas 2012, *Models,
#: Methods, Concepts & Applications of the AHP*).
RANDOM_INDEX: dict[int, float] = {
    1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49,
    11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59,
}  # fmt: skip

_JUDGEMENT_COLUMNS = ["row", "column", "given", "consistent", "contribution", "share"]


@dataclass(frozen=True)
class AHPResult(Result):
    """Weights from an AHP pairwise comparison matrix (Saaty 1980).

    Attributes
    ----------
    weights : Series
        Normalised principal eigenvector, by criterion.
    lambda_max : float
        Principal eigenvalue (= n for a perfectly consistent matrix).
    ci : float
        Consistency index (λmax − n)/(n − 1).
    cr : float
        Consistency ratio CI/RI (0 for n ≤ 2).
    is_consistent : bool
        CR <= 0.10.
    inconsistent_judgements : DataFrame
        For an inconsistent matrix, the judgements contributing most to λmax − n: columns
        ``row``, ``column``, ``given`` (a_ij), ``consistent`` (w_i/w_j), ``contribution`` and
        ``share`` of λmax − n. Empty when consistent.
    pairwise : DataFrame
        The (reciprocal-completed) matrix used.
    """

    weights: pd.Series
    lambda_max: float
    ci: float
    cr: float
    is_consistent: bool
    inconsistent_judgements: pd.DataFrame
    pairwise: pd.DataFrame | None = None

    title = "AHP weights"

    def to_frame(self) -> pd.DataFrame:
        """Weights by criterion (sorted as given)."""
        return self.weights.to_frame("weight")

    def summary(self) -> str:
        """λmax, CI, CR and verdict; the worst judgements when inconsistent."""
        verdict = "consistent" if self.is_consistent else "INCONSISTENT (CR > 0.10)"
        lines = [
            f"AHP: λmax = {self.lambda_max:.4f}, CI = {self.ci:.4f}, CR = {self.cr:.4f}: "
            + verdict,
            "weights: " + ", ".join(f"{k} {v:.3f}" for k, v in self.weights.items()),
        ]
        for rec in self.inconsistent_judgements.itertuples(index=False):
            lines.append(
                f"revisit {rec.row} vs {rec.column}: given {rec.given:.3g}, consistent with the "
                f"other judgements would be {rec.consistent:.3g} ({rec.share:.0%} of the "
                "inconsistency)"
            )
        return "\n".join(lines)


def ahp_weights(
    pairwise: pd.DataFrame | np.ndarray | Sequence[Sequence[float]],
    *,
    rtol: float = 0.02,
    top_judgements: int = 3,
) -> AHPResult:
    """Criterion weights from a pairwise comparison matrix (Saaty's eigenvector method).

    Parameters
    ----------
    pairwise : DataFrame or array, shape (n, n)
        a_ij = how much more important criterion i is than j (Saaty's 1–9 scale), a_ji = 1/a_ij,
        a_ii = 1. A DataFrame labels the criteria (index must equal columns); an array gets
        labels 0..n−1. NaN cells whose mirror cell is given are filled with the reciprocal, so
        the upper triangle alone is enough.
    rtol : float
        Relative tolerance of the reciprocity check a_ij·a_ji = 1 (0.02 accepts 0.33 for 1/3).
    top_judgements : int
        How many judgements to name when the matrix is inconsistent.

    Returns
    -------
    AHPResult
    """
    a, labels = _pairwise_array(pairwise)
    n = a.shape[0]
    a = a.copy()
    holes = np.isnan(a)
    fill = holes & ~holes.T
    a[fill] = 1.0 / a.T[fill]
    problems = _judgement_problems(a, labels, rtol)
    if problems:
        raise DataValidationError([Problem("pairwise", None, None, p) for p in problems])
    w, lam = ahp_eigen_kernel(a)
    ci = max(0.0, (lam - n) / (n - 1)) if n > 2 else 0.0
    ri = RANDOM_INDEX[n]
    cr = ci / ri if ri > 0 else 0.0
    consistent = bool(cr <= 0.10)
    rows = [] if consistent else _worst_judgements(a, w, labels, top_judgements)
    index = pd.Index(labels)
    return AHPResult(
        weights=pd.Series(w, index=index, name="weight"),
        lambda_max=lam,
        ci=ci,
        cr=cr,
        is_consistent=consistent,
        inconsistent_judgements=pd.DataFrame(rows, columns=_JUDGEMENT_COLUMNS),
        pairwise=pd.DataFrame(a, index=index, columns=index),
    )


def _pairwise_array(pairwise: Any) -> tuple[np.ndarray, list[Any]]:
    """The matrix as a square float array (n <= 15) and its criterion labels."""
    if isinstance(pairwise, pd.DataFrame):
        labels = list(pairwise.index)
        if list(pairwise.columns) != labels:
            raise DataValidationError(
                "pairwise matrix: row labels and column labels must be the same criteria in the "
                "same order"
            )
    try:
        if isinstance(pairwise, pd.DataFrame):
            a = pairwise.to_numpy(dtype=float, na_value=np.nan)
        else:
            a = np.array(pairwise, dtype=float)
            labels = list(range(a.shape[0])) if a.ndim == 2 else []
    except (TypeError, ValueError):
        raise DataValidationError("pairwise matrix must be numeric") from None
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise DataValidationError(
            f"pairwise matrix must be square and non-empty, got shape {a.shape}"
        )
    if a.shape[0] > max(RANDOM_INDEX):
        raise DataValidationError(
            f"pairwise matrix has {a.shape[0]} criteria; Saaty's random index is tabulated up to "
            f"{max(RANDOM_INDEX)} (split the criteria into a hierarchy)"
        )
    return a, labels


def _judgement_problems(a: np.ndarray, labels: list[Any], rtol: float) -> list[str]:
    """Missing pairs, judgements <= 0, a diagonal other than 1 and non-reciprocal pairs."""
    if np.isnan(a).any():
        i, j = np.argwhere(np.isnan(a))[0]
        return [f"a[{labels[i]!r}, {labels[j]!r}] and its mirror are both missing"]
    if not np.isfinite(a).all() or (a <= 0).any():
        i, j = np.argwhere(~np.isfinite(a) | (a <= 0))[0]
        return [f"a[{labels[i]!r}, {labels[j]!r}] = {a[i, j]:g}; judgements must be > 0"]
    problems = []
    if not np.allclose(np.diag(a), 1.0, rtol=0, atol=1e-9):
        i = int(np.argmax(np.abs(np.diag(a) - 1)))
        problems.append(f"diagonal a[{labels[i]!r}, {labels[i]!r}] = {a[i, i]:g}; must be 1")
    bad = np.argwhere(np.triu(np.abs(a * a.T - 1.0) > rtol, 1))
    for i, j in bad[:5]:
        problems.append(
            f"not reciprocal: a[{labels[i]!r}, {labels[j]!r}] = {a[i, j]:g} but "
            f"a[{labels[j]!r}, {labels[i]!r}] = {a[j, i]:g} (should be {1 / a[i, j]:g})"
        )
    return problems


def _worst_judgements(
    a: np.ndarray, w: np.ndarray, labels: list[Any], top: int
) -> list[dict[str, Any]]:
    """The judgements contributing most to λmax − n, largest first.

    λmax − n = (1/n)·Σ_{i<j} (e_ij + 1/e_ij − 2) with e_ij = a_ij·w_j/w_i: an exact split of the
    inconsistency over the judgements (each term >= 0, zero when a_ij = w_i/w_j).
    """
    n = a.shape[0]
    iu, ju = np.triu_indices(n, 1)
    e = a[iu, ju] * w[ju] / w[iu]
    contribution = (e + 1.0 / e - 2.0) / n
    total = contribution.sum()
    return [
        {
            "row": labels[iu[k]],
            "column": labels[ju[k]],
            "given": a[iu[k], ju[k]],
            "consistent": w[iu[k]] / w[ju[k]],
            "contribution": contribution[k],
            "share": contribution[k] / total if total > 0 else 0.0,
        }
        for k in np.argsort(-contribution)[: max(0, top)]
    ]
