"""The JSON API under /api/: every operation the pages use, each route the request's
values passed to one function of service.py and its result as the answer. Errors a person
can fix come back as a 4xx with ``detail``, one sentence."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from acupress import actions
from acupress.web import models, service, views
from acupress.web.context import Context, context_of
from acupress.web.models import SessionId
from acupress.web.security import DOCUMENT_POLICY, require_token

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


async def context(request: Request) -> Context:
    # A lookup on the request: run where it is asked, not handed to a thread.
    return context_of(request)


Ctx = Annotated[Context, Depends(context)]
Day = Annotated[dt.date | None, Query()]

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
    "SendSteps": "post_steps_api_sessions__session_id__steps_post",
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


@router.get("/health", tags=["app"])
def health() -> dict[str, str]:
    """Whether the app answers (open to anyone, for a reverse proxy or a service manager)."""
    return {"status": "ok"}


@router.get("/points", tags=["atlas"])
def list_points(ctx: Ctx) -> list[models.PointOut]:
    """Every point of the atlas, with distances in cm when the thumb width is known."""
    return service.points(ctx)


@router.get("/points/{code}", tags=["atlas"])
def get_point(ctx: Ctx, code: str) -> models.PointOut:
    return service.point(ctx, code)


@router.get(
    "/charts/points/{code}.svg", tags=["atlas"], response_class=Response, responses={200: SVG}
)
def point_chart(
    ctx: Ctx, code: str, view: Annotated[str | None, Query(max_length=10)] = None
) -> Response:
    """Where a point lies, drawn from its atlas anchor."""
    return Response(service.point_chart(ctx, code, view), media_type="image/svg+xml")


@router.get(
    "/charts/protocols/{name}.svg", tags=["atlas"], response_class=Response, responses={200: SVG}
)
def protocol_chart(
    ctx: Ctx, name: str, view: Annotated[str, Query(max_length=10)] = "body"
) -> Response:
    """Every point of a protocol, numbered by step."""
    return Response(service.protocol_chart(ctx, name, view), media_type="image/svg+xml")


# --- check and plan -------------------------------------------------------------------


@router.get("/check/questions", tags=["check"])
def check_questions() -> list[models.QuestionOut]:
    return service.questions()


@router.post("/check", tags=["check"])
def post_check(ctx: Ctx, given: models.CheckIn) -> models.DecisionOut:
    """Today's safety check: the decision and its reasons; kept for the rest of the day."""
    return service.check(ctx, given.answers)


@router.get("/check", tags=["check"])
def get_check(ctx: Ctx) -> models.DecisionOut | None:
    """Today's decision, or null when the check has not been done today."""
    return service.todays_decision(ctx)


@router.get("/plan", tags=["session"])
def get_plan(
    ctx: Ctx,
    minutes: Annotated[int | None, Query(ge=1, le=240)] = None,
    partner: bool | None = None,
) -> models.PlanOut:
    """The session to do now, fitted to the time, today's check and the journal."""
    return service.plan(ctx, minutes, partner)


@router.get("/today", tags=["progress"])
def get_today(ctx: Ctx) -> models.TodayOut:
    return service.today(ctx)


# --- the guided session ---------------------------------------------------------------


@router.post(
    "/sessions",
    tags=["session"],
    status_code=201,
    responses=links(201, RUNNING_SESSION, JOURNAL_ENTRY),
)
def post_session(ctx: Ctx, given: models.SessionStart) -> models.LiveOut:
    """Start a guided session now; refused (409) until today's check allows one."""
    return service.start_session(ctx, given)


# The running session's routes, which each page calls every few seconds, hand the work
# to a thread themselves: a plain route's answer would then go to a thread again, to be
# checked against its model.


@router.get("/sessions/{session_id}", tags=["session"])
async def get_session(ctx: Ctx, session_id: SessionId) -> models.LiveOut:
    """Where a running session is now; nothing is written (the page's "advance" action
    writes the steps whose time is up)."""
    return await run_in_threadpool(service.session_now, ctx, session_id)


