"""The web app: the pages and the JSON API over the same core and journal as the command
line, served on this computer only unless told otherwise."""

from __future__ import annotations

import contextlib
import logging
import mimetypes
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from acupress import __version__
from acupress.errors import AcupressError, Busy, Conflict, NotFound, NotSignedIn, TooManyAttempts
from acupress.web import api, models, pages, practice_routes, signin
from acupress.web.context import Options, make_context
from acupress.web.limits import BodyLimit
from acupress.web.proxy import BehindProxy
from acupress.web.security import SecurityHeaders

STATIC = Path(__file__).parent / "static"
mimetypes.add_type("application/manifest+json", ".webmanifest")
log = logging.getLogger("acupress.web")


def create_app(options: Options | None = None) -> FastAPI:
    ctx = make_context(options or Options())

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        ctx.close()

    app = FastAPI(
        title="acupress",
        version=__version__,
        summary="Acupressure for low back pain: atlas, safety check, guided sessions, journal.",
        lifespan=lifespan,
        docs_url=None,  # served by pages.api_docs, with its assets from this app
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.ctx = ctx
    if ctx.options.accounts:
        app.include_router(signin.router)
    app.include_router(api.router)
    app.include_router(practice_routes.api)
    app.include_router(pages.router)
    app.include_router(practice_routes.pages)

    worker = (STATIC / "sw.js").read_text("utf-8").replace("acupress-v1", f"acupress-{__version__}")

    @app.get("/sw.js", include_in_schema=False)
    def service_worker() -> Response:
        """The service worker, from the site's root so that it serves every page; its
        cache is named for this version, so an upgrade starts a new one."""
        return Response(worker, media_type="text/javascript")

    # Swagger UI's files for /api/docs, from a package that ships them (no CDN)
    swagger = StaticFiles(packages=[("fastapi_offline", "static")])
    app.mount("/static/swagger-ui", swagger, name="swagger-ui")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(signin.RequireSignIn, ctx=ctx)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(ctx.options.allowed_hosts))
    app.add_middleware(BodyLimit)
    app.add_middleware(AnswerUnexpected)
    app.add_middleware(SecurityHeaders)
    if ctx.options.trusted_proxies:
        app.add_middleware(BehindProxy, trusted=ctx.options.trusted_proxies)
    add_error_handlers(app)
    return app


def from_settings() -> FastAPI:
    """The app as each worker of ``acupress serve --workers N`` makes it: as the settings
    say (the command sets them for its workers)."""
    from dataclasses import replace

    from acupress import settings
    from acupress.web.context import served_options

    since = settings.given("speed_since")
    options = served_options(local=False, speed=float(settings.given("speed") or 1))
    return create_app(replace(options, speed_since=float(since) if since else None))


def status_of(e: AcupressError) -> int:
    if isinstance(e, NotFound):
        return 404
    if isinstance(e, NotSignedIn):
        return 401
    if isinstance(e, TooManyAttempts):
        return 429
    if isinstance(e, Busy):
        return 503
    if isinstance(e, Conflict):
        return 409
    return 400


UNREADABLE_BODY = "There was an error parsing the body"  # FastAPI's words, for any cause
NESTED_TOO_DEEPLY = (
    "The request's JSON is nested too deeply to read: no acupress request nests more than a "
    "few levels."
)
NOT_JSON = "The request's body cannot be read as JSON: send UTF-8 JSON, as /api/docs shows."
NOT_JSON_AT = (
    "The request's body is not valid JSON (see character {at}): send JSON, as /api/docs shows."
)


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def add_error_handlers(app: FastAPI) -> None:
    """The errors FastAPI would answer in its own way, answered by ``handle_exception``
    (anything else is caught by ``AnswerUnexpected``)."""
    for kind in (AcupressError, StarletteHTTPException, RecursionError, RequestValidationError):
        app.add_exception_handler(kind, handle_exception)


async def handle_exception(request: Request, e: Exception) -> Response:
    """Every failure as one sentence with its status: JSON ``detail`` for the API, a page
    for people."""
    status, detail = problem(request, e)
    if wants_json(request):
        return JSONResponse({"detail": detail}, status_code=status)
    return pages.error_page(request, status, detail)


def problem(request: Request, e: Exception) -> tuple[int, str]:
    """The status and the sentence that answer ``e``."""
    if isinstance(e, AcupressError):
        return status_of(e), e.on_web()
    if isinstance(e, StarletteHTTPException):
        detail = e.detail if isinstance(e.detail, str) else "The request was refused."
        if e.status_code == 404 and detail == "Not Found":
            detail = f"There is no page {request.url.path} here."
        if e.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}."
        if detail == UNREADABLE_BODY:
            detail = NESTED_TOO_DEEPLY if isinstance(e.__cause__, RecursionError) else NOT_JSON
        return e.status_code, detail
    if isinstance(e, RecursionError):
        # Only a hostile body nests deep enough to exhaust the stack while it is read.
        return 400, NESTED_TOO_DEEPLY
    if isinstance(e, RequestValidationError):
        errors = e.errors()
        if errors and errors[0].get("type") == "json_invalid":
            at = errors[0].get("loc", ("body", 0))[-1]
            return 422, NOT_JSON_AT.format(at=at)
        return 422, models.first_problem(errors)
    return 500, f"Unexpected error ({type(e).__name__}); nothing more was saved."


class AnswerUnexpected:
    """An unexpected error (a bug) answered with one sentence, its traceback logged.

    Starlette's own last resort answers, then raises the error again to the server, which
    drops the connection: the browser's next request on it would fail too. Here the error
    ends with the answer, and the connection stays usable."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as e:
            if started:  # half an answer is out: only dropping the connection says so
                raise
            request = Request(scope, receive)
            log.exception("unexpected error on %s %s", request.method, request.url.path)
            try:
                response = await handle_exception(request, e)
            except Exception:  # the error page itself fails: the sentence alone
                log.exception("the error page failed too")
                status, detail = problem(request, e)
                response = PlainTextResponse(detail, status_code=status)
            await response(scope, receive, send)
