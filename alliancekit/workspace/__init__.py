"""Load, validate and save workspaces: one folder of CSV + YAML files, or one ``.xlsx`` workbook.

A workspace on disk (data dictionary in ``data/README.md``)::

    organization.yaml   organization profile, goals, capability gaps, budgets, caps, rules
    candidates.csv      candidate partners (required, at least one row)
    alliances.csv       existing alliances                     (optional, header only is fine)
    kpis.csv            KPI plan vs actual, long format        (optional)
    health.csv          health survey, own and partner side    (optional)
    events.csv          hard triggers such as a material breach (optional)
    milestones.csv      alliance milestones and turning points (optional)
    actions.csv         actions reviews assigned and their status (optional)

The same tables are sheets of one workbook. In a workbook the scalar organization settings are
key/value rows of a sheet ``organization`` (header ``key, value``; nested risk caps as
``risk_caps.avg_total`` …), and the lists are sheets of their own: ``goals``,
``capability_gaps``, ``diversification_rules`` and ``criteria_weights`` (``criterion, weight``).

Every reader turns cells into text first, so a folder and a workbook go through exactly the same
parser and validator. Validation collects every problem it finds (up to ``MAX_PROBLEMS``) and
raises one :class:`~alliancekit.errors.DataValidationError`; each
:class:`~alliancekit.errors.Problem` names the file (``candidates.csv`` or
``book.xlsx[candidates]``), the spreadsheet row (header = 1; for ``organization.yaml`` the line
number), the column (or YAML key path, list items counted from 1) and what was expected.
Input files are only ever read.

Modules, one job each: ``columns`` (the column specifications), ``cells`` (text ↔ value),
``readers`` (files → raw text tables), ``organization`` (settings ↔ Organization), ``tables``
(rows → records, frames, entities), ``checks`` (rules across rows and tables, also run by the
review), ``build`` (the pipeline), ``load`` (load/validate/notes), ``write`` (atomic saves),
``samples`` (the bundled samples), ``problems`` (the problem collector).
"""

from typing import Any

from alliancekit.workspace import columns as _columns
from alliancekit.workspace.checks import ReviewTables, check_review_inputs
from alliancekit.workspace.load import load_workspace, validate_workspace, workspace_notes
from alliancekit.workspace.problems import MAX_PROBLEMS
from alliancekit.workspace.samples import (
    DATA_ENV,
    data_dir,
    resolve_workspace_path,
    sample_names,
    sample_workspace,
)
from alliancekit.workspace.write import save_workspace

#: The organization's lists and their item columns (the old private name).
_ORG_LISTS = _columns.ORG_LISTS


def __getattr__(name: str) -> Any:
    """The column specifications (``TABLE_COLUMNS``, ``GOAL_COLS``, ``Col`` …) of ``columns``."""
    if name in _columns.__all__:
        return getattr(_columns, name)
    raise AttributeError(f"module 'alliancekit.workspace' has no attribute {name!r}")


__all__ = [  # the column specifications are forwarded by __getattr__
    "DATA_ENV",
    "MAX_PROBLEMS",
    "ReviewTables",
    "check_review_inputs",
    "data_dir",
    "load_workspace",
    "resolve_workspace_path",
    "sample_names",
    "sample_workspace",
    "save_workspace",
    "validate_workspace",
    "workspace_notes",
    *_columns.__all__,
]
