"""Portfolio selection as a mixed-integer linear programme (the only module importing ``pulp``).

Layers
------
- ``select_portfolio``: the generic MILP on a candidate table (docs/method.md §3.5, §4): an
  objective column, any number of ``Σ column·x ≤ cap`` limits, counts, average and per-partner caps,
  capability coverage (hard or soft), conflicts, requires-any dependencies, group limits, must
  include/exclude, pair synergy and a CVaR cap (Rockafellar & Uryasev 2000).
- ``plan_portfolio``: the same problem built from a ``Workspace`` (existing alliances kept or
  exited, knockouts first, caps from the risk appetite) with the objectives (a)–(e) of §4.
- ``explain_selection``, ``efficient_frontier``, ``portfolio_robustness``: re-solves of a stored
  problem that explain and stress a selection.

Infeasibility is a finding: an ``InfeasiblePortfolioError`` names a minimal set of conflicting
constraint groups (a deletion filter over groups, Chinneck & Dravnieks 1991) and, for each, how
far it would have to move with everything else held fixed.

Solvers: HiGHS in-process (``solver="highs"``, default) and the CBC binary bundled with PuLP 3
(``solver="cbc"``). A solve stopped by the time limit is reported as ``SolveStatus.TIME_LIMIT``
with its relative gap, never as optimal (bundled CBC writes "Optimal"-like statuses after a time
limit, so its log is read).
"""

from __future__ import annotations

import contextlib
import html
import math
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
import pulp

from alliancekit.errors import DataValidationError, InfeasiblePortfolioError, Relaxation
from alliancekit.model import SolveStatus
from alliancekit.results import Result, jsonable

__all__ = [
    "CORE_SHARE",
    "EXTERIOR_SHARE",
    "FrontierResult",
    "GroupLimit",
    "PortfolioProblem",
    "PortfolioResult",
    "RobustnessResult",
    "diagnose_infeasibility",
    "efficient_frontier",
    "explain_selection",
    "plan_portfolio",
    "portfolio_robustness",
    "select_portfolio",
    "solve_problem",
]

_TOL = 1e-6
SOLVERS = ("highs", "cbc")
#: When True the solvers write their own logs to the process's output (``alliancekit
#: --verbose``); otherwise no solver text reaches anything a person or a program reads.
SOLVER_LOG = False


# ================================================================================================
# Inputs
# ================================================================================================
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
        """Readable group name such as ``relation=competitor``."""
        return f"{self.column}={self.value}"


@dataclass(frozen=True, eq=False)
class PortfolioProblem:
    """A validated, solver-independent portfolio problem (what a result needs to re-solve).

    All arrays are aligned with ``ids``; money in the caller's unit. ``limit_base`` and
    ``coverage_base`` hold what fixed items outside the selection (kept alliances, exit costs)
    already use or provide; ``objective_constant`` is added to the reported objective.
    """

    ids: tuple[str, ...]
    table: pd.DataFrame
    objective: pd.Series
    objective_name: str = "value"
    limits: Mapping[str, float] = field(default_factory=dict)
    limit_base: Mapping[str, float] = field(default_factory=dict)
    min_count: int | None = None
    max_count: int | None = None
    max_average: Mapping[str, float] = field(default_factory=dict)
    max_each: Mapping[str, float] = field(default_factory=dict)
    coverage: pd.DataFrame | None = None
    coverage_required: Mapping[str, float] = field(default_factory=dict)
    coverage_base: Mapping[str, float] = field(default_factory=dict)
    coverage_soft: float | None = None
    coverage_reward: Mapping[str, float] = field(default_factory=dict)
    conflicts: tuple[tuple[str, ...], ...] = ()
    requires: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    groups: tuple[GroupLimit, ...] = ()
    must_include: tuple[str, ...] = ()
    must_exclude: tuple[str, ...] = ()
    screen: Mapping[str, str] = field(default_factory=dict)
    synergy: Mapping[tuple[str, str], float] = field(default_factory=dict)
    scenario_loss: np.ndarray | None = None
    cvar_beta: float = 0.95
    cvar_limit: float | None = None
    cvar_lambda: float = 0.0
    objective_constant: float = 0.0
    uncounted: tuple[str, ...] = ()
    solver: str = "highs"
    time_limit: float = 30.0
    mip_gap: float = 1e-6

    @property
    def n(self) -> int:
        """Number of candidate partners."""
        return len(self.ids)


def _bad(message: str, column: str | None = None) -> DataValidationError:
    return DataValidationError.single(message, column=column)


def _as_mapping(value: Mapping[str, float] | None, what: str) -> dict[str, float]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _bad(f"{what} must be a mapping column -> cap, got {type(value).__name__}")
    out = {}
    for k, v in value.items():
        out[str(k)] = _number(v, f"{what} for {k!r}")
    return out


def _number(value: Any, what: str) -> float:
    """``value`` as a float, or a DataValidationError naming ``what``."""
    try:
        return float(value)
    except (TypeError, ValueError):
        raise _bad(f"{what} must be a number, got {value!r}") from None


def _count(value: Any, what: str) -> int | None:
    """A non-negative integer count (None passes), or a DataValidationError naming ``what``."""
    if value is None:
        return None
    number = _number(value, what)
    if not math.isfinite(number) or number < 0 or number != int(number):
        raise _bad(f"{what} must be a non-negative integer, got {value!r}")
    return int(number)


def _numeric_column(table: pd.DataFrame, column: str, what: str) -> np.ndarray:
    if column not in table.columns:
        known = ", ".join(map(str, table.columns))
        raise _bad(f"{what}: unknown column {column!r}; the candidate table has: {known}", column)
    values = pd.to_numeric(table[column], errors="coerce")
    bad = values.isna()
    if bad.any():
        ids = ", ".join(map(str, table.index[bad][:5]))
        raise _bad(f"{what}: column {column!r} has missing or non-numeric values for {ids}", column)
    return values.to_numpy(dtype=float)


def _check_cap(value: float, what: str) -> float:
    if value is None or not math.isfinite(float(value)):
        raise _bad(f"{what}: cap must be a finite number, got {value!r}")
    if float(value) < 0:
        raise _bad(f"{what}: cap must not be negative, got {value}")
    return float(value)


def _check_ids(ids: Iterable[Any], known: set[str], what: str) -> tuple[str, ...]:
    if isinstance(ids, str):
        ids = (ids,)
    out = tuple(str(i) for i in ids)
    unknown = [i for i in out if i not in known]
    if unknown:
        raise _bad(f"{what}: unknown partner id(s) {', '.join(unknown)}")
    return out


def _make_problem(
    candidates: pd.DataFrame,
    objective: str | pd.Series,
    *,
    limits: Mapping[str, float] | None,
    min_count: int | None,
    max_count: int | None,
    max_average: Mapping[str, float] | None,
    max_each: Mapping[str, float] | None,
    coverage: pd.DataFrame | None,
    coverage_required: Mapping[str, float] | None,
    coverage_soft: float | None,
    coverage_reward: Mapping[str, float] | None,
    conflicts: Iterable[Sequence[str]],
    requires: Mapping[str, Sequence[str]] | None,
    groups: Iterable[GroupLimit],
    must_include: Iterable[str],
    must_exclude: Iterable[str],
    screen: Mapping[str, str] | None,
    synergy: Mapping[tuple[str, str], float] | Iterable[tuple[str, str, float]] | None,
    scenario_loss: pd.DataFrame | np.ndarray | None,
    cvar_beta: float,
    cvar_limit: float | None,
    cvar_lambda: float,
    limit_base: Mapping[str, float] | None,
    coverage_base: Mapping[str, float] | None,
    objective_constant: float,
    solver: str,
    time_limit: float,
    mip_gap: float,
    uncounted: Iterable[str] = (),
) -> PortfolioProblem:
    """Validate every input and return a ``PortfolioProblem`` (DataValidationError otherwise)."""
    if not isinstance(candidates, pd.DataFrame):
        raise _bad("candidates must be a pandas DataFrame indexed by partner id")
    if candidates.empty or len(candidates.index) == 0:
        raise _bad("the candidate table is empty: there is nothing to select from")
    table = candidates.copy()
    table.index = table.index.map(str)
    if table.index.has_duplicates:
        dup = ", ".join(sorted(set(table.index[table.index.duplicated()])))
        raise _bad(f"duplicate partner id(s) in the candidate table: {dup}")
    ids = tuple(table.index)
    known = set(ids)
    solver = str(solver).lower()
    if solver not in SOLVERS:
        raise _bad(f"unknown solver {solver!r}; use one of {', '.join(SOLVERS)}")
    if time_limit is None or not (_number(time_limit, "time_limit") > 0):
        raise _bad(f"time_limit must be a positive number of seconds, got {time_limit!r}")
    if not (0 <= _number(mip_gap, "mip_gap") < 1):
        raise _bad(f"mip_gap must lie in [0, 1), got {mip_gap!r}")

    if isinstance(objective, pd.Series):
        obj = objective.copy()
        obj.index = obj.index.map(str)
        missing = [i for i in ids if i not in obj.index]
        if missing:
            raise _bad(f"objective Series has no value for partner(s) {', '.join(missing[:5])}")
        obj = pd.to_numeric(obj.reindex(list(ids)), errors="coerce")
        if obj.isna().any():
            raise _bad(
                "objective has missing values for " + ", ".join(map(str, obj.index[obj.isna()][:5]))
            )
        name = str(objective.name or "objective")
    else:
        name = str(objective)
        obj = pd.Series(_numeric_column(table, name, "objective"), index=list(ids))
    obj = obj.astype(float).rename(name)

    lim = _as_mapping(limits, "limits")
    for col, cap in lim.items():
        _numeric_column(table, col, f"limit on {col}")
        _check_cap(cap, f"limit on {col}")
    avg = _as_mapping(max_average, "max_average")
    for col, cap in avg.items():
        _numeric_column(table, col, f"max_average on {col}")
        _check_cap(cap, f"max_average on {col}")
    each = _as_mapping(max_each, "max_each")
    for col, cap in each.items():
        _numeric_column(table, col, f"max_each on {col}")
        _check_cap(cap, f"max_each on {col}")
    min_count = _count(min_count, "min_count")
    max_count = _count(max_count, "max_count")
    if min_count is not None and max_count is not None and min_count > max_count:
        raise _bad(f"min_count {min_count} exceeds max_count {max_count}")

    cov = None
    req = _as_mapping(coverage_required, "coverage_required")
    reward = _as_mapping(coverage_reward, "coverage_reward")
    if coverage is not None:
        if not isinstance(coverage, pd.DataFrame):
            raise _bad("coverage must be a DataFrame (partner id x gap id)")
        cov = coverage.copy()
        cov.index = cov.index.map(str)
        cov.columns = cov.columns.map(str)
        cov = cov.reindex(list(ids)).fillna(0.0).astype(float)
        if (cov.to_numpy() < 0).any():
            raise _bad("coverage levels must not be negative")
    if (req or reward) and cov is None:
        raise _bad("coverage_required/coverage_reward given without a coverage table")
    for gap, level in req.items():
        if gap not in cov.columns:
            raise _bad(f"coverage_required names gap {gap!r}, which is not a coverage column", gap)
        _check_cap(level, f"coverage required for {gap}")
    for gap in reward:
        if gap not in cov.columns:
            raise _bad(f"coverage_reward names gap {gap!r}, which is not a coverage column", gap)
    if coverage_soft is not None and float(coverage_soft) < 0:
        raise _bad(f"coverage_soft penalty must not be negative, got {coverage_soft}")

    pairs: list[tuple[str, ...]] = []
    for clique in conflicts or ():
        members = _check_ids(clique, known, "conflicts")
        members = tuple(sorted(set(members)))
        if len(members) < 2:
            raise _bad(f"a conflict needs at least two distinct partners, got {clique!r}")
        if members not in pairs:
            pairs.append(members)
    reqs: dict[str, tuple[str, ...]] = {}
    for key, needs in (requires or {}).items():
        (a,) = _check_ids((key,), known, "requires")
        reqs[a] = _check_ids(needs, known, f"requires of {a}")
        if not reqs[a]:
            raise _bad(f"requires of {a} is empty; list at least one partner it needs")
    grp = tuple(groups or ())
    for g in grp:
        if not isinstance(g, GroupLimit):
            raise _bad(f"groups must hold GroupLimit objects, got {type(g).__name__}")
        if g.column not in table.columns:
            raise _bad(f"group limit {g.label}: unknown column {g.column!r}", g.column)
        if g.max_cost_share is not None:
            _numeric_column(table, g.cost_column, f"group {g.label} cost share")
            if not 0 <= g.max_cost_share <= 1:
                raise _bad(f"group {g.label}: max_cost_share must lie in [0, 1]")
        for what in ("min_count", "max_count"):
            _count(getattr(g, what), f"group {g.label}: {what}")
    inc = _check_ids(must_include, known, "must_include")
    exc = _check_ids(must_exclude, known, "must_exclude")
    both = sorted(set(inc) & set(exc))
    if both:
        raise _bad(f"partner(s) {', '.join(both)} are both must-include and must-exclude")
    scr = {str(k): str(v) for k, v in (screen or {}).items()}
    _check_ids(scr, known, "screen")

    syn: dict[tuple[str, str], float] = {}
    if synergy is not None:
        items = (
            synergy.items() if isinstance(synergy, Mapping) else ((t[:2], t[2]) for t in synergy)
        )
        for pair, sigma in items:
            a, b = _check_ids(pair, known, "synergy")
            if a == b:
                raise _bad(f"synergy pair ({a}, {b}) must name two different partners")
            key = (a, b) if a < b else (b, a)
            sigma = _number(sigma, f"synergy of ({a}, {b})")
            if not math.isfinite(sigma):
                raise _bad(f"synergy of ({a}, {b}) must be finite, got {sigma}")
            syn[key] = syn.get(key, 0.0) + sigma

    loss = None
    if scenario_loss is not None:
        if isinstance(scenario_loss, pd.DataFrame):
            sl = scenario_loss.copy()
            sl.columns = sl.columns.map(str)
            missing = [i for i in ids if i not in sl.columns]
            if missing:
                raise _bad(f"scenario_loss has no column for {', '.join(missing[:5])}")
            loss = sl[list(ids)].to_numpy(dtype=float)
        else:
            loss = np.asarray(scenario_loss, dtype=float)
            if loss.ndim != 2 or loss.shape[1] != len(ids):
                raise _bad("scenario_loss must be scenarios x partners")
        if not np.isfinite(loss).all():
            raise _bad("scenario_loss has non-finite values")
        if not 0 < cvar_beta < 1:
            raise _bad(f"cvar_beta must lie in (0, 1), got {cvar_beta}")
    if cvar_limit is not None and loss is None:
        raise _bad("cvar_limit needs scenario_loss (scenarios x partners)")
    if cvar_lambda and loss is None:
        raise _bad("cvar_lambda needs scenario_loss (scenarios x partners)")
    if cvar_limit is not None and not math.isfinite(float(cvar_limit)):
        raise _bad(f"cvar_limit must be finite, got {cvar_limit}")

    return PortfolioProblem(
        ids=ids,
        table=table,
        objective=obj,
        objective_name=name,
        limits=MappingProxyType(lim),
        limit_base=MappingProxyType({str(k): float(v) for k, v in (limit_base or {}).items()}),
        min_count=None if min_count is None else int(min_count),
        max_count=None if max_count is None else int(max_count),
        max_average=MappingProxyType(avg),
        max_each=MappingProxyType(each),
        coverage=cov,
        coverage_required=MappingProxyType(req),
        coverage_base=MappingProxyType(
            {str(k): float(v) for k, v in (coverage_base or {}).items()}
        ),
        coverage_soft=None if coverage_soft is None else float(coverage_soft),
        coverage_reward=MappingProxyType(reward),
        conflicts=tuple(pairs),
        requires=MappingProxyType(reqs),
        groups=grp,
        must_include=inc,
        must_exclude=exc,
        screen=MappingProxyType(scr),
        synergy=MappingProxyType(syn),
        scenario_loss=loss,
        cvar_beta=float(cvar_beta),
        cvar_limit=None if cvar_limit is None else float(cvar_limit),
        cvar_lambda=float(cvar_lambda or 0.0),
        objective_constant=float(objective_constant),
        uncounted=_check_ids(uncounted, known, "uncounted"),
        solver=solver,
        time_limit=float(time_limit),
        mip_gap=float(mip_gap),
    )


