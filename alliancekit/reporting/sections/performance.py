"""How the alliances perform: the scorecard (§5.7 item 3) and the health dimensions (item 4)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from alliancekit.reporting.sections.base import (
    ReportSection,
    escape,
    ids_note,
    number,
    section,
    table,
)
from alliancekit.reporting.words import kpi_names, kpi_status, plain

if TYPE_CHECKING:
    from alliancekit.model import Workspace
    from alliancekit.review import ReviewResult

__all__ = ["health_table", "scorecard"]


def scorecard(ws: Workspace, review: ReviewResult) -> ReportSection:
    """§5.7 item 3: attainment, trend, value realised, milestones per alliance, and the latest
    KPI plan vs actual with a status that says how far from plan each KPI is."""
    t = review.table
    window = review.policy.window
    card = pd.DataFrame(index=pd.Index(t.index, name="alliance"))
    card["partner"] = t["partner_name"]
    card[f"attainment, last {window} quarters [% of plan]"] = 100 * t["A_W"].astype(float)
    card["trend [% of plan per quarter]"] = 100 * t["trend"].astype(float)
    card["trend"] = t["trend_label"].map(plain)
    card["value realised [% of planned benefit]"] = 100 * t["VRR"].astype(float)
    card["milestones met [share, 0–1]"] = t["M"].astype(float)
    card["quarters with data"] = t["quarters_with_data"]
    mean = number(100 * t["A_W"].mean(), ".0f") if len(t) else "–"
    parts = [
        f"<p>Mean attainment over the last {window} quarters: {mean} % of plan.</p>",
        table(card, floats=",.1f"),
    ]
    parts += _kpi_table(ws, review)
    ms = ws.milestones
    if ms is not None and len(ms):
        mt = ms[ms["alliance_id"].isin(t.index)].copy()
        if len(mt):
            shown = pd.DataFrame(
                {
                    "alliance": mt["alliance_id"],
                    "milestone": mt["text"] if "text" in mt.columns else mt["milestone_id"],
                    "due": mt["due_period"],
                    "status": mt["status"].map(plain),
                    "turning point": mt.get("turning_point", pd.Series("", index=mt.index)),
                }
            )
            shown["turning point"] = shown["turning point"].map(_yes_no)
            parts += ["<h3>Milestones and turning points</h3>", table(shown, index=False)]
    return section("scorecard", *parts)


def _yes_no(value: object) -> str:
    """``yes`` / ``no`` for a true/false cell (text ``yes``/``no`` kept)."""
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "y"):
        return "yes"
    if text in ("false", "0", "no", "n", "", "nan", "none"):
        return "no"
    return str(value)


def _kpi_table(ws: Workspace, review: ReviewResult) -> list[str]:
    """The latest quarter's KPIs: name, unit, plan, actual, attainment and a status in words."""
    detail = review.kpi_detail.reset_index()
    latest = detail[detail["period"] == review.period]
    if not len(latest):
        return []
    names = kpi_names(ws)
    kt = pd.DataFrame(
        {
            "alliance": latest["alliance_id"],
            "KPI": [names.get(str(k), str(k).replace("_", " ")) for k in latest["kpi_id"]],
            "unit": latest.get("unit", ""),
            "better when": latest.get("direction", pd.Series("", index=latest.index)).map(
                lambda d: {"higher": "higher", "lower": "lower"}.get(str(d), plain(d))
            ),
            "weight [share]": latest.get("weight", float("nan")),
            "planned": latest.get("planned", float("nan")),
            "actual": latest.get("actual", float("nan")),
            "attainment [% of plan]": 100 * latest["attainment"].astype(float),
            "status": [
                kpi_status(s, a)
                for s, a in zip(latest["status"], latest["attainment"], strict=True)
            ],
        }
    )
    return [
        f"<h3>KPI plan vs actual in {escape(review.period)}</h3>",
        table(kt, index=False, floats=",.2f"),
        ids_note({n: k for k, n in names.items() if k in set(latest["kpi_id"].astype(str))}),
    ]


def health_table(review: ReviewResult) -> ReportSection:
    """§5.7 item 4: D1–D6 and H [0–100] per alliance, own vs partner trust [1–5]."""
    from alliancekit.review import DIMENSION_NAMES

    t = review.table
    ht = pd.DataFrame(index=pd.Index(t.index, name="alliance"))
    for d, name in DIMENSION_NAMES.items():
        ht[f"{d} {name}"] = t[d].astype(float)
    ht["health [points of 100]"] = t["H"].astype(float)
    ht["trust, own view [1–5]"] = t["trust_own"].astype(float)
    ht["trust, partner's view [1–5]"] = t["trust_partner"].astype(float)
    ht["survey"] = t["survey_period"]
    weights = review.policy.normalized_weights
    wtext = ", ".join(f"{d} {w:.2f}" for d, w in weights.items())
    mean = number(t["H"].mean()) if len(t) else "–"
    return section(
        "health",
        f"<p>Dimensions on a 0–100 scale; health is their weighted sum (weights {escape(wtext)})."
        f" Mean health: {mean} points of 100.</p>",
        table(ht, floats=",.1f"),
    )
