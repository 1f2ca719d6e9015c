"""Teaching material: the Karachi→Hyderabad carpool, random classroom cases, student notebooks.

- ``carpool``: :func:`carpool_workspace` loads the tiny workspace of docs/method.md §7 (Ravi and
  four possible carpool companions; with ``review=True`` also the formed carpool's KPI log),
  shipped as a workspace folder in ``alliancekit/data/cases/carpool/``.
- ``cases``: :func:`new_case` writes a random but realistic classroom workspace (valid,
  solvable, reproducible by seed); ``themes`` and ``draws`` are what it is drawn from.
- ``notebooks``: :func:`student_notebook` writes the student version of a teaching notebook
  (every solution replaced by an answer cell).
- ``grading``: nbgrader conventions, :func:`student_version`, :func:`check_submission` and
  :func:`check_folder` (``alliancekit teach --check``: a per-exercise score).
- ``methods``: :func:`compare_methods`, WSM, TOPSIS and PROMETHEE II side by side and why their
  rankings differ (classroom mode).
- ``exercises``: :func:`what_if` plans a portfolio or returns the :class:`Infeasible` diagnosis.

Money in the carpool is in PKR thousand (``kPKR``); "per year" means 48 working weeks with one
Monday and one Friday trip each (96 one-way trips). Random cases use PKR lakh like scenarios A/B.
"""

from alliancekit.teaching.carpool import carpool_workspace
from alliancekit.teaching.cases import MAX_CANDIDATES, MIN_CANDIDATES, new_case
from alliancekit.teaching.exercises import Infeasible, what_if
from alliancekit.teaching.grading import (
    Grade,
    check_folder,
    check_submission,
    solution_texts,
    student_version,
)
from alliancekit.teaching.methods import MethodComparison, compare_methods
from alliancekit.teaching.notebooks import SOLUTION_TAG, student_notebook, teaching_notebook

__all__ = [
    "MAX_CANDIDATES",
    "MIN_CANDIDATES",
    "SOLUTION_TAG",
    "Grade",
    "Infeasible",
    "MethodComparison",
    "carpool_workspace",
    "check_folder",
    "check_submission",
    "compare_methods",
    "new_case",
    "solution_texts",
    "student_notebook",
    "student_version",
    "teaching_notebook",
    "what_if",
]
