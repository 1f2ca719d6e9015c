"""The alliance data model: closed vocabularies as Enums, entities as frozen dataclasses.

Raw inputs only (Likert items, money, coverage); derived values (scores, risks, E[NPV]) are
computed by ``criteria``/``risk`` and never stored here (docs/method.md §8).

Money is in the organization's ``currency`` and ``money_unit`` (e.g. PKR lakh, kEUR); costs and
values are per year unless the name ends in ``_one_off``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import Enum, StrEnum
from types import MappingProxyType
from typing import Any

import pandas as pd

__all__ = [
    "Alliance",
    "AllianceForm",
    "AllianceStatus",
    "Buyout",
    "Candidate",
    "Decision",
    "DecisionRule",
    "Direction",
    "DiversificationRule",
    "Gap",
    "Goal",
    "IPSensitivity",
    "KPIDirection",
    "KPISource",
    "LifecycleStage",
    "MilestoneStatus",
    "Organization",
    "Perspective",
    "Relation",
    "RiskAppetite",
    "RiskCaps",
    "Side",
    "SizeClass",
    "SolveStatus",
    "Workspace",
    "annuity_factor",
    "likert",
]


class _StrEnum(StrEnum):
    """String-valued Enum that prints as its value and parses case-insensitively."""

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, value: Any) -> _StrEnum:
        """The member for ``value`` (member, value or name, any case); ValueError if unknown."""
        if isinstance(value, cls):
            return value
        text = str(value).strip().lower().replace("-", "_").replace(" ", "_")
        for member in cls:
            if member.value.lower() == text or member.name.lower() == text:
                return member
        allowed = ", ".join(m.value for m in cls)
        raise ValueError(f"{value!r} is not a valid {cls.__name__}; expected one of: {allowed}")

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """All allowed values, in declaration order."""
        return tuple(m.value for m in cls)


class Relation(_StrEnum):
    """How the partner relates to the focal organization (docs/method.md §1.2)."""

    SUPPLIER = "supplier"
    CUSTOMER = "customer"
    COMPETITOR = "competitor"
    COMPLEMENTOR = "complementor"
    PUBLIC_BODY = "public_body"
    INTERNAL = "internal"


class AllianceForm(_StrEnum):
    """Legal and organisational form, from contractual to equity (Das & Teng 1996)."""

    JOINT_VENTURE = "joint_venture"
    EQUITY_ALLIANCE = "equity_alliance"
    STRATEGIC_PARTNERSHIP = "strategic_partnership"
    ALLIANCE_AGREEMENT = "alliance_agreement"
    ALLIANCE_NETWORK = "alliance_network"

    @property
    def is_equity(self) -> bool:
        """True for joint ventures and equity alliances."""
        return self in (AllianceForm.JOINT_VENTURE, AllianceForm.EQUITY_ALLIANCE)


class SizeClass(_StrEnum):
    """Partner size class."""

    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class Direction(_StrEnum):
    """Whether more of a criterion is better (benefit) or worse (cost)."""

    BENEFIT = "benefit"
    COST = "cost"


class KPIDirection(_StrEnum):
    """Whether a higher or a lower KPI actual is better."""

    HIGHER = "higher"
    LOWER = "lower"


class RiskAppetite(_StrEnum):
    """Organization's appetite for risk; maps to default portfolio caps (docs/method.md §3.5)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class AllianceStatus(_StrEnum):
    """Status of a formed or proposed alliance."""

    PROPOSED = "proposed"
    NEGOTIATING = "negotiating"
    ACTIVE = "active"
    UNDER_REVIEW = "under_review"
    RESTRUCTURING = "restructuring"
    EXITING = "exiting"
    CLOSED = "closed"


class LifecycleStage(_StrEnum):
    """The ASAP seven-step alliance life cycle."""

    STRATEGY = "strategy"
    PARTNER_SELECTION = "partner_selection"
    NEGOTIATION = "negotiation"
    OPERATIONAL_PLANNING = "operational_planning"
    STRUCTURING = "structuring"
    MANAGEMENT = "management"
    TRANSFORMATION = "transformation"


