"""``RoadmapResult``: who starts when, in which stage; exits; spend and capacity per period.

The tables are read off a solution of the ``RoadmapProblem`` (``from_solution``): ``starts``
(one row per candidate), ``schedule`` (one row per partner, stage and period it runs),
``usage`` (one row per constraint group and period: used, cap, slack) and ``exits`` (one row per
existing alliance). ``to_dict``, ``_repr_html_`` and ``to_json`` come from ``Result``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.model import SolveStatus
from alliancekit.portfolio.alternatives import period_ranges
from alliancekit.portfolio.problem import Solver
from alliancekit.results import Result, html_table, jsonable
from alliancekit.roadmap.problem import MEASURED, RoadmapProblem, YearConstraint
from alliancekit.roadmap.timing import StageKind

__all__ = ["RoadmapResult", "binding_words", "from_solution", "problem_summary"]

_TOL = 1e-6


def problem_summary(p: RoadmapProblem) -> dict[str, Any]:
    """What ``to_dict`` stores of the problem: the calendar, settings and the groups."""
    inp = p.inputs
    return {
        "periods": list(inp.calendar.labels),
        "step": inp.calendar.step.value,
        "objective": inp.options.objective.value,
        "fixed_starts": inp.fixed,
        "discount_rate": inp.rate,
        "carry_over": inp.carry_over,
        "coverage_from_year": inp.coverage_from,
        "solver": jsonable(inp.plan.problem.solver),
        "time_limit": inp.plan.problem.time_limit,
        "mip_gap": inp.plan.problem.mip_gap,
        "constraints": [
            {**g.typed().to_dict(), "period": g.period_label or None} for g in p.groups
        ],
    }


@dataclass(frozen=True, eq=False)
class RoadmapResult(Result):
    """A multi-year alliance roadmap (docs/method.md §12) and what is needed to re-solve it.

    Attributes
    ----------
    starts : DataFrame
        Indexed by ``partner_id``: ``name``, ``selected``, ``plan`` (in words), ``start`` and
        ``scale_start`` (period labels, "" if none), ``start_index``/``scale_index`` (periods
        from 0, −1 if none), ``value`` (its discounted contribution to the reported objective),
        ``screened`` (why it was removed before the optimisation).
    schedule : DataFrame
        One row per partner, stage and period it runs: ``partner_id``, ``name``, ``stage``,
        ``period``, ``period_index``, ``one_off`` [money], ``annual`` [money per period],
        ``fte`` [FTE].
    usage : DataFrame
        One row per constraint group and period: ``key``, ``constraint`` (the plan's key),
        ``period``, ``period_index``, ``label``, ``used``, ``cap``, ``slack``, ``sense``,
        ``unit``, ``binding``.
    exits : DataFrame
        Indexed by ``alliance_id``: ``name``, ``plan`` (kept / exit by review / planned exit /
        exited by the roadmap / free, kept), ``exit`` (period label or ""), ``exit_index``,
        ``exit_cost`` [money].
    objective_value : float
        Σ discounted E[NPV] [money] (Σ discounted score for ``objective="score"``) of the
        partners' stages started, discounted to the roadmap's start.
    status, mip_gap, solver, solve_time
        As for ``PortfolioResult``; a time-limited roadmap is never called optimal.
    binding : tuple of str
        Keys (``limit[cost_annual]@2027``) of the groups with (near) zero slack.
    """

    starts: pd.DataFrame
    schedule: pd.DataFrame
    usage: pd.DataFrame
    exits: pd.DataFrame
    periods: tuple[str, ...]
    objective_value: float
    objective_name: str
    model_objective: float
    status: SolveStatus
    mip_gap: float
    solver: Solver
    solve_time: float
    binding: tuple[str, ...]
    screened: Mapping[str, str]
    problem: RoadmapProblem = field(metadata={"to_json": problem_summary})
    values: np.ndarray = field(default_factory=lambda: np.zeros(0), metadata={"json": False})
    notes: tuple[str, ...] = ()
    money_label: str = ""

    title = "Alliance roadmap"

    @property
    def selected(self) -> list[str]:
        """Partners the roadmap starts (any stage), in candidate order."""
        return list(self.starts.index[self.starts["selected"]])

    @property
    def binding_constraints(self) -> tuple[YearConstraint, ...]:
        """The binding groups, typed (constraint, period, bound)."""
        by_key = self.problem.by_key
        return tuple(self.problem.groups[by_key[k]] for k in self.binding)

    def to_frame(self) -> pd.DataFrame:
        """One row per candidate: selected, plan in words, start and scale-up periods."""
        return self.starts

    def spend_frame(self) -> pd.DataFrame:
        """Budgets and capacity per period: used, cap, slack (rows of ``usage`` for limits)."""
        u = self.usage
        return u[u["kind"] == "limit"].reset_index(drop=True)

    def summary(self) -> str:
        """Status, value, starts by period, exits and binding limits by period."""
        gap = f", gap {self.mip_gap:.2%}" if self.status is SolveStatus.TIME_LIMIT else ""
        unit = f" {self.money_label or ('points' if self.objective_name == 'score' else '')}"
        chosen = self.starts[self.starts["selected"]]
        lines = [
            f"{self.status.value}{gap} ({self.solver}, {self.solve_time:.2f} s): "
            f"{len(chosen)} partner(s) over {len(self.periods)} period(s) "
            f"({self.periods[0]}–{self.periods[-1]}), {self.objective_name} "
            f"{self.objective_value:,.2f}{unit.rstrip()} (discounted)",
        ]
        for label in self.periods:
            here = chosen[(chosen["start"] == label) | (chosen["scale_start"] == label)]
            if len(here):
                words = [
                    f"{i} ({'scale-up' if row['scale_start'] == label else row['plan_stage']})"
                    for i, row in here.iterrows()
                ]
                lines.append(f"{label}: start " + ", ".join(words))
        gone = self.exits[self.exits["exit"] != ""]
        if len(gone):
            lines.append("exits: " + ", ".join(f"{a} in {r['exit']}" for a, r in gone.iterrows()))
        if self.binding:
            lines.append("binding: " + binding_words(self.binding_constraints, self.periods))
        if self.screened:
            lines.append("screened out: " + ", ".join(sorted(self.screened)))
        lines.extend(self.notes)
        return "\n".join(lines)

    def html_tables(self) -> list[tuple[str, str]]:
        """Who starts when, spend and capacity per period against limits, existing alliances."""
        unit = f" [{self.money_label}]" if self.money_label else ""
        value = f"discounted value{unit}"
        starts = self.starts[["name", "plan", "value", "screened"]].rename(
            columns={"value": value, "screened": "screened out because"}
        )
        spend = self.spend_frame()[["label", "period", "used", "cap", "slack", "unit", "binding"]]
        spend = spend.rename(columns={"label": "limit", "cap": "limit value", "slack": "room left"})
        exits = self.exits[["name", "plan", "exit", "exit_cost"]].rename(
            columns={"exit": "exit in", "exit_cost": f"exit cost{unit}"}
        )
        money = {value: ",.1f", f"exit cost{unit}": ",.1f"}
        amounts = dict.fromkeys(("used", "limit value", "room left"), ",.2f")
        return [
            ("Roadmap: who starts when", html_table(starts, formats=money)),
            (
                "Spend and capacity per period against limits",
                html_table(spend, index=False, formats=amounts),
            ),
            ("Existing alliances", html_table(exits, formats=money)),
        ]

    def why_not(self, partner: str) -> str:
        """Why ``partner`` is not in the roadmap (or why it is), in words (re-solves)."""
        from alliancekit.roadmap.explain import why_not

        return why_not(self, partner)

    def alternatives_source(self) -> Any:
        """This roadmap as a source of near-optimal alternatives and limit values
        (``alternative_portfolios``, ``limit_values``)."""
        from alliancekit.roadmap.source import RoadmapSource

        return RoadmapSource(self)


def binding_words(groups: tuple[YearConstraint, ...], periods: tuple[str, ...]) -> str:
    """Binding groups by label with their periods: "Management capacity (2026–2027, 2029)"."""
    by_label: dict[str, list[str]] = {}
    for g in groups:
        by_label.setdefault(g.constraint.label, []).append(g.period_label)
    parts = []
    for label, when in by_label.items():
        shown = [w for w in when if w]
        parts.append(f"{label} ({period_ranges(shown, periods)})" if shown else label)
    return "; ".join(parts)


# -- reading a solution -------------------------------------------------------------------------
def from_solution(
    p: RoadmapProblem,
    values: np.ndarray,
    *,
    status: SolveStatus,
    gap: float,
    seconds: float,
) -> RoadmapResult:
    """The result people read from the variable ``values`` of a solve."""
    inp = p.inputs
    plan = inp.plan
    on = values > 0.5
    starts = _starts(p, on)
    used, cap = p.measure(values)
    usage = _usage(p, used, cap)
    binding = tuple(usage.loc[usage["binding"], "key"])
    objective = plan.reported_name
    return RoadmapResult(
        starts=starts,
        schedule=_schedule(p, on),
        usage=usage,
        exits=_exits(p, on),
        periods=inp.calendar.labels,
        objective_value=p.reported_at(np.where(on, 1.0, 0.0)),
        objective_name=objective,
        model_objective=p.objective_at(values),
        status=status,
        mip_gap=float(gap) if math.isfinite(gap) else math.nan,
        solver=plan.problem.solver,
        solve_time=seconds,
        binding=binding,
        screened=MappingProxyType({i: "; ".join(r) for i, r in inp.screened.items()}),
        problem=p,
        values=np.asarray(values, dtype=float),
        notes=_notes(p),
        money_label=plan.money_label if objective == "expected_npv" else "",
    )


def _notes(p: RoadmapProblem) -> tuple[str, ...]:
    inp = p.inputs
    out = list(inp.plan.notes)
    if inp.fixed:
        out.append("fixed starts: every partner starts in the first period or not at all")
    late = [e for e in inp.existing if e.exit is not None and e.exit >= inp.calendar.periods]
    for e in late:
        out.append(
            f"{e.alliance_id} ({e.why}) can only leave after the roadmap ends (notice period): "
            "it runs, costs and covers throughout"
        )
    return tuple(out)


def _starts(p: RoadmapProblem, on: np.ndarray) -> pd.DataFrame:
    """One row per candidate (screened ones too): its plan in words and its start periods."""
    inp, cal = p.inputs, p.inputs.calendar
    ids = [i for i in inp.plan.problem.ids if i not in set(inp.plan.free)]
    rows = {
        i: {
            "name": inp.names.get(i, i),
            "selected": False,
            "plan": "not started",
            "plan_stage": "",
            "start": "",
            "scale_start": "",
            "start_index": -1,
            "scale_index": -1,
            "value": 0.0,
            "screened": "; ".join(inp.screened.get(i, ())),
        }
        for i in ids
    }
    for v in np.flatnonzero(on & (p.var_kind == "start")):
        s = inp.stages[p.var_stage[v]]
        row, t = rows[s.partner], int(p.var_period[v])
        row["value"] += float(p.reported[v])
        if s.kind is StageKind.SCALE:
            row["scale_start"], row["scale_index"] = cal.label(t), t
            continue
        row["selected"] = True
        row["start"], row["start_index"] = cal.label(t), t
        row["plan_stage"] = "pilot" if s.kind is StageKind.PILOT else "full"
    for row in rows.values():
        if row["scale_start"]:
            row["plan"] = f"pilot from {row['start']}, scale-up from {row['scale_start']}"
        elif row["plan_stage"] == "pilot":
            row["plan"] = f"pilot from {row['start']} (no scale-up within the roadmap)"
        elif row["selected"]:
            row["plan"] = f"start in {row['start']}"
        elif row["screened"]:
            row["plan"] = "screened out"
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "partner_id"
    return frame


def _schedule(p: RoadmapProblem, on: np.ndarray) -> pd.DataFrame:
    """One row per started stage and period it runs within the roadmap."""
    inp, cal = p.inputs, p.inputs.calendar
    rows = []
    for v in np.flatnonzero(on & (p.var_kind == "start")):
        s = inp.stages[p.var_stage[v]]
        t0 = int(p.var_period[v])
        for k in range(min(s.life, cal.periods - t0)):
            rows.append(
                {
                    "partner_id": s.partner,
                    "name": s.name,
                    "stage": s.kind.value,
                    "period": cal.label(t0 + k),
                    "period_index": t0 + k,
                    "one_off": s.one_off if k == 0 else 0.0,
                    "annual": s.annual * cal.fraction * s.cost_share(k, cal),
                    "fte": s.fte,
                }
            )
    columns = ["partner_id", "name", "stage", "period", "period_index", "one_off", "annual", "fte"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["period_index", "partner_id"], kind="stable").reset_index(drop=True)


def _usage(p: RoadmapProblem, used: np.ndarray, cap: np.ndarray) -> pd.DataFrame:
    """Every measured group in every period: used, cap, slack and whether it binds."""
    rows = []
    for k, g in enumerate(p.groups):
        if g.kind not in MEASURED:
            continue
        slack = g.sense.slack(float(used[k]), float(cap[k]))
        rows.append(
            {
                "key": g.key,
                "constraint": g.constraint.key,
                "kind": g.kind.value,
                "period": g.period_label or "whole roadmap",
                "period_index": -1 if g.period is None else g.period,
                "label": g.constraint.label,
                "used": float(used[k]),
                "cap": float(cap[k]),
                "slack": slack,
                "sense": g.sense.value,
                "unit": g.unit,
                "binding": abs(slack) <= _TOL * max(1.0, abs(float(cap[k]))),
            }
        )
    columns = [
        "key", "constraint", "kind", "period", "period_index", "label",
        "used", "cap", "slack", "sense", "unit", "binding",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _exits(p: RoadmapProblem, on: np.ndarray) -> pd.DataFrame:
    """One row per existing alliance that is not closed: its plan and exit period."""
    cal = p.inputs.calendar
    chosen = {
        str(p.var_item[v]): int(p.var_period[v])
        for v in np.flatnonzero(on & (p.var_kind == "exit"))
    }
    rows = {}
    for e in p.inputs.existing:
        at = chosen.get(e.alliance_id, e.exit)
        inside = at is not None and at < cal.periods
        if e.free:
            plan = "exited by the roadmap" if inside else "kept (free to exit)"
        else:
            plan = e.why if inside or e.exit is None else f"{e.why} after the roadmap"
        rows[e.alliance_id] = {
            "name": e.name,
            "plan": plan,
            "exit": cal.label(at) if inside else "",
            "exit_index": at if inside else -1,
            "exit_cost": e.exit_cost if inside else 0.0,
        }
    frame = pd.DataFrame.from_dict(
        rows, orient="index", columns=["name", "plan", "exit", "exit_index", "exit_cost"]
    )
    frame.index.name = "alliance_id"
    return frame
