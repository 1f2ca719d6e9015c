"""Knockout screens K1–K5 and the mutual-benefit warning (docs/method.md §2, §4)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from alliancekit.errors import DataValidationError
from alliancekit.model import Candidate, Organization, RiskCaps, Workspace
from alliancekit.risk import RiskPolicy, risk_table

__all__ = ["ScreeningPolicy", "benefit_warnings", "knockout_codes", "knockouts"]


@dataclass(frozen=True)
class ScreeningPolicy:
    """Thresholds of the knockout screens and the mutual-benefit check (docs/method.md §2, §4).

    Attributes
    ----------
    min_score : float
        K4 fires when the weighted-sum score ``S_i`` [0–100] is below this (40).
    knockout_goal_compat : float
        K2 fires when ``goal_compat ≤`` this [1–5] (1).
    benefit_share_min, benefit_share_max : float
        Mutual-benefit warning when ``partner_benefit_share`` is outside [0.2, 0.8].

    Raises
    ------
    DataValidationError
        (a ``ValueError``) for a threshold that is not finite or a band outside [0, 1].
    """

    min_score: float = 40.0
    knockout_goal_compat: float = 1.0
    benefit_share_min: float = 0.2
    benefit_share_max: float = 0.8

    def __post_init__(self) -> None:
        if not all(math.isfinite(getattr(self, f.name)) for f in dataclasses.fields(self)):
            raise DataValidationError("ScreeningPolicy: every threshold must be finite")
        if not 0.0 <= self.benefit_share_min <= self.benefit_share_max <= 1.0:
            raise DataValidationError(
                "ScreeningPolicy: need 0 <= benefit_share_min <= benefit_share_max <= 1 "
                f"(got {self.benefit_share_min}, {self.benefit_share_max})"
            )


def _fmt_pair(value: float, cap: float) -> tuple[str, str]:
    """Format value and cap with 2 decimals, or more until they read differently."""
    for digits in range(2, 7):
        a, b = f"{value:.{digits}f}", f"{cap:.{digits}f}"
        if a != b:
            return a, b
    return f"{value:.6g}", f"{cap:.6g}"


def knockout_codes(reasons: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The distinct knockout codes (``K1`` … ``K5``) of a candidate's reason strings, in order."""
    seen: list[str] = []
    for r in reasons:
        code = r.split(":", 1)[0].strip()
        if code not in seen:
            seen.append(code)
    return tuple(seen)


def knockouts(
    ws: Workspace,
    scores: pd.Series | Mapping[str, float] | None,
    risk: pd.DataFrame | None = None,
    caps: RiskCaps | None = None,
    *,
    screening: ScreeningPolicy | None = None,
    policy: RiskPolicy | None = None,
) -> dict[str, tuple[str, ...]]:
    """Knockout screens K1–K5 with a readable reason each (docs/method.md §2).

    - K1: the candidate closes no gap (coverage empty or all zero, §10 reading 4);
    - K2: ``goal_compat ≤ 1``;
    - K3: ``R > max_total_per_partner`` and/or ``R_rel > max_relational_per_partner`` (one
      reason per cap broken, unrounded values, §10 reading 3);
    - K4: score ``S_i < 40`` (weighted-sum score, 0–100);
    - K5: ``must_exclude``.

    Parameters
    ----------
    ws : Workspace
        Candidates and the organization (risk appetite and caps).
    scores : Series or Mapping, optional
        Weighted-sum scores [0–100] by candidate id; ``None`` skips K4.
    risk : DataFrame, optional
        :func:`~alliancekit.risk.risk_table` output; computed with ``policy`` when omitted.
    caps : RiskCaps, optional
        Per-partner caps; default ``ws.organization.caps()`` (appetite defaults, §3.5).
    screening : ScreeningPolicy, optional
        Thresholds (K4 minimum score 40, K2 goal_compat ≤ 1).
    policy : RiskPolicy, optional
        Used only when ``risk`` is omitted.

    Returns
    -------
    dict
        Candidate id → tuple of reasons (``"K3: R_rel 0.72 > 0.65 (max relational risk per
        partner, medium appetite)"``), only for candidates failing at least one screen, in
        candidate order; every screen a candidate fails is listed (§10 reading 6).

    Raises
    ------
    DataValidationError
        ``scores`` or ``risk`` lack a candidate of the workspace.
    """
    screening = screening or ScreeningPolicy()
    risk = risk_table(ws, policy) if risk is None else risk
    caps, sources = _caps_and_sources(ws.organization, caps)
    score_map = None if scores is None else dict(scores.items())
    ids = list(ws.candidate_ids)
    lacking = [i for i in ids if score_map is not None and i not in score_map]
    lacking += [i for i in ids if i not in risk.index and i not in lacking]
    if lacking:
        raise DataValidationError(
            f"knockouts: scores or risk table lack candidate(s) {', '.join(lacking)}"
        )
    out: dict[str, tuple[str, ...]] = {}
    for cand in ws.candidates:
        score = None if score_map is None else float(score_map[cand.id])
        reasons = _reasons(cand, risk.loc[cand.id], score, caps, sources, screening)
        if reasons:
            out[cand.id] = tuple(reasons)
    return out


