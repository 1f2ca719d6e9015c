"""Pure kernels over a problem and a 0/1 selection: rows, usage, totals, objective, screening.

Each constraint group is read through its ``Constraint`` (kind, target, sense, bound): the MILP
builder takes its row from ``row``, the totals and the frontier its usage from ``measure``.
No solver here (numpy only).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.portfolio.constraints import Constraint, ConstraintKind, GroupLimit, Wording
from alliancekit.portfolio.problem import PortfolioProblem
from alliancekit.risk import cvar

__all__ = [
    "binding",
    "column",
    "counted",
    "group_mask",
    "lhs",
    "measure",
    "measured",
    "objective_at",
    "offset",
    "row",
    "screened",
    "screened_by",
    "totals",
]

K = ConstraintKind
TOTALS_COLUMNS = ["constraint", "used", "cap", "slack", "sense", "label"]
#: The kinds shown in ``PortfolioResult.totals``, in the order they are listed there.
_TOTALS_ORDER = (K.LIMIT, K.COUNT, K.AVERAGE, K.EACH, K.COVERAGE, K.GROUP_COUNT, K.CVAR)
_RANK = {K.GROUP_COST_SHARE: _TOTALS_ORDER.index(K.GROUP_COUNT)} | {
    kind: rank for rank, kind in enumerate(_TOTALS_ORDER)
}


def column(p: PortfolioProblem, name: str) -> np.ndarray:
    """A numeric column of the candidate table, aligned with ``p.ids``."""
    return pd.to_numeric(p.table[name]).to_numpy(dtype=float)


def counted(p: PortfolioProblem) -> np.ndarray:
    """1.0 for rows that count in count, group, average and per-partner rules (new partners)."""
    skip = set(p.uncounted)
    return np.array([0.0 if i in skip else 1.0 for i in p.ids])


def group_mask(p: PortfolioProblem, g: GroupLimit) -> np.ndarray:
    """True for the counted partners in group ``g``."""
    member = (p.table[g.column].astype(str) == str(g.value)).to_numpy()
    return member & (counted(p) > 0)


def lhs(p: PortfolioProblem, c: Constraint) -> np.ndarray:
    """Coefficients over partners of a linear left-hand side (limits, counts, coverage)."""
    if c.kind is K.LIMIT:
        return column(p, c.target)
    if c.kind is K.COUNT:
        return counted(p)
    if c.kind is K.GROUP_COUNT:
        return group_mask(p, c.target).astype(float)
    if c.kind is K.COVERAGE:
        return p.coverage[c.target].to_numpy()
    raise KeyError(c.key)


def offset(p: PortfolioProblem, c: Constraint) -> float:
    """What fixed items outside the selection already use (limits) or provide (coverage)."""
    if c.kind is K.LIMIT:
        return p.limit_base.get(c.target, 0.0)
    if c.kind is K.COVERAGE:
        return p.coverage_base.get(c.target, 0.0)
    return 0.0


def row(p: PortfolioProblem, c: Constraint, bound: float) -> tuple[np.ndarray, float]:
    """``(a, b)`` of the row ``a·x (sense) b`` of a linear constraint group at ``bound``.

    Averages and cost shares are linearised (docs/method.md §3.5): ``Σ (c_i − ρ)·x_i ≤ 0`` and
    ``Σ (1[i∈G] − θ)·cost_i·x_i ≤ 0`` over counted partners.
    """
    if c.kind is K.AVERAGE:
        return (column(p, c.target) - bound) * counted(p), 0.0
    if c.kind is K.GROUP_COST_SHARE:
        g = c.target
        share = (group_mask(p, g).astype(float) - bound) * column(p, g.cost_column)
        return share * counted(p), 0.0
    return lhs(p, c), bound - offset(p, c)


def measure(p: PortfolioProblem, c: Constraint, x: np.ndarray) -> float:
    """What the 0/1 selection ``x`` uses of constraint group ``c`` (its ``used`` total)."""
    xc = x * counted(p)  # new partners only for counts, groups, averages and per-partner caps
    if c.kind in (K.LIMIT, K.COVERAGE):
        return float(lhs(p, c) @ x) + offset(p, c)
    if c.kind in (K.COUNT, K.GROUP_COUNT):
        mask = group_mask(p, c.target) if c.kind is K.GROUP_COUNT else slice(None)
        return float(xc[mask].sum())
    if c.kind is K.AVERAGE:
        k = xc.sum()
        return float(column(p, c.target) @ xc / k) if k else 0.0
    if c.kind is K.EACH:
        values = column(p, c.target)[xc > 0]
        return float(values.max()) if len(values) else 0.0
    if c.kind is K.GROUP_COST_SHARE:
        cost = column(p, c.target.cost_column) * xc
        mask = group_mask(p, c.target)
        return float(cost[mask].sum() / cost.sum()) if cost.sum() > 0 else 0.0
    if c.kind is K.CVAR:
        return cvar(p.scenario_loss @ x, p.cvar_beta)
    raise KeyError(c.key)


def measured(p: PortfolioProblem) -> tuple[Constraint, ...]:
    """The constraint groups listed in the totals, in their order there."""
    shown = [c for c in p.constraints if c.kind in _RANK]
    return tuple(sorted(shown, key=lambda c: _RANK[c.kind]))


def totals(p: PortfolioProblem, chosen: np.ndarray) -> pd.DataFrame:
    """Used, cap and slack of every constraint group at the 0/1 selection ``chosen``.

    Indexed by the constraint key; ``sense`` is a ``Sense``; ``label`` names it for people.
    """
    x = chosen.astype(float)
    rows = []
    for c in measured(p):
        used = measure(p, c, x)
        rows.append((c.key, used, c.bound, c.sense.slack(used, c.bound), c.sense, c.label))
    return pd.DataFrame(rows, columns=TOTALS_COLUMNS).set_index("constraint")


def binding(p: PortfolioProblem, table: pd.DataFrame) -> tuple[Constraint, ...]:
    """Groups of ``totals`` with (near) zero slack; per-partner caps are bounds, never binding."""
    out = []
    for c, slack in zip(measured(p), table["slack"], strict=True):
        if c.kind is not K.EACH and abs(slack) <= 1e-6 * max(1.0, abs(c.bound)):
            out.append(c)
    return tuple(out)


def objective_at(p: PortfolioProblem, chosen: np.ndarray) -> float:
    """The model objective re-evaluated exactly at a 0/1 selection (no solver round-off)."""
    x = chosen.astype(float)
    value = float(p.objective.to_numpy() @ x) + p.objective_constant
    pos = p.position
    for (a, b), sigma in p.synergy.items():
        value += sigma * x[pos[a]] * x[pos[b]]
    if p.coverage is not None:
        for gap, importance in p.coverage_reward.items():
            got = float(p.coverage[gap].to_numpy() @ x) + p.coverage_base.get(gap, 0.0)
            value += importance * min(1.0, got)
        if p.coverage_soft is not None:
            for c in p.of_kind(K.COVERAGE):
                value -= p.coverage_soft * max(0.0, c.bound - measure(p, c, x))
    if p.cvar_lambda and p.scenario_loss is not None:
        value -= p.cvar_lambda * cvar(p.scenario_loss @ x, p.cvar_beta)
    return value


def partner(p: PortfolioProblem, i: str) -> str:
    """A partner in words: its name with the id in brackets ("Hyder Nursery (B08)")."""
    name = p.table["name"].get(i) if "name" in p.table.columns else None
    if isinstance(name, str) and name.strip() and name.strip() != i:
        return f"{name.strip()} ({i})"
    return i


def screened_by(
    p: PortfolioProblem,
    active: Collection[Constraint] | None = None,
    bounds: Mapping[Constraint, float] | None = None,
) -> dict[str, list[tuple[Constraint, str]]]:
    """Partners removed before the MILP (bounds x_i = 0), each with the groups that remove it.

    ``active``: the groups in force (all when None); ``bounds`` override per-partner caps.
    """
    out: dict[str, list[tuple[Constraint, str]]] = {}

    def on(c: Constraint) -> bool:
        return active is None or c in active

    for c in p.of_kind(K.SCREEN):
        for i, why in p.screen.items() if on(c) else ():
            out.setdefault(i, []).append((c, why))
    for c in p.of_kind(K.MUST_EXCLUDE):
        for i in c.target if on(c) else ():
            out.setdefault(i, []).append((c, "must exclude"))
    keep = counted(p) > 0
    for c in p.of_kind(K.EACH):
        if not on(c):
            continue
        cap = (bounds or {}).get(c, c.bound)
        values = column(p, c.target)
        for k in np.flatnonzero((values > cap + 1e-12) & keep):
            what = (p.wording or Wording()).column(str(c.target))
            why = f"{what} {values[k]:.4g} above the per-partner cap of {cap:.4g}"
            out.setdefault(p.ids[k], []).append((c, why))
    return out


def screened(p: PortfolioProblem, active: Any = None, bounds: Any = None) -> dict[str, list[str]]:
    """Partner id → the reasons it is removed before the MILP (see ``screened_by``)."""
    return {i: [why for _, why in r] for i, r in screened_by(p, active, bounds).items()}
