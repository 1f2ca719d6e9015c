"""``export_xlsx``: the results of a scenario (or a comparison) as a formatted Excel workbook.

Sheets: *Settings and assumptions*, *Ranked partners* (with the criteria), *Portfolio* (the
selection and its totals against limits), *Review decisions*, and *Scenario comparison* when a
comparison is given. Every number comes from the result objects of ``run_scenario`` (or the
comparison's runs); headers carry units; text that a spreadsheet would run as a formula is
written as text (``workspace.cells.csv_text``, the CSV guard); the header rows are frozen.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from alliancekit.model import Workspace
from alliancekit.scenarios import (
    Scenario,
    ScenarioComparison,
    ScenarioRun,
    run_scenario,
)
from alliancekit.workspace.cells import csv_text

__all__ = ["Table", "export_xlsx", "workbook_tables"]

_MONEY = "#,##0.00"
#: The objectives in words (docs/method.md §4).
_OBJECTIVES = {
    "expected_npv": "risk-adjusted value (sum of E[NPV])",
    "score": "total score",
    "blend": "blend of value and score",
    "mean_cvar": "value minus a tail-loss penalty (CVaR)",
    "coverage": "value plus a reward for closing capability gaps",
}
_SHARE = "0.00"
_INT = "0"


@dataclass(frozen=True)
class Table:
    """One block of a sheet: a title, headers with units, rows, and a number format per column."""

    title: str
    header: list[str]
    rows: list[list[Any]]
    formats: list[str | None]


def _settings(run: ScenarioRun) -> Table:
    """Every setting the results rest on, one per row, with its unit."""
    ws, s, st = run.workspace, run.scenario, run.settings
    org = ws.organization
    money = org.money_label
    plan = st.plan
    caps = org.caps()

    def given(value: Any, default: Any) -> Any:
        return default if value is None else value

    rows: list[list[Any]] = [
        ["Organization", org.name, ""],
        ["Workspace", ws.name, ""],
        ["Scenario", s.name, ""],
        ["Scenario description", s.description, ""],
        ["Generated", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), ""],
        ["Scoring method", st.method.replace("_", " "), ""],
        ["Objective", _OBJECTIVES.get(str(plan.objective.value), str(plan.objective.value)), ""],
        ["Annual budget", given(plan.budget_annual, org.budget_annual), f"{money}/yr"],
        ["One-off budget", given(plan.budget_one_off, org.budget_one_off), money],
        ["Risk appetite", str(given(plan.risk_appetite, org.risk_appetite.value)), ""],
        ["Fewest new alliances", given(plan.min_count, org.min_alliances), "count"],
        ["Most new alliances", given(plan.max_count, org.max_alliances), "count"],
        ["Must include", ", ".join(plan.must_include) or "none", "partner ids"],
        ["Must exclude", ", ".join(plan.must_exclude) or "none", "partner ids"],
        ["Review period", run.review.period if run.review is not None else s.period, "quarter"],
        ["Average risk cap (organization)", caps.avg_total, "R 0–1"],
        ["Per-partner risk cap (organization)", caps.max_total_per_partner, "R 0–1"],
        ["Per-partner relational risk cap", caps.max_relational_per_partner, "R_rel 0–1"],
    ]
    for code, w in run.scores.weights.items():
        rows.append([f"Weight {code} {_criterion_name(code)}", float(w), "0–1"])
    for key, value in s.review_policy.items():
        rows.append([f"Review policy {key}", value, ""])
    for key, value in s.organization.items():
        rows.append([f"Override organization {key}", value, ""])
    for cid, cols in s.candidates.items():
        for col, value in cols.items():
            rows.append([f"Override candidate {cid} {col}", value, ""])
    return Table("Settings and assumptions", ["Setting", "Value", "Unit"], rows, [None, None, None])


def _criterion_name(code: str) -> str:
    from alliancekit.criteria import CRITERIA

    c = CRITERIA.get(code)
    return c.name if c is not None else ""


def _ranked(run: ScenarioRun) -> Table:
    """Candidates in rank order with score, risk, value, costs, knockouts and each criterion."""
    ws, sc = run.workspace, run.scores
    money = ws.organization.money_label
    frame = ws.candidates_frame()
    chosen = set(run.plan.selected) if run.plan is not None else set()
    scale = {"weighted_sum": "0–100", "topsis": "0–1"}.get(str(sc.method.value), "−1..1")
    codes = list(sc.normalized.columns)
    header = [
        "Rank",
        "Partner",
        "Id",
        f"Score [{scale}]",
        "Selected",
        "Risk R [0–1]",
        "Failure probability [0–1]",
        f"E[NPV] [{money}]",
        f"One-off cost [{money}]",
        f"Annual cost [{money}/yr]",
        "Knockouts",
    ]
    header += [f"{c} {_criterion_name(c)} [0–1]" for c in codes]
    formats = [_INT, None, None, _SHARE, None, _SHARE, _SHARE, _MONEY, _MONEY, _MONEY, None]
    formats += [_SHARE] * len(codes)
    rows = []
    for pid in sc.ranks.sort_values(kind="stable").index:
        d = sc.details.loc[pid]
        rows.append(
            [
                int(sc.ranks[pid]),
                str(frame.loc[pid, "name"]),
                str(pid),
                float(sc.scores[pid]),
                "yes" if pid in chosen else "no",
                float(d["R"]),
                float(d["p_fail"]),
                float(d["e_npv"]),
                float(frame.loc[pid, "cost_one_off"]),
                float(frame.loc[pid, "cost_annual"]),
                "; ".join(sc.knockouts.get(pid, ())) or "",
            ]
            + [float(sc.normalized.loc[pid, c]) for c in codes]
        )
    return Table("Ranked partners", header, rows, formats)


def _portfolio(run: ScenarioRun) -> list[Table]:
    """The selected partners, then the totals against limits."""
    ws, plan = run.workspace, run.plan
    money = ws.organization.money_label
    if plan is None:
        return [Table("Portfolio", ["No feasible portfolio"], [[run.infeasible]], [None])]
    frame = ws.candidates_frame()
    header = [
        "Partner",
        "Id",
        f"One-off cost [{money}]",
        f"Annual cost [{money}/yr]",
        f"E[NPV] [{money}]",
        "Risk R [0–1]",
    ]
    rows = [
        [
            str(frame.loc[i, "name"]),
            i,
            float(frame.loc[i, "cost_one_off"]),
            float(frame.loc[i, "cost_annual"]),
            float(plan.details.loc[i, "e_npv"]),
            float(plan.details.loc[i, "R"]),
        ]
        for i in plan.selected
    ]
    unit = f" [{money}]" if plan.money_label else ""
    rows.append(
        [
            "Total",
            "",
            sum(r[2] for r in rows),
            sum(r[3] for r in rows),
            sum(r[4] for r in rows),
            None,
        ]
    )
    what = _OBJECTIVES.get(plan.objective_name, plan.objective_name)
    rows.append([f"Objective: {what}{unit}", "", float(plan.objective_value), None, None, None])
    chosen = Table("Selected partners", header, rows, [None, None, _MONEY, _MONEY, _MONEY, _SHARE])
    t = plan.totals
    totals = Table(
        "Totals against limits (units as each limit states)",
        ["Limit", "Used", "Limit value", "Slack", "Binding"],
        [
            [
                str(r["label"]),
                float(r["used"]),
                float(r["cap"]),
                float(r["slack"]),
                "yes" if k in plan.binding else "no",
            ]
            for k, r in t.iterrows()
        ],
        [None, _MONEY, _MONEY, _MONEY, None],
    )
    out = [chosen, totals]
    if plan.kept or plan.exited:
        rows = [[a, "kept"] for a in plan.kept] + [[a, "exited"] for a in plan.exited]
        out.append(Table("Existing alliances", ["Alliance", "Plan"], rows, [None, None]))
    return out


def _review(run: ScenarioRun) -> Table:
    """The review's decisions, one row per alliance."""
    r = run.review
    if r is None:
        return Table(
            "Review decisions", ["Note"], [["no alliances with KPI data to review"]], [None]
        )
    t = r.table
    header = [
        "Alliance",
        "Partner",
        "Decision",
        "Attainment A_W [% of plan]",
        "Trend [share of plan per quarter]",
        "Health H [0–100]",
        "Rules fired",
    ]
    rows = [
        [
            str(aid),
            str(row["partner_name"]),
            str(row["decision"]),
            float(row["A_W"]) * 100,
            float(row["trend"]),
            float(row["H"]),
            ", ".join(row["rules_fired"]),
        ]
        for aid, row in t.iterrows()
    ]
    return Table(
        f"Review decisions, {r.period}",
        header,
        rows,
        [None, None, None, "0.0", "0.000", "0.0", None],
    )


