"""The web app in a real browser (headless Chromium): the guided session from the safety
check to the journal, a tab closed mid-session, the keyboard alone, accessibility (axe),
escaping, page weight and layout at phone and desktop widths."""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Request, Response, expect

from acupress import atlas, safety
from acupress.clock import FakeClock
from tests.conftest import Result, all_clear
from tests.web.conftest import Served, axe

pytestmark = pytest.mark.browser

Run = Callable[..., Result]
NewPage = Callable[..., Page]
Serve = Callable[..., Served]

STEP = re.compile(r"Step (\d+) of (\d+)")


def frozen() -> FakeClock:
    """A session clock that stands still until the test moves it: what the page shows
    then depends on what is done in it, not on how fast this machine is."""
    return FakeClock(dt.datetime.now().astimezone())


# --- what a person does ---------------------------------------------------------------


def answer_check(page: Page, answers: dict[str, Any]) -> None:
    """Fill the safety check form on the page with these answers and send it."""
    for q in safety.default_screening().questions:
        given = answers[q.id]
        if q.type == "yes_no":
            page.locator(f'input[name="{q.id}"][value="{"yes" if given else "no"}"]').check()
        elif q.type == "number":
            page.locator(f'input[name="{q.id}"]').fill(f"{given:g}")
        else:
            for box in page.locator(f'input[name="{q.id}"]').all():
                box.set_checked(box.get_attribute("value") in given)
    with page.expect_navigation():
        page.get_by_role("button", name="Check", exact=True).click()
    expect(page.locator("section.decision")).to_be_visible()


def choose_pain(page: Page, name: str, value: int) -> None:
    """Click a number of the 0-10 scale (the radio button itself is visually hidden)."""
    page.locator(f'label:has(input[name="{name}"][value="{value}"])').click()
    expect(page.locator(f'input[name="{name}"][value="{value}"]')).to_be_checked()


def start_session(page: Page, server: Served, pain_before: int = 6) -> None:
    page.goto(f"{server.url}/session")
    choose_pain(page, "pain_before", pain_before)
    page.get_by_role("button", name="Start the session").click()
    expect(page.locator("#run")).to_be_visible()
    expect(page.locator("#step-count")).to_have_text(STEP)


