"""Teaching material: the Karachi→Hyderabad carpool, random classroom cases, student notebooks.

- :func:`carpool_workspace` builds the tiny in-memory workspace of docs/method.md §7 (Ravi and four
  possible carpool companions; with ``review=True`` also the formed carpool's KPI log).
- :func:`new_case` writes a random but realistic classroom workspace (valid, solvable,
  reproducible by seed) with :func:`alliancekit.workspace.save_workspace`.
- :func:`student_notebook` removes the cells tagged ``solution`` from a teaching notebook with
  nbconvert's ``TagRemovePreprocessor``.

Money in the carpool is in PKR thousand (``kPKR``); "per year" means 48 working weeks with one
Monday and one Friday trip each (96 one-way trips). Random cases use PKR lakh like scenarios A/B.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import AllianceKitError, DataValidationError, InfeasiblePortfolioError
from alliancekit.model import (
    Alliance,
    AllianceForm,
    AllianceStatus,
    Candidate,
    DiversificationRule,
    Gap,
    Goal,
    Organization,
    Relation,
    RiskAppetite,
    Workspace,
    period_from_index,
    period_index,
)
from alliancekit.results import Result

__all__ = [
    "SOLUTION_TAG",
    "Infeasible",
    "carpool_workspace",
    "new_case",
    "student_notebook",
    "teaching_notebook",
    "what_if",
]

#: Cell tag marking exercise solutions (removed from the student version).
SOLUTION_TAG = "solution"

_KPI_COLUMNS = [
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
_HEALTH_COLUMNS = [
    "alliance_id",
    "period",
    "side",
    "strategic_fit",
    "trust",
    "governance",
    "commitment",
    "learning",
]
_EVENT_COLUMNS = ["alliance_id", "period", "trigger", "description"]


# -- the carpool (docs/method.md §7) ---------------------------------------------------------------
def carpool_workspace(review: bool = False) -> Workspace:
    """Ravi's carpool from Karachi to Hyderabad (docs/method.md §7) as a tiny Workspace.

    Ravi (the focal "organization") wants to be at his desk by 9:30 and needs someone who drives
    after dark (G1), a motorway M-Tag (G2) and people to share fuel and tolls (G3). Four
    companions are candidates: Anil (punctual neighbour), Bhavana (shares fuel, wants a weekly
    Jamshoro detour, comes only if Anil does), Chandu (cheap, but always late and smokes: goal and
    culture compatibility 1, knockout K2) and Divya (a rival for the same promotion, a
    competitor, who will not ride with Anil). The car has 4 seats, so at most 3 companions.

    Parameters
    ----------
    review : bool
        Also include the formed carpool as existing alliances ``AL-ANIL`` and ``AL-BHAVANA`` with
        four quarters (2025-Q1..Q4) of KPIs (on-time arrivals [%], cost per trip [PKR]) and a
        two-sided health survey: Anil's ride is beating plan; Bhavana is moving to Lahore
        (strategic fit 1.5), which should end in EXIT.

    Returns
    -------
    Workspace
        Money in PKR thousand (``kPKR``), per year = 96 one-way trips.
    """
    org = Organization(
        org_id="ravi",
        name="Ravi's commute (Karachi → Hyderabad)",
        sector="commuting",
        region="Karachi–Hyderabad motorway, Sindh",
        mission_statement="At my desk in Hyderabad by 9:30, rested, for at most PKR 2,000 a trip.",
        currency="PKR",
        money_unit="thousand",
        goals=(
            Goal("on_time", "Arrive by 9:30 on work days", 0.5, "share of trips on time", "90%"),
            Goal("cost", "Spend at most PKR 2,000 per trip", 0.3, "PKR per one-way trip", "2000"),
            Goal("rest", "Arrive rested (no night driving alone)", 0.2, "nights driven", "0"),
        ),
        capability_gaps=(
            Gap("G1", "Someone who drives after dark", 4, 1.0),
            Gap("G2", "Motorway M-Tag for the toll plazas", 3, 0.5),
            Gap("G3", "Sharing fuel and tolls", 5, 1.0),
        ),
        budget_one_off=10.0,  # M-Tag top-up, a welcome dinner [kPKR]
        budget_annual=60.0,  # extra costs of sharing: detours, waiting, wear [kPKR/yr]
        risk_appetite=RiskAppetite.MEDIUM,
        min_alliances=1,
        max_alliances=3,  # four seats: Ravi and three companions
        planning_horizon_years=1,
        discount_rate=0.10,
        diversification_rules=(DiversificationRule("relation", "competitor", max_count=1),),
    )
    candidates = (
        Candidate(
            id="ANIL",
            name="Anil (neighbour; punctual, quiet)",
            relation=Relation.COMPLEMENTOR,
            form=AllianceForm.ALLIANCE_AGREEMENT,
            sector="neighbour",
            region="Karachi, Gulshan",
            coverage={"G1": 1.0, "G3": 0.5},
            cost_one_off=1.0,
            cost_annual=6.0,
            value_annual=72.0,
            goal_compat=5,
            culture_compat=4,
            commitment=4,
            reputation=4,
            prior_ties=2,
            learning=2,
            flexibility=4,
            opportunism=1,
            leakage=1,
            dependence=2,
            competence_unc=1,
            market_unc=2,
            complexity=1,
            fin_fragility=1,
            regulatory=1,
            conflicts_with=("DIVYA",),
        ),
        Candidate(
            id="BHAVANA",
            name="Bhavana (shares fuel; weekly Jamshoro detour)",
            relation=Relation.COMPLEMENTOR,
            form=AllianceForm.ALLIANCE_AGREEMENT,
            sector="colleague",
            region="Karachi, Clifton",
            coverage={"G2": 1.0, "G3": 0.6},
            cost_one_off=1.0,
            cost_annual=24.0,
            value_annual=72.0,
            goal_compat=3,
            culture_compat=3,
            commitment=3,
            reputation=3,
            prior_ties=0,
            learning=3,
            flexibility=3,
            opportunism=2,
            leakage=1,
            dependence=3,
            competence_unc=2,
            market_unc=3,
            complexity=3,
            fin_fragility=2,
            regulatory=1,
            requires_any=("ANIL",),
        ),
        Candidate(
            id="CHANDU",
            name="Chandu (cheap; always 30 min late; smokes)",
            relation=Relation.COMPLEMENTOR,
            form=AllianceForm.ALLIANCE_AGREEMENT,
            sector="colleague",
            region="Karachi, Saddar",
            coverage={"G3": 0.5},
            cost_one_off=0.0,
            cost_annual=3.0,
            value_annual=48.0,
            goal_compat=1,
            culture_compat=1,
            commitment=2,
            reputation=2,
            prior_ties=1,
            learning=1,
            flexibility=4,
            opportunism=4,
            leakage=1,
            dependence=2,
            competence_unc=4,
            market_unc=2,
            complexity=2,
            fin_fragility=4,
            regulatory=1,
        ),
        Candidate(
            id="DIVYA",
            name="Divya (rival for the same promotion; talks shop)",
            relation=Relation.COMPETITOR,
            form=AllianceForm.ALLIANCE_AGREEMENT,
            sector="colleague",
            region="Karachi, DHA",
            coverage={"G1": 0.8, "G2": 1.0, "G3": 0.5},
            cost_one_off=2.0,
            cost_annual=10.0,
            value_annual=84.0,
            goal_compat=3,
            culture_compat=3,
            commitment=4,
            reputation=4,
            prior_ties=0,
            learning=4,
            flexibility=2,
            opportunism=4,
            leakage=4,
            dependence=3,
            competence_unc=1,
            market_unc=2,
            complexity=2,
            fin_fragility=1,
            regulatory=1,
            conflicts_with=("ANIL",),
        ),
    )
    ws = Workspace(name="carpool", organization=org, candidates=candidates)
    if not review:
        return ws
    alliances = (
        Alliance(
            alliance_id="AL-ANIL",
            partner_name="Anil",
            partner_id="ANIL",
            relation=Relation.COMPLEMENTOR,
            form=AllianceForm.ALLIANCE_AGREEMENT,
            start_period="2025-Q1",
            status=AllianceStatus.ACTIVE,
            cost_annual=6.0,
            exit_cost=0.5,
            value_plan_annual=72.0,
            coverage={"G1": 1.0, "G3": 0.5},
            description="Monday and Friday carpool; leave 5:30 sharp, wait 10 min at most",
            notice_months=0,
            exit_triggers="skipped payment twice; one week's notice to quit",
            decision_rule="lead_partner",
            dispute_path="WhatsApp group > car owner decides",
            max_days_to_resolve=7,
        ),
        Alliance(
            alliance_id="AL-BHAVANA",
            partner_name="Bhavana",
            partner_id="BHAVANA",
            relation=Relation.COMPLEMENTOR,
            form=AllianceForm.ALLIANCE_AGREEMENT,
            start_period="2025-Q1",
            status=AllianceStatus.ACTIVE,
            cost_annual=24.0,
            exit_cost=0.5,
            value_plan_annual=72.0,
            coverage={"G2": 1.0, "G3": 0.6},
            description="Shares fuel; weekly detour via Jamshoro",
            notice_months=0,
            exit_triggers="one week's notice to quit",
            decision_rule="lead_partner",
            dispute_path="WhatsApp group > car owner decides",
            max_days_to_resolve=7,
        ),
    )
    periods = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    series = {
        # alliance, kpi, name, unit, direction, weight, planned, actuals
        ("AL-ANIL", "on_time", "Trips arriving by 9:30", "% of trips", "higher", 0.4): (
            90.0,
            [85.0, 88.0, 90.0, 87.5],
        ),
        ("AL-ANIL", "cost_per_trip", "Cost per head and trip", "PKR", "lower", 0.6): (
            2000.0,
            [1900.0, 1800.0, 1700.0, 1650.0],
        ),
        ("AL-BHAVANA", "on_time", "Trips arriving by 9:30", "% of trips", "higher", 0.4): (
            90.0,
            [80.0, 78.0, 75.0, 70.0],
        ),
        ("AL-BHAVANA", "cost_per_trip", "Cost per head and trip", "PKR", "lower", 0.6): (
            2000.0,
            [2100.0, 2150.0, 2200.0, 2300.0],
        ),
    }
    rows = []
    for (aid, kpi, name, unit, direction, weight), (planned, actuals) in series.items():
        for period, actual in zip(periods, actuals, strict=True):
            rows.append(
                (
                    aid,
                    kpi,
                    name,
                    "operational",
                    period,
                    planned,
                    actual,
                    unit,
                    direction,
                    weight,
                    "joint",
                )
            )
    kpis = pd.DataFrame(rows, columns=_KPI_COLUMNS)
    health = pd.DataFrame(
        [
            ["AL-ANIL", "2025-Q4", "own", 4.5, 4.5, 4.0, 4.5, 3.0],
            ["AL-ANIL", "2025-Q4", "partner", np.nan, 4.3, np.nan, np.nan, np.nan],
            ["AL-BHAVANA", "2025-Q4", "own", 1.5, 3.0, 3.0, 2.5, 2.5],
            ["AL-BHAVANA", "2025-Q4", "partner", np.nan, 3.2, np.nan, np.nan, np.nan],
        ],
        columns=_HEALTH_COLUMNS,
    )
    return ws.replace(alliances=alliances, kpis=kpis, health=health)


# -- what-if planning without tracebacks -------------------------------------------------------
@dataclass(frozen=True)
class Infeasible(Result):
    """The diagnosis of an infeasible planning problem, as a displayable result.

    Attributes
    ----------
    message : str
        What conflicts and what to relax (from :class:`InfeasiblePortfolioError`).
    conflicting : tuple of str
        The conflicting constraint groups.
    relaxations : tuple
        ``Relaxation`` records (constraint, current, needed, message).
    settings : Mapping
        The ``plan_portfolio`` keyword arguments that were tried.
    """

    message: str
    conflicting: tuple[str, ...]
    relaxations: tuple[Any, ...]
    settings: dict

    title = "Infeasible: no portfolio satisfies every limit"

    def to_frame(self) -> pd.DataFrame:
        """One row per suggested relaxation."""
        rows = [
            {
                "constraint": getattr(r, "constraint", ""),
                "current": getattr(r, "current", np.nan),
                "needed": getattr(r, "needed", np.nan),
                "what to do": getattr(r, "message", str(r)),
            }
            for r in self.relaxations
        ]
        return pd.DataFrame(rows, columns=["constraint", "current", "needed", "what to do"])

    def summary(self) -> str:
        """The diagnosis and the conflicting constraint groups."""
        lines = [self.message]
        if self.conflicting:
            lines.append("conflicting: " + ", ".join(self.conflicting))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return (
            f'<div class="alliancekit-result" style="border-left:4px solid #D55E00;'
            f'padding-left:8px"><h4>{html.escape(self.title)}</h4>'
            f"<p>{html.escape(self.message)}</p>"
            f"<p><b>Conflicting:</b> {html.escape(', '.join(self.conflicting) or '-')}</p>"
            f"{self.to_frame().to_html(escape=True, index=False, na_rep='–')}</div>"
        )


def what_if(ws: Workspace, **plan_kwargs: Any) -> Any:
    """``plan_portfolio(ws, **plan_kwargs)``, or its :class:`Infeasible` diagnosis (no raise).

    For classroom notebooks: an infeasible setting is a finding to discuss, so it is returned
    as a displayable result instead of a traceback.
    """
    from alliancekit.portfolio import plan_portfolio

    try:
        return plan_portfolio(ws, **plan_kwargs)
    except InfeasiblePortfolioError as exc:
        return Infeasible(
            message=str(exc),
            conflicting=tuple(map(str, getattr(exc, "conflicting", ()) or ())),
            relaxations=tuple(getattr(exc, "relaxations", ()) or ()),
            settings=dict(plan_kwargs),
        )


# -- random classroom cases -------------------------------------------------------------------
_THEMES: tuple[dict, ...] = (
    {
        "name": "Mehran Solar Installers",
        "sector": "rooftop solar installation",
        "region": "Hyderabad, Sindh",
        "mission": "Affordable rooftop solar for homes and small shops in lower Sindh.",
        "gaps": (
            ("Panel and inverter supply at stable prices", 5),
            ("Consumer financing (instalments)", 4),
            ("Access to utility net-metering approvals", 4),
            ("Trained installer crews", 3),
            ("Corporate rooftop customers", 3),
            ("After-sales service network", 2),
        ),
    },
    {
        "name": "Indus Valley Dairy Cooperative",
        "sector": "dairy processing",
        "region": "Tando Allahyar, Sindh",
        "mission": "Fair prices for smallholder milk and safe packaged dairy for Sindh's cities.",
        "gaps": (
            ("Chilling centres near the farms", 5),
            ("Cold-chain transport to Karachi", 5),
            ("Supermarket shelf space", 4),
            ("Veterinary and feed advice", 3),
            ("Food-safety certification", 3),
            ("Working-capital finance", 3),
        ),
    },
    {
        "name": "Sukkur Date Exporters",
        "sector": "agri-food export",
        "region": "Sukkur and Khairpur, Sindh",
        "mission": "Bring Khairpur dates to buyers abroad with full traceability.",
        "gaps": (
            ("Export-grade grading and packing", 5),
            ("Buyers in the Gulf and Europe", 5),
            ("Trade finance and letters of credit", 4),
            ("Cold storage", 3),
            ("Phytosanitary certification", 4),
            ("Farmer training in post-harvest handling", 2),
        ),
    },
    {
        "name": "Karachi Code Works",
        "sector": "software services",
        "region": "Karachi, Sindh",
        "mission": "Reliable software for Pakistani SMEs, built by local talent.",
        "gaps": (
            ("Cloud hosting and credits", 4),
            ("Enterprise customers", 5),
            ("Payments integration", 4),
            ("Graduate hiring pipeline", 3),
            ("Urdu and Sindhi localisation", 2),
            ("Security certification", 3),
        ),
    },
)
_PREFIXES = (
    "Al-Noor",
    "Sindh",
    "Indus",
    "Mehran",
    "Kohinoor",
    "Shah",
    "Qasim",
    "Latif",
    "Pak",
    "Sapna",
    "Ravi",
    "Chenab",
    "Hala",
    "Thar",
    "Bhit",
    "Kirthar",
    "Makli",
    "Badin",
)
_SUFFIXES = {
    Relation.SUPPLIER: ("Traders", "Supplies", "Industries", "Logistics", "Enterprises"),
    Relation.CUSTOMER: ("Retail", "Developers", "Stores", "Hospitality", "Group"),
    Relation.COMPLEMENTOR: ("Technologies", "Finance", "Services", "Labs", "Network"),
    Relation.COMPETITOR: ("Solutions", "& Co.", "Brothers", "Holdings"),
    Relation.PUBLIC_BODY: ("Development Authority", "University", "Municipal Committee"),
}
_RELATION_P = {
    Relation.SUPPLIER: 0.30,
    Relation.CUSTOMER: 0.15,
    Relation.COMPLEMENTOR: 0.30,
    Relation.COMPETITOR: 0.10,
    Relation.PUBLIC_BODY: 0.15,
}
_FORMS = {
    Relation.SUPPLIER: (AllianceForm.ALLIANCE_AGREEMENT, AllianceForm.STRATEGIC_PARTNERSHIP),
    Relation.CUSTOMER: (AllianceForm.ALLIANCE_AGREEMENT, AllianceForm.STRATEGIC_PARTNERSHIP),
    Relation.COMPLEMENTOR: (
        AllianceForm.ALLIANCE_AGREEMENT,
        AllianceForm.STRATEGIC_PARTNERSHIP,
        AllianceForm.JOINT_VENTURE,
        AllianceForm.ALLIANCE_NETWORK,
    ),
    Relation.COMPETITOR: (AllianceForm.ALLIANCE_AGREEMENT, AllianceForm.JOINT_VENTURE),
    Relation.PUBLIC_BODY: (AllianceForm.ALLIANCE_AGREEMENT,),
}


def _likert(rng: np.random.Generator, centre: float, spread: float = 0.8) -> int:
    return int(np.clip(np.rint(rng.normal(centre, spread)), 1, 5))


def _money(x: float) -> float:
    return float(round(x, 1))


def _random_candidate(
    rng: np.random.Generator,
    idx: int,
    relation: Relation,
    gap_ids: list[str],
    backbone_gap: str | None,
    used_names: set[str],
) -> Candidate:
    """One candidate; a backbone candidate closes ``backbone_gap`` fully at low risk."""
    while True:
        name = f"{rng.choice(_PREFIXES)} {rng.choice(_SUFFIXES[relation])}"
        if name not in used_names:
            used_names.add(name)
            break
        if len(used_names) > 60:
            name = f"{name} {idx}"
            used_names.add(name)
            break
    good = backbone_gap is not None
    if good:
        coverage = {backbone_gap: 1.0}
        extra = [g for g in gap_ids if g != backbone_gap]
        if extra and rng.random() < 0.4:
            coverage[str(rng.choice(extra))] = float(rng.choice([0.2, 0.3, 0.4]))
    else:
        k = int(rng.integers(1, 3))
        chosen = rng.choice(gap_ids, size=k, replace=False)
        coverage = {str(g): float(rng.choice([0.3, 0.5, 0.6, 0.8, 0.9, 1.0])) for g in chosen}
    centre = 3.9 if good else 3.2
    risk_centre = 1.8 if good else 2.8
    cost_one_off = _money(rng.uniform(1, 4) if good else rng.uniform(1, 12))
    cost_annual = _money(rng.uniform(2, 6) if good else rng.uniform(2, 14))
    value_annual = _money(cost_annual * rng.uniform(2.5, 5.0) + rng.uniform(0, 10))
    opportunism = leakage = None
    if relation is Relation.COMPETITOR or rng.random() < 0.5:
        opportunism = _likert(rng, 3.8 if relation is Relation.COMPETITOR else risk_centre)
        leakage = _likert(rng, 3.5 if relation is Relation.COMPETITOR else risk_centre)
    return Candidate(
        id=f"K{idx:02d}",
        name=name,
        relation=relation,
        form=_FORMS[relation][int(rng.integers(len(_FORMS[relation])))],
        sector=str(relation.value).replace("_", " "),
        region=str(rng.choice(["Karachi", "Hyderabad", "Sukkur", "Lahore", "national"])),
        coverage=coverage,
        cost_one_off=cost_one_off,
        cost_annual=cost_annual,
        value_annual=value_annual,
        exit_cost=_money(cost_one_off * rng.uniform(0.2, 0.6)),
        goal_compat=max(_likert(rng, centre), 3 if good else 1),
        culture_compat=max(_likert(rng, centre), 3 if good else 1),
        commitment=_likert(rng, centre),
        reputation=_likert(rng, centre),
        prior_ties=int(rng.integers(0, 3)),
        learning=_likert(rng, 3.0),
        flexibility=_likert(rng, 3.2),
        opportunism=opportunism,
        leakage=leakage,
        dependence=None,
        competence_unc=_likert(rng, risk_centre),
        market_unc=_likert(rng, risk_centre + 0.3),
        complexity=_likert(rng, risk_centre + 0.2),
        fin_fragility=_likert(rng, risk_centre),
        regulatory=_likert(rng, risk_centre),
    )


def _random_alliances(
    rng: np.random.Generator, gap_ids: list[str], n: int
) -> tuple[tuple[Alliance, ...], pd.DataFrame, pd.DataFrame]:
    """Existing alliances with 8 quarters of KPIs (2023-Q3..2025-Q2) and two health surveys."""
    # one trajectory per alliance: growing, on plan, sliding, collapsing (then random)
    profiles = ["grow", "steady", "slide", "collapse"]
    rng.shuffle(profiles)
    start = period_index("2023-Q3")
    periods = [period_from_index(start + q) for q in range(8)]
    alliances, kpi_rows, health_rows = [], [], []
    for j in range(n):
        profile = profiles[j % len(profiles)]
        relation = [Relation.SUPPLIER, Relation.CUSTOMER, Relation.COMPLEMENTOR][j % 3]
        aid = f"AL-K{j + 1}"
        cost = _money(rng.uniform(2, 6))
        alliances.append(
            Alliance(
                alliance_id=aid,
                partner_name=f"{rng.choice(_PREFIXES)} {rng.choice(_SUFFIXES[relation])}",
                relation=relation,
                form=AllianceForm.ALLIANCE_AGREEMENT,
                start_period="2022-Q4",
                status=AllianceStatus.ACTIVE,
                cost_annual=cost,
                exit_cost=_money(rng.uniform(0.5, 2)),
                value_plan_annual=_money(cost * rng.uniform(1.8, 3)),
                coverage={str(rng.choice(gap_ids)): float(rng.choice([0.2, 0.3]))},
                description=f"existing {relation.value} alliance ({profile} so far)",
                notice_months=3,
                decision_rule="consensus",
                dispute_path="alliance managers > sponsors > CEOs > mediation > arbitration",
                max_days_to_resolve=30,
            )
        )
        drift = {"grow": 0.025, "steady": 0.0, "slide": -0.025, "collapse": -0.07}[profile]
        level = {"grow": 1.05, "steady": 1.0, "slide": 0.95, "collapse": 0.9}[profile]
        for kpi, unit, direction, weight, plan in (
            ("volume", "units", "higher", 0.6, 100.0),
            ("on_time_delivery", "%", "higher", 0.4, 95.0),
        ):
            for q, period in enumerate(periods):
                ratio = max(0.05, level + drift * q + rng.normal(0, 0.015))
                actual = round(plan * ratio, 1)
                label = kpi.replace("_", " ")
                kpi_rows.append(
                    (
                        aid,
                        kpi,
                        label,
                        "operational",
                        period,
                        plan,
                        actual,
                        unit,
                        direction,
                        weight,
                        "joint",
                    )
                )
        base = {"grow": 4.3, "steady": 3.6, "slide": 3.0, "collapse": 2.2}[profile]
        for period in (periods[5], periods[7]):
            own = [float(np.clip(round(base + rng.normal(0, 0.2), 1), 1, 5)) for _ in range(5)]
            partner_trust = float(np.clip(round(base + rng.normal(0, 0.3), 1), 1, 5))
            health_rows.append([aid, period, "own", *own])
            health_rows.append([aid, period, "partner", np.nan, partner_trust])
            health_rows[-1] += [np.nan, np.nan, np.nan]
    kpis = pd.DataFrame(kpi_rows, columns=_KPI_COLUMNS)
    health = pd.DataFrame(health_rows, columns=_HEALTH_COLUMNS)
    return tuple(alliances), kpis, health


#: Sizes of a classroom case (one backbone candidate per gap needs at least 3).
MIN_CANDIDATES, MAX_CANDIDATES = 3, 60


def _build_case(seed: int, n_candidates: int, slack: float) -> Workspace:
    rng = np.random.default_rng(seed)
    theme = _THEMES[int(rng.integers(len(_THEMES)))]
    n_gaps = int(min(len(theme["gaps"]), max(3, min(6, n_candidates // 2))))
    gap_defs = theme["gaps"][:n_gaps]
    gaps = tuple(
        Gap(f"G{k + 1}", name, importance, 1.0 if importance >= 4 else 0.5)
        for k, (name, importance) in enumerate(gap_defs)
    )
    gap_ids = [g.gap_id for g in gaps]
    # backbone: one low-risk, non-competitor candidate that fully closes each gap
    relations = list(_RELATION_P)
    probs = np.array([_RELATION_P[r] for r in relations])
    used: set[str] = set()
    candidates: list[Candidate] = []
    order = rng.permutation(n_candidates)
    backbone: list[Candidate] = []
    for slot in range(n_candidates):
        backbone_gap = gap_ids[slot] if slot < len(gap_ids) else None
        if backbone_gap is not None:
            relation = [Relation.SUPPLIER, Relation.COMPLEMENTOR, Relation.PUBLIC_BODY][slot % 3]
        else:
            relation = relations[int(rng.choice(len(relations), p=probs))]
        cand = _random_candidate(rng, int(order[slot]) + 1, relation, gap_ids, backbone_gap, used)
        candidates.append(cand)
        if backbone_gap is not None:
            backbone.append(cand)
    candidates.sort(key=lambda c: c.id)
    n_existing = int(rng.integers(2, 5))
    alliances, kpis, health = _random_alliances(rng, gap_ids, n_existing)
    existing_annual = sum(a.cost_annual for a in alliances)
    backbone_one_off = sum(c.cost_one_off for c in backbone)
    backbone_annual = sum(c.cost_annual for c in backbone)
    org = Organization(
        org_id=f"case-{seed}",
        name=str(theme["name"]),
        sector=str(theme["sector"]),
        region=str(theme["region"]),
        mission_statement=str(theme["mission"]),
        currency="PKR",
        money_unit="lakh",
        goals=(
            Goal("growth", "Revenue growth", 0.4, "revenue growth per year (%)", "15"),
            Goal("margin", "Stable margins", 0.3, "gross margin (%)", "25"),
            Goal("reach", "New customers and regions", 0.3, "new accounts per year", "50"),
        ),
        capability_gaps=gaps,
        budget_one_off=_money((backbone_one_off + 2.0) * slack),
        budget_annual=_money(existing_annual + (backbone_annual + 2.0) * slack),
        risk_appetite=RiskAppetite.MEDIUM,
        min_alliances=min(2, n_gaps),
        max_alliances=max(n_gaps + 1, 4),
        planning_horizon_years=3,
        discount_rate=0.12,
        diversification_rules=(DiversificationRule("relation", "competitor", max_count=1),),
    )
    events = pd.DataFrame(columns=_EVENT_COLUMNS)
    return Workspace(
        name=f"case-{seed}",
        organization=org,
        candidates=tuple(candidates),
        alliances=alliances,
        kpis=kpis,
        health=health,
        events=events,
    )


_BENEFIT_ITEMS = ("goal_compat", "culture_compat", "commitment", "reputation", "learning")
_RISK_ITEMS = ("competence_unc", "market_unc", "complexity", "fin_fragility", "regulatory")


def _strengthen(ws: Workspace, level: int) -> Workspace:
    """Raise the backbone candidates' compatibility items to at least ``3 + level`` and lower
    their risk items to at most ``3 − level`` (1–5 scale), so that none is knocked out.

    The backbone is the one candidate per gap that closes it fully (coverage 1.0) at low risk.
    With few candidates the min–max criteria can still push one below the score knockout, which
    no budget can fix; this deterministic nudge can.
    """
    if level <= 0:
        return ws
    floor, ceiling = min(5, 3 + level), max(1, 3 - level)
    gaps = {g.gap_id for g in ws.organization.capability_gaps}
    done: set[str] = set()
    out = []
    for c in ws.candidates:
        closes = [g for g, v in c.coverage.items() if v >= 1.0 and g in gaps and g not in done]
        if closes and c.relation is not Relation.COMPETITOR:
            done.update(closes)
            changes = {k: max(getattr(c, k), floor) for k in _BENEFIT_ITEMS}
            changes.update(
                {k: min(getattr(c, k), ceiling) for k in _RISK_ITEMS if getattr(c, k) is not None}
            )
            for k in ("opportunism", "leakage"):
                if getattr(c, k) is not None:
                    changes[k] = min(getattr(c, k), ceiling)
            c = replace(c, **changes)
        out.append(c)
    return replace(ws, candidates=tuple(out))


def _solvable(ws: Workspace) -> bool:
    """Feasible both keeping every existing alliance and after exiting the review's EXITs."""
    try:
        from alliancekit.portfolio import plan_portfolio
        from alliancekit.review import review_alliances
    except ImportError:  # pragma: no cover - modules not installed: trust the construction
        return True
    try:
        plan_portfolio(ws)
        plan_portfolio(ws, review=review_alliances(ws))
    except InfeasiblePortfolioError:
        return False
    return True


