"""The default alliance criteria C1–C11, weight presets, knockouts and ``score_partners``.

docs/method.md §2 defines eleven criteria in four groups (task, partner, risk, learning), each
turned into a benefit value ``n_ic`` in [0, 1]:

- Likert items use the fixed scale ``L(x) = (x − 1)/4`` (stable when candidates are added);
- money criteria (C2 ``PV_benefit``, C7 ``PV_cost``) and C1 (importance-weighted coverage) use
  min–max over **all** candidates of the workspace, including ones later knocked out; when
  max = min every candidate gets 0.5 (docs/method.md §10.1);
- the risk criteria are scored as ``1 − risk`` (C8 = 1 − R_rel, C9 = 1 − R_perf, §3), unadjusted
  by form unless the :class:`~alliancekit.risk.RiskPolicy` says so (§10 reading 2).

:func:`score_partners` aggregates them with :func:`alliancekit.scoring.score`
(``normalization="none"``: the matrix is already normalised, every column a benefit) and screens
with the knockouts K1–K5, reporting **every** knockout a candidate fails (§10 reading 6).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError, Problem
from alliancekit.model import Direction, RiskCaps, Workspace
from alliancekit.risk import RiskPolicy, risk_table

if TYPE_CHECKING:
    from alliancekit.scoring import ScoreResult

__all__ = [
    "CRITERIA",
    "CRITERION_CODES",
    "WEIGHT_PRESETS",
    "Criterion",
    "CriterionGroup",
    "ScreeningPolicy",
    "criteria_matrix",
    "criteria_table",
    "criteria_values",
    "knockout_codes",
    "knockouts",
    "min_max",
    "preset_weights",
    "resolve_weights",
    "score_partners",
    "weighted_sum_score",
]


class CriterionGroup(StrEnum):
    """Criterion family (Geringer 1991: task vs partner; plus risk and learning)."""

    TASK = "task"
    PARTNER = "partner"
    RISK = "risk"
    LEARNING = "learning"


@dataclass(frozen=True)
class Criterion:
    """One default partner-selection criterion (docs/method.md §2).

    Attributes
    ----------
    code : str
        ``C1`` … ``C11``.
    name : str
        Short name.
    direction : Direction
        Direction of the raw quantity (C7 cost, C8/C9 cost as ``1 − risk``, others benefit);
        the normalised value ``n_ic`` is always a benefit.
    default_weight : float
        Default weight (the eleven sum to 1).
    group : CriterionGroup
        task, partner, risk or learning.
    scale : str
        ``derived``, ``money``, ``1-5`` or ``mixed``.
    definition : str
        How ``n_ic`` is computed.
    source : str
        Literature behind the criterion.
    """

    code: str
    name: str
    direction: Direction
    default_weight: float
    group: CriterionGroup
    scale: str
    definition: str
    source: str


_B, _C = Direction.BENEFIT, Direction.COST
_T, _P, _R, _L = (
    CriterionGroup.TASK,
    CriterionGroup.PARTNER,
    CriterionGroup.RISK,
    CriterionGroup.LEARNING,
)

#: The eleven default criteria, by code (docs/method.md §2).
CRITERIA: Mapping[str, Criterion] = MappingProxyType(
    {
        c.code: c
        for c in (
            Criterion(
                "C1",
                "Capability complementarity",
                _B,
                0.16,
                _T,
                "derived",
                "Σ_g importance_g·min(coverage_ig, 1), then min–max over all candidates",
                "Brouthers et al. 1995; Geringer 1991; Hitt et al. 2000; Kanter 1994",
            ),
            Criterion(
                "C2",
                "Strategic value",
                _B,
                0.14,
                _T,
                "money",
                "PV_benefit = value_annual·AF, then min–max",
                "Wassmer et al. 2010; Kanter 1994",
            ),
            Criterion(
                "C3",
                "Goal compatibility",
                _B,
                0.11,
                _P,
                "1-5",
                "L(goal_compat)",
                "Brouthers et al. 1995; Coff (4C); Medcof 1997",
            ),
            Criterion(
                "C4",
                "Cultural and managerial compatibility",
                _B,
                0.09,
                _P,
                "1-5",
                "L(culture_compat)",
                "Brouthers et al. 1995; Geringer 1991; Dasí-Rodríguez & Pardo-del-Val 2015",
            ),
            Criterion(
                "C5",
                "Commitment",
                _B,
                0.08,
                _P,
                "1-5",
                "L(commitment)",
                "Medcof 1997; Kanter 1994",
            ),
            Criterion(
                "C6",
                "Trust and track record",
                _B,
                0.08,
                _P,
                "mixed",
                "0.5·L(reputation) + 0.5·min(prior_ties, 3)/3",
                "Gulati 1995; Das & Teng 2001a",
            ),
            Criterion(
                "C7",
                "Cost",
                _C,
                0.10,
                _T,
                "money",
                "PV_cost = cost_one_off + cost_annual·AF, then inverse min–max",
                "Source text (cost sharing); Vaidya on formation costs",
            ),
            Criterion(
                "C8",
                "Relational risk",
                _C,
                0.07,
                _R,
                "derived",
                "1 − R_rel (docs/method.md §3.1)",
                "Das & Teng 1996, 2001",
            ),
            Criterion(
                "C9",
                "Performance risk",
                _C,
                0.07,
                _R,
                "derived",
                "1 − R_perf (docs/method.md §3.1)",
                "Das & Teng 1996, 2001",
            ),
            Criterion(
                "C10",
                "Learning and option value",
                _B,
                0.05,
                _L,
                "1-5",
                "L(learning)",
                "Kogut 1991; Khanna et al. 1998; Cummings & Holmberg 2012",
            ),
            Criterion(
                "C11",
                "Governance fit and flexibility",
                _B,
                0.05,
                _P,
                "1-5",
                "L(flexibility)",
                "Medcof 1997; Gulati et al. 2008; Ernst & Bamford 2005",
            ),
        )
    }
)

#: Criterion codes in order.
CRITERION_CODES: tuple[str, ...] = tuple(CRITERIA)

#: Context presets: weight multipliers applied to the defaults, then renormalised
#: (docs/method.md §2).
#: ``hard_risk_caps`` drops C8 and C9 from 0.07 to 0.03 each (multiplier 3/7) before
#: renormalising, for users who cap risk hard in the portfolio MILP.
WEIGHT_PRESETS: Mapping[str, Mapping[str, float]] = MappingProxyType(
    {
        "default": MappingProxyType({}),
        "capability_seeking": MappingProxyType({"C1": 1.5}),
        "cost_sharing": MappingProxyType({"C7": 1.5, "C2": 1.2}),
        "exploration": MappingProxyType({"C10": 2.0, "C11": 1.5}),
        "coopetition": MappingProxyType({"C8": 2.0, "C3": 1.3}),
        "public_partner": MappingProxyType({"C5": 1.3, "C11": 0.7}),
        "hard_risk_caps": MappingProxyType({"C8": 0.03 / 0.07, "C9": 0.03 / 0.07}),
    }
)


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
    """

    min_score: float = 40.0
    knockout_goal_compat: float = 1.0
    benefit_share_min: float = 0.2
    benefit_share_max: float = 0.8

    def __post_init__(self) -> None:
        if not all(math.isfinite(getattr(self, f.name)) for f in dataclasses.fields(self)):
            raise ValueError("ScreeningPolicy: every threshold must be finite")
        if not 0.0 <= self.benefit_share_min <= self.benefit_share_max <= 1.0:
            raise ValueError(
                "ScreeningPolicy: need 0 <= benefit_share_min <= benefit_share_max <= 1 "
                f"(got {self.benefit_share_min}, {self.benefit_share_max})"
            )


