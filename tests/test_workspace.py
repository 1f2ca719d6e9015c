"""Workspace I/O: loading, validation with located problems, exact round trips, atomic saves.

Known-answer data tests check that the sample workspaces reproduce docs/method.md §6/§11 inputs and
intermediate values (attainment A_t, health dimensions, milestone score M) with formulas written
out independently here.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import alliancekit.workspace as wsmod
import alliancekit.workspace.write as wswrite
from alliancekit.errors import DataValidationError, Problem
from alliancekit.model import Relation, Workspace
from alliancekit.workspace import (
    load_workspace,
    sample_names,
    sample_workspace,
    save_workspace,
    validate_workspace,
    workspace_notes,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
TABLE_NAMES = ("kpis", "health", "events", "milestones")


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
def assert_same_workspace(a: Workspace, b: Workspace) -> None:
    """Organization, candidates, alliances and every table are equal (dtypes included)."""
    assert a.organization == b.organization
    assert a.candidates == b.candidates
    assert a.alliances == b.alliances
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


def copy_sample(tmp_path: Path, name: str = "greenscape") -> Path:
    dest = tmp_path / name
    shutil.copytree(DATA / name, dest)
    return dest


def read_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def set_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set a cell by spreadsheet row (header = 1) and column name."""
    rows = read_rows(path)
    rows[row - 1][rows[0].index(column)] = value
    write_rows(path, rows)


def get_cell(path: Path, row: int, column: str) -> str:
    rows = read_rows(path)
    return rows[row - 1][rows[0].index(column)]


def drop_column(path: Path, column: str) -> None:
    rows = read_rows(path)
    j = rows[0].index(column)
    write_rows(path, [r[:j] + r[j + 1 :] for r in rows])


def append_row(path: Path, values: dict[str, str]) -> int:
    rows = read_rows(path)
    rows.append([values.get(h, "") for h in rows[0]])
    write_rows(path, rows)
    return len(rows)


def edit_text(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(path: Path) -> tuple[Problem, ...]:
    with pytest.raises(DataValidationError) as info:
        load_workspace(path)
    return info.value.problems


def find(
    problems: tuple[Problem, ...], file: str, row: int | None, column: str | None, text: str
) -> Problem:
    for p in problems:
        if p.file == file and p.row == row and p.column == column and text in p.message:
            return p
    listing = "\n".join(str(p) for p in problems)
    raise AssertionError(
        f"no problem {file!r} row {row} column {column!r} ~{text!r} in:\n{listing}"
    )


def tree_hash(path: Path) -> dict[str, str]:
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


# ---------------------------------------------------------------------------------------------
# samples load, round trip
# ---------------------------------------------------------------------------------------------
def test_sample_names() -> None:
    assert sample_names()[:3] == ("sanchar-apps", "greenscape", "norden-pumpen")


def test_samples_load_from_folder(sample_name: str) -> None:
    ws = load_workspace(DATA / sample_name)
    assert ws.name == sample_name
    assert ws.source == str(DATA / sample_name)
    assert validate_workspace(DATA / sample_name) == []
    assert validate_workspace(ws) == []
    assert_same_workspace(ws, sample_workspace(sample_name))


def test_samples_round_trip_folder(sample_name: str, tmp_path: Path) -> None:
    ws = sample_workspace(sample_name)
    out = save_workspace(ws, tmp_path / "copy")
    back = load_workspace(out)
    assert back.name == "copy"
    assert_same_workspace(ws, back)
    # saving the re-loaded workspace gives byte-identical files (stable serialisation)
    save_workspace(back, tmp_path / "copy2")
    for f in (tmp_path / "copy").iterdir():
        assert f.read_bytes() == (tmp_path / "copy2" / f.name).read_bytes()


def test_samples_round_trip_xlsx(sample_name: str, tmp_path: Path) -> None:
    ws = sample_workspace(sample_name)
    book = save_workspace(ws, tmp_path / f"{sample_name}.xlsx")
    back = load_workspace(book)
    assert back.name == sample_name
    assert_same_workspace(ws, back)
    wb = openpyxl.load_workbook(book, read_only=True)
    try:
        sheets = set(wb.sheetnames)
    finally:
        wb.close()
    assert {"organization", "goals", "capability_gaps", "candidates", "kpis"} <= sheets
    # xlsx -> folder -> xlsx keeps everything too
    folder = save_workspace(back, tmp_path / "again")
    assert_same_workspace(ws, load_workspace(folder))


def test_folder_and_xlsx_validate_identically(tmp_path: Path) -> None:
    """The same break gives the same problem (same row and column) from a folder and a workbook."""
    ws = sample_workspace("greenscape")
    bad = ws.replace(
        candidates=tuple(
            replace(c, coverage={"G9": 0.5}) if c.id == "B03" else c for c in ws.candidates
        )
    )
    folder_problems = validate_workspace(save_workspace(bad, tmp_path / "bad"))
    book_problems = validate_workspace(save_workspace(bad, tmp_path / "bad.xlsx"))
    assert [(p.row, p.column, p.message) for p in folder_problems] == [
        (p.row, p.column, p.message) for p in book_problems
    ]
    assert folder_problems[0].file == "candidates.csv"
    assert book_problems[0].file == "bad.xlsx[candidates]"
    assert folder_problems[0].row == 4


# ---------------------------------------------------------------------------------------------
# known answers from docs/method.md §6 (data transcription checks)
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "b0", "b1", "appetite", "nmin", "nmax", "h", "r", "existing_annual", "n_cand"),
    [
        ("sanchar-apps", 250, 650, "medium", 3, 6, 3, 0.12, 220, 14),
        ("greenscape", 30, 55, "low", 2, 5, 3, 0.12, 20, 14),
        ("norden-pumpen", 2000, 1800, "medium", 3, 7, 5, 0.09, 750, 16),
    ],
)
def test_sample_settings_match_domain(
    name: str,
    b0: float,
    b1: float,
    appetite: str,
    nmin: int,
    nmax: int,
    h: int,
    r: float,
    existing_annual: float,
    n_cand: int,
) -> None:
    """docs/method.md §6.1–6.3: budgets, appetite, counts, horizon, rate; existing annual cost."""
    ws = sample_workspace(name)
    org = ws.organization
    assert (org.budget_one_off, org.budget_annual) == (b0, b1)
    assert org.risk_appetite.value == appetite
    assert (org.min_alliances, org.max_alliances) == (nmin, nmax)
    assert (org.planning_horizon_years, org.discount_rate) == (h, r)
    assert sum(a.cost_annual for a in ws.alliances) == existing_annual
    assert len(ws.candidates) == n_cand
    assert abs(sum(g.weight for g in org.goals) - 1) < 1e-12
    rules = {(d.attribute, d.value): (d.min_count, d.max_count) for d in org.diversification_rules}
    assert rules[("relation", "competitor")] == (None, 1)
    if name != "sanchar-apps":
        assert rules[("relation", "public_body")] == (1, None)


def test_annuity_factors_match_domain() -> None:
    """docs/method.md §6.1 and §6.3: AF = 2.402 (H 3, r 12%) and 3.890 (H 5, r 9%)."""
    assert round(sample_workspace("sanchar-apps").organization.annuity_factor, 3) == 2.402
    assert round(sample_workspace("norden-pumpen").organization.annuity_factor, 3) == 3.890


