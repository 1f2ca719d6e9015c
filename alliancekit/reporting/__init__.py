"""Scheduled review reports: run the review notebook, publish self-contained HTML, log decisions.

``run_report`` executes ``notebooks/03_review_report.ipynb`` with papermill on a real Jupyter
kernel (the project's own Python, never a system one), converts the executed notebook to HTML
without code (figures embedded as ``data:`` URIs, no JavaScript, no CDN, a print stylesheet) and
publishes, per workspace and period::

    <out_dir>/<workspace>/<period>/review.html    self-contained report
                                   review.ipynb   the executed notebook
                                   results.json   result objects' ``to_dict()`` (saved by the
                                                  notebook itself through ``save_results``)
                                   summary.csv    one row per alliance: health, decision, rationale
    <out_dir>/<workspace>/decisions.csv           decision log, one row per alliance and period
    <out_dir>/index.html                          every report, newest first

One source for the numbers: the notebook displays the review and portfolio result objects and
saves the *same objects* with ``save_results``; ``summary.csv`` and the decision log are derived
from that ``results.json`` only, so HTML, JSON and CSV cannot disagree.

Safety: a run writes into a hidden temporary folder under ``<out_dir>/<workspace>/`` and renames
it into place only after every file is written; a failing cell, a dead kernel or a cell timeout
leaves the previous report untouched, keeps the partially executed notebook under
``<out_dir>/<workspace>/_failed/<period>-<UTC timestamp>.ipynb`` and raises ``ReportError``
(CLI exit 4). Runs of the same workspace and period are serialised by a lock file; the second
run waits up to ``lock_timeout`` seconds and then refuses with a ``ReportError`` naming the lock.

papermill, nbconvert and jupyter_client are imported lazily, inside the functions that need them.
"""

from __future__ import annotations

import contextlib
import csv
import html
import json
import os
import re
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from alliancekit.errors import AllianceKitError, ReportError
from alliancekit.results import Result, jsonable

__all__ = [
    "ReportBatch",
    "ReportFigure",
    "ReportRun",
    "ReportSection",
    "action_list",
    "appendix",
    "as_figure",
    "attainment_chart",
    "changes_since",
    "coverage_chart",
    "decision_rationale",
    "default_notebook",
    "execute_notebook",
    "executive_summary",
    "gives_and_gets",
    "health_chart",
    "health_table",
    "kpi_charts",
    "notebook_to_html",
    "perception_chart",
    "portfolio_overview",
    "previous_review",
    "refresh_index",
    "replanned_portfolio",
    "report_header",
    "risk_update",
    "run_report",
    "run_reports",
    "save_results",
    "scorecard",
    "spend_chart",
    "value_update",
]


def default_notebook() -> Path:
    """The review report notebook that ships with the package (``03_review_report.ipynb``)."""
    from alliancekit.resources import notebook_path

    return notebook_path("report")


_PERIOD_RE = re.compile(r"^\d{4}-Q[1-4]$")
#: Columns of ``summary.csv`` (review table columns, in this order, when present).
SUMMARY_COLUMNS = (
    "alliance_id",
    "partner_name",
    "H",
    "A_W",
    "trend",
    "VRR",
    "decision",
    "rules_fired",
    "rationale",
)
#: Columns of the decision log ``decisions.csv``.
DECISION_LOG_COLUMNS = (
    "period",
    "alliance_id",
    "partner_name",
    "decision",
    "H",
    "A_W",
    "trend",
    "rules_fired",
    "rationale",
    "report",
    "generated_at",
)
RESULTS_SCHEMA = "alliancekit.report-results/1"


# -- result objects -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportRun(Result):
    """One published review report.

    Attributes
    ----------
    workspace : str
        Workspace name (the folder name under ``out_dir``).
    workspace_path : Path
        Workspace folder or workbook the report was built from.
    period : str
        Reviewed period ``YYYY-Qn`` (``"latest"`` already resolved).
    previous_period : str or None
        Period the "changes since the previous report" section compares against.
    folder : Path
        ``<out_dir>/<workspace>/<period>/``.
    html, notebook, results_json, summary_csv : Path
        ``review.html``, ``review.ipynb``, ``results.json``, ``summary.csv`` in ``folder``.
    decision_log : Path
        ``<out_dir>/<workspace>/decisions.csv``.
    index : Path
        ``<out_dir>/index.html``.
    decisions : dict
        alliance_id -> decision value (``"GROW"``, ``"MAINTAIN"``, ``"RESTRUCTURE"``, ``"EXIT"``).
    generated_at : str
        UTC time the run finished (ISO 8601).
    duration_s : float
        Wall time of the whole run [s].
    """

    workspace: str
    workspace_path: Path
    period: str
    previous_period: str | None
    folder: Path
    html: Path
    notebook: Path
    results_json: Path
    summary_csv: Path
    decision_log: Path
    index: Path
    decisions: dict[str, str] = field(default_factory=dict)
    generated_at: str = ""
    duration_s: float = 0.0

    title = "Review report"

    def to_frame(self) -> pd.DataFrame:
        """One row per alliance: its decision."""
        frame = pd.DataFrame(
            {"decision": pd.Series(self.decisions, dtype="object")}, columns=["decision"]
        )
        frame.index.name = "alliance_id"
        return frame

    def summary(self) -> str:
        """Where the report went and the decision counts."""
        counts: dict[str, int] = {}
        for value in self.decisions.values():
            counts[value] = counts.get(value, 0) + 1
        tally = ", ".join(f"{n} {d}" for d, n in _decision_order(counts)) or "no alliances"
        return f"{self.workspace} {self.period}: {self.html} ({tally}; {self.duration_s:.1f} s)"


@dataclass(frozen=True)
class ReportBatch(Result):
    """Outcome of ``run_reports``: the reports published and the runs that failed.

    Attributes
    ----------
    runs : tuple of ReportRun
        Successful runs, in the order the workspaces were given.
    failures : tuple of (str, AllianceKitError)
        (workspace path, error) for each failed run, in the order given.
    jobs : int
        Number of parallel worker processes used.
    duration_s : float
        Wall time of the whole batch [s].
    """

    runs: tuple[ReportRun, ...]
    failures: tuple[tuple[str, AllianceKitError], ...] = ()
    jobs: int = 1
    duration_s: float = 0.0

    title = "Review reports"

    @property
    def ok(self) -> bool:
        """True when every report was published."""
        return not self.failures

    def to_frame(self) -> pd.DataFrame:
        """One row per workspace: period, status, html path or error."""
        rows = [
            {
                "workspace": r.workspace,
                "period": r.period,
                "status": "ok",
                "detail": str(r.html),
                "duration_s": r.duration_s,
            }
            for r in self.runs
        ]
        rows += [
            {
                "workspace": path,
                "period": getattr(err, "extra", {}).get("period", ""),
                "status": "failed",
                "detail": str(err),
                "duration_s": float("nan"),
            }
            for path, err in self.failures
        ]
        return pd.DataFrame(rows, columns=["workspace", "period", "status", "detail", "duration_s"])

    def summary(self) -> str:
        """One line per report and failure."""
        lines = [r.summary() for r in self.runs]
        lines += [f"FAILED {path}: {err}" for path, err in self.failures]
        lines.append(f"{len(self.runs)} ok, {len(self.failures)} failed in {self.duration_s:.1f} s")
        return "\n".join(lines)


# -- results.json: written from inside the notebook -------------------------------------------
def save_results(path: str | os.PathLike[str] | None, **results: Any) -> Path | None:
    """Save result objects as JSON (``results.json`` of a report).

    Called from the report notebook with the very objects it displays, so the numbers in the
    HTML and in ``results.json`` come from the same objects. Each value is stored as its
    ``to_dict()`` when it has one, else converted with ``alliancekit.results.jsonable``.

    Parameters
    ----------
    path : path or None
        Target file. ``None`` or ``""`` saves nothing (interactive use of the notebook).
    **results
        name -> result object (``review=...``, ``plan=...``) or any JSON-able value.
        A ``review`` entry must provide a table with one row per alliance (``alliance_id``,
        ``decision``, ...): the runner derives ``summary.csv`` and the decision log from it.

    Returns
    -------
    Path or None
        The file written (atomically: temp file + rename), or None when ``path`` is empty.
    """
    if path is None or str(path) == "":
        return None
    from alliancekit import __version__

    payload = {
        "schema": RESULTS_SCHEMA,
        "alliancekit_version": __version__,
        "saved_at": _utc_now(),
        "results": {name: _to_jsonable(value) for name, value in results.items()},
    }
    target = Path(path)
    _atomic_write_text(target, json.dumps(payload, indent=1, ensure_ascii=False, allow_nan=False))
    return target


def _to_jsonable(value: Any) -> Any:
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict) and not isinstance(value, (pd.DataFrame, pd.Series)):
        return jsonable(to_dict())
    return jsonable(value)


