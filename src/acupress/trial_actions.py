"""What a person does in a personal trial, as functions both front ends call: rate the
day (PEG), start a trial, see where it stands, stop it, read its result.

Each takes the ``App`` (its clock, its content, its journal) and raises AcupressError
with one sentence when the request cannot be done; nothing already saved is changed by a
refused request. Safety always wins: a check today that sends the person to a clinician
(or to emergency care), or a standing see-a-professional flag of the journal, stops a
running trial, recorded with the reason in words (``safety_stop``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from acupress.errors import AcupressError, Conflict, NotFound

if TYPE_CHECKING:
    from acupress.app import App
    from acupress.journal import Journal
    from acupress.records import DailyRating, SessionLog, TrialRecord
    from acupress.trial import Result, Schedule, TrialDay, TrialRules

# Decisions of today's check that stop a trial.
STOPPING = ("emergency", "see_clinician")
STOP_REASON_MAX = 300


def rules() -> TrialRules:
    from acupress import trial

    return trial.default_rules()


# --- the daily rating -----------------------------------------------------------------


def rate(
    app: App, pain: int, enjoyment: int, activity: int, day: dt.date | None = None
) -> DailyRating:
    """Record the day's PEG rating: today's, or yesterday's when it was missed. A second
    rating for a day, a day to come, or an older day is refused."""
    from acupress.records import DailyRating, check_rating, new_uid

    now = app.now()
    today = now.date()
    day = today if day is None else day
    rating = DailyRating(
        id=None,
        uid=new_uid(),
        day=day,
        pain=pain,
        enjoyment=enjoyment,
        activity=activity,
        rated_at=now.astimezone(),
    )
    check_rating(rating, today)
    if day < today - dt.timedelta(days=1):
        raise AcupressError(
            f"{day} is too long ago: rate today, or yesterday when you missed it "
            "(a rating from memory days later is not a daily rating)."
        )
    return app.journal().add_rating(rating)


def rated(db: Journal | None, day: dt.date) -> bool:
    return db is not None and bool(db.ratings(day, day))


# --- starting, stopping ---------------------------------------------------------------


def new_seed() -> int:
    """A seed for the order of the weeks, drawn so that nobody can foresee it."""
    import secrets

    return secrets.randbelow(2**32)


def propose(app: App, weeks: int, seed: int | None = None) -> Schedule:
    """The schedule a trial started today would have (nothing is written); refused when
    a trial is already running."""
    from acupress import trial

    if seed is not None and not 0 <= seed < 2**63:
        raise AcupressError(f"The seed must be a whole number from 0 to {2**63 - 1}.")
    running = current(app)
    if running is not None:
        raise Conflict(
            f"A trial is already running (since {running.start}, until {end_of(running)}): "
            "one trial at a time: stop it first to start another."
        )
    return trial.schedule(app.today(), weeks, new_seed() if seed is None else seed, rules())


def start(app: App, planned: Schedule) -> TrialRecord:
    """Write the trial ``planned`` (from ``propose``) into the journal."""
    from acupress.records import TrialRecord, new_uid

    if current(app) is not None:
        raise Conflict("A trial is already running: one trial at a time.")
    if planned.start != app.today():
        raise Conflict("The schedule was made for another day: start the trial again.")
    return app.journal().add_trial(
        TrialRecord(
            id=None,
            uid=new_uid(),
            start=planned.start,
            weeks=planned.weeks,
            seed=planned.seed,
            created_at=app.now().astimezone(),
        )
    )


def stop(app: App, reason: str = "") -> TrialRecord:
    """Stop the running trial today, with the person's reason (or "stopped by you")."""
    reason = " ".join(reason.split())
    if len(reason) > STOP_REASON_MAX:
        raise AcupressError(f"The reason is too long: at most {STOP_REASON_MAX} characters.")
    running = running_trial(app)
    said = f"You stopped it: {reason}" if reason else "You stopped it."
    app.journal().stop_trial(running.uid, app.today(), said)
    return latest(app.journal()) or running


