"""``python -m alliancekit.cli``: the same command line as ``alliancekit``."""

import sys

from alliancekit.cli import main

sys.exit(main())
