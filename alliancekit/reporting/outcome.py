"""What a report run returns: ``ReportRun`` (one published report) and ``ReportBatch``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from alliancekit.errors import AllianceKitError
from alliancekit.model import Decision
from alliancekit.results import Result

__all__ = ["ReportBatch", "ReportRun", "decision_order"]


def decision_order(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """Decision counts GROW, MAINTAIN, RESTRUCTURE, EXIT first (best outcome first), then others."""
    rank = {d.value: -d.rank for d in Decision}
    return sorted(counts.items(), key=lambda kv: (rank.get(kv[0], 1), kv[0]))


@dataclass(frozen=True)
class ReportRun(Result):
    """One published review report.

    Attributes
    ----------
    workspace : str
        Workspace name (the folder name under ``out_dir``).
    workspace_path : Path
        Workspace folder or workbook the report was built from.
    period : str
        Reviewed period ``YYYY-Qn`` (``"latest"`` already resolved).
    previous_period : str or None
        Period the "changes since the previous report" section compares against.
    folder : Path
        ``<out_dir>/<workspace>/<period>/``.
    html, notebook, results_json, summary_csv : Path
        ``review.html``, ``review.ipynb``, ``results.json``, ``summary.csv`` in ``folder``.
    decision_log : Path
        ``<out_dir>/<workspace>/decisions.csv``.
    index : Path
        ``<out_dir>/index.html``.
    decisions : dict
        alliance_id -> decision value (``"GROW"``, ``"MAINTAIN"``, ``"RESTRUCTURE"``, ``"EXIT"``).
    generated_at : str
        UTC time the run finished (ISO 8601).
    duration_s : float
        Wall time of the whole run [s].
    brief : Path or None
        ``brief.html`` in ``folder``: the one-page executive brief.
    pdfs : tuple of Path
        ``review.pdf`` and ``brief.pdf`` in ``folder`` (``--pdf``), else empty.
    actions_recorded : int or None
        New actions appended to the workspace's actions table (``--record-actions``), else None.
    """

    workspace: str
    workspace_path: Path
    period: str
    previous_period: str | None
    folder: Path
    html: Path
    notebook: Path
    results_json: Path
    summary_csv: Path
    decision_log: Path
    index: Path
    decisions: dict[str, str] = field(default_factory=dict)
    generated_at: str = ""
    duration_s: float = 0.0
    brief: Path | None = None
    pdfs: tuple[Path, ...] = ()
    actions_recorded: int | None = None

    title = "Review report"

    def to_frame(self) -> pd.DataFrame:
        """One row per alliance: its decision."""
        frame = pd.DataFrame(
            {"decision": pd.Series(self.decisions, dtype="object")}, columns=["decision"]
        )
        frame.index.name = "alliance_id"
        return frame

    def summary(self) -> str:
        """Where the report went and the decision counts."""
        counts: dict[str, int] = {}
        for value in self.decisions.values():
            counts[value] = counts.get(value, 0) + 1
        tally = ", ".join(f"{n} {d}" for d, n in decision_order(counts)) or "no alliances"
        pdf = f"; PDF: {', '.join(p.name for p in self.pdfs)}" if self.pdfs else ""
        if self.actions_recorded is not None:
            pdf += f"; {self.actions_recorded} new action(s) recorded in the workspace"
        return (
            f"{self.workspace} {self.period}: {self.html} ({tally}; {self.duration_s:.1f} s{pdf})"
        )


def _failures_json(failures: tuple[tuple[str, AllianceKitError], ...]) -> list[dict]:
    """Each failure as the error describes itself (``to_dict``), with its workspace."""
    return [{"workspace": path, **err.to_dict()} for path, err in failures]


@dataclass(frozen=True)
class ReportBatch(Result):
    """Outcome of ``run_reports``: the reports published and the runs that failed.

    Attributes
    ----------
    runs : tuple of ReportRun
        Successful runs, in the order the workspaces were given.
    failures : tuple of (str, AllianceKitError)
        (workspace path, error) for each failed run, in the order given.
    jobs : int
        Number of parallel worker processes used.
    duration_s : float
        Wall time of the whole batch [s].
    """

    runs: tuple[ReportRun, ...]
    failures: tuple[tuple[str, AllianceKitError], ...] = field(
        default=(), metadata={"to_json": _failures_json}
    )
    jobs: int = 1
    duration_s: float = 0.0

    title = "Review reports"

    @property
    def ok(self) -> bool:
        """True when every report was published."""
        return not self.failures

    def to_frame(self) -> pd.DataFrame:
        """One row per workspace: period, status, html path or error."""
        rows = [
            {
                "workspace": r.workspace,
                "period": r.period,
                "status": "ok",
                "detail": str(r.html),
                "duration_s": r.duration_s,
            }
            for r in self.runs
        ]
        rows += [
            {
                "workspace": path,
                "period": getattr(err, "extra", {}).get("period", ""),
                "status": "failed",
                "detail": str(err),
                "duration_s": float("nan"),
            }
            for path, err in self.failures
        ]
        return pd.DataFrame(rows, columns=["workspace", "period", "status", "detail", "duration_s"])

    def summary(self) -> str:
        """One line per report and failure."""
        lines = [r.summary() for r in self.runs]
        lines += [f"FAILED {path}: {err}" for path, err in self.failures]
        lines.append(f"{len(self.runs)} ok, {len(self.failures)} failed in {self.duration_s:.1f} s")
        return "\n".join(lines)
