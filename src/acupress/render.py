"""Rich renderables for the terminal: the atlas, a decision, a plan. Imported only by the
commands that draw, so ``acupress --help`` does not pay for rich; and the atlas's views
need no more than the atlas (planning is imported by the views that show a plan)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from acupress.atlas import Atlas, Point, cun_to_cm, personalise

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from acupress.protocol import Plan, Protocol
    from acupress.records import SessionLog
    from acupress.safety import Decision, Question
    from acupress.settings import Current

SIDE_WORDS = {"left": "left", "right": "right", "both": "both sides", "midline": "midline"}
DECISION_STYLE = {
    "emergency": "bold white on red",
    "see_clinician": "bold red",
    "not_today": "bold yellow",
    "modified": "bold cyan",
    "go": "bold green",
}


def console() -> Console:
    # Content is shown as written: no markup or emoji codes are read from it.
    return Console(highlight=False, markup=False, emoji=False)


def show(*renderables: RenderableType) -> None:
    out = console()
    for r in renderables:
        out.print(r)


def points_table(atlas: Atlas, thumb_cm: float | None) -> RenderableType:
    table = Table(
        title="Points of the low-back routine (WHO 2008 locations)",
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
    )
    table.add_column("Code", style="bold", no_wrap=True)
    table.add_column("Name")
    table.add_column("Where")
    table.add_column("Pressure")
    table.add_column("Notes")
    for p in atlas.points:
        notes = ["avoid in pregnancy"] if p.avoid_in_pregnancy else []
        if p.guide_differs and "standard location" in p.guide_differs:
            notes.append("location corrected from the common how-to")
        table.add_row(
            p.code,
            Text.assemble(f"{p.pinyin} {p.hanzi}\n", (p.english, "dim")),
            Text.assemble(
                personalise(_where(p), thumb_cm), "\n", (p.sides.replace("_", " "), "dim")
            ),
            f"up to {p.max_pressure}",
            "\n".join(notes),
        )
    return Group(table, measures(atlas, thumb_cm))


def _where(p: Point) -> str:
    a = p.anchor
    if a.kind == "vertebral" and a.lateral_cun:
        return f"{a.vertebra} level, {a.lateral_cun:g} cun from the midline"
    if a.kind == "vertebral":
        return f"below the {a.vertebra} spinous process"
    return p.region


def measures(atlas: Atlas, thumb_cm: float | None) -> RenderableType:
    parts = []
    for m in atlas.measure:
        cm = f" ≈ {cun_to_cm(m.cun, thumb_cm):.1f} cm" if thumb_cm else ""
        parts.append(f"{m.cun:g} cun = {m.name}{cm}")
    hint = "" if thumb_cm else "  (save your thumb width: acupress profile --thumb-cm 2.1)"
    return Text("Finger-cun: " + "; ".join(parts) + hint, style="dim")


def point_panel(p: Point, thumb_cm: float | None) -> RenderableType:
    from rich.panel import Panel

    from acupress.protocol import minutes_seconds

    def say(text: str) -> str:
        return personalise(text, thumb_cm)

    body = Table.grid(padding=(0, 2))
    body.add_column(style="bold", no_wrap=True)
    body.add_column()
    body.add_row("Meridian", p.meridian)
    body.add_row("Location (WHO)", say(p.location))
    steps = "\n".join(f"{i}. {say(s)}" for i, s in enumerate(p.how_to_find, 1))
    body.add_row("How to find it", steps)
    body.add_row("Technique", say(p.technique))
    body.add_row("Pressure", f"up to {p.max_pressure}")
    body.add_row("Time", f"{minutes_seconds(p.default_seconds)} (min:s)")
    body.add_row("Sides", p.sides.replace("_", " "))
    body.add_row("Cautions", "\n".join(f"• {c}" for c in p.cautions) or "—")
    body.add_row("Pregnancy", "avoid" if p.avoid_in_pregnancy else "no special caution")
    if p.traditional_use:
        body.add_row("Traditional use", p.traditional_use)
    if p.guide_differs:
        body.add_row("Differs from the how-to", Text(p.guide_differs, style="yellow"))
    title = f"{p.code} {p.pinyin} {p.hanzi} — {p.english}"
    return Panel(body, title=title, title_align="left", border_style="cyan")


def protocols_table(rows: Sequence[dict[str, Any]], folder: Path) -> RenderableType:
    """The protocols, each with its title and shortest session, or what is wrong with it."""
    table = Table(title=f"Protocols (add your own in {folder})", title_justify="left")
    for col in ("name", "title", "from (min)", "file"):
        table.add_column(col)
    for r in rows:
        title = Text(f"cannot be used: {r['error']}", style="red") if r["error"] else r["title"]
        table.add_row(r["name"], title, str(r["min_minutes"] or "—"), r["file"])
    return table


def settings_table(found: Sequence[Current]) -> RenderableType:
    """Each setting: its value now, where that came from, what it does."""
    table = Table(title="Settings (each set by its environment variable)", title_justify="left")
    for col in ("name", "value", "from", "what it does"):
        table.add_column(col)
    for c in found:
        source = c.setting.env if c.source == "environment" else "default"
        table.add_row(c.setting.name, c.value, source, c.setting.help)
    return table


def questions_table(questions: tuple[Question, ...]) -> RenderableType:
    table = Table(title="Safety questions")
    table.add_column("id", style="bold")
    table.add_column("type")
    table.add_column("question")
    for q in questions:
        table.add_row(q.id, q.type, q.text)
    return table


def decision_panel(d: Decision) -> RenderableType:
    from rich.padding import Padding
    from rich.panel import Panel

    lines: list[RenderableType] = [Text(d.text)]
    if d.reasons:
        lines.append(Text("\nWhy:", style="bold"))
        lines += [Padding(Text(f"• {r}"), (0, 0, 0, 2)) for r in d.reasons]
    if d.omit_points:
        lines.append(Text(f"\nLeft out today: {', '.join(d.omit_points)}", style="bold"))
    if d.pressure_limit:
        lines.append(Text(f"Pressure: {d.pressure_limit} only", style="bold"))
    if d.advice:
        lines.append(Text("\nAdvice:", style="bold"))
        lines += [Padding(Text(f"• {a}"), (0, 0, 0, 2)) for a in d.advice]
    style = DECISION_STYLE[d.decision]
    return Panel(
        Group(*lines),
        title=Text(d.title, style=style),
        title_align="left",
        border_style=style.replace("on red", "").replace("bold white", "red").strip(),
    )


def plan_view(plan: Plan) -> RenderableType:
    from acupress.protocol import minutes_seconds

    who = " with a partner" if plan.partner else ""
    table = Table(
        title=f"{plan.title}{who}: {minutes_seconds(plan.total_seconds)} "
        f"(budget {plan.budget_seconds // 60} min)",
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
    )
    table.add_column("#", justify="right")
    table.add_column("Step, and how")
    table.add_column("Side")
    table.add_column("Pressure")
    table.add_column("Time", justify="right")
    posture = None
    previous = None
    # The steps shown are numbered 1, 2, 3 (the protocol's numbers skip the steps left
    # out); both sides of a point, and steps the protocol numbers alike, share a number.
    shown = {n: i for i, n in enumerate(dict.fromkeys(s.step for s in plan.steps), 1)}
    for s in plan.steps:
        if s.posture != posture:
            table.add_row(
                "",
                Text.assemble(("Position: ", "bold magenta"), (s.posture_text, "italic magenta")),
            )
            posture = s.posture
        how = "Same on this side." if previous == s.id else s.technique
        cell = Text.assemble((s.title, "bold"), "\n", (how, "dim"))
        pressure = s.pressure or ""
        table.add_row(
            str(shown[s.step]),
            cell,
            SIDE_WORDS.get(s.side or "", ""),
            f"{pressure}*" if s.pressure_note else pressure,
            minutes_seconds(s.seconds),
        )
        previous = s.id
    table.add_section()
    table.add_row("", Text("Total", style="bold"), "", "", minutes_seconds(plan.total_seconds))
    notes: list[RenderableType] = [table]
    if plan.rest_day:
        notes.insert(0, rest_day_panel(plan.rest_day, anyway=True))
    for o in plan.omitted:
        notes.append(Text(f"Left out: {o.point} — {' '.join(o.reasons)}", style="yellow"))
    for n in plan.notes:
        notes.append(Text(f"* {n}", style="cyan"))
    if plan.decision is None:
        notes.append(
            Text(
                "Safety not checked today: run `acupress check` before you start.",
                style="bold yellow",
            )
        )
    return Group(*notes)


def rest_day_panel(advice: str, anyway: bool = False) -> RenderableType:
    """Today is a rest day: the plan is not to press the points today."""
    from rich.panel import Panel

    words = advice + (
        "\nIf you still choose a session today, this is the plan "
        "(`acupress session --on-rest-day`)."
        if anyway
        else ""
    )
    return Panel(
        Text(words),
        title=Text("Today is a rest day", style="bold yellow"),
        title_align="left",
        border_style="yellow",
    )


def journal_table(logs: Sequence[SessionLog], title: str = "Journal") -> RenderableType:
    if not logs:
        return Text(
            "No sessions yet: `acupress session` guides one, `acupress journal add` logs one."
        )
    table = Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD)
    table.add_column("ID", justify="right")
    table.add_column("When", no_wrap=True)
    table.add_column("Min", justify="right")
    table.add_column("Points", min_width=9, max_width=24)
    table.add_column("Pain", justify="center", no_wrap=True)
    table.add_column("Relief", justify="right")
    table.add_column("Note", min_width=16, ratio=1)
    for s in logs:
        when = s.started_at.astimezone()
        pain = f"{_score(s.pain_before)} → {_score(s.pain_after)}"
        relief = "" if s.relief is None else f"{s.relief:+d}" if s.relief else "0"
        if s.source == "manual":
            status = Text("by hand", style="dim")
        elif s.complete:
            status = Text("")
        else:
            from acupress.records import outcome

            words = outcome(s)
            status = Text("not finished" if words == "not finished" else words, style="yellow")
        note = Text.assemble(status, "\n" if status and s.note else "", s.note)
        table.add_row(
            str(s.id),
            f"{when:%Y-%m-%d %H:%M}",
            f"{s.seconds / 60:.0f}" if s.seconds else "",
            " ".join(s.points),
            pain,
            Text(
                relief,
                style="green" if (s.relief or 0) > 0 else "red" if (s.relief or 0) < 0 else "",
            ),
            note,
        )
    return table


def _score(value: int | None) -> str:
    return "-" if value is None else str(value)


def bar(fraction: float, width: int = 40) -> Text:
    """A progress bar that reads without colour: filled blocks, then light shade."""
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return Text.assemble(("█" * filled, "green"), ("░" * (width - filled), "dim"))


def session_screen(
    status: Any,
    plan: Plan,
    protocol: Protocol,
    atlas: Atlas,
    thumb_cm: float | None,
    message: str = "",
) -> RenderableType:
    """The live screen of a guided session: what to do now, how long, what comes next."""
    from rich.panel import Panel

    from acupress.protocol import minutes_seconds, side_words, warnings

    current = status.step
    step = next(s for s in protocol.steps if s.id == current.id)
    where = side_words(current.side, plan.partner)
    heading = Text.assemble(
        (current.title, "bold"),
        (f" — {where}" if where else "", "bold cyan"),
    )
    body = Table.grid(padding=(0, 2))
    body.add_column(style="bold", no_wrap=True)
    body.add_column()
    body.add_row("Posture", Text(current.posture_text))
    body.add_row("Technique", Text(personalise(current.technique, thumb_cm)))
    if current.pressure:
        pressure = Text(current.pressure, style="bold")
        if current.pressure_note:
            pressure.append(f" ({current.pressure_note})", style="yellow")
        body.add_row("Pressure", pressure)
    point = atlas.get(current.point) if current.point else None
    if point is not None:
        found = "\n".join(
            f"{i}. {personalise(s, thumb_cm)}" for i, s in enumerate(point.how_to_find, 1)
        )
        body.add_row("Find it", Text(found))
        code = point.code
        body.add_row(
            "",
            Text(
                f"a chart: acupress chart {code} --out {code.lower()}.png · "
                f"all about it: acupress points {code}",
                style="dim",
            ),
        )
    for tip in step.tips:
        body.add_row("Tip", Text(tip))
    for warning in warnings(step, point):
        body.add_row("Warning", Text(warning, style="yellow"))
    body.add_row(
        "Stop", Text("if you feel dizzy, faint or sick, or the pain turns sharp", style="red")
    )

    clock = Table.grid(padding=(0, 2))
    clock.add_column(no_wrap=True)
    clock.add_column(no_wrap=True)
    state = " PAUSED" if status.paused else ""
    clock.add_row(
        Text.assemble(
            (minutes_seconds(round(status.step_remaining)), "bold reverse"),
            (" left on this step", ""),
            (state, "bold yellow"),
        ),
        bar(status.step_fraction),
    )
    clock.add_row(
        Text(
            f"Session {minutes_seconds(round(status.total_elapsed))} of "
            f"{minutes_seconds(plan.total_seconds)}"
        ),
        bar(status.total_fraction),
    )
    after = status.next
    side = side_words(after.side, plan.partner) if after else ""
    upcoming = (
        Text.assemble(("Next: ", "bold"), after.title, f" — {side}" if side else "")
        if after
        else Text("Next: the end of the session", style="bold")
    )
    keys = Text("space pause/resume   n skip   b back   q stop", style="dim")
    parts: list[RenderableType] = [heading, Text(""), body, Text(""), clock, Text(""), upcoming]
    if message:
        parts.append(Text(message, style="bold magenta"))
    parts.append(keys)
    who = " (partner mode: these words are for the person pressing)" if plan.partner else ""
    return Panel(
        Group(*parts),
        title=f"acupress · step {status.index + 1} of {len(plan.steps)}{who}",
        title_align="left",
        border_style="cyan" if not status.paused else "yellow",
    )


# --- progress -------------------------------------------------------------------------


def _signed(value: float | None, unit: str = "") -> str:
    return "—" if value is None else f"{value:+.1f}{unit}"


def _plain(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def progress_view(p: Any, days: int, width: int) -> RenderableType:
    """Figures, the plot of pain before and after, the guide's flags, the next session."""
    from rich.panel import Panel

    if not p.sessions:
        return Text(
            "No sessions yet: `acupress session` guides one, `acupress journal add` logs one."
        )
    figures = Table.grid(padding=(0, 2))
    figures.add_column(style="bold", no_wrap=True)
    figures.add_column()
    span = f"{p.first_day:%d %b %Y} to {p.last_day:%d %b %Y}"
    figures.add_row("Sessions", f"{p.sessions} on {p.days} days ({span})")
    figures.add_row("Baseline pain", f"{_plain(p.baseline_pain)} / 10 (your first sessions)")
    recent = (
        f" ({p.change.recent_start:%d %b} to {p.change.recent_end:%d %b}, first sessions left out)"
        if p.change
        else " (after your first sessions)"
    )
    figures.add_row("Recent", f"{_plain(p.last_week_pain)} / 10 before sessions{recent}")
    figures.add_row(
        "Change", f"{_signed(p.change_points, ' points')} ({_signed(p.change_percent, ' %')})"
    )
    figures.add_row(
        "Relief per session", f"{_plain(p.average_relief)} points on average (before - after)"
    )
    figures.add_row(
        "Streak",
        f"{p.current_streak} day(s) in a row now, longest {p.longest_streak}; "
        f"{p.rest_days_last_week} rest day(s) in the last 7 days",
    )
    parts: list[RenderableType] = [Text("Progress", style="bold"), figures, Text("")]
    plot = pain_plot(p.series, days, width)
    if plot is not None:
        parts += [plot, Text("")]
    for f in p.flags:
        style = "green" if f.id == "meaningful_improvement" else "yellow"
        parts.append(
            Panel(
                Text.assemble(f.advice, "\n", (f"Source: {f.source}", "dim")),
                title=Text(f"{f.title} [{f.id}]", style=f"bold {style}"),
                title_align="left",
                border_style=style,
            )
        )
    a = p.adjustment
    if a.reasons:
        parts.append(Text("Next session: " + " ".join(a.reasons), style="cyan"))
    return Group(*parts)


