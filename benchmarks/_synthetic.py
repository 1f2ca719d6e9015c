"""Seeded synthetic workspaces shared by the benchmark scripts (in memory, never written to data/).

The scripts run as ``python benchmarks/bench_x.py`` from the repo root, which puts this folder
on ``sys.path``, so they import it as ``from _synthetic import ...``.

- :func:`candidates_workspace`: ``n`` random candidates over 8 gaps and 12 sectors
  (``bench_risk``).
- :func:`alliances_workspace`: random plans, actuals, surveys, milestones and events for
  ``n_alliances`` existing alliances (``bench_review``).
- :func:`scaled_sample`: greenscape scaled up with copies of its candidates and alliances and
  seeded KPI histories (``bench_workspace``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.model import (
    Alliance,
    AllianceForm,
    AllianceStatus,
    Candidate,
    Gap,
    Goal,
    Organization,
    Relation,
    RiskAppetite,
    Workspace,
    period_from_index,
    period_index,
)
from alliancekit.workspace import sample_workspace


def bench_org(**kw: Any) -> Organization:
    """A medium-appetite benchmark organization (PKR lakh, no goals or gaps unless given)."""
    base: dict[str, Any] = dict(
        org_id="bench",
        name="Benchmark Org",
        sector="synthetic",
        mission_statement="Benchmark.",
        currency="PKR",
        money_unit="lakh",
        goals=(),
        capability_gaps=(),
        budget_one_off=1e6,
        budget_annual=1e6,
        risk_appetite=RiskAppetite.MEDIUM,
    )
    base.update(kw)
    return Organization(**base)


def bench_alliance(alliance_id: str, partner_name: str, **kw: Any) -> Alliance:
    """An active supplier alliance agreement; override any field by keyword."""
    base: dict[str, Any] = dict(
        alliance_id=alliance_id,
        partner_name=partner_name,
        relation=Relation.SUPPLIER,
        form=AllianceForm.ALLIANCE_AGREEMENT,
        status=AllianceStatus.ACTIVE,
    )
    base.update(kw)
    return Alliance(**base)


def candidates_workspace(n: int, seed: int = 0) -> Workspace:
    """A random workspace with ``n`` candidates over 8 gaps and 12 sectors [kEUR, H = 5 yr]."""
    rng = np.random.default_rng(seed)
    gaps = tuple(Gap(f"G{g}", f"gap {g}", int(rng.integers(1, 6))) for g in range(1, 9))
    org = bench_org(
        sector="industry",
        currency="EUR",
        money_unit="k",
        goals=(Goal("g", "grow", 1.0),),
        capability_gaps=gaps,
        budget_one_off=1e5,
        budget_annual=1e5,
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


def alliances_workspace(
    n_alliances: int, n_kpis: int = 5, n_quarters: int = 12, seed: int = 0
) -> Workspace:
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
    alliances = tuple(
        bench_alliance(
            aid,
            f"Partner {i}",
            start_period="2022-Q1",
            cost_annual=float(rng.uniform(5, 50)),
            exit_cost=float(rng.uniform(0, 20)),
            value_plan_annual=float(rng.uniform(10, 120)),
        )
        for i, aid in enumerate(ids)
    )
    return Workspace(
        name="bench",
        organization=bench_org(),
        candidates=(),
        alliances=alliances,
        kpis=kpis,
        health=health,
        events=events,
        milestones=milestones,
    )


def scaled_sample(n_candidates: int, n_alliances: int, n_kpis: int, n_periods: int) -> Workspace:
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
        bench_alliance(
            f"AL-{j:05d}",
            f"Partner {j}",
            start_period="2020-Q1",
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
