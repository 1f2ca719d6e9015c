"""Typed errors that carry the data needed to fix the problem, and render themselves.

``AllianceKitError`` is the root; every error the package raises on purpose derives from it, so
callers (the CLI, the web app, the report runner, a notebook) catch one type and show it the same
way: ``for_cli()`` (a headline line and indented details, for a terminal), ``for_html()`` (escaped
markup, for the app and notebooks; also ``_repr_html_``) and ``to_dict()`` (for ``--format
json``). ``exit_code`` is the command line's exit code for it.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

__all__ = [
    "AllianceKitError",
    "ArgumentTypeError",
    "DataValidationError",
    "InfeasiblePortfolioError",
    "InternalError",
    "PackagedFileMissingError",
    "Problem",
    "Relaxation",
    "ReportError",
]


class AllianceKitError(Exception):
    """Root of every error alliancekit raises on purpose.

    Class attributes
    ----------------
    exit_code : int
        Exit code of the command line for this error (2 invalid input by default).
    kind : str
        How a person is told what happened: the prefix of ``for_cli`` and the HTML heading.
    """

    exit_code: ClassVar[int] = 2
    kind: ClassVar[str] = "error"

    @property
    def headline(self) -> str:
        """The first line of the message: what went wrong."""
        text = str(self)
        return text.splitlines()[0] if text else self.kind

    def detail_lines(self) -> list[str]:
        """Further lines worth showing under the headline (at most 20)."""
        return [line.strip() for line in str(self).splitlines()[1:] if line.strip()][:20]

    def for_cli(self) -> str:
        """``kind: headline`` and the details indented, for stderr."""
        lines = [f"{self.kind}: {self.headline}"]
        lines += [f"  {line}" if line.startswith("-") else f"  - {line}" for line in
                  self.detail_lines()]  # fmt: skip
        return "\n".join(lines)

    def for_html(self) -> str:
        """The message as escaped HTML: a heading line and a list of details."""
        details = "".join(
            f"<li>{html.escape(line.lstrip('- '))}</li>" for line in self.detail_lines()
        )
        return (
            f'<div class="ak-error" role="alert"><strong>{html.escape(self.kind.capitalize())}:'
            f"</strong> {html.escape(self.headline)}"
            + (f"<ul>{details}</ul>" if details else "")
            + "</div>"
        )

    def _repr_html_(self) -> str:
        return self.for_html()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe description (``--format json``)."""
        return {
            "error": type(self).__name__,
            "kind": self.kind,
            "exit_code": self.exit_code,
            "message": self.headline,
            "details": self.detail_lines(),
        }


class PackagedFileMissingError(AllianceKitError):
    """A file that ships inside the package is missing: the installation is broken.

    This is an internal error (the command line exits 70), never "invalid input".
    """

    exit_code = 70
    kind = "internal error"

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

    @property
    def headline(self) -> str:
        return self.first_line

    def detail_lines(self) -> list[str]:
        return [str(p) for p in self.problems[1:20]]

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["problems"] = [
            {"file": p.file, "row": p.row, "column": p.column, "message": p.message}
            for p in self.problems
        ]
        out["truncated"] = self.truncated
        return out


@dataclass(frozen=True)
class Relaxation:
    """How far one constraint group would have to move to restore feasibility.

    ``constraint`` is the group's key (``limit[cost_annual]``); ``label`` names it for people
    ("Annual budget"); ``current`` and ``needed`` are its bound now and the bound it would need.
    """

    constraint: str
    current: float
    needed: float
    message: str
    label: str = ""


class InfeasiblePortfolioError(AllianceKitError):
    """The portfolio problem has no feasible selection (the command line exits 3).

    Attributes
    ----------
    conflicting : tuple of str
        Keys of a minimal set of constraint groups that cannot hold together.
    relaxations : tuple of Relaxation
        For each conflicting group, the value it would need to take to make the problem feasible.
    constraints : tuple of Constraint
        The conflicting groups, typed (``alliancekit.portfolio.Constraint``: kind, label, bound).
    """

    exit_code = 3
    kind = "infeasible"

    def __init__(
        self,
        message: str,
        conflicting: Sequence[str] = (),
        relaxations: Sequence[Relaxation] = (),
        constraints: Sequence[Any] = (),
    ) -> None:
        self.conflicting: tuple[str, ...] = tuple(conflicting)
        self.relaxations: tuple[Relaxation, ...] = tuple(relaxations)
        self.constraints: tuple[Any, ...] = tuple(constraints)
        super().__init__(message)


@dataclass
class ReportError(AllianceKitError):
    """A report run failed; the failed notebook is kept for inspection (the CLI exits 4).

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

    exit_code: ClassVar[int] = 4
    kind: ClassVar[str] = "report failed"

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


class ArgumentTypeError(DataValidationError, TypeError):
    """An argument of the wrong type (e.g. a policy that is neither a policy nor a mapping).

    A ``DataValidationError`` (exit 2) that is also a ``TypeError``, so callers that catch the
    built-in type keep working.
    """


class InternalError(AllianceKitError):
    """Something failed that no input explains: a bug (the command line exits 70).

    Raised where a run must end with a message and an exit code rather than a traceback (a
    report batch collects it like any other failure); the original exception is its cause.
    """

    exit_code = 70
    kind = "internal error"
