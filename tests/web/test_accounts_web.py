"""The server mode over HTTP: sign-in and sign-out, invitations, the wait after failed
sign-ins, every route closed without a login, and each account on its own data; the real
app on a real SQLite journal, through the test client."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from acupress.accounts import Accounts
from acupress.clock import FakeClock
from acupress.web.app import create_app
from acupress.web.context import Context, Options
from acupress.web.signin import COOKIE, PUBLIC
from tests.conftest import all_clear
from tests.web.fake import NOW, TEST_CLIENT_HOST

PASSWORD = "correct horse battery"


class Moment:
    """The app's wall clock, moved by the test."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now


def accounts_app(moment: Moment, **options: Any) -> FastAPI:
    hosts = (*Options().allowed_hosts, TEST_CLIENT_HOST)
    clock = FakeClock(NOW)
    return create_app(
        Options(
            now=moment,
            clock=lambda speed: clock,
            allowed_hosts=hosts,
            accounts=True,
            hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
            **options,
        )
    )


def book_of(app: FastAPI) -> Accounts:
    ctx: Context = app.state.ctx
    return ctx.accounts()


class Browser:
    """One person's browser: its cookies, its security token."""

    def __init__(self, app: FastAPI) -> None:
        self.client = TestClient(app, follow_redirects=False)
        self.client.get("/sign-in")
        self.token = self.client.cookies["acupress_csrf"]

    def sign_in(self, name: str, password: str = PASSWORD) -> Any:
        return self.client.post(
            "/sign-in", data={"name": name, "password": password, "csrf_token": self.token}
        )

    def send(self, method: str, path: str, body: Any = None) -> Any:
        return self.client.request(method, path, json=body, headers={"X-CSRF-Token": self.token})


@pytest.fixture
def moment() -> Moment:
    return Moment()


@pytest.fixture
def app(moment: Moment) -> Iterator[FastAPI]:
    app = accounts_app(moment)
    with TestClient(app):  # the app's life: its journal closed at the end
        book = book_of(app)
        for name, role in (("ann", "person"), ("ben", "person"), ("pia", "practitioner")):
            book.add(name, role, NOW)
            book.set_password(name, PASSWORD)
        yield app


def test_signing_in_opens_today_and_sets_a_login_cookie(app: FastAPI) -> None:
    ann = Browser(app)
    assert ann.client.get("/").headers["location"] == "/sign-in?next=/"
    r = ann.sign_in("ann")
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"]
    assert f"{COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain HTTP: a Secure cookie would never come back
    page = ann.client.get("/")
    assert page.status_code == 200 and "Signed in as ann" in page.text


def test_each_sign_in_gets_a_new_token(app: FastAPI) -> None:
    ann = Browser(app)
    first = ann.sign_in("ann").cookies[COOKIE]
    second = ann.sign_in("ann").cookies[COOKIE]
    assert first != second


@pytest.mark.parametrize(("name", "password"), [("ann", "wrong password"), ("nobody", PASSWORD)])
def test_a_wrong_name_or_password_gets_the_same_sentence(
    app: FastAPI, name: str, password: str
) -> None:
    r = Browser(app).sign_in(name, password)
    assert r.status_code == 401
    assert "The name or password is wrong." in r.text
    assert COOKIE not in r.headers.get("set-cookie", "")


def test_five_failures_answer_429_with_when_to_try_again(app: FastAPI, moment: Moment) -> None:
    ann = Browser(app)
    for _ in range(5):
        assert ann.sign_in("ann", "wrong password").status_code == 401
    r = ann.sign_in("ann")
    assert r.status_code == 429
    assert "Too many failed sign-ins: try again after 07:30:30 UTC." in r.text
    moment.now = NOW + dt.timedelta(seconds=31)
    assert ann.sign_in("ann").status_code == 303


def test_sign_out_ends_this_login_and_everywhere_ends_all(app: FastAPI) -> None:
    phone, laptop = Browser(app), Browser(app)
    phone.sign_in("ann")
    laptop.sign_in("ann")
    r = phone.client.post("/sign-out", data={"csrf_token": phone.token})
    assert r.status_code == 303 and r.headers["location"] == "/sign-in"
    assert phone.client.get("/api/today").status_code == 401
    assert laptop.client.get("/api/today").status_code == 200
    laptop.client.post("/sign-out-everywhere", data={"csrf_token": laptop.token})
    phone.sign_in("ann")
    other = Browser(app)
    other.client.cookies.set(COOKIE, laptop.client.cookies.get(COOKIE) or "gone")
    assert other.client.get("/api/today").status_code == 401


