"""The drawing processes of a report runner: how many, and how the charts are shared out."""

from __future__ import annotations

import base64
import json
import os
import signal
from collections.abc import Callable

import nbformat
import pytest
from drawing_checks import assert_stuck_then_replaced

from alliancekit.reporting import deferred
from alliancekit.reporting.deferred import ChartDrawer, leftover_placeholders, placeholder_html


def _spec(title: str) -> bytes:
    return json.dumps({"mark": "bar", "title": title, "data": {"values": [{"a": 1}]}}).encode(
        "utf-8"
    )


def test_charts_go_to_the_drawing_process_with_the_least_to_do() -> None:
    """Four charts queued at once are shared by two processes (two each, unless one answered
    within the microseconds the queuing takes), and come back in order."""
    pool = deferred._DrawingPool(2)
    pool.grow()
    try:
        counts = [0] * len(pool.processes)

        def counting(index: int, submit: Callable[[bytes], object]) -> Callable[[bytes], object]:
            def counted(request: bytes) -> object:
                counts[index] += 1
                return submit(request)

            return counted

        for index, process in enumerate(pool.processes):
            process.submit = counting(index, process.submit)  # type: ignore[method-assign,assignment]
        answers = [pool.submit(_spec(f"Chart {i}")) for i in range(4)]
        svgs = [a.result(timeout=120) for a in answers]
        assert min(counts) >= 1 and sum(counts) == 4
        assert all(f"Chart {i}" in svg for i, svg in enumerate(svgs))
    finally:
        pool.close()


def test_a_stopped_drawing_process_is_replaced_and_the_other_kept() -> None:
    pool = deferred._DrawingPool(2)
    pool.grow()
    try:
        dead, alive = pool.processes
        dead._proc.kill()
        dead._proc.wait(timeout=30)
        assert pool.submit(_spec("Still drawn")).result(timeout=120).startswith("<svg")
        pool.replace_stopped()
        assert pool.processes[0] is not dead and pool.processes[1] is alive
        assert pool.processes[0].submit(_spec("New one")).result(timeout=120).startswith("<svg")
    finally:
        pool.close()


def _size_in_worker(_item: int) -> int:
    return deferred._pool_size()


def test_two_drawing_processes_at_most_and_one_in_a_batch_worker() -> None:
    from alliancekit.parallel import get_executor

    cores = len(os.sched_getaffinity(0))
    assert deferred._pool_size() == min(2, cores)
    # run_reports(jobs=2)'s workers share the cores: one drawing process each
    assert get_executor(2).map(_size_in_worker, [1, 2], common=()) == [1, 1]


def test_the_drawing_process_answers_in_order_and_is_replaced_when_it_dies() -> None:
    """Good and bad specs come back in order; a killed process fails what it held, and the
    next report gets a new one."""
    process = deferred._drawing_pool().processes[0]
    good = json.dumps({"mark": "bar", "title": "Fine", "data": {"values": [{"a": 1}]}})
    bad = json.dumps({"mark": "bar", "encoding": {"x": {"field": "a", "type": "nonsense"}}})
    answers = [process.submit(spec.encode("utf-8")) for spec in (good, bad, good)]
    assert answers[0].result(timeout=60).startswith("<svg") and "Fine" in answers[0].result()
    with pytest.raises(ChildProcessError, match="Invalid field type"):
        answers[1].result(timeout=60)
    assert answers[2].result(timeout=60) == answers[0].result()
    process._proc.kill()
    process._proc.wait(timeout=30)
    late = process.submit(good.encode("utf-8"))
    with pytest.raises(ChildProcessError, match="stopped"):
        late.result(timeout=60)
    assert not process.alive
    fresh = deferred._drawing_pool().processes[0]
    assert fresh is not process and fresh.submit(good.encode("utf-8")).result(timeout=60)


def _placeholder_notebook(*titles: str) -> nbformat.NotebookNode:

    outputs = []
    for title in titles:
        spec = {"title": title, "mark": "bar", "data": {"values": [{"a": 1}]},
                "encoding": {"x": {"field": "a", "type": "quantitative"}}}  # fmt: skip
        encoded = base64.b64encode(json.dumps(spec).encode("utf-8")).decode("ascii")
        html = f'<figure class="ak-figure">{placeholder_html(encoded, title)}</figure>'
        outputs.append(nbformat.v4.new_output("display_data", data={"text/html": html}))
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = outputs
    return nbformat.v4.new_notebook(cells=[cell])


def test_placeholders_are_drawn_even_when_the_runner_did_not_expect_them() -> None:
    """A kernel that defers without being asked to (a nested run) still gets its charts."""

    nb = _placeholder_notebook("One", 'Two "quoted" <b>')
    assert leftover_placeholders(nb) == 2
    assert ChartDrawer().finish(nb) == []
    assert leftover_placeholders(nb) == 0
    page = "".join(o["data"]["text/html"] for o in nb.cells[0].outputs)
    assert page.count("data:image/svg+xml;base64,") == 2
    assert 'alt="Two &quot;quoted&quot; &lt;b&gt;"' in page


def test_a_drawing_process_that_stops_answering_is_replaced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A drawing that does not end fails the report's charts by title within the time limit;
    the stuck process is stopped and the next report gets a new one."""
    drawer = deferred.ChartDrawer(start=True)
    assert drawer._pool is not None
    for process in drawer._pool.processes:
        assert process.submit(b'{"mark": "point"}').result(timeout=60)
        os.kill(process._proc.pid, signal.SIGSTOP)
    assert_stuck_then_replaced(
        monkeypatch,
        drawer,
        _placeholder_notebook("Stuck chart"),
        "“Stuck chart” (not drawn in 1 s)",
        _placeholder_notebook("Next report"),
    )


def test_a_report_that_waited_for_its_charts_leaves_a_second_process_for_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pool starts with one drawing process; once a report has waited for its charts, the
    next report gets two."""
    monkeypatch.setattr(deferred, "_POOL", None)
    monkeypatch.setattr(deferred, "_pool_size", lambda: 2)
    drawer = ChartDrawer(start=True)
    pool = drawer._pool
    assert pool is not None and len(pool.processes) == 1
    try:
        assert drawer.finish(_placeholder_notebook("Waited for")) == []
        assert len(pool.processes) == 2
        assert ChartDrawer(start=True)._pool is pool
    finally:
        pool.close()
