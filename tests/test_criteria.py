"""Tests for alliancekit.criteria: C1–C11, presets, knockouts, score_partners and ``score`` CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from factories import make_candidate, make_ws
from hypothesis import given, settings
from hypothesis import strategies as st

from alliancekit.cli import main
from alliancekit.criteria import (
    CRITERIA,
    CRITERION_CODES,
    WEIGHT_PRESETS,
    CriterionGroup,
    ScreeningPolicy,
    criteria_matrix,
    criteria_table,
    criteria_values,
    knockout_codes,
    knockouts,
    min_max,
    preset_weights,
    resolve_weights,
    score_partners,
)
from alliancekit.errors import DataValidationError
from alliancekit.model import (
    Direction,
    Relation,
    RiskCaps,
    Workspace,
)
from alliancekit.risk import RiskPolicy, risk_table

#: docs/method.md §11: id, full-precision score, knockouts; §6 published (one-decimal) score.
ORACLE_TEXT = """
A02 66.0580 -     66.1
A01 65.0208 -     65.0
A05 60.1535 -     60.2
A09 57.3725 -     57.4
A03 55.5651 -     55.6
A10 55.1061 -     55.1
A11 54.4518 -     54.5
A07 54.2709 -     54.3
A06 51.3707 -     51.4
A12 49.5860 -     49.6
A13 43.6416 -     43.6
A14 43.0153 K1    43.0
A08 42.9007 -     42.9
A04 37.2125 K3,K4 37.2
B01 65.9083 -     65.9
B05 59.3935 -     59.4
B04 57.5827 -     57.6
B13 55.2042 -     55.2
B12 54.2875 -     54.3
B02 53.8338 -     53.8
B10 53.5766 -     53.6
B06 53.2196 -     53.2
B09 52.2758 K3    52.3
B11 51.6821 -     51.7
B07 50.8487 -     50.8
B14 47.7734 -     47.8
B08 45.8387 K3    45.8
B03 44.7007 K3    44.7
C07 67.8495 -     67.8
C01 58.4321 -     58.4
C09 58.3789 -     58.4
C05 58.0208 -     58.0
C10 56.5737 -     56.6
C16 56.3320 -     56.3
C02 55.8151 -     55.8
C15 55.1375 -     55.1
C13 54.8378 -     54.8
C03 52.6891 -     52.7
C12 52.6529 -     52.7
C08 50.6731 -     50.7
C06 50.5178 -     50.5
C04 48.0490 -     48.0
C11 42.5402 K3    42.5
C14 37.5837 K4    37.6
"""
ORACLE = pd.DataFrame(
    [line.split() for line in ORACLE_TEXT.strip().splitlines()],
    columns=["id", "score", "knockouts", "published"],
).set_index("id")
ORACLE["score"] = ORACLE["score"].astype(float)
ORACLE["published"] = ORACLE["published"].astype(float)
PREFIX = {"sanchar-apps": "A", "greenscape": "B", "norden-pumpen": "C"}
DATA = Path(__file__).resolve().parents[1] / "data"


# -- helpers ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def samples() -> dict[str, Workspace]:
    from alliancekit.workspace import sample_workspace

    return {name: sample_workspace(name) for name in PREFIX}


# -- criteria definitions and presets ----------------------------------------------------------
def test_criteria_definitions() -> None:
    """C1–C11 with the docs/method.md §2 default weights (task 0.45, partner 0.41, risk 0.14)."""
    assert tuple(f"C{i}" for i in range(1, 12)) == CRITERION_CODES
    weights = [c.default_weight for c in CRITERIA.values()]
    assert weights == [0.16, 0.14, 0.11, 0.09, 0.08, 0.08, 0.10, 0.07, 0.07, 0.05, 0.05]
    assert sum(weights) == pytest.approx(1.0)
    by_group: dict[CriterionGroup, float] = {}
    for c in CRITERIA.values():
        by_group[c.group] = by_group.get(c.group, 0.0) + c.default_weight
    assert by_group[CriterionGroup.TASK] == pytest.approx(0.40)  # C1, C2, C7
    assert by_group[CriterionGroup.TASK] + by_group[CriterionGroup.LEARNING] == pytest.approx(0.45)
    assert by_group[CriterionGroup.PARTNER] == pytest.approx(0.41)
    assert by_group[CriterionGroup.RISK] == pytest.approx(0.14)
    assert CRITERIA["C7"].direction is Direction.COST
    table = criteria_table()
    assert list(table.index) == list(CRITERION_CODES)
    assert table.loc["C8", "group"] == "risk"


@pytest.mark.parametrize("name", list(WEIGHT_PRESETS))
def test_presets_renormalise_to_one(name: str) -> None:
    w = preset_weights(name)
    assert list(w.index) == list(CRITERION_CODES)
    assert w.sum() == pytest.approx(1.0)
    assert (w > 0).all()


def test_preset_multipliers() -> None:
    """Multiply the listed weights, then renormalise (docs/method.md §2)."""
    w = preset_weights("capability_seeking")
    assert w["C1"] == pytest.approx(0.24 / 1.08)
    assert w["C2"] == pytest.approx(0.14 / 1.08)
    w = preset_weights("cost_sharing")
    assert w["C7"] / w["C2"] == pytest.approx(0.15 / 0.168)
    w = preset_weights("exploration")
    assert w["C10"] == pytest.approx(0.10 / 1.075)
    w = preset_weights("coopetition")
    assert w["C8"] / w["C3"] == pytest.approx(0.14 / 0.143)
    w = preset_weights("public_partner")
    assert w["C11"] / w["C5"] == pytest.approx(0.035 / 0.104)
    w = preset_weights("hard_risk_caps")  # C8 = C9 = 0.03, then renormalise
    assert w["C8"] == pytest.approx(0.03 / 0.92)
    assert w["C9"] == pytest.approx(0.03 / 0.92)
    assert preset_weights("Hard-Risk-Caps").equals(w)


def test_unknown_preset_lists_the_presets() -> None:
    with pytest.raises(ValueError, match="unknown weight preset 'greedy'") as info:
        preset_weights("greedy")
    for name in WEIGHT_PRESETS:
        assert name in str(info.value)


def test_resolve_weights_order() -> None:
    """Explicit weights > preset > organization criteria_weights > weights_preset > default."""
    ws = make_ws(make_candidate("X"))
    w, origin = resolve_weights(ws)
    assert origin == "preset 'default'"
    pd.testing.assert_series_equal(w, preset_weights("default"))
    w, _ = resolve_weights(ws, {"C1": 2, "C2": 2})
    assert w["C1"] == w["C2"] == 0.5 and w.drop(["C1", "C2"]).eq(0).all()
    w, origin = resolve_weights(ws, "exploration")
    assert origin == "preset 'exploration'"
    ws2 = make_ws(make_candidate("X"), weights_preset="coopetition")
    assert resolve_weights(ws2)[1] == "preset 'coopetition'"
    ws3 = make_ws(make_candidate("X"), weights_preset="coopetition", criteria_weights={"C3": 1.0})
    w, origin = resolve_weights(ws3)
    assert origin == "organization criteria_weights" and w["C3"] == 1.0
    assert resolve_weights(ws3, preset="default")[1] == "preset 'default'"


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        ({"C12": 1.0}, "unknown criterion code"),
        ({"C1": -1.0, "C2": 2.0}, "must be finite and >= 0"),
        ({"C1": 0.0}, "at least one must be positive"),
        ({"C1": "heavy"}, "not a number"),
        ({"C1": float("nan")}, "must be finite"),
    ],
)
def test_bad_weights_are_rejected(weights: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        resolve_weights(make_ws(make_candidate("X")), weights)


def test_weights_and_preset_together_is_an_error() -> None:
    with pytest.raises(ValueError, match="either weights or preset"):
        resolve_weights(make_ws(make_candidate("X")), {"C1": 1.0}, "default")


# -- the criteria matrix ---------------------------------------------------------------------------
def test_criteria_matrix_hand_computed_a05(samples) -> None:
    """A05 (PayKart Gateway), hand-computed in the ``criteria_matrix`` docstring
    (docs/method.md §6.1).

    C1 = 3.6/8.2; C2 = (160 − 60)/(520 − 60); C3 = C4 = C5 = 0.75; C6 = 0.375 + 1/3;
    C7 = (552.33 − 169.11)/(552.33 − 46.03); C8 = 0.75; C9 = 0.80; C10 = 0.25; C11 = 0.75.
    """
    ws = samples["sanchar-apps"]
    af = (1 - 1.12**-3) / 0.12
    pv_cost = {"A05": 25 + 60 * af, "A01": 120 + 180 * af, "A13": 10 + 15 * af}
    expected = {
        "C1": 3.6 / 8.2,
        "C2": 100 / 460,
        "C3": 0.75,
        "C4": 0.75,
        "C5": 0.75,
        "C6": 0.5 * 0.75 + 0.5 * 2 / 3,
        "C7": (pv_cost["A01"] - pv_cost["A05"]) / (pv_cost["A01"] - pv_cost["A13"]),
        "C8": 0.75,
        "C9": 0.80,
        "C10": 0.25,
        "C11": 0.75,
    }
    row = criteria_matrix(ws).loc["A05"]
    for code, value in expected.items():
        assert row[code] == pytest.approx(value, abs=1e-12), code
    assert row["C7"] == pytest.approx(0.75690, abs=1e-5)
    raw = criteria_values(ws).loc["A05"]
    assert raw["C1"] == pytest.approx(3.6) and raw["C2"] == pytest.approx(160 * af)
    assert raw["C8"] == pytest.approx(0.25) and raw["C3"] == 4


def test_matrix_in_unit_interval_and_minmax_over_all(sample_name: str, samples) -> None:
    """Money/coverage criteria span exactly [0, 1] over all candidates, knocked out included."""
    m = criteria_matrix(samples[sample_name])
    assert list(m.columns) == list(CRITERION_CODES)
    assert ((m >= 0) & (m <= 1)).all().all()
    for code in ("C1", "C2", "C7"):
        assert m[code].min() == 0.0 and m[code].max() == 1.0


def test_knocked_out_candidates_stay_in_the_normalisation(samples) -> None:
    """§10 reading 1: A14 (K1, coverage 0) is the C1 minimum; dropping it moves A05's C1."""
    ws = samples["sanchar-apps"]
    assert criteria_matrix(ws).loc["A14", "C1"] == 0.0
    smaller = criteria_matrix(ws.without_candidates("A14"))
    assert smaller.loc["A05", "C1"] == pytest.approx((3.6 - 1.2) / (8.2 - 1.2))


