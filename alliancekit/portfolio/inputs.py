"""Validation of portfolio inputs into a ``PortfolioProblem`` (DataValidationError otherwise).

``make_problem`` runs one stage per part of the problem (the candidate table, the objective,
solver settings, caps, coverage, links between partners, scenarios); each stage checks its inputs
and returns the problem fields it owns, named after them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError
from alliancekit.portfolio.constraints import GroupLimit, Wording
from alliancekit.portfolio.problem import SOLVERS, PortfolioProblem, Solver
from alliancekit.workspace.limits import MAX_MAGNITUDE

__all__ = ["make_problem", "with_objective"]

Fields = dict[str, Any]


def bad(message: str, column: str | None = None) -> DataValidationError:
    """A DataValidationError holding one problem (``column``: the column at fault)."""
    return DataValidationError.single(message, column=column)


def number(value: Any, what: str) -> float:
    """``value`` as a float, or a DataValidationError naming ``what``."""
    try:
        return float(value)
    except (TypeError, ValueError):
        raise bad(f"{what} must be a number, got {value!r}") from None


def count(value: Any, what: str) -> int | None:
    """A non-negative integer count (None passes), or a DataValidationError naming ``what``."""
    if value is None:
        return None
    n = number(value, what)
    if not math.isfinite(n) or n < 0 or n != int(n):
        raise bad(f"{what} must be a non-negative integer, got {value!r}")
    return int(n)


def _mapping(value: Mapping[str, float] | None, what: str) -> dict[str, float]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise bad(f"{what} must be a mapping column -> cap, got {type(value).__name__}")
    return {str(k): number(v, f"{what} for {k!r}") for k, v in value.items()}


def _numeric_column(table: pd.DataFrame, column: str, what: str) -> np.ndarray:
    if column not in table.columns:
        known = ", ".join(map(str, table.columns))
        raise bad(f"{what}: unknown column {column!r}; the candidate table has: {known}", column)
    values = pd.to_numeric(table[column], errors="coerce")
    missing = values.isna()
    if missing.any():
        ids = ", ".join(map(str, table.index[missing][:5]))
        raise bad(f"{what}: column {column!r} has missing or non-numeric values for {ids}", column)
    return _finite(values.to_numpy(dtype=float), table.index, f"{what}: column {column!r}", column)


def _finite(x: np.ndarray, ids: pd.Index, what: str, column: str | None) -> np.ndarray:
    """``x``, or a DataValidationError naming the partners whose value is infinite or beyond
    ``MAX_MAGNITUDE`` (sums and present values of such numbers mean nothing)."""
    bad_rows = ~(np.abs(x) <= MAX_MAGNITUDE)
    if bad_rows.any():
        shown = ", ".join(
            f"{i} ({v:g})" for i, v in zip(ids[bad_rows][:5], x[bad_rows][:5], strict=True)
        )
        raise bad(
            f"{what} has infinite or too large values (limit ±{MAX_MAGNITUDE:g}) for {shown}",
            column,
        )
    return x


def _check_cap(value: float, what: str) -> float:
    if value is None or not math.isfinite(float(value)):
        raise bad(f"{what}: cap must be a finite number, got {value!r}")
    if float(value) < 0:
        raise bad(f"{what}: cap must not be negative, got {value}")
    return float(value)


def check_ids(ids: Iterable[Any], known: Iterable[str], what: str) -> tuple[str, ...]:
    """Partner ids as strings, each one of ``known`` (a DataValidationError names the rest)."""
    if isinstance(ids, str):
        ids = (ids,)
    out = tuple(str(i) for i in ids)
    known = set(known)
    unknown = [i for i in out if i not in known]
    if unknown:
        raise bad(f"{what}: unknown partner id(s) {', '.join(unknown)}")
    return out


def _frozen(values: Mapping[Any, Any] | None) -> MappingProxyType:
    return MappingProxyType({str(k): float(v) for k, v in (values or {}).items()})


# -- stages -------------------------------------------------------------------------------------
def candidate_table(candidates: pd.DataFrame) -> pd.DataFrame:
    """A copy of the candidate table indexed by unique string partner ids."""
    if not isinstance(candidates, pd.DataFrame):
        raise bad("candidates must be a pandas DataFrame indexed by partner id")
    if candidates.empty or len(candidates.index) == 0:
        raise bad("the candidate table is empty: there is nothing to select from")
    table = candidates.copy()
    table.index = table.index.map(str).rename("partner_id")
    if table.index.has_duplicates:
        dup = ", ".join(sorted(set(table.index[table.index.duplicated()])))
        raise bad(f"duplicate partner id(s) in the candidate table: {dup}")
    return table


def _solver_fields(solver: str, time_limit: float, mip_gap: float) -> Fields:
    if str(solver).lower() not in SOLVERS:
        raise bad(f"unknown solver {solver!r}; use one of {', '.join(SOLVERS)}")
    if time_limit is None or not (number(time_limit, "time_limit") > 0):
        raise bad(f"time_limit must be a positive number of seconds, got {time_limit!r}")
    if not (0 <= number(mip_gap, "mip_gap") < 1):
        raise bad(f"mip_gap must lie in [0, 1), got {mip_gap!r}")
    return {
        "solver": Solver.parse(str(solver).lower()),
        "time_limit": float(time_limit),
        "mip_gap": float(mip_gap),
    }


def _objective_fields(table: pd.DataFrame, objective: str | pd.Series) -> Fields:
    ids = list(table.index)
    if not isinstance(objective, pd.Series):
        name = str(objective)
        values = pd.Series(_numeric_column(table, name, "objective"), index=ids)
        return {"objective": values.rename(name), "objective_name": name}
    values = objective.copy()
    values.index = values.index.map(str)
    missing = [i for i in ids if i not in values.index]
    if missing:
        raise bad(f"objective Series has no value for partner(s) {', '.join(missing[:5])}")
    values = pd.to_numeric(values.reindex(ids), errors="coerce")
    if values.isna().any():
        raise bad("objective has missing values for " + ", ".join(values.index[values.isna()][:5]))
    name = str(objective.name or "objective")
    _finite(values.to_numpy(dtype=float), values.index, "objective", name)
    return {"objective": values.astype(float).rename(name), "objective_name": name}


def _cap_fields(
    table: pd.DataFrame, caps: Mapping[str, Any], min_count: Any, max_count: Any
) -> Fields:
    """``caps``: field name → Mapping column → cap (limits, max_average, max_each)."""
    out: Fields = {}
    for name, given in caps.items():
        checked = _mapping(given, name)
        for col, cap in checked.items():
            what = f"limit on {col}" if name == "limits" else f"{name} on {col}"
            _numeric_column(table, col, what)
            _check_cap(cap, what)
        out[name] = MappingProxyType(checked)
    low, high = count(min_count, "min_count"), count(max_count, "max_count")
    if low is not None and high is not None and low > high:
        raise bad(f"min_count {low} exceeds max_count {high}")
    return out | {"min_count": low, "max_count": high}


def _coverage_fields(
    ids: Sequence[str],
    coverage: pd.DataFrame | None,
    required: Mapping[str, float] | None,
    soft: float | None,
    reward: Mapping[str, float] | None,
) -> Fields:
    req = _mapping(required, "coverage_required")
    rew = _mapping(reward, "coverage_reward")
    cov = None
    if coverage is not None:
        if not isinstance(coverage, pd.DataFrame):
            raise bad("coverage must be a DataFrame (partner id x gap id)")
        cov = coverage.copy()
        cov.index = cov.index.map(str)
        cov.columns = cov.columns.map(str)
        cov = cov.reindex(pd.Index(ids, name="partner_id")).fillna(0.0).astype(float)
        if (cov.to_numpy() < 0).any():
            raise bad("coverage levels must not be negative")
    if (req or rew) and cov is None:
        raise bad("coverage_required/coverage_reward given without a coverage table")
    for name, gaps in (("coverage_required", req), ("coverage_reward", rew)):
        for gap in gaps:
            if gap not in cov.columns:
                raise bad(f"{name} names gap {gap!r}, which is not a coverage column", gap)
    for gap, level in req.items():
        _check_cap(level, f"coverage required for {gap}")
    if soft is not None and float(soft) < 0:
        raise bad(f"coverage_soft penalty must not be negative, got {soft}")
    return {
        "coverage": cov,
        "coverage_required": MappingProxyType(req),
        "coverage_reward": MappingProxyType(rew),
        "coverage_soft": None if soft is None else float(soft),
    }


def _conflicts(cliques: Iterable[Sequence[str]] | None, known: Sequence[str]) -> tuple:
    pairs: list[tuple[str, ...]] = []
    for clique in cliques or ():
        members = tuple(sorted(set(check_ids(clique, known, "conflicts"))))
        if len(members) < 2:
            raise bad(f"a conflict needs at least two distinct partners, got {clique!r}")
        if members not in pairs:
            pairs.append(members)
    return tuple(pairs)


def _requires(requires: Mapping[str, Sequence[str]] | None, known: Sequence[str]) -> Mapping:
    out: dict[str, tuple[str, ...]] = {}
    for key, needs in (requires or {}).items():
        (a,) = check_ids((key,), known, "requires")
        out[a] = check_ids(needs, known, f"requires of {a}")
        if not out[a]:
            raise bad(f"requires of {a} is empty; list at least one partner it needs")
    return MappingProxyType(out)


def _groups(table: pd.DataFrame, groups: Iterable[GroupLimit]) -> tuple[GroupLimit, ...]:
    out = tuple(groups or ())
    for g in out:
        if not isinstance(g, GroupLimit):
            raise bad(f"groups must hold GroupLimit objects, got {type(g).__name__}")
        if g.column not in table.columns:
            raise bad(f"group limit {g.label}: unknown column {g.column!r}", g.column)
        if g.max_cost_share is not None:
            _numeric_column(table, g.cost_column, f"group {g.label} cost share")
            if not 0 <= g.max_cost_share <= 1:
                raise bad(f"group {g.label}: max_cost_share must lie in [0, 1]")
        for what in ("min_count", "max_count"):
            count(getattr(g, what), f"group {g.label}: {what}")
    return out


def _fixed_fields(
    known: Sequence[str],
    must_include: Iterable[str],
    must_exclude: Iterable[str],
    screen: Mapping[str, str] | None,
    uncounted: Iterable[str],
) -> Fields:
    inc = check_ids(must_include, known, "must_include")
    exc = check_ids(must_exclude, known, "must_exclude")
    both = sorted(set(inc) & set(exc))
    if both:
        raise bad(f"partner(s) {', '.join(both)} are both must-include and must-exclude")
    scr = {str(k): str(v) for k, v in (screen or {}).items()}
    check_ids(scr, known, "screen")
    return {
        "must_include": inc,
        "must_exclude": exc,
        "screen": MappingProxyType(scr),
        "uncounted": check_ids(uncounted, known, "uncounted"),
    }


def _synergy(synergy: Any, known: Sequence[str]) -> MappingProxyType:
    out: dict[tuple[str, str], float] = {}
    if synergy is None:
        return MappingProxyType(out)
    items = synergy.items() if isinstance(synergy, Mapping) else ((t[:2], t[2]) for t in synergy)
    for pair, sigma in items:
        a, b = check_ids(pair, known, "synergy")
        if a == b:
            raise bad(f"synergy pair ({a}, {b}) must name two different partners")
        sigma = number(sigma, f"synergy of ({a}, {b})")
        if not math.isfinite(sigma):
            raise bad(f"synergy of ({a}, {b}) must be finite, got {sigma}")
        key = (a, b) if a < b else (b, a)
        out[key] = out.get(key, 0.0) + sigma
    return MappingProxyType(out)


def _scenario_fields(
    ids: Sequence[str],
    scenario_loss: pd.DataFrame | np.ndarray | None,
    beta: float,
    limit: float | None,
    penalty: float,
) -> Fields:
    loss = None
    if scenario_loss is not None:
        if isinstance(scenario_loss, pd.DataFrame):
            frame = scenario_loss.copy()
            frame.columns = frame.columns.map(str)
            missing = [i for i in ids if i not in frame.columns]
            if missing:
                raise bad(f"scenario_loss has no column for {', '.join(missing[:5])}")
            loss = frame[list(ids)].to_numpy(dtype=float)
        else:
            loss = np.asarray(scenario_loss, dtype=float)
            if loss.ndim != 2 or loss.shape[1] != len(ids):
                raise bad("scenario_loss must be scenarios x partners")
        if loss.shape[0] == 0:
            raise bad("scenario_loss has no scenarios (rows)")
        if not np.isfinite(loss).all():
            raise bad("scenario_loss has non-finite values")
        if not 0 < beta < 1:
            raise bad(f"cvar_beta must lie in (0, 1), got {beta}")
    for what, given in (("cvar_limit", limit is not None), ("cvar_lambda", bool(penalty))):
        if given and loss is None:
            raise bad(f"{what} needs scenario_loss (scenarios x partners)")
    if limit is not None and not math.isfinite(float(limit)):
        raise bad(f"cvar_limit must be finite, got {limit}")
    return {
        "scenario_loss": loss,
        "cvar_beta": float(beta),
        "cvar_limit": None if limit is None else float(limit),
        "cvar_lambda": float(penalty or 0.0),
    }


def make_problem(
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
    uncounted: Iterable[str],
    solver: str,
    time_limit: float,
    mip_gap: float,
    wording: Wording | None = None,
) -> PortfolioProblem:
    """Validate every input of ``select_portfolio`` and return the ``PortfolioProblem``.

    The parameters are those of ``select_portfolio`` (without ``diagnose``; every one is given
    explicitly, the defaults live in the public functions), plus ``wording``: how the constraint
    groups are labelled for people (``Wording``).

    Raises
    ------
    DataValidationError
        Naming the parameter, column or partner at fault.
    """
    table = candidate_table(candidates)
    ids = tuple(table.index)
    caps = {"limits": limits, "max_average": max_average, "max_each": max_each}
    coverage_args = (coverage, coverage_required, coverage_soft, coverage_reward)
    return PortfolioProblem(
        ids=ids,
        table=table,
        **_solver_fields(solver, time_limit, mip_gap),
        **_objective_fields(table, objective),
        **_cap_fields(table, caps, min_count, max_count),
        **_coverage_fields(ids, *coverage_args),
        conflicts=_conflicts(conflicts, ids),
        requires=_requires(requires, ids),
        groups=_groups(table, groups),
        **_fixed_fields(ids, must_include, must_exclude, screen, uncounted),
        synergy=_synergy(synergy, ids),
        **_scenario_fields(ids, scenario_loss, cvar_beta, cvar_limit, cvar_lambda),
        limit_base=_frozen(limit_base),
        coverage_base=_frozen(coverage_base),
        objective_constant=float(objective_constant),
        wording=wording or Wording(),
    )


def with_objective(problem: PortfolioProblem, objective: pd.Series) -> PortfolioProblem:
    """``problem``, every constraint the same, with another objective.

    Parameters
    ----------
    problem : PortfolioProblem
    objective : Series
        One finite coefficient per partner of ``problem.ids`` (named by the Series' name),
        checked as ``make_problem`` checks an objective.
    """
    return replace(problem, **_objective_fields(problem.table, objective))
