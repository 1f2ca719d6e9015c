"""SMAA-2 results: rank acceptability, central weights, confidence (Lahdelma & Salminen 2001)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError
from alliancekit.results import Result, html_table
from alliancekit.scoring import Method

__all__ = ["SMAAResult"]


def _shade(column: str, value: Any) -> str:
    """Blue background as deep as a rank share [0–1] (no JavaScript needed)."""
    if column.startswith("rank_") or column == "first_rank":
        return f"background: rgba(31, 119, 180, {min(1.0, max(0.0, float(value))):.2f})"
    return ""


@dataclass(frozen=True)
class SMAAResult(Result):
    """SMAA-2 robustness of a ranking (Lahdelma & Salminen 2001).

    Attributes
    ----------
    acceptability : DataFrame
        Rank acceptability indices b_i^r: alternatives × ranks 1..m, the share of draws in which
        alternative i takes rank r [0–1]; rows and columns each sum to 1 (ties split evenly).
    central_weights : DataFrame
        Alternatives × criteria: mean weight vector of the draws in which the alternative ranks
        first (NaN row if it never does).
    confidence : Series
        Confidence factor p_i^c: share of value-noise draws in which the alternative ranks first
        when its central weights are used [0–1]. Without ``value_noise`` the values are exact,
        so it is 1 (or 0) deterministically: 1 when the central weights make it the winner.
        NaN where no central weights exist.
    holistic : Series
        Holistic acceptability Σ_r α_r·b_i^r with rank-order centroid meta-weights scaled so
        α_1 = 1 [0–1].
    pairwise_winning : DataFrame or None
        c_ik: share of draws in which i ranks above k (ties count 1/2); None when skipped for
        size (see ``pairwise`` of :func:`smaa`).
    n_samples, seed : int
        Draws taken and the seed of the numpy Generator.
    method : Method
        Aggregation method scored in every draw.
    weight_space : str
        How weights were drawn.
    weight_bounds : DataFrame
        Criterion × (lo, hi) bounds of the weights drawn.
    acceptance_rate : float
        Share of proposals kept by the rejection sampler (1 for the whole simplex).
    value_noise : DataFrame or None
        Standard deviation of the Gaussian value noise per alternative and criterion
        [criterion units].
    notes : tuple of str
    """

    acceptability: pd.DataFrame
    central_weights: pd.DataFrame
    confidence: pd.Series
    holistic: pd.Series
    pairwise_winning: pd.DataFrame | None
    n_samples: int
    seed: int
    method: Method
    weight_space: str = ""
    weight_bounds: pd.DataFrame | None = None
    acceptance_rate: float = 1.0
    value_noise: pd.DataFrame | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    title = "SMAA-2 rank acceptability"

    @property
    def expected_rank(self) -> pd.Series:
        """Mean rank over the draws, Σ_r r·b_i^r."""
        ranks = np.arange(1, self.acceptability.shape[1] + 1)
        return pd.Series(self.acceptability.to_numpy() @ ranks, index=self.acceptability.index)

    def rank_interval(self, coverage: float = 0.9) -> pd.DataFrame:
        """Smallest central rank range holding ``coverage`` of each alternative's draws.

        Returns a DataFrame with ``best``/``worst`` (ranks with the ``(1 − coverage)/2`` tails
        cut off each side) and ``modal`` (the most frequent rank), e.g. "ranks 2–4 in 90 % of
        draws".
        """
        if not 0 < coverage <= 1:
            raise DataValidationError(f"coverage must be in (0, 1], got {coverage!r}")
        acc = self.acceptability.to_numpy()
        cum = np.cumsum(acc, axis=1)
        tail = (1.0 - coverage) / 2.0
        best = (cum > tail + 1e-12).argmax(axis=1) + 1
        worst = (cum >= 1.0 - tail - 1e-12).argmax(axis=1) + 1
        return pd.DataFrame(
            {"best": best, "worst": np.maximum(best, worst), "modal": acc.argmax(axis=1) + 1},
            index=self.acceptability.index,
        )

    def top_k_acceptability(self, k: int = 3) -> pd.Series:
        """Share of draws in which each alternative ranks in the top ``k`` [0–1], best first."""
        k = max(1, min(int(k), self.acceptability.shape[1]))
        out = self.acceptability.iloc[:, :k].sum(axis=1).rename(f"top_{k}")
        return out.sort_values(ascending=False, kind="stable")

    def to_frame(self, max_ranks: int = 5) -> pd.DataFrame:
        """One row per alternative sorted by holistic acceptability: first-rank acceptability,
        holistic index, confidence, expected rank and the first ``max_ranks`` rank columns."""
        frame = pd.DataFrame(
            {
                "first_rank": self.acceptability.iloc[:, 0],
                "holistic": self.holistic,
                "confidence": self.confidence,
                "expected_rank": self.expected_rank,
            }
        )
        ranks = self.acceptability.iloc[:, :max_ranks]
        frame = frame.join(ranks.rename(columns=lambda r: f"rank_{r}"))
        frame = frame.sort_values(["holistic", "expected_rank"], ascending=[False, True],
                                  kind="stable")  # fmt: skip
        frame.index.name = self.acceptability.index.name or "alternative"
        return frame

    def html_tables(self) -> list[tuple[str, str]]:
        """The acceptability table (30 rows, 10 ranks), rank shares shaded by value."""
        frame = self.to_frame(max_ranks=10)
        formats = {str(c): ".3f" for c in frame.columns}
        formats["expected_rank"] = ".2f"
        return [("", html_table(frame, formats=formats, cell_style=_shade, max_rows=30))]

    def summary(self) -> str:
        """Who wins how often, with which confidence."""
        m = self.acceptability.shape[0]
        first = self.acceptability.iloc[:, 0].sort_values(ascending=False, kind="stable")
        winners = first[first > 0]
        lines = [
            f"SMAA-2 ({self.method}) over {self.n_samples:,} draws, weights {self.weight_space}, "
            f"seed {self.seed}; {m} alternatives",
        ]
        for i, share in winners.head(5).items():
            conf = self.confidence.get(i, np.nan)
            conf_txt = "n/a" if pd.isna(conf) else f"{conf:.2f}"
            lines.append(f"  {i}: first in {share:.1%} of draws (confidence {conf_txt})")
        if len(winners) > 5:
            lines.append(f"  … {len(winners) - 5} more alternatives win in some draws")
        never = m - len(winners)
        if never:
            lines.append(f"{never} alternative(s) never rank first")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)
