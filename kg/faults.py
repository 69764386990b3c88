"""Fault injection for tests: make a build stop and wait at a named point, so a test can kill it there.

`IMMUNALL_PAUSE_AT=<checkpoint>` (unset in normal use) makes `checkpoint(<checkpoint>)` print
`immunall: paused at <checkpoint>` on stderr and sleep until the process is killed. Checkpoints:
each build step as it starts (`parse`, `link`, `reason`, `validate`, `load`), and inside the load
step `load:staged` (the new store is half written), `load:written` (the new generation is complete
but not live) and `switch:current` (`dist/current` moved, the dump links not yet).
"""

from __future__ import annotations

import os
import sys
import time

PAUSE_AT = "IMMUNALL_PAUSE_AT"


def checkpoint(name: str) -> None:
    """Pause here for ever when the environment asks for this checkpoint; else nothing."""
    if os.environ.get(PAUSE_AT) != name:
        return
    print(f"immunall: paused at {name}", file=sys.stderr, flush=True)
    while True:
        time.sleep(3600)
