"""Signing in, for the server mode: the sign-in page, an invitation's set-a-password page,
signing out (here or everywhere), and the one check every other request passes.

A login is a random token in an HttpOnly, SameSite=Lax cookie (Secure over HTTPS); the
database keeps only its hash, with its idle and absolute expiry (``accounts``).
``RequireSignIn`` looks the cookie up once per request and gives the request its
account's context, which every route then reaches through ``context_of``: no route
picks the account itself."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from acupress.errors import AcupressError, NotSignedIn, TooManyAttempts
from acupress.web.security import require_token

if TYPE_CHECKING:
    from acupress.accounts import Login
    from acupress.web.context import Context

COOKIE = "acupress_login"
# Open to anyone: the pages to sign in with, the files they need, and the app's health.
PUBLIC = ("/sign-in", "/invitation/", "/static/", "/api/health")
SIGN_IN_FIRST = "Sign in first: this acupress keeps each person's journal to themselves."

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_token)])


def public(path: str) -> bool:
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in PUBLIC)


class RequireSignIn:
    """In the server mode, every request but the public ones needs a login: a page is
    sent to the sign-in page, the API answers 401. A signed-in request gets its account
    and that account's context (``request.state.account``, ``request.state.ctx``)."""

    def __init__(self, app: ASGIApp, ctx: Context) -> None:
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.ctx.options.accounts:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        token = request.cookies.get(COOKIE, "")
        account = None
        if token:
            try:
                account = await anyio.to_thread.run_sync(
                    lambda: self.ctx.accounts().signed_in(token, self.ctx.now())
                )
            except NotSignedIn:
                account = None
        if account is not None:
            state = scope.setdefault("state", {})
            state["account"] = account
            state["ctx"] = self.ctx.for_account(account)
        elif not public(request.url.path):
            response: Response
            if request.url.path.startswith("/api/"):
                response = JSONResponse({"detail": SIGN_IN_FIRST}, status_code=401)
            else:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                response = RedirectResponse(f"/sign-in?next={quote(target)}", status_code=303)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def ctx_of(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


def address_of(request: Request) -> str:
    """The address a request came from (the proxy's X-Forwarded-For, when it is trusted)."""
    return request.client.host if request.client else "unknown"


def next_page(target: str) -> str:
    """Where to go after signing in: a page of this app only."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


def signed_in(request: Request, login: Login, to: str) -> Response:
    response = RedirectResponse(next_page(to), status_code=303)
    response.set_cookie(
        COOKIE,
        login.token,
        max_age=int((login.expires_at - ctx_of(request).now()).total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


def signed_out(to: str) -> Response:
    response = RedirectResponse(to, status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def form_page(request: Request, template: str, status: int = 200, **values: object) -> Response:
    from acupress.web.pages import page

    return page(request, template, status, nav=(), **values)


# --- signing in -----------------------------------------------------------------------


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request) -> Response:
    return form_page(request, "sign_in.html", next=request.query_params.get("next", "/"))


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await request.form()
    name = str(form.get("name") or "")
    password = str(form.get("password") or "")
    to = str(form.get("next") or "/")
    try:
        login = await anyio.to_thread.run_sync(
            lambda: ctx.accounts().sign_in(name, password, address_of(request), ctx.now())
        )
    except TooManyAttempts as e:
        return form_page(request, "sign_in.html", 429, error=e.on_web(), given=name, next=to)
    except NotSignedIn as e:
        return form_page(request, "sign_in.html", 401, error=e.on_web(), given=name, next=to)
    return signed_in(request, login, to)


@router.post("/sign-out")
def sign_out(request: Request) -> Response:
    ctx = ctx_of(request)
    token = request.cookies.get(COOKIE, "")
    if token and ctx.options.accounts:
        ctx.accounts().sign_out(token, ctx.now())
    return signed_out("/sign-in")


@router.post("/sign-out-everywhere")
def sign_out_everywhere(request: Request) -> Response:
    ctx = ctx_of(request)
    account = getattr(request.state, "account", None)
    if account is not None:
        ctx.accounts().sign_out_everywhere(account.id, ctx.now())
    return signed_out("/sign-in")


# --- an invitation --------------------------------------------------------------------


@router.get("/invitation/{token}", response_class=HTMLResponse)
def invitation_form(request: Request, token: str) -> Response:
    ctx = ctx_of(request)
    account = ctx.accounts().invited(token, ctx.now())
    return form_page(request, "invitation.html", account=account, token=token)


@router.post("/invitation/{token}", response_class=HTMLResponse)
async def invitation(request: Request, token: str) -> Response:
    ctx = ctx_of(request)
    form = await request.form()
    password = str(form.get("password") or "")
    again = str(form.get("again") or "")
    book = ctx.accounts()
    account = book.invited(token, ctx.now())
    try:
        if password != again:
            raise AcupressError("The two passwords differ: type the same one twice.")
        await anyio.to_thread.run_sync(lambda: book.accept(token, password, ctx.now()))
    except AcupressError as e:
        return form_page(
            request, "invitation.html", 400, account=account, token=token, error=e.on_web()
        )
    login = await anyio.to_thread.run_sync(
        lambda: book.sign_in(account.name, password, address_of(request), ctx.now())
    )
    return signed_in(request, login, "/")
