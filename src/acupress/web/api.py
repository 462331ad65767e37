"""The JSON API under /api/: every operation the pages use, each a few lines over the
core. Errors a person can fix come back as a 4xx with ``detail``, one sentence."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from acupress import actions
from acupress.errors import AcupressError, Conflict, NotFound
from acupress.web import models, views
from acupress.web.context import Context
from acupress.web.live import Live, Moment
from acupress.web.security import DOCUMENT_POLICY, require_token

if TYPE_CHECKING:
    from acupress.profile import Profile
    from acupress.protocol import Plan, Protocol
    from acupress.safety import Decision

PROBLEMS: dict[int | str, dict[str, Any]] = {
    400: {"model": models.Problem, "description": "The request cannot be done, and why."},
    403: {"model": models.Problem, "description": "The security token is missing."},
    404: {"model": models.Problem, "description": "No such thing."},
    409: {"model": models.Problem, "description": "Not possible now, and why."},
    413: {"model": models.Problem, "description": "The body is larger than allowed."},
    422: {"model": models.Problem, "description": "A field is missing or out of range."},
    503: {"model": models.Problem, "description": "The journal is busy: try again."},
}

router = APIRouter(prefix="/api", dependencies=[Depends(require_token)], responses=PROBLEMS)


def context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


Ctx = Annotated[Context, Depends(context)]
Day = Annotated[dt.date | None, Query()]
SessionId = Annotated[int, Path(ge=1, le=2**63 - 1, description="A session's number.")]


# --- shared by the API and the pages --------------------------------------------------


def today_view(ctx: Context) -> models.TodayOut:
    found = ctx.progress()
    decision = ctx.decision()
    me = ctx.profile()
    db = ctx.journal_if_any()
    newest = db.sessions(last=1) if db is not None else []
    shown = views.progress(found)
    return models.TodayOut(
        checked_today=actions.saved_answers(ctx.book, ctx.today()) is not None,
        decision=views.decision(decision) if decision else None,
        last_session=views.session(newest[0]) if newest else None,
        flags=shown.flags,
        next_session=shown.next_session,
        plan_minutes=me.minutes,
        can_start=decision is not None and decision.session_allowed,
        rest_day=found.adjustment.rest_day,
        see_professional=any(f.decision == "see_clinician" for f in found.flags),
    )


def plan_now(
    ctx: Context,
    me: Profile,
    decision: Decision | None,
    minutes: int | None = None,
    partner: bool | None = None,
) -> tuple[Plan, Protocol]:
    """The plan for a session now (the core's Plan) and its protocol, for the profile and
    today's decision the caller has already read."""
    chosen = ctx.protocol("low-back")
    adjusted = ctx.progress().adjustment
    plan = actions.fitted_plan(chosen, ctx.book, me, minutes, partner, decision, adjusted)
    return plan, chosen


def start_session(ctx: Context, given: models.SessionStart) -> models.LiveOut:
    from acupress import safety

    found = ctx.progress()
    answers = actions.saved_answers(ctx.book, ctx.today())
    check = None if answers is None else actions.decide(answers, ctx.book)
    decision = actions.combined(check, found)
    if decision is not None and not decision.session_allowed:
        raise Conflict(f"{decision.title}: {decision.text}")
    if answers is None or decision is None:
        raise Conflict("Do the safety check first: it decides whether a session is safe today.")
    me = ctx.profile()
    plan, chosen = plan_now(ctx, me, decision, given.minutes, given.partner)
    if plan.rest_day and not given.on_rest_day:
        raise Conflict(f"Today is a rest day: {plan.rest_day}")
    moment = ctx.live.start(
        ctx.journal(),
        plan,
        chosen,
        pain_before=given.pain_before,
        answers=safety.answers_to_json(answers),
    )
    return views.live(moment, ctx.book, me.thumb_cm, ctx.options.speed)


def where_now(live: Live) -> Moment:
    """Where a session is at this moment, worked out on a copy of it: the steps whose time
    is up are passed on the copy only, so reading writes nothing."""
    with live.lock:
        at = live.clock.elapsed()
        session = copy.deepcopy(live.session)
    session.advance(at)
    shown = dataclasses.replace(live, session=session)
    return Moment(live=shown, status=session.status(at), cues=())


def close_session(
    ctx: Context, session_id: SessionId, given: models.SessionClosing
) -> models.SessionOut:
    """Pain after, sensations and a note, once the session has ended."""
    live = ctx.live.get(session_id)
    if not live.session.finished:
        raise Conflict("The session is still running: finish or stop it first.")
    from acupress import runner

    felt = actions.parse_sensations(",".join(given.sensations))
    db = ctx.journal()
    runner.record_closing(
        db,
        session_id,
        pain_after=given.pain_after,
        sensations=felt,
        note=actions.check_note(given.note),
        now=ctx.now(),
    )
    ctx.live.forget(session_id)
    return views.session(db.get(session_id))


def delete_session(ctx: Context, session_id: int) -> None:
    """A session is deleted once it has ended: while it runs, the server still writes its
    steps, and writes its end when it stops or the app does."""
    try:
        running = not ctx.live.get(session_id).closed
    except NotFound:
        running = False
    if running:
        raise Conflict(f"Session {session_id} is still running: stop it first, then delete it.")
    ctx.journal().delete(session_id)


def settings_view(me: Profile) -> models.SettingsOut:
    return models.SettingsOut(
        thumb_cm=me.thumb_cm,
        minutes=me.minutes,
        partner=me.partner,
        sound=me.sound,
        speech=me.speech,
    )


def save_settings(ctx: Context, given: models.SettingsIn) -> models.SettingsOut:
    from dataclasses import replace

    from acupress import profile

    actions.check_usual_minutes(given.minutes)
    me = profile.update(lambda saved: replace(saved, **given.model_dump()))
    return settings_view(me)


@lru_cache(maxsize=64)
def point_svg(code: str, view: str | None, thumb_cm: float | None) -> str:
    from acupress import atlas, charts

    book = atlas.default()
    return charts.point_chart(book.get(code), book, view, thumb_cm)


def protocol_svg(ctx: Context, name: str, view: str, thumb_cm: float | None) -> str:
    from acupress import charts

    return charts.protocol_chart(ctx.protocol(name), ctx.book, view, thumb_cm)


SVG = {"content": {"image/svg+xml": {}}, "description": "An SVG chart."}

# OpenAPI links: from an answer's ``id`` to the operations on the same session.
JOURNAL_ENTRY = {
    "GetJournalEntry": "get_journal_api_journal__session_id__get",
    "EditJournalEntry": "edit_journal_api_journal__session_id__patch",
    "DeleteJournalEntry": "delete_journal_api_journal__session_id__delete",
}
RUNNING_SESSION = {
    "GetSession": "get_session_api_sessions__session_id__get",
    "ActOnSession": "post_action_api_sessions__session_id__actions_post",
    "CloseSession": "post_closing_api_sessions__session_id__closing_post",
    "LeaveSession": "post_leave_api_sessions__session_id__leave_post",
}


def links(status: int, *targets: dict[str, str]) -> dict[int | str, dict[str, Any]]:
    found = {name: op for target in targets for name, op in target.items()}
    return {
        status: {
            "links": {
                name: {"operationId": op, "parameters": {"session_id": "$response.body#/id"}}
                for name, op in found.items()
            }
        }
    }


# --- points ---------------------------------------------------------------------------


@router.get("/points", tags=["atlas"])
def list_points(ctx: Ctx) -> list[models.PointOut]:
    """Every point of the atlas, with distances in cm when the thumb width is known."""
    thumb = ctx.profile().thumb_cm
    return [views.point(p, thumb) for p in ctx.book.points]


@router.get("/points/{code}", tags=["atlas"])
def get_point(ctx: Ctx, code: str) -> models.PointOut:
    return views.point(ctx.book.get(code), ctx.profile().thumb_cm)


@router.get(
    "/charts/points/{code}.svg", tags=["atlas"], response_class=Response, responses={200: SVG}
)
def point_chart(
    ctx: Ctx, code: str, view: Annotated[str | None, Query(max_length=10)] = None
) -> Response:
    """Where a point lies, drawn from its atlas anchor."""
    svg = point_svg(ctx.book.get(code).code, view, ctx.profile().thumb_cm)
    return Response(svg, media_type="image/svg+xml")


@router.get(
    "/charts/protocols/{name}.svg", tags=["atlas"], response_class=Response, responses={200: SVG}
)
def protocol_chart(
    ctx: Ctx, name: str, view: Annotated[str, Query(max_length=10)] = "body"
) -> Response:
    """Every point of a protocol, numbered by step."""
    svg = protocol_svg(ctx, name, view, ctx.profile().thumb_cm)
    return Response(svg, media_type="image/svg+xml")


# --- check and plan -------------------------------------------------------------------


@router.get("/check/questions", tags=["check"])
def check_questions() -> list[models.QuestionOut]:
    from acupress import safety

    return [
        models.QuestionOut(id=q.id, type=q.type, text=q.text, minimum=q.minimum, maximum=q.maximum)
        for q in safety.default_screening().questions
    ]


@router.post("/check", tags=["check"])
def post_check(ctx: Ctx, given: models.CheckIn) -> models.DecisionOut:
    """Today's safety check: the decision and its reasons; kept for the rest of the day."""
    _answers, decision = actions.check(given.answers, ctx.book, ctx.today())
    return views.decision(decision)


@router.get("/check", tags=["check"])
def get_check(ctx: Ctx) -> models.DecisionOut | None:
    """Today's decision, or null when the check has not been done today."""
    decision = ctx.decision()
    return views.decision(decision) if decision else None


@router.get("/plan", tags=["session"])
def get_plan(
    ctx: Ctx,
    minutes: Annotated[int | None, Query(ge=1, le=240)] = None,
    partner: bool | None = None,
) -> models.PlanOut:
    """The session to do now, fitted to the time, today's check and the journal."""
    me = ctx.profile()
    plan, chosen = plan_now(ctx, me, ctx.decision(), minutes, partner)
    return views.plan(plan, chosen, ctx.book, me.thumb_cm)


@router.get("/today", tags=["progress"])
def get_today(ctx: Ctx) -> models.TodayOut:
    return today_view(ctx)


# --- the guided session ---------------------------------------------------------------


@router.post(
    "/sessions",
    tags=["session"],
    status_code=201,
    responses=links(201, RUNNING_SESSION, JOURNAL_ENTRY),
)
def post_session(ctx: Ctx, given: models.SessionStart) -> models.LiveOut:
    """Start a guided session now; refused (409) until today's check allows one."""
    return start_session(ctx, given)


@router.get("/sessions/{session_id}", tags=["session"])
def get_session(ctx: Ctx, session_id: SessionId) -> models.LiveOut:
    """Where a running session is now; nothing is written (the page's "advance" action
    writes the steps whose time is up)."""
    moment = where_now(ctx.live.get(session_id))
    return views.live(moment, ctx.book, ctx.profile().thumb_cm, ctx.options.speed)


@router.post(
    "/sessions/{session_id}/actions", tags=["session"], responses=links(200, RUNNING_SESSION)
)
def post_action(ctx: Ctx, session_id: SessionId, given: models.SessionAction) -> models.LiveOut:
    """Go on (advance), pause, resume, skip, go back, or stop with a reason."""
    note = actions.check_note(given.note)
    moment = ctx.live.act(ctx.journal(), session_id, given.action, given.reason, note)
    return views.live(moment, ctx.book, ctx.profile().thumb_cm, ctx.options.speed)


@router.post("/sessions/{session_id}/leave", tags=["session"], status_code=204)
def post_leave(ctx: Ctx, session_id: SessionId) -> Response:
    """The page is closing: keep the steps done so far and mark the session interrupted
    (the page sends this as it goes, with the token as a form field)."""
    ctx.live.leave(ctx.journal(), session_id)
    return Response(status_code=204)


@router.post(
    "/sessions/{session_id}/closing", tags=["session"], responses=links(200, JOURNAL_ENTRY)
)
def post_closing(
    ctx: Ctx, session_id: SessionId, given: models.SessionClosing
) -> models.SessionOut:
    """After the session: pain now, what was felt, a note."""
    return close_session(ctx, session_id, given)


# --- journal --------------------------------------------------------------------------


@router.get("/journal", tags=["journal"])
def list_journal(
    ctx: Ctx,
    since: Annotated[dt.date | None, Query(alias="from")] = None,
    until: Annotated[dt.date | None, Query(alias="to")] = None,
    last: Annotated[int | None, Query(ge=1, le=100000)] = None,
) -> list[models.SessionOut]:
    """Sessions in time order, optionally between two days and only the newest N."""
    actions.day_range(since, until, ("from", "to"))
    db = ctx.journal_if_any()
    if db is None:
        return []
    return [views.session(s) for s in db.sessions(since, until, last=last, with_steps=True)]


@router.post("/journal", tags=["journal"], status_code=201, responses=links(201, JOURNAL_ENTRY))
def add_journal(ctx: Ctx, given: models.ManualIn) -> models.SessionOut:
    """Log a session done without acupress guiding it."""
    log = views.manual(given, ctx.now())
    db = ctx.journal()
    return views.session(db.get(db.add(log)))


@router.post("/seen-professional", tags=["journal"], status_code=201)
def post_seen_professional(ctx: Ctx, given: models.SeenProfessionalIn) -> models.EventOut:
    """Record that a professional has seen the person and told them to go on: a flag
    that sent them to one stops sessions until then, and its count starts again."""
    return views.event(actions.seen_professional(given.note, ctx.now(), ctx.journal()))


@router.get("/events", tags=["journal"])
def list_events(ctx: Ctx) -> list[models.EventOut]:
    """What happened besides sessions (a professional seen), in time order."""
    db = ctx.journal_if_any()
    return [] if db is None else [views.event(e) for e in db.events()]


@router.get("/journal/{session_id}", tags=["journal"])
def get_journal(ctx: Ctx, session_id: SessionId) -> models.SessionOut:
    return views.session(ctx.journal().get(session_id))


@router.patch("/journal/{session_id}", tags=["journal"])
def edit_journal(ctx: Ctx, session_id: SessionId, given: models.EditIn) -> models.SessionOut:
    """Correct a session: give only what changes."""
    return views.session(
        actions.edit_session(ctx.journal(), session_id, views.edit(given), ctx.now())
    )


@router.delete("/journal/{session_id}", tags=["journal"], status_code=204)
def delete_journal(ctx: Ctx, session_id: SessionId) -> Response:
    """Delete a session from the journal; refused (409) while it is running."""
    delete_session(ctx, session_id)
    return Response(status_code=204)


# --- progress and settings ------------------------------------------------------------


@router.get("/progress", tags=["progress"])
def get_progress(ctx: Ctx) -> models.ProgressOut:
    """The figures, the guide's rules applied to the journal, and the next session."""
    return views.progress(ctx.progress())


@router.get("/settings", tags=["settings"])
def get_settings(ctx: Ctx) -> models.SettingsOut:
    return settings_view(ctx.profile())


@router.put("/settings", tags=["settings"])
def put_settings(ctx: Ctx, given: models.SettingsIn) -> models.SettingsOut:
    return save_settings(ctx, given)


# --- take away ------------------------------------------------------------------------


def files(*media_types: str) -> dict[int | str, dict[str, Any]]:
    """The 200 answer of a route that sends a file, in the media types it may have."""
    return {200: {"content": {m: {} for m in media_types}, "description": "A file to keep."}}


def download(data: bytes, media_type: str, filename: str, policy: str | None = None) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if policy:
        headers["Content-Security-Policy"] = policy
    return Response(data, media_type=media_type, headers=headers)


def document(html: str, fmt: str, pdf_name: str) -> Response:
    """A printable document: a PDF to download, or the page itself, which runs no script."""
    if fmt == "pdf":
        return download(actions.to_pdf(html), "application/pdf", pdf_name)
    return Response(
        html, media_type="text/html", headers={"Content-Security-Policy": DOCUMENT_POLICY}
    )


@router.get(
    "/exports/{fmt}",
    tags=["take away"],
    response_class=Response,
    responses=files("text/csv", "application/json", "application/fhir+json"),
)
def get_export(
    ctx: Ctx,
    fmt: actions.ExportFormat,
    since: Annotated[dt.date | None, Query(alias="from")] = None,
    until: Annotated[dt.date | None, Query(alias="to")] = None,
) -> Response:
    """The journal as CSV, a complete JSON backup (for import), or a FHIR R4 Bundle."""
    done = actions.export_journal(fmt, since, until, ctx.now())
    kinds = {"csv": ("text/csv", "csv"), "json": ("application/json", "json")}
    media, ext = kinds.get(fmt, ("application/fhir+json", "fhir.json"))
    return download(done.data, media, f"acupress-journal-{ctx.today()}.{ext}")


IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "description": "A JSON export of acupress (GET /api/exports/json), as it was saved.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


def import_file(
    data: bytes, name: str, restore_profile: bool, now: dt.datetime
) -> actions.Imported:
    """Restore a JSON export, refusing whole a file nested too deeply to be one."""
    try:
        return actions.import_journal(data, name, restore_profile, now=now)
    except RecursionError:
        raise AcupressError(
            f"{name} cannot be imported: it is nested too deeply to be an acupress export; "
            "nothing was imported."
        ) from None


@router.post("/import", tags=["take away"], openapi_extra=IMPORT_BODY)
async def post_import(
    ctx: Ctx, request: Request, restore_profile: bool = False
) -> models.ImportOut:
    """Restore a JSON export (the file as the body, at most 50 MB); sessions already there
    are skipped. A damaged file is refused whole and nothing is written."""
    from starlette.concurrency import run_in_threadpool

    data = await request.body()
    done = await run_in_threadpool(
        import_file, data, "the uploaded file", restore_profile, ctx.now()
    )
    return models.ImportOut(added=done.added, present=done.present, profile=done.profile)


@router.get(
    "/guide.{fmt}",
    tags=["take away"],
    response_class=Response,
    responses=files("text/html", "application/pdf"),
)
def get_guide(ctx: Ctx, fmt: Literal["html", "pdf"]) -> Response:
    """The printable guide, with the charts (and distances in cm when known)."""
    html = actions.guide_html("low-back", ctx.profile().thumb_cm)
    return document(html, fmt, "acupress-guide.pdf")


@router.get(
    "/report.{fmt}",
    tags=["take away"],
    response_class=Response,
    responses=files("text/html", "application/pdf"),
)
def get_report(
    ctx: Ctx,
    fmt: Literal["html", "pdf"],
    since: Annotated[dt.date | None, Query(alias="from")] = None,
    until: Annotated[dt.date | None, Query(alias="to")] = None,
) -> Response:
    """The one-page progress report for a clinician."""
    actions.day_range(since, until, ("from", "to"))
    html, _count = actions.report_html(since, until, ctx.now())
    return document(html, fmt, f"acupress-report-{ctx.today()}.pdf")


@router.get(
    "/reminders.ics",
    tags=["take away"],
    response_class=Response,
    responses=files("text/calendar"),
)
def get_reminders(
    ctx: Ctx,
    time: Annotated[str, Query(max_length=8)] = "07:30",
    days: Annotated[str, Query(max_length=60)] = "mon,tue,wed,thu,fri,sat",
    start: Day = None,
    minutes: Annotated[int | None, Query(ge=1, le=240)] = None,
    tz: Annotated[str | None, Query(max_length=64)] = None,
    no_rest_day: bool = False,
) -> Response:
    """Calendar reminders (.ics) for the days chosen; at least one rest day unless told."""
    from acupress import reminders

    data, _plan = actions.reminders_calendar(
        at=reminders.parse_time(time),
        days=reminders.parse_days(days),
        start=start,
        minutes=minutes,
        zone=reminders.parse_zone(tz) if tz else None,
        protocol_name="low-back",
        rest_day=not no_rest_day,
        now=ctx.now(),
    )
    return download(data, "text/calendar", "acupress-reminders.ics")
