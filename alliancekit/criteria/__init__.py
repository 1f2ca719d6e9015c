"""The default alliance criteria (moved into a subpackage; split follows)."""

from alliancekit.criteria.partners import *  # noqa: F403
from alliancekit.criteria.partners import __all__  # noqa: F401
