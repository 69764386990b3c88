"""The one place that chooses where queries run: the embedded store or an external endpoint.

Both backends take a `QueryJob` and give back an `Answer` in the negotiated format with the row
cap applied, or raise an `EndpointError`; the views never know which one they talk to.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app

from server.errors import (
    BackendFailure,
    QuerySyntax,
    Refused,
)
from server.evaluate import Failure, QueryJob
from server.generation import Generation, read_generation
from server.pool import WorkerPool
from server.remote import RemoteBackend
from server.results import Answer

__all__ = ["Backend", "EmbeddedBackend", "Generation", "RemoteBackend", "get_backend", "init_app"]

EXTENSION = "immunall.backend"


class Backend(Protocol):
    def generation(self) -> Generation: ...

    def run(self, job: QueryJob) -> Answer: ...

    def close(self) -> None: ...


def _unwrap(answer: Answer | Failure) -> Answer:
    if isinstance(answer, Failure):
        if answer.kind == "syntax":
            raise QuerySyntax(f"Malformed query: {answer.message}")
        if answer.kind == "refused":
            raise Refused(answer.message)
        raise BackendFailure(answer.message)
    return answer


class EmbeddedBackend:
    """pyoxigraph on disk, read-only, queried in killable worker processes."""

    def __init__(self, path: Path, workers: int, prewarm: bool = False, memory_mb: int = 0) -> None:
        self._path = path
        self._memory_mb = memory_mb
        self._lock = threading.Lock()
        self._generation: Generation | None = None
        self._pool: WorkerPool | None = None
        self._workers = workers
        if prewarm:  # in the background: the web worker accepts requests at once, the first query
            # waits for a query process that is already starting
            threading.Thread(target=self._warm, name="prewarm", daemon=True).start()

    def _warm(self) -> None:
        with contextlib.suppress(Exception):  # the first query reports what is wrong with the store
            self._current_pool().warm()

    def generation(self) -> Generation:
        """The live generation; follows a switched `current` symlink (a stat per call)."""
        real = self._path.resolve()
        with self._lock:
            if self._generation is None or self._generation.path != real:
                self._generation = read_generation(self._path)
                assert self._generation.path is not None
                if self._pool is None:
                    self._pool = WorkerPool(self._generation.path, self._workers, self._memory_mb)
                else:
                    self._pool.retarget(self._generation.path)
            return self._generation

    def _current_pool(self) -> WorkerPool:
        self.generation()
        assert self._pool is not None
        return self._pool

    @property
    def pool(self) -> WorkerPool:
        return self._current_pool()

    def run(self, job: QueryJob) -> Answer:
        return _unwrap(self._current_pool().run(job, job.timeout))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()


def init_app(app: Flask) -> None:
    """Attach the backend the configuration asks for."""
    endpoint = app.config["SPARQL_ENDPOINT"]
    backend: Backend
    if endpoint:
        backend = RemoteBackend(endpoint, app.config["SPARQL_ENDPOINT_GRAPHS"])
    else:
        backend = EmbeddedBackend(
            Path(app.config["STORE_PATH"]),
            int(app.config["QUERY_WORKERS"]),
            prewarm=bool(app.config["PREWARM"]),
            memory_mb=int(app.config["QUERY_MEMORY_MB"]),
        )
    app.extensions[EXTENSION] = backend


def get_backend() -> Backend:
    return current_app.extensions[EXTENSION]


def close_app(app: Flask) -> None:
    backend = app.extensions.pop(EXTENSION, None)
    if backend is not None:
        backend.close()
