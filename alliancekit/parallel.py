"""One executor for every sweep and batch: in this process, local worker processes, or Dask.

Robustness draws, frontier points, explanation thresholds, group per-participant plans and
report batches are many independent tasks. :func:`get_executor` picks where they run:

* ``jobs=1`` (the default): one after another in this process;
* ``jobs=k`` (k > 1, or -1 for every core): k local worker processes (joblib's loky backend,
  workers kept warm between calls);
* ``scheduler="tcp://host:8786"`` (or the ``ALLIANCEKIT_SCHEDULER`` environment variable): the
  workers of a Dask distributed cluster (docs/scaling.md).

Results come back in the order of the tasks, whatever finishes first, and no task draws random
numbers of its own (the callers draw them beforehand), so the same seeds give identical results
on every executor. A task whose worker dies is retried once on another worker (Dask reschedules
it, local pools are restarted); a task lost twice is reported as :class:`WorkerLostError`
(``lost="return"``) or raised. Ordinary exceptions of a task are raised as they would be in a
serial run. This module imports neither the solvers nor any notebook machinery, and Dask only
when a scheduler is given.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from alliancekit.errors import AllianceKitError, DataValidationError

__all__ = [
    "SCHEDULER_ENV",
    "Executor",
    "WorkerLostError",
    "get_executor",
    "in_worker",
    "progress_bar",
]

#: environment variable naming a Dask scheduler address used when none is passed
SCHEDULER_ENV = "ALLIANCEKIT_SCHEDULER"
#: scheduler values that mean "no cluster, even if the environment variable names one"
_LOCAL = ("", "local", "none")
#: True inside a task: nested sweeps run serially there instead of submitting more tasks
_IN_WORKER = False
#: Dask clients by scheduler address, reused by later calls in this process
_CLIENTS: dict[str, Any] = {}


class WorkerLostError(AllianceKitError):
    """A task's worker process died twice (crash, out of memory, killed); the task did not run."""

    exit_code: ClassVar[int] = 70  # the command line's "internal error": not the input's fault
    kind: ClassVar[str] = "worker lost"


def in_worker() -> bool:
    """Whether this code runs inside a task of an executor (then nested sweeps stay serial)."""
    return _IN_WORKER


def _run_task(index: int, fn: Callable[..., Any], item: Any, common: tuple) -> tuple[int, Any]:
    """Worker side of every executor: run one task and return it with its position."""
    global _IN_WORKER
    outer, _IN_WORKER = _IN_WORKER, True
    try:
        return index, fn(item, *common)  # common: a tuple, or the list Dask resolved
    finally:
        _IN_WORKER = outer


@dataclass(frozen=True)
class Executor:
    """Where a sweep's tasks run; build one with :func:`get_executor`.

    Attributes
    ----------
    kind : {"serial", "processes", "dask"}
    workers : int
        Processes working at once (the cluster's worker count, read at the first map, for Dask).
    address : str or None
        The Dask scheduler's address.
    """

    kind: str
    workers: int = 1
    address: str | None = None

    def describe(self) -> str:
        """A few words for people: where the tasks run."""
        if self.kind == "dask":
            return f"on the Dask cluster at {self.address}"
        if self.kind == "processes":
            return f"in {self.workers} local worker processes"
        return "in this process"

    def parallelism(self) -> int:
        """Tasks that can run at once (for Dask: the cluster's worker threads now, at least 1)."""
        if self.kind == "dask":
            info = _client(self.address).scheduler_info()
            return max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))
        return max(1, self.workers)

    def map(
        self,
        fn: Callable[..., Any],
        items: Sequence[Any],
        *,
        common: tuple = (),
        desc: str = "",
        progress: bool = False,
        unit: str = "task",
        lost: str = "raise",
    ) -> list[Any]:
        """``[fn(item, *common) for item in items]``, run where this executor says.

        Parameters
        ----------
        fn : callable
            A module-level function (it travels to other processes by pickling).
        items : sequence
            One task per item; results come back in this order.
        common : tuple
            Arguments shared by every task: scattered once to every Dask worker; pickled with
            each task for local processes (joblib memory-maps large numpy arrays).
        desc, unit : str
            Label and unit of the tqdm progress bar (``progress=True``).
        lost : {"raise", "return"}
            A task whose worker died twice: raise :class:`WorkerLostError`, or put the error in
            its place in the result list.

        Returns
        -------
        list
        """
        items = list(items)
        results: dict[int, Any] = {}
        with progress_bar(len(items), desc, unit=unit, show=progress) as bar:
            if self.kind == "serial" or (len(items) <= 1 and self.kind != "dask"):
                for i, item in enumerate(items):
                    results[i] = _run_task(i, fn, item, common)[1]
                    bar.update()
            else:
                run = self._dask if self.kind == "dask" else self._processes
                for attempt in (1, 2):
                    todo = [i for i in range(len(items)) if i not in results]
                    if not todo:
                        break
                    try:
                        for i, value in run(fn, todo, items, common):
                            results[i] = value
                            bar.update()
                    except _worker_death_errors() as exc:
                        if attempt == 2:
                            _give_up(results, todo, exc, lost)
        return [results[i] for i in range(len(items))]

    def _processes(
        self, fn: Callable[..., Any], todo: list[int], items: list[Any], common: tuple
    ) -> Iterator[tuple[int, Any]]:
        """Local loky worker processes; results as they finish."""
        from joblib import Parallel, delayed

        # never n_jobs=1 (joblib would run the tasks in this process: a retried task that
        # kills its worker would end the caller); idle workers cost nothing
        tasks = (delayed(_run_task)(i, fn, items[i], common) for i in todo)
        run = Parallel(n_jobs=max(2, self.workers), backend="loky", return_as="generator_unordered")
        yield from run(tasks)

    def _dask(
        self, fn: Callable[..., Any], todo: list[int], items: list[Any], common: tuple
    ) -> Iterator[tuple[int, Any]]:
        """Tasks on a Dask cluster; shared arguments scattered once; results as they finish."""
        import uuid

        from distributed import as_completed

        client = _client(self.address)
        shared = client.scatter(list(common), broadcast=True, hash=False) if common else []
        batch = f"{getattr(fn, '__name__', 'task')}-{uuid.uuid4().hex[:12]}"
        futures = [
            client.submit(_run_task, i, fn, items[i], shared, pure=False, key=f"{batch}-{i}")
            for i in todo
        ]
        try:
            for future in as_completed(futures, loop=client.loop):
                yield future.result()
        finally:
            for future in futures:
                future.release()