def new_case(
    out_dir: str | os.PathLike[str], seed: int, n_candidates: int = 12, *, check: bool = True
) -> Workspace:
    """Write a random but realistic classroom workspace and return it (loaded back from disk).

    The organization is a Sindh SME (solar installer, dairy cooperative, date exporter or
    software house), with 3–6 capability gaps, ``n_candidates`` candidate partners (money in PKR
    lakh), 2–4 existing alliances with 8 quarters of KPIs (2023-Q3..2025-Q2) whose trajectories
    lead to different review decisions, and two-sided health surveys.

    Solvable by construction: for every gap one low-risk, non-competitor "backbone" candidate
    closes it fully, and the budgets cover the backbone with slack. With ``check=True`` the case
    is also solved with :func:`alliancekit.plan_portfolio`, keeping every existing alliance and
    after exiting those the review says EXIT; if either is infeasible the budgets are widened
    and the backbone's compatibility raised (so no knockout removes it) step by step,
    deterministically.

    Parameters
    ----------
    out_dir : path
        Folder to write (CSV + YAML), or a path ending in ``.xlsx`` for one workbook.
    seed : int
        Random seed; the same seed always gives the same case.
    n_candidates : int
        Number of candidate partners (3–60).
    check : bool
        Solve the case (see above) and widen the budgets until it is feasible.

    Returns
    -------
    Workspace
        The workspace as loaded back from ``out_dir`` (so it passed validation).

    Raises
    ------
    DataValidationError
        If ``n_candidates`` is outside 3–60.
    AllianceKitError
        If no solvable case was found (should not happen).
    """
    from alliancekit.workspace import load_workspace, save_workspace

    n_candidates = int(n_candidates)
    if not MIN_CANDIDATES <= n_candidates <= MAX_CANDIDATES:
        raise DataValidationError.single(
            f"a classroom case needs {MIN_CANDIDATES} to {MAX_CANDIDATES} candidate partners "
            f"(at least one per capability gap), got {n_candidates}",
            column="n_candidates",
        )
    for attempt in range(8):
        ws = _build_case(int(seed), n_candidates, slack=1.3 + 0.4 * attempt)
        ws = _strengthen(ws, level=(attempt + 1) // 2)
        if not check or _solvable(ws):
            break
    else:  # pragma: no cover - strengthened backbone and wide budgets make this unreachable
        raise AllianceKitError(f"could not build a solvable case for seed {seed}")
    out = Path(out_dir)
    save_workspace(ws, out)
    return load_workspace(out)


# -- student notebooks ------------------------------------------------------------------------
def teaching_notebook() -> Path:
    """The teaching notebook that ships with the package (``00_alliances_101.ipynb``, with
    solutions)."""
    from alliancekit.resources import notebook_path

    return notebook_path("teaching")


def student_notebook(
    src: str | os.PathLike[str] | None = None, out: str | os.PathLike[str] = "student"
) -> Path:
    """Write the student version of a teaching notebook: cells tagged ``solution`` removed.

    Uses nbconvert's ``TagRemovePreprocessor`` (outputs are cleared too, so students start
    fresh).

    Parameters
    ----------
    src : path, optional
        Teaching notebook (default ``notebooks/00_alliances_101.ipynb``).
    out : path
        Output ``.ipynb`` file, or a folder (the source file name is kept).

    Returns
    -------
    Path
        The written notebook.
    """
    import nbformat
    from nbconvert.preprocessors import ClearOutputPreprocessor, TagRemovePreprocessor
    from traitlets.config import Config

    source = Path(src) if src is not None else teaching_notebook()
    if not source.is_file():
        raise FileNotFoundError(f"teaching notebook not found: {source}")
    target = Path(out)
    if target.suffix != ".ipynb":
        target = target / source.name
    nb = nbformat.read(source, as_version=4)
    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = {SOLUTION_TAG}
    config.TagRemovePreprocessor.enabled = True
    resources: dict = {}
    nb, resources = TagRemovePreprocessor(config=config).preprocess(nb, resources)
    nb, resources = ClearOutputPreprocessor().preprocess(nb, resources)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    try:  # write then rename: an interrupted run never leaves a half-written notebook
        nbformat.write(nb, tmp)
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
