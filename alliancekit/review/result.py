"""``ReviewResult``: the outcome of one periodic review, shown and saved like every result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pandas as pd

from alliancekit.model import Decision, next_period
from alliancekit.results import Result, html_table
from alliancekit.review.policy import ReviewPolicy
from alliancekit.review.rationale import fmt

__all__ = ["ReviewResult"]

#: Colour of each decision in HTML (Okabe–Ito, readable by colour-blind people).
_COLOURS = {"GROW": "#009E73", "MAINTAIN": "#0072B2", "RESTRUCTURE": "#E69F00", "EXIT": "#D55E00"}


def _cell_style(column: str, value: Any) -> str:
    if column == "decision":
        return f"color:{_COLOURS.get(str(value), '#000')};font-weight:bold"
    return "font-size:85%" if column in ("rationale", "data notes") else ""


@dataclass(frozen=True, eq=False)
class ReviewResult(Result):
    """Outcome of one periodic review (docs/method.md §1.5, §5).

    Attributes
    ----------
    table : DataFrame
        One row per reviewed alliance (index ``alliance_id``): partner_name, A_window (tuple of
        the window's A_t, oldest first, NaN where not reported), A_W, trend (b [per quarter]),
        trend_label, VRR, M, D1..D6 [0–100], H [0–100], decision (str), raw_decision (before the
        confirmation rule), rules_fired (tuple of rule ids), rationale, flags (tuple), notes
        (tuple of data-quality notes), PV_continue and exit_value [money], survey_period,
        trust_own, trust_partner [1–5], quarters_with_data, next_review.
    kpi_detail : DataFrame
        One row per (alliance_id, kpi_id, period) up to T: planned, actual, unit, direction,
        weight, attainment, status (``ok``/``not reported``/``planned 0``), in_window.
    attainment : DataFrame
        A_t per alliance (rows) and period (columns, up to T).
    period : str
        Review period T (``YYYY-Qn``).
    policy : ReviewPolicy
        The thresholds and weights used.
    decisions : Mapping
        alliance_id -> :class:`~alliancekit.model.Decision` (for ``plan_portfolio``).
    grow_flags : Mapping
        alliance_id -> tuple of flags for every GROW alliance (``budget-constrained``,
        ``grow-uncertain``); empty tuple when growth is unconstrained.
    headroom : float
        Annual budget headroom [money/yr] = budget_annual − Σ cost_annual of kept alliances.
    money_label : str
        Money unit of the workspace, e.g. ``PKR lakh``.
    workspace : str
        Workspace name.
    """

    table: pd.DataFrame
    kpi_detail: pd.DataFrame
    attainment: pd.DataFrame
    period: str
    policy: ReviewPolicy
    decisions: Mapping[str, Decision] = field(default_factory=dict)
    grow_flags: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    headroom: float = float("nan")
    money_label: str = ""
    workspace: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "decisions", MappingProxyType(dict(self.decisions)))
        object.__setattr__(self, "grow_flags", MappingProxyType(dict(self.grow_flags)))

    def to_frame(self) -> pd.DataFrame:
        """The per-alliance table (a copy)."""
        return self.table.copy()

    @property
    def title(self) -> str:  # type: ignore[override]
        """``Alliance review YYYY-Qn`` (the heading of the HTML rendering)."""
        return f"Alliance review {self.period}"

    @property
    def next_review(self) -> str:
        """The quarter after the review period (when to review again)."""
        return next_period(self.period)

    def counts(self) -> dict[str, int]:
        """Number of alliances per decision, GROW first."""
        values = list(self.table["decision"]) if len(self.table) else []
        return {d.value: values.count(d.value) for d in reversed(Decision)}

    def summary(self) -> str:
        """Headline and one line per alliance."""
        counts = ", ".join(f"{k} {v}" for k, v in self.counts().items() if v)
        name = f" of {self.workspace}" if self.workspace else ""
        lines = [f"Review {self.period}{name}: {len(self.table)} alliance(s); {counts or 'none'}"]
        for aid, row in self.table.iterrows():
            rules = ",".join(row["rules_fired"]) or "-"
            flags = f" [{', '.join(row['flags'])}]" if row["flags"] else ""
            lines.append(
                f"  {aid}: {row['decision']} (A_W {fmt(row['A_W'], '.0%')}, "
                f"b {fmt(row['trend'], '+.3f')}, H {fmt(row['H'], '.1f')}; rules {rules})"
                f"{flags}"
            )
        return "\n".join(lines)

    def perception_gap(self) -> pd.DataFrame:
        """Own vs partner trust [1–5] per alliance (columns own, partner, gap = |own − partner|).

        The input of ``charts.perception_gap`` (docs/method.md §5.2 D3, §5.7 item 4).
        """
        own = self.table["trust_own"].astype(float)
        partner = self.table["trust_partner"].astype(float)
        return pd.DataFrame({"own": own, "partner": partner, "gap": (own - partner).abs()})

    def display_table(self) -> pd.DataFrame:
        """Compact, rounded table for people (what the CLI and reports print)."""
        t = self.table
        out = pd.DataFrame(index=t.index)
        out["partner"] = t["partner_name"]
        out["A_W %"] = (t["A_W"] * 100).round(1)
        out["trend /qtr"] = t["trend"].round(3)
        out["H /100"] = t["H"].round(1)
        out["decision"] = t["decision"]
        out["rules"] = [",".join(r) or "-" for r in t["rules_fired"]]
        out["flags"] = [",".join(f) for f in t["flags"]]
        return out

    def html_summary_lines(self) -> list[str]:
        """The headline of ``summary()`` (the table shows one row per alliance)."""
        return self.summary().splitlines()[:1]

    def html_tables(self) -> list[tuple[str, str]]:
        """One table: alliance, partner, A_W, trend, H, decision (coloured), rules, rationale and
        the data notes."""
        t = self.table
        frame = pd.DataFrame(
            {
                "partner": t["partner_name"],
                "A_W": t["A_W"],
                "trend": t["trend"],
                "H": t["H"],
                "decision": t["decision"],
                "rules": [",".join(r) or "-" for r in t["rules_fired"]],
                "rationale": t["rationale"],
                "data notes": ["; ".join(n) for n in t["notes"]],
            },
            index=t.index.rename("alliance"),
        )
        formats = {
            "A_W": lambda x: fmt(x, ".0%", "–"),
            "trend": lambda x: fmt(x, "+.3f", "–"),
            "H": lambda x: fmt(x, ".1f", "–"),
        }
        return [("", html_table(frame, formats=formats, cell_style=_cell_style))]

    def compare(self, previous: ReviewResult) -> pd.DataFrame:
        """Compare with an earlier review, one row per alliance in either review.

        Columns: decision_previous, decision, changed (bool), direction (``better``/``worse``/
        ``same``/``new``/``dropped``), H_previous, H, H_delta, A_W_previous, A_W, A_W_delta.
        """
        cur = self.table
        prev = previous.table
        ids = list(cur.index) + [i for i in prev.index if i not in cur.index]
        out = pd.DataFrame(index=pd.Index(ids, name="alliance_id"))
        out["period_previous"] = previous.period
        out["period"] = self.period
        out["decision_previous"] = prev["decision"].reindex(ids)
        out["decision"] = cur["decision"].reindex(ids)
        directions = []
        for aid in ids:
            a, b = out.loc[aid, "decision_previous"], out.loc[aid, "decision"]
            if not isinstance(a, str):
                directions.append("new")
            elif not isinstance(b, str):
                directions.append("dropped")
            else:
                ra, rb = Decision(a).rank, Decision(b).rank
                directions.append("same" if ra == rb else ("better" if rb > ra else "worse"))
        out["changed"] = [d != "same" for d in directions]
        out["direction"] = directions
        for col in ("H", "A_W", "trend"):
            p = prev[col].reindex(ids).astype(float)
            c = cur[col].reindex(ids).astype(float)
            out[f"{col}_previous"] = p
            out[col] = c
            out[f"{col}_delta"] = c - p
        return out
