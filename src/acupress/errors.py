"""The one exception type for problems a person can fix, shown as one sentence."""

import datetime as dt


class AcupressError(Exception):
    """A user-facing error: bad input, a broken file, a refused request.

    The CLI prints the message alone (no traceback) and exits with ``exit_code``. When
    the way to fix it differs between the front ends (a command in the terminal, a page
    on the web), ``web`` is the web's wording; the message is the terminal's.
    """

    exit_code = 2

    def __init__(self, message: str = "", *, web: str | None = None) -> None:
        super().__init__(message)
        self.web = web

    def on_web(self) -> str:
        """The sentence the web shows."""
        return self.web if self.web is not None else str(self)


class ContentError(AcupressError):
    """A content file (points, protocol, safety rules) is missing, malformed or invalid."""


class NoSessionToday(AcupressError):
    """The safety decision or the omissions leave no session to do today."""

    exit_code = 1


class NotFound(AcupressError):
    """The thing asked for does not exist (a session id, a point code)."""


class Busy(AcupressError):
    """The journal is busy with another writer: trying again in a moment will work."""


class Conflict(AcupressError):
    """Not possible in the state things are in (a session still running, no check today)."""


class NotSignedIn(AcupressError):
    """The server mode asks who is there: no login, an ended one, or a wrong password."""


class TooManyAttempts(AcupressError):
    """Too many failed sign-ins lately: the next try waits until ``until``."""

    def __init__(self, until: dt.datetime) -> None:
        self.until = until
        super().__init__(
            f"Too many failed sign-ins: try again after {until.astimezone(dt.UTC):%H:%M:%S} UTC."
        )
