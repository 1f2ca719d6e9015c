"""Charts of a report drawn by the process that runs it, while the kernel goes on computing.

A report kernel started by :func:`~alliancekit.reporting.execute.execute_notebook` gets
``ALLIANCEKIT_DEFER_CHARTS=1``. Its figures (``as_figure``) then carry their Vega-Lite spec in a
placeholder image instead of drawing it: drawing a chart takes the kernel ≈ 0.1 s, and the
drawing engine ≈ 0.4 s to start. The running process reads each finished cell's outputs
(:meth:`ChartDrawer.cell_done`), has them drawn by drawing processes of its own — on the
machine's other core, while the kernel runs the next cells (two processes where two cores are
free, so what is left when the kernel ends is drawn on both), and with an engine already warm
for the next report of a batch — and puts the SVG images in place before the executed notebook is
written (:meth:`ChartDrawer.finish`). The written notebook and the HTML are the same as a kernel
drawing its own charts would give: ``<img src="data:image/svg+xml;base64,…">``, no script.

The report's own charts go one step further: its sections hand ``as_figure`` a
:class:`~alliancekit.reporting.sections.base.ChartCall` (the chart's ``*_view`` function and its
inputs), which such a kernel pickles instead of building the chart. The running process checks
the call and hands it to its drawing process, which builds the chart — the same function on
the same inputs — and draws it, so the kernel never imports Altair (≈ 0.3 s) nor writes a spec,
and the running process stays free to answer the kernel between cells. The process
running the report gives its kernel a secret key (``ALLIANCEKIT_CHART_KEY``, new in every
process) and unpickles only calls signed with it: a call in an output that merely looks like
a placeholder (text a workspace smuggled into the HTML, a notebook from elsewhere) is refused,
never loaded. (A plain Vega-Lite spec in a placeholder is only drawn, by an engine that fetches
nothing.) A call whose inputs cannot be handed over — a function or class a notebook defined in
``__main__``, an object pickle cannot copy — is built and drawn in the kernel.

A notebook run any other way (JupyterLab, a named kernel) draws its charts in the kernel.
"""

from __future__ import annotations

import atexit
import base64
import collections
import contextlib
import copyreg
import hashlib
import hmac
import html
import io
import json
import os
import pickle
import queue
import re
import secrets
import struct
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future
from types import FunctionType, MappingProxyType
from typing import Any, ClassVar, NamedTuple

__all__ = [
    "DEFER_ENV",
    "KEY_ENV",
    "ChartDrawer",
    "Drawn",
    "charts_deferred",
    "draw_static",
    "kernel_env",
    "leftover_placeholders",
    "pack_call",
    "placeholder_html",
]

_LENGTH = struct.Struct(">Q")  # the drawing process's length prefix
#: Longest wait for a report's charts once the kernel has finished [s].
DRAW_TIMEOUT = 120.0
#: Set to "1" in the environment of a kernel whose charts the running process draws.
DEFER_ENV = "ALLIANCEKIT_DEFER_CHARTS"
#: The key (hex) such a kernel signs its chart calls with, given by the process running it.
KEY_ENV = "ALLIANCEKIT_CHART_KEY"
#: This process's key for the chart calls of the kernels it runs (never written to disk).
_KEY = secrets.token_bytes(32)
#: How a signed chart call starts: this tag, then its HMAC-SHA256, then the pickle.
_CALL_TAG = b"AKCALL1"
_SIGNATURE = hashlib.sha256().digest_size


class Drawn(NamedTuple):
    """A chart drawn for a placeholder: the SVG document and the chart's title ("" when the
    placeholder's own text is its title)."""

    svg: str
    title: str


_PLACEHOLDER = re.compile(
    r'<img alt="(?P<alt>[^"]*)" data-ak-chart="(?P<spec>[A-Za-z0-9+/=]+)" src="[^"]*">'
)
#: What a placeholder shows if its notebook is opened before the charts were put in place.
_WAITING_SVG = base64.b64encode(
    b'<svg xmlns="http://www.w3.org/2000/svg" width="320" height="24"><text x="4" y="16" '
    b'font-family="DejaVu Sans, sans-serif" font-size="12">(chart being drawn)</text></svg>'
).decode("ascii")


