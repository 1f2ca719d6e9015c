"""Loading and validating: ``load_workspace``, ``validate_workspace``, ``workspace_notes``.

A folder, a workbook and an in-memory ``Workspace`` (written out as text first, exactly as
``save_workspace`` would) all go through ``build.parse_workspace``: the same parser, the same
checks, the same located problems.
"""

from __future__ import annotations

import os

from alliancekit.errors import Problem
from alliancekit.model import Workspace
from alliancekit.workspace.build import parse_workspace
from alliancekit.workspace.cells import fmt
from alliancekit.workspace.organization import org_dict
from alliancekit.workspace.problems import Problems
from alliancekit.workspace.readers import RawOrg, RawTable, path_text, read_folder, read_workbook
from alliancekit.workspace.samples import resolve_workspace_path
from alliancekit.workspace.write import tables_of

__all__ = ["load_workspace", "validate_workspace", "workspace_notes"]


def _load(path: str | os.PathLike[str], P: Problems) -> Workspace | None:
    p = resolve_workspace_path(path)
    if not p.exists():
        aside = sorted(p.parent.glob(f".{p.name}.old-*")) if p.name else []
        hint = (
            f"; a save was interrupted and left it as {aside[-1].name}: rename that folder back "
            f"to {p.name}"
            if aside
            else ""
        )
        P.add(
            str(path),
            None,
            None,
            "workspace not found; expected a folder with organization.yaml and CSV files, "
            f"or an .xlsx workbook{hint}",
        )
        return None
    if p.is_dir():
        org, tables = read_folder(p, P)
        return parse_workspace(p.resolve().name, str(p), org, tables, P)
    if p.suffix.lower() == ".xlsx":
        org, tables = read_workbook(p, P)
        return parse_workspace(p.stem, str(p), org, tables, P)
    P.add(
        p.name,
        None,
        None,
        "not a workspace; expected a folder (organization.yaml + CSV files) or an .xlsx workbook",
    )
    return None


def load_workspace(path: str | os.PathLike[str]) -> Workspace:
    """Load and validate a workspace folder (CSV + YAML) or ``.xlsx`` workbook.

    Parameters
    ----------
    path : str or PathLike
        Folder holding ``organization.yaml`` and the CSV tables, or a path ending ``.xlsx``.
        A bare sample name such as ``"greenscape"`` that is not an existing path loads the
        bundled sample.

    Returns
    -------
    Workspace
        Named after the folder or the workbook's stem; conflicts made symmetric; optional values
        filled with their documented defaults.

    Raises
    ------
    DataValidationError
        With every problem found (up to ``MAX_PROBLEMS``), each naming file, row and column.
    """
    P = Problems()
    ws = _load(path, P)
    P.raise_if_any()
    assert ws is not None
    return ws


def _raw_from_workspace(ws: Workspace) -> tuple[RawOrg, dict[str, RawTable | None]]:
    """The text ``save_workspace`` would write, as raw tables named after the tables."""
    org = RawOrg(org_dict(ws.organization), lambda path: ("organization", None, path_text(path)))
    tables: dict[str, RawTable | None] = {}
    for name, (header, rows) in tables_of(ws).items():
        text_rows = [(i, [fmt(v) for v in row]) for i, row in enumerate(rows, start=2)]
        tables[name] = RawTable(name, header, text_rows)
    return org, tables


def _check(path_or_ws: str | os.PathLike[str] | Workspace) -> Problems:
    P = Problems()
    if isinstance(path_or_ws, Workspace):
        org_raw, tables = _raw_from_workspace(path_or_ws)
        parse_workspace(path_or_ws.name, path_or_ws.source, org_raw, tables, P)
    else:
        _load(path_or_ws, P)
    return P


def validate_workspace(path_or_ws: str | os.PathLike[str] | Workspace) -> list[Problem]:
    """Every problem in a workspace (path or in-memory ``Workspace``); empty when it is valid.

    Runs every check any command makes of the workspace's data (``alliancekit validate``): the
    cell rules of each column, and the checks across rows and tables that
    ``review_alliances`` also runs (``checks.check_review_inputs``). An in-memory workspace is
    checked by the same rules as files; its problems name the table (``candidates``) and the row
    as it would be written (header = 1).
    """
    return list(_check(path_or_ws).items)


def workspace_notes(path_or_ws: str | os.PathLike[str] | Workspace) -> list[Problem]:
    """Remarks on a workspace that loads: things that are valid but worth a look.

    Unknown columns ignored in ``candidates.csv``/``alliances.csv`` (with a "did you mean"),
    conflicts given one way only (applied both ways), ``partner_benefit_share`` outside 0.2–0.8
    (docs/method.md §4 mutual-benefit screen), and active alliances without KPI rows.
    """
    return list(_check(path_or_ws).notes)
