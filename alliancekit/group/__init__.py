"""Group decisions: many people's judgements, aggregated openly (docs/group.md)."""

from alliancekit.group.ahp import (
    GroupAHPResult,
    aggregate_weights,
    check_participant_weights,
    group_ahp,
    repair_hints,
)
from alliancekit.group.concordance import ConcordanceResult, kendall_w
from alliancekit.group.vocab import (
    SCALE_PHRASES,
    AggregationMethod,
    ConsensusLevel,
    ParticipantOrganisation,
    SelectionClass,
    SurveyMode,
)

__all__ = [
    "SCALE_PHRASES",
    "AggregationMethod",
    "ConcordanceResult",
    "ConsensusLevel",
    "GroupAHPResult",
    "ParticipantOrganisation",
    "SelectionClass",
    "SurveyMode",
    "aggregate_weights",
    "check_participant_weights",
    "group_ahp",
    "kendall_w",
    "repair_hints",
]
