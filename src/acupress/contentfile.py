"""Load a TOML content file into validated domain objects, with errors that name the
file, the entry and the field.

Validation (msgspec) runs when a file is new or changed; the validated objects are then
kept in the user's cache directory, keyed by the file's size and modification time, so
that everyday commands start without parsing TOML or importing the validator.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import re
import sys
import types
import typing
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from acupress import __version__
from acupress.errors import AcupressError, ContentError

T = TypeVar("T")

# Patterns for error messages only: compiled (and cached by re) when one is made.
_PATH = r"^(?P<problem>.*?)(?: - at `(?P<where>\$[^`]*)`)?$"
_STEP = r"\.(\w+)|\[(\d+)\]"
_ID_KEYS = ("code", "id", "name")


def load(
    path: Path,
    type_: type[T],
    check: Callable[[T, Path], None] | None = None,
    depends: tuple[Path, ...] = (),
) -> T:
    """The validated content of ``path`` as ``type_``: from the cache when the file (and the
    files its ``check`` reads, ``depends``) are unchanged, else parsed, converted, checked
    and cached."""
    key = _cache_key(path, type_, depends)
    cached = _cache_read(key, type_)
    if cached is not None:
        return cached
    value = convert(read_toml(path), type_, path)
    if check is not None:
        check(value, path)
    _cache_write(key, value)
    return value


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning I/O and syntax errors into a ContentError."""
    import tomllib

    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ContentError(f"{path}: file not found.") from None
    except OSError as e:
        raise ContentError(f"{path}: cannot be read ({e.strerror}).") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ContentError(f"{path}: not valid TOML ({e}); fix the syntax.") from None


def convert(raw: dict[str, Any], type_: type[T], path: Path) -> T:
    """Validate ``raw`` into ``type_``: types, choices, required and unknown fields."""
    import msgspec

    try:
        value = msgspec.convert(raw, type_)
    except msgspec.ValidationError as e:
        raise content_error(path, raw, str(e)) from None
    unknown = unknown_field(raw, type_, "$")
    if unknown:
        where, name = unknown
        raise content_error(path, raw, f"Object contains unknown field `{name}` - at `{where}`")
    return value


def unknown_field(raw: Any, tp: Any, where: str) -> tuple[str, str] | None:
    """The first key in ``raw`` that ``tp`` has no field for, as (path, key); a misspelt
    field must not be dropped silently."""
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp) and isinstance(raw, dict):
        hints = typing.get_type_hints(tp)
        names = {f.name for f in dataclasses.fields(tp)}
        for key in raw:
            if key not in names:
                return where, key
        for name in names & raw.keys():
            found = unknown_field(raw[name], hints[name], f"{where}.{name}")
            if found:
                return found
    elif origin in (tuple, list) and isinstance(raw, list):
        item = typing.get_args(tp)[0]
        for i, value in enumerate(raw):
            found = unknown_field(value, item, f"{where}[{i}]")
            if found:
                return found
    elif origin is dict and isinstance(raw, dict):
        item = typing.get_args(tp)[1]
        for key, value in raw.items():
            found = unknown_field(value, item, f"{where}.{key}")
            if found:
                return found
    elif origin in (typing.Union, types.UnionType):
        for option in typing.get_args(tp):
            if dataclasses.is_dataclass(option):
                return unknown_field(raw, option, where)
    return None


# --- errors ---------------------------------------------------------------------------


def content_error(path: Path, raw: Any, message: str) -> ContentError:
    """Turn a msgspec message (``Expected `int`, got `str` - at `$.point[1].x```) into ours."""
    m = re.match(_PATH, message, re.DOTALL)
    assert m is not None  # the pattern matches any string
    problem = m["problem"].replace("`", "'")
    problem = problem[0].lower() + problem[1:] if problem else problem
    entry, field = describe(raw, m["where"] or "$")
    return located_error(path, entry, field, problem)


def located_error(path: Path, entry: str | None, field: str | None, problem: str) -> ContentError:
    parts = [str(path)]
    if entry:
        parts.append(entry)
    if field:
        parts.append(f"field '{field}'")
    return ContentError(f"{', '.join(parts)}: {problem}.")


def describe(raw: Any, where: str) -> tuple[str | None, str | None]:
    """Turn a path like ``$.step[2].tips[0]`` into ('step prepare (#3)', 'tips')."""
    node: Any = raw
    entry: str | None = None
    field: str | None = None
    table: str | None = None
    for key, index in re.findall(_STEP, where):
        if key:
            if entry is not None and field is None:
                field = key
            elif entry is None:
                table = field = key
            node = node.get(key) if isinstance(node, dict) else None
        else:
            i = int(index)
            item = node[i] if isinstance(node, list) and i < len(node) else None
            if entry is None and table is not None:
                entry, field = entry_label(table, i, item), None
            node = item
    return entry, field


def entry_label(table: str, index: int, item: Any) -> str:
    if isinstance(item, dict):
        for k in _ID_KEYS:
            if isinstance(item.get(k), str):
                return f"{table} {item[k]} (#{index + 1})"
    return f"{table} #{index + 1}"


# --- the cache of validated content ---------------------------------------------------


def cache_dir() -> Path:
    from acupress import paths

    return paths.platform_dir("cache") / "content"


def _cache_key(path: Path, type_: type[Any], depends: tuple[Path, ...]) -> tuple[Any, ...] | None:
    """What must be unchanged for a cached value to be valid: the file, the files its
    check reads, and the code that defines its type (an upgrade or an edit of the models)."""
    try:
        source = str(path.resolve())
        files = (source, *map(str, depends), sys.modules[type_.__module__].__file__ or "")
        stamps = tuple((st.st_size, st.st_mtime_ns) for st in map(os.stat, files))
    except (OSError, KeyError):
        return None
    return (__version__, source, type_.__qualname__, stamps)


def _cache_file(key: tuple[Any, ...]) -> Path:
    source = Path(key[1])
    return cache_dir() / f"{source.stem}-{zlib.crc32(key[1].encode()):08x}.pickle"


def _cache_read(key: tuple[Any, ...] | None, type_: type[T]) -> T | None:
    if key is None:
        return None
    try:
        with _cache_file(key).open("rb") as f:
            stored_key, value = pickle.load(f)
    except Exception:  # a missing, stale or damaged cache is rebuilt from the source
        return None
    return value if stored_key == key and isinstance(value, type_) else None


def _cache_write(key: tuple[Any, ...] | None, value: Any) -> None:
    if key is None:
        return
    from acupress import files

    target = _cache_file(key)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        data = pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL)
        files.write_atomic(target, data, 0o600)
    except (OSError, AcupressError):
        pass  # no cache (read-only home): content is validated on every run instead
