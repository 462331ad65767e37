"""The usual session length in Settings: never shorter than the shortest session, in the
API and in the form, and a refused length changes nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from acupress.clock import FakeClock
from tests.web.fake import NOW, app_on

TOO_SHORT = (
    "The shortest low-back session is 14 minutes: give a usual session length of 14 minutes "
    "or more, not 10."
)


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(app_on(FakeClock(NOW)), follow_redirects=False) as c:
        c.get("/")  # the first page sets the token cookie
        yield c


def csrf(client: TestClient) -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get("/settings").text)
    assert found
    return found[1]


def test_the_api_refuses_a_session_shorter_than_the_protocol_allows(
    client: TestClient, home: Path
) -> None:
    headers = {"X-CSRF-Token": client.cookies["acupress_csrf"]}
    bad = client.put("/api/settings", json={"minutes": 10, "thumb_cm": 2.0}, headers=headers)
    assert bad.status_code == 400
    assert bad.json() == {"detail": TOO_SHORT}
    assert not (home / "profile.json").exists()
    ok = client.put("/api/settings", json={"minutes": 14}, headers=headers)
    assert ok.status_code == 200 and ok.json()["minutes"] == 14
    assert client.get("/api/plan").json()["budget_seconds"] == 14 * 60


def test_the_settings_form_refuses_it_and_keeps_what_was_saved(
    client: TestClient, home: Path
) -> None:
    form = {"csrf_token": csrf(client), "minutes": "20", "thumb_cm": "2.1"}
    assert client.post("/settings", data=form).status_code == 303
    saved = (home / "profile.json").read_text()
    page = client.post("/settings", data=form | {"minutes": "10", "thumb_cm": "2.5"})
    assert page.status_code == 400
    assert TOO_SHORT in page.text
    assert (home / "profile.json").read_text() == saved


def test_a_profile_too_short_from_elsewhere_is_fixed_in_settings_not_a_command(
    client: TestClient, home: Path
) -> None:
    """A usual length saved before the routine grew (or by hand) stops planning; the web
    says where to change it on the web, not which terminal command to type."""
    (home / "profile.json").write_text('{"minutes": 10}')
    refused = client.get("/api/plan")
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": "Your usual session length (10 minutes) is shorter than the shortest "
        "low-back session (14 minutes): change it to 14 or more in Settings."
    }
