"""Kendall's coefficient of concordance W: how far several raters rank items alike."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError
from alliancekit.group.kernels import kendall_w_kernel
from alliancekit.results import Result


def _chi2_survival(x: float, df: int) -> float:
    """P(χ²(df) ≥ x) for a whole number of degrees of freedom; NaN for a NaN statistic.

    The closed form of the regularised upper incomplete gamma function Q(df/2, x/2): for even
    df, e^(−x/2) Σ_{i<df/2} (x/2)^i / i!; for odd df, erfc(√(x/2)) plus
    e^(−x/2) Σ_{i<(df−1)/2} (x/2)^(i+½) / Γ(i + 3/2) (Abramowitz & Stegun 26.4.4–26.4.5).
    Written out because scipy.special costs a report kernel ≈ 0.3 s to import; the tests
    compare it with ``scipy.stats.chi2.sf``.
    """
    if math.isnan(x) or df < 1:
        return math.nan
    if x <= 0.0:
        return 1.0
    if math.isinf(x):
        return 0.0
    half = x / 2.0
    log_half = math.log(half)
    # each term e^(−x/2)(x/2)^a/Γ(a + 1) in logs: no overflow or underflow for large df
    if df % 2 == 0:
        total = sum(math.exp(i * log_half - half - math.lgamma(i + 1)) for i in range(df // 2))
        return min(1.0, total)
    total = sum(
        math.exp((i + 0.5) * log_half - half - math.lgamma(i + 1.5)) for i in range((df - 1) // 2)
    )
    return min(1.0, math.erfc(math.sqrt(half)) + total)


__all__ = ["ConcordanceResult", "kendall_w"]


@dataclass(frozen=True)
class ConcordanceResult(Result):
    """Kendall's W with its chi-square test of "no agreement".

    Attributes
    ----------
    w : float
        Tie-corrected coefficient of concordance [0–1] (1 = identical rankings).
    chi2 : float
        m(n − 1)·W, approximately chi-square with n − 1 degrees of freedom under no agreement.
    df : int
        n − 1.
    p_value : float
        Upper tail probability of ``chi2`` [0–1].
    n_items, n_raters : int
        n and m.
    rank_sums : Series
        Sum of each item's ranks over the raters (rank 1 = the lowest value in a column).
    ties : float
        T = Σ (t³ − t) over every rater's tie groups (0 without ties).
    """

    w: float
    chi2: float
    df: int
    p_value: float
    n_items: int
    n_raters: int
    rank_sums: pd.Series
    ties: float = 0.0

    title = "Kendall's W"

    def to_frame(self) -> pd.DataFrame:
        """Rank sums and mean ranks by item."""
        return pd.DataFrame(
            {"rank_sum": self.rank_sums, "mean_rank": self.rank_sums / self.n_raters}
        )

    def summary(self) -> str:
        """W, chi-square test and a reading in words."""
        if math.isnan(self.w):
            return "Kendall's W undefined: every rater ties every item"
        reading = (
            "strong"
            if self.w >= 0.7
            else "moderate"
            if self.w >= 0.5
            else "weak"
            if self.w >= 0.3
            else "little"
        )
        return (
            f"Kendall's W = {self.w:.3f} ({reading} agreement) over {self.n_raters} raters and "
            f"{self.n_items} items; χ² = {self.chi2:.2f}, df = {self.df}, p = {self.p_value:.4f}"
        )


def kendall_w(table: pd.DataFrame | np.ndarray) -> ConcordanceResult:
    """Kendall's coefficient of concordance W, corrected for ties.

    Parameters
    ----------
    table : DataFrame or ndarray
        Rows = items, columns = raters; ranks or scores (each rater's column is ranked, ties
        get their average rank; reversing every column leaves W unchanged).

    Returns
    -------
    ConcordanceResult
        W = 12·S/(m²(n³ − n) − m·T) (Kendall & Babington Smith 1939; Siegel & Castellan 1988,
        §9.4), χ² = m(n − 1)·W with n − 1 degrees of freedom.

    Raises
    ------
    DataValidationError
        Fewer than 2 items or raters, or a missing or non-numeric value (naming the cell).
    """
    frame = table if isinstance(table, pd.DataFrame) else pd.DataFrame(np.asarray(table))
    n, m = frame.shape
    if n < 2 or m < 2:
        raise DataValidationError.single(
            f"Kendall's W needs at least 2 items (rows) and 2 raters (columns), got {n} × {m}",
            column="table",
        )
    x = frame.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    bad = np.argwhere(~np.isfinite(x))
    if len(bad):
        i, j = bad[0]
        raise DataValidationError.single(
            f"item {frame.index[i]!r}: value {frame.iat[i, j]!r} is not a finite number",
            column=str(frame.columns[j]),
        )
    w, sums, ties = kendall_w_kernel(x)
    chi2 = m * (n - 1) * w
    return ConcordanceResult(
        w=w,
        chi2=chi2,
        df=n - 1,
        p_value=_chi2_survival(chi2, n - 1),
        n_items=n,
        n_raters=m,
        rank_sums=pd.Series(sums, index=frame.index, name="rank_sum"),
        ties=ties,
    )
