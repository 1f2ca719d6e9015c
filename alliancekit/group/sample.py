"""The GreenScape group sample: eight people from both organisations judge C1–C11.

GreenScape Landscapes (docs/method.md §6.2) chooses partners with the Sindh Forest Department's
Social Forestry Wing (candidate B01), so both sides sit at the table: five GreenScape managers
and three forest officers. The business side weighs strategic value, capability and cost; a
dissenting "stewardship" cluster (the three officers and GreenScape's horticulture lead) weighs
goal fit, commitment and learning. The bids lead's answers are inconsistent (CR > 0.10) on
purpose, so the repair hint has something to show; two people rate the candidates they know.

:func:`write_greenscape_sample` writes ``people.csv`` and ``responses/<id>.json`` (through
:func:`~alliancekit.group.responses.save_response`); the files in
the greenscape sample (``alliancekit/data/samples/greenscape/``) are its output and a test
checks they still are.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import pandas as pd

from alliancekit.criteria import CRITERION_CODES
from alliancekit.group.participants import PEOPLE_FILE
from alliancekit.group.responses import Response, save_response
from alliancekit.group.vocab import round_to_scale

__all__ = ["GREENSCAPE_PEOPLE", "greenscape_responses", "write_greenscape_sample"]

#: participant_id, name, role, organisation, weight ("" = 1)
GREENSCAPE_PEOPLE: tuple[tuple[str, str, str, str, str], ...] = (
    ("P01", "Farah Memon", "Managing director", "own", ""),
    ("P02", "Kashif Soomro", "Finance manager", "own", ""),
    ("P03", "Nadia Qureshi", "Operations manager", "own", ""),
    ("P04", "Imran Baloch", "Bids and contracts lead", "own", ""),
    ("P05", "Sana Lakho", "Horticulture lead", "own", ""),
    ("P06", "Abdul Rehman Shar", "Conservator, Social Forestry Wing", "partner", ""),
    ("P07", "Zubaida Jatoi", "Range forest officer", "partner", ""),
    ("P08", "Ghulam Mustafa Khoso", "Nursery manager", "partner", ""),
)
#: Underlying priorities C1..C11 of the two points of view (each sums to 1).
_BUSINESS = (0.18, 0.20, 0.07, 0.05, 0.06, 0.06, 0.16, 0.06, 0.08, 0.04, 0.04)
_STEWARDSHIP = (0.14, 0.06, 0.16, 0.08, 0.14, 0.08, 0.05, 0.08, 0.05, 0.10, 0.06)
_VIEW = {
    "P01": _BUSINESS,
    "P02": _BUSINESS,
    "P03": _BUSINESS,
    "P04": _BUSINESS,
    "P05": _STEWARDSHIP,
    "P06": _STEWARDSHIP,
    "P07": _STEWARDSHIP,
    "P08": _STEWARDSHIP,
}
_RATINGS = {
    "P05": {
        "B04": {"C3": 4, "C4": 5, "C5": 4, "C10": 3, "C11": 4},
        "B05": {"C3": 3, "C4": 3, "C5": 3},
    },
    "P06": {
        "B02": {"C3": 4, "C5": 3, "C11": 2},
        "B03": {"C3": 3, "C5": 2, "C11": 2},
        "B04": {"C3": 4, "C4": 4, "C5": 5},
    },
}
_SUBMITTED = "2025-06-20T09:00:00+00:00"


def _judgements(view: tuple[float, ...], rng: np.random.Generator) -> pd.DataFrame:
    """A person's matrix: their own priorities (the view, varied) judged with some noise."""
    w = np.asarray(view) * np.exp(rng.normal(0.0, 0.25, len(view)))
    n = len(w)
    a = np.eye(n)
    for i in range(n):
        for j in range(i + 1, n):
            a[i, j] = round_to_scale(w[i] / w[j] * float(np.exp(rng.normal(0.0, 0.15))))
            a[j, i] = 1.0 / a[i, j]
    return pd.DataFrame(a, index=list(CRITERION_CODES), columns=list(CRITERION_CODES))


def greenscape_responses(seed: int = 18) -> dict[str, Response]:
    """The eight responses of the sample (deterministic for a given seed)."""
    rng = np.random.default_rng(seed)
    out = {}
    for pid, *_ in GREENSCAPE_PEOPLE:
        a = _judgements(_VIEW[pid], rng)
        if pid == "P04":  # two answers against the grain of his others: CR 0.16
            for x, y, v in (("C7", "C2", 7.0), ("C10", "C2", 5.0)):
                a.loc[x, y], a.loc[y, x] = v, 1 / v
        ratings = None
        if pid in _RATINGS:
            ratings = pd.DataFrame(_RATINGS[pid]).T.rename_axis("partner_id")
        out[pid] = Response(pid, "pairwise", CRITERION_CODES, a, None, ratings, "", _SUBMITTED)
    return out


def write_greenscape_sample(folder: str | os.PathLike[str]) -> Path:
    """Write ``people.csv`` and ``responses/`` of the GreenScape group sample into ``folder``.

    Returns the folder. Side effect: creates ``folder`` and replaces those files.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / PEOPLE_FILE).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["participant_id", "name", "role", "organisation", "weight"])
        writer.writerows(GREENSCAPE_PEOPLE)
    for pid, response in greenscape_responses().items():
        save_response(folder, pid, response)
    return folder
