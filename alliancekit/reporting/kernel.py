"""The Jupyter kernel reports run on: always this interpreter, over private Unix sockets."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from functools import cache

from alliancekit.errors import ReportError
from alliancekit.reporting.deferred import kernel_env

__all__ = ["check_ipykernel", "project_kernel_manager"]


@cache
def project_kernel_manager(*, defer_charts: bool = False) -> type:
    """An ``AsyncKernelManager`` whose ``python3`` kernel is always this interpreter.

    jupyter_client looks kernel specs up in the user's data dir before the environment's, so a
    ``python3`` kernel registered for some other Python would otherwise win. For the kernel name
    ``python3`` this manager builds the spec itself: ``sys.executable -m ipykernel_launcher``,
    i.e. the project's virtual environment when the runner runs from it. Other kernel names go
    through the normal lookup.

    Parameters
    ----------
    defer_charts : bool
        Let the process running the notebook draw the report's charts (``python3`` kernels
        only; see ``alliancekit.reporting.deferred``): the runner must then put them in place.
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
                    # explicit either way: a kernel started from a report kernel inherits "1"
                    env=kernel_env(defer_charts),
                )
            return super().kernel_spec

    return ProjectKernelManager


def check_ipykernel() -> None:
    """Raise ReportError when ipykernel is missing for this interpreter (a broken install)."""
    import importlib.util

    if importlib.util.find_spec("ipykernel") is None:  # pragma: no cover - broken install
        raise ReportError(
            f"ipykernel is not installed for {sys.executable}; install the project's "
            "dependencies (make install) and run alliancekit from its environment"
        )
