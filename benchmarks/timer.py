"""Drift of the real-clock session timer over a session of many short steps.

Runs a session of STEPS steps of one second each at SPEED times real speed through the
same loop `acupress session --auto` uses (RealClock, NoKeys, the state machine) and
prints when each step was noticed as done against its planned deadline, and how late
the session ended. Beside it, in the same run, a naive timer that sleeps each step's
length one after the other (accumulated sleeps), the baseline the deadlines avoid.
Target: the session ends less than 20 ms (real time) after its planned end.

    python benchmarks/timer.py [STEPS] [SPEED]
"""

from __future__ import annotations

import statistics
import sys
import time

from acupress import runner
from acupress.clock import RealClock
from acupress.protocol import Plan, PlannedStep
from acupress.session import Session

STEPS = int(sys.argv[1]) if len(sys.argv) > 1 else 300
SPEED = float(sys.argv[2]) if len(sys.argv) > 2 else 20.0


def short_plan(steps: int) -> Plan:
    items = tuple(
        PlannedStep(
            step=i + 1,
            id=f"s{i}",
            title=f"Step {i + 1}",
            point=None,
            side=None,
            posture="sitting",
            posture_text="Sit.",
            technique="Press.",
            pressure=None,
            pressure_note=None,
            seconds=1,
        )
        for i in range(steps)
    )
    return Plan(
        protocol="bench",
        title="Many short steps",
        partner=False,
        budget_seconds=steps,
        steps=items,
        total_seconds=steps,
        decision=None,
    )


def deadline_timer(plan: Plan) -> tuple[list[float], float]:
    """Lateness of each step's detection (real ms) and of the session's end."""
    clock = RealClock(SPEED)
    session = Session(plan, clock.now(), clock.elapsed())
    late: list[float] = []

    def noticed(log: object) -> None:
        planned = (len(late) + 1) * 1.0
        late.append((clock.elapsed() - planned) / SPEED * 1000)

    runner.drive(session, clock, runner.NoKeys(clock), runner.Hooks(step=noticed))
    end = (clock.elapsed() - plan.total_seconds) / SPEED * 1000
    return late, end


def accumulated_sleeps(plan: Plan) -> float:
    """The naive timer: sleep each step's length in turn; returns how late it ends (ms)."""
    start = time.monotonic()
    for step in plan.steps:
        time.sleep(step.seconds / SPEED)
    return (time.monotonic() - start - plan.total_seconds / SPEED) * 1000


def main() -> None:
    plan = short_plan(STEPS)
    real_seconds = plan.total_seconds / SPEED
    late, end = deadline_timer(plan)
    naive = accumulated_sleeps(plan)
    print(
        f"timer drift: {STEPS} steps of 1 s at speed {SPEED:g} "
        f"({real_seconds:.1f} s of real time each; target: end < 20 ms late)"
    )
    print(
        f"  deadlines from the start (acupress): session ended {end:6.2f} ms late; "
        f"step noticed late by median {statistics.median(late):.2f} ms, max {max(late):.2f} ms"
    )
    print(f"  accumulated sleeps (baseline):       session ended {naive:6.2f} ms late")
    if end > 0:
        print(f"  baseline drift / acupress drift: x{naive / end:.1f}")


if __name__ == "__main__":
    main()
