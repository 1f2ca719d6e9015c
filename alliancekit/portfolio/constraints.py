"""Typed constraint groups: what each limit of a portfolio problem is, in the user's words.

A ``Constraint`` is created once, when a ``PortfolioProblem`` is built (``problem.constraints``),
and then read by everything that needs to know what a limit means: the MILP builder, the totals,
the binding list, the infeasibility diagnosis, explanations, the app and the reports. ``key`` is
the stable name that results, widgets and tests have always used (``limit[cost_annual]``,
``count.max``, ``coverage[G3]`` …); it is an identity only, never parsed back into meaning.
``label`` (``"Annual budget"``, ``"Coverage of G3 — Mobile payments"``) and ``unit`` are for
people. docs/method.md §4 lists the constraint groups. ``GroupLimit`` is the input of the
diversification groups; ``Wording`` says how a problem names its columns, limits and gaps.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from alliancekit.errors import DataValidationError
from alliancekit.model import Relation
from alliancekit.model.vocab import Vocabulary
from alliancekit.results import jsonable

__all__ = ["Constraint", "ConstraintKind", "GroupLimit", "Sense", "Wording"]


class Sense(Vocabulary):
    """Direction of a constraint: ``used ≤ bound``, ``used ≥ bound`` or ``used = bound``."""

    LE = "<="
    GE = ">="
    EQ = "=="

    def slack(self, used: float, bound: float) -> float:
        """Room left before the constraint breaks (≥ 0 when it holds; −|gap| for EQ)."""
        if self is Sense.LE:
            return bound - used
        if self is Sense.GE:
            return used - bound
        return -abs(used - bound)


class ConstraintKind(Vocabulary):
    """The kinds of constraint group of docs/method.md §4 (what ``target`` names)."""

    LIMIT = "limit"  # Σ column·x (+ fixed use) ≤ cap; target: column
    COUNT = "count"  # number of (new) partners; target: None
    AVERAGE = "average"  # average of a column over the selection ≤ cap; target: column
    EACH = "each"  # per-partner cap, a bound x_i = 0 before the MILP; target: column
    COVERAGE = "coverage"  # Σ coverage·x (+ fixed coverage) ≥ level; target: gap id
    GROUP_COUNT = "group_count"  # partners in a group; target: GroupLimit
    GROUP_COST_SHARE = "group_cost_share"  # a group's share of cost ≤ θ; target: GroupLimit
    CVAR = "cvar"  # CVaR_β of the scenario loss ≤ Γ; target: None
    MUST_INCLUDE = "must_include"  # x_i = 1; target: partner id
    MUST_EXCLUDE = "must_exclude"  # x_i = 0; target: tuple of partner ids
    SCREEN = "screen"  # knocked out before the MILP; target: tuple of partner ids
    CONFLICT = "conflict"  # at most one of; target: tuple of partner ids
    REQUIRES = "requires"  # a partner needs one of others; target: (partner, *needed)


#: Kinds whose bound is a number that can move (what a relaxation changes).
NUMERIC = frozenset(
    {
        ConstraintKind.LIMIT,
        ConstraintKind.COUNT,
        ConstraintKind.AVERAGE,
        ConstraintKind.EACH,
        ConstraintKind.COVERAGE,
        ConstraintKind.GROUP_COUNT,
        ConstraintKind.GROUP_COST_SHARE,
        ConstraintKind.CVAR,
    }
)


@dataclass(frozen=True)
class Constraint:
    """One constraint group of a portfolio problem.

    Attributes
    ----------
    kind : ConstraintKind
        What the group constrains.
    target : str, tuple of str, GroupLimit or None
        The column, gap id, group or partner ids it concerns (see ``ConstraintKind``).
    sense : Sense
        ``used ≤ bound`` (caps), ``used ≥ bound`` (requirements) or ``used = bound``.
    bound : float
        The cap or required level [``unit``]; 1 for a must-include, 1 for a conflict (at most
        one), 0 for requires, must-exclude and screening.
    label : str
        The group in the user's words, e.g. "Annual budget", "Coverage of G3 — Mobile payments".
    unit : str
        Unit of ``bound`` and of the used amount ("" for shares, risks, counts).
    key : str
        Stable identity shown in totals, binding lists and ``InfeasiblePortfolioError``
        (``limit[cost_annual]``, ``count.max`` …).
    soft : bool
        A soft coverage requirement (a penalty, not a hard row): left out of the diagnosis.
    """

    kind: ConstraintKind
    target: str | tuple[str, ...] | GroupLimit | None
    sense: Sense
    bound: float
    label: str
    unit: str = ""
    key: str = ""
    soft: bool = False

    @property
    def numeric(self) -> bool:
        """True when the bound is an amount that can be raised or lowered."""
        return self.kind in NUMERIC

    @property
    def phrase(self) -> str:
        """``label`` for use inside a sentence ("Annual budget" → "annual budget")."""
        text = self.label
        if len(text) > 1 and text[0].isupper() and text[1].islower():
            return text[0].lower() + text[1:]
        return text

    def amount(self, value: float, spec: str = ",.4g") -> str:
        """``value`` formatted with ``spec`` and followed by the unit, if any."""
        text = format(value, spec) if math.isfinite(value) else str(value)
        return f"{text} {self.unit}" if self.unit else text

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe description (key, kind, target, label, sense, bound, unit, soft)."""
        return {
            "key": self.key,
            "kind": self.kind.value,
            "target": jsonable(self.target),
            "label": self.label,
            "sense": self.sense.value,
            "bound": self.bound if math.isfinite(self.bound) else None,
            "unit": self.unit,
            "soft": self.soft,
        }


