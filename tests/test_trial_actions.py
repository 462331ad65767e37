"""The personal trial as a person lives it: a rating a day, a trial started, its status
day by day, safety stopping it, and its result with deviations and adherence. Real
journals in a tmp dir, the time injected."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from acupress import actions, exports, trial_actions
from acupress.app import App
from acupress.errors import AcupressError, Conflict, NotFound
from acupress.records import SessionLog
from acupress.safety import parse_answers
from tests.conftest import all_clear

TZ = dt.timezone(dt.timedelta(hours=1))
START = dt.date(2026, 3, 2)
SEED = 2  # weeks: acupressure, usual care, acupressure, usual care, usual care, acupressure


class Clock:
    """An app whose clock a test moves."""

    def __init__(self, day: dt.date = START, hour: int = 20) -> None:
        self.at = dt.datetime.combine(day, dt.time(hour), TZ)

    def __call__(self) -> dt.datetime:
        return self.at

    def go(self, day: dt.date) -> None:
        self.at = dt.datetime.combine(day, self.at.timetz())


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(clock: Clock) -> Iterator[App]:
    made = App(now=clock)
    yield made
    made.close()


def started(app: App, weeks: int = 6) -> None:
    trial_actions.start(app, trial_actions.propose(app, weeks, SEED))


def session_on(app: App, day: dt.date) -> None:
    at = dt.datetime.combine(day, dt.time(7, 30), TZ)
    app.journal().add(
        SessionLog(
            id=None,
            started_at=at,
            day=day,
            protocol="low-back",
            source="manual",
            pain_before=5,
            pain_after=3,
            points=("BL23",),
            seconds=900,
            complete=True,
            pressure="light",
        )
    )


def test_the_same_seed_gives_the_same_schedule(app: App) -> None:
    planned = trial_actions.propose(app, 6, SEED)
    assert [p.arm for p in planned.periods] == [
        "acupressure", "usual_care", "acupressure", "usual_care", "usual_care", "acupressure"
    ]  # fmt: skip
    assert trial_actions.propose(app, 6, SEED) == planned


def test_a_day_is_rated_once_and_its_score_is_the_mean_of_the_three_answers(app: App) -> None:
    kept = trial_actions.rate(app, 6, 4, 5)
    assert (kept.day, kept.score) == (START, 5.0)
    with pytest.raises(AcupressError, match="already rated"):
        trial_actions.rate(app, 1, 1, 1)
    assert [r.pain for r in app.journal().ratings()] == [6]


def test_a_rating_for_a_day_to_come_or_out_of_range_is_refused_and_nothing_written(
    app: App, home: Path
) -> None:
    with pytest.raises(AcupressError, match="in the future"):
        trial_actions.rate(app, 5, 5, 5, START + dt.timedelta(days=1))
    with pytest.raises(AcupressError, match="from 0 to 10"):
        trial_actions.rate(app, 11, 5, 5)
    assert app.journal().ratings() == []


def test_yesterday_can_be_rated_when_missed_but_not_an_older_day(app: App) -> None:
    trial_actions.rate(app, 4, 4, 4, START - dt.timedelta(days=1))
    with pytest.raises(AcupressError, match="too long ago"):
        trial_actions.rate(app, 4, 4, 4, START - dt.timedelta(days=2))
    assert [r.day for r in app.journal().ratings()] == [START - dt.timedelta(days=1)]


def test_a_trial_starts_today_with_its_seed_and_only_one_runs_at_a_time(app: App) -> None:
    started(app)
    (record,) = app.journal().trials()
    assert (record.start, record.weeks, record.seed) == (START, 6, SEED)
    with pytest.raises(Conflict, match="one trial at a time"):
        trial_actions.propose(app, 6)
    assert len(app.journal().trials()) == 1


def test_a_trial_length_outside_the_content_range_is_refused(app: App) -> None:
    for weeks in (3, 5, 14):
        with pytest.raises(AcupressError, match="even number of weeks"):
            trial_actions.propose(app, weeks)
    assert app.journal_if_any() is None or app.journal().trials() == []


def test_without_a_seed_one_is_drawn_and_recorded(app: App) -> None:
    trial_actions.start(app, trial_actions.propose(app, 6))
    (record,) = app.journal().trials()
    assert record.seed == trial_actions.schedule_of(record).seed


def test_status_says_the_week_what_to_do_and_whether_today_is_rated(app: App, clock: Clock) -> None:
    started(app)
    clock.go(START + dt.timedelta(days=8))  # week 2: usual care
    found = trial_actions.status(app)
    assert found is not None
    assert (found.day.week, found.day.arm, found.rated_today) == (2, "usual_care", False)
    assert "No acupressure this week" in found.todo
    assert trial_actions.usual_care_notice(app) is not None
    trial_actions.rate(app, 3, 3, 3)
    found = trial_actions.status(app)
    assert found is not None and found.rated_today


def test_a_check_that_sends_to_a_clinician_stops_the_trial_and_says_why(app: App) -> None:
    started(app)
    answers = parse_answers(all_clear() | {"fever_or_chills": True}, app.screening, app.atlas)
    actions.record_check(app, answers)
    found = trial_actions.status(app)
    assert found is not None and found.stopped and not found.running
    assert found.stop_sentence is not None
    assert "Safety comes first: See a doctor" in found.stop_sentence
    (record,) = app.journal().trials()
    assert record.stopped_on == START
    assert found.stop_sentence.splitlines()[0] in trial_actions.outcome(app).sentence


def test_a_standing_see_a_professional_flag_stops_the_trial(app: App, clock: Clock) -> None:
    started(app)
    for n, (before, after) in enumerate([(6, 6), (6, 6), (6, 7)]):
        day = START + dt.timedelta(days=n)
        log = SessionLog(
            id=None,
            started_at=dt.datetime.combine(day, dt.time(7), TZ),
            day=day,
            protocol="low-back",
            source="manual",
            pain_before=before,
            pain_after=after,
            points=("BL23",),
            seconds=900,
            complete=True,
            pressure="light",
        )
        app.journal().add(replace(log))
    clock.go(START + dt.timedelta(days=2))
    found = trial_actions.status(app)
    assert found is not None and found.stopped
    assert "Safety comes first" in (found.record.stop_reason or "")


def test_the_person_can_stop_the_trial_and_start_another(app: App, clock: Clock) -> None:
    started(app)
    clock.go(START + dt.timedelta(days=3))
    stopped = trial_actions.stop(app, "moving house")
    assert stopped.stopped_on == START + dt.timedelta(days=3)
    assert stopped.stop_reason == "You stopped it: moving house"
    with pytest.raises(NotFound, match="no trial running"):
        trial_actions.stop(app)
    started(app)
    assert len(app.journal().trials()) == 2


def test_no_result_without_a_trial(app: App) -> None:
    with pytest.raises(NotFound, match="no trial yet"):
        trial_actions.outcome(app)


def test_a_finished_trial_with_lower_scores_in_acupressure_weeks_says_helps(
    app: App, clock: Clock
) -> None:
    started(app)
    planned = trial_actions.status(app)
    assert planned is not None
    for period in planned.schedule.periods:
        for n in range(7):
            day = period.start + dt.timedelta(days=n)
            clock.go(day)
            wobble = (n + period.week) % 3 - 1
            if period.arm == "acupressure":
                trial_actions.rate(app, 3 + wobble, 3, 3)
                if n != 6:  # a rest day each week
                    session_on(app, day)
            else:
                trial_actions.rate(app, 6 + wobble, 6, 6)
    session_on(app, planned.schedule.periods[1].start + dt.timedelta(days=2))
    clock.go(planned.schedule.end + dt.timedelta(days=1))
    found = trial_actions.outcome(app)
    assert found.result.verdict == "helps"
    assert "lower" in found.sentence and "not blinded" in found.sentence
    assert found.deviations == (planned.schedule.periods[1].start + dt.timedelta(days=2),)
    assert (found.practised, found.acupressure_days) == (18, 21)
    assert len(found.ratings) == 42
    data = trial_actions.outcome_json(found)
    assert data["result"]["verdict"] == "helps"  # type: ignore[index]
    assert data["adherence"] == {"practised": 18, "days": 21}
    # the backup carries the trial with its schedule, result, deviations and adherence;
    # read back, the trial is the same record (its analysis is worked out again)
    backup = actions.export_journal("json", None, None, app).data
    (kept,) = json.loads(backup)["trials"]
    assert kept["analysis"]["result"]["verdict"] == "helps"
    assert kept["analysis"]["deviations"] == [found.deviations[0].isoformat()]
    assert kept["analysis"]["adherence"] == {"practised": 18, "days": 21}
    assert [p["arm"] for p in kept["analysis"]["schedule"]["periods"]] == [
        p.arm for p in planned.schedule.periods
    ]
    read = exports.read_journal(backup, "backup.json", now=app.now(), codes=app.atlas.codes)
    assert [replace(t, id=None) for t in app.journal().trials()] == list(read.trials)


def test_missing_ratings_are_reported_in_the_result(app: App, clock: Clock) -> None:
    started(app, 4)
    clock.go(START + dt.timedelta(days=4))
    trial_actions.rate(app, 5, 5, 5)
    clock.go(START + dt.timedelta(days=28))
    found = trial_actions.outcome(app)
    assert found.result.verdict == "too_early"
    assert found.result.counts.missing > 0
    assert f"{found.result.counts.missing} of the" in found.sentence


def test_the_clinician_report_has_a_trial_section_with_its_chart_and_limits(
    app: App, clock: Clock
) -> None:
    html, _ = actions.report_html(None, None, app)
    assert "Personal trial" not in html
    started(app)
    trial_actions.rate(app, 5, 5, 5)
    clock.go(START + dt.timedelta(days=3))
    html, _ = actions.report_html(None, None, app)
    assert "Personal trial (N-of-1): 6 weeks, 02 Mar 2026 to 12 Apr 2026" in html
    assert "Too early to tell" in html and 'id="report-trial"' in html
    assert "not blinded" in html


def test_the_report_with_a_finished_trial_and_a_year_of_sessions_is_one_page(
    app: App, clock: Clock
) -> None:
    import io

    from pypdf import PdfReader

    for n in range(1, 366):
        session_on(app, START - dt.timedelta(days=n))
    started(app)
    planned = trial_actions.status(app)
    assert planned is not None
    for period in planned.schedule.periods:
        for n in range(7):
            day = period.start + dt.timedelta(days=n)
            clock.go(day)
            if period.arm == "acupressure":
                trial_actions.rate(app, 3, 3, 3)
                session_on(app, day)
            else:
                trial_actions.rate(app, 6, 6, 6)
    session_on(app, planned.schedule.periods[1].start + dt.timedelta(days=2))  # a deviation
    clock.go(planned.schedule.end + dt.timedelta(days=1))
    html, _ = actions.report_html(None, None, app)
    pages = PdfReader(io.BytesIO(actions.to_pdf(html))).pages
    assert len(pages) == 1
    text = pages[0].extract_text()
    assert "Personal trial (N-of-1)" in text and "Outcome: the PEG score" in text
    assert "This report" in text  # the footer, last, on the same page
