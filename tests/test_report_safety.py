"""Reports that never lose data and always end with their exit code (issue 14).

A fault-injection test kills a report run at every step of publishing (each rename, the clean-up,
the decision log, the index) and checks that the previous report survives and the next run is
clean; workspaces that map to one report folder are refused; formula text never reaches a CSV
cell; an infeasible re-plan is a finding; a kernel that cannot start, a fractional ``--timeout``,
a bug and ``--format json`` all end with their documented exit code and status.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import alliancekit as ak
from alliancekit import cli, reporting
from alliancekit.errors import DataValidationError, InternalError, ReportError
from alliancekit.reporting.files import read_csv, write_csv
from alliancekit.reporting.publish import publish, recover
from alliancekit.reporting.sections import replan, replanned_portfolio

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
FIXTURES = Path(__file__).resolve().parent / "notebooks"
OK = FIXTURES / "ok.ipynb"


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _leftovers(ws_root: Path) -> list[str]:
    return sorted(p.name for p in ws_root.iterdir() if p.name.startswith((".tmp-", ".old-")))


# -- publishing -------------------------------------------------------------------------------
def test_publish_failing_between_the_renames_puts_the_old_report_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    final, tmp = tmp_path / "2025-Q2", tmp_path / ".tmp-2025-Q2-x"
    final.mkdir()
    (final / "review.html").write_text("old")
    tmp.mkdir()
    (tmp / "review.html").write_text("new")
    real = os.replace
    calls = []

    def second_fails(a: object, b: object) -> None:
        calls.append((a, b))
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(a, b)

    monkeypatch.setattr(os, "replace", second_fails)
    with pytest.raises(OSError):
        publish(tmp, final)
    monkeypatch.setattr(os, "replace", real)
    assert (final / "review.html").read_text() == "old"


def test_recover_restores_a_report_left_aside_and_never_deletes_it(tmp_path: Path) -> None:
    """The issue: the stale-folder clean-up deleted the only copy."""
    aside = tmp_path / ".old-2025-Q2-abcd1234"
    aside.mkdir()
    (aside / "review.html").write_text("the only copy")
    (tmp_path / ".tmp-2025-Q2-ffff0000").mkdir()
    assert recover(tmp_path, "2025-Q2") == tmp_path / "2025-Q2"
    assert (tmp_path / "2025-Q2" / "review.html").read_text() == "the only copy"
    assert _leftovers(tmp_path) == []
    stale = tmp_path / ".old-2025-Q2-00000000"  # next to a published report: superseded
    stale.mkdir()
    assert recover(tmp_path, "2025-Q2") is None and _leftovers(tmp_path) == []


_KILLER = textwrap.dedent(
    """
    import os, shutil, sys
    from alliancekit import reporting
    step, counted = int(sys.argv[1]), [0]
    def killing(real):
        def call(*args, **kwargs):
            counted[0] += 1
            if counted[0] == step:
                os._exit(9)  # killed before this step is done
            return real(*args, **kwargs)
        return call
    def after_execution(*args, **kwargs):  # count only the publishing steps
        rows = real_collect(*args, **kwargs)
        os.replace = killing(os.replace)
        shutil.rmtree = killing(shutil.rmtree)
        return rows
    from alliancekit.reporting import run as run_module
    real_collect = run_module._execute_and_collect
    run_module._execute_and_collect = after_execution
    reporting.run_report(sys.argv[2], out_dir=sys.argv[3], notebook=sys.argv[4], progress=False)
    """
)
#: The publishing steps, in order, each killed before it is done: 1 summary.csv into the temp
#: folder, 2 the old report aside, 3 the new one into place (a kill here is between the two
#: renames), 4 the old one deleted, 5 the decision log, 6 the index; 7: no kill at all.
STEPS = range(1, 8)


@pytest.mark.notebook
@pytest.mark.slow
def test_a_run_killed_at_any_step_of_publishing_loses_nothing(tmp_path: Path) -> None:
    """Each step of publishing killed in turn (a subprocess ``os._exit`` before it): the
    previous report survives (in place, or set aside for the next run to restore), and the next
    run publishes cleanly with one set of decision-log rows for the period."""
    ws = tmp_path / "greenscape"
    shutil.copytree(DATA / "greenscape", ws)
    base = tmp_path / "base"
    first = reporting.run_report(ws, out_dir=base, notebook=OK, progress=False)
    previous = _tree(first.folder)
    n_rows = len(read_csv(first.decision_log))
    for step in STEPS:
        out = tmp_path / f"kill-{step}"
        shutil.copytree(base, out)
        proc = subprocess.run(
            [sys.executable, "-c", _KILLER, str(step), str(ws), str(out), str(OK)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == (0 if step == 7 else 9), proc.stderr[-2000:]
        ws_root = out / "greenscape"
        folder = ws_root / first.period
        candidates = [folder] if folder.exists() else list(ws_root.glob(f".old-{first.period}-*"))
        kept = [_tree(c) for c in candidates]
        if step <= 3:  # before the new report is in place: the previous one, untouched
            assert kept and kept[0] == previous, step
        else:  # the new report is in place and complete
            assert folder.is_dir() and set(_tree(folder)) == set(previous), step
        if not folder.exists():  # killed between the two renames: restored, never deleted
            assert step == 3 and recover(ws_root, first.period) == folder
            assert _tree(folder) == previous
        run = reporting.run_report(ws, out_dir=out, notebook=OK, progress=False)
        assert _leftovers(ws_root) == [], step
        assert set(_tree(run.folder)) == set(previous)
        assert len(read_csv(run.decision_log)) == n_rows, step
        assert "review.html" in (out / "index.html").read_text("utf-8")


# -- one workspace per report folder ----------------------------------------------------------
@pytest.mark.notebook
@pytest.mark.slow
def test_workspaces_mapping_to_one_folder_never_share_it(tmp_path: Path) -> None:
    """``acme corp`` and ``acme-corp`` (and ``gs/``, ``gs.xlsx``) once overwrote each other."""
    one, two = tmp_path / "acme corp", tmp_path / "acme-corp"
    shutil.copytree(DATA / "greenscape", one)
    shutil.copytree(DATA / "greenscape", two)
    out = tmp_path / "out"
    run = reporting.run_report(one, out_dir=out, notebook=OK, progress=False)
    before = _tree(run.folder)
    with pytest.raises(DataValidationError) as info:
        reporting.run_report(two, out_dir=out, notebook=OK, progress=False)
    message = str(info.value)
    assert str(one) in message and str(two) in message and "same folder 'acme-corp'" in message
    assert _tree(run.folder) == before
    assert reporting.run_report(one, out_dir=out, notebook=OK, progress=False).folder == run.folder
    book = ak.save_workspace(ak.sample_workspace("greenscape"), tmp_path / "acme-corp.xlsx")
    batch = reporting.run_reports([one, book], out_dir=out, notebook=OK, progress=False)
    assert [r.workspace for r in batch.runs] == ["acme-corp"]
    ((path, err),) = batch.failures
    assert path == str(book) and isinstance(err, DataValidationError)
    assert f"{one} and {book} would publish into the same report folder" in str(err)


# -- CSV --------------------------------------------------------------------------------------
def test_summary_and_decision_log_cells_never_start_a_formula(tmp_path: Path) -> None:
    rows = [
        {"alliance_id": "=1+1", "partner_name": '=HYPERLINK("http://x","x")', "H": -3.5,
         "decision": "EXIT", "rationale": "@SUM(A1)", "rules_fired": ["-x", "+y"]},
    ]  # fmt: skip
    log = tmp_path / "decisions.csv"
    reporting.publish.upsert_decisions(log, "2025-Q2", rows, "r.html", "t")
    reporting.publish.upsert_decisions(log, "2025-Q3", rows, "r.html", "t")  # read back, kept
    text = log.read_text("utf-8")
    for bad in (",=", ",@", ",+", ',"=', "\n="):
        assert bad not in text, bad
    back = read_csv(log)
    assert [r["partner_name"] for r in back] == [rows[0]["partner_name"]] * 2
    assert back[0]["H"] == "-3.5" and back[0]["rules_fired"] == "-x;+y"
    write_csv(tmp_path / "s.csv", ["H", "name"], [{"H": -1e-3, "name": "-1e-3"}])
    assert (tmp_path / "s.csv").read_text().splitlines()[1] == "-0.001,'-1e-3"


# -- infeasible re-plan -----------------------------------------------------------------------
def _no_budget() -> ak.Workspace:
    ws = ak.sample_workspace("greenscape")
    org = dataclasses.replace(ws.organization, budget_annual=0.0, budget_one_off=0.0)
    return dataclasses.replace(ws, organization=org)


def test_an_infeasible_replan_is_a_finding_with_what_to_relax() -> None:
    ws = _no_budget()
    review = ak.review_alliances(ws)
    plan, infeasible = replan(ws, review)
    assert plan is None and infeasible is not None
    html = replanned_portfolio(ws, plan, infeasible)._repr_html_()
    assert "Finding: no portfolio satisfies every constraint" in html
    assert "Annual budget" in html and "The review of the existing alliances above stands" in html
    plan, infeasible = replan(ak.sample_workspace("greenscape"), ak.review_alliances(
        ak.sample_workspace("greenscape")))  # fmt: skip
    assert plan is not None and infeasible is None


@pytest.mark.notebook
@pytest.mark.slow
def test_a_quarter_with_an_infeasible_replan_still_gets_its_report(tmp_path: Path) -> None:
    ws = ak.save_workspace(_no_budget(), tmp_path / "nobudget")
    code = cli.main(["report", str(ws), "--out", str(tmp_path / "out")])
    assert code == 0
    page = (tmp_path / "out" / "nobudget").glob("*/review.html")
    text = next(page).read_text("utf-8")
    assert "Finding: no portfolio satisfies every constraint" in text
    assert "Annual budget" in text and "13. Appendix" in text


# -- exit codes -------------------------------------------------------------------------------
@pytest.mark.notebook
def test_a_kernel_that_dies_at_start_up_is_a_report_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    spec = tmp_path / "jp" / "kernels" / "dies"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-c", "raise SystemExit(3)", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "dies",
                                                 "language": "python"}))  # fmt: skip
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jp"))
    with pytest.raises(ReportError) as info:
        reporting.run_report(DATA / "greenscape", out_dir=tmp_path / "out", notebook=OK,
                             kernel_name="dies", progress=False)  # fmt: skip
    assert info.value.exit_code == 4 and info.value.cell_index is None
    assert "the Jupyter kernel 'dies' could not start" in str(info.value)
    assert _leftovers(tmp_path / "out" / "greenscape") == []


def test_timeout_takes_fractional_seconds_and_refuses_nonsense(
    capsys: pytest.CaptureFixture,
) -> None:
    args = cli.build_parser().parse_args(["report", "greenscape", "--timeout", "90.5"])
    assert args.timeout == 90.5
    for bad in ("0", "-1", "nan", "inf", "soon"):
        assert cli.main(["report", "greenscape", "--timeout", bad]) == 2
        assert "--timeout" in capsys.readouterr().err


@pytest.mark.notebook
@pytest.mark.slow
def test_fractional_timeout_runs_a_report(tmp_path: Path) -> None:
    run = reporting.run_report(DATA / "greenscape", out_dir=tmp_path, notebook=OK,
                               timeout=90.5, progress=False)  # fmt: skip
    assert run.html.is_file()


def test_every_ending_has_its_exit_code_and_json_status(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    assert cli.main(["validate", str(tmp_path / "nope"), "--format", "json"]) == 2
    assert json.loads(capsys.readouterr().out)["status"] == "invalid"
    ws = ak.save_workspace(_no_budget(), tmp_path / "nobudget")
    assert cli.main(["select", str(ws), "--format", "json"]) == 3
    out = json.loads(capsys.readouterr().out)
    assert (out["status"], out["exit_code"], out["error"]["error"]) == (
        "infeasible",
        3,
        "InfeasiblePortfolioError",
    )
    assert cli.main(["score", "greenscape", "--format", "json", "--bogus"]) == 2
    assert json.loads(capsys.readouterr().out)["status"] == "invalid_input"

    def boom(*args: object, **kwargs: object) -> None:
        raise ValueError("a bug, not bad input")

    monkeypatch.setattr(ak.criteria, "score_partners", boom)
    assert cli.main(["score", "greenscape", "--format", "json"]) == 70
    captured = capsys.readouterr()
    assert json.loads(captured.out)["status"] == "internal_error"
    assert "internal error: ValueError: a bug, not bad input" in captured.err


def test_a_bug_in_one_report_of_a_batch_is_an_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise KeyError("bug")

    monkeypatch.setattr(reporting.batch, "run_report", boom)
    batch = reporting.run_reports([DATA / "greenscape"], out_dir=tmp_path, progress=False)
    ((_, err),) = batch.failures
    assert isinstance(err, InternalError) and err.exit_code == 70


def test_an_unwritable_report_folder_is_a_report_failure(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        out = tmp_path / "file-not-folder"
        out.write_text("x")  # even root cannot create a folder under a file
    else:  # pragma: no cover
        out = tmp_path / "ro"
        out.mkdir(mode=0o500)
    with pytest.raises(ReportError, match="cannot write the report"):
        reporting.run_report(DATA / "greenscape", out_dir=out, notebook=OK, progress=False)


def test_smaa_refuses_a_fractional_sample_count() -> None:
    from alliancekit.sensitivity import smaa

    ws = ak.sample_workspace("greenscape")
    frame = ak.score_partners(ws).details[["R", "e_npv"]]
    with pytest.raises(DataValidationError, match="n_samples must be a whole number"):
        smaa(frame, directions={"R": "cost", "e_npv": "benefit"}, n_samples=1.5)


def test_validate_refuses_what_the_report_refuses(tmp_path: Path) -> None:
    """A negative planned KPI passed ``validate`` and failed the report (exit 4)."""
    folder = tmp_path / "gs"
    shutil.copytree(DATA / "greenscape", folder)
    text = (folder / "kpis.csv").read_text("utf-8").splitlines()
    text[1] = text[1].replace(",30,29,", ",-30,29,")
    (folder / "kpis.csv").write_text("\n".join(text) + "\n", "utf-8")
    assert cli.main(["validate", str(folder)]) == 2
    assert cli.main(["report", str(folder), "--out", str(tmp_path / "out")]) == 2


# -- the sanitiser, in a browser --------------------------------------------------------------
PAYLOADS = [
    "<scr<script></script>ipt>window.__pwned=1</script>",
    '<img src="x" onerror="window.__pwned=2">',
    '<svg onload="window.__pwned=3"><rect/></svg>',
    '<a href="javascript:window.__pwned=4" id="jl">click</a>',
    '<iframe src="https://evil.example/"></iframe><object data="x"></object>',
    '<math><mi xlink:href="javascript:window.__pwned=5">m</mi></math>',
    '<details open ontoggle="window.__pwned=6"><summary>s</summary></details>',
    "<style>body{background:url(https://evil.example/x.png)}</style>",
    '<img src="https://evil.example/track.png">',
    '<form action="https://evil.example/"><input autofocus onfocus="window.__pwned=7"></form>',
    "<!--<script>window.__pwned=8</script>-->",
]


def test_sanitised_markup_is_inert() -> None:
    from alliancekit.reporting.page import sanitize_html

    out = sanitize_html("".join(PAYLOADS)).lower()
    for gone in ("<script", "onerror", "onload", "ontoggle", "onfocus", "javascript:", "<iframe",
                 "<object", "<style", "evil.example", "<form", "<input"):  # fmt: skip
        assert gone not in out, gone


@pytest.mark.browser
def test_nothing_in_a_hostile_report_runs_in_chromium(tmp_path: Path, launch_chromium) -> None:
    """Raw hostile markup as a notebook output (what a section that forgot to escape would
    emit): opened in headless Chromium, nothing runs, nothing is fetched."""
    import nbformat

    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": p, "text/plain": "p"})
        for p in PAYLOADS
    ]
    page_html = reporting.notebook_to_html(nbformat.v4.new_notebook(cells=[cell]), title="t")
    path = tmp_path / "review.html"
    path.write_text(page_html, "utf-8")
    dialogs: list[str] = []
    requests: list[str] = []
    with launch_chromium() as browser:
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on(
            "request",
            lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else 0,
        )
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_timeout(300)
        if page.locator("#jl").count():
            page.locator("#jl").click()
        page.wait_for_timeout(200)
        pwned = page.evaluate("window.__pwned || 0")
        scripts = page.eval_on_selector_all("script", "els => els.length")
    assert (pwned, scripts, dialogs, requests) == (0, 0, [], [])
