"""Column specifications: every table's columns and every organization setting (data/README.md).

A :class:`Col` says how one column (or setting) is read: its :class:`Kind`, whether the column
must exist (``required``) and every row must fill it (``needed``), its default and bounds. The
parser (``cells.convert``), the checks of in-memory frames, the writer and data/README.md all
follow these specifications; nothing else lists the columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from alliancekit.model import vocab as v

__all__ = [
    "ACTION_COLS",
    "ALLIANCE_COLS",
    "CANDIDATE_COLS",
    "EVENT_COLS",
    "GAP_COLS",
    "GOAL_COLS",
    "HEALTH_COLS",
    "HISTORY_TABLES",
    "KPI_COLS",
    "MILESTONE_COLS",
    "OPTIONAL_TABLES",
    "ORG_FILE",
    "ORG_KEYS",
    "ORG_LISTS",
    "ORG_LIST_SHEETS",
    "ORG_SCALARS",
    "REQUIRED_TABLES",
    "RISK_CAP_COLS",
    "ROADMAP_COLS",
    "ROADMAP_MAPS",
    "RULE_ATTRIBUTES",
    "RULE_COLS",
    "TABLES",
    "TABLE_COLUMNS",
    "Col",
    "Kind",
]

ORG_FILE = "organization.yaml"
#: Tables of a workspace, in the order they are read and written.
TABLES = ("candidates", "alliances", "kpis", "health", "events", "milestones", "actions")
REQUIRED_TABLES = ("candidates",)
#: The long-format tables of an alliance's history (kept as frames, extra columns kept too).
HISTORY_TABLES = ("kpis", "health", "events", "milestones", "actions")
#: Tables written only when they have rows (a workspace without them is saved as before).
OPTIONAL_TABLES = ("actions",)
#: Workbook sheets holding the organization's lists.
ORG_LIST_SHEETS = ("goals", "capability_gaps", "diversification_rules", "criteria_weights")


class Kind(StrEnum):
    """How the text of a cell becomes a value (``cells.convert``)."""

    ID = "id"  # an identifier: no ';', ':' or ',' and no spaces
    STR = "str"
    CURRENCY = "currency"  # ISO 4217 code such as PKR
    FLOAT = "float"
    INT = "int"
    LIKERT = "likert"  # whole or half point on the 1–5 scale
    BOOL = "bool"
    PERIOD = "period"  # YYYY-Qn (model.periods)
    ENUM = "enum"  # a member of ``Col.enum`` (``Enum.parse``)
    COVERAGE = "coverage"  # G1:0.9;G2:0.5
    IDS = "ids"  # ';'-separated ids
    NUMBERS = "numbers"  # ';'-separated numbers, each within the column's bounds: 0.5;0.8;1


@dataclass(frozen=True)
class Col:
    """One column (or setting): how to parse it, whether it is required, and its default.

    ``required``: the column must exist; ``needed``: every row must have a value. ``lo``/``hi``
    bound numbers (inclusive); ``unit`` documents them; ``hint`` is added to a bound problem.
    """

    name: str
    kind: Kind = Kind.STR
    required: bool = False
    needed: bool = False
    default: Any = None
    enum: type[StrEnum] | None = None
    lo: float | None = None
    hi: float | None = None
    unit: str = ""
    hint: str = ""


def _c(name: str, kind: Kind = Kind.STR, req: bool = False, **kw: Any) -> Col:
    """Shorthand: ``req`` makes the column required and its values needed."""
    return Col(name, kind, required=req, needed=req or kw.pop("needed", False), **kw)


def _e(name: str, enum: type[StrEnum], req: bool = False, **kw: Any) -> Col:
    """An Enum column."""
    return _c(name, Kind.ENUM, req, enum=enum, **kw)


_MONEY = {"kind": Kind.FLOAT, "lo": 0.0, "unit": "money"}
_LIKERT = {"kind": Kind.LIKERT, "lo": 1.0, "hi": 5.0}
_SURVEY = {"kind": Kind.FLOAT, "lo": 1.0, "hi": 5.0, "hint": "survey answers use the 1–5 scale"}
_SHARE = {"kind": Kind.FLOAT, "lo": 0.0, "hi": 1.0}

CANDIDATE_COLS: tuple[Col, ...] = (
    _c("id", Kind.ID, True),
    _c("name", Kind.STR, True),
    _e("relation", v.Relation, True),
    _e("form", v.AllianceForm, True),
    _c("sector", Kind.STR, True),
    _c("region", default=""),
    _e("size_class", v.SizeClass),
    Col("coverage", Kind.COVERAGE, required=True, default={}),
    _c("cost_one_off", req=True, **_MONEY),
    _c("cost_annual", req=True, **_MONEY),
    _c("value_annual", req=True, **_MONEY),
    _c("exit_cost", default=0.0, **_MONEY),
    _c("value_low", **_MONEY),
    _c("value_high", **_MONEY),
    _c("duration_years", Kind.INT, lo=1, hi=50),
    _c("mgmt_load_fte", Kind.FLOAT, default=0.2, lo=0.0),
    _c("goal_compat", req=True, **_LIKERT),
    _c("culture_compat", req=True, **_LIKERT),
    _c("commitment", req=True, **_LIKERT),
    _c("reputation", default=3.0, **_LIKERT),
    _c("prior_ties", Kind.INT, default=0, lo=0),
    _c("learning", default=3.0, **_LIKERT),
    _c("flexibility", default=3.0, **_LIKERT),
    _c("opportunism", **_LIKERT),
    _c("leakage", **_LIKERT),
    _c("dependence", **_LIKERT),
    _c("competence_unc", default=3.0, **_LIKERT),
    _c("market_unc", default=3.0, **_LIKERT),
    _c("complexity", default=3.0, **_LIKERT),
    _c("fin_fragility", default=3.0, **_LIKERT),
    _c("regulatory", default=3.0, **_LIKERT),
    _c("conflicts_with", Kind.IDS, default=()),
    _c("requires_any", Kind.IDS, default=()),
    _c("partner_benefit_share", **_SHARE),
    _e("ip_sensitivity", v.IPSensitivity),
    _c("must_include", Kind.BOOL, default=False),
    _c("must_exclude", Kind.BOOL, default=False),
    # the roadmap (docs/method.md §12, data/README.md); blank: any year, no ramp, no pilot
    _c("earliest_start", Kind.INT, lo=1, hi=40, unit="roadmap year"),
    _c("latest_start", Kind.INT, lo=1, hi=40, unit="roadmap year"),
    _c("cost_ramp", Kind.NUMBERS, default=(), lo=0.0, hi=10.0, unit="share of cost_annual"),
    _c("value_ramp", Kind.NUMBERS, default=(), lo=0.0, hi=10.0, unit="share of value_annual"),
    _c("pilot_years", Kind.INT, lo=1, hi=10, unit="years"),
    _c("pilot_cost_one_off", **_MONEY),
    _c("pilot_cost_annual", **_MONEY),
    _c("pilot_value_annual", **_MONEY),
    _c("pilot_fte", Kind.FLOAT, lo=0.0, unit="FTE"),
    _c("tier", Kind.INT, lo=1, hi=3),
)

ALLIANCE_COLS: tuple[Col, ...] = (
    _c("alliance_id", Kind.ID, True),
    _c("partner_name", Kind.STR, True),
    _c("partner_id", default=""),
    _c("description", default=""),
    _e("relation", v.Relation, True),
    _e("form", v.AllianceForm, True),
    _c("sector", default=""),
    _c("region", default=""),
    _c("start_period", Kind.PERIOD, True),
    _c("end_period", Kind.PERIOD),
    _e("status", v.AllianceStatus, True),
    _e("lifecycle_stage", v.LifecycleStage),
    _c("cost_annual", req=True, **_MONEY),
    _c("exit_cost", req=True, **_MONEY),
    _c("value_plan_annual", req=True, **_MONEY),
    Col("coverage", Kind.COVERAGE, required=True, default={}),
    _c("mgmt_load_fte", Kind.FLOAT, default=0.2, lo=0.0),
    _c("milestone_score", **_SHARE),
    _c("salvage_value", default=0.0, **_MONEY),
    _c("notice_months", Kind.INT, lo=0, hi=600),
    _e("buyout", v.Buyout),
    _c("ip_terms", default=""),
    _c("exit_triggers", default=""),
    _c("executive_sponsor", default=""),
    _e("decision_rule", v.DecisionRule),
    _c("dispute_path", default=""),
    _c("max_days_to_resolve", Kind.INT, lo=0),
    _c("conflicts_with", Kind.IDS, default=()),
    # the roadmap (docs/method.md §12)
    _c("tier", Kind.INT, lo=1, hi=3),
    _c("exit_year", Kind.INT, lo=1, hi=40, unit="roadmap year"),
)

KPI_COLS: tuple[Col, ...] = (
    _c("alliance_id", Kind.ID, True),
    _c("kpi_id", Kind.ID, True),
    _c("name", default=""),
    _e("perspective", v.Perspective, default=""),
    _c("period", Kind.PERIOD, True),
    _c("planned", Kind.FLOAT, True, lo=0.0, hint="attainment is a ratio to plan"),
    Col("actual", Kind.FLOAT, required=True),  # blank: not reported
    _c("unit", default=""),
    _e("direction", v.KPIDirection, True),
    _c("weight", Kind.FLOAT, True, lo=0.0),
    _e("source", v.KPISource, default=v.KPISource.JOINT.value),
    _c("confidence", default=1.0, **_SHARE),
    _c("comment", default=""),
)

HEALTH_COLS: tuple[Col, ...] = (
    _c("alliance_id", Kind.ID, True),
    _c("period", Kind.PERIOD, True),
    _e("side", v.Side, True),
    Col("strategic_fit", required=True, **_SURVEY),  # blank: not answered
    Col("trust", required=True, **_SURVEY),
    Col("governance", required=True, **_SURVEY),
    Col("commitment", required=True, **_SURVEY),
    Col("learning", required=True, **_SURVEY),
)

EVENT_COLS: tuple[Col, ...] = (
    _c("alliance_id", Kind.ID, True),
    _c("period", Kind.PERIOD, True),
    _c("trigger", Kind.STR, True),
    _c("description", default=""),
)

MILESTONE_COLS: tuple[Col, ...] = (
    _c("alliance_id", Kind.ID, True),
    _c("milestone_id", Kind.ID, True),
    _c("text", default=""),
    _c("due_period", Kind.PERIOD, True),
    _e("status", v.MilestoneStatus, True),
    _c("turning_point", Kind.BOOL, default=False),
)

#: The optional actions table: what reviews assigned, and whether it was done (issue 17).
ACTION_COLS: tuple[Col, ...] = (
    _c("alliance_id", Kind.ID, True),
    _c("action", Kind.STR, True),
    _c("owner", default=""),
    _c("due_period", Kind.PERIOD, True),
    _e("status", v.ActionStatus, default=v.ActionStatus.OPEN.value),
    _c("closed_on", Kind.PERIOD),
)

#: Column specifications of every table, in the order they are written.
TABLE_COLUMNS: Mapping[str, tuple[Col, ...]] = MappingProxyType(
    {
        "candidates": CANDIDATE_COLS,
        "alliances": ALLIANCE_COLS,
        "kpis": KPI_COLS,
        "health": HEALTH_COLS,
        "events": EVENT_COLS,
        "milestones": MILESTONE_COLS,
        "actions": ACTION_COLS,
    }
)

ORG_SCALARS: tuple[Col, ...] = (
    _c("org_id", Kind.ID, True),
    _c("name", Kind.STR, True),
    _c("sector", Kind.STR, True),
    _c("region", default=""),
    _c("mission_statement", Kind.STR, True),
    _c("currency", Kind.CURRENCY, True),
    _c("money_unit", Kind.STR, True),
    _c("budget_one_off", req=True, **_MONEY),
    _c("budget_annual", req=True, **_MONEY),
    _e("risk_appetite", v.RiskAppetite, True),
    _c("min_alliances", Kind.INT, default=0, lo=0, hi=50),
    _c("max_alliances", Kind.INT, default=10, lo=0, hi=50),
    _c("mgmt_capacity_fte", Kind.FLOAT, lo=0.0),
    _c("planning_horizon_years", Kind.INT, default=3, lo=1, hi=10),
    _c("discount_rate", Kind.FLOAT, default=0.10, lo=0.0, hi=0.3),
    _c("weights_preset", Kind.STR),
)
GOAL_COLS: tuple[Col, ...] = (
    _c("goal_id", Kind.ID, True),
    _c("text", Kind.STR, True),
    _c("weight", req=True, **_SHARE),
    _c("metric", default=""),
    _c("target", default=""),
    _c("horizon_years", Kind.FLOAT, lo=0.0),
)
GAP_COLS: tuple[Col, ...] = (
    _c("gap_id", Kind.ID, True),
    _c("name", Kind.STR, True),
    _c("importance", Kind.FLOAT, True, lo=1.0, hi=5.0),
    _c("required_coverage", Kind.FLOAT, lo=0.0, hi=2.0),
    _c("mandatory", Kind.BOOL, default=True),
)
#: Attributes a diversification rule may group by.
RULE_ATTRIBUTES = ("relation", "form", "sector", "region")
RULE_COLS: tuple[Col, ...] = (
    _c("attribute", Kind.STR, True),
    _c("value", Kind.STR, True),
    _c("min_count", Kind.INT, lo=0),
    _c("max_count", Kind.INT, lo=0),
    _c("max_cost_share", **_SHARE),
)
RISK_CAP_COLS: tuple[Col, ...] = (
    _c("avg_total", **_SHARE),
    _c("max_total_per_partner", **_SHARE),
    _c("max_relational_per_partner", **_SHARE),
    _c("cvar_limit", **_MONEY),
    _c("avg_relational", **_SHARE),
    _c("avg_performance", **_SHARE),
    _c("expected_loss_limit", **_MONEY),
)
#: The optional ``roadmap`` settings (docs/method.md §12); ``fte_by_form``/``fte_by_tier`` are
#: mappings read by ``organization._roadmap``.
ROADMAP_COLS: tuple[Col, ...] = (
    _c("years", Kind.INT, lo=1, hi=10, unit="years"),
    _e("step", v.PlanningStep, default=v.PlanningStep.YEAR),
    _c("start_year", Kind.INT, lo=1900, hi=2200),
    _c("budgets_one_off", Kind.NUMBERS, default=(), lo=0.0, unit="money"),
    _c("budgets_annual", Kind.NUMBERS, default=(), lo=0.0, unit="money/yr"),
    _c("capacity_fte", Kind.NUMBERS, default=(), lo=0.0, unit="FTE"),
    _c("carry_over", default=0.0, **_SHARE),
    _c("coverage_by_year", Kind.INT, default=1, lo=1, hi=40, unit="roadmap year"),
)
ROADMAP_MAPS = ("fte_by_form", "fte_by_tier")
#: The organization's lists of items and the columns of an item.
ORG_LISTS: Mapping[str, tuple[Col, ...]] = MappingProxyType(
    {"goals": GOAL_COLS, "capability_gaps": GAP_COLS, "diversification_rules": RULE_COLS}
)
#: Every top-level key of organization.yaml.
ORG_KEYS: tuple[str, ...] = (
    *(c.name for c in ORG_SCALARS),
    *ORG_LISTS,
    "risk_caps",
    "criteria_weights",
    "roadmap",
)
