"""The validated, solver-independent portfolio problem and its typed constraint groups.

``PortfolioProblem`` holds what a solve needs (aligned arrays, caps, links between partners);
``problem.constraints`` turns those inputs into ``Constraint`` values once, in the order the
infeasibility diagnosis tries them (docs/method.md §4). Inputs are validated by
``alliancekit.portfolio.inputs.make_problem``; nothing here imports a solver.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.model.vocab import Vocabulary
from alliancekit.portfolio.constraints import (
    Constraint,
    ConstraintKind,
    GroupLimit,
    Sense,
    Wording,
    join_ids,
)

__all__ = ["SOLVERS", "PortfolioProblem", "Solver"]

K = ConstraintKind


class Solver(Vocabulary):
    """MILP solvers: HiGHS in-process, or the CBC binary bundled with PuLP 3."""

    HIGHS = "highs"
    CBC = "cbc"


SOLVERS = Solver.values()


def _summary(**metadata: Any) -> dict[str, Any]:
    """Field metadata: the field is part of the problem summary stored in results.json."""
    return {"summary": True, **metadata}


@dataclass(frozen=True, eq=False)
class PortfolioProblem:
    """A validated, solver-independent portfolio problem (what a result needs to re-solve).

    All arrays are aligned with ``ids``; money in the caller's unit. ``limit_base`` and
    ``coverage_base`` hold what fixed items outside the selection (kept alliances, exit costs)
    already use or provide; ``objective_constant`` is added to the reported objective. Fields
    marked ``summary`` in their metadata are what ``PortfolioResult.to_dict`` stores of it.
    """

    ids: tuple[str, ...]
    table: pd.DataFrame
    objective: pd.Series
    objective_name: str = "value"
    limits: Mapping[str, float] = field(default_factory=dict, metadata=_summary())
    limit_base: Mapping[str, float] = field(default_factory=dict)
    min_count: int | None = field(default=None, metadata=_summary())
    max_count: int | None = field(default=None, metadata=_summary())
    max_average: Mapping[str, float] = field(default_factory=dict, metadata=_summary())
    max_each: Mapping[str, float] = field(default_factory=dict, metadata=_summary())
    coverage: pd.DataFrame | None = None
    coverage_required: Mapping[str, float] = field(default_factory=dict, metadata=_summary())
    coverage_base: Mapping[str, float] = field(default_factory=dict)
    coverage_soft: float | None = None
    coverage_reward: Mapping[str, float] = field(default_factory=dict)
    conflicts: tuple[tuple[str, ...], ...] = field(default=(), metadata=_summary())
    requires: Mapping[str, tuple[str, ...]] = field(default_factory=dict, metadata=_summary())
    groups: tuple[GroupLimit, ...] = field(default=(), metadata=_summary())
    must_include: tuple[str, ...] = field(default=(), metadata=_summary())
    must_exclude: tuple[str, ...] = field(default=(), metadata=_summary())
    screen: Mapping[str, str] = field(default_factory=dict)
    synergy: Mapping[tuple[str, str], float] = field(default_factory=dict)
    scenario_loss: np.ndarray | None = None
    cvar_beta: float = 0.95
    cvar_limit: float | None = None
    cvar_lambda: float = 0.0
    objective_constant: float = 0.0
    uncounted: tuple[str, ...] = ()
    solver: Solver = Solver.HIGHS
    time_limit: float = field(default=30.0, metadata=_summary())
    mip_gap: float = field(default=1e-6, metadata=_summary())
    wording: Wording = field(default_factory=Wording)

    @property
    def n(self) -> int:
        """Number of candidate partners."""
        return len(self.ids)

    @cached_property
    def constraints(self) -> tuple[Constraint, ...]:
        """Every constraint group, in the order the deletion filter tries them (built once)."""
        return _constraints(self)

    @cached_property
    def position(self) -> Mapping[str, int]:
        """Partner id → its row in ``ids``."""
        return MappingProxyType({i: k for k, i in enumerate(self.ids)})

    def of_kind(self, *kinds: ConstraintKind) -> tuple[Constraint, ...]:
        """The constraint groups of the given kinds, in problem order."""
        return tuple(c for c in self.constraints if c.kind in kinds)

    def find(self, kind: ConstraintKind, target: Any = None) -> Constraint | None:
        """The first constraint group of ``kind`` on ``target`` (any target when None)."""
        for c in self.constraints:
            if c.kind is kind and (target is None or c.target == target):
                return c
        return None

    def constraint(self, key: str) -> Constraint:
        """The constraint group whose ``key`` is ``key`` (KeyError if there is none)."""
        for c in self.constraints:
            if c.key == key:
                return c
        raise KeyError(key)

    def with_cap(self, kind: ConstraintKind, target: Any, value: float | None) -> PortfolioProblem:
        """This problem with the cap of a limit, average cap or CVaR cap set (None: removed)."""
        if kind is K.CVAR:
            return replace(self, cvar_limit=None if value is None else float(value))
        name = {K.LIMIT: "limits", K.AVERAGE: "max_average"}[kind]
        caps = {k: v for k, v in getattr(self, name).items() if k != target}
        if value is not None:
            caps[target] = float(value)
        return replace(self, **{name: MappingProxyType(caps)})


# -- the constraint groups, created once per problem ------------------------------------------
def _constraints(p: PortfolioProblem) -> tuple[Constraint, ...]:
    """The order is the deletion filter's: partner rules first, caps, then screening."""
    w = p.wording
    out: list[Constraint] = [
        Constraint(K.MUST_INCLUDE, i, Sense.GE, 1.0, f"Must include {i}", key=f"must_include[{i}]")
        for i in p.must_include
    ]
    out += [_requires(a, needs) for a, needs in p.requires.items()]
    out += [
        Constraint(K.CONFLICT, c, Sense.LE, 1.0, f"Conflict: {join_ids(c)}", key=_conflict_key(c))
        for c in p.conflicts
    ]
    for g in p.groups:
        out += _group_constraints(g, w)
    for sense, bound, key in ((Sense.GE, p.min_count, "min"), (Sense.LE, p.max_count, "max")):
        if bound is not None:
            words = "at least" if sense is Sense.GE else "at most"
            label = f"Number of {w.members} ({words})"
            out.append(Constraint(K.COUNT, None, sense, float(bound), label, key=f"count.{key}"))
    for col, cap in p.max_average.items():
        out.append(_column_cap(K.AVERAGE, col, cap, f"Average {w.column(col)}", w))
    out += [_column_cap(K.LIMIT, col, cap, w.limit(col), w) for col, cap in p.limits.items()]
    for gap, level in p.coverage_required.items():
        label, soft = f"Coverage of {w.gap(gap)}", p.coverage_soft is not None
        out.append(
            Constraint(K.COVERAGE, gap, Sense.GE, level, label, "", f"coverage[{gap}]", soft)
        )
    if p.cvar_limit is not None:
        label = f"Tail risk (CVaR {100 * p.cvar_beta:g} %)"
        out.append(Constraint(K.CVAR, None, Sense.LE, p.cvar_limit, label, w.loss_unit, "cvar"))
    for col, cap in p.max_each.items():
        out.append(_column_cap(K.EACH, col, cap, f"Per-partner cap on {w.column(col)}", w))
    if p.must_exclude:
        label = f"Must exclude {join_ids(p.must_exclude)}"
        out.append(
            Constraint(K.MUST_EXCLUDE, p.must_exclude, Sense.EQ, 0.0, label, "", "must_exclude")
        )
    if p.screen:
        label = "Screened-out partners"
        out.append(Constraint(K.SCREEN, tuple(p.screen), Sense.EQ, 0.0, label, "", "screen"))
    return tuple(out)


