"""Start-up time of the CLI against bare Python, measured in the same run.

Prints the median wall time of each command over RUNS runs (interleaved, so machine
load affects all alike) and its ratio to two baselines: `python3 -c pass` with the
python3 found on PATH, and the stricter `-c pass` of the very interpreter acupress runs
on (a virtual environment with few packages starts faster than a system Python with
many). Target: `acupress points` within 8x bare Python (aim 4x).

The commands run as a new user would: HOME points at an empty temporary directory, so
the profile is looked up through platformdirs as usual.

    python benchmarks/startup.py [RUNS]
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
ACUPRESS = str(Path(sys.executable).with_name("acupress"))
COMMANDS = {
    "python3 -c pass": [shutil.which("python3") or "python3", "-c", "pass"],
    "interpreter -c pass": [sys.executable, "-c", "pass"],
    "acupress --help": [ACUPRESS, "--help"],
    "acupress points": [ACUPRESS, "points"],
    "acupress points BL23": [ACUPRESS, "points", "BL23"],
    "acupress points --json": [ACUPRESS, "points", "--json"],
    "acupress plan --json": [ACUPRESS, "plan", "--json"],
}


def main() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACUPRESS_", "XDG_"))}
    env["HOME"] = tempfile.mkdtemp(prefix="acupress-bench-")
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for cmd in COMMANDS.values():  # warm the page cache and the bytecode
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=True)
    for _ in range(RUNS):
        for name, cmd in COMMANDS.items():
            start = time.perf_counter()
            subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=True)
            times[name].append(time.perf_counter() - start)
    python3 = statistics.median(times["python3 -c pass"])
    strict = statistics.median(times["interpreter -c pass"])
    print(f"start-up, median of {RUNS} runs (target: acupress points <= 8x, aim 4x)")
    print(f"  python3 = {COMMANDS['python3 -c pass'][0]}; interpreter = {sys.executable}")
    print(f"  {'command':<24} {'median':>10}  {'/python3':>8}  {'/interpreter':>12}")
    for name, samples in times.items():
        median = statistics.median(samples)
        ratios = f"{median / python3:7.2f}x  {median / strict:11.2f}x"
        print(f"  {name:<24} {median * 1000:7.1f} ms  {ratios}")


if __name__ == "__main__":
    main()
