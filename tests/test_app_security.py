"""The web app against a hostile browser (issue 14): a real Voilà server on loopback.

No token → 403; a foreign ``Host`` (DNS rebinding) → 403; a WebSocket from another origin →
403; no traceback in the page; uploads over the limit refused; no server path in a message.
"""

from __future__ import annotations

import base64
import http.client
import io
import logging
import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from alliancekit import widgets
from alliancekit.app import AppServer, serve
from alliancekit.errors import DataValidationError
from alliancekit.widgets.upload import UploadFolders, load_upload, public_error

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """A notebook that shows a widget, then fails (its traceback must stay in the log)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import ipywidgets as w\nw.IntSlider(3)"),
        nbformat.v4.new_code_cell("raise ZeroDivisionError('secret detail /srv/private/x')"),
    ]
    path = tmp_path_factory.mktemp("app") / "fails.ipynb"
    nbformat.write(nb, path)
    app = serve(notebook=path)
    try:
        yield app
    finally:
        app.stop()


def _get(app: AppServer, path: str, headers: dict[str, str] | None = None) -> tuple[int, str, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", app.port, timeout=60)
    try:
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace"), dict(resp.getheaders())
    finally:
        conn.close()


def test_requests_without_the_token_are_refused(server: AppServer) -> None:
    for path in ("/", "/api/kernels", "/login", "/?token=wrong", "/voila/render/x"):
        assert _get(server, path)[0] == 403, path
    assert _get(server, f"/?token={server.token}")[0] == 200


def test_a_foreign_host_header_is_refused(server: AppServer) -> None:
    """DNS rebinding: a page at evil.example resolves its name to 127.0.0.1 and sends its Host."""
    page = f"/?token={server.token}"
    for host in ("evil.example", f"evil.example:{server.port}", "192.168.1.5", "0.0.0.0"):
        assert _get(server, page, {"Host": host})[0] == 403, host
    for host in (f"localhost:{server.port}", f"127.0.0.1:{server.port}", "127.0.0.2"):
        assert _get(server, page, {"Host": host})[0] == 200, host


def test_a_websocket_from_another_origin_is_refused(server: AppServer) -> None:
    _, page, headers = _get(server, f"/?token={server.token}")
    cookie = headers["Set-Cookie"].split(";")[0]
    kernel = re.search(r'"kernelId": "([0-9a-f-]{36})"', page)
    assert kernel, "no kernel id in the page"
    upgrade = {
        "Cookie": cookie,
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Version": "13",
    }
    for origin, expected in (
        ("http://evil.example", 403),
        (f"http://127.0.0.1:{server.port}", 101),
    ):
        key = base64.b64encode(os.urandom(16)).decode()
        headers = {**upgrade, "Origin": origin, "Sec-WebSocket-Key": key}
        assert _get(server, f"/api/kernels/{kernel.group(1)}/channels", headers)[0] == expected


def test_no_traceback_in_the_page_only_in_the_log(server: AppServer) -> None:
    status, page, _ = _get(server, f"/?token={server.token}")
    assert status == 200
    for leak in ("Traceback", "ZeroDivisionError", "/srv/private"):
        assert leak not in page
    assert "There was an error when executing cell" in page
    assert "ZeroDivisionError" in server.log()


# -- uploads ----------------------------------------------------------------------------------
def test_uploads_over_the_size_limit_are_refused_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert widgets.MAX_UPLOAD_BYTES == 8 * 2**20
    monkeypatch.setattr(widgets, "MAX_UPLOAD_BYTES", 1000)
    for name in ("big.xlsx", "big.zip"):
        with pytest.raises(DataValidationError, match=r"uploads are limited to 0\.000953674 MiB"):
            load_upload(name, b"x" * 1001, tmp_path / "u")
    assert not (tmp_path / "u").exists()


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_upload_messages_name_the_upload_never_a_server_folder() -> None:
    folders = UploadFolders()
    org = (ROOT / "data" / "greenscape" / "organization.yaml").read_bytes()
    bad = _zip({"ws/organization.yaml": org + b"\nbroken: [\n"})
    with pytest.raises(DataValidationError) as info:
        folders.load("mine.zip", bad)
    text = str(info.value) + repr(info.value.to_dict())
    assert "alliancekit-upload-" not in text and "/tmp" not in text
    with pytest.raises(DataValidationError) as info:
        folders.load("mine.zip", b"not a zip")
    assert str(info.value).startswith("mine.zip: not a zip file")


def test_an_unexpected_error_is_logged_and_shown_as_one_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    exc = OSError("/srv/secret/folder: boom")
    with caplog.at_level(logging.ERROR, logger="alliancekit.app"):
        shown = public_error(exc)
    assert "/srv/secret" not in str(shown) and "server's log" in str(shown)
    assert "/srv/secret/folder: boom" in caplog.text
    scrubbed = public_error(
        DataValidationError.single("x", file="/tmp/alliancekit-upload-1/u/ws"),
        {"/tmp/alliancekit-upload-1/u": "mine.zip"},
    )
    assert scrubbed.problems[0].file == "mine.zip/ws"
