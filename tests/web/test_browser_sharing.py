"""Sharing in real browsers: a practitioner makes a code, a person in another browser
enters it, sees who will see what and confirms; the practitioner sees them in their list
and opens their journal; the person sees that in their access log, stops sharing, and the
practitioner's next look is refused."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import Served
from tests.web.test_browser_accounts import NOW, PASSWORD, book_of, serve_accounts, sign_in

pytestmark = pytest.mark.browser

Serve = Callable[..., Served]
NewPage = Callable[..., Page]


def with_practitioner(server: Served) -> None:
    book_of(server).add("pia", "practitioner", NOW)
    book_of(server).set_password("pia", PASSWORD)


def signed_in_page(server: Served, new_page: NewPage, name: str, **size: int) -> Page:
    page = new_page(**size)
    page.goto(server.url + "/sign-in")
    sign_in(page, name)
    return page


def keep(page: Page, name: str) -> None:
    """A screenshot to look at, when ACUPRESS_SCREENSHOTS names a directory."""
    where = os.environ.get("ACUPRESS_SCREENSHOTS")
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(where) / f"{name}.png"), full_page=True)


def make_code(pia: Page, url: str) -> str:
    pia.goto(url + "/people")
    with pia.expect_navigation():
        pia.get_by_role("button", name="Make a share code").click()
    code = str(pia.locator("#share-code").text_content())
    assert len(code) == 9
    return code


def enter_code(person: Page, url: str, code: str) -> None:
    person.goto(url + "/sharing")
    person.get_by_label("Share code").fill(code.lower())
    with person.expect_navigation():
        person.get_by_role("button", name="Go on").click()


def test_a_person_shares_with_a_practitioner_and_stops(serve: Serve, new_page: NewPage) -> None:
    server = serve_accounts(serve)
    with_practitioner(server)
    pia = signed_in_page(server, new_page, "pia")
    ann = signed_in_page(server, new_page, "ann", width=390, height=844)
    code = make_code(pia, server.url)
    keep(pia, "people-code")
    enter_code(ann, server.url, code)
    expect(ann.get_by_role("heading", level=1)).to_have_text("Share with pia?")
    expect(ann.locator("main")).to_contain_text("read-only")
    keep(ann, "sharing-confirm")
    with ann.expect_navigation():
        ann.get_by_role("button", name="Share with pia").click()
    expect(ann.get_by_role("status")).to_contain_text("Shared")
    pia.goto(server.url + "/people")
    expect(pia.get_by_role("link", name="ann", exact=True)).to_be_visible()
    pia.get_by_role("link", name="ann", exact=True).click()
    expect(pia.get_by_role("heading", level=1)).to_have_text("ann")
    keep(pia, "person")
    ann.reload()
    expect(ann.locator("table.access")).to_contain_text("journal and progress")
    keep(ann, "sharing")
    with ann.expect_navigation():
        ann.get_by_role("button", name="Stop sharing with pia").click()
    expect(ann.get_by_role("status")).to_contain_text("Sharing stopped")
    pia.reload()
    expect(pia.locator("main")).to_contain_text("There is no person")
    pia.goto(server.url + "/people")
    expect(pia.locator("main")).to_contain_text("Nobody shares with you yet")


def test_a_practitioners_link_opens_the_confirmation_after_signing_in(
    serve: Serve, new_page: NewPage
) -> None:
    server = serve_accounts(serve)
    with_practitioner(server)
    pia = signed_in_page(server, new_page, "pia")
    make_code(pia, server.url)
    link = str(pia.locator("#share-link").get_attribute("href"))
    ben = new_page(width=320, height=700)
    ben.goto(link)
    sign_in(ben, "ben")
    expect(ben.get_by_role("heading", level=1)).to_have_text("Share with pia?")


# --- the pages as the phone tests see them (tests/web/test_browser.py's VIEWS) ----------


def sharing_seen(page: Page, server: Served) -> None:
    """ann shares with pia, who opens her data; ann's Sharing page lists it."""
    with_practitioner(server)
    pia = page.context.browser.new_context().new_page()  # type: ignore[union-attr]
    try:
        pia.goto(server.url + "/sign-in")
        sign_in(pia, "pia")
        code = make_code(pia, server.url)
        page.goto(server.url + "/sign-in")
        sign_in(page, "ann")
        enter_code(page, server.url, code)
        with page.expect_navigation():
            page.get_by_role("button", name="Share with pia").click()
        pia.goto(server.url + "/people")
        pia.get_by_role("link", name="ann", exact=True).click()
        expect(pia.get_by_role("heading", level=1)).to_have_text("ann")
    finally:
        pia.context.close()
    page.goto(server.url + "/sharing")


def confirming(page: Page, server: Served) -> None:
    with_practitioner(server)
    pia = page.context.browser.new_context().new_page()  # type: ignore[union-attr]
    try:
        pia.goto(server.url + "/sign-in")
        sign_in(pia, "pia")
        code = make_code(pia, server.url)
    finally:
        pia.context.close()
    sign_in(page, "ann")
    enter_code(page, server.url, code)


def people_seen(page: Page, server: Served) -> None:
    """pia's list with ann (a week of sessions) sharing, and a new code."""
    with_practitioner(server)
    ann = page.context.browser.new_context().new_page()  # type: ignore[union-attr]
    try:
        ann.goto(server.url + "/sign-in")
        sign_in(ann, "ann")
        for body in a_week_of_sessions_bodies():
            ann.request.post(
                server.url + "/api/journal",
                data=body,
                headers={"X-CSRF-Token": csrf_of(ann)},
            )
        sign_in(page, "pia")
        code = make_code(page, server.url)
        enter_code(ann, server.url, code)
        with ann.expect_navigation():
            ann.get_by_role("button", name="Share with pia").click()
    finally:
        ann.context.close()
    page.goto(server.url + "/people")


def person_seen(page: Page, server: Served) -> None:
    people_seen(page, server)
    page.get_by_role("link", name="ann", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ann")


def csrf_of(page: Page) -> str:
    return str(page.locator('meta[name="csrf-token"]').get_attribute("content"))


def a_week_of_sessions_bodies() -> list[dict[str, object]]:
    days = [NOW.date().fromordinal(NOW.date().toordinal() - n) for n in range(7, 0, -1)]
    return [
        {
            "day": day.isoformat(),
            "pain_before": 6 - n // 2,
            "pain_after": 3,
            "pressure": "light",
            "note": "",
        }
        for n, day in enumerate(days)
    ]
