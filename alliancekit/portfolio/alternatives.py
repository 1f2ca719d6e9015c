"""Near-optimal alternatives: the best few plans that really differ (docs/method.md §4, §12).

Committees ask for more than one answer. ``alternative_portfolios`` finds up to ``k`` plans
whose objective lies within ``within`` (a share) of the optimum, each differing from every other
by at least ``min_difference`` partners: after each plan S is found, the no-good cut (a
Hamming-distance row, Balas & Jeroslow 1972) ``Σ_{i∉S} x_i + Σ_{i∈S} (1 − x_i) ≥ d`` and the
objective floor ``objective ≥ (1 − within)·OPT`` are added and the MILP is solved again, so the
plans come best first and the search stops when no further plan qualifies.

The search works on a ``Source``: what a result can re-solve. ``PlanSource`` wraps a
``PortfolioResult``; a ``RoadmapResult`` supplies its own (``alternatives_source()``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np
import pandas as pd

from alliancekit.errors import InfeasiblePortfolioError
from alliancekit.model import SolveStatus
from alliancekit.portfolio.constraints import Constraint, ConstraintKind, Sense, join_ids
from alliancekit.portfolio.evaluate import lhs, measured, objective_at, offset
from alliancekit.portfolio.inputs import bad
from alliancekit.portfolio.milp import (
    Model,
    Outcome,
    add_objective_floor,
    add_terms_row,
    build,
    set_objective_terms,
    solve,
)
from alliancekit.portfolio.results import PortfolioResult
from alliancekit.portfolio.solve import solve_problem
from alliancekit.results import Result, html_table

__all__ = [
    "AlternativesResult",
    "LimitRef",
    "PlanSource",
    "Source",
    "alternative_portfolios",
    "period_ranges",
    "source_of",
]

K = ConstraintKind
_SOLVED = (SolveStatus.OPTIMAL, SolveStatus.TIME_LIMIT)


@dataclass(frozen=True)
class LimitRef:
    """A numeric limit or requirement of a plan: key, words, sense, bound, unit, use."""

    key: str
    label: str
    kind: ConstraintKind
    sense: Sense
    bound: float
    used: float
    unit: str = ""
    period: str = ""


class Source(Protocol):
    """What near-optimal alternatives and limit values re-solve (a plan or a roadmap)."""

    result: Any  # the optimal result the search starts from
    items: tuple[str, ...]  # what plans differ on (partners; free existing alliances)
    constant: float  # the model objective's constant

    def model(self, bounds: Mapping[str, float] | None = None, without: str = "") -> Model:
        """The MILP (main objective) with some bounds replaced and one group left out."""

    def run(self, model: Model) -> Outcome:
        """Solve a model with the result's solver settings."""

    def indicator(self, model: Model, item: str) -> dict[int, float]:
        """Variables of ``model`` summing to 1 when ``item`` is chosen."""

    def read(self, outcome: Outcome) -> Any:
        """The result of an alternative solve (a ``PortfolioResult`` or ``RoadmapResult``)."""

    def chosen(self, result: Any) -> frozenset[str]:
        """The items a result chooses."""

    def model_objective(self, result: Any) -> float:
        """The model objective of a result (with the constant)."""

    def limits(self) -> list[LimitRef]:
        """The numeric limits and requirements of the optimal result."""

    def usage(self, result: Any) -> Mapping[str, float]:
        """Use of every limit by a result, by key."""

    def usage_terms(self, model: Model, key: str) -> tuple[dict[int, float], float] | None:
        """A linear limit's use as terms over ``model`` and a fixed offset (None: a ratio)."""

    def describe(self, result: Any, best: Any) -> list[str]:
        """How a result's schedule differs from the best beyond its choice (roadmaps: starts)."""


def _gap(a: float, b: float) -> float:
    return abs(a - b) / max(abs(b), 1e-9)


