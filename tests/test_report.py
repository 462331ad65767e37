"""The one-page progress report for a clinician, and the pain charts it carries."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from acupress import actions, progress
from acupress.app import App
from acupress.charts.pain import pain_chart, weekly_chart
from acupress.docs import report
from acupress.journal import Journal
from acupress.records import SessionLog, StepLog
from tests.conftest import Result

SVG = "{http://www.w3.org/2000/svg}"
TZ = dt.timezone(dt.timedelta(hours=1))
TODAY = dt.date(2026, 3, 31)
NOW = dt.datetime(2026, 3, 31, 18, 0, tzinfo=TZ)


def journal(
    days: int, before: Callable[[int], int], after: Callable[[int], int]
) -> list[SessionLog]:
    logs = []
    for n in range(days):
        day = TODAY - dt.timedelta(days=days - 1 - n)
        logs.append(
            SessionLog(
                id=n + 1,
                started_at=dt.datetime.combine(day, dt.time(7, 30), TZ),
                day=day,
                protocol="low-back",
                source="manual",
                pain_before=before(n),
                pain_after=after(n),
                points=("BL23", "KI3"),
                seconds=1200,
                complete=True,
            )
        )
    return logs


def build(logs: list[SessionLog]) -> report.Report:
    return report.build(logs, progress.analyse(logs, TODAY, progress.default_rules()), NOW)


def test_the_pain_chart_is_accessible_and_plots_every_day() -> None:
    logs = journal(10, lambda n: 7 - n // 3, lambda n: 5 - n // 3)
    series = progress.analyse(logs, TODAY, progress.default_rules()).series
    root = ET.fromstring(pain_chart(series))
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title") is not None
    desc = root.find(f"{SVG}desc")
    assert desc is not None and "from 7 to 4" in (desc.text or "")
    layers = {g.get("data-label"): g for g in root.iter(f"{SVG}g")}
    assert len(layers["before"].findall(f"{SVG}circle")) == 10
    # after is dashed with hollow markers: not told apart by colour alone
    path = layers["after"].find(f"{SVG}path")
    assert path is not None and path.get("stroke-dasharray")
    assert {c.get("fill") for c in layers["after"].findall(f"{SVG}circle")} == {"#ffffff"}


def test_a_lower_score_is_drawn_lower() -> None:
    logs = journal(2, lambda n: 8 if n == 0 else 2, lambda n: 2)
    series = progress.analyse(logs, TODAY, progress.default_rules()).series
    root = ET.fromstring(pain_chart(series))
    before = next(g for g in root.iter(f"{SVG}g") if g.get("data-label") == "before")
    ys = [float(c.get("cy") or 0) for c in before.findall(f"{SVG}circle")]
    assert ys[0] < ys[1]  # SVG y grows downwards: pain 8 sits above pain 2


def test_weekly_chart_counts_sessions_per_week() -> None:
    logs = journal(14, lambda n: 5, lambda n: 4)  # two full weeks, Wed to Tue
    series = progress.analyse(logs, TODAY, progress.default_rules()).series
    desc = ET.fromstring(weekly_chart(series)).find(f"{SVG}desc")
    assert desc is not None
    counts = [int(part.rsplit(": ", 1)[1].rstrip(".")) for part in (desc.text or "").split("; ")]
    assert sum(counts) == 14 and max(counts) == 7


@pytest.mark.parametrize("width", [360.0, 640.0])
@pytest.mark.parametrize("days", [7, 60, 180, 400])
def test_the_weeks_dates_never_run_into_each_other(width: float, days: int) -> None:
    logs = journal(days, lambda n: 5, lambda n: 4)
    series = progress.analyse(logs, TODAY, progress.default_rules()).series
    root = ET.fromstring(weekly_chart(series, width=width))
    dates = [
        t for t in root.iter(f"{SVG}text") if (t.text or "")[:2].isdigit() and " " in (t.text or "")
    ]
    xs = [float(t.get("x") or 0) for t in dates]
    assert dates and xs == sorted(xs)
    assert all(b - a >= 40 for a, b in itertools.pairwise(xs))  # "26 Jan" at 10 px
    assert len(dates) >= min(4, days // 7)  # and still enough of them to read the weeks


def test_html_report_shows_figures_flags_and_what_was_done() -> None:
    logs = journal(7, lambda n: 6, lambda n: 7 if n == 6 else 5)
    html = report.render_html(build(logs))
    assert "progress report" in html
    assert "pain_increased_after_session" in html and "no_rest_day" in html
    assert html.count("<svg") == 2 and "Pain before and after sessions" in html
    assert "BL23 in 7" in html and "KI3 in 7" in html
    assert "0-10 numeric rating scale" in html


def test_pdf_report_is_one_page_even_for_a_year_of_sessions() -> None:
    logs = journal(365, lambda n: 7 - n // 60, lambda n: 5 - n // 90)
    pdf = PdfReader(io.BytesIO(report.render_pdf(report.render_html(build(logs)))))
    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text()
    assert "progress report" in text and "meaningful_improvement" in text


def test_report_command_writes_html_and_pdf(run: Callable[..., Result], tmp_path: Path) -> None:
    with Journal() as db:
        db.add_many(journal(5, lambda n: 6, lambda n: 4))
    out = tmp_path / "report.pdf"
    r = run("report", "--out", str(out))
    assert r.code == 0, r.err
    assert len(PdfReader(out).pages) == 1
    html = tmp_path / "report.html"
    assert run("report", "--out", str(html), "--from", "2026-03-29").code == 0
    assert "3 on 3 days" in html.read_text()


@pytest.mark.parametrize("name", ["report.txt", "report"])
def test_report_needs_a_pdf_or_html_file(
    run: Callable[..., Result], tmp_path: Path, name: str
) -> None:
    r = run("report", "--out", str(tmp_path / name))
    assert r.code == 2 and "use a .pdf or .html file" in r.err
    assert not (tmp_path / name).exists()


def test_a_session_with_every_point_skipped_is_not_counted_in_the_report() -> None:
    done = journal(3, lambda n: 6, lambda n: 4)
    skipped = replace(done[-1], id=9, source="guided", points=(), pain_after=9, complete=False)
    r = build([*done, skipped])
    assert (r.progress.sessions, r.guided, r.by_hand, r.completed) == (3, 0, 3, 3)
    assert (r.increased_after, r.stopped) == (0, ())


def guided_with_steps(n: int, pressures: str, skipped: str = "") -> SessionLog:
    """A guided session on day ``n`` whose steps were pressed at ``pressures`` (l, m, f,
    or - for a step without one), those marked x in ``skipped`` skipped."""
    start = dt.datetime.combine(TODAY - dt.timedelta(days=20 - n), dt.time(7, 30), TZ)
    steps = tuple(
        StepLog(
            position=i,
            step=i + 1,
            step_id=f"s{i}",
            point="BL23" if p != "-" else None,
            side="both" if p != "-" else None,
            pressure={"l": "light", "m": "moderate", "f": "firm"}.get(p),
            planned_seconds=60,
            seconds=60.0,
            skipped=skipped[i : i + 1] == "x",
            completed_at=start + dt.timedelta(minutes=i + 1),
        )
        for i, p in enumerate(pressures)
    )
    return SessionLog(
        id=None,
        started_at=start,
        day=start.date(),
        protocol="low-back",
        source="guided",
        pain_before=6,
        pain_after=4 if n % 3 else 7,
        steps=steps,
        ended_at=start + dt.timedelta(minutes=20),
        complete=n % 4 != 0,
        stop_reason=None if n % 4 else "no_time",
    )


def test_the_report_from_the_journal_says_what_it_said_reading_every_step(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    """Pressures are counted in the journal, and only the newest session with an outcome
    is read with its steps: the report is the same as from every step, ties in the
    counts in the same order."""
    with Journal() as db:
        db.add_many(
            [
                guided_with_steps(0, "-mml", skipped="..x."),
                guided_with_steps(1, "lfm-"),
                guided_with_steps(2, "ffl", skipped="x.."),
                guided_with_steps(3, "-"),
                *journal(3, lambda n: 5, lambda n: 3),
                guided_with_steps(5, "mlfl", skipped="...x"),
            ]
        )
        every_step = db.sessions(with_steps=True)
    result = progress.analyse(every_step, TODAY, progress.default_rules())
    expected = report.build(every_step, result, NOW)
    assert expected.pressures == (("light", 4), ("moderate", 3), ("firm", 3))
    html, count = actions.report_html(None, TODAY, App(now=lambda: NOW))
    assert count == len(every_step)
    assert html == report.render_html(expected)


def test_a_long_journal_is_plotted_as_weekly_or_monthly_means_and_says_so() -> None:
    weeks = journal(200, lambda n: 7 - n // 50, lambda n: 5 - n // 50)
    series = progress.analyse(weeks, TODAY, progress.default_rules()).series
    root = ET.fromstring(pain_chart(series))
    layers = {g.get("data-label"): g for g in root.iter(f"{SVG}g")}
    mondays = {s.day - dt.timedelta(days=s.day.weekday()) for s in weeks}
    assert len(layers["before"].findall(f"{SVG}circle")) == len(mondays) == 30
    assert any("Weekly means" in (t.text or "") for t in root.iter(f"{SVG}text"))
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    assert "on 200 days with sessions" in (desc.text or "")
    assert "from 7 to 4" in (desc.text or "")  # the days' own scores, first to last
    assert "the mean of a week's days with sessions (30 weeks)" in (desc.text or "")

    years = journal(3 * 365, lambda n: 7, lambda n: 5)
    series = progress.analyse(years, TODAY, progress.default_rules()).series
    root = ET.fromstring(pain_chart(series))
    layers = {g.get("data-label"): g for g in root.iter(f"{SVG}g")}
    months = {(s.day.year, s.day.month) for s in years}
    assert len(layers["after"].findall(f"{SVG}circle")) == len(months) == 36
    assert any("Monthly means" in (t.text or "") for t in root.iter(f"{SVG}text"))
