"""The one place that chooses where queries run: the embedded store or an external endpoint.

Both backends take a `QueryJob` and give back an `Answer` in the negotiated format with the row
cap applied, or raise an `EndpointError`; the views never know which one they talk to.
"""

from __future__ import annotations

import contextlib
import os
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
from server.lane import InProcessLane
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
    """pyoxigraph on disk, read-only: queries known to be quick run in this process (lane.py), the
    others in killable worker processes (pool.py)."""

    def __init__(self, path: Path, workers: int, prewarm: bool = False, memory_mb: int = 0,
                 inprocess_ms: float = 0) -> None:
        self._path = path
        self.lane = InProcessLane(inprocess_ms)
        self._memory_mb = memory_mb
        self._lock = threading.Lock()
        self._generation: Generation | None = None
        self._identity: tuple[int, int] | None = None
        self._pool: WorkerPool | None = None
        self._workers = workers
        if prewarm:  # in the background: the web worker accepts requests at once, the first query
            # waits for a query process that is already starting
            threading.Thread(target=self._warm, name="prewarm", daemon=True).start()

    def _warm(self) -> None:
        with contextlib.suppress(Exception):  # the first query reports what is wrong with the store
            self._current_pool().warm()

    def generation(self) -> Generation:
        """The live generation; follows a switched `current` symlink.

        One stat per call (the directory `current` points to: a switch means another inode), since
        pages ask for it many times per request; build.json is read only when that changes.
        """
        try:
            status = os.stat(self._path)
            identity: tuple[int, int] | None = (status.st_dev, status.st_ino)
        except OSError:
            identity = None  # read_generation says what is missing
        current = self._generation
        if current is not None and identity is not None and identity == self._identity:
            return current
        with self._lock:
            if self._generation is None or identity is None or identity != self._identity:
                self._generation = read_generation(self._path)
                self._identity = identity
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
        generation = self.generation().path
        assert generation is not None and self._pool is not None
        if self.lane.admits(job, generation):
            return _unwrap(self.lane.run(job, generation))
        answer, seconds = self._pool.run_timed(job, job.timeout)
        self.lane.observe(job, generation, seconds, answer)
        return _unwrap(answer)

    def select_rows(self, job: QueryJob) -> tuple[list[str], list] | None:
        """A trusted SELECT's variables and solutions as pyoxigraph terms, run in this process; None
        when the lane does not take it (the caller then uses `run`)."""
        generation = self.generation().path
        assert generation is not None
        if not job.trusted or not self.lane.admits(job, generation):
            return None
        result = self.lane.solutions(job, generation)
        if isinstance(result, Failure):
            _unwrap(result)
        return result  # type: ignore[return-value]

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
            inprocess_ms=float(app.config["INPROCESS_MS"]),
        )
    app.extensions[EXTENSION] = backend


def get_backend() -> Backend:
    return current_app.extensions[EXTENSION]


def close_app(app: Flask) -> None:
    backend = app.extensions.pop(EXTENSION, None)
    if backend is not None:
        backend.close()
