"""Publishing a report safely: temporary folder → atomic rename, failed notebooks kept aside,
``summary.csv`` and the decision log derived from ``results.json``.

A run writes into a hidden temporary folder under ``<out_dir>/<workspace>/`` and renames it
into place only after every file is written; the previous report of the period is moved aside
first and deleted only once the new one is in place.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alliancekit.model import is_period, period_key
from alliancekit.reporting.files import read_csv, write_csv

__all__ = [
    "DECISION_LOG_COLUMNS",
    "SUMMARY_COLUMNS",
    "keep_failed",
    "new_temp_folder",
    "period_sort_key",
    "publish",
    "recover",
    "upsert_decisions",
    "write_summary",
]

#: Columns of ``summary.csv`` (review table columns, in this order, when present).
SUMMARY_COLUMNS = (
    "alliance_id",
    "partner_name",
    "H",
    "A_W",
    "trend",
    "VRR",
    "decision",
    "rules_fired",
    "rationale",
)
#: Columns of the decision log ``decisions.csv``.
DECISION_LOG_COLUMNS = (
    "period",
    "alliance_id",
    "partner_name",
    "decision",
    "H",
    "A_W",
    "trend",
    "rules_fired",
    "rationale",
    "report",
    "generated_at",
)


def period_sort_key(period: str) -> tuple[int, int]:
    """(year, quarter) of a ``YYYY-Qn`` folder or log entry; anything else sorts first."""
    return period_key(period) if is_period(period) else (0, 0)


def recover(ws_root: Path, period: str) -> Path | None:
    """Put right what a run killed while publishing ``period`` left; the folder restored, if any.

    ``publish`` renames the old report aside (``.old-<period>-*``) before renaming the new one
    into place. A run killed between the two renames leaves no ``<period>`` folder: the report
    set aside is then renamed back (never deleted: it is the only copy). With ``<period>``
    present, reports set aside are stale; temporary folders (``.tmp-<period>-*``) never hold
    the only copy. Only call it holding the period's lock: then no live run owns the leftovers.
    """
    final = ws_root / period
    aside = sorted(ws_root.glob(f".old-{period}-*"), key=lambda p: p.stat().st_mtime)
    restored = None
    if aside and not final.exists():
        os.replace(aside.pop(), final)
        restored = final
    for stale in [*aside, *ws_root.glob(f".tmp-{period}-*")]:
        shutil.rmtree(stale, ignore_errors=True)
    return restored


def new_temp_folder(ws_root: Path, period: str) -> Path:
    """A fresh hidden folder for one run of ``period``, after ``recover`` put right what a
    killed run left.

    Only call it holding the period's lock: then no live run owns the leftovers.
    """
    recover(ws_root, period)
    tmp = ws_root / f".tmp-{period}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    return tmp


def keep_failed(executed: Path, ws_root: Path, period: str) -> Path | None:
    """Move a failed, partially executed notebook to ``_failed/<period>-<timestamp>.ipynb``."""
    if not executed.exists():
        return None
    failed = ws_root / "_failed"
    failed.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = failed / f"{period}-{stamp}.ipynb"
    n = 1
    while target.exists():
        n += 1
        target = failed / f"{period}-{stamp}-{n}.ipynb"
    shutil.move(str(executed), str(target))
    return target


def publish(tmp: Path, final: Path) -> None:
    """Move the finished temp folder into place, replacing an older report of the period.

    The old folder is first renamed aside and deleted only after the new one is in place, so
    at every moment either the old or the new complete report exists on disk, apart from the
    instant between the two renames (under the period lock): a process killed there leaves the
    old report as ``.old-<period>-*``, and the next run of the period restores it (``recover``).
    """
    aside = None
    if final.exists():
        aside = final.with_name(f".old-{final.name}-{uuid.uuid4().hex[:8]}")
        os.replace(final, aside)
    try:
        os.replace(tmp, final)
    except BaseException:
        if aside is not None and not final.exists():
            os.replace(aside, final)
        raise
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


def write_summary(path: Path, rows: Sequence[Mapping[str, Any]]) -> None:
    """``summary.csv``: one row per alliance (health, decision, rationale)."""
    write_csv(path, SUMMARY_COLUMNS, rows)


def upsert_decisions(
    log: Path, period: str, rows: Sequence[Mapping[str, Any]], report: str, generated: str
) -> None:
    """Replace the log's rows for ``period`` by ``rows`` (never duplicates), sorted by period."""
    kept: list[dict[str, Any]] = []
    if log.is_file():
        kept = [r for r in read_csv(log) if r.get("period") != period]
    new = [{**r, "period": period, "report": report, "generated_at": generated} for r in rows]
    merged = kept + new
    merged.sort(
        key=lambda r: (period_sort_key(str(r.get("period", ""))), str(r.get("alliance_id")))
    )
    write_csv(log, DECISION_LOG_COLUMNS, merged)