# -- the plan (one round) ------------------------------------------------------------------------
class PlanSource:
    """A ``PortfolioResult`` as a ``Source``: its problem re-solved through ``milp.build``."""

    def __init__(self, result: PortfolioResult) -> None:
        self.result = result
        self.p = result.problem
        self.items = tuple(i for i in self.p.ids if i not in result.screened)
        self.constant = float(self.p.objective_constant)
        self.groups = {c.key: c for c in measured(self.p) if c.kind is not K.EACH and not c.soft}

    def model(self, bounds: Mapping[str, float] | None = None, without: str = "") -> Model:
        active = [c for c in self.p.constraints if c.key != without]
        by = {self.groups[k]: v for k, v in (bounds or {}).items()}
        return build(self.p, active, bounds=by)

    def run(self, model: Model) -> Outcome:
        return solve(model, self.p.solver, self.p.time_limit, self.p.mip_gap)

    def indicator(self, model: Model, item: str) -> dict[int, float]:
        k = self.p.position[item]
        return {k: 1.0} if k in model.x else {}

    def read(self, outcome: Outcome) -> PortfolioResult:
        chosen = {self.p.ids[k] for k, v in outcome.values.items() if v > 0.5}
        fixed = solve_problem(self.p, diagnose=False, fix={i: int(i in chosen) for i in self.items})
        return _as_plan(self.result, fixed)

    def chosen(self, result: PortfolioResult) -> frozenset[str]:
        return frozenset(result.selected) | (frozenset(result.kept) & set(self.p.uncounted))

    def model_objective(self, result: PortfolioResult) -> float:
        x = np.array([i in self.chosen(result) for i in self.p.ids])
        return objective_at(self.p, x)

    def limits(self) -> list[LimitRef]:
        t = self.result.totals
        return [
            LimitRef(k, c.label, c.kind, c.sense, c.bound, float(t.loc[k, "used"]), c.unit)
            for k, c in self.groups.items()
        ]

    def usage(self, result: PortfolioResult) -> Mapping[str, float]:
        return {k: float(v) for k, v in result.totals["used"].items()}

    def usage_terms(self, model: Model, key: str) -> tuple[dict[int, float], float] | None:
        c: Constraint = self.groups[key]
        if c.kind not in (K.LIMIT, K.COUNT, K.GROUP_COUNT, K.COVERAGE):
            return None
        coef = lhs(self.p, c)
        return {k: float(coef[k]) for k in model.x if coef[k]}, offset(self.p, c)

    def describe(self, result: PortfolioResult, best: PortfolioResult) -> list[str]:
        return []


def _as_plan(original: PortfolioResult, fixed: PortfolioResult) -> PortfolioResult:
    """An alternative in the words of the original: new partners only, kept and exited
    alliances, the reported objective (Σ E[NPV] or Σ score of new partners)."""
    p = original.problem
    free = set(p.uncounted)
    chosen = set(fixed.selected)
    reported = fixed.objective_value
    column = {"expected_npv": "e_npv", "score": "score"}.get(original.objective_name)
    if original.details is not None and column in original.details:
        values = original.details[column]
        reported = float(sum(values[i] for i in chosen if i in values.index and i not in free))
    kept = tuple(a for a in original.kept if a not in free) + tuple(
        a for a in p.uncounted if a in chosen
    )
    exited = tuple(a for a in original.exited if a not in free) + tuple(
        a for a in p.uncounted if a not in chosen
    )
    return replace(
        original,
        selected=[i for i in fixed.selected if i not in free],
        objective_value=reported,
        status=fixed.status,
        totals=fixed.totals,
        binding=fixed.binding,
        mip_gap=fixed.mip_gap,
        solve_time=fixed.solve_time,
        kept=kept,
        exited=exited,
    )


def source_of(result: Any) -> Source:
    """The ``Source`` of a ``PortfolioResult`` or of a result offering ``alternatives_source``."""
    if isinstance(result, PortfolioResult):
        return PlanSource(result)
    make = getattr(result, "alternatives_source", None)
    if make is None:
        raise bad(f"expected a PortfolioResult or a RoadmapResult, got {type(result).__name__}")
    return make()


