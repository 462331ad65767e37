"""The JSON API over the real core and a real journal (SQLite, then the server mode's
PostgreSQL), sessions timed by a fake clock the tests move by hand."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from acupress.clock import FakeClock
from acupress.journal import Journal
from acupress.web.live import GONE, GRACE
from tests.conftest import all_clear
from tests.web.fake import NOW, app_on


class Api:
    """A browser's view of the app: the token cookie, and the fake clock of its sessions."""

    def __init__(self, client: TestClient, clock: FakeClock) -> None:
        self.client = client
        self.clock = clock
        client.get("/")  # the first page sets the token cookie
        self.token = client.cookies["acupress_csrf"]

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.client.post(path, json=body, headers={"X-CSRF-Token": self.token}, **kw)

    def send(self, method: str, path: str, body: Any = None) -> Any:
        headers = {"X-CSRF-Token": self.token}
        return self.client.request(method, path, json=body, headers=headers)

    def check(self, **changes: Any) -> Any:
        return self.post("/api/check", {"answers": all_clear() | changes})

    def start(self, pain_before: int = 6) -> dict[str, Any]:
        assert self.check().status_code == 200
        answer = self.post("/api/sessions", {"pain_before": pain_before})
        assert answer.status_code == 201, answer.text
        result: dict[str, Any] = answer.json()
        return result

    def beat(self, session_id: int, seconds: float) -> None:
        """Let ``seconds`` pass with the page there: it asks to go on every minute (as a
        hidden tab at least does), except at the very end, left to the caller."""
        while seconds > 60:
            self.clock.advance(60)
            seconds -= 60
            self.act(session_id, "advance")
        self.clock.advance(seconds)

    def act(self, session_id: int, action: str, **extra: Any) -> dict[str, Any]:
        answer = self.post(f"/api/sessions/{session_id}/actions", {"action": action, **extra})
        assert answer.status_code == 200, answer.text
        result: dict[str, Any] = answer.json()
        return result


