"""The application object every front end reaches the world through, as datasette's
``Datasette`` is for its views: the content (atlas, protocols, safety questions), the
person's profile, the journal (opened when first needed, then kept), and the time, from a
clock given when the object is made, so that a test can set "now".

The command line makes one per command; the web app makes one for its whole life
(``web.context.Context`` builds on it). Nothing is loaded until it is asked for."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from acupress.atlas import Atlas
    from acupress.journal import Journal
    from acupress.profile import Profile
    from acupress.progress import Progress
    from acupress.protocol import Protocol
    from acupress.safety import Decision, Screening


def local_now() -> dt.datetime:
    """The wall clock, in the computer's time zone."""
    return dt.datetime.now().astimezone()


class App:
    def __init__(self, now: Callable[[], dt.datetime] = local_now) -> None:
        self.clock = now
        self._journal: Journal | None = None
        self._lock = threading.Lock()
        self._progress: tuple[object, Progress] | None = None

    # --- time ---

    def now(self) -> dt.datetime:
        return self.clock()

    def today(self) -> dt.date:
        return self.now().date()

    # --- content ---

    @cached_property
    def atlas(self) -> Atlas:
        from acupress import atlas

        return atlas.default()

    @cached_property
    def screening(self) -> Screening:
        from acupress import safety

        return safety.default_screening()

    def protocol(self, name_or_path: str) -> Protocol:
        """A protocol by name (built in, or in the protocols directory) or by its file."""
        from acupress import actions

        return actions.load_protocol(name_or_path, self.atlas)

    def protocols(self) -> dict[str, Path]:
        """The protocols there are, by name: built in, then the person's own."""
        from acupress import paths, protocol

        return protocol.available(paths.protocols_dir())

    # --- the person ---

    def profile(self) -> Profile:
        """The profile as saved now (read each time: another process may change it)."""
        from acupress import profile

        return profile.load()

    def thumb_cm(self, given: float | None) -> float | None:
        """The thumb width to show distances in cm with: as given (checked), else the
        profile's, else None."""
        from acupress import profile

        if given is not None:
            return profile.check_thumb_cm(given)
        return self.profile().thumb_cm

    # --- the journal ---

    def journal(self) -> Journal:
        """The journal, opened (and created) on first use and kept open until ``close``."""
        from acupress import actions

        with self._lock:
            if self._journal is None:
                self._journal = actions.open_journal()
                self.opened(self._journal)
            return self._journal

    def journal_if_any(self) -> Journal | None:
        """The journal when there is one; a new person has none until a session."""
        from acupress import actions

        if self._journal is None and not actions.journal_exists():
            return None
        return self.journal()

    def opened(self, journal: Journal) -> None:
        """Called once the journal is opened (the web app closes what it left running)."""

    def closing(self, journal: Journal) -> None:
        """Called before the journal is closed (the web app ends what still runs)."""

    def close(self) -> None:
        with self._lock:
            if self._journal is not None:
                self.closing(self._journal)
                self._journal.close()
                self._journal = None

    # --- today ---

    def progress(self) -> Progress:
        """The journal's progress today, computed again only when the journal changed:
        reading the whole journal is what costs."""
        from acupress import progress

        today = self.today()
        db = self.journal_if_any()
        version = db.version() if db is not None else "no journal"
        key = (today, version)
        cached = self._progress
        if version is not None and cached is not None and cached[0] == key:
            return cached[1]
        if db is None:
            result = progress.analyse([], today, progress.default_rules())
        else:
            result = progress.from_journal(db, today)
        self._progress = (key, result)
        return result

    def decision(self) -> Decision | None:
        """Today's decision: the check done today with the journal's standing flags; None
        when there is no check today and nothing stands."""
        from acupress import actions

        return actions.todays_decision(self.atlas, self.today(), self.progress())