def test_candidate_rows_match_domain() -> None:
    """Spot checks of the §6 candidate CSVs (every number is kept; names localised)."""
    a = sample_workspace("sanchar-apps")
    a01 = a.candidate("A01")
    assert dict(a01.coverage) == {"G1": 1.0, "G2": 0.8}
    assert (a01.cost_one_off, a01.cost_annual, a01.value_annual, a01.exit_cost) == (
        120,
        180,
        520,
        60,
    )
    assert (a01.goal_compat, a01.culture_compat, a01.commitment, a01.reputation) == (4, 3, 3, 5)
    assert (a01.opportunism, a01.leakage, a01.dependence) == (3, 3, 4)
    assert a01.conflicts_with == ("A02",) and a.candidate("A02").conflicts_with == ("A01",)
    assert a.candidate("A11").requires_any == ("A01", "A02", "A03")
    assert dict(a.candidate("A14").coverage) == {}
    assert a.candidate("A04").relation is Relation.COMPETITOR
    b = sample_workspace("greenscape")
    assert dict(b.candidate("B14").coverage) == {"G5": 0.7}
    assert "Cantonment Board" in b.candidate("B02").name
    assert "Sindh Forest Department" in b.candidate("B01").name
    c = sample_workspace("norden-pumpen")
    assert c.candidate("C16").requires_any == ("C08",)
    assert c.candidate("C05").conflicts_with == ("C06",)
    assert c.candidate("C11").cost_one_off == 1200
    assert c.organization.money_label == "kEUR"
    assert a.organization.money_label == "PKR lakh"


def _attainment(ws: Workspace, aid: str, period: str) -> float:
    """docs/method.md §5.1 A_t, written out independently of review.py."""
    rows = ws.kpis[(ws.kpis["alliance_id"] == aid) & (ws.kpis["period"] == period)]
    num = den = 0.0
    for _, r in rows.iterrows():
        ratio = r["actual"] / r["planned"]
        a = ratio if r["direction"] == "higher" else 2 - ratio
        num += r["weight"] * min(max(a, 0.0), 1.5)
        den += r["weight"]
    return num / den


#: docs/method.md §11: A_t for q5..q8 and D1, D3, D4, D5, D6 at the q8 review.
ORACLE = {
    "AL-A1": ((1.0915, 1.1066, 1.1199, 1.1230), (87.50, 75.50, 75.00, 80.00, 62.50), 1.0),
    "AL-A2": ((0.9894, 1.0067, 0.9941, 1.0051), (62.50, 62.50, 62.50, 62.50, 37.50), 1.0),
    "AL-A3": ((0.7939, 0.7733, 0.7804, 0.7762), (62.50, 46.00, 45.00, 50.00, 50.00), 0.5),
    "AL-A4": ((0.3938, 0.2600, 0.1941, 0.1579), (25.00, 38.75, 37.50, 25.00, 37.50), 0.0),
    "AL-B1": ((0.9604, 1.0142, 0.9826, 1.0153), (62.50, 70.50, 55.00, 62.50, 37.50), 1.0),
    "AL-B2": ((1.1931, 1.2186, 1.2040, 1.2280), (87.50, 83.00, 75.00, 87.50, 62.50), 1.0),
    "AL-B3": ((0.4382, 0.4070, 0.3734, 0.3398), (37.50, 23.00, 25.00, 25.00, 25.00), 0.0),
    "AL-B4": ((0.7400, 0.6900, 0.8600, 0.6667), (75.00, 38.75, 30.00, 50.00, 62.50), 0.5),
    "AL-C1": ((0.9925, 1.0001, 1.0012, 1.0026), (70.00, 65.50, 62.50, 62.50, 37.50), 1.0),
    "AL-C2": ((1.2113, 1.2248, 1.2344, 1.2491), (87.50, 80.50, 75.00, 82.50, 62.50), 1.0),
    "AL-C3": ((1.0150, 0.9458, 0.8589, 0.8000), (75.00, 55.75, 50.00, 50.00, 75.00), 0.5),
    "AL-C4": ((0.4968, 0.4239, 0.3930, 0.3721), (50.00, 38.75, 37.50, 25.00, 25.00), 0.0),
    "AL-C5": ((0.9620, 0.9250, 0.8914, 0.8600), (62.50, 18.25, 37.50, 37.50, 62.50), 1.0),
}


def _alliance_sample(aid: str) -> str:
    return {"A": "sanchar-apps", "B": "greenscape", "C": "norden-pumpen"}[aid[3]]


@pytest.mark.parametrize("aid", sorted(ORACLE))
def test_kpis_reproduce_attainment_oracle(aid: str) -> None:
    """The long-format KPIs give docs/method.md §11's A_t for q5..q8 (2024-Q3 … 2025-Q2)."""
    ws = sample_workspace(_alliance_sample(aid))
    periods = ("2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2")
    got = [_attainment(ws, aid, p) for p in periods]
    for g, want in zip(got, ORACLE[aid][0], strict=True):
        assert abs(g - want) <= 5e-5 + 1e-9
    assert ws.periods()[0] == "2023-Q3" and ws.latest_period() == "2025-Q2"
    assert len(ws.periods()) == 8


@pytest.mark.parametrize("aid", sorted(ORACLE))
def test_health_reproduces_dimension_oracle(aid: str) -> None:
    """The 2025-Q2 survey rows give docs/method.md §11's D1, D3–D6 (§5.2, reading 14)."""
    ws = sample_workspace(_alliance_sample(aid))
    h = ws.health[(ws.health["alliance_id"] == aid) & (ws.health["period"] == "2025-Q2")]
    own = h[h["side"] == "own"].iloc[0]
    partner = h[h["side"] == "partner"].iloc[0]

    def L(x: float) -> float:
        return (x - 1) / 4

    d1 = 100 * L(own["strategic_fit"])
    gap = abs(own["trust"] - partner["trust"])
    d3 = max(0.0, 100 * L((own["trust"] + partner["trust"]) / 2) - 10 * gap)
    d4, d5, d6 = (100 * L(own[c]) for c in ("governance", "commitment", "learning"))
    for g, want in zip((d1, d3, d4, d5, d6), ORACLE[aid][1], strict=True):
        assert abs(g - want) <= 1e-9
    assert pd.isna(partner["strategic_fit"])  # the partner answered the trust item only


@pytest.mark.parametrize("aid", sorted(ORACLE))
def test_milestones_reproduce_m(aid: str) -> None:
    """M from milestones.csv (rule in data/README.md) equals method.md §6.4 milestone_score_M."""
    ws = sample_workspace(_alliance_sample(aid))
    ms = ws.milestones[ws.milestones["alliance_id"] == aid]

    def q(p: str) -> int:
        y, n = p.split("-Q")
        return int(y) * 4 + int(n)

    review = q("2025-Q2")
    num = den = 0.0
    for _, m in ms.iterrows():
        if not review - 3 <= q(m["due_period"]) <= review:
            continue
        w = 2.0 if m["turning_point"] else 1.0
        den += w
        num += w * {"met": 1.0, "late": 0.5}.get(m["status"], 0.0)
    assert (num / den if den else 1.0) == ORACLE[aid][2]


def test_hard_trigger_event() -> None:
    ev = sample_workspace("norden-pumpen").events
    assert ev[["alliance_id", "period", "trigger"]].values.tolist() == [
        ["AL-C5", "2025-Q2", "material_breach_ip"]
    ]
    assert sample_workspace("greenscape").events.empty
    assert list(sample_workspace("sanchar-apps").events.columns) == [
        "alliance_id",
        "period",
        "trigger",
        "description",
    ]


def test_units_localised() -> None:
    units = set(sample_workspace("sanchar-apps").kpis["unit"]) | set(
        sample_workspace("greenscape").kpis["unit"]
    )
    assert "PKR lakh" in units and "PKR" in units
    assert not any("INR" in u for u in units)


