"""The web app: serve ``notebooks/dashboard.ipynb`` with Voilà on the loopback interface.

``serve()`` starts ``python -m voila`` (the interpreter running alliancekit, so the app sees the
same packages) in its own process group, waits until the server answers HTTP, and returns an
``AppServer`` handle whose ``stop()`` ends that process group by PID. Jupyter's config, data and
runtime directories point at a private temporary folder unless the caller's environment already
sets them, so the app never writes into ``$HOME`` and works when run as root.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from alliancekit.errors import AllianceKitError

__all__ = ["AppServer", "default_notebook", "find_free_port", "serve"]

_JUPYTER_DIRS = (
    ("JUPYTER_CONFIG_DIR", "config"),
    ("JUPYTER_DATA_DIR", "data"),
    ("JUPYTER_RUNTIME_DIR", "runtime"),
    ("IPYTHONDIR", "ipython"),
)


def default_notebook() -> Path:
    """The dashboard notebook that ships with the package (``dashboard.ipynb``)."""
    from alliancekit.resources import notebook_path

    return notebook_path("dashboard")


def find_free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass
class AppServer:
    """Handle on a running Voilà server (returned by ``serve``).

    Attributes
    ----------
    url : str
        Base URL of the app, e.g. ``http://127.0.0.1:8866/``.
    port : int
        The TCP port it listens on.
    process : subprocess.Popen
        The Voilà process (leader of its own process group).
    log_path : Path
        File receiving the server's stdout and stderr.
    """

    url: str
    port: int
    process: subprocess.Popen
    log_path: Path
    _tmp: tempfile.TemporaryDirectory | None = field(default=None, repr=False)

    @property
    def pid(self) -> int:
        """Process id of the Voilà server."""
        return int(self.process.pid)

    def running(self) -> bool:
        """True while the server process is alive."""
        return self.process.poll() is None

    def log(self) -> str:
        """Everything the server has written so far."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server and its kernels (SIGTERM to its process group, SIGKILL if needed).

        Only the group led by this server's PID is signalled. Safe to call twice.
        """
        if self.running():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.pid, signal.SIGKILL)
                self.process.wait(timeout=timeout)
        else:
            # the leader is gone but kernels it started may still be in the group
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGKILL)
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> AppServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _give_up(server: AppServer, why: str) -> AllianceKitError:
    """Stop ``server`` (its temp folder and any kernel left in its group go too) and say why,
    with the end of its log."""
    log = server.log()[-3000:]
    server.stop()
    return AllianceKitError(f"{why}; its log:\n{log}")


def _wait_until_up(server: AppServer, timeout: float) -> None:
    """Return once the server answers HTTP; raise if it exits or ``timeout`` [s] passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.running():
            code = server.process.returncode
            raise _give_up(server, f"the Voilà server exited with code {code} before answering")
        try:
            with urllib.request.urlopen(server.url + "api", timeout=2) as resp:
                if resp.status < 500:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    raise _give_up(
        server, f"the Voilà server did not answer on {server.url} within {timeout:.0f} s"
    )


def _templates_root() -> Path:
    """The packaged Jupyter data folder holding ``voila/templates/alliancekit``."""
    from alliancekit.resources import packaged

    return packaged("jupyter")


def _server_env(base: Path, extra: dict[str, str] | None) -> dict[str, str]:
    """The server's environment: Jupyter's directories under ``base`` unless already set."""
    child_env = dict(os.environ)
    for var, sub in _JUPYTER_DIRS:
        if var not in child_env:
            (base / sub).mkdir()
            child_env[var] = str(base / sub)
    child_env.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    child_env["PYTHONUNBUFFERED"] = "1"
    # the "alliancekit" Voila template (the lab one without its CDN stylesheets) lives here
    own = str(_templates_root())
    child_env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [own, child_env.get("JUPYTER_PATH")]))
    if extra:
        child_env.update(extra)
    return child_env


def serve(
    port: int | None = None,
    host: str = "127.0.0.1",
    notebook: str | os.PathLike[str] | None = None,
    *,
    wait: bool = True,
    timeout: float = 90.0,
    env: dict[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> AppServer:
    """Start the Voilà dashboard and return a handle on it.

    Parameters
    ----------
    port : int, optional
        TCP port; a free one is picked when None. Voilà is told not to try other ports, so the
        returned ``url`` is exactly where the app listens.
    host : str
        Interface to bind (default loopback only).
    notebook : path, optional
        The notebook to serve (default: the dashboard that ships with the package).
    wait : bool
        Block until the server answers HTTP (up to ``timeout`` seconds).
    timeout : float
        How long ``wait`` waits for the server [s]; then it is stopped and an error raised.
    env : dict, optional
        Extra environment variables for the server (e.g. ``ALLIANCEKIT_DATA``).
    cwd : path, optional
        Working directory of the server (default the current directory).

    Returns
    -------
    AppServer
        Call ``stop()`` (or use it as a context manager) to end the server.

    Raises
    ------
    FileNotFoundError
        If the notebook does not exist.
    AllianceKitError
        If the server exits early or does not answer in time (the message holds its log).
    """
    nb = Path(notebook) if notebook is not None else default_notebook()
    nb = nb.resolve()
    if not nb.is_file():
        raise FileNotFoundError(f"dashboard notebook not found: {nb}")
    port = int(port) if port else find_free_port(host)
    tmp = tempfile.TemporaryDirectory(prefix="alliancekit-app-")
    base = Path(tmp.name)
    cmd = [
        sys.executable,
        "-m",
        "voila",
        str(nb),
        f"--port={port}",
        "--no-browser",
        f"--Voila.ip={host}",
        "--Voila.port_retries=0",
        "--template=alliancekit",
        f"--Voila.root_dir={nb.parent}",
        "--show_tracebacks=True",
    ]
    log_path = base / "voila.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            cmd,
            # relative paths typed in the app (an uploaded or named workspace) resolve from here
            cwd=Path(cwd) if cwd is not None else Path.cwd(),
            env=_server_env(base, env),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = AppServer(
        url=f"http://{host}:{port}/", port=port, process=process, log_path=log_path, _tmp=tmp
    )
    if wait:
        _wait_until_up(server, timeout)
    return server


def run_forever(port: int | None = None, host: str = "127.0.0.1") -> int:
    """Serve the app until Ctrl-C (used by ``alliancekit app``); returns an exit code."""
    server = serve(port=port, host=host)
    print(
        f"alliancekit app running at {server.url}  (Ctrl-C to stop; pid {server.pid})",
        flush=True,
    )

    def _terminate(signum: int, frame: object) -> None:
        raise SystemExit(0)

    # a SIGTERM to ``alliancekit app`` must still stop the Voilà server (own process group)
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        while server.running():
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.stop()
    return 0
