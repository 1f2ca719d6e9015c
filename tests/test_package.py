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


def _documented_parameters(doc: str) -> set[str] | None:
    """Names listed in a numpydoc ``Parameters`` section (None when there is no section)."""
    import re

    m = re.search(r"^Parameters\n-+\n(.*?)(?=^\w[\w ]*\n-+\n|\Z)", doc, re.S | re.M)
    if m is None:
        return None
    names: set[str] = set()
    for line in m.group(1).splitlines():
        if line and not line.startswith(" "):  # "name : type" or "a, b, c"
            names |= {p.strip().lstrip("*") for p in line.split(" : ")[0].split(",")}
    return names


def _functions_with_parameters_section() -> list[str]:
    import inspect

    return [
        name
        for name in sorted(ak._EXPORTS)
        if inspect.isfunction(getattr(ak, name))
        and _documented_parameters(inspect.getdoc(getattr(ak, name)) or "") is not None
    ]


@pytest.mark.parametrize("name", _functions_with_parameters_section())
def test_parameters_section_matches_the_signature(name: str) -> None:
    """A public function's numpydoc Parameters section names every parameter it takes."""
    import inspect

    obj = getattr(ak, name)
    documented = _documented_parameters(inspect.getdoc(obj) or "")
    params = list(inspect.signature(obj).parameters)
    assert [p for p in params if p not in documented] == []
    assert sorted(documented - set(params)) == []
