"""The API against its own OpenAPI schema: schemathesis generates requests for every
operation, valid and invalid, and none may end in a server error or answer outside the
schema."""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from acupress.clock import FakeClock
from tests.conftest import all_clear
from tests.web.fake import NOW, app_on

TOKEN = secrets.token_hex(16)
HEADERS = {"X-CSRF-Token": TOKEN, "Cookie": f"acupress_csrf={TOKEN}"}
HOME = Path(tempfile.mkdtemp(prefix="acupress-schema-"))

clock = FakeClock(NOW)
app = app_on(clock)
schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)


@pytest.fixture(autouse=True)
def home(monkeypatch: pytest.MonkeyPatch) -> Path:
    """One data directory for the whole module: the app keeps its journal open."""
    monkeypatch.setenv("ACUPRESS_HOME", str(HOME))
    return HOME


@pytest.fixture(autouse=True, scope="module")
def with_data() -> Iterator[None]:
    """Today's check done, a session running (id 1) and one logged by hand (id 2), so
    the routes have something to find."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ACUPRESS_HOME", str(HOME))
        client = TestClient(app)
        client.post("/api/check", json={"answers": all_clear()}, headers=HEADERS)
        client.post("/api/sessions", json={"pain_before": 5}, headers=HEADERS)
        client.post(
            "/api/journal",
            json={"day": "2026-03-01", "pain_before": 6, "pain_after": 4},
            headers=HEADERS,
        )
    yield
    app.state.ctx.close()


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_ends_in_a_server_error(case: Any) -> None:
    case.call_and_validate(
        headers=HEADERS,
        checks=[not_a_server_error, content_type_conformance, response_schema_conformance],
    )
