"""One place for validation: ``alliancekit validate`` refuses exactly what a review refuses.

The review checks its tables with ``workspace.checks.check_review_inputs``, the rules that
``load_workspace``/``validate_workspace`` apply; these tests break workspaces in memory and on
disk and compare what each entry point reports.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliancekit.cli import main
from alliancekit.errors import ArgumentTypeError, DataValidationError, Problem
from alliancekit.model import Buyout, IPSensitivity, Workspace
from alliancekit.review import ReviewPolicy, review_alliances
from alliancekit.workspace import (
    check_review_inputs,
    load_workspace,
    sample_workspace,
    save_workspace,
    validate_workspace,
)

DATA = Path(__file__).resolve().parents[1] / "data"


def _rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _write(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _set(path: Path, row: int, column: str, value: str) -> None:
    rows = _rows(path)
    rows[row - 1][rows[0].index(column)] = value
    _write(path, rows)


def _review_problems(ws: Workspace) -> tuple[Problem, ...]:
    with pytest.raises(DataValidationError) as err:
        review_alliances(ws)
    return err.value.problems


# -- the known gap: a negative plan -------------------------------------------------------------
def test_negative_planned_is_refused_by_validate_with_file_row_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A review refuses a negative plan (attainment is a ratio to plan), so validate does too."""
    folder = tmp_path / "gs"
    shutil.copytree(DATA / "greenscape", folder)
    _set(folder / "kpis.csv", 5, "planned", "-10")
    problems = validate_workspace(folder)
    assert [(p.file, p.row, p.column) for p in problems] == [("kpis.csv", 5, "planned")]
    assert "expected a value >= 0, got -10" in problems[0].message
    assert main(["validate", str(folder)]) == 2
    assert "kpis.csv, row 5, column 'planned'" in capsys.readouterr().err
    ws = sample_workspace("greenscape")
    kpis = ws.kpis.copy()
    kpis.loc[3, "planned"] = -10.0
    (p,) = _review_problems(ws.replace(kpis=kpis))
    assert (p.file, p.row, p.column) == ("kpis.csv", 5, "planned")
    assert p.message == problems[0].message


def test_kpi_with_zero_weight_in_every_period_is_refused_by_validate(tmp_path: Path) -> None:
    folder = tmp_path / "gs"
    shutil.copytree(DATA / "greenscape", folder)
    rows = _rows(folder / "kpis.csv")
    k, w = rows[0].index("kpi_id"), rows[0].index("weight")
    hit = [i for i, r in enumerate(rows) if i and r[k] == "referral_leads"]
    for i in hit:
        rows[i][w] = "0"
    _write(folder / "kpis.csv", rows)
    (p,) = validate_workspace(folder)
    assert (p.file, p.row, p.column) == ("kpis.csv", hit[0] + 1, "weight")
    assert "'referral_leads'" in p.message and "weight 0 in every period" in p.message


# -- in memory: validate and review report the same cells ---------------------------------------
Break = Callable[[Workspace], Workspace]


def _kpis(change: Callable[[pd.DataFrame], pd.DataFrame]) -> Break:
    return lambda ws: ws.replace(kpis=change(ws.kpis.copy()))


def _cell(table: str, row: int, column: str, value: object) -> Break:
    def brk(ws: Workspace) -> Workspace:
        frame = getattr(ws, table).astype({column: object})
        frame.loc[row, column] = value
        return ws.replace(**{table: frame})

    return brk


def _append(table: str, **values: object) -> Break:
    def brk(ws: Workspace) -> Workspace:
        frame = getattr(ws, table)
        extra = frame.iloc[:1].assign(**values)
        return ws.replace(**{table: pd.concat([frame, extra], ignore_index=True)})

    return brk


def _flip_direction(k: pd.DataFrame) -> pd.DataFrame:
    k.loc[1, "direction"] = "lower" if k.loc[0, "direction"] == "higher" else "higher"
    return k


def _zero_kpi(k: pd.DataFrame) -> pd.DataFrame:
    k.loc[k["kpi_id"] == k.loc[0, "kpi_id"], "weight"] = 0.0
    return k


