"""What the pages and the API do: one function for each thing a person asks, taking the
app's context and plain values and giving back what views.py builds (a page's worth of it,
or a file to send). The routes parse a request, call one of these and turn its result
into an answer, so a page and its API call always agree. Errors are AcupressError
(Conflict, NotFound, ...), one sentence each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import IO, TYPE_CHECKING, Any, Literal

from acupress import actions
from acupress.errors import Conflict, NotFound
from acupress.web import models, views

if TYPE_CHECKING:
    from acupress.profile import Profile
    from acupress.protocol import Plan, Protocol
    from acupress.reminders import Weekday
    from acupress.safety import Decision
    from acupress.web.context import Context
    from acupress.web.live import Moment

RELIEF_ROWS = 30  # the newest sessions in the progress page's relief table


# --- the atlas and its charts ---------------------------------------------------------


def points(ctx: Context) -> list[models.PointOut]:
    thumb = ctx.profile().thumb_cm
    return [views.point(p, thumb) for p in ctx.book.points]


def point(ctx: Context, code: str) -> models.PointOut:
    return views.point(ctx.book.get(code), ctx.profile().thumb_cm)


def point_chart(ctx: Context, code: str, view: str | None) -> str:
    """Where a point lies, as SVG; an unknown code is NotFound before anything is drawn."""
    return point_svg(ctx.book.get(code).code, view, ctx.profile().thumb_cm)


@lru_cache(maxsize=64)
def point_svg(code: str, view: str | None, thumb_cm: float | None) -> str:
    """A point's chart, drawn once for each view and thumb width: the points page shows
    them all on every visit."""
    from acupress import charts
    from acupress.atlas import default as packaged_atlas

    atlas = packaged_atlas()
    return charts.point_chart(atlas.get(code), atlas, view, thumb_cm)


def protocol_chart(ctx: Context, name: str, view: str) -> str:
    return protocol_svg(ctx, name, view, ctx.profile().thumb_cm)


def protocol_svg(ctx: Context, name: str, view: str, thumb_cm: float | None) -> str:
    """Every point of a protocol, numbered by step, as SVG."""
    from acupress import charts

    return charts.protocol_chart(ctx.protocol(name), ctx.book, view, thumb_cm)


@dataclass(frozen=True, kw_only=True)
class AtlasPage:
    """The points page: the routine in its order, then every point with its chart."""

    points: list[tuple[models.PointOut, str]]
    overview: str
    protocol: Protocol
    plan: models.PlanOut
    thumb_cm: float | None


def atlas_page(ctx: Context) -> AtlasPage:
    profile = ctx.profile()
    thumb = profile.thumb_cm
    decision = ctx.decision()
    # The routine's order; today's changes only when a session is possible today.
    allowed = decision if decision is not None and decision.session_allowed else None
    fitted, chosen = plan_now(ctx, profile, allowed)
    return AtlasPage(
        points=[(views.point(p, thumb), point_svg(p.code, None, thumb)) for p in ctx.book.points],
        overview=protocol_svg(ctx, "low-back", "body", thumb),
        protocol=chosen,
        plan=views.plan(fitted, chosen, ctx.book, thumb),
        thumb_cm=thumb,
    )


# --- the check, the plan and today ----------------------------------------------------


def questions() -> list[models.QuestionOut]:
    from acupress import safety

    return [
        models.QuestionOut(id=q.id, type=q.type, text=q.text, minimum=q.minimum, maximum=q.maximum)
        for q in safety.default_screening().questions
    ]


def check(ctx: Context, answers: Any) -> models.DecisionOut:
    """Today's safety check on the answers as given; kept for the rest of the day."""
    _answers, decision = actions.check(ctx, answers)
    return views.decision(decision)


def todays_decision(ctx: Context) -> models.DecisionOut | None:
    """Today's decision, or None when the check has not been done today."""
    decision = ctx.decision()
    return views.decision(decision) if decision else None


