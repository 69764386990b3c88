"""The one place that chooses where queries run: the embedded store or an external endpoint.

Both backends take a `QueryJob` and give back an `Answer` in the negotiated format with the row
cap applied, or raise an `EndpointError`; the views never know which one they talk to.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox
import requests
from flask import Flask, current_app

from server.errors import (
    BackendFailure,
    QuerySyntax,
    QueryTimeout,
    Refused,
    RemoteFailure,
    StoreUnavailable,
)
from server.evaluate import Failure, QueryJob
from server.pool import WorkerPool
from server.results import (
    Answer,
    as_triples,
    boolean_answer,
    solutions_answer,
    triples_answer,
)

EXTENSION = "immunall.backend"


@dataclass(frozen=True)
class Generation:
    """The data being served, as build.json describes it (all None for an external endpoint)."""

    path: Path | None = None
    version: str | None = None
    built: datetime | None = None
    triples: int | None = None
    graphs: dict[str, int] = field(default_factory=dict)


def read_generation(path: Path) -> Generation:
    """Resolve `path` (usually the `current` symlink) and read its build.json."""
    real = path.resolve()
    if not (real / "oxigraph").is_dir():
        raise StoreUnavailable(
            f"No store generation at {path} (expected {path}/oxigraph); build the graph first."
        )
    manifest = real / "build.json"
    if not manifest.is_file():
        return Generation(path=real)
    try:
        info: dict[str, Any] = json.loads(manifest.read_text(encoding="utf-8"))
        built = info.get("built")
        when = datetime.fromisoformat(built.replace("Z", "+00:00")) if built else None
    except (OSError, ValueError, AttributeError) as error:
        raise StoreUnavailable(f"The store generation at {path} is corrupt (build.json: {error}); "
                               "rebuild the graph.") from None
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # the contract says UTC; compare as such
    return Generation(
        path=real,
        version=info.get("version"),
        built=when,
        triples=info.get("triples"),
        graphs=dict(info.get("graphs") or {}),
    )


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
        if prewarm:
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


# Ask the remote for formats pyoxigraph parses, so the cap and the negotiated format apply the
# same way as for the embedded store; the remote answers with the family its query form needs.
REMOTE_ACCEPT = ", ".join(
    [
        "application/sparql-results+json",
        "application/sparql-results+xml;q=0.9",
        "text/tab-separated-values;q=0.8",
        "application/n-triples",
        "text/turtle;q=0.9",
        "application/rdf+xml;q=0.8",
        "application/ld+json;q=0.7",
    ]
)
MAX_REMOTE_BYTES = 256 * 1024 * 1024


class RemoteBackend:
    """Forward queries to an external SPARQL 1.1 endpoint over HTTP (POST, form-encoded).

    The time limit covers the whole exchange; when it passes the connection is dropped (the
    remote server's own limits decide when it stops working).
    """

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self._session = requests.Session()

    def generation(self) -> Generation:
        return Generation()

    def run(self, job: QueryJob) -> Answer:
        from server.federation import check_services

        check_services(job.query, job.service_allow)  # no query process here: checked in-process
        body, media_type = self._fetch(job)
        results_syntax = _results_syntax(media_type)
        if results_syntax is not None:
            try:
                parsed = ox.parse_query_results(body, results_syntax)
            except SyntaxError as error:
                raise RemoteFailure(f"Unreadable results from {self.endpoint}: {error}") from error
            wanted = ox.QueryResultsFormat.from_media_type(job.solutions_media_type)
            if isinstance(parsed, ox.QueryBoolean):
                return boolean_answer(parsed, wanted)
            return solutions_answer(parsed, wanted, job.max_rows)
        rdf_syntax = _rdf_syntax(media_type)
        if rdf_syntax is None:
            raise RemoteFailure(f"{self.endpoint} answered with unexpected type {media_type!r}")
        try:
            triples = list(as_triples(ox.parse(body, rdf_syntax)))
        except SyntaxError as error:
            raise RemoteFailure(f"Unreadable RDF from {self.endpoint}: {error}") from error
        wanted_rdf = ox.RdfFormat.from_media_type(job.graph_media_type)
        return triples_answer(triples, wanted_rdf, job.max_rows)

    def _fetch(self, job: QueryJob) -> tuple[bytes, str]:
        deadline = time.monotonic() + job.timeout
        form: list[tuple[str, str]] = [("query", job.query)]
        form += [("default-graph-uri", iri) for iri in job.default_graphs or ()]
        form += [("named-graph-uri", iri) for iri in job.named_graphs or ()]
        try:
            response = self._session.post(
                self.endpoint,
                data=form,
                headers={"Accept": REMOTE_ACCEPT},
                timeout=(min(5.0, job.timeout), job.timeout),
                stream=True,
            )
            chunks: list[bytes] = []
            size = 0
            with response:
                for chunk in response.iter_content(chunk_size=65536):
                    chunks.append(chunk)
                    size += len(chunk)
                    if time.monotonic() > deadline:
                        raise requests.Timeout("deadline passed while reading the answer")
                    if size > MAX_REMOTE_BYTES:
                        raise RemoteFailure(f"{self.endpoint} sent more than {size} bytes")
        except requests.Timeout as error:
            raise QueryTimeout(
                f"Query time limit of {job.timeout:g} s exceeded waiting for {self.endpoint}; "
                "the request was abandoned."
            ) from error
        except requests.ConnectionError as error:
            raise RemoteFailure(f"Cannot reach {self.endpoint}: {error}") from error
        body = b"".join(chunks)
        text = body.decode("utf-8", errors="replace")
        if response.status_code == 400:
            raise QuerySyntax(text.strip() or "The external endpoint refused the query.")
        if response.status_code in (503, 504):
            raise QueryTimeout(f"{self.endpoint}: {text.strip()}")
        if response.status_code != 200:
            raise RemoteFailure(f"{self.endpoint} answered {response.status_code}: {text[:500]}")
        return body, response.headers.get("Content-Type", "")

    def close(self) -> None:
        self._session.close()


def _results_syntax(media_type: str) -> ox.QueryResultsFormat | None:
    bare = media_type.split(";", 1)[0].strip().lower()
    if bare in {"text/csv"}:
        return None  # not parseable; never asked for
    return ox.QueryResultsFormat.from_media_type(bare) if bare else None


def _rdf_syntax(media_type: str) -> ox.RdfFormat | None:
    bare = media_type.split(";", 1)[0].strip().lower()
    return ox.RdfFormat.from_media_type(bare) if bare else None


def init_app(app: Flask) -> None:
    """Attach the backend the configuration asks for."""
    endpoint = app.config["SPARQL_ENDPOINT"]
    backend: Backend
    if endpoint:
        backend = RemoteBackend(endpoint)
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
