"""The guide's rules applied to constructed journals: each flag where it belongs, and
only there; the figures; how the next session adapts."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
    seconds: int = 60,
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
        seconds=seconds,
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
    assert flag.decision is None  # advice and a lighter session, not a stop
    assert "pain_increased_twice" not in ids(p)


def test_pain_increased_twice_in_a_row_says_see_a_professional() -> None:
    p = analyse(daily([(5, 3), (5, 3), (5, 3), (5, 6), (5, 6)]))
    flag = p.flag("pain_increased_twice")
    assert flag is not None and "before the next session" in flag.advice
    assert (flag.decision, flag.urgency) == ("see_clinician", "days")


def test_a_session_stopped_because_the_pain_rose_counts_as_an_increase() -> None:
    stopped = replace(s(0, 5, None), stop_reason="pain_increased", complete=False)
    p = analyse([*daily([(5, 3), (5, 6)], last=1), stopped])
    assert {"pain_increased_after_session", "pain_increased_twice"} <= ids(p)


def test_an_earlier_increase_followed_by_relief_raises_no_flag() -> None:
    p = analyse(daily([(5, 6), (5, 3)]))
    assert "pain_increased_after_session" not in ids(p)


BOOK = atlas.default()
LOW_BACK = protocol.load_file(protocol.BUILTIN / "low-back.toml", BOOK)
MINIMUM = protocol.minimum_seconds(LOW_BACK, BOOK)  # 14 minutes


def test_after_pain_increased_the_next_session_is_shorter_than_that_one_and_lighter() -> None:
    logs = [*daily([(5, 3)] * 4, last=1), s(0, 5, 7, pressure="firm", seconds=20 * 60)]
    a = analyse(logs).adjustment
    assert a.pressure_cap == "moderate"  # one level below the firm pressure used
    assert a.max_seconds == 15 * 60  # three quarters of the last session, not of today's time
    lighter = protocol.plan(LOW_BACK, BOOK, 30, adjustment=a)
    assert MINIMUM < lighter.total_seconds <= 15 * 60
    assert {st.pressure for st in lighter.steps if st.point} <= {"light", "moderate"}
    assert any("increased" in n for n in lighter.notes)


def test_after_a_short_session_that_hurt_a_long_budget_plans_the_minimum() -> None:
    logs = [*daily([(5, 3)] * 4, last=1), s(0, 5, 7, seconds=15 * 60)]
    a = analyse(logs).adjustment
    assert protocol.plan(LOW_BACK, BOOK, 30, adjustment=a).total_seconds == MINIMUM


@pytest.mark.parametrize(
    ("used", "cap"),
    [("firm", "moderate"), ("moderate", "light"), ("light", "light"), (None, "light")],
)
def test_a_session_logged_by_hand_that_hurt_lightens_from_the_pressure_it_used(
    used: str | None, cap: str
) -> None:
    by_hand = replace(s(0, 5, 7, seconds=0), source="manual", steps=(), pressure=used)
    a = analyse([*daily([(5, 3)] * 4, last=1), by_hand]).adjustment
    assert a.pressure_cap == cap  # not known: as light as it goes
    assert (a.max_seconds, a.time_factor) == (None, 0.75)  # length not known: of today's time
    plan = protocol.plan(LOW_BACK, BOOK, 20, adjustment=a)
    assert MINIMUM < plan.total_seconds <= 15 * 60  # three quarters of the 20 minutes
    moderate_points = {st.point for st in plan.steps if st.pressure == "moderate"}
    assert moderate_points == (set() if cap == "light" else {"BL23", "BL25", "BL40"})


def test_a_new_person_starts_gentle_and_builds_up() -> None:
    caps = [analyse(daily([(5, 4)] * n)).adjustment.pressure_cap for n in range(6)]
    assert caps == ["light", "light", "moderate", "moderate", None, None]
    first = analyse([]).adjustment
    assert "new" in first.reasons[0]


@pytest.mark.parametrize(("run", "rest_day"), [(5, False), (6, True), (7, True)])
def test_after_six_days_in_a_row_today_is_a_rest_day(run: int, rest_day: bool) -> None:
    p = analyse(daily([(5, 4)] * run, last=1))  # the run ends yesterday
    flag = p.flag("no_rest_day")
    assert (flag is not None) is rest_day
    assert (p.adjustment.rest_day is not None) is rest_day
    if flag is not None:
        assert "bruis" in flag.advice and flag.details["days"] == run
        assert flag.decision is None  # a session can still be chosen


def test_six_days_up_to_today_make_tomorrow_the_rest_day_not_today() -> None:
    assert "no_rest_day" not in ids(analyse(daily([(5, 4)] * 6)))
    tomorrow = progress.analyse(daily([(5, 4)] * 6), TODAY + dt.timedelta(days=1), RULES)
    assert "no_rest_day" in ids(tomorrow)


def test_a_rest_day_in_the_run_clears_the_rest_flag() -> None:
    assert "no_rest_day" not in ids(analyse(daily([(5, 4)] * 8, last=2)))  # rested yesterday
    broken = [*daily([(5, 4)] * 3, last=5), *daily([(5, 4)] * 3, last=1)]  # day 4 off
    assert "no_rest_day" not in ids(analyse(broken))


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
    assert data["next_session"]["max_seconds"] == 45  # three quarters of the last minute
    no_relief = next(f for f in data["flags"] if f["id"] == "no_relief_3_days")
    assert (no_relief["decision"], no_relief["urgency"]) == ("see_clinician", "days")
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


# --- the improvement test, exactly -------------------------------------------------------


def journal_of(baseline: list[int], recent: list[int]) -> list[SessionLog]:
    """Baseline sessions a month ago, then the recent ones on the last days."""
    early = [s(40 - i, b, b) for i, b in enumerate(baseline)]
    late = [s(len(recent) - 1 - i, b, b) for i, b in enumerate(recent)]
    return early + late


def test_an_exact_two_point_drop_is_meaningful_despite_floating_point() -> None:
    p = analyse(journal_of([6, 10, 10], [7, 7, 6]))  # 26/3 down to 20/3: exactly 2
    flag = p.flag("meaningful_improvement")
    assert flag is not None and flag.details["points"] == 2.0
    assert p.change_points == -2.0


@pytest.mark.parametrize(
    ("baseline", "recent", "meaningful"),
    [
        ([10, 10, 10], [8, 8, 9], False),  # 1.67 points (17 %): one below
        ([10, 10, 10], [8, 8, 8], True),  # 2 points: at
        ([10, 10, 10], [8, 8, 7], True),  # 2.33 points: one above
        ([5, 5, 5], [4, 4, 3], False),  # 26.7 %: one below
        ([4, 4, 3], [3, 3, 3, 3, 2, 2, 2], False),  # 29.9 % (1.1 points): just below
        ([5, 5, 5], [4, 3], True),  # 30 % (1.5 points): at
        ([5, 5, 5], [3, 3, 4], True),  # 33.3 %: one above
    ],
)
def test_the_immpact_thresholds_one_below_at_and_one_above(
    baseline: list[int], recent: list[int], meaningful: bool
) -> None:
    assert ("meaningful_improvement" in ids(analyse(journal_of(baseline, recent)))) is meaningful


def test_the_change_shown_is_the_one_the_flag_judges() -> None:
    p = analyse(journal_of([8, 8, 8], [6]))
    assert (p.baseline_pain, p.last_week_pain) == (8.0, 6.0)
    assert (p.change_points, p.change_percent) == (-2.0, -25.0)
    flag = p.flag("meaningful_improvement")
    assert flag is not None and (flag.details["points"], flag.details["percent"]) == (2.0, 25.0)


def test_the_recent_week_leaves_out_the_baseline_sessions() -> None:
    p = analyse(daily([(8, 8), (8, 8), (8, 8), (6, 6)]))  # all within the last 7 days
    assert p.last_week_pain == 6.0 and p.change_points == -2.0


def meaningful_by_hand(baseline: tuple[int, ...], recent: tuple[int, ...]) -> bool:
    """IMMPACT in whole numbers: sum(b)/nb - sum(r)/nr >= 2, or that drop is >= 30 %."""
    nb, nr, sb, sr = len(baseline), len(recent), sum(baseline), sum(recent)
    drop_times = sb * nr - sr * nb  # the drop, times nb * nr
    return drop_times >= 2 * nb * nr or (sb > 0 and 10 * drop_times >= 3 * sb * nr)


def test_every_small_journal_is_judged_exactly() -> None:
    """All baselines of three scores against every recent week of one or two scores
    (scores 0-10; means do not depend on order): the flag agrees with whole-number
    arithmetic every time."""
    from itertools import combinations_with_replacement

    rules = RULES
    scores = range(11)
    for baseline in combinations_with_replacement(scores, 3):
        for size in (1, 2):
            for recent in combinations_with_replacement(scores, size):
                change = progress.Change(
                    baseline=progress.Fraction(sum(baseline), 3),
                    current=progress.Fraction(sum(recent), size),
                    recent_start=TODAY,
                    recent_end=TODAY,
                )
                assert change.meaningful(rules) is meaningful_by_hand(baseline, recent), (
                    baseline,
                    recent,
                )


@given(
    st.lists(st.integers(0, 10), min_size=3, max_size=3),
    st.lists(st.integers(0, 10), min_size=1, max_size=4),
)
def test_the_analysis_flags_exactly_what_whole_numbers_say(
    baseline: list[int], recent: list[int]
) -> None:
    p = analyse(journal_of(baseline, recent))
    expected = meaningful_by_hand(tuple(baseline), tuple(recent))
    assert ("meaningful_improvement" in ids(p)) is expected


# --- every other threshold of progress.toml: one below, at, one above ------------------


@pytest.mark.parametrize(("days", "flagged"), [(2, False), (3, True), (4, True)])
def test_no_relief_days_threshold(days: int, flagged: bool) -> None:
    assert ("no_relief_3_days" in ids(analyse(daily([(6, 6)] * days)))) is flagged


@pytest.mark.parametrize(("span", "flagged"), [(27, False), (28, True), (29, True)])
def test_persistent_pain_threshold(span: int, flagged: bool) -> None:
    logs = [s(span - 1, 6, 5), s(0, 6, 5)]  # the first and last scored days span ``span``
    assert ("persistent_pain" in ids(analyse(logs))) is flagged


def test_persistent_pain_counts_again_after_a_professional() -> None:
    logs = [s(n, 6, 5) for n in range(40, -1, -4)]
    assert "persistent_pain" in ids(analyse(logs))
    cleared = [dt.datetime.combine(TODAY - dt.timedelta(days=20), dt.time(12), TZ)]
    assert "persistent_pain" not in ids(progress.analyse(logs, TODAY, RULES, cleared))


@pytest.mark.parametrize(("sessions", "has_change"), [(3, False), (4, True)])
def test_the_baseline_is_the_first_three_scored_sessions(sessions: int, has_change: bool) -> None:
    logs = journal_of([9, 6, 3, 1][: min(sessions, 3)], [5] * (sessions - 3))
    p = analyse(logs)
    assert p.baseline_pain == 6.0  # (9 + 6 + 3) / 3, not 2 or 4 sessions
    assert (p.change is not None) is has_change


def test_a_fourth_early_session_is_not_part_of_the_baseline() -> None:
    logs = [s(40, 9, 9), s(39, 6, 6), s(38, 3, 3), s(37, 0, 0), s(0, 5, 5)]
    p = analyse(logs)
    assert p.baseline_pain == 6.0
    assert p.last_week_pain == 5.0  # the session 37 days ago is not in the recent week


@pytest.mark.parametrize(("days_before", "counted"), [(5, True), (6, True), (7, False)])
def test_the_recent_week_is_seven_days_up_to_the_last_session(
    days_before: int, counted: bool
) -> None:
    logs = [*journal_of([8, 8, 8], []), s(days_before, 2, 2), s(0, 6, 6)]
    p = analyse(logs)
    assert p.last_week_pain == (4.0 if counted else 6.0)


@pytest.mark.parametrize(
    ("done", "cap"), [(0, "light"), (1, "light"), (2, "moderate"), (3, "moderate"), (4, None)]
)
def test_gentle_start_thresholds(done: int, cap: str | None) -> None:
    assert analyse(daily([(5, 4)] * done, last=10)).adjustment.pressure_cap == cap


@pytest.mark.parametrize(("minutes", "longest"), [(19, 855), (20, 900), (21, 945)])
def test_the_next_session_after_more_pain_is_three_quarters_as_long(
    minutes: int, longest: int
) -> None:
    logs = [*daily([(5, 3)] * 4, last=1), s(0, 5, 7, seconds=minutes * 60)]
    assert analyse(logs).adjustment.max_seconds == longest


# --- the JSON a script reads, exactly ------------------------------------------------------

FLAG = RULES.flag
GENTLE, BUILDING = (g.reason for g in RULES.gentle_start)
AFTER_MORE_PAIN = RULES.after_pain_increase.reason


def flag_json(flag_id: progress.FlagId, **details: object) -> dict[str, object]:
    text = FLAG[flag_id]
    return {
        "id": flag_id,
        "title": text.title,
        "advice": text.advice,
        "source": text.source,
        "decision": text.decision,
        "urgency": text.urgency,
        **details,
    }


def day_json(days_ago: int, sessions: int, before: float, after: float) -> dict[str, object]:
    day = (TODAY - dt.timedelta(days=days_ago)).isoformat()
    return {"day": day, "sessions": sessions, "before": before, "after": after}


def test_progress_json_of_three_days_without_relief() -> None:
    data = progress.progress_json(analyse(daily([(6, 6), (6, 6), (6, 7)])))
    assert data == {
        "today": "2026-03-31",
        "sessions": 3,
        "days": 3,
        "first_day": "2026-03-29",
        "last_day": "2026-03-31",
        "baseline_pain": 6.0,
        "last_week_pain": None,  # every session is still part of the baseline
        "change_points": None,
        "change_percent": None,
        "average_relief": -0.3,
        "current_streak": 3,
        "longest_streak": 3,
        "rest_days_last_week": 0,  # the days before the first session are not rest days
        "recent_days": None,
        "cleared_at": None,
        "flags": [
            flag_json("no_relief_3_days", days=["2026-03-29", "2026-03-30", "2026-03-31"]),
            flag_json("pain_increased_after_session", session=None, pain_before=6, pain_after=7),
        ],
        "next_session": {
            "pressure_cap": "moderate",
            "time_factor": 1.0,
            "max_seconds": 45,
            "rest_day": None,
            "reasons": [AFTER_MORE_PAIN, BUILDING],  # the more pressing reason first
        },
        "series": [day_json(2, 1, 6.0, 6.0), day_json(1, 1, 6.0, 6.0), day_json(0, 1, 6.0, 7.0)],
    }


def test_progress_json_of_a_meaningful_improvement_after_a_professional_said_go_on() -> None:
    cleared = dt.datetime.combine(TODAY - dt.timedelta(days=20), dt.time(12, 0, 0, 500_000), TZ)
    data = progress.progress_json(
        progress.analyse(journal_of([8, 8, 8], [5, 5]), TODAY, RULES, [cleared])
    )
    assert dt.datetime.fromisoformat(data.pop("cleared_at")) == cleared.replace(microsecond=0)
    assert data == {
        "today": "2026-03-31",
        "sessions": 5,
        "days": 5,
        "first_day": "2026-02-19",
        "last_day": "2026-03-31",
        "baseline_pain": 8.0,
        "last_week_pain": 5.0,
        "change_points": -3.0,
        "change_percent": -37.5,
        "average_relief": 0.0,
        "current_streak": 2,
        "longest_streak": 3,
        "rest_days_last_week": 5,
        "recent_days": ["2026-03-25", "2026-03-31"],
        "flags": [
            flag_json(
                "meaningful_improvement",
                advice="Your pain before sessions is down 3 points (38 %) from your baseline: "
                "a meaningful improvement by the IMMPACT threshold (at least 30 % or 2 points).",
                baseline=8.0,
                current=5.0,
                points=3.0,
                percent=37.5,
            )
        ],
        "next_session": {
            "pressure_cap": None,
            "time_factor": 1.0,
            "max_seconds": None,
            "rest_day": None,
            "reasons": [],
        },
        "series": [
            day_json(40, 1, 8.0, 8.0),
            day_json(39, 1, 8.0, 8.0),
            day_json(38, 1, 8.0, 8.0),
            day_json(1, 1, 5.0, 5.0),
            day_json(0, 1, 5.0, 5.0),
        ],
    }


def test_progress_json_of_an_empty_journal() -> None:
    assert progress.progress_json(analyse([])) == {
        "today": "2026-03-31",
        "sessions": 0,
        "days": 0,
        "first_day": None,
        "last_day": None,
        "baseline_pain": None,
        "last_week_pain": None,
        "change_points": None,
        "change_percent": None,
        "average_relief": None,
        "current_streak": 0,
        "longest_streak": 0,
        "rest_days_last_week": 7,
        "recent_days": None,
        "cleared_at": None,
        "flags": [],
        "next_session": {
            "pressure_cap": "light",
            "time_factor": 1.0,
            "max_seconds": None,
            "rest_day": None,
            "reasons": [GENTLE],
        },
        "series": [],
    }


def test_the_flags_of_two_increases_name_the_sessions() -> None:
    logs = [replace(log, id=n) for n, log in enumerate(daily([(5, 3)] * 3 + [(5, 6)] * 2), 1)]
    data = progress.progress_json(analyse(logs))
    assert data["flags"] == [
        flag_json("pain_increased_after_session", session=5, pain_before=5, pain_after=6),
        flag_json("pain_increased_twice", sessions=[4, 5]),
    ]


# --- figures: rounding, streaks, rest days ----------------------------------------------------


@pytest.mark.parametrize(
    ("reliefs", "average"),
    [([1, 0, 0, 0], 0.3), ([-1, 0, 0, 0], -0.3), ([1, 0, 0, 0, 0, 0, 0], 0.1)],
)
def test_figures_round_halves_away_from_zero(reliefs: list[int], average: float) -> None:
    logs = daily([(5, 5 - relief) for relief in reliefs])
    assert analyse(logs).average_relief == average


def test_a_change_too_small_to_show_is_zero_not_minus_zero() -> None:
    import json

    p = analyse(journal_of([1, 0, 0], [1, 1, 0, 0, 0, 0, 0]))  # 2/7 - 1/3 = -1/21
    assert json.dumps(progress.progress_json(p)["change_points"]) == "0.0"


@pytest.mark.parametrize(
    ("days_ago", "current", "longest", "rest_days"),
    [
        ([2, 1, 0], 3, 3, 0),  # up to today
        ([3, 2, 1], 3, 3, 1),  # up to yesterday: the streak still stands
        ([4, 3, 2], 0, 3, 2),  # a day off breaks it
        ([2], 0, 1, 2),  # one session two days ago: today and yesterday are rest days
    ],
)
def test_the_streak_counts_up_to_today_or_yesterday(
    days_ago: list[int], current: int, longest: int, rest_days: int
) -> None:
    p = analyse([s(n, 5, 4) for n in days_ago])
    assert (p.current_streak, p.longest_streak, p.rest_days_last_week) == (
        current,
        longest,
        rest_days,
    )


# --- no relief on three days: which days count ------------------------------------------


@pytest.mark.parametrize(
    ("scores", "flagged"),
    [
        ([(5, 5), (7, 7), (6, 6)], True),  # the last day's pain is above the first's
        ([(5, 5), (4, 4), (6, 6)], True),  # the middle day does not matter
        ([(7, 7), (4, 4), (6, 6)], False),  # lower on the last day than on the first
        ([(6, 3), (6, 6), (6, 6), (6, 6)], True),  # relief before the last three days
        ([(6, 6), (6, 6), (6, 6), (2, None)], True),  # a day without a score after
    ],
)
def test_no_relief_compares_the_last_three_days_with_both_scores(
    scores: list[tuple[int, int | None]], flagged: bool
) -> None:
    logs = [s(len(scores) - 1 - i, b, a) for i, (b, a) in enumerate(scores)]
    assert ("no_relief_3_days" in ids(analyse(logs))) is flagged


@pytest.mark.parametrize(("minute", "flagged"), [(29, True), (30, False), (31, False)])
def test_a_session_at_the_moment_a_professional_said_go_on_counts_before_it(
    minute: int, flagged: bool
) -> None:
    """Sessions start at 7:30; the professional's word at 7:29, 7:30 or 7:31 of the first."""
    first = TODAY - dt.timedelta(days=27)
    cleared = [dt.datetime.combine(first, dt.time(7, minute), TZ)]
    persistent = progress.analyse([s(27, 6, 5), s(0, 6, 5)], TODAY, RULES, cleared)
    assert ("persistent_pain" in ids(persistent)) is flagged
    no_relief = progress.analyse(
        [s(27, 6, 6), s(26, 6, 6), s(25, 6, 6)], TODAY - dt.timedelta(days=25), RULES, cleared
    )
    assert ("no_relief_3_days" in ids(no_relief)) is flagged


