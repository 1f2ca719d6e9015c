"""Portfolio results: a selection, a frontier, a robustness table (``alliancekit.results.Result``).

``to_dict`` and ``_repr_html_`` come from the ``Result`` mixin, driven by the dataclass fields;
the results here only say which tables to show and how the stored problem is summarised.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pandas as pd

from alliancekit.model import SolveStatus
from alliancekit.portfolio.constraints import Constraint
from alliancekit.portfolio.evaluate import column
from alliancekit.portfolio.problem import PortfolioProblem, Solver
from alliancekit.results import Result, html_table, jsonable

__all__ = ["CORE_SHARE", "EXTERIOR_SHARE", "FrontierResult", "PortfolioResult", "RobustnessResult"]

#: Robustness classes (sampling analogue of Liesiö, Mild & Salo 2007 robust portfolio modelling):
#: core if selected in at least CORE_SHARE of draws, exterior if in at most EXTERIOR_SHARE.
CORE_SHARE = 0.8
EXTERIOR_SHARE = 0.2


def problem_summary(p: PortfolioProblem) -> dict[str, Any]:
    """The parameters of a problem marked ``summary`` in its fields, and its constraint groups."""
    fields = [f.name for f in dataclasses.fields(p) if f.metadata.get("summary")]
    out = {name: jsonable(getattr(p, name)) for name in fields}
    out["constraints"] = [c.to_dict() for c in p.constraints]
    return out


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
        One row per constraint group, indexed by its key: ``used``, ``cap``, ``slack`` (≥ 0 when
        satisfied), ``sense`` (a ``Sense``) and ``label`` (the group in words).
    binding : tuple of str
        Keys of the constraint groups with (near) zero slack (``binding_constraints``: typed).
    mip_gap : float
        Relative gap between incumbent and bound reported by the solver [0–1].
    solver : Solver
        ``Solver.HIGHS`` ("highs") or ``Solver.CBC`` ("cbc").
    solve_time : float
        Build-and-solve wall time [s].
    screened : Mapping
        Partner id -> reason it was removed before the MILP (knockouts, per-partner caps,
        must-exclude).
    problem : PortfolioProblem
        The validated inputs (used by ``explain_selection`` and ``efficient_frontier``); stored
        in ``to_dict`` as its parameters and constraint groups.
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
    solver: Solver
    solve_time: float
    screened: Mapping[str, str]
    problem: PortfolioProblem = field(metadata={"to_json": problem_summary})
    objective_name: str = "value"
    kept: tuple[str, ...] = ()
    exited: tuple[str, ...] = ()
    details: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()
    money_label: str = ""
    grow_flags: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    title = "Portfolio selection"

    @property
    def constraints(self) -> tuple[Constraint, ...]:
        """Every constraint group of the problem (typed: kind, target, bound, label, key)."""
        return self.problem.constraints

    @property
    def binding_constraints(self) -> tuple[Constraint, ...]:
        """The binding constraint groups, typed (``binding`` holds their keys)."""
        by_key = {c.key: c for c in self.constraints}
        return tuple(by_key[k] for k in self.binding)

    def to_frame(self) -> pd.DataFrame:
        """One row per candidate: selected, objective coefficient and screening reason."""
        p = self.problem
        frame = pd.DataFrame(index=pd.Index(p.ids, name="partner_id"))
        frame["selected"] = [i in set(self.selected) for i in p.ids]
        frame[p.objective_name] = p.objective.to_numpy()
        for col in dict.fromkeys([*p.limits, *p.max_average, *p.max_each]):
            frame[col] = column(p, col)
        frame["screened"] = [self.screened.get(i, "") for i in p.ids]
        if self.details is not None:
            extra = [c for c in self.details.columns if c not in frame.columns]
            frame = frame.join(self.details[extra])
        return frame

    def summary(self) -> str:
        """Status, selection and binding constraints in a few lines."""
        gap = f", gap {self.mip_gap:.2%}" if self.status is SolveStatus.TIME_LIMIT else ""
        unit = f" {self.money_label}" if self.money_label else ""
        lines = [
            f"{self.status.value}{gap} ({self.solver}, {self.solve_time:.2f} s): "
            f"{len(self.selected)} partner(s) selected, {self.objective_name} "
            f"{self.objective_value:,.2f}{unit}",
            "selected: " + (", ".join(self.selected) or "none"),
        ]
        if self.kept or self.exited:
            kept, exited = ", ".join(self.kept) or "none", ", ".join(self.exited) or "none"
            lines.append(f"existing kept: {kept}; exited: {exited}")
        if self.binding:
            lines.append("binding: " + ", ".join(self.binding))
        if self.screened:
            lines.append("screened out: " + ", ".join(sorted(self.screened)))
        lines.extend(self.notes)
        return "\n".join(lines)

    def html_tables(self) -> list[tuple[str, str]]:
        """The totals against limits, then the candidates."""
        return [
            ("Totals against limits", html_table(self.totals)),
            ("Candidates", html_table(self.to_frame())),
        ]


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
