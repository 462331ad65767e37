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
from typing import TYPE_CHECKING, Any

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
    """What the front ends share, for one account: ``owner``, the single-person app's
    own by default."""

    def __init__(self, now: Callable[[], dt.datetime] = local_now, owner: int = 1) -> None:
        self.clock = now
        self.owner = owner
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

    def keeps_person_in_journal(self) -> bool:
        """Whether the profile and today's check are kept in the journal (the server
        mode, or any account but the single-person app's) rather than in files."""
        from acupress import settings

        return self.owner != 1 or settings.server_mode()

    def profile(self) -> Profile:
        """The profile as saved now (read each time: another process may change it)."""
        from acupress import profile

        if not self.keeps_person_in_journal():
            return profile.load()
        return _profile_of(self.journal().profile())

    def saved_profile(self) -> Profile | None:
        """The profile as saved, or None when none has been (what a backup carries)."""
        from acupress import profile

        if not self.keeps_person_in_journal():
            return profile.load() if profile.profile_path().exists() else None
        data = self.journal().profile()
        return None if data is None else _profile_of(data)

    def update_profile(self, change: Callable[[Profile], Profile]) -> Profile:
        """Read the profile, change it and save it as one step; returns it as saved."""
        from dataclasses import asdict

        from acupress import profile

        if not self.keeps_person_in_journal():
            return profile.update(change)
        saved = self.journal().change_profile(
            lambda data: asdict(change(_profile_of(data))), self.now()
        )
        return _profile_of(saved)

    def todays_answers(self) -> dict[str, Any] | None:
        """The safety answers kept today (as saved), or None when there is no check today."""
        from acupress import profile

        if not self.keeps_person_in_journal():
            return profile.todays_answers(self.today())
        found = self.journal().check()
        if found is None or found[0] != self.today():
            return None
        if not isinstance(found[1], dict):
            raise _damaged("Today's check", "expected answers by question")
        return found[1]

    def save_check(self, answers: dict[str, Any], conditions: tuple[str, ...]) -> None:
        """Keep today's answers for the rest of the day, and the conditions the check found
        in the profile (they change the sessions: pregnancy, blood thinners, …)."""
        from dataclasses import replace

        from acupress import profile

        today = self.today()
        if not self.keeps_person_in_journal():
            profile.save_check(answers, today, conditions)
            return
        self.journal().save_check(today, answers)
        self.update_profile(
            lambda p: replace(p, conditions=conditions, checked_on=today.isoformat())
        )

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
                self._journal = actions.open_journal(self.owner)
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

        return actions.todays_decision(self, self.progress())


def _profile_of(data: Any) -> Profile:
    """The profile kept in the journal, checked as the file's is."""
    from acupress.profile import Profile

    if data is None:
        return Profile()
    try:
        return Profile.from_json(data)
    except ValueError as e:
        raise _damaged("The profile", str(e)) from None


def _damaged(what: str, problem: str) -> Exception:
    from acupress.errors import AcupressError

    return AcupressError(
        f"{what} kept in the journal is damaged ({problem}); save it again to replace it."
    )