# -- the search ------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class AlternativesResult(Result):
    """Up to ``k`` near-optimal plans, best first, each differing from every other.

    ``plans`` (one row per plan): ``rank`` (1 = the optimum), ``objective`` (the reported
    objective [money or points]), ``model_objective``, ``below_best`` [0–1] (share below the
    optimum's model objective), ``partners``, ``adds`` and ``drops`` (against the best),
    ``differs_by`` (fewest partners it differs by from any other plan) and
    ``distinguished_by`` (what sets it apart, in words). ``results`` holds each plan in full.
    """

    plans: pd.DataFrame
    results: tuple[Any, ...] = field(metadata={"json": False})
    k: int = 5
    within: float = 0.02
    min_difference: int = 1
    exhausted: bool = False
    money_label: str = ""

    title = "Near-optimal alternatives"

    def to_frame(self) -> pd.DataFrame:
        """One row per plan."""
        return self.plans

    def summary(self) -> str:
        """How many plans were found and what distinguishes each."""
        head = (
            f"{len(self.plans)} plan(s) within {self.within:.1%} of the optimum, each differing "
            f"from every other by at least {self.min_difference} partner(s)"
        )
        if self.exhausted and len(self.plans) < self.k:
            head += f" (no further plan qualifies; {self.k} asked)"
        lines = [head]
        for _, row in self.plans.iterrows():
            lines.append(
                f"{row['rank']}. {row['objective']:,.2f}"
                + (f" {self.money_label}" if self.money_label else "")
                + f" ({row['below_best']:.2%} below the best): {row['distinguished_by']}"
            )
        return "\n".join(lines)

    def html_tables(self) -> list[tuple[str, str]]:
        """The plans."""
        shown = self.plans.set_index("rank")[
            ["objective", "below_best", "partners", "adds", "drops", "distinguished_by"]
        ]
        unit = f" [{self.money_label}]" if self.money_label else ""
        shown = shown.rename(columns={"objective": f"objective{unit}", "below_best": "below best"})
        return [("Plans", html_table(shown, formats={"below best": ".2%"}))]


def alternative_portfolios(
    result: Any, k: int = 5, within: float = 0.02, min_difference: int = 1
) -> AlternativesResult:
    """Up to ``k`` distinct plans within ``within`` of the optimum (docs/method.md §4, §12).

    Parameters
    ----------
    result : PortfolioResult or RoadmapResult
        An optimal plan (``plan_portfolio``, ``select_portfolio``) or roadmap (``plan_roadmap``).
    k : int
        Most plans to return, the optimum included (1–50).
    within : float
        Largest shortfall from the optimum's model objective [share, 0–1]: 0.02 keeps plans
        worth at least 98 % of the best.
    min_difference : int
        Fewest partners (started or not; existing alliances kept or exited) in which any two
        plans differ (Hamming distance ≥ 1).

    Returns
    -------
    AlternativesResult
        The plans best first (the optimum first), with what distinguishes each; fewer than
        ``k`` when no further plan qualifies (``exhausted``).
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= 50:
        raise bad(f"k must be a whole number of plans from 1 to 50, got {k!r}")
    if not 0 <= float(within) < 1:
        raise bad(f"within must be a share in [0, 1), got {within!r}")
    if isinstance(min_difference, bool) or not 1 <= int(min_difference) <= 1000:
        raise bad(f"min_difference must be a whole number ≥ 1, got {min_difference!r}")
    src = source_of(result)
    best = src.model_objective(result)
    floor = best - float(within) * max(abs(best), 1e-9)
    found = [result]
    exhausted = False
    while len(found) < k:
        model = src.model()
        add_objective_floor(model, floor - src.constant - 1e-9 * max(1.0, abs(best)))
        for plan in found:
            _add_cut(src, model, src.chosen(plan), int(min_difference))
        outcome = src.run(model)
        if outcome.status not in _SOLVED:
            exhausted = True
            break
        try:
            found.append(src.read(outcome))
        except InfeasiblePortfolioError:
            exhausted = True
            break
    return AlternativesResult(
        plans=_plans_frame(src, found, best),
        results=tuple(found),
        k=int(k),
        within=float(within),
        min_difference=int(min_difference),
        exhausted=exhausted,
        money_label=getattr(result, "money_label", "")
        or ("points" if getattr(result, "objective_name", "") == "score" else ""),
    )


def _add_cut(src: Source, model: Model, chosen: frozenset[str], d: int) -> None:
    """``Σ_{i∉S} x_i − Σ_{i∈S} x_i ≥ d − |S|``: differ from S in at least d items."""
    terms: dict[int, float] = {}
    inside = 0
    for item in src.items:
        sign = -1.0 if item in chosen else 1.0
        inside += item in chosen
        for col, coef in src.indicator(model, item).items():
            terms[col] = terms.get(col, 0.0) + sign * coef
    add_terms_row(model, terms, Sense.GE, float(d - inside))


def _plans_frame(src: Source, found: list[Any], best: float) -> pd.DataFrame:
    """One row per plan: objective, partners, what it adds and drops, what sets it apart."""
    first = found[0]
    chosen = [src.chosen(r) for r in found]
    use0 = src.usage(first)
    limits = {r.key: r for r in src.limits()}
    rows = []
    for n, (r, s) in enumerate(zip(found, chosen, strict=True)):
        others = [len(s ^ t) for m, t in enumerate(chosen) if m != n]
        adds, drops = sorted(s - chosen[0]), sorted(chosen[0] - s)
        model_value = src.model_objective(r)
        words = _distinction(src, r, first, adds, drops, use0, limits) if n else "the optimum"
        rows.append(
            {
                "rank": n + 1,
                "objective": float(r.objective_value),
                "model_objective": model_value,
                "below_best": max(0.0, (best - model_value) / max(abs(best), 1e-9)),
                "partners": ", ".join(sorted(s)),
                "adds": ", ".join(adds),
                "drops": ", ".join(drops),
                "differs_by": min(others) if others else 0,
                "distinguished_by": words,
            }
        )
    return pd.DataFrame(rows)


def _distinction(
    src: Source,
    r: Any,
    best: Any,
    adds: list[str],
    drops: list[str],
    use0: Mapping[str, float],
    limits: Mapping[str, LimitRef],
) -> str:
    """What sets a plan apart from the best: partners in and out, the limits it uses
    differently (the two largest changes relative to their bound), its schedule."""
    parts = []
    if adds:
        parts.append("adds " + ", ".join(adds))
    if drops:
        parts.append("drops " + ", ".join(drops))
    use = src.usage(r)
    changes: dict[str, list[Any]] = {}  # text → [size, first seen, periods]
    for n, (key, ref) in enumerate(limits.items()):
        if key not in use or key not in use0 or ref.kind is K.GROUP_COUNT:
            continue
        delta = use[key] - use0[key]
        if abs(delta) <= 1e-9 * max(1.0, abs(ref.bound)):
            continue
        text = _change_words(ref, delta)
        entry = changes.setdefault(text, [0.0, n, []])
        entry[0] = max(entry[0], abs(delta) / max(abs(ref.bound), 1e-9))
        if ref.period:
            entry[2].append(ref.period)
    order = tuple(dict.fromkeys(ref.period for ref in limits.values() if ref.period))
    for text, (_, _, periods) in sorted(changes.items(), key=lambda t: (-t[1][0], t[1][1]))[:2]:
        parts.append(text + (f" in {period_ranges(periods, order)}" if periods else ""))
    parts += src.describe(r, best)
    return "; ".join(parts) or "same partners, another schedule"


def _change_words(ref: LimitRef, delta: float) -> str:
    """A change in a limit's use in words: "30 PKR lakh less of the one-off budget"."""
    if ref.kind is K.COUNT:
        return f"{abs(delta):g} {'more' if delta > 0 else 'fewer'} new alliance(s)"
    more = "more" if delta > 0 else "less"
    unit = f" {ref.unit}" if ref.unit else ""
    if ref.kind is K.COVERAGE:
        return f"{abs(delta):,.4g} {more} {_phrase(ref.label)}"
    return f"{abs(delta):,.4g}{unit} {more} of the {_phrase(ref.label)}"


