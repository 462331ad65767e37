"""The safety check and the guided session in a real terminal: the questions asked one by
one, the live screen, the keys (space, n, b, q), the questions at the end, and a terminal
closed in the middle of a session."""

from __future__ import annotations

import functools
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli.screen import ACUPRESS, Terminal, speech_engine
from tests.conftest import Result

Run = Callable[..., Result]
SPEED = "20"  # the first step (95 s) lasts under 5 s, BL23 (65 s) about 3 s
PROMPT_END = {"yes_no": r"\[y/n\]: ", "number": r": ", "points": r"\(none\): "}


@functools.cache
def keep() -> tuple[str, ...]:
    """``--keep`` where this acupress has it (a sped-up session is kept only with it)."""
    shown = subprocess.run(
        [ACUPRESS, "session", "--help"], capture_output=True, text=True, check=True
    ).stdout
    return ("--keep",) if "--keep" in shown else ()


@pytest.fixture
def terminals() -> Iterator[Callable[..., Terminal]]:
    started: list[Terminal] = []

    def start(*args: str, **kw: Any) -> Terminal:
        started.append(Terminal(*args, **kw))
        return started[-1]

    yield start
    for t in started:
        t.close()


def checked_today(run: Run, answers_file: Callable[..., Path]) -> None:
    assert run("check", "--answers", str(answers_file())).code == 0


def start_session(terminals: Callable[..., Terminal], *extra: str) -> Terminal:
    """A session at ``SPEED``, past the pain question and the plan, on its first step."""
    tty = terminals("session", "--speed", SPEED, "--minutes", "15", *keep(), *extra)
    tty.expect(r"How bad is your back pain right now\? \(0 none - 10 worst\): ")
    tty.answer("6")
    tty.expect(r"Press Enter to start \(space pauses, n skips, b goes back, q stops\) ")
    tty.answer("")
    tty.shows(r"acupress · step 1 of 11")
    return tty


def finish(tty: Terminal) -> None:
    """After a stop with q: no time, pain now 4, nothing felt, no note."""
    tty.expect(r"Choose \[1/2/3/4\] \(4\): ")
    tty.answer("3")
    tty.expect(r"How bad is your back pain now\? \(0 none - 10 worst\): ")
    tty.answer("4")
    tty.expect(r"What did you feel at the points\?.*?: ")
    tty.answer("")
    tty.expect(r"A note for your journal \(optional\).*?: ")
    tty.answer("")
    assert tty.exit_code() == 0


def only_session(run: Run) -> dict[str, Any]:
    (log,) = run("journal", "--json").json()
    assert isinstance(log, dict)
    return log


def steps(log: dict[str, Any]) -> list[tuple[str, bool]]:
    return [(s["step_id"], s["skipped"]) for s in log["steps"]]


# --- the safety check ---------------------------------------------------------------------


def test_the_check_asks_each_question_in_turn_and_asks_again_after_a_wrong_answer(
    run: Run, terminals: Callable[..., Terminal]
) -> None:
    questions = run("check", "--questions", "--json").json()
    n = len(questions)
    tty = terminals("check")
    tty.expect(r"Safety check — answer each question")
    for i, q in enumerate(questions, 1):
        tty.expect(rf"{i}/{n} .*?{PROMPT_END[q['type']]}")
        if q["id"] == "age":
            tty.answer("200")
            tty.expect(r"Question 'age' needs a number from 0 to 120\.")
            tty.expect(rf"{i}/{n} How old are you \(in years\)\?: ")
            tty.answer("44")
        elif q["type"] == "points":
            tty.answer("KI3")
        else:
            tty.answer("y" if q["id"] == "anticoagulants_or_bleeding_disorder" else "n")
    tty.expect(r"Go ahead, with changes")
    assert tty.exit_code() == 0
    # The answers are today's: the plan leaves KI3 out and keeps every point light.
    plan = run("plan", "--json").json()
    assert plan["decision"] == "modified"
    assert [s["point"] for s in plan["steps"] if s["point"]] == [
        "BL23",
        "BL25",
        "BL25",
        "GV4",
        "BL40",
        "BL40",
    ]
    assert {s["pressure"] for s in plan["steps"] if s["point"]} == {"light"}


# --- the guided session -------------------------------------------------------------------


