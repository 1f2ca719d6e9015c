"""Shared fixtures. Module-specific fixtures live in the test module that uses them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SAMPLES = ("sanchar-apps", "greenscape", "norden-pumpen")


@pytest.fixture(autouse=True, scope="session")
def _isolated_jupyter_dirs(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Point Jupyter/IPython config and runtime dirs at temp dirs so tests never touch $HOME."""
    base = tmp_path_factory.mktemp("jupyter")
    for var, sub in (
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("IPYTHONDIR", "ipython"),
    ):
        path = base / sub
        path.mkdir()
        os.environ.setdefault(var, str(path))
    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(params=SAMPLES)
def sample_name(request: pytest.FixtureRequest) -> str:
    """Each bundled sample workspace name in turn."""
    return request.param
