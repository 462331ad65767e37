"""The web app over real HTTP (uvicorn on a free port of 127.0.0.1): what only a real
server shows, such as a kept-alive connection after an error, a path sent exactly as
written, and a body cut off while it is still arriving."""

from __future__ import annotations

import http.client
import json
import select
import socket
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from acupress.web.app import create_app
from acupress.web.context import Options
from tests.web.conftest import Served

Serve = Callable[..., Served]


def connect(server: Served) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def request_head(server: Served, method: str, path: str, *headers: str) -> bytes:
    """The start of a request exactly as written: no client tidies the path."""
    host = server.url.removeprefix("http://")
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", *headers, "", ""]
    return "\r\n".join(lines).encode()


def read_answer(sock: socket.socket) -> tuple[int, Any]:
    """The server's answer on ``sock``: its status and its JSON body."""
    answer = http.client.HTTPResponse(sock)
    answer.begin()
    return answer.status, json.loads(answer.read())


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


# --- a body cut off while it arrives ----------------------------------------------------


def import_head(server: Served, *headers: str) -> bytes:
    token = server.api.token
    return request_head(
        server,
        "POST",
        "/api/import",
        f"X-CSRF-Token: {token}",
        f"Cookie: acupress_csrf={token}",
        "Content-Type: application/json",
        *headers,
    )


def test_an_import_declared_larger_than_50_mb_is_refused_before_its_body_is_sent(
    serve: Serve,
) -> None:
    server = serve()
    with connect(server) as sock:
        sock.sendall(import_head(server, "Content-Length: 60000000"))
        status, body = read_answer(sock)
    assert status == 413
    assert body == {"detail": "The file is larger than 50 MB: that is not an acupress export."}


def test_an_import_sent_in_pieces_is_cut_off_at_50_mb(serve: Serve) -> None:
    """The answer comes while the body is still being sent, soon after 50 MB: the app
    stops reading there instead of taking the whole body in first."""
    server = serve()
    piece = b" " * 1_000_000
    sent = 0
    with connect(server) as sock:
        sock.sendall(import_head(server, "Transfer-Encoding: chunked"))
        while sent < 80_000_000 and not select.select([sock], [], [], 0)[0]:
            sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
            sent += len(piece)
        answered_after = sent
        status, body = read_answer(sock)
    assert answered_after < 70_000_000, "no answer until the whole body was sent"
    assert status == 413
    assert body == {"detail": "The file is larger than 50 MB: that is not an acupress export."}
    assert server.api.get("/api/journal") == []


# --- paths sent exactly as written --------------------------------------------------------


def get_raw(server: Served, path: str) -> tuple[int, Any]:
    with connect(server) as sock:
        sock.sendall(request_head(server, "GET", path, "Connection: close"))
        return read_answer(sock)


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        # dot segments reach the app as they are: no route takes a name with a slash
        (
            "/api/charts/protocols/../../etc/passwd.svg",
            "There is no page /api/charts/protocols/../../etc/passwd.svg here.",
        ),
        (
            "/api/charts/protocols/..%2F..%2Fetc%2Fpasswd.svg",
            "There is no page /api/charts/protocols/../../etc/passwd.svg here.",
        ),
        # a name the route does take: protocols are looked up by name, never opened by path
        (
            "/api/charts/protocols/%2E%2E.svg",
            "Unknown protocol '..': known protocols are low-back.",
        ),
        (
            "/api/charts/protocols/..%5C..%5Cetc%5Cpasswd.svg",
            "Unknown protocol '..\\..\\etc\\passwd': known protocols are low-back.",
        ),
        (
            "/api/charts/points/..%5C..%5Cetc%5Cpasswd.svg",
            "Unknown point '..\\..\\etc\\passwd': ",
        ),
    ],
)
def test_a_path_out_of_the_app_is_refused_by_the_app_itself(
    serve: Serve, path: str, detail: str
) -> None:
    status, body = get_raw(serve(), path)
    assert status == 404
    assert body["detail"].startswith(detail)


def test_static_files_stay_inside_their_folder(serve: Serve) -> None:
    server = serve()
    with connect(server) as sock:
        sock.sendall(
            request_head(server, "GET", "/static/../../../../etc/passwd", "Connection: close")
        )
        answer = http.client.HTTPResponse(sock)
        answer.begin()
        text = answer.read().decode()
    assert answer.status == 404
    assert "There is no page /static/../../../../etc/passwd here." in text
    assert "root:" not in text
