"""Closed vocabularies of scoring: methods, normalisations, preference kinds, options.

Each is a string Enum on the model's vocabulary base (``alliancekit.model.vocab``), so text
parses through the one ``Enum.parse`` and members compare equal to their values
(``Method.TOPSIS == "topsis"``).
"""

from __future__ import annotations

from alliancekit.model.vocab import Vocabulary

__all__ = [
    "DEFAULT_NORMALIZATION",
    "HolisticWeights",
    "Method",
    "Normalization",
    "OnConstant",
    "PreferenceKind",
]


class Method(Vocabulary):
    """Aggregation method of :func:`alliancekit.scoring.score`."""

    WEIGHTED_SUM = "weighted_sum"
    TOPSIS = "topsis"
    PROMETHEE_II = "promethee_ii"


class Normalization(Vocabulary):
    """How raw criterion values become benefit-oriented values (higher = better).

    ``minmax``  benefit (x − lo)/(hi − lo), cost (hi − x)/(hi − lo); lo/hi observed or a fixed scale
    ``vector``  benefit x/‖x‖₂, cost 1 − x/‖x‖₂ (TOPSIS-equivalent to Hwang & Yoon's x/‖x‖₂ with
                a minimising ideal for cost criteria)
    ``sum``     benefit x/Σx, cost (1/x)/Σ(1/x)
    ``max``     benefit x/max, cost 1 − x/max
    ``none``    values are already benefit-oriented in [0, 1]; directions are recorded only
    ``raw``     PROMETHEE II only (its default): values as given, cost criteria negated, so the
                thresholds q, p, s stay in each criterion's own units
    """

    MINMAX = "minmax"
    VECTOR = "vector"
    SUM = "sum"
    MAX = "max"
    NONE = "none"
    RAW = "raw"


class PreferenceKind(Vocabulary):
    """The six classical PROMETHEE generalised criteria (Brans & Vincke 1985)."""

    USUAL = "usual"  # type I
    U_SHAPE = "u_shape"  # type II, quasi-criterion (q)
    V_SHAPE = "v_shape"  # type III, linear preference up to p
    LEVEL = "level"  # type IV (q, p)
    LINEAR = "linear"  # type V, V-shape with indifference (q, p)
    GAUSSIAN = "gaussian"  # type VI (s)


class OnConstant(Vocabulary):
    """What min–max does with a criterion that has one value for every alternative."""

    RAISE = "raise"  # bad input: a DataValidationError naming the criterion
    HALF = "half"  # every alternative gets 0.5 on it (docs/method.md §10.1)


class HolisticWeights(Vocabulary):
    """Meta-weights α_r of SMAA's holistic acceptability index Σ_r α_r·b_i^r."""

    CENTROID = "centroid"  # α_r ∝ Σ_{k=r..m} 1/k (rank-order centroid)
    INVERSE = "inverse"  # α_r ∝ 1/r
    LINEAR = "linear"  # α_r ∝ m − r + 1


#: The normalisation each method uses when none is given.
DEFAULT_NORMALIZATION: dict[Method, Normalization] = {
    Method.WEIGHTED_SUM: Normalization.MINMAX,
    Method.TOPSIS: Normalization.VECTOR,
    Method.PROMETHEE_II: Normalization.RAW,  # thresholds q/p/s in the criterion's own units
}