def wait_for_journal(run: Run, ready: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """The journal's one session, once ``ready`` says it is as expected (a request on its
    way from the browser may still be arriving)."""
    deadline = time.monotonic() + 10
    while True:
        (log,) = run("journal", "--json").json()
        if ready(log) or time.monotonic() > deadline:
            return dict(log)
        time.sleep(0.05)


def skip_to_the_end(page: Page) -> None:
    """Skip step after step until the closing form shows."""
    closing = page.locator("#closing")
    for _ in range(40):
        if closing.is_visible():
            return
        before = page.locator("#step-count").text_content()
        page.locator("#skip").click()
        page.wait_for_function(
            "before => document.getElementById('step-count').textContent !== before"
            " || !document.getElementById('closing').hidden",
            arg=before,
        )
    expect(closing).to_be_visible()


# --- data put in through the API (quicker than the browser where the browser is not
# --- what is tested) ------------------------------------------------------------------


def check_via_api(server: Served, **changes: Any) -> dict[str, Any]:
    decision: dict[str, Any] = server.api.post("/api/check", {"answers": all_clear() | changes})
    return decision


def a_week_of_sessions(server: Served) -> None:
    """Six days of sessions logged by hand, pain easing, and a guided one today (a rest
    day, chosen anyway) that was stopped for lack of time."""
    today = dt.date.today()
    for ago, (before, after) in zip(
        range(6, 0, -1), [(7, 5), (7, 5), (6, 4), (6, 4), (5, 3), (5, 2)], strict=True
    ):
        server.api.post(
            "/api/journal",
            {
                "day": (today - dt.timedelta(days=ago)).isoformat(),
                "time": "08:00",
                "pain_before": before,
                "pain_after": after,
                "points": ["BL23", "BL40"],
                "minutes": 15,
                "pressure": "moderate",
                "note": f"Morning, day {7 - ago}: stiff on waking, easier after.",
            },
        )
    check_via_api(server)
    live = server.api.post("/api/sessions", {"pain_before": 5, "on_rest_day": True})
    server.api.post(
        f"/api/sessions/{live['id']}/actions",
        {"action": "stop", "reason": "no_time", "note": "the bus"},
    )
    server.api.post(
        f"/api/sessions/{live['id']}/closing",
        {"pain_after": 3, "sensations": ["warmth"], "note": "short one"},
    )


# --- the whole session ----------------------------------------------------------------


def test_whole_session_in_the_browser_reaches_the_journal(
    server: Served, page: Page, run: Run
) -> None:
    page.goto(f"{server.url}/check")
    answer_check(page, all_clear() | {"age": 40})
    expect(page.locator("section.decision")).to_have_class(re.compile(r"\bdecision-go\b"))
    planned = server.api.get("/api/plan")["steps"]

    start_session(page, server, pain_before=6)
    expect(page.locator("#closing")).to_be_visible(timeout=20_000)
    expect(page.locator("#closing-title")).to_have_text("The session is over")
    choose_pain(page, "pain_after", 3)
    page.get_by_label("warmth").check()
    page.get_by_label("A note for your journal (optional)").fill("Easier to bend after.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#saved")).to_be_visible()
    expect(page.locator("#saved-title")).to_have_text("Saved in your journal")
    expect(page.locator("#saved-text")).to_contain_text("pain 6 → 3")

    page.get_by_role("link", name="Open the journal").click()
    row = page.locator("table.journal tbody tr").first
    cells = row.locator("td")
    expect(cells.nth(2)).to_have_text("6")
    expect(cells.nth(3)).to_have_text("3")
    expect(cells.nth(7)).to_have_text("completed")
    expect(cells.nth(8)).to_have_text("Easier to bend after.")

    (log,) = run("journal", "--json").json()
    assert (log["pain_before"], log["pain_after"], log["complete"]) == (6, 3, True)
    assert log["source"] == "guided" and log["sensations"] == ["warmth"]
    assert len(log["steps"]) == len(planned)
    assert not any(s["skipped"] for s in log["steps"])


def test_tab_closed_mid_session_keeps_completed_steps(serve: Serve, page: Page, run: Run) -> None:
    clock = frozen()
    server = serve(clock=clock)
    check_via_api(server)
    start_session(page, server, pain_before=5)
    now = server.api.get("/api/sessions/1")
    clock.advance(now["step"]["seconds"] + now["next"]["seconds"] + 1)  # into the third step
    expect(page.locator("#step-count")).to_have_text(re.compile(r"^Step 3 of"))
    page.close()

    # the page's last word as it closes (a beacon with its token) ends the session at once
    log = wait_for_journal(run, lambda log: log["stop_reason"] == "interrupted")
    assert log["stop_reason"] == "interrupted", "the page's beacon was refused"
    assert log["complete"] is False and log["pain_before"] == 5
    assert len(log["steps"]) == 2
    assert not any(s["skipped"] for s in log["steps"])

    # the app shut down: nothing done is lost
    server.stop()
    (log,) = run("journal", "--json").json()
    assert log["complete"] is False and log["stop_reason"] == "interrupted"
    assert len(log["steps"]) == 2


# --- offline: the page runs the session and sends its steps when it can -------------


def steps_waiting(page: Page) -> list[int]:
    """The steps the page has queued for sending (IndexedDB), by their index in the plan."""
    waiting: list[int] = page.evaluate(
        "() => window.acupressQueue.all()"
        ".then((all) => all.map((s) => s.index).sort((a, b) => a - b))"
    )
    return waiting


def offline_ready(server: Served, page: Page) -> list[dict[str, Any]]:
    """A longer session started (its steps a second or less at FAST), and its plan."""
    server.api.client.put(
        "/api/settings",
        json={"minutes": 40, "sound": False},
        headers={"X-CSRF-Token": server.api.token},
    ).raise_for_status()
    check_via_api(server)
    plan: list[dict[str, Any]] = server.api.get("/api/plan")["steps"]
    start_session(page, server)
    return plan