def plan_now(
    ctx: Context,
    profile: Profile,
    decision: Decision | None,
    minutes: int | None = None,
    partner: bool | None = None,
) -> tuple[Plan, Protocol]:
    """The plan for a session now (the core's Plan) and its protocol, for the profile and
    today's decision the caller has already read."""
    chosen = ctx.protocol("low-back")
    adjusted = ctx.progress().adjustment
    fitted = actions.fitted_plan(chosen, ctx.book, profile, minutes, partner, decision, adjusted)
    return fitted, chosen


def plan(ctx: Context, minutes: int | None, partner: bool | None) -> models.PlanOut:
    """The session to do now, fitted to the time, today's check and the journal."""
    profile = ctx.profile()
    fitted, chosen = plan_now(ctx, profile, ctx.decision(), minutes, partner)
    return views.plan(fitted, chosen, ctx.book, profile.thumb_cm)


def today(ctx: Context) -> models.TodayOut:
    trial = trial_status(ctx)  # first: safety may stop the trial
    found = ctx.progress()
    decision = ctx.decision()
    profile = ctx.profile()
    db = ctx.journal_if_any()
    newest = db.sessions(last=1) if db is not None else []
    shown = views.progress(found)
    return models.TodayOut(
        checked_today=actions.saved_answers(ctx) is not None,
        decision=views.decision(decision) if decision else None,
        last_session=views.session(newest[0]) if newest else None,
        flags=shown.flags,
        next_session=shown.next_session,
        plan_minutes=profile.minutes,
        can_start=decision is not None and decision.session_allowed,
        rest_day=found.adjustment.rest_day,
        see_professional=any(f.decision == "see_clinician" for f in found.flags),
        trial=trial,
    )


# --- the guided session ---------------------------------------------------------------


def live_view(ctx: Context, moment: Moment, thumb_cm: float | None) -> models.LiveOut:
    return views.live(moment, ctx.book, thumb_cm, ctx.options.speed)


def start_session(ctx: Context, given: models.SessionStart) -> models.LiveOut:
    """Start a guided session now; Conflict until today's check allows one."""
    from acupress import safety

    found = ctx.progress()
    answers = actions.saved_answers(ctx)
    checked = None if answers is None else actions.decide(answers, ctx.book)
    decision = actions.combined(checked, found)
    if decision is not None and not decision.session_allowed:
        raise Conflict(f"{decision.title}: {decision.text}")
    if answers is None or decision is None:
        raise Conflict("Do the safety check first: it decides whether a session is safe today.")
    profile = ctx.profile()
    fitted, chosen = plan_now(ctx, profile, decision, given.minutes, given.partner)
    if fitted.rest_day and not given.on_rest_day:
        raise Conflict(f"Today is a rest day: {fitted.rest_day}")
    moment = ctx.live.start(
        ctx.journal(),
        fitted,
        chosen,
        pain_before=given.pain_before,
        answers=safety.answers_to_json(answers),
    )
    return live_view(ctx, moment, profile.thumb_cm)


def session_now(ctx: Context, session_id: int) -> models.LiveOut:
    """Where a running session is now; nothing is written."""
    moment = ctx.live.peek(ctx.journal(), session_id)
    return live_view(ctx, moment, ctx.profile().thumb_cm)


def act(ctx: Context, session_id: int, given: models.SessionAction) -> models.LiveOut:
    """Go on (advance), pause, resume, skip, go back, or stop with a reason."""
    note = actions.check_note(given.note)
    moment = ctx.live.act(ctx.journal(), session_id, given.action, given.reason, note)
    return live_view(ctx, moment, ctx.profile().thumb_cm)


def record_steps(ctx: Context, session_id: int, given: models.StepsDone) -> models.LiveOut:
    """Steps the page ran while offline: each checked, and written once per key."""
    moment = ctx.live.record(ctx.journal(), session_id, given.steps, given.current)
    return live_view(ctx, moment, ctx.profile().thumb_cm)


def leave(ctx: Context, session_id: int) -> None:
    """The page is closing: keep the steps done so far, the session interrupted."""
    ctx.live.leave(ctx.journal(), session_id)


