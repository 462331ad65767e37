"""Simulated trials: a person's daily PEG ratings under a stated noise model, with a
known true effect of acupressure, for the calibration test and
``benchmarks/trial_calibration.py``. Randomness comes in as a numpy Generator.

The model, for each simulated person (each range drawn uniformly, once per person):
the score they would have without acupressure starts at ``start`` and recovers
naturally, exponentially, by ``recovery`` of it in the long run with time constant
``recovery_days``; it drifts from week to week (a random walk with ``drift`` per week,
smooth from day to day); it varies from day to day by AR(1) noise (coefficient ``ar``,
standard deviation ``daily``). Acupressure lowers it by ``effect`` points, reached and
lost gradually: each day ``carryover`` of the remaining change is still to come, so the
effect builds up over the first days of an acupressure week and lingers into the next
week. Each of the three answers adds its own noise and a lasting offset, and is rounded
to a whole number from 0 to 10. Ratings are missed at random, in runs: after a rated
day with chance ``missed``, after a missed day with chance ``missed_again``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from acupress.trial import WEEK, Rating, Schedule, TrialRules, schedule


@dataclass(frozen=True, kw_only=True)
class Noise:
    start: tuple[float, float] = (5.0, 8.0)  # PEG score on the first day
    recovery: tuple[float, float] = (0.2, 0.5)  # share of it lost in the long run
    recovery_days: tuple[float, float] = (30.0, 90.0)  # time constant of the recovery
    drift: float = 0.3  # points per week, standard deviation of the random walk
    ar: tuple[float, float] = (0.3, 0.7)  # daily AR(1) coefficient
    daily: tuple[float, float] = (0.6, 1.4)  # standard deviation of the daily noise
    item: float = 0.5  # each answer's own noise, standard deviation
    item_offset: float = 0.5  # each answer's lasting offset, standard deviation
    carryover: float = 0.3  # share of a change of the effect still to come after a day
    missed: tuple[float, float] = (0.05, 0.3)  # chance of missing after a rated day
    missed_again: float = 0.5  # chance of missing after a missed day


NOISE = Noise()


def simulate(
    schedules: Sequence[Schedule],
    effect: float,
    rng: np.random.Generator,
    noise: Noise = NOISE,
) -> list[list[Rating]]:
    """The daily ratings of one simulated person for each schedule (all of one length),
    acupressure lowering the score by ``effect`` points."""
    n = len(schedules)
    weeks = schedules[0].weeks
    if any(s.weeks != weeks for s in schedules):
        raise ValueError("simulate: the schedules must all have the same length")
    days = WEEK * weeks
    t = np.arange(days)
    acupressure = np.array(
        [[p.arm == "acupressure" for p in s.periods for _ in range(WEEK)] for s in schedules]
    )

    def person(bounds: tuple[float, float]) -> np.ndarray:
        return rng.uniform(*bounds, size=(n, 1))

    start, recovery, tau = person(noise.start), person(noise.recovery), person(noise.recovery_days)
    level = start * (1 - recovery * (1 - np.exp(-t / tau)))

    knots = np.concatenate(
        [np.zeros((n, 1)), np.cumsum(rng.normal(0, noise.drift, (n, weeks)), axis=1)], axis=1
    )
    week, within = np.divmod(t, WEEK)
    drift = knots[:, week] + (knots[:, week + 1] - knots[:, week]) * within / WEEK

    phi, sd = person(noise.ar), person(noise.daily)
    shocks = rng.normal(0, 1, (n, days))
    daily = np.empty((n, days))
    daily[:, 0] = sd[:, 0] * shocks[:, 0]
    innovation = sd[:, 0] * np.sqrt(1 - phi[:, 0] ** 2)
    for d in range(1, days):
        daily[:, d] = phi[:, 0] * daily[:, d - 1] + innovation * shocks[:, d]

    target = effect * acupressure
    relief = np.empty((n, days))
    previous = np.zeros(n)
    for d in range(days):
        previous = target[:, d] + (previous - target[:, d]) * noise.carryover
        relief[:, d] = previous

    score = level + drift + daily - relief
    offsets = rng.normal(0, noise.item_offset, (n, 1, 3))
    answers = score[:, :, None] + offsets + rng.normal(0, noise.item, (n, days, 3))
    answers = np.clip(np.rint(answers), 0, 10).astype(int)

    chance = person(noise.missed)[:, 0]
    draws = rng.random((n, days))
    missed = np.empty((n, days), dtype=bool)
    missed[:, 0] = draws[:, 0] < chance
    for d in range(1, days):
        missed[:, d] = draws[:, d] < np.where(missed[:, d - 1], noise.missed_again, chance)

    trials = []
    for i, s in enumerate(schedules):
        trials.append(
            [
                Rating(
                    day=s.start + dt.timedelta(days=d),
                    pain=int(answers[i, d, 0]),
                    enjoyment=int(answers[i, d, 1]),
                    activity=int(answers[i, d, 2]),
                )
                for d in np.flatnonzero(~missed[i]).tolist()
            ]
        )
    return trials


def trials(
    weeks: int,
    count: int,
    effect: float,
    rng: np.random.Generator,
    rules: TrialRules,
    noise: Noise = NOISE,
    start: dt.date = dt.date(2026, 1, 5),
) -> list[tuple[Schedule, list[Rating]]]:
    """``count`` simulated trials of ``weeks`` weeks, each with its own random order."""
    schedules = [
        schedule(start, weeks, int(seed), rules) for seed in rng.integers(0, 2**63, size=count)
    ]
    return list(zip(schedules, simulate(schedules, effect, rng, noise), strict=True))
