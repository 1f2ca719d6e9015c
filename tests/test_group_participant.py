"""The participant page of a live workshop (``alliancekit survey live``, widgets/participant.py).

Personal links carry a per-participant HMAC key; answers are stored one file per person through
a file lock and an atomic rename, so people submitting at once lose nothing; bundled samples are
never written into. The browser test drives two participants in headless Debian Chromium
(Playwright, conftest ``launch_chromium``) submitting at the same time.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from servers import cli_server, jupyter_env

from alliancekit.errors import DataValidationError
from alliancekit.group import load_responses
from alliancekit.widgets.participant import (
    ParticipantPage,
    check_writable,
    participant_key,
    participant_links,
    participant_page,
    submit_response,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "greenscape"
TIMEOUT_MS = 120_000


@pytest.fixture
def workshop(tmp_path: Path) -> Path:
    """A copy of the GreenScape group sample without P01's and P06's answers."""
    folder = tmp_path / "workshop"
    shutil.copytree(SAMPLE, folder)
    for pid in ("P01", "P06"):
        (folder / "responses" / f"{pid}.json").unlink()
    return folder


def test_personal_keys_are_per_participant_and_per_app() -> None:
    key = participant_key("token-a", "P01")
    assert len(key) == 24 and key == participant_key("token-a", "P01")
    assert key != participant_key("token-a", "P02") != participant_key("token-b", "P01")
    links = participant_links("http://127.0.0.1:9/", "token-a", ["P01", "P02"])
    assert links["P01"] == f"http://127.0.0.1:9/?token=token-a&participant=P01&key={key}"


def test_a_link_needs_its_own_key(workshop: Path) -> None:
    good = f"participant=P01&key={participant_key('s', 'P01')}"
    assert isinstance(participant_page(workshop, good, "s"), ParticipantPage)
    for query, secret in (
        (f"participant=P02&key={participant_key('s', 'P01')}", "s"),  # someone else's key
        (good, "other"),  # a link of another server
        ("participant=P01", "s"),
        (good, ""),
    ):
        page = participant_page(workshop, query, secret)
        assert "This link is not valid" in page.value
    ghost = f"participant=P99&key={participant_key('s', 'P99')}"
    assert "This link is not valid" in participant_page(workshop, ghost, "s").value


def test_bundled_samples_are_refused_for_writing(workshop: Path) -> None:
    with pytest.raises(DataValidationError, match="sample bundled with alliancekit"):
        check_writable(SAMPLE)
    page = participant_page(SAMPLE, f"participant=P01&key={participant_key('s', 'P01')}", "s")
    assert "Answers cannot be saved here" in page.status.value
    before = sorted((SAMPLE / "responses").iterdir())
    page.submit.click()
    assert "NOT saved" in page.status.value and "Copy the folder" in page.status.value
    assert sorted((SAMPLE / "responses").iterdir()) == before
    assert check_writable(workshop) == workshop.resolve()


def test_live_consistency_and_repair_hint(workshop: Path) -> None:
    page = participant_page(workshop, f"participant=P01&key={participant_key('s', 'P01')}", "s")
    assert "Farah Memon" in page.children[0].value
    assert "Capability complementarity" in page.children[1].value  # names and meanings
    assert "capability gaps" in page.children[1].value
    assert "CR = 0.00" in page.consistency.value  # everything equal to start with
    pairs = page.pairs
    pairs[("C1", "C2")].value = 9.0  # C1 ≫ C2, C2 ≫ C3, but C3 ≫ C1: contradictory
    pairs[("C2", "C3")].value = 9.0
    pairs[("C1", "C3")].value = 1 / 9
    assert "contradict each other" in page.consistency.value
    assert "Revisit" in page.consistency.value
    page.mode.value = "direct"
    page.points["C2"].value = 100
    assert "Points are always consistent" in page.consistency.value
    assert "Strategic value" in page.weights_view.value


def test_many_people_submitting_at_once_lose_nothing(workshop: Path) -> None:
    """Sixteen submissions from eight people in parallel threads: one file each, all loadable,
    every file the last complete answer of its person (never a mix)."""
    criteria = [f"C{k}" for k in range(1, 12)]
    ids = [f"P0{k}" for k in range(1, 9)]
    rng = np.random.default_rng(7)
    answers = {
        (pid, round_): pd.Series(rng.integers(1, 100, len(criteria)), index=criteria, dtype=float)
        for pid in ids
        for round_ in (0, 1)
    }
    start = threading.Barrier(len(answers))
    errors: list[BaseException] = []

    def submit(pid: str, round_: int) -> None:
        start.wait()
        try:
            submit_response(workshop, pid, {"weights": answers[(pid, round_)]})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=key) for key in answers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    loaded = load_responses(workshop)
    assert loaded.ids == ids
    stored = loaded.direct_weights()
    for pid in ids:
        got = stored.loc[pid, criteria].astype(float)
        assert any(np.allclose(got, answers[(pid, r)]) for r in (0, 1)), pid
    leftovers = [p.name for p in (workshop / "responses").iterdir() if p.suffix == ".tmp"]
    assert leftovers == []


# ---------------------------------------------------------------------------------------------
# browser: two participants submit at the same time
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def live(workshop: Path, chromium_path: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """``alliancekit survey live WORKSHOP``; its printed personal links; stopped by PID."""
    with cli_server("survey", "live", str(workshop), env=jupyter_env(tmp_path)) as proc:
        lines = []
        for line in proc.stdout or []:
            lines.append(line)
            if not line.strip():
                break
        assert lines and "participant page running at" in lines[0], "".join(lines)
        links = {}
        for line in lines[1:]:
            if "): http" in line:
                who, url = line.strip().rsplit(": ", 1)
                links[who.split("(")[-1].rstrip(")")] = url
        assert sorted(links) == [f"P0{k}" for k in range(1, 9)]
        yield links


@pytest.mark.browser
def test_two_participants_submit_at_once_in_the_browser(
    live: dict[str, str], workshop: Path, launch_chromium, tmp_path: Path
) -> None:
    chosen = {
        "P01": "Capability complementarity is strongly more important",
        "P06": "Strategic value is very strongly more important",
    }
    expected = {"P01": 5.0, "P06": 1 / 7}
    with launch_chromium() as browser:
        pages = {}
        for pid in chosen:
            context = browser.new_context(viewport={"width": 1300, "height": 1000})
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(live[pid], timeout=TIMEOUT_MS)
            page.wait_for_selector(".ak-submit", timeout=TIMEOUT_MS)
            page.screenshot(path=str(tmp_path / f"participant-{pid}-opened.png"))
            pages[pid] = page
        for pid, page in pages.items():
            first = page.locator(".ak-judgement select").first
            first.select_option(label=chosen[pid])
            page.wait_for_function(
                "() => document.querySelector('.ak-consistency').innerText.includes('CR =')"
            )
        # both press Submit before either waits for its answer
        for page in pages.values():
            page.locator(".ak-submit").click(no_wait_after=True)
        for pid, page in pages.items():
            page.wait_for_selector(".ak-status :text('Saved at')", timeout=TIMEOUT_MS)
            page.screenshot(path=str(tmp_path / f"participant-{pid}.png"), full_page=True)
            assert (tmp_path / f"participant-{pid}.png").stat().st_size > 10_000
            body = page.inner_text("body")
            assert "Traceback" not in body and "token=" not in body
        bad = browser.new_context().new_page()
        bad.goto(live["P01"].replace("participant=P01", "participant=P06"), timeout=TIMEOUT_MS)
        bad.wait_for_selector(":text('This link is not valid')", timeout=TIMEOUT_MS)
        bad.screenshot(path=str(tmp_path / "participant-bad-link.png"))
    answers = load_responses(workshop)
    assert answers.ids == [f"P0{k}" for k in range(1, 9)]  # both new answers and the six others
    matrices = answers.matrices()
    for pid, value in expected.items():
        assert matrices[pid].at["C1", "C2"] == pytest.approx(value)
        data = json.loads((workshop / "responses" / f"{pid}.json").read_text(encoding="utf-8"))
        assert data["participant_id"] == pid and data["mode"] == "pairwise"
