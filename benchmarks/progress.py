"""`acupress progress` on generated journals of daily sessions, 1 to 10 years long.

Each journal holds one guided session a day (with its 11 steps) and a rest day a week.
Prints the median wall time of `acupress progress --json` for each size, the time of
`acupress --help` measured in the same run (start-up), and the difference: the target
is under 0.3 s beyond start-up for 10 years, growing roughly linearly with the years.

    python benchmarks/progress.py [RUNS]
"""

from __future__ import annotations

import compileall
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import acupress
from acupress import atlas, protocol
from acupress.journal import Journal
from acupress.records import SessionLog, StepLog

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 7
YEARS = (1, 2, 5, 10)
ACUPRESS = str(Path(sys.executable).with_name("acupress"))


def generated(years: int, today: dt.date) -> list[SessionLog]:
    """Daily sessions ending today, pain drifting down with noise, Sundays off."""
    rng = random.Random(years)
    book = atlas.default()
    plan = protocol.plan(protocol.load_file(protocol.BUILTIN / "low-back.toml", book), book, 20)
    logs = []
    tz = dt.timezone(dt.timedelta(hours=1))
    first = today - dt.timedelta(days=365 * years)
    for n in range((today - first).days + 1):
        day = first + dt.timedelta(days=n)
        if day.weekday() == 6:
            continue
        start = dt.datetime.combine(day, dt.time(7, 30), tz)
        before = max(0, min(10, round(7 - 3 * n / (365 * years) + rng.gauss(0, 1))))
        after = max(0, min(10, before - rng.choice((0, 1, 1, 2))))
        t = start
        steps = []
        for i, s in enumerate(plan.steps):
            t += dt.timedelta(seconds=s.seconds)
            steps.append(
                StepLog(
                    position=i,
                    step=s.step,
                    step_id=s.id,
                    point=s.point,
                    side=s.side,
                    pressure=s.pressure,
                    planned_seconds=s.seconds,
                    seconds=float(s.seconds),
                    skipped=False,
                    completed_at=t,
                )
            )
        logs.append(
            SessionLog(
                id=None,
                started_at=start,
                day=day,
                protocol="low-back",
                source="guided",
                decision="go",
                pain_before=before,
                pain_after=after,
                steps=tuple(steps),
                sensations=("warmth",),
                ended_at=t,
                complete=True,
            )
        )
    return logs


def median_time(cmd: list[str], env: dict[str, str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    today = dt.date.today()
    # Bytecode written first, as an installation has it (see scale.py).
    compileall.compile_dir(Path(acupress.__file__).parent, quiet=1)
    base_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ACUPRESS_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    rows = []
    with tempfile.TemporaryDirectory(prefix="acupress-bench-") as tmp:
        env = dict(base_env, ACUPRESS_HOME=tmp, XDG_CACHE_HOME=str(Path(tmp) / "cache"))
        startup = median_time([ACUPRESS, "--help"], env)
        for years in YEARS:
            home = Path(tmp) / f"{years}y"
            logs = generated(years, today)
            with Journal(f"sqlite:///{home / 'journal.db'}") as db:
                db.add_many(logs)
            env_years = dict(env, ACUPRESS_HOME=str(home))
            subprocess.run(
                [ACUPRESS, "progress", "--json"],
                env=env_years,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            took = median_time([ACUPRESS, "progress", "--json"], env_years)
            rows.append((years, len(logs), took))
    print(
        f"acupress progress --json, median of {RUNS} runs "
        "(target: 10 years < 0.3 s beyond start-up)"
    )
    print(f"  start-up (acupress --help): {startup * 1000:7.1f} ms")
    for years, count, took in rows:
        print(
            f"  {years:>2} years, {count:>5} sessions: {took * 1000:7.1f} ms"
            f"  ({(took - startup) * 1000:6.1f} ms beyond start-up)"
        )
    one = rows[0][2] - startup
    ten = rows[-1][2] - startup
    print(f"  growth from 1 to 10 years (beyond start-up): x{ten / one:.2f}")


if __name__ == "__main__":
    main()
