"""The personal trial (N-of-1): does acupressure help *you*? Pairs of weeks, one with the
routine and one of usual care in random order, a PEG rating every day, and what they
show: ``schedule(start, weeks, seed)``, ``week_of(schedule, day)`` and
``analyse(schedule, ratings, today, rules) -> Result``, pure functions.

One sign convention throughout: a difference is the usual-care score minus the
acupressure score, that is how much LOWER the PEG score was with acupressure. Positive
is better.

The model: a paired analysis of week means. Each pair of weeks gives one difference,
the mean score of its usual-care week minus that of its acupressure week, over the days
after the wash-out. The effect is the mean of these differences, with a t interval over
the pairs (n - 1 degrees of freedom). Under a flat prior on the mean and the log spread
of the differences, the posterior of the effect is the same t distribution (Gelman A et
al., Bayesian Data Analysis, 3rd ed. 2013, section 3.2), so the interval is also a
credible interval and the chance of at least the meaningful difference is read from it.

Why: days within a week are correlated and pain drifts from week to week. Taking the
week as the unit puts the day-to-day correlation inside each week mean's error, and the
spread of the pair differences measures that error directly, without a model of the
correlation to fit from a few dozen days. Pairing adjacent weeks removes the drift and
natural recovery they share; the random order within each pair makes what is left
average out, and it shows in the spread. With three or four pairs the paired t-test
keeps its false-positive rate near nominal and has more power than mixed models (Chen X,
Chen P, PLoS One 2014;9(2):e87752); a mixed model with so few periods estimates their
variance badly and its intervals are too narrow. ``benchmarks/trial_calibration.py``
shows the calibration on simulated trials.

Thresholds and words live in ``content/trial.toml``.
"""

from __future__ import annotations

import datetime as dt
import math
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args

from acupress import contentfile
from acupress.atlas import CONTENT
from acupress.errors import AcupressError

Arm = Literal["acupressure", "usual_care"]
ARMS: tuple[Arm, ...] = get_args(Arm)
Verdict = Literal["helps", "no_clear_difference", "worse", "too_early"]
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)
# Why a result is too early to tell.
Reason = Literal["not_started", "running", "too_few_pairs"]
When = Literal["before", "during", "after"]
WEEK = 7  # days in a period
PEG = ("pain", "enjoyment", "activity")  # the three answers of a rating


# --- content --------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, repr=False)
class ArmText:
    title: str
    todo: str


@dataclass(frozen=True, kw_only=True, repr=False)
class VerdictText:
    title: str
    sentence: str


@dataclass(frozen=True, kw_only=True, repr=False)
class WhenText:
    before: str
    after: str


@dataclass(frozen=True, kw_only=True, repr=False)
class TooEarlyText:
    not_started: str
    running: str


@dataclass(frozen=True, kw_only=True, repr=False)
class Words:
    lower: str
    higher: str
    same: str
    missing: str


@dataclass(frozen=True, kw_only=True, repr=False)
class TrialRules:
    min_weeks: int
    max_weeks: int
    washout_days: int  # the first days of each week, not analysed
    min_ratings: int  # a week counts with at least this many ratings after its wash-out
    min_pairs: int  # the fewest complete pairs that give a result
    level: float  # of the interval (0.9)
    meaningful: float  # PEG points
    margin: float  # helps: the interval's lower end is above this many points lower
    limits: tuple[str, ...]
    agreement: tuple[str, ...]  # what a person agrees to do, shown before a trial starts
    questions: dict[str, str]  # the PEG's three questions, by answer: pain, enjoyment, activity
    source: dict[str, str]
    arm: dict[str, ArmText]  # by arm: every arm, no other
    when: WhenText
    verdict: dict[str, VerdictText]  # by verdict: every verdict, no other
    too_early: TooEarlyText
    words: Words


def load(path: Path = CONTENT / "trial.toml") -> TrialRules:
    return contentfile.load(path, TrialRules, check)


@cache
def default_rules() -> TrialRules:
    return load()


