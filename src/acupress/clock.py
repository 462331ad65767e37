"""Time for a guided session, injected: a real clock that does not drift, a faster one for
demonstrations, and a fake one that tests move by hand.

A session reads two things from its clock: ``elapsed()``, seconds on a monotonic scale
from which every step deadline is computed (so waits never add up their overshoots),
and ``now()``, the wall-clock moment recorded in the journal."""

from __future__ import annotations

import datetime as dt
import time
from typing import Protocol


class Clock(Protocol):
    def elapsed(self) -> float:
        """Session seconds since the clock started (monotonic, never goes back)."""
        ...

    def now(self) -> dt.datetime:
        """The wall-clock time, timezone-aware, as the journal records it."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait this many session seconds (a fake clock just moves on)."""
        ...


class RealClock:
    """Deadlines from one monotonic start point, not accumulated sleeps: however late a
    wake-up is, the next deadline is still measured from the start. ``speed`` makes a
    session run N times faster (a demonstration); the journal then records session
    seconds, and wall times advance at the same faster rate from the real start."""

    def __init__(self, speed: float = 1.0, since: float | None = None) -> None:
        """``since``, a moment (seconds since the epoch) from which faster time runs:
        clocks made in several processes with the same one read the same time (the web
        app's workers); their elapsed time then follows the wall clock, not the
        monotonic one."""
        if not speed > 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._since = since
        self._start = time.monotonic()
        if since is None:
            self._wall = dt.datetime.now().astimezone()
        else:
            self._wall = dt.datetime.fromtimestamp(since).astimezone()

    def elapsed(self) -> float:
        if self._since is not None:
            return (time.time() - self._since) * self.speed
        return (time.monotonic() - self._start) * self.speed

    def now(self) -> dt.datetime:
        return self._wall + dt.timedelta(seconds=self.elapsed())

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds / self.speed)


class FakeClock:
    """A clock tests move by hand: ``sleep`` and ``advance`` move it on at once."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.start = start or dt.datetime(2026, 3, 2, 7, 30, tzinfo=dt.UTC)
        if self.start.tzinfo is None:
            raise ValueError("the fake clock's start must be timezone-aware")
        self.seconds = 0.0

    def elapsed(self) -> float:
        return self.seconds

    def now(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=self.seconds)

    def sleep(self, seconds: float) -> None:
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        self.seconds += max(0.0, seconds)