@router.post(
    "/sessions/{session_id}/actions", tags=["session"], responses=links(200, RUNNING_SESSION)
)
async def post_action(
    ctx: Ctx, session_id: SessionId, given: models.SessionAction
) -> models.LiveOut:
    """Go on (advance), pause, resume, skip, go back, or stop with a reason."""
    return await run_in_threadpool(service.act, ctx, session_id, given)


@router.post(
    "/sessions/{session_id}/steps", tags=["session"], responses=links(200, RUNNING_SESSION)
)
async def post_steps(ctx: Ctx, session_id: SessionId, given: models.StepsDone) -> models.LiveOut:
    """Steps the page ran on its own while offline, sent when the network is back, and
    where the page is now. Each is checked (a step of the plan with this session's key,
    ended within the session and not in the future, seconds it could have taken) and
    written once per key: sending them again changes nothing. A wrong one refuses all."""
    return await run_in_threadpool(service.record_steps, ctx, session_id, given)


@router.post("/sessions/{session_id}/leave", tags=["session"], status_code=204)
def post_leave(ctx: Ctx, session_id: SessionId) -> Response:
    """The page is closing: keep the steps done so far and mark the session interrupted
    (the page sends this as it goes, with the token as a form field)."""
    service.leave(ctx, session_id)
    return Response(status_code=204)


@router.post(
    "/sessions/{session_id}/closing", tags=["session"], responses=links(200, JOURNAL_ENTRY)
)
def post_closing(
    ctx: Ctx, session_id: SessionId, given: models.SessionClosing
) -> models.SessionOut:
    """After the session: pain now, what was felt, a note."""
    return service.close_session(ctx, session_id, given)


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
    return service.sessions(ctx, since, until, last)


@router.post("/journal", tags=["journal"], status_code=201, responses=links(201, JOURNAL_ENTRY))
def add_journal(ctx: Ctx, given: models.ManualIn) -> models.SessionOut:
    """Log a session done without acupress guiding it."""
    return service.add_session(ctx, given)


@router.post("/seen-professional", tags=["journal"], status_code=201)
def post_seen_professional(ctx: Ctx, given: models.SeenProfessionalIn) -> models.EventOut:
    """Record that a professional has seen the person and told them to go on: a flag
    that sent them to one stops sessions until then, and its count starts again."""
    return service.seen_professional(ctx, given.note)


@router.get("/events", tags=["journal"])
def list_events(ctx: Ctx) -> list[models.EventOut]:
    """What happened besides sessions (a professional seen), in time order."""
    return service.events(ctx)


@router.get("/journal/{session_id}", tags=["journal"])
def get_journal(ctx: Ctx, session_id: SessionId) -> models.SessionOut:
    return service.journal_entry(ctx, session_id)


@router.patch("/journal/{session_id}", tags=["journal"])
def edit_journal(ctx: Ctx, session_id: SessionId, given: models.EditIn) -> models.SessionOut:
    """Correct a session: give only what changes."""
    return service.edit_session(ctx, session_id, views.edit(given))


@router.delete("/journal/{session_id}", tags=["journal"], status_code=204)
def delete_journal(ctx: Ctx, session_id: SessionId) -> Response:
    """Delete a session from the journal; refused (409) while it is running."""
    service.delete_session(ctx, session_id)
    return Response(status_code=204)


# --- progress and settings ------------------------------------------------------------


@router.get("/progress", tags=["progress"])
def get_progress(ctx: Ctx) -> models.ProgressOut:
    """The figures, the guide's rules applied to the journal, and the next session."""
    return service.progress(ctx)


@router.get("/settings", tags=["settings"])
def get_settings(ctx: Ctx) -> models.SettingsOut:
    return service.settings(ctx)


@router.put("/settings", tags=["settings"])
def put_settings(ctx: Ctx, given: models.SettingsIn) -> models.SettingsOut:
    return service.save_settings(ctx, given)


# --- the personal trial ---------------------------------------------------------------


