"""Actions that are followed up (issue 17): the optional actions table, overdue escalations in
the review, the policy option, and ``report --record-actions`` from one quarter to the next."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import alliancekit as ak
from alliancekit.cli import main
from alliancekit.errors import DataValidationError
from alliancekit.reporting import run_report
from alliancekit.review.actions import action_states
from alliancekit.workspace import load_workspace, save_workspace
from alliancekit.workspace.actions import append_actions

ROOT = Path(__file__).resolve().parents[1]
HEADER = "alliance_id,action,owner,due_period,status,closed_on\n"


@pytest.fixture
def greenscape(tmp_path: Path) -> Path:
    """A copy of the greenscape sample the test may change."""
    target = tmp_path / "greenscape"
    shutil.copytree(ROOT / "data" / "greenscape", target)
    return target


def _with_actions(folder: Path, rows: str) -> Path:
    (folder / "actions.csv").write_text(HEADER + rows, "utf-8")
    return folder


def test_a_workspace_without_actions_behaves_as_before(tmp_path: Path) -> None:
    ws = ak.sample_workspace("greenscape")
    assert ws.actions.empty
    saved = save_workspace(ws, tmp_path / "copy")
    assert not (saved / "actions.csv").exists()
    review = ak.review_alliances(ws)
    assert (review.table["actions_overdue"] == 0).all()
    assert all("actions-overdue" not in f for f in review.table["flags"])


def test_the_actions_table_is_loaded_validated_and_written(
    greenscape: Path, tmp_path: Path
) -> None:
    _with_actions(greenscape, "AL-B4,Agree a governance cadence,Design Lead,2025-Q1,open,\n")
    ws = load_workspace(greenscape)
    assert list(ws.actions["action"]) == ["Agree a governance cadence"]
    again = load_workspace(save_workspace(ws, tmp_path / "saved"))
    pd.testing.assert_frame_equal(again.actions, ws.actions)
    book = load_workspace(save_workspace(ws, tmp_path / "book.xlsx"))
    pd.testing.assert_frame_equal(book.actions, ws.actions)
    _with_actions(greenscape, "AL-XX,Call them,,2025-Q1,open,\nAL-B1,Call,,2025-Q1,finished,\n")
    with pytest.raises(DataValidationError) as info:
        load_workspace(greenscape)
    text = str(info.value)
    assert "actions.csv" in text and "AL-XX" in text and "finished" in text


def test_overdue_actions_are_reported_and_count_only_when_the_policy_says_so(
    greenscape: Path,
) -> None:
    ws = load_workspace(
        _with_actions(
            greenscape,
            "AL-B1,Renew the supply contract,Operations Manager,2025-Q1,open,\n"
            "AL-B1,Test compost batches,Operations Manager,2025-Q2,done,2025-Q2\n"
            "AL-B2,Prepare the expansion case,Managing Partner,2025-Q3,open,\n",
        )
    )
    states = action_states(ws.actions, "2025-Q2")
    assert list(states["state"]) == ["overdue", "due", "closed"]
    default = ak.review_alliances(ws)
    plain = ak.review_alliances(ak.sample_workspace("greenscape"))
    assert default.decisions == plain.decisions  # off by default: §11 results unchanged
    assert default.table.loc["AL-B1", "actions_overdue"] == 1
    assert "actions-overdue" in default.table.loc["AL-B1", "flags"]
    signal = ak.review_alliances(ws, policy=ak.ReviewPolicy(overdue_actions_signal=True))
    assert signal.decisions["AL-B1"] == ak.Decision.RESTRUCTURE  # was MAINTAIN
    assert "R5" in signal.table.loc["AL-B1", "rules_fired"]
    assert signal.decisions["AL-B2"] == plain.decisions["AL-B2"]  # its action is not due yet


@pytest.mark.notebook
@pytest.mark.slow
def test_overdue_actions_flow_from_one_quarters_report_into_the_next_review(
    greenscape: Path, tmp_path: Path
) -> None:
    out = tmp_path / "reports"
    first = run_report(greenscape, period="2025-Q1", out_dir=out, progress=False,
                       record_actions=True)  # fmt: skip
    assert first.actions_recorded == 3  # GROW, RESTRUCTURE and EXIT; MAINTAIN needs none
    ws = load_workspace(greenscape)
    assert set(ws.actions["due_period"]) == {"2025-Q2"}
    assert set(ws.actions["alliance_id"]) == {
        a for a, d in first.decisions.items() if d != "MAINTAIN"
    }
    # the next quarter's review: the actions were not done by their deadline
    review = ak.review_alliances(ws, period="2025-Q2")
    overdue = review.table["actions_overdue"]
    assert overdue.sum() == 3 and overdue["AL-B1"] == 0
    signal = ak.review_alliances(
        ws, period="2025-Q2", policy=ak.ReviewPolicy(overdue_actions_signal=True)
    )
    assert signal.decisions["AL-B2"] == ak.Decision.RESTRUCTURE  # GROW, but its action is late
    # and the next quarter's report lists them as overdue escalations
    second = run_report(greenscape, period="2025-Q2", out_dir=out, progress=False)
    page = second.html.read_text("utf-8")
    assert "Overdue escalations" in page and "overdue: its deadline has passed" in page
    # recording twice does not duplicate
    assert append_actions(greenscape, ws.actions) == 0


def test_record_actions_refuses_a_bundled_sample_before_running(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports"
    assert main(["report", str(ROOT / "data" / "greenscape"), "--out", str(out),
                 "--record-actions"]) == 2  # fmt: skip
    assert "bundled sample" in capsys.readouterr().err
    assert not out.exists()
    with pytest.raises(DataValidationError, match="bundled sample"):
        append_actions("greenscape", pd.DataFrame())
