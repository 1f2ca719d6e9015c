"""Package-level contract: light import, one version source, every public name resolves."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import pytest

import alliancekit as ak


def test_import_is_light() -> None:
    """``import alliancekit`` must not import pulp, matplotlib, ipywidgets or papermill."""
    code = (
        "import sys, alliancekit, alliancekit.model, alliancekit.errors;"
        "heavy = [m for m in ('pulp', 'matplotlib', 'ipywidgets', 'papermill')"
        " if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_version_comes_from_metadata() -> None:
    assert ak.__version__ == version("alliancekit")


@pytest.mark.parametrize("name", sorted(ak._EXPORTS))
def test_public_name_resolves(name: str) -> None:
    """Every exported name is importable from the module the export table says."""
    assert getattr(ak, name) is not None


def test_unknown_name_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = ak.nope
