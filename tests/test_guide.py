"""The printable guide: built from the content and the charts, as HTML, Markdown and PDF."""

from __future__ import annotations

import io
import re

import pypdf
import pytest

from acupress import atlas, equipment, protocol, safety
from acupress.docs import guide as guides

D = guides.DASH  # the en dash of a range, 1-3 min


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def routine() -> guides.Guide:
    book = atlas.default()
    low_back = protocol.load_file(protocol.BUILTIN / "low-back.toml", book)
    return guides.build(
        low_back, book, safety.default_screening(), equipment.default(), thumb_cm=2.1
    )


@pytest.fixture(scope="module")
def plain() -> guides.Guide:
    book = atlas.default()
    low_back = protocol.load_file(protocol.BUILTIN / "low-back.toml", book)
    return guides.build(low_back, book, safety.default_screening(), equipment.default())


@pytest.fixture(scope="module")
def html(routine: guides.Guide) -> str:
    return guides.render_html(routine)


@pytest.fixture(scope="module")
def pdf_pages(html: str) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(guides.render_pdf(html)))
    return [flat(page.extract_text()) for page in reader.pages]


# --- the guide as data --------------------------------------------------------------------


def test_guide_has_every_step_in_order_with_its_point(routine: guides.Guide) -> None:
    assert [s.id for s in routine.steps] == [
        "prepare", "bl23", "bl25", "gv4", "bl40", "ki3", "sweep", "rest"
    ]  # fmt: skip
    with_points = [s for s in routine.steps if s.point]
    assert [s.point.code for s in with_points if s.point] == ["BL23", "BL25", "GV4", "BL40", "KI3"]
    assert all(s.chart and s.find and s.location for s in with_points)
    assert routine.minutes == (14, 30)


def test_steps_give_time_ranges_per_side_and_pressure_built_up(routine: guides.Guide) -> None:
    steps = {s.id: s for s in routine.steps}
    assert steps["prepare"].time == f"1½{D}3 min"
    assert steps["bl23"].time == f"1{D}3 min"
    assert steps["bl25"].time == f"1{D}2 min per side"
    assert steps["bl40"].time == f"45{D}90 s per side"
    assert steps["bl23"].pressure.startswith("firm, reached gradually: start gentle")
    assert steps["gv4"].pressure == "light"


def test_point_cautions_join_the_step_warnings_without_repeating(routine: guides.Guide) -> None:
    steps = {s.id: s for s in routine.steps}
    assert steps["bl23"].warnings == (
        "Never press on the spine itself: stay on the muscle beside it.",
        "Pressure on the kidney area should feel like a deep ache, never sharp pain.",
    )
    bl25 = steps["bl25"].warnings
    assert sum("spine" in w for w in bl25) == 1 and sum("down the leg" in w for w in bl25) == 1
    bl40 = steps["bl40"].warnings
    assert sum("moderate pressure only" in w.lower() for w in bl40) == 1
    gv4 = steps["gv4"].warnings
    assert sum("osteoporosis" in w for w in gv4) == 1 and sum("gentle" in w for w in gv4) == 1


def test_time_range_words() -> None:
    assert guides.time_range(60, 180) == f"1{D}3 min"
    assert guides.time_range(90, 180) == f"1½{D}3 min"
    assert guides.time_range(45, 120) == f"45{D}120 s"
    assert guides.time_range(300, 480) == f"5{D}8 min"
    assert guides.time_range(60, 60) == "1 min"


def test_sources_are_references_not_notes(routine: guides.Guide) -> None:
    assert routine.sources[0].startswith("WHO Standard Acupuncture Point Locations")
    assert "Hsieh LL et al., BMJ 2006;332:696" in routine.sources
    assert "NICE NG59" in routine.sources
    assert not any(s.startswith(("seed guide", "traditional", "acupress")) for s in routine.sources)


def test_personalised_only_when_the_thumb_width_is_known(
    routine: guides.Guide, plain: guides.Guide
) -> None:
    mine = guides.render_html(routine)
    assert "cm for you" in mine
    assert "1.5 B-cun (≈ 3.2 cm for you) lateral" in mine
    assert "1 cun ≈ 2.1 cm for you" in mine
    assert "cm for you" not in guides.render_html(plain)


# --- HTML ---------------------------------------------------------------------------------


def test_html_is_one_standalone_page(html: str) -> None:
    assert html.startswith("<!DOCTYPE html>")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "<style>" in html and "@page" in html and "break-inside: avoid" in html
    assert not re.search(r"<(link|script|img)\b", html)  # nothing to fetch