def reach_step(page: Page, n: int) -> None:
    """Wait until the page shows step ``n`` or a later one (or the session's end): steps
    last a second or less at FAST, and a loaded machine may not see each one shown."""
    page.wait_for_function(
        """n => {
            const shown = /Step (\\d+) of/.exec(document.getElementById("step-count").textContent);
            return (shown && Number(shown[1]) >= n) || !document.getElementById("closing").hidden;
        }""",
        arg=n,
        timeout=20_000,
    )


def shown_step(page: Page) -> int:
    found = STEP.search(page.locator("#step-count").text_content() or "")
    assert found
    return int(found.group(1))


def on_schedule(log: dict[str, Any], plan: list[dict[str, Any]]) -> None:
    """Every step once, in order, each at the moment it really ended: the start plus the
    planned time of the steps up to it (nothing was paused), within a few session
    seconds of the page's timing."""
    started = dt.datetime.fromisoformat(log["started_at"])
    steps = log["steps"]
    assert [s["position"] for s in steps] == list(range(len(steps)))
    for s in steps:
        end = started + dt.timedelta(seconds=sum(p["seconds"] for p in plan[: s["position"] + 1]))
        ended = dt.datetime.fromisoformat(s["completed_at"])
        assert abs((ended - end).total_seconds()) < 15, (
            s,
            end,
            [(x["position"], x["completed_at"]) for x in steps],
            [p["seconds"] for p in plan],
            log["started_at"],
        )


def test_a_session_goes_on_offline_and_its_steps_reach_the_journal_once(
    server: Served, page: Page, run: Run
) -> None:
    plan = offline_ready(server, page)
    page.context.set_offline(True)
    before = len(wait_for_journal(run, lambda log: True)["steps"])
    offline = page.locator("#offline")
    expect(offline).to_contain_text("You are offline")
    reach_step(page, shown_step(page) + 3)
    expect(offline).to_contain_text("steps wait to be sent")
    assert len(steps_waiting(page)) >= 3
    assert len(wait_for_journal(run, lambda log: True)["steps"]) == before  # none came through

    page.context.set_offline(False)
    expect(offline).to_be_hidden(timeout=10_000)
    expect(page.locator("#closing")).to_be_visible(timeout=30_000)
    log = wait_for_journal(run, lambda log: log["complete"])
    assert log["complete"] is True
    assert len(log["steps"]) == len(plan)
    on_schedule(log, plan)
    assert steps_waiting(page) == []