# ================================================================================================
# Constraint groups and model building
# ================================================================================================
def _col(p: PortfolioProblem, column: str) -> np.ndarray:
    return pd.to_numeric(p.table[column]).to_numpy(dtype=float)


def _counted(p: PortfolioProblem) -> np.ndarray:
    """1.0 for rows that count in count, group, average and per-partner rules (new partners)."""
    skip = set(p.uncounted)
    return np.array([0.0 if i in skip else 1.0 for i in p.ids])


def _group_mask(p: PortfolioProblem, g: GroupLimit) -> np.ndarray:
    member = (p.table[g.column].astype(str) == str(g.value)).to_numpy()
    return member & (_counted(p) > 0)


def _constraint_groups(p: PortfolioProblem) -> list[str]:
    """Names of every constraint group, in the order the deletion filter tries them."""
    names: list[str] = []
    names += [f"must_include[{i}]" for i in p.must_include]
    names += [f"requires[{a}]" for a in p.requires]
    names += ["conflict[" + ",".join(c) + "]" for c in p.conflicts]
    for g in p.groups:
        if g.min_count is not None:
            names.append(f"group[{g.label}].min_count")
        if g.max_count is not None:
            names.append(f"group[{g.label}].max_count")
        if g.max_cost_share is not None:
            names.append(f"group[{g.label}].max_cost_share")
    if p.min_count is not None:
        names.append("count.min")
    if p.max_count is not None:
        names.append("count.max")
    names += [f"average[{c}]" for c in p.max_average]
    names += [f"limit[{c}]" for c in p.limits]
    if p.coverage_soft is None:
        names += [f"coverage[{g}]" for g in p.coverage_required]
    if p.cvar_limit is not None:
        names.append("cvar")
    names += [f"each[{c}]" for c in p.max_each]
    if p.must_exclude:
        names.append("must_exclude")
    if p.screen:
        names.append("screen")
    return names


def _screened(p: PortfolioProblem, active: set[str] | None = None) -> dict[str, list[str]]:
    """Partners removed before the MILP (preprocessing bounds x_i = 0), with reasons."""
    out: dict[str, list[str]] = {}

    def on(name: str) -> bool:
        return active is None or name in active

    if on("screen"):
        for i, why in p.screen.items():
            out.setdefault(i, []).append(why)
    if on("must_exclude"):
        for i in p.must_exclude:
            out.setdefault(i, []).append("must exclude")
    counted = _counted(p)
    for col, cap in p.max_each.items():
        if not on(f"each[{col}]"):
            continue
        values = _col(p, col)
        for k in np.flatnonzero((values > cap + 1e-12) & (counted > 0)):
            out.setdefault(p.ids[k], []).append(
                f"{col} {values[k]:.4g} > per-partner cap {cap:.4g}"
            )
    return out


@dataclass
class _Model:
    prob: pulp.LpProblem
    x: dict[int, pulp.LpVariable]
    rows: dict[str, pulp.LpConstraint]
    aux: dict[str, Any]


def _expr(x: Mapping[int, pulp.LpVariable], coef: np.ndarray, extra=()) -> pulp.LpAffineExpression:
    terms = [(var, float(coef[k])) for k, var in x.items() if coef[k] != 0.0]
    terms.extend(extra)
    return pulp.LpAffineExpression(terms)


def _build(
    p: PortfolioProblem,
    active: set[str] | None = None,
    *,
    objective: str | tuple[str, np.ndarray | str] = "main",
    overrides: Mapping[str, float] | None = None,
    fix: Mapping[str, int] | None = None,
) -> _Model:
    """Build the PuLP model with the ``active`` constraint groups (all when None).

    ``objective``: "main" (the problem's objective), "none" (feasibility), or ``(sense, target)``
    where target is a coefficient vector over partners or the name of a constraint group whose
    left-hand side to minimise/maximise. ``overrides`` replace caps by group name; ``fix`` fixes
    partners to 0/1 (used by explanations).
    """
    ov = dict(overrides or {})

    def on(name: str) -> bool:
        return active is None or name in active

    screened = _screened(p, active)
    fixed = dict(fix or {})
    allowed = [k for k, i in enumerate(p.ids) if i not in screened or fixed.get(i) == 1]
    sense = pulp.LpMaximize
    prob = pulp.LpProblem("portfolio", sense)
    x = {k: prob.add_variable(f"x_{k:07d}", 0, 1, cat=pulp.LpBinary) for k in allowed}
    for i, v in fixed.items():
        k = p.ids.index(i)
        if k in x:
            x[k].lowBound = x[k].upBound = int(v)
    rows: dict[str, pulp.LpConstraint] = {}
    aux: dict[str, Any] = {}
    pos = {i: k for k, i in enumerate(p.ids)}
    lhs: dict[str, pulp.LpAffineExpression] = {}

    def add(name: str, constraint: pulp.LpConstraint) -> None:
        rows[name] = constraint
        prob.addConstraint(constraint, name=f"c{len(rows)}")

    for i in p.must_include:
        name = f"must_include[{i}]"
        if on(name):
            k = pos[i]
            if k in x:
                add(name, pulp.LpAffineExpression([(x[k], 1.0)]) >= 1)
            else:
                add(name, pulp.LpAffineExpression([]) >= 1)  # screened: cannot be included
    for a, needs in p.requires.items():
        name = f"requires[{a}]"
        ka = pos[a]
        if on(name) and ka in x:
            terms = [(x[pos[b]], -1.0) for b in needs if pos[b] in x]
            add(name, pulp.LpAffineExpression([(x[ka], 1.0), *terms]) <= 0)
    for c in p.conflicts:
        name = "conflict[" + ",".join(c) + "]"
        members = [x[pos[i]] for i in c if pos[i] in x]
        if on(name) and len(members) >= 2:
            add(name, pulp.LpAffineExpression([(v, 1.0) for v in members]) <= 1)
    ones = _counted(p)
    for g in p.groups:
        mask = _group_mask(p, g).astype(float)
        if g.min_count is not None and on(f"group[{g.label}].min_count"):
            name = f"group[{g.label}].min_count"
            lhs[name] = _expr(x, mask)
            add(name, lhs[name] >= ov.get(name, g.min_count))
        if g.max_count is not None and on(f"group[{g.label}].max_count"):
            name = f"group[{g.label}].max_count"
            lhs[name] = _expr(x, mask)
            add(name, lhs[name] <= ov.get(name, g.max_count))
        if g.max_cost_share is not None and on(f"group[{g.label}].max_cost_share"):
            name = f"group[{g.label}].max_cost_share"
            theta = ov.get(name, g.max_cost_share)
            add(name, _expr(x, (mask - theta) * _col(p, g.cost_column) * ones) <= 0)
    if p.min_count is not None and on("count.min"):
        lhs["count.min"] = _expr(x, ones)
        add("count.min", lhs["count.min"] >= ov.get("count.min", p.min_count))
    if p.max_count is not None and on("count.max"):
        lhs["count.max"] = _expr(x, ones)
        add("count.max", lhs["count.max"] <= ov.get("count.max", p.max_count))
    for col, cap in p.max_average.items():
        name = f"average[{col}]"
        if on(name):
            rho = ov.get(name, cap)
            add(name, _expr(x, (_col(p, col) - rho) * ones) <= 0)
    for col, cap in p.limits.items():
        name = f"limit[{col}]"
        if on(name):
            lhs[name] = _expr(x, _col(p, col))
            add(name, lhs[name] <= ov.get(name, cap) - p.limit_base.get(col, 0.0))
    if p.coverage is not None:
        soft: list[tuple[pulp.LpVariable, float]] = []
        for gap, level in p.coverage_required.items():
            name = f"coverage[{gap}]"
            a = p.coverage[gap].to_numpy()
            base = p.coverage_base.get(gap, 0.0)
            lhs[name] = _expr(x, a)
            need = ov.get(name, level) - base
            if p.coverage_soft is not None:
                s = prob.add_variable(f"short_{len(soft)}", 0)
                soft.append((s, -p.coverage_soft))
                aux[f"short[{gap}]"] = s
                add(name, lhs[name] + s >= need)
            elif on(name):
                add(name, lhs[name] >= need)
        aux["soft"] = soft
        z_terms = []
        for gap, importance in p.coverage_reward.items():
            z = prob.add_variable(f"z_{len(z_terms)}", 0, 1)
            base = p.coverage_base.get(gap, 0.0)
            prob.addConstraint(_expr(x, p.coverage[gap].to_numpy()) - z >= -base)
            z_terms.append((z, float(importance)))
            aux[f"z[{gap}]"] = z
        aux["reward"] = z_terms
    cvar_expr = None
    if p.scenario_loss is not None and (
        p.cvar_lambda or (p.cvar_limit is not None and on("cvar")) or objective != "main"
    ):
        S = p.scenario_loss.shape[0]
        eta = prob.add_variable("eta")
        scale = 1.0 / ((1.0 - p.cvar_beta) * S)
        us = []
        idx = list(x)
        L = p.scenario_loss[:, idx] if idx else np.zeros((S, 0))
        for s in range(S):
            u = prob.add_variable(f"u_{s}", 0)
            us.append(u)
            terms = [(x[k], float(L[s, j])) for j, k in enumerate(idx) if L[s, j] != 0.0]
            terms += [(u, -1.0), (eta, -1.0)]
            prob.addConstraint(pulp.LpAffineExpression(terms) <= 0)
        cvar_expr = pulp.LpAffineExpression([(eta, 1.0)] + [(u, scale) for u in us])
        aux["cvar"] = cvar_expr
        if p.cvar_limit is not None and on("cvar"):
            lhs["cvar"] = cvar_expr
            add("cvar", cvar_expr <= ov.get("cvar", p.cvar_limit))
    syn_terms = []
    if p.synergy:
        for (a, b), sigma in p.synergy.items():
            ka, kb = pos[a], pos[b]
            if ka not in x or kb not in x:
                continue
            w = prob.add_variable(f"w_{ka}_{kb}", 0, 1)
            prob.addConstraint(w - x[ka] <= 0)
            prob.addConstraint(w - x[kb] <= 0)
            prob.addConstraint(w - x[ka] - x[kb] >= -1)
            syn_terms.append((w, float(sigma)))
        aux["synergy"] = syn_terms

    if objective == "main":
        terms = [(v, float(p.objective.iloc[k])) for k, v in x.items()]
        terms += syn_terms + aux.get("soft", []) + aux.get("reward", [])
        obj = pulp.LpAffineExpression(terms)
        if p.cvar_lambda and cvar_expr is not None:
            obj = obj - p.cvar_lambda * cvar_expr
        prob.setObjective(obj)
    elif objective == "none":
        prob.setObjective(pulp.LpAffineExpression([]))
    else:
        direction, target = objective
        if isinstance(target, str):
            if target == "cvar":
                expr = cvar_expr
            elif target in lhs:
                expr = lhs[target]
            else:
                expr = _target_expr(p, x, target)
        else:
            expr = _expr(x, np.asarray(target, dtype=float))
        prob.setObjective(expr if direction == "max" else -expr)
    aux["lhs"] = lhs
    return _Model(prob, x, rows, aux)


