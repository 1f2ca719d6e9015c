"""Workspace I/O speed: load, validate and save the samples and a large synthetic workspace.

Run: ``.venv/bin/python benchmarks/bench_workspace.py``. Prints best-of-N wall times and the
peak traced memory (tracemalloc) of one load; figures go in ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import os
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from _synthetic import scaled_sample

from alliancekit.workspace import (
    load_workspace,
    sample_names,
    sample_workspace,
    save_workspace,
    validate_workspace,
)


def best(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def peak_mib(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    print(f"nproc = {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name in sample_names()[:3]:
            ws = sample_workspace(name)
            folder = save_workspace(ws, root / name)
            book = save_workspace(ws, root / f"{name}.xlsx")
            t_lf = best(lambda f=folder: load_workspace(f)) * 1e3
            t_lx = best(lambda b=book: load_workspace(b)) * 1e3
            t_sf = best(lambda w=ws: save_workspace(w, root / "x")) * 1e3
            t_sx = best(lambda w=ws: save_workspace(w, root / "x.xlsx")) * 1e3
            print(
                f"sample {name:14s} load folder {t_lf:6.1f} ms | load xlsx {t_lx:6.1f} ms"
                f" | save folder {t_sf:6.1f} ms | save xlsx {t_sx:6.1f} ms"
            )
        big = scaled_sample(2000, 1000, 5, 12)
        folder = save_workspace(big, root / "big")
        book = save_workspace(big, root / "big.xlsx")
        print(
            f"synthetic: {len(big.candidates)} candidates, {len(big.alliances)} alliances, "
            f"{len(big.kpis)} KPI rows"
        )
        print(
            f"  load folder   {best(lambda: load_workspace(folder), 2):6.2f} s, "
            f"peak {peak_mib(lambda: load_workspace(folder)):6.1f} MiB"
        )
        print(f"  validate ws   {best(lambda: validate_workspace(big), 2):6.2f} s")
        print(f"  save folder   {best(lambda: save_workspace(big, root / 'big2'), 2):6.2f} s")
        print(f"  load xlsx     {best(lambda: load_workspace(book), 1):6.2f} s")
        print(f"  save xlsx     {best(lambda: save_workspace(big, root / 'big2.xlsx'), 1):6.2f} s")


if __name__ == "__main__":
    main()
