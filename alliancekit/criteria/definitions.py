"""The eleven default alliance criteria C1–C11 and the weight presets (docs/method.md §2)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

import pandas as pd

from alliancekit.model import Direction
from alliancekit.model.vocab import Vocabulary

__all__ = [
    "CRITERIA",
    "CRITERION_CODES",
    "WEIGHT_PRESETS",
    "Criterion",
    "CriterionGroup",
    "CriterionScale",
    "criteria_table",
]


class CriterionGroup(Vocabulary):
    """Criterion family (Geringer 1991: task vs partner; plus risk and learning)."""

    TASK = "task"
    PARTNER = "partner"
    RISK = "risk"
    LEARNING = "learning"


class CriterionScale(Vocabulary):
    """What a criterion's raw value is measured on (docs/method.md §2)."""

    DERIVED = "derived"  # computed from other inputs (coverage, risk indices)
    MONEY = "money"  # present values [money]
    LIKERT = "1-5"  # a Likert item [1–5]
    MIXED = "mixed"  # a blend of a Likert item and a count


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
    scale : CriterionScale
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
    scale: CriterionScale
    definition: str
    source: str


_B, _C = Direction.BENEFIT, Direction.COST
_DERIVED, _MONEY, _LIKERT, _MIXED = (
    CriterionScale.DERIVED,
    CriterionScale.MONEY,
    CriterionScale.LIKERT,
    CriterionScale.MIXED,
)
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
                _DERIVED,
                "Σ_g importance_g·min(coverage_ig, 1), then min–max over all candidates",
                "Brouthers et al. 1995; Geringer 1991; Hitt et al. 2000; Kanter 1994",
            ),
            Criterion(
                "C2",
                "Strategic value",
                _B,
                0.14,
                _T,
                _MONEY,
                "PV_benefit = value_annual·AF, then min–max",
                "Wassmer et al. 2010; Kanter 1994",
            ),
            Criterion(
                "C3",
                "Goal compatibility",
                _B,
                0.11,
                _P,
                _LIKERT,
                "L(goal_compat)",
                "Brouthers et al. 1995; Coff (4C); Medcof 1997",
            ),
            Criterion(
                "C4",
                "Cultural and managerial compatibility",
                _B,
                0.09,
                _P,
                _LIKERT,
                "L(culture_compat)",
                "Brouthers et al. 1995; Geringer 1991; Dasí-Rodríguez & Pardo-del-Val 2015",
            ),
            Criterion(
                "C5",
                "Commitment",
                _B,
                0.08,
                _P,
                _LIKERT,
                "L(commitment)",
                "Medcof 1997; Kanter 1994",
            ),
            Criterion(
                "C6",
                "Trust and track record",
                _B,
                0.08,
                _P,
                _MIXED,
                "0.5·L(reputation) + 0.5·min(prior_ties, 3)/3",
                "Gulati 1995; Das & Teng 2001a",
            ),
            Criterion(
                "C7",
                "Cost",
                _C,
                0.10,
                _T,
                _MONEY,
                "PV_cost = cost_one_off + cost_annual·AF, then inverse min–max",
                "Source text (cost sharing); Vaidya on formation costs",
            ),
            Criterion(
                "C8",
                "Relational risk",
                _C,
                0.07,
                _R,
                _DERIVED,
                "1 − R_rel (docs/method.md §3.1)",
                "Das & Teng 1996, 2001",
            ),
            Criterion(
                "C9",
                "Performance risk",
                _C,
                0.07,
                _R,
                _DERIVED,
                "1 − R_perf (docs/method.md §3.1)",
                "Das & Teng 1996, 2001",
            ),
            Criterion(
                "C10",
                "Learning and option value",
                _B,
                0.05,
                _L,
                _LIKERT,
                "L(learning)",
                "Kogut 1991; Khanna et al. 1998; Cummings & Holmberg 2012",
            ),
            Criterion(
                "C11",
                "Governance fit and flexibility",
                _B,
                0.05,
                _P,
                _LIKERT,
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


def criteria_table() -> pd.DataFrame:
    """The eleven criteria as a table (code, name, direction, default weight, group, …)."""
    rows = [
        {k: (v.value if isinstance(v, StrEnum) else v) for k, v in dataclasses.asdict(c).items()}
        for c in CRITERIA.values()
    ]
    return pd.DataFrame(rows).set_index("code")
