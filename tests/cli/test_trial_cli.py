"""`acupress rate` and `acupress trial`: a rating a day, a trial started with its schedule
and consent, followed, stopped and read; bad input is one sentence and exit code 2, and
writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import icalendar
import pytest

from tests.conftest import Result

Run = Callable[..., Result]
TZ = dt.timezone(dt.timedelta(hours=1))
START = dt.date(2026, 3, 2)
# Seed 2 orders the six weeks: acupressure, usual care, acupressure, usual care, usual
# care, acupressure.
SEED = "2"


def at(day: dt.date, hour: int = 20) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), TZ)


def on(n: int) -> dt.datetime:
    return at(START + dt.timedelta(days=n))


def start(run: Run, weeks: str = "6") -> Result:
    return run("trial", "start", "--weeks", weeks, "--seed", SEED, "--yes", now=on(0))


def rate(run: Run, n: int, *answers: str) -> Result:
    pain, enjoyment, activity = answers or ("5", "5", "5")
    return run("rate", "--pain", pain, "--enjoyment", enjoyment, "--activity", activity, now=on(n))


def test_rate_asks_the_three_questions_one_line_each(run: Run) -> None:
    r = run("rate", input="6\n4\n5\n", now=on(0))
    assert r.code == 0, r.err
    assert "Your pain on average today" in r.out and "general activity" in r.out
    assert "Rated 2026-03-02: PEG score 5.0" in r.out
    missed = run("rate", "--json", "--date", "2026-03-01", "--pain", "1", "--enjoyment", "2",
                 "--activity", "3", now=on(0)).json()  # fmt: skip
    assert (missed["day"], missed["pain"], missed["activity"]) == ("2026-03-01", 1, 3)


def test_a_second_rating_for_the_day_is_refused_and_the_first_kept(run: Run) -> None:
    assert rate(run, 0, "6", "4", "5").code == 0
    again = rate(run, 0, "1", "1", "1")
    assert again.code == 2
    assert again.err.strip() == (
        "Error: 2026-03-02 is already rated: one rating a day (acupress keeps the first)."
    )
    assert "Traceback" not in again.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--date", "2026-03-03"), "2026-03-03 is in the future: rate a day that has come."),
        (("--date", "2026-02-20"), "2026-02-20 is too long ago"),
        (("--date", "yesterday"), "--date"),
        (("--pain", "11"), "--pain must be a whole number from 0 to 10, not '11'."),
    ],
)
def test_a_bad_rating_is_one_sentence_and_nothing_is_written(
    run: Run, args: tuple[str, ...], message: str
) -> None:
    given = {"--pain": "5", "--enjoyment": "5", "--activity": "5"}
    extra = list(args)
    for name, value in given.items():
        if name not in extra:
            extra += [name, value]
    r = run("rate", *extra, now=on(0))
    assert r.code == 2 and message in r.err and len(r.err.strip().splitlines()) == 1
    assert rate(run, 0).code == 0  # today is still free: nothing was written


def test_rate_with_standard_input_closed_says_which_options_to_give(run: Run) -> None:
    r = run("rate", "--pain", "5", now=on(0))
    assert r.code == 2
    assert "give --pain N --enjoyment N --activity N" in r.err


def test_trial_start_shows_the_schedule_and_the_agreement_and_asks_to_confirm(run: Run) -> None:
    no = run("trial", "start", "--weeks", "6", "--seed", SEED, input="n\n", now=on(0))
    assert no.code == 0
    assert "Mon 02 Mar - Sun 08 Mar" in no.out and "Usual-care week: no acupressure" in no.out
    assert "What you agree to do" in no.out and "Safety always comes first" in no.out
    assert "No trial started" in no.out
    assert run("trial", "status", "--json", now=on(0)).json() is None
    yes = run("trial", "start", "--seed", SEED, input="6\ny\n", now=on(0))
    assert yes.code == 0, yes.err
    assert "Your trial has started: 6 weeks, 2026-03-02 to 2026-04-12" in yes.out


def test_trial_start_refuses_a_length_outside_the_range_and_a_second_trial(run: Run) -> None:
    odd = run("trial", "start", "--weeks", "5", "--yes", now=on(0))
    assert odd.code == 2 and "even number of weeks from 4 to 12" in odd.err
    assert start(run).code == 0
    again = start(run)
    assert again.code == 2 and "one trial at a time" in again.err
    closed = run("trial", "start", "--weeks", "6", now=on(42))
    assert closed.code == 2 and "give --yes" in closed.err


def test_status_says_the_week_what_to_do_and_whether_today_is_rated(run: Run) -> None:
    assert run("trial", "status", now=on(0)).out.startswith("No trial yet")
    start(run)
    r = run("trial", "status", now=on(9))
    assert "Week 2 of 6, day 3 of 7: a usual-care week" in r.out
    assert "Today is not rated yet" in r.out
    rate(run, 9)
    shown = run("trial", "status", "--json", now=on(9)).json()
    assert (shown["week"], shown["arm"], shown["rated_today"]) == (2, "usual_care", True)


def test_stop_asks_and_then_says_so_in_status_and_result(run: Run) -> None:
    assert run("trial", "stop", "--yes", now=on(0)).err.strip() == (
        "Error: There is no trial running to stop."
    )
    start(run)
    assert "goes on" in run("trial", "stop", input="n\n", now=on(3)).out
    r = run("trial", "stop", "--reason", "a busy month", "--yes", now=on(3))
    assert r.code == 0
    assert (
        "Your trial was stopped on 2026-03-05. You stopped it: a busy month"
        in run("trial", "status", now=on(4)).out
    )
    assert "You stopped it: a busy month" in run("trial", "result", now=on(4)).out


def test_a_whole_trial_read_with_its_verdict_deviations_and_limits(run: Run) -> None:
    start(run)
    arms = ["a", "u", "a", "u", "u", "a"]
    for n in range(42):
        arm = arms[n // 7]
        wobble = n % 3 - 1
        score = 3 + wobble if arm == "a" else 6 + wobble
        if n % 7 != 3:  # one day a week missed
            assert rate(run, n, str(score), str(score), "4").code == 0
    added = run("journal", "add", "--date", "2026-03-10", "--pain-before", "5",
                "--pain-after", "4", now=on(9))  # fmt: skip
    assert added.code == 0, added.err
    r = run("trial", "result", now=on(42))
    assert r.code == 0, r.err
    assert "Acupressure helps you" in r.out
    assert "not blinded" in r.out and "ratings that could be analysed are missing" in r.out
    assert "1 session in usual-care weeks (deviations): 2026-03-10" in r.out
    data = run("trial", "result", "--json", now=on(42)).json()
    assert data["result"]["verdict"] == "helps"
    assert data["deviations"] == ["2026-03-10"]
    assert data["result"]["ratings"]["missing"] > 0


def test_a_check_that_sends_to_a_doctor_stops_the_trial(
    run: Run, answers_file: Callable[..., object]
) -> None:
    start(run)
    r = run("check", "--answers", str(answers_file(fever_or_chills=True)), now=on(2))
    assert r.code in (0, 1)
    shown = run("trial", "status", now=on(2)).out
    assert "Your trial was stopped on 2026-03-04. Safety comes first: See a doctor" in shown


def test_a_session_in_a_usual_care_week_says_so_and_counts_as_a_deviation(
    run: Run, answers_file: Callable[..., Path]
) -> None:
    # Seed 0 begins with a usual-care week; the session runs on the real clock.
    assert run("trial", "start", "--weeks", "6", "--seed", "0", "--yes").code == 0
    answers = str(answers_file())
    asked = run("session", "--answers", answers, "--pain-before", "5", input="n\n")
    assert asked.code == 1
    assert "a usual-care week: no acupressure this week" in asked.out
    assert "no session today" in asked.err
    assert run("journal", "--json").json() == []
    done = run(
        "session", "--auto", "--answers", answers, "--speed", "1000", "--keep",
        "--minutes", "15", "--pain-before", "5", "--pain-after", "3",
    )  # fmt: skip
    assert done.code == 0, done.err
    assert "recorded as a deviation" in done.out
    shown = run("trial", "result", "--json").json()
    assert shown["deviations"] == [dt.date.today().isoformat()]


def test_reminders_with_the_trial_mark_its_weeks_and_skip_usual_care_mornings(
    run: Run, tmp_path: Path
) -> None:
    out = tmp_path / "trial.ics"
    none = run("remind", "--out", str(out), "--trial", now=on(0))
    assert none.code == 2 and "no trial running to add" in none.err and not out.exists()
    start(run)
    r = run("remind", "--out", str(out), "--trial", "--tz", "Europe/Paris",
            "--start", "2026-03-02", now=on(0))  # fmt: skip
    assert r.code == 0, r.err
    assert "rating reminder at 20:00 every day until 2026-04-12" in r.out
    events = icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    summaries = [str(e["SUMMARY"]) for e in events]
    assert "Trial week 2 of 6: usual-care week: no acupressure" in summaries
    assert "Trial week 1 of 6: acupressure week: your routine on your usual days" in summaries
    (rating,) = [e for e in events if "Rate your day" in str(e["SUMMARY"])]
    assert rating["RRULE"]["COUNT"] == [42]
    (sessions,) = [e for e in events if "morning session" in str(e["SUMMARY"])]
    excluded = sessions["EXDATE"]
    lists = excluded if isinstance(excluded, list) else [excluded]
    skipped = {d.dt.date() for x in lists for d in x.dts}
    assert dt.date(2026, 3, 9) in skipped and dt.date(2026, 3, 2) not in skipped
    assert len(skipped) == 18  # three usual-care weeks of six mornings
