"""Restoring a JSON export into the journal: refused in one sentence (nothing kept) when
it cannot be an acupress export."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from acupress import actions
from acupress.errors import AcupressError

if TYPE_CHECKING:
    from acupress.app import App


def import_file(file: IO[bytes], name: str, restore_profile: bool, app: App) -> actions.Imported:
    """Restore a JSON export into the journal of ``app``'s person, refusing whole a file
    nested too deeply to be one."""
    try:
        return actions.import_journal(file, name, restore_profile, app)
    except RecursionError:
        raise AcupressError(
            f"{name} cannot be imported: it is nested too deeply to be an acupress export; "
            "nothing was imported."
        ) from None
