"""The progress report for a clinician: one page with the pain plot over time, sessions
per week, the flags the guide's rules raise, and what was done. Built from the journal
and ``progress.analyse``; rendered as standalone HTML, or as PDF through WeasyPrint."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from acupress.progress import Flag, Progress, counts
from acupress.records import SessionLog
from acupress.trial_actions import Outcome

STOP_WORDS = {
    "dizziness": "dizziness",
    "pain_increased": "pain increased",
    "no_time": "no time",
    "interrupted": "interrupted",
    "other": "other",
}


@dataclass(frozen=True, kw_only=True)
class Report:
    generated: dt.datetime
    first_day: dt.date | None
    last_day: dt.date | None
    progress: Progress
    guided: int
    by_hand: int
    completed: int
    stopped: tuple[tuple[str, int], ...]  # reason, count
    average_minutes: float | None
    points: tuple[tuple[str, int], ...]  # point, sessions it was pressed in
    pressures: tuple[tuple[str, int], ...]  # pressure, timed steps done at it
    sensations: tuple[tuple[str, int], ...]
    decisions: tuple[tuple[str, int], ...]
    increased_after: int  # sessions that left more pain than before
    pain_chart: str
    weekly_chart: str
    trial: TrialSection | None = None

    @property
    def flags(self) -> tuple[Flag, ...]:
        return self.progress.flags


@dataclass(frozen=True, kw_only=True)
class TrialSection:
    """The personal trial, for the report: its chart and its result in words."""

    start: dt.date
    end: dt.date
    weeks: int
    title: str
    summary: str
    stopped: str | None
    limits: tuple[str, ...]
    adherence: str
    deviations: str
    chart: str


def trial_section(found: Outcome) -> TrialSection:
    from acupress.charts.trial import trial_chart

    planned = found.status.schedule
    return TrialSection(
        start=planned.start,
        end=planned.end,
        weeks=planned.weeks,
        title=found.result.title,
        summary=found.result.summary,
        stopped=found.status.stop_sentence,
        limits=found.result.limits,
        adherence=found.adherence,
        deviations=found.deviations_sentence,
        chart=trial_chart(planned, [(r.day, r.score) for r in found.ratings], "report-trial"),
    )


def build(
    sessions: Sequence[SessionLog],
    progress: Progress,
    now: dt.datetime,
    pressures: Mapping[int, Mapping[str, int]] | None = None,
    trial: Outcome | None = None,
) -> Report:
    """Everything the report shows, from the sessions and the progress computed from
    them: the sessions done, like the progress figures. The pressures of their timed
    steps come from ``pressures`` (by session id: how many steps at each, as
    ``Journal.pressures`` counts them), else from the sessions' steps."""
    from acupress.charts.pain import pain_chart, weekly_chart

    sessions = [s for s in sessions if counts(s, progress.today)]
    pressed: Counter[str] = Counter()
    for s in sessions:
        if pressures is None:
            pressed.update(st.pressure for st in s.steps if st.pressure and not st.skipped)
        else:
            pressed.update(pressures.get(s.id or 0, {}))
    minutes = [s.seconds / 60 for s in sessions if s.seconds]
    stopped = Counter(
        STOP_WORDS.get(s.stop_reason or "", "unfinished")
        for s in sessions
        if s.source == "guided" and not s.complete
    )
    return Report(
        generated=now,
        first_day=progress.first_day,
        last_day=progress.last_day,
        progress=progress,
        guided=sum(1 for s in sessions if s.source == "guided"),
        by_hand=sum(1 for s in sessions if s.source == "manual"),
        completed=sum(1 for s in sessions if s.complete),
        stopped=tuple(stopped.most_common()),
        average_minutes=round(sum(minutes) / len(minutes), 1) if minutes else None,
        points=tuple(Counter(p for s in sessions for p in s.points).most_common()),
        pressures=tuple(pressed.most_common()),
        sensations=tuple(Counter(x for s in sessions for x in s.sensations).most_common()),
        decisions=tuple(Counter(s.decision for s in sessions if s.decision).most_common()),
        increased_after=sum(1 for s in sessions if s.relief is not None and s.relief < 0),
        pain_chart=pain_chart(progress.series, "report-pain"),
        weekly_chart=weekly_chart(progress.series, "report-weekly", width=360),
        trial=trial_section(trial) if trial is not None else None,
    )


def render_html(report: Report) -> str:
    import jinja2

    from acupress.docs.pdf import TEMPLATES

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["signed"] = lambda v: "—" if v is None else f"{v:+.1f}"
    env.filters["plain"] = lambda v: "—" if v is None else f"{v:.1f}"
    return env.get_template("report.html").render(r=report, p=report.progress)


def render_pdf(html: str) -> bytes:
    """One A4 page (its CSS sets the page)."""
    from acupress.docs.pdf import print_pdf

    return print_pdf(html)
