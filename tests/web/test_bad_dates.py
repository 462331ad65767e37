"""Dates at the edges of the calendar in the take-away downloads: a 400 with one sentence,
never a server error."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from acupress.clock import FakeClock
from tests.web.fake import NOW, app_on


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(app_on(FakeClock(NOW))) as c:
        yield c


@pytest.mark.parametrize(
    ("path", "day"),
    [("/api/report.html", "0001-01-02"), ("/api/report.pdf", "0001-01-01")],
)
def test_a_report_ending_before_2000_is_a_400(client: TestClient, path: str, day: str) -> None:
    answer = client.get(path, params={"to": day})
    assert answer.status_code == 400
    assert answer.json() == {
        "detail": f"The report cannot end on {day}, before 2000: check the year."
    }


@pytest.mark.parametrize(
    ("day", "detail"),
    [
        ("0001-01-01", "The reminders cannot start on 0001-01-01, before 2000: check the year."),
        (
            "9990-01-01",
            "The reminders cannot start on 9990-01-01, more than a year from now: "
            "choose a day within the next year.",
        ),
    ],
)
def test_reminders_starting_unreasonably_far_away_are_a_400(
    client: TestClient, day: str, detail: str
) -> None:
    answer = client.get("/api/reminders.ics", params={"start": day})
    assert answer.status_code == 400
    assert answer.json() == {"detail": detail}


def test_reminders_may_start_within_the_next_year(client: TestClient) -> None:
    answer = client.get("/api/reminders.ics", params={"start": "2027-03-01"})
    assert answer.status_code == 200
    assert b"DTSTART;TZID=" in answer.content or b"DTSTART:" in answer.content
