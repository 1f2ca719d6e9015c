"""Scenarios stored in their workspace: ``scenarios/<name>.yaml`` in a folder, a sheet
``scenarios`` in a workbook; read, listed, saved (atomically, under a lock, with conflict
detection) and deleted.

A workbook's sheet ``scenarios`` has the header ``scenario, key, value``: one row per setting,
the key a dotted path of the text form (``plan.budget_annual``,
``overrides.candidates.B02.cost_annual``) and the value in YAML flow style (``12``,
``[B03, B07]``, ``null``). Every save and delete of a workspace's scenarios holds the lock file
``.<workspace>.lock`` beside the workspace (``workspace_lock``), also taken by
``EditSession.save``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from alliancekit.errors import DataValidationError, Problem
from alliancekit.model import Workspace
from alliancekit.scenarios.model import (
    Scenario,
    ScenarioConflictError,
    ScenarioNotFoundError,
    scenario_from_dict,
    valid_name,
)

__all__ = [
    "SCENARIO_DIR",
    "SCENARIO_SHEET",
    "WorkspaceRef",
    "copy_sample",
    "delete_scenario",
    "list_scenarios",
    "load_scenario",
    "save_scenario",
    "workspace_lock",
    "workspace_path",
]

#: Folder of a folder workspace holding one YAML file per scenario.
SCENARIO_DIR = "scenarios"
#: Sheet of a workbook workspace holding the scenarios.
SCENARIO_SHEET = "scenarios"
_HEADER = ["scenario", "key", "value"]
#: Seconds a save waits for another session's save of the same workspace.
LOCK_TIMEOUT = 30.0

WorkspaceRef = Workspace | str | os.PathLike[str]


def workspace_path(ws: WorkspaceRef) -> Path:
    """The folder or workbook a workspace (or a path to one, or a sample name) was read from.

    Raises
    ------
    DataValidationError
        For an in-memory workspace that has no file (save it with ``save_workspace`` first).
    """
    from alliancekit.workspace import resolve_workspace_path

    if isinstance(ws, Workspace):
        if not ws.source:
            raise DataValidationError.single(
                f"workspace {ws.name!r} has no folder or workbook; save it with "
                "ak.save_workspace(ws, path) and load it from there to keep scenarios",
                column="workspace",
            )
        return Path(ws.source)
    return resolve_workspace_path(ws)


def _is_sample(path: Path) -> str | None:
    """The sample's name when ``path`` is one of the bundled samples (read-only)."""
    from alliancekit.resources import samples_dir

    try:
        bundled = samples_dir().resolve()
        real = path.resolve()
    except OSError:  # pragma: no cover - unreadable paths are reported by the callers
        return None
    return real.name if real.parent == bundled else None


def _writable(path: Path) -> Path:
    """``path`` when the user may write scenarios there; a clear refusal for a bundled sample."""
    sample = _is_sample(path)
    if sample is not None:
        raise DataValidationError.single(
            f"the bundled sample '{sample}' is read-only: copy it to a folder of your own first "
            f"(ak.copy_sample('{sample}', 'my-{sample}') in Python, or copy the folder "
            f"{path}) and save scenarios there",
            file=str(path),
        )
    return path


def copy_sample(name: str, dest: str | os.PathLike[str]) -> Path:
    """Copy a bundled sample workspace to ``dest`` (a new folder, or ending ``.xlsx``).

    Returns
    -------
    Path
        The new workspace, yours to edit and to save scenarios in.

    Raises
    ------
    DataValidationError
        Unknown sample, or ``dest`` exists already.
    """
    from alliancekit.workspace import data_dir, sample_names, sample_workspace, save_workspace

    target = Path(dest).expanduser()
    if target.exists():
        raise DataValidationError.single(
            "cannot copy the sample here: the path exists already", file=str(target)
        )
    if target.suffix.lower() == ".xlsx":
        return save_workspace(sample_workspace(name), target)
    if name not in sample_names():
        sample_workspace(name)  # raises, listing the samples
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(data_dir() / name, target)
    return target


