"""The terminal side of a guided session: single keys without Enter, and the cues
(terminal bell, and speech where a speech engine is installed)."""

from __future__ import annotations

import contextlib
import errno
import shutil
import subprocess
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from acupress.clock import Clock

KEYS = {" ": "space", "n": "n", "b": "b", "q": "q", "p": "space"}


class TerminalKeys:
    """Keys read one at a time (no Enter needed) with a timeout, as the session runner
    asks. ``speed`` shortens real waits when the session clock runs faster."""

    def __init__(self, clock: Clock, speed: float = 1.0) -> None:
        import blessed

        # Only keys are read here (rich draws the screen). Without styling, blessed does not
        # query the terminal on start: a terminal that never answers (a serial console, a
        # script) would otherwise hold the session's first ten seconds while its clock runs.
        self.term = blessed.Terminal(force_styling=None)
        self.clock = clock
        self.speed = speed

    @contextlib.contextmanager
    def cbreak(self) -> Iterator[None]:
        """Keys without Enter inside the block. A terminal closed meanwhile stops the session
        like Ctrl-C: drawing on it or restoring its modes fails with an I/O error, which
        must not hide the interrupt (the steps done are kept, the session is marked)."""
        try:
            with self.term.cbreak():
                yield
        except Exception as e:
            if _closed_terminal(e):
                raise KeyboardInterrupt from None
            raise

    def wait(self, timeout: float) -> str | None:
        key = self.term.inkey(timeout=max(0.0, timeout) / self.speed)
        if not key:
            return None
        return KEYS.get(str(key).lower())


def _closed_terminal(error: BaseException) -> bool:
    """Whether an error, or one it arose from, is the I/O error (EIO) of a closed terminal:
    an OSError from writing to it, or a termios.error from setting its modes."""
    seen: BaseException | None = error
    while seen is not None:
        if seen.args[:1] == (errno.EIO,):
            return True
        seen = seen.__context__
    return False


class Cues:
    """Marks switch-side, next-step and the end: a bell, and the words spoken aloud when
    espeak-ng (or espeak) is installed. Silent with ``quiet``."""

    def __init__(self, quiet: bool = False, stream: Any = None) -> None:
        self.quiet = quiet
        self.stream = stream or sys.stdout
        self.speaker = None if quiet else shutil.which("espeak-ng") or shutil.which("espeak")
        self._speaking: subprocess.Popen[bytes] | None = None

    def __call__(self, words: str) -> None:
        if self.quiet:
            return
        self.stream.write("\a")
        self.stream.flush()
        if self.speaker:
            if self._speaking and self._speaking.poll() is None:
                self._speaking.terminate()  # a new cue replaces one still being spoken
            try:
                self._speaking = subprocess.Popen(
                    [self.speaker, words], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                )
            except OSError:
                self.speaker = None

    def close(self, timeout: float = 5.0) -> None:
        """Let the last words finish, for up to ``timeout`` seconds; a speech engine that
        takes longer is cut off, so it never holds up (or breaks) the end of a session."""
        if self._speaking and self._speaking.poll() is None:
            try:
                self._speaking.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._speaking.kill()
                self._speaking.wait()
