"""The guide's rules applied to constructed journals: each flag where it belongs, and
only there; the figures; how the next session adapts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from acupress import atlas, progress, protocol
from acupress.errors import ContentError
from acupress.records import SessionLog, StepLog

TZ = dt.timezone(dt.timedelta(hours=1))
TODAY = dt.date(2026, 3, 31)
RULES = progress.default_rules()


def s(
    day: dt.date | int,
    before: int | None,
    after: int | None,
    *,
    pressure: str = "firm",
    points: tuple[str, ...] = ("BL23",),
) -> SessionLog:
    if isinstance(day, int):
        day = TODAY - dt.timedelta(days=day)
    start = dt.datetime.combine(day, dt.time(7, 30), TZ)
    step = StepLog(
        position=0,
        step=2,
        step_id="bl23",
        point="BL23",
        side="both",
        pressure=pressure,  # type: ignore[arg-type]
        planned_seconds=60,
        seconds=60.0,
        skipped=False,
        completed_at=start,
    )
    return SessionLog(
        id=None,
        started_at=start,
        day=day,
        protocol="low-back",
        source="guided",
        pain_before=before,
        pain_after=after,
        points=points,
        steps=(step,),
        complete=True,
    )


def daily(scores: list[tuple[int, int]], last: int = 0) -> list[SessionLog]:
    """One session a day, the last one ``last`` days before today."""
    n = len(scores)
    return [s(last + n - 1 - i, b, a) for i, (b, a) in enumerate(scores)]


def ids(p: progress.Progress) -> set[str]:
    return {f.id for f in p.flags}


def analyse(logs: list[SessionLog]) -> progress.Progress:
    return progress.analyse(logs, TODAY, RULES)


def test_an_empty_journal_has_no_figures_and_no_flags() -> None:
    p = analyse([])
    assert p.sessions == 0 and p.flags == () and p.baseline_pain is None
    assert p.adjustment.pressure_cap == "light"  # a new person starts gentle


def test_figures_baseline_last_week_change_and_relief() -> None:
    logs = [s(20, 6, 5), s(19, 6, 4), s(18, 6, 5), s(5, 4, 3), s(3, 4, 2), s(1, 3, 3)]
    p = analyse(logs)
    assert p.sessions == 6 and p.days == 6
    assert p.baseline_pain == 6.0  # the first three sessions
    assert p.last_week_pain == pytest.approx(3.7)  # 4, 4, 3 within the last 7 days
    assert p.change_points == pytest.approx(-2.3)
    assert p.change_percent == pytest.approx(-38.9)
    assert p.average_relief == pytest.approx(7 / 6, abs=0.05)
    assert p.first_day == TODAY - dt.timedelta(days=20)


def test_streaks_and_rest_days() -> None:
    logs = [*daily([(5, 4)] * 4), s(6, 5, 4), s(7, 5, 4), s(8, 5, 4)]
    p = analyse(logs)  # days 0-3 and 6-8
    assert p.current_streak == 4
    assert p.longest_streak == 4
    assert p.rest_days_last_week == 2  # days 4 and 5


def test_no_relief_on_three_days_sends_to_a_practitioner() -> None:
    p = analyse(daily([(6, 6), (6, 7), (6, 6)]))
    flag = p.flag("no_relief_3_days")
    assert flag is not None
    assert "licensed practitioner" in flag.advice


def test_relief_on_any_of_the_three_days_raises_no_flag() -> None:
    assert "no_relief_3_days" not in ids(analyse(daily([(6, 6), (6, 5), (6, 6)])))


def test_two_days_without_relief_are_not_yet_three() -> None:
    assert "no_relief_3_days" not in ids(analyse(daily([(6, 6), (6, 6)])))


def test_pain_falling_from_day_to_day_is_relief_too() -> None:
    assert "no_relief_3_days" not in ids(analyse(daily([(7, 7), (6, 6), (5, 5)])))


def test_pain_increased_after_the_last_session() -> None:
    p = analyse(daily([(5, 3), (5, 3), (5, 3), (5, 3), (5, 6)]))
    flag = p.flag("pain_increased_after_session")
    assert flag is not None
    assert "shorter and lighter" in flag.advice and "ice" in flag.advice
    assert flag.details["repeated"] is False


def test_pain_increased_twice_in_a_row_says_see_a_professional() -> None:
    flag = analyse(daily([(5, 3), (5, 3), (5, 3), (5, 6), (5, 6)])).flag(
        "pain_increased_after_session"
    )
    assert flag is not None and flag.details["repeated"] is True
    assert "see a professional before the next session" in flag.advice


def test_an_earlier_increase_followed_by_relief_raises_no_flag() -> None:
    p = analyse(daily([(5, 6), (5, 3)]))
    assert "pain_increased_after_session" not in ids(p)


def test_after_pain_increased_the_next_session_is_shorter_and_lighter() -> None:
    logs = [*daily([(5, 3)] * 4), s(0, 5, 7, pressure="firm")]
    logs.sort(key=lambda log: log.started_at)
    a = analyse(logs).adjustment
    assert a.pressure_cap == "moderate"  # one level below the firm pressure used
    assert a.time_factor == 0.75
    book = atlas.default()
    low_back = protocol.load_file(protocol.BUILTIN / "low-back.toml", book)
    usual = protocol.plan(low_back, book, 25)
    lighter = protocol.plan(low_back, book, 25, adjustment=a)
    assert lighter.total_seconds < usual.total_seconds
    assert lighter.total_seconds >= protocol.minimum_seconds(low_back, book)
    assert {st.pressure for st in lighter.steps if st.point} <= {"light", "moderate"}
    assert any("increased" in n for n in lighter.notes)


def test_a_new_person_starts_gentle_and_builds_up() -> None:
    caps = [analyse(daily([(5, 4)] * n)).adjustment.pressure_cap for n in range(6)]
    assert caps == ["light", "light", "moderate", "moderate", None, None]
    first = analyse([]).adjustment
    assert "new" in first.reasons[0]


def test_sessions_every_day_for_a_week_ask_for_a_rest_day() -> None:
    flag = analyse(daily([(5, 4)] * 7)).flag("no_rest_day")
    assert flag is not None and "bruis" in flag.advice and flag.details["days"] == 7


def test_six_days_in_a_row_or_a_rest_since_raise_no_rest_flag() -> None:
    assert "no_rest_day" not in ids(analyse(daily([(5, 4)] * 6)))
    assert "no_rest_day" not in ids(analyse(daily([(5, 4)] * 8, last=2)))  # rested 2 days


def test_a_drop_of_two_points_is_a_meaningful_improvement() -> None:
    logs = daily([(7, 6), (7, 6), (7, 6)], last=10) + daily([(5, 4), (5, 4)])
    flag = analyse(logs).flag("meaningful_improvement")
    assert flag is not None
    assert flag.details["points"] == 2.0
    assert "IMMPACT" in flag.advice and "IMMPACT" in flag.source


def test_a_thirty_percent_drop_is_meaningful_even_under_two_points() -> None:
    logs = daily([(3, 2)] * 3, last=10) + daily([(2, 2)])
    flag = analyse(logs).flag("meaningful_improvement")
    assert flag is not None and flag.details["percent"] == pytest.approx(33.3)


def test_a_small_drop_is_not_meaningful() -> None:
    logs = daily([(7, 6)] * 3, last=10) + daily([(6, 5)] * 2)
    assert "meaningful_improvement" not in ids(analyse(logs))


def test_four_weeks_without_improvement_is_persistent_pain() -> None:
    logs = [s(n, 6, 5) for n in range(27, -1, -3)] + [s(28, 6, 5)]
    logs.sort(key=lambda log: log.started_at)
    flag = analyse(logs).flag("persistent_pain")
    assert flag is not None and "full diagnosis" in flag.advice


def test_three_weeks_are_not_yet_persistent_and_improvement_clears_it() -> None:
    three_weeks = [s(n, 6, 5) for n in range(20, -1, -2)]
    three_weeks.sort(key=lambda log: log.started_at)
    assert "persistent_pain" not in ids(analyse(three_weeks))
    better = [s(n, 6 if n > 20 else 3, 3) for n in range(30, -1, -2)]
    better.sort(key=lambda log: log.started_at)
    p = analyse(better)
    assert "persistent_pain" not in ids(p) and "meaningful_improvement" in ids(p)


def test_the_series_averages_sessions_of_the_same_day() -> None:
    logs = [s(1, 6, 4), s(1, 4, 2)]
    (day,) = analyse(logs).series
    assert (day.sessions, day.before, day.after) == (2, 5.0, 3.0)


def test_json_has_the_flags_by_stable_id() -> None:
    data = progress.progress_json(analyse(daily([(6, 6), (6, 6), (6, 7)])))
    assert {"no_relief_3_days", "pain_increased_after_session"} <= {f["id"] for f in data["flags"]}
    assert data["next_session"]["time_factor"] == 0.75
    assert data["series"][0]["day"] == (TODAY - dt.timedelta(days=2)).isoformat()


def test_a_broken_rules_file_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "progress.toml"
    text = (progress.CONTENT / "progress.toml").read_text()
    path.write_text(text.replace("time_factor = 0.75", "time_factor = 1.5"))
    with pytest.raises(ContentError, match=r"after_pain_increase, field 'time_factor'"):
        progress.load(path)
    path.write_text(text.replace("recent_days = 7", 'recent_days = "a week"'))
    with pytest.raises(ContentError, match="recent_days"):
        progress.load(path)