class MilestoneStatus(_StrEnum):
    """Status of an alliance milestone."""

    PENDING = "pending"
    MET = "met"
    LATE = "late"
    MISSED = "missed"


class Side(_StrEnum):
    """Respondent side of a health survey."""

    OWN = "own"
    PARTNER = "partner"


class Perspective(_StrEnum):
    """Balanced-scorecard perspective of a KPI (Kaplan et al. 2010; docs/method.md §1.3)."""

    FINANCIAL = "financial"
    STRATEGIC = "strategic"
    OPERATIONAL = "operational"
    RELATIONSHIP = "relationship"
    LEARNING = "learning"


class KPISource(_StrEnum):
    """Who reported a KPI observation (docs/method.md §1.4)."""

    OWN = "own"
    PARTNER = "partner"
    JOINT = "joint"


class Buyout(_StrEnum):
    """Buy-out clause in an alliance's exit terms (Gulati et al. 2008; Tong & Li 2013)."""

    NONE = "none"
    CALL = "call"
    PUT = "put"
    SHOTGUN = "shotgun"


class DecisionRule(_StrEnum):
    """How an alliance's steering body decides (docs/method.md §1.3 governance)."""

    CONSENSUS = "consensus"
    MAJORITY = "majority"
    LEAD_PARTNER = "lead_partner"


class IPSensitivity(_StrEnum):
    """How sensitive the intellectual property exposed to a partner is."""

    LOW = "low"
    MED = "med"
    HIGH = "high"


class Decision(_StrEnum):
    """Review decision, ordered EXIT < RESTRUCTURE < MAINTAIN < GROW by ``rank``."""

    EXIT = "EXIT"
    RESTRUCTURE = "RESTRUCTURE"
    MAINTAIN = "MAINTAIN"
    GROW = "GROW"

    @property
    def rank(self) -> int:
        """0 for EXIT up to 3 for GROW; higher is a better outcome for the alliance."""
        return list(Decision).index(self)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Decision):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Decision):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Decision):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Decision):
            return NotImplemented
        return self.rank >= other.rank


class SolveStatus(_StrEnum):
    """Outcome of a portfolio solve."""

    OPTIMAL = "optimal"
    TIME_LIMIT = "time_limit"  # feasible incumbent, optimality not proven; see mip_gap
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    NOT_SOLVED = "not_solved"
    ERROR = "error"


def likert(x: float) -> float:
    """Map a 1–5 Likert value to [0, 1]: ``L(x) = (x − 1) / 4`` (docs/method.md §2)."""
    return (float(x) - 1.0) / 4.0


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


