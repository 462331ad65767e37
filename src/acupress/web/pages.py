"""The pages people use: server-rendered HTML over the same service functions as the API
(service.py); each route reads the request, calls one of them and renders the page. Forms
post back to their page; a mistake re-shows the form with one sentence saying what is
wrong, and nothing is written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from acupress import actions
from acupress.atlas import Pressure
from acupress.errors import AcupressError
from acupress.protocol import minutes_seconds
from acupress.web import models, service
from acupress.web.context import Context, context_of
from acupress.web.models import SessionId
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
    ("/trial", "Trial"),
    ("/take-away", "Take away"),
    ("/settings", "Settings"),
)
# In the server mode: a person's sharing with a practitioner, a practitioner's people.
ROLE_NAV = {"person": (("/sharing", "Sharing"),), "practitioner": (("/people", "People"),)}
DONE = {
    "seen": "Recorded: a professional told you to go on. The counts start again from now.",
    "added": "Session logged.",
    "edited": "Session updated.",
    "deleted": "Session deleted.",
    "settings": "Settings saved.",
    "rated": "Today is rated.",
    "started": "Your trial has started.",
    "stopped": "Your trial is stopped.",
    "shared": "Shared: your practitioner can see your journal, progress and report.",
    "unshared": "Sharing stopped: they can no longer see your data.",
}


def page(request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
    account = getattr(request.state, "account", None)
    return templates.TemplateResponse(
        request,
        name,
        {
            "nav": NAV + ROLE_NAV.get(account.role, ()) if account else NAV,
            "path": request.url.path,
            "csrf": values.pop("csrf") if "csrf" in values else token_of(request),
            "done": DONE.get(request.query_params.get("done", "")),
            "account": account,
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
    return context_of(request)


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
    return page(request, "home.html", today=service.today(ctx_of(request)))


@router.post("/seen-professional")
async def seen_professional(request: Request) -> Response:
    """The person has seen a professional, who told them to go on (from the Today page)."""
    ctx = ctx_of(request)
    form = await request.form()
    try:
        service.seen_professional(ctx, field(form, "note"))
    except AcupressError as e:
        return page(request, "home.html", 400, today=service.today(ctx), error=e.on_web())
    return RedirectResponse("/?done=seen", status_code=303)


# --- points ---------------------------------------------------------------------------


@router.get("/points", response_class=HTMLResponse)
def points(request: Request) -> Response:
    shown = service.atlas_page(ctx_of(request))
    return page(
        request,
        "points.html",
        points=shown.points,
        overview=shown.overview,
        protocol=shown.protocol,
        plan=shown.plan,
        thumb=shown.thumb_cm,
    )


# --- check ----------------------------------------------------------------------------


def check_page(request: Request, ctx: Context, status: int = 200, **values: Any) -> Response:
    return page(
        request,
        "check.html",
        status,
        questions=service.questions(),
        points=ctx.book.points,
        **values,
    )


@router.get("/check", response_class=HTMLResponse)
def check_form(request: Request) -> Response:
    ctx = ctx_of(request)
    return check_page(request, ctx, decision=service.todays_decision(ctx), given={})


@router.post("/check", response_class=HTMLResponse)
async def check_post(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await request.form()
    asked = service.questions()
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
        decision = service.check(ctx, raw)
    except AcupressError as e:
        return check_page(request, ctx, 400, decision=None, error=e.on_web(), given=given)
    return check_page(request, ctx, decision=decision, given=given, just_checked=True)


# --- session --------------------------------------------------------------------------


@router.get("/session", response_class=HTMLResponse)
def session_page(request: Request) -> Response:
    shown = service.session_page(ctx_of(request))
    return page(
        request,
        "session.html",
        decision=shown.decision,
        plan=shown.plan,
        settings=shown.settings,
        sensations=("warmth", "ache", "tingling", "none"),
        trial_notice=shown.trial_notice,
    )


# --- journal --------------------------------------------------------------------------


def journal_values(ctx: Context, request: Request) -> dict[str, Any]:
    q = request.query_params
    since = actions.parse_day(q["from"], "From") if q.get("from") else None
    until = actions.parse_day(q["to"], "To") if q.get("to") else None
    actions.day_range(since, until, ("From", "To"))
    return {
        "sessions": service.journal_rows(ctx, since, until),
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
            error=e.on_web(),
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
        service.add_session(ctx, manual_from(form))
    except AcupressError as e:
        values = journal_values(ctx, request)
        return page(request, "journal.html", 400, error=e.on_web(), given=dict(form), **values)
    return RedirectResponse("/journal?done=added", status_code=303)


@router.get("/journal/{session_id}/edit", response_class=HTMLResponse)
def journal_edit_form(request: Request, session_id: SessionId) -> Response:
    ctx = ctx_of(request)
    return edit_page(request, ctx, service.entry_to_edit(ctx, session_id))


def edit_page(
    request: Request, ctx: Context, entry: service.Entry, status: int = 200, **values: Any
) -> Response:
    return page(
        request,
        "edit.html",
        status,
        s=entry.session,
        local=entry.local,
        points=ctx.book.points,
        today=ctx.today(),
        **values,
    )


@router.post("/journal/{session_id}/edit", response_class=HTMLResponse)
async def journal_edit(request: Request, session_id: SessionId) -> Response:
    ctx = ctx_of(request)
    form = await request.form()
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
        service.edit_session(ctx, session_id, edit)
    except AcupressError as e:
        entry = service.entry_to_edit(ctx, session_id)
        return edit_page(request, ctx, entry, 400, error=e.on_web())
    return RedirectResponse("/journal?done=edited", status_code=303)


@router.get("/journal/{session_id}/delete", response_class=HTMLResponse)
def journal_delete_form(request: Request, session_id: SessionId) -> Response:
    """Ask before deleting: what the session was, and that it cannot be undone."""
    ctx = ctx_of(request)
    entry = service.entry_to_edit(ctx, session_id)
    return page(request, "delete.html", s=entry.session, local=entry.local)


@router.post("/journal/{session_id}/delete")
def journal_delete(request: Request, session_id: SessionId) -> Response:
    service.delete_session(ctx_of(request), session_id)
    return RedirectResponse("/journal?done=deleted", status_code=303)


# --- progress -------------------------------------------------------------------------


@router.get("/progress", response_class=HTMLResponse)
def progress_page(request: Request) -> Response:
    shown = service.progress_page(ctx_of(request))
    return page(
        request,
        "progress.html",
        p=shown.progress,
        pain_svg=shown.pain_svg,
        weekly_svg=shown.weekly_svg,
        relief=shown.relief,
        plan=shown.plan,
        decision=shown.decision,
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
        restore = field(form, "restore_profile") == "on"
        # The upload as it was kept (on disk past 1 MB), read a session at a time, away
        # from the loop that answers everyone else.
        done = await run_in_threadpool(
            service.import_file, ctx_of(request), upload.file, upload.filename, restore
        )
    except AcupressError as e:
        return page(request, "take_away.html", 400, imported=None, error=e.on_web())
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
    return page(request, "settings.html", s=service.settings(ctx_of(request)))


@router.post("/settings", response_class=HTMLResponse)
async def settings_post(request: Request) -> Response:
    from acupress.profile import check_thumb_cm

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
            thumb_cm=check_thumb_cm(thumb) if thumb is not None else None,
            minutes=actions.check_usual_minutes(whole(form, "minutes", "Minutes", required=False)),
            partner=field(form, "partner") == "on",
            sound=field(form, "sound") == "on",
            speech=field(form, "speech") == "on",
            vibrate=field(form, "vibrate") == "on",
        )
    except AcupressError as e:
        return page(request, "settings.html", 400, s=service.settings(ctx), error=e.on_web())
    service.save_settings(ctx, given)
    return RedirectResponse("/settings?done=settings", status_code=303)


# --- the personal trial ---------------------------------------------------------------


def rate_page(request: Request, status: int = 200, **values: Any) -> Response:
    ctx = ctx_of(request)
    return page(
        request,
        "rate.html",
        status,
        questions=service.rate_questions(),
        trial=service.trial_status(ctx),
        yesterday=ctx.today() - dt.timedelta(days=1),
        **values,
    )


@router.get("/rate", response_class=HTMLResponse)
def rate_form(request: Request) -> Response:
    return rate_page(request)


@router.post("/rate")
async def rate_post(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await request.form()
    try:
        day = field(form, "day")
        given = models.RatingIn(
            pain=pain(form, "pain", "Pain"),
            enjoyment=pain(form, "enjoyment", "Enjoyment of life"),
            activity=pain(form, "activity", "General activity"),
            day=actions.parse_day(day, "Date") if day else None,
        )
        service.rate(ctx, given)
    except ValidationError as e:
        return rate_page(request, 400, error=models.first_problem(e.errors()))
    except AcupressError as e:
        return rate_page(request, 400, error=str(e))
    return RedirectResponse("/trial?done=rated", status_code=303)


RATE_FIELDS = (
    ("pain", "Pain"),
    ("enjoyment", "Enjoyment of life"),
    ("activity", "General activity"),
)


def trial_view(request: Request, status: int = 200, **values: Any) -> Response:
    shown = service.trial_page(ctx_of(request))
    return page(
        request,
        "trial.html",
        status,
        trial=shown.status,
        agreement=shown.agreement,
        weeks=shown.weeks,
        usual_care_notice=shown.usual_care_notice,
        **values,
    )


@router.get("/trial", response_class=HTMLResponse)
def trial_page(request: Request) -> Response:
    return trial_view(request)


@router.post("/trial")
async def trial_start(request: Request) -> Response:
    form = await request.form()
    try:
        weeks = whole(form, "weeks", "The number of weeks")
        assert weeks is not None
        service.start_trial(ctx_of(request), models.TrialStart(weeks=weeks))
    except ValidationError as e:
        return trial_view(request, 400, error=models.first_problem(e.errors()))
    except AcupressError as e:
        return trial_view(request, 400, error=str(e))
    return RedirectResponse("/trial?done=started", status_code=303)


@router.post("/trial/stop")
async def trial_stop(request: Request) -> Response:
    form = await request.form()
    try:
        service.stop_trial(ctx_of(request), field(form, "reason"))
    except AcupressError as e:
        return trial_view(request, 400, error=str(e))
    return RedirectResponse("/trial?done=stopped", status_code=303)


@router.get("/trial/result", response_class=HTMLResponse)
def trial_result(request: Request) -> Response:
    shown = service.result_page(ctx_of(request))
    return page(request, "trial_result.html", r=shown.result, chart=shown.chart)
