"""The drawing processes of a report runner: how many, and how the charts are shared out."""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Callable

from alliancekit.reporting import deferred


def _spec(title: str) -> bytes:
    return json.dumps({"mark": "bar", "title": title, "data": {"values": [{"a": 1}]}}).encode(
        "utf-8"
    )


def test_charts_go_to_the_drawing_process_with_the_least_to_do() -> None:
    """Four charts queued at once are shared by two processes (two each, unless one answered
    within the microseconds the queuing takes), and come back in order."""
    pool = deferred._DrawingPool(2)
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


def _size_in_child(queue: multiprocessing.Queue) -> None:
    queue.put(deferred._pool_size())


def test_two_drawing_processes_at_most_and_one_in_a_batch_worker() -> None:
    cores = len(os.sched_getaffinity(0))
    assert deferred._pool_size() == min(2, cores)
    queue: multiprocessing.Queue = multiprocessing.get_context("spawn").Queue()
    child = multiprocessing.get_context("spawn").Process(target=_size_in_child, args=(queue,))
    child.start()
    assert queue.get(timeout=120) == 1  # a worker of run_reports(jobs=2) shares the cores
    child.join(timeout=60)