# Every placeholder a text may use: a text naming another one is refused when the file
# is loaded, not when a person first reaches that sentence.
_DAY_FIELDS = ("week", "weeks", "day", "pair", "start", "end", "days")
_RESULT_FIELDS = (
    "difference",
    "amount",
    "low",
    "high",
    "worst",
    "best",
    "level",
    "chance",
    "meaningful",
    "pairs",
    "weeks",
    "start",
    "end",
    "week",
    "complete",
    "complete_pairs",
    "total",
    "min_pairs",
    "min_ratings",
    "washout",
)


def check(rules: TrialRules, path: Path) -> None:
    def fail(entry: str | None, name: str, problem: str) -> AcupressError:
        return contentfile.located_error(path, entry, name, problem)

    for name in ("min_weeks", "max_weeks"):
        value = getattr(rules, name)
        if value < 2 or value % 2:
            raise fail(None, name, "must be an even number of weeks, at least 2")
    if rules.max_weeks < rules.min_weeks:
        raise fail(None, "max_weeks", f"must be at least min_weeks ({rules.min_weeks})")
    if not 0 <= rules.washout_days < WEEK:
        raise fail(None, "washout_days", f"must be from 0 to {WEEK - 1}")
    if not 1 <= rules.min_ratings <= WEEK - rules.washout_days:
        raise fail(
            None,
            "min_ratings",
            f"must be from 1 to {WEEK - rules.washout_days} (the days after the wash-out)",
        )
    if rules.min_pairs < 2:
        raise fail(None, "min_pairs", "must be at least 2 (one pair gives no spread)")
    if rules.min_pairs > rules.min_weeks // 2:
        raise fail(
            None,
            "min_pairs",
            f"must be at most the pairs of the shortest trial ({rules.min_weeks // 2})",
        )
    if not 0 < rules.level < 1:
        raise fail(None, "level", "must be above 0 and below 1")
    if not rules.meaningful > 0:
        raise fail(None, "meaningful", "must be above 0")
    if not rules.margin >= 0:
        raise fail(None, "margin", "must be 0 or more")
    _check_keys(path, "questions", rules.questions, PEG)
    _check_keys(path, "arm", rules.arm, ARMS)
    _check_keys(path, "verdict", rules.verdict, VERDICTS)
    for arm in ARMS:
        _check_text(path, f"arm.{arm}", "todo", rules.arm[arm].todo, _DAY_FIELDS)
    for name in ("before", "after"):
        _check_text(path, "when", name, getattr(rules.when, name), _DAY_FIELDS)
    for verdict in VERDICTS:
        sentence = rules.verdict[verdict].sentence
        _check_text(path, f"verdict.{verdict}", "sentence", sentence, _RESULT_FIELDS)
    for name in ("not_started", "running"):
        _check_text(path, "too_early", name, getattr(rules.too_early, name), _RESULT_FIELDS)
    for name in ("lower", "higher", "same"):
        _check_text(path, "words", name, getattr(rules.words, name), ("amount",))
    _check_text(path, "words", "missing", rules.words.missing, ("missing", "expected"))


def _check_keys(path: Path, table: str, entries: Mapping[str, Any], known: Sequence[str]) -> None:
    for key in entries:
        if key not in known:
            raise contentfile.located_error(
                path, f"{table}.{key}", None, f"unknown {table}; known: {', '.join(known)}"
            )
    for key in known:
        if key not in entries:
            raise contentfile.located_error(path, f"{table}.{key}", None, "is missing")


def _check_text(path: Path, entry: str, name: str, text: str, fields: Sequence[str]) -> None:
    try:
        names = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError as e:
        raise contentfile.located_error(path, entry, name, f"not a valid text ({e})") from None
    for field in names:
        if field not in fields:
            known = ", ".join("{" + f + "}" for f in fields)
            raise contentfile.located_error(
                path, entry, name, f"unknown placeholder {{{field}}}; known: {known}"
            )


