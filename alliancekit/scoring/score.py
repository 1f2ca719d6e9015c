"""``score``: weighted sum (WSM), TOPSIS (Hwang & Yoon 1981) or PROMETHEE II (Brans & Vincke 1985).

The validating wrapper of the aggregation kernels: labelled pandas input in, a frozen
:class:`ScoreResult` out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.model import Direction
from alliancekit.results import Result
from alliancekit.scoring.checks import check_weights
from alliancekit.scoring.kernels import rank_kernel, topsis_kernel, weighted_sum_kernel
from alliancekit.scoring.preferences import Preference
from alliancekit.scoring.problem import ScoringProblem, prepare
from alliancekit.scoring.promethee import promethee_kernel
from alliancekit.scoring.vocab import Method, Normalization, OnConstant

__all__ = ["ScoreResult", "score"]

#: how each method's score reads (weighted sum 0–100, closeness 0–1, net flow −1..1)
_SCORE_FORMAT = {
    Method.WEIGHTED_SUM: "{:.2f}",
    Method.TOPSIS: "{:.4f}",
    Method.PROMETHEE_II: "{:+.4f}",
}
#: how the normalisation reads in the summary
_NORMALIZATION_TEXT = {
    Normalization.NONE: "values taken as already normalised",
    Normalization.RAW: "raw values",
}


@dataclass(frozen=True)
class ScoreResult(Result):
    """Scores and ranks of alternatives on several criteria.

    Attributes
    ----------
    scores : Series
        By alternative id: weighted sum 100·Σ w·n [0–100]; TOPSIS closeness [0–1]; PROMETHEE II
        net flow [−1..1]. Higher is better.
    ranks : Series
        1 = best; tied scores share the best rank of their group (competition ranking).
    contributions : DataFrame
        Alternatives × criteria. Weighted sum: 100·w·n (rows sum to the score). PROMETHEE II:
        w·(φ⁺_c − φ⁻_c) (rows sum to the net flow). TOPSIS: weighted normalised values w·n (the
        closeness is not additive; they show where each alternative stands per criterion).
    normalized : DataFrame
        The benefit-oriented values aggregated (for PROMETHEE on raw values: the values with
        cost criteria negated).
    weights : Series
        Weights used, summing to 1.
    directions : Mapping
        Criterion -> Direction.
    method : Method
        ``weighted_sum``, ``topsis`` or ``promethee_ii`` (a str Enum: equal to those strings).
    ties : tuple of tuple
        Groups of ids with equal scores (within 1e-9 on the kernel scale).
    flows : DataFrame or None
        PROMETHEE: columns ``phi_plus``, ``phi_minus``, ``phi_net`` (PROMETHEE I and II);
        TOPSIS: ``d_plus``, ``d_minus``; None for weighted sum.
    knockouts : Mapping
        Id -> reasons the alternative was screened out (filled by callers such as
        ``score_partners``); empty by default.
    details : DataFrame or None
        Extra per-alternative columns shown by ``to_frame`` (e.g. risk, E[NPV]).
    notes : tuple of str
        Readings and adjustments worth telling the user.
    normalization : Normalization or None
        Normalisation used (``raw`` for PROMETHEE on raw values).
    """

    scores: pd.Series
    ranks: pd.Series
    contributions: pd.DataFrame
    normalized: pd.DataFrame
    weights: pd.Series
    directions: Mapping[Any, Direction]
    method: Method
    ties: tuple[tuple[Any, ...], ...] = ()
    flows: pd.DataFrame | None = None
    knockouts: Mapping[Any, tuple[str, ...]] = field(default_factory=dict)
    details: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()
    normalization: Normalization | None = None

    title = "Scores"

    def to_frame(self) -> pd.DataFrame:
        """One row per alternative, best first: score, rank, knockout reasons, contributions."""
        frame = pd.DataFrame({"score": self.scores, "rank": self.ranks})
        frame["knockouts"] = ["; ".join(self.knockouts.get(i, ())) for i in frame.index]
        if self.flows is not None:
            frame = frame.join(self.flows)
        if self.details is not None:
            extra = self.details.drop(
                columns=[c for c in self.details if c in frame], errors="ignore"
            )
            frame = frame.join(extra)
        frame = frame.join(self.contributions.add_prefix("contribution_"))
        frame["_order"] = np.arange(len(frame))
        frame = frame.sort_values(["rank", "_order"], kind="stable").drop(columns="_order")
        frame.index.name = self.scores.index.name or "alternative"
        return frame

    def top(self, k: int = 3, *, include_knocked_out: bool = False) -> list[Any]:
        """Ids of the ``k`` best alternatives (by rank), skipping knocked-out ones by default."""
        order = self.to_frame().index
        if not include_knocked_out:
            order = [i for i in order if not self.knockouts.get(i)]
        return list(order)[: max(0, int(k))]

    def summary(self) -> str:
        """A few lines: method, best alternatives, ties, knockouts, notes."""
        n_alt, n_crit = self.normalized.shape
        unit = _SCORE_FORMAT.get(self.method, "{:.4f}")
        best = self.top(3)
        norm = _NORMALIZATION_TEXT.get(self.normalization, f"{self.normalization} normalisation")
        lines = [
            f"{self.method} on {n_alt} alternatives × {n_crit} criteria ({norm})",
            "best: " + ", ".join(f"{i} ({unit.format(self.scores[i])})" for i in best)
            if best
            else "best: none (all knocked out)",
        ]
        if self.ties:
            lines.append("ties: " + "; ".join(" = ".join(map(str, t)) for t in self.ties))
        knocked = [i for i in self.scores.index if self.knockouts.get(i)]
        if knocked:
            lines.append(
                f"knocked out ({len(knocked)}): "
                + "; ".join(f"{i} ({', '.join(self.knockouts[i])})" for i in knocked)
            )
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


def score(
    matrix: pd.DataFrame,
    weights: Mapping[Any, float] | pd.Series,
    directions: Mapping[Any, str | Direction] | str | Direction,
    method: str | Method = "weighted_sum",
    normalization: str | Normalization | None = None,
    preferences: Mapping[Any, Preference | str] | None = None,
    scales: Mapping[Any, tuple[float, float]] | None = None,
    *,
    on_constant: str | OnConstant = "raise",
) -> ScoreResult:
    """Score and rank alternatives on several criteria.

    Parameters
    ----------
    matrix : DataFrame
        Rows = alternatives (index = ids), columns = criteria, finite numbers.
    weights : Mapping or Series
        Criterion -> weight >= 0 (every criterion; normalised to sum 1).
    directions : Mapping, str or Direction
        Criterion -> ``"benefit"``/``"cost"`` (or one value for all criteria).
    method : {"weighted_sum", "topsis", "promethee_ii"}
        Weighted sum 100·Σ w·n [0–100]; TOPSIS closeness [0–1]; PROMETHEE II net flow [−1..1]
        divided by (n − 1).
    normalization : {"minmax", "vector", "sum", "max", "none", "raw"}, optional
        Default: min–max for the weighted sum, vector for TOPSIS (Hwang & Yoon), raw values for
        PROMETHEE II (thresholds in criterion units). ``"none"`` takes the matrix as
        benefit-oriented values in [0, 1].
    preferences : Mapping, optional
        PROMETHEE II: criterion -> :class:`Preference` (``usual`` where not given).
    scales : Mapping, optional
        Criterion -> fixed (lo, hi) scale for min–max, e.g. ``(1, 5)`` for Likert items [1–5],
        so scores do not move when alternatives are added.
    on_constant : {"raise", "half"}
        A criterion with one value for every alternative (and no fixed scale) under min–max is
        an error by default; ``"half"`` gives every alternative 0.5 on it (docs/method.md §10.1).

    Returns
    -------
    ScoreResult

    Raises
    ------
    DataValidationError
        (a ``ValueError``) naming the criterion/alternative at fault.
    """
    prob = prepare(matrix, directions, method, normalization, preferences, scales, on_constant)
    w = check_weights(weights, prob.criteria)
    n = prob.normalized()
    raw, shown, contrib, flows = _aggregate(prob, n, w)
    ids, criteria = prob.ids, prob.criteria
    ranks, groups = rank_kernel(raw)
    name = prob.ids.name
    return ScoreResult(
        scores=pd.Series(shown, index=ids, name="score").rename_axis(name),
        ranks=pd.Series(ranks, index=ids, name="rank").rename_axis(name),
        contributions=pd.DataFrame(contrib, index=ids, columns=criteria),
        normalized=pd.DataFrame(n, index=ids, columns=criteria),
        weights=pd.Series(w, index=criteria, name="weight"),
        directions=dict(prob.directions),
        method=prob.method,
        ties=tuple(tuple(ids[g]) for g in groups),
        flows=None if flows is None else pd.DataFrame(flows, index=ids),
        notes=prob.notes,
        normalization=prob.normalization,
    )


def _aggregate(
    prob: ScoringProblem, n: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray] | None]:
    """(kernel score ranked on, score shown, contributions, flow columns) of one method."""
    if prob.method is Method.WEIGHTED_SUM:
        raw = weighted_sum_kernel(n, w)
        return raw, 100.0 * raw, 100.0 * n * w, None
    if prob.method is Method.TOPSIS:
        raw, d_plus, d_minus = topsis_kernel(n, w)
        return raw, raw, n * w, {"d_plus": d_plus, "d_minus": d_minus}
    plus, minus = promethee_kernel(n, prob.preferences)
    phi_plus, phi_minus = plus @ w, minus @ w
    raw = phi_plus - phi_minus
    flows = {"phi_plus": phi_plus, "phi_minus": phi_minus, "phi_net": raw}
    return raw, raw, (plus - minus) * w, flows
