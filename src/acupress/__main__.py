"""The ``acupress`` console script (also ``python -m acupress``), tuned for start-up.

Garbage collection waits until the command line's modules are loaded (loading them
creates only objects that live for the whole run), and the process exits without
tearing the interpreter down: every file acupress writes is closed and fsynced before a
command returns, so the only work skipped is unloading a few hundred modules."""

import gc
import os
import sys


def entry() -> None:
    gc.disable()
    from acupress.cli import run

    gc.enable()
    code = run()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 1
    os._exit(code)


if __name__ == "__main__":
    entry()
