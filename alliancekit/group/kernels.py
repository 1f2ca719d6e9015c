"""Pure numpy kernels of group decisions: no labels, no validation (docs/group.md §2–§4).

Shapes: ``k`` participants, ``n`` criteria (or items), ``m`` alternatives. Participant weights
``pw`` are non-negative and sum to 1.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from alliancekit.group.vocab import round_to_scale
from alliancekit.scoring import ahp_eigen_kernel, rank_kernel

__all__ = [
    "aij_kernel",
    "aip_kernel",
    "average_linkage_kernel",
    "consensus_kernel",
    "consistency_kernel",
    "kendall_w_kernel",
    "pairwise_consensus_kernel",
    "rank_acceptability_kernel",
    "repair_kernel",
    "shannon_entropy",
    "silhouette_kernel",
]


def aij_kernel(a: np.ndarray, pw: np.ndarray) -> np.ndarray:
    """Weighted geometric mean Π_k a_ij,k^pw_k of judgement matrices a (k, n, n) -> (n, n).

    Reciprocal in, reciprocal out: ln a_ji = −ln a_ij for every participant, so the weighted
    sum of logarithms keeps a_ij·a_ji = 1 (Aczél & Saaty 1983).
    """
    return np.exp(np.tensordot(pw, np.log(a), axes=1))


def aip_kernel(p: np.ndarray, pw: np.ndarray, geometric: bool = True) -> np.ndarray:
    """Group priorities from individual priority vectors p (k, n) [0–1] -> (n,) summing to 1.

    Geometric: Π_k p_k^pw_k renormalised; arithmetic: Σ_k pw_k·p_k (Forman & Peniwati 1998).
    """
    if geometric:
        g = np.exp(pw @ np.log(p))
        return g / g.sum()
    return pw @ p


def shannon_entropy(p: np.ndarray) -> np.ndarray:
    """Shannon entropy −Σ p ln p [nats] along the last axis (0·ln 0 = 0)."""
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log(p), 0.0)
    return terms.sum(axis=-1)


def consensus_kernel(
    p: np.ndarray, pw: np.ndarray, scale_max: float | None = 9.0
) -> tuple[float, float]:
    """Goepel's AHP consensus indicator S* and the relative homogeneity S [0–1].

    Goepel (2018, IJAHP 10(3), Eqs. 11–21; AHP-OS ``AhpGroup::getConsensus``): with the
    participants' priority vectors p_k and their mean w̄,
    H_γ = −Σ_j w̄_j ln w̄_j, H_α = Σ_k pw_k·(−Σ_j p_kj ln p_kj), H_β = H_γ − H_α, D_β = exp(H_β);
    S = (1/D_β − 1/n)/(1 − 1/n) (general form, D_α,min = 1, D_γ,max = n) and
    S* = (1/D_β − D_α,min/D_γ,max)/(1 − D_α,min/D_γ,max) with D_γ,max = n and
    H_α,min = −(M/(n+M−1))·ln(M/(n+M−1)) − ((n−1)/(n+M−1))·ln(1/(n+M−1)) for the largest scale
    value M (9 on Saaty's scale). Goepel weighs participants equally; ``pw`` generalises both
    means (equal ``pw`` gives his values). ``scale_max=None`` (direct weights, no scale bound)
    returns S* = S. Both are clipped to [0, 1]; NaN for one participant or one criterion.
    """
    k, n = p.shape
    if k < 2 or n < 2:
        return math.nan, math.nan
    mean = pw @ p
    h_beta = float(shannon_entropy(mean) - pw @ shannon_entropy(p))
    similarity = math.exp(-h_beta)  # 1/D_β
    homogeneity = (similarity - 1.0 / n) / (1.0 - 1.0 / n)
    if scale_max is None:
        star = homogeneity
    else:
        total = n + scale_max - 1.0
        h_alpha_min = -(scale_max / total) * math.log(scale_max / total) - (
            (n - 1.0) / total
        ) * math.log(1.0 / total)
        floor = math.exp(h_alpha_min) / n  # D_α,min / D_γ,max = 1/cor
        star = (similarity - floor) / (1.0 - floor)
    return float(np.clip(star, 0.0, 1.0)), float(np.clip(homogeneity, 0.0, 1.0))


def consistency_kernel(a: np.ndarray, ri: float) -> tuple[np.ndarray, float]:
    """Principal eigenvector w (sum 1) and consistency ratio CR = CI/RI of a positive matrix.

    CI = (λmax − n)/(n − 1) (0 for n ≤ 2); CR = 0 where RI = 0 (Saaty 1980).
    """
    n = a.shape[0]
    w, lam = ahp_eigen_kernel(a)
    ci = max(0.0, (lam - n) / (n - 1)) if n > 2 else 0.0
    return w, (ci / ri if ri > 0 else 0.0)


def repair_kernel(a: np.ndarray, ri: float) -> tuple[int, int, float, float, float]:
    """The one judgement whose change most reduces the consistency ratio, and its new value.

    Saaty's repair (Saaty 2003, "Decision-making with the AHP: why is the principal
    eigenvector necessary", EJOR 145: 85–91): replace a judgement a_ij by the value the other
    judgements imply, w_i/w_j from the principal eigenvector w, rounded to the 1–9 scale. Saaty
    picks the entry with the largest |a_ij − w_i/w_j|; that absolute deviation favours large
    judgements (a 5 that "should" be 2 outranks a 1/7 that should be 3), so every entry is
    tried here and the one whose replacement gives the lowest CR is returned (ties: the larger
    deviation).

    Returns
    -------
    i, j, given, suggested, cr_after
        Row and column (i < j), the judgement given, the suggested judgement and the
        consistency ratio of the matrix with that one change (and its reciprocal) made.
    """
    w, _ = consistency_kernel(a, ri)
    n = a.shape[0]
    best: tuple[float, float, int, int, float] | None = None
    for i in range(n):
        for j in range(i + 1, n):
            suggested = round_to_scale(float(w[i] / w[j]))
            if suggested == a[i, j]:
                continue
            fixed = a.copy()
            fixed[i, j], fixed[j, i] = suggested, 1.0 / suggested
            key = (consistency_kernel(fixed, ri)[1], -abs(a[i, j] - w[i] / w[j]), i, j, suggested)
            best = key if best is None or key < best else best
    if best is None:  # every judgement already equals its rounded consistent value
        return 0, 1, float(a[0, 1]), float(a[0, 1]), consistency_kernel(a, ri)[1]
    cr_after, _, i, j, suggested = best
    return i, j, float(a[i, j]), suggested, float(cr_after)


def kendall_w_kernel(x: np.ndarray) -> tuple[float, np.ndarray, float]:
    """Kendall's W with the tie correction for a table x (n items, m raters).

    Each rater's column is ranked (average ranks for ties). With rank sums R_i,
    S = Σ (R_i − m(n+1)/2)² and T = Σ_raters Σ_tie groups (t³ − t),
    W = 12·S / (m²(n³ − n) − m·T) (Kendall & Babington Smith 1939; Siegel & Castellan 1988,
    §9.4). Returns (W, rank sums, T); W is NaN when every rater ties every item.
    """
    n, m = x.shape
    # average ranks per rater (pandas' rank is scipy's rankdata(method="average"); scipy.stats
    # is not imported here: it costs a report kernel ≈ 1 s to load)
    ranks = pd.DataFrame(x).rank(axis=0, method="average").to_numpy()
    sums = ranks.sum(axis=1)
    s = float(((sums - m * (n + 1) / 2.0) ** 2).sum())
    t = 0.0
    for r in range(m):
        _, counts = np.unique(x[:, r], return_counts=True)
        t += float((counts**3 - counts).sum())
    denominator = m * m * (n**3 - n) - m * t
    return (12.0 * s / denominator if denominator > 0 else math.nan), sums, t


def rank_acceptability_kernel(scores: np.ndarray, pw: np.ndarray) -> np.ndarray:
    """Rank acceptability b_i^r for a given sample of score vectors (SMAA-2 with given draws).

    scores (d, m): one row per weight vector of the sample; pw (d,) the weight of each draw.
    Ranks are competition ranks per draw (``alliancekit.scoring.rank_kernel``); a tied group
    shares its ranks evenly, as in ``alliancekit.smaa``. Returns (m, m) rows = alternatives,
    columns = ranks 1..m, rows and columns summing to 1.
    """
    m = scores.shape[1]
    out = np.zeros((m, m))
    for row, weight in zip(scores, pw, strict=True):
        ranks, groups = rank_kernel(row)
        share = np.zeros((m, m))
        share[np.arange(m), ranks - 1] = 1.0
        for group in groups:
            start = ranks[group[0]] - 1
            share[group] = 0.0
            share[np.ix_(group, np.arange(start, start + len(group)))] = 1.0 / len(group)
        out += weight * share
    return out


def pairwise_consensus_kernel(p: np.ndarray, scale_max: float | None = 9.0) -> np.ndarray:
    """Consensus S* of every pair of participants (k, k), 1 on the diagonal.

    The similarity behind Goepel's consensus cluster analysis (AHP-OS, 2022): two people's
    priority vectors p_i, p_j form a group of two and :func:`consensus_kernel` measures it.
    """
    k = p.shape[0]
    out = np.ones((k, k))
    half = np.array([0.5, 0.5])
    for i in range(k):
        for j in range(i + 1, k):
            out[i, j] = out[j, i] = consensus_kernel(p[[i, j]], half, scale_max)[0]
    return out


def average_linkage_kernel(d: np.ndarray, n_clusters: int) -> np.ndarray:
    """Flat clusters (labels 1, 2, … by first member) of average linkage (UPGMA), cut at n.

    Agglomerates the closest pair of clusters, the distance between clusters being the mean of
    their members' pairwise distances (Lance–Williams update), then cuts the tree as SciPy's
    ``fcluster(linkage(d, "average"), n_clusters, "maxclust")``: the smallest merge height r
    such that joining every pair merged at a height ≤ r leaves at most ``n_clusters`` clusters.
    Written here because importing ``scipy.cluster`` costs a report kernel ≈ 0.5 s for a few
    participants; the tests compare it with SciPy.
    """
    k = len(d)
    if k == 0:
        return np.zeros(0, dtype=int)
    m = np.array(d, dtype=float, copy=True)
    np.fill_diagonal(m, np.inf)
    size = np.ones(k)
    alive = np.ones(k, dtype=bool)
    merges: list[tuple[float, int, int]] = []
    for _ in range(k - 1):
        masked = np.where(alive[:, None] & alive[None, :], m, np.inf)
        a, b = np.unravel_index(int(np.argmin(masked)), masked.shape)
        a, b = (int(a), int(b)) if a < b else (int(b), int(a))
        merges.append((float(masked[a, b]), a, b))
        m[a, :] = (size[a] * m[a, :] + size[b] * m[b, :]) / (size[a] + size[b])
        m[:, a] = m[a, :]
        m[a, a] = np.inf
        size[a] += size[b]
        alive[b] = False
    heights = np.maximum.accumulate([h for h, _, _ in merges]) if merges else np.zeros(0)
    joined = 0  # merges applied: the lowest heights first, every merge of a height together
    while k - joined > n_clusters:
        joined = int(np.searchsorted(heights, heights[joined], side="right"))
    parent = list(range(k))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, a, b in merges[:joined]:
        parent[root(b)] = root(a)
    roots = [root(i) for i in range(k)]
    order = {r: pos + 1 for pos, r in enumerate(dict.fromkeys(roots))}
    return np.array([order[r] for r in roots], dtype=int)


def silhouette_kernel(d: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette width (Rousseeuw 1987) of a clustering for a distance matrix d (k, k).

    s_i = (b_i − a_i)/max(a_i, b_i) with a_i the mean distance to the own cluster and b_i the
    smallest mean distance to another cluster; s_i = 0 for a one-member cluster.
    """
    k = len(labels)
    clusters = np.unique(labels)
    if len(clusters) < 2:
        return 0.0
    s = np.zeros(k)
    for i in range(k):
        own = (labels == labels[i]) & (np.arange(k) != i)
        if not own.any():
            continue
        a = d[i, own].mean()
        b = min(d[i, labels == c].mean() for c in clusters if c != labels[i])
        s[i] = (b - a) / max(a, b) if max(a, b) > 0 else 0.0
    return float(s.mean())
