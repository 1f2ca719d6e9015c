"""Writing: ``save_workspace`` to a folder (CSV + YAML) or an ``.xlsx`` workbook, atomically.

``tables_of`` is the one serialisation of a workspace's tables (header and rows of values, Enums
by value and ``None`` blank), shared by the writers and by the in-memory validation, so what is
validated is exactly what would be written.
"""

from __future__ import annotations

import csv
import math
import os
import shutil
import tempfile
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from alliancekit.errors import DataValidationError
from alliancekit.model import Workspace
from alliancekit.workspace.cells import csv_text, fmt
from alliancekit.workspace.columns import (
    ALLIANCE_COLS,
    CANDIDATE_COLS,
    GAP_COLS,
    GOAL_COLS,
    HISTORY_TABLES,
    OPTIONAL_TABLES,
    ORG_FILE,
    RULE_COLS,
    TABLE_COLUMNS,
    TABLES,
    Col,
)
from alliancekit.workspace.organization import org_dict, plain

__all__ = ["apply_umask", "restore_interrupted", "save_workspace", "tables_of"]

Rows = list[list[Any]]


def _entity_rows(items: tuple, cols: tuple[Col, ...]) -> Rows:
    return [[getattr(item, c.name) for c in cols] for item in items]


def _frame_rows(frame: pd.DataFrame, cols: tuple[Col, ...]) -> tuple[list[str], Rows]:
    names = [c.name for c in cols]
    extra = [str(h) for h in frame.columns if str(h) not in names]
    header = names + extra
    rows: Rows = []
    if frame is None or frame.empty:
        return header, rows
    for rec in frame.to_dict("records"):
        row = []
        for h in header:
            v = rec.get(h)
            if isinstance(v, float) and math.isnan(v):
                v = None
            row.append(v.item() if hasattr(v, "item") else v)
        rows.append(row)
    return header, rows


def tables_of(ws: Workspace) -> dict[str, tuple[list[str], Rows]]:
    """Header and rows of values of every table of ``ws``, in the order they are written."""
    out: dict[str, tuple[list[str], Rows]] = {
        "candidates": (
            [c.name for c in CANDIDATE_COLS],
            _entity_rows(ws.candidates, CANDIDATE_COLS),
        ),
        "alliances": ([c.name for c in ALLIANCE_COLS], _entity_rows(ws.alliances, ALLIANCE_COLS)),
    }
    for name in HISTORY_TABLES:
        frame = getattr(ws, name)
        if name in OPTIONAL_TABLES and (frame is None or not len(frame)):
            continue  # a workspace without actions is written as before: no actions file
        out[name] = _frame_rows(frame, TABLE_COLUMNS[name])
    return out


# -- folders ----------------------------------------------------------------------------------
def _write_csv(path: Path, header: list[str], rows: Rows) -> None:
    """Values as ``fmt`` writes them; text that a spreadsheet would run as a formula protected
    (``cells.csv_text``; the reader removes the protection again)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        # csv quotes a cell holding the line terminator ("\n") but not a carriage return,
        # which readers take for a line break: rows with one are written fully quoted
        quoted = csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_ALL)
        writer.writerow(header)
        for row in rows:
            cells = [csv_text(v) if isinstance(v, str) else fmt(v) for v in row]
            (quoted if any("\r" in c for c in cells) else writer).writerow(cells)


def _write_folder_contents(ws: Workspace, folder: Path) -> None:
    text = yaml.safe_dump(org_dict(ws.organization), sort_keys=False, allow_unicode=True, width=100)
    (folder / ORG_FILE).write_text(text, encoding="utf-8")
    for name, (header, rows) in tables_of(ws).items():
        _write_csv(folder / f"{name}.csv", header, rows)


# -- workbooks --------------------------------------------------------------------------------
def _cell(value: Any) -> Any:
    """Workbook cell value: numbers stay numbers, lists/maps become their CSV text."""
    if value is None:
        return None
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return None
        if isinstance(value, float) and float(f"{value:.16g}") != value:
            # openpyxl writes 16 significant digits; keep the exact value as text instead
            return repr(value)
        return plain(value)
    if isinstance(value, (Mapping, tuple, list)):
        return fmt(value) or None
    return str(value) or None


def _write_sheet(book: Any, title: str, header: list[str], rows: Rows) -> None:
    from openpyxl.cell import WriteOnlyCell

    sheet = book.create_sheet(title)
    sheet.append(header)
    for row in rows:
        out = []
        for value in row:
            v = _cell(value)
            if isinstance(v, str) and v.startswith("="):
                cell = WriteOnlyCell(sheet, value=v)
                cell.data_type = "s"  # never a formula, even when the text starts with '='
                out.append(cell)
            else:
                out.append(v)
        sheet.append(out)


def _write_workbook(ws: Workspace, path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    org = org_dict(ws.organization)
    scalars: Rows = []
    for key, value in org.items():
        if key in ("goals", "capability_gaps", "diversification_rules", "criteria_weights"):
            continue
        if key == "risk_caps":
            scalars += [[f"risk_caps.{k}", v] for k, v in value.items()]
        elif key == "roadmap":  # lists as "30;35", mappings one row per entry
            for k, v in value.items():
                pairs = v.items() if isinstance(v, Mapping) else [(None, v)]
                scalars += [[".".join(map(str, filter(None, (key, k, m)))), w] for m, w in pairs]
        else:
            scalars.append([key, value])
    _write_sheet(book, "organization", ["key", "value"], scalars)
    for sheet, cols in (
        ("goals", GOAL_COLS),
        ("capability_gaps", GAP_COLS),
        ("diversification_rules", RULE_COLS),  # absent from org when there are no rules
    ):
        names = [c.name for c in cols]
        _write_sheet(book, sheet, names, [[r.get(n) for n in names] for r in org.get(sheet, [])])
    if "criteria_weights" in org:
        weights = [[k, v] for k, v in org["criteria_weights"].items()]
        _write_sheet(book, "criteria_weights", ["criterion", "weight"], weights)
    for name, (header, rows) in tables_of(ws).items():
        _write_sheet(book, name, header, rows)
    book.save(path)


# -- atomic saves -----------------------------------------------------------------------------
_WORKSPACE_FILES = {ORG_FILE, *(f"{t}.csv" for t in TABLES)}


def _umask() -> int:
    """The process's umask (read from /proc where it can be, so no thread sees it changed)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # pragma: no cover - no /proc
    os.umask(mask)  # pragma: no cover
    return mask  # pragma: no cover


