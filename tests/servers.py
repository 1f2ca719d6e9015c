"""Servers the tests start as processes of their own: `alliancekit app`, `survey live`,
JupyterLab. One way to give them private Jupyter folders and one way to stop them."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JUPYTER_VARS = ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR")


def jupyter_env(base: Path) -> dict[str, str]:
    """``os.environ`` with Jupyter's and IPython's folders made fresh under ``base``."""
    env = dict(os.environ)
    for var in JUPYTER_VARS:
        (base / var).mkdir(parents=True, exist_ok=True)
        env[var] = str(base / var)
    return env


@contextlib.contextmanager
def cli_server(*args: str, env: dict[str, str]) -> Iterator[subprocess.Popen[str]]:
    """``python -m alliancekit.cli ARGS`` in its own session, output on ``proc.stdout``;
    stopped on exit by SIGTERM (the CLI stops its Voila process group), then SIGKILL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "alliancekit.cli", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        yield proc
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
