"""A small pool of query processes that are killed when a query runs out of time.

pyoxigraph's `Store.query` has no timeout and holds its thread in Rust until done, so a runaway
query can only really be stopped by ending the process that runs it. Each worker process opens
the store read-only once and then serves many queries over a socket (~0.1 ms per round trip),
so cheap queries stay cheap; a fresh process per query would add the start-up and store opening
to every query. On timeout the worker gets SIGKILL and a replacement starts on the next demand.

Workers are fresh interpreters (`python -m server.evaluate`), not forks: the web process is
multithreaded, and a fork could copy a lock another thread holds; multiprocessing's forkserver
would re-import the web process's main module in every child.
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from server.errors import BackendFailure as WorkerFailed
from server.errors import MemoryLimit, QueryTimeout, StoreUnavailable
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

    def kill(self) -> None:
        """SIGKILL: the only way to stop a query that is inside pyoxigraph."""
        self.conn.close()
        if self.alive():
            self.process.kill()
        self.process.wait(timeout=5)


class WorkerPool:
    """Up to `size` worker processes over one store generation, started on demand."""

    def __init__(self, generation: Path, size: int, memory_mb: int = 0) -> None:
        if size < 1:
            raise ValueError("a query pool needs at least one worker")
        self.size = size
        self.memory_mb = memory_mb
        self._generation = generation
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._count = 0
        self._closed = False
        self.pids: list[int] = []  # every worker ever started; tests check the killed ones

    @property
    def generation(self) -> Path:
        return self._generation

    def retarget(self, generation: Path) -> None:
        """Serve a new store generation; old workers are ended as they come back."""
        with self._lock:
            self._generation = generation

    def warm(self) -> None:
        """Start every missing worker now (in parallel), so first queries do not wait."""
        launched = []
        while True:
            with self._lock:
                if self._count >= self.size:
                    break
                self._count += 1
            launched.append(self._launch())
        deadline = time.monotonic() + 30
        for worker in launched:
            self._idle.put(self._await_ready(worker, deadline))

    def run(self, job: QueryJob, timeout: float) -> Answer | Failure:
        """Run `job`, or raise QueryTimeout when `timeout` seconds pass first.

        The time counts from the call, so waiting for a free worker uses it up too.
        """
        return self.run_timed(job, timeout)[0]

    def run_timed(self, job: QueryJob, timeout: float) -> tuple[Answer | Failure, float]:
        """`run`, and the seconds the query itself took (from sending it to its answer: no wait for
        a free or starting worker)."""
        deadline = time.monotonic() + timeout
        worker = self._acquire(deadline, timeout)
        sent = time.perf_counter()
        try:
            worker.conn.send(job)
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self._discard(worker)
                log.warning("query stopped after %.1f s: %.200r", timeout, job.query)
                raise QueryTimeout(
                    f"Query time limit of {timeout:g} s exceeded; the query was stopped. "
                    "Narrow the query (a LIMIT, more specific patterns) and try again."
                )
            answer: Answer | Failure = worker.conn.recv()
            seconds = time.perf_counter() - sent
        except (EOFError, BrokenPipeError, ConnectionResetError) as error:
            self._discard(worker)
            if worker.process.returncode == -signal.SIGABRT and self.memory_mb:
                raise MemoryLimit(
                    f"The query needed more than the memory limit of {self.memory_mb} MB; "
                    "the query was stopped. Narrow it (a LIMIT, more specific patterns, "
                    "no ORDER BY over huge results) and try again."
                ) from error
            if worker.process.returncode == -signal.SIGSEGV:
                raise WorkerFailed(
                    "The query engine crashed on this query (most likely too long or too deeply "
                    "nested for it); the query was stopped. Simplify or split it and try again."
                ) from error
            raise WorkerFailed(f"The query process ended unexpectedly ({error!r}).") from error
        self._release(worker)
        return answer, seconds

    def close(self) -> None:
        """End all idle workers; busy ones end when they come back."""
        self._closed = True
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            self._discard(worker)

    # -- internals ----------------------------------------------------------------------------

    def _acquire(self, deadline: float, timeout: float) -> _Worker:
        while True:
            if self._closed:
                raise WorkerFailed("The query pool is closed.")
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                worker = None
                with self._lock:
                    may_start = self._count < self.size
                    if may_start:
                        self._count += 1
                if may_start:
                    return self._start(deadline)
                try:
                    worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    raise QueryTimeout(
                        f"Query time limit of {timeout:g} s exceeded while waiting for a free "
                        "query process; the server is busy, try again shortly."
                    ) from None
            if worker.alive() and worker.generation == self._generation:
                return worker
            self._discard(worker)

    def _start(self, deadline: float) -> _Worker:
        """Start one worker and wait until it has opened the store (the count is reserved)."""
        return self._await_ready(self._launch(), deadline)

    def _launch(self) -> _Worker:
        generation = self._generation
        parent, child = socket.socketpair()
        try:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "server.evaluate",
                    str(child.fileno()),
                    str(generation),
                    str(self.memory_mb),
                ],
                pass_fds=[child.fileno()],
                env=_child_env(),
                stdin=subprocess.DEVNULL,
            )
        except OSError:
            parent.close()
            with self._lock:
                self._count -= 1
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
        except EOFError:
            ready = False
        if not ready:
            self._discard(worker)
            raise StoreUnavailable(
                f"The query process could not open the store {worker.generation}; "
                "see the server log."
            )
        return worker

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._count -= 1

    def _release(self, worker: _Worker) -> None:
        if self._closed or worker.generation != self._generation:
            self._discard(worker)
        else:
            self._idle.put(worker)