def charts_deferred() -> bool:
    """True in a kernel whose charts the process running the report draws."""
    return os.environ.get(DEFER_ENV) == "1"


def placeholder_html(spec_base64: str, alt: str) -> str:
    """The ``<img>`` a report kernel shows for a chart the running process will draw.

    Parameters
    ----------
    spec_base64 : str
        The chart's Vega-Lite spec as JSON, or its signed call (``pack_call``), base64-encoded
        (``ReportFigure.data_base64``).
    alt : str
        The image's alternative text (escaped here).
    """
    return (
        f'<img alt="{html.escape(alt, quote=True)}" data-ak-chart="{spec_base64}" '
        f'src="data:image/svg+xml;base64,{_WAITING_SVG}">'
    )


def kernel_env(defer_charts: bool) -> dict[str, str]:
    """Environment of a kernel this process runs: whether it defers its charts, and the key."""
    return {DEFER_ENV: "1", KEY_ENV: _KEY.hex()} if defer_charts else {DEFER_ENV: "0"}


def _mapping_proxy(items: dict) -> MappingProxyType:
    return MappingProxyType(items)


def _reduce_proxy(proxy: MappingProxyType) -> tuple[Any, tuple[dict]]:
    return _mapping_proxy, (dict(proxy),)


def pack_call(call: Any, title: str | None = None) -> bytes | None:
    """A chart call as the signed bytes of a placeholder, in a kernel that defers its charts.

    Parameters
    ----------
    call : ChartCall
        The chart's function and inputs.
    title : str, optional
        The image's alternative text (default: the built chart's title).

    Returns
    -------
    bytes or None
        None where the kernel draws its own charts: not a report kernel, no key, or inputs
        that cannot be pickled (the chart is then built and drawn in the kernel, as before).
    """
    key = os.environ.get(KEY_ENV, "") if charts_deferred() else ""
    try:
        secret = bytes.fromhex(key)
    except ValueError:
        return None
    if not secret:
        return None
    try:
        body = _pickled((call, title))
    except Exception:  # whatever cannot be handed over is built in the kernel instead
        return None
    return _CALL_TAG + hmac.digest(secret, body, "sha256") + body


class _Pickler(pickle.Pickler):
    """Read-only mappings (which frozen results hold) pickled as copies; nothing defined in
    ``__main__`` (a notebook's own function or class), which the running process, whose
    ``__main__`` is another module, could not find — or would find under another meaning."""

    dispatch_table: ClassVar[dict] = {**copyreg.dispatch_table, MappingProxyType: _reduce_proxy}

    def reducer_override(self, obj: Any) -> Any:
        owner = obj if isinstance(obj, (type, FunctionType)) else type(obj)
        if getattr(owner, "__module__", None) == "__main__":
            raise pickle.PicklingError(f"{owner.__qualname__} is defined in __main__")
        return NotImplemented


def _pickled(value: Any) -> bytes:
    """``value`` pickled as a report kernel hands it over (see ``_Pickler``)."""
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


def _signed_call(payload: bytes) -> bytes | None:
    """The pickle of a placeholder's chart call once its signature is this process's; None for
    a Vega-Lite spec. Raises ``ChildProcessError`` (the chart's failure, reported by its title)
    for a call signed otherwise: it is never unpickled."""
    if not payload.startswith(_CALL_TAG):
        return None
    start = len(_CALL_TAG) + _SIGNATURE
    signature, body = payload[len(_CALL_TAG) : start], payload[start:]
    if not hmac.compare_digest(signature, hmac.digest(_KEY, body, "sha256")):
        raise ChildProcessError("its chart data did not come from this report's kernel")
    return body


