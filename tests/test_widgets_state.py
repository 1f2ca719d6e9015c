"""The app's tabs share one session state (issue 15), driven from Python like a user would.

Each test moves a control in one tab and checks another tab follows, against the public API
computed independently (``plan_portfolio``, ``review_alliances``, ``budget_headroom``).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from alliancekit.errors import InfeasiblePortfolioError
from alliancekit.model import Decision, RiskAppetite
from alliancekit.portfolio import budget_headroom, plan_portfolio
from alliancekit.review import ReviewPolicy, review_alliances
from alliancekit.widgets import Dashboard
from alliancekit.widgets.state import SessionState, SettingConflictError
from alliancekit.workspace import sample_workspace


@pytest.fixture(scope="module")
def greenscape():
    return sample_workspace("greenscape")


@pytest.fixture
def app() -> Dashboard:
    return Dashboard(debounce=0)  # greenscape first


def _visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", " ", html, flags=re.S))


def test_weights_in_tab_1_drive_the_score_objective_in_tab_2(app: Dashboard) -> None:
    app.picker.value = dict(app.picker.options)["sanchar-apps"]
    ws = app.workspace
    app.portfolio.objective.value = "score"
    before = list(app.portfolio.result.selected)
    app.scoring.weight_sliders["C2"].value = 0.3  # strategic value counts twice as much
    weights = app.scoring.weights
    assert weights["C2"] == pytest.approx(0.3)
    assert dict(app.state.settings.weights)["C2"] == pytest.approx(0.3)
    expected = plan_portfolio(
        ws, objective="score", weights=weights.to_dict(), review=review_alliances(ws)
    )
    assert app.portfolio.result.selected == expected.selected
    assert app.portfolio.result.selected != before
    assert app.scoring.preset.value == ""  # the preset box says "Your own weights"
    assert app.scoring.preset.label == "Your own weights"


def test_a_review_threshold_changes_which_alliance_the_plan_exits(app: Dashboard) -> None:
    app.picker.value = dict(app.picker.options)["sanchar-apps"]
    assert app.portfolio.result.exited == ("AL-A4",)
    app.review.threshold_sliders["h_exit"].value = 50.0  # AL-A3's health is 49.8
    assert app.review.result.decisions["AL-A3"] is Decision.EXIT
    assert set(app.portfolio.result.exited) == {"AL-A3", "AL-A4"}
    assert "AL-A3" in app.portfolio.exits_html.value
    ws = app.workspace
    review = review_alliances(ws, policy=ReviewPolicy(h_exit=50.0))
    assert app.portfolio.result.selected == plan_portfolio(ws, review=review).selected


def test_the_review_quarter_is_shared_and_pickable(app: Dashboard) -> None:
    quarters = [v for _, v in app.review.period.options]
    assert quarters[0] == "latest" and len(quarters) > 2
    app.review.period.value = quarters[2]
    assert app.review.result.period == quarters[2]
    assert app.state.review().period == quarters[2]
    expected = review_alliances(app.workspace, period=quarters[2])
    assert dict(app.review.result.decisions) == dict(expected.decisions)


def test_an_infeasible_budget_is_fixed_with_one_click(app: Dashboard) -> None:
    pf = app.portfolio
    pf.budget_annual.value = 10.0
    assert pf.result is None and isinstance(pf.error, InfeasiblePortfolioError)
    labels = [b.description for b in pf.fix_buttons.children]
    # with AL-B4 exited (the review), 46 PKR lakh/yr is enough (plan_portfolio's diagnosis)
    assert "Raise the annual budget to 46" in labels, labels
    text = _visible_text(pf.message.value)
    assert text.count("No portfolio meets") == 1  # one explanation, not three
    assert "annual budget (10 PKR lakh/yr)" in text
    assert "limit[" not in text and "cost_annual" not in text
    button = pf.fix_buttons.children[labels.index("Raise the annual budget to 46")]
    button.click()
    assert pf.result is not None
    assert pf.budget_annual.value == pytest.approx(46.0)
    assert app.state.settings.budget_annual == pytest.approx(46.0)
    assert pf.fix_buttons.children == ()


def test_dropping_a_coverage_requirement_is_a_fix(greenscape) -> None:
    from alliancekit.widgets import PortfolioExplorer

    pf = PortfolioExplorer(greenscape, debounce=0)
    pf.must_exclude.value = ("B14",)  # the only partner left covering G5
    assert pf.result is None
    labels = [f.label for f in pf.fixes]
    assert "Drop the G5 coverage requirement" in labels, labels
    assert any(label.startswith("Allow Falcon") or "back" in label for label in labels), labels
    pf.apply_fix(pf.fixes[labels.index("Drop the G5 coverage requirement")])
    assert pf.result is not None and "B14" not in pf.result.selected
    assert dict(pf.state.settings.coverage) == {"G5": 0.0}


def test_the_same_partner_in_must_include_and_must_exclude_is_refused_where_picked(
    app: Dashboard,
) -> None:
    pf = app.portfolio
    label = next(lbl for lbl, pid in pf.must_include.options if pid == "B04")
    pf.must_include.search.value = label  # a person picks "Gulshan Nurseries (B04)"
    assert pf.must_include.value == ("B04",)
    pf.must_exclude.search.value = label  # the second pick is refused, with a message
    assert pf.must_exclude.value == ()
    assert "Must include" in pf.must_exclude.note.value
    assert "data" not in _visible_text(pf.must_exclude.note.value)
    assert app.state.settings.must_exclude == ()
    with pytest.raises(SettingConflictError):
        app.state.update(must_exclude=("B04",))
    pf.must_include.clear_button.click()
    assert pf.must_include.value == () and app.state.settings.must_include == ()


def test_switching_workspace_keeps_the_settings_and_the_tab(app: Dashboard) -> None:
    app.scoring.method.value = "topsis"
    app.review.threshold_sliders["h_exit"].value = 45.0
    app.portfolio.objective.value = "blend"
    app.tabs.selected_index = 1
    app.picker.value = dict(app.picker.options)["sanchar-apps"]
    assert app.workspace.organization.org_id == "sanchar-apps"
    assert app.tabs.selected_index == 1
    assert app.scoring.method.value == "topsis"
    assert app.review.threshold_sliders["h_exit"].value == pytest.approx(45.0)
    assert app.portfolio.objective.value == "blend"
    # budgets belong to the workspace: the new one's own
    assert app.portfolio.budget_annual.value == pytest.approx(650.0)
    assert "A02" in app.scoring.table.value and "B01" not in app.scoring.table.value
    assert "Sanchar" in app.title.value
    app.reset()
    assert app.scoring.method.value == "weighted_sum"
    assert app.review.threshold_sliders["h_exit"].value == pytest.approx(40.0)
    assert app.portfolio.objective.value == "expected_npv"


def test_a_risk_cap_set_by_hand_survives_a_change_of_appetite(greenscape) -> None:
    from alliancekit.widgets import PortfolioExplorer

    pf = PortfolioExplorer(greenscape, debounce=0)
    pf.risk_appetite.value = RiskAppetite.MEDIUM
    assert pf.avg_risk.value == pytest.approx(0.38)  # the appetite's default follows
    pf.avg_risk.value = 0.33
    pf.risk_appetite.value = RiskAppetite.HIGH
    assert pf.avg_risk.value == pytest.approx(0.33)


def test_ahp_warns_before_applying_inconsistent_weights(app: Dashboard) -> None:
    sc = app.scoring
    ahp = sc.ahp
    ahp.cells[("C1", "C2")].value = 9.0
    ahp.cells[("C2", "C3")].value = 9.0
    ahp.cells[("C1", "C3")].value = 1.0 / 9.0
    assert ahp.result.cr > 0.10
    *_, after = ahp.worst
    assert after < ahp.result.cr
    assert any("ak-ahp-worst" in box._dom_classes for box in ahp.rows.values())
    assert "Capability complementarity (C1)" in ahp.hint.value or "(C" in ahp.hint.value
    before = sc.weights.copy()
    assert sc.apply_ahp() is False  # asks first
    assert sc.ahp_confirm.layout.display == ""
    pd.testing.assert_series_equal(sc.weights, before)
    assert sc.apply_ahp(confirmed=True) is True
    pd.testing.assert_series_equal(
        sc.weights, ahp.result.weights.reindex(sc.criteria).rename(None), check_names=False
    )
    assert app.state.settings.weights_source == "ahp"
    assert sc.preset.label == "Your own weights"
    # the verbal scale and full names
    assert ahp.cells[("C1", "C2")].label == "extremely more important (9)"
    ahp.repair()
    assert ahp.result.cr < 6


def test_one_budget_headroom_in_every_tab(app: Dashboard, greenscape) -> None:
    """Review tab and portfolio tab show the figures of ``budget_headroom`` (39.0 after the
    decisions, 9.0 after the re-plan for greenscape), each with its name."""
    review = review_alliances(greenscape)
    plan = plan_portfolio(greenscape, review=review)
    head = budget_headroom(greenscape, review, plan)
    assert head.after_decisions == pytest.approx(39.0) and head.after_replan == pytest.approx(9.0)
    review_text = _visible_text(app.review.headroom_html.value)
    portfolio_text = _visible_text(app.portfolio.headroom_html.value)
    for text in (review_text, portfolio_text):
        assert "Budget headroom after the decisions: 39.0 PKR lakh/yr" in text
    assert "Budget headroom after the re-plan: 9.0 PKR lakh/yr" in portfolio_text
    # one number in every view: the annual budget moved in the portfolio tab moves the review's
    app.portfolio.budget_annual.value = 60.0
    assert "after the decisions: 44.0" in _visible_text(app.review.headroom_html.value)


def test_rankings_list_knocked_out_partners_apart_with_reasons_in_words(app: Dashboard) -> None:
    eligible, out = app.scoring.display_tables()
    assert "B09" in out.index and "B09" not in eligible.index
    assert list(eligible["Rank"]) == list(range(1, len(eligible) + 1))
    assert "Score [0–100]" in eligible.columns
    reason = out.loc["B09", "Why it is out"]
    assert "Too risky on its own (K3)" in reason and "relational risk" in reason
    assert "R_rel" not in reason
    app.scoring.method.value = "topsis"
    eligible, _ = app.scoring.display_tables()
    assert "Score [0–1]" in eligible.columns


def test_session_state_check_refuses_without_changing() -> None:
    state = SessionState(sample_workspace("greenscape"))
    before = state.settings
    with pytest.raises(SettingConflictError, match="0 or more"):
        state.update(budget_annual=-1.0)
    assert state.settings is before
