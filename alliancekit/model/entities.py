"""The entities of the domain as frozen dataclasses: organization, candidates, alliances.

Raw inputs only (Likert items, money, coverage); derived values (scores, risks, E[NPV]) are
computed by ``criteria``/``risk`` and never stored here (docs/method.md §8).

Money is in the organization's ``currency`` and ``money_unit`` (e.g. PKR lakh, kEUR); costs and
values are per year unless the name ends in ``_one_off``. Fields holding a closed vocabulary hold
its Enum; text given for them is parsed once, here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from alliancekit.model.units import annuity_factor, money_label
from alliancekit.model.vocab import (
    AllianceForm,
    AllianceStatus,
    Buyout,
    DecisionRule,
    IPSensitivity,
    LifecycleStage,
    PlanningStep,
    Relation,
    RiskAppetite,
    SizeClass,
)

__all__ = [
    "APPETITE_CAPS",
    "RELATIONAL_DEFAULTS",
    "Alliance",
    "Candidate",
    "DiversificationRule",
    "Gap",
    "Goal",
    "Organization",
    "RiskCaps",
    "RoadmapSettings",
    "find",
]


#: Field metadata: the unit or scale of a number, for documentation and displays.
_LIKERT = MappingProxyType({"unit": "1–5"})
_MONEY = MappingProxyType({"unit": "money"})
_MONEY_PER_YEAR = MappingProxyType({"unit": "money/yr"})
_QUARTER = MappingProxyType({"unit": "YYYY-Qn"})


def find(items: tuple, attribute: str, key: str, what: str) -> Any:
    """The item whose ``attribute`` equals ``key`` (KeyError naming ``what`` if none)."""
    for item in items:
        if getattr(item, attribute) == key:
            return item
    raise KeyError(f"unknown {what} {key!r}")


def _enum_fields(obj: Any, *, optional: bool = False, **enums: type[StrEnum]) -> None:
    """Parse text given for Enum fields of a frozen dataclass (in ``__post_init__``)."""
    for name, enum in enums.items():
        value = getattr(obj, name)
        parsed = enum.parse_optional(value, what=name) if optional else enum.parse(value, what=name)
        if parsed is not value:
            object.__setattr__(obj, name, parsed)


def _frozen_map(m: Mapping | None) -> Mapping:
    return MappingProxyType(dict(m or {}))


@dataclass(frozen=True)
class Goal:
    """An organizational goal; goal weights sum to 1 across the organization."""

    goal_id: str
    text: str
    weight: float
    metric: str = ""
    target: str = ""
    horizon_years: float | None = None


@dataclass(frozen=True)
class Gap:
    """A capability gap the organization wants partners to close.

    ``importance`` [1–5]; ``required_coverage`` [0–2] (default 1.0 when importance ≥ 4, else 0.5).
    """

    gap_id: str
    name: str
    importance: float
    required_coverage: float | None = None
    mandatory: bool = True

    @property
    def required(self) -> float:
        """Required coverage with the docs/method.md §1.1 default applied."""
        if self.required_coverage is not None and not (
            isinstance(self.required_coverage, float) and math.isnan(self.required_coverage)
        ):
            return float(self.required_coverage)
        return 1.0 if self.importance >= 4 else 0.5


@dataclass(frozen=True)
class RiskCaps:
    """Portfolio risk limits; ``None`` fields fall back to the ``risk_appetite`` defaults.

    avg_total [0–1], max_total_per_partner [0–1], max_relational_per_partner [0–1],
    cvar_limit [money], avg_relational / avg_performance [0–1] (optional separate caps),
    expected_loss_limit [money].
    """

    avg_total: float | None = None
    max_total_per_partner: float | None = None
    max_relational_per_partner: float | None = None
    cvar_limit: float | None = None
    avg_relational: float | None = None
    avg_performance: float | None = None
    expected_loss_limit: float | None = None


#: Default caps by risk appetite (docs/method.md §3.5): avg R, max R, max R_rel, CVaR share of
#: budget.
APPETITE_CAPS: Mapping[RiskAppetite, tuple[float, float, float, float]] = MappingProxyType(
    {
        RiskAppetite.LOW: (0.30, 0.45, 0.55, 0.10),
        RiskAppetite.MEDIUM: (0.38, 0.55, 0.65, 0.20),
        RiskAppetite.HIGH: (0.45, 0.65, 0.75, 0.35),
    }
)


@dataclass(frozen=True)
class DiversificationRule:
    """A group limit on new alliances: count (min/max) and share of annual cost (max, [0–1]).

    ``attribute`` is one of relation, form, sector, region; ``value`` the group's value.
    """

    attribute: str
    value: str
    min_count: int | None = None
    max_count: int | None = None
    max_cost_share: float | None = None

    @property
    def label(self) -> str:
        """Readable name such as ``relation=competitor``."""
        return f"{self.attribute}={self.value}"


_FTE = MappingProxyType({"unit": "FTE"})
_YEAR = MappingProxyType({"unit": "roadmap year (1 = first)"})


@dataclass(frozen=True)
class RoadmapSettings:
    """Settings of the multi-year roadmap (docs/method.md §12); every one is optional.

    ``years`` [years] is the roadmap's length (default: ``planning_horizon_years``); ``step``
    plans by year or by quarter; ``start_year`` names the first year (labels only). The
    per-year lists give year 1, 2, … (the last value repeats; default: the organization's single
    budget or capacity every year): ``budgets_one_off`` [money], ``budgets_annual`` [money/yr],
    ``capacity_fte`` [FTE]. ``carry_over`` [0–1] is the share of unspent one-off budget that
    rolls into the next year. Mandatory gaps must be covered from ``coverage_by_year`` on.
    ``fte_by_form`` and ``fte_by_tier`` [FTE] set the alliance-manager load of an active
    alliance by its form or tier (tier first, then form, then the row's ``mgmt_load_fte``).
    """

    years: int | None = field(default=None, metadata={"unit": "years"})
    step: PlanningStep = PlanningStep.YEAR
    start_year: int | None = None
    budgets_one_off: tuple[float, ...] = field(default=(), metadata=_MONEY)
    budgets_annual: tuple[float, ...] = field(default=(), metadata=_MONEY_PER_YEAR)
    capacity_fte: tuple[float, ...] = field(default=(), metadata=_FTE)
    carry_over: float = field(default=0.0, metadata={"unit": "0–1"})
    coverage_by_year: int = field(default=1, metadata=_YEAR)
    fte_by_form: Mapping[str, float] = field(default_factory=dict, metadata=_FTE)
    fte_by_tier: Mapping[int, float] = field(default_factory=dict, metadata=_FTE)

    def __post_init__(self) -> None:
        _enum_fields(self, step=PlanningStep)
        for name in ("budgets_one_off", "budgets_annual", "capacity_fte"):
            object.__setattr__(self, name, tuple(float(v) for v in getattr(self, name) or ()))
        object.__setattr__(self, "fte_by_form", _frozen_map(self.fte_by_form))
        tiers = {int(k): float(v) for k, v in (self.fte_by_tier or {}).items()}
        object.__setattr__(self, "fte_by_tier", MappingProxyType(tiers))

    @property
    def given(self) -> bool:
        """True when any setting differs from its default."""
        return self != RoadmapSettings()


@dataclass(frozen=True)
class Organization:
    """The focal organization: goals, gaps, budgets, risk appetite and planning settings."""

    org_id: str
    name: str
    sector: str
    mission_statement: str
    currency: str
    money_unit: str
    goals: tuple[Goal, ...]
    capability_gaps: tuple[Gap, ...]
    budget_one_off: float
    budget_annual: float
    risk_appetite: RiskAppetite
    region: str = ""
    risk_caps: RiskCaps = field(default_factory=RiskCaps)
    min_alliances: int = 0
    max_alliances: int = 10
    mgmt_capacity_fte: float | None = None
    planning_horizon_years: int = 3
    discount_rate: float = 0.10
    diversification_rules: tuple[DiversificationRule, ...] = ()
    criteria_weights: Mapping[str, float] | None = None
    weights_preset: str | None = None
    roadmap: RoadmapSettings = field(default_factory=RoadmapSettings)

    def __post_init__(self) -> None:
        _enum_fields(self, risk_appetite=RiskAppetite)

    @property
    def money_label(self) -> str:
        """Money unit for display, e.g. ``PKR lakh`` or ``kEUR``."""
        return money_label(self.currency, self.money_unit)

    @property
    def annuity_factor(self) -> float:
        """AF = (1 − (1+r)^−H) / r, or H when r = 0 [years] (``annuity_factor``)."""
        return annuity_factor(self.discount_rate, self.planning_horizon_years)

    def gap(self, gap_id: str) -> Gap:
        """The capability gap with this id (KeyError if unknown)."""
        return find(self.capability_gaps, "gap_id", gap_id, "capability gap")

    @property
    def gap_ids(self) -> tuple[str, ...]:
        """Capability gap ids in declaration order."""
        return tuple(g.gap_id for g in self.capability_gaps)

    def caps(self) -> RiskCaps:
        """Risk caps with appetite defaults filled in (CVaR Γ as share of B0 + H·B1)."""
        avg, max_r, max_rel, share = APPETITE_CAPS[self.risk_appetite]
        c = self.risk_caps
        cvar = c.cvar_limit
        if cvar is None:
            cvar = share * (self.budget_one_off + self.planning_horizon_years * self.budget_annual)
        return RiskCaps(
            avg_total=avg if c.avg_total is None else c.avg_total,
            max_total_per_partner=max_r
            if c.max_total_per_partner is None
            else c.max_total_per_partner,
            max_relational_per_partner=(
                max_rel if c.max_relational_per_partner is None else c.max_relational_per_partner
            ),
            cvar_limit=cvar,
            avg_relational=c.avg_relational,
            avg_performance=c.avg_performance,
            expected_loss_limit=c.expected_loss_limit,
        )


@dataclass(frozen=True)
class Candidate:
    """A possible new alliance partner (docs/method.md §1.2). Likert items are on a 1–5 scale.

    Optional items left as ``None`` take their documented defaults in ``Workspace.candidates_frame``
    (relational items by relation, §3.1; others 3).
    """

    id: str
    name: str
    relation: Relation
    form: AllianceForm
    sector: str
    cost_one_off: float = field(metadata=_MONEY)
    cost_annual: float = field(metadata=_MONEY_PER_YEAR)
    value_annual: float = field(metadata=_MONEY_PER_YEAR)
    goal_compat: float = field(metadata=_LIKERT)
    culture_compat: float = field(metadata=_LIKERT)
    commitment: float = field(metadata=_LIKERT)
    coverage: Mapping[str, float] = field(default_factory=dict, metadata={"unit": "0–1"})
    region: str = ""
    size_class: SizeClass | None = None
    exit_cost: float = field(default=0.0, metadata=_MONEY)
    value_low: float | None = field(default=None, metadata=_MONEY_PER_YEAR)
    value_high: float | None = field(default=None, metadata=_MONEY_PER_YEAR)
    duration_years: int | None = field(default=None, metadata={"unit": "years"})
    mgmt_load_fte: float = field(default=0.2, metadata={"unit": "FTE"})
    reputation: float = field(default=3.0, metadata=_LIKERT)
    prior_ties: int = field(default=0, metadata={"unit": "count"})
    learning: float = field(default=3.0, metadata=_LIKERT)
    flexibility: float = field(default=3.0, metadata=_LIKERT)
    # relational-risk items: blank takes the default of the relation (docs/method.md §3.1)
    opportunism: float | None = field(default=None, metadata=_LIKERT)
    leakage: float | None = field(default=None, metadata=_LIKERT)
    dependence: float | None = field(default=None, metadata=_LIKERT)
    # performance-risk items
    competence_unc: float = field(default=3.0, metadata=_LIKERT)
    market_unc: float = field(default=3.0, metadata=_LIKERT)
    complexity: float = field(default=3.0, metadata=_LIKERT)
    fin_fragility: float = field(default=3.0, metadata=_LIKERT)
    regulatory: float = field(default=3.0, metadata=_LIKERT)
    conflicts_with: tuple[str, ...] = ()
    requires_any: tuple[str, ...] = ()
    partner_benefit_share: float | None = field(default=None, metadata={"unit": "0–1"})
    ip_sensitivity: IPSensitivity | None = None
    must_include: bool = False
    must_exclude: bool = False
    # roadmap timing and stages (docs/method.md §12): blank means "any year", no ramp, no pilot
    earliest_start: int | None = field(default=None, metadata=_YEAR)
    latest_start: int | None = field(default=None, metadata=_YEAR)
    cost_ramp: tuple[float, ...] = field(default=(), metadata={"unit": "share of cost_annual"})
    value_ramp: tuple[float, ...] = field(default=(), metadata={"unit": "share of value_annual"})
    pilot_years: int | None = field(default=None, metadata={"unit": "years"})
    pilot_cost_one_off: float | None = field(default=None, metadata=_MONEY)
    pilot_cost_annual: float | None = field(default=None, metadata=_MONEY_PER_YEAR)
    pilot_value_annual: float | None = field(default=None, metadata=_MONEY_PER_YEAR)
    pilot_fte: float | None = field(default=None, metadata=_FTE)
    tier: int | None = field(default=None, metadata={"unit": "1–3"})

    def __post_init__(self) -> None:
        object.__setattr__(self, "coverage", _frozen_map(self.coverage))
        for name in ("cost_ramp", "value_ramp"):
            object.__setattr__(self, name, tuple(float(v) for v in getattr(self, name) or ()))
        _enum_fields(self, relation=Relation, form=AllianceForm)
        _enum_fields(self, optional=True, size_class=SizeClass, ip_sensitivity=IPSensitivity)


#: Relational-risk defaults by relation: opportunism, leakage, dependence (docs/method.md §3.1).
RELATIONAL_DEFAULTS: Mapping[Relation, tuple[float, float, float]] = MappingProxyType(
    {
        Relation.COMPETITOR: (4, 4, 3),
        Relation.SUPPLIER: (2, 2, 3),
        Relation.CUSTOMER: (2, 2, 3),
        Relation.COMPLEMENTOR: (2, 3, 3),
        Relation.PUBLIC_BODY: (1, 1, 3),
        Relation.INTERNAL: (1, 1, 2),
    }
)


@dataclass(frozen=True)
class Alliance:
    """An existing (formed) alliance, flattened (docs/method.md §1.3).

    Money: ``cost_annual`` and ``value_plan_annual`` per year, ``exit_cost`` one-off.
    ``milestone_score`` [0–1] is an optional direct input; when absent it is derived from
    the milestones table (docs/method.md §5.1).
    """

    alliance_id: str
    partner_name: str
    relation: Relation
    form: AllianceForm
    start_period: str = field(metadata=_QUARTER)
    status: AllianceStatus
    cost_annual: float = field(metadata=_MONEY_PER_YEAR)
    exit_cost: float = field(metadata=_MONEY)
    value_plan_annual: float = field(metadata=_MONEY_PER_YEAR)
    coverage: Mapping[str, float] = field(default_factory=dict, metadata={"unit": "0–1"})
    partner_id: str = ""
    description: str = ""
    sector: str = ""
    region: str = ""
    end_period: str | None = field(default=None, metadata=_QUARTER)
    lifecycle_stage: LifecycleStage | None = None
    mgmt_load_fte: float = 0.2
    milestone_score: float | None = None
    salvage_value: float = 0.0
    notice_months: int | None = None
    buyout: Buyout | None = None
    ip_terms: str = ""
    exit_triggers: str = ""
    executive_sponsor: str = ""
    decision_rule: DecisionRule | None = None
    dispute_path: str = ""
    max_days_to_resolve: int | None = None
    conflicts_with: tuple[str, ...] = ()
    # roadmap (docs/method.md §12): the tier sets its alliance-manager load; exit_year plans
    # its exit in that roadmap year
    tier: int | None = field(default=None, metadata={"unit": "1–3"})
    exit_year: int | None = field(default=None, metadata=_YEAR)

    def __post_init__(self) -> None:
        object.__setattr__(self, "coverage", _frozen_map(self.coverage))
        _enum_fields(self, relation=Relation, form=AllianceForm, status=AllianceStatus)
        _enum_fields(
            self,
            optional=True,
            lifecycle_stage=LifecycleStage,
            buyout=Buyout,
            decision_rule=DecisionRule,
        )
