"""Rationale texts of the review decisions (docs/method.md §5.5 templates), one per decision."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from alliancekit.model import Alliance, Buyout, Decision
from alliancekit.review.policy import DIMENSION_NAMES, DIMENSIONS, ReviewPolicy

__all__ = ["Context", "fmt", "rationale"]

#: What to renegotiate when a dimension is the weakest (§5.5 RESTRUCTURE template).
_RENEGOTIATE: Mapping[str, str] = MappingProxyType(
    {
        "D1": "scope",
        "D2": "KPIs/targets",
        "D3": "governance cadence",
        "D4": "governance cadence",
        "D5": "economics",
        "D6": "scope",
    }
)


def fmt(x: Any, spec: str, missing: str = "n/a") -> str:
    """``x`` formatted by ``spec``, or ``missing`` for NaN and non-numbers."""
    try:
        f = float(x)
    except (TypeError, ValueError):
        return missing
    return missing if math.isnan(f) else format(f, spec)


def _money(x: float, label: str) -> str:
    return "n/a" if x is None or math.isnan(x) else f"{x:,.1f} {label}"


@dataclass(frozen=True)
class Context:
    """What every rationale of one review shares."""

    policy: ReviewPolicy
    headroom: float  # annual budget headroom [money/yr]
    money: str  # money unit, e.g. "PKR lakh"
    next_review: str  # YYYY-Qn


@dataclass(frozen=True)
class _Case:
    """One alliance's decision and what it rests on."""

    alliance: Alliance
    row: Mapping[str, Any]  # the alliance's metrics (A_W, trend, H, D1..D6, PV_continue …)
    decision: str
    rules: tuple[str, ...]
    trigger: str
    flags: tuple[str, ...]


def _weakest(row: Mapping[str, Any]) -> tuple[str, float]:
    vals = {d: float(row[d]) for d in DIMENSIONS if not math.isnan(float(row[d]))}
    if not vals:
        return "D2", float("nan")
    d = min(vals, key=lambda k: (vals[k], k))
    return d, vals[d]


def _grow(case: _Case, ctx: Context) -> str:
    row = case.row
    text = (
        f"Delivered {fmt(row['A_W'], '.0%')} of plan over the last {ctx.policy.window} quarters, "
        f"trend {fmt(row['trend'], '+.1%')}/qtr; health {fmt(row['H'], '.0f')}/100; strategic "
        f"fit {fmt(row['D1'], '.0f')}. The partnership is outperforming its business case; "
        "consider expanding scope or investment (exercise the expansion option) within the "
        f"budget headroom after the decisions of {_money(ctx.headroom, ctx.money)}/yr."
    )
    if "budget-constrained" in case.flags:
        text += " No annual budget headroom is left: growth needs budget reallocated first."
    return text


def _maintain(case: _Case, ctx: Context) -> str:
    d, v = _weakest(case.row)
    return (
        f"Performance on plan ({fmt(case.row['A_W'], '.0%')}); health "
        f"{fmt(case.row['H'], '.0f')}. No rule fired; keep the current terms and review again "
        f"on {ctx.next_review}. Watch: {d} {DIMENSION_NAMES[d]} = {fmt(v, '.0f')}."
    )


def _restructure(case: _Case, ctx: Context) -> str:
    d, v = _weakest(case.row)
    what: list[str] = []
    if "R2" in case.rules or "R3" in case.rules:
        what.append("KPIs/targets")
    if "R4" in case.rules:
        what.append("governance cadence")
    what.append(_RENEGOTIATE[d])
    what = list(dict.fromkeys(what))
    text = (
        f"Rules {', '.join(case.rules)} fired: {fmt(case.row['A_W'], '.0%')} of plan, trend "
        f"{fmt(case.row['trend'], '+.1%')}/qtr, weakest dimension {d} {DIMENSION_NAMES[d]} = "
        f"{fmt(v, '.0f')}. Renegotiate {' and '.join(what)}; escalate to executive sponsors; "
        f"re-review in 1 quarter ({ctx.next_review})."
    )
    if "awaiting-confirmation" in case.flags:
        text += " (Held: the rules need confirming in the next review.)"
    return text


def _exit_reasons(case: _Case, p: ReviewPolicy) -> str:
    row, rules = case.row, case.rules
    parts = []
    if "E0" in rules:
        parts.append(case.trigger or "hard trigger")
    if "E1" in rules:
        parts.append(f"health {row['H']:.0f}/100 below {p.h_exit:.0f}")
    if "E2" in rules:
        parts.append(
            f"attainment {row['A_W']:.0%} below {p.a_exit:.0%} with trend {row['trend']:+.1%}/qtr"
        )
    if "E3" in rules:
        parts.append(f"strategic fit {row['D1']:.0f} at or below {p.fit_exit:.0f}")
    if "E4" in rules:
        parts.append("continuing is worth less than exiting")
    return "; ".join(parts)


_BUYOUT = {
    None: "no buyout option",
    Buyout.NONE: "no buyout option",
    Buyout.SHOTGUN: "shotgun clause",
}


def _exit(case: _Case, ctx: Context) -> str:
    a, row = case.alliance, case.row
    notice = f"{a.notice_months}-month notice" if a.notice_months else "notice per contract"
    buyout = _BUYOUT.get(a.buyout, f"{a.buyout} option")
    ip = a.ip_terms if a.ip_terms and a.ip_terms != "none" else "the contract"
    pv, exit_cost = row["PV_continue"], _money(row["exit_cost"], ctx.money)
    if math.isnan(pv):
        worth = f"Continuing was not valued (no value plan); the exit cost is {exit_cost}"
    else:
        worth = f"Continuing is worth {_money(pv, ctx.money)} against an exit cost of {exit_cost}"
    return (
        f"Rules {', '.join(case.rules)} fired ({_exit_reasons(case, ctx.policy)}). {worth}. "
        f"Invoke exit terms: {notice}, {buyout}, IP reversion per {ip}. Plan the transition for "
        "customers and staff."
    )


_TEMPLATES = {
    Decision.GROW.value: _grow,
    Decision.MAINTAIN.value: _maintain,
    Decision.RESTRUCTURE.value: _restructure,
    Decision.EXIT.value: _exit,
}


def rationale(
    alliance: Alliance,
    row: Mapping[str, Any],
    decision: str,
    rules: tuple[str, ...],
    trigger: str,
    flags: tuple[str, ...],
    ctx: Context,
) -> str:
    """The rationale of one alliance's decision: its numbers, the rules and what to do next."""
    case = _Case(alliance, row, decision, rules, trigger, flags)
    return _TEMPLATES[decision](case, ctx)
