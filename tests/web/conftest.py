"""The web app served for real (uvicorn in a thread, on a free port of 127.0.0.1) and a
headless Chromium to use it, as a person would."""

from __future__ import annotations

import importlib.resources
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from acupress.clock import Clock
from acupress.web.app import create_app
from acupress.web.context import Options
from acupress.web.security import COOKIE

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FAST = 300.0  # the session clock runs this many times faster than real time


# --- the server -----------------------------------------------------------------------


@dataclass
class Api:
    """Plain HTTP calls to the app, with this client's security token (for seeding data)."""

    client: httpx.Client
    token: str

    def get(self, path: str, **kw: Any) -> Any:
        r = self.client.get(path, **kw)
        assert r.status_code < 400, r.text
        return r.json()

    def post(self, path: str, body: Any) -> Any:
        r = self.client.post(path, json=body, headers={"X-CSRF-Token": self.token})
        assert r.status_code < 400, r.text
        return r.json()


@dataclass
class Served:
    url: str
    app: FastAPI
    server: uvicorn.Server
    thread: threading.Thread
    _api: Api | None = field(default=None, repr=False)

    @property
    def api(self) -> Api:
        if self._api is None:
            client = httpx.Client(base_url=self.url, timeout=10)
            client.get("/")
            self._api = Api(client, client.cookies[COOKIE])
        return self._api

    def stop(self) -> None:
        if self._api is not None:
            self._api.client.close()
        self.server.should_exit = True
        self.thread.join(timeout=10)
        assert not self.thread.is_alive(), "the server did not shut down"


def start(speed: float, app: FastAPI | None = None, clock: Clock | None = None) -> Served:
    """The app (or ``app``) on a pre-bound socket of 127.0.0.1 (port 0: a free one), as
    `acupress serve` does, in a thread of this process; back once it accepts connections.
    With ``clock``, every session runs on it (a fake clock the test moves)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    if app is None:
        fixed = None if clock is None else (lambda _speed: clock)
        app = create_app(Options(speed=speed, clock=fixed))
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)

    def serve() -> None:
        try:
            server.run(sockets=[sock])
        finally:
            sock.close()

    thread = threading.Thread(target=serve, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the web app did not start")
        time.sleep(0.01)
    return Served(url=f"http://127.0.0.1:{port}", app=app, server=server, thread=thread)


@pytest.fixture
def serve(home: Path) -> Iterator[Callable[..., Served]]:
    """Start the app: ``serve(speed=300)``, ``serve(app=app)``, ``serve(clock=fake)``. It
    uses this test's ACUPRESS_HOME (``home``) and is shut down (its running sessions
    interrupted) when the test ends."""
    started: list[Served] = []

    def make(speed: float = FAST, app: FastAPI | None = None, clock: Clock | None = None) -> Served:
        served = start(speed, app, clock)
        started.append(served)
        return served

    yield make
    for served in reversed(started):
        served.stop()


@pytest.fixture
def server(request: pytest.FixtureRequest, serve: Callable[..., Served]) -> Served:
    """The app at the speed given by indirect parametrisation, else ``FAST``."""
    return serve(speed=getattr(request, "param", FAST))


# --- the browser ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield b
    b.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """A page in a new browser context (its own cookies): ``new_page(width=390)``."""
    contexts = []

    def make(width: int = 1280, height: int = 900, **options: Any) -> Page:
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()


# --- accessibility --------------------------------------------------------------------

AXE = (importlib.resources.files("axe_playwright_python") / "axe.min.js").read_text("utf-8")


def axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now. axe is evaluated by the debugger,
    which the page's content security policy does not restrict."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    result: dict[str, Any] = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    violations: list[dict[str, Any]] = result["violations"]
    return violations