def test_steps_queued_in_a_tab_closed_offline_are_sent_on_the_next_visit(
    server: Served, new_page: NewPage, run: Run
) -> None:
    page = new_page()
    plan = offline_ready(server, page)
    page.context.set_offline(True)
    reach_step(page, shown_step(page) + 2)
    deadline = time.monotonic() + 10
    while len(steps_waiting(page)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    waiting = steps_waiting(page)
    assert len(waiting) >= 2
    context = page.context
    page.close()  # offline: the page could say nothing as it went
    log = wait_for_journal(run, lambda log: True)
    assert len(log["steps"]) <= waiting[0] and log["ended_at"] is None

    context.set_offline(False)
    again = context.new_page()
    again.goto(f"{server.url}/")
    log = wait_for_journal(run, lambda log: len(log["steps"]) > waiting[-1])
    assert [s["position"] for s in log["steps"]] == list(range(waiting[-1] + 1))
    on_schedule(log, plan)
    deadline = time.monotonic() + 10
    while steps_waiting(again) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert steps_waiting(again) == []


def test_the_app_can_be_installed_and_says_plainly_when_it_is_offline(
    server: Served, page: Page
) -> None:
    page.goto(f"{server.url}/")
    manifest = page.locator('link[rel="manifest"]').get_attribute("href")
    assert manifest
    found = server.api.client.get(manifest)
    assert found.headers["content-type"].startswith("application/manifest+json")
    shown = found.json()
    assert (shown["display"], shown["start_url"]) == ("standalone", "/")
    assert server.api.client.get(shown["icons"][0]["src"]).status_code == 200
    assert page.evaluate("() => navigator.serviceWorker.ready.then((r) => r.scope)") == (
        f"{server.url}/"
    )
    page.reload()  # now served through the worker, which keeps what it fetched
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    page.goto(f"{server.url}/journal")  # pages hold health data: none is kept
    expect(page.locator("h1")).to_have_text("You are offline")
    expect(page.locator("table.journal")).to_have_count(0)
    assert page.evaluate("() => getComputedStyle(document.body).fontFamily")  # styles kept
    page.context.set_offline(False)


# --- the safety check -----------------------------------------------------------------

DECISIONS: dict[str, dict[str, Any]] = {
    "emergency": {"saddle_numbness": True},
    "see_clinician": {"cancer_history": True},
    "not_today": {"acute_injury": True},
    "modified": {"osteoporosis": True},
    "go": {},
}


def test_check_form_reaches_each_decision(server: Served, page: Page) -> None:
    screening = safety.default_screening()
    book = atlas.default()
    levels = {r.decision for r in screening.rule} | {"go"}
    assert levels == set(DECISIONS), "a decision level has no test answers"
    page.goto(f"{server.url}/check")
    for level, changes in DECISIONS.items():
        answers = all_clear() | changes
        parsed = safety.parse_answers(answers, screening, book)
        expected = safety.decide(parsed, screening, book)
        assert expected.decision == level

        answer_check(page, answers)
        section = page.locator("section.decision")
        expect(section).to_have_class(re.compile(rf"\bdecision-{level}\b"))
        expect(section.locator("h2")).to_contain_text(expected.title)
        start = page.get_by_role("link", name="Start a session")
        if level == "emergency":
            expect(section).to_have_attribute("role", "alert")
        else:
            expect(section).not_to_have_attribute("role", "alert")
        if expected.session_allowed:
            expect(start).to_be_visible()
        else:
            expect(start).to_have_count(0)
        for reason in expected.reasons:
            expect(section).to_contain_text(reason)
    # the last answers (all clear) are today's: the session page offers a session
    page.goto(f"{server.url}/session")
    expect(page.get_by_role("button", name="Start the session")).to_be_visible()


def test_session_page_refuses_after_an_emergency_answer(server: Served, page: Page) -> None:
    check_via_api(server, bladder_or_bowel_change=True)
    page.goto(f"{server.url}/session")
    expect(page.locator("section.decision-emergency[role=alert]")).to_be_visible()
    expect(page.locator("#start")).to_have_count(0)


# --- the keyboard alone ---------------------------------------------------------------


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def focus_ring(page: Page) -> str:
    """The focused element's outline, or its visible stand-in's (the pain scale's box)."""
    return str(
        page.evaluate(
            """() => {
            let e = document.activeElement;
            if (e.matches('.pain-scale input')) e = e.nextElementSibling;
            const s = getComputedStyle(e);
            return s.outlineStyle === 'none' || s.outlineWidth === '0px'
                ? 'none' : `${s.outlineStyle} ${s.outlineWidth}`;
        }"""
        )
    )


def test_session_keyboard_only(serve: Serve, page: Page, run: Run) -> None:
    server = serve(clock=frozen())  # each step changes only when a key says so
    check_via_api(server)
    page.goto(f"{server.url}/session")

    # the skip link comes first and is visible once focused
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()
    assert focus_ring(page) != "none"

    # pain before with the arrow keys, then start with Enter
    tab_to(page, 'input[name="pain_before"]')
    page.keyboard.press("Space")
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    expect(page.locator('input[name="pain_before"][value="4"]')).to_be_checked()
    assert focus_ring(page) != "none"
    tab_to(page, "#start")
    assert focus_ring(page) != "none"
    page.keyboard.press("Enter")
    expect(page.locator("#run")).to_be_visible()
    expect(page.locator("#step-title")).to_be_focused()
    expect(page.locator("#step-count")).to_have_text(re.compile(r"^Step 1 of"))

    # Space pauses and resumes
    page.keyboard.press("Space")
    expect(page.locator("#paused-label")).to_be_visible()
    expect(page.locator("#pause")).to_have_text("Resume")
    page.keyboard.press("Space")
    expect(page.locator("#paused-label")).to_be_hidden()
    expect(page.locator("#pause")).to_have_text("Pause")

    # N skips this step, B goes back to it, N skips it again
    page.keyboard.press("n")
    expect(page.locator("#step-count")).to_have_text(re.compile(r"^Step 2 of"))
    page.keyboard.press("b")
    expect(page.locator("#step-count")).to_have_text(re.compile(r"^Step 1 of"))
    expect(page.locator("#message")).to_have_text(re.compile(r"^Again: "))
    page.keyboard.press("n")
    expect(page.locator("#step-count")).to_have_text(re.compile(r"^Step 2 of"))

    # the controls are reachable with Tab and show where the focus is
    tab_to(page, "#pause")
    assert focus_ring(page) != "none"

    # Q asks why; a reason is chosen with the arrow keys and the stop sent with Enter
    page.keyboard.press("q")
    expect(page.locator("#stop-box")).to_be_visible()
    expect(page.locator("#stop-title")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator('input[name="reason"][value="dizziness"]')).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator('input[name="reason"][value="no_time"]')).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator("#stop-note")).to_be_focused()
    page.keyboard.type("the phone rang")
    page.keyboard.press("Enter")

    # the closing form, all with the keyboard too
    expect(page.locator("#closing")).to_be_visible()
    expect(page.locator("#closing-title")).to_have_text("The session is stopped")
    expect(page.locator("#closing-title")).to_be_focused()
    tab_to(page, 'input[name="pain_after"]')
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator('input[name="pain_after"][value="2"]')).to_be_checked()
    tab_to(page, 'input[name="sensations"][value="ache"]')
    page.keyboard.press("Space")
    expect(page.locator('input[name="sensations"][value="ache"]')).to_be_checked()
    tab_to(page, "#closing-form button[type=submit]")
    assert focus_ring(page) != "none"
    page.keyboard.press("Enter")
    expect(page.locator("#saved")).to_be_visible()
    expect(page.locator("#saved-title")).to_be_focused()

    (log,) = run("journal", "--json").json()
    assert log["stop_reason"] == "no_time" and log["stop_note"] == "the phone rang"
    assert log["complete"] is False
    assert (log["pain_before"], log["pain_after"], log["sensations"]) == (4, 2, ["ache"])
    assert log["steps"][0]["skipped"] is True

    page.goto(f"{server.url}/journal")
    expect(page.locator("table.journal tbody tr").first.locator("td").nth(7)).to_have_text(
        "stopped: no time (the phone rang)"
    )


