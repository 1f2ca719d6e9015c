"""Closed vocabularies of group decisions, and the verbal AHP scale (docs/group.md §1).

The Enums share the model's parsing and labels (``parse`` accepts value or name in any case;
``label`` gives words for people).
"""

from __future__ import annotations

import math

import pandas as pd

from alliancekit.model.vocab import Vocabulary

__all__ = [
    "SCALE_PHRASES",
    "AggregationMethod",
    "ConsensusLevel",
    "ParticipantOrganisation",
    "SelectionClass",
    "SurveyMode",
    "for_people",
    "judgement_text",
    "round_to_scale",
    "scale_phrase",
    "scale_value",
]


class ParticipantOrganisation(Vocabulary):
    """Which side a participant speaks for (``organisation`` column of people.csv).

    ``own``: the focal organization; ``partner``: the alliance partner; ``other``: anyone else
    (an adviser, a funder, a community representative).
    """

    OWN = "own"
    PARTNER = "partner"
    OTHER = "other"


class AggregationMethod(Vocabulary):
    """How individual AHP judgements become one group result (Forman & Peniwati 1998).

    ``aij``: weighted geometric mean of the judgements, then the principal eigenvector (the
    group acts as one unit); ``aip``: weighted geometric mean of the individual priority vectors,
    renormalised (the group is a set of individuals); ``aip_arithmetic``: their weighted
    arithmetic mean.
    """

    AIJ = "aij"
    AIP = "aip"
    AIP_ARITHMETIC = "aip_arithmetic"


class SurveyMode(Vocabulary):
    """What a survey asks for: pairwise comparisons on the verbal AHP scale, or direct points."""

    PAIRWISE = "pairwise"
    DIRECT = "direct"


class ConsensusLevel(Vocabulary):
    """Goepel's (2018, Table 2) words for the AHP consensus indicator S*.

    very low S* ≤ 0.50; low 0.50–0.65; moderate 0.65–0.75; high 0.75–0.85; very high ≥ 0.85.
    """

    VERY_LOW = "very_low"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    VERY_HIGH = "very_high"

    @classmethod
    def of(cls, consensus: float) -> ConsensusLevel | None:
        """The band of a consensus value S* [0–1]; None for NaN (a single participant)."""
        if consensus is None or math.isnan(consensus):
            return None
        if consensus <= 0.5:
            return cls.VERY_LOW
        for upper, level in ((0.65, cls.LOW), (0.75, cls.MODERATE), (0.85, cls.HIGH)):
            if consensus < upper:
                return level
        return cls.VERY_HIGH


class SelectionClass(Vocabulary):
    """How a partner fares across the participants' portfolios.

    ``core``: chosen under every participant's weights; ``borderline``: under some;
    ``exterior``: under none.
    """

    CORE = "core"
    BORDERLINE = "borderline"
    EXTERIOR = "exterior"


#: Saaty's fundamental scale in words, by intensity 1–9 (even values lie between).
SCALE_PHRASES: dict[int, str] = {
    1: "equally important",
    2: "equally to moderately more important",
    3: "moderately more important",
    4: "moderately to strongly more important",
    5: "strongly more important",
    6: "strongly to very strongly more important",
    7: "very strongly more important",
    8: "very strongly to extremely more important",
    9: "extremely more important",
}
_BY_PHRASE = {text: value for value, text in SCALE_PHRASES.items()}


def scale_value(text: object) -> int | None:
    """The intensity 1–9 of a scale phrase or of a whole number 1–9 given as text; else None."""
    if isinstance(text, bool):
        return None
    if isinstance(text, (int, float)) and float(text).is_integer() and 1 <= text <= 9:
        return int(text)
    key = " ".join(str(text).strip().lower().split())
    if key in _BY_PHRASE:
        return _BY_PHRASE[key]
    if key.isdigit() and 1 <= int(key) <= 9:
        return int(key)
    return None


def round_to_scale(value: float) -> float:
    """The nearest judgement on Saaty's 1–9 scale (1/9 … 1/2, 1, 2 … 9) to ``value`` > 0."""
    if value >= 1:
        return float(min(9, max(1, round(value))))
    return 1.0 / min(9, max(1, round(1.0 / value)))


def scale_phrase(value: float) -> str:
    """Words for a judgement a_ij (how much more important i is than j) on the 1–9 scale.

    Values below 1 read as the reverse comparison (``1/5`` → "strongly less important").
    """
    v = round_to_scale(value)
    if v >= 1:
        return SCALE_PHRASES[int(v)]
    return SCALE_PHRASES[round(1 / v)].replace("more", "less")


def judgement_text(a: str, b: str, value: float) -> str:
    """A judgement a_ab in words: "C2 is strongly more important than C7" (value 5)."""
    if round_to_scale(value) == 1:
        return f"{a} and {b} are equally important"
    return f"{a} is {scale_phrase(value)} than {b}"


def for_people(frame: pd.DataFrame) -> pd.DataFrame:
    """A table as people read it: criterion codes with their names, headers in words.

    ``C2`` becomes ``C2 Strategic value`` in the index; ``chosen_by`` becomes ``chosen by``.
    """
    from alliancekit.criteria import CRITERIA

    out = frame.rename(columns=lambda c: str(c).replace("_", " "))
    out.index = [f"{i} {CRITERIA[i].name}" if i in CRITERIA else i for i in out.index]
    out.index.name = str(frame.index.name or "").replace("_", " ")
    return out
