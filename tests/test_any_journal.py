"""Whatever a journal holds (sessions an older acupress let in: dated in year 2 or 9999,
lasting longer than a lifetime, every point skipped), `acupress progress` shows it:
the figures, their plot and their JSON are made, never a crash."""

from __future__ import annotations

import datetime as dt
import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from acupress import atlas, progress, render
from acupress.records import STOP_REASONS, SessionLog, StepLog

TODAY = dt.date(2026, 3, 31)
MOMENTS = st.one_of(
    st.datetimes(min_value=dt.datetime(2, 1, 1), max_value=dt.datetime(9999, 12, 30)),
    st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2026, 4, 2)),
).map(lambda t: t.replace(tzinfo=dt.UTC))


@st.composite
def sessions(draw: st.DrawFn) -> SessionLog:
    start = draw(MOMENTS)
    pressed = draw(st.lists(st.sampled_from(atlas.default().codes), max_size=3, unique=True))
    steps = tuple(
        StepLog(
            position=i,
            step=i + 1,
            step_id=code.lower(),
            point=code,
            side="both",
            pressure=draw(st.sampled_from(("light", "moderate", "firm"))),
            planned_seconds=60,
            seconds=draw(st.floats(min_value=0, max_value=1e300)),
            skipped=draw(st.booleans()),
            completed_at=draw(MOMENTS),
        )
        for i, code in enumerate(pressed)
    )
    return SessionLog(
        id=draw(st.integers(1, 1000)),
        started_at=start,
        day=draw(st.one_of(st.just(start.date()), st.dates())),
        protocol="low-back",
        source=draw(st.sampled_from(("guided", "manual"))),
        pain_before=draw(st.none() | st.integers(0, 10)),
        pain_after=draw(st.none() | st.integers(0, 10)),
        points=tuple(pressed),
        seconds=draw(st.integers(0, 2**63 - 1)),
        steps=steps,
        stop_reason=draw(st.none() | st.sampled_from(STOP_REASONS)),
        complete=draw(st.booleans()),
        pressure=draw(st.none() | st.sampled_from(("light", "moderate", "firm"))),
    )


@settings(max_examples=150, deadline=None)
@given(logs=st.lists(sessions(), max_size=8), cleared=st.lists(MOMENTS, max_size=2))
def test_progress_of_any_journal_is_shown(
    logs: list[SessionLog], cleared: list[dt.datetime]
) -> None:
    found = progress.analyse(logs, TODAY, progress.default_rules(), cleared)
    json.dumps(progress.progress_json(found))
    out = io.StringIO()
    Console(file=out, width=100).print(render.progress_view(found, 90, 100))
    assert ("Progress" if found.sessions else "No sessions yet") in out.getvalue()
    assert found.last_day is None or found.last_day <= TODAY
