"""The web app under load: 50 clients at once, against a bare Starlette app in the same run.

Starts `acupress serve --port 0` on a fresh ACUPRESS_HOME and, beside it, a bare
Starlette app served by uvicorn the same way (one worker, a socket bound beforehand,
log level warning, no access log), whose two endpoints do next to nothing: `GET /session`
answers a short HTML page and `POST /api/sessions/{id}/actions` reads the JSON body and
answers a short JSON object. The one difference: the bare app's socket is made as uvicorn
makes its own (protocol TCP, so asyncio turns Nagle's algorithm off on each connection),
so that it stands for what the framework can do; acupress is measured as it ships.
Each client holds one HTTP/1.1 keep-alive connection and sends its next request as soon
as the answer is in (a closed loop, no think time); both servers get the same bytes
(Host, the CSRF cookie and header, the body).

Measured, each for SECONDS after a one-second warm-up whose answers are not counted:
  - bare GET /session and acupress GET /session (the session page with today's plan);
  - bare POST and acupress POST /api/sessions/{id}/actions {"action": "skip"}, which
    records the current step as skipped in the journal (an insert and an update in
    SQLite) and moves on. Guided sessions are started beforehand, after the safety
    check, enough for every skip to find a step (sized on a first burst of skips); a
    session is lent to one client at a time and goes back in the queue until it has
    finished. Afterwards the skips answered 200 are checked against the journal.
Before them, the same clients against a raw asyncio server that answers a canned reply
without parsing anything: the client's ceiling, to show the client is not what limits.
After each phase, one client alone sends 40 requests one after the other: the latency
a person meets.

Prints requests per second, latency p50 and p99, the answers that were not 2xx, the CPU
used by the server process, by this client and by the rest of the machine (100% is one
core: all share the machine), and the ratio of acupress throughput to the bare
endpoint's. Targets: acupress at least half the bare endpoint's throughput, and p99
under 50 ms. A target missed is printed as MISSED.

    python benchmarks/web_load.py [SECONDS] [CLIENTS]
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import math
import os
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from http_client import HOST, Closed, Conn, all_clear, get, percentile, post

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
CLIENTS = int(sys.argv[2]) if len(sys.argv) > 2 else 50
WARMUP = 1.0
ACUPRESS = str(Path(sys.executable).with_name("acupress"))
ALONE = 40  # requests of the one client alone, after 5 not counted
TARGET_RATIO = 0.5
HUNG_UP = 599  # the status counted when the server closed the connection instead
TARGET_P99_MS = 50.0

# The bare app, and the raw server that shows the client's ceiling: one file, run as
# `python bare.py starlette` or `python bare.py raw`.
BARE = """
import asyncio
import socket
import sys

PAGE = "<!doctype html><html><head><title>bare</title></head><body><p>Hello.</p></body></html>"


def bound():
    # A TCP socket, as uvicorn binds one itself: asyncio then turns Nagle off on each
    # connection (it does not for a socket made with protocol 0).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    print(f"running at http://127.0.0.1:{sock.getsockname()[1]}/", flush=True)
    return sock


def starlette():
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse, JSONResponse
    from starlette.routing import Route

    async def page(request):
        return HTMLResponse(PAGE)

    async def action(request):
        given = await request.json()
        session_id = request.path_params["session_id"]
        return JSONResponse({"id": session_id, "action": given["action"], "finished": False})

    app = Starlette(
        routes=[
            Route("/session", page),
            Route("/api/sessions/{session_id:int}/actions", action, methods=["POST"]),
        ]
    )
    sock = bound()
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])


def raw():
    body = PAGE.encode()
    reply = (
        b"HTTP/1.1 200 OK\\r\\ncontent-type: text/html; charset=utf-8\\r\\n"
        b"content-length: %d\\r\\n\\r\\n%s" % (len(body), body)
    )

    class Canned(asyncio.Protocol):
        def connection_made(self, transport):
            self.transport = transport
            self.buffer = b""

        def data_received(self, data):
            self.buffer += data
            n = self.buffer.count(b"\\r\\n\\r\\n")
            if n:
                self.buffer = self.buffer[self.buffer.rfind(b"\\r\\n\\r\\n") + 4 :]
                self.transport.write(reply * n)

    async def main():
        server = await asyncio.get_running_loop().create_server(Canned, sock=bound())
        await server.serve_forever()

    asyncio.run(main())


