"""The roadmap year by year, in words and units people read (docs/method.md §12): who starts,
scales up and leaves in each period, and each budget and the alliance-manager capacity used
against its limit. The app's Roadmap tab and the review report's re-planning section show it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from alliancekit.model import glossary

__all__ = ["has_roadmap_data", "year_table"]

#: Candidate and alliance fields that only the roadmap reads (data/README.md).
_FIELDS = (
    "earliest_start", "latest_start", "cost_ramp", "value_ramp", "pilot_years", "tier", "exit_year",
)  # fmt: skip

#: Limits of the per-year table: constraint key -> the glossary column of what is used.
_USED = {"cost_one_off": "cost_one_off", "cost_annual": "cost_annual", "mgmt_load_fte": "fte"}


def has_roadmap_data(ws: Any) -> bool:
    """Whether the workspace says anything about its roadmap: ``roadmap`` settings in its
    profile, or start windows, ramps, pilots, tiers or planned exit years in its tables."""
    if ws.organization.roadmap.given:
        return True
    rows = [*ws.candidates, *ws.alliances]
    return any(getattr(r, f, None) not in (None, ()) for r in rows for f in _FIELDS)


def _names(frame: pd.DataFrame, column: str, label: str) -> dict[str, list[str]]:
    """Period label -> names of the rows whose ``column`` is that period."""
    out: dict[str, list[str]] = {}
    for _, row in frame.iterrows():
        if row[column]:
            out.setdefault(str(row[column]), []).append(str(row[label]))
    return out


def year_table(result: Any) -> pd.DataFrame:
    """One row per roadmap period: partners started, scaled up and exited (names), and each
    budget and the alliance-manager capacity: used against its limit (units in the headers).

    Parameters
    ----------
    result : RoadmapResult

    Returns
    -------
    DataFrame
        Indexed by the period ("2026" or "Year 1").
    """
    starts = result.starts[result.starts["selected"]]
    started = _names(starts, "start", "name")
    scaled = _names(starts, "scale_start", "name")
    exited = _names(result.exits, "exit", "name")
    quarters = any("Q" in p for p in result.periods)
    table = pd.DataFrame(
        index=pd.Index(list(result.periods), name="Quarter" if quarters else "Year")
    )
    for title, who in (
        ("Partners started", started),
        ("Scaled up", scaled),
        ("Exited", exited),
    ):
        table[title] = [", ".join(who.get(p, [])) or "—" for p in result.periods]
    usage = result.spend_frame()
    for key, column in _USED.items():
        rows = usage[usage["constraint"] == f"limit[{key}]"]
        if rows.empty:
            continue
        unit = str(rows["unit"].iloc[0])
        used = dict(zip(rows["period"], rows["used"].astype(float), strict=True))
        cap = dict(zip(rows["period"], rows["cap"].astype(float), strict=True))
        name = glossary.term("column", column).name
        name += " and exit costs" if key == "cost_one_off" else ""
        table[f"{name} [{unit}]"] = [used.get(p, float("nan")) for p in result.periods]
        carried = key == "cost_one_off" and result.problem.inputs.carry_over > 0
        limit = str(rows["label"].iloc[0]) + (" with carry-over" if carried else "")
        table[f"{limit} [{unit}]"] = [cap.get(p, float("nan")) for p in result.periods]
    return table
