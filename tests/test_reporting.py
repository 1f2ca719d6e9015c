"""Tests for alliancekit.reporting: real papermill runs on a real kernel, real HTML, real browser.

Slow tests share executed reports through module-scoped fixtures. Fixture notebooks for the
failure paths live in ``tests/notebooks/`` (``ok``, ``raises``, ``kills_kernel``, ``sleeps``,
``no_results``, ``empty``).
"""

from __future__ import annotations

import base64
import csv
import dataclasses
import json
import multiprocessing
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import pytest
from drawing_checks import assert_stuck_then_replaced
from solver_text import assert_no_solver_text

import alliancekit as ak
from alliancekit import cli, reporting
from alliancekit.errors import AllianceKitError, ReportError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
FIXTURES = Path(__file__).resolve().parent / "notebooks"
SAMPLES = ("sanchar-apps", "greenscape", "norden-pumpen")
SECTIONS = (
    "1. Executive summary",
    "2. Portfolio overview",
    "3. Per-alliance scorecard",
    "4. Health dimensions and perception gap",
    "5. Risk update",
    "6. Benefits and value update",
    "7. What each side gives and gets",
    "8. Decision and rationale",
    "9. Actions, owners and deadlines",
    "10. Re-planned portfolio for next period",
    "11. Changes since the previous report",
    "12. The group's view",
    "13. Appendix: parameters, data quality and versions",
)
EVIL = "<script>alert(1)</script>"


def _fixture(name: str) -> Path:
    return FIXTURES / f"{name}.ipynb"


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _leftovers(ws_root: Path) -> list[str]:
    return [p.name for p in ws_root.iterdir() if p.name.startswith((".tmp-", ".old-"))]


# -- fast tests: no kernel -----------------------------------------------------------------------
def test_save_results_stores_to_dict_and_skips_empty_path(tmp_path: Path) -> None:
    ws = ak.sample_workspace("greenscape")
    review = ak.review_alliances(ws)
    target = reporting.save_results(tmp_path / "r.json", review=review, note="x")
    payload = json.loads(target.read_text("utf-8"))
    assert payload["schema"] == reporting.RESULTS_SCHEMA
    assert payload["results"]["review"] == json.loads(json.dumps(review.to_dict()))
    assert payload["results"]["note"] == "x"
    assert reporting.save_results("", review=review) is None
    assert reporting.save_results(None, review=review) is None


def test_notebook_to_html_drops_code_scripts_and_external_references() -> None:
    """Hand-built executed notebook: inputs, parameter cells, scripts and CDN links vanish."""
    params = nbformat.v4.new_code_cell("secret_parameter = 1")
    params.metadata["tags"] = ["parameters"]
    code = nbformat.v4.new_code_cell("print_me_not = 2")
    code.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={
                "text/html": (
                    '<p>kept</p><script src="https://cdn.example.com/x.js"></script>'
                    '<SCRIPT>alert(1)</SCRIPT><link rel="stylesheet" href="http://cdn.example/x.css">'
                ),
                "text/plain": "kept",
            },
        ),
        nbformat.v4.new_output(
            "display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}
        ),
        nbformat.v4.new_output("stream", name="stderr", text="a noisy warning"),
    ]
    nb = nbformat.v4.new_notebook(cells=[params, nbformat.v4.new_markdown_cell("## Head"), code])
    page = reporting.notebook_to_html(nb, title="T <b>x</b>")
    assert "<title>T &lt;b&gt;x&lt;/b&gt;</title>" in page
    assert "<p>kept</p>" in page and "Head" in page
    assert "data:image/png;base64,iVBORw0KGgo=" in page
    for absent in ("secret_parameter", "print_me_not", "noisy warning", "cdn.example", "alert(1)"):
        assert absent not in page
    assert not re.search(r"<script", page, re.IGNORECASE)
    assert "@media print" in page


def test_notebook_to_html_shows_what_nbconvert_shows(tmp_path: Path) -> None:
    """The faster exporter (no BeautifulSoup pass) renders the same text as nbconvert's own,
    gives images without alt text one, and writes no self-closing non-void element (a
    ``<a .../>`` anchor once swallowed the rest of the page into a hidden link)."""
    from nbconvert import HTMLExporter

    code = nbformat.v4.new_code_cell("x")
    code.outputs = [
        nbformat.v4.new_output(
            "execute_result",
            data={"text/html": "<table><tr><th>a</th><td>1.0</td></tr></table>"},
            execution_count=1,
        ),
        nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="}),
        nbformat.v4.new_output("stream", name="stdout", text="printed line"),
    ]
    cells = [
        nbformat.v4.new_markdown_cell(
            "# Title\n\n## 1. Section\n\nSome *emphasis* and a list:\n\n- one"
        ),
        code,
        nbformat.v4.new_markdown_cell("## 2. After the figure"),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    ours = reporting.notebook_to_html(path)
    reference, _ = HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
    ).from_notebook_node(nbformat.read(path, as_version=4))

    def visible(page: str) -> str:
        return " ".join(re.sub(r"<[^>]+>", " ", page).split())

    assert visible(reference) in visible(ours)
    assert "2. After the figure" in visible(ours)
    assert re.search(r'<img alt="figure" src="data:image/png;base64,iVBORw0KGgo="', ours)
    void = "area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr"
    assert not re.search(rf"<(?!(?:{void})\b)[a-zA-Z][\w-]*\b[^>]*/>", ours)


