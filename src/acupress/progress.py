"""The journal turned into figures, the guide's rules applied to them, and how the next
session adapts: ``analyse(sessions, today, rules) -> Progress``, a pure function.

Thresholds and words live in ``content/progress.toml``."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any, Literal

from acupress import contentfile
from acupress.atlas import CONTENT, PRESSURES, Pressure
from acupress.protocol import Adjustment
from acupress.records import EARLIEST_DAY, SessionLog
from acupress.safety import Soon

FlagId = Literal[
    "no_relief_3_days",
    "pain_increased_after_session",
    "pain_increased_twice",
    "no_rest_day",
    "meaningful_improvement",
    "persistent_pain",
    "stopped_for_dizziness",
    "stopped_for_pain",
]
FLAG_IDS: tuple[FlagId, ...] = (
    "no_relief_3_days",
    "pain_increased_after_session",
    "pain_increased_twice",
    "no_rest_day",
    "meaningful_improvement",
    "persistent_pain",
    "stopped_for_dizziness",
    "stopped_for_pain",
)
# A flag that changes today's decision: see a clinician (until a professional has seen
# the person), or not today.
FlagDecision = Literal["see_clinician", "not_today"]


@dataclass(frozen=True, kw_only=True, repr=False)
class FlagText:
    """The words and weight of a journal flag, as progress.toml gives them."""

    title: str
    advice: str
    source: str
    decision: FlagDecision | None = None
    urgency: Soon | None = None
    decision_title: str = ""


@dataclass(frozen=True, kw_only=True, repr=False)
class GentleStart:
    """How light pressure stays while someone is new: below this many sessions."""

    sessions_below: int
    pressure: Pressure
    reason: str


@dataclass(frozen=True, kw_only=True, repr=False)
class AfterIncrease:
    """How much shorter the next session is after one that left more pain."""

    time_factor: float
    reason: str


@dataclass(frozen=True, kw_only=True, repr=False)
class Rules:
    """The guide's rules for reading a journal, with their thresholds (progress.toml)."""

    baseline_sessions: int
    recent_days: int
    meaningful_points: float
    meaningful_percent: float
    no_relief_days: int
    no_rest_days: int
    persistent_days: int
    flag: dict[FlagId, FlagText]
    after_pain_increase: AfterIncrease
    gentle_start: tuple[GentleStart, ...] = ()
    stop_advice: dict[str, str] = field(default_factory=dict)


def load(path: Path = CONTENT / "progress.toml") -> Rules:
    return contentfile.load(path, Rules, check)


@cache
def default_rules() -> Rules:
    return load()


def check(rules: Rules, path: Path) -> None:
    for name in (
        "baseline_sessions",
        "recent_days",
        "no_relief_days",
        "no_rest_days",
        "persistent_days",
    ):
        if getattr(rules, name) < 1:
            raise contentfile.located_error(path, None, name, "must be at least 1")
    for name in ("meaningful_points", "meaningful_percent"):
        if not getattr(rules, name) > 0:
            raise contentfile.located_error(path, None, name, "must be above 0")
    for flag_id in FLAG_IDS:
        if flag_id not in rules.flag:
            raise contentfile.located_error(path, f"flag.{flag_id}", None, "is missing")
        text = rules.flag[flag_id]
        entry = f"flag.{flag_id}"
        if (text.decision == "see_clinician") != (text.urgency is not None):
            problem = (
                "a see_clinician flag needs an urgency (today or days)"
                if text.decision == "see_clinician"
                else "only a see_clinician flag has an urgency"
            )
            raise contentfile.located_error(path, entry, "urgency", problem)
        if text.decision is not None and not text.decision_title:
            raise contentfile.located_error(
                path, entry, "decision_title", "a flag with a decision needs its title"
            )
    if not 0 < rules.after_pain_increase.time_factor <= 1:
        raise contentfile.located_error(
            path, "after_pain_increase", "time_factor", "must be above 0 and at most 1"
        )
    below = [g.sessions_below for g in rules.gentle_start]
    if below != sorted(below):
        raise contentfile.located_error(
            path, "gentle_start", "sessions_below", "must grow from one entry to the next"
        )


