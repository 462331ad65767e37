"""The server mode in a real browser: signing in, Today, signing out; a second person in
another browser sees nothing of the first; a wrong password says the generic sentence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from argon2 import PasswordHasher
from playwright.sync_api import Page, expect

from acupress.accounts import Accounts
from acupress.web.app import create_app
from acupress.web.context import Context, Options
from tests.web.conftest import FAST, Served

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
