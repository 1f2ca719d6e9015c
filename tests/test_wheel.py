"""The built wheel is a real package: installed into a fresh venv, its main jobs work from an
empty folder (samples, report, app, teaching notebook and new case all come from package data).

Slow (it builds a wheel and installs the locked dependencies into a new venv), so marked ``slow``;
CI runs it through ``make test``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT
from solver_text import assert_no_solver_text

pytestmark = pytest.mark.slow


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> str:
    done = subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{cmd} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    assert_no_solver_text(done.stdout + done.stderr, what=" ".join(cmd[:3]))
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A fresh venv holding the locked dependencies and the freshly built wheel."""
    base = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(ROOT), "-w",
         str(base / "dist")],
        check=True, env=env, capture_output=True,
    )  # fmt: skip
    wheel = next((base / "dist").glob("alliancekit-*.whl"))
    subprocess.run([sys.executable, "-m", "venv", str(base / "venv")], check=True)
    py = base / "venv" / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", "-r", str(ROOT / "requirements.lock")],
        check=True, env=env, capture_output=True, timeout=1200,
    )  # fmt: skip
    subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)],
        check=True, env=env, capture_output=True,
    )  # fmt: skip
    env["PATH"] = f"{py.parent}{os.pathsep}{env.get('PATH', '')}"
    dirs = (("JUPYTER_CONFIG_DIR", "jc"), ("JUPYTER_DATA_DIR", "jd"), ("IPYTHONDIR", "ip"))
    for var, sub in dirs:
        (base / sub).mkdir()
        env[var] = str(base / sub)
    empty = base / "empty"
    empty.mkdir()
    return empty, env


def test_installed_package_is_not_the_source_tree(installed: tuple[Path, dict[str, str]]) -> None:
    empty, env = installed
    out = _run(["python", "-c", "import alliancekit; print(alliancekit.__file__)"], empty, env)
    assert "site-packages" in out and str(ROOT / "alliancekit") not in out


def test_sample_workspace_and_python_m(installed: tuple[Path, dict[str, str]]) -> None:
    empty, env = installed
    code = "import alliancekit as ak; print(len(ak.sample_workspace('greenscape').candidates))"
    assert _run(["python", "-c", code], empty, env).strip() == "14"
    assert "OK greenscape" in _run(["python", "-m", "alliancekit", "validate", "greenscape"],
                                   empty, env)  # fmt: skip


def test_report_from_an_empty_folder(installed: tuple[Path, dict[str, str]]) -> None:
    empty, env = installed
    out = _run(["alliancekit", "report", "greenscape", "--out", "reports", "--format", "json"],
               empty, env)  # fmt: skip
    result = json.loads(out)
    assert result["status"] == "ok" and result["exit_code"] == 0
    html = Path(result["reports"][0]["html"]).read_text(encoding="utf-8")
    assert "GreenScape" in html
    assert_no_solver_text(html, what="review.html")
    assert not list((empty / "reports").rglob("*.lock.tmp"))


def test_select_new_case_and_teach(installed: tuple[Path, dict[str, str]]) -> None:
    empty, env = installed
    assert "selected partners" in _run(["alliancekit", "select", "greenscape"], empty, env)
    assert "wrote" in _run(["alliancekit", "new-case", "case", "--seed", "46", "--candidates",
                            "4"], empty, env)  # fmt: skip
    _run(["alliancekit", "teach", "--student", "student.ipynb"], empty, env)
    assert (empty / "student.ipynb").is_file()


def test_app_serves_from_an_empty_folder(installed: tuple[Path, dict[str, str]]) -> None:
    empty, env = installed
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        ["alliancekit", "app", "--port", str(port)],
        cwd=empty, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        url = line.split()[4]  # issue 14: the printed URL carries the app's token
        assert url.startswith(f"http://127.0.0.1:{port}/?token="), line
        deadline = time.monotonic() + 120
        status = None
        while time.monotonic() < deadline and status is None:
            try:
                with urllib.request.urlopen(url, timeout=5) as resp:
                    status = resp.status
            except OSError:
                time.sleep(0.5)
        assert status == 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