def test_min_max_constant_gives_half() -> None:
    np.testing.assert_array_equal(min_max(np.array([3.0, 3.0, 3.0])), [0.5, 0.5, 0.5])
    np.testing.assert_allclose(min_max(np.array([1.0, 2.0, 3.0]), "cost"), [1.0, 0.5, 0.0])


def test_single_candidate_gets_half_on_relative_criteria() -> None:
    m = criteria_matrix(make_ws(make_candidate("ONLY")))
    assert m.loc["ONLY", ["C1", "C2", "C7"]].tolist() == [0.5, 0.5, 0.5]


def test_defaults_for_missing_optional_items() -> None:
    """§1.2 defaults (§10 reading 5): reputation, learning, flexibility and performance items 3,
    prior_ties 0, exit_cost 0, relational items by relation (§3.1)."""
    ws = make_ws(
        make_candidate("P", Relation.PUBLIC_BODY),
        make_candidate("K", Relation.COMPETITOR, prior_ties=5, reputation=5),
    )
    m = criteria_matrix(ws)
    assert m.loc["P", "C6"] == pytest.approx(0.25)  # 0.5·L(3) + 0.5·0/3
    assert m.loc["K", "C6"] == pytest.approx(1.0)  # prior ties capped at 3
    assert m.loc["P", "C10"] == m.loc["P", "C11"] == 0.5
    assert m.loc["P", "C9"] == pytest.approx(0.5)  # R_perf = L(3)
    # public body: opportunism 1, leakage 1, dependence 3; goal = culture = 4
    r_rel_p = 0.25 * 0.25 + 0 + 0 + 0.15 * 0.5 + 0.20 * 0.25
    assert m.loc["P", "C8"] == pytest.approx(1 - r_rel_p)
    # competitor: 4, 4, 3
    r_rel_k = 0.25 * 0.25 + 0.25 * 0.75 + 0.15 * 0.75 + 0.15 * 0.5 + 0.20 * 0.25
    assert m.loc["K", "C8"] == pytest.approx(1 - r_rel_k)