# --- results --------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Flag:
    """Something the journal shows that a person should know or act on."""

    id: FlagId
    title: str
    advice: str
    source: str
    details: dict[str, Any] = field(default_factory=dict)
    decision: FlagDecision | None = None  # how it changes today's decision, if it does
    urgency: Soon | None = None
    decision_title: str = ""


@dataclass(frozen=True, kw_only=True)
class DayPain:
    """A day's pain: the mean of its sessions' scores (None where none was given)."""

    day: dt.date
    sessions: int
    before: float | None
    after: float | None


@dataclass(frozen=True, kw_only=True)
class Change:
    """Pain before sessions, exactly: the baseline (the first sessions) against the
    recent sessions (the ``recent_days`` up to the last scored session, baseline
    sessions left out). The screen and the improvement flag both read it."""

    baseline: Fraction
    current: Fraction
    recent_start: dt.date
    recent_end: dt.date

    @property
    def points(self) -> Fraction:
        """Current minus baseline: negative is better."""
        return self.current - self.baseline

    @property
    def percent(self) -> Fraction | None:
        return None if not self.baseline else 100 * self.points / self.baseline

    def meaningful(self, rules: Rules) -> bool:
        """IMMPACT: at least ``meaningful_points`` lower, or ``meaningful_percent`` lower."""
        drop = -self.points
        return drop >= exact(rules.meaningful_points) or (
            self.baseline > 0 and drop * 100 >= exact(rules.meaningful_percent) * self.baseline
        )


@dataclass(frozen=True, kw_only=True)
class Progress:
    """The journal read by the rules: figures, flags and the next session's adjustment."""

    today: dt.date
    sessions: int
    days: int
    first_day: dt.date | None
    last_day: dt.date | None
    baseline_pain: float | None  # mean pain before the first sessions
    last_week_pain: float | None  # mean pain before the recent sessions (see Change)
    change_points: float | None  # recent minus baseline (negative: better)
    change_percent: float | None
    average_relief: float | None  # mean of (before - after) per session
    current_streak: int  # days in a row with a session, up to today or yesterday
    longest_streak: int
    rest_days_last_week: int
    series: tuple[DayPain, ...]
    flags: tuple[Flag, ...]
    adjustment: Adjustment
    change: Change | None = None
    cleared_at: dt.datetime | None = None  # a professional said to go on: counts restart

    def flag(self, flag_id: FlagId) -> Flag | None:
        return next((f for f in self.flags if f.id == flag_id), None)

    @property
    def standing(self) -> tuple[Flag, ...]:
        """The flags that change today's decision."""
        return tuple(f for f in self.flags if f.decision is not None)


# --- the analysis ---------------------------------------------------------------------


def analyse(
    sessions: Sequence[SessionLog],
    today: dt.date,
    rules: Rules,
    cleared: Sequence[dt.datetime] = (),
) -> Progress:
    """Figures, flags and the next session's adjustment from the sessions (in time
    order). Only the newest session with an outcome needs its steps (for the pressure
    it used). ``cleared`` are the moments a professional told the person to go on: the
    see-a-professional rules count only the sessions after the latest one. Only the
    sessions that ``count`` are in the figures and the rules; but any session stopped
    today for dizziness or more pain makes today "not today"."""
    everything = sorted(sessions, key=lambda s: s.started_at)
    logs = [s for s in everything if counts(s, today)]
    scored = [s for s in logs if s.pain_before is not None]
    series = _series(logs)
    days = [d.day for d in series]
    change = _change(scored, rules)
    reliefs = [s.relief for s in logs if s.relief is not None]
    session_days = set(days)
    cleared_at = max(cleared, default=None)
    flags = _flags(logs, scored, change, today, cleared_at, rules, everything)
    baseline = _mean(s.pain_before for s in scored[: rules.baseline_sessions])
    return Progress(
        today=today,
        sessions=len(logs),
        days=len(days),
        first_day=days[0] if days else None,
        last_day=days[-1] if days else None,
        baseline_pain=_round(baseline),
        last_week_pain=_round(change.current if change else None),
        change_points=_round(change.points if change else None),
        change_percent=_round(change.percent if change else None),
        average_relief=_round(_mean(reliefs)),
        current_streak=_current_streak(session_days, today),
        longest_streak=_longest_streak(days),
        rest_days_last_week=sum(
            1
            for n in range(rules.recent_days)
            if today - dt.timedelta(days=n) not in session_days
            and (not days or today - dt.timedelta(days=n) >= days[0])
        ),
        series=series,
        flags=flags,
        adjustment=adjust(logs, flags, rules),
        change=change,
        cleared_at=cleared_at,
    )


