"""Load a TOML content file into validated domain objects, with errors that name
the file, the entry and the field."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from acupress.errors import ContentError

T = TypeVar("T")

_PATH = re.compile(r"^(?P<problem>.*?)(?: - at `(?P<where>\$[^`]*)`)?$", re.DOTALL)
_STEP = re.compile(r"\.(\w+)|\[(\d+)\]")
_ID_KEYS = ("code", "id", "name")


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning I/O and syntax errors into a ContentError."""
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ContentError(f"{path}: file not found.") from None
    except OSError as e:
        raise ContentError(f"{path}: cannot be read ({e.strerror}).") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ContentError(f"{path}: not valid TOML ({e}); fix the syntax.") from None


def load(path: Path, type_: type[T]) -> T:
    """Read ``path`` and convert it to ``type_``, validating every field."""
    return convert(read_toml(path), type_, path)


def convert(raw: dict[str, Any], type_: type[T], path: Path) -> T:
    try:
        return msgspec.convert(raw, type_)
    except msgspec.ValidationError as e:
        raise content_error(path, raw, str(e)) from None


def content_error(path: Path, raw: Any, message: str) -> ContentError:
    """Turn a msgspec message (``Expected `int`, got `str` - at `$.point[1].x```) into ours."""
    m = _PATH.match(message)
    assert m is not None  # the pattern matches any string
    problem = m["problem"].replace("`", "'")
    problem = problem[0].lower() + problem[1:] if problem else problem
    where = m["where"] or "$"
    entry, field = describe(raw, where)
    return located_error(path, entry, field, problem)


def located_error(path: Path, entry: str | None, field: str | None, problem: str) -> ContentError:
    parts = [str(path)]
    if entry:
        parts.append(entry)
    if field:
        parts.append(f"field '{field}'")
    return ContentError(f"{', '.join(parts)}: {problem}.")


def describe(raw: Any, where: str) -> tuple[str | None, str | None]:
    """Turn a path like ``$.step[2].tips[0]`` into ('step 3 (prepare)', 'tips')."""
    steps = _STEP.findall(where)
    node: Any = raw
    entry: str | None = None
    field: str | None = None
    last_key: str | None = None
    for key, index in steps:
        if key:
            if entry is not None and field is None:
                field = key
            elif entry is None:
                last_key = key
                field = key
            node = node.get(key) if isinstance(node, dict) else None
        else:
            i = int(index)
            item = node[i] if isinstance(node, list) and i < len(node) else None
            if entry is None and last_key is not None:
                entry = entry_label(last_key, i, item)
                field = None
            node = item
    return entry, field


def entry_label(table: str, index: int, item: Any) -> str:
    label = f"{table} #{index + 1}"
    if isinstance(item, dict):
        for k in _ID_KEYS:
            if isinstance(item.get(k), str):
                return f"{table} {item[k]} (#{index + 1})"
    return label
