"""The engine: one interface (`Backend`), two implementations (the embedded store, an external endpoint).

Every query reaches the data through `get_backend().run(job, client)` and comes back as an `Answer`
in the negotiated format with the row cap applied, or an `EndpointError`; nothing else knows which
backend it talks to. For the embedded store there are two rules and no others:

- the server's own page queries (`QueryJob.trusted`: fixed .rq texts, bounded per entity) run in
  the web process, on a store it opens read-only, under a deadline that ends the whole web worker
  should one ever run past it (immunall/deadline.py; granian starts a new worker). pyoxigraph
  releases the GIL while it evaluates, so the worker's other threads go on;
- everything else runs in the killable query processes (server/pool.py), admitted per client
  (server/admission.py).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from flask import Flask, current_app

from immunall import generation as contract
from immunall.deadline import end_this_process, kill_after
from server.admission import Admission, Client, admit
from server.errors import BackendFailure, QuerySyntax, Refused, StoreUnavailable
from server.evaluate import Failure, QueryJob, evaluate
from server.pool import WorkerPool
from server.remote import RemoteBackend
from server.results import Answer

Generation = contract.Generation
__all__ = ["Backend", "EmbeddedBackend", "Generation", "RemoteBackend", "get_backend", "init_app"]

EXTENSION = "immunall.backend"
GRACE_SECONDS = 1.0  # the watchdog's allowance past a page query's own limit


class Backend(Protocol):
    def generation(self) -> Generation: ...

    def run(self, job: QueryJob, client: Client | None = None) -> Answer: ...

    def close(self) -> None: ...


def unwrap(answer: Answer | Failure) -> Answer:
    """An answer, or the EndpointError its failure stands for."""
    if isinstance(answer, Failure):
        if answer.kind == "syntax":
            raise QuerySyntax(f"Malformed query: {answer.message}")
        if answer.kind == "refused":
            raise Refused(answer.message)
        raise BackendFailure(answer.message)
    return answer


class EmbeddedBackend:
    """pyoxigraph on disk, read-only: page queries in this process, the rest in the query pool."""

    def __init__(self, path: Path, workers: int, prewarm: bool = False, memory_mb: int = 0,
                 admission: Admission | None = None) -> None:
        self._path = path
        self._stat_path = os.fspath(path)  # a str: os.stat of a Path converts it on every call
        self.admission = admission
        self._memory_mb = memory_mb
        self._lock = threading.Lock()
        self._generation: Generation | None = None
        self._identity: tuple[int, int] | None = None
        self._pool: WorkerPool | None = None
        self._store: tuple[Path, Any] | None = None
        self._workers = workers
        self.in_process = 0  # page queries answered in this process (tests look)
        if prewarm:  # in the background: the web worker accepts requests at once
            threading.Thread(target=self._warm, name="prewarm", daemon=True).start()

    def _warm(self) -> None:
        try:
            self.pool.warm()
        except Exception:  # noqa: BLE001 - the first query reports what is wrong with the store
            return

    def generation(self) -> Generation:
        """The live generation; follows a switched `current` symlink.

        One stat per call (the directory `current` points to: a switch means another inode), since
        pages and the response cache ask for it on every request; build.json is read only when that
        changes.
        """
        try:
            status = os.stat(self._stat_path)
            identity: tuple[int, int] | None = (status.st_dev, status.st_ino)
        except OSError:
            identity = None  # contract.read says what is missing
        current = self._generation
        if current is not None and identity is not None and identity == self._identity:
            return current
        with self._lock:
            if self._generation is None or identity is None or identity != self._identity:
                try:
                    self._generation = contract.read(self._path)
                except contract.GenerationProblem as problem:
                    raise StoreUnavailable(str(problem)) from None
                self._identity = identity
                assert self._generation.path is not None
                if self._pool is None:
                    self._pool = WorkerPool(self._generation.path, self._workers, self._memory_mb)
                else:
                    self._pool.retarget(self._generation.path)
            return self._generation

    @property
    def pool(self) -> WorkerPool:
        self.generation()
        assert self._pool is not None
        return self._pool

    def run(self, job: QueryJob, client: Client | None = None) -> Answer:
        path = self.generation().path
        assert path is not None
        if job.trusted:
            store = self._open(path)
            with kill_after(job.timeout + GRACE_SECONDS, end_this_process(job.query)):
                self.in_process += 1
                return unwrap(evaluate(store, job))
        with admit(self.admission, client) as ticket:
            return unwrap(self.pool.run(job, ticket))

    def _open(self, path: Path) -> Any:
        current = self._store
        if current is not None and current[0] == path:
            return current[1]
        with self._lock:
            if self._store is None or self._store[0] != path:
                try:
                    self._store = (path, contract.open_store(path))
                except (OSError, RuntimeError, ValueError) as error:
                    raise StoreUnavailable(f"The web process could not open the store {path} ({error}); "
                                           "rebuild it with `immunall build`.") from None
            return self._store[1]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()


def init_app(app: Flask) -> None:
    """Attach the backend the configuration asks for."""
    app.extensions[EXTENSION] = backend_for(app.config)


def backend_for(config: Mapping[str, Any]) -> Backend:
    """The backend `config` asks for (the app's, or the command line's `immunall query`)."""
    admission = Admission(int(config["CLIENT_QUERIES"]), float(config["CLIENT_QUERY_SECONDS"]),
                          float(config["CLIENT_BURST_SECONDS"]))
    backend: Backend
    if config["SPARQL_ENDPOINT"]:
        backend = RemoteBackend(config["SPARQL_ENDPOINT"], config["SPARQL_ENDPOINT_GRAPHS"],
                                float(config["CACHE_MAX_AGE"]), admission)
    else:
        backend = EmbeddedBackend(Path(config["STORE_PATH"]), int(config["QUERY_WORKERS"]),
                                  prewarm=bool(config["PREWARM"]), memory_mb=int(config["QUERY_MEMORY_MB"]),
                                  admission=admission)
    return backend


def get_backend() -> Backend:
    return current_app.extensions[EXTENSION]


def close_app(app: Flask) -> None:
    backend = app.extensions.pop(EXTENSION, None)
    if backend is not None:
        backend.close()
