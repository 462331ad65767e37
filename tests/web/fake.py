"""The web app for the test client: today fixed, sessions on a clock the test moves."""

from __future__ import annotations

import datetime as dt

from fastapi import FastAPI

from acupress.clock import FakeClock
from acupress.web.app import create_app
from acupress.web.context import Options

NOW = dt.datetime(2026, 3, 2, 7, 30, tzinfo=dt.UTC)
TEST_CLIENT_HOST = "testserver"  # the Host the test client sends


def app_on(clock: FakeClock) -> FastAPI:
    hosts = (*Options().allowed_hosts, TEST_CLIENT_HOST)
    return create_app(Options(now=lambda: NOW, clock=lambda speed: clock, allowed_hosts=hosts))
