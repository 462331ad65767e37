"""How acupress scales with the journal's length, and what opening the journal costs.

Generates journals of 1, 10 and 30 years of guided sessions (seeded: six a week, as many
as a person doing the routine with a rest day a week, each with its steps and the day's
safety answers, pain drifting down), then runs each command
in a process of its own and reads that process's CPU time (user + system) and peak
memory (maximum resident set) from the kernel (``os.wait4``), so each figure is one
command measured alone, start-up included:

- ``export`` as json, csv and fhir; ``import`` of the json export into a new journal;
  ``progress --json``; ``report`` as html and pdf. Goals: export and import grow
  linearly with flat memory, 30 years in under 1 s each; progress and the report cost
  about the same whatever the journal's length.
- the three commands that open the journal on every use (``journal``, ``progress
  --json``, ``journal add``), on the 1-year journal, against this interpreter's
  ``-c pass``: the median CPU time of RUNS pairs run back to back, and the median ratio.

    python benchmarks/scale.py [RUNS]     # RUNS: of each measurement (default 3)
"""

from __future__ import annotations

import compileall
import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import acupress
from acupress import atlas, protocol, safety
from acupress.journal import Journal
from acupress.records import SessionLog, StepLog

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
YEARS = (1, 10, 30)
ACUPRESS = str(Path(sys.executable).with_name("acupress"))
TZ = dt.timezone(dt.timedelta(hours=1))
LINEAR = 1.5  # the cost of a session at 10-30 years may be this much that at 1-10 years
FLAT_MB = 30.0  # how much more memory 30 years may take than 1 year


def generated(years: int, today: dt.date) -> list[tuple[SessionLog, dict[str, object]]]:
    """Guided sessions with their steps and the day's answers, as many as ``years`` of
    six a week, one a day up to yesterday: no journal reaches back 30 calendar years,
    since sessions start in 2000."""
    rng = random.Random(years)
    book = atlas.default()
    plan = protocol.plan(protocol.load_file(protocol.BUILTIN / "low-back.toml", book), book, 20)
    answers: dict[str, object] = {
        q.id: {"yes_no": False, "number": 40, "points": []}[q.type]
        for q in safety.default_screening().questions
    }
    entries = []
    count = 365 * years * 6 // 7
    first = today - dt.timedelta(days=count)
    for n in range(count):
        day = first + dt.timedelta(days=n)
        start = dt.datetime.combine(day, dt.time(7, 30), TZ)
        before = max(0, min(10, round(7 - 3 * n / count + rng.gauss(0, 1))))
        after = max(0, min(10, before - rng.choice((0, 1, 1, 2))))
        t = start
        steps = []
        for i, s in enumerate(plan.steps):
            took = s.seconds + rng.uniform(-2, 2)
            t += dt.timedelta(seconds=took)
            steps.append(
                StepLog(
                    position=i,
                    step=s.step,
                    step_id=s.id,
                    point=s.point,
                    side=s.side,
                    pressure=s.pressure,
                    planned_seconds=s.seconds,
                    seconds=took,
                    skipped=False,
                    completed_at=t,
                )
            )
        log = SessionLog(
            id=None,
            uid=f"{years:04x}{n:04x}-0000-4000-8000-000000000000",
            started_at=start,
            day=day,
            protocol="low-back",
            source="guided",
            decision="go",
            pain_before=before,
            pain_after=after,
            points=tuple(dict.fromkeys(s.point for s in steps if s.point)),
            seconds=round(sum(s.seconds for s in steps)),
            steps=tuple(steps),
            sensations=("warmth",),
            ended_at=t,
            complete=True,
        )
        entries.append((log, answers))
    return entries


# Each command is started by a small Python of its own: a process's peak memory counts
# that of the process it was forked from, which here holds the generated journals.
LAUNCH = """
import os, sys
out = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ, file_actions=out)
_, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
"""


def measure(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """CPU seconds and peak resident megabytes of one run of ``cmd``, in a process of
    its own."""
    done = subprocess.run(
        [sys.executable, "-S", "-c", LAUNCH, *cmd], env=env, capture_output=True, text=True
    )
    if done.returncode != 0 or not done.stdout.startswith("0 "):
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr[-2000:]}")
    _, cpu, peak = done.stdout.split()
    return float(cpu), int(peak) / 1024


def median_of(
    cmd: list[str], env: dict[str, str], before: Callable[[], object]
) -> tuple[float, float]:
    runs = []
    for _ in range(RUNS):
        before()
        runs.append(measure(cmd, env))
    return statistics.median(c for c, _ in runs), statistics.median(m for _, m in runs)


def nothing() -> None:
    pass


