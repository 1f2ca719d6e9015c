"""How the alliances perform: the scorecard (§5.7 item 3) and the health dimensions (item 4)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from alliancekit.reporting.sections.base import ReportSection, escape, section, table

if TYPE_CHECKING:
    from alliancekit.model import Workspace
    from alliancekit.review import ReviewResult

__all__ = ["health_table", "scorecard"]


def scorecard(ws: Workspace, review: ReviewResult) -> ReportSection:
    """§5.7 item 3: A_W, trend, VRR, milestones per alliance, and latest KPI plan vs actual."""
    t = review.table
    card = pd.DataFrame(index=t.index)
    card["partner"] = t["partner_name"]
    card["A_W [% of plan]"] = 100 * t["A_W"].astype(float)
    card["trend b [pts/qtr]"] = 100 * t["trend"].astype(float)
    card["trend"] = t["trend_label"]
    card["VRR [% of planned benefit]"] = 100 * t["VRR"].astype(float)
    card["milestones M [0–1]"] = t["M"].astype(float)
    card["quarters with data"] = t["quarters_with_data"]
    parts = [table(card, floats=",.1f")]
    detail = review.kpi_detail.reset_index()
    latest = detail[detail["period"] == review.period]
    if len(latest):
        cols = [
            c
            for c in ("alliance_id", "kpi_id", "unit", "direction", "weight", "planned", "actual")
            if c in latest.columns
        ]
        kt = latest[cols].copy()
        kt["attainment [share of plan]"] = latest["attainment"].astype(float)
        kt["status"] = latest["status"]
        parts += [
            f"<h3>KPI plan vs actual in {escape(review.period)}</h3>",
            table(kt, index=False, floats=",.2f"),
        ]
    ms = ws.milestones
    if ms is not None and len(ms):
        mt = ms[ms["alliance_id"].isin(t.index)].copy()
        if len(mt):
            parts += ["<h3>Milestones and turning points</h3>", table(mt, index=False)]
    return section("scorecard", *parts)


def health_table(review: ReviewResult) -> ReportSection:
    """§5.7 item 4: D1–D6 and H [0–100] per alliance, own vs partner trust [1–5]."""
    from alliancekit.review import DIMENSION_NAMES

    t = review.table
    ht = pd.DataFrame(index=t.index)
    for d, name in DIMENSION_NAMES.items():
        ht[f"{d} {name}"] = t[d].astype(float)
    ht["H health"] = t["H"].astype(float)
    ht["trust own [1–5]"] = t["trust_own"].astype(float)
    ht["trust partner [1–5]"] = t["trust_partner"].astype(float)
    ht["survey"] = t["survey_period"]
    weights = review.policy.normalized_weights
    wtext = ", ".join(f"{d} {w:.2f}" for d, w in weights.items())
    return section(
        "health",
        f"<p>Dimensions on a 0–100 scale; H is their weighted sum (weights {escape(wtext)}).</p>",
        table(ht, floats=",.1f"),
    )
