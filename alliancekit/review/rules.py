"""The decision rules of docs/method.md §5.4: which rules fire, and the decision they give.

Every rule is evaluated for every alliance (a comparison with a missing value is false); the
first block with a rule that fired decides (EXIT, then RESTRUCTURE), else GROW when all GROW
conditions hold, else MAINTAIN.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.model import Decision
from alliancekit.review.measures import health_index
from alliancekit.review.policy import DIMENSIONS, ReviewPolicy

__all__ = [
    "EXIT_RULES",
    "RESTRUCTURE_RULES",
    "RULES",
    "decide",
    "fired_lists",
    "fired_rules",
    "health_of",
    "rule_inputs",
    "trend_label",
]

#: Decision rules in evaluation order (docs/method.md §5.4).
RULES: Mapping[str, str] = MappingProxyType(
    {
        "E0": "hard trigger (breach, insolvency, prohibition, change of control)",
        "E1": "health below H_exit",
        "E2": "window attainment below A_exit with a non-improving trend",
        "E3": "strategic fit at or below fit_exit",
        "E4": "continuing is worth less than exiting (economic check)",
        "R1": "health below H_restr",
        "R2": "window attainment below A_restr",
        "R3": "declining trend with attainment below plan",
        "R4": "relationship or governance below D_min",
        "R5": "actions overdue counted as a relationship signal (overdue_actions_signal)",
    }
)
EXIT_RULES = ("E0", "E1", "E2", "E3", "E4")
RESTRUCTURE_RULES = ("R1", "R2", "R3", "R4", "R5")
#: Survey-based dimensions (all but D2): without any of them H is not computed.
_SURVEY_DIMS = [0, 2, 3, 4, 5]


def rule_inputs(metrics: pd.DataFrame) -> dict[str, np.ndarray]:
    """The per-alliance inputs of the decision rules as arrays (extracted once per review)."""
    cols = {
        k: metrics[k].to_numpy(dtype=float)
        for k in (*DIMENSIONS, "A_W", "trend", "PV_continue", "exit_value")
    }
    cols["E0"] = metrics["E0"].to_numpy(dtype=bool)
    cols["economic_data"] = metrics["economic_data"].to_numpy(dtype=bool)
    overdue = metrics.get("actions_overdue")
    cols["actions_overdue"] = (
        np.zeros(len(metrics)) if overdue is None else overdue.to_numpy(dtype=float)
    )
    return cols


def health_of(cols: Mapping[str, np.ndarray], policy: ReviewPolicy) -> np.ndarray:
    """H with renormalised weights; NaN when no survey dimension exists (H is not D2 alone)."""
    w = policy.normalized_weights
    dims = np.column_stack([cols[d] for d in DIMENSIONS])
    h = health_index(dims, [w[d] for d in DIMENSIONS])
    return np.where(np.isnan(dims[:, _SURVEY_DIMS]).all(axis=1), np.nan, h)


def fired_rules(
    cols: Mapping[str, np.ndarray], health: np.ndarray, p: ReviewPolicy
) -> dict[str, Any]:
    """Which rules fire (rule id, plus GROW -> boolean array over alliances); NaN compares False."""
    with np.errstate(invalid="ignore"):
        a_w, b = cols["A_W"], cols["trend"]
        d34 = np.fmin(cols["D3"], cols["D4"])
        economic_exit = cols["economic_data"] & (cols["PV_continue"] < cols["exit_value"])
        return {
            "E0": cols["E0"],
            "E1": health < p.h_exit,
            "E2": (a_w < p.a_exit) & (b <= p.e2_trend_max),
            "E3": cols["D1"] <= p.fit_exit,
            "E4": p.economic_check & economic_exit,
            "R1": health < p.h_restr,
            "R2": a_w < p.a_restr,
            "R3": (b <= p.b_decl) & (a_w < p.r3_attainment_below),
            "R4": d34 < p.d_min,
            # off by default: overdue actions are reported, and count only when asked to
            "R5": p.overdue_actions_signal & (cols["actions_overdue"] > 0),
            "GROW": (health >= p.h_grow)
            & (a_w >= p.a_grow)
            & (b >= p.b_grow)
            & (cols["D1"] >= p.d1_grow)
            & (cols["D5"] >= p.d5_grow),
        }


def decide(fired: Mapping[str, Any] | pd.DataFrame) -> np.ndarray:
    """Decision per alliance: EXIT if an E-rule fired, else RESTRUCTURE, GROW or MAINTAIN."""
    exit_ = np.column_stack([np.asarray(fired[r], dtype=bool) for r in EXIT_RULES]).any(axis=1)
    restr = np.column_stack([np.asarray(fired[r], dtype=bool) for r in RESTRUCTURE_RULES])
    grow = np.asarray(fired["GROW"], dtype=bool)
    return np.select(
        [exit_, restr.any(axis=1), grow],
        [Decision.EXIT.value, Decision.RESTRUCTURE.value, Decision.GROW.value],
        default=Decision.MAINTAIN.value,
    ).astype(object)


def fired_lists(fired: pd.DataFrame) -> list[tuple[str, ...]]:
    """The ids of the rules that fired, per alliance, in evaluation order."""
    names = [*EXIT_RULES, *RESTRUCTURE_RULES]
    arr = fired[names].to_numpy()
    return [tuple(n for n, f in zip(names, row, strict=True) if f) for row in arr]


def trend_label(b: float, band: float) -> str:
    """``improving`` (b ≥ band), ``declining`` (b ≤ −band), ``stable``, or ``n/a``."""
    if math.isnan(b):
        return "n/a"
    return "improving" if b >= band else ("declining" if b <= -band else "stable")