# --- every page, as a person sees it --------------------------------------------------


@dataclass(frozen=True)
class View:
    """A page in a given state: what is put in the journal first, what is done on it."""

    name: str
    path: str
    setup: Callable[[Served], None] = lambda server: None
    then: Callable[[Page, Served], None] = lambda page, server: None
    accounts: bool = False  # served in the server mode, where everyone signs in


def signing_in(page: Page, server: Served) -> None:
    from tests.web.test_browser_accounts import sign_in

    sign_in(page, "ann")


def signing_in_wrong(page: Page, server: Served) -> None:
    from tests.web.test_browser_accounts import sign_in

    sign_in(page, "ann", "not the password")


def opening_an_invitation(page: Page, server: Served) -> None:
    from tests.web.test_browser_accounts import NOW, book_of

    invitation = book_of(server).add("cai", "person", NOW)
    page.goto(f"{server.url}/invitation/{invitation.token}")


def sharing_seen(page: Page, server: Served) -> None:
    from tests.web.test_browser_sharing import sharing_seen as seen

    seen(page, server)


def confirming_a_share(page: Page, server: Served) -> None:
    from tests.web.test_browser_sharing import confirming

    confirming(page, server)


def people_seen(page: Page, server: Served) -> None:
    from tests.web.test_browser_sharing import people_seen as seen

    seen(page, server)


def person_seen(page: Page, server: Served) -> None:
    from tests.web.test_browser_sharing import person_seen as seen

    seen(page, server)


def checked(server: Served) -> None:
    check_via_api(server)


def with_data(server: Served) -> None:
    a_week_of_sessions(server)


def emergency(server: Served) -> None:
    check_via_api(server, saddle_numbness=True)


def modified(server: Served) -> None:
    check_via_api(server, osteoporosis=True, varicose_veins_or_clot_history=True)


def in_a_trial(server: Served) -> None:
    server.api.post("/api/trial", {"weeks": 6, "seed": 2})
    server.api.post("/api/ratings", {"pain": 5, "enjoyment": 4, "activity": 6})