def test_bad_period_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(AllianceKitError, match="YYYY-Qn"):
        reporting.run_report(DATA / "greenscape", period="2025Q2", out_dir=tmp_path)
    with pytest.raises(AllianceKitError, match="no KPI data for period 1999-Q1"):
        reporting.run_report(DATA / "greenscape", period="1999-Q1", out_dir=tmp_path)
    with pytest.raises(AllianceKitError, match="not before"):
        reporting.run_report(
            DATA / "greenscape", period="2025-Q1", previous_period="2025-Q2", out_dir=tmp_path
        )
    assert not (tmp_path / "greenscape" / "2025Q2").exists()


def test_second_run_refuses_clearly_while_the_lock_is_held(tmp_path: Path) -> None:
    """A run of the same workspace and period while another holds the lock gives up clearly."""
    period = ak.sample_workspace("greenscape").latest_period()
    ws_root = tmp_path / "greenscape"
    ws_root.mkdir()
    lock = ws_root / f".{period}.lock"
    with (
        reporting._exclusive_lock(lock, 1.0, "test holder"),
        pytest.raises(ReportError, match=r"another run holds the lock .*held by pid"),
    ):
        reporting.run_report(
            DATA / "greenscape",
            out_dir=tmp_path,
            notebook=_fixture("ok"),
            progress=False,
            lock_timeout=0.3,
        )
    assert not (ws_root / period).exists()


def test_batch_collects_invalid_workspaces_and_cli_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    missing = str(tmp_path / "no-such-workspace")
    batch = reporting.run_reports([missing], out_dir=tmp_path / "out", progress=False)
    assert not batch.ok and batch.runs == ()
    assert batch.failures[0][0] == missing
    assert isinstance(batch.failures[0][1], ak.DataValidationError)
    assert "FAILED" in batch.summary()
    assert cli.main(["report", missing, "--out", str(tmp_path / "out")]) == cli.EXIT_INVALID
    err = capsys.readouterr().err
    assert err.count(missing) == 1 and "workspace not found" in err
    assert cli.main(["report", "--out", str(tmp_path / "out")]) == cli.EXIT_INVALID
    assert "give one or more WORKSPACE" in capsys.readouterr().err
    empty = tmp_path / "empty-data"
    empty.mkdir()
    assert cli.main(["report", "--all", "--data", str(empty)]) == cli.EXIT_INVALID
    assert "no workspace" in capsys.readouterr().err