# --- the next session: what counts as done, which pressure was used ----------------------


@pytest.mark.parametrize(
    ("source", "points", "cap"),
    [
        ("guided", (), "light"),  # stopped before the first point: not a session done
        ("guided", ("BL23",), "moderate"),
        ("manual", (), "moderate"),  # logged by hand: done, whichever points
    ],
)
def test_the_build_up_counts_the_sessions_done(
    source: str, points: tuple[str, ...], cap: str
) -> None:
    logs = [replace(log, source=source, points=points) for log in daily([(5, 4)] * 2, last=5)]
    assert analyse(logs).adjustment.pressure_cap == cap


def step_log(point: str | None, pressure: str | None, skipped: bool = False) -> StepLog:
    start = dt.datetime.combine(TODAY, dt.time(7, 30), TZ)
    return StepLog(
        position=0,
        step=1,
        step_id=(point or "prepare").lower(),
        point=point,
        side=None,
        pressure=pressure,  # type: ignore[arg-type]
        planned_seconds=60,
        seconds=60.0,
        skipped=skipped,
        completed_at=start,
    )


@pytest.mark.parametrize(
    ("steps", "cap"),
    [
        ([step_log(None, None), step_log("BL25", "moderate")], "light"),
        ([step_log("BL23", "firm", skipped=True), step_log("BL25", "moderate")], "light"),
        ([step_log("BL25", "moderate"), step_log("BL23", "firm")], "moderate"),
    ],
)
def test_after_more_pain_the_cap_is_below_the_most_pressure_a_step_used(
    steps: list[StepLog], cap: str
) -> None:
    hurt = replace(s(0, 5, 7), steps=tuple(steps))
    logs = [*daily([(5, 3)] * 4, last=1), hurt]
    assert analyse(logs).adjustment.pressure_cap == cap


