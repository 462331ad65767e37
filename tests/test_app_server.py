"""The profile and today's check: files for the single-person app, the database in the
server mode, one account's apart from another's; the rest of the code asks the App."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from acupress import actions
from acupress.app import App
from tests.conftest import all_clear
from tests.postgresql import Server
from tests.test_journal_owners import add_account

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def at(moment: dt.datetime, owner: int = 1) -> App:
    return App(now=lambda: moment, owner=owner)


def test_in_the_server_mode_the_profile_and_todays_check_are_in_the_database_per_account(
    postgresql: Server, monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:
    url = postgresql.fresh()
    monkeypatch.setenv("ACUPRESS_DATABASE_URL", url)
    other = add_account(url, "alex")
    app = at(NOW)
    actions.change_profile(app, thumb_cm=2.2, minutes=25)
    decision = actions.check_now(app, actions.parse_answers(app, all_clear() | {"pregnant": True}))
    assert decision.session_allowed and "pregnancy" in decision.rules
    app.close()

    again = at(NOW + dt.timedelta(hours=1))  # another process, later that day
    assert (again.profile().thumb_cm, again.profile().minutes) == (2.2, 25)
    assert again.profile().conditions == decision.rules
    assert actions.saved_answers(again) is not None
    assert again.decision() is not None and "pregnancy" in again.decision().rules  # type: ignore[union-attr]
    again.close()
    assert not (home / "profile.json").exists() and not (home / "check.json").exists()

    theirs = at(NOW, owner=other)
    assert theirs.profile() == replace(theirs.profile(), thumb_cm=None, minutes=None)
    assert theirs.profile().conditions == () and actions.saved_answers(theirs) is None
    theirs.close()
    tomorrow = at(NOW + dt.timedelta(days=1))
    assert actions.saved_answers(tomorrow) is None  # a check holds for its day
    tomorrow.close()


def test_the_single_person_app_keeps_its_profile_and_check_in_files(home: Path) -> None:
    app = at(NOW)
    actions.change_profile(app, thumb_cm=2.0)
    actions.check_now(app, actions.parse_answers(app, all_clear()))
    assert app.profile().thumb_cm == 2.0 and actions.saved_answers(app) is not None
    app.close()
    assert (home / "profile.json").exists() and (home / "check.json").exists()


def test_the_progress_kept_on_a_database_server_follows_writes_made_elsewhere(
    postgresql: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    from acupress.journal import Journal
    from tests.test_journal_owners import session

    url = postgresql.fresh()
    monkeypatch.setenv("ACUPRESS_DATABASE_URL", url)
    app = at(NOW)
    first = app.progress()
    assert first.last_day is None
    assert app.progress() is first  # kept while nothing changed
    with Journal(url) as elsewhere:  # another worker, or the command line
        elsewhere.add(session(source="manual", points=("BL23",), seconds=600))
    assert app.progress().last_day == NOW.date()
    app.close()
