"""The problem collector every stage of loading writes to: problems up to a limit, and notes."""

from __future__ import annotations

from alliancekit.errors import DataValidationError, Problem

__all__ = ["MAX_PROBLEMS", "Problems"]

#: Most problems reported by one validation run; the rest are counted in ``truncated``.
MAX_PROBLEMS = 50


class Problems:
    """Collects problems up to ``limit`` and counts the rest; ``notes`` holds remarks.

    A note is valid input worth a look (an ignored column, a conflict given one way only); it
    never makes a workspace invalid.
    """

    def __init__(self, limit: int = MAX_PROBLEMS) -> None:
        self.items: list[Problem] = []
        self.truncated = 0
        self.notes: list[Problem] = []
        self.limit = limit

    def add(self, file: str, row: int | None, column: str | None, message: str) -> None:
        """Record one problem (or only count it once ``limit`` problems are recorded)."""
        if len(self.items) < self.limit:
            self.items.append(Problem(file, row, column, message))
        else:
            self.truncated += 1

    def note(self, file: str, row: int | None, column: str | None, message: str) -> None:
        """Record one remark on valid input."""
        self.notes.append(Problem(file, row, column, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        """Raise one ``DataValidationError`` holding every problem recorded, if there is any."""
        if self.items:
            raise DataValidationError(self.items, truncated=self.truncated)
