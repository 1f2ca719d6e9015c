"""Small in-memory model factories shared by the tests (build objects, never touch files)."""

from __future__ import annotations

from typing import Any

from alliancekit.model import (
    AllianceForm,
    Candidate,
    Gap,
    Goal,
    Organization,
    Relation,
    RiskAppetite,
    Workspace,
)


def make_org(**kw: Any) -> Organization:
    """A valid two-gap organization (PKR lakh, medium appetite, H = 3, r = 12 %)."""
    base: dict[str, Any] = dict(
        org_id="t",
        name="Test Org",
        sector="testing",
        mission_statement="Test.",
        currency="PKR",
        money_unit="lakh",
        goals=(Goal("g1", "grow", 1.0),),
        capability_gaps=(Gap("G1", "gap one", 5), Gap("G2", "gap two", 3)),
        budget_one_off=100.0,
        budget_annual=100.0,
        risk_appetite=RiskAppetite.MEDIUM,
        planning_horizon_years=3,
        discount_rate=0.12,
    )
    base.update(kw)
    return Organization(**base)


def make_candidate(cid: str, relation: Relation = Relation.SUPPLIER, **kw: Any) -> Candidate:
    """A valid supplier candidate covering half of G1; override any field by keyword."""
    base: dict[str, Any] = dict(
        id=cid,
        name=f"Partner {cid}",
        relation=relation,
        form=AllianceForm.ALLIANCE_AGREEMENT,
        sector="s",
        cost_one_off=10.0,
        cost_annual=20.0,
        value_annual=50.0,
        goal_compat=4,
        culture_compat=4,
        commitment=4,
        coverage={"G1": 0.5},
    )
    base.update(kw)
    return Candidate(**base)


def make_ws(*cands: Candidate, **org_kw: Any) -> Workspace:
    """A workspace holding these candidates and ``make_org(**org_kw)``."""
    return Workspace("test", make_org(**org_kw), tuple(cands))
