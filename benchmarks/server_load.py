"""People practising at once: how many guided sessions the web app carries with p99 under
100 ms and no errors, on SQLite and on a PostgreSQL this benchmark starts itself, with
every acknowledged step counted in the database afterwards.

Simulated people do what the session page (static/session.js) does: the safety check,
then guided session after guided session: start (POST /api/sessions), a check-in
(GET /api/sessions/{id}) 10 s after the last answer, a step save (the "advance" action)
when the step's time is up, and the closing form once it is over. Sessions run SPEED
times faster (`acupress serve --speed`) and every interval is scaled the same way, so P
simulated people stand for P x SPEED people at real speed. People share a few keep-alive
HTTP/1.1 connections in one asyncio process (no thread per person); latency runs from
the moment a person sends to the answer, waiting for a free connection included.

The number of people steps up (doubling, then halving the gap) until p99 reaches 100 ms
or a request fails; the largest that held is reported with what limits the next level
(the CPU of the server, of this client, of the database). Each level starts a fresh
server on a fresh database. The modes measured:
  - the single-person app on SQLite, one process (`acupress serve` as it ships);
  - the same on PostgreSQL (ACUPRESS_DATABASE_URL=postgresql+psycopg://...), when the
    psycopg driver is installed;
  - the server mode, PostgreSQL with one worker per CPU, when `acupress serve --help`
    offers --workers;
and, as the yardstick, a bare Starlette endpoint served by uvicorn the same way, in a
closed loop on the same number of connections.

Then the kill and restart: under load, one worker is killed with SIGKILL (when there are
workers), then the whole server, which is started again on the same database and port;
afterwards each session running at the kill is counted as resumed (answered again after
the restart), interrupted (so marked in the journal) or lost, and the acknowledged steps
are checked against the steps table.

Last, where the time goes, in-process (no HTTP): the CPU time of the session page and of
a step save (the "advance" that writes a step) per request, on SQLite and PostgreSQL,
from time.process_time over many requests, beside the bare endpoint's.

    python benchmarks/server_load.py [--quick]    (--quick: about two minutes)
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import math
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import local_postgres
from http_client import HOST, Closed, Conn, all_clear, get, percentile, post

ACUPRESS = str(Path(sys.executable).with_name("acupress"))
TARGET_P99_MS = 100.0
GOAL_PEOPLE = 10_000
CHECK_IN = 10.0  # seconds between the page's check-ins (session.js HEARTBEAT_MS)
RETRY = 0.2  # seconds before the page asks again after a failed request (its tick)
HUNG_UP = 599  # the status counted when the connection failed instead of answering
CONNECTIONS = 32  # keep-alive connections the simulated people share, at most

BARE = """
import socket
import sys

import uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route


async def session(request):
    return JSONResponse({"id": request.path_params["sid"], "index": 0, "finished": False})


async def action(request):
    given = await request.json()
    return JSONResponse({"id": request.path_params["sid"], "action": given["action"]})


