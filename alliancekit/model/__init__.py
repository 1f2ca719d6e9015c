"""The alliance data model: vocabularies, entities, periods and units.

``vocab``: closed vocabularies as Enums; ``entities``: organization, candidates, alliances;
``workspace``: the ``Workspace`` bundle and its frames; ``periods``: ``YYYY-Qn`` quarters;
``units``: the Likert scale, annuity factor and money labels. Everything is re-exported here.
"""

from alliancekit.model import entities, periods, units, vocab
from alliancekit.model.entities import (
    APPETITE_CAPS,
    RELATIONAL_DEFAULTS,
    Alliance,
    Candidate,
    DiversificationRule,
    Gap,
    Goal,
    Organization,
    RiskCaps,
    RoadmapSettings,
    find,
)
from alliancekit.model.periods import (
    PERIOD_PATTERN,
    is_period,
    next_period,
    parse_period,
    period_from_index,
    period_index,
    period_indices,
    period_key,
)
from alliancekit.model.units import LIKERT_MAX, LIKERT_MIN, annuity_factor, likert, money_label
from alliancekit.model.vocab import (
    ActionStatus,
    AllianceForm,
    AllianceStatus,
    Buyout,
    Decision,
    DecisionRule,
    Direction,
    IPSensitivity,
    KPIDirection,
    KPISource,
    LifecycleStage,
    MilestoneStatus,
    Perspective,
    PlanningStep,
    Relation,
    RiskAppetite,
    Side,
    SizeClass,
    SolveStatus,
    Vocabulary,
)
from alliancekit.model.workspace import Workspace

__all__ = sorted({*entities.__all__, *periods.__all__, *units.__all__, *vocab.__all__, "Workspace"})
