"""What a limit is worth: the objective per unit of slack, by re-solving (docs/method.md §4, §12).

A MILP has no dual prices (coin-or/pulp#367), so each budget, cap and requirement is moved and
the plan re-solved: ``loosen_per_unit`` is the gain per unit when the limit is loosened by one
step (a cap raised, a requirement lowered), ``tighten_per_unit`` the loss per unit when it is
tightened by one step (``inf`` when no plan is then possible). The range over which the selection
stays the same is exact: a cap can fall to what the plan uses and rise until a strictly better
plan fits, the least use among strictly better plans (one MILP: minimise the use subject to
``objective ≥ OPT + ε``, the limit left out; skipped when the optimum without the limit, warm
started from the plan, is no better); a requirement can rise to what the plan provides and fall
until a strictly better plan qualifies. For averages, cost shares and CVaR caps (not
linear in the selection) the upper end is found by bisection.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from alliancekit.model import SolveStatus
from alliancekit.portfolio.alternatives import (
    LimitRef,
    Source,
    extreme_use,
    optimum_with,
    source_of,
)
from alliancekit.portfolio.constraints import ConstraintKind, Sense
from alliancekit.portfolio.inputs import bad
from alliancekit.results import Result, html_table

__all__ = ["LimitValuesResult", "limit_values"]

K = ConstraintKind
COLUMNS = [
    "key", "label", "period", "kind", "sense", "unit", "bound", "used", "slack", "step",
    "loosen_per_unit", "tighten_per_unit", "stays_from", "stays_to",
    "next_change_at", "gain_at_next_change",
]  # fmt: skip
#: Smallest step by kind, in the limit's unit (counts move by whole partners).
_MIN_STEP = {K.COUNT: 1.0, K.GROUP_COUNT: 1.0, K.COVERAGE: 0.05, K.AVERAGE: 0.005}


@dataclass(frozen=True, eq=False)
class LimitValuesResult(Result):
    """Per limit and requirement: its value per unit of slack and where the selection changes.

    ``table`` columns: ``key``, ``label``, ``period`` (roadmaps), ``kind``, ``sense``, ``unit``,
    ``bound``, ``used``, ``slack``, ``step`` (the move used [unit]), ``loosen_per_unit`` and
    ``tighten_per_unit`` [objective units per unit of the limit], ``stays_from``/``stays_to``
    (the bound's range over which the plan stays the same [unit]), ``next_change_at`` (the bound
    at which a better plan becomes possible) and ``gain_at_next_change`` [objective units].
    """

    table: pd.DataFrame
    objective_name: str
    money_label: str = ""
    notes: tuple[str, ...] = ()

    title = "What each limit is worth"

    def to_frame(self) -> pd.DataFrame:
        """One row per limit or requirement."""
        return self.table

    def summary(self) -> str:
        """The limits whose loosening pays, most valuable first."""
        unit = self.money_label or "objective units"
        t = self.table.sort_values("loosen_per_unit", ascending=False)
        lines = [f"value of one more unit of each limit ({self.objective_name}, {unit} per unit):"]
        for _, r in t.iterrows():
            where = f" in {r['period']}" if r["period"] else ""
            text = f"{r['label']}{where}: {r['loosen_per_unit']:,.4g} per {r['unit'] or 'unit'}"
            if math.isfinite(r["next_change_at"]):
                text += (
                    f"; the plan changes at {r['next_change_at']:,.4g} "
                    f"(+{r['gain_at_next_change']:,.4g})"
                )
            lines.append(text)
        return "\n".join([*lines, *self.notes])

    def html_tables(self) -> list[tuple[str, str]]:
        """The table, in words and units (objective units per unit of each limit)."""
        per = f"[{self.money_label or 'objective units'} per unit]"
        words = {
            "bound": "limit",
            "used": "used",
            "step": "step",
            "loosen_per_unit": f"gain if loosened {per}",
            "tighten_per_unit": f"loss if tightened {per}",
            "stays_from": "plan unchanged from",
            "stays_to": "plan unchanged to",
            "next_change_at": "plan changes at",
            "gain_at_next_change": f"gain there [{self.money_label or 'objective units'}]",
        }
        shown = self.table.set_index("label")[["period", "sense", "unit", *words]]
        shown = shown.rename(columns=words)
        infinite = {
            "loss if": "no plan possible",
            "unchanged to": "any higher limit",
            "changes at": "never",
        }
        formats = {
            name: _shown(next((v for k, v in infinite.items() if k in name), "–"))
            for name in words.values()
        }
        return [("Limits and requirements", html_table(shown, formats=formats))]


def _shown(infinite: str) -> Any:
    """A number for people: ``infinite`` for ±inf, a dash for NaN, else 4 significant digits."""

    def text(value: Any) -> str:
        x = float(value)
        if math.isinf(x):
            return infinite if x > 0 or infinite == "never" else "any lower limit"
        return "–" if math.isnan(x) else f"{x:,.4g}"

    return text


def _step(ref: LimitRef, share: float) -> float:
    """The move of one step: ``share`` of the bound, at least the kind's smallest step."""
    base = abs(ref.bound) if ref.bound else max(abs(ref.used), 1.0)
    step = max(share * base, _MIN_STEP.get(ref.kind, 1e-6))
    return float(round(step)) if ref.kind in (K.COUNT, K.GROUP_COUNT) else step