def annuity_factor(rate: float, years: float) -> float:
    """``AF = (1 − (1+r)^−H)/r``, or ``H`` when ``r = 0`` [years]: present value of 1 per year."""
    return float(years) if rate == 0 else (1.0 - (1.0 + rate) ** -years) / rate


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

    @property
    def money_label(self) -> str:
        """Money unit for display, e.g. ``PKR lakh`` or ``kEUR``."""
        unit = self.money_unit.strip()
        if unit.lower() in ("k", "thousand"):
            return f"k{self.currency}"
        if unit.lower() in ("m", "million"):
            return f"M{self.currency}"
        return f"{self.currency} {unit}".strip()

    @property
    def annuity_factor(self) -> float:
        """AF = (1 − (1+r)^−H) / r, or H when r = 0 [years] (``annuity_factor``)."""
        return annuity_factor(self.discount_rate, self.planning_horizon_years)

    def gap(self, gap_id: str) -> Gap:
        """The capability gap with this id (KeyError if unknown)."""
        for g in self.capability_gaps:
            if g.gap_id == gap_id:
                return g
        raise KeyError(gap_id)

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
    cost_one_off: float
    cost_annual: float
    value_annual: float
    goal_compat: float
    culture_compat: float
    commitment: float
    coverage: Mapping[str, float] = field(default_factory=dict)
    region: str = ""
    size_class: SizeClass | None = None
    exit_cost: float = 0.0
    value_low: float | None = None
    value_high: float | None = None
    duration_years: int | None = None
    mgmt_load_fte: float = 0.2
    reputation: float = 3.0
    prior_ties: int = 0
    learning: float = 3.0
    flexibility: float = 3.0
    opportunism: float | None = None
    leakage: float | None = None
    dependence: float | None = None
    competence_unc: float = 3.0
    market_unc: float = 3.0
    complexity: float = 3.0
    fin_fragility: float = 3.0
    regulatory: float = 3.0
    conflicts_with: tuple[str, ...] = ()
    requires_any: tuple[str, ...] = ()
    partner_benefit_share: float | None = None
    ip_sensitivity: str | None = None
    must_include: bool = False
    must_exclude: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "coverage", _frozen_map(self.coverage))


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
    start_period: str
    status: AllianceStatus
    cost_annual: float
    exit_cost: float
    value_plan_annual: float
    coverage: Mapping[str, float] = field(default_factory=dict)
    partner_id: str = ""
    description: str = ""
    sector: str = ""
    region: str = ""
    end_period: str | None = None
    lifecycle_stage: LifecycleStage | None = None
    mgmt_load_fte: float = 0.2
    milestone_score: float | None = None
    salvage_value: float = 0.0
    notice_months: int | None = None
    buyout: str = ""
    ip_terms: str = ""
    exit_triggers: str = ""
    executive_sponsor: str = ""
    decision_rule: str = ""
    dispute_path: str = ""
    max_days_to_resolve: int | None = None
    conflicts_with: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "coverage", _frozen_map(self.coverage))


def _records(items: tuple, key: str) -> pd.DataFrame:
    rows = []
    for item in items:
        row = {}
        for f in fields(item):
            v = getattr(item, f.name)
            if isinstance(v, Enum):
                v = v.value
            elif isinstance(v, MappingProxyType):
                v = dict(v)
            row[f.name] = v
        rows.append(row)
    cols = [f.name for f in fields(type(items[0]))] if items else [key]
    frame = pd.DataFrame(rows, columns=cols)
    return frame.set_index(key, drop=True)


