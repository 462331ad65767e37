"""The journal on PostgreSQL (psycopg 3): the same statements and migrations as on SQLite,
on a real server of the tests' own (``tests.postgresql``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace

import pytest

from acupress.errors import AcupressError
from acupress.journal import Journal
from acupress.records import Event, SessionLog, StepLog
from tests.postgresql import Server

TZ = dt.timezone(dt.timedelta(hours=1))
T0 = dt.datetime(2026, 3, 2, 7, 30, 5, 123456, tzinfo=TZ)


def step(position: int, point: str = "BL23", skipped: bool = False) -> StepLog:
    return StepLog(
        position=position,
        step=position + 1,
        step_id=point.lower(),
        point=point,
        side="left",
        pressure="light",
        planned_seconds=60,
        seconds=60.5,
        skipped=skipped,
        completed_at=T0 + dt.timedelta(minutes=position + 1),
    )


SESSION = SessionLog(
    id=None,
    started_at=T0,
    day=T0.date(),
    protocol="low-back",
    source="guided",
    pain_before=6,
    pain_after=4,
    steps=(step(0), step(1, "KI3", skipped=True)),
    complete=True,
    ended_at=T0 + dt.timedelta(minutes=20),
)


@pytest.fixture
def db(postgresql: Server) -> Iterator[Journal]:
    """An empty database, which the journal migrates on opening."""
    url = postgresql.empty()
    with Journal(url) as journal:
        yield journal
    postgresql.drop(url)


def test_sessions_steps_and_events_round_trip_on_postgresql(db: Journal) -> None:
    session_id = db.add(SESSION, {"age": 40.5})
    db.add_step(session_id, step(2, "BL25"))
    back = db.get(session_id)
    assert back.started_at == T0 and back.complete and len(back.steps) == 3
    assert (back.points, back.seconds, db.answers(session_id)) == (
        ("BL23", "BL25"),
        181,
        {"age": 40.5},
    )
    db.update(session_id, pain_after=2, sensations=("warmth",), complete=False)
    assert (db.get(session_id).pain_after, db.get(session_id).complete) == (2, False)
    assert [a for _, a in db.entries(with_answers=True)] == [{"age": 40.5}]
    assert db.pressures() == {session_id: {"light": 2}}
    db.add(replace(SESSION, ended_at=None, steps=()), front_end="web")
    assert db.interrupt_unkept("web") == 1
    seen = db.add_event(Event(id=None, uid="e1", kind="seen_professional", at=T0, day=T0.date()))
    assert db.cleared() == [T0] and db.events() == [seen]
    assert db.import_sessions([(replace(SESSION, uid=None), None)], [seen]) == (1, 0)
    with pytest.raises(AcupressError, match="refused the record"):
        db.add(replace(SESSION, pain_before=11))
    assert len(db.sessions(since=T0.date(), last=2)) == 2
