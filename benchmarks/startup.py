"""Start-up time of the command line, against this very interpreter's `-c pass`.

Each run starts the yardstick (`python -c pass`, with the interpreter acupress runs on)
and then one command, back to back, so both see the same load on the machine; a
command's ratio is the median over the runs of its time divided by its yardstick's.
Wall time is what a person waits; CPU time (user + system, from the child's own
resource usage) is the work done, which a busy machine does not inflate.

The floors are measured in the same run: `import click` alone, and click with rich's
table stack, which every command that draws a table needs. Each command has a goal,
in multiples of the yardstick's wall time; the verdict reads the wall-time ratio.

The commands run as a new user would (HOME an empty temporary directory, so the data
directory is found through platformdirs, and there is no journal yet), except the journal
commands, which run in a home of their own whose journal has a few sessions, made before
timing starts. The warm-up runs leave the content cache and the bytecode written, as
everyday use does.

    python benchmarks/startup.py [RUNS]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
PYTHON = sys.executable
ACUPRESS = str(Path(PYTHON).with_name("acupress"))
JOURNAL_ADD = ["journal", "add", "--date", "2026-03-01", "--pain-before", "6", "--pain-after", "4"]


@dataclass(frozen=True)
class Command:
    name: str
    argv: list[str]
    goal: float | None = None  # at most this many times the yardstick's wall time
    journal: bool = False  # run where there is a journal


FLOORS = [
    Command('python -c "import click"', [PYTHON, "-c", "import click"]),
    Command(
        'python -c "import click, rich…"',
        [PYTHON, "-c", "import click, rich.table, rich.console"],
    ),
]
COMMANDS = [
    Command("acupress --help", [ACUPRESS, "--help"], 4.5),
    Command("acupress points", [ACUPRESS, "points"], 7.5),
    Command("acupress points BL23 --json", [ACUPRESS, "points", "BL23", "--json"], 6),
    Command("acupress plan --json", [ACUPRESS, "plan", "--json"], 6),
    Command("acupress journal", [ACUPRESS, "journal"], 10, journal=True),
    Command("acupress progress --json", [ACUPRESS, "progress", "--json"], 10, journal=True),
    Command("acupress journal add ...", [ACUPRESS, *JOURNAL_ADD], 12, journal=True),
]
YARDSTICK = Command("python -c pass", [PYTHON, "-c", "pass"])


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``argv``, its output thrown away."""
    quiet = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_WRONLY, 0) for fd in (1, 2)]
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, env, file_actions=quiet)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed (exit {os.waitstatus_to_exitcode(status)})")
    return wall, usage.ru_utime + usage.ru_stime


@dataclass
class Samples:
    wall: list[float]
    cpu: list[float]
    wall_ratio: list[float]
    cpu_ratio: list[float]


def main() -> None:
    # Bytecode is written (the warm-up runs compile it), as an installation has it.
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ACUPRESS_", "XDG_")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    new = clean | {"HOME": tempfile.mkdtemp(prefix="acupress-bench-")}
    kept = clean | {"HOME": tempfile.mkdtemp(prefix="acupress-bench-journal-")}
    measured = [*FLOORS, *COMMANDS]
    for _ in range(3):  # a journal to read
        timed([ACUPRESS, *JOURNAL_ADD], kept)
    for c in [YARDSTICK, *measured]:  # warms the page cache and the bytecode
        timed(c.argv, kept if c.journal else new)
    base = Samples([], [], [], [])
    found = {c.name: Samples([], [], [], []) for c in measured}
    for _ in range(RUNS):
        for c in measured:
            wall0, cpu0 = timed(YARDSTICK.argv, new)
            wall, cpu = timed(c.argv, kept if c.journal else new)
            s = found[c.name]
            s.wall.append(wall)
            s.cpu.append(cpu)
            s.wall_ratio.append(wall / wall0)
            s.cpu_ratio.append(cpu / cpu0)
            base.wall.append(wall0)
            base.cpu.append(cpu0)
    med = statistics.median
    print(
        f"start-up, median of {RUNS} paired runs against `python -c pass` "
        f"({med(base.wall) * 1000:.1f} ms wall, {med(base.cpu) * 1000:.1f} ms CPU)"
    )
    print(f"  python = {PYTHON}")
    print(
        f"  {'command':<32} {'wall':>8} {'CPU':>8} {'wall/x':>7} {'CPU/x':>7}  {'goal':>6}  verdict"
    )
    for c in measured:
        s = found[c.name]
        ratio = med(s.wall_ratio)
        goal = f"{c.goal:g}x" if c.goal else "floor"
        verdict = "" if c.goal is None else "met" if ratio <= c.goal else "MISSED"
        print(
            f"  {c.name:<32} {med(s.wall) * 1000:5.1f} ms {med(s.cpu) * 1000:5.1f} ms "
            f"{ratio:6.2f}x {med(s.cpu_ratio):6.2f}x  {goal:>6}  {verdict}".rstrip()
        )


if __name__ == "__main__":
    main()