# -- weights ---------------------------------------------------------------------------------
def preset_weights(name: str = "default") -> pd.Series:
    """Weights of a context preset: default weights × the preset's multipliers, renormalised.

    Parameters
    ----------
    name : str
        One of ``WEIGHT_PRESETS`` (default, capability_seeking, cost_sharing, exploration,
        coopetition, public_partner, hard_risk_caps).

    Returns
    -------
    Series
        Index C1..C11, sums to 1.

    Raises
    ------
    ValueError
        Unknown preset (the message lists the presets).
    """
    key = str(name).strip().lower().replace("-", "_")
    if key not in WEIGHT_PRESETS:
        raise ValueError(
            f"unknown weight preset {name!r}; choose one of: {', '.join(WEIGHT_PRESETS)}"
        )
    w = pd.Series({c: CRITERIA[c].default_weight for c in CRITERION_CODES}, name="weight")
    for code, factor in WEIGHT_PRESETS[key].items():
        w.loc[code] = w.loc[code] * factor
    return w / w.sum()


def _check_weights(weights: Mapping[str, float] | pd.Series, origin: str) -> pd.Series:
    """Validate a code → weight mapping; missing codes get 0; result sums to 1."""
    items = dict(weights.items()) if isinstance(weights, pd.Series) else dict(weights)
    unknown = sorted(set(map(str, items)) - set(CRITERION_CODES))
    if unknown:
        raise ValueError(
            f"{origin}: unknown criterion code(s) {', '.join(unknown)}; "
            f"expected some of {', '.join(CRITERION_CODES)}"
        )
    w = pd.Series(0.0, index=list(CRITERION_CODES), name="weight")
    for code, val in items.items():
        try:
            v = float(val)
        except (TypeError, ValueError):
            raise ValueError(f"{origin}: weight of {code} is not a number ({val!r})") from None
        if not math.isfinite(v) or v < 0:
            raise ValueError(f"{origin}: weight of {code} must be finite and >= 0 (got {val!r})")
        w.loc[str(code)] = v
    total = float(w.sum())
    if total <= 0:
        raise ValueError(f"{origin}: weights sum to {total:g}; at least one must be positive")
    return w / total


