"""The server mode in a real browser: signing in, Today, signing out; a second person in
another browser sees nothing of the first; a wrong password says the generic sentence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from argon2 import PasswordHasher
from playwright.sync_api import Page, expect

from acupress.accounts import Accounts
from acupress.journal import Journal
from acupress.web.app import create_app
from acupress.web.context import Context, Options
from tests.conftest import all_clear
from tests.web.conftest import FAST, Served
from tests.web.test_browser import answer_check, choose_pain, start_session

pytestmark = pytest.mark.browser

NOW = dt.datetime.now(dt.UTC)
PASSWORD = "correct horse battery"
Serve = Callable[..., Served]
NewPage = Callable[..., Page]


def book_of(server: Served) -> Accounts:
    ctx: Context = server.app.state.ctx
    return ctx.accounts()


def serve_accounts(serve: Serve) -> Served:
    """The app in the server mode, with two people, ann and ben, whose password is set."""
    quick = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    server = serve(app=create_app(Options(speed=FAST, accounts=True, hasher=quick)))
    for name in ("ann", "ben"):
        book_of(server).add(name, "person", NOW)
        book_of(server).set_password(name, PASSWORD)
    return server


def sign_in(page: Page, name: str, password: str = PASSWORD) -> None:
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def test_sign_in_shows_today_and_sign_out_asks_again(serve: Serve, new_page: NewPage) -> None:
    server = serve_accounts(serve)
    page = new_page(width=390, height=844)
    page.goto(server.url + "/journal")
    expect(page).to_have_url(f"{server.url}/sign-in?next=/journal")
    sign_in(page, "ann")
    expect(page).to_have_url(f"{server.url}/journal")
    page.get_by_role("link", name="Today").click()
    expect(page.locator("footer")).to_contain_text("Signed in as ann")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page).to_have_url(f"{server.url}/sign-in")
    page.goto(server.url + "/")
    expect(page).to_have_url(f"{server.url}/sign-in?next=/")


def test_another_person_in_another_browser_sees_nothing_of_the_first(
    serve: Serve, new_page: NewPage
) -> None:
    server = serve_accounts(serve)
    ann, ben = new_page(), new_page()
    ann.goto(server.url + "/sign-in")
    sign_in(ann, "ann")
    ben.goto(server.url + "/sign-in")
    sign_in(ben, "ben")
    expect(ann.locator("footer")).to_contain_text("Signed in as ann")
    expect(ben.locator("footer")).to_contain_text("Signed in as ben")
    ben.goto(server.url + "/journal")
    expect(ben.locator("main")).not_to_contain_text("ann")
    # the two browsers keep their own logins: signing one out leaves the other in
    with ben.expect_navigation():
        ben.get_by_role("button", name="Sign out", exact=True).click()
    ann.reload()
    expect(ann.locator("footer")).to_contain_text("Signed in as ann")


def test_a_wrong_password_shows_the_generic_sentence(serve: Serve, new_page: NewPage) -> None:
    server = serve_accounts(serve)
    page = new_page()
    page.goto(server.url + "/")
    sign_in(page, "ann", "not the password")
    expect(page.get_by_role("alert")).to_have_text("The name or password is wrong.")
    expect(page.get_by_label("Name")).to_have_value("ann")


def test_two_people_on_postgresql_each_do_a_session_and_see_only_their_own(
    serve: Serve,
    new_page: NewPage,
    postgresql: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The server mode as a household runs it: one PostgreSQL, two people, each in their
    own browser doing a whole guided session; each journal holds its own session alone."""
    url = postgresql.fresh()
    monkeypatch.setenv("ACUPRESS_DATABASE_URL", url)
    try:
        server = serve_accounts(serve)
        pages = {}
        for name, before, after in (("ann", 6, 3), ("ben", 7, 5)):
            page = pages[name] = new_page()
            page.goto(server.url + "/sign-in")
            sign_in(page, name)
            page.goto(f"{server.url}/check")
            answer_check(page, all_clear() | {"age": 40})
            start_session(page, server, pain_before=before)
            expect(page.locator("#closing")).to_be_visible(timeout=20_000)
            choose_pain(page, "pain_after", after)
            page.get_by_label("A note for your journal (optional)").fill(f"{name}'s session")
            page.get_by_role("button", name="Save").click()
            expect(page.locator("#saved-text")).to_contain_text(f"pain {before} → {after}")
        for name, other in (("ann", "ben"), ("ben", "ann")):
            page = pages[name]
            page.goto(f"{server.url}/journal")
            rows = page.locator("table.journal tbody tr")
            expect(rows).to_have_count(1)
            expect(rows.first).to_contain_text(f"{name}'s session")
            expect(page.locator("main")).not_to_contain_text(f"{other}'s session")
        with Journal(url, schema="leave") as db:
            assert len(db.sessions()) == 0  # the single-person account holds nothing
    finally:
        monkeypatch.delenv("ACUPRESS_DATABASE_URL")
        postgresql.drop(url)
