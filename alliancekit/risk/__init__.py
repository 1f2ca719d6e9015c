"""Risk model (moved into a subpackage; split follows)."""

from alliancekit.risk.table import *  # noqa: F403
from alliancekit.risk.table import __all__  # noqa: F401
