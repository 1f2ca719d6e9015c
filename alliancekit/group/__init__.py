"""Group decisions: many people's judgements, aggregated openly (docs/group.md).

Collect (``survey``: one workbook per participant; ``responses``: one file per participant,
stored atomically), aggregate (``ahp``: AIJ, AIP, Goepel's consensus; ``concordance``:
Kendall's W; ``ratings``), show the disagreement (``disagreement``: consistency and repair hints,
widest judgements, clusters, sides), carry it into the decision (``decision``: rankings,
portfolios, core/borderline/exterior partners, rank acceptability) and agree joint objectives
with a partner (``objectives``); ``live`` holds the personal links and locked submissions of
live workshops (the page itself is :mod:`alliancekit.widgets.participant`). ``kernels`` holds
the pure numpy functions; ``vocab`` the Enums and the verbal AHP scale; ``sample`` the
GreenScape group sample.
"""

from alliancekit.group.ahp import (
    GroupAHPResult,
    aggregate_weights,
    check_participant_weights,
    group_ahp,
    repair_hints,
)
from alliancekit.group.concordance import ConcordanceResult, kendall_w
from alliancekit.group.decision import GroupDecisionResult, group_decision, rank_acceptability
from alliancekit.group.disagreement import DisagreementResult, analyse_disagreement, group_weights
from alliancekit.group.objectives import (
    JointMilestone,
    JointObjective,
    JointObjectivesResult,
    joint_objectives,
    objective_benchmarks,
)
from alliancekit.group.participants import (
    PEOPLE_FILE,
    Participant,
    load_participants,
    participants_frame,
    to_participants,
)
from alliancekit.group.ratings import aggregate_ratings, apply_ratings
from alliancekit.group.responses import (
    RATED_CRITERIA,
    RESPONSES_DIR,
    GroupResponses,
    Response,
    load_responses,
    responses_folder,
    save_response,
)
from alliancekit.group.survey import (
    import_survey_workbook,
    make_survey_workbooks,
    read_survey_workbook,
)
from alliancekit.group.vocab import (
    SCALE_PHRASES,
    AggregationMethod,
    ConsensusLevel,
    ParticipantOrganisation,
    SelectionClass,
    SurveyMode,
)

__all__ = [
    "PEOPLE_FILE",
    "RATED_CRITERIA",
    "RESPONSES_DIR",
    "SCALE_PHRASES",
    "AggregationMethod",
    "ConcordanceResult",
    "ConsensusLevel",
    "DisagreementResult",
    "GroupAHPResult",
    "GroupDecisionResult",
    "GroupResponses",
    "JointMilestone",
    "JointObjective",
    "JointObjectivesResult",
    "Participant",
    "ParticipantOrganisation",
    "Response",
    "SelectionClass",
    "SurveyMode",
    "aggregate_ratings",
    "aggregate_weights",
    "analyse_disagreement",
    "apply_ratings",
    "check_participant_weights",
    "group_ahp",
    "group_decision",
    "group_weights",
    "import_survey_workbook",
    "joint_objectives",
    "kendall_w",
    "load_participants",
    "load_responses",
    "make_survey_workbooks",
    "objective_benchmarks",
    "participants_frame",
    "rank_acceptability",
    "read_survey_workbook",
    "repair_hints",
    "responses_folder",
    "save_response",
    "to_participants",
]