@dataclass(frozen=True)
class Workspace:
    """Everything one organization's analysis needs: organization, candidates, alliances, history.

    Tables (long format, data/README.md):

    - ``kpis``: alliance_id, kpi_id, period, planned, actual, unit, direction, weight
      (+ optional name, perspective, source, confidence, comment);
    - ``health``: alliance_id, period, side, strategic_fit, trust, governance, commitment,
      learning [1–5, blanks allowed];
    - ``events``: alliance_id, period, trigger, description;
    - ``milestones``: alliance_id, milestone_id, text, due_period, status, turning_point.
    """

    name: str
    organization: Organization
    candidates: tuple[Candidate, ...]
    alliances: tuple[Alliance, ...] = ()
    kpis: pd.DataFrame = field(default_factory=pd.DataFrame)
    health: pd.DataFrame = field(default_factory=pd.DataFrame)
    events: pd.DataFrame = field(default_factory=pd.DataFrame)
    milestones: pd.DataFrame = field(default_factory=pd.DataFrame)
    source: str | None = None

    # -- lookups ---------------------------------------------------------------------------
    def candidate(self, candidate_id: str) -> Candidate:
        """The candidate with this id (KeyError if unknown)."""
        for c in self.candidates:
            if c.id == candidate_id:
                return c
        raise KeyError(candidate_id)

    def alliance(self, alliance_id: str) -> Alliance:
        """The existing alliance with this id (KeyError if unknown)."""
        for a in self.alliances:
            if a.alliance_id == alliance_id:
                return a
        raise KeyError(alliance_id)

    @property
    def candidate_ids(self) -> tuple[str, ...]:
        """Candidate ids in file order."""
        return tuple(c.id for c in self.candidates)

    @property
    def alliance_ids(self) -> tuple[str, ...]:
        """Existing alliance ids in file order."""
        return tuple(a.alliance_id for a in self.alliances)

    # -- frames ----------------------------------------------------------------------------
    def candidates_frame(self) -> pd.DataFrame:
        """Candidates as a DataFrame indexed by ``id`` with every documented default applied.

        Relational-risk items missing on a candidate take the defaults of its relation
        (docs/method.md §3.1); ``duration_years`` defaults to the planning horizon. Enums become
        their string values; ``coverage`` stays a dict column (see ``coverage_frame``).

        Built once per workspace (it is immutable) and returned as a new shallow copy each
        time: with pandas copy-on-write, changing the returned frame never changes the cache.
        """
        cached = self.__dict__.get("_candidates_frame")
        if cached is None:
            cached = self._build_candidates_frame()
            object.__setattr__(self, "_candidates_frame", cached)
        return cached.copy(deep=False)

    def _build_candidates_frame(self) -> pd.DataFrame:
        frame = _records(self.candidates, "id")
        if frame.empty:
            return frame
        for item, pos in (("opportunism", 0), ("leakage", 1), ("dependence", 2)):
            defaults = frame["relation"].map(lambda r, p=pos: RELATIONAL_DEFAULTS[Relation(r)][p])
            frame[item] = frame[item].where(frame[item].notna(), defaults).astype(float)
        horizon = self.organization.planning_horizon_years
        frame["duration_years"] = frame["duration_years"].where(
            frame["duration_years"].notna(), horizon
        )
        return frame

    def coverage_frame(self) -> pd.DataFrame:
        """Candidate × gap coverage [0–1], zeros where a candidate does not cover a gap."""
        return _coverage(self.candidates, "id", self.organization.gap_ids)

    def alliances_frame(self) -> pd.DataFrame:
        """Existing alliances as a DataFrame indexed by ``alliance_id``."""
        return _records(self.alliances, "alliance_id")

    def alliance_coverage_frame(self) -> pd.DataFrame:
        """Existing alliance × gap coverage [0–1]."""
        return _coverage(self.alliances, "alliance_id", self.organization.gap_ids)

    def periods(self) -> list[str]:
        """Sorted distinct periods with KPI data."""
        if self.kpis.empty:
            return []
        return sorted(self.kpis["period"].unique(), key=period_key)

    def latest_period(self) -> str | None:
        """The latest period with KPI data, or None."""
        p = self.periods()
        return p[-1] if p else None

    def replace(self, **changes: Any) -> Workspace:
        """A copy with some fields replaced (the original is never mutated)."""
        from dataclasses import replace

        return replace(self, **changes)

    def without_candidates(self, *ids: str) -> Workspace:
        """A copy without the given candidates (references to them are dropped)."""
        drop = set(ids)
        kept = []
        for c in self.candidates:
            if c.id in drop:
                continue
            kept.append(
                _replace(
                    c,
                    conflicts_with=tuple(x for x in c.conflicts_with if x not in drop),
                    requires_any=tuple(x for x in c.requires_any if x not in drop),
                )
            )
        return self.replace(candidates=tuple(kept))


def _replace(obj: Any, **changes: Any) -> Any:
    from dataclasses import replace

    return replace(obj, **changes)


def _coverage(items: tuple, key: str, gap_ids: tuple[str, ...]) -> pd.DataFrame:
    ids = [getattr(i, key) for i in items]
    frame = pd.DataFrame(0.0, index=pd.Index(ids, name=key), columns=list(gap_ids))
    for item in items:
        for gap_id, level in item.coverage.items():
            frame.loc[getattr(item, key), gap_id] = float(level)
    frame.columns.name = "gap_id"
    return frame


def period_key(period: str) -> tuple[int, int]:
    """Sort key for ``YYYY-Qn`` periods: (year, quarter)."""
    year, q = str(period).split("-Q")
    return int(year), int(q)


def period_index(period: str) -> int:
    """Quarters since year 0, so consecutive quarters differ by 1."""
    year, q = period_key(period)
    return year * 4 + (q - 1)


def period_from_index(index: int) -> str:
    """Inverse of ``period_index``."""
    return f"{index // 4}-Q{index % 4 + 1}"