@pytest.fixture(params=["sqlite", "postgresql"])
def api(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    """The app on the single-person SQLite journal, then in the server mode."""
    if request.param == "postgresql":
        monkeypatch.setenv("ACUPRESS_DATABASE_URL", request.getfixturevalue("postgresql").fresh())
    clock = FakeClock(NOW)
    app = app_on(clock)
    with TestClient(app) as client:
        yield Api(client, clock)


def stored(session_id: int) -> Any:
    with Journal() as db:
        return db.get(session_id)


# --- the guided session ---------------------------------------------------------------


def test_session_refused_until_the_check_is_done_and_no_journal_is_created(
    api: Api, home: Any
) -> None:
    answer = api.post("/api/sessions", {"pain_before": 5})
    assert answer.status_code == 409
    assert "safety check" in answer.json()["detail"]
    assert not (home / "journal.db").exists()


def test_session_refused_when_the_check_says_see_a_clinician(api: Api, home: Any) -> None:
    decision = api.check(fever_or_chills=True).json()
    assert decision["session_allowed"] is False
    answer = api.post("/api/sessions", {"pain_before": 5})
    assert answer.status_code == 409
    assert decision["title"] in answer.json()["detail"]
    assert not (home / "journal.db").exists()


def test_each_step_reaches_the_journal_the_moment_its_time_is_up(api: Api) -> None:
    live = api.start()
    first = live["step"]
    api.clock.advance(first["seconds"] - 1)
    assert api.act(live["id"], "advance")["index"] == 0
    assert stored(live["id"]).steps == ()
    api.clock.advance(1)
    after = api.act(live["id"], "advance")
    assert after["index"] == 1
    assert [c["kind"] for c in after["cues"]] in (["next_step"], ["switch_side"])
    steps = stored(live["id"]).steps
    assert [(s.step_id, s.skipped, s.seconds) for s in steps] == [
        (first["id"], False, first["seconds"])
    ]


def test_late_page_writes_every_step_whose_time_passed_with_its_real_end(api: Api) -> None:
    live = api.start()
    plan = api.get("/api/plan").json()["steps"]
    two = sum(s["seconds"] for s in plan[:2])
    api.clock.advance(two + 5)  # the tab slept through two steps
    now = api.act(live["id"], "advance")
    assert now["index"] == 2
    assert now["step_elapsed"] == pytest.approx(5)
    steps = stored(live["id"]).steps
    assert len(steps) == 2
    ends = [s.completed_at for s in steps]
    assert ends == [NOW + dt.timedelta(seconds=plan[0]["seconds"]), NOW + dt.timedelta(seconds=two)]


def test_reading_a_session_shows_where_it_is_and_writes_nothing(api: Api) -> None:
    live = api.start()
    plan = api.get("/api/plan").json()["steps"]
    two = sum(s["seconds"] for s in plan[:2])
    api.clock.advance(two + 5)
    for _ in range(2):
        now = api.get(f"/api/sessions/{live['id']}")
        assert now.status_code == 200
        seen = now.json()
        assert (seen["index"], seen["steps_done"]) == (2, 2)
        assert seen["step_elapsed"] == pytest.approx(5)
        assert stored(live["id"]).steps == ()
    written = api.act(live["id"], "advance")  # what the page sends when a step's time is up
    assert (written["index"], written["steps_done"]) == (2, 2)
    assert len(stored(live["id"]).steps) == 2


def test_pause_stops_the_countdown(api: Api) -> None:
    live = api.start()
    api.clock.advance(10)
    paused = api.act(live["id"], "pause")
    assert paused["paused"] is True
    api.beat(live["id"], 600)
    still = api.act(live["id"], "advance")
    assert still["index"] == 0
    assert still["step_remaining"] == pytest.approx(live["step"]["seconds"] - 10)
    assert api.act(live["id"], "resume")["paused"] is False


def test_skip_is_recorded_as_skipped_with_the_time_it_had(api: Api) -> None:
    live = api.start()
    api.clock.advance(20)
    after = api.act(live["id"], "skip")
    assert after["index"] == 1
    assert after["steps_skipped"] == 1
    (step,) = stored(live["id"]).steps
    assert step.skipped and step.seconds == pytest.approx(20)


def test_back_restarts_the_previous_step(api: Api) -> None:
    live = api.start()
    api.clock.advance(live["step"]["seconds"] + 3)
    again = api.act(live["id"], "back")
    assert again["index"] == 0
    assert again["step_remaining"] == live["step"]["seconds"]
    assert again["message"].startswith("Again:")


def test_whole_session_then_closing_is_kept_complete(api: Api) -> None:
    live = api.start(pain_before=7)
    api.beat(live["id"], live["total_seconds"] + 1)
    end = api.act(live["id"], "advance")
    assert end["finished"] and end["complete"]
    assert end["cues"][-1]["kind"] == "end"
    # the end is written before any closing question is answered
    assert stored(live["id"]).complete
    closing = api.post(
        f"/api/sessions/{live['id']}/closing",
        {"pain_after": 3, "sensations": ["warmth", "ache"], "note": "better"},
    )
    assert closing.status_code == 200, closing.text
    kept = closing.json()
    assert (kept["pain_before"], kept["pain_after"], kept["relief"]) == (7, 3, 4)
    assert kept["sensations"] == ["warmth", "ache"]
    assert kept["complete"] is True
    assert len(kept["steps"]) == end["count"]
    assert not any(s["skipped"] for s in kept["steps"])


def test_stop_for_dizziness_gives_the_guides_advice_and_keeps_the_steps(api: Api) -> None:
    live = api.start()
    api.clock.advance(live["step"]["seconds"] + 2)
    stopped = api.act(live["id"], "stop", reason="dizziness", note="light-headed")
    assert stopped["finished"] and not stopped["complete"]
    assert stopped["stop_reason"] == "dizziness"
    assert "lying or sitting down" in stopped["stop_advice"]
    log = stored(live["id"])
    assert (log.stop_reason, log.stop_note, log.complete) == ("dizziness", "light-headed", False)
    assert len(log.steps) == 1


def test_closing_a_session_whose_time_is_up_writes_its_last_steps_first(api: Api) -> None:
    """A client that follows a session with GET (which writes nothing) and sends the
    closing form once GET says it is over: the steps whose time was up are written, then
    the closing, rather than a refusal that the session still runs."""
    live = api.start(pain_before=7)
    api.beat(live["id"], live["total_seconds"] + 1)
    seen = api.client.get(f"/api/sessions/{live['id']}").json()
    assert seen["finished"] and seen["complete"]
    assert not stored(live["id"]).complete  # the end is not written by looking
    closing = api.post(f"/api/sessions/{live['id']}/closing", {"pain_after": 3})
    assert closing.status_code == 200, closing.text
    kept = closing.json()
    assert kept["complete"] is True and kept["pain_after"] == 3
    assert len(kept["steps"]) == live["count"]


def test_closing_a_running_session_is_refused(api: Api) -> None:
    live = api.start()
    answer = api.post(f"/api/sessions/{live['id']}/closing", {"pain_after": 2})
    assert answer.status_code == 409
    assert stored(live["id"]).pain_after is None


def test_unknown_session_is_a_404_with_a_sentence(api: Api) -> None:
    answer = api.post("/api/sessions/999/actions", {"action": "advance"})
    assert answer.status_code == 404
    assert "not running" in answer.json()["detail"]


def test_app_stopping_keeps_running_sessions_for_the_app_started_again() -> None:
    clock = FakeClock(NOW)
    with TestClient(app_on(clock)) as client:
        live = Api(client, clock).start()
        clock.advance(live["step"]["seconds"] - 30)
    assert stored(live["id"]).ended_at is None
    clock.advance(40)  # a restart within the grace: the page goes on as if nothing happened
    with TestClient(app_on(clock)) as client:
        again = Api(client, clock).act(live["id"], "advance")
    assert (again["index"], again["finished"]) == (1, False)
    log = stored(live["id"])
    assert (log.ended_at, len(log.steps)) == (None, 1)


def test_quiet_sessions_are_closed_even_if_one_of_them_was_deleted() -> None:
    clock = FakeClock(NOW)
    app = app_on(clock)
    with TestClient(app) as client:
        api = Api(client, clock)
        first = api.start()
        second = api.post("/api/sessions", {"pain_before": 5}).json()
        with Journal() as db:  # the first one's record is gone (deleted from elsewhere)
            db.delete(first["id"])
        clock.advance(GONE + 1)
        assert api.get("/api/journal").status_code == 200
    log = stored(second["id"])
    assert (log.stop_reason, log.complete, log.ended_at) == ("interrupted", False, NOW)


def test_steps_after_the_page_went_quiet_are_not_counted_as_done() -> None:
    clock = FakeClock(NOW)
    app = app_on(clock)
    with TestClient(app) as client:
        api = Api(client, clock)
        live = api.start()
        plan = api.get("/api/plan").json()["steps"]
        clock.advance(plan[0]["seconds"])
        api.act(live["id"], "advance")  # the page's last word
        clock.advance(live["total_seconds"])  # the tab was closed long ago
        assert api.get(f"/api/sessions/{live['id']}").json()["stop_reason"] == "interrupted"
    ends, total = [], 0
    for step in plan:
        total += step["seconds"]
        ends.append(total)
    alive_until = plan[0]["seconds"] + GRACE
    log = stored(live["id"])
    assert len(log.steps) == sum(1 for end in ends if end <= alive_until) < len(plan)
    assert (log.stop_reason, log.complete) == ("interrupted", False)


def test_leaving_the_page_interrupts_the_session_at_once(api: Api) -> None:
    live = api.start()
    api.clock.advance(live["step"]["seconds"] + 5)
    # what the page's beacon sends: the token as a form field
    gone = api.client.post(f"/api/sessions/{live['id']}/leave", data={"csrf_token": api.token})
    assert gone.status_code == 204
    log = stored(live["id"])
    assert (len(log.steps), log.stop_reason, log.complete) == (1, "interrupted", False)
    assert api.post(f"/api/sessions/{live['id']}/actions", {"action": "advance"}).status_code == 404


# --- bad input: a 4xx with a reason, and nothing written ------------------------------


def test_journal_refuses_a_day_too_long_ago(api: Api) -> None:
    answer = api.post("/api/journal", {"day": "0001-01-01", "pain_before": 6, "pain_after": 4})
    assert answer.status_code == 400
    assert "check the year" in answer.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        {"pain_before": 11},
        {"pain_before": -1},
        {"pain_before": "six"},
        {"pain_before": 5, "minutes": 0},
        {"pain_before": 5, "extra": 1},
        {},
    ],
)
def test_bad_session_start_is_refused_and_writes_nothing(
    api: Api, home: Any, body: dict[str, Any]
) -> None:
    api.check()
    answer = api.post("/api/sessions", body)
    assert answer.status_code == 422
    assert answer.json()["detail"]
    assert not (home / "journal.db").exists()


