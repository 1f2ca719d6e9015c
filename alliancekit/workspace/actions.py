"""Append a review's new actions to a workspace's ``actions`` table (``report --record-actions``).

Only a workspace the user owns is changed: the bundled samples are refused. A folder gets its
``actions.csv`` rewritten through a temporary file and a rename (the other files are not
touched); a workbook is saved whole, atomically (``save_workspace``). An action already in the
table (same alliance, action and due quarter) is not added twice, so re-running a report does
not duplicate its actions.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pandas as pd

from alliancekit.errors import DataValidationError
from alliancekit.workspace.columns import ACTION_COLS
from alliancekit.workspace.load import load_workspace
from alliancekit.workspace.samples import resolve_workspace_path

__all__ = ["ACTION_KEY", "append_actions", "refuse_bundled"]

#: What makes two action rows the same action.
ACTION_KEY = ("alliance_id", "action", "due_period")


def refuse_bundled(path: str | os.PathLike[str]) -> Path:
    """``path`` resolved; a bundled sample (inside the installed package) is refused.

    Raises
    ------
    DataValidationError
        ``path`` is one of the package's sample workspaces (copy it first).
    """
    from alliancekit.resources import samples_dir

    resolved = resolve_workspace_path(path).resolve()
    samples = samples_dir().resolve()
    if resolved == samples or samples in resolved.parents:
        raise DataValidationError.single(
            f"{path} is a bundled sample workspace, which is never changed; copy it first "
            "(e.g. alliancekit new-case or cp -r) and record actions in the copy",
            file=resolved,
            column="actions",
        )
    return resolved


def append_actions(path: str | os.PathLike[str], new: pd.DataFrame) -> int:
    """Append the rows of ``new`` to the workspace's actions table; return how many were added.

    Parameters
    ----------
    path : path
        A workspace folder or ``.xlsx`` workbook the user owns.
    new : DataFrame
        Rows with the columns of the actions table (alliance_id, action, owner, due_period,
        status, closed_on); status defaults to ``open``.

    Raises
    ------
    DataValidationError
        A bundled sample, or a workspace (or resulting table) that does not validate.
    """
    target = refuse_bundled(path)
    ws = load_workspace(target)
    names = [c.name for c in ACTION_COLS]
    old = ws.actions if len(ws.actions) else pd.DataFrame(columns=names)
    rows = new.reindex(columns=names).fillna({"owner": "", "status": "open", "closed_on": ""})
    have = {tuple(str(r[k]) for k in ACTION_KEY) for _, r in old.iterrows()}
    fresh = rows[[tuple(str(r[k]) for k in ACTION_KEY) not in have for _, r in rows.iterrows()]]
    fresh = fresh.drop_duplicates(subset=list(ACTION_KEY))
    if not len(fresh):
        return 0
    table = pd.concat([old.reindex(columns=names), fresh], ignore_index=True)
    updated = dataclasses.replace(ws, actions=table)
    if target.suffix.lower() == ".xlsx":
        from alliancekit.workspace.write import save_workspace

        save_workspace(updated, target)
    else:
        _write_actions_csv(updated, target / "actions.csv")
    load_workspace(target)  # what was written reads back and validates
    return len(fresh)


def _write_actions_csv(ws: object, path: Path) -> None:
    """``actions.csv`` of ``ws`` through a temporary file beside it and a rename."""
    from alliancekit.workspace.write import _write_csv, apply_umask, tables_of

    header, rows = tables_of(ws)["actions"]  # type: ignore[arg-type]
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        _write_csv(tmp, header, rows)
        apply_umask(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
