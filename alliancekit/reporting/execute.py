"""Executing a notebook with papermill: the engine, the call, and failures as ``ReportError``."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from alliancekit.errors import DataValidationError, ReportError
from alliancekit.reporting.deferred import ChartDrawer, leftover_placeholders
from alliancekit.reporting.kernel import check_ipykernel, project_kernel_manager

__all__ = ["execute_notebook"]


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
        drawer: ChartDrawer | None = None
        failed_charts: tuple[str, ...] = ()

        def cell_complete(self, cell: Any, cell_index: int | None = None, **kwargs: Any) -> None:
            if self.drawer is not None:
                self.drawer.cell_done(cell)  # drawn while the kernel runs the next cells
            super().cell_complete(cell, cell_index=cell_index, **kwargs)

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
            if kwargs.get("nb") is not None:
                self.nb = kwargs["nb"]
            if self.drawer is not None:
                try:
                    failed = self.drawer.finish(self.nb)
                except Exception as exc:  # never hide the run's own outcome
                    failed = [f"the charts could not be put in place ({exc})"]
                left = leftover_placeholders(self.nb)
                if left and not failed:
                    failed = [f"{left} output(s) still waiting for their charts"]
                self.failed_charts = tuple(failed)
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
            draw_charts: bool = False,
            **kwargs: Any,
        ) -> Any:
            nb_man = _SaveAtEndManager(
                nb,
                output_path=output_path,
                progress_bar=progress_bar,
                log_output=log_output,
                autosave_cell_every=autosave_cell_every,
            )
            # charts a kernel left as specs are drawn here; the drawing process starts with the
            # kernel when it is known to defer them, else with the first chart it meets
            nb_man.drawer = ChartDrawer(start=draw_charts)
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            if nb_man.failed_charts and not nb_man.nb.metadata.papermill.get("exception"):
                raise ReportError(
                    "the report's chart(s) could not be drawn: " + "; ".join(nb_man.failed_charts),
                    notebook_path=Path(output_path) if output_path else None,
                )
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
        Per-cell time limit [s] (any positive number, such as 90.5); None waits forever.
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
        the kernel died, or it could not start (``cell_index`` None: it died before answering,
        did not answer in time, or its program is missing); ``notebook_path`` is the (partial)
        executed notebook.
        ``cell_index`` is papermill's 0-based index in the *executed* notebook, which holds
        the injected-parameters cell: cells after the ``parameters`` cell are one higher than
        in the source notebook. The message also names the execution count ``In [n]`` and
        the first line of the failing cell.
    """
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    if kernel_name == "python3":
        check_ipykernel()
    if timeout is not None and not (0 < timeout < math.inf):
        raise DataValidationError.single(
            f"the cell time limit must be a positive number of seconds, got {timeout}",
            column="timeout",
        )
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
            # nbclient's ``timeout`` is an integer trait; ``timeout_func`` takes any seconds
            timeout_func=(lambda cell: timeout) if timeout is not None else None,
            kernel_manager_class=project_kernel_manager(defer_charts=kernel_name == "python3"),
            engine_name=_engine_name(),
            # the report's charts are drawn by a process of this one while the kernel runs on
            draw_charts=kernel_name == "python3",
            start_timeout=120,
            # Every output has arrived when the last cell finishes, so the kernel is stopped at
            # once instead of by a shutdown request: a graceful shutdown waits for the kernel's
            # interpreter to tear down (pandas, matplotlib, scipy loaded), ~0.3 s per report.
            shutdown_kernel="immediate",
        )
    except PapermillExecutionError as exc:
        raise _cell_failed(exc, src, out) from None
    except CellTimeoutError as exc:
        raise _run_stopped(exc, src, out, f"timed out after {timeout} s") from None
    except DeadKernelError as exc:
        raise _run_stopped(exc, src, out, "the kernel died") from None
    except (RuntimeError, TimeoutError, KeyError, OSError) as exc:
        # the kernel could not start (it died before answering, did not answer in time, its
        # spec is unknown, its program is missing) or the notebook could not be written
        raise _not_started(exc, src, out, kernel_name) from None
    return out


def _not_started(exc: Exception, src: Path, out: Path, kernel_name: str) -> ReportError:
    """The kernel failed before or between cells (not a cell's error): say so plainly."""
    index, source = _running_cell(out) if out.is_file() else (None, "")
    why = _first_line(str(exc)) or type(exc).__name__
    if index is None:
        message = (
            f"the Jupyter kernel '{kernel_name}' could not start; run alliancekit from "
            "the project's environment (make install) and check the kernel is installed"
        )
    else:
        message = f"the run of {src.name} stopped at cell {index} ({_first_line(source)}): {why}"
    return ReportError(
        message,
        cell_index=index,
        notebook_path=out if out.is_file() else None,
        ename=type(exc).__name__,
        evalue=why,
    )


def _cell_failed(exc: Any, src: Path, out: Path) -> ReportError:
    """A cell raised (papermill's ``PapermillExecutionError``): which cell, what it raised."""
    return ReportError(
        f"notebook {src.name} failed in cell {exc.cell_index} (In [{exc.exec_count}]: "
        f"{_first_line(exc.source)})",
        cell_index=exc.cell_index,
        notebook_path=out,
        ename=exc.ename,
        evalue=exc.evalue,
        extra={"traceback": _strip_ansi("\n".join(exc.traceback or []))},
    )


def _run_stopped(exc: Exception, src: Path, out: Path, why: str) -> ReportError:
    """A cell timed out or the kernel died (``why``): the cell that was running then."""
    index, source = _running_cell(out)
    if why.startswith("timed out"):
        message = f"notebook {src.name} {why} in cell {index} ({_first_line(source)})"
    else:
        message = f"{why} while running cell {index} of {src.name} ({_first_line(source)})"
    return ReportError(
        message,
        cell_index=index,
        notebook_path=out,
        ename=type(exc).__name__,
        evalue=_first_line(str(exc)),
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