def test_criteria_validation_names_the_cell() -> None:
    ws = make_ws(make_candidate("A"), make_candidate("B", reputation=0))
    with pytest.raises(DataValidationError) as info:
        criteria_matrix(ws)
    p = info.value.problems[0]
    assert (p.row, p.column) == (3, "reputation")
    with pytest.raises(DataValidationError, match="prior_ties"):
        criteria_matrix(make_ws(make_candidate("A", prior_ties=-1)))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 5),
            st.integers(1, 5),
            st.floats(0, 1),
            st.floats(0, 500),
            st.floats(0, 500),
            st.integers(0, 6),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_matrix_always_in_unit_interval(rows) -> None:
    cands = [
        make_candidate(
            f"H{i}",
            goal_compat=g,
            opportunism=o,
            coverage={"G1": cov},
            value_annual=v,
            cost_annual=c,
            prior_ties=t,
        )
        for i, (g, o, cov, v, c, t) in enumerate(rows)
    ]
    m = criteria_matrix(make_ws(*cands))
    assert ((m >= -1e-12) & (m <= 1 + 1e-12)).all().all()


# -- knockouts -----------------------------------------------------------------------------------
def test_every_knockout_is_reported() -> None:
    """A candidate failing K1, K2, K3 (both caps), K4 and K5 gets one reason for each."""
    bad = make_candidate(
        "BAD",
        Relation.COMPETITOR,
        coverage={},
        goal_compat=1,
        culture_compat=1,
        opportunism=5,
        leakage=5,
        dependence=5,
        competence_unc=5,
        market_unc=5,
        complexity=5,
        fin_fragility=5,
        regulatory=5,
        must_exclude=True,
    )
    ws = make_ws(bad, make_candidate("GOOD"))
    ko = knockouts(ws, {"BAD": 12.345, "GOOD": 80.0})
    assert list(ko) == ["BAD"]
    reasons = ko["BAD"]
    assert knockout_codes(reasons) == ("K1", "K2", "K3", "K4", "K5")
    assert reasons[0].startswith("K1: closes no capability gap")
    assert reasons[1] == "K2: goal_compat 1 <= 1 (goals incompatible)"
    assert reasons[2] == "K3: R 1.00 > 0.55 (max total risk per partner, medium appetite)"
    assert reasons[3] == "K3: R_rel 1.00 > 0.65 (max relational risk per partner, medium appetite)"
    assert reasons[4] == "K4: score 12.3 < 40"
    assert reasons[5] == "K5: must_exclude is set"


