"""The stages that turn a ``Workspace`` into portfolio problem inputs (docs/method.md §4, §10).

``plan.plan_problem`` runs them in order: score and risk the candidates, place the existing
alliances (kept, exited or re-optimised), screen knockouts and turn the appetite into caps, link
partners (conflicts, dependencies), choose the objective's coefficients, add keep/exit rows,
draw scenarios. Each stage reads the ``PlanOptions`` it needs and returns plain values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

import pandas as pd

from alliancekit.model import Alliance, AllianceStatus, Decision, RiskAppetite, RiskCaps, Workspace
from alliancekit.portfolio.constraints import Wording
from alliancekit.portfolio.inputs import bad
from alliancekit.portfolio.options import PlanOptions

__all__ = [
    "Existing",
    "Links",
    "decisions",
    "details",
    "existing_alliances",
    "keep_exit_rows",
    "knockout_caps",
    "limits",
    "links",
    "objective_coefficients",
    "risk_caps",
    "scored_candidates",
    "screened",
    "wording",
]

#: Columns of the candidate table in words, for constraint labels.
COLUMN_WORDS = {
    "R": "total risk",
    "R_rel": "relational risk",
    "R_perf": "performance risk",
    "cost_one_off": "one-off cost",
    "cost_annual": "annual cost",
    "mgmt_load_fte": "management load",
    "expected_loss": "expected loss",
}
LIMIT_LABELS = {
    "cost_one_off": "One-off budget",
    "cost_annual": "Annual budget",
    "mgmt_load_fte": "Management capacity",
    "expected_loss": "Expected-loss budget",
}


def wording(ws: Workspace) -> Wording:
    """Labels and units of a workspace plan: budgets, risks, gap names, new alliances."""
    org = ws.organization
    money = org.money_label
    units = {"cost_one_off": money, "cost_annual": f"{money}/yr", "mgmt_load_fte": "FTE"}
    return Wording(
        columns=COLUMN_WORDS,
        limits=LIMIT_LABELS,
        units={**units, "expected_loss": money},
        gaps={g.gap_id: g.name for g in org.capability_gaps},
        members="new alliances",
        loss_unit=money,
    )


def decisions(review: Any) -> dict[str, Decision]:
    """Alliance id -> Decision from a ReviewResult (``.decisions``) or a Mapping."""
    if review is None:
        return {}
    given = getattr(review, "decisions", review)
    if not isinstance(given, Mapping):
        raise bad("review must be a ReviewResult (with .decisions) or a Mapping id -> decision")
    return {str(k): Decision.parse(v, what=f"review decision for {k!r}") for k, v in given.items()}


def risk_caps(ws: Workspace, o: PlanOptions) -> tuple[Workspace, RiskCaps, RiskCaps | None]:
    """The workspace under the appetite of ``o``, its caps, and the caps the knockouts use."""
    org = ws.organization
    if o.risk_appetite is not None:
        org = replace(org, risk_appetite=RiskAppetite.parse(o.risk_appetite))
        ws = ws.replace(organization=org)
    if o.caps is None:
        return ws, org.caps(), None
    if not isinstance(o.caps, Mapping):
        return ws, o.caps, o.caps
    known = {f.name for f in fields(RiskCaps)}
    unknown = sorted(set(map(str, o.caps)) - known)
    if unknown:
        raise bad(f"caps: unknown field(s) {', '.join(unknown)}; use {', '.join(sorted(known))}")
    caps = replace(org.caps(), **dict(o.caps))
    return ws, caps, caps


def scored_candidates(
    ws: Workspace, o: PlanOptions
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """The candidate table joined with its risk and score, the risk table and the scores.

    Risk: R, R_rel, R_perf, p_fail, e_npv … (``risk_table``); score: the weighted sum [0–100].
    """
    from alliancekit.criteria import weighted_scores
    from alliancekit.risk import RiskPolicy, risk_table

    risk = risk_table(ws, o.policy)
    scores = weighted_scores(ws, o.weights, o.policy).rename("score")
    key = ("candidates_with_risk", repr(o.policy or RiskPolicy()))
    table = ws.derived(key, lambda: ws.candidates_frame().join(risk))
    return table.join(scores), risk, scores


@dataclass
class Existing:
    """Where the existing alliances stand in the plan (docs/method.md §10.7)."""

    kept: list[str] = field(default_factory=list)
    exited: list[str] = field(default_factory=list)
    free: list[Alliance] = field(default_factory=list)  # keep/exit decided by the MILP (y_j)
    closed: set[str] = field(default_factory=set)  # status "closed": no longer in the portfolio
    base: dict[str, float] = field(default_factory=dict)  # limits they already use
    coverage: dict[str, float] = field(default_factory=dict)  # coverage they already give
    screen: dict[str, list[str]] = field(default_factory=dict)  # candidates screened, why

    def add_screen(self, cid: str, reason: str) -> None:
        """Screen candidate ``cid`` for ``reason`` (after any reason it already has)."""
        self.screen.setdefault(cid, []).append(reason)


def existing_alliances(
    ws: Workspace, ids: list[str], decided: Mapping[str, Decision], o: PlanOptions
) -> Existing:
    """Keep every alliance unless the review says EXIT (exit cost on the one-off budget)."""
    unknown = sorted(set(decided) - set(ws.alliance_ids))
    if unknown:
        raise bad(f"review decisions name unknown alliance(s): {', '.join(unknown)}")
    out = Existing(base={"cost_one_off": 0.0, "cost_annual": 0.0, "mgmt_load_fte": 0.0})
    coverage = ws.alliance_coverage_frame()
    for a in ws.alliances:
        if a.status == AllianceStatus.CLOSED:
            out.closed.add(a.alliance_id)  # like review_alliances: neither kept nor exited
            continue
        if decided.get(a.alliance_id) == Decision.EXIT:
            out.exited.append(a.alliance_id)
            out.base["cost_one_off"] += float(a.exit_cost)
            continue
        if o.reoptimise_existing:
            out.free.append(a)
            # y_j = 0 charges the exit cost: X_j·(1 − y_j) = X_j − X_j·y_j
            out.base["cost_one_off"] += float(a.exit_cost)
            continue
        out.kept.append(a.alliance_id)
        out.base["cost_annual"] += float(a.cost_annual)
        out.base["mgmt_load_fte"] += float(a.mgmt_load_fte or 0.0)
        for gap in coverage.columns:
            level = float(coverage.loc[a.alliance_id, gap])
            out.coverage[gap] = out.coverage.get(gap, 0.0) + level
        for cid in a.conflicts_with:
            if cid in ids:
                out.screen[cid] = [f"conflicts with kept alliance {a.alliance_id}"]
    return out


def screened(
    ws: Workspace, scores: pd.Series, risk: pd.DataFrame, ko_caps: RiskCaps | None, o: PlanOptions
) -> dict[str, tuple[str, ...]]:
    """The knockouts K1–K5 of each candidate failing one (none when ``o`` turns them off)."""
    from alliancekit.criteria import knockouts

    return knockouts(ws, scores, risk, ko_caps) if o.apply_knockouts else {}


def knockout_caps(
    ws: Workspace,
    scored: tuple[pd.DataFrame, pd.DataFrame, pd.Series],
    caps: RiskCaps,
    ko_caps: RiskCaps | None,
    o: PlanOptions,
    e: Existing,
) -> tuple[Mapping[str, tuple[str, ...]], dict[str, float], dict[str, float]]:
    """Knockouts K1, K2, K4, K5 screen before the MILP; K3 becomes the per-partner caps.

    Returns the knockouts by candidate, the per-partner caps (``max_each``: an infeasibility
    diagnosis can then say which cap to relax) and the average caps.
    """
    _table, risk, scores = scored
    ko = screened(ws, scores, risk, ko_caps, o)
    for cid, reasons in ko.items():
        other = [r for r in reasons if not r.startswith("K3")]
        if other:  # keep an earlier reason (a conflict with a kept alliance) as well
            e.screen[cid] = [*other, *e.screen.get(cid, [])]
    each = {"R": caps.max_total_per_partner, "R_rel": caps.max_relational_per_partner}
    average = {"R": caps.avg_total, "R_rel": caps.avg_relational, "R_perf": caps.avg_performance}
    max_each = {k: float(v) for k, v in each.items() if o.apply_knockouts and v is not None}
    return ko, max_each, {k: float(v) for k, v in average.items() if v is not None}


def limits(ws: Workspace, caps: RiskCaps, o: PlanOptions) -> dict[str, float]:
    """Budgets (overridable), management capacity and the expected-loss budget."""
    org = ws.organization
    out = {
        "cost_one_off": float(org.budget_one_off if o.budget_one_off is None else o.budget_one_off),
        "cost_annual": float(org.budget_annual if o.budget_annual is None else o.budget_annual),
    }
    if org.mgmt_capacity_fte is not None:
        out["mgmt_load_fte"] = float(org.mgmt_capacity_fte)
    if caps.expected_loss_limit is not None:
        out["expected_loss"] = float(caps.expected_loss_limit)
    return out


@dataclass
class Links:
    """Conflicts, dependencies and must-include flags between partners."""

    conflicts: list[tuple[str, ...]] = field(default_factory=list)
    requires: dict[str, list[str]] = field(default_factory=dict)
    must_include: list[str] = field(default_factory=list)


def links(ws: Workspace, ids: list[str], e: Existing) -> Links:
    """A candidate's conflicts_with / requires_any may name existing alliances.

    A kept alliance blocks a conflicting candidate (x_i + y_j ≤ 1 with y_j = 1) and satisfies
    a dependency; an exited one does neither; a re-optimised one is a keep/exit row the MILP
    links by the same constraints.
    """
    out = Links()
    free = {a.alliance_id for a in e.free}
    known = set(ids) | free | set(e.kept) | set(e.exited) | e.closed
    for c in ws.candidates:
        for other in c.conflicts_with:
            if other in ids or other in free:
                pair = tuple(sorted((c.id, other)))
                if pair not in out.conflicts:
                    out.conflicts.append(pair)
            elif other in e.kept:
                e.add_screen(c.id, f"conflicts with kept alliance {other}")
        listed = list(c.requires_any)
        needs = [r for r in listed if r in ids or r in free]
        if not listed or any(r in e.kept for r in listed):
            pass  # no dependency, or one satisfied by an alliance that stays
        elif any(r not in known for r in listed):
            out.requires[c.id] = listed  # make_problem names the unknown id(s)
        elif needs:
            out.requires[c.id] = needs
        else:
            gone = "closed or exited" if e.closed & set(listed) else "exited"
            needed = ", ".join(listed)
            e.add_screen(c.id, f"dependency unmet: needs one of {needed} ({gone} by the review)")
        if c.must_include:
            out.must_include.append(c.id)
    return out


def objective_coefficients(
    ws: Workspace, table: pd.DataFrame, o: PlanOptions, notes: list[str]
) -> tuple[pd.Series, str, dict[str, float] | None]:
    """Coefficients of objectives (a)–(e) over candidates, the model objective's name and the
    coverage reward (objective e); appends a note on how the objective is formed."""
    e_npv = table["e_npv"].astype(float)
    name = o.objective.value
    if name == "score":
        return table["score"].astype(float), name, None
    if name == "blend":
        if not 0 <= o.blend <= 1:
            raise bad(f"blend must lie in [0, 1], got {o.blend}")
        scale = float(e_npv.abs().max()) or 1.0
        coef = o.blend * e_npv / scale + (1 - o.blend) * table["score"].astype(float) / 100.0
        share = f"{o.blend:g}·E[NPV]/{scale:,.4g} + {1 - o.blend:g}·score/100"
        notes.append(f"blend = {share} (both on [−1, 1])")
        return coef, name, None
    if name != "coverage":
        return e_npv, name, None  # expected_npv, mean_cvar
    importance = {g.gap_id: float(g.importance) for g in ws.organization.capability_gaps}
    weight = o.coverage_weight
    if weight is None:
        weight = float(e_npv.abs().mean()) / max(importance.values(), default=1.0)
    notes.append(f"coverage objective: E[NPV] + {weight:,.4g}·Σ importance_g·min(1, cov_g)")
    return e_npv, name, {g: weight * imp for g, imp in importance.items()}


def keep_exit_rows(
    ws: Workspace, table: pd.DataFrame, o: PlanOptions, e: Existing
) -> tuple[pd.DataFrame, pd.Series, float]:
    """Rows for the alliances whose keep/exit the MILP decides (y_j of docs/method.md §4).

    Objective (a): NPV_j·y_j − X_j·(1 − y_j), i.e. coefficient NPV_j + X_j and constant −X_j
    with NPV_j = (value_plan − cost_annual)·AF. Returns the rows, their coefficients and the
    objective constant.
    """
    free = e.free
    rows = pd.DataFrame(
        {
            "cost_one_off": [-float(a.exit_cost) for a in free],
            "cost_annual": [float(a.cost_annual) for a in free],
            "mgmt_load_fte": [float(a.mgmt_load_fte or 0.0) for a in free],
            "relation": "existing alliance",
            "form": "existing alliance",
        },
        index=[a.alliance_id for a in free],
    )
    for col in ("R", "R_rel", "R_perf", "expected_loss", "score"):
        rows[col] = 0.0
    af = ws.organization.annuity_factor
    npv = pd.Series([(a.value_plan_annual - a.cost_annual) * af for a in free], rows.index)
    exit_cost = pd.Series([float(a.exit_cost) for a in free], index=rows.index)
    keep_value = npv.astype(float) + exit_cost
    if o.objective.value == "score":
        return rows, pd.Series(0.0, index=rows.index), 0.0
    if o.objective.value == "blend":
        scale = float(table["e_npv"].astype(float).abs().max()) or 1.0
        return rows, o.blend * keep_value / scale, -o.blend * float(exit_cost.sum()) / scale
    return rows, keep_value, -float(exit_cost.sum())


def details(table: pd.DataFrame, ids: list[str], ko: Mapping[str, tuple[str, ...]]) -> pd.DataFrame:
    """Per candidate: name, relation, form, score, risks, E[NPV] and knockout codes."""
    out = pd.DataFrame(index=pd.Index(ids, name="partner_id"))
    for col in ("name", "relation", "form"):
        if col in table.columns:
            out[col] = table[col].astype(str)
    for col in ("score", "R", "R_rel", "R_perf", "p_fail", "e_npv"):
        out[col] = table[col].astype(float)
    codes = (dict.fromkeys(r.split(":", 1)[0] for r in ko.get(i, ())) for i in ids)
    out["knockouts"] = [",".join(c) for c in codes]
    return out
