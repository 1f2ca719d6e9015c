"""Robustness of a multi-criteria ranking: SMAA-2 acceptability indices and weight stability.

* :func:`smaa` (``smaa``) — Stochastic Multicriteria Acceptability Analysis (SMAA-2, Lahdelma &
  Salminen 2001): draw weight vectors (uniform on the simplex, or uniform within bounds,
  ``sampling``), optionally perturb the criterion values, rank the alternatives in every draw
  (``scorer``) and report how often each alternative lands on each rank (rank acceptability
  indices), the typical weights that make it the winner (central weight vectors), how sure that
  win is (confidence factors), a holistic acceptability index and pairwise winning indices
  (:class:`SMAAResult`, ``result``). Seeded, vectorised and processed in chunks.
* :func:`weight_stability` (``stability``) — for each criterion, how far its weight can move
  (the others rescaled proportionally) before the top-k set changes: exact breakpoints where
  scores are linear in the weights (weighted sum, PROMETHEE II), a grid plus bisection for
  TOPSIS.
"""

import sys

from alliancekit.sensitivity.result import *  # noqa: F403
from alliancekit.sensitivity.sampling import *  # noqa: F403
from alliancekit.sensitivity.scorer import *  # noqa: F403
from alliancekit.sensitivity.smaa import *  # noqa: F403
from alliancekit.sensitivity.stability import *  # noqa: F403

#: every public name of the modules above
__all__ = [
    n
    for m in ("result", "sampling", "scorer", "smaa", "stability")
    for n in sys.modules[f"{__name__}.{m}"].__all__
]

#: the former private name of :class:`BatchScorer` (tests/test_sensitivity.py imports it)
_Scorer = BatchScorer  # noqa: F405