def test_k1_fires_on_all_zero_coverage() -> None:
    ws = make_ws(make_candidate("Z", coverage={"G1": 0.0, "G2": 0.0}), make_candidate("Y"))
    assert knockouts(ws, None) == {
        "Z": ("K1: closes no capability gap (coverage empty or all zero)",)
    }


def test_k3_caps_from_organization_or_argument() -> None:
    """Explicit organization caps override the appetite defaults; close values show more digits."""
    cand = make_candidate(
        "R", opportunism=5, leakage=5
    )  # R_rel = 0.0625+0.25+0.15+0.075+0.05 = 0.5875
    ws = make_ws(cand, risk_caps=RiskCaps(max_relational_per_partner=0.587))
    assert knockouts(ws, None)["R"] == (
        "K3: R_rel 0.588 > 0.587 (max relational risk per partner, organization risk_caps)",
    )
    assert knockouts(make_ws(cand), None) == {}
    given_caps = RiskCaps(max_total_per_partner=0.2, max_relational_per_partner=0.9)
    reasons = knockouts(make_ws(cand), None, caps=given_caps)["R"]
    assert reasons == ("K3: R 0.54 > 0.20 (max total risk per partner, given caps)",)


def test_k4_threshold_is_configurable() -> None:
    ws = make_ws(make_candidate("S"))
    assert knockouts(ws, {"S": 45.0}) == {}
    ko = knockouts(ws, {"S": 45.0}, screening=ScreeningPolicy(min_score=50))
    assert ko == {"S": ("K4: score 45.0 < 50",)}
    ko = knockouts(ws, {"S": 39.96})  # would print as 40.0
    assert ko == {"S": ("K4: score 39.9600 < 40",)}


