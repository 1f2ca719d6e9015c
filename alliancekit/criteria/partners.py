"""``score_partners``: the alliance scoring entry point (docs/method.md §2).

Aggregates the criteria matrix with :func:`alliancekit.scoring.score` (``normalization="none"``:
the matrix is already normalised, every column a benefit) and screens with the knockouts K1–K5,
reporting **every** knockout a candidate fails (§10 reading 6).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import pandas as pd

from alliancekit.criteria.definitions import CRITERION_CODES
from alliancekit.criteria.knockouts import (
    ScreeningPolicy,
    benefit_warnings,
    knockout_codes,
    knockouts,
)
from alliancekit.criteria.values import criteria_matrix, criteria_values, weighted_sum_score
from alliancekit.criteria.weights import resolve_weights
from alliancekit.model import Direction, RiskCaps, Workspace
from alliancekit.risk import RiskPolicy, risk_table
from alliancekit.scoring import Method, ScoreResult, score

__all__ = ["score_partners", "weighted_scores"]

#: risk and money columns of :func:`~alliancekit.risk.risk_table` shown per candidate
_RISK_DETAILS = ("R_rel", "R_perf", "R", "p_fail", "npv", "e_npv", "expected_loss")
#: why a TOPSIS or PROMETHEE ranking can differ from the K4 screen
_K4_NOTE = "K4 uses the weighted-sum score S (0-100) with the same weights"


def score_partners(
    ws: Workspace,
    weights: Mapping[str, float] | pd.Series | str | None = None,
    method: str | Method = "weighted_sum",
    preset: str | None = None,
    policy: RiskPolicy | None = None,
    *,
    screening: ScreeningPolicy | None = None,
    caps: RiskCaps | None = None,
    preferences: Mapping[str, Any] | None = None,
) -> ScoreResult:
    """Score every candidate on C1–C11, screen with K1–K5 and attach risk and E[NPV].

    Parameters
    ----------
    ws : Workspace
        Candidates and organization.
    weights : Mapping, Series or str, optional
        Weights by criterion code (missing codes weigh 0; renormalised), or a preset name.
        ``None``: the organization's ``criteria_weights`` if set, else its ``weights_preset``,
        else ``"default"`` (docs/method.md §2 weights).
    method : str or Method
        ``weighted_sum`` (scores 0–100), ``topsis`` (closeness 0–1) or ``promethee_ii`` (net
        flow −1..1), passed to :func:`alliancekit.scoring.score` on the normalised matrix.
    preset : str, optional
        A ``WEIGHT_PRESETS`` name (instead of ``weights``).
    policy : RiskPolicy, optional
        Risk coefficients (C8, C9, p_fail, E[NPV]).
    screening : ScreeningPolicy, optional
        K2/K4 thresholds and the mutual-benefit band.
    caps : RiskCaps, optional
        K3 caps; default the organization's (appetite defaults filled in).
    preferences : Mapping, optional
        PROMETHEE preference functions by criterion code.

    Returns
    -------
    ScoreResult
        ``scores``, ``ranks``, ``contributions``, ``normalized`` (= the criteria matrix) …, plus
        ``knockouts`` (id → reasons) and ``details`` (one row per candidate, index
        ``partner_id``: weighted-sum score ``S``, raw criteria ``C1_raw``…``C11_raw``, ``R_rel,
        R_perf, R, p_fail, npv, e_npv, expected_loss`` [money], ``knocked_out``, ``knockouts``
        codes, mutual-benefit ``warning``).

    Notes
    -----
    K4 always uses the weighted-sum score ``S_i`` [0–100] of docs/method.md §2 with the same
    weights, whatever ``method`` ranks the candidates (TOPSIS and PROMETHEE scores have no
    "40 points" threshold).
    """
    screening = screening or ScreeningPolicy()
    policy = policy or RiskPolicy()
    w, origin = resolve_weights(ws, weights, preset)
    risk = risk_table(ws, policy)
    values = criteria_values(ws, policy)
    matrix = criteria_matrix(ws, policy)
    wsm = _weighted_sum(matrix, w)
    result = score(
        matrix,
        w,
        dict.fromkeys(matrix.columns, Direction.BENEFIT),
        method=method,
        normalization="none",
        preferences=preferences,
    )
    ko = knockouts(ws, wsm, risk, caps, screening=screening)
    warnings = benefit_warnings(ws, screening)
    notes = [*result.notes, f"weights: {origin}"]
    if result.method is not Method.WEIGHTED_SUM:
        notes.append(_K4_NOTE)
    notes += [f"{cid}: {msg}" for cid, msg in warnings.items()]
    details = _details(ws, wsm, values, risk, ko, warnings)
    return dataclasses.replace(
        result, knockouts=MappingProxyType(ko), details=details, notes=tuple(notes)
    )


def weighted_scores(
    ws: Workspace,
    weights: Mapping[str, float] | pd.Series | str | None = None,
    policy: RiskPolicy | None = None,
) -> pd.Series:
    """The weighted-sum score ``S_i`` [0–100] of every candidate, without screening or details.

    The ``S`` of :func:`score_partners` (same weights, same criteria matrix), for callers that
    score the same workspace under many weights (a group's views, a sweep): the criteria are
    built once per workspace and each further set of weights costs one matrix product.

    Parameters
    ----------
    ws : Workspace
    weights : Mapping, Series or str, optional
        As for :func:`score_partners` (missing codes weigh 0; renormalised; a preset name).
    policy : RiskPolicy, optional
        Risk coefficients of C8 and C9.

    Returns
    -------
    Series
        ``S`` by ``partner_id`` [0–100].
    """
    w, _origin = resolve_weights(ws, weights)
    return _weighted_sum(criteria_matrix(ws, policy), w)


def _weighted_sum(matrix: pd.DataFrame, w: pd.Series) -> pd.Series:
    """``S = 100·matrix·w`` by candidate (weights by criterion code, missing ones 0)."""
    weights = w.reindex(matrix.columns).fillna(0.0).to_numpy()
    return pd.Series(weighted_sum_score(matrix.to_numpy(), weights), matrix.index, name="S")


def _details(
    ws: Workspace,
    wsm: pd.Series,
    values: pd.DataFrame,
    risk: pd.DataFrame,
    ko: Mapping[str, tuple[str, ...]],
    warnings: Mapping[str, str],
) -> pd.DataFrame:
    """One row per candidate: name, relation, S, raw criteria, risk, knockouts, warning."""
    frame = ws.candidates_frame()
    details = pd.DataFrame(index=pd.Index(values.index, name="partner_id"))
    details["name"] = frame["name"]
    details["relation"] = frame["relation"]
    details["S"] = wsm
    for code in CRITERION_CODES:
        details[f"{code}_raw"] = values[code]
    for col in _RISK_DETAILS:
        details[col] = risk[col]
    details["knocked_out"] = [cid in ko for cid in details.index]
    details["knockouts"] = [",".join(knockout_codes(ko.get(cid, ()))) for cid in details.index]
    details["partner_benefit_share"] = frame["partner_benefit_share"].astype(float)
    details["warning"] = [warnings.get(cid, "") for cid in details.index]
    return details
