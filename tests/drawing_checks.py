"""A check shared by the tests of drawings that never end (a stuck drawing process, a chart
function that never returns)."""

from __future__ import annotations

import nbformat
import pytest

from alliancekit.reporting import deferred


def assert_stuck_then_replaced(
    monkeypatch: pytest.MonkeyPatch,
    drawer: deferred.ChartDrawer,
    stuck: nbformat.NotebookNode,
    failure: str,
    following: nbformat.NotebookNode,
) -> None:
    """``drawer.finish(stuck)`` fails with ``failure`` after a 1 s time limit, the drawing
    processes it used are stopped, and the next report's drawer gets new ones that draw
    ``following``."""
    assert drawer._pool is not None
    used = list(drawer._pool.processes)
    monkeypatch.setattr(deferred, "DRAW_TIMEOUT", 1.0)
    assert drawer.finish(stuck) == [failure]
    for process in used:
        process._proc.wait(timeout=30)
    monkeypatch.undo()  # the usual time limit: new processes start and import the chart layer
    fresh = deferred.ChartDrawer(start=True)
    assert fresh._pool is not None
    assert not set(map(id, fresh._pool.processes)) & set(map(id, used))
    assert fresh.finish(following) == []
