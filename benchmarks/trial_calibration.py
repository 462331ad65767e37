"""Calibration and power of the personal trial, on simulated people whose true effect of
acupressure is known (0, 0.5, 1 and 2 PEG points) and whose pain recovers naturally,
drifts from week to week, varies from day to day (AR(1)) and is sometimes not rated
(the noise model of src/acupress/trial_sim.py).

For each trial length and true effect, over TRIALS simulated trials (seeded: the same
figures on every run), prints: how often the 90 % interval covers the true effect
(target: 87-93 %); the share of each verdict (target: "helps" at most 5 % when the true
effect is 0, which a 90 % interval gives by construction: a row is off target only when
a one-sided binomial test at 1 % says its share is above 5 %, as a share of exactly 5 %
shows above 5 % in about half of all runs); the share of the analysable daily ratings
missing; and how often the naive before/after comparison (the first week's mean against
the last week's) claims an improvement of at least the meaningful difference, which
with no effect at all is natural recovery mistaken for the treatment.

    python benchmarks/trial_calibration.py [TRIALS]
"""

from __future__ import annotations

import datetime as dt
import sys
import time

import numpy as np
from scipy import stats

from acupress import trial, trial_sim

TRIALS = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
SEED = 20260302
WEEKS = (4, 6, 8, 10, 12)
EFFECTS = (0.0, 0.5, 1.0, 2.0)


def row(weeks: int, effect: float, rules: trial.TrialRules) -> dict[str, float]:
    rng = np.random.default_rng([SEED, weeks, int(effect * 10)])
    simulated = trial_sim.trials(weeks, TRIALS, effect, rng, rules)
    results = [trial.analyse(s, r, s.end + dt.timedelta(days=1), rules) for s, r in simulated]
    intervals = [r.interval for r in results if r.interval]
    naive = [trial.naive_before_after(r, rules.meaningful) for _, r in simulated]
    figures = {
        "coverage": float(np.mean([low <= effect <= high for low, high in intervals])),
        "naive": float(np.mean([bool(b and b.improved) for b in naive])),
        "missing": float(np.mean([r.counts.missing / r.counts.expected for r in results])),
    }
    for verdict in trial.VERDICTS:
        figures[verdict] = float(np.mean([r.verdict == verdict for r in results]))
    return figures


def main() -> None:
    rules = trial.default_rules()
    started = time.perf_counter()
    print(
        f"Personal trial: {TRIALS} simulated trials per row, seed {SEED}; "
        f"wash-out {rules.washout_days} days, at least {rules.min_ratings} ratings a week, "
        f"at least {rules.min_pairs} pairs, {rules.level:.0%} interval, "
        f"meaningful {rules.meaningful:g} point"
    )
    print(
        "targets: coverage 87-93 %; helps at most 5 % when the true effect is 0 "
        f"(one standard error of a share over {TRIALS} trials: "
        f"{100 * (0.05 * 0.95 / TRIALS) ** 0.5:.1f} points at 5 %, "
        f"{100 * (0.9 * 0.1 / TRIALS) ** 0.5:.1f} at 90 %)"
    )
    print()
    header = (
        f"{'weeks':>5} {'effect':>6} {'coverage':>8} {'helps':>6} {'no clear':>8} "
        f"{'worse':>6} {'too early':>9} {'missing':>7} {'naive improved':>14}"
    )
    print(header)
    misses = 0
    for weeks in WEEKS:
        for effect in EFFECTS:
            f = row(weeks, effect, rules)
            helps = round(f["helps"] * TRIALS)
            above = stats.binomtest(helps, TRIALS, 0.05, alternative="greater").pvalue < 0.01
            off = abs(f["coverage"] - rules.level) > 0.03 or (effect == 0 and above)
            misses += off
            print(
                f"{weeks:>5} {effect:>6.1f} {f['coverage']:>8.1%} {f['helps']:>6.1%} "
                f"{f['no_clear_difference']:>8.1%} {f['worse']:>6.1%} {f['too_early']:>9.1%} "
                f"{f['missing']:>7.1%} {f['naive']:>14.1%}" + ("  <- off target" if off else "")
            )
    print()
    print(
        "naive improved: the first week's mean against the last week's claims an improvement "
        f"of at least {rules.meaningful:g} point; with effect 0 that is natural recovery alone."
    )
    print(
        f"{'all rows on target' if not misses else f'{misses} rows off target'}; "
        f"{time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