def close_session(ctx: Context, session_id: int, given: models.SessionClosing) -> models.SessionOut:
    """Pain after, sensations and a note, once the session has ended. A session whose
    time is up but whose last steps are not written yet (followed by reading it alone) has
    them written first, as the page's "advance" would."""
    db = ctx.journal()
    live = ctx.live.get(db, session_id)
    if not live.session.finished:
        ctx.live.act(db, session_id, "advance")
        live = ctx.live.get(db, session_id)
    if not live.session.finished:
        raise Conflict("The session is still running: finish or stop it first.")
    from acupress import runner

    felt = actions.parse_sensations(",".join(given.sensations))
    runner.record_closing(
        db,
        session_id,
        pain_after=given.pain_after,
        sensations=felt,
        note=actions.check_note(given.note),
        now=ctx.now(),
    )
    ctx.live.forget(db, session_id)
    return views.session(db.get(session_id))


@dataclass(frozen=True, kw_only=True)
class SessionPage:
    """The session page: today's decision, and the plan when a session is allowed."""

    decision: models.DecisionOut | None
    plan: models.PlanOut | None
    settings: models.SettingsOut
    trial_notice: str | None = None  # a session today is a deviation from the trial


def session_page(ctx: Context) -> SessionPage:
    from acupress import trial_actions

    notice = trial_actions.usual_care_notice(ctx)  # first: safety may stop the trial
    decision = ctx.decision()
    profile = ctx.profile()
    shown = None
    if decision is not None and decision.session_allowed:
        fitted, chosen = plan_now(ctx, profile, decision)
        shown = views.plan(fitted, chosen, ctx.book, profile.thumb_cm)
    return SessionPage(
        decision=views.decision(decision) if decision else None,
        plan=shown,
        settings=settings_of(profile),
        trial_notice=notice,
    )


# --- the journal ----------------------------------------------------------------------


def sessions(
    ctx: Context, since: dt.date | None, until: dt.date | None, last: int | None
) -> list[models.SessionOut]:
    """Sessions in time order, with their steps; none before the first one."""
    db = ctx.journal_if_any()
    if db is None:
        return []
    ctx.live.interrupt_gone(db)
    return [views.session(s) for s in db.sessions(since, until, last=last, with_steps=True)]


def journal_rows(
    ctx: Context, since: dt.date | None, until: dt.date | None
) -> list[tuple[models.SessionOut, str]]:
    """The journal page's rows, newest first: each session and its outcome in words."""
    db = ctx.journal_if_any()
    if db is not None:
        ctx.live.interrupt_gone(db)
    logs = [] if db is None else db.sessions(since, until)
    return [(views.session(s), views.outcome(s)) for s in reversed(logs)]


def journal_entry(ctx: Context, session_id: int) -> models.SessionOut:
    db = ctx.journal()
    ctx.live.interrupt_gone(db)
    return views.session(db.get(session_id))


@dataclass(frozen=True, kw_only=True)
class Entry:
    """A session as its edit form shows it, with when it started in this computer's time."""

    session: models.SessionOut
    local: dt.datetime


def entry_to_edit(ctx: Context, session_id: int) -> Entry:
    log = ctx.journal().get(session_id)
    return Entry(session=views.session(log), local=log.started_at.astimezone())


def add_session(ctx: Context, given: models.ManualIn) -> models.SessionOut:
    """Log a session done without acupress guiding it."""
    log = views.manual(given, ctx.now())
    db = ctx.journal()
    return views.session(db.get(db.add(log)))


def edit_session(ctx: Context, session_id: int, edit: actions.Edit) -> models.SessionOut:
    """Correct a session: only what ``edit`` gives changes."""
    return views.session(actions.edit_session(ctx.journal(), session_id, edit, ctx.now()))


def delete_session(ctx: Context, session_id: int) -> None:
    """A session is deleted once it has ended: while it runs, the server still writes its
    steps, and writes its end when it stops or the app does."""
    try:
        running = not ctx.live.get(ctx.journal(), session_id).closed
    except NotFound:
        running = False
    if running:
        raise Conflict(f"Session {session_id} is still running: stop it first, then delete it.")
    ctx.journal().delete(session_id)


def seen_professional(ctx: Context, note: str) -> models.EventOut:
    """A professional has seen the person and told them to go on: a flag that sent them
    to one stops sessions until then, and its count starts again."""
    return views.event(actions.seen_professional(note, ctx.now(), ctx.journal()))


