"""The Voilà launcher (``alliancekit/app.py``) and ``alliancekit app``: real servers on loopback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

from alliancekit.app import default_notebook, find_free_port, serve
from alliancekit.errors import AllianceKitError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def tiny_notebook(tmp_path: Path) -> Path:
    """A one-cell notebook that shows a slider (enough for Voilà to render)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import ipywidgets as w\nw.IntSlider(3)")]
    folder = tmp_path / "notebooks"
    folder.mkdir()
    path = folder / "tiny.ipynb"
    nbformat.write(nb, path)
    return path


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait_closed(port: int, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _port_open(port):
            return True
        time.sleep(0.2)
    return False


def test_find_free_port_is_bindable() -> None:
    port = find_free_port()
    assert 1024 <= port <= 65535
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_default_notebook_is_the_dashboard() -> None:
    """The packaged dashboard, the same file as the repository's notebooks/dashboard.ipynb."""
    assert default_notebook() == (ROOT / "notebooks" / "dashboard.ipynb").resolve()


def test_serve_renders_and_stop_frees_the_port(tiny_notebook: Path) -> None:
    server = serve(notebook=tiny_notebook)
    try:
        assert server.url == f"http://127.0.0.1:{server.port}/"
        assert server.open_url == f"{server.url}?token={server.token}" and len(server.token) > 20
        assert server.running()
        with urllib.request.urlopen(server.open_url, timeout=60) as resp:
            page = resp.read().decode()
        assert resp.status == 200
        assert "voila" in page.lower()
    finally:
        server.stop()
    assert not server.running()
    assert _wait_closed(server.port)
    server.stop()  # idempotent


def test_serve_missing_notebook(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="dashboard notebook not found"):
        serve(notebook=tmp_path / "nope.ipynb")


def test_serve_port_in_use_fails_with_log(tiny_notebook: Path) -> None:
    """Voilà must not silently move to another port; the error carries its log."""
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        with pytest.raises(AllianceKitError, match=r"exited with code|did not answer"):
            serve(port=port, notebook=tiny_notebook, timeout=60)


def test_serve_that_fails_to_start_removes_its_temp_folder(
    tiny_notebook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that exits before answering is cleaned up like one that times out."""
    import tempfile

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        with pytest.raises(AllianceKitError, match=r"exited with code|did not answer") as info:
            serve(port=port, notebook=tiny_notebook, timeout=60)
        assert "voila" in str(info.value).lower()  # the log is in the message
        assert list(scratch.glob("alliancekit-app-*")) == []


def test_cli_app_serves_and_sigterm_stops_voila() -> None:
    """``alliancekit app --port N`` serves the dashboard; SIGTERM stops Voilà too."""
    port = find_free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "alliancekit.cli", "app", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert f"http://127.0.0.1:{port}/?token=" in line, line
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=10) as resp:
            assert resp.status < 500
    except urllib.error.HTTPError as exc:  # /api answers 403 without a token: it is up
        assert exc.code < 500
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    assert proc.returncode == 0
    assert _wait_closed(port)
