"""The personal trial on the web: the JSON API (in the OpenAPI schema, one-sentence 4xx)
and the pages (a one-screen rating form, the trial page, the result page), over a real
journal with today moved by the test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from acupress.clock import FakeClock
from acupress.web.app import create_app
from acupress.web.context import Options
from tests.web.fake import NOW, TEST_CLIENT_HOST

START = NOW.date()  # 2026-03-02
SEED = 2  # weeks: acupressure, usual care, acupressure, usual care, usual care, acupressure


class Browser:
    def __init__(self, client: TestClient, today: list[dt.datetime]) -> None:
        self.client = client
        self.today = today
        client.get("/")
        self.token = client.cookies["acupress_csrf"]

    def go(self, days: int) -> None:
        self.today[0] = NOW + dt.timedelta(days=days, hours=12)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(path, json=body, headers={"X-CSRF-Token": self.token})

    def form(self, path: str, data: dict[str, str]) -> Any:
        return self.client.post(
            path, data={"csrf_token": self.token, **data}, follow_redirects=True
        )


@pytest.fixture
def web() -> Iterator[Browser]:
    today = [NOW + dt.timedelta(hours=12)]
    clock = FakeClock(NOW)
    hosts = (*Options().allowed_hosts, TEST_CLIENT_HOST)
    app = create_app(Options(now=lambda: today[0], clock=lambda speed: clock, allowed_hosts=hosts))
    with TestClient(app) as client:
        yield Browser(client, today)


def rate(web: Browser, pain: int = 5, enjoyment: int = 5, activity: int = 5) -> Any:
    return web.post("/api/ratings", {"pain": pain, "enjoyment": enjoyment, "activity": activity})


def test_a_rating_is_kept_once_a_day_and_a_second_is_a_400_with_one_sentence(web: Browser) -> None:
    first = rate(web, 6, 3, 3)
    assert first.status_code == 201
    assert (first.json()["day"], first.json()["score"]) == ("2026-03-02", 4.0)
    again = rate(web, 1, 1, 1)
    assert again.status_code == 400
    assert again.json()["detail"] == (
        "2026-03-02 is already rated: one rating a day (acupress keeps the first)."
    )
    future = web.post(
        "/api/ratings", {"pain": 1, "enjoyment": 1, "activity": 1, "day": "2026-03-03"}
    )
    assert future.status_code == 400 and "in the future" in future.json()["detail"]
    assert rate(web, 11).status_code == 422
    assert [r["pain"] for r in web.client.get("/api/ratings").json()] == [6]


def test_a_trial_started_followed_and_stopped_through_the_api(web: Browser) -> None:
    assert web.client.get("/api/trial").json() is None
    assert web.client.get("/api/trial/result").status_code == 404
    assert web.post("/api/trial", {"weeks": 5}).status_code == 400
    started = web.post("/api/trial", {"weeks": 6, "seed": SEED})
    assert started.status_code == 201
    assert [p["arm"] for p in started.json()["periods"]][:2] == ["acupressure", "usual_care"]
    second = web.post("/api/trial", {"weeks": 6})
    assert second.status_code == 409 and "one trial at a time" in second.json()["detail"]
    web.go(8)
    shown = web.client.get("/api/trial").json()
    assert (shown["week"], shown["arm"], shown["rated_today"]) == (2, "usual_care", False)
    assert web.client.get("/api/today").json()["trial"]["week"] == 2
    stopped = web.post("/api/trial/stop", {"reason": "travel"})
    assert stopped.status_code == 200
    assert (
        stopped.json()["stopped"] == "Your trial was stopped on 2026-03-10. You stopped it: travel"
    )
    assert web.post("/api/trial/stop", {}).status_code == 404


def test_the_trial_api_is_in_the_openapi_schema(web: Browser) -> None:
    paths = web.client.get("/api/openapi.json").json()["paths"]
    assert {"/api/ratings", "/api/trial", "/api/trial/stop", "/api/trial/result"} <= set(paths)


def test_the_rating_form_refuses_a_missing_answer_in_one_sentence(web: Browser) -> None:
    page = web.client.get("/rate")
    assert page.status_code == 200 and "How much pain interfered" in page.text
    refused = web.form("/rate", {"pain": "4", "enjoyment": "4"})
    assert refused.status_code == 400 and "General activity is missing." in refused.text
    assert web.client.get("/api/ratings").json() == []
    done = web.form("/rate", {"pain": "4", "enjoyment": "4", "activity": "4"})
    assert done.status_code == 200 and "Today is rated." in done.text


def test_the_trial_page_starts_a_trial_and_the_result_page_reads_it(web: Browser) -> None:
    page = web.client.get("/trial")
    assert "What you agree to do" in page.text and "Safety always comes first" in page.text
    started = web.form("/trial", {"weeks": "4"})
    assert started.status_code == 200 and "Your trial has started." in started.text
    assert "Week 1 of 4, day 1 of 7" in started.text
    arms = [p["arm"] for p in web.client.get("/api/trial").json()["periods"]]
    for n in range(28):
        web.go(n)
        acupressure = arms[n // 7] == "acupressure"
        assert rate(web, 3 if acupressure else 6, 3, 3).status_code == 201
    web.go(28)
    result = web.client.get("/trial/result")
    assert result.status_code == 200
    assert "Acupressure helps you" in result.text and "not blinded" in result.text
    assert "<svg" in result.text
    data = web.client.get("/api/trial/result").json()
    assert data["verdict"] == "helps" and len(data["daily"]) == 28
    chart = web.client.get("/api/charts/trial.svg")
    assert chart.headers["content-type"].startswith("image/svg+xml")


def test_the_session_page_says_a_session_in_a_usual_care_week_is_a_deviation(
    web: Browser,
) -> None:
    from tests.conftest import all_clear

    web.post("/api/trial", {"weeks": 6, "seed": SEED})
    web.go(7)
    assert web.post("/api/check", {"answers": all_clear()}).status_code == 200
    page = web.client.get("/session")
    assert "A usual-care week of your trial" in page.text
    assert "recorded as a deviation" in page.text


def test_a_see_a_doctor_check_stops_the_trial_on_the_today_page(web: Browser) -> None:
    from tests.conftest import all_clear

    web.post("/api/trial", {"weeks": 6, "seed": SEED})
    web.post("/api/check", {"answers": all_clear() | {"fever_or_chills": True}})
    home = web.client.get("/")
    assert "Your trial was stopped on 2026-03-02. Safety comes first" in home.text
    assert web.client.get("/api/trial").json()["running"] is False
