"""The server load benchmark's smallest run: a few simulated people doing guided sessions
against a real `acupress serve` on SQLite, every step the server acknowledged found
exactly once in the journal afterwards. Counting only: no timing is asserted."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCHMARK = Path(__file__).parent.parent / "benchmarks" / "server_load.py"


def test_every_acknowledged_step_is_in_the_journal_exactly_once() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARK), "--smoke"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    counted = re.search(
        r"counted: (\d+) sessions, (\d+) steps acknowledged, (\d+) lost, (\d+) doubled",
        done.stdout,
    )
    assert counted, done.stdout
    sessions, acknowledged, lost, doubled = map(int, counted.groups())
    assert sessions >= 3 and acknowledged >= sessions
    assert (lost, doubled) == (0, 0)
