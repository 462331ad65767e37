"""`acupress serve` as a person starts and stops it: a real process, its address line,
Ctrl-C (or the system's stop signal) as a normal end, and options it refuses."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

ADDRESS = re.compile(r"^acupress is running at (http://127\.0\.0\.1:\d+/) \(Ctrl-C to stop\)$")


def acupress(home: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "ACUPRESS_HOME": str(home)}
    return subprocess.Popen(
        [sys.executable, "-m", "acupress", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
@pytest.mark.parametrize("when", ["serving", "starting"])
def test_serve_stopped_by_a_signal_says_so_and_exits_0(
    home: Path, stop: signal.Signals, when: str
) -> None:
    process = acupress(home, "serve", "--port", "0")
    try:
        assert process.stdout is not None
        first = process.stdout.readline().rstrip("\n")
        found = ADDRESS.match(first)
        assert found, first
        if when == "serving":  # the address works as soon as it is shown
            assert httpx.get(found[1], timeout=10).status_code == 200
        process.send_signal(stop)
        out, err = process.communicate(timeout=20)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 0, err
    assert out.strip() == "acupress stopped."
    assert "Error" not in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--speed", "nan"), "--speed must be a number from 0.1 to 1000, not 'nan'."),
        (("--speed", "inf"), "--speed must be a number from 0.1 to 1000, not 'inf'."),
        (("--host", ""), "--host cannot be empty: an empty address would listen"),
        (("--host", "  "), "--host cannot be empty: an empty address would listen"),
    ],
)
def test_serve_refuses_a_bad_option_with_one_sentence(
    home: Path, args: tuple[str, ...], words: str
) -> None:
    process = acupress(home, "serve", "--port", "0", *args)
    try:
        out, err = process.communicate(timeout=20)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 2
    assert out == ""
    assert err.startswith(f"Error: {words}"), err
    assert err.count("\n") == 1  # one sentence, no traceback
