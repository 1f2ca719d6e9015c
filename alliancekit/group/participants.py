"""The participants of a group decision: ``people.csv`` (docs/group.md §1).

``people.csv`` columns: ``participant_id`` (id, Req.), ``name`` (Req.), ``role`` (Opt.),
``organisation`` (``own`` | ``partner`` | ``other``, Req.), ``weight`` (≥ 0, Opt.; blank = 1).
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pandas as pd

from alliancekit.errors import DataValidationError, Problem
from alliancekit.group.vocab import ParticipantOrganisation

__all__ = [
    "PEOPLE_FILE",
    "Participant",
    "check_id",
    "load_participants",
    "participants_frame",
    "to_participants",
]

PEOPLE_FILE = "people.csv"
_REQUIRED = ("participant_id", "name", "organisation")
_BAD_ID_CHARS = set(";:,/\\\"'*?<>|")


def check_id(text: str) -> str | None:
    """Why ``text`` is not a usable participant id (None when it is).

    Ids name files (``responses/<id>.json``), so they hold no spaces, none of ``;:,/\\"'*?<>|``
    and do not start with a dot.
    """
    if not text:
        return "is empty"
    if any(c.isspace() for c in text) or any(c in _BAD_ID_CHARS for c in text):
        return f"{text!r} contains a space or one of ; : , / \\ \" ' * ? < > |"
    if text.startswith("."):
        return f"{text!r} starts with a dot"
    return None


@dataclass(frozen=True)
class Participant:
    """One person taking part in a group decision.

    Attributes
    ----------
    participant_id : str
    name : str
    organisation : ParticipantOrganisation
        own, partner or other.
    role : str
    weight : float
        Relative weight of this person's judgements (≥ 0; 1 by default).
    """

    participant_id: str
    name: str
    organisation: ParticipantOrganisation
    role: str = ""
    weight: float = 1.0

    def __post_init__(self) -> None:
        org = ParticipantOrganisation.parse(self.organisation, what="organisation")
        object.__setattr__(self, "organisation", org)
        reason = check_id(str(self.participant_id))
        if reason:
            raise DataValidationError.single(f"participant_id {reason}", column="participant_id")
        weight = float(self.weight)
        if not math.isfinite(weight) or weight < 0:
            raise DataValidationError.single(
                f"participant {self.participant_id}: weight must be a number >= 0, got "
                f"{self.weight!r}",
                column="weight",
            )
        object.__setattr__(self, "weight", weight)


def _row_problems(row: Mapping[str, str], line: int, label: str) -> list[Problem]:
    problems = []
    for col in _REQUIRED:
        if not (row.get(col) or "").strip():
            problems.append(Problem(label, line, col, "required value is empty"))
    pid = (row.get("participant_id") or "").strip()
    reason = check_id(pid) if pid else None
    if reason:
        problems.append(Problem(label, line, "participant_id", f"participant_id {reason}"))
    org = (row.get("organisation") or "").strip()
    if org:
        try:
            ParticipantOrganisation.parse(org)
        except DataValidationError:
            allowed = ", ".join(ParticipantOrganisation.values())
            problems.append(
                Problem(label, line, "organisation", f"{org!r} is not one of: {allowed}")
            )
    weight = (row.get("weight") or "").strip()
    if weight:
        try:
            value = float(weight)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0:
            problems.append(Problem(label, line, "weight", f"{weight!r} is not a number >= 0"))
    return problems


def load_participants(path: str | os.PathLike[str]) -> tuple[Participant, ...]:
    """Read and validate ``people.csv`` (or the ``people.csv`` inside a folder).

    Returns
    -------
    tuple of Participant
        In file order.

    Raises
    ------
    DataValidationError
        Every problem found, each naming ``people.csv``, the row (header = 1) and the column.
    """
    p = Path(path)
    if p.is_dir():
        p = p / PEOPLE_FILE
    label = p.name
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DataValidationError.single(
            f"cannot read the participants table ({exc.strerror})", file=label
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise DataValidationError.single(
            f"missing column(s) {', '.join(missing)}; expected participant_id, name, role, "
            "organisation, weight",
            file=label,
            row=1,
        )
    problems: list[Problem] = []
    out: list[Participant] = []
    seen: dict[str, int] = {}
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        if not any(row.values()):
            continue
        found = _row_problems(row, line, label)
        pid = row.get("participant_id", "")
        if pid in seen:
            found.append(
                Problem(
                    label,
                    line,
                    "participant_id",
                    f"{pid!r} is used twice (first on row {seen[pid]})",
                )
            )
        seen.setdefault(pid, line)
        problems += found
        if not found:
            out.append(
                Participant(
                    pid,
                    row["name"],
                    row["organisation"],
                    row.get("role", ""),
                    float(row["weight"]) if row.get("weight") else 1.0,
                )
            )
    if problems:
        raise DataValidationError(problems)
    if not out:
        raise DataValidationError.single("no participants listed", file=label, row=2)
    return tuple(out)


def to_participants(
    participants: str | os.PathLike[str] | pd.DataFrame | Iterable[Participant | Mapping],
) -> tuple[Participant, ...]:
    """Participants from a people.csv path, a DataFrame with its columns, or records."""
    if isinstance(participants, (str, os.PathLike)):
        return load_participants(participants)
    if isinstance(participants, pd.DataFrame):
        frame = participants.reset_index() if "participant_id" not in participants else participants
        records: Iterable[Any] = frame.to_dict(orient="records")
    else:
        records = participants
    names = {f.name for f in fields(Participant)}
    out = []
    for rec in records:
        if isinstance(rec, Participant):
            out.append(rec)
            continue
        given = {k: v for k, v in dict(rec).items() if k in names}
        if given.get("weight") is None or pd.isna(given.get("weight")):
            given.pop("weight", None)
        out.append(Participant(**given))
    ids = [p.participant_id for p in out]
    if len(set(ids)) != len(ids) or not ids:
        raise DataValidationError.single(
            "participants must be listed once each (and at least one)", column="participant_id"
        )
    return tuple(out)


def participants_frame(participants: Iterable[Participant]) -> pd.DataFrame:
    """Participants as a DataFrame indexed by ``participant_id`` (organisation as its value)."""
    rows = [
        {
            "participant_id": p.participant_id,
            "name": p.name,
            "role": p.role,
            "organisation": p.organisation.value,
            "weight": p.weight,
        }
        for p in participants
    ]
    columns = ["participant_id", "name", "role", "organisation", "weight"]
    return pd.DataFrame(rows, columns=columns).set_index("participant_id")
