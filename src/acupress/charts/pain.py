"""Pain over time, as SVG for the progress report (and the web app): pain before and
after sessions day by day, and sessions per week. Before and after differ in line style
and marker shape as well as colour, so the chart reads in black and white.

A plot of more days than its width can show marks the means of each week (or month,
quarter, year) instead, and says so on the plot and in its description."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable, Hashable, Sequence

from acupress.charts import svg
from acupress.progress import DayPain

WIDTH, HEIGHT = 640.0, 260.0
LEFT, RIGHT, TOP, BOTTOM = 44.0, 32.0, 40.0, 40.0
BEFORE = "#1d4f91"
AFTER = "#b3001b"


def _x_scale(first: dt.date, last: dt.date) -> tuple[float, float]:
    span = max(1, (last - first).days)
    return LEFT, (WIDTH - LEFT - RIGHT) / span


def _date_ticks(first: dt.date, last: dt.date, count: int = 6) -> list[dt.date]:
    span = (last - first).days
    if span <= 0:
        return [first]
    step = max(1, round(span / (count - 1)))
    ticks = [first + dt.timedelta(days=n) for n in range(0, span + 1, step)]
    if (last - ticks[-1]).days > step / 2:
        ticks.append(last)
    return ticks


def pain_chart(series: Sequence[DayPain], chart_id: str = "pain") -> str:
    """Pain before (solid line, filled dots) and after (dashed line, hollow dots) sessions,
    0-10, one mark per day with sessions."""
    scored = [d for d in series if d.before is not None or d.after is not None]
    marks, period = downsampled(scored)
    if scored:
        first, last = scored[0].day, scored[-1].day
        desc = (
            f"Pain from 0 to 10 on {len(scored)} days with sessions, {first:%d %b %Y} to "
            f"{last:%d %b %Y}. "
            + _trend("before", [d.before for d in scored])
            + " "
            + _trend("after", [d.after for d in scored])
        )
        if period:
            desc += (
                f" Too many days to mark one by one: each mark is the mean of a {period}'s "
                f"days with sessions ({len(marks)} {period}s)."
            )
    else:
        first = last = dt.date.today()
        desc = "No pain scores yet."
    root = svg.svg_root(WIDTH, HEIGHT, chart_id, "Pain before and after sessions", desc)
    plot_h = HEIGHT - TOP - BOTTOM
    x0, per_day = _x_scale(first, last)

    def x(day: dt.date) -> float:
        if first == last:
            return (WIDTH + LEFT - RIGHT) / 2
        return x0 + (day - first).days * per_day

    def y(score: float) -> float:
        return TOP + plot_h * (1 - score / 10)

    grid = svg.score_grid(root, LEFT, WIDTH - RIGHT, y)
    # Beyond a year, a day and month alone would not say which year.
    label = "%d %b" if (last - first).days <= 366 else "%b %Y"
    for day in _date_ticks(first, last):
        svg.text(grid, x(day), HEIGHT - BOTTOM + 18, day.strftime(label), size=11, anchor="middle")
    svg.text(root, LEFT, 22, "Pain (0-10) before and after sessions", size=14, weight="bold")
    if period:
        note = f"{period.capitalize()}ly means: each mark is the mean of a {period}'s days"
        svg.text(root, LEFT, HEIGHT - 6, note + " with sessions", size=10)
    for attr, colour, dash, hollow, label, lx in (
        ("before", BEFORE, None, False, "before", WIDTH - 220),
        ("after", AFTER, "6 4", True, "after", WIDTH - 110),
    ):
        points = [(x(d.day), y(v)) for d in marks if (v := getattr(d, attr)) is not None]
        layer = svg.group(root, label)
        if len(points) > 1:
            line_attrs: dict[str, svg.Attr] = {"fill": "none", "stroke": colour, "stroke_width": 2}
            if dash:
                line_attrs["stroke_dasharray"] = dash
            svg.el(layer, "path", d=svg.polyline(points), **line_attrs)
        radius = 3.5 if len(points) < 120 else 2
        for px, py in points:
            _marker(layer, px, py, radius, colour, hollow)
        _legend(root, lx, 18, label, colour, dash, hollow)
    return svg.to_string(root)


# Marks about 4 units apart across the plot at most: closer, they merge into a smear
# (18,000 of them for thirty years) that costs seconds to print and shows nothing more.
MARKS_SHOWN = 140
PERIODS: tuple[tuple[str, Callable[[dt.date], Hashable]], ...] = (
    ("week", lambda d: d - dt.timedelta(days=d.weekday())),
    ("month", lambda d: (d.year, d.month)),
    ("quarter", lambda d: (d.year, (d.month - 1) // 3)),
    ("year", lambda d: d.year),
)


def downsampled(scored: Sequence[DayPain]) -> tuple[list[DayPain], str | None]:
    """The days as they are when they fit (and None); else the means of the days in each
    week, month, quarter or year, whichever is the first to fit, and its name. A mean is
    marked at the middle of its first and last day."""
    if len(scored) <= MARKS_SHOWN:
        return list(scored), None
    for name, key in PERIODS:
        groups: dict[Hashable, list[DayPain]] = {}
        for d in scored:
            groups.setdefault(key(d.day), []).append(d)
        if len(groups) <= MARKS_SHOWN or name == PERIODS[-1][0]:
            return [_mean_day(days) for days in groups.values()], name
    raise AssertionError("the last period always fits")


def _mean_day(days: Sequence[DayPain]) -> DayPain:
    def mean(values: list[float | None]) -> float | None:
        present = [v for v in values if v is not None]
        return sum(present) / len(present) if present else None

    first, last = days[0].day, days[-1].day
    return DayPain(
        day=first + (last - first) // 2,
        sessions=sum(d.sessions for d in days),
        before=mean([d.before for d in days]),
        after=mean([d.after for d in days]),
    )


WEEKS_SHOWN = 26  # beyond half a year the bars get too thin to read
LABEL_WIDTH = 44.0  # room for a week's date ("26 Jan") under the bars, with a gap


def weekly_chart(series: Sequence[DayPain], chart_id: str = "weekly", width: float = WIDTH) -> str:
    """Sessions per week (Monday to Sunday), as bars with their counts written on them:
    the last 26 weeks with sessions at most."""
    weeks: dict[dt.date, int] = {}
    for d in series:
        monday = d.day - dt.timedelta(days=d.day.weekday())
        weeks[monday] = weeks.get(monday, 0) + d.sessions
    if weeks:
        end = max(weeks)
        start = max(min(weeks), end - dt.timedelta(weeks=WEEKS_SHOWN - 1))
        mondays = [start + dt.timedelta(weeks=n) for n in range((end - start).days // 7 + 1)]
    else:
        mondays = []
    counts = [weeks.get(m, 0) for m in mondays]
    desc = (
        "Sessions per week: "
        + "; ".join(f"week of {m:%d %b}: {c}" for m, c in zip(mondays, counts, strict=True))
        + "."
        if mondays
        else "No sessions yet."
    )
    height = 200.0
    root = svg.svg_root(width, height, chart_id, "Sessions per week", desc)
    svg.text(root, 8, 22, "Sessions per week (from Monday)", size=14, weight="bold")
    top, bottom = 36.0, 34.0
    plot_h = height - top - bottom
    most = max([7, *counts])
    slot = (width - LEFT - RIGHT) / max(1, len(mondays))
    # As many dates as fit side by side (a date takes about LABEL_WIDTH at size 10).
    fit = max(1, int((width - LEFT - RIGHT) // LABEL_WIDTH))
    label_every = max(1, -(-len(mondays) // fit))
    for i, (monday, count) in enumerate(zip(mondays, counts, strict=True)):
        bar_h = plot_h * count / most
        bx = LEFT + i * slot + slot * 0.15
        svg.el(
            root,
            "rect",
            x=bx,
            y=top + plot_h - bar_h,
            width=slot * 0.7,
            height=bar_h,
            fill="#c9d6ea",
            stroke=svg.INK,
            stroke_width=1,
        )
        if slot >= 14:
            svg.text(
                root,
                bx + slot * 0.35,
                top + plot_h - bar_h - 4,
                str(count),
                size=10,
                anchor="middle",
            )
        if i % label_every == 0:
            svg.text(
                root,
                bx + slot * 0.35,
                height - bottom + 16,
                f"{monday:%d %b}",
                size=10,
                anchor="middle",
            )
    svg.el(
        root,
        "line",
        x1=LEFT,
        y1=top + plot_h,
        x2=width - RIGHT,
        y2=top + plot_h,
        stroke=svg.INK,
        stroke_width=1,
    )
    return svg.to_string(root)


def _marker(parent: ET.Element, x: float, y: float, r: float, colour: str, hollow: bool) -> None:
    svg.el(
        parent,
        "circle",
        cx=x,
        cy=y,
        r=r,
        fill=svg.PAPER if hollow else colour,
        stroke=colour,
        stroke_width=1.5,
    )


def _legend(
    parent: ET.Element,
    x: float,
    y: float,
    label: str,
    colour: str,
    dash: str | None,
    hollow: bool,
) -> None:
    attrs: dict[str, svg.Attr] = {"stroke": colour, "stroke_width": 2}
    if dash:
        attrs["stroke_dasharray"] = dash
    svg.el(parent, "line", x1=x, y1=y, x2=x + 30, y2=y, **attrs)
    _marker(parent, x + 15, y, 3.5, colour, hollow)
    svg.text(parent, x + 36, y + 4, label, size=12)


def _trend(label: str, values: Sequence[float | None]) -> str:
    present = [v for v in values if v is not None]
    if not present:
        return f"No scores {label} sessions."
    return (
        f"Pain {label} sessions went from {present[0]:g} to {present[-1]:g} "
        f"(lowest {min(present):g}, highest {max(present):g})."
    )
