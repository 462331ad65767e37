"""The personal trial: its schedule, where a day falls in it, the analysis of constructed
ratings (every threshold one below, at and one above), its words, its content file, and
its calibration on simulated trials."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acupress import trial, trial_sim
from acupress.atlas import CONTENT
from acupress.errors import AcupressError, ContentError

RULES = trial.default_rules()
START = dt.date(2026, 3, 2)  # a Monday
DAY = dt.timedelta(days=1)
# t quantiles at 0.95 (a 90 % interval) with 1, 2 and 3 degrees of freedom.
T95 = {1: 6.313751514675037, 2: 2.9199855803537242, 3: 2.3533634348018233}


def plan(weeks: int = 4, seed: int = 1) -> trial.Schedule:
    return trial.schedule(START, weeks, seed, RULES)


def period(s: trial.Schedule, pair: int, arm: trial.Arm) -> trial.Period:
    return next(p for p in s.periods if p.pair == pair and p.arm == arm)


def week(p: trial.Period, answers: Sequence[int | None]) -> list[trial.Rating]:
    """A rating for each day of a period with all three answers equal (None: not rated)."""
    assert len(answers) == 7
    return [
        trial.Rating(day=p.start + n * DAY, pain=a, enjoyment=a, activity=a)
        for n, a in enumerate(answers)
        if a is not None
    ]


def steady(s: trial.Schedule, pairs: dict[int, tuple[int, int]]) -> list[trial.Rating]:
    """Every day rated: per pair, the acupressure week's score and the usual-care week's."""
    out = []
    for number, (acupressure, usual) in pairs.items():
        out += week(period(s, number, "acupressure"), [acupressure] * 7)
        out += week(period(s, number, "usual_care"), [usual] * 7)
    return out


def after(s: trial.Schedule) -> dt.date:
    return s.end + DAY


def analyse(
    s: trial.Schedule,
    ratings: list[trial.Rating],
    today: dt.date | None = None,
    rules: trial.TrialRules = RULES,
) -> trial.Result:
    return trial.analyse(s, ratings, today or after(s), rules)


# --- the schedule ---------------------------------------------------------------------


def test_the_same_seed_gives_the_same_schedule() -> None:
    assert trial.schedule(START, 8, 7) == trial.schedule(START, 8, 7)
    assert trial.schedule(START, 8, 7).seed == 7


def test_a_seed_always_draws_the_same_orders() -> None:
    # A trial started with this seed must read back the same way after any upgrade.
    arms = [p.arm for p in trial.schedule(START, 8, 42).periods]
    u, a = "usual_care", "acupressure"
    assert arms == [u, a, a, u, u, a, u, a]


def test_each_pair_has_one_week_of_each_arm_in_consecutive_weeks() -> None:
    s = trial.schedule(START, 12, 3)
    assert len(s.periods) == 12 and s.pairs == 6
    for number in range(1, 7):
        weeks = [p for p in s.periods if p.pair == number]
        assert sorted(p.arm for p in weeks) == ["acupressure", "usual_care"]
        assert [p.week for p in weeks] == [2 * number - 1, 2 * number]
    assert [p.start for p in s.periods] == [START + 7 * n * DAY for n in range(12)]
    assert all(p.end == p.start + 6 * DAY and p.days == 7 for p in s.periods)
    assert s.end == START + 83 * DAY


def test_the_order_within_each_pair_varies_with_the_seed() -> None:
    schedules = [trial.schedule(START, 8, seed) for seed in range(200)]
    assert len({tuple(p.arm for p in s.periods) for s in schedules}) == 16  # all 2**4 orders
    for pair in range(4):
        first = [s.periods[2 * pair].arm == "acupressure" for s in schedules]
        assert 70 < sum(first) < 130  # each order about half the time


@pytest.mark.parametrize("weeks", [2, 3, 5, 13, 14])
def test_a_trial_is_an_even_number_of_weeks_from_4_to_12(weeks: int) -> None:
    with pytest.raises(AcupressError, match=f"from 4 to 12 .*; {weeks} is not one"):
        trial.schedule(START, weeks, 1)


@pytest.mark.parametrize("weeks", [4, 6, 12])
def test_trial_lengths_at_the_edges_are_accepted(weeks: int) -> None:
    assert len(trial.schedule(START, weeks, 1).periods) == weeks


def test_week_of_before_the_first_day() -> None:
    s = plan()
    today = trial.week_of(s, START - DAY)
    assert today.when == "before" and today.days_to_start == 1
    assert today.period is None and today.arm is None and today.week is None


def test_week_of_the_first_and_last_day_of_each_week() -> None:
    s = plan()
    first = trial.week_of(s, START)
    assert (first.when, first.week, first.pair, first.day_of_week) == ("during", 1, 1, 1)
    assert first.arm == s.periods[0].arm
    assert trial.week_of(s, START + 6 * DAY).day_of_week == 7
    assert trial.week_of(s, START + 6 * DAY).week == 1
    second = trial.week_of(s, START + 7 * DAY)
    assert (second.week, second.pair, second.day_of_week) == (2, 1, 1)
    third = trial.week_of(s, START + 14 * DAY)
    assert (third.week, third.pair, third.day_of_week) == (3, 2, 1)
    last = trial.week_of(s, s.end)
    assert (last.when, last.week, last.pair, last.day_of_week) == ("during", 4, 2, 7)


def test_week_of_the_day_after_the_trial() -> None:
    today = trial.week_of(plan(), after(plan()))
    assert today.when == "after" and today.period is None


def test_what_to_do_says_the_week_the_arm_and_the_day() -> None:
    s = plan(seed=1)  # usual care first
    assert trial.what_to_do(s, START + 2 * DAY, RULES) == (
        "Week 1 of 4, day 3 of 7: a usual-care week. No acupressure this week: carry on as "
        "you usually would, and rate your PEG today."
    )
    assert trial.what_to_do(s, START + 7 * DAY, RULES).startswith(
        "Week 2 of 4, day 1 of 7: an acupressure week. Do your routine"
    )
    assert trial.what_to_do(s, START - 3 * DAY, RULES) == (
        "Your trial starts on 2026-03-02, in 3 days. From then on, rate your PEG every day, "
        "whether or not you practised."
    )
    assert trial.what_to_do(s, after(s), RULES) == (
        "Your trial ended on 2026-03-29. Its result is ready."
    )


# --- ratings --------------------------------------------------------------------------


def test_the_peg_score_is_the_mean_of_the_three_answers() -> None:
    assert trial.Rating(day=START, pain=6, enjoyment=4, activity=5).score == 5
    assert trial.Rating(day=START, pain=0, enjoyment=0, activity=1).score == pytest.approx(1 / 3)


@pytest.mark.parametrize("value", [-1, 11, 2.5, True, "3"])
def test_a_peg_answer_is_a_whole_number_from_0_to_10(value: object) -> None:
    with pytest.raises(AcupressError, match="whole number from 0 to 10; enjoyment was"):
        trial.Rating(day=START, pain=5, enjoyment=value, activity=5)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [0, 10])
def test_peg_answers_at_the_ends_of_the_scale_are_accepted(value: int) -> None:
    assert trial.Rating(day=START, pain=value, enjoyment=value, activity=value).score == value


# --- the analysis ---------------------------------------------------------------------


def test_known_differences_give_the_known_estimate_and_t_interval() -> None:
    s = plan(4)
    # pair 1: 2 points lower with acupressure, pair 2: 3 points lower
    result = analyse(s, steady(s, {1: (3, 5), 2: (3, 6)}))
    assert result.estimate == pytest.approx(2.5)
    half = T95[1] * 0.5  # sd of (2, 3) is sqrt(0.5); its standard error over 2 pairs 0.5
    assert result.interval == pytest.approx((2.5 - half, 2.5 + half))
    assert result.complete_pairs == 2
    assert [p.difference for p in result.pairs] == [2, 3]
    assert result.verdict == "no_clear_difference"  # a wide interval with 2 pairs


def test_the_chance_of_a_meaningful_difference_comes_from_the_same_t_posterior() -> None:
    s = plan(8)
    result = analyse(s, steady(s, {1: (3, 5), 2: (3, 6), 3: (4, 6), 4: (4, 5)}))
    d = np.array([2.0, 3.0, 2.0, 1.0])
    se = d.std(ddof=1) / 2
    assert result.estimate == pytest.approx(2.0)
    assert result.interval == pytest.approx((2 - T95[3] * se, 2 + T95[3] * se))
    # P(effect >= 1) = P(T3 >= (1 - 2) / se), for a t with 3 degrees of freedom
    from scipy import stats

    assert result.chance == pytest.approx(stats.t.sf(-1 / se, 3))
    assert result.verdict == "helps"
    assert result.helps


def test_higher_scores_with_acupressure_are_worse() -> None:
    s = plan(8)
    result = analyse(s, steady(s, {1: (5, 3), 2: (6, 3), 3: (6, 4), 4: (5, 4)}))
    assert result.estimate == pytest.approx(-2.0)
    assert result.verdict == "worse"
    assert result.summary.startswith("During acupressure weeks your PEG score was 2 points higher")


def test_wash_out_days_are_left_out() -> None:
    s = plan(4)
    ratings = []
    for number in (1, 2):
        # the first two days of each week would turn the difference around
        ratings += week(period(s, number, "acupressure"), [9, 9, 3, 3, 3, 3, 3])
        ratings += week(period(s, number, "usual_care"), [0, 0, 5, 5, 5, 5, 5])
    result = analyse(s, ratings)
    assert result.estimate == 2
    assert result.counts.washout == 8 and result.counts.used == 20


@pytest.mark.parametrize(
    ("washout_days", "estimate"),
    # day 2 of each week (the last wash-out day with 2) has a difference of 4, the others 2
    [(1, 5 - (1 + 3 * 5) / 6), (2, 2.0), (3, 2.0)],
)
def test_the_last_wash_out_day_is_left_out_and_the_next_day_is_used(
    washout_days: int, estimate: float
) -> None:
    s = plan(4)
    rules = dataclasses.replace(RULES, washout_days=washout_days)
    ratings = []
    for number in (1, 2):
        ratings += week(period(s, number, "acupressure"), [None, 1, 3, 3, 3, 3, 3])
        ratings += week(period(s, number, "usual_care"), [None, 5, 5, 5, 5, 5, 5])
    assert analyse(s, ratings, rules=rules).estimate == pytest.approx(estimate)


@pytest.mark.parametrize(("rated", "counted"), [(2, False), (3, True), (4, True)])
def test_a_week_counts_with_at_least_min_ratings_after_the_wash_out(
    rated: int, counted: bool
) -> None:
    assert RULES.min_ratings == 3
    s = plan(4)
    days = [None, None] + [4] * rated + [None] * (5 - rated)
    ratings = steady(s, {2: (3, 5)})
    ratings += week(period(s, 1, "acupressure"), days)
    ratings += week(period(s, 1, "usual_care"), [6] * 7)
    result = analyse(s, ratings)
    assert result.pairs[0].counted is counted
    assert result.pairs[0].acupressure_ratings == rated
    assert result.counts.missing == 5 - rated
    if counted:
        assert result.verdict != "too_early" and result.complete_pairs == 2
    else:
        assert result.verdict == "too_early" and result.reason == "too_few_pairs"
        assert result.estimate is None and result.interval is None and result.chance is None


@pytest.mark.parametrize(("complete", "verdict"), [(1, "too_early"), (2, "helps"), (3, "helps")])
def test_a_verdict_needs_at_least_min_pairs_complete_pairs(complete: int, verdict: str) -> None:
    assert RULES.min_pairs == 2
    s = plan(6)
    result = analyse(s, steady(s, {n: (3, 5) for n in range(1, complete + 1)}))
    assert result.complete_pairs == complete
    assert result.verdict == verdict
    if complete == 1:
        assert result.summary == (
            "Too early to tell: 1 pair of weeks had enough ratings, and 2 are needed (at least "
            "3 ratings in each week, not counting its first 2 days)."
        )


@pytest.mark.parametrize(
    ("acupressure", "verdict"),
    # the same difference in every pair: the interval is that difference alone
    [((4, 4), "no_clear_difference"), ((3, 3), "no_clear_difference"), ((2, 2), "helps")],
)
def test_helps_needs_the_interval_above_the_margin(
    acupressure: tuple[int, int], verdict: str
) -> None:
    rules = dataclasses.replace(RULES, margin=1.0)
    s = plan(4)
    # usual care 4: differences 0 (below the margin), 1 (at it), 2 (above)
    result = analyse(s, steady(s, {1: (acupressure[0], 4), 2: (acupressure[1], 4)}), rules=rules)
    assert result.verdict == verdict


@pytest.mark.parametrize(
    ("usual", "verdict"), [(3, "no_clear_difference"), (2, "no_clear_difference"), (1, "worse")]
)
def test_worse_needs_the_interval_below_minus_the_margin(usual: int, verdict: str) -> None:
    rules = dataclasses.replace(RULES, margin=1.0)
    s = plan(4)
    result = analyse(s, steady(s, {1: (3, usual), 2: (3, usual)}), rules=rules)
    assert result.verdict == verdict


@pytest.mark.parametrize(("usual", "chance"), [(4, 0.0), (5, 1.0), (6, 1.0)])
def test_the_chance_counts_a_difference_of_exactly_the_meaningful_one(
    usual: int, chance: float
) -> None:
    assert RULES.meaningful == 1
    s = plan(4)
    result = analyse(s, steady(s, {1: (4, usual), 2: (4, usual)}))
    assert result.chance == chance


def test_no_difference_at_all_is_no_clear_difference() -> None:
    s = plan(4)
    result = analyse(s, steady(s, {1: (4, 4), 2: (4, 4)}))
    assert (result.estimate, result.interval, result.chance) == (0, (0, 0), 0)
    assert result.verdict == "no_clear_difference"


def test_missing_ratings_are_counted_and_named_in_the_limits() -> None:
    s = plan(4)
    ratings = steady(s, {1: (3, 5), 2: (3, 6)})
    gone = {START + 3 * DAY, START + 4 * DAY, START + 20 * DAY}  # two analysed, one wash-out
    gone.add(START + 14 * DAY)  # a wash-out day: not missing, not analysed
    kept = [r for r in ratings if r.day not in gone]
    result = analyse(s, kept)
    c = result.counts
    assert (c.expected, c.missing, c.used, c.washout, c.unpaired) == (20, 3, 17, 7, 0)
    assert c.ratings == len(kept) == c.used + c.washout + c.unpaired
    assert result.limits[0] == (
        "3 of the 20 daily ratings that could be analysed are missing: missing ratings make "
        "the result less certain."
    )
    assert result.limits[1:] == tuple(RULES.limits)


def test_no_missing_ratings_no_missing_limit() -> None:
    s = plan(4)
    result = analyse(s, steady(s, {1: (3, 5), 2: (3, 6)}))
    assert result.counts.missing == 0
    assert result.limits == tuple(RULES.limits)


def test_ratings_of_an_incomplete_pair_are_counted_as_unpaired() -> None:
    s = plan(6)
    ratings = steady(s, {1: (3, 5), 2: (3, 6)})
    ratings += week(period(s, 3, "acupressure"), [3] * 7)  # its usual-care week unrated
    c = analyse(s, ratings).counts
    assert (c.used, c.unpaired, c.missing, c.expected) == (20, 5, 5, 30)


def test_before_the_trial_it_is_too_early() -> None:
    s = plan(4)
    result = analyse(s, [], today=START - DAY)
    assert (result.verdict, result.reason, result.finished) == ("too_early", "not_started", False)
    assert result.summary == "Too early to tell: your trial starts on 2026-03-02."
    assert result.counts.expected == 0


def test_a_running_trial_waits_for_its_end_even_with_enough_pairs() -> None:
    s = plan(6)
    ratings = steady(s, {1: (3, 5), 2: (3, 6), 3: (3, 5)})
    today = s.end - DAY
    result = analyse(s, [r for r in ratings if r.day <= today], today=today)
    assert (result.verdict, result.reason) == ("too_early", "running")
    assert result.complete_pairs == 2
    assert result.summary == (
        "Too early to tell: your trial runs until 2026-04-12 (this is week 6 of 6), and the "
        "result comes after its last week. Complete pairs of weeks so far: 2 of 3."
    )


def test_the_last_day_rated_finishes_the_trial() -> None:
    s = plan(4)
    ratings = steady(s, {1: (3, 5), 2: (3, 6)})
    unrated = analyse(s, [r for r in ratings if r.day < s.end], today=s.end)
    assert unrated.reason == "running" and not unrated.finished
    rated = analyse(s, ratings, today=s.end)
    assert rated.finished and rated.verdict == "no_clear_difference"
    assert analyse(s, ratings, today=after(s)).finished


def test_ratings_outside_the_trial_and_after_today_are_ignored() -> None:
    s = plan(4)
    ratings = steady(s, {1: (3, 5), 2: (3, 6)})
    extra = [
        trial.Rating(day=START - DAY, pain=10, enjoyment=10, activity=10),
        trial.Rating(day=after(s), pain=10, enjoyment=10, activity=10),
    ]
    assert analyse(s, ratings + extra) == analyse(s, ratings)
    today = START + 9 * DAY
    early = analyse(s, ratings, today=today)
    assert early.counts.ratings == 10


def test_of_two_ratings_on_one_day_the_last_counts() -> None:
    s = plan(4)
    ratings = steady(s, {1: (3, 5), 2: (3, 6)})
    day = period(s, 1, "acupressure").start + 3 * DAY
    corrected = [*ratings, trial.Rating(day=day, pain=8, enjoyment=8, activity=8)]
    result = analyse(s, corrected)
    assert result.pairs[0].acupressure == pytest.approx((3 * 4 + 8) / 5)
    assert result.counts.ratings == len(ratings)


answers = st.integers(min_value=0, max_value=10)
any_rating = st.builds(
    trial.Rating,
    day=st.integers(min_value=-10, max_value=60).map(lambda n: START + n * DAY),
    pain=answers,
    enjoyment=answers,
    activity=answers,
)


@settings(max_examples=300, deadline=None)
@given(
    ratings=st.lists(any_rating, max_size=80),
    today=st.integers(min_value=-3, max_value=60).map(lambda n: START + n * DAY),
)
def test_any_ratings_on_any_day_give_a_consistent_result(
    ratings: list[trial.Rating], today: dt.date
) -> None:
    s = plan(6)
    result = trial.analyse(s, ratings, today, RULES)
    c = result.counts
    assert c.ratings == c.used + c.washout + c.unpaired
    assert 0 <= c.missing <= c.expected <= 30
    assert (result.verdict == "too_early") == (result.estimate is None)
    assert result.complete_pairs == sum(p.counted for p in result.pairs)
    if result.interval is not None and result.estimate is not None:
        low, high = result.interval
        assert low <= result.estimate <= high
        assert result.chance is not None and 0 <= result.chance <= 1
    assert result.summary and "{" not in result.summary


# --- the words ------------------------------------------------------------------------


def test_the_sentence_of_helps_gives_the_estimate_the_interval_and_the_chance() -> None:
    s = plan(8)
    result = analyse(s, steady(s, {1: (3, 5), 2: (3, 6), 3: (4, 6), 4: (4, 5)}))
    low, high = result.interval or (0, 0)
    assert result.title == "Acupressure helps you"
    assert result.summary == (
        f"During acupressure weeks your PEG score was 2 points lower (90 % interval "
        f"{low:.1f} to {high:.1f}); the chance that acupressure lowers it by at least 1 point "
        f"for you is {(result.chance or 0) * 100:.0f} %."
    )
    assert trial.sentence(result) == "\n".join((result.summary, *RULES.limits))
    assert "not blinded" in trial.sentence(result)


def test_the_sentence_of_no_clear_difference_names_both_ends_of_the_interval() -> None:
    s = plan(4)
    result = analyse(s, steady(s, {1: (3, 5), 2: (3, 6)}))
    assert result.summary == (
        "During acupressure weeks your PEG score was 2.5 points lower than in usual-care weeks,"
        " but the 90 % interval runs from 0.7 points higher to 5.7 points lower: no clear "
        "difference. The chance that acupressure lowers it by at least 1 point for you is 90 %."
    )


def test_the_sentence_says_the_same_when_there_is_no_difference() -> None:
    s = plan(4)
    result = analyse(s, steady(s, {1: (4, 4), 2: (4, 4)}))
    assert result.summary.startswith(
        "During acupressure weeks your PEG score was no different than in usual-care weeks"
    )
    assert "chance that acupressure lowers it by at least 1 point for you is less than 1 %" in (
        result.summary
    )


def test_result_json_has_the_figures_and_the_words() -> None:
    s = plan(4)
    result = analyse(s, steady(s, {1: (3, 5), 2: (3, 6)}))
    data = trial.result_json(result)
    assert data["verdict"] == "no_clear_difference"
    assert data["estimate"] == 2.5 and len(data["interval"]) == 2
    assert data["ratings"]["used"] == 20 and data["ratings"]["missing"] == 0
    assert [p["difference"] for p in data["pairs"]] == [2, 3]
    assert data["limits"] == list(RULES.limits)
    periods = trial.schedule_json(s)["periods"]
    assert [p["week"] for p in periods] == [1, 2, 3, 4]
    assert periods[0]["start"] == "2026-03-02" and periods[0]["end"] == "2026-03-08"


# --- the naive comparison --------------------------------------------------------------


def test_naive_before_after_compares_the_first_and_last_seven_days() -> None:
    days = [START + n * DAY for n in range(14)]
    ratings = [
        trial.Rating(day=d, pain=a, enjoyment=a, activity=a)
        for d, a in zip(days, [6] * 7 + [5] * 7, strict=True)
    ]
    naive = trial.naive_before_after(ratings, 1.0)
    assert naive is not None
    assert (naive.first_week, naive.last_week, naive.change, naive.improved) == (6, 5, -1, True)
    assert not (trial.naive_before_after(ratings, 1.5) or naive).improved
    assert trial.naive_before_after(ratings[1:], 1.0) is None  # less than two weeks
    assert trial.naive_before_after([], 1.0) is None


# --- the content file ------------------------------------------------------------------


def test_the_shipped_content_is_valid() -> None:
    rules = trial.load(CONTENT / "trial.toml")
    assert (rules.washout_days, rules.min_ratings, rules.min_pairs) == (2, 3, 2)
    assert (rules.level, rules.meaningful, rules.margin) == (0.9, 1.0, 0.0)
    assert "Reed" in rules.source["meaningful"] and "Krebs" in rules.source["outcome"]


def copy_with(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    text = (CONTENT / "trial.toml").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "trial.toml"
    path.write_text(text, encoding="utf-8")
    return path


BROKEN = [
    ("washout_days = 2", "washout_days = 7", "field 'washout_days': must be from 0 to 6."),
    ("washout_days = 2", "washout_days = -1", "field 'washout_days': must be from 0 to 6."),
    (
        "min_ratings = 3",
        "min_ratings = 6",
        "field 'min_ratings': must be from 1 to 5 (the days after the wash-out).",
    ),
    (
        "min_ratings = 3",
        "min_ratings = 0",
        "field 'min_ratings': must be from 1 to 5 (the days after the wash-out).",
    ),
    (
        "min_pairs = 2",
        "min_pairs = 1",
        "field 'min_pairs': must be at least 2 (one pair gives no spread).",
    ),
    (
        "min_pairs = 2",
        "min_pairs = 3",
        "field 'min_pairs': must be at most the pairs of the shortest trial (2).",
    ),
    (
        "min_weeks = 4",
        "min_weeks = 5",
        "field 'min_weeks': must be an even number of weeks, at least 2.",
    ),
    ("max_weeks = 12", "max_weeks = 2", "field 'max_weeks': must be at least min_weeks (4)."),
    ("level = 0.90", "level = 1.0", "field 'level': must be above 0 and below 1."),
    ("level = 0.90", "level = 0", "field 'level': must be above 0 and below 1."),
    ("meaningful = 1.0", "meaningful = 0", "field 'meaningful': must be above 0."),
    ("margin = 0.0", "margin = -0.5", "field 'margin': must be 0 or more."),
    ("level = 0.90", 'level = "90 %"', "field 'level': expected 'float', got 'str'."),
    (
        "[verdict.worse]",
        "[verdict.worst]",
        "verdict.worst: unknown verdict; known: helps, no_clear_difference, worse, too_early.",
    ),
    (
        "[arm.usual_care]",
        "[arm.usual]",
        "arm.usual: unknown arm; known: acupressure, usual_care.",
    ),
    (
        "for you is {chance} %.",
        "for you is {chances} %.",
        "verdict.helps, field 'sentence': unknown placeholder {chances}; known: "
        "{difference}, {amount}, {low}, {high}, {worst}, {best}, {level}, {chance}, "
        "{meaningful}, {pairs}, {weeks}, {start}, {end}, {week}, {complete}, {complete_pairs}, "
        "{total}, "
        "{min_pairs}, {min_ratings}, {washout}.",
    ),
    (
        "rate your PEG today.",
        "rate your PEG {today}.",
        "arm.acupressure, field 'todo': unknown placeholder {today}; known: {week}, {weeks}, "
        "{day}, {pair}, {start}, {end}, {days}.",
    ),
    (
        'same = "no different"',
        'same = "no different {"',
        "words, field 'same': not a valid text (Single '{' encountered in format string).",
    ),
    ("margin = 0.0", "margin = 0.0\nmargins = 1", ": object contains unknown field 'margins'."),
]


@pytest.mark.parametrize(("old", "new", "message"), BROKEN)
def test_a_broken_trial_file_names_the_file_the_entry_and_the_field(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = copy_with(tmp_path, (old, new))
    with pytest.raises(ContentError) as e:
        trial.load(path)
    # a message names the entry and the field after a comma, the whole file after a colon
    separator = "" if message.startswith(":") else ", "
    assert str(e.value) == f"{path}{separator}{message}"


def test_a_missing_verdict_is_named(tmp_path: Path) -> None:
    text = (CONTENT / "trial.toml").read_text(encoding="utf-8")
    start = text.index("[verdict.worse]")
    end = text.index("[verdict.too_early]")
    path = tmp_path / "trial.toml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(ContentError) as e:
        trial.load(path)
    assert str(e.value) == f"{path}, verdict.worse: is missing."


@pytest.mark.parametrize(
    "edits",
    [
        [("washout_days = 2", "washout_days = 0")],
        [("washout_days = 2", "washout_days = 4")],
        [("washout_days = 2", "washout_days = 6"), ("min_ratings = 3", "min_ratings = 1")],
        [("min_ratings = 3", "min_ratings = 1")],
        [("min_ratings = 3", "min_ratings = 5")],
        [("level = 0.90", "level = 0.99")],
        [("margin = 0.0", "margin = 0.5")],
        [("max_weeks = 12", "max_weeks = 4")],
        [("min_weeks = 4", "min_weeks = 6"), ("min_pairs = 2", "min_pairs = 3")],
    ],
)
def test_content_at_the_edge_of_each_check_loads(
    tmp_path: Path, edits: list[tuple[str, str]]
) -> None:
    assert trial.load(copy_with(tmp_path, *edits))


# --- the simulation and the calibration -------------------------------------------------


def test_without_noise_the_simulation_gives_the_effect_exactly() -> None:
    quiet = trial_sim.Noise(
        start=(5, 5),
        recovery=(0, 0),
        drift=0,
        daily=(0, 0),
        item=0,
        item_offset=0,
        carryover=0,
        missed=(0, 0),
    )
    rng = np.random.default_rng(1)
    [(s, ratings)] = trial_sim.trials(6, 1, 2.0, rng, RULES, quiet)
    assert len(ratings) == 42
    result = analyse(s, ratings)
    assert result.estimate == 2 and result.verdict == "helps"
    assert {r.score for r in ratings} == {3, 5}


def test_the_simulation_misses_ratings_and_recovers_naturally() -> None:
    rng = np.random.default_rng(2)
    simulated = trial_sim.trials(8, 300, 0.0, rng, RULES)
    rated = np.mean([len(r) for _, r in simulated]) / 56
    assert 0.65 < rated < 0.85
    changes = [trial.naive_before_after(r, 1.0) for _, r in simulated]
    assert np.mean([c.change for c in changes if c]) < -1  # better without any treatment


def test_the_trial_is_calibrated_when_acupressure_does_nothing() -> None:
    """3,000 simulated 8-week trials, acupressure without effect, pain recovering
    naturally, AR(1) daily noise, week-to-week drift and missed ratings: the 90 %
    interval covers the true effect 87-93 % of the time, and "helps" is said at most
    5 % of the time, while the naive before/after comparison claims an improvement in
    most trials."""
    rng = np.random.default_rng(20260302)
    simulated = trial_sim.trials(8, 3000, 0.0, rng, RULES)
    results = [analyse(s, r) for s, r in simulated]
    intervals = [r.interval for r in results if r.interval]
    coverage = np.mean([low <= 0 <= high for low, high in intervals])
    helps = np.mean([r.verdict == "helps" for r in results])
    naive = np.mean(
        [bool((b := trial.naive_before_after(r, 1.0)) and b.improved) for _, r in simulated]
    )
    assert len(intervals) > 2400
    assert abs(coverage - 0.90) <= 0.03
    assert helps <= 0.05
    assert naive > 0.4
