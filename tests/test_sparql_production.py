"""The production setup: granian (server/production.py) on the app factory, as `immunall serve` runs it."""

from __future__ import annotations

import gzip
import signal
import time
from pathlib import Path

import pytest
import requests

from tests.procs import descendants, production_server

pytest_plugins = ["tests.server_fixtures"]

ROOT = Path(__file__).resolve().parents[1]



@pytest.fixture(scope="module")
def production(generation):
    with production_server(generation) as running:
        yield running


def test_production_serves_queries(production, build_info):
    _, url = production
    response = requests.get(url, params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
                            headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert response.status_code == 200
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) == build_info["triples"]
    raw = requests.get(url, params={"query": "SELECT * { ?s ?p ?o }"},
                       headers={"Accept-Encoding": "gzip"}, timeout=10, stream=True)
    assert raw.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(raw.raw.read()).startswith(b'{"head"')


def test_production_accepts_long_get_queries(production):
    _, url = production
    query = "#" + "x" * 9000 + "\nASK {}"  # beyond many servers' default request line
    response = requests.get(url, params={"query": query}, timeout=10)
    assert response.status_code == 200


def test_production_runs_one_worker_with_its_query_processes(production):
    process, _ = production
    # 1 web worker with QUERY_WORKERS=3 prewarmed query processes; they start after the worker
    # does, so on a loaded machine wait for them rather than sampling once
    deadline = time.monotonic() + 60
    while len(descendants(process.pid)) < 4 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(descendants(process.pid)) == 4


def test_production_shutdown_leaves_no_query_process(production):
    process, _ = production
    before = descendants(process.pid)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in before):
        assert time.monotonic() < deadline, "query processes outlived the server"
        time.sleep(0.1)
