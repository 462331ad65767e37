"""Today's decision from the command line: a stop today, a standing see-a-professional
flag and a rest day change what `check`, `plan` and `session` do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from acupress.journal import Journal
from acupress.records import SessionLog
from tests.conftest import Result

Run = Callable[..., Result]


def logged(days_ago: int, before: int, after: int | None, **changes: object) -> SessionLog:
    start = dt.datetime.now().astimezone().replace(microsecond=0) - dt.timedelta(
        days=days_ago, minutes=30
    )
    log = SessionLog(
        id=None,
        started_at=start,
        day=start.date(),
        protocol="low-back",
        source="manual",
        pain_before=before,
        pain_after=after,
        points=("BL23", "KI3"),
        seconds=900,
        complete=True,
        pressure="light",
    )
    return replace(log, **changes)  # type: ignore[arg-type]


def journal(*logs: SessionLog) -> None:
    with Journal() as db:
        for log in logs:
            db.add(log)


def sessions() -> int:
    with Journal() as db:
        return len(db.sessions())


def auto_session(run: Run, answers: Path, *extra: str) -> Result:
    return run(
        "session", "--auto", "--answers", str(answers), "--speed", "1000", "--keep",
        "--minutes", "15", "--pain-before", "5", "--pain-after", "4", *extra,
    )  # fmt: skip


DIZZY_TODAY = {"stop_reason": "dizziness", "complete": False, "source": "guided"}


def test_a_stop_for_dizziness_today_stops_every_way_to_a_session(
    run: Run, answers_file: Callable[..., Path]
) -> None:
    journal(logged(0, 5, None, **DIZZY_TODAY))
    answers = answers_file()
    checked = run("check", "--answers", str(answers), "--json")
    assert checked.code == 0
    d = checked.json()
    assert (d["decision"], d["session_allowed"]) == ("not_today", False)
    assert d["title"] == "Not today: you stopped for dizziness"
    assert "journal:stopped_for_dizziness" in d["rules"]

    planned = run("plan")
    assert planned.code == 1
    assert "you stopped for dizziness" in planned.out
    assert planned.err.startswith("Error: Not today: you stopped for dizziness. ")

    refused = auto_session(run, answers)
    assert refused.code == 1
    assert refused.err.startswith("Error: Not today: you stopped for dizziness. ")
    assert sessions() == 1  # nothing new was written


def test_a_stop_for_more_pain_today_also_means_not_today(
    run: Run, answers_file: Callable[..., Path]
) -> None:
    journal(logged(0, 5, 7, stop_reason="pain_increased", complete=False, source="guided"))
    r = run("plan", "--answers", str(answers_file()), "--json")
    assert r.code == 1 and "because the pain increased" in r.err


def test_a_see_a_professional_flag_refuses_a_plan_until_the_visit_is_recorded(
    run: Run, answers_file: Callable[..., Path], tmp_path: Path
) -> None:
    journal(logged(3, 6, 6), logged(2, 6, 6), logged(1, 6, 7))
    answers = answers_file()
    refused = run("plan", "--answers", str(answers))
    assert refused.code == 1
    assert "See a professional before your next session" in refused.out
    assert "licensed practitioner" in refused.out
    d = run("check", "--answers", str(answers), "--json").json()
    assert (d["decision"], d["urgency"]) == ("see_clinician", "days")

    seen = run("seen-professional", "--note", "Physio: carry on, gently")
    assert seen.code == 0 and "start counting again" in seen.out
    assert run("plan", "--answers", str(answers)).code == 0
    assert run("progress", "--json").json()["cleared_at"] is not None

    out = tmp_path / "backup.json"
    assert run("export", "--out", str(out)).code == 0
    backup = out.read_text()
    assert '"kind": "seen_professional"' in backup and "Physio: carry on, gently" in backup


def test_the_visit_survives_export_and_import_into_a_new_home(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal(logged(3, 6, 6), logged(2, 6, 6), logged(1, 6, 7))
    assert run("seen-professional", "--json").code == 0
    out = tmp_path / "backup.json"
    assert run("export", "--out", str(out)).code == 0
    monkeypatch.setenv("ACUPRESS_HOME", str(tmp_path / "elsewhere"))
    assert run("import", str(out)).code == 0
    assert run("plan").code == 0  # the flag stays cleared in the new home
    assert run("import", str(out)).code == 0  # importing again adds no second visit
    with Journal() as db:
        assert len(db.events()) == 1


def test_after_six_days_in_a_row_the_plan_is_a_rest_day(
    run: Run, answers_file: Callable[..., Path]
) -> None:
    journal(*(logged(n, 5, 4) for n in range(6, 0, -1)))
    answers = answers_file()
    planned = run("plan", "--answers", str(answers))
    assert planned.code == 0
    assert "Today is a rest day" in planned.out and "--on-rest-day" in planned.out
    assert run("plan", "--json").json()["rest_day"].startswith("You have pressed the points on 6")

    refused = auto_session(run, answers)
    assert refused.code == 1 and "Today is a rest day" in refused.err
    assert sessions() == 6
    chosen = auto_session(run, answers, "--on-rest-day")
    assert chosen.code == 0, chosen.err
    assert sessions() == 7


def test_a_session_logged_by_hand_keeps_the_pressure_used(run: Run) -> None:
    r = run(
        "journal", "add", "--date", "2026-03-01", "--pain-before", "5", "--pain-after", "7",
        "--pressure", "moderate", "--json",
    )  # fmt: skip
    assert r.code == 0, r.err
    assert r.json()["pressure"] == "moderate"
    bad = run(
        "journal", "add", "--date", "2026-03-01", "--pain-before", "5", "--pain-after", "7",
        "--pressure", "hard",
    )  # fmt: skip
    assert bad.code == 2
