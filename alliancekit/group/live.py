"""Live workshops without widgets: personal links, their keys, and locked submissions.

``alliancekit survey live`` (docs/group.md §7.3) prints one link per person in ``people.csv``:
the server's URL and token, the participant id and a key, HMAC-SHA256 of the id under the
server's token (:func:`participant_key`), so a link edited to another id is refused. The
participant page (:mod:`alliancekit.widgets.participant`) stores each answer through
:func:`submit_response`: a file lock, then :func:`~alliancekit.group.responses.save_response`
(temporary file, then rename), so people submitting at once lose nothing. Bundled samples are
never written into (:func:`check_writable`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from alliancekit.errors import AllianceKitError, DataValidationError

__all__ = [
    "LOCK_TIMEOUT",
    "WORKSPACE_ENV",
    "check_writable",
    "participant_key",
    "participant_links",
    "submit_response",
]

#: Environment variable naming the workspace folder the participant page writes into.
WORKSPACE_ENV = "ALLIANCEKIT_WORKSPACE"
_KEY_CONTEXT = "alliancekit participant link v1:"
#: How long a submission waits for another one to finish writing [s].
LOCK_TIMEOUT = 30.0


def participant_key(secret: str, participant_id: str) -> str:
    """The personal key of a participant's link: HMAC-SHA256 of the id under ``secret``.

    Parameters
    ----------
    secret : str
        The app's token (``JUPYTER_TOKEN`` of the server).
    participant_id : str

    Returns
    -------
    str
        24 hexadecimal characters (96 bits).
    """
    message = (_KEY_CONTEXT + str(participant_id)).encode("utf-8")
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()[:24]


def participant_links(url: str, token: str, participants: Iterable[Any]) -> dict[str, str]:
    """Each participant's personal link to the participant page.

    Parameters
    ----------
    url : str
        Base URL of the server (``AppServer.url``).
    token : str
        The server's token (``AppServer.token``).
    participants : iterable of Participant or str
        From :func:`alliancekit.group.load_participants` (or ids).

    Returns
    -------
    dict
        Participant id -> URL with ``token``, ``participant`` and ``key``.
    """
    out = {}
    for p in participants:
        pid = str(getattr(p, "participant_id", p))
        query = urlencode({"token": token, "participant": pid, "key": participant_key(token, pid)})
        out[pid] = f"{url}?{query}"
    return out


def check_writable(folder: str | os.PathLike[str]) -> Path:
    """The workspace folder, if answers may be written into it.

    Raises
    ------
    DataValidationError
        For a sample bundled with alliancekit (it belongs to the installation; copy it first)
        or a folder that does not exist.
    """
    from alliancekit.resources import samples_dir

    path = Path(folder).resolve()
    if not path.is_dir():
        raise DataValidationError.single(
            "the workspace folder does not exist", file=str(folder), column="workspace"
        )
    if path.is_relative_to(samples_dir().resolve()):
        raise DataValidationError.single(
            "this is a sample bundled with alliancekit; answers are never written into it. "
            "Copy the folder (e.g. cp -r data/greenscape my-workshop) and start the page on "
            "the copy",
            file=str(folder),
            column="workspace",
        )
    return path


def submit_response(
    folder: str | os.PathLike[str], participant_id: str, judgements: Mapping[str, Any]
) -> Path:
    """Store one participant's answer in ``folder/responses/``, safely beside other submissions.

    Holds ``responses/.submit.lock`` (``filelock``) while
    :func:`alliancekit.group.save_response` writes a temporary file and renames it into
    ``responses/<participant_id>.json``.

    Parameters
    ----------
    folder : path
        The workspace folder (not a bundled sample: :func:`check_writable`).
    participant_id : str
    judgements : Mapping
        ``pairwise`` (criteria × criteria on the 1–9 scale) or ``weights`` (points ≥ 0), and
        optionally ``ratings``.

    Returns
    -------
    Path
        The file written.
    """
    import filelock

    from alliancekit.group.responses import RESPONSES_DIR, save_response

    path = check_writable(folder)
    (path / RESPONSES_DIR).mkdir(exist_ok=True)
    lock = filelock.FileLock(str(path / RESPONSES_DIR / ".submit.lock"))
    try:
        with lock.acquire(timeout=LOCK_TIMEOUT):
            return save_response(path, participant_id, judgements)
    except filelock.Timeout:
        raise AllianceKitError(
            f"another submission held the lock for more than {LOCK_TIMEOUT:g} s; "
            "submit again in a moment"
        ) from None