def apply_umask(path: Path) -> None:
    """Give ``path`` (and, for a folder, everything in it) the permissions a plain ``open`` or
    ``mkdir`` would: files 0666 and folders 0777 less the umask.

    ``tempfile`` creates private 0600 files and 0700 folders; renamed into place unchanged, a
    saved workspace could not be read by the other accounts (a cron job) that the user's
    umask lets read everything else they write.
    """
    mask = _umask()
    if path.is_dir():
        os.chmod(path, 0o777 & ~mask)
        for item in path.rglob("*"):
            if not item.is_symlink():
                os.chmod(item, (0o777 if item.is_dir() else 0o666) & ~mask)
    else:
        os.chmod(path, 0o666 & ~mask)


def _save_workbook(ws: Workspace, target: Path) -> None:
    """Write to a temporary workbook next to ``target``, then rename it into place."""
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp.xlsx", dir=target.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        _write_workbook(ws, tmp)
        apply_umask(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _refuse_foreign(target: Path) -> None:
    """A file, or a non-empty folder that is not a workspace, is never overwritten."""
    if target.exists() and not target.is_dir():
        raise DataValidationError.single(
            "cannot save a workspace folder here: a file of that name exists", file=str(target)
        )
    if target.is_dir():
        present = {p.name for p in target.iterdir()}
        if present and ORG_FILE not in present:
            raise DataValidationError.single(
                "refusing to overwrite a folder that is not a workspace (no organization.yaml); "
                "choose an empty or new folder",
                file=str(target),
            )


def _keep_other_files(target: Path, tmp_dir: Path) -> None:
    for item in target.iterdir():
        if item.name not in _WORKSPACE_FILES:
            dest = tmp_dir / item.name
            if item.is_dir():
                shutil.copytree(item, dest)
            else:
                shutil.copy2(item, dest)


def restore_interrupted(target: Path) -> Path | None:
    """Put back the workspace folder a save interrupted between its two renames left aside.

    ``_save_folder`` moves the old folder to ``.NAME.old-PID`` before renaming the new one into
    place; a process killed between the two leaves no ``NAME`` at all. The newest such folder is
    renamed back (and returned); with ``NAME`` present, the leftovers are stale and removed.
    """
    leftovers = sorted(target.parent.glob(f".{target.name}.old-*"), key=lambda p: p.stat().st_mtime)
    restored = None
    if leftovers and not target.exists():
        restored = leftovers.pop()
        os.replace(restored, target)
    for stale in leftovers:
        shutil.rmtree(stale, ignore_errors=True)
    return restored


def _save_folder(ws: Workspace, target: Path) -> None:
    """Write a temporary folder next to ``target`` and swap it in (the old one kept until then)."""
    restore_interrupted(target)
    _refuse_foreign(target)
    tmp_dir = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    old: Path | None = None
    try:
        _write_folder_contents(ws, tmp_dir)
        apply_umask(tmp_dir)  # before the user's other files are copied in with their modes
        if target.is_dir():
            _keep_other_files(target, tmp_dir)
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.replace(target, old)
        os.replace(tmp_dir, target)
    except BaseException:
        if old is not None and old.exists() and not target.exists():
            os.replace(old, target)
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def save_workspace(ws: Workspace, path: str | os.PathLike[str]) -> Path:
    """Write a workspace to a folder or to a path ending ``.xlsx``; returns the path written.

    Everything is written to a temporary file or folder next to the target, which is then
    renamed into place, so a failed write never leaves a half-written workspace. A workbook is
    replaced by one atomic rename; an existing folder by two (the old one is moved aside as
    ``.NAME.old-PID``, restored if the second rename fails, and deleted after it succeeds).
    Other files in an existing workspace folder are kept; an existing folder that is not a
    workspace and not empty is refused; a folder an interrupted save left aside is restored
    first. Files get the permissions the umask gives (0666 and 0777 less the umask), like any
    file the user writes. ``load_workspace(save_workspace(ws, p))`` reproduces
    ``ws`` exactly (organization, candidates, alliances and every table; Enum fields by value,
    ``None`` blank).

    Parameters
    ----------
    ws : Workspace
        The workspace to write (money in its organization's currency and unit).
    path : str or PathLike
        Target folder (created with its parents), or a path ending ``.xlsx``.

    Returns
    -------
    Path
        The folder or workbook written.

    Raises
    ------
    DataValidationError
        When ``path`` is an existing file (folder target) or a non-empty non-workspace folder.
    """
    target = Path(path).expanduser()
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix.lower() == ".xlsx":
        _save_workbook(ws, target)
    else:
        _save_folder(ws, target)
    return target