def _reason(exc: Exception) -> str:
    """The drawing engine's one-line reason (its JavaScript stack left out)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error:")]
    return (errors or lines or [type(exc).__name__])[0].removeprefix("Error:").strip()


def _html_outputs(cell: Any) -> list[tuple[dict, str]]:
    """(output data, its HTML as one string) of every HTML output of a code cell."""
    found = []
    for output in cell.get("outputs", ()) if cell.get("cell_type") == "code" else ():
        data = output.get("data") or {}
        text = data.get("text/html")
        if text:
            found.append((data, "".join(text) if isinstance(text, list) else text))
    return found


class _DrawingProcess:
    """The drawing process (``charts/drawing_process.py``) and the threads talking to it.

    A process, not a thread of this one: vl-convert holds the interpreter lock while it draws,
    which would keep this process from answering the kernel between cells. Requests go out
    through a writer thread (a full pipe never blocks the caller) and answers come back in
    order through a reader thread; when the process ends (or is killed after a timeout) every
    request still waiting fails, and both threads end.
    """

    def __init__(self) -> None:
        from alliancekit.charts import drawing_process
        from alliancekit.charts.render import VEGALITE_VERSION

        # its error output, quoted if it stops; open as long as the process runs
        self._log = tempfile.TemporaryFile()  # noqa: SIM115
        self._proc = subprocess.Popen(
            # -P: the script's folder (alliancekit/charts) is not put on sys.path
            # --build: it builds the charts of the kernels' calls too (imports the chart layer)
            [sys.executable, "-P", drawing_process.__file__, VEGALITE_VERSION, "--build"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
        )
        self._lock = threading.Lock()
        self._pending: collections.deque[Future[str]] = collections.deque()
        self._outbox: queue.SimpleQueue[tuple[Future[str], bytes] | None] = queue.SimpleQueue()
        self.alive = True
        for target in (self._write, self._read):
            threading.Thread(target=target, name="alliancekit-charts", daemon=True).start()

    def submit(self, request: bytes) -> Future[str]:
        """Queue one Vega-Lite spec (UTF-8 JSON; the future gives its SVG document) or one
        signed chart call's pickle (already checked; the future gives JSON ``{"svg", "title"}``)."""
        future: Future[str] = Future()
        with self._lock:  # after the reader's end, nothing reads the outbox any more
            if self.alive:
                self._outbox.put((future, request))
            else:
                future.set_exception(self._stopped())
        return future

    @property
    def waiting(self) -> int:
        """Requests queued or being drawn, not yet answered."""
        return self._outbox.qsize() + len(self._pending)

    @property
    def running(self) -> bool:
        """Whether it can still draw: not ended, nor killed (even before the reader noticed)."""
        return self.alive and self._proc.poll() is None

    def close(self) -> None:
        """End the process (its input closes once the queued requests are written)."""
        self._outbox.put(None)

    def kill(self) -> None:
        """Stop the process now (a drawing that does not end): what waits fails."""
        with contextlib.suppress(OSError):
            self._proc.kill()

    def _stopped(self) -> ChildProcessError:
        self._log.seek(0)
        tail = self._log.read().decode("utf-8", "replace").strip().splitlines()[-3:]
        why = f": {' / '.join(tail)}" if tail else ""
        return ChildProcessError(f"the drawing process stopped{why}")

    def _write(self) -> None:
        stdin = self._proc.stdin
        assert stdin is not None
        broken = False
        while (item := self._outbox.get()) is not None:
            future, body = item
            with self._lock:  # the reader drains what is pending under this lock
                if broken or not self.alive:
                    future.set_exception(self._stopped())
                    continue
                self._pending.append(future)
            try:
                stdin.write(_LENGTH.pack(len(body)) + body)
                stdin.flush()
            except OSError:
                broken = True  # the reader fails what is pending when it sees the end
        with contextlib.suppress(OSError):
            stdin.close()

    def _read(self) -> None:
        stdout = self._proc.stdout
        assert stdout is not None
        try:
            while (status := stdout.read(1)) and len(head := stdout.read(_LENGTH.size)) == 8:
                size = _LENGTH.unpack(head)[0]
                body = stdout.read(size)
                if len(body) != size:
                    break
                with self._lock:
                    future = self._pending.popleft()
                if status == b"\x00":
                    future.set_result(body.decode("utf-8", "replace"))
                else:
                    future.set_exception(ChildProcessError(body.decode("utf-8", "replace")))
        finally:
            self.kill()  # a cut-off or garbled answer: the process is not trusted any more
            self._proc.wait()
            with self._lock:
                self.alive = False
                while self._pending:
                    self._pending.popleft().set_exception(self._stopped())
            self._outbox.put(None)  # the writer fails what is still queued, then ends


