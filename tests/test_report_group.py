"""The review report's group section: shown only with responses, in words for managers.

``reporting.group_view`` (docs/group.md §3–§4) on the GreenScape group sample: the consensus in
Goepel's words, the camps and whether they follow organisation lines, who disagrees on what,
core and borderline partners, each person's consistency, two static SVG charts; participant ids
only in the analysts' small print. A workspace without ``responses/`` shows nothing; unreadable
answers are named instead of failing the report.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
from pathlib import Path

import pytest

import alliancekit as ak
from alliancekit import reporting
from alliancekit.group import load_responses

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
NAMES = ("Farah Memon", "Kashif Soomro", "Imran Baloch", "Ghulam Mustafa Khoso")


def _copy(tmp_path: Path, sample: str = "greenscape") -> Path:
    folder = tmp_path / sample
    shutil.copytree(DATA / sample, folder)
    return folder


def _text(html: str) -> str:
    """The words a reader sees (tags and embedded images removed)."""
    return re.sub(r"<[^>]+>", " ", re.sub(r'src="data:[^"]+"', "", html))


def _small_print_removed(html: str) -> str:
    return re.sub(r"<small>.*?</small>", "", html, flags=re.S)


@pytest.fixture(scope="module")
def greenscape_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = _copy(tmp_path_factory.mktemp("group"))
    return reporting.group_view(ak.load_workspace(folder))._repr_html_()


def test_group_view_speaks_in_words_and_names(greenscape_html: str) -> None:
    text = " ".join(_text(greenscape_html).split())
    assert "Their consensus is high (78 % on a 0–100 % scale)" in text  # docs/group.md §6
    assert "The group splits into 2 camps" in text
    assert "The camps cut across the two organisations" in text  # P05 sides with the partner
    for name in NAMES:
        assert name in text
    # who disagrees on what: the widest pair, both extremes, in criterion names
    assert (
        "Strategic value vs Commitment : Kashif Soomro says Strategic value is strongly more "
        "important than Commitment; Ghulam Mustafa Khoso says Strategic value is strongly less "
        "important than Commitment." in text
    )
    # core and borderline partners by name (docs/group.md §6: core B02, B06, B10, B14)
    core = text.split("Every participant's portfolio holds:")[1].split(".")[0]
    for partner in ("B02", "B06", "B10", "B14"):
        assert ak.sample_workspace("greenscape").candidate(partner).name.split(" - ")[0] in core
    assert "Sindh Forest Department - Social Forestry Wing (7 of 8)" in text
    # consistency: the one inconsistent person and the judgement to revisit
    assert "7 of 8 people answered consistently" in text
    assert "Imran Baloch's answers contradict each other (consistency ratio 0.16" in text
    assert "Revisit Strategic value vs Learning and option value" in text


def test_group_view_keeps_ids_and_keys_to_the_small_print(greenscape_html: str) -> None:
    body = _text(_small_print_removed(greenscape_html))
    assert not re.search(r"\bP0\d\b", body), "participant ids outside the small print"
    assert not re.search(r"\bC\d{1,2}\b", body), "criterion codes instead of names"
    assert "_" not in body and "SelectionClass" not in body and "aij" not in body
    small = re.search(r"<small>(.*?)</small>", greenscape_html, flags=re.S)
    assert small and "P04 Imran Baloch" in small.group(1) and "Kendall's W = 0.75" in small.group(1)


def test_group_view_charts_are_static_svg_images(greenscape_html: str) -> None:
    images = re.findall(
        r'<img alt="([^"]*)" src="data:image/svg\+xml;base64,([^"]+)"', greenscape_html
    )
    assert [alt for alt, _ in images] == [
        "Criterion weights by participant",
        "Which partners everyone would choose",
    ]
    for _, data in images:
        svg = base64.b64decode(data).decode("utf-8")
        assert svg.lstrip().startswith("<svg") and "<script" not in svg
        assert "Weight [%]" in svg or "[%]" in svg  # axes carry units
    weights_svg = base64.b64decode(images[0][1]).decode("utf-8")
    assert "Farah Memon" in weights_svg or "Cost" in weights_svg
    assert "(P01)" not in weights_svg  # names without ids on the managers' page
    assert "<script" not in greenscape_html


def test_no_responses_says_how_to_collect_them(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    shutil.rmtree(folder / "responses")
    for ws in (ak.load_workspace(DATA / "sanchar-apps"), ak.load_workspace(folder)):
        text = " ".join(_text(reporting.group_view(ws)._repr_html_()).split())
        assert text.startswith("Nobody has answered the criteria survey for this workspace yet")
        assert "alliancekit survey make" in text and not any(n in text for n in NAMES)


def test_unreadable_answers_are_named_not_fatal(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    bad = folder / "responses" / "P03.json"
    data = json.loads(bad.read_text(encoding="utf-8"))
    data["judgements"][0]["value"] = 12
    bad.write_text(json.dumps(data), encoding="utf-8")
    text = _text(reporting.group_view(ak.load_workspace(folder))._repr_html_())
    assert "could not be read" in text and "P03.json" in text and "judgements[1].value" in text


@pytest.mark.notebook
def test_review_report_numbers_the_group_section_and_fills_it_with_responses(
    tmp_path: Path,
) -> None:
    folder = _copy(tmp_path)
    load_responses(folder)  # the copy is a valid group sample
    run = reporting.run_report(folder, out_dir=tmp_path / "reports", progress=False)
    page = Path(run.html).read_text(encoding="utf-8")
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", page)
    assert [h.split(".")[0] for h in headings if h[:1].isdigit()] == [str(i) for i in range(1, 14)]
    assert page.index("12. The group") < page.index("Imran Baloch") < page.index("13. Appendix")
    assert "<script" not in page
    other = reporting.run_report(
        DATA / "sanchar-apps", out_dir=tmp_path / "reports", progress=False
    )
    other_page = Path(other.html).read_text(encoding="utf-8")
    assert "Nobody has answered the criteria survey" in other_page
    assert "Imran Baloch" not in other_page
