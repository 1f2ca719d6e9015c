"""The review's public functions: ``review_alliances`` and ``decision_sensitivity``.

``review_alliances`` measures (``inputs.measure``), applies the rules (``rules``), the optional
confirmation rule, the GROW budget and data flags, and writes the rationale of each decision.
``decision_sensitivity`` re-applies the rules to the same measurements under shifted policies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError
from alliancekit.model import Decision, Workspace, period_from_index
from alliancekit.review.inputs import ReviewInputs, measure
from alliancekit.review.policy import DIMENSIONS, ReviewPolicy, as_policy
from alliancekit.review.rationale import Context, fmt, rationale
from alliancekit.review.result import ReviewResult
from alliancekit.review.rules import (
    decide,
    fired_lists,
    fired_rules,
    health_of,
    rule_inputs,
    trend_label,
)

__all__ = ["decision_sensitivity", "review_alliances"]


@dataclass
class _Outcome:
    """Decisions and what they carry, per reviewed alliance (filled in stages)."""

    fired: pd.DataFrame  # rule id (and GROW) -> bool, per alliance
    raw: np.ndarray  # decision before the confirmation rule
    decision: np.ndarray
    flags: dict[str, list[str]]
    notes: dict[str, list[str]]
    headroom: float = float("nan")
    grow_flags: dict[str, tuple[str, ...]] = field(default_factory=dict)


# -- the confirmation rule --------------------------------------------------------------------
def _previous_raw(
    ws: Workspace, inputs: ReviewInputs, policy: ReviewPolicy, previous: ReviewResult | None
) -> Mapping[str, str]:
    """The previous review's raw decisions: ``previous``, or a re-review of T−1 ({} if none)."""
    if previous is not None:
        col = "raw_decision" if "raw_decision" in previous.table.columns else "decision"
        return dict(previous.table[col])
    try:
        prev = review_alliances(
            ws, period_from_index(inputs.quarter - 1), policy.replace(require_confirmation=False)
        )
    except DataValidationError:
        return {}
    return dict(prev.table["raw_decision"])


def _confirm(
    ws: Workspace,
    inputs: ReviewInputs,
    policy: ReviewPolicy,
    previous: ReviewResult | None,
    out: _Outcome,
) -> None:
    """Two-review confirmation (§5.4): E1/E2/R-only decisions need two reviews in a row.

    Such a decision takes effect only as far as the previous review's raw decision agrees: the
    decision is the better of the two raw decisions (so RESTRUCTURE then EXIT gives RESTRUCTURE,
    and EXIT follows if the next review says EXIT again). Improvements act at once.
    """
    immediate = out.fired[["E0", "E3", "E4"]].to_numpy().any(axis=1)
    raw = out.raw
    needs = (raw == Decision.RESTRUCTURE.value) | ((raw == Decision.EXIT.value) & ~immediate)
    if not needs.any():
        return
    prev_raw = _previous_raw(ws, inputs, policy, previous)
    for i in np.flatnonzero(needs):
        aid = inputs.ids[i]
        before = prev_raw.get(aid)
        if before is None:
            out.notes[aid].append(
                "confirmation rule: no previous review, decision stands unconfirmed"
            )
            continue
        if Decision(before) > Decision(raw[i]):
            out.decision[i] = before
            out.flags[aid].append("awaiting-confirmation")
            out.notes[aid].append(
                f"confirmation rule: {raw[i]} not yet confirmed (previous review: {before}); "
                f"holding {before}"
            )


# -- flags ------------------------------------------------------------------------------------
def _flag(ws: Workspace, inputs: ReviewInputs, policy: ReviewPolicy, out: _Outcome) -> None:
    """Budget headroom and the GROW flags; the economic flag; what the rules give without a
    hard trigger."""
    m, ids = inputs.metrics, inputs.ids
    kept = [aid for aid, d in zip(ids, out.decision, strict=True) if d != Decision.EXIT.value]
    spent = sum(float(inputs.alliances[aid].cost_annual) for aid in kept)
    out.headroom = float(ws.organization.budget_annual) - spent
    uncertain = (m["quarters_with_data"].to_numpy() < policy.grow_min_quarters) | (
        m["A_std"].to_numpy(dtype=float) >= policy.grow_max_std
    )
    for i in np.flatnonzero(out.decision == Decision.GROW.value):
        if out.headroom <= 0:
            out.flags[ids[i]].append("budget-constrained")
        if uncertain[i]:
            out.flags[ids[i]].append("grow-uncertain")
        out.grow_flags[ids[i]] = tuple(out.flags[ids[i]])
    if not policy.economic_check:
        with np.errstate(invalid="ignore"):
            econ_exit = m["economic_data"].to_numpy(dtype=bool) & (
                m["PV_continue"].to_numpy(dtype=float) < m["exit_value"].to_numpy(dtype=float)
            )
        for i in np.flatnonzero(econ_exit):
            out.flags[ids[i]].append("exit-value-exceeds-continue")
    overdue = m["actions_overdue"].to_numpy(dtype=int) if "actions_overdue" in m else None
    if overdue is not None:
        for i in np.flatnonzero(overdue > 0):
            out.flags[ids[i]].append("actions-overdue")
    fired = out.fired
    only_trigger = fired["E0"].to_numpy() & ~fired[["E1", "E2", "E3", "E4"]].to_numpy().any(axis=1)
    for i in np.flatnonzero(only_trigger):
        without = decide(fired.iloc[[i]].assign(E0=False))[0]
        out.notes[ids[i]].append(f"without the hard trigger the rules give {without}")