def _give_up(results: dict[int, Any], todo: list[int], exc: BaseException, lost: str) -> None:
    """Second loss of the same tasks: record or raise a WorkerLostError for what is missing."""
    missing = [i for i in todo if i not in results]
    error = WorkerLostError(
        f"{len(missing)} task(s) were lost twice with their worker process: {exc!r}"
    )
    if lost != "return":
        raise error from exc
    for i in missing:
        results[i] = error


def _worker_death_errors() -> tuple[type[BaseException], ...]:
    """Exception types meaning "the worker died", not "the task failed"."""
    from concurrent.futures.process import BrokenProcessPool

    found: list[type[BaseException]] = [BrokenProcessPool]
    with contextlib.suppress(ImportError):
        from joblib.externals.loky.process_executor import TerminatedWorkerError

        found.append(TerminatedWorkerError)
    with contextlib.suppress(ImportError):
        from distributed import KilledWorker
        from distributed.comm.core import CommClosedError

        found += [KilledWorker, CommClosedError]
    return tuple(found)


def _client(address: str | None) -> Any:
    """A Dask client connected to ``address``, made once per process and reused."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise DataValidationError.single(
            f"a Dask scheduler ({address}) needs Dask distributed: "
            "pip install 'alliancekit[distributed]'",
            column="scheduler",
        ) from exc

    client = _CLIENTS.get(str(address))
    if client is None or client.status not in ("running", "connecting", "newly-created"):
        try:
            client = Client(address, set_as_default=False, timeout="20s")
        except OSError as exc:
            raise DataValidationError.single(
                f"cannot reach the Dask scheduler at {address}: {exc}", column="scheduler"
            ) from exc
        _CLIENTS[str(address)] = client
    return client


def get_executor(
    jobs: int | None = 1, scheduler: str | None = None, *, env: bool = True
) -> Executor:
    """The executor of a sweep: this process, ``jobs`` local processes, or a Dask cluster.

    Parameters
    ----------
    jobs : int, optional
        Local worker processes (1: this process, one task after another; -1: one per core).
    scheduler : str, optional
        A Dask scheduler address (``"tcp://host:8786"``); ``"local"`` forces local work even when
        ``ALLIANCEKIT_SCHEDULER`` is set. Without it, that environment variable is read (unless
        ``env`` is False).
    env : bool
        Read ``ALLIANCEKIT_SCHEDULER`` when no scheduler is given.

    Returns
    -------
    Executor
        Serial inside a task of another executor (nested sweeps never fan out again).

    Raises
    ------
    DataValidationError
        ``jobs`` is 0 or below -1, or not a whole number.
    """
    if scheduler is None and env:
        scheduler = os.environ.get(SCHEDULER_ENV) or None
    if _IN_WORKER:
        return Executor("serial")
    if scheduler is not None and str(scheduler).strip().lower() not in _LOCAL:
        address = str(scheduler).strip()
        return Executor("dask", workers=0, address=address)
    if jobs is None:
        jobs = 1
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs == 0 or jobs < -1:
        raise DataValidationError.single(
            f"jobs must be a whole number >= 1 (or -1 for every core), got {jobs!r}", column="jobs"
        )
    workers = (os.cpu_count() or 1) if jobs == -1 else jobs
    return Executor("processes", workers=workers) if workers > 1 else Executor("serial")


class _NoBar:
    """What :func:`progress_bar` gives when nothing is shown: ``update`` does nothing."""

    def update(self, n: int = 1) -> None:
        """Count ``n`` more steps (ignored)."""


@contextlib.contextmanager
def progress_bar(total: int, desc: str, *, unit: str = "it", show: bool = True) -> Iterator[Any]:
    """A tqdm progress bar over ``total`` steps (``bar.update()`` after each), or none.

    tqdm is imported only when a bar is shown: in a notebook ``tqdm.auto`` brings ipywidgets
    (≈ 50 ms), which a report kernel planning a dozen portfolios without a bar need not pay.

    Parameters
    ----------
    total : int
        Number of steps.
    desc, unit : str
        The bar's label and the unit of a step.
    show : bool
        False: no bar, and tqdm is not imported.
    """
    if not show:
        yield _NoBar()
        return
    from tqdm.auto import tqdm

    with tqdm(total=total, desc=desc, unit=unit, leave=False) as bar:
        yield bar
