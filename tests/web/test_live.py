"""Guided sessions kept in the journal while they run: any app on the same journal file
goes on with a session another began, every step is recorded once, and the page's
silence is judged from the stored moments on the injected clock."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from acupress import atlas, protocol
from acupress.clock import FakeClock
from acupress.journal import Journal
from acupress.records import StepLog
from acupress.web.live import GONE, GRACE, LiveSessions, step_key
from tests.test_session import make_plan

NOW = dt.datetime(2026, 3, 2, 7, 30, tzinfo=dt.UTC)
LOW_BACK = protocol.load_file(protocol.BUILTIN / "low-back.toml", atlas.default())
PLAN = make_plan(15)
ENDS = [sum(s.seconds for s in PLAN.steps[: i + 1]) for i in range(len(PLAN.steps))]


def app(clock: FakeClock) -> LiveSessions:
    """What one app (one worker) keeps of the sessions: nothing but its clock."""
    return LiveSessions(clock, {}, protocols=lambda name: LOW_BACK)


@pytest.fixture
def journals(home: Path) -> Iterator[tuple[Journal, Journal]]:
    """Two connections to one journal file, as two workers have."""
    first, second = Journal(), Journal()
    yield first, second
    first.close()
    second.close()


def start(live: LiveSessions, db: Journal) -> int:
    return live.start(db, PLAN, LOW_BACK, pain_before=5, answers=None).live.id


def test_a_session_begun_by_one_app_goes_on_in_another(
    journals: tuple[Journal, Journal],
) -> None:
    clock = FakeClock(NOW)
    one, two = app(clock), app(clock)
    session_id = start(one, journals[0])
    clock.advance(ENDS[0] + 2)
    moment = two.act(journals[1], session_id, "advance")
    assert (moment.status.index, moment.cues[0].kind) == (1, "next_step")
    clock.advance(5)
    assert one.act(journals[0], session_id, "pause").status.paused
    clock.advance(200)  # paused: the step does not run on, in either app
    assert two.peek(journals[1], session_id).status.step_elapsed == pytest.approx(7)
    (step,) = journals[0].get(session_id).steps
    assert step.completed_at == NOW + dt.timedelta(seconds=ENDS[0])


def test_two_apps_driving_one_session_record_every_step_once(
    journals: tuple[Journal, Journal],
) -> None:
    clock = FakeClock(NOW)
    apps = [(app(clock), journals[0]), (app(clock), journals[1])]
    session_id = start(*apps[0])
    for _ in range(PLAN.total_seconds // 25 + 1):
        clock.advance(25)
        for live, db in apps:  # both tabs ask to go on at the same moment
            live.act(db, session_id, "advance")
    log = journals[0].get(session_id)
    assert [s.position for s in log.steps] == list(range(len(PLAN.steps)))
    assert [s.completed_at for s in log.steps] == [NOW + dt.timedelta(seconds=e) for e in ENDS]
    assert log.seconds == PLAN.total_seconds
    assert log.complete


def test_two_apps_racing_from_threads_still_record_every_step_once(
    journals: tuple[Journal, Journal],
) -> None:
    clock = FakeClock(NOW)
    one = app(clock)
    session_id = start(one, journals[0])
    clock.advance(GONE - 10)
    apps = [(one, journals[0]), (app(clock), journals[1])] * 3
    barrier = threading.Barrier(len(apps))
    failed: list[BaseException] = []

    def go(live: LiveSessions, db: Journal) -> None:
        barrier.wait()
        try:
            live.act(db, session_id, "advance")
        except BaseException as e:
            failed.append(e)

    threads = [threading.Thread(target=go, args=pair) for pair in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failed == []
    done = sum(1 for end in ENDS if end <= GONE - 10)
    steps = journals[0].get(session_id).steps
    assert [s.position for s in steps] == list(range(done))
    assert one.peek(journals[0], session_id).status.index == done


def test_a_change_made_on_a_state_read_before_another_is_not_saved(
    journals: tuple[Journal, Journal],
) -> None:
    clock = FakeClock(NOW)
    live = app(clock)
    session_id = start(live, journals[0])
    stale = live.get(journals[0], session_id)
    clock.advance(ENDS[0])
    live.act(journals[1], session_id, "advance")
    step = journals[0].get(session_id).steps[0]
    again = StepLog(**{**step.__dict__, "seconds": 1.0})
    saved = journals[0].live_save(
        session_id, stale.dump(), stale.version, NOW, [("another", again)]
    )
    assert saved is False
    assert len(journals[0].get(session_id).steps) == 1
    assert live.get(journals[0], session_id).session.index == 1


def test_a_step_key_already_there_writes_nothing(journals: tuple[Journal, Journal]) -> None:
    clock = FakeClock(NOW)
    live = app(clock)
    session_id = start(live, journals[0])
    clock.advance(ENDS[0])
    live.act(journals[0], session_id, "advance")
    shown = live.get(journals[0], session_id)
    (step,) = journals[0].get(session_id).steps
    key = step_key(shown.uid, 0, 0)
    assert journals[1].step_keys(session_id) == {key}
    assert journals[1].live_save(session_id, shown.dump(), shown.version, NOW, [(key, step)])
    log = journals[0].get(session_id)
    assert (len(log.steps), log.seconds) == (1, PLAN.steps[0].seconds)


def test_a_step_done_again_after_going_back_is_a_new_record(
    journals: tuple[Journal, Journal],
) -> None:
    clock = FakeClock(NOW)
    live = app(clock)
    session_id = start(live, journals[0])
    clock.advance(ENDS[0] + 1)
    live.act(journals[0], session_id, "back")
    clock.advance(PLAN.steps[0].seconds)
    live.act(journals[1], session_id, "advance")
    positions = [s.position for s in journals[0].get(session_id).steps]
    assert positions == [0, 0]
    uid = live.get(journals[0], session_id).uid
    assert journals[0].step_keys(session_id) == {step_key(uid, 0, 0), step_key(uid, 0, 1)}


def test_a_page_heard_again_before_it_is_gone_counts_every_step(
    journals: tuple[Journal, Journal],
) -> None:
    clock = FakeClock(NOW)
    session_id = start(app(clock), journals[0])
    clock.advance(GONE - 1)  # longer than the grace, shorter than gone
    moment = app(clock).act(journals[1], session_id, "advance")
    assert moment.status.index == sum(1 for end in ENDS if end <= GONE - 1)
    assert journals[0].get(session_id).ended_at is None


def test_a_page_silent_too_long_ends_the_session_at_its_last_step_within_the_grace(
    journals: tuple[Journal, Journal],
) -> None:
    clock = FakeClock(NOW)
    first = app(clock)
    session_id = start(first, journals[0])
    clock.advance(ENDS[0] + 1)
    first.act(journals[0], session_id, "advance")  # the page's last word
    clock.advance(3600)
    app(clock).interrupt_gone(journals[1])  # another app, started later, notices
    log = journals[0].get(session_id)
    kept = [e for e in ENDS if e <= ENDS[0] + 1 + GRACE]
    assert (log.stop_reason, log.complete, len(log.steps)) == ("interrupted", False, len(kept))
    assert log.ended_at == NOW + dt.timedelta(seconds=kept[-1])
    seen = first.peek(journals[0], session_id)
    assert (seen.status.finished, seen.live.session.stop_reason) == (True, "interrupted")