def test_knockouts_need_every_candidate() -> None:
    ws = make_ws(make_candidate("S"), make_candidate("T"))
    with pytest.raises(ValueError, match="lack candidate"):
        knockouts(ws, {"S": 50.0})


def test_screening_policy_validation() -> None:
    with pytest.raises(ValueError, match="benefit_share"):
        ScreeningPolicy(benefit_share_min=0.9, benefit_share_max=0.1)
    with pytest.raises(ValueError, match="finite"):
        ScreeningPolicy(min_score=float("nan"))


# -- score_partners ------------------------------------------------------------------------------
def test_score_partners_reproduces_domain_oracles(sample_name: str, samples) -> None:
    """docs/method.md §11 scores (±0.01) and §6 published scores (±0.1) and knockout sets."""
    res = score_partners(samples[sample_name])
    expected = ORACLE[ORACLE.index.str.startswith(PREFIX[sample_name])]
    assert sorted(res.scores.index) == sorted(expected.index)
    got = res.scores.loc[expected.index]
    np.testing.assert_allclose(got, expected["score"], atol=0.01, rtol=0)
    np.testing.assert_allclose(got, expected["published"], atol=0.1 + 1e-9, rtol=0)
    # ranks follow the §6 table order (no ties there)
    assert list(res.scores.sort_values(ascending=False).index) == list(expected.index)
    got_ko = {cid: ",".join(knockout_codes(r)) for cid, r in res.knockouts.items()}
    want_ko = {cid: k for cid, k in expected["knockouts"].items() if k != "-"}
    assert got_ko == want_ko
    d = res.details
    assert (d.loc[list(want_ko), "knocked_out"]).all()
    assert d["knocked_out"].sum() == len(want_ko)
    pd.testing.assert_series_equal(d["S"], res.scores, check_names=False)
    pd.testing.assert_series_equal(
        d["e_npv"], risk_table(samples[sample_name])["e_npv"], check_names=False
    )


def test_score_partners_example_reasons(samples) -> None:
    res = score_partners(samples["sanchar-apps"])
    assert res.knockouts["A04"] == (
        "K3: R_rel 0.72 > 0.65 (max relational risk per partner, medium appetite)",
        "K4: score 37.2 < 40",
    )
    res_c = score_partners(samples["norden-pumpen"])
    assert knockout_codes(res_c.knockouts["C11"]) == ("K3",)
    assert len(res_c.knockouts["C11"]) == 2  # both risk caps broken
    res_b = score_partners(samples["greenscape"])
    assert res_b.knockouts["B09"] == (
        "K3: R_rel 0.64 > 0.55 (max relational risk per partner, low appetite)",
    )
    assert res_b.knockouts["B08"] == (
        "K3: R 0.46 > 0.45 (max total risk per partner, low appetite)",
    )


def test_score_partners_result_shape(samples) -> None:
    res = score_partners(samples["greenscape"])
    assert res.method == "weighted_sum"
    pd.testing.assert_frame_equal(res.normalized, criteria_matrix(samples["greenscape"]))
    assert res.weights.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(res.contributions.sum(axis=1), res.scores)
    assert res.ranks["B01"] == 1
    for col in ("name", "S", "C1_raw", "C11_raw", "R_rel", "R_perf", "R", "p_fail", "e_npv"):
        assert col in res.details.columns
    frame = res.to_frame()
    assert frame.index[0] == "B01" and "e_npv" in frame.columns
    assert "knocked out (3)" in res.summary()
    d = json.loads(res.to_json())
    assert d["knockouts"]["B09"][0].startswith("K3")
    assert any("weights: preset 'default'" in n for n in res.notes)