def test_batch_failures_render_themselves_and_a_broken_install_exits_70(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """A missing packaged notebook is an internal error (exit 70, like every other command),
    and ``ReportBatch.to_dict`` holds each failure as the error describes itself."""
    from alliancekit import resources
    from alliancekit.errors import PackagedFileMissingError

    def missing(*parts: str):
        raise PackagedFileMissingError("/site-packages/alliancekit/data/" + "/".join(parts))

    monkeypatch.setattr(resources, "packaged", missing)
    batch = reporting.run_reports([DATA / "greenscape"], out_dir=tmp_path, progress=False)
    failure = batch.to_dict()["failures"][0]
    assert failure["workspace"] == str(DATA / "greenscape")
    assert failure["error"] == "PackagedFileMissingError" and failure["exit_code"] == 70
    assert cli.main(["report", str(DATA / "greenscape"), "--out", str(tmp_path)]) == 70
    err = capsys.readouterr().err
    assert err.startswith("internal error: ") and "reinstall alliancekit" in err


def test_report_run_summary_and_frame(tmp_path: Path) -> None:
    run = reporting.ReportRun(
        workspace="w",
        workspace_path=tmp_path,
        period="2025-Q2",
        previous_period=None,
        folder=tmp_path,
        html=tmp_path / "review.html",
        notebook=tmp_path / "review.ipynb",
        results_json=tmp_path / "results.json",
        summary_csv=tmp_path / "summary.csv",
        decision_log=tmp_path / "decisions.csv",
        index=tmp_path / "index.html",
        decisions={"A": "GROW", "B": "EXIT", "C": "GROW"},
    )
    assert "2 GROW" in run.summary() and "1 EXIT" in run.summary()
    assert run.to_frame().loc["B", "decision"] == "EXIT"
    assert json.loads(run.to_json())["decisions"]["A"] == "GROW"
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.period = "x"  # type: ignore[misc]


def test_index_escapes_names_and_lists_newest_first(tmp_path: Path) -> None:
    for ws_name, period, saved, org in (
        ("alpha", "2025-Q1", "2026-01-01T00:00:00Z", "Old <i>Org</i>"),
        ("beta", "2024-Q4", "2026-02-01T00:00:00Z", EVIL),
    ):
        folder = tmp_path / ws_name / period
        folder.mkdir(parents=True)
        (folder / "review.html").write_text("x", "utf-8")
        payload = {"saved_at": saved, "results": {"organization": org, "review": {"table": []}}}
        (folder / "results.json").write_text(json.dumps(payload), "utf-8")
    (tmp_path / "beta" / "_failed").mkdir()
    page = reporting.refresh_index(tmp_path).read_text("utf-8")
    assert EVIL not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.index("beta/2024-Q4/review.html") < page.index("alpha/2025-Q1/review.html")
    assert "_failed" not in page


# -- fixture-notebook runs (real kernel) -----------------------------------------------------------
@pytest.mark.notebook
@pytest.mark.slow
def test_kernel_is_this_interpreter_and_report_is_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The python3 kernel is sys.executable (the project venv), whatever kernelspecs exist.

    A ``python3`` kernelspec for another interpreter on JUPYTER_PATH (searched first) is ignored.
    """
    decoy = tmp_path / "jupyter-path" / "kernels" / "python3"
    decoy.mkdir(parents=True)
    spec = {
        "argv": ["/nonexistent/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "decoy",
        "language": "python",
    }
    (decoy / "kernel.json").write_text(json.dumps(spec), "utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter-path"))
    period = ak.sample_workspace("greenscape").latest_period()
    stale = tmp_path / "out" / "greenscape" / f".tmp-{period}-deadbeef"  # a run killed outright
    stale.mkdir(parents=True)
    run = reporting.run_report(
        DATA / "greenscape", out_dir=tmp_path / "out", notebook=_fixture("ok"), progress=False
    )
    nb = nbformat.read(run.notebook, as_version=4)
    printed = [
        o["text"].strip()
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "stream"
    ]
    assert sys.executable in printed
    assert sorted(p.name for p in run.folder.iterdir()) == [
        "brief.html",  # the executive brief (issue 17)
        "results.json",
        "review.html",
        "review.ipynb",
        "summary.csv",
    ]
    ws = ak.sample_workspace("greenscape")
    assert run.period == ws.latest_period() and run.folder.name == run.period
    assert set(run.decisions) == set(ws.alliance_ids)
    assert _leftovers(tmp_path / "out" / "greenscape") == []
    page = run.html.read_text("utf-8")
    assert "data:image/png;base64," in page and "<script" not in page.lower()
    assert "fixture &lt;b&gt;rationale&lt;/b&gt;" not in page  # rationale only in CSV here
    summary = _read_csv(run.summary_csv)
    assert [r["alliance_id"] for r in summary] == list(ws.alliance_ids)
    assert summary[0]["partner_name"] == ws.alliances[0].partner_name


@pytest.mark.notebook
@pytest.mark.slow
def test_decision_log_rerun_replaces_rows_never_duplicates(tmp_path: Path) -> None:
    ws = ak.sample_workspace("greenscape")
    periods = ws.periods()
    kw = {"out_dir": tmp_path, "notebook": _fixture("ok"), "progress": False}
    reporting.run_report(DATA / "greenscape", period=periods[-1], **kw)
    log = tmp_path / "greenscape" / "decisions.csv"
    first = _read_csv(log)
    reporting.run_report(DATA / "greenscape", period=periods[-1], **kw)
    again = _read_csv(log)
    n = len(ws.alliances)
    assert len(first) == len(again) == n
    assert [r["alliance_id"] for r in again] == [r["alliance_id"] for r in first]
    reporting.run_report(DATA / "greenscape", period=periods[-2], **kw)
    reporting.run_report(DATA / "greenscape", period=periods[-1], **kw)
    rows = _read_csv(log)
    assert len(rows) == 2 * n
    keys = [(r["period"], r["alliance_id"]) for r in rows]
    assert len(set(keys)) == len(keys)
    assert [r["period"] for r in rows] == [periods[-2]] * n + [periods[-1]] * n
    index = (tmp_path / "index.html").read_text("utf-8")
    assert index.count("review.html") == 2


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> reporting.ReportRun:
    """A good report (fixture notebook) that every failure test tries to overwrite."""
    out = tmp_path_factory.mktemp("faults")
    return reporting.run_report(
        DATA / "greenscape", out_dir=out, notebook=_fixture("ok"), progress=False
    )


@pytest.mark.notebook
@pytest.mark.slow
@pytest.mark.parametrize(
    ("fixture", "timeout", "ename", "cell"),
    [
        ("raises", 60, "ValueError", 4),
        ("kills_kernel", 60, "DeadKernelError", 2),
        ("sleeps", 2, "CellTimeoutError", 2),
        ("no_results", 60, "", None),
    ],
)
def test_failed_run_leaves_previous_report_and_keeps_notebook(
    published: reporting.ReportRun, fixture: str, timeout: float, ename: str, cell: int | None
) -> None:
    out = published.folder.parents[1]
    before = _snapshot(published.folder)
    log_before = published.decision_log.read_bytes()
    with pytest.raises(ReportError) as info:
        reporting.run_report(
            DATA / "greenscape",
            out_dir=out,
            notebook=_fixture(fixture),
            progress=False,
            timeout=timeout,
        )
    err = info.value
    assert err.ename == ename
    assert err.cell_index == cell
    assert err.workspace == "greenscape"
    assert err.notebook_path is not None and err.notebook_path.is_file()
    assert err.notebook_path.parent == out / "greenscape" / "_failed"
    assert err.notebook_path.name.startswith(f"{published.period}-")
    assert str(err.notebook_path) in str(err)
    if cell is not None:
        assert f"failing cell: {cell}" in str(err)
    assert _snapshot(published.folder) == before
    assert published.decision_log.read_bytes() == log_before
    assert _leftovers(out / "greenscape") == []


@pytest.mark.notebook
@pytest.mark.slow
def test_cli_exit_4_names_cell_and_kept_notebook(
    published: reporting.ReportRun, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    out = published.folder.parents[1]
    monkeypatch.setattr(reporting, "default_notebook", lambda: _fixture("raises"))
    code = cli.main(["report", str(DATA / "greenscape"), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == cli.EXIT_REPORT_FAILED == 4
    assert "failing cell: 4" in err and "ValueError: boom from the fixture notebook" in err
    kept = re.search(r"failed notebook kept at (\S+\.ipynb)", err)
    assert kept and Path(kept.group(1)).is_file()


def _run_ok(out: str) -> str:
    run = reporting.run_report(
        DATA / "greenscape", out_dir=out, notebook=_fixture("ok"), progress=False
    )
    return run.period


@pytest.mark.notebook
@pytest.mark.slow
def test_concurrent_runs_of_same_workspace_and_period_never_corrupt(tmp_path: Path) -> None:
    """Two processes start the same report at once: the lock serialises them, both succeed."""
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
        periods = list(pool.map(_run_ok, [str(tmp_path)] * 2))
    assert periods[0] == periods[1]
    ws_root = tmp_path / "greenscape"
    folder = ws_root / periods[0]
    assert sorted(p.name for p in folder.iterdir()) == [
        "brief.html",  # the executive brief (issue 17)
        "results.json",
        "review.html",
        "review.ipynb",
        "summary.csv",
    ]
    json.loads((folder / "results.json").read_text("utf-8"))
    assert _leftovers(ws_root) == []
    rows = _read_csv(ws_root / "decisions.csv")
    assert len(rows) == len(ak.sample_workspace("greenscape").alliances)
    assert not (ws_root / "_failed").exists()


# -- the real report notebook --------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample_reports(tmp_path_factory: pytest.TempPathFactory) -> reporting.ReportBatch:
    """The real review notebook for the three samples, two worker processes."""
    out = tmp_path_factory.mktemp("reports")
    batch = reporting.run_reports([DATA / s for s in SAMPLES], out_dir=out, jobs=2, progress=False)
    assert batch.ok, batch.summary()
    return batch


@pytest.mark.notebook
@pytest.mark.slow
@pytest.mark.parametrize("sample", SAMPLES)
def test_sample_report_has_every_section_decision_and_embedded_figure(
    sample_reports: reporting.ReportBatch, sample: str
) -> None:
    run = next(r for r in sample_reports.runs if r.workspace == sample)
    page = run.html.read_text("utf-8")
    for heading in SECTIONS:
        assert heading in page, heading
    # decisions: the same as an independent in-process review, shown in HTML, JSON and CSV
    ws = ak.sample_workspace(sample)
    expected = {a: d.value for a, d in ak.review_alliances(ws).decisions.items()}
    assert run.decisions == expected
    for aid, decision in expected.items():
        # issue 17: the partner's name with the alliance id in the analysts' small print
        assert re.search(
            rf'<small class="ak-ids">{re.escape(aid)}</small></td><td><span '
            rf'class="ak-decision-{decision}">{decision}</span>',
            page,
        )
    saved = json.loads(run.results_json.read_text("utf-8"))["results"]
    assert {r["alliance_id"]: r["decision"] for r in saved["review"]["table"]} == expected
    for row in saved["review"]["table"]:  # the HTML shows the saved object's numbers
        cells = (
            rf"{re.escape(row['alliance_id'])}</small></td><td><span [^>]*>"
            rf"{row['decision']}</span></td><td>{row['H']:.1f}</td><td>{100 * row['A_W']:.0f}</td>"
        )
        assert re.search(cells, page), row["alliance_id"]
    assert saved["plan"]["selected"] and saved["review"]["period"] == run.period
    assert {r["alliance_id"]: r["decision"] for r in _read_csv(run.summary_csv)} == expected
    # self-contained: figures embedded, no script at all, no external reference
    assert page.count("data:image/svg+xml;base64,") >= 6  # figures: SVG documents in <img>
    assert "<svg" not in page  # never inline SVG markup
    assert not re.search(r"<script", page, re.IGNORECASE)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page, re.IGNORECASE)
    assert "@media print" in page
    assert_no_solver_text(page, what=f"{sample} review.html")
    # no code in the report
    assert "review_alliances(" not in page and "import alliancekit" not in page
    assert run.previous_period == ws.periods()[-2]


@pytest.mark.notebook
@pytest.mark.slow
def test_index_lists_every_sample_report(sample_reports: reporting.ReportBatch) -> None:
    index = sample_reports.runs[0].index.read_text("utf-8")
    for run in sample_reports.runs:
        assert f"{run.workspace}/{run.period}/review.html" in index
    assert sample_reports.jobs == 2 and len(sample_reports.runs) == 3


@pytest.fixture(scope="module")
def evil_report(tmp_path_factory: pytest.TempPathFactory) -> reporting.ReportRun:
    """The real notebook on a workspace whose partner, KPI and candidate names hold markup."""
    base = tmp_path_factory.mktemp("evil")
    ws = ak.sample_workspace("greenscape")
    alliances = (dataclasses.replace(ws.alliances[0], partner_name=EVIL), *ws.alliances[1:])
    candidates = (
        dataclasses.replace(ws.candidates[0], name=f"Cand {EVIL}"),
        *ws.candidates[1:],
    )
    kpis = ws.kpis.copy()
    first = kpis["kpi_id"] == kpis["kpi_id"].iloc[0]
    if "comment" in kpis.columns:
        kpis.loc[first, "comment"] = EVIL
    if "name" in kpis.columns:
        kpis.loc[first, "name"] = f"KPI {EVIL}"
    evil = ws.replace(alliances=alliances, candidates=candidates, kpis=kpis)
    path = ak.save_workspace(evil, base / "greenscape")
    return reporting.run_report(
        path, out_dir=base / "reports", progress=False, policy={"h_restr": 55.0}
    )


@pytest.mark.notebook
@pytest.mark.slow
def test_untrusted_text_is_escaped_in_html(evil_report: reporting.ReportRun) -> None:
    page = evil_report.html.read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert not re.search(r"<script", page, re.IGNORECASE)


@pytest.mark.notebook
@pytest.mark.slow
def test_policy_overrides_reach_the_notebook(evil_report: reporting.ReportRun) -> None:
    saved = json.loads(evil_report.results_json.read_text("utf-8"))["results"]
    assert saved["review"]["policy"]["h_restr"] == 55.0
    page = evil_report.html.read_text("utf-8")
    # issue 17: the policy in words with its unit; the parameter's id in the small print
    assert re.search(
        r"<th>Restructure threshold: health below</th>\s*<td>55 points of 100</td>\s*"
        r"<td>changed for this report</td>",
        page,
    )
    assert re.search(r'class="ak-ids">[^<]*= h_restr;', page)


@pytest.mark.browser
@pytest.mark.notebook
@pytest.mark.slow
def test_untrusted_text_renders_as_text_in_chromium(
    evil_report: reporting.ReportRun, launch_chromium
) -> None:
    """Headless Chromium opens the report offline: no dialog, no network, the name as text.

    ``launch_chromium`` (conftest) skips when chromium is missing, fails if it is required.
    """
    dialogs: list[str] = []
    requests: list[str] = []
    with launch_chromium() as browser:
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on(
            "request",
            lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else 0,
        )
        page.goto(evil_report.html.as_uri(), wait_until="load")
        page.wait_for_timeout(300)
        text = page.inner_text("body")
        images = page.eval_on_selector_all(
            "img", "els => els.map(e => e.complete && e.naturalWidth > 0)"
        )
        scripts = page.eval_on_selector_all("script", "els => els.length")
        pdf = page.pdf(format="A4")  # the print stylesheet renders
    assert dialogs == []
    assert requests == []
    assert EVIL in text
    assert scripts == 0
    assert images and all(images)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


#: ``sitecustomize`` for the report test below: every process started with it on PYTHONPATH (the
#: CLI, its papermill runner and the kernel) logs each top-level module it imports.
_IMPORT_LOGGER = r"""
import os
import sys


class _ImportLog:
    def find_spec(self, name, path=None, target=None):
        if "." not in name:
            argv = " ".join(getattr(sys, "argv", []) or [])
            with open(os.environ["ALLIANCEKIT_TEST_IMPORT_LOG"], "a", encoding="utf-8") as fh:
                fh.write(f"{os.getpid()}\t{name}\t{argv}\n")
        return None


sys.meta_path.insert(0, _ImportLog())
"""


def _visible_markup(page: str) -> tuple[str, list[str]]:
    """The page without its ``data:`` URIs, and the SVG documents those URIs hold."""
    import base64

    svgs = [
        base64.b64decode(b).decode("utf-8")
        for b in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", page)
    ]
    return re.sub(r"data:[^\"'\s>]+", "data:", page), svgs


@pytest.mark.notebook
@pytest.mark.slow
def test_report_run_imports_no_matplotlib_and_no_javascript(tmp_path: Path) -> None:
    """``alliancekit report`` in a subprocess: neither the runner nor the kernel imports
    matplotlib; the kernel hands its charts over as calls and imports no Altair (nor
    jsonschema's slow format checkers), the runner's drawing process builds and draws them;
    review.html and every chart in it
    (static SVG in ``<img>``) hold no script, no CDN and no inline ``<svg>``; the executed
    notebook holds no Vega-Lite or JavaScript output (nbconvert would add CDN scripts)."""
    import os
    import subprocess

    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(_IMPORT_LOGGER, "utf-8")
    log = tmp_path / "imports.log"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(hook), env.get("PYTHONPATH")]))
    env["ALLIANCEKIT_TEST_IMPORT_LOG"] = str(log)
    out = tmp_path / "reports"
    done = subprocess.run(
        [sys.executable, "-m", "alliancekit.cli", "report", str(DATA / "greenscape"), "--out",
         str(out)],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    rows = [line.split("\t") for line in log.read_text("utf-8").splitlines()]
    kernel = {name for _, name, argv in rows if "ipykernel_launcher" in argv}
    assert {"alliancekit", "pandas"} <= kernel  # the hook reached the kernel
    assert not {"altair", "vl_convert"} & kernel  # the runner builds and draws the charts
    drawer = {name for _, name, argv in rows if "drawing_process.py" in argv}
    assert {"vl_convert", "altair"} <= drawer  # it builds the charts from the calls and draws
    assert not [r for r in rows if r[1] in {"matplotlib", "matplotlib_inline", "PIL"}], sorted(
        {(r[1], r[2][:60]) for r in rows if r[1].startswith(("matplotlib", "PIL"))}
    )
    # nothing the report does not use: jsonschema's slow optional format checkers, and tqdm's
    # notebook bars (ipywidgets) when no progress bar is shown
    assert not {"rfc3987_syntax", "isoduration", "ipywidgets"} & kernel
    folder = next((out / "greenscape").glob("20*-Q*"))
    page = (folder / "review.html").read_text("utf-8")
    markup, svgs = _visible_markup(page)
    assert len(svgs) >= 6 and "<svg" not in markup
    for text in (markup, *svgs):
        assert not re.search(r"<script|javascript:|cdn|<foreignObject", text, re.IGNORECASE)
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text, re.IGNORECASE)
    nb = nbformat.read(folder / "review.ipynb", as_version=4)
    kinds = {
        k for c in nb.cells if c.cell_type == "code" for o in c.outputs for k in o.get("data", {})
    }
    assert not {k for k in kinds if "vegalite" in k or "javascript" in k}, kinds


def test_fixture_notebooks_have_a_literal_parameters_cell() -> None:
    for path in [*FIXTURES.glob("*.ipynb"), reporting.default_notebook()]:
        nb = nbformat.read(path, as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path
        assert tagged[0] is nb.cells[0], path
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path
                assert not re.search(r"^\s*(def|class) ", cell.source, re.MULTILINE), path


def test_default_notebook_is_thin_no_logic_in_cells() -> None:
    """Cells call the package (a section may display a few results); no loops or branches."""
    nb = nbformat.read(reporting.default_notebook(), as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"][2:]  # after parameters, imports
    for source in code:
        assert "for " not in source and "if " not in source, source


def test_report_sections_leave_closed_alliances_out() -> None:
    """Spend and counts in §5.7 items 1–2 cover the alliances reviewed (a closed one is not).

    The header and the review count 3 of GreenScape's 4 alliances when AL-B1 is closed; the
    executive summary's annual cost and the overview's count and spend must agree with them.
    """
    from alliancekit.model import AllianceStatus

    ws = ak.sample_workspace("greenscape")
    first = ws.alliances[0]
    ws = dataclasses.replace(
        ws, alliances=(dataclasses.replace(first, status=AllianceStatus.CLOSED), *ws.alliances[1:])
    )
    review = ak.review_alliances(ws)
    assert first.alliance_id not in review.table.index
    money = ws.organization.money_label
    cost = sum(ws.alliance(aid).cost_annual for aid in review.table.index)
    summary = reporting.executive_summary(ws, review).html
    assert f"<td>{cost:,.1f} {money}/yr</td>" in summary
    overview = reporting.portfolio_overview(ws, review).html
    assert f"{len(review.table)} existing alliance(s); annual spend {cost:,.1f} {money}/yr" in (
        overview
    )
    risk = reporting.risk_update(ws, review).html
    for aid in review.table.index:
        assert f"<td>{100 * ws.alliance(aid).cost_annual / cost:,.1f}</td>" in risk


def test_section_tables_are_drawn_by_the_one_table_renderer() -> None:
    """Section tables come from ``results.html_table``: the index name heads its column, a count
    stays an integer beside floats, yes/no for booleans, KPI and milestone ids as columns."""
    ws = ak.sample_workspace("greenscape")
    review = ak.review_alliances(ws)
    overview = reporting.portfolio_overview(ws, review).html
    assert "<th>group</th><th>alliances</th>" in overview
    assert re.search(r"<tr><th>Relation: [\w ]+</th><td>\d+</td><td>[\d,]+\.\d</td>", overview)
    card = reporting.scorecard(ws, review).html
    # issue 17: KPI and milestone names for people; the KPI ids in the analysts' small print
    assert "<th>alliance</th><th>KPI</th>" in card
    assert "<th>alliance</th><th>milestone</th>" in card
    assert 'class="ak-ids">Ids for analysts: Compost delivered = compost_delivered' in card
    assert re.search(r"<td>(yes|no)</td></tr>", card)  # turning_point, the last column
    assert "True" not in card and "False" not in card


def test_report_objective_of_a_score_plan_is_not_money() -> None:
    """A plan with objective="score" reports Σ score [points], not an amount of money."""
    ws = ak.sample_workspace("norden-pumpen")
    review = ak.review_alliances(ws)
    plan = ak.plan_portfolio(ws, objective="score", review=review)
    assert plan.money_label == ""  # PortfolioResult: no money unit for a score objective
    money = ws.organization.money_label
    value = f"{plan.objective_value:,.1f}"
    for html in (
        reporting.replanned_portfolio(ws, plan).html,
        reporting.executive_summary(ws, review, plan).html,
    ):
        assert f"{value} {money}" not in html
        assert f"{value} points (sum of partner scores, each 0–100)" in html


# -- charts drawn by the running process (reporting/deferred.py) ----------------------------------
_CHART_CELL = """
import sys
from alliancekit import reporting
spec = {"title": "Spend by partner", "mark": "bar",
        "data": {"values": [{"partner": "<b>Acme</b>", "spend": 3}]},
        "encoding": {"x": {"field": "partner", "type": "nominal"},
                     "y": {"field": "spend", "type": "quantitative"}}}
display(reporting.as_figure(spec))
display(reporting.ReportSection("inside", reporting.as_figure(spec)._repr_html_()))
print("kernel drew:", "vl_convert" in sys.modules)
"""


def _chart_notebook(tmp_path: Path, code: str) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    path = tmp_path / "charts.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.notebook
def test_report_charts_are_drawn_by_the_runner_and_put_in_place(tmp_path: Path) -> None:
    """The kernel leaves specs; the runner draws them: the written notebook holds SVG images."""
    out = reporting.execute_notebook(_chart_notebook(tmp_path, _CHART_CELL), tmp_path / "o.ipynb")
    nb = nbformat.read(out, as_version=4)
    outputs = nb.cells[0].outputs
    assert "kernel drew: False" in "".join(o.get("text", "") for o in outputs)
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert len(html) == 2 and not any("data-ak-chart" in h for h in html)
    images = [re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', h) for h in html]
    svg = [base64.b64decode(m.group(1)).decode("utf-8") for m in images if m]
    assert len(svg) == 2 and svg[0] == svg[1]
    assert "Spend by partner" in svg[0] and "&lt;b&gt;Acme&lt;/b&gt;" in svg[0]
    assert 'alt="Spend by partner"' in html[0]


@pytest.mark.notebook
def test_a_chart_the_runner_cannot_draw_fails_the_report_by_its_title(tmp_path: Path) -> None:
    code = (
        "from alliancekit import reporting\n"
        'display(reporting.as_figure({"title": "Broken one", "mark": "bar", '
        '"data": {"values": [{"a": 1}]}, "encoding": {"x": {"field": "a", "type": "nonsense"}}}))'
    )
    with pytest.raises(ReportError, match="Broken one"):
        reporting.execute_notebook(_chart_notebook(tmp_path, code), tmp_path / "o.ipynb")


_CALL_CELL = """
import sys
import alliancekit as ak
from alliancekit import reporting
ws = ak.load_workspace({folder!r})
review = ak.review_alliances(ws)
display(reporting.spend_chart(ws, review))
display(reporting.kpi_charts(review, ws))
print("kernel built:", "altair" in sys.modules)
"""


@pytest.mark.notebook
def test_report_charts_are_built_by_the_runner_from_the_kernels_calls(tmp_path: Path) -> None:
    """A report kernel hands its charts over as calls and never imports Altair; the runner
    builds them with the same function on the same inputs: the same images and titles as
    the charts built in this process."""
    from alliancekit.reporting.sections import charts as views

    code = _CALL_CELL.format(folder=str(DATA / "greenscape"))
    out = reporting.execute_notebook(_chart_notebook(tmp_path, code), tmp_path / "o.ipynb")
    outputs = nbformat.read(out, as_version=4).cells[0].outputs
    assert "kernel built: False" in "".join(o.get("text", "") for o in outputs)
    page = "".join(o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {}))
    assert "data-ak-chart" not in page
    drawn = re.findall(r'<img alt="([^"]*)" src="data:image/svg\+xml;base64,([^"]+)"', page)
    ws = ak.load_workspace(DATA / "greenscape")
    review = ak.review_alliances(ws)
    here = [reporting.spend_chart(ws, review)] + [
        reporting.as_figure(views.kpi_view(review, aid, ws)) for aid in review.table.index
    ]
    assert len(drawn) == len(here) == 1 + len(review.table)
    for (alt, data), figure in zip(drawn, here, strict=True):
        assert alt == html_escape(figure.title) and figure.title.strip()
        assert base64.b64decode(data) == base64.b64decode(figure.data_base64)


def html_escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def _signed_placeholder(payload: object, *, key: bytes | None = None) -> nbformat.NotebookNode:
    """A notebook whose output holds a chart call pickled from ``payload``, signed with
    ``key`` (default: this process's key, as a report kernel started here would)."""
    import hmac

    from alliancekit.reporting import deferred

    body = deferred._pickled(payload)
    signature = hmac.digest(deferred._KEY if key is None else key, body, "sha256")
    packed = deferred._CALL_TAG + signature + body
    encoded = base64.b64encode(packed).decode("ascii")
    html = f'<figure class="ak-figure">{deferred.placeholder_html(encoded, "A chart")}</figure>'
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": html})]
    return nbformat.v4.new_notebook(cells=[cell])


class _Trap:
    """Unpickling it writes a file: what a forged chart call would do."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple:
        return (Path.write_text, (self.path, "unpickled"))


def test_a_chart_call_not_signed_by_this_run_is_refused_unopened(tmp_path: Path) -> None:
    """A placeholder that was not made by a kernel this process started (text smuggled into
    the page, a notebook from elsewhere) fails by its title and is never unpickled."""
    from alliancekit.reporting.deferred import ChartDrawer

    trap = tmp_path / "trap.txt"
    nb = _signed_placeholder((_Trap(trap), None), key=b"someone else's key")
    failed = ChartDrawer().finish(nb)
    assert failed == ["“A chart” (its chart data did not come from this report's kernel)"]
    assert not trap.exists()


def test_a_chart_call_that_fails_fails_the_report_by_what_it_shows() -> None:
    from alliancekit.reporting.deferred import ChartDrawer
    from alliancekit.reporting.sections.base import chart_call
    from alliancekit.reporting.sections.charts import attainment_view

    failed = ChartDrawer().finish(_signed_placeholder((chart_call(attainment_view, None), None)))
    assert len(failed) == 1 and failed[0].startswith("“A chart” (") and "NoneType" in failed[0]


def test_chart_calls_fall_back_to_the_kernel_outside_a_report_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the report runner's key, with inputs pickle cannot copy, or with a function a
    notebook defined itself (its ``__main__`` is not the runner's), the chart is built and
    drawn where it is asked for, as in a notebook."""
    from altair.utils import schemapi

    from alliancekit.reporting import deferred
    from alliancekit.reporting.sections.base import ChartCall, chart_call
    from alliancekit.reporting.sections.charts import spend_view

    monkeypatch.setattr(schemapi, "DEBUG_MODE", schemapi.DEBUG_MODE)  # a report kernel's skip
    ws = ak.load_workspace(DATA / "greenscape")
    review = ak.review_alliances(ws)
    call = chart_call(spend_view, ws, review)
    assert isinstance(call, ChartCall) and call.label.startswith("Annual cost")
    monkeypatch.setenv(deferred.DEFER_ENV, "1")
    monkeypatch.delenv(deferred.KEY_ENV, raising=False)
    assert deferred.pack_call(call) is None
    assert reporting.as_figure(call).mime == "application/vnd.vegalite.v5+json"
    monkeypatch.setenv(deferred.KEY_ENV, deferred._KEY.hex())
    assert reporting.as_figure(call).mime == "application/vnd.alliancekit.chart-call"
    assert deferred.pack_call(chart_call(spend_view, ws, lambda: 1)) is None

    def notebook_view(ws: object, review: object) -> object:
        return spend_view(ws, review)

    notebook_view.__module__ = "__main__"  # as a function defined in a notebook cell is
    assert deferred.pack_call(chart_call(notebook_view, ws, review)) is None
    figure = reporting.as_figure(chart_call(notebook_view, ws, review), title="Own chart")
    assert figure.mime == "application/vnd.vegalite.v5+json" and figure.title == "Own chart"


def test_a_chart_calls_own_title_and_a_stuck_build(monkeypatch: pytest.MonkeyPatch) -> None:
    """A title given to ``as_figure`` is the image's alt text; a chart whose function never
    returns fails by name within the time limit, its drawing process is stopped, and the next
    report gets a new one."""
    import time

    from alliancekit.reporting import deferred
    from alliancekit.reporting.sections.base import chart_call
    from alliancekit.reporting.sections.charts import coverage_view

    ws = ak.load_workspace(DATA / "greenscape")
    nb = _signed_placeholder((chart_call(coverage_view, ws), "Who covers which gap"))
    assert deferred.ChartDrawer().finish(nb) == []
    assert 'alt="Who covers which gap"' in nb.cells[0].outputs[0]["data"]["text/html"]

    assert_stuck_then_replaced(
        monkeypatch,
        deferred.ChartDrawer(start=True),
        _signed_placeholder((chart_call(time.sleep, 600), None)),
        "“A chart” (not drawn in 1 s)",
        _signed_placeholder((chart_call(coverage_view, ws), None)),
    )


def test_a_pickled_workspace_leaves_its_built_tables_behind() -> None:
    """What a report kernel hands over with a chart call: the workspace's data, not the
    tables it built from them (rebuilt where they are needed)."""
    import pickle

    from alliancekit.reporting.deferred import _pickled, pack_call
    from alliancekit.reporting.sections.base import chart_call
    from alliancekit.reporting.sections.charts import coverage_view

    ws = ak.load_workspace(DATA / "greenscape")
    ws.candidates_frame()
    ws.coverage_frame()
    assert {"_candidates_frame", "_derived"} <= set(vars(ws))
    copy = pickle.loads(_pickled(ws))
    assert not {"_candidates_frame", "_derived"} & set(vars(copy))
    assert copy.candidates == ws.candidates and copy.kpis.equals(ws.kpis)
    assert copy.coverage_frame().equals(ws.coverage_frame())
    assert pack_call(chart_call(coverage_view, ws)) is None  # not a report kernel
