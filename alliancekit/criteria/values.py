"""Criterion values C1–C11 of every candidate, raw and normalised (docs/method.md §2).

- Likert items use the fixed scale ``L(x) = (x − 1)/4`` (:func:`alliancekit.model.likert`;
  stable when candidates are added);
- money criteria (C2 ``PV_benefit``, C7 ``PV_cost``) and C1 (importance-weighted coverage) use
  min–max (:func:`alliancekit.scoring.normalize_kernel`) over **all** candidates of the
  workspace, including ones later knocked out; when max = min every candidate gets 0.5
  (docs/method.md §10.1);
- the risk criteria are scored as ``1 − risk`` (C8 = 1 − R_rel, C9 = 1 − R_perf, §3), unadjusted
  by form unless the :class:`~alliancekit.risk.RiskPolicy` says so (§10 reading 2).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alliancekit.criteria.definitions import CRITERION_CODES
from alliancekit.model import Direction, Workspace, likert
from alliancekit.risk import RiskPolicy, check_candidate_inputs, risk_table
from alliancekit.scoring import Normalization, normalize_kernel, weighted_sum_kernel

__all__ = [
    "criteria_matrix",
    "criteria_values",
    "min_max",
    "normalized_criteria",
    "raw_criteria",
    "weighted_sum_score",
]

#: Likert items read by the criteria (C3, C4, C5, C6's reputation, C10, C11)
_LIKERT_ITEMS = ("goal_compat", "culture_compat", "commitment", "reputation", "learning",
                 "flexibility")  # fmt: skip
#: relative range under which a min–max criterion counts as constant (docs/method.md §10.1)
_CONSTANT_SPAN = 1e-12
#: min–max criteria and whether more is better
_MINMAX = {"C1": True, "C2": True, "C7": False}


def min_max(x: np.ndarray, direction: Direction | str = Direction.BENEFIT) -> np.ndarray:
    """Min–max normalisation to [0, 1]; 0.5 everywhere when max = min (docs/method.md §10.1).

    Benefit: ``(x − min)/(max − min)``; cost: ``(max − x)/(max − min)``. One criterion of the
    :func:`alliancekit.scoring.normalize_kernel` min–max, with the criteria's constant rule.
    """
    x = np.asarray(x, dtype=float)
    benefit = np.array([Direction.parse(direction, what="direction") is Direction.BENEFIT])
    n = normalize_kernel(x.reshape(-1, 1), benefit, Normalization.MINMAX, span_tol=_CONSTANT_SPAN)
    return n.reshape(x.shape)


def weighted_sum_score(matrix: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``S_i = 100·Σ_c w_c·n_ic`` [0–100] for a normalised matrix and weights summing to 1.

    :func:`alliancekit.scoring.weighted_sum_kernel` on the matrix scaled to 0–100.
    """
    return weighted_sum_kernel(100.0 * np.asarray(matrix, dtype=float), weights)


def raw_criteria(ws: Workspace, risk: pd.DataFrame) -> pd.DataFrame:
    """Raw C1–C11 of every candidate from the workspace and its :func:`risk_table`.

    Raises
    ------
    DataValidationError
        A Likert item outside [1, 5] or a negative ``prior_ties`` (candidates.csv row named).
    """
    frame = ws.candidates_frame()
    check_candidate_inputs(frame, likert=_LIKERT_ITEMS, counts=("prior_ties",))
    gaps = ws.organization.capability_gaps
    importance = np.array([g.importance for g in gaps], dtype=float)
    cov = ws.coverage_frame().reindex(columns=[g.gap_id for g in gaps], fill_value=0.0)
    c1 = np.minimum(cov.to_numpy(dtype=float), 1.0) @ importance
    f = {c: frame[c].to_numpy(dtype=float) for c in (*_LIKERT_ITEMS, "prior_ties")}
    c6 = 0.5 * likert(f["reputation"]) + 0.5 * np.minimum(f["prior_ties"], 3.0) / 3.0
    return pd.DataFrame(
        {
            "C1": c1,
            "C2": risk["pv_benefit"].to_numpy(),
            "C3": f["goal_compat"],
            "C4": f["culture_compat"],
            "C5": f["commitment"],
            "C6": c6,
            "C7": risk["pv_cost"].to_numpy(),
            "C8": risk["R_rel"].to_numpy(),
            "C9": risk["R_perf"].to_numpy(),
            "C10": f["learning"],
            "C11": f["flexibility"],
        },
        index=pd.Index(frame.index, name="partner_id"),
    )