def _target_expr(p: PortfolioProblem, x: Mapping[int, pulp.LpVariable], name: str):
    if name.startswith("limit["):
        return _expr(x, _col(p, name[6:-1]))
    if name.startswith("coverage["):
        return _expr(x, p.coverage[name[9:-1]].to_numpy())
    if name.startswith("count."):
        return _expr(x, _counted(p))
    if name.startswith("group[") and name.endswith("_count"):
        label = name[6 : name.index("]")]
        g = next(g for g in p.groups if g.label == label)
        return _expr(x, _group_mask(p, g).astype(float))
    raise KeyError(name)


# ================================================================================================
# Solving
# ================================================================================================
@dataclass(frozen=True)
class _Solve:
    status: SolveStatus
    gap: float
    seconds: float
    values: dict[int, float]
    objective: float | None


_HIGHS_STARTED = False


def _start_highs_quietly() -> None:
    """Build the process's first ``highspy.Highs`` object with file descriptors 1 and 2 muted.

    highspy >= 1.16 prints a two-line copyright banner from C++ straight to file descriptor 1 the
    first time a ``Highs`` object is built, before any option can silence it. Python's
    ``sys.stdout`` never sees it, so it would land in CLI output, notebook outputs (ipykernel
    forwards descriptor-level output), review.html and the web app. The banner is printed once
    per process, so one throwaway object built with the descriptors pointed at ``/dev/null``
    (and C's stdio buffers flushed before they are restored) keeps every later solve quiet,
    whatever the highspy version.
    """
    global _HIGHS_STARTED
    if _HIGHS_STARTED:
        return
    import ctypes

    import highspy

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    libc = ctypes.CDLL(None)
    saved: list[tuple[int, int]] = []
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        for fd in (1, 2):
            with contextlib.suppress(OSError):
                saved.append((fd, os.dup(fd)))
                os.dup2(devnull, fd)
        highspy.Highs()
        libc.fflush(None)  # the banner may sit in C's stdout buffer when fd 1 is a pipe
    finally:
        for fd, copy in saved:
            os.dup2(copy, fd)
            os.close(copy)
        os.close(devnull)
    _HIGHS_STARTED = True


class _WarmHiGHS(pulp.HiGHS):
    """In-process HiGHS that hands a start selection (incumbent) to the MIP solver."""

    def __init__(self, start: Mapping[str, float] | None = None, **kwargs: Any) -> None:
        _start_highs_quietly()
        super().__init__(**kwargs)
        self._start = dict(start or {})

    def callSolver(self, lp: pulp.LpProblem) -> None:  # noqa: N802 - PuLP's hook name
        if self._start:
            import highspy

            variables = lp.variables()
            sol = highspy.HighsSolution()
            values = [0.0] * len(variables)
            for var in variables:
                values[var.index] = self._start.get(var.name, 0.0)
            sol.col_value = values
            sol.value_valid = True
            lp.solverModel.setSolution(sol)  # rejected by HiGHS if infeasible: harmless
        lp.solverModel.run()


def _solve(
    model: _Model,
    solver: str,
    time_limit: float,
    mip_gap: float,
    start: Iterable[int] | None = None,
) -> _Solve:
    """Solve with HiGHS (in-process) or bundled CBC; map the outcome to ``SolveStatus``.

    ``start``: positions of partners in a known selection, passed as the initial incumbent
    (a warm start for frontier points and robustness draws).
    """
    prob = model.prob
    t0 = time.perf_counter()
    if not model.x and not model.rows:
        return _Solve(SolveStatus.OPTIMAL, 0.0, 0.0, {}, 0.0)
    log_path = None
    warm = None
    if start is not None:
        chosen = set(start)
        warm = {v.name: (1.0 if k in chosen else 0.0) for k, v in model.x.items()}
    if solver == "highs":
        engine = _WarmHiGHS(warm, msg=SOLVER_LOG, timeLimit=time_limit, gapRel=mip_gap)
    else:
        fd, log_path = tempfile.mkstemp(prefix="alliancekit-cbc-", suffix=".log")
        os.close(fd)
        if warm:
            for v in model.x.values():
                v.setInitialValue(warm[v.name])
        engine = pulp.COIN_CMD(
            path=_cbc_path(),
            msg=SOLVER_LOG,
            timeLimit=time_limit,
            gapRel=mip_gap,
            logPath=log_path,
            threads=1,
            warmStart=bool(warm),
        )
    try:
        prob.solve(engine)
        seconds = time.perf_counter() - t0
        status, gap = _read_status(prob, solver, log_path, seconds, time_limit)
    finally:
        if log_path is not None and os.path.exists(log_path):
            os.remove(log_path)
    values: dict[int, float] = {}
    objective = None
    if status in (SolveStatus.OPTIMAL, SolveStatus.TIME_LIMIT):
        values = {k: float(v.varValue or 0.0) for k, v in model.x.items()}
        objective = pulp.value(prob.objective)
        objective = 0.0 if objective is None else float(objective)
    return _Solve(status, gap, seconds, values, objective)


def _cbc_path() -> str:
    """The CBC binary bundled with PuLP 3 (PuLP 4 drops it: then ``cbc`` on PATH)."""
    bundled = getattr(getattr(pulp, "PULP_CBC_CMD", None), "pulp_cbc_path", None)
    if bundled and os.path.exists(bundled):
        return bundled
    import shutil

    found = shutil.which("cbc")
    if found is None:
        raise DataValidationError.single("solver='cbc' needs a CBC binary (bundled with PuLP 3)")
    return found


