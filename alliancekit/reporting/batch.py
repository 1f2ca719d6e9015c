"""Run the reports of several workspaces, in parallel worker processes if asked."""

from __future__ import annotations

import inspect
import os
import time
from collections.abc import Sequence
from typing import Any

from alliancekit.errors import AllianceKitError, DataValidationError, ReportError
from alliancekit.parallel import WorkerLostError, get_executor
from alliancekit.reporting.outcome import ReportBatch, ReportRun
from alliancekit.reporting.run import policy_overrides, run_report
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
    executor = get_executor(jobs, scheduler)
    found = executor.map(
        _run_one,
        paths,
        common=(options,),
        desc="reports",
        unit="report",
        progress=progress,
        lost="return",  # a report whose worker died twice is a failure, not a lost batch
    )
    outcomes = {i: _lost_to_failure(o, paths[i], options) for i, o in enumerate(found)}
    done = sorted(outcomes.items())
    return ReportBatch(
        runs=tuple(o for _, o in done if isinstance(o, ReportRun)),
        failures=tuple((paths[i], o) for i, o in done if not isinstance(o, ReportRun)),
        jobs=jobs,
        duration_s=time.perf_counter() - started,
    )


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
    """Worker: one report; expected failures are returned (picklable), not raised."""
    defer_costly_imports()  # a fresh worker process imports papermill: skip the IRI grammar
    try:
        return run_report(path, **options)
    except AllianceKitError as exc:
        return exc
    except (OSError, ValueError) as exc:  # not raised on purpose, but still this input's fault
        return DataValidationError.single(str(exc), file=path)
