"""A user's own workspace from the app's upload button: an ``.xlsx`` workbook or a zipped folder.

Uploads are refused before anything is written when they are over the limits (the file's size,
a zip's entries and unpacked size); every upload is unpacked into a fresh folder, so nothing of
an earlier upload of the same name leaks into it. What the app shows about an upload names the
uploaded file, never a folder of the server (``public_error``).
"""

from __future__ import annotations

import io
import logging
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from alliancekit.errors import AllianceKitError, DataValidationError, Problem
from alliancekit.model import Workspace

__all__ = [
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_MEMBERS",
    "MAX_UPLOAD_UNPACKED_BYTES",
    "UploadFolders",
    "load_upload",
    "public_error",
    "upload_items",
]

_LOG = logging.getLogger("alliancekit.app")

#: Largest uploaded file [bytes], .xlsx or .zip: checked before it is written or read. The
#: browser sends an upload in one WebSocket message, and Jupyter's server accepts at most 10 MiB
#: per message; a workspace with 60,000 KPI rows is a workbook of about 3 MB.
MAX_UPLOAD_BYTES = 8 * 2**20

#: Limits on an uploaded .zip, checked before anything is unpacked (a "zip bomb" of a few kB
#: can declare gigabytes): total unpacked size [bytes] and number of entries. A workspace with
#: 60,000 KPI rows is about 5 MB of CSV. Set them on ``alliancekit.widgets`` (read at each upload).
MAX_UPLOAD_UNPACKED_BYTES = 200 * 2**20
MAX_UPLOAD_MEMBERS = 1000


def upload_items(value: Any) -> list[tuple[str, bytes]]:
    """(name, content) pairs from a FileUpload value (ipywidgets 8 tuple of dicts)."""
    items = value.values() if isinstance(value, Mapping) else value
    out = []
    for item in items or ():
        name = str(item.get("name", "upload"))
        content = item.get("content", b"")
        out.append((name, bytes(content)))
    return out


def _limits() -> tuple[int, int]:
    """(entries, bytes) in force: the package's ``MAX_UPLOAD_*``, where users and tests set them."""
    from alliancekit import widgets

    return int(widgets.MAX_UPLOAD_MEMBERS), int(widgets.MAX_UPLOAD_UNPACKED_BYTES)


