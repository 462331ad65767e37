"""`acupress journal`: list, add, edit, delete — and bad input writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

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
