"""The web app over real HTTP (uvicorn on a free port of 127.0.0.1): what only a real
server shows, such as a kept-alive connection after an error, a path sent exactly as
written, and a body cut off while it is still arriving."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from acupress.web.app import create_app
from acupress.web.context import Options
from tests.web.conftest import Served

Serve = Callable[..., Served]


def local_port(response: httpx.Response) -> int:
    """The client's own port of the connection that carried ``response``."""
    stream = response.extensions["network_stream"]
    port: int = stream.get_extra_info("client_addr")[1]
    return port


def failing_app() -> Any:
    """The app with two routes that fail as a bug would: one in the API, one a page."""
    app = create_app(Options())

    def broken() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/api/broken", broken)
    app.add_api_route("/broken", broken)
    return app


def test_after_an_unexpected_error_the_same_connection_serves_the_next_request(
    serve: Serve, caplog: pytest.LogCaptureFixture
) -> None:
    server = serve(app=failing_app())
    with httpx.Client(base_url=server.url, timeout=10) as client:
        failed = client.get("/api/broken")
        page = client.get("/broken")
        after = client.get("/api/today")
        ports = {local_port(r) for r in (failed, page, after)}
    assert len(ports) == 1, "a new connection was needed"
    assert failed.status_code == 500
    assert failed.json() == {"detail": "Unexpected error (RuntimeError); nothing more was saved."}
    assert page.status_code == 500
    assert "Unexpected error (RuntimeError); nothing more was saved." in page.text
    assert after.status_code == 200
    assert "RuntimeError: a bug" in caplog.text  # the traceback is logged
