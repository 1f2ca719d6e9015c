"""Typed errors that carry the data needed to fix the problem.

``AllianceKitError`` is the root; every error the package raises on purpose derives from it, so
callers (the CLI, widgets, the report runner) can catch one type and show a clear message instead
of a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "AllianceKitError",
    "DataValidationError",
    "InfeasiblePortfolioError",
    "PackagedFileMissingError",
    "Problem",
    "Relaxation",
    "ReportError",
]


class AllianceKitError(Exception):
    """Root of every error alliancekit raises on purpose."""


class PackagedFileMissingError(AllianceKitError):
    """A file that ships inside the package is missing: the installation is broken.

    This is an internal error (the command line exits 70), never "invalid input".
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        super().__init__(
            f"alliancekit is installed incompletely: the packaged file {self.path} is missing; "
            "reinstall alliancekit"
        )


@dataclass(frozen=True)
class Problem:
    """One validation problem, located as the user sees it.

    Attributes
    ----------
    file : str
        File (or workbook sheet, ``book.xlsx[candidates]``) at fault; ``""`` for in-memory input.
    row : int or None
        Row number as shown in a spreadsheet: 1 is the header, so the first data row is 2.
    column : str or None
        Column (or YAML key path such as ``capability_gaps[2].importance``).
    message : str
        What is wrong and what was expected.
    """

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


class DataValidationError(AllianceKitError, ValueError):
    """Input data break one or more rules; ``problems`` lists every one found (up to a limit).

    Also a ``ValueError`` so generic callers that catch bad values still work.
    """

    def __init__(self, problems: Problem | Iterable[Problem] | str, *, truncated: int = 0) -> None:
        if isinstance(problems, str):
            problems = [Problem("", None, None, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.truncated = truncated
        super().__init__(self._render())

    @classmethod
    def single(
        cls,
        message: str,
        *,
        file: str | Path = "",
        row: int | None = None,
        column: str | None = None,
    ) -> DataValidationError:
        """Build an error holding one problem."""
        return cls([Problem(str(file), row, column, message)])

    def _render(self) -> str:
        if len(self.problems) == 1 and not self.truncated:
            return str(self.problems[0])
        lines = [f"{len(self.problems) + self.truncated} problem(s) found:"]
        lines += [f"  - {p}" for p in self.problems]
        if self.truncated:
            lines.append(f"  ... and {self.truncated} more")
        return "\n".join(lines)

    @property
    def first_line(self) -> str:
        """One line for a command-line error message."""
        if not self.problems:
            return "invalid input"
        more = len(self.problems) - 1 + self.truncated
        return str(self.problems[0]) + (f" (and {more} more problem(s))" if more else "")


@dataclass(frozen=True)
class Relaxation:
    """How far one constraint group would have to move to restore feasibility."""

    constraint: str
    current: float
    needed: float
    message: str


class InfeasiblePortfolioError(AllianceKitError):
    """The portfolio problem has no feasible selection.

    Attributes
    ----------
    conflicting : tuple of str
        Names of a minimal set of constraint groups that cannot hold together.
    relaxations : tuple of Relaxation
        For each conflicting group, the value it would need to take to make the problem feasible.
    """

    def __init__(
        self,
        message: str,
        conflicting: Sequence[str] = (),
        relaxations: Sequence[Relaxation] = (),
    ) -> None:
        self.conflicting: tuple[str, ...] = tuple(conflicting)
        self.relaxations: tuple[Relaxation, ...] = tuple(relaxations)
        super().__init__(message)


@dataclass
class ReportError(AllianceKitError):
    """A report run failed; the failed notebook is kept for inspection.

    Attributes
    ----------
    message : str
        What failed.
    workspace : str
        Workspace name.
    cell_index : int or None
        Index (0-based, as papermill counts) of the failing code cell, if a cell failed.
    notebook_path : Path or None
        Where the failed, partially executed notebook was kept.
    ename, evalue : str
        Exception name and value raised inside the kernel.
    """

    message: str
    workspace: str = ""
    cell_index: int | None = None
    notebook_path: Path | None = None
    ename: str = ""
    evalue: str = ""
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        parts = [self.message]
        if self.cell_index is not None:
            parts.append(f"failing cell: {self.cell_index}")
        if self.ename:
            parts.append(f"{self.ename}: {self.evalue}")
        if self.notebook_path is not None:
            parts.append(f"failed notebook kept at {self.notebook_path}")
        return "; ".join(parts)
