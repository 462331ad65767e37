"""The cues of a guided session: the terminal bell, and the words spoken by the speech
engine found on the PATH (here a stand-in espeak-ng that writes down what it is given)."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from acupress.terminal import Cues
from tests.cli.screen import speech_engine


def test_each_cue_rings_the_bell_and_speaks_its_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spoken = speech_engine(tmp_path, monkeypatch)
    out = io.StringIO()
    cues = Cues(stream=out)
    cues("Now: BL23 Shenshu (Kidney Shu).")
    cues.close()
    cues("Switch to the right side.")
    cues.close()
    assert out.getvalue() == "\a\a"
    assert spoken.read_text().splitlines() == [
        "Now: BL23 Shenshu (Kidney Shu).",
        "Switch to the right side.",
    ]


def test_quiet_cues_neither_ring_nor_speak(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spoken = speech_engine(tmp_path, monkeypatch)
    out = io.StringIO()
    cues = Cues(quiet=True, stream=out)
    cues("Now: BL23 Shenshu (Kidney Shu).")
    cues.close()
    assert out.getvalue() == ""
    assert not spoken.exists()


def test_a_new_cue_cuts_off_words_still_being_spoken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spoken = speech_engine(tmp_path, monkeypatch, seconds=0.5)
    cues = Cues(stream=io.StringIO())
    cues("Now: BL23 Shenshu (Kidney Shu).")
    cues("Switch to the right side.")
    cues.close()
    assert spoken.read_text().splitlines() == ["Switch to the right side."]


def test_a_speech_engine_that_does_not_finish_does_not_hold_the_end_of_the_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spoken = speech_engine(tmp_path, monkeypatch, seconds=60)
    cues = Cues(stream=io.StringIO())
    cues("The session is over. Rest, and drink some water.")
    started = time.monotonic()
    cues.close(timeout=0.2)  # the last words are cut off, not waited for
    assert time.monotonic() - started < 10
    assert not spoken.exists()
