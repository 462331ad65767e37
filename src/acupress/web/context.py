"""What every request of the web app shares: the app (the atlas, the journal opened once
when first needed, the clock and today's date) with the sessions running in browsers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from acupress.app import App, local_now
from acupress.errors import NotFound

if TYPE_CHECKING:
    from acupress.atlas import Atlas
    from acupress.clock import Clock
    from acupress.journal import Journal
    from acupress.protocol import Protocol
    from acupress.web.live import LiveSessions


@dataclass(frozen=True, kw_only=True)
class Options:
    """How the app runs: ``speed`` runs sessions N times faster (a demo, or a test),
    ``now`` is the wall clock, ``clock`` makes each session's clock."""

    speed: float = 1.0
    now: Callable[[], dt.datetime] = local_now
    clock: Callable[[float], Clock] | None = None
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "[::1]")


class Context(App):
    """The app as the web serves it: its options, the sessions running in browsers, and
    this installation's key; the journal, once opened, closes the sessions whose page
    has gone quiet. Sessions still running when the app stops are kept in the journal,
    for the app started again (or another one on the same journal) to go on with."""

    def __init__(self, *, options: Options, live: LiveSessions) -> None:
        super().__init__(now=options.now)
        self.options = options
        self.live = live
        self._protocols: dict[tuple[str, int], Protocol] = {}
        self._key: bytes | None = None

    @property
    def book(self) -> Atlas:
        return self.atlas

    def opened(self, journal: Journal) -> None:
        journal.interrupt_unkept("web")
        self.live.interrupt_gone(journal)

    def key(self) -> bytes:
        """This installation's key for the security tokens, read once."""
        from acupress import paths
        from acupress.web.security import load_key

        with self._lock:
            if self._key is None:
                self._key = load_key(paths.home())
            return self._key

    def protocol(self, name: str) -> Protocol:
        """A protocol by name only (the web never opens a path it is given), kept until
        its file changes."""
        from acupress import protocol

        known = self.protocols()
        if name not in known:
            raise NotFound(f"Unknown protocol '{name}': known protocols are {', '.join(known)}.")
        path = known[name]
        key = (str(path), path.stat().st_mtime_ns)
        found = self._protocols.get(key)
        if found is None:
            found = self._protocols[key] = protocol.load_file(path, self.atlas)
        return found


def make_context(options: Options) -> Context:
    from acupress import progress
    from acupress.clock import RealClock
    from acupress.web.live import LiveSessions

    speed = options.speed

    def clock() -> Clock:
        return options.clock(speed) if options.clock else RealClock(speed)

    advice = progress.default_rules().stop_advice
    live = LiveSessions(clock(), dict(advice), speed)
    ctx = Context(options=options, live=live)
    live.protocols = ctx.protocol
    return ctx