def running(page: Page, server: Served) -> None:
    choose_pain(page, "pain_before", 6)
    page.get_by_role("button", name="Start the session").click()
    expect(page.locator("#step-count")).to_have_text(STEP)
    # the first step with a point, so its chart shows
    page.locator("#skip").click()
    expect(page.locator("#step-count")).to_have_text(re.compile(r"^Step 2 of"))
    page.wait_for_function("() => document.getElementById('step-chart').complete")


def asking_why_stop(page: Page, server: Served) -> None:
    running(page, server)
    page.locator("#stop").click()
    expect(page.locator("#stop-box")).to_be_visible()


def closing(page: Page, server: Served) -> None:
    running(page, server)
    skip_to_the_end(page)


VIEWS = [
    View("today", "/", with_data),
    View("today-new", "/"),
    View("session-before-check", "/session"),
    View("session", "/session", checked),
    View("session-modified", "/session", modified),
    View("session-running", "/session", checked, running),
    View("session-stop", "/session", checked, asking_why_stop),
    View("session-closing", "/session", checked, closing),
    View("check", "/check"),
    View("check-emergency", "/check", emergency),
    View("points", "/points"),
    View("journal", "/journal", with_data),
    View("journal-edit", "/journal/1/edit", with_data),
    View("journal-delete", "/journal/1/delete", with_data),
    View("progress", "/progress", with_data),
    View("take-away", "/take-away"),
    View("settings", "/settings"),
    View("trial-new", "/trial"),
    View("trial", "/trial", in_a_trial),
    View("rate", "/rate"),
    View("trial-result", "/trial/result", in_a_trial),
    View("not-found", "/no-such-page"),
    View("sign-in", "/sign-in", accounts=True),
    View("sign-in-wrong", "/sign-in", accounts=True, then=signing_in_wrong),
    View("invitation", "/sign-in", accounts=True, then=opening_an_invitation),
    View("today-signed-in", "/sign-in", accounts=True, then=signing_in),
    View("sharing", "/sign-in", accounts=True, then=sharing_seen),
    View("sharing-confirm", "/sign-in", accounts=True, then=confirming_a_share),
    View("people", "/sign-in", accounts=True, then=people_seen),
    View("person", "/sign-in", accounts=True, then=person_seen),
]


def show(
    view: View, serve: Serve, new_page: NewPage, width: int = 1280, height: int = 900
) -> tuple[Page, Served]:
    if view.accounts:
        from tests.web.test_browser_accounts import serve_accounts

        server = serve_accounts(serve)
    else:
        server = serve(clock=frozen())  # a running session stays on its step while looked at
    view.setup(server)
    page = new_page(width=width, height=height)
    page.goto(server.url + view.path)
    view.then(page, server)
    return page, server


def described(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in violations
    )


@pytest.mark.parametrize("view", VIEWS, ids=[v.name for v in VIEWS])
def test_pages_have_no_serious_accessibility_violations(
    view: View, serve: Serve, new_page: NewPage
) -> None:
    page, _ = show(view, serve, new_page)
    serious = [v for v in axe(page) if v["impact"] in ("serious", "critical")]
    assert not serious, f"{view.name}:\n{described(serious)}"


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 800)])
def test_session_controls_are_in_view_without_scrolling(
    width: int, height: int, serve: Serve, new_page: NewPage
) -> None:
    """Pause and Stop are on screen as a step runs, on a phone and on a laptop: the
    point's chart does not push them below the fold."""
    running_view = next(v for v in VIEWS if v.name == "session-running")
    page, _ = show(running_view, serve, new_page, width=width, height=height)
    for button in ("#pause", "#stop"):
        box = page.locator(button).bounding_box()
        assert box is not None
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, (button, box)


