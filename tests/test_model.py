"""Data model: enums, helpers, defaults, derived properties and Workspace frames.

Known answers: annuity factors and appetite caps from docs/method.md §2, §3.5 and §6;
relational-risk defaults from §3.1; required-coverage defaults from §1.1.
"""

from __future__ import annotations

import math
from dataclasses import FrozenInstanceError, replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliancekit.model import (
    RELATIONAL_DEFAULTS,
    AllianceForm,
    AllianceStatus,
    Buyout,
    Candidate,
    Decision,
    DecisionRule,
    Direction,
    Gap,
    IPSensitivity,
    KPIDirection,
    KPISource,
    MilestoneStatus,
    Organization,
    Perspective,
    Relation,
    RiskAppetite,
    RiskCaps,
    Side,
    likert,
    period_from_index,
    period_index,
    period_key,
)
from alliancekit.workspace import sample_workspace


def test_likert_maps_scale_to_unit_interval() -> None:
    assert [likert(x) for x in (1, 2, 3, 4, 5)] == [0, 0.25, 0.5, 0.75, 1]
    assert likert(3.5) == 0.625


@pytest.mark.parametrize(
    ("enum", "text", "member"),
    [
        (Relation, "Public-Body", Relation.PUBLIC_BODY),
        (Relation, "public body", Relation.PUBLIC_BODY),
        (AllianceForm, "JOINT_VENTURE", AllianceForm.JOINT_VENTURE),
        (KPIDirection, "Higher", KPIDirection.HIGHER),
        (RiskAppetite, "medium", RiskAppetite.MEDIUM),
        (Side, "partner", Side.PARTNER),
        (MilestoneStatus, "late", MilestoneStatus.LATE),
        (AllianceStatus, "under review", AllianceStatus.UNDER_REVIEW),
        (Decision, "grow", Decision.GROW),
        (Direction, "cost", Direction.COST),
        (Perspective, "learning", Perspective.LEARNING),
        (KPISource, "joint", KPISource.JOINT),
        (Buyout, "shotgun", Buyout.SHOTGUN),
        (DecisionRule, "lead partner", DecisionRule.LEAD_PARTNER),
        (IPSensitivity, "MED", IPSensitivity.MED),
    ],
)
def test_enum_parse(enum: type, text: str, member: object) -> None:
    assert enum.parse(text) is member
    assert enum.parse(member) is member
    assert str(member) == member.value


def test_enum_parse_rejects_unknown_and_lists_allowed() -> None:
    with pytest.raises(ValueError, match="expected one of: higher, lower"):
        KPIDirection.parse("up")
    assert Relation.values() == (
        "supplier",
        "customer",
        "competitor",
        "complementor",
        "public_body",
        "internal",
    )


def test_decision_order() -> None:
    assert Decision.EXIT < Decision.RESTRUCTURE < Decision.MAINTAIN < Decision.GROW
    assert [d.rank for d in Decision] == [0, 1, 2, 3]
    assert max([Decision.MAINTAIN, Decision.GROW, Decision.EXIT]) is Decision.GROW
    assert Decision.EXIT <= Decision.EXIT and Decision.GROW >= Decision.MAINTAIN


def test_form_is_equity() -> None:
    assert AllianceForm.JOINT_VENTURE.is_equity and AllianceForm.EQUITY_ALLIANCE.is_equity
    assert not AllianceForm.ALLIANCE_AGREEMENT.is_equity


def test_periods() -> None:
    assert period_key("2025-Q2") == (2025, 2)
    assert period_index("2024-Q1") - period_index("2023-Q4") == 1
    assert sorted(["2025-Q1", "2023-Q4", "2024-Q2"], key=period_key) == [
        "2023-Q4",
        "2024-Q2",
        "2025-Q1",
    ]


@given(st.integers(min_value=0, max_value=4 * 3000))
def test_period_index_round_trip(i: int) -> None:
    assert period_index(period_from_index(i)) == i


def test_gap_required_defaults() -> None:
    """docs/method.md §1.1: required coverage defaults to 1.0 if importance >= 4, else 0.5."""
    assert Gap("G1", "x", 4).required == 1.0
    assert Gap("G1", "x", 3).required == 0.5
    assert Gap("G1", "x", 5, required_coverage=2.0).required == 2.0
    assert Gap("G1", "x", 2, required_coverage=math.nan).required == 0.5


def test_annuity_factor_and_caps() -> None:
    """docs/method.md §6: AF(3, 12%) = 2.402, AF(5, 9%) = 3.890; §3.5 caps by appetite."""
    a = sample_workspace("sanchar-apps").organization
    assert abs(a.annuity_factor - 2.4018312) < 1e-6
    assert replace(a, discount_rate=0.0).annuity_factor == 3.0
    caps = a.caps()
    assert (caps.avg_total, caps.max_total_per_partner, caps.max_relational_per_partner) == (
        0.38,
        0.55,
        0.65,
    )
    assert caps.cvar_limit == pytest.approx(0.20 * (250 + 3 * 650))
    b = sample_workspace("greenscape").organization
    assert b.caps().max_relational_per_partner == 0.55 and b.caps().max_total_per_partner == 0.45
    own = replace(b, risk_caps=RiskCaps(avg_total=0.33, cvar_limit=12.0))
    assert own.caps().avg_total == 0.33 and own.caps().cvar_limit == 12.0
    assert own.caps().max_total_per_partner == 0.45
    assert sample_workspace("norden-pumpen").organization.annuity_factor == pytest.approx(
        3.8896513, abs=1e-6
    )


