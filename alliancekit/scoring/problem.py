"""A scoring problem checked once: :func:`prepare` turns labelled input into arrays.

:func:`~alliancekit.scoring.score`, :func:`~alliancekit.sensitivity.smaa` and
:func:`~alliancekit.sensitivity.weight_stability` take the same matrix, directions, method,
normalisation, preferences and scales; they all validate them here and work on the resulting
:class:`ScoringProblem`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError
from alliancekit.model import Direction
from alliancekit.scoring.checks import (
    check_directions,
    check_matrix,
    check_normalizable,
    check_scales,
)
from alliancekit.scoring.kernels import normalize_kernel
from alliancekit.scoring.preferences import Preference, check_preferences
from alliancekit.scoring.vocab import DEFAULT_NORMALIZATION, Method, Normalization, OnConstant

__all__ = ["ScoringProblem", "prepare"]


@dataclass(frozen=True)
class ScoringProblem:
    """Validated, array-level view of a scoring problem.

    Attributes
    ----------
    x : ndarray, shape (m, n)
        Raw criterion values.
    ids, criteria : Index
        Alternatives and criteria.
    benefit : ndarray of bool, shape (n,)
        True where more is better; ``directions`` holds the same as criterion → Direction.
    method, normalization : Method, Normalization
        Aggregation and normalisation (the method's default when none was given).
    lo, hi : ndarray, shape (n,)
        Fixed min–max scales; NaN where the observed range is used.
    preferences : tuple of Preference
        PROMETHEE II: one per criterion; empty otherwise.
    constant_fill : float
        Min–max value of a constant criterion (``on_constant='half'``) [0–1].
    notes : tuple of str
        Readings worth telling the user.
    """

    x: np.ndarray
    ids: pd.Index
    criteria: pd.Index
    benefit: np.ndarray
    directions: dict[Any, Direction]
    method: Method
    normalization: Normalization
    lo: np.ndarray
    hi: np.ndarray
    preferences: tuple[Preference, ...]
    constant_fill: float
    notes: tuple[str, ...]

    def normalized(self, x: np.ndarray | None = None) -> np.ndarray:
        """Benefit-oriented values the aggregation works on (for ``raw``: cost criteria negated).

        ``x`` replaces the problem's values (shape (..., m, n), e.g. perturbed draws).
        """
        x = self.x if x is None else x
        return normalize_kernel(
            x, self.benefit, self.normalization, self.lo, self.hi, self.constant_fill
        )


def prepare(
    matrix: Any,
    directions: Any,
    method: Any,
    normalization: Any,
    preferences: Any,
    scales: Any,
    on_constant: Any,
) -> ScoringProblem:
    """Validate every input of a scoring call (see :func:`alliancekit.scoring.score`).

    Raises
    ------
    DataValidationError
        Naming the parameter, criterion or alternative at fault.
    """
    x, ids, criteria = check_matrix(matrix)
    benefit, dirs = check_directions(directions, criteria)
    method = Method.parse(method, what="method")
    on_constant = OnConstant.parse(on_constant, what="on_constant")
    norm = _normalization(method, normalization, scales)
    lo, hi = check_scales(scales, criteria, ids, x)
    check_normalizable(x, benefit, norm, criteria, ids, lo, on_constant)
    return ScoringProblem(
        x=x,
        ids=ids,
        criteria=criteria,
        benefit=benefit,
        directions=dirs,
        method=method,
        normalization=norm,
        lo=lo,
        hi=hi,
        preferences=check_preferences(preferences, criteria, method),
        constant_fill=0.5,
        notes=_notes(x, benefit, criteria, norm, lo, on_constant),
    )


def _normalization(method: Method, normalization: Any, scales: Any) -> Normalization:
    """The normalisation asked for (or the method's default), checked against method and scales."""
    if normalization is None:
        norm = DEFAULT_NORMALIZATION[method]
    else:
        norm = Normalization.parse(normalization, what="normalization")
    if norm is Normalization.RAW and method is not Method.PROMETHEE_II:
        raise DataValidationError(
            "normalization='raw' (cost criteria negated, values otherwise as given) is for "
            f"method='promethee_ii' only; {method.value} needs normalised values"
        )
    if scales and norm is not Normalization.MINMAX:
        raise DataValidationError(
            f"scales are fixed min–max scales; they need normalization='minmax' "
            f"(this call uses {'raw values' if norm is Normalization.RAW else norm.value})"
        )
    return norm


def _notes(
    x: np.ndarray,
    benefit: np.ndarray,
    criteria: pd.Index,
    norm: Normalization,
    lo: np.ndarray,
    on_constant: OnConstant,
) -> tuple[str, ...]:
    """Adjustments the user should be told about (constant criteria given 0.5, ignored costs)."""
    notes: list[str] = []
    if norm is Normalization.MINMAX and on_constant is OnConstant.HALF:
        constant = (x.max(axis=0) == x.min(axis=0)) & np.isnan(lo)
        if constant.any():
            notes.append(
                "constant criteria given 0.5 to every alternative: "
                + ", ".join(str(criteria[j]) for j in np.nonzero(constant)[0])
            )
    if norm is Normalization.NONE and not benefit.all():
        notes.append(
            "normalization='none': values taken as benefit-oriented; the cost direction of "
            + ", ".join(str(c) for c, b in zip(criteria, benefit, strict=True) if not b)
            + " was not re-applied"
        )
    return tuple(notes)