def pain_plot(series: Any, days: int, width: int) -> RenderableType | None:
    """Pain before (●) and after (○) sessions, day by day, over the last ``days`` days:
    two marker shapes, so the plot reads without colour."""
    import plotext as plt

    if not series:
        return None
    last = series[-1].day
    shown = [d for d in series if (last - d.day).days < days]
    plt.clear_figure()
    plt.theme("clear")
    plt.plotsize(max(40, min(width, 120)), 16)
    plt.date_form("Y-m-d")
    for attr, label, marker in (("before", "before", "●"), ("after", "after", "○")):
        points = [(d.day.isoformat(), getattr(d, attr)) for d in shown]
        points = [(x, y) for x, y in points if y is not None]
        if points:
            xs, ys = zip(*points, strict=True)
            plt.scatter(list(xs), list(ys), label=label, marker=marker)
    first = min(shown[0].day, last - dt.timedelta(days=6))  # at least a week wide
    plt.xlim(first.isoformat(), (last + dt.timedelta(days=1)).isoformat())
    plt.ylim(0, 10)
    plt.yticks(list(range(0, 11, 2)))
    plt.title(f"Pain 0-10, last {min(days, (last - shown[0].day).days + 1)} day(s)")
    return Text.from_ansi(plt.build())


def progress_line(p: Any, log: Any) -> Text:
    """One line after a session: this session's relief, and the trend so far."""
    parts = [f"Session {p.sessions}"]
    if log.pain_before is not None and log.pain_after is not None:
        parts.append(f"pain {log.pain_before} → {log.pain_after}")
    if p.baseline_pain is not None and p.last_week_pain is not None and p.sessions > 1:
        parts.append(
            f"recently {_plain(p.last_week_pain)} against a baseline of "
            f"{_plain(p.baseline_pain)} ({_signed(p.change_points)})"
        )
    line = Text(" · ".join(parts), style="bold")
    for f in p.flags:
        line.append(f"\n{f.title}: {f.advice}", style="yellow")
    return line


def stop_advice(reason: str, advice: str) -> RenderableType:
    from rich.panel import Panel

    title = {"dizziness": "You stopped because of dizziness"}.get(
        reason, f"You stopped: {reason.replace('_', ' ')}"
    )
    return Panel(Text(advice), title=Text(title, style="bold yellow"), border_style="yellow")