def _comparison(c: ScenarioComparison) -> list[Table]:
    """Overview (one column per scenario), differences, totals against limits."""
    money = c.money_label
    labels = {
        "partners": "Partners selected",
        "n_selected": "Number selected [count]",
        "objective": "Objective value",
        "cost_one_off": f"One-off cost [{money}]",
        "cost_annual": f"Annual cost [{money}/yr]",
        "value_e_npv": f"Value Σ E[NPV] [{money}]",
        "mean_risk": "Mean risk R [0–1]",
        "coverage": "Gap coverage [0–1 of required]",
        "gaps_covered": "Gaps fully covered [count]",
        "note": "Note",
    }
    names = list(c.overview.index)
    rows = []
    formats: list[str | None] = [None] + [_MONEY] * len(names)
    for key, label in labels.items():
        if key in c.overview.columns:
            rows.append([label, *(_value(c.overview.loc[n, key]) for n in names)])
    overview = Table("Scenarios side by side", ["Figure", *names], rows, formats)
    d = c.differences.reset_index()
    diff_labels = {
        "scenario": "Scenario",
        "baseline": "Compared with",
        "partners_in": "Partners in",
        "partners_out": "Partners out",
        "note": "Note",
        "change_cost_one_off": f"Change in one-off cost [{money}]",
        "change_cost_annual": f"Change in annual cost [{money}/yr]",
        "change_value_e_npv": f"Change in value [{money}]",
        "change_mean_risk": "Change in mean risk [0–1]",
        "change_coverage": "Change in coverage [0–1]",
        "change_objective": "Change in objective",
    }
    diff = Table(
        "Differences from the first scenario",
        [diff_labels.get(col, col) for col in d.columns],
        [[_value(v) for v in rec] for rec in d.itertuples(index=False)],
        [
            None
            if col in ("scenario", "baseline", "partners_in", "partners_out", "note")
            else _MONEY
            for col in d.columns
        ],
    )
    t = c.totals_table()
    totals = Table(
        "Totals against limits",
        list(t.columns),
        t.values.tolist(),
        [None, None, _MONEY, _MONEY, _MONEY, None],
    )
    return [overview, diff, totals]