class _DrawingPool:
    """This process's drawing processes; each request goes to the one with the least to do.

    It starts with one. Once a report has had to wait for its charts after its kernel ended,
    it grows to ``size`` for the next report: :func:`_pool_size` gives two where two cores are
    free, so what is left when a kernel ends is drawn on both. (Starting both at once would
    make a single report slower: two engines warming up at the same time take the core the
    kernel needs.) A process that stopped is replaced when the pool is next fetched
    (:func:`_drawing_pool`).
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.processes = [_DrawingProcess()]

    def grow(self) -> None:
        """Start the processes still missing (they warm up while this process goes on)."""
        while len(self.processes) < self.size:
            self.processes.append(_DrawingProcess())

    def replace_stopped(self) -> None:
        """Start a new process in place of each one that stopped (killed, crashed, ended)."""
        for i, process in enumerate(self.processes):
            if not process.running:
                self.processes[i] = _DrawingProcess()

    def submit(self, request: bytes) -> Future[str]:
        """Queue a request (see :meth:`_DrawingProcess.submit`) on the least busy process."""
        live = [p for p in self.processes if p.running] or self.processes
        return min(live, key=lambda p: p.waiting).submit(request)

    def kill(self) -> None:
        """Stop every process now (a drawing that does not end): what waits fails."""
        for process in self.processes:
            process.kill()

    def close(self) -> None:
        """End every process once its queued requests are written."""
        for process in self.processes:
            process.close()


def _pool_size() -> int:
    """How many drawing processes this process gets: two, or one on a single core or in a
    batch's worker process (started by ``multiprocessing``, beside sibling workers)."""
    import multiprocessing

    if multiprocessing.parent_process() is not None:
        return 1
    affinity = getattr(os, "sched_getaffinity", None)
    cores = len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)
    return max(1, min(2, cores))


_POOL: _DrawingPool | None = None
_POOL_LOCK = threading.Lock()


def _forget_pool_after_fork() -> None:
    """A forked child has the parent's drawing processes without their threads: it starts its
    own."""
    global _POOL
    _POOL = None


os.register_at_fork(after_in_child=_forget_pool_after_fork)