def events(ctx: Context) -> list[models.EventOut]:
    db = ctx.journal_if_any()
    return [] if db is None else [views.event(e) for e in db.events()]


# --- progress and settings ------------------------------------------------------------


def progress(ctx: Context) -> models.ProgressOut:
    return views.progress(ctx.progress())


@dataclass(frozen=True, kw_only=True)
class ProgressPage:
    """The progress page: the figures and charts, the newest sessions' relief, and the
    next session (or, when none is possible today, the decision that says why)."""

    progress: models.ProgressOut
    pain_svg: str | None
    weekly_svg: str | None
    relief: list[tuple[models.SessionOut, int | None]]
    plan: models.PlanOut | None
    decision: models.DecisionOut | None


def progress_page(ctx: Context) -> ProgressPage:
    from acupress.charts.pain import pain_chart, weekly_chart

    db = ctx.journal_if_any()
    result = ctx.progress()
    relieved = [] if db is None else [s for s in db.sessions() if s.relief is not None]
    profile = ctx.profile()
    decision = ctx.decision()
    shown = None
    if decision is None or decision.session_allowed:
        fitted, chosen = plan_now(ctx, profile, decision)
        shown = views.plan(fitted, chosen, ctx.book, profile.thumb_cm)
    return ProgressPage(
        progress=views.progress(result),
        pain_svg=pain_chart(result.series) if result.series else None,
        weekly_svg=weekly_chart(result.series) if result.series else None,
        relief=[(views.session(s), s.relief) for s in reversed(relieved[-RELIEF_ROWS:])],
        plan=shown,
        decision=None if shown else views.decision(decision) if decision else None,
    )


def settings_of(profile: Profile) -> models.SettingsOut:
    return models.SettingsOut(
        thumb_cm=profile.thumb_cm,
        minutes=profile.minutes,
        partner=profile.partner,
        sound=profile.sound,
        speech=profile.speech,
        vibrate=profile.vibrate,
    )


def settings(ctx: Context) -> models.SettingsOut:
    return settings_of(ctx.profile())


def save_settings(ctx: Context, given: models.SettingsIn) -> models.SettingsOut:
    actions.check_usual_minutes(given.minutes)
    return settings_of(ctx.update_profile(lambda saved: replace(saved, **given.model_dump())))


# --- take away ------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class File:
    """A file to send: one to keep when it has a name, else a printable document shown
    in place."""

    data: bytes | str
    media_type: str
    filename: str | None = None


def document(html: str, fmt: Literal["html", "pdf"], pdf_name: str) -> File:
    """A printable document: a PDF to keep, or the web page itself."""
    if fmt == "pdf":
        return File(data=actions.to_pdf(html), media_type="application/pdf", filename=pdf_name)
    return File(data=html, media_type="text/html")


def export(
    ctx: Context, fmt: actions.ExportFormat, since: dt.date | None, until: dt.date | None
) -> File:
    """The journal as CSV, a complete JSON backup (for import), or a FHIR R4 Bundle."""
    done = actions.export_journal(fmt, since, until, ctx)
    kinds = {"csv": ("text/csv", "csv"), "json": ("application/json", "json")}
    media, ext = kinds.get(fmt, ("application/fhir+json", "fhir.json"))
    return File(data=done.data, media_type=media, filename=f"acupress-journal-{ctx.today()}.{ext}")


def guide(ctx: Context, fmt: Literal["html", "pdf"]) -> File:
    """The printable guide, with the charts (and distances in cm when known)."""
    html = actions.guide_html("low-back", ctx.profile().thumb_cm, for_web=True)
    return document(html, fmt, "acupress-guide.pdf")


def report(
    ctx: Context, fmt: Literal["html", "pdf"], since: dt.date | None, until: dt.date | None
) -> File:
    """The one-page progress report for a clinician."""
    html, _count = actions.report_html(since, until, ctx)
    return document(html, fmt, f"acupress-report-{ctx.today()}.pdf")


