"""The in-process lane: queries known to be quick run in the web process, not in a query process.

The query processes (pool.py) exist to stop runaway queries, and they cost every query a round trip
to another process: two context switches, pickling both ways, and a second process's CPU; for a
cheap lookup that is several times the engine's own time. A query may skip that trip when it
cannot run away:

- it is the server's own (`QueryJob.trusted`: the page queries in server/queries/pages, fixed
  texts bounded per entity), or
- the same query (comments and spacing aside), on the same dataset and row cap, already finished
  within `INPROCESS_MS` on this very store generation. The store is read-only, so the same query on
  the same generation does the same work again; a new generation starts with an empty memory.

Queries that call SERVICE never qualify (their time depends on another server), nor do long ones
(the engine's parser recurses over the query; the query processes give it a deep stack, the web
server's threads do not). pyoxigraph
releases the GIL while it evaluates, so an in-process query does not block the worker's other
threads. Should one nevertheless pass its time limit (a trusted page query on a far larger graph
than expected), the watchdog ends the whole web worker with SIGKILL, the only way to stop a query
inside the engine; the server (granian) starts a new worker. The log says which query did it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from server.errors import StoreUnavailable
from server.evaluate import Failure, QueryJob, dataset_arguments, evaluate, open_store
from server.results import Answer

log = logging.getLogger(__name__)

MEMORY_ENTRIES = 20_000  # remembered query costs per web worker (least recently used first out)
GRACE_SECONDS = 1.0  # the watchdog's allowance past a query's own limit
MAX_QUERY_CHARS = 8192  # longer queries always go to a query process


def _cost_key(job: QueryJob, generation: Path) -> tuple:
    return (generation, job.key or job.query, job.default_graphs, job.named_graphs,
            job.query_names_dataset, job.max_rows, job.form)


class CostMemory:
    """Which queries finished quickly on one generation: a bounded, thread-safe LRU of keys."""

    def __init__(self, limit_seconds: float, entries: int = MEMORY_ENTRIES) -> None:
        self.limit_seconds = limit_seconds
        self.entries = entries
        self._quick: OrderedDict[tuple, float] = OrderedDict()
        self._lock = threading.Lock()

    def is_quick(self, job: QueryJob, generation: Path) -> bool:
        key = _cost_key(job, generation)
        with self._lock:
            if key in self._quick:
                self._quick.move_to_end(key)
                return True
        return False

    def observe(self, job: QueryJob, generation: Path, seconds: float) -> None:
        """Remember `job` when it finished within the limit; forget it when it did not."""
        key = _cost_key(job, generation)
        with self._lock:
            if seconds <= self.limit_seconds:
                self._quick[key] = seconds
                self._quick.move_to_end(key)
                while len(self._quick) > self.entries:
                    self._quick.popitem(last=False)
            else:
                self._quick.pop(key, None)

    def __len__(self) -> int:
        return len(self._quick)


class Watchdog:
    """Ends this process when an in-process query runs past its limit (plus a grace second)."""

    def __init__(self, kill=lambda: os.kill(os.getpid(), signal.SIGKILL)) -> None:
        self._kill = kill
        self._running: dict[int, tuple[float, str]] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, token: int, timeout: float, query: str) -> None:
        with self._lock:
            self._running[token] = (time.monotonic() + timeout + GRACE_SECONDS, query)
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="lane-watchdog", daemon=True)
                self._thread.start()

    def stop(self, token: int) -> None:
        with self._lock:
            self._running.pop(token, None)

    def _watch(self) -> None:
        while True:
            with self._lock:
                deadlines = sorted(self._running.values())
            now = time.monotonic()
            if deadlines and deadlines[0][0] <= now:
                log.critical("an in-process query ran past its time limit; ending this web worker to stop "
                             "it (the server starts a new one): %.300r", deadlines[0][1])
                logging.shutdown()
                self._kill()
                return
            wait = min(0.5, deadlines[0][0] - now) if deadlines else 0.5
            self._wake.wait(max(0.01, wait))


class InProcessLane:
    """A read-only store opened in the web process, and the rules for what may run on it."""

    def __init__(self, limit_ms: float, watchdog: Watchdog | None = None) -> None:
        self.enabled = limit_ms > 0
        self.memory = CostMemory(limit_ms / 1000)
        self.watchdog = watchdog or Watchdog()
        self._store: tuple[Path, ox.Store] | None = None
        self._lock = threading.Lock()
        self._tokens = iter(range(1, 1 << 62))
        self.answered = 0  # queries answered here (tests and the benchmark look)

    def admits(self, job: QueryJob, generation: Path) -> bool:
        if not self.enabled or "service" in job.query.lower():
            return False
        if job.trusted:
            return True
        return len(job.query) <= MAX_QUERY_CHARS and self.memory.is_quick(job, generation)

    def observe(self, job: QueryJob, generation: Path, seconds: float, answer: Answer | Failure) -> None:
        """Learn from a query the pool ran (answers and syntax errors only: other failures are rare)."""
        if self.enabled and (isinstance(answer, Answer) or answer.kind == "syntax"):
            self.memory.observe(job, generation, seconds)

    def run(self, job: QueryJob, generation: Path) -> Answer | Failure:
        store = self._open(generation)
        with self._watched(job):
            return evaluate(store, job, checked=True)

    @contextlib.contextmanager
    def _watched(self, job: QueryJob) -> Iterator[None]:
        """Count the query and keep the watchdog on it while it runs."""
        with self._lock:
            token = next(self._tokens)
            self.answered += 1
        self.watchdog.start(token, job.timeout, job.query)
        try:
            yield
        finally:
            self.watchdog.stop(token)

    def solutions(self, job: QueryJob, generation: Path) -> tuple[list[str], list[ox.QuerySolution]] | Failure:
        """A trusted SELECT's variables and first `max_rows` solutions as pyoxigraph terms: for the
        pages, which would otherwise serialize the answer only to parse it back."""
        store = self._open(generation)
        with self._watched(job):
            try:
                result = store.query(job.query, base_iri=job.base_iri, **dataset_arguments(job))
                if not isinstance(result, ox.QuerySolutions):
                    return Failure("error", "expected a SELECT query")
                return [variable.value for variable in result.variables], list(islice(result, job.max_rows))
            except SyntaxError as error:
                return Failure("syntax", str(error))
            except (OSError, ValueError, RuntimeError) as error:
                return Failure("error", f"{type(error).__name__}: {error}")

    def _open(self, generation: Path) -> ox.Store:
        current = self._store
        if current is not None and current[0] == generation:
            return current[1]
        with self._lock:
            if self._store is None or self._store[0] != generation:
                try:
                    self._store = (generation, open_store(generation))
                except (OSError, RuntimeError, ValueError) as error:
                    log.error("cannot open the store %s: %s", generation, error)
                    raise StoreUnavailable(f"The web process could not open the store {generation} "
                                           f"({error}); rebuild it with `immunall build`.") from None
            return self._store[1]
