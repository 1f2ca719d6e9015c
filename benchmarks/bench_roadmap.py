"""Roadmap MILP speed (issue 19): 5-year roadmaps at 200 and 1,000 candidates, alternatives.

Run: ``.venv/bin/python benchmarks/bench_roadmap.py`` (prints figures; no assertions).

(a) 5-year roadmap, 200 candidates, solved to a 1e-4 relative gap: preparation (scores, risks,
    knockouts, stages, matrix) and solve time, status and gap
(b) the same at 1,000 candidates
(c) five near-optimal alternatives (within 2 %, differing by ≥ 1 partner) at 200 candidates
(d) the roadmap's limit values (budgets and capacity, 5 years) at 200 candidates
(e) (b) again with CBC (the other solver the package ships), for comparison

The instances are ``_synthetic.candidates_workspace`` with roadmap data drawn from a seed:
start windows, value ramps for a third, pilots for a fifth, tiers; per-year budgets that grow
and an alliance-manager capacity that grows more slowly; ``max_alliances`` = n/10; two mandatory
gaps from year 4; a high risk appetite. Knockouts are off (``apply_knockouts=False``), so every
candidate is in the MILP.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
from _synthetic import candidates_workspace

from alliancekit.model import RiskAppetite, RoadmapSettings, Workspace
from alliancekit.portfolio import alternative_portfolios, limit_values
from alliancekit.roadmap import roadmap_problem, solve_roadmap


def roadmap_workspace(n: int, seed: int = 0) -> Workspace:
    """``candidates_workspace(n)`` with random roadmap columns and a 5-year roadmap."""
    ws = candidates_workspace(n, seed=seed)
    rng = np.random.default_rng(seed + 1)
    cands = []
    for c in ws.candidates:
        first = int(rng.integers(1, 4))
        kw = {
            "earliest_start": first,
            "latest_start": int(rng.integers(first, 6)),
            "tier": int(rng.integers(1, 4)),
        }
        if rng.random() < 1 / 3:
            kw["value_ramp"] = (0.4, 0.8, 1.0)
        if rng.random() < 0.2:
            kw |= {
                "pilot_years": 1,
                "pilot_cost_one_off": round(0.2 * c.cost_one_off, 2),
                "pilot_cost_annual": round(0.3 * c.cost_annual, 2),
                "pilot_value_annual": round(0.3 * c.value_annual, 2),
            }
        cands.append(replace(c, **kw))
    total_one_off = sum(c.cost_one_off for c in cands)
    total_annual = sum(c.cost_annual for c in cands)
    settings = RoadmapSettings(
        years=5,
        start_year=2026,
        budgets_one_off=tuple(0.04 * total_one_off * k for k in (1.0, 0.8, 0.8, 0.8, 0.8)),
        budgets_annual=tuple(0.06 * total_annual * k for k in (1.0, 1.3, 1.6, 1.9, 2.2)),
        capacity_fte=tuple(0.12 * n * k for k in (1.0, 1.0, 1.15, 1.15, 1.3)),
        coverage_by_year=4,
        fte_by_tier={1: 1.0, 2: 0.5, 3: 0.25},
    )
    gaps = tuple(replace(g, mandatory=k < 2) for k, g in enumerate(ws.organization.capability_gaps))
    org = replace(
        ws.organization,
        roadmap=settings,
        max_alliances=max(3, n // 10),
        capability_gaps=gaps,
        risk_appetite=RiskAppetite.HIGH,
    )
    return ws.replace(organization=org, candidates=tuple(cands))


def bench(n: int, time_limit: float, solver: str = "highs") -> object:
    ws = roadmap_workspace(n)
    t0 = time.perf_counter()
    p = roadmap_problem(
        ws, mip_gap=1e-4, time_limit=time_limit, apply_knockouts=False, solver=solver
    )
    t1 = time.perf_counter()
    r = solve_roadmap(p)
    t2 = time.perf_counter()
    A = p.matrix.A
    print(
        f"n={n} ({solver}): {p.matrix.n} variables, {A.shape[0]} rows, {A.nnz} non-zeros; "
        f"prepare {t1 - t0:.2f} s, solve {t2 - t1:.2f} s ({r.status.value}, gap {r.mip_gap:.2e}); "
        f"{len(r.selected)} partners started, objective {r.objective_value:,.0f} kEUR"
    )
    return r


def main() -> None:
    bench(60, 30.0)  # warm-up (imports, highspy)
    print("(a) 5-year roadmap, 200 candidates, gap 1e-4:")
    r200 = bench(200, 120.0)
    print("(b) 5-year roadmap, 1,000 candidates, gap 1e-4:")
    bench(1000, 600.0)
    t0 = time.perf_counter()
    alt = alternative_portfolios(r200, k=5, within=0.02, min_difference=1)
    t1 = time.perf_counter()
    below = ", ".join(f"{v:.3%}" for v in alt.plans["below_best"])
    print(
        f"(c) five alternatives at n=200: {t1 - t0:.2f} s ({len(alt.results)} plans; below {below})"
    )
    t0 = time.perf_counter()
    lv = limit_values(r200, keys=["limit"])
    t1 = time.perf_counter()
    print(f"(d) limit values (budgets, capacity; 5 years) at n=200: {t1 - t0:.2f} s, ", end="")
    print(f"{len(lv.table)} limits")
    print("(e) 5-year roadmap, 1,000 candidates, gap 1e-4, CBC:")
    bench(1000, 600.0, solver="cbc")


if __name__ == "__main__":
    main()