def period_ranges(chosen: list[str], periods: tuple[str, ...]) -> str:
    """Consecutive periods joined: ["2026", "2027", "2029"] → "2026–2027 and 2029"."""
    index = {p: k for k, p in enumerate(periods)}
    runs: list[list[str]] = []
    last = None
    for k, label in sorted((index[c], c) for c in chosen if c in index):
        if last is not None and k == last + 1:
            runs[-1].append(label)
        else:
            runs.append([label])
        last = k
    words = [r[0] if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs]
    return join_ids(words + [c for c in chosen if c not in index])


def _phrase(label: str) -> str:
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def uses(src: Source, model: Model, key: str) -> tuple[dict[int, float], float] | None:
    """``src.usage_terms`` (kept here so limit values read one place)."""
    return src.usage_terms(model, key)


def optimum_with(src: Source, bounds: Mapping[str, float]) -> float | None:
    """The best model objective with some bounds replaced (None: infeasible)."""
    out = src.run(src.model(bounds))
    if out.status not in _SOLVED or out.objective is None:
        return None
    return float(out.objective) + src.constant


def extreme_use(src: Source, key: str, floor: float, direction: str) -> float | None:
    """The least ("min") or largest ("max") use of limit ``key`` among plans whose model
    objective is at least ``floor``, every other limit held (None: no such plan; NaN: the limit
    is a ratio, not linear)."""
    model = src.model(without=key)
    terms = src.usage_terms(model, key)
    if terms is None:
        return math.nan
    add_objective_floor(model, floor - src.constant)
    set_objective_terms(model, terms[0], direction)
    out = src.run(model)
    if out.status not in _SOLVED or out.objective is None:
        return None
    value = out.objective if direction == "max" else -out.objective
    return float(value) + terms[1]
