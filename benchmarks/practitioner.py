"""A practitioner's list of people on PostgreSQL: 200 people sharing with one
practitioner, each with three months of sessions (about 75 each, 15,000 in all), on a
PostgreSQL this script starts itself (local_postgres.py).

Prints the server time of the list (the API's and the page's, measured in-process
around the request: no network), its median and p95 over the runs, and how many SQL
statements one list runs. Target: under 300 ms, with a number of statements that does
not grow with the people.

    python benchmarks/practitioner.py [PEOPLE] [RUNS]
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import local_postgres

from acupress.records import SessionLog

PEOPLE = int(sys.argv[1]) if len(sys.argv) > 1 else 200
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 15
DAYS = 90
TARGET_MS = 300.0
NOW = dt.datetime(2026, 3, 2, 7, 30, tzinfo=dt.UTC)
PASSWORD = "correct horse battery"


def sessions_of(n: int) -> list[SessionLog]:
    """About 75 sessions in 90 days, pain drifting down (or, for some, not)."""
    rng = random.Random(n)
    logs = []
    for day in range(DAYS):
        if rng.random() < 0.17:
            continue
        at = NOW - dt.timedelta(days=DAYS - day)
        before = max(0, min(10, round(7 - (day / DAYS) * (3 if n % 4 else 0) + rng.gauss(0, 1))))
        after = max(0, min(10, before - rng.choice((0, 1, 2, 2, 3))))
        logs.append(
            SessionLog(
                id=None,
                started_at=at,
                day=at.date(),
                protocol="low-back",
                source="manual",
                pain_before=before,
                pain_after=after,
                points=("BL23", "BL25", "GB30"),
                seconds=900,
                pressure="moderate",
            )
        )
    return logs


def fill(url: str) -> None:
    from argon2 import PasswordHasher

    from acupress.accounts import Accounts
    from acupress.journal import Journal
    from acupress.sharing import Sharing

    with Journal(url) as db:
        book = Accounts(db, PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        sharing = Sharing(db)
        book.add("pia", "practitioner", NOW)
        book.set_password("pia", PASSWORD)
        pia = book.get("pia")
        for n in range(PEOPLE):
            book.add(f"person{n:03}", "person", NOW)
            person = book.get(f"person{n:03}")
            db.for_owner(person.id).add_many(sessions_of(n))
            sharing.accept(person, sharing.make_code(pia, NOW).code, NOW)


def measure(url: str) -> None:
    import sqlalchemy as sa
    from argon2 import PasswordHasher
    from fastapi.testclient import TestClient

    from acupress.web.app import create_app
    from acupress.web.context import Context, Options

    os.environ["ACUPRESS_DATABASE_URL"] = url
    hosts = (*Options().allowed_hosts, "testserver")
    quick = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    app = create_app(Options(now=lambda: NOW, allowed_hosts=hosts, accounts=True, hasher=quick))
    with TestClient(app, follow_redirects=False) as client:
        client.get("/sign-in")
        token = client.cookies["acupress_csrf"]
        client.post("/sign-in", data={"name": "pia", "password": PASSWORD, "csrf_token": token})
        ctx: Context = app.state.ctx
        statements = {"n": 0}

        def count(*_args: object) -> None:
            statements["n"] += 1

        sa.event.listen(ctx.accounts().journal.engine, "before_cursor_execute", count)
        for path in ("/api/people", "/people"):
            answer = client.get(path)
            assert answer.status_code == 200, answer.text
            if path == "/api/people":
                assert len(answer.json()) == PEOPLE
            times = []
            for _ in range(RUNS):
                statements["n"] = 0
                started = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            median = statistics.median(times)
            p95 = sorted(times)[max(0, round(0.95 * len(times)) - 1)]
            verdict = "met" if p95 < TARGET_MS else "MISSED"
            print(
                f"{path:12} {PEOPLE} people: median {median:6.1f} ms, p95 {p95:6.1f} ms, "
                f"{statements['n']} SQL statements (target p95 < {TARGET_MS:.0f} ms: {verdict})"
            )


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="acupress-practitioner-") as tmp:
        try:
            pg_context = local_postgres.started(Path(tmp))
            pg = pg_context.__enter__()
        except local_postgres.Unavailable as e:
            print(f"skipped: {e}")
            return 0
        try:
            pg.create_database("journal")
            url = pg.url("journal")
            os.environ["ACUPRESS_HOME"] = str(Path(tmp) / "home")
            started = time.perf_counter()
            fill(url)
            print(
                f"{PEOPLE} people with {DAYS} days of sessions each, made in "
                f"{time.perf_counter() - started:.1f} s; PostgreSQL from local_postgres.py"
            )
            measure(url)
        finally:
            pg_context.__exit__(None, None, None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