def test_bad_pain_after_is_refused_and_the_session_kept(api: Api) -> None:
    live = api.start()
    api.beat(live["id"], live["total_seconds"])
    api.act(live["id"], "advance")
    answer = api.post(f"/api/sessions/{live['id']}/closing", {"pain_after": 12})
    assert answer.status_code == 422
    assert "pain_after" in answer.json()["detail"]
    assert stored(live["id"]).complete


def test_requests_without_the_token_are_refused(api: Api, home: Any) -> None:
    answer = api.client.post("/api/check", json={"answers": all_clear()})
    assert answer.status_code == 403
    assert "security token" in answer.json()["detail"]
    wrong = api.client.post(
        "/api/check", json={"answers": all_clear()}, headers={"X-CSRF-Token": "0" * 32}
    )
    assert wrong.status_code == 403
    assert not (home / "check.json").exists()


def test_a_token_the_server_did_not_issue_is_refused(api: Api, home: Any) -> None:
    """A page from another site can choose a cookie and a field that match; it cannot
    sign them with this installation's key."""
    nonce, mac = api.token[:32], api.token[32:]
    assert len(mac) == 64
    for chosen in ("a" * 32, "0" * 32 + mac, nonce + "0" * 64, nonce + mac.upper()):
        api.client.cookies.set("acupress_csrf", chosen)
        answer = api.client.post(
            "/api/check", json={"answers": all_clear()}, headers={"X-CSRF-Token": chosen}
        )
        assert answer.status_code == 403, chosen
        assert "security token" in answer.json()["detail"]
    assert not (home / "check.json").exists()


