"""Teaching material: the Karachi→Hyderabad carpool, random classroom cases, student notebooks.

- ``carpool``: :func:`carpool_workspace` loads the tiny workspace of docs/method.md §7 (Ravi and
  four possible carpool companions; with ``review=True`` also the formed carpool's KPI log),
  shipped as a workspace folder in ``alliancekit/data/cases/carpool/``.
- ``cases``: :func:`new_case` writes a random but realistic classroom workspace (valid,
  solvable, reproducible by seed); ``themes`` and ``draws`` are what it is drawn from.
- ``notebooks``: :func:`student_notebook` removes the cells tagged ``solution`` from a teaching
  notebook with nbconvert's ``TagRemovePreprocessor``.
- ``exercises``: :func:`what_if` plans a portfolio or returns the :class:`Infeasible` diagnosis.

Money in the carpool is in PKR thousand (``kPKR``); "per year" means 48 working weeks with one
Monday and one Friday trip each (96 one-way trips). Random cases use PKR lakh like scenarios A/B.
"""

from alliancekit.teaching.carpool import carpool_workspace
from alliancekit.teaching.cases import MAX_CANDIDATES, MIN_CANDIDATES, new_case
from alliancekit.teaching.exercises import Infeasible, what_if
from alliancekit.teaching.notebooks import SOLUTION_TAG, student_notebook, teaching_notebook

__all__ = [
    "MAX_CANDIDATES",
    "MIN_CANDIDATES",
    "SOLUTION_TAG",
    "Infeasible",
    "carpool_workspace",
    "new_case",
    "student_notebook",
    "teaching_notebook",
    "what_if",
]
