"""Input checks of scoring: the matrix, criterion names, weights, directions, scales.

Every check raises :class:`~alliancekit.errors.DataValidationError` (also a ``ValueError``)
naming the parameter, criterion or alternative at fault. :func:`check_weights` is the one weights
check of the package: generic scoring, SMAA, weight stability and the alliance criteria
(``criteria.resolve_weights``) all use it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError, Problem
from alliancekit.model import Direction
from alliancekit.scoring.vocab import Normalization, OnConstant

__all__ = [
    "MAX_PROBLEMS",
    "check_bounds",
    "check_count",
    "check_directions",
    "check_matrix",
    "check_names",
    "check_normalizable",
    "check_scales",
    "check_weights",
    "is_count",
    "raise_problems",
]

#: problems listed in one error before the rest are only counted
MAX_PROBLEMS = 20


def raise_problems(problems: Sequence[Problem]) -> None:
    """Raise one DataValidationError listing up to ``MAX_PROBLEMS`` problems (none: return)."""
    if problems:
        raise DataValidationError(
            problems[:MAX_PROBLEMS], truncated=max(0, len(problems) - MAX_PROBLEMS)
        )


def _matrix_problem(column: Any, message: str) -> Problem:
    return Problem("matrix", None, None if column is None else str(column), message)


def check_matrix(matrix: Any) -> tuple[np.ndarray, pd.Index, pd.Index]:
    """Validate an alternatives × criteria DataFrame of finite numbers.

    Returns
    -------
    values : ndarray, shape (m, n)
    ids, criteria : Index
        Row labels (alternatives) and column labels (criteria).
    """
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
                _matrix_problem(None, f"duplicate {label}(s): {', '.join(map(str, dup))}")
            )
    values = np.empty(matrix.shape, dtype=float)
    for j, col in enumerate(matrix.columns):
        try:
            values[:, j] = pd.to_numeric(matrix.iloc[:, j], errors="raise").to_numpy(
                dtype=float, na_value=np.nan
            )
        except (TypeError, ValueError):
            problems.append(_matrix_problem(col, "criterion values must be numeric"))
            values[:, j] = 0.0
    for i, j in zip(*np.nonzero(~np.isfinite(values)), strict=True):
        what = "missing (NaN)" if np.isnan(values[i, j]) else "infinite"
        problems.append(
            _matrix_problem(
                matrix.columns[j],
                f"alternative {matrix.index[i]!r}: value is {what}; every alternative needs a "
                f"finite value on every criterion",
            )
        )
    raise_problems(problems)
    return values, matrix.index, matrix.columns


def check_names(
    given: Iterable[Any], criteria: Sequence[Any] | pd.Index, what: str, noun: str = "name"
) -> None:
    """Every name in ``given`` must be one of ``criteria`` (``noun``: name or code, for people)."""
    known = set(criteria)
    unknown = [str(k) for k in given if k not in known]
    if unknown:
        raise DataValidationError(
            f"{what}: unknown criterion {noun}(s) {', '.join(unknown)}; "
            f"the criteria are {', '.join(map(str, criteria))}"
        )


def check_weights(
    weights: Any,
    criteria: Sequence[Any] | pd.Index,
    what: str = "weights",
    *,
    require_all: bool = True,
    noun: str = "name",
) -> np.ndarray:
    """Weights by criterion → array in ``criteria`` order summing to 1.

    Parameters
    ----------
    weights : Mapping or Series
        Criterion → weight, each a finite number >= 0, at least one positive.
    criteria : sequence or Index
        The criteria, in the order of the result.
    what : str
        Where the weights come from, for messages (``weights``, ``organization
        criteria_weights``).
    require_all : bool
        True: every criterion needs a weight (0 allowed); False: a missing one weighs 0.
    noun : str
        What a criterion key is called in messages (``name``, ``code``).

    Returns
    -------
    ndarray, shape (n,)
        Normalised weights [0–1].
    """
    if not isinstance(weights, (pd.Series, Mapping)):
        raise DataValidationError(
            f"{what} must be a Mapping or Series by criterion {noun}, got {type(weights).__name__}"
        )
    items = list(weights.items())
    names = [k for k, _ in items]
    check_names(names, criteria, what, noun)
    if len(set(names)) != len(names):
        raise DataValidationError(f"{what}: a criterion is named twice")
    missing = [str(c) for c in criteria if c not in set(names)]
    if missing and require_all:
        raise DataValidationError(
            f"{what}: no weight for criterion/criteria {', '.join(missing)} "
            f"(give every criterion a weight; 0 is allowed)"
        )
    lookup = dict(items)
    w = np.array([_weight(lookup[c], c, what) if c in lookup else 0.0 for c in criteria])
    total = w.sum()
    if not total > 0:
        raise DataValidationError(f"{what}: weights sum to zero; at least one must be positive")
    return w / total


def _weight(value: Any, criterion: Any, what: str) -> float:
    """One weight as a float, finite and >= 0."""
    try:
        w = float(value)
    except (TypeError, ValueError):
        raise DataValidationError(
            f"{what}: weight of {criterion!r} is not a number ({value!r})"
        ) from None
    if not math.isfinite(w):
        raise DataValidationError(
            f"{what}: weight of {criterion!r} is {w} (must be finite and >= 0)"
        )
    if w < 0:
        raise DataValidationError(
            f"{what}: weight of {criterion!r} is negative ({w:g}); weights must be finite and >= 0"
        )
    return w


def check_directions(directions: Any, criteria: pd.Index) -> tuple[np.ndarray, dict]:
    """Directions (by criterion, or one value for all) → (benefit mask, {criterion: Direction})."""
    if isinstance(directions, (str, Direction)):
        directions = dict.fromkeys(criteria, directions)
    if not isinstance(directions, (Mapping, pd.Series)):
        raise DataValidationError(
            "directions must map each criterion to 'benefit' or 'cost' "
            f"(got {type(directions).__name__})"
        )
    items = dict(directions.items())
    check_names(items, criteria, "directions")
    missing = [str(c) for c in criteria if c not in items]
    if missing:
        raise DataValidationError(
            f"directions: no direction for criterion/criteria {', '.join(missing)}"
        )
    out: dict[Any, Direction] = {}
    for c in criteria:
        try:
            out[c] = Direction.parse(items[c], what="direction")
        except DataValidationError:
            raise DataValidationError(
                f"directions: criterion {c!r} has direction {items[c]!r}; "
                "expected 'benefit' or 'cost'"
            ) from None
    benefit = np.array([out[c] is Direction.BENEFIT for c in criteria])
    return benefit, out


def check_scales(
    scales: Any, criteria: pd.Index, ids: pd.Index, x: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Fixed (lo, hi) scales by criterion → (lo, hi) arrays, NaN where the observed range is used.

    Every value of ``x`` must lie on its criterion's fixed scale.
    """
    lo = np.full(len(criteria), np.nan)
    hi = np.full(len(criteria), np.nan)
    if not scales:
        return lo, hi
    if not isinstance(scales, Mapping):
        raise DataValidationError("scales must map criterion -> (lo, hi)")
    check_names(scales, criteria, "scales")
    problems: list[Problem] = []
    for c, bounds in scales.items():
        j = criteria.get_loc(c)
        lo[j], hi[j] = a, b = check_bounds(bounds, f"scales: {c!r}")
        outside = np.nonzero((x[:, j] < a - 1e-12) | (x[:, j] > b + 1e-12))[0]
        problems += [
            _matrix_problem(
                c,
                f"alternative {ids[i]!r}: value {x[i, j]:g} outside the fixed scale [{a:g}, {b:g}]",
            )
            for i in outside
        ]
    raise_problems(problems)
    return lo, hi