def _value(v: Any) -> Any:
    if isinstance(v, float) and pd.isna(v):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def workbook_tables(
    ws: Workspace | str | os.PathLike[str],
    scenario: Scenario | str | None = None,
    comparison: ScenarioComparison | None = None,
    *,
    run: ScenarioRun | None = None,
) -> dict[str, list[Table]]:
    """The sheets of ``export_xlsx`` as tables (sheet name -> blocks), from one run (``run``
    if given; else the comparison's first when no scenario is named; else a new one)."""
    if run is None and comparison is not None and scenario is None:
        run = comparison.runs[0]
    if run is None:
        run = run_scenario(ws, scenario)
    sheets = {
        "Settings and assumptions": [_settings(run)],
        "Ranked partners": [_ranked(run)],
        "Portfolio": _portfolio(run),
        "Review decisions": [_review(run)],
    }
    if comparison is not None:
        sheets["Scenario comparison"] = _comparison(comparison)
    return sheets


def _cell(value: Any) -> Any:
    """Text guarded against formula injection; numbers as numbers."""
    if isinstance(value, str):
        return csv_text(value)
    return value


def _write_sheet(sheet: Any, blocks: Sequence[Table]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E8EEF4")
    widths: dict[int, int] = {}
    r = 1
    first_header = None
    for block in blocks:
        sheet.cell(row=r, column=1, value=_cell(block.title)).font = Font(bold=True, size=12)
        r += 1
        for j, h in enumerate(block.header, start=1):
            cell = sheet.cell(row=r, column=j, value=_cell(h))
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            widths[j] = max(widths.get(j, 8), min(28, len(str(h)) + 2))
        first_header = first_header or r
        r += 1
        for row in block.rows:
            for j, v in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=j, value=_cell(_value(v)))
                fmt = block.formats[j - 1] if j - 1 < len(block.formats) else None
                if fmt and isinstance(cell.value, (int, float)):
                    cell.number_format = fmt
                widths[j] = max(widths.get(j, 8), min(60, len(str(cell.value or "")) + 2))
            r += 1
        r += 1
    for j, w in widths.items():
        sheet.column_dimensions[get_column_letter(j)].width = w
    if first_header is not None:
        sheet.freeze_panes = sheet.cell(row=first_header + 1, column=1)


def export_xlsx(
    ws: Workspace | str | os.PathLike[str],
    path: str | os.PathLike[str],
    scenario: Scenario | str | None = None,
    *,
    comparison: ScenarioComparison | None = None,
) -> Path:
    """Write the results of a scenario (and a comparison) to a formatted workbook.

    Parameters
    ----------
    ws : Workspace, path or sample name
    path : path ending ``.xlsx``
        Written atomically (temporary file, then rename).
    scenario : Scenario, saved name or None
        The scenario whose results fill the sheets (None: the workspace's own settings; with
        only a ``comparison``, its first scenario).
    comparison : ScenarioComparison, optional
        Adds the sheet *Scenario comparison*.

    Returns
    -------
    Path
        The workbook written.
    """
    import openpyxl

    from alliancekit.scenarios.store import save_book

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, blocks in workbook_tables(ws, scenario, comparison).items():
        _write_sheet(book.create_sheet(name[:31]), blocks)
    return save_book(book, target)
