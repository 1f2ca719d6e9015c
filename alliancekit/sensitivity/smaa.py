"""Robustness of a multi-criteria ranking: SMAA-2 acceptability indices and weight stability.

* :func:`smaa` — Stochastic Multicriteria Acceptability Analysis (SMAA-2, Lahdelma & Salminen
  2001): draw weight vectors (uniform on the simplex, or uniform within bounds), optionally
  perturb the criterion values, rank the alternatives in every draw and report how often each
  alternative lands on each rank (rank acceptability indices), the typical weights that make it
  the winner (central weight vectors), how sure that win is (confidence factors), a holistic
  acceptability index and pairwise winning indices. Seeded, vectorised and processed in chunks.
* :func:`weight_stability` — for each criterion, how far its weight can move (the others
  rescaled proportionally) before the top-k set changes: exact breakpoints where scores are
  linear in the weights (weighted sum, PROMETHEE II), a grid plus bisection for TOPSIS.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError
from alliancekit.results import Result
from alliancekit.scoring import (
    TIE_TOLERANCE,
    Method,
    Normalization,
    _check_names,
    _check_weights,
    _prepare,
    _Problem,
    promethee_kernel,
    topsis_kernel,
)

__all__ = ["SMAAResult", "sample_weights", "smaa", "weight_stability"]

#: floats per chunk of the largest temporary (draws × alternatives × criteria); ~32 MB
_CHUNK_FLOATS = 4_000_000
#: pairwise winning indices are computed by default while draws × m² stays below this
_PAIRWISE_AUTO_LIMIT = 200_000_000


# ---------------------------------------------------------------------------------------------
# weight sampling
# ---------------------------------------------------------------------------------------------
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


def _weight_space(
    criteria: pd.Index,
    weights: Any,
    weight_bounds: Any,
    bounds_pct: float | None,
) -> tuple[np.ndarray, np.ndarray, str]:
    """Validated (lo, hi) per criterion and a description of the weight space."""
    n = len(criteria)
    if weight_bounds is not None and bounds_pct is not None:
        raise DataValidationError("give either weight_bounds or bounds_pct, not both")
    if weight_bounds is not None:
        if not isinstance(weight_bounds, Mapping):
            raise DataValidationError("weight_bounds must map criterion -> (lo, hi)")
        _check_names(weight_bounds, criteria, "weight_bounds")
        lo, hi = np.zeros(n), np.ones(n)
        for c, pair in weight_bounds.items():
            j = criteria.get_loc(c)
            try:
                a, b = (float(v) for v in pair)
            except (TypeError, ValueError):
                raise DataValidationError(
                    f"weight_bounds: {c!r} needs a pair (lo, hi), got {pair!r}"
                ) from None
            if not (0 <= a <= b <= 1):
                raise DataValidationError(
                    f"weight_bounds: {c!r} needs 0 <= lo <= hi <= 1, got ({a}, {b})"
                )
            lo[j], hi[j] = a, b
        desc = "uniform within explicit weight bounds"
    elif bounds_pct is not None:
        if weights is None:
            raise DataValidationError("bounds_pct needs the central weights (weights=...)")
        pct = float(bounds_pct)
        if not (math.isfinite(pct) and 0 < pct <= 100):
            raise DataValidationError(
                f"bounds_pct is a percentage in (0, 100], e.g. 20 for ±20 %; got {bounds_pct!r}"
            )
        w0 = _check_weights(weights, criteria)
        lo = w0 * (1 - pct / 100)
        hi = np.minimum(1.0, w0 * (1 + pct / 100))
        desc = f"uniform within ±{pct:g} % of the given weights (weights sum to 1)"
    elif weights is not None:
        raise DataValidationError(
            "weights given without bounds: pass bounds_pct (e.g. 20 for ±20 %) or weight_bounds, "
            "or leave weights=None to sample the whole weight simplex"
        )
    else:
        return np.zeros(n), np.ones(n), "uniform on the weight simplex (Dirichlet(1))"
    if lo.sum() > 1 + 1e-12 or hi.sum() < 1 - 1e-12:
        raise DataValidationError(
            f"weight bounds are infeasible: lower bounds sum to {lo.sum():.4g} and upper bounds "
            f"to {hi.sum():.4g}, but weights must sum to 1"
        )
    return lo, hi, desc


# ---------------------------------------------------------------------------------------------
# scoring many weight vectors (and perturbed matrices) at once
# ---------------------------------------------------------------------------------------------
def _noise_sd(prob: _Problem, value_noise: Any) -> np.ndarray:
    """Standard deviations (m, n) of Gaussian value noise in criterion units."""
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
        _check_names(value_noise, prob.criteria, "value_noise")
        sd = np.zeros((m, n))
        for c, v in value_noise.items():
            sd[:, prob.criteria.get_loc(c)] = float(v)
    else:
        share = float(value_noise)
        span = np.where(np.isnan(prob.lo), prob.x.max(axis=0) - prob.x.min(axis=0),
                        prob.hi - prob.lo)  # fmt: skip
        sd = np.tile(share * span, (m, 1))
    if not np.all(np.isfinite(sd)) or (sd < 0).any():
        raise DataValidationError("value_noise standard deviations must be finite and >= 0")
    return sd


class _Scorer:
    """Scores (draws × m) for a batch of weight vectors, with optional perturbed values."""

    def __init__(self, prob: _Problem, sd: np.ndarray | None) -> None:
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
            d_plus = np.sqrt(w2 @ self.d_plus_sq.T)
            d_minus = np.sqrt(w2 @ self.d_minus_sq.T)
            total = d_plus + d_minus
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(total > 0, d_minus / total, 0.5)
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
            total = d_plus + d_minus
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(total > 0, d_minus / total, 0.5)
        out = np.empty((k, m, len(w)))
        for d in range(k):
            plus, minus = promethee_kernel(nx[d], prob.preferences)
            out[d] = (plus - minus) @ w.T
        return out

    def chunk(self, n_samples: int) -> int:
        m, n = self.prob.x.shape
        per_draw = m * max(n, 8) if self.sd is not None else m * 8
        return max(1, min(n_samples, _CHUNK_FLOATS // per_draw))


def _rank_shares(
    s: np.ndarray, tol: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Per draw, where each alternative ranks, with ties split evenly over the tied ranks.

    Returns ``(order, tied_rows, start, size)``: ``order[d, p]`` is the alternative at sorted
    position p of draw d (best first). For the draws listed in ``tied_rows`` (usually none),
    ``start``/``size`` (shape (len(tied_rows), m)) say that the alternative at position p is
    tied with ``size`` alternatives occupying ranks ``start .. start + size − 1`` (0-based);
    for every other draw the rank is simply the position.
    """
    order = np.argsort(s, axis=1)[:, ::-1]  # ties are split evenly below, so order is free
    ss = np.sort(s, axis=1)[:, ::-1]  # = s[order], much cheaper than a gather
    tied_next = (ss[:, :-1] - ss[:, 1:]) <= tol  # position p tied with p+1
    tied_rows = np.nonzero(tied_next.any(axis=1))[0]
    if len(tied_rows) == 0:
        return order, tied_rows, None, None
    tied_next = tied_next[tied_rows]
    k, m = len(tied_rows), s.shape[1]
    pos = np.broadcast_to(np.arange(m), (k, m))
    first = np.ones((k, m), dtype=bool)
    first[:, 1:] = ~tied_next
    last = np.ones((k, m), dtype=bool)
    last[:, :-1] = ~tied_next
    start = np.maximum.accumulate(np.where(first, pos, 0), axis=1)
    end = np.minimum.accumulate(np.where(last, pos, m)[:, ::-1], axis=1)[:, ::-1]
    return order, tied_rows, start, end - start + 1


