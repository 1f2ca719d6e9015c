"""Run one review report, stage by stage: prepare, execute, collect, render, publish, log.

1. *prepare*: load the workspace and resolve the period (``latest``) and the comparison period;
2. *execute* the report notebook with papermill into a hidden temporary folder, under the
   period's lock;
3. *collect* the review table the notebook saved in ``results.json``;
4. *render* ``review.html`` and ``summary.csv`` from them;
5. *publish*: rename the folder into place (a failure before this keeps the failed notebook
   and leaves the previous report untouched);
6. *log* the decisions in ``decisions.csv`` and refresh ``index.html``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any

from alliancekit.errors import DataValidationError, ReportError
from alliancekit.model import Workspace, is_period, parse_period, period_key
from alliancekit.reporting.execute import execute_notebook
from alliancekit.reporting.files import atomic_write_text, safe_name, utc_now
from alliancekit.reporting.index import refresh_index
from alliancekit.reporting.locks import exclusive_lock
from alliancekit.reporting.outcome import ReportRun
from alliancekit.reporting.page import notebook_to_html
from alliancekit.reporting.publish import (
    keep_failed,
    new_temp_folder,
    publish,
    upsert_decisions,
    write_summary,
)
from alliancekit.reporting.results_file import saved_review_rows
from alliancekit.results import jsonable

__all__ = [
    "SOURCE_FILE",
    "claim_folder",
    "default_notebook",
    "policy_overrides",
    "report_folder_name",
    "run_report",
]

#: In ``<out_dir>/<workspace>/``: the workspace whose reports the folder holds (its full path).
SOURCE_FILE = ".workspace-source"


def default_notebook() -> Path:
    """The review report notebook that ships with the package (``03_review_report.ipynb``)."""
    from alliancekit.resources import notebook_path

    return notebook_path("report")


def _notebook(notebook: str | os.PathLike[str] | None) -> Path:
    """``notebook``, or the package's default looked up at call time (so it can be replaced)."""
    if notebook is not None:
        return Path(notebook)
    from alliancekit import reporting

    return reporting.default_notebook()


def policy_overrides(policy: Mapping[str, Any] | Any | None) -> dict[str, Any]:
    """Policy overrides as a dict of JSON literals (papermill injects them as Python literals).

    Raises
    ------
    DataValidationError
        When ``policy`` is neither a mapping nor a dataclass such as ``ReviewPolicy``.
    """
    if policy is None:
        return {}
    if is_dataclass(policy) and not isinstance(policy, type):
        policy = {f.name: getattr(policy, f.name) for f in fields(policy)}
    if not isinstance(policy, Mapping):
        raise DataValidationError.single(
            f"policy must be a mapping or a ReviewPolicy, not {type(policy).__name__}",
            column="policy",
        )
    return {str(k): jsonable(v) for k, v in policy.items()}


def _quarter(text: str, what: str, file: Path, also: str = "") -> str:
    """``text`` as a canonical ``YYYY-Qn`` (DataValidationError naming ``what`` if it is not)."""
    if not is_period(text):
        raise DataValidationError.single(
            f"{what} must be YYYY-Qn{also}, got {str(text).strip().upper()!r}",
            file=file,
            column=what.replace(" ", "_"),
        )
    return parse_period(text)


def _resolve_periods(
    ws: Workspace, period: str, previous: str | None, ws_path: Path
) -> tuple[str, str | None]:
    """The reviewed period (``latest`` resolved) and the one to compare with.

    Raises
    ------
    DataValidationError
        A period that is not a quarter, one without KPI data, or a comparison not before it.
    """
    periods = list(ws.periods())
    if str(period).strip().lower() == "latest":
        latest = ws.latest_period()
        if latest is None:
            raise DataValidationError.single(
                "no KPI data, so there is no 'latest' period", file=ws_path
            )
        period = latest
    period = _quarter(period, "period", ws_path, also=" or 'latest'")
    if period not in periods:
        known = ", ".join(periods[-6:]) or "none"
        raise DataValidationError.single(
            f"no KPI data for period {period} (latest periods: {known})", file=ws_path
        )
    if previous is None:
        earlier = [p for p in periods if period_key(p) < period_key(period)]
        return period, (earlier[-1] if earlier else None)
    previous = _quarter(previous, "previous period", ws_path)
    if period_key(previous) >= period_key(period):
        raise DataValidationError.single(
            f"previous period {previous} is not before {period}", file=ws_path
        )
    return period, previous


