"""What the terminal shows, drawn as text."""

from __future__ import annotations

import datetime as dt

from rich.console import Console

from acupress import atlas, protocol, render
from acupress.session import Session


def screen_at_step(point: str) -> str:
    book = atlas.default()
    chosen = protocol.load_file(protocol.BUILTIN / "low-back.toml", book)
    plan = protocol.plan(chosen, book, 20)
    session = Session(plan, dt.datetime(2026, 3, 2, 7, 30, tzinfo=dt.UTC), 0.0)
    start = sum(s.seconds for s in plan.steps[: [s.point for s in plan.steps].index(point)])
    session.advance(start + 1)
    status = session.status(start + 1)
    out = Console(width=120, record=True, file=None, force_terminal=False)
    with out.capture() as captured:
        out.print(render.session_screen(status, plan, chosen, book, None))
    return captured.get()


def test_the_session_screen_shows_the_whole_way_to_find_the_point() -> None:
    text = screen_at_step("BL23")
    assert "1. Put your hands on your waist" in text
    assert "2. On the spine at that line" in text and "count up two bumps to L2" in text
    assert "3. From the lower edge of the L2 bump" in text
    assert "4. You are on the thick band of muscle" in text


def test_the_session_screen_warns_once_about_the_spine() -> None:
    text = screen_at_step("BL25")
    assert text.count("spine itself") == 1
    assert "Pain shooting down the leg while pressing means too much pressure" in text


def test_the_bl40_screen_says_to_move_off_if_the_nerve_tingles() -> None:
    text = " ".join(screen_at_step("BL40").split())
    assert "Move off the point at once if tingling" in text


def test_the_next_step_without_a_side_has_no_dangling_dash() -> None:
    book = atlas.default()
    chosen = protocol.load_file(protocol.BUILTIN / "low-back.toml", book)
    plan = protocol.plan(chosen, book, 20)
    session = Session(plan, dt.datetime(2026, 3, 2, 7, 30, tzinfo=dt.UTC), 0.0)
    sweep = sum(s.seconds for s in plan.steps[:-2])  # the back sweep; the rest comes next
    session.advance(sweep + 1)
    out = Console(width=120, record=True, file=None, force_terminal=False)
    with out.capture() as captured:
        out.print(render.session_screen(session.status(sweep + 1), plan, chosen, book, None))
    text = captured.get()
    assert "Next: Close: rest " in text and "Close: rest —" not in text
    assert "Next: BL" not in text
