"""The roadmap's optional workspace columns and ``roadmap`` settings: read, checked with file,
row and column, written back (folder and workbook), documented in data/README.md."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import DATA

from alliancekit import workspace as wsmod
from alliancekit.errors import DataValidationError
from alliancekit.model import PlanningStep, RoadmapSettings
from alliancekit.workspace import load_workspace, sample_workspace, save_workspace


def _copy(tmp_path: Path, name: str) -> Path:
    dest = tmp_path / name
    shutil.copytree(DATA / name, dest)
    return dest


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(path: Path) -> list:
    with pytest.raises(DataValidationError) as info:
        load_workspace(path)
    return list(info.value.problems)


def test_the_samples_read_their_roadmap_data() -> None:
    norden = sample_workspace("norden-pumpen")
    settings = norden.organization.roadmap
    assert settings.years == 5 and settings.start_year == 2026
    assert settings.budgets_annual == (1800.0, 2100.0, 2400.0, 2700.0, 3000.0)
    assert settings.capacity_fte[:2] == (4.0, 4.0) and settings.coverage_by_year == 2
    assert dict(settings.fte_by_tier) == {1: 1.0, 2: 0.5, 3: 0.25}
    assert norden.candidate("C05").value_ramp == (0.3, 0.7, 1.0)
    assert norden.candidate("C11").earliest_start == 3 and norden.candidate("C07").tier == 1
    assert norden.alliance("AL-C4").exit_year == 3
    sanchar = sample_workspace("sanchar-apps")
    a01 = sanchar.candidate("A01")
    assert (a01.pilot_years, a01.pilot_cost_one_off, a01.pilot_value_annual) == (1, 30.0, 120.0)
    assert sanchar.organization.roadmap.carry_over == 0.5
    green = sample_workspace("greenscape")
    assert green.organization.roadmap == RoadmapSettings() and not green.organization.roadmap.given
    assert green.candidate("B01").pilot_years is None and green.candidate("B01").cost_ramp == ()


@pytest.mark.parametrize("fmt", ["folder", "xlsx"])
def test_roadmap_data_survive_a_save(tmp_path: Path, fmt: str) -> None:
    for name in ("norden-pumpen", "sanchar-apps"):
        ws = sample_workspace(name)
        target = tmp_path / (f"{name}.xlsx" if fmt == "xlsx" else name)
        back = load_workspace(save_workspace(ws, target))
        assert back.organization.roadmap == ws.organization.roadmap
        assert back.candidates == ws.candidates
        assert back.alliances == ws.alliances


def test_quarter_step_and_maps_as_text(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "greenscape")
    with open(folder / "organization.yaml", "a", encoding="utf-8") as fh:
        fh.write(
            "roadmap:\n  step: Quarter\n  budgets_annual: '55;60'\n"
            "  fte_by_form: 'joint_venture:1;Strategic Partnership:0.5'\n"
        )
    settings = load_workspace(folder).organization.roadmap
    assert settings.step is PlanningStep.QUARTER
    assert settings.budgets_annual == (55.0, 60.0)
    assert dict(settings.fte_by_form) == {"joint_venture": 1.0, "strategic_partnership": 0.5}


@pytest.mark.parametrize(
    ("setting", "column", "text"),
    [
        ("  yeras: 3\n", "roadmap.yeras", "unknown setting 'yeras'; did you mean 'years'?"),
        ("  years: 12\n", "roadmap.years", "expected a value in [1, 10], got 12"),
        ("  budgets_annual: [55, -1]\n", "roadmap.budgets_annual", "'-1' in the list"),
        ("  carry_over: 1.5\n", "roadmap.carry_over", "expected a value in [0, 1]"),
        ("  step: month\n", "roadmap.step", "expected one of: year, quarter"),
        ("  fte_by_tier:\n    4: 1.0\n", "roadmap.fte_by_tier.4", "expected a value in [1, 3]"),
        (
            "  fte_by_form:\n    joint_venture: lots\n",
            "roadmap.fte_by_form.joint_venture",
            "expected a number",
        ),
    ],
)
def test_bad_roadmap_settings_are_located(
    tmp_path: Path, setting: str, column: str, text: str
) -> None:
    folder = _copy(tmp_path, "greenscape")
    org = folder / "organization.yaml"
    lines = org.read_text(encoding="utf-8").count("\n")
    with open(org, "a", encoding="utf-8") as fh:
        fh.write("roadmap:\n" + setting)
    (problem,) = _problems(folder)
    assert problem.file == "organization.yaml" and problem.column == column
    assert text in problem.message
    assert problem.row is not None and problem.row > lines


def test_bad_roadmap_cells_are_located(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "sanchar-apps")
    path = folder / "candidates.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    col = {h: k for k, h in enumerate(header)}

    def set_cell(row: int, column: str, value: str) -> None:
        cells = text[row - 1].split(",")
        cells[col[column]] = value
        text[row - 1] = ",".join(cells)

    set_cell(2, "value_ramp", "0.5;x")  # A01
    set_cell(3, "earliest_start", "3")  # A02: after its latest start
    set_cell(3, "latest_start", "2")
    set_cell(4, "pilot_cost_annual", "5")  # A03: pilot terms without pilot_years
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    problems = {(p.row, p.column): p.message for p in _problems(folder)}
    assert "'x' in the list: expected a number" in problems[(2, "value_ramp")]
    assert problems[(3, "earliest_start")] == "earliest_start 3 is after latest_start 2"
    assert "pilot_years is blank" in problems[(4, "pilot_cost_annual")]


def test_data_readme_documents_the_roadmap_settings_and_columns() -> None:
    text = (DATA / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## organization.yaml", 1)[1].split("\n## candidates.csv", 1)[0]
    documented = set(re.findall(r"`([a-z_0-9]+)`", section))
    for c in wsmod.ROADMAP_COLS:
        assert c.name in documented, c.name
    for name in wsmod.ROADMAP_MAPS:
        assert name in documented, name
    assert "roadmap" in documented
