"""The query process side: open a store generation read-only, run jobs, send answers back.

This module runs inside the killable worker processes (see pool.py), so it imports nothing of
Flask. Each job carries its own formats and limits, making a worker stateless apart from the
open store.
"""

from __future__ import annotations

import contextlib
import ctypes
import resource
import signal
import sys
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from immunall.generation import open_store
from server.results import Answer, boolean_answer, solutions_answer, triples_answer

# If the web process vanishes without killing us, SIGALRM's default action ends a runaway query
# this long after its own time limit (the kernel delivers it whatever the Rust code is doing).
BACKSTOP_SECONDS = 5.0
STACK_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class QueryJob:
    """Everything needed to run one query and serialize its answer."""

    query: str
    solutions_media_type: str
    graph_media_type: str
    max_rows: int
    timeout: float
    base_iri: str | None = None
    default_graphs: tuple[str, ...] | None = None  # protocol default-graph-uri values
    named_graphs: tuple[str, ...] | None = None  # protocol named-graph-uri values
    query_names_dataset: bool = False  # the query has its own FROM / FROM NAMED
    form: str | None = None  # SELECT, ASK, CONSTRUCT, DESCRIBE as sketched; None if unknown
    service_allow: tuple[str, ...] = ()  # SERVICE endpoints the query may call (none by default)
    trusted: bool = False  # the server's own page query: runs in the web process (server/store.py)


@dataclass(frozen=True)
class Failure:
    """Why a query produced no answer: `syntax` or `refused` (client's fault, 400) or `error` (500)."""

    kind: str
    message: str


def dataset_arguments(job: QueryJob) -> dict[str, Any]:
    """pyoxigraph dataset arguments for the SPARQL protocol's rules.

    Protocol graphs (default-graph-uri / named-graph-uri) replace the query's FROM clauses and
    make up the whole dataset. Otherwise the query's own FROM wins; without either, the default
    graph is the union of all named graphs (the store's default graph is empty by contract).
    """
    if job.default_graphs is not None or job.named_graphs is not None:
        return {
            "default_graph": [ox.NamedNode(iri) for iri in job.default_graphs or ()],
            "named_graphs": [ox.NamedNode(iri) for iri in job.named_graphs or ()],
        }
    if job.query_names_dataset:
        return {}
    return {"use_default_graph_as_union": True}


def evaluate(store: ox.Store, job: QueryJob) -> Answer | Failure:
    """Run `job` (already read and checked by server/query.py) on `store`; syntax and evaluation
    errors become a `Failure`."""
    if "service" in job.query.lower():  # both readings of SERVICE, here where time is limited
        from server.errors import Refused
        from server.federation import check_services

        try:
            check_services(job.query, job.service_allow)
        except Refused as refusal:
            return Failure("refused", str(refusal))
    try:
        result = store.query(job.query, base_iri=job.base_iri, **dataset_arguments(job))
        if isinstance(result, ox.QueryBoolean):
            return boolean_answer(
                result, ox.QueryResultsFormat.from_media_type(job.solutions_media_type)
            )
        if isinstance(result, ox.QuerySolutions):
            return solutions_answer(
                result,
                ox.QueryResultsFormat.from_media_type(job.solutions_media_type),
                job.max_rows,
            )
        return triples_answer(
            result, ox.RdfFormat.from_media_type(job.graph_media_type), job.max_rows
        )
    except SyntaxError as error:
        return Failure("syntax", str(error))
    except (OSError, ValueError, RuntimeError) as error:
        return Failure("error", f"{type(error).__name__}: {error}")


def serve(conn: Connection, generation: str) -> None:
    """Worker main loop: answer jobs until the web process closes the connection."""
    store = open_store(Path(generation))
    conn.send("ready")
    while True:
        try:
            job: QueryJob = conn.recv()
        except EOFError:
            return
        signal.setitimer(signal.ITIMER_REAL, job.timeout + BACKSTOP_SECONDS)
        answer = evaluate(store, job)
        signal.setitimer(signal.ITIMER_REAL, 0)
        conn.send(answer)
        if isinstance(answer, Answer) and len(answer.body) > TRIM_BYTES:
            trim_heap()


TRIM_BYTES = 1 << 20


def trim_heap() -> None:
    """Give freed heap back to the system: glibc keeps freed memory in the process, so each query
    process would otherwise stay as large as its largest answer (at 1M triples the names index
    alone left ~80 MB in one of them), and the server's parent process as large as its store check."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def limit_memory(megabytes: int) -> None:
    """Cap this process's heap (RLIMIT_DATA; the store's file mappings do not count).

    A query that needs more makes an allocation fail; Rust then aborts the process (SIGABRT),
    which the web worker reports as the memory limit, instead of the machine swapping or the
    kernel's OOM killer picking some other process.
    """
    if megabytes > 0:
        size = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (size, size))


def main(argv: list[str]) -> None:
    """`python -m server.evaluate FD GENERATION MEMORY_MB`: serve jobs on the socket FD.

    Queries run in a thread with a large stack (only the pages touched are ever committed): the
    engine's parser and planner recurse over the query, and the main thread's 8 MB would overflow
    on queries well inside the limits of `complexity_problem`.
    """
    fd, generation, megabytes = int(argv[0]), argv[1], int(argv[2])
    limit_memory(megabytes)
    # The stack counts against RLIMIT_DATA: at most a quarter of the memory limit.
    stack = min(STACK_BYTES, megabytes * 1024 * 1024 // 4) if megabytes > 0 else STACK_BYTES
    threading.stack_size(max(stack, threading.stack_size() or 0, 8 * 1024 * 1024))
    worker = threading.Thread(target=serve, args=(Connection(fd), generation), name="query")
    worker.start()
    worker.join()


if __name__ == "__main__":
    # Run through the importable module so pickled answers name `server.evaluate.Failure`,
    # not `__main__.Failure`, which the web process could not resolve.
    from server import evaluate as _module

    _module.main(sys.argv[1:])
