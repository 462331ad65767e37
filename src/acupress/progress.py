"""The journal turned into figures, the guide's rules applied to them, and how the next
session adapts: ``analyse(sessions, today, rules) -> Progress``, a pure function.

Thresholds and words live in ``content/progress.toml``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from statistics import fmean
from typing import Any, Literal

from acupress import contentfile
from acupress.atlas import CONTENT, PRESSURES, Pressure
from acupress.protocol import Adjustment
from acupress.records import SessionLog

FlagId = Literal[
    "no_relief_3_days",
    "pain_increased_after_session",
    "no_rest_day",
    "meaningful_improvement",
    "persistent_pain",
]
FLAG_IDS: tuple[FlagId, ...] = (
    "no_relief_3_days",
    "pain_increased_after_session",
    "no_rest_day",
    "meaningful_improvement",
    "persistent_pain",
)


@dataclass(frozen=True, kw_only=True, repr=False)
class FlagText:
    title: str
    advice: str
    source: str
    repeated: str = ""


@dataclass(frozen=True, kw_only=True, repr=False)
class GentleStart:
    sessions_below: int
    pressure: Pressure
    reason: str


@dataclass(frozen=True, kw_only=True, repr=False)
class AfterIncrease:
    time_factor: float
    reason: str


@dataclass(frozen=True, kw_only=True, repr=False)
class Rules:
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
    for flag_id in FLAG_IDS:
        if flag_id not in rules.flag:
            raise contentfile.located_error(path, f"flag.{flag_id}", None, "is missing")
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
    id: FlagId
    title: str
    advice: str
    source: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class DayPain:
    """A day's pain: the mean of its sessions' scores (None where none was given)."""

    day: dt.date
    sessions: int
    before: float | None
    after: float | None


@dataclass(frozen=True, kw_only=True)
class Progress:
    today: dt.date
    sessions: int
    days: int
    first_day: dt.date | None
    last_day: dt.date | None
    baseline_pain: float | None  # mean pain before the first sessions
    last_week_pain: float | None  # mean pain before the sessions of the last 7 days
    change_points: float | None  # last week minus baseline (negative: better)
    change_percent: float | None
    average_relief: float | None  # mean of (before - after) per session
    current_streak: int  # days in a row with a session, up to today or yesterday
    longest_streak: int
    rest_days_last_week: int
    series: tuple[DayPain, ...]
    flags: tuple[Flag, ...]
    adjustment: Adjustment

    def flag(self, flag_id: FlagId) -> Flag | None:
        return next((f for f in self.flags if f.id == flag_id), None)


# --- the analysis ---------------------------------------------------------------------


def analyse(sessions: Sequence[SessionLog], today: dt.date, rules: Rules) -> Progress:
    """Figures, flags and the next session's adjustment from the sessions (in time
    order). Only the newest session needs its steps (for the pressure it used)."""
    logs = sorted(sessions, key=lambda s: s.started_at)
    scored = [s for s in logs if s.pain_before is not None]
    series = _series(logs)
    days = [d.day for d in series]
    baseline_logs = scored[: rules.baseline_sessions]
    baseline = _mean(s.pain_before for s in baseline_logs)
    week_start = today - dt.timedelta(days=rules.recent_days - 1)
    last_week = _mean(s.pain_before for s in scored if week_start <= s.day <= today)
    change = None if baseline is None or last_week is None else last_week - baseline
    percent = None if change is None or not baseline else 100 * change / baseline
    reliefs = [s.relief for s in logs if s.relief is not None]
    session_days = set(days)
    flags = _flags(logs, scored, series, baseline, baseline_logs, today, rules)
    return Progress(
        today=today,
        sessions=len(logs),
        days=len(days),
        first_day=days[0] if days else None,
        last_day=days[-1] if days else None,
        baseline_pain=_round(baseline),
        last_week_pain=_round(last_week),
        change_points=_round(change),
        change_percent=_round(percent),
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
    )


def _flags(
    logs: list[SessionLog],
    scored: list[SessionLog],
    series: tuple[DayPain, ...],
    baseline: float | None,
    baseline_logs: list[SessionLog],
    today: dt.date,
    rules: Rules,
) -> tuple[Flag, ...]:
    flags: list[Flag] = []

    def add(flag_id: FlagId, values: dict[str, Any] | None = None, extra: str = "") -> None:
        text = rules.flag[flag_id]
        values = values or {}
        advice = text.advice.format(**values) + (f" {extra}" if extra else "")
        flags.append(
            Flag(id=flag_id, title=text.title, advice=advice, source=text.source, details=values)
        )

    # No relief on the last N days with scored sessions: no session eased the pain, and
    # the pain before sessions is no lower on the last of those days than on the first.
    both = [d for d in series if d.before is not None and d.after is not None]
    recent = both[-rules.no_relief_days :]
    if len(recent) == rules.no_relief_days:
        wanted = {d.day for d in recent}
        day_logs = [s for s in logs if s.day in wanted and s.relief is not None]
        first, last = recent[0].before, recent[-1].before
        assert first is not None and last is not None
        if all(s.relief is not None and s.relief <= 0 for s in day_logs) and last >= first:
            add("no_relief_3_days", {"days": [d.day.isoformat() for d in recent]})

    with_after = [s for s in logs if s.relief is not None]
    if with_after and (with_after[-1].relief or 0) < 0:
        last_log = with_after[-1]
        repeated = len(with_after) > 1 and (with_after[-2].relief or 0) < 0
        add(
            "pain_increased_after_session",
            {
                "session": last_log.id,
                "pain_before": last_log.pain_before,
                "pain_after": last_log.pain_after,
                "repeated": repeated,
            },
            rules.flag["pain_increased_after_session"].repeated if repeated else "",
        )

    if series:
        run = _run_ending(set(d.day for d in series), series[-1].day)
        if run >= rules.no_rest_days and series[-1].day >= today - dt.timedelta(days=1):
            add("no_rest_day", {"days": run})

    improved = False
    if baseline is not None and series:
        last_day = series[-1].day
        start = last_day - dt.timedelta(days=rules.recent_days - 1)
        counted = {id(s) for s in baseline_logs}
        current = _mean(s.pain_before for s in scored if s.day >= start and id(s) not in counted)
        if current is not None:
            drop = baseline - current
            percent = 100 * drop / baseline if baseline else 0.0
            if drop >= rules.meaningful_points or (
                baseline and percent >= rules.meaningful_percent
            ):
                improved = True
                add(
                    "meaningful_improvement",
                    {
                        "baseline": round(baseline, 1),
                        "current": round(current, 1),
                        "points": round(drop, 1),
                        "percent": round(percent, 1),
                    },
                )
    if scored and not improved:
        span = (scored[-1].day - scored[0].day).days + 1
        if span >= rules.persistent_days:
            add("persistent_pain", {"days": span})
    return tuple(flags)


def adjust(logs: Sequence[SessionLog], flags: Sequence[Flag], rules: Rules) -> Adjustment:
    """The next session: gentle while the person is new, shorter and lighter after a
    session that left more pain."""
    done = sum(1 for s in logs if s.source == "manual" or s.points)
    cap: Pressure | None = None
    reasons: list[str] = []
    factor = 1.0
    for g in rules.gentle_start:
        if done < g.sessions_below:
            cap = g.pressure
            reasons.append(g.reason)
            break
    if any(f.id == "pain_increased_after_session" for f in flags):
        with_after = [s for s in logs if s.relief is not None]
        used = [s.pressure for s in with_after[-1].steps if s.pressure and not s.skipped]
        highest = max(used, key=PRESSURES.index) if used else PRESSURES[-1]
        lower = PRESSURES[max(0, PRESSURES.index(highest) - 1)]
        if cap is None or PRESSURES.index(lower) < PRESSURES.index(cap):
            cap = lower
        factor = rules.after_pain_increase.time_factor
        reasons.insert(0, rules.after_pain_increase.reason)
    return Adjustment(pressure_cap=cap, time_factor=factor, reasons=tuple(reasons))


# --- helpers --------------------------------------------------------------------------


def _series(logs: Sequence[SessionLog]) -> tuple[DayPain, ...]:
    by_day: dict[dt.date, list[SessionLog]] = {}
    for s in logs:
        by_day.setdefault(s.day, []).append(s)
    return tuple(
        DayPain(
            day=day,
            sessions=len(day_logs),
            before=_round(_mean(s.pain_before for s in day_logs)),
            after=_round(_mean(s.pain_after for s in day_logs)),
        )
        for day, day_logs in sorted(by_day.items())
    )


def _mean(values: Any) -> float | None:
    present = [v for v in values if v is not None]
    return fmean(present) if present else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


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
    """Progress from a journal: every session, and the steps of the newest scored one
    (all ``analyse`` needs of steps)."""
    logs = journal.sessions()
    scored = [i for i, s in enumerate(logs) if s.relief is not None]
    if scored:
        logs[scored[-1]] = journal.get(logs[scored[-1]].id)
    return analyse(logs, today, rules or default_rules())


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
        "flags": [
            {"id": f.id, "title": f.title, "advice": f.advice, "source": f.source} | f.details
            for f in p.flags
        ],
        "next_session": {
            "pressure_cap": a.pressure_cap,
            "time_factor": a.time_factor,
            "reasons": list(a.reasons),
        },
        "series": [
            {"day": d.day.isoformat(), "sessions": d.sessions, "before": d.before, "after": d.after}
            for d in p.series
        ],
    }
