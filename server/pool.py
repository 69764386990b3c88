"""A small pool of query processes that are killed when a query runs out of time.

pyoxigraph's `Store.query` has no timeout and holds its thread in Rust until done, so a runaway
query can only really be stopped by ending the process that runs it (immunall/deadline.py). Each
worker process opens the store read-only once and then serves many queries over a socket (~0.2 ms
per round trip), so cheap queries stay cheap; on timeout the worker gets SIGKILL and a replacement
starts on the next demand. Measured against pebble's ProcessPool, which also kills and replaces a
worker whose task times out: its round trip was 0.35 ms against 0.21 ms here, it stopped a runaway
only 3.8 s after a 0.5 s limit, and it queues first come first served, where this pool must give a
free process to a client with nothing running first (server/admission.py).

Workers are fresh interpreters (`python -m server.evaluate`), not forks: the web process is
multithreaded, and a fork could copy a lock another thread holds.
"""

from __future__ import annotations

import itertools
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from immunall.deadline import kill_after
from server.admission import Ticket
from server.errors import BackendFailure as WorkerFailed
from server.errors import ClientGone, MemoryLimit, QueryTimeout, StoreUnavailable
from server.evaluate import Failure, QueryJob
from server.results import Answer

log = logging.getLogger(__name__)

# The folder holding this `server` package, so the child imports this very copy.
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[1])


