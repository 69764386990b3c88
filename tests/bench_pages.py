"""Latency of the pages through the Flask test client, over a built store (default dist/current).

    python -m tests.bench_pages [store-path] [rounds]

Three numbers per page: `new data` (every cache empty: the page pays for the whole-graph
models too, as the first request after a rebuild does), `cold page` (models warm, this page's
own queries run), `warm` (median of repeated requests: answered from the per-version cache).
Not a test (pytest does not collect it); its numbers are quoted in server/README.md.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from flask import Flask

from server import close_app, create_app
from server.pages import data, model, search

PAGES = (
    ("home", "/", "text/html"),
    ("trial (ELIANA)", "/trial/NCT02435849", "text/html"),
    ("agent (tisagenlecleucel)", "/agent/tisagenlecleucel", "text/html"),
    ("antigen (CD19)", "/antigen/CD19", "text/html"),
    ("adverse event (CRS)", "/adverse-event/CRS", "text/html"),
    ("figure (OS 3 years)", "/result/eliana-a25-os-3y", "text/html"),
    ("trial as Turtle", "/trial/NCT02435849", "text/turtle"),
    ("search HTML (CTL019)", "/search?q=CTL019", "text/html"),
    ("search JSON (cd)", "/search.json?q=cd&limit=8", "application/json"),
    ("query page, gallery question", "/query?example=03-eliana-outcomes", "text/html"),
    ("charts", "/charts", "text/html"),
    ("ontology browser", "/ontology", "text/html"),
)


def _clear(app: Flask) -> None:
    app.extensions[data.CACHE].clear()
    app.extensions[data.MODELS].clear()


def _warm_models(app: Flask) -> None:
    with app.test_request_context():
        model.ontology(), model.publications(), search.index()


def _time(app: Flask, path: str, accept: str) -> float:
    client = app.test_client()
    started = time.perf_counter()
    response = client.get(path, headers={"Accept": accept})
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (path, response.status_code)
    return elapsed


def main(store: Path, rounds: int) -> None:
    app = create_app({"STORE_PATH": store, "PREWARM": True})
    _time(app, "/sparql?query=ASK%7B%7D", "application/sparql-results+json")
    print(f"{'page':<30} {'new data':>10} {'cold page':>10} {'warm':>9}")
    for name, path, accept in PAGES:
        _clear(app)
        fresh = _time(app, path, accept)
        _clear(app)
        _warm_models(app)
        cold = _time(app, path, accept)
        warm = statistics.median(_time(app, path, accept) for _ in range(rounds))
        print(f"{name:<30} {fresh:8.0f} ms {cold:8.0f} ms {warm:6.1f} ms")
    close_app(app)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("dist/current"),
         int(sys.argv[2]) if len(sys.argv) > 2 else 30)