def _conflict_key(members: tuple[str, ...]) -> str:
    return "conflict[" + ",".join(members) + "]"


def _requires(a: str, needs: tuple[str, ...]) -> Constraint:
    what = f"one of {', '.join(needs)}" if len(needs) > 1 else needs[0]
    return Constraint(
        K.REQUIRES, (a, *needs), Sense.LE, 0.0, f"{a} needs {what}", key=f"requires[{a}]"
    )


def _column_cap(
    kind: ConstraintKind, column: str, cap: float, label: str, wording: Wording
) -> Constraint:
    unit = wording.units.get(column, "")
    return Constraint(kind, column, Sense.LE, float(cap), label, unit, f"{kind.value}[{column}]")


def _group_constraints(g: GroupLimit, wording: Wording) -> list[Constraint]:
    one, many = g.nouns(wording)
    out = []
    for sense, bound, name in (
        (Sense.GE, g.min_count, "min_count"),
        (Sense.LE, g.max_count, "max_count"),
    ):
        if bound is not None:
            words = "At least" if sense is Sense.GE else "At most"
            label = f"{words} {bound:g} {one if bound == 1 else many}"
            key = f"group[{g.label}].{name}"
            out.append(Constraint(K.GROUP_COUNT, g, sense, float(bound), label, key=key))
    if g.max_cost_share is not None:
        label = f"Share of {wording.column(g.cost_column)} spent on {many}"
        key = f"group[{g.label}].max_cost_share"
        out.append(Constraint(K.GROUP_COST_SHARE, g, Sense.LE, g.max_cost_share, label, key=key))
    return out
