"""The pages on a phone (320 and 390 px wide) and on a laptop (1280 px): nothing scrolls
sideways, every control is big enough to hit (WCAG 2.2 target size: 24 px, and 44 px for
the check's answers and the session's controls), axe finds nothing serious, the hanzi
have a font of their own and no page names a terminal command. Then what makes the
pages fit a phone: the check one question at a time, the reminders' days as toggles,
the journal as cards, the plots at the width of the screen."""

from __future__ import annotations

import io
import re
import tomllib
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from acupress import atlas, protocol
from acupress.atlas import CONTENT
from tests.conftest import all_clear
from tests.web.conftest import Served, axe
from tests.web.test_browser import VIEWS, View, check_via_api, described, show

pytestmark = pytest.mark.browser

NewPage = Callable[..., Page]
Serve = Callable[..., Served]

WIDTHS = (320, 390, 1280)
FONT = "/static/fonts/noto-sans-sc-points.woff2"

# Where a target must be 44 x 44 px: the check's answers and the session's controls.
BIG = ", ".join(
    (
        ".check-form .answers",
        ".check-form .point-choices",
        ".question-nav",
        "#check-submit",
        "#session .pain-scale",
        "#start",
        "#run .controls",
        "#stop-box .choices",
        "#stop-box button",
        "#closing .choices",
        "#closing-form button",
    )
)

# Every visible control, with the size it has and the size it needs. A checkbox or radio
# button drawn by its label (hidden itself) is measured by its label; a link in running
# text (its block has words besides its links) is exempt, as WCAG 2.2 says.
TARGETS = """big => {
  const shown = (e) => {
    const r = e.getBoundingClientRect();
    const s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && r.right > 0;
  };
  const drawnByLabel = (e) => {
    const r = e.getBoundingClientRect();
    return r.width <= 1 || r.height <= 1 || getComputedStyle(e).opacity === '0';
  };
  const inText = (a) => {
    if (getComputedStyle(a).display !== 'inline') return false;
    const block = a.parentElement.cloneNode(true);
    block.querySelectorAll('a, button, input, select, textarea, label').forEach((x) => x.remove());
    return block.textContent.trim().length > 0;
  };
  const name = (e) => {
    const text = (e.getAttribute('aria-label') || e.textContent || e.value || '').trim();
    return `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}`
      + `${e.name ? '[name=' + e.name + ']' : ''} "${text.slice(0, 30)}"`;
  };
  const found = [];
  const add = (e, target, need) => {
    if (!shown(target)) return;
    const r = target.getBoundingClientRect();
    found.push({ what: name(e), width: r.width, height: r.height, need: need });
  };
  const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary,'
    + ' [tabindex]:not([tabindex="-1"])';
  for (const e of document.querySelectorAll(controls)) {
    const need = e.closest(big) ? 44 : 24;
    if (e.matches('a') && inText(e)) continue;
    if (e.matches('input[type=checkbox], input[type=radio]')) {
      const label = e.closest('label');
      if (drawnByLabel(e)) {
        if (label) add(e, label, need);
        continue;
      }
      add(e, e, 24);
      if (label && need === 44) add(e, label, 44);
      continue;
    }
    add(e, e, need);
  }
  return found;
}"""

