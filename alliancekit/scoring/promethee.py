"""PROMETHEE unicriterion flows in O(m·log m) per criterion: sort, count and prefix-sum.

For the five piecewise-linear preference functions (usual, U-shape, V-shape, level, linear) the
flows of ``m`` alternatives on one criterion need no m × m matrix: sorted once, the alternatives
that beat alternative i by more than a threshold form a prefix of the sorted values, and the
preference degrees inside the linear part add up from prefix sums (Calders & Van Assche,
"PROMETHEE is not quadratic: an O(q·n·log n) algorithm", Omega 76 (2018) 63–69). Time
O(m·n·log m), memory O(m·n).

Exact, not approximate: every threshold test is the definition's own floating-point test
``x_i − x_k > t`` (a bisection on the sorted values, whose order makes the test monotone), so
ties and values exactly one threshold apart land where the O(m²) definition
(:func:`~alliancekit.scoring.kernels.promethee_reference_kernel`, kept as the test oracle) puts
them; the linear parts agree with it to rounding (≈ 1e-15 on centred values). The Gaussian
function is not piecewise linear: it runs by blocks of rows, quadratic in time but bounded in
memory (about ``BLOCK_FLOATS`` floats at a time).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from alliancekit.scoring.kernels import flows_by_criterion, preference_kernel
from alliancekit.scoring.vocab import PreferenceKind

if TYPE_CHECKING:
    from alliancekit.scoring.preferences import Preference

__all__ = ["BLOCK_FLOATS", "promethee_kernel", "unicriterion_flows"]

#: floats of one block of Gaussian preference degrees (≈ 32 MB)
BLOCK_FLOATS = 4_000_000


def promethee_kernel(
    x: np.ndarray, preferences: Sequence[Preference]
) -> tuple[np.ndarray, np.ndarray]:
    """Unicriterion positive and negative flows of benefit-oriented values, O(m·n·log m).

    Parameters and returns as :func:`~alliancekit.scoring.kernels.flows_by_criterion`: flows
    (m, n) [0–1] whose difference, times the weights, is the PROMETHEE II net flow. Equal to the
    O(m²) definition (``promethee_reference_kernel``); Gaussian criteria cost O(m²) time in
    bounded memory.
    """
    return flows_by_criterion(x, preferences, unicriterion_flows)


def unicriterion_flows(
    col: np.ndarray,
    kind: PreferenceKind,
    q: float | None = None,
    p: float | None = None,
    s: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Sums Σ_k P(x_i − x_k) and Σ_k P(x_k − x_i) (not yet divided by m − 1) for one criterion.

    Parameters
    ----------
    col : ndarray, shape (m,)
        Benefit-oriented values of one criterion.
    kind : PreferenceKind
    q, p, s : float, optional
        Indifference, preference and Gaussian thresholds (criterion units), as ``Preference``.
    """
    kind = PreferenceKind(kind)
    if kind is PreferenceKind.GAUSSIAN:
        return _gaussian(col, float(s))  # type: ignore[arg-type]
    srt = np.sort(col)
    if kind is PreferenceKind.USUAL:
        q, p = 0.0, 0.0
    elif kind is PreferenceKind.U_SHAPE:
        p = q
    elif kind is PreferenceKind.V_SHAPE:
        q = 0.0
    q, p = float(q), float(p)  # type: ignore[arg-type]
    # plus: the k with x_i − x_k > t are the first ahead(t) sorted values;
    # minus: the k with x_k − x_i > t are the last m − behind(t) sorted values
    ahead_q, behind_q = _ahead(col, srt, q), _behind(col, srt, q)
    if kind in (PreferenceKind.USUAL, PreferenceKind.U_SHAPE):
        return ahead_q.astype(float), (len(srt) - behind_q).astype(float)
    ahead_p, behind_p = _ahead(col, srt, p), _behind(col, srt, p)
    full_plus = ahead_p.astype(float)
    full_minus = (len(srt) - behind_p).astype(float)
    if kind is PreferenceKind.LEVEL:
        return (
            full_plus + 0.5 * (ahead_q - ahead_p),
            full_minus + 0.5 * (behind_p - behind_q),
        )
    # linear (V-shape: q = 0): Σ (d − q)/(p − q) over q < d ≤ p, from prefix sums of centred
    # values (centring keeps the cancellation error near the values' spread, not their size)
    centre = srt[len(srt) // 2]
    xc, sc = col - centre, srt - centre
    cum = np.concatenate(([0.0], np.cumsum(sc)))
    width = p - q
    part_plus = (ahead_q - ahead_p) * (xc - q) - (cum[ahead_q] - cum[ahead_p])
    part_minus = (cum[behind_p] - cum[behind_q]) - (behind_p - behind_q) * (xc + q)
    # the partial preferences lie in [0, 1] each; clip rounding at the region edges
    part_plus = np.clip(part_plus / width, 0.0, (ahead_q - ahead_p).astype(float))
    part_minus = np.clip(part_minus / width, 0.0, (behind_p - behind_q).astype(float))
    return full_plus + part_plus, full_minus + part_minus


def _ahead(col: np.ndarray, srt: np.ndarray, t: float) -> np.ndarray:
    """Per i, the number of sorted values s_j with ``col[i] − s_j > t`` (a prefix of ``srt``).

    ``srt`` ascending makes ``col[i] − s_j`` non-increasing in j (rounding is monotone), so a
    bisection with the definition's own test finds the prefix exactly; ``searchsorted`` on
    ``col − t`` gives a starting bracket that is almost always already tight.
    """
    return _bisect(lambda j: (col - srt[j]) > t, np.searchsorted(srt, col - t, "left"), len(srt))


def _behind(col: np.ndarray, srt: np.ndarray, t: float) -> np.ndarray:
    """Per i, the number of sorted values s_j with ``s_j − col[i] <= t`` (a prefix of ``srt``)."""
    return _bisect(lambda j: (srt[j] - col) <= t, np.searchsorted(srt, col + t, "right"), len(srt))


def _bisect(holds, guess: np.ndarray, m: int) -> np.ndarray:
    """Per i, the length of the prefix of 0..m−1 on which the monotone test ``holds`` is true.

    ``holds(j)`` takes an index array (one index per i) and returns booleans; true on a prefix.
    ``guess`` is a near answer: the bracket [guess − 2, guess + 2] is checked first and widened
    to [0, m] only for the entries it does not hold.
    """
    lo = np.clip(guess - 2, 0, m)
    hi = np.clip(guess + 2, 0, m)
    # the bracket holds when the test is true just below lo and false at hi; else widen it
    lo[(lo > 0) & ~holds(np.maximum(lo - 1, 0))] = 0
    hi[(hi < m) & holds(np.minimum(hi, m - 1))] = m
    while True:
        open_ = lo < hi
        if not open_.any():
            return lo
        mid = (lo + hi) // 2
        true = holds(np.minimum(mid, m - 1)) & open_
        lo = np.where(true, mid + 1, lo)
        hi = np.where(open_ & ~true, mid, hi)


def _gaussian(col: np.ndarray, s: float) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian sums by blocks of rows: O(m²) time, about ``BLOCK_FLOATS`` floats of memory."""
    m = len(col)
    plus, minus = np.empty(m), np.empty(m)
    rows = max(1, BLOCK_FLOATS // m)
    for a in range(0, m, rows):
        d = col[a : a + rows, None] - col[None, :]
        plus[a : a + rows] = preference_kernel(d, PreferenceKind.GAUSSIAN, None, None, s).sum(1)
        np.negative(d, out=d)
        minus[a : a + rows] = preference_kernel(d, PreferenceKind.GAUSSIAN, None, None, s).sum(1)
    return plus, minus
