"""`acupress session`, `progress` and the adapted `plan`, end to end, including real
processes killed in the middle of a session."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from acupress.journal import Journal
from tests.conftest import Result

Run = Callable[..., Result]
ACUPRESS = str(Path(sys.executable).with_name("acupress"))


def auto(run: Run, answers: Path, *extra: str) -> Result:
    return run(
        "session",
        "--auto",
        "--answers",
        str(answers),
        "--speed",
        "1000",
        "--keep",
        "--minutes",
        "15",
        *extra,
    )


def test_an_auto_session_is_journaled_like_a_guided_one(
    run: Run, answers_file: Callable[..., Path]
) -> None:
    r = auto(
        run,
        answers_file(),
        "--pain-before",
        "6",
        "--pain-after",
        "4",
        "--sensations",
        "warmth,ache",
        "--note",
        "morning",
    )
    assert r.code == 0, r.err
    assert "Switch to the right side." in r.out
    assert "Session 1" in r.out
    (log,) = run("journal", "--json").json()
    assert log["source"] == "guided" and log["complete"] is True
    assert (log["pain_before"], log["pain_after"], log["relief"]) == (6, 4, 2)
    assert log["sensations"] == ["warmth", "ache"]
    assert log["note"] == f"{DEMO} morning"
    assert log["points"] == ["BL23", "BL25", "GV4", "BL40", "KI3"]
    assert len(log["steps"]) == 11 and log["decision"] == "go"
    # a new person: the first session is pressed lightly
    assert {s["pressure"] for s in log["steps"] if s["point"]} == {"light"}


DEMO = "Demonstration at 1000 times the real speed: its times are compressed."


def test_a_sped_up_session_is_a_demonstration_kept_out_of_the_journal(
    run: Run, answers_file: Callable[..., Path], home: Path
) -> None:
    r = run(
        "session", "--auto", "--answers", str(answers_file()), "--speed", "1000",
        "--minutes", "15", "--pain-before", "6", "--pain-after", "4",
    )  # fmt: skip
    assert r.code == 0, r.err
    assert "A demonstration at 1000 times the real speed: not kept in your journal." in r.out
    assert "11/11 done: rest" in r.out
    assert r.out.endswith("The demonstration is over; your journal is as it was.\n")
    assert not (home / "journal.db").exists()
    assert run("journal", "--json").json() == []
    # the safety answers are today's check all the same
    assert run("plan", "--json").json()["decision"] == "go"


def test_a_kept_demonstration_is_marked_in_the_journal_and_the_export(
    run: Run, answers_file: Callable[..., Path], tmp_path: Path
) -> None:
    r = auto(run, answers_file(), "--pain-before", "6", "--pain-after", "4")
    assert r.code == 0, r.err
    assert "A demonstration at 1000 times the real speed: kept in your journal" in r.out
    (log,) = run("journal", "--json").json()
    assert log["note"] == DEMO
    assert DEMO in " ".join(run("journal").out.split())
    out = tmp_path / "journal.csv"
    assert run("export", "--out", str(out)).code == 0
    assert DEMO in out.read_text()


def test_auto_needs_the_pain_scores_and_writes_nothing_without_them(
    run: Run, answers_file: Callable[..., Path]
) -> None:
    r = auto(run, answers_file(), "--pain-before", "6")
    assert r.code == 2
    assert r.err == "Error: With --auto, give --pain-before N and --pain-after N (0-10).\n"
    assert run("journal", "--json").json() == []


def test_a_pain_score_outside_0_to_10_is_refused_before_anything_starts(
    run: Run, answers_file: Callable[..., Path]
) -> None:
    r = auto(run, answers_file(), "--pain-before", "11", "--pain-after", "4")
    assert r.code == 2
    assert "Pain before must be a whole number from 0 (none) to 10 (worst), not 11." in r.err
    assert run("journal", "--json").json() == []


def test_auto_without_answers_or_todays_check_is_a_clear_error(run: Run) -> None:
    r = run("session", "--auto", "--pain-before", "5", "--pain-after", "4")
    assert r.code == 2
    assert "--answers FILE" in r.err


def test_todays_check_is_used_when_no_answers_are_given(
    run: Run, answers_file: Callable[..., Path]
) -> None:
    assert run("check", "--answers", str(answers_file(osteoporosis=True))).code == 0
    r = run(
        "session", "--auto", "--speed", "1000", "--keep", "--pain-before", "5", "--pain-after", "4"
    )
    assert r.code == 0, r.err
    (log,) = run("journal", "--json").json()
    assert log["decision"] == "modified"


def test_a_red_flag_refuses_the_session_and_writes_nothing(
    run: Run, answers_file: Callable[..., Path], home: Path
) -> None:
    r = auto(run, answers_file(saddle_numbness=True), "--pain-before", "6", "--pain-after", "4")
    assert r.code == 1
    assert "emergency" in r.out.lower()
    assert not (home / "journal.db").exists()


def test_pregnancy_guides_only_the_points_left(run: Run, answers_file: Callable[..., Path]) -> None:
    r = auto(run, answers_file(pregnant=True), "--pain-before", "5", "--pain-after", "4")
    assert r.code == 0, r.err
    (log,) = run("journal", "--json").json()
    assert log["points"] == ["BL40", "KI3"]


def test_progress_shows_flags_and_the_next_plan_adapts(
    run: Run, answers_file: Callable[..., Path]
) -> None:
    for ago in (4, 3, 2):
        day = (dt.date.today() - dt.timedelta(days=ago)).isoformat()
        args = ("--date", day, "--pain-before", "5", "--pain-after", "4")
        assert run("journal", "add", *args, "--points", "BL23,BL25").code == 0
    assert run("plan", "--json", "--minutes", "20").json()["notes"][0].startswith("Pressure is")
    r = auto(run, answers_file(), "--pain-before", "5", "--pain-after", "7")
    assert r.code == 0, r.err
    assert "Pain increased after the last session" in r.out
    data = run("progress", "--json").json()
    assert [f["id"] for f in data["flags"]] == ["pain_increased_after_session"]
    assert data["sessions"] == 4 and data["baseline_pain"] == 5.0
    usual = 20 * 60
    adapted = run("plan", "--json", "--minutes", "20").json()
    assert adapted["total_seconds"] < usual * 0.8
    assert any("increased" in n for n in adapted["notes"])
    text = run("progress")
    assert text.code == 0
    assert "pain_increased_after_session" in text.out and "Baseline pain" in text.out
    assert "●" in text.out and "○" in text.out  # the plot, readable without colour


def test_progress_on_an_empty_journal_says_how_to_start(run: Run) -> None:
    r = run("progress")
    assert r.code == 0 and "No sessions yet" in r.out
    assert run("progress", "--json").json()["sessions"] == 0


# --- real processes -------------------------------------------------------------------


def start_session(answers: Path, speed: str = "40") -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            ACUPRESS,
            "session",
            "--auto",
            "--answers",
            str(answers),
            "--speed",
            speed,
            "--keep",
            "--minutes",
            "15",
            "--pain-before",
            "6",
            "--pain-after",
            "4",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for_steps(count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Path(os.environ["ACUPRESS_HOME"], "journal.db").exists():
            logs = Journal().sessions(with_steps=True)
            if logs and len(logs[0].steps) >= count:
                return
        time.sleep(0.05)
    raise AssertionError(f"no {count} steps in the journal after {timeout} s")


def test_a_killed_session_keeps_its_completed_steps(
    answers_file: Callable[..., Path],
) -> None:
    proc = start_session(answers_file())
    try:
        wait_for_steps(3)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    (log,) = Journal().sessions(with_steps=True)
    assert len(log.steps) >= 3
    assert [s.step_id for s in log.steps[:3]] == ["prepare", "bl23", "bl25"]
    assert not log.complete and log.ended_at is None
    assert log.pain_before == 6
    assert log.seconds == round(sum(s.seconds for s in log.steps))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_terminated_session_is_kept_and_marked_interrupted(
    answers_file: Callable[..., Path], sig: signal.Signals
) -> None:
    proc = start_session(answers_file())
    try:
        wait_for_steps(2)
    finally:
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert b"marked as interrupted" in err and b"Traceback" not in err
    (log,) = Journal().sessions(with_steps=True)
    assert log.stop_reason == "interrupted" and not log.complete
    assert log.ended_at is not None and len(log.steps) >= 2


def test_two_sessions_at_once_lose_nothing(answers_file: Callable[..., Path]) -> None:
    answers = answers_file()
    procs = [start_session(answers, speed="400") for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    logs = Journal().sessions(with_steps=True)
    assert len(logs) == 2
    assert all(log.complete and len(log.steps) == 11 for log in logs)


def test_a_new_persons_plan_starts_gentle_without_creating_a_journal(run: Run, home: Path) -> None:
    plan = run("plan", "--json", "--minutes", "20").json()
    assert {s["pressure"] for s in plan["steps"] if s["point"]} == {"light"}
    assert "new to this" in plan["notes"][0]
    assert not (home / "journal.db").exists()