def test_score_partners_with_presets_and_methods(samples) -> None:
    ws = samples["norden-pumpen"]
    base = score_partners(ws)
    explo = score_partners(ws, preset="exploration")
    pd.testing.assert_series_equal(explo.weights, preset_weights("exploration"), check_names=False)
    assert not np.allclose(explo.scores, base.scores)
    same = score_partners(ws, weights=dict(preset_weights("exploration")))
    np.testing.assert_allclose(same.scores, explo.scores)
    for method in ("topsis", "promethee_ii"):
        res = score_partners(ws, method=method)
        assert res.method == method
        # K4 still uses the weighted-sum score, so the knockouts do not change
        assert dict(res.knockouts) == dict(base.knockouts)
        assert any("K4 uses the weighted-sum score" in n for n in res.notes)
    topsis = score_partners(ws, method="topsis")
    assert ((topsis.scores >= 0) & (topsis.scores <= 1)).all()


def test_score_partners_policy_switch_changes_risk_criteria(samples) -> None:
    """Turning the §3.2 form adjustment on changes C8/C9 and the E[NPV] of JVs only."""
    ws = samples["norden-pumpen"]
    base = score_partners(ws)
    adj = score_partners(ws, policy=RiskPolicy(form_adjustment=True))
    assert adj.details.loc["C07", "R_rel"] == pytest.approx(0.225 * 0.85)
    assert adj.details.loc["C02", "R_perf"] == pytest.approx(0.225 * 0.9)
    assert adj.details.loc["C01", "R"] == pytest.approx(base.details.loc["C01", "R"])


def test_partial_weights_score_only_given_criteria(samples) -> None:
    """Criteria left out of a weights mapping weigh 0, and the note says so."""
    ws = samples["greenscape"]
    res = score_partners(ws, weights={"C1": 1, "C3": 1})
    m = criteria_matrix(ws)
    np.testing.assert_allclose(res.scores, 100 * (m["C1"] + m["C3"]) / 2)
    assert any("C2, C4, C5, C6, C7, C8, C9, C10, C11 not given: weight 0" in n for n in res.notes)


def test_mutual_benefit_warnings() -> None:
    ws = make_ws(
        make_candidate("LOW", partner_benefit_share=0.1),
        make_candidate("MID", partner_benefit_share=0.5),
        make_candidate("HIGH", partner_benefit_share=0.9),
        make_candidate("NONE"),
    )
    res = score_partners(ws)
    w = res.details["warning"]
    assert w["LOW"].startswith("partner_benefit_share 0.1 < 0.2")
    assert w["HIGH"].startswith("partner_benefit_share 0.9 > 0.8")
    assert w["MID"] == w["NONE"] == ""
    assert sum("partner_benefit_share" in n for n in res.notes) == 2


# -- command line ----------------------------------------------------------------------------------
def test_cli_score_table(capsys) -> None:
    assert main(["score", str(DATA / "greenscape")]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "E[NPV] [PKR lakh]" in out
    first = next(line for line in lines if line.strip().startswith("1 "))
    assert "B01" in first and "65.9" in first
    assert "B09: K3: R_rel 0.64 > 0.55" in out


def test_cli_score_json_and_preset(capsys) -> None:
    args = ["score", str(DATA / "norden-pumpen"), "--format", "json", "--weights", "exploration"]
    assert main(args) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["type"] == "ScoreResult" and d["method"] == "weighted_sum"
    assert d["weights"]["C10"] == pytest.approx(preset_weights("exploration")["C10"])
    assert set(d["knockouts"]) == {"C11", "C14"}


def test_cli_score_unknown_preset_exits_2(capsys) -> None:
    assert main(["score", str(DATA / "greenscape"), "--weights", "greedy"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: alliancekit score: argument --weights: invalid choice: 'greedy'")
    assert "coopetition" in err and err.count("\n") == 1
