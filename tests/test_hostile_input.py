"""Messy and hostile workspace input (issue 14): every fault is one located problem, quickly.

YAML alias bombs and deep nesting, YAML 1.1 implicit typing, oversized files and cells,
encrypted and old-format workbooks, merged cells and formulas without a saved result, invisible
characters and case-only differences in ids, shifted rows, absurd magnitudes, formula injection
through CSV, and the permissions and crash-safety of ``save_workspace``.
"""

from __future__ import annotations

import csv
import os
import stat
import zipfile
from pathlib import Path

import openpyxl
import pytest
from test_workspace import (
    copy_sample,
    edit_text,
    find,
    get_cell,
    problems_of,
    read_rows,
    set_cell,
    write_rows,
)

import alliancekit.workspace.readers as readers
from alliancekit.errors import DataValidationError
from alliancekit.workspace import load_workspace, sample_workspace, save_workspace
from alliancekit.workspace.cells import csv_text, csv_untext
from alliancekit.workspace.limits import MAX_FIELD_CHARS, limits_text


# -- YAML -------------------------------------------------------------------------------------
def _alias_bomb(levels: int) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels + 1):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def test_yaml_alias_bomb_is_refused_at_its_first_alias(tmp_path: Path) -> None:
    """A 2 kB file with 9 levels of aliases once ran > 60 s into a MemoryError."""
    folder = copy_sample(tmp_path)
    org = folder / "organization.yaml"
    org.write_text(org.read_text("utf-8") + _alias_bomb(9), encoding="utf-8")
    problems = problems_of(folder)
    assert len(problems) == 1
    line = (
        org.read_text("utf-8")
        .splitlines()
        .index(next(x for x in org.read_text("utf-8").splitlines() if x.startswith("a1:")))
    )
    find(problems, "organization.yaml", line + 1, None, "YAML aliases (*a0) are not supported")


