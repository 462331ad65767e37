"""Whole guided sessions driven by a fake clock: what the person does, what the journal
keeps. A 15-minute session runs in milliseconds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acupress import atlas, protocol, runner, safety
from acupress.clock import FakeClock
from acupress.journal import Journal
from acupress.protocol import Plan
from acupress.session import Cue, Session

T0 = dt.datetime(2026, 3, 2, 7, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def make_plan(minutes: int = 15, partner: bool = False, **answers: Any) -> Plan:
    from tests.conftest import all_clear

    book = atlas.default()
    low_back = protocol.load_file(protocol.BUILTIN / "low-back.toml", book)
    decision = None
    if answers:
        screening = safety.default_screening()
        parsed = safety.parse_answers(all_clear() | answers, screening, book)
        decision = safety.decide(parsed, screening, book)
    return protocol.plan(low_back, book, minutes, decision, partner=partner)


PLANS = {False: make_plan(15), True: make_plan(15, partner=True)}


class ScriptedKeys:
    """Keys pressed at given session times; waiting moves the fake clock on."""

    def __init__(self, clock: FakeClock, presses: list[tuple[float, str]]) -> None:
        self.clock = clock
        self.presses = sorted(presses)

    def wait(self, timeout: float) -> str | None:
        now = self.clock.elapsed()
        if self.presses and self.presses[0][0] <= now + timeout:
            at, key = self.presses.pop(0)
            self.clock.advance(at - now)
            return key
        self.clock.advance(timeout)
        return None


def run_session(
    plan: Plan,
    presses: list[tuple[float, str]] = (),  # type: ignore[assignment]
    journal: Journal | None = None,
) -> tuple[Session, list[Cue], bool, int | None]:
    clock = FakeClock(T0)
    cues: list[Cue] = []
    session_id = None
    if journal is not None:
        session, session_id = runner.begin(journal, plan, clock, pain_before=6, answers=None)
        record = runner.recorder(journal, session_id)
    else:
        session = Session(plan, clock.now(), clock.elapsed())

        def record(log: Any) -> None:
            pass

    hooks = runner.Hooks(step=record, cue=cues.append)
    stopped = runner.drive(session, clock, ScriptedKeys(clock, list(presses)), hooks)
    return session, cues, stopped, session_id


def test_an_undisturbed_session_does_every_step_for_its_planned_time() -> None:
    plan = make_plan(15)
    session, _cues, stopped, _ = run_session(plan)
    assert not stopped and session.complete
    assert [(s.step_id, s.side) for s in session.done] == [(s.id, s.side) for s in plan.steps]
    assert [s.seconds for s in session.done] == [s.seconds for s in plan.steps]
    assert session.ended_at == plan.total_seconds
    assert session.done[-1].completed_at == T0 + dt.timedelta(seconds=plan.total_seconds)


def test_cues_mark_switching_side_moving_on_and_the_end() -> None:
    plan = make_plan(15)
    _, cues, _, _ = run_session(plan)
    kinds = [c.kind for c in cues]
    assert kinds.count("end") == 1 and kinds[-1] == "end"
    bilateral = sum(1 for a, b in zip(plan.steps, plan.steps[1:], strict=False) if a.id == b.id)
    assert kinds.count("switch_side") == bilateral == 3  # BL25, BL40, KI3
    assert "Switch to the right side." in [c.words for c in cues]
    assert len(cues) == len(plan.steps)


def test_partner_mode_cues_speak_to_the_partner() -> None:
    plan = make_plan(15, partner=True)
    _, cues, _, _ = run_session(plan)
    assert "Switch to your partner's right side." in [c.words for c in cues]


def test_pause_stops_the_countdown_and_resume_continues_it() -> None:
    plan = make_plan(15)
    first = plan.steps[0].seconds
    session, _, _, _ = run_session(plan, [(10, "space"), (310, "space")])
    # the first step still took its planned time of pressing, the pause came on top
    assert session.done[0].seconds == first
    assert session.done[0].completed_at == T0 + dt.timedelta(seconds=first + 300)
    assert session.ended_at == plan.total_seconds + 300


def test_a_paused_session_shows_paused_and_the_same_time_left() -> None:
    plan = make_plan(15)
    clock = FakeClock(T0)
    session = Session(plan, clock.now())
    session.toggle_pause(20)
    status = session.status(500)
    assert status.paused
    assert status.step_remaining == plan.steps[0].seconds - 20
    assert session.deadline() is None


def test_skip_records_the_step_as_skipped_with_the_time_it_had() -> None:
    plan = make_plan(15)
    session, _, _, _ = run_session(plan, [(plan.steps[0].seconds + 20, "n")])
    bl23 = session.done[1]
    assert bl23.point == "BL23" and bl23.skipped and bl23.seconds == 20
    assert session.complete
    assert session.ended_at == plan.total_seconds - (plan.steps[1].seconds - 20)


def test_back_repeats_the_previous_step() -> None:
    plan = make_plan(15)
    at = plan.steps[0].seconds + 10  # 10 s into BL23
    session, _, _, _ = run_session(plan, [(at, "b")])
    ids = [s.step_id for s in session.done]
    assert ids[:3] == ["prepare", "prepare", "bl23"]  # preparation done twice
    assert not any(s.skipped for s in session.done)
    assert session.complete


def test_back_on_the_first_step_restarts_it() -> None:
    plan = make_plan(15)
    session, _, _, _ = run_session(plan, [(30, "b")])
    assert session.done[0].completed_at == T0 + dt.timedelta(seconds=30 + plan.steps[0].seconds)


def test_stop_keeps_what_was_done_and_leaves_the_rest() -> None:
    plan = make_plan(15)
    at = sum(s.seconds for s in plan.steps[:3]) + 5
    session, cues, stopped, _ = run_session(plan, [(at, "q")])
    assert stopped and session.finished and not session.complete
    assert [s.step_id for s in session.done] == ["prepare", "bl23", "bl25"]
    assert session.stop_reason == "other"
    assert "end" not in [c.kind for c in cues]


def test_modified_plan_is_guided_without_the_omitted_points() -> None:
    plan = make_plan(15, pregnant=True, anticoagulants_or_bleeding_disorder=True)
    session, _, _, _ = run_session(plan)
    points = {s.point for s in session.done if s.point}
    assert points == {"BL40", "KI3"}
    assert {s.pressure for s in session.done if s.point} == {"light"}


def test_the_journal_receives_each_step_as_it_is_done(home: Any) -> None:
    plan = make_plan(15)
    with Journal() as db:
        at = sum(s.seconds for s in plan.steps[:4]) + 1
        session, _, _stopped, session_id = run_session(plan, [(at, "q")], journal=db)
        assert session_id is not None
        stored = db.get(session_id)
        # written step by step, before the session was closed
        assert [s.step_id for s in stored.steps] == ["prepare", "bl23", "bl25", "bl25"]
        assert not stored.complete and stored.ended_at is None
        runner.close(db, session_id, session, pain_after=5, stop_reason="dizziness")
        stored = db.get(session_id)
    assert stored.complete is False
    assert stored.stop_reason == "dizziness"
    assert stored.pain_before == 6 and stored.pain_after == 5
    assert stored.points == ("BL23", "BL25")
    assert stored.seconds == sum(s.seconds for s in plan.steps[:4])


def test_a_finished_session_is_closed_complete(home: Any) -> None:
    plan = make_plan(15)
    with Journal() as db:
        session, _, _, session_id = run_session(plan, journal=db)
        assert session_id is not None
        runner.close(db, session_id, session, pain_after=3, sensations=("warmth", "ache"))
        stored = db.get(session_id)
    assert stored.complete and stored.stop_reason is None
    assert stored.sensations == ("warmth", "ache")
    assert stored.ended_at == T0 + dt.timedelta(seconds=plan.total_seconds)
    assert len(stored.steps) == len(plan.steps)


def test_an_interrupted_session_is_kept_and_marked(home: Any) -> None:
    plan = make_plan(15)
    clock = FakeClock(T0)
    with Journal() as db:
        session, session_id = runner.begin(db, plan, clock, pain_before=4, answers=None)
        hooks = runner.Hooks(step=runner.recorder(db, session_id))

        class CtrlC:
            def wait(self, timeout: float) -> str | None:
                if clock.elapsed() > 200:
                    raise KeyboardInterrupt
                clock.advance(timeout)
                return None

        with pytest.raises(KeyboardInterrupt):
            runner.drive(session, clock, CtrlC(), hooks)
        runner.interrupt(db, session_id, session, clock.elapsed())
        stored = db.get(session_id)
    assert stored.stop_reason == "interrupted" and not stored.complete
    assert [s.step_id for s in stored.steps] == [s.step_id for s in session.done]
    assert stored.steps  # the steps done before Ctrl-C


def test_late_wake_ups_do_not_push_the_session_back() -> None:
    """Each deadline is measured from the start, so a loop that wakes late every time
    still ends the session on time: no drift."""
    plan = make_plan(15)
    clock = FakeClock(T0)

    class Sluggish:
        def wait(self, timeout: float) -> str | None:
            clock.advance(timeout + 0.3)  # every wake-up is 300 ms late
            return None

    session = Session(plan, clock.now(), clock.elapsed())
    runner.drive(session, clock, Sluggish(), runner.Hooks(step=lambda log: None))
    assert session.ended_at == plan.total_seconds
    assert [s.completed_at for s in session.done][-1] == T0 + dt.timedelta(
        seconds=plan.total_seconds
    )
    assert clock.elapsed() - plan.total_seconds <= 0.3 + 1e-9


def test_back_pressed_just_after_a_step_ended_returns_that_step_to_record() -> None:
    """A key handled a moment after a deadline: the finished step is done (and handed
    back for the journal), then the session goes back to it."""
    plan = make_plan(15)
    first = plan.steps[0].seconds
    session = Session(plan, T0)
    logs, _ = session.back(first + 2)
    assert [log.step_id for log in logs] == ["prepare"] and not logs[0].skipped
    assert session.current.id == "prepare"  # back from BL23 to the preparation
    assert session.status(first + 2).step_elapsed == 0


# --- saved and loaded (a session kept in a database while it runs) ------------------

ACTIONS = ("advance", "pause", "resume", "skip", "back", "stop")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(ACTIONS), st.floats(0, 400, allow_nan=False), st.booleans()),
        max_size=25,
    ),
    st.booleans(),
)
def test_a_saved_session_goes_on_exactly_as_if_never_saved(
    script: list[tuple[str, float, bool]], partner: bool
) -> None:
    plan = PLANS[partner]
    kept = Session(plan, T0, 2.5)
    saved = Session.from_json(Session(plan, T0, 2.5).to_json())
    at = 2.5
    for action, wait, save_now in script:
        at += wait
        if save_now:
            saved = Session.from_json(saved.to_json())
        assert runner.apply(kept, action, at) == runner.apply(saved, action, at)  # type: ignore[arg-type]
        assert kept.status(at) == saved.status(at)
        assert kept.deadline() == saved.deadline()
    assert Session.from_json(saved.to_json()).done == kept.done
    assert (saved.finished, saved.stop_reason, saved.ended_at) == (
        kept.finished,
        kept.stop_reason,
        kept.ended_at,
    )


def test_a_saved_session_keeps_its_start_and_plan() -> None:
    session = Session(make_plan(15), T0)
    session.advance(session.deadline() or 0)
    again = Session.from_json(session.to_json())
    assert again.plan == session.plan
    assert again.started_at == T0
    assert again.done == session.done
    assert again.wall(100.0) == session.wall(100.0)
