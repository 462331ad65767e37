"""A throwaway PostgreSQL for the benchmarks: initdb and pg_ctl under a temporary
directory, listening on a Unix socket in that directory and on a free loopback port,
stopped and removed on the way out.

PostgreSQL refuses to run as root, so when this runs as root the server runs as the
system user ``postgres`` (through ``runuser``, the user made with ``useradd --system``
when missing), which is given the directory.

    with local_postgres.started(Path(tmp)) as pg:
        pg.url("journal")        # postgresql+psycopg://bench@127.0.0.1:PORT/journal
        pg.create_database("journal")
        pg.query("journal", "SELECT count(*) FROM steps")
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

USER = "bench"  # the database's superuser: trust authentication, loopback and socket only
SYSTEM_USER = "postgres"  # who runs the server when this runs as root


class Unavailable(Exception):
    """PostgreSQL cannot be started here; the message says why, in one sentence."""


def binaries() -> Path:
    """The directory of initdb, pg_ctl and psql: where pg_ctl on PATH really lives (a
    link's target), else the newest /usr/lib/postgresql/*/bin (Debian keeps it off PATH)."""
    found = shutil.which("pg_ctl")
    if found and (Path(found).resolve().parent / "psql").exists():
        return Path(found).resolve().parent
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: int(Path(p).parent.parent.name.split(".")[0] or 0),
    )
    if not versions:
        raise Unavailable(
            "PostgreSQL is not installed: no pg_ctl on PATH or under /usr/lib/postgresql "
            "(on Debian: apt-get install postgresql)."
        )
    return Path(versions[-1]).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user() -> list[str]:
    """The prefix that runs a command as the user the server may run as."""
    if os.geteuid() != 0:
        return []
    try:
        subprocess.run(["id", "-u", SYSTEM_USER], check=True, capture_output=True)
    except subprocess.CalledProcessError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", SYSTEM_USER],
            check=True,
            capture_output=True,
        )
    return ["runuser", "-u", SYSTEM_USER, "--"]


@dataclass
class Postgres:
    bin: Path
    root: Path  # data/, the socket and the log live here
    port: int
    run_as: list[str]

    @property
    def socket_dir(self) -> Path:
        return self.root

    def url(self, database: str, driver: str = "psycopg") -> str:
        """The SQLAlchemy URL of a database over TCP on loopback."""
        return f"postgresql+{driver}://{USER}@127.0.0.1:{self.port}/{database}"

    def psql(self, database: str, sql: str) -> str:
        """Run SQL through psql on the Unix socket; its unaligned output."""
        done = subprocess.run(
            [
                str(self.bin / "psql"),
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                str(self.socket_dir),
                "-p",
                str(self.port),
                "-U",
                USER,
                "-d",
                database,
                "-c",
                sql,
            ],
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise RuntimeError(f"psql failed on {sql!r}: {done.stderr.strip()}")
        return done.stdout

    def query(self, database: str, sql: str) -> list[list[str]]:
        """Rows of a query, each a list of its columns as text."""
        return [line.split("|") for line in self.psql(database, sql).splitlines() if line]

    def create_database(self, name: str) -> None:
        self.psql("postgres", f'CREATE DATABASE "{name}"')

    def server_pids(self) -> list[int]:
        """The postmaster and every backend it runs: the database's processes."""
        try:
            first = (self.root / "data" / "postmaster.pid").read_text().split("\n", 1)[0]
        except OSError:
            return []
        return _tree(int(first))


def _tree(pid: int) -> list[int]:
    """A process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


@contextlib.contextmanager
def started(tmp: Path, *, max_connections: int = 200) -> Iterator[Postgres]:
    """A new PostgreSQL cluster under ``tmp/postgres``, running until the block ends."""
    bin_dir = binaries()
    root = tmp / "postgres"
    root.mkdir(mode=0o700)
    run_as = _as_server_user()
    if run_as:
        shutil.chown(root, SYSTEM_USER, SYSTEM_USER)
        # The server user must be able to reach its directory through the temporary one.
        tmp.chmod(tmp.stat().st_mode | 0o711)
    data = root / "data"
    initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", USER, "-A", "trust"]
    done = subprocess.run([*run_as, *initdb, "-E", "UTF8", "--no-sync"], capture_output=True)
    if done.returncode:
        raise Unavailable(f"initdb failed: {done.stderr.decode(errors='replace').strip()}")
    port = free_port()
    options = (
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 "
        f"-c max_connections={max_connections} -c shared_buffers=128MB "
        # Commits do not wait for the disk's flush (as SQLite's WAL mode with synchronous
        # NORMAL): a crash of the process loses nothing, a power cut the last commits.
        "-c synchronous_commit=off"
    )
    log = root / "server.log"
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options]
    done = subprocess.run([*run_as, *pg_ctl, "-w", "-t", "60", "start"], capture_output=True)
    pg = Postgres(bin_dir, root, port, run_as)
    try:
        if done.returncode:
            text = log.read_text(errors="replace") if log.exists() else done.stderr.decode()
            raise Unavailable(f"PostgreSQL did not start: {text.strip()[-500:]}")
        deadline = time.monotonic() + 30
        while True:
            try:
                pg.psql("postgres", "SELECT 1")
                break
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield pg
    finally:
        stop = [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]
        subprocess.run([*run_as, *stop], capture_output=True)
