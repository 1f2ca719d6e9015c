"""Portfolio MILP speed: widget-scale solves, overhead versus scipy, large n, frontier.

Run: ``.venv/bin/python benchmarks/bench_portfolio.py`` (prints figures; no assertions).

(a) n = 50 build + solve median (target < 50 ms)
(b) n = 1,000 with 10 constraints: select_portfolio / scipy.optimize.milp time, same optimum
    (target ratio ≤ 1.5), both measured in this run
(c) n = 5,000 solved to a 1e-4 relative gap (target < 5 s)
(d) 20-point efficient frontier at n = 200 (target < 3 s)
(e) 20-point frontiers on the bundled sample workspaces (for the widgets)
"""

from __future__ import annotations

import os
import statistics
import time

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

from alliancekit.portfolio import GroupLimit, efficient_frontier, select_portfolio


def instance(n: int, seed: int = 0, n_limits: int = 2) -> tuple[pd.DataFrame, dict]:
    """A plan-like random instance: budgets, counts, average and per-partner risk, coverage,
    conflicts, a requires rule and a group limit."""
    rng = np.random.default_rng(seed)
    ids = [f"P{k:05d}" for k in range(n)]
    table = pd.DataFrame(
        {
            "value": rng.uniform(-10, 200, n).round(2),
            "risk": rng.uniform(0.05, 0.7, n).round(4),
            "relation": rng.choice(["supplier", "customer", "competitor", "public_body"], n),
        },
        index=ids,
    )
    for j in range(n_limits):
        table[f"cost{j}"] = rng.uniform(1, 100, n).round(2)
    gaps = [f"G{g}" for g in range(4)]
    coverage = pd.DataFrame(
        rng.choice([0.0] * 6 + [0.3, 0.6, 1.0], size=(n, len(gaps))), index=ids, columns=gaps
    )
    kwargs = {
        "limits": {f"cost{j}": float(table[f"cost{j}"].sum() * 0.1) for j in range(n_limits)},
        "min_count": 2,
        "max_count": max(3, n // 8),
        "max_average": {"risk": 0.35},
        "max_each": {"risk": 0.6},
        "coverage": coverage,
        "coverage_required": dict.fromkeys(gaps, 1.0),
        "conflicts": [(ids[0], ids[1]), (ids[2], ids[3], ids[4])],
        "requires": {ids[5]: [ids[6], ids[7]]},
        "groups": [GroupLimit("relation", "competitor", max_count=max(1, n // 50))],
    }
    return table, kwargs


def bench_a() -> float:
    table, kw = instance(50, seed=1)
    select_portfolio(table, "value", **kw)  # warm-up (imports, highspy)
    times = []
    for _ in range(30):
        t0 = time.perf_counter()
        select_portfolio(table, "value", **kw)
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    print(f"(a) n=50 build+solve: median {med * 1e3:.1f} ms over 30 runs (target < 50 ms)")
    return med


def scipy_arrays(table: pd.DataFrame, limits: dict, max_count: int) -> tuple:
    n = len(table)
    A = np.vstack([table[c].to_numpy(float) for c in limits] + [np.ones(n)])
    ub = np.array([*limits.values(), max_count], dtype=float)
    return A, ub


def bench_b() -> tuple[float, float, float, float]:
    n, m = 1000, 9  # 9 budget-like limits + the count = 10 constraints
    rng = np.random.default_rng(0)
    costs = rng.uniform(1, 100, (m, n)).round(2)
    table = pd.DataFrame(
        {f"cost{j}": costs[j] for j in range(m)}, index=[f"P{k:04d}" for k in range(n)]
    )
    table["value"] = (rng.uniform(10, 100, n) + 0.3 * costs.mean(0)).round(2)
    limits = {f"cost{j}": float(costs[j].sum() * 0.3) for j in range(m)}
    kw = {"limits": limits, "max_count": 250, "mip_gap": 1e-4}
    select_portfolio(table, "value", **kw)
    A, ub = scipy_arrays(table, limits, 250)
    c = -table["value"].to_numpy(float)
    ours, theirs, obj_ours, obj_theirs = [], [], 0.0, 0.0
    for _ in range(5):
        t0 = time.perf_counter()
        r = select_portfolio(table, "value", **kw)
        ours.append(time.perf_counter() - t0)
        obj_ours = r.objective_value
        t0 = time.perf_counter()
        A, ub = scipy_arrays(table, limits, 250)
        res = milp(
            c,
            constraints=LinearConstraint(A, -np.inf, ub),
            integrality=np.ones(n),
            bounds=Bounds(0, 1),
            options={"mip_rel_gap": 1e-4},
        )
        theirs.append(time.perf_counter() - t0)
        obj_theirs = -res.fun
    t_ours, t_theirs = statistics.median(ours), statistics.median(theirs)
    print(
        f"(b) n=1000, 10 constraints, gap 1e-4: select_portfolio {t_ours * 1e3:.0f} ms, "
        f"scipy milp {t_theirs * 1e3:.0f} ms, ratio {t_ours / t_theirs:.2f} (target <= 1.5); "
        f"optimum {obj_ours:,.2f} vs {obj_theirs:,.2f} "
        f"(rel diff {abs(obj_ours - obj_theirs) / abs(obj_theirs):.1e}; both stop at 1e-4 gap)"
    )
    return t_ours, t_theirs, obj_ours, obj_theirs


def bench_c() -> float:
    table, kw = instance(5000, seed=5)
    t0 = time.perf_counter()
    r = select_portfolio(table, "value", mip_gap=1e-4, **kw)
    dt = time.perf_counter() - t0
    print(
        f"(c) n=5000 to gap 1e-4: {dt:.2f} s (target < 5 s); status {r.status.value}, "
        f"gap {r.mip_gap:.1e}, {len(r.selected)} selected"
    )
    return dt


def bench_d() -> float:
    table, kw = instance(200, seed=7)
    base = select_portfolio(table, "value", **kw)
    t0 = time.perf_counter()
    fr = efficient_frontier(base, vary="cost0", points=20, progress=False)
    dt = time.perf_counter() - t0
    feasible = int(fr.points["feasible"].sum())
    print(f"(d) 20-point frontier at n=200: {dt:.2f} s (target < 3 s); {feasible}/20 feasible")
    return dt


def bench_e() -> None:
    """Widget-scale frontiers on the bundled samples (plan_portfolio problems)."""
    from alliancekit.workspace import sample_workspace

    for name in ("sanchar-apps", "norden-pumpen"):
        ws = sample_workspace(name)
        for vary in ("budget_annual", "avg_risk"):
            t0 = time.perf_counter()
            fr = efficient_frontier(ws, vary=vary, points=20, progress=False)
            dt = time.perf_counter() - t0
            print(f"(e) 20-point {vary} frontier, sample {name}: {dt:.2f} s ({fr.summary()})")


def main() -> None:
    print(f"nproc = {os.cpu_count()}, solver HiGHS (highspy) through PuLP")
    bench_a()
    bench_b()
    bench_c()
    bench_d()
    bench_e()


if __name__ == "__main__":
    main()