@dataclass(frozen=True)
class _Job:
    """What one run reports on and where it publishes (the *prepare* stage's result)."""

    ws: Workspace
    ws_path: Path
    name: str  # folder name of the workspace under ``out_root``
    period: str
    previous_period: str | None
    notebook: Path
    out_root: Path
    scenario: str | None = None  # a scenario saved in the workspace (issue 16)

    @property
    def ws_root(self) -> Path:
        """``<out_dir>/<workspace>/``."""
        return self.out_root / self.name

    @property
    def folder(self) -> Path:
        """``<out_dir>/<workspace>/<period>/``: where the report is published."""
        return self.ws_root / self.period


def report_folder_name(workspace: str | os.PathLike[str]) -> str:
    """The folder under ``out_dir`` that a workspace's reports go to (``safe_name`` of its name:
    a folder's name, a workbook's stem)."""
    from alliancekit.workspace import resolve_workspace_path

    path = resolve_workspace_path(workspace).resolve()
    return safe_name(path.stem if path.suffix.lower() == ".xlsx" else path.name)


def claim_folder(ws_root: Path, source: Path, lock_timeout: float) -> None:
    """Record ``source`` as the workspace publishing into ``ws_root``; refuse another one.

    Different workspaces can map to one folder name (``acme corp`` and ``acme-corp``, ``gs/``
    and ``gs.xlsx``): the second would silently replace the first one's reports and decision
    log rows. The first run records its workspace's path in ``SOURCE_FILE``; a run from any
    other path is refused, naming both.

    Raises
    ------
    DataValidationError
        ``ws_root`` holds the reports of another workspace.
    """
    marker = ws_root / SOURCE_FILE
    with exclusive_lock(ws_root / ".claim.lock", lock_timeout, f"report folder {ws_root.name}"):
        if not marker.is_file():
            atomic_write_text(marker, f"{source}\n")
            return
        owner = marker.read_text("utf-8").strip()
    if owner != str(source):
        raise DataValidationError.single(
            f"the report folder {ws_root} holds the reports of the workspace {owner}; this "
            f"workspace's name maps to the same folder '{ws_root.name}'. Rename one of the two "
            f"workspaces or publish this one with another --out (if {owner} was moved or renamed "
            f"to this path, delete {marker} to continue its reports here)",
            file=source,
        )


@contextlib.contextmanager
def _writing(what: Path, workspace: str) -> Iterator[None]:
    """An ``OSError`` while writing reports (no space, no permission) as a ``ReportError``."""
    try:
        yield
    except OSError as exc:
        where = exc.filename or what
        raise ReportError(
            f"cannot write the report: {exc.strerror or exc} ({where})", workspace=workspace
        ) from exc


def _prepare(
    workspace: str | os.PathLike[str],
    period: str,
    previous_period: str | None,
    notebook: str | os.PathLike[str] | None,
    out_dir: str | os.PathLike[str],
    scenario: str | None = None,
) -> _Job:
    """Load and check everything before any folder or lock file is created."""
    from alliancekit.workspace import load_workspace, resolve_workspace_path

    ws_path = resolve_workspace_path(workspace).resolve()
    ws = load_workspace(ws_path)
    name = report_folder_name(ws_path)
    if scenario is not None:  # a scenario's report never replaces the workspace's own
        from alliancekit.scenarios import apply_scenario

        ws, settings = apply_scenario(ws, scenario)
        name = safe_name(f"{name}-scenario-{scenario}")
        period = settings.period if str(period).strip().lower() == "latest" else period
    period_r, previous_r = _resolve_periods(ws, period, previous_period, ws_path)
    nb_path = _notebook(notebook)
    if not nb_path.is_file():
        raise ReportError(f"report notebook not found: {nb_path}", workspace=name)
    job = _Job(ws, ws_path, name, period_r, previous_r, nb_path, Path(out_dir).resolve(), scenario)
    with _writing(job.ws_root, name):
        job.ws_root.mkdir(parents=True, exist_ok=True)
    return job


