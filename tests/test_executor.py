"""One executor for sweeps and batches (issue 20): serial, local processes, a real Dask cluster.

The Dask tests start a ``distributed.LocalCluster`` on 127.0.0.1 (two worker processes, one
thread each, no dashboard) and check that sweeps and report batches run there give exactly what
a serial run gives, and that a task whose worker dies is retried or reported.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import alliancekit as ak
from alliancekit import parallel, reporting
from alliancekit.errors import DataValidationError
from alliancekit.parallel import SCHEDULER_ENV, WorkerLostError, get_executor

DATA = Path(__file__).resolve().parents[1] / "data"

distributed = pytest.importorskip("distributed")


# -- tasks (module level: they travel to other processes) ---------------------------------------
#: the test process; worker processes inherit the variable, so they know they are not it
os.environ.setdefault("ALLIANCEKIT_TEST_MAIN_PID", str(os.getpid()))


def _die() -> None:
    """End this worker process at once; refuse (loudly) to end the test process itself."""
    if os.environ["ALLIANCEKIT_TEST_MAIN_PID"] == str(os.getpid()):
        raise RuntimeError("a task meant for a worker process ran in the test process")
    os._exit(1)


def _square_plus(x: int, offset: int) -> int:
    return x * x + offset


def _nested(x: int) -> tuple[str, bool]:
    return get_executor(4).kind, parallel.in_worker()


def _dies_once(x: int, marker_dir: str) -> int:
    """Kill this worker process the first time task ``x`` runs; succeed when retried."""
    marker = Path(marker_dir) / f"ran-{x}"
    if x == 1 and not marker.exists():
        marker.write_text("died here once")
        _die()
    return x * 10


def _always_dies(x: int) -> int:
    if x == 1:
        _die()
    return x


def _raises(x: int) -> int:
    if x == 2:
        raise ValueError(f"task {x} is bad")
    return x


# -- choosing the executor ------------------------------------------------------------------------
def test_get_executor_reads_jobs_scheduler_and_the_environment(monkeypatch) -> None:
    monkeypatch.delenv(SCHEDULER_ENV, raising=False)
    assert get_executor().kind == "serial"
    assert get_executor(1).describe() == "in this process"
    local = get_executor(2)
    assert (local.kind, local.workers) == ("processes", 2)
    assert get_executor(-1).workers == (os.cpu_count() or 1) or get_executor(-1).kind == "serial"
    assert get_executor(scheduler="tcp://127.0.0.1:1").address == "tcp://127.0.0.1:1"
    monkeypatch.setenv(SCHEDULER_ENV, "tcp://10.0.0.1:8786")
    assert get_executor().kind == "dask"
    assert get_executor().address == "tcp://10.0.0.1:8786"
    assert get_executor(2, scheduler="local").kind == "processes"
    assert get_executor(env=False).kind == "serial"
    for bad in (0, -2, 1.5, True):
        with pytest.raises(DataValidationError, match="jobs"):
            get_executor(bad, scheduler="local")


def test_nested_sweeps_stay_serial_inside_a_task() -> None:
    assert get_executor(1).map(_nested, [0]) == [("serial", True)]
    assert not parallel.in_worker()


@pytest.mark.slow
def test_local_processes_keep_order_and_retry_a_dead_worker(tmp_path: Path) -> None:
    ex = get_executor(2)
    assert ex.map(_square_plus, list(range(7)), common=(1,)) == [x * x + 1 for x in range(7)]
    assert ex.map(_dies_once, [0, 1, 2, 3], common=(str(tmp_path),)) == [0, 10, 20, 30]
    assert (tmp_path / "ran-1").exists()  # it did die once
    got = ex.map(_always_dies, [0, 1, 2], lost="return")
    assert isinstance(got[1], WorkerLostError)
    with pytest.raises(WorkerLostError, match="lost twice"):
        ex.map(_always_dies, [0, 1, 2])
    with pytest.raises(ValueError, match="task 2 is bad"):  # an ordinary error is not retried
        ex.map(_raises, [0, 1, 2, 3])


def test_unreachable_scheduler_is_a_clear_error() -> None:
    ex = get_executor(scheduler="tcp://127.0.0.1:9")
    with pytest.raises(DataValidationError, match=r"cannot reach the Dask scheduler"):
        ex.map(_square_plus, [1, 2], common=(0,))


# -- a real Dask cluster on 127.0.0.1 ----------------------------------------------------------
@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A two-worker LocalCluster (processes) on the loopback interface; yields its address."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=50,
    ) as lc:
        yield lc.scheduler_address
    for client in list(parallel._CLIENTS.values()):
        client.close()
    parallel._CLIENTS.clear()


@pytest.mark.slow
def test_dask_map_keeps_order_scatters_common_and_retries(cluster: str, tmp_path: Path) -> None:
    ex = get_executor(scheduler=cluster)
    assert ex.parallelism() == 2
    assert "Dask cluster" in ex.describe()
    assert ex.map(_square_plus, list(range(9)), common=(3,)) == [x * x + 3 for x in range(9)]
    # the dead worker's task is rescheduled on the other (the nanny restarts the dead one)
    assert ex.map(_dies_once, [0, 1, 2], common=(str(tmp_path),)) == [0, 10, 20]
    with pytest.raises(ValueError, match="task 2 is bad"):
        ex.map(_raises, [0, 1, 2, 3])


@pytest.fixture(scope="module")
def greenscape() -> ak.Workspace:
    return ak.sample_workspace("greenscape")


@pytest.mark.slow
def test_sweeps_on_dask_and_local_processes_equal_serial_runs(cluster: str, greenscape) -> None:
    """Robustness, frontier and explanation thresholds: identical wherever they run."""
    serial = ak.portfolio_robustness(greenscape, n_draws=30, seed=4)
    on_dask = ak.portfolio_robustness(greenscape, n_draws=30, seed=4, scheduler=cluster)
    two = ak.portfolio_robustness(greenscape, n_draws=30, seed=4, jobs=2)
    pd.testing.assert_frame_equal(serial.table, on_dask.table)
    pd.testing.assert_frame_equal(serial.table, two.table)

    kw = {"vary": "budget_annual", "points": 9, "progress": False}
    front = ak.efficient_frontier(greenscape, **kw)
    pd.testing.assert_frame_equal(front.points, ak.efficient_frontier(greenscape, scheduler=cluster,
                                                                      **kw).points)  # fmt: skip
    pd.testing.assert_frame_equal(front.points, ak.efficient_frontier(greenscape, jobs=2,
                                                                      **kw).points)  # fmt: skip

    plan = ak.plan_portfolio(greenscape)
    why = ak.explain_selection(plan)
    pd.testing.assert_frame_equal(why, ak.explain_selection(plan, scheduler=cluster))


@pytest.mark.slow
def test_environment_variable_sends_sweeps_to_the_cluster(cluster: str, greenscape, monkeypatch):
    serial = ak.portfolio_robustness(greenscape, n_draws=10, seed=1, mode="weights")
    monkeypatch.setenv(SCHEDULER_ENV, cluster)
    assert get_executor().kind == "dask"
    again = ak.portfolio_robustness(greenscape, n_draws=10, seed=1, mode="weights")
    pd.testing.assert_frame_equal(serial.table, again.table)


def _without_clock(data: object) -> object:
    """JSON data without the wall-clock fields (``solve_time``, ``duration_s`` …)."""
    if isinstance(data, dict):
        return {k: _without_clock(v) for k, v in data.items() if "time" not in k and
                "duration" not in k}  # fmt: skip
    if isinstance(data, list):
        return [_without_clock(v) for v in data]
    return data


def _published(out: Path) -> dict[str, object]:
    """What a report batch published, minus what differs run to run (times, paths)."""
    found: dict[str, object] = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if path.name == "summary.csv" or path.name == "decisions.csv":
            found[rel] = pd.read_csv(path).drop(columns=["generated_at"], errors="ignore")
        elif path.name == "results.json":
            data = json.loads(path.read_text("utf-8"))
            found[rel] = json.dumps(_without_clock(data["results"]), sort_keys=True)
        elif path.is_file():
            found[rel] = None  # present (HTML pages carry run times)
    return found


@pytest.mark.slow
@pytest.mark.notebook
def test_reports_on_a_dask_cluster_publish_what_a_serial_run_publishes(
    cluster: str, tmp_path: Path
) -> None:
    workspaces = [DATA / s for s in ("sanchar-apps", "greenscape", "norden-pumpen")]
    serial = reporting.run_reports(workspaces, out_dir=tmp_path / "serial", progress=False)
    on_dask = reporting.run_reports(
        workspaces, out_dir=tmp_path / "dask", scheduler=cluster, progress=False
    )
    assert serial.ok and on_dask.ok, (serial.summary(), on_dask.summary())
    a, b = _published(tmp_path / "serial"), _published(tmp_path / "dask")
    assert sorted(a) == sorted(b)
    for key, value in a.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, b[key], obj=key)
        else:
            assert value == b[key], key
    assert [r.decisions for r in serial.runs] == [r.decisions for r in on_dask.runs]
