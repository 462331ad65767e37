"""Restoring a JSON export: sessions come back once, and a file that cannot be an export
is refused in one sentence with nothing written."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from acupress import actions, restore
from acupress.app import App
from acupress.errors import AcupressError
from acupress.journal import Journal

NOW = dt.datetime(2026, 3, 2, 7, 30, tzinfo=dt.UTC)


def logged_by_hand() -> None:
    with Journal() as db:
        db.add(
            actions.manual_session(
                day=dt.date(2026, 3, 1),
                at=None,
                pain_before=6,
                pain_after=4,
                points=("BL23",),
                minutes=10,
                note="",
                protocol="low-back",
                now=NOW,
            )
        )


def test_an_export_restored_again_adds_nothing() -> None:
    logged_by_hand()
    app = App(now=lambda: NOW)
    data = actions.export_journal("json", None, None, app).data
    done = restore.import_file(io.BytesIO(data), "backup.json", False, app)
    assert (done.added, done.present) == (0, 1)


def test_a_file_too_deep_to_read_is_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    def exhausted(*_args: Any, **_kw: Any) -> actions.Imported:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(actions, "import_journal", exhausted)
    with pytest.raises(AcupressError) as refused:
        restore.import_file(io.BytesIO(b"[]"), "deep.json", False, App(now=lambda: NOW))
    assert str(refused.value) == (
        "deep.json cannot be imported: it is nested too deeply to be an acupress export; "
        "nothing was imported."
    )
