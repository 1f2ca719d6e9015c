"""Benchmark: review 1,000 alliances × 5 KPIs × 12 quarters (target < 2 s on 2 cores).

Builds a synthetic in-memory workspace (seeded), then times ``review_alliances`` and
``decision_sensitivity`` (32 policy variants on the same measurements). Prints the figures that
go into ``benchmarks/RESULTS.md``.

Run: ``.venv/bin/python benchmarks/bench_review.py [--alliances N] [--repeat R]``
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from _synthetic import alliances_workspace

from alliancekit.review import decision_sensitivity, review_alliances


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alliances", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    t0 = time.perf_counter()
    ws = alliances_workspace(args.alliances)
    build = time.perf_counter() - t0
    print(f"nproc={os.cpu_count()}; {args.alliances} alliances x 5 KPIs x 12 quarters")
    print(f"  KPI rows: {len(ws.kpis):,}; build {build:.2f} s")
    review_alliances(ws)  # warm-up (imports, caches)
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        res = review_alliances(ws)
        times.append(time.perf_counter() - t)
    counts = ", ".join(f"{k} {v}" for k, v in res.counts().items())
    print(f"  review_alliances: best {min(times):.3f} s, median {np.median(times):.3f} s")
    print(f"  decisions: {counts}")
    t = time.perf_counter()
    sens = decision_sensitivity(ws)
    print(
        f"  decision_sensitivity (32 variants): {time.perf_counter() - t:.3f} s; "
        f"{int(sens['fragile'].sum())} fragile"
    )
    verdict = "OK" if min(times) < 2.0 else "TOO SLOW"
    print(f"  target < 2 s: {verdict}")


if __name__ == "__main__":
    main()
