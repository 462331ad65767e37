"""Settings saved by many requests at once, served for real (the app answers requests in
a thread pool): every save is answered and kept whole, and nothing else in the profile
is lost; a data directory that cannot exist is one sentence."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from acupress import profile
from acupress.clock import FakeClock
from acupress.web.security import COOKIE
from tests.conftest import all_clear
from tests.web.conftest import Served
from tests.web.fake import NOW, app_on

THREADS, SAVES = 8, 30


def settings(thread: int, save: int) -> dict[str, Any]:
    """A different whole set of settings for every save; the thumb width tells which it
    was, and every session length is one the protocol allows (14 minutes or more)."""
    index = thread * SAVES + save
    return {
        "thumb_cm": 1 + index / 100,
        "minutes": 14 + index % 200,
        "partner": index % 2 == 0,
        "sound": index % 3 == 0,
        "speech": index % 5 == 0,
        "vibrate": index % 7 == 0,
    }


def client_of(served: Served) -> tuple[httpx.Client, dict[str, str]]:
    client = httpx.Client(base_url=served.url, timeout=30)
    client.get("/")
    return client, {"X-CSRF-Token": client.cookies[COOKIE]}


def test_settings_saved_by_many_clients_at_once_are_all_kept_whole(
    serve: Callable[..., Served], home: Path
) -> None:
    served = serve()
    answers: list[int] = []
    whole: list[Any] = []
    broken: list[str] = []
    done = threading.Event()

    def save_all(thread: int) -> None:
        client, token = client_of(served)
        try:
            for save in range(SAVES):
                r = client.put("/api/settings", json=settings(thread, save), headers=token)
                answers.append(r.status_code)
        finally:
            client.close()

    def check_all() -> None:
        client, token = client_of(served)
        try:
            for _ in range(SAVES):
                pregnant = {"answers": all_clear() | {"pregnant": True}}
                answers.append(client.post("/api/check", json=pregnant, headers=token).status_code)
        finally:
            client.close()

    def read_all() -> None:
        while not done.is_set():
            path = home / "profile.json"
            if path.exists():
                text = path.read_text()
                try:
                    whole.append(json.loads(text))
                except json.JSONDecodeError:
                    broken.append(text)

    savers = [threading.Thread(target=save_all, args=(i,)) for i in range(THREADS)]
    others = [threading.Thread(target=check_all), threading.Thread(target=read_all)]
    for t in [*savers, *others]:
        t.start()
    for t in [*savers, others[0]]:
        t.join()
    done.set()
    others[1].join()

    assert answers == [200] * (THREADS + 1) * SAVES
    assert broken == []
    assert whole, "the reader saw the file"
    last_saves = [settings(i, SAVES - 1) for i in range(THREADS)]
    with httpx.Client(base_url=served.url) as client:
        shown = client.get("/api/settings").json()
    assert shown in last_saves  # the last save wins, whole
    me = profile.load()
    assert me.conditions == ("pregnancy",)  # and the checks made meanwhile are kept
    assert not [p.name for p in home.iterdir() if ".tmp" in p.name]


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
        shown = client.get("/settings")
        assert shown.status_code == 400 and sentence in shown.text
        token = "0" * 96  # no token can be issued without the data directory
        client.cookies.set(COOKIE, token)
        api = client.put("/api/settings", json=settings(0, 0), headers={"X-CSRF-Token": token})
        assert (api.status_code, api.json()) == (400, {"detail": sentence})
        page = client.post(
            "/settings",
            data={"thumb_cm": "2.1", "minutes": "20", "csrf_token": token},
            headers={"X-CSRF-Token": token},
        )
        assert page.status_code == 400
        assert sentence in page.text
    assert home_under_a_file.read_text() == "not a folder"