def check_bounds(pair: Any, what: str, *, strictly_increasing: bool = True) -> tuple[float, float]:
    """A (lo, hi) pair of finite numbers with lo < hi (lo <= hi when not strictly increasing)."""
    try:
        a, b = (float(v) for v in pair)
    except (TypeError, ValueError):
        raise DataValidationError(f"{what} needs a pair (lo, hi), got {pair!r}") from None
    ordered = a < b if strictly_increasing else a <= b
    if not (math.isfinite(a) and math.isfinite(b) and ordered):
        raise DataValidationError(
            f"{what} needs finite lo {'<' if strictly_increasing else '<='} hi, got ({a}, {b})"
        )
    return a, b


def check_normalizable(
    x: np.ndarray,
    benefit: np.ndarray,
    kind: Normalization,
    criteria: pd.Index,
    ids: pd.Index,
    lo: np.ndarray,
    on_constant: OnConstant,
) -> None:
    """Reject values the chosen normalisation cannot handle, naming the criterion."""
    if kind is Normalization.MINMAX:
        constant = (x.max(axis=0) == x.min(axis=0)) & np.isnan(lo)
        if constant.any() and on_constant is OnConstant.RAISE:
            raise_problems(
                [
                    _matrix_problem(
                        criteria[j],
                        f"criterion is constant ({x[0, j]:g} for every alternative), so min–max "
                        "normalisation is undefined; drop it, give it a fixed scale, or pass "
                        "on_constant='half' to give every alternative 0.5",
                    )
                    for j in np.nonzero(constant)[0]
                ]
            )
    elif kind is Normalization.NONE:
        bad = np.argwhere((x < -1e-9) | (x > 1 + 1e-9))
        raise_problems(
            [
                _matrix_problem(
                    criteria[j],
                    f"alternative {ids[i]!r}: value {x[i, j]:g} outside [0, 1]; "
                    "normalization='none' expects already-normalised benefit values",
                )
                for i, j in bad[:MAX_PROBLEMS]
            ]
        )
    elif kind is not Normalization.RAW:
        raise_problems(
            [_matrix_problem(c, m) for c, m in _ratio_problems(x, benefit, kind, criteria)]
        )


def _ratio_problems(
    x: np.ndarray, benefit: np.ndarray, kind: Normalization, criteria: pd.Index
) -> list[tuple[Any, str]]:
    """(criterion, message) for columns a vector/sum/max normalisation cannot divide by."""
    out = []
    for j, c in enumerate(criteria):
        col = x[:, j]
        if (col < 0).any():
            out.append((c, f"{kind.value} normalisation needs values >= 0"))
        elif kind is Normalization.SUM and not benefit[j] and (col <= 0).any():
            out.append((c, "sum normalisation of a cost criterion needs values > 0"))
        elif not (col > 0).any():
            out.append((c, f"{kind.value} normalisation is undefined: all values are 0"))
    return out


def is_count(value: Any, minimum: int = 1) -> bool:
    """True for a whole number >= ``minimum`` (``True``, ``1.5``, NaN and text are not)."""
    number = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )
    return bool(number and math.isfinite(value) and int(value) == value and value >= minimum)


def check_count(value: Any, what: str, minimum: int = 1) -> int:
    """A whole number >= ``minimum`` → int (``1.5``, ``True``, NaN and text are refused)."""
    if not is_count(value, minimum):
        raise DataValidationError(f"{what} must be a whole number >= {minimum}, got {value!r}")
    return int(value)