# ---------------------------------------------------------------------------------------------
# defaults, extras, normalisation
# ---------------------------------------------------------------------------------------------
def test_optional_columns_take_defaults(tmp_path: Path) -> None:
    """Dropping optional candidate columns gives docs/method.md §1.2 defaults (risk items by
    relation)."""
    folder = copy_sample(tmp_path)
    cand = folder / "candidates.csv"
    for col in (
        "opportunism",
        "leakage",
        "dependence",
        "reputation",
        "exit_cost",
        "region",
        "conflicts_with",
        "requires_any",
        "prior_ties",
        "regulatory",
    ):
        drop_column(cand, col)
    ws = load_workspace(folder)
    b09 = ws.candidate("B09")
    assert b09.opportunism is None and b09.exit_cost == 0 and b09.reputation == 3
    assert b09.prior_ties == 0 and b09.regulatory == 3 and b09.region == ""
    assert b09.conflicts_with == ()
    frame = ws.candidates_frame()
    assert frame.loc["B09", ["opportunism", "leakage", "dependence"]].tolist() == [4, 4, 3]
    assert frame.loc["B01", ["opportunism", "leakage", "dependence"]].tolist() == [1, 1, 3]
    assert frame.loc["B01", "duration_years"] == 3


def test_optional_tables_may_be_absent(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    for name in ("alliances", "kpis", "health", "events", "milestones"):
        (folder / f"{name}.csv").unlink()
    ws = load_workspace(folder)
    assert ws.alliances == () and ws.kpis.empty and ws.latest_period() is None
    assert list(ws.kpis.columns)[:5] == ["alliance_id", "kpi_id", "name", "perspective", "period"]


def test_optional_settings_take_defaults(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    org = folder / "organization.yaml"
    text = org.read_text(encoding="utf-8")
    for line in (
        "min_alliances: 2\n",
        "max_alliances: 5\n",
        "planning_horizon_years: 3\n",
        "discount_rate: 0.12\n",
        "  required_coverage: 0.5\n",
    ):
        text = text.replace(line, "")
    org.write_text(text, encoding="utf-8")
    o = load_workspace(folder).organization
    assert (o.min_alliances, o.max_alliances, o.planning_horizon_years, o.discount_rate) == (
        0,
        10,
        3,
        0.10,
    )
    g4 = o.gap("G4")
    assert g4.required_coverage is None and g4.required == 0.5
    assert o.gap("G1").required == 1.0


def test_conflicts_made_symmetric(tmp_path: Path) -> None:
    """A one-sided conflict (B08 lists B09, B09 lists nothing) applies both ways (method.md §8)."""
    folder = copy_sample(tmp_path)
    set_cell(folder / "candidates.csv", 10, "conflicts_with", "")  # B09
    assert get_cell(folder / "candidates.csv", 10, "id") == "B09"
    ws = load_workspace(folder)
    assert ws.candidate("B09").conflicts_with == ("B08",)
    assert ws.candidate("B08").conflicts_with == ("B09",)


def test_conflict_with_existing_alliance_is_symmetric(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    set_cell(folder / "candidates.csv", 9, "conflicts_with", "B09;AL-B3")  # B08
    ws = load_workspace(folder)
    assert ws.alliance("AL-B3").conflicts_with == ("B08",)
    assert ws.candidate("B08").conflicts_with == ("B09", "AL-B3")


def test_unknown_columns_kept_in_tables_ignored_in_entities(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    rows = read_rows(folder / "candidates.csv")
    write_rows(
        folder / "candidates.csv",
        [r + (["notes"] if i == 0 else ["x"]) for i, r in enumerate(rows)],
    )
    rows = read_rows(folder / "kpis.csv")
    write_rows(
        folder / "kpis.csv", [r + (["owner"] if i == 0 else [f"o{i}"]) for i, r in enumerate(rows)]
    )
    ws = load_workspace(folder)
    assert "notes" not in ws.candidates_frame().columns
    assert ws.kpis["owner"].iloc[0] == "o1"
    back = load_workspace(save_workspace(ws, tmp_path / "out.xlsx"))
    assert_same_workspace(ws, back)


def test_notes_for_valid_but_questionable_input(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    assert workspace_notes(folder) == []
    cand = folder / "candidates.csv"
    set_cell(cand, 10, "conflicts_with", "")  # B09 no longer lists B08
    rows = read_rows(cand)
    write_rows(
        cand,
        [
            r + (["partner_benefit_share"] if i == 0 else ["0.9" if i == 1 else ""])
            for i, r in enumerate(rows)
        ],
    )
    rows = [r for r in read_rows(folder / "kpis.csv") if r[0] != "AL-B2"]
    write_rows(folder / "kpis.csv", rows)
    notes = workspace_notes(folder)
    find(tuple(notes), "candidates.csv", None, "conflicts_with", "B08–B09 applied both ways")
    find(tuple(notes), "candidates.csv", 2, "partner_benefit_share", "outside 0.2–0.8")
    find(tuple(notes), "alliances.csv", 3, "alliance_id", "AL-B2 has no KPI rows")
    assert len(notes) == 3


def test_text_normalisation(tmp_path: Path) -> None:
    """Enum spellings, surrounding spaces, lower-case periods and a UTF-8 BOM are accepted."""
    folder = copy_sample(tmp_path)
    cand = folder / "candidates.csv"
    set_cell(cand, 2, "relation", " Public-Body ")
    set_cell(cand, 2, "cost_one_off", " 3.0 ")
    kpis = folder / "kpis.csv"
    set_cell(kpis, 2, "period", "2023-q3")
    raw = cand.read_bytes()
    cand.write_bytes(b"\xef\xbb\xbf" + raw)
    ws = load_workspace(folder)
    assert ws.candidate("B01").relation is Relation.PUBLIC_BODY
    assert ws.kpis["period"].iloc[0] == "2023-Q3"


def test_sample_by_bare_name_and_env_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_workspace("greenscape").name == "greenscape"
    alt = tmp_path / "alt"
    alt.mkdir()
    shutil.copytree(DATA / "norden-pumpen", alt / "my-case")
    monkeypatch.setenv("ALLIANCEKIT_DATA", str(alt))
    assert sample_names() == ("my-case",)
    assert sample_workspace("my-case").organization.name == "Norden Pumpen GmbH"
    with pytest.raises(DataValidationError, match="unknown sample workspace 'greenscape'"):
        sample_workspace("greenscape")


def test_in_memory_validation_names_table_and_row() -> None:
    ws = sample_workspace("sanchar-apps")
    bad = ws.replace(
        candidates=tuple(replace(c, goal_compat=9.0) if c.id == "A03" else c for c in ws.candidates)
    )
    problems = validate_workspace(bad)
    find(tuple(problems), "candidates", 4, "goal_compat", "1–5")


# ---------------------------------------------------------------------------------------------
# the bad-input suite: one break per workspace, each located exactly
# ---------------------------------------------------------------------------------------------
Break = Callable[[Path], None]


def _yaml(old: str, new: str) -> Break:
    return lambda f: edit_text(f / "organization.yaml", old, new)


def _cell(table: str, row: int, column: str, value: str) -> Break:
    return lambda f: set_cell(f / f"{table}.csv", row, column, value)


def _non_utf8(f: Path) -> None:
    path = f / "candidates.csv"
    text = path.read_text(encoding="utf-8").replace("Gulshan Nurseries", "Gärtnerei Gulshan")
    path.write_bytes(text.encode("latin-1"))


def _stray_comma(f: Path) -> None:
    path = f / "events.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "AL-B1,2025-Q2,breach,late,again\n", encoding="utf-8"
    )


def _event_unknown(f: Path) -> None:
    append_row(
        f / "events.csv", {"alliance_id": "AL-Z1", "period": "2025-Q2", "trigger": "insolvency"}
    )


def _header_only(f: Path) -> None:
    write_rows(f / "candidates.csv", read_rows(f / "candidates.csv")[:1])


def _kpi_duplicate(f: Path) -> None:
    rows = read_rows(f / "kpis.csv")
    rows.append(list(rows[1]))
    write_rows(f / "kpis.csv", rows)


def _kpi_zero_weights(f: Path) -> None:
    path = f / "kpis.csv"
    rows = read_rows(path)
    j, a = rows[0].index("weight"), rows[0].index("alliance_id")
    for r in rows[1:]:
        if r[a] == "AL-B4":
            r[j] = "0"
    write_rows(path, rows)


# (id, break, file, row, column, text in message); greenscape rows: B01 = row 2 … B14 = row 15
# fmt: off
BAD_CASES: list[tuple[str, Break, str, int | None, str | None, str]] = [
    ("missing-column", lambda f: drop_column(f / "candidates.csv", "cost_annual"),
     "candidates.csv", 1, "cost_annual", "required column 'cost_annual' is missing"),
    ("bad-enum-relation", _cell("candidates", 5, "relation", "vendor"),
     "candidates.csv", 5, "relation", "expected one of: supplier, customer"),
    ("bad-enum-form", _cell("candidates", 3, "form", "merger"),
     "candidates.csv", 3, "form", "joint_venture"),
    ("likert-7", _cell("candidates", 3, "goal_compat", "7"),
     "candidates.csv", 3, "goal_compat", "expected a 1–5 rating, got 7"),
    ("likert-2.3", _cell("candidates", 4, "culture_compat", "2.3"),
     "candidates.csv", 4, "culture_compat", "half point"),
    ("likert-text", _cell("candidates", 6, "commitment", "high"),
     "candidates.csv", 6, "commitment", "expected a number, got 'high'"),
    ("coverage-1.4", _cell("candidates", 7, "coverage", "G3:1.4"),
     "candidates.csv", 7, "coverage", "expected a value in [0, 1]"),
    ("coverage-syntax", _cell("candidates", 7, "coverage", "G3=0.5"),
     "candidates.csv", 7, "coverage", "is not GAP:LEVEL"),
    ("unknown-gap", _cell("candidates", 8, "coverage", "G4:0.9;G8:0.2"),
     "candidates.csv", 8, "coverage", "unknown gap id 'G8'"),
    ("unknown-conflict", _cell("candidates", 9, "conflicts_with", "B99"),
     "candidates.csv", 9, "conflicts_with", "unknown id 'B99'"),
    ("self-conflict", _cell("candidates", 9, "conflicts_with", "B08"),
     "candidates.csv", 9, "conflicts_with", "cannot list itself"),
    ("unknown-requires", _cell("candidates", 11, "requires_any", "B77"),
     "candidates.csv", 11, "requires_any", "unknown id 'B77'"),
    ("duplicate-id", _cell("candidates", 4, "id", "B01"),
     "candidates.csv", 4, "id", "duplicate id B01 (first in row 2)"),
    ("negative-cost", _cell("candidates", 12, "cost_one_off", "-4"),
     "candidates.csv", 12, "cost_one_off", "expected a value >= 0, got -4"),
    ("non-numeric-cost", _cell("candidates", 13, "cost_annual", "ten"),
     "candidates.csv", 13, "cost_annual", "expected a number, got 'ten'"),
    ("decimal-comma", _cell("candidates", 13, "value_annual", "22,5"),
     "candidates.csv", 13, "value_annual", "decimal point"),
    ("missing-value", _cell("candidates", 14, "name", ""),
     "candidates.csv", 14, "name", "a value is required"),
    ("alliance-unknown-gap", _cell("alliances", 2, "coverage", "G0:0.2"),
     "alliances.csv", 2, "coverage", "unknown gap id 'G0'"),
    ("alliance-status", _cell("alliances", 3, "status", "paused"),
     "alliances.csv", 3, "status", "under_review"),
    ("alliance-start-period", _cell("alliances", 2, "start_period", "2022"),
     "alliances.csv", 2, "start_period", "YYYY-Qn"),
    ("alliance-duplicate", _cell("alliances", 5, "alliance_id", "AL-B1"),
     "alliances.csv", 5, "alliance_id", "duplicate alliance id AL-B1"),
    ("bad-period-health", _cell("health", 3, "period", "2025Q2"),
     "health.csv", 3, "period", "expected YYYY-Qn such as 2025-Q2"),
    ("bad-period-milestone", _cell("milestones", 2, "due_period", "Q3-2024"),
     "milestones.csv", 2, "due_period", "YYYY-Qn"),
    ("kpi-direction-up", _cell("kpis", 4, "direction", "up"),
     "kpis.csv", 4, "direction", "expected one of: higher, lower"),
    ("kpi-weight-negative", _cell("kpis", 5, "weight", "-0.5"),
     "kpis.csv", 5, "weight", ">= 0"),
    ("kpi-unknown-alliance", _cell("kpis", 6, "alliance_id", "AL-X9"),
     "kpis.csv", 6, "alliance_id", "unknown alliance 'AL-X9'"),
    ("kpi-duplicate-row", _kpi_duplicate,
     "kpis.csv", 98, "period", "duplicate KPI row"),
    ("kpi-weights-zero", _kpi_zero_weights,
     "kpis.csv", 74, "weight", "all 0"),
    ("health-side-both", _cell("health", 4, "side", "both"),
     "health.csv", 4, "side", "expected one of: own, partner"),
    ("health-survey-5.5", _cell("health", 2, "trust", "5.5"),
     "health.csv", 2, "trust", "expected a value in [1, 5], got 5.5"),
    ("milestone-status", _cell("milestones", 3, "status", "done"),
     "milestones.csv", 3, "status", "pending, met, late, missed"),
    ("milestone-bool", _cell("milestones", 3, "turning_point", "maybe"),
     "milestones.csv", 3, "turning_point", "true or false"),
    ("event-unknown-alliance", _event_unknown,
     "events.csv", 2, "alliance_id", "unknown alliance 'AL-Z1'"),
    ("stray-comma", _stray_comma,
     "events.csv", 2, None, "row has 5 cells but the header has 4"),
    ("empty-candidates", lambda f: (f / "candidates.csv").write_bytes(b""),
     "candidates.csv", None, None, "the file is empty"),
    ("header-only-candidates", _header_only,
     "candidates.csv", None, None, "no candidates"),
    ("non-utf8", _non_utf8,
     "candidates.csv", 5, None, "not UTF-8"),
    ("missing-candidates", lambda f: (f / "candidates.csv").unlink(),
     "candidates.csv", None, None, "required file missing"),
    ("missing-organization", lambda f: (f / "organization.yaml").unlink(),
     "organization.yaml", None, None, "required file missing"),
    ("yaml-syntax", _yaml("currency: PKR\n", "currency: [PKR\n"),
     "organization.yaml", 8, None, "YAML syntax error"),
    ("goal-weights-0.9", _yaml("  weight: 0.4\n", "  weight: 0.3\n"),
     "organization.yaml", 9, "goals.weight", "sum to 1; they sum to 0.9"),
    ("unknown-setting", _yaml("max_alliances: 5", "max_aliances: 5"),
     "organization.yaml", 68, "max_aliances", "did you mean 'max_alliances'"),
    ("missing-setting", _yaml("budget_annual: 55\n", ""),
     "organization.yaml", None, "budget_annual", "required setting 'budget_annual'"),
    ("appetite-enum", _yaml("risk_appetite: low", "risk_appetite: cautious"),
     "organization.yaml", 66, "risk_appetite", "expected one of: low, medium, high"),
    ("discount-rate-range", _yaml("discount_rate: 0.12", "discount_rate: 12"),
     "organization.yaml", 70, "discount_rate", "expected a value in [0, 0.3]"),
    ("min-over-max", _yaml("min_alliances: 2", "min_alliances: 6"),
     "organization.yaml", 67, "min_alliances", "larger than max_alliances 5"),
    ("gap-importance", _yaml("  importance: 4\n", "  importance: 9\n"),
     "organization.yaml", 41, "capability_gaps[3].importance", "[1, 5]"),
    ("currency-code", _yaml("currency: PKR", "currency: rupees"),
     "organization.yaml", 7, "currency", "ISO 4217"),
    ("duplicate-gap", _yaml("- gap_id: G7", "- gap_id: G6"),
     "organization.yaml", 59, "capability_gaps[7].gap_id", "duplicate gap id 'G6'"),
    ("rule-attribute", _yaml("- attribute: relation\n  value: competitor",
                             "- attribute: colour\n  value: competitor"),
     "organization.yaml", 72, "diversification_rules[1].attribute", "relation, form, sector"),
    ("rule-value", _yaml("value: public_body", "value: government"),
     "organization.yaml", 76, "diversification_rules[2].value", "public_body"),
    ("duplicate-yaml-key", _yaml("budget_one_off: 30\n", "budget_one_off: 30\nbudget_one_off: 1\n"),
     "organization.yaml", 65, "budget_one_off", "duplicate key"),
]
# fmt: on


def _add_column(table: str, column: str, values: dict[int, str]) -> Break:
    """Append a column to a CSV (blank except the given spreadsheet rows)."""

    def brk(f: Path) -> None:
        path = f / f"{table}.csv"
        rows = read_rows(path)
        rows[0].append(column)
        for i, r in enumerate(rows[1:], start=2):
            r.append(values.get(i, ""))
        write_rows(path, rows)

    return brk


def _kpi_direction_flip(f: Path) -> None:
    """AL-B1's first KPI is 'higher' in row 2; make its second period (row 3) 'lower'."""
    set_cell(f / "kpis.csv", 3, "direction", "lower")


def _kpis_without_alliances(f: Path) -> None:
    (f / "alliances.csv").unlink()
    for name in ("health.csv", "events.csv", "milestones.csv"):
        (f / name).unlink()


def _nine_goals(f: Path) -> None:
    goals = "".join(
        f"- goal_id: g{i}\n  text: goal {i}\n  weight: {1 if i == 1 else 0}\n" for i in range(1, 10)
    )
    text = (f / "organization.yaml").read_text(encoding="utf-8")
    head, rest = text.split("goals:\n", 1)
    rest = rest[rest.index("capability_gaps:") :]
    (f / "organization.yaml").write_text(head + "goals:\n" + goals + rest, encoding="utf-8")


def _thirteen_gaps(f: Path) -> None:
    gaps = "".join(f"- gap_id: G{i}\n  name: gap {i}\n  importance: 3\n" for i in range(1, 14))
    text = (f / "organization.yaml").read_text(encoding="utf-8")
    head, rest = text.split("capability_gaps:\n", 1)
    rest = rest[rest.index("budget_one_off:") :]
    (f / "organization.yaml").write_text(
        head + "capability_gaps:\n" + gaps + rest, encoding="utf-8"
    )


# More rules, one break each (rows as above; organization.yaml rows are its line numbers).
# fmt: off
MORE_BAD_CASES: list[tuple[str, Break, str, int | None, str | None, str]] = [
    ("must-include-and-exclude",
     lambda f: (_add_column("candidates", "must_include", {4: "true"})(f),
                _add_column("candidates", "must_exclude", {4: "yes"})(f)),
     "candidates.csv", 4, "must_exclude", "must_include and must_exclude are both true"),
    ("value-low-above-annual", _add_column("candidates", "value_low", {5: "999"}),
     "candidates.csv", 5, "value_low", "is above value_annual"),
    ("value-high-below-annual", _add_column("candidates", "value_high", {6: "0.5"}),
     "candidates.csv", 6, "value_high", "is below value_annual"),
    ("prior-ties-fraction", _cell("candidates", 7, "prior_ties", "1.5"),
     "candidates.csv", 7, "prior_ties", "expected a whole number"),
    ("id-with-space", _cell("candidates", 8, "id", "B 07"),
     "candidates.csv", 8, "id", "must not contain spaces"),
    ("coverage-gap-twice", _cell("candidates", 9, "coverage", "G1:0.5;G1:0.3"),
     "candidates.csv", 9, "coverage", "gap G1 appears twice"),
    ("coverage-no-gap-id", _cell("candidates", 9, "coverage", ":0.5"),
     "candidates.csv", 9, "coverage", "has no gap id"),
    ("control-character", _cell("candidates", 10, "name", "Bad\x01Name"),
     "candidates.csv", 10, "name", "control character"),
    ("duplicate-header", lambda f: edit_text(f / "kpis.csv", ",source\n", ",weight\n"),
     "kpis.csv", 1, "weight", "appears twice in the header"),
    ("alliance-end-before-start", _cell("alliances", 2, "end_period", "2021-Q4"),
     "alliances.csv", 2, "end_period", "before start_period 2022-Q2"),
    ("alliance-id-is-candidate-id", _cell("alliances", 3, "alliance_id", "B02"),
     "alliances.csv", 3, "alliance_id", "is also a candidate id"),
    ("kpi-direction-flips", _kpi_direction_flip,
     "kpis.csv", 3, "direction", "a KPI keeps one direction"),
    ("kpis-without-alliances", _kpis_without_alliances,
     "kpis.csv", 2, "alliance_id", "no alliances table"),
    ("health-unknown-alliance", _cell("health", 2, "alliance_id", "AL-Q9"),
     "health.csv", 2, "alliance_id", "unknown alliance 'AL-Q9'"),
    ("milestone-unknown-alliance", _cell("milestones", 4, "alliance_id", "AL-Q9"),
     "milestones.csv", 4, "alliance_id", "unknown alliance 'AL-Q9'"),
    ("milestone-duplicate", _cell("milestones", 3, "milestone_id", "M1"),
     "milestones.csv", 3, "milestone_id", "duplicate milestone id"),
    ("nine-goals", _nine_goals,
     "organization.yaml", 9, "goals", "9 goals given; at most 8"),
    ("thirteen-gaps", _thirteen_gaps,
     "organization.yaml", 28, "capability_gaps", "13 capability gaps given; at most 12"),
    ("rule-without-limit", _yaml("  value: competitor\n  max_count: 1\n", "  value: competitor\n"),
     "organization.yaml", 72, "diversification_rules[1]", "needs min_count, max_count"),
    ("rule-min-over-max", _yaml("  min_count: 1\n", "  min_count: 1\n  max_count: 0\n"),
     "organization.yaml", 77, "diversification_rules[2].min_count", "larger than max_count 0"),
    ("criteria-weights-list", _yaml("discount_rate: 0.12\n",
                                    "discount_rate: 0.12\ncriteria_weights: [0.5, 0.5]\n"),
     "organization.yaml", 71, "criteria_weights", "must map criterion ids to weights"),
    ("criteria-weights-all-zero", _yaml("discount_rate: 0.12\n",
                                        "discount_rate: 0.12\ncriteria_weights:\n  C1: 0\n"),
     "organization.yaml", 71, "criteria_weights", "must not all be 0"),
]
# fmt: on


@pytest.mark.parametrize(
    ("brk", "file", "row", "column", "text"),
    [pytest.param(*case[1:], id=case[0]) for case in MORE_BAD_CASES],
)
def test_more_bad_input_is_located(
    tmp_path: Path, brk: Break, file: str, row: int | None, column: str | None, text: str
) -> None:
    folder = copy_sample(tmp_path)
    brk(folder)
    before = tree_hash(folder)
    find(problems_of(folder), file, row, column, text)
    assert tree_hash(folder) == before


@pytest.mark.parametrize(
    ("brk", "file", "row", "column", "text"),
    [pytest.param(*case[1:], id=case[0]) for case in BAD_CASES],
)
def test_bad_input_is_located(
    tmp_path: Path, brk: Break, file: str, row: int | None, column: str | None, text: str
) -> None:
    folder = copy_sample(tmp_path)
    brk(folder)
    before = tree_hash(folder)
    problems = problems_of(folder)
    find(problems, file, row, column, text)
    assert tree_hash(folder) == before  # validation never writes
    # validate_workspace returns the same problems instead of raising
    assert tuple(validate_workspace(folder)) == problems


def test_bad_case_ids_are_distinct() -> None:
    ids = [c[0] for c in BAD_CASES + MORE_BAD_CASES]
    assert len(ids) == len(set(ids)) >= 20


def test_several_problems_reported_together(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    set_cell(folder / "candidates.csv", 3, "goal_compat", "7")
    set_cell(folder / "kpis.csv", 2, "direction", "up")
    edit_text(folder / "organization.yaml", "risk_appetite: low", "risk_appetite: bold")
    with pytest.raises(DataValidationError) as info:
        load_workspace(folder)
    err = info.value
    assert len(err.problems) == 3 and err.truncated == 0
    text = str(err)
    assert text.startswith("3 problem(s) found:")
    assert "candidates.csv, row 3, column 'goal_compat'" in text
    assert "(and 2 more problem(s))" in err.first_line


def test_problem_limit_truncates(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    rows = read_rows(folder / "kpis.csv")
    j = rows[0].index("direction")
    for r in rows[1:]:
        r[j] = "sideways"
    write_rows(folder / "kpis.csv", rows)
    with pytest.raises(DataValidationError) as info:
        load_workspace(folder)
    assert len(info.value.problems) == wsmod.MAX_PROBLEMS
    assert info.value.truncated == len(rows) - 1 - wsmod.MAX_PROBLEMS
    assert "more" in str(info.value)


def test_semicolon_separated_csv_is_explained(tmp_path: Path) -> None:
    """European Excel writes ';'-separated CSV: one clear problem, not one per column."""
    folder = copy_sample(tmp_path)
    rows = read_rows(folder / "candidates.csv")
    with open(folder / "candidates.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";", lineterminator="\n").writerows(rows)
    problems = problems_of(folder)
    assert len(problems) == 1
    find(problems, "candidates.csv", 1, None, "separated by ';'")


def test_unreadable_table_does_not_flood(tmp_path: Path) -> None:
    """An unreadable alliances.csv is one problem; KPI rows are not all 'unknown alliance'."""
    folder = copy_sample(tmp_path)
    path = folder / "alliances.csv"
    path.write_bytes(path.read_text(encoding="utf-8").replace("Studio", "Stüdio").encode("cp1252"))
    problems = problems_of(folder)
    assert len(problems) == 1
    find(problems, "alliances.csv", 5, None, "save it as UTF-8")
    (folder / "candidates.csv").write_bytes(b"")
    assert len(problems_of(folder)) == 2  # each unreadable file once, nothing else


def test_missing_workspace_and_wrong_kind(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match="workspace not found"):
        load_workspace(tmp_path / "nowhere")
    junk = tmp_path / "notes.txt"
    junk.write_text("hello", encoding="utf-8")
    with pytest.raises(DataValidationError, match="not a workspace"):
        load_workspace(junk)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a zip", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"not a readable \.xlsx"):
        load_workspace(fake)


@pytest.mark.parametrize("name", ["candidates.csv", "kpis.csv", "organization.yaml"])
def test_folder_in_place_of_a_file_is_a_problem(tmp_path: Path, name: str) -> None:
    """A folder named like a workspace file (required or optional) is reported, not skipped."""
    folder = copy_sample(tmp_path)
    (folder / name).unlink()
    (folder / name).mkdir()
    problems = problems_of(folder)
    assert len(problems) == 1
    find(problems, name, None, None, f"expected a file, found a folder named {name}")


def test_unreadable_file_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An OSError while reading (e.g. no permission) becomes a located problem, never raised."""
    folder = copy_sample(tmp_path)
    real = Path.read_bytes

    def deny(self: Path) -> bytes:
        if self.name == "health.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", deny)
    problems = problems_of(folder)
    assert len(problems) == 1
    find(problems, "health.csv", None, None, "cannot read the file: Permission denied")


@pytest.mark.parametrize(
    ("setting", "line"),
    [("budget_annual: 55", "budget_annual: .nan"), ("discount_rate: 0.12", "discount_rate: .nan")],
)
def test_yaml_nan_is_a_bad_number_not_a_blank(tmp_path: Path, setting: str, line: str) -> None:
    """YAML ``.nan`` is rejected, not read as a missing value (which for an optional setting
    would silently become its default)."""
    folder = copy_sample(tmp_path)
    edit_text(folder / "organization.yaml", setting, line)
    key = setting.split(":")[0]
    problems = problems_of(folder)
    assert len(problems) == 1
    assert problems[0].column == key and "expected a finite number" in problems[0].message


def test_data_readme_documents_every_column_read() -> None:
    """data/README.md lists every column the loader reads, in that file's own section, and
    every key of organization.yaml (scalars, goal/gap/rule items, risk caps)."""
    import re

    text = (DATA / "README.md").read_text(encoding="utf-8")
    sections = {s.split("\n", 1)[0]: s for s in re.split(r"\n## ", text)}

    def documented(title_start: str) -> set[str]:
        (body,) = [s for t, s in sections.items() if t.startswith(title_start)]
        return set(re.findall(r"`([a-z_0-9]+)`", body))

    for table, cols in wsmod.TABLE_COLUMNS.items():
        missing = [c.name for c in cols if c.name not in documented(f"{table}.csv")]
        assert not missing, f"{table}.csv columns not in data/README.md: {missing}"
    org_cols = (
        wsmod.ORG_SCALARS + wsmod.GOAL_COLS + wsmod.GAP_COLS + wsmod.RULE_COLS + wsmod.RISK_CAP_COLS
    )
    missing = [c.name for c in org_cols if c.name not in documented("organization.yaml")]
    assert not missing, f"organization.yaml keys not in data/README.md: {missing}"
    for key in (*wsmod._ORG_LISTS, "risk_caps", "criteria_weights"):
        assert key in documented("organization.yaml"), key


# ---------------------------------------------------------------------------------------------
# workbook-specific problems
# ---------------------------------------------------------------------------------------------
def _edit_book(path: Path, edit: Callable[[openpyxl.Workbook], None]) -> None:
    wb = openpyxl.load_workbook(path)
    edit(wb)
    wb.save(path)


def test_xlsx_missing_sheet(tmp_path: Path) -> None:
    book = save_workspace(sample_workspace("greenscape"), tmp_path / "gs.xlsx")
    _edit_book(book, lambda wb: wb.remove(wb["candidates"]))
    find(problems_of(book), "gs.xlsx[candidates]", None, None, "required sheet 'candidates'")


def test_xlsx_missing_organization_sheet(tmp_path: Path) -> None:
    book = save_workspace(sample_workspace("greenscape"), tmp_path / "gs.xlsx")
    _edit_book(book, lambda wb: wb.remove(wb["organization"]))
    find(problems_of(book), "gs.xlsx[organization]", None, None, "'organization' is missing")


def test_xlsx_bad_cells_are_located(tmp_path: Path) -> None:
    book = save_workspace(sample_workspace("greenscape"), tmp_path / "gs.xlsx")

    def edit(wb: openpyxl.Workbook) -> None:
        wb["goals"]["C2"] = 0.5  # goal weight column is C; first goal in row 2
        org = wb["organization"]
        for row in org.iter_rows(min_row=2):
            if row[0].value == "budget_annual":
                row[1].value = "lots"
        wb["candidates"]["L3"] = "x"  # column L, whatever its header (read back below)

    _edit_book(book, edit)
    wb = openpyxl.load_workbook(book, read_only=True)
    try:
        header = next(wb["candidates"].iter_rows(max_row=1, values_only=True))
        org_rows = list(wb["organization"].iter_rows(values_only=True))
    finally:
        wb.close()
    problems = problems_of(book)
    find(problems, "gs.xlsx[goals]", None, "goals.weight", "sum to 1")
    budget_row = next(i for i, r in enumerate(org_rows, start=1) if r[0] == "budget_annual")
    find(problems, "gs.xlsx[organization]", budget_row, "budget_annual", "expected a number")
    find(problems, "gs.xlsx[candidates]", 3, header[11], "")


def _rezip(src: Path, dest: Path, edit: Callable[[str, bytes], bytes]) -> Path:
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        for name in zin.namelist():
            zout.writestr(name, edit(name, zin.read(name)))
    return dest


def test_damaged_workbook_internals_are_problems(tmp_path: Path) -> None:
    """A valid zip with broken XML inside fails inside openpyxl (ParseError), either while
    opening or lazily while a sheet is read: both are one problem, never an exception."""
    book = save_workspace(sample_workspace("greenscape"), tmp_path / "gs.xlsx")
    broken = _rezip(
        book,
        tmp_path / "wb.xlsx",
        lambda n, d: b"<workbook" if n == "xl/workbook.xml" else d,
    )
    problems = problems_of(broken)
    assert len(problems) == 1
    find(problems, "wb.xlsx", None, None, "not a readable .xlsx workbook (ParseError)")

    def cut_sheet(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet2.xml":
            return data
        xml = data.decode("utf-8")
        i = xml.index("<sheetData>")  # a dimension lets openpyxl open it without parsing rows
        xml = xml[:i] + '<dimension ref="A1:C3"/>' + xml[i:]
        return xml[: len(xml) * 2 // 3].encode("utf-8")

    lazy = _rezip(book, tmp_path / "lazy.xlsx", cut_sheet)
    wb = openpyxl.load_workbook(lazy, read_only=True)
    try:
        second = wb.sheetnames[1]
    finally:
        wb.close()
    problems = problems_of(lazy)
    assert len(problems) == 1
    find(problems, f"lazy.xlsx[{second}]", None, None, "the sheet is damaged")


def test_xlsx_organization_sheet_problems(tmp_path: Path) -> None:
    """The key/value sheet: wrong header, a value without a key, a repeated key, and a
    ``criteria_weights`` sheet with a repeated criterion, each located by sheet and row."""
    ws = sample_workspace("greenscape")
    bad_header = save_workspace(ws, tmp_path / "h.xlsx")
    _edit_book(bad_header, lambda wb: wb["organization"].__setitem__("A1", "setting"))
    find(problems_of(bad_header), "h.xlsx[organization]", 1, None, "header row 'key, value'")

    book = save_workspace(ws, tmp_path / "gs.xlsx")

    def edit(wb: openpyxl.Workbook) -> None:
        org = wb["organization"]
        org.append([None, "orphan value"])
        org.append(["budget_annual", 60])
        cw = wb.create_sheet("criteria_weights")
        for row in (["criterion", "weight"], ["C1", 0.5], ["C2", 0.25], ["C1", 0.25]):
            cw.append(row)

    _edit_book(book, edit)
    wb = openpyxl.load_workbook(book, read_only=True)
    try:
        n_org = len(list(wb["organization"].iter_rows(values_only=True)))
    finally:
        wb.close()
    problems = problems_of(book)
    find(problems, "gs.xlsx[organization]", n_org - 1, "key", "a value without a key")
    find(problems, "gs.xlsx[organization]", n_org, "key", "duplicate key 'budget_annual'")
    find(problems, "gs.xlsx[criteria_weights]", 4, "criterion", "duplicate criterion 'C1'")


def test_xlsx_goal_item_located(tmp_path: Path) -> None:
    book = save_workspace(sample_workspace("greenscape"), tmp_path / "gs.xlsx")
    _edit_book(book, lambda wb: wb["capability_gaps"].__setitem__("C4", "high"))
    find(problems_of(book), "gs.xlsx[capability_gaps]", 4, "importance", "expected a number")


def test_xlsx_extra_columns_in_list_sheets_are_ignored(tmp_path: Path) -> None:
    """Workbook list sheets behave like tables: unknown columns are ignored, not errors."""
    ws = sample_workspace("greenscape")
    book = save_workspace(ws, tmp_path / "gs.xlsx")

    def edit(wb: openpyxl.Workbook) -> None:
        sheet = wb["goals"]
        sheet.cell(row=1, column=sheet.max_column + 1, value="owner")
        sheet.cell(row=2, column=sheet.max_column, value="CEO")

    _edit_book(book, edit)
    assert load_workspace(book).organization == ws.organization


def test_yaml_unknown_item_key_is_an_error(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    edit_text(folder / "organization.yaml", "  weight: 0.4\n", "  weight: 0.4\n  wieght: 1\n")
    find(problems_of(folder), "organization.yaml", 13, "goals[1].wieght", "did you mean 'weight'")


def test_xlsx_formula_like_text_round_trips(tmp_path: Path) -> None:
    ws = sample_workspace("norden-pumpen")
    ws2 = ws.replace(
        candidates=tuple(
            replace(c, name="=SUM(A1:A3)") if c.id == "C01" else c for c in ws.candidates
        )
    )
    back = load_workspace(save_workspace(ws2, tmp_path / "f.xlsx"))
    assert back.candidate("C01").name == "=SUM(A1:A3)"


# ---------------------------------------------------------------------------------------------
# never modify input; atomic saves
# ---------------------------------------------------------------------------------------------
def test_loading_never_modifies_files(sample_name: str, tmp_path: Path) -> None:
    folder = copy_sample(tmp_path, sample_name)
    book = save_workspace(load_workspace(folder), tmp_path / "b.xlsx")
    before = {**tree_hash(folder), **tree_hash(book)}
    load_workspace(folder)
    load_workspace(book)
    validate_workspace(folder)
    validate_workspace(book)
    assert {**tree_hash(folder), **tree_hash(book)} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.xlsx", sample_name]


def test_save_replaces_workspace_keeps_other_files(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    (folder / "notes.md").write_text("my notes", encoding="utf-8")
    ws = load_workspace(folder)
    smaller = ws.without_candidates("B13")
    save_workspace(smaller, folder)
    assert (folder / "notes.md").read_text(encoding="utf-8") == "my notes"
    assert "B13" not in load_workspace(folder).candidate_ids
    assert [p.name for p in tmp_path.iterdir()] == ["greenscape"]  # no temp leftovers


def test_save_refuses_foreign_folder(tmp_path: Path) -> None:
    target = tmp_path / "photos"
    target.mkdir()
    (target / "cat.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(DataValidationError, match="not a workspace"):
        save_workspace(sample_workspace("greenscape"), target)
    assert [p.name for p in target.iterdir()] == ["cat.jpg"]


def test_failed_save_leaves_previous_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy_sample(tmp_path)
    book = save_workspace(load_workspace(folder), tmp_path / "gs.xlsx")
    before = {**tree_hash(folder), **tree_hash(book)}

    def boom(ws: Workspace, path: Path) -> None:
        (path / "organization.yaml" if path.is_dir() else path).write_text("half", encoding="utf-8")
        raise OSError("disk full")

    monkeypatch.setattr(wswrite, "_write_folder_contents", boom)
    monkeypatch.setattr(wswrite, "_write_workbook", boom)
    ws = sample_workspace("greenscape")
    with pytest.raises(OSError, match="disk full"):
        save_workspace(ws, folder)
    with pytest.raises(OSError, match="disk full"):
        save_workspace(ws, book)
    assert {**tree_hash(folder), **tree_hash(book)} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["greenscape", "gs.xlsx"]


def test_failed_swap_restores_previous_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If renaming the new folder into place fails after the old one was moved aside, the old
    folder is moved back: same files, no temporary or ``.old`` folders left behind."""
    folder = copy_sample(tmp_path)
    (folder / "notes.md").write_text("keep me", encoding="utf-8")
    before = tree_hash(folder)
    real = wswrite.os.replace

    def flaky(src: str | Path, dst: str | Path) -> None:
        if Path(src).name.endswith(".tmp") and Path(dst) == folder:
            raise OSError("rename failed")
        real(src, dst)

    monkeypatch.setattr(wswrite.os, "replace", flaky)
    with pytest.raises(OSError, match="rename failed"):
        save_workspace(sample_workspace("greenscape").without_candidates("B13"), folder)
    monkeypatch.undo()
    assert tree_hash(folder) == before
    assert [p.name for p in tmp_path.iterdir()] == ["greenscape"]


# ---------------------------------------------------------------------------------------------
# property tests
# ---------------------------------------------------------------------------------------------
_ORIGINAL = {p.name: p.read_bytes() for p in (DATA / "greenscape").iterdir() if p.is_file()}
_CSV_CELLS = [
    (name, r, c)
    for name in (
        "candidates.csv",
        "alliances.csv",
        "kpis.csv",
        "health.csv",
        "events.csv",
        "milestones.csv",
    )
    for r, row in enumerate(list(csv.reader(io.StringIO(_ORIGINAL[name].decode("utf-8"))))[:6])
    for c in range(len(row))
]

garbage = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789.-+eE:;,GQ AL", max_size=12),
    st.sampled_from(
        [
            "",
            "nan",
            "inf",
            "-0",
            "1e400",
            "5.5",
            "2025-Q5",
            "G1:2",
            ";;",
            "AL-B1",
            "B01",
            "true",
            "\x00",
            "=1+1",
            '"',
            "a\nb",
        ]
    ),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cell=st.sampled_from(_CSV_CELLS), value=garbage)
def test_garbage_in_any_csv_cell_never_crashes(cell: tuple[str, int, int], value: str) -> None:
    """Any text in any cell (header included) loads or raises DataValidationError, nothing else."""
    name, r, c = cell
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "ws"
        folder.mkdir()
        for fname, data in _ORIGINAL.items():
            (folder / fname).write_bytes(data)
        rows = read_rows(folder / name)
        rows[r][c] = value
        write_rows(folder / name, rows)
        try:
            ws = load_workspace(folder)
        except DataValidationError as exc:
            assert exc.problems
            for p in exc.problems:
                assert p.file and p.message
                assert p.row is None or p.row >= 1
        else:
            assert len(ws.candidates) >= 1
            # whatever loads can be saved and re-loaded unchanged
            assert_same_workspace(ws, load_workspace(save_workspace(ws, Path(tmp) / "o.xlsx")))


_YAML_LINES = [
    i
    for i, line in enumerate(_ORIGINAL["organization.yaml"].decode("utf-8").splitlines())
    if ":" in line and not line.startswith("#")
]


@settings(max_examples=50, deadline=None)
@given(line=st.sampled_from(_YAML_LINES), value=garbage)
def test_garbage_in_any_yaml_value_never_crashes(line: int, value: str) -> None:
    lines = _ORIGINAL["organization.yaml"].decode("utf-8").splitlines()
    key = lines[line].split(":", 1)[0]
    lines[line] = f"{key}: {value}"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "ws"
        folder.mkdir()
        for fname, data in _ORIGINAL.items():
            (folder / fname).write_bytes(data)
        (folder / "organization.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        try:
            load_workspace(folder)
        except DataValidationError as exc:
            assert exc.problems and all(p.file and p.message for p in exc.problems)


_BOOK_BYTES: dict[str, bytes] = {}


def _sample_book() -> bytes:
    if not _BOOK_BYTES:
        with tempfile.TemporaryDirectory() as tmp:
            book = save_workspace(sample_workspace("greenscape"), Path(tmp) / "gs.xlsx")
            _BOOK_BYTES["gs"] = book.read_bytes()
    return _BOOK_BYTES["gs"]


cell_value = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=20),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
    st.none(),
)


@settings(max_examples=30, deadline=None)
@given(
    sheet=st.sampled_from(
        ["organization", "goals", "capability_gaps", "candidates", "kpis", "health", "milestones"]
    ),
    row=st.integers(1, 6),
    column=st.integers(1, 14),
    value=cell_value,
)
def test_garbage_in_any_workbook_cell_never_crashes(
    sheet: str, row: int, column: int, value: object
) -> None:
    """Typed cells (numbers, booleans, dates, text) anywhere in a workbook never crash loading."""
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "gs.xlsx"
        book.write_bytes(_sample_book())
        wb = openpyxl.load_workbook(book)
        wb[sheet].cell(row=row, column=column, value=value)
        wb.save(book)
        try:
            load_workspace(book)
        except DataValidationError as exc:
            assert all(p.file.startswith("gs.xlsx") and p.message for p in exc.problems)


money = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)
level = st.floats(min_value=0, max_value=1, allow_nan=False)


@settings(max_examples=20, deadline=None)
@given(cost=money, value=money, cov=level, actual=st.floats(-1e6, 1e6), trust=st.floats(1, 5))
def test_round_trip_exact_for_arbitrary_floats(
    cost: float, value: float, cov: float, actual: float, trust: float
) -> None:
    """Floats survive CSV and xlsx exactly (shortest repr), not just to display precision."""
    ws = sample_workspace("greenscape")
    cands = tuple(
        replace(c, cost_annual=cost, value_annual=value, coverage={"G1": cov, "G2": 0.4})
        if c.id == "B01"
        else c
        for c in ws.candidates
    )
    kpis = ws.kpis.copy()
    kpis.loc[0, "actual"] = actual
    health = ws.health.copy()
    health.loc[0, "trust"] = trust
    ws2 = ws.replace(candidates=cands, kpis=kpis, health=health)
    assert validate_workspace(ws2) == []
    with tempfile.TemporaryDirectory() as tmp:
        for target in (Path(tmp) / "f", Path(tmp) / "b.xlsx"):
            assert_same_workspace(ws2, load_workspace(save_workspace(ws2, target)))


def test_save_workspace_treats_nan_as_missing(tmp_path) -> None:
    """An optional organization value set to NaN (pandas' missing) is saved as missing.

    It used to crash the YAML writer with a bare ``ValueError`` (int(NaN)).
    """
    import dataclasses

    ws = sample_workspace("greenscape")
    org = dataclasses.replace(ws.organization, mgmt_capacity_fte=float("nan"))
    save_workspace(dataclasses.replace(ws, organization=org), tmp_path / "ws")
    save_workspace(dataclasses.replace(ws, organization=org), tmp_path / "ws.xlsx")
    for target in ("ws", "ws.xlsx"):
        back = load_workspace(tmp_path / target)
        assert back.organization.mgmt_capacity_fte is None
        assert back.candidate_ids == ws.candidate_ids
