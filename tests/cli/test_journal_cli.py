"""`acupress journal`: list, add, edit, delete — and bad input writes nothing."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from acupress.journal import Journal
from acupress.records import SessionLog, StepLog
from tests.conftest import Result

Run = Callable[..., Result]


def add(run: Run, *extra: str) -> Result:
    return run(
        "journal", "add", "--date", "2026-03-02", "--pain-before", "6", "--pain-after", "4", *extra
    )


def test_an_empty_journal_says_how_to_start(run: Run) -> None:
    r = run("journal")
    assert r.code == 0
    assert "No sessions yet" in r.out
    assert run("journal", "--json").json() == []


def test_a_session_logged_by_hand_is_listed(run: Run) -> None:
    r = add(run, "--time", "07:30", "--points", "bl23,KI3", "--minutes", "20", "--note", "warm")
    assert r.code == 0, r.err
    (s,) = run("journal", "--json").json()
    assert s["started_at"].startswith("2026-03-02T07:30:00")
    assert (s["pain_before"], s["pain_after"], s["relief"]) == (6, 4, 2)
    assert (s["points"], s["seconds"], s["note"], s["source"]) == (
        ["BL23", "KI3"],
        1200,
        "warm",
        "manual",
    )
    listing = run("journal").out
    assert "2026-03-02 07:30" in listing and "6 → 4" in listing and "warm" in listing


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--pain-before", "11"), "Pain before must be a whole number from 0 (none) to 10"),
        (("--pain-after", "-1"), "Pain after must be a whole number from 0 (none) to 10"),
        (("--date", "2026-02-30"), "--date must be a date like 2026-03-01, not '2026-02-30'"),
        (("--date", "yesterday"), "--date must be a date like"),
        (("--time", "25:00"), "--time must be a time like 07:30"),
        (("--points", "BL23,XX9"), "Unknown point 'XX9'"),
        (("--date", "2999-01-01"), "is in the future"),
        (("--note", "x" * 2001), "A note can be at most 2000 characters, not 2001."),
    ],
)
def test_bad_input_is_one_clear_error_and_writes_nothing(
    run: Run, args: tuple[str, ...], message: str
) -> None:
    r = add(run, *args)
    assert r.code == 2
    assert message in r.err
    assert r.err.count("\n") == 1 and "Traceback" not in r.err
    assert run("journal", "--json").json() == []


def test_edit_changes_only_what_is_given(run: Run) -> None:
    add(run, "--note", "first")
    r = run("journal", "edit", "1", "--pain-after", "2", "--time", "18:00")
    assert r.code == 0, r.err
    (s,) = run("journal", "--json").json()
    assert (s["pain_before"], s["pain_after"], s["note"]) == (6, 2, "first")
    assert s["started_at"].startswith("2026-03-02T18:00")


def test_edit_refuses_bad_input_and_keeps_the_session(run: Run) -> None:
    add(run)
    assert run("journal", "edit", "1", "--pain-after", "12").code == 2
    assert run("journal", "edit", "1").code == 2
    assert run("journal", "edit", "7", "--note", "x").err == (
        "Error: There is no session 7 in the journal.\n"
    )
    assert run("journal", "--json").json()[0]["pain_after"] == 4


def test_delete_asks_first(run: Run) -> None:
    add(run)
    r = run("journal", "delete", "1", input="n\n")
    assert "Kept." in r.out
    assert len(run("journal", "--json").json()) == 1
    r = run("journal", "delete", "1", input="y\n")
    assert r.code == 0 and "Deleted session 1." in r.out
    assert run("journal", "--json").json() == []


def test_filters_by_date(run: Run) -> None:
    for day in ("2026-03-01", "2026-03-02", "2026-03-03"):
        run("journal", "add", "--date", day, "--pain-before", "5", "--pain-after", "4")
    days = [s["day"] for s in run("journal", "--from", "2026-03-02", "--json").json()]
    assert days == ["2026-03-02", "2026-03-03"]
    assert [s["day"] for s in run("journal", "--last", "1", "--json").json()] == ["2026-03-03"]
    assert run("journal", "--to", "March").code == 2


def test_edit_checks_the_session_as_it_would_be(run: Run) -> None:
    add(run)
    r = run("journal", "edit", "1", "--note", "x" * 2001)
    assert r.code == 2 and r.err == "Error: A note can be at most 2000 characters, not 2001.\n"
    r = run("journal", "edit", "1", "--date", "1999-12-31")
    assert r.code == 2 and "too long ago" in r.err
    assert run("journal", "--json").json()[0]["note"] == ""


@pytest.mark.parametrize(
    "args",
    [
        ("journal",),
        ("journal", "add", "--date", "2026-03-02", "--pain-before", "6", "--pain-after", "4"),
        ("progress",),
        ("export", "--format", "json", "--out", "-"),
        ("seen-professional",),
    ],
)
def test_an_empty_journal_file_is_refused_and_stays_as_it_was(
    run: Run, home: Path, args: tuple[str, ...]
) -> None:
    home.mkdir(parents=True)
    (home / "journal.db").touch()
    r = run(*args)
    assert r.code == 2
    (line,) = r.err.splitlines()
    assert line == (
        f"Error: The journal {home / 'journal.db'} is empty (0 bytes), so acupress did not make "
        "it and nothing was changed: move it aside to start a new journal, then restore your "
        "sessions from an export with `acupress import FILE` if you have one."
    )
    assert [(p.name, p.stat().st_size) for p in home.iterdir()] == [("journal.db", 0)]


def test_a_guided_session_with_a_note_too_long_is_refused_before_it_starts(
    run: Run, answers_file: Callable[..., Path], home: Path
) -> None:
    r = run(
        "session", "--auto", "--answers", str(answers_file()), "--speed", "1000",
        "--pain-before", "6", "--pain-after", "4", "--note", "x" * 100_000,
    )  # fmt: skip
    assert r.code == 2
    assert r.err == "Error: A note can be at most 2000 characters, not 100000.\n"
    assert "Session started" not in r.out
    assert not (home / "journal.db").exists()


def odd_session(started: dt.datetime, **fields: object) -> SessionLog:
    values: dict[str, object] = {
        "id": None,
        "started_at": started,
        "day": started.date(),
        "protocol": "low-back",
        "source": "guided",
        "pain_before": 5,
        "pain_after": 7,
        "points": ("BL23",),
        "seconds": 2**63 - 1,
        "stop_reason": "pain_increased",
    }
    return SessionLog(**(values | fields))  # type: ignore[arg-type]


def test_progress_shows_whatever_an_older_acupress_left_in_the_journal(run: Run) -> None:
    """Sessions that could not be stored today (dated in 2099 or in year 2, lasting
    longer than a lifetime), as an import of an older acupress let in."""
    today = dt.datetime.now(dt.UTC)
    step = StepLog(
        position=0, step=2, step_id="bl23", point="BL23", side="both", pressure="firm",
        planned_seconds=2**62, seconds=1e300, skipped=False, completed_at=today,
    )  # fmt: skip
    with Journal() as db:
        db.add_many(
            [
                odd_session(dt.datetime(9999, 12, 31, 12, tzinfo=dt.UTC), steps=(step,)),
                odd_session(dt.datetime(2099, 1, 1, 12, tzinfo=dt.UTC)),
                odd_session(dt.datetime(2, 1, 1, 12, tzinfo=dt.UTC), day=dt.date(1, 1, 1)),
                odd_session(dt.datetime(2000, 1, 1, 12, tzinfo=dt.UTC), source="manual"),
                odd_session(today, points=(), stop_reason="dizziness", seconds=0),
            ]
        )
    for args in (("progress",), ("progress", "--days", "1"), ("progress", "--days", "99999999")):
        r = run(*args)
        assert r.code == 0, r.err
        assert "Sessions            1 on 1 days" in r.out
    shown = run("progress", "--json")
    assert shown.code == 0, shown.err
    result = json.loads(shown.out)
    assert (result["sessions"], result["first_day"]) == (1, "2000-01-01")
    assert "stopped_for_dizziness" in [f["id"] for f in result["flags"]]