def test_the_signing_key_is_private_and_outlives_the_app(home: Any) -> None:
    with TestClient(app_on(FakeClock(NOW))) as first:
        token = first.get("/").cookies["acupress_csrf"]
    key = home / "web.key"
    assert key.stat().st_mode & 0o777 == 0o600
    with TestClient(app_on(FakeClock(NOW))) as again:  # the app restarted: open pages work
        again.cookies.set("acupress_csrf", token)
        answer = again.post(
            "/api/check", json={"answers": all_clear()}, headers={"X-CSRF-Token": token}
        )
        assert answer.status_code == 200, answer.text
    key.unlink()  # a new key: every token issued before is refused
    with TestClient(app_on(FakeClock(NOW))) as renewed:
        renewed.cookies.set("acupress_csrf", token)
        answer = renewed.post(
            "/api/check", json={"answers": all_clear()}, headers={"X-CSRF-Token": token}
        )
        assert answer.status_code == 403


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/journal", {"day": "2026-03-01", "pain_before": 6, "pain_after": 1}),
        ("PATCH", "/api/journal/1", {"pain_after": 1}),
        ("DELETE", "/api/journal/1", None),
        ("PUT", "/api/settings", {"thumb_cm": 2.0}),
    ],
)
def test_every_unsafe_method_needs_the_token(
    api: Api, home: Any, method: str, path: str, body: Any
) -> None:
    log_by_hand(api, 1, 6, 4)
    answer = api.client.request(method, path, json=body)
    assert answer.status_code == 403
    assert "security token" in answer.json()["detail"]
    assert [(s["id"], s["pain_after"]) for s in api.get("/api/journal").json()] == [(1, 4)]
    assert not (home / "profile.json").exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "http://testserver.evil.example"},
        {"Origin": "https://testserver"},
        {"Origin": "http://testserver:8080"},
        {"Origin": "null"},
        {"Referer": "http://evil.example/page.html"},
    ],
)
def test_a_change_sent_from_another_site_is_refused(
    api: Api, home: Any, headers: dict[str, str]
) -> None:
    log_by_hand(api, 1, 6, 4)
    for method, path in (("POST", "/api/check"), ("DELETE", "/api/journal/1")):
        answer = api.client.request(
            method,
            path,
            json={"answers": all_clear()},
            headers={"X-CSRF-Token": api.token, **headers},
        )
        assert answer.status_code == 403
        assert "another site" in answer.json()["detail"]
    assert not (home / "check.json").exists()
    assert len(api.get("/api/journal").json()) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://testserver"},
        {"Origin": "http://TestServer:80"},
        {"Referer": "http://testserver/check"},
        {},
    ],
)
def test_a_change_from_this_site_or_from_no_page_at_all_is_taken(
    api: Api, headers: dict[str, str]
) -> None:
    answer = api.client.post(
        "/api/check", json={"answers": all_clear()}, headers={"X-CSRF-Token": api.token, **headers}
    )
    assert answer.status_code == 200, answer.text


def test_unknown_host_is_refused(api: Api) -> None:
    assert api.get("/", headers={"Host": "evil.example"}).status_code == 400


def test_bad_check_answers_say_which_question(api: Api) -> None:
    answer = api.check(age="forty")
    assert answer.status_code == 400
    assert "age" in answer.json()["detail"]


# --- the journal ----------------------------------------------------------------------


