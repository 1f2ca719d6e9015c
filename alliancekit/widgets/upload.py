"""A user's own workspace from the app's upload button: an ``.xlsx`` workbook or a zipped folder.

Uploads are refused before anything is written when a zip is over the limits; every upload is
unpacked into a fresh folder, so nothing of an earlier upload of the same name leaks into it.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from alliancekit.errors import DataValidationError
from alliancekit.model import Workspace

__all__ = [
    "MAX_UPLOAD_MEMBERS",
    "MAX_UPLOAD_UNPACKED_BYTES",
    "UploadFolders",
    "load_upload",
    "upload_items",
]

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


def load_upload(name: str, content: bytes, folder: Path) -> Workspace:
    """Load an uploaded ``.xlsx`` workbook or ``.zip`` of a workspace folder (CSV + YAML).

    A .zip is refused before unpacking when it holds more than ``MAX_UPLOAD_MEMBERS`` entries
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
        raise DataValidationError.single(f"not a zip file: {exc}", file=safe) from exc
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
        """:func:`load_upload` into a fresh folder (raises as it does)."""
        folder = Path(tempfile.mkdtemp(prefix="u", dir=self._tmp.name))
        return load_upload(name, content, folder)
