"""Actions that are followed up: the workspace's optional ``actions`` table at a review.

A review of quarter T assigns actions with owners and a deadline, the next review (T+1; the
report's section 9); that review asks whether they were done. Each action row (alliance_id,
action, owner, due_period, status, closed_on) is, at the review of quarter T:

- **closed** when its status is ``done`` or ``dropped``;
- **overdue** when it is open and its due quarter is T or earlier: its deadline, this review,
  has come and it is not done — an escalation the alliance has not closed;
- **due** when it is open and due by the next review (T+1);
- **open** when it is open and due later.

The review counts the overdue actions per alliance (``actions_overdue``, flag
``actions-overdue``); with ``ReviewPolicy(overdue_actions_signal=True)`` they also count as a
relationship warning in the rules (rule R5: restructure). The option is off by default, so
every result of docs/method.md §11 stays the same.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from alliancekit.model import ActionStatus, period_index

__all__ = ["ACTION_STATES", "action_states", "overdue_counts"]

#: The states of an action at a review, in the order a report lists them.
ACTION_STATES = ("overdue", "due", "open", "closed")


def action_states(actions: pd.DataFrame | None, period: str) -> pd.DataFrame:
    """The actions table with ``state`` at review quarter ``period`` (``ACTION_STATES``).

    Parameters
    ----------
    actions : DataFrame or None
        The workspace's ``actions`` table (``Workspace.actions``); None or empty: no actions.
    period : str
        Review quarter ``YYYY-Qn``.

    Returns
    -------
    DataFrame
        The rows with a ``state`` column, overdue first, then due, open and closed (by due
        quarter within each).
    """
    columns = ["alliance_id", "action", "owner", "due_period", "status", "closed_on", "state"]
    if actions is None or not len(actions):
        return pd.DataFrame(columns=columns)
    frame = actions.copy()
    t = period_index(period)
    due = np.array([period_index(str(p)) for p in frame["due_period"]])
    status = frame.get("status", pd.Series(ActionStatus.OPEN.value, index=frame.index))
    is_open = np.array([ActionStatus.parse(s or "open").is_open for s in status.fillna("open")])
    frame["state"] = np.select(
        [~is_open, due <= t, due == t + 1], ["closed", "overdue", "due"], default="open"
    )
    order = {s: i for i, s in enumerate(ACTION_STATES)}
    frame["_order"] = frame["state"].map(order)
    frame["_due"] = due
    frame = frame.sort_values(["_order", "_due", "alliance_id"], kind="stable")
    return frame.drop(columns=["_order", "_due"]).reset_index(drop=True)


def overdue_counts(actions: pd.DataFrame | None, period: str, ids: Sequence[str]) -> np.ndarray:
    """Number of overdue actions of each alliance in ``ids`` at ``period`` (int array)."""
    states = action_states(actions, period)
    overdue = states[states["state"] == "overdue"]["alliance_id"].astype(str).value_counts()
    return np.array([int(overdue.get(aid, 0)) for aid in ids], dtype=int)
