"""The report's words for managers: every rule, flag, status and parameter in plain words.

One place for the report-side vocabulary (docs/method.md §5.7, "Words for managers"): the
review policy's parameters with their names and units (``policy_table``), the decision rules
with their thresholds filled in (``rule_text``), the review's flags (``flag_text``), KPI status
words that say how far from plan a KPI is (``kpi_status``), and the small print that carries
the internal ids for analysts (``ids``, CSS class ``ak-ids``). The report's text outside that
small print never shows a snake_case identifier, ``None``, ``True`` or ``False``.

When the app's glossary (``alliancekit.model.glossary``, issue 15) lands, these lists are the
report's half of it and can move there.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import fields
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from alliancekit.review import ReviewPolicy

__all__ = [
    "FLAG_WORDS",
    "POLICY_WORDS",
    "RULE_WORDS",
    "change_text",
    "flag_text",
    "ids",
    "kpi_names",
    "kpi_status",
    "plain",
    "policy_table",
    "rule_text",
    "rules_text",
]

#: Review policy parameters: (what it is, unit, how a value is shown: "share" as % of plan,
#: "points", "number", "quarters", "switch", "words", "rate").
POLICY_WORDS: dict[str, tuple[str, str, str]] = {
    "window": ("Quarters averaged into window attainment", "quarters", "quarters"),
    "trend_periods": ("Quarters used for the attainment trend", "quarters", "quarters"),
    "attainment_cap": ("Cap on each KPI's attainment", "% of plan", "share"),
    "window_weighting": ("How the window's quarters are averaged", "", "words"),
    "ewm_lambda": ("Weight of the latest quarter when recent quarters count more", "", "number"),
    "h_exit": ("Exit threshold: health below", "points of 100", "points"),
    "h_restr": ("Restructure threshold: health below", "points of 100", "points"),
    "h_grow": ("Growth needs health of at least", "points of 100", "points"),
    "a_exit": ("Exit threshold: window attainment below", "% of plan", "share"),
    "a_restr": ("Restructure threshold: window attainment below", "% of plan", "share"),
    "a_grow": ("Growth needs window attainment of at least", "% of plan", "share"),
    "e2_trend_max": ("Exit on attainment only if the trend is at most", "% of plan per quarter",
                     "share"),
    "b_decl": ("Declining trend: attainment trend at or below", "% of plan per quarter", "share"),
    "r3_attainment_below": ("… together with window attainment below", "% of plan", "share"),
    "b_grow": ("Growth needs an attainment trend of at least", "% of plan per quarter", "share"),
    "d1_grow": ("Growth needs strategic fit of at least", "points of 100", "points"),
    "d5_grow": ("Growth needs commitment of at least", "points of 100", "points"),
    "d_min": ("Restructure threshold: relationship or governance below", "points of 100",
              "points"),
    "fit_exit": ("Exit threshold: strategic fit at or below", "points of 100", "points"),
    "w_d1": ("Weight of strategic fit in health", "share of health", "number"),
    "w_d2": ("Weight of value delivered in health", "share of health", "number"),
    "w_d3": ("Weight of relationship and trust in health", "share of health", "number"),
    "w_d4": ("Weight of governance in health", "share of health", "number"),
    "w_d5": ("Weight of commitment in health", "share of health", "number"),
    "w_d6": ("Weight of learning in health", "share of health", "number"),
    "d2_attainment_share": ("Share of value delivered from attainment", "", "number"),
    "d2_milestone_share": ("Share of value delivered from milestones", "", "number"),
    "d2_zero_at": ("Value delivered is zero at window attainment of", "% of plan", "share"),
    "d2_span": ("… and full at that plus", "% of plan", "share"),
    "d3_gap_penalty": ("Trust-gap penalty on relationship", "points per survey point", "number"),
    "trend_label_band": ("Trend shown as improving or declining beyond", "% of plan per quarter",
                         "share"),
    "milestone_window": ("Quarters whose due milestones count", "quarters", "quarters"),
    "turning_point_weight": ("Weight of a turning-point milestone", "× an ordinary one", "number"),
    "late_credit": ("Credit for a milestone met late", "share of full credit", "number"),
    "event_window": ("Quarters in which an incident forces exit", "quarters", "quarters"),
    "require_confirmation": ("Exit or restructure only when two reviews in a row agree", "",
                             "switch"),
    "economic_check": ("Exit when continuing is worth less than exiting", "", "switch"),
    "discount_rate": ("Discount rate for the value of continuing", "per year", "rate"),
    "quarterly_rate": ("How the annual rate becomes a quarterly one", "", "words"),
    "horizon_quarters": ("Quarters left when an alliance has no end date", "quarters", "quarters"),
    "survey_max_age": ("A health survey older than this is stale", "quarters", "quarters"),
    "grow_min_quarters": ("Growth is uncertain with fewer quarters of data than", "quarters",
                          "quarters"),
    "grow_max_std": ("… or attainment varying more than (standard deviation)", "% of plan",
                     "share"),
    "overdue_actions_signal": ("Overdue actions count as a relationship warning (restructure)", "",
                               "switch"),
}  # fmt: skip

#: What a parameter left unset means (shown instead of "None").
_UNSET = {
    "event_window": "same as the window",
    "discount_rate": "the organization's rate",
    "horizon_quarters": "the planning horizon",
}

#: Decision rules in plain words; ``{…}`` are policy fields shown with their unit.
RULE_WORDS: dict[str, str] = {
    "E0": "an incident forces exit (breach, insolvency, prohibition, change of control)",
    "E1": "health below {h_exit}",
    "E2": "window attainment below {a_exit} and not improving",
    "E3": "strategic fit at or below {fit_exit}",
    "E4": "continuing is worth less than exiting",
    "R1": "health below {h_restr}",
    "R2": "window attainment below {a_restr}",
    "R3": "attainment declining by {b_decl} or more while below {r3_attainment_below}",
    "R4": "relationship or governance below {d_min}",
    "R5": "actions overdue (an escalation the partner has not closed)",
}

#: The review's and the plan's flags in plain words.
FLAG_WORDS: dict[str, str] = {
    "budget-constrained": "no budget headroom left for growth",
    "grow-uncertain": "growth case uncertain (few quarters of data or volatile attainment)",
    "exit-value-exceeds-continue": "exiting is worth more than continuing",
    "awaiting-confirmation": "waits for the next review to confirm the decision",
    "actions-overdue": "actions overdue",
}


def _show(name: str, value: Any) -> str:
    """A policy value in words with its unit (``60 % of plan``, ``40 points of 100``, ``on``)."""
    _, unit, kind = POLICY_WORDS.get(name, (name, "", "number"))
    if value is None:
        return f"not set ({_UNSET.get(name, 'default')})"
    if kind == "switch" or isinstance(value, bool):
        return "on" if value else "off"
    if kind == "words":
        return str(getattr(value, "label", value))
    if kind == "share":
        return f"{100 * float(value):g} {unit}".strip()
    if kind == "rate":
        return f"{100 * float(value):g} % {unit}".strip()
    if isinstance(value, float) and value.is_integer() and kind in ("points", "quarters"):
        value = int(value)
    return f"{value:g} {unit}".strip() if isinstance(value, (int, float)) else f"{value} {unit}"


def policy_table(policy: ReviewPolicy, overrides: Any = None) -> pd.DataFrame:
    """The review policy as a labelled table: parameter in words, value with unit, changed?

    The internal names go in the last column (``id``), which the report prints in small print.
    """
    rows = []
    for f in fields(policy):
        label = POLICY_WORDS.get(f.name, (f.name.replace("_", " "), "", ""))[0]
        changed = "changed for this report" if overrides and f.name in overrides else "default"
        rows.append(
            {
                "parameter": label,
                "value": _show(f.name, getattr(policy, f.name)),
                "setting": changed,
                "id": f.name,
            }
        )
    return pd.DataFrame(rows).set_index("parameter")


def rule_text(rule: str, policy: ReviewPolicy | None = None) -> str:
    """A decision rule in plain words with its threshold (``health below 40 points of 100``)."""
    text = RULE_WORDS.get(rule, rule)
    if policy is None:
        return text.replace("{", "").replace("}", "")
    values = {f.name: _show(f.name, getattr(policy, f.name)) for f in fields(policy)}
    try:
        return text.format(**values)
    except (KeyError, IndexError):
        return text


def rules_text(rules: Any, policy: ReviewPolicy | None = None) -> str:
    """Several fired rules in words, joined by "; " (``none`` when no rule fired)."""
    return "; ".join(rule_text(r, policy) for r in rules) or "none"


def flag_text(flags: Any) -> str:
    """Flags in plain words, joined by "; " (``–`` when there are none)."""
    return "; ".join(FLAG_WORDS.get(str(f), str(f).replace("-", " ")) for f in flags) or "–"


def kpi_status(status: Any, attainment: Any) -> str:
    """A KPI's status that means what it says: how far from plan, or why there is no figure.

    ``status`` is the review's data status (``ok`` = reported); ``attainment`` its share of plan.
    """
    s = str(status or "").strip().lower()
    if s not in ("", "ok"):
        words = {"missing": "not reported", "skipped": "not counted", "planned 0": "not counted"}
        return words.get(s, plain(s))
    try:
        a = float(attainment)
    except (TypeError, ValueError):
        return "not reported"
    if math.isnan(a):
        return "not reported"
    if a >= 1.0:
        return "on or above plan"
    if a >= 0.85:
        return "slightly below plan"
    if a >= 0.6:
        return "below plan"
    return "far below plan"


_CHANGE_RE = re.compile(r"^(w_D\d|[a-z][a-z0-9_]*)([+-])(\S+) -> (\w+)$")


def change_text(change: str) -> str:
    """A decision-sensitivity change in words: ``h_restr+5 -> MAINTAIN`` →
    ``Restructure threshold: health below +5 gives MAINTAIN``."""
    m = _CHANGE_RE.match(str(change).strip())
    if not m:
        return str(change)
    name, sign, step, decision = m.groups()
    label = POLICY_WORDS.get(name.lower(), (name.replace("_", " "), "", ""))[0]
    return f"{label} {sign}{step} gives {decision}"


def plain(text: Any) -> str:
    """An internal code as words: ``alliance_agreement`` → ``alliance agreement``."""
    label = getattr(text, "label", None)
    if isinstance(label, str):
        return label
    return str(text).replace("_", " ")


def ids(text: Any) -> str:
    """Escaped ``text`` in the analysts' small print (``<small class="ak-ids">``)."""
    return f'<small class="ak-ids">{html.escape(str(text))}</small>'


def kpi_names(ws: Any) -> dict[str, str]:
    """``kpi_id`` → the KPI's name in the workspace's KPI table (ids without a name left out)."""
    kpis = getattr(ws, "kpis", None)
    if kpis is None or "name" not in kpis.columns:
        return {}
    pairs = zip(kpis["kpi_id"].astype(str), kpis["name"].astype(str), strict=True)
    return {k: n for k, n in pairs if n.strip() and n != "nan"}
