"""Hard portfolios (issue 20): HiGHS raced against CBC on large dense-knapsack models.

Real HiGHS and real CBC; no timing assertions (benchmarks/bench_scale.py measures the speed).
"""

from __future__ import annotations

import glob
import os

import numpy as np
import pandas as pd
import pytest

import alliancekit as ak
import alliancekit.portfolio.milp as milp
from alliancekit import parallel
from alliancekit.model import SolveStatus


def knapsack(n: int, rows: int = 8, seed: int = 3) -> tuple[pd.DataFrame, dict]:
    """``rows`` dense budget columns at 25 % of their totals and an average-risk cap."""
    rng = np.random.default_rng(seed)
    table = pd.DataFrame(
        rng.uniform(1, 50, (n, rows)).round(1),
        index=[f"Q{k:04d}" for k in range(n)],
        columns=[f"b{j}" for j in range(rows)],
    )
    table["gain"] = (rng.uniform(5, 60, n) + 0.4 * table.mean(axis=1)).round(1)
    table["risk"] = rng.uniform(0.1, 0.8, n).round(3)
    limits = {c: float(table[c].sum() * 0.25) for c in table.columns[:rows]}
    return table, {"limits": limits, "max_average": {"risk": 0.4}}


def _feasible(table: pd.DataFrame, kw: dict, selected: list[str]) -> bool:
    chosen = table.loc[selected]
    within = all(chosen[c].sum() <= cap + 1e-6 for c, cap in kw["limits"].items())
    return within and chosen["risk"].mean() <= 0.4 + 1e-9


def _cbc_children() -> list[str]:
    """Child processes of this process that are CBC (a race must leave none running)."""
    found = []
    for path in glob.glob(f"/proc/{os.getpid()}/task/*/children"):
        with open(path, encoding="ascii") as fh:
            for pid in fh.read().split():
                try:
                    with open(f"/proc/{pid}/comm", encoding="ascii") as comm:
                        if "cbc" in comm.read():
                            found.append(pid)
                except OSError:
                    continue
    return found


def _model(table: pd.DataFrame, kw: dict) -> milp.Model:
    problem = ak.select_portfolio(table, "gain", time_limit=5, **kw).problem
    return milp.build(problem)


def test_the_race_is_for_large_models_with_dense_budget_rows(monkeypatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})
    big = _model(*knapsack(milp.RACE_MIN_BINARIES + 50))
    assert milp._should_race(big)
    assert not milp._should_race(_model(*knapsack(60)))  # small: HiGHS alone, milliseconds
    few_rows = _model(*knapsack(milp.RACE_MIN_BINARIES + 50, rows=1))
    assert not milp._should_race(few_rows)  # one budget and the average: not knapsack-heavy
    monkeypatch.setattr(parallel, "_IN_WORKER", True)
    assert not milp._should_race(big)  # inside a parallel sweep the cores are taken
    monkeypatch.setattr(parallel, "_IN_WORKER", False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0})
    assert not milp._should_race(big)


@pytest.mark.slow
def test_a_race_proves_the_gap_and_leaves_no_solver_running() -> None:
    # three budget rows: proved in about a second even on a machine loaded 4x over its cores
    # (eight rows took minutes there); the limit only stops a runaway solve
    table, kw = knapsack(600, rows=3)
    raced = ak.select_portfolio(table, "gain", mip_gap=1e-3, time_limit=600, **kw)
    alone = ak.select_portfolio(table, "gain", mip_gap=1e-3, time_limit=600, solver="cbc", **kw)
    assert raced.status is SolveStatus.OPTIMAL
    assert raced.mip_gap <= 1e-3
    assert str(raced.solver) in ("highs", "cbc")
    assert _feasible(table, kw, list(raced.selected))
    # both are within 0.1 % of the same optimum
    assert raced.objective_value == pytest.approx(alone.objective_value, rel=2e-3)
    assert _cbc_children() == []


@pytest.mark.slow
def test_a_time_limited_race_stays_labelled_with_its_gap() -> None:
    table, kw = knapsack(1500, rows=10)
    r = ak.select_portfolio(table, "gain", mip_gap=1e-9, time_limit=3, **kw)
    assert r.status is SolveStatus.TIME_LIMIT  # never called optimal
    assert 0 < r.mip_gap < 0.05
    assert _feasible(table, kw, list(r.selected))
    assert _cbc_children() == []
    assert r.summary().startswith("time_limit, gap ")
