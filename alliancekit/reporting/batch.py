"""Run the reports of several workspaces, in parallel worker processes if asked."""

from __future__ import annotations

import inspect
import os
import time
from collections.abc import Sequence
from typing import Any

from alliancekit.errors import AllianceKitError, DataValidationError, InternalError, ReportError
from alliancekit.parallel import WorkerLostError, get_executor
from alliancekit.reporting.outcome import ReportBatch, ReportRun
from alliancekit.reporting.run import policy_overrides, report_folder_name, run_report
from alliancekit.startup import defer_costly_imports

__all__ = ["run_reports"]


def run_reports(
    workspaces: Sequence[str | os.PathLike[str]],
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    progress: bool = True,
    **options: Any,
) -> ReportBatch:
    """Run ``run_report`` for several workspaces, ``jobs`` at a time in separate processes.

    A failing workspace does not stop the others: its error is collected in
    ``ReportBatch.failures``; a report whose worker process dies is run once more elsewhere,
    then counted as failed (publishing stays atomic either way). ``progress`` shows one tqdm bar
    over the workspaces.

    Parameters
    ----------
    workspaces : sequence of path
        Workspace folders or workbooks.
    jobs : int
        Worker processes (``1`` runs in this process, one after another).
    scheduler : str, optional
        A Dask scheduler address (``"tcp://host:8786"``; default: ``ALLIANCEKIT_SCHEDULER``):
        the reports run on that cluster's workers, which must see the workspaces and
        ``out_dir`` at the same paths (a shared file system, docs/scaling.md).
    progress : bool
        One tqdm bar over the workspaces (no per-cell bars).
    **options
        Keyword arguments of ``run_report``, the same for every workspace: ``period``,
        ``out_dir``, ``previous_period``, ``policy``, ``notebook``, ``timeout``,
        ``kernel_name``, ``lock_timeout``.

    Returns
    -------
    ReportBatch

    Raises
    ------
    DataValidationError
        If ``jobs`` is below 1.
    TypeError
        If an option is not a keyword argument of ``run_report``.
    """
    if jobs < 1:
        raise DataValidationError.single(f"jobs must be at least 1, got {jobs}", column="jobs")
    inspect.signature(run_report).bind("workspace", **options)  # unknown options fail here
    options = {**options, "policy": policy_overrides(options.get("policy")), "progress": False}
    for key in ("out_dir", "notebook"):  # plain strings travel to worker processes
        if options.get(key) is not None:
            options[key] = str(options[key])
    started = time.perf_counter()
    paths = [str(w) for w in workspaces]
    refused = _same_folder(paths)
    todo = [i for i in range(len(paths)) if i not in refused]
    found = get_executor(jobs, scheduler).map(
        _run_one,
        [paths[i] for i in todo],
        common=(options,),
        desc="reports",
        unit="report",
        progress=progress,
        lost="return",  # a report whose worker died twice is a failure, not a lost batch
    )
    outcomes: dict[int, ReportRun | AllianceKitError] = dict(refused)
    for i, outcome in zip(todo, found, strict=True):
        outcomes[i] = _lost_to_failure(outcome, paths[i], options)
    done = sorted(outcomes.items())
    return ReportBatch(
        runs=tuple(o for _, o in done if isinstance(o, ReportRun)),
        failures=tuple((paths[i], o) for i, o in done if not isinstance(o, ReportRun)),
        jobs=jobs,
        duration_s=time.perf_counter() - started,
    )


def _same_folder(paths: list[str]) -> dict[int, AllianceKitError]:
    """Workspaces of the batch whose reports would go to the folder of an earlier one
    (``acme corp`` and ``acme-corp``): refused by position, naming both, before any runs (in
    parallel workers, which of the two claimed the folder first would be chance)."""
    first: dict[str, str] = {}
    refused: dict[int, AllianceKitError] = {}
    for i, path in enumerate(paths):
        try:
            name = report_folder_name(path)
        except (OSError, ValueError):
            continue  # the run itself says what is wrong with this path
        if name in first and first[name] != path:
            refused[i] = DataValidationError.single(
                f"the workspaces {first[name]} and {path} would publish into the same report "
                f"folder '{name}'; rename one of them or run it with another --out",
                file=path,
            )
        first.setdefault(name, path)
    return refused


def _lost_to_failure(
    outcome: ReportRun | AllianceKitError, path: str, options: dict[str, Any]
) -> ReportRun | AllianceKitError:
    """A report lost with its worker (after one retry) becomes a ReportError of its own."""
    if isinstance(outcome, WorkerLostError):
        return ReportError(
            f"the worker process running {path} failed twice: {outcome.headline}",
            extra={"period": options.get("period", "latest")},
        )
    return outcome


def _run_one(path: str, options: dict[str, Any]) -> ReportRun | AllianceKitError:
    """Worker: one report; every failure is returned (picklable), not raised.

    Only an ``AllianceKitError`` is an expected failure (bad input, a failed report); anything
    else is a bug, returned as an ``InternalError`` (exit 70) so the other workspaces still run.
    """
    defer_costly_imports()  # a fresh worker process imports papermill: skip the IRI grammar
    try:
        return run_report(path, **options)
    except AllianceKitError as exc:
        return exc
    except Exception as exc:
        return InternalError(
            f"{type(exc).__name__}: {exc} (this is a bug in alliancekit; the workspace's other "
            "reports are unaffected)"
        )
