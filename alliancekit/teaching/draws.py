"""Random draws for classroom cases: candidate partners and existing alliances with history.

Every function takes the case's ``numpy`` generator and draws in a fixed order, so a seed always
gives the same case (changing the order of draws changes every case: do not).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alliancekit.model import (
    Alliance,
    AllianceForm,
    AllianceStatus,
    Candidate,
    Relation,
    period_from_index,
    period_index,
)
from alliancekit.teaching.themes import FORMS, PREFIXES, SUFFIXES

__all__ = [
    "EVENT_COLUMNS",
    "HEALTH_COLUMNS",
    "KPI_COLUMNS",
    "money",
    "random_alliances",
    "random_candidate",
]

KPI_COLUMNS = [
    "alliance_id",
    "kpi_id",
    "name",
    "perspective",
    "period",
    "planned",
    "actual",
    "unit",
    "direction",
    "weight",
    "source",
]
HEALTH_COLUMNS = [
    "alliance_id",
    "period",
    "side",
    "strategic_fit",
    "trust",
    "governance",
    "commitment",
    "learning",
]
EVENT_COLUMNS = ["alliance_id", "period", "trigger", "description"]

#: KPI trajectories of existing alliances: drift [share of plan per quarter] and start level.
_DRIFT = {"grow": 0.025, "steady": 0.0, "slide": -0.025, "collapse": -0.07}
_LEVEL = {"grow": 1.05, "steady": 1.0, "slide": 0.95, "collapse": 0.9}
#: Centre of the health survey answers [1–5] for each trajectory.
_HEALTH_BASE = {"grow": 4.3, "steady": 3.6, "slide": 3.0, "collapse": 2.2}
#: (kpi_id, unit, direction, weight, planned) of every existing alliance.
_KPIS = (
    ("volume", "units", "higher", 0.6, 100.0),
    ("on_time_delivery", "%", "higher", 0.4, 95.0),
)


def _draw_likert(rng: np.random.Generator, centre: float, spread: float = 0.8) -> int:
    """An answer on the 1–5 scale drawn around ``centre``."""
    return int(np.clip(np.rint(rng.normal(centre, spread)), 1, 5))


def money(x: float) -> float:
    """An amount rounded to one decimal, as people write it."""
    return float(round(x, 1))


def _partner_name(rng: np.random.Generator, relation: Relation, idx: int, used: set[str]) -> str:
    """A partner name not used yet (numbered once the combinations run short)."""
    while True:
        name = f"{rng.choice(PREFIXES)} {rng.choice(SUFFIXES[relation])}"
        if name not in used:
            used.add(name)
            return name
        if len(used) > 60:
            name = f"{name} {idx}"
            used.add(name)
            return name


def _coverage(
    rng: np.random.Generator, gap_ids: list[str], backbone_gap: str | None
) -> dict[str, float]:
    """Gap coverage: a backbone candidate closes its gap fully (and maybe a bit of another)."""
    if backbone_gap is not None:
        coverage = {backbone_gap: 1.0}
        extra = [g for g in gap_ids if g != backbone_gap]
        if extra and rng.random() < 0.4:
            coverage[str(rng.choice(extra))] = float(rng.choice([0.2, 0.3, 0.4]))
        return coverage
    k = int(rng.integers(1, 3))
    chosen = rng.choice(gap_ids, size=k, replace=False)
    return {str(g): float(rng.choice([0.3, 0.5, 0.6, 0.8, 0.9, 1.0])) for g in chosen}


def random_candidate(
    rng: np.random.Generator,
    idx: int,
    relation: Relation,
    gap_ids: list[str],
    backbone_gap: str | None,
    used_names: set[str],
) -> Candidate:
    """One candidate ``K<idx>``; a backbone candidate closes ``backbone_gap`` fully at low risk."""
    name = _partner_name(rng, relation, idx, used_names)
    good = backbone_gap is not None
    coverage = _coverage(rng, gap_ids, backbone_gap)
    centre = 3.9 if good else 3.2
    risk_centre = 1.8 if good else 2.8
    cost_one_off = money(rng.uniform(1, 4) if good else rng.uniform(1, 12))
    cost_annual = money(rng.uniform(2, 6) if good else rng.uniform(2, 14))
    value_annual = money(cost_annual * rng.uniform(2.5, 5.0) + rng.uniform(0, 10))
    opportunism = leakage = None
    if relation is Relation.COMPETITOR or rng.random() < 0.5:
        opportunism = _draw_likert(rng, 3.8 if relation is Relation.COMPETITOR else risk_centre)
        leakage = _draw_likert(rng, 3.5 if relation is Relation.COMPETITOR else risk_centre)
    return Candidate(
        id=f"K{idx:02d}",
        name=name,
        relation=relation,
        form=FORMS[relation][int(rng.integers(len(FORMS[relation])))],
        sector=str(relation.value).replace("_", " "),
        region=str(rng.choice(["Karachi", "Hyderabad", "Sukkur", "Lahore", "national"])),
        coverage=coverage,
        cost_one_off=cost_one_off,
        cost_annual=cost_annual,
        value_annual=value_annual,
        exit_cost=money(cost_one_off * rng.uniform(0.2, 0.6)),
        goal_compat=max(_draw_likert(rng, centre), 3 if good else 1),
        culture_compat=max(_draw_likert(rng, centre), 3 if good else 1),
        commitment=_draw_likert(rng, centre),
        reputation=_draw_likert(rng, centre),
        prior_ties=int(rng.integers(0, 3)),
        learning=_draw_likert(rng, 3.0),
        flexibility=_draw_likert(rng, 3.2),
        opportunism=opportunism,
        leakage=leakage,
        dependence=None,
        competence_unc=_draw_likert(rng, risk_centre),
        market_unc=_draw_likert(rng, risk_centre + 0.3),
        complexity=_draw_likert(rng, risk_centre + 0.2),
        fin_fragility=_draw_likert(rng, risk_centre),
        regulatory=_draw_likert(rng, risk_centre),
    )


def _alliance(rng: np.random.Generator, j: int, gap_ids: list[str], profile: str) -> Alliance:
    """Existing alliance ``AL-K<j+1>`` (supplier, customer, complementor in turn)."""
    relation = [Relation.SUPPLIER, Relation.CUSTOMER, Relation.COMPLEMENTOR][j % 3]
    cost = money(rng.uniform(2, 6))
    return Alliance(
        alliance_id=f"AL-K{j + 1}",
        partner_name=f"{rng.choice(PREFIXES)} {rng.choice(SUFFIXES[relation])}",
        relation=relation,
        form=AllianceForm.ALLIANCE_AGREEMENT,
        start_period="2022-Q4",
        status=AllianceStatus.ACTIVE,
        cost_annual=cost,
        exit_cost=money(rng.uniform(0.5, 2)),
        value_plan_annual=money(cost * rng.uniform(1.8, 3)),
        coverage={str(rng.choice(gap_ids)): float(rng.choice([0.2, 0.3]))},
        description=f"existing {relation.value} alliance ({profile} so far)",
        notice_months=3,
        decision_rule="consensus",
        dispute_path="alliance managers > sponsors > CEOs > mediation > arbitration",
        max_days_to_resolve=30,
    )


def _kpi_rows(rng: np.random.Generator, aid: str, profile: str, periods: list[str]) -> list[tuple]:
    """Every quarter of both KPIs: plan × (level + drift·q + noise), at least 5 % of plan."""
    rows = []
    for kpi, unit, direction, weight, plan in _KPIS:
        head = (aid, kpi, kpi.replace("_", " "), "operational")
        tail = (unit, direction, weight, "joint")
        for q, period in enumerate(periods):
            ratio = max(0.05, _LEVEL[profile] + _DRIFT[profile] * q + rng.normal(0, 0.015))
            rows.append((*head, period, plan, round(plan * ratio, 1), *tail))
    return rows


def _health_rows(rng: np.random.Generator, aid: str, profile: str, periods: list[str]) -> list:
    """Two-sided surveys in quarters 6 and 8: five own answers, the partner's trust only."""
    rows: list[list] = []
    base = _HEALTH_BASE[profile]
    for period in (periods[5], periods[7]):
        own = [float(np.clip(round(base + rng.normal(0, 0.2), 1), 1, 5)) for _ in range(5)]
        partner_trust = float(np.clip(round(base + rng.normal(0, 0.3), 1), 1, 5))
        rows.append([aid, period, "own", *own])
        rows.append([aid, period, "partner", np.nan, partner_trust, np.nan, np.nan, np.nan])
    return rows


def random_alliances(
    rng: np.random.Generator, gap_ids: list[str], n: int
) -> tuple[tuple[Alliance, ...], pd.DataFrame, pd.DataFrame]:
    """Existing alliances with 8 quarters of KPIs (2023-Q3..2025-Q2) and two health surveys.

    One trajectory per alliance: growing, on plan, sliding, collapsing (in random order), so
    the review reaches different decisions.
    """
    profiles = ["grow", "steady", "slide", "collapse"]
    rng.shuffle(profiles)
    start = period_index("2023-Q3")
    periods = [period_from_index(start + q) for q in range(8)]
    alliances, kpi_rows, health_rows = [], [], []
    for j in range(n):
        profile = profiles[j % len(profiles)]
        alliance = _alliance(rng, j, gap_ids, profile)
        alliances.append(alliance)
        kpi_rows += _kpi_rows(rng, alliance.alliance_id, profile, periods)
        health_rows += _health_rows(rng, alliance.alliance_id, profile, periods)
    kpis = pd.DataFrame(kpi_rows, columns=KPI_COLUMNS)
    health = pd.DataFrame(health_rows, columns=HEALTH_COLUMNS)
    return tuple(alliances), kpis, health
