"""Generic multi-criteria scoring: normalise, weigh and aggregate any alternatives × criteria table.

Pure numpy kernels (``*_kernel`` functions on arrays) sit behind validating wrappers that take
labelled pandas input and return frozen result objects:

* :func:`score` — weighted sum (WSM), TOPSIS (Hwang & Yoon 1981) or PROMETHEE II (Brans & Vincke
  1985) -> :class:`ScoreResult`;
* weights — :func:`rank_order_weights` (rank-order centroid, Barron & Barrett 1996),
  :func:`ahp_weights` (Saaty 1980 principal eigenvector, CI/CR) -> :class:`AHPResult`,
  :func:`entropy_weights` (Shannon entropy) and :func:`critic_weights` (Diakoulaki et al. 1995).

Every normalisation returns *benefit-oriented* values (higher is better), so the aggregation
kernels never look at criterion directions again.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError, Problem
from alliancekit.model import Direction
from alliancekit.results import Result

__all__ = [
    "RANDOM_INDEX",
    "AHPResult",
    "Method",
    "Normalization",
    "Preference",
    "PreferenceKind",
    "ScoreResult",
    "ahp_weights",
    "critic_weights",
    "entropy_weights",
    "normalize_kernel",
    "promethee_kernel",
    "rank_kernel",
    "rank_order_weights",
    "score",
    "topsis_kernel",
    "weighted_sum_kernel",
]

#: absolute tolerance under which two scores count as tied (scores are on 0–1 / −1..1 scales
#: inside the kernels; the WSM 0–100 scale is applied after ranking)
TIE_TOLERANCE = 1e-9
_MAX_PROBLEMS = 20


# ---------------------------------------------------------------------------------------------
# closed vocabularies
# ---------------------------------------------------------------------------------------------
class _Vocabulary(StrEnum):
    """String Enum parsing its values case-insensitively (``"U-shape"`` -> ``u_shape``)."""

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, value: Any, what: str = "") -> Any:
        if isinstance(value, cls):
            return value
        text = str(value).strip().lower().replace("-", "_").replace(" ", "_")
        for member in cls:
            if text in (member.value, member.name.lower()):
                return member
        allowed = ", ".join(repr(m.value) for m in cls)
        raise DataValidationError(
            f"unknown {what or cls.__name__} {value!r}; expected one of: {allowed}"
        )


class Method(_Vocabulary):
    """Aggregation method of :func:`score`."""

    WEIGHTED_SUM = "weighted_sum"
    TOPSIS = "topsis"
    PROMETHEE_II = "promethee_ii"


class Normalization(_Vocabulary):
    """How raw criterion values become benefit-oriented values (higher = better).

    ``minmax``  benefit (x − lo)/(hi − lo), cost (hi − x)/(hi − lo); lo/hi observed or a fixed scale
    ``vector``  benefit x/‖x‖₂, cost 1 − x/‖x‖₂ (TOPSIS-equivalent to Hwang & Yoon's x/‖x‖₂ with
                a minimising ideal for cost criteria)
    ``sum``     benefit x/Σx, cost (1/x)/Σ(1/x)
    ``max``     benefit x/max, cost 1 − x/max
    ``none``    values are already benefit-oriented in [0, 1]; directions are recorded only
    """

    MINMAX = "minmax"
    VECTOR = "vector"
    SUM = "sum"
    MAX = "max"
    NONE = "none"


class PreferenceKind(_Vocabulary):
    """The six classical PROMETHEE generalised criteria (Brans & Vincke 1985)."""

    USUAL = "usual"  # type I
    U_SHAPE = "u_shape"  # type II, quasi-criterion (q)
    V_SHAPE = "v_shape"  # type III, linear preference up to p
    LEVEL = "level"  # type IV (q, p)
    LINEAR = "linear"  # type V, V-shape with indifference (q, p)
    GAUSSIAN = "gaussian"  # type VI (s)


_KIND_CODE = {kind: i for i, kind in enumerate(PreferenceKind)}
_DEFAULT_NORMALIZATION = {
    Method.WEIGHTED_SUM: Normalization.MINMAX,
    Method.TOPSIS: Normalization.VECTOR,
    Method.PROMETHEE_II: None,  # raw criterion units, so q/p/s are in the criterion's own units
}


@dataclass(frozen=True)
class Preference:
    """PROMETHEE preference function for one criterion.

    Parameters
    ----------
    kind : PreferenceKind or str
        ``usual``, ``u_shape`` (needs q), ``v_shape`` (needs p), ``level`` (q < p), ``linear``
        (q < p; q defaults to 0), ``gaussian`` (needs s).
    q, p, s : float, optional
        Indifference threshold, preference threshold and Gaussian inflection point, in the units
        the differences are taken in (raw criterion units unless a normalisation is chosen).
    """

    kind: PreferenceKind | str = PreferenceKind.USUAL
    q: float | None = None
    p: float | None = None
    s: float | None = None

    def __post_init__(self) -> None:
        kind = PreferenceKind.parse(self.kind, "preference kind")
        object.__setattr__(self, "kind", kind)
        for name in ("q", "p", "s"):
            value = getattr(self, name)
            if value is not None:
                value = float(value)
                if not math.isfinite(value) or value < 0:
                    raise DataValidationError(
                        f"Preference({kind.value}): {name} must be a finite number >= 0, "
                        f"got {value!r}"
                    )
                object.__setattr__(self, name, value)
        q, p, s = self.q, self.p, self.s
        need = {
            PreferenceKind.U_SHAPE: ("q",),
            PreferenceKind.V_SHAPE: ("p",),
            PreferenceKind.LEVEL: ("q", "p"),
            PreferenceKind.LINEAR: ("p",),
            PreferenceKind.GAUSSIAN: ("s",),
        }.get(kind, ())
        missing = [n for n in need if getattr(self, n) is None]
        if missing:
            raise DataValidationError(
                f"Preference({kind.value}) needs {' and '.join(missing)} "
                f"(thresholds in the units of the compared values)"
            )
        if kind is PreferenceKind.LINEAR and q is None:
            object.__setattr__(self, "q", 0.0)
            q = 0.0
        if kind in (PreferenceKind.LEVEL, PreferenceKind.LINEAR) and not q < p:  # type: ignore[operator]
            raise DataValidationError(f"Preference({kind.value}) needs q < p, got q={q}, p={p}")
        if kind is PreferenceKind.V_SHAPE and p == 0:
            raise DataValidationError("Preference(v_shape) needs p > 0")
        if kind is PreferenceKind.GAUSSIAN and s == 0:
            raise DataValidationError("Preference(gaussian) needs s > 0")


# ---------------------------------------------------------------------------------------------
# pure numpy kernels (no labels, no validation; shapes (..., m alternatives, n criteria))
# ---------------------------------------------------------------------------------------------
def normalize_kernel(
    x: np.ndarray,
    benefit: np.ndarray,
    kind: Normalization | str,
    lo: np.ndarray | None = None,
    hi: np.ndarray | None = None,
    constant_fill: float = 0.5,
) -> np.ndarray:
    """Benefit-oriented normalisation of ``x`` along the alternatives axis (axis −2).

    Parameters
    ----------
    x : ndarray, shape (..., m, n)
        Raw values; a leading batch axis is allowed (one matrix per draw in SMAA).
    benefit : ndarray of bool, shape (n,)
        True where more is better.
    kind : Normalization
        See :class:`Normalization`.
    lo, hi : ndarray, shape (n,), optional
        Fixed min–max scale per criterion; NaN entries fall back to the observed min/max.
    constant_fill : float
        Value given under min–max to a criterion whose range is zero [0–1].
    """
    kind = Normalization(kind)
    x = np.asarray(x, dtype=float)
    benefit = np.asarray(benefit, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind is Normalization.MINMAX:
            low = x.min(axis=-2, keepdims=True)
            high = x.max(axis=-2, keepdims=True)
            if lo is not None:
                low = np.where(np.isnan(lo), low, lo)
            if hi is not None:
                high = np.where(np.isnan(hi), high, hi)
            span = high - low
            n = (x - low) / span
            n = np.where(benefit, n, 1.0 - n)
            return np.where(span > 0, n, constant_fill)
        if kind is Normalization.VECTOR:
            r = x / np.sqrt((x * x).sum(axis=-2, keepdims=True))
            return np.where(benefit, r, 1.0 - r)
        if kind is Normalization.SUM:
            b = x / x.sum(axis=-2, keepdims=True)
            inv = 1.0 / x
            c = inv / inv.sum(axis=-2, keepdims=True)
            return np.where(benefit, b, c)
        if kind is Normalization.MAX:
            r = x / x.max(axis=-2, keepdims=True)
            return np.where(benefit, r, 1.0 - r)
    return x.copy()


def weighted_sum_kernel(n: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted sum Σ_c w_c·n_ic [0–1] of a normalised (m, n) matrix for weights (n,) or (d, n)."""
    return n @ np.asarray(w, dtype=float).T