def workspace_lock(path: Path, timeout: float = LOCK_TIMEOUT) -> Any:
    """The lock held while a workspace's files or scenarios are checked and written.

    A file ``.<name>.lock`` beside the workspace (not inside: saving a folder workspace swaps
    the folder).
    """
    from filelock import FileLock

    return FileLock(str(path.parent / f".{path.name}.lock"), timeout=timeout)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    from filelock import Timeout

    try:
        with workspace_lock(path):
            yield
    except Timeout:
        raise ScenarioConflictError(
            f"another session has been saving to {path.name} for {LOCK_TIMEOUT:.0f} s; "
            "try again in a moment"
        ) from None


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- folders ----------------------------------------------------------------------------------
def _scenario_file(folder: Path, name: str) -> Path:
    return folder / SCENARIO_DIR / f"{name}.yaml"


def _read_yaml_file(path: Path) -> Scenario:
    """One scenario file, problems located by line and key path."""
    from alliancekit.workspace.problems import Problems
    from alliancekit.workspace.readers import _read_yaml_text

    label = f"{SCENARIO_DIR}/{path.name}"
    P = Problems()
    text = path.read_text(encoding="utf-8")
    raw = _read_yaml_text(text, label, P)  # syntax, duplicate keys, and each key's line
    P.raise_if_any()
    assert raw is not None
    scenario = scenario_from_dict(yaml.safe_load(text), lambda p: raw.locate(tuple(p)))
    if scenario.name != path.stem:
        file, line, _ = raw.locate(("name",))
        raise DataValidationError(
            Problem(file, line, "name", f"name {scenario.name!r} differs from the file name")
        )
    return scenario


def _folder_scenarios(folder: Path) -> dict[str, Scenario]:
    sub = folder / SCENARIO_DIR
    if not sub.is_dir():
        return {}
    return {p.stem: _read_yaml_file(p) for p in sorted(sub.glob("*.yaml"))}


def _atomic_text(path: Path, text: str) -> None:
    from alliancekit.workspace.write import apply_umask

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        apply_umask(Path(tmp))
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def scenario_yaml(scenario: Scenario) -> str:
    """The YAML text of a scenario file."""
    head = f"# Scenario '{scenario.name}' (alliancekit; docs/scenarios.md)\n"
    return head + yaml.safe_dump(scenario.to_dict(), sort_keys=False, allow_unicode=True, width=100)


