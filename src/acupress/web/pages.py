"""The pages people use: server-rendered HTML over the same functions as the API. Forms
post back to their page; a mistake re-shows the form with one sentence saying what is
wrong, and nothing is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile

from acupress import actions
from acupress.atlas import Pressure
from acupress.errors import AcupressError
from acupress.protocol import minutes_seconds
from acupress.web import api, models, views
from acupress.web.context import Context
from acupress.web.security import DOCS_POLICY, require_token, token_of

TEMPLATES = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES)
templates.env.filters["clock"] = minutes_seconds
templates.env.filters["svg"] = Markup  # charts are built by acupress, escaped as built

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_token)])

NAV = (
    ("/", "Today"),
    ("/session", "Session"),
    ("/check", "Check"),
    ("/points", "Points"),
    ("/journal", "Journal"),
    ("/progress", "Progress"),
    ("/take-away", "Take away"),
    ("/settings", "Settings"),
)
RELIEF_ROWS = 30  # the newest sessions in the relief table
DONE = {
    "seen": "Recorded: a professional told you to go on. The counts start again from now.",
    "added": "Session logged.",
    "edited": "Session updated.",
    "deleted": "Session deleted.",
    "settings": "Settings saved.",
}


def page(request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        name,
        {
            "nav": NAV,
            "path": request.url.path,
            "csrf": values.pop("csrf") if "csrf" in values else token_of(request),
            "done": DONE.get(request.query_params.get("done", "")),
            **values,
        },
        status_code=status,
    )


def error_page(request: Request, status: int, detail: str) -> Response:
    try:
        csrf = token_of(request)
    except AcupressError:  # the token's key cannot be kept: the page still says what is wrong
        csrf = ""
    return page(request, "error.html", status, code=status, detail=detail, csrf=csrf)


def ctx_of(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


def field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def whole(form: FormData, name: str, what: str, required: bool = True) -> int | None:
    text = field(form, name)
    if not text:
        if required:
            raise AcupressError(f"{what} is missing.")
        return None
    try:
        return int(text)
    except ValueError:
        raise AcupressError(f"{what} must be a whole number, not '{text[:20]}'.") from None


def pain(form: FormData, name: str, what: str) -> int:
    from acupress.records import check_pain

    value = whole(form, name, what)
    assert value is not None
    return check_pain(value, what)


# --- home -----------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    ctx = ctx_of(request)
    return page(request, "home.html", today=api.today_view(ctx))


@router.post("/seen-professional")
async def seen_professional(request: Request) -> Response:
    """The person has seen a professional, who told them to go on (from the Today page)."""
    ctx = ctx_of(request)
    form = await request.form()
    try:
        actions.seen_professional(field(form, "note"), ctx.now(), ctx.journal())
    except AcupressError as e:
        return page(request, "home.html", 400, today=api.today_view(ctx), error=str(e))
    return RedirectResponse("/?done=seen", status_code=303)


# --- points ---------------------------------------------------------------------------


@router.get("/points", response_class=HTMLResponse)
def points(request: Request) -> Response:
    ctx = ctx_of(request)
    me = ctx.profile()
    thumb = me.thumb_cm
    decision = ctx.decision()
    # The routine's order; today's changes only when a session is possible today.
    allowed = decision if decision is not None and decision.session_allowed else None
    plan, chosen = api.plan_now(ctx, me, allowed)
    return page(
        request,
        "points.html",
        points=[
            (views.point(p, thumb), api.point_svg(p.code, None, thumb)) for p in ctx.book.points
        ],
        overview=api.protocol_svg(ctx, "low-back", "body", thumb),
        protocol=chosen,
        plan=views.plan(plan, chosen, ctx.book, thumb),
        thumb=thumb,
    )


# --- check ----------------------------------------------------------------------------


def check_page(request: Request, ctx: Context, status: int = 200, **values: Any) -> Response:
    return page(
        request,
        "check.html",
        status,
        questions=api.check_questions(),
        points=ctx.book.points,
        **values,
    )


@router.get("/check", response_class=HTMLResponse)
def check_form(request: Request) -> Response:
    ctx = ctx_of(request)
    decision = ctx.decision()
    return check_page(
        request, ctx, decision=views.decision(decision) if decision else None, given={}
    )


@router.post("/check", response_class=HTMLResponse)
async def check_post(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await request.form()
    asked = api.check_questions()
    raw: dict[str, Any] = {}
    given = {q.id: field(form, q.id) for q in asked} | {
        q.id: form.getlist(q.id) for q in asked if q.type == "points"
    }
    try:
        for q in asked:
            text = field(form, q.id)
            if q.type == "yes_no":
                if text not in ("yes", "no"):
                    raise AcupressError(f"Answer every question: '{q.text}' has no answer.")
                raw[q.id] = text == "yes"
            elif q.type == "number":
                try:
                    raw[q.id] = float(text)
                except ValueError:
                    raise AcupressError(f"'{q.text}' needs a number.") from None
            else:
                raw[q.id] = [c for c in form.getlist(q.id) if isinstance(c, str) and c]
        _answers, decision = actions.check(raw, ctx.book, ctx.today())
    except AcupressError as e:
        return check_page(request, ctx, 400, decision=None, error=str(e), given=given)
    return check_page(
        request, ctx, decision=views.decision(decision), given=given, just_checked=True
    )


# --- session --------------------------------------------------------------------------


@router.get("/session", response_class=HTMLResponse)
def session_page(request: Request) -> Response:
    ctx = ctx_of(request)
    decision = ctx.decision()
    me = ctx.profile()
    plan = None
    if decision is not None and decision.session_allowed:
        found, chosen = api.plan_now(ctx, me, decision)
        plan = views.plan(found, chosen, ctx.book, me.thumb_cm)
    return page(
        request,
        "session.html",
        decision=views.decision(decision) if decision else None,
        plan=plan,
        settings=api.settings_view(me),
        sensations=("warmth", "ache", "tingling", "none"),
    )


# --- journal --------------------------------------------------------------------------


def journal_values(ctx: Context, request: Request) -> dict[str, Any]:
    q = request.query_params
    since = actions.parse_day(q["from"], "From") if q.get("from") else None
    until = actions.parse_day(q["to"], "To") if q.get("to") else None
    actions.day_range(since, until, ("From", "To"))
    db = ctx.journal_if_any()
    logs = [] if db is None else db.sessions(since, until)
    return {
        "sessions": [(views.session(s), views.outcome(s)) for s in reversed(logs)],
        "since": since,
        "until": until,
        "today": ctx.today(),
        "points": ctx.book.points,
    }


@router.get("/journal", response_class=HTMLResponse)
def journal_page(request: Request) -> Response:
    ctx = ctx_of(request)
    try:
        values = journal_values(ctx, request)
    except AcupressError as e:
        return page(
            request,
            "journal.html",
            400,
            error=str(e),
            sessions=[],
            points=ctx.book.points,
            today=ctx.today(),
            given={},
        )
    return page(request, "journal.html", given={}, **values)


def manual_from(form: FormData) -> models.ManualIn:
    day = field(form, "day")
    at = field(form, "time")
    points = ",".join(c for c in form.getlist("points") if isinstance(c, str))
    try:
        return models.ManualIn(
            day=actions.parse_day(day, "Date"),
            time=actions.parse_clock_time(at, "Time") if at else None,
            pain_before=pain(form, "pain_before", "Pain before"),
            pain_after=pain(form, "pain_after", "Pain after"),
            points=list(actions.parse_points(points)),
            minutes=actions.check_minutes(whole(form, "minutes", "Minutes", required=False)),
            pressure=pressure_of(form),
            note=actions.check_note(field(form, "note")),
        )
    except ValidationError as e:  # a limit of the model that the checks above do not name
        raise AcupressError(models.first_problem(e.errors())) from None


def pressure_of(form: FormData) -> Pressure:
    """The most pressure used, as chosen in the form; asked, because the next session is
    made lighter than it if this one left more pain."""
    chosen = field(form, "pressure")
    if not chosen:
        raise AcupressError("Choose the most pressure you used: light, moderate or firm.")
    checked = actions.check_pressure(chosen)
    assert checked is not None
    return checked


@router.post("/journal", response_class=HTMLResponse)
async def journal_add(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await request.form()
    try:
        log = views.manual(manual_from(form), ctx.now())
        ctx.journal().add(log)
    except AcupressError as e:
        values = journal_values(ctx, request)
        return page(request, "journal.html", 400, error=str(e), given=dict(form), **values)
    return RedirectResponse("/journal?done=added", status_code=303)


@router.get("/journal/{session_id}/edit", response_class=HTMLResponse)
def journal_edit_form(request: Request, session_id: api.SessionId) -> Response:
    ctx = ctx_of(request)
    log = ctx.journal().get(session_id)
    return page(
        request,
        "edit.html",
        s=views.session(log),
        local=log.started_at.astimezone(),
        points=ctx.book.points,
        today=ctx.today(),
    )


@router.post("/journal/{session_id}/edit", response_class=HTMLResponse)
async def journal_edit(request: Request, session_id: api.SessionId) -> Response:
    ctx = ctx_of(request)
    form = await request.form()
    db = ctx.journal()
    try:
        at = field(form, "time")
        edit = actions.Edit(
            day=actions.parse_day(field(form, "day"), "Date"),
            at=actions.parse_clock_time(at, "Time") if at else None,
            pain_before=pain(form, "pain_before", "Pain before")
            if field(form, "pain_before")
            else None,
            pain_after=pain(form, "pain_after", "Pain after")
            if field(form, "pain_after")
            else None,
            points=actions.parse_points(
                ",".join(c for c in form.getlist("points") if isinstance(c, str))
            ),
            minutes=actions.check_minutes(whole(form, "minutes", "Minutes", required=False)),
            note=actions.check_note(field(form, "note")),
        )
        actions.edit_session(db, session_id, edit, ctx.now())
    except AcupressError as e:
        log = db.get(session_id)
        return page(
            request,
            "edit.html",
            400,
            s=views.session(log),
            local=log.started_at.astimezone(),
            points=ctx.book.points,
            today=ctx.today(),
            error=str(e),
        )
    return RedirectResponse("/journal?done=edited", status_code=303)


@router.post("/journal/{session_id}/delete")
def journal_delete(request: Request, session_id: api.SessionId) -> Response:
    api.delete_session(ctx_of(request), session_id)
    return RedirectResponse("/journal?done=deleted", status_code=303)


# --- progress -------------------------------------------------------------------------


@router.get("/progress", response_class=HTMLResponse)
def progress_page(request: Request) -> Response:
    from acupress.charts.pain import pain_chart, weekly_chart

    ctx = ctx_of(request)
    db = ctx.journal_if_any()
    result = ctx.progress()
    relieved = [] if db is None else [s for s in db.sessions() if s.relief is not None]
    me = ctx.profile()
    decision = ctx.decision()
    plan = None
    if decision is None or decision.session_allowed:
        found, chosen = api.plan_now(ctx, me, decision)
        plan = views.plan(found, chosen, ctx.book, me.thumb_cm)
    return page(
        request,
        "progress.html",
        p=views.progress(result),
        pain_svg=pain_chart(result.series) if result.series else None,
        weekly_svg=weekly_chart(result.series) if result.series else None,
        relief=[(views.session(s), s.relief) for s in reversed(relieved[-RELIEF_ROWS:])],
        plan=plan,
        decision=None if plan else views.decision(decision) if decision else None,
    )


# --- take away ------------------------------------------------------------------------


@router.get("/take-away", response_class=HTMLResponse)
def take_away(request: Request) -> Response:
    return page(request, "take_away.html", imported=None)


@router.post("/take-away/import", response_class=HTMLResponse)
async def take_away_import(request: Request) -> Response:
    form = await request.form()
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise AcupressError("Choose a JSON export of acupress to import.")
        data = await upload.read()
        restore = field(form, "restore_profile") == "on"
        done = api.import_file(data, upload.filename, restore, ctx_of(request).now())
    except AcupressError as e:
        return page(request, "take_away.html", 400, imported=None, error=str(e))
    return page(request, "take_away.html", imported=done)


# --- the API's documentation ----------------------------------------------------------


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> Response:
    """The API browsable (Swagger UI), its files served by this app like every page's."""
    answer = page(request, "api_docs.html")
    answer.headers["Content-Security-Policy"] = DOCS_POLICY
    return answer


# --- settings -------------------------------------------------------------------------


@router.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request) -> Response:
    ctx = ctx_of(request)
    return page(request, "settings.html", s=api.settings_view(ctx.profile()))


@router.post("/settings", response_class=HTMLResponse)
async def settings_post(request: Request) -> Response:
    from acupress import profile

    ctx = ctx_of(request)
    form = await request.form()
    try:
        thumb_text = field(form, "thumb_cm").replace(",", ".")
        try:
            thumb = float(thumb_text) if thumb_text else None
        except ValueError:
            raise AcupressError(
                f"Thumb width must be a number of cm, not '{thumb_text[:20]}'."
            ) from None
        given = models.SettingsIn(
            thumb_cm=profile.check_thumb_cm(thumb) if thumb is not None else None,
            minutes=actions.check_usual_minutes(whole(form, "minutes", "Minutes", required=False)),
            partner=field(form, "partner") == "on",
            sound=field(form, "sound") == "on",
            speech=field(form, "speech") == "on",
        )
    except AcupressError as e:
        return page(request, "settings.html", 400, s=api.settings_view(ctx.profile()), error=str(e))
    api.save_settings(ctx, given)
    return RedirectResponse("/settings?done=settings", status_code=303)
