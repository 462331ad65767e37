"""--json output is written by the standard library's json (msgspec is not imported for
it), exactly as msgspec wrote it: the same indentation, the same text, the same fields
of a record (a content field left at its default by its file stays out), and msgspec's
own numbers where json would write an exponent."""

from __future__ import annotations

import dataclasses

import msgspec
import pytest

from acupress import atlas, protocol
from acupress.cli import emit_json


def as_msgspec_wrote_it(value: object) -> str:
    return msgspec.json.format(msgspec.json.encode(value), indent=2).decode() + "\n"


@dataclasses.dataclass(frozen=True)
class Inner:
    when: str
    numbers: tuple[float, ...] = ()


@dataclasses.dataclass(frozen=True)
class Outer:
    name: str
    inner: Inner
    items: list[Inner]
    empty: dict[str, int]


PLAN = protocol.plan(
    protocol.load_file(protocol.BUILTIN / "low-back.toml", atlas.default()), atlas.default(), 20
)
VALUES = [
    PLAN,
    [atlas.point_json(p, 2.1) for p in atlas.default().points],
    [atlas.point_json(p, None) for p in atlas.default().points],
    {"text": 'tab\tnew line\nquote " backslash \\ bell \x07 é 痛 \u2028', "none": None},
    {"floats": [0.5, 2.1, -33.3, 1e-05, 1e16, 12345678.9, 0.0], "flags": [True, False]},
    Outer(
        name="x", inner=Inner(when="2026-03-01"), items=[Inner(when="a", numbers=(1.5,))], empty={}
    ),
    [],
    {},
]


@pytest.mark.parametrize("value", VALUES)
def test_json_is_written_as_msgspec_wrote_it(
    value: object, capsys: pytest.CaptureFixture[str]
) -> None:
    emit_json(value)
    assert capsys.readouterr().out == as_msgspec_wrote_it(value)


def test_a_point_leaves_out_the_fields_its_file_leaves_out() -> None:
    knee = atlas.point_json(atlas.default().get("BL40"), None)
    assert knee["anchor"] == {"kind": "popliteal"}
    assert "personal" not in knee