def resolve_weights(
    ws: Workspace,
    weights: Mapping[str, float] | pd.Series | str | None = None,
    preset: str | None = None,
) -> tuple[pd.Series, str]:
    """The weights ``score_partners`` uses, and where they came from.

    Order: explicit ``weights`` (a mapping by criterion code, missing codes weigh 0, or a preset
    name); else ``preset``; else the organization's ``criteria_weights``; else its
    ``weights_preset``; else ``"default"``. Always renormalised to sum 1.
    """
    if weights is not None and preset is not None:
        raise ValueError("give either weights or preset, not both")
    if isinstance(weights, str):
        weights, preset = None, weights
    if weights is not None:
        w = _check_weights(weights, "weights")
        given = {str(k) for k in (weights.index if isinstance(weights, pd.Series) else weights)}
        missing = [c for c in CRITERION_CODES if c not in given]
        return w, "given weights" + (
            f" ({', '.join(missing)} not given: weight 0)" if missing else ""
        )
    if preset is not None:
        return preset_weights(preset), f"preset '{preset}'"
    org = ws.organization
    if org.criteria_weights:
        return _check_weights(org.criteria_weights, "organization criteria_weights"), (
            "organization criteria_weights"
        )
    name = org.weights_preset or "default"
    return preset_weights(name), f"preset '{name}'"


# -- kernels ---------------------------------------------------------------------------------
def min_max(x: np.ndarray, direction: Direction | str = Direction.BENEFIT) -> np.ndarray:
    """Min–max normalisation to [0, 1]; 0.5 everywhere when max = min (docs/method.md §10.1).

    Benefit: ``(x − min)/(max − min)``; cost: ``(max − x)/(max − min)``.
    """
    x = np.asarray(x, dtype=float)
    lo, hi = float(np.min(x)), float(np.max(x))
    if hi - lo <= 1e-12 * max(1.0, abs(hi), abs(lo)):
        return np.full_like(x, 0.5)
    if Direction(direction) is Direction.COST:
        return (hi - x) / (hi - lo)
    return (x - lo) / (hi - lo)