def test_the_keys_skip_pause_go_back_and_stop_and_the_journal_says_what_happened(
    run: Run, answers_file: Callable[..., Path], terminals: Callable[..., Terminal]
) -> None:
    checked_today(run, answers_file)
    tty = start_session(terminals)
    tty.shows(r"Prepare your space and body")
    tty.press("n")  # skip the first step
    tty.shows(r"step 2 of 11[\s\S]*BL23 Shenshu")

    tty.press(" ")  # pause: the countdown stops
    left = tty.shows(r"(\d+:\d\d) left on this step PAUSED").group(1)
    tty.shows(r"Paused: press space to go on\.")
    tty.watch(1.0)  # twenty seconds of the session at this speed
    assert f"{left} left on this step PAUSED" in tty.text()
    assert "step 2 of 11" in tty.text()
    tty.press(" ")  # resume
    tty.until(lambda: "PAUSED" not in tty.text(), "the countdown running again")

    tty.press("b")  # back to the first step, which starts again
    tty.shows(r"step 1 of 11[\s\S]*Again: Prepare your space and body\.")
    tty.press("n")
    tty.shows(r"step 2 of 11")
    tty.shows(r"step 3 of 11[\s\S]*BL25 Dachangshu \(Large Intestine Shu\) — left side")
    tty.press("q")

    tty.expect(r"Why did you stop\? 1 dizziness · 2 pain increased · 3 no time · 4 other")
    tty.expect(r"Choose \[1/2/3/4\] \(4\): ")
    tty.answer("3")
    tty.expect(r"How bad is your back pain now\? \(0 none - 10 worst\): ")
    tty.answer("11")
    tty.expect(r"Pain must be a whole number from 0 \(none\) to 10 \(worst\), not 11\.")
    tty.expect(r"How bad is your back pain now\? \(0 none - 10 worst\): ")
    tty.answer("4")
    tty.expect(r"What did you feel at the points\?.*?: ")
    tty.answer("warmth, ache")
    tty.expect(r"A note for your journal \(optional\).*?: ")
    tty.answer("looser after")
    tty.expect(r"Session 1 · pain 6 → 4")
    assert tty.exit_code() == 0

    log = only_session(run)
    assert steps(log) == [("prepare", True), ("prepare", True), ("bl23", False)]
    bl23 = log["steps"][2]
    assert bl23["seconds"] == bl23["planned_seconds"] == 65
    assert (log["stop_reason"], log["complete"]) == ("no_time", False)
    assert (log["pain_before"], log["pain_after"]) == (6, 4)
    assert log["sensations"] == ["warmth", "ache"]
    assert log["note"].startswith("Demonstration at") and log["note"].endswith(" looser after")
    assert log["points"] == ["BL23"]


def test_a_change_of_step_rings_the_bell_and_is_spoken_and_quiet_does_neither(
    run: Run,
    answers_file: Callable[..., Path],
    terminals: Callable[..., Terminal],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spoken = speech_engine(tmp_path, monkeypatch)
    checked_today(run, answers_file)
    bells = []
    for quiet in ((), ("--quiet",)):
        tty = start_session(terminals, *quiet)
        tty.press("n")
        tty.shows(r"step 2 of 11")
        tty.press("q")
        finish(tty)
        bells.append(tty.raw.count("\a"))
    said = spoken.read_text().splitlines()
    assert bells[0] >= 1 and bells[1] == 0
    assert said[0] == "Now: BL23 Shenshu (Kidney Shu)."
    assert len(said) == bells[0]  # every bell of the first session was spoken, none after


def test_a_closed_terminal_keeps_the_steps_done_and_marks_the_session_interrupted(
    run: Run, answers_file: Callable[..., Path], terminals: Callable[..., Terminal]
) -> None:
    checked_today(run, answers_file)
    tty = start_session(terminals)
    tty.press("n")
    tty.shows(r"step 3 of 11")  # BL23 done in its own time
    tty.hang_up()
    log = only_session(run)
    assert steps(log)[:2] == [("prepare", True), ("bl23", False)]
    assert (log["stop_reason"], log["complete"]) == ("interrupted", False)
    assert log["ended_at"] is not None and log["pain_after"] is None


def test_the_first_step_shows_at_once_on_a_terminal_that_answers_no_queries(
    run: Run, answers_file: Callable[..., Path], terminals: Callable[..., Terminal]
) -> None:
    """Some terminals (a serial console, a script driving a terminal) answer no status
    queries: the session must not wait for answers while its clock runs."""
    checked_today(run, answers_file)
    tty = terminals("session", "--speed", "4", "--minutes", "15", *keep(), answers_queries=False)
    tty.expect(r"right now\? \(0 none - 10 worst\): ")
    tty.answer("6")
    tty.expect(r"Press Enter to start")
    tty.answer("")
    left = tty.shows(r"step 1 of 11[\s\S]*?(\d+):(\d\d) left on this step")
    # 95 s at four times real speed: more than 1:10 left means it showed within 6 s.
    assert int(left.group(1)) * 60 + int(left.group(2)) > 70, tty.text()
    tty.press("q")
    finish(tty)
