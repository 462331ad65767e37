"""Where acupress keeps the user's files: the ``home`` setting (``ACUPRESS_HOME``) or the
platform's data directory."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Literal

from acupress import settings
from acupress.errors import AcupressError


def home() -> Path:
    given = settings.given("home")
    if given:
        return Path(given).expanduser()
    return platform_dir("data")


def journal_file() -> Path:
    """The single-person journal's file (unless a database is set)."""
    return home() / "journal.db"


def platform_dir(kind: Literal["data", "cache"]) -> Path:
    """The platform's user data or cache directory for acupress, as platformdirs finds
    it. On Linux, in the usual case (an absolute HOME, and an XDG variable either unset
    or absolute), it is worked out here as platformdirs does it there, which saves every
    command importing it."""
    variable, below = XDG[kind]
    xdg = os.environ.get(variable, "")
    home = os.environ.get("HOME", "")
    usual = sys.platform == "linux" and "ANDROID_DATA" not in os.environ
    if usual and os.path.isabs(xdg):
        return Path(xdg, "acupress")
    if usual and not xdg and os.path.isabs(home):
        return Path(os.path.expanduser(below), "acupress")
    import platformdirs

    if kind == "cache":
        return Path(platformdirs.user_cache_dir("acupress", appauthor=False))
    return Path(platformdirs.user_data_dir("acupress", appauthor=False))


XDG = {"data": ("XDG_DATA_HOME", "~/.local/share"), "cache": ("XDG_CACHE_HOME", "~/.cache")}


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
