"""A roadmap as a ``Source`` of near-optimal alternatives and limit values.

``portfolio.alternatives`` searches on any ``Source``; this one re-solves a ``RoadmapProblem``:
rebuilt with other bounds (``assemble``), one group's row left out, the partners' start
indicators for the no-good cuts, and each group's usage row for the limit ranges.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from alliancekit.portfolio.alternatives import LimitRef
from alliancekit.portfolio.milp import Model, Outcome, build_matrix
from alliancekit.roadmap.problem import MEASURED, RATIO, RoadmapProblem, assemble
from alliancekit.roadmap.results import RoadmapResult, from_solution
from alliancekit.roadmap.solve import run, values_of

__all__ = ["RoadmapSource"]


class RoadmapSource:
    """The ``Source`` of a ``RoadmapResult`` (see ``portfolio.alternatives.Source``)."""

    def __init__(self, result: RoadmapResult) -> None:
        self.result = result
        self.p: RoadmapProblem = result.problem
        self.items = self.p.items
        self.constant = float(self.p.constant)
        self.measured = {g.key: k for k, g in enumerate(self.p.groups) if g.kind in MEASURED}
        on = (result.values > 0.5) & self.p.matrix.integer
        self.start = [int(k) for k in np.flatnonzero(on)]  # the optimum, offered as incumbent

    def model(self, bounds: Mapping[str, float] | None = None, without: str = "") -> Model:
        """The roadmap MILP with some bounds replaced: a new right-hand side for linear groups,
        a rebuild for averages and cost shares (their bound sits in the row's coefficients)."""
        bounds = dict(bounds or {})
        ratio = [k for k in bounds if self.p.groups[self.p.by_key[k]].kind in RATIO]
        q = assemble(self.p.inputs, {**self.p.bounds, **bounds}) if ratio else self.p
        rhs = {}
        if not ratio:
            for key, b in bounds.items():
                k = q.by_key[key]
                rhs[int(q.group_row[k])] = float(b) - float(q.offset[k])
        skip = {int(q.group_row[q.by_key[without]])} if without else set()
        rows = [r for r in range(q.matrix.A.shape[0]) if r not in skip]
        return build_matrix(q.matrix, rows, rhs=rhs)

    def run(self, model: Model) -> Outcome:
        return run(self.p, model, start=self.start)

    def indicator(self, model: Model, item: str) -> dict[int, float]:
        return self.p.indicator(item)

    def read(self, outcome: Outcome) -> RoadmapResult:
        values = values_of(self.p, outcome)
        return from_solution(
            self.p, values, status=outcome.status, gap=outcome.gap, seconds=outcome.seconds
        )

    def chosen(self, result: RoadmapResult) -> frozenset[str]:
        exits = result.exits
        gone = {a for a in exits.index[exits["exit"] != ""] if a in set(self.items)}
        return frozenset(result.selected) | frozenset(gone)

    def model_objective(self, result: RoadmapResult) -> float:
        return float(result.model_objective)

    def limits(self) -> list[LimitRef]:
        used = self.usage(self.result)
        out = []
        for key, k in self.measured.items():
            g = self.p.groups[k]
            label = g.constraint.label
            out.append(
                LimitRef(key, label, g.kind, g.sense, g.bound, used[key], g.unit, g.period_label)
            )
        return out

    def usage(self, result: RoadmapResult) -> Mapping[str, float]:
        u = result.usage
        return dict(zip(u["key"], u["used"].astype(float), strict=True))

    def usage_terms(self, model: Model, key: str) -> tuple[dict[int, float], float] | None:
        k = self.p.by_key[key]
        if self.p.groups[k].kind in RATIO:
            return None
        row = self.p.usage.getrow(k)
        return dict(zip(row.indices.tolist(), row.data.tolist(), strict=True)), float(
            self.p.offset[k]
        )

    def describe(self, result: RoadmapResult, best: RoadmapResult) -> list[str]:
        """Partners both roadmaps start, at other times; alliances exited at other times."""
        out = []
        a, b = result.starts, best.starts
        for pid in a.index[a["selected"] & b["selected"]]:
            for col, what in (("start", "starts"), ("scale_start", "scales up")):
                if a.loc[pid, col] != b.loc[pid, col] and a.loc[pid, col]:
                    was = b.loc[pid, col] or "never"
                    out.append(f"{what} {pid} in {a.loc[pid, col]} instead of {was}")
        ea, eb = result.exits, best.exits
        for aid in ea.index:
            if (
                ea.loc[aid, "exit"] != eb.loc[aid, "exit"]
                and ea.loc[aid, "exit"]
                and eb.loc[aid, "exit"]
            ):
                now, was = ea.loc[aid, "exit"], eb.loc[aid, "exit"]
                out.append(f"exits {aid} in {now} instead of {was}")
        return out
