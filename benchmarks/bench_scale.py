"""Scale (issue 20): PROMETHEE II, SMAA, hard portfolios, sweeps and report batches.

Run: ``.venv/bin/python benchmarks/bench_scale.py [section ...]`` with sections ``promethee``,
``smaa``, ``hard``, ``robustness``, ``reports`` (default: all). Prints Markdown rows for
benchmarks/RESULTS.md; no assertions. Ratios are measured in one run (same load):

- promethee: score(method="promethee_ii") on m × 10 random values (linear preference with
  thresholds, ties from rounding) at 1k / 10k / 20k / 100k: best-of-3 time and peak traced
  memory; the O(m²) definition (``promethee_reference_kernel``) at 1k and 10k, and pymcdm's
  PROMETHEE_II at 3k, for the ratios;
- smaa: 10,000 draws at 500 / 2,000 / 5,000 partners × 10 criteria (weighted sum), time and
  peak RSS of a fresh process each (tracemalloc misses nothing here, but RSS is what a user
  sees);
- hard: the hard portfolio instance (10 limit columns + an average-risk cap) at 1,000 / 5,000 /
  20,000: time to a proven 1e-4 gap (30 s limit) by HiGHS alone, CBC alone and the default
  race;
- robustness: ``portfolio_robustness`` defaults (200 draws × 2 modes) at 1,000 candidates with
  jobs=1 and jobs=2;
- reports: 12 and 48 reports (copies of the three samples) serially vs on a two-worker Dask
  LocalCluster on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

import alliancekit as ak
from alliancekit.scoring import Preference, promethee_kernel, promethee_reference_kernel

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SAMPLES = ("sanchar-apps", "greenscape", "norden-pumpen")


def _best(fn: Callable[[], object], repeat: int = 3) -> float:
    best = np.inf
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def _peak(fn: Callable[[], object]) -> float:
    """Peak traced memory [MiB] of one call (numpy reports its buffers to tracemalloc)."""
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return peak


# -- PROMETHEE II -------------------------------------------------------------------------------
def promethee_values(m: int, n: int = 10, seed: int = 0) -> tuple[np.ndarray, list[Preference]]:
    rng = np.random.default_rng(seed)
    x = np.round(rng.normal(50, 15, (m, n)), 1)  # ties from the rounding
    return x, [Preference("linear", q=2.0, p=12.0)] * n


def bench_promethee() -> None:
    print("| case | time | peak memory | ratio |")
    print("|---|---|---|---|")
    for m in (1_000, 10_000, 20_000, 100_000):
        x, prefs = promethee_values(m)
        frame = pd.DataFrame(x, columns=[f"C{j}" for j in range(10)])
        weights = dict.fromkeys(frame.columns, 0.1)
        pref_map = dict(zip(frame.columns, prefs, strict=True))

        def fast(frame=frame, weights=weights, pref_map=pref_map) -> object:
            return ak.score(frame, weights, "benefit", "promethee_ii", preferences=pref_map)

        t_fast, mem_fast = _best(fast), _peak(fast)
        ratio = ""
        if m <= 10_000:
            t_ref = _best(lambda x=x, prefs=prefs: promethee_reference_kernel(x, prefs), 1)
            t_kernel = _best(lambda x=x, prefs=prefs: promethee_kernel(x, prefs))
            mem_ref = _peak(lambda x=x, prefs=prefs: promethee_reference_kernel(x, prefs))
            ratio = (
                f"kernel vs O(m²) definition: {t_kernel * 1e3:.1f} ms vs {t_ref:.2f} s "
                f"({t_ref / t_kernel:,.0f}× faster), {mem_ref:,.0f} MiB for the definition"
            )
        print(f"| score promethee_ii {m:,} × 10 | {t_fast:.3f} s | {mem_fast:,.1f} MiB | {ratio} |")
    _promethee_vs_pymcdm()


def _promethee_vs_pymcdm() -> None:
    try:
        from pymcdm import methods as pm
    except ImportError:
        print("| pymcdm not installed | | | |")
        return
    x, prefs = promethee_values(3_000)
    w = np.full(10, 0.1)
    types = np.ones(10)

    def theirs() -> np.ndarray:  # a new object per call: pymcdm consumes its thresholds
        return pm.PROMETHEE_II("vshape_2", q=[2.0] * 10, p=[12.0] * 10)(x, w, types)

    t_theirs = _best(theirs, 1)
    mem_theirs = _peak(theirs)
    frame = pd.DataFrame(x, columns=[f"C{j}" for j in range(10)])
    pref_map = dict(zip(frame.columns, prefs, strict=True))
    weights = dict.fromkeys(frame.columns, 0.1)

    def ours() -> object:
        return ak.score(frame, weights, "benefit", "promethee_ii", preferences=pref_map)

    t_ours, mem_ours = _best(ours), _peak(ours)
    same = np.allclose(ours().scores.to_numpy(), theirs(), atol=1e-12)
    print(
        f"| score promethee_ii 3,000 × 10 vs pymcdm PROMETHEE_II | {t_ours * 1e3:.1f} ms vs "
        f"{t_theirs:.2f} s | {mem_ours:.1f} vs {mem_theirs:,.0f} MiB | "
        f"**{t_ours / t_theirs:.4f}** (aim ≤ 0.05); same net flows to 1e-12: {same} |"
    )


# -- SMAA ---------------------------------------------------------------------------------------
_SMAA_CHILD = """
import resource, sys, time
import numpy as np, pandas as pd
import alliancekit as ak
m = int(sys.argv[1])
rng = np.random.default_rng(0)
frame = pd.DataFrame(rng.uniform(0, 10, (m, 10)), columns=[f"C{j}" for j in range(10)])
ak.smaa(frame.iloc[:50], "benefit", n_samples=100)  # warm-up
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
ak.smaa(frame, "benefit", n_samples=10_000, seed=0)
dt = time.perf_counter() - t
print(dt, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, base / 1024)
"""


def bench_smaa() -> None:
    print("| case | time | peak RSS (process) |")
    print("|---|---|---|")
    for m in (500, 2_000, 5_000):
        runs = []
        for _ in range(3):
            out = subprocess.run(
                [sys.executable, "-c", _SMAA_CHILD, str(m)],
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append([float(v) for v in out.stdout.split()])
        dt = min(r[0] for r in runs)
        rss = max(r[1] for r in runs)
        print(f"| smaa weighted_sum 10,000 draws × {m:,} × 10 | {dt:.2f} s | {rss:,.0f} MiB |")


# -- hard portfolios ----------------------------------------------------------------------------
def hard_instance(n: int, seed: int = 0, m: int = 10) -> tuple[pd.DataFrame, dict]:
    """10 budget-like limit columns (30 % of the total each) and an average-risk cap of 0.35:
    a multi-dimensional knapsack with a side row."""
    rng = np.random.default_rng(seed)
    costs = rng.uniform(1, 100, (m, n)).round(2)
    table = pd.DataFrame(
        {f"cost{j}": costs[j] for j in range(m)}, index=[f"P{k:05d}" for k in range(n)]
    )
    table["value"] = (rng.uniform(10, 100, n) + 0.3 * costs.mean(0)).round(2)
    table["risk"] = rng.uniform(0.05, 0.7, n).round(4)
    limits = {f"cost{j}": float(costs[j].sum() * 0.3) for j in range(m)}
    return table, {"limits": limits, "max_average": {"risk": 0.35}}


def bench_hard() -> None:
    import alliancekit.portfolio.milp as milp

    print("| n | HiGHS alone | CBC alone | default (race) |")
    print("|---|---|---|---|")
    for n in (1_000, 5_000, 20_000):
        table, kw = hard_instance(n)
        cells = []
        for label, solver, race in (("highs", "highs", False), ("cbc", "cbc", False),
                                    ("race", "highs", True)):  # fmt: skip
            saved = milp.RACE_MIN_BINARIES
            milp.RACE_MIN_BINARIES = 300 if race else 10**9
            try:
                t = time.perf_counter()
                r = ak.select_portfolio(
                    table, "value", mip_gap=1e-4, time_limit=30, solver=solver, **kw
                )
                dt = time.perf_counter() - t
            finally:
                milp.RACE_MIN_BINARIES = saved
            won = f", {r.solver} answered" if label == "race" else ""
            cells.append(f"{dt:.1f} s {r.status.value} (gap {r.mip_gap:.1e}{won})")
        print(f"| {n:,} | " + " | ".join(cells) + " |")


# -- sweeps -------------------------------------------------------------------------------------
def bench_robustness() -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from _synthetic import candidates_workspace

    ws = candidates_workspace(1_000)
    tables = {}
    print("| case | time |")
    print("|---|---|")
    for jobs in (1, 2):
        t = time.perf_counter()
        tables[jobs] = ak.portfolio_robustness(ws, seed=0, jobs=jobs).table
        print(f"| portfolio_robustness defaults, 1,000 candidates, jobs={jobs} | "
              f"{time.perf_counter() - t:.1f} s |")  # fmt: skip
    print(f"| same table with 1 and 2 workers | {tables[1].equals(tables[2])} |")


# -- report batches -----------------------------------------------------------------------------
def bench_reports() -> None:
    from distributed import LocalCluster

    from alliancekit import reporting

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        spaces = []
        for k in range(48):
            src = DATA / SAMPLES[k % 3]
            dst = base / "ws" / f"{SAMPLES[k % 3]}-{k:02d}"
            shutil.copytree(src, dst)
            spaces.append(dst)
        print("| case | serial (jobs=1) | Dask LocalCluster, 2 workers | ratio |")
        print("|---|---|---|---|")
        with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                          dashboard_address=None, silence_logs=50) as cluster:  # fmt: skip
            address = cluster.scheduler_address
            reporting.run_reports(spaces[:2], out_dir=base / "warm", scheduler=address,
                                  progress=False)  # fmt: skip
            for count in (12, 48):
                t = time.perf_counter()
                a = reporting.run_reports(spaces[:count], out_dir=base / f"s{count}",
                                          progress=False)  # fmt: skip
                t_serial = time.perf_counter() - t
                t = time.perf_counter()
                b = reporting.run_reports(spaces[:count], out_dir=base / f"d{count}",
                                          scheduler=address, progress=False)  # fmt: skip
                t_dask = time.perf_counter() - t
                ok = a.ok and b.ok and len(a.runs) == len(b.runs) == count
                print(f"| {count} reports | {t_serial:.1f} s | {t_dask:.1f} s | "
                      f"{t_serial / t_dask:.2f}× (all published: {ok}) |")  # fmt: skip


SECTIONS = {
    "promethee": bench_promethee,
    "smaa": bench_smaa,
    "hard": bench_hard,
    "robustness": bench_robustness,
    "reports": bench_reports,
}


def main(argv: list[str]) -> None:
    load = os.getloadavg()[0]
    print(f"nproc = {os.cpu_count()}, load average {load:.1f}, numpy {np.__version__}")
    for name in argv or list(SECTIONS):
        print(f"\n### {name}\n")
        SECTIONS[name]()
    print(json.dumps({"done": True}))


if __name__ == "__main__":
    main(sys.argv[1:])
