"""Generic multi-criteria scoring (moved into a subpackage; split follows)."""

from alliancekit.scoring.score import *  # noqa: F403
from alliancekit.scoring.score import (  # noqa: F401
    TIE_TOLERANCE,
    _check_names,
    _check_weights,
    _prepare,
    _Problem,
    ahp_eigen_kernel,
    preference_kernel,
)
from alliancekit.scoring.score import __all__  # noqa: F401

score.__module__ = __name__  # noqa: F405 - the public home of score()
