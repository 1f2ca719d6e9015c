"""Review periods: quarters written ``YYYY-Qn``, the one place they are parsed and counted.

A period's *index* counts quarters since year 0 (``year·4 + quarter − 1``), so consecutive
quarters differ by 1 and arithmetic on periods is arithmetic on integers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

from alliancekit.errors import DataValidationError

__all__ = [
    "PERIOD_PATTERN",
    "is_period",
    "next_period",
    "parse_period",
    "period_from_index",
    "period_index",
    "period_indices",
    "period_key",
]

#: A quarter such as ``2025-Q2`` (``q`` accepted in input; written upper-case).
PERIOD_PATTERN = re.compile(r"^(\d{4})-[Qq]([1-4])$")


def is_period(text: object) -> bool:
    """True when ``text`` is a quarter written ``YYYY-Qn``."""
    return isinstance(text, str) and PERIOD_PATTERN.match(text.strip()) is not None


def parse_period(text: object, *, what: str = "period") -> str:
    """The canonical ``YYYY-Qn`` form of ``text`` (surrounding blanks dropped, ``Q`` upper-case).

    Raises
    ------
    DataValidationError
        When ``text`` is not a quarter; the message names ``what`` and shows an example.
    """
    match = PERIOD_PATTERN.match(str(text).strip()) if text is not None else None
    if match is None:
        raise DataValidationError.single(
            f"{text!r} is not a quarter; write it as YYYY-Qn, e.g. 2025-Q2", column=what
        )
    return f"{match[1]}-Q{match[2]}"


#: Any year (``period_from_index`` of a small index writes ``0-Q1``); input uses PERIOD_PATTERN.
_ANY_YEAR = re.compile(r"^(\d+)-[Qq]([1-4])$")


def period_key(period: str) -> tuple[int, int]:
    """Sort key for ``YYYY-Qn`` periods: (year, quarter)."""
    match = _ANY_YEAR.match(str(period).strip())
    if match is None:
        raise DataValidationError.single(
            f"{period!r} is not a quarter; write it as YYYY-Qn, e.g. 2025-Q2", column="period"
        )
    return int(match[1]), int(match[2])


def period_index(period: str) -> int:
    """Quarters since year 0, so consecutive quarters differ by 1."""
    year, quarter = period_key(period)
    return year * 4 + (quarter - 1)


def period_from_index(index: int) -> str:
    """Inverse of ``period_index``."""
    index = int(index)
    return f"{index // 4}-Q{index % 4 + 1}"


def next_period(period: str, quarters: int = 1) -> str:
    """The quarter ``quarters`` after ``period`` (negative goes back)."""
    return period_from_index(period_index(period) + int(quarters))


def period_indices(values: Iterable[object]) -> np.ndarray:
    """``period_index`` of each value, with −1 where a value is not a quarter (int64 array)."""
    out = []
    for value in values:
        match = PERIOD_PATTERN.match(str(value).strip()) if value is not None else None
        out.append(int(match[1]) * 4 + int(match[2]) - 1 if match else -1)
    return np.asarray(out, dtype=np.int64)
