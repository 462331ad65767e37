"""Every command reaches the world through one app per run: its clock says what "now"
and "today" are, so a test can set them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from tests.conftest import Result

Run = Callable[..., Result]
MORNING = dt.datetime(2026, 3, 1, 9, 15).astimezone()


def test_a_session_logged_today_without_a_time_starts_at_the_apps_now(run: Run) -> None:
    args = ("journal", "add", "--date", "2026-03-01", "--pain-before", "6", "--pain-after", "4")
    r = run(*args, "--json", now=MORNING)
    assert r.code == 0, r.err
    assert r.json()["started_at"].startswith("2026-03-01T09:15:00")


def test_a_day_after_the_apps_today_is_in_the_future(run: Run) -> None:
    args = ("journal", "add", "--date", "2026-03-02", "--pain-before", "6", "--pain-after", "4")
    r = run(*args, now=MORNING)
    assert (r.code, r.err) == (
        2,
        "Error: 2026-03-02 12:00 is in the future; log sessions already done.\n",
    )


def test_the_check_is_kept_for_the_apps_today(
    run: Run, answers_file: Callable[..., Path], home: Path
) -> None:
    r = run("check", "--answers", str(answers_file()), "--json", now=MORNING)
    assert r.code == 0, r.err
    assert json.loads((home / "check.json").read_text())["date"] == "2026-03-01"
    later = MORNING + dt.timedelta(days=1)
    assert run("plan", "--json", now=later).json()["decision"] is None
    assert run("plan", "--json", now=MORNING).json()["decision"] == "go"


def test_the_command_line_works_without_an_app_given(home: Path) -> None:
    from click.testing import CliRunner

    from acupress.cli import cli

    done = CliRunner().invoke(cli, ["journal", "--json"])
    assert (done.exit_code, done.output) == (0, "[]\n")
    done = CliRunner().invoke(cli, ["plan", "--json", "--minutes", "20"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["budget_seconds"] == 1200


def test_a_note_too_long_is_refused_before_the_journal_is_made(run: Run, home: Path) -> None:
    r = run("seen-professional", "--note", "x" * 2001)
    assert (r.code, r.err) == (2, "Error: A note can be at most 2000 characters, not 2001.\n")
    assert not (home / "journal.db").exists()