def latest(db: Journal | None) -> TrialRecord | None:
    """The newest trial of the journal, running or not."""
    if db is None:
        return None
    trials = db.trials()
    return trials[-1] if trials else None


def end_of(record: TrialRecord) -> dt.date:
    from acupress.trial import WEEK

    return record.start + dt.timedelta(days=WEEK * record.weeks - 1)


def running_trial(app: App, purpose: str = "to stop") -> TrialRecord:
    """The trial running today; NotFound, naming what it was wanted for, when none is."""
    found = current(app)
    if found is None:
        raise NotFound(f"There is no trial running {purpose}.")
    return found


def current(app: App) -> TrialRecord | None:
    """The trial running today: started, not stopped, not over."""
    record = latest(app.journal_if_any())
    if record is None or record.stopped_on is not None or app.today() > end_of(record):
        return None
    return record


def safety_stop(app: App) -> TrialRecord | None:
    """Stop the running trial when today's decision sends the person to a clinician (the
    check's, or a standing flag of the journal); the trial as it is now."""
    db = app.journal_if_any()
    record = latest(db)
    if db is None or record is None or record.stopped_on is not None:
        return record
    today = app.today()
    if not record.start <= today <= end_of(record):
        return record
    decision = app.decision()
    if decision is None or decision.decision not in STOPPING:
        return record
    db.stop_trial(record.uid, today, f"Safety comes first: {decision.title}.")
    return latest(db)


# --- where it stands ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class Status:
    """The trial on a day: which week, what to do, whether the day is rated, and
    whether (and why) it was stopped."""

    record: TrialRecord
    schedule: Schedule
    day: TrialDay
    todo: str
    rated_today: bool
    today: dt.date

    @property
    def stopped(self) -> bool:
        return self.record.stopped_on is not None

    @property
    def over(self) -> bool:
        return self.today > self.schedule.end

    @property
    def running(self) -> bool:
        return not self.stopped and not self.over

    @property
    def usual_care_today(self) -> bool:
        return self.running and self.day.arm == "usual_care"

    @property
    def stop_sentence(self) -> str | None:
        r = self.record
        if r.stopped_on is None:
            return None
        return f"Your trial was stopped on {r.stopped_on}. {r.stop_reason or ''}".strip()


def schedule_of(record: TrialRecord) -> Schedule:
    from acupress import trial

    return trial.schedule(record.start, record.weeks, record.seed, rules())


def status(app: App) -> Status | None:
    """Where the newest trial stands today (None when there has been none); a trial
    that safety stops is stopped here first."""
    record = safety_stop(app)
    if record is None:
        return None
    return status_in(app.journal_if_any(), record, app.today())


def status_in(db: Journal | None, record: TrialRecord, today: dt.date) -> Status:
    """Where ``record`` stands on ``today``, as the journal has it."""
    from acupress import trial

    planned = schedule_of(record)
    return Status(
        record=record,
        schedule=planned,
        day=trial.week_of(planned, today),
        todo=trial.what_to_do(planned, today, rules()),
        rated_today=rated(db, today),
        today=today,
    )


def usual_care_notice(app: App) -> str | None:
    """What a session started today would be, when today is a usual-care day of a
    running trial: a deviation, said in a sentence; else None."""
    found = status(app)
    if found is None or not found.usual_care_today:
        return None
    return USUAL_CARE_NOTICE.format(week=found.day.week, weeks=found.schedule.weeks)


USUAL_CARE_NOTICE = (
    "This is week {week} of {weeks} of your trial, a usual-care week: no acupressure this "
    "week. A session today is recorded as a deviation, and the result lists it."
)


