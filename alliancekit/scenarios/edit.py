"""Editing a workspace's values: checked by the same rules as files, undone, saved or kept.

``apply_changes`` is the one way a change reaches a workspace: the workspace is written out as
text (exactly what ``save_workspace`` would write), the cells are changed, and the text goes
through the same parser and checks as a file (``workspace.build.parse_workspace``). An invalid
change raises a ``DataValidationError`` naming the table, the row id and the column, and the
workspace is left as it was. ``EditSession`` keeps a list of changes with undo and redo, and
either saves them into the workspace's files (with conflict detection against edits saved by
another session) or hands them over as a scenario's overrides.
"""

from __future__ import annotations

import copy
import hashlib
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from alliancekit.errors import DataValidationError, Problem
from alliancekit.model import Workspace
from alliancekit.scenarios.model import ScenarioConflictError

__all__ = ["Edit", "EditSession", "WorkspaceConflictError", "apply_changes", "fingerprint"]

#: Tables whose rows can be edited, and the column holding each row's id.
ROW_IDS = {"candidates": "id", "alliances": "alliance_id"}
ORGANIZATION = "organization"


class WorkspaceConflictError(ScenarioConflictError):
    """The workspace changed on disk since this session opened it; nothing was written."""


@dataclass(frozen=True)
class Edit:
    """One change: ``table`` (``candidates``, ``alliances`` or ``organization``), the row's id
    (None for the organization), the column (for the organization a key path such as
    ``budget_annual`` or ``risk_caps.avg_total``) and the new value (None blanks the cell)."""

    table: str
    row_id: str | None
    column: str
    value: Any


def _text(value: Any) -> str:
    from alliancekit.workspace.cells import fmt

    return value if isinstance(value, str) else fmt(value)


def _set_org(org: dict[str, Any], key: str, value: Any) -> None:
    """Set a key path (``risk_caps.avg_total``) of the organization's settings."""
    parts = key.split(".")
    node = org
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    if value is None:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = value


def apply_changes(ws: Workspace, edits: Iterable[Edit], *, where: str = "") -> Workspace:
    """``ws`` with ``edits`` applied, checked by the rules of ``load_workspace``.

    Parameters
    ----------
    ws : Workspace
    edits : Edit
        Applied in order; an id not in ``candidates`` adds a candidate row.
    where : str
        Prefix of each problem's file (``scenarios/cautious.yaml``: overrides of a scenario).

    Returns
    -------
    Workspace
        A new workspace (``ws`` is never changed), same name and source.

    Raises
    ------
    DataValidationError
        Each problem names the table, the row id and the column.
    """
    from alliancekit.workspace.build import parse_workspace
    from alliancekit.workspace.load import _raw_from_workspace
    from alliancekit.workspace.problems import Problems
    from alliancekit.workspace.readers import RawOrg, path_text

    org_raw, tables = _raw_from_workspace(ws)
    for t in tables.values():
        if t is not None:
            t.label = f"{where}{t.label}"
    org = copy.deepcopy(org_raw.data)
    row_ids: dict[tuple[str, int], str] = {}
    bad: list[Problem] = []
    for e in edits:
        label = f"{where}{e.table}"
        if e.table == ORGANIZATION:
            _set_org(org, e.column, e.value)
            continue
        table = tables.get(e.table)
        if e.table not in ROW_IDS or table is None:
            known = ", ".join([*ROW_IDS, ORGANIZATION])
            bad.append(Problem(label, None, None, f"cannot edit table {e.table!r}; edit {known}"))
            continue
        if e.column not in table.header:
            bad.append(Problem(label, None, e.column, f"{e.row_id}: unknown column"))
            continue
        key = table.header.index(ROW_IDS[e.table])
        rows = [r for r in table.rows if r[1][key] == str(e.row_id)]
        if not rows:
            if e.table != "candidates":
                bad.append(Problem(label, None, e.column, f"no row with id {e.row_id!r}"))
                continue
            cells = [""] * len(table.header)
            cells[key] = str(e.row_id)
            rows = [(len(table.rows) + 2, cells)]
            table.rows.append(rows[0])
        number, cells = rows[0]
        cells[table.header.index(e.column)] = "" if e.value is None else _text(e.value)
        row_ids[(e.table, number)] = str(e.row_id)
    if bad:
        raise DataValidationError(bad)
    P = Problems()
    raw = RawOrg(org, lambda path: (f"{where}{ORGANIZATION}", None, path_text(path)))
    new = parse_workspace(ws.name, ws.source, raw, tables, P)
    if P:
        raise DataValidationError(
            [_located(p, row_ids, where) for p in P.items], truncated=P.truncated
        )
    assert new is not None
    return new


def _located(p: Problem, row_ids: Mapping[tuple[str, int], str], where: str) -> Problem:
    """A problem of the parsed text, naming the row's id as well as its number."""
    table = p.file.removeprefix(where).removesuffix(".csv")
    rid = row_ids.get((table, p.row)) if p.row is not None else None
    message = f"{table} row {rid!r}: {p.message}" if rid else p.message
    return Problem(p.file, p.row, p.column, message)


def fingerprint(path: Path) -> str:
    """SHA-256 of a workspace's data on disk (for a folder: organization.yaml and the tables;
    for a workbook: the loaded values, so saving a scenario into it changes nothing here)."""
    from alliancekit.workspace.columns import ORG_FILE, TABLES

    h = hashlib.sha256()
    if path.is_dir():
        for name in (ORG_FILE, *(f"{t}.csv" for t in TABLES)):
            f = path / name
            h.update(name.encode() + b"\0" + (f.read_bytes() if f.is_file() else b"-") + b"\0")
        return h.hexdigest()
    from alliancekit.workspace import load_workspace
    from alliancekit.workspace.load import _raw_from_workspace

    org, tables = _raw_from_workspace(load_workspace(path))
    h.update(yaml.safe_dump(org.data, sort_keys=True).encode())
    for name, t in sorted(tables.items()):
        h.update(repr((name, t.header if t else None, t.rows if t else None)).encode())
    return h.hexdigest()


