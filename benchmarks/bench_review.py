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
import pandas as pd

from alliancekit.model import (
    Alliance,
    AllianceForm,
    AllianceStatus,
    Organization,
    Relation,
    RiskAppetite,
    Workspace,
    period_from_index,
    period_index,
)
from alliancekit.review import decision_sensitivity, review_alliances


def synthetic_workspace(n_alliances: int, n_kpis: int = 5, n_quarters: int = 12, seed: int = 0):
    """A workspace with random but plausible plans, actuals, surveys, milestones and events."""
    rng = np.random.default_rng(seed)
    ids = [f"AL-{i:05d}" for i in range(n_alliances)]
    start = period_index("2022-Q3")
    periods = [period_from_index(start + q) for q in range(n_quarters)]
    n = n_alliances * n_kpis * n_quarters
    a_idx = np.repeat(np.arange(n_alliances), n_kpis * n_quarters)
    k_idx = np.tile(np.repeat(np.arange(n_kpis), n_quarters), n_alliances)
    q_idx = np.tile(np.arange(n_quarters), n_alliances * n_kpis)
    level = rng.uniform(0.4, 1.3, n_alliances)[a_idx]
    drift = rng.normal(0, 0.02, n_alliances)[a_idx] * q_idx
    planned = rng.uniform(10, 1000, n_alliances * n_kpis)[a_idx * n_kpis + k_idx]
    ratio = np.clip(level + drift + rng.normal(0, 0.05, n), 0.05, None)
    lower = k_idx == 4
    actual = np.where(lower, planned * (2 - ratio), planned * ratio)
    actual[rng.random(n) < 0.01] = np.nan  # 1 % not reported
    w = np.array([0.3, 0.25, 0.2, 0.15, 0.1])
    kpis = pd.DataFrame(
        {
            "alliance_id": np.array(ids)[a_idx],
            "kpi_id": np.array([f"k{j}" for j in range(n_kpis)])[k_idx],
            "period": np.array(periods)[q_idx],
            "planned": planned,
            "actual": actual,
            "unit": np.where(k_idx == 0, "PKR lakh", "count"),
            "direction": np.where(lower, "lower", "higher"),
            "weight": w[k_idx % 5],
        }
    )
    sides = []
    for side in ("own", "partner"):
        sides.append(
            pd.DataFrame(
                {
                    "alliance_id": ids,
                    "period": periods[-2],
                    "side": side,
                    "strategic_fit": rng.uniform(1.5, 5, n_alliances) if side == "own" else np.nan,
                    "trust": rng.uniform(1.5, 5, n_alliances),
                    "governance": rng.uniform(1.5, 5, n_alliances) if side == "own" else np.nan,
                    "commitment": rng.uniform(1.5, 5, n_alliances) if side == "own" else np.nan,
                    "learning": rng.uniform(1.5, 5, n_alliances) if side == "own" else np.nan,
                }
            )
        )
    health = pd.concat(sides, ignore_index=True)
    milestones = pd.DataFrame(
        {
            "alliance_id": np.repeat(ids, 2),
            "milestone_id": ["M1", "M2"] * n_alliances,
            "text": "milestone",
            "due_period": [periods[-3], periods[-1]] * n_alliances,
            "status": rng.choice(["met", "late", "missed", "pending"], 2 * n_alliances),
            "turning_point": rng.random(2 * n_alliances) < 0.3,
        }
    )
    hit = rng.choice(n_alliances, max(1, n_alliances // 100), replace=False)
    events = pd.DataFrame(
        {
            "alliance_id": np.array(ids)[hit],
            "period": periods[-1],
            "trigger": "material_breach",
            "description": "synthetic breach",
        }
    )
    org = Organization(
        org_id="bench",
        name="Benchmark Org",
        sector="synthetic",
        mission_statement="benchmark",
        currency="PKR",
        money_unit="lakh",
        goals=(),
        capability_gaps=(),
        budget_one_off=1e6,
        budget_annual=1e6,
        risk_appetite=RiskAppetite.MEDIUM,
    )
    alliances = tuple(
        Alliance(
            alliance_id=aid,
            partner_name=f"Partner {i}",
            relation=Relation.SUPPLIER,
            form=AllianceForm.ALLIANCE_AGREEMENT,
            start_period="2022-Q1",
            status=AllianceStatus.ACTIVE,
            cost_annual=float(rng.uniform(5, 50)),
            exit_cost=float(rng.uniform(0, 20)),
            value_plan_annual=float(rng.uniform(10, 120)),
        )
        for i, aid in enumerate(ids)
    )
    return Workspace(
        name="bench",
        organization=org,
        candidates=(),
        alliances=alliances,
        kpis=kpis,
        health=health,
        events=events,
        milestones=milestones,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alliances", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    t0 = time.perf_counter()
    ws = synthetic_workspace(args.alliances)
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
