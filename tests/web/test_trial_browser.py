"""The personal trial in a real browser (headless Chromium), sped up: a 6-week trial
started on the Trial page, a day rated on the one-screen form, the status on Today, six
weeks of generated ratings through the API with the app's clock moved day by day, and
the result page with its verdict and chart."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from acupress.web.app import create_app
from acupress.web.context import Options
from tests.web.conftest import Served

pytestmark = pytest.mark.browser

NewPage = Callable[..., Page]
Serve = Callable[..., Served]
# Where to keep screenshots of the result page and the report (to look at them), if set.
SHOTS = os.environ.get("ACUPRESS_SCREENSHOTS")


def test_a_sped_up_six_week_trial_from_start_to_verdict(serve: Serve, new_page: NewPage) -> None:
    start = dt.datetime.now().astimezone().replace(hour=20, minute=0, second=0, microsecond=0)
    now = [start]
    server = serve(app=create_app(Options(now=lambda: now[0])))
    page = new_page(width=390, height=800)

    page.goto(f"{server.url}/trial")
    expect(page.get_by_text("What you agree to do")).to_be_visible()
    page.locator("#trial-weeks").select_option("6")
    page.locator("#trial-start").click()
    expect(page.locator(".notice")).to_have_text("Your trial has started.")
    expect(page.locator("#trial-todo")).to_contain_text("Week 1 of 6, day 1 of 7")
    expect(page.locator("#trial-rated")).to_have_text("Today is not rated yet.")

    page.get_by_role("link", name="Rate your day").click()
    for name, value in (("pain", 6), ("enjoyment", 5), ("activity", 5)):
        page.locator(f'input[name="{name}"][value="{value}"] + span').click()
    page.locator("#rate-submit").click()
    expect(page.locator("#trial-rated")).to_have_text("Today is rated.")

    page.goto(f"{server.url}/")
    expect(page.locator("#home-trial")).to_contain_text("Week 1 of 6, day 1 of 7")

    arms = [p["arm"] for p in server.api.get("/api/trial")["periods"]]
    for n in range(1, 42):
        now[0] = start + dt.timedelta(days=n)
        base = 3 if arms[n // 7] == "acupressure" else 6
        score = base + (n % 3 - 1)
        server.api.post("/api/ratings", {"pain": score, "enjoyment": score, "activity": base})
    now[0] = start + dt.timedelta(days=42)

    page.goto(f"{server.url}/trial")
    page.get_by_role("link", name="See the result").click()
    expect(page.locator("#verdict-title")).to_have_text("Acupressure helps you")
    expect(page.locator("#verdict-summary")).to_contain_text("lower")
    expect(page.locator("#limits li").first).to_contain_text("not blinded")
    expect(page.locator("svg#trial")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    if SHOTS:
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(Path(SHOTS) / f"result-{width}.png"), full_page=True)
            page.goto(f"{server.url}/api/report.html")
            page.locator("svg#report-trial").scroll_into_view_if_needed()
            page.screenshot(path=str(Path(SHOTS) / f"report-{width}.png"), full_page=True)
            page.go_back()
