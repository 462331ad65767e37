"""What every request of the web app shares: the atlas, the journal (opened once, when
first needed), the sessions running, the clock and today's date."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from acupress import actions
from acupress.errors import NotFound

if TYPE_CHECKING:
    from acupress.atlas import Atlas
    from acupress.clock import Clock
    from acupress.journal import Journal
    from acupress.profile import Profile
    from acupress.progress import Progress
    from acupress.protocol import Protocol
    from acupress.safety import Decision
    from acupress.web.live import LiveSessions


def local_now() -> dt.datetime:
    return dt.datetime.now().astimezone()


@dataclass(frozen=True, kw_only=True)
class Options:
    """How the app runs: ``speed`` runs sessions N times faster (a demo, or a test),
    ``now`` is the wall clock, ``clock`` makes each session's clock."""

    speed: float = 1.0
    now: Callable[[], dt.datetime] = local_now
    clock: Callable[[float], Clock] | None = None
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "[::1]")


@dataclass(kw_only=True)
class Context:
    options: Options
    book: Atlas
    live: LiveSessions
    _journal: Journal | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _progress: tuple[object, Progress] | None = None
    _protocols: dict[tuple[str, int], Protocol] = field(default_factory=dict)
    _key: bytes | None = None

    def now(self) -> dt.datetime:
        return self.options.now()

    def today(self) -> dt.date:
        return self.now().date()

    def journal(self) -> Journal:
        """The journal, opened (and created) on first use and kept open; on opening, the
        sessions a previous run of the app left unfinished are closed."""
        with self._lock:
            if self._journal is None:
                self._journal = actions.open_journal()
                self.live.interrupt_left_behind(self._journal)
            return self._journal

    def journal_if_any(self) -> Journal | None:
        """The journal when there is one; a new person has none until a session."""
        if self._journal is None and not actions.journal_exists():
            return None
        return self.journal()

    def key(self) -> bytes:
        """This installation's key for the security tokens, read once."""
        from acupress import paths
        from acupress.web.security import load_key

        with self._lock:
            if self._key is None:
                self._key = load_key(paths.home())
            return self._key

    def close(self) -> None:
        with self._lock:
            if self._journal is not None:
                self.live.interrupt_all(self._journal)
                self._journal.close()
                self._journal = None

    def progress(self) -> Progress:
        """The journal's progress today, computed again only when the journal changed:
        every page that shows a plan needs it, and reading the whole journal is what
        costs."""
        from acupress import progress

        today = self.today()
        db = self.journal_if_any()
        if db is None:
            return progress.analyse([], today, progress.default_rules())
        version = db.version()
        key = (today, version)
        cached = self._progress
        if version is not None and cached is not None and cached[0] == key:
            return cached[1]
        result = progress.from_journal(db, today)
        self._progress = (key, result)
        return result

    def protocol(self, name: str) -> Protocol:
        """A protocol by name only (the web never opens a path it is given), kept until
        its file changes."""
        from acupress import paths, protocol

        known = protocol.available(paths.protocols_dir())
        if name not in known:
            raise NotFound(f"Unknown protocol '{name}': known protocols are {', '.join(known)}.")
        path = known[name]
        key = (str(path), path.stat().st_mtime_ns)
        found = self._protocols.get(key)
        if found is None:
            found = self._protocols[key] = protocol.load_file(path, self.book)
        return found

    def profile(self) -> Profile:
        from acupress import profile

        return profile.load()

    def decision(self) -> Decision | None:
        """Today's decision: the check done today with the journal's standing flags."""
        return actions.todays_decision(self.book, self.today(), self.progress())


def make_context(options: Options) -> Context:
    from acupress import atlas, progress
    from acupress.clock import RealClock
    from acupress.web.live import LiveSessions

    speed = options.speed

    def clock() -> Clock:
        return options.clock(speed) if options.clock else RealClock(speed)

    advice = progress.default_rules().stop_advice
    return Context(
        options=options,
        book=atlas.default(),
        live=LiveSessions(clock, dict(advice), speed),
    )
