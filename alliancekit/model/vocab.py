"""Closed vocabularies of the domain, as string Enums that parse leniently and read well.

Every field that takes one of a fixed set of values holds one of these Enums (never a bare
string); ``parse`` is the one place where text from files, forms or the command line becomes a
member, and ``label`` the one place it becomes words for people.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from typing import Any, Self

from alliancekit.errors import DataValidationError

__all__ = [
    "AllianceForm",
    "AllianceStatus",
    "Buyout",
    "Decision",
    "DecisionRule",
    "Direction",
    "IPSensitivity",
    "KPIDirection",
    "KPISource",
    "LifecycleStage",
    "MilestoneStatus",
    "Perspective",
    "Relation",
    "RiskAppetite",
    "Side",
    "SizeClass",
    "SolveStatus",
]


@cache
def _lookup(cls: type[StrEnum]) -> dict[str, Any]:
    """Lower-case value and name → member, built once per Enum."""
    table: dict[str, Any] = {}
    for member in cls:
        table[member.name.lower()] = member
        table[member.value.lower()] = member
    return table


class _StrEnum(StrEnum):
    """String-valued Enum that prints as its value and parses case-insensitively."""

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, value: Any, *, what: str | None = None) -> Self:
        """The member for ``value`` (member, value or name; any case; ``-`` or space for ``_``).

        Raises
        ------
        DataValidationError
            For an unknown value (also a ``ValueError``); the message lists the allowed values.
        """
        if isinstance(value, cls):
            return value
        text = str(value).strip().lower().replace("-", "_").replace(" ", "_")
        member = _lookup(cls).get(text)
        if member is None:
            allowed = ", ".join(m.value for m in cls)
            raise DataValidationError.single(
                f"{value!r} is not a valid {what or cls.__name__}; expected one of: {allowed}",
                column=what,
            )
        return member

    @classmethod
    def parse_optional(cls, value: Any, *, what: str | None = None) -> Self | None:
        """Like ``parse``, but ``None``, NaN and blank text give ``None``."""
        if value is None or (isinstance(value, float) and value != value):
            return None
        if isinstance(value, str) and not value.strip():
            return None
        return cls.parse(value, what=what)

    @property
    def label(self) -> str:
        """The value in words for people (``public_body`` → ``public body``)."""
        return _LABELS.get(self, self.value.replace("_", " "))

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


_LABELS: dict[StrEnum, str] = {
    AllianceForm.JOINT_VENTURE: "joint venture",
    IPSensitivity.MED: "medium",
    SolveStatus.TIME_LIMIT: "stopped at the time limit",
    SolveStatus.NOT_SOLVED: "not solved",
    Relation.PUBLIC_BODY: "public or research body",
}
