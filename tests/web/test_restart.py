"""The web app starting again after it was killed: a session whose page is still there
goes on; one whose page has been silent too long is closed as interrupted, at its last
completed step; a session running in a terminal is left alone."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from acupress import runner
from acupress.clock import FakeClock
from acupress.journal import Journal
from tests.conftest import all_clear
from tests.test_session import make_plan
from tests.web.fake import NOW, app_on


def token_of(client: TestClient | httpx.Client) -> dict[str, str]:
    client.get("/")
    return {"X-CSRF-Token": client.cookies["acupress_csrf"]}


def begin_in_a_terminal(at: dt.datetime) -> int:
    with Journal() as db:
        _session, session_id = runner.begin(
            db, make_plan(15), FakeClock(at), pain_before=5, answers=None
        )
    return session_id


def test_a_session_cut_off_by_the_app_stopping_is_closed_when_it_starts_again(
    home: Path,
) -> None:
    clock = FakeClock(NOW)
    first = TestClient(app_on(clock))  # never shut down: as if the process was killed
    headers = token_of(first)
    assert first.post("/api/check", json={"answers": all_clear()}, headers=headers).is_success
    live = first.post("/api/sessions", json={"pain_before": 6}, headers=headers).json()
    two = sum(s["seconds"] for s in first.get("/api/plan").json()["steps"][:2])
    clock.advance(two + 3)
    advanced = first.post(
        f"/api/sessions/{live['id']}/actions", json={"action": "advance"}, headers=headers
    )
    assert advanced.json()["index"] == 2
    in_terminal = begin_in_a_terminal(NOW + dt.timedelta(minutes=1))
    with Journal() as db:
        assert db.get(live["id"]).ended_at is None

    with TestClient(app_on(FakeClock(NOW + dt.timedelta(hours=1)))) as second:
        listed = {s["id"]: s for s in second.get("/api/journal").json()}
    cut_off = listed[live["id"]]
    assert (cut_off["stop_reason"], cut_off["complete"]) == ("interrupted", False)
    assert len(cut_off["steps"]) == 2
    assert cut_off["ended_at"] == cut_off["steps"][-1]["completed_at"]
    with Journal() as db:
        assert db.get(live["id"]).ended_at == NOW + dt.timedelta(seconds=two)
        terminal = db.get(in_terminal)
    assert (terminal.ended_at, terminal.stop_reason) == (None, None)


Started = tuple[str, "subprocess.Popen[str]"]


@pytest.fixture
def serve(home: Path) -> Iterator[Callable[[], Started]]:
    """`acupress serve` as a person starts it, in its own process: its address and the
    process."""
    started: list[subprocess.Popen[str]] = []

    def start() -> Started:
        process = subprocess.Popen(
            [sys.executable, "-m", "acupress", "serve", "--port", "0"],
            env=dict(os.environ),
            stdout=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"(http://\S+/)", line)
        assert found, line
        return found.group(1), process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def test_a_web_app_killed_mid_session_goes_on_with_it_when_started_again(
    serve: Callable[[], Started], home: Path
) -> None:
    url, server = serve()
    with httpx.Client(base_url=url, timeout=10) as client:
        headers = token_of(client)
        assert client.post("/api/check", json={"answers": all_clear()}, headers=headers)
        answer = client.post("/api/sessions", json={"pain_before": 6}, headers=headers)
        assert answer.status_code == 201, answer.text
        session_id = answer.json()["id"]
    in_terminal = begin_in_a_terminal(dt.datetime.now().astimezone())
    server.send_signal(signal.SIGKILL)
    server.wait(timeout=10)

    url, _ = serve()
    with httpx.Client(base_url=url, timeout=10) as client:
        headers = token_of(client)
        listed = {s["id"]: s for s in client.get("/api/journal").json()}
        went_on = client.post(
            f"/api/sessions/{session_id}/actions", json={"action": "pause"}, headers=headers
        )
    assert went_on.status_code == 200, went_on.text
    assert (went_on.json()["paused"], went_on.json()["finished"]) == (True, False)
    assert (listed[session_id]["stop_reason"], listed[session_id]["ended_at"]) == (None, None)
    assert (listed[in_terminal]["stop_reason"], listed[in_terminal]["ended_at"]) == (None, None)


def test_a_web_session_left_unfinished_with_no_state_kept_is_closed_at_start(home: Path) -> None:
    with Journal() as db:  # begun by an acupress that kept running sessions in memory
        _session, session_id = runner.begin(
            db, make_plan(15), FakeClock(NOW), pain_before=5, answers=None, front_end="web"
        )
    in_terminal = begin_in_a_terminal(NOW + dt.timedelta(minutes=1))
    with TestClient(app_on(FakeClock(NOW + dt.timedelta(minutes=2)))) as client:
        listed = {s["id"]: s for s in client.get("/api/journal").json()}
    assert (listed[session_id]["stop_reason"], listed[session_id]["ended_at"]) == (
        "interrupted",
        listed[session_id]["started_at"],
    )
    assert listed[in_terminal]["stop_reason"] is None