def test_yaml_merge_key_and_deep_nesting_are_refused(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    org = folder / "organization.yaml"
    base = org.read_text("utf-8")
    org.write_text(base + "risk_caps: &c {avg_total: 0.3}\nextra: {<<: *c}\n", encoding="utf-8")
    assert any("aliases (*c) are not supported" in p.message for p in problems_of(folder))
    org.write_text(base + "deep: " + "[" * 500 + "]" * 500 + "\n", encoding="utf-8")
    problems = problems_of(folder)
    assert len(problems) == 1 and "nested more than 20 levels" in problems[0].message
    assert problems[0].row == len(base.splitlines()) + 1


def test_yaml_scalars_stay_text_and_are_converted_by_the_column_specs(tmp_path: Path) -> None:
    """YAML 1.1 turned 0123 into 83, on into true, NO into false and 1:30 into 90."""
    folder = copy_sample(tmp_path)
    org = folder / "organization.yaml"
    edit_text(org, "org_id: greenscape", "org_id: 0123")
    edit_text(org, "name: GreenScape Landscapes", "name: on")
    edit_text(org, "sector: landscaping and green maintenance", "sector: NO")
    edit_text(org, "  target: within 5", "  target: 1:30")
    edit_text(org, "region: Hyderabad and Karachi, Sindh (Pakistan)", "region: ~")
    edit_text(org, "  mandatory: true", "  mandatory: on")
    o = load_workspace(folder).organization
    assert (o.org_id, o.name, o.sector, o.region) == ("0123", "on", "NO", "")
    assert [g.target for g in o.goals][1] == "1:30"
    assert o.capability_gaps[0].mandatory is True
    assert o.budget_annual == 55.0 and isinstance(o.max_alliances, int)


def test_yaml_huge_integer_and_long_value_are_located(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    org = folder / "organization.yaml"
    edit_text(org, "budget_annual: 55", "budget_annual: " + "9" * 5001)
    find(problems_of(folder), "organization.yaml", 65, "budget_annual", "too large")
    folder = copy_sample(tmp_path / "b")
    org = folder / "organization.yaml"
    edit_text(org, "name: GreenScape Landscapes", "name: " + "x" * (MAX_FIELD_CHARS + 1))
    problems = problems_of(folder)
    assert len(problems) == 1 and problems[0].row == 3
    assert f"the limit is {MAX_FIELD_CHARS:,} characters" in problems[0].message


def test_yaml_file_over_the_size_limit_is_not_parsed(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    org = folder / "organization.yaml"
    org.write_text(org.read_text("utf-8") + "#" * (1 << 20) + "\n", encoding="utf-8")
    find(problems_of(folder), "organization.yaml", None, None, "the limit is 1 MiB")


# -- CSV --------------------------------------------------------------------------------------
def test_a_300k_character_field_is_located(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    set_cell(folder / "candidates.csv", 4, "name", "y" * 20_000)
    find(problems_of(folder), "candidates.csv", 4, "name", "20,000 characters long")
    set_cell(folder / "candidates.csv", 4, "name", "y" * 300_000)
    find(problems_of(folder), "candidates.csv", 4, None, "is a closing double quote missing?")


def test_unquoted_thousands_separator_is_blamed_on_its_row(tmp_path: Path) -> None:
    """``1,200`` shifts every later cell; the row is one problem naming the number."""
    folder = copy_sample(tmp_path)
    rows = read_rows(folder / "candidates.csv")
    j = rows[0].index("value_annual")
    rows[3][j : j + 1] = ["1", "200"]
    write_rows(folder / "candidates.csv", rows)
    problems = problems_of(folder)
    assert len(problems) == 1
    p = find(problems, "candidates.csv", 4, None, "'1,200' in column 'value_annual'")
    assert "write 1200" in p.message


def test_header_names_ignore_letter_case(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    rows = read_rows(folder / "candidates.csv")
    rows[0][0], rows[0][1] = "ID", "Name"
    write_rows(folder / "candidates.csv", rows)
    ws = load_workspace(folder)
    assert ws.candidates[0].id == "B01" and ws.candidates[0].name.startswith("Sindh")
    rows[0].append("id")
    for r in rows[1:]:
        r.append("")
    write_rows(folder / "candidates.csv", rows)
    problems = problems_of(folder)
    assert len(problems) == 1
    find(problems, "candidates.csv", 1, "id", "appears twice in the header (also as 'ID'")


@pytest.mark.parametrize(
    ("text", "shown"),
    [("B\u200b07", "U+200B ZERO WIDTH SPACE"), ("B\u00a007", "U+00A0 NO-BREAK SPACE"),
     ("B07\u2060", "U+2060 WORD JOINER"), ("B\x0707", "control character")],
)  # fmt: skip
def test_ids_with_invisible_characters_are_refused(tmp_path: Path, text: str, shown: str) -> None:
    folder = copy_sample(tmp_path)
    set_cell(folder / "candidates.csv", 8, "id", text)
    p = find(problems_of(folder), "candidates.csv", 8, "id", shown)
    assert "\u200b" not in p.message and "\u00a0" not in p.message  # shown, not hidden
    folder = copy_sample(tmp_path / "ref")
    set_cell(folder / "candidates.csv", 8, "conflicts_with", text)
    find(problems_of(folder), "candidates.csv", 8, "conflicts_with", shown)


def test_ids_differing_only_in_case_are_refused(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    set_cell(folder / "candidates.csv", 3, "id", "b01")
    problems = problems_of(folder)
    find(problems, "candidates.csv", 3, "id", "differs from 'B01' (candidates.csv, row 2) only")
    folder = copy_sample(tmp_path / "ref")
    set_cell(folder / "candidates.csv", 5, "conflicts_with", "b01")
    find(problems_of(folder), "candidates.csv", 5, "conflicts_with", "did you mean 'B01'?")


@pytest.mark.parametrize("value", ["1e308", "2e12", "-1e13"])
def test_absurd_magnitudes_are_refused(tmp_path: Path, value: str) -> None:
    """1e308 in value_annual made E[NPV] infinite and the plan 'optimal'."""
    folder = copy_sample(tmp_path)
    set_cell(folder / "candidates.csv", 3, "value_annual", value)
    p = find(problems_of(folder), "candidates.csv", 3, "value_annual", "too large")
    assert "1e+12" in p.message


# -- formula injection ------------------------------------------------------------------------
FORMULAS = [
    '=HYPERLINK("http://x.example","x")',
    "@SUM(1+1)",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "'=already quoted",
    "''@twice",
    "O'Brien",
    "'t Hooft",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_text_protects_formulas_and_round_trips(text: str) -> None:
    written = csv_text(text)
    assert not written.startswith(("=", "+", "-", "@"))
    assert csv_untext(written) == text
    assert csv_text("plain") == "plain" and csv_untext("'plain") == "'plain"


def test_saved_workspace_csv_never_holds_a_formula_and_loads_back(tmp_path: Path) -> None:
    from dataclasses import replace

    ws = sample_workspace("greenscape")
    cands = tuple(
        replace(c, name=FORMULAS[i % len(FORMULAS)], sector=FORMULAS[(i + 1) % len(FORMULAS)])
        for i, c in enumerate(ws.candidates)
    )
    ws = replace(ws, candidates=cands)
    folder = save_workspace(ws, tmp_path / "f")
    for row in read_rows(folder / "candidates.csv")[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
    back = load_workspace(folder)
    assert [c.name for c in back.candidates] == [c.name for c in cands]
    assert get_cell(folder / "candidates.csv", 2, "name").startswith("'=")


# -- workbooks --------------------------------------------------------------------------------
def _ole2(tmp_path: Path, name: str, encrypted: bool) -> Path:
    body = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    body += ("EncryptedPackage" if encrypted else "Workbook").encode("utf-16-le") + b"\0" * 512
    path = tmp_path / name
    path.write_bytes(body)
    return path


def test_password_protected_and_old_xls_workbooks_say_so(tmp_path: Path) -> None:
    p = find(problems_of(_ole2(tmp_path, "secret.xlsx", True)), "secret.xlsx", None, None, "")
    assert p.message == "this workbook is password-protected; save it without a password"
    p = find(problems_of(_ole2(tmp_path, "old.xlsx", False)), "old.xlsx", None, None, "")
    assert "old Excel 97–2003 (.xls)" in p.message


def test_workbook_over_the_zip_limits_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = save_workspace(sample_workspace("greenscape"), tmp_path / "gs.xlsx")
    monkeypatch.setattr(readers, "MAX_WORKBOOK_UNPACKED_BYTES", 10_000)
    p = find(problems_of(book), "gs.xlsx", None, None, "unpacked; the limit is")
    with zipfile.ZipFile(book) as zf:
        assert f"{len(zf.infolist())} parts" in p.message
    monkeypatch.setattr(readers, "MAX_WORKBOOK_UNPACKED_BYTES", 1 << 30)
    monkeypatch.setattr(readers, "MAX_WORKBOOK_BYTES", 1000)
    find(problems_of(book), "gs.xlsx", None, None, "the limit is 0.000953674 MiB")


def test_merged_cells_and_uncalculated_formulas_are_problems(tmp_path: Path) -> None:
    """openpyxl writes formulas without a cached result; Excel shows merged cells as one. Both
    read as blanks, which in an optional column silently became the default."""
    book = save_workspace(sample_workspace("greenscape"), tmp_path / "gs.xlsx")
    wb = openpyxl.load_workbook(book)
    sheet = wb["candidates"]
    header = [c.value for c in sheet[1]]
    col = header.index("reputation") + 1
    letter = openpyxl.utils.get_column_letter(col)
    sheet.merge_cells(f"{letter}3:{letter}5")
    sheet[f"{openpyxl.utils.get_column_letter(header.index('learning') + 1)}6"] = "=1+2"
    wb.save(book)
    problems = problems_of(book)
    find(problems, "gs.xlsx[candidates]", 3, "reputation", f"cells {letter}3:{letter}5 are merged")
    find(problems, "gs.xlsx[candidates]", 6, "learning", "holds a formula without a saved result")


# -- saving -----------------------------------------------------------------------------------
@pytest.mark.parametrize("mask", [0o022, 0o027])
def test_save_workspace_respects_the_umask(tmp_path: Path, mask: int) -> None:
    """A cron account could not read a saved workspace (folder 0700, workbook 0600)."""
    old = os.umask(mask)
    try:
        folder = save_workspace(sample_workspace("greenscape"), tmp_path / "ws")
        book = save_workspace(sample_workspace("greenscape"), tmp_path / "ws.xlsx")
    finally:
        os.umask(old)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o777 & ~mask
    assert stat.S_IMODE((folder / "candidates.csv").stat().st_mode) == 0o666 & ~mask
    assert stat.S_IMODE(book.stat().st_mode) == 0o666 & ~mask


def test_a_save_killed_between_its_renames_is_restored(tmp_path: Path) -> None:
    ws = sample_workspace("greenscape")
    folder = save_workspace(ws, tmp_path / "ws")
    aside = tmp_path / ".ws.old-4242"
    os.replace(folder, aside)  # what a kill between the two renames leaves
    with pytest.raises(DataValidationError, match=r"rename that folder back to ws"):
        load_workspace(folder)
    save_workspace(ws, folder)
    assert not aside.exists() and load_workspace(folder).candidates == ws.candidates


def test_limits_are_listed() -> None:
    text = limits_text()
    for what in ("CSV table file", "organization.yaml", ".xlsx workbook", "10,000 characters"):
        assert what in text
    assert csv.field_size_limit() > MAX_FIELD_CHARS  # the csv module's own limit comes later
