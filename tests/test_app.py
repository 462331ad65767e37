"""The application object: content loaded once, the journal opened when first needed and
kept, the time from the clock it is given."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from acupress.app import App
from acupress.records import SessionLog

NOON = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def test_now_and_today_come_from_the_clock_it_is_given() -> None:
    app = App(now=lambda: NOON)
    assert (app.now(), app.today()) == (NOON, dt.date(2026, 3, 1))


def test_a_new_person_has_no_journal_and_nothing_is_created(home: Path) -> None:
    app = App(now=lambda: NOON)
    assert app.journal_if_any() is None
    assert app.progress().sessions == 0
    assert app.decision() is None
    assert not (home / "journal.db").exists()


def test_the_journal_is_opened_once_and_closed_with_the_app(home: Path) -> None:
    app = App(now=lambda: NOON)
    db = app.journal()
    assert app.journal() is db and app.journal_if_any() is db
    app.close()
    assert (home / "journal.db").exists()
    assert app.journal() is not db
    app.close()


def test_progress_follows_the_journal_and_is_read_again_only_when_it_changed() -> None:
    app = App(now=lambda: NOON)
    app.journal()
    first = app.progress()
    assert app.progress() is first
    log = SessionLog(
        id=None,
        started_at=NOON - dt.timedelta(hours=2),
        day=NOON.date(),
        protocol="low-back",
        source="manual",
        pain_before=6,
        pain_after=4,
        complete=True,
    )
    app.journal().add(log)
    assert app.progress() is not first
    assert app.progress().sessions == 1
    app.close()


def test_content_is_loaded_once(home: Path) -> None:
    app = App()
    assert app.atlas is app.atlas and app.screening is app.screening
    assert app.protocol("low-back").name == "low-back"
    assert "low-back" in app.protocols()


def test_a_thumb_width_given_is_checked_else_the_profiles_is_used() -> None:
    app = App()
    assert app.thumb_cm(None) is None
    assert app.thumb_cm(2.1) == 2.1