# ---------------------------------------------------------------------------------------------
# SMAA result
# ---------------------------------------------------------------------------------------------
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
    method : str
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
    method: str
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

    def _repr_html_(self, max_rows: int = 30, max_ranks: int = 10) -> str:
        """Acceptability table shaded by value (no JavaScript), best alternatives first."""
        table = self.to_frame(max_ranks=max_ranks).head(max_rows)
        rank_cols = [c for c in table.columns if str(c).startswith("rank_")]
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.columns)
        rows = []
        for alt, rec in table.iterrows():
            cells = []
            for col, value in rec.items():
                if pd.isna(value):
                    cells.append("<td>–</td>")
                    continue
                text = f"{value:.2f}" if col == "expected_rank" else f"{value:.3f}"
                if col in rank_cols or col == "first_rank":
                    alpha = min(1.0, max(0.0, float(value)))
                    style = f' style="background: rgba(31, 119, 180, {alpha:.2f})"'
                else:
                    style = ""
                cells.append(f"<td{style}>{text}</td>")
            rows.append(f"<tr><th>{html.escape(str(alt))}</th>{''.join(cells)}</tr>")
        more = len(self.acceptability) - len(table)
        foot = f"<p>… {more} more alternatives (see to_frame())</p>" if more > 0 else ""
        summary = "<br>".join(html.escape(line) for line in self.summary().splitlines())
        return (
            f'<div class="alliancekit-result"><h4>{html.escape(self.title)}</h4>'
            f'<p style="font-size:90%">{summary}</p>'
            f'<table class="dataframe"><thead><tr><th>{html.escape(str(table.index.name))}</th>'
            f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{foot}</div>"
        )

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