def _bisect(
    src: Source, ref: LimitRef, best: float, eps: float, lo: float, hi: float
) -> float | None:
    """Smallest cap in (lo, hi] at which the optimum improves by more than ``eps``."""
    better = optimum_with(src, {ref.key: hi})
    if better is None or better <= best + eps:
        return None
    for _ in range(30):
        if hi - lo <= 1e-4 * max(1.0, abs(hi)):
            break
        mid = (lo + hi) / 2
        got = optimum_with(src, {ref.key: mid})
        lo, hi = (lo, mid) if got is not None and got > best + eps else (mid, hi)
    return hi


def _clean(value: float, eps: float) -> float:
    """A per-unit value with solver round-off removed: never negative, 0 below ``eps``."""
    return 0.0 if value < eps else value


def _row(src: Source, ref: LimitRef, best: float, share: float) -> dict[str, Any]:
    """One limit: the range, the next change and the step values (re-solves).

    Exact shortcuts: a step that stays inside the range where the plan is unchanged (a cap
    tightened no lower than the use, or loosened below the next change) is worth 0 unsolved.
    """
    eps = 1e-6 * max(1.0, abs(best))
    cap = ref.sense is Sense.LE
    free = src.run(src.model(without=ref.key))  # the optimum without this limit (warm start)
    proven = free.status is SolveStatus.OPTIMAL and free.objective is not None
    if proven and free.objective + src.constant <= best + eps:
        change = None  # no better plan even without the limit: it never changes the plan
    else:
        change = extreme_use(src, ref.key, best + eps, "min" if cap else "max")
    if change is not None and math.isnan(change):  # a ratio: bisection on the cap
        hi = 1.0 if ref.kind in (K.AVERAGE, K.GROUP_COST_SHARE) else max(2 * ref.bound, 1.0)
        change = _bisect(src, ref, best, eps, ref.bound, max(hi, ref.bound)) if cap else None
    if change is None:
        change = math.inf if cap else -math.inf
    gain = math.nan
    if math.isfinite(change):
        at = optimum_with(src, {ref.key: change})
        gain = at - best if at is not None else math.nan
    step = _step(ref, share)
    loose = ref.bound + step if cap else max(ref.bound - step, 0.0)
    tight = ref.bound - step if cap else ref.bound + step
    moved = abs(loose - ref.bound) or step
    if (loose < change) if cap else (loose > change):
        loosen = 0.0
    else:
        up = optimum_with(src, {ref.key: loose})
        loosen = _clean((up - best) / moved, eps) if up is not None else math.nan
    if (tight >= ref.used) if cap else (tight <= ref.used):
        tighten = 0.0
    else:
        down = optimum_with(src, {ref.key: tight}) if tight >= 0 else None
        tighten = _clean((best - down) / step, eps) if down is not None else math.inf
    return {
        "key": ref.key,
        "label": ref.label,
        "period": ref.period,
        "kind": ref.kind.value,
        "sense": ref.sense.value,
        "unit": ref.unit,
        "bound": ref.bound,
        "used": ref.used,
        "slack": ref.sense.slack(ref.used, ref.bound),
        "step": step,
        "loosen_per_unit": loosen,
        "tighten_per_unit": tighten,
        "stays_from": ref.used if cap else min(max(change, 0.0), ref.used),
        "stays_to": max(change, ref.used) if cap else ref.used,
        "next_change_at": change,
        "gain_at_next_change": gain,
    }


def _wanted(ref: LimitRef, keys: Iterable[str] | None) -> bool:
    if keys is None:
        return True
    base = ref.key.split("@", 1)[0]
    return any(k in (ref.key, base, ref.kind.value) for k in keys)


def limit_values(
    result: Any, *, keys: Iterable[str] | None = None, step: float = 0.1
) -> LimitValuesResult:
    """What each budget, cap and requirement is worth, by re-solving (docs/method.md §4, §12).

    Parameters
    ----------
    result : PortfolioResult or RoadmapResult
        An optimal plan or roadmap.
    keys : iterable of str, optional
        Limits to value: constraint keys (``"limit[cost_annual]"``, for a roadmap every period,
        or ``"limit[cost_annual]@2027"`` one period) or kinds (``"limit"``, ``"coverage"``);
        default every budget, cap and requirement.
    step : float
        The move, as a share of the bound (default 10 %; counts move by 1 partner, coverage by
        at least 0.05, averages by at least 0.005).

    Returns
    -------
    LimitValuesResult
        One row per limit: value per unit when loosened and when tightened [objective units
        per unit of the limit], and the bound's range over which the plan stays the same.
    """
    if not 0 < float(step) <= 1:
        raise bad(f"step must be a share in (0, 1], got {step!r}")
    src = source_of(result)
    best = src.model_objective(result)
    keys = None if keys is None else [keys] if isinstance(keys, str) else list(keys)
    rows = [_row(src, ref, best, float(step)) for ref in src.limits() if _wanted(ref, keys)]
    notes = []
    gap = float(getattr(result, "mip_gap", 0.0) or 0.0)
    if getattr(result, "status", None) is not SolveStatus.OPTIMAL or gap > 1e-6:
        notes.append(
            f"the plan was solved to a relative gap of {gap:.2e}: a better plan may fit the "
            "current limits, so the values and ranges are exact only up to that gap"
        )
    return LimitValuesResult(
        table=pd.DataFrame(rows, columns=COLUMNS),
        objective_name=str(getattr(result, "objective_name", "objective")),
        money_label=getattr(result, "money_label", ""),
        notes=tuple(notes),
    )
