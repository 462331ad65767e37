"""acupress in a real pseudo-terminal, seen as a person sees it: a VT100 screen (pyte) fed
by the process's output, keys typed one at a time, and a transcript of the lines printed.

Every wait is for something to appear, with a deadline, never a fixed sleep: a loaded
machine only makes a test slower, not wrong."""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pexpect
import pyte
import pytest

ACUPRESS = str(Path(sys.executable).with_name("acupress"))
ROWS, COLS = 60, 140
WAIT = 30.0  # seconds before a wait gives up: generous, for a machine under load

# Escape sequences: control sequences (CSI), strings (DCS, OSC, ...) and the short ones.
ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[P\]X^_].*?(?:\x07|\x1b\\)|\x1b[ -/]*[0-~]", re.DOTALL
)


def speech_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seconds: float = 0) -> Path:
    """An espeak-ng first on the PATH that takes ``seconds`` to say its words, then writes
    them down, one line per cue; returns the file it writes to."""
    folder = tmp_path / "bin"
    folder.mkdir()
    spoken = tmp_path / "spoken.txt"
    engine = folder / "espeak-ng"
    engine.write_text(
        f"#!{sys.executable}\n"
        "import sys, time\n"
        f"time.sleep({seconds})\n"
        f"with open({str(spoken)!r}, 'a') as f:\n"
        "    f.write(sys.argv[1] + '\\n')\n"
    )
    engine.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return spoken


class Answering(pyte.Screen):
    """A screen that answers the terminal's status queries (the cursor position) as every
    VT100-compatible terminal does."""

    def __init__(self, columns: int, lines: int, reply: Callable[[str], object]) -> None:
        super().__init__(columns, lines)
        self.reply = reply

    def write_process_input(self, data: str) -> None:
        self.reply(data)


class Terminal:
    """One acupress command running in a pseudo-terminal of ROWS x COLS."""

    def __init__(self, *args: str, answers_queries: bool = True) -> None:
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(COLS), "LINES": str(ROWS)}
        self.child = pexpect.spawn(
            ACUPRESS,
            list(args),
            env=env,
            dimensions=(ROWS, COLS),
            encoding="utf-8",
            codec_errors="replace",
            timeout=WAIT,
        )
        self.screen = (
            Answering(COLS, ROWS, self.child.send) if answers_queries else pyte.Screen(COLS, ROWS)
        )
        self.stream = pyte.Stream(self.screen)
        self.raw = ""  # everything the process wrote
        self.read_to = 0  # how far `expect` has read the transcript

    # --- reading ---

    @property
    def transcript(self) -> str:
        """What the process printed, as plain text (no escape sequences, no carriage returns)."""
        return ESCAPES.sub("", self.raw).replace("\r", "")

    def text(self) -> str:
        """The screen as it looks now."""
        return "\n".join(line.rstrip() for line in self.screen.display)

    def _pump(self, timeout: float) -> bool:
        """Read what the process wrote within ``timeout``; False once it has exited."""
        try:
            data = self.child.read_nonblocking(1 << 16, timeout=timeout)
        except pexpect.TIMEOUT:
            return True
        except pexpect.EOF:
            return False
        self.raw += data
        self.stream.feed(data)
        return True

    def until(self, found: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
        deadline = time.monotonic() + timeout
        while not found():
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} did not appear; the screen:\n{self.text()}")
            if not self._pump(0.05) and not found():
                raise AssertionError(f"{what}: the process ended; it printed:\n{self.transcript}")

    def shows(self, pattern: str, timeout: float = WAIT) -> re.Match[str]:
        """Wait until the screen shows ``pattern`` (a regular expression)."""
        match: re.Match[str] | None = None

        def seen() -> bool:
            nonlocal match
            match = re.search(pattern, self.text())
            return match is not None

        self.until(seen, repr(pattern), timeout)
        assert match is not None
        return match

    def expect(self, pattern: str, timeout: float = WAIT) -> re.Match[str]:
        """Wait for ``pattern`` in the transcript, after what the last call found."""
        compiled = re.compile(pattern, re.DOTALL)
        match: re.Match[str] | None = None

        def seen() -> bool:
            nonlocal match
            match = compiled.search(self.transcript, self.read_to)
            return match is not None

        self.until(seen, repr(pattern), timeout)
        assert match is not None
        self.read_to = match.end()
        return match

    def watch(self, seconds: float) -> None:
        """Keep reading for ``seconds``: for a test that needs time to pass (a pause)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self._pump(0.05):
            pass

    # --- typing ---

    def press(self, key: str) -> None:
        """One key, as typed (no Enter)."""
        self.child.send(key)

    def answer(self, text: str) -> None:
        """A line typed at a prompt, then Enter."""
        self.child.send(text + "\r")

    # --- the end ---

    def exit_code(self, timeout: float = WAIT) -> int:
        """Wait for the process to end, reading what it writes until then."""
        deadline = time.monotonic() + timeout
        while self._pump(0.1):
            if time.monotonic() > deadline:
                raise AssertionError(f"still running after {timeout} s:\n{self.text()}")
        self.child.wait()
        if self.child.signalstatus is not None:
            return -self.child.signalstatus
        return int(self.child.exitstatus or 0)

    def hang_up(self, timeout: float = WAIT) -> int:
        """Close the terminal, as closing its window does: the process gets SIGHUP from the
        kernel, not from us. Returns its exit code."""
        self.child.ptyproc.fileobj.close()
        deadline = time.monotonic() + timeout
        while self.child.ptyproc.isalive():
            if time.monotonic() > deadline:
                raise AssertionError(f"still running {timeout} s after the terminal closed")
            time.sleep(0.05)
        status = self.child.ptyproc.status
        assert status is not None
        if os.WIFSIGNALED(status):
            return -os.WTERMSIG(status)
        return os.WEXITSTATUS(status)

    def close(self) -> None:
        if self.child.isalive():
            self.child.kill(signal.SIGKILL)
        self.child.close(force=True)
