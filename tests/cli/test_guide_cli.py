"""acupress guide: the printable handout written as HTML, PDF or Markdown."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest

from tests.conftest import Result

Run = Callable[..., Result]


def test_guide_as_html(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "guide.html"
    r = run("guide", "--out", str(out))
    assert r.code == 0
    assert r.out == f"Wrote {out}: Acupressure for low back pain, 7 steps (HTML).\n"
    page = out.read_text(encoding="utf-8")
    assert "Step 2. BL23 Shenshu (Kidney Shu)" in page
    assert page.count("<svg ") == 6
    assert "cm for you" not in page


def test_guide_as_pdf_from_the_extension(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "guide.pdf"
    r = run("guide", "--out", str(out), "--thumb-cm", "2.1")
    assert r.code == 0 and "(PDF)" in r.out
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) > 1
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Step 6. KI3 Taixi (Great Ravine)" in text
    assert "cm for you" in text


def test_guide_format_option_wins_over_the_extension(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "handout.txt"
    assert run("guide", "--format", "md", "--out", str(out)).code == 0
    assert out.read_text(encoding="utf-8").startswith("# Acupressure for low back pain")


def test_guide_as_markdown_writes_its_charts_beside_it(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "guide.md"
    r = run("guide", "--out", str(out))
    assert r.code == 0
    assert f"charts in {tmp_path / 'guide-charts'}" in r.out
    md = out.read_text(encoding="utf-8")
    charts = sorted(p.name for p in (tmp_path / "guide-charts").iterdir())
    assert charts == ["bl23.svg", "bl25.svg", "bl40.svg", "gv4.svg", "ki3.svg", "overview.svg"]
    for name in charts:
        assert f"](guide-charts/{name})" in md


def test_guide_personalised_from_the_saved_profile(run: Run, tmp_path: Path) -> None:
    assert run("profile", "--thumb-cm", "2.0").code == 0
    out = tmp_path / "guide.html"
    assert run("guide", "--out", str(out)).code == 0
    assert "1.5 B-cun (≈ 3.0 cm for you)" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--out", "guide.doc"],
            "Cannot tell the format from 'guide.doc': use a .html, .pdf or .md file, or --format.",
        ),
        (
            ["--format", "docx", "--out", "guide.html"],
            "--format must be html, pdf or md, not 'docx'.",
        ),
        (
            ["--protocol", "nope", "--out", "guide.html"],
            "Unknown protocol 'nope': known protocols are low-back.",
        ),
        (["--thumb-cm", "0.2", "--out", "guide.html"], "A thumb width of 0.2 cm is not plausible"),
    ],
)
def test_guide_errors_are_one_sentence(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    r = run("guide", *args)
    assert r.code == 2
    assert r.err.startswith(f"Error: {message}")
    assert r.err.count("\n") == 1
    assert not list(work.iterdir())