BREAKS: dict[str, Break] = {
    "negative-planned": _cell("kpis", 4, "planned", -1.0),
    "direction-up": _cell("kpis", 2, "direction", "up"),
    "period-malformed": _cell("kpis", 6, "period", "2024Q1"),
    "weight-text": _cell("kpis", 7, "weight", "heavy"),
    "kpi-id-blank": _cell("kpis", 8, "kpi_id", ""),
    "direction-flips": _kpis(_flip_direction),
    "kpi-weight-zero": _kpis(_zero_kpi),
    "kpi-duplicate": _kpis(lambda k: pd.concat([k, k.iloc[[5]]], ignore_index=True)),
    "kpi-unknown-alliance": _append("kpis", alliance_id="AL-X1"),
    "survey-off-scale": _cell("health", 3, "trust", 7.0),
    "survey-side": _cell("health", 2, "side", "both"),
    "event-unknown-alliance": _append("events", alliance_id="AL-X2"),
    "event-period": _cell("events", 0, "period", "Q2-2025"),
    "milestone-status": _cell("milestones", 1, "status", "done"),
    "milestone-due": _cell("milestones", 2, "due_period", "soon"),
    "milestone-duplicate": _append("milestones"),
}


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_review_and_validate_refuse_the_same_cells(name: str) -> None:
    """Every break a review refuses, validate_workspace reports at the same row and column
    (and the same words); the review names the file, validate the table."""
    ws = BREAKS[name](sample_workspace("norden-pumpen"))
    from_review = _review_problems(ws)
    from_validate = validate_workspace(ws)
    assert from_review
    assert [(p.row, p.column, p.message) for p in from_review] == [
        (p.row, p.column, p.message) for p in from_validate
    ]
    assert {p.file.removesuffix(".csv") for p in from_review} == {p.file for p in from_validate}


def test_every_loaded_sample_passes_the_review_checks() -> None:
    for name in ("sanchar-apps", "greenscape", "norden-pumpen"):
        ws = load_workspace(DATA / name)
        tables = check_review_inputs(ws)
        pd.testing.assert_frame_equal(
            tables.kpis[list(ws.kpis.columns)], ws.kpis, check_dtype=False
        )


def test_review_reads_the_checked_values_not_the_spelling() -> None:
    """In memory, enum and period spellings are read as files read them (one parser)."""
    ws = sample_workspace("norden-pumpen")
    k = ws.kpis.copy()
    k["direction"] = k["direction"].str.upper() + " "
    k["period"] = k["period"].str.lower()
    h = ws.health.copy()
    h["side"] = h["side"].str.title()
    odd = ws.replace(kpis=k, health=h)
    tables = check_review_inputs(odd)
    assert set(tables.kpis["direction"]) == {"higher", "lower"}
    assert set(tables.kpis["period"]) == set(ws.kpis["period"])
    assert set(tables.health["side"]) == {"own", "partner"}
    base, same = review_alliances(ws), review_alliances(odd)
    pd.testing.assert_frame_equal(base.table, same.table)


def test_policy_of_the_wrong_type_is_a_typed_error() -> None:
    ws = sample_workspace("greenscape")
    with pytest.raises(ArgumentTypeError) as err:
        review_alliances(ws, policy=[("h_exit", 30)])  # type: ignore[arg-type]
    assert isinstance(err.value, TypeError) and isinstance(err.value, DataValidationError)
    assert err.value.exit_code == 2 and err.value.problems[0].column == "policy"
    with pytest.raises(DataValidationError) as bad:
        ReviewPolicy(h_exit=float("inf"), d2_span=0)
    assert [p.column for p in bad.value.problems] == ["h_exit"]
    with pytest.raises(DataValidationError) as bad:
        ReviewPolicy(window=0, ewm_lambda=2)
    assert {p.column for p in bad.value.problems} == {"window", "ewm_lambda"}


# -- reading and writing Enums -------------------------------------------------------------------
def test_enum_label_is_accepted_and_enum_fields_round_trip(tmp_path: Path) -> None:
    """``medium`` (the label of ip_sensitivity ``med``) reads as MED; Enum fields are written
    as their values and ``None`` as a blank cell, so a round trip is exact."""
    folder = tmp_path / "gs"
    shutil.copytree(DATA / "greenscape", folder)
    rows = _rows(folder / "candidates.csv")
    rows[0].append("ip_sensitivity")
    for i, r in enumerate(rows[1:], start=1):
        r.append("Medium" if i == 1 else "")
    _write(folder / "candidates.csv", rows)
    ws = load_workspace(folder)
    assert ws.candidates[0].ip_sensitivity is IPSensitivity.MED
    assert ws.candidates[1].ip_sensitivity is None
    first, *rest = ws.alliances
    ws = ws.replace(alliances=(replace(first, buyout=Buyout.CALL, decision_rule=None), *rest))
    out = save_workspace(ws, tmp_path / "out")
    written = _rows(out / "alliances.csv")
    header = written[0]
    assert written[1][header.index("buyout")] == "call"
    assert written[1][header.index("decision_rule")] == ""
    back = load_workspace(out)
    assert back.alliances == ws.alliances and back.candidates == ws.candidates


def test_review_html_is_the_shared_table() -> None:
    """ReviewResult draws its table with results.html_table (decision coloured, notes shown)."""
    res = review_alliances(sample_workspace("norden-pumpen"))
    html = res._repr_html_()
    assert html.count('<table class="dataframe ak-table">') == 1
    assert "<h4>Alliance review 2025-Q2</h4>" in html
    assert "color:#D55E00;font-weight:bold" in html  # EXIT
    assert "without the hard trigger the rules give RESTRUCTURE" in html  # AL-C5's data note
    assert not np.isnan(res.table["H"]).any()