{"starlette": starlette, "raw": raw}[sys.argv[1]]()
"""


# --- the servers ----------------------------------------------------------------------


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    port: int
    log: Path


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU time of a process so far (Linux /proc), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_seconds() -> float | None:
    """CPU time used by the whole machine so far, every process together, or None."""
    try:
        ticks = [int(t) for t in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = ticks[3] + ticks[4]  # idle, iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def started(name: str, cmd: list[str], env: dict[str, str], logs: Path) -> Iterator[Server]:
    """A server as a subprocess, its port read from the address it prints; stopped on
    the way out, whatever happened."""
    out = logs / f"{name}.log"
    with out.open("wb") as sink:
        proc = subprocess.Popen(
            cmd, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 60
        port = None
        while port is None:
            found = re.search(rb"http://[^\s/]+:(\d+)/", out.read_bytes())
            if found:
                port = int(found[1])
            elif proc.poll() is not None or time.monotonic() > deadline:
                text = out.read_text(errors="replace")
                raise RuntimeError(f"{name} did not start:\n{text}")
            else:
                time.sleep(0.05)
        yield Server(name, proc, port, out)
    finally:
        stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    for sig, wait in ((signal.SIGINT, 10), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(wait)


# --- the client -----------------------------------------------------------------------


Work = Callable[[], tuple[bytes, object] | None]
Answered = Callable[[object, int, bytes], None]


def fixed(data: bytes) -> Work:
    """The same request again and again."""
    item = (data, None)
    return lambda: item


def ignore(_key: object, _status: int, _body: bytes) -> None:
    pass


@dataclass
class Result:
    label: str
    rps: float = 0.0
    p50: float = math.nan
    p99: float = math.nan
    server_cpu: float | None = None
    client_cpu: float = 0.0
    other_cpu: float | None = None  # every other process on the machine
    statuses: collections.Counter[int] = field(default_factory=collections.Counter)
    note: str = ""
    alone_p50: float = math.nan  # one client alone, in ms
    alone_gap: float = math.nan  # one client alone: head to body, median, in ms

    @property
    def refused(self) -> dict[int, int]:
        return {s: n for s, n in self.statuses.items() if s >= 300}


async def phase(
    label: str,
    server: Server,
    work: Work,
    answered: Answered = ignore,
    warmup: float = WARMUP,
    seconds: float = SECONDS,
) -> Result:
    """CLIENTS clients in a closed loop for ``warmup`` + ``seconds``; what completes
    after the warm-up counts. ``work`` gives the bytes to send and a key handed back to
    ``answered`` with the answer, or None when there is nothing left to send."""
    result = Result(label)
    conns = [Conn(server.port, wait_for_start=True) for _ in range(CLIENTS)]
    await asyncio.gather(*(c.open() for c in conns))
    latencies: list[float] = []
    start = time.perf_counter()
    counted_from = start + warmup
    end = counted_from + seconds
    ran_out: list[float] = []

    async def client(conn: Conn) -> None:
        while (now := time.perf_counter()) < end:
            item = work()
            if item is None:
                ran_out.append(now)
                return
            data, key = item
            sent = time.perf_counter()
            try:
                status, _head, body = await conn.request(data)
            except Closed:
                status, body = HUNG_UP, b""
            done = time.perf_counter()
            answered(key, status, body)
            if counted_from <= done < end:
                latencies.append(done - sent)
                result.statuses[status] += 1

    async def sample() -> float:
        await asyncio.sleep(counted_from - time.perf_counter())
        before = time.process_time(), cpu_seconds(server.proc.pid), machine_seconds()
        await asyncio.sleep(max(0.0, end - time.perf_counter()))
        after = time.process_time(), cpu_seconds(server.proc.pid), machine_seconds()
        window = time.perf_counter() - counted_from
        result.client_cpu = (after[0] - before[0]) / window
        if before[1] is not None and after[1] is not None:
            result.server_cpu = (after[1] - before[1]) / window
        if before[2] is not None and after[2] is not None:
            others = (after[2] - before[2]) / window - result.client_cpu
            result.other_cpu = max(0.0, others - (result.server_cpu or 0.0))
        return window

    runs = asyncio.gather(*(client(c) for c in conns))
    try:
        window = await sample()
        await runs
    finally:
        runs.cancel()
        for c in conns:
            c.close()
    if ran_out and min(ran_out) < end:
        short = min(ran_out)
        result.note = f"ran out of steps to skip {end - short:.1f} s before the end"
        window = max(short - counted_from, 1e-9)
    latencies.sort()
    result.rps = len(latencies) / window
    result.p50 = percentile(latencies, 0.50) * 1000
    result.p99 = percentile(latencies, 0.99) * 1000
    return result


async def alone(result: Result, server: Server, work: Work, answered: Answered = ignore) -> None:
    """One client by itself, request after request: the latency a person meets."""
    conn = Conn(server.port, wait_for_start=True)
    latencies, gaps = [], []
    try:
        for n in range(ALONE + 5):
            item = work()
            if item is None:
                break
            sent = time.perf_counter()
            try:
                status, _head, body = await conn.request(item[0])
            except Closed:
                status, body = HUNG_UP, b""
            done = time.perf_counter()
            answered(item[1], status, body)
            if status >= 300:
                result.statuses[status] += 1  # counted with the phase's refusals
            if n >= 5:
                latencies.append(done - sent)
                gaps.append(conn.gap)
    finally:
        conn.close()
    result.alone_p50 = statistics.median(latencies) * 1000 if latencies else math.nan
    result.alone_gap = statistics.median(gaps) * 1000 if gaps else math.nan


# --- the acupress side ----------------------------------------------------------------


class Steps:
    """Guided sessions with steps left to skip, each lent to one client at a time and
    put back in the queue until it has finished."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.token = token
        self.queue: collections.deque[int] = collections.deque()
        self.left: dict[int, int] = {}
        self.answers: collections.Counter[int] = collections.Counter()
        self.started = 0
        self.count = 1  # steps in a session
        self.pace = 0.0  # skips a second in the burst that sized the batch
        self.starting = 0.0  # seconds spent starting them

    @property
    def steps_left(self) -> int:
        return sum(self.left.values())

    async def start(self, sessions: int) -> None:
        """Start this many guided sessions, CLIENTS at a time."""
        begin = time.perf_counter()
        request = post(self.port, "/api/sessions", self.token, {"pain_before": 5})

        async def starter(conn: Conn, n: int) -> None:
            for _ in range(n):
                status, _head, body = await conn.request(request)
                if status != 201:
                    raise RuntimeError(f"POST /api/sessions answered {status}: {body[:300]!r}")
                answer = json.loads(body)
                if answer["count"] < 2:
                    raise RuntimeError(f"a plan of {answer['count']} steps")
                self.left[answer["id"]] = self.count = answer["count"]
                self.queue.append(answer["id"])

        conns = [Conn(self.port, wait_for_start=True) for _ in range(min(CLIENTS, sessions))]
        shares = [sessions // len(conns) + (i < sessions % len(conns)) for i in range(len(conns))]
        try:
            await asyncio.gather(*(starter(c, n) for c, n in zip(conns, shares, strict=True)))
        finally:
            for c in conns:
                c.close()
        self.started += sessions
        self.starting += time.perf_counter() - begin

    def next(self) -> tuple[bytes, object] | None:
        if not self.queue:
            return None
        sid = self.queue.popleft()
        return post(self.port, f"/api/sessions/{sid}/actions", self.token, {"action": "skip"}), sid

    def answered(self, key: object, status: int, body: bytes) -> None:
        sid = int(str(key))
        self.answers[status] += 1
        if (status == 200 and b'"finished":true' in body) or status == 409:
            self.left.pop(sid, None)
            return
        if status == 200:
            self.left[sid] -= 1
        self.queue.append(sid)


async def prepare(app: Server) -> Steps:
    """The CSRF token, today's check, and enough guided sessions started for the
    step-saving phase never to run out: a burst of skips on a first batch gives the
    pace, and more are started for twice what that pace needs (plus a session in hand
    for each client). Not many more, since starting a session, like the session page,
    reads the whole journal."""
    conn = Conn(app.port, wait_for_start=True)
    status, head, _body = await conn.request(get(app.port, "/", ""))
    found = re.search(rb"(?i)\r\nset-cookie: acupress_csrf=(\w+)", head)
    if status != 200 or not found:
        raise RuntimeError(f"GET / answered {status} without the CSRF cookie")
    token = found[1].decode()
    status, _head, body = await conn.request(post(app.port, "/api/check", token, all_clear()))
    conn.close()
    if status != 200 or not json.loads(body)["session_allowed"]:
        raise RuntimeError(f"the safety check answered {status}: {body[:300]!r}")

    steps = Steps(app.port, token)
    await steps.start(2 * CLIENTS)
    burst = await phase("pace", app, steps.next, steps.answered, warmup=0.5, seconds=1.5)
    steps.pace = burst.rps
    needed = 2 * steps.pace * (WARMUP + SECONDS) + (ALONE + 5) + CLIENTS * steps.count
    more = math.ceil(max(0.0, needed - steps.steps_left) / steps.count)
    if more:
        await steps.start(more)
    steps.answers.clear()

    conn = Conn(app.port, wait_for_start=True)
    status, _head, body = await conn.request(get(app.port, "/session", token))
    conn.close()
    if status != 200 or b"Prepare your space" not in body:
        raise RuntimeError(f"GET /session answered {status} without the plan")
    return steps


def journal_counts(home: Path) -> tuple[int, int]:
    """Sessions, and steps recorded as skipped, in the journal (read beside the server)."""
    db = sqlite3.connect(f"file:{home / 'journal.db'}?mode=ro", uri=True)
    try:
        sessions = db.execute("SELECT count(*) FROM sessions").fetchone()[0]
        skipped = db.execute("SELECT count(*) FROM steps WHERE skipped").fetchone()[0]
    finally:
        db.close()
    return int(sessions), int(skipped)


# --- the run --------------------------------------------------------------------------


@dataclass
class Run:
    results: list[Result]
    steps: Steps
    journal_sessions: int  # when the measures began
    skipped_before: int  # skipped steps in the journal when the measures began
    skipped_after: int = 0


async def measure(raw: Server, bare: Server, app: Server, home: Path) -> Run:
    steps = await prepare(app)
    sessions, skipped = journal_counts(home)
    token = steps.token
    skip = {"action": "skip"}
    endpoints: list[tuple[str, Server, Work, Answered]] = [
        ("client ceiling (raw asyncio)", raw, fixed(get(raw.port, "/session", token)), ignore),
        ("bare GET /session", bare, fixed(get(bare.port, "/session", token)), ignore),
        ("acupress GET /session", app, fixed(get(app.port, "/session", token)), ignore),
        (
            "bare POST .../actions",
            bare,
            fixed(post(bare.port, "/api/sessions/1/actions", token, skip)),
            ignore,
        ),
        ("acupress POST .../actions skip", app, steps.next, steps.answered),
    ]
    results = []
    for label, server, work, answered in endpoints:
        result = await phase(label, server, work, answered)
        await alone(result, server, work, answered)
        results.append(result)
    return Run(results, steps, sessions, skipped)


def show(run: Run, cpus: int) -> None:
    print(
        f"Web app under load: {CLIENTS} clients on keep-alive connections, {SECONDS:g} s "
        f"each after a {WARMUP:g} s warm-up.\nTargets: acupress at least {TARGET_RATIO:g} "
        f"times the bare endpoint's requests per second, p99 under {TARGET_P99_MS:g} ms."
    )
    print(
        f"  CPUs: {cpus}, shared by this client and the servers (100% CPU is one core; "
        "others: the rest of the machine)"
    )
    steps = run.steps
    print(
        f"  prepared: {steps.started} guided sessions of {steps.count} steps started in "
        f"{steps.starting:.1f} s (for skips at twice {steps.pace:.0f} a second, the pace of "
        f"a first burst);\n  the journal then held {run.journal_sessions} sessions, and the "
        "session page reads them all"
    )
    print()
    print(f"  {'':31} {'':34} {'CPU':-^23}")
    print(
        f"  {'':31} {'rps':>7} {'p50 ms':>8} {'p99 ms':>8} {'not 2xx':>8}  {'server':>7} "
        f"{'client':>7} {'others':>7}  {'1 client p50 ms':>15}"
    )

    def share(cpu: float | None) -> str:
        return "?" if cpu is None else f"{cpu:.0%}"

    for r in run.results:
        print(
            f"  {r.label:31} {r.rps:7.0f} {r.p50:8.1f} {r.p99:8.1f} "
            f"{sum(r.refused.values()):8d}  {share(r.server_cpu):>7} {share(r.client_cpu):>7} "
            f"{share(r.other_cpu):>7}  {r.alone_p50:15.1f}"
        )
        if r.note:
            print(f"  {'':31} ({r.note})")
        if r.refused:
            print(f"  {'':31} not 2xx: {', '.join(f'{s}: {n}' for s, n in r.refused.items())}")
    print()
    others = [r.other_cpu for r in run.results if r.other_cpu is not None]
    if others and max(others) >= 0.2:
        print(
            f"  the rest of the machine (other processes, the kernel's share of the traffic) "
            f"took up to {max(others):.0%} of a core: the figures are noisier than alone"
        )
    ceiling, bare_get, app_get, bare_post, app_post = run.results
    print(
        f"  the client alone reaches {ceiling.rps:.0f} rps (raw server): the bare endpoints "
        f"use {bare_get.rps / ceiling.rps:.0%} (GET) and {bare_post.rps / ceiling.rps:.0%} "
        "(POST) of it"
    )
    for name, bare, app in (
        ("session page", bare_get, app_get),
        ("step save", bare_post, app_post),
    ):
        ratio = app.rps / bare.rps if bare.rps else math.nan
        print(
            f"  {name:12}: acupress/bare rps {ratio:5.2f} "
            f"(>= {TARGET_RATIO:g}: {'held' if ratio >= TARGET_RATIO else 'MISSED'}), "
            f"p99 {app.p99:7.1f} ms "
            f"(< {TARGET_P99_MS:g} ms: {'held' if app.p99 < TARGET_P99_MS else 'MISSED'})"
        )
    for r in (app_get, app_post):
        if r.alone_gap >= 20:
            print(
                f"  {r.label}, one client: the body came {r.alone_gap:.0f} ms after the head "
                "(median): Nagle's algorithm meeting delayed ACKs, TCP_NODELAY is off on the "
                "server's connections"
            )
    ok = steps.answers.get(200, 0)
    refused = {s: n for s, n in steps.answers.items() if s != 200}
    written = run.skipped_after - run.skipped_before
    print(
        f"  skips sent, warm-up included: {ok} answered 200"
        + "".join(f", {n} answered {s}" for s, n in sorted(refused.items()))
        + f"; the journal gained {written} skipped steps "
        + ("(matches)" if written == ok else "(DOES NOT MATCH)")
        + f"; {len(steps.left)} sessions still had steps left"
    )


def main() -> None:
    def terminated(_sig: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminated)
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("ACUPRESS_")}
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="acupress-web-")))
        home = tmp / "home"
        env = dict(base_env, ACUPRESS_HOME=str(home), XDG_CACHE_HOME=str(tmp / "cache"))
        bare_py = tmp / "bare.py"
        bare_py.write_text(BARE)
        raw = stack.enter_context(started("raw", [sys.executable, str(bare_py), "raw"], env, tmp))
        bare = stack.enter_context(
            started("bare", [sys.executable, str(bare_py), "starlette"], env, tmp)
        )
        app = stack.enter_context(
            started("acupress", [ACUPRESS, "serve", "--host", HOST, "--port", "0"], env, tmp)
        )
        run = asyncio.run(measure(raw, bare, app, home))
        run.skipped_after = journal_counts(home)[1]
        for server in (raw, bare, app):
            if server.proc.poll() is not None:
                print(f"{server.name} stopped during the run:\n{server.log.read_text()}")
        logged = app.log.read_text(errors="replace").strip().splitlines()[1:]
        if logged:
            print("acupress logged:\n  " + "\n  ".join(logged[-20:]))
    show(run, os.cpu_count() or 1)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted: servers stopped, temporary files removed", file=sys.stderr)
        sys.exit(130)
