"""Reports a manager can act on (issue 17): one set of numbers, plain words, PDF and brief.

The three bundled samples are reported once (module fixture, with ``pdf=True``: real papermill
kernel, real headless Chromium) and every test reads the published files.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

import alliancekit as ak
from alliancekit.errors import ReportError
from alliancekit.reporting import run_report
from alliancekit.reporting.files import readable_time
from alliancekit.reporting.printing import print_pdf
from alliancekit.reporting.words import change_text, kpi_status, policy_table, rule_text

pytestmark = [pytest.mark.notebook, pytest.mark.slow]

SAMPLES = ("greenscape", "norden-pumpen", "sanchar-apps")
ROOT = Path(__file__).resolve().parents[1]

#: snake_case words (internal parameter, flag, column or value names) and Python literals.
_IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b|\bNone\b|\bTrue\b|\bFalse\b|\bnan\b")
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> dict[str, Path]:
    """Each sample's published report folder (review.html, brief.html, review.pdf, brief.pdf)."""
    out = tmp_path_factory.mktemp("reports")
    folders = {}
    for name in SAMPLES:
        run = run_report(ROOT / "data" / name, out_dir=out, progress=False, pdf=True)
        folders[name] = run.folder
    return folders


def _text(markup: str) -> str:
    """What a reader sees: tags, styles and the analysts' small print (``ak-ids``) removed."""
    markup = re.sub(r"<style.*?</style>|<title>.*?</title>", " ", markup, flags=re.S)
    markup = re.sub(r'<(small|p) class="ak-ids">.*?</\1>', " ", markup, flags=re.S)
    markup = re.sub(r"<img[^>]*>", " ", markup)
    markup = re.sub(r"<[^>]+>", " ", markup)
    return re.sub(r"\s+", " ", html.unescape(markup))


def _split(markup: str) -> tuple[str, str]:
    """(executive summary, body after it) of a review page."""
    parts = re.split(r"<h2[^>]*>", markup)
    summary = next(p for p in parts if "Executive summary" in p[:80])
    body = "".join(p for p in parts[parts.index(summary) + 1 :])
    return summary, body


def _numbers(text: str) -> list[str]:
    return [n.replace(",", "") for n in _NUMBER.findall(text)]


def _found(number: str, body: list[float]) -> bool:
    """``number`` (as printed, with its decimals) is some body figure rounded the same way."""
    decimals = len(number.split(".")[1]) if "." in number else 0
    x = float(number)
    tolerance = 0.5 * 10**-decimals + 1e-9
    return any(abs(y - x) <= tolerance or abs(abs(y) - abs(x)) <= tolerance for y in body)


@pytest.mark.parametrize("sample", SAMPLES)
def test_every_number_in_the_executive_summary_is_in_the_body(
    reports: dict[str, Path], sample: str
) -> None:
    markup = (reports[sample] / "review.html").read_text("utf-8")
    summary, body = _split(markup)
    body_numbers = [float(n) for n in _numbers(_text(body))]
    missing = [n for n in _numbers(_text(summary)) if not _found(n, body_numbers)]
    assert not missing, f"{sample}: summary figures not in the body: {missing}"


@pytest.mark.parametrize("sample", SAMPLES)
def test_the_three_headroom_figures_are_named_and_agree_with_budget_headroom(
    reports: dict[str, Path], sample: str
) -> None:
    ws = ak.load_workspace(ROOT / "data" / sample)
    review = ak.review_alliances(ws)
    from alliancekit.reporting.sections import replan

    plan, _ = replan(ws, review)
    h = ak.budget_headroom(ws, review, plan)
    text = _text((reports[sample] / "review.html").read_text("utf-8"))
    brief = _text((reports[sample] / "brief.html").read_text("utf-8"))
    for moment in h.to_frame().index:
        name, value = h.sentence(moment).split(": ")
        # once in the summary, once in the body's headroom table at least
        assert text.count(f"{name} {value}") >= 1, (sample, moment)
        assert f"{name} {value}" in brief
        assert text.count(name) >= 2
    # growth is approved against the headroom that is left after the re-plan
    if plan is not None and "Approve growth" in text:
        assert f"budget headroom after the re-plan of {h.after_replan:,.1f}" in text
    assert "budget headroom of" not in text  # an unnamed headroom is gone


@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize("page", ["review.html", "brief.html", "../../index.html"])
def test_no_report_text_shows_an_internal_identifier(
    reports: dict[str, Path], sample: str, page: str
) -> None:
    text = _text((reports[sample] / page).read_text("utf-8"))
    found = sorted(set(_IDENTIFIER.findall(text)))
    assert not found, f"{sample} {page}: internal identifiers outside the small print: {found}"
    assert " ok " not in text  # a KPI status says how far from plan, not "ok"


def test_the_small_print_still_carries_the_ids_for_analysts(reports: dict[str, Path]) -> None:
    markup = (reports["greenscape"] / "review.html").read_text("utf-8")
    small = " ".join(re.findall(r'class="ak-ids">(.*?)</', markup, flags=re.S))
    for name in ("h_exit", "e2_trend_max", "ewm_lambda", "payment_days_outstanding"):
        assert name in small