def _execute_and_collect(
    job: _Job, tmp: Path, policy: dict[str, Any], **execution: Any
) -> list[dict[str, Any]]:
    """Run the notebook in ``tmp`` and read back its review rows.

    ``execution`` holds ``execute_notebook``'s ``timeout``, ``kernel_name`` and ``progress``.

    On failure the partially executed notebook is kept under ``_failed/`` and the ReportError
    says which workspace, period and notebook.
    """
    executed = tmp / "review.ipynb"
    parameters = {
        "workspace": str(job.ws_path),
        "period": job.period,
        "previous_period": job.previous_period,
        "policy": policy,
        "results_path": str(tmp / "results.json"),
    }
    if job.scenario is not None:
        parameters["scenario"] = job.scenario
    try:
        execute_notebook(job.notebook, executed, parameters, cwd=tmp, **execution)
        return saved_review_rows(tmp / "results.json", job.ws, job.period)
    except ReportError as exc:
        exc.workspace = job.name
        exc.notebook_path = keep_failed(executed, job.ws_root, job.period)
        exc.extra = {**exc.extra, "period": job.period}
        raise


def _render(job: _Job, tmp: Path, pdf: bool) -> None:
    """``review.html`` and ``brief.html`` from the executed notebook; with ``pdf`` also
    ``review.pdf`` and ``brief.pdf`` (headless Chromium; the period and organization on every
    page). All in ``tmp``, so they are published together or not at all."""
    org = job.ws.organization.name
    title = f"Alliance review: {org}, {job.period}"
    (tmp / "review.html").write_text(notebook_to_html(tmp / "review.ipynb", title=title), "utf-8")
    brief = f"Executive brief: {org}, {job.period}"
    (tmp / "brief.html").write_text(
        notebook_to_html(tmp / "review.ipynb", title=brief, brief=True), "utf-8"
    )
    if pdf:
        from alliancekit.reporting.printing import print_pdf

        for name, heading in (("review", "Alliance review"), ("brief", "Executive brief")):
            print_pdf(
                tmp / f"{name}.html",
                tmp / f"{name}.pdf",
                header=f"{heading} {job.period} · {org}",
                footer=f"{org} · review period {job.period}",
            )


def _build_and_publish(
    job: _Job, policy: dict[str, Any], pdf: bool = False, **execution: Any
) -> list[dict]:
    """Execute, collect, render and publish the report folder; returns the review rows."""
    tmp = new_temp_folder(job.ws_root, job.period)
    try:
        rows = _execute_and_collect(job, tmp, policy, **execution)
        try:
            _render(job, tmp, pdf)
        except ReportError as exc:
            exc.workspace = job.name
            raise
        write_summary(tmp / "summary.csv", rows)
        publish(tmp, job.folder)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return rows


def _published(
    job: _Job,
    rows: list[dict[str, Any]],
    log: Path,
    index: Path,
    generated: str,
    duration_s: float,
) -> ReportRun:
    """The ``ReportRun`` of a report published in ``job.folder``."""
    return ReportRun(
        workspace=job.name,
        workspace_path=job.ws_path,
        period=job.period,
        previous_period=job.previous_period,
        folder=job.folder,
        html=job.folder / "review.html",
        notebook=job.folder / "review.ipynb",
        results_json=job.folder / "results.json",
        summary_csv=job.folder / "summary.csv",
        decision_log=log,
        index=index,
        decisions={str(r["alliance_id"]): str(r["decision"]) for r in rows},
        generated_at=generated,
        duration_s=duration_s,
        brief=job.folder / "brief.html",
        pdfs=tuple(p for p in (job.folder / "review.pdf", job.folder / "brief.pdf") if p.is_file()),
    )


