"""The web app: serve ``notebooks/dashboard.ipynb`` with Voilà on the loopback interface.

``serve()`` starts ``python -m voila`` (the interpreter running alliancekit, so the app sees the
same packages) in its own process group, waits until the server answers HTTP, and returns an
``AppServer`` handle whose ``stop()`` ends that process group by PID. Jupyter's config, data and
runtime directories point at a private temporary folder unless the caller's environment already
sets them, so the app never writes into ``$HOME`` and works when run as root.

Security, as for a Jupyter server on a laptop: every start makes a random token, and only a
request carrying it (``?token=…`` in the printed URL; a cookie afterwards) is served: any other
gets 403, so a web page in the same browser cannot read the app or use its kernel. Requests
whose ``Host`` is not 127.0.0.1, localhost or another loopback address get 403 (a page reaching
the app by DNS rebinding names its own host), and a WebSocket from another origin is refused
(Jupyter's same-origin check). Tracebacks are never shown in the page (a short message there;
the details in the server's log).
"""

from __future__ import annotations

import contextlib
import inspect
import os
import secrets
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
from typing import Any

from alliancekit.errors import AllianceKitError, PackagedFileMissingError

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


def _token_identity_provider() -> type:
    """Jupyter's token check without its login page: a request without the token gets 403.

    Voilà's default (``PasswordIdentityProvider``) redirects such a request to a page asking
    for the token; refusing it outright is what a script, a scheduler and a foreign web page
    should see. Made on first use (``TokenIdentityProvider``), in the Voilà process only.
    """
    from jupyter_server.auth.identity import PasswordIdentityProvider
    from tornado import web

    class TokenIdentityProvider(PasswordIdentityProvider):
        async def get_user(self, handler: Any) -> Any:
            user = super().get_user(handler)
            if inspect.isawaitable(user):
                user = await user
            if user is None:
                handler.current_user = None  # the 403 page must not ask for it again
                raise web.HTTPError(403, "this app needs the token of the URL it printed")
            return user

    return TokenIdentityProvider


def __getattr__(name: str) -> Any:
    """``TokenIdentityProvider``, made on first use (Voilà imports it by name)."""
    if name == "TokenIdentityProvider":
        return _token_identity_provider()
    raise AttributeError(f"module 'alliancekit.app' has no attribute {name!r}")


@dataclass
class AppServer:
    """Handle on a running Voilà server (returned by ``serve``).

    Attributes
    ----------
    url : str
        Base URL of the app, e.g. ``http://127.0.0.1:8866/`` (without the token: requests need
        ``open_url`` or the token).
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
    token: str = field(default="", repr=False)
    _tmp: tempfile.TemporaryDirectory | None = field(default=None, repr=False)

    @property
    def open_url(self) -> str:
        """The URL to open in a browser: ``url`` with the token (``?token=…``)."""
        return f"{self.url}?token={self.token}" if self.token else self.url

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
            with urllib.request.urlopen(server.open_url, timeout=2) as resp:
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
    preheat: bool | None = None,
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
    preheat : bool, optional
        Keep one kernel that has already run the notebook waiting for the next visitor
        (Voilà's ``preheat_kernel`` with a pool of 1), so the page is usable at once instead
        of after the notebook runs (benchmarks/bench_app.py measures both). Default: on for
        the dashboard, off for another notebook (a page that reads its link's query string,
        like the participant page, must run when it is requested).

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
    if preheat is None:
        preheat = notebook is None
    nb = Path(notebook) if notebook is not None else default_notebook()
    nb = nb.resolve()
    if not nb.is_file():
        if notebook is None:  # pragma: no cover - a broken installation
            raise PackagedFileMissingError(nb)
        raise FileNotFoundError(f"dashboard notebook not found: {nb}")
    port = int(port) if port else find_free_port(host)
    token = secrets.token_urlsafe(24)
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
        # the token is passed in the environment (JUPYTER_TOKEN), never on the command line,
        # where every account on the machine could read it (ps)
        "--Voila.auto_token=True",
        "--Voila.identity_provider_class=alliancekit.app.TokenIdentityProvider",
        # Voilà turns Jupyter's Host check off; tornado settings applied last turn it back on
        "--Voila.tornado_settings={'allow_remote_access': False}",
        "--show_tracebacks=False",
        f"--preheat_kernel={bool(preheat)}",
        f"--pool_size={1 if preheat else 0}",
    ]
    log_path = base / "voila.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            cmd,
            # relative paths typed in the app (an uploaded or named workspace) resolve from here
            cwd=Path(cwd) if cwd is not None else Path.cwd(),
            env=_server_env(base, {**(env or {}), "JUPYTER_TOKEN": token}),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = AppServer(
        url=f"http://{host}:{port}/",
        port=port,
        process=process,
        log_path=log_path,
        token=token,
        _tmp=tmp,
    )
    if wait:
        _wait_until_up(server, timeout)
    return server


def run_forever(
    port: int | None = None,
    host: str = "127.0.0.1",
    *,
    notebook: str | os.PathLike[str] | None = None,
    env: dict[str, str] | None = None,
    announce: Any = None,
) -> int:
    """Serve the app until Ctrl-C (used by ``alliancekit app``); returns an exit code.

    ``notebook`` and ``env`` go to :func:`serve`; ``announce(server)`` gives the text printed
    once the server answers (default: the app's URL with its token).
    """
    server = serve(port=port, host=host, notebook=notebook, env=env)
    default = f"alliancekit app running at {server.open_url}  (Ctrl-C to stop; pid {server.pid})"
    print(announce(server) if announce else default, flush=True)

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
