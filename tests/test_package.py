"""Package-level contract: light import, one version source, every public name resolves."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import pytest

import alliancekit as ak


def test_import_is_light() -> None:
    """``import alliancekit`` must not import the solvers, chart, widget or notebook libraries."""
    code = (
        "import sys, alliancekit, alliancekit.model, alliancekit.errors;"
        "heavy = [m for m in ('pulp', 'highspy', 'matplotlib', 'ipywidgets', 'papermill',"
        " 'altair', 'vl_convert')"
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


# -- one source of truth for the packaged files ------------------------------------------------
ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def _tree(folder) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts
    }


def test_top_level_samples_and_notebooks_are_the_packaged_files() -> None:
    """``data/<sample>`` and ``notebooks/*.ipynb`` are the files inside the package (links to
    ``alliancekit/data/``): never two copies edited by hand."""
    from alliancekit.resources import NOTEBOOKS, notebook_path, samples_dir

    packaged = samples_dir()
    names = sorted(p.name for p in packaged.iterdir() if p.is_dir())
    assert names == ["greenscape", "norden-pumpen", "sanchar-apps"]
    for name in names:
        assert _tree(ROOT / "data" / name) == _tree(packaged / name), name
    top = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert top == sorted(NOTEBOOKS.values())
    for file_name in top:
        assert (ROOT / "notebooks" / file_name).read_bytes() == notebook_path(
            file_name
        ).read_bytes()


def test_missing_packaged_file_is_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken installation exits 70 with a plain message, never 2 ("invalid input")."""
    from alliancekit import cli, resources
    from alliancekit.errors import PackagedFileMissingError

    def missing(*parts: str):
        raise PackagedFileMissingError("/site-packages/alliancekit/data/" + "/".join(parts))

    monkeypatch.setattr(resources, "packaged", missing)
    monkeypatch.delenv("ALLIANCEKIT_DATA", raising=False)
    with pytest.raises(PackagedFileMissingError, match="reinstall alliancekit"):
        resources.notebook_path("report")
    assert cli.main(["teach", "--student", "/tmp/never-written.ipynb"]) == cli.EXIT_INTERNAL == 70


# -- packaging metadata --------------------------------------------------------------------------
def _pyproject() -> dict:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))


def test_environment_yml_lists_pyprojects_dependencies() -> None:
    """environment.yml mirrors pyproject's dependency ranges exactly (one list, two formats)."""
    import re

    import yaml

    wanted = {
        re.split(r"[<>=!~ \[]", d, maxsplit=1)[0].lower(): d.replace(" ", "")
        for d in _pyproject()["project"]["dependencies"]
    }
    env = yaml.safe_load((ROOT / "environment.yml").read_text("utf-8"))
    listed = {
        re.split(r"[<>=!~ \[]", d, maxsplit=1)[0].lower(): d.replace(" ", "")
        for d in env["dependencies"]
        if isinstance(d, str) and not d.startswith(("python=", "pip"))
    }
    assert listed == wanted


def test_lock_pins_every_dependency_exactly() -> None:
    """requirements.lock pins (==) every runtime and dev dependency named in pyproject."""
    import re

    lock = (ROOT / "requirements.lock").read_text("utf-8")
    pinned = {
        m.group(1).lower().replace("_", "-")
        for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==", lock, re.M)
    }
    project = _pyproject()["project"]
    for dep in [*project["dependencies"], *project["optional-dependencies"]["dev"]]:
        name = re.split(r"[<>=!~ \[;]", dep, maxsplit=1)[0].lower().replace("_", "-")
        assert name in pinned, name


def test_every_subcommand_help_is_complete() -> None:
    """Each sub-command has a description, help on every argument and the exit codes."""
    from alliancekit.cli import EXIT_CODES_EPILOG, build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    assert set(sub.choices) >= {"validate", "score", "select", "review", "report", "app",
                                "new-case", "teach"}  # fmt: skip
    for name, p in sub.choices.items():
        assert p.description and len(p.description) > 40, name
        assert p.epilog == EXIT_CODES_EPILOG, name
        for action in p._actions:
            if action.dest == "help":
                continue
            assert action.help and len(action.help) > 10, (name, action.dest)
        help_text = p.format_help()
        assert "70  internal error" in help_text
    formats = {n for n, p in sub.choices.items() if any(a.dest == "format" for a in p._actions)}
    assert {"validate", "score", "select", "review", "report"} <= formats


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "alliancekit", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout.startswith("alliancekit ")


def test_license_and_changelog_ship() -> None:
    project = _pyproject()["project"]
    assert project["license"] == "MIT" and (ROOT / "LICENSE").is_file()
    assert (ROOT / "CHANGELOG.md").is_file()
    assert project["urls"] and project["classifiers"]
    build = _pyproject()["build-system"]["requires"]
    assert any(r.startswith("setuptools>=77") for r in build)
