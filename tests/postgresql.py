"""A real PostgreSQL for the tests: one server for the whole test session, started from
its own binaries in a temporary directory (listening on a Unix socket there only), with
a journal migrated once and copied as a fresh database for each test.

PostgreSQL refuses to run as root, so as root its programs run as the system user
``postgres`` (made when missing), which is given the directory."""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

USER = "postgres"
TEMPLATE = "acupress_template"


def binaries() -> Path | None:
    """The directory of initdb and pg_ctl: on PATH, else Debian's (newest first)."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    for directory in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(directory) / "initdb").exists():
            return Path(directory)
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A PostgreSQL server of its own, in a temporary directory."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="acupress-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        self._names = itertools.count(1)

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", USER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")

    def start(self) -> None:
        if self.as_root:
            if subprocess.run(["id", "-u", USER], capture_output=True).returncode != 0:
                subprocess.run(["useradd", "--system", USER], check=True)
            shutil.chown(self.root, USER)
        self._run("initdb", "-D", str(self.data), "-U", USER, "--auth=trust", "-E", "UTF8")
        # Durability is not what these tests are about: no waiting on the disk.
        options = (
            f"-k {self.root} -p {self.port} -c listen_addresses='' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"),
                  "-w", "start")  # fmt: skip

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{USER}@/{database}?host={self.root}&port={self.port}"

    def admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(
            dbname="postgres", user=USER, host=str(self.root), port=self.port, autocommit=True
        ) as conn:
            conn.execute(statement)  # type: ignore[arg-type]

    def make_template(self) -> None:
        """A database migrated to this acupress's schema, to copy for each test."""
        from acupress.journal import Journal

        self.admin(f"CREATE DATABASE {TEMPLATE}")
        Journal(self.url(TEMPLATE)).close()

    def fresh(self) -> str:
        """A new database, a copy of the migrated one; its URL."""
        name = f"journal_{next(self._names)}"
        self.admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.url(name)

    def empty(self) -> str:
        """A new database without any table; its URL."""
        name = f"empty_{next(self._names)}"
        self.admin(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop(self, url: str) -> None:
        name = url.partition("@/")[2].partition("?")[0]
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def running() -> Iterator[Server]:
    bin_dir = binaries()
    if bin_dir is None:
        raise RuntimeError(
            "PostgreSQL is not installed (no initdb on PATH or in /usr/lib/postgresql): "
            "apt-get install postgresql"
        )
    server = Server(bin_dir)
    try:
        server.start()
        server.make_template()
        yield server
    finally:
        server.stop()