def counts(s: SessionLog, today: dt.date) -> bool:
    """A session done (``SessionLog.pressed``: not one whose every point was skipped), on
    a day from 2000 to today (a later day comes from a wrong clock)."""
    return s.pressed and EARLIEST_DAY <= s.day <= today


def _change(scored: Sequence[SessionLog], rules: Rules) -> Change | None:
    baseline = _mean(s.pain_before for s in scored[: rules.baseline_sessions])
    rest = scored[rules.baseline_sessions :]
    if baseline is None or not rest:
        return None
    end = rest[-1].day
    start = end - dt.timedelta(days=rules.recent_days - 1)
    current = _mean(s.pain_before for s in rest if s.day >= start)
    assert current is not None  # the last one is in its own window
    return Change(baseline=baseline, current=current, recent_start=start, recent_end=end)


def increased(s: SessionLog) -> bool:
    """The pain was worse after the session, or it was stopped because the pain rose."""
    return s.stop_reason == "pain_increased" or (s.relief is not None and s.relief < 0)


def with_outcome(logs: Sequence[SessionLog]) -> list[SessionLog]:
    """The sessions that tell how a session went: pain scored after it, or stopped
    because the pain increased."""
    return [s for s in logs if s.relief is not None or s.stop_reason == "pain_increased"]


def _flags(
    logs: list[SessionLog],
    scored: list[SessionLog],
    change: Change | None,
    today: dt.date,
    cleared_at: dt.datetime | None,
    rules: Rules,
    everything: list[SessionLog],
) -> tuple[Flag, ...]:
    flags: list[Flag] = []

    def add(flag_id: FlagId, values: dict[str, Any] | None = None) -> None:
        text = rules.flag[flag_id]
        values = values or {}
        flags.append(
            Flag(
                id=flag_id,
                title=text.title,
                advice=text.advice.format(**values),
                source=text.source,
                details=values,
                decision=text.decision,
                urgency=text.urgency,
                decision_title=text.decision_title,
            )
        )

    # The see-a-professional rules count the sessions since a professional last said
    # to go on.
    since = [s for s in logs if cleared_at is None or s.started_at > cleared_at]

    # No relief on the last N days with scored sessions: no session eased the pain, and
    # the pain before sessions is no lower on the last of those days than on the first.
    recent = _last_days_scored(since, rules.no_relief_days)
    if len(recent) == rules.no_relief_days:
        wanted = {d.day for d in recent}
        day_logs = [s for s in since if s.day in wanted and s.relief is not None]
        first, last = recent[0].before, recent[-1].before
        assert first is not None and last is not None
        if all(s.relief is not None and s.relief <= 0 for s in day_logs) and last >= first:
            add("no_relief_3_days", {"days": [d.day.isoformat() for d in recent]})

    outcomes = with_outcome(logs)
    if outcomes and increased(outcomes[-1]):
        last_log = outcomes[-1]
        add(
            "pain_increased_after_session",
            {
                "session": last_log.id,
                "pain_before": last_log.pain_before,
                "pain_after": last_log.pain_after,
            },
        )
    recent_outcomes = with_outcome(since)[-2:]
    if len(recent_outcomes) == 2 and all(increased(s) for s in recent_outcomes):
        add("pain_increased_twice", {"sessions": [s.id for s in recent_outcomes]})

    run = _run_ending({s.day for s in logs}, today - dt.timedelta(days=1))
    if run >= rules.no_rest_days:
        add("no_rest_day", {"days": run})

    improved = change is not None and change.meaningful(rules)
    if change is not None and improved:
        add(
            "meaningful_improvement",
            {
                "baseline": _round(change.baseline),
                "current": _round(change.current),
                "points": _round(-change.points),
                "percent": _round(-(change.percent or Fraction(0))),
            },
        )
    scored_since = [s for s in scored if cleared_at is None or s.started_at > cleared_at]
    if scored_since and not improved:
        span = (scored_since[-1].day - scored_since[0].day).days + 1
        if span >= rules.persistent_days:
            add("persistent_pain", {"days": span})

    stops = {s.stop_reason for s in everything if s.day == today}
    if "dizziness" in stops:
        add("stopped_for_dizziness")
    if "pain_increased" in stops:
        add("stopped_for_pain")
    return tuple(flags)


