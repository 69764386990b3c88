"""Latency of a cheap query at each layer: pyoxigraph in-process, through the query pool, the
Flask test client, and real HTTP (werkzeug threaded server and gunicorn).

    python -m tests.bench_sparql [rounds]

Not a test (pytest does not collect it); its numbers are quoted in server/README.md.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import requests

from server import close_app, create_app
from server.evaluate import QueryJob
from server.pool import WorkerPool
from tests.server_fixtures import FIXTURE, LiveServer, read_quads, write_generation

QUERY = ("SELECT ?agent ?label WHERE { ?agent <https://w3id.org/immunall/ontology/targetsAntigen> "
         "?antigen ; <http://www.w3.org/2000/01/rdf-schema#label> ?label }")


def measure(name: str, call: Callable[[], object], rounds: int) -> None:
    for _ in range(10):
        call()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(f"{name:<34} median {statistics.median(times):7.3f} ms   "
          f"p95 {times[int(len(times) * 0.95) - 1]:7.3f} ms")


def main(rounds: int) -> None:
    generation = write_generation(Path(tempfile.mkdtemp()) / "g", read_quads(FIXTURE))
    store = ox.Store.read_only(str(generation / "oxigraph"))
    measure("pyoxigraph in-process (+JSON)", lambda: store.query(
        QUERY, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON),
        rounds)

    pool = WorkerPool(generation, 2)
    started = time.perf_counter()
    pool.warm()
    print(f"{'start 2 query processes':<34} {(time.perf_counter() - started) * 1000:7.1f} ms")
    job = QueryJob(QUERY, "application/sparql-results+json", "text/turtle", 10_000, 10.0)
    measure("query pool (IPC + row cap)", lambda: pool.run(job, 10.0), rounds)
    pool.close()

    app = create_app({"STORE_PATH": generation})
    client = app.test_client()
    measure("Flask test client", lambda: client.get("/sparql", query_string={"query": QUERY}),
            rounds)
    server = LiveServer(app)
    session = requests.Session()
    measure("HTTP, werkzeug threaded server", lambda: session.get(
        server.endpoint, params={"query": QUERY}), rounds)
    server.stop()
    close_app(app)

    port = 18000 + os.getpid() % 1000
    env = dict(os.environ, IMMUNALL_STORE_PATH=str(generation), IMMUNALL_BIND=f"127.0.0.1:{port}")
    root = Path(__file__).resolve().parents[1]
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(root / "server" / "gunicorn_conf.py"),
         "--access-logfile", "/dev/null", "server:create_app()"],
        cwd=root, env=env, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/sparql"
    for _ in range(100):
        try:
            session.get(url, params={"query": "ASK {}"}, timeout=5)
            break
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    measure("HTTP, gunicorn (2x4 gthread)", lambda: session.get(url, params={"query": QUERY}),
            rounds)
    gunicorn.send_signal(signal.SIGTERM)
    gunicorn.wait(timeout=30)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