@pytest.mark.parametrize("sample", SAMPLES)
def test_the_pdf_holds_every_section_heading_and_the_brief_is_one_page(
    reports: dict[str, Path], sample: str
) -> None:
    pypdf = pytest.importorskip("pypdf")
    folder = reports[sample]
    markup = (folder / "review.html").read_text("utf-8")
    headings = [_text(h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", markup, re.S)]
    assert len(headings) >= 12
    reader = pypdf.PdfReader(folder / "review.pdf")
    # NFKC: the PDF's font sets "fi" as one ligature glyph
    text = unicodedata.normalize("NFKC", " ".join(p.extract_text() for p in reader.pages))
    text = re.sub(r"\s+", " ", text)
    for heading in headings:
        assert heading in text, f"{sample}: heading {heading!r} missing from review.pdf"
    assert 5 <= len(reader.pages) <= 40
    period = folder.name
    assert all(period in (p.extract_text() or "") for p in reader.pages)  # on every page
    assert f"Page 1 of {len(reader.pages)}" in reader.pages[0].extract_text()
    # the charts' labels print in the font they were measured with (the bundled Liberation
    # Sans), installed on this machine or not
    fonts = set(
        re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([A-Za-z-]+)", (folder / "review.pdf").read_bytes())
    )
    assert {b"LiberationSans", b"LiberationSans-Bold"} <= fonts, fonts
    brief = pypdf.PdfReader(folder / "brief.pdf")
    assert len(brief.pages) == 1, f"{sample}: the brief takes {len(brief.pages)} pages"
    brief_text = brief.pages[0].extract_text()
    for heading in ("Summary", "Decisions needed", "Top risks"):
        assert heading in brief_text


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="needs fontconfig's fc-list")
def test_chromium_is_given_the_bundled_chart_font(tmp_path: Path) -> None:
    """Whatever the machine has, the printing Chromium's fontconfig lists the bundled
    Liberation Sans (regular and bold), and still the system's fonts."""
    from alliancekit.reporting.printing import chromium_env
    from alliancekit.resources import packaged

    env = chromium_env(tmp_path)
    listed = subprocess.run(
        ["fc-list", ":", "file", "family", "style"], env=env, capture_output=True, text=True,
        timeout=120, check=True,
    ).stdout  # fmt: skip
    ours = [line for line in listed.splitlines() if str(packaged("fonts")) in line]
    assert len(ours) == 2 and all("Liberation Sans" in line for line in ours), ours
    assert len(listed.splitlines()) > 2  # the system's fonts are kept


def test_print_pdf_fails_clearly_without_chromium(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "page.html"
    page.write_text("<h1>x</h1>", "utf-8")
    monkeypatch.setenv("ALLIANCEKIT_CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(ReportError) as info:
        print_pdf(page, tmp_path / "page.pdf")
    assert info.value.exit_code == 4
    assert "apt-get install chromium" in str(info.value)
    assert not (tmp_path / "page.pdf").exists()


def test_report_pdf_without_chromium_exits_4_and_keeps_the_previous_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from alliancekit.cli import main

    out = tmp_path / "reports"
    ws = str(ROOT / "data" / "sanchar-apps")
    assert main(["report", ws, "--out", str(out)]) == 0
    before = (out / "sanchar-apps" / "2025-Q2" / "review.html").read_bytes()
    monkeypatch.setenv("ALLIANCEKIT_CHROMIUM", str(tmp_path / "no-chromium"))
    assert main(["report", ws, "--out", str(out), "--pdf"]) == 4
    assert "cannot print the PDF" in capsys.readouterr().err
    assert (out / "sanchar-apps" / "2025-Q2" / "review.html").read_bytes() == before
    assert not (out / "sanchar-apps" / "2025-Q2" / "review.pdf").exists()


def test_words_for_managers() -> None:
    policy = ak.ReviewPolicy()
    assert rule_text("E1", policy) == "health below 40 points of 100"
    assert rule_text("R2", policy) == "window attainment below 85 % of plan"
    table = policy_table(policy)
    shown = " ".join(table.index) + " " + " ".join(table["value"])
    assert not _IDENTIFIER.findall(shown)
    assert kpi_status("ok", 0.31) == "far below plan"
    assert kpi_status("ok", 1.02) == "on or above plan"
    assert kpi_status("missing", float("nan")) == "not reported"
    assert readable_time("2026-12-01T21:15:50Z") == "1 Dec 2026, 21:15 UTC"
    assert change_text("h_restr+5 -> MAINTAIN") == (
        "Restructure threshold: health below +5 gives MAINTAIN"
    )
    assert change_text("w_D2-20% -> EXIT") == "Weight of value delivered in health -20% gives EXIT"


def test_a_fragile_decision_is_explained_in_words() -> None:
    from alliancekit import reporting

    ws = ak.sample_workspace("greenscape")
    review = ak.review_alliances(ws)
    sensitivity = ak.decision_sensitivity(ws)
    sensitivity.loc["AL-B4", "changes"] = ("h_restr-5 -> MAINTAIN", "w_D4+20% -> EXIT")
    sensitivity.loc["AL-B4", "fragile"] = True
    text = _text(reporting.decision_rationale(review, sensitivity).html)
    assert "Restructure threshold: health below -5 gives MAINTAIN" in text
    assert not _IDENTIFIER.findall(text)