def adjust(logs: Sequence[SessionLog], flags: Sequence[Flag], rules: Rules) -> Adjustment:
    """The next session (from the sessions done): gentle while the person is new; after a
    session that left more pain, shorter than that session was and a level lighter than
    the most it used; and a rest day after a run of daily sessions."""
    done = len(logs)
    cap: Pressure | None = None
    reasons: list[str] = []
    factor = 1.0
    longest: int | None = None
    for g in rules.gentle_start:
        if done < g.sessions_below:
            cap = g.pressure
            reasons.append(g.reason)
            break
    if any(f.id == "pain_increased_after_session" for f in flags):
        last = with_outcome(logs)[-1]
        used = pressure_used(last)
        lower = PRESSURES[max(0, PRESSURES.index(used) - 1)] if used else PRESSURES[0]
        if cap is None or PRESSURES.index(lower) < PRESSURES.index(cap):
            cap = lower
        shorten = rules.after_pain_increase.time_factor
        if last.seconds > 0:
            longest = int(last.seconds * Fraction(str(shorten)))
        else:
            factor = shorten
        reasons.insert(0, rules.after_pain_increase.reason)
    rest = next((f for f in flags if f.id == "no_rest_day"), None)
    return Adjustment(
        pressure_cap=cap,
        time_factor=factor,
        max_seconds=longest,
        reasons=tuple(reasons),
        rest_day=rest.advice if rest else None,
    )


def pressure_used(s: SessionLog) -> Pressure | None:
    """The highest pressure a session used: from its steps when guided, as given when
    logged by hand; None when not known."""
    used = [t.pressure for t in s.steps if t.pressure and not t.skipped]
    if s.pressure is not None:
        used.append(s.pressure)
    return max(used, key=PRESSURES.index) if used else None


# --- helpers --------------------------------------------------------------------------


def _series(logs: Sequence[SessionLog]) -> tuple[DayPain, ...]:
    by_day: dict[dt.date, list[SessionLog]] = {}
    for s in logs:
        by_day.setdefault(s.day, []).append(s)
    return tuple(
        DayPain(
            day=day,
            sessions=len(day_logs),
            before=_mean_rounded([s.pain_before for s in day_logs]),
            after=_mean_rounded([s.pain_after for s in day_logs]),
        )
        for day, day_logs in sorted(by_day.items())
    )


def _last_days_scored(logs: Sequence[SessionLog], n: int) -> tuple[DayPain, ...]:
    """The last ``n`` days (or fewer) with a pain score both before and after sessions,
    oldest first: ``_series`` of those days alone, not of the whole journal."""
    by_day: dict[dt.date, list[SessionLog]] = {}
    for s in logs:
        by_day.setdefault(s.day, []).append(s)
    wanted: list[dt.date] = []
    for day in sorted(by_day, reverse=True):
        if len(wanted) == n:
            break
        day_logs = by_day[day]
        if any(s.pain_before is not None for s in day_logs) and any(
            s.pain_after is not None for s in day_logs
        ):
            wanted.append(day)
    return _series([s for day in reversed(wanted) for s in by_day[day]])