def topsis_kernel(n: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """TOPSIS relative closeness (Hwang & Yoon 1981) of benefit-oriented values.

    Parameters
    ----------
    n : ndarray, shape (..., m, n)
        Benefit-oriented normalised values.
    w : ndarray, shape (..., n)
        Weights (a batch of weight vectors pairs with a batch of matrices or broadcasts).

    Returns
    -------
    closeness, d_plus, d_minus : ndarray, shape (..., m)
        C = D⁻/(D⁺ + D⁻) [0–1]; distances to the ideal and anti-ideal points. When every
        alternative sits on the same point C is 0.5.
    """
    v = n * np.asarray(w, dtype=float)[..., None, :]
    ideal = v.max(axis=-2, keepdims=True)
    anti = v.min(axis=-2, keepdims=True)
    d_plus = np.sqrt(((v - ideal) ** 2).sum(axis=-1))
    d_minus = np.sqrt(((v - anti) ** 2).sum(axis=-1))
    total = d_plus + d_minus
    with np.errstate(divide="ignore", invalid="ignore"):
        closeness = np.where(total > 0, d_minus / total, 0.5)
    return closeness, d_plus, d_minus


def preference_kernel(
    d: np.ndarray, kind: PreferenceKind, q: float | None, p: float | None, s: float | None
) -> np.ndarray:
    """Preference degree P(d) ∈ [0, 1] for differences ``d`` (Brans & Vincke 1985, types I–VI)."""
    positive = d > 0
    if kind is PreferenceKind.USUAL:
        return positive.astype(float)
    if kind is PreferenceKind.U_SHAPE:
        return (d > q).astype(float)
    if kind is PreferenceKind.V_SHAPE:
        return np.clip(np.where(positive, d / p, 0.0), 0.0, 1.0)
    if kind is PreferenceKind.LEVEL:
        return np.where(d > p, 1.0, np.where(d > q, 0.5, 0.0))
    if kind is PreferenceKind.LINEAR:
        return np.clip(np.where(d > q, (d - q) / (p - q), 0.0), 0.0, 1.0)
    return np.where(positive, 1.0 - np.exp(-(d * d) / (2.0 * s * s)), 0.0)  # gaussian


def promethee_kernel(
    x: np.ndarray, preferences: Sequence[Preference]
) -> tuple[np.ndarray, np.ndarray]:
    """Unicriterion positive and negative flows of benefit-oriented values.

    Parameters
    ----------
    x : ndarray, shape (m, n)
        Values where more is better (cost criteria already negated or normalised).
    preferences : sequence of Preference, length n

    Returns
    -------
    phi_plus, phi_minus : ndarray, shape (m, n)
        Per criterion, Σ_k P_c(i, k)/(m − 1) and Σ_k P_c(k, i)/(m − 1). The PROMETHEE II net flow
        for weights w is ``(phi_plus - phi_minus) @ w``: linear in the weights.
    """
    m, n = x.shape
    plus = np.zeros((m, n))
    minus = np.zeros((m, n))
    if m < 2:
        return plus, minus
    for c, pref in enumerate(preferences):
        col = x[:, c]
        pc = preference_kernel(col[:, None] - col[None, :], pref.kind, pref.q, pref.p, pref.s)
        plus[:, c] = pc.sum(axis=1) / (m - 1)
        minus[:, c] = pc.sum(axis=0) / (m - 1)
    return plus, minus


def rank_kernel(
    scores: np.ndarray, tol: float = TIE_TOLERANCE
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Competition ranks (1 = highest score; tied scores share the best rank) and tie groups.

    Sorted in descending order, neighbours closer than ``tol`` are tied (the same rule SMAA
    uses). Returns ``(ranks, groups)`` where ``groups`` lists the positions of each tied set
    (size > 1), best group first.
    """
    scores = np.asarray(scores, dtype=float)
    m = len(scores)
    order = np.argsort(-scores, kind="stable")
    ordered = scores[order]
    first = np.ones(m, dtype=bool)
    first[1:] = (ordered[:-1] - ordered[1:]) > tol
    starts = np.nonzero(first)[0]
    group = np.cumsum(first) - 1
    ranks = np.empty(m, dtype=int)
    ranks[order] = starts[group] + 1
    sizes = np.diff(np.append(starts, m))
    groups = [order[starts[g] : starts[g] + sizes[g]] for g in np.nonzero(sizes > 1)[0]]
    return ranks, groups


# ---------------------------------------------------------------------------------------------
# validation helpers (shared with sensitivity.py)
# ---------------------------------------------------------------------------------------------
def _check_matrix(matrix: Any) -> tuple[np.ndarray, pd.Index, pd.Index]:
    """Validate an alternatives × criteria DataFrame; returns (values, ids, criteria)."""
    if not isinstance(matrix, pd.DataFrame):
        raise DataValidationError(
            f"matrix must be a pandas DataFrame (rows = alternatives, columns = criteria), "
            f"got {type(matrix).__name__}"
        )
    if matrix.shape[0] == 0 or matrix.shape[1] == 0:
        raise DataValidationError(
            f"matrix is empty ({matrix.shape[0]} alternatives × {matrix.shape[1]} criteria)"
        )
    problems: list[Problem] = []
    for label, index in (("alternative id", matrix.index), ("criterion", matrix.columns)):
        dup = index[index.duplicated()].unique()
        if len(dup):
            problems.append(
                Problem("matrix", None, None, f"duplicate {label}(s): {', '.join(map(str, dup))}")
            )
    values = np.empty(matrix.shape, dtype=float)
    for j, col in enumerate(matrix.columns):
        try:
            values[:, j] = pd.to_numeric(matrix.iloc[:, j], errors="raise").to_numpy(
                dtype=float, na_value=np.nan
            )
        except (TypeError, ValueError):
            problems.append(Problem("matrix", None, str(col), "criterion values must be numeric"))
            values[:, j] = 0.0
    bad_rows, bad_cols = np.nonzero(~np.isfinite(values))
    for i, j in zip(bad_rows, bad_cols, strict=True):
        what = "missing (NaN)" if np.isnan(values[i, j]) else "infinite"
        problems.append(
            Problem(
                "matrix",
                None,
                str(matrix.columns[j]),
                f"alternative {matrix.index[i]!r}: value is {what}; every alternative needs a "
                f"finite value on every criterion",
            )
        )
    if problems:
        raise DataValidationError(
            problems[:_MAX_PROBLEMS], truncated=max(0, len(problems) - _MAX_PROBLEMS)
        )
    return values, matrix.index, matrix.columns


def _check_names(given: Iterable[Any], criteria: pd.Index, what: str) -> None:
    given = list(given)
    known = set(criteria)
    unknown = [str(k) for k in given if k not in known]
    if unknown:
        raise DataValidationError(
            f"{what}: unknown criterion name(s) {', '.join(unknown)}; "
            f"matrix criteria are {', '.join(map(str, criteria))}"
        )


def _check_weights(weights: Any, criteria: pd.Index, what: str = "weights") -> np.ndarray:
    """Weights by criterion -> array summing to 1 (every criterion named, each finite and >= 0)."""
    if isinstance(weights, (pd.Series, Mapping)):
        items = list(weights.items())
    else:
        raise DataValidationError(
            f"{what} must be a Mapping or Series by criterion name, got {type(weights).__name__}"
        )
    names = [k for k, _ in items]
    _check_names(names, criteria, what)
    if len(set(names)) != len(names):
        raise DataValidationError(f"{what}: a criterion is named twice")
    missing = [str(c) for c in criteria if c not in set(names)]
    if missing:
        raise DataValidationError(
            f"{what}: no weight for criterion/criteria {', '.join(missing)} "
            f"(give every criterion a weight; 0 is allowed)"
        )
    lookup = dict(items)
    w = np.empty(len(criteria))
    for j, c in enumerate(criteria):
        try:
            w[j] = float(lookup[c])
        except (TypeError, ValueError):
            raise DataValidationError(
                f"{what}: weight of {c!r} is not a number ({lookup[c]!r})"
            ) from None
        if not math.isfinite(w[j]):
            raise DataValidationError(f"{what}: weight of {c!r} is {w[j]} (must be finite)")
        if w[j] < 0:
            raise DataValidationError(f"{what}: weight of {c!r} is negative ({w[j]:g})")
    total = w.sum()
    if not total > 0:
        raise DataValidationError(f"{what}: weights sum to zero; at least one must be positive")
    return w / total


def _check_directions(directions: Any, criteria: pd.Index) -> tuple[np.ndarray, dict]:
    """Directions -> (benefit bool array, {criterion: Direction})."""
    if isinstance(directions, (str, Direction)):
        directions = dict.fromkeys(criteria, directions)
    if not isinstance(directions, (Mapping, pd.Series)):
        raise DataValidationError(
            "directions must map each criterion to 'benefit' or 'cost' "
            f"(got {type(directions).__name__})"
        )
    items = dict(directions.items())
    _check_names(items, criteria, "directions")
    missing = [str(c) for c in criteria if c not in items]
    if missing:
        raise DataValidationError(
            f"directions: no direction for criterion/criteria {', '.join(missing)}"
        )
    out: dict[Any, Direction] = {}
    for c in criteria:
        value = items[c]
        try:
            out[c] = (
                Direction(str(value).strip().lower()) if not isinstance(value, Direction) else value
            )
        except ValueError:
            raise DataValidationError(
                f"directions: criterion {c!r} has direction {value!r}; expected 'benefit' or 'cost'"
            ) from None
    benefit = np.array([out[c] is Direction.BENEFIT for c in criteria])
    return benefit, out


def _check_scales(
    scales: Any, criteria: pd.Index, ids: pd.Index, x: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Fixed (lo, hi) scales by criterion -> (lo, hi) arrays with NaN where observed is used."""
    lo = np.full(len(criteria), np.nan)
    hi = np.full(len(criteria), np.nan)
    if not scales:
        return lo, hi
    if not isinstance(scales, Mapping):
        raise DataValidationError("scales must map criterion -> (lo, hi)")
    _check_names(scales, criteria, "scales")
    problems: list[Problem] = []
    for c, bounds in scales.items():
        j = criteria.get_loc(c)
        try:
            a, b = (float(v) for v in bounds)
        except (TypeError, ValueError):
            raise DataValidationError(
                f"scales: {c!r} needs a pair (lo, hi), got {bounds!r}"
            ) from None
        if not (math.isfinite(a) and math.isfinite(b) and a < b):
            raise DataValidationError(f"scales: {c!r} needs finite lo < hi, got ({a}, {b})")
        lo[j], hi[j] = a, b
        outside = np.nonzero((x[:, j] < a - 1e-12) | (x[:, j] > b + 1e-12))[0]
        problems += [
            Problem(
                "matrix",
                None,
                str(c),
                f"alternative {ids[i]!r}: value {x[i, j]:g} outside the fixed scale [{a:g}, {b:g}]",
            )
            for i in outside
        ]
    if problems:
        raise DataValidationError(
            problems[:_MAX_PROBLEMS], truncated=max(0, len(problems) - _MAX_PROBLEMS)
        )
    return lo, hi


def _check_normalizable(
    x: np.ndarray,
    benefit: np.ndarray,
    kind: Normalization | None,
    criteria: pd.Index,
    ids: pd.Index,
    lo: np.ndarray,
    on_constant: str,
) -> None:
    """Reject values the chosen normalisation cannot handle, naming the column."""
    if kind is None:
        return
    if kind is Normalization.MINMAX:
        constant = (x.max(axis=0) == x.min(axis=0)) & np.isnan(lo)
        if constant.any() and on_constant == "raise":
            raise DataValidationError(
                [
                    Problem(
                        "matrix",
                        None,
                        str(criteria[j]),
                        f"criterion is constant ({x[0, j]:g} for every alternative), so min–max "
                        "normalisation is undefined; drop it, give it a fixed scale, or pass "
                        "on_constant='half' to give every alternative 0.5",
                    )
                    for j in np.nonzero(constant)[0]
                ]
            )
        return
    if kind is Normalization.NONE:
        bad = np.argwhere((x < -1e-9) | (x > 1 + 1e-9))
        if len(bad):
            raise DataValidationError(
                [
                    Problem(
                        "matrix",
                        None,
                        str(criteria[j]),
                        f"alternative {ids[i]!r}: value {x[i, j]:g} outside [0, 1]; "
                        "normalization='none' expects already-normalised benefit values",
                    )
                    for i, j in bad[:_MAX_PROBLEMS]
                ]
            )
        return
    problems = []
    for j, c in enumerate(criteria):
        col = x[:, j]
        if (col < 0).any():
            message = f"{kind.value} normalisation needs values >= 0"
        elif kind is Normalization.SUM and not benefit[j] and (col <= 0).any():
            message = "sum normalisation of a cost criterion needs values > 0"
        elif not (col > 0).any():
            message = f"{kind.value} normalisation is undefined: all values are 0"
        else:
            continue
        problems.append(Problem("matrix", None, str(c), message))
    if problems:
        raise DataValidationError(problems)


def _parse_on_constant(on_constant: str) -> str:
    if on_constant not in ("raise", "half"):
        raise DataValidationError(f"on_constant must be 'raise' or 'half', got {on_constant!r}")
    return on_constant


@dataclass(frozen=True)
class _Problem:
    """Validated, array-level view of a scoring problem (internal; shared with sensitivity)."""

    x: np.ndarray
    ids: pd.Index
    criteria: pd.Index
    benefit: np.ndarray
    directions: dict
    method: Method
    normalization: Normalization | None
    lo: np.ndarray
    hi: np.ndarray
    preferences: tuple[Preference, ...]
    constant_fill: float
    notes: tuple[str, ...]

    def normalized(self, x: np.ndarray | None = None) -> np.ndarray:
        """Benefit-oriented values the aggregation works on (raw oriented values for PROMETHEE)."""
        x = self.x if x is None else x
        if self.normalization is None:  # PROMETHEE on raw values: negate cost criteria
            return np.where(self.benefit, x, -x)
        return normalize_kernel(
            x, self.benefit, self.normalization, self.lo, self.hi, self.constant_fill
        )


def _prepare(
    matrix: Any,
    directions: Any,
    method: Any,
    normalization: Any,
    preferences: Any,
    scales: Any,
    on_constant: str,
) -> _Problem:
    x, ids, criteria = _check_matrix(matrix)
    benefit, dirs = _check_directions(directions, criteria)
    method = Method.parse(method, "method")
    on_constant = _parse_on_constant(on_constant)
    if normalization is None:
        norm = _DEFAULT_NORMALIZATION[method]
    else:
        norm = Normalization.parse(normalization, "normalization")
    notes: list[str] = []
    if scales and norm is not Normalization.MINMAX:
        raise DataValidationError(
            f"scales are fixed min–max scales; they need normalization='minmax' "
            f"(this call uses {norm.value if norm else 'raw values'})"
        )
    lo, hi = _check_scales(scales, criteria, ids, x)
    _check_normalizable(x, benefit, norm, criteria, ids, lo, on_constant)
    if norm is Normalization.MINMAX and on_constant == "half":
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
    prefs: tuple[Preference, ...] = ()
    if method is Method.PROMETHEE_II:
        given = dict(preferences or {})
        _check_names(given, criteria, "preferences")
        out = []
        for c in criteria:
            pref = given.get(c, Preference())
            if isinstance(pref, (str, PreferenceKind)):
                pref = Preference(pref)
            if not isinstance(pref, Preference):
                raise DataValidationError(
                    f"preferences: {c!r} must be an alliancekit.Preference, got {pref!r}"
                )
            out.append(pref)
        prefs = tuple(out)
    elif preferences:
        raise DataValidationError("preferences apply to method='promethee_ii' only")
    return _Problem(
        x=x,
        ids=ids,
        criteria=criteria,
        benefit=benefit,
        directions=dirs,
        method=method,
        normalization=norm,
        lo=lo,
        hi=hi,
        preferences=prefs,
        constant_fill=0.5,
        notes=tuple(notes),
    )


# ---------------------------------------------------------------------------------------------
# score()
# ---------------------------------------------------------------------------------------------
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
    method : str
        ``weighted_sum``, ``topsis`` or ``promethee_ii``.
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
    normalization : str
        Normalisation used (``raw`` for PROMETHEE on raw values).
    """

    scores: pd.Series
    ranks: pd.Series
    contributions: pd.DataFrame
    normalized: pd.DataFrame
    weights: pd.Series
    directions: Mapping[Any, Direction]
    method: str
    ties: tuple[tuple[Any, ...], ...] = ()
    flows: pd.DataFrame | None = None
    knockouts: Mapping[Any, tuple[str, ...]] = field(default_factory=dict)
    details: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()
    normalization: str = ""

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
        unit = {"weighted_sum": "{:.2f}", "topsis": "{:.4f}", "promethee_ii": "{:+.4f}"}.get(
            self.method, "{:.4f}"
        )
        best = self.top(3)
        norm = {
            "none": "values taken as already normalised",
            "raw": "raw values",
        }.get(self.normalization, f"{self.normalization} normalisation")
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
    on_constant: str = "raise",
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
    normalization : {"minmax", "vector", "sum", "max", "none"}, optional
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
    prob = _prepare(matrix, directions, method, normalization, preferences, scales, on_constant)
    w = _check_weights(weights, prob.criteria)
    n = prob.normalized()
    ids, criteria = prob.ids, prob.criteria
    flows = None
    if prob.method is Method.WEIGHTED_SUM:
        raw = weighted_sum_kernel(n, w)
        contrib = 100.0 * n * w
        shown = 100.0 * raw
    elif prob.method is Method.TOPSIS:
        raw, d_plus, d_minus = topsis_kernel(n, w)
        contrib = n * w
        shown = raw
        flows = pd.DataFrame({"d_plus": d_plus, "d_minus": d_minus}, index=ids)
    else:
        plus, minus = promethee_kernel(n, prob.preferences)
        phi_plus, phi_minus = plus @ w, minus @ w
        raw = phi_plus - phi_minus
        contrib = (plus - minus) * w
        shown = raw
        flows = pd.DataFrame(
            {"phi_plus": phi_plus, "phi_minus": phi_minus, "phi_net": raw}, index=ids
        )
    ranks, groups = rank_kernel(raw)
    name = matrix.index.name
    return ScoreResult(
        scores=pd.Series(shown, index=ids, name="score").rename_axis(name),
        ranks=pd.Series(ranks, index=ids, name="rank").rename_axis(name),
        contributions=pd.DataFrame(contrib, index=ids, columns=criteria),
        normalized=pd.DataFrame(n, index=ids, columns=criteria),
        weights=pd.Series(w, index=criteria, name="weight"),
        directions=dict(prob.directions),
        method=prob.method.value,
        ties=tuple(tuple(ids[g]) for g in groups),
        flows=flows,
        notes=prob.notes,
        normalization=prob.normalization.value if prob.normalization else "raw",
    )


# ---------------------------------------------------------------------------------------------
# weights
# ---------------------------------------------------------------------------------------------
def rank_order_weights(ranking: Sequence[Any] | Mapping[Any, float]) -> pd.Series:
    """Rank-order centroid weights w_k = (1/n)·Σ_{j=k..n} 1/j (Barron & Barrett 1996).

    Parameters
    ----------
    ranking : sequence or Mapping
        Criteria ordered most important first (an inner list/tuple/set holds tied criteria), or
        a Mapping criterion -> rank (1 = most important; equal ranks are ties). Tied criteria
        share the mean of the centroid weights of the positions they occupy.

    Returns
    -------
    Series
        Weights by criterion, summing to 1, in the order given.
    """
    groups: list[list[Any]] = []
    if isinstance(ranking, (str, bytes)):
        raise DataValidationError(
            f"ranking must be a sequence of criteria or a Mapping criterion -> rank, got the "
            f"text {ranking!r}"
        )
    if isinstance(ranking, (Mapping, pd.Series)):
        items = list(ranking.items())
        for c, r in items:
            try:
                if not math.isfinite(float(r)):
                    raise ValueError
            except (TypeError, ValueError):
                raise DataValidationError(
                    f"rank of {c!r} must be a finite number, got {r!r}"
                ) from None
            if float(r) < 1:
                raise DataValidationError(f"rank of {c!r} must be >= 1 (1 = most important)")
        for r in sorted({float(r) for _, r in items}):
            groups.append([c for c, rr in items if float(rr) == r])
        order = [c for c, _ in items]
    else:
        for entry in ranking:
            if isinstance(entry, (list, tuple, set, frozenset)):
                groups.append(list(entry))
            else:
                groups.append([entry])
        order = [c for g in groups for c in g]
    if not order:
        raise DataValidationError("ranking is empty")
    if len(set(order)) != len(order):
        raise DataValidationError("ranking names a criterion twice")
    n = len(order)
    centroid = np.array([sum(1.0 / j for j in range(k, n + 1)) / n for k in range(1, n + 1)])
    weights: dict[Any, float] = {}
    pos = 0
    for g in groups:
        share = centroid[pos : pos + len(g)].mean()
        weights.update(dict.fromkeys(g, share))
        pos += len(g)
    return pd.Series([weights[c] for c in order], index=pd.Index(order), name="weight")


#: Saaty's random consistency index RI by matrix order n: n <= 10 as in Saaty (1980); n = 11–15
#: from Saaty's extended table as commonly reproduced (e.g. Saaty & Vargas 2012, *Models,
#: Methods, Concepts & Applications of the AHP*).
RANDOM_INDEX: dict[int, float] = {
    1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49,
    11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59,
}  # fmt: skip


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


def ahp_eigen_kernel(a: np.ndarray) -> tuple[np.ndarray, float]:
    """Principal eigenvector (normalised to sum 1) and eigenvalue of a positive matrix."""
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    v = np.abs(vectors[:, k].real)
    return v / v.sum(), float(values[k].real)


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
    if isinstance(pairwise, pd.DataFrame):
        labels = list(pairwise.index)
        if list(pairwise.columns) != labels:
            raise DataValidationError(
                "pairwise matrix: row labels and column labels must be the same criteria in the "
                "same order"
            )
        try:
            a = pairwise.to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError):
            raise DataValidationError("pairwise matrix must be numeric") from None
    else:
        try:
            a = np.array(pairwise, dtype=float)
        except (TypeError, ValueError):
            raise DataValidationError("pairwise matrix must be numeric") from None
        labels = list(range(a.shape[0])) if a.ndim == 2 else []
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise DataValidationError(
            f"pairwise matrix must be square and non-empty, got shape {a.shape}"
        )
    n = a.shape[0]
    if n > max(RANDOM_INDEX):
        raise DataValidationError(
            f"pairwise matrix has {n} criteria; Saaty's random index is tabulated up to "
            f"{max(RANDOM_INDEX)} (split the criteria into a hierarchy)"
        )
    a = a.copy()
    holes = np.isnan(a)
    fill = holes & ~holes.T
    a[fill] = 1.0 / a.T[fill]
    problems: list[str] = []
    if np.isnan(a).any():
        i, j = np.argwhere(np.isnan(a))[0]
        problems.append(f"a[{labels[i]!r}, {labels[j]!r}] and its mirror are both missing")
    elif not np.isfinite(a).all() or (a <= 0).any():
        i, j = np.argwhere(~np.isfinite(a) | (a <= 0))[0]
        problems.append(f"a[{labels[i]!r}, {labels[j]!r}] = {a[i, j]:g}; judgements must be > 0")
    else:
        if not np.allclose(np.diag(a), 1.0, rtol=0, atol=1e-9):
            i = int(np.argmax(np.abs(np.diag(a) - 1)))
            problems.append(f"diagonal a[{labels[i]!r}, {labels[i]!r}] = {a[i, i]:g}; must be 1")
        prod = a * a.T
        bad = np.argwhere(np.triu(np.abs(prod - 1.0) > rtol, 1))
        for i, j in bad[:5]:
            problems.append(
                f"not reciprocal: a[{labels[i]!r}, {labels[j]!r}] = {a[i, j]:g} but "
                f"a[{labels[j]!r}, {labels[i]!r}] = {a[j, i]:g} (should be {1 / a[i, j]:g})"
            )
    if problems:
        raise DataValidationError([Problem("pairwise", None, None, p) for p in problems])
    w, lam = ahp_eigen_kernel(a)
    ci = max(0.0, (lam - n) / (n - 1)) if n > 2 else 0.0
    ri = RANDOM_INDEX[n]
    cr = ci / ri if ri > 0 else 0.0
    consistent = bool(cr <= 0.10)
    # λmax − n = (1/n)·Σ_{i<j} (e_ij + 1/e_ij − 2) with e_ij = a_ij·w_j/w_i: an exact split of
    # the inconsistency over the judgements (each term >= 0, zero when a_ij = w_i/w_j).
    rows = []
    if not consistent:
        iu, ju = np.triu_indices(n, 1)
        e = a[iu, ju] * w[ju] / w[iu]
        contribution = (e + 1.0 / e - 2.0) / n
        total = contribution.sum()
        for k in np.argsort(-contribution)[: max(0, top_judgements)]:
            rows.append(
                {
                    "row": labels[iu[k]],
                    "column": labels[ju[k]],
                    "given": a[iu[k], ju[k]],
                    "consistent": w[iu[k]] / w[ju[k]],
                    "contribution": contribution[k],
                    "share": contribution[k] / total if total > 0 else 0.0,
                }
            )
    judgements = pd.DataFrame(
        rows, columns=["row", "column", "given", "consistent", "contribution", "share"]
    )
    index = pd.Index(labels)
    return AHPResult(
        weights=pd.Series(w, index=index, name="weight"),
        lambda_max=lam,
        ci=ci,
        cr=cr,
        is_consistent=consistent,
        inconsistent_judgements=judgements,
        pairwise=pd.DataFrame(a, index=index, columns=index),
    )


def _frame_values(matrix: Any, what: str) -> tuple[np.ndarray, pd.Index]:
    if isinstance(matrix, np.ndarray):
        matrix = pd.DataFrame(matrix)
    x, _, criteria = _check_matrix(matrix)
    if x.shape[0] < 2:
        raise DataValidationError(f"{what} needs at least 2 alternatives, got {x.shape[0]}")
    return x, criteria


def entropy_weights(matrix: pd.DataFrame | np.ndarray) -> pd.Series:
    """Objective weights from Shannon entropy of column-sum proportions (Shannon 1948; Zeleny 1982).

    p_ij = x_ij/Σ_i x_ij, E_j = −Σ_i p_ij·ln p_ij / ln m (0·ln 0 = 0), w_j ∝ 1 − E_j: criteria
    whose values differ more across alternatives weigh more. Values must be >= 0 with a positive
    column sum; direction does not matter.

    Parameters
    ----------
    matrix : DataFrame or ndarray
        Alternatives × criteria (at least 2 alternatives), values >= 0.

    Returns
    -------
    Series
        Weight by criterion [0–1], summing to 1.
    """
    x, criteria = _frame_values(matrix, "entropy_weights")
    for j, c in enumerate(criteria):
        if (x[:, j] < 0).any():
            raise DataValidationError(
                [Problem("matrix", None, str(c), "entropy weights need values >= 0")]
            )
        if not x[:, j].sum() > 0:
            raise DataValidationError(
                [Problem("matrix", None, str(c), "entropy weights need a positive column sum")]
            )
    p = x / x.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    entropy = -plogp.sum(axis=0) / math.log(x.shape[0])
    d = np.clip(1.0 - entropy, 0.0, None)
    if not d.sum() > 1e-15:
        raise DataValidationError(
            "entropy weights are undefined: every criterion has the same value proportion for "
            "every alternative (maximal entropy)"
        )
    return pd.Series(d / d.sum(), index=criteria, name="weight")


def critic_weights(
    matrix: pd.DataFrame | np.ndarray, directions: Mapping[Any, str | Direction] | None = None
) -> pd.Series:
    """CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995).

    Min–max normalise (benefit-oriented by ``directions``; all benefit when None), then
    C_j = σ_j·Σ_k (1 − r_jk) with σ the standard deviation and r the Pearson correlation of the
    normalised columns; w_j ∝ C_j. Constant criteria are rejected (σ = 0, r undefined).

    Parameters
    ----------
    matrix : DataFrame or ndarray
        Alternatives × criteria (at least 2 alternatives), finite numbers.
    directions : Mapping, optional
        Criterion -> ``"benefit"``/``"cost"``; all benefit when None.

    Returns
    -------
    Series
        Weight by criterion [0–1], summing to 1.
    """
    x, criteria = _frame_values(matrix, "critic_weights")
    benefit = (
        np.ones(len(criteria), dtype=bool)
        if directions is None
        else _check_directions(directions, criteria)[0]
    )
    constant = x.max(axis=0) == x.min(axis=0)
    if constant.any():
        raise DataValidationError(
            [
                Problem(
                    "matrix",
                    None,
                    str(criteria[j]),
                    "CRITIC weights need a non-constant criterion (standard deviation is 0)",
                )
                for j in np.nonzero(constant)[0]
            ]
        )
    n = normalize_kernel(x, benefit, Normalization.MINMAX)
    sigma = n.std(axis=0, ddof=1)
    r = np.corrcoef(n, rowvar=False) if n.shape[1] > 1 else np.ones((1, 1))
    c = sigma * (1.0 - r).sum(axis=0)
    if not c.sum() > 0:
        raise DataValidationError("CRITIC weights are undefined: all criteria perfectly correlated")
    return pd.Series(c / c.sum(), index=criteria, name="weight")
