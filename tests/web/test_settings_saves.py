"""Settings saved by many requests at once, served for real (the app answers requests in
a thread pool): every save is answered and kept whole, and nothing else in the profile
is lost; a data directory that cannot exist is one sentence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from acupress.clock import FakeClock
from acupress.web.security import COOKIE
from tests.web.fake import NOW, app_on

THREADS, SAVES = 8, 30


def settings(thread: int, save: int) -> dict[str, Any]:
    """A different whole set of settings for every save; each field tells which it was."""
    minutes = 1 + thread * SAVES + save
    return {
        "thumb_cm": 1 + minutes / 100,
        "minutes": minutes,
        "partner": minutes % 2 == 0,
        "sound": minutes % 3 == 0,
        "speech": minutes % 5 == 0,
    }


@pytest.fixture
def home_under_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ACUPRESS_HOME", str(blocker / "home"))
    return blocker


def test_settings_under_a_file_are_refused_in_one_sentence(home_under_a_file: Path) -> None:
    sentence = (
        f"Cannot create the data directory {home_under_a_file / 'home'}: {home_under_a_file} "
        "is not a folder (set ACUPRESS_HOME to a folder you can write to)."
    )
    with TestClient(app_on(FakeClock(NOW))) as client:
        client.get("/")
        token = {"X-CSRF-Token": client.cookies[COOKIE]}
        api = client.put("/api/settings", json=settings(0, 0), headers=token)
        assert (api.status_code, api.json()) == (400, {"detail": sentence})
        page = client.post(
            "/settings",
            data={"thumb_cm": "2.1", "minutes": "20", "csrf_token": client.cookies[COOKIE]},
            headers=token,
        )
        assert page.status_code == 400
        assert sentence in page.text
    assert home_under_a_file.read_text() == "not a folder"
