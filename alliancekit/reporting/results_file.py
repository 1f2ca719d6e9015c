"""``results.json``: written by the report notebook (``save_results``), read back by the runner.

One source for the numbers: the notebook displays the review and portfolio result objects and
saves the *same objects* here; ``summary.csv`` and the decision log are derived from this file
only (``saved_review_rows``), so HTML, JSON and CSV cannot disagree.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from alliancekit.errors import ReportError
from alliancekit.model import Workspace
from alliancekit.reporting.files import atomic_write_text, utc_now
from alliancekit.results import jsonable

__all__ = ["RESULTS_SCHEMA", "save_results", "saved_review_rows"]

RESULTS_SCHEMA = "alliancekit.report-results/1"


def save_results(path: str | os.PathLike[str] | None, **results: Any) -> Path | None:
    """Save result objects as JSON (``results.json`` of a report).

    Called from the report notebook with the very objects it displays, so the numbers in the
    HTML and in ``results.json`` come from the same objects. Each value is stored as its
    ``to_dict()`` when it has one, else converted with ``alliancekit.results.jsonable``.

    Parameters
    ----------
    path : path or None
        Target file. ``None`` or ``""`` saves nothing (interactive use of the notebook).
    **results
        name -> result object (``review=...``, ``plan=...``) or any JSON-able value.
        A ``review`` entry must provide a table with one row per alliance (``alliance_id``,
        ``decision``, ...): the runner derives ``summary.csv`` and the decision log from it.

    Returns
    -------
    Path or None
        The file written (atomically: temp file + rename), or None when ``path`` is empty.
    """
    if path is None or str(path) == "":
        return None
    from alliancekit import __version__

    payload = {
        "schema": RESULTS_SCHEMA,
        "alliancekit_version": __version__,
        "saved_at": utc_now(),
        "results": {name: _to_jsonable(value) for name, value in results.items()},
    }
    target = Path(path)
    atomic_write_text(target, json.dumps(payload, indent=1, ensure_ascii=False, allow_nan=False))
    return target


def _to_jsonable(value: Any) -> Any:
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict) and not isinstance(value, (pd.DataFrame, pd.Series)):
        return jsonable(to_dict())
    return jsonable(value)


def _saved_review(path: Path) -> Mapping[str, Any] | None:
    """The ``review`` entry of a ``results.json`` the notebook wrote (ReportError if none)."""
    if not path.is_file():
        raise ReportError(
            "the notebook ran but saved no results.json (it must call "
            "alliancekit.reporting.save_results(results_path, review=...))"
        )
    review = json.loads(path.read_text("utf-8")).get("results", {}).get("review")
    return review if isinstance(review, Mapping) else None


def saved_review_rows(path: Path, ws: Workspace, period: str) -> list[dict[str, Any]]:
    """Rows of the review table saved in ``path``, with partner names from the workspace.

    Raises
    ------
    ReportError
        No ``results.json``, no review table with ``alliance_id`` and ``decision`` per row, or
        a review of another period than ``period``.
    """
    review = _saved_review(path)
    table = review.get("table") if review is not None else None
    if not isinstance(table, list) or any(
        not isinstance(r, Mapping) or "alliance_id" not in r or "decision" not in r for r in table
    ):
        raise ReportError("results.json has no review table with alliance_id and decision per row")
    saved_period = review.get("period")
    if saved_period is not None and str(saved_period) != period:
        raise ReportError(
            f"the notebook reviewed period {saved_period}, not the requested {period}"
        )
    names = {a.alliance_id: a.partner_name for a in ws.alliances}
    rows = []
    for rec in table:
        row = dict(rec)
        row.setdefault("partner_name", names.get(str(rec["alliance_id"]), ""))
        rules = row.get("rules_fired")
        if isinstance(rules, (list, tuple)):
            row["rules_fired"] = ";".join(str(r) for r in rules)
        rows.append(row)
    return rows