def run_report(
    workspace: str | os.PathLike[str],
    period: str = "latest",
    out_dir: str | os.PathLike[str] = "reports",
    previous_period: str | None = None,
    policy: Mapping[str, Any] | Any | None = None,
    notebook: str | os.PathLike[str] | None = None,
    timeout: float | None = 600.0,
    kernel_name: str = "python3",
    progress: bool = True,
    lock_timeout: float = 600.0,
    pdf: bool = False,
    record_actions: bool = False,
    scenario: str | None = None,
) -> ReportRun:
    """Run the review report for one workspace and period and publish it under ``out_dir``.

    Parameters
    ----------
    workspace : path
        Workspace folder or ``.xlsx`` workbook.
    period : str
        ``YYYY-Qn`` or ``"latest"`` (resolved to the workspace's latest KPI period, so folder
        names are always real periods).
    out_dir : path
        Reports root (``reports/``).
    previous_period : str, optional
        Period for "changes since the previous report". Default: the KPI period just before
        ``period`` (None when there is none). The comparison is recomputed from the data, so
        it does not depend on which reports happen to exist on disk.
    policy : mapping or ReviewPolicy, optional
        Review policy overrides (field name -> value), injected as the notebook's ``policy``.
    notebook : path, optional
        Report notebook; default ``notebooks/03_review_report.ipynb``.
    timeout : float or None
        Per-cell time limit [s].
    kernel_name : str
        Jupyter kernel; ``"python3"`` is this interpreter (see ``execute_notebook``).
    progress : bool
        Show papermill's per-cell progress bar.
    lock_timeout : float
        How long to wait for another run of the same workspace and period [s]; 0 refuses at once.
    pdf : bool
        Also print ``review.pdf`` and ``brief.pdf`` with headless Chromium (``print_pdf``); a
        missing Chromium is a ``ReportError`` and the previous report stays as it was.
    record_actions : bool
        After publishing, append the report's new actions (section 9: one per alliance, due
        next quarter) to the workspace's ``actions`` table, so the next review follows them up
        (``workspace.actions.append_actions``; bundled samples are refused before the run).
    scenario : str, optional
        A scenario saved in the workspace: its overrides, review policy (under ``policy``) and
        period (for ``"latest"``) apply, and the report is published under
        ``<out_dir>/<workspace>-scenario-<name>/`` so the workspace's own reports stay.

    Returns
    -------
    ReportRun

    Raises
    ------
    ReportError
        The notebook failed (the previous report is untouched; the failed notebook is kept
        under ``<out_dir>/<workspace>/_failed/``), the kernel could not start, the report could
        not be written (no space, no permission), or the lock could not be taken in time.
    DataValidationError
        The workspace is invalid, the period is unknown, or the report folder holds another
        workspace's reports (``claim_folder``) (CLI exit 2).

    Side effects
    ------------
    Writes the report folder, upserts ``decisions.csv``, rewrites ``<out_dir>/index.html``.
    """
    started = time.perf_counter()
    overrides = policy_overrides(policy)
    if record_actions:
        from alliancekit.workspace.actions import refuse_bundled

        refuse_bundled(workspace)  # before anything is run or written
    if scenario is not None:
        from alliancekit.scenarios import load_scenario

        overrides = {
            **policy_overrides(dict(load_scenario(workspace, scenario).review_policy)),
            **overrides,
        }
    job = _prepare(workspace, period, previous_period, notebook, out_dir, scenario)
    lock = job.ws_root / f".{job.period}.lock"
    execution = {"timeout": timeout, "kernel_name": kernel_name, "progress": progress}
    log = job.ws_root / "decisions.csv"
    with _writing(job.ws_root, job.name):
        claim_folder(job.ws_root, job.ws_path, lock_timeout)
        with exclusive_lock(lock, lock_timeout, f"report {job.name} {job.period}"):
            rows = _build_and_publish(job, overrides, pdf, **execution)
        generated = utc_now()
        what = f"decision log {job.name}"
        with exclusive_lock(job.ws_root / ".decisions.lock", lock_timeout, what):
            upsert_decisions(log, job.period, rows, f"{job.period}/review.html", generated)
        index = refresh_index(job.out_root, lock_timeout=lock_timeout)
    recorded = _record_actions(job, rows, lock_timeout) if record_actions else None
    run = _published(job, rows, log, index, generated, time.perf_counter() - started)
    return run if recorded is None else dataclasses.replace(run, actions_recorded=recorded)


def _record_actions(job: _Job, rows: list[dict[str, Any]], lock_timeout: float) -> int:
    """Append the published report's new actions to the workspace (one writer at a time).

    MAINTAIN's "keep the current terms" is no task to follow up: only the actions of GROW,
    RESTRUCTURE and EXIT decisions are recorded.
    """
    from alliancekit.model import Decision
    from alliancekit.reporting.sections.decisions import new_actions
    from alliancekit.workspace.actions import append_actions

    actions = new_actions(job.ws, [r for r in rows if r["decision"] != Decision.MAINTAIN])
    with exclusive_lock(job.ws_root / ".actions.lock", lock_timeout, f"actions of {job.name}"):
        return append_actions(job.ws_path, actions)