# -- workbooks --------------------------------------------------------------------------------
def _flatten(data: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Key paths and leaf values of the text form (lists are leaves)."""
    if isinstance(data, dict) and data:
        out: list[tuple[str, Any]] = []
        for k, v in data.items():
            out += _flatten(v, f"{prefix}.{k}" if prefix else str(k))
        return out
    return [(prefix, data)]


def _flow(value: Any) -> str:
    """A value as one line of YAML flow text (``12``, ``[B03, B07]``, ``null``, ``{}``)."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6)
    return text.strip().removesuffix("\n...").strip()


def _unflatten(rows: list[tuple[int, str, Any]]) -> tuple[dict, dict[tuple, int]]:
    """The text form from key-path rows, and the sheet row of each key path."""
    root: dict[str, Any] = {}
    where: dict[tuple, int] = {}
    for row, key, value in rows:
        parts = tuple(key.split("."))
        if parts[:2] == ("overrides", "organization") and len(parts) > 3:
            parts = (*parts[:2], ".".join(parts[2:]))  # their own dotted keys: risk_caps.x
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
        for n in range(1, len(parts) + 1):
            where.setdefault(parts[:n], row)
    return root, where


def _sheet_scenarios(path: Path) -> dict[str, Scenario]:
    """Every scenario in a workbook's ``scenarios`` sheet, problems naming sheet, row, column."""
    import openpyxl

    from alliancekit.workspace.cells import csv_untext

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if SCENARIO_SHEET not in book.sheetnames:
            return {}
        rows = [list(r) for r in book[SCENARIO_SHEET].iter_rows(values_only=True)]
    finally:
        book.close()
    label = f"{path.name}[{SCENARIO_SHEET}]"
    if not rows or [str(c).strip() if c is not None else "" for c in rows[0][:3]] != _HEADER:
        raise DataValidationError.single(
            "expected the header scenario, key, value", file=label, row=1
        )
    by_name: dict[str, list[tuple[int, str, Any]]] = {}
    problems: list[Problem] = []
    for n, cells in enumerate(rows[1:], start=2):
        cells = (cells + [None] * 3)[:3]
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        name, key, text = (str(c).strip() if c is not None else "" for c in cells)
        text = csv_untext(text)
        try:
            value = yaml.safe_load(text) if text else None
        except yaml.YAMLError:
            problems.append(Problem(label, n, "value", f"cannot read {text!r} as a value"))
            continue
        by_name.setdefault(name, []).append((n, key, value))
    if problems:
        raise DataValidationError(problems)
    out = {}
    for name, items in by_name.items():
        data, where = _unflatten(items)

        def locate(p: tuple, where: dict = where, first: int = items[0][0]) -> tuple:
            for k in range(len(p), 0, -1):
                if tuple(map(str, p[:k])) in where:
                    return label, where[tuple(map(str, p[:k]))], ".".join(map(str, p))
            return label, first, ".".join(map(str, p)) or "key"

        data.setdefault("name", name)
        out[name] = scenario_from_dict(data, locate)
    return out


def _sheet_rows(scenarios: dict[str, Scenario]) -> list[list[str]]:
    rows = []
    for name in sorted(scenarios):
        for key, value in _flatten(scenarios[name].to_dict()):
            if key != "name":
                rows.append([name, key, _flow(value)])
    return rows


def write_scenario_sheet(
    path: Path, scenarios: dict[str, Scenario], into: Path | None = None
) -> None:
    """Rewrite the ``scenarios`` sheet of workbook ``path`` (atomically: a temporary copy
    renamed into place); ``into`` writes the result there instead (used by EditSession)."""
    import openpyxl

    from alliancekit.workspace.cells import csv_text

    book = openpyxl.load_workbook(path)
    if SCENARIO_SHEET in book.sheetnames:
        del book[SCENARIO_SHEET]
    if scenarios:
        sheet = book.create_sheet(SCENARIO_SHEET)
        sheet.append(_HEADER)
        for row in _sheet_rows(scenarios):
            sheet.append([csv_text(c) for c in row])  # text never becomes a formula
    save_book(book, into or path)


def save_book(book: Any, target: Path) -> Path:
    """Save an openpyxl workbook to ``target`` atomically (a temporary file beside it, given
    the umask's permissions, then renamed into place)."""
    from alliancekit.workspace.write import apply_umask

    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp.xlsx", dir=target.parent)
    os.close(fd)
    try:
        book.save(tmp)
        apply_umask(Path(tmp))
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target


# -- the API ----------------------------------------------------------------------------------
def _all(path: Path) -> dict[str, Scenario]:
    if not path.exists():
        raise DataValidationError.single("workspace not found", file=str(path))
    if path.is_dir():
        return _folder_scenarios(path)
    return _sheet_scenarios(path)


def list_scenarios(ws: WorkspaceRef) -> list[Scenario]:
    """Every scenario saved in a workspace, by name.

    Parameters
    ----------
    ws : Workspace, path or sample name

    Raises
    ------
    DataValidationError
        A scenario file or row that is not valid (naming file, line or row, key).
    """
    found = _all(workspace_path(ws))
    return [found[n] for n in sorted(found)]


def load_scenario(ws: WorkspaceRef, name: str) -> Scenario:
    """The scenario ``name`` saved in a workspace.

    Raises
    ------
    ScenarioNotFoundError
        No scenario of that name (the message lists those there are).
    """
    path = workspace_path(ws)
    if path.is_dir() and valid_name(name):
        file = _scenario_file(path, name)
        if file.is_file():
            return _read_yaml_file(file)
        found = _folder_scenarios(path)
    else:
        found = _all(path)
    if name not in found:
        there = ", ".join(sorted(found)) or "none saved yet"
        raise ScenarioNotFoundError(f"no scenario '{name}' in {path.name} (scenarios: {there})")
    return found[name]


def _stored(path: Path, name: str) -> Scenario | None:
    if path.is_dir():
        file = _scenario_file(path, name)
        return _read_yaml_file(file) if file.is_file() else None
    return _sheet_scenarios(path).get(name)


def _check_revision(old: Scenario | None, expected: int, name: str) -> None:
    """Refuse to overwrite a save this session has not seen."""
    current = old.revision if old is not None else 0
    if current == expected:
        return
    if old is None:
        raise ScenarioConflictError(
            f"scenario '{name}' was deleted by another session since you opened it "
            f"(revision {expected}); save it again to keep your version"
        )
    if expected == 0:
        raise ScenarioConflictError(
            f"a scenario named '{name}' exists already (revision {current}, saved "
            f"{old.modified}); open it, or save yours under another name"
        )
    raise ScenarioConflictError(
        f"scenario '{name}' was saved by another session since you opened it (revision "
        f"{current} saved {old.modified}, you opened revision {expected}); reopen it to see "
        "their changes, or save yours under another name"
    )


def save_scenario(
    ws: WorkspaceRef,
    scenario: Scenario,
    *,
    expected_revision: int | None = None,
    overwrite: bool = False,
) -> Scenario:
    """Save a scenario in its workspace; returns it as saved (revision + 1, times set).

    The check and the write hold the workspace's lock; the write is atomic (temporary file,
    then rename), so a reader sees the old or the new scenario, never half of one.

    Parameters
    ----------
    ws : Workspace or path
        A workspace you own (a bundled sample is refused: ``copy_sample`` it first).
    scenario : Scenario
    expected_revision : int, optional
        The revision this session last read (default ``scenario.revision``; 0 for a new one).
    overwrite : bool
        Replace whatever is stored under that name (no conflict check).

    Raises
    ------
    ScenarioConflictError
        Another session saved (or deleted) the scenario since ``expected_revision``, or a new
        scenario's name is taken.
    DataValidationError
        A bundled sample, or a workspace that is not there.
    """
    path = _writable(workspace_path(ws))
    expected = scenario.revision if expected_revision is None else expected_revision
    with _locked(path):
        if path.is_dir():
            old = _stored(path, scenario.name)
        else:
            everything = _all(path)
            old = everything.get(scenario.name)
        if not overwrite:
            _check_revision(old, expected, scenario.name)
        now = _now()
        saved = scenario.replace(
            created=(old.created if old is not None else "") or scenario.created or now,
            modified=now,
            revision=(old.revision if old is not None else 0) + 1,
        )
        if path.is_dir():
            _atomic_text(_scenario_file(path, saved.name), scenario_yaml(saved))
        else:
            everything[saved.name] = saved
            write_scenario_sheet(path, everything)
    return saved


def delete_scenario(ws: WorkspaceRef, name: str, *, expected_revision: int | None = None) -> None:
    """Delete a saved scenario.

    Raises
    ------
    ScenarioNotFoundError
        No scenario of that name.
    ScenarioConflictError
        ``expected_revision`` given and another session saved a newer one.
    """
    path = _writable(workspace_path(ws))
    with _locked(path):
        old = load_scenario(path, name)
        if expected_revision is not None:
            _check_revision(old, expected_revision, name)
        if path.is_dir():
            _scenario_file(path, name).unlink()
        else:
            everything = _all(path)
            everything.pop(name)
            write_scenario_sheet(path, everything)
