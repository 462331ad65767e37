"""Where acupress keeps the user's files: the ``home`` setting (``ACUPRESS_HOME``) or the
platform's data directory."""

from __future__ import annotations

import os
from pathlib import Path

from acupress import settings
from acupress.errors import AcupressError


def home() -> Path:
    given = settings.given("home")
    if given:
        return Path(given).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("acupress", appauthor=False))


def protocols_dir() -> Path:
    """A practitioner's own protocol files, loaded beside the built-in ones."""
    return home() / "protocols"


def data_dir() -> Path:
    """The data directory, created readable only by its owner whatever the umask when it
    is missing (its missing parents as the umask says); an existing one is left as it
    is. Every file acupress keeps there is written through this."""
    folder = home()
    try:
        folder.mkdir(mode=0o700, parents=True)
        os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask
    except FileExistsError:
        if not folder.is_dir():
            raise unusable(folder, "File exists") from None
    except OSError as e:
        raise unusable(folder, e.strerror or str(e)) from None
    return folder


def unusable(folder: Path, problem: str) -> AcupressError:
    """Why the data directory ``folder`` cannot be created, in one sentence."""
    advice = "set ACUPRESS_HOME to a folder you can write to"
    blocker = next((p for p in (folder, *folder.parents) if p.exists() or p.is_symlink()), None)
    if blocker == folder:
        return AcupressError(f"The data directory {folder} is not a folder ({advice}).")
    if blocker is not None and not blocker.is_dir():
        return AcupressError(
            f"Cannot create the data directory {folder}: {blocker} is not a folder ({advice})."
        )
    return AcupressError(f"Cannot create the data directory {folder} ({problem}; {advice}).")
