"""The JSON API under /api/: every operation the pages use, each a few lines over the
core. Errors a person can fix come back as a 4xx with ``detail``, one sentence."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from acupress import actions
from acupress.errors import AcupressError
from acupress.web import models, views
from acupress.web.context import Context
from acupress.web.security import require_token

PROBLEMS: dict[int | str, dict[str, Any]] = {
    400: {"model": models.Problem, "description": "The request cannot be done, and why."},
    403: {"model": models.Problem, "description": "The security token is missing."},
    404: {"model": models.Problem, "description": "No such thing."},
    409: {"model": models.Problem, "description": "Not possible now, and why."},
    422: {"model": models.Problem, "description": "A field is missing or out of range."},
    503: {"model": models.Problem, "description": "The journal is busy: try again."},
}

router = APIRouter(prefix="/api", dependencies=[Depends(require_token)], responses=PROBLEMS)


def context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


Ctx = Annotated[Context, Depends(context)]
Day = Annotated[dt.date | None, Query()]


# --- shared by the API and the pages --------------------------------------------------


def today_view(ctx: Context) -> models.TodayOut:
    from acupress import progress

    decision = ctx.decision()
    db = ctx.journal_if_any()
    today = ctx.today()
    if db is None:
        result = progress.analyse([], today, progress.default_rules())
        last = None
    else:
        result = progress.from_journal(db, today)
        newest = db.sessions(last=1)
        last = views.session(newest[0]) if newest else None
    shown = views.progress(result)
    return models.TodayOut(
        checked_today=decision is not None,
        decision=views.decision(decision) if decision else None,
        last_session=last,
        flags=shown.flags,
        next_session=shown.next_session,
        plan_minutes=ctx.profile().minutes,
        can_start=decision is not None and decision.session_allowed,
    )


def plan_now(
    ctx: Context, minutes: int | None, partner: bool | None, protocol_name: str = "low-back"
) -> tuple[Any, Any]:
    """The plan for a session now (the core's Plan) and its protocol."""
    chosen = views.named_protocol(protocol_name, ctx.book)
    db = ctx.journal_if_any()
    adjusted = actions.adjustment(ctx.today(), db) if db else actions.adjustment(ctx.today())
    return (
        actions.fitted_plan(
            chosen, ctx.book, ctx.profile(), minutes, partner, ctx.decision(), adjusted
        ),
        chosen,
    )


def start_session(ctx: Context, given: models.SessionStart) -> models.LiveOut:
    from acupress import safety

    answers = actions.saved_answers(ctx.book, ctx.today())
    if answers is None:
        raise Conflict("Do the safety check first: it decides whether a session is safe today.")
    decision = actions.decide(answers, ctx.book)
    if not decision.session_allowed:
        raise Conflict(f"{decision.title}: {decision.text}")
    plan, chosen = plan_now(ctx, given.minutes, given.partner)
    moment = ctx.live.start(
        ctx.journal(),
        plan,
        chosen,
        pain_before=given.pain_before,
        answers=safety.answers_to_json(answers),
    )
    return views.live(moment, ctx.book, ctx.profile().thumb_cm, ctx.options.speed)


def close_session(ctx: Context, session_id: int, given: models.SessionClosing) -> models.SessionOut:
    """Pain after, sensations and a note, once the session has ended."""
    live = ctx.live.get(session_id)
    if not live.session.finished:
        raise Conflict("The session is still running: finish or stop it first.")
    felt = actions.parse_sensations(",".join(given.sensations))
    db = ctx.journal()
    db.update(
        session_id,
        pain_after=given.pain_after,
        sensations=felt,
        note=actions.check_note(given.note),
    )
    ctx.live.forget(session_id)
    return views.session(db.get(session_id))


def settings_view(ctx: Context) -> models.SettingsOut:
    me = ctx.profile()
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

    profile.save(replace(ctx.profile(), **given.model_dump()))
    return settings_view(ctx)


class Conflict(AcupressError):
    """Not possible in the state things are in (a 409)."""


@lru_cache(maxsize=64)
def point_svg(code: str, view: str | None, thumb_cm: float | None) -> str:
    from acupress import atlas, charts

    book = atlas.default()
    return charts.point_chart(book.get(code), book, view, thumb_cm)


@lru_cache(maxsize=16)
def protocol_svg(name: str, view: str, thumb_cm: float | None) -> str:
    from acupress import atlas, charts

    book = atlas.default()
    return charts.protocol_chart(views.named_protocol(name, book), book, view, thumb_cm)


SVG = {"content": {"image/svg+xml": {}}, "description": "An SVG chart."}


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
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-cache"})


@router.get(
    "/charts/protocols/{name}.svg", tags=["atlas"], response_class=Response, responses={200: SVG}
)
def protocol_chart(
    ctx: Ctx, name: str, view: Annotated[str, Query(max_length=10)] = "body"
) -> Response:
    """Every point of a protocol, numbered by step."""
    svg = protocol_svg(name, view, ctx.profile().thumb_cm)
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-cache"})


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
    plan, chosen = plan_now(ctx, minutes, partner)
    return views.plan(plan, chosen, ctx.book, ctx.profile().thumb_cm)


@router.get("/today", tags=["progress"])
def get_today(ctx: Ctx) -> models.TodayOut:
    return today_view(ctx)


# --- the guided session ---------------------------------------------------------------


@router.post("/sessions", tags=["session"], status_code=201)
def post_session(ctx: Ctx, given: models.SessionStart) -> models.LiveOut:
    """Start a guided session now; refused (409) until today's check allows one."""
    return start_session(ctx, given)


@router.get("/sessions/{session_id}", tags=["session"])
def get_session(ctx: Ctx, session_id: int) -> models.LiveOut:
    """Where a running session is; steps whose time is up are written first."""
    moment = ctx.live.act(ctx.journal(), session_id, "advance")
    return views.live(moment, ctx.book, ctx.profile().thumb_cm, ctx.options.speed)


@router.post("/sessions/{session_id}/actions", tags=["session"])
def post_action(ctx: Ctx, session_id: int, given: models.SessionAction) -> models.LiveOut:
    """Go on (advance), pause, resume, skip, go back, or stop with a reason."""
    note = actions.check_note(given.note)
    moment = ctx.live.act(ctx.journal(), session_id, given.action, given.reason, note)
    return views.live(moment, ctx.book, ctx.profile().thumb_cm, ctx.options.speed)


@router.post("/sessions/{session_id}/closing", tags=["session"])
def post_closing(ctx: Ctx, session_id: int, given: models.SessionClosing) -> models.SessionOut:
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


@router.post("/journal", tags=["journal"], status_code=201)
def add_journal(ctx: Ctx, given: models.ManualIn) -> models.SessionOut:
    """Log a session done without acupress guiding it."""
    log = views.manual(given, ctx.now())
    db = ctx.journal()
    return views.session(db.get(db.add(log)))


@router.get("/journal/{session_id}", tags=["journal"])
def get_journal(ctx: Ctx, session_id: int) -> models.SessionOut:
    return views.session(ctx.journal().get(session_id))


@router.patch("/journal/{session_id}", tags=["journal"])
def edit_journal(ctx: Ctx, session_id: int, given: models.EditIn) -> models.SessionOut:
    """Correct a session: give only what changes."""
    return views.session(
        actions.edit_session(ctx.journal(), session_id, views.edit(given), ctx.now())
    )


@router.delete("/journal/{session_id}", tags=["journal"], status_code=204)
def delete_journal(ctx: Ctx, session_id: int) -> Response:
    ctx.journal().delete(session_id)
    return Response(status_code=204)


# --- progress and settings ------------------------------------------------------------


@router.get("/progress", tags=["progress"])
def get_progress(ctx: Ctx) -> models.ProgressOut:
    """The figures, the guide's rules applied to the journal, and the next session."""
    from acupress import progress

    db = ctx.journal_if_any()
    today = ctx.today()
    result = (
        progress.analyse([], today, progress.default_rules())
        if db is None
        else progress.from_journal(db, today)
    )
    return views.progress(result)


@router.get("/settings", tags=["settings"])
def get_settings(ctx: Ctx) -> models.SettingsOut:
    return settings_view(ctx)


@router.put("/settings", tags=["settings"])
def put_settings(ctx: Ctx, given: models.SettingsIn) -> models.SettingsOut:
    return save_settings(ctx, given)


# --- take away ------------------------------------------------------------------------

DOWNLOAD = {"content": {"application/octet-stream": {}}, "description": "A file to keep."}


def download(data: bytes, media_type: str, filename: str, policy: str | None = None) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if policy:
        headers["Content-Security-Policy"] = policy
    return Response(data, media_type=media_type, headers=headers)


@router.get(
    "/exports/{fmt}", tags=["take away"], response_class=Response, responses={200: DOWNLOAD}
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


@router.post("/import", tags=["take away"])
def post_import(
    ctx: Ctx,
    data: Annotated[bytes, Body(media_type="application/json", max_length=50_000_000)],
    restore_profile: bool = False,
) -> models.ImportOut:
    """Restore a JSON export (the file as the body); sessions already there are skipped."""
    done = actions.import_journal(data, "the uploaded file", restore_profile)
    return models.ImportOut(added=done.added, present=done.present, profile=done.profile)


@router.get("/guide.{fmt}", tags=["take away"], response_class=Response, responses={200: DOWNLOAD})
def get_guide(ctx: Ctx, fmt: Literal["html", "pdf"]) -> Response:
    """The printable guide, with the charts (and distances in cm when known)."""
    from acupress.web.security import DOCUMENT_POLICY

    html = actions.guide_html("low-back", ctx.profile().thumb_cm)
    if fmt == "pdf":
        return download(actions.to_pdf(html), "application/pdf", "acupress-guide.pdf")
    return Response(
        html, media_type="text/html", headers={"Content-Security-Policy": DOCUMENT_POLICY}
    )


@router.get("/report.{fmt}", tags=["take away"], response_class=Response, responses={200: DOWNLOAD})
def get_report(
    ctx: Ctx,
    fmt: Literal["html", "pdf"],
    since: Annotated[dt.date | None, Query(alias="from")] = None,
    until: Annotated[dt.date | None, Query(alias="to")] = None,
) -> Response:
    """The one-page progress report for a clinician."""
    from acupress.web.security import DOCUMENT_POLICY

    actions.day_range(since, until, ("from", "to"))
    html, _count = actions.report_html(since, until, ctx.now())
    if fmt == "pdf":
        return download(
            actions.to_pdf(html), "application/pdf", f"acupress-report-{ctx.today()}.pdf"
        )
    return Response(
        html, media_type="text/html", headers={"Content-Security-Policy": DOCUMENT_POLICY}
    )


@router.get(
    "/reminders.ics", tags=["take away"], response_class=Response, responses={200: DOWNLOAD}
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


def problem(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)
