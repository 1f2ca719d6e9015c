"""``alliancekit roadmap`` (exit codes, table and JSON) and the roadmap charts (titles, axis
titles with units, tooltips with names, valid Vega-Lite v5, hostile names drawn as text)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from test_cli_portfolio_review import run_cli

import alliancekit as ak
from alliancekit import charts
from alliancekit.cli import main
from alliancekit.roadmap import plan_roadmap

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SCRIPT = Path(sys.executable).with_name("alliancekit")
SVG = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert(1)</script> & \"quotes\" 'x'"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed console script (``test_cli_portfolio_review.run_cli``), as a user runs it."""
    return run_cli(*args)


def test_roadmap_table_for_people() -> None:
    done = _run("roadmap", str(DATA / "sanchar-apps"))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Sanchar Apps (Pvt) Ltd: roadmap" in out
    assert "2026: start A01 (pilot)" in out and "2027: start A01 (scale-up)" in out
    assert "pilot from 2026, scale-up from 2027" in out
    assert "One-off budget [PKR lakh]" in out and "exit by review" in out


def test_roadmap_json_is_strict_json() -> None:
    done = _run("roadmap", str(DATA / "norden-pumpen"), "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["type"] == "RoadmapResult" and data["periods"][0] == "2026"
    capacity = [u for u in data["usage"] if u["constraint"] == "limit[mgmt_load_fte]"]
    assert any(u["binding"] for u in capacity)


def test_roadmap_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["roadmap", str(DATA / "greenscape"), "--years", "0"]) == 2
    assert "years must be a whole number" in capsys.readouterr().err
    folder = tmp_path / "sanchar"
    shutil.copytree(DATA / "sanchar-apps", folder)
    org = folder / "organization.yaml"
    org.write_text(
        org.read_text(encoding="utf-8").replace("coverage_by_year: 2", "coverage_by_year: 1"),
        encoding="utf-8",
    )
    assert main(["roadmap", str(folder)]) == 3
    err = capsys.readouterr().err
    assert "No roadmap satisfies every constraint" in err and "2026" in err
    assert main(["roadmap", "greenscape", "--years", "1", "--fixed-starts"]) == 0
    assert "start in Year 1" in capsys.readouterr().out


# -- charts ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def roadmaps() -> dict[str, ak.RoadmapResult]:
    out = {}
    for name in ("sanchar-apps", "norden-pumpen"):
        ws = ak.sample_workspace(name)
        out[name] = plan_roadmap(ws, review=ak.review_alliances(ws))
    return out


def _svg(chart: object) -> ET.Element:
    text = charts.to_svg(chart)
    root = ET.fromstring(text)
    assert "<script" not in text and not list(root.iter(f"{SVG}foreignObject"))
    return root


def _texts(root: ET.Element) -> list[str]:
    return [el.text or "" for el in root.iter(f"{SVG}text")]


def _tooltip_titles(spec: dict) -> set[str]:
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            tips = node.get("tooltip")
            if isinstance(tips, list):
                found.update(t.get("title", "") for t in tips if isinstance(t, dict))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    return found


def test_gantt_shows_stages_names_and_units(roadmaps: dict) -> None:
    r = roadmaps["sanchar-apps"]
    chart = charts.roadmap_gantt(r)
    spec = chart.to_dict()
    assert spec["title"]["text"] == "Roadmap: who runs when"
    stages = {row["stage"] for row in spec["datasets"]["cells"]}
    assert {"pilot", "scale-up", "full alliance", "existing alliance"} <= stages
    assert "exited (exit cost paid)" in stages
    tips = _tooltip_titles(spec)
    assert {"Name", "Stage", "Alliance-manager load [FTE]"} <= tips
    assert "One-off cost or exit cost [PKR lakh]" in tips
    drawn = " ".join(_texts(_svg(chart)))
    assert "Airwave Mobile (A01)" in drawn and "QuickLend (AL-A4)" in drawn
    assert "Partner or existing alliance (id)" in drawn and "Period" in drawn


def test_limits_chart_marks_binding_capacity(roadmaps: dict) -> None:
    r = roadmaps["norden-pumpen"]
    chart = charts.roadmap_limits(r)
    spec = chart.to_dict()
    rows = [row for name, data in spec["datasets"].items() for row in data]
    capacity = [row for row in rows if row["name"] == "Management capacity"]
    assert {row["state"] for row in capacity} == {"binding", "within the limit"}
    assert all(row["state"] == "within the limit" for row in rows if "budget" in row["name"])
    drawn = " ".join(_texts(_svg(chart)))
    for title in ("One-off budget [kEUR]", "Annual budget [kEUR/yr]", "Management capacity [FTE]"):
        assert title in drawn
    assert {"Limit", "Used", "Room left", "Unit"} <= _tooltip_titles(spec)


def test_combined_chart_is_valid_vega_lite(roadmaps: dict) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from altair.vegalite.v5.schema.core import load_schema

    schema = load_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    for r in roadmaps.values():
        chart = charts.roadmap_chart(r)
        validator.validate(chart.to_dict())
        assert charts.chart_title(chart) == "Alliance roadmap"
        bundle = charts.mimebundle(chart)
        assert charts.VEGALITE_MIMETYPE in bundle


def test_hostile_names_are_drawn_as_text() -> None:
    ws = ak.sample_workspace("sanchar-apps")
    cands = tuple(replace(c, name=EVIL) if c.id == "A01" else c for c in ws.candidates)
    alls = tuple(
        replace(a, partner_name=EVIL) if a.alliance_id == "AL-A4" else a for a in ws.alliances
    )
    ws = ws.replace(candidates=cands, alliances=alls)
    r = plan_roadmap(ws, review=ak.review_alliances(ws))
    for make in (charts.roadmap_gantt, charts.roadmap_chart):
        drawn = " ".join(_texts(_svg(make(r))))
        assert "<script>" in drawn
    html = r._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
