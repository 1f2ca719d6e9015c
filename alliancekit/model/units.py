"""Units and scales shared by every layer: the 1–5 Likert scale, annuities, money labels."""

from __future__ import annotations

from typing import overload

import numpy as np

__all__ = ["LIKERT_MAX", "LIKERT_MIN", "annuity_factor", "likert", "money_label"]

LIKERT_MIN, LIKERT_MAX = 1.0, 5.0


@overload
def likert(x: float) -> float: ...
@overload
def likert(x: np.ndarray) -> np.ndarray: ...
def likert(x: float | np.ndarray) -> float | np.ndarray:
    """Map a 1–5 Likert value to [0, 1]: ``L(x) = (x − 1) / 4`` (docs/method.md conventions).

    A scalar gives a float; an array (or Series) gives a float array of the same shape.
    """
    if np.ndim(x) == 0:
        return (float(x) - LIKERT_MIN) / (LIKERT_MAX - LIKERT_MIN)
    return (np.asarray(x, dtype=float) - LIKERT_MIN) / (LIKERT_MAX - LIKERT_MIN)


def annuity_factor(rate: float, years: float) -> float:
    """``AF = (1 − (1+r)^−H)/r``, or ``H`` when ``r = 0`` [years]: present value of 1 per year."""
    return float(years) if rate == 0 else (1.0 - (1.0 + rate) ** -years) / rate


def money_label(currency: str, unit: str) -> str:
    """Money unit for display: ``PKR lakh``, ``kEUR`` (unit k/thousand), ``MUSD`` (m/million)."""
    unit = unit.strip()
    if unit.lower() in ("k", "thousand"):
        return f"k{currency}"
    if unit.lower() in ("m", "million"):
        return f"M{currency}"
    return f"{currency} {unit}".strip()
