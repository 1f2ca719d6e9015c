"""``compare_scenarios``: two to four scenarios side by side, and what changes between them.

Each scenario is run alone by ``run_scenario`` (nothing is shared between runs but the
workspace), then summarised from its result objects: the selection, the objective, the totals
against limits (with their labels), the capability-gap coverage and the scores; and compared with
the first (the baseline): partners in and out, the changes in cost, value, risk and coverage, and
the why-in / why-out thresholds of ``explain_selection``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError
from alliancekit.model import Workspace
from alliancekit.results import Result, html_table
from alliancekit.scenarios.model import Scenario
from alliancekit.scenarios.run import ScenarioRun, run_scenario

__all__ = ["ScenarioComparison", "compare_scenarios", "run_figures"]

#: Most scenarios compared at once (a screen shows four side by side).
MAX_COMPARED = 4
_THRESHOLD_COLUMNS = (
    "status",
    "reason",
    "exit_threshold",
    "value_rise_to_enter",
    "cost_cut_to_enter",
)


def _coverage(run: ScenarioRun) -> pd.Series:
    """Coverage of each capability gap by the plan [share of the required level, 0–1]."""
    ws, plan = run.workspace, run.plan
    gaps = ws.organization.capability_gaps
    if plan is None:
        return pd.Series(np.nan, index=[g.gap_id for g in gaps], dtype=float)
    level = ws.coverage_frame().loc[list(plan.selected)].sum()
    kept = [a for a in plan.kept if a in ws.alliance_ids]
    if kept:
        level = level.add(ws.alliance_coverage_frame().loc[kept].sum(), fill_value=0.0)
    out = {}
    for g in gaps:
        need = g.required
        have = float(level.get(g.gap_id, 0.0))
        out[g.gap_id] = min(1.0, have / need) if need > 0 else 1.0
    return pd.Series(out, dtype=float)


def run_figures(run: ScenarioRun) -> dict[str, object]:
    """The figures of one run a comparison shows (units in the keys' documentation:
    costs [money] and [money/yr], value E[NPV] [money], risk R [0–1], coverage [0–1])."""
    ws, plan = run.workspace, run.plan
    gaps = ws.organization.capability_gaps
    cov = _coverage(run)
    importance = pd.Series({g.gap_id: g.importance for g in gaps}, dtype=float)
    base = {"scenario": run.name, "description": run.scenario.description}
    if plan is None:
        return {**base, "feasible": False, "note": run.infeasible}
    frame = ws.candidates_frame().loc[list(plan.selected)]
    risk = plan.details["R"] if plan.details is not None else pd.Series(dtype=float)
    e_npv = plan.details["e_npv"] if plan.details is not None else pd.Series(dtype=float)
    chosen = list(plan.selected)
    return {
        **base,
        "feasible": True,
        "note": "",
        "partners": ", ".join(str(ws.candidate(i).name) for i in chosen) or "none",
        "n_selected": len(chosen),
        "objective_name": plan.objective_name,
        "objective": float(plan.objective_value),
        "cost_one_off": float(frame["cost_one_off"].sum()),
        "cost_annual": float(frame["cost_annual"].sum()),
        "value_e_npv": float(e_npv.reindex(chosen).sum()),
        "mean_risk": float(risk.reindex(chosen).mean()) if chosen else float("nan"),
        "coverage": float((cov * importance).sum() / importance.sum()) if gaps else 1.0,
        "gaps_covered": int((cov >= 1.0 - 1e-9).sum()),
        "gaps": len(gaps),
    }


@dataclass(frozen=True, eq=False)
class ScenarioComparison(Result):
    """Scenarios side by side; the first is the baseline the others are compared with.

    Attributes
    ----------
    names : tuple of str
    overview : DataFrame
        By scenario: ``partners``, ``n_selected``, ``objective`` (``objective_name``),
        ``cost_one_off`` [money], ``cost_annual`` [money/yr], ``value_e_npv`` Σ E[NPV]
        [money], ``mean_risk`` mean R [0–1], ``coverage`` importance-weighted share of the
        required gap coverage [0–1], ``gaps_covered`` (of ``gaps``), ``feasible``, ``note``.
    selection : DataFrame
        Partner (index ``partner_id``; ``name``) × scenario: selected (bool).
    totals : DataFrame
        One row per scenario and constraint group: ``scenario``, ``key``, ``label`` (the group
        in words), ``kind`` (its ``ConstraintKind``), ``unit`` (money for budgets, "" else),
        ``used``, ``cap``, ``slack``, ``binding``.
    coverage : DataFrame
        Gap (index ``gap_id``; ``name``) × scenario: coverage [share of required, 0–1].
    scores : DataFrame
        Partner × scenario: score (weighted sum 0–100, TOPSIS 0–1, PROMETHEE −1..1).
    differences : DataFrame
        By scenario after the first: ``partners_in``, ``partners_out`` (names), and the change
        from the baseline in cost (one-off [money], annual [money/yr]), value [money], mean risk
        [0–1], coverage [0–1] and objective.
    thresholds : DataFrame
        By scenario and partner: ``status``, ``reason``, ``exit_threshold``,
        ``value_rise_to_enter`` [objective units], ``cost_cut_to_enter`` [0–1].
    money_label : str
    runs : tuple of ScenarioRun
        The runs themselves (not in ``to_dict``).
    """

    names: tuple[str, ...]
    overview: pd.DataFrame
    selection: pd.DataFrame
    totals: pd.DataFrame
    coverage: pd.DataFrame
    scores: pd.DataFrame
    differences: pd.DataFrame
    thresholds: pd.DataFrame
    money_label: str = ""
    runs: tuple[ScenarioRun, ...] = field(default=(), metadata={"json": False})

    title = "Scenario comparison"

    def to_frame(self) -> pd.DataFrame:
        """The overview, one row per scenario."""
        return self.overview

    def summary(self) -> str:
        """One line per scenario, then what changes against the baseline."""
        unit = f" {self.money_label}" if self.money_label else ""
        lines = []
        for name, row in self.overview.iterrows():
            if not row["feasible"]:
                lines.append(f"{name}: infeasible ({row['note']})")
                continue
            lines.append(
                f"{name}: {row['partners']}; annual cost {row['cost_annual']:,.1f}{unit}/yr, "
                f"value {row['value_e_npv']:,.1f}{unit}, mean risk {row['mean_risk']:.2f}, "
                f"coverage {row['coverage']:.0%}"
            )
        for name, row in self.differences.iterrows():
            if row["note"]:
                lines.append(f"{name} vs {row['baseline']}: {row['note']}")
                continue
            lines.append(
                f"{name} vs {row['baseline']}: in {row['partners_in'] or 'none'}; "
                f"out {row['partners_out'] or 'none'}"
            )
        return "\n".join(lines)

    def totals_table(self) -> pd.DataFrame:
        """The totals against limits in words: scenario, limit (with its unit), used, limit
        value, slack, binding ("yes"/"no"); no internal keys."""
        t = self.totals
        if t.empty:
            return pd.DataFrame(columns=list(_TOTALS_COLUMNS))
        limit = [f"{r.label} [{r.unit}]" if r.unit else r.label for r in t.itertuples()]
        binding = ["yes" if b else "no" for b in t["binding"]]
        values = (t["scenario"], limit, t["used"], t["cap"], t["slack"], binding)
        return pd.DataFrame(dict(zip(_TOTALS_COLUMNS, values, strict=True)))

    def html_tables(self) -> list[tuple[str, str]]:
        """Overview, differences, selection, totals against limits, coverage, thresholds."""
        return [
            ("Scenarios", html_table(self.overview)),
            ("Differences from the first scenario", html_table(self.differences)),
            ("Partners selected", html_table(self.selection)),
            ("Totals against limits", html_table(self.totals_table(), index=False)),
            ("Capability-gap coverage [share of required]", html_table(self.coverage)),
            ("Why in / why out", html_table(self.thresholds)),
        ]


#: The columns of ``ScenarioComparison.totals_table`` (the workbook's too).
_TOTALS_COLUMNS = ("Scenario", "Limit", "Used", "Limit value", "Slack", "Binding")

#: Figures whose change from the baseline ``differences`` shows.
_CHANGED = ("cost_one_off", "cost_annual", "value_e_npv", "mean_risk", "coverage", "objective")


def _differences(overview: pd.DataFrame, selection: pd.DataFrame) -> pd.DataFrame:
    """Each scenario after the first against the first."""
    names = list(overview.index)
    rows = []
    base = names[0]
    for name in names[1:]:
        a, b = overview.loc[base], overview.loc[name]
        was, now = selection[base], selection[name]
        both = bool(a["feasible"] and b["feasible"])
        row = {
            "scenario": name,
            "baseline": base,
            "partners_in": ", ".join(selection.loc[now & ~was, "name"]) if both else "",
            "partners_out": ", ".join(selection.loc[was & ~now, "name"]) if both else "",
            "note": "" if both else "no feasible portfolio in one of the two",
        }
        same = both and a["objective_name"] == b["objective_name"]  # else not comparable
        for col in _CHANGED:
            ok = same if col == "objective" else both
            row[f"change_{col}"] = float(b[col]) - float(a[col]) if ok else float("nan")
        rows.append(row)
    columns = ["scenario", "baseline", "partners_in", "partners_out", "note"]
    columns += [f"change_{c}" for c in _CHANGED]
    return pd.DataFrame(rows, columns=columns).set_index("scenario")


def compare_scenarios(
    ws: Workspace | str | os.PathLike[str],
    names_or_scenarios: Sequence[Scenario | str | None],
    *,
    thresholds: bool = True,
) -> ScenarioComparison:
    """Run two to four scenarios and put them side by side (the first is the baseline).

    Parameters
    ----------
    ws : Workspace, path or sample name
    names_or_scenarios : sequence
        Saved names, ``Scenario`` objects, or None / ``"base"`` for the workspace's own settings.
    thresholds : bool
        Re-solve for the why-in / why-out thresholds (``explain_selection``); reasons only when
        False (faster: one MILP per scenario).

    Returns
    -------
    ScenarioComparison

    Raises
    ------
    DataValidationError
        Fewer than two or more than four scenarios, or two with one name.
    """
    from alliancekit.workspace import load_workspace

    items = list(names_or_scenarios)
    if not 2 <= len(items) <= MAX_COMPARED:
        raise DataValidationError.single(
            f"compare 2 to {MAX_COMPARED} scenarios, got {len(items)}", column="scenarios"
        )
    base = ws if isinstance(ws, Workspace) else load_workspace(ws)
    from alliancekit.scenarios.run import resolve_scenario

    scenarios = [resolve_scenario(ws, s) for s in items]
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise DataValidationError.single(
            f"each scenario once: {', '.join(names)}", column="scenarios"
        )
    runs = tuple(run_scenario(base, s, thresholds=thresholds) for s in scenarios)
    return _comparison(base, runs)


def _comparison(ws: Workspace, runs: tuple[ScenarioRun, ...]) -> ScenarioComparison:
    """The comparison's tables from the runs."""
    names = tuple(r.name for r in runs)
    overview = pd.DataFrame([run_figures(r) for r in runs]).set_index("scenario")
    ids = list(dict.fromkeys(i for r in runs for i in r.workspace.candidate_ids))
    names_of = {c.id: c.name for r in runs for c in r.workspace.candidates}
    selection = pd.DataFrame(index=pd.Index(ids, name="partner_id"))
    selection["name"] = [names_of[i] for i in ids]
    for r in runs:
        chosen = set(r.plan.selected) if r.plan is not None else set()
        selection[r.name] = [i in chosen for i in ids]
    totals = []
    for r in runs:
        if r.plan is None:
            continue
        t = r.plan.totals
        constraints = {c.key: c for c in r.plan.problem.constraints}
        for key, row in t.iterrows():
            con = constraints.get(key)
            totals.append(
                {
                    "scenario": r.name,
                    "key": key,
                    "label": row["label"],
                    "kind": con.kind.value if con is not None else "",
                    "unit": con.unit if con is not None else "",
                    "used": float(row["used"]),
                    "cap": float(row["cap"]),
                    "slack": float(row["slack"]),
                    "binding": key in r.plan.binding,
                }
            )
    gaps = ws.organization.capability_gaps
    coverage = pd.DataFrame(index=pd.Index([g.gap_id for g in gaps], name="gap_id"))
    coverage["name"] = [g.name for g in gaps]
    for r in runs:
        coverage[r.name] = _coverage(r).reindex(coverage.index)
    scores = pd.DataFrame({r.name: r.scores.scores for r in runs}).reindex(ids)
    scores.index.name = "partner_id"
    why = []
    for r in runs:
        if r.explanation is None:
            continue
        cols = [c for c in _THRESHOLD_COLUMNS if c in r.explanation.columns]
        part = r.explanation[cols].copy()
        part.insert(0, "scenario", r.name)
        why.append(part.reset_index())
    thresholds = pd.concat(why, ignore_index=True) if why else pd.DataFrame()
    return ScenarioComparison(
        names=names,
        overview=overview,
        selection=selection,
        totals=pd.DataFrame(totals),
        coverage=coverage,
        scores=scores,
        differences=_differences(overview, selection),
        thresholds=thresholds,
        money_label=ws.organization.money_label,
        runs=runs,
    )
