"""Safe by default: a token against cross-site request forgery, and the headers every
answer carries (a content security policy with no inline script, no framing, no sniffing).

The token is a random value in a cookie that only this site can read back; every form
carries it in a hidden field and every API call in the ``X-CSRF-Token`` header. A page
from another site can make the browser send the cookie, but cannot read it to put it in
the form or the header, so its request is refused (the double-submit pattern)."""

from __future__ import annotations

import hmac
import secrets

from fastapi import HTTPException, Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "acupress_csrf"
HEADER = "x-csrf-token"
FIELD = "csrf_token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; media-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The printable guide and report are standalone documents with their own inline styles;
# they run no script at all.
DOCUMENT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def token_of(request: Request) -> str:
    """This browser's token: the cookie's, or a new one (set on the way out)."""
    existing = request.cookies.get(COOKIE, "")
    if len(existing) >= 32 and existing.isalnum():
        return existing
    new = getattr(request.state, "new_csrf", None)
    if new is None:
        new = secrets.token_hex(16)
        request.state.new_csrf = new
    return str(new)


async def require_token(request: Request) -> None:
    """Refuse a state-changing request that does not carry this browser's token."""
    if request.method not in UNSAFE:
        return
    expected = request.cookies.get(COOKIE, "")
    given = request.headers.get(HEADER, "")
    if not given and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(FIELD)
        given = value if isinstance(value, str) else ""
    if not expected or not hmac.compare_digest(expected.encode(), given.encode()):
        raise HTTPException(
            status_code=403,
            detail="This request lacks the page's security token: reload the page and try again.",
        )


class SecurityHeaders:
    """Adds the security headers to every answer, and the token cookie when it is new."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "content-security-policy" not in headers:
                    headers["Content-Security-Policy"] = PAGE_POLICY
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "same-origin"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
                new = scope.get("state", {}).get("new_csrf")
                if new:
                    headers.append(
                        "Set-Cookie",
                        f"{COOKIE}={new}; Path=/; SameSite=Strict; HttpOnly",
                    )
            await send(message)

        await self.app(scope, receive, send_with_headers)
