"""Teaching that can be graded: nbgrader-style notebooks, student versions, automatic checks.

The teaching notebooks follow nbgrader's conventions, so a course can import them as an
assignment (``nbgrader generate_assignment`` understands them as they are):

- an exercise's **answer cell** is a code cell with ``metadata.nbgrader.solution = true`` (and
  the tag ``solution``) whose solution sits between ``### BEGIN SOLUTION`` and
  ``### END SOLUTION``;
- a **written answer** is a markdown cell with ``solution = true`` and ``grade = true`` (graded
  by hand, ``points`` in its metadata); the instructor's text starts with "*Solution notes:*";
- an **autograded test** is a code cell with ``grade = true``, ``solution = false``, its
  ``points`` and ``grade_id`` (``ex1-test``: exercise ``ex1``); it passes when it runs
  without an error;
- text between ``=== BEGIN MARK SCHEME ===`` and ``=== END MARK SCHEME ===`` is for the
  instructor only.

:func:`student_version` replaces every solution (code and notes) with an answer stub and
drops mark schemes; :func:`check_submission` runs a completed student notebook with papermill
(errors allowed, so every exercise is tried) and scores each exercise's tests;
:func:`check_folder` does that for a folder of submissions.

Running a submission executes the student's code on this machine, as nbgrader's autograder
does: check submissions in a folder you can throw away.
"""

from __future__ import annotations

import contextlib
import copy
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from alliancekit.errors import DataValidationError
from alliancekit.results import Result

__all__ = [
    "CODE_STUB",
    "TEXT_STUB",
    "ExerciseScore",
    "Grade",
    "check_folder",
    "check_submission",
    "exercise_cells",
    "solution_texts",
    "student_version",
]

#: What replaces a code solution in the student version (nbgrader's default stub).
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
#: What replaces a written solution in the student version.
TEXT_STUB = "*Your answer:* YOUR ANSWER HERE"

_SOLUTION_RE = re.compile(r"[ \t]*### BEGIN SOLUTION.*?### END SOLUTION[ \t]*", re.S)
_MARK_SCHEME_RE = re.compile(r"=== BEGIN MARK SCHEME ===.*?=== END MARK SCHEME ===\n?", re.S)
_SOLUTION_TAG = "solution"


def _nbgrader(cell: Any) -> Mapping[str, Any]:
    """The cell's nbgrader metadata ({} when it has none)."""
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _is_solution(cell: Any) -> bool:
    """An answer cell: nbgrader ``solution`` or the tag ``solution``."""
    tags = cell.get("metadata", {}).get("tags", [])
    return bool(_nbgrader(cell).get("solution")) or _SOLUTION_TAG in tags