def test_sign_out_without_the_token_is_refused(app: FastAPI) -> None:
    ann = Browser(app)
    ann.sign_in("ann")
    assert ann.client.post("/sign-out").status_code == 403
    assert ann.client.get("/api/today").status_code == 200


def test_a_login_ends_after_being_idle(app: FastAPI, moment: Moment) -> None:
    ann = Browser(app)
    ann.sign_in("ann")
    moment.now = NOW + dt.timedelta(hours=13)
    r = ann.client.get("/api/today")
    assert r.status_code == 401 and r.json()["detail"].startswith("Sign in first")


def test_an_invitation_sets_the_password_and_signs_in(app: FastAPI) -> None:
    invitation = book_of(app).add("cai", "person", NOW)
    cai = Browser(app)
    page = cai.client.get(f"/invitation/{invitation.token}")
    assert page.status_code == 200 and "Welcome, cai" in page.text
    form = {"password": "short", "again": "short", "csrf_token": cai.token}
    r = cai.client.post(f"/invitation/{invitation.token}", data=form)
    assert r.status_code == 400 and "too short" in r.text
    form |= {"password": "a long enough one", "again": "a long enough one"}
    r = cai.client.post(f"/invitation/{invitation.token}", data=form)
    assert r.status_code == 303 and COOKIE in r.headers["set-cookie"]
    assert cai.client.get("/api/today").status_code == 200
    again = Browser(app).client.get(f"/invitation/{invitation.token}")
    assert again.status_code == 404 and "cannot be used" in again.text


def test_a_removed_accounts_login_stops_at_once(app: FastAPI) -> None:
    ben = Browser(app)
    ben.sign_in("ben")
    assert ben.client.get("/api/today").status_code == 200
    book_of(app).remove("ben")
    assert ben.client.get("/api/today").status_code == 401
    assert ben.client.get("/journal").headers["location"] == "/sign-in?next=/journal"


def test_secure_cookies_and_the_client_address_come_from_a_trusted_proxy_only(
    moment: Moment,
) -> None:
    app = accounts_app(moment, trusted_proxies=("testclient",))
    with TestClient(app):
        book_of(app).add("ann", "person", NOW)
        book_of(app).set_password("ann", PASSWORD)
        ann = Browser(app)
        r = ann.client.post(
            "/sign-in",
            data={"name": "ann", "password": PASSWORD, "csrf_token": ann.token},
            headers={
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": "203.0.113.7",
                "X-Forwarded-Host": "testserver",
            },
        )
        assert r.status_code == 303 and "Secure" in r.headers["set-cookie"]
    untrusted = accounts_app(moment)
    with TestClient(untrusted):
        book_of(untrusted).add("amy", "person", NOW)
        book_of(untrusted).set_password("amy", PASSWORD)
        amy = Browser(untrusted)
        for i in range(20):  # an address made up in a header counts for nothing
            amy.client.post(
                "/sign-in",
                data={"name": f"guess{i}", "password": "wrong password", "csrf_token": amy.token},
                headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
            )
        r = amy.sign_in("amy")
        assert r.status_code == 429  # the real address, testclient, is the one waiting
        assert "Secure" not in r.headers.get("set-cookie", "")


def test_the_single_person_app_has_no_sign_in(moment: Moment) -> None:
    hosts = (*Options().allowed_hosts, TEST_CLIENT_HOST)
    app = create_app(Options(now=moment, allowed_hosts=hosts))
    with TestClient(app, follow_redirects=False) as client:
        assert client.get("/").status_code == 200
        assert client.get("/api/today").status_code == 200
        assert client.get("/sign-in").status_code == 404


# --- every route closed without a login ----------------------------------------------


def openapi_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every operation of the API's schema, as (method, path with ids filled in)."""
    found = []
    for path, operations in app.openapi()["paths"].items():
        for method in operations:
            found.append((method.upper(), path))
    return found