@pytest.mark.parametrize(
    ("appetite", "avg", "max_r", "max_rel", "share"),
    [
        (RiskAppetite.LOW, 0.30, 0.45, 0.55, 0.10),
        (RiskAppetite.MEDIUM, 0.38, 0.55, 0.65, 0.20),
        (RiskAppetite.HIGH, 0.45, 0.65, 0.75, 0.35),
    ],
)
def test_caps_by_appetite_match_domain_table(
    appetite: RiskAppetite, avg: float, max_r: float, max_rel: float, share: float
) -> None:
    """docs/method.md §3.5 'Default caps by risk_appetite', row by row; Γ = share of B0 + H·B1."""
    org = replace(
        sample_workspace("norden-pumpen").organization, risk_appetite=appetite, risk_caps=RiskCaps()
    )
    caps = org.caps()
    assert (caps.avg_total, caps.max_total_per_partner, caps.max_relational_per_partner) == (
        avg,
        max_r,
        max_rel,
    )
    budget = org.budget_one_off + org.planning_horizon_years * org.budget_annual
    assert caps.cvar_limit == pytest.approx(share * budget)
    assert caps.avg_relational is None and caps.expected_loss_limit is None


def test_money_label() -> None:
    org = sample_workspace("greenscape").organization
    assert org.money_label == "PKR lakh"
    assert replace(org, currency="EUR", money_unit="k").money_label == "kEUR"
    assert replace(org, currency="EUR", money_unit="million").money_label == "MEUR"


def test_organization_lookups() -> None:
    org: Organization = sample_workspace("norden-pumpen").organization
    assert org.gap_ids == ("G1", "G2", "G3", "G4", "G5", "G6")
    assert org.gap("G5").importance == 2
    with pytest.raises(KeyError):
        org.gap("G9")


def test_entities_are_frozen() -> None:
    ws = sample_workspace("greenscape")
    c = ws.candidate("B01")
    with pytest.raises(FrozenInstanceError):
        c.cost_annual = 1.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        c.coverage["G1"] = 0.0  # type: ignore[index]


def test_candidates_frame_applies_relation_defaults() -> None:
    """docs/method.md §3.1: missing opportunism/leakage/dependence take the relation's defaults."""
    ws = sample_workspace("greenscape")
    blanks = tuple(
        replace(c, opportunism=None, leakage=None, dependence=None, duration_years=None)
        for c in ws.candidates
    )
    frame = ws.replace(candidates=blanks).candidates_frame()
    for cid, row in frame.iterrows():
        rel = Relation(row["relation"])
        assert tuple(row[["opportunism", "leakage", "dependence"]]) == RELATIONAL_DEFAULTS[rel], cid
    assert (frame["duration_years"] == 3).all()
    assert frame.index.name == "id" and list(frame.index) == list(ws.candidate_ids)


def test_coverage_frames() -> None:
    ws = sample_workspace("sanchar-apps")
    cov = ws.coverage_frame()
    assert list(cov.columns) == ["G1", "G2", "G3", "G4", "G5", "G6"]
    assert cov.loc["A01", "G1"] == 1.0 and cov.loc["A01", "G3"] == 0.0
    assert cov.loc["A14"].sum() == 0.0
    acov = ws.alliance_coverage_frame()
    assert acov.loc["AL-A2", "G5"] == 0.5 and acov.loc["AL-A1"].sum() == 0.0
    assert list(ws.alliances_frame().index) == ["AL-A1", "AL-A2", "AL-A3", "AL-A4"]


def test_without_candidates_drops_references() -> None:
    ws = sample_workspace("sanchar-apps")
    smaller = ws.without_candidates("A01", "A02")
    assert "A01" not in smaller.candidate_ids and len(smaller.candidates) == 12
    assert smaller.candidate("A11").requires_any == ("A03",)
    assert ws.candidate("A11").requires_any == ("A01", "A02", "A03")  # original untouched


def test_latest_period_and_lookups() -> None:
    ws = sample_workspace("norden-pumpen")
    assert ws.latest_period() == "2025-Q2"
    assert ws.alliance("AL-C5").partner_name == "PumpTech Korea"
    with pytest.raises(KeyError):
        ws.candidate("Z1")
    assert isinstance(ws.candidate("C07"), Candidate)


def test_model_package_exports_every_name_it_lists() -> None:
    """``alliancekit.model.__all__`` is assembled from the submodules; each name is importable."""
    import alliancekit.model as model

    assert [n for n in model.__all__ if not hasattr(model, n)] == []


def test_a_workspace_keeps_its_derived_tables_only_while_their_inputs_hold() -> None:
    """Budgets, caps and required coverage leave the risk table and the criteria as they were
    (kept, not rebuilt); a discount rate or a gap's importance does not."""
    import dataclasses

    import pandas as pd

    import alliancekit as ak
    from alliancekit.criteria import criteria_matrix
    from alliancekit.risk import risk_table

    ws = ak.sample_workspace("greenscape")
    table, matrix = risk_table(ws), criteria_matrix(ws)
    org = ws.organization
    gaps = tuple(dataclasses.replace(g, required_coverage=0.2) for g in org.capability_gaps)
    limits = ws.replace(
        organization=dataclasses.replace(
            org, budget_annual=1.0, max_alliances=2, capability_gaps=gaps
        )
    )
    assert limits.__dict__["_derived"] is ws.__dict__["_derived"]
    pd.testing.assert_frame_equal(risk_table(limits), table)
    rate = ws.replace(organization=dataclasses.replace(org, discount_rate=0.2))
    assert "_derived" not in rate.__dict__
    assert not risk_table(rate)["pv_benefit"].equals(table["pv_benefit"])
    first = org.capability_gaps[0]
    heavier = (dataclasses.replace(first, importance=first.importance + 1), *gaps[1:])
    weighted = ws.replace(organization=dataclasses.replace(org, capability_gaps=heavier))
    assert not criteria_matrix(weighted)["C1"].equals(matrix["C1"])
