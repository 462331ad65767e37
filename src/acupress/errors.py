"""The one exception type for problems a person can fix, shown as one sentence."""


class AcupressError(Exception):
    """A user-facing error: bad input, a broken file, a refused request.

    The CLI prints the message alone (no traceback) and exits with ``exit_code``.
    """

    exit_code = 2


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
