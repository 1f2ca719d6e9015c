"""Speed and memory of risk_table, simulate_scenarios and score_partners on synthetic workspaces.

Run: ``.venv/bin/python benchmarks/bench_risk.py``. Prints one line per case (best of 3 wall
times, peak traced memory of one run). No assertions: figures go to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import os
import time
import tracemalloc
from collections.abc import Callable

from _synthetic import candidates_workspace

from alliancekit.criteria import score_partners
from alliancekit.risk import cvar, risk_table, simulate_scenarios


def measure(label: str, fn: Callable[[], object], repeats: int = 3) -> None:
    """Print best wall time of ``repeats`` runs and the peak traced memory of one run."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<58} {min(times) * 1000:9.1f} ms   peak {peak / 2**20:7.1f} MiB")


def main() -> None:
    print(f"nproc = {os.cpu_count()}")
    for n in (16, 500, 2000):
        ws = candidates_workspace(n)
        measure(f"risk_table, {n} candidates", lambda ws=ws: risk_table(ws))
        measure(f"score_partners (weighted_sum), {n} candidates", lambda ws=ws: score_partners(ws))
    ws = candidates_workspace(500)
    measure(
        "simulate_scenarios, 10,000 scenarios x 500 candidates",
        lambda: simulate_scenarios(ws, n_scenarios=10_000, seed=0),
    )
    sc = simulate_scenarios(ws, n_scenarios=10_000, seed=0)
    loss = sc.loss.to_numpy()
    measure("cvar(0.95) of 500 columns x 10,000 scenarios", lambda: cvar(loss, 0.95))


if __name__ == "__main__":
    main()
