"""Safe by default: a token against cross-site request forgery, a check of where a change
comes from, and the headers every answer carries (a content security policy with no inline
script, no framing, no sniffing, and no caching of anything but the static files).

The token is a random nonce signed with this installation's key (kept in the data
directory, readable by its owner only), in a cookie that only this site can read back;
every form carries it in a hidden field and every API call in the ``X-CSRF-Token``
header. A page from another site can make the browser send the cookie, but cannot read
it to put it in the form or the header, nor make up a value the server would have
signed; and a browser says where a request comes from (``Origin``, else ``Referer``),
so a change sent from another site is refused whatever it carries."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from acupress.errors import AcupressError

if TYPE_CHECKING:
    from acupress.web.context import Context

COOKIE = "acupress_csrf"
HEADER = "x-csrf-token"
FIELD = "csrf_token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEY_FILE = "web.key"

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; media-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The API's documentation (Swagger UI): its script and the app's own, its icons drawn as
# data: images, the schema read and calls tried on this app; nothing else.
DOCS_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# The printable guide and report are standalone documents with their own inline styles;
# they run no script at all.
DOCUMENT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


# --- the key and the token ------------------------------------------------------------


def load_key(home: Path) -> bytes:
    """This installation's signing key: 32 random bytes, written on first use to a file
    only its owner can read, and read from it ever after (so pages open before a restart
    keep working)."""
    path = home / KEY_FILE
    try:
        if not path.exists():
            from acupress import paths

            if home == paths.home():
                paths.data_dir()  # created private, or one sentence saying why it cannot be
            else:
                home.mkdir(parents=True, exist_ok=True)
            write_new_key(path)
        text = path.read_text("ascii").strip()
    except (OSError, UnicodeDecodeError) as e:
        why = e.strerror if isinstance(e, OSError) else "not a key"
        raise AcupressError(
            f"Cannot keep the web app's key in {path} ({why}): make the data directory "
            "writable, or set ACUPRESS_HOME to one that is."
        ) from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 32:
        raise AcupressError(f"{path} is damaged: delete it, then reload the page.")
    return key


def write_new_key(path: Path) -> None:
    """A new key, written whole under another name and then linked into place, so that a
    second server starting at the same moment reads either nothing or the whole key."""
    spare = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_hex(32))
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(FileExistsError):  # the other one's key stands
            os.link(spare, path)
    finally:
        spare.unlink(missing_ok=True)


def key_of(request: Request) -> bytes:
    ctx: Context = request.app.state.ctx
    return ctx.key()


def signature(key: bytes, nonce: str) -> str:
    return hmac.new(key, nonce.encode(), hashlib.sha256).hexdigest()


NONCE = 32  # hex digits of the random part; the signature's 64 follow


def new_token(key: bytes) -> str:
    nonce = secrets.token_hex(NONCE // 2)
    return nonce + signature(key, nonce)


def issued(key: bytes, token: str) -> bool:
    """Whether this server made ``token`` (its nonce signed with the key)."""
    nonce, mac = token[:NONCE], token[NONCE:]
    return len(nonce) == NONCE and hmac.compare_digest(mac.encode(), signature(key, nonce).encode())


def token_of(request: Request) -> str:
    """This browser's token: the cookie's, if this server issued it, or a new one (set on
    the way out)."""
    existing = request.cookies.get(COOKIE, "")
    if existing and issued(key_of(request), existing):
        return existing
    new = getattr(request.state, "new_csrf", None)
    if new is None:
        new = new_token(key_of(request))
        request.state.new_csrf = new
    return str(new)


# --- the checks -----------------------------------------------------------------------


def origin(url: str) -> tuple[str, str, int] | None:
    """Scheme, host and port of a URL, the default port filled in; None if unreadable."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    return scheme, parts.hostname, port or {"http": 80, "https": 443}.get(scheme, 0)


def from_another_site(request: Request) -> str | None:
    """Where a request comes from when that is another site than this one, else None.
    A request that names no page at all (a script, curl) is judged by its token alone."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if source is None:
        return None
    here = origin(f"{request.url.scheme}://{request.headers.get('host', '')}")
    return None if here is not None and origin(source) == here else source


async def require_token(request: Request) -> None:
    """Refuse a state-changing request sent from another site, or that does not carry
    the token this server gave this browser."""
    if request.method not in UNSAFE:
        return
    elsewhere = from_another_site(request)
    if elsewhere is not None:
        raise HTTPException(
            status_code=403,
            detail=f"This request comes from another site ({elsewhere[:100]}), so it was "
            "refused: acupress takes changes only from its own pages.",
        )
    expected = request.cookies.get(COOKIE, "")
    given = request.headers.get(HEADER, "")
    if not given and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(FIELD)
        given = value if isinstance(value, str) else ""
    if not (
        expected
        and issued(key_of(request), expected)
        and hmac.compare_digest(expected.encode(), given.encode())
    ):
        raise HTTPException(
            status_code=403,
            detail="This request lacks the page's security token: reload the page and try again.",
        )


class SecurityHeaders:
    """Adds the security headers to every answer, and the token cookie when it is new.
    Only the static files (styles, script, icons) may be cached."""

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
                if not scope["path"].startswith("/static/"):
                    # pages, API answers and exports hold health data: never kept on disk
                    headers["Cache-Control"] = "no-store"
                new = scope.get("state", {}).get("new_csrf")
                if new:
                    headers.append(
                        "Set-Cookie",
                        f"{COOKIE}={new}; Path=/; SameSite=Strict; HttpOnly",
                    )
            await send(message)

        await self.app(scope, receive, send_with_headers)
