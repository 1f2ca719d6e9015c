"""Speed and memory of risk_table, simulate_scenarios and score_partners on synthetic workspaces.

Run: ``.venv/bin/python benchmarks/bench_risk.py``. Prints one line per case (best of 3 wall
times, peak traced memory of one run). No assertions: figures go to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import os
import time
import tracemalloc
from collections.abc import Callable

import numpy as np

from alliancekit.criteria import score_partners
from alliancekit.model import (
    AllianceForm,
    Candidate,
    Gap,
    Goal,
    Organization,
    Relation,
    RiskAppetite,
    Workspace,
)
from alliancekit.risk import cvar, risk_table, simulate_scenarios


def synthetic_workspace(n: int, seed: int = 0) -> Workspace:
    """A random workspace with ``n`` candidates over 8 gaps and 12 sectors."""
    rng = np.random.default_rng(seed)
    gaps = tuple(Gap(f"G{g}", f"gap {g}", int(rng.integers(1, 6))) for g in range(1, 9))
    org = Organization(
        org_id="bench",
        name="Bench Org",
        sector="industry",
        mission_statement="Benchmark.",
        currency="EUR",
        money_unit="k",
        goals=(Goal("g", "grow", 1.0),),
        capability_gaps=gaps,
        budget_one_off=1e5,
        budget_annual=1e5,
        risk_appetite=RiskAppetite.MEDIUM,
        planning_horizon_years=5,
        discount_rate=0.09,
    )
    relations = list(Relation)
    forms = list(AllianceForm)
    cands = []
    for i in range(n):
        lik = rng.integers(1, 6, size=15).astype(float)
        chosen = rng.choice(8, size=int(rng.integers(0, 3)), replace=False)
        cands.append(
            Candidate(
                id=f"P{i:05d}",
                name=f"Partner {i}",
                relation=relations[int(rng.integers(len(relations)))],
                form=forms[int(rng.integers(len(forms)))],
                sector=f"sector {int(rng.integers(12))}",
                cost_one_off=float(rng.uniform(0, 500)),
                cost_annual=float(rng.uniform(0, 300)),
                value_annual=float(rng.uniform(50, 1000)),
                exit_cost=float(rng.uniform(0, 200)),
                coverage={f"G{g + 1}": float(rng.uniform(0.1, 1.0)) for g in chosen},
                goal_compat=lik[0],
                culture_compat=lik[1],
                commitment=lik[2],
                reputation=lik[3],
                prior_ties=int(rng.integers(0, 4)),
                learning=lik[4],
                flexibility=lik[5],
                opportunism=lik[6],
                leakage=lik[7],
                dependence=lik[8],
                competence_unc=lik[9],
                market_unc=lik[10],
                complexity=lik[11],
                fin_fragility=lik[12],
                regulatory=lik[13],
            )
        )
    return Workspace("bench", org, tuple(cands))


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
        ws = synthetic_workspace(n)
        measure(f"risk_table, {n} candidates", lambda ws=ws: risk_table(ws))
        measure(f"score_partners (weighted_sum), {n} candidates", lambda ws=ws: score_partners(ws))
    ws = synthetic_workspace(500)
    measure(
        "simulate_scenarios, 10,000 scenarios x 500 candidates",
        lambda: simulate_scenarios(ws, n_scenarios=10_000, seed=0),
    )
    sc = simulate_scenarios(ws, n_scenarios=10_000, seed=0)
    loss = sc.loss.to_numpy()
    measure("cvar(0.95) of 500 columns x 10,000 scenarios", lambda: cvar(loss, 0.95))


if __name__ == "__main__":
    main()