# --- the schedule ---------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Rating:
    """A day's PEG answers, each 0-10: average pain, and how much pain interfered with
    enjoyment of life and with general activity (Krebs 2009)."""

    day: dt.date
    pain: int
    enjoyment: int
    activity: int

    def __post_init__(self) -> None:
        for name in ("pain", "enjoyment", "activity"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
                raise AcupressError(
                    f"A PEG answer is a whole number from 0 to 10; {name} was {value!r}."
                )

    @property
    def score(self) -> float:
        """The PEG score: the mean of the three answers, 0-10, lower is better."""
        return (self.pain + self.enjoyment + self.activity) / 3


@dataclass(frozen=True, kw_only=True)
class Period:
    """One week of the trial, with or without acupressure."""

    start: dt.date
    arm: Arm
    pair: int  # 1, 2, ...
    week: int  # 1, 2, ... in the trial

    @property
    def days(self) -> int:
        return WEEK

    @property
    def end(self) -> dt.date:
        """The period's last day."""
        return self.start + dt.timedelta(days=WEEK - 1)


@dataclass(frozen=True, kw_only=True)
class Schedule:
    start: dt.date
    weeks: int
    seed: int  # draws the order within each pair again: schedule(start, weeks, seed)
    periods: tuple[Period, ...]

    @property
    def end(self) -> dt.date:
        """The trial's last day."""
        return self.start + dt.timedelta(days=WEEK * self.weeks - 1)

    @property
    def pairs(self) -> int:
        return self.weeks // 2


def schedule(start: dt.date, weeks: int, seed: int, rules: TrialRules | None = None) -> Schedule:
    """A trial of ``weeks`` weeks from ``start``: pairs of weeks, each pair one week with
    acupressure and one of usual care, the order within each pair drawn from ``seed``."""
    rules = rules or default_rules()
    if weeks % 2 or not rules.min_weeks <= weeks <= rules.max_weeks:
        raise AcupressError(
            f"A trial lasts an even number of weeks from {rules.min_weeks} to "
            f"{rules.max_weeks} (whole pairs of weeks); {weeks} is not one."
        )
    import numpy as np  # here, not at the top: recording a rating needs neither numpy nor scipy

    # PCG64's stream for a given seed is fixed: the same seed gives the same orders.
    first_acupressure = np.random.Generator(np.random.PCG64(seed)).random(weeks // 2) < 0.5
    periods: list[Period] = []
    for pair, acupressure_first in enumerate(first_acupressure, start=1):
        order: tuple[Arm, Arm] = (
            ("acupressure", "usual_care") if acupressure_first else ("usual_care", "acupressure")
        )
        for arm in order:
            week = len(periods) + 1
            begins = start + dt.timedelta(days=WEEK * (week - 1))
            periods.append(Period(start=begins, arm=arm, pair=pair, week=week))
    return Schedule(start=start, weeks=weeks, seed=seed, periods=tuple(periods))


@dataclass(frozen=True, kw_only=True)
class TrialDay:
    """Where a day falls in a trial: before it, in one of its weeks (day 1-7), or after."""

    day: dt.date
    when: When
    period: Period | None = None
    day_of_week: int | None = None  # 1-7 in the period
    days_to_start: int = 0  # before the trial: days until its first day

    @property
    def arm(self) -> Arm | None:
        return self.period.arm if self.period else None

    @property
    def week(self) -> int | None:
        return self.period.week if self.period else None

    @property
    def pair(self) -> int | None:
        return self.period.pair if self.period else None


def week_of(schedule: Schedule, day: dt.date) -> TrialDay:
    if day < schedule.start:
        return TrialDay(day=day, when="before", days_to_start=(schedule.start - day).days)
    if day > schedule.end:
        return TrialDay(day=day, when="after")
    index, offset = divmod((day - schedule.start).days, WEEK)
    return TrialDay(day=day, when="during", period=schedule.periods[index], day_of_week=offset + 1)


def what_to_do(schedule: Schedule, day: dt.date, rules: TrialRules) -> str:
    """The day's instruction in plain words."""
    today = week_of(schedule, day)
    values: dict[str, Any] = {
        "weeks": schedule.weeks,
        "start": schedule.start.isoformat(),
        "end": schedule.end.isoformat(),
        "days": today.days_to_start,
    }
    if today.period is None:
        text = rules.when.before if today.when == "before" else rules.when.after
        return text.format(**values, week="", day="", pair="")
    return rules.arm[today.period.arm].todo.format(
        **values, week=today.period.week, day=today.day_of_week, pair=today.period.pair
    )


# --- the analysis ---------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Pair:
    """One pair of weeks: each week's mean score after the wash-out and the difference."""

    number: int
    acupressure: float | None  # mean PEG score of the acupressure week
    usual_care: float | None
    acupressure_ratings: int  # ratings after the wash-out
    usual_care_ratings: int
    ended: bool  # both weeks are over
    counted: bool  # ended, and each week has enough ratings

    @property
    def difference(self) -> float | None:
        """Usual care minus acupressure: how much lower the score was with acupressure."""
        if not self.counted or self.acupressure is None or self.usual_care is None:
            return None
        return self.usual_care - self.acupressure


@dataclass(frozen=True, kw_only=True)
class Counts:
    """What became of the ratings (trial days up to today): ``ratings`` = ``used`` +
    ``washout`` + ``unpaired``."""

    ratings: int  # ratings given on trial days up to today
    used: int  # in the analysis
    washout: int  # on the first days of a week, left out
    unpaired: int  # after the wash-out, but their pair did not count (or is not over)
    expected: int  # days after the wash-out, up to today, that could have had a rating
    missing: int  # of those, the days without one


@dataclass(frozen=True, kw_only=True)
class Result:
    today: dt.date
    verdict: Verdict
    reason: Reason | None  # why it is too early to tell
    finished: bool  # the trial's last week is over (or its last day is rated)
    estimate: float | None  # how much lower in acupressure weeks (positive: better)
    interval: tuple[float, float] | None  # of the estimate, at ``level``
    level: float
    chance: float | None  # that acupressure lowers the score by at least ``meaningful``
    meaningful: float
    pairs: tuple[Pair, ...]
    complete_pairs: int
    counts: Counts
    limits: tuple[str, ...]  # always shown with the result
    title: str  # the verdict's title
    summary: str  # the result in one sentence

    @property
    def helps(self) -> bool:
        return self.verdict == "helps"


def analyse(
    schedule: Schedule, ratings: Iterable[Rating], today: dt.date, rules: TrialRules
) -> Result:
    """The trial's result on ``today`` from the daily ratings (one a day: when a day has
    more than one, the last counts; days outside the trial or after today are ignored).

    The verdict waits for the end of the trial: looking at a running trial and stopping
    when it looks good would make "helps" more likely by chance alone."""
    by_day: dict[dt.date, float] = {}
    for r in ratings:
        if schedule.start <= r.day <= min(schedule.end, today):
            by_day[r.day] = r.score
    finished = today > schedule.end or schedule.end in by_day
    pairs, counts = _pairs(schedule, by_day, today, rules)
    differences = [p.difference for p in pairs if p.difference is not None]
    complete = len(differences)

    reason: Reason | None = None
    if today < schedule.start:
        reason = "not_started"
    elif not finished:
        reason = "running"
    elif complete < rules.min_pairs:
        reason = "too_few_pairs"
    estimate = interval = chance = None
    verdict: Verdict = "too_early"
    if reason is None:
        estimate, interval, chance = _estimate(differences, rules.level, rules.meaningful)
        if interval[0] > rules.margin:
            verdict = "helps"
        elif interval[1] < -rules.margin:
            verdict = "worse"
        else:
            verdict = "no_clear_difference"
    limits = tuple(rules.limits)
    if counts.missing:
        missing = rules.words.missing.format(missing=counts.missing, expected=counts.expected)
        limits = (missing, *limits)
    result = Result(
        today=today,
        verdict=verdict,
        reason=reason,
        finished=finished,
        estimate=estimate,
        interval=interval,
        level=rules.level,
        chance=chance,
        meaningful=rules.meaningful,
        pairs=pairs,
        complete_pairs=complete,
        counts=counts,
        limits=limits,
        title=rules.verdict[verdict].title,
        summary="",
    )
    return replace(result, summary=_summary(result, schedule, rules))


def _pairs(
    schedule: Schedule, by_day: Mapping[dt.date, float], today: dt.date, rules: TrialRules
) -> tuple[tuple[Pair, ...], Counts]:
    used = washout = unpaired = expected = 0
    pairs = []
    for number in range(1, schedule.pairs + 1):
        weeks = [p for p in schedule.periods if p.pair == number]
        scores: dict[Arm, list[float]] = {}
        for period in weeks:
            days = [period.start + dt.timedelta(days=n) for n in range(WEEK)]
            washout += sum(d in by_day for d in days[: rules.washout_days])
            # today counts once it is rated: until then it is not missing yet
            analysed = [d for d in days[rules.washout_days :] if d < today or d in by_day]
            expected += len(analysed)
            scores[period.arm] = [by_day[d] for d in analysed if d in by_day]
        ended = all(p.end < today or p.end in by_day for p in weeks)
        counted = ended and all(len(s) >= rules.min_ratings for s in scores.values())
        rated = sum(len(s) for s in scores.values())
        if counted:
            used += rated
        else:
            unpaired += rated
        pairs.append(
            Pair(
                number=number,
                acupressure=_mean(scores["acupressure"]),
                usual_care=_mean(scores["usual_care"]),
                acupressure_ratings=len(scores["acupressure"]),
                usual_care_ratings=len(scores["usual_care"]),
                ended=ended,
                counted=counted,
            )
        )
    counts = Counts(
        ratings=len(by_day),
        used=used,
        washout=washout,
        unpaired=unpaired,
        expected=expected,
        missing=expected - used - unpaired,
    )
    return tuple(pairs), counts


def _estimate(
    differences: Sequence[float], level: float, meaningful: float
) -> tuple[float, tuple[float, float], float]:
    """The mean difference, its t interval at ``level``, and the posterior chance (flat
    prior) that the effect is at least ``meaningful``: both from the t distribution
    with n - 1 degrees of freedom, centred on the mean, scaled by its standard error."""
    import statistics

    from scipy import stats

    n = len(differences)
    mean = statistics.fmean(differences)
    se = statistics.stdev(differences) / math.sqrt(n)
    if se == 0:  # every pair gave the very same difference: no spread to widen it
        return mean, (mean, mean), 1.0 if mean >= meaningful else 0.0
    posterior = stats.t(df=n - 1, loc=mean, scale=se)
    low, high = posterior.interval(level)
    return mean, (float(low), float(high)), float(posterior.sf(meaningful))


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


# --- the words ------------------------------------------------------------------------


def sentence(result: Result) -> str:
    """The result in plain words, then its limits, one to a line."""
    return "\n".join((result.summary, *result.limits))


def _summary(result: Result, schedule: Schedule, rules: TrialRules) -> str:
    week = week_of(schedule, min(max(result.today, schedule.start), schedule.end)).week
    complete = result.complete_pairs
    values: dict[str, Any] = {
        "level": _number(result.level * 100, 0),
        "meaningful": _points(result.meaningful),
        "pairs": result.complete_pairs,
        "complete": result.complete_pairs,
        "complete_pairs": f"{complete} pair" if complete == 1 else f"{complete} pairs",
        "total": schedule.pairs,
        "weeks": schedule.weeks,
        "week": week,
        "start": schedule.start.isoformat(),
        "end": schedule.end.isoformat(),
        "min_pairs": rules.min_pairs,
        "min_ratings": rules.min_ratings,
        "washout": rules.washout_days,
        "difference": "",
        "amount": "",
        "low": "",
        "high": "",
        "worst": "",
        "best": "",
        "chance": "",
    }
    if result.estimate is not None and result.interval is not None:
        low, high = result.interval
        if result.verdict == "worse":  # amounts higher, not lower
            low, high = -high, -low
            amount = -result.estimate
        else:
            amount = result.estimate
        values |= {
            "difference": _difference(result.estimate, rules),
            "amount": _points(abs(amount)),
            "low": _number(low, 1),
            "high": _number(high, 1),
            "worst": _difference(result.interval[0], rules),
            "best": _difference(result.interval[1], rules),
            "chance": _percent(result.chance or 0.0),
        }
    if result.reason == "not_started":
        text = rules.too_early.not_started
    elif result.reason == "running":
        text = rules.too_early.running
    else:
        text = rules.verdict[result.verdict].sentence
    return text.format(**values)


def _difference(lower_by: float, rules: TrialRules) -> str:
    """ "1.4 points lower", "0.5 points higher" or "the same" (at one decimal)."""
    rounded = round(lower_by, 1)
    if rounded == 0:
        return rules.words.same
    word = rules.words.lower if rounded > 0 else rules.words.higher
    return word.format(amount=_points(abs(lower_by)))


def _number(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text


def _points(value: float) -> str:
    text = _number(value, 1)
    text = text[:-2] if text.endswith(".0") else text
    return f"{text} point" if text == "1" else f"{text} points"


def _percent(chance: float) -> str:
    if chance < 0.005:
        return "less than 1"
    if chance > 0.995:
        return "more than 99"
    return f"{chance * 100:.0f}"


# --- the comparison a trial replaces ---------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class BeforeAfter:
    """The first week's mean score against the last week's, as a diary app would show
    it: it cannot tell acupressure from natural recovery."""

    first_week: float
    last_week: float
    improved: bool  # the last week at least the meaningful difference lower

    @property
    def change(self) -> float:
        """Last week minus first week: negative is better."""
        return self.last_week - self.first_week


def naive_before_after(ratings: Sequence[Rating], meaningful: float) -> BeforeAfter | None:
    """The first 7 days of ratings against the last 7 (None with less than two weeks)."""
    if not ratings:
        return None
    first = min(r.day for r in ratings)
    last = max(r.day for r in ratings)
    if (last - first).days + 1 < 2 * WEEK:
        return None
    before = [r.score for r in ratings if (r.day - first).days < WEEK]
    after = [r.score for r in ratings if (last - r.day).days < WEEK]
    first_week, last_week = sum(before) / len(before), sum(after) / len(after)
    return BeforeAfter(
        first_week=first_week,
        last_week=last_week,
        improved=first_week - last_week >= meaningful,
    )


# --- as JSON --------------------------------------------------------------------------


def schedule_json(s: Schedule) -> dict[str, Any]:
    return {
        "start": s.start.isoformat(),
        "end": s.end.isoformat(),
        "weeks": s.weeks,
        "seed": s.seed,
        "periods": [
            {
                "week": p.week,
                "pair": p.pair,
                "arm": p.arm,
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
            }
            for p in s.periods
        ],
    }


def result_json(r: Result) -> dict[str, Any]:
    c = r.counts
    return {
        "today": r.today.isoformat(),
        "verdict": r.verdict,
        "title": r.title,
        "summary": r.summary,
        "reason": r.reason,
        "finished": r.finished,
        "estimate": r.estimate,
        "interval": list(r.interval) if r.interval else None,
        "level": r.level,
        "chance": r.chance,
        "meaningful": r.meaningful,
        "complete_pairs": r.complete_pairs,
        "pairs": [
            {
                "pair": p.number,
                "acupressure": p.acupressure,
                "usual_care": p.usual_care,
                "acupressure_ratings": p.acupressure_ratings,
                "usual_care_ratings": p.usual_care_ratings,
                "difference": p.difference,
                "ended": p.ended,
                "counted": p.counted,
            }
            for p in r.pairs
        ],
        "ratings": {
            "given": c.ratings,
            "used": c.used,
            "washout": c.washout,
            "unpaired": c.unpaired,
            "expected": c.expected,
            "missing": c.missing,
        },
        "limits": list(r.limits),
    }