def _frozen(mapping: Mapping[str, str] | None) -> Mapping[str, str]:
    return MappingProxyType({str(k): str(v) for k, v in (mapping or {}).items()})


@dataclass(frozen=True)
class Wording:
    """How the constraints of a problem are named for people.

    Attributes
    ----------
    columns : Mapping column -> words
        A column in words ("R_rel" → "relational risk"); default: underscores as spaces.
    limits : Mapping column -> label
        The label of a limit on that column ("cost_annual" → "Annual budget"); default
        "Total <column in words>".
    units : Mapping column -> unit
        Unit of a column's values ("cost_annual" → "PKR lakh/yr").
    gaps : Mapping gap id -> name
        Capability gap names ("G3" → "Mobile payments").
    members : str
        What the count rules count ("partners", "new alliances").
    loss_unit : str
        Unit of the scenario losses (the CVaR cap).
    """

    columns: Mapping[str, str] = field(default_factory=dict)
    limits: Mapping[str, str] = field(default_factory=dict)
    units: Mapping[str, str] = field(default_factory=dict)
    gaps: Mapping[str, str] = field(default_factory=dict)
    members: str = "partners"
    loss_unit: str = ""

    def __post_init__(self) -> None:
        for name in ("columns", "limits", "units", "gaps"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))

    def column(self, column: str) -> str:
        """A column in words (lower case)."""
        return self.columns.get(column, column.replace("_", " "))

    def limit(self, column: str) -> str:
        """Label of the limit on ``column``."""
        return self.limits.get(column, f"Total {self.column(column)}")

    def gap(self, gap: str) -> str:
        """A gap id with its name, "G3 — Mobile payments" (the id alone without a name)."""
        name = self.gaps.get(gap, "")
        return f"{gap} — {name}" if name and name != gap else gap


def plural(words: str, n: float) -> str:
    """``words`` for ``n`` items: "competitor" → "competitors", "body" → "bodies"."""
    if n == 1:
        return words
    if words.endswith("y") and words[-2:-1] not in tuple("aeiou"):
        return words[:-1] + "ies"
    if words.endswith(("s", "x", "ch", "sh")):
        return words + "es"
    return words + "s"


def join_ids(ids: tuple[str, ...] | list[str]) -> str:
    """ "A01", "A01 and A02", "A01, A02 and A03"."""
    ids = list(ids)
    if len(ids) <= 1:
        return "".join(ids)
    return ", ".join(ids[:-1]) + " and " + ids[-1]


@dataclass(frozen=True)
class GroupLimit:
    """Diversification limit on the partners whose ``column`` equals ``value``.

    Parameters
    ----------
    column, value : str
        Group membership, e.g. ``GroupLimit("relation", "competitor", max_count=1)``.
    min_count, max_count : int, optional
        Bounds on the number of selected partners in the group.
    max_cost_share : float, optional
        Largest share [0–1] of ``cost_column`` (summed over the selection) the group may take,
        linearised as ``Σ_i (1[i∈G] − θ)·cost_i·x_i ≤ 0`` (docs/method.md §3.5).
    cost_column : str
        Cost used by ``max_cost_share`` [money/yr by default].
    """

    column: str
    value: Any
    min_count: int | None = None
    max_count: int | None = None
    max_cost_share: float | None = None
    cost_column: str = "cost_annual"

    @property
    def label(self) -> str:
        """Readable group name such as ``relation=competitor`` (the key of its constraints)."""
        return f"{self.column}={self.value}"

    def nouns(self, wording: Wording | None = None) -> tuple[str, str]:
        """The group's members in words, singular and plural ("competitor", "competitors")."""
        value = str(self.value).replace("_", " ")
        if self.column == "relation":
            with contextlib.suppress(DataValidationError):  # a table's own relation values
                value = Relation.parse(self.value).label
            return value, plural(value, 2)
        column = (wording or Wording()).column(self.column)
        return f"partner with {column} {value}", f"partners with {column} {value}"