# -- notebook execution ------------------------------------------------------------------------
@cache
def _project_kernel_manager() -> type:
    """An ``AsyncKernelManager`` whose ``python3`` kernel is always this interpreter.

    jupyter_client looks kernel specs up in the user's data dir before the environment's, so a
    ``python3`` kernel registered for some other Python would otherwise win. For the kernel name
    ``python3`` this manager builds the spec itself: ``sys.executable -m ipykernel_launcher``,
    i.e. the project's virtual environment when the runner runs from it. Other kernel names go
    through the normal lookup.
    """
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class ProjectKernelManager(AsyncKernelManager):
        # Unix sockets in a private 0700 temp folder instead of loopback TCP ports: no port
        # races between parallel runs, nothing other users can reach, and an absolute path so
        # the kernel may run in another working directory.
        @default("transport")
        def _transport_default(self) -> str:
            return "ipc" if os.name == "posix" else "tcp"

        @default("ip")
        def _ip_default(self) -> str:
            if self.transport != "ipc":
                return super()._ip_default()
            self._ipc_dir = tempfile.mkdtemp(prefix="alliancekit-kernel-")
            return os.path.join(self._ipc_dir, "ipc")

        async def _async_cleanup_resources(self, restart: bool = False) -> None:
            await super()._async_cleanup_resources(restart=restart)
            ipc_dir = getattr(self, "_ipc_dir", None)
            if ipc_dir and not restart:
                shutil.rmtree(ipc_dir, ignore_errors=True)

        cleanup_resources = _async_cleanup_resources

        async def _async_interrupt_kernel(self) -> None:
            # jupyter_client interrupts (SIGINT) before every shutdown request; a kernel that
            # is between messages then logs a spurious "KeyboardInterrupt caught in kernel".
            # Shutdown goes over the control channel, which ipykernel serves even while a cell
            # runs, and SIGTERM/SIGKILL follow if it does not stop: skip the interrupt then.
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

        interrupt_kernel = _async_interrupt_kernel

        @property
        def kernel_spec(self) -> KernelSpec | None:
            if self._kernel_spec is None and self.kernel_name == "python3":
                self._kernel_spec = KernelSpec(
                    argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                    name="python3",
                    display_name=f"Python 3 ({sys.prefix})",
                    language="python",
                    resource_dir="",
                )
            return super().kernel_spec

    return ProjectKernelManager


@cache
def _engine_name() -> str:
    """Register (once) and name a papermill engine that writes the notebook once, at the end.

    papermill's default engine rewrites the whole output notebook (validated JSON) before and
    after every cell; with embedded figures that is quadratic and took longer than the cells
    themselves. This engine defers every save to ``notebook_complete``, which papermill calls
    in a ``finally`` block, so a failing cell, a dead kernel or a timeout still leaves the
    partially executed notebook on disk.
    """
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    class _SaveAtEndManager(NotebookExecutionManager):
        _final = False

        def save(self, **kwargs: Any) -> None:
            if not self._final:
                return
            if self.output_path is None or "://" in str(self.output_path):
                super().save(**kwargs)  # pragma: no cover - papermill's remote I/O
                return
            # papermill's save validates the whole notebook against the schema first (~20 ms
            # for a report); the notebook was valid when read and cells only gained outputs
            import nbformat

            Path(self.output_path).write_text(nbformat.v4.writes(self.nb) + "\n", encoding="utf-8")

        def notebook_complete(self, **kwargs: Any) -> None:
            self._final = True
            super().notebook_complete(**kwargs)

    class _SaveAtEndEngine(NBClientEngine):
        @classmethod
        def execute_notebook(
            cls,
            nb: Any,
            kernel_name: str,
            output_path: str | None = None,
            progress_bar: bool = True,
            log_output: bool = False,
            autosave_cell_every: int = 30,
            **kwargs: Any,
        ) -> Any:
            nb_man = _SaveAtEndManager(
                nb,
                output_path=output_path,
                progress_bar=progress_bar,
                log_output=log_output,
                autosave_cell_every=autosave_cell_every,
            )
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

    papermill_engines.register("alliancekit", _SaveAtEndEngine)
    return "alliancekit"


def execute_notebook(
    notebook: str | os.PathLike[str],
    output: str | os.PathLike[str],
    parameters: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = 600.0,
    kernel_name: str = "python3",
    progress: bool = False,
    cwd: str | os.PathLike[str] | None = None,
) -> Path:
    """Execute a notebook with papermill on a real kernel, saving it to ``output``.

    Parameters
    ----------
    notebook : path
        Input notebook; its cell tagged ``parameters`` receives ``parameters``.
    output : path
        Where the executed notebook is written (also after a failure, partially executed).
    parameters : mapping, optional
        Values injected after the ``parameters`` cell (literals: str, int, float, bool, None,
        list, dict).
    timeout : float or None
        Per-cell time limit [s]; None waits forever.
    kernel_name : str
        ``"python3"`` (default) always means this interpreter (``sys.executable``) with
        ipykernel; other names are looked up as Jupyter kernel specs.
    progress : bool
        Show papermill's per-cell progress bar.
    cwd : path, optional
        Working directory of the kernel.

    Returns
    -------
    Path
        ``output``.

    Raises
    ------
    ReportError
        A cell raised (``cell_index``, ``ename``, ``evalue`` set), a cell exceeded ``timeout``,
        or the kernel died; ``notebook_path`` is the (partial) executed notebook.
        ``cell_index`` is papermill's 0-based index in the *executed* notebook, which holds
        the injected-parameters cell: cells after the ``parameters`` cell are one higher than
        in the source notebook. The message also names the execution count ``In [n]`` and
        the first line of the failing cell.
    """
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    if kernel_name == "python3":
        _check_ipykernel()
    src, out = Path(notebook), Path(output)
    if not src.is_file():
        raise ReportError(f"report notebook not found: {src}")
    try:
        papermill.execute_notebook(
            str(src),
            str(out),
            parameters=dict(parameters or {}),
            kernel_name=kernel_name,
            progress_bar=progress,
            cwd=str(cwd) if cwd is not None else None,
            execution_timeout=timeout,
            kernel_manager_class=_project_kernel_manager(),
            engine_name=_engine_name(),
            start_timeout=120,
            # Every output has arrived when the last cell finishes, so the kernel is stopped at
            # once instead of by a shutdown request: a graceful shutdown waits for the kernel's
            # interpreter to tear down (pandas, matplotlib, scipy loaded), ~0.3 s per report.
            shutdown_kernel="immediate",
        )
    except PapermillExecutionError as exc:
        raise ReportError(
            f"notebook {src.name} failed in cell {exc.cell_index} (In [{exc.exec_count}]: "
            f"{_first_line(exc.source)})",
            cell_index=exc.cell_index,
            notebook_path=out,
            ename=exc.ename,
            evalue=exc.evalue,
            extra={"traceback": _strip_ansi("\n".join(exc.traceback or []))},
        ) from None
    except CellTimeoutError as exc:
        index, source = _running_cell(out)
        raise ReportError(
            f"notebook {src.name} timed out after {timeout} s in cell {index} "
            f"({_first_line(source)})",
            cell_index=index,
            notebook_path=out,
            ename="CellTimeoutError",
            evalue=_first_line(str(exc)),
        ) from None
    except DeadKernelError as exc:
        index, source = _running_cell(out)
        raise ReportError(
            f"the kernel died while running cell {index} of {src.name} ({_first_line(source)})",
            cell_index=index,
            notebook_path=out,
            ename="DeadKernelError",
            evalue=_first_line(str(exc)),
        ) from None
    return out


def _check_ipykernel() -> None:
    import importlib.util

    if importlib.util.find_spec("ipykernel") is None:  # pragma: no cover - broken install
        raise ReportError(
            f"ipykernel is not installed for {sys.executable}; install the project's "
            "dependencies (make install) and run alliancekit from its environment"
        )


def _running_cell(path: Path) -> tuple[int | None, str]:
    """Index and source of the last cell papermill started in a partially executed notebook.

    papermill stamps ``metadata.papermill.start_time`` when a cell starts; cells after the one
    that hung or killed the kernel were never started.
    """
    import nbformat

    try:
        nb = nbformat.read(str(path), as_version=4)
    except (OSError, ValueError):
        return None, ""
    found: tuple[int | None, str] = (None, "")
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("papermill", {})
        if cell.get("cell_type") == "code" and meta.get("start_time"):
            found = (index, cell.get("source", ""))
    return found


def _first_line(text: str, width: int = 80) -> str:
    for line in str(text).splitlines():
        if line.strip():
            line = line.strip()
            return line if len(line) <= width else line[: width - 1] + "…"
    return ""


_ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _strip_ansi(text: str) -> str:
    return _ANSI_RE.sub("", text)


# -- HTML ----------------------------------------------------------------------------------------
_SCRIPT_RE = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.IGNORECASE | re.DOTALL)
_EXTERNAL_LINK_RE = re.compile(
    r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>", re.IGNORECASE | re.DOTALL
)
_EXTERNAL_IFRAME_RE = re.compile(r"<iframe\b[^>]*>.*?</iframe\s*>", re.IGNORECASE | re.DOTALL)
_DROP_TAGS = {"parameters", "injected-parameters", "remove_cell", "remove-cell"}

_CSS = """
:root { --ink: #1d2327; --muted: #5f6b73; --rule: #d5dadd; --accent: #1f5f8b; }
html { font-size: 15px; }
body { font-family: "DejaVu Sans", "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  color: var(--ink); line-height: 1.45; max-width: 1100px; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.7rem; border-bottom: 3px solid var(--accent); padding-bottom: .3rem; }
h2 { font-size: 1.35rem; color: var(--accent); border-bottom: 1px solid var(--rule);
  margin-top: 2.2rem; padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin-top: 1.4rem; }
h4 { font-size: 1rem; margin: .8rem 0 .3rem; }
a.anchor-link { display: none; }
p, li { max-width: 75ch; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .85rem; }
th, td { border: 1px solid var(--rule); padding: .25rem .5rem; text-align: left;
  vertical-align: top; }
th { background: #f2f5f7; }
table.dataframe td { white-space: normal; }
.ak-section { overflow-x: auto; }
img { max-width: 100%; height: auto; display: block; margin: .5rem 0 1rem; }
pre { white-space: pre-wrap; font-size: .85rem; background: #f7f9fa; padding: .5rem;
  border: 1px solid var(--rule); }
.ak-report-meta { color: var(--muted); font-size: .85rem; }
.ak-decision-GROW { color: #1b7f3a; font-weight: bold; }
.ak-decision-MAINTAIN { color: #35586f; font-weight: bold; }
.ak-decision-RESTRUCTURE { color: #a86400; font-weight: bold; }
.ak-decision-EXIT { color: #b3261e; font-weight: bold; }
.ak-callout { border-left: 4px solid var(--accent); background: #f2f7fb; padding: .4rem .8rem;
  margin: .6rem 0; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  html { font-size: 10pt; }
  table { font-size: 8pt; }
  .ak-section { overflow: visible; }
  body { max-width: none; padding: 0; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  h2 { break-before: auto; }
  table, img, figure, .ak-callout, .alliancekit-result { break-inside: avoid;
    page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  .ak-no-print { display: none; }
}
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="alliancekit {version}">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
{body}
<hr>
<p class="ak-report-meta">{footer}</p>
</body>
</html>
"""