# -- the result table -------------------------------------------------------------------------
def _table(
    ws: Workspace, inputs: ReviewInputs, policy: ReviewPolicy, out: _Outcome, health: np.ndarray
) -> pd.DataFrame:
    """One row per reviewed alliance: measurements, decision, rules, flags, rationale, notes."""
    ids, m = list(inputs.ids), inputs.metrics.assign(H=health)
    next_review = period_from_index(inputs.quarter + 1)
    ctx = Context(policy, out.headroom, ws.organization.money_label, next_review)
    rules = fired_lists(out.fired)
    table = pd.DataFrame(index=pd.Index(ids, name="alliance_id"))
    table["partner_name"] = [inputs.alliances[a].partner_name for a in ids]
    first = inputs.quarter - policy.window + 1
    window = [period_from_index(t) for t in range(first, inputs.quarter + 1)]
    values = inputs.attainment.reindex(index=ids, columns=window).to_numpy(dtype=float)
    table["A_window"] = [tuple(float(x) for x in row) for row in values]
    for col in ("A_W", "trend"):
        table[col] = m[col].to_numpy(dtype=float)
    table["trend_label"] = [trend_label(b, policy.trend_label_band) for b in m["trend"]]
    for col in ("VRR", "M", *DIMENSIONS, "H"):
        table[col] = m[col].to_numpy(dtype=float)
    table["decision"] = list(out.decision)
    table["raw_decision"] = list(out.raw)
    table["rules_fired"] = rules
    table["flags"] = [tuple(out.flags[a]) for a in ids]
    records = m.to_dict(orient="records")
    table["rationale"] = [
        rationale(
            inputs.alliances[a],
            records[i],
            out.decision[i],
            rules[i],
            inputs.triggers.get(a, ""),
            tuple(out.flags[a]),
            ctx,
        )
        for i, a in enumerate(ids)
    ]
    table["notes"] = [tuple(out.notes[a]) for a in ids]
    for col in ("V_hat", "PV_continue", "exit_value", "exit_cost"):
        table[col] = m[col].to_numpy(dtype=float)
    table["survey_period"] = m["survey_period"].to_numpy()
    table["trust_own"] = m["trust_own"].to_numpy(dtype=float)
    table["trust_partner"] = m["trust_partner"].to_numpy(dtype=float)
    table["quarters_with_data"] = m["quarters_with_data"].to_numpy(dtype=int)
    table["hard_trigger"] = [inputs.triggers.get(a, "") for a in ids]
    table["actions_overdue"] = m["actions_overdue"].to_numpy(dtype=int)
    table["next_review"] = next_review
    return table


def review_alliances(
    ws: Workspace,
    period: str = "latest",
    policy: ReviewPolicy | Mapping[str, Any] | None = None,
    previous: ReviewResult | None = None,
) -> ReviewResult:
    """Review every existing alliance at ``period`` (docs/method.md §5).

    Parameters
    ----------
    ws : Workspace
        Alliances with their KPI observations, health surveys, events and milestones. Its
        tables are checked by the rules of ``alliancekit validate`` first
        (``workspace.checks.check_review_inputs``).
    period : str
        Review quarter ``YYYY-Qn`` or ``"latest"`` (the latest quarter with KPI data).
    policy : ReviewPolicy or Mapping, optional
        Thresholds and weights (defaults of docs/method.md §5.3), or a Mapping of overrides.
    previous : ReviewResult, optional
        The previous review, used by the confirmation rule when
        ``policy.require_confirmation`` is set (otherwise T−1 is re-reviewed).

    Returns
    -------
    ReviewResult

    Raises
    ------
    DataValidationError
        A period without KPI data or not ``YYYY-Qn``; KPI rows for an alliance that does not
        exist; a KPI whose weight is 0 in every period; malformed KPI values; every problem
        ``validate_workspace`` reports in the KPIs, surveys, events and milestones.
    """
    policy = as_policy(policy)
    inputs = measure(ws, period, policy)
    cols = rule_inputs(inputs.metrics)
    health = health_of(cols, policy)
    fired = pd.DataFrame(fired_rules(cols, health, policy), index=inputs.metrics.index)
    raw = decide(fired)
    out = _Outcome(
        fired=fired,
        raw=raw,
        decision=raw.copy(),
        flags={aid: [] for aid in inputs.ids},
        notes={aid: list(v) for aid, v in inputs.notes.items()},
    )
    if policy.require_confirmation:
        _confirm(ws, inputs, policy, previous, out)
    _flag(ws, inputs, policy, out)
    ids = inputs.ids
    return ReviewResult(
        table=_table(ws, inputs, policy, out, health),
        kpi_detail=inputs.detail,
        attainment=inputs.attainment,
        period=period_from_index(inputs.quarter),
        policy=policy,
        decisions={aid: Decision(d) for aid, d in zip(ids, out.decision, strict=True)},
        grow_flags=out.grow_flags,
        headroom=out.headroom,
        money_label=ws.organization.money_label,
        workspace=ws.name,
    )


