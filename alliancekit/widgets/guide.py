"""Infeasibility as a guide: one explanation in the user's words and one fix per button.

``guide_html`` says what conflicts, naming each setting as the app's controls name it, with its
current value and unit, and why (the diagnosis's reasons in words). ``fixes`` turns each
relaxation the diagnosis found (``InfeasiblePortfolioError.relaxations``) into a :class:`Fix`:
a button label ("Raise the annual budget to 48") and the session-state change that applies it.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from typing import Any

from alliancekit.errors import InfeasiblePortfolioError
from alliancekit.model import glossary
from alliancekit.widgets.state import SessionState

__all__ = ["Fix", "fixes", "guide_html"]


@dataclass(frozen=True)
class Fix:
    """One way out of an infeasible plan.

    Attributes
    ----------
    label : str
        The button's text, e.g. "Raise the annual budget to 48".
    changes : dict
        The session-state fields it sets (``state.update(**changes)``).
    """

    label: str
    changes: dict[str, Any] = field(default_factory=dict)


def _up(value: float, step: float) -> float:
    """``value`` rounded up to a multiple of ``step`` (so the fix really is enough)."""
    return math.ceil(value / step - 1e-9) * step


def _step(value: float) -> float:
    if value >= 100:
        return 1.0
    if value >= 10:
        return 0.5
    return 0.1


def _fix(relaxation: Any, constraint: Any, state: SessionState) -> Fix | None:
    """The fix of one relaxation, or None when it is not a setting of the app."""
    needed = float(relaxation.needed)
    if not math.isfinite(needed) or constraint is None:
        return None
    kind, target = constraint.kind.value, constraint.target
    st = state.settings
    names = state.partner_names()
    if kind == "limit" and target in ("cost_annual", "cost_one_off"):
        value = _up(needed, _step(needed))
        which = "annual budget" if target == "cost_annual" else "one-off budget"
        return Fix(f"Raise the {which} to {value:g}", {f"budget_{target[5:]}": value})
    if kind == "count" and constraint.sense.value == "<=":
        n = math.ceil(needed)
        return Fix(f"Allow up to {n} new alliances", {"max_count": n})
    if kind == "average" and target == "R":
        value = _up(needed, 0.01)
        return Fix(
            f"Raise the average risk cap to {value:.2f}",
            {"avg_risk": value, "avg_risk_custom": True},
        )
    if kind == "each" and target in ("R", "R_rel"):
        cap = "max_total_per_partner" if target == "R" else "max_relational_per_partner"
        value = _up(needed, 0.01)
        caps = {**dict(st.per_partner_caps), cap: value}
        what = "total" if target == "R" else "relational"
        return Fix(
            f"Raise the per-partner {what} risk cap to {value:.2f}",
            {"per_partner_caps": tuple(caps.items())},
        )
    if kind == "coverage":
        gap = str(target)
        coverage = {**dict(st.coverage), gap: max(0.0, needed)}
        if needed <= 0:
            return Fix(
                f"Drop the {gap} coverage requirement", {"coverage": tuple(coverage.items())}
            )
        return Fix(
            f"Lower the {gap} coverage requirement to {needed:g}",
            {"coverage": tuple(coverage.items())},
        )
    if kind == "must_exclude":
        ids = set(target if isinstance(target, tuple) else (target,))
        who = ", ".join(names.get(p, p) for p in sorted(ids))
        keep = tuple(p for p in st.must_exclude if p not in ids)
        return Fix(f"Allow {who} back (remove from Must exclude)", {"must_exclude": keep})
    if kind == "must_include":
        who = names.get(str(target), str(target))
        keep = tuple(p for p in st.must_include if p != target)
        return Fix(f"Drop {who} from Must include", {"must_include": keep})
    return None


def fixes(exc: InfeasiblePortfolioError, state: SessionState) -> list[Fix]:
    """One :class:`Fix` per relaxation that is a setting of the app, in the diagnosis's order."""
    by_key = {str(getattr(c, "key", "")): c for c in exc.constraints}
    out: list[Fix] = []
    for r in exc.relaxations:
        fix = _fix(r, by_key.get(r.constraint), state)
        if fix is not None and fix.label not in {f.label for f in out}:
            out.append(fix)
    return out


def _setting(constraint: Any) -> str:
    """A conflicting constraint as the user set it: "the annual budget (10 PKR lakh/yr)"."""
    text = constraint.phrase
    bound = float(constraint.bound)
    kind = constraint.kind.value
    if kind in ("must_include", "must_exclude", "screen", "conflict", "requires"):
        return text
    if kind == "coverage":
        return f"the requirement “{constraint.label}” (at least {bound:g})"
    return f"the {text} ({constraint.amount(bound)})" if math.isfinite(bound) else text


def _why(message: str) -> str:
    """The diagnosis's reasons (between its first sentence and "Conflicting …"), in words."""
    text = message.split("Conflicting constraint groups:", 1)[0]
    text = text.replace("No portfolio satisfies every constraint.", "").strip()
    text = glossary.in_words(text)
    return re.sub(r"\(R (?=\d)", "(total risk ", text)


def guide_html(exc: InfeasiblePortfolioError, state: SessionState) -> str:
    """One explanation of an infeasible plan: what conflicts, why, and what would fix it."""
    conflicting = [_setting(c) for c in exc.constraints if not getattr(c, "soft", False)]
    what = "; ".join(conflicting) if conflicting else "your settings"
    why = _why(str(exc))
    offered = fixes(exc, state)
    tail = (
        "Pick a fix below: it changes the setting in every tab."
        if offered
        else "Relax one of these settings, or add a partner to the workspace."
    )
    return (
        '<div class="ak-msg-error ak-guide" role="alert">'
        "<b>No portfolio meets all your settings.</b> "
        f"These cannot all hold: {html.escape(what)}."
        + (f"<br>Why: {html.escape(why)}" if why else "")
        + f"<br>{html.escape(tail)}</div>"
    )
