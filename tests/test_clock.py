"""The real clock, sped up: clocks made at different moments, in different processes,
read the same time when they share the moment their faster time runs from."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time

from acupress.clock import RealClock


def test_faster_clocks_with_one_origin_read_the_same_time_wherever_they_were_made() -> None:
    since = time.time() - 10  # faster time began 10 real seconds ago
    here = RealClock(60, since)
    there = subprocess.run(
        [
            sys.executable,
            "-c",
            "from acupress.clock import RealClock; "
            f"print(RealClock(60, {since!r}).now().timestamp())",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    mine = here.now().timestamp()
    theirs = float(there.stdout)
    assert abs(mine - theirs) < 60 * 2  # the same time, within 2 real seconds
    assert 600 - 60 < here.elapsed() < 600 + 120  # 10 real seconds are 10 minutes
    assert here.now() - dt.datetime.fromtimestamp(since).astimezone() > dt.timedelta(minutes=9)


def test_a_faster_clock_of_its_own_starts_now_and_runs_faster() -> None:
    clock = RealClock(1000)
    assert abs(clock.now() - dt.datetime.now().astimezone()) < dt.timedelta(seconds=2)
    time.sleep(0.01)
    assert clock.elapsed() >= 10 * 0.9
