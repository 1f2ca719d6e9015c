"""Run the reports of several workspaces, in parallel worker processes if asked."""

from __future__ import annotations

import inspect
import os
import time
from collections.abc import Sequence
from typing import Any

from alliancekit.errors import AllianceKitError, DataValidationError, InternalError, ReportError
from alliancekit.reporting.outcome import ReportBatch, ReportRun
from alliancekit.reporting.run import policy_overrides, report_folder_name, run_report

__all__ = ["run_reports"]


def run_reports(
    workspaces: Sequence[str | os.PathLike[str]],
    *,
    jobs: int = 1,
    progress: bool = True,
    **options: Any,
) -> ReportBatch:
    """Run ``run_report`` for several workspaces, ``jobs`` at a time in separate processes.

    A failing workspace does not stop the others: its error is collected in
    ``ReportBatch.failures``. ``progress`` shows one tqdm bar over the workspaces.

    Parameters
    ----------
    workspaces : sequence of path
        Workspace folders or workbooks.
    jobs : int
        Worker processes (``1`` runs in this process, one after another).
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
    from tqdm.auto import tqdm

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
    with tqdm(total=len(paths), desc="reports", unit="report", disable=not progress) as bar:
        bar.update(len(refused))
        if jobs == 1 or len(todo) <= 1:
            outcomes: dict[int, ReportRun | AllianceKitError] = dict(refused)
            for i in todo:
                outcomes[i] = _run_one(paths[i], options)
                bar.update()
        else:
            outcomes = {**refused, **_run_in_workers(paths, todo, options, jobs, bar)}
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


def _run_in_workers(
    paths: list[str], todo: list[int], options: dict[str, Any], jobs: int, bar: Any
) -> dict[int, ReportRun | AllianceKitError]:
    """Outcome of the workspaces at the positions ``todo``, ``jobs`` worker processes at a time."""
    from concurrent.futures import ProcessPoolExecutor, as_completed

    outcomes: dict[int, ReportRun | AllianceKitError] = {}
    ctx = _worker_context()
    with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=ctx) as pool:
        futures = {pool.submit(_run_one, paths[i], options): i for i in todo}
        for fut in as_completed(futures):
            i = futures[fut]
            try:
                outcomes[i] = fut.result()
            except Exception as exc:  # a worker process died (crash, OOM kill)
                outcomes[i] = ReportError(
                    f"the worker process running {paths[i]} failed: {exc!r}",
                    extra={"period": options.get("period", "latest")},
                )
            bar.update()
    return outcomes


def _worker_context() -> Any:
    """Process start method for report workers.

    POSIX: a fork server that imports the runner's heavy modules (pandas, papermill, nbconvert)
    once; each worker is forked from that clean, single-threaded server, so workers neither
    re-import (about a second of CPU each) nor inherit this process's threads or sockets.
    Elsewhere: spawn.
    """
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(
            ["alliancekit.reporting", "alliancekit.workspace", "papermill", "nbconvert"]
        )
        return ctx
    return multiprocessing.get_context("spawn")


def _run_one(path: str, options: dict[str, Any]) -> ReportRun | AllianceKitError:
    """Worker: one report; every failure is returned (picklable), not raised.

    Only an ``AllianceKitError`` is an expected failure (bad input, a failed report); anything
    else is a bug, returned as an ``InternalError`` (exit 70) so the other workspaces still run.
    """
    try:
        return run_report(path, **options)
    except AllianceKitError as exc:
        return exc
    except Exception as exc:
        return InternalError(
            f"{type(exc).__name__}: {exc} (this is a bug in alliancekit; the workspace's other "
            "reports are unaffected)"
        )