@pytest.mark.parametrize(
    ("seconds", "longest", "factor"), [(0, None, 0.75), (1, 0, 1.0), (2, 1, 1.0)]
)
def test_after_more_pain_a_known_length_of_even_one_second_sets_the_longest(
    seconds: int, longest: int | None, factor: float
) -> None:
    logs = [*daily([(5, 3)] * 4, last=1), s(0, 5, 7, seconds=seconds)]
    a = analyse(logs).adjustment
    assert (a.max_seconds, a.time_factor) == (longest, factor)


# --- progress from the journal ------------------------------------------------------------


def test_progress_from_the_journal_is_the_analysis_of_everything_in_it() -> None:
    from acupress.journal import Journal
    from acupress.records import Event

    logs = [
        *daily([(5, 3)] * 3, last=3),
        s(2, 5, 7, pressure="firm"),  # the newest session with an outcome
        replace(s(1, 5, None), steps=()),  # a session without an outcome
    ]
    at = dt.datetime.combine(TODAY - dt.timedelta(days=30), dt.time(12), TZ)
    with Journal() as db:
        db.add_many(logs)
        db.add_event(Event(id=None, uid="x", kind="seen_professional", at=at, day=at.date()))
        stored = db.sessions(with_steps=True)
        everything = progress.analyse(stored, TODAY, RULES, [at])
        found = progress.from_journal(db, TODAY)
        assert found == everything
        assert found.adjustment.pressure_cap == "moderate"  # one below the firm steps
        assert found.cleared_at == at
        fewer_days = replace(RULES, no_rest_days=2)
        rested = progress.from_journal(db, TODAY, fewer_days)
        assert rested.flag("no_rest_day") is not None


