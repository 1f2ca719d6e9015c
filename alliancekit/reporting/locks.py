"""Exclusive locks that serialise runs of the same report (and the decision log and index)."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from alliancekit.errors import ReportError
from alliancekit.reporting.files import utc_now

__all__ = ["exclusive_lock"]


def _lock_refused(what: str, path: Path, timeout: float, holder: str = "") -> ReportError:
    return ReportError(
        f"another run holds the lock for {what} ({path}{'; ' + holder if holder else ''}); "
        f"gave up after {timeout:g} s"
    )


@contextlib.contextmanager
def _file_lock(path: Path, timeout: float, what: str) -> Iterator[None]:  # pragma: no cover
    """Elsewhere than POSIX: the ``filelock`` package."""
    import filelock

    lock = filelock.FileLock(str(path))
    try:
        lock.acquire(timeout=max(timeout, 0))
    except filelock.Timeout:
        raise _lock_refused(what, path, timeout) from None
    try:
        yield
    finally:
        lock.release()


@contextlib.contextmanager
def exclusive_lock(path: Path, timeout: float, what: str) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (waiting up to ``timeout`` s) or raise ReportError.

    POSIX: ``fcntl.flock`` on the lock file (released by the OS if the holder dies, so a
    crashed run never leaves a stale lock); the holder's pid is written into the file for the
    error message. Elsewhere: the ``filelock`` package.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        with _file_lock(path, timeout, what):
            yield
        return

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + max(timeout, 0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
                    raise _lock_refused(what, path, timeout, holder) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"held by pid {os.getpid()} since {utc_now()}".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
