"""Robustness of rankings (moved into a subpackage; split follows)."""

from alliancekit.sensitivity.smaa import *  # noqa: F403
from alliancekit.sensitivity.smaa import _Scorer  # noqa: F401
from alliancekit.sensitivity.smaa import __all__  # noqa: F401
