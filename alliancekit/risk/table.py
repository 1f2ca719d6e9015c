"""``risk_table``: risk and money per candidate of a workspace (docs/method.md §3.1–§3.3).

The validating wrapper of the risk kernels. :func:`check_candidate_inputs` is the one check of the
candidate ratings, amounts and counts these computations read (the criteria use it too), for
workspaces built in memory as much as for loaded ones.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError, Problem
from alliancekit.model import AllianceForm, Workspace
from alliancekit.risk.kernels import (
    MONEY_ITEMS,
    PERFORMANCE_ITEMS,
    RELATIONAL_ITEMS,
    expected_loss,
    expected_npv,
    failure_probability,
    form_adjusted_risk,
    npv,
    performance_risk,
    relational_risk,
    total_risk,
    value_sigma,
)
from alliancekit.risk.policy import RiskPolicy

__all__ = ["RISK_COLUMNS", "check_candidate_inputs", "risk_indices", "risk_table"]

#: Columns of :func:`risk_table`, in order.
RISK_COLUMNS: tuple[str, ...] = (
    "R_rel",
    "R_perf",
    "R",
    "p_fail",
    "pv_benefit",
    "pv_cost",
    "npv",
    "e_npv",
    "expected_loss",
    "sigma",
)

#: what each kind of input must be, as said to the user
_RULES = {
    "likert": ("a Likert value in [1, 5]", lambda v: 1.0 <= v <= 5.0),
    "money": ("a money amount >= 0", lambda v: v >= 0),
    "count": ("a count >= 0", lambda v: v >= 0),
}


def check_candidate_inputs(
    frame: pd.DataFrame,
    *,
    likert: Sequence[str] = (),
    money: Sequence[str] = (),
    counts: Sequence[str] = (),
) -> None:
    """Check candidate columns: Likert items in [1, 5], money amounts and counts >= 0.

    Parameters
    ----------
    frame : DataFrame
        ``Workspace.candidates_frame()`` (one row per candidate, file order).
    likert, money, counts : sequence of str
        Columns of each kind.

    Raises
    ------
    DataValidationError
        Every value missing, not finite or out of range, with its candidates.csv row (the header
        is row 1) and column.
    """
    kinds = [(c, "likert") for c in likert] + [(c, "money") for c in money]
    kinds += [(c, "count") for c in counts]
    problems: list[Problem] = []
    for pos, (cid, row) in enumerate(frame.iterrows()):
        for column, kind in kinds:
            value = row[column]
            expected, ok = _RULES[kind]
            if value is None or not np.isfinite(float(value)) or not ok(float(value)):
                problems.append(
                    Problem(
                        "candidates.csv",
                        pos + 2,
                        column,
                        f"candidate {cid}: {column} must be {expected} (got {value!r})",
                    )
                )
    if problems:
        raise DataValidationError(problems)


def _validated_frame(ws: Workspace) -> pd.DataFrame:
    """``ws.candidates_frame()`` with the risk inputs checked (Likert in [1, 5], money ≥ 0)."""
    if not ws.candidates:
        raise DataValidationError.single("the workspace has no candidates", file="candidates.csv")
    frame = ws.candidates_frame()
    check_candidate_inputs(frame, likert=(*RELATIONAL_ITEMS, *PERFORMANCE_ITEMS), money=MONEY_ITEMS)
    return frame


def risk_indices(frame: pd.DataFrame, policy: RiskPolicy) -> tuple[np.ndarray, np.ndarray]:
    """(R_rel, R_perf) [0–1] of a checked candidates frame, with the optional §3.2 adjustment."""
    col = {c: frame[c].to_numpy(dtype=float) for c in (*RELATIONAL_ITEMS, *PERFORMANCE_ITEMS)}
    r_rel = relational_risk(*(col[c] for c in RELATIONAL_ITEMS), weights=policy.rel_weights)
    r_perf = performance_risk(*(col[c] for c in PERFORMANCE_ITEMS), weights=policy.perf_weights)
    if policy.form_adjustment:
        forms = [AllianceForm.parse(f) for f in frame["form"]]
        r_rel, r_perf = form_adjusted_risk(
            r_rel,
            r_perf,
            is_equity=np.array([f.is_equity for f in forms]),
            is_contractual=np.array([f is AllianceForm.ALLIANCE_AGREEMENT for f in forms]),
            n_safeguards=np.array([policy.safeguards.get(i, 0) for i in frame.index], dtype=float),
            policy=policy,
        )
    return r_rel, r_perf


def risk_table(ws: Workspace, policy: RiskPolicy | None = None) -> pd.DataFrame:
    """Risk and money per candidate (docs/method.md §3.1–§3.3), unrounded.

    Parameters
    ----------
    ws : Workspace
        Candidates (missing relational items take their relation's defaults, §3.1) and the
        organization's horizon and discount rate.
    policy : RiskPolicy, optional
        Coefficients; ``RiskPolicy()`` by default.

    Returns
    -------
    DataFrame
        Indexed by ``partner_id`` (candidate ids, file order), columns ``R_rel, R_perf, R``
        [0–1], ``p_fail`` [0–1], ``pv_benefit, pv_cost, npv, e_npv, expected_loss`` [money],
        ``sigma`` [–].

    Raises
    ------
    DataValidationError
        A Likert item outside [1, 5] or a negative/NaN money amount (row and column named).
    """
    policy = policy or RiskPolicy()
    return ws.derived(("risk_table", repr(policy)), lambda: _risk_table(ws, policy))


def _risk_table(ws: Workspace, policy: RiskPolicy) -> pd.DataFrame:
    frame = _validated_frame(ws)
    af = ws.organization.annuity_factor
    r_rel, r_perf = risk_indices(frame, policy)
    r = total_risk(r_rel, r_perf, policy.alpha)
    p = failure_probability(r, policy.p_base, policy.p_slope)
    c0, ca, v, x = (frame[c].to_numpy(dtype=float) for c in MONEY_ITEMS)
    return pd.DataFrame(
        {
            "R_rel": r_rel,
            "R_perf": r_perf,
            "R": r,
            "p_fail": p,
            "pv_benefit": v * af,
            "pv_cost": c0 + ca * af,
            "npv": npv(c0, ca, v, af),
            "e_npv": expected_npv(c0, ca, v, x, p, af),
            "expected_loss": expected_loss(c0, x, p),
            "sigma": value_sigma(
                frame["market_unc"].to_numpy(dtype=float), policy.sigma_base, policy.sigma_slope
            ),
        },
        index=pd.Index(frame.index, name="partner_id"),
    )
