"""Speed and memory of SMAA-2 and of score() on large random problems.

Run: ``.venv/bin/python benchmarks/bench_scoring.py``. Prints one line per case: best of 3 wall
times, and the peak traced (tracemalloc) memory of a separate run. Targets (issue 3): SMAA with
10,000 draws × 500 alternatives × 10 criteria < 1 s and < 500 MB; TOPSIS and weighted sum on
100,000 × 20 < 0.5 s. No assertions: the measured figures go to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import os
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
import pandas as pd

import alliancekit as ak


def problem(m: int, n: int, seed: int = 0) -> tuple[pd.DataFrame, dict, dict]:
    """Random m × n matrix, every third criterion a cost, random weights."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        rng.uniform(1.0, 100.0, (m, n)),
        index=pd.Index([f"P{i:06d}" for i in range(m)], name="partner_id"),
        columns=[f"C{j + 1}" for j in range(n)],
    )
    dirs = {c: ("cost" if j % 3 == 0 else "benefit") for j, c in enumerate(frame.columns)}
    weights = dict(zip(frame.columns, rng.dirichlet(np.ones(n)), strict=True))
    return frame, dirs, weights


def measure(fn: Callable[[], object], repeat: int = 3) -> tuple[float, float]:
    """(best wall time [s], peak traced memory [MB]) of ``fn``."""
    fn()  # warm-up (imports, caches)
    best = min(_timed(fn) for _ in range(repeat))
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return best, peak


def _timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    print(f"nproc = {os.cpu_count()}, numpy {np.__version__}, pandas {pd.__version__}")
    frame, dirs, weights = problem(500, 10)
    cases: list[tuple[str, Callable[[], object], str]] = [
        (
            "smaa weighted_sum 10,000 draws × 500 × 10",
            lambda: ak.smaa(frame, dirs, n_samples=10_000, seed=0),
            "target < 1 s, < 500 MB",
        ),
        (
            "smaa weighted_sum ±20 % bounds 10,000 × 500 × 10",
            lambda: ak.smaa(frame, dirs, n_samples=10_000, weights=weights, bounds_pct=20),
            "",
        ),
        (
            "smaa topsis 10,000 × 500 × 10",
            lambda: ak.smaa(frame, dirs, method="topsis", n_samples=10_000),
            "",
        ),
        (
            "smaa promethee_ii 10,000 × 500 × 10",
            lambda: ak.smaa(frame, dirs, method="promethee_ii", n_samples=10_000),
            "",
        ),
        (
            "smaa weighted_sum + pairwise 10,000 × 500 × 10",
            lambda: ak.smaa(frame, dirs, n_samples=10_000, pairwise=True),
            "",
        ),
        (
            "smaa weighted_sum + value noise 10,000 × 500 × 10",
            lambda: ak.smaa(frame, dirs, n_samples=10_000, value_noise=0.05),
            "",
        ),
    ]
    big, big_dirs, big_w = problem(100_000, 20)
    cases += [
        (
            "score topsis 100,000 × 20",
            lambda: ak.score(big, big_w, big_dirs, method="topsis"),
            "target < 0.5 s",
        ),
        (
            "score weighted_sum 100,000 × 20",
            lambda: ak.score(big, big_w, big_dirs),
            "target < 0.5 s",
        ),
    ]
    mid, mid_dirs, mid_w = problem(2_000, 20)
    cases.append(
        (
            "score promethee_ii 2,000 × 20",
            lambda: ak.score(mid, mid_w, mid_dirs, method="promethee_ii"),
            "",
        )
    )
    cases.append(
        (
            "weight_stability weighted_sum top-3, 500 × 10",
            lambda: ak.weight_stability(frame, weights, dirs, top_k=3),
            "",
        )
    )
    for name, fn, target in cases:
        seconds, peak = measure(fn)
        print(f"{name:52s} {seconds * 1000:9.1f} ms  peak {peak:7.1f} MB  {target}")


if __name__ == "__main__":
    main()