app = Starlette(
    routes=[
        Route("/api/sessions/{sid:int}", session),
        Route("/api/sessions/{sid:int}/actions", action, methods=["POST"]),
    ]
)
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(("127.0.0.1", 0))
sock.listen(2048)
print(f"running at http://127.0.0.1:{sock.getsockname()[1]}/", flush=True)
config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
uvicorn.Server(config).run(sockets=[sock])
"""


# --- processes and their CPU ----------------------------------------------------------


def tree(pid: int) -> list[int]:
    return local_postgres._tree(pid)


def cpu_of(pids: list[int]) -> float:
    """User and system CPU seconds of these processes so far (Linux /proc)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def machine_cpu() -> float:
    ticks = [int(t) for t in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    def pids(self) -> list[int]:
        return tree(self.proc.pid)


def launch(name: str, cmd: list[str], env: dict[str, str], log: Path) -> Server:
    """A server as a subprocess in its own process group, its port read from the address
    it prints."""
    with log.open("ab") as sink:
        proc = subprocess.Popen(
            cmd, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    seen = log.stat().st_size if log.exists() else 0
    deadline = time.monotonic() + 60
    while True:
        found = re.search(rb"http://[^\s/]+:(\d+)/", log.read_bytes()[seen:])
        if found:
            return Server(name, proc, int(found[1]), log)
        if proc.poll() is not None or time.monotonic() > deadline:
            stop(proc)
            raise RuntimeError(f"{name} did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.05)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Ctrl-C first (sessions still running are closed as interrupted), harder if need be."""
    for sig, wait in ((signal.SIGINT, 15), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(wait)


@contextlib.contextmanager
def running(name: str, cmd: list[str], env: dict[str, str], log: Path) -> Iterator[Server]:
    server = launch(name, cmd, env, log)
    try:
        yield server
    finally:
        stop(server.proc)


# --- the client -----------------------------------------------------------------------


class Pool:
    """Keep-alive connections shared by many people: a request takes a free one."""

    def __init__(self, port: int, size: int) -> None:
        self.free: asyncio.Queue[Conn] = asyncio.Queue()
        self.conns = [Conn(port) for _ in range(size)]
        for c in self.conns:
            self.free.put_nowait(c)

    async def request(self, data: bytes) -> tuple[int, bytes, bytes]:
        conn = await self.free.get()
        try:
            return await conn.request(data)
        finally:
            self.free.put_nowait(conn)

    def close(self) -> None:
        for c in self.conns:
            c.close()


# --- simulated people -----------------------------------------------------------------


@dataclass
class Tally:
    """What the people saw: latencies and statuses in the measured window, and every
    step the server acknowledged, by session."""

    window: tuple[float, float] = (0.0, 0.0)
    latencies: list[float] = field(default_factory=list)
    statuses: collections.Counter[int] = field(default_factory=collections.Counter)
    refusals: dict[str, str] = field(default_factory=dict)  # the first answer of each
    by_kind: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))
    acked: dict[int, int] = field(default_factory=dict)  # session id: steps written
    sessions: int = 0
    closed: int = 0
    started_at: dict[int, float] = field(default_factory=dict)  # session: its start's answer
    answered_at: dict[int, float] = field(default_factory=dict)  # session: its last 2xx
    finished_at: dict[int, float] = field(default_factory=dict)  # session: seen to finish

    def note(self, kind: str, sent: float, status: int) -> None:
        done = time.perf_counter()
        if self.window[0] <= done < self.window[1]:
            self.latencies.append(done - sent)
            self.statuses[status] += 1
            self.by_kind[kind].append(done - sent)


class Person:
    """One simulated person, driving guided sessions the way the session page does."""

    def __init__(self, pool: Pool, port: int, token: str, speed: float, tally: Tally) -> None:
        self.pool, self.port, self.token = pool, port, token
        self.speed, self.tally = speed, tally

    async def send(self, kind: str, data: bytes) -> tuple[int, dict[str, object]]:
        sent = time.perf_counter()
        try:
            status, _head, body = await self.pool.request(data)
        except Closed:
            status, body = HUNG_UP, b""
        self.tally.note(kind, sent, status)
        if status >= 300:
            self.tally.refusals.setdefault(f"{kind} {status}", body[:200].decode(errors="replace"))
        answer = json.loads(body) if body.startswith(b"{") else {}
        return status, answer

    def ack(self, answer: dict[str, object]) -> None:
        """Steps the server says it has written (an answer to a write, never a peek)."""
        sid = int(str(answer["id"]))
        written = int(str(answer["steps_done"])) + int(str(answer["steps_skipped"]))
        self.tally.acked[sid] = max(self.tally.acked.get(sid, 0), written)
        self.tally.answered_at[sid] = time.perf_counter()

    async def run(self, until: float, delay: float) -> None:
        await asyncio.sleep(delay)
        check = post(self.port, "/api/check", self.token, all_clear())
        status, _ = await self.send("check", check)
        while status != 200 and time.perf_counter() < until:
            await asyncio.sleep(RETRY)
            status, _ = await self.send("check", check)
        while time.perf_counter() < until:
            await self.session(until)

    async def session(self, until: float) -> None:
        start = post(self.port, "/api/sessions", self.token, {"pain_before": 5})
        status, live = await self.send("start", start)
        if status != 201:
            await asyncio.sleep(RETRY)
            return
        self.ack(live)
        self.tally.sessions += 1
        sid = live["id"]
        self.tally.started_at[int(str(sid))] = time.perf_counter()
        peek = get(self.port, f"/api/sessions/{sid}", self.token)
        advance = post(self.port, f"/api/sessions/{sid}/actions", self.token, {"action": "advance"})
        last = time.perf_counter()
        deadline = last + float(str(live["step_remaining"])) / self.speed
        while not live["finished"]:
            check_in = last + CHECK_IN / self.speed
            now = time.perf_counter()
            if now >= until:
                return  # the run is over: the server closes what still runs
            await asyncio.sleep(max(0.0, min(check_in, deadline, until) - now))
            if time.perf_counter() >= until:
                return
            # Intervals run from when a request is sent: at real speed a few milliseconds
            # of latency are nothing beside 10 s, and sped up they must stay nothing.
            asked = time.perf_counter()
            if asked >= deadline:
                kind = "step save"
                status, answer = await self.send(kind, advance)
            elif asked >= check_in:
                kind = "check-in"
                status, answer = await self.send(kind, peek)
            else:
                continue
            if status == 404:
                return  # not running here any more: the page would be reloaded
            if status != 200:
                last = time.perf_counter() - CHECK_IN / self.speed + RETRY
                continue
            last = asked
            if kind == "step save":
                live = answer
                self.ack(live)
            else:
                self.tally.answered_at[int(str(sid))] = time.perf_counter()
                if answer["finished"]:
                    # A check-in reads a copy that has run on; the end is written by
                    # the step save, which comes next.
                    deadline = last
                    continue
                live = answer
            deadline = time.perf_counter() + float(str(live["step_remaining"])) / self.speed
        self.tally.finished_at[int(str(sid))] = time.perf_counter()
        closing = post(self.port, f"/api/sessions/{sid}/closing", self.token, {"pain_after": 3})
        status, _ = await self.send("closing", closing)
        if status == 200:
            self.tally.closed += 1


async def prepare(port: int) -> str:
    """The CSRF token; and each kind of request made once before anyone comes, in a
    session stopped at once: the first of each loads what it needs (the journal's
    tables, the safety rules, the protocol), a start-up cost, not a request's."""
    conn = Conn(port)
    try:
        status, head, _body = await conn.request(get(port, "/", ""))
        found = re.search(rb"(?i)\r\nset-cookie: acupress_csrf=(\w+)", head)
        if status != 200 or not found:
            raise RuntimeError(f"GET / answered {status} without the CSRF cookie")
        token = found[1].decode()
        status, _head, body = await conn.request(get(port, "/session", token))
        if status != 200:
            raise RuntimeError(f"GET /session answered {status}: {body[:300]!r}")
        first = [
            post(port, "/api/check", token, all_clear()),
            post(port, "/api/sessions", token, {"pain_before": 5}),
        ]
        for data in first:
            status, _head, body = await conn.request(data)
            if status not in (200, 201):
                raise RuntimeError(f"{data.split(b' ')[1]!r} answered {status}: {body[:300]!r}")
        sid = json.loads(body)["id"]
        for data in (
            get(port, f"/api/sessions/{sid}", token),
            post(port, f"/api/sessions/{sid}/actions", token, {"action": "stop"}),
            post(port, f"/api/sessions/{sid}/closing", token, {"pain_after": 3}),
        ):
            status, _head, body = await conn.request(data)
            if status != 200:
                raise RuntimeError(f"{data.split(b' ')[1]!r} answered {status}: {body[:300]!r}")
    finally:
        conn.close()
    return token


@dataclass
class Sampled:
    """CPU used during the window, in cores (1.0 is one core busy all the time)."""

    server: float = 0.0
    client: float = 0.0
    database: float = 0.0
    others: float = 0.0


async def sample(
    window: tuple[float, float],
    server_pids: Callable[[], list[int]],
    db_pids: Callable[[], list[int]],
) -> Sampled:
    await asyncio.sleep(max(0.0, window[0] - time.perf_counter()))
    before = (time.process_time(), cpu_of(server_pids()), cpu_of(db_pids()), machine_cpu())
    begun = time.perf_counter()
    await asyncio.sleep(max(0.0, window[1] - time.perf_counter()))
    after = (time.process_time(), cpu_of(server_pids()), cpu_of(db_pids()), machine_cpu())
    took = time.perf_counter() - begun
    used = [(a - b) / took for a, b in zip(after, before, strict=True)]
    return Sampled(used[1], used[0], used[2], max(0.0, used[3] - used[0] - used[1] - used[2]))


async def crowd(
    port: int,
    people: int,
    speed: float,
    warmup: float,
    seconds: float,
    server_pids: Callable[[], list[int]],
    db_pids: Callable[[], list[int]],
    events: Callable[[float], object] | None = None,
) -> tuple[Tally, Sampled]:
    """``people`` people for ``warmup`` + ``seconds``, their first sessions spread over
    the warm-up; what completes after it counts."""
    token = await prepare(port)
    tally = Tally()
    pool = Pool(port, min(people, CONNECTIONS))
    begin = time.perf_counter()
    tally.window = (begin + warmup, begin + warmup + seconds)
    until = tally.window[1]
    spread = random.Random(people)
    folks = [Person(pool, port, token, speed, tally) for _ in range(people)]
    runs = [asyncio.ensure_future(p.run(until, spread.uniform(0, warmup))) for p in folks]
    if events is not None:
        runs.append(asyncio.ensure_future(asyncio.to_thread(events, begin)))
    try:
        cpu = await sample(tally.window, server_pids, db_pids)
        await asyncio.gather(*runs)
    finally:
        for r in runs:
            r.cancel()
        pool.close()
    tally.latencies.sort()
    return tally, cpu


# --- counting in the database ---------------------------------------------------------


@dataclass
class Counted:
    acknowledged: int = 0
    lost: int = 0  # acknowledged, not in the steps table
    doubled: int = 0  # a step of a session present more than once
    unacknowledged: int = 0  # written, never acknowledged (in flight, or closed on stop)
    interrupted: set[int] = field(default_factory=set)
    open: set[int] = field(default_factory=set)  # no end recorded


class Database:
    """Where a mode's journal lives, and how to read it afterwards."""

    def __init__(self, label: str, env: dict[str, str], rows: Callable[[str], list[list[str]]]):
        self.label, self.env, self.rows = label, env, rows

    def count(self, acked: dict[int, int]) -> Counted:
        found = collections.Counter[tuple[int, int]]()
        for sid, position, n in self.rows(
            "SELECT session_id, position, count(*) FROM steps GROUP BY session_id, position"
        ):
            found[int(sid), int(position)] = int(n)
        c = Counted(acknowledged=sum(acked.values()))
        for sid, n in acked.items():
            c.lost += sum(1 for pos in range(n) if found[sid, pos] == 0)
        c.doubled = sum(n - 1 for n in found.values() if n > 1)
        c.unacknowledged = sum(1 for (sid, pos) in found if pos >= acked.get(sid, 0))
        for sid, reason, ended in self.rows(
            "SELECT id, coalesce(stop_reason, ''), "
            "CASE WHEN ended_at IS NULL THEN 0 ELSE 1 END FROM sessions"
        ):
            if reason == "interrupted":
                c.interrupted.add(int(sid))
            if ended == "0":
                c.open.add(int(sid))
        return c


def sqlite_database(home: Path, base: dict[str, str]) -> Database:
    def rows(sql: str) -> list[list[str]]:
        db = sqlite3.connect(f"file:{home / 'journal.db'}?mode=ro", uri=True)
        try:
            return [[str(v) for v in r] for r in db.execute(sql)]
        finally:
            db.close()

    return Database("SQLite", dict(base, ACUPRESS_HOME=str(home)), rows)


def postgres_database(
    pg: local_postgres.Postgres, name: str, home: Path, base: dict[str, str]
) -> Database:
    pg.create_database(name)
    env = dict(base, ACUPRESS_HOME=str(home), ACUPRESS_DATABASE_URL=pg.url(name))
    # A database server is migrated explicitly, as an administrator would.
    subprocess.run([ACUPRESS, "db", "upgrade"], env=env, check=True, capture_output=True)
    return Database("PostgreSQL", env, lambda sql: pg.query(name, sql))


# --- the modes ------------------------------------------------------------------------


@dataclass
class Mode:
    name: str
    database: str  # "sqlite" or "postgresql"
    workers: int  # 0: the one process of `acupress serve` as it ships


@dataclass
class Offered:
    """What `acupress serve` offers in this installation."""

    workers: bool
    accounts: bool
    psycopg: bool


def offered() -> Offered:
    text = subprocess.run([ACUPRESS, "serve", "--help"], capture_output=True, text=True).stdout
    has_driver = subprocess.run(
        [sys.executable, "-c", "import psycopg"], capture_output=True
    ).returncode
    return Offered("--workers" in text, "--accounts" in text, has_driver == 0)


def modes(found: Offered, pg: local_postgres.Postgres | None) -> tuple[list[Mode], list[str]]:
    """The modes to measure, and a sentence for each one skipped."""
    chosen, skipped = [Mode("single-person, SQLite, 1 process", "sqlite", 0)], []
    if pg is None:
        skipped.append("PostgreSQL: it could not be started (see above)")
    elif not found.psycopg:
        skipped.append(
            "PostgreSQL: the psycopg driver is not installed in this environment "
            "(pip install 'psycopg[binary]>=3.1')"
        )
    else:
        chosen.append(Mode("PostgreSQL, 1 process", "postgresql", 0))
        if found.workers:
            chosen.append(Mode("server mode, PostgreSQL", "postgresql", os.cpu_count() or 2))
        else:
            skipped.append(
                "server mode with workers: `acupress serve --help` offers no --workers yet"
            )
    if found.accounts:
        skipped.append(
            "accounts: `acupress serve --accounts` is offered, but these people do not sign "
            "in yet; measured without it"
        )
    return chosen, skipped


def serve_command(mode: Mode, speed: float, port: int = 0) -> list[str]:
    cmd = [ACUPRESS, "serve", "--host", HOST, "--port", str(port), "--speed", f"{speed:g}"]
    if mode.workers:
        cmd += ["--workers", str(mode.workers)]
    return cmd


@dataclass
class Level:
    people: int
    speed: float
    tally: Tally
    cpu: Sampled
    counted: Counted

    @property
    def equivalent(self) -> int:
        return round(self.people * self.speed)

    @property
    def p99(self) -> float:
        return percentile(self.tally.latencies, 0.99) * 1000

    @property
    def p50(self) -> float:
        return percentile(self.tally.latencies, 0.50) * 1000

    @property
    def errors(self) -> int:
        return sum(n for s, n in self.tally.statuses.items() if s >= 300)

    @property
    def rps(self) -> float:
        return len(self.tally.latencies) / (self.tally.window[1] - self.tally.window[0])

    @property
    def held(self) -> bool:
        return (
            self.p99 < TARGET_P99_MS
            and self.errors == 0
            and self.counted.lost == 0
            and self.counted.doubled == 0
        )


class Bench:
    def __init__(self, tmp: Path, pg: local_postgres.Postgres | None, speed: float) -> None:
        self.tmp, self.pg, self.speed = tmp, pg, speed
        self.base = {k: v for k, v in os.environ.items() if not k.startswith("ACUPRESS_")}
        self.base["XDG_CACHE_HOME"] = str(tmp / "cache")
        self.made = 0

    def database(self, mode: Mode) -> Database:
        self.made += 1
        home = self.tmp / f"home-{self.made}"
        if mode.database == "sqlite":
            return sqlite_database(home, self.base)
        assert self.pg is not None
        return postgres_database(self.pg, f"journal_{self.made}", home, self.base)

    def db_pids(self, mode: Mode) -> Callable[[], list[int]]:
        """The database's processes when asked (its backends come with the server's
        connections)."""
        pg = self.pg if mode.database == "postgresql" else None
        return pg.server_pids if pg is not None else list

    def level(self, mode: Mode, people: int, warmup: float, seconds: float) -> Level:
        db = self.database(mode)
        log = self.tmp / f"serve-{self.made}.log"
        with running("acupress", serve_command(mode, self.speed), db.env, log) as server:
            tally, cpu = asyncio.run(
                crowd(
                    server.port,
                    people,
                    self.speed,
                    warmup,
                    seconds,
                    server.pids,
                    self.db_pids(mode),
                )
            )
        # Counted once the server has stopped and closed what still ran.
        return Level(people, self.speed, tally, cpu, db.count(tally.acked))

    def step_up(self, mode: Mode, start: int, warmup: float, seconds: float, most: int) -> Ladder:
        """Double the people until a level breaks, then halve the gap once or twice."""
        ladder = Ladder(mode)
        people, good, bad = start, 0, 0
        for _ in range(most):
            lv = self.level(mode, people, warmup, seconds)
            ladder.levels.append(lv)
            show_level(lv)
            if lv.held:
                good = max(good, people)
            else:
                bad = people if not bad else min(bad, people)
            if not bad:
                people *= 2
            elif bad - good <= max(2, good // 8):
                break
            else:
                people = (good + bad) // 2 if good else max(1, bad // 2)
        return ladder


@dataclass
class Ladder:
    mode: Mode
    levels: list[Level] = field(default_factory=list)

    @property
    def best(self) -> Level | None:
        held = [lv for lv in self.levels if lv.held]
        return max(held, key=lambda lv: lv.people) if held else None

    @property
    def broke(self) -> Level | None:
        best = self.best
        above = [lv for lv in self.levels if not lv.held and (not best or lv.people > best.people)]
        return min(above, key=lambda lv: lv.people) if above else None


def limit(lv: Level, workers: int) -> str:
    """What limited a level that broke, in words."""
    cores = max(1, workers)
    c = lv.cpu
    if c.client >= 0.8:
        return f"the client's CPU ({c.client:.0%} of a core)"
    if c.server >= 0.85 * cores:
        where = "its one process" if cores == 1 else f"its {cores} workers"
        return f"the server's CPU ({c.server:.0%} of a core, {where})"
    if c.database >= 0.85:
        return f"the database's CPU ({c.database:.0%} of a core)"
    busy = lv.tally.statuses.get(503, 0)
    if busy:
        return f"the database: {busy} requests answered 503 (busy)"
    total = c.server + c.client + c.database + c.others
    if total >= 0.85 * (os.cpu_count() or 1):
        return (
            f"the machine's CPUs, all busy: server {c.server:.0%}, client {c.client:.0%}, "
            f"database {c.database:.0%}, other processes {c.others:.0%}"
        )
    return (
        f"no CPU saturated (server {c.server:.0%}, client {c.client:.0%}, database "
        f"{c.database:.0%}): waits inside the server"
    )


def statuses(lv: Level) -> str:
    bad = {s: n for s, n in sorted(lv.tally.statuses.items()) if s >= 300}
    return ", ".join(f"{n}x {'no answer' if s == HUNG_UP else s}" for s, n in bad.items())


def show_level(lv: Level) -> None:
    c = lv.cpu
    print(
        f"    {lv.people:5d} x{lv.speed:g} = {lv.equivalent:6d} people: {lv.rps:6.0f} rps, "
        f"p50 {lv.p50:6.1f} ms, p99 {lv.p99:7.1f} ms, {lv.errors} errors; CPU server "
        f"{c.server:4.0%} client {c.client:4.0%} db {c.database:4.0%} others {c.others:4.0%}; "
        f"steps {lv.counted.acknowledged} acknowledged, {lv.counted.lost} lost, "
        f"{lv.counted.doubled} doubled  {'held' if lv.held else 'BROKE'}",
        flush=True,
    )
    kinds = []
    for kind, times in sorted(lv.tally.by_kind.items()):
        times.sort()
        kinds.append(f"{kind} {len(times)}, p99 {percentile(times, 0.99) * 1000:.0f} ms")
    print(f"          {'; '.join(kinds)}", flush=True)
    if lv.errors:
        print(f"          not 2xx: {statuses(lv)}", flush=True)
    for what, body in lv.tally.refusals.items():
        print(f"          first {what}: {body}", flush=True)


# --- the yardstick --------------------------------------------------------------------


async def closed_loop(port: int, connections: int, seconds: float) -> tuple[float, float, float]:
    """Requests per second, p99 in ms, and the client's CPU, with each connection
    sending its next request as soon as the answer is in (check-ins and step saves,
    nine to one)."""
    peek = get(port, "/api/sessions/1", "t")
    save = post(port, "/api/sessions/1/actions", "t", {"action": "advance"})
    conns = [Conn(port) for _ in range(connections)]
    latencies: list[float] = []
    begin = time.perf_counter()
    counted, end = begin + 1.0, begin + 1.0 + seconds

    async def loop(conn: Conn, n: int) -> None:
        while (sent := time.perf_counter()) < end:
            n += 1
            await conn.request(save if n % 10 == 0 else peek)
            if (done := time.perf_counter()) >= counted:
                latencies.append(done - sent)

    await asyncio.sleep(0)
    cpu = time.process_time()
    await asyncio.gather(*(loop(c, i) for i, c in enumerate(conns)))
    client = (time.process_time() - cpu) / (time.perf_counter() - begin)
    for c in conns:
        c.close()
    latencies.sort()
    return len(latencies) / seconds, percentile(latencies, 0.99) * 1000, client


# --- kill and restart -----------------------------------------------------------------


@dataclass
class Killed:
    mode: Mode
    people: int
    speed: float
    tally: Tally
    counted: Counted
    running_at_kill: set[int]
    worker_killed: str
    resumed: set[int] = field(default_factory=set)


def kill_and_restart(bench: Bench, mode: Mode, people: int, seconds: float) -> Killed:
    """Load; a worker killed (SIGKILL) a third of the way, the whole server at two
    thirds and started again on the same database and port; load until the end."""
    db = bench.database(mode)
    log = bench.tmp / f"serve-{bench.made}.log"
    port = local_postgres.free_port()
    cmd = serve_command(mode, bench.speed, port)
    holder: dict[str, Server] = {"server": launch("acupress", cmd, db.env, log)}
    note = {"worker": "", "killed_at": 0.0}
    tallies: list[Tally] = []

    def events(begin: float) -> None:
        time.sleep(max(0.0, begin + seconds / 3 - time.perf_counter()))
        server = holder["server"]
        children = [p for p in server.pids() if p != server.proc.pid]
        if mode.workers and children:
            os.kill(children[0], signal.SIGKILL)
            note["worker"] = f"worker {children[0]} killed with SIGKILL"
        else:
            note["worker"] = "no workers: the one process is the server"
        time.sleep(max(0.0, begin + 2 * seconds / 3 - time.perf_counter()))
        note["killed_at"] = time.perf_counter()
        os.killpg(server.proc.pid, signal.SIGKILL)
        server.proc.wait()
        holder["server"] = launch("acupress", cmd, db.env, log)

    try:
        tally, _cpu = asyncio.run(
            crowd(
                port,
                people,
                bench.speed,
                1.0,
                seconds,
                lambda: holder["server"].pids(),
                bench.db_pids(mode),
                events,
            )
        )
        tallies.append(tally)
    finally:
        stop(holder["server"].proc)
    killed_at = note["killed_at"]
    tally = tallies[0]
    counted = db.count(tally.acked)
    # Sessions running at the kill: started before it, not seen to finish before it.
    running_then = {
        sid
        for sid, at in tally.started_at.items()
        if at < killed_at and tally.finished_at.get(sid, math.inf) > killed_at
    }
    result = Killed(mode, people, bench.speed, tally, counted, running_then, note["worker"])
    result.resumed = {sid for sid in running_then if tally.answered_at[sid] > killed_at}
    return result


# --- in-process: where the time goes --------------------------------------------------


def in_process(bench: Bench, mode: Mode, repeats: int) -> tuple[float, float, float, int]:
    """CPU milliseconds per request of the session page, of a step save and of a
    check-in, through the ASGI app in a process of its own (no HTTP), time injected; and
    the sessions in the journal."""
    code = IN_PROCESS.replace("REPEATS", str(repeats))
    db = bench.database(mode)
    done = subprocess.run(
        [sys.executable, "-c", code], env=db.env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise RuntimeError(f"in-process measure failed:\n{done.stderr[-2000:]}")
    page, step, peek, sessions = done.stdout.split()
    return float(page), float(step), float(peek), int(sessions)


# Run in a fresh interpreter, with the mode's ACUPRESS_HOME and ACUPRESS_DATABASE_URL.
IN_PROCESS = """
import asyncio, json, time
from acupress import safety
from acupress.clock import FakeClock
from acupress.web.app import create_app
from acupress.web.context import Options

clocks = []
def clock(_speed):
    clocks.append(FakeClock())
    return clocks[-1]

app = create_app(Options(clock=clock))
token = ""
cookies = {}

async def call(method, path, body=None):
    data = b"" if body is None else json.dumps(body).encode()
    headers = [(b"host", b"127.0.0.1"), (b"cookie", b"acupress_csrf=" + token.encode()),
               (b"x-csrf-token", token.encode()), (b"content-type", b"application/json"),
               (b"content-length", str(len(data)).encode())]
    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(),
             "query_string": b"", "headers": headers, "http_version": "1.1",
             "scheme": "http", "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 1),
             "root_path": ""}
    sent = False
    async def receive():
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": data, "more_body": False}
    out = {"status": 0, "body": b""}
    async def send(message):
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
            for name, value in message["headers"]:
                if name == b"set-cookie":
                    key, _, rest = value.decode().partition("=")
                    cookies[key] = rest.split(";")[0]
        elif message["type"] == "http.response.body":
            out["body"] += message.get("body", b"")
    await app(scope, receive, send)
    return out["status"], out["body"]

async def main():
    global token
    status, body = await call("GET", "/")
    assert status == 200, status
    token = cookies["acupress_csrf"]
    answers = {q.id: {"yes_no": False, "number": 40, "points": []}[q.type]
               for q in safety.default_screening().questions}
    status, body = await call("POST", "/api/check", {"answers": answers})
    assert status == 200, body
    live = None
    async def fresh():
        status, body = await call("POST", "/api/sessions", {"pain_before": 5})
        assert status == 201, body
        return json.loads(body)
    live = await fresh()
    for _ in range(5):
        await call("GET", "/session")
    cpu = time.process_time()
    for _ in range(REPEATS):
        status, body = await call("GET", "/session")
        assert status == 200 and b"Prepare your space" in body, status
    page = (time.process_time() - cpu) / REPEATS
    cpu = time.process_time()
    for _ in range(REPEATS):
        status, body = await call("GET", f"/api/sessions/{live['id']}")
        assert status == 200, body
    peek = (time.process_time() - cpu) / REPEATS
    spent = 0.0
    for n in range(REPEATS):
        if live["finished"]:
            await call("POST", f"/api/sessions/{live['id']}/closing", {"pain_after": 3})
            live = await fresh()
        remaining = live["step_remaining"]
        while remaining > 10:  # the page's check-ins meanwhile (not timed): it is there
            clocks[-1].advance(10)
            remaining -= 10
            await call("POST", f"/api/sessions/{live['id']}/actions", {"action": "advance"})
        clocks[-1].advance(remaining)
        cpu = time.process_time()
        status, body = await call("POST", f"/api/sessions/{live['id']}/actions",
                                  {"action": "advance"})
        spent += time.process_time() - cpu
        assert status == 200, body
        before = live["steps_done"]
        live = json.loads(body)
        assert live["steps_done"] == before + 1, (before, live["steps_done"])
    status, body = await call("GET", "/api/journal")
    print(page * 1000, spent / REPEATS * 1000, peek * 1000, len(json.loads(body)))

asyncio.run(main())
"""

BARE_IN_PROCESS = """
import asyncio, time
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

async def page(request):
    return HTMLResponse("<!doctype html><title>bare</title><p>Hello.</p>")

app = Starlette(routes=[Route("/session", page)])

async def main():
    scope = {"type": "http", "method": "GET", "path": "/session", "raw_path": b"/session",
             "query_string": b"", "headers": [(b"host", b"127.0.0.1")], "http_version": "1.1",
             "scheme": "http", "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 1),
             "root_path": ""}
    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}
    async def send(message):
        pass
    for _ in range(100):
        await app(scope, receive, send)
    cpu = time.process_time()
    for _ in range(REPEATS):
        await app(scope, receive, send)
    print((time.process_time() - cpu) / REPEATS * 1000)

asyncio.run(main())
"""


# --- the run --------------------------------------------------------------------------


@dataclass
class Plan:
    speed: float
    warmup: float
    seconds: float
    start: int  # simulated people at the first level
    most: int  # levels at most, per mode
    kill_seconds: float
    repeats: int  # in-process requests of each kind


FULL = Plan(speed=200, warmup=5, seconds=12, start=6, most=7, kill_seconds=15, repeats=300)
QUICK = Plan(speed=200, warmup=3, seconds=5, start=12, most=3, kill_seconds=9, repeats=100)
SMOKE = Plan(speed=500, warmup=1, seconds=2, start=3, most=1, kill_seconds=0, repeats=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run, a smoke check")
    parser.add_argument(
        "--smoke", action="store_true", help="the smallest run: SQLite, one level, a few seconds"
    )
    given = parser.parse_args()
    plan = SMOKE if given.smoke else QUICK if given.quick else FULL

    def terminated(_sig: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminated)
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="acupress-server-")))
        if given.smoke:
            bench = Bench(tmp, None, plan.speed)
            mode = Mode("single-person, SQLite, 1 process", "sqlite", 0)
            lv = bench.level(mode, plan.start, plan.warmup, plan.seconds)
            show_level(lv)
            c = lv.counted
            print(
                f"counted: {lv.tally.sessions} sessions, {c.acknowledged} steps acknowledged, "
                f"{c.lost} lost, {c.doubled} doubled"
            )
            return 0 if c.lost == c.doubled == 0 and c.acknowledged else 1
        return run(stack, tmp, plan)


def run(stack: contextlib.ExitStack, tmp: Path, plan: Plan) -> int:
    cpus = os.cpu_count() or 1
    found = offered()
    pg: local_postgres.Postgres | None = None
    try:
        pg = stack.enter_context(local_postgres.started(tmp))
    except local_postgres.Unavailable as e:
        print(f"PostgreSQL: {e}")
    chosen, skipped = modes(found, pg)
    bench = Bench(tmp, pg, plan.speed)
    print(
        f"People practising at once, on {cpus} CPUs shared by the server, the database and "
        f"this client.\nEach level: {plan.warmup:g} s of warm-up (first sessions spread over "
        f"it), {plan.seconds:g} s measured; sessions {plan.speed:g} times faster, so people x "
        f"{plan.speed:g} = people at real speed. A level holds with p99 < {TARGET_P99_MS:g} ms, "
        "no error, no step lost or doubled."
    )
    print(
        f"`acupress serve --help`: --workers {'offered' if found.workers else 'not offered'}, "
        f"--accounts {'offered' if found.accounts else 'not offered'}; psycopg "
        f"{'installed' if found.psycopg else 'not installed'}"
    )
    print("Measured: " + "; ".join(m.name for m in chosen))
    for s in skipped:
        print(f"Skipped: {s}")
    ladders = []
    for mode in chosen:
        print(f"\n  {mode.name}:")
        ladders.append(bench.step_up(mode, plan.start, plan.warmup, plan.seconds, plan.most))

    print("\n  Yardstick, bare Starlette (uvicorn as acupress ships it), closed loop:")
    bare_py = tmp / "bare.py"
    bare_py.write_text(BARE)
    with running("bare", [sys.executable, str(bare_py)], bench.base, tmp / "bare.log") as bare:
        conns = min(CONNECTIONS, max(lv.people for ld in ladders for lv in ld.levels))
        bare_rps, bare_p99, bare_client = asyncio.run(closed_loop(bare.port, conns, plan.seconds))
    print(
        f"    {conns} connections: {bare_rps:.0f} rps, p99 {bare_p99:.1f} ms "
        f"(client CPU {bare_client:.0%})"
    )

    main_mode = chosen[-1]
    killed = None
    if plan.kill_seconds:
        best = ladders[-1].best
        people = max(2, (best.people if best else plan.start) // 2)
        print(f"\n  Kill and restart ({main_mode.name}, {people} x{plan.speed:g} people):")
        killed = kill_and_restart(bench, main_mode, people, plan.kill_seconds)
        show_killed(killed)

    print("\n  Where the time goes, in-process (no HTTP), CPU per request:")
    for mode in chosen:
        if mode.workers:
            continue
        page, step, peek, sessions = in_process(bench, mode, plan.repeats)
        print(
            f"    {mode.database:10}: session page {page:5.2f} ms, step save {step:5.2f} ms, "
            f"check-in {peek:5.2f} ms ({plan.repeats} each; {sessions} sessions in the journal)"
        )
    code = BARE_IN_PROCESS.replace("REPEATS", str(plan.repeats * 10))
    bare_ms = float(subprocess.check_output([sys.executable, "-c", code], text=True))
    print(f"    {'bare':10}: GET {bare_ms:5.2f} ms  (before: SQLite page 1.1 ms, step save 2.1 ms)")

    summary(ladders, bare_rps, killed, cpus)
    return 0


def show_killed(k: Killed) -> None:
    c = k.counted
    after = k.running_at_kill - k.resumed
    interrupted = after & c.interrupted
    lost = after - c.interrupted
    print(
        f"    {k.worker_killed}; then the whole server killed (SIGKILL) and started again.\n"
        f"    {len(k.running_at_kill)} sessions running at the kill: {len(k.resumed)} resumed, "
        f"{len(interrupted)} marked interrupted, {len(lost)} lost\n"
        f"    steps: {c.acknowledged} acknowledged, {c.lost} lost, {c.doubled} doubled, "
        f"{c.unacknowledged} written without an acknowledgement (in flight or closed at the "
        f"stop); requests not 2xx: {statuses_of(k.tally)}"
    )


def statuses_of(t: Tally) -> str:
    bad = {s: n for s, n in sorted(t.statuses.items()) if s >= 300}
    return ", ".join(f"{n}x {'no answer' if s == HUNG_UP else s}" for s, n in bad.items()) or "0"


def summary(ladders: list[Ladder], bare_rps: float, killed: Killed | None, cpus: int) -> None:
    print("\n  Summary:")
    for ladder in ladders:
        best, broke = ladder.best, ladder.broke
        name = ladder.mode.name
        if best is None:
            print(f"    {name}: no level held")
        else:
            goal = "held" if best.equivalent >= GOAL_PEOPLE else "MISSED"
            print(
                f"    {name}: {best.equivalent} people at once ({best.people} x{best.speed:g}), "
                f"{best.rps:.0f} rps, p99 {best.p99:.1f} ms; goal {GOAL_PEOPLE}: {goal} "
                f"(the bare endpoint: {bare_rps:.0f} rps, closed loop, same connections)"
            )
        top = max(ladder.levels, key=lambda lv: lv.rps)
        if top.cpu.server > 0:
            cores = max(1, ladder.mode.workers)
            print(
                f"      server CPU {top.cpu.server / top.rps * 1000:.2f} ms a request (at "
                f"{top.rps:.0f} rps): {cores} core(s) of it alone would carry about "
                f"{top.equivalent * cores / top.cpu.server:,.0f} people"
            )
        if broke is not None:
            print(
                f"      at {broke.equivalent} people: p99 {broke.p99:.0f} ms, "
                f"{broke.errors} errors; limit: {limit(broke, ladder.mode.workers)}"
            )
    if killed is not None:
        c = killed.counted
        lost = len(killed.running_at_kill - killed.resumed - c.interrupted)
        print(
            f"    kill and restart: {c.lost} acknowledged steps lost, {c.doubled} doubled; "
            f"{lost} sessions lost"
        )


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted: servers stopped, temporary files removed", file=sys.stderr)
        sys.exit(130)
