"""The documents a person takes away, written to the file they name (or standard output
for '-'): a chart of where the points lie, the printable guide and the progress report
for a clinician. The web app serves the same documents from ``actions``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from acupress import actions, files

if TYPE_CHECKING:
    from acupress.app import App


def report_file(app: App, out: str, fmt: str, since: dt.date | None, until: dt.date | None) -> int:
    """Write the progress report (``fmt``: pdf or html) to the file ``out`` names, or
    standard output for '-'; returns how many sessions it covers."""
    html, count = actions.report_html(since, until, app)
    data = actions.to_pdf(html) if fmt == "pdf" else html.encode("utf-8")
    files.write_output(out, data, private=True)
    return count


@dataclass(frozen=True, kw_only=True)
class Chart:
    data: bytes  # SVG, or PNG
    subject: str  # e.g. "BL23 Shenshu, back"
    thumb_cm: float | None  # the thumb width of its scale in cm


def chart(
    app: App,
    fmt: str,
    *,
    code: str | None,
    protocol_name: str | None,
    view: str | None,
    thumb_cm: float | None,
) -> Chart:
    """A chart of where the point ``code`` lies, or of every point of a protocol,
    numbered by step; as SVG, or as PNG (``fmt``)."""
    from acupress import charts

    thumb = app.thumb_cm(thumb_cm)
    if view is not None:
        charts.get_view(view)  # an unknown view is an error before anything is drawn
    if code is not None:
        point = app.atlas.get(code)
        name = charts.get_view(view or charts.default_view(point)).title.lower()
        subject = f"{point.code} {point.pinyin}, {name}"
        drawing = charts.point_chart(point, app.atlas, view, thumb)
    else:
        chosen = app.protocol(str(protocol_name))
        subject = f"the points of {chosen.name}, {charts.get_view(view or 'body').title.lower()}"
        drawing = charts.protocol_chart(chosen, app.atlas, view or "body", thumb)
    data = drawing.encode("utf-8")
    if fmt == "png":
        import cairosvg

        data = cairosvg.svg2png(bytestring=data, scale=2)
    return Chart(data=data, subject=subject, thumb_cm=thumb)


def chart_file(
    app: App,
    out: str,
    fmt: str,
    *,
    code: str | None,
    protocol_name: str | None,
    view: str | None,
    thumb_cm: float | None,
) -> Chart:
    """Draw a chart (see ``chart``) into the file ``out`` names."""
    drawn = chart(app, fmt, code=code, protocol_name=protocol_name, view=view, thumb_cm=thumb_cm)
    files.write_output(out, drawn.data)
    return drawn


@dataclass(frozen=True, kw_only=True)
class Guide:
    title: str
    steps: int  # numbered steps of the routine
    charts: Path | None  # the folder of a Markdown guide's charts


def guide_file(
    app: App, out: str, fmt: str, *, protocol_name: str, thumb_cm: float | None
) -> Guide:
    """Write the printable guide of a protocol (``fmt``: html, pdf or md) to the file
    ``out`` names, or standard output for '-'. A Markdown guide links its charts, written
    as SVG files in a folder beside it (``guide-charts`` for ``guide.md``)."""
    from acupress import equipment
    from acupress.docs import guide as guides

    chosen = app.protocol(protocol_name)
    thumb = app.thumb_cm(thumb_cm)
    handout = guides.build(chosen, app.atlas, app.screening, equipment.default(), thumb)
    folder = None
    if fmt == "md":
        links: dict[str, str] = {}
        if out != "-":
            folder = files.folder_beside(out, "-charts")
            drawings = {"overview": handout.overview}
            drawings |= {s.id: s.chart for s in handout.steps if s.chart}
            for key, drawing in drawings.items():
                files.write_output(str(folder / f"{key}.svg"), drawing.encode("utf-8"))
                links[key] = f"{folder.name}/{key}.svg"
        data = guides.render_markdown(handout, links).encode("utf-8")
    else:
        html = guides.render_html(handout)
        data = guides.render_pdf(html) if fmt == "pdf" else html.encode("utf-8")
    files.write_output(out, data)
    steps = len({s.number for s in handout.steps})
    return Guide(title=handout.title, steps=steps, charts=folder)
