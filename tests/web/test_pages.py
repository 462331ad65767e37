"""The pages as a browser without JavaScript sees them: forms, their mistakes, the security
headers, and what is escaped."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acupress.clock import FakeClock
from acupress.journal import Journal
from acupress.safety import default_screening
from tests.web.fake import NOW, app_on

PAGES = ["/", "/session", "/check", "/points", "/journal", "/progress", "/take-away", "/settings"]


@pytest.fixture
def client() -> Iterator[TestClient]:
    clock = FakeClock(NOW)
    app = app_on(clock)
    with TestClient(app, follow_redirects=False) as c:
        yield c


def token(client: TestClient, page: str = "/") -> str:
    html = client.get(page).text
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html) or re.search(
        r'name="csrf-token" content="([0-9a-f]+)"', html
    )
    assert found, "the page carries no token"
    return found[1]


def check_form(**changes: str | list[str]) -> dict[str, Any]:
    form: dict[str, Any] = {}
    for q in default_screening().questions:
        form[q.id] = {"yes_no": "no", "number": "40", "points": []}[q.type]
    return form | changes


def post(client: TestClient, path: str, form: dict[str, Any], **kw: Any) -> Any:
    return client.post(path, data={"csrf_token": token(client), **form}, **kw)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_with_a_strict_content_security_policy(
    client: TestClient, path: str
) -> None:
    page = client.get(path)
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert page.headers["x-frame-options"] == "DENY"
    assert "<script>" not in page.text  # scripts only from files, never inline
    assert re.findall(r'(?:src|href)="(https?:)?//', page.text) == []  # nothing from elsewhere


@pytest.mark.parametrize(
    "path",
    [
        *PAGES,
        "/journal/1/edit",
        "/nowhere",
        "/api/today",
        "/api/journal",
        "/api/journal/1",
        "/api/exports/csv",
        "/api/exports/json",
        "/api/exports/fhir",
        "/api/report.html",
        "/api/guide.html",
        "/api/reminders.ics",
        "/api/charts/points/BL23.svg",
        "/api/openapi.json",
    ],
)
def test_nothing_but_the_static_files_may_be_kept_in_a_cache(client: TestClient, path: str) -> None:
    form = {"day": "2026-03-01", "pain_before": "6", "pain_after": "4", "pressure": "light"}
    assert post(client, "/journal", form).status_code == 303
    answer = client.get(path)
    assert answer.headers["cache-control"] == "no-store", path


def test_static_files_may_be_cached(client: TestClient) -> None:
    for path in ("/static/app.css", "/static/session.js", "/static/icon.svg"):
        answer = client.get(path)
        assert answer.status_code == 200
        assert "no-store" not in answer.headers.get("cache-control", ""), path


def test_the_api_docs_load_nothing_from_elsewhere_and_run_no_inline_script(
    client: TestClient,
) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe" not in policy
    assert re.findall(r"<script>", page.text) == []
    assert re.findall(r'(?:src|href)="(https?:)?//', page.text) == []
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text):
        assert client.get(asset).status_code == 200, asset


def test_the_token_cookie_is_strict_and_not_readable_by_scripts(client: TestClient) -> None:
    cookie = client.get("/").headers["set-cookie"]
    assert "SameSite=Strict" in cookie and "HttpOnly" in cookie


def test_check_form_decides_and_keeps_the_answers_for_the_day(client: TestClient) -> None:
    page = post(client, "/check", check_form())
    assert page.status_code == 200
    assert "decision-go" in page.text
    assert 'href="/session"' in page.text
    assert "Start the session" in client.get("/session").text


def test_check_form_emergency_is_unmistakable(client: TestClient) -> None:
    page = post(client, "/check", check_form(saddle_numbness="yes"))
    assert 'class="decision decision-emergency"' in page.text
    assert 'role="alert"' in page.text
    assert "Start a session" not in page.text
    assert "Start the session" not in client.get("/session").text


def test_check_form_missing_answer_says_which_and_saves_nothing(
    client: TestClient, home: Any
) -> None:
    form = check_form()
    del form["fever_or_chills"]
    page = post(client, "/check", form)
    assert page.status_code == 400
    assert "has no answer" in page.text
    assert not (home / "check.json").exists()


def test_form_without_the_token_is_refused(client: TestClient, home: Any) -> None:
    page = client.post("/check", data=check_form())
    assert page.status_code == 403
    assert "security token" in page.text
    assert not (home / "check.json").exists()


def test_form_sent_from_another_site_is_refused(client: TestClient, home: Any) -> None:
    page = post(client, "/check", check_form(), headers={"Origin": "http://evil.example"})
    assert page.status_code == 403
    assert "another site" in page.text
    assert not (home / "check.json").exists()


def test_journal_form_adds_and_escapes_the_note(client: TestClient) -> None:
    note = "<script>alert(1)</script>"
    answer = post(
        client,
        "/journal",
        {
            "day": "2026-03-01",
            "pain_before": "6",
            "pain_after": "4",
            "pressure": "moderate",
            "points": ["BL23"],
            "note": note,
        },
    )
    assert answer.status_code == 303
    page = client.get("/journal")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert note not in page.text


@pytest.mark.parametrize(
    ("form", "words"),
    [
        ({"pain_before": "11", "pain_after": "4"}, "Pain before must be a whole number from 0"),
        ({"pain_before": "six", "pain_after": "4"}, "Pain before must be a whole number"),
        ({"pain_before": "6", "pain_after": ""}, "Pain after is missing"),
        (
            {"pain_before": "6", "pain_after": "4", "pressure": "light", "day": "2026-03-09"},
            "in the future",
        ),
        ({"pain_before": "6", "pain_after": "4"}, "Choose the most pressure you used"),
        ({"pain_before": "6", "pain_after": "4", "pressure": "hard"}, "light, moderate or firm"),
        ({"pain_before": "6", "pain_after": "4", "day": "yesterday"}, "Date must be a date"),
        ({"pain_before": "6", "pain_after": "4", "minutes": "0"}, "Minutes must be"),
        (
            {"pain_before": "6", "pain_after": "4", "pressure": "light", "points": "ABCDEFGHIJK"},
            "Unknown point &#39;ABCDEFGHIJK&#39;",
        ),
        (
            {
                "pain_before": "6",
                "pain_after": "4",
                "pressure": "light",
                "points": [f"X{n}" for n in range(51)],
            },
            "Unknown point &#39;X0&#39;",
        ),
    ],
)
def test_journal_form_mistakes_are_one_sentence_and_write_nothing(
    client: TestClient, form: dict[str, str], words: str
) -> None:
    page = post(client, "/journal", {"day": "2026-03-01", **form})
    assert page.status_code == 400
    assert words in page.text
    assert 'role="alert"' in page.text
    with Journal() as db:
        assert db.sessions() == []


FORM_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
GOOD_JOURNAL_FORM = {
    "day": "2026-03-01",
    "time": "08:00",
    "pain_before": "6",
    "pain_after": "4",
    "minutes": "15",
    "pressure": "light",
    "note": "fine",
}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    # a good form with one or two fields changed to anything, so every field is reached
    changed=st.dictionaries(st.sampled_from(sorted(GOOD_JOURNAL_FORM)), FORM_TEXT, max_size=2),
    points=st.lists(st.one_of(st.sampled_from(["BL23", "bl40", "KI3"]), FORM_TEXT), max_size=60),
)
def test_journal_form_answers_anything_with_the_page_or_a_sentence(
    client: TestClient, changed: dict[str, str], points: list[str]
) -> None:
    answer = post(client, "/journal", GOOD_JOURNAL_FORM | changed | {"points": points})
    assert answer.status_code in (303, 400), answer.text
    if answer.status_code == 400:
        assert 'role="alert"' in answer.text


GOOD_FORMS = {
    "/journal/1/edit": GOOD_JOURNAL_FORM,
    "/settings": {"thumb_cm": "2,1", "minutes": "20", "partner": "on", "sound": "on"},
    "/check": check_form(),
    "/seen-professional": {"note": "GP: go on"},
}


@pytest.mark.parametrize("path", sorted(GOOD_FORMS))
def test_every_form_answers_anything_with_a_page_never_a_server_error(
    client: TestClient, path: str
) -> None:
    form = GOOD_FORMS[path]
    assert post(client, "/journal", GOOD_JOURNAL_FORM).status_code == 303  # session 1

    @settings(max_examples=40, deadline=None)
    @given(changed=st.dictionaries(st.sampled_from(sorted(form)), FORM_TEXT, max_size=3))
    def any_change(changed: dict[str, str]) -> None:
        answer = post(client, path, form | changed)
        assert answer.status_code in (200, 303, 400), answer.text

    any_change()


def test_journal_edit_and_delete_through_forms(client: TestClient) -> None:
    post(
        client,
        "/journal",
        {"day": "2026-03-01", "pain_before": "6", "pain_after": "4", "pressure": "light"},
    )
    edit = client.get("/journal/1/edit")
    assert 'value="6"' in edit.text
    done = post(
        client,
        "/journal/1/edit",
        {"day": "2026-02-28", "time": "08:15", "pain_before": "7", "pain_after": "2", "note": "x"},
    )
    assert done.status_code == 303
    with Journal() as db:
        s = db.get(1)
    assert (s.pain_before, s.pain_after, s.day.isoformat()) == (7, 2, "2026-02-28")
    bad = post(client, "/journal/1/edit", {"day": "2026-02-28", "pain_before": "99"})
    assert bad.status_code == 400
    assert 'href="/journal/1/delete"' in client.get("/journal").text
    asked = client.get("/journal/1/delete")  # asks first, and asking deletes nothing
    assert asked.status_code == 200
    assert "Saturday 28 February 2026 at 08:15, pain 7 → 2" in asked.text
    assert "This cannot be undone." in asked.text
    assert client.get("/journal/1/edit").status_code == 200
    assert post(client, "/journal/1/delete", {}).status_code == 303
    assert client.get("/journal/1/edit").status_code == 404
    assert client.get("/journal/1/delete").status_code == 404


def test_deleting_a_running_session_is_refused_with_a_page(client: TestClient) -> None:
    assert post(client, "/check", check_form()).status_code == 200
    started = client.post(
        "/api/sessions", json={"pain_before": 5}, headers={"X-CSRF-Token": token(client)}
    )
    assert started.status_code == 201
    page = post(client, "/journal/1/delete", {})
    assert page.status_code == 409
    assert "Session 1 is still running: stop it first, then delete it." in page.text
    with Journal() as db:
        assert [s.id for s in db.sessions()] == [1]


def test_settings_form_rejects_an_implausible_thumb(client: TestClient, home: Any) -> None:
    page = post(client, "/settings", {"thumb_cm": "9", "minutes": "20"})
    assert page.status_code == 400
    assert "not plausible" in page.text
    assert not (home / "profile.json").exists()
    ok = post(client, "/settings", {"thumb_cm": "2,1", "minutes": "20", "sound": "on"})
    assert ok.status_code == 303
    assert "2.1 cm" in client.get("/points").text


def test_vibration_is_off_until_chosen_on_the_settings_page(client: TestClient) -> None:
    assert client.get("/api/settings").json()["vibrate"] is False
    assert 'name="vibrate"' in client.get("/settings").text
    done = post(client, "/settings", {"minutes": "20", "sound": "on", "vibrate": "on"})
    assert done.status_code == 303
    assert client.get("/api/settings").json()["vibrate"] is True
    assert re.search(r'name="vibrate" checked', client.get("/settings").text)
    post(client, "/check", check_form())
    assert 'data-vibrate="on"' in client.get("/session").text


def test_every_page_offers_the_app_to_install_and_keeps_working_offline(
    client: TestClient,
) -> None:
    page = client.get("/").text
    assert '<link rel="manifest" href="/static/manifest.webmanifest">' in page
    assert '<script src="/static/offline.js" defer></script>' in page
    worker = client.get("/sw.js")
    assert worker.status_code == 200
    assert worker.headers["content-type"].startswith("text/javascript")
    assert "/static/session.js" in worker.text


def test_import_form_refuses_a_damaged_file(client: TestClient) -> None:
    page = client.post(
        "/take-away/import",
        data={"csrf_token": token(client)},
        files={"file": ("dump.json", b"{not json", "application/json")},
    )
    assert page.status_code == 400
    assert "dump.json" in page.text


def import_file(client: TestClient, data: bytes) -> Any:
    return client.post(
        "/take-away/import",
        data={"csrf_token": token(client)},
        files={"file": ("dump.json", data, "application/json")},
    )


def test_import_form_refuses_a_file_nested_too_deeply(client: TestClient) -> None:
    page = import_file(client, b"[" * 1000 + b"]" * 1000)
    assert page.status_code == 400
    assert (
        "dump.json cannot be imported: it is not an acupress journal export "
        "(it is nested too deeply)" in page.text
    )
    assert 'action="/take-away/import"' in page.text  # the form again
    with Journal() as db:
        assert db.sessions() == []


def test_import_form_refuses_a_file_larger_than_50_mb(client: TestClient) -> None:
    page = import_file(client, b"[" + b" " * 50_000_000 + b"]")
    assert page.status_code == 413
    assert "The file is larger than 50 MB: that is not an acupress export." in page.text
    with Journal() as db:
        assert db.sessions() == []


def test_a_form_larger_than_1_mb_is_refused(client: TestClient, home: Any) -> None:
    page = post(client, "/check", check_form(age="4" * 1_000_000))
    assert page.status_code == 413
    assert "The request is larger than 1 MB" in page.text
    assert not (home / "check.json").exists()


def test_a_data_directory_that_cannot_be_made_is_one_sentence(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("ACUPRESS_HOME", str(tmp_path / "a-file" / "acupress"))
    with TestClient(app_on(FakeClock(NOW))) as client:
        page = client.get("/take-away")
        client.cookies.set("acupress_csrf", "0" * 96)
        api = client.post("/api/check", json={}, headers={"X-CSRF-Token": "0" * 96})
    sentence = f"Cannot create the data directory {tmp_path / 'a-file' / 'acupress'}: "
    assert page.status_code == 400
    assert sentence in page.text
    assert api.status_code == 400
    assert api.json()["detail"].startswith(sentence)


def test_unknown_page_is_a_404_page_with_a_sentence(client: TestClient) -> None:
    page = client.get("/nowhere")
    assert page.status_code == 404
    assert "There is no page /nowhere here." in page.text


def test_progress_page_plots_pain_and_shows_flags(client: TestClient) -> None:
    for day in ("2026-02-27", "2026-02-28", "2026-03-01"):
        post(
            client,
            "/journal",
            {"day": day, "pain_before": "5", "pain_after": "5", "pressure": "light"},
        )
    page = client.get("/progress").text
    assert "<svg" in page and "Pain before and after" in page
    assert "flag-no_relief_3_days" in page
    assert "Source:" in page


def test_the_today_page_records_a_visit_to_a_professional(client: TestClient) -> None:
    for day, after in (("2026-02-27", "6"), ("2026-02-28", "6"), ("2026-03-01", "7")):
        form = {"day": day, "pain_before": "6", "pain_after": after, "pressure": "light"}
        assert post(client, "/journal", form).status_code == 303
    assert post(client, "/check", check_form()).status_code == 200
    home = client.get("/").text
    assert "See a professional before your next session" in home
    assert "Start a session" not in home
    assert 'action="/seen-professional"' in home
    assert "/session" not in re.findall(r'class="button[^"]*" href="([^"]+)"', home)
    seen = post(client, "/seen-professional", {"note": "Physio: keep going"})
    assert seen.status_code == 303 and seen.headers["location"] == "/?done=seen"
    after = client.get("/?done=seen").text
    assert "a professional told you to go on" in after
    assert "Start a session" in after and 'action="/seen-professional"' not in after
    with Journal() as db:
        assert [e.note for e in db.events()] == ["Physio: keep going"]


def test_the_session_page_shows_a_rest_day_and_offers_to_go_on_anyway(
    client: TestClient,
) -> None:
    for n in range(6, 0, -1):
        day = (NOW - dt.timedelta(days=n)).date().isoformat()  # six days up to yesterday
        form = {"day": day, "pain_before": "5", "pain_after": "4", "pressure": "light"}
        assert post(client, "/journal", form).status_code == 303
    assert post(client, "/check", check_form()).status_code == 200
    page = client.get("/session").text
    assert "Today is a rest day" in page
    assert 'name="on_rest_day" value="yes"' in page and "Start a session anyway" in page
    assert "Do a session anyway" in client.get("/").text


def test_web_texts_name_no_terminal_command(client: TestClient) -> None:
    """The guide and the pages the web serves tell a person what to do on the web, not
    which command to type in a terminal."""
    guide = client.get("/api/guide.html").text
    assert "Measure your thumb width to see every distance in cm (give it in Settings)." in guide
    for path in ("/", "/check", "/points", "/journal", "/progress", "/settings", "/take-away"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert not re.search(r"acupress [a-z]+ --|`acupress ", page.text), path
    assert "acupress profile" not in guide and "acupress chart" not in guide