def test_html_has_every_step_point_chart_and_section(routine: guides.Guide, html: str) -> None:
    for s in routine.steps:
        assert f"Step {s.number}. {s.title}" in html
    for code, name in [("BL23", "Shenshu"), ("BL25", "Dachangshu"), ("GV4", "Mingmen")]:
        assert f"{code} {name}" in html
    assert html.count("<svg ") == 6  # the overview and one chart per point
    assert html.count("<title id=") == 6
    for heading in (
        "Safety first",
        "What you need",
        "The routine, step by step",
        "Pro tips",
        "Common mistakes",
        "Troubleshooting",
        "Where this differs from the how-to",
        "Sources",
    ):
        assert f">{heading}</h2>" in html


def test_html_safety_section_in_plain_words(html: str) -> None:
    for s in safety.default_screening().rule:
        assert s.reason.replace("'", "&#39;") in html
    assert "Get emergency care now if:" in html
    assert "Call your local emergency number" in html
    assert "Stop at once if you feel dizzy" in html


def test_html_equipment_with_needs_products_and_prices(html: str) -> None:
    assert "Required</span> <strong>Point chart or anatomical model" in html
    assert f"ProSource JiFit Acupressure Mat and Pillow Set (US$25{D}35)" in html
    assert "Seed by Design Vaccaria Ear Seeds Kit" in html  # an extra, not a listed item
    assert "The maker says:" in html


def test_html_claims_show_their_basis_and_source(html: str) -> None:
    assert ">Evidence</span> A heat pack after the session" in html
    assert "Source: French SD et al." in html
    assert ">Traditional</span> Morning sessions" in html
    assert "Save your thumb width once, and acupress gives every distance in cm too." in html


def test_html_shows_words_in_backticks_as_code() -> None:
    assert guides.inline_code("run `acupress guide` <now>") == (
        "run <code>acupress guide</code> &lt;now&gt;"
    )


def test_html_escapes_content(routine: guides.Guide) -> None:
    from dataclasses import replace

    odd = replace(routine, summary="Press <b>gently</b> & slowly")
    page = guides.render_html(odd)
    assert "Press &lt;b&gt;gently&lt;/b&gt; &amp; slowly" in page


# --- Markdown -----------------------------------------------------------------------------


def test_markdown_has_every_step_and_section(routine: guides.Guide) -> None:
    md = guides.render_markdown(routine)
    assert md.startswith("# Acupressure for low back pain\n")
    for s in routine.steps:
        assert f"### Step {s.number}. {s.title}" in md
    for heading in ("Safety first", "What you need", "Sources", "Troubleshooting"):
        assert f"## {heading}" in md
    assert "*Chart:* 1.5 cun (about 3.2 cm for you) to each side of the spine" in md
    assert "WHO Standard Acupuncture Point Locations" in md
    assert "\n\n\n" not in md


def test_markdown_links_chart_files_when_given(routine: guides.Guide) -> None:
    files = {"overview": "g-charts/overview.svg", "bl23": "g-charts/bl23.svg"}
    md = guides.render_markdown(routine, files)
    assert "](g-charts/overview.svg)" in md
    assert "](g-charts/bl23.svg)" in md
    assert "*Chart:* On the inner side of each ankle" in md  # no file given for KI3


# --- PDF ----------------------------------------------------------------------------------


def test_pdf_opens_with_several_numbered_pages(pdf_pages: list[str]) -> None:
    assert len(pdf_pages) > 1
    assert f"Page 1 of {len(pdf_pages)}" in pdf_pages[0]
    assert f"Page {len(pdf_pages)} of {len(pdf_pages)}" in pdf_pages[-1]


def test_pdf_has_the_text_of_every_step(routine: guides.Guide, pdf_pages: list[str]) -> None:
    text = " ".join(pdf_pages)
    for s in routine.steps:
        assert f"Step {s.number}. {s.title}" in text
        assert flat(s.technique)[:60] in text


def test_pdf_never_splits_a_step_across_pages(routine: guides.Guide, pdf_pages: list[str]) -> None:
    for s in routine.steps:
        title = f"Step {s.number}. {s.title}"
        last = flat(s.last_line)[:50]
        title_pages = [i for i, p in enumerate(pdf_pages) if title in p]
        last_pages = [i for i, p in enumerate(pdf_pages) if last in p]
        assert len(title_pages) == 1, title
        assert title_pages[0] in last_pages, f"{title}: ends on another page"


def test_the_session_length_is_stated_once_and_right(html: str) -> None:
    import re

    lengths = set(re.findall(r"(\d+) to (\d+) minutes", html))
    assert lengths == {("14", "30")}  # the protocol's real range, never also "15 to 30"


def test_the_how_to_it_corrects_is_named_before_it_is_quoted(html: str) -> None:
    named = html.index("common low-back acupressure how-to")
    assert named < html.index("the how-to")
    assert "The guide says" not in html and "the guide says" not in html


def test_bl40_tells_to_move_off_the_point_when_the_nerve_tingles(routine: guides.Guide) -> None:
    bl40 = next(s for s in routine.steps if s.id == "bl40")
    assert "move off the point" in bl40.expect
    assert "may spread down the leg" not in bl40.expect
