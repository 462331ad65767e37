"""A personal trial over time, as SVG for the web app and the clinician report: the daily
PEG score, each week shaded by its kind (acupressure weeks tinted and hatched, usual-care
weeks plain), so the chart reads in black and white; a day without a rating breaks the
line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from acupress.charts import svg
from acupress.trial import Schedule

WIDTH, HEIGHT = 640.0, 270.0
LEFT, RIGHT, TOP, BOTTOM = 44.0, 16.0, 74.0, 40.0
SCORE = "#1d4f91"
ACUPRESSURE = "#e3ecf7"
HATCH = "#b7c9e2"


def trial_chart(
    schedule: Schedule,
    scores: Sequence[tuple[dt.date, float]],
    chart_id: str = "trial",
) -> str:
    """The daily PEG scores (0-10, lower is better) of ``schedule``'s days, over its
    weeks shaded by kind."""
    days = schedule.weeks * 7
    shown = [(d, s) for d, s in scores if schedule.start <= d <= schedule.end]
    acupressure = [p.week for p in schedule.periods if p.arm == "acupressure"]
    desc = (
        f"Daily PEG scores from 0 to 10 (lower is better) over a {schedule.weeks}-week "
        f"trial, {schedule.start:%d %b %Y} to {schedule.end:%d %b %Y}: acupressure in weeks "
        f"{', '.join(map(str, acupressure))}, usual care in the others. "
        f"{len(shown)} of {days} days rated."
    )
    root = svg.svg_root(WIDTH, HEIGHT, chart_id, "Daily PEG score through the trial", desc)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    per_day = plot_w / days

    def x(day: dt.date) -> float:
        return LEFT + ((day - schedule.start).days + 0.5) * per_day

    def y(score: float) -> float:
        return TOP + plot_h * (1 - score / 10)

    defs = svg.el(root, "defs")
    pattern = svg.el(
        defs,
        "pattern",
        id=f"{chart_id}-hatch",
        width=6,
        height=6,
        patternUnits="userSpaceOnUse",
        patternTransform="rotate(45)",
    )
    svg.el(pattern, "rect", width=6, height=6, fill=ACUPRESSURE)
    svg.el(pattern, "line", x1=0, y1=0, x2=0, y2=6, stroke=HATCH, stroke_width=2)

    weeks = svg.group(root, "weeks")
    for p in schedule.periods:
        left = LEFT + (p.week - 1) * 7 * per_day
        if p.arm == "acupressure":
            svg.el(
                weeks,
                "rect",
                x=left,
                y=TOP,
                width=7 * per_day,
                height=plot_h,
                fill=f"url(#{chart_id}-hatch)",
            )
        label = "A" if p.arm == "acupressure" else "U"
        svg.text(weeks, left + 3.5 * per_day, TOP - 6, f"{label}{p.week}", size=11, anchor="middle")
        svg.el(
            weeks,
            "line",
            x1=left,
            y1=TOP,
            x2=left,
            y2=TOP + plot_h,
            stroke=svg.FAINT,
            stroke_width=1,
        )
    grid = svg.score_grid(root, LEFT, WIDTH - RIGHT, y)
    for p in schedule.periods[:: max(1, schedule.weeks // 6)]:
        svg.text(
            grid, x(p.start), HEIGHT - BOTTOM + 18, f"{p.start:%d %b}", size=11, anchor="start"
        )

    line = svg.group(root, "scores")
    runs: list[list[tuple[float, float]]] = []
    previous: dt.date | None = None
    for day, score in shown:
        if previous is None or (day - previous).days > 1:
            runs.append([])  # a day without a rating breaks the line
        runs[-1].append((x(day), y(score)))
        previous = day
    for run in runs:
        if len(run) > 1:
            svg.el(line, "path", d=svg.polyline(run), fill="none", stroke=SCORE, stroke_width=2)
    for day, score in shown:
        svg.el(line, "circle", cx=x(day), cy=y(score), r=3, fill=SCORE)

    svg.text(root, LEFT, 18, "Daily PEG score (0-10, lower is better)", size=14, weight="bold")
    # The legend on its own row under the title, wide apart: the phone's larger type
    # must not run one label into the other.
    svg.el(root, "rect", x=LEFT, y=28, width=14, height=10, fill=f"url(#{chart_id}-hatch)")
    svg.text(root, LEFT + 18, 37, "A: acupressure week", size=11)
    svg.el(root, "rect", x=LEFT + 300, y=28, width=14, height=10, fill=svg.PAPER, stroke=svg.FAINT)
    svg.text(root, LEFT + 318, 37, "U: usual care", size=11)
    return svg.to_string(root)
