"""A person's pain trend at a glance, as a small SVG for the practitioner's list: pain
before sessions (0-10) over the last weeks, one dot per day with a score, joined by a
line, with the first and last scores written beside it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from acupress.charts import svg
from acupress.progress import DayPain

WIDTH, HEIGHT = 180.0, 48.0
LEFT, RIGHT, TOP, BOTTOM = 18.0, 18.0, 6.0, 6.0
LINE = "#1d4f91"
WEEKS = 8


def trend_chart(series: Sequence[DayPain], today: dt.date, chart_id: str) -> str:
    """Pain before sessions over the ``WEEKS`` weeks up to ``today``."""
    start = today - dt.timedelta(weeks=WEEKS)
    scored = [(d.day, d.before) for d in series if d.before is not None and d.day >= start]
    if scored:
        first, last = scored[0], scored[-1]
        desc = (
            f"Pain before sessions on {len(scored)} days in the last {WEEKS} weeks: "
            f"{first[1]:g} on {first[0]:%d %b}, {last[1]:g} on {last[0]:%d %b}."
        )
    else:
        desc = f"No pain scores in the last {WEEKS} weeks."
    root = svg.svg_root(WIDTH, HEIGHT, chart_id, "Pain trend", desc)
    span = (today - start).days
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: dt.date) -> float:
        return LEFT + plot_w * (day - start).days / span

    def y(score: float) -> float:
        return TOP + plot_h * (1 - score / 10)

    svg.el(root, "line", x1=LEFT, y1=y(0), x2=WIDTH - RIGHT, y2=y(0), stroke="#d9d9d9")
    points = [(x(day), y(score)) for day, score in scored]
    if len(points) > 1:
        svg.el(root, "path", d=svg.polyline(points), fill="none", stroke=LINE, stroke_width=1.5)
    for px, py in points:
        svg.el(root, "circle", cx=px, cy=py, r=2, fill=LINE)
    if scored:
        svg.text(root, 2, y(scored[0][1]) + 4, f"{scored[0][1]:g}", size=10)
        svg.text(root, WIDTH - 2, y(scored[-1][1]) + 4, f"{scored[-1][1]:g}", size=10, anchor="end")
    return svg.to_string(root)
