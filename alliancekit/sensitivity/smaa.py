"""SMAA-2: Stochastic Multicriteria Acceptability Analysis (Lahdelma & Salminen 2001).

:func:`smaa` runs in stages: check the input and the weight space (``_Setup``); draw weights (and
perturbed values) and tally where every alternative ranks, chunk by chunk (``_Tally``); score
each alternative with its own central weights for the confidence factors; assemble the
:class:`~alliancekit.sensitivity.SMAAResult`. Seeded, vectorised and processed in chunks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError
from alliancekit.scoring import (
    TIE_TOLERANCE,
    HolisticWeights,
    Method,
    Normalization,
    OnConstant,
    ScoringProblem,
    check_count,
    prepare,
)
from alliancekit.sensitivity.result import SMAAResult
from alliancekit.sensitivity.sampling import sample_weights, weight_space
from alliancekit.sensitivity.scorer import CHUNK_FLOATS, BatchScorer, noise_sd

__all__ = ["smaa"]

#: pairwise winning indices are computed by default while draws × m² stays below this
_PAIRWISE_AUTO_LIMIT = 200_000_000
#: rank counts buffered between two tallies: at least / at most this many
_FLUSH_MIN, _FLUSH_MAX = 1_000_000, 16_000_000
#: rank counts tallied at once (alternatives × positions of one block, 2 MB of int64)
_BLOCK_COUNTS = 250_000


def smaa(
    matrix: pd.DataFrame,
    directions: Mapping[Any, Any] | str,
    method: str | Method = "weighted_sum",
    n_samples: int = 10_000,
    seed: int = 0,
    weights: Mapping[Any, float] | pd.Series | None = None,
    weight_bounds: Mapping[Any, tuple[float, float]] | None = None,
    bounds_pct: float | None = None,
    normalization: str | Normalization | None = None,
    scales: Mapping[Any, tuple[float, float]] | None = None,
    preferences: Mapping[Any, Any] | None = None,
    value_noise: float | Mapping[Any, float] | pd.DataFrame | None = None,
    *,
    on_constant: str | OnConstant = "raise",
    holistic: str | HolisticWeights = "centroid",
    pairwise: bool | str = "auto",
    tie_tolerance: float = TIE_TOLERANCE,
) -> SMAAResult:
    """SMAA-2 rank acceptability analysis (Lahdelma & Salminen 2001).

    Parameters
    ----------
    matrix, directions, method, normalization, scales, preferences
        As for :func:`alliancekit.score`.
    n_samples : int
        Weight draws [count], a whole number >= 1.
    seed : int
        Seed of the numpy Generator (a whole number >= 0); equal seeds give identical results.
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
        the confidence factors. Under PROMETHEE II it costs O(draws·m·n·log m).
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
    prob = prepare(matrix, directions, method, normalization, preferences, scales, on_constant)
    setup = _Setup.check(
        prob,
        n_samples=check_count(n_samples, "n_samples"),
        seed=check_count(seed, "seed", minimum=0),
        space=weight_space(prob.criteria, weights, weight_bounds, bounds_pct),
        holistic=HolisticWeights.parse(holistic, what="holistic"),
        pairwise=pairwise,
        sd=None if value_noise is None else noise_sd(prob, value_noise),
        weights_ignored=weights is not None and weight_bounds is not None,
    )
    scorer = BatchScorer(prob, setup.sd)
    rng = np.random.default_rng(setup.seed)
    w_all, acceptance = sample_weights(rng, setup.n_samples, setup.lo, setup.hi)
    tally = _Tally.run(scorer, w_all, rng, setup.pairwise, tie_tolerance)
    central = tally.central_weights()
    confidence = _confidence(scorer, central, setup, tie_tolerance)
    return _result(prob, setup, tally, central, confidence, acceptance)