def page_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every page route (the routes outside the schema), as (method, path)."""
    from starlette.routing import Route

    found = []
    for route in app.routes:
        if isinstance(route, Route) and not route.include_in_schema:
            found += [(m, route.path) for m in sorted(route.methods or ()) if m != "HEAD"]
    return found


def filled(path: str, value: int | str) -> str:
    import re

    return re.sub(r"\{[^}]+\}", str(value), path)


def test_no_route_answers_without_a_login_but_the_public_ones(app: FastAPI) -> None:
    stranger = Browser(app)
    routes = openapi_routes(app) + page_routes(app)
    assert len(routes) > 30
    for method, path in routes:
        url = filled(path, 1)
        if any(url == p or (p.endswith("/") and url.startswith(p)) for p in PUBLIC):
            continue
        r = stranger.send(method, url, {})
        if path.startswith("/api/"):
            assert r.status_code == 401, (method, path, r.status_code)
            assert r.json() == {
                "detail": "Sign in first: this acupress keeps each person's journal to themselves."
            }
        else:
            assert r.status_code == 303, (method, path, r.status_code)
            assert r.headers["location"].startswith("/sign-in?next=")
    assert stranger.client.get("/api/health").json() == {"status": "ok"}
    assert stranger.client.get("/static/app.css").status_code == 200


# --- each account on its own data ----------------------------------------------------


def seed(person: Browser) -> dict[str, Any]:
    """A check, a profile, a session logged by hand, a guided one under way and an
    event; returns the ids made."""
    assert person.send("POST", "/api/check", {"answers": all_clear()}).status_code == 200
    assert person.send("PUT", "/api/profile", {"thumb_cm": 2.1, "minutes": 12}).status_code in (
        200,
        404,
        405,
    )
    logged = person.send(
        "POST",
        "/api/journal",
        {"day": "2026-03-01", "pain_before": 6, "pain_after": 3, "note": "private note"},
    )
    assert logged.status_code in (200, 201), logged.text
    running = person.send("POST", "/api/sessions", {"pain_before": 5})
    assert running.status_code == 201, running.text
    return {"logged": logged.json()["id"], "running": running.json()["id"]}


def snapshot(person: Browser) -> dict[str, Any]:
    """All a person can read of their own data."""
    return {
        path: person.client.get(path).json()
        for path in ("/api/journal", "/api/today", "/api/check", "/api/events")
        if person.client.get(path).status_code == 200
    }


def test_no_route_shows_or_changes_another_persons_data(app: FastAPI) -> None:
    ann, ben = Browser(app), Browser(app)
    ann.sign_in("ann")
    ben.sign_in("ben")
    ids = seed(ann)
    before = snapshot(ann)
    assert before["/api/journal"]
    routes = openapi_routes(app) + page_routes(app)
    for method, path in routes:
        if path in ("/sign-out", "/sign-out-everywhere"):
            continue
        for value in ids.values():
            r = ben.send(method, filled(path, value), {"session_id": value, "id": value})
            if "{" in path:
                assert r.status_code in (404, 405, 422), (method, path, r.status_code)
            assert "private note" not in r.text, (method, path)
    assert snapshot(ann) == before
    # and ben's own journal holds nothing of ann's
    assert ben.client.get("/api/journal").json() == []


def test_a_practitioner_sees_no_persons_data(app: FastAPI) -> None:
    ann, pia = Browser(app), Browser(app)
    ann.sign_in("ann")
    pia.sign_in("pia")
    seed(ann)
    assert pia.client.get("/api/journal").json() == []
    assert "private note" not in pia.client.get("/journal").text


def test_backups_reports_and_imports_are_each_persons_own(app: FastAPI) -> None:
    """What a person takes away (the JSON backup, the CSV, the report) is their journal and
    their profile alone, and a backup imported goes into the importer's journal only."""
    ann, ben = Browser(app), Browser(app)
    ann.sign_in("ann")
    ben.sign_in("ben")
    seed(ann)
    assert ann.send("PUT", "/api/settings", {"thumb_cm": 2.3, "minutes": 20}).status_code == 200
    backup = ann.client.get("/api/exports/json")
    assert backup.status_code == 200
    assert "private note" in backup.text and backup.json()["profile"]["thumb_cm"] == 2.3
    assert "private note" in ann.client.get("/api/exports/csv").text
    assert "private note" not in ben.client.get("/api/exports/json").text
    assert ben.client.get("/api/exports/json").json()["profile"] is None
    assert ben.client.get("/api/exports/csv").text.count("\n") == 1  # the header alone
    assert "Sessions from 01 Mar 2026" in ann.client.get("/api/report.html").text
    assert "No sessions yet" in ben.client.get("/api/report.html").text
    # ben restores ann's backup (say she gave it to him): it lands in his journal, with its
    # profile, and ann's own journal and settings are as they were
    before = snapshot(ann)
    restored = ben.client.post(
        "/api/import?profile=true",
        content=backup.content,
        headers={"X-CSRF-Token": ben.token, "Content-Type": "application/json"},
    )
    assert restored.status_code == 200, restored.text
    theirs = ben.client.get("/api/journal").json()
    assert len(theirs) == len(before["/api/journal"])
    assert "private note" in [s["note"] for s in theirs]
    assert ben.client.get("/api/settings").json()["thumb_cm"] == 2.3
    assert snapshot(ann) == before
