"""Behind a reverse proxy: the client's address, the scheme and the host name it was
asked for come from the proxy's X-Forwarded-For, -Proto and -Host headers, believed only
when the request comes from one of the trusted proxies (the trusted_proxies setting)."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware


class BehindProxy:
    """uvicorn's own handling of X-Forwarded-For and -Proto (as its forwarded_allow_ips
    does), with X-Forwarded-Host, from the same trusted proxies."""

    def __init__(self, app: ASGIApp, trusted: tuple[str, ...]) -> None:
        self.forwarded = ProxyHeadersMiddleware(app, trusted_hosts=list(trusted))  # type: ignore[arg-type]
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] == "http" and client and client[0] in self.forwarded.trusted_hosts:
            headers = scope["headers"]
            host = next((v for k, v in headers if k == b"x-forwarded-host"), None)
            if host is not None:
                first = host.split(b",")[0].strip()
                scope["headers"] = [(k, v) for k, v in headers if k != b"host"] + [(b"host", first)]
        await self.forwarded(scope, receive, send)  # type: ignore[arg-type]
