"""The production setup: granian (server/production.py) on the app factory, as `immunall serve` runs it."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.net import free_port
from tests.procs import descendants

pytest_plugins = ["tests.server_fixtures"]

ROOT = Path(__file__).resolve().parents[1]



@pytest.fixture(scope="module")
def production(generation):
    port = free_port()
    env = dict(os.environ, IMMUNALL_STORE_PATH=str(generation), IMMUNALL_BIND=f"127.0.0.1:{port}")
    process = subprocess.Popen(
        [sys.executable, "-m", "server.production"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        _wait_until_up(process, url)
        yield process, url
    finally:  # never leave a server behind, even when start-up failed
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(url, params={"query": "ASK {}"}, timeout=5)
            return
        except (requests.ConnectionError, requests.Timeout):
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode()) from None
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


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


def test_production_runs_two_workers_each_with_query_processes(production):
    process, _ = production
    # 2 web workers, each with QUERY_WORKERS=2 prewarmed query processes; they start after the
    # workers do, so on a loaded machine wait for them rather than sampling once
    deadline = time.monotonic() + 60
    while len(descendants(process.pid)) < 6 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(descendants(process.pid)) >= 6


def test_production_shutdown_leaves_no_query_process(production):
    process, _ = production
    before = descendants(process.pid)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in before):
        assert time.monotonic() < deadline, "query processes outlived the server"
        time.sleep(0.1)