@dataclass(frozen=True)
class _Setup:
    """The checked options of one :func:`smaa` call."""

    n_samples: int
    seed: int
    lo: np.ndarray
    hi: np.ndarray
    space: str
    alpha: np.ndarray
    pairwise: bool
    sd: np.ndarray | None
    notes: tuple[str, ...]

    @classmethod
    def check(
        cls,
        prob: ScoringProblem,
        *,
        n_samples: int,
        seed: int,
        space: tuple[np.ndarray, np.ndarray, str],
        holistic: HolisticWeights,
        pairwise: Any,
        sd: np.ndarray | None,
        weights_ignored: bool,
    ) -> _Setup:
        """Decide pairwise and noise, and collect the notes the user should read."""
        m = prob.x.shape[0]
        if pairwise == "auto":
            do_pairwise = n_samples * m * m <= _PAIRWISE_AUTO_LIMIT
        elif isinstance(pairwise, bool):
            do_pairwise = pairwise
        else:
            raise DataValidationError(f"pairwise must be True, False or 'auto', got {pairwise!r}")
        notes = list(prob.notes)
        if weights_ignored:
            notes.append("weights were not used: weight_bounds alone define the weights drawn")
        if not do_pairwise:
            notes.append(
                f"pairwise winning indices skipped for size ({m} alternatives); pass pairwise=True"
            )
        if sd is not None and not sd.any():
            sd = None
        if sd is None:
            notes.append(
                "no value noise: confidence factors are deterministic (1 when the central weights "
                "make the alternative the winner, else 0)"
            )
        lo, hi, desc = space
        alpha = _meta_weights(m, holistic)
        return cls(n_samples, seed, lo, hi, desc, alpha, do_pairwise, sd, tuple(notes))


def _meta_weights(m: int, holistic: HolisticWeights) -> np.ndarray:
    """Meta-weights α_r of ranks 1..m for the holistic acceptability index, scaled to α_1 = 1."""
    r = np.arange(1, m + 1)
    if holistic is HolisticWeights.CENTROID:
        alpha = np.cumsum((1.0 / r)[::-1])[::-1]  # α_r ∝ Σ_{k=r..m} 1/k
    elif holistic is HolisticWeights.INVERSE:
        alpha = 1.0 / r
    else:
        alpha = (m - r + 1.0) / m
    return alpha / alpha[0]


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
    ss = np.take_along_axis(s, order, axis=1)  # the sorted scores (a gather beats a second sort)
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