def test_journal_add_edit_delete(api: Api) -> None:
    added = api.post(
        "/api/journal",
        {"day": "2026-03-01", "pain_before": 6, "pain_after": 4, "points": ["bl23", "BL40"]},
    )
    assert added.status_code == 201, added.text
    s = added.json()
    assert (s["source"], s["points"], s["relief"]) == ("manual", ["BL23", "BL40"], 2)
    edited = api.send("PATCH", f"/api/journal/{s['id']}", {"pain_after": 2, "note": "<b>ok</b>"})
    assert edited.json()["pain_after"] == 2 and edited.json()["note"] == "<b>ok</b>"
    listed = api.get("/api/journal", params={"from": "2026-03-01", "to": "2026-03-01"}).json()
    assert [x["id"] for x in listed] == [s["id"]]
    assert api.send("DELETE", f"/api/journal/{s['id']}").status_code == 204
    assert api.get(f"/api/journal/{s['id']}").status_code == 404


def test_a_running_session_cannot_be_deleted_until_it_has_ended(api: Api) -> None:
    live = api.start()
    refused = api.send("DELETE", f"/api/journal/{live['id']}")
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        f"Session {live['id']} is still running: stop it first, then delete it."
    )
    assert api.get(f"/api/journal/{live['id']}").status_code == 200
    api.act(live["id"], "stop", reason="no_time")
    assert api.send("DELETE", f"/api/journal/{live['id']}").status_code == 204
    assert api.get(f"/api/journal/{live['id']}").status_code == 404


def test_journal_refuses_a_session_in_the_future(api: Api) -> None:
    answer = api.post("/api/journal", {"day": "2026-03-05", "pain_before": 6, "pain_after": 4})
    assert answer.status_code == 400
    assert "future" in answer.json()["detail"]
    assert api.get("/api/journal").json() == []


def test_journal_refuses_unknown_points_and_reversed_dates(api: Api) -> None:
    answer = api.post(
        "/api/journal", {"day": "2026-03-01", "pain_before": 6, "pain_after": 4, "points": ["X9"]}
    )
    assert answer.status_code == 404 or answer.status_code == 400
    reversed_days = api.get("/api/journal", params={"from": "2026-03-02", "to": "2026-03-01"})
    assert reversed_days.status_code == 400


# --- progress, settings, take away ----------------------------------------------------


def test_progress_applies_the_guides_rules(api: Api) -> None:
    for day in ("2026-02-27", "2026-02-28", "2026-03-01"):
        api.post("/api/journal", {"day": day, "pain_before": 5, "pain_after": 5})
    p = api.get("/api/progress").json()
    assert p["sessions"] == 3
    assert "no_relief_3_days" in [f["id"] for f in p["flags"]]
    assert all(f["source"] for f in p["flags"])


def test_settings_change_the_plan_and_the_points(api: Api) -> None:
    answer = api.send(
        "PUT", "/api/settings", {"thumb_cm": 2.0, "minutes": 20, "partner": True, "sound": False}
    )
    assert answer.status_code == 200
    point = api.get("/api/points/BL23").json()
    assert point["lateral_cm"] == 3.0  # 1.5 cun with a 2 cm thumb
    plan = api.get("/api/plan").json()
    assert plan["partner"] is True
    assert plan["budget_seconds"] == 20 * 60
    bad = api.send("PUT", "/api/settings", {"thumb_cm": 9})
    assert bad.status_code == 422
    assert api.get("/api/settings").json()["thumb_cm"] == 2.0


def test_export_then_import_round_trips(api: Api) -> None:
    api.post("/api/journal", {"day": "2026-03-01", "pain_before": 6, "pain_after": 4})
    dump = api.get("/api/exports/json")
    assert dump.status_code == 200
    assert "attachment" in dump.headers["content-disposition"]
    again = api.client.post(
        "/api/import",
        content=dump.content,
        headers={"X-CSRF-Token": api.token, "Content-Type": "application/json"},
    )
    assert again.json() == {"added": 0, "present": 1, "profile": "none_in_file"}
    broken = api.client.post(
        "/api/import",
        content=b'{"format": "acupress-journal", "version": 99}',
        headers={"X-CSRF-Token": api.token, "Content-Type": "application/json"},
    )
    assert broken.status_code == 400
    assert len(api.get("/api/journal").json()) == 1


def test_fhir_and_csv_exports(api: Api) -> None:
    api.post("/api/journal", {"day": "2026-03-01", "pain_before": 6, "pain_after": 4})
    fhir = json.loads(api.get("/api/exports/fhir").content)
    assert fhir["resourceType"] == "Bundle" and len(fhir["entry"]) == 2
    assert api.get("/api/exports/csv").text.count("\n") == 2
    assert api.get("/api/exports/xml").status_code == 422