# --- the result -----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class Outcome:
    """A trial's result with what the person did: the analysis, the daily ratings,
    sessions done in usual-care weeks (deviations), and adherence (acupressure-week days
    with a session, of those so far)."""

    status: Status
    result: Result
    ratings: tuple[DailyRating, ...]
    deviations: tuple[dt.date, ...]  # usual-care days with a session
    practised: int  # acupressure-week days so far with a session
    acupressure_days: int  # acupressure-week days so far

    @property
    def sentence(self) -> str:
        """The result in words, with its limits: what trial.sentence says, after why the
        trial stopped when it did."""
        from acupress import trial

        text = trial.sentence(self.result)
        stopped = self.status.stop_sentence
        return f"{stopped}\n{text}" if stopped else text

    @property
    def adherence(self) -> str:
        if not self.acupressure_days:
            return "No acupressure-week day has come yet."
        return (
            f"Sessions on {self.practised} of the {self.acupressure_days} days of "
            "acupressure weeks so far."
        )

    @property
    def deviations_sentence(self) -> str:
        if not self.deviations:
            return "No session in usual-care weeks."
        days = ", ".join(d.isoformat() for d in self.deviations)
        word = "session" if len(self.deviations) == 1 else "sessions"
        return f"{len(self.deviations)} {word} in usual-care weeks (deviations): {days}."


def outcome(app: App) -> Outcome:
    """The newest trial's result today; NotFound when there has been no trial. A
    stopped trial is analysed up to the day it stopped."""
    found = status(app)
    if found is None:
        raise NotFound("There is no trial yet: start one first.")
    return outcome_of(app.journal(), found)


def report_outcome(db: Journal, today: dt.date) -> Outcome | None:
    """The newest trial's result on ``today`` for a report (None without one)."""
    record = latest(db)
    if record is None:
        return None
    return outcome_of(db, status_in(db, record, today))


def outcome_of(db: Journal, found: Status) -> Outcome:
    from acupress import trial

    planned = found.schedule
    last = min(found.today, planned.end)
    if found.record.stopped_on is not None:
        last = min(last, found.record.stopped_on)
    kept = tuple(db.ratings(planned.start, last))
    as_trial = [
        trial.Rating(day=r.day, pain=r.pain, enjoyment=r.enjoyment, activity=r.activity)
        for r in kept
    ]
    analysed_on = found.today if found.record.stopped_on is None else found.record.stopped_on
    result = trial.analyse(planned, as_trial, analysed_on, rules())
    sessions = [s for s in db.sessions(planned.start, last) if s.pressed]
    deviations, practised, days = _adherence(planned, sessions, found.today, last)
    return Outcome(
        status=found,
        result=result,
        ratings=kept,
        deviations=deviations,
        practised=practised,
        acupressure_days=days,
    )


def _adherence(
    planned: Schedule, sessions: list[SessionLog], today: dt.date, last: dt.date
) -> tuple[tuple[dt.date, ...], int, int]:
    from acupress import trial

    practised_on = {s.day for s in sessions}
    deviations: list[dt.date] = []
    practised = days = 0
    day = planned.start
    while day <= last:
        arm = trial.week_of(planned, day).arm
        if arm == "usual_care" and day in practised_on:
            deviations.append(day)
        # today counts once practised: until then there is still time
        if arm == "acupressure" and (day < today or day in practised_on):
            days += 1
            practised += day in practised_on
        day += dt.timedelta(days=1)
    return tuple(deviations), practised, days


def outcome_json(found: Outcome) -> dict[str, object]:
    """The result as JSON: trial.result_json's, with the schedule, the stop, the
    deviations and adherence."""
    from acupress import trial
    from acupress.records import trial_record_json

    return {
        "trial": trial_record_json(found.status.record),
        "schedule": trial.schedule_json(found.status.schedule),
        "result": trial.result_json(found.result),
        "sentence": found.sentence,
        "stopped": found.status.stop_sentence,
        "deviations": [d.isoformat() for d in found.deviations],
        "adherence": {"practised": found.practised, "days": found.acupressure_days},
        "daily": [{"day": r.day.isoformat(), "score": round(r.score, 3)} for r in found.ratings],
    }


def analysis_json(db: Journal, record: TrialRecord, today: dt.date) -> dict[str, object]:
    """A trial as the JSON export carries it beside its record: the schedule, the result
    so far, the deviations and adherence (worked out again from the journal on import,
    so only there for whoever reads the file)."""
    found = outcome_json(outcome_of(db, status_in(db, record, today)))
    return {key: value for key, value in found.items() if key not in ("trial", "daily")}