# -- sensitivity ------------------------------------------------------------------------------
_HEALTH_THRESHOLDS = ("h_exit", "h_restr", "h_grow", "fit_exit", "d_min", "d1_grow", "d5_grow")
_ATTAINMENT_THRESHOLDS = ("a_exit", "a_restr", "a_grow")


def _variants(
    policy: ReviewPolicy, threshold_shift: float, weight_shift: float
) -> list[tuple[str, ReviewPolicy]]:
    """(label, policy) for each threshold moved ± and each dimension weight scaled 1 ± shift."""
    variants: list[tuple[str, ReviewPolicy]] = []
    for name in (*_HEALTH_THRESHOLDS, *_ATTAINMENT_THRESHOLDS):
        step = threshold_shift if name in _HEALTH_THRESHOLDS else threshold_shift / 100.0
        for sign in (+1, -1):
            label = f"{name}{'+' if sign > 0 else '-'}{fmt(step, 'g')}"
            variants.append((label, policy.replace(**{name: getattr(policy, name) + sign * step})))
    for d in DIMENSIONS:
        name = f"w_{d.lower()}"
        for sign in (+1, -1):
            label = f"w_{d}{'+' if sign > 0 else '-'}{weight_shift:.0%}"
            value = getattr(policy, name) * (1 + sign * weight_shift)
            variants.append((label, policy.replace(**{name: value})))
    return variants


def decision_sensitivity(
    ws: Workspace,
    period: str = "latest",
    policy: ReviewPolicy | Mapping[str, Any] | None = None,
    threshold_shift: float = 5.0,
    weight_shift: float = 0.20,
) -> pd.DataFrame:
    """Does each decision change when a threshold or a dimension weight moves? (§5.7 item 8).

    One at a time, each health-scale threshold (h_exit, h_restr, h_grow, fit_exit, d_min,
    d1_grow, d5_grow) moves ±``threshold_shift`` points [0–100]; each attainment threshold
    (a_exit, a_restr, a_grow) moves ±``threshold_shift``/100 (5 points of attainment = 0.05);
    each dimension weight is multiplied by ``1 ± weight_shift`` and the weights renormalised.
    Trend thresholds are not moved (a ±0.05/qtr shift would zero or double b_decl). The
    confirmation rule is not applied (the comparison is between raw decisions).

    Returns
    -------
    DataFrame
        Indexed by alliance_id: decision (base), decisions_seen (tuple, worst first),
        n_variants, n_changed, fragile (bool: some variant changes the decision),
        changes (tuple of ``"h_restr+5 -> MAINTAIN"`` strings).
    """
    policy = as_policy(policy)
    inputs = measure(ws, period, policy)
    ids = inputs.ids
    cols = rule_inputs(inputs.metrics)
    base = decide(fired_rules(cols, health_of(cols, policy), policy))
    variants = _variants(policy, threshold_shift, weight_shift)
    seen: dict[str, set[str]] = {aid: {d} for aid, d in zip(ids, base, strict=True)}
    changes: dict[str, list[str]] = {aid: [] for aid in ids}
    for label, variant in variants:
        decisions = decide(fired_rules(cols, health_of(cols, variant), variant))
        for i, aid in enumerate(ids):
            seen[aid].add(decisions[i])
            if decisions[i] != base[i]:
                changes[aid].append(f"{label} -> {decisions[i]}")
    out = pd.DataFrame(index=pd.Index(ids, name="alliance_id"))
    out["decision"] = list(base)
    out["decisions_seen"] = [tuple(sorted(seen[a], key=lambda x: Decision(x).rank)) for a in ids]
    out["n_variants"] = len(variants)
    out["n_changed"] = [len(changes[a]) for a in ids]
    out["fragile"] = out["n_changed"] > 0
    out["changes"] = [tuple(changes[a]) for a in ids]
    return out
