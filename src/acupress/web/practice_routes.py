"""The routes of sharing, in the server mode: the person's Sharing page and the
practitioner's People pages, and the same under /api/. Each reads the request, calls one
function of practice.py and answers; every route for a person's shared data only reads."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from acupress.errors import AcupressError
from acupress.web import practice
from acupress.web.api import PROBLEMS, Ctx, files, sent
from acupress.web.context import context_of
from acupress.web.practice import PersonId, ShareId
from acupress.web.security import require_token

api = APIRouter(prefix="/api", dependencies=[Depends(require_token)], responses=PROBLEMS)
pages = APIRouter(include_in_schema=False, dependencies=[Depends(require_token)])


# --- the API ----------------------------------------------------------------------------


@api.get("/sharing", tags=["sharing"])
def get_sharing(ctx: Ctx) -> practice.SharingOut:
    """Who can see your data since when, and who opened what, when (a person's account)."""
    return practice.sharing(ctx)


@api.get("/sharing/preview", tags=["sharing"])
def get_share_preview(ctx: Ctx, code: Annotated[str, Query(max_length=40)]) -> practice.CodeOut:
    """Who a share code would share your data with, and what they would see; nothing is
    shared until you post it to /api/sharing."""
    return practice.code(ctx, code)


@api.post("/sharing", tags=["sharing"], status_code=201)
def post_sharing(ctx: Ctx, given: practice.ShareIn) -> practice.ShareOut:
    """Share your journal, progress and report, read-only, with the practitioner who gave
    you the code (used once)."""
    return practice.share(ctx, given)


@api.delete("/sharing/{share_id}", tags=["sharing"], status_code=204)
def delete_sharing(ctx: Ctx, share_id: ShareId) -> Response:
    """Stop sharing: the practitioner's next request is refused."""
    practice.stop_sharing(ctx, share_id)
    return Response(status_code=204)


@api.post("/share-codes", tags=["people"], status_code=201)
def post_share_code(ctx: Ctx, request: Request) -> practice.ShareCodeOut:
    """A new share code for a person to enter, and the same as a link (a practitioner's
    account); it is used once and expires after 48 hours."""
    return practice.make_code(ctx, str(request.base_url))


@api.get("/people", tags=["people"])
def list_people(ctx: Ctx) -> list[practice.PersonEntryOut]:
    """The people sharing with you, those with a flag that changes a session first (a
    practitioner's account). Each person's access log records that their entry was shown."""
    return [row.entry for row in practice.people(ctx)]


@api.get("/people/{person_id}", tags=["people"])
def get_person(ctx: Ctx, person_id: PersonId) -> practice.PersonOut:
    """A person's journal and progress, read-only, while they share with you."""
    return practice.person(ctx, person_id)


@api.get(
    "/people/{person_id}/report.{fmt}",
    tags=["people"],
    response_class=Response,
    responses=files("text/html", "application/pdf"),
)
def get_person_report(
    ctx: Ctx,
    person_id: PersonId,
    fmt: Literal["html", "pdf"],
    since: Annotated[dt.date | None, Query(alias="from")] = None,
    until: Annotated[dt.date | None, Query(alias="to")] = None,
) -> Response:
    """A person's one-page report, while they share with you."""
    return sent(practice.person_report(ctx, person_id, fmt, since, until))


# --- the pages --------------------------------------------------------------------------


def sharing_view(request: Request, status: int = 200, **values: object) -> Response:
    from acupress.web.pages import page

    shown = practice.sharing(context_of(request))
    return page(request, "sharing.html", status, shares=shown.shares, access=shown.access, **values)


@pages.get("/sharing", response_class=HTMLResponse)
def sharing_page(request: Request) -> Response:
    """The person's sharing; opened from a practitioner's link, it asks to confirm first."""
    given = request.query_params.get("code")
    if given is None:
        return sharing_view(request)
    return confirm_view(request, given)


def confirm_view(request: Request, given: str) -> Response:
    from acupress.web.pages import page

    ctx = context_of(request)
    practice.person_account(ctx)  # anyone else is answered by the error page
    try:
        found = practice.code(ctx, given)
    except AcupressError as e:
        return sharing_view(request, 400, error=e.on_web(), given=given[:40])
    return page(request, "sharing_confirm.html", found=found, code=given[:40].strip())


@pages.post("/sharing/code", response_class=HTMLResponse)
async def sharing_code(request: Request) -> Response:
    form = await request.form()
    given = form.get("code")
    return confirm_view(request, given if isinstance(given, str) else "")


@pages.post("/sharing", response_class=HTMLResponse)
async def sharing_confirm(request: Request) -> Response:
    form = await request.form()
    given = form.get("code")
    practice.person_account(context_of(request))
    try:
        practice.share(context_of(request), practice.ShareIn(code=str(given or "")[:40]))
    except AcupressError as e:
        return sharing_view(request, 400, error=e.on_web())
    return RedirectResponse("/sharing?done=shared", status_code=303)


@pages.post("/sharing/{share_id}/stop")
def sharing_stop(request: Request, share_id: ShareId) -> Response:
    practice.stop_sharing(context_of(request), share_id)
    return RedirectResponse("/sharing?done=unshared", status_code=303)


def people_view(request: Request, status: int = 200, **values: object) -> Response:
    from acupress.web.pages import page

    rows = practice.people(context_of(request), with_charts=True)
    return page(request, "people.html", status, rows=rows, **values)


@pages.get("/people", response_class=HTMLResponse)
def people_page(request: Request) -> Response:
    return people_view(request)


@pages.post("/people/code", response_class=HTMLResponse)
def people_code(request: Request) -> Response:
    made = practice.make_code(context_of(request), str(request.base_url))
    return people_view(request, made=made)


@pages.get("/people/{person_id}", response_class=HTMLResponse)
def person_page(request: Request, person_id: PersonId) -> Response:
    from acupress.web.pages import page

    shown = practice.person_page(context_of(request), person_id)
    return page(request, "person.html", p=shown.person, pain_svg=shown.pain_svg)