# ---------------------------------------------------------------------------------------------
# smaa()
# ---------------------------------------------------------------------------------------------
def _meta_weights(m: int, holistic: str) -> np.ndarray:
    r = np.arange(1, m + 1)
    if holistic == "centroid":
        alpha = np.cumsum((1.0 / r)[::-1])[::-1]  # α_r ∝ Σ_{k=r..m} 1/k
    elif holistic == "inverse":
        alpha = 1.0 / r
    elif holistic == "linear":
        alpha = (m - r + 1.0) / m
    else:
        raise DataValidationError(
            f"holistic must be 'centroid', 'inverse' or 'linear', got {holistic!r}"
        )
    return alpha / alpha[0]


def smaa(
    matrix: pd.DataFrame,
    directions: Mapping[Any, Any] | str,
    method: str = "weighted_sum",
    n_samples: int = 10_000,
    seed: int = 0,
    weights: Mapping[Any, float] | pd.Series | None = None,
    weight_bounds: Mapping[Any, tuple[float, float]] | None = None,
    bounds_pct: float | None = None,
    normalization: str | None = None,
    scales: Mapping[Any, tuple[float, float]] | None = None,
    preferences: Mapping[Any, Any] | None = None,
    value_noise: float | Mapping[Any, float] | pd.DataFrame | None = None,
    *,
    on_constant: str = "raise",
    holistic: str = "centroid",
    pairwise: bool | str = "auto",
    tie_tolerance: float = TIE_TOLERANCE,
) -> SMAAResult:
    """SMAA-2 rank acceptability analysis (Lahdelma & Salminen 2001).

    Parameters
    ----------
    matrix, directions, method, normalization, scales, preferences
        As for :func:`alliancekit.score`.
    n_samples : int
        Weight draws [count].
    seed : int
        Seed of the numpy Generator; equal seeds give identical results.
    weights : Mapping or Series, optional
        Central weights for ``bounds_pct``. Without any bounds, weights are drawn uniformly from
        the whole simplex (no preference information, the SMAA default).
    weight_bounds : Mapping, optional
        Criterion -> (lo, hi) [0–1]; unlisted criteria get (0, 1). Weights are drawn uniformly
        from the part of the simplex inside the bounds (rejection sampling, see
        :func:`sample_weights`).
    bounds_pct : float, optional
        Percentage (20 means ±20 %) around ``weights``; weights still sum to 1.
    value_noise : float, Mapping or DataFrame, optional
        Gaussian noise on the criterion values: a float is a standard deviation as a share of
        each criterion's range (fixed scale, else observed); a Mapping gives criterion -> standard
        deviation [criterion units]; a DataFrame gives one per alternative and criterion.
        Noisy values are clipped to fixed scales ([0, 1] under ``normalization="none"``). The
        noise enters the acceptability draws (values and weights both random, as in SMAA-2) and
        the confidence factors. Under PROMETHEE II it costs O(draws·m²·n).
    on_constant : {"raise", "half"}
        As for :func:`alliancekit.score`.
    holistic : {"centroid", "inverse", "linear"}
        Meta-weights of the holistic acceptability index.
    pairwise : bool or "auto"
        Compute pairwise winning indices; "auto" does so while n_samples·m² <= 2·10⁸
        (m <= 141 at 10,000 draws), since the cost grows with m².
    tie_tolerance : float
        Scores closer than this count as tied (ranks split evenly).

    Returns
    -------
    SMAAResult
    """
    prob = _prepare(matrix, directions, method, normalization, preferences, scales, on_constant)
    n_samples = int(n_samples)
    if n_samples < 1:
        raise DataValidationError(f"n_samples must be >= 1, got {n_samples}")
    m, n = prob.x.shape
    lo, hi, space = _weight_space(prob.criteria, weights, weight_bounds, bounds_pct)
    alpha = _meta_weights(m, holistic)
    if pairwise == "auto":
        do_pairwise = n_samples * m * m <= _PAIRWISE_AUTO_LIMIT
    elif isinstance(pairwise, bool):
        do_pairwise = pairwise
    else:
        raise DataValidationError(f"pairwise must be True, False or 'auto', got {pairwise!r}")
    notes = list(prob.notes)
    if weights is not None and weight_bounds is not None:
        notes.append("weights were not used: weight_bounds alone define the weights drawn")
    if not do_pairwise:
        notes.append(
            f"pairwise winning indices skipped for size ({m} alternatives); pass pairwise=True"
        )
    sd = None if value_noise is None else _noise_sd(prob, value_noise)
    if sd is not None and not sd.any():
        sd = None
    if sd is None:
        notes.append(
            "no value noise: confidence factors are deterministic (1 when the central weights "
            "make the alternative the winner, else 0)"
        )

    rng = np.random.default_rng(seed)
    w_all, acceptance = sample_weights(rng, n_samples, lo, hi)
    scorer = _Scorer(prob, sd)
    chunk = scorer.chunk(n_samples)

    direct = np.zeros(m * m, dtype=np.int64)  # rank counts of draws without ties
    counts = np.zeros(m * (m + 1))  # difference array of rank shares of draws with ties
    first_mass = np.zeros(m)
    central_sum = np.zeros((m, n))
    less = np.zeros((m, m), dtype=np.int64)
    wins = less if do_pairwise else None
    for a in range(0, n_samples, chunk):
        w = w_all[a : a + chunk]
        k = len(w)
        x = scorer.perturbed(rng, k) if sd is not None else None
        s = scorer.scores(w, x)
        order, tied_rows, t_start, t_size = _rank_shares(s, tie_tolerance)
        clean = np.ones(k, dtype=bool)
        clean[tied_rows] = False
        # draws without ties: one count per (alternative, position); the winner takes all
        alt = order[clean]
        direct += np.bincount((alt * m + np.arange(m)).ravel(), minlength=m * m)
        winner, mass, draw = alt[:, 0], np.ones(len(alt)), np.nonzero(clean)[0]
        if len(tied_rows):  # spread 1/size over the tied ranks with a difference array
            alt_t = order[tied_rows]
            share = 1.0 / t_size
            base = alt_t * (m + 1)
            counts += np.bincount((base + t_start).ravel(), share.ravel(), m * (m + 1))
            counts -= np.bincount((base + t_start + t_size).ravel(), share.ravel(), m * (m + 1))
            top = t_start == 0
            winner = np.concatenate([winner, alt_t[top]])
            mass = np.concatenate([mass, share[top]])
            draw = np.concatenate([draw, tied_rows[np.nonzero(top)[0]]])
        first_mass += np.bincount(winner, mass, m)
        for j in range(n):
            central_sum[:, j] += np.bincount(winner, mass * w[draw, j], m)
        if wins is not None:
            # position of each alternative (tied ones share their group's start); i beats k
            # when strictly ahead, and ties count 1/2: wins = less + (draws − less − lessᵀ)/2
            pos = np.empty((k, m), dtype=np.int16 if m < 32_000 else np.int32)
            np.put_along_axis(pos, order, np.arange(m, dtype=pos.dtype)[None, :], axis=1)
            if len(tied_rows):
                tied_pos = pos[tied_rows]
                np.put_along_axis(tied_pos, order[tied_rows], t_start.astype(pos.dtype), axis=1)
                pos[tied_rows] = tied_pos
            sub = max(1, _CHUNK_FLOATS // (m * m))
            for b in range(0, k, sub):
                p = pos[b : b + sub]
                less += (p[:, :, None] < p[:, None, :]).sum(axis=0)

    tied_part = np.cumsum(counts.reshape(m, m + 1), axis=1)[:, :m]
    accept = (direct.reshape(m, m) + tied_part) / n_samples
    accept = np.clip(accept, 0.0, 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        central = np.where(first_mass[:, None] > 0, central_sum / first_mass[:, None], np.nan)

    # confidence factors: each alternative scored with its own central weights
    has_central = ~np.isnan(central[:, 0])
    confidence = np.full(m, np.nan)
    idx = np.nonzero(has_central)[0]
    if len(idx):
        cw = central[idx]  # (c, n)
        conf_hits = np.zeros(len(idx))
        if sd is None:
            s = scorer.scores(cw).T  # (m, c)
            conf_hits = _wins_of(s, idx, tie_tolerance)
            confidence[idx] = conf_hits
        else:
            conf_rng = np.random.default_rng([seed, 1])
            per = max(1, min(chunk, _CHUNK_FLOATS // (m * len(idx))))
            for a in range(0, n_samples, per):
                k = min(per, n_samples - a)
                s = scorer.scores_many(cw, scorer.perturbed(conf_rng, k))  # (k, m, c)
                conf_hits += _wins_of(s, idx, tie_tolerance).sum(axis=0)
            confidence[idx] = conf_hits / n_samples

    ids, criteria = prob.ids, prob.criteria
    rank_cols = pd.RangeIndex(1, m + 1, name="rank")
    acceptability = pd.DataFrame(accept, index=ids, columns=rank_cols)
    pair = None
    if do_pairwise:
        wins = less + 0.5 * (n_samples - less - less.T)
        np.fill_diagonal(wins, 0.0)
        pair = pd.DataFrame(wins / n_samples, index=ids, columns=ids)
    return SMAAResult(
        acceptability=acceptability,
        central_weights=pd.DataFrame(central, index=ids, columns=criteria),
        confidence=pd.Series(confidence, index=ids, name="confidence"),
        holistic=pd.Series(accept @ alpha, index=ids, name="holistic"),
        pairwise_winning=pair,
        n_samples=n_samples,
        seed=int(seed),
        method=prob.method.value,
        weight_space=space,
        weight_bounds=pd.DataFrame({"lo": lo, "hi": hi}, index=criteria),
        acceptance_rate=float(acceptance),
        value_noise=None if sd is None else pd.DataFrame(sd, index=ids, columns=criteria),
        notes=tuple(notes),
    )


def _wins_of(s: np.ndarray, idx: np.ndarray, tol: float) -> np.ndarray:
    """Scores s (..., m, c), column r scored with alternative idx[r]'s central weights: 1 where
    idx[r] is best (1/t when tied with t − 1 others at the top), else 0; shape (..., c)."""
    best = s.max(axis=-2)
    own = s[..., idx, np.arange(len(idx))]
    n_top = (s >= best[..., None, :] - tol).sum(axis=-2)
    return np.where(own >= best - tol, 1.0 / n_top, 0.0)


# ---------------------------------------------------------------------------------------------
# weight stability
# ---------------------------------------------------------------------------------------------
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
    return frozenset(np.argsort(-s, kind="stable")[:k].tolist())


def weight_stability(
    matrix: pd.DataFrame,
    weights: Mapping[Any, float] | pd.Series,
    directions: Mapping[Any, Any] | str,
    method: str = "weighted_sum",
    top_k: int = 1,
    normalization: str | None = None,
    preferences: Mapping[Any, Any] | None = None,
    scales: Mapping[Any, tuple[float, float]] | None = None,
    *,
    on_constant: str = "raise",
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
        enters and which leaves). ``attrs`` holds ``top_k``, ``top_set`` and ``method``.
    """
    prob = _prepare(matrix, directions, method, normalization, preferences, scales, on_constant)
    w0 = _check_weights(weights, prob.criteria)
    m = prob.x.shape[0]
    k = int(top_k)
    if not 1 <= k < m:
        raise DataValidationError(
            f"top_k must be between 1 and {m - 1} (alternatives − 1), got {top_k!r}"
        )
    ids = prob.ids
    scorer = _Scorer(prob, None)
    if scorer.linear is not None:
        linear = scorer.linear

        def score_at(w: np.ndarray) -> np.ndarray:
            return linear @ w
    else:

        def score_at(w: np.ndarray) -> np.ndarray:
            return scorer.scores(w[None, :])[0]

    s0 = score_at(w0)
    top = _top_set(s0, k)
    members = np.array(sorted(top))
    others = np.array([i for i in range(m) if i not in top])
    order = np.argsort(-s0, kind="stable")
    notes = []
    if s0[order[k - 1]] - s0[order[k]] <= tol:
        notes.append("the current top-k boundary is a tie; intervals are degenerate")

    def describe(j: int, t: float) -> str:
        new = _top_set(score_at(_moved(w0, j, t)), k)
        if new == top:
            return ""
        enters = ", ".join(sorted(str(ids[i]) for i in new - top))
        leaves = ", ".join(sorted(str(ids[i]) for i in top - new))
        return f"{enters} enters, {leaves} leaves"

    rows = []
    for j, c in enumerate(prob.criteria):
        if scorer.linear is not None:
            base = _moved(w0, j, 0.0)  # t = 0 gives the intercepts
            intercept = linear @ base
            slope = linear[:, j] - intercept
            # g(t) = s_a(t) − s_b(t) >= 0 for member a, non-member b
            da = intercept[members][:, None] - intercept[others][None, :]
            sa = slope[members][:, None] - slope[others][None, :]
            with np.errstate(divide="ignore", invalid="ignore"):
                cross = -da / sa
            upper_c = np.where(sa < 0, cross, np.inf)
            lower_c = np.where(sa > 0, cross, -np.inf)
            # at t = w_j every g >= 0, so crossings lie on the far side (clip float noise)
            upper = float(np.clip(upper_c.min(), w0[j], 1.0))
            lower = float(np.clip(lower_c.max(), 0.0, w0[j]))
        else:
            lower, upper = _bisect_bounds(score_at, w0, j, top, k, grid, tol)
        below = describe(j, max(0.0, lower - 1e-7)) if lower > 0 else ""
        above = describe(j, min(1.0, upper + 1e-7)) if upper < 1 else ""
        rows.append(
            {
                "criterion": c,
                "weight": w0[j],
                "lower": lower,
                "upper": upper,
                "lower_pct": 100 * (lower - w0[j]) / w0[j] if w0[j] > 0 else np.nan,
                "upper_pct": 100 * (upper - w0[j]) / w0[j] if w0[j] > 0 else np.nan,
                "change_below": below,
                "change_above": above,
            }
        )
    out = pd.DataFrame(rows).set_index("criterion")
    out.attrs.update(
        {
            "top_k": k,
            "top_set": [ids[i] for i in order[:k]],
            "method": prob.method.value,
            "notes": notes,
        }
    )
    return out


def _bisect_bounds(
    score_at: Callable[[np.ndarray], np.ndarray],
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
