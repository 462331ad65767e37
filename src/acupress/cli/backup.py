"""acupress export and import: the journal out as CSV, a JSON backup or FHIR, and a
backup back in."""

from __future__ import annotations

import shutil
import sys
import tempfile
from typing import TYPE_CHECKING, cast

import click

from acupress import actions, files
from acupress.cli import day_range, pass_app
from acupress.errors import AcupressError
from acupress.options import Command, OneOf, day_range_options

if TYPE_CHECKING:
    from acupress.actions import ExportFormat
    from acupress.app import App


@click.command(cls=Command)
@click.option(
    "--format",
    "fmt",
    type=OneOf("csv", "json", "fhir"),
    help="csv (a spreadsheet), json (everything, for import) or fhir (pain scores, FHIR R4).",
)
@click.option(
    "--out", "out_path", required=True, metavar="FILE", help="File to write (- for stdout)."
)
@day_range_options
@pass_app
def export(app: App, fmt: str | None, out_path: str, since: str | None, until: str | None) -> None:
    """Export the journal: CSV, a complete JSON backup, or FHIR Observations.

    \b
    Example:
        acupress export --out journal.csv --from 2026-03-01
        acupress export --out backup.json
        acupress export --format fhir --out -
    """
    from acupress import exports

    chosen = fmt or exports.format_for(out_path)
    if chosen is None:
        raise AcupressError(
            f"Cannot tell the format from '{out_path}': give --format csv, json or fhir."
        )
    first, end = day_range(since, until)
    done = actions.export_journal(
        cast("ExportFormat", chosen),
        first,
        end,
        app,
        write=lambda parts: files.write_output(out_path, parts, private=True),
    )
    where = "standard output" if out_path == "-" else out_path
    click.echo(
        f"Exported {actions.plural(done.sessions, 'session')} to {where} ({done.what}).",
        err=out_path == "-",
    )


@click.command("import", cls=Command)
@click.argument("file", metavar="FILE")
@click.option(
    "--profile", "restore_profile", is_flag=True, help="Replace your profile with the file's."
)
@pass_app
def import_(app: App, file: str, restore_profile: bool) -> None:
    """Restore a JSON export; sessions already in the journal are skipped.

    \b
    Example:
        acupress import backup.json
        acupress import backup.json --profile
    """
    from acupress import restore

    if file == "-":
        # Kept as it comes (on disk past 1 MB), so that it is read a session at a time.
        stdin = getattr(sys.stdin, "buffer", None)
        with tempfile.SpooledTemporaryFile(max_size=1 << 20) as kept:
            if stdin is not None:
                shutil.copyfileobj(stdin, kept)
            else:
                kept.write(sys.stdin.read().encode("utf-8"))
            kept.seek(0)
            done = restore.import_file(kept, file, restore_profile, app)
    else:
        try:
            opened = open(file, "rb")  # noqa: SIM115 (closed below, also when refused)
        except FileNotFoundError:
            raise AcupressError(f"{file} does not exist.") from None
        except OSError as e:
            raise AcupressError(f"Cannot read {file} ({e.strerror}).") from None
        with opened:
            try:
                done = restore.import_file(opened, file, restore_profile, app)
            except OSError as e:  # the file, read as it is restored
                raise AcupressError(f"Cannot read {file} ({e.strerror}).") from None
    click.echo(
        f"Imported {file}: {actions.plural(done.added, 'session')} added, "
        f"{done.present} already in the journal."
    )
    if done.profile == "none_in_file":
        click.echo("The file has no profile; yours is unchanged.")
    elif done.profile == "restored":
        from acupress import profile as profiles

        click.echo(f"Profile restored from the file into {profiles.profile_path()}.")
    else:
        click.echo("Your own profile is kept (give --profile to replace it with the file's).")