def test_reminders_keep_a_rest_day(api: Api) -> None:
    ok = api.get("/api/reminders.ics", params={"time": "08:00", "days": "mon,wed,fri"})
    assert ok.status_code == 200 and b"RRULE:FREQ=WEEKLY" in ok.content
    daily = api.get("/api/reminders.ics", params={"days": "mon,tue,wed,thu,fri,sat,sun"})
    assert daily.status_code == 400
    assert "rest day" in daily.json()["detail"]


def test_documents_carry_no_script(api: Api) -> None:
    guide = api.get("/api/guide.html")
    assert guide.status_code == 200
    assert "script-src" not in guide.headers["content-security-policy"]
    assert "default-src 'none'" in guide.headers["content-security-policy"]
    assert "<script" not in guide.text


def test_charts_are_svg_from_the_atlas(api: Api) -> None:
    chart = api.get("/api/charts/points/BL23.svg")
    assert chart.headers["content-type"].startswith("image/svg+xml")
    assert chart.text.lstrip().startswith("<svg") and "BL23" in chart.text
    assert api.get("/api/charts/points/ZZ99.svg").status_code == 404


def test_every_page_operation_is_in_the_openapi_schema(api: Api) -> None:
    schema = api.get("/api/openapi.json").json()
    paths = schema["paths"]
    for path, method in [
        ("/api/check", "post"),
        ("/api/sessions", "post"),
        ("/api/sessions/{session_id}/actions", "post"),
        ("/api/sessions/{session_id}/closing", "post"),
        ("/api/journal", "post"),
        ("/api/journal/{session_id}", "patch"),
        ("/api/journal/{session_id}", "delete"),
        ("/api/progress", "get"),
        ("/api/settings", "put"),
        ("/api/import", "post"),
        ("/api/exports/{fmt}", "get"),
        ("/api/reminders.ics", "get"),
    ]:
        assert method in paths[path], f"{method.upper()} {path} is missing"
    assert all(p.startswith("/api/") for p in paths)


# --- today's decision with the journal ------------------------------------------------


def log_by_hand(api: Api, days_ago: int, before: int, after: int) -> None:
    day = (NOW - dt.timedelta(days=days_ago)).date().isoformat()
    body = {"day": day, "pain_before": before, "pain_after": after, "pressure": "light"}
    answer = api.post("/api/journal", body)
    assert answer.status_code == 201, answer.text


def test_after_a_stop_for_dizziness_no_session_starts_that_day(api: Api) -> None:
    live = api.start()
    api.act(live["id"], "stop", reason="dizziness")
    today = api.get("/api/today").json()
    assert today["can_start"] is False
    assert today["decision"]["title"] == "Not today: you stopped for dizziness"
    answer = api.post("/api/sessions", {"pain_before": 5})
    assert answer.status_code == 409
    assert "you stopped for dizziness" in answer.json()["detail"]
    assert api.check().json()["decision"] == "not_today"  # answering again changes nothing
    assert api.post("/api/sessions", {"pain_before": 5}).status_code == 409


def test_a_see_a_professional_flag_stops_sessions_until_the_visit_is_recorded(api: Api) -> None:
    for days_ago, after in ((3, 6), (2, 6), (1, 7)):
        log_by_hand(api, days_ago, 6, after)
    assert api.check().json()["decision"] == "see_clinician"
    refused = api.post("/api/sessions", {"pain_before": 6})
    assert refused.status_code == 409
    assert "See a professional before your next session" in refused.json()["detail"]
    assert api.get("/api/today").json()["see_professional"] is True

    seen = api.post("/api/seen-professional", {"note": "GP: go on"})
    assert seen.status_code == 201
    assert seen.json()["kind"] == "seen_professional"
    assert [e["note"] for e in api.get("/api/events").json()] == ["GP: go on"]
    assert api.get("/api/today").json()["see_professional"] is False
    assert api.post("/api/sessions", {"pain_before": 6}).status_code == 201


def test_a_rest_day_needs_the_choice_to_go_on_anyway(api: Api) -> None:
    for days_ago in range(6, 0, -1):
        log_by_hand(api, days_ago, 5, 4)
    assert api.check().status_code == 200
    assert api.get("/api/plan").json()["rest_day"].startswith("You have pressed the points")
    refused = api.post("/api/sessions", {"pain_before": 5})
    assert refused.status_code == 409 and "rest day" in refused.json()["detail"]
    chosen = api.post("/api/sessions", {"pain_before": 5, "on_rest_day": True})
    assert chosen.status_code == 201, chosen.text


