"""What a guided session leaves in the journal when it ends: complete only when a point
was pressed, and a closing that would make the record wrong refused before anything is
written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from acupress import progress, runner
from acupress.journal import Journal
from acupress.records import InvalidSession, outcome
from tests.test_session import T0, make_plan, run_session


def skips(count: int, keep: int | None = None) -> list[tuple[float, str]]:
    """'n' pressed at the start of each of ``count`` steps (a second into each), but for
    the step at ``keep``, which runs its time."""
    plan = make_plan(15)
    presses, at = [], 0.0
    for i in range(count):
        if i == keep:
            at += plan.steps[i].seconds
            continue
        presses.append((at + 1, "n"))
        at += 1
    return presses


def table_text(log: object) -> str:
    from rich.console import Console

    from acupress import render

    out = Console(width=140)
    with out.capture() as captured:
        out.print(render.journal_table([log]))  # type: ignore[list-item]
    return captured.get()


@pytest.fixture
def db(home: Path) -> Journal:
    return Journal()


def test_a_session_whose_every_step_was_skipped_is_not_complete_and_not_a_session_done(
    db: Journal,
) -> None:
    plan = make_plan(15)
    session, _, stopped, session_id = run_session(plan, skips(len(plan.steps)), journal=db)
    assert session_id is not None and not stopped and session.finished
    runner.close(db, session_id, session, pain_after=2)
    stored = db.get(session_id)
    assert (stored.complete, stored.stop_reason, stored.points) == (False, None, ())
    assert all(s.skipped for s in stored.steps) and len(stored.steps) == len(plan.steps)
    assert outcome(stored) == "no point pressed"
    assert "no point pressed" in table_text(stored)  # the terminal's journal says it too
    found = progress.from_journal(db, T0.date())
    assert (found.sessions, found.days, found.average_relief, found.current_streak) == (
        0,
        0,
        None,
        0,
    )
    assert found.series == ()


def test_one_point_pressed_makes_it_a_complete_session(db: Journal) -> None:
    plan = make_plan(15)
    bl23 = [s.id for s in plan.steps].index("bl23")
    session, _, _, session_id = run_session(plan, skips(len(plan.steps), keep=bl23), journal=db)
    assert session_id is not None
    runner.close(db, session_id, session, pain_after=4)
    stored = db.get(session_id)
    assert (stored.complete, stored.points) == (True, ("BL23",))
    found = progress.from_journal(db, T0.date())
    assert (found.sessions, found.average_relief) == (1, 2.0)


@pytest.mark.parametrize(
    ("reason", "flag"),
    [("dizziness", "stopped_for_dizziness"), ("pain_increased", "stopped_for_pain")],
)
def test_a_stop_before_any_point_was_pressed_still_ends_the_day(
    db: Journal, reason: str, flag: str
) -> None:
    plan = make_plan(15)
    session, _, stopped, session_id = run_session(plan, [(5, "q")], journal=db)
    assert session_id is not None and stopped
    runner.close(db, session_id, session, pain_after=7, stop_reason=reason)  # type: ignore[arg-type]
    found = progress.from_journal(db, T0.date())
    assert found.sessions == 0
    assert [f.id for f in found.flags] == [flag]
    assert found.flag(flag) is not None and found.flag(flag).decision == "not_today"  # type: ignore[union-attr]


def test_a_closing_that_would_make_the_session_wrong_writes_nothing(db: Journal) -> None:
    plan = make_plan(15)
    session, _, _, session_id = run_session(plan, journal=db)
    assert session_id is not None
    with pytest.raises(InvalidSession, match="note can be at most 2000 characters, not 100000"):
        runner.close(db, session_id, session, pain_after=3, note="x" * 100_000)
    with pytest.raises(InvalidSession, match="pain after must be a pain score from 0 to 10"):
        runner.close(db, session_id, session, pain_after=11)
    untouched = db.get(session_id)
    assert (untouched.ended_at, untouched.pain_after, untouched.note) == (None, None, "")
    runner.close(db, session_id, session, pain_after=3, note="x" * 2000)
    assert db.get(session_id).complete


def test_what_is_said_after_the_session_is_checked_before_it_is_written(db: Journal) -> None:
    plan = make_plan(15)
    session, _, _, session_id = run_session(plan, journal=db)
    assert session_id is not None
    runner.close(db, session_id, session)
    later = T0 + dt.timedelta(minutes=30)
    with pytest.raises(InvalidSession, match="note can be at most 2000"):
        runner.record_closing(
            db, session_id, pain_after=3, sensations=("ache",), note="x" * 2001, now=later
        )
    assert db.get(session_id).pain_after is None
    runner.record_closing(db, session_id, pain_after=3, sensations=("ache",), note="ok", now=later)
    stored = db.get(session_id)
    assert (stored.pain_after, stored.sensations, stored.note) == (3, ("ache",), "ok")
