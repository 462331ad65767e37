"""How much a request may send: a JSON export for the two imports, far less for anything
else. The body is counted as it arrives and refused (413, one sentence) the moment it
passes its limit, or at once when its declared length already does, so a huge upload is
never read whole."""

from __future__ import annotations

from fastapi import HTTPException
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MB = 1_000_000
IMPORT_MAX = 50 * MB  # a JSON export of acupress: years of daily sessions fit many times
BODY_MAX = 1 * MB  # every form and API call: a note is at most a few kilobytes
IMPORTS = frozenset({"/api/import", "/take-away/import"})


def limit_of(path: str) -> int:
    return IMPORT_MAX if path in IMPORTS else BODY_MAX


def too_large(path: str) -> str:
    if path in IMPORTS:
        return f"The file is larger than {IMPORT_MAX // MB} MB: that is not an acupress export."
    return (
        f"The request is larger than {BODY_MAX // MB} MB: "
        "no form or API call of acupress sends that much."
    )


class BodyLimit:
    """Refuses a request body past its path's limit while it is being read.

    FastAPI's own ``max_body_size`` answers a body whose declared length is too large
    with plain text of its own, past the app's error answers; this one raises the 413
    inside the app, so it is answered like every other refusal (JSON ``detail`` or a
    page)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        limit = limit_of(path)
        declared = Headers(scope=scope).get("content-length", "")
        received = 0

        async def limited() -> Message:
            nonlocal received
            if declared.isdigit() and int(declared) > limit:
                raise HTTPException(413, too_large(path))
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, too_large(path))
            return message

        await self.app(scope, limited, send)