def test_a_step_shows_the_whole_landmark_first_way_to_find_its_point(api: Api) -> None:
    steps = api.get("/api/plan").json()["steps"]
    bl23 = next(s for s in steps if s["point"] == "BL23")
    assert len(bl23["find"]) == 4
    assert "passes the spine at about L4" in bl23["find"][0]
    assert "count up two bumps to L2" in bl23["find"][1]  # not pressed at L4
    assert "two finger-widths" in bl23["find"][2]
    assert next(s for s in steps if s["point"] is None)["find"] == []


# --- hostile bodies: a sentence, never a server error, and nothing written ------------

DEEP = b"[" * 1000 + b"]" * 1000
DEEP_OBJECT = b'{"a":' * 1000 + b"1" + b"}" * 1000
JSON_BODIES = [
    ("POST", "/api/check"),
    ("POST", "/api/sessions"),
    ("POST", "/api/sessions/1/actions"),
    ("POST", "/api/sessions/1/closing"),
    ("POST", "/api/journal"),
    ("PATCH", "/api/journal/1"),
    ("POST", "/api/seen-professional"),
    ("PUT", "/api/settings"),
    ("POST", "/api/import"),
]


def raw(api: Api, method: str, path: str, body: bytes) -> Any:
    headers = {"X-CSRF-Token": api.token, "Content-Type": "application/json"}
    return api.client.request(method, path, content=body, headers=headers)


@pytest.mark.parametrize(("method", "path"), JSON_BODIES)
@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["arrays", "objects"])
def test_json_nested_1000_deep_is_refused_with_a_sentence(
    api: Api, method: str, path: str, body: bytes
) -> None:
    live = api.start()
    log_by_hand(api, 1, 6, 4)
    answer = raw(api, method, path, body)
    assert answer.status_code == 400, answer.text
    assert "nested too deeply" in answer.json()["detail"]
    assert len(api.get("/api/journal").json()) == 2
    assert api.get(f"/api/sessions/{live['id']}").status_code == 200


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        (
            b'{"answers": "\xff"}',
            400,
            "The request's body cannot be read as JSON: send UTF-8 JSON, as /api/docs shows.",
        ),
        (
            b'{"answers": {',
            422,
            "The request's body is not valid JSON (see character 13): send JSON, as /api/docs "
            "shows.",
        ),
    ],
)
def test_a_body_that_is_not_json_is_one_sentence(
    api: Api, home: Any, body: bytes, status: int, detail: str
) -> None:
    answer = raw(api, "POST", "/api/check", body)
    assert (answer.status_code, answer.json()) == (status, {"detail": detail})
    assert not (home / "check.json").exists()


def test_import_larger_than_50_mb_is_refused_and_writes_nothing(api: Api) -> None:
    body = b'{"format": "acupress-journal", "sessions": [' + b" " * 50_000_000 + b"]}"
    answer = raw(api, "POST", "/api/import", body)
    assert answer.status_code == 413
    assert answer.json()["detail"] == (
        "The file is larger than 50 MB: that is not an acupress export."
    )
    assert api.get("/api/journal").json() == []


@pytest.mark.parametrize(("method", "path"), [m for m in JSON_BODIES if m[1] != "/api/import"])
def test_every_other_body_is_limited_to_1_mb(api: Api, method: str, path: str) -> None:
    log_by_hand(api, 1, 6, 4)
    body = b'{"note": "' + b"x" * 1_000_000 + b'"}'
    answer = raw(api, method, path, body)
    assert answer.status_code == 413
    assert answer.json()["detail"] == (
        "The request is larger than 1 MB: no form or API call of acupress sends that much."
    )
    assert [s["note"] for s in api.get("/api/journal").json()] == [""]


def test_two_apps_on_one_journal_driving_one_session_record_every_step_once() -> None:
    clock = FakeClock(NOW)
    with TestClient(app_on(clock)) as one, TestClient(app_on(clock)) as two:
        tabs = [Api(one, clock), Api(two, clock)]
        live = tabs[0].start()
        while not tabs[1].act(live["id"], "advance")["finished"]:
            clock.advance(30)
            tabs[0].act(live["id"], "advance")
        kept = tabs[0].get(f"/api/journal/{live['id']}").json()
    assert [s["position"] for s in kept["steps"]] == list(range(live["count"]))
    assert kept["complete"] is True


# --- steps a page ran offline, sent when the network is back --------------------------


def offline_steps(live: dict[str, Any], ends: list[float]) -> list[dict[str, Any]]:
    plan = live["plan"]
    return [
        {
            "key": f"{live['uid']}:{i}:0",
            "index": i,
            "seconds": plan[i]["seconds"],
            "completed_at": (NOW + dt.timedelta(seconds=end)).isoformat(),
        }
        for i, end in enumerate(ends)
    ]