# Text in Chinese characters that is not marked as Chinese (it would miss its font).
UNMARKED_HANZI = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!/[\\u4e00-\\u9fff]/.test(node.data)) continue;
    const marked = node.parentElement.closest('[lang]');
    if (!marked || !marked.lang.startsWith('zh')) found.push(node.data.trim());
  }
  return found;
}"""

# Boxes of the page that scroll sideways inside it (a table or a plot wider than its box).
SCROLLING_BOXES = """() => Array.from(document.querySelectorAll('body *'))
  .filter((e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
  .filter((e) => e.scrollWidth > e.clientWidth + 1)
  .map((e) => `${e.tagName}.${e.className}: ${e.scrollWidth} px in ${e.clientWidth}`)"""

COMMANDS = [
    "points",
    "check",
    "plan",
    "session",
    "journal",
    "progress",
    "chart",
    "guide",
    "remind",
    "export",
    "import",
    "serve",
    "profile",
    "seen-professional",
]
COMMAND = re.compile(rf"\bacupress (?:{'|'.join(COMMANDS)})\b|--[a-z]")


def too_small(page: Page) -> list[str]:
    return [
        f"{t['what']}: {t['width']:.0f} x {t['height']:.0f} px, needs {t['need']}"
        for t in page.evaluate(TARGETS, BIG)
        if t["width"] < t["need"] - 0.01 or t["height"] < t["need"] - 0.01
    ]


@pytest.mark.parametrize("view", VIEWS, ids=[v.name for v in VIEWS])
def test_page_fits_phone_and_laptop_with_controls_big_enough(
    view: View, serve: Serve, new_page: NewPage
) -> None:
    page, _ = show(view, serve, new_page, width=WIDTHS[0], height=700)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 700 if width < 1000 else 900})
        wide = page.evaluate("document.scrollingElement.scrollWidth")
        assert wide <= width, f"{view.name} at {width} px scrolls sideways: {wide} px wide"
        assert page.evaluate(SCROLLING_BOXES) == [], f"{view.name} at {width} px"
        small = too_small(page)
        assert not small, f"{view.name} at {width} px, targets too small:\n" + "\n".join(small)
        if width == 390:
            continue  # the same style rules as at 320 px: axe would find the same
        serious = [v for v in axe(page) if v["impact"] in ("serious", "critical")]
        assert not serious, f"{view.name} at {width} px:\n{described(serious)}"
    assert page.evaluate(UNMARKED_HANZI) == [], view.name
    words = page.locator("body").inner_text()
    assert not COMMAND.findall(words), f"{view.name} names a command: {COMMAND.findall(words)}"


# --- the check, one question at a time on a phone ---------------------------------------


def current_question(page: Page) -> str:
    return str(page.locator("#question-count-text").text_content())


def test_check_asks_one_question_at_a_time_on_a_phone(server: Served, new_page: NewPage) -> None:
    page = new_page(width=390, height=844, has_touch=True)
    page.goto(f"{server.url}/check")
    questions = page.locator(".questions > li")
    total = questions.count()
    expect(page.locator(".questions > li:visible")).to_have_count(1)
    expect(page.locator("#question-count-text")).to_have_text(f"Question 1 of {total}")
    expect(page.locator("#check-submit")).to_be_hidden()
    expect(page.locator("#question-back")).to_be_hidden()

    # a tap on No goes on; Back comes back to the answer given
    page.locator(".questions > li:visible").get_by_text("No", exact=True).click()
    expect(page.locator("#question-count-text")).to_have_text(f"Question 2 of {total}")
    page.locator("#question-back").click()
    expect(page.locator("#question-count-text")).to_have_text(f"Question 1 of {total}")
    expect(page.locator('input[name="saddle_numbness"][value="no"]')).to_be_checked()
    page.locator("#question-next").click()
    # Next without an answer stays; a tap on Yes goes on
    page.locator("#question-next").click()
    expect(page.locator("#question-count-text")).to_have_text(f"Question 2 of {total}")
    page.locator(".questions > li:visible").get_by_text("Yes", exact=True).click()
    expect(page.locator("#question-count-text")).to_have_text(f"Question 3 of {total}")

    # the other questions answered No (as taps would), then Next through them all
    page.evaluate(
        """() => document.querySelectorAll('.questions input[value="no"]').forEach((r) => {
            if (!document.querySelector(`input[name="${r.name}"]:checked`)) r.checked = true;
        })"""
    )
    counter = page.locator("#question-count-text")
    for n in range(3, total + 1):
        expect(counter).to_have_text(f"Question {n} of {total}")
        shown = page.locator(".questions > li:visible")
        if shown.locator("input[type=number]").count():
            page.locator("#question-next").click()  # the age is missing: the browser asks
            expect(counter).to_have_text(f"Question {n} of {total}")
            shown.locator("input").fill("40")
        if shown.locator("input[type=checkbox]").count():
            expect(shown.locator("label.point-choice")).to_have_count(5)
            expect(shown.locator("label.point-choice").first).to_contain_text(
                "BL23 Shenshu lower back, beside the spine, at waist height (L2)"
            )
        if n < total:
            page.locator("#question-next").click()
    expect(page.locator("#check-submit")).to_be_visible()
    expect(page.locator("#question-next")).to_be_hidden()
    with page.expect_navigation():
        page.locator("#check-submit").click()
    # the second answer was yes: numbness in the bladder or bowels is an emergency
    expect(page.locator("section.decision")).to_have_class(re.compile(r"\bdecision-emergency\b"))


def test_check_keys_choose_without_moving_on_and_enter_goes_on(
    server: Served, new_page: NewPage
) -> None:
    page = new_page(width=390, height=844)
    page.goto(f"{server.url}/check")
    page.locator('input[name="saddle_numbness"][value="yes"]').focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    expect(page.locator('input[name="saddle_numbness"][value="no"]')).to_be_checked()
    expect(page.locator("#question-count-text")).to_have_text(re.compile(r"^Question 1 of"))
    page.keyboard.press("Enter")
    expect(page.locator("#question-count-text")).to_have_text(re.compile(r"^Question 2 of"))
    expect(page.locator('input[name="bladder_or_bowel_change"][value="yes"]')).to_be_focused()


def test_check_shows_the_whole_form_on_a_wide_screen(server: Served, new_page: NewPage) -> None:
    page = new_page(width=390, height=844)
    page.goto(f"{server.url}/check")
    expect(page.locator(".questions > li:visible")).to_have_count(1)
    page.set_viewport_size({"width": 1280, "height": 900})
    questions = page.locator(".questions > li")
    expect(page.locator(".questions > li:visible")).to_have_count(questions.count())
    expect(page.locator("#question-nav")).to_be_hidden()
    expect(page.locator("#check-submit")).to_be_visible()


def test_check_sent_half_answered_on_a_phone_shows_the_first_question_missing(
    server: Served, new_page: NewPage
) -> None:
    """Back from the server with an answer missing, the phone starts at that question."""
    answers = all_clear()
    page = new_page(width=1280)
    page.goto(f"{server.url}/check")
    for qid, given in answers.items():
        if qid in ("fever_or_chills", "skin_problem_at"):
            continue
        if isinstance(given, bool):
            page.locator(f'input[name="{qid}"][value="no"]').check()
        elif isinstance(given, int):
            page.locator(f'input[name="{qid}"]').fill(str(given))
    page.evaluate("document.getElementById('check-form').noValidate = true")
    with page.expect_navigation():
        page.locator("#check-submit").click()
    expect(page.locator("#form-error")).to_contain_text("has no answer")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator(".questions > li:visible")).to_have_count(1)
    expect(page.locator(".questions > li:visible legend")).to_have_text(re.compile("fever"))


# --- the reminders' days --------------------------------------------------------------


def test_reminder_days_are_toggles_used_with_the_keyboard(
    server: Served, new_page: NewPage
) -> None:
    page = new_page(width=390, height=844, accept_downloads=True)
    page.goto(f"{server.url}/take-away")
    expect(page.locator("#r-days")).to_be_hidden()
    saturday = page.get_by_role("checkbox", name="Saturday")
    expect(saturday).to_be_checked()
    expect(page.get_by_role("checkbox", name="Sunday")).not_to_be_checked()
    saturday.focus()
    page.keyboard.press("Space")
    expect(saturday).not_to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="Sunday")).to_be_checked()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the reminders (.ics)").click()
    assert "days=mon%2Ctue%2Cwed%2Cthu%2Cfri%2Csun" in download.value.url

    for box in page.locator("#r-day-toggles input").all():
        box.set_checked(False, force=True)
    page.get_by_role("button", name="Download the reminders (.ics)").click()
    expect(page.locator("#r-days-error")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Monday")).to_be_focused()


# --- the journal and the plots --------------------------------------------------------


def test_journal_on_a_phone_shows_each_session_whole(serve: Serve, new_page: NewPage) -> None:
    journal = next(v for v in VIEWS if v.name == "journal")
    page, _ = show(journal, serve, new_page, width=320, height=700)
    newest = page.locator("table.journal tbody tr").first
    for part in (
        newest.get_by_text("stopped: no time (the bus)"),
        newest.get_by_role("link", name="Delete session"),
    ):
        box = part.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320, box
    expect(page.locator("table.journal thead th").first).not_to_be_in_viewport()
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.locator("table.journal thead th").first).to_be_visible()


def test_plots_fit_the_screen_with_labels_readable(serve: Serve, new_page: NewPage) -> None:
    progress = next(v for v in VIEWS if v.name == "progress")
    page, _ = show(progress, serve, new_page, width=320, height=700)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        plots = page.locator(".chart.plot svg")
        expect(plots).to_have_count(2)
        for plot in plots.all():
            box = plot.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        sizes = page.evaluate(
            """() => Array.from(document.querySelectorAll('.chart.plot svg text'))
                .filter((t) => getComputedStyle(t).display !== 'none')
                .map((t) => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"""
        )
        # about 11 px at 390 px (6 px before they were enlarged), no less than 8.5 at 320
        assert sizes and min(sizes) >= (8.5 if width < 390 else 10.5), (width, sorted(sizes)[:3])


# --- the hanzi and the words ----------------------------------------------------------


def test_hanzi_are_drawn_with_the_shipped_font(server: Served, new_page: NewPage) -> None:
    page = new_page(width=390)
    page.goto(f"{server.url}/points")
    page.evaluate("document.fonts.ready.then(() => true)")
    families = page.locator('[lang="zh"]').evaluate_all(
        "all => all.map((e) => getComputedStyle(e).fontFamily)"
    )
    assert len(families) == 5 and all(f.startswith('"acupress hanzi"') for f in families)
    page.wait_for_function(
        "() => Array.from(document.fonts).some("
        "(f) => f.family.includes('acupress hanzi') && f.status === 'loaded')"
    )


def test_shipped_font_holds_every_hanzi_of_the_points(server: Served) -> None:
    from fontTools.ttLib import TTFont

    with (CONTENT / "points.toml").open("rb") as f:
        wanted = {c for p in tomllib.load(f)["point"] for c in p["hanzi"]}
    font = server.api.client.get(FONT)
    assert font.status_code == 200 and font.headers["content-type"] == "font/woff2"
    assert len(font.content) < 10_000
    covered = {chr(c) for c in TTFont(io.BytesIO(font.content)).getBestCmap()}
    assert wanted <= covered, wanted - covered
    licence = server.api.client.get("/static/fonts/OFL.txt")
    assert licence.status_code == 200 and "SIL OPEN FONT LICENSE Version 1.1" in licence.text


def test_session_tips_and_pro_tips_name_no_terminal_command(server: Served) -> None:
    """What the web shows of the protocol is in the web's words (the terminal has its own)."""
    low_back = protocol.load_file(protocol.resolve("low-back", None), atlas.default())
    texts: list[Any] = [
        *(t for s in low_back.steps for t in (*s.tips, *s.warnings)),
        *(t.text for t in low_back.pro_tip),
        *(t.solution for t in low_back.troubleshooting),
    ]
    named = [t for t in texts if COMMAND.search(t) or "`" in t]
    assert not named
    check_via_api(server)
    steps = server.api.get("/api/plan")["steps"]
    assert not [t for s in steps for t in (*s["tips"], *s["warnings"]) if COMMAND.search(t)]
