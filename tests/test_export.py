"""Exports (issue 16): the workbook's numbers are the result objects', nothing becomes a formula;
the brief prints to a PDF whose text holds its headings."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

import alliancekit as ak
from alliancekit.cli import main
from alliancekit.exports import export_brief, export_xlsx
from alliancekit.exports.brief import HEADINGS
from alliancekit.scenarios import EditSession, Scenario, compare_scenarios, run_scenario


def _rows(sheet: openpyxl.worksheet.worksheet.Worksheet) -> list[list[object]]:
    rows = []
    for r in sheet.iter_rows():
        values = [c.value for c in r]
        while values and values[-1] is None:
            values.pop()
        rows.append(values)
    return rows


def _block(rows: list[list[object]], title: str) -> tuple[list[object], list[list[object]]]:
    """Header and data rows of the block titled ``title`` (ends at the first empty row)."""
    start = next(i for i, r in enumerate(rows) if r and r[0] == title)
    header = rows[start + 1]
    data = []
    for r in rows[start + 2 :]:
        if all(v is None for v in r):
            break
        data.append(r)
    return header, data


def test_workbook_numbers_equal_the_result_objects(sample_name: str, tmp_path: Path) -> None:
    ws_path = ak.copy_sample(sample_name, tmp_path / sample_name)
    roomy = Scenario("roomy", plan={"risk_appetite": "high"})
    ak.save_scenario(ws_path, roomy)
    comparison = compare_scenarios(ws_path, ["base", "roomy"], thresholds=False)
    out = export_xlsx(ws_path, tmp_path / "out.xlsx", "roomy", comparison=comparison)
    run = run_scenario(ws_path, "roomy")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [
        "Settings and assumptions",
        "Ranked partners",
        "Portfolio",
        "Review decisions",
        "Scenario comparison",
    ]
    money = run.workspace.organization.money_label
    # ranked partners: score and E[NPV] per partner, rank order
    header, data = _block(_rows(book["Ranked partners"]), "Ranked partners")
    assert f"E[NPV] [{money}]" in header and header[3].startswith("Score [")
    ids = [r[2] for r in data]
    assert ids == list(run.scores.ranks.sort_values(kind="stable").index)
    for r in data:
        assert r[3] == pytest.approx(run.scores.scores[r[2]])
        assert r[7] == pytest.approx(run.scores.details.loc[r[2], "e_npv"])
    # portfolio: the selection and every total against its limit
    rows = _rows(book["Portfolio"])
    _, chosen = _block(rows, "Selected partners")
    assert [r[1] for r in chosen if r[1]] == run.plan.selected
    objective = next(r for r in chosen if str(r[0]).startswith("Objective"))
    assert objective[2] == pytest.approx(run.plan.objective_value)
    header, totals = _block(rows, "Totals against limits (units as each limit states)")
    assert [r[0] for r in totals] == list(run.plan.totals["label"])
    for r, (_, t) in zip(totals, run.plan.totals.iterrows(), strict=True):
        assert r[1] == pytest.approx(t["used"]) and r[2] == pytest.approx(t["cap"])
    # review decisions
    if run.review is not None:
        _, review = _block(
            _rows(book["Review decisions"]), f"Review decisions, {run.review.period}"
        )
        assert {r[0]: r[2] for r in review} == run.review.table["decision"].to_dict()
    # comparison: one column per scenario, figures as in the comparison object
    header, figures = _block(_rows(book["Scenario comparison"]), "Scenarios side by side")
    assert header == ["Figure", "base", "roomy"]
    annual = next(r for r in figures if str(r[0]).startswith("Annual cost"))
    assert annual[1:] == pytest.approx(list(comparison.overview["cost_annual"]))
    # formatting: frozen header rows, units in headers, no formula anywhere
    assert book["Ranked partners"].freeze_panes == "A3"
    for sheet in book:
        for row in sheet.iter_rows():
            assert all(c.data_type != "f" for c in row)


def test_text_never_becomes_a_formula(tmp_path: Path) -> None:
    ws_path = ak.copy_sample("greenscape", tmp_path / "gs")
    s = EditSession(ws_path)
    s.set("candidates", "B01", "name", '=HYPERLINK("http://evil.example","click")')
    s.save()
    out = export_xlsx(ws_path, tmp_path / "out.xlsx")
    book = openpyxl.load_workbook(out)
    cells = [c for row in book["Ranked partners"].iter_rows() for c in row]
    evil = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert evil and all(c.data_type == "s" and c.value.startswith("'=") for c in evil)


@pytest.mark.browser
def test_brief_html_and_pdf(tmp_path: Path, chromium_path: str) -> None:
    from pypdf import PdfReader

    ws_path = ak.copy_sample("greenscape", tmp_path / "gs.xlsx")
    html, pdf = export_brief(ws_path, tmp_path / "brief.html", tmp_path / "brief.pdf")
    page = html.read_text("utf-8")
    assert "http" not in page.replace("http-equiv", "")  # nothing loaded from elsewhere
    assert pdf is not None
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    text = " ".join(p.extract_text() for p in reader.pages)
    for heading in HEADINGS:
        assert heading in text
    assert "GreenScape Landscapes" in text
    run = run_scenario(ws_path, None)
    assert ws_path.name and all(
        run.workspace.candidate(i).name.split()[0] in text for i in run.plan.selected
    )


@pytest.mark.browser
def test_cli_export(tmp_path: Path, capsys: pytest.CaptureFixture[str], chromium_path: str) -> None:
    ws_path = ak.copy_sample("norden-pumpen", tmp_path / "np")
    ak.save_scenario(ws_path, Scenario("lean", plan={"objective": "score"}))
    code = main(
        ["export", str(ws_path), "--scenario", "lean", "--xlsx", str(tmp_path / "o.xlsx"),
         "--pdf", str(tmp_path / "o.pdf"), "--compare", "base", "--format", "json"]
    )  # fmt: skip
    assert code == 0
    written = json.loads(capsys.readouterr().out)
    assert {"xlsx", "pdf", "html"} <= set(written)
    assert Path(written["pdf"]).read_bytes().startswith(b"%PDF")
    book = openpyxl.load_workbook(written["xlsx"])
    assert "Scenario comparison" in book.sheetnames