def _child_env() -> dict[str, str]:
    """The parent's import path, this package's folder first."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([_PACKAGE_ROOT, *(path for path in sys.path if path)])
    return env


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    conn: Connection
    generation: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """SIGKILL: the only way to stop a query that is inside pyoxigraph (the socket then closes)."""
        if self.alive():
            self.process.kill()

    def discard(self) -> None:
        self.stop()
        self.conn.close()
        self.process.wait(timeout=5)


@dataclass
class _Waiter:
    seq: int
    client: str
    worker: _Worker | None = None
    start: bool = False  # granted the right to start a new worker
    ready: threading.Event = field(default_factory=threading.Event)  # set when something changed for it


class WorkerPool:
    """Up to `size` worker processes over one store generation, started on demand, handed out fairly."""

    def __init__(self, generation: Path, size: int, memory_mb: int = 0) -> None:
        if size < 1:
            raise ValueError("a query pool needs at least one worker")
        self.size = size
        self.memory_mb = memory_mb
        self._generation = generation
        self._idle: list[_Worker] = []
        self._waiting: list[_Waiter] = []
        self._running: Counter[str] = Counter()  # queries running per client
        self._lock = threading.Lock()
        self._count = 0
        self._closed = False
        self._seq = itertools.count()
        self.pids: list[int] = []  # every worker ever started; tests check the killed ones

    @property
    def generation(self) -> Path:
        return self._generation

    def retarget(self, generation: Path) -> None:
        """Serve a new store generation; old workers are ended as they come back."""
        with self._lock:
            self._generation = generation
            stale = [w for w in self._idle if w.generation != generation]
            self._idle = [w for w in self._idle if w.generation == generation]
            self._count -= len(stale)
            self._wake_all()
        for worker in stale:
            worker.discard()

    def warm(self) -> None:
        """Start every missing worker now (in parallel), so first queries do not wait."""
        launched = []
        with self._lock:
            while self._count < self.size:
                self._count += 1
                launched.append(None)
        workers = [self._launch() for _ in launched]
        deadline = time.monotonic() + 30
        for worker in workers:
            ready = self._await_ready(worker, deadline)
            with self._lock:
                self._idle.append(ready)
                self._hand_out()

    def run(self, job: QueryJob, ticket: Ticket | None = None) -> Answer | Failure:
        """Run `job`, or raise QueryTimeout when its time passes first (waiting for a free worker
        counts), or ClientGone when the ticket's client hangs up. The ticket records the seconds the
        query ran, for the client's budget."""
        deadline = time.monotonic() + job.timeout
        client = ticket.client if ticket is not None else None
        name = client.name if client is not None else ""
        gone = client.gone if client is not None else None
        worker = self._acquire(deadline, job.timeout, name, gone)
        sent = time.monotonic()
        try:
            with kill_after(deadline - sent, worker.stop, gone) as guard:
                try:
                    worker.conn.send(job)
                    answer: Answer | Failure = worker.conn.recv()
                except (EOFError, OSError) as error:
                    if guard.fired:
                        self._discard(worker)
                        worker = None  # type: ignore[assignment]
                        if guard.fired == "stopped":
                            raise ClientGone("The client went away; its query was stopped.") from None
                        log.warning("query stopped after %.1f s: %.200r", job.timeout, job.query)
                        raise QueryTimeout(
                            f"Query time limit of {job.timeout:g} s exceeded; the query was stopped. "
                            "Narrow the query (a LIMIT, more specific patterns) and try again.") from None
                    failed, worker = worker, None
                    raise self._failure(failed, error) from error
        finally:
            if ticket is not None:
                ticket.seconds = time.monotonic() - sent
            with self._lock:
                self._running[name] -= 1
                if self._running[name] <= 0:
                    del self._running[name]
            if worker is not None:
                self._release(worker)
        return answer

    def _failure(self, worker: _Worker, error: BaseException) -> Exception:
        self._discard(worker)
        if worker.process.returncode == -signal.SIGABRT and self.memory_mb:
            return MemoryLimit(
                f"The query needed more than the memory limit of {self.memory_mb} MB; "
                "the query was stopped. Narrow it (a LIMIT, more specific patterns, "
                "no ORDER BY over huge results) and try again.")
        if worker.process.returncode == -signal.SIGSEGV:
            return WorkerFailed(
                "The query engine crashed on this query (most likely too long or too deeply "
                "nested for it); the query was stopped. Simplify or split it and try again.")
        return WorkerFailed(f"The query process ended unexpectedly ({error!r}).")

    def close(self) -> None:
        """End all idle workers; busy ones end when they come back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            self._count -= len(idle)
            self._wake_all()
        for worker in idle:
            worker.discard()

    # -- internals ----------------------------------------------------------------------------

    def _first(self) -> _Waiter | None:
        """Who is served next: a client with nothing running before one already running a query."""
        if not self._waiting:
            return None
        return min(self._waiting, key=lambda w: (self._running[w.client] > 0, w.seq))

    def _wake_all(self) -> None:
        """Every waiter looks again (lock held): the pool closed, retargeted or lost a worker."""
        for waiter in self._waiting:
            waiter.ready.set()

    def _hand_out(self) -> None:
        """Give idle workers (or the right to start one) to waiters in fair order (lock held)."""
        while self._waiting:
            waiter = self._first()
            assert waiter is not None
            if self._idle:
                waiter.worker = self._idle.pop()
            elif self._count < self.size:
                self._count += 1
                waiter.start = True
            else:
                return
            self._waiting.remove(waiter)
            self._running[waiter.client] += 1
            waiter.ready.set()  # only the waiter served wakes: no herd of threads after every query

    def _acquire(self, deadline: float, timeout: float, client: str, gone) -> _Worker:
        while True:
            with self._lock:
                if self._closed:
                    raise WorkerFailed("The query pool is closed.")
                waiter = _Waiter(next(self._seq), client)
                self._waiting.append(waiter)
                self._hand_out()
            while True:
                with self._lock:
                    if waiter.worker is not None or waiter.start:
                        break
                    remaining = deadline - time.monotonic()
                    stopped = gone is not None and gone()
                    if remaining <= 0 or stopped or self._closed:
                        self._waiting.remove(waiter)
                        if stopped:
                            raise ClientGone("The client went away before its query ran.")
                        if self._closed:
                            raise WorkerFailed("The query pool is closed.")
                        raise QueryTimeout(
                            f"Query time limit of {timeout:g} s exceeded while waiting for a free "
                            "query process; the server is busy, try again shortly.")
                    waiter.ready.clear()
                waiter.ready.wait(min(remaining, 0.25))
            if waiter.start:
                try:
                    return self._await_ready(self._launch(), deadline)
                except BaseException:
                    with self._lock:
                        self._running[client] -= 1
                        if self._running[client] <= 0:
                            del self._running[client]
                    raise
            worker = waiter.worker
            assert worker is not None
            if worker.alive() and worker.generation == self._generation:
                return worker
            with self._lock:
                self._running[client] -= 1
                if self._running[client] <= 0:
                    del self._running[client]
            self._discard(worker)

    def _launch(self) -> _Worker:
        generation = self._generation
        parent, child = socket.socketpair()
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "server.evaluate", str(child.fileno()), str(generation), str(self.memory_mb)],
                pass_fds=[child.fileno()], env=_child_env(), stdin=subprocess.DEVNULL,
            )
        except OSError:
            parent.close()
            with self._lock:
                self._count -= 1
                self._wake_all()
            raise
        finally:
            child.close()
        worker = _Worker(process, Connection(parent.detach()), generation)
        self.pids.append(worker.pid)
        return worker

    def _await_ready(self, worker: _Worker, deadline: float) -> _Worker:
        wait = max(0.0, deadline - time.monotonic()) + 10  # opening is not the query's fault
        try:
            ready = worker.conn.poll(wait) and worker.conn.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self._discard(worker)
            raise StoreUnavailable(
                f"The query process could not open the store {worker.generation}; see the server log.")
        return worker

    def _discard(self, worker: _Worker) -> None:
        worker.discard()
        with self._lock:
            self._count -= 1
            self._hand_out()

    def _release(self, worker: _Worker) -> None:
        with self._lock:
            keep = not self._closed and worker.generation == self._generation and worker.alive()
            if keep:
                self._idle.append(worker)
                self._hand_out()
                return
        self._discard(worker)
