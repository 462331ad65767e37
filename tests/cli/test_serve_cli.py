"""`acupress serve` as a real process: the address it prints (and answers on), the warning
when it listens beyond this computer, and a port already taken."""

from __future__ import annotations

import queue
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.cli.screen import ACUPRESS, WAIT
from tests.conftest import Result

Run = Callable[..., Result]


class Server:
    """A running ``acupress serve``, its output read line by line as it comes."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [ACUPRESS, "serve", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def line(self) -> str:
        """The next line it prints (an error if it prints none in time, or has ended)."""
        try:
            line = self.lines.get(timeout=WAIT)
        except queue.Empty:
            raise AssertionError(f"acupress serve printed nothing in {WAIT} s") from None
        assert line is not None, f"acupress serve ended with {self.proc.wait()}"
        return line

    def stop(self) -> list[str]:
        """Stop it; the lines it printed and nobody read yet."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        rest = []
        while (line := self.lines.get(timeout=WAIT)) is not None:
            rest.append(line)
        return rest


@pytest.fixture
def serve() -> Iterator[Callable[..., Server]]:
    started: list[Server] = []

    def start(*args: str) -> Server:
        started.append(Server(*args))
        return started[-1]

    yield start
    for s in started:
        if s.proc.poll() is None:
            s.proc.kill()
            s.proc.wait()


def answers(url: str) -> httpx.Response:
    """The page at ``url``, once the server accepts connections."""
    deadline = time.monotonic() + WAIT
    while True:
        try:
            return httpx.get(url, timeout=WAIT)
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def test_serve_prints_the_address_it_answers_on(serve: Callable[..., Server]) -> None:
    server = serve("--port", "0")
    printed = re.fullmatch(
        r"acupress is running at (http://127\.0\.0\.1:(\d+)/) \(Ctrl-C to stop\)", server.line()
    )
    assert printed is not None and int(printed[2]) > 0  # the port it picked, not 0
    page = answers(printed[1])
    assert page.status_code == 200 and "acupress" in page.text
    assert not any("network" in line for line in server.stop())


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.1"])
def test_serve_without_accounts_refuses_to_listen_beyond_this_computer(run: Run, host: str) -> None:
    """With no sign-in, the journal is never served to the network."""
    r = run("serve", "--host", host, "--port", "0")
    assert r.code == 2
    assert r.err == (
        f"Error: Without --accounts acupress listens on this computer only, not on {host}: "
        "anyone on the network could read your journal. Serve others with --accounts, "
        "where everyone signs in.\n"
    )


def test_a_port_in_use_is_one_sentence_and_exit_code_2() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [ACUPRESS, "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=WAIT,
            check=False,
        )
    assert done.returncode == 2
    assert done.stderr == (
        f"Error: Port {port} is already in use: choose another with --port (0 picks a free one).\n"
    )
    assert done.stdout == ""


def test_serve_with_accounts_and_two_workers_asks_everyone_to_sign_in(
    serve: Callable[..., Server],
) -> None:
    server = serve("--accounts", "--host", "0.0.0.0", "--port", "0", "--workers", "2")
    printed = re.fullmatch(r"acupress is running at http://0\.0\.0\.0:(\d+)/ .*", server.line())
    assert printed is not None
    assert server.line() == (
        "Everyone signs in to their own account (acupress accounts adds them)."
    )
    assert server.line() == "2 workers answer requests."
    base = f"http://127.0.0.1:{printed[1]}"
    assert answers(f"{base}/api/today").status_code == 401
    page = httpx.get(f"{base}/journal", follow_redirects=True, timeout=WAIT)
    assert page.status_code == 200 and "Sign in" in page.text
    assert httpx.get(f"{base}/api/health", timeout=WAIT).json() == {"status": "ok"}
    server.stop()
    assert server.proc.returncode == 0


def test_workers_run_sessions_faster_all_on_one_time(serve: Callable[..., Server]) -> None:
    """--speed with --workers: each worker reads the same faster time, so whichever one
    answers a session's next request finds it where the others left it."""
    server = serve("--port", "0", "--workers", "2", "--speed", "60")
    printed = re.fullmatch(r"acupress is running at http://127\.0\.0\.1:(\d+)/ .*", server.line())
    assert printed is not None
    assert server.line() == "Sessions run 60 times faster than real time."
    assert server.line() == "2 workers answer requests."
    assert answers(f"http://127.0.0.1:{printed[1]}/api/today").status_code == 200
    server.stop()
    assert server.proc.returncode == 0


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (("--port", "65536"), "--port must be a whole number from 0 to 65535, not '65536'."),
        (("--port", "-1"), "--port must be a whole number from 0 to 65535, not '-1'."),
        (("--workers", "0"), "--workers must be a whole number from 1 to 64, not '0'."),
        (("--workers", "65"), "--workers must be a whole number from 1 to 64, not '65'."),
        (("--speed", "0.09"), "--speed must be a number from 0.1 to 1000, not '0.09'."),
        (("--speed", "1000.5"), "--speed must be a number from 0.1 to 1000, not '1000.5'."),
        (("--speed", "fast"), "--speed must be a number from 0.1 to 1000, not 'fast'."),
    ],
)
def test_a_serve_option_out_of_its_range_is_refused_in_our_words(
    run: Run, args: tuple[str, ...], sentence: str
) -> None:
    from tests.cli.test_bad_input_cli import one_sentence_error

    assert one_sentence_error(run("serve", *args)) == sentence
