"""Generic multi-criteria scoring: normalise, weigh and aggregate any alternatives × criteria table.

Pure numpy kernels (``kernels``) sit beside validating wrappers that take labelled pandas input
and return frozen result objects:

* ``score`` — :func:`score`: weighted sum (WSM), TOPSIS (Hwang & Yoon 1981) or PROMETHEE II
  (Brans & Vincke 1985) -> :class:`ScoreResult`; ``promethee`` — PROMETHEE's flows in
  O(m·n·log m) (Calders & Van Assche 2018), exact against the O(m²) definition in ``kernels``;
* ``weights`` — :func:`rank_order_weights` (rank-order centroid, Barron & Barrett 1996),
  :func:`entropy_weights` (Shannon entropy), :func:`critic_weights` (Diakoulaki et al. 1995);
  ``ahp`` — :func:`ahp_weights` (Saaty 1980 principal eigenvector, CI/CR) -> :class:`AHPResult`;
* ``checks`` and ``problem`` — the input checks every wrapper (and ``sensitivity``, ``criteria``)
  shares, among them the one weights check :func:`check_weights`;
* ``vocab`` — the closed vocabularies (:class:`Method`, :class:`Normalization`,
  :class:`PreferenceKind` …); ``preferences`` — PROMETHEE's :class:`Preference`.

Every normalisation returns *benefit-oriented* values (higher is better), so the aggregation
kernels never look at criterion directions again.
"""

import sys

from alliancekit.scoring.ahp import *  # noqa: F403
from alliancekit.scoring.checks import *  # noqa: F403
from alliancekit.scoring.kernels import *  # noqa: F403
from alliancekit.scoring.preferences import *  # noqa: F403
from alliancekit.scoring.problem import *  # noqa: F403
from alliancekit.scoring.promethee import *  # noqa: F403
from alliancekit.scoring.score import *  # noqa: F403
from alliancekit.scoring.vocab import *  # noqa: F403
from alliancekit.scoring.weights import *  # noqa: F403

#: every public name of the modules above
__all__ = [
    n
    for m in (
        "ahp",
        "checks",
        "kernels",
        "preferences",
        "problem",
        "promethee",
        "score",
        "vocab",
        "weights",
    )
    for n in sys.modules[f"{__name__}.{m}"].__all__
]

#: the former private name of :func:`prepare` (tests/test_sensitivity.py imports it)
_prepare = prepare  # noqa: F405

# Public names read as living here: tests/test_scoring.py checks ``ak.score.__module__``.
for _name in __all__:
    if getattr(globals()[_name], "__module__", "").startswith(__name__ + "."):
        globals()[_name].__module__ = __name__
