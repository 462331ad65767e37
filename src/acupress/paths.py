"""Where acupress keeps the user's files: ``ACUPRESS_HOME`` or the platform's data directory."""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    env = os.environ.get("ACUPRESS_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("acupress", appauthor=False))


def protocols_dir() -> Path:
    """A practitioner's own protocol files, loaded beside the built-in ones."""
    return home() / "protocols"
