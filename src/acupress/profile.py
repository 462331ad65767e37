"""The user's profile (thumb width, preferred session length, partner mode) and today's
safety answers, kept as small JSON files in the user's data directory."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import msgspec

from acupress import paths
from acupress.errors import AcupressError


class Profile(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    thumb_cm: float | None = None
    minutes: int | None = None
    partner: bool = False


class SavedCheck(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The answers given on a day, so a plan or session later that day can reuse them."""

    date: dt.date
    answers: dict[str, Any]


def _read(path: Path, type_: type[Any]) -> Any:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise AcupressError(f"Cannot read {path} ({e.strerror}).") from None
    try:
        return msgspec.json.decode(data, type=type_)
    except msgspec.DecodeError as e:
        raise AcupressError(
            f"{path} is damaged ({e}); fix it or delete it to start again."
        ) from None


def _write(path: Path, value: Any) -> None:
    """Write atomically (temporary file, then rename), readable only by the owner."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(msgspec.json.format(msgspec.json.encode(value)))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        raise AcupressError(f"Cannot write {path} ({e.strerror}).") from None


def profile_path() -> Path:
    return paths.home() / "profile.json"


def check_path() -> Path:
    return paths.home() / "check.json"


def load() -> Profile:
    found: Profile | None = _read(profile_path(), Profile)
    return found or Profile()


def save(profile: Profile) -> None:
    _write(profile_path(), profile)


def save_check(answers: dict[str, Any], today: dt.date) -> None:
    _write(check_path(), SavedCheck(today, answers))


def todays_answers(today: dt.date) -> dict[str, Any] | None:
    """The answers saved today, or None if the check has not been done today."""
    saved: SavedCheck | None = _read(check_path(), SavedCheck)
    return saved.answers if saved and saved.date == today else None