def weighted_sum_score(matrix: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``S_i = 100·Σ_c w_c·n_ic`` [0–100] for a normalised matrix and weights summing to 1."""
    return 100.0 * np.asarray(matrix, dtype=float) @ np.asarray(weights, dtype=float)


# -- criteria --------------------------------------------------------------------------------
_LIKERT_ITEMS = ("goal_compat", "culture_compat", "commitment", "reputation", "learning")


def _validate_criteria_inputs(frame: pd.DataFrame) -> None:
    problems: list[Problem] = []
    for pos, (cid, row) in enumerate(frame.iterrows()):
        for item in (*_LIKERT_ITEMS, "flexibility"):
            v = row[item]
            if v is None or not np.isfinite(float(v)) or not 1.0 <= float(v) <= 5.0:
                problems.append(
                    Problem(
                        "candidates.csv",
                        pos + 2,
                        item,
                        f"candidate {cid}: {item} must be a Likert value in [1, 5] (got {v!r})",
                    )
                )
        v = row["prior_ties"]
        if v is None or not np.isfinite(float(v)) or float(v) < 0:
            problems.append(
                Problem(
                    "candidates.csv",
                    pos + 2,
                    "prior_ties",
                    f"candidate {cid}: prior_ties must be a count >= 0 (got {v!r})",
                )
            )
    if problems:
        raise DataValidationError(problems)


def _values(ws: Workspace, risk: pd.DataFrame) -> pd.DataFrame:
    frame = ws.candidates_frame()
    _validate_criteria_inputs(frame)
    gaps = ws.organization.capability_gaps
    importance = np.array([g.importance for g in gaps], dtype=float)
    cov = ws.coverage_frame().reindex(columns=[g.gap_id for g in gaps], fill_value=0.0)
    c1 = np.minimum(cov.to_numpy(dtype=float), 1.0) @ importance
    f = {c: frame[c].to_numpy(dtype=float) for c in (*_LIKERT_ITEMS, "flexibility", "prior_ties")}
    c6 = 0.5 * (f["reputation"] - 1.0) / 4.0 + 0.5 * np.minimum(f["prior_ties"], 3.0) / 3.0
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
        index=pd.Index(frame.index, name="id"),
    )


def _normalise(values: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=values.index, columns=list(CRITERION_CODES), dtype=float)
    for code in ("C1", "C2"):
        out[code] = min_max(values[code].to_numpy(), Direction.BENEFIT)
    out["C7"] = min_max(values["C7"].to_numpy(), Direction.COST)
    for code in ("C3", "C4", "C5", "C10", "C11"):
        out[code] = (values[code].to_numpy(dtype=float) - 1.0) / 4.0
    out["C6"] = values["C6"].to_numpy()
    out["C8"] = 1.0 - values["C8"].to_numpy()
    out["C9"] = 1.0 - values["C9"].to_numpy()
    out.columns.name = "criterion"
    return out


def criteria_values(ws: Workspace, policy: RiskPolicy | None = None) -> pd.DataFrame:
    """Raw criterion values before normalisation, candidates × C1..C11.

    C1 importance-weighted coverage [importance units]; C2 ``PV_benefit`` [money]; C3, C4, C5,
    C10, C11 the Likert item [1–5]; C6 the trust value [0–1]; C7 ``PV_cost`` [money]; C8
    ``R_rel`` and C9 ``R_perf`` [0–1] (risks, not yet ``1 − risk``).
    """
    return _values(ws, risk_table(ws, policy))


def criteria_matrix(ws: Workspace, policy: RiskPolicy | None = None) -> pd.DataFrame:
    """Normalised criteria ``n_ic`` [0–1], candidates × C1..C11, every column a benefit.

    Likert criteria via ``L(x) = (x − 1)/4``; C1, C2 min–max and C7 inverse min–max over all
    candidates of the workspace (0.5 when max = min); C6 = 0.5·L(reputation) +
    0.5·min(prior_ties, 3)/3; C8 = 1 − R_rel; C9 = 1 − R_perf (docs/method.md §2, §10).

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
    return _normalise(criteria_values(ws, policy))


def criteria_table() -> pd.DataFrame:
    """The eleven criteria as a table (code, name, direction, default weight, group, …)."""
    rows = [
        {k: (v.value if isinstance(v, StrEnum) else v) for k, v in dataclasses.asdict(c).items()}
        for c in CRITERIA.values()
    ]
    return pd.DataFrame(rows).set_index("code")


# -- knockouts -------------------------------------------------------------------------------
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
    """
    screening = screening or ScreeningPolicy()
    risk = risk_table(ws, policy) if risk is None else risk
    org = ws.organization
    if caps is None:
        caps = org.caps()
        given = org.risk_caps
        src_r = (
            "organization risk_caps"
            if given.max_total_per_partner is not None
            else f"{org.risk_appetite.value} appetite"
        )
        src_rel = (
            "organization risk_caps"
            if given.max_relational_per_partner is not None
            else f"{org.risk_appetite.value} appetite"
        )
    else:
        src_r = src_rel = "given caps"
    score_map = None if scores is None else dict(scores.items())
    ids = list(ws.candidate_ids)
    lacking = [i for i in ids if score_map is not None and i not in score_map]
    lacking += [i for i in ids if i not in risk.index and i not in lacking]
    if lacking:
        raise ValueError(f"knockouts: scores or risk table lack candidate(s) {', '.join(lacking)}")
    out: dict[str, tuple[str, ...]] = {}
    for cand in ws.candidates:
        reasons: list[str] = []
        if not any(float(v) > 0 for v in cand.coverage.values()):
            reasons.append("K1: closes no capability gap (coverage empty or all zero)")
        if float(cand.goal_compat) <= screening.knockout_goal_compat:
            a, b = f"{float(cand.goal_compat):g}", f"{screening.knockout_goal_compat:g}"
            reasons.append(f"K2: goal_compat {a} <= {b} (goals incompatible)")
        row = risk.loc[cand.id]
        cap_r = caps.max_total_per_partner
        if cap_r is not None and float(row["R"]) > cap_r:
            a, b = _fmt_pair(float(row["R"]), cap_r)
            reasons.append(f"K3: R {a} > {b} (max total risk per partner, {src_r})")
        cap_rel = caps.max_relational_per_partner
        if cap_rel is not None and float(row["R_rel"]) > cap_rel:
            a, b = _fmt_pair(float(row["R_rel"]), cap_rel)
            reasons.append(f"K3: R_rel {a} > {b} (max relational risk per partner, {src_rel})")
        if score_map is not None and float(score_map[cand.id]) < screening.min_score:
            s = float(score_map[cand.id])
            a = f"{s:.1f}" if round(s, 1) < screening.min_score else f"{s:.4f}"
            reasons.append(f"K4: score {a} < {screening.min_score:g}")
        if cand.must_exclude:
            reasons.append("K5: must_exclude is set")
        if reasons:
            out[cand.id] = tuple(reasons)
    return out


def _benefit_warnings(ws: Workspace, screening: ScreeningPolicy) -> dict[str, str]:
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


# -- the alliance scoring entry point --------------------------------------------------------
def score_partners(
    ws: Workspace,
    weights: Mapping[str, float] | pd.Series | str | None = None,
    method: str = "weighted_sum",
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
    method : str
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
        ``knockouts`` (id → reasons) and ``details`` (one row per candidate: weighted-sum score
        ``S``, raw criteria ``C1_raw``…``C11_raw``, ``R_rel, R_perf, R, p_fail, npv, e_npv,
        expected_loss`` [money], ``knocked_out``, ``knockouts`` codes, mutual-benefit
        ``warning``).

    Notes
    -----
    K4 always uses the weighted-sum score ``S_i`` [0–100] of docs/method.md §2 with the same
    weights, whatever ``method`` ranks the candidates (TOPSIS and PROMETHEE scores have no
    "40 points" threshold).
    """
    from alliancekit.scoring import score

    screening = screening or ScreeningPolicy()
    policy = policy or RiskPolicy()
    w, origin = resolve_weights(ws, weights, preset)
    risk = risk_table(ws, policy)
    values = _values(ws, risk)
    matrix = _normalise(values)
    wsm = pd.Series(
        weighted_sum_score(matrix.to_numpy(), w.loc[matrix.columns].to_numpy()),
        index=matrix.index,
        name="S",
    )
    kwargs: dict[str, Any] = {"method": method, "normalization": "none"}
    if preferences is not None:
        kwargs["preferences"] = preferences
    result = score(matrix, w, {c: Direction.BENEFIT for c in matrix.columns}, **kwargs)
    ko = knockouts(ws, wsm, risk, caps, screening=screening)
    warnings = _benefit_warnings(ws, screening)

    frame = ws.candidates_frame()
    details = pd.DataFrame(index=pd.Index(matrix.index, name="id"))
    details["name"] = frame["name"]
    details["relation"] = frame["relation"]
    details["S"] = wsm
    for code in CRITERION_CODES:
        details[f"{code}_raw"] = values[code]
    for col in ("R_rel", "R_perf", "R", "p_fail", "npv", "e_npv", "expected_loss"):
        details[col] = risk[col]
    details["knocked_out"] = [cid in ko for cid in details.index]
    details["knockouts"] = [",".join(knockout_codes(ko.get(cid, ()))) for cid in details.index]
    details["partner_benefit_share"] = frame["partner_benefit_share"].astype(float)
    details["warning"] = [warnings.get(cid, "") for cid in details.index]

    notes = list(getattr(result, "notes", ()) or ())
    notes.append(f"weights: {origin}")
    if method != "weighted_sum":
        notes.append("K4 uses the weighted-sum score S (0-100) with the same weights")
    notes.extend(f"{cid}: {msg}" for cid, msg in warnings.items())
    return dataclasses.replace(
        result,
        knockouts=MappingProxyType(dict(ko)),
        details=details,
        notes=tuple(notes),
    )
