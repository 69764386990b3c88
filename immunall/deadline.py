"""Kill it on timeout: the one way work that cannot be interrupted is stopped when its time passes.

pyoxigraph's queries, HermiT and pySHACL have no time limit of their own and cannot be stopped
from inside Python; only ending the process that runs them does. `kill_after` arms a deadline for
the block it guards and names how to end the work (kill a query process, a reasoner's process
group, the validator's children, or this very process for a query running in it); one watcher
thread per process calls that when the deadline passes, or as soon as `stop()` says the result is
no longer wanted (the client went away). The guarded block then sees its wait end (the pipe closes,
the child is reaped) and asks `fired` why. Used by kg/reason.py, kg/validate.py, server/pool.py
and server/store.py (the pages' queries in the web process).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

log = logging.getLogger(__name__)
STOP_CHECK_SECONDS = 0.25  # how often `stop()` predicates are asked


@dataclass
class Guard:
    """One armed deadline; `fired` says whether it was acted on, and why ("timeout" or "stopped")."""

    deadline: float
    kill: Callable[[], None]
    stop: Callable[[], bool] | None = None
    fired: str | None = None
    token: int = field(default=0)


class _Watcher:
    """The process's watcher thread: sleeps until the earliest deadline (or the next stop check)."""

    def __init__(self) -> None:
        self._armed: dict[int, Guard] = {}
        self._heap: list[tuple[float, int]] = []
        self._tokens = itertools.count(1)
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._checking = False  # the watcher's sleep is already bounded by STOP_CHECK_SECONDS

    def arm(self, guard: Guard) -> None:
        with self._wake:
            if self._thread is None or self._pid != os.getpid():  # first use, or a forked child
                self._armed, self._heap, self._pid = {}, [], os.getpid()
                self._thread = threading.Thread(target=self._run, name="deadline-watcher", daemon=True)
                self._thread.start()
            guard.token = next(self._tokens)
            self._armed[guard.token] = guard
            earliest = self._heap[0][0] if self._heap else None
            heapq.heappush(self._heap, (guard.deadline, guard.token))
            # Wake the watcher only when it would sleep past what this guard needs: a request
            # thread handing the watcher the GIL on every query costs more than the query.
            if earliest is None or guard.deadline < earliest or (guard.stop is not None and not self._checking):
                self._wake.notify()

    def disarm(self, guard: Guard) -> None:
        with self._wake:
            self._armed.pop(guard.token, None)  # its heap entry is skipped when it comes up

    def _run(self) -> None:
        while True:
            due: list[Guard] = []
            with self._wake:
                now = time.monotonic()
                while self._heap and (self._heap[0][1] not in self._armed or self._heap[0][0] <= now):
                    _, token = heapq.heappop(self._heap)
                    guard = self._armed.pop(token, None)
                    if guard is not None:
                        guard.fired = "timeout"
                        due.append(guard)
                stoppable = [g for g in self._armed.values() if g.stop is not None]
                if not due:
                    wait = self._heap[0][0] - now if self._heap else 3600.0
                    self._checking = bool(stoppable)
                    if stoppable:
                        wait = min(wait, STOP_CHECK_SECONDS)
                    self._wake.wait(max(0.001, wait))
                    self._checking = False
            for guard in stoppable if not due else ():
                if guard.stop is not None and guard.stop():
                    with self._wake:
                        if self._armed.pop(guard.token, None) is None:
                            continue
                    guard.fired = "stopped"
                    due.append(guard)
            for guard in due:
                try:
                    guard.kill()
                except Exception:  # noqa: BLE001 - a failed kill must not end the watcher
                    log.exception("could not stop work past its deadline")


_WATCHER = _Watcher()


@contextlib.contextmanager
def kill_after(seconds: float, kill: Callable[[], None], stop: Callable[[], bool] | None = None) -> Iterator[Guard]:
    """Run the block with `kill()` armed for `seconds` from now (and whenever `stop()` turns true)."""
    guard = Guard(time.monotonic() + max(0.0, seconds), kill, stop)
    _WATCHER.arm(guard)
    try:
        yield guard
    finally:
        _WATCHER.disarm(guard)


def end_this_process(reason: str) -> Callable[[], None]:
    """A kill that ends this process with SIGKILL (what stops a query running inside it); its
    supervisor (granian) starts a new one. The log says why first."""
    def kill() -> None:
        log.critical("ending this process to stop work that ran past its time limit: %.300s", reason)
        logging.shutdown()
        os.kill(os.getpid(), signal.SIGKILL)

    return kill


def kill_group(pid: int) -> Callable[[], None]:
    """A kill for a child that leads its own process group (HermiT's Java runs in it)."""
    def kill() -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)

    return kill