# --- what counts as a session done ------------------------------------------------------


def all_skipped(day: int, before: int, after: int | None, stop: str | None = None) -> SessionLog:
    """A guided session in which no point was pressed: every step skipped."""
    log = s(day, before, after)
    step = replace(log.steps[0], skipped=True, seconds=2.0)
    return replace(log, points=(), steps=(step,), complete=False, stop_reason=stop)  # type: ignore[arg-type]


def test_a_session_with_every_point_skipped_is_in_no_figure_and_no_rule() -> None:
    done = daily([(6, 5), (6, 5), (6, 5)], last=1)
    skipped = [all_skipped(0, 2, 1), all_skipped(4, 9, 9), all_skipped(5, 9, 10)]
    p = analyse([*done, *skipped])
    assert p == analyse(done)
    assert (p.sessions, p.days, p.current_streak, p.rest_days_last_week) == (3, 3, 3, 1)
    assert p.baseline_pain == 6.0 and p.average_relief == 1.0
    assert [d.day for d in p.series] == [TODAY - dt.timedelta(days=n) for n in (3, 2, 1)]
    assert p.flags == () and p.adjustment.pressure_cap == "moderate"


def test_six_days_in_a_row_of_skipped_sessions_are_no_reason_for_a_rest_day() -> None:
    p = analyse([all_skipped(n, 5, 5) for n in range(1, 7)])
    assert p.flag("no_rest_day") is None and p.adjustment.rest_day is None


