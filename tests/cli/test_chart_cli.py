"""acupress chart: a point's (or a protocol's) chart written as SVG or PNG."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result

Run = Callable[..., Result]
NS = "{http://www.w3.org/2000/svg}"


def test_chart_of_a_point_as_svg(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "bl23.svg"
    r = run("chart", "bl23", "--out", str(out))
    assert r.code == 0
    assert r.out == f"Wrote {out}: BL23 Shenshu, the lower back, from behind (SVG).\n"
    root = ET.fromstring(out.read_text(encoding="utf-8"))
    title = root.find(f"{NS}title")
    assert title is not None and "BL23 Shenshu" in (title.text or "")


def test_chart_of_a_protocol_as_png(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "routine.png"
    r = run("chart", "--protocol", "low-back", "--out", str(out))
    assert r.code == 0
    assert "the points of low-back, the whole body, from behind (PNG)" in r.out
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    assert width >= 600  # drawn at twice the chart's size, crisp on a phone


def test_chart_in_another_view(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "knees.svg"
    assert run("chart", "--protocol", "low-back", "--view", "knee", "--out", str(out)).code == 0
    assert "BL40" in out.read_text(encoding="utf-8")
    assert "KI3" not in out.read_text(encoding="utf-8")


def test_chart_scale_in_cm_from_the_saved_thumb_width(run: Run, tmp_path: Path) -> None:
    assert run("profile", "--thumb-cm", "2.0").code == 0
    out = tmp_path / "bl25.svg"
    r = run("chart", "BL25", "--out", str(out))
    assert "scale in cm for a 2 cm thumb" in r.out
    assert "≈ 6.0 cm for you" in out.read_text(encoding="utf-8")
    assert run("chart", "BL25", "--thumb-cm", "2.4", "--out", str(out)).code == 0
    assert "≈ 7.2 cm for you" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["BL23", "--out", "x.pdf"],
            "Cannot tell the format from 'x.pdf': use a .svg or .png file.",
        ),
        (["BL24", "--out", "x.svg"], "Unknown point 'BL24': did you mean BL23 or BL25?"),
        (
            ["BL40", "--view", "back", "--out", "x.svg"],
            "The back view does not show BL40; try --view knee.",
        ),
        (
            ["BL23", "--view", "side", "--out", "x.svg"],
            "Unknown view 'side': choose one of back, knee, ankle, body.",
        ),
        (["--out", "x.svg"], "Give a point code (acupress chart BL23) or --protocol NAME."),
        (
            ["BL23", "--protocol", "low-back", "--out", "x.svg"],
            "Give a point code or --protocol, not both.",
        ),
        (
            ["--protocol", "nope", "--out", "x.svg"],
            "Unknown protocol 'nope': known protocols are low-back.",
        ),
        (["BL23", "--thumb-cm", "9", "--out", "x.svg"], "A thumb width of 9 cm is not plausible"),
    ],
)
def test_chart_errors_are_one_sentence(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    r = run("chart", *args)
    assert r.code == 2
    assert r.err.startswith(f"Error: {message}")
    assert r.err.count("\n") == 1
    assert r.out == ""
    assert not list(work.iterdir())  # nothing written


def test_chart_into_a_missing_folder_is_a_clear_error(run: Run, tmp_path: Path) -> None:
    r = run("chart", "KI3", "--out", str(tmp_path / "no" / "such" / "ki3.svg"))
    assert r.code == 2
    assert r.err.startswith(f"Error: Cannot write {tmp_path / 'no' / 'such' / 'ki3.svg'}")