def exact(value: float) -> Fraction:
    """A threshold from the content file as the decimal it was written as (0.3, not the
    binary float nearest to it)."""
    return Fraction(str(value))


def _mean(values: Any) -> Fraction | None:
    """The exact mean of whole scores (None when there are none)."""
    present = [v for v in values if v is not None]
    return Fraction(sum(present), len(present)) if present else None


def _mean_rounded(scores: list[int | None]) -> float | None:
    """``_round(_mean(scores))`` in whole numbers alone, for pain scores (never below 0):
    the day's mean to one decimal, halves up (None when there are no scores). Fractions
    would cost a journal's length."""
    present = [v for v in scores if v is not None]
    if not present:
        return None
    total, count = sum(present), len(present)
    return (20 * total + count) // (2 * count) / 10


def _round(value: Fraction | float | None) -> float | None:
    """For display: to one decimal, halves rounded away from zero, as people round."""
    if value is None:
        return None
    exactly = Fraction(value)
    tenths, parts = exactly.numerator * 10, exactly.denominator
    # floor(|tenths / parts| + 1/2), in whole numbers: Fractions cost a journal's length
    whole = (2 * abs(tenths) + parts) // (2 * parts)
    return math.copysign(whole, tenths) / 10 if whole else 0.0


def _run_ending(days: set[dt.date], last: dt.date) -> int:
    n = 0
    while last - dt.timedelta(days=n) in days:
        n += 1
    return n


def _current_streak(days: set[dt.date], today: dt.date) -> int:
    if today in days:
        return _run_ending(days, today)
    return _run_ending(days, today - dt.timedelta(days=1))


def _longest_streak(days: Sequence[dt.date]) -> int:
    longest = run = 0
    previous: dt.date | None = None
    for day in days:
        run = run + 1 if previous is not None and (day - previous).days == 1 else 1
        longest = max(longest, run)
        previous = day
    return longest


def from_journal(journal: Any, today: dt.date, rules: Rules | None = None) -> Progress:
    """Progress from a journal: every session, the steps of the newest one with an
    outcome (all ``analyse`` needs of steps), and when a professional said to go on."""
    logs = journal.sessions()
    known = [
        i
        for i, s in enumerate(logs)
        if counts(s, today) and (s.relief is not None or s.stop_reason)
    ]
    if known:
        logs[known[-1]] = journal.get(logs[known[-1]].id)
    return analyse(logs, today, rules or default_rules(), journal.cleared())


def progress_json(p: Progress) -> dict[str, Any]:
    """Progress as plain JSON values."""
    a = p.adjustment
    return {
        "today": p.today.isoformat(),
        "sessions": p.sessions,
        "days": p.days,
        "first_day": p.first_day.isoformat() if p.first_day else None,
        "last_day": p.last_day.isoformat() if p.last_day else None,
        "baseline_pain": p.baseline_pain,
        "last_week_pain": p.last_week_pain,
        "change_points": p.change_points,
        "change_percent": p.change_percent,
        "average_relief": p.average_relief,
        "current_streak": p.current_streak,
        "longest_streak": p.longest_streak,
        "rest_days_last_week": p.rest_days_last_week,
        "recent_days": [p.change.recent_start.isoformat(), p.change.recent_end.isoformat()]
        if p.change
        else None,
        "cleared_at": p.cleared_at.astimezone().isoformat(timespec="seconds")
        if p.cleared_at
        else None,
        "flags": [
            {
                "id": f.id,
                "title": f.title,
                "advice": f.advice,
                "source": f.source,
                "decision": f.decision,
                "urgency": f.urgency,
            }
            | f.details
            for f in p.flags
        ],
        "next_session": {
            "pressure_cap": a.pressure_cap,
            "time_factor": a.time_factor,
            "max_seconds": a.max_seconds,
            "rest_day": a.rest_day,
            "reasons": list(a.reasons),
        },
        "series": [
            {"day": d.day.isoformat(), "sessions": d.sessions, "before": d.before, "after": d.after}
            for d in p.series
        ],
    }
