"""Budget headroom: one definition at three moments, the same figure everywhere.

Checked against the definition computed straight from the sample files with pandas (not
through the workspace loader): B1 − annual costs of the current alliances, of those the
review keeps, and of those kept plus the new partners the plan chooses.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
import yaml

import alliancekit as ak
from alliancekit.resources import samples_dir


def _files(name: str) -> tuple[float, pd.DataFrame, pd.DataFrame]:
    folder = samples_dir() / name
    org = yaml.safe_load((folder / "organization.yaml").read_text(encoding="utf-8"))
    alliances = pd.read_csv(folder / "alliances.csv", index_col="alliance_id")
    candidates = pd.read_csv(folder / "candidates.csv", index_col="id")
    return float(org["budget_annual"]), alliances, candidates


@pytest.mark.parametrize("name", ["sanchar-apps", "greenscape", "norden-pumpen"])
def test_three_moments_match_the_definition_from_the_files(name: str) -> None:
    budget, alliances, candidates = _files(name)
    ws = ak.sample_workspace(name)
    review = ak.review_alliances(ws)
    plan = ak.plan_portfolio(ws, review=review)
    h = ak.budget_headroom(ws, review, plan)

    reviewed = alliances.loc[list(review.table.index)]
    exited = [aid for aid, d in review.decisions.items() if d is ak.Decision.EXIT]
    kept = reviewed.drop(index=exited)
    new = candidates.loc[[c for c in plan.selected if c in candidates.index]]

    assert h.budget_annual == budget
    assert h.before_decisions == pytest.approx(budget - reviewed["cost_annual"].sum())
    assert h.after_decisions == pytest.approx(budget - kept["cost_annual"].sum())
    assert h.after_replan == pytest.approx(
        budget - kept["cost_annual"].sum() - new["cost_annual"].sum()
    )
    # the review's GROW rule uses the same figure
    assert review.headroom == pytest.approx(h.after_decisions)


def test_greenscape_figures_each_carry_their_name_and_unit() -> None:
    ws = ak.sample_workspace("greenscape")
    review = ak.review_alliances(ws)
    h = ak.budget_headroom(ws, review, ak.plan_portfolio(ws, review=review))
    assert h.summary().splitlines() == [
        "Budget headroom before the decisions: 35.0 PKR lakh/yr",
        "Budget headroom after the decisions: 39.0 PKR lakh/yr",
        "Budget headroom after the re-plan: 9.0 PKR lakh/yr",
    ]
    frame = h.to_frame()
    assert list(frame.index) == ["before_decisions", "after_decisions", "after_replan"]
    assert frame["value"].tolist() == [35.0, 39.0, 9.0]
    assert h.to_dict()["after_replan"] == 9.0


def test_moments_not_given_are_left_out() -> None:
    ws = ak.sample_workspace("greenscape")
    h = ak.budget_headroom(ws)
    assert math.isnan(h.after_decisions) and math.isnan(h.after_replan)
    assert list(h.to_frame().index) == ["before_decisions"]
    # without a review every alliance not closed counts
    _, alliances, _ = _files("greenscape")
    current = alliances[alliances["status"] != "closed"]
    assert h.before_decisions == pytest.approx(55 - current["cost_annual"].sum())
    with pytest.raises(ValueError, match="unknown headroom moment"):
        h.sentence("later")