def _is_test(cell: Any) -> bool:
    """An autograded test cell: a code cell with nbgrader ``grade`` and no ``solution``."""
    meta = _nbgrader(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def exercise_cells(nb: Any) -> dict[str, dict[str, list[int]]]:
    """Per exercise (``grade_id`` up to its first ``-``): the indices of its answer and test cells.

    ``{"ex1": {"answers": [11, 12], "tests": [13]}, …}``, in notebook order.
    """
    out: dict[str, dict[str, list[int]]] = {}
    for i, cell in enumerate(nb.cells):
        grade_id = str(_nbgrader(cell).get("grade_id", ""))
        if not grade_id:
            continue
        kind = "tests" if _is_test(cell) else "answers" if _is_solution(cell) else None
        if kind:
            entry = out.setdefault(grade_id.split("-")[0], {"answers": [], "tests": []})
            entry[kind].append(i)
    return out


def solution_texts(nb: Any) -> list[str]:
    """Every solution the instructor wrote: code solution regions (or whole answer cells without
    one), written solution notes, and mark schemes; stripped, non-empty."""
    texts = []
    for cell in nb.cells:
        source = cell.get("source", "")
        if _is_solution(cell):
            regions = re.findall(r"### BEGIN SOLUTION\n?(.*?)### END SOLUTION", source, re.S)
            texts += regions if regions else [source]
        texts += re.findall(r"=== BEGIN MARK SCHEME ===(.*?)=== END MARK SCHEME ===", source, re.S)
    return [t.strip() for t in texts if t.strip()]


def _student_cell(cell: Any) -> Any:
    """The cell as a student gets it: solutions stubbed, mark schemes dropped, no outputs."""
    cell = copy.deepcopy(cell)
    source = _MARK_SCHEME_RE.sub("", cell.get("source", ""))
    if _is_solution(cell):
        if cell.get("cell_type") == "code":
            source = _SOLUTION_RE.sub(CODE_STUB, source) if "### BEGIN SOLUTION" in source else (
                CODE_STUB)  # fmt: skip
        else:
            source = TEXT_STUB
        tags = [t for t in cell.get("metadata", {}).get("tags", []) if t != _SOLUTION_TAG]
        cell["metadata"]["tags"] = tags
        if not tags:
            del cell["metadata"]["tags"]
    cell["source"] = source
    if cell.get("cell_type") == "code":
        cell["outputs"] = []
        cell["execution_count"] = None
    return cell


def student_version(nb: Any) -> Any:
    """A copy of the teaching notebook ``nb`` for students.

    Every solution is removed — code between the solution markers and the "*Solution notes:*"
    markdown — and an answer cell is left in its place (``CODE_STUB`` / ``TEXT_STUB``); mark
    schemes are dropped and outputs cleared. nbgrader metadata (grade ids, points) is kept, so
    the autograded tests still know their exercise.
    """
    out = copy.deepcopy(nb)
    out.cells = [_student_cell(c) for c in nb.cells]
    return out


@dataclass(frozen=True)
class ExerciseScore:
    """One exercise's automatic score.

    Attributes
    ----------
    exercise : str
        Exercise id (``ex1``).
    points : float
        Points earned in its autograded tests.
    max_points : float
        Points available in its autograded tests.
    failed : tuple of str
        The first line of each failing test's error (what to fix).
    manual_points : float
        Points of written answers, to be graded by hand.
    """

    exercise: str
    points: float
    max_points: float
    failed: tuple[str, ...] = ()
    manual_points: float = 0.0


@dataclass(frozen=True)
class Grade(Result):
    """The automatic grade of one submission.

    Attributes
    ----------
    submission : str
        The submitted notebook's path.
    exercises : tuple of ExerciseScore
        One score per exercise, in notebook order.
    """

    submission: str
    exercises: tuple[ExerciseScore, ...] = field(default_factory=tuple)

    title = "Automatic grade"

    @property
    def points(self) -> float:
        """Points earned in all autograded tests."""
        return float(sum(e.points for e in self.exercises))

    @property
    def max_points(self) -> float:
        """Points available in all autograded tests."""
        return float(sum(e.max_points for e in self.exercises))

    def to_frame(self) -> pd.DataFrame:
        """One row per exercise: points, max points, failing tests, points graded by hand."""
        rows = [
            {
                "exercise": e.exercise,
                "points": e.points,
                "max_points": e.max_points,
                "failed": "; ".join(e.failed),
                "manual_points": e.manual_points,
            }
            for e in self.exercises
        ]
        columns = ["exercise", "points", "max_points", "failed", "manual_points"]
        return pd.DataFrame(rows, columns=columns).set_index("exercise")

    def summary(self) -> str:
        """``ex1 2/2`` per exercise and the total."""
        lines = [f"{self.submission}: {self.points:g} / {self.max_points:g} points"]
        for e in self.exercises:
            why = f" — {e.failed[0]}" if e.failed else ""
            manual = f" (+{e.manual_points:g} graded by hand)" if e.manual_points else ""
            lines.append(f"  {e.exercise}: {e.points:g} / {e.max_points:g}{manual}{why}")
        return "\n".join(lines)


def _error_line(cell: Any) -> str | None:
    """The first line of the cell's error, or None when it ran without one."""
    if cell.get("execution_count") is None:
        return "not run"
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            value = str(out.get("evalue", "")).strip().splitlines()
            return f"{out.get('ename', 'Error')}: {value[0] if value else ''}".strip()
    return None


def grade_executed(nb: Any, submission: str = "") -> Grade:
    """Score an executed notebook: each autograded test earns its points if it ran cleanly."""
    scores = []
    for exercise, cells in exercise_cells(nb).items():
        points = max_points = manual = 0.0
        failed = []
        for i in cells["tests"]:
            value = float(_nbgrader(nb.cells[i]).get("points", 0) or 0)
            max_points += value
            error = _error_line(nb.cells[i])
            if error is None:
                points += value
            else:
                failed.append(error)
        for i in cells["answers"]:
            meta = _nbgrader(nb.cells[i])
            if meta.get("grade"):
                manual += float(meta.get("points", 0) or 0)
        scores.append(ExerciseScore(exercise, points, max_points, tuple(failed), manual))
    return Grade(submission=submission, exercises=tuple(scores))


def _parameters(nb: Any, given: Mapping[str, Any] | None) -> dict[str, Any]:
    """``given``, or ``interactive=False`` when the notebook has a parameters cell."""
    if given is not None:
        return dict(given)
    tagged = any("parameters" in c.get("metadata", {}).get("tags", []) for c in nb.cells)
    return {"interactive": False} if tagged else {}


def check_submission(
    path: str | os.PathLike[str],
    *,
    parameters: Mapping[str, Any] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    timeout: float = 120.0,
    kernel_name: str = "python3",
    kernel_manager_class: type | None = None,
) -> Grade:
    """Run a completed student notebook with papermill and score each exercise.

    Every cell runs even after an error (an unanswered exercise loses its points, not the
    rest); the executed copy is written to a temporary folder and discarded.

    Parameters
    ----------
    path : path
        The submitted ``.ipynb``.
    parameters : mapping, optional
        Notebook parameters (default ``{"interactive": False}``: tables instead of widgets).
    cwd : path, optional
        Folder the notebook runs in (default: the package's notebooks folder, so relative
        sample paths resolve).
    timeout : float
        Longest time one cell may run [s].
    kernel_name : str
        Jupyter kernel to run it on.
    kernel_manager_class : type, optional
        nbclient's kernel manager (the command line passes the report runner's, which runs
        this interpreter's kernel over private sockets).

    Returns
    -------
    Grade

    Raises
    ------
    DataValidationError
        The file is missing or is not a notebook.
    """
    import nbformat
    import papermill as pm

    source = Path(path)
    if not source.is_file():
        raise DataValidationError.single(f"submission not found: {source}", file=source)
    try:
        submitted = nbformat.read(source, as_version=4)
    except Exception as exc:  # nbformat raises several types for a broken file
        raise DataValidationError.single(
            f"not a readable notebook: {type(exc).__name__}: {exc}", file=source
        ) from exc
    if cwd is None:
        from alliancekit.resources import notebook_path

        cwd = notebook_path("teaching").parent
    with tempfile.TemporaryDirectory(prefix="ak-check-") as tmp:
        executed = Path(tmp) / "executed.ipynb"
        # a wrong or missing answer raises PapermillExecutionError after every cell has run: the
        # executed notebook is scored all the same
        with contextlib.suppress(pm.PapermillExecutionError):
            pm.execute_notebook(
                str(source),
                str(executed),
                parameters=_parameters(submitted, parameters),
                kernel_name=kernel_name,
                language="python",
                cwd=str(cwd),
                progress_bar=False,
                execution_timeout=timeout,
                allow_errors=True,
                **({"kernel_manager_class": kernel_manager_class} if kernel_manager_class else {}),
            )
        nb = nbformat.read(executed, as_version=4)
    return grade_executed(nb, submission=str(source))


def check_folder(folder: str | os.PathLike[str], **options: Any) -> pd.DataFrame:
    """Check every ``*.ipynb`` in ``folder`` (``check_submission``): one row per submission.

    Columns: ``submission`` (file name), one column per exercise (points), ``total`` and
    ``max_total`` (points).

    Raises
    ------
    DataValidationError
        ``folder`` is not a folder or holds no notebook.
    """
    root = Path(folder)
    files = sorted(p for p in root.glob("*.ipynb") if not p.name.startswith("."))
    if not root.is_dir() or not files:
        raise DataValidationError.single(f"no submissions (*.ipynb) in {root}", file=root)
    rows = []
    for path in files:
        grade = check_submission(path, **options)
        row: dict[str, Any] = {"submission": path.name}
        row.update({e.exercise: e.points for e in grade.exercises})
        row["total"], row["max_total"] = grade.points, grade.max_points
        rows.append(row)
    return pd.DataFrame(rows)