def _drawing_pool() -> _DrawingPool:
    """This process's drawing processes, started on first use and kept warm for the next
    report (any that stopped are replaced)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = _DrawingPool(_pool_size())
            atexit.register(_POOL.close)
        else:
            _POOL.replace_stopped()
        return _POOL


class ChartDrawer:
    """Draws the charts a report kernel left as placeholders, in this process's drawing
    processes.

    Hand it every finished cell, then call :meth:`finish` on the executed notebook. The drawing
    processes start with the first chart (or at once with ``start=True``, e.g. while the kernel
    starts); they stay warm for the next report this process runs.
    """

    def __init__(self, *, start: bool = False) -> None:
        self._futures: dict[str, Future[Drawn]] = {}
        self._pool: _DrawingPool | None = None
        self._start_error: str | None = None
        if start:
            self._ensure_pool()

    def _ensure_pool(self) -> _DrawingPool | None:
        if self._pool is None and self._start_error is None:
            try:
                self._pool = _drawing_pool()
            except OSError as exc:  # the interpreter or the script could not be started
                self._start_error = f"the drawing process could not start: {exc}"
        return self._pool

    def cell_done(self, cell: Any) -> None:
        """Queue the charts of a finished cell (each distinct spec once)."""
        for _, text in _html_outputs(cell):
            for match in _PLACEHOLDER.finditer(text):
                spec = match.group("spec")
                if spec in self._futures:
                    continue
                self._futures[spec] = self._draw(base64.b64decode(spec))

    def _draw(self, payload: bytes) -> Future[Drawn]:
        """A placeholder's chart: a spec drawn, a signed call built and drawn."""
        drawn: Future[Drawn] = Future()
        try:
            call = _signed_call(payload)
            pool = self._ensure_pool()
            if pool is None:
                raise ChildProcessError(self._start_error)
        except ChildProcessError as exc:
            drawn.set_exception(exc)
            return drawn
        answer = pool.submit(payload if call is None else call)
        answer.add_done_callback(lambda done: _settle(drawn, done, call is not None))
        return drawn

    def finish(self, nb: Any) -> list[str]:
        """Put every drawn chart in place in ``nb``'s outputs; the charts that failed, by title.

        Waits for the charts still being built or drawn, at most :data:`DRAW_TIMEOUT` seconds in
        all (a drawing process that does not answer by then — a chart's function that never
        returns included — is stopped, so the next report gets a new one). A chart that could
        not be drawn keeps its placeholder and is named in the list.
        """
        failed: list[str] = []
        deadline = time.monotonic() + DRAW_TIMEOUT
        for cell in nb.cells:
            self.cell_done(cell)  # a cell whose completion was not reported (a failure)
        waited = not all(future.done() for future in self._futures.values())
        for cell in nb.cells:
            for data, text in _html_outputs(cell):
                if 'data-ak-chart="' in text:
                    data["text/html"] = _PLACEHOLDER.sub(
                        lambda m: self._image(m, failed, deadline), text
                    )
        if waited and self._pool is not None and not failed:
            with contextlib.suppress(OSError):  # the next report then draws with what there is
                self._pool.grow()
        return failed

    def _image(self, match: re.Match[str], failed: list[str], deadline: float) -> str:
        title = html.unescape(match.group("alt"))
        try:
            future = self._futures[match.group("spec")]
            drawn = future.result(timeout=max(0.0, deadline - time.monotonic()))
            data = base64.b64encode(drawn.svg.encode("utf-8")).decode("ascii")
        except TimeoutError:
            if self._pool is not None:
                self._pool.kill()
            failed.append(f"“{title}” (not drawn in {DRAW_TIMEOUT:.0f} s)")
            return match.group(0)
        except Exception as exc:  # reported by name to the caller
            failed.append(f"“{title}” ({_reason(exc)})")
            return match.group(0)
        alt = html.escape(drawn.title, quote=True) if drawn.title else match.group("alt")
        return f'<img alt="{alt}" src="data:image/svg+xml;base64,{data}">'


def _settle(drawn: Future[Drawn], answer: Future[str], call: bool) -> None:
    """Give ``drawn`` the drawing process's answer: an SVG document for a spec, JSON with the
    SVG and the title for a call (or the failure)."""
    error = answer.exception()
    if error is not None:
        drawn.set_exception(error)
    elif call:
        got = json.loads(answer.result())
        drawn.set_result(Drawn(str(got["svg"]), str(got["title"])))
    else:
        drawn.set_result(Drawn(answer.result(), ""))


def draw_static(chart: Any) -> str:
    """One chart as an SVG document, drawn now by this process's drawing process.

    For the runner's own charts (the index's history chart): after a report the drawing process
    is warm, while drawing here would start a second engine (≈ 0.4 s). Falls back to drawing in
    this process when the drawing process cannot be used.

    Parameters
    ----------
    chart : altair chart or dict
        A chart of ``alliancekit.charts`` or a Vega-Lite spec.
    """
    from alliancekit.reporting.sections.base import charts_module

    charts = charts_module()
    spec = charts.chart_spec(chart)
    try:
        future = _drawing_pool().submit(json.dumps(charts.static_spec(spec)).encode("utf-8"))
        return future.result(timeout=DRAW_TIMEOUT)
    except (OSError, ChildProcessError, TimeoutError):
        return charts.to_svg(spec)


def leftover_placeholders(nb: Any) -> int:
    """How many outputs of ``nb`` still hold a chart placeholder (in any text output)."""
    return sum(
        'data-ak-chart="' in ("".join(v) if isinstance(v, list) else str(v))
        for cell in nb.cells
        if cell.get("cell_type") == "code"
        for output in cell.get("outputs", ())
        for v in (output.get("data") or {}).values()
        if isinstance(v, (str, list))
    )
