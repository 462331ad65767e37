"""The point atlas: points with their WHO standard locations, loaded and validated from
``content/points.toml``, looked up by code, and personalised to the user's finger-cun."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, is_dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal

from acupress import contentfile
from acupress.errors import NotFound

CONTENT = Path(__file__).parent / "content"

Pressure = Literal["light", "moderate", "firm"]
PRESSURES: tuple[Pressure, ...] = ("light", "moderate", "firm")
# Content records are dataclasses without a generated repr: nobody reads one, and
# generating it is the larger part of defining the class, paid at every start-up.
Sides = Literal["one_side_then_other", "both_together", "midline"]
VERTEBRAE = (
    *(f"T{i}" for i in range(1, 13)),
    *(f"L{i}" for i in range(1, 6)),
    *(f"S{i}" for i in range(1, 5)),
)


@dataclass(frozen=True, kw_only=True, repr=False)
class Anchor:
    """Where a point lies, as data: a vertebral level and B-cun from the midline, or a landmark."""

    kind: Literal["vertebral", "popliteal", "ankle"]
    vertebra: str | None = None
    lateral_cun: float = 0.0


@dataclass(frozen=True, kw_only=True, repr=False)
class Point:
    """An acupressure point: its WHO location, how to find and press it, its cautions."""

    code: str
    pinyin: str
    hanzi: str
    english: str
    meridian: str
    region: str
    location: str
    anchor: Anchor
    how_to_find: tuple[str, ...]
    technique: str
    default_seconds: int
    sides: Sides
    max_pressure: Pressure
    cautions: tuple[str, ...] = ()
    avoid_in_pregnancy: bool = False
    guide_differs: str = ""
    traditional_use: str = ""

    @property
    def bilateral(self) -> bool:
        return self.sides != "midline"


@dataclass(frozen=True, kw_only=True, repr=False)
class Measure:
    """A finger measure: how many cun a finger width stands for."""

    name: str
    cun: float
    how: str


@dataclass(frozen=True, kw_only=True, repr=False)
class Atlas:
    """The points of the routine, and the finger measures that find them."""

    point: tuple[Point, ...]
    measure: tuple[Measure, ...] = ()
    source_file: str = ""  # set on load, not read from the file

    @property
    def files(self) -> tuple[Path, ...]:
        """The files this atlas was read from (content checked against it depends on them)."""
        return (Path(self.source_file),) if self.source_file else ()

    @property
    def points(self) -> tuple[Point, ...]:
        return self.point

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.point)

    def get(self, code: str) -> Point:
        """The point with this code (case-insensitive), or an error naming the closest codes."""
        wanted = normalise_code(code)
        for p in self.point:
            if p.code == wanted:
                return p
        raise NotFound(unknown_point_message(code, self.codes))


def normalise_code(code: str) -> str:
    return code.strip().upper().replace(" ", "").replace("-", "")


def unknown_point_message(code: str, known: tuple[str, ...]) -> str:
    close = closest_codes(normalise_code(code), known)
    hint = f"did you mean {' or '.join(close)}?" if close else f"known points: {', '.join(known)}."
    shown = code if len(code) <= 20 else code[:19] + "…"
    return f"Unknown point '{shown}': {hint}"


_CODE = r"([A-Z]+)(\d+)"  # compiled (and cached by re) when a code is not found


def closest_codes(code: str, known: tuple[str, ...]) -> list[str]:
    """Points of the same meridian nearest by number (BL24 → BL23, BL25), else by spelling."""
    m = re.fullmatch(_CODE, code)
    if m:
        matches = (re.fullmatch(_CODE, c) for c in known)
        same = sorted((abs(int(k[2]) - int(m[2])), k[0]) for k in matches if k and k[1] == m[1])
        if same:
            return [c for distance, c in same if distance <= same[0][0] + 1][:3]
    import difflib

    return difflib.get_close_matches(code, known, n=3, cutoff=0.3)


def load(path: Path = CONTENT / "points.toml") -> Atlas:
    """Load and validate the atlas; a bad file raises ContentError naming file, entry, field."""
    return replace(contentfile.load(path, Atlas, check), source_file=str(path))


@cache
def default() -> Atlas:
    return load()


def check(atlas: Atlas, path: Path) -> None:
    """Cross-field rules msgspec cannot express."""
    seen: set[str] = set()
    for i, p in enumerate(atlas.point):
        entry = f"point {p.code} (#{i + 1})"
        if p.code != normalise_code(p.code) or not p.code:
            raise contentfile.located_error(path, entry, "code", "must be upper case, like BL23")
        if p.code in seen:
            raise contentfile.located_error(path, entry, "code", f"{p.code} is defined twice")
        seen.add(p.code)
        if p.default_seconds <= 0:
            raise contentfile.located_error(path, entry, "default_seconds", "must be positive")
        if not p.how_to_find:
            raise contentfile.located_error(path, entry, "how_to_find", "needs at least one step")
        a = p.anchor
        if a.kind == "vertebral":
            if a.vertebra not in VERTEBRAE:
                raise contentfile.located_error(
                    path, entry, "anchor.vertebra", f"'{a.vertebra}' is not a vertebra like L2"
                )
            if not 0 <= a.lateral_cun <= 6:
                raise contentfile.located_error(
                    path, entry, "anchor.lateral_cun", "must be between 0 and 6 cun"
                )
            if (a.lateral_cun == 0) != (p.sides == "midline"):
                raise contentfile.located_error(
                    path, entry, "sides", "a point on the midline (lateral_cun 0) is 'midline'"
                )


# --- finger-cun personalisation -------------------------------------------------------

_CUN = re.compile(r"(\d+(?:\.\d+)?)\s*(B-)?cun\b")


def cun_to_cm(cun: float, thumb_cm: float) -> float:
    """1 finger-cun is the width of the thumb at its middle joint."""
    return cun * thumb_cm


def point_json(point: Point, thumb_cm: float | None) -> dict[str, Any]:
    """A point as JSON; with a thumb width, its distance from the midline in cm too."""
    found: dict[str, Any] = as_loaded(point)
    if thumb_cm is not None:
        lateral = round(cun_to_cm(point.anchor.lateral_cun, thumb_cm), 1)
        found["personal"] = {"thumb_cm": thumb_cm, "lateral_cm": lateral}
    return found


def as_loaded(value: Any) -> Any:
    """Content as plain values: each record with the fields it was loaded with (one the
    file leaves out, at its default, is left out here too), tuples as lists."""
    if is_dataclass(value) and not isinstance(value, type):
        given = vars(value)
        return {f.name: as_loaded(given[f.name]) for f in fields(value) if f.name in given}
    if isinstance(value, tuple | list):
        return [as_loaded(v) for v in value]
    return value


def personalise(text: str, thumb_cm: float | None) -> str:
    """Add '(≈ 3.2 cm for you)' after each distance in cun, when the thumb width is known."""
    if thumb_cm is None:
        return text

    def add_cm(m: re.Match[str]) -> str:
        return f"{m[0]} (≈ {cun_to_cm(float(m[1]), thumb_cm):.1f} cm for you)"

    return _CUN.sub(add_cm, text)