@router.post("/ratings", tags=["trial"], status_code=201)
def post_rating(ctx: Ctx, given: models.RatingIn) -> models.RatingOut:
    """Rate the day (PEG): once a day, whether or not you practised; yesterday's when it
    was missed. A day already rated, a day to come or an older day is refused (400)."""
    return service.rate(ctx, given)


@router.get("/ratings", tags=["trial"])
def list_ratings(ctx: Ctx) -> list[models.RatingOut]:
    """Every daily rating, in day order."""
    return service.ratings(ctx)


@router.get("/trial", tags=["trial"])
def get_trial(ctx: Ctx) -> models.TrialStatusOut | None:
    """Where the newest trial stands today (null before the first): the week, what to do
    today, whether today is rated, and when and why it was stopped."""
    return service.trial_status(ctx)


@router.post("/trial", tags=["trial"], status_code=201)
def post_trial(ctx: Ctx, given: models.TrialStart) -> models.TrialStatusOut:
    """Start a personal trial today (its order drawn at random unless ``seed``); refused
    (409) while one runs."""
    return service.start_trial(ctx, given)


@router.post("/trial/stop", tags=["trial"])
def post_trial_stop(ctx: Ctx, given: models.TrialStop) -> models.TrialStatusOut:
    """Stop the running trial today; 404 when none runs."""
    return service.stop_trial(ctx, given.reason)


@router.get("/trial/result", tags=["trial"])
def get_trial_result(ctx: Ctx) -> models.TrialResultOut:
    """The newest trial's result: verdict, estimate, interval, limits, deviations and
    adherence; 404 before the first trial."""
    return service.trial_result(ctx)


@router.get("/charts/trial.svg", tags=["trial"], response_class=Response, responses={200: SVG})
def trial_chart(ctx: Ctx) -> Response:
    """The daily PEG scores over the trial's weeks, acupressure weeks shaded."""
    return Response(service.trial_chart(ctx), media_type="image/svg+xml")


# --- take away ------------------------------------------------------------------------


def files(*media_types: str) -> dict[int | str, dict[str, Any]]:
    """The 200 answer of a route that sends a file, in the media types it may have."""
    return {200: {"content": {m: {} for m in media_types}, "description": "A file to keep."}}


def sent(file: service.File) -> Response:
    """A file to keep, or a printable document shown in place, which runs no script."""
    if file.filename is None:
        headers = {"Content-Security-Policy": DOCUMENT_POLICY}
    else:
        headers = {"Content-Disposition": f'attachment; filename="{file.filename}"'}
    return Response(file.data, media_type=file.media_type, headers=headers)


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
    return sent(service.export(ctx, fmt, since, until))


IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "description": "A JSON export of acupress (GET /api/exports/json), as it was saved.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


@router.post("/import", tags=["take away"], openapi_extra=IMPORT_BODY)
async def post_import(
    ctx: Ctx, request: Request, restore_profile: bool = False
) -> models.ImportOut:
    """Restore a JSON export (the file as the body, at most 50 MB); sessions already there
    are skipped. A damaged file is refused whole and nothing is written."""
    import tempfile

    # The body kept as it arrives (on disk past 1 MB), then read a session at a time.
    with tempfile.SpooledTemporaryFile(max_size=1 << 20) as kept:
        async for chunk in request.stream():
            kept.write(chunk)
        kept.seek(0)
        return await run_in_threadpool(
            service.import_file, ctx, kept, "the uploaded file", restore_profile
        )


@router.get(
    "/guide.{fmt}",
    tags=["take away"],
    response_class=Response,
    responses=files("text/html", "application/pdf"),
)
def get_guide(ctx: Ctx, fmt: Literal["html", "pdf"]) -> Response:
    """The printable guide, with the charts (and distances in cm when known)."""
    return sent(service.guide(ctx, fmt))


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
    return sent(service.report(ctx, fmt, since, until))


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

    calendar = service.reminders(
        ctx,
        at=reminders.parse_time(time),
        days=reminders.parse_days(days),
        start=start,
        minutes=minutes,
        zone=reminders.parse_zone(tz) if tz else None,
        rest_day=not no_rest_day,
    )
    return sent(calendar)