def test_note_with_script_shows_as_text(server: Served, new_page: NewPage) -> None:
    # The security policy is bypassed, so a note that got through unescaped would run.
    page = new_page(bypass_csp=True)
    note = "<script>window.pwned=1</script>"
    page.goto(f"{server.url}/journal")
    page.get_by_label("Pain before (0-10)").fill("5")
    page.get_by_label("Pain after (0-10)").fill("3")
    page.get_by_label("The most pressure you used").select_option("light")
    page.get_by_label("Note (optional)").fill(note)
    page.get_by_role("button", name="Add to the journal").click()
    expect(page.locator(".notice")).to_have_text("Session logged.")
    expect(page.locator("td.note-cell")).to_have_text(note)
    assert page.evaluate("typeof window.pwned") == "undefined"
    page.goto(f"{server.url}/journal/1/edit")
    expect(page.get_by_label("Note")).to_have_value(note)
    assert page.evaluate("typeof window.pwned") == "undefined"


def test_session_page_weight_under_150_kb(serve: Serve, new_page: NewPage) -> None:
    server = serve(clock=frozen())  # the session waits on each step for the clicks
    # the page's own requests; the service worker's copies of the same files are not
    # the page's weight (and Playwright cannot read the bodies of what it serves)
    page = new_page(service_workers="block")
    check_via_api(server)
    requests: list[Request] = []
    responses: list[Response] = []
    page.on("request", lambda r: requests.append(r))
    page.on("response", lambda r: responses.append(r))
    page.goto(f"{server.url}/session", wait_until="networkidle")
    loaded = sum(len(r.body()) for r in responses)
    # the running session adds the chart of each step's point
    running(page, server)
    page.wait_for_load_state("networkidle")
    total = sum(len(r.body()) for r in responses)
    kinds = {r.url.rsplit("/", 1)[-1].split("?")[0] for r in responses}
    print(f"/session: {loaded} bytes loaded, {total} with the first steps running: {kinds}")
    assert {"session", "app.css", "session.js"} <= kinds
    assert loaded < 150_000 and total < 150_000, f"{loaded=} {total=}"
    strangers = [r.url for r in requests if not r.url.startswith(server.url + "/")]
    assert not strangers, f"requests beyond the app: {strangers}"
    assert all(r.ok for r in responses), [(r.url, r.status) for r in responses if not r.ok]


def test_api_docs_list_the_operations_with_nothing_blocked(server: Served, page: Page) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    requests: list[Request] = []
    page.on("request", lambda r: requests.append(r))
    page.goto(f"{server.url}/api/docs")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    paths = page.locator(".opblock-summary-path").all_text_contents()
    assert "/api/sessions/{session_id}/actions" in [p.replace("\u200b", "") for p in paths]
    schema = server.api.get("/api/openapi.json")["paths"]
    assert len(paths) == sum(len(operations) for operations in schema.values())
    # an operation opened and tried: the call goes to this app, with the page's token
    today = page.locator("#operations-progress-get_today_api_today_get")
    today.locator(".opblock-summary").click()
    today.get_by_role("button", name="Try it out").click()
    today.get_by_role("button", name="Execute").click()
    expect(today.locator(".live-responses-table tbody .response-col_status").first).to_have_text(
        "200"
    )
    settings = page.locator("#operations-settings-put_settings_api_settings_put")
    settings.locator(".opblock-summary").click()
    settings.get_by_role("button", name="Try it out").click()
    settings.locator("textarea.body-param__text").fill('{"minutes": 20}')
    settings.get_by_role("button", name="Execute").click()
    expect(settings.locator(".live-responses-table tbody .response-col_status").first).to_have_text(
        "200"
    )
    assert server.api.get("/api/settings")["minutes"] == 20
    assert not problems, problems  # a blocked script, style or request is a console error
    strangers = [r.url for r in requests if not r.url.startswith(server.url + "/")]
    assert not strangers, f"requests beyond the app: {strangers}"


def test_screenshots_at_phone_and_desktop_width(
    serve: Serve, new_page: NewPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shots = Path(os.environ.get("ACUPRESS_SCREENSHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    too_wide = {}
    for view in VIEWS:
        # each view from its own empty data directory, served by its own app
        monkeypatch.setenv("ACUPRESS_HOME", str(tmp_path / "homes" / view.name))
        page, server = show(view, serve, new_page, width=390)
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            path = shots / f"{view.name}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            assert path.stat().st_size > 1000, path
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if width == 390 and scroll > 391:
                too_wide[view.name] = scroll
        page.context.close()
        server.stop()
    assert not too_wide, f"pages wider than a 390 px phone: {too_wide}"