@pytest.mark.parametrize(
    ("stop", "flag"),
    [("dizziness", "stopped_for_dizziness"), ("pain_increased", "stopped_for_pain")],
)
def test_a_stop_in_a_session_with_no_point_pressed_still_ends_today(stop: str, flag: str) -> None:
    p = analyse([*daily([(5, 4)] * 2, last=1), all_skipped(0, 5, 7, stop)])
    assert [f.id for f in p.flags] == [flag]
    assert p.sessions == 2
    yesterday = analyse([*daily([(5, 4)] * 2, last=2), all_skipped(1, 5, 7, stop)])
    assert yesterday.flags == ()


@pytest.mark.parametrize(
    ("day", "counted"),
    [
        (dt.date(1999, 12, 31), False),
        (dt.date(2000, 1, 1), True),
        (TODAY, True),
        (TODAY + dt.timedelta(days=1), False),
        (dt.date(2099, 1, 1), False),
    ],
)
def test_only_days_from_2000_to_today_count(day: dt.date, counted: bool) -> None:
    p = analyse([s(day, 5, 4)])
    assert p.sessions == (1 if counted else 0)
    assert p.last_day == (day if counted else None)


def test_progress_from_the_journal_reads_the_steps_of_the_newest_session_done() -> None:
    from acupress.journal import Journal

    hurt = s(2, 5, 7, pressure="firm")  # the newest session done with an outcome
    logs = [*daily([(5, 3)] * 3, last=3), hurt, all_skipped(1, 5, 9), s(-3, 5, 9)]
    with Journal() as db:
        db.add_many(logs)
        found = progress.from_journal(db, TODAY)
        assert found == progress.analyse(db.sessions(with_steps=True), TODAY, RULES)
    assert found.flag("pain_increased_after_session") is not None
    assert found.adjustment.pressure_cap == "moderate"  # a level below hurt's firm step


@given(st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=10)), max_size=8))
def test_a_days_mean_is_rounded_as_the_exact_mean_would_be(scores: list[int | None]) -> None:
    """The day's mean pain, worked out in whole numbers for speed, is to the tenth what
    rounding the exact mean gives (halves up: 4.25 is 4.3), or None without scores."""
    assert progress._mean_rounded(scores) == progress._round(progress._mean(scores))


def test_a_days_mean_rounds_halves_up_and_not_the_tenth_below() -> None:
    assert progress._mean_rounded([4, 5, 4, 4]) == 4.3  # 4.25
    assert progress._mean_rounded([4, 4, 4, 5, 4, 4, 4, 4]) == 4.1  # 4.125
    assert progress._mean_rounded([0, 0, 1]) == 0.3  # 0.333...
    assert progress._mean_rounded([None, None]) is None