class EditSession:
    """Changes to a workspace's values with undo and redo, saved atomically or kept as a
    scenario's overrides.

    Parameters
    ----------
    ws : Workspace, path or sample name
        The workspace to edit; its files' fingerprint is taken now, and ``save`` refuses to
        write over files that changed since.

    Examples
    --------
    >>> s = EditSession("my-workspace")                       # doctest: +SKIP
    >>> s.set("candidates", "B02", "cost_annual", 8)          # doctest: +SKIP
    >>> s.undo(); s.redo(); s.save()                          # doctest: +SKIP
    """

    def __init__(self, ws: Workspace | str | os.PathLike[str]) -> None:
        from alliancekit.scenarios.store import workspace_path
        from alliancekit.workspace import load_workspace

        self.path = workspace_path(ws)
        self.base = ws if isinstance(ws, Workspace) else load_workspace(self.path)
        self.opened = fingerprint(self.path) if self.path.exists() else ""
        self._done: list[Edit] = []
        self._undone: list[Edit] = []
        self._current = self.base

    @property
    def workspace(self) -> Workspace:
        """The workspace with every change so far (checked)."""
        return self._current

    @property
    def edits(self) -> tuple[Edit, ...]:
        """The changes in force, oldest first."""
        return tuple(self._done)

    @property
    def can_undo(self) -> bool:
        """Whether there is a change to undo."""
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        """Whether there is an undone change to redo."""
        return bool(self._undone)

    def set(self, table: str, row_id: str | None, column: str, value: Any) -> Workspace:
        """Change one cell (for the organization: ``row_id`` None, ``column`` a key path).

        Raises
        ------
        DataValidationError
            The change breaks a rule; it names table, row id and column, and nothing changes.
        """
        edit = Edit(table, None if row_id is None else str(row_id), column, value)
        self._current = apply_changes(self.base, [*self._done, edit])
        self._done.append(edit)
        self._undone.clear()
        return self._current

    def add_candidate(self, values: Mapping[str, Any]) -> Workspace:
        """Add a candidate (``values`` by column, ``id`` required), checked as one change."""
        if not values.get("id"):
            raise DataValidationError.single("a new candidate needs an id", file="candidates")
        cid = str(values["id"])
        if cid in self._current.candidate_ids:
            raise DataValidationError.single(
                f"candidate id {cid!r} exists already", file="candidates", column="id"
            )
        new = [Edit("candidates", cid, c, v) for c, v in values.items() if c != "id"]
        self._current = apply_changes(self.base, [*self._done, *new])
        self._done += new
        self._undone.clear()
        return self._current

    def undo(self) -> Workspace:
        """Undo the last change (nothing happens when there is none)."""
        if self._done:
            self._undone.append(self._done.pop())
            self._current = apply_changes(self.base, self._done)
        return self._current

    def redo(self) -> Workspace:
        """Redo the last undone change (nothing happens when there is none)."""
        if self._undone:
            self._done.append(self._undone.pop())
            self._current = apply_changes(self.base, self._done)
        return self._current

    def as_overrides(self) -> dict[str, dict[str, Any]]:
        """The changes as a scenario's overrides: ``{"organization": {key: value},
        "candidates": {id: {column: value}}}`` (later changes of a cell win)."""
        org: dict[str, Any] = {}
        cands: dict[str, dict[str, Any]] = {}
        for e in self._done:
            if e.table == ORGANIZATION:
                org[e.column] = e.value
            elif e.table == "candidates":
                cands.setdefault(str(e.row_id), {})[e.column] = e.value
            else:
                raise DataValidationError.single(
                    "only candidate and organization values can be kept in a scenario; save "
                    "edits of other tables to the workspace",
                    file=e.table,
                    column=e.column,
                )
        return {"organization": org, "candidates": cands}

    def save(self) -> Path:
        """Write the edited workspace over its files, atomically, and start afresh from it.

        Raises
        ------
        WorkspaceConflictError
            The files changed on disk since the session opened (another session saved);
            nothing is written.
        DataValidationError
            A bundled sample (copy it first with ``copy_sample``).
        """
        from alliancekit.scenarios.store import _locked, _writable
        from alliancekit.workspace import save_workspace

        path = _writable(self.path)
        with _locked(path):
            now = fingerprint(path) if path.exists() else ""
            if now != self.opened:
                raise WorkspaceConflictError(
                    f"{path.name} was changed by another session since you opened it; your "
                    "edits were not saved. Reopen the workspace and make them again, or keep "
                    "them as a scenario (they stay in this session)"
                )
            if path.is_dir() or not path.exists():
                save_workspace(self._current, path)
            else:
                _save_workbook_keeping_scenarios(self._current, path)
            self.opened = fingerprint(path)
        self.base = self._current
        self._done.clear()
        self._undone.clear()
        return path


def _save_workbook_keeping_scenarios(ws: Workspace, path: Path) -> None:
    """Save a workbook workspace, carrying its ``scenarios`` sheet over, by one rename."""
    from alliancekit.scenarios.store import _sheet_scenarios, write_scenario_sheet
    from alliancekit.workspace import save_workspace

    scenarios = _sheet_scenarios(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".edit.xlsx", dir=path.parent)
    os.close(fd)
    try:
        save_workspace(ws, tmp)
        write_scenario_sheet(Path(tmp), scenarios, into=path)
    finally:
        Path(tmp).unlink(missing_ok=True)