def reminders(
    ctx: Context,
    *,
    at: dt.time,
    days: tuple[Weekday, ...],
    start: dt.date | None,
    minutes: int | None,
    zone: dt.tzinfo | None,
    rest_day: bool,
) -> File:
    """Calendar reminders (.ics) for the days chosen."""
    data, _schedule = actions.reminders_calendar(
        at=at,
        days=days,
        start=start,
        minutes=minutes,
        zone=zone,
        protocol_name="low-back",
        rest_day=rest_day,
        now=ctx.now(),
        usual_minutes=ctx.profile().minutes,
    )
    return File(data=data, media_type="text/calendar", filename="acupress-reminders.ics")


def import_file(
    ctx: Context, file: IO[bytes], name: str, restore_profile: bool
) -> models.ImportOut:
    """Restore a JSON export (an open binary file, as uploaded); sessions already there
    are skipped, a damaged file is refused whole."""
    from acupress import restore

    done = restore.import_file(file, name, restore_profile, ctx)
    return models.ImportOut(added=done.added, present=done.present, profile=done.profile)


# --- the personal trial ---------------------------------------------------------------


def rate(ctx: Context, given: models.RatingIn) -> models.RatingOut:
    """Record the day's PEG rating; refused (one sentence) for a day already rated, a day
    to come, or a day older than yesterday."""
    from acupress import trial_actions

    kept = trial_actions.rate(ctx, given.pain, given.enjoyment, given.activity, given.day)
    return views.rating(kept)


def ratings(ctx: Context) -> list[models.RatingOut]:
    db = ctx.journal_if_any()
    return [views.rating(r) for r in db.ratings()] if db is not None else []


def trial_status(ctx: Context) -> models.TrialStatusOut | None:
    """Where the newest trial stands today; None when there has been none."""
    from acupress import trial_actions

    found = trial_actions.status(ctx)
    return views.trial_status(found) if found is not None else None


def start_trial(ctx: Context, given: models.TrialStart) -> models.TrialStatusOut:
    """Start a trial today; Conflict while one runs."""
    from acupress import trial_actions

    trial_actions.start(ctx, trial_actions.propose(ctx, given.weeks, given.seed))
    shown = trial_status(ctx)
    assert shown is not None
    return shown


def stop_trial(ctx: Context, reason: str) -> models.TrialStatusOut:
    from acupress import trial_actions

    trial_actions.stop(ctx, reason)
    shown = trial_status(ctx)
    assert shown is not None
    return shown


def trial_result(ctx: Context) -> models.TrialResultOut:
    """The newest trial's result today; NotFound when there has been none."""
    from acupress import trial_actions

    return views.trial_result(trial_actions.outcome(ctx))


def trial_chart(ctx: Context) -> str:
    from acupress import trial_actions
    from acupress.charts.trial import trial_chart as chart

    found = trial_actions.outcome(ctx)
    return chart(found.status.schedule, [(r.day, r.score) for r in found.ratings])


@dataclass(frozen=True, kw_only=True)
class TrialPage:
    """The trial page: the trial's status (None before the first), what a person agrees
    to before starting one, and the lengths to choose from."""

    status: models.TrialStatusOut | None
    agreement: tuple[str, ...]
    weeks: tuple[int, ...]
    usual_care_notice: str | None


def trial_page(ctx: Context) -> TrialPage:
    from acupress import trial_actions

    rules = trial_actions.rules()
    return TrialPage(
        status=trial_status(ctx),
        agreement=rules.agreement,
        weeks=tuple(range(rules.min_weeks, rules.max_weeks + 1, 2)),
        usual_care_notice=trial_actions.usual_care_notice(ctx),
    )


def rate_questions() -> dict[str, str]:
    from acupress import trial_actions

    return trial_actions.rules().questions


@dataclass(frozen=True, kw_only=True)
class ResultPage:
    result: models.TrialResultOut
    chart: str


def result_page(ctx: Context) -> ResultPage:
    from acupress import trial_actions
    from acupress.charts.trial import trial_chart as chart

    found = trial_actions.outcome(ctx)
    svg = chart(found.status.schedule, [(r.day, r.score) for r in found.ratings])
    return ResultPage(result=views.trial_result(found), chart=svg)