def normalized_criteria(values: pd.DataFrame) -> pd.DataFrame:
    """``n_ic`` [0–1] from raw C1–C11 (:func:`raw_criteria`), every column a benefit."""
    out = pd.DataFrame(index=values.index, columns=list(CRITERION_CODES), dtype=float)
    minmax = list(_MINMAX)
    out[minmax] = normalize_kernel(
        values[minmax].to_numpy(dtype=float),
        np.array(list(_MINMAX.values())),
        Normalization.MINMAX,
        span_tol=_CONSTANT_SPAN,
    )
    for code in ("C3", "C4", "C5", "C10", "C11"):
        out[code] = likert(values[code].to_numpy(dtype=float))
    out["C6"] = values["C6"].to_numpy()
    out["C8"] = 1.0 - values["C8"].to_numpy()
    out["C9"] = 1.0 - values["C9"].to_numpy()
    out.columns.name = "criterion"
    return out


def criteria_values(ws: Workspace, policy: RiskPolicy | None = None) -> pd.DataFrame:
    """Raw criterion values before normalisation, candidates × C1..C11 (index ``partner_id``).

    C1 importance-weighted coverage [importance units]; C2 ``PV_benefit`` [money]; C3, C4, C5,
    C10, C11 the Likert item [1–5]; C6 the trust value [0–1]; C7 ``PV_cost`` [money]; C8
    ``R_rel`` and C9 ``R_perf`` [0–1] (risks, not yet ``1 − risk``).
    """
    return ws.derived(
        ("criteria_values", repr(policy or RiskPolicy())),
        lambda: raw_criteria(ws, risk_table(ws, policy)),
    )


def criteria_matrix(ws: Workspace, policy: RiskPolicy | None = None) -> pd.DataFrame:
    """Normalised criteria ``n_ic`` [0–1], candidates × C1..C11, every column a benefit.

    Likert criteria via ``L(x) = (x − 1)/4``; C1, C2 min–max and C7 inverse min–max over all
    candidates of the workspace (0.5 when max = min); C6 = 0.5·L(reputation) +
    0.5·min(prior_ties, 3)/3; C8 = 1 − R_rel; C9 = 1 − R_perf (docs/method.md §2, §10).
    Indexed by ``partner_id``.

    Examples
    --------
    Hand-computed for A05 (PayKart Gateway) in Scenario A (docs/method.md §6.1; AF = 2.40183 at
    r = 12 %, H = 3): C1 raw = 4·0.9 = 3.6, min 0 (A14), max 5·1 + 4·0.8 = 8.2 (A01), so
    C1 = 3.6/8.2 = 0.43902; C2 raw = 160·AF = 384.29, min 60·AF (A14), max 520·AF (A01), so
    C2 = 100/460 = 0.21739; C3 = C4 = C5 = L(4) = 0.75; C6 = 0.5·L(4) + 0.5·2/3 = 0.70833;
    C7 raw = 25 + 60·AF = 169.11, min 10 + 15·AF = 46.03 (A13), max 120 + 180·AF = 552.33
    (A01), so C7 = (552.33 − 169.11)/(552.33 − 46.03) = 0.75690; C8 = 1 − 0.25 = 0.75;
    C9 = 1 − 0.20 = 0.80; C10 = L(2) = 0.25; C11 = L(4) = 0.75. With the default weights,
    S = 60.1535 (docs/method.md §11).
    """
    return ws.derived(
        ("criteria_matrix", repr(policy or RiskPolicy())),
        lambda: normalized_criteria(criteria_values(ws, policy)),
    )
