"""acupress chart, guide and report: a point's chart, the printable guide, and the
progress report for a clinician, each written to the file named with --out."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from acupress import documents, files
from acupress.cli import day_range, pass_app
from acupress.errors import AcupressError
from acupress.options import Command, Number, OneOf, day_range_options, protocol_option

if TYPE_CHECKING:
    from acupress.app import App


@click.command(cls=Command)
@click.argument("code", required=False)
@click.option(
    "--protocol",
    "protocol_name",
    metavar="NAME|PATH",
    help="Chart every point of a protocol, numbered by step.",
)
@click.option("--view", metavar="back|knee|ankle|body", help="Default: the point's own view.")
@click.option("--thumb-cm", type=Number(), help="Your thumb width in cm, for a scale in cm.")
@click.option(
    "--out", "out_path", required=True, metavar="FILE.svg|FILE.png", help="The file to write."
)
@pass_app
def chart(
    app: App,
    code: str | None,
    protocol_name: str | None,
    view: str | None,
    thumb_cm: float | None,
    out_path: str,
) -> None:
    """Draw where a point lies (or all of a protocol's): acupress chart BL23 --out bl23.svg.

    \b
    Example:
        acupress chart BL23 --out bl23.png --thumb-cm 2.1
        acupress chart --protocol low-back --out routine.svg
    """
    fmt = files.format_of(out_path, None, {".svg": "svg", ".png": "png"}, option=False)
    if code is None and protocol_name is None:
        raise AcupressError("Give a point code (acupress chart BL23) or --protocol NAME.")
    if code is not None and protocol_name is not None:
        raise AcupressError("Give a point code or --protocol, not both.")
    done = documents.chart_file(
        app, out_path, fmt, code=code, protocol_name=protocol_name, view=view, thumb_cm=thumb_cm
    )
    cm = f", scale in cm for a {done.thumb_cm:g} cm thumb" if done.thumb_cm else ""
    click.echo(f"Wrote {out_path}: {done.subject} ({fmt.upper()}{cm}).")


@click.command(cls=Command)
@protocol_option
@click.option("--format", "fmt", metavar="html|pdf|md", help="Default: from --out.")
@click.option("--thumb-cm", type=Number(), help="Your thumb width in cm, to show distances in cm.")
@click.option(
    "--out",
    "out_path",
    required=True,
    metavar="FILE.html|FILE.pdf|FILE.md",
    help="The file to write (- for stdout).",
)
@pass_app
def guide(
    app: App, protocol_name: str, fmt: str | None, thumb_cm: float | None, out_path: str
) -> None:
    """The whole routine as a printable handout, with its charts (HTML, PDF or Markdown).

    \b
    Example:
        acupress guide --out guide.pdf --thumb-cm 2.1
        acupress guide --out guide.md
    """
    chosen = files.format_of(
        out_path, fmt, {".html": "html", ".htm": "html", ".pdf": "pdf", ".md": "md"}, option=True
    )
    done = documents.guide_file(
        app, out_path, chosen, protocol_name=protocol_name, thumb_cm=thumb_cm
    )
    where = "standard output" if out_path == "-" else out_path
    extra = f", charts in {done.charts}" if done.charts else ""
    click.echo(
        f"Wrote {where}: {done.title}, {done.steps} steps ({chosen.upper()}{extra}).",
        err=out_path == "-",
    )


@click.command(cls=Command)
@click.option(
    "--out",
    "out_path",
    required=True,
    metavar="FILE.pdf|FILE.html",
    help="The file to write (- for stdout).",
)
@click.option("--format", "fmt", type=OneOf("pdf", "html"), help="Default: from --out.")
@day_range_options
@pass_app
def report(app: App, out_path: str, fmt: str | None, since: str | None, until: str | None) -> None:
    """A one-page progress report for a clinician (PDF or HTML).

    \b
    Example:
        acupress report --out report.pdf
        acupress report --out report.html --from 2026-03-01 --to 2026-05-31
    """
    chosen = files.format_of(out_path, fmt, {".pdf": "pdf", ".html": "html"}, option=True)
    first, end = day_range(since, until)
    count = documents.report_file(app, out_path, chosen, first, end)
    click.echo(f"Wrote the progress report ({count} sessions) to {out_path}.", err=out_path == "-")