def _check_size(safe: str, content: bytes) -> None:
    """Refuse an upload over ``MAX_UPLOAD_BYTES`` before anything is written."""
    from alliancekit import widgets

    limit = int(getattr(widgets, "MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES))
    if len(content) > limit:
        raise DataValidationError.single(
            f"the file is {len(content) / 2**20:,.1f} MiB; uploads are limited to "
            f"{limit / 2**20:g} MiB (run 'alliancekit validate' or a report on larger "
            "workspaces from the command line)",
            file=safe,
        )


def load_upload(name: str, content: bytes, folder: Path) -> Workspace:
    """Load an uploaded ``.xlsx`` workbook or ``.zip`` of a workspace folder (CSV + YAML).

    A file over ``MAX_UPLOAD_BYTES`` is refused before it is written; a .zip is refused before
    unpacking when it holds more than ``MAX_UPLOAD_MEMBERS`` entries
    or declares more than ``MAX_UPLOAD_UNPACKED_BYTES`` unpacked (``zipfile`` never returns more
    than an entry declares); entries with absolute paths or ``..`` are skipped.

    Parameters
    ----------
    name : str
        The uploaded file's name (only its last part is used).
    content : bytes
        The file's bytes.
    folder : Path
        Where to write the workbook or unpack the zip (created if missing).

    Raises
    ------
    DataValidationError
        For a malformed workspace, a zip over the limits, or a file that is neither .xlsx
        nor .zip.
    """
    from alliancekit.workspace import load_workspace

    safe = Path(name).name or "upload"
    suffix = Path(safe).suffix.lower()
    _check_size(safe, content)
    folder.mkdir(parents=True, exist_ok=True)
    if suffix == ".xlsx":
        path = folder / safe
        path.write_bytes(content)
        return load_workspace(path)
    if suffix == ".zip":
        return load_workspace(_unpack(safe, content, folder / Path(safe).stem))
    raise DataValidationError.single(
        "upload a workspace .xlsx workbook or a .zip of its CSV folder", file=safe
    )


def _unpack(safe: str, content: bytes, target: Path) -> Path:
    """Unpack the zip ``safe`` into ``target``; the folder holding its organization.yaml."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            members = zf.infolist()
            _check_limits(safe, members)
            for member in members:
                member_path = Path(member.filename)
                if member.is_dir() or member_path.is_absolute() or ".." in member_path.parts:
                    continue
                out = target / member_path
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(zf.read(member))
    except zipfile.BadZipFile as exc:
        raise DataValidationError.single(
            "not a zip file (damaged, or another format renamed .zip)", file=safe
        ) from exc
    hits = sorted(p.parent for p in target.rglob("organization.yaml"))
    if not hits:
        raise DataValidationError.single("the zip holds no organization.yaml", file=safe)
    return hits[0]


def _check_limits(safe: str, members: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip with too many entries or too many declared bytes."""
    max_members, max_bytes = _limits()
    unpacked = sum(m.file_size for m in members)
    if len(members) > max_members or unpacked > max_bytes:
        raise DataValidationError.single(
            f"the zip holds {len(members)} entries, {unpacked / 2**20:,.1f} MB unpacked; the "
            f"limit is {max_members} entries and {max_bytes / 2**20:,.0f} MB (upload only the "
            "workspace folder)",
            file=safe,
        )


class UploadFolders:
    """A private temporary folder, removed with this object, holding one fresh folder per upload.

    A re-upload of a name (or a retry after a failed upload) must not pick up files unpacked by
    an earlier upload, so every ``load`` writes into a new folder.
    """

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="alliancekit-upload-")

    def load(self, name: str, content: bytes) -> Workspace:
        """:func:`load_upload` into a fresh folder; errors name the upload, not the folder.

        Raises
        ------
        AllianceKitError
            As ``load_upload``, with every server path replaced by the uploaded file's name
            (``public_error``); an unexpected error is logged and becomes a short message.
        """
        folder = Path(tempfile.mkdtemp(prefix="u", dir=self._tmp.name))
        try:
            return load_upload(name, content, folder)
        except Exception as exc:
            raise public_error(exc, {str(folder): Path(name).name or "upload"}) from None


def _scrub(text: str, paths: Mapping[str, str]) -> str:
    for path, shown in paths.items():
        text = text.replace(path, shown)
    return text


def public_error(exc: BaseException, paths: Mapping[str, str] | None = None) -> AllianceKitError:
    """``exc`` as the app may show it: server paths replaced, never a traceback.

    ``paths`` maps server folders to what users call them (an upload's temporary folder to the
    uploaded file's name). A validation error keeps every problem, its paths replaced; another
    ``AllianceKitError`` its message; any other exception is a bug: logged in full (the server's
    log) and shown as one line that says so.
    """
    paths = {k: v for k, v in (paths or {}).items() if k}
    if isinstance(exc, DataValidationError):
        problems = [
            Problem(_scrub(p.file, paths), p.row, p.column, _scrub(p.message, paths))
            for p in exc.problems
        ]
        return DataValidationError(problems, truncated=exc.truncated)
    if isinstance(exc, AllianceKitError):
        text = _scrub(str(exc), paths)
        if text == str(exc):
            return exc
        out = AllianceKitError(text)
        return out
    _LOG.error("unexpected error in the app", exc_info=(type(exc), exc, exc.__traceback__))
    return AllianceKitError(
        f"an unexpected error ({type(exc).__name__}) stopped this; it is a bug in alliancekit, "
        "and the details were written to the server's log"
    )
