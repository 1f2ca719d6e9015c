"""The review report's re-planning section shows the multi-year roadmap (issue 19, item 5).

Only for a workspace with roadmap data (data/README.md, "Roadmap additions"): the roadmap
re-planned with the review's decisions (the same as ``plan_roadmap`` called directly), its
Gantt and limits as static SVG images, a year table in names and units, ids only in the
``ak-ids`` small print. A workspace without roadmap data shows no roadmap.
"""

from __future__ import annotations

import base64
import re
import shutil
from pathlib import Path

import pytest

import alliancekit as ak
from alliancekit import reporting
from alliancekit.roadmap import has_roadmap_data, plan_roadmap

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
HEADING = "Roadmap over the next years"


def _copy(tmp_path: Path, sample: str) -> Path:
    folder = tmp_path / sample
    shutil.copytree(DATA / sample, folder)
    return folder


def _words(html: str) -> str:
    """What a reader sees outside the small print (tags, images and ids removed)."""
    html = re.sub(r'<p class="ak-ids">.*?</p>', "", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", re.sub(r'src="data:[^"]+"', "", html)).split())


def _section_10(ws):
    review = ak.review_alliances(ws)
    plan, infeasible = reporting.replan(ws, review)
    return review, reporting.replanned_portfolio(ws, plan, infeasible, review)._repr_html_()


def test_the_section_shows_the_roadmap_with_roadmap_data(tmp_path: Path) -> None:
    ws = ak.load_workspace(_copy(tmp_path, "norden-pumpen"))
    assert has_roadmap_data(ws)
    review, page = _section_10(ws)
    part = page[page.index(HEADING) :]
    direct = plan_roadmap(ws, review=review)
    words = _words(part)
    # the same roadmap as plan_roadmap with the review's decisions
    assert f"{len(direct.selected)} new partner(s)" in words
    assert f"discounted value {direct.objective_value:,.1f} kEUR" in words
    for pid in direct.selected:
        assert ws.candidate(pid).name in words
        assert pid not in words  # ids only in the small print
        assert f"= {pid}" in part
    assert "Management capacity (2026–2027)" in words  # capacity binds before money
    assert "Management capacity [FTE]" in words and "Annual budget [kEUR/yr]" in words
    # two charts as static SVG images, no script, no markup inside
    images = re.findall(r'<img alt="([^"]+)" src="data:image/svg\+xml;base64,([^"]+)"', part)
    assert [alt for alt, _ in images] == [
        "Roadmap: who runs when",
        "Spend and capacity per period against limits",
    ]
    svg = base64.b64decode(images[0][1]).decode("utf-8")
    assert "<svg" in svg and "<script" not in svg and "Stadtwerke Nord" in svg
    assert "<script" not in part
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", words), re.findall(r"\b[a-z]+_[a-z_]+\b", words)


def test_no_roadmap_without_roadmap_data() -> None:
    ws = ak.sample_workspace("greenscape")
    assert not has_roadmap_data(ws)
    _, page = _section_10(ws)
    assert HEADING not in page and "Limits: used vs cap" in page


@pytest.mark.notebook
def test_run_report_shows_the_roadmap_in_section_10(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "sanchar-apps")
    run = reporting.run_report(folder, out_dir=tmp_path / "reports", progress=False)
    page = Path(run.html).read_text(encoding="utf-8")
    ten, eleven = page.index("10. Re-planned portfolio"), page.index("11. ")
    assert ten < page.index(HEADING) < eleven
    assert "Airwave Mobile" in page[page.index(HEADING) : eleven]  # pilot, then scale-up
    assert "<script" not in page
    other = reporting.run_report(
        _copy(tmp_path, "greenscape"), out_dir=tmp_path / "reports", progress=False
    )
    assert HEADING not in Path(other.html).read_text(encoding="utf-8")