def _caps_and_sources(org: Organization, caps: RiskCaps | None) -> tuple[RiskCaps, tuple[str, str]]:
    """The K3 caps and where each came from (``given caps``, ``organization risk_caps``, …)."""
    if caps is not None:
        return caps, ("given caps", "given caps")
    appetite = f"{org.risk_appetite.value} appetite"
    given = org.risk_caps
    return org.caps(), (
        "organization risk_caps" if given.max_total_per_partner is not None else appetite,
        "organization risk_caps" if given.max_relational_per_partner is not None else appetite,
    )


def _reasons(
    cand: Candidate,
    row: pd.Series,
    score: float | None,
    caps: RiskCaps,
    sources: tuple[str, str],
    screening: ScreeningPolicy,
) -> list[str]:
    """Every knockout reason of one candidate, K1 to K5."""
    reasons: list[str] = []
    if not any(float(v) > 0 for v in cand.coverage.values()):
        reasons.append("K1: closes no capability gap (coverage empty or all zero)")
    if float(cand.goal_compat) <= screening.knockout_goal_compat:
        a, b = f"{float(cand.goal_compat):g}", f"{screening.knockout_goal_compat:g}"
        reasons.append(f"K2: goal_compat {a} <= {b} (goals incompatible)")
    cap_r = caps.max_total_per_partner
    if cap_r is not None and float(row["R"]) > cap_r:
        a, b = _fmt_pair(float(row["R"]), cap_r)
        reasons.append(f"K3: R {a} > {b} (max total risk per partner, {sources[0]})")
    cap_rel = caps.max_relational_per_partner
    if cap_rel is not None and float(row["R_rel"]) > cap_rel:
        a, b = _fmt_pair(float(row["R_rel"]), cap_rel)
        reasons.append(f"K3: R_rel {a} > {b} (max relational risk per partner, {sources[1]})")
    if score is not None and score < screening.min_score:
        a = f"{score:.1f}" if round(score, 1) < screening.min_score else f"{score:.4f}"
        reasons.append(f"K4: score {a} < {screening.min_score:g}")
    if cand.must_exclude:
        reasons.append("K5: must_exclude is set")
    return reasons


def benefit_warnings(ws: Workspace, screening: ScreeningPolicy) -> dict[str, str]:
    """Candidate id → warning when ``partner_benefit_share`` is outside the mutual-benefit band."""
    out: dict[str, str] = {}
    for cand in ws.candidates:
        share = cand.partner_benefit_share
        if share is None or (isinstance(share, float) and math.isnan(share)):
            continue
        if share < screening.benefit_share_min:
            out[cand.id] = (
                f"partner_benefit_share {share:g} < {screening.benefit_share_min:g}: the partner "
                "gains too little to stay committed (commensurate risk, Brouthers et al. 1995)"
            )
        elif share > screening.benefit_share_max:
            out[cand.id] = (
                f"partner_benefit_share {share:g} > {screening.benefit_share_max:g}: the partner "
                "takes most of the benefit (commensurate risk, Brouthers et al. 1995)"
            )
    return out
