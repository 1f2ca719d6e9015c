"""Shared fixtures. Module-specific fixtures live in the test module that uses them."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from alliancekit.reporting.printing import HEADLESS_FLAGS, chromium_env

# CI is derandomised (the same examples every run, so a red build is reproducible); a developer's
# ``make test`` explores new examples each run. HYPOTHESIS_PROFILE overrides either.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: object, request: object) -> object:
    os.environ.pop("PYTEST_CURRENT_TEST", None)
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> object:
    """Kernels, Voila servers and CLI subprocesses must not see ``PYTEST_CURRENT_TEST``.

    ipykernel stops forwarding what C code writes to file descriptor 1 when that variable is set,
    so with it a solver banner printed inside a kernel would never reach the notebook outputs a
    test inspects, although it reaches every real user's notebook, report and web app. Pytest sets
    the variable just before fixtures and the test body run, hence these two hooks.
    """
    os.environ.pop("PYTEST_CURRENT_TEST", None)
    return (yield)


ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SAMPLES = ("sanchar-apps", "greenscape", "norden-pumpen")
CHROMIUM = "/usr/bin/chromium"
#: Headless Chromium flags of DESIGN.md (Debian's chromium, never ``playwright install``).
CHROMIUM_ARGS = list(HEADLESS_FLAGS)


@pytest.fixture(autouse=True, scope="session")
def _isolated_jupyter_dirs(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Point Jupyter/IPython config and runtime dirs at temp dirs so tests never touch $HOME."""
    base = tmp_path_factory.mktemp("jupyter")
    for var, sub in (
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("IPYTHONDIR", "ipython"),
    ):
        path = base / sub
        path.mkdir()
        os.environ.setdefault(var, str(path))
    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(params=SAMPLES)
def sample_name(request: pytest.FixtureRequest) -> str:
    """Each bundled sample workspace name in turn."""
    return request.param


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The Chromium binary; skip when it is missing, fail instead if ALLIANCEKIT_REQUIRE_BROWSER."""
    path = CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")
    if path:
        return path
    if os.environ.get("ALLIANCEKIT_REQUIRE_BROWSER"):
        pytest.fail("ALLIANCEKIT_REQUIRE_BROWSER is set but chromium is not installed")
    pytest.skip("chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="session")
def launch_chromium(chromium_path: str) -> Callable[[], contextlib.AbstractContextManager[Any]]:
    """``with launch_chromium() as browser:`` a headless Playwright Chromium, closed on exit.

    A factory rather than a browser so each test module picks how long its browser lives.
    """

    @contextlib.contextmanager
    def launch() -> Iterator[Any]:
        from playwright.sync_api import sync_playwright

        with tempfile.TemporaryDirectory(prefix="ak-chromium-") as fonts, sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=chromium_path,
                args=CHROMIUM_ARGS,
                headless=True,
                env=chromium_env(Path(fonts)),  # the fonts reports' charts are drawn with
            )
            try:
                yield browser
            finally:
                browser.close()

    return launch


@pytest.fixture(scope="module")
def browser(launch_chromium: Callable[[], contextlib.AbstractContextManager[Any]]) -> Iterator[Any]:
    """One headless Chromium per test module (the browser journeys share it)."""
    with launch_chromium() as b:
        yield b


#: Node ids of the slowest tests of the quick loop (tests/slow_tests.txt, from --durations).
_SLOW_IDS = frozenset(
    line.strip()
    for line in (Path(__file__).parent / "slow_tests.txt").read_text("utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests listed in tests/slow_tests.txt 'slow' (make test-fast leaves them out)."""
    for item in items:
        if item.nodeid in _SLOW_IDS:
            item.add_marker(pytest.mark.slow)