def _read_status(
    prob: pulp.LpProblem, solver: str, log_path: str | None, seconds: float, time_limit: float
) -> tuple[SolveStatus, float]:
    sol = prob.sol_status
    if solver == "highs":
        import highspy

        h = prob.solverModel
        ms = h.getModelStatus()
        info = h.getInfo()
        gap = float(info.mip_gap) if math.isfinite(info.mip_gap) else math.inf
        has_mip = bool(prob.isMIP())
        if ms == highspy.HighsModelStatus.kOptimal:
            return SolveStatus.OPTIMAL, (gap if has_mip else 0.0)
        if ms in (highspy.HighsModelStatus.kInfeasible,):
            return SolveStatus.INFEASIBLE, math.nan
        if ms == highspy.HighsModelStatus.kUnboundedOrInfeasible:
            return SolveStatus.INFEASIBLE, math.nan
        if ms == highspy.HighsModelStatus.kUnbounded:
            return SolveStatus.UNBOUNDED, math.nan
        if ms in (
            highspy.HighsModelStatus.kTimeLimit,
            highspy.HighsModelStatus.kIterationLimit,
            highspy.HighsModelStatus.kInterrupt,
        ):
            if sol == pulp.LpSolutionIntegerFeasible or sol == pulp.LpSolutionOptimal:
                return SolveStatus.TIME_LIMIT, gap
            return SolveStatus.NOT_SOLVED, math.nan
        return SolveStatus.ERROR, math.nan
    text = ""
    if log_path and os.path.exists(log_path):
        with open(log_path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
    result_line = ""
    for line in text.splitlines():
        if line.startswith("Result - "):
            result_line = line.lower()
    stopped = "stopped on time" in result_line or "stopped on iterations" in result_line
    if not result_line and seconds >= 0.98 * time_limit:
        stopped = True  # no summary line but the clock ran out: never claim optimality
    gap = _cbc_gap(text)
    if "infeasible" in result_line or prob.status == pulp.LpStatusInfeasible:
        return SolveStatus.INFEASIBLE, math.nan
    if "unbounded" in result_line or prob.status == pulp.LpStatusUnbounded:
        return SolveStatus.UNBOUNDED, math.nan
    if stopped or sol == pulp.LpSolutionIntegerFeasible:
        if sol in (pulp.LpSolutionIntegerFeasible, pulp.LpSolutionOptimal):
            return SolveStatus.TIME_LIMIT, gap
        return SolveStatus.NOT_SOLVED, math.nan
    if prob.status == pulp.LpStatusOptimal and sol == pulp.LpSolutionOptimal:
        return SolveStatus.OPTIMAL, (0.0 if not math.isfinite(gap) else gap)
    if prob.status == pulp.LpStatusNotSolved:
        return SolveStatus.NOT_SOLVED, math.nan
    return SolveStatus.ERROR, math.nan


def _cbc_gap(text: str) -> float:
    """Relative gap |bound − incumbent| / |incumbent| from a CBC log (its own "Gap:" is signed)."""
    obj = bound = None
    for line in text.splitlines():
        parts = line.split(":")
        if len(parts) != 2:
            continue
        key, val = parts[0].strip().lower(), parts[1].strip()
        try:
            num = float(val.split()[0])
        except (ValueError, IndexError):
            continue
        if key == "objective value":
            obj = num
        elif key in ("upper bound", "lower bound"):
            bound = num
    if obj is None:
        return math.inf
    if bound is None:
        return 0.0
    return abs(bound - obj) / max(abs(obj), 1e-10)


def _feasible(p: PortfolioProblem, active: set[str], overrides=None) -> bool:
    res = _solve(
        _build(p, active, objective="none", overrides=overrides), p.solver, p.time_limit, 0
    )
    if res.status == SolveStatus.NOT_SOLVED:
        raise InfeasiblePortfolioError(
            "the solver could not decide feasibility within the time limit", (), ()
        )
    return res.status in (SolveStatus.OPTIMAL, SolveStatus.TIME_LIMIT)


# ================================================================================================
# Results
# ================================================================================================
@dataclass(frozen=True, eq=False)
class PortfolioResult(Result):
    """An optimal (or time-limited) portfolio and everything needed to explain or re-solve it.

    Attributes
    ----------
    selected : list of str
        Selected partner ids, in candidate order.
    objective_value : float
        Value of the objective at the selection (plus any fixed constant).
    status : SolveStatus
        ``OPTIMAL``, or ``TIME_LIMIT`` when the solver stopped early (see ``mip_gap``).
    totals : DataFrame
        One row per constraint: ``used``, ``cap``, ``slack`` (≥ 0 when satisfied), ``sense``.
    binding : tuple of str
        Constraints with (near) zero slack.
    mip_gap : float
        Relative gap between incumbent and bound reported by the solver [0–1].
    solver : str
        "highs" or "cbc".
    solve_time : float
        Build-and-solve wall time [s].
    screened : Mapping
        Partner id -> reason it was removed before the MILP (knockouts, per-partner caps,
        must-exclude).
    problem : PortfolioProblem
        The validated inputs (used by ``explain_selection`` and ``efficient_frontier``).
    grow_flags : Mapping
        ``plan_portfolio`` with a review: each kept GROW alliance -> its flags, ``()`` when the
        plan leaves annual budget headroom for the expansion, ``("budget-constrained",)`` when
        it does not (docs/method.md §5.4 rule 3; the headroom figures are in ``notes``).
    """

    selected: list[str]
    objective_value: float
    status: SolveStatus
    totals: pd.DataFrame
    binding: tuple[str, ...]
    mip_gap: float
    solver: str
    solve_time: float
    screened: Mapping[str, str]
    problem: PortfolioProblem
    objective_name: str = "value"
    kept: tuple[str, ...] = ()
    exited: tuple[str, ...] = ()
    details: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()
    money_label: str = ""
    grow_flags: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    title = "Portfolio selection"

    def to_frame(self) -> pd.DataFrame:
        """One row per candidate: selected, objective coefficient and screening reason."""
        p = self.problem
        frame = pd.DataFrame(index=pd.Index(p.ids, name="partner_id"))
        frame["selected"] = [i in set(self.selected) for i in p.ids]
        frame[p.objective_name] = p.objective.to_numpy()
        for col in p.limits:
            frame[col] = _col(p, col)
        for col in dict.fromkeys([*p.max_average, *p.max_each]):
            frame[col] = _col(p, col)
        frame["screened"] = [self.screened.get(i, "") for i in p.ids]
        if self.details is not None:
            extra = [c for c in self.details.columns if c not in frame.columns]
            frame = frame.join(self.details[extra])
        return frame

    def summary(self) -> str:
        """Status, selection and binding constraints in a few lines."""
        gap = f", gap {self.mip_gap:.2%}" if self.status is SolveStatus.TIME_LIMIT else ""
        lines = [
            f"{self.status.value}{gap} ({self.solver}, {self.solve_time:.2f} s): "
            f"{len(self.selected)} partner(s) selected, {self.objective_name} "
            f"{self.objective_value:,.2f}" + (f" {self.money_label}" if self.money_label else ""),
            "selected: " + (", ".join(self.selected) or "none"),
        ]
        if self.kept or self.exited:
            lines.append(
                "existing kept: "
                + (", ".join(self.kept) or "none")
                + "; exited: "
                + (", ".join(self.exited) or "none")
            )
        if self.binding:
            lines.append("binding: " + ", ".join(self.binding))
        if self.screened:
            lines.append("screened out: " + ", ".join(sorted(self.screened)))
        lines.extend(self.notes)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict; the stored problem is summarised by its parameters only."""
        out: dict[str, Any] = {"type": type(self).__name__}
        for name in (
            "selected",
            "objective_value",
            "status",
            "totals",
            "binding",
            "mip_gap",
            "solver",
            "solve_time",
            "screened",
            "objective_name",
            "kept",
            "exited",
            "details",
            "notes",
            "money_label",
            "grow_flags",
        ):
            out[name] = jsonable(getattr(self, name))
        p = self.problem
        out["problem"] = jsonable(
            {
                "limits": dict(p.limits),
                "min_count": p.min_count,
                "max_count": p.max_count,
                "max_average": dict(p.max_average),
                "max_each": dict(p.max_each),
                "coverage_required": dict(p.coverage_required),
                "conflicts": [list(c) for c in p.conflicts],
                "requires": {k: list(v) for k, v in p.requires.items()},
                "groups": [jsonable(g) for g in p.groups],
                "must_include": list(p.must_include),
                "must_exclude": list(p.must_exclude),
                "time_limit": p.time_limit,
                "mip_gap": p.mip_gap,
            }
        )
        return out

    def _repr_html_(self) -> str:
        summary = "<br>".join(html.escape(line) for line in self.summary().splitlines())
        totals = self.totals.to_html(escape=True, float_format=lambda v: f"{v:,.3f}", na_rep="–")
        table = self.to_frame().to_html(escape=True, float_format=lambda v: f"{v:,.3f}", na_rep="–")
        return (
            f'<div class="alliancekit-result"><h4>{html.escape(self.title)}</h4>'
            f'<p style="font-size:90%">{summary}</p><h5>Totals against limits</h5>{totals}'
            f"<h5>Candidates</h5>{table}</div>"
        )


def _totals(p: PortfolioProblem, chosen: np.ndarray) -> pd.DataFrame:
    """Used, cap and slack of every constraint at the 0/1 selection ``chosen``."""
    rows: list[dict[str, Any]] = []

    def row(name: str, used: float, cap: float, sense: str) -> None:
        slack = cap - used if sense == "<=" else used - cap
        rows.append({"constraint": name, "used": used, "cap": cap, "slack": slack, "sense": sense})

    x = chosen.astype(float)
    for col, cap in p.limits.items():
        row(f"limit[{col}]", float(_col(p, col) @ x) + p.limit_base.get(col, 0.0), cap, "<=")
    xc = x * _counted(p)  # new partners only for counts, groups, averages and per-partner caps
    if p.min_count is not None:
        row("count.min", float(xc.sum()), p.min_count, ">=")
    if p.max_count is not None:
        row("count.max", float(xc.sum()), p.max_count, "<=")
    for col, cap in p.max_average.items():
        k = xc.sum()
        row(f"average[{col}]", float(_col(p, col) @ xc / k) if k else 0.0, cap, "<=")
    for col, cap in p.max_each.items():
        vals = _col(p, col)[xc > 0]
        row(f"each[{col}]", float(vals.max()) if len(vals) else 0.0, cap, "<=")
    if p.coverage is not None:
        for gap, level in p.coverage_required.items():
            got = float(p.coverage[gap].to_numpy() @ x) + p.coverage_base.get(gap, 0.0)
            row(f"coverage[{gap}]", got, level, ">=")
    for g in p.groups:
        mask = _group_mask(p, g)
        cnt = float(xc[mask].sum())
        if g.min_count is not None:
            row(f"group[{g.label}].min_count", cnt, g.min_count, ">=")
        if g.max_count is not None:
            row(f"group[{g.label}].max_count", cnt, g.max_count, "<=")
        if g.max_cost_share is not None:
            cost = _col(p, g.cost_column) * xc
            share = float(cost[mask].sum() / cost.sum()) if cost.sum() > 0 else 0.0
            row(f"group[{g.label}].max_cost_share", share, g.max_cost_share, "<=")
    if p.scenario_loss is not None:
        value = _cvar(p.scenario_loss @ x, p.cvar_beta)
        if p.cvar_limit is not None:
            row("cvar", value, p.cvar_limit, "<=")
    frame = pd.DataFrame(rows, columns=["constraint", "used", "cap", "slack", "sense"])
    return frame.set_index("constraint")


def _cvar(losses: np.ndarray, beta: float) -> float:
    """Rockafellar–Uryasev CVaR_β of equally likely scenario losses (the LP's exact value)."""
    losses = np.sort(np.asarray(losses, dtype=float))
    S = len(losses)
    if S == 0:
        return 0.0
    k = (1 - beta) * S
    tail = losses[::-1]
    whole = math.floor(k)
    value = tail[:whole].sum() + (k - whole) * (tail[whole] if whole < S else 0.0)
    return float(value / k)


def _binding(totals: pd.DataFrame) -> tuple[str, ...]:
    out = []
    for name, r in totals.iterrows():
        if name.startswith("each["):
            continue
        if abs(r["slack"]) <= 1e-6 * max(1.0, abs(r["cap"])):
            out.append(str(name))
    return tuple(out)


# ================================================================================================
# select_portfolio
# ================================================================================================
def select_portfolio(
    candidates: pd.DataFrame,
    objective: str | pd.Series = "value",
    limits: Mapping[str, float] | None = None,
    min_count: int | None = None,
    max_count: int | None = None,
    max_average: Mapping[str, float] | None = None,
    max_each: Mapping[str, float] | None = None,
    coverage: pd.DataFrame | None = None,
    coverage_required: Mapping[str, float] | None = None,
    conflicts: Iterable[Sequence[str]] = (),
    requires: Mapping[str, Sequence[str]] | None = None,
    groups: Iterable[GroupLimit] = (),
    must_include: Iterable[str] = (),
    must_exclude: Iterable[str] = (),
    solver: str = "highs",
    time_limit: float = 30.0,
    mip_gap: float = 1e-6,
    *,
    coverage_soft: float | None = None,
    coverage_reward: Mapping[str, float] | None = None,
    synergy: Mapping[tuple[str, str], float] | None = None,
    screen: Mapping[str, str] | None = None,
    scenario_loss: pd.DataFrame | np.ndarray | None = None,
    cvar_beta: float = 0.95,
    cvar_limit: float | None = None,
    cvar_lambda: float = 0.0,
    limit_base: Mapping[str, float] | None = None,
    coverage_base: Mapping[str, float] | None = None,
    objective_constant: float = 0.0,
    uncounted: Iterable[str] = (),
    diagnose: bool = True,
) -> PortfolioResult:
    """Choose the partner set maximising ``objective`` under every limit (docs/method.md §3.5, §4).

    Parameters
    ----------
    candidates : DataFrame
        One row per partner, indexed by partner id; columns referenced below.
    objective : str or Series
        Column (or Series by id) to maximise, e.g. E[NPV] [money] or score [0–100].
    limits : Mapping column -> cap
        ``Σ column_i·x_i (+ limit_base) ≤ cap`` for each entry (budgets, FTE, expected loss).
    min_count, max_count : int, optional
        Bounds on the number of selected partners.
    max_average : Mapping column -> cap
        Average of the column over the selection ≤ cap, as ``Σ (c_i − cap)·x_i ≤ 0``.
    max_each : Mapping column -> cap
        Per-partner cap, applied as a preprocessing bound ``x_i = 0`` (reported in ``screened``).
    coverage, coverage_required : DataFrame (partner × gap), Mapping gap -> level
        ``Σ a_ig·x_i (+ coverage_base) ≥ level``; hard unless ``coverage_soft`` is a penalty
        [objective units per unit of shortfall].
    conflicts : iterable of tuples
        Pairs or cliques of partners of which at most one may be chosen.
    requires : Mapping id -> ids
        A partner needs at least one of the listed partners (``x_a ≤ Σ x_b``).
    groups : iterable of GroupLimit
        Diversification: count bounds and cost-share caps per group.
    must_include, must_exclude : iterable of ids
        Partners fixed in or out.
    solver : {"highs", "cbc"}
    time_limit : float
        Solver time limit [s]; a stopped solve is reported as ``TIME_LIMIT`` with its gap.
    mip_gap : float
        Relative optimality gap at which the solver stops [0–1).
    coverage_soft : float, optional
        Penalty per unit of coverage shortfall [objective units]; None keeps coverage hard.
    coverage_reward : Mapping gap -> weight
        Adds ``Σ weight_g·z_g`` with ``z_g ≤ min(1, coverage_g)`` (no credit for over-coverage).
    synergy : Mapping (a, b) -> σ
        Pair bonus (σ > 0) or redundancy (σ < 0) added when both are chosen (``w_ab``
        linearisation of §4).
    screen : Mapping id -> reason
        Partners removed before the MILP (e.g. knockouts), reported in ``screened``.
    scenario_loss, cvar_beta, cvar_limit, cvar_lambda
        Scenario × partner losses [money]; CVaR_β cap Γ and/or penalty λ·CVaR in the objective
        (Rockafellar & Uryasev 2000).
    limit_base, coverage_base, objective_constant
        Fixed use of limits, fixed coverage and a constant from items outside the selection.
    uncounted : iterable of ids
        Rows (e.g. existing alliances re-optimised as keep/exit variables) that use limits and
        give coverage but are left out of count, group, average and per-partner rules.
    diagnose : bool
        On infeasibility, search for the conflicting constraint groups (else raise at once).

    Returns
    -------
    PortfolioResult

    Raises
    ------
    DataValidationError
        Unknown columns or ids, negative caps, NaN inputs, an empty table, overlapping
        must-include and must-exclude sets.
    InfeasiblePortfolioError
        No selection satisfies every constraint; ``conflicting`` and ``relaxations`` say why.
    """
    problem = _make_problem(
        candidates,
        objective,
        limits=limits,
        min_count=min_count,
        max_count=max_count,
        max_average=max_average,
        max_each=max_each,
        coverage=coverage,
        coverage_required=coverage_required,
        coverage_soft=coverage_soft,
        coverage_reward=coverage_reward,
        conflicts=conflicts,
        requires=requires,
        groups=groups,
        must_include=must_include,
        must_exclude=must_exclude,
        screen=screen,
        synergy=synergy,
        scenario_loss=scenario_loss,
        cvar_beta=cvar_beta,
        cvar_limit=cvar_limit,
        cvar_lambda=cvar_lambda,
        limit_base=limit_base,
        coverage_base=coverage_base,
        objective_constant=objective_constant,
        solver=solver,
        time_limit=time_limit,
        mip_gap=mip_gap,
        uncounted=uncounted,
    )
    return solve_problem(problem, diagnose=diagnose)


def solve_problem(
    problem: PortfolioProblem,
    *,
    diagnose: bool = True,
    fix: Mapping[str, int] | None = None,
    start: Iterable[str] | None = None,
) -> PortfolioResult:
    """Solve a validated ``PortfolioProblem`` (used by every re-solve in this module).

    ``start``: ids of a selection to offer the solver as a first incumbent (warm start).
    """
    t0 = time.perf_counter()
    model = _build(problem, fix=fix)
    pos = {i: k for k, i in enumerate(problem.ids)}
    warm = None if start is None else [pos[i] for i in start if i in pos]
    res = _solve(model, problem.solver, problem.time_limit, problem.mip_gap, warm)
    if res.status == SolveStatus.INFEASIBLE:
        if diagnose:
            raise diagnose_infeasibility(problem)
        raise InfeasiblePortfolioError("no portfolio satisfies every constraint", (), ())
    if res.status == SolveStatus.NOT_SOLVED:
        raise InfeasiblePortfolioError(
            f"the {problem.solver} solver found no feasible portfolio within the time limit "
            f"({problem.time_limit:g} s); raise time_limit or relax constraints",
            (),
            (),
        )
    if res.status not in (SolveStatus.OPTIMAL, SolveStatus.TIME_LIMIT):
        raise InfeasiblePortfolioError(f"the solver ended with status {res.status.value}", (), ())
    chosen = np.zeros(problem.n, dtype=bool)
    for k, v in res.values.items():
        chosen[k] = v > 0.5
    selected = [problem.ids[k] for k in np.flatnonzero(chosen)]
    totals = _totals(problem, chosen)
    screened = {i: "; ".join(r) for i, r in _screened(problem).items()}
    objective_value = _objective_at(problem, chosen)
    return PortfolioResult(
        selected=selected,
        objective_value=objective_value,
        status=res.status,
        totals=totals,
        binding=_binding(totals),
        mip_gap=float(res.gap) if math.isfinite(res.gap) else math.nan,
        solver=problem.solver,
        solve_time=time.perf_counter() - t0,
        screened=MappingProxyType(screened),
        problem=problem,
        objective_name=problem.objective_name,
    )


def _objective_at(p: PortfolioProblem, chosen: np.ndarray) -> float:
    """The model objective re-evaluated exactly at a 0/1 selection (no solver round-off)."""
    x = chosen.astype(float)
    value = float(p.objective.to_numpy() @ x) + p.objective_constant
    pos = {i: k for k, i in enumerate(p.ids)}
    for (a, b), sigma in p.synergy.items():
        value += sigma * x[pos[a]] * x[pos[b]]
    if p.coverage is not None:
        for gap, importance in p.coverage_reward.items():
            got = float(p.coverage[gap].to_numpy() @ x) + p.coverage_base.get(gap, 0.0)
            value += importance * min(1.0, got)
        if p.coverage_soft is not None:
            for gap, level in p.coverage_required.items():
                got = float(p.coverage[gap].to_numpy() @ x) + p.coverage_base.get(gap, 0.0)
                value -= p.coverage_soft * max(0.0, level - got)
    if p.cvar_lambda and p.scenario_loss is not None:
        value -= p.cvar_lambda * _cvar(p.scenario_loss @ x, p.cvar_beta)
    return value


# ================================================================================================
# Infeasibility diagnosis
# ================================================================================================
def _cap_of(p: PortfolioProblem, name: str) -> float:
    if name.startswith("limit["):
        return p.limits[name[6:-1]]
    if name.startswith("average["):
        return p.max_average[name[8:-1]]
    if name.startswith("each["):
        return p.max_each[name[5:-1]]
    if name.startswith("coverage["):
        return p.coverage_required[name[9:-1]]
    if name == "count.min":
        return float(p.min_count)
    if name == "count.max":
        return float(p.max_count)
    if name == "cvar":
        return float(p.cvar_limit)
    if name.startswith("group["):
        label = name[6 : name.index("]")]
        g = next(g for g in p.groups if g.label == label)
        return float(getattr(g, name.rsplit(".", 1)[1]))
    return math.nan


def _optimise_target(
    p: PortfolioProblem, active: set[str], direction: str, target: str
) -> float | None:
    model = _build(p, active, objective=(direction, target))
    res = _solve(model, p.solver, p.time_limit, 1e-9)
    if res.status not in (SolveStatus.OPTIMAL, SolveStatus.TIME_LIMIT):
        return None
    value = pulp.value(model.aux["lhs"].get(target)) if target in model.aux["lhs"] else None
    if value is None:
        value = res.objective if direction == "max" else -res.objective
    return float(value)


def _bisect_cap(
    p: PortfolioProblem, active: set[str], name: str, lo: float, hi: float, tol: float = 1e-4
) -> float | None:
    """Smallest cap in [lo, hi] that makes the problem feasible (None if even hi fails)."""
    active = set(active) | {name}
    if not _feasible(p, active, {name: hi}):
        return None
    for _ in range(40):
        if hi - lo <= tol:
            break
        mid = (lo + hi) / 2
        if _feasible(p, active, {name: mid}):
            hi = mid
        else:
            lo = mid
    return hi


def _relaxation(p: PortfolioProblem, name: str, names: list[str]) -> Relaxation:
    """How far group ``name`` must move, every other group held, to restore feasibility."""
    others = set(names) - {name}
    cap = _cap_of(p, name)
    if name.startswith("limit["):
        col = name[6:-1]
        need = _optimise_target(p, others, "min", name)
        if need is not None:
            need += p.limit_base.get(col, 0.0)
            return Relaxation(
                name, cap, need, f"raise the {col} limit from {cap:,.4g} to at least {need:,.4g}"
            )
    elif name.startswith("coverage["):
        gap = name[9:-1]
        got = _optimise_target(p, others, "max", name)
        if got is not None:
            got += p.coverage_base.get(gap, 0.0)
            got = max(0.0, math.floor(got * 1e6) / 1e6)
            return Relaxation(
                name,
                cap,
                got,
                f"lower the required coverage of {gap} from {cap:g} to {got:g}",
            )
    elif name in ("count.min", "count.max") or (
        name.startswith("group[") and name.endswith("_count")
    ):
        direction = "max" if name.endswith("min") or name.endswith("min_count") else "min"
        got = _optimise_target(p, others, direction, name)
        if got is not None:
            got = round(got)
            verb = "lower the minimum" if direction == "max" else "raise the maximum"
            label = (
                "partners" if name.startswith("count") else name[6 : name.index("]")] + " partners"
            )
            return Relaxation(
                name, cap, float(got), f"{verb} number of {label} from {cap:g} to {got:g}"
            )
    elif name.startswith("average["):
        col = name[8:-1]
        hi = float(_col(p, col).max())
        need = _bisect_cap(p, others, name, cap, max(hi, cap))
        if need is not None:
            return Relaxation(
                name,
                cap,
                need,
                f"raise the average-{col} cap from {cap:.4g} to {need:.4g}",
            )
    elif name.startswith("group[") and name.endswith("max_cost_share"):
        need = _bisect_cap(p, others, name, cap, 1.0)
        if need is not None:
            label = name[6 : name.index("]")]
            return Relaxation(
                name, cap, need, f"raise the cost share of {label} from {cap:.0%} to {need:.1%}"
            )
    elif name == "cvar":
        need = _optimise_target(p, others, "min", "cvar")
        if need is not None:
            return Relaxation(
                name, cap, need, f"raise the CVaR limit from {cap:,.4g} to {need:,.4g}"
            )
    elif name.startswith("each["):
        col = name[5:-1]
        values = _col(p, col)
        for t in sorted(set(values[values > cap + 1e-12])):
            if _each_ok(p, others, col, t):
                admitted = [
                    p.ids[k] for k in np.flatnonzero((values > cap + 1e-12) & (values <= t))
                ]
                return Relaxation(
                    name,
                    cap,
                    float(t),
                    f"raise the per-partner {col} cap from {cap:.4g} to {t:.4g} "
                    f"(admits {', '.join(admitted)})",
                )
    elif name.startswith("must_include["):
        i = name[13:-1]
        return Relaxation(name, 1.0, 0.0, f"drop the must-include requirement on {i}")
    elif name == "must_exclude":
        return Relaxation(
            name, 1.0, 0.0, f"allow must-exclude partner(s) {', '.join(p.must_exclude)} back"
        )
    elif name == "screen":
        return Relaxation(name, 1.0, 0.0, "reconsider knocked-out partners")
    elif name.startswith("conflict["):
        return Relaxation(name, 1.0, 0.0, f"drop the {name} exclusivity rule")
    elif name.startswith("requires["):
        return Relaxation(name, 1.0, 0.0, f"drop the dependency {name}")
    if name.startswith("each["):
        col = name[5:-1]
        values = _col(p, col)
        over = [p.ids[k] for k in np.flatnonzero(values > cap + 1e-12)]
        return Relaxation(
            name,
            cap,
            math.nan,
            f"Raising the per-partner {col} cap alone does not help: admitting "
            f"{', '.join(over) or 'nobody'} still breaks another limit.",
        )
    return Relaxation(
        name,
        cap,
        math.nan,
        f"Relaxing {name} alone does not restore feasibility; it must move with another group.",
    )


def _each_ok(p: PortfolioProblem, active: set[str], col: str, cap: float) -> bool:
    q = replace(p, max_each=MappingProxyType({**p.max_each, col: cap}))
    return _feasible(q, active | {f"each[{col}]"})


def diagnose_infeasibility(p: PortfolioProblem) -> InfeasiblePortfolioError:
    """Deletion filter over constraint groups: a minimal conflicting set plus relaxations.

    Each group is dropped in turn; if the rest stays infeasible the group is not needed for the
    conflict and is left out for good (Chinneck & Dravnieks 1991). What remains is irreducible at
    group level. For each remaining group the value it must take (all others held) is computed by
    re-optimising its left-hand side or by bisection on its cap.
    """
    names = _constraint_groups(p)
    if _feasible(p, set(names)):  # numerical disagreement: report plainly
        return InfeasiblePortfolioError(
            "the solver reported infeasibility, but a re-check "
            "found a feasible portfolio; retry with solver='cbc'"
        )
    active = list(names)
    for name in list(names):
        trial = set(active) - {name}
        if not _feasible(p, trial):
            active.remove(name)
    if not active:
        return InfeasiblePortfolioError("no portfolio satisfies the constraints", (), ())
    relaxations = [_relaxation(p, name, names) for name in active]
    message = _infeasible_message(p, active, relaxations)
    return InfeasiblePortfolioError(message, tuple(active), tuple(relaxations))


def _describe(p: PortfolioProblem, name: str) -> str:
    cap = _cap_of(p, name)
    if name.startswith("coverage["):
        return f"coverage of {name[9:-1]} needs {cap:g}"
    if name.startswith("limit["):
        return f"the {name[6:-1]} limit is {cap:,.4g}"
    if name.startswith("average["):
        return f"the average {name[8:-1]} cap is {cap:.4g}"
    if name.startswith("each["):
        return f"the per-partner {name[5:-1]} cap is {cap:.4g}"
    if name == "count.min":
        return f"at least {cap:g} partners are required"
    if name == "count.max":
        return f"at most {cap:g} partners are allowed"
    if name.startswith("group["):
        label = name[6 : name.index("]")]
        kind = name.rsplit(".", 1)[1].replace("_", " ")
        return f"{label} has {kind} {cap:g}"
    if name.startswith("must_include["):
        return f"{name[13:-1]} must be included"
    if name == "cvar":
        return f"CVaR is capped at {cap:,.4g}"
    return name


def _infeasible_message(
    p: PortfolioProblem, active: list[str], relaxations: list[Relaxation]
) -> str:
    """Plain-words diagnosis: what conflicts, which screened partners matter, what to relax."""
    scr = _screened(p)
    lead = []
    for name in active:
        if not name.startswith("coverage[") or p.coverage is None:
            continue
        # The strategist's question: who could close this gap, and what keeps them out?
        gap = name[9:-1]
        a = p.coverage[gap]
        blocked = [i for i in p.ids if a[i] > 0 and i in scr]
        open_ = [i for i in p.ids if a[i] > 0 and i not in scr]
        need = f"coverage of {gap} needs {_cap_of(p, name):g}"
        if blocked:
            reasons = ", ".join(f"{i} ({'; '.join(scr[i])})" for i in blocked)
            who = "the only remaining partners" if not open_ else "partners"
            lead.append(f"{need} but {who} covering {gap} are screened out: {reasons}")
        elif open_:
            lead.append(f"{need} but {', '.join(open_)} cannot supply it within the other limits")
        else:
            lead.append(f"{need} but no candidate covers {gap}")
    parts = "; ".join(_describe(p, n) for n in active)
    text = "No portfolio satisfies every constraint. "
    if lead:
        text += "; ".join(lead)[0].upper() + "; ".join(lead)[1:] + ". "
    text += f"Conflicting constraint groups: {parts}."
    fixes = [r.message for r in relaxations if math.isfinite(r.needed)]
    if fixes:
        text += " To restore feasibility: " + ", or ".join(fixes) + ", or add a partner."
    stuck = [r.message for r in relaxations if not math.isfinite(r.needed)]
    if stuck:
        text += " (" + " ".join(stuck) + ")"
    return text


# ================================================================================================
# Workspace level
# ================================================================================================
OBJECTIVES = ("expected_npv", "score", "blend", "mean_cvar", "coverage")


def _decisions(review: Any) -> dict[str, str]:
    """Alliance id -> decision value from a ReviewResult (``.decisions``) or a Mapping."""
    if review is None:
        return {}
    decisions = getattr(review, "decisions", review)
    if not isinstance(decisions, Mapping):
        raise _bad("review must be a ReviewResult (with .decisions) or a Mapping id -> decision")
    out = {}
    for key, value in decisions.items():
        text = str(getattr(value, "value", value)).strip().upper()
        if text not in ("EXIT", "RESTRUCTURE", "MAINTAIN", "GROW"):
            raise _bad(f"review decision for {key!r} is {value!r}; expected a Decision")
        out[str(key)] = text
    return out


@dataclass(frozen=True)
class _Plan:
    problem: PortfolioProblem
    kept: tuple[str, ...]
    exited: tuple[str, ...]
    details: pd.DataFrame
    notes: tuple[str, ...]
    money_label: str
    reported: pd.Series  # per-candidate coefficient of the reported objective
    reported_name: str
    knockouts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    free: tuple[str, ...] = ()  # existing alliances with keep/exit variables
    grow: tuple[str, ...] = ()  # existing alliances the review decided GROW


def _plan_problem(
    ws: Any,
    objective: str = "expected_npv",
    review: Any = None,
    solver: str = "highs",
    budget_one_off: float | None = None,
    budget_annual: float | None = None,
    risk_appetite: str | None = None,
    caps: Any = None,
    min_count: int | None = None,
    max_count: int | None = None,
    must_include: Iterable[str] = (),
    must_exclude: Iterable[str] = (),
    weights: Mapping[str, float] | str | None = None,
    cvar_limit: float | str | None = None,
    cvar_beta: float = 0.95,
    cvar_lambda: float = 1.0,
    n_scenarios: int = 1000,
    seed: int = 0,
    blend: float = 0.5,
    coverage_weight: float | None = None,
    policy: Any = None,
    time_limit: float = 30.0,
    mip_gap: float = 1e-6,
    apply_knockouts: bool = True,
    reoptimise_existing: bool = False,
) -> _Plan:
    from alliancekit.criteria import criteria_matrix, knockouts, resolve_weights, weighted_sum_score
    from alliancekit.model import AllianceStatus, RiskAppetite
    from alliancekit.risk import risk_table, simulate_scenarios

    objective = str(objective).strip().lower()
    if objective not in OBJECTIVES:
        raise _bad(f"unknown objective {objective!r}; choose one of {', '.join(OBJECTIVES)}")
    org = ws.organization
    if risk_appetite is not None:
        org = replace(org, risk_appetite=RiskAppetite.parse(risk_appetite))
    ws = ws.replace(organization=org) if org is not ws.organization else ws
    ko_caps = caps
    if caps is None:
        caps = org.caps()
    elif isinstance(caps, Mapping):
        caps = replace(org.caps(), **dict(caps))
        ko_caps = caps
    risk = risk_table(ws, policy)
    matrix = criteria_matrix(ws, policy)
    w, _origin = resolve_weights(ws, weights)
    scores = pd.Series(
        weighted_sum_score(matrix.to_numpy(), w.reindex(matrix.columns).fillna(0).to_numpy()),
        index=matrix.index,
        name="score",
    )
    frame = ws.candidates_frame()
    table = frame.join(risk).join(scores)
    ids = list(table.index)
    coverage = ws.coverage_frame()

    # Existing alliances: keep unless the review says EXIT (docs/method.md §10.7).
    decisions = _decisions(review)
    unknown = sorted(set(decisions) - set(ws.alliance_ids))
    if unknown:
        raise _bad(f"review decisions name unknown alliance(s): {', '.join(unknown)}")
    kept, exited = [], []
    base = {"cost_one_off": 0.0, "cost_annual": 0.0, "mgmt_load_fte": 0.0}
    cov_base: dict[str, float] = {}
    screen: dict[str, str] = {}
    alliance_cov = ws.alliance_coverage_frame()
    free: list[Any] = []  # alliances whose keep/exit the MILP decides (y_j)
    closed_ids: set[str] = set()  # status "closed": no longer part of the portfolio
    for a in ws.alliances:
        if a.status == AllianceStatus.CLOSED:
            closed_ids.add(a.alliance_id)  # like review_alliances: neither kept nor exited
            continue
        if decisions.get(a.alliance_id) == "EXIT":
            exited.append(a.alliance_id)
            base["cost_one_off"] += float(a.exit_cost)
            continue
        if reoptimise_existing:
            free.append(a)
            # y_j = 0 charges the exit cost: X_j·(1 − y_j) = X_j − X_j·y_j
            base["cost_one_off"] += float(a.exit_cost)
            continue
        kept.append(a.alliance_id)
        base["cost_annual"] += float(a.cost_annual)
        base["mgmt_load_fte"] += float(a.mgmt_load_fte or 0.0)
        for gap in alliance_cov.columns:
            cov_base[gap] = cov_base.get(gap, 0.0) + float(alliance_cov.loc[a.alliance_id, gap])
        for cid in a.conflicts_with:
            if cid in ids:
                screen[cid] = f"conflicts with kept alliance {a.alliance_id}"

    # Knockouts K1, K2, K4, K5 screen before the MILP; K3 becomes the per-partner caps
    # (max_each) so an infeasibility diagnosis can say which cap to relax.
    ko = knockouts(ws, scores, risk, ko_caps) if apply_knockouts else {}
    for cid, reasons in ko.items():
        other = [r for r in reasons if not r.startswith("K3")]
        if other:  # keep an earlier reason (a conflict with a kept alliance) as well
            screen[cid] = "; ".join([*other, *([screen[cid]] if cid in screen else [])])
    max_each = {}
    if apply_knockouts and caps.max_total_per_partner is not None:
        max_each["R"] = float(caps.max_total_per_partner)
    if apply_knockouts and caps.max_relational_per_partner is not None:
        max_each["R_rel"] = float(caps.max_relational_per_partner)
    max_average = {"R": float(caps.avg_total)} if caps.avg_total is not None else {}
    if caps.avg_relational is not None:
        max_average["R_rel"] = float(caps.avg_relational)
    if caps.avg_performance is not None:
        max_average["R_perf"] = float(caps.avg_performance)

    limits = {
        "cost_one_off": float(org.budget_one_off if budget_one_off is None else budget_one_off),
        "cost_annual": float(org.budget_annual if budget_annual is None else budget_annual),
    }
    if org.mgmt_capacity_fte is not None:
        limits["mgmt_load_fte"] = float(org.mgmt_capacity_fte)
    if caps.expected_loss_limit is not None:
        limits["expected_loss"] = float(caps.expected_loss_limit)
    groups = [
        GroupLimit(r.attribute, r.value, r.min_count, r.max_count, r.max_cost_share)
        for r in org.diversification_rules
    ]
    conflicts = []
    requires = {}
    flagged_in = []
    # A candidate's conflicts_with / requires_any may name existing alliances (workspace.py
    # accepts candidate or alliance ids): a kept alliance blocks a conflicting candidate
    # (x_i + y_j ≤ 1 with y_j = 1) and satisfies a dependency; an exited one does neither; a
    # re-optimised one is a keep/exit row the MILP links by the same constraints.
    kept_ids = set(kept)
    free_ids = {a.alliance_id for a in free}
    exited_ids = set(exited)

    def _screen(cid: str, reason: str) -> None:
        screen[cid] = f"{screen[cid]}; {reason}" if cid in screen else reason

    for c in ws.candidates:
        for other in c.conflicts_with:
            if other in ids or other in free_ids:
                pair = tuple(sorted((c.id, other)))
                if pair not in conflicts:
                    conflicts.append(pair)
            elif other in kept_ids:
                _screen(c.id, f"conflicts with kept alliance {other}")
        if c.requires_any:
            listed = list(c.requires_any)
            known = set(ids) | free_ids | kept_ids | exited_ids | closed_ids
            needs = [r for r in listed if r in ids or r in free_ids]
            if any(r in kept_ids for r in listed):
                pass  # satisfied by an alliance that stays
            elif any(r not in known for r in listed):
                requires[c.id] = listed  # _make_problem names the unknown id(s)
            else:
                if needs:
                    requires[c.id] = needs
                else:
                    _screen(
                        c.id,
                        "dependency unmet: needs one of "
                        + ", ".join(listed)
                        + (
                            " (closed or exited by the review)"
                            if closed_ids & set(listed)
                            else " (exited by the review)"
                        ),
                    )
        if c.must_include:
            flagged_in.append(c.id)
    required = {g.gap_id: g.required for g in org.capability_gaps if g.mandatory}
    importance = {g.gap_id: float(g.importance) for g in org.capability_gaps}

    e_npv = table["e_npv"].astype(float)
    notes = []
    scenario_loss = None
    reward = None
    if objective == "expected_npv":
        coef, name = e_npv, "expected_npv"
    elif objective == "score":
        coef, name = table["score"].astype(float), "score"
    elif objective == "blend":
        if not 0 <= blend <= 1:
            raise _bad(f"blend must lie in [0, 1], got {blend}")
        scale = float(e_npv.abs().max()) or 1.0
        coef = blend * e_npv / scale + (1 - blend) * table["score"].astype(float) / 100.0
        name = "blend"
        notes.append(
            f"blend = {blend:g}·E[NPV]/{scale:,.4g} + {1 - blend:g}·score/100 (both on [−1, 1])"
        )
    elif objective == "mean_cvar":
        coef, name = e_npv, "mean_cvar"
    else:
        if coverage_weight is None:
            coverage_weight = float(e_npv.abs().mean()) / max(importance.values(), default=1.0)
        reward = {g: coverage_weight * imp for g, imp in importance.items()}
        coef, name = e_npv, "coverage"
        notes.append(
            f"coverage objective: E[NPV] + {coverage_weight:,.4g}·Σ importance_g·min(1, cov_g)"
        )
    table = table.drop(columns=["coverage"], errors="ignore")
    constant = 0.0
    if free:
        # Keep/exit variables y_j as extra rows: objective (a) NPV_j·y_j − X_j·(1 − y_j), i.e.
        # coefficient NPV_j + X_j and constant −X_j; NPV_j = (value_plan − cost_annual)·AF.
        af = org.annuity_factor
        rows = pd.DataFrame(
            {
                "cost_one_off": [-float(a.exit_cost) for a in free],
                "cost_annual": [float(a.cost_annual) for a in free],
                "mgmt_load_fte": [float(a.mgmt_load_fte or 0.0) for a in free],
                "relation": "existing alliance",
                "form": "existing alliance",
            },
            index=[a.alliance_id for a in free],
        )
        for col in ("R", "R_rel", "R_perf", "expected_loss", "score"):
            rows[col] = 0.0
        npv_j = pd.Series(
            [(float(a.value_plan_annual) - float(a.cost_annual)) * af for a in free],
            index=rows.index,
        )
        exit_j = pd.Series([float(a.exit_cost) for a in free], index=rows.index)
        keep_value = npv_j + exit_j
        if objective == "score":
            keep_coef = pd.Series(0.0, index=rows.index)
        elif objective == "blend":
            keep_coef = blend * keep_value / (float(e_npv.abs().max()) or 1.0)
            constant = -blend * float(exit_j.sum()) / (float(e_npv.abs().max()) or 1.0)
        else:
            keep_coef = keep_value
            constant = -float(exit_j.sum())
        table = pd.concat([table, rows[[c for c in rows.columns]]])
        coef = pd.concat([coef, keep_coef])
        coverage = pd.concat([coverage, alliance_cov.loc[list(rows.index)]])
        for a in free:
            for cid in a.conflicts_with:
                if cid in ids:
                    conflicts.append(tuple(sorted((a.alliance_id, cid))))
        notes.append(
            "existing alliances "
            + ", ".join(rows.index)
            + " re-optimised jointly (keep/exit variables, exit cost on the one-off budget)"
        )
    if objective == "mean_cvar" or cvar_limit is not None:
        scen = simulate_scenarios(ws, n_scenarios=n_scenarios, seed=seed, policy=policy)
        scenario_loss = scen.loss.reindex(columns=list(table.index)).fillna(0.0)
    if isinstance(cvar_limit, str):
        if cvar_limit != "appetite":
            raise _bad("cvar_limit must be a number, None or 'appetite'")
        cvar_limit = caps.cvar_limit

    details = pd.DataFrame(index=pd.Index(ids, name="partner_id"))
    for col in ("name", "relation", "form"):
        if col in table.columns:
            details[col] = table[col].astype(str)
    for col in ("score", "R", "R_rel", "R_perf", "p_fail", "e_npv"):
        details[col] = table[col].astype(float)
    details["knockouts"] = [
        ",".join(dict.fromkeys(r.split(":", 1)[0] for r in ko.get(i, ()))) for i in ids
    ]

    problem = _make_problem(
        table,
        coef.rename(name),
        limits=limits,
        min_count=org.min_alliances if min_count is None else min_count,
        max_count=org.max_alliances if max_count is None else max_count,
        max_average=max_average,
        max_each=max_each,
        coverage=coverage,
        coverage_required=required,
        coverage_soft=None,
        coverage_reward=reward,
        conflicts=conflicts,
        requires=requires,
        groups=groups,
        must_include=tuple(dict.fromkeys([*flagged_in, *must_include])),
        must_exclude=tuple(must_exclude),
        screen=screen,
        synergy=None,
        scenario_loss=scenario_loss,
        cvar_beta=cvar_beta,
        cvar_limit=cvar_limit,
        cvar_lambda=cvar_lambda if objective == "mean_cvar" else 0.0,
        limit_base={k: v for k, v in base.items() if k in limits},
        coverage_base=cov_base,
        objective_constant=constant,
        solver=solver,
        time_limit=time_limit,
        mip_gap=mip_gap,
        uncounted=[a.alliance_id for a in free],
    )
    reported = table.loc[ids, "score"].astype(float) if objective == "score" else e_npv
    return _Plan(
        problem=problem,
        kept=tuple(kept),
        exited=tuple(exited),
        details=details,
        notes=tuple(notes),
        money_label=org.money_label,
        reported=reported,
        reported_name="score" if objective == "score" else "expected_npv",
        knockouts=MappingProxyType(dict(ko)),
        free=tuple(a.alliance_id for a in free),
        grow=tuple(a.alliance_id for a in ws.alliances if decisions.get(a.alliance_id) == "GROW"),
    )


def _finish(plan: _Plan, result: PortfolioResult) -> PortfolioResult:
    chosen = set(result.selected)
    reported = float(sum(plan.reported[i] for i in plan.reported.index if i in chosen))
    kept = plan.kept + tuple(a for a in plan.free if a in chosen)
    exited = plan.exited + tuple(a for a in plan.free if a not in chosen)
    notes = list(plan.notes)
    if result.problem.objective_name != plan.reported_name:
        notes.append(
            f"model objective {result.problem.objective_name} = {result.objective_value:,.4f}; "
            f"reported objective is Σ {plan.reported_name} over new partners"
        )
    grow_flags = _grow_flags(plan, result, kept, notes)
    screened = {}
    for pid, reason in result.screened.items():
        # Knockout wording (K1–K5 with caps and their source) replaces the generic bound text.
        parts = list(plan.knockouts.get(pid, ()))
        extra = [r for r in reason.split("; ") if "per-partner cap" not in r and r not in parts]
        screened[pid] = "; ".join([*parts, *extra]) if parts else reason
    return replace(
        result,
        screened=MappingProxyType(screened),
        selected=[i for i in result.selected if i not in set(plan.free)],
        objective_value=reported,
        objective_name=plan.reported_name,
        kept=kept,
        exited=exited,
        details=plan.details,
        notes=tuple(notes),
        money_label=plan.money_label if plan.reported_name == "expected_npv" else "",
        grow_flags=MappingProxyType(grow_flags),
    )


def _grow_flags(
    plan: _Plan, result: PortfolioResult, kept: tuple[str, ...], notes: list[str]
) -> dict[str, tuple[str, ...]]:
    """Flag kept GROW alliances with the budget headroom the plan leaves (issue 5, item 4).

    Reading: the expansion of a GROW alliance (docs/method.md §5.4 rule 3) is paid from what the
    plan leaves of the annual budget, ``B1 − (Σ Ca kept + Σ Ca new)``; with no headroom left
    the alliance is flagged "budget-constrained", as the review does before the plan. The
    one-off headroom is reported alongside. Appends one note per GROW alliance to ``notes``.
    """
    totals = result.totals
    unit = f" {plan.money_label}" if plan.money_label else ""

    def headroom(column: str) -> float | None:
        name = f"limit[{column}]"
        if name not in totals.index:
            return None
        return float(totals.loc[name, "cap"] - totals.loc[name, "used"])

    annual, one_off = headroom("cost_annual"), headroom("cost_one_off")
    flags: dict[str, tuple[str, ...]] = {}
    for aid in plan.grow:
        if aid not in kept:
            continue
        constrained = annual is not None and annual <= _TOL * max(1.0, abs(annual))
        flags[aid] = ("budget-constrained",) if constrained else ()
        parts = []
        if annual is not None:
            parts.append(f"annual {max(annual, 0.0):,.1f}{unit}/yr")
        if one_off is not None:
            parts.append(f"one-off {max(one_off, 0.0):,.1f}{unit}")
        text = f"GROW {aid}: budget headroom after this plan " + (", ".join(parts) or "unknown")
        notes.append(text + ("; budget-constrained" if constrained else ""))
    return flags


def plan_portfolio(
    ws: Any,
    objective: str = "expected_npv",
    review: Any = None,
    solver: str = "highs",
    budget_one_off: float | None = None,
    budget_annual: float | None = None,
    risk_appetite: str | None = None,
    caps: Any = None,
    min_count: int | None = None,
    max_count: int | None = None,
    must_include: Iterable[str] = (),
    must_exclude: Iterable[str] = (),
    weights: Mapping[str, float] | str | None = None,
    cvar_limit: float | str | None = None,
    cvar_beta: float = 0.95,
    cvar_lambda: float = 1.0,
    n_scenarios: int = 1000,
    seed: int = 0,
    *,
    blend: float = 0.5,
    coverage_weight: float | None = None,
    policy: Any = None,
    time_limit: float = 30.0,
    mip_gap: float = 1e-6,
    reoptimise_existing: bool = False,
    diagnose: bool = True,
) -> PortfolioResult:
    """Plan next round's partner portfolio from a workspace (docs/method.md §4, §10 readings 7–10).

    Existing alliances are kept (their annual cost, FTE and coverage count) unless ``review``
    decided EXIT (exit cost charged to the one-off budget). Knockouts K1, K2, K4, K5 screen
    candidates first; K3 (per-partner R and R_rel caps) are preprocessing bounds. Count limits,
    diversification rules and the average-risk cap apply to new candidates only.

    Parameters
    ----------
    ws : Workspace
    objective : {"expected_npv", "score", "blend", "mean_cvar", "coverage"}
        (a) Σ E[NPV_i]·x_i; (b) Σ S_i·x_i; (c) ``blend``·E[NPV]/max|E[NPV]| +
        (1 − blend)·S/100; (d) Σ E[NPV]·x − λ·CVaR_β (Rockafellar–Uryasev over
        ``simulate_scenarios``); (e) E[NPV] + ``coverage_weight``·Σ importance_g·z_g with
        z_g ≤ min(1, coverage) (default weight: mean |E[NPV]| / max importance, so closing the
        most important gap is worth one average partner).
    review : ReviewResult or Mapping alliance_id -> Decision, optional
    solver : {"highs", "cbc"}
    budget_one_off, budget_annual : float, optional
        Override the organization's budgets [money], [money/yr].
    risk_appetite : {"low", "medium", "high"}, optional
        Override the appetite (caps follow it unless ``caps`` is given).
    caps : RiskCaps or Mapping, optional
        Explicit caps (a Mapping overrides fields of the appetite defaults).
    min_count, max_count : int, optional
        Override the organization's counts of new alliances.
    must_include, must_exclude : ids
    weights : Mapping or preset name, optional
        Criteria weights for the score (objective b/c and K4).
    cvar_limit : float or "appetite", optional
        CVaR_β cap Γ [money] on the new partners' scenario loss; "appetite" uses the
        organization's Γ. Not applied by default (§10 reading 9).
    cvar_beta, cvar_lambda, n_scenarios, seed
        CVaR level, penalty (mean_cvar) and scenario settings.
    blend : float
        Share of E[NPV] in the ``"blend"`` objective [0–1].
    coverage_weight : float, optional
        Weight of the coverage reward in the ``"coverage"`` objective [money per unit of
        importance]; default as described under ``objective``.
    policy : RiskPolicy, optional
        Risk coefficients for E[NPV], risk caps and scenarios (``RiskPolicy()`` by default).
    time_limit, mip_gap
        Solver time limit [s] and relative optimality gap, as for ``select_portfolio``.
    reoptimise_existing : bool
        Decide keep/exit of every existing alliance the review did not EXIT jointly with the new
        partners (y_j of docs/method.md §4: keeping earns NPV_j = (value_plan − cost_annual)·AF,
        exiting charges the exit cost to the one-off budget and frees cost and coverage).
        Default False: such alliances are kept (§10 reading 7).
    diagnose : bool
        On infeasibility, search for the conflicting constraint groups (else raise at once).

    Returns
    -------
    PortfolioResult
        ``objective_value`` is Σ E[NPV] over the selected new partners (Σ score for
        ``objective="score"``), docs/method.md §10.8; ``kept``/``exited`` list existing
        alliances; ``details`` holds score, risk and knockouts per candidate; ``grow_flags``
        maps each kept GROW alliance of the review to ``()`` or ``("budget-constrained",)``
        by the annual budget the plan leaves (figures in ``notes``).
    """
    # Every argument but ``diagnose`` goes to _plan_problem by name (it shares the signature).
    options = dict(locals())
    diagnose = options.pop("diagnose")
    plan = _plan_problem(**options)
    return _finish(plan, solve_problem(plan.problem, diagnose=diagnose))


# ================================================================================================
# Explanations
# ================================================================================================
def _with_fix(p: PortfolioProblem, fix: Mapping[str, int]) -> float | None:
    """Optimal objective with some partners fixed in/out, or None when that is infeasible."""
    model = _build(p, fix=fix)
    res = _solve(model, p.solver, p.time_limit, p.mip_gap)
    if res.status not in (SolveStatus.OPTIMAL, SolveStatus.TIME_LIMIT):
        return None
    chosen = np.zeros(p.n, dtype=bool)
    for k, v in res.values.items():
        chosen[k] = v > 0.5
    return _objective_at(p, chosen)


def _scaled(p: PortfolioProblem, i: str, factor: float) -> PortfolioProblem:
    """The problem with partner i's limit-column costs multiplied by ``factor``."""
    table = p.table.copy()
    for col in p.limits:
        table[col] = pd.to_numeric(table[col]).astype(float)
        table.loc[i, col] = float(table.loc[i, col]) * factor
    return replace(p, table=table)


def _dominator(p: PortfolioProblem, i: str, selected: set[str], screened: Mapping) -> str | None:
    """A selected partner at least as good as i on the objective, every limit and coverage."""
    obj = p.objective
    for k in selected:
        if k == i or k in screened:
            continue
        if obj[k] < obj[i] - 1e-12:
            continue
        if any(float(p.table.loc[k, c]) > float(p.table.loc[i, c]) + 1e-12 for c in p.limits):
            continue
        if any(float(p.table.loc[k, c]) > float(p.table.loc[i, c]) + 1e-12 for c in p.max_average):
            continue
        if p.coverage is not None and any(
            p.coverage.loc[k, g] < p.coverage.loc[i, g] - 1e-12 for g in p.coverage_required
        ):
            continue
        return k
    return None


def explain_selection(
    result: PortfolioResult, *, thresholds: bool = True, tol: float = 1e-3
) -> pd.DataFrame:
    """Why each partner is in or out, and how far it is from changing side.

    Parameters
    ----------
    result : PortfolioResult
    thresholds : bool
        Re-solve to find entry/exit thresholds (one or two MILPs per partner plus a bisection
        per excluded partner); ``False`` gives reasons only.
    tol : float
        Bisection tolerance on the cost-cut share [0–1].

    Returns
    -------
    DataFrame
        Indexed by partner id: ``selected``, ``status`` (selected / excluded / screened),
        ``reason``, ``objective_coef``, ``exit_threshold`` (coefficient below which a selected
        partner leaves: coef − (OPT − OPT without it); −inf if no feasible portfolio lacks it),
        ``value_rise_to_enter`` (OPT − OPT with it forced in; NaN if no feasible portfolio
        holds it), ``cost_cut_to_enter`` (share [0–1] by which its costs in every limit column
        must fall to enter; bisection; NaN if even a free partner stays out).

    Notes
    -----
    Thresholds are exact re-solves: the best portfolio with partner i fixed in or out differs
    from the optimum by exactly the amount its coefficient must move (the objective is linear
    in x_i), so only the cost cut needs bisection.
    """
    p = result.problem
    # Existing alliances re-optimised as keep/exit rows (plan_portfolio(reoptimise_existing=
    # True)) are part of the solution when kept, though ``result.selected`` lists new partners.
    existing = set(p.uncounted)
    selected = set(result.selected) | (set(result.kept) & existing)
    screened = dict(result.screened)
    best = _objective_at(p, np.array([i in selected for i in p.ids]))
    binding = ", ".join(result.binding) or "none"
    pos = {i: k for k, i in enumerate(p.ids)}
    chosen = np.array([i in selected for i in p.ids])
    rows = []
    for i in p.ids:
        coef = float(p.objective[i])
        row: dict[str, Any] = {
            "partner_id": i,
            "selected": i in selected,
            "objective_coef": coef,
            "exit_threshold": math.nan,
            "value_rise_to_enter": math.nan,
            "cost_cut_to_enter": math.nan,
        }
        if i in selected:
            row["status"] = "selected"
            if i in p.must_include:
                row["reason"] = "must include"
            elif i in existing:
                row["reason"] = f"existing alliance kept (binding: {binding})"
            else:
                row["reason"] = f"in the optimal set (binding: {binding})"
            if thresholds:
                without = _with_fix(p, {i: 0})
                if without is None:
                    row["exit_threshold"] = -math.inf
                    row["reason"] += "; no feasible portfolio without it"
                else:
                    row["exit_threshold"] = coef - (best - without)
        elif i in screened:
            row["status"] = "screened"
            row["reason"] = "screened out: " + screened[i]
        else:
            row["status"] = "excluded"
            reasons = ["existing alliance exited by the plan"] if i in existing else []
            for c in p.conflicts:
                if i in c:
                    hit = [k for k in c if k != i and k in selected]
                    if hit:
                        reasons.append(f"conflicts with selected {', '.join(hit)}")
            if i in p.requires:
                avail = [k for k in p.requires[i] if k not in screened]
                if not avail:
                    reasons.append(
                        "dependency unmet: needs one of "
                        + ", ".join(p.requires[i])
                        + ", all screened out"
                    )
                elif not any(k in selected for k in p.requires[i]):
                    reasons.append("dependency unmet: needs one of " + ", ".join(p.requires[i]))
            dom = _dominator(p, i, selected, screened)
            if dom is not None:
                reasons.append(f"dominated by {dom} (better value, no higher cost or risk)")
            plus = chosen.copy()
            plus[pos[i]] = True
            broken = [
                str(n)
                for n, r in _totals(p, plus).iterrows()
                if r["slack"] < -1e-9 * max(1.0, abs(r["cap"]))
            ]
            if broken:
                reasons.append("adding it breaks " + ", ".join(broken))
            if not reasons:
                reasons.append(f"crowded out: a better use of the binding limits ({binding})")
            row["reason"] = "; ".join(reasons)
            if thresholds:
                forced = _with_fix(p, {i: 1})
                if forced is not None:
                    row["value_rise_to_enter"] = max(0.0, best - forced)
                else:
                    row["reason"] += "; no feasible portfolio includes it at its current cost"
                if p.limits:
                    free = _with_fix(_scaled(p, i, 0.0), {i: 1})
                    if free is not None and free >= best - 1e-9:
                        lo, hi = 0.0, 1.0  # cut share: lo fails, hi enters
                        while hi - lo > tol:
                            mid = (lo + hi) / 2
                            got = _with_fix(_scaled(p, i, 1 - mid), {i: 1})
                            if got is not None and got >= best - 1e-9:
                                hi = mid
                            else:
                                lo = mid
                        row["cost_cut_to_enter"] = hi
        rows.append(row)
    cols = [
        "partner_id",
        "selected",
        "status",
        "reason",
        "objective_coef",
        "exit_threshold",
        "value_rise_to_enter",
        "cost_cut_to_enter",
    ]
    return pd.DataFrame(rows, columns=cols).set_index("partner_id")


# ================================================================================================
# Frontier and robustness
# ================================================================================================
@dataclass(frozen=True, eq=False)
class FrontierResult(Result):
    """Optimal objective as one limit varies; each point's selection (infeasible points marked).

    ``points`` columns: ``value`` (the varied limit), ``objective``, ``feasible``,
    ``n_selected``, ``selected`` (";"-joined ids), ``status``, ``cvar`` (when scenarios exist).
    """

    vary: str
    objective: str
    points: pd.DataFrame
    current: float | None = None
    money_label: str = ""

    title = "Efficient frontier"

    def to_frame(self) -> pd.DataFrame:
        """The frontier points."""
        return self.points

    def summary(self) -> str:
        """Range of the varied limit and of the objective."""
        ok = self.points[self.points["feasible"]]
        if ok.empty:
            return f"frontier over {self.vary}: no feasible point"
        return (
            f"frontier over {self.vary}: {len(ok)}/{len(self.points)} feasible points, "
            f"{self.objective} from {ok['objective'].min():,.2f} to {ok['objective'].max():,.2f}"
        )


_VARY = {"budget_annual": "limit[cost_annual]", "budget_one_off": "limit[cost_one_off]"}


def _frontier_problem(source: Any, kwargs: dict) -> tuple[PortfolioProblem, Any]:
    if isinstance(source, PortfolioResult):
        return source.problem, None
    if isinstance(source, PortfolioProblem):
        return source, None
    plan = _plan_problem(source, **kwargs)
    return plan.problem, plan


def efficient_frontier(
    ws: Any,
    vary: str = "budget_annual",
    points: int = 20,
    values: Sequence[float] | None = None,
    *,
    progress: bool = True,
    **plan_kwargs: Any,
) -> FrontierResult:
    """Trade-off curve: the optimum as one limit moves (docs/method.md §4 "what if").

    Parameters
    ----------
    ws : Workspace, PortfolioResult or PortfolioProblem
        A workspace is planned with ``plan_kwargs`` (see ``plan_portfolio``).
    vary : str
        ``"budget_annual"`` / ``"budget_one_off"`` (objective vs budget [money]),
        ``"avg_risk"`` (vs the average-R cap [0–1]), ``"cvar"`` (E[NPV] vs the CVaR cap Γ
        [money]; scenarios are drawn), or any limit column of a generic problem.
    points : int
        Number of evenly spaced values (ignored when ``values`` is given).
    values : sequence of float, optional
        The exact values of the varied limit to solve at.
    progress : bool
        Show a tqdm progress bar.
    **plan_kwargs
        Passed to ``plan_portfolio`` when ``ws`` is a workspace.

    Returns
    -------
    FrontierResult
        Infeasible points have ``feasible=False`` and NaN objective; nothing raises.
    """
    from tqdm.auto import tqdm

    if vary == "cvar" and not isinstance(ws, (PortfolioResult, PortfolioProblem)):
        plan_kwargs.setdefault("cvar_limit", 1e18)
    p, plan = _frontier_problem(ws, plan_kwargs)
    name = _VARY.get(vary, vary)
    if vary in p.limits:
        name = f"limit[{vary}]"
    if vary == "avg_risk":
        col = next(iter(p.max_average), "R")
        name = f"average[{col}]"
    if name.startswith("limit[") and name[6:-1] not in p.limits:
        raise _bad(f"cannot vary {vary!r}: the problem has no limit on {name[6:-1]!r}")
    if name.startswith("average[") and name[8:-1] not in p.max_average:
        p = replace(p, max_average=MappingProxyType({**p.max_average, name[8:-1]: 1.0}))
    if vary == "cvar" and p.scenario_loss is None:
        raise _bad("vary='cvar' needs scenario losses (plan from a workspace)")
    if not (name.startswith(("limit[", "average[")) or name == "cvar"):
        raise _bad(f"unknown frontier dimension {vary!r}")
    current = _cap_of(p, name) if name != "cvar" or p.cvar_limit is not None else None
    if name == "cvar":
        current = None if p.cvar_limit is None or p.cvar_limit > 1e17 else p.cvar_limit
        p = replace(p, cvar_lambda=0.0)

    def with_value(v: float | None) -> PortfolioProblem:
        if name.startswith("limit["):
            lim = {k: c for k, c in p.limits.items() if k != name[6:-1]}
            if v is not None:
                lim[name[6:-1]] = float(v)
            return replace(p, limits=MappingProxyType(lim))
        if name.startswith("average["):
            avg = {k: c for k, c in p.max_average.items() if k != name[8:-1]}
            if v is not None:
                avg[name[8:-1]] = float(v)
            return replace(p, max_average=MappingProxyType(avg))
        return replace(p, cvar_limit=None if v is None else float(v))

    def usage(selected: Sequence[str]) -> float:
        x = np.array([i in set(selected) for i in p.ids], dtype=float)
        if name.startswith("limit["):
            col = name[6:-1]
            return float(_col(p, col) @ x) + p.limit_base.get(col, 0.0)
        if name.startswith("average["):
            xc = x * _counted(p)
            return float(_col(p, name[8:-1]) @ xc / xc.sum()) if xc.sum() else 0.0
        return _cvar(p.scenario_loss @ x, p.cvar_beta)

    # The optimum without the varied limit is optimal for every value at or above its usage,
    # so the flat end of the frontier needs no solve (exact, since relaxing only adds options).
    try:
        free = solve_problem(with_value(None), diagnose=False)
    except InfeasiblePortfolioError:
        free = None
    top = usage(free.selected) if free is not None else math.nan
    if values is None:
        scr = _screened(p)
        ok = np.array([i not in scr for i in p.ids])
        if name.startswith("limit["):
            base = p.limit_base.get(name[6:-1], 0.0)
            hi = (
                top
                if free is not None
                else base + float(np.clip(_col(p, name[6:-1])[ok], 0, None).sum())
            )
            lo = base
            if free is not None:
                # Start one step below the smallest feasible value, so the first point marks
                # where the plan stops being feasible and the rest span the feasible range.
                groups = set(_constraint_groups(p)) - {name}
                need = _optimise_target(p, groups, "min", name)
                if need is not None and points > 1:
                    need += base
                    top_value = max(hi, current) if current is not None else hi
                    step = (top_value - need) / (int(points) - 2) if points > 2 else 0.0
                    lo = max(base, need - step) if step > 0 else base
        elif name.startswith("average["):
            c = _col(p, name[8:-1])[ok]
            lo = float(c.min()) if len(c) else 0.0
            hi = top if free is not None else (float(c.max()) if len(c) else 1.0)
        else:
            lo_val = _optimise_target(p, set(_constraint_groups(p)) - {"cvar"}, "min", "cvar")
            hi = top if free is not None else 0.0
            lo = hi if lo_val is None else lo_val
        if current is not None:
            hi = max(hi, current)
        values = np.linspace(lo, hi, int(points))
    # Walk the values from the loosest down. An optimum found at value v that uses u ≤ v is
    # optimal for every value in [u, v] (it stays feasible and the optimum can only fall as the
    # limit tightens), so such points reuse it; below a proven-infeasible value nothing is
    # feasible. Both shortcuts are exact; only proven-optimal solutions are reused.
    values = [float(v) for v in values]
    order = sorted(range(len(values)), key=lambda k: -values[k])
    found: dict[int, Any] = {}
    infeasible_at = -math.inf
    last = free if free is not None and free.status is SolveStatus.OPTIMAL else None
    last_use = top
    for k in tqdm(order, desc=f"frontier over {vary}", disable=not progress, leave=False):
        v = values[k]
        if free is None or v <= infeasible_at:
            found[k] = None
        elif last is not None and last_use <= v + 1e-12:
            found[k] = last
        else:
            try:
                r = solve_problem(with_value(v), diagnose=False)
            except InfeasiblePortfolioError:
                infeasible_at = max(infeasible_at, v)
                found[k] = None
            else:
                found[k] = r
                if r.status is SolveStatus.OPTIMAL:
                    last, last_use = r, usage(r.selected)
                else:
                    last = None
    rows = []
    for k, v in enumerate(values):
        row: dict[str, Any] = {"value": v}
        r = found[k]
        if r is None:
            row |= {"objective": math.nan, "feasible": False, "n_selected": 0, "selected": ""}
            row["status"] = SolveStatus.INFEASIBLE.value
        else:
            obj = r.objective_value
            chosen = list(r.selected)
            if plan is not None:
                # re-optimised existing alliances (keep/exit rows) are not new partners: the
                # reported objective and the selection cover new candidates only (§10 reading 8)
                chosen = [i for i in chosen if i not in set(plan.free)]
                obj = float(sum(plan.reported[i] for i in chosen))
            row |= {
                "objective": obj,
                "feasible": True,
                "n_selected": len(chosen),
                "selected": ";".join(chosen),
                "status": r.status.value,
            }
            if p.scenario_loss is not None:
                x = np.array([i in set(r.selected) for i in p.ids], dtype=float)
                row["cvar"] = _cvar(p.scenario_loss @ x, p.cvar_beta)
        rows.append(row)
    frame = pd.DataFrame(rows)
    objective = plan.reported_name if plan is not None else p.objective_name
    return FrontierResult(
        vary=vary,
        objective=objective,
        points=frame,
        current=current,
        money_label=plan.money_label if plan is not None else "",
    )


#: Robustness classes (sampling analogue of Liesiö, Mild & Salo 2007 robust portfolio modelling):
#: core if selected in at least CORE_SHARE of draws, exterior if in at most EXTERIOR_SHARE.
CORE_SHARE = 0.8
EXTERIOR_SHARE = 0.2


@dataclass(frozen=True, eq=False)
class RobustnessResult(Result):
    """Share of weight draws / value scenarios in which each partner is selected.

    ``table`` columns: ``share_weights``, ``share_values`` (NaN if that mode was not run),
    ``share`` (mean of the modes run) and ``class`` (core / borderline / exterior).
    """

    table: pd.DataFrame
    n_draws: int
    core: float = CORE_SHARE
    exterior: float = EXTERIOR_SHARE
    infeasible_draws: int = 0

    title = "Portfolio robustness"

    def to_frame(self) -> pd.DataFrame:
        """One row per partner."""
        return self.table

    def summary(self) -> str:
        """Core and borderline partners."""
        t = self.table
        core = ", ".join(t.index[t["class"] == "core"]) or "none"
        border = ", ".join(t.index[t["class"] == "borderline"]) or "none"
        return (
            f"{self.n_draws} draws: core (≥ {self.core:.0%}) {core}; borderline {border}; "
            f"thresholds core ≥ {self.core:.0%}, exterior ≤ {self.exterior:.0%}"
        )


def portfolio_robustness(
    ws: Any,
    n_draws: int = 200,
    seed: int = 0,
    mode: str = "both",
    *,
    core: float = CORE_SHARE,
    exterior: float = EXTERIOR_SHARE,
    progress: bool = False,
    **plan_kwargs: Any,
) -> RobustnessResult:
    """How often each partner is selected when weights or values are uncertain.

    ``mode="weights"``: criteria weights drawn uniformly from the simplex (SMAA, Lahdelma et
    al. 1998), score objective. ``mode="values"``: each draw uses one seeded NPV scenario
    (``simulate_scenarios``) as the objective. ``"both"`` runs both. Partners selected in
    ≥ ``core`` of draws are core, ≤ ``exterior`` exterior, others borderline (a sampling
    version of robust portfolio modelling, Liesiö et al. 2007). Knockouts and caps stay as
    in ``plan_portfolio``; K4 uses the default-weight score.
    """
    from tqdm.auto import tqdm

    from alliancekit.criteria import criteria_matrix

    if mode not in ("weights", "values", "both"):
        raise _bad(f"mode must be 'weights', 'values' or 'both', got {mode!r}")
    if not 0 <= exterior < core <= 1:
        raise _bad("need 0 <= exterior < core <= 1")
    plan_kwargs.pop("objective", None)
    plan = _plan_problem(ws, "expected_npv", **plan_kwargs)
    p = replace(plan.problem, time_limit=plan.problem.time_limit)
    rng = np.random.default_rng(seed)
    counts = {m: pd.Series(0.0, index=list(p.ids)) for m in ("weights", "values")}
    runs = {"weights": 0, "values": 0}
    infeasible = 0
    draws: list[tuple[str, pd.Series]] = []
    if mode in ("weights", "both"):
        matrix = criteria_matrix(ws, plan_kwargs.get("policy")).reindex(list(p.ids)).fillna(0.0)
        w = rng.dirichlet(np.ones(matrix.shape[1]), size=n_draws)
        for k in range(n_draws):
            draws.append(("weights", pd.Series(100 * matrix.to_numpy() @ w[k], index=p.ids)))
    if mode in ("values", "both"):
        from alliancekit.risk import simulate_scenarios

        scen = simulate_scenarios(
            ws, n_scenarios=n_draws, seed=seed, policy=plan_kwargs.get("policy")
        )
        npv = scen.npv.reindex(columns=list(p.ids)).fillna(0.0)
        for k in range(n_draws):
            draws.append(("values", npv.iloc[k].astype(float)))
    last = None  # every draw keeps the constraints, so the previous selection is feasible
    for kind, coef in tqdm(draws, desc="robustness", disable=not progress, leave=False):
        q = replace(p, objective=coef.rename(kind))
        try:
            r = solve_problem(q, diagnose=False, start=last)
        except InfeasiblePortfolioError:
            infeasible += 1
            continue
        runs[kind] += 1
        last = r.selected
        counts[kind].loc[r.selected] += 1
    table = pd.DataFrame(index=pd.Index(p.ids, name="partner_id"))
    for kind in ("weights", "values"):
        table[f"share_{kind}"] = counts[kind] / runs[kind] if runs[kind] else math.nan
    table["share"] = table[["share_weights", "share_values"]].mean(axis=1, skipna=True)
    table["class"] = np.where(
        table["share"] >= core,
        "core",
        np.where(table["share"] <= exterior, "exterior", "borderline"),
    )
    return RobustnessResult(
        table=table, n_draws=n_draws, core=core, exterior=exterior, infeasible_draws=infeasible
    )
