"""The widgets' building blocks: error and table markup, weight sliders, uploads, layering."""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from alliancekit.errors import (
    DataValidationError,
    InfeasiblePortfolioError,
    Problem,
    Relaxation,
    ReportError,
)
from alliancekit.model import RiskAppetite
from alliancekit.widgets.controls import WeightSliders, enum_dropdown, slider
from alliancekit.widgets.markup import MAX_PROBLEMS_SHOWN, error_html, table_html
from alliancekit.widgets.upload import UploadFolders

WIDGETS = Path(__file__).resolve().parents[1] / "alliancekit" / "widgets"


# -- error markup ---------------------------------------------------------------------------------
def test_an_alliancekit_error_renders_itself_in_the_message_area() -> None:
    exc = ReportError("the kernel died", workspace="greenscape")
    out = error_html(exc, context="Could not run <the> report.")
    assert out.startswith('<div class="ak-msg-error">')
    assert exc.for_html() in out
    assert "Could not run &lt;the&gt; report." in out


def test_validation_errors_show_the_true_total_and_the_first_problems() -> None:
    problems = [Problem("c.csv", row, "goal_compat", "outside 1–5") for row in range(2, 52)]
    exc = DataValidationError(problems, truncated=7)
    out = error_html(exc)
    assert "The data has 57 problem(s)" in out
    assert out.count("<li>") == MAX_PROBLEMS_SHOWN + 1
    assert f"… and {57 - MAX_PROBLEMS_SHOWN} more" in out
    assert "c.csv, row 2, column &#x27;goal_compat&#x27;: outside 1–5" in out


@dataclass(frozen=True)
class _Constraint:
    key: str
    label: str


def test_infeasibility_lists_the_groups_by_label_with_their_key() -> None:
    exc = InfeasiblePortfolioError(
        "No portfolio satisfies every constraint.",
        conflicting=("limit[cost_annual]", "count.max"),
        relaxations=(Relaxation("limit[cost_annual]", 20.0, 48.0, "raise the budget to 48"),),
    )
    out = error_html(exc)
    assert "Conflicting constraints: limit[cost_annual], count.max" in out
    assert "<li>raise the budget to 48</li>" in out
    exc.constraints = (_Constraint("limit[cost_annual]", "Annual budget"),)
    assert "Annual budget (limit[cost_annual]), count.max" in error_html(exc)


def test_an_unexpected_exception_is_named_without_a_traceback() -> None:
    out = error_html(KeyError("x"))
    assert "Unexpected error (KeyError)" in out and "Traceback" not in out


# -- tables ---------------------------------------------------------------------------------------
def test_tables_use_the_one_renderer_with_two_decimals() -> None:
    frame = pd.DataFrame(
        {"score": [1234.5678, math.nan], "rank": [1, 2], "name": ["<A>", "B"]},
        index=pd.Index(["B01", "B02"], name="partner_id"),
    )
    out = table_html(frame)
    assert out.startswith('<div class="ak-table"><table class="dataframe ak-table">')
    assert "<td>1,234.57</td>" in out and "<td>–</td>" in out and "<td>1</td>" in out
    assert "&lt;A&gt;" in out and "<th>partner_id</th>" in out


# -- controls -------------------------------------------------------------------------------------
def test_weight_sliders_keep_the_sum_and_the_ratios() -> None:
    calls: list[int] = []
    box = WeightSliders(
        pd.Series({"C1": 0.5, "C2": 0.3, "C3": 0.2}), {}, on_change=lambda: calls.append(1)
    )
    box.sliders["C1"].value = 0.0
    w = box.weights
    assert w.sum() == pytest.approx(1.0)
    assert w["C2"] / w["C3"] == pytest.approx(1.5)
    assert box.sliders["C2"].value == pytest.approx(0.6)
    box.sliders["C2"].value = 1.0
    assert box.weights["C3"] == pytest.approx(0.0)
    box.sliders["C2"].value = 0.0  # the others all at 0: they share the rest equally
    assert box.weights["C1"] == pytest.approx(0.5) == box.weights["C3"]
    assert len(calls) == 3


def test_enum_dropdown_shows_labels_and_holds_members() -> None:
    dd = enum_dropdown(RiskAppetite, RiskAppetite.LOW, "Risk appetite")
    assert [label for label, _ in dd.options] == ["low", "medium", "high"]
    dd.value = "high"
    assert dd.value is RiskAppetite.HIGH


def test_slider_reports_on_release_and_carries_its_class() -> None:
    s = slider("Max", 3, 0, 5, css_class="ak-max", integer=True)
    assert s.value == 3 and s.max == 5 and not s.continuous_update
    assert "ak-max" in s._dom_classes


def test_set_weights_rejects_an_unknown_criterion(greenscape_scoring) -> None:
    with pytest.raises(ValueError, match="C99"):
        greenscape_scoring.set_weights({"C1": 1.0, "C99": 1.0})


@pytest.fixture(scope="module")
def greenscape_scoring():
    from alliancekit.widgets import ScoringExplorer
    from alliancekit.workspace import sample_workspace

    return ScoringExplorer(sample_workspace("greenscape"), debounce=0)


# -- uploads --------------------------------------------------------------------------------------
def test_every_upload_gets_a_fresh_folder() -> None:
    folders = UploadFolders()
    for name in ("a.txt", "a.txt"):
        with pytest.raises(DataValidationError, match=r"a\.txt: upload a workspace \.xlsx"):
            folders.load(name, b"hello")
    made = sorted(Path(folders._tmp.name).iterdir())
    assert len(made) == 2 and made[0] != made[1]


# -- layering -------------------------------------------------------------------------------------
#: widgets modules, lowest layer first: each may import only modules listed before it.
LAYERS = (
    "chartview",
    "markup",
    "state",
    "controls",
    "guide",
    "explorer",
    "ahp",
    "frontier",
    "upload",
    "editing",
    "downloads",
    "participant",
    "scoring",
    "portfolio",
    "review",
    "scenarios",  # issue 16: the scenario bar over the tabs
    "dashboard",
    "roadmap",  # issue 19: a tab registered with the dashboard's register_tab
    "compare",  # issue 16: the compare tab, registered the same way
)


def _widgets_imports(path: Path) -> set[str]:
    """The ``alliancekit.widgets`` modules ``path`` imports (``""`` for the package itself)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            names = [f"{node.module}.{a.name}" for a in node.names] + [node.module or ""]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            if name == "alliancekit.widgets" or name.startswith("alliancekit.widgets."):
                found.add(name.removeprefix("alliancekit.widgets").lstrip(".").split(".")[0])
    return found


def test_widgets_modules_import_only_lower_layers() -> None:
    assert {p.stem for p in WIDGETS.glob("*.py")} == {*LAYERS, "__init__"}
    for i, name in enumerate(LAYERS):
        imported = _widgets_imports(WIDGETS / f"{name}.py")
        if name == "upload":  # reads the upload limits where users set them: the package
            imported.discard("")
        assert imported <= set(LAYERS[:i]), f"widgets.{name} imports {imported - set(LAYERS[:i])}"


def test_nothing_below_the_widgets_imports_them() -> None:
    for path in WIDGETS.parent.rglob("*.py"):
        if WIDGETS not in path.parents:
            assert not _widgets_imports(path), path
