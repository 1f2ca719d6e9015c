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
    "ActionStatus",
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
    "PlanningStep",
    "Relation",
    "RiskAppetite",
    "Side",
    "SizeClass",
    "SolveStatus",
    "Vocabulary",
]


@cache
def _lookup(cls: type[StrEnum]) -> dict[str, Any]:
    """Lower-case value and name → member, built once per Enum."""
    table: dict[str, Any] = {}
    for member in cls:
        for text in (member.label, member.name, member.value):  # the value wins on a clash
            table[text.lower().replace("-", "_").replace(" ", "_")] = member
    return table


class Vocabulary(StrEnum):
    """String-valued Enum that prints as its value and parses case-insensitively."""

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, value: Any, *, what: str | None = None) -> Self:
        """The member for ``value`` (member, value, name or label; any case; ``-`` or space for
        ``_``).

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
                f"unknown {what or cls.__name__} {value!r}; expected one of: {allowed}",
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


class Relation(Vocabulary):
    """How the partner relates to the focal organization (docs/method.md §1.2).

    The relation sets the default relational-risk items when a candidate leaves them blank
    (competitors are assumed more opportunistic, public bodies less) and is the attribute most
    diversification rules use ("at most 1 competitor", "at least 1 public or research body").
    """

    SUPPLIER = "supplier"
    CUSTOMER = "customer"
    COMPETITOR = "competitor"
    COMPLEMENTOR = "complementor"
    PUBLIC_BODY = "public_body"
    INTERNAL = "internal"


class AllianceForm(Vocabulary):
    """Legal and organisational form, from contractual to equity (Das & Teng 1996).

    From loosest to tightest: a contractual agreement on one area, a network or consortium, a
    long-term strategic partnership, an equity stake, a joint venture (a new jointly owned firm).
    """

    JOINT_VENTURE = "joint_venture"
    EQUITY_ALLIANCE = "equity_alliance"
    STRATEGIC_PARTNERSHIP = "strategic_partnership"
    ALLIANCE_AGREEMENT = "alliance_agreement"
    ALLIANCE_NETWORK = "alliance_network"

    @property
    def is_equity(self) -> bool:
        """True for joint ventures and equity alliances."""
        return self in (AllianceForm.JOINT_VENTURE, AllianceForm.EQUITY_ALLIANCE)


class SizeClass(Vocabulary):
    """Partner size class (alliances tend to work better between partners of similar size).

    Informational: shown in tables and usable in diversification rules, not scored.
    """

    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class Direction(Vocabulary):
    """Whether more of a criterion is better (benefit) or worse (cost).

    A cost criterion is turned around when normalised, so that a higher normalised value is
    always better.
    """

    BENEFIT = "benefit"
    COST = "cost"


class KPIDirection(Vocabulary):
    """Whether a higher or a lower KPI actual is better.

    Lower-is-better KPIs (defect rates, days outstanding) are scored ``2 − actual/planned``.
    """

    HIGHER = "higher"
    LOWER = "lower"


class RiskAppetite(Vocabulary):
    """Organization's appetite for risk; maps to default portfolio caps (docs/method.md §3.5).

    Low, medium and high appetite cap the average total risk of new partners at 0.30, 0.38 and
    0.45, and each partner's total risk at 0.45, 0.55 and 0.65, unless the caps are set directly.
    """

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class AllianceStatus(Vocabulary):
    """Status of a formed or proposed alliance.

    Closed alliances are kept for the record but neither reviewed nor counted in budgets.
    """

    PROPOSED = "proposed"
    NEGOTIATING = "negotiating"
    ACTIVE = "active"
    UNDER_REVIEW = "under_review"
    RESTRUCTURING = "restructuring"
    EXITING = "exiting"
    CLOSED = "closed"


class LifecycleStage(Vocabulary):
    """The ASAP seven-step alliance life cycle (Association of Strategic Alliance Professionals).

    Strategy → partner selection → negotiation and trust building → operational planning →
    structuring and governance → launch and management → transformation or exit.
    """

    STRATEGY = "strategy"
    PARTNER_SELECTION = "partner_selection"
    NEGOTIATION = "negotiation"
    OPERATIONAL_PLANNING = "operational_planning"
    STRUCTURING = "structuring"
    MANAGEMENT = "management"
    TRANSFORMATION = "transformation"


class MilestoneStatus(Vocabulary):
    """Status of an alliance milestone at the review.

    A met milestone counts fully in the milestone score, a late one half, a missed one not at
    all; a pending milestone past its due quarter counts as due and not met.
    """

    PENDING = "pending"
    MET = "met"
    LATE = "late"
    MISSED = "missed"


class ActionStatus(Vocabulary):
    """Status of an action a review assigned (the optional ``actions`` table).

    An open action past its due quarter is overdue; done and dropped actions are closed.
    """

    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def is_open(self) -> bool:
        """True while the action still has to be done."""
        return self is ActionStatus.OPEN


class Side(Vocabulary):
    """Respondent side of a health survey: our own organization or the partner.

    Both sides answer the same items; the gap between their answers is the perception gap.
    """

    OWN = "own"
    PARTNER = "partner"


class Perspective(Vocabulary):
    """Balanced-scorecard perspective of a KPI (Kaplan et al. 2010; docs/method.md §1.3).

    A healthy scorecard mixes "ends" (financial, strategic) and "means" (operational,
    relationship, learning) measures.
    """

    FINANCIAL = "financial"
    STRATEGIC = "strategic"
    OPERATIONAL = "operational"
    RELATIONSHIP = "relationship"
    LEARNING = "learning"


class KPISource(Vocabulary):
    """Who reported a KPI observation (docs/method.md §1.4).

    Figures reported by the partner alone are listed in the report's data-quality appendix.
    """

    OWN = "own"
    PARTNER = "partner"
    JOINT = "joint"


class Buyout(Vocabulary):
    """Buy-out clause in an alliance's exit terms (Gulati et al. 2008; Tong & Li 2013).

    A call lets us buy the partner's share, a put lets us sell ours, a shotgun lets either side
    name a price the other must accept as buyer or seller.
    """

    NONE = "none"
    CALL = "call"
    PUT = "put"
    SHOTGUN = "shotgun"


class DecisionRule(Vocabulary):
    """How an alliance's steering body decides (docs/method.md §1.3 governance).

    Consensus protects both sides but is slow; a lead partner decides fastest.
    """

    CONSENSUS = "consensus"
    MAJORITY = "majority"
    LEAD_PARTNER = "lead_partner"


class IPSensitivity(Vocabulary):
    """How sensitive the intellectual property exposed to a partner is.

    Informational: high sensitivity with a competitor is a reason to look hard at leakage risk.
    """

    LOW = "low"
    MED = "med"
    HIGH = "high"


class Decision(Vocabulary):
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


class SolveStatus(Vocabulary):
    """Outcome of a portfolio solve."""

    OPTIMAL = "optimal"
    TIME_LIMIT = "time_limit"  # feasible incumbent, optimality not proven; see mip_gap
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    NOT_SOLVED = "not_solved"
    ERROR = "error"


class PlanningStep(Vocabulary):
    """The period of a multi-year roadmap (docs/method.md §12): years, or quarters.

    Budgets, capacity and starts are planned per step; amounts per year are split evenly over
    the quarters of a year when the roadmap runs by quarter.
    """

    YEAR = "year"
    QUARTER = "quarter"


_LABELS: dict[StrEnum, str] = {
    AllianceForm.JOINT_VENTURE: "joint venture",
    IPSensitivity.MED: "medium",
    SolveStatus.TIME_LIMIT: "stopped at the time limit",
    SolveStatus.NOT_SOLVED: "not solved",
    Relation.PUBLIC_BODY: "public or research body",
}