class _Tally:
    """Running counts over the draws: rank shares, first-rank mass, central weights, pairwise."""

    def __init__(self, shape: tuple[int, int], pairwise: bool) -> None:
        m, n = shape
        self.m = m
        self.draws = 0
        # rank counts (alternative·m + position) of draws without ties. Many chunks are buffered
        # and counted by one bincount over keys in alternative-major order, so the scattered
        # increments stay inside each alternative's band of ranks (cache-friendly); an m²-long
        # bincount per chunk of ~100 draws was m²-bound (28 s of 40 at m = 5,000).
        self.direct = np.zeros(m * m, dtype=np.int64)
        self.ranks: list[np.ndarray] = []  # per buffered draw, each alternative's position
        self.keys: list[np.ndarray] = []  # alternative·m + position of loose counts
        self.buffered = 0
        self.flush_at = max(_FLUSH_MIN, min(m * m // 2, _FLUSH_MAX))
        self.positions = np.arange(m, dtype=np.int16 if m < 32_000 else np.int32)
        self.tied: list[tuple[np.ndarray, ...]] = []  # (alternative, first rank, size) of ties
        self.first_mass = np.zeros(m)
        self.central_sum = np.zeros((m, n))
        self.less = np.zeros((m, m), dtype=np.int64) if pairwise else None

    @classmethod
    def run(
        cls,
        scorer: BatchScorer,
        w_all: np.ndarray,
        rng: np.random.Generator,
        pairwise: bool,
        tol: float,
    ) -> _Tally:
        """Score every weight draw (perturbing the values when the scorer has noise), by chunks."""
        tally = cls(scorer.prob.x.shape, pairwise)
        chunk = scorer.chunk(len(w_all))
        for a in range(0, len(w_all), chunk):
            w = w_all[a : a + chunk]
            x = scorer.perturbed(rng, len(w)) if scorer.sd is not None else None
            # the chunk's largest arrays stay referenced here until the next chunk replaces them,
            # so the allocator reuses their memory instead of faulting in fresh pages each time
            s = scorer.scores(w, x)
            ranks = _rank_shares(s, tol)
            tally.add(w, *ranks)
        return tally

    def add(
        self,
        w: np.ndarray,
        order: np.ndarray,
        tied_rows: np.ndarray,
        t_start: np.ndarray | None,
        t_size: np.ndarray | None,
    ) -> None:
        """Count one chunk of draws: weights w (k, n) and where they ranked (``_rank_shares``)."""
        m, k = self.m, len(w)
        self.draws += k
        clean = np.ones(k, dtype=bool)
        clean[tied_rows] = False
        # draws without ties: one count per (alternative, position); the winner takes all
        alt = order[clean]
        rank = np.empty(alt.shape, dtype=self.positions.dtype)
        np.put_along_axis(rank, alt, self.positions[None, :], axis=1)
        self.ranks.append(rank)
        self._count(rank.size)
        winner, mass, draw = alt[:, 0], np.ones(len(alt)), np.nonzero(clean)[0]
        if len(tied_rows):
            # in a draw with ties, untied alternatives count like above; the members of a tie
            # group share its ranks evenly (kept sparse: few alternatives tie in any one draw)
            alt_t = order[tied_rows]
            share = 1.0 / t_size
            single = t_size == 1
            self.keys.append(alt_t[single] * m + np.broadcast_to(np.arange(m), alt_t.shape)[single])
            self._count(len(self.keys[-1]))
            group = ~single
            self.tied.append((alt_t[group], t_start[group], t_size[group]))
            top = t_start == 0
            winner = np.concatenate([winner, alt_t[top]])
            mass = np.concatenate([mass, share[top]])
            draw = np.concatenate([draw, tied_rows[np.nonzero(top)[0]]])
        self.first_mass += np.bincount(winner, mass, m)
        for j in range(w.shape[1]):
            self.central_sum[:, j] += np.bincount(winner, mass * w[draw, j], m)
        if self.less is not None:
            self._add_pairwise(order, tied_rows, t_start)

    def _count(self, added: int | None) -> None:
        """Note ``added`` buffered counts; count the buffer when it is full or at the end (None)."""
        self.buffered += added or 0
        if not self.buffered or (added is not None and self.buffered < self.flush_at):
            return
        m = self.m
        if self.keys:  # few: the untied alternatives of draws with ties
            np.add.at(self.direct, np.concatenate([k.ravel() for k in self.keys]), 1)
        if self.ranks:
            major = np.concatenate(self.ranks).T.astype(np.intp)  # (m, draws): alternative-major
            rows = max(1, _BLOCK_COUNTS // m)  # alternatives per block: counts stay in cache
            for a in range(0, m, rows):
                block = major[a : a + rows]
                block += (np.arange(len(block)) * m)[:, None]
                counts = np.bincount(block.ravel(), minlength=len(block) * m)
                self.direct[a * m : a * m + counts.size] += counts
        self.ranks, self.keys, self.buffered = [], [], 0

    def _add_pairwise(
        self, order: np.ndarray, tied_rows: np.ndarray, t_start: np.ndarray | None
    ) -> None:
        """Count, per pair (i, k), the draws in which i stands strictly ahead of k.

        Tied alternatives share their group's start position; ties then count 1/2 in
        ``pairwise_winning`` = less + (draws − less − lessᵀ)/2.
        """
        k, m = order.shape
        pos = np.empty((k, m), dtype=np.int16 if m < 32_000 else np.int32)
        np.put_along_axis(pos, order, np.arange(m, dtype=pos.dtype)[None, :], axis=1)
        if len(tied_rows):
            tied_pos = pos[tied_rows]
            np.put_along_axis(tied_pos, order[tied_rows], t_start.astype(pos.dtype), axis=1)
            pos[tied_rows] = tied_pos
        sub = max(1, CHUNK_FLOATS // (m * m))
        for b in range(0, k, sub):
            p = pos[b : b + sub]
            self.less += (p[:, :, None] < p[:, None, :]).sum(axis=0)

    def acceptability(self) -> np.ndarray:
        """Rank acceptability indices (m, m) [0–1]: alternatives × ranks."""
        m = self.m
        self._count(None)
        accept = self.direct.reshape(m, m).astype(float)  # one m × m array, updated in place
        if self.tied:
            alt, start, size = (np.concatenate(a) for a in zip(*self.tied, strict=True))
            rows, local = np.unique(alt, return_inverse=True)
            diff = np.zeros((len(rows), m + 1))  # difference arrays of the rows that ever tie
            np.add.at(diff, (local, start), 1.0 / size)
            np.add.at(diff, (local, start + size), -1.0 / size)
            accept[rows] += np.cumsum(diff, axis=1)[:, :m]
        accept /= self.draws
        return np.clip(accept, 0.0, 1.0, out=accept)

    def central_weights(self) -> np.ndarray:
        """Mean weights (m, n) of the draws each alternative wins; NaN rows for never-winners."""
        mass = self.first_mass[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(mass > 0, self.central_sum / mass, np.nan)

    def pairwise_winning(self) -> np.ndarray | None:
        """Share of draws (m, m) in which i ranks above k, ties counting 1/2; None if skipped."""
        if self.less is None:
            return None
        wins = self.less + 0.5 * (self.draws - self.less - self.less.T)
        np.fill_diagonal(wins, 0.0)
        return wins / self.draws


def _confidence(scorer: BatchScorer, central: np.ndarray, setup: _Setup, tol: float) -> np.ndarray:
    """Confidence factors: how often each alternative wins with its own central weights."""
    m = central.shape[0]
    confidence = np.full(m, np.nan)
    idx = np.nonzero(~np.isnan(central[:, 0]))[0]
    if not len(idx):
        return confidence
    cw = central[idx]  # (c, n)
    if setup.sd is None:
        confidence[idx] = _wins_of(scorer.scores(cw).T, idx, tol)  # scores (m, c)
        return confidence
    conf_rng = np.random.default_rng([setup.seed, 1])
    hits = np.zeros(len(idx))
    per = max(1, min(scorer.chunk(setup.n_samples), CHUNK_FLOATS // (m * len(idx))))
    for a in range(0, setup.n_samples, per):
        k = min(per, setup.n_samples - a)
        s = scorer.scores_many(cw, scorer.perturbed(conf_rng, k))  # (k, m, c)
        hits += _wins_of(s, idx, tol).sum(axis=0)
    confidence[idx] = hits / setup.n_samples
    return confidence


def _wins_of(s: np.ndarray, idx: np.ndarray, tol: float) -> np.ndarray:
    """Scores s (..., m, c), column r scored with alternative idx[r]'s central weights: 1 where
    idx[r] is best (1/t when tied with t − 1 others at the top), else 0; shape (..., c)."""
    best = s.max(axis=-2)
    own = s[..., idx, np.arange(len(idx))]
    n_top = (s >= best[..., None, :] - tol).sum(axis=-2)
    return np.where(own >= best - tol, 1.0 / n_top, 0.0)


def _result(
    prob: ScoringProblem,
    setup: _Setup,
    tally: _Tally,
    central: np.ndarray,
    confidence: np.ndarray,
    acceptance: float,
) -> SMAAResult:
    """Label the tallies by alternative, rank and criterion."""
    ids, criteria = prob.ids, prob.criteria
    accept = tally.acceptability()
    pair = tally.pairwise_winning()
    return SMAAResult(
        acceptability=pd.DataFrame(  # no copy: m × m floats are 200 MB at m = 5,000
            accept, index=ids, columns=pd.RangeIndex(1, len(ids) + 1, name="rank"), copy=False
        ),
        central_weights=pd.DataFrame(central, index=ids, columns=criteria),
        confidence=pd.Series(confidence, index=ids, name="confidence"),
        holistic=pd.Series(accept @ setup.alpha, index=ids, name="holistic"),
        pairwise_winning=None if pair is None else pd.DataFrame(pair, index=ids, columns=ids),
        n_samples=setup.n_samples,
        seed=setup.seed,
        method=prob.method,
        weight_space=setup.space,
        weight_bounds=pd.DataFrame({"lo": setup.lo, "hi": setup.hi}, index=criteria),
        acceptance_rate=float(acceptance),
        value_noise=None if setup.sd is None else pd.DataFrame(setup.sd, ids, criteria),
        notes=setup.notes,
    )
