"""Participants' answers: one file per participant in the workspace folder ``responses/``.

Two paths lead there (docs/group.md §1): a survey workbook filled in offline and dropped into
``responses/`` (read by :mod:`alliancekit.group.survey`), or an answer stored directly by
:func:`save_response` (the app's participant mode; ``import_survey_workbook`` stores a workbook
the same way). :func:`save_response` writes ``responses/<participant_id>.json`` through a
temporary file and an atomic rename, so two people submitting at once never lose an answer
and a crash never leaves half a file. :func:`load_responses` reads every ``*.json`` and
``*.xlsx`` there and names each bad answer by participant, file, sheet and cell.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError, Problem
from alliancekit.group.participants import (
    PEOPLE_FILE,
    Participant,
    check_id,
    load_participants,
    participants_frame,
)
from alliancekit.group.vocab import SurveyMode
from alliancekit.model import Workspace
from alliancekit.results import Result

__all__ = [
    "RATED_CRITERIA",
    "RESPONSES_DIR",
    "GroupResponses",
    "Response",
    "load_responses",
    "responses_folder",
    "save_response",
]

RESPONSES_DIR = "responses"
FORMAT = "alliancekit-response"
VERSION = 1
#: Criteria a participant may rate candidates on, by the candidate field they stand for [1–5].
RATED_CRITERIA: Mapping[str, str] = {
    "C3": "goal_compat",
    "C4": "culture_compat",
    "C5": "commitment",
    "C10": "learning",
    "C11": "flexibility",
}


@dataclass(frozen=True)
class Response:
    """One participant's answers.

    Attributes
    ----------
    participant_id : str
    mode : SurveyMode
        ``pairwise`` (``pairwise`` is set) or ``direct`` (``weights`` is set).
    criteria : tuple of str
        Criterion codes judged, in order.
    pairwise : DataFrame or None
        Criteria × criteria judgements on Saaty's 1–9 scale, reciprocal, diagonal 1.
    weights : Series or None
        Direct points by criterion (≥ 0; normalised when aggregated).
    ratings : DataFrame or None
        Candidate × rated criterion [1–5]; NaN where not rated.
    source : str
        File the answer was read from.
    submitted : str
        ISO 8601 time of saving (UTC), when known.
    """

    participant_id: str
    mode: SurveyMode
    criteria: tuple[str, ...]
    pairwise: pd.DataFrame | None = None
    weights: pd.Series | None = None
    ratings: pd.DataFrame | None = None
    source: str = ""
    submitted: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "mode", SurveyMode.parse(self.mode, what="mode"))
        object.__setattr__(self, "criteria", tuple(str(c) for c in self.criteria))


# ---------------------------------------------------------------------------------------------
# JSON <-> Response
# ---------------------------------------------------------------------------------------------
def _to_json(r: Response) -> dict[str, Any]:
    out: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "participant_id": r.participant_id,
        "mode": r.mode.value,
        "criteria": list(r.criteria),
        "submitted": r.submitted,
    }
    if r.pairwise is not None:
        c = list(r.criteria)
        out["judgements"] = [
            {"a": c[i], "b": c[j], "value": float(r.pairwise.iat[i, j])}
            for i in range(len(c))
            for j in range(i + 1, len(c))
        ]
    if r.weights is not None:
        out["weights"] = {str(k): float(v) for k, v in r.weights.items()}
    if r.ratings is not None:
        out["ratings"] = {
            str(cand): {str(k): float(v) for k, v in row.items() if pd.notna(v)}
            for cand, row in r.ratings.iterrows()
        }
    return out


def _dumps(data: Mapping[str, Any]) -> str:
    """JSON text with one top-level key per line and one judgement or candidate per line."""

    def compact(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    parts = []
    for key, value in data.items():
        if isinstance(value, list) and value and isinstance(value[0], Mapping):
            inner = ",\n".join(f"  {compact(v)}" for v in value)
            parts.append(f" {compact(key)}: [\n{inner}\n ]")
        elif (
            isinstance(value, Mapping) and value and isinstance(next(iter(value.values())), Mapping)
        ):
            inner = ",\n".join(f"  {compact(k)}: {compact(v)}" for k, v in value.items())
            parts.append(f" {compact(key)}: {{\n{inner}\n }}")
        else:
            parts.append(f" {compact(key)}: {compact(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _number(
    value: Any,
    where: str,
    label: str,
    problems: list[Problem],
    lo: float = 0.0,
    hi: float = math.inf,
    strict: bool = False,
) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = math.nan
    if isinstance(value, bool) or not math.isfinite(v) or v < lo or v > hi or (strict and v <= lo):
        bound = f"> {lo:g}" if strict else f"in [{lo:g}, {hi:g}]"
        problems.append(Problem(label, None, where, f"{value!r} is not a number {bound}"))
        return math.nan
    return v


def _pairwise_from(items: Any, criteria: list[str], label: str, problems: list[Problem]) -> Any:
    n = len(criteria)
    a = np.full((n, n), np.nan)
    np.fill_diagonal(a, 1.0)
    if not isinstance(items, list):
        problems.append(Problem(label, None, "judgements", "must be a list of {a, b, value}"))
        return None
    pos = {c: k for k, c in enumerate(criteria)}
    for k, item in enumerate(items):
        where = f"judgements[{k + 1}]"
        if not isinstance(item, Mapping) or item.get("a") not in pos or item.get("b") not in pos:
            problems.append(Problem(label, None, where, "needs a and b among the criteria"))
            continue
        v = _number(item.get("value"), f"{where}.value", label, problems, 1 / 9 - 1e-9, 9 + 1e-9)
        i, j = pos[item["a"]], pos[item["b"]]
        a[i, j], a[j, i] = v, 1.0 / v
    holes = [
        (criteria[i], criteria[j]) for i, j in zip(*np.nonzero(np.isnan(a)), strict=True) if i < j
    ]
    if holes and not any(p.file == label for p in problems):
        problems.append(
            Problem(
                label,
                None,
                "judgements",
                "no judgement for "
                + ", ".join(f"{x} vs {y}" for x, y in holes[:5])
                + (" …" if len(holes) > 5 else ""),
            )
        )
    return pd.DataFrame(a, index=criteria, columns=criteria)


def _response_from_json(data: Any, label: str, problems: list[Problem]) -> Response | None:
    """A Response from parsed JSON, or None with the problems recorded (located by key)."""
    before = len(problems)
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        problems.append(Problem(label, None, "format", f"not an {FORMAT} file"))
        return None
    pid = str(data.get("participant_id") or "")
    if reason := check_id(pid):
        problems.append(Problem(label, None, "participant_id", f"participant_id {reason}"))
    try:
        mode = SurveyMode.parse(data.get("mode"))
    except DataValidationError:
        problems.append(Problem(label, None, "mode", "must be 'pairwise' or 'direct'"))
        return None
    criteria = [str(c) for c in data.get("criteria") or []]
    if len(criteria) < 2 or len(set(criteria)) != len(criteria):
        problems.append(Problem(label, None, "criteria", "needs 2 or more distinct criteria"))
        return None
    pairwise = weights = ratings = None
    if mode is SurveyMode.PAIRWISE:
        pairwise = _pairwise_from(data.get("judgements"), criteria, label, problems)
    else:
        given = data.get("weights") if isinstance(data.get("weights"), Mapping) else {}
        weights = pd.Series(
            {c: _number(given.get(c), f"weights.{c}", label, problems) for c in criteria},
            name="weight",
        )
        if len(problems) == before and not weights.sum() > 0:
            problems.append(Problem(label, None, "weights", "every weight is 0"))
    if isinstance(data.get("ratings"), Mapping):
        ratings = pd.DataFrame(
            {
                str(cand): {
                    c: _number(v, f"ratings.{cand}.{c}", label, problems, 1.0, 5.0)
                    for c, v in row.items()
                }
                for cand, row in data["ratings"].items()
                if isinstance(row, Mapping)
            }
        ).T.rename_axis("partner_id")
    if len(problems) > before:
        return None
    submitted = str(data.get("submitted") or "")
    return Response(pid, mode, tuple(criteria), pairwise, weights, ratings, label, submitted)


def _as_response(participant_id: str, judgements: Response | Mapping[str, Any]) -> Response:
    """A Response from a Response or a Mapping with ``pairwise``/``weights``/``ratings``."""
    if isinstance(judgements, Response):
        return judgements
    if not isinstance(judgements, Mapping):
        raise DataValidationError.single(
            "judgements must be a Response or a Mapping with 'pairwise' (a square DataFrame) "
            "or 'weights' (criterion -> points), and optionally 'ratings'",
            column="judgements",
        )
    pairwise = judgements.get("pairwise")
    weights = judgements.get("weights")
    ratings = judgements.get("ratings")
    if (pairwise is None) == (weights is None):
        raise DataValidationError.single(
            "judgements need exactly one of 'pairwise' and 'weights'", column="judgements"
        )
    if pairwise is not None:
        pairwise = pd.DataFrame(pairwise)
        criteria = tuple(map(str, pairwise.index))
        mode = SurveyMode.PAIRWISE
    else:
        weights = pd.Series(weights, dtype=float)
        criteria = tuple(map(str, weights.index))
        mode = SurveyMode.DIRECT
    if ratings is not None and not isinstance(ratings, pd.DataFrame):
        ratings = pd.DataFrame(ratings).T
    return Response(participant_id, mode, criteria, pairwise, weights, ratings)


# ---------------------------------------------------------------------------------------------
# storage
# ---------------------------------------------------------------------------------------------
def responses_folder(folder_or_ws: str | os.PathLike[str] | Workspace) -> Path:
    """Where a workspace keeps its responses: ``<workspace folder>/responses``.

    A Workspace loaded from a folder uses that folder; from a workbook, the workbook's folder.
    A path that is itself a folder of response files (no ``responses`` inside) is used as is.
    """
    if isinstance(folder_or_ws, Workspace):
        if not folder_or_ws.source:
            raise DataValidationError.single(
                "this workspace was not loaded from disk, so it has no responses/ folder; "
                "pass the folder instead",
                column="folder_or_ws",
            )
        base = Path(folder_or_ws.source)
        base = base if base.is_dir() else base.parent
    else:
        base = Path(folder_or_ws)
    loose = not (base / RESPONSES_DIR).is_dir() and any(base.glob("*.json"))
    if base.name == RESPONSES_DIR or loose:
        return base
    return base / RESPONSES_DIR


def save_response(
    ws_folder: str | os.PathLike[str] | Workspace,
    participant_id: str,
    judgements: Response | Mapping[str, Any],
) -> Path:
    """Store one participant's answers as ``responses/<participant_id>.json``, atomically.

    Parameters
    ----------
    ws_folder : path or Workspace
        The workspace folder (``responses/`` is created inside it if needed).
    participant_id : str
        Names the file; saving again replaces that participant's earlier answer.
    judgements : Response or Mapping
        A :class:`Response`, or a Mapping with ``pairwise`` (square DataFrame on the 1–9 scale)
        or ``weights`` (criterion -> points ≥ 0), and optionally ``ratings`` (candidate ->
        criterion -> 1–5).

    Returns
    -------
    Path
        The file written. Side effect: writes a temporary file beside it and renames it into
        place (``os.replace``), so readers see the old answer or the new one, never a mix.

    Raises
    ------
    DataValidationError
        A bad id or answer (checked with the same rules as :func:`load_responses`).
    """
    if reason := check_id(str(participant_id)):
        raise DataValidationError.single(f"participant_id {reason}", column="participant_id")
    response = _as_response(str(participant_id), judgements)
    stamp = response.submitted or datetime.now(UTC).isoformat(timespec="seconds")
    data = _to_json(response)
    data["participant_id"], data["submitted"] = str(participant_id), stamp
    problems: list[Problem] = []
    if _response_from_json(data, f"{participant_id}.json", problems) is None:
        raise DataValidationError(problems)
    folder = responses_folder(ws_folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{participant_id}.json"
    fd, tmp = tempfile.mkstemp(prefix=f".{participant_id}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(_dumps(data))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


# ---------------------------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GroupResponses(Result):
    """Every participant's answers, checked, with the participants table when there is one.

    Attributes
    ----------
    responses : tuple of Response
        In participant-id order.
    participants : tuple of Participant
        From ``people.csv`` beside ``responses/`` (empty when there is none).
    folder : str
        The ``responses/`` folder read.
    """

    responses: tuple[Response, ...]
    participants: tuple[Participant, ...] = ()
    folder: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    title = "Group responses"

    @property
    def ids(self) -> list[str]:
        """Participant ids of the responses."""
        return [r.participant_id for r in self.responses]

    @property
    def criteria(self) -> tuple[str, ...]:
        """The criteria every response judges."""
        return self.responses[0].criteria if self.responses else ()

    @property
    def mode(self) -> SurveyMode | None:
        """``pairwise`` or ``direct`` when everyone answered the same way, else None."""
        modes = {r.mode for r in self.responses}
        return modes.pop() if len(modes) == 1 else None

    def matrices(self) -> dict[str, pd.DataFrame]:
        """Participant -> pairwise matrix, for the pairwise answers."""
        return {r.participant_id: r.pairwise for r in self.responses if r.pairwise is not None}

    def direct_weights(self) -> pd.DataFrame:
        """Participants × criteria direct points, for the direct answers."""
        rows = {r.participant_id: r.weights for r in self.responses if r.weights is not None}
        return pd.DataFrame(rows).T.rename_axis("participant")

    def participant_weights(self) -> pd.Series | None:
        """Weight of each responding participant from people.csv (None without people.csv)."""
        if not self.participants:
            return None
        table = participants_frame(self.participants)["weight"]
        return table.reindex(self.ids).rename("participant_weight")

    def organisation(self) -> pd.Series:
        """Organisation (own/partner/other) of each responding participant ("" if unknown)."""
        table = (
            participants_frame(self.participants)["organisation"]
            if self.participants
            else pd.Series(dtype=object)
        )
        return table.reindex(self.ids).fillna("").rename("organisation")

    def to_frame(self) -> pd.DataFrame:
        """One row per response: participant, organisation, mode, rated candidates, file."""
        return pd.DataFrame(
            {
                "organisation": self.organisation().to_numpy(),
                "mode": [r.mode.value for r in self.responses],
                "rated_candidates": [
                    0 if r.ratings is None else len(r.ratings) for r in self.responses
                ],
                "source": [Path(r.source).name for r in self.responses],
            },
            index=pd.Index(self.ids, name="participant"),
        )

    def summary(self) -> str:
        """How many answers, from whom, on which criteria."""
        count = self.to_frame()["organisation"].value_counts()
        sides = ", ".join(f"{v} {k or 'unlisted'}" for k, v in count.items())
        return (
            f"{len(self.responses)} responses ({sides}) on {len(self.criteria)} criteria "
            f"from {self.folder}"
        )


def _read_one(path: Path, label: str, problems: list[Problem]) -> Response | None:
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(Problem(label, None, None, f"not readable JSON ({exc})"))
            return None
        return _response_from_json(data, label, problems)
    from alliancekit.group.survey import read_survey_workbook

    try:
        return read_survey_workbook(path, label=label)
    except DataValidationError as exc:
        problems.extend(exc.problems)
        return None


def _cross_checks(found: list[Response], people: tuple[Participant, ...]) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    known = {p.participant_id for p in people}
    for r in found:
        if r.participant_id in seen:
            problems.append(
                Problem(
                    r.source,
                    None,
                    "participant_id",
                    f"participant {r.participant_id} answered twice (also "
                    f"{seen[r.participant_id]}); keep one file",
                )
            )
        seen.setdefault(r.participant_id, r.source)
        if people and r.participant_id not in known:
            problems.append(
                Problem(
                    r.source,
                    None,
                    "participant_id",
                    f"participant {r.participant_id} is not in {PEOPLE_FILE}",
                )
            )
        if set(r.criteria) != set(found[0].criteria):
            problems.append(
                Problem(
                    r.source,
                    None,
                    "criteria",
                    f"participant {r.participant_id} judged {list(r.criteria)} "
                    f"but {found[0].participant_id} {list(found[0].criteria)}",
                )
            )
    return problems


def load_responses(
    folder_or_ws: str | os.PathLike[str] | Workspace,
    participants: str | os.PathLike[str] | tuple[Participant, ...] | None = None,
) -> GroupResponses:
    """Read every answer in a workspace's ``responses/`` folder and check it.

    Parameters
    ----------
    folder_or_ws : path or Workspace
        The workspace folder (or Workspace), or the ``responses/`` folder itself. Reads
        ``*.json`` (from :func:`save_response`) and ``*.xlsx`` (filled survey workbooks).
    participants : path or tuple of Participant, optional
        Default: ``people.csv`` beside ``responses/`` if present. Answers from anyone not
        listed are errors.

    Returns
    -------
    GroupResponses

    Raises
    ------
    DataValidationError
        Every bad answer, each naming the participant, the file (and sheet) and the cell.
    """
    folder = responses_folder(folder_or_ws)
    if not folder.is_dir():
        raise DataValidationError.single(
            "no responses/ folder; collect answers first", file=str(folder)
        )
    if participants is None:
        people_path = folder.parent / PEOPLE_FILE
        people = load_participants(people_path) if people_path.is_file() else ()
    elif isinstance(participants, (str, os.PathLike)):
        people = load_participants(participants)
    else:
        people = tuple(participants)
    problems: list[Problem] = []
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "~$")) or path.suffix.lower() not in (".json", ".xlsx"):
            continue
        response = _read_one(path, f"{RESPONSES_DIR}/{path.name}", problems)
        if response is not None:
            found.append(response)
    if not found and not problems:
        problems.append(Problem(str(folder), None, None, "no answers (*.json or *.xlsx) yet"))
    problems += _cross_checks(found, people) if found else []
    if problems:
        raise DataValidationError(problems)
    found.sort(key=lambda r: r.participant_id)
    return GroupResponses(tuple(found), people, str(folder))
