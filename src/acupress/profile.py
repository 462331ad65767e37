"""The user's profile (thumb width, preferred session length, partner mode) and today's
safety answers, kept as small JSON files in the user's data directory.

These files are read by every command, so they are plain JSON checked field by field
here rather than through the content validator."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from acupress import files, paths
from acupress.errors import AcupressError

THUMB_CM_RANGE = (1.0, 4.0)
MINUTES_RANGE = (1, 240)


@dataclass(frozen=True, kw_only=True)
class Profile:
    """A person's settings and what their last safety check found."""

    thumb_cm: float | None = None
    minutes: int | None = None
    partner: bool = False
    sound: bool = True  # the web session's tone at each change
    speech: bool = False  # and its spoken words
    vibrate: bool = False  # and a vibration, on a phone that can
    conditions: tuple[str, ...] = ()  # the safety rules the last check matched
    checked_on: str | None = None  # the day of that check (ISO date)

    @classmethod
    def from_json(cls, data: Any) -> Profile:
        """Check every field; raises ValueError naming the first bad one."""
        if not isinstance(data, dict):
            raise ValueError("expected a JSON object")
        known = {
            "thumb_cm",
            "minutes",
            "partner",
            "sound",
            "speech",
            "vibrate",
            "conditions",
            "checked_on",
        }
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown field '{sorted(unknown)[0]}'")
        thumb, minutes, partner = data.get("thumb_cm"), data.get("minutes"), data.get("partner")
        if thumb is not None and (
            isinstance(thumb, bool)
            or not isinstance(thumb, int | float)
            or not THUMB_CM_RANGE[0] <= thumb <= THUMB_CM_RANGE[1]
        ):
            raise ValueError(f"thumb_cm must be a number of cm from 1 to 4, not {as_json(thumb)}")
        if minutes is not None and (
            isinstance(minutes, bool)
            or not isinstance(minutes, int)
            or not MINUTES_RANGE[0] <= minutes <= MINUTES_RANGE[1]
        ):
            raise ValueError(
                f"minutes must be a whole number from 1 to 240, not {as_json(minutes)}"
            )
        for name in ("partner", "sound", "speech", "vibrate"):
            if data.get(name) is not None and not isinstance(data[name], bool):
                raise ValueError(f"{name} must be true or false, not {as_json(data[name])}")
        conditions = data.get("conditions", [])
        if not isinstance(conditions, list) or not all(isinstance(c, str) for c in conditions):
            raise ValueError(f"conditions must be a list of names, not {as_json(conditions)}")
        checked_on = data.get("checked_on")
        if checked_on is not None:
            try:
                dt.date.fromisoformat(checked_on)
            except (TypeError, ValueError):
                raise ValueError(f"checked_on must be a date, not {as_json(checked_on)}") from None
        return cls(
            thumb_cm=None if thumb is None else float(thumb),
            minutes=minutes,
            partner=bool(partner),
            sound=data.get("sound") is not False,
            speech=data.get("speech") is True,
            vibrate=data.get("vibrate") is True,
            conditions=tuple(conditions),
            checked_on=checked_on,
        )


def as_json(value: Any) -> str:
    """A value as the JSON file says it (true, null, "text"), shortened when long."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def check_thumb_cm(thumb_cm: float) -> float:
    low, high = THUMB_CM_RANGE
    if not low <= thumb_cm <= high:
        raise AcupressError(
            f"A thumb width of {thumb_cm:g} cm is not plausible; measure across the middle "
            f"joint of your thumb (usually {low:g}-{high:g} cm)."
        )
    return thumb_cm


def _read(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise paths.unusable(paths.home(), "Not a directory") from None
    except OSError as e:
        raise AcupressError(f"Cannot read {path} ({e.strerror}); fix it or delete it.") from None
    except UnicodeDecodeError as e:
        raise AcupressError(f"Cannot read {path} ({e}); fix it or delete it.") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise damaged(path, str(e)) from None


def damaged(path: Path, problem: str) -> AcupressError:
    return AcupressError(f"{path} is damaged ({problem}); fix it or delete it to start again.")


def _write(path: Path, value: Any) -> None:
    """Replace the file whole, readable only by the owner (see ``files.write_atomic``)."""
    paths.data_dir()
    files.write_atomic(path, json.dumps(value, indent=2, ensure_ascii=False).encode("utf-8"))


@contextmanager
def _changing() -> Iterator[None]:
    """One change to the profile at a time, among the web app's threads and every
    process: a read, change and save holds it throughout, so no change is lost."""
    with files.locked(paths.data_dir() / "profile.lock"):
        yield


def profile_path() -> Path:
    return paths.home() / "profile.json"


def check_path() -> Path:
    return paths.home() / "check.json"


def load() -> Profile:
    path = profile_path()
    data = _read(path)
    if data is None:
        return Profile()
    try:
        return Profile.from_json(data)
    except ValueError as e:
        raise damaged(path, str(e)) from None


def save(profile: Profile) -> None:
    with _changing():
        _write(profile_path(), asdict(profile))


def update(change: Callable[[Profile], Profile]) -> Profile:
    """Read the profile, change it and save it as one step; returns the profile saved."""
    with _changing():
        changed = change(load())
        _write(profile_path(), asdict(changed))
    return changed


def save_check(
    answers: dict[str, Any], today: dt.date, conditions: tuple[str, ...] | None = None
) -> None:
    """Keep today's answers (for the rest of the day) and, when given, the conditions the
    check found in the profile (they change the sessions: pregnancy, blood thinners, …)."""
    with _changing():
        _write(check_path(), {"date": today.isoformat(), "answers": answers})
        if conditions is not None:
            checked = replace(load(), conditions=conditions, checked_on=today.isoformat())
            _write(profile_path(), asdict(checked))


def todays_answers(today: dt.date) -> dict[str, Any] | None:
    """The answers saved today, or None if the check has not been done today."""
    path = check_path()
    saved = _read(path)
    if saved is None:
        return None
    if not isinstance(saved, dict) or not isinstance(saved.get("answers"), dict):
        raise damaged(path, "expected a date and answers")
    return saved["answers"] if saved.get("date") == today.isoformat() else None
