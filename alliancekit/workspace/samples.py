"""The bundled sample workspaces, and where a workspace argument points."""

from __future__ import annotations

import os
from pathlib import Path

from alliancekit.errors import DataValidationError
from alliancekit.model import Workspace
from alliancekit.workspace.columns import ORG_FILE

__all__ = ["DATA_ENV", "data_dir", "resolve_workspace_path", "sample_names", "sample_workspace"]

#: Environment variable that overrides the folder holding the sample workspaces.
DATA_ENV = "ALLIANCEKIT_DATA"
#: Scenarios A, B and C of docs/method.md §6, listed first.
_CANONICAL_SAMPLES = ("sanchar-apps", "greenscape", "norden-pumpen")


def data_dir() -> Path:
    """Folder holding the sample workspaces: ``$ALLIANCEKIT_DATA`` or the ones bundled with the
    package (``alliancekit/data/samples``, the same files as the repository's ``data/``)."""
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser()
    from alliancekit.resources import samples_dir

    return samples_dir()


def sample_names() -> tuple[str, ...]:
    """Names of the bundled sample workspaces (scenarios A, B, C first, then any others)."""
    base = data_dir()
    found = (
        sorted(p.name for p in base.iterdir() if (p / ORG_FILE).is_file()) if base.is_dir() else []
    )
    first = [n for n in _CANONICAL_SAMPLES if n in found]
    return tuple(first + [n for n in found if n not in first])


def sample_workspace(name: str) -> Workspace:
    """Load a bundled sample workspace by name (see ``sample_names()``).

    Raises
    ------
    DataValidationError
        For a name that is not a sample (the message lists the samples).
    """
    from alliancekit.workspace.load import load_workspace  # load resolves paths through here

    names = sample_names()
    if name not in names:
        raise DataValidationError.single(
            f"unknown sample workspace '{name}'; available: {', '.join(names) or 'none'}",
            file=str(data_dir()),
        )
    return load_workspace(data_dir() / name)


def resolve_workspace_path(path: str | os.PathLike[str]) -> Path:
    """Where a workspace argument points: the path itself, or for a bare name that is no path
    here (``"greenscape"``) the bundled sample of that name."""
    p = Path(path).expanduser()
    if not p.exists() and not p.suffix and os.sep not in str(path) and "/" not in str(path):
        candidate = data_dir() / str(path)
        if (candidate / ORG_FILE).is_file():
            return candidate
    return p
