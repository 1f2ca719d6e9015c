"""Command-line behaviour across sub-commands: nasty input never gives a traceback (exit 2, the
file named on stderr), and ``score`` works with every method, as a table and as strict JSON.

``tests/test_cli_validate.py`` covers the ``validate`` output format on good and broken samples;
this file throws malformed files at it, and checks ``score`` against the API it wraps.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from alliancekit.cli import main
from alliancekit.criteria import score_partners
from alliancekit.workspace import load_workspace, sample_workspace, save_workspace

DATA = Path(__file__).resolve().parents[1] / "data"
METHODS = ("weighted_sum", "topsis", "promethee_ii")


def _strict_json(text: str) -> object:
    """Parse as standard JSON: NaN/Infinity (which ``json.dumps`` writes by default) fail."""

    def reject(constant: str) -> object:
        raise ValueError(f"non-standard JSON constant {constant}")

    return json.loads(text, parse_constant=reject)


# ---------------------------------------------------------------------------------------------
# validate: malformed input -> exit 2, located, no traceback
# ---------------------------------------------------------------------------------------------
def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    shutil.copytree(DATA / "sanchar-apps", folder)
    return folder


def _replace(name: str, content: bytes) -> Callable[[Path], Path]:
    def make(tmp_path: Path) -> Path:
        folder = _copy(tmp_path)
        (folder / name).write_bytes(content)
        return folder

    return make


def _folder_named(name: str) -> Callable[[Path], Path]:
    def make(tmp_path: Path) -> Path:
        folder = _copy(tmp_path)
        (folder / name).unlink()
        (folder / name).mkdir()
        return folder

    return make


def _xlsx_bytes(content: bytes) -> Callable[[Path], Path]:
    def make(tmp_path: Path) -> Path:
        book = tmp_path / "book.xlsx"
        book.write_bytes(content)
        return book

    return make


def _zip_not_xlsx(tmp_path: Path) -> Path:
    book = tmp_path / "book.xlsx"
    with zipfile.ZipFile(book, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    return book


def _damaged_xlsx(tmp_path: Path) -> Path:
    good = save_workspace(sample_workspace("sanchar-apps"), tmp_path / "good.xlsx")
    book = tmp_path / "book.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(book, "w") as zout:
        for name in zin.namelist():
            data = zin.read(name)
            zout.writestr(name, b"<styleSheet" if name == "xl/styles.xml" else data)
    return book


_CSV = (DATA / "sanchar-apps" / "candidates.csv").read_text(encoding="utf-8")

# (id, make, file named in the problem, text in the problem)
NASTY: list[tuple[str, Callable[[Path], Path], str, str]] = [
    ("binary-csv", _replace("candidates.csv", bytes(range(256)) * 8), "candidates.csv", "UTF-8"),
    ("utf16-csv", _replace("candidates.csv", _CSV.encode("utf-16")), "candidates.csv", "UTF-8"),
    ("nul-bytes-csv", _replace("kpis.csv", b"alliance_id\x00,kpi_id\n\x00,\x00\n"), "kpis.csv", ""),
    ("empty-csv", _replace("candidates.csv", b""), "candidates.csv", "empty"),
    (
        "huge-field-csv",
        _replace("candidates.csv", b'id,name\nA1,"' + b"x" * 200_000 + b'"\n'),
        "candidates.csv",
        "field limit",
    ),
    ("folder-candidates", _folder_named("candidates.csv"), "candidates.csv", "found a folder"),
    ("folder-kpis", _folder_named("kpis.csv"), "kpis.csv", "found a folder"),
    ("folder-yaml", _folder_named("organization.yaml"), "organization.yaml", "found a folder"),
    ("empty-yaml", _replace("organization.yaml", b""), "organization.yaml", "empty"),
    ("yaml-null", _replace("organization.yaml", b"null\n"), "organization.yaml", "empty"),
    ("yaml-list", _replace("organization.yaml", b"- a\n- b\n"), "organization.yaml", "mapping"),
    ("yaml-scalar", _replace("organization.yaml", b"hello\n"), "organization.yaml", "mapping"),
    ("yaml-syntax", _replace("organization.yaml", b"a: [\n"), "organization.yaml", "YAML syntax"),
    (
        "yaml-python-tag",
        _replace("organization.yaml", b"!!python/object:os.system {}\n"),
        "organization.yaml",
        "YAML syntax",
    ),
    (
        "yaml-binary",
        _replace("organization.yaml", b"\xff\xfe\x00garbage"),
        "organization.yaml",
        "UTF-8",
    ),
    ("xlsx-not-zip", _xlsx_bytes(b"this is not a zip file"), "book.xlsx", "not a readable .xlsx"),
    ("xlsx-empty-file", _xlsx_bytes(b""), "book.xlsx", "not a readable .xlsx"),
    ("xlsx-zip-not-workbook", _zip_not_xlsx, "book.xlsx", "not a readable .xlsx"),
    ("xlsx-damaged-xml", _damaged_xlsx, "book.xlsx", "not a readable .xlsx"),
]


@pytest.mark.parametrize(
    ("make", "file", "text"), [pytest.param(*case[1:], id=case[0]) for case in NASTY]
)
def test_validate_nasty_input_exits_2_without_traceback(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: Callable[[Path], Path],
    file: str,
    text: str,
) -> None:
    path = make(tmp_path)
    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert lines[0].startswith(f"INVALID {path}: ")
    assert any(line.startswith(f"  - {file}") and text in line for line in lines[1:]), err
    assert "Traceback" not in err


def test_nasty_inputs_in_a_fresh_interpreter(tmp_path: Path) -> None:
    """The console entry point on several malformed workspaces at once: exit 2, one INVALID
    block per workspace, no traceback; a valid workspace among them still prints OK."""
    paths = []
    for i, case in enumerate(NASTY[::4]):
        sub = tmp_path / f"case{i}"
        sub.mkdir()
        paths.append(str(case[1](sub)))
    proc = subprocess.run(
        [sys.executable, "-m", "alliancekit.cli", "validate", *paths, str(DATA / "greenscape")],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert sum(line.startswith("INVALID ") for line in proc.stderr.splitlines()) == len(paths)
    assert proc.stdout.startswith(f"OK {DATA / 'greenscape'}: GreenScape")


def test_score_on_invalid_workspace_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder_named("candidates.csv")(tmp_path)
    assert main(["score", str(folder), "--method", "topsis"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error: candidates.csv: expected a file")
    assert "Traceback" not in err


def test_validate_json_with_notes_is_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Notes (here an ignored, misspelt column) are located records in ``--format json``."""
    folder = tmp_path / "notes"
    shutil.copytree(DATA / "greenscape", folder)
    cand = folder / "candidates.csv"
    cand.write_text(cand.read_text("utf-8").replace(",reputation,", ",reputaton,", 1), "utf-8")
    assert main(["validate", str(folder), "--format", "json"]) == 0
    d = _strict_json(capsys.readouterr().out)
    assert isinstance(d, dict) and d["status"] == "ok"
    note = d["workspaces"][0]["notes"][0]
    assert note["file"] == "candidates.csv" and note["column"] == "reputaton"
    assert "did you mean 'reputation'?" in note["message"]