def notebook_to_html(notebook: str | os.PathLike[str] | Any, *, title: str | None = None) -> str:
    """Convert an executed notebook to a self-contained HTML page without code.

    Uses nbconvert's ``basic`` template (body only; no require.js, MathJax or widget CDN) with
    code inputs and prompts excluded, drops the parameter cells and stderr streams, embeds every
    figure as a ``data:`` URI (nbconvert's default for image outputs), removes every
    ``<script>`` element and any external ``<link>``/``<iframe>`` (the report needs no
    JavaScript and must open offline), and wraps the body in a page with its own screen and
    print stylesheet.

    Parameters
    ----------
    notebook : path or NotebookNode
        Executed notebook.
    title : str, optional
        Page title (HTML-escaped); default: the notebook file name.

    Returns
    -------
    str
        The HTML document.
    """
    import nbformat

    from alliancekit import __version__

    if isinstance(notebook, (str, os.PathLike)):
        text = Path(notebook).read_text(encoding="utf-8")
        # a v4 notebook (what papermill writes) is parsed without nbformat.read's schema
        # validation (~30 ms for a report); anything else goes through nbformat.reads
        data = json.loads(text)
        if isinstance(data, dict) and data.get("nbformat") == 4:
            nb = nbformat.v4.to_notebook_json(data)
        else:
            nb = nbformat.reads(text, as_version=4)
        default_title = Path(notebook).stem
    else:
        nb = nbformat.from_dict(json.loads(json.dumps(notebook)))
        default_title = "report"
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & _DROP_TAGS:
            continue
        if cell.get("cell_type") == "code":
            cell["outputs"] = [
                o
                for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
        cells.append(cell)
    nb.cells = cells
    body, _ = _html_exporter().from_notebook_node(nb)
    body = _strip_active_content(body)
    footer = f"Generated {html.escape(_utc_now())} by alliancekit {html.escape(__version__)}."
    return _PAGE.format(
        version=html.escape(__version__),
        title=html.escape(title or default_title),
        css=_CSS,
        body=body,
        footer=footer,
    )


@cache
def _html_exporter() -> Any:
    """The report's nbconvert exporter, made once per process (its Jinja templates compile once).

    nbconvert's ``HTMLExporter`` (``basic`` template: body only, no require.js, MathJax or widget
    CDN; code inputs and prompts excluded). Its ``from_notebook_node`` ends by re-parsing the
    whole page with BeautifulSoup only to add ``alt`` text to images that lack it and
    ``tabindex`` to JupyterLab-template cells (the ``basic`` template has none): that pass took
    longer than the conversion itself. This subclass skips it and adds the missing ``alt``
    text with a regular expression. If a future nbconvert renames the internals it relies on,
    it falls back to the unmodified exporter.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter

    class _ReportHTMLExporter(HTMLExporter):
        def from_notebook_node(  # type: ignore[override]
            self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any
        ) -> tuple[str, dict[str, Any]]:
            try:
                from nbconvert.filters.highlight import Highlight2HTML
                from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

                langinfo = nb.metadata.get("language_info", {})
                lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
                highlight = self.filters.get(
                    "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
                )
                resources = self._init_resources(resources)
                data_type = WidgetsDataTypeFilter(
                    notebook_metadata=self._nb_metadata, parent=self, resources=resources
                )
            except (ImportError, AttributeError):  # pragma: no cover - other nbconvert versions
                return super().from_notebook_node(nb, resources, **kw)
            self.register_filter("highlight_code", highlight)
            self.register_filter("filter_data_type", data_type)
            body, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _IMG_NO_ALT_RE.sub('<img alt="figure" ', body), resources

    return _ReportHTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
    )


_IMG_NO_ALT_RE = re.compile(r"<img\b(?![^>]*\balt\s*=)\s*", re.IGNORECASE)


def _strip_active_content(body: str) -> str:
    """Remove scripts and external references so the page renders offline and runs no code."""
    body = _SCRIPT_RE.sub("", body)
    body = _EXTERNAL_LINK_RE.sub("", body)
    return _EXTERNAL_IFRAME_RE.sub("", body)


# -- run one report -------------------------------------------------------------------------------
def run_report(
    workspace: str | os.PathLike[str],
    period: str = "latest",
    out_dir: str | os.PathLike[str] = "reports",
    previous_period: str | None = None,
    policy: Mapping[str, Any] | Any | None = None,
    notebook: str | os.PathLike[str] | None = None,
    timeout: float | None = 600.0,
    kernel_name: str = "python3",
    progress: bool = True,
    lock_timeout: float = 600.0,
) -> ReportRun:
    """Run the review report for one workspace and period and publish it under ``out_dir``.

    Parameters
    ----------
    workspace : path
        Workspace folder or ``.xlsx`` workbook.
    period : str
        ``YYYY-Qn`` or ``"latest"`` (resolved to the workspace's latest KPI period, so folder
        names are always real periods).
    out_dir : path
        Reports root (``reports/``).
    previous_period : str, optional
        Period for "changes since the previous report". Default: the KPI period just before
        ``period`` (None when there is none). The comparison is recomputed from the data, so
        it does not depend on which reports happen to exist on disk.
    policy : mapping or ReviewPolicy, optional
        Review policy overrides (field name -> value), injected as the notebook's ``policy``.
    notebook : path, optional
        Report notebook; default ``notebooks/03_review_report.ipynb``.
    timeout : float or None
        Per-cell time limit [s].
    kernel_name : str
        Jupyter kernel; ``"python3"`` is this interpreter (see ``execute_notebook``).
    progress : bool
        Show papermill's per-cell progress bar.
    lock_timeout : float
        How long to wait for another run of the same workspace and period [s]; 0 refuses at once.

    Returns
    -------
    ReportRun

    Raises
    ------
    ReportError
        The notebook failed (the previous report is untouched; the failed notebook is kept
        under ``<out_dir>/<workspace>/_failed/``), or the lock could not be taken in time.
    DataValidationError, ValueError
        The workspace is invalid or the period is unknown (CLI exit 2).

    Side effects
    ------------
    Writes the report folder, upserts ``decisions.csv``, rewrites ``<out_dir>/index.html``.
    """
    from alliancekit.workspace import load_workspace, resolve_workspace_path

    started = time.perf_counter()
    ws_path = resolve_workspace_path(workspace).resolve()
    ws = load_workspace(ws_path)
    ws_name = _safe_name(ws.name or ws_path.stem)
    period_r, previous_r = _resolve_periods(ws, period, previous_period, ws_path)
    nb_path = Path(notebook) if notebook is not None else default_notebook()
    if not nb_path.is_file():  # before any folder or lock file is created
        raise ReportError(f"report notebook not found: {nb_path}", workspace=ws_name)
    out_root = Path(out_dir).resolve()
    ws_root = out_root / ws_name
    ws_root.mkdir(parents=True, exist_ok=True)
    final = ws_root / period_r

    with _exclusive_lock(
        ws_root / f".{period_r}.lock", lock_timeout, f"report {ws_name} {period_r}"
    ):
        # leftovers of a run that was killed outright (we hold the period's lock, so no live
        # run owns them)
        for stale in [*ws_root.glob(f".tmp-{period_r}-*"), *ws_root.glob(f".old-{period_r}-*")]:
            shutil.rmtree(stale, ignore_errors=True)
        tmp = ws_root / f".tmp-{period_r}-{uuid.uuid4().hex[:8]}"
        tmp.mkdir()
        try:
            executed = tmp / "review.ipynb"
            parameters = {
                "workspace": str(ws_path),
                "period": period_r,
                "previous_period": previous_r,
                "policy": _policy_overrides(policy),
                "results_path": str(tmp / "results.json"),
            }
            try:
                execute_notebook(
                    nb_path,
                    executed,
                    parameters,
                    timeout=timeout,
                    kernel_name=kernel_name,
                    progress=progress,
                    cwd=tmp,
                )
            except ReportError as exc:
                kept = _keep_failed(executed, ws_root, period_r)
                exc.workspace = ws_name
                exc.notebook_path = kept
                exc.extra = {**exc.extra, "period": period_r}
                raise
            results = _read_results(tmp / "results.json", ws_name, period_r, executed, ws_root)
            review_rows = _review_rows(results, ws, ws_name, period_r, executed, ws_root)
            title = f"Alliance review: {ws.organization.name}, {period_r}"
            (tmp / "review.html").write_text(notebook_to_html(executed, title=title), "utf-8")
            _write_csv(tmp / "summary.csv", SUMMARY_COLUMNS, review_rows)
            _publish(tmp, final)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)

    generated = _utc_now()
    log = ws_root / "decisions.csv"
    with _exclusive_lock(ws_root / ".decisions.lock", lock_timeout, f"decision log {ws_name}"):
        _upsert_decisions(log, period_r, review_rows, f"{period_r}/review.html", generated)
    index = refresh_index(out_root, lock_timeout=lock_timeout)
    return ReportRun(
        workspace=ws_name,
        workspace_path=ws_path,
        period=period_r,
        previous_period=previous_r,
        folder=final,
        html=final / "review.html",
        notebook=final / "review.ipynb",
        results_json=final / "results.json",
        summary_csv=final / "summary.csv",
        decision_log=log,
        index=index,
        decisions={str(r["alliance_id"]): str(r["decision"]) for r in review_rows},
        generated_at=generated,
        duration_s=time.perf_counter() - started,
    )


def _resolve_periods(
    ws: Any, period: str, previous: str | None, ws_path: Path
) -> tuple[str, str | None]:
    periods = list(ws.periods())
    if str(period).strip().lower() == "latest":
        latest = ws.latest_period()
        if latest is None:
            raise AllianceKitError(f"{ws_path}: no KPI data, so there is no 'latest' period")
        period = latest
    period = str(period).strip().upper()
    if not _PERIOD_RE.match(period):
        raise AllianceKitError(f"period must be YYYY-Qn or 'latest', got {period!r}")
    if period not in periods:
        known = ", ".join(periods[-6:]) or "none"
        raise AllianceKitError(
            f"{ws_path}: no KPI data for period {period} (latest periods: {known})"
        )
    if previous is None:
        earlier = [p for p in periods if _period_tuple(p) < _period_tuple(period)]
        return period, (earlier[-1] if earlier else None)
    previous = str(previous).strip().upper()
    if not _PERIOD_RE.match(previous):
        raise AllianceKitError(f"previous period must be YYYY-Qn, got {previous!r}")
    if _period_tuple(previous) >= _period_tuple(period):
        raise AllianceKitError(f"previous period {previous} is not before {period}")
    return period, previous


def _period_tuple(period: str) -> tuple[int, int]:
    year, quarter = period.split("-Q")
    return int(year), int(quarter)


def _policy_overrides(policy: Mapping[str, Any] | Any | None) -> dict[str, Any]:
    """Policy overrides as a dict of JSON literals (papermill injects them as Python literals)."""
    if policy is None:
        return {}
    if is_dataclass(policy) and not isinstance(policy, type):
        policy = {f.name: getattr(policy, f.name) for f in fields(policy)}
    if not isinstance(policy, Mapping):
        raise TypeError(f"policy must be a mapping or a ReviewPolicy, not {type(policy).__name__}")
    return {str(k): jsonable(v) for k, v in policy.items()}


def _keep_failed(executed: Path, ws_root: Path, period: str) -> Path | None:
    """Move a failed, partially executed notebook to ``_failed/<period>-<timestamp>.ipynb``."""
    if not executed.exists():
        return None
    failed = ws_root / "_failed"
    failed.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = failed / f"{period}-{stamp}.ipynb"
    n = 1
    while target.exists():
        n += 1
        target = failed / f"{period}-{stamp}-{n}.ipynb"
    shutil.move(str(executed), str(target))
    return target


def _fail_after_run(
    message: str, ws_name: str, period: str, executed: Path, ws_root: Path
) -> ReportError:
    kept = _keep_failed(executed, ws_root, period)
    return ReportError(message, workspace=ws_name, notebook_path=kept, extra={"period": period})


def _read_results(
    path: Path, ws_name: str, period: str, executed: Path, ws_root: Path
) -> dict[str, Any]:
    if not path.is_file():
        raise _fail_after_run(
            "the notebook ran but saved no results.json (it must call "
            "alliancekit.reporting.save_results(results_path, review=...))",
            ws_name,
            period,
            executed,
            ws_root,
        )
    payload = json.loads(path.read_text("utf-8"))
    return payload.get("results", {})


def _review_rows(
    results: Mapping[str, Any],
    ws: Any,
    ws_name: str,
    period: str,
    executed: Path,
    ws_root: Path,
) -> list[dict[str, Any]]:
    """Rows of the saved review table, with partner names from the workspace."""
    review = results.get("review")
    table = review.get("table") if isinstance(review, Mapping) else None
    if not isinstance(table, list) or any(
        not isinstance(r, Mapping) or "alliance_id" not in r or "decision" not in r for r in table
    ):
        raise _fail_after_run(
            "results.json has no review table with alliance_id and decision per row",
            ws_name,
            period,
            executed,
            ws_root,
        )
    saved_period = review.get("period")
    if saved_period is not None and str(saved_period) != period:
        raise _fail_after_run(
            f"the notebook reviewed period {saved_period}, not the requested {period}",
            ws_name,
            period,
            executed,
            ws_root,
        )
    names = {a.alliance_id: a.partner_name for a in ws.alliances}
    rows = []
    for rec in table:
        row = dict(rec)
        row.setdefault("partner_name", names.get(str(rec["alliance_id"]), ""))
        rules = row.get("rules_fired")
        if isinstance(rules, (list, tuple)):
            row["rules_fired"] = ";".join(str(r) for r in rules)
        rows.append(row)
    return rows


def _publish(tmp: Path, final: Path) -> None:
    """Move the finished temp folder into place, replacing an older report of the period.

    The old folder is first renamed aside and deleted only after the new one is in place, so
    at every moment either the old or the new complete report exists on disk (apart from the
    instant between the two renames, which happen under the period lock).
    """
    aside = None
    if final.exists():
        aside = final.with_name(f".old-{final.name}-{uuid.uuid4().hex[:8]}")
        os.replace(final, aside)
    try:
        os.replace(tmp, final)
    except OSError:
        if aside is not None:
            os.replace(aside, final)
        raise
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


# -- decision log and index ---------------------------------------------------------------------
def _csv_value(value: Any) -> Any:
    if isinstance(value, float):
        return f"{value:.6g}"
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    return value


def _write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: _csv_value(row.get(c)) for c in columns})
    os.replace(tmp, path)


def _upsert_decisions(
    log: Path, period: str, rows: Sequence[Mapping[str, Any]], report: str, generated: str
) -> None:
    """Replace the log's rows for ``period`` by ``rows`` (never duplicates), sorted by period."""
    kept: list[dict[str, Any]] = []
    if log.is_file():
        with log.open(newline="", encoding="utf-8") as fh:
            kept = [r for r in csv.DictReader(fh) if r.get("period") != period]
    new = [{**r, "period": period, "report": report, "generated_at": generated} for r in rows]
    merged = kept + new
    merged.sort(key=lambda r: (_period_sort(str(r.get("period", ""))), str(r.get("alliance_id"))))
    _write_csv(log, DECISION_LOG_COLUMNS, merged)


def _period_sort(period: str) -> tuple[int, int]:
    return _period_tuple(period) if _PERIOD_RE.match(period) else (0, 0)


def refresh_index(
    out_dir: str | os.PathLike[str] = "reports", *, lock_timeout: float = 60.0
) -> Path:
    """Rewrite ``<out_dir>/index.html`` listing every published report, newest first.

    Newest means the most recently generated (``results.json``'s save time), so a re-run of
    an old period moves to the top. Every name is HTML-escaped.

    Returns
    -------
    Path
        The index file.
    """
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    entries = []
    for html_path in root.glob("*/*/review.html"):
        folder = html_path.parent
        if folder.name.startswith((".", "_")) or folder.parent.name.startswith((".", "_")):
            continue
        saved, counts, org = "", {}, ""
        try:
            payload = json.loads((folder / "results.json").read_text("utf-8"))
            saved = str(payload.get("saved_at", ""))
            review = payload.get("results", {}).get("review", {})
            org = str(payload.get("results", {}).get("organization", "") or "")
            for row in review.get("table", []):
                d = str(row.get("decision"))
                counts[d] = counts.get(d, 0) + 1
        except (OSError, ValueError, AttributeError):
            saved = datetime.fromtimestamp(html_path.stat().st_mtime, UTC).isoformat()
        entries.append((saved, folder.parent.name, folder.name, org, counts))
    entries.sort(key=lambda e: (e[0], _period_sort(e[2])), reverse=True)
    rows = []
    for saved, ws_name, period, org, counts in entries:
        href = f"{ws_name}/{period}/review.html"
        tally = ", ".join(
            f'<span class="ak-decision-{html.escape(d)}">{n}&nbsp;{html.escape(d)}</span>'
            for d, n in _decision_order(counts)
        )
        rows.append(
            "<tr>"
            f'<td><a href="{html.escape(href, quote=True)}">{html.escape(ws_name)}</a></td>'
            f"<td>{html.escape(org)}</td><td>{html.escape(period)}</td>"
            f"<td>{tally}</td><td>{html.escape(saved)}</td>"
            f'<td><a href="{html.escape(ws_name, quote=True)}/decisions.csv">decisions.csv</a>'
            "</td></tr>"
        )
    body = (
        "<h1>Alliance review reports</h1>"
        f'<p class="ak-report-meta">{len(entries)} report(s), newest first.</p>'
        "<table><thead><tr><th>Workspace</th><th>Organization</th><th>Period</th>"
        "<th>Decisions</th><th>Generated (UTC)</th><th>Decision log</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    from alliancekit import __version__

    page = _PAGE.format(
        version=html.escape(__version__),
        title="Alliance review reports",
        css=_CSS,
        body=body,
        footer=f"Index refreshed {html.escape(_utc_now())}.",
    )
    target = root / "index.html"
    with _exclusive_lock(root / ".index.lock", lock_timeout, "report index"):
        _atomic_write_text(target, page)
    return target


# -- several reports ------------------------------------------------------------------------------
def run_reports(
    workspaces: Sequence[str | os.PathLike[str]],
    *,
    period: str = "latest",
    out_dir: str | os.PathLike[str] = "reports",
    previous_period: str | None = None,
    policy: Mapping[str, Any] | Any | None = None,
    notebook: str | os.PathLike[str] | None = None,
    timeout: float | None = 600.0,
    kernel_name: str = "python3",
    jobs: int = 1,
    progress: bool = True,
    lock_timeout: float = 600.0,
) -> ReportBatch:
    """Run ``run_report`` for several workspaces, ``jobs`` at a time in separate processes.

    A failing workspace does not stop the others: its error is collected in
    ``ReportBatch.failures``. ``progress`` shows one tqdm bar over the workspaces.

    Parameters
    ----------
    workspaces : sequence of path
        Workspace folders or workbooks.
    jobs : int
        Worker processes (``1`` runs in this process, one after another).
    progress : bool
        One tqdm bar over the workspaces (no per-cell bars).
    period, out_dir, previous_period, policy, notebook, timeout, kernel_name, lock_timeout
        As for ``run_report``.

    Returns
    -------
    ReportBatch
    """
    from tqdm.auto import tqdm

    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    started = time.perf_counter()
    paths = [str(w) for w in workspaces]
    kwargs = {
        "period": period,
        "out_dir": str(out_dir),
        "previous_period": previous_period,
        "policy": _policy_overrides(policy),
        "notebook": str(notebook) if notebook is not None else None,
        "timeout": timeout,
        "kernel_name": kernel_name,
        "progress": False,
        "lock_timeout": lock_timeout,
    }
    outcomes: dict[int, ReportRun | AllianceKitError] = {}
    bar = tqdm(total=len(paths), desc="reports", unit="report", disable=not progress)
    try:
        if jobs == 1 or len(paths) <= 1:
            for i, path in enumerate(paths):
                outcomes[i] = _run_one(path, kwargs)
                bar.update()
        else:
            from concurrent.futures import ProcessPoolExecutor, as_completed

            ctx = _worker_context()
            with ProcessPoolExecutor(max_workers=min(jobs, len(paths)), mp_context=ctx) as pool:
                futures = {pool.submit(_run_one, p, kwargs): i for i, p in enumerate(paths)}
                for fut in as_completed(futures):
                    i = futures[fut]
                    try:
                        outcomes[i] = fut.result()
                    except Exception as exc:  # a worker process died (crash, OOM kill)
                        outcomes[i] = ReportError(
                            f"the worker process running {paths[i]} failed: {exc!r}",
                            extra={"period": period},
                        )
                    bar.update()
    finally:
        bar.close()
    runs = tuple(o for _, o in sorted(outcomes.items()) if isinstance(o, ReportRun))
    failures = tuple(
        (paths[i], o) for i, o in sorted(outcomes.items()) if not isinstance(o, ReportRun)
    )
    return ReportBatch(
        runs=runs, failures=failures, jobs=jobs, duration_s=time.perf_counter() - started
    )


def _worker_context() -> Any:
    """Process start method for report workers.

    POSIX: a fork server that imports the runner's heavy modules (pandas, papermill, nbconvert)
    once; each worker is forked from that clean, single-threaded server, so workers neither
    re-import (about a second of CPU each) nor inherit this process's threads or sockets.
    Elsewhere: spawn.
    """
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(
            ["alliancekit.reporting", "alliancekit.workspace", "papermill", "nbconvert"]
        )
        return ctx
    return multiprocessing.get_context("spawn")


def _run_one(path: str, kwargs: Mapping[str, Any]) -> ReportRun | AllianceKitError:
    """Worker: one report; expected failures are returned (picklable), not raised."""
    try:
        return run_report(path, **kwargs)
    except AllianceKitError as exc:
        return exc
    except (OSError, ValueError) as exc:
        return AllianceKitError(f"{path}: {exc}")


# -- small utilities ----------------------------------------------------------------------------
_DECISION_ORDER = ("GROW", "MAINTAIN", "RESTRUCTURE", "EXIT")


def _decision_order(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """Decision counts GROW, MAINTAIN, RESTRUCTURE, EXIT first, anything else after."""
    rank = {d: i for i, d in enumerate(_DECISION_ORDER)}
    return sorted(counts.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _safe_name(name: str) -> str:
    """A workspace name usable as one folder name (no separators, no leading dot)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", str(name)).strip("-.")
    return cleaned or "workspace"


def _atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # never leave a half-written temp file behind
        raise


@contextlib.contextmanager
def _exclusive_lock(path: Path, timeout: float, what: str) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (waiting up to ``timeout`` s) or raise ReportError.

    POSIX: ``fcntl.flock`` on the lock file (released by the OS if the holder dies, so a
    crashed run never leaves a stale lock); the holder's pid is written into the file for the
    error message. Elsewhere: the ``filelock`` package.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        fcntl = None  # type: ignore[assignment]
    if fcntl is None:  # pragma: no cover - Windows
        import filelock

        lock = filelock.FileLock(str(path))
        try:
            lock.acquire(timeout=max(timeout, 0))
        except filelock.Timeout:
            raise ReportError(
                f"another run holds the lock for {what} ({path}); gave up after {timeout:g} s"
            ) from None
        try:
            yield
        finally:
            lock.release()
        return

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + max(timeout, 0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
                    raise ReportError(
                        f"another run holds the lock for {what} ({path}"
                        f"{'; ' + holder if holder else ''}); gave up after {timeout:g} s"
                    ) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"held by pid {os.getpid()} since {_utc_now()}".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# =================================================================================================
# Report sections: called one per cell by notebooks/03_review_report.ipynb (docs/method.md §5.7).
# Every function returns a display object whose HTML escapes all workspace text (partner, KPI and
# milestone names, comments), so untrusted text shows as text, never as markup.
# =================================================================================================
@dataclass(frozen=True)
class ReportSection:
    """A block of report HTML (already escaped) with a plain-text title."""

    title: str
    html: str

    def _repr_html_(self) -> str:
        return f'<div class="ak-section">{self.html}</div>'

    def __repr__(self) -> str:
        return f"<ReportSection {self.title!r}>"


@dataclass(frozen=True)
class ReportFigure:
    """A chart rendered once and shown as an embedded ``data:`` image.

    SVG by default, base64-encoded inside an ``<img>`` (never inline SVG markup): an image
    document cannot run scripts or inject markup into the page, so workspace text drawn in a
    figure (partner and KPI names) stays text even if it looks like HTML.
    """

    title: str
    data_base64: str
    mime: str = "image/svg+xml"

    def _repr_html_(self) -> str:
        alt = html.escape(self.title, quote=True)
        mime = html.escape(self.mime, quote=True)
        return (
            f'<figure class="ak-figure"><img alt="{alt}" '
            f'src="data:{mime};base64,{self.data_base64}"></figure>'
        )

    def __repr__(self) -> str:
        return f"<ReportFigure {self.title!r}>"


def as_figure(fig: Any, title: str | None = None, dpi: int = 80, fmt: str = "svg") -> ReportFigure:
    """Embed a chart in the report as a ``data:`` image.

    ``fig`` is an ``svgcharts.SvgChart`` (what the report draws: its SVG document is embedded
    as is) or a matplotlib ``Figure`` (for charts added to a custom report notebook).
    A matplotlib figure is rendered as SVG with text as ``<text>`` elements (``svg.fonttype``
    "none": half the size of outlined glyphs, sharp at any zoom and in print; the page names
    its font stack, DejaVu Sans first, so nothing is fetched), or with ``fmt="png"`` as a PNG
    at ``dpi``.
    """
    import base64

    from alliancekit.svgcharts import SvgChart

    if isinstance(fig, SvgChart):
        return ReportFigure(
            title=fig.title if title is None else title,
            data_base64=base64.b64encode(fig.svg.encode("utf-8")).decode("ascii"),
        )
    import io

    import matplotlib

    buf = io.BytesIO()
    if fmt == "svg":
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "alliancekit"}):
            fig.savefig(buf, format="svg", metadata={"Date": None})
        mime = "image/svg+xml"
    elif fmt == "png":
        fig.savefig(buf, format="png", dpi=dpi)
        mime = "image/png"
    else:
        raise ValueError(f"as_figure: fmt must be 'svg' or 'png', got {fmt!r}")
    if title is None:
        suptitle = getattr(fig, "_suptitle", None)
        axes = fig.get_axes()
        title = (suptitle.get_text() if suptitle is not None else "") or (
            axes[0].get_title() if axes else "figure"
        )
    return ReportFigure(
        title=title, data_base64=base64.b64encode(buf.getvalue()).decode("ascii"), mime=mime
    )


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _f(value: Any, spec: str = ",.1f", missing: str = "–") -> str:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return missing
    if x != x:  # NaN
        return missing
    return format(x, spec)


def _table(frame: pd.DataFrame, *, index: bool = True, floats: str = ",.2f") -> str:
    """DataFrame -> escaped HTML table (every cell text escaped by pandas)."""
    shown = frame.copy()
    for col in shown.columns:
        if shown[col].map(lambda v: isinstance(v, (tuple, list))).any():
            shown[col] = shown[col].map(
                lambda v: ", ".join(map(str, v)) if isinstance(v, (tuple, list)) else v
            )
    return shown.to_html(
        escape=True,
        index=index,
        na_rep="–",
        float_format=lambda x: format(x, floats),
        border=0,
        classes="ak-table",
    )


def _decision_span(decision: Any) -> str:
    d = _e(decision)
    return f'<span class="ak-decision-{d}">{d}</span>'


def _section(title: str, *parts: str) -> ReportSection:
    return ReportSection(title=title, html="".join(parts))


def _money(ws: Any) -> str:
    return ws.organization.money_label


def _objective_value(plan: Any) -> str:
    """The plan's reported objective with its unit: money, or points for a score objective."""
    unit = plan.money_label or "points (Σ partner score [0–100])"
    return f"{plan.objective_value:,.1f} {unit}"


def _counts_text(review: Any) -> str:
    counts = review.counts()
    return ", ".join(f"{n} {d}" for d, n in counts.items() if n) or "no alliances"


def report_header(ws: Any, review: Any, previous_period: str | None = None) -> ReportSection:
    """Title block: organization, review period, comparison period, money unit, alliances."""
    org = ws.organization
    prev = f"; compared with {_e(previous_period)}" if previous_period else ""
    return _section(
        "header",
        f"<h1>Alliance review {_e(review.period)}: {_e(org.name)}</h1>",
        f'<p class="ak-report-meta">Workspace <b>{_e(ws.name)}</b>; review period '
        f"<b>{_e(review.period)}</b>{prev}; {len(review.table)} existing alliance(s); money in "
        f"<b>{_e(_money(ws))}</b> (per year unless marked one-off); next review "
        f"{_e(_next_review(review))}.</p>",
    )


def _next_review(review: Any) -> str:
    if len(review.table) and "next_review" in review.table.columns:
        return str(review.table["next_review"].iloc[0])
    return "next quarter"


def _kept_cost(ws: Any, review: Any) -> float:
    return float(
        sum(
            ws.alliance(aid).cost_annual
            for aid, d in review.table["decision"].items()
            if d != "EXIT"
        )
    )


def executive_summary(ws: Any, review: Any, plan: Any = None) -> ReportSection:
    """§5.7 item 1: the decision per alliance, headline numbers, decisions for top management."""
    org = ws.organization
    money = _money(ws)
    t = review.table
    total_cost = float(sum(ws.alliance(aid).cost_annual for aid in t.index))
    v_hat = float(pd.to_numeric(t.get("V_hat"), errors="coerce").sum()) if len(t) else 0.0
    headline = [
        ("Alliances reviewed", f"{len(t)} ({_counts_text(review)})"),
        ("Annual cost of existing alliances", f"{total_cost:,.1f} {money}/yr"),
        ("Annual budget", f"{org.budget_annual:,.1f} {money}/yr"),
        (
            "Budget headroom after the decisions",
            f"{_f(review.headroom)} {money}/yr (budget − cost of alliances kept)",
        ),
        ("Re-forecast value V̂ of all alliances", f"{v_hat:,.1f} {money}/yr"),
        ("Mean health H", f"{_f(t['H'].mean())} /100" if len(t) else "–"),
        ("Mean window attainment A_W", f"{_f(100 * t['A_W'].mean(), '.0f')} % of plan"),
    ]
    if plan is not None:
        new = [p for p in plan.selected if p not in set(plan.kept)]
        headline.append(
            (
                "Re-planned portfolio",
                f"{len(new)} new partner(s) proposed ({', '.join(new) or 'none'}); "
                f"objective {plan.objective_name} {_objective_value(plan)}",
            )
        )
    rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in headline)
    decisions = []
    for aid, row in t.iterrows():
        decisions.append(
            f"<tr><td>{_e(aid)}</td><td>{_e(row['partner_name'])}</td>"
            f"<td>{_decision_span(row['decision'])}</td><td>{_f(row['H'])}</td>"
            f"<td>{_f(100 * row['A_W'], '.0f')}</td><td>{_e(row['rationale'])}</td></tr>"
        )
    asks = _management_asks(ws, review, plan)
    return _section(
        "executive summary",
        f'<table class="ak-table ak-headline"><tbody>{rows}</tbody></table>',
        "<h3>Decision per alliance</h3>",
        '<table class="ak-table"><thead><tr><th>Alliance</th><th>Partner</th><th>Decision</th>'
        "<th>Health H [0–100]</th><th>A_W [% of plan]</th><th>Rationale</th></tr></thead>"
        f"<tbody>{''.join(decisions)}</tbody></table>",
        "<h3>Decisions needed from top management</h3>",
        "<ul>" + "".join(f"<li>{a}</li>" for a in asks) + "</ul>"
        if asks
        else "<p>None: every alliance stays on its current terms.</p>",
    )


def _management_asks(ws: Any, review: Any, plan: Any) -> list[str]:
    money = _money(ws)
    asks = []
    for aid, row in review.table.iterrows():
        a = ws.alliance(aid)
        who = f"{_e(aid)} {_e(a.partner_name)}"
        sponsor = f" (sponsor: {_e(a.executive_sponsor)})" if a.executive_sponsor else ""
        if row["decision"] == "EXIT":
            notice = f"{a.notice_months}-month notice" if a.notice_months else "notice per contract"
            asks.append(
                f"<b>Approve the exit</b> from {who}{sponsor}: {_e(notice)}, exit cost "
                f"{_f(a.exit_cost)} {_e(money)} one-off; rules {_e(', '.join(row['rules_fired']))}."
            )
        elif row["decision"] == "RESTRUCTURE":
            asks.append(
                f"<b>Mandate a renegotiation</b> of {who}{sponsor}: rules "
                f"{_e(', '.join(row['rules_fired']))}; re-review in one quarter."
            )
        elif row["decision"] == "GROW":
            flags = ", ".join(row["flags"]) if row["flags"] else ""
            extra = f" — flags: {_e(flags)}" if flags else ""
            asks.append(
                f"<b>Approve growth</b> of {who}{sponsor} within the budget headroom of "
                f"{_f(review.headroom)} {_e(money)}/yr{extra}."
            )
    if plan is not None:
        new = [p for p in plan.selected if p not in set(plan.kept)]
        if new:
            asks.append(
                "<b>Approve negotiations</b> with the new partner(s) of the re-planned "
                f"portfolio: {_e(', '.join(new))} (section 10)."
            )
    return asks


def portfolio_overview(ws: Any, review: Any, plan: Any = None) -> ReportSection:
    """§5.7 item 2: count, spend vs budget, risk vs cap, concentration, conflicts."""
    org = ws.organization
    money = _money(ws)
    frame = ws.alliances_frame()
    frame = frame.loc[frame.index.isin(review.table.index)]  # the reviewed: not closed or future
    total = float(frame["cost_annual"].sum()) if len(frame) else 0.0
    kept = _kept_cost(ws, review)
    spend = pd.DataFrame(
        {
            f"amount [{money}/yr]": [total, kept, org.budget_annual],
            "share of budget [%]": [
                100 * total / org.budget_annual if org.budget_annual else float("nan"),
                100 * kept / org.budget_annual if org.budget_annual else float("nan"),
                100.0,
            ],
        },
        index=pd.Index(
            ["cost of all existing alliances", "cost of alliances kept", "annual budget"],
            name="spend",
        ),
    )
    parts = [
        f"<p>{len(frame)} existing alliance(s); annual spend {total:,.1f} {_e(money)}/yr of a "
        f"budget of {org.budget_annual:,.1f} {_e(money)}/yr; one-off budget for new alliances "
        f"{org.budget_one_off:,.1f} {_e(money)}.</p>",
        "<h3>Spend vs budget</h3>",
        _table(spend, floats=",.1f"),
    ]
    if plan is not None and len(plan.totals):
        risk_rows = [r for r in plan.totals.index if str(r).startswith(("average[", "each["))]
        if risk_rows:
            risk = plan.totals.loc[risk_rows, ["used", "cap", "slack"]].astype(float)
            risk.index.name = "risk limit (re-planned new partners) [0–1]"
            parts += ["<h3>Risk vs cap</h3>", _table(risk, floats=".3f")]
    conc = []
    for attr in ("relation", "form", "sector", "region"):
        if attr not in frame.columns or not len(frame):
            continue
        g = frame.groupby(frame[attr].astype(str))["cost_annual"].agg(["count", "sum"])
        g["share of spend [%]"] = 100 * g["sum"] / total if total else float("nan")
        g = g.rename(columns={"count": "alliances", "sum": f"cost [{money}/yr]"})
        g.index = [f"{attr}={v}" for v in g.index]
        conc.append(g)
    if conc:
        table = pd.concat(conc)
        table.index.name = "group"
        parts += [
            "<h3>Concentration by relation, form, sector and region</h3>",
            _table(table, floats=",.1f"),
        ]
    conflicts = [(aid, c) for aid in frame.index for c in ws.alliance(aid).conflicts_with if c]
    parts.append(
        "<h3>Conflicts</h3>"
        + (
            "<ul>"
            + "".join(f"<li>{_e(a)} conflicts with {_e(c)}</li>" for a, c in conflicts)
            + "</ul>"
            if conflicts
            else "<p>No declared conflicts between existing alliances.</p>"
        )
    )
    return _section("portfolio overview", *parts)


def spend_chart(ws: Any, review: Any) -> ReportFigure:
    """Annual cost of each existing alliance, coloured by decision, against the annual budget."""
    from alliancekit import svgcharts

    items = pd.DataFrame(
        {
            "cost_annual": [ws.alliance(a).cost_annual for a in review.table.index],
            "group": list(review.table["decision"]),
        },
        index=review.table.index,
    )
    fig = svgcharts.budget_bars(
        items,
        ws.organization.budget_annual,
        money_label=_money(ws),
        title="Annual spend of existing alliances vs budget",
    )
    return as_figure(fig)


def coverage_chart(ws: Any) -> ReportFigure:
    """Existing alliances (not closed) × capability gaps coverage [0–1], total vs required."""
    from alliancekit import svgcharts
    from alliancekit.model import AllianceStatus

    required = {g.gap_id: g.required for g in ws.organization.capability_gaps}
    cov = ws.alliance_coverage_frame()
    cov = cov.loc[[a.alliance_id for a in ws.alliances if a.status != AllianceStatus.CLOSED]]
    return as_figure(svgcharts.coverage_heatmap(cov, required=required))


def scorecard(ws: Any, review: Any) -> ReportSection:
    """§5.7 item 3: A_W, trend, VRR, milestones per alliance, and latest KPI plan vs actual."""
    t = review.table
    card = pd.DataFrame(index=t.index)
    card["partner"] = t["partner_name"]
    card["A_W [% of plan]"] = 100 * t["A_W"].astype(float)
    card["trend b [pts/qtr]"] = 100 * t["trend"].astype(float)
    card["trend"] = t["trend_label"]
    card["VRR [% of planned benefit]"] = 100 * t["VRR"].astype(float)
    card["milestones M [0–1]"] = t["M"].astype(float)
    card["quarters with data"] = t["quarters_with_data"]
    parts = [_table(card, floats=",.1f")]
    detail = review.kpi_detail.reset_index()
    latest = detail[detail["period"] == review.period]
    if len(latest):
        cols = [
            c
            for c in ("alliance_id", "kpi_id", "unit", "direction", "weight", "planned", "actual")
            if c in latest.columns
        ]
        kt = latest[cols].copy()
        kt["attainment [share of plan]"] = latest["attainment"].astype(float)
        kt["status"] = latest["status"]
        parts += [
            f"<h3>KPI plan vs actual in {_e(review.period)}</h3>",
            _table(kt.set_index(["alliance_id", "kpi_id"]), floats=",.2f"),
        ]
    ms = ws.milestones
    if ms is not None and len(ms):
        mt = ms[ms["alliance_id"].isin(t.index)].copy()
        if len(mt):
            mt = mt.set_index(["alliance_id", "milestone_id"])
            parts += ["<h3>Milestones and turning points</h3>", _table(mt)]
    return _section("scorecard", *parts)


def attainment_chart(review: Any) -> ReportFigure:
    """Sparklines of A_t per alliance with the EXIT / RESTRUCTURE / GROW thresholds."""
    from alliancekit import svgcharts

    p = review.policy
    fig = svgcharts.attainment_sparklines(
        review.attainment,
        thresholds={"exit": p.a_exit, "restructure": p.a_restr, "grow": p.a_grow},
        decisions=dict(review.table["decision"]),
    )
    return as_figure(fig)


def kpi_charts(review: Any) -> ReportSection:
    """KPI plan vs actual charts, one figure per alliance (embedded images)."""
    from alliancekit import svgcharts

    parts = []
    for aid in review.table.index:
        partner = review.table.loc[aid, "partner_name"]
        parts.append(f"<h4>{_e(aid)}: {_e(partner)}</h4>")
        parts.append(as_figure(svgcharts.kpi_chart(review, aid))._repr_html_())
    return _section("KPI charts", *parts)


def health_table(review: Any) -> ReportSection:
    """§5.7 item 4: D1–D6 and H [0–100] per alliance, own vs partner trust [1–5]."""
    from alliancekit.review import DIMENSION_NAMES

    t = review.table
    ht = pd.DataFrame(index=t.index)
    for d, name in DIMENSION_NAMES.items():
        ht[f"{d} {name}"] = t[d].astype(float)
    ht["H health"] = t["H"].astype(float)
    ht["trust own [1–5]"] = t["trust_own"].astype(float)
    ht["trust partner [1–5]"] = t["trust_partner"].astype(float)
    ht["survey"] = t["survey_period"]
    weights = review.policy.normalized_weights
    wtext = ", ".join(f"{d} {w:.2f}" for d, w in weights.items())
    return _section(
        "health",
        f"<p>Dimensions on a 0–100 scale; H is their weighted sum (weights {_e(wtext)}).</p>",
        _table(ht, floats=",.1f"),
    )


def health_chart(review: Any) -> ReportFigure:
    """Radar of D1–D6 for every alliance."""
    from alliancekit import svgcharts

    return as_figure(svgcharts.health_radar(review, list(review.table.index)))


def perception_chart(review: Any) -> ReportFigure | ReportSection:
    """Own vs partner trust [1–5] per alliance (the perception gap)."""
    from alliancekit import svgcharts

    t = review.table
    gap = pd.DataFrame(
        {"own": t["trust_own"].astype(float), "partner": t["trust_partner"].astype(float)}
    ).dropna()
    if not len(gap):
        return _section("perception gap", "<p>No two-sided survey data: no perception gap.</p>")
    return as_figure(svgcharts.perception_gap(gap))


def risk_update(ws: Any, review: Any, plan: Any = None) -> ReportSection:
    """§5.7 item 5: incidents and hard triggers, relationship risk signals, dependence."""
    t = review.table
    parts = []
    ev = ws.events
    if ev is not None and len(ev):
        parts += ["<h3>Incidents and hard triggers</h3>", _table(ev, index=False)]
    else:
        parts.append("<p>No incidents or hard triggers were recorded.</p>")
    sig = pd.DataFrame(index=t.index)
    sig["partner"] = t["partner_name"]
    sig["D3 relationship [0–100]"] = t["D3"].astype(float)
    sig["D4 governance [0–100]"] = t["D4"].astype(float)
    sig["trust gap |own − partner| [1–5 pts]"] = (
        t["trust_own"].astype(float) - t["trust_partner"].astype(float)
    ).abs()
    sig["hard trigger"] = t["hard_trigger"]
    cov = ws.alliance_coverage_frame()
    cov = cov.loc[cov.index.isin(t.index)]  # the reviewed alliances (not closed or future)
    total_cov = cov.sum(axis=0)
    sole = []
    for aid in t.index:
        gaps = (
            [
                g
                for g in cov.columns
                if cov.loc[aid, g] > 0 and abs(cov.loc[aid, g] - total_cov[g]) < 1e-9
            ]
            if aid in cov.index
            else []
        )
        sole.append(", ".join(gaps))
    sig["sole coverage of gaps (dependence)"] = sole
    total = float(sum(ws.alliance(aid).cost_annual for aid in t.index)) or float("nan")
    sig["share of alliance spend [%]"] = [100 * ws.alliance(a).cost_annual / total for a in t.index]
    parts += [
        "<h3>Relationship risk signals and dependence</h3>",
        f"<p>Signals of opportunism or relational risk: D3 or D4 below "
        f"{_f(review.policy.d_min, '.0f')}, a large own-vs-partner trust gap, hard triggers. "
        "Dependence: gaps only this alliance covers, and its share of spend.</p>",
        _table(sig, floats=",.1f"),
        "<p>R_rel and R_perf of existing alliances are not re-scored: the workspace records "
        "risk items for candidates only. The re-planned new partners' risks are in section 10.</p>",
    ]
    return _section("risk update", *parts)


def value_update(ws: Any, review: Any) -> ReportSection:
    """§5.7 item 6: planned vs re-forecast value, VRR, continuation vs exit value."""
    money = _money(ws)
    t = review.table
    vt = pd.DataFrame(index=t.index)
    vt["partner"] = t["partner_name"]
    vt[f"planned value [{money}/yr]"] = [ws.alliance(a).value_plan_annual for a in t.index]
    vt[f"re-forecast V̂ = plan·A_W [{money}/yr]"] = t["V_hat"].astype(float)
    vt[f"cost [{money}/yr]"] = [ws.alliance(a).cost_annual for a in t.index]
    vt["VRR [% of planned benefit]"] = 100 * t["VRR"].astype(float)
    vt[f"PV of continuing [{money}]"] = t["PV_continue"].astype(float)
    vt[f"exit value = salvage − exit cost [{money}]"] = t["exit_value"].astype(float)
    planned = float(vt[f"planned value [{money}/yr]"].sum())
    fore = float(vt[f"re-forecast V̂ = plan·A_W [{money}/yr]"].sum())
    return _section(
        "value update",
        f"<p>Planned value {planned:,.1f} {_e(money)}/yr; re-forecast {fore:,.1f} "
        f"{_e(money)}/yr ({_f(100 * fore / planned if planned else float('nan'), '.0f')} % of "
        "plan). VRR is cumulative actual / planned benefit over the money KPIs.</p>",
        _table(vt, floats=",.1f"),
    )


def gives_and_gets(ws: Any, review: Any) -> ReportSection:
    """§5.7 item 7: what each side gives and gets (cost, staff time, gaps covered, terms)."""
    money = _money(ws)
    rows = []
    gap_names = {g.gap_id: g.name for g in ws.organization.capability_gaps}
    for aid in review.table.index:
        a = ws.alliance(aid)
        gets = "; ".join(f"{g} {gap_names.get(g, '')} ({v:.1f})" for g, v in a.coverage.items())
        rows.append(
            {
                "alliance": aid,
                "partner": a.partner_name,
                "purpose": a.description,
                "we get: gaps covered (level)": gets or "–",
                f"we give: cost [{money}/yr]": a.cost_annual,
                "we give: staff [FTE]": a.mgmt_load_fte,
                "IP terms": a.ip_terms or "–",
                "decision rule": a.decision_rule or "–",
            }
        )
    frame = pd.DataFrame(rows).set_index("alliance") if rows else pd.DataFrame()
    return _section(
        "gives and gets",
        "<p>What the organization gives and gets in each alliance; the partner's needs are "
        "revisited at the joint health check (survey period in section 4).</p>",
        _table(frame, floats=",.2f"),
    )


def decision_rationale(review: Any, sensitivity: pd.DataFrame | None = None) -> ReportSection:
    """§5.7 item 8: rules fired, rationale, flags, notes, and decision sensitivity."""
    from alliancekit.review import RULES

    t = review.table
    rows = []
    for aid, row in t.iterrows():
        rules = "; ".join(f"{r}: {RULES.get(r, '')}" for r in row["rules_fired"]) or "none"
        flags = ", ".join(row["flags"]) or "–"
        rows.append(
            f"<tr><td>{_e(aid)}</td><td>{_decision_span(row['decision'])}</td>"
            f"<td>{_e(rules)}</td><td>{_e(flags)}</td><td>{_e(row['rationale'])}</td></tr>"
        )
    parts = [
        '<table class="ak-table"><thead><tr><th>Alliance</th><th>Decision</th><th>Rules fired'
        "</th><th>Flags</th><th>Rationale</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    ]
    if sensitivity is not None and len(sensitivity):
        s = sensitivity.copy()
        s["decisions seen"] = s["decisions_seen"].map(", ".join)
        s["changes"] = s["changes"].map(lambda c: "; ".join(c) or "–")
        s = s[["decision", "decisions seen", "n_variants", "n_changed", "fragile", "changes"]]
        parts += [
            "<h3>Decision sensitivity</h3>",
            "<p>Each threshold moved ±5 points (attainment thresholds ±0.05) and each dimension "
            "weight ±20 %, one at a time. A fragile decision changes under some variant.</p>",
            _table(s),
        ]
    return _section("decision and rationale", *parts)


_ACTIONS = {
    "EXIT": "Invoke the exit terms and plan the transition for customers and staff",
    "RESTRUCTURE": "Renegotiate scope, KPIs, governance or economics; escalate to sponsors",
    "GROW": "Prepare the expansion case (scope or investment) within budget headroom",
    "MAINTAIN": "Keep the current terms; watch the weakest dimension",
}


def action_list(ws: Any, review: Any) -> ReportSection:
    """§5.7 item 9: action, owner (executive sponsor) and deadline per alliance."""
    rows = []
    for aid, row in review.table.iterrows():
        a = ws.alliance(aid)
        deadline = row["next_review"]
        if row["decision"] == "EXIT" and a.notice_months:
            deadline = f"give notice by {row['next_review']} ({a.notice_months}-month notice)"
        rows.append(
            {
                "alliance": aid,
                "partner": a.partner_name,
                "decision": row["decision"],
                "action": _ACTIONS.get(str(row["decision"]), ""),
                "owner": a.executive_sponsor or "alliance manager",
                "deadline": deadline,
                "escalation path": a.dispute_path or "–",
            }
        )
    frame = pd.DataFrame(rows).set_index("alliance") if rows else pd.DataFrame()
    return _section("actions", _table(frame))


def replanned_portfolio(ws: Any, plan: Any) -> ReportSection:
    """§5.7: the portfolio re-planned with this review's decisions (``plan_portfolio``).

    New partners selected, existing alliances kept and exited, every limit used vs its cap,
    and the candidates screened out with the reason; all money in the workspace unit.
    """
    money = _money(ws)
    frame = plan.to_frame()
    kept = set(plan.kept)
    new = [p for p in plan.selected if p not in kept and p in frame.index]
    cols = {
        "name": "partner",
        "relation": "relation",
        "form": "form",
        "cost_one_off": f"one-off cost [{money}]",
        "cost_annual": f"annual cost [{money}/yr]",
        "expected_npv": f"E[NPV] [{money}]",
        "e_npv": f"E[NPV] [{money}]",
        "R": "risk R [0–1]",
        "R_rel": "relational risk R_rel [0–1]",
        "score": "score [0–100]",
    }
    have = [c for c in cols if c in frame.columns]
    have = [c for c in have if not (c == "e_npv" and "expected_npv" in have)]
    chosen = frame.loc[new, have].rename(columns=cols)
    chosen.index.name = "new partner"
    status = plan.status.value if hasattr(plan.status, "value") else str(plan.status)
    gap = f", MIP gap {plan.mip_gap:.2%}" if status != "optimal" else ""
    parts = [
        f"<p>Solver status <b>{_e(status)}</b>{_e(gap)} ({_e(plan.solver)}); objective "
        f"{_e(plan.objective_name)} = {_e(_objective_value(plan))}. Existing alliances "
        f"kept: {_e(', '.join(plan.kept) or 'none')}; exited: "
        f"{_e(', '.join(plan.exited) or 'none')}.</p>",
        "<h3>New partners selected</h3>",
        _table(chosen, floats=",.2f") if len(chosen) else "<p>No new partner selected.</p>",
    ]
    totals = plan.totals.copy()
    if len(totals):
        totals.index.name = f"limit (money in {money})"
        parts += [
            "<h3>Limits: used vs cap</h3>",
            f"<p>Binding: {_e(', '.join(plan.binding) or 'none')}.</p>",
            _table(totals, floats=",.3f"),
        ]
    if plan.screened:
        screened = pd.DataFrame(
            {"reason": [plan.screened[k] for k in sorted(plan.screened)]},
            index=pd.Index(sorted(plan.screened), name="screened out"),
        )
        parts += ["<h3>Candidates screened out before the optimisation</h3>", _table(screened)]
    if plan.notes:
        parts.append("<ul>" + "".join(f"<li>{_e(n)}</li>" for n in plan.notes) + "</ul>")
    return _section("re-planned portfolio", *parts)


def previous_review(ws: Any, previous_period: str | None, policy: Any = None) -> Any:
    """The review of ``previous_period`` with the same policy, or None when there is none."""
    if not previous_period:
        return None
    from alliancekit.review import review_alliances

    return review_alliances(ws, period=previous_period, policy=policy)


def changes_since(review: Any, previous: Any = None) -> ReportSection:
    """§5.7: decision, health and attainment changes since the previous review."""
    if previous is None:
        return _section(
            "changes",
            "<p>No earlier period with KPI data: this is the first report, nothing to compare.</p>",
        )
    cmp = review.compare(previous)
    shown = pd.DataFrame(index=cmp.index)
    shown[f"decision {previous.period}"] = cmp["decision_previous"]
    shown[f"decision {review.period}"] = cmp["decision"]
    shown["change"] = cmp["direction"]
    shown["H [0–100]"] = cmp["H"]
    shown["ΔH [points]"] = cmp["H_delta"]
    shown["A_W [% of plan]"] = 100 * cmp["A_W"]
    shown["ΔA_W [points]"] = 100 * cmp["A_W_delta"]
    changed = [str(a) for a in cmp.index[cmp["changed"]]]
    lead = (
        f"{len(changed)} decision(s) changed since {_e(previous.period)}: {_e(', '.join(changed))}."
        if changed
        else f"No decision changed since {_e(previous.period)}."
    )
    return _section("changes", f"<p>{lead}</p>", _table(shown, floats=",.1f"))


def appendix(
    ws: Any, review: Any, plan: Any = None, overrides: Mapping[str, Any] | None = None
) -> ReportSection:
    """§5.7 item 10: every parameter and threshold, data-quality notes, method, versions."""
    from importlib.metadata import PackageNotFoundError, version

    org = ws.organization
    pol = review.policy
    params = pd.DataFrame(
        [
            {
                "parameter": f.name,
                "value": str(getattr(pol, f.name)),
                "overridden": "yes" if overrides and f.name in overrides else "",
            }
            for f in fields(pol)
        ]
    ).set_index("parameter")
    caps = org.caps()
    settings = {
        "currency / money unit": org.money_label,
        "annual budget [money/yr]": org.budget_annual,
        "one-off budget [money]": org.budget_one_off,
        "risk appetite": str(org.risk_appetite),
        "planning horizon [years]": org.planning_horizon_years,
        "discount rate [/yr]": org.discount_rate,
        "min / max new alliances": f"{org.min_alliances} / {org.max_alliances}",
        **{f"risk cap {f.name}": getattr(caps, f.name) for f in fields(caps)},
    }
    if plan is not None:
        settings["portfolio objective"] = plan.objective_name
        settings["solver / status"] = f"{plan.solver} / {plan.status}"
    st = pd.DataFrame({"value": [str(v) for v in settings.values()]}, index=list(settings))
    st.index.name = "organization setting"
    notes = [(aid, n) for aid, ns in review.table["notes"].items() for n in ns]
    detail = review.kpi_detail.reset_index()
    status = detail["status"].value_counts() if "status" in detail.columns else pd.Series()
    dq = [f"{_e(a)}: {_e(n)}" for a, n in notes]
    for s, n in status.items():
        if s != "ok":
            dq.append(f"{n} KPI observation(s) with status “{_e(s)}”")
    kp = ws.kpis
    if "source" in kp.columns:
        partner_rows = kp[kp["source"].astype(str) == "partner"]
        if len(partner_rows):
            ids = ", ".join(sorted(partner_rows["alliance_id"].astype(str).unique()))
            dq.append(f"{len(partner_rows)} KPI row(s) are partner-reported (alliances {_e(ids)})")
    versions = {"python": sys.version.split()[0]}
    for pkg in ("alliancekit", "numpy", "pandas", "scipy", "pulp", "highspy", "matplotlib"):
        # a loaded module knows its version; the metadata lookup scans site-packages (~2 ms)
        loaded = getattr(sys.modules.get(pkg), "__version__", None)
        try:
            versions[pkg] = str(loaded) if isinstance(loaded, str) else version(pkg)
        except PackageNotFoundError:
            versions[pkg] = "not installed"
    vt = pd.DataFrame({"version": list(versions.values())}, index=list(versions))
    vt.index.name = "package"
    return _section(
        "appendix",
        "<h3>Review policy (every threshold and weight)</h3>",
        _table(params),
        "<h3>Organization and portfolio settings</h3>",
        _table(st),
        "<h3>Data quality</h3>",
        "<ul>" + "".join(f"<li>{d}</li>" for d in dq) + "</ul>"
        if dq
        else "<p>No missing, skipped or partner-reported KPI data.</p>",
        "<h3>Method</h3>",
        "<p>Attainment, health, decision rules and rationale follow docs/method.md §5 "
        "(alliancekit.review); the re-planned portfolio is the MILP of §4 with the review's "
        "EXIT decisions applied (alliancekit.portfolio.plan_portfolio).</p>",
        "<h3>Versions</h3>",
        _table(vt),
    )