def test_steps_run_offline_are_written_once_with_their_real_end(api: Api) -> None:
    live = api.start()
    plan = live["plan"]
    # offline from the start; a pause of 20 s there in the second step
    ends = [plan[0]["seconds"], plan[0]["seconds"] + plan[1]["seconds"] + 20]
    api.clock.advance(ends[-1] + 7)
    body = {"steps": offline_steps(live, ends), "current": {"index": 2, "elapsed": 7}}
    for _ in range(2):  # sent again (the answer was lost): nothing more is written
        answer = api.post(f"/api/sessions/{live['id']}/steps", body)
        assert answer.status_code == 200, answer.text
    after = answer.json()
    assert (after["index"], after["steps_done"], after["finished"]) == (2, 2, False)
    assert after["step_elapsed"] == pytest.approx(7)
    log = stored(live["id"])
    assert [s.completed_at for s in log.steps] == [NOW + dt.timedelta(seconds=e) for e in ends]
    assert log.seconds == plan[0]["seconds"] + plan[1]["seconds"]
    api.clock.advance(plan[2]["seconds"] - 7)  # the session goes on from where the page is
    assert api.act(live["id"], "advance")["index"] == 3
    assert len(stored(live["id"]).steps) == 3


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"index": 99}, "not in this session's plan"),
        ({"key": "someone-else:0:0"}, "not one of this session's"),
        ({"completed_at": (NOW + dt.timedelta(hours=2)).isoformat()}, "outside the session"),
        ({"completed_at": (NOW - dt.timedelta(hours=2)).isoformat()}, "outside the session"),
        ({"seconds": 5000}, "do not allow"),
    ],
)
def test_a_wrong_offline_step_is_refused_and_nothing_written(
    api: Api, change: dict[str, Any], words: str
) -> None:
    live = api.start()
    ends = [live["plan"][0]["seconds"], live["plan"][0]["seconds"] + live["plan"][1]["seconds"]]
    api.clock.advance(ends[-1] + 1)
    steps = offline_steps(live, ends)
    steps[1] |= change
    answer = api.post(f"/api/sessions/{live['id']}/steps", {"steps": steps})
    assert answer.status_code == 400
    assert words in answer.json()["detail"]
    assert stored(live["id"]).steps == ()


def test_offline_steps_reopen_a_session_closed_for_silence(api: Api) -> None:
    live = api.start()
    plan = live["plan"]
    ends = [sum(s["seconds"] for s in plan[: i + 1]) for i in range(3)]
    api.clock.advance(GONE + ends[-1])
    assert api.get(f"/api/sessions/{live['id']}").json()["stop_reason"] == "interrupted"
    answer = api.post(f"/api/sessions/{live['id']}/steps", {"steps": offline_steps(live, ends)})
    assert answer.status_code == 200, answer.text
    log = stored(live["id"])
    assert (len(log.steps), log.stop_reason) == (3, "interrupted")
    assert log.ended_at == NOW + dt.timedelta(seconds=ends[-1])


def test_an_offline_step_without_a_time_zone_is_refused(api: Api) -> None:
    live = api.start()
    api.clock.advance(live["plan"][0]["seconds"] + 1)
    (step,) = offline_steps(live, [live["plan"][0]["seconds"]])
    step["completed_at"] = step["completed_at"].removesuffix("+00:00")
    answer = api.post(f"/api/sessions/{live['id']}/steps", {"steps": [step]})
    assert answer.status_code == 422
    assert "completed_at" in answer.json()["detail"]
    assert stored(live["id"]).steps == ()


def test_a_page_back_after_a_long_time_offline_goes_on_with_its_session(api: Api) -> None:
    live = api.start()
    plan = live["plan"]
    ends = [sum(s["seconds"] for s in plan[: i + 1]) for i in range(2)]
    api.clock.advance(GONE + ends[-1])
    assert api.get("/api/journal").json()[0]["stop_reason"] == "interrupted"  # noticed
    current = {"index": 2, "elapsed": plan[2]["seconds"] - 10}  # paused there a while
    body = {"steps": offline_steps(live, ends), "current": current}
    answer = api.post(f"/api/sessions/{live['id']}/steps", body)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["index"], answer.json()["finished"]) == (2, False)
    log = stored(live["id"])
    assert (log.ended_at, log.stop_reason, len(log.steps)) == (None, None, 2)
    api.clock.advance(11)
    assert api.act(live["id"], "advance")["index"] == 3
