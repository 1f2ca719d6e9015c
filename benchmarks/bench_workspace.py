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
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from alliancekit.model import Alliance, AllianceForm, AllianceStatus, Relation, Workspace
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


def synthetic(n_candidates: int, n_alliances: int, n_kpis: int, n_periods: int) -> Workspace:
    """Scale up greenscape: copies of its candidates and alliances with seeded KPI histories."""
    rng = np.random.default_rng(0)
    base = sample_workspace("greenscape")
    cands = tuple(
        replace(
            base.candidates[i % len(base.candidates)],
            id=f"X{i:05d}",
            conflicts_with=(),
            requires_any=(),
        )
        for i in range(n_candidates)
    )
    proto = base.alliances[0]
    alliances = tuple(
        Alliance(
            alliance_id=f"AL-{j:05d}",
            partner_name=f"Partner {j}",
            relation=Relation.SUPPLIER,
            form=AllianceForm.ALLIANCE_AGREEMENT,
            start_period="2020-Q1",
            status=AllianceStatus.ACTIVE,
            cost_annual=5.0,
            exit_cost=1.0,
            value_plan_annual=9.0,
            coverage=dict(proto.coverage),
        )
        for j in range(n_alliances)
    )
    periods = [f"{2021 + q // 4}-Q{q % 4 + 1}" for q in range(n_periods)]
    rows = []
    for a in alliances:
        for k in range(n_kpis):
            for p in periods:
                planned = float(rng.integers(10, 100))
                rows.append(
                    {
                        "alliance_id": a.alliance_id,
                        "kpi_id": f"k{k}",
                        "period": p,
                        "planned": planned,
                        "actual": round(planned * rng.uniform(0.5, 1.3), 2),
                        "direction": "higher" if k % 3 else "lower",
                        "weight": 1.0 / n_kpis,
                    }
                )
    kpis = pd.DataFrame(rows)
    for col, default in (
        ("name", ""),
        ("perspective", ""),
        ("unit", ""),
        ("source", "joint"),
        ("confidence", 1.0),
        ("comment", ""),
    ):
        kpis[col] = default
    kpis = kpis[list(base.kpis.columns)].astype(base.kpis.dtypes.to_dict())
    return base.replace(
        candidates=cands,
        alliances=alliances,
        kpis=kpis,
        health=base.health.iloc[0:0],
        events=base.events.iloc[0:0],
        milestones=base.milestones.iloc[0:0],
    )


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
        big = synthetic(2000, 1000, 5, 12)
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
