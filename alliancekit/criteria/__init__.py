"""The default alliance criteria C1–C11, weight presets, knockouts and ``score_partners``.

docs/method.md §2 defines eleven criteria in four groups (task, partner, risk, learning), each
turned into a benefit value ``n_ic`` in [0, 1]:

- ``definitions`` — :data:`CRITERIA`, their codes, groups and scales, :data:`WEIGHT_PRESETS`;
- ``weights`` — :func:`preset_weights` and :func:`resolve_weights` (checked by the one
  :func:`alliancekit.scoring.check_weights`);
- ``values`` — :func:`criteria_values` (raw) and :func:`criteria_matrix` (normalised with
  scoring's min–max kernel and the model's Likert scale);
- ``knockouts`` — :class:`ScreeningPolicy`, :func:`knockouts` K1–K5, the mutual-benefit warning;
- ``partners`` — :func:`score_partners`, which aggregates them with
  :func:`alliancekit.scoring.score` and screens with the knockouts, reporting **every** knockout
  a candidate fails (§10 reading 6).
"""

import sys

from alliancekit.criteria.definitions import *  # noqa: F403
from alliancekit.criteria.knockouts import *  # noqa: F403
from alliancekit.criteria.partners import *  # noqa: F403
from alliancekit.criteria.values import *  # noqa: F403
from alliancekit.criteria.weights import *  # noqa: F403

#: every public name of the modules above
__all__ = [
    n
    for m in ("definitions", "knockouts", "partners", "values", "weights")
    for n in sys.modules[f"{__name__}.{m}"].__all__
]