# ---------------------------------------------------------------------------------------------
# score: every method, table and JSON, equal to the API
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", METHODS)
def test_score_table_every_method(method: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The table lists every candidate in rank order with the API's scores and ranks."""
    ws = load_workspace(DATA / "sanchar-apps")
    api = score_partners(ws, method=method)
    assert main(["score", str(DATA / "sanchar-apps"), "--method", method]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        f"{ws.organization.name}: {len(ws.candidates)} candidates, method {method}"
        + (" (score 0-100)" if method == "weighted_sum" else "")
    )
    rows = [line.split() for line in lines[3 : 3 + len(ws.candidates)]]
    assert [r[1] for r in rows] == list(api.to_frame().index)
    for r in rows:
        cid = r[1]
        assert int(r[0]) == api.ranks[cid]
        shown = next(t for t in r[2:] if t[0] in "+-0123456789" and "." in t)
        digits = len(shown.split(".")[1])
        assert float(shown) == pytest.approx(api.scores[cid], abs=0.5 * 10**-digits + 1e-12)
    if api.knockouts:
        assert "knocked out:" in lines


@pytest.mark.parametrize("sample", ["sanchar-apps", "greenscape", "norden-pumpen"])
@pytest.mark.parametrize("method", METHODS)
def test_score_json_is_strict_json_equal_to_api(
    sample: str, method: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", str(DATA / sample), "--method", method, "--format", "json"]) == 0
    d = _strict_json(capsys.readouterr().out)
    assert isinstance(d, dict)
    api = score_partners(load_workspace(DATA / sample), method=method)
    assert d["type"] == "ScoreResult" and d["method"] == method
    assert set(d["scores"]) == set(api.scores.index)
    for cid, value in d["scores"].items():
        assert math.isclose(value, api.scores[cid], rel_tol=1e-12, abs_tol=1e-12)
        assert d["ranks"][cid] == api.ranks[cid]
    assert {k: tuple(v) for k, v in d["knockouts"].items()} == dict(api.knockouts)
    assert len(d["details"]) == len(api.scores)
    if method != "weighted_sum":
        assert d["flows"] is not None and len(d["flows"]) == len(api.scores)


def test_score_single_candidate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One candidate: every method ranks it 1st; the header says '1 candidate'."""
    ws = sample_workspace("greenscape")
    one = ws.without_candidates(*[c.id for c in ws.candidates[1:]])
    folder = save_workspace(one, tmp_path / "one")
    for method in METHODS:
        assert main(["score", str(folder), "--method", method]) == 0
        out = capsys.readouterr().out
        assert f": 1 candidate, method {method}" in out
        assert main(["score", str(folder), "--method", method, "--format", "json"]) == 0
        d = _strict_json(capsys.readouterr().out)
        assert isinstance(d, dict) and d["ranks"] == {ws.candidates[0].id: 1}


def test_closed_stdout_pipe_exits_quietly(tmp_path: Path) -> None:
    """``alliancekit score ws --format json | head -c 10`` must not print a BrokenPipe traceback.

    60 candidates make the JSON (~80 kB) larger than a pipe buffer (64 kB), so the writer really
    hits the closed pipe.
    """
    case = tmp_path / "case"
    assert main(["new-case", str(case), "--seed", "1", "--candidates", "60"]) == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "alliancekit.cli", "score", str(case), "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert "Traceback" not in err
