"""Quarters of a review: T, its window and trend span, and the period index of each row.

Quarters are period indices (``model.periods``): consecutive quarters differ by 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError
from alliancekit.model import (
    Alliance,
    AllianceStatus,
    Workspace,
    is_period,
    period_from_index,
    period_index,
    period_indices,
)
from alliancekit.review.policy import ReviewPolicy

__all__ = ["Quarters", "quarter_of", "resolve_period", "reviewed", "start_index"]


@dataclass(frozen=True)
class Quarters:
    """The review quarter T and the quarters its window and trend span (period indices)."""

    review: int
    window_from: int
    trend_from: int

    @classmethod
    def of(cls, review: int, policy: ReviewPolicy) -> Quarters:
        """The quarters of a review at ``review`` with ``policy``'s window W and trend N."""
        return cls(review, review - policy.window + 1, review - policy.trend_periods + 1)

    @property
    def window(self) -> range:
        """The quarters ``T−W+1 … T``, oldest first."""
        return range(self.window_from, self.review + 1)


def quarter_of(periods: pd.Series) -> np.ndarray:
    """Period index of each ``YYYY-Qn`` value (each distinct value parsed once)."""
    codes, uniques = pd.factorize(periods, use_na_sentinel=False)
    return period_indices(uniques)[codes] if len(periods) else np.array([], dtype=np.int64)


def resolve_period(period: str | None, t_all: np.ndarray) -> int:
    """Quarter index of the review period T; errors name the period and the data range.

    Raises
    ------
    DataValidationError
        When ``period`` is neither ``YYYY-Qn`` nor ``"latest"``, or has no KPI data.
    """
    if period is None or str(period).strip().lower() == "latest":
        return int(t_all.max())
    text = str(period).strip()
    if not is_period(text):
        raise DataValidationError.single(
            f"review period {text!r} is not YYYY-Qn (e.g. 2025-Q2) or 'latest'", column="period"
        )
    t = period_index(text)
    if not (t_all == t).any():
        first, last = period_from_index(int(t_all.min())), period_from_index(int(t_all.max()))
        raise DataValidationError.single(
            f"review period {text} has no KPI data; the KPI data cover {first} … {last}",
            file="kpis.csv",
            column="period",
        )
    return t


def start_index(a: Alliance) -> int:
    """Quarter index of an alliance's start_period (very early if missing or malformed)."""
    try:
        return period_index(a.start_period)
    except (ValueError, AttributeError):
        return -(10**9)


def reviewed(ws: Workspace, review: int) -> tuple[str, ...]:
    """Alliances reviewed at T: started at or before T and not closed."""
    return tuple(
        a.alliance_id
        for a in ws.alliances
        if a.status != AllianceStatus.CLOSED and start_index(a) <= review
    )
