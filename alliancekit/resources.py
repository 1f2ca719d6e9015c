"""Files that ship inside the package: the sample workspaces and the notebooks.

They live in ``alliancekit/data/`` and are found with ``importlib.resources``, so an installed
wheel works from any folder. The repository's top-level ``data/<sample>`` folders and
``notebooks/*.ipynb`` files are symbolic links to these (one source of truth; a test checks it).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from alliancekit.errors import PackagedFileMissingError

__all__ = ["NOTEBOOKS", "notebook_path", "packaged", "samples_dir"]

#: The notebooks that ship with the package, by role.
NOTEBOOKS = {
    "teaching": "00_alliances_101.ipynb",
    "score": "01_score_partners.ipynb",
    "select": "02_select_portfolio.ipynb",
    "report": "03_review_report.ipynb",
    "roadmap": "04_roadmap.ipynb",
    "group": "05_group_decision.ipynb",
    "dashboard": "dashboard.ipynb",
    "participant": "participant.ipynb",
}


def packaged(*parts: str) -> Path:
    """Path of a file or folder under ``alliancekit/data/``.

    Raises
    ------
    PackagedFileMissingError
        When it is missing: the installation is broken (an internal error, not bad input).
    """
    path = Path(str(files("alliancekit").joinpath("data", *parts)))
    if not path.exists():
        raise PackagedFileMissingError(path)
    return path


def samples_dir() -> Path:
    """The folder holding the bundled sample workspaces."""
    return packaged("samples")


def notebook_path(role: str) -> Path:
    """A bundled notebook by role (``"report"``, ``"dashboard"``, ``"teaching"`` …) or file name."""
    return packaged("notebooks", NOTEBOOKS.get(role, role))