def main() -> None:
    started = time.monotonic()
    today = dt.date.today()
    # Bytecode written first, as an installation has it: with PYTHONDONTWRITEBYTECODE
    # (which some shells set) every run would compile again each module changed since.
    compileall.compile_dir(Path(acupress.__file__).parent, quiet=1)
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ACUPRESS_", "XDG_")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    tasks = (
        "export json",
        "export csv",
        "export fhir",
        "import json",
        "progress --json",
        "report html",
        "report pdf",
    )
    results: dict[tuple[str, int], tuple[float, float]] = {}
    counts: dict[int, int] = {}
    with tempfile.TemporaryDirectory(prefix="acupress-scale-") as tmp:
        root = Path(tmp)
        for years in YEARS:
            home = root / f"{years}y"
            env = dict(base, ACUPRESS_HOME=str(home), HOME=str(root), XDG_CACHE_HOME=str(root))
            entries = generated(years, today)
            counts[years] = len(entries)
            with Journal(f"sqlite:///{home / 'journal.db'}") as db:
                db.import_sessions(entries)
            run = [ACUPRESS]
            out = root / f"{years}y-out"
            out.mkdir()
            for fmt, name in (("json", "j.json"), ("csv", "j.csv"), ("fhir", "j.fhir.json")):
                cmd = [*run, "export", "--format", fmt, "--out", str(out / name)]
                results[f"export {fmt}", years] = median_of(cmd, env, nothing)
            fresh = root / f"{years}y-import"

            def new_journal(fresh: Path = fresh) -> None:
                shutil.rmtree(fresh, ignore_errors=True)

            results["import json", years] = median_of(
                [*run, "import", str(out / "j.json")],
                dict(env, ACUPRESS_HOME=str(fresh)),
                new_journal,
            )
            results["progress --json", years] = median_of(
                [*run, "progress", "--json"], env, nothing
            )
            for fmt in ("html", "pdf"):
                cmd = [*run, "report", "--out", str(out / f"report.{fmt}")]
                results[f"report {fmt}", years] = median_of(cmd, env, nothing)
        startup = journal_commands(root / "1y", base, root, today)

    print(
        f"acupress on journals of daily guided sessions: CPU time (user + system) and peak "
        f"memory of each command in a process of its own, median of {RUNS} run(s)"
    )
    header = "".join(f"{f'{y} y ({counts[y]:,} sessions)':>26}" for y in YEARS)
    print(f"  {'command':<18}{header}  verdict")
    for task in tasks:
        cells = "".join(
            f"{f'{results[task, y][0]:.2f} s {results[task, y][1]:5.0f} MB':>26}" for y in YEARS
        )
        print(f"  {task:<18}{cells}  {verdict(task, results, counts)}")
    print(
        "  goals: export and import linear (a session at 10-30 y costs at most "
        f"{LINEAR}x one at 1-10 y), flat memory (30 y within {FLAT_MB:.0f} MB of 1 y) and "
        "30 y under 1 s; progress and report: 30 y within 1.5x of 1 y"
    )
    print()
    print(
        f"opening the journal (1 y): CPU time of each command, median of {RUNS} runs paired "
        "with this interpreter's -c pass"
    )
    for name, (cpu, ratio) in startup.items():
        print(f"  {name:<34} {cpu * 1000:7.1f} ms  {ratio:6.1f}x")
    print(f"({time.monotonic() - started:.0f} s)")


def verdict(
    task: str,
    results: dict[tuple[str, int], tuple[float, float]],
    counts: dict[int, int],
) -> str:
    (c1, m1), (c10, _), (c30, m30) = (results[task, y] for y in YEARS)
    if task.startswith(("export", "import")):
        early = (c10 - c1) / (counts[10] - counts[1])
        late = (c30 - c10) / (counts[30] - counts[10])
        checks = {
            "linear": late <= LINEAR * max(early, 1e-9),
            "flat memory": m30 - m1 <= FLAT_MB,
            "30 y < 1 s": c30 < 1.0,
        }
    else:
        checks = {"bounded": c30 <= 1.5 * c1, "flat memory": m30 - m1 <= FLAT_MB}
    missed = [name for name, ok in checks.items() if not ok]
    return "met" if not missed else "missed: " + ", ".join(missed)


def journal_commands(
    home: Path, base: dict[str, str], root: Path, today: dt.date
) -> dict[str, tuple[float, float]]:
    """CPU time of the commands that open the journal, and their ratio to ``-c pass``."""
    env = dict(base, ACUPRESS_HOME=str(home), HOME=str(root), XDG_CACHE_HOME=str(root))
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "acupress journal": [ACUPRESS, "journal"],
        "acupress progress --json": [ACUPRESS, "progress", "--json"],
        "acupress journal add ...": [
            ACUPRESS,
            "journal",
            "add",
            "--date",
            today.isoformat(),
            "--time",
            "06:00",
            "--pain-before",
            "5",
            "--pain-after",
            "3",
            "--points",
            "BL23,BL25",
            "--minutes",
            "15",
        ],
    }
    for cmd in commands.values():  # warm the page cache and the bytecode
        measure(cmd, env)
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    ratios: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(max(RUNS, 5)):
        for name, cmd in commands.items():
            bare = measure(commands["python -c pass"], env)[0]
            took = measure(cmd, env)[0]
            cpu[name].append(took)
            ratios[name].append(took / bare)
    return {name: (statistics.median(cpu[name]), statistics.median(ratios[name])) for name in cpu}


if __name__ == "__main__":
    main()
